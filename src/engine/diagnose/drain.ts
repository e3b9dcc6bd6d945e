// Drain plans: which pods a drain of a node evicts, and which PodDisruptionBudget refuses which eviction.
import type { Resource } from '../../model/types.js';
import { controllerOf, isPodReady, isTerminating, podPhase } from '../../model/runtime.js';
import { get, getArray, getNumber, getString, isObject, stringMap } from '../../model/util.js';
import { pdbSelects } from '../../model/pdb.js';
import { unhealthyPolicy } from '../../checks/runtime/pdb-drain-blocked-now.js';
import type { DrainPlan, DrainPod } from './types.js';
import { type Ctx, unreadOf } from './common.js';

/** A pod drains skip: a DaemonSet's (--ignore-daemonsets) or a static pod's mirror. */
export function drainSkips(pod: Resource): 'daemonset' | 'mirror' | null {
  if (controllerOf(pod)?.kind === 'DaemonSet') return 'daemonset';
  if (stringMap(get(pod.object, ['metadata', 'annotations']))['kubernetes.io/config.mirror'] !== undefined) return 'mirror';
  return null;
}

/** A pod the eviction API lets go without asking any budget: Pending, finished, or being deleted. */
export function evictsFreely(pod: Resource): boolean {
  const phase = podPhase(pod);
  return phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed' || isTerminating(pod);
}

export function pdbsOfPod(x: Ctx, pod: Resource): Resource[] {
  const labels = stringMap(get(pod.object, ['metadata', 'labels']));
  return x.index.inNamespace('PodDisruptionBudget', x.index.namespaceOf(pod)).filter((b) => b.apiVersion === 'policy/v1' && pdbSelects(b, labels) === true);
}

interface PdbCounts {
  expected: number;
  current: number;
  desired: number;
  allowed: number;
}

export function pdbCounts(pdb: Resource): PdbCounts | undefined {
  const n = (k: string) => getNumber(pdb.object, ['status', k]);
  const [expected, current, desired, allowed] = [n('expectedPods'), n('currentHealthy'), n('desiredHealthy'), n('disruptionsAllowed')];
  if (expected === undefined || current === undefined || desired === undefined || allowed === undefined) return undefined;
  return { expected, current, desired, allowed };
}

/** "unhealthyPodEvictionPolicy unset (IfHealthyBudget)", for evidence and causes. */
export function policyText(pdb: Resource): string {
  const p = unhealthyPolicy(pdb);
  return p === 'default' ? 'unhealthyPodEvictionPolicy unset (IfHealthyBudget)' : `unhealthyPodEvictionPolicy ${String(get(pdb.object, ['spec', 'unhealthyPodEvictionPolicy']))}`;
}

/**
 * Why the eviction API would refuse to evict this pod now (what makes `kubectl drain` hang or fail
 * on it), as pkg/registry/core/pod/storage/eviction.go decides: more than one budget selects it (an
 * error, never retried), or its one budget allows no disruption (429, retried forever) and the pod
 * is healthy, or unhealthy while the budget is not met and the policy is IfHealthyBudget. Undefined
 * when nothing refuses it or the budget's status does not say.
 */
function evictionRefusal(x: Ctx, pod: Resource): { budgets: Resource[]; why: string } | undefined {
  if (evictsFreely(pod) || drainSkips(pod)) return undefined;
  const budgets = pdbsOfPod(x, pod);
  if (budgets.length > 1) return { budgets, why: `${budgets.length} PodDisruptionBudgets select it (${budgets.map((b) => b.name).join(', ')}): the eviction API refuses a pod with more than one budget, and kubectl drain fails on it` };
  const pdb = budgets[0];
  const c = pdb ? pdbCounts(pdb) : undefined;
  if (!pdb || !c || c.allowed > 0) return undefined;
  const counts = `${c.current} of ${c.expected} pods healthy, needs ${c.desired}, disruptionsAllowed 0`;
  if (isPodReady(pod)) return { budgets, why: `PodDisruptionBudget ${pdb.name} allows no disruption now (${counts}): evicting a healthy pod needs a disruption the budget does not have` };
  if (unhealthyPolicy(pdb) === 'AlwaysAllow') return undefined;
  if (c.current >= c.desired && c.desired > 0) return undefined;
  return { budgets, why: `PodDisruptionBudget ${pdb.name} is not met (${counts}) and has ${policyText(pdb)}: even this unhealthy pod may not be evicted` };
}

