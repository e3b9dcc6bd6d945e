/**
 * Shared helpers of the resources pillar: a container's own requests/limits, the values Kubernetes
 * fills in at admission (request defaulted from the limit, LimitRange defaults), pod-level resources.
 * Not a check module (no default export).
 */
import type { CheckContext } from '../types.js';
import type { ContainerRef, FieldPath, Json, JsonObject, Resource, Workload } from '../../model/types.js';
import type { ResourceIndex } from '../../model/index.js';
import { formatBytes, get, getArray, getObject, getString, isObject, parseQuantity } from '../../model/util.js';

export type Section = 'requests' | 'limits';

export interface Quantity {
  /** The value as written. */
  raw: Json;
  /** Parsed base units (cores, bytes); undefined when it is not a valid quantity. */
  value: number | undefined;
}

function hasOwn(o: JsonObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** `resources.<section>.<res>` of a container (or any object with `resources`), when present and not null. */
export function ownQuantity(spec: Json | undefined, section: Section, res: string): Quantity | undefined {
  const m = getObject(spec, ['resources', section]);
  if (!m || !hasOwn(m, res)) return undefined;
  const raw = m[res];
  if (raw === null || raw === undefined) return undefined;
  return { raw, value: parseQuantity(raw) };
}

/** Pod-level `spec.resources.<section>.<res>` (Kubernetes 1.32+ pod-level resources). */
export function podQuantity(w: Workload, section: Section, res: string): Quantity | undefined {
  return ownQuantity(w.podSpec, section, res);
}

/** The quantity as people read it: the raw string, or a number. */
export function show(q: Quantity | { raw: Json }): string {
  return typeof q.raw === 'string' ? q.raw : JSON.stringify(q.raw);
}

/** "container", "init container" or "sidecar" followed by the quoted name. */
export function label(c: ContainerRef): string {
  const kind = c.type === 'init' ? 'init container' : c.type === 'sidecar' ? 'sidecar container' : 'container';
  return `${kind} "${c.name}"`;
}

export function resourcesPath(c: ContainerRef, section: Section, res: string): FieldPath {
  return [...c.path, 'resources', section, res];
}

/** CPU in the unit people write: "500m" or "2". */
export function formatCpu(cores: number): string {
  if (cores < 1 || !Number.isInteger(cores)) {
    const m = cores * 1000;
    return `${Number.isInteger(m) ? m : m.toFixed(1).replace(/\.0$/, '')}m`;
  }
  return String(cores);
}

export function formatValue(res: string, v: number): string {
  if (res === 'cpu') return formatCpu(v);
  if (res === 'memory' || res === 'ephemeral-storage' || res.startsWith('hugepages-')) return formatBytes(v);
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// LimitRange

/** A `type: Container` item of a LimitRange in the workload's namespace. */
export interface LimitRangeItem {
  limitRange: Resource;
  /** Index of the item in spec.limits. */
  index: number;
  item: JsonObject;
}

/** A default a LimitRange fills in; `value` is undefined when LimitRanges disagree or the value is invalid. */
export interface LimitRangeDefault {
  value: number | undefined;
  raw: Json;
  /** LimitRange name(s) the default comes from. */
  names: string[];
}

interface NamespaceDefaults {
  items: LimitRangeItem[];
  request: Map<string, LimitRangeDefault>;
  limit: Map<string, LimitRangeDefault>;
}

const cache = new WeakMap<ResourceIndex, Map<string, NamespaceDefaults>>();

function addDefault(map: Map<string, LimitRangeDefault>, res: string, raw: Json, name: string): void {
  const value = parseQuantity(raw);
  const prev = map.get(res);
  if (!prev) {
    map.set(res, { value, raw, names: [name] });
    return;
  }
  if (!prev.names.includes(name)) prev.names.push(name);
  // Several LimitRanges with different defaults: the admission plugin applies one of them, we cannot tell which.
  if (prev.value === undefined || value === undefined || prev.value !== value) prev.value = undefined;
}

function quantityMap(o: JsonObject, key: string): Record<string, Json> {
  const m = getObject(o, [key]);
  const out: Record<string, Json> = {};
  if (!m) return out;
  for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/**
 * The `type: Container` LimitRange items of a namespace and the defaults they apply, with the API
 * server's own LimitRange defaulting: default (limit) falls back to max; defaultRequest falls back
 * to default, then to min.
 */
export function namespaceLimitRanges(index: ResourceIndex, namespace: string, near?: Resource): NamespaceDefaults {
  let byNs = cache.get(index);
  if (!byNs) cache.set(index, (byNs = new Map()));
  // Namespace-less workloads only see namespace-less LimitRanges of their own folder (ResourceIndex.sameScope).
  const key = near && near.namespace === undefined ? `${namespace}\0${near.origin.file.slice(0, Math.max(0, near.origin.file.lastIndexOf('/')))}` : namespace;
  const hit = byNs.get(key);
  if (hit) return hit;
  const out: NamespaceDefaults = { items: [], request: new Map(), limit: new Map() };
  for (const lr of index.inNamespace('LimitRange', namespace)) {
    if (near && !index.sameScope(lr, near)) continue;
    getArray(lr.object, ['spec', 'limits']).forEach((item, i) => {
      if (!isObject(item) || getString(item, ['type']) !== 'Container') return;
      out.items.push({ limitRange: lr, index: i, item });
      const max = quantityMap(item, 'max');
      const min = quantityMap(item, 'min');
      const def = { ...max, ...quantityMap(item, 'default') };
      const defReq = { ...min, ...def, ...quantityMap(item, 'defaultRequest') };
      for (const [res, raw] of Object.entries(def)) addDefault(out.limit, res, raw, lr.name);
      for (const [res, raw] of Object.entries(defReq)) addDefault(out.request, res, raw, lr.name);
    });
  }
  byNs.set(key, out);
  return out;
}

export function limitRangesFor(ctx: CheckContext<unknown>): NamespaceDefaults {
  return namespaceLimitRanges(ctx.index, ctx.index.namespaceOf(ctx.resource), ctx.resource);
}

export function quoteNames(names: string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Effective values

export type Source =
  /** Written in the container. */
  | 'container'
  /** Request not written: the API server defaults it to the container's limit. */
  | 'limit'
  /** Filled in by a LimitRange default at admission. */
  | 'limitrange';

export interface Effective extends Quantity {
  source: Source;
  /** Path of the written field (the container's request or limit) when the source is the container. */
  path?: FieldPath;
  /** LimitRange names when the source is a LimitRange. */
  names?: string[];
}

/** The request the pod will run with: the container's, else its limit, else a LimitRange default. */
export function effectiveRequest(ctx: CheckContext<unknown>, c: ContainerRef, res: string): Effective | undefined {
  const own = ownQuantity(c.spec, 'requests', res);
  if (own) return { ...own, source: 'container', path: resourcesPath(c, 'requests', res) };
  const lim = ownQuantity(c.spec, 'limits', res);
  if (lim) return { ...lim, source: 'limit', path: resourcesPath(c, 'limits', res) };
  const d = limitRangesFor(ctx).request.get(res);
  if (d) return { raw: d.raw, value: d.value, source: 'limitrange', names: d.names };
  return undefined;
}

/** The limit the pod will run with: the container's, else a LimitRange default. */
export function effectiveLimit(ctx: CheckContext<unknown>, c: ContainerRef, res: string): Effective | undefined {
  const own = ownQuantity(c.spec, 'limits', res);
  if (own) return { ...own, source: 'container', path: resourcesPath(c, 'limits', res) };
  const d = limitRangesFor(ctx).limit.get(res);
  if (d) return { raw: d.raw, value: d.value, source: 'limitrange', names: d.names };
  return undefined;
}

/** " (default from LimitRange "x")" when the value comes from a LimitRange, else "". */
export function sourceNote(e: Effective): string {
  if (e.source === 'limitrange') return ` (default from LimitRange ${quoteNames(e.names ?? [])})`;
  if (e.source === 'limit') return ' (defaulted from its limit)';
  return '';
}

// ---------------------------------------------------------------------------------------------
// HPAs

/** Names of HPAs targeting the workload that scale on CPU utilization (they need CPU requests). */
export function cpuUtilizationHpas(ctx: CheckContext<unknown>): string[] {
  const out: string[] = [];
  for (const hpa of ctx.index.hpasFor(ctx.resource)) {
    let uses = typeof get(hpa.object, ['spec', 'targetCPUUtilizationPercentage']) === 'number';
    for (const m of getArray(hpa.object, ['spec', 'metrics'])) {
      const kind = getString(m, ['type']);
      const src = kind === 'Resource' ? getObject(m, ['resource']) : kind === 'ContainerResource' ? getObject(m, ['containerResource']) : undefined;
      if (!src || getString(src, ['name']) !== 'cpu') continue;
      // autoscaling/v2: target.type Utilization; v2beta1: targetAverageUtilization.
      if (getString(src, ['target', 'type']) === 'Utilization' || typeof get(src, ['targetAverageUtilization']) === 'number') uses = true;
    }
    if (uses) out.push(hpa.name);
  }
  return out;
}
