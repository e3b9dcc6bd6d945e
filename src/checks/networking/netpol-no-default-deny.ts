import { defineCheck, type FindingInput, type RelatedInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Workload } from '../../model/types.js';
import { networkGraph } from '../../model/netpol.js';
import { firstByKindName, getArray, isTemplated } from '../../model/util.js';
import { isHostNetwork, nameList, noPoliciesText, otherPoliciesText, showWorkload, unknownOf } from './netpol-util.js';

/** Built-in workload kinds that can carry the finding when the namespace has no Namespace object and no NetworkPolicy in the input. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod'];

/**
 * The one object per namespace the finding is attached to: the Namespace object when the input has
 * it; else the namespace's NetworkPolicy first by name; else its built-in workload first by kind and
 * name. Never input order: the finding (and its fingerprint) must not move when files are reordered.
 */
function homeOf(index: ResourceIndex, ns: string): Resource | undefined {
  const homes = index.memo('netpol:default-deny-home', () => new Map<string, Resource | undefined>());
  if (homes.has(ns)) return homes.get(ns);
  const home =
    firstByKindName(index.named('Namespace', ns), (r) => r) ??
    firstByKindName(index.inNamespace('NetworkPolicy', ns), (r) => r) ??
    firstByKindName(networkGraph(index).workloadsIn(ns).filter((w) => WORKLOAD_KINDS.includes(w.resource.kind)).map((w) => w.resource), (r) => r);
  homes.set(ns, home);
  return home;
}

