/**
 * Availability facts of a workload: its replica floor (HPA, KEDA, spec.replicas), intOrPercent
 * arithmetic, and the spread terms (anti-affinity, topology spread) that place its pods. Used by the
 * availability checks and the survival verdicts. Total: odd input gives "unknown", never a throw.
 */
import type { ResourceIndex } from './index.js';
import type { FieldPath, Json, Resource, Workload } from './types.js';
import { formatPath, get, getArray, getNumber, getObject, getString, isObject } from './util.js';
import { selectorMatches, formatLabels } from './selector.js';

// ---------------------------------------------------------------------------------------------
// Replica floor
// ---------------------------------------------------------------------------------------------

export interface ReplicaFloor {
  /** The lowest replica count the workload runs at. */
  value: number;
  source: 'hpa' | 'keda' | 'replicas' | 'default';
  /** The autoscaler that sets the floor, when one does. */
  by?: Resource;
  /** Human text for messages, e.g. `HorizontalPodAutoscaler "web" minReplicas 3`. */
  text: string;
}

/** Kinds whose spec.replicas defaults to 1 when unset (so an unset field really means one pod). */
export function replicasDefaultToOne(r: Resource): boolean {
  const av = r.apiVersion;
  switch (r.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return av.startsWith('apps/') || av.startsWith('extensions/');
    case 'StatefulSet':
      return av.startsWith('apps/');
    case 'ReplicationController':
      return av === 'v1';
    case 'Rollout':
      return av.startsWith('argoproj.io/');
    // CloudNativePG's spec.instances (kubebuilder default 1).
    case 'Pooler':
      return av.startsWith('postgresql.cnpg.io/');
    default:
      return false;
  }
}

/** A KEDA ScaledObject targeting the workload (KEDA manages the HPA itself, so none is in the manifests). */
function kedaFor(w: Workload, index: ResourceIndex): Resource | undefined {
  const target = w.scaledBy?.resource ?? w.resource;
  const ns = index.namespaceOf(target);
  return index.inNamespace('ScaledObject', ns).find((so) => {
    if (!so.apiVersion.startsWith('keda.sh/')) return false;
    const name = getString(so.object, ['spec', 'scaleTargetRef', 'name']);
    const kind = getString(so.object, ['spec', 'scaleTargetRef', 'kind']) ?? 'Deployment';
    return name === target.name && kind === target.kind && index.deployedWith(so, target);
  });
}

/**
 * The replica floor: an HPA's minReplicas (default 1), a KEDA ScaledObject's minReplicaCount
 * (default 0), else spec.replicas (default 1 for kinds where that is the API default).
 * Null when it cannot be known (custom resources without spec.replicas: Knative and friends scale
 * by other means).
 */
export function replicaFloor(w: Workload, index: ResourceIndex): ReplicaFloor | null {
  const m = index.minReplicas(w);
  if (m.source === 'hpa' && m.hpa) {
    const set = getNumber(m.hpa.object, ['spec', 'minReplicas']) !== undefined;
    return {
      value: m.value,
      source: 'hpa',
      by: m.hpa,
      text: set
        ? `HorizontalPodAutoscaler "${m.hpa.name}" minReplicas ${m.value}`
        : `HorizontalPodAutoscaler "${m.hpa.name}" has no minReplicas (defaults to 1)`,
    };
  }
  const keda = kedaFor(w, index);
  if (keda) {
    const n = getNumber(keda.object, ['spec', 'minReplicaCount']);
    return {
      value: n ?? 0,
      source: 'keda',
      by: keda,
      text: n !== undefined ? `ScaledObject "${keda.name}" minReplicaCount ${n}` : `ScaledObject "${keda.name}" has no minReplicaCount (defaults to 0)`,
    };
  }
  if (w.scaledBy) {
    const ro = w.scaledBy.resource;
    if (w.replicas === null) return null;
    const set = get(ro.object, w.scaledBy.replicasPath) !== undefined;
    return { value: w.replicas, source: set ? 'replicas' : 'default', text: set ? `${ro.kind} "${ro.name}" spec.replicas ${w.replicas}` : `${ro.kind} "${ro.name}" has no spec.replicas (defaults to 1)` };
  }
  if (w.replicas !== null) return { value: w.replicas, source: 'replicas', text: `${formatPath(w.replicasPath ?? ['spec', 'replicas'])} ${w.replicas}` };
  // Present but not a number (an unrendered template, a string): cannot tell.
  if (w.replicasPath) {
    const raw = get(w.resource.object, w.replicasPath);
    if (raw !== undefined && raw !== null) return null;
  }
  if (w.replicasPath && replicasDefaultToOne(w.resource)) return { value: 1, source: 'default', text: `${formatPath(w.replicasPath)} unset (defaults to 1)` };
  return null;
}

