// A node's own problems: NotReady, and memory, disk or process-id pressure.
import type { Resource } from '../../model/types.js';
import { eventsFor, formatDuration, formatTime, latestEvent, parseTime } from '../../model/events.js';
import { nodePressure, nodeReady } from '../../model/runtime.js';
import { getString } from '../../model/util.js';
import { taintsOf, taintText } from '../../model/placement.js';
import type { Prevention, Problem } from './types.js';
import { type Ctx, ev, firesOn, ownerOf, prevention, ref, st } from './common.js';
import { drainPlanOf, listPods } from './drain.js';

export function nodeProblems(x: Ctx, node: Resource): Problem[] {
  const out: Problem[] = [];
  const c = nodeReady(node);
  if (c && c.status !== 'True') {
    const e = latestEvent(eventsFor(x.index, node), (v) => v.type === 'Warning' || v.reason === 'NodeNotReady');
    const hb = parseTime(getString(node.object, [...c.path, 'lastHeartbeatTime']));
    const taints = taintsOf(node);
    const plan = drainPlanOf(x, node);
    out.push({
      check: 'node-not-ready',
      severity: 'error',
      symptom: `node ${node.name} is NotReady (Ready=${c.status})`,
      object: ref(node, x.index),
      container: null,
      pods: [],
      evidence: [
        st(node, c.path, `condition Ready=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? ` "${c.message}"` : ''} since ${formatTime(c.since)}`, x.index),
        st(node, [...c.path, 'lastHeartbeatTime'], hb !== undefined ? `last heartbeat from the kubelet ${formatTime(hb)}${x.now !== undefined ? ` (${formatDuration(x.now - hb)} before the newest time seen)` : ''}` : 'no heartbeat recorded', x.index),
        st(node, ['spec', 'taints'], taints.length ? `taints: ${taints.map(taintText).join(', ')}` : 'no taints (the node lifecycle controller has not tainted it)', x.index, 'spec'),
        ...(e ? [ev(e, x.index)] : []),
      ],
      cause: c.status === 'Unknown' ? `the kubelet stopped reporting${hb !== undefined && x.now !== undefined ? ` (its last heartbeat was ${formatDuration(x.now - hb)} earlier)` : ''}: the node is down, partitioned from the control plane, or its kubelet or container runtime has stopped` : `the kubelet reports the node unhealthy: ${c.message ?? c.reason ?? 'no reason given'}`,
      fix: {
        text: `Check the machine: kubelet and container runtime status and logs, network, disk; cordon and drain it if it does not recover.${plan.complete ? `${plan.notes.length ? ` ${plan.notes.join('; ')}.` : ''}${plan.blockers.length ? ` The eviction API refuses ${plan.blockers.length === 1 ? 'a pod' : `${plan.blockers.length} pods`} there (${listPods(plan.blockers.map((b) => `${b.namespace}/${b.name}`), 3)}), so the drain hangs or fails on ${plan.blockers.length === 1 ? 'it' : 'them'}: ${[...new Set(plan.blockers.map((b) => `kubeready diagnose pdb/${b.budgets[0]} -n ${b.namespace}`))].slice(0, 2).join('; ')}.` : ''}` : ''}`,
        commands: [`kubectl describe node ${node.name}`, plan.complete ? plan.command : `kubeready diagnose node/${node.name}   # the drain command with the flags all of its pods need (only some namespaces were read here)`],
        yaml: null,
      },
      // About the node, not one workload's manifest: advice, not a check that would fire here.
      prevent: [prevention(null, 'a node can always fail: run two or more replicas spread over nodes (pod anti-affinity or a topology spread), so that one node down is not an outage')],
      logs: null,
    });
  }
  for (const p of nodePressure(node)) {
    const why = PRESSURE[p.type as keyof typeof PRESSURE] ?? PRESSURE.MemoryPressure;
    out.push({
      check: 'node-pressure',
      severity: 'warning',
      symptom: `node ${node.name} under ${p.type}`,
      object: ref(node, x.index),
      container: null,
      pods: [],
      evidence: [st(node, p.path, `condition ${p.type}=True${p.message ? ` "${p.message}"` : ''} since ${formatTime(p.since)}`, x.index)],
      cause: why.cause,
      fix: { text: why.text, commands: why.commands(node.name), yaml: why.yaml },
      prevent: p.type === 'MemoryPressure' ? memoryPrevention(x, node) : [prevention(null, why.prevent)],
      logs: null,
    });
  }
  return out;
}

