/** Shared logic of the four missing request/limit checks (not a check module). */
import type { CheckContext, FindingInput, RelatedInput } from '../types.js';
import type { ContainerRef, Json } from '../../model/types.js';
import { formatBytes, getString, parseQuantity } from '../../model/util.js';
import { explicitHeap } from './heap.js';
import { resourcesTemplated, type LimitRangeDefault } from '../../model/cost.js';
import { cpuUtilizationHpas, formatValue, label, limitRangesFor, ownQuantity, podQuantity, quoteNames, resourcesPath, type Section } from './shared.js';

/** Why a default was taken from another field of the LimitRange item, for the message. */
const DERIVED: Record<Section, Record<string, string>> = {
  requests: {
    default: ' (its default limit, as it sets no defaultRequest)',
    max: ' (its max, as it sets no defaultRequest or default)',
    min: ' (its min, as it sets no defaultRequest or default)',
  },
  limits: { max: ' (its max, as it sets no default)' },
};

/** The value as written; a bare number also in the unit people read ("256000 (250Ki)", "0.5 (500m)"). */
function showDefault(raw: Json, value: number | undefined, res: string): string {
  if (typeof raw === 'string') return raw;
  const text = JSON.stringify(raw);
  if (value === undefined) return text;
  const unit = formatValue(res, value);
  return unit === text ? text : `${text} (${unit})`;
}

/**
 * The finding for a container whose request or limit is not in the manifest but that a LimitRange
 * default fills in at admission: info (the pod does run with a value, but nobody reading the
 * manifest sees it, and the same default applies to every container alike). Null when the default
 * is templated: the value cannot be told, so the check stays silent.
 */
export function filledByLimitRange(ctx: CheckContext<unknown>, c: ContainerRef, d: LimitRangeDefault, section: Section, res: string, what: string): FindingInput | null {
  if (d.templated) return null;
  const kind = section === 'requests' ? 'request' : 'limit';
  const ns = ctx.index.namespaceOf(d.sources[0].limitRange);
  let tail: string;
  if (d.conflicting) {
    const each = d.sources.map((s) => `"${s.limitRange.name}" (${showDefault(s.raw, parseQuantity(s.raw), res)})`).join(', ');
    tail = `LimitRanges ${each} in namespace ${ns} set different defaults and one of them applies at admission (which one is not deterministic)`;
  } else {
    const shown = showDefault(d.raw, d.value, res);
    const fields = new Set(d.sources.map((s) => s.field));
    let derived = fields.size === 1 ? (DERIVED[section][[...fields][0]] ?? '') : '';
    if (d.names.length > 1) derived = derived.replace('(its ', '(their ').replace('as it sets', 'as they set');
    const who = d.names.length === 1 ? `LimitRange "${d.names[0]}"` : `LimitRanges ${quoteNames(d.names)}`;
    tail = `${who} in namespace ${ns} set${d.names.length === 1 ? 's' : ''} ${shown} at admission${derived}`;
  }
  const related: RelatedInput[] = d.sources.map((s) => ({ resource: s.limitRange, path: s.path, note: `default ${what} ${kind} filled in at admission` }));
  return {
    message: `${label(c)} has no ${what} ${kind} in the manifest; ${tail}`,
    path: resourcesPath(c, section, res),
    container: c.name,
    severity: 'info',
    related,
  };
}

/**
 * What the app containers (not init or sidecar containers) request of `res` together, a missing
 * request counting as its limit (the API server defaults one to the other); 0 when none sets either.
 */
function appRequest(containers: ContainerRef[], res: string): number {
  let sum = 0;
  for (const c of containers) {
    if (c.type !== 'container') continue;
    const q = ownQuantity(c.spec, 'requests', res) ?? ownQuantity(c.spec, 'limits', res);
    if (q?.value !== undefined && q.value > 0) sum += q.value;
  }
  return sum;
}

/** The other init container (not a sidecar) with the largest request (or limit) of `res`, if any requests it. */
function largestInitRequest(containers: ContainerRef[], res: string, not: ContainerRef): { name: string; value: number } | undefined {
  let best: { name: string; value: number } | undefined;
  for (const c of containers) {
    if (c === not || c.type !== 'init') continue;
    const q = ownQuantity(c.spec, 'requests', res) ?? ownQuantity(c.spec, 'limits', res);
    if (q?.value !== undefined && q.value > 0 && (!best || q.value > best.value)) best = { name: c.name, value: q.value };
  }
  return best;
}

