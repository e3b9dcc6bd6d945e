import { nodeRefusal } from '../../model/placement.js';
import { defineCheck, type CheckContext, type FieldPath, type FindingInput, type Resource } from '../types.js';
import { formatBytes, formatCpu, nodeRoom, podRequests, unschedulable, type Unschedulable } from '../../model/runtime.js';
import { formatTime } from '../../model/events.js';
import { get, getArray, parseQuantity } from '../../model/util.js';
import { plural, podName, podsFor, podSpecPath, quote, related } from './util.js';

/** Where the scheduler's main reason belongs in the pod template. */
function causePath(ctx: CheckContext, u: Unschedulable): FieldPath {
  const w = ctx.workload;
  const base = podSpecPath(w);
  const spec = w ? w.podSpec : get(ctx.resource.object, ['spec']);
  const first = u.analysis.reasons[0];
  switch (first?.kind) {
    case 'insufficient': {
      const res = first.detail ?? 'memory';
      // The container asking for the most of it.
      let best = -1;
      let at = -1;
      getArray(spec, ['containers']).forEach((c, i) => {
        const q = parseQuantity(get(c, ['resources', 'requests', res]));
        if (q !== undefined && q > best) {
          best = q;
          at = i;
        }
      });
      return at >= 0 ? [...base, 'containers', at, 'resources', 'requests', res] : [...base, 'containers'];
    }
    case 'taint':
      return [...base, 'tolerations'];
    case 'node-affinity':
      return get(spec, ['nodeSelector']) !== undefined ? [...base, 'nodeSelector'] : [...base, 'affinity', 'nodeAffinity'];
    case 'pod-affinity':
      return [...base, 'affinity', 'podAffinity'];
    case 'pod-anti-affinity':
      return [...base, 'affinity', 'podAntiAffinity'];
    case 'topology-spread':
      return [...base, 'topologySpreadConstraints'];
    case 'unbound-pvc':
    case 'pvc-missing':
    case 'no-pv':
    case 'volume-node-affinity':
      return [...base, 'volumes'];
    case 'ports':
      return [...base, 'containers'];
    default:
      return base;
  }
}

/** "it requests 6Gi memory; the most free on any node is 2.5Gi (node-b)": only when the input has the nodes. */
export function roomText(ctx: { index: CheckContext['index'] }, pod: Resource, u: Unschedulable): string {
  const parts: string[] = [];
  const req = podRequests(pod);
  // Only nodes the pod could go to for everything but its requests: a NotReady or tainted node's room is no answer.
  const rooms = nodeRoom(ctx.index).filter((r) => r.schedulable && nodeRefusal(r.node, pod) === null);
  for (const r of u.analysis.reasons) {
    if (r.kind !== 'insufficient' || (r.detail !== 'memory' && r.detail !== 'cpu')) continue;
    const res = r.detail;
    const asked = res === 'memory' ? formatBytes(req.memory) : formatCpu(req.cpu);
    const frees = rooms.map((x) => ({ node: x.node.name, free: x.free[res] })).filter((x): x is { node: string; free: number } => x.free !== undefined);
    if (frees.length === 0) {
      parts.push(`the pod requests ${asked} ${res}`);
      continue;
    }
    const top = frees.sort((a, b) => b.free - a.free)[0];
    const free = res === 'memory' ? formatBytes(Math.max(0, top.free)) : formatCpu(Math.max(0, top.free));
    parts.push(`the pod requests ${asked} ${res}; the most unrequested on a node it may use is ${free} (${top.node})`);
  }
  return parts.join('; ');
}

function subject(ctx: CheckContext, group: Unschedulable[], total: number): string {
  if (ctx.resource.kind === 'Pod') return 'the pod';
  if (group.length === 1) return `${podName(ctx, group[0].pod)} (1 of ${plural(total, 'pod')})`;
  return `${group.length} of ${plural(total, 'pod')} (${group.slice(0, 3).map((u) => u.pod.name).join(', ')}${group.length > 3 ? ', ...' : ''})`;
}

