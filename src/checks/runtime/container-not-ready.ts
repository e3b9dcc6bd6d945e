import { defineCheck, type FindingInput, type Resource } from '../types.js';
import { notReadyContainers, type NotReady } from '../../model/runtime.js';
import { formatDuration, formatTime, observedAt } from '../../model/events.js';
import { byContainer, containerPath, inPods, plural, podName, podsFor, quote, related, showContainer } from './util.js';

interface Params {
  minutes: number;
}

export default defineCheck<Params>({
  id: 'container-not-ready',
  pillar: 'health',
  severity: 'warning',
  runtime: true,
  title: 'Container Running but not Ready',
  whatBreaks:
    'The container runs but does not pass its readiness check, so its pod is taken out of every Service: it gets no traffic, the remaining pods carry all of it, and a rollout waiting for this pod stalls.',
  details: `A runtime check (pod \`status\`, Events). Reported when a container's state is \`running\`, its
\`ready\` is false, and it has been so for at least \`minutes\`: from the later of the container's
\`startedAt\` and the pod's \`ContainersReady\` (else \`Ready\`) condition transition, up to the time of
the snapshot (a live cluster: the API server's clock when the scan started; a file: its newest
timestamp; neither is later than when the objects were read, so the duration is never overstated). The message adds the kubelet's \`Unhealthy\` readiness-probe events for
the container (count and last message) when there are any.

Not reported for pods being deleted, pods not in phase Running, containers waiting (CrashLoopBackOff,
image pulls: other checks report those), or init containers (except native sidecars).

Pillar: health. A readiness probe is doing its job here: it keeps the pod out of endpoints. The
checklist items that keep a not-ready pod from becoming an outage are a rolling update that keeps old
pods serving until new ones are Ready (\`rolling-update-unavailable\`) and a readiness probe that
checks the pod itself, not its dependencies (\`liveness-equals-readiness\`).`,
  fix: {
    text: 'Find out why the readiness endpoint fails (kubectl describe pod: the probe events; then the logs). If the probe checks a dependency (a database, another service), make it check only this pod.',
    yaml: `readinessProbe:
  httpGet: {path: /ready, port: 8080}   # answers for this pod only
  periodSeconds: 5
  failureThreshold: 3`,
  },
  params: {
    minutes: { type: 'number', default: 5, description: 'Report containers not Ready for at least this many minutes.' },
  },
  target: 'workload',
  uses: ['Event', 'Node'],
  run(ctx) {
    const now = observedAt(ctx.index);
    const minMs = Math.max(0, Number(ctx.params.minutes) || 0) * 60_000;
    const pods = podsFor(ctx);
    const items: (NotReady & { pod: Resource })[] = [];
    for (const pod of pods) for (const n of notReadyContainers(ctx.index, pod, now, minMs)) items.push({ ...n, pod });
    const out: FindingInput[] = [];
    for (const group of byContainer(items)) {
      const oldest = [...group].sort((a, b) => a.since - b.since)[0];
      const c = oldest.c;
      const affected = new Set(group.map((n) => n.pod)).size;
      const rp = group.map((n) => n.readiness).filter((x) => x !== undefined);
      const failures = rp.reduce((a, p) => a + p.count, 0);
      const failingPods = rp.length;
      const last = rp.sort((a, b) => (a.last.time ?? -Infinity) - (b.last.time ?? -Infinity)).pop();
      const evidence = last
        ? `; readiness probe failed ${plural(failures, 'time')}${failingPods > 1 ? ` across ${failingPods} pods` : ''} (last${last.last.time !== undefined ? ` at ${formatTime(last.last.time)}` : ''}: ${quote(last.last.message, 200)})`
        : oldest.c.started === false
          ? '; its startup probe has not succeeded yet'
          : oldest.hasReadinessProbe
            ? '; no readiness-probe failure events in the input'
            : '';
      out.push({
        message: `${showContainer(c)} has been Running but not Ready for ${formatDuration(now! - oldest.since)}${inPods(ctx, affected, pods.length)} (${podName(ctx, oldest.pod)}, since ${formatTime(oldest.since)})${evidence}: the pod gets no Service traffic`,
        path: containerPath(ctx, c, ['readinessProbe']),
        container: c.name,
        related: related(group.filter((n) => n.pod !== ctx.resource).map((n) => ({ pod: n.pod, path: [...n.c.statusPath, 'ready'], note: `not Ready since ${formatTime(n.since)}` }))),
      });
    }
    return out;
  },
});
