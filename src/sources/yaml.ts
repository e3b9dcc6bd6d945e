/**
 * YAML decoding with Kubernetes (sigs.k8s.io/yaml, go-yaml v2) semantics and source positions.
 *
 * js-yaml's event parser does the lexing and scalar unescaping; this module builds the values
 * from the events so that it can (a) resolve plain scalars exactly as kubectl does, (b) record
 * the offset of every mapping key and sequence item for file:line:col findings, (c) report
 * duplicate keys and bound alias expansion. Documents are parsed in chunks so a huge stream never
 * materialises one giant event array, and a document that fails to parse does not take its
 * neighbours down with it.
 */
import { parseEvents, getScalarValue, type Event, type ScalarEvent } from 'js-yaml';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Offsets of a container: `s` its start; `k` offsets of its keys (mappings); `i` of its items (sequences). */
export interface PosRecord {
  s: number;
  k?: Record<string, number>;
  i?: number[];
}

export type PositionTable = WeakMap<object, PosRecord>;

export interface YamlDiagnostic {
  /** 0-based offset into the file text. */
  offset: number;
  message: string;
  /** 'error' = the document was dropped; 'warning' = decoded, but something is off (duplicate key). */
  level: 'error' | 'warning';
  /** Index of the document within the file. */
  doc: number;
}

export interface ParsedDocument {
  index: number;
  value: Json;
  /** Offset where the document's content starts. */
  offset: number;
}

export interface ParsedFile {
  docs: ParsedDocument[];
  positions: PositionTable;
  diagnostics: YamlDiagnostic[];
}

export interface YamlOptions {
  /** Maximum nesting depth (js-yaml's parser is recursive; deeper input is reported, not crashed on). */
  maxDepth?: number;
  /** Bytes of source handed to the event parser at once (documents are never split). */
  chunkBytes?: number;
}

const DEFAULT_MAX_DEPTH = 200;
const DEFAULT_CHUNK = 512 * 1024;

// ---------------------------------------------------------------------------------------------
// Plain-scalar resolution, as go-yaml v2's resolve() followed by sigs.k8s.io/yaml's JSON conversion.
// ---------------------------------------------------------------------------------------------

const RESOLVE_MAP: Record<string, Json> = Object.assign(Object.create(null), {
  '': null, '~': null, null: null, Null: null, NULL: null,
  y: true, Y: true, yes: true, Yes: true, YES: true, true: true, True: true, TRUE: true, on: true, On: true, ON: true,
  n: false, N: false, no: false, No: false, NO: false, false: false, False: false, FALSE: false, off: false, Off: false, OFF: false,
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
});

const MAP_FIRST = new Set('yYnNtTfFoO~.+-'.split(''));
const NUM_FIRST = new Set('+-.0123456789'.split(''));
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_HEX = /^[-+]?0[xX][0-9a-fA-F]+$/;
const INT_OCT_O = /^[-+]?0[oO][0-7]+$/;
const INT_OCT_LEGACY = /^[-+]?0[0-7]+$/;
const INT_BIN = /^[-+]?0[bB][01]+$/;

/** Go's strconv.ParseInt(s, 0, 64) (and ParseUint) for the forms it accepts; undefined when it fails. */
function goParseInt(s: string): number | undefined {
  let sign = 1;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  let n: number;
  if (INT_HEX.test(s)) n = parseInt(body.slice(2), 16);
  else if (INT_OCT_O.test(s)) n = parseInt(body.slice(2), 8);
  else if (INT_BIN.test(s)) n = parseInt(body.slice(2), 2);
  else if (INT_OCT_LEGACY.test(s)) n = parseInt(body.slice(1), 8);
  else if (INT_DEC.test(s) && !(body.length > 1 && body[0] === '0')) n = parseInt(body, 10);
  else if (body === '0') n = 0;
  else return undefined;
  return sign * n;
}

