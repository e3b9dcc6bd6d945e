/**
 * What a live HorizontalPodAutoscaler's status says about whether it scales, read the way the HPA
 * controller (pkg/controller/podautoscaler/horizontal.go) writes it: three conditions, each with a
 * reason and the controller's error text.
 *
 * - AbleToScale False: the target's scale subresource cannot be read (FailedGetScale: the target
 *   is missing, or its kind has no scale subresource in that group) or written (FailedUpdateScale).
 * - ScalingActive False: no replica count could be computed: a metric could not be read
 *   (FailedGet*Metric, FailedComputeMetricsReplicas, with the metrics client's error), two HPAs
 *   select the same pods (AmbiguousSelector), the target's selector is unusable (InvalidSelector), or
 *   the target is scaled to zero by hand (ScalingDisabled).
 * - ScalingLimited True with TooManyReplicas: the metrics ask for more than maxReplicas.
 *
 * autoscaling/v1 objects carry the same conditions as JSON in the annotation
 * `autoscaling.alpha.kubernetes.io/conditions`.
 */
import type { ResourceIndex } from './index.js';
import type { FieldPath, Json, Resource } from './types.js';
import { conditionIn, conditionOf, type Condition } from './runtime.js';
import { parseTime } from './events.js';
import { get, getArray, getNumber, getString, isObject } from './util.js';
import { refersTo, scaleTargetRef } from './scale-target.js';

export type HpaCause =
  | 'target-missing'
  | 'target-unscalable'
  | 'scale-update-failed'
  | 'metrics-api-missing'
  | 'metrics-api-unavailable'
  | 'metrics-not-returned'
  | 'custom-metrics-unavailable'
  | 'missing-request'
  | 'pods-unready'
  | 'no-pods'
  | 'ambiguous-selector'
  | 'invalid-selector'
  | 'scaling-disabled'
  | 'at-max'
  | 'scale-up-disabled'
  | 'not-processed'
  | 'metric-container-missing'
  | 'metric-unreadable'
  | 'failed';

export interface HpaTrouble {
  cause: HpaCause;
  /** error: the HPA does not scale at all; warning: it is pinned at maxReplicas; info: scaling is off by the target's own replicas: 0. */
  severity: 'error' | 'warning' | 'info';
  condition: Condition;
  /** The resource whose request is missing (missing-request), else the resource metric that failed. */
  resource?: string;
  /** The container and pod without a request (missing-request). */
  container?: string;
  pod?: string;
  /** The custom or external metric that could not be read, and which API serves it. */
  metric?: string;
  api?: 'custom.metrics.k8s.io' | 'external.metrics.k8s.io';
  /** The other HPAs over the same pods, as namespace/name (ambiguous-selector). */
  others?: string[];
  /** In words: why it does not scale (or stops at max). */
  why: string;
}

const V1_CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';

/** Kinds that always have a scale subresource: "not found" on their /scale means the object is missing. */
const BUILTIN_SCALABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** The field of a metric (spec.metrics[] or status.currentMetrics[]) that holds its body, by its type. */
const METRIC_KEYS: Record<string, string> = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' };

/**
 * The replica count the metrics ask for, from utilization metrics against their targets (the
 * controller's ceil(current x usage / target)), or undefined when no utilization metric is known.
 */
export function replicasAskedFor(hpa: Resource): number | undefined {
  const current = getNumber(hpa.object, ['status', 'currentReplicas']);
  if (!current) return undefined;
  let most: number | undefined;
  const specs = getArray(hpa.object, ['spec', 'metrics']);
  for (const c of getArray(hpa.object, ['status', 'currentMetrics'])) {
    if (!isObject(c) || (c.type !== 'Resource' && c.type !== 'ContainerResource')) continue;
    const key = METRIC_KEYS[c.type];
    const now = getNumber(c, [key, 'current', 'averageUtilization']);
    const name = getString(c, [key, 'name']);
    const spec = specs.find((m) => isObject(m) && m.type === c.type && getString(m, [key, 'name']) === name);
    const target = spec ? getNumber(spec, [key, 'target', 'averageUtilization']) : undefined;
    if (now === undefined || !target) continue;
    const n = Math.ceil((current * now) / target);
    most = most === undefined ? n : Math.max(most, n);
  }
  if (most === undefined) {
    const now = getNumber(hpa.object, ['status', 'currentCPUUtilizationPercentage']);
    const target = getNumber(hpa.object, ['spec', 'targetCPUUtilizationPercentage']);
    if (now !== undefined && target) most = Math.ceil((current * now) / target);
  }
  return most;
}