/** Where the workload's replica count is written (or belongs): its own spec.replicas, or its Argo Rollout's. */
export function replicaField(w: Workload): { resource: Resource; path: FieldPath } | null {
  if (w.scaledBy) return { resource: w.scaledBy.resource, path: w.scaledBy.replicasPath };
  return w.replicasPath ? { resource: w.resource, path: w.replicasPath } : null;
}

/** "3", or "2 or more" for an autoscaled workload. */
export function replicaCountText(f: ReplicaFloor): string {
  return f.source === 'hpa' || f.source === 'keda' ? `${f.value} or more` : String(f.value);
}

/** "both replicas" for exactly two, else "all 3 replicas" ("all 2 or more replicas" under an autoscaler). */
export function allReplicasText(f: ReplicaFloor): string {
  return f.value === 2 && f.source !== 'hpa' && f.source !== 'keda' ? 'both replicas' : `all ${replicaCountText(f)} replicas`;
}

/** The controller ownerReference of an object (controller: true), e.g. a Pod's ReplicaSet; null when none names a kind and name. */
export function controllerOf(r: Resource): { kind: string; name: string } | null {
  const o = getArray(r.object, ['metadata', 'ownerReferences']).find((x) => isObject(x) && x.controller === true);
  return isObject(o) && typeof o.kind === 'string' && typeof o.name === 'string' ? { kind: o.kind, name: o.name } : null;
}

/** True when the object is managed by a controller (ownerReferences with controller: true), e.g. a Pod of a ReplicaSet. */
export function isControlled(r: Resource): boolean {
  return getArray(r.object, ['metadata', 'ownerReferences']).some((o) => isObject(o) && o.controller === true);
}

