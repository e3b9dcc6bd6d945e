// Pods that cannot be scheduled: the scheduler's reasons, and where a pod may run (node selectors, affinity, taints).
import { sourceWhere } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { formatTime } from '../../model/events.js';
import { formatBytes, formatCpu, nodeRoom, podRequests, unschedulable, type SchedulingKind } from '../../model/runtime.js';
import { formatLabels } from '../../model/selector.js';
import { get, getArray, getString, stringMap } from '../../model/util.js';
import { blockingTaints, conditionTaint, labelsOf, meetsRequirements, nodeRefusal, nodeRequirements, taintText, type NodeRequirement, type Taint } from '../../model/placement.js';
import type { Evidence, Prevention, Problem } from './types.js';
import { confirmed, type Ctx, ev, nsFlag, type Owner, ownerOf, prevention, ref, resourcesCommand, st, unreadOf, withNote } from './common.js';

const SCHEDULING_FIX: Partial<Record<SchedulingKind, (x: { n: string; owner: Owner; c: string; pod: Resource }) => { text: string; commands: string[]; yaml: string | null; prevent: Prevention[] }>> = {
  insufficient: ({ n, owner, c }) => ({
    ...(() => {
      const set = resourcesCommand(n, owner, c, { requests: { memory: 'MEASURED_PEAK', cpu: 'MEASURED_CPU' } });
      return withNote('Make the pod fit: lower its requests to what it really uses, or add capacity (a larger node pool, or let the cluster autoscaler add nodes).', ['kubectl describe nodes | grep -A 8 "Allocated resources"', set.command], set.note);
    })(),
    yaml: `containers:\n  - name: ${c}\n    resources:\n      requests:\n        memory: <measured peak + headroom>\n        cpu: <measured>`,
    prevent: [prevention(null, 'no manifest check can know the cluster\'s free capacity: size requests from measured usage, and give the cluster autoscaler room in its node groups')],
  }),
  taint: () => ({
    text: 'Tolerate the taint if the pod belongs on those nodes, or remove the taint, or add nodes without it.',
    commands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints'],
    yaml: 'tolerations:\n  - key: <taint key>\n    operator: Equal\n    value: <taint value>\n    effect: NoSchedule',
    prevent: [prevention(null, 'taints are cluster state: no manifest check can see them')],
  }),
  'node-affinity': ({ pod }) => {
    // Without the Nodes: name what the pod requires, so the reader knows which label to look for.
    const sel = stringMap(get(pod.object, ['spec', 'nodeSelector']));
    const keys = Object.keys(sel);
    return {
      text: `No node carries the labels the pod requires${keys.length ? ` (nodeSelector ${formatLabels(sel)})` : ' (its required node affinity)'}: fix the nodeSelector or required node affinity, or label the nodes.`,
      commands: [keys.length ? `kubectl get nodes${keys.map((k) => ` -L ${k}`).join('')}` : 'kubectl get nodes --show-labels'],
      yaml: keys.length ? `nodeSelector:\n${keys.map((k) => `  ${k}: ${sel[k]}   # no node has this label value`).join('\n')}` : null,
      prevent: [prevention(null, 'node labels are cluster state: no manifest check can see them')],
    };
  },
  'pod-anti-affinity': () => ({
    text: 'A required pod anti-affinity allows one pod per node (or zone): with more replicas than eligible nodes the rest stay Pending. Use a preferred term or a topology spread with ScheduleAnyway, or add nodes.',
    commands: [],
    yaml: 'topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n    whenUnsatisfiable: ScheduleAnyway\n    labelSelector:\n      matchLabels: {app: <app>}',
    prevent: [prevention('no-pod-anti-affinity', 'it recommends spreading that does not block scheduling')],
  }),
  'topology-spread': () => ({
    text: 'A DoNotSchedule topology spread cannot be met with the nodes there are: use ScheduleAnyway, raise maxSkew, or add nodes in the short domains.',
    commands: [],
    yaml: 'topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n    whenUnsatisfiable: ScheduleAnyway',
    prevent: [prevention('no-zone-spread', 'zone spreading done so that it does not block scheduling')],
  }),
  'unbound-pvc': ({ n }) => ({
    text: 'The pod waits for a claim that is not bound: see \u00a7see:pvc-pending|the claim (kubectl describe pvc)\u00a7.',
    commands: [`kubectl ${n} get pvc`],
    yaml: null,
    prevent: [prevention('pvc-storage-class-missing', 'claims must name a StorageClass that exists')],
  }),
  'pvc-missing': ({ n }) => ({
    text: 'The pod mounts a claim that does not exist: create it, or fix claimName.',
    commands: [`kubectl ${n} get pvc`],
    yaml: null,
    prevent: [prevention('volume-source-missing', 'referenced claims must exist')],
  }),
  cordoned: () => ({
    text: 'The nodes are cordoned: uncordon them when their maintenance is done, or add nodes.',
    commands: ['kubectl get nodes', 'kubectl uncordon <node>'],
    yaml: null,
    prevent: [prevention('pdb-missing', 'with a PodDisruptionBudget, a drain leaves enough replicas running elsewhere')],
  }),
  'volume-node-affinity': () => ({
    text: 'The volume lives in a zone (or on a node) where the pod cannot run: use a WaitForFirstConsumer StorageClass, or let the pod run in the volume\'s zone.',
    commands: ['kubectl get pv -o custom-columns=NAME:.metadata.name,AFFINITY:.spec.nodeAffinity'],
    yaml: 'volumeBindingMode: WaitForFirstConsumer   # StorageClass',
    prevent: [prevention(null, 'volume zones are cluster state')],
  }),
};