/** A condition of a live HPA: status.conditions (autoscaling/v2), else the v1 annotation. */
export function hpaCondition(hpa: Resource, type: string): Condition | undefined {
  const c = conditionOf(hpa, type);
  if (c) return c;
  const text = getString(hpa.object, ['metadata', 'annotations', V1_CONDITIONS]);
  if (!text) return undefined;
  let list: Json;
  try {
    list = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  return conditionIn(list, type, () => ['metadata', 'annotations', V1_CONDITIONS]);
}

/** Whether the HPA controller has written a status with conditions. */
export function hpaSynced(hpa: Resource): boolean {
  return hpaCondition(hpa, 'AbleToScale') !== undefined || hpaCondition(hpa, 'ScalingActive') !== undefined;
}

function metricFailure(c: Condition): Pick<HpaTrouble, 'cause' | 'resource' | 'container' | 'pod' | 'metric' | 'api' | 'why'> {
  const m = c.message ?? '';
  const req = /missing (?:pod-level )?request for (\S+) in (?:container (\S+) of )?Pod (\S+)/.exec(m);
  if (req) {
    const [, resource, container, pod] = req;
    return {
      cause: 'missing-request',
      resource,
      container,
      pod,
      why: container
        ? `container ${container} of pod ${pod} has no ${resource} request, and utilization is usage divided by the request of every container`
        : `pod ${pod} has no pod-level ${resource} request`,
    };
  }
  const gone = /container (\S+) not found in Pod (\S+)/.exec(m);
  if (gone) {
    return { cause: 'metric-container-missing', container: gone[1], pod: gone[2], why: `a ContainerResource metric names container ${gone[1]}, which pod ${gone[2]} does not have` };
  }
  const resource = /unable to get metrics for resource (\S+?):/.exec(m)?.[1] ?? /failed to get (\S+) utilization/.exec(m)?.[1];
  if (/\(get pods\.metrics\.k8s\.io\)/.test(m) || /resource metrics API/.test(m)) {
    if (/could not find the requested resource/.test(m)) {
      return { cause: 'metrics-api-missing', resource, why: 'the resource metrics API (metrics.k8s.io) is not served in this cluster: metrics-server (or another provider of that API) is not installed' };
    }
    if (/no metrics returned/.test(m)) {
      return { cause: 'metrics-not-returned', resource, why: 'the resource metrics API answers but has no usage for these pods: they started less than a minute or two ago, or metrics-server cannot scrape their nodes\' kubelets' };
    }
    return { cause: 'metrics-api-unavailable', resource, why: 'the resource metrics API (metrics.k8s.io) is registered but does not answer: metrics-server is down, or its APIService is not Available' };
  }
  if (/no metrics returned matched known pods/.test(m)) {
    return { cause: 'metrics-not-returned', resource, why: 'the resource metrics API returned no usage for the target\'s pods' };
  }
  const external = /external metric (?:\S+?\/)?([^/\s:]+)/.exec(m) ?? /\(get ([^.\s]+)\.external\.metrics\.k8s\.io\)/.exec(m);
  const custom = /unable to get metric (\S+?)(?::| on )/.exec(m);
  if (/external\.metrics\.k8s\.io|external metrics API/.test(m) || (external && /external/.test(c.reason ?? ''))) {
    const metric = external?.[1];
    return {
      cause: 'custom-metrics-unavailable',
      api: 'external.metrics.k8s.io',
      metric,
      why: `the external metrics API (external.metrics.k8s.io) does not serve ${metric ? `metric ${metric}` : 'the metric'}: no adapter is registered for that API, or the one registered (KEDA, prometheus-adapter, a cloud provider's) does not know the metric`,
    };
  }
  if (/custom\.metrics\.k8s\.io|custom metrics API/.test(m) || custom) {
    const metric = custom?.[1];
    return {
      cause: 'custom-metrics-unavailable',
      api: 'custom.metrics.k8s.io',
      metric,
      why: `the custom metrics API (custom.metrics.k8s.io) does not serve ${metric ? `metric ${metric}` : 'the metric'}: no adapter is registered for that API (prometheus-adapter, KEDA, a cloud provider's), or the one registered does not know the metric for these objects`,
    };
  }
  if (/did not receive metrics for targeted pods/.test(m)) {
    return { cause: 'pods-unready', resource, why: 'no usage was returned for the target\'s pods: they are not ready (or not running), so the controller has nothing to average' };
  }
  if (/no pods returned by selector/.test(m)) {
    return { cause: 'no-pods', resource, why: 'the target\'s selector matches no pod: there is nothing to measure' };
  }
  return { cause: 'failed', resource, why: 'the controller could not compute a replica count' };
}

/**
 * Why a live HPA does not scale, or stops at maxReplicas; undefined when it works (or has no status).
 * With `now`, an HPA without conditions two minutes after its creation is reported: the controller
 * writes them on its first sync (seconds after creation, then every 15 s), so it is not running.
 */
export function hpaTrouble(hpa: Resource, now?: number): HpaTrouble | undefined {
  if (!hpaSynced(hpa)) {
    const sinceText = getString(hpa.object, ['metadata', 'creationTimestamp']);
    const created = parseTime(sinceText);
    if (now === undefined || created === undefined || now - created < 2 * 60_000) return undefined;
    return {
      cause: 'not-processed',
      severity: 'warning',
      condition: { type: 'AbleToScale', status: 'Unknown', reason: undefined, message: undefined, since: created, sinceText, path: ['status'] },
      why: 'the HPA controller has written no condition since the HPA was created: kube-controller-manager\'s horizontal-pod-autoscaler controller is not running (disabled with --controllers, or the control plane is unhealthy)',
    };
  }
  const able = hpaCondition(hpa, 'AbleToScale');
  if (able?.status === 'False') {
    const m = able.message ?? '';
    if (able.reason === 'FailedUpdateScale') return { cause: 'scale-update-failed', severity: 'error', condition: able, why: 'the controller computed a replica count but could not write it to the target\'s scale subresource' };
    if (/not found/.test(m) && !/could not find the requested resource/.test(m)) {
      const t = scaleTargetRef(hpa);
      // For a custom resource without a scale subresource the API server answers "not found" on /scale
      // too: only the built-in kinds (which always have one) make it certain the object is missing.
      if (t && !BUILTIN_SCALABLE_KINDS.has(t.kind)) {
        return { cause: 'target-unscalable', severity: 'error', condition: able, why: `${t.kind} ${t.name} does not exist, or kind ${t.kind} has no scale subresource (the API server answers "not found" on /scale for both)` };
      }
      return { cause: 'target-missing', severity: 'error', condition: able, why: t ? `its scaleTargetRef, ${t.kind} ${t.name}, does not exist` : 'the workload its scaleTargetRef names does not exist' };
    }
    return { cause: 'target-unscalable', severity: 'error', condition: able, why: 'the controller cannot read the scale subresource of what scaleTargetRef names (a kind without one, or the wrong apiVersion group)' };
  }
  const active = hpaCondition(hpa, 'ScalingActive');
  if (active?.status === 'False') {
    if (active.reason === 'ScalingDisabled') return { cause: 'scaling-disabled', severity: 'info', condition: active, why: 'the target is scaled to 0 replicas, and the HPA does nothing while it is' };
    if (active.reason === 'AmbiguousSelector') {
      const others = /\[([^\]]*)\]/.exec(active.message ?? '')?.[1]?.split(/\s+/).filter(Boolean) ?? [];
      return { cause: 'ambiguous-selector', severity: 'error', condition: active, others, why: 'more than one HPA selects the same pods, and the controller refuses to act on any of them' };
    }
    if (active.reason === 'InvalidSelector') return { cause: 'invalid-selector', severity: 'error', condition: active, why: 'the target\'s scale subresource reports no usable pod selector' };
    return { ...metricFailure(active), severity: 'error', condition: active };
  }
  const limited = hpaCondition(hpa, 'ScalingLimited');
  const max = getNumber(hpa.object, ['spec', 'maxReplicas']);
  const current = getNumber(hpa.object, ['status', 'currentReplicas']);
  if (limited?.status === 'True' && limited.reason === 'TooManyReplicas' && max !== undefined && current !== undefined && current >= max) {
    return { cause: 'at-max', severity: 'warning', condition: limited, why: `the metrics ask for more replicas than maxReplicas (${max}), so the pods run above their target` };
  }
  // behavior.scaleUp.selectPolicy Disabled: the scale-up limit is the current count (horizontal.go,
  // calculateScaleUpLimitWithScalingRules), so the metrics asking for more gives ScaleUpLimit forever.
  if (limited?.status === 'True' && limited.reason === 'ScaleUpLimit' && getString(hpa.object, ['spec', 'behavior', 'scaleUp', 'selectPolicy']) === 'Disabled') {
    return { cause: 'scale-up-disabled', severity: 'warning', condition: limited, why: 'the metrics ask for more replicas, but behavior.scaleUp.selectPolicy is Disabled: it never adds any' };
  }
  if (active?.status === 'True') {
    const unread = unreadableMetric(hpa);
    if (unread) {
      return {
        cause: 'metric-unreadable',
        severity: 'warning',
        condition: { ...active, path: ['status', 'currentMetrics', unread.index] },
        metric: unread.label,
        why: `metric ${unread.index + 1} of ${unread.of} (${unread.label}) has no current value: the controller could not read it (status.currentMetrics[${unread.index}] is empty), so the HPA scales up on the other metrics but will not scale down while it fails (it then turns ScalingActive False)`,
      };
    }
  }
  return undefined;
}

