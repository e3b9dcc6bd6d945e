/**
 * Field names of the built-in Kubernetes kinds (generated from the release's OpenAPI document:
 * scripts/gen-k8s-schema.mjs), to find fields the API server does not know: its strict decoding
 * (`kubectl apply`, `kubectl create`, server-side apply) rejects the whole object with "unknown
 * field"; clients that do not ask for it (`helm install`, `--validate=false`) get the field dropped
 * with a warning.
 */
import { SCHEMA_JSON, SCHEMA_VERSION } from './k8s-schema.data.js';
import type { FieldPath, Json, JsonObject, Resource } from './types.js';
import { get, getString, isObject, isTemplated } from './util.js';

export { SCHEMA_KINDS, SCHEMA_VERSION } from './k8s-schema.data.js';
import { SCHEMA_KINDS } from './k8s-schema.data.js';

interface Schema {
  /** "group/version/Kind" ("v1/Pod" for the core group) to a type name. */
  kinds: Record<string, string>;
  /**
   * Type name to its fields; each field to "" (not checked), "s" (string), "i" (int32), "I" (int64),
   * "b" (boolean), "o" (IntOrString), "T" (an object of type T), "[X" (a list of X) or "{X" (a map of X).
   */
  types: Record<string, Record<string, string>>;
  /** The Go type of a field where its shape does not imply it ("v1.Protocol" for a string). */
  go: Record<string, Record<string, string>>;
  /** The embedded Go structs a field is promoted through ("ProbeHandler" for a Probe's httpGet). */
  embeds: Record<string, Record<string, string>>;
}

let schema: Schema | null = null;
const load = (): Schema => (schema ??= JSON.parse(SCHEMA_JSON) as Schema);

/** The schema's type of an object of this apiVersion and kind; undefined for a custom resource or a version the release does not serve. */
export function schemaTypeOf(apiVersion: string, kind: string): string | undefined {
  const kinds = load().kinds;
  const key = `${apiVersion}/${kind}`;
  return Object.hasOwn(kinds, key) ? kinds[key] : undefined;
}

let builtinGroups: Set<string> | null = null;

/**
 * Whether the release serves any kind in this API group ("" for the core group): the groups of
 * custom resources are the others (gateway.networking.k8s.io is one, networking.k8s.io is not).
 */
export function isBuiltinGroup(group: string): boolean {
  if (!builtinGroups) {
    // CustomResourceDefinition is left out of the schema's kinds, not out of the API.
    builtinGroups = new Set(['apiextensions.k8s.io']);
    for (const key of Object.keys(load().kinds)) {
      const parts = key.split('/');
      builtinGroups.add(parts.length === 3 ? parts[0] : '');
    }
  }
  return builtinGroups.has(group);
}

/** Whether an apiVersion names a custom resource's group: a group with a dot that the release does not serve. */
export function isCustomApiVersion(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return false;
  const group = apiVersion.slice(0, slash);
  return group.includes('.') && !isBuiltinGroup(group);
}

/** The Go type name a type stands for ("DeploymentSpec" for apps.v1.DeploymentSpec). */
export function typeName(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}

/** What a JSON value is, in the words of Go's decoder ("cannot unmarshal string into ..."). */
export type JsonKind = 'string' | 'number' | 'bool' | 'array' | 'object';

export interface TypeMismatch {
  /** What the value is. */
  got: JsonKind;
  /** What the field holds: "s", "i", "I", "b", "o", "[X", "{X" or an object type (see Schema). */
  want: string;
  /** The Go type the decoder tried to fill ("int32", "[]v1.EnvVar", "v1.ResourceRequirements"). */
  goType: string;
  /**
   * The decoder's own error, as the API server returns it: "json: cannot unmarshal string into Go
   * struct field DeploymentSpec.spec.replicas of type int32".
   */
  error: string;
  /** A number an integer field cannot hold, as Go's error shows it ("2.5", "3000000000"). */
  number?: string;
  /** Set for an item of a list or a value of a map (the field is the list or map). */
  item?: 'list' | 'map';
  /** A string that a number or boolean field would read as one without its quotes ("3", "true"). */
  unquote?: 'number' | 'boolean';
}

