/**
 * Shared, total helpers for the Service / Ingress / Gateway API wiring checks: a Service's
 * selector and ports, the workloads it selects, the ports their containers declare, app identity
 * labels and near-miss label values. Not a check module.
 */
import type { ResourceIndex } from '../../model/index.js';
import type { ContainerRef, FieldPath, Json, Resource, Workload } from '../../model/types.js';
import { get, getArray, getString, isObject, isTemplated } from '../../model/util.js';

/** A core v1 Service (not a Knative or other custom `Service` kind). */
export function isCoreService(r: Resource): boolean {
  return r.kind === 'Service' && r.apiVersion === 'v1';
}

/**
 * Labels that controllers put on pods at runtime, never written in a pod template: a selector
 * using one cannot be matched against templates.
 */
export const CONTROLLER_SET_LABELS = new Set([
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'pod-template-hash',
  'rollouts-pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

/**
 * The map selector of a v1 Service that selects pods, or null when it selects none or cannot be
 * evaluated: no selector or `{}` (manually managed EndpointSlices), `type: ExternalName` (the
 * selector is ignored), a value that is not a scalar (the API server rejects it), unrendered
 * template text in a key or value, or a label set by a controller at runtime.
 */
export function serviceSelector(svc: Resource): Record<string, string> | null {
  if (!isCoreService(svc)) return null;
  const spec = svc.object.spec;
  if (!isObject(spec) || spec.type === 'ExternalName') return null;
  const sel = spec.selector;
  if (!isObject(sel)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sel)) {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
    else return null;
    if (isTemplated(k) || isTemplated(s) || /[{}]/.test(k + s) || CONTROLLER_SET_LABELS.has(k)) return null;
    out[k] = s;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** True when a controller in the input owns this object (a ReplicaSet of a Deployment in a cluster export). */
function ownedByPresent(index: ResourceIndex, r: Resource): boolean {
  const refs = get(r.object, ['metadata', 'ownerReferences']);
  if (!Array.isArray(refs)) return false;
  const ns = index.namespaceOf(r);
  return refs.some(
    (o) =>
      isObject(o) &&
      o.controller === true &&
      typeof o.kind === 'string' &&
      typeof o.name === 'string' &&
      index.named(o.kind, o.name).some((x) => index.namespaceOf(x) === ns),
  );
}

/**
 * Workloads in the input whose pods this Service selects: same namespace, deployed together
 * (`index.sameScope`), pod template labels carrying every selector pair. Objects owned by another
 * object in the input are left out (they are reported at their owner); of several workloads with
 * the same kind and name, the one in the Service's file is kept when there is one. Cached per run.
 */
export function selectedWorkloads(index: ResourceIndex, svc: Resource): Workload[] {
  const cache = index.memo('networking:svc-backends', () => new Map<Resource, Workload[]>());
  let list = cache.get(svc);
  if (!list) {
    const sel = serviceSelector(svc);
    list = sel
      ? index.workloadsMatching(index.namespaceOf(svc), sel).filter((w) => index.sameScope(w.resource, svc) && !ownedByPresent(index, w.resource))
      : [];
    // The same kind and name twice in one namespace are alternatives (sibling example files, each
    // applied on its own): keep the one in the Service's own file when there is one.
    const byName = new Map<string, Workload[]>();
    if (list.length > 1) for (const w of list) {
      const k = `${w.resource.kind}\0${w.resource.name}`;
      const l = byName.get(k);
      if (l) l.push(w);
      else byName.set(k, [w]);
    }
    if (list.length > 1 && byName.size < list.length) {
      list = [...byName.values()].flatMap((l) => {
        const own = l.filter((w) => w.resource.origin.file === svc.origin.file);
        return l.length > 1 && own.length > 0 ? own : l;
      });
    }
    cache.set(svc, list);
  }
  return list;
}

export interface ServicePort {
  /** Index in spec.ports. */
  i: number;
  name: string | undefined;
  port: number | undefined;
  /**
   * Where traffic goes on the pods: targetPort, or port when targetPort is unset. A number, a
   * port name, or undefined when it cannot be evaluated (templated, a digits-only string the API
   * server rejects, missing).
   */
  target: number | string | undefined;
  /** Path of the field that decides the target (targetPort, or port when it is unset). */
  targetPath: FieldPath;
  protocol: string;
}

/** The ports of a Service (entries that are objects). */
export function servicePorts(svc: Resource): ServicePort[] {
  const out: ServicePort[] = [];
  getArray(svc.object, ['spec', 'ports']).forEach((p, i) => {
    if (!isObject(p)) return;
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
    const port = typeof p.port === 'number' && Number.isInteger(p.port) ? p.port : undefined;
    const tp = p.targetPort;
    let target: number | string | undefined;
    let targetPath: FieldPath = ['spec', 'ports', i, 'targetPort'];
    if (tp === undefined || tp === null || tp === 0) {
      target = port;
      targetPath = ['spec', 'ports', i, 'port'];
    } else if (typeof tp === 'number') target = Number.isInteger(tp) ? tp : undefined;
    else if (typeof tp === 'string' && tp !== '' && !/^[0-9]+$/.test(tp) && !isTemplated(tp) && !/[{}$]/.test(tp)) target = tp;
    const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
    out.push({ i, name, port, target, targetPath, protocol });
  });
  return out;
}

/** "port 80" or "port http (80)". */
export function showServicePort(p: ServicePort): string {
  if (p.name && p.port !== undefined) return `port "${p.name}" (${p.port})`;
  if (p.name) return `port "${p.name}"`;
  return `port ${p.port ?? `#${p.i}`}`;
}

export interface ContainerPort {
  container: ContainerRef;
  /** Index in the container's ports list. */
  i: number;
  name: string | undefined;
  number: number | undefined;
  protocol: string;
}

/**
 * Ports declared by the pod's long-running containers (regular containers and native sidecars).
 * `evaluable` is false when an entry's containerPort is not a number (unrendered template text).
 */
export function podPorts(w: Workload): { ports: ContainerPort[]; evaluable: boolean } {
  let cached = portsCache.get(w);
  if (!cached) portsCache.set(w, (cached = readPodPorts(w)));
  return cached;
}

/** Workloads are never mutated after loading, so their ports can be read once. */
const portsCache = new WeakMap<Workload, { ports: ContainerPort[]; evaluable: boolean }>();

function readPodPorts(w: Workload): { ports: ContainerPort[]; evaluable: boolean } {
  const ports: ContainerPort[] = [];
  let evaluable = true;
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    getArray(c.spec, ['ports']).forEach((p, i) => {
      if (!isObject(p)) return;
      const cp = p.containerPort;
      if (typeof cp !== 'number' || !Number.isInteger(cp)) {
        evaluable = false;
        return;
      }
      const name = typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
      ports.push({ container: c, i, name, number: cp, protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP' });
    });
  }
  return { ports, evaluable };
}

/** "8080/TCP "http"". */
export function showContainerPort(p: ContainerPort): string {
  return `${p.number}${p.protocol !== 'TCP' ? `/${p.protocol}` : ''}${p.name ? ` ("${p.name}")` : ''}`;
}

/** `Deployment "web"`. */
export function showObject(r: Resource): string {
  return `${r.kind} "${r.name}"`;
}

/** Label keys that name the application a pod belongs to, most specific first. */
export const APP_NAME_KEYS = ['app.kubernetes.io/name', 'app', 'k8s-app'] as const;
export const APP_INSTANCE_KEY = 'app.kubernetes.io/instance';

/** Words that mark a variant of the same app (a canary, one colour of a blue/green pair, a version). */
const VARIANT = /^(canary|stable|baseline|primary|secondary|blue|green|preview|active|next|main|old|new|v?\d+(\.\d+)*)$/i;

/** Strip variant words ("web-canary", "web-v2", "web-green" -> "web"). */
function baseName(v: string): string {
  return v
    .toLowerCase()
    .split(/[-_.]/)
    .filter((p) => p !== '' && !VARIANT.test(p))
    .join('-');
}

/** Are two identity values the same app, allowing for canary/colour/version variants? */
function sameApp(a: string, b: string): boolean {
  if (a === b) return true;
  const ba = baseName(a);
  const bb = baseName(b);
  if (ba !== '' && ba === bb) return true;
  return false;
}

/**
 * How two workloads' pods differ in app identity, or null when they are (or may be) the same
 * app: the first app name key that both carry decides; with the same name, differing
 * `app.kubernetes.io/instance` values (two releases of one chart) also count. Values that differ
 * only by a variant word (canary, stable, blue, green, v2) are the same app.
 */
export function appDifference(a: Workload, b: Workload): { key: string; a: string; b: string } | null {
  for (const key of APP_NAME_KEYS) {
    const va = a.podLabels[key];
    const vb = b.podLabels[key];
    if (va === undefined || vb === undefined) continue;
    if (isTemplated(va) || isTemplated(vb)) return null;
    if (!sameApp(va, vb)) return { key, a: va, b: vb };
    const ia = a.podLabels[APP_INSTANCE_KEY];
    const ib = b.podLabels[APP_INSTANCE_KEY];
    if (ia !== undefined && ib !== undefined && !isTemplated(ia) && !isTemplated(ib) && !sameApp(ia, ib) && !ia.includes(ib) && !ib.includes(ia)) {
      return { key: APP_INSTANCE_KEY, a: ia, b: ib };
    }
    return null;
  }
  return null;
}

/** Lowercase, without separators: "My_App" and "my-app" are the same word. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[-_.]/g, '');
}

const DIGIT = /[0-9]/;

/** Exactly one insertion, deletion, substitution or swap of adjacent characters, none of them a digit. */
function oneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return !DIGIT.test(a[diff[0]]) && !DIGIT.test(b[diff[0]]);
    if (diff.length === 2 && diff[1] === diff[0] + 1) {
      const [i, j] = diff;
      return a[i] === b[j] && a[j] === b[i] && !DIGIT.test(a[i]) && !DIGIT.test(a[j]);
    }
    return false;
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (l.length - s.length !== 1) return false;
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return l.slice(i + 1) === s.slice(i) && !DIGIT.test(l[i]);
}

/**
 * Do two label values look like one is a typo of the other? The same word up to case and
 * separators ("my-app" / "my_app" / "MyApp"), or (both at least 4 characters) one character
 * inserted, dropped, replaced or swapped. Edits of digits do not count: "v1" / "v2", "web-1" /
 * "web-2" are deliberate.
 */
export function nearValue(a: string, b: string): boolean {
  if (a === b || isTemplated(a) || isTemplated(b)) return false;
  const sa = squash(a);
  const sb = squash(b);
  if (sa === sb) return sa !== '';
  if (Math.min(a.length, b.length) < 4) return false;
  return oneEdit(a.toLowerCase(), b.toLowerCase());
}

/** Strings one deletion away (and the string itself), for near-value lookups. */
function variants(v: string): string[] {
  const l = v.toLowerCase();
  const out = [l, `\0${squash(v)}`];
  for (let i = 0; i < l.length; i++) out.push(l.slice(0, i) + l.slice(i + 1));
  return out;
}

/**
 * Workloads in a namespace whose pod label `key` has a value near `value` (see nearValue) or, with
 * `exactToo`, equal to it. Indexed once per namespace and key, so a lookup costs a few map reads.
 */
export function workloadsWithNearLabel(index: ResourceIndex, namespace: string, key: string, value: string, exactToo = false): Workload[] {
  const idx = index.memo(`networking:near:${namespace}\0${key}`, () => {
    const byVariant = new Map<string, Set<string>>();
    const byValue = new Map<string, Workload[]>();
    for (const w of index.workloadsIn(namespace)) {
      const v = w.podLabels[key];
      if (v === undefined || isTemplated(v)) continue;
      let l = byValue.get(v);
      if (!l) {
        byValue.set(v, (l = []));
        for (const x of variants(v)) {
          let s = byVariant.get(x);
          if (!s) byVariant.set(x, (s = new Set()));
          s.add(v);
        }
      }
      l.push(w);
    }
    return { byVariant, byValue };
  });
  const values = new Set<string>();
  for (const x of variants(value)) for (const v of idx.byVariant.get(x) ?? []) values.add(v);
  const out: Workload[] = [];
  for (const v of values) if (nearValue(value, v) || (exactToo && v === value)) out.push(...(idx.byValue.get(v) ?? []));
  return out;
}

/** v1 Services of this name in a namespace. */
export function servicesNamed(index: ResourceIndex, namespace: string, name: string): Resource[] {
  return index.named('Service', name).filter((s) => isCoreService(s) && index.namespaceOf(s) === namespace);
}

/** A name or port that is unrendered template text (`{{ }}`, `${}`, `__PLACEHOLDER__`), or not a usable value. */
export function unusable(v: Json | undefined): boolean {
  return typeof v === 'string' ? v === '' || isTemplated(v) || /[{}$]/.test(v) || /^__[A-Za-z0-9_]+__$/.test(v) : v === undefined || v === null;
}

export type PortCheck = { ok: true } | { ok: false; viaTargetPort: boolean; ports: string };

/** Does this Service expose the port (number = spec.ports[].port, name = spec.ports[].name)? */
export function servicePortCheck(svc: Resource, port: number | string): PortCheck {
  // ExternalName Services are proxied to the port asked for; nothing to compare.
  if (getString(svc.object, ['spec', 'type']) === 'ExternalName') return { ok: true };
  const raw = getArray(svc.object, ['spec', 'ports']);
  // No ports at all (a kustomize patch of the Service, say), or ports that cannot be read
  // (templated, odd): the answer stays open.
  if (raw.length === 0) return { ok: true };
  const odd = (p: Json) =>
    !isObject(p) || typeof p.port !== 'number' || (p.name !== undefined && p.name !== null && (typeof p.name !== 'string' || (p.name !== '' && unusable(p.name))));
  if (raw.some(odd)) return { ok: true };
  const ports = servicePorts(svc);
  if (ports.some((p) => (typeof port === 'number' ? p.port === port : p.name === port))) return { ok: true };
  const viaTargetPort = ports.some((p) => p.target === port);
  const shown = ports.map((p) => (p.name ? `${p.port ?? '?'} ("${p.name}")` : String(p.port ?? '?'))).join(', ');
  return { ok: false, viaTargetPort, ports: shown || '(none)' };
}

/** v1 Services of this name deployed with `from` (same scope), and those only in the namespace. */
export function findService(index: ResourceIndex, from: Resource, namespace: string, name: string): { inScope: Resource[]; all: Resource[] } {
  const all = servicesNamed(index, namespace, name);
  const sameNs = namespace === index.namespaceOf(from);
  return { all, inScope: sameNs ? all.filter((s) => index.sameScope(s, from)) : all };
}
