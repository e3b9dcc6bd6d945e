import { defineCheck, type FindingInput } from '../types.js';
import { pdbsFor } from './pdb-util.js';

export default defineCheck({
  id: 'pdb-overlap',
  pillar: 'availability',
  severity: 'warning',
  title: 'More than one PodDisruptionBudget selects the pods',
  whatBreaks:
    'The eviction API refuses to evict a pod that more than one PodDisruptionBudget selects ("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support"), so kubectl drain fails (it does not retry this error), and node upgrades and autoscaler scale-downs stall or fail on every pod of this workload.',
  details: `The eviction subresource looks up every PodDisruptionBudget of the pod's namespace whose
selector matches the pod's labels; when it finds more than one it fails the eviction with an internal
error (HTTP 500) instead of picking one. \`kubectl drain\` does not retry it (it retries only 429): the
drain fails with "error when evicting pods/...: This pod has more than one PodDisruptionBudget...", and
upgrade tooling that drains nodes stalls or fails on the node. The disruption controller, for its part, logs a warning and uses only one of the budgets.

Overlaps usually come from a broad budget (a \`policy/v1\` empty selector \`{}\`, which selects every pod
of the namespace, or a selector on a shared label such as \`app.kubernetes.io/part-of\`) next to a
per-app budget, or from a chart and a platform team both shipping one.

Reported for each workload whose pod template labels are matched by two or more \`policy/v1\` (or
\`policy/v1beta1\`) budgets in the same namespace. DaemonSets are skipped: drains do not evict their
pods. Selectors that cannot be evaluated are not counted.`,
  fix: {
    text: 'Keep exactly one PodDisruptionBudget per set of pods: narrow the broad selector (or delete the duplicate) so that each pod matches a single budget.',
    yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: web   # specific to this workload, not shared labels`,
  },
  uses: ['PodDisruptionBudget'],
  target: 'workload',
  classes: ['service', 'batch', 'pod'],
  run({ workload: w, index }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    // A fragment without template labels: cannot be judged.
    if (Object.keys(w.podLabels).length === 0) return out;
    const pdbs = pdbsFor(w, index).certain.filter((p) => index.sameScope(w.resource, p));
    if (pdbs.length < 2) return out;
    const names = pdbs.map((p) => `"${p.name}"`);
    const list = names.length === 2 ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    out.push({
      message: `${pdbs.length} PodDisruptionBudgets select these pods (${list}): the eviction API refuses to evict a pod covered by more than one budget, so kubectl drain fails and node upgrades stall on every pod of this workload`,
      path: [...w.podMetaPath, 'labels'],
    });
    return out;
  },
});
