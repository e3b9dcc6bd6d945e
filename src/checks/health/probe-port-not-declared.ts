import { isValidPortName } from '../../model/ports.js';
import { isTemplated } from '../../model/util.js';
import { defineCheck, type FindingInput } from '../types.js';
import { declaredPorts, handlerHost, neverRuns, PROBE_KINDS, probeOf, singleHandler, showPort } from './probe-util.js';

export default defineCheck({
  id: 'probe-port-not-declared',
  pillar: 'health',
  severity: 'error',
  title: 'Probe targets a port the container does not declare',
  whatBreaks:
    'A probe that names a port the container does not declare can never run: the kubelet cannot resolve the name, so every attempt ends in a prober error that the kubelet records as an event and discards. A readiness probe never passes (the pod stays out of every Service), a startup probe never passes (the pod never becomes Ready), and a liveness probe never fails: a hung container is never restarted.',
  details: `A probe's \`port\` (httpGet, tcpSocket) is an IntOrString:

- **A name** (\`port: http\`) is looked up in **this container's** \`ports[].name\`, and only there: a
  name declared by another container of the pod does not count. When the name is missing every attempt
  errors with "port ... not found" and the kubelet discards the result (error): readiness never passes,
  and liveness is silently switched off.
- **A quoted number** (\`port: "8080"\`) is a string, so Kubernetes reads it as a port *name*. Port
  names must contain a letter, so the API server rejects the object (error). Write the number unquoted.
- **A number** that is not in \`ports\` is legal: \`containerPort\` is informational and the probe
  connects to the pod IP on that port whatever is declared (for instance a management port). It is
  reported only as \`info\`, and only when the container declares other ports, as a hint to check
  for a typo.
- **gRPC probes** take a number only; a string is rejected.

Probes that set \`host\` target another address and are skipped. Init containers cannot have probes
(see \`probe-on-init-container\`).`,
  fix: {
    text: 'Declare the named port on the same container (or use the name it actually declares), and write numeric ports unquoted.',
    yaml: `containers:
  - name: app
    ports:
      - name: http
        containerPort: 8080
    livenessProbe:
      httpGet:
        path: /livez
        port: http       # must match ports[].name of this container`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    if (!workload) return out;
    for (const c of workload.containers) {
      if (!c.longRunning) continue;
      const ports = declaredPorts(c);
      for (const kind of PROBE_KINDS) {
        const probe = probeOf(c, kind);
        if (!probe) continue;
        const h = singleHandler(probe);
        if (!h || h.type === 'exec') continue;
        if (handlerHost(h.spec)) continue;
        const port = h.spec.port;
        if (isTemplated(port)) continue;
        const path = [...c.path, kind, h.type, 'port'];
        const where = `${kind} ${h.type}.port`;
        if (h.type === 'grpc') {
          if (typeof port === 'string') {
            out.push({
              message: `container "${c.name}": ${where} is the string ${showPort(port)}, but a gRPC probe port must be a number; the API server rejects it`,
              path,
              container: c.name,
            });
            continue;
          }
        }
        if (typeof port === 'string') {
          if (ports.some((p) => p.name === port)) continue;
          let message: string;
          if (/^[0-9]+$/.test(port)) {
            message = `container "${c.name}": ${where} is the quoted string ${showPort(port)}, which Kubernetes reads as a port name, not a number; the API server rejects it (a port name must contain a letter). Write ${port} unquoted`;
          } else if (!isValidPortName(port)) {
            message = `container "${c.name}": ${where} ${showPort(port)} is not a valid port name (1-15 lowercase letters, digits and '-'), so the API server rejects it`;
          } else {
            const other = workload.containers.find((o) => o !== c && declaredPorts(o).some((p) => p.name === port));
            const names = ports.map((p) => p.name).filter((n): n is string => !!n);
            const declared = names.length ? `it declares ${names.map((n) => `"${n}"`).join(', ')}` : 'it declares no named ports';
            message = other
              ? `container "${c.name}": ${where} names port ${showPort(port)}, which only container "${other.name}" declares; the kubelet resolves names in the probe's own container, so ${neverRuns(kind)}`
              : `container "${c.name}": ${where} names port ${showPort(port)}, which the container does not declare (${declared}); the kubelet cannot resolve it: ${neverRuns(kind)}`;
          }
          out.push({ message, path, container: c.name });
          continue;
        }
        if (typeof port === 'number') {
          const numbers = ports.map((p) => p.containerPort).filter((n): n is number => n !== undefined);
          if (numbers.length === 0 || numbers.includes(port)) continue;
          // Containers of a pod share one network: a port another container declares is that
          // container's, so the probe checks the neighbour, and a liveness failure restarts this one.
          const owner = workload.containers.find((o) => o !== c && declaredPorts(o).some((p) => p.containerPort === port));
          out.push({
            message: owner
              ? `container "${c.name}": ${where} ${port} is a port container "${owner.name}" declares, not this one (${numbers.join(', ')}): the pod shares one network, so "${owner.name}" answers the probe${kind === 'livenessProbe' ? `, and when it does not, the kubelet restarts "${c.name}"` : ''}; right when that endpoint checks "${c.name}" (a health proxy), else probe a port of "${c.name}"`
              : `container "${c.name}": ${where} ${port} is not among its declared ports (${numbers.join(', ')}); legal, since containerPort is informational, but check that the app listens on ${port}`,
            path,
            container: c.name,
            severity: 'info',
          });
        }
      }
    }
    return out;
  },
});
