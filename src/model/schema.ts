/**
 * Field names of the built-in Kubernetes kinds (generated from the release's OpenAPI document:
 * scripts/gen-k8s-schema.mjs), to find fields the API server does not know: its strict decoding
 * (`kubectl apply`, `kubectl create`, server-side apply, `helm install`) rejects the whole object
 * with "unknown field", and with validation off the field is silently dropped.
 */
import { SCHEMA_JSON, SCHEMA_VERSION } from './k8s-schema.data.js';
import type { FieldPath, Json } from './types.js';
import { isObject, isTemplated } from './util.js';

export { SCHEMA_KINDS, SCHEMA_VERSION } from './k8s-schema.data.js';

interface Schema {
  /** "group/version/Kind" ("v1/Pod" for the core group) to a type name. */
  kinds: Record<string, string>;
  /** Type name to its fields; each field to "" (not checked), "T", "[T" (a list) or "{T" (a map). */
  types: Record<string, Record<string, string>>;
}

let schema: Schema | null = null;
const load = (): Schema => (schema ??= JSON.parse(SCHEMA_JSON) as Schema);

/** The schema's type of an object of this apiVersion and kind; undefined for a custom resource or a version the release does not serve. */
export function schemaTypeOf(apiVersion: string, kind: string): string | undefined {
  const kinds = load().kinds;
  const key = `${apiVersion}/${kind}`;
  return Object.hasOwn(kinds, key) ? kinds[key] : undefined;
}

/** The Go type name a type stands for ("DeploymentSpec" for apps.v1.DeploymentSpec). */
export function typeName(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}

export interface UnknownField {
  /** Path of the unknown key (of the value, for a value that is not a string). */
  path: FieldPath;
  key: string;
  /** The schema type of the object that holds it. */
  type: string;
  /** The fields that type has. */
  known: string[];
  /**
   * Set when the key is known but the value is of the wrong type: a number, boolean, list or map in a
   * map of strings (an unquoted `prometheus.io/port: 9090`, `PORT: 8080` in a ConfigMap's data).
   */
  notString?: { field: string; got: 'number' | 'boolean' | 'list' | 'map' };
}

/**
 * Keys of `value` (an object of `type`) and everything below it that the type does not declare, and
 * values of maps of strings that are not strings.
 * Not reported: keys with a null value (kubectl apply drops them before sending the object), keys
 * that start with `$` (strategic-merge-patch directives in kustomize patches), YAML merge keys, and
 * templated keys (an unrendered Helm template).
 */
export function unknownFields(value: Json, type: string, base: FieldPath = []): UnknownField[] {
  const out: UnknownField[] = [];
  walk(load().types, value, type, [...base], out);
  return out;
}

/** `path` is the path of `value`, a stack shared by the whole walk (copied only for a finding). */
function walk(types: Schema['types'], value: Json, type: string, path: FieldPath, out: UnknownField[]): void {
  const fields = types[type];
  if (!fields || !isObject(value)) return;
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
    if (shape === '{$') {
      if (isObject(v)) {
        for (const k in v) {
          const x = v[k];
          if (x === null || typeof x === 'string') continue;
          const got = typeof x === 'number' ? 'number' : typeof x === 'boolean' ? 'boolean' : Array.isArray(x) ? 'list' : isObject(x) ? 'map' : null;
          if (got) out.push({ path: [...path, key, k], key: k, type, known: [], notString: { field: key, got } });
        }
      }
      continue;
    }
    path.push(key);
    const c = shape.charCodeAt(0);
    if (c === 91 /* [ */) {
      if (Array.isArray(v)) {
        const inner = shape.slice(1);
        for (let i = 0; i < v.length; i++) {
          path.push(i);
          walk(types, v[i], inner, path, out);
          path.pop();
        }
      }
    } else if (c === 123 /* { */) {
      if (isObject(v)) {
        const inner = shape.slice(1);
        for (const k in v) {
          path.push(k);
          walk(types, v[k], inner, path, out);
          path.pop();
        }
      }
    } else walk(types, v, shape, path, out);
    path.pop();
  }
}

/** "Kubernetes 1.37" (the release the field names come from). */
export const SCHEMA_RELEASE = `Kubernetes ${SCHEMA_VERSION.split('.').slice(0, 2).join('.')}`;