export default defineCheck<{ ignoreNamespaces: string[] }>({
  id: 'netpol-no-default-deny',
  pillar: 'networking',
  severity: 'warning',
  title: 'Namespace has no default-deny ingress NetworkPolicy',
  whatBreaks:
    'Every pod of the namespace that no policy happens to select accepts connections from every pod in the cluster, and so does every workload added later or relabelled: isolation depends on each team remembering to write a policy, and the first one forgotten is wide open.',
  details: `A default-deny policy selects every pod of its namespace (\`podSelector: {}\`) with \`Ingress\` in
\`policyTypes\` (or \`policyTypes\` omitted), usually with no ingress rules. Every pod is then isolated,
and other policies open exactly what each workload needs (allows add up; there are no deny rules).
A policy with \`podSelector: {}\` and some ingress rules counts too: it isolates every pod as well.

Reported once per namespace that has workloads in the input, attached to its \`Namespace\` object
when the input has one; otherwise to the namespace's first NetworkPolicy; otherwise to its first
workload. Severity:
- **warning** when some workloads of the namespace are not isolated at all (they are named); Jobs and
  CronJobs that declare no port (Helm hooks, migrations) listen on nothing and do not count;
- **info** when every workload is already isolated by its own policy: nothing is open today, but new
  workloads will be. (When some workload only *may* be isolated, an unreadable selector, nothing is
  reported.)

When the namespace has no NetworkPolicy in the input, the policies may be managed elsewhere (a
platform repository, a policy engine generating defaults per namespace): the finding is then shown as
unknown unless the input is declared complete. Namespaces in \`ignoreNamespaces\` (the Kubernetes
system namespaces by default) are skipped.

Policies of other APIs that the CNI combines with NetworkPolicies (CiliumNetworkPolicy and
CiliumClusterwideNetworkPolicy, Calico's NetworkPolicy and GlobalNetworkPolicy, Antrea's policies,
AdminNetworkPolicy) are not evaluated: when the input holds any for the namespace, or cluster-wide,
the finding is shown as unknown.`,
  fix: {
    text: 'Add a namespace-wide default-deny ingress policy, then allow each workload\'s real clients with their own policies.',
    yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]`,
  },
  params: {
    ignoreNamespaces: { type: 'string[]', default: ['kube-system', 'kube-public', 'kube-node-lease'], description: 'Namespaces not checked.' },
  },
  uses: ['NetworkPolicy'],
  target: 'object',
  kinds: ['Namespace', 'NetworkPolicy', ...WORKLOAD_KINDS],
  run({ resource, index, params }) {
    const out: FindingInput[] = [];
    const ns = resource.kind === 'Namespace' ? resource.name : index.namespaceOf(resource);
    if ((params.ignoreNamespaces ?? []).includes(ns) || isTemplated(ns)) return out;
    if (homeOf(index, ns) !== resource) return out;
    const g = networkGraph(index);
    const policies = g.policiesIn(ns);
    // Any policy that selects (or may select) every pod for ingress silences the check.
    if (policies.some((p) => p.ingress && (p.uncertain || p.selectsAll || p.podSelector === undefined))) return out;
    const isNamespace = resource.kind === 'Namespace';
    const byName = (a: Workload, b: Workload) => (a.resource.name < b.resource.name ? -1 : a.resource.name > b.resource.name ? 1 : 0);
    const workloads = g.workloadsIn(ns).filter((w) => isNamespace || index.sameScope(w.resource, resource)).sort(byName);
    // Pods on the host network are out of NetworkPolicy's reach.
    const podNetwork = workloads.filter((w) => !isHostNetwork(w));
    if (podNetwork.length === 0) return out;
    const path: FieldPath = isNamespace ? ['metadata', 'name'] : resource.kind === 'NetworkPolicy' ? ['spec', 'podSelector'] : ['metadata', 'namespace'];
    const count = `${workloads.length} workload${workloads.length === 1 ? '' : 's'}`;
    // A Job or CronJob that declares no port (a Helm hook, a migration) listens on nothing and is
    // gone when done: it does not make a namespace open, nor keep it from being fully isolated.
    const listening = podNetwork.filter((w) => !(w.class === 'batch' && !w.containers.some((c) => getArray(c.spec, ['ports']).length > 0)));
    if (policies.length === 0) {
      if (listening.length === 0) return out;
      const shown = `${listening.length} workload${listening.length === 1 ? '' : 's'}${listening.length < podNetwork.length ? ' that may listen (Jobs that declare no port aside)' : ''}`;
      out.push({
        message: `namespace "${ns}" has ${shown} and no NetworkPolicy selecting all its pods (podSelector: {}) for ingress: every pod in it accepts connections from every pod in the cluster`,
        path,
        identity: `namespace "${ns}" has no default-deny NetworkPolicy`,
        unknown: noPoliciesText(ns),
        related: related(listening),
      });
      return out;
    }
    const open = listening.filter((w) => g.ingressIsolated(w) === false);
    const names = [...new Set(policies.map((p) => p.resource.name))].sort();
    if (open.length > 0) {
      out.push({
        message: `namespace "${ns}" has no default-deny NetworkPolicy (podSelector: {} with Ingress; its polic${names.length === 1 ? 'y' : 'ies'} ${nameList(names)} select${names.length === 1 ? 's' : ''} specific pods): ${open.length} of its ${count} (${nameList([...new Set(open.map((w) => w.resource.name))])}) accept${open.length === 1 ? 's' : ''} connections from every pod in the cluster, and so will every workload added later`,
        path,
        identity: `namespace "${ns}" has no default-deny NetworkPolicy`,
        related: related(open),
        ...unknownOf(otherPoliciesText(index, ns)),
      });
      return out;
    }
    if (listening.length > 0 && listening.every((w) => g.ingressIsolated(w) === true)) {
      const n = listening.length;
      const which = n === 1 ? 'its only workload' : `each of its ${n} workloads`;
      out.push({
        message: `namespace "${ns}" has no default-deny NetworkPolicy (podSelector: {} with Ingress): its policies (${nameList(names)}) isolate ${which}${podNetwork.length < workloads.length ? ' on the pod network' : ''}${n < podNetwork.length ? ' (Jobs that declare no port aside)' : ''}, but a workload added later, or relabelled, accepts connections from every pod in the cluster`,
        path,
        identity: `namespace "${ns}" has no default-deny NetworkPolicy`,
        severity: 'info',
        ...unknownOf(otherPoliciesText(index, ns)),
      });
    }
    return out;
  },
});

function related(ws: Workload[]): RelatedInput[] {
  return ws.slice(0, 10).map((w) => ({ resource: w.resource, path: [...w.podMetaPath, 'labels'], note: `${showWorkload(w)}: not isolated for ingress` }));
}
