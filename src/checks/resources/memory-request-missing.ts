import { defineCheck } from '../types.js';
import { missingRequests } from './request-missing.js';

export default defineCheck({
  id: 'memory-request-missing',
  pillar: 'resources',
  severity: 'error',
  title: 'Container has no memory request',
  whatBreaks:
    'The scheduler reserves no memory for the container and may place the pod on a node that cannot hold it. When the node runs short of memory, the kubelet evicts pods using more than they requested first, so this pod is among the first to go.',
  details: `The memory request is what the scheduler reserves on the node. It also ranks the pod for node-pressure eviction: pods whose usage exceeds their request are evicted first, and a container with no memory request gets the highest OOM score adjustment, so the kernel OOM killer picks it first.

Not reported when the request is effectively set:
- the container sets \`limits.memory\`: Kubernetes defaults a missing request to the limit;
- a LimitRange of type \`Container\` in the same namespace (in the input) has \`defaultRequest.memory\` (or \`default\`/\`min\`, which the API server turns into a default request);
- the pod sets pod-level \`spec.resources\` for memory.

Init containers are included: they run on the node too, and the pod's scheduling request is the larger of the biggest init container request and the sum of the app containers.`,
  fix: {
    text: 'Set resources.requests.memory on every container to its steady-state working set plus headroom; for Guaranteed QoS set it equal to the limit.',
    yaml: `containers:
  - name: app
    resources:
      requests:
        memory: 512Mi
      limits:
        memory: 512Mi`,
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    return missingRequests(ctx, 'memory', 'memory');
  },
});
