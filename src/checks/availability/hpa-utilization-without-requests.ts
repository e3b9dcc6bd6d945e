import { defineCheck, type CheckContext, type FindingInput, type Workload } from '../types.js';
import { effectiveRequest, label, podQuantity } from '../resources/shared.js';

import { hpaTargets, type UtilizationMetric, utilizationMetrics } from './util.js';

function outcome(m: UtilizationMetric): string {
  return m.others ? 'scales up only on its other metrics, and never scales down while this one fails' : 'never scales';
}

function problems(ctx: CheckContext, w: Workload, metrics: UtilizationMetric[]): Map<string, FindingInput> {
  const out = new Map<string, FindingInput>();
  const wctx: CheckContext = { ...ctx, resource: w.resource, workload: w };
  const target = `${w.resource.kind} "${w.resource.name}"`;
  // Regular containers and native sidecars (restartPolicy: Always init containers, counted since Kubernetes 1.29).
  const running = w.containers.filter((c) => c.longRunning);
  for (const m of metrics) {
    let containers = running;
    if (m.container !== undefined) {
      const c = running.find((x) => x.name === m.container);
      if (!c) {
        // Unnamed containers (#0): the pod template is incomplete, cannot tell.
        if (running.some((x) => x.name.startsWith('#'))) continue;
        const key = `missing\0${m.container}`;
        if (!out.has(key)) {
          out.set(key, {
            message: `the HPA scales on ${m.what}, but the pod template of ${target} runs no container "${m.container}" (it runs ${running.map((x) => `"${x.name}"`).join(', ') || 'none'}): the HPA cannot compute it (FailedGetContainerResourceMetric) and ${outcome(m)}; fix the container name`,
            path: m.path,
          });
        }
        continue;
      }
      containers = [c];
    } else if (podQuantity(w, 'requests', m.res) || podQuantity(w, 'limits', m.res)) {
      // Pod-level resources (on by default from Kubernetes 1.34): the HPA uses the pod-level request.
      continue;
    }
    for (const c of containers) {
      const key = `${c.name}\0${m.res}`;
      if (out.has(key) || effectiveRequest(wctx, c, m.res)) continue;
      out.set(key, {
        message: `${label(c)} of ${target} has no ${m.res} request (no requests.${m.res}, no limits.${m.res}, no LimitRange default in the input), but the HPA scales on ${m.what}, which is usage as a percentage of the request: it reports ${m.container === undefined ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric'} ("missing request for ${m.res} in container ${c.name}") and ${outcome(m)}; set resources.requests.${m.res} on the container`,
        path: m.path,
        container: c.name,
      });
    }
  }
  return out;
}

export default defineCheck({
  id: 'hpa-utilization-without-requests',
  pillar: 'availability',
  severity: 'error',
  title: 'HorizontalPodAutoscaler scales on utilization of a resource the pods do not request',
  whatBreaks:
    'The HPA does not scale at all, so at peak load the service stays at its current replica count: it computes CPU or memory utilization as usage divided by the request, and when a container has no request for that resource it reports FailedGetResourceMetric instead.',
  details: `A \`Resource\` metric with \`target.type: Utilization\` (\`autoscaling/v2\`; \`targetAverageUtilization\` in
\`v2beta1\`; \`targetCPUUtilizationPercentage\` in \`autoscaling/v1\`) measures usage as a percentage of the
pods' **requests**. The controller sums the request of every regular container and every native sidecar
(an init container with \`restartPolicy: Always\`, counted since Kubernetes 1.29); if any of them has no
request for the resource, the whole metric fails with \`missing request for cpu in container X of Pod Y\`
(condition \`ScalingActive: False\`, reason \`FailedGetResourceMetric\`). With only this metric the HPA
never scales; with several, it still scales up on the others but refuses to scale down while one
fails. Regular init containers do not count.

A \`ContainerResource\` metric only needs the request of the named container; a name that matches no
running container fails the same way.

Note the defaults: an \`autoscaling/v2\` HPA with no \`metrics\` and an \`autoscaling/v1\` HPA without
\`targetCPUUtilizationPercentage\` both scale on **80% CPU utilization**, so they need CPU requests too.

A request counts when the API server fills it in: a container with only a limit gets request = limit,
and a LimitRange of type \`Container\` in the namespace (in the input) can supply a default request.
Pod-level resources (\`spec.template.spec.resources\`, Kubernetes 1.34+ where \`PodLevelResources\` is on by default; off in 1.32-1.33) silence \`Resource\` metrics,
which then use the pod-level request. \`AverageValue\` targets need no request and are not reported.
The target must be in the input (see \`hpa-target-missing\` otherwise); an Argo \`Rollout\` with
\`workloadRef\` is skipped, its pod template lives in the referenced Deployment.`,
  fix: {
    text: 'Set resources.requests for the scaled resource on every container of the target (sidecars included), close to its typical usage; or scale on an AverageValue target instead.',
    yaml: `spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            requests:
              cpu: 250m
              memory: 256Mi`,
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler'],
  uses: ['LimitRange'],
  run(ctx) {
    const metrics = utilizationMetrics(ctx.resource);
    if (metrics.length === 0) return [];
    const ws = hpaTargets(ctx.index, ctx.resource)?.workloads ?? [];
    if (ws.length === 0) return [];
    // Several objects of that kind and name (duplicated manifests): report only what holds for all.
    const per = ws.map((w) => problems(ctx, w, metrics));
    const out: FindingInput[] = [];
    for (const [key, f] of per[0]) if (per.every((p) => p.has(key))) out.push(f);
    return out;
  },
});
