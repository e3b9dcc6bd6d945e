/**
 * A custom resource against its CustomResourceDefinition's structural schema, as the apiextensions
 * API server judges it (Kubernetes 1.37), with its error texts:
 *
 * 1. Strict decoding (kubectl's default field validation): a key the schema does not declare, where
 *    it neither preserves unknown fields nor allows additional properties, is an unknown field; the
 *    request fails with "strict decoding error: unknown field "spec.x"" before anything is validated.
 *    At the top and in embedded resources (`x-kubernetes-embedded-resource`), apiVersion, kind and
 *    metadata are always known, and metadata is an ObjectMeta.
 * 2. Validation, after null values of non-nullable fields are pruned and defaults applied: types
 *    (x-kubernetes-int-or-string: integer or string), enum, required, minimum/maximum (exclusive),
 *    multipleOf, minLength/maxLength (in characters), pattern, minItems/maxItems,
 *    minProperties/maxProperties, x-kubernetes-list-type set and map duplicates, and an embedded
 *    resource's apiVersion and kind. A `status` with a status subresource is reset on create and not
 *    validated.
 *
 * Not judged: anyOf/allOf/oneOf/not, formats, CEL rules (x-kubernetes-validations: the loader does
 * not keep them), metadata values, templated values and keys.
 */
import { unknownFields } from './schema.js';
import type { FieldPath, Json, JsonObject } from './types.js';
import { isObject, isTemplated } from './util.js';

export type CrProblemKind = 'unknown' | 'type' | 'enum' | 'required' | 'range' | 'multiple' | 'length' | 'pattern' | 'count' | 'duplicate';

export interface CrProblem {
  kind: CrProblemKind;
  /** Where the finding points: the field, or the object a required field is missing from. */
  path: FieldPath;
  /** The field the error names, as the API server writes it ("spec.items[0].name"). */
  field: string;
  /** The API server's words. */
  error: string;
  /** unknown: the fields the object's schema declares. */
  known?: string[];
  /** type: what the value is and what the schema wants ("string", "integer"). */
  got?: string;
  want?: string;
  /** enum (and type, when the field has one): the values allowed. */
  allowed?: Json[];
  /** type: the field's pattern, if it has one (a quoted number may still not match it). */
  pattern?: string;
}

/** Whether a string matches a schema pattern as the API server reads it; undefined when it cannot be judged here. */
export function matchesPattern(pattern: string, value: string): boolean | undefined {
  const re = compile(pattern);
  return re ? re.test(value) : undefined;
}

/** The API server's path text: keys joined by dots, list indices in brackets. */
export function serverPath(path: FieldPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

const INT64 = 2 ** 63;

/** The JSON type the API server sees: integers that fit an int64 are "integer", other numbers "number". */
export function jsonTypeOf(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < INT64 ? 'integer' : 'number';
  return Array.isArray(v) ? 'array' : 'object';
}

/** A number as Go's %v prints a float64 ("0.7", "1e+21", "1e-05"). */
export function goNumber(n: number): string {
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a < 1e21 && a >= 1e-4) return String(n);
  const [m, e] = n.toExponential().split('e');
  const exp = Number(e);
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A value as the API server's field errors print it: strings quoted, numbers bare, others as JSON. */
function shown(v: Json): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return goNumber(v);
  return JSON.stringify(v);
}

