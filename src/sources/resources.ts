/** Turn parsed YAML/JSON text into resources with their origin. */
import type { FieldPath, JsonObject, Origin, Resource, SourcePosition } from '../model/types.js';
import { isObject } from '../model/util.js';
import type { Event } from './js-yaml.js';
import { DEFAULT_CHUNK, LineIndex, parseYaml, posItem, posKey, posStart, splitDocuments, type DocSpan, type Json, type ParsedDocument, type PositionTable } from './yaml.js';

export interface InputProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
  level: 'error' | 'warning';
}

export interface LoadResult {
  resources: Resource[];
  problems: InputProblem[];
  /** Documents that are not Kubernetes objects (no apiVersion/kind): skipped and counted. */
  skipped: number;
  documents: number;
}

/**
 * Positions are not recorded while loading for kinds no check targets (that would double the memory
 * of a large input). Such a document is re-parsed with positions the first time one of its fields is
 * located. Objects are audited in input order, but cross-resource findings point back at the same few
 * objects again and again (the LimitRange of a namespace, a shared ServiceAccount), so a small LRU of
 * re-parsed documents keeps each one to a single re-parse.
 */
const CACHE_SIZE = 64;
const cache = new Map<string, { text: string; root: Json; positions: PositionTable }>();
const textIds = new WeakMap<object, number>();
let nextTextId = 0;

interface FileCtx {
  text: string;
  lines: LineIndex;
  spans: DocSpan[] | null;
}

function spanFor(ctx: FileCtx, offset: number): DocSpan {
  const spans = (ctx.spans ??= splitDocuments(ctx.text));
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return spans[lo];
}

/** Documents at least this long are re-parsed only up to the end of the top-level key a path starts with. */
const PREFIX_MIN = 16 * 1024;
/** A top-level key of a block mapping: at column 0, plain, followed by `:` and a space or line end. */
const TOP_KEY = /(?:^|[\r\n])([A-Za-z_][\w.-]*)[ \t]*:(?=[ \t\r\n]|$)/g;

/**
 * Where the block of top-level key `first` ends in the document at span, when the text before it is
 * a prefix of the document that parses on its own: the document's root is a block mapping written
 * from column 0 with `first` once among its keys. Null when that is not certain (flow or indented
 * root, the key quoted or missing or repeated): then the whole document is parsed.
 */
function prefixEnd(text: string, span: DocSpan, first: string): number | null {
  // From the line break before the span, so a key on its first line is seen too.
  TOP_KEY.lastIndex = Math.max(0, span.start - 1);
  let found = -1;
  let end: number | null = null;
  let keys = 0;
  for (let m = TOP_KEY.exec(text); m && m.index < span.end; m = TOP_KEY.exec(text)) {
    keys++;
    if (m[1] === first) {
      if (found >= 0) return null;
      found = m.index;
    } else if (found >= 0 && end === null) end = m.index;
  }
  // Keys a line-start scan cannot see (`"kind": x`, `? k`) would make the count lie: parse it all then.
  if (found < 0 || keys < 2) return null;
  return end ?? span.end;
}

function documentWithPositions(ctx: FileCtx, docOffset: number, first: string | undefined): { root: Json; positions: PositionTable; base: number } | null {
  const span = spanFor(ctx, docOffset);
  let id = textIds.get(ctx);
  if (id === undefined) textIds.set(ctx, (id = nextTextId++));
  const key = `${id}:${span.start}`;
  let hit = cache.get(key);
  if (hit && hit.text === ctx.text) {
    // Refresh its place in the LRU order.
    cache.delete(key);
    cache.set(key, hit);
    return { root: hit.root, positions: hit.positions, base: span.start };
  }
  // A large document (a CRD's schema) whose finding is at one top-level key: parse only up to the
  // end of that key's block. The text before it holds the keys above, so offsets stay the same.
  const cut = first !== undefined && span.end - span.start >= PREFIX_MIN ? prefixEnd(ctx.text, span, first) : null;
  if (first !== undefined && cut !== null && cut < span.end) {
    const partKey = `${key}:${cut}`;
    const part = cache.get(partKey);
    if (part && part.text === ctx.text) {
      cache.delete(partKey);
      cache.set(partKey, part);
      return { root: part.root, positions: part.positions, base: span.start };
    }
    const sub = parseYaml(ctx.text.slice(span.start, cut), { positions: true });
    const doc = sub.docs.find((d) => d.offset + span.start === docOffset);
    if (doc && sub.diagnostics.length === 0 && isObject(doc.value) && Object.prototype.hasOwnProperty.call(doc.value, first)) {
      remember(partKey, { text: ctx.text, root: doc.value, positions: sub.positions });
      return { root: doc.value, positions: sub.positions, base: span.start };
    }
  }
  const sub = parseYaml(ctx.text.slice(span.start, span.end), { positions: true });
  const doc = sub.docs.find((d) => d.offset + span.start === docOffset);
  if (!doc) return null;
  hit = { text: ctx.text, root: doc.value, positions: sub.positions };
  remember(key, hit);
  return { root: hit.root, positions: hit.positions, base: span.start };
}

