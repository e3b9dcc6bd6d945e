import { defineCheck, type FindingInput } from '../types.js';
import { getString, isObject, stringMap } from '../../model/util.js';
import { mountsOf, volumesByName } from './volumes.js';

/** Host paths that are node integration (devices, sockets, runtime, logs, config), not app data. */
const NODE_PATHS = ['/dev', '/sys', '/proc', '/run', '/var/run', '/tmp', '/etc', '/usr', '/lib', '/lib64', '/bin', '/sbin', '/boot', '/var/log', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/opt/cni', '/var/lib/cni'];
/** The node's root filesystem and its top system folders as a whole (not what lies below /var/lib). */
const NODE_ROOTS = new Set(['/', '/var', '/var/lib']);
const NON_DATA_TYPES = new Set(['Socket', 'CharDevice', 'BlockDevice']);

function isNodePath(p: string): boolean {
  const norm = p.replace(/\/+$/, '') || '/';
  if (norm.endsWith('.sock') || NODE_ROOTS.has(norm)) return true;
  return NODE_PATHS.some((n) => norm === n || norm.startsWith(`${n}/`));
}

export default defineCheck({
  id: 'host-path-data',
  pillar: 'storage',
  severity: 'warning',
  title: 'Replicated workload writes data to a hostPath volume',
  whatBreaks:
    'Data written to a hostPath stays on the node where the pod happened to run. When the pod is rescheduled (drain, node failure, autoscaler scale-down) it starts on another node with an empty or stale directory, and the old data is lost with the node.',
  details: `Reported for \`service\`-class workloads (Deployments, StatefulSets, ReplicaSets, Rollouts, ...) whose containers mount a \`hostPath\` volume without \`readOnly: true\`. Nothing ties such a pod to the node that holds its data, and replicas on different nodes see different data.

Not reported: DaemonSets (node agents by design), read-only mounts, and host paths that are node integration rather than app data: devices and sockets (\`type: Socket\`, \`CharDevice\`, \`BlockDevice\`, \`*.sock\`), \`/dev\`, \`/sys\`, \`/proc\`, \`/run\`, \`/var/run\`, \`/tmp\`, \`/etc\`, \`/usr\`, \`/lib\`, \`/bin\`, \`/sbin\`, \`/var/log\`, the node's root filesystem as a whole (\`/\`, \`/var\`, \`/var/lib\`: a node agent's view of the host, which host-path-volume reports), the CNI plugin directories (\`/opt/cni\`, \`/var/lib/cni\`) and the container runtime and kubelet directories (the security checks look at those).

Pinning the pod to one node (\`nodeName\`, a hostname \`nodeSelector\`) keeps the data across restarts but makes that node a single point of failure. A \`local\` PersistentVolume with node affinity says the same thing explicitly and lets the scheduler honour it.`,
  fix: {
    text: 'Use a PersistentVolumeClaim (a StatefulSet volumeClaimTemplate for per-replica data), or a local PersistentVolume if the data must stay on node disks.',
    yaml: `spec:
  template:
    spec:
      containers:
        - name: app
          volumeMounts:
            - name: data
              mountPath: /var/lib/app
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: app-data`,
  },
  target: 'workload',
  classes: ['service'],
  run({ workload }) {
    const w = workload!;
    const volumes = volumesByName(w);
    const pinnedTo = getString(w.podSpec, ['nodeName']) ?? stringMap(w.podSpec.nodeSelector)['kubernetes.io/hostname'];
    const out: FindingInput[] = [];
    for (const c of w.containers) {
      for (const m of mountsOf(c.spec)) {
        if (m.readOnly) continue;
        const v = volumes.get(m.name);
        const hp = v && isObject(v.hostPath) ? v.hostPath : undefined;
        if (!hp) continue;
        const hostPath = getString(hp, ['path']);
        if (!hostPath || isNodePath(hostPath)) continue;
        const type = getString(hp, ['type']);
        if (type && NON_DATA_TYPES.has(type)) continue;
        const consequence = pinnedTo
          ? `the pod is pinned to node "${pinnedTo}", so the data survives restarts but not the loss of that node, and the workload cannot move`
          : 'the data stays on whichever node the pod ran on; after a reschedule the pod finds an empty or stale directory on another node';
        out.push({
          message: `container "${c.name}" writes to hostPath ${hostPath} (volume "${m.name}"${m.mountPath ? ` at ${m.mountPath}` : ''}): ${consequence}`,
          path: [...c.path, 'volumeMounts', m.index],
          container: c.name,
        });
      }
    }
    return out;
  },
});
