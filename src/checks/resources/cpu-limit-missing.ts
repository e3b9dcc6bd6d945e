import { defineCheck } from '../types.js';
import { missingLimits } from './request-missing.js';

export default defineCheck({
  id: 'cpu-limit-missing',
  pillar: 'resources',
  severity: 'error',
  title: 'Container has no CPU limit',
  whatBreaks:
    'A busy loop or a traffic spike lets the container use every idle core on the node, so neighbours that count on that spare CPU slow down, and the container\'s own latency depends on what else happens to run on the node.',
  details: `The production-readiness checklist asks for requests **and** limits, so this is an error by default. It is also the most debated resource rule, and the trade-off is real:

- **With a limit**, the kernel enforces a CFS quota: the container may use \`limit x 100ms\` of CPU time per 100ms period. A multi-threaded process (JVM GC threads, Go with a high GOMAXPROCS, thread pools) can burn its quota in the first few milliseconds of a period and is then throttled for the rest of it, which shows up as latency spikes even when average usage is far below the limit. Watch \`container_cpu_cfs_throttled_periods_total\`. Size runtimes to the limit (\`GOMAXPROCS\`, \`-XX:ActiveProcessorCount\`) and set the limit with room above the request.
- **Without a limit**, the container can burst into idle CPU (the request still guarantees its share under contention), which many teams prefer for latency-sensitive services. The cost is less predictable performance and noisy-neighbour effects.

Setting the CPU limit equal to the request (with memory limit = request) gives the pod Guaranteed QoS, which the static CPU manager policy needs to pin exclusive cores.

If your policy is requests-only for CPU, lower or disable the check in \`.kubeready.yaml\`: \`checks: {cpu-limit-missing: warning}\` (or \`off\`).

**LimitRange defaults.** When a LimitRange of \`type: Container\` in the same namespace (in the input; a namespace-less LimitRange or workload counts together with the other only when both sit in the same folder, except that with \`-n\` a namespace-less one lands in that namespace) fills the limit in at admission (\`default.cpu\`, or \`max.cpu\`, which the API server copies into \`default\`), the finding is **info** and names the LimitRange and the value, pointing at its field: the container does run with a limit, but one nobody reading the manifest sees and that is the same for every container. A templated LimitRange value keeps the check silent; \`type: Pod\` items fill nothing in.

Not reported when the pod sets a pod-level \`spec.resources.limits.cpu\`, or when the container's \`resources\` is unrendered template text.`,
  fix: {
    text: 'Set resources.limits.cpu on every container, with headroom above the request so normal bursts are not throttled (or relax this check if your policy is requests-only).',
    yaml: `containers:
  - name: app
    resources:
      requests:
        cpu: 250m   # as it is: a limit never goes below the request
      limits:
        cpu: "1"`,
    place: { at: 'container', snippet: 'resources:\n  limits:\n    cpu: "1"   # at least its request' },
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    return missingLimits(ctx, 'cpu', 'CPU');
  },
});
