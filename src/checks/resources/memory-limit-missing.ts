import { defineCheck } from '../types.js';
import { missingLimits } from './request-missing.js';

export default defineCheck({
  id: 'memory-limit-missing',
  pillar: 'resources',
  severity: 'error',
  title: 'Container has no memory limit',
  whatBreaks:
    'Without a memory limit a leak or a traffic spike lets the container take memory from every neighbour on the node until the kernel OOM killer picks victims, often other workloads. With a limit, only the leaking container is OOMKilled and restarted.',
  details: `Memory is not compressible: a container cannot be throttled back under its memory the way CPU is throttled. The limit is what turns a node-wide outage into one restarted container. Set the limit to the peak working set you measured plus headroom, and the request close to it (equal for Guaranteed QoS).

**A heap set in the container.** When the container sizes its runtime's heap itself (\`-Xmx\`/\`-XX:MaxHeapSize\`, Node.js \`--max-old-space-size\` in the command line or \`NODE_OPTIONS\`, \`GOMEMLIMIT\`), the message says how large the limit must at least be: the heap plus room for what the runtime keeps outside it (256 MiB or a quarter of the heap, whichever is more), so the fix snippet's 512Mi is not copied under a 4Gi heap (**runtime-heap-exceeds-memory-limit** then checks the limit you set).

**LimitRange defaults.** When a LimitRange of \`type: Container\` in the same namespace (in the input; a namespace-less LimitRange or workload counts together with the other only when both sit in the same folder, except that with \`-n\` a namespace-less one lands in that namespace) fills the limit in at admission (\`default.memory\`, or \`max.memory\`, which the API server copies into \`default\`), the finding is **info** and names the LimitRange and the value, pointing at its field: the container does run with a limit, but one nobody reading the manifest sees and that is the same for every container. A templated LimitRange value keeps the check silent; \`type: Pod\` items fill nothing in.

Not reported when the pod sets a pod-level \`spec.resources.limits.memory\`, or when the container's \`resources\` is unrendered template text.`,
  fix: {
    text: 'Set resources.limits.memory on every long-running container (and init container).',
    yaml: `containers:
  - name: app
    resources:
      requests:
        memory: 256Mi   # as it is: a limit never goes below the request
      limits:
        memory: 512Mi`,
    place: { at: 'container', snippet: 'resources:\n  limits:\n    memory: 512Mi   # at least its request' },
  },
  uses: ['LimitRange'],
  target: 'workload',
  run(ctx) {
    return missingLimits(ctx, 'memory', 'memory');
  },
});
