import { defineCheck, type FindingInput } from '../types.js';
import type { FieldPath } from '../../model/types.js';
import { get } from '../../model/util.js';
import { pssContainers, pssRef, q, who } from './pss-util.js';

export const HOST_HANDLERS: FieldPath[] = [];
for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) for (const kind of ['httpGet', 'tcpSocket']) HOST_HANDLERS.push([probe, kind, 'host']);
for (const hook of ['postStart', 'preStop']) for (const kind of ['httpGet', 'tcpSocket']) HOST_HANDLERS.push(['lifecycle', hook, kind, 'host']);

/** Loopback hosts: on a pod that is not on the host network they are the node's, not the pod's (probe-host-loopback). */
export const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export default defineCheck({
  id: 'host-probes',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Probe or lifecycle hook targets another host',
  whatBreaks:
    "Whoever can create the pod makes the node connect to any address it can reach (cloud metadata endpoints, node-local services, other tenants), a server-side request forgery with the node's network position: the kubelet runs httpGet and tcpSocket probes, and httpGet hooks, from the node, to the host they name.",
  details: `PodSecurity **baseline** (policy 1.34+) requires \`.host\` to be unset or empty on \`livenessProbe\`, \`readinessProbe\` and \`startupProbe\` (\`httpGet\` and \`tcpSocket\`) and on \`lifecycle.postStart\`/\`preStop\` handlers, for every container: any other value, loopback addresses included, is rejected (k8s.io/pod-security-admission, check \`hostProbesAndHostLifecycle\`). On a pod that is not on the host network a loopback host also probes the node, not the pod: probe-host-loopback reports that as a lying health check.

A host-networked component that listens only on loopback (an agent whose node IP is firewalled) can use an \`exec\` probe, or run in a namespace whose PodSecurity level is \`privileged\` and be exempted here with that reason.

Without \`.host\` the kubelet targets the pod's own IP, which is what a health check should do. To check a dependency, do it inside the application, not through the kubelet. For virtual-host routing set an HTTP \`Host\` header with \`httpGet.httpHeaders\` instead.`,
  fix: {
    text: 'Remove host from the probe and hook handlers; use httpHeaders with a Host header if the server needs a virtual host name.',
    yaml: `livenessProbe:
  httpGet:
    path: /healthz
    port: 8080
    httpHeaders:
      - name: Host
        value: app.example.com`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of pssContainers(workload!)) {
      const bad: { field: FieldPath; host: string }[] = [];
      for (const f of HOST_HANDLERS) {
        const h = get(c.spec, f);
        if (typeof h === 'string' && h !== '') bad.push({ field: f, host: h });
      }
      if (!bad.length) continue;
      const list = bad.map((b) => `${b.field.join('.')}: ${q(b.host)}`).join(', ');
      out.push({
        message: `${who(c)}: ${list} makes the kubelet connect from the node to that address ${pssRef('baseline', 'Host Probes / Lifecycle Hooks')}`,
        path: [...c.path, ...bad[0].field],
        container: c.name,
      });
    }
    return out;
  },
});