// ---------------------------------------------------------------------------------------------
// Where a pod may run: its node selector and required node affinity against the Nodes' labels, and
// the Nodes' taints against its tolerations (the scheduler's rules).

function tolerationYaml(taints: Taint[]): string {
  return `tolerations:\n${taints.map((t) => `  - key: ${t.key}\n    operator: ${t.value ? 'Equal' : 'Exists'}\n${t.value ? `    value: ${t.value}\n` : ''}    effect: ${t.effect}`).join('\n')}`;
}

interface Placement {
  cause: string;
  evidence: Evidence[];
  fix: { text: string; commands: string[]; yaml: string | null; prevent: Prevention[] };
}

/**
 * Why no node takes the pod, from the Nodes in the input: no node meets its node selector or
 * required affinity (then the requirement, and the values nodes have for its key), or every node
 * that does carries a taint it does not tolerate (then the taint and the node). Undefined when the
 * nodes are not known or neither explains it (resources, spread, claims: the scheduler's reasons).
 */
function placementOf(x: Ctx, pod: Resource, owner: Owner): Placement | undefined {
  const nodes = x.index.ofKind('Node');
  if (!nodes.length || unreadOf(x.opts, ['Node'], null).length) return undefined;
  const req = nodeRequirements(pod);
  const eligible = req ? nodes.filter((node) => meetsRequirements(req, node)) : nodes;
  const evidence: Evidence[] = [];
  const where = owner.resource === pod ? `pod ${pod.name}` : owner.kubectl;
  if (req && eligible.length === 0) {
    const all = [...req.selector, ...req.terms.flat()];
    // The requirements no node meets at all; else no node meets them together.
    const unmet = all.filter((r) => !nodes.some((node) => r.matches(node)));
    const named = (unmet.length ? unmet : all).slice(0, 4);
    for (const r of named) evidence.push(st(pod, ['spec', req.selector.includes(r) ? 'nodeSelector' : 'affinity'], `requires ${r.text}: ${nodes.some((node) => r.matches(node)) ? `met by ${nodes.filter((node) => r.matches(node)).map((node) => node.name).join(', ')}` : 'no node meets it'}`, x.index, 'spec'));
    const others = (r: NodeRequirement): string => {
      if (!r.key) return '';
      const values = new Map<string, string[]>();
      for (const node of nodes) {
        const v = labelsOf(node)[r.key];
        if (v !== undefined) values.set(v, [...(values.get(v) ?? []), node.name]);
      }
      return values.size ? `the nodes have ${r.key}=${[...values].map(([v, ns]) => `${v} (${ns.join(', ')})`).join(', ')}` : `no node has the label ${r.key} at all`;
    };
    const detail = named.map((r) => `${r.text}: ${others(r) || 'no node meets it'}`).join('; ');
    evidence.push({ source: 'nodes', object: null, field: null, text: `${nodes.length} node${nodes.length === 1 ? '' : 's'} in the cluster: ${nodes.slice(0, 6).map((node) => node.name).join(', ')}${nodes.length > 6 ? ', ...' : ''}` });
    const sel = req.selector.filter((r) => unmet.includes(r) || !unmet.length);
    const alt = sel.map((r) => {
      const values = [...new Set(nodes.map((node) => labelsOf(node)[r.key!]).filter((v): v is string => v !== undefined))];
      return `  ${r.key}: ${values.length === 1 ? `${values[0]}   # was ${r.value}` : `${r.value}   # ${values.length ? `values nodes have: ${values.join(', ')}` : 'no node has this label: label the nodes, or drop it'}`}`;
    });
    return {
      cause: `no node meets the pod's ${req.selector.length && !req.terms.length ? 'nodeSelector' : req.terms.length && !req.selector.length ? 'required node affinity' : 'nodeSelector and required node affinity'} (${named.map((r) => r.text).join(', ')}): ${detail}`,
      evidence,
      fix: {
        text: `Either label the nodes that should run it (kubectl label node NAME ${named.map((r) => (r.value !== undefined ? `${r.key}=${r.value}` : r.text)).join(' ')}) or change ${where}'s ${sel.length ? 'nodeSelector' : 'node affinity'} to labels nodes have.`,
        commands: [`kubectl get nodes${[...new Set(named.map((r) => r.key).filter(Boolean))].map((k) => ` -L ${k}`).join('')}`],
        yaml: alt.length ? `nodeSelector:\n${alt.join('\n')}` : null,
        prevent: [prevention(null, 'node labels are cluster state: no manifest check can see them; keep nodeSelectors in step with the node pools that exist')],
      },
    };
  }
  const blocked = eligible.map((node) => ({ node, taints: blockingTaints(pod, node), cordoned: get(node.object, ['spec', 'unschedulable']) === true }));
  if (!blocked.length || blocked.some((b) => b.taints.length === 0 && !b.cordoned)) return undefined;
  if (blocked.every((b) => b.taints.length === 0)) return undefined;
  const selText = req ? [...req.selector, ...req.terms.flat()].map((r) => r.text).join(', ') : '';
  for (const b of blocked.slice(0, 4)) {
    const labels = req ? `meets ${selText}; ` : '';
    evidence.push(st(b.node, ['spec', 'taints'], `${labels}${b.taints.length ? `taint${b.taints.length === 1 ? '' : 's'} ${b.taints.map(taintText).join(', ')}, not tolerated by the pod` : 'no untolerated taint'}${b.cordoned ? '; cordoned (spec.unschedulable)' : ''}`, x.index, 'spec'));
  }
  const tols = getArray(pod.object, ['spec', 'tolerations']);
  evidence.push(st(pod, ['spec', 'tolerations'], tols.length ? `tolerations: ${tols.map((t) => `${getString(t, ['key']) || '*'}${getString(t, ['operator']) === 'Exists' ? ' Exists' : `=${getString(t, ['value']) ?? ''}`}${getString(t, ['effect']) ? `:${getString(t, ['effect'])}` : ''}`).join(', ')}` : 'no tolerations', x.index, 'spec'));
  const user = [...new Map(blocked.flatMap((b) => b.taints.filter((t) => !conditionTaint(t))).map((t) => [taintText(t), t])).values()];
  const cond = blocked.filter((b) => b.taints.some(conditionTaint));
  const onNodes = blocked.map((b) => `${b.node.name} (${[...b.taints.map(taintText), ...(b.cordoned ? ['cordoned'] : [])].join(', ')})`).join('; ');
  const scope = req ? `the ${blocked.length === 1 ? 'only node' : `${blocked.length} nodes`} that meet${blocked.length === 1 ? 's' : ''} its ${req.selector.length ? 'nodeSelector' : 'node affinity'} ${selText}` : `every node`;
  const condText = cond.length ? `; ${cond.map((b) => b.node.name).join(', ')} ${cond.length === 1 ? 'is' : 'are'} tainted for ${cond.length === 1 ? 'its' : 'their'} condition (${[...new Set(cond.flatMap((b) => b.taints.filter(conditionTaint).map((t) => t.key.replace(/^node\.(cloudprovider\.)?kubernetes\.io\//, ''))))].join(', ')}): ${cond.length === 1 ? 'that node' : 'those nodes'} must recover, a toleration is not the fix` : '';
  if (user.length) {
    return {
      cause: `${scope} carr${blocked.length === 1 ? 'ies' : 'y'} a taint the pod does not tolerate: ${onNodes}${condText}. The pod is meant for ${blocked.length === 1 ? 'that node' : 'those nodes'}${req ? ' (its selector says so)' : ''} but lacks the toleration`,
      evidence,
      fix: {
        text: `Add a toleration for ${user.map(taintText).join(' and ')} to ${where}'s pod template (if the pod belongs there), or remove the taint from the node${blocked.length === 1 ? '' : 's'} (kubectl taint nodes ${blocked[0].node.name} ${taintText(user[0])}-).`,
        commands: [`kubectl get nodes ${blocked.slice(0, 4).map((b) => b.node.name).join(' ')} -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints`],
        yaml: tolerationYaml(user),
        prevent: [prevention(null, 'taints are cluster state: no manifest check can see them; ship the toleration with workloads meant for tainted node pools')],
      },
    };
  }
  return {
    cause: `${scope} cannot take pods now: ${onNodes}${condText.replace(/^; /, ': ')}`,
    evidence,
    fix: {
      text: `Bring the node${cond.length === 1 ? '' : 's'} back (kubelet, network, disk), or let the pod run on other nodes${req ? ` (its ${req.selector.length ? 'nodeSelector' : 'node affinity'} ${selText} allows only ${blocked.map((b) => b.node.name).join(', ')})` : ''}.`,
      commands: blocked.slice(0, 3).map((b) => `kubectl describe node ${b.node.name}`),
      yaml: null,
      prevent: [prevention(null, 'node health is cluster state: run replicas on several nodes so one node down is not an outage')],
    },
  };
}

