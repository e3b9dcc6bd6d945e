import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef, JsonObject } from '../../model/types.js';
import { getArray, getString, isObject } from '../../model/util.js';
import { describeHandler, execCommand, failureBudget, probeOf, probeSnippet, resolvePort, singleHandler, type HandlerType } from './probe-util.js';

/** A canonical key for what a handler checks, or undefined when it cannot be read. */
function handlerKey(c: ContainerRef, type: HandlerType, h: JsonObject): string | undefined {
  const port = (): string | undefined => {
    const resolved = resolvePort(c, h.port);
    if (resolved !== undefined) return String(resolved);
    return typeof h.port === 'string' ? `name:${h.port}` : undefined;
  };
  switch (type) {
    case 'httpGet': {
      const p = port();
      if (p === undefined) return undefined;
      const headers = getArray(h, ['httpHeaders'])
        .filter(isObject)
        .map((x) => `${String(x.name ?? '').toLowerCase()}=${String(x.value ?? '')}`)
        .sort();
      const scheme = (getString(h, ['scheme']) ?? 'HTTP').toUpperCase();
      return JSON.stringify(['http', scheme, getString(h, ['host']) ?? '', getString(h, ['path']) || '/', p, headers]);
    }
    case 'tcpSocket': {
      const p = port();
      return p === undefined ? undefined : JSON.stringify(['tcp', getString(h, ['host']) ?? '', p]);
    }
    case 'grpc': {
      const p = port();
      return p === undefined ? undefined : JSON.stringify(['grpc', p, getString(h, ['service']) ?? '']);
    }
    case 'exec': {
      const cmd = execCommand(h);
      return cmd && cmd.length > 0 ? JSON.stringify(['exec', cmd]) : undefined;
    }
  }
}