/**
 * An init container (not a sidecar) without a request in a pod whose app containers request `res`:
 * the pod's request is the larger of each init container's (plus the sidecars started before it)
 * and the app containers' sum plus the sidecars (component-helpers resource.AggregateContainerRequests),
 * so the scheduler does reserve the app containers' share, and the init container runs in it before
 * they start. What is lost is smaller than for an app container: a warning saying what it is.
 */
function initWithinAppReservation(ctx: CheckContext<unknown>, c: ContainerRef, res: 'cpu' | 'memory', what: string, apps: number, byInit?: string): FindingInput {
  const w = ctx.workload!;
  const share = formatValue(res, apps);
  // A request up to what the pod reserves anyway adds nothing to the pod's request.
  const fixSnippet = `resources:\n  requests:\n    ${res}: ${q(res, apps)}   # what the pod reserves anyway: no more is asked of the node`;
  const amount = res === 'cpu' ? `${share} CPU` : `${share} of ${what}`;
  let message = byInit
    ? `${label(c)} has no ${what} request: it runs within the ${amount} the scheduler reserves for the pod because init container "${byInit}" requests it (a pod reserves its largest init container's request), but nothing tells the scheduler whether it needs more`
    : `${label(c)} has no ${what} request: it runs within the ${amount} the scheduler reserves for the pod's app containers (they start after it), but nothing tells the scheduler whether it needs more`;
  if (res === 'memory') {
    // pkg/kubelet/qos/policy.go: a Burstable container without a memory request gets 1000 - 0, capped
    // at 999; node-critical pods get -997 whatever their requests.
    if (getString(w.podSpec, ['priorityClassName']) !== 'system-node-critical') {
      message += ', and without a request of its own it gets oom_score_adj 999, the highest a Burstable container can get, so the kernel OOM killer picks it among the first when the node runs out of memory';
    }
  } else {
    // Only a native sidecar started before it runs beside it; without one it has the pod's CPU to itself.
    const at = w.containers.indexOf(c);
    const sidecarBefore = w.containers.some((x, i) => i < at && x.type === 'sidecar');
    if (!sidecarBefore) {
      message += '; no other container of the pod runs while it does (no native sidecar starts before it), so nothing competes with it for that CPU';
      return { message, path: resourcesPath(c, 'requests', res), container: c.name, severity: 'info', fixSnippet };
    }
    message += ', and within the pod it gets the smallest CPU weight against the native sidecar already running';
  }
  return { message, path: resourcesPath(c, 'requests', res), container: c.name, severity: 'warning', fixSnippet };
}

/** A YAML quantity: quoted when it would read as a number ("1" CPU). */
function q(res: string, v: number): string {
  const t = formatValue(res, v);
  return /^[0-9.]+$/.test(t) ? `"${t}"` : t;
}

/** What a container without a request for `res` (nor a limit) is shown to set: its measured typical use. */
export const REQUEST_SNIPPET = {
  cpu: 'resources:\n  requests:\n    cpu: 250m   # its typical use: measure it (p95 over a week)',
  memory: 'resources:\n  requests:\n    memory: 256Mi   # its steady working set plus headroom: measure it',
};

/**
 * The fix of a container without a limit for `res`: a limit no lower than the request it has (the API
 * server rejects a request above its limit), or, without a request, the request too: a limit alone
 * becomes the request (the API server defaults one to the other), which reserves the whole limit.
 */
function limitSnippet(c: ContainerRef, res: 'cpu' | 'memory', atLeast?: number): string {
  const req = ownQuantity(c.spec, 'requests', res)?.value;
  const fallback = res === 'cpu' ? 1 : 512 * 2 ** 20;
  if (req !== undefined && req > 0) {
    const limit = Math.max(req, atLeast ?? 0);
    const why = limit === req ? `# = its request of ${formatValue(res, req)}${res === 'cpu' ? '; higher lets it burst' : ''}` : `# holds its heap; its request is ${formatValue(res, req)}`;
    return `resources:\n  limits:\n    ${res}: ${q(res, limit)}   ${why}`;
  }
  const limit = Math.max(fallback, atLeast ?? 0);
  const request = res === 'cpu' ? '250m   # its typical use: measure it' : `${q(res, Math.min(256 * 2 ** 20, limit))}   # its working set: measure it`;
  return `resources:\n  requests:\n    ${res}: ${request}\n  limits:\n    ${res}: ${q(res, limit)}   # without a request, this limit would also become the request`;
}

