import { defineCheck, type FindingInput } from '../types.js';
import { isSet, PROBE_KINDS, probeOf, timing } from './probe-util.js';

export default defineCheck({
  id: 'probe-timeout-not-below-period',
  pillar: 'health',
  severity: 'warning',
  title: 'Probe timeout is not shorter than its period',
  whatBreaks:
    'Against a slow or hung endpoint each probe attempt waits longer than the interval between attempts, so probes run back to back and a failure is detected only after failureThreshold × timeoutSeconds, far later than the configured period suggests; the probe also adds continuous load to an already struggling process.',
  details: `The kubelet runs one probe at a time per container and probe type, every \`periodSeconds\`. When an
attempt takes up to \`timeoutSeconds\` and that is not shorter than the period, the next attempt starts
as soon as the previous one gives up: the effective period becomes the timeout, the endpoint is
hit continuously while it is slow, and the time to detect a failure is governed by the timeout
rather than by the period.

A timeout equal to the period is **info**: the attempts run back to back, but a failure is detected no
later than the period says. Defaults are \`timeoutSeconds: 1\` and \`periodSeconds: 10\`; 0 or unset takes the default. A timeout of 1 s
(the minimum) is never reported, even with \`periodSeconds: 1\`: there is no shorter timeout to set. A timeout
that long usually means the endpoint does too much work (dependency calls) for a probe. Fields that
are not numbers (an unrendered template) are not evaluated.`,
  fix: {
    text: 'Keep timeoutSeconds well below periodSeconds (a probe endpoint should answer in well under a second); raise failureThreshold instead of the timeout to tolerate slowness.',
    yaml: `livenessProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      if (!c.longRunning) continue;
      for (const kind of PROBE_KINDS) {
        const probe = probeOf(c, kind);
        if (!probe) continue;
        const timeout = timing(probe, 'timeoutSeconds');
        const period = timing(probe, 'periodSeconds');
        // timeoutSeconds cannot go below 1: a 1 s period (Knative's webhook probes it that often) has no shorter timeout.
        if (timeout === undefined || period === undefined || timeout < period || timeout <= 1) continue;
        const show = (f: 'timeoutSeconds' | 'periodSeconds', v: number) => `${f} ${v}${isSet(probe, f) && probe[f] !== 0 ? '' : ' (default)'}`;
        const threshold = timing(probe, 'failureThreshold') ?? 3;
        // Equal: attempts run back to back while the endpoint is slow, but a failure is seen no later.
        if (timeout === period) {
          out.push({
            message: `container "${c.name}": ${kind} ${show('timeoutSeconds', timeout)} equals ${show('periodSeconds', period)}: while the endpoint is slow the attempts run back to back, with no pause for the process to recover; detection still takes about ${threshold * period} s`,
            path: [...c.path, kind, 'timeoutSeconds'],
            container: c.name,
            severity: 'info',
          });
          continue;
        }
        out.push({
          message: `container "${c.name}": ${kind} ${show('timeoutSeconds', timeout)} is above ${show('periodSeconds', period)}: a hung endpoint is detected after about ${threshold * timeout} s (failureThreshold x timeoutSeconds), not ${threshold * period} s`,
          // Above 1 s the timeout is always set explicitly (unset or 0 is the 1 s default).
          path: [...c.path, kind, 'timeoutSeconds'],
          container: c.name,
        });
      }
    }
    return out;
  },
});