function remember(key: string, entry: { text: string; root: Json; positions: PositionTable }): void {
  cache.set(key, entry);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
}

function makeLocate(ctx: FileCtx, doc: ParsedDocument, basePath: FieldPath): Origin['locate'] {
  return (path: FieldPath) => {
    let root: Json;
    let positions: PositionTable;
    let base = 0;
    if (doc.positions) {
      root = doc.value;
      positions = doc.positions;
    } else if (basePath.length === 0 && path.length === 0) {
      // The object itself: its document's offset is where its root node starts (as positions say).
      const at = ctx.lines.locate(doc.offset);
      return { line: at.line, column: at.column, exact: true };
    } else {
      const first = basePath.length > 0 ? basePath[0] : path[0];
      const d = documentWithPositions(ctx, doc.offset, typeof first === 'string' ? first : undefined);
      if (!d) return { ...ctx.lines.locate(doc.offset), exact: false };
      ({ root, positions, base } = d);
    }
    let cur: Json = root;
    let offset: number | null = null;
    let exact = true;
    const rootPos = cur !== null && typeof cur === 'object' ? positions.get(cur as object) : undefined;
    if (rootPos) offset = posStart(rootPos);
    // basePath, then path (no concatenated copy: this runs for every finding).
    const n = basePath.length + path.length;
    for (let k = 0; k < n; k++) {
      const p = k < basePath.length ? basePath[k] : path[k - basePath.length];
      if (cur === null || typeof cur !== 'object') {
        exact = false;
        break;
      }
      const pos = positions.get(cur as object);
      let at: number | undefined;
      if (Array.isArray(cur)) {
        if (typeof p !== 'number' || p < 0 || p >= cur.length) {
          exact = false;
          break;
        }
        at = posItem(pos, p);
        cur = cur[p];
      } else {
        if (typeof p !== 'string' || !Object.prototype.hasOwnProperty.call(cur, p)) {
          exact = false;
          break;
        }
        at = posKey(pos, p);
        cur = (cur as JsonObject)[p];
      }
      if (at !== undefined) offset = at;
    }
    if (offset === null) return null;
    const at = ctx.lines.locate(base + offset);
    return { line: at.line, column: at.column, exact };
  };
}

export interface LoadTextOptions {
  /**
   * Which documents to record positions for while parsing (default: all). Documents left out
   * are re-parsed on demand the first time one of their fields is located.
   */
  keepPositions?: (root: Json) => boolean;
  /**
   * Which objects to keep whole (default: all). The others keep only apiVersion, kind and the
   * identifying metadata: no check reads the rest, and a Secret's data is then never held at all.
   */
  keepWhole?: (obj: JsonObject) => boolean;
}

/** The identifying metadata kept for objects loaded as metadata only (files and live clusters alike). */
const SLIM_METADATA = ['name', 'generateName', 'namespace', 'labels', 'annotations', 'ownerReferences', 'uid', 'creationTimestamp'];

export function slimMetadata(meta: JsonObject): JsonObject {
  const m: JsonObject = {};
  for (const k of SLIM_METADATA) if (meta[k] !== undefined) m[k] = meta[k];
  return m;
}

function slim(obj: JsonObject): JsonObject {
  const meta = isObject(obj.metadata) ? obj.metadata : undefined;
  const out: JsonObject = { apiVersion: obj.apiVersion, kind: obj.kind };
  if (meta) out.metadata = slimMetadata(meta);
  // A Secret's type says what it is (a ServiceAccount token) without any of its values.
  if (typeof obj.type === 'string') out.type = obj.type;
  if (obj.kind === 'CustomResourceDefinition' && isObject(obj.spec)) out.spec = crdIdentity(obj.spec);
  return out;
}

/** The keywords of a structural schema node that validation reads (descriptions, examples and CEL rules are most of a CRD's size). */
const SCHEMA_KEYWORDS = [
  'type', 'required', 'enum', 'nullable', 'default', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
] as const;

const KEPT_KEYWORDS = new Set<string>(SCHEMA_KEYWORDS);

