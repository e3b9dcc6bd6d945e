import type { ResourceIndex } from '../../model/index.js';
import { operatorPodLabels } from '../../model/operator-pods.js';
import { topOwner } from '../../model/runtime.js';
import type { FieldPath, Resource, Workload } from '../../model/types.js';
import { get } from '../../model/util.js';
import { defineCheck, type FindingInput } from '../types.js';
import { ALWAYS_ALLOW_PDB, drainBlockedNow, unhealthyPolicy } from '../runtime/pdb-drain-blocked-now.js';
import pdbBlocksEviction from './pdb-blocks-eviction.js';
import { pdbSelectorKind, pdbSelects, selectorEvaluable, workloadsOfPdb } from './pdb-util.js';
import { isZeroIntOrPercent, percentOf, replicaFloor, scaleIntOrPercent } from './util.js';

/** At most this many workloads are named in the message. */
const MAX_NAMED = 3;

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** What the budget selects: a workload of the input, or a custom resource an operator makes pods from. */
interface Selected {
  resource: Resource;
  /** Its labels field, for the related-object reference. */
  path: FieldPath;
  /**
   * Its fixed replica count; null when it cannot be known, or when an autoscaler may run more than
   * its floor.
   */
  replicas: number | null;
}

function show(x: Selected): string {
  return `${x.resource.kind} "${x.resource.name}"`;
}