export default defineCheck({
  id: 'pod-pending-unschedulable',
  pillar: 'resources',
  severity: 'error',
  runtime: true,
  title: 'Pod cannot be scheduled',
  whatBreaks:
    'No node can take the pod, so it stays Pending and never runs: a new version never rolls out, a scale-up adds no capacity, and a replacement for a lost pod never comes.',
  details: `A runtime check (pod \`status\`, Events). Reported when a pod is Pending with condition
\`PodScheduled=False\`, reason \`Unschedulable\`. The scheduler's reason comes from its latest
\`FailedScheduling\` event for the pod (matched by uid; else the condition's message) and is parsed into
a short cause: insufficient cpu or memory (with the pod's requests and, when the input holds the
nodes and their pods, the most room left on a node the pod may use: not cordoned, Ready, its NoSchedule
and NoExecute taints tolerated, the pod's nodeSelector and required node affinity matched), untolerated taints, node
affinity or selector, pod (anti-)affinity, topology spread, unbound or missing claims, cordoned
nodes. The finding points at the field of the pod template behind the first cause.

**Warning** instead of error when the cluster autoscaler's \`TriggeredScaleUp\` event is newer than the
last \`FailedScheduling\` (a node is on its way), or when the pod has a \`nominatedNodeName\` (the
scheduler is preempting lower-priority pods to make room).

Pillar: resources: requests sized from measured usage are what make pods fit; a cluster autoscaler
with room in its node groups absorbs the rest.`,
  fix: {
    text: 'Make the pod fit: lower its requests to what it uses, add nodes (or let the autoscaler), tolerate the taint or relax the affinity that excludes every node, or fix the claim it waits for.',
    yaml: `containers:
  - name: app
    resources:
      requests:
        memory: 1Gi     # measured peak plus headroom, not the node size
        cpu: 250m`,
  },
  target: 'workload',
  uses: ['Event', 'Node'],
  run(ctx) {
    const pods = podsFor(ctx);
    const items = pods.map((p) => unschedulable(ctx.index, p)).filter((u): u is Unschedulable => !!u);
    if (items.length === 0) return [];
    // Group by cause, so pods pending for different reasons each get their finding.
    const groups = new Map<string, Unschedulable[]>();
    for (const u of items) {
      const k = u.analysis.reasons.map((r) => `${r.kind}:${r.detail ?? ''}`).join(',') || u.message;
      const l = groups.get(k);
      if (l) l.push(u);
      else groups.set(k, [u]);
    }
    const out: FindingInput[] = [];
    for (const group of groups.values()) {
      const u = [...group].sort((a, b) => (b.event?.time ?? -Infinity) - (a.event?.time ?? -Infinity))[0];
      const since = group.map((x) => x.condition.since).filter((t): t is number => t !== undefined).sort((a, b) => a - b)[0];
      const room = roomText(ctx, u.pod, u);
      const scaleUp = u.nominated
        ? `; the scheduler is preempting lower-priority pods on ${u.nominated} to make room`
        : u.scaleUp
          ? `; the cluster autoscaler is adding a node (${quote(u.scaleUp.message, 160)})`
          : u.noScaleUp
            ? `; the cluster autoscaler will not add a node (${quote(u.noScaleUp.message, 160)})`
            : '';
      const count = u.event && u.event.count > 1 ? ` x${u.event.count}` : '';
      out.push({
        message: `${subject(ctx, group, pods.length)} cannot be scheduled, Pending${since !== undefined ? ` since ${formatTime(since)}` : ''}: ${u.analysis.summary}${room ? ` (${room})` : ''}; scheduler${count}: ${quote(u.message, 300)}${scaleUp}`,
        path: causePath(ctx, u),
        severity: u.scaleUp || u.nominated ? 'warning' : undefined,
        related: [
          ...related(group.filter((x) => x.pod !== ctx.resource).map((x) => ({ pod: x.pod, path: [...x.condition.path, 'reason'], note: 'PodScheduled=False Unschedulable' }))),
          ...(u.event ? [{ resource: u.event.resource, path: u.event.messagePath, note: 'FailedScheduling' }] : []),
        ],
      });
    }
    return out;
  },
});