/** A schema node with only what validation reads; `properties` keys are field names, kept whatever they are. */
function validationSchema(node: Json): Json {
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (KEPT_KEYWORDS.has(k)) out[k] = v;
    else if (k === 'properties' && isObject(v)) {
      const props: JsonObject = {};
      for (const name of Object.keys(v)) {
        const x = validationSchema(v[name]);
        // A field named __proto__ is a field, not the object's prototype.
        if (name === '__proto__') Object.defineProperty(props, name, { value: x, enumerable: true, writable: true, configurable: true });
        else props[name] = x;
      }
      out.properties = props;
    } else if (k === 'items' || k === 'additionalProperties') out[k] = validationSchema(v);
  }
  return out;
}

/**
 * Which kind a CustomResourceDefinition defines and in which versions, with each version's schema
 * reduced to what validation reads (custom-resource-rejected) and whether it has a status subresource.
 */
function crdIdentity(spec: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ['group', 'names', 'scope'] as const) if (spec[k] !== undefined) out[k] = spec[k];
  if (Array.isArray(spec.versions)) {
    out.versions = spec.versions.map((v) => {
      if (!isObject(v)) return v;
      const x: JsonObject = {};
      for (const k of ['name', 'served', 'storage', 'deprecated', 'deprecationWarning'] as const) if (v[k] !== undefined) x[k] = v[k];
      if (isObject(v.schema) && isObject(v.schema.openAPIV3Schema)) x.schema = { openAPIV3Schema: validationSchema(v.schema.openAPIV3Schema) };
      if (isObject(v.subresources) && v.subresources.status !== undefined && v.subresources.status !== null) x.subresources = { status: {} };
      return x;
    });
  }
  // apiextensions.k8s.io/v1beta1's single version.
  if (spec.version !== undefined) out.version = spec.version;
  return out;
}

/** Parse one file's text into resources. `file` is used for origins and messages only. */
export function loadText(text: string, file: string, options: LoadTextOptions = {}): LoadResult {
  const out: LoadResult = { resources: [], problems: [], skipped: 0, documents: 0 };
  loadChunk(text, file, options, out, 1, 0);
  return out;
}

/** Byte offset of the first document marker ("\n---" + blank or end) at or after `from`, or the end. */
function nextMarker(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const k = buf.indexOf('\n---', i);
    if (k === -1) return buf.length;
    const c = buf[k + 4];
    if (c === undefined || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return k + 1;
    i = k + 4;
  }
}

/**
 * Parse a file from its bytes (valid UTF-8). A large file is cut at document markers into chunks
 * of about DEFAULT_CHUNK bytes, each decoded on its own, so no string of the whole file is ever
 * built (on a 166 MB stream with a few non-Latin-1 characters that string alone is 332 MB).
 */
export function loadBuffer(buf: Buffer, file: string, options: LoadTextOptions & { chunkBytes?: number } = {}): LoadResult {
  const loader = new ChunkedLoader(file, options);
  for (const r of chunkRanges(buf, options.chunkBytes ?? DEFAULT_CHUNK)) loader.add(buf.toString('utf8', r.start, r.end));
  return loader.out;
}

/** Does this byte range hold a character above U+00FF (UTF-8 lead byte 0xC4 or more)? */
function wide(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0xc4) return true;
  return false;
}

/**
 * Byte ranges of a file cut at document markers into chunks of about `chunkBytes`. Documents with
 * characters above U+00FF get chunks of their own: V8 stores a string with even one such character
 * at two bytes per character, and the values keep slices of their chunk's text alive.
 */
export function chunkRanges(buf: Buffer, chunkBytes: number = DEFAULT_CHUNK): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  while (start < buf.length || out.length === 0) {
    const end = start + chunkBytes >= buf.length ? buf.length : nextMarker(buf, start + chunkBytes);
    if (end - start > 64 * 1024 && wide(buf, start, end)) {
      // Keep the narrow documents before the first wide one and after the last wide one apart
      // from the wide middle (at most three chunks, so parsing stays in large calls).
      let firstWide = -1;
      let afterLastWide = -1;
      for (let d = start; d < end; ) {
        const next = Math.min(end, nextMarker(buf, d + 1));
        if (wide(buf, d, next)) {
          if (firstWide === -1) firstWide = d;
          afterLastWide = next;
        }
        d = next;
      }
      for (const [a, b] of [[start, firstWide], [firstWide, afterLastWide], [afterLastWide, end]]) if (b > a) out.push({ start: a, end: b });
    } else out.push({ start, end });
    start = end;
  }
  return out;
}

