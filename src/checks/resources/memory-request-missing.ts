import { defineCheck } from '../types.js';
import { missingRequests, REQUEST_SNIPPET } from './request-missing.js';

export default defineCheck({
  id: 'memory-request-missing',
  pillar: 'resources',
  severity: 'error',
  title: 'Container has no memory request',
  whatBreaks:
    'The scheduler reserves no memory for the container and may place the pod on a node that cannot hold it. When the node runs short of memory, the kubelet evicts pods using more than they requested first, so this pod is among the first to go.',
  details: `The memory request is what the scheduler reserves on the node. It also ranks the pod for node-pressure eviction: pods whose usage exceeds their request are evicted first, and a container with no memory request gets the highest OOM score adjustment, so the kernel OOM killer picks it first.

Not reported when the request is effectively set:
- the container sets \`limits.memory\`: the API server defaults a missing request to the limit when the pod is created (without any LimitRange);
- the pod sets pod-level \`spec.resources\` for memory;
- the container's \`resources\` is unrendered template text.

**LimitRange defaults.** When a LimitRange of \`type: Container\` in the same namespace (in the input; a namespace-less LimitRange or workload counts together with the other only when both sit in the same folder, except that with \`-n\` a namespace-less one lands in that namespace) fills the request in at admission, the finding is **info** and says which LimitRange sets which value, pointing at its field. The LimitRanger admission plugin sets \`defaultRequest.memory\`; a LimitRange without \`defaultRequest\` has it defaulted by the API server from \`default\`, then \`max\`, then \`min\`. Several LimitRanges in a namespace are applied one after another in no defined order, so when they set different values the finding says so. The pod does get a request, but a default is invisible to whoever reads the manifest and is the same for every container, whatever it needs: an explicit value is still better. A templated LimitRange value keeps the check silent. \`type: Pod\` items fill nothing in.

Init containers are included: they run on the node too. The pod's scheduling request is the larger of each init container's request (plus the native sidecars started before it) and the sum of the app and sidecar containers (component-helpers \`resource.PodRequests\`), so:
- an init container without a memory request in a pod whose app containers request memory (or set a memory limit) is a **warning**: it runs within the memory the scheduler reserves for the app containers, before they start, so the pod does get memory; but nothing tells the scheduler whether it needs more, and with no request of its own it gets \`oom_score_adj\` 999, the highest a Burstable container can get (\`pkg/kubelet/qos/policy.go\`; only BestEffort containers, at 1000, rank above it), so the kernel OOM killer picks it among the first (not said of a \`system-node-critical\` pod, whose containers get -997);
- the same when no app container requests memory but another init container does: the pod reserves the largest init container's request, and this one runs within it (the message names that container);
- when no container of the pod requests memory, the init container is an **error** like any other container: nothing is reserved for the pod at all.
Native sidecars (\`restartPolicy: Always\` init containers) run alongside the app containers and add to the pod's request: an **error** like an app container.`,
  fix: {
    text: 'Set resources.requests.memory on every container to its steady-state working set plus headroom; for Guaranteed QoS set it equal to the limit.',
    yaml: `containers:
  - name: app
    resources:
      requests:
        memory: 256Mi   # its steady working set plus headroom: measure it`,
    place: { at: 'container', snippet: REQUEST_SNIPPET.memory },
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    return missingRequests(ctx, 'memory', 'memory');
  },
});