function names(xs: Selected[]): string {
  const shown = xs.slice(0, MAX_NAMED).map(show);
  if (xs.length > MAX_NAMED) return `${shown.join(', ')} and ${xs.length - MAX_NAMED} more`;
  if (shown.length === 1) return shown[0];
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function fromWorkload(w: Workload, index: ResourceIndex): Selected {
  const f = replicaFloor(w, index);
  return { resource: w.resource, path: [...w.podMetaPath, 'labels'], replicas: f && f.source !== 'hpa' && f.source !== 'keda' ? f.value : null };
}

/**
 * A prometheus-operator resource (Prometheus, Alertmanager...) whose pods the budget selects: its
 * spec.replicas (default 1), null when not a plain number. A PrometheusAgent in DaemonSet mode runs
 * one pod per node, which drains skip.
 */
function fromOperator(r: Resource): Selected | undefined {
  if (r.kind === 'PrometheusAgent' && get(r.object, ['spec', 'mode']) === 'DaemonSet') return undefined;
  const n = get(r.object, ['spec', 'replicas']);
  let replicas = n === undefined || n === null ? 1 : typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
  // Shards run replicas each, in StatefulSets whose pods differ by their shard label: not counted here.
  const shards = get(r.object, ['spec', 'shards']);
  if (isSet(shards) && shards !== 1) replicas = null;
  return { resource: r, path: isSet(n) ? ['spec', 'replicas'] : [], replicas };
}

/** The replicas the budget requires healthy, against a known total; undefined when it cannot be told. */
function required(pdb: Resource, total: number): number | undefined {
  const min = get(pdb.object, ['spec', 'minAvailable']);
  const max = get(pdb.object, ['spec', 'maxUnavailable']);
  if (isSet(min)) return scaleIntOrPercent(min, total, true);
  const m = scaleIntOrPercent(max, total, true);
  return m === undefined ? undefined : Math.max(0, total - m);
}

export default defineCheck({
  id: 'pdb-unhealthy-pods-block-drain',
  pillar: 'availability',
  severity: 'info',
  title: 'PodDisruptionBudget keeps unhealthy pods from being evicted',
  whatBreaks:
    'When the application breaks (its pods crash-loop or fail readiness), the budget is no longer met and the eviction API refuses to evict even the broken pods: `kubectl drain` of their nodes, and the node upgrades and autoscaler scale-downs that drain them, wait until the pods become Ready or someone deletes them by hand.',
  details: `\`spec.unhealthyPodEvictionPolicy\` (\`policy/v1\`, GA in Kubernetes 1.31) decides how the eviction API
treats a pod that is Running but not Ready (its \`Ready\` condition is not True: CrashLoopBackOff, a failing
readiness probe), as \`pkg/registry/core/pod/storage/eviction.go\` implements it:

- unset (the default) or \`IfHealthyBudget\`: such a pod is evicted only while the budget is met
  (\`status.currentHealthy\` >= \`status.desiredHealthy\`) or while a disruption is left to spend. When the
  application is broken, neither holds: every eviction of its unhealthy pods is answered 429, which
  \`kubectl drain\` retries forever. A budget that needs no healthy pod (\`minAvailable: 0\`,
  \`maxUnavailable: "100%"\`) is not spared: once no pod is healthy, \`disruptionsAllowed\` (healthy minus
  desired) is 0 and the unhealthy pods are refused too.
- \`AlwaysAllow\`: such a pod is always evicted; evicting it disrupts nothing, since it serves nothing.
  Healthy pods stay protected by the budget either way.

Pods that are Pending, Succeeded or Failed are evicted whatever the policy.

Reported (info: advice, it fails nothing) on a \`policy/v1\` budget that leaves the field unset and whose
selector matches the pod template of at least one workload of the input in its namespace, or the pods
prometheus-operator makes from a Prometheus, Alertmanager or ThanosRuler of the input (their labels
are the operator's); the message names them. Not reported when:

- the field is \`AlwaysAllow\`, or set to \`IfHealthyBudget\` explicitly (a deliberate choice, e.g. to keep
  the unready members of a quorum-based store where they are while they recover);
- the budget already allows no eviction at all (\`pdb-blocks-eviction\` reports it: \`maxUnavailable: 0\`,
  \`minAvailable: "100%"\` or at the replica floor, neither field set; for operator pods alone, judged
  from \`spec.replicas\`, and skipped when it cannot be told);
- it selects only DaemonSet pods (drains skip them), or no workload of the input
  (\`pdb-selects-nothing\`), or its selector cannot be evaluated (templated values);
- it is \`policy/v1beta1\` (\`api-version-removed\`);
- it is a live object whose status shows the drain blocked now: \`pdb-drain-blocked-now\` reports that as
  a warning (when that check is turned off, this advice is given instead).

Keep \`IfHealthyBudget\` (and set it explicitly, so the choice is visible) for workloads whose unready pods
must not be moved while the others recover, such as a database member catching up on replication.`,
  fix: {
    text: 'Set spec.unhealthyPodEvictionPolicy: AlwaysAllow: pods that are Running but not Ready can then always be evicted, while the healthy ones stay protected by the budget.',
    yaml: ALWAYS_ALLOW_PDB,
  },
  // What pdb-blocks-eviction reads (replica floors), the custom resources prometheus-operator makes
  // pods from (model/operator-pods.ts), and the pods of a live scan.
  uses: ['HorizontalPodAutoscaler', 'ScaledObject', 'Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler', 'Pod'],
  target: 'object',
  kinds: ['PodDisruptionBudget'],
  run(ctx) {
    const { resource: pdb, index } = ctx;
    const out: FindingInput[] = [];
    // policy/v1beta1 is no longer served (api-version-removed).
    if (pdb.apiVersion !== 'policy/v1') return out;
    if (unhealthyPolicy(pdb) !== 'default') return out;
    const kind = pdbSelectorKind(pdb);
    if (kind === 'none') return out;
    if (kind === 'some' && !selectorEvaluable(get(pdb.object, ['spec', 'selector']))) return out;
    // The API rejects a budget that sets both.
    if (isSet(get(pdb.object, ['spec', 'minAvailable'])) && isSet(get(pdb.object, ['spec', 'maxUnavailable']))) return out;

    const ns = index.namespaceOf(pdb);
    // Name what owns the pods (a cluster export holds the Deployment, its ReplicaSets and its Pods);
    // drains skip DaemonSet pods.
    const ws = workloadsOfPdb(pdb, index).certain.filter((w) => index.sameScope(w.resource, pdb) && w.class !== 'daemon');
    const byTop = new Map<Resource, Selected>();
    for (const w of ws) {
      const t = topOwner(index, w.resource);
      if (byTop.has(t) || t.kind === 'DaemonSet') continue;
      const tw = t === w.resource ? w : index.workloads.find((x) => x.resource === t);
      const sel = tw ? fromWorkload(tw, index) : operatorPodLabels(t) ? fromOperator(t) : { resource: t, path: [], replicas: null };
      if (sel) byTop.set(t, sel);
    }
    // Pods prometheus-operator makes from a custom resource of the input (not a workload of it).
    for (const p of index.operatorPodsIn(ns)) {
      if (byTop.has(p.resource) || !operatorPodLabels(p.resource) || !index.sameScope(p.resource, pdb) || pdbSelects(pdb, p.labels) !== true) continue;
      const sel = fromOperator(p.resource);
      if (sel) byTop.set(p.resource, sel);
    }
    const all = [...byTop.values()];
    if (all.length === 0) return out;

    // A budget that allows no eviction at all blocks healthy and unhealthy pods alike: reported by
    // pdb-blocks-eviction.
    if (pdbBlocksEviction.run(ctx).length > 0) return out;
    const known = all.every((x) => x.replicas !== null);
    const total = all.reduce((n, x) => n + (x.replicas ?? 0), 0);
    const need = known ? required(pdb, total) : undefined;
    // The same judgement against fixed replica counts, for what pdb-blocks-eviction does not count
    // (operator pods, workloads of a cluster export controlled by a custom resource); nothing runs
    // when they are all scaled to 0. Operator pods alone are judged only when their count is known.
    if (known ? total === 0 || (need !== undefined && need >= total) : ws.length === 0) return out;
    // Blocked right now (a live budget): pdb-drain-blocked-now says so, with the pods (unless it is off).
    if ((ctx.active?.has('pdb-drain-blocked-now') ?? true) && drainBlockedNow(pdb, index)) return out;

    // A budget that needs no healthy pod (desiredHealthy 0) still blocks unhealthy pods once none is
    // healthy: disruptionsAllowed (healthy minus desired) is then 0 too.
    const min = get(pdb.object, ['spec', 'minAvailable']);
    const max = get(pdb.object, ['spec', 'maxUnavailable']);
    const needsNone = (isSet(min) && isZeroIntOrPercent(min)) || percentOf(max) === 100 || (need === 0 && total > 0);
    const when = needsNone
      ? `when every pod of ${names(all)} crash-loops or fails readiness, the budget has no disruption left to spend and`
      : `when the pods of ${names(all)} crash-loop or fail readiness so that fewer are healthy than the budget needs,`;
    out.push({
      message: `unhealthyPodEvictionPolicy is not set (IfHealthyBudget): ${when} the eviction API refuses (429) to evict even the unhealthy ones, so kubectl drain of their nodes (and the node upgrades and autoscaler scale-downs that drain them) waits until those pods become Ready or someone deletes them by hand`,
      path: ['spec'],
      related: all.map((x) => ({ resource: x.resource, path: x.path, note: operatorPodLabels(x.resource) ? 'pods selected (created by prometheus-operator)' : 'pods selected' })),
    });
    return out;
  },
});
