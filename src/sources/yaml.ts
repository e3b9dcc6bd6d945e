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
import { parseEvents, getScalarValue, type Event, type ScalarEvent } from './js-yaml.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Offsets of a container: `s` its start; `k` offsets of its keys (mappings); `i` of its items (sequences). */
/** Where a mapping's own offset is kept in its position record (no YAML key can be a symbol). */
export const POS_START: unique symbol = Symbol('start');

/**
 * A container's offsets: a mapping's, its keys' by key (its own under POS_START); a sequence's, its
 * own then its items' ([start, item 0, item 1, ...]). No wrapper object: 100,000 documents hold
 * millions of containers. Read them with posStart, posKey and posItem.
 */
export type MapPos = { [key: string]: number; [POS_START]: number };
export type PosRecord = MapPos | number[];

/** Where the container starts. */
export function posStart(p: PosRecord): number {
  return Array.isArray(p) ? p[0] : p[POS_START];
}

/** Where a mapping's key starts (undefined for a sequence or a key it lacks). */
export function posKey(p: PosRecord | undefined, key: string): number | undefined {
  return p === undefined || Array.isArray(p) || !Object.prototype.hasOwnProperty.call(p, key) ? undefined : p[key];
}

/** Where a sequence's item starts (undefined for a mapping or an item it lacks). */
export function posItem(p: PosRecord | undefined, index: number): number | undefined {
  return p !== undefined && Array.isArray(p) && index >= 0 && index + 1 < p.length ? p[index + 1] : undefined;
}

/**
 * Positions of a document's containers. A Map, not a WeakMap: a document's containers live as long
 * as the document, and a WeakMap entry per container (an ephemeron) costs the garbage collector far
 * more (measured: 0.5 s of 7 s loading 100,000 objects).
 */
export type PositionTable = Map<object, PosRecord>;

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
  /** Positions of this document's containers; null when they were not recorded. */
  positions: PositionTable | null;
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
  /**
   * Record key and item offsets (default true). Loading large inputs turns this off and
   * re-parses only the documents that need a location (see sources/resources.ts).
   */
  positions?: boolean | ((root: Json) => boolean);
}

export const DEFAULT_MAX_DEPTH = 200;
/** Source handed to the event parser at once. Larger is faster (js-yaml); smaller bounds the transient event array. */
export const DEFAULT_CHUNK = 2 * 1024 * 1024;

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

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * go-yaml v2 tries strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64) (which takes no sign):
 * the exact value, or undefined when both fail (bad syntax or outside 64 bits; go-yaml then tries
 * a float for decimal-looking text and otherwise keeps the string). `s` has no underscores.
 */
function goParseIntBig(s: string): bigint | undefined {
  const signed = s[0] === '+' || s[0] === '-';
  const body = signed ? s.slice(1) : s;
  let v: bigint;
  if (INT_HEX.test(s)) v = BigInt('0x' + body.slice(2));
  else if (INT_OCT_O.test(s)) v = BigInt('0o' + body.slice(2));
  else if (INT_BIN.test(s)) v = BigInt('0b' + body.slice(2));
  else if (INT_OCT_LEGACY.test(s)) v = BigInt('0o' + body.slice(1));
  else if (INT_DEC.test(s) && (body.length === 1 || body[0] !== '0')) v = BigInt(body);
  else return undefined;
  if (s[0] === '-') v = -v;
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  if (!signed && v <= UINT64_MAX) return v;
  return undefined;
}

/** goParseIntBig as a number. Up to 15 characters every form is in range and exact in a double. */
function goParseInt(s: string): number | undefined {
  if (s.length > 15) {
    const big = goParseIntBig(s);
    return big === undefined ? undefined : Number(big);
  }
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
  else return undefined;
  // Go integers have no negative zero.
  return n === 0 ? 0 : sign * n;
}

/** strconv's underscoreOK for decimal text: each `_` between two digits. */
const BAD_UNDERSCORE = /(^|[^0-9])_|_([^0-9]|$)/;