const has = (o: JsonObject, k: string) => Object.hasOwn(o, k);
const num = (v: Json | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Null values of non-nullable fields are pruned: the API server never sees them. */
function pruned(x: Json | undefined, node: Json | undefined): boolean {
  return x === undefined || (x === null && !(isObject(node) && node.nullable === true));
}

/** The schema of a key of an object: its property, else additionalProperties; null when it has none. */
function childOf(node: JsonObject, key: string): JsonObject | null {
  const props = node.properties;
  if (isObject(props) && has(props, key) && isObject(props[key])) return props[key];
  return isObject(node.additionalProperties) ? node.additionalProperties : null;
}

/** Every problem of a custom resource `obj` against its version's schema. */
export function crProblems(obj: JsonObject, schema: JsonObject, statusSubresource: boolean): CrProblem[] {
  const out: CrProblem[] = [];
  unknowns(obj, schema, [], true, out);
  validateObject(obj, schema, [], true, statusSubresource, out);
  return out;
}

function unknowns(v: Json, node: JsonObject, path: FieldPath, resource: boolean, out: CrProblem[]): void {
  if (Array.isArray(v)) {
    const items = node.items;
    if (!isObject(items)) return;
    const embedded = items['x-kubernetes-embedded-resource'] === true;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') {
        path.push(i);
        unknowns(x, items, path, embedded, out);
        path.pop();
      }
    }
    return;
  }
  if (!isObject(v)) return;
  const props = isObject(node.properties) ? node.properties : undefined;
  // A node with neither a type nor properties is not structural (anyOf alone, say): the API server
  // would not have taken the CRD as it is written, so nothing under it is judged.
  const free = node['x-kubernetes-preserve-unknown-fields'] === true || node.additionalProperties === true || (node.type === undefined && props === undefined);
  for (const key of Object.keys(v)) {
    const x = v[key];
    if (x === null || x === undefined) continue;
    if (resource && (key === 'apiVersion' || key === 'kind')) continue;
    if (resource && key === 'metadata') {
      if (isObject(x)) {
        for (const p of unknownFields(x, 'meta.v1.ObjectMeta', [...path, 'metadata'])) {
          const field = serverPath(p.path);
          out.push({ kind: 'unknown', path: p.path, field, error: `unknown field "${field}"`, known: p.known });
        }
      }
      continue;
    }
    const child = childOf(node, key);
    if (!child) {
      if (free || key.startsWith('$') || key === '<<' || isTemplated(key)) continue;
      const p = [...path, key];
      const field = serverPath(p);
      out.push({ kind: 'unknown', path: p, field, error: `unknown field "${field}"`, known: props ? Object.keys(props) : [] });
      continue;
    }
    if (typeof x === 'object') {
      path.push(key);
      unknowns(x, child, path, child['x-kubernetes-embedded-resource'] === true, out);
      path.pop();
    }
  }
}

/** A value left to fill in before applying: <name>, __NAME__, {NAME} (a test harness's). */
const PLACEHOLDER = /<[^<>]+>|^__[A-Za-z0-9_]+__$|^\{[A-Z][A-Z0-9_]*\}$/;

