import { defineCheck, type FindingInput } from '../types.js';
import { get, getBool } from '../../model/util.js';
import { HOST_HANDLERS, LOOPBACK_HOSTS } from '../security/host-probes.js';

export default defineCheck({
  id: 'probe-host-loopback',
  pillar: 'health',
  severity: 'warning',
  title: 'Probe or hook targets loopback on a pod that is not on the host network',
  whatBreaks:
    "The kubelet runs httpGet and tcpSocket probes from the node's network namespace, so host 127.0.0.1 is the node's loopback, not the pod's: the probe checks whatever listens on that port on the node. It passes while the container is dead, or fails (and restarts a healthy container) because nothing on the node listens there.",
  details: `An \`httpGet\` or \`tcpSocket\` probe, or an \`httpGet\` lifecycle hook, without \`.host\` connects to the pod's IP
(a \`tcpSocket\` lifecycle hook is not run at all: the kubelet does not support it). With
\`host: 127.0.0.1\` (or \`::1\`, \`localhost\`) the kubelet connects to its own loopback instead: on a pod
with \`hostNetwork: true\` that is the pod's loopback too (the pod shares the node's network). On any
other pod it is the node's, and the probe no longer says anything about the container.

Fires for those hosts on pods without \`hostNetwork: true\`. Any host value at all is also a
PodSecurity baseline violation, reported by host-probes. An \`exec\` probe runs inside the container, where
127.0.0.1 is the container's own loopback: use it if the app listens only on loopback.`,
  fix: {
    text: 'Remove host so the kubelet probes the pod IP (make the app listen on it), or use an exec probe if the app listens only on the container\'s loopback.',
    yaml: `readinessProbe:
  httpGet:
    path: /ready
    port: 8080`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    const w = workload!;
    if (getBool(w.podSpec, ['hostNetwork']) === true) return out;
    for (const c of w.containers) {
      for (const f of HOST_HANDLERS) {
        const h = get(c.spec, f);
        if (typeof h !== 'string' || !LOOPBACK_HOSTS.has(h)) continue;
        // The kubelet never runs a tcpSocket lifecycle hook: it connects nowhere.
        if (f[0] === 'lifecycle' && f[2] === 'tcpSocket') continue;
        out.push({
          message: `container "${c.name}": ${f.join('.')}: "${h}" is the node's loopback (the kubelet connects from the node, and this pod is not on the host network): the ${f[0] === 'lifecycle' ? 'hook reaches' : 'probe checks'} whatever listens on the node, not this container`,
          path: [...c.path, ...f],
          container: c.name,
        });
      }
    }
    return out;
  },
});
