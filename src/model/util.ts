/** Small, total helpers for reading partial objects: nothing here throws on odd input. */
import type { FieldPath, Json, JsonObject, Resource } from './types.js';

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const hasOwn = Object.prototype.hasOwnProperty;

export function get(obj: Json | undefined, path: FieldPath): Json | undefined {
  let cur: Json | undefined = obj;
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (typeof p !== 'number') return undefined;
      cur = cur[p];
    } else {
      const v: unknown = (cur as JsonObject)[p as string];
      // Own fields only. Decoded values are never functions, so a function is an inherited
      // Object.prototype member ("constructor", "toString", ...); "__proto__" is the one inherited
      // member that is not a function. This runs for every field read of every check.
      if (v === undefined || typeof v === 'function' || (p === '__proto__' && !hasOwn.call(cur, p))) return undefined;
      cur = v as Json;
    }
  }
  return cur;
}

export function getObject(obj: Json | undefined, path: FieldPath): JsonObject | undefined {
  const v = get(obj, path);
  return isObject(v) ? v : undefined;
}

export function getArray(obj: Json | undefined, path: FieldPath): Json[] {
  const v = get(obj, path);
  return Array.isArray(v) ? v : [];
}

export function getString(obj: Json | undefined, path: FieldPath): string | undefined {
  const v = get(obj, path);
  return typeof v === 'string' ? v : undefined;
}

export function getNumber(obj: Json | undefined, path: FieldPath): number | undefined {
  const v = get(obj, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function getBool(obj: Json | undefined, path: FieldPath): boolean | undefined {
  const v = get(obj, path);
  return typeof v === 'boolean' ? v : undefined;
}

/** A string map (labels, annotations, matchLabels); non-string values are stringified as the API server would reject them anyway. */
export function stringMap(v: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY_RE = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

/**
 * Parse a Kubernetes resource.Quantity ("500m", "1.5Gi", "1e3", 2) to a number of base units
 * (cores for CPU, bytes for memory). Returns undefined when it is not a valid quantity.
 */
export function parseQuantity(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY_RE.exec(v.trim());
  if (!m) return undefined;
  const n = parseFloat(m[1]);
  if (m[3] !== undefined) return n * 10 ** parseInt(m[3], 10);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return n * BINARY[suffix];
  return n * DECIMAL[suffix];
}

/** Format bytes the way people write memory limits. */
export function formatBytes(bytes: number): string {
  const units: [string, number][] = [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [u, f] of units) {
    if (bytes >= f) {
      const v = bytes / f;
      return `${Number.isInteger(v) ? v : v.toFixed(1).replace(/\.0$/, '')}${u}`;
    }
  }
  return `${bytes}B`;
}

/** Parse a Java/JVM size ("512m", "2g", "1024k", "1073741824") to bytes. */
export function parseJvmSize(s: string): number | undefined {
  const m = /^([0-9]+)([kKmMgGtT]?)$/.exec(s.trim());
  if (!m) return undefined;
  const n = parseInt(m[1], 10);
  const f: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
  return n * f[m[2].toLowerCase()];
}

/** The image reference split into its parts. */
export interface ImageRef {
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
  /** Last path segment of the repository, lowercased (e.g. "postgres" for docker.io/bitnami/postgresql). */
  name: string;
}

export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const name = rest.slice(rest.lastIndexOf('/') + 1).toLowerCase();
  return { repository: rest, tag, digest, name };
}

/** Split a shell command line or an args list into words (enough for flags like -Xmx512m). */
export function commandWords(container: JsonObject): string[] {
  const words: string[] = [];
  for (const key of ['command', 'args']) {
    const v = container[key];
    if (!Array.isArray(v)) continue;
    for (const item of v) {
      if (typeof item === 'string') words.push(...item.split(/\s+/).filter(Boolean));
      else if (typeof item === 'number' || typeof item === 'boolean') words.push(String(item));
    }
  }
  return words;
}

/** Literal env values by name (valueFrom entries are left out). */
export function literalEnv(container: JsonObject): { name: string; value: string; index: number }[] {
  const out: { name: string; value: string; index: number }[] = [];
  const env = container.env;
  if (!Array.isArray(env)) return out;
  env.forEach((e, index) => {
    if (!isObject(e)) return;
    const name = e.name;
    const value = e.value;
    if (typeof name !== 'string') return;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.push({ name, value: String(value), index });
  });
  return out;
}

/**
 * Unrendered template text (`${VAR}`, `$VAR`, `{{ .Values.x }}`, `$(kustomize-var)`): the file is an input to envsubst,
 * Helm or a similar tool, so the value says nothing about what reaches the cluster.
 */
export function isTemplated(v: unknown): boolean {
  // $(name): a kustomize var (names may hold - and .) or a container env reference.
  return typeof v === 'string' && (/\$\{[^}]*\}|\{\{.*\}\}|\$\([A-Za-z_][A-Za-z0-9_.-]*\)/.test(v) || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v));
}

