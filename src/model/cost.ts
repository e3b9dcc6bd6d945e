/**
 * Resources in context and the cost envelope of a workload.
 *
 * 1. What a container really runs with: its own requests and limits, the request the API server
 *    defaults from the limit, and the defaults the LimitRanger admission plugin fills in from the
 *    namespace's LimitRanges (`limitRangeDefaults`, `containerRequest`, `containerLimit`).
 * 2. The effective request and limit of one pod, with the init-container and sidecar rule and the
 *    pod overhead (`podEnvelope`).
 * 3. How many pods run: replicas now, at the autoscaler's floor and ceiling (HPA, KEDA
 *    ScaledObject), per node for DaemonSets, per run for Jobs (`replicaRange`).
 * 4. The cost envelope of a workload and of a namespace (`costOf`, `namespaceCosts`).
 *
 * Model module: imports only from `src/model`. Everything here is derived from the input alone; a
 * figure that cannot be evaluated is reported as a gap, never guessed.
 */
import type { ContainerRef, ContainerType, FieldPath, Json, JsonObject, Resource, Workload } from './types.js';
import type { ResourceIndex } from './index.js';
import { replicaField, scalesToZero } from './availability.js';
import { dirOf, formatBytes, get, getArray, getObject, getString, isObject, isTemplated, parseQuantity } from './util.js';

/**
 * Kinds the cost envelope reads in full besides workloads (the engine must load them whole, see
 * CheckMeta.uses): LimitRange defaults, autoscalers, RuntimeClass pod overhead.
 */
export const COST_KINDS = ['LimitRange', 'HorizontalPodAutoscaler', 'ScaledObject', 'RuntimeClass'];

function hasOwn(o: JsonObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}


// ---------------------------------------------------------------------------------------------
// LimitRange defaults

/** Which field of a LimitRange item a default comes from. */
export type LimitRangeField = 'default' | 'defaultRequest' | 'max' | 'min';

export interface LimitRangeSource {
  limitRange: Resource;
  /** Index of the `type: Container` item in spec.limits. */
  item: number;
  /**
   * The field the value comes from: `defaultRequest` or `default` as written, or `max`/`min`,
   * which the API server copies into `default`/`defaultRequest` when those are not set.
   */
  field: LimitRangeField;
  raw: Json;
  /** spec.limits[item].<field>.<resource> in the LimitRange. */
  path: FieldPath;
}

/** A value the LimitRanger admission plugin fills into containers that do not set it. */
export interface LimitRangeDefault {
  /** Parsed base units; undefined when templated, invalid, or the LimitRanges disagree. */
  value: number | undefined;
  /** The value as written (the first LimitRange's when several set it). */
  raw: Json;
  /** LimitRange name(s) the default comes from. */
  names: string[];
  /** One entry per LimitRange that sets it. */
  sources: LimitRangeSource[];
  /** A source value is unrendered template text (`{{ }}`, `${}`). */
  templated: boolean;
  /** Several LimitRanges set different values: which one applies is not deterministic. */
  conflicting: boolean;
}

/** A `type: Container` item of a LimitRange that applies to a workload. */
export interface LimitRangeItem {
  limitRange: Resource;
  /** Index of the item in spec.limits. */
  index: number;
  item: JsonObject;
}

export interface LimitRangeDefaults {
  items: LimitRangeItem[];
  /** Default requests by resource name ("cpu", "memory", ...). */
  request: Map<string, LimitRangeDefault>;
  /** Default limits by resource name. */
  limit: Map<string, LimitRangeDefault>;
}