/** Resolve an untagged plain scalar the way kubectl does. */
export function resolvePlain(text: string): Json {
  if (text.length === 0) return null;
  const c = text[0];
  if (MAP_FIRST.has(c) || c === 'n' || c === 'N' || c === 'o' || c === 'O') {
    const v = RESOLVE_MAP[text];
    if (v !== undefined) return v;
  }
  if (NUM_FIRST.has(c)) {
    const plain = text.includes('_') ? text.replace(/_/g, '') : text;
    const i = goParseInt(plain);
    if (i !== undefined) return i;
    if (FLOAT_RE.test(plain)) return parseFloat(plain);
  }
  return text;
}

/** sigs.k8s.io/yaml turns non-string keys into strings. */
function keyString(v: Json): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

function resolveTagged(tag: string, text: string, style: number): Json {
  const t = tag.startsWith('!!') ? 'tag:yaml.org,2002:' + tag.slice(2) : tag;
  switch (t) {
    case 'tag:yaml.org,2002:str':
    case 'tag:yaml.org,2002:binary':
    case 'tag:yaml.org,2002:timestamp':
      return text;
    case 'tag:yaml.org,2002:int':
    case 'tag:yaml.org,2002:float': {
      const v = resolvePlain(text);
      return typeof v === 'number' ? v : text;
    }
    case 'tag:yaml.org,2002:bool': {
      const v = resolvePlain(text);
      return typeof v === 'boolean' ? v : text;
    }
    case 'tag:yaml.org,2002:null':
      return null;
    default:
      // Unknown local tags (!Ref, !include): go-yaml resolves the scalar as if untagged.
      return style === 1 ? resolvePlain(text) : text;
  }
}

// ---------------------------------------------------------------------------------------------
// Document splitting: a line starting with `---` or `...` followed by white space or the end of
// the line is always a document marker in YAML (it cannot occur inside any scalar), so the split
// is exact. Only used to bound chunks and to isolate a document that fails to parse.
// ---------------------------------------------------------------------------------------------

export interface DocSpan {
  start: number;
  end: number;
}

/** Offsets where documents (may) start: 0, and every `---` marker line. */
export function splitDocuments(text: string): DocSpan[] {
  const spans: DocSpan[] = [];
  let start = 0;
  const re = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1] === '---') {
      if (m.index > start || spans.length > 0 || m.index > 0) spans.push({ start, end: m.index });
      start = m.index;
    }
  }
  spans.push({ start, end: text.length });
  // A leading empty span (file starts with ---) is harmless but pointless.
  return spans.filter((s, i) => i === spans.length - 1 || s.end > s.start);
}

// ---------------------------------------------------------------------------------------------
// Construction from events.
// ---------------------------------------------------------------------------------------------

interface Frame {
  kind: 'map' | 'seq';
  value: Record<string, Json> | Json[];
  pos: PosRecord;
  anchor: string | null;
  /** For mappings: the pending key (after a key scalar was read). */
  key: string | null;
  keyOffset: number;
  expectKey: boolean;
  /** Keys set explicitly (explicit keys win over merged ones). */
  explicit: Set<string> | null;
  merges: Json[] | null;
  size: number;
}

class DocError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}

/**
 * Build documents from an event stream. `base` is the offset of `text` within the file.
 * Returns the documents and per-document warnings.
 */
