import { defineCheck, type RelatedInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { pdbSelects } from '../../model/pdb.js';
import { conditionOf, controllerOf, hasStatus, isPodReady, isTerminating, podPhase } from '../../model/runtime.js';
import { get, getNumber, getString, stringMap } from '../../model/util.js';
import { podState } from './service-no-ready-endpoints.js';
import { MAX_PODS, plural } from './util.js';

/** The fix of both PDB eviction checks: a budget that lets Running-but-unready pods be evicted. */
export const ALWAYS_ALLOW_PDB = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app.kubernetes.io/name: web`;

/**
 * spec.unhealthyPodEvictionPolicy as the eviction API reads it: 'AlwaysAllow', 'IfHealthyBudget'
 * (set so), 'default' (unset or null: IfHealthyBudget), or 'other' (a value the API rejects, a
 * template, a non-string).
 */
export function unhealthyPolicy(pdb: Resource): 'AlwaysAllow' | 'IfHealthyBudget' | 'default' | 'other' {
  const v = get(pdb.object, ['spec', 'unhealthyPodEvictionPolicy']);
  if (v === undefined || v === null) return 'default';
  if (v === 'AlwaysAllow' || v === 'IfHealthyBudget') return v;
  return 'other';
}

export interface DrainBlocked {
  expected: number;
  current: number;
  desired: number;
  /**
   * The selected pods the eviction API refuses now: Running (any phase but Pending, Succeeded and
   * Failed), not Ready, not being deleted, not DaemonSet or mirror pods (drains skip those).
   * Undefined when the input holds no pod of the namespace (a dump of the budget alone).
   */
  pods: Resource[] | undefined;
}

/** Pods that kubectl drain does not evict: DaemonSet pods (--ignore-daemonsets) and mirror pods of static pods. */
function skippedByDrain(pod: Resource): boolean {
  const o = controllerOf(pod);
  if (o && (o.kind === 'DaemonSet' || o.kind === 'Node')) return true;
  return get(pod.object, ['metadata', 'annotations', 'kubernetes.io/config.mirror']) !== undefined;
}

/**
 * A live policy/v1 budget without AlwaysAllow whose status makes the eviction API refuse its Running
 * but not Ready pods now (pkg/registry/core/pod/storage/eviction.go): such a pod is evicted without
 * spending the budget only when currentHealthy >= desiredHealthy > 0; otherwise the eviction must
 * spend a disruption, and with disruptionsAllowed 0 it is answered 429. Undefined when the budget
 * is not in that state, its status is stale (observedGeneration behind generation) or its last sync
 * failed (the counts are not trustworthy then), or when the input holds the namespace's pods and none
 * of the selected ones is Running and unready (the shortfall is then missing or Pending pods, which
 * are always evictable).
 */
export function drainBlockedNow(pdb: Resource, index: ResourceIndex): DrainBlocked | undefined {
  if (pdb.kind !== 'PodDisruptionBudget' || pdb.apiVersion !== 'policy/v1' || !hasStatus(pdb)) return undefined;
  const policy = unhealthyPolicy(pdb);
  if (policy !== 'default' && policy !== 'IfHealthyBudget') return undefined;
  const expected = getNumber(pdb.object, ['status', 'expectedPods']);
  const current = getNumber(pdb.object, ['status', 'currentHealthy']);
  const desired = getNumber(pdb.object, ['status', 'desiredHealthy']);
  const allowed = getNumber(pdb.object, ['status', 'disruptionsAllowed']);
  if (expected === undefined || current === undefined || desired === undefined || allowed === undefined) return undefined;
  if (expected <= 0 || allowed !== 0) return undefined;
  // Unhealthy pods go without spending the budget while it is met (and asks for at least one pod).
  if (current >= desired && desired > 0) return undefined;
  const gen = getNumber(pdb.object, ['metadata', 'generation']);
  const seen = getNumber(pdb.object, ['status', 'observedGeneration']);
  if (gen !== undefined && seen !== undefined && seen < gen) return undefined;
  const sync = conditionOf(pdb, 'DisruptionAllowed');
  if (sync && sync.status === 'False' && sync.reason === 'SyncFailed') return undefined;

  const ns = index.namespaceOf(pdb);
  const all = index.inNamespace('Pod', ns);
  if (all.length === 0 && !index.listedKinds?.has('Pod')) return { expected, current, desired, pods: undefined };
  const pods = all.filter((p) => {
    const phase = podPhase(p);
    if (!phase || phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed') return false;
    if (isTerminating(p) || isPodReady(p) || skippedByDrain(p)) return false;
    return pdbSelects(pdb, stringMap(get(p.object, ['metadata', 'labels']))) === true;
  });
  if (pods.length === 0) return undefined;
  return { expected, current, desired, pods };
}

function podText(pod: Resource): string {
  const node = getString(pod.object, ['spec', 'nodeName']);
  return `${pod.name} (${podState(pod)}${node ? `, node ${node}` : ''})`;
}

/** "node node-1", "nodes node-1 and node-2", or "their nodes" when the pods do not say. */
function nodesText(pods: Resource[]): string {
  const nodes = [...new Set(pods.map((p) => getString(p.object, ['spec', 'nodeName'])))];
  if (nodes.some((n) => !n) || nodes.length > MAX_PODS) return pods.length === 1 ? 'its node' : 'their nodes';
  if (nodes.length === 1) return `node ${nodes[0]}`;
  return `nodes ${nodes.slice(0, -1).join(', ')} and ${nodes[nodes.length - 1]}`;
}

export default defineCheck({
  id: 'pdb-drain-blocked-now',
  pillar: 'availability',
  severity: 'warning',
  runtime: true,
  title: 'PodDisruptionBudget refuses to evict its unhealthy pods now',
  whatBreaks:
    'The application behind the budget is already broken (pods crash-looping or failing readiness), and the budget makes the eviction API refuse even those unhealthy pods: `kubectl drain` of the nodes they run on, and the node upgrades and autoscaler scale-downs that drain them, wait until the pods become Ready or someone deletes them by hand.',
  details: `A runtime check (the budget's \`status\` and the pods it selects). The eviction API
(\`pkg/registry/core/pod/storage/eviction.go\`) treats a pod that is Running but not Ready (its \`Ready\`
condition is not True: CrashLoopBackOff, a failing readiness probe) by the budget's
\`spec.unhealthyPodEvictionPolicy\`:

- unset or \`IfHealthyBudget\` (the default): the pod is evicted without spending the budget only while
  the budget is met (\`status.currentHealthy\` >= \`status.desiredHealthy\`, and \`desiredHealthy\` > 0);
  otherwise the eviction must spend a disruption, and with \`status.disruptionsAllowed\` 0 it is
  answered 429, which \`kubectl drain\` retries forever;
- \`AlwaysAllow\`: the pod is always evicted (it is unhealthy, so evicting it disrupts nothing).

Pods that are Pending, Succeeded or Failed, or already being deleted, are evicted whatever the budget
says; healthy pods always spend the budget, whatever the policy.

Reported on a \`policy/v1\` budget without \`AlwaysAllow\` whose status has \`expectedPods\` > 0,
\`disruptionsAllowed\` 0 and \`currentHealthy\` below \`desiredHealthy\` (or \`desiredHealthy\` 0 with no healthy
pod: \`minAvailable: 0\` or \`maxUnavailable: "100%"\` then still blocks unhealthy pods, since there is no
disruption left to spend). When the input holds the namespace's pods, it is reported only if at least
one selected pod is Running (not Pending, Succeeded or Failed), not Ready and not being deleted, and
the message names them with their nodes; DaemonSet and mirror pods are left out (drains skip them).
Not reported when the status is stale (\`status.observedGeneration\` behind \`metadata.generation\`) or the
last sync failed (condition \`DisruptionAllowed\` False with reason \`SyncFailed\`: the counts are not
trustworthy then).

\`AlwaysAllow\` frees only the unhealthy pods: the healthy ones stay protected while the budget is not
met, which is what it is for.

Pillar: availability: \`pdb-unhealthy-pods-block-drain\` gives the same advice on manifests, before the
application breaks.`,
  fix: {
    text: 'Set spec.unhealthyPodEvictionPolicy: AlwaysAllow so that pods that are Running but not Ready can always be evicted (healthy pods stay protected by the budget); to unblock a drain now, delete the unhealthy pods by hand or fix what keeps them unready (kubeready diagnose).',
    yaml: ALWAYS_ALLOW_PDB,
  },
  target: 'object',
  kinds: ['PodDisruptionBudget'],
  uses: ['Pod'],
  run({ resource: pdb, index }) {
    const b = drainBlockedNow(pdb, index);
    if (!b) return [];
    const policy = unhealthyPolicy(pdb) === 'default' ? 'unhealthyPodEvictionPolicy is unset (IfHealthyBudget)' : 'unhealthyPodEvictionPolicy is IfHealthyBudget';
    const counts =
      b.desired > 0
        ? `now ${b.current} of ${b.expected} pods healthy (needs ${b.desired}), disruptionsAllowed 0`
        : `now ${b.current} of ${b.expected} pods healthy (needs ${b.desired}, but with no healthy pod disruptionsAllowed is 0)`;
    let who: string;
    const related: RelatedInput[] = [];
    if (b.pods) {
      const shown = b.pods.slice(0, MAX_PODS).map(podText).join(', ');
      const more = b.pods.length > MAX_PODS ? ` and ${b.pods.length - MAX_PODS} more` : '';
      who = `its ${plural(b.pods.length, 'Running but not Ready pod')} (${shown}${more})`;
      for (const p of b.pods.slice(0, MAX_PODS)) related.push({ resource: p, path: ['status', 'conditions'], note: `${podState(p)}: eviction refused` });
    } else {
      who = 'its Running but not Ready pods';
    }
    const nodes = b.pods ? nodesText(b.pods) : 'their nodes';
    const oneNode = nodes.startsWith('node ') || nodes === 'its node';
    const onePod = b.pods?.length === 1;
    return [
      {
        message: `${counts} and ${policy}: the eviction API refuses (429) to evict ${who}, so kubectl drain of ${nodes} (and the node upgrades and autoscaler scale-downs that drain ${oneNode ? 'it' : 'them'}) waits until ${onePod ? 'the pod becomes' : 'the pods become'} Ready or someone deletes ${onePod ? 'it' : 'them'} by hand`,
        path: get(pdb.object, ['status', 'currentHealthy']) !== undefined ? ['status', 'currentHealthy'] : ['status'],
        related,
      },
    ];
  },
});