function quantityMap(o: JsonObject, key: string): Record<string, Json> {
  const m = getObject(o, [key]);
  const out: Record<string, Json> = {};
  if (!m) return out;
  for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function merge(map: Map<string, LimitRangeDefault>, res: string, src: LimitRangeSource): void {
  const prev = map.get(res);
  if (!prev) map.set(res, { value: undefined, raw: src.raw, names: [src.limitRange.name], sources: [src], templated: false, conflicting: false });
  else {
    prev.sources.push(src);
    if (!prev.names.includes(src.limitRange.name)) prev.names.push(src.limitRange.name);
  }
}

/** Value, templated and conflicting once every LimitRange's source is known. */
function settle(d: LimitRangeDefault): void {
  const values = d.sources.map((s) => (isTemplated(s.raw) ? undefined : parseQuantity(s.raw)));
  d.templated = d.sources.some((s) => isTemplated(s.raw));
  const same = values.every((v) => v !== undefined && v === values[0]);
  d.value = same ? values[0] : undefined;
  // Several LimitRanges with the same value: it does not matter which one applies.
  d.conflicting = d.sources.length > 1 && !same && !d.sources.every((s) => s.raw === d.sources[0].raw);
}

/**
 * The `type: Container` LimitRange items that apply to pods in `namespace` and the defaults they
 * fill in. With `near` (the workload), only those deployed with it (ResourceIndex.deployedWith): namespace-less LimitRanges
 * and workloads only count together in the same folder.
 *
 * Semantics, from the Kubernetes API and the LimitRanger admission plugin
 * (https://kubernetes.io/docs/concepts/policy/limit-range/,
 * https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/memory-default-namespace/,
 * https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/cpu-constraint-namespace/):
 * - The API server defaults each `type: Container` item when the LimitRange is stored: a missing
 *   `default` (limit) is taken from `max`; a missing `defaultRequest` from `default` (after that
 *   step), then from `min`. So `default` alone also sets the default request, and `max` alone sets
 *   both.
 * - At pod admission the plugin fills in, for every container and init container, each limit and
 *   request the container does not set. Items of `type: Pod` set no container fields.
 * - A container that sets a limit but no request already has request = limit from the API server's
 *   Pod defaulting, before admission: the LimitRange default request does not apply to it.
 * - Within one LimitRange a later Container item overrides an earlier one for the same resource.
 * - With several LimitRanges in a namespace the plugin applies each in turn, filling only what is
 *   still unset, in an unspecified order: "If there are two or more LimitRange objects in a
 *   namespace, it is not deterministic which default value will be applied." Different values are
 *   reported as `conflicting`.
 */
export function limitRangeDefaults(index: ResourceIndex, namespace: string, near?: Resource): LimitRangeDefaults {
  // Asked by every resources check of every workload: answered once per workload.
  if (near && namespace === index.namespaceOf(near)) {
    const byResource = index.memo('cost:limitrange-by-resource', () => new Map<Resource, LimitRangeDefaults>());
    let hit = byResource.get(near);
    if (!hit) byResource.set(near, (hit = computeLimitRangeDefaults(index, namespace, near)));
    return hit;
  }
  return computeLimitRangeDefaults(index, namespace, near);
}

function computeLimitRangeDefaults(index: ResourceIndex, namespace: string, near?: Resource): LimitRangeDefaults {
  // What counts depends on the namespace, on whether `near` names one, and on its folder.
  const key = near ? `${namespace}\0${near.namespace === undefined ? '-' : '+'}\0${dirOf(near.origin.file)}` : `${namespace}\0*`;
  return index.memo(`cost:limitrange:${key}`, () => {
    const out: LimitRangeDefaults = { items: [], request: new Map(), limit: new Map() };
    for (const lr of index.inNamespace('LimitRange', namespace)) {
      if (near && !index.deployedWith(lr, near)) continue;
      // This LimitRange's own defaults: later items override earlier ones.
      const limit = new Map<string, LimitRangeSource>();
      const request = new Map<string, LimitRangeSource>();
      getArray(lr.object, ['spec', 'limits']).forEach((item, i) => {
        if (!isObject(item) || getString(item, ['type']) !== 'Container') return;
        out.items.push({ limitRange: lr, index: i, item });
        const fields: Record<LimitRangeField, Record<string, Json>> = {
          max: quantityMap(item, 'max'),
          min: quantityMap(item, 'min'),
          default: quantityMap(item, 'default'),
          defaultRequest: quantityMap(item, 'defaultRequest'),
        };
        const src = (field: LimitRangeField, res: string): LimitRangeSource => ({
          limitRange: lr,
          item: i,
          field,
          raw: fields[field][res],
          path: ['spec', 'limits', i, field, res],
        });
        const names = new Set([...Object.keys(fields.max), ...Object.keys(fields.min), ...Object.keys(fields.default), ...Object.keys(fields.defaultRequest)]);
        for (const res of names) {
          const lim = res in fields.default ? 'default' : res in fields.max ? 'max' : undefined;
          if (lim) limit.set(res, src(lim, res));
          const req = res in fields.defaultRequest ? 'defaultRequest' : lim ?? (res in fields.min ? 'min' : undefined);
          if (req) request.set(res, src(req, res));
        }
      });
      for (const [res, s] of limit) merge(out.limit, res, s);
      for (const [res, s] of request) merge(out.request, res, s);
    }
    for (const d of out.limit.values()) settle(d);
    for (const d of out.request.values()) settle(d);
    return out;
  });
}

/** The LimitRange defaults that apply to a workload's pods (same namespace, same scope). */
export function workloadLimitRangeDefaults(index: ResourceIndex, w: Workload): LimitRangeDefaults {
  return limitRangeDefaults(index, index.namespaceOf(w.resource), w.resource);
}

// ---------------------------------------------------------------------------------------------
// Container values

export type Section = 'requests' | 'limits';

/** A quantity as written. */
export interface WrittenQuantity {
  raw: Json;
  /** Parsed base units (cores, bytes); undefined when it is not a valid quantity. */
  value: number | undefined;
}

/** `resources.<section>.<res>` of a container (or any object with `resources`), when present and not null. */
export function writtenQuantity(spec: Json | undefined, section: Section, res: string): WrittenQuantity | undefined {
  const m = getObject(spec, ['resources', section]);
  if (!m || !hasOwn(m, res)) return undefined;
  const raw = m[res];
  if (raw === null || raw === undefined) return undefined;
  return { raw, value: parseQuantity(raw) };
}

/**
 * Is the container's `resources` (or `resources.<section>`) unrendered template text? Then the
 * manifest says nothing about its values: checks stay silent, the cost marks a gap.
 */
export function resourcesTemplated(spec: Json | undefined, section: Section): boolean {
  const r = get(spec, ['resources']);
  if (isTemplated(r)) return true;
  return isTemplated(get(spec, ['resources', section]));
}

/** Where a container's effective value comes from. */
export type ValueOrigin =
  /** Written in the container. */
  | 'container'
  /** Request not written: the API server defaults it to the container's limit. */
  | 'limit'
  /** Filled in by a LimitRange default at admission. */
  | 'limitrange';

export interface ContainerQuantity extends WrittenQuantity {
  origin: ValueOrigin;
  /** Path of the written field (request or limit) when the origin is the container. */
  path?: FieldPath;
  /** The LimitRange default when the origin is a LimitRange. */
  limitRange?: LimitRangeDefault;
}

/** The request a container runs with: its own, else its limit (API defaulting), else a LimitRange default. */
export function containerRequest(defaults: LimitRangeDefaults, c: ContainerRef, res: string): ContainerQuantity | undefined {
  const own = writtenQuantity(c.spec, 'requests', res);
  if (own) return { ...own, origin: 'container', path: [...c.path, 'resources', 'requests', res] };
  const lim = writtenQuantity(c.spec, 'limits', res);
  if (lim) return { ...lim, origin: 'limit', path: [...c.path, 'resources', 'limits', res] };
  const d = defaults.request.get(res);
  if (d) return { raw: d.raw, value: d.value, origin: 'limitrange', limitRange: d };
  return undefined;
}

/** The limit a container runs with: its own, else a LimitRange default. */
export function containerLimit(defaults: LimitRangeDefaults, c: ContainerRef, res: string): ContainerQuantity | undefined {
  const own = writtenQuantity(c.spec, 'limits', res);
  if (own) return { ...own, origin: 'container', path: [...c.path, 'resources', 'limits', res] };
  const d = defaults.limit.get(res);
  if (d) return { raw: d.raw, value: d.value, origin: 'limitrange', limitRange: d };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// One pod

/** CPU in cores and memory in bytes. */
export interface Quantities {
  cpu: number;
  memory: number;
}

/** CPU in cores and memory in bytes; null when unbounded (a container without a limit) or unknown. */
export interface Bounds {
  cpu: number | null;
  memory: number | null;
}

export type CostResource = 'cpu' | 'memory';
const RESOURCES: CostResource[] = ['cpu', 'memory'];

/** A container value the estimate could not count. */
export interface CostGap {
  container: string;
  containerType: ContainerType;
  resource: CostResource;
  section: Section;
  /**
   * unset: no value and no LimitRange default (a request counts as 0: the figure is a lower
   * bound; a limit is unbounded); templated: unrendered template text; invalid: not a quantity;
   * conflicting: LimitRanges in the namespace set different defaults.
   */
  reason: 'unset' | 'templated' | 'invalid' | 'conflicting';
}

/** The effective request and limit of one pod, as the scheduler and the kubelet compute them. */
export interface PodEnvelope {
  /** Effective pod request (a lower bound when a request gap exists). */
  requests: Quantities;
  /** Effective pod limit; null when some container has no limit (the pod is unbounded) or a limit is unknown. */
  limits: Bounds;
  /** spec.overhead (or the RuntimeClass's podFixed overhead), included in requests and limits. */
  overhead: Quantities | null;
  /** The resource is set by pod-level `spec.resources` (Kubernetes 1.32+), not summed from containers. */
  podLevel: { cpu: boolean; memory: boolean };
  /** The init phase (one init container plus the sidecars started before it) sets the pod request. */
  initDominates: { cpu: boolean; memory: boolean };
}

/**
 * Effective pod value of one resource, per the Kubernetes resource model
 * (https://kubernetes.io/docs/concepts/resource-management/effective-pod-requests-limits/, and
 * `PodRequests` in k8s.io/component-helpers/resource): regular init containers run one at a time,
 * each alongside the sidecars (init containers with restartPolicy Always) listed before it; the
 * sidecars then keep running with the app containers. Pod value =
 * max(sum(app containers) + sum(sidecars), max over init containers i of (value(i) + sum(sidecars before i))).
 */
function aggregate(containers: ContainerRef[], value: (c: ContainerRef) => number): { total: number; initDominates: boolean } {
  let running = 0;
  let sidecars = 0;
  let init = 0;
  for (const c of containers) {
    const v = value(c);
    if (c.type === 'sidecar') {
      running += v;
      sidecars += v;
      init = Math.max(init, sidecars);
    } else if (c.type === 'init') {
      init = Math.max(init, v + sidecars);
    } else running += v;
  }
  return { total: Math.max(running, init), initDominates: init > running };
}

function validValue(q: WrittenQuantity): number | undefined {
  return q.value !== undefined && q.value >= 0 && Number.isFinite(q.value) ? q.value : undefined;
}

function gapReason(q: ContainerQuantity): CostGap['reason'] {
  if (q.limitRange?.conflicting) return 'conflicting';
  if (isTemplated(q.raw) || q.limitRange?.templated) return 'templated';
  return 'invalid';
}

function overheadOf(index: ResourceIndex, w: Workload): { overhead: Quantities | null; note?: string } {
  const own = getObject(w.podSpec, ['overhead']);
  let src: JsonObject | undefined = own;
  let note: string | undefined;
  if (!src) {
    const rc = getString(w.podSpec, ['runtimeClassName']);
    if (!rc) return { overhead: null };
    const cls = index.named('RuntimeClass', rc).find((r) => isObject(get(r.object, ['overhead', 'podFixed'])));
    if (!cls) return { overhead: null };
    src = getObject(cls.object, ['overhead', 'podFixed']);
    note = `pod overhead from RuntimeClass "${rc}" included`;
  }
  const cpu = parseQuantity(src?.cpu);
  const memory = parseQuantity(src?.memory);
  if (cpu === undefined && memory === undefined) return { overhead: null };
  return { overhead: { cpu: cpu ?? 0, memory: memory ?? 0 }, note };
}

/** The effective request and limit of one pod of the workload, with what could not be counted. */
export function podEnvelope(index: ResourceIndex, w: Workload): { pod: PodEnvelope; gaps: CostGap[]; notes: string[] } {
  const defaults = workloadLimitRangeDefaults(index, w);
  const gaps: CostGap[] = [];
  const notes: string[] = [];
  const requests: Quantities = { cpu: 0, memory: 0 };
  const limits: Bounds = { cpu: null, memory: null };
  const podLevel = { cpu: false, memory: false };
  const initDominates = { cpu: false, memory: false };
  for (const res of RESOURCES) {
    const podReq = writtenQuantity(w.podSpec, 'requests', res);
    const podLim = writtenQuantity(w.podSpec, 'limits', res);
    // Container values (gaps are recorded only when the container values decide the pod value).
    const reqGaps: CostGap[] = [];
    const limGaps: CostGap[] = [];
    const gap = (c: ContainerRef, section: Section, reason: CostGap['reason']): CostGap => ({ container: c.name, containerType: c.type, resource: res, section, reason });
    const req = aggregate(w.containers, (c) => {
      // Template text where the request (or the limit it would default from) belongs.
      if (resourcesTemplated(c.spec, 'requests') || (!writtenQuantity(c.spec, 'requests', res) && resourcesTemplated(c.spec, 'limits'))) {
        reqGaps.push(gap(c, 'requests', 'templated'));
        return 0;
      }
      const q = containerRequest(defaults, c, res);
      if (!q) {
        reqGaps.push(gap(c, 'requests', 'unset'));
        return 0;
      }
      const v = validValue(q);
      if (v === undefined) {
        reqGaps.push(gap(c, 'requests', gapReason(q)));
        // Conflicting LimitRange defaults: the smallest keeps the figure a lower bound.
        if (q.limitRange?.conflicting) {
          const vals = q.limitRange.sources.map((s) => parseQuantity(s.raw)).filter((x): x is number => x !== undefined && x >= 0);
          return vals.length === q.limitRange.sources.length ? Math.min(...vals) : 0;
        }
        return 0;
      }
      return v;
    });
    let unbounded = false;
    const lim = aggregate(w.containers, (c) => {
      if (resourcesTemplated(c.spec, 'limits')) {
        limGaps.push(gap(c, 'limits', 'templated'));
        unbounded = true;
        return 0;
      }
      const q = containerLimit(defaults, c, res);
      if (!q) {
        limGaps.push(gap(c, 'limits', 'unset'));
        unbounded = true;
        return 0;
      }
      const v = validValue(q);
      if (v === undefined) {
        limGaps.push(gap(c, 'limits', gapReason(q)));
        unbounded = true;
        return 0;
      }
      return v;
    });
    const podLimValue = podLim ? validValue(podLim) : undefined;
    const podReqValue = podReq ? validValue(podReq) : undefined;
    if (podLim) {
      podLevel[res] = true;
      if (podLimValue !== undefined) limits[res] = podLimValue;
      else gaps.push({ container: '(pod)', containerType: 'container', resource: res, section: 'limits', reason: isTemplated(podLim.raw) ? 'templated' : 'invalid' });
    } else {
      limits[res] = unbounded ? null : lim.total;
      gaps.push(...limGaps);
    }
    if (podReq) {
      podLevel[res] = true;
      if (podReqValue !== undefined) requests[res] = podReqValue;
      else gaps.push({ container: '(pod)', containerType: 'container', resource: res, section: 'requests', reason: isTemplated(podReq.raw) ? 'templated' : 'invalid' });
    } else if (podLim && reqGaps.length > 0 && reqGaps.length === w.containers.length) {
      // Pod-level limit without a pod-level request and no container request: the pod request
      // defaults to the pod limit.
      if (podLimValue !== undefined) requests[res] = podLimValue;
      notes.push(`pod-level ${res} request taken from the pod-level limit`);
    } else {
      requests[res] = req.total;
      initDominates[res] = req.initDominates;
      gaps.push(...reqGaps);
    }
  }
  // Container order, then requests before limits, then CPU before memory.
  const order = new Map(w.containers.map((c, i) => [c.name, i]));
  const rank = (g: CostGap) => [order.get(g.container) ?? -1, g.section === 'requests' ? 0 : 1, g.resource === 'cpu' ? 0 : 1];
  gaps.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  });
  const { overhead, note } = overheadOf(index, w);
  if (overhead) {
    requests.cpu += overhead.cpu;
    requests.memory += overhead.memory;
    if (limits.cpu !== null) limits.cpu += overhead.cpu;
    if (limits.memory !== null) limits.memory += overhead.memory;
    if (note) notes.push(note);
  }
  return { pod: { requests, limits, overhead, podLevel, initDominates }, gaps, notes };
}

