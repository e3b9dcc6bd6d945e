import { defineCheck, type FindingInput } from '../types.js';
import { get, getNumber } from '../../model/util.js';

export default defineCheck({
  id: 'hpa-min-equals-max',
  pillar: 'availability',
  severity: 'warning',
  title: 'HorizontalPodAutoscaler cannot scale (minReplicas equals maxReplicas)',
  whatBreaks:
    'The HPA pins the workload to one replica count: under a load spike it adds no pods, so latency climbs and requests fail, while the manifest suggests the service autoscales.',
  details: `An HPA scales between \`spec.minReplicas\` (default **1** when unset) and \`spec.maxReplicas\`. When the two
are equal, every recommendation is clamped to the same number: the HPA never adds or removes a pod, it
only forces the replica count back to that value. It usually comes from a copy-pasted manifest, an
environment overlay that lowered \`maxReplicas\` (e.g. to 1 in staging and then promoted), or forgetting
that \`minReplicas\` defaults to 1 next to \`maxReplicas: 1\`.

If a fixed replica count is really what you want, an HPA is the wrong tool: delete it and set
\`spec.replicas\` on the workload (or exempt this finding to keep a temporarily frozen HPA).

(\`minReplicas\` above \`maxReplicas\` is rejected by API validation and is not reported here.)`,
  fix: {
    text: 'Raise maxReplicas above minReplicas to the most pods the service (and its dependencies) may run at peak; or, for a fixed count, delete the HPA and set spec.replicas on the workload.',
    yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  minReplicas: 3
  maxReplicas: 12`,
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler'],
  run({ resource }) {
    const out: FindingInput[] = [];
    const max = getNumber(resource.object, ['spec', 'maxReplicas']);
    if (max === undefined) return out;
    const rawMin = get(resource.object, ['spec', 'minReplicas']);
    const min = getNumber(resource.object, ['spec', 'minReplicas']);
    // Present but not a number (an unrendered template, a string): cannot tell.
    if (min === undefined && rawMin !== undefined && rawMin !== null) return out;
    const floor = min ?? 1;
    if (floor !== max) return out;
    const minText = min === undefined ? 'minReplicas is not set (defaults to 1)' : `minReplicas is ${min}`;
    out.push({
      message: `${minText} and maxReplicas is ${max}: the HPA never scales, the workload stays at ${max} ${max === 1 ? 'replica' : 'replicas'} under any load; raise maxReplicas, or drop the HPA and set spec.replicas if a fixed count is intended`,
      path: ['spec', 'maxReplicas'],
    });
    return out;
  },
});
