import { defineCheck } from '../types.js';
import { missingRequests, REQUEST_SNIPPET } from './request-missing.js';

export default defineCheck({
  id: 'cpu-request-missing',
  pillar: 'resources',
  severity: 'error',
  title: 'Container has no CPU request',
  whatBreaks:
    'The scheduler reserves no CPU for the container, so it packs the pod onto busy nodes where it gets only leftover CPU time and slows down under contention. A CPU-utilization HPA cannot compute utilization for it and stops scaling.',
  details: `The CPU request is what the scheduler reserves on the node and the weight the kernel uses to share CPU under contention (cgroup \`cpu.weight\`). A container without one gets the minimum share: when neighbours are busy it starves, and the pod lands on nodes that have no CPU to spare. A HorizontalPodAutoscaler that targets CPU utilization computes usage as a percentage of the request, so it reports \`missing request for cpu\` and does not scale.

Not reported when the request is effectively set:
- the container sets \`limits.cpu\`: the API server defaults a missing request to the limit when the pod is created (without any LimitRange);
- the pod sets pod-level \`spec.resources\` for cpu;
- the container's \`resources\` is unrendered template text.

**LimitRange defaults.** When a LimitRange of \`type: Container\` in the same namespace (in the input; a namespace-less LimitRange or workload counts together with the other only when both sit in the same folder, except that with \`-n\` a namespace-less one lands in that namespace) fills the request in at admission, the finding is **info** and says which LimitRange sets which value, pointing at its field. The LimitRanger admission plugin sets \`defaultRequest.cpu\`; a LimitRange without \`defaultRequest\` has it defaulted by the API server from \`default\`, then \`max\`, then \`min\`. Several LimitRanges in a namespace are applied one after another in no defined order, so when they set different values the finding says so. The pod does get a request, but a default is invisible to whoever reads the manifest and is the same for every container, whatever it needs: an explicit value is still better. A templated LimitRange value keeps the check silent. \`type: Pod\` items fill nothing in.

Init containers are included: the pod's scheduling request is the larger of each init container's request (plus the native sidecars started before it) and the sum of the app and sidecar containers (component-helpers \`resource.PodRequests\`), so an init container doing heavy work (migrations, downloads) needs a request too. When the app containers request CPU (or set a CPU limit), an init container without a request runs within the CPU the scheduler reserves for the app containers, before they start, and the pod's cgroup gets its CPU weight from that request (\`pkg/kubelet/cm/helpers_linux.go\`): **info** when no native sidecar starts before it (nothing in the pod competes with it), a **warning** when one does (it gets the smallest CPU weight against the sidecar); either way nothing tells the scheduler whether it needs more. The same when no app container requests CPU but another init container does: the pod reserves the largest init container's request, and this one runs within it (the message names that container). When no container of the pod requests CPU, it is an **error** like any other container. Native sidecars (\`restartPolicy: Always\`) run alongside the app containers: an **error** like an app container.`,
  fix: {
    text: 'Set resources.requests.cpu on every container to its typical usage (measure it, e.g. the p95 over a week).',
    yaml: `containers:
  - name: app
    resources:
      requests:
        cpu: 250m   # its typical use: measure it (p95 over a week)`,
    place: { at: 'container', snippet: REQUEST_SNIPPET.cpu },
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    return missingRequests(ctx, 'cpu', 'CPU');
  },
});