// ---------------------------------------------------------------------------------------------
// How many pods

export interface ReplicaRange {
  /** Pods now: spec.replicas (default 1), kept within the autoscaler's range when one targets the workload. */
  now: number;
  /** Pods at the autoscaler's floor (= now without an autoscaler). */
  min: number;
  /** Pods at the autoscaler's ceiling (= now without an autoscaler); null when it cannot be read. */
  max: number | null;
  /**
   * What the counts are. replicas: pods of a replicated workload or a bare pod; per-node: one pod,
   * the figures are per node (DaemonSet, node count not given); nodes: DaemonSet pods on the given
   * node count; per-run: pods of one run of a Job (parallelism), which runs to completion.
   */
  unit: 'replicas' | 'per-node' | 'nodes' | 'per-run';
  /** Where the counts come from. */
  source: 'replicas' | 'default' | 'hpa' | 'keda' | 'autoscaler' | 'nodes' | 'parallelism' | 'pod';
  /** The HorizontalPodAutoscalers and KEDA ScaledObjects that scale the workload (a RayCluster or RayService for its autoscaled worker groups). */
  autoscalers: Resource[];
  notes: string[];
}

export interface CostOptions {
  /** Node count for DaemonSets; null (default): figures are per node. */
  nodes?: number | null;
}

