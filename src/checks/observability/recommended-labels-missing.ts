import { yamlScalar } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import { stringListParam } from './util.js';

const DEFAULT_APP_LABELS = ['app.kubernetes.io/name', 'app'];

export default defineCheck<{ appLabels: string[] }>({
  id: 'recommended-labels-missing',
  pillar: 'observability',
  severity: 'warning',
  title: 'Pods have no app name label',
  whatBreaks:
    'The pods carry no app.kubernetes.io/name (or app) label: dashboards, alerts and log queries cannot group them by application, so a per-app error rate or restart alert has nothing to aggregate on.',
  details: `Looks at the pod template labels (the labels every pod, and every metric scraped from it, carries),
not the object's own metadata. One of \`appLabels\` (default \`app.kubernetes.io/name\`, \`app\`) with a
non-empty value suffices.

\`app.kubernetes.io/name\` is the Kubernetes recommended label; \`app\` is the older convention that many
dashboards and service meshes (Istio, Linkerd) still key on. Add \`k8s-app\` to \`appLabels\` if your
add-ons use it. Pods that carry another identity label instead (\`k8s-app\`, \`name\`,
\`app.kubernetes.io/instance\`) are **info**: they can be grouped, only not by the recommended key.`,
  fix: {
    text: 'Label the pod template (a Pod: its metadata) with app.kubernetes.io/name.',
    yaml: `spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/name: checkout`,
    place: { at: 'pod-metadata', snippet: 'labels:\n  app.kubernetes.io/name: checkout   # the app\'s name' },
  },
  params: {
    appLabels: { type: 'string[]', default: DEFAULT_APP_LABELS, description: 'Pod labels that name the application; one suffices.' },
  },
  target: 'workload',
  run({ workload: w, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const accepted = stringListParam(params.appLabels, DEFAULT_APP_LABELS);
    if (accepted.length === 0) return out;
    if (accepted.some((k) => (w.podLabels[k] ?? '').trim() !== '')) return out;
    const where = w.resource.kind === 'Pod' ? 'the Pod' : 'the pod template';
    // Another identity label (the kube-system add-ons' k8s-app, the older name): the pods can be grouped,
    // only not by the key most dashboards use.
    const other = ['k8s-app', 'name', 'app.kubernetes.io/instance'].find((k) => !accepted.includes(k) && (w.podLabels[k] ?? '').trim() !== '');
    if (other) {
      out.push({
        message: `${where} names the application with ${other}=${w.podLabels[other]}, not ${accepted.join(' or ')}: dashboards and alerts keyed on ${accepted[0]} do not group these pods (add it with the same value, or add ${other} to appLabels if your dashboards use it)`,
        path: [...w.podMetaPath, 'labels'],
        severity: 'info',
        fixSnippet: `labels:\n  ${accepted[0]}: ${yamlScalar(w.podLabels[other])}`,
      });
      return out;
    }
    out.push({
      message: `${where} has no ${accepted.join(' or ')} label: dashboards and alerts cannot group these pods by application`,
      path: [...w.podMetaPath, 'labels'],
      fixSnippet: `labels:\n  ${accepted[0]}: ${yamlScalar(w.resource.name)}   # the app's name`,
    });
    return out;
  },
});