/**
 * A metric the controller could not read while others worked: computeReplicasForMetrics
 * (horizontal.go) leaves its status empty (`type: ""`) and still scales on the valid ones, unless they
 * would scale down, which the invalid metric blocks (ScalingActive turns False with its reason).
 */
function unreadableMetric(hpa: Resource): { index: number; of: number; label: string } | undefined {
  const specs = getArray(hpa.object, ['spec', 'metrics']);
  const current = getArray(hpa.object, ['status', 'currentMetrics']);
  if (specs.length < 2 || current.length !== specs.length) return undefined;
  const index = current.findIndex((c) => isObject(c) && (c.type === '' || c.type === undefined || c.type === null));
  if (index < 0) return undefined;
  const s = specs[index];
  if (!isObject(s) || typeof s.type !== 'string') return undefined;
  const key = Object.hasOwn(METRIC_KEYS, s.type) ? METRIC_KEYS[s.type] : undefined;
  const body = key && isObject(s[key]) ? (s[key] as Record<string, Json>) : undefined;
  const name = body ? (key === 'resource' || key === 'containerResource' ? getString(body, ['name']) : getString(body, ['metric', 'name'])) : undefined;
  return { index, of: specs.length, label: `${s.type}${name ? ` ${name}` : ''}` };
}