/** KEDA ScaledObjects by `${namespace}/${kind}/${name}` of their scale target. */
function scaledObjectsFor(index: ResourceIndex, r: Resource): Resource[] {
  const byTarget = index.memo('cost:scaledobjects', () => {
    const m = new Map<string, Resource[]>();
    for (const so of index.ofKind('ScaledObject')) {
      if (!so.apiVersion.startsWith('keda.sh/')) continue;
      const name = getString(so.object, ['spec', 'scaleTargetRef', 'name']);
      if (!name) continue;
      // KEDA's default target kind is a Deployment.
      const kind = getString(so.object, ['spec', 'scaleTargetRef', 'kind']) ?? 'Deployment';
      const key = `${index.namespaceOf(so)}/${kind}/${name}`;
      let l = m.get(key);
      if (!l) m.set(key, (l = []));
      l.push(so);
    }
    return m;
  });
  return (byTarget.get(`${index.namespaceOf(r)}/${r.kind}/${r.name}`) ?? []).filter((so) => index.deployedWith(so, r));
}

/** A replica count field: its number, 'absent', or 'unknown' (templated or not a non-negative integer). */
function count(obj: Json | undefined, path: FieldPath): number | 'absent' | 'unknown' {
  const v = get(obj, path);
  if (v === undefined || v === null) return 'absent';
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  return 'unknown';
}

/** Pod counts of a workload; null when the count cannot be read (templated replicas, parallelism). */
export function replicaRange(index: ResourceIndex, w: Workload, options: CostOptions = {}): ReplicaRange | null {
  const range = replicaCount(index, w, options);
  const per = range ? podsPerReplica(w) : 1;
  if (!range || per === 1) return range;
  if (per === null) return null;
  return { ...range, now: range.now * per, min: range.min * per, max: range.max === null ? null : range.max * per };
}

/**
 * Pods of this template per replica of its object: a KubeRay worker group's replicas are numOfHosts
 * pods each (default 1); a LeaderWorkerSet's spec.replicas counts groups of
 * spec.leaderWorkerTemplate.size pods (default 1), one leader and size - 1 workers; without a
 * leaderTemplate the workerTemplate makes the leader too. 1 for everything else; null when the size
 * cannot be read.
 */
function podsPerReplica(w: Workload): number | null {
  const r = w.resource;
  // KubeRay: each replica of a worker group is numOfHosts pods (a multi-host TPU slice), default 1.
  if (r.apiVersion.startsWith('ray.io/')) {
    const group = w.podSpecPath.slice(0, -2);
    if (group[group.length - 2] !== 'workerGroupSpecs') return 1;
    const hosts = count(r.object, [...group, 'numOfHosts']);
    return hosts === 'unknown' ? null : hosts === 'absent' ? 1 : hosts;
  }
  if (r.kind !== 'LeaderWorkerSet' || !r.apiVersion.startsWith('leaderworkerset.x-k8s.io/')) return 1;
  const which = w.podSpecPath[w.podSpecPath.length - 2];
  if (which !== 'workerTemplate') return 1;
  const size = count(r.object, ['spec', 'leaderWorkerTemplate', 'size']);
  if (size === 'unknown') return null;
  const n = size === 'absent' ? 1 : size;
  return get(r.object, ['spec', 'leaderWorkerTemplate', 'leaderTemplate']) === undefined ? n : Math.max(0, n - 1);
}