/**
 * Containers whose request for `res` is neither written nor defaulted from their limit, nor covered
 * by pod-level resources. A LimitRange default that fills it in makes the finding info; an init
 * container in a pod whose app containers request `res` is a warning (initWithinAppReservation).
 */
export function missingRequests(ctx: CheckContext<unknown>, res: 'cpu' | 'memory', what: string): FindingInput[] {
  const w = ctx.workload;
  if (!w) return [];
  // Pod-level resources (spec.resources) budget the whole pod; a pod-level limit defaults the pod request.
  if (podQuantity(w, 'requests', res) || podQuantity(w, 'limits', res)) return [];
  const defaults = limitRangesFor(ctx).request.get(res);
  const hpas = res === 'cpu' && !defaults ? cpuUtilizationHpas(ctx) : [];
  const out: FindingInput[] = [];
  const apps = appRequest(w.containers, res);
  for (const c of w.containers) {
    if (ownQuantity(c.spec, 'requests', res)) continue;
    // Kubernetes defaults a missing request to the limit: the request is effectively set.
    if (ownQuantity(c.spec, 'limits', res)) continue;
    // `resources: {{ toYaml .Values.resources }}`-style text: the values are not in the file.
    if (resourcesTemplated(c.spec, 'requests') || resourcesTemplated(c.spec, 'limits')) continue;
    if (defaults) {
      const f = filledByLimitRange(ctx, c, defaults, 'requests', res, what);
      if (f) out.push(f);
      continue;
    }
    if (c.type === 'init' && apps > 0) {
      out.push(initWithinAppReservation(ctx, c, res, what, apps));
      continue;
    }
    if (c.type === 'init') {
      // No app container requests it, but another init container does: the pod reserves the largest
      // init container's request (resource.AggregateContainerRequests), and this one runs within it.
      const biggest = largestInitRequest(w.containers, res, c);
      if (biggest) {
        out.push(initWithinAppReservation(ctx, c, res, what, biggest.value, biggest.name));
        continue;
      }
    }
    let message = `${label(c)} has no ${what} request`;
    if (hpas.length > 0 && c.type !== 'init') {
      message += `; HorizontalPodAutoscaler ${hpas.map((h) => `"${h}"`).join(', ')} scales on CPU utilization and cannot compute it without it`;
    }
    out.push({ message, path: resourcesPath(c, 'requests', res), container: c.name });
  }
  return out;
}

/**
 * Containers without a limit for `res`, unless pod-level resources bound the pod. A LimitRange
 * default that fills it in makes the finding info.
 */
export function missingLimits(ctx: CheckContext<unknown>, res: 'cpu' | 'memory', what: string): FindingInput[] {
  const w = ctx.workload;
  if (!w) return [];
  if (podQuantity(w, 'limits', res)) return [];
  const defaults = limitRangesFor(ctx).limit.get(res);
  const out: FindingInput[] = [];
  for (const c of w.containers) {
    if (ownQuantity(c.spec, 'limits', res)) continue;
    if (resourcesTemplated(c.spec, 'limits')) continue;
    if (defaults) {
      const f = filledByLimitRange(ctx, c, defaults, 'limits', res, what);
      if (f) out.push(f);
      continue;
    }
    // A heap size set on the command line or in the environment: the limit to add must hold it, plus
    // room for what the runtime keeps outside the heap (a limit below it OOM-kills the container).
    const heap = res === 'memory' ? explicitHeap(c) : undefined;
    const sized = heap
      ? `; it sets ${heap.text}, so the limit must be above that heap with room for non-heap memory: at least ${formatBytes(heap.bytes + Math.max(256 * 2 ** 20, heap.bytes / 4))}`
      : '';
    out.push({ message: `${label(c)} has no ${what} limit${sized}`, path: resourcesPath(c, 'limits', res), container: c.name, fixSnippet: limitSnippet(c, res, heap ? heap.bytes + Math.max(256 * 2 ** 20, heap.bytes / 4) : undefined) });
  }
  return out;
}
