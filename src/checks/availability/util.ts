/** Helpers of the availability checks: the model's availability facts, plus parameter readers. */
export * from '../../model/availability.js';
export { selectorMatches, mapSelectorMatches, formatLabels } from '../../model/selector.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Resource, Workload } from '../../model/types.js';
import { get, getArray, getObject, getString, isObject } from '../../model/util.js';
import { removedApi } from '../../model/removed-apis.js';
import { refersTo, scaleTargetGroupProblem, scaleTargetRef } from '../../model/scale-target.js';

/** Read a string[] param defensively (config can hold anything). */
export function stringListParam(v: unknown, fallback: string[]): string[] {
  if (!Array.isArray(v)) return fallback;
  const out = v.filter((x): x is string => typeof x === 'string' && x.length > 0);
  return out;
}

export function numberParam(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

// ---------------------------------------------------------------------------------------------
// HorizontalPodAutoscaler utilization metrics (hpa-utilization-without-requests, hpa-vpa-conflict)

/**
 * What an HPA's scaleTargetRef names in the input: the objects of that kind and name deployed with it,
 * and their pod templates, which are null unless every target has one (an Argo Rollout with
 * workloadRef, or a custom resource loaded as metadata, cannot be judged). Null for a missing ref.
 */
export function hpaTargets(index: ResourceIndex, hpa: Resource): { kind: string; name: string; targets: Resource[]; workloads: Workload[] | null } | null {
  // An autoscaler in a version no longer served is never created; one whose reference names the kind
  // in the wrong API group never reads a scale (hpa-target-missing reports it): neither acts on pods.
  if (removedApi(hpa.apiVersion, hpa.kind)) return null;
  const ref = scaleTargetRef(hpa);
  if (!ref || scaleTargetGroupProblem(ref)) return null;
  const { kind, name } = ref;
  const targets = index.named(kind, name).filter((r) => index.sameScope(r, hpa) && refersTo(ref, r));
  const ws = index.workloadsIn(index.namespaceOf(hpa)).filter((w) => targets.includes(w.resource));
  return { kind, name, targets, workloads: ws.length > 0 && ws.length === targets.length ? ws : null };
}

export type Res = 'cpu' | 'memory';

/** One utilization target of an HPA: usage as a percentage of the pods' (or one container's) requests. */
export interface UtilizationMetric {
  res: Res;
  /** ContainerResource: the one container whose request counts. */
  container?: string;
  path: FieldPath;
  /** How the metric is written, for messages. */
  what: string;
  /** Whether the HPA has other metrics too (it then still scales up on those, but never down). */
  others: boolean;
  /** Set when the HPA names no CPU target and the API server's default (80% CPU) applies. */
  defaulted?: 'metrics' | 'targetCPUUtilizationPercentage';
}

const ALPHA_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';

export function isRes(v: string | undefined): v is Res {
  return v === 'cpu' || v === 'memory';
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null;
}

/** The Resource / ContainerResource utilization metrics of an HPA, defaults included; [] when they cannot be read. */
export function utilizationMetrics(hpa: Resource): UtilizationMetric[] {
  const out: UtilizationMetric[] = [];
  const spec = getObject(hpa.object, ['spec']);
  if (!spec) return out;
  if (hpa.apiVersion === 'autoscaling/v1') {
    const pct = spec.targetCPUUtilizationPercentage;
    // Extra metrics of an autoscaling/v1 HPA travel in an alpha annotation.
    const others = get(hpa.object, ['metadata', 'annotations', ALPHA_METRICS_ANNOTATION]) !== undefined;
    if (typeof pct === 'number') {
      out.push({ res: 'cpu', path: ['spec', 'targetCPUUtilizationPercentage'], what: `targetCPUUtilizationPercentage ${pct}`, others });
    } else if (isEmpty(pct) && !others) {
      // Unset: the API server defaults the policy to 80% average CPU utilization.
      out.push({ res: 'cpu', path: ['spec', 'targetCPUUtilizationPercentage'], what: 'no targetCPUUtilizationPercentage (the default is 80% CPU utilization)', others: false, defaulted: 'targetCPUUtilizationPercentage' });
    }
    return out;
  }
  if (!hpa.apiVersion.startsWith('autoscaling/')) return out;
  const metrics = spec.metrics;
  if (isEmpty(metrics) || (Array.isArray(metrics) && metrics.length === 0)) {
    // autoscaling/v2 (and v2beta*) default an empty metrics list to 80% average CPU utilization.
    out.push({ res: 'cpu', path: ['spec', 'metrics'], what: 'no metrics (the default is 80% CPU utilization)', others: false, defaulted: 'metrics' });
    return out;
  }
  const others = getArray(hpa.object, ['spec', 'metrics']).length > 1;
  getArray(hpa.object, ['spec', 'metrics']).forEach((m, i) => {
    if (!isObject(m)) return;
    const type = getString(m, ['type']);
    const key = type === 'Resource' ? 'resource' : type === 'ContainerResource' ? 'containerResource' : undefined;
    if (!key) return;
    const src = getObject(m, [key]);
    const res = getString(src, ['name']);
    if (!src || !isRes(res)) return;
    // autoscaling/v2 and v2beta2: target.type Utilization; v2beta1: targetAverageUtilization.
    const utilization = getString(src, ['target', 'type']) === 'Utilization' || typeof src.targetAverageUtilization === 'number';
    if (!utilization) return;
    const path: FieldPath = ['spec', 'metrics', i, key, 'name'];
    if (key === 'resource') {
      out.push({ res, path, what: `${res} utilization (metrics[${i}])`, others });
      return;
    }
    const container = getString(src, ['container']);
    if (!container || /[{}$]/.test(container)) return;
    out.push({ res, container, path, what: `${res} utilization of container "${container}" (metrics[${i}])`, others });
  });
  return out;
}