/** A KubeRay worker group under the in-tree autoscaler: its replica range; null otherwise (or unreadable). */
function rayWorkerAutoscaling(w: Workload): { min: number; max: number | null } | null {
  const r = w.resource;
  if (!r.apiVersion.startsWith('ray.io/') || (r.kind !== 'RayCluster' && r.kind !== 'RayService')) return null;
  const group = w.podSpecPath.slice(0, -2);
  if (group[group.length - 2] !== 'workerGroupSpecs') return null;
  const clusterSpec = group.slice(0, -2);
  if (get(r.object, [...clusterSpec, 'enableInTreeAutoscaling']) !== true) return null;
  const min = count(r.object, [...group, 'minReplicas']);
  const max = count(r.object, [...group, 'maxReplicas']);
  if (min === 'unknown' || max === 'unknown') return null;
  return { min: min === 'absent' ? 0 : min, max: max === 'absent' || max >= 2147483647 ? null : max };
}

function replicaCount(index: ResourceIndex, w: Workload, options: CostOptions = {}): ReplicaRange | null {
  const notes: string[] = [];
  const r = w.resource;
  if (w.class === 'daemon') {
    const n = options.nodes;
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return { now: n, min: n, max: n, unit: 'nodes', source: 'nodes', autoscalers: [], notes };
    return { now: 1, min: 1, max: 1, unit: 'per-node', source: 'nodes', autoscalers: [], notes };
  }
  if (w.class === 'batch') {
    if (r.kind === 'Pod') return { now: 1, min: 1, max: 1, unit: 'per-run', source: 'pod', autoscalers: [], notes };
    const jobSpec: FieldPath | null = r.kind === 'Job' ? ['spec'] : r.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec'] : null;
    if (!jobSpec) {
      // A replica count beside the template (an MPIJob's Worker.replicas, a Ray worker group's replicas).
      if (w.replicas !== null && Number.isInteger(w.replicas) && w.replicas >= 0) {
        return { now: w.replicas, min: w.replicas, max: w.replicas, unit: 'per-run', source: 'replicas', autoscalers: [], notes };
      }
      notes.push(`${r.kind} runs to completion; counted as one pod per run`);
      return { now: 1, min: 1, max: 1, unit: 'per-run', source: 'default', autoscalers: [], notes };
    }
    const parallelism = count(r.object, [...jobSpec, 'parallelism']);
    const completions = count(r.object, [...jobSpec, 'completions']);
    if (parallelism === 'unknown' || completions === 'unknown') return null;
    // At most `parallelism` pods at once (default 1), and never more than the completions left.
    let n = parallelism === 'absent' ? 1 : parallelism;
    if (typeof completions === 'number') n = Math.min(n, completions);
    return { now: n, min: n, max: n, unit: 'per-run', source: parallelism === 'absent' ? 'default' : 'parallelism', autoscalers: [], notes };
  }
  if (w.class === 'pod') return { now: 1, min: 1, max: 1, unit: 'replicas', source: 'pod', autoscalers: [], notes };
  let now: number;
  let source: ReplicaRange['source'];
  const field = replicaField(w);
  const written = field ? count(field.resource.object, field.path) : 'absent';
  if (written === 'unknown') return null;
  if (written === 'absent') {
    now = 1;
    source = 'default';
  } else {
    now = written;
    source = 'replicas';
  }
  const autoscalers: Resource[] = [];
  let lo: number | undefined;
  let hi: number | null | undefined;
  const widen = (min: number, max: number | null) => {
    lo = lo === undefined ? min : Math.min(lo, min);
    hi = hi === undefined ? max : hi === null || max === null ? null : Math.max(hi, max);
  };
  // An autoscaler scales the replica field of the object's own template, not its other templates'
  // (a LeaderWorkerSet's groups are its leader's and workers' replicas alike).
  const scaled = !w.templateOf || r.kind === 'LeaderWorkerSet';
  for (const hpa of scaled ? index.hpasFor(r) : []) {
    const min = count(hpa.object, ['spec', 'minReplicas']);
    const max = count(hpa.object, ['spec', 'maxReplicas']);
    if (max === 'absent') {
      notes.push(`HorizontalPodAutoscaler "${hpa.name}" has no maxReplicas: the API server rejects it, so it is not counted`);
      continue;
    }
    const minV = min === 'absent' ? 1 : min;
    if (typeof minV === 'number' && typeof max === 'number' && minV > max) {
      notes.push(`HorizontalPodAutoscaler "${hpa.name}" has minReplicas ${minV} above maxReplicas ${max}: the API server rejects it, so it is not counted`);
      continue;
    }
    autoscalers.push(hpa);
    if (minV === 'unknown') notes.push(`HorizontalPodAutoscaler "${hpa.name}" minReplicas cannot be read; taken as 1`);
    widen(typeof minV === 'number' ? minV : 1, typeof max === 'number' ? max : null);
  }
  for (const so of scaled ? scaledObjectsFor(index, r) : []) {
    // KEDA defaults: minReplicaCount 0, maxReplicaCount 100; idleReplicaCount (only 0) applies when idle.
    const min = count(so.object, ['spec', 'minReplicaCount']);
    const max = count(so.object, ['spec', 'maxReplicaCount']);
    const idle = count(so.object, ['spec', 'idleReplicaCount']);
    let minV = min === 'absent' ? 0 : min === 'unknown' ? 0 : min;
    if (typeof idle === 'number') minV = Math.min(minV, idle);
    const maxV = max === 'absent' ? 100 : max;
    autoscalers.push(so);
    if (min === 'unknown') notes.push(`ScaledObject "${so.name}" minReplicaCount cannot be read; taken as 0`);
    widen(minV, typeof maxV === 'number' ? maxV : null);
  }
  // KubeRay's in-tree autoscaler (enableInTreeAutoscaling) scales each worker group between its
  // minReplicas (default 0) and maxReplicas (the CRD's default 2147483647: no ceiling).
  const ray = rayWorkerAutoscaling(w);
  if (ray) {
    autoscalers.push(r);
    widen(ray.min, ray.max);
    notes.push(`the KubeRay autoscaler (enableInTreeAutoscaling) scales this worker group between minReplicas ${ray.min} and ${ray.max === null ? 'no ceiling (maxReplicas unset)' : `maxReplicas ${ray.max}`}`);
  }
  if (autoscalers.length === 0) return { now, min: now, max: now, unit: 'replicas', source, autoscalers, notes };
  // An HPA disables itself while its target has spec.replicas 0 (KEDA activates from 0 itself).
  if (written === 0 && autoscalers.every((a) => a.kind === 'HorizontalPodAutoscaler' && !scalesToZero(a))) {
    const whose = field && field.resource !== w.resource ? `${field.resource.kind} "${field.resource.name}" ` : '';
    notes.push(`${whose}spec.replicas is 0: HorizontalPodAutoscaler "${autoscalers[0].name}" does not scale a workload up from 0, so no pod runs`);
    return { now: 0, min: 0, max: 0, unit: 'replicas', source, autoscalers, notes };
  }
  if (autoscalers.length > 1) notes.push(`${autoscalers.length} autoscalers target this workload (they fight over its replicas); the range covers all of them`);
  const min = lo ?? now;
  const max = hi === undefined ? now : hi;
  // The autoscaler moves spec.replicas into its range right away.
  now = Math.max(now, min);
  if (max !== null) now = Math.min(now, max);
  const kinds = new Set(autoscalers.map((a) => a.kind));
  return { now, min, max, unit: 'replicas', source: kinds.has('HorizontalPodAutoscaler') ? 'hpa' : kinds.has('ScaledObject') ? 'keda' : 'autoscaler', autoscalers, notes };
}

