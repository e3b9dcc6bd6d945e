import type { ResourceIndex } from '../../model/index.js';
import type { Json, Resource, Workload } from '../../model/types.js';
import { get, getArray, getString, isObject, isTemplated } from '../../model/util.js';
import { defineCheck, type FindingInput } from '../types.js';
import { formatLabels, replicaCountText, replicaFloor, selectorMatches } from './util.js';

// ---------------------------------------------------------------------------------------------
// PodDisruptionBudget helpers, shared by the pdb-* checks.
// ---------------------------------------------------------------------------------------------

/** A PodDisruptionBudget of the policy API group (v1 or v1beta1). */
export function isPolicyPdb(r: Resource): boolean {
  return r.kind === 'PodDisruptionBudget' && (r.apiVersion === 'policy/v1' || r.apiVersion === 'policy/v1beta1');
}

/** True for `{}` (and `{matchLabels: {}, matchExpressions: []}`): no requirement at all. */
function isEmptySelector(sel: Json | undefined): boolean {
  if (!isObject(sel)) return false;
  const ml = sel.matchLabels;
  const me = sel.matchExpressions;
  const noLabels = ml === undefined || ml === null || (isObject(ml) && Object.keys(ml).length === 0);
  const noExprs = me === undefined || me === null || (Array.isArray(me) && me.length === 0);
  return noLabels && noExprs;
}

/**
 * What a PDB's selector covers, by API version: a null/absent selector selects no pods; an empty
 * selector selects every pod of the namespace in policy/v1 and no pod in policy/v1beta1.
 */
export function pdbSelectorKind(pdb: Resource): 'none' | 'all' | 'some' {
  const sel = get(pdb.object, ['spec', 'selector']);
  if (sel === undefined || sel === null) return 'none';
  if (isEmptySelector(sel)) return pdb.apiVersion === 'policy/v1' ? 'all' : 'none';
  return 'some';
}

/**
 * Does this PDB select pods with these labels? Undefined when the selector cannot be evaluated
 * (malformed, unknown operator, unrendered template values).
 */
export function pdbSelects(pdb: Resource, labels: Record<string, string>): boolean | undefined {
  if (!isPolicyPdb(pdb)) return false;
  const kind = pdbSelectorKind(pdb);
  if (kind === 'none') return false;
  if (kind === 'all') return true;
  if (!selectorEvaluable(get(pdb.object, ['spec', 'selector']))) return undefined;
  return selectorMatches(get(pdb.object, ['spec', 'selector']), labels);
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Whether a LabelSelector can be judged at all, whatever the labels (well-formed, no template text). */
export function selectorEvaluable(sel: Json | undefined): boolean {
  if (!isObject(sel)) return false;
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return false;
    for (const [k, v] of Object.entries(ml)) {
      if (isTemplated(k) || isTemplated(v)) return false;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
    }
  }
  const me = sel.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return false;
    for (const e of me) {
      const key = getString(e, ['key']);
      const op = getString(e, ['operator']);
      if (!key || !op || !OPERATORS.has(op) || isTemplated(key)) return false;
      if (getArray(e, ['values']).some((v) => isTemplated(v))) return false;
    }
  }
  return true;
}

/** The selector as people read it, for messages. */
export function showSelector(pdb: Resource): string {
  const sel = get(pdb.object, ['spec', 'selector']);
  if (!isObject(sel)) return '(none)';
  const parts: string[] = [];
  if (isObject(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) parts.push(`${k}=${String(v)}`);
  for (const e of getArray(sel, ['matchExpressions'])) {
    const key = getString(e, ['key']) ?? '?';
    const op = getString(e, ['operator']) ?? '?';
    const values = getArray(e, ['values']).map(String);
    parts.push(op === 'Exists' || op === 'DoesNotExist' ? `${key} ${op}` : `${key} ${op} (${values.join(', ')})`);
  }
  return parts.length ? parts.join(', ') : '{}';
}

/** PodDisruptionBudgets of the workload's namespace that certainly / possibly select its pods. */
export function pdbsFor(w: Workload, index: ResourceIndex): { certain: Resource[]; possible: Resource[] } {
  const certain: Resource[] = [];
  const possible: Resource[] = [];
  for (const pdb of index.inNamespace('PodDisruptionBudget', index.namespaceOf(w.resource))) {
    const m = pdbSelects(pdb, w.podLabels);
    if (m === true) certain.push(pdb);
    else if (m === undefined) possible.push(pdb);
  }
  return { certain, possible };
}

export function workloadName(w: Workload): string {
  return `${w.resource.kind} "${w.resource.name}"`;
}

// ---------------------------------------------------------------------------------------------

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

A PDB counts when it is \`policy/v1\` (or the removed \`policy/v1beta1\`), lives in the workload's
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
  selector:
    matchLabels:
      app.kubernetes.io/name: web`,
  },
  uses: ['PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ScaledObject'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, index }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const floor = replicaFloor(w, index);
    if (!floor || floor.value < 2) return out;
    // A fragment (kustomize patch) without template labels: no selector can be judged against it.
    if (Object.keys(w.podLabels).length === 0) return out;
    const { certain, possible } = pdbsFor(w, index);
    if (certain.length > 0 || possible.length > 0) return out;
    const ns = index.namespaceOf(w.resource);
    const beta = index
      .inNamespace('PodDisruptionBudget', ns)
      .filter((p) => p.apiVersion === 'policy/v1beta1' && isEmptySelector(get(p.object, ['spec', 'selector'])));
    const note = beta.length
      ? ` (PodDisruptionBudget "${beta[0].name}" is policy/v1beta1 with an empty selector, which selects no pods; in policy/v1 it would select them all)`
      : '';
    out.push({
      message: `runs ${replicaCountText(floor)} replicas (${floor.text}) but no PodDisruptionBudget in namespace "${ns}" selects its pods (${formatLabels(w.podLabels)})${note}: a node drain or cluster upgrade may evict every replica at once`,
      path: [...w.podMetaPath, 'labels'],
      unknown: 'no PodDisruptionBudget in the input selects these pods',
    });
    return out;
  },
});
