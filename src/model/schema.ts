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
  /** Path of the unknown key. */
  path: FieldPath;
  key: string;
  /** The schema type of the object that holds it. */
  type: string;
  /** The fields that type has. */
  known: string[];
}

/**
 * Keys of `value` (an object of `type`) and everything below it that the type does not declare.
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