// ---------------------------------------------------------------------------------------------
// Prices and the envelope

/** Prices for the monthly estimate (`cost:` in .kubeready.yaml). */
export interface Prices {
  /** Price of one vCPU (one core of request) for one hour. */
  cpuPerHour: number;
  /** Price of one GiB of memory for one hour. */
  memoryGiBPerHour: number;
  /** Currency code shown with the figures. */
  currency: string;
  /** Hours in a month: 730 = 8,760 hours a year / 12. */
  hoursPerMonth: number;
}

/**
 * Default prices: AWS Fargate on-demand, Linux/x86, US East (N. Virginia): USD 0.04048 per
 * vCPU-hour and USD 0.004445 per GB-hour (AWS Fargate pricing page as listed in 2026, unchanged
 * since the January 2019 price cut). Fargate bills pods by their requested vCPU and memory, which
 * is exactly what this estimate multiplies, and the price is public and stable; the memory price is
 * applied per GiB (Fargate sizes memory in binary gigabytes). Node-based clusters usually pay less
 * per requested unit (and more per unused one): set your own prices in `.kubeready.yaml`.
 */
export const DEFAULT_PRICES: Prices = Object.freeze({ cpuPerHour: 0.04048, memoryGiBPerHour: 0.004445, currency: 'USD', hoursPerMonth: 730 });

/** DEFAULT_PRICES overridden by whatever the configuration sets. */
export function resolvePrices(partial?: Partial<Prices> | null): Prices {
  const out: Prices = { ...DEFAULT_PRICES };
  if (!partial) return out;
  if (typeof partial.cpuPerHour === 'number' && Number.isFinite(partial.cpuPerHour) && partial.cpuPerHour >= 0) out.cpuPerHour = partial.cpuPerHour;
  if (typeof partial.memoryGiBPerHour === 'number' && Number.isFinite(partial.memoryGiBPerHour) && partial.memoryGiBPerHour >= 0) out.memoryGiBPerHour = partial.memoryGiBPerHour;
  if (typeof partial.currency === 'string' && partial.currency.length > 0) out.currency = partial.currency;
  if (typeof partial.hoursPerMonth === 'number' && Number.isFinite(partial.hoursPerMonth) && partial.hoursPerMonth > 0) out.hoursPerMonth = partial.hoursPerMonth;
  return out;
}

/** Price of these resources for one hour. */
export function hourlyPrice(q: Quantities, prices: Prices): number {
  return q.cpu * prices.cpuPerHour + (q.memory / 2 ** 30) * prices.memoryGiBPerHour;
}

function times(q: Quantities, n: number): Quantities {
  return { cpu: q.cpu * n, memory: q.memory * n };
}

function boundsTimes(b: Bounds, n: number | null): Bounds {
  return { cpu: b.cpu === null || n === null ? null : b.cpu * n, memory: b.memory === null || n === null ? null : b.memory * n };
}

export interface WorkloadCost {
  resource: Resource;
  kind: string;
  name: string;
  namespace: string;
  /** One pod: effective request and limit. */
  pod: PodEnvelope;
  replicas: ReplicaRange;
  /** Requests x pods now, at the autoscaler's floor and at its ceiling (null: ceiling unknown). */
  requests: { now: Quantities; min: Quantities; max: Quantities | null };
  /** The worst case: limits x pods at the ceiling; null per resource when unbounded or unknown. */
  limitsAtMax: Bounds;
  /** Limit / request of one pod; null when the limit is unbounded or the request is 0. */
  overcommit: Bounds;
  /** Cost of the requests for one hour: now, at the floor, at the ceiling. */
  hourly: { now: number; min: number; max: number | null };
  /** hourly x hoursPerMonth; null for workloads that run to completion (per-run: duration unknown). */
  monthly: { now: number; min: number; max: number | null } | null;
  /** Monthly cost of the worst case (limits at the ceiling); null when unbounded or per run. */
  monthlyAtLimits: number | null;
  currency: string;
  /** Some request could not be counted: the request and cost figures are lower bounds. */
  incomplete: boolean;
  /** Containers whose request could not be counted, by name ("(pod)" for pod-level fields). */
  incompleteContainers: string[];
  /** Everything that could not be counted, requests and limits. */
  gaps: CostGap[];
  notes: string[];
  /**
   * A custom resource with several pod templates (a RayCluster's head and worker groups): each
   * template's own figures. The object's figures above are then their sums, except pod, replicas and
   * overcommit, which are the first template's.
   */
  templates?: TemplateCost[];
}

/** One pod template's share of a custom resource's cost. */
export interface TemplateCost {
  /** The template, as a field path (`spec.workerGroupSpecs[0].template`). */
  field: string;
  pod: { requests: Quantities; limits: Bounds };
  replicas: { now: number; min: number; max: number | null };
  requests: Quantities;
  hourly: number;
  monthly: number | null;
}