function validate(v: Json, node: JsonObject, path: FieldPath, out: CrProblem[]): void {
  if (typeof v === 'string' && (isTemplated(v) || (v.length <= 80 && PLACEHOLDER.test(v)))) return;
  const f = serverPath(path);
  const got = jsonTypeOf(v);
  let typeOk = true;
  if (node['x-kubernetes-int-or-string'] === true) {
    if (got !== 'integer' && got !== 'string' && !(got === 'null' && node.nullable === true)) {
      typeOk = false;
      out.push({ kind: 'type', path: [...path], field: f, got, want: 'integer,string', error: `${f}: Invalid value: "${got}": ${f} in body must be of type integer,string: "${got}"` });
    }
  } else if (typeof node.type === 'string' && node.type !== '') {
    const want = node.type;
    if (got === 'null' && node.nullable === true) return;
    if (!(want === got || (want === 'number' && got === 'integer'))) {
      typeOk = false;
      let error = `${f}: Invalid value: "${got}": ${f} in body must be of type ${want}: "${got}"`;
      // go-openapi's format check adds its own error for a fraction in an integer field.
      if (want === 'integer' && got === 'number') error += `; <nil>: Invalid value: "": Checked value must be of type integer (default format) in ${f}`;
      out.push({ kind: 'type', path: [...path], field: f, got, want, error, ...(typeof node.pattern === 'string' ? { pattern: node.pattern } : {}), ...(Array.isArray(node.enum) ? { allowed: node.enum } : {}) });
    }
  }
  const en = node.enum;
  if (Array.isArray(en) && en.length > 0 && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    if (en.every((e) => typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean') && !en.some((e) => e === v)) {
      out.push({ kind: 'enum', path: [...path], field: f, allowed: en, error: `${f}: Unsupported value: ${shown(v)}: supported values: ${en.map((e) => JSON.stringify(typeof e === 'number' ? goNumber(e) : String(e))).join(', ')}` });
    }
  }
  if (!typeOk || v === null) return;
  if (typeof v === 'number') {
    const min = node.minimum;
    const max = node.maximum;
    if (num(min)) {
      const excl = node.exclusiveMinimum === true;
      if (excl ? !(v > min) : !(v >= min)) out.push({ kind: 'range', path: [...path], field: f, error: `${f}: Invalid value: ${goNumber(v)}: ${f} in body should be greater than ${excl ? '' : 'or equal to '}${goNumber(min)}` });
    }
    if (num(max)) {
      const excl = node.exclusiveMaximum === true;
      if (excl ? !(v < max) : !(v <= max)) out.push({ kind: 'range', path: [...path], field: f, error: `${f}: Invalid value: ${goNumber(v)}: ${f} in body should be less than ${excl ? '' : 'or equal to '}${goNumber(max)}` });
    }
    // Whole numbers only: the server's float arithmetic (and its odd words for 0) is not reproduced.
    const m = node.multipleOf;
    if (num(m) && m > 0 && Number.isInteger(m) && Number.isInteger(v) && v !== 0 && v % m !== 0) {
      out.push({ kind: 'multiple', path: [...path], field: f, error: `${f}: Invalid value: ${goNumber(v)}: ${f} in body should be a multiple of ${goNumber(m)}` });
    }
    return;
  }
  if (typeof v === 'string') {
    // go-openapi's string validator stops at the first failure: maxLength, minLength, pattern.
    let n = -1;
    const chars = () => (n >= 0 ? n : (n = [...v].length));
    if (num(node.maxLength) && chars() > node.maxLength) out.push({ kind: 'length', path: [...path], field: f, error: `${f}: Too long: may not be more than ${node.maxLength} bytes` });
    else if (num(node.minLength) && chars() < node.minLength) out.push({ kind: 'length', path: [...path], field: f, error: `${f}: Invalid value: ${shown(v)}: ${f} in body should be at least ${node.minLength} chars long` });
    else if (typeof node.pattern === 'string' && v.length <= 4096) {
      const re = compile(node.pattern);
      if (re && !re.test(v)) out.push({ kind: 'pattern', path: [...path], field: f, error: `${f}: Invalid value: ${shown(v)}: ${f} in body should match '${node.pattern}'` });
    }
    return;
  }
  if (Array.isArray(v)) {
    if (num(node.maxItems) && v.length > node.maxItems) out.push({ kind: 'count', path: [...path], field: f, error: `${f}: Too many: ${v.length}: must have at most ${node.maxItems} items` });
    if (num(node.minItems) && v.length < node.minItems) out.push({ kind: 'count', path: [...path], field: f, error: `${f}: Invalid value: ${v.length}: ${f} in body should have at least ${node.minItems} items` });
    duplicates(v, node, path, f, out);
    const items = isObject(node.items) ? node.items : null;
    if (items) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        validate(v[i], items, path, out);
        path.pop();
      }
    }
    return;
  }
  if (isObject(v)) validateObject(v, node, path, node['x-kubernetes-embedded-resource'] === true, false, out);
}