/** The pods bound to a node, of every namespace read (not finished: they hold nothing). */
export function podsOnNode(x: Ctx, node: string): Resource[] {
  const seen = new Set<string>();
  const out: Resource[] = [];
  for (const p of [...x.index.ofKind('Pod'), ...(x.index.nodePods ?? [])]) {
    if (getString(p.object, ['spec', 'nodeName']) !== node) continue;
    const key = `${x.index.namespaceOf(p)}/${p.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** Have the pods of every namespace been read (a node's pods are in any of them)? */
export function allPodsRead(x: Ctx): boolean {
  return (!x.index.podNamespaces || !!x.index.nodePods) && !unreadOf(x.opts, ['Pod'], null).length;
}

function podRef(x: Ctx, p: Resource): string {
  return `${x.index.namespaceOf(p)}/${p.name}`;
}

export function listPods(names: string[], max = 4): string {
  return `${names.slice(0, max).join(', ')}${names.length > max ? ` and ${names.length - max} more` : ''}`;
}

/**
 * What `kubectl drain NODE` needs, as kubectl's filters decide (finished pods go without a flag;
 * DaemonSet and mirror pods are never evicted): --ignore-daemonsets for DaemonSet pods,
 * --delete-emptydir-data for other pods with an emptyDir volume (their data is lost), --force for
 * pods no controller recreates (deleted for good). And the pods whose eviction a budget refuses.
 */
function drainPlan(x: Ctx, node: Resource): DrainPlan {
  const pods = podsOnNode(x, node.name).filter((p) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  const daemons = pods.filter((p) => drainSkips(p) === 'daemonset');
  const mirrors = pods.filter((p) => drainSkips(p) === 'mirror');
  const evicted = pods.filter((p) => !drainSkips(p));
  const emptyDir = evicted.filter((p) => getArray(p.object, ['spec', 'volumes']).some((v) => isObject(get(v, ['emptyDir']))));
  const bare = evicted.filter((p) => !controllerOf(p));
  const flags: string[] = [];
  const notes: string[] = [];
  if (daemons.length) {
    flags.push('--ignore-daemonsets');
    notes.push(`--ignore-daemonsets: kubectl drain stops without it; the DaemonSet pod${daemons.length === 1 ? '' : 's'} ${listPods(daemons.map((p) => podRef(x, p)))} stay${daemons.length === 1 ? 's' : ''} on the node`);
  }
  if (emptyDir.length) {
    flags.push('--delete-emptydir-data');
    notes.push(`--delete-emptydir-data: the emptyDir data of ${listPods(emptyDir.map((p) => podRef(x, p)))} is lost`);
  }
  if (bare.length) {
    flags.push('--force');
    notes.push(`--force deletes the bare pod${bare.length === 1 ? '' : 's'} ${listPods(bare.map((p) => podRef(x, p)))} for good: no controller recreates ${bare.length === 1 ? 'it' : 'them'} (recreate ${bare.length === 1 ? 'it' : 'them'} elsewhere from ${bare.length === 1 ? 'its manifest' : 'their manifests'})`);
  }
  if (mirrors.length) notes.push(`static pod${mirrors.length === 1 ? '' : 's'} ${listPods(mirrors.map((p) => podRef(x, p)))} stay${mirrors.length === 1 ? 's' : ''}: the kubelet runs ${mirrors.length === 1 ? 'it' : 'them'} from files on the node`);
  const blockers: DrainPod[] = [];
  for (const p of evicted) {
    const r = evictionRefusal(x, p);
    if (r) blockers.push({ namespace: x.index.namespaceOf(p), name: p.name, why: r.why, budgets: r.budgets.map((b) => b.name) });
  }
  const complete = allPodsRead(x);
  return { command: `kubectl drain ${node.name}${flags.map((f) => ` ${f}`).join('')}`, flags, notes, blockers, complete };
}

export function drainPlanOf(x: Ctx, node: Resource): DrainPlan {
  x.drains ??= new Map();
  let plan = x.drains.get(node);
  if (!plan) x.drains.set(node, (plan = drainPlan(x, node)));
  return plan;
}