export default defineCheck({
  id: 'liveness-equals-readiness',
  pillar: 'health',
  severity: 'warning',
  title: 'Liveness and readiness probes check the same thing',
  whatBreaks:
    'When the shared check fails (a database blip, a slow downstream, a traffic spike that makes the endpoint time out), the pods are not just taken out of rotation: the kubelet restarts all of them at about the same moment, turning a brief degradation into a full outage and a cold-start stampede.',
  details: `Readiness and liveness answer different questions. Readiness: "should this pod get traffic right now?"
(may depend on critical dependencies and load). Liveness: "is this process beyond recovery?" (must
depend on nothing outside the process). When both probes run the same handler, either readiness is
too shallow to be useful or liveness is too deep and will restart healthy processes when a shared
dependency hiccups or when the endpoint slows under load.

Handlers are compared, not timing fields: the same HTTP scheme, host, path, port and headers, the same
TCP port, the same gRPC port and service, or the same exec command. Named ports are resolved against
the container's ports, so \`port: http\` and \`port: 8080\` match when \`http\` is 8080. When liveness has
the larger failure budget (failureThreshold x periodSeconds: a higher failureThreshold, the pattern the
Kubernetes documentation describes for a shared cheap endpoint), a failure first takes the pod out of
rotation and restarts it only if it lasts: reported as **info**, with both times, because a dependency
outage longer than the liveness budget still restarts every replica. With an equal or smaller liveness
budget it is a **warning**: the restart comes no later than the removal from rotation.

It is acceptable for a trivial TCP check on a process with no dependencies: two \`tcpSocket\` probes of the
container's own port (no \`host\`) are reported as **info**, since a TCP connect fails only when the process
stops accepting connections; a separate cheap liveness endpoint (\`/livez\`) is still better, as it also
catches a process that accepts connections but hangs.`,
  fix: {
    text: 'Point liveness at a cheap endpoint that only proves the process is responsive, and keep dependency checks in readiness.',
    yaml: `containers:
  - name: app
    livenessProbe:
      httpGet:
        path: /livez      # process only
        port: http
      failureThreshold: 3
    readinessProbe:
      httpGet:
        path: /readyz     # may include dependencies
        port: http`,
    place: { at: 'container', snippet: 'livenessProbe:   # instead of the copy of the readiness check\n  httpGet: null\n  tcpSocket:\n    port: 8080   # the port it listens on\n  failureThreshold: 3' },
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      if (!c.longRunning) continue;
      const live = probeOf(c, 'livenessProbe');
      const ready = probeOf(c, 'readinessProbe');
      if (!live || !ready) continue;
      const lh = singleHandler(live);
      const rh = singleHandler(ready);
      if (!lh || !rh || lh.type !== rh.type) continue;
      const lk = handlerKey(c, lh.type, lh.spec);
      if (lk === undefined || lk !== handlerKey(c, rh.type, rh.spec)) continue;
      // Liveness as a TCP connect to the port the shared check uses (or the container's own): it only
      // fails when the process stops answering; readiness keeps the check as it is.
      const shared = (lh.type === 'httpGet' || lh.type === 'tcpSocket') && (typeof lh.spec.port === 'number' || typeof lh.spec.port === 'string') ? lh.spec.port : undefined;
      // Both a TCP connect already: a process-only HTTP endpoint also catches a process that accepts but hangs.
      // `<old handler>: null` removes the shared handler when the snippet is merged (kubectl patch) and
      // reads as unset in a manifest: a probe with two handlers is rejected.
      const fixSnippet = lh.type === 'tcpSocket'
        ? `livenessProbe:   # instead of the copy of the readiness check\n  tcpSocket: null\n  httpGet:\n    path: /livez   # an endpoint that checks the process only, never its dependencies\n    port: ${typeof shared === 'string' && !/^[0-9]/.test(shared) ? shared : JSON.stringify(shared ?? 8080)}\n  failureThreshold: 3`
        : probeSnippet(c, 'livenessProbe', shared).replace('livenessProbe:', `livenessProbe:   # instead of the copy of the readiness check\n  ${lh.type}: null`).replace('\n  periodSeconds: 10', '');
      const what = `container "${c.name}": livenessProbe and readinessProbe run the same check (${describeHandler(lh.type, lh.spec)})`;
      const liveAfter = failureBudget(live);
      const readyAfter = failureBudget(ready);
      if (liveAfter !== undefined && readyAfter !== undefined && liveAfter > readyAfter) {
        // The pattern the Kubernetes documentation describes: out of rotation first, restarted only if it lasts.
        out.push({
          message: `${what}, liveness with the larger failure budget: a failure takes the pod out of rotation after about ${readyAfter} s and restarts it after about ${liveAfter} s, so a failure of the shared check that outlasts ${liveAfter} s (a dependency outage) restarts every replica`,
          path: [...c.path, 'livenessProbe', lh.type],
          container: c.name,
          severity: 'info',
          fixSnippet,
        });
        continue;
      }
      // A TCP connect to the container's own port depends on nothing outside the process: sharing
      // it is the acceptable case the details describe (info, said as such).
      const tcpOwn = lh.type === 'tcpSocket' && (lh.spec.host === undefined || lh.spec.host === '');
      out.push({
        message: tcpOwn
          ? `${what}: a TCP connect to its own port, which only fails when the process stops accepting connections, so restarting on it is sound; a separate liveness check (an HTTP /livez) would also catch a process that accepts but hangs`
          : `${what}${liveAfter !== undefined && readyAfter !== undefined ? ` and liveness gives up ${liveAfter === readyAfter ? `as soon as readiness (about ${liveAfter} s)` : `first (about ${liveAfter} s, readiness ${readyAfter} s)`}` : ''}: a pod where it fails is restarted instead of only being taken out of rotation, and when it fails for a reason all replicas share (a dependency outage, load) every replica is restarted at once`,
        path: [...c.path, 'livenessProbe', lh.type],
        container: c.name,
        fixSnippet,
        ...(tcpOwn ? { severity: 'info' as const } : {}),
      });
    }
    return out;
  },
});
