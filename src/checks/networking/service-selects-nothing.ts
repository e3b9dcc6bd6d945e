import { defineCheck, type FindingInput, type Workload } from '../types.js';
import { OPERATOR_POD_KINDS } from '../../model/operator-pods.js';
import { formatLabels } from '../../model/selector.js';
import { sourceWhere } from '../../model/index.js';
import { APP_NAME_KEYS, serviceSelector, showObject, workloadsWithNearLabel } from './service-util.js';

interface NearMiss {
  w: Workload;
  key: string;
  /** The selector's value for `key`. */
  wanted: string;
  /** The pods' value. */
  has: string;
  /** Why it looks like the intended target. */
  why: 'typo' | 'name';
}

/**
 * Pods in kube-system that come with the cluster rather than with an input: the cluster DNS (CoreDNS
 * or kube-dns carry k8s-app=kube-dns on kubeadm, EKS, GKE, AKS and k3s alike: 'dns', never reported),
 * and the control plane's static pods and kube-proxy, which only some clusters have (a text saying so).
 * Exporters' Services (kube-prometheus-stack's coredns, kube-scheduler, etcd...) select these.
 */
function clusterPods(sel: Record<string, string>): 'dns' | string | null {
  const keys = Object.keys(sel);
  if (keys.length === 1 && sel['k8s-app'] === 'kube-dns') return 'dns';
  const component = sel.component;
  if (component && CONTROL_PLANE.has(component) && keys.every((k) => k === 'component' || (k === 'tier' && sel.tier === 'control-plane'))) {
    return `the ${component} static pods that kubeadm-style clusters run in kube-system (managed control planes such as EKS, GKE and AKS run none)`;
  }
  if (keys.length === 1 && sel['k8s-app'] === 'kube-proxy') return 'the kube-proxy pods that most clusters run in kube-system (none where a CNI replaces kube-proxy, as Cilium can)';
  return null;
}

const CONTROL_PLANE = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']);