/** What each node pressure means, and what frees it. */
const PRESSURE = {
  MemoryPressure: {
    cause: 'the node is short of memory: the kubelet evicts pods to recover, those using the most memory above their requests first',
    text: 'Find the pods using more memory than they request and set requests and limits from measured usage, so the scheduler stops overpacking the node.',
    commands: (node: string) => [`kubectl describe node ${node}`, 'kubectl top pod -A --sort-by=memory'],
    yaml: null,
    prevent: '',
  },
  DiskPressure: {
    cause: 'the node is short of disk (its root or image filesystem): the kubelet deletes unused images and evicts pods, those writing the most to local disk above their ephemeral-storage requests first; container logs, emptyDir volumes and writable container layers fill it',
    text: 'Free the disk and bound what pods may write: check image garbage collection (imageGCHighThresholdPercent) and container log rotation (containerLogMaxSize, containerLogMaxFiles) in the kubelet configuration, give emptyDir volumes a sizeLimit, and give containers that write locally ephemeral-storage requests and limits.',
    commands: (node: string) => [`kubectl describe node ${node}`, `kubectl debug node/${node} -it --image=busybox -- du -xsh /host/var/lib/containerd /host/var/lib/kubelet/pods /host/var/log/pods`],
    yaml: 'containers:\n  - name: app\n    resources:\n      requests:\n        ephemeral-storage: 1Gi\n      limits:\n        ephemeral-storage: 2Gi\nvolumes:\n  - name: scratch\n    emptyDir:\n      sizeLimit: 1Gi',
    prevent: 'no manifest check covers local disk: ephemeral-storage requests and limits and an emptyDir sizeLimit bound what each pod can write to the node, and log rotation bounds what it logs',
  },
  PIDPressure: {
    cause: 'the node is short of process ids: a pod starts processes or threads without bound (a fork bomb, a thread leak, a worker pool with no cap); the kubelet evicts pods to recover',
    text: 'Find the pod with the most processes and fix its leak; cap every pod\'s processes with podPidsLimit in the kubelet configuration.',
    commands: (node: string) => [`kubectl describe node ${node}`, `kubectl debug node/${node} -it --image=busybox -- sh -c 'echo processes: $(ls -d /proc/[0-9]* | wc -l) of $(cat /proc/sys/kernel/pid_max)'`],
    yaml: null,
    prevent: 'no manifest check covers process counts: podPidsLimit in the kubelet configuration caps what one pod can start',
  },
} as const;

/**
 * Memory pressure: the memory checks, for the workloads on the node whose manifests they fire on
 * (requests are what keep the scheduler from overpacking a node); advice when none does.
 */
function memoryPrevention(x: Ctx, node: Resource): Prevention[] {
  const owners = [...new Set((x.index.nodePods ?? x.index.ofKind('Pod')).filter((p) => getString(p.object, ['spec', 'nodeName']) === node.name).map((p) => ownerOf(x.index, p)))];
  const out: Prevention[] = [];
  for (const [id, why] of [
    ['memory-request-missing', 'requests keep the scheduler from putting more on a node than it holds'],
    ['emptydir-memory-no-size-limit', 'memory-backed emptyDir volumes count against node memory'],
  ] as const) {
    const hit = owners.filter((o) => firesOn(x, o.resource, id) === true).map((o) => o.kubectl);
    if (hit.length) out.push(prevention(id, `${why}; it fires on ${hit.slice(0, 3).join(', ')}${hit.length > 3 ? ` and ${hit.length - 3} more` : ''} on this node`));
  }
  return out.length ? out : [prevention(null, 'size memory requests from measured usage: a request below what a pod uses lets the scheduler overpack the node')];
}