/** The HPAs in the input whose scaleTargetRef names `r`. */
export function hpasOf(index: ResourceIndex, r: Resource): Resource[] {
  return index.inNamespace('HorizontalPodAutoscaler', index.namespaceOf(r)).filter((h) => {
    const t = scaleTargetRef(h);
    return t !== null && refersTo(t, r);
  });
}

/**
 * The other HPAs an AmbiguousSelector condition names (`[ns/a ns/b]`), as found in the input, and
 * whether they all scale the same target as this one (then one HPA with every metric is the fix;
 * otherwise the workloads' selectors overlap).
 */
export function ambiguousPeers(index: ResourceIndex, hpa: Resource, others: string[]): { hpas: Resource[]; sameTarget: boolean } {
  const ns = index.namespaceOf(hpa);
  const hpas = others
    .map((o) => o.split('/'))
    .filter(([o, name]) => !(o === ns && name === hpa.name))
    .map(([o, name]) => index.inNamespace('HorizontalPodAutoscaler', o).find((h) => h.name === name))
    .filter((h): h is Resource => h !== undefined);
  const own = scaleTargetRef(hpa);
  const sameTarget = own !== null && hpas.length > 0 && hpas.every((h) => {
    const o = scaleTargetRef(h);
    return o !== null && o.kind === own.kind && o.name === own.name;
  });
  return { hpas, sameTarget };
}

