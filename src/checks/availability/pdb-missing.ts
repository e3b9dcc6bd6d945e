import { toYaml } from '../../model/fix-yaml.js';
import { get } from '../../model/util.js';
import { defineCheck, type FindingInput } from '../types.js';
import { isEmptySelector, servedPdbsFor } from './pdb-util.js';
import { formatLabels, replicaCountText, replicaFloor } from './util.js';
import { ownPodSelector } from './own-selector.js';
import type { ResourceIndex } from '../../model/index.js';
import type { Workload } from '../../model/types.js';

/**
 * The budget to add for `w`: named after it (with -pdb when a budget of that name exists there), in its
 * namespace when the manifest names one, selecting its own pods, allowing one eviction at a time and
 * letting unhealthy pods be evicted (so it cannot block a drain: pdb-unhealthy-pods-block-drain).
 */
function pdbFor(w: Workload, index: ResourceIndex): string {
  const ns = index.namespaceOf(w.resource);
  const taken = index.inNamespace('PodDisruptionBudget', ns).some((p) => p.name === w.resource.name && index.sameScope(p, w.resource));
  const metadata: Record<string, string> = { name: taken ? `${w.resource.name}-pdb` : w.resource.name };
  if (index.kubectlNamespace(w.resource)) metadata.namespace = ns;
  const pdb = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata,
    spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: ownPodSelector(w) },
  };
  return `# a new object, applied with the ${w.resource.kind}; its selector is the ${w.resource.kind}'s own pod selector\n${toYaml(pdb)}`;
}

export default defineCheck({
  id: 'pdb-missing',
  pillar: 'availability',
  severity: 'error',
  title: 'No PodDisruptionBudget protects the replicas',
  whatBreaks:
    'Nothing limits voluntary evictions of these pods: a node drain, a cluster upgrade or the cluster autoscaler removing nodes may evict every replica at once, and the service is down until the new pods are scheduled and ready.',
  details: `Voluntary disruptions (\`kubectl drain\`, managed node-pool upgrades, the cluster autoscaler
scaling down, the descheduler) go through the Eviction API, which honours **PodDisruptionBudgets**.
Without one, eviction is immediate: a drain evicts every pod on the node without waiting for
replacements to become ready, and a rolling node upgrade can catch the replacements on the next node
before they ever served. A PDB makes the eviction API refuse evictions that would leave fewer than
\`minAvailable\` (or more than \`maxUnavailable\` unavailable) healthy pods.

Reported for service workloads whose replica floor is 2 or more (an HPA's \`minReplicas\`, a KEDA
\`minReplicaCount\`, else \`spec.replicas\`); fewer replicas is \`replicas-below-minimum\`, and a budget
cannot help a single replica without blocking drains.

A PDB counts when it is \`policy/v1\` (a \`policy/v1beta1\` one is never created: the API server no
longer serves it, so the finding says so), lives in the workload's
namespace, and its \`spec.selector\` matches the pod template labels (\`matchLabels\` and
\`matchExpressions\`). In \`policy/v1\` an empty selector \`{}\` selects every pod of the namespace;
in \`policy/v1beta1\` it selects none; a missing selector selects none in both.

The finding rests on the PDB being absent from the input: it may be shipped from another repository
or created by a platform team. It is shown as unknown unless the input is declared complete
(\`--complete\`).`,
  fix: {
    text: 'Add a policy/v1 PodDisruptionBudget whose selector matches the pod template labels, allowing at least one eviction (maxUnavailable: 1 is the usual choice).',
    yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow   # crash-looping pods do not block a drain
  selector:             # the workload's own pod selector
    matchLabels:
      app.kubernetes.io/name: web`,
    place: {
      at: 'object',
      snippet: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app.kubernetes.io/name: web`,
    },
  },
  uses: ['PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ScaledObject'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, index }) {
    const out: FindingInput[] = [];
    // The operator creates the budget (ECK's Elasticsearch).
    if (!w || w.disruptionBudgetBy) return out;
    const floor = replicaFloor(w, index);
    if (!floor || floor.value < 2) return out;
    // A fragment (kustomize patch) without template labels: no selector can be judged against it.
    if (Object.keys(w.podLabels).length === 0) return out;
    const { certain, possible, removed } = servedPdbsFor(w, index);
    if (certain.length > 0 || possible.length > 0) return out;
    const ns = index.namespaceOf(w.resource);
    const beta = index
      .inNamespace('PodDisruptionBudget', ns)
      .filter((p) => p.apiVersion === 'policy/v1beta1' && isEmptySelector(get(p.object, ['spec', 'selector'])));
    const note = removed.length
      ? ` (PodDisruptionBudget "${removed[0].name}" selects them but is ${removed[0].apiVersion}, which the API server no longer serves: it is never created; make it policy/v1)`
      : beta.length
      ? ` (PodDisruptionBudget "${beta[0].name}" is policy/v1beta1 with an empty selector, which selects no pods; in policy/v1 it would select them all)`
      : '';
    out.push({
      message: `runs ${replicaCountText(floor)} replicas (${floor.text}) but no PodDisruptionBudget in namespace "${ns}" selects its pods (${formatLabels(w.podLabels)})${note}: a node drain or cluster upgrade may evict every replica at once`,
      path: [...w.podMetaPath, 'labels'],
      unknown: 'no PodDisruptionBudget in the input selects these pods',
      fixSnippet: pdbFor(w, index),
    });
    return out;
  },
});
