import { defineCheck, type FindingInput } from '../types.js';
import { pssRef } from './pss-util.js';
import { getArray, isObject } from '../../model/util.js';
import type { Workload } from '../../model/types.js';

const REF = pssRef('baseline', 'Host Namespaces');

const WHAT: Record<string, string> = {
  hostNetwork:
    "puts the pod on the node's network stack: it can bind any node port, reach services that listen only on the node's localhost (kubelet, cloud metadata proxies) and see all traffic of the node; NetworkPolicies no longer apply to it",
  hostPID:
    "shares the node's process namespace: the pod sees every process on the node and its command line (credentials in flags included), reads the environment of processes running as its own user, and as root can kill any of them (CAP_KILL is in the runtime's default capabilities); with CAP_SYS_PTRACE added it can read the memory and environment of all of them",
  hostIPC: "shares the node's IPC namespace: the pod can read and write the shared memory and message queues of every process on the node",
};

/** The distinct containerPorts the pod's containers (init and sidecar included) declare, in order. */
function declaredPorts(w: Workload): number[] {
  const seen = new Set<number>();
  for (const c of w.containers) {
    for (const p of getArray(c.spec, ['ports'])) {
      if (isObject(p) && typeof p.containerPort === 'number' && p.containerPort > 0) seen.add(p.containerPort);
    }
  }
  return [...seen];
}

export default defineCheck({
  id: 'host-namespaces',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Pod shares a host namespace',
  whatBreaks:
    "With hostNetwork, hostPID or hostIPC the pod leaves its own namespace and shares the node's: a compromised container can sniff node traffic, reach node-local services, read other processes' secrets from /proc or their shared memory.",
  details: `PodSecurity **baseline** requires \`spec.hostNetwork\`, \`spec.hostPID\` and \`spec.hostIPC\` to be unset or \`false\`.

- **hostNetwork**: the pod uses the node's IP and interfaces. NetworkPolicies do not isolate host-network pods, and ports collide between replicas on the same node.
- **hostPID**: every process of the node and its command line (\`/proc/<pid>/cmdline\`, credentials passed as flags included) become visible, and the environment (\`/proc/<pid>/environ\`) of processes running as the pod's own user; root in the pod can \`kill\` any of them (CAP_KILL is in the container runtime's default capabilities). Reading the environment or memory of processes with capabilities the pod lacks (the node's root daemons) takes CAP_SYS_PTRACE: the kernel's ptrace access check (commoncap \`cap_ptrace_access_check\`) refuses otherwise.
- **hostIPC**: shared memory segments (\`/dev/shm\`, SysV IPC) of the node's processes become reachable.

Legitimate users are node agents (CNI plugins, node exporters, kube-proxy). Run them in a namespace with \`pod-security.kubernetes.io/enforce: privileged\` and exempt them here with a reason.`,
  fix: {
    text: 'Remove hostNetwork, hostPID and hostIPC (or set them to false). To expose the pod on a node port, use a Service of type NodePort or LoadBalancer instead of hostNetwork.',
    yaml: `spec:
  template:
    spec:
      hostNetwork: false
      hostPID: false
      hostIPC: false`,
    place: { at: 'pod-spec', snippet: 'hostNetwork: false\nhostPID: false\nhostIPC: false' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (w.podSpec[field] !== true) continue;
      const ports = field === 'hostNetwork' ? declaredPorts(w) : [];
      const portNote = ports.length
        ? `; its container ports (${ports.join(', ')}) are node ports too: the API server sets each one's hostPort on the Pod, which PodSecurity baseline's Host Ports rejects as well`
        : '';
      out.push({ message: `${field}: true ${WHAT[field]}${portNote} ${REF}`, path: [...w.podSpecPath, field] });
    }
    return out;
  },
});
