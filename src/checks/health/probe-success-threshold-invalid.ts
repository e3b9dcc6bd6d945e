import { defineCheck, type FindingInput } from '../types.js';
import { probeOf } from './probe-util.js';

export default defineCheck({
  id: 'probe-success-threshold-invalid',
  pillar: 'health',
  severity: 'error',
  title: 'Liveness or startup probe has successThreshold other than 1',
  whatBreaks:
    'The API server rejects the object ("must be 1"), so the apply fails and the rollout never happens; in a GitOps pipeline the whole sync is stuck on this resource.',
  details: `For liveness and startup probes Kubernetes requires \`successThreshold: 1\` (a single success is what
"alive" and "started" mean). Only readiness probes may require several consecutive successes.
\`0\` and unset are defaulted to 1 and are fine. Applies to regular containers and native sidecars
(plain init containers cannot have probes at all; see \`probe-on-init-container\`).`,
  fix: {
    text: 'Remove successThreshold from the liveness/startup probe (or set it to 1); use it on the readiness probe if you need several successes before traffic.',
    yaml: `livenessProbe:
  httpGet:
    path: /livez
    port: http
  successThreshold: 1
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  successThreshold: 2`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      if (!c.longRunning) continue;
      for (const kind of ['livenessProbe', 'startupProbe'] as const) {
        const probe = probeOf(c, kind);
        const v = probe?.successThreshold;
        if (typeof v !== 'number' || v === 0 || v === 1) continue;
        out.push({
          message: `container "${c.name}": ${kind}.successThreshold is ${v}; the API server rejects any value but 1 for ${kind === 'livenessProbe' ? 'liveness' : 'startup'} probes`,
          path: [...c.path, kind, 'successThreshold'],
          container: c.name,
        });
      }
    }
    return out;
  },
});
