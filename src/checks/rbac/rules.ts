/**
 * Shared reading of RBAC objects for the rbac checks: total over partial objects, and matching that
 * follows the API server's authorizer (pkg/apis/rbac/v1/evaluation_helpers.go): `*` in verbs,
 * apiGroups or resources matches everything; `*\/exec` matches the exec subresource of any resource;
 * `pods/*` is NOT a wildcard (it matches nothing but a literal subresource named "*").
 */
import type { FieldPath, JsonObject, Resource } from '../types.js';
import type { Json } from '../../model/types.js';
import { getArray, isObject } from '../../model/util.js';

export interface PolicyRule {
  /** Index in `rules`. */
  index: number;
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
  /** Path of the rule within the object. */
  path: FieldPath;
}

/** Strings of a list field; non-string items are dropped (the API server would reject them). */
export function stringList(v: Json | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string');
}

/** True for a ClusterRole whose rules are filled in by the aggregation controller. */
export function isAggregated(r: Resource): boolean {
  return r.kind === 'ClusterRole' && isObject(r.object.aggregationRule);
}

/**
 * The rules of a Role or ClusterRole, as written. Aggregated ClusterRoles yield none: the
 * controller overwrites their `rules`, so what is in the manifest is not what is granted.
 */
export function roleRules(r: Resource): PolicyRule[] {
  if (isAggregated(r)) return [];
  const out: PolicyRule[] = [];
  getArray(r.object, ['rules']).forEach((rule, index) => {
    if (!isObject(rule)) return;
    out.push({
      index,
      verbs: stringList(rule.verbs),
      apiGroups: stringList(rule.apiGroups),
      resources: stringList(rule.resources),
      resourceNames: stringList(rule.resourceNames),
      nonResourceURLs: stringList(rule.nonResourceURLs),
      path: ['rules', index],
    });
  });
  return out;
}

/** Verbs of the rule that grant one of `verbs` (a literal match or `*`). */
export function grantedVerbs(rule: PolicyRule, verbs: string[]): string[] {
  if (rule.verbs.includes('*')) return [...verbs];
  return verbs.filter((v) => rule.verbs.includes(v));
}

export function groupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.includes('*') || rule.apiGroups.includes(group);
}

/**
 * Index in `rule.resources` of the entry that names `resource` (e.g. "secrets" or "pods/exec"),
 * counting `*\/<subresource>` but NOT a bare `*` (reported by rbac-wildcard instead); -1 if none.
 */
export function namedResourceIndex(rule: PolicyRule, resource: string): number {
  const slash = resource.indexOf('/');
  const sub = slash === -1 ? '' : resource.slice(slash + 1);
  return rule.resources.findIndex((r) => r === resource || (sub !== '' && r === `*/${sub}`));
}

/** Path of the `resources` entry at `i` in the rule (or the rule's `resources` list when i < 0). */
export function resourcePath(rule: PolicyRule, i: number): FieldPath {
  return i >= 0 ? [...rule.path, 'resources', i] : [...rule.path, 'resources'];
}

/** Path of the first `verbs` entry among `verbs` (or `*`), else the `verbs` list. */
export function verbPath(rule: PolicyRule, verbs: string[]): FieldPath {
  const i = rule.verbs.findIndex((v) => v === '*' || verbs.includes(v));
  return i >= 0 ? [...rule.path, 'verbs', i] : [...rule.path, 'verbs'];
}

/** How the rule names its scope in a message: `ClusterRole "x"` / `Role "ns/x"`. */
export function roleLabel(r: Resource): string {
  return `${r.kind} "${r.name}"`;
}

/** Short rendering of a rule for messages: verbs [get,list] on secrets. */
export function quoteList(list: string[]): string {
  return `[${list.join(', ')}]`;
}

/** Where this role's permissions apply, said plainly. */
export function scopeText(r: Resource): string {
  return r.kind === 'ClusterRole'
    ? 'in every namespace when bound with a ClusterRoleBinding'
    : 'in its namespace';
}

export type { JsonObject };