/**
 * The cost of a custom resource with several pod templates: the sum of its templates' costs (the
 * first one's pod, replicas and overcommit, which cannot be summed). Templates whose replica count
 * cannot be read are left out, with a note.
 */
export function combineCosts(parts: { field: string; cost: WorkloadCost | null }[]): WorkloadCost | null {
  const first = parts[0]?.cost;
  if (!first) return null;
  const known = parts.filter((p): p is { field: string; cost: WorkloadCost } => p.cost !== null);
  const notes = [...first.notes];
  for (const p of parts) if (!p.cost) notes.push(`pod template ${p.field}: replicas cannot be read, not counted`);
  for (const p of known.slice(1)) for (const n of p.cost.notes) if (!notes.includes(n)) notes.push(n);
  const sum = (f: (c: WorkloadCost) => Quantities) => known.reduce((a, p) => ({ cpu: a.cpu + f(p.cost).cpu, memory: a.memory + f(p.cost).memory }), { cpu: 0, memory: 0 });
  const sumOrNull = (f: (c: WorkloadCost) => number | null) => known.reduce<number | null>((a, p) => (a === null || f(p.cost) === null ? null : a + f(p.cost)!), 0);
  const sumBounds = (f: (c: WorkloadCost) => Bounds): Bounds => ({ cpu: sumOrNull((c) => f(c).cpu), memory: sumOrNull((c) => f(c).memory) });
  const maxes = known.map((p) => p.cost.requests.max);
  const gaps = known.flatMap((p) => p.cost.gaps);
  const incompleteContainers = [...new Set(known.flatMap((p) => p.cost.incompleteContainers))];
  return {
    ...first,
    requests: { now: sum((c) => c.requests.now), min: sum((c) => c.requests.min), max: maxes.some((m) => m === null) ? null : sum((c) => c.requests.max!) },
    limitsAtMax: sumBounds((c) => c.limitsAtMax),
    hourly: { now: sumOrNull((c) => c.hourly.now)!, min: sumOrNull((c) => c.hourly.min)!, max: sumOrNull((c) => c.hourly.max) },
    monthly: first.monthly === null || known.some((p) => p.cost.monthly === null) ? null : { now: sumOrNull((c) => c.monthly!.now)!, min: sumOrNull((c) => c.monthly!.min)!, max: sumOrNull((c) => c.monthly!.max) },
    monthlyAtLimits: sumOrNull((c) => c.monthlyAtLimits),
    incomplete: known.some((p) => p.cost.incomplete),
    incompleteContainers,
    gaps,
    notes,
    templates: known.map((p) => ({
      field: p.field,
      pod: { requests: p.cost.pod.requests, limits: p.cost.pod.limits },
      replicas: { now: p.cost.replicas.now, min: p.cost.replicas.min, max: p.cost.replicas.max },
      requests: p.cost.requests.now,
      hourly: p.cost.hourly.now,
      monthly: p.cost.monthly ? p.cost.monthly.now : null,
    })),
  };
}

/**
 * The cost envelope of one workload: per pod, x replicas now / at the autoscaler's floor and
 * ceiling (per node for DaemonSets, per run for Jobs), priced with `prices`. Null when the pod
 * count cannot be read from the input (templated replicas or parallelism).
 */
export function costOf(index: ResourceIndex, w: Workload, prices: Prices = DEFAULT_PRICES, options: CostOptions = {}): WorkloadCost | null {
  const replicas = replicaRange(index, w, options);
  if (!replicas) return null;
  const { pod, gaps, notes } = podEnvelope(index, w);
  const requests = { now: times(pod.requests, replicas.now), min: times(pod.requests, replicas.min), max: replicas.max === null ? null : times(pod.requests, replicas.max) };
  const limitsAtMax = boundsTimes(pod.limits, replicas.max);
  const ratio = (lim: number | null, req: number) => (lim === null || req <= 0 ? null : lim / req);
  const hourly = { now: hourlyPrice(requests.now, prices), min: hourlyPrice(requests.min, prices), max: requests.max ? hourlyPrice(requests.max, prices) : null };
  const perRun = replicas.unit === 'per-run';
  const m = prices.hoursPerMonth;
  const incompleteContainers = [...new Set(gaps.filter((g) => g.section === 'requests').map((g) => g.container))];
  return {
    resource: w.resource,
    kind: w.resource.kind,
    name: w.resource.name,
    namespace: index.namespaceOf(w.resource),
    pod,
    replicas,
    requests,
    limitsAtMax,
    overcommit: { cpu: ratio(pod.limits.cpu, pod.requests.cpu), memory: ratio(pod.limits.memory, pod.requests.memory) },
    hourly,
    monthly: perRun ? null : { now: hourly.now * m, min: hourly.min * m, max: hourly.max === null ? null : hourly.max * m },
    monthlyAtLimits: perRun || limitsAtMax.cpu === null || limitsAtMax.memory === null ? null : hourlyPrice({ cpu: limitsAtMax.cpu, memory: limitsAtMax.memory }, prices) * m,
    currency: prices.currency,
    incomplete: incompleteContainers.length > 0,
    incompleteContainers,
    gaps,
    notes: [...replicas.notes, ...notes],
  };
}

/** Sums over a set of workload costs counted in the same unit. */
export interface CostTotals {
  /** Workloads summed. */
  workloads: number;
  requests: { now: Quantities; min: Quantities; max: Quantities | null };
  limitsAtMax: Bounds;
  hourly: { now: number; min: number; max: number | null };
  /** null for per-run totals (duration unknown). */
  monthly: { now: number; min: number; max: number | null } | null;
  /** Some workload's figures are lower bounds. */
  incomplete: boolean;
}

export interface NamespaceCost {
  namespace: string;
  /** Every workload of the namespace whose cost could be computed. */
  workloads: WorkloadCost[];
  /** Workloads whose pod count could not be read (costOf returned null). */
  skipped: Resource[];
  /** Long-running workloads: replicas, bare pods, and DaemonSets when a node count is given. */
  running: CostTotals | null;
  /** DaemonSets without a node count: per node. */
  perNode: CostTotals | null;
  /** Jobs and CronJobs: one run of each at once (hourly only). */
  perRun: CostTotals | null;
  currency: string;
}

