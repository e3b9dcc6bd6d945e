import { defineCheck, type FindingInput } from '../types.js';
import { isControlled, numberParam, replicaFloor } from './util.js';

export default defineCheck<{ minReplicas: number }>({
  id: 'replicas-below-minimum',
  pillar: 'availability',
  severity: 'error',
  title: 'Too few replicas',
  whatBreaks:
    'With a single replica, one pod crash, OOM kill, node failure or node drain takes the service down until a new pod is scheduled and ready. A bare Pod is worse: nothing recreates it at all.',
  details: `The replica floor is what counts: when a HorizontalPodAutoscaler targets the workload, its
\`minReplicas\` (default 1) is the floor and \`spec.replicas\` is only the starting point; when a KEDA
\`ScaledObject\` targets it, its \`minReplicaCount\` (default 0) is. Otherwise \`spec.replicas\` (default 1
when unset) is.

A bare long-running \`Pod\` (no controller) is reported too: if its node fails or is drained, the pod is
gone for good. Pods with a controlling \`ownerReference\` (from a cluster export) are skipped.

\`spec.replicas: 0\` (or an autoscaler floor of 0) is reported as **info**: scaling to zero is usually
deliberate (a parked workload, scale-to-zero event consumers), but nothing serves until something
scales it up. Note that an HPA does not scale a target that is at 0 replicas.

Custom resources without \`spec.replicas\` (Knative Services, ...) are skipped: their replica count is
managed by other means. Batch and DaemonSet workloads are out of scope.

Exempt workloads that genuinely cannot run twice (a singleton leader without leader election, a
licence-bound process) and accept the downtime knowingly.`,
  fix: {
    text: 'Run at least two replicas: set spec.replicas, or the HorizontalPodAutoscaler minReplicas when one manages the workload. Run bare Pods from a Deployment.',
    yaml: `spec:
  replicas: 3
---
# or, when an HPA manages the workload:
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  minReplicas: 2`,
  },
  params: {
    minReplicas: { type: 'number', default: 2, description: 'Lowest acceptable replica floor.' },
  },
  uses: ['HorizontalPodAutoscaler', 'ScaledObject'],
  target: 'workload',
  classes: ['service', 'pod'],
  run({ workload: w, index, params }) {
    const min = numberParam(params.minReplicas, 2);
    const out: FindingInput[] = [];
    if (!w) return out;
    if (w.class === 'pod') {
      if (min > 1 && !isControlled(w.resource)) {
        out.push({
          message: `bare ${w.resource.kind}: a single replica that nothing recreates if it dies or its node is drained (minimum ${min} replicas); run it from a Deployment`,
          path: ['kind'],
        });
      }
      return out;
    }
    const floor = replicaFloor(w, index);
    if (!floor) return out;
    const path = w.replicasPath ?? ['spec'];
    if (floor.source === 'hpa' && w.replicas === 0) {
      out.push({
        message: `spec.replicas is 0: an HPA does not scale a workload at 0 replicas, so HorizontalPodAutoscaler "${floor.by?.name}" leaves it scaled to zero and nothing serves`,
        path,
        severity: 'info',
      });
      return out;
    }
    if (floor.value <= 0) {
      out.push({
        message:
          floor.source === 'replicas'
            ? 'spec.replicas is 0: scaled to zero, nothing serves until it is scaled up (exempt it if that is intentional)'
            : `${floor.text}: the workload scales to zero and nothing serves while it is idle`,
        path,
        severity: 'info',
      });
      return out;
    }
    if (floor.value >= min) return out;
    const impact =
      floor.value === 1
        ? 'one pod or node failure takes the service down'
        : `losing ${floor.value} pods at once (a node, a zone, a bad rollout) takes the service down`;
    let message: string;
    if (floor.source === 'hpa' || floor.source === 'keda') {
      message = `${floor.text}, below the minimum of ${min}: at low load the workload runs ${floor.value === 1 ? 'a single pod' : `${floor.value} pods`}; ${impact}`;
    } else if (floor.source === 'default') {
      message = `spec.replicas is not set (defaults to 1; minimum ${min}): ${impact}`;
    } else {
      message = `spec.replicas is ${floor.value} (minimum ${min}): ${impact}`;
    }
    out.push({ message, path });
    return out;
  },
});