/** The object the HPA scales, when the input holds it. */
export function hpaTarget(index: ResourceIndex, hpa: Resource): Resource | undefined {
  const t = scaleTargetRef(hpa);
  if (!t) return undefined;
  return index.inNamespace(t.kind, index.namespaceOf(hpa)).find((r) => refersTo(t, r));
}

function quantityText(v: Json | undefined): string | undefined {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
}

/** One metric: what it is now against its target ("cpu: 180% of requests (target 70%)"). */
export interface HpaMetric {
  text: string;
  path: FieldPath;
}

/**
 * The HPA's metrics with their current values (status.currentMetrics, in the order of
 * spec.metrics), for evidence. autoscaling/v1's single CPU target is read too.
 */
export function hpaMetrics(hpa: Resource): HpaMetric[] {
  const specs = getArray(hpa.object, ['spec', 'metrics']);
  const current = getArray(hpa.object, ['status', 'currentMetrics']);
  const out: HpaMetric[] = [];
  if (specs.length === 0) {
    const target = getNumber(hpa.object, ['spec', 'targetCPUUtilizationPercentage']);
    const now = getNumber(hpa.object, ['status', 'currentCPUUtilizationPercentage']);
    if (target !== undefined) out.push({ text: `cpu: ${now !== undefined ? `${now}% of requests` : 'unknown'} (target ${target}%)`, path: ['spec', 'targetCPUUtilizationPercentage'] });
    return out;
  }
  specs.forEach((s, i) => {
    if (!isObject(s) || typeof s.type !== 'string') return;
    const key = Object.hasOwn(METRIC_KEYS, s.type) ? METRIC_KEYS[s.type] : undefined;
    if (!key) return;
    const body = s[key];
    if (!isObject(body)) return;
    const name = key === 'resource' || key === 'containerResource' ? getString(body, ['name']) : getString(body, ['metric', 'name']);
    if (!name) return;
    const label = key === 'containerResource' ? `${name} of container ${getString(body, ['container']) ?? '?'}` : name;
    const target = isObject(body.target) ? body.target : undefined;
    const match = current.find((c) => {
      if (!isObject(c) || c.type !== s.type || !isObject(c[key])) return false;
      const cb = c[key] as Record<string, Json>;
      return (key === 'resource' || key === 'containerResource' ? getString(cb, ['name']) : getString(cb, ['metric', 'name'])) === name;
    });
    const now = isObject(match) && isObject(match[key]) ? get(match[key], ['current']) : undefined;
    const fmt = (t: Json | undefined, isTarget = false): string | undefined => {
      if (!isObject(t)) return undefined;
      const util = getNumber(t, ['averageUtilization']);
      if (util !== undefined && (target === undefined || getString(target, ['type']) === 'Utilization')) return isTarget ? `${util}%` : `${util}% of requests`;
      const avg = quantityText(t.averageValue);
      if (avg !== undefined) return key === 'resource' || key === 'containerResource' || key === 'pods' ? `${avg} per pod` : `${avg} on average`;
      const value = quantityText(t.value);
      return value;
    };
    const nowText = fmt(now);
    const targetText = fmt(target, true);
    out.push({ text: `${label}: ${nowText ?? 'unknown'}${targetText ? ` (target ${targetText})` : ''}`, path: ['spec', 'metrics', i] });
  });
  return out;
}
