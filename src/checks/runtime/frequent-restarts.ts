import { defineCheck, type FindingInput, type Resource } from '../types.js';
import { containerStatuses, exitCodeMeaning, lastTermination, probeFailures, type ContainerStatus } from '../../model/runtime.js';
import { formatTime, observedAt } from '../../model/events.js';
import { byContainer, containerPath, inPods, plural, podName, podsFor, quote, related, showContainer } from './util.js';

interface Params {
  restarts: number;
  withinHours: number;
}

export default defineCheck<Params>({
  id: 'frequent-restarts',
  pillar: 'health',
  severity: 'warning',
  runtime: true,
  title: 'Container restarts often',
  whatBreaks:
    'Every restart drops the requests and connections the container was serving and its warm state; a container that keeps restarting is failing in a way nobody has looked at yet, and the next restart may be the one that does not come back.',
  details: `A runtime check (pod \`status\`, Events). Reported when a container's \`restartCount\` is above
\`restarts\` and its last restart (\`lastState.terminated.finishedAt\`) happened within \`withinHours\`
of the snapshot's time (a live cluster: the API server's clock when the scan started; a file: its
newest timestamp), while it is not in CrashLoopBackOff now and its last
termination was not OOMKilled (those are reported by \`crashloop-backoff\` and
\`container-oomkilled\`). A pod up for months whose count grew with node reboots long ago, or whose
last termination is no longer recorded, is not reported. The message gives how the last run
ended (exit code and reason, when) and the liveness-probe failures the kubelet recorded, which
usually say whether the probe or the application restarts it. Exit code 137 alone is not read as an
OOM kill.

Pillar: health: restarts caused by liveness probes that are too strict are prevented by
\`liveness-failure-threshold-one\`, \`liveness-without-startup-probe\` and
\`liveness-equals-readiness\`.`,
  fix: {
    text: 'Read the previous run\'s log (kubectl logs --previous) and the probe events (kubectl describe pod); fix the crash, or loosen a liveness probe that kills a healthy but slow container.',
    yaml: `livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  timeoutSeconds: 5
  failureThreshold: 3`,
  },
  params: {
    restarts: { type: 'number', default: 5, description: 'Report containers restarted more than this many times.' },
    withinHours: { type: 'number', default: 24, description: 'Only when the last restart was this recent (hours before the snapshot\'s time).' },
  },
  target: 'workload',
  uses: ['Event', 'Node'],
  run(ctx) {
    const threshold = Number(ctx.params.restarts);
    if (!Number.isFinite(threshold)) return [];
    const now = observedAt(ctx.index);
    const windowMs = (Number(ctx.params.withinHours) || 0) * 3_600_000;
    const pods = podsFor(ctx);
    const items: { c: ContainerStatus; pod: Resource }[] = [];
    for (const pod of pods) {
      for (const c of containerStatuses(pod)) {
        if (c.restartCount <= threshold) continue;
        if (c.state?.phase === 'waiting' && c.state.reason === 'CrashLoopBackOff') continue;
        const t = lastTermination(c);
        if (t?.reason === 'OOMKilled') continue;
        // Restarts long ago (node reboots months back) say nothing about now: the last must be recent.
        if (t?.finishedAt === undefined || now === undefined || now - t.finishedAt > windowMs) continue;
        items.push({ c, pod });
      }
    }
    const out: FindingInput[] = [];
    for (const group of byContainer(items)) {
      const worst = [...group].sort((a, b) => b.c.restartCount - a.c.restartCount)[0];
      const c = worst.c;
      const t = lastTermination(c);
      const last = t
        ? `; last run ended${t.finishedAt !== undefined ? ` at ${formatTime(t.finishedAt)}` : ''} with ${exitCodeMeaning(t.exitCode, t.signal)}${t.reason ? `, reason ${t.reason}` : ''}`
        : '';
      const lv = group
        .flatMap((x) => probeFailures(ctx.index, x.pod))
        .filter((p) => p.container === c.name && (p.probe === 'liveness' || p.probe === 'startup'));
      const probe = lv.length ? `; ${lv[0].probe} probe failed ${plural(lv.reduce((a, p) => a + p.count, 0), 'time')} (last: ${quote(lv[lv.length - 1].last.message, 160)})` : '';
      const affected = new Set(group.map((x) => x.pod)).size;
      out.push({
        message: `${showContainer(c)} restarted ${plural(c.restartCount, 'time')}${inPods(ctx, affected, pods.length)} (${podName(ctx, worst.pod)}${last})${probe}: each restart drops what it was serving`,
        path: containerPath(ctx, c),
        container: c.name,
        related: related(group.filter((x) => x.pod !== ctx.resource).map((x) => ({ pod: x.pod, path: [...x.c.statusPath, 'restartCount'], note: `restartCount ${x.c.restartCount}` }))),
      });
    }
    return out;
  },
});