export interface SchemaProblem {
  /** Path of the unknown key, or of the value of the wrong type. */
  path: FieldPath;
  key: string | number;
  /** The schema type of the object that holds it. */
  type: string;
  /** The fields that type has (for an unknown key). */
  known: string[];
  /** Set when the key is known but its value is of the wrong type. */
  mismatch?: TypeMismatch;
}

/**
 * Keys of `value` (an object of `type`) and everything below it that the type does not declare, and
 * values of the wrong type (a string where an integer goes, a map where a list goes, a number in a
 * map of strings): the API server's decoder refuses the object for either.
 * Not reported: keys with a null value (kubectl apply drops them before sending the object), keys
 * that start with `$` (strategic-merge-patch directives in kustomize patches), YAML merge keys,
 * templated keys and templated values (an unrendered Helm template, an envsubst or Flux variable).
 */
export function schemaProblems(value: Json, type: string, base: FieldPath = []): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  if (isObject(value)) walk(load(), value, type, [...base], [], out);
  return out.length ? out : NO_PROBLEMS;
}

/** Shared by every object without a problem (almost all: the memo below holds one per object). */
const NO_PROBLEMS: SchemaProblem[] = [];

const memo = new WeakMap<object, SchemaProblem[]>();

/** schemaProblems of a whole object of a built-in kind, once per object (two checks read it). */
export function schemaProblemsOf(object: JsonObject, type: string): SchemaProblem[] {
  let hit = memo.get(object);
  if (!hit) memo.set(object, (hit = schemaProblems(object, type)));
  return hit;
}

/**
 * The kinds whose objects are checked against the schema: every built-in kind but Secret (Secrets load
 * as metadata only, so that no secret value is ever held in memory).
 */
export const SCHEMA_CHECKED_KINDS: string[] = SCHEMA_KINDS.filter((k) => k !== 'Secret');

/**
 * The schema problems of an object as written: none for a live scan (the API server accepted what it
 * returns), a custom resource or an apiVersion the release does not serve; `status` and managedFields
 * left out (the server writes them, and a newer cluster's dump may hold fields this release lacks).
 */
export function writtenSchemaProblems(resource: Resource, live: boolean): SchemaProblem[] {
  if (live) return [];
  const type = schemaTypeOf(resource.apiVersion, resource.kind);
  if (!type) return [];
  const all = schemaProblemsOf(resource.object, type);
  return all.length === 0 ? all : all.filter((p) => p.path[0] !== 'status' && !(p.path[0] === 'metadata' && p.path[1] === 'managedFields'));
}

/** The unknown keys alone (see schemaProblems). */
export function unknownFields(value: Json, type: string, base: FieldPath = []): SchemaProblem[] {
  return schemaProblems(value, type, base).filter((p) => !p.mismatch);
}

/**
 * `path` is the path of `value`, a stack shared by the whole walk (copied only for a finding);
 * `goPath` the same path as Go's decoder names it (no list indices or map keys, embedded structs in).
 */
function walk(S: Schema, value: JsonObject, type: string, path: FieldPath, goPath: string[], out: SchemaProblem[]): void {
  const fields = S.types[type];
  if (!fields) return;
  const embeds = S.embeds[type];
  const go = S.go[type];
  for (const key in value) {
    const v = value[key];
    if (v === null || v === undefined) continue;
    // Own keys only: a key such as "toString" must not find Object.prototype's.
    const shape = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (shape === undefined) {
      if (key.startsWith('$') || key === '<<' || isTemplated(key)) continue;
      out.push({ path: [...path, key], key, type, known: Object.keys(fields) });
      continue;
    }
    if (shape === '') continue;
    const via = embeds !== undefined && Object.hasOwn(embeds, key) ? embeds[key] : undefined;
    path.push(key);
    goPath.push(via === undefined ? key : `${via}.${key}`);
    check(S, v, shape, go !== undefined && Object.hasOwn(go, key) ? go[key] : undefined, type, path, goPath, out);
    goPath.pop();
    path.pop();
  }
}

/** The Go type a shape implies (see the generator's `implied`). */
function implied(shape: string): string {
  switch (shape) {
    case 's':
      return 'string';
    case 'i':
      return 'int32';
    case 'I':
      return 'int64';
    case 'b':
      return 'bool';
    case 'o':
      return 'intstr.IntOrString';
  }
  const c = shape.charCodeAt(0);
  if (c === 91 /* [ */) return `[]${implied(shape.slice(1))}`;
  if (c === 123 /* { */) return `map[string]${implied(shape.slice(1))}`;
  const i = shape.lastIndexOf('.', shape.lastIndexOf('.') - 1);
  return shape.slice(i + 1);
}