/** Letters that can start a null, bool or special float (yes, No, true, off, null, ~ aside). */
const WORD_MAY_RESOLVE = new Uint8Array(128);
for (const ch of 'yYnNtTfFoO') WORD_MAY_RESOLVE[ch.charCodeAt(0)] = 1;

/** Resolve an untagged plain scalar the way kubectl does. */
export function resolvePlain(text: string): Json {
  const n = text.length;
  if (n === 0) return null;
  // Fast paths for most scalars: a word that cannot be a null, bool or number, and a plain decimal
  // integer (no sign, no leading zero, at most 15 digits: exact in a double, in range for go-yaml).
  const code = text.charCodeAt(0);
  if (((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) && WORD_MAY_RESOLVE[code] === 0) return text;
  if (code >= 49 && code <= 57 && n <= 15) {
    let v = code - 48;
    let i = 1;
    for (; i < n; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === n) return v;
  }
  const c = text[0];
  if (MAP_FIRST.has(c)) {
    const v = RESOLVE_MAP[text];
    if (v !== undefined) return v;
  }
  if (NUM_FIRST.has(c)) {
    let plain = text;
    if (text.includes('_')) {
      // A leading '.' goes straight to strconv.ParseFloat, which checks underscores; otherwise
      // go-yaml strips them all first.
      if (c === '.' && BAD_UNDERSCORE.test(text)) return text;
      plain = text.replace(/_/g, '');
    }
    if (c !== '.') {
      const i = goParseInt(plain);
      if (i !== undefined) return i;
    }
    if (FLOAT_RE.test(plain)) {
      const f = parseFloat(plain);
      // strconv.ParseFloat fails out of range (1e400): go-yaml then keeps the string.
      if (Number.isFinite(f)) return f;
    }
  }
  return text;
}

/** Is this number-valued plain text an integer for go-yaml (else a float)? */
function isGoInt(text: string): boolean {
  if (text[0] === '.' || RESOLVE_MAP[text] !== undefined) return false;
  return goParseInt(text.includes('_') ? text.replace(/_/g, '') : text) !== undefined;
}

/** strconv.FormatFloat(v, 'g', -1, 32), as sigs.k8s.io/yaml turns float map keys into strings. */
function goFloatKey(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  const f = Math.fround(v);
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const a = Math.abs(f);
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const e = a.toExponential(p - 1);
    if (Math.fround(parseFloat(e)) === a) {
      const [m, x] = e.split('e');
      digits = m.replace('.', '').replace(/0+$/, '') || '0';
      exp = Number(x);
      break;
    }
  }
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const ax = Math.abs(exp);
    return `${sign}${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${exp < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}${frac ? '.' + frac : ''}`;
}

/** Where a map key came from, when it is a scalar in the text (not an alias). */
interface KeySource {
  raw: string;
  /** Explicitly tagged !!float. */
  float: boolean;
  /** Plain (or !!merge-tagged): a `<<` key is a merge key only then. */
  merge: boolean;
}

/**
 * The string sigs.k8s.io/yaml makes of a map key: bools and numbers are formatted as go-yaml
 * typed them; null, uint64 and collection keys make kubectl reject the whole document.
 */
function mapKey(value: Json, src: KeySource | undefined, offset: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) throw new DocError('a null map key: kubectl cannot decode this document (unsupported map key)', offset);
  if (typeof value === 'object') throw new DocError('a mapping or sequence as a map key: kubectl cannot decode this document (invalid map key)', offset);
  if (src && !src.float && isGoInt(src.raw)) {
    const big = goParseIntBig(src.raw.replace(/_/g, ''))!;
    if (big > INT64_MAX) throw new DocError(`map key ${src.raw} is an unsigned 64-bit integer: kubectl cannot decode this document (unsupported map key)`, offset);
    return big.toString();
  }
  if (!src && Number.isSafeInteger(value)) return String(value);
  return goFloatKey(value);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A scalar with an explicit tag, as go-yaml v2's resolve(): a standard tag whose value does not
 * fit it (`!!int abc`, `!!null x`, `!!bool 1`) fails the document, as kubectl does; `!!binary`
 * is base64-decoded; any other tag (`!Ref`, `!include`) leaves the scalar a string.
 */
