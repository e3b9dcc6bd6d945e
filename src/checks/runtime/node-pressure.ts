import { defineCheck, type FindingInput, type Resource } from '../types.js';
import { taintsOf } from '../../model/placement.js';
import { nodePressure } from '../../model/runtime.js';
import { formatTime } from '../../model/events.js';
import { quote } from './util.js';

const EFFECT: Record<string, string> = {
  MemoryPressure: 'the kubelet evicts pods, BestEffort ones and those using more than they request first, and the kernel OOM killer may act before it does',
  DiskPressure: 'the kubelet garbage-collects images and evicts pods by their ephemeral storage use',
  PIDPressure: 'the kubelet evicts pods, and new processes may fail to start',
};
const TAINT: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
};

/** What the node's taints say: the node lifecycle controller adds the condition's taint; say whether it is there. */
function taintText(node: Resource, type: string): string {
  const key = TAINT[type];
  const t = taintsOf(node).find((x) => x.key === key);
  return t ? `; it is tainted ${key}:${t.effect}, so no new pod without a toleration lands on it` : `; its taints do not (yet) include ${key}:NoSchedule, which the node lifecycle controller adds to keep new pods off`;
}

export default defineCheck({
  id: 'node-pressure',
  pillar: 'resources',
  severity: 'warning',
  runtime: true,
  title: 'Node under memory, disk or PID pressure',
  whatBreaks:
    'The node is short of memory, disk or process ids: the kubelet evicts pods to recover, no new pods land on it, and the pods that stay run slower or fail.',
  details: `A runtime check (Node \`status\`). Reported for each of a Node's \`MemoryPressure\`, \`DiskPressure\` and
\`PIDPressure\` conditions that is \`True\`, with the condition's message and since when. A node that is
not Ready is reported by \`node-not-ready\`.

Pillar: resources: pods without requests (\`memory-request-missing\`, \`cpu-request-missing\`) or limits
(\`memory-limit-missing\`) let the scheduler pack more onto a node than it can hold; memory-backed
\`emptyDir\` volumes without a \`sizeLimit\` (\`emptydir-memory-no-size-limit\`) and logs filling the disk
are the usual causes of pressure.`,
  fix: {
    text: 'kubectl describe node NAME and kubectl top pod -A --sort-by=memory on it: find the pods using more than they request; set requests and limits from measured usage, sizeLimit on emptyDir volumes, and log rotation.',
    yaml: `containers:
  - name: app
    resources:
      requests:
        memory: 512Mi     # what it uses, so the scheduler does not overpack the node
      limits:
        memory: 512Mi
volumes:
  - name: scratch
    emptyDir:
      sizeLimit: 1Gi`,
  },
  target: 'object',
  kinds: ['Node'],
  run({ resource: node }) {
    const out: FindingInput[] = [];
    for (const c of nodePressure(node)) {
      out.push({
        message: `node is under ${c.type}${c.since !== undefined ? ` since ${formatTime(c.since)}` : ''}${c.message ? ` (${quote(c.message, 200)})` : ''}: ${EFFECT[c.type]}${taintText(node, c.type)}`,
        path: [...c.path, 'status'],
      });
    }
    return out;
  },
});