/** A value written to be replaced before the file is applied: PORT, PV_NAME, <ADD LUN ID Here>, registry.<your domain>, __REPLICAS__. */
export function isPlaceholder(v: string): boolean {
  return v.length <= 80 && /<[^<>]+>|^[A-Z][A-Z0-9_]*$|^__[A-Za-z0-9_]+__$/.test(v.trim());
}

/**
 * The item whose `kind/name` sorts first: a choice that does not depend on input order, for findings
 * reported once per namespace (so their object, and their fingerprint, stay put when files move).
 */
export function firstByKindName<T>(items: T[], resourceOf: (t: T) => { kind: string; name: string }): T | undefined {
  let best: T | undefined;
  let bestKey = '';
  for (const t of items) {
    const r = resourceOf(t);
    const key = `${r.kind}/${r.name}`;
    if (best === undefined || key < bestKey) [best, bestKey] = [t, key];
  }
  return best;
}

/** The strings of a list (anything else: none), for rule fields and string[] parameters read defensively. */
export function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The folder of an input file (`.` for a bare name): manifests in one folder are deployed together. */
export function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i === -1 ? '.' : file.slice(0, i);
}

/**
 * The files sit in one project's tree: the same folder, sibling folders, or one's folder is the
 * other's parent (k8s/ beside k8s/autoscaling/). Farther apart (another example, another repository
 * of a monorepo walk) they are not taken to be deployed together.
 */
export function closeFolders(a: string, b: string): boolean {
  const da = dirOf(a);
  const db = dirOf(b);
  return da === db || dirOf(da) === dirOf(db) || da === dirOf(db) || dirOf(da) === db;
}

/** A field path as findings print it: spec.template.spec.containers[0].image, data["app.properties"]. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const p of path) out = appendSegment(out, p);
  return out;
}

/** `prefix` (a formatted path) followed by one more segment. */
export function appendSegment(prefix: string, p: string | number): string {
  if (typeof p === 'number') return `${prefix}[${p}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(p)) return prefix ? `${prefix}.${p}` : p;
  return `${prefix}[${JSON.stringify(p)}]`;
}

/**
 * Names among `known` close enough to `name` to be what was meant: the same but for case, or within
 * one edit (names under 6 characters) or two. `containing`: also a name containing the other or
 * contained in it (both at least 4 characters).
 */
export function nearNames(name: string, known: string[], containing = false): string[] {
  const lower = name.toLowerCase();
  const max = name.length < 6 ? 1 : 2;
  return known.filter((k) => {
    if (k.toLowerCase() === lower) return true;
    // The distance is at least the difference in length: most names are ruled out without computing it.
    if (Math.abs(k.length - name.length) <= max && editDistance(k, name) <= max) return true;
    return containing && lower.length >= 4 && k.length >= 4 && (k.includes(lower) || lower.includes(k));
  });
}

/** `did you mean "a" or "b"?` for near names (nearNames); '' for none. */
export function didYouMean(near: string[]): string {
  return near.length > 0 ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
}

/**
 * Edit distance for "did you mean" hints: insertions, deletions and substitutions, with a swap of two
 * neighbouring letters counted as one edit (optimal string alignment).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * How close two objects sit in the input: the number of leading folders their files share (the
 * same file counts one more). Used to pick among copies of one object (the same binding in several
 * overlays or example folders, StorageClasses of one name in several examples): the copy next to
 * the workload is the one deployed with it.
 */
export function proximity(a: Resource, b: Resource): number {
  if (a.origin.file === b.origin.file) return Number.MAX_SAFE_INTEGER;
  const x = a.origin.file.split('/');
  const y = b.origin.file.split('/');
  let n = 0;
  while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
  return n;
}

/** Of several objects (same name, say), the one whose file is closest to `to`'s (the first on a tie). */
export function closest(list: Resource[], to: Resource): Resource {
  let best = list[0];
  let score = -1;
  for (const r of list) {
    const p = proximity(r, to);
    if (p > score) {
      best = r;
      score = p;
    }
  }
  return best;
}

/** "a, b and c". */
export function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * The one of `allowed` that `value` writes in another case or with other separators (`rollingupdate`,
 * `rolling-update` for RollingUpdate): the value meant, for a fix. Undefined when none is.
 */
export function meantValue(value: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const v = norm(value);
  return allowed.find((a) => norm(a) === v);
}