function resolveTagged(tag: string, text: string, offset: number): Json {
  const t = tag.startsWith('!!') ? tag.slice(2) : tag.startsWith('tag:yaml.org,2002:') ? tag.slice(18) : '';
  switch (t) {
    case 'str':
    case 'timestamp': // not validated: timestamps stay strings either way
      return text;
    case 'binary': {
      const b64 = text.replace(/[\r\n]/g, '');
      if (!STRICT_BASE64.test(b64)) throw new DocError('!!binary value contains invalid base64 data', offset);
      return Buffer.from(b64, 'base64').toString('utf8');
    }
    case 'int':
    case 'float':
    case 'bool':
    case 'null': {
      const v = resolvePlain(text);
      const got = v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v === 'string' ? 'str' : isGoInt(text) ? 'int' : 'float';
      if (got === t || (t === 'float' && got === 'int')) return v;
      // The value itself is never quoted: it may be a Secret's.
      throw new DocError(`cannot decode a !!${got} value as a !!${t} (tagged !!${t} but written as a ${got === 'str' ? 'string' : got})`, offset);
    }
    default:
      return text;
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
  // Only CR and LF break lines in YAML 1.2 (js-yaml): not the U+2028/U+2029 that `^` with the
  // m flag would also match after.
  const re = /(?:^|[\r\n])(---|\.\.\.)(?=[ \t\r\n]|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const at = m.index + m[0].length - 3;
    // The marker's end may be the next marker's line break (`---\n---`): rescan from it.
    re.lastIndex = at + 3;
    if (m[1] === '---') {
      if (at > start || spans.length > 0 || at > 0) spans.push({ start, end: at });
      start = at;
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
  /** Offset of the container within the chunk. */
  start: number;
  pos: PosRecord | null;
  anchor: string | null;
  /** For mappings: the pending key (after a key scalar was read). */
  key: string | null;
  keyOffset: number;
  expectKey: boolean;
  /** Keys set explicitly, tracked only once a merge key (<<) has added others (for duplicate warnings). */
  explicit: Set<string> | null;
  /** The pending key is a merge key (`<<`). */
  mergeKey: boolean;
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
  events: Event[] | Int32Array,
  text: string,
  base: number,
  firstDocIndex: number,
  positions: PositionTable | null,
  keep: ((root: Json) => boolean) | null,
  out: ParsedDocument[],
  diags: YamlDiagnostic[],
): number {
  let docIndex = firstDocIndex - 1;
  let table: PositionTable | null = positions;
  let stack: Frame[] = [];
  let anchors = new Map<string, { value: Json; size: number }>();
  let root: Json | undefined;
  let rootOffset = 0;
  let decoded = 0;
  let aliased = 0;

  const addValue = (value: Json, offset: number, size: number, anchor: string | null, src?: KeySource) => {
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
      if (top.pos) (top.pos as number[]).push(base + offset);
      return;
    }
    if (top.expectKey) {
      top.key = mapKey(value, src, offset);
      top.mergeKey = value === '<<' && src !== undefined && src.merge;
      top.keyOffset = offset;
      top.expectKey = false;
      return;
    }
    const key = top.key!;
    top.expectKey = true;
    top.key = null;
    if (top.mergeKey) {
      top.mergeKey = false;
      // From the first merge on, keys present are no longer all explicit: track those that are.
      top.explicit ??= new Set(Object.keys(top.value));
      mergeInto(top.value as Record<string, Json>, value, offset);
      return;
    }
    const map = top.value as Record<string, Json>;
    if (top.explicit ? top.explicit.has(key) : Object.prototype.hasOwnProperty.call(map, key)) {
      diags.push({
        offset: base + top.keyOffset,
        level: 'warning',
        doc: docIndex,
        message: `duplicate key ${JSON.stringify(key.length > 60 ? key.slice(0, 60) + '...' : key)}: kubectl's strict validation rejects this; the last value wins here`,
      });
    }
    top.explicit?.add(key);
    setKey(map, key, value);
    if (top.pos) setKey(top.pos as MapPos, key, base + top.keyOffset);
  };

  const anchorName = (start: number, end: number) => (start >= 0 ? text.slice(start, end) : null);

  const flat = events instanceof Int32Array ? events : null;
  const count = flat ? flat.length / STRIDE : (events as Event[]).length;
  for (let idx = 0; idx < count; idx++) {
    const ev = flat ? readFlat(flat, idx * STRIDE) : (events as Event[])[idx];
    switch (ev.type) {
      case 1: // DOCUMENT
        docIndex++;
        stack = [];
        anchors = new Map();
        root = undefined;
        decoded = 0;
        aliased = 0;
        table = keep ? new Map() : positions;
        break;
      case 2: // SEQUENCE
      case 3: {
        // MAPPING
        const isMap = ev.type === 3;
        decoded++;
        const pos: PosRecord | null = table === null ? null : isMap ? ({ [POS_START]: base + ev.start } as MapPos) : [base + ev.start];
        stack.push({
          start: ev.start,
          kind: isMap ? 'map' : 'seq',
          value: isMap ? {} : [],
          pos,
          anchor: anchorName(ev.anchorStart, ev.anchorEnd),
          key: null,
          keyOffset: 0,
          expectKey: true,
          explicit: null,
          mergeKey: false,
          size: 1,
        });
        break;
      }
      case 4: {
        const sc = ev as ScalarEvent;
        const raw = flattened(blockAtEnd(getScalarValue(text, sc), text, sc), sc);
        const top = stack[stack.length - 1];
        // An empty scalar (`a:`, `- `, ` : x`) has no range of its own: fall back to its tag,
        // its anchor, or the collection it is in.
        const at = sc.valueStart >= 0 ? sc.valueStart : sc.tagStart >= 0 ? sc.tagStart : sc.anchorStart > 0 ? sc.anchorStart - 1 : (top?.start ?? 0);
        let value: Json;
        const tag = sc.tagStart >= 0 ? text.slice(sc.tagStart, sc.tagEnd) : null;
        if (tag !== null) value = resolveTagged(tag, raw, at);
        else if (sc.style === 1) value = resolvePlain(raw);
        else value = raw;
        decoded++;
        // Only a key that is not a plain string (or is `<<`) needs its source (mapKey, merge keys).
        const src: KeySource | undefined =
          top !== undefined && top.kind === 'map' && top.expectKey && (typeof value !== 'string' || value === '<<')
            ? { raw, float: tag === '!!float' || tag === 'tag:yaml.org,2002:float', merge: sc.style === 1 && (tag === null || tag === '!!merge' || tag === 'tag:yaml.org,2002:merge') }
            : undefined;
        addValue(value, at, 1, anchorName(sc.anchorStart, sc.anchorEnd), src);
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
          if (root !== undefined) {
            const kept = keep ? (keep(root) ? table : null) : table;
            out.push({ index: docIndex, value: root, offset: base + rootOffset, positions: kept });
          }
          break;
        }
        if (f.kind === 'seq') {
          // Arrays grown by push keep spare capacity (a one-item list holds room for 17): a copy
          // is exactly as long. Large inputs hold hundreds of thousands of short lists.
          f.value = (f.value as Json[]).slice();
          if (f.pos) f.pos = (f.pos as number[]).slice();
        }
        if (table !== null && f.pos) table.set(f.value as object, f.pos);
        addValue(f.value as Json, f.start, f.size, f.anchor);
        break;
      }
    }
  }
  return docIndex;
}

/**
 * js-yaml adds the final line break of a clipped or kept block scalar (`|`, `>`, `|+`) even when
 * the text ends on the scalar's last content line without one. YAML (and go-yaml, so kubectl)
 * keeps only line breaks that exist: `k: |\n  a` (no newline at end of file) is "a", not "a\n".
 */
function blockAtEnd(raw: string, text: string, sc: ScalarEvent): string {
  if ((sc.style !== 4 && sc.style !== 5) || sc.chomping === 2 || sc.valueStart < 0 || sc.valueEnd <= sc.valueStart) return raw;
  const last = text.charCodeAt(sc.valueEnd - 1);
  if (last === 10 || last === 13 || !raw.endsWith('\n')) return raw;
  return raw.slice(0, -1);
}

/**
 * js-yaml builds block scalars (and folded or escaped ones) line by line with +=, which V8 keeps as
 * a tree of concatenations (two nodes per line) until something reads the characters. Flatten them
 * once while loading: the tree of a 200-line script costs ten times its text. (`| 0` converts to a
 * number, which makes V8 flatten the string in place; the number is thrown away.)
 */
function flattened(raw: string, sc: ScalarEvent): string {
  if (sc.style !== 1 || raw.length > 64) void ((raw as unknown as number) | 0);
  return raw;
}

/** Assign without ever touching the prototype chain (a `__proto__` key is data here). */
function setKey<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Apply a merge key (`<<: *base` or `<<: [*a, *b]`) as go-yaml v2 does: in place, in key order,
 * so keys written after it override merged ones and merged ones override keys before it; in a
 * sequence, earlier maps win. Anything but a mapping or a sequence of mappings fails the document.
 */
function mergeInto(map: Record<string, Json>, value: Json, offset: number): void {
  const isMap = (v: Json): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
  const sources = Array.isArray(value) ? value : [value];
  if (!sources.every(isMap)) throw new DocError('map merge requires map or sequence of maps as the value', offset);
  for (let i = sources.length - 1; i >= 0; i--) {
    for (const [k, v] of Object.entries(sources[i] as Record<string, Json>)) setKey(map, k, v);
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
  positions: PositionTable | null,
  keep: ((root: Json) => boolean) | null,
  out: ParsedDocument[],
  diags: YamlDiagnostic[],
  maxDepth: number,
): number {
  const events = parseEvents(chunk, { maxDepth });
  return construct(events, chunk, base, firstDocIndex, positions, keep, out, diags);
}

/**
 * Parse a whole file. Never throws: a document that fails is reported in `diagnostics`
 * (level 'error') and skipped; every other document is returned.
 */
export function parseYaml(text: string, options: YamlOptions & { events?: Event[] | Int32Array | null } = {}): ParsedFile {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const table: PositionTable = new Map();
  const keep = typeof options.positions === 'function' ? options.positions : null;
  const positions = options.positions === false ? null : table;
  const docs: ParsedDocument[] = [];
  const diagnostics: YamlDiagnostic[] = [];
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);

  if (options.events) {
    // Events parsed elsewhere (a worker thread) from this same text: only build the values here.
    // Anything that fails falls through to the normal path, which isolates the bad document.
    try {
      construct(options.events, text, 0, 0, positions, keep, docs, diagnostics);
      return { docs, positions: table, diagnostics };
    } catch {
      docs.length = 0;
      diagnostics.length = 0;
    }
  }

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
      const last = parseChunk(text, text.slice(start, end), start, docIndex, positions, keep, docs, diagnostics, maxDepth);
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
            const last = parseChunk(text, text.slice(s.start, s.end), s.start, docIndex, positions, keep, docs, diagnostics, maxDepth);
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
  return { docs, positions: table, diagnostics };
}

/** Lazily computed line starts for offset -> line/column. */
export class LineIndex {
  private starts: Int32Array | null = null;
  /** `firstLine`: the line number of the text's first line (for a chunk of a larger file). */
  constructor(
    private readonly text: string,
    private readonly firstLine = 1,
  ) {}
  /** Number of line breaks in the text. */
  breaks(): number {
    return (this.starts ??= this.build()).length - 1;
  }
  private build(): Int32Array {
    const t = this.text;
    let arr = new Int32Array(1024);
    let n = 1;
    let i = t.indexOf('\n');
    while (i !== -1) {
      if (n === arr.length) {
        const grown = new Int32Array(n * 2);
        grown.set(arr);
        arr = grown;
      }
      arr[n++] = i + 1;
      i = t.indexOf('\n', i + 1);
    }
    return arr.slice(0, n);
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
    return { line: lo + this.firstLine, column: offset - s[lo] + 1 };
  }
}

// ---------------------------------------------------------------------------------------------
// Events as a flat Int32Array, so a worker thread can parse and hand them over without copying.
// ---------------------------------------------------------------------------------------------

const STRIDE = 12;

// One reusable event object per type: construct() reads an event's fields and never keeps it.
const R_DOC: Event = { type: 1, explicitStart: false, explicitEnd: false, directives: [] };
const R_COLL = { type: 2, start: 0, anchorStart: -1, anchorEnd: -1, tagStart: -1, tagEnd: -1, style: 1 } as unknown as Event & { type: 2 | 3 };
const R_SCALAR: ScalarEvent = { type: 4, valueStart: 0, valueEnd: 0, anchorStart: -1, anchorEnd: -1, tagStart: -1, tagEnd: -1, style: 1, chomping: 1, indent: 0, fast: false };
const R_ALIAS: Event = { type: 5, anchorStart: 0, anchorEnd: 0 };
const R_POP: Event = { type: 6 };

function readFlat(a: Int32Array, o: number): Event {
  switch (a[o]) {
    case 1:
      return R_DOC;
    case 2:
    case 3: {
      const e = R_COLL as unknown as Record<string, number>;
      e.type = a[o];
      e.start = a[o + 1];
      e.anchorStart = a[o + 2];
      e.anchorEnd = a[o + 3];
      e.tagStart = a[o + 4];
      e.tagEnd = a[o + 5];
      e.style = a[o + 6];
      return R_COLL;
    }
    case 4: {
      const e = R_SCALAR as unknown as Record<string, number | boolean>;
      e.valueStart = a[o + 1];
      e.valueEnd = a[o + 2];
      e.anchorStart = a[o + 3];
      e.anchorEnd = a[o + 4];
      e.tagStart = a[o + 5];
      e.tagEnd = a[o + 6];
      e.style = a[o + 7];
      e.chomping = a[o + 8];
      e.indent = a[o + 9];
      e.fast = a[o + 10] === 1;
      return R_SCALAR;
    }
    case 5: {
      const e = R_ALIAS as unknown as Record<string, number>;
      e.anchorStart = a[o + 1];
      e.anchorEnd = a[o + 2];
      return R_ALIAS;
    }
    default:
      return R_POP;
  }
}

/** The text js-yaml parses (a leading BOM becomes a space, keeping offsets), as parseYaml does. */
export function parseEventsFlat(text: string): Int32Array {
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  const events = parseEvents(text, { maxDepth: DEFAULT_MAX_DEPTH });
  const out = new Int32Array(events.length * STRIDE);
  for (let i = 0, o = 0; i < events.length; i++, o += STRIDE) {
    const e = events[i];
    out[o] = e.type;
    switch (e.type) {
      case 1:
        out[o + 1] = e.explicitStart ? 1 : 0;
        out[o + 2] = e.explicitEnd ? 1 : 0;
        break;
      case 2:
      case 3:
        out[o + 1] = e.start;
        out[o + 2] = e.anchorStart;
        out[o + 3] = e.anchorEnd;
        out[o + 4] = e.tagStart;
        out[o + 5] = e.tagEnd;
        out[o + 6] = e.style;
        break;
      case 4:
        out[o + 1] = e.valueStart;
        out[o + 2] = e.valueEnd;
        out[o + 3] = e.anchorStart;
        out[o + 4] = e.anchorEnd;
        out[o + 5] = e.tagStart;
        out[o + 6] = e.tagEnd;
        out[o + 7] = e.style;
        out[o + 8] = e.chomping;
        out[o + 9] = e.indent;
        out[o + 10] = e.fast ? 1 : 0;
        break;
      case 5:
        out[o + 1] = e.anchorStart;
        out[o + 2] = e.anchorEnd;
        break;
    }
  }
  return out;
}