function validateObject(v: JsonObject, node: JsonObject, path: FieldPath, resource: boolean, statusSubresource: boolean, out: CrProblem[]): void {
  const f = serverPath(path);
  const at = (k: string) => (f === '' ? k : `${f}.${k}`);
  // The keys the API server keeps: not pruned as null, and declared (or free) where known.
  const props = isObject(node.properties) ? node.properties : undefined;
  const free = node['x-kubernetes-preserve-unknown-fields'] === true || node.additionalProperties !== undefined;
  let count = 0;
  for (const key of Object.keys(v)) {
    if (resource && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const child = childOf(node, key);
    if (pruned(v[key], child ?? undefined)) continue;
    if (!child && !free) continue;
    count++;
    if (!child) continue;
    if (path.length === 0 && key === 'status' && statusSubresource) continue;
    if (isTemplated(key)) continue;
    path.push(key);
    validate(v[key], child, path, out);
    path.pop();
  }
  if (resource && path.length > 0) {
    for (const k of ['apiVersion', 'kind']) {
      if (typeof v[k] !== 'string' || v[k] === '') out.push({ kind: 'required', path: [...path], field: at(k), error: `${at(k)}: Required value` });
    }
  }
  if (num(node.maxProperties) && count > node.maxProperties) out.push({ kind: 'count', path: [...path], field: f, error: `${f}: Too many: ${count}: must have at most ${node.maxProperties} items` });
  if (num(node.minProperties) && count < node.minProperties) out.push({ kind: 'count', path: [...path], field: f, error: `${f}: Invalid value: ${count}: ${f} in body should have at least ${node.minProperties} properties` });
  if (Array.isArray(node.required)) {
    for (const k of node.required) {
      if (typeof k !== 'string') continue;
      const child = props && has(props, k) && isObject(props[k]) ? props[k] : undefined;
      if (!pruned(v[k], child)) continue;
      // A default fills it in before validation.
      if (child && child.default !== undefined) continue;
      out.push({ kind: 'required', path: [...path], field: at(k), error: `${at(k)}: Required value` });
    }
  }
}

/** x-kubernetes-list-type set (scalars) and map (objects by their keys): each item once. */
function duplicates(v: Json[], node: JsonObject, path: FieldPath, f: string, out: CrProblem[]): void {
  const type = node['x-kubernetes-list-type'];
  if (type === 'set') {
    const seen = new Set<string>();
    v.forEach((x, i) => {
      if (typeof x !== 'string' && typeof x !== 'number') return;
      const key = `${typeof x}:${x}`;
      if (seen.has(key)) out.push({ kind: 'duplicate', path: [...path, i], field: `${f}[${i}]`, error: `${f}[${i}]: Duplicate value: ${shown(x)}` });
      seen.add(key);
    });
  } else if (type === 'map' && Array.isArray(node['x-kubernetes-list-map-keys'])) {
    const keys = (node['x-kubernetes-list-map-keys'] as Json[]).filter((k): k is string => typeof k === 'string').sort();
    if (keys.length === 0) return;
    const seen = new Set<string>();
    v.forEach((x, i) => {
      if (!isObject(x)) return;
      const tuple: JsonObject = {};
      for (const k of keys) {
        const kv = x[k];
        if (typeof kv !== 'string' && typeof kv !== 'number') return;
        if (typeof kv === 'string' && isTemplated(kv)) return;
        tuple[k] = kv;
      }
      const key = JSON.stringify(tuple);
      if (seen.has(key)) out.push({ kind: 'duplicate', path: [...path, i], field: `${f}[${i}]`, error: `${f}[${i}]: Duplicate value: ${key}` });
      seen.add(key);
    });
  }
}

const patterns = new Map<string, RegExp | null>();

/**
 * A schema pattern (Go's RE2 syntax) as a JavaScript RegExp, unanchored as RE2's MatchString is; null
 * when JavaScript reads it differently or not at all (inline flags, \z, POSIX classes): not judged.
 */
function compile(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re !== undefined) return re;
  re = null;
  if (!/\(\?[a-zA-Z]|\\[zAQE]|\[\[:|\\p\{|\\P\{|\\[pP][A-Z]/.test(pattern)) {
    // With the u flag where it reads the pattern (code points, as Go does), else without: RE2's
    // escapes of punctuation (\_) are literal there, as in Go.
    for (const flags of ['u', '']) {
      try {
        re = new RegExp(pattern, flags);
        break;
      } catch {
        re = null;
      }
    }
  }
  patterns.set(pattern, re);
  return re;
}
