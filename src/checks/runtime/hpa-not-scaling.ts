import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import { ambiguousPeers, hpaMetrics, hpaSynced, hpaTarget, hpaTrouble, replicasAskedFor, type HpaTrouble } from '../../model/autoscaler-status.js';
import { formatDuration, formatTime, observedAt, shortenMessage, eventsFor } from '../../model/events.js';
import type { ResourceIndex } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { getNumber, joinAnd } from '../../model/util.js';
import { scaleTargetRef } from '../../model/scale-target.js';

/** The fix for one cause, in words with the command that confirms it. */
export function hpaFixText(t: HpaTrouble, hpa: Resource, index: ResourceIndex): string {
  const ns = index.namespaceOf(hpa);
  const ref = scaleTargetRef(hpa);
  switch (t.cause) {
    case 'target-missing':
      return `Point scaleTargetRef at the workload that should scale (kind, apiVersion and name as kubectl -n ${ns} get deploy,sts shows them), or delete the HPA if that workload is gone.`;
    case 'target-unscalable':
      return `scaleTargetRef must name a kind with a scale subresource (Deployment, StatefulSet, ReplicaSet, or a custom resource that declares one) with its own API group in apiVersion (apps/v1 for the built-in ones).`;
    case 'scale-update-failed':
      return `The controller may not write the target's scale (an admission webhook, a quota or RBAC refuses it): the condition's message names who; kubectl -n ${ns} describe hpa ${hpa.name} shows the FailedRescale events.`;
    case 'metrics-api-missing':
      return 'Install metrics-server (or your platform\'s resource metrics provider); kubectl get apiservice v1beta1.metrics.k8s.io shows whether the API is registered, and kubectl top pods works once it is.';
    case 'metrics-api-unavailable':
      return 'Make the resource metrics API answer again: kubectl get apiservice v1beta1.metrics.k8s.io shows why it is not Available (its Service has no endpoints, a failed discovery check); kubectl -n kube-system logs deploy/metrics-server shows why metrics-server fails.';
    case 'metrics-not-returned':
      return 'If the pods just started, this clears within a minute or two; otherwise metrics-server cannot scrape the kubelets of their nodes: kubectl -n kube-system logs deploy/metrics-server (TLS to the kubelet, --kubelet-insecure-tls, --kubelet-preferred-address-types).';
    case 'custom-metrics-unavailable':
      return `Check the adapter that should serve it: kubectl get apiservice v1beta1.${t.api ?? 'custom.metrics.k8s.io'} (registered and Available?), then kubectl get --raw /apis/${t.api ?? 'custom.metrics.k8s.io'}/v1beta1 lists the metrics it serves; fix the adapter's rules or the metric name in the HPA.`;
    case 'missing-request':
      return `Give ${t.container ? `container ${t.container}` : 'the pod'} a ${t.resource ?? 'cpu'} request: utilization is measured against the requests of every container of the pod (sidecars included), so one without a request stops the HPA; or scale on a ContainerResource metric of the main container only.`;
    case 'pods-unready':
    case 'no-pods':
      return `Find why the target has no ready pods: kubeready diagnose ${ref ? `${ref.kind.toLowerCase()}/${ref.name}` : `hpa/${hpa.name}`} -n ${ns}.`;
    case 'ambiguous-selector': {
      const peers = ambiguousPeers(index, hpa, t.others ?? []);
      if (!peers.sameTarget && peers.hpas.length) {
        return `The workloads' pod selectors overlap${ref ? `: ${ref.kind} ${ref.name}'s selector also matches the pods of ${joinAnd(peers.hpas.map((h) => scaleTargetRef(h)).filter((o) => o !== null).map((o) => `${o.kind} ${o.name}`)) || 'another workload'}` : ''}, so each HPA would count the other's pods. Make the selectors disjoint (a Deployment's selector cannot change: recreate it with a label the other's pods do not carry, such as track: stable beside track: canary), or keep one of the HPAs knowingly.`;
      }
      return `Keep one HPA per workload: put every metric in one HPA (it scales to the highest count any metric asks for) and delete the other${peers.hpas.length > 1 ? 's' : ''}.`;
    }
    case 'invalid-selector':
      return `The target's scale subresource reports no usable label selector: for a custom resource, its CRD's scale.labelSelectorPath must name a status field that its operator fills in${ref ? ` (kubectl -n ${ns} get ${ref.kind.toLowerCase()} ${ref.name} -o yaml shows whether the status has it)` : ''}; an empty field means the operator has not written it.`;
    case 'metric-container-missing':
      return `Name a container the pods have in the ContainerResource metric (kubectl -n ${ns} get hpa ${hpa.name} -o jsonpath='{.spec.metrics}' shows it), or add the container.`;
    case 'scaling-disabled':
      return `Scale the target up to hand it back to the HPA (kubectl -n ${ns} scale ${ref ? `${ref.kind.toLowerCase()}/${ref.name}` : 'TARGET'} --replicas=${Math.max(getNumber(hpa.object, ['spec', 'minReplicas']) ?? 1, 1)}), or delete the HPA if the workload is retired.`;
    case 'not-processed':
      return 'Check the controller: kubectl -n kube-system get pods -l component=kube-controller-manager (its --controllers flag must not exclude horizontalpodautoscaling); on a managed control plane, the provider\'s status page.';
    case 'metric-unreadable':
      return `Make ${t.metric ?? 'the metric'} readable again or remove it from spec.metrics: kubectl -n ${ns} describe hpa ${hpa.name} shows it as <unknown> and its FailedGet...Metric events say why (a resource metric: metrics-server; a Pods, Object or External metric: the adapter that serves it, kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1 or external.metrics.k8s.io lists what it serves).`;
    case 'scale-up-disabled':
      return 'If scaling up was disabled for an incident or a freeze, remove behavior.scaleUp.selectPolicy: Disabled (or set it to Max) to let the HPA add replicas again; otherwise raise the pods\' size, as the HPA will not.';
    case 'at-max': {
      const asked = replicasAskedFor(hpa);
      return `Raise maxReplicas${asked !== undefined ? ` (the metrics ask for about ${asked})` : ''} if the cluster and the budget allow it (kubeready audit shows what the maximum costs), or make each pod handle more (more CPU per pod, a higher target); if the cap is meant as a cost limit, the pods run hot by design.`;
    }
    default:
      return `Read the condition's message: kubectl -n ${ns} describe hpa ${hpa.name}.`;
  }
}

/** The finding's message: what does not scale, why, and the controller's own words. */
export function hpaTroubleText(t: HpaTrouble, hpa: Resource, index: ResourceIndex, o: { quote?: boolean } = {}): string {
  const c = t.condition;
  const now = observedAt(index);
  const since = c.since !== undefined ? ` since ${formatTime(c.since)}${now !== undefined ? ` (${formatDuration(Math.max(0, now - c.since))})` : ''}` : '';
  const cond = `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${since}`;
  const quoted = c.message && o.quote !== false ? `: "${shortenMessage(c.message, 240)}"` : '';
  const ref = scaleTargetRef(hpa);
  const target = ref ? `${ref.kind} ${ref.name}` : 'the target';
  // status.currentReplicas is omitted when 0.
  const current = getNumber(hpa.object, ['status', 'currentReplicas']) ?? (hpaSynced(hpa) ? 0 : undefined);
  const max = getNumber(hpa.object, ['spec', 'maxReplicas']);
  if (t.cause === 'at-max' || t.cause === 'scale-up-disabled') {
    const metrics = hpaMetrics(hpa).map((m) => m.text);
    const asked = replicasAskedFor(hpa);
    const head = t.cause === 'at-max' ? `pinned at maxReplicas ${max}` : `does not scale up from ${current ?? '?'} replica${current === 1 ? '' : 's'}`;
    return `${head} (${cond}): ${t.why}${asked !== undefined && current !== undefined && asked > current ? ` (about ${asked})` : ''}${metrics.length ? `; ${metrics.join(', ')}` : ''}`;
  }
  if (t.cause === 'metric-unreadable') return `scales up but not down: ${t.why} (${cond})`;
  if (t.cause === 'not-processed') return `no condition ${c.since !== undefined && now !== undefined ? `${formatDuration(Math.max(0, now - c.since))} after its creation` : 'since its creation'}: ${t.why}`;
  if (t.cause === 'scaling-disabled') return `${target} is scaled to 0, so the HPA does nothing (${cond}): it acts again once the target has a replica`;
  const stays = t.cause === 'target-missing' || t.cause === 'target-unscalable' ? 'nothing is autoscaled' : `${target} stays at ${current !== undefined ? `${current} replica${current === 1 ? '' : 's'}` : 'its replica count'} whatever the load`;
  const others = t.cause === 'ambiguous-selector' && t.others?.length ? ` (${t.others.join(', ')})` : '';
  return `the HPA does not scale: ${t.why}${others}; ${stays} (${cond}${quoted})`;
}

export default defineCheck({
  id: 'hpa-not-scaling',
  pillar: 'availability',
  severity: 'error',
  runtime: true,
  title: 'HorizontalPodAutoscaler does not scale',
  whatBreaks:
    'The autoscaler is there but does nothing: the workload stays at its current replica count when traffic rises, so latency climbs and pods are OOMKilled or time out under the load the HPA was meant to absorb. Nothing alerts on it unless someone reads the HPA\'s conditions.',
  details: `A runtime check (the HPA's status conditions, as the HPA controller writes them; for
autoscaling/v1 objects, the \`autoscaling.alpha.kubernetes.io/conditions\` annotation). Reported:

- **error** when \`AbleToScale\` is False (the target does not exist, has no scale subresource, or
  its scale cannot be written) or \`ScalingActive\` is False because no replica count can be
  computed. The controller's message is read for the cause: the resource metrics API not installed
  (\`could not find the requested resource (get pods.metrics.k8s.io)\`) or not answering; no usage
  for the pods yet; a custom or external metric no adapter serves; a container without a request
  for the resource (\`missing request for cpu in container ...\`, utilization needs every
  container's request); the target's pods not ready; two HPAs over the same pods
  (\`AmbiguousSelector\`);
- **warning** when \`ScalingLimited\` is True with \`TooManyReplicas\` and the HPA runs at
  \`maxReplicas\`: the metrics ask for more, the cap holds the pods above their target;
- **warning** when \`ScalingLimited\` is True with \`ScaleUpLimit\` and \`behavior.scaleUp.selectPolicy\` is
  \`Disabled\`: the metrics ask for more replicas and the HPA will never add one;
- **warning** when \`ScalingActive\` is True but one of several metrics has an empty entry in
  \`status.currentMetrics\` (\`<unknown>\` in \`kubectl describe hpa\`): the controller could not read it and
  scales on the others, upward only: a scale-down is blocked while any metric fails;
- **info** when the target is scaled to 0 (\`ScalingDisabled\`): the HPA waits until it has a replica.

A \`FailedGetScale\` "not found" on a custom resource kind is reported as "does not exist, or has no
scale subresource": the API server answers the same for both.

An HPA with no condition two minutes after its creation is a **warning**: the controller writes them
on its first sync, so it is not running. Not reported for manifests.
\`kubeready diagnose hpa/NAME\` walks the target and its pods as well.

Pillar: availability: the manifest checks that prevent part of it are \`hpa-target-missing\` and
\`hpa-utilization-without-requests\`.`,
  fix: {
    text: 'Fix what the condition names: install or repair the metrics API it reads (metrics-server for cpu and memory, an adapter for custom and external metrics), give every container a request for the resource it scales on, point scaleTargetRef at a workload that exists, keep one HPA per workload; raise maxReplicas when it is pinned there.',
    yaml: `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
      - name: app
        resources:
          requests:
            cpu: 250m        # utilization = usage / request, for every container
            memory: 256Mi
      - name: log-shipper
        resources:
          requests:
            cpu: 50m         # a sidecar without one stops the HPA too
            memory: 64Mi`,
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler'],
  uses: ['Event', 'Deployment', 'StatefulSet', 'ReplicaSet'],
  run(ctx) {
    const hpa = ctx.resource;
    const t = hpaTrouble(hpa, observedAt(ctx.index));
    if (!t) return [];
    const related: RelatedInput[] = [];
    const target = hpaTarget(ctx.index, hpa);
    if (target) related.push({ resource: target, path: ['spec', 'replicas'], note: `scale target ${target.kind}` });
    const warning = eventsFor(ctx.index, hpa).filter((e) => e.type === 'Warning').sort((a, b) => (a.time ?? 0) - (b.time ?? 0)).pop();
    if (warning) related.push({ resource: warning.resource, path: warning.messagePath, note: warning.reason });
    const f: FindingInput = { message: hpaTroubleText(t, hpa, ctx.index), path: t.condition.path, related, fix: hpaFixText(t, hpa, ctx.index) };
    if (t.severity !== 'error') f.severity = t.severity;
    return [f];
  },
});