export default defineCheck({
  id: 'service-selects-nothing',
  pillar: 'networking',
  severity: 'error',
  title: 'Service selector matches no pods',
  whatBreaks:
    'A Service whose selector matches no pod has no endpoints: every connection to it is refused or times out, and every Ingress, Gateway route or client that uses it fails, while the workload it was meant for runs unreached.',
  details: `A v1 Service sends traffic to the pods of its **own namespace** whose labels carry every pair of
\`spec.selector\` (a plain map: \`matchLabels\`/\`matchExpressions\` do not exist for Services). This
check compares the selector with the pod template labels of the workloads in the input.

- **Error** when a workload deployed with the Service (same namespace; for manifests without a
  namespace, the same folder) is almost selected: it carries every selector pair but one, and for
  that one its value is a near miss of the selector's (the same word up to case and \`-\`/\`_\`/\`.\`,
  or one character inserted, dropped, replaced or swapped, digits excepted: \`v1\`/\`v2\` are
  deliberate), or, for an app name label (\`app.kubernetes.io/name\`, \`app\`, \`k8s-app\`), its value
  is (nearly) the Service's own name while no Service selects that workload. That is a typo or a
  rename that missed one side, and the finding names the label on both sides.
- **Unknown** otherwise, when no workload in the namespace matches: the pods may come from another
  repository, a chart, or an operator whose workloads are not in the input. With \`--complete\` it
  fails. In \`kube-system\`, a selector of the control plane's static pods (\`component:
  kube-scheduler\`, \`kube-controller-manager\`, \`etcd\`, \`kube-apiserver\`) or of kube-proxy
  (\`k8s-app: kube-proxy\`) says that those come with some clusters only; the cluster DNS
  (\`k8s-app: kube-dns\`, CoreDNS's label on every major distribution) is not reported.

Not reported: Services without a selector or with \`selector: {}\` (ExternalName, manually managed
EndpointSlices), \`type: ExternalName\`, selectors with unrendered template values, and selectors
using labels that controllers set at runtime (\`statefulset.kubernetes.io/pod-name\`,
\`pod-template-hash\`, ...). A label missing from the pods entirely is not treated as a typo: some
labels are set on running pods by the application itself (Patroni's \`spilo-role\`, for example).

Pods an operator makes from a custom resource of the input count as selected with the labels the
operator gives them: prometheus-operator's Prometheus, Alertmanager and ThanosRuler; a LeaderWorkerSet's
leader and worker pods (their template's labels and \`leaderworkerset.sigs.k8s.io/name\`); a
CloudNativePG Cluster's instances (\`cnpg.io/cluster\`, \`cnpg.io/instanceRole\` and \`role\`: primary, and
replica with more than one instance).`,
  fix: {
    text: "Make spec.selector equal to (a subset of) the workload's pod template labels, in the workload's namespace.",
    yaml: `# Service
spec:
  selector:
    app.kubernetes.io/name: web     # = spec.template.metadata.labels of the Deployment
---
# Deployment
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web`,
  },
  // Custom resources an operator makes pods from (model/operator-pods.ts): read whole.
  uses: OPERATOR_POD_KINDS,
  target: 'object',
  kinds: ['Service'],
  run({ resource: svc, index }) {
    const out: FindingInput[] = [];
    const sel = serviceSelector(svc);
    if (!sel) return out;
    const ns = index.namespaceOf(svc);
    // Any workload of the namespace silences: a lookup that can only clear the Service.
    if (index.workloadsMatching(ns, sel).length > 0) return out;
    // Pods an operator creates from a custom resource of the input (a Prometheus, an Alertmanager).
    if (index.operatorPodsIn(ns).some((p) => Object.entries(sel).every(([k, v]) => p.labels[k] === v))) return out;
    const pairs = Object.entries(sel);
    const selectedByService = (w: Workload) => index.servicesSelecting(ns, w.podLabels).some((s) => index.sameScope(s, w.resource));
    const misses: NearMiss[] = [];
    for (const [key, wanted] of pairs) {
      const others = (w: Workload) => pairs.every(([k, v]) => k === key || w.podLabels[k] === v);
      const candidates = (w: Workload) => w.class !== 'batch' && index.sameScope(w.resource, svc) && others(w) && w.podLabels[key] !== wanted;
      for (const w of workloadsWithNearLabel(index, ns, key, wanted)) {
        if (candidates(w)) misses.push({ w, key, wanted, has: w.podLabels[key], why: 'typo' });
      }
      if ((APP_NAME_KEYS as readonly string[]).includes(key) && wanted !== svc.name) {
        for (const w of workloadsWithNearLabel(index, ns, key, svc.name, true)) {
          if (candidates(w) && !misses.some((m) => m.w === w) && !selectedByService(w)) misses.push({ w, key, wanted, has: w.podLabels[key], why: 'name' });
        }
      }
    }
    const path = ['spec', 'selector'];
    if (misses.length > 0) {
      const m = misses[0];
      const more = misses.length > 1 ? ` (also near: ${misses.slice(1).map((x) => `${showObject(x.w.resource)} with ${x.key}=${x.has}`).join(', ')})` : '';
      const why = m.why === 'typo' ? 'a typo?' : `its ${m.key} is the Service's name, yet no Service selects it`;
      out.push({
        message: `selector ${formatLabels(sel)} matches no pods, but ${showObject(m.w.resource)} in the same namespace has ${m.key}=${m.has} where the selector wants ${m.key}=${m.wanted} (${why})${more}: the Service has no endpoints and every connection to it fails`,
        path: [...path, m.key],
        related: misses.map((x) => ({ resource: x.w.resource, path: [...x.w.podMetaPath, 'labels', x.key], note: `pod label ${x.key}=${x.has}` })),
      });
      return out;
    }
    const own = ns === 'kube-system' ? clusterPods(sel) : null;
    if (own === 'dns') return out;
    out.push({
      message: own
        ? `selector ${formatLabels(sel)} matches ${own}, not workloads of the input: where those pods do not exist the Service has no endpoints and every connection to it fails`
        : `selector ${formatLabels(sel)} matches the pods of no workload in namespace "${ns}" in the input: if none exists in the cluster either, the Service has no endpoints and every connection to it fails`,
      path,
      unknown: `no workload in namespace ${ns} has pods labelled ${formatLabels(sel)}`,
      knownMessage: own
        ? `selector ${formatLabels(sel)} matches ${own}, and none runs ${sourceWhere(index)}: the Service has no endpoints and every connection to it fails`
        : `selector ${formatLabels(sel)} matches the pods of no workload in namespace "${ns}" ${sourceWhere(index)}: the Service has no endpoints and every connection to it fails`,
    });
    return out;
  },
});