/** Sums of workload costs counted in one unit (null for none). */
export function sumTotals(costs: WorkloadCost[], prices: Prices, perRun: boolean): CostTotals | null {
  if (costs.length === 0) return null;
  const add = (a: Quantities, b: Quantities): Quantities => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });
  let now: Quantities = { cpu: 0, memory: 0 };
  let min: Quantities = { cpu: 0, memory: 0 };
  let max: Quantities | null = { cpu: 0, memory: 0 };
  const lim: Bounds = { cpu: 0, memory: 0 };
  for (const c of costs) {
    now = add(now, c.requests.now);
    min = add(min, c.requests.min);
    max = max && c.requests.max ? add(max, c.requests.max) : null;
    for (const res of RESOURCES) {
      const l = lim[res];
      const v = c.limitsAtMax[res];
      lim[res] = l === null || v === null ? null : l + v;
    }
  }
  const hourly = { now: hourlyPrice(now, prices), min: hourlyPrice(min, prices), max: max ? hourlyPrice(max, prices) : null };
  const m = prices.hoursPerMonth;
  return {
    workloads: costs.length,
    requests: { now, min, max },
    limitsAtMax: lim,
    hourly,
    monthly: perRun ? null : { now: hourly.now * m, min: hourly.min * m, max: hourly.max === null ? null : hourly.max * m },
    incomplete: costs.some((c) => c.incomplete),
  };
}

/**
 * Cost envelopes per namespace (effective namespace: the manifest's, else the default), sorted by
 * namespace name. Totals are kept apart by unit: replicated workloads, per-node DaemonSets and
 * per-run Jobs do not add up to one meaningful figure.
 */
export function namespaceCosts(index: ResourceIndex, prices: Prices = DEFAULT_PRICES, options: CostOptions = {}): NamespaceCost[] {
  const byNs = new Map<string, { costs: WorkloadCost[]; skipped: Resource[] }>();
  for (const w of index.workloads) {
    const ns = index.namespaceOf(w.resource);
    let e = byNs.get(ns);
    if (!e) byNs.set(ns, (e = { costs: [], skipped: [] }));
    const c = costOf(index, w, prices, options);
    if (c) e.costs.push(c);
    else e.skipped.push(w.resource);
  }
  return [...byNs.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([namespace, { costs, skipped }]) => ({
      namespace,
      workloads: costs,
      skipped,
      running: sumTotals(costs.filter((c) => c.replicas.unit === 'replicas' || c.replicas.unit === 'nodes'), prices, false),
      perNode: sumTotals(costs.filter((c) => c.replicas.unit === 'per-node'), prices, false),
      perRun: sumTotals(costs.filter((c) => c.replicas.unit === 'per-run'), prices, true),
      currency: prices.currency,
    }));
}

// ---------------------------------------------------------------------------------------------
// Text

/** CPU the way people write it: "250m", "2", "1.5". */
export function formatCores(cores: number): string {
  if (cores === 0) return '0';
  if (cores < 1) {
    const m = cores * 1000;
    return `${Number.isInteger(m) ? m : m.toFixed(1).replace(/\.0$/, '')}m`;
  }
  return Number.isInteger(cores) ? String(cores) : cores.toFixed(2).replace(/\.?0+$/, '');
}

function formatMoney(v: number, currency: string): string {
  return `${currency} ${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)}`;
}

function formatQ(q: Quantities): string {
  return `${formatCores(q.cpu)} CPU, ${q.memory === 0 ? '0' : formatBytes(q.memory)} memory`;
}

/**
 * One line for reports: "per pod 500m CPU, 1Gi memory; x3 replicas (2-10 by HorizontalPodAutoscaler
 * "web"): 1.5 CPU, 3Gi memory, about USD 58/month (39-195); lower bound: no request for memory on
 * container "sidecar"".
 */
export function describeCost(c: WorkloadCost): string {
  const r = c.replicas;
  if (c.incomplete && (c.templates ?? [c]).every((t) => t.pod.requests.cpu === 0 && t.pod.requests.memory === 0)) {
    return 'no CPU or memory request on any container: the scheduler reserves nothing, so no cost can be estimated';
  }
  const podCount = (n: number) =>
    r.unit === 'per-node' ? 'per node' : r.unit === 'nodes' ? `x${n} nodes` : r.unit === 'per-run' ? `x${n} pod${n === 1 ? '' : 's'} per run` : `x${n} replica${n === 1 ? '' : 's'}`;
  let count = podCount(r.now);
  if (r.autoscalers.length > 0) count += ` (${r.max === null ? `${r.min} and up, no ceiling,` : `${r.min}-${r.max}`} by ${r.autoscalers.map((a) => `${a.kind} "${a.name}"`).join(', ')})`;
  const parts: string[] = [];
  if (c.templates && c.templates.length > 1) {
    // Each pod template, then the object's total.
    c.templates.forEach((t, i) => parts.push(`${t.field}: per pod ${formatQ(t.pod.requests)} ${i === 0 ? count : podCount(t.replicas.now)}`));
    count = 'in all';
  } else parts.push(`per pod ${formatQ(c.pod.requests)}`);
  let money: string;
  if (c.monthly) {
    money = `about ${formatMoney(c.monthly.now, c.currency)}/month`;
    if (r.autoscalers.length > 0) money += ` (${formatMoney(c.monthly.min, c.currency)} to ${c.monthly.max === null ? 'no ceiling' : formatMoney(c.monthly.max, c.currency)})`;
  } else money = `about ${formatMoney(c.hourly.now, c.currency)} per hour of run`;
  parts.push(`${count}: ${formatQ(c.requests.now)}, ${money}`);
  const lim = c.limitsAtMax;
  const unboundedRes = RESOURCES.filter((res) => lim[res] === null);
  if (unboundedRes.length === 0) parts.push(`worst case (limits at max) ${formatCores(lim.cpu!)} CPU, ${formatBytes(lim.memory!)} memory`);
  else parts.push(`worst case unbounded: no ${unboundedRes.map((x) => (x === 'cpu' ? 'CPU' : x)).join(' or ')} limit`);
  if (c.incomplete) {
    const byRes = RESOURCES.map((res) => {
      const names = [...new Set(c.gaps.filter((g) => g.section === 'requests' && g.resource === res).map((g) => g.container))];
      return names.length ? `${res === 'cpu' ? 'CPU' : res} on ${names.map((n) => `"${n}"`).join(', ')}` : '';
    }).filter(Boolean);
    parts.push(`lower bound: request not counted for ${byRes.join('; ')}`);
  }
  return parts.join('; ');
}
