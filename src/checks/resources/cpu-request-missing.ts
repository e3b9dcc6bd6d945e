import { defineCheck } from '../types.js';
import { missingRequests } from './request-missing.js';

export default defineCheck({
  id: 'cpu-request-missing',
  pillar: 'resources',
  severity: 'error',
  title: 'Container has no CPU request',
  whatBreaks:
    'The scheduler reserves no CPU for the container, so it packs the pod onto busy nodes where it gets only leftover CPU time and slows down under contention. A CPU-utilization HPA cannot compute utilization for it and stops scaling.',
  details: `The CPU request is what the scheduler reserves on the node and the weight the kernel uses to share CPU under contention (cgroup \`cpu.weight\`). A container without one gets the minimum share: when neighbours are busy it starves, and the pod lands on nodes that have no CPU to spare. A HorizontalPodAutoscaler that targets CPU utilization computes usage as a percentage of the request, so it reports \`missing request for cpu\` and does not scale.

Not reported when the request is effectively set:
- the container sets \`limits.cpu\`: Kubernetes defaults a missing request to the limit;
- a LimitRange of type \`Container\` in the same namespace (in the input) has \`defaultRequest.cpu\` (or \`default\`/\`min\`, which the API server turns into a default request);
- the pod sets pod-level \`spec.resources\` for CPU.

Init containers are included: the pod's scheduling request is the larger of the biggest init container request and the sum of the app containers, so an init container doing heavy work (migrations, downloads) needs a request too.`,
  fix: {
    text: 'Set resources.requests.cpu on every container to its typical usage (measure it, e.g. the p95 over a week).',
    yaml: `containers:
  - name: app
    resources:
      requests:
        cpu: 250m
        memory: 256Mi`,
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    return missingRequests(ctx, 'cpu', 'CPU');
  },
});
