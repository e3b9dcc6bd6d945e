import { defineCheck, type FindingInput, type Workload } from '../types.js';
import { formatLabels } from '../../model/selector.js';
import { get } from '../../model/util.js';
import { APP_INSTANCE_KEY, APP_NAME_KEYS, appDifference, selectedWorkloads, serviceSelector, showObject } from './service-util.js';
import { serviceMetricsOnly } from '../../model/ports.js';

/** The identity labels a workload's pods carry, for the message. */
function identity(w: Workload): string {
  const keys = [...APP_NAME_KEYS, APP_INSTANCE_KEY].filter((k) => w.podLabels[k] !== undefined);
  return keys.map((k) => `${k}=${w.podLabels[k]}`).join(', ');
}

export default defineCheck({
  id: 'service-selects-unrelated-workloads',
  pillar: 'networking',
  severity: 'warning',
  title: 'Service selects pods of different applications',
  whatBreaks:
    'The Service load-balances across the pods of several different programs: a share of the requests lands on a backend that does not speak the protocol or serves other data, so clients see random errors (404s, resets, wrong answers) that come and go with every connection.',
  details: `A Service's selector is often a single generic label (\`tier: backend\`, \`team: payments\`) or a
label reused across charts; it then matches the pods of every workload carrying it, and kube-proxy
spreads connections across all of them.

Reported when the selector matches the pod templates of two or more workloads in the input (same
namespace, deployed together) whose app identity differs: the first of \`app.kubernetes.io/name\`,
\`app\`, \`k8s-app\` that both carry has different values, or the same name with a different
\`app.kubernetes.io/instance\` (two releases of one chart, such as two Redis instances).

Not reported:
- variants of one app: values that differ only by a variant word (\`canary\`, \`stable\`, \`blue\`,
  \`green\`, \`primary\`, \`preview\`, a version like \`v2\`), or an instance name containing the
  other (\`web\` / \`web-canary\`): stable/canary and blue/green pairs share one Service on purpose;
- workloads without identity labels in common (nothing to compare);
- headless Services (\`clusterIP: None\`), which are used for peer discovery across components;
- Services whose ports are all named as metrics ports (\`metrics\`, \`http-metrics\`, \`prom\`...):
  they list scrape targets for Prometheus, which scrapes each pod on its own.`,
  fix: {
    text: 'Add the app identity label to the selector so it matches only the intended workload (and to that workload\'s pod template).',
    yaml: `spec:
  selector:
    app.kubernetes.io/name: orders
    app.kubernetes.io/instance: orders`,
  },
  target: 'object',
  kinds: ['Service'],
  run({ resource: svc, index }) {
    const out: FindingInput[] = [];
    if (get(svc.object, ['spec', 'clusterIP']) === 'None') return out;
    // Scrape target lists: Prometheus scrapes each pod, no client goes through the load balancing.
    if (serviceMetricsOnly(svc)) return out;
    const backends = selectedWorkloads(index, svc);
    if (backends.length < 2) return out;
    // Group the workloads by app: each joins the first group whose first member it does not
    // differ from (a workload without identity labels joins the first group), so the first
    // members of any two groups differ.
    const groups: Workload[][] = [];
    for (const w of backends) {
      const g = groups.find((x) => !appDifference(x[0], w));
      if (g) g.push(w);
      else groups.push([w]);
    }
    if (groups.length < 2) return out;
    const sel = serviceSelector(svc)!;
    const list = groups.map((g) => g.map((w) => `${showObject(w.resource)} (${identity(w)})`).join(' and ')).join('; ');
    out.push({
      message: `selector ${formatLabels(sel)} matches the pods of ${groups.length} different apps: ${list}: connections are spread across all of them, so some requests reach the wrong program`,
      path: ['spec', 'selector'],
      related: backends.map((w) => ({ resource: w.resource, path: [...w.podMetaPath, 'labels'], note: `selected pods (${identity(w)})` })),
    });
    return out;
  },
});