function construct(
  events: Event[],
  text: string,
  base: number,
  firstDocIndex: number,
  positions: PositionTable,
  out: ParsedDocument[],
  diags: YamlDiagnostic[],
): number {
  let docIndex = firstDocIndex - 1;
  let stack: Frame[] = [];
  let anchors = new Map<string, { value: Json; size: number }>();
  let root: Json | undefined;
  let rootOffset = 0;
  let decoded = 0;
  let aliased = 0;

  const addValue = (value: Json, offset: number, size: number, anchor: string | null) => {
    if (anchor !== null) anchors.set(anchor, { value, size });
    const top = stack[stack.length - 1];
    if (!top) {
      root = value;
      rootOffset = offset;
      return;
    }
    top.size += size;
    if (top.kind === 'seq') {
      (top.value as Json[]).push(value);
      top.pos.i!.push(base + offset);
      return;
    }
    if (top.expectKey) {
      if (value !== null && typeof value === 'object') {
        // Complex keys do not exist in Kubernetes objects; go-yaml would stringify them.
        top.key = JSON.stringify(value);
      } else top.key = keyString(value);
      top.keyOffset = offset;
      top.expectKey = false;
      return;
    }
    const key = top.key!;
    top.expectKey = true;
    top.key = null;
    if (key === '<<' ) {
      (top.merges ??= []).push(value);
      return;
    }
    const map = top.value as Record<string, Json>;
    if (top.explicit!.has(key)) {
      diags.push({
        offset: base + top.keyOffset,
        level: 'warning',
        doc: docIndex,
        message: `duplicate key "${key}": kubectl's strict validation rejects this; the last value wins here`,
      });
    }
    top.explicit!.add(key);
    setKey(map, key, value);
    setKey(top.pos.k!, key, base + top.keyOffset);
  };

  const anchorName = (start: number, end: number) => (start >= 0 ? text.slice(start, end) : null);

  for (let idx = 0; idx < events.length; idx++) {
    const ev = events[idx];
    switch (ev.type) {
      case 1: // DOCUMENT
        docIndex++;
        stack = [];
        anchors = new Map();
        root = undefined;
        decoded = 0;
        aliased = 0;
        break;
      case 2: // SEQUENCE
      case 3: {
        // MAPPING
        const isMap = ev.type === 3;
        decoded++;
        const pos: PosRecord = isMap ? { s: base + ev.start, k: {} } : { s: base + ev.start, i: [] };
        stack.push({
          kind: isMap ? 'map' : 'seq',
          value: isMap ? {} : [],
          pos,
          anchor: anchorName(ev.anchorStart, ev.anchorEnd),
          key: null,
          keyOffset: 0,
          expectKey: true,
          explicit: isMap ? new Set() : null,
          merges: null,
          size: 1,
        });
        break;
      }
      case 4: {
        const sc = ev as ScalarEvent;
        const raw = getScalarValue(text, sc);
        let value: Json;
        if (sc.tagStart >= 0) value = resolveTagged(text.slice(sc.tagStart, sc.tagEnd), raw, sc.style);
        else if (sc.style === 1) value = resolvePlain(raw);
        else value = raw;
        decoded++;
        addValue(value, sc.valueStart, 1, anchorName(sc.anchorStart, sc.anchorEnd));
        break;
      }
      case 5: {
        const name = text.slice(ev.anchorStart, ev.anchorEnd);
        const a = anchors.get(name);
        if (!a) {
          const open = stack.some((f) => f.anchor === name);
          throw new DocError(open ? `anchor "${name}" value contains itself` : `unknown anchor "${name}"`, ev.anchorStart);
        }
        aliased += a.size;
        if (aliased > 100 && decoded + a.size > 1000 && aliased / (decoded + a.size) > allowedAliasRatio(decoded + a.size)) {
          throw new DocError('document contains excessive aliasing (a "billion laughs" expansion?)', ev.anchorStart);
        }
        addValue(a.value, ev.anchorStart - 1, a.size, null);
        break;
      }
      case 6: {
        const f = stack.pop();
        if (!f) {
          // Document end.
          if (root !== undefined) out.push({ index: docIndex, value: root, offset: base + rootOffset });
          break;
        }
        if (f.kind === 'map') {
          if (f.pos.k && Object.keys(f.pos.k).length === 0) delete f.pos.k;
          finishMerges(f, diags, docIndex);
        }
        positions.set(f.value as object, f.pos);
        const value = f.value as Json;
        const size = f.size;
        const start = f.pos.s - base;
        addValue(value, start, size, f.anchor);
        break;
      }
    }
  }
  return docIndex;
}

/** Assign without ever touching the prototype chain (a `__proto__` key is data here). */
function setKey<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function finishMerges(f: Frame, diags: YamlDiagnostic[], doc: number): void {
  if (!f.merges) return;
  const map = f.value as Record<string, Json>;
  const sources: Json[] = [];
  for (const m of f.merges) {
    if (Array.isArray(m)) sources.push(...m);
    else sources.push(m);
  }
  // Earlier maps in a merge sequence take precedence over later ones; explicit keys win over all.
  for (const src of sources) {
    if (src === null || typeof src !== 'object' || Array.isArray(src)) {
      diags.push({ offset: f.pos.s, level: 'warning', doc, message: 'merge key "<<" needs a mapping or a sequence of mappings; ignored' });
      continue;
    }
    for (const [k, v] of Object.entries(src)) {
      if (f.explicit!.has(k) || Object.prototype.hasOwnProperty.call(map, k)) continue;
      setKey(map, k, v);
    }
  }
}

