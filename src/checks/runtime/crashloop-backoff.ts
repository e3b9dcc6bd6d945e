import { defineCheck, type FindingInput, type Resource } from '../types.js';
import { crashLoops, exitCodeMeaning, type CrashLoop } from '../../model/runtime.js';
import { formatTime } from '../../model/events.js';
import { byContainer, containerPath, inPods, plural, podName, podsFor, quote, related, showContainer } from './util.js';

/** One line on why the last run ended. */
export function lastRunText(l: CrashLoop): string {
  const t = l.last;
  if (!t) return 'no previous termination recorded';
  const parts = [`last run ended${t.finishedAt !== undefined ? ` at ${formatTime(t.finishedAt)}` : ''} with ${exitCodeMeaning(t.exitCode, t.signal)}`];
  if (t.reason) parts.push(`reason ${t.reason}`);
  if (t.message) parts.push(quote(t.message, 160));
  return parts.join(', ');
}

export default defineCheck({
  id: 'crashloop-backoff',
  pillar: 'health',
  severity: 'error',
  runtime: true,
  title: 'Container is in CrashLoopBackOff',
  whatBreaks:
    'The container keeps exiting and the kubelet waits longer before each restart (up to five minutes): the pod is never Ready, serves nothing, and a rollout of this version stalls or, without a readiness probe, replaces healthy pods with crashing ones.',
  details: `A runtime check (pod \`status\`, Events). Reported when a container (or init container) waits with reason
\`CrashLoopBackOff\`. The message gives the restart count and how the last run ended: exit code with
its usual meaning (1 application error, 127 command not found, 137 SIGKILL, 139 segfault, 143
SIGTERM), the termination reason and message (the last lines of the log when
\`terminationMessagePolicy: FallbackToLogsOnError\`). When the kubelet's \`Unhealthy\` liveness or
startup probe events, or its \`Killing ... failed liveness probe\` events, are there for the container,
the message says the probe killed it: then the probe, not the application, is the first suspect.

Not reported when the last termination was OOMKilled: \`container-oomkilled\` reports that, with the
memory limit. \`kubeready diagnose\` adds the previous container's log when it can read it.

Pillar: health. What prevents a crash loop from becoming an outage is a readiness probe (a rollout of
a crashing version halts at the first new pod while the old ones keep serving:
\`readiness-probe-missing\`, \`rolling-update-unavailable\`) and a liveness probe that cannot kill a
slow start (\`liveness-without-startup-probe\`).`,
  fix: {
    text: 'Read why the last run ended (kubectl logs --previous), fix the cause (configuration, a dependency, the command) or roll back; if the liveness probe kills a slow start, add a startup probe.',
    yaml: `containers:
  - name: app
    startupProbe:          # when the liveness probe kills a slow start
      httpGet: {path: /healthz, port: 8080}
      periodSeconds: 5
      failureThreshold: 60
    livenessProbe:
      httpGet: {path: /healthz, port: 8080}`,
  },
  target: 'workload',
  uses: ['Event'],
  run(ctx) {
    const pods = podsFor(ctx);
    const loops: (CrashLoop & { pod: Resource })[] = [];
    for (const pod of pods) for (const l of crashLoops(ctx.index, pod)) if (l.last?.reason !== 'OOMKilled') loops.push({ ...l, pod });
    const out: FindingInput[] = [];
    for (const group of byContainer(loops)) {
      const worst = [...group].sort((a, b) => b.c.restartCount - a.c.restartCount)[0];
      const c = worst.c;
      const affected = new Set(group.map((l) => l.pod)).size;
      let probe = '';
      const lv = group.map((l) => l.liveness).find((x) => x);
      const kills = group.flatMap((l) => l.probeKills);
      if (lv) probe = `; its ${lv.probe} probe failed ${plural(lv.count, 'time')} (last: ${quote(lv.last.message, 160)}), so the kubelet killed it: suspect the probe before the application`;
      else if (kills.length) probe = `; the kubelet killed it for failing its liveness probe (${quote(kills[kills.length - 1].message, 120)})`;
      out.push({
        message: `${showContainer(c)} is in CrashLoopBackOff${inPods(ctx, affected, pods.length)} (${podName(ctx, worst.pod)}: ${plural(c.restartCount, 'restart')}; ${lastRunText(worst)})${probe}: it exits again after every start, the pod is never Ready and serves nothing`,
        path: containerPath(ctx, c),
        container: c.name,
        related: related(
          group
            .filter((l) => l.pod !== ctx.resource)
            .map((l) => ({ pod: l.pod, path: [...l.waiting.path, 'reason'], note: `CrashLoopBackOff, restartCount ${l.c.restartCount}${l.last ? `, last exit code ${l.last.exitCode ?? '?'}` : ''}` })),
        ),
      });
    }
    return out;
  },
});