const INT32 = 2 ** 31;

function kindOf(v: Json): JsonKind {
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'array' : 'object';
}

/**
 * Checks one value against its shape; `path`/`goPath` are the value's; `goType` its Go type where the
 * shape does not imply it (worked out only for a finding).
 */
function check(S: Schema, v: Json, shape: string, goType: string | undefined, holder: string, path: FieldPath, goPath: string[], out: SchemaProblem[], item?: 'list' | 'map'): void {
  let ok: boolean;
  let literal = false;
  switch (shape) {
    case 's':
      ok = typeof v === 'string';
      break;
    case 'b':
      ok = typeof v === 'boolean' || isTemplated(v);
      break;
    case 'i':
    case 'I':
    case 'o':
      if (typeof v === 'number') {
        ok = Number.isInteger(v) && (shape === 'I' || (v >= -INT32 && v < INT32));
        literal = true;
      } else ok = shape === 'o' ? typeof v === 'string' : isTemplated(v);
      break;
    default: {
      const c = shape.charCodeAt(0);
      if (c === 91 /* [ */) {
        if (!Array.isArray(v)) {
          ok = isTemplated(v);
          break;
        }
        const inner = shape.slice(1);
        const innerGo = goType?.startsWith('[]') ? goType.slice(2) : undefined;
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          if (x === null || x === undefined) continue;
          path.push(i);
          check(S, x, inner, innerGo, holder, path, goPath, out, 'list');
          path.pop();
        }
        return;
      }
      if (c === 123 /* { */) {
        if (!isObject(v)) {
          ok = isTemplated(v);
          break;
        }
        const inner = shape.slice(1);
        const innerGo = goType?.startsWith('map[') ? goType.slice(goType.indexOf(']') + 1) : undefined;
        for (const k in v) {
          const x = v[k];
          if (x === null || x === undefined) continue;
          path.push(k);
          check(S, x, inner, innerGo, holder, path, goPath, out, 'map');
          path.pop();
        }
        return;
      }
      if (isObject(v)) {
        walk(S, v, shape, path, goPath, out);
        return;
      }
      ok = isTemplated(v);
    }
  }
  if (ok) return;
  const got = kindOf(v);
  // IntOrString decodes anything but a string as its int32.
  const into = shape === 'o' ? 'int32' : goType ?? implied(shape);
  const what = literal ? `number ${String(v)}` : got;
  const unquote =
    typeof v === 'string' && (shape === 'i' || shape === 'I') && /^[-+]?[0-9]+$/.test(v.trim())
      ? ('number' as const)
      : typeof v === 'string' && shape === 'b' && /^(true|false)$/i.test(v.trim())
      ? ('boolean' as const)
      : undefined;
  out.push({
    path: [...path],
    key: path[path.length - 1],
    type: holder,
    known: [],
    mismatch: {
      got,
      want: shape,
      goType: into,
      error: `json: cannot unmarshal ${what} into Go struct field ${typeName(holder)}.${goPath.join('.')} of type ${into}`,
      ...(literal ? { number: String(v) } : {}),
      ...(item ? { item } : {}),
      ...(unquote ? { unquote } : {}),
    },
  });
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** The name of the container a path goes through (spec.template.spec.containers[1]...), if any. */
export function containerAt(obj: JsonObject, path: FieldPath): string | undefined {
  for (let i = 0; i + 1 < path.length; i++) {
    if (typeof path[i] === 'string' && CONTAINER_LISTS.has(path[i] as string) && typeof path[i + 1] === 'number') {
      return getString(get(obj, path.slice(0, i + 2)), ['name']);
    }
  }
  return undefined;
}

/** `kubectl explain` of a path: deployment.spec.template.spec.containers.env */
export function explainPath(kind: string, path: FieldPath): string {
  return [kind.toLowerCase(), ...path.filter((k) => typeof k === 'string')].join('.');
}

/** "Kubernetes 1.37" (the release the field names come from). */
export const SCHEMA_RELEASE = `Kubernetes ${SCHEMA_VERSION.split('.').slice(0, 2).join('.')}`;
