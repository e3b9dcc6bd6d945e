import { defineCheck, type FindingInput } from '../types.js';
import { probeOf, timing } from './probe-util.js';

export default defineCheck({
  id: 'liveness-failure-threshold-one',
  pillar: 'health',
  severity: 'warning',
  title: 'Liveness probe restarts on a single failure',
  whatBreaks:
    'One slow answer (a GC pause, a CPU-throttled moment, a burst of traffic) makes a single liveness probe time out, and the kubelet immediately kills a container that was healthy, dropping its in-flight requests; under load this hits many replicas at once.',
  details: `With \`failureThreshold: 1\` the first failed liveness probe restarts the container. Probe attempts fail for
transient reasons that say nothing about whether the process is wedged: the default \`timeoutSeconds\` is
1 second, and a stop-the-world GC, CFS throttling under a CPU limit or a full accept queue easily exceed
it. Liveness should restart only a process that stays unresponsive, which takes several consecutive
failures (the default is 3). Readiness probes with \`failureThreshold: 1\` are not flagged: failing
readiness only takes the pod out of rotation briefly. Native sidecars are checked like containers.`,
  fix: {
    text: 'Use failureThreshold of 3 or more on liveness probes; tighten periodSeconds instead if detection is too slow.',
    yaml: `livenessProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: 5
  failureThreshold: 3`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      if (!c.longRunning) continue;
      const probe = probeOf(c, 'livenessProbe');
      if (!probe || probe.failureThreshold !== 1 || timing(probe, 'failureThreshold') !== 1) continue;
      const timeout = timing(probe, 'timeoutSeconds');
      out.push({
        message: `container "${c.name}": livenessProbe.failureThreshold is 1, so a single probe that fails or takes over ${timeout ?? '?'}s restarts the container`,
        path: [...c.path, 'livenessProbe', 'failureThreshold'],
        container: c.name,
      });
    }
    return out;
  },
});
