import { defineCheck, type RelatedInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { availabilityOf, conditionOf, daemonAvailabilityOf, creationTime, intermediatesOf, isPodReady, isTerminating, podPhase, podsOf, warnings, type Availability } from '../../model/runtime.js';
import { describeEvent, formatDuration, formatTime, observedAt, type ObjectEvent } from '../../model/events.js';
import { podState } from './service-no-ready-endpoints.js';
import { quote } from './util.js';
import { getString } from '../../model/util.js';

interface Params {
  minutes: number;
}

/** Rollout states in which fewer available replicas than desired is expected, until the progress deadline. */
const IN_PROGRESS = new Set(['ReplicaSetUpdated', 'NewReplicaSetCreated', 'FoundNewReplicaSet']);

/** Since when a pod has not been ready: its Ready condition's transition, else (Pending, no condition) its creation. */
export function unreadySince(pod: Resource): number | undefined {
  const c = conditionOf(pod, 'Ready');
  if (c && c.status !== 'True') return c.since ?? creationTime(pod);
  if (!c) return creationTime(pod);
  return undefined;
}

export interface Unavailable {
  a: Availability;
  severity: 'error' | 'warning';
  /** Why it counts as broken, not merely rolling out. */
  why: string;
  unready: Resource[];
  /** Desired replicas with no pod at all (when the input holds the workload's pods). */
  missing: number;
  /** The latest Warning of the workload or its ReplicaSets (FailedCreate: quota, admission...). */
  warning: ObjectEvent | undefined;
}

/** A Deployment, StatefulSet or DaemonSet below its desired availability for longer than a rollout explains. */
export function unavailable(index: ResourceIndex, r: Resource, minMs: number): Unavailable | undefined {
  const a = availabilityOf(r) ?? daemonAvailabilityOf(r);
  if (!a || a.stale || a.desired <= 0) return undefined;
  // A rollout past its deadline is stuck even when the old pods still serve every replica.
  const stuck = r.kind === 'Deployment' && a.progressing?.status === 'False' && a.progressing.reason === 'ProgressDeadlineExceeded';
  if (a.available >= a.desired && !stuck) return undefined;
  const now = observedAt(index);
  const pods = podsOf(index, r).filter((p) => !isTerminating(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  const unready = pods.filter((p) => !isPodReady(p));
  const oldest = unready.map(unreadySince).filter((t): t is number => t !== undefined).sort((x, y) => x - y)[0];
  const longUnready = oldest !== undefined && now !== undefined && now - oldest >= minMs;
  const warningsOf = [r, ...intermediatesOf(index, r)].flatMap((o) => warnings(index, o)).sort((x, y) => (x.time ?? -Infinity) - (y.time ?? -Infinity));
  const warning = warningsOf[warningsOf.length - 1];
  let why: string | undefined;
  let severity: 'error' | 'warning' = a.available === 0 ? 'error' : 'warning';
  if (r.kind === 'Deployment') {
    const p = a.progressing;
    const av = a.availableCond;
    if (p?.status === 'False' && p.reason === 'ProgressDeadlineExceeded') {
      why = `rollout stuck: ProgressDeadlineExceeded${p.since !== undefined ? ` since ${formatTime(p.since)}` : ''}${p.message ? ` (${quote(p.message, 160)})` : ''}`;
      if (a.available >= a.desired) {
        why += `; the rollout made no progress within its deadline${a.updated !== undefined ? ` (${a.updated} of ${a.desired} replicas updated)` : ''}: the service runs, but the rest of the new version does not come`;
        severity = 'warning';
      } else severity = 'error';
    } else if (av?.status === 'False' && av.since !== undefined && now !== undefined && now - av.since >= minMs) {
      why = `Available=False${av.reason ? ` (${av.reason})` : ''} since ${formatTime(av.since)} (${formatDuration(now - av.since)})`;
      severity = 'error';
    } else if (p?.status === 'True' && p.reason && IN_PROGRESS.has(p.reason)) {
      return undefined; // A rollout within its progress deadline.
    } else if (longUnready) {
      why = `pods not ready since ${formatTime(oldest)} (${formatDuration(now! - oldest!)})`;
    } else if (warning && /FailedCreate/.test(warning.reason)) {
      why = 'pods cannot be created';
    }
  } else {
    if (longUnready) why = `pods not ready since ${formatTime(oldest)} (${formatDuration(now! - oldest!)})`;
    else if (warning && /FailedCreate/.test(warning.reason)) why = 'pods cannot be created';
    if (why && a.available === 0) severity = 'error';
  }
  if (!why) return undefined;
  return { a, severity, why, unready, warning, missing: pods.length ? Math.max(0, a.desired - pods.length) : 0 };
}

/** kubectl's resource name and kubeready diagnose's short one for each kind this check runs on. */
const KIND_NAMES: Record<string, [string, string]> = { Deployment: ['deployment', 'deploy'], StatefulSet: ['statefulset', 'sts'], DaemonSet: ['daemonset', 'ds'] };

/** This finding's commands, with the object's own kind, name and namespace. */
function fixText(r: Resource, ns: string, unready: Resource[]): string {
  const [long, short] = KIND_NAMES[r.kind] ?? [r.kind.toLowerCase(), r.kind.toLowerCase()];
  const nsFlag = ` -n ${ns}`;
  // OrderedReady (the default) waits for the broken pod forever: a rollback alone does not replace it.
  const forced =
    r.kind === 'StatefulSet' && getString(r.object, ['spec', 'podManagementPolicy']) !== 'Parallel'
      ? `; after a rollback, delete the pods still on the bad revision (kubectl delete pod ${unready.length ? unready.slice(0, 3).map((p) => p.name).join(' ') : `${r.name}-<ordinal>`}${nsFlag}): with OrderedReady pod management the StatefulSet does not replace a pod that never became ready`
      : '';
  return `Find what keeps the pods unready (kubeready diagnose ${short}/${r.name}${nsFlag}), then fix it or roll back (kubectl rollout undo ${long}/${r.name}${nsFlag})${forced}.`;
}

export default defineCheck<Params>({
  id: 'workload-unavailable',
  pillar: 'availability',
  severity: 'error',
  runtime: true,
  title: 'Workload below its desired availability',
  whatBreaks:
    'Fewer replicas serve than the workload asks for, for longer than a rollout explains: the remaining pods carry all the load (or none is left and the service is down), and the next node loss or drain takes out what is left.',
  details: `A runtime check (workload \`status\`, its pods and Events). A Deployment (\`status.availableReplicas\`)
or StatefulSet (\`status.readyReplicas\`, \`availableReplicas\` when set) below \`spec.replicas\`, or a
DaemonSet whose \`status.numberAvailable\` is below \`desiredNumberScheduled\` (a node agent missing on some
nodes: their pods lose what it provides, networking, storage, logs), is reported when:

- Deployment: its \`Progressing\` condition is False with \`ProgressDeadlineExceeded\`, reported even when
  the old pods still serve every replica (a warning then: the new version never rolls out; the rollout is
  stuck), or its \`Available\` condition has been False for at least \`minutes\`; while a rollout is
  still within its deadline (\`Progressing\` True, \`ReplicaSetUpdated\`) it is not reported;
- otherwise, for every kind: its pods (found by ownerReferences uid) have been unready for at least
  \`minutes\`, or the latest Warning of the workload or its ReplicaSets is \`FailedCreate\` (quota,
  admission webhooks, PodSecurity).

Error when no replica is available, or the rollout is stuck or \`Available\` is False; warning
otherwise. Not reported when \`status.observedGeneration\` is behind \`metadata.generation\` (the
controller has not caught up), or with zero replicas desired. The message lists the unready pods'
states and the latest Warning event; \`kubeready diagnose\` walks them to a root cause.

Pillar: availability: a rolling update that keeps the old pods until new ones are ready
(\`rolling-update-unavailable\`), enough replicas (\`replicas-below-minimum\`) and a
PodDisruptionBudget (\`pdb-missing\`) are what keep a failure from taking the last replica.`,
  fix: {
    text: 'Find what keeps the pods unready (`kubeready diagnose <kind>/<name> -n <namespace>`, kind deploy, sts or ds), then fix it or roll back (`kubectl rollout undo <deployment|statefulset|daemonset>/<name> -n <namespace>`). Each finding names its own commands.',
    yaml: `# Old pods keep serving until new ones are ready; a stuck rollout is reported after the deadline.
kind: Deployment
spec:
  progressDeadlineSeconds: 600
  strategy:
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
---
# A StatefulSet or a DaemonSet: spec.updateStrategy (no spec.strategy; a StatefulSet rejects maxUnavailable 0).
kind: StatefulSet
spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1`,
  },
  params: {
    minutes: { type: 'number', default: 10, description: 'Report a shortfall that has lasted at least this many minutes (stuck rollouts are reported at once).' },
  },
  target: 'object',
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
  uses: ['Event', 'Node'],
  run(ctx) {
    const minMs = Math.max(0, Number(ctx.params.minutes) || 0) * 60_000;
    const u = unavailable(ctx.index, ctx.resource, minMs);
    if (!u) return [];
    const { a } = u;
    const states = new Map<string, number>();
    for (const p of u.unready) states.set(podState(p), (states.get(podState(p)) ?? 0) + 1);
    const podsText = u.unready.length ? `; unready pods: ${[...states].map(([s, n]) => `${n} ${s}`).join(', ')}` : '';
    const missingText = u.missing > 0 ? `; ${u.missing} of the desired pods do${u.missing === 1 ? 'es' : ''} not exist` : '';
    const kind = ctx.resource.kind;
    const counts =
      kind === 'Deployment' ? `${a.available} of ${a.desired} replicas available`
      : kind === 'DaemonSet' ? `${a.available} of the ${a.desired} daemon pods its nodes should run are available`
      : `${a.ready} of ${a.desired} replicas ready`;
    const rel: RelatedInput[] = u.unready.slice(0, 5).map((p) => ({ resource: p, path: ['status', 'conditions'], note: podState(p) }));
    if (u.warning) rel.push({ resource: u.warning.resource, path: u.warning.messagePath, note: `${u.warning.reason} on ${u.warning.regarding.kind ?? ''} ${u.warning.regarding.name ?? ''}`.trim() });
    const path = kind === 'Deployment' ? ['status', 'availableReplicas'] : kind === 'DaemonSet' ? ['status', 'numberAvailable'] : ['status', 'readyReplicas'];
    return [
      {
        message: `${counts}: ${u.why}${podsText}${missingText}${u.warning ? `; ${describeEvent(u.warning, 200)}` : ''}`,
        path: ctx.resource.object.status && (ctx.resource.object.status as Record<string, unknown>)[path[1]] !== undefined ? path : ['status'],
        severity: u.severity === 'warning' ? 'warning' : undefined,
        fix: fixText(ctx.resource, ctx.index.namespaceOf(ctx.resource), u.unready),
        related: rel,
      },
    ];
  },
});
