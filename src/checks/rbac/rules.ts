/**
 * Shared reading of RBAC objects for the rbac checks. The rule model and the matching (which
 * follows the API server's authorizer, pkg/apis/rbac/v1/evaluation_helpers.go: `*` in verbs,
 * apiGroups or resources matches everything; `*\/exec` matches the exec subresource of any
 * resource; `pods/*` is NOT a wildcard) live in `src/model/rbac.ts`, which the effective
 * permissions model shares; this module re-exports them for the checks.
 */
import type { JsonObject, Resource } from '../types.js';

export {
  allowedVerbs,
  grantedVerbs,
  grantedVerbsText,
  grantedVerbText,
  groupMatches,
  isAggregated,
  namedResourceIndex,
  quoteList,
  resourceMatches,
  resourcePath,
  roleRules,
  verbPath,
  type PolicyRule,
} from '../../model/rbac.js';

/** How the rule names its scope in a message: `ClusterRole "x"` / `Role "ns/x"`. */
export function roleLabel(r: Resource): string {
  return `${r.kind} "${r.name}"`;
}

/** Where this role's permissions apply, said plainly. */
export function scopeText(r: Resource): string {
  return r.kind === 'ClusterRole'
    ? 'in every namespace when bound with a ClusterRoleBinding'
    : 'in its namespace';
}

export type { JsonObject };