export function schedulingProblems(x: Ctx, pod: Resource): Problem[] {
  const u = unschedulable(x.index, pod);
  if (!u) return [];
  const evidence: Evidence[] = [st(pod, [...u.condition.path, 'reason'], `condition PodScheduled=False (Unschedulable) since ${formatTime(u.condition.since)}`, x.index)];
  if (u.event) evidence.push(ev(u.event, x.index));
  else if (u.condition.message) evidence.push(st(pod, [...u.condition.path, 'message'], `scheduler: "${u.condition.message}"`, x.index));
  const req = podRequests(pod);
  const first = u.analysis.reasons[0];
  // Only nodes the pod could use but for its requests: a NotReady or tainted node's room is no answer.
  const rooms = nodeRoom(x.index).filter((r) => r.schedulable && nodeRefusal(r.node, pod) === null);
  let cause = `the scheduler finds no node for it: ${u.analysis.summary}`;
  if (first?.kind === 'insufficient' && (first.detail === 'memory' || first.detail === 'cpu')) {
    const res = first.detail;
    const asked = res === 'memory' ? formatBytes(req.memory) : formatCpu(req.cpu);
    evidence.push(st(pod, ['spec', 'containers'], `the pod requests ${asked} ${res}`, x.index, 'spec'));
    const frees = rooms.map((r) => ({ node: r.node.name, free: r.free[res], alloc: r.allocatable[res] })).filter((r): r is { node: string; free: number; alloc: number } => r.free !== undefined && r.alloc !== undefined);
    if (frees.length) {
      const top = frees.sort((a, b) => b.free - a.free)[0];
      const fmt = (v: number) => (res === 'memory' ? formatBytes(Math.max(0, v)) : formatCpu(Math.max(0, v)));
      evidence.push({ source: 'nodes', object: null, field: null, text: `most ${res} unrequested on a node the pod may use: ${fmt(top.free)} on ${top.node} (allocatable ${fmt(top.alloc)}), over ${frees.length} node${frees.length === 1 ? '' : 's'} ${sourceWhere(x.index)}` });
      cause = `no node has ${asked} ${res} unrequested (the most is ${fmt(top.free)} on ${top.node}): the pod asks for more than any node has left${frees.every((f) => f.alloc < (res === 'memory' ? req.memory : req.cpu)) ? ', and more than any node has at all' : ''}`;
    } else {
      cause = `no node has ${asked} ${res} unrequested: ${u.analysis.summary}`;
      const only = x.index.podNamespaces;
      if (only && !x.index.nodePods) evidence.push({ source: 'nodes', object: null, field: null, text: `what each node has left unrequested is not computed: only the pods of ${only.length === 1 ? `namespace ${only[0]}` : `namespaces ${only.join(', ')}`} were read (listing every namespace's pods was refused or failed), and other namespaces' pods use the nodes too` });
    }
  }
  if (u.scaleUp) evidence.push(ev(u.scaleUp, x.index));
  if (u.noScaleUp) evidence.push(ev(u.noScaleUp, x.index));
  const owner = ownerOf(x.index, pod);
  const container = getString(getArray(pod.object, ['spec', 'containers'])[0], ['name']) ?? 'app';
  // Selector and taints: checked against the Nodes (the scheduler's reasons come sorted as text, so
  // their order says nothing about which one matters).
  const placed = u.analysis.reasons.some((r) => r.kind === 'taint' || r.kind === 'node-affinity') ? placementOf(x, pod, owner) : undefined;
  if (placed) {
    cause = placed.cause;
    evidence.push(...placed.evidence);
  }
  const fixKind = placed ? undefined : (u.analysis.reasons.find((r) => r.kind === 'insufficient') ?? first)?.kind;
  const f = placed?.fix ?? (fixKind && SCHEDULING_FIX[fixKind]?.({ n: nsFlag(x.index, pod), owner, c: container, pod })) ?? {
    text: 'Read the scheduler\'s reason and change the pod\'s constraints or the cluster so a node fits.',
    commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`],
    yaml: null,
    prevent: [],
  };
  return [
    {
      check: 'pod-pending-unschedulable',
      severity: u.scaleUp ? 'warning' : 'error',
      symptom: `pod Pending: cannot be scheduled (${u.analysis.summary})`,
      object: ref(pod, x.index),
      container: null,
      pods: [pod.name],
      evidence,
      cause: u.scaleUp ? `${cause}; the cluster autoscaler is adding a node, which may resolve it` : cause,
      fix: { text: f.text, commands: f.commands, yaml: f.yaml },
      prevent: confirmed(x, owner.resource, f.prevent),
      logs: null,
    },
  ];
}