/** Loads one file chunk by chunk, in order, carrying line and document numbers across chunks. */
export class ChunkedLoader {
  readonly out: LoadResult = { resources: [], problems: [], skipped: 0, documents: 0 };
  private line = 1;
  private doc = 0;
  constructor(
    private readonly file: string,
    private readonly options: LoadTextOptions,
  ) {}
  /** `events`: the chunk's events parsed elsewhere (worker thread), or null to parse here. */
  add(text: string, events: Event[] | Int32Array | null = null): void {
    const r = loadChunk(text, this.file, this.options, this.out, this.line, this.doc, events);
    this.line += r.breaks;
    this.doc = r.nextDoc;
  }
}

function loadChunk(
  text: string,
  file: string,
  options: LoadTextOptions,
  out: LoadResult,
  firstLine: number,
  firstDoc: number,
  events: Event[] | Int32Array | null = null,
): { breaks: number; nextDoc: number } {
  const ctx: FileCtx = { text, lines: new LineIndex(text, firstLine), spans: null };
  // JSON is YAML (flow style), so one parser covers both and gives positions for both.
  const parsed = parseYaml(text, { positions: options.keepPositions ?? true, chunkBytes: Math.max(DEFAULT_CHUNK, text.length), events });
  let nextDoc = firstDoc;
  for (const d of parsed.diagnostics) {
    const pos = ctx.lines.locate(d.offset);
    out.problems.push({ file, line: pos.line, column: pos.column, message: d.message, level: d.level });
    nextDoc = Math.max(nextDoc, firstDoc + d.doc + 1);
  }
  for (const doc of parsed.docs) {
    out.documents++;
    const docIndex = firstDoc + doc.index;
    nextDoc = Math.max(nextDoc, docIndex + 1);
    const v = doc.value;
    if (v === null) continue;
    if (!isObject(v) || typeof v.kind !== 'string' || typeof v.apiVersion !== 'string' || !v.kind || !v.apiVersion) {
      out.skipped++;
      continue;
    }
    if (/List$/.test(v.kind) && Array.isArray(v.items)) {
      v.items.forEach((item, i) => {
        if (!isObject(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
          out.skipped++;
          return;
        }
        const kept = options.keepWhole && !options.keepWhole(item) ? slim(item) : item;
        if (kept !== item && doc.positions) forgetDropped(doc.positions, item, kept);
        const locate = makeLocate(ctx, doc, ['items', i]);
        metadataTypes(item, file, locate, out);
        out.resources.push(toResource(kept, { file, doc: docIndex, listIndex: i, locate }));
      });
      continue;
    }
    const kept = options.keepWhole && !options.keepWhole(v) ? slim(v) : v;
    const locate = makeLocate(ctx, doc, []);
    metadataTypes(v, file, locate, out);
    out.resources.push(toResource(kept, { file, doc: docIndex, locate }));
  }
  return { breaks: ctx.lines.breaks(), nextDoc };
}

/**
 * metadata.name and metadata.namespace must be strings: an unquoted `n`, `no`, `off`, `on`, `y` or
 * `yes` is a YAML 1.1 boolean (as kubectl reads it), and a number stays a number; kubectl rejects the
 * object, so say so rather than audit it under another name or the default namespace.
 */
function metadataTypes(obj: JsonObject, file: string, locate: Origin['locate'], out: LoadResult): void {
  const meta = obj.metadata;
  if (!isObject(meta)) return;
  for (const key of ['name', 'namespace'] as const) {
    const v = meta[key];
    if (v === undefined || v === null || typeof v === 'string') continue;
    const pos = locate(['metadata', key]);
    const why = typeof v === 'boolean' ? ' (an unquoted y/n/yes/no/on/off is a YAML 1.1 boolean)' : '';
    out.problems.push({
      file,
      line: pos?.line ?? undefined,
      column: pos?.column ?? undefined,
      message: `metadata.${key}: ${JSON.stringify(v)} is not a string${why}: kubectl rejects the object; quote the value`,
      level: 'error',
    });
  }
}

/** Drop the positions of what slimming a List item dropped (the metadata it keeps keeps its own). */
function forgetDropped(positions: PositionTable, item: JsonObject, kept: JsonObject): void {
  const still = new Set<object>();
  const mark = (v: Json) => {
    if (v === null || typeof v !== 'object' || still.has(v)) return;
    still.add(v);
    for (const x of Object.values(v)) mark(x);
  };
  mark(kept);
  const drop = (v: Json) => {
    if (v === null || typeof v !== 'object' || still.has(v)) return;
    positions.delete(v);
    for (const x of Object.values(v)) drop(x);
  };
  drop(item);
}

function toResource(obj: JsonObject, origin: Origin): Resource {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)';
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : undefined;
  return { apiVersion: obj.apiVersion as string, kind: obj.kind as string, name, namespace, object: obj, origin };
}

export type { SourcePosition };
