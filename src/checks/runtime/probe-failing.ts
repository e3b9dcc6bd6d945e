import { defineCheck, type FindingInput } from '../types.js';
import { containerStatuses, probeFailures, type ProbeFailure, type ProbeKind } from '../../model/runtime.js';
import { formatTime } from '../../model/events.js';
import { inPods, plural, podsFor, quote } from './util.js';

interface Params {
  minFailures: number;
}

const EFFECT: Record<ProbeKind, string> = {
  liveness: 'each failure streak makes the kubelet restart the container',
  readiness: 'while it fails the pod is taken out of Service endpoints',
  startup: 'the kubelet restarts the container before it has finished starting',
};

export default defineCheck<Params>({
  id: 'probe-failing',
  pillar: 'health',
  severity: 'warning',
  runtime: true,
  title: 'Probe keeps failing (Unhealthy events)',
  whatBreaks:
    'A failing liveness or startup probe restarts the container; a failing readiness probe takes the pod out of every Service. Either way the pods serve less than they should, and probes that fail on a healthy container cause the outage they were meant to prevent.',
  details: `A runtime check (Events). Reported when the kubelet's \`Unhealthy\` events for a pod (matched by
pod uid, never by name; the container from the event's \`fieldPath\`) add up to at least
\`minFailures\` failures of one probe of one container in that pod (event counts, \`count\` or
\`series.count\`, are added up): one or two failures per pod while each starts are not reported. The
message names the probe, the failures over all the workload's pods, the pods, and the last failure
message and time.

Events live about an hour in a cluster by default, so this sees recent failures only.

Pillar: health: probes that fail on a healthy container are prevented by
\`liveness-equals-readiness\` (liveness checking dependencies), \`probe-timeout-not-below-period\`,
\`liveness-failure-threshold-one\` and \`liveness-without-startup-probe\`.`,
  fix: {
    text: 'Read the failure (timeout, status code, connection refused): fix the endpoint, or give the probe a realistic timeout and threshold; a liveness probe must only check that the process is alive.',
    yaml: `livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  timeoutSeconds: 3
  periodSeconds: 10
  failureThreshold: 3`,
  },
  params: {
    minFailures: { type: 'number', default: 3, description: 'Report a probe that failed at least this many times in one pod.' },
  },
  target: 'workload',
  uses: ['Event'],
  run(ctx) {
    const min = Number(ctx.params.minFailures);
    if (!Number.isFinite(min)) return [];
    const pods = podsFor(ctx);
    const groups = new Map<string, ProbeFailure[]>();
    for (const pod of pods) {
      for (const f of probeFailures(ctx.index, pod)) {
        const k = `${f.container ?? ''}\0${f.probe}`;
        const l = groups.get(k);
        if (l) l.push(f);
        else groups.set(k, [f]);
      }
    }
    const out: FindingInput[] = [];
    for (const group of groups.values()) {
      // One pod must reach the threshold: a failure or two per pod while each starts is not a failing probe.
      if (!group.some((f) => f.count >= min)) continue;
      const count = group.reduce((a, f) => a + f.count, 0);
      const last = [...group].sort((a, b) => (a.last.time ?? -Infinity) - (b.last.time ?? -Infinity)).pop()!;
      const probe = last.probe;
      const name = last.container;
      const cstatus = name ? containerStatuses(last.pod).find((c) => c.name === name) : undefined;
      const tc = name && ctx.workload ? ctx.workload.containers.find((c) => c.name === name) : undefined;
      const key = `${probe}Probe`;
      const path = tc ? [...tc.path, key] : cstatus?.specPath && ctx.resource === last.pod ? [...cstatus.specPath, key] : ctx.workload ? ctx.workload.podSpecPath : ['spec'];
      const affected = new Set(group.map((f) => f.pod)).size;
      out.push({
        message: `${probe} probe of ${name ? `container "${name}"` : 'a container'} failed ${plural(count, 'time')}${inPods(ctx, affected, pods.length)} (last${last.last.time !== undefined ? ` at ${formatTime(last.last.time)}` : ''}: ${quote(last.last.message, 240)}): ${EFFECT[probe]}`,
        path,
        container: name,
        related: group.slice(0, 5).map((f) => ({ resource: f.last.resource, path: f.last.messagePath, note: `Unhealthy x${f.count} on pod ${f.pod.name}` })),
      });
    }
    return out;
  },
});
