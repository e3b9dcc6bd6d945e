/**
 * Shared helpers of the resources pillar: a container's own requests/limits, the values Kubernetes
 * fills in at admission (request defaulted from the limit, LimitRange defaults), pod-level resources.
 * Not a check module (no default export).
 */
import type { CheckContext } from '../types.js';
import type { ContainerRef, FieldPath, Json, JsonObject, Resource, Workload } from '../../model/types.js';
import type { ResourceIndex } from '../../model/index.js';
import { formatBytes, get, getArray, getObject, getString, parseQuantity } from '../../model/util.js';
import { limitRangeDefaults, type LimitRangeDefaults } from '../../model/cost.js';

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

/** "container", "init container" or "sidecar container" followed by the quoted name. */
export { containerLabel as label } from '../../model/workload.js';

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

// The LimitRange semantics (API defaulting of the LimitRange, the admission plugin, several
// LimitRanges) live in the model, shared with the cost envelope: see src/model/cost.ts.
export type { LimitRangeItem, LimitRangeDefault, LimitRangeDefaults, LimitRangeSource } from '../../model/cost.js';

/**
 * The `type: Container` LimitRange items of a namespace and the defaults they apply, with the API
 * server's own LimitRange defaulting: default (limit) falls back to max; defaultRequest falls back
 * to default, then to min. With `near`, namespace-less LimitRanges count only in its folder.
 */
export function namespaceLimitRanges(index: ResourceIndex, namespace: string, near?: Resource): LimitRangeDefaults {
  return limitRangeDefaults(index, namespace, near);
}

export function limitRangesFor(ctx: CheckContext<unknown>): LimitRangeDefaults {
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
