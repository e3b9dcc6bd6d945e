import { defineCheck, type FindingInput } from '../types.js';
import { oomKills, type OomKill } from '../../model/runtime.js';
import { formatTime, observedAt } from '../../model/events.js';
import { byContainer, containerPath, inPods, MAX_PODS, plural, podName, podsFor, related, showContainer } from './util.js';

export default defineCheck({
  id: 'container-oomkilled',
  pillar: 'resources',
  severity: 'error',
  runtime: true,
  title: 'Container was OOMKilled',
  whatBreaks:
    'The container used more memory than its limit (or the node ran out), so the kernel killed it: in-flight requests fail, the pod restarts, and repeated kills put it into CrashLoopBackOff with growing back-off, while every restart loses warm caches and connections.',
  details: `A runtime check: it reads the pods' \`status\` (a live cluster, or a \`kubectl get -o yaml\` dump that holds the
pods), never a manifest.

Reported when a container's \`state.terminated.reason\` or \`lastState.terminated.reason\` is
\`OOMKilled\`. **An exit code of 137 alone is not proof**: any SIGKILL gives it (a failed liveness
probe, an eviction, \`kill -9\`), so 137 without the OOMKilled reason is left to
\`crashloop-backoff\` and \`frequent-restarts\`.

The finding sits on the workload that owns the pods (a Deployment, not its ReplicaSet or pods: pods
are found through \`ownerReferences\` uid), points at the container's \`resources.limits.memory\` in
the pod template (the field to change), and names the memory limit the pods ran with, the restart
count, when the last kill happened, and the pods (as related objects). A container killed with no
memory limit at all was killed because the node ran out of memory: the message says so.

Error, except when every kill is older than \`recentHours\` (before the snapshot's time: the API server's clock,
or a file's newest timestamp) and the container has been running since: then it is a warning, a limit that was hit once.

Pillar: resources. The checklist item that prevents it is a memory limit sized from the measured peak
working set (\`memory-limit-missing\`), and for JVMs and other runtimes a heap that fits the limit
(\`runtime-heap-exceeds-memory-limit\`).`,
  fix: {
    text: 'Measure the peak working set (kubectl top pod, container_memory_working_set_bytes) and set the limit above it with headroom; if usage keeps growing, it is a leak: fix it or cap the runtime heap below the limit.',
    yaml: `containers:
  - name: app
    resources:
      requests:
        memory: 512Mi
      limits:
        memory: 512Mi   # was 256Mi: OOMKilled at its peak`,
  },
  params: {
    recentHours: { type: 'number', default: 24, description: 'A kill older than this (hours before the snapshot\'s time), in a container running since, is a warning.' },
  },
  target: 'workload',
  // Events and Node heartbeats date the snapshot (observedAt).
  uses: ['Event', 'Node'],
  run(ctx) {
    const now = observedAt(ctx.index);
    const recentMs = (Number(ctx.params.recentHours) || 0) * 3_600_000;
    const pods = podsFor(ctx);
    const kills: (OomKill & { pod: typeof pods[number] })[] = [];
    for (const pod of pods) for (const k of oomKills(pod)) kills.push({ ...k, pod });
    const out: FindingInput[] = [];
    for (const group of byContainer(kills)) {
      const latest = [...group].sort((a, b) => (b.term.finishedAt ?? -Infinity) - (a.term.finishedAt ?? -Infinity))[0];
      const c = latest.c;
      const affectedPods = new Set(group.map((k) => k.pod)).size;
      const limits = [...new Set(group.map((k) => k.limit?.text ?? 'none'))];
      const restarts = Math.max(...group.map((k) => k.c.restartCount));
      const stateNow = latest.current
        ? ', terminated now'
        : c.state?.phase === 'waiting' && c.state.reason
          ? `, now ${c.state.reason}`
          : '';
      const when = latest.term.finishedAt !== undefined ? ` at ${formatTime(latest.term.finishedAt)}` : '';
      const evidence = `last: ${podName(ctx, latest.pod)}${when}, exit code ${latest.term.exitCode ?? 'unknown'}, ${plural(latest.c.restartCount, 'restart')}${stateNow}${group.length > 1 ? `; up to ${plural(restarts, 'restart')} per pod` : ''}`;
      const limitText = latest.limit
        ? `with a memory limit of ${latest.limit.text}${latest.limit.level === 'pod' ? ' (pod-level)' : ''}${limits.length > 1 ? ` (pods ran with ${limits.join(', ')})` : ''}: it needs more memory than that, so the kernel kills it each time it gets there and the pod restarts with a growing back-off`
        : 'with no memory limit: the node itself ran out of memory and the kernel killed it, which can hit any pod on that node';
      // Only an old kill, with the container running since, is history rather than an outage.
      const old = group.every((k) => !k.current && k.c.state?.phase === 'running' && k.term.finishedAt !== undefined && now !== undefined && now - k.term.finishedAt > recentMs);
      out.push({
        severity: old ? 'warning' : undefined,
        message: `${showContainer(c)} was OOMKilled${inPods(ctx, affectedPods, pods.length)} (${evidence}) ${limitText}`,
        path: containerPath(ctx, c, ['resources', 'limits', 'memory']),
        container: c.name,
        related: related(
          group
            .slice(0, MAX_PODS)
            .map((k) => ({ pod: k.pod, path: [...k.term.path, 'reason'], note: `OOMKilled${k.term.finishedAt !== undefined ? ` at ${formatTime(k.term.finishedAt)}` : ''}, limit ${k.limit?.text ?? 'none'}, restartCount ${k.c.restartCount}` }))
            .filter((x) => x.pod !== ctx.resource),
        ),
      });
    }
    return out;
  },
});