function errorMessage(e: unknown): { message: string; offset: number | null } {
  if (e instanceof DocError) return { message: e.message, offset: e.offset };
  if (e instanceof RangeError) return { message: 'nesting too deep to parse', offset: null };
  const err = e as { reason?: string; message?: string; mark?: { position?: number } };
  const message = err.reason ?? String(err.message ?? e).split('\n')[0];
  return { message, offset: typeof err.mark?.position === 'number' ? err.mark.position : null };
}

function parseChunk(
  text: string,
  chunk: string,
  base: number,
  firstDocIndex: number,
  positions: PositionTable,
  out: ParsedDocument[],
  diags: YamlDiagnostic[],
  maxDepth: number,
): number {
  const events = parseEvents(chunk, { maxDepth });
  return construct(events, chunk, base, firstDocIndex, positions, out, diags);
}

/**
 * Parse a whole file. Never throws: a document that fails is reported in `diagnostics`
 * (level 'error') and skipped; every other document is returned.
 */
export function parseYaml(text: string, options: YamlOptions = {}): ParsedFile {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const positions: PositionTable = new WeakMap();
  const docs: ParsedDocument[] = [];
  const diagnostics: YamlDiagnostic[] = [];
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);

  const spans = text.length <= chunkBytes ? [{ start: 0, end: text.length }] : splitDocuments(text);
  // Group spans into chunks of about chunkBytes.
  let docIndex = 0;
  let i = 0;
  while (i < spans.length) {
    let j = i;
    let size = 0;
    do {
      size += spans[j].end - spans[j].start;
      j++;
    } while (j < spans.length && size + (spans[j].end - spans[j].start) <= chunkBytes);
    const start = spans[i].start;
    const end = spans[j - 1].end;
    const mark = docs.length;
    const dmark = diagnostics.length;
    try {
      const last = parseChunk(text, text.slice(start, end), start, docIndex, positions, docs, diagnostics, maxDepth);
      docIndex = last + 1;
    } catch (e) {
      docs.length = mark;
      diagnostics.length = dmark;
      // Retry document by document so one bad document costs only itself.
      const sub = j - i === 1 ? splitDocuments(text.slice(start, end)).map((s) => ({ start: s.start + start, end: s.end + start })) : spans.slice(i, j);
      if (sub.length === 1) {
        const { message, offset } = errorMessage(e);
        diagnostics.push({ offset: offset === null ? sub[0].start : start + offset, level: 'error', doc: docIndex, message });
        docIndex++;
      } else {
        for (const s of sub) {
          const dm = docs.length;
          const ddm = diagnostics.length;
          try {
            const last = parseChunk(text, text.slice(s.start, s.end), s.start, docIndex, positions, docs, diagnostics, maxDepth);
            docIndex = Math.max(docIndex, last + 1);
          } catch (e2) {
            docs.length = dm;
            diagnostics.length = ddm;
            const { message, offset } = errorMessage(e2);
            diagnostics.push({ offset: offset === null ? s.start : s.start + offset, level: 'error', doc: docIndex, message });
            docIndex++;
          }
        }
      }
    }
    i = j;
  }
  return { docs, positions, diagnostics };
}

/** Lazily computed line starts for offset -> line/column. */
export class LineIndex {
  private starts: Int32Array | null = null;
  constructor(private readonly text: string) {}
  private build(): Int32Array {
    const arr: number[] = [0];
    const t = this.text;
    let i = t.indexOf('\n');
    while (i !== -1) {
      arr.push(i + 1);
      i = t.indexOf('\n', i + 1);
    }
    return Int32Array.from(arr);
  }
  /** 1-based line and column. */
  locate(offset: number): { line: number; column: number } {
    const s = (this.starts ??= this.build());
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - s[lo] + 1 };
  }
}
