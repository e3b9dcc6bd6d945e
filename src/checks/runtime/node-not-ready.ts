import { defineCheck } from '../types.js';
import { nodeReady } from '../../model/runtime.js';
import { describeEvent, eventsFor, formatTime, latestEvent } from '../../model/events.js';
import { getString } from '../../model/util.js';
import { quote } from './util.js';

export default defineCheck({
  id: 'node-not-ready',
  pillar: 'availability',
  severity: 'error',
  runtime: true,
  title: 'Node is not Ready',
  whatBreaks:
    'The node stopped reporting healthy: nothing new is scheduled on it, and after the eviction timeout (five minutes by default) its pods are deleted and rescheduled elsewhere; until then, pods on it may be unreachable, and replicas that all sit on it are all down.',
  details: `A runtime check (Node \`status\`). Reported when a Node's \`Ready\` condition is \`False\` or \`Unknown\`
(the kubelet stopped posting status: network partition, kubelet or container runtime down, the
machine gone). The message gives the status, reason and message of the condition, when it changed,
the last heartbeat, and the latest Warning event about the node (events the kubelet reports name the
node in their uid field; both forms are matched).

Pillar: availability: replicas spread across nodes and zones (\`no-pod-anti-affinity\`,
\`no-zone-spread\`) and PodDisruptionBudgets (\`pdb-missing\`) are what keep one node from taking a
service down.`,
  fix: {
    text: 'kubectl describe node NAME; check the kubelet and container runtime on the machine (systemctl status kubelet, journalctl -u kubelet), its network and disk; cordon and drain it if it does not recover, or replace it.',
    yaml: `# spread replicas so one node cannot take them all
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels: {app.kubernetes.io/name: web}`,
  },
  target: 'object',
  kinds: ['Node'],
  uses: ['Event'],
  run({ resource: node, index }) {
    const c = nodeReady(node);
    if (!c || c.status === 'True') return [];
    const cond = (node.object.status as Record<string, unknown> | undefined)?.conditions;
    const heartbeat = Array.isArray(cond) ? getString(cond[c.path[2] as number], ['lastHeartbeatTime']) : undefined;
    const w = latestEvent(eventsFor(index, node), (e) => e.type === 'Warning' || e.reason === 'NodeNotReady');
    const state = c.status === 'Unknown' ? 'Ready=Unknown (the kubelet stopped reporting)' : 'Ready=False';
    return [
      {
        message: `node is NotReady: ${state}${c.reason ? `, reason ${c.reason}` : ''}${c.message ? ` ${quote(c.message, 200)}` : ''}${c.since !== undefined ? `, since ${formatTime(c.since)}` : ''}${heartbeat ? `, last heartbeat ${heartbeat}` : ''}${w ? `; ${describeEvent(w, 200)}` : ''}: no new pods are scheduled on it and its pods are evicted after the toleration timeout`,
        path: [...c.path, 'status'],
        related: w ? [{ resource: w.resource, path: w.messagePath, note: w.reason }] : [],
      },
    ];
  },
});
