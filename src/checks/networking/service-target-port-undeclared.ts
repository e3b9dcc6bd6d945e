import { defineCheck, type FindingInput, type RelatedInput, type Workload } from '../types.js';
import { commandWords, literalEnv } from '../../model/util.js';
import { podPorts, selectedWorkloads, servicePorts, showContainerPort, showObject, showServicePort, type ContainerPort } from './service-util.js';

/**
 * Envoy-based proxies and gateways (Istio gateways, Envoy Gateway, Contour): their listeners come
 * from configuration objects, not from declared container ports.
 */
/** Per workload: every Service over it asks (workloads are never mutated). */
const proxyCache = new WeakMap<Workload, boolean>();

function isProxy(w: Workload): boolean {
  let r = proxyCache.get(w);
  if (r === undefined) proxyCache.set(w, (r = hasProxy(w)));
  return r;
}

function hasProxy(w: Workload): boolean {
  return w.containers.some((c) => c.name === 'istio-proxy' || (typeof c.spec.image === 'string' && /envoy|proxyv2/i.test(c.spec.image)));
}

/** Does a long-running container mention this number in its command, args or literal env (`--metrics-bind-address=:8443`)? */
function mentions(w: Workload, n: number): boolean {
  const re = new RegExp(`(^|[^0-9])${n}([^0-9]|$)`);
  return w.containers.some((c) => c.longRunning && (commandWords(c.spec).some((x) => re.test(x)) || literalEnv(c.spec).some((e) => re.test(e.value))));
}

export default defineCheck({
  id: 'service-target-port-undeclared',
  pillar: 'networking',
  severity: 'warning',
  title: 'Service targets a port number the pods do not declare',
  whatBreaks:
    'The Service forwards to a port that none of the selected containers lists: when nothing listens there (a port changed on one side only, a Service copied from another app), every connection through this Service port is refused although the pods are Ready.',
  details: `A numeric \`targetPort\` (or \`port\` when \`targetPort\` is unset) is used as is: kube-proxy sends
the traffic to that port on the pod IP whether or not a container declares it. Declaring
\`containerPort\` is informational; a process may listen on a port it does not declare, so this is a
warning, not an error: it says the manifests disagree, which is usually a port changed on one side
only.

Reported for a Service port when every workload the Service selects in the input (same namespace,
deployed together) declares container ports in its long-running containers (regular containers and
native sidecars), none of them declares the target number, and each makes its listening port plain:
it declares a port with the same name as the Service port (under another number), or exactly one
port. Not reported:
- when a selected workload declares no ports at all (nothing to compare with), or a \`containerPort\`
  is unrendered template text;
- when a workload declares several ports, none named like the Service port: multi-port servers often
  listen on more than they declare (a gRPC port beside HTTP, a TLS variant);
- when a container's command, args or literal env mention the number (\`--metrics-bind-address=:8443\`);
- for Envoy-based proxies and gateways (\`istio-proxy\`, Envoy images), whose listeners come from
  configuration objects;
- for Services without a selector, or when no selected workload is in the input.

Named target ports that no container declares are \`service-target-port-unresolved\` (an error: a
name cannot resolve without the declaration).`,
  fix: {
    text: 'Point targetPort at the port the container listens on, preferably by name, and declare it in the container.',
    yaml: `# Service
spec:
  ports:
    - port: 80
      targetPort: http
---
# Deployment container
ports:
  - name: http
    containerPort: 8080`,
  },
  target: 'object',
  kinds: ['Service'],
  run({ resource: svc, index }) {
    const out: FindingInput[] = [];
    const backends = selectedWorkloads(index, svc);
    if (backends.length === 0) return out;
    const declared = backends.map((w) => ({ w, ...podPorts(w) }));
    // A workload that declares nothing (or something unreadable) may be the one listening.
    if (declared.some((d) => !d.evaluable || d.ports.length === 0)) return out;
    if (backends.some(isProxy)) return out;
    for (const p of servicePorts(svc)) {
      if (typeof p.target !== 'number') continue;
      const target = p.target;
      if (declared.some((d) => d.ports.some((c) => c.number === target))) continue;
      if (backends.some((w) => mentions(w, target))) continue;
      // Only when each workload makes its listening port plain: a port of the same name as the
      // Service port (with another number), or a single declared port. Servers declaring several
      // ports often listen on more (a gRPC port next to HTTP, a TLS variant).
      const sameName = (c: ContainerPort) => p.name !== undefined && c.name === p.name;
      if (!declared.every((d) => d.ports.length === 1 || d.ports.some(sameName))) continue;
      const related: RelatedInput[] = [];
      const which = declared
        .map((d) => {
          const byContainer = new Map<string, string[]>();
          for (const c of d.ports) {
            let l = byContainer.get(c.container.name);
            if (!l) {
              byContainer.set(c.container.name, (l = []));
              related.push({ resource: d.w.resource, path: [...c.container.path, 'ports'], note: `container "${c.container.name}" ports` });
            }
            l.push(showContainerPort(c));
          }
          return `${showObject(d.w.resource)} (${[...byContainer].map(([n, l]) => `container "${n}": ${l.join(', ')}`).join('; ')})`;
        })
        .join(', ');
      const what =
        p.targetPath[p.targetPath.length - 1] === 'port'
          ? `${showServicePort(p)} has no targetPort, so it targets pod port ${target}, which is not a containerPort of`
          : `targetPort ${target} of ${showServicePort(p)} is not a containerPort of`;
      out.push({
        message: `${what} ${which}: unless a process listens on ${target} without declaring it, connections through this Service port are refused`,
        path: p.targetPath,
        related,
      });
    }
    return out;
  },
});
