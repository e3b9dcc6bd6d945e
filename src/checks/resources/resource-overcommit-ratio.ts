import { defineCheck, type FindingInput } from '../types.js';
import { effectiveLimit, effectiveRequest, formatValue, label, show, sourceNote } from './shared.js';

interface Params {
  memoryMaxRatio: number;
  cpuMaxRatio: number;
}

/** The ratio with one decimal, or as many more (up to four) as it takes to show it above `above`. */
function ratioText(r: number, above?: number): string {
  if (Number.isInteger(r)) return String(r);
  let digits = 1;
  while (digits < 4 && above !== undefined && Number(r.toFixed(digits)) <= above) digits++;
  return r.toFixed(digits).replace(/\.?0+$/, '');
}

export default defineCheck<Params>({
  id: 'resource-overcommit-ratio',
  pillar: 'resources',
  severity: 'warning',
  title: 'Limit is far above the request',
  whatBreaks:
    'The scheduler places pods by their requests, so a node fills up with pods that are each allowed to grow far beyond what was reserved. When several grow at once the node runs out of memory: the kubelet evicts pods and the kernel OOM-kills containers, including ones that stayed within their own limits.',
  details: `Requests are what the scheduler reserves; limits are what a container may actually use. The gap between them is overcommit: capacity promised to several pods at once.

- **Memory** (default \`memoryMaxRatio: 2\`) is not compressible. If pods on a node use more than was reserved, the node comes under memory pressure: the kubelet evicts pods whose usage is above their request, and if that is not fast enough the kernel OOM killer fires. Limit = request (Guaranteed QoS) is the safe choice for most services; a ratio above 2 means the request no longer describes how much memory the container really needs.
- **CPU** (default \`cpuMaxRatio: 4\`) is compressible: overcommit costs latency, not crashes. Under contention each container gets CPU in proportion to its request, so a container that routinely runs at 4x its request slows down exactly when the node is busy. The default allows normal burst headroom and flags requests that are clearly too low.

Only long-running containers are checked (init containers run before the app and their burst is short), and the CPU ratio is not applied to Jobs and CronJobs: a batch job that bursts into idle CPU only finishes later under contention. Values that a LimitRange fills in are taken into account; a container with only a limit has request = limit (ratio 1). Tune the ratios per team in \`.kubeready.yaml\`, e.g. \`checks: {resource-overcommit-ratio: {params: {memoryMaxRatio: 1.5}}}\`.`,
  fix: {
    text: 'Raise the request to the usage you actually expect (measure it), or lower the limit; for memory prefer request = limit.',
    yaml: `resources:
  requests:
    cpu: 500m
    memory: 1Gi
  limits:
    cpu: "2"
    memory: 1Gi`,
  },
  params: {
    memoryMaxRatio: { type: 'number', default: 2, description: 'Largest allowed memory limit / request ratio.' },
    cpuMaxRatio: { type: 'number', default: 4, description: 'Largest allowed CPU limit / request ratio.' },
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const out: FindingInput[] = [];
    const maxRatio: Record<string, unknown> = { memory: ctx.params.memoryMaxRatio, cpu: ctx.params.cpuMaxRatio };
    for (const c of w.containers) {
      if (!c.longRunning) continue;
      for (const res of ['memory', 'cpu']) {
        // Batch work bursting into idle CPU is the point of a low request; only its memory overcommit is a risk.
        if (res === 'cpu' && w.class === 'batch') continue;
        const max = maxRatio[res];
        if (typeof max !== 'number' || !Number.isFinite(max) || max <= 0) continue;
        const req = effectiveRequest(ctx, c, res);
        const lim = effectiveLimit(ctx, c, res);
        if (!req || !lim || req.value === undefined || lim.value === undefined) continue;
        if (req.value <= 0 || lim.value <= 0) continue;
        // A memory request below 1Mi is a unit mistake, reported by memory-quantity-too-small.
        if (res === 'memory' && req.value < 2 ** 20) continue;
        // Only the container's own fields are actionable here; LimitRange-only pairs are the namespace's policy.
        if (req.source === 'limitrange' && lim.source === 'limitrange') continue;
        const ratio = lim.value / req.value;
        if (ratio <= max) continue;
        const name = res === 'cpu' ? 'CPU' : 'memory';
        out.push({
          message: `${label(c)} has a ${name} limit of ${show(lim)}${sourceNote(lim)}, ${ratioText(ratio, max)}x its request of ${show(req)}${sourceNote(req)} (max ${ratioText(max)}x; the request would need to be at least ${formatValue(res, lim.value / max)})`,
          path: lim.source === 'container' && lim.path ? lim.path : req.path ?? [...c.path, 'resources'],
          container: c.name,
        });
      }
    }
    return out;
  },
});