/** The built-in controllers that create and replace Pods, ReplicaSets and Jobs. */
export const POD_CONTROLLERS = new Set(['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

/** An HPA with minReplicas 0: it may scale its target to 0 and back up (HPAScaleToZero, on by default from 1.37). */
export function scalesToZero(hpa: Resource | undefined): boolean {
  return getNumber(hpa?.object, ['spec', 'minReplicas']) === 0;
}

// ---------------------------------------------------------------------------------------------
// Int-or-percent (rolling update parameters)
// ---------------------------------------------------------------------------------------------

const PERCENT_RE = /^([0-9]+)%$/;

/** The percentage of a "25%" value, else undefined. */
export function percentOf(v: Json | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = PERCENT_RE.exec(v.trim());
  return m ? parseInt(m[1], 10) : undefined;
}

/**
 * Resolve an IntOrString against a total the way Kubernetes does (intstr.GetScaledValueFromIntOrPercent):
 * integers as-is, "N%" scaled and rounded down or up. Undefined for values the API rejects
 * (negative numbers, strings that are not percentages).
 */
export function scaleIntOrPercent(v: Json | undefined, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const p = percentOf(v);
  if (p === undefined) return undefined;
  const x = (p * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** The raw value the API validation compares with zero (0 and "0%" both count as zero). */
export function isZeroIntOrPercent(v: Json | undefined): boolean {
  return v === 0 || percentOf(v) === 0;
}

export function showIntOrPercent(v: Json | undefined): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

// ---------------------------------------------------------------------------------------------
// Spreading: pod anti-affinity terms and topology spread constraints
// ---------------------------------------------------------------------------------------------

export const HOST_KEYS = ['kubernetes.io/hostname'];
export const ZONE_KEYS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

export interface SpreadTerm {
  kind: 'required-anti-affinity' | 'preferred-anti-affinity' | 'spread';
  topologyKey: string;
  /** Path of the term (PodAffinityTerm or TopologySpreadConstraint). */
  path: FieldPath;
  term: Record<string, Json>;
}

/** Every pod anti-affinity term and topology spread constraint of the pod template. */
export function spreadTerms(w: Workload): SpreadTerm[] {
  const out: SpreadTerm[] = [];
  const anti = [...w.podSpecPath, 'affinity', 'podAntiAffinity'];
  // Read from the pod spec as it will run (an operator may add affinity: ECK's Elasticsearch).
  const spec = w.podSpec;
  getArray(spec, ['affinity', 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution']).forEach((t, i) => {
    const key = getString(t, ['topologyKey']);
    if (isObject(t) && key) out.push({ kind: 'required-anti-affinity', topologyKey: key, path: [...anti, 'requiredDuringSchedulingIgnoredDuringExecution', i], term: t });
  });
  getArray(spec, ['affinity', 'podAntiAffinity', 'preferredDuringSchedulingIgnoredDuringExecution']).forEach((p, i) => {
    const t = getObject(p, ['podAffinityTerm']);
    const key = getString(t, ['topologyKey']);
    if (t && key) out.push({ kind: 'preferred-anti-affinity', topologyKey: key, path: [...anti, 'preferredDuringSchedulingIgnoredDuringExecution', i, 'podAffinityTerm'], term: t });
  });
  getArray(spec, ['topologySpreadConstraints']).forEach((t, i) => {
    const key = getString(t, ['topologyKey']);
    if (isObject(t) && key) out.push({ kind: 'spread', topologyKey: key, path: [...w.podSpecPath, 'topologySpreadConstraints', i], term: t });
  });
  return out;
}

/**
 * Why a term does not count this workload's own pods, or null when it does (or might: when in
 * doubt it counts, so the checks stay quiet).
 */
export function ownPodsProblem(t: SpreadTerm, w: Workload, index: ResourceIndex): { why: string; field: string } | null {
  const labels = w.podLabels;
  // A fragment (kustomize patch) without template labels: the selector cannot be judged.
  if (Object.keys(labels).length === 0) return null;
  const sel = t.term.labelSelector;
  if (sel === undefined || sel === null) return { why: 'has no labelSelector, so it matches no pods at all', field: 'labelSelector' };
  const m = selectorMatches(sel, labels);
  if (m === false) return { why: `has a labelSelector that matches none of this workload's pods (pod labels: ${formatLabels(labels)})`, field: 'labelSelector' };
  if (t.kind !== 'spread') {
    const mismatch = getArray(t.term, ['mismatchLabelKeys']).filter((k): k is string => typeof k === 'string' && k in labels);
    if (mismatch.length) return { why: `lists mismatchLabelKeys ${mismatch.join(', ')}, which excludes this workload's own pods`, field: 'mismatchLabelKeys' };
    const nsList = t.term.namespaces;
    const nsSel = t.term.namespaceSelector;
    if (Array.isArray(nsList) && nsList.length > 0 && (nsSel === undefined || nsSel === null)) {
      const ns = index.namespaceOf(w.resource);
      if (!nsList.includes(ns)) return { why: `only looks at namespaces ${nsList.map(String).join(', ')}, not "${ns}" where these pods run`, field: 'namespaces' };
    }
  }
  return null;
}

export function termLabel(t: SpreadTerm): string {
  return t.kind === 'spread' ? `topologySpreadConstraint over ${t.topologyKey}` : `podAntiAffinity term over ${t.topologyKey}`;
}

