/**
 * RBAC effective permissions and each workload's blast radius.
 *
 * Follows the API server's RBAC authorizer (k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go
 * and plugin/pkg/auth/authorizer/rbac):
 * - a rule matches when a verb, an apiGroup and a resource match; `*` matches everything in each
 *   list; `*\/exec` matches the exec subresource of any resource; `pods/*` is NOT a wildcard (it
 *   matches only a literal subresource named "*"); `resourceNames` narrows a rule to named objects
 *   (and never matches `create`, whose request carries no name);
 * - a RoleBinding grants its role's rules in the binding's namespace only (a ClusterRole bound by
 *   a RoleBinding gives nothing on cluster-scoped resources or non-resource URLs); a
 *   ClusterRoleBinding grants them in every namespace and on cluster-scoped resources;
 * - a ServiceAccount is the subject of: `kind: ServiceAccount` (namespace required by the API; a
 *   RoleBinding's subject without one is taken to mean the binding's namespace, as kubectl and the
 *   other checks do), `kind: User` named `system:serviceaccount:<ns>:<name>`, and the groups
 *   `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`;
 * - an aggregated ClusterRole (`aggregationRule.clusterRoleSelectors`) holds the union of the rules
 *   of the ClusterRoles whose labels match any selector (the controller overwrites its `rules`),
 *   computed here from the ClusterRoles of the input plus the built-in ones.
 *
 * Built-in ClusterRoles exist in every cluster. When a binding references one that is not in the
 * input, `cluster-admin`, `admin`, `edit` and `view` get rules approximated from the bootstrap
 * policy (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, roles
 * `system:aggregate-to-{view,edit,admin}`) and from the RBAC documentation, "User-facing roles"
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles): edit and
 * admin read Secrets, exec into pods, impersonate ServiceAccounts, mint their tokens and create
 * workloads in the namespace; view reads most objects but not Secrets. Other `system:*`
 * ClusterRoles that are not in the input have unknown rules.
 *
 * Model modules import only from `src/model`.
 */
import type { FieldPath, Json, Resource, Workload } from './types.js';
import { nearFolders, PLACEHOLDER_NAMESPACE, type ResourceIndex } from './index.js';
import { closest, dirOf, get, getArray, proximity, stringList, getBool, getString, isObject, isTemplated, joinAnd, stringMap } from './util.js';
import { selectorMatches } from './selector.js';

/** Kinds the RBAC model reads in full: a check that calls it lists these in `uses`. */
export const RBAC_KINDS = ['ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Scope value of grants and risks that apply cluster-wide. */
export const CLUSTER = 'cluster';

// ---------------------------------------------------------------------------------------------
// Rules as written, and matching

export interface PolicyRule {
  /** Index in `rules`. */
  index: number;
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
  /** Path of the rule within the object that holds it. */
  path: FieldPath;
}

/** Strings of a list field; non-string items are dropped (the API server would reject them). */

/** True for a ClusterRole whose rules are filled in by the aggregation controller. */
export function isAggregated(r: Resource): boolean {
  return r.kind === 'ClusterRole' && isObject(r.object.aggregationRule);
}

function readRules(list: Json[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  list.forEach((rule, index) => {
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

/**
 * The rules of a Role or ClusterRole, as written. Aggregated ClusterRoles yield none: the
 * controller overwrites their `rules`, so what is in the manifest is not what is granted (their
 * effective rules come from `rbacGraph(index).resolveRoleRef`).
 */
export function roleRules(r: Resource): PolicyRule[] {
  if (isAggregated(r)) return [];
  return readRules(getArray(r.object, ['rules']));
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
 * counting `*\/<subresource>` but NOT a bare `*` (the role checks leave that to rbac-wildcard); -1 if none.
 */
export function namedResourceIndex(rule: PolicyRule, resource: string): number {
  const slash = resource.indexOf('/');
  const sub = slash === -1 ? '' : resource.slice(slash + 1);
  return rule.resources.findIndex((r) => r === resource || (sub !== '' && r === `*/${sub}`));
}

/** Does the rule cover this resource ("secrets", "pods/exec"), as the authorizer decides: `*`, exact, or `*\/<subresource>`. */
export function resourceMatches(rule: PolicyRule, resource: string): boolean {
  return rule.resources.includes('*') || namedResourceIndex(rule, resource) >= 0;
}

/** Verbs among `verbs` that the rule grants on `group`/`resource` (resourceNames aside). */
export function allowedVerbs(rule: PolicyRule, group: string, resource: string, verbs: string[]): string[] {
  if (!groupMatches(rule, group) || !resourceMatches(rule, resource)) return [];
  return grantedVerbs(rule, verbs);
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

/** Short rendering of a list for messages: [get, list]. */
export function quoteList(list: string[]): string {
  return `[${list.join(', ')}]`;
}

/** The verbs a rule grants as the rule says them: `[get, list]`, or `verbs "*" (so [get, list])` for a wildcard. */
export function grantedVerbsText(rule: PolicyRule, verbs: string[]): string {
  return rule.verbs.includes('*') ? `verbs "*" (so ${verbs.length === 1 ? verbs[0] : quoteList(verbs)})` : quoteList(verbs);
}

/** One verb a rule grants, as the rule says it: `escalate`, or `verbs "*" (so escalate)`. */
export function grantedVerbText(rule: PolicyRule, verb: string): string {
  return rule.verbs.includes('*') ? `verbs "*" (so ${verb})` : verb;
}

// ---------------------------------------------------------------------------------------------
// Pods and their ServiceAccount

/** The ServiceAccount a pod runs as, and where that is written (or belongs). */
export function podServiceAccount(w: Workload): { name: string; path: FieldPath; explicit: boolean } {
  const spec = w.podSpec;
  const san = getString(spec, ['serviceAccountName']);
  if (san) return { name: san, path: [...w.podSpecPath, 'serviceAccountName'], explicit: true };
  const sa = getString(spec, ['serviceAccount']);
  if (sa) return { name: sa, path: [...w.podSpecPath, 'serviceAccount'], explicit: true };
  return { name: 'default', path: [...w.podSpecPath, 'serviceAccountName'], explicit: false };
}

/**
 * Whether two objects land in the same namespace. When either manifest names no namespace it lands
 * in whatever `-n`/Helm release namespace is used at apply time, so it is taken to match.
 */
export function sameNamespace(index: ResourceIndex, a: Resource, b: Resource): boolean {
  if (a.namespace === undefined || b.namespace === undefined) return true;
  return index.namespaceOf(a) === index.namespaceOf(b);
}

/** The ServiceAccount object with this name in the workload's namespace, when it is in the input. */
export function findServiceAccount(index: ResourceIndex, w: Workload, name: string): Resource | undefined {
  const all = index.named('ServiceAccount', name).filter((r) => sameNamespace(index, r, w.resource));
  if (all.length <= 1) return all[0];
  // Prefer an exact namespace match over a lenient one, then the copy closest to the workload.
  const exact = all.filter((r) => index.namespaceOf(r) === index.namespaceOf(w.resource));
  return closest(exact.length ? exact : all, w.resource);
}

/** Whether the pod automounts an API token: pod-level setting wins, else the ServiceAccount's, else true. */
export function tokenMounted(index: ResourceIndex, w: Workload, saName: string): boolean {
  const pod = getBool(w.podSpec, ['automountServiceAccountToken']);
  if (pod !== undefined) return pod;
  const sa = findServiceAccount(index, w, saName);
  if (sa && getBool(sa.object, ['automountServiceAccountToken']) === false) return false;
  return true;
}

function projectedTokens(w: Workload): Json[] {
  const out: Json[] = [];
  for (const v of getArray(w.podSpec, ['volumes'])) {
    if (!isObject(v)) continue;
    for (const s of getArray(v, ['projected', 'sources'])) if (isObject(s) && isObject(s.serviceAccountToken)) out.push(s.serviceAccountToken);
  }
  return out;
}

/** Whether a projected volume asks for a ServiceAccount token explicitly (any audience). */
export function projectsToken(w: Workload): boolean {
  return projectedTokens(w).length > 0;
}

/**
 * Whether a projected volume mounts a token the API server accepts: no `audience` (it defaults to
 * the API server's), a templated one, or one naming the in-cluster API server
 * (`...kubernetes.default.svc...`). A token for another audience (Vault, a cloud STS) is rejected
 * by the API server, so it carries no RBAC permissions.
 */
export function projectsApiToken(w: Workload): boolean {
  return projectedTokens(w).some((t) => {
    const aud = getString(t, ['audience']);
    return !aud || isTemplated(aud) || aud.includes('kubernetes.default.svc');
  });
}

// ---------------------------------------------------------------------------------------------
// Roles, bindings and grants

/** A rule with the object it is written in. */
export interface RoleRule extends PolicyRule {
  /**
   * The object the rule is written in: the Role/ClusterRole itself, or for an aggregated
   * ClusterRole the selected ClusterRole that contributes it; null for a built-in role's
   * approximated rules.
   */
  source: Resource | null;
  /** Name of the role the rule is written in ("system:aggregate-to-edit" for a built-in). */
  sourceName: string;
}

/**
 * What a binding's roleRef resolves to.
 * - `found`: a Role/ClusterRole of the input (`rules` are its effective rules);
 * - `builtin`: a default ClusterRole not in the input whose rules are approximated (cluster-admin, admin, edit, view);
 * - `unresolved`: may exist but its rules are unknown: a `system:*` ClusterRole not in the input, a
 *   templated roleRef, or a Role of that name that is in the input only for another folder;
 * - `missing`: not in the input and not built-in: its permissions are unknown (it may live elsewhere);
 * - `invalid`: the binding can grant nothing (a ClusterRoleBinding referencing a Role, an
 *   unsupported kind, no roleRef).
 */
export type RoleStatus = 'found' | 'builtin' | 'unresolved' | 'missing' | 'invalid';

export interface RoleResolution {
  status: RoleStatus;
  /** roleRef.kind and roleRef.name as written ('' when absent). */
  kind: string;
  name: string;
  /** The role object of the input (`found` only). */
  role: Resource | null;
  /** Effective rules (`found`, `builtin`); [] otherwise. */
  rules: RoleRule[];
  /** The rules are everything the role grants: a plain role of the input (not aggregated, not built-in). */
  complete: boolean;
  /** An aggregated ClusterRole (its rules are the union of the selected ClusterRoles of the input and the built-ins: a lower bound). */
  aggregated: boolean;
  /** Why the rules are unknown or empty, said plainly (`unresolved`, `missing`, `invalid`). */
  reason?: string;
  /**
   * For `missing`: an object of the other kind with this name (a RoleBinding naming Role "x" when
   * only ClusterRole "x" exists), or `builtin` when that other object is a built-in ClusterRole.
   */
  otherKind?: { resource: Resource | null; kind: string; builtin: boolean };
}

/** One rule granted to a ServiceAccount through one binding. */
export interface Grant {
  rule: RoleRule;
  /** The namespace the rule applies in, or CLUSTER ('cluster': every namespace, cluster-scoped resources, non-resource URLs). */
  scope: string;
  binding: Resource;
  /** Index of the subject entry in `binding.subjects` that reaches the ServiceAccount. */
  subjectIndex: number;
  /** That subject: `ServiceAccount shop/web`, `Group system:serviceaccounts`, `User system:serviceaccount:shop:web`. */
  subject: string;
  /** The subject names the ServiceAccount itself (ServiceAccount or its User name), not a group. */
  direct: boolean;
  /** The subject's namespace is written nowhere (RoleBinding and subject name none, or a ClusterRoleBinding subject without one). */
  implicitNamespace: boolean;
  role: RoleResolution;
}

/** A binding reaching the ServiceAccount whose role is not in the input: its permissions are unknown. */
export interface UnknownBinding {
  binding: Resource;
  subjectIndex: number;
  subject: string;
  /** The subject names the ServiceAccount itself, not a group. */
  direct: boolean;
  roleKind: string;
  roleName: string;
  /** e.g. `ClusterRole "x" is not in the input`. */
  reason: string;
}

export type RiskLevel = 'critical' | 'high' | 'medium';

export type RiskId =
  | 'full-control'
  | 'secrets-read'
  | 'pod-exec'
  | 'workload-create'
  | 'pod-image-update'
  | 'escalate'
  | 'bind'
  | 'impersonate'
  | 'nodes-proxy'
  | 'token-create'
  | 'csr-approve'
  | 'admission-webhooks'
  | 'persistentvolume-create';

/** Where a risk comes from: one binding and the rule granting it, for file:line. */
export interface RiskVia {
  binding: Resource;
  /** Path of the subject entry in the binding (['subjects', i]). */
  subjectPath: FieldPath;
  subject: string;
  roleKind: string;
  roleName: string;
  /** The bound role object; null for a built-in role that is not in the input. */
  role: Resource | null;
  /** The object the granting rule is written in (another ClusterRole for an aggregated role); null for built-in approximations. */
  ruleSource: Resource | null;
  /** Path of the rule in `ruleSource` (['rules', i]); null for built-ins. */
  rulePath: FieldPath | null;
  /** `ClusterRoleBinding "x" -> ClusterRole "y"`, with `(built-in)` or `(aggregates ClusterRole "z")`. */
  text: string;
}

export interface Risk {
  id: RiskId;
  /** What the holder can do, starting with a verb phrase: "can read every Secret in namespace shop". */
  summary: string;
  /** What an attacker does with it, one sentence. */
  impact: string;
  level: RiskLevel;
  /** The namespace it applies in, or 'cluster'. */
  scope: string;
  via: RiskVia[];
}

export interface BlastRadius {
  serviceAccount: string;
  /** The ServiceAccount's (the workload's effective) namespace. */
  namespace: string;
  /** Whether the pod holds an API token: automounted or projected (see `automount`, `projectedToken`). */
  tokenMounted: boolean;
  /** automountServiceAccountToken in effect: the pod's field, else the ServiceAccount's, else true. */
  automount: boolean;
  /** A projected serviceAccountToken volume the API server accepts (see `projectsApiToken`). */
  projectedToken: boolean;
  /** Risky permissions, most severe first. */
  risks: Risk[];
  /** Bindings reaching the ServiceAccount whose role is not in the input (permissions unknown). */
  unknownBindings: UnknownBinding[];
  /** Number of rules granted through bindings of the input. */
  grants: number;
  /** One line: `ServiceAccount "shop/web" (token mounted): can read every Secret cluster-wide (...); ...`. */
  text: string;
}

export interface RbacGraph {
  /** Every rule granted to the ServiceAccount by the bindings of the input, with where it comes from. */
  permissionsOf(namespace: string, serviceAccount: string): Grant[];
  /** Risky permissions of the ServiceAccount, most severe first. */
  risksOf(namespace: string, serviceAccount: string): Risk[];
  /**
   * Risky permissions granted to the ServiceAccount itself (ServiceAccount or User subjects, not
   * groups), without what it inherits by running pods as other ServiceAccounts: what another pod
   * gains by running as it.
   */
  directRisksOf(namespace: string, serviceAccount: string): Risk[];
  /** Bindings reaching the ServiceAccount whose role is not in the input. */
  unknownBindingsOf(namespace: string, serviceAccount: string): UnknownBinding[];
  /** What a RoleBinding's or ClusterRoleBinding's roleRef resolves to. */
  resolveRoleRef(binding: Resource): RoleResolution;
  /** Bindings whose subject is the group of every ServiceAccount of the namespace (`system:serviceaccounts:<ns>`). */
  namespaceGroupBindings(namespace: string): Resource[];
  /** The risks of these grants, for a subject in `ns` named `sa` (inherit: count workload creation's inherited ServiceAccounts). */
  computeRisks(grants: Grant[], ctx: { ns: string; sa: string; inherit: boolean }): Risk[];
}

// ---------------------------------------------------------------------------------------------
// Built-in ClusterRoles

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
type BuiltinRule = [verbs: string[], groups: string[], resources: string[], urls?: string[]];

const AGG = (x: string) => ({ [`${RBAC_GROUP}/aggregate-to-${x}`]: 'true' });

/** Approximated from bootstrappolicy/policy.go (see the module comment). */
const BUILTINS: { name: string; labels: Record<string, string>; aggregateTo?: string; rules: BuiltinRule[] }[] = [
  { name: 'cluster-admin', labels: {}, rules: [[['*'], ['*'], ['*']], [['*'], [], [], ['*']]] },
  { name: 'admin', labels: {}, aggregateTo: 'admin', rules: [] },
  { name: 'edit', labels: AGG('admin'), aggregateTo: 'edit', rules: [] },
  { name: 'view', labels: AGG('edit'), aggregateTo: 'view', rules: [] },
  {
    name: 'system:aggregate-to-admin',
    labels: AGG('admin'),
    rules: [
      [['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']],
      [[...READ, ...WRITE], [RBAC_GROUP], ['roles', 'rolebindings']],
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: AGG('edit'),
    rules: [
      [READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']],
      [['impersonate'], [''], ['serviceaccounts']],
      [WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']],
      [['create'], [''], ['pods/eviction']],
      [WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets']],
      [['create'], [''], ['serviceaccounts/token']],
      [WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']],
      [WRITE, ['autoscaling'], ['horizontalpodautoscalers']],
      [WRITE, ['batch'], ['jobs', 'cronjobs']],
      [WRITE, ['policy'], ['poddisruptionbudgets']],
      [WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']],
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: AGG('view'),
    rules: [
      [READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']],
      [READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log', 'namespaces']],
      [READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']],
      [READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']],
      [READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']],
      [READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']],
      [READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']],
    ],
  },
];

/** Names of the built-in ClusterRoles whose rules are approximated here. */
export const BUILTIN_CLUSTER_ROLES = BUILTINS.map((b) => b.name);


/** A ClusterRole of the input or a built-in, as the aggregation controller sees it. */
interface CRNode {
  name: string;
  labels: Record<string, string>;
  resource: Resource | null;
  /** aggregationRule.clusterRoleSelectors, when aggregated. */
  selectors: Json[] | null;
  own: RoleRule[];
}

function builtinNode(b: (typeof BUILTINS)[number]): CRNode {
  const own: RoleRule[] = b.rules.map(([verbs, apiGroups, resources, urls], index) => ({
    index,
    verbs,
    apiGroups,
    resources,
    resourceNames: [],
    nonResourceURLs: urls ?? [],
    path: ['rules', index],
    source: null,
    sourceName: b.name,
  }));
  return { name: b.name, labels: { ...b.labels, 'kubernetes.io/bootstrapping': 'rbac-defaults' }, resource: null, selectors: b.aggregateTo ? [{ matchLabels: AGG(b.aggregateTo) }] : null, own };
}

function inputNode(r: Resource): CRNode {
  const agg = r.object.aggregationRule;
  return {
    name: r.name,
    labels: stringMap(isObject(r.object.metadata) ? r.object.metadata.labels : undefined),
    resource: r,
    selectors: isObject(agg) ? getArray(agg, ['clusterRoleSelectors']) : null,
    own: roleRules(r).map((p) => ({ ...p, source: r, sourceName: r.name })),
  };
}



/**
 * Built-in Roles whose rules are known exactly (bootstrappolicy namespaceRoles): the one every
 * aggregated API server and webhook binds to read the client-CA ConfigMap.
 */
const BUILTIN_ROLES: { namespace: string; name: string; rules: [verbs: string[], groups: string[], resources: string[], resourceNames: string[]][] }[] = [
  { namespace: 'kube-system', name: 'extension-apiserver-authentication-reader', rules: [[READ, [''], ['configmaps'], ['extension-apiserver-authentication']]] },
];

function builtinRoleRules(b: (typeof BUILTIN_ROLES)[number]): RoleRule[] {
  return b.rules.map(([verbs, apiGroups, resources, resourceNames], index) => ({
    index,
    verbs,
    apiGroups,
    resources,
    resourceNames,
    nonResourceURLs: [],
    path: ['rules', index],
    source: null,
    sourceName: b.name,
  }));
}

/** Roles the API server creates in kube-system / kube-public (bootstrap policy, namespaceRoles). */
function isBuiltinRole(namespace: string, name: string): boolean {
  return (namespace === 'kube-system' || namespace === 'kube-public') && (name.startsWith('system:') || name === 'extension-apiserver-authentication-reader');
}

// ---------------------------------------------------------------------------------------------
// Risks

const LEVEL_RANK: Record<RiskLevel, number> = { critical: 3, high: 2, medium: 1 };
const RISK_ORDER: RiskId[] = [
  'full-control', 'secrets-read', 'nodes-proxy', 'impersonate', 'escalate', 'bind', 'token-create', 'csr-approve',
  'admission-webhooks', 'pod-exec', 'workload-create', 'pod-image-update', 'persistentvolume-create',
];

/** 3 for critical, 2 for high, 1 for medium (for sorting). */
export function levelRank(l: RiskLevel): number {
  return LEVEL_RANK[l];
}

const WORKLOAD_TARGETS: { groups: string[]; resource: string; verbs: string[] }[] = [
  { groups: [''], resource: 'pods', verbs: ['create'] },
  { groups: ['apps', 'extensions'], resource: 'deployments', verbs: ['create', 'update', 'patch'] },
  { groups: ['apps', 'extensions'], resource: 'daemonsets', verbs: ['create', 'update', 'patch'] },
  { groups: ['apps'], resource: 'statefulsets', verbs: ['create', 'update', 'patch'] },
  { groups: ['apps', 'extensions'], resource: 'replicasets', verbs: ['create', 'update', 'patch'] },
  { groups: ['batch'], resource: 'jobs', verbs: ['create'] },
  { groups: ['batch'], resource: 'cronjobs', verbs: ['create', 'update', 'patch'] },
  { groups: [''], resource: 'replicationcontrollers', verbs: ['create', 'update', 'patch'] },
];

const EXEC_TARGETS: { resource: string; create: string[]; get: string[]; action: string }[] = [
  { resource: 'pods/exec', create: ['create'], get: ['get'], action: 'exec into' },
  { resource: 'pods/attach', create: ['create'], get: ['get'], action: 'attach to' },
  { resource: 'pods/ephemeralcontainers', create: ['update', 'patch'], get: [], action: 'add a debug container to' },
];

const IMPACT: Record<string, string> = {
  'full-control-cluster': 'An attacker with this token owns the cluster: every Secret, every workload and node, and RBAC itself.',
  'full-control-ns': 'An attacker with this token reads every Secret of the namespace, runs any code there as any of its ServiceAccounts and rewrites its RBAC.',
  'secrets-list': 'An attacker dumps every Secret in reach (database passwords, TLS keys, cloud credentials, ServiceAccount tokens): list and watch return the values.',
  'secrets-get': 'An attacker reads any Secret whose name it learns from pod specs or naming conventions: passwords, keys and tokens.',
  'secrets-named': 'An attacker reads the credentials stored in those Secrets.',
  'pod-exec': 'An attacker runs commands inside other apps\' containers, reading their Secrets, tokens and data and acting as them.',
  'workload-create': 'An attacker starts a pod with its own image as any ServiceAccount of the namespace, mounting that token and any Secret there, so it holds the strongest identity of the namespace.',
  'workload-create-cluster': 'An attacker starts a pod with its own image in any namespace, kube-system included, as any ServiceAccount there, so it holds the most privileged identity of the cluster.',
  'pod-image-update': 'An attacker swaps the image of a running pod for its own (spec.containers[].image may change on a live pod): the new container runs with that pod\'s ServiceAccount token, Secrets and volumes, so it takes over the identity of whichever pod holds the strongest one.',
  escalate: 'An attacker edits a role it is bound to so that it grants anything, bypassing RBAC\'s escalation check.',
  bind: 'An attacker binds cluster-admin (or any role) to itself with a new binding.',
  'bind-weak': 'An attacker can bind only the roles it is allowed to bind; check what those grant.',
  impersonate: 'An attacker sends requests as another identity and gets all of its permissions.',
  'nodes-proxy': 'An attacker calls the kubelet API of a node and runs commands in every pod on it, outside admission control and the API audit log.',
  'token-create': 'An attacker mints tokens for other ServiceAccounts and acts as the most privileged one.',
  'csr-approve': 'An attacker approves a certificate signing request for a client certificate of any user or group (system:masters on older clusters) and authenticates as it.',
  'webhook-mutating': 'An attacker registers or redirects a mutating admission webhook that receives, and can change, every object sent to the API server, Secrets and pod specs included.',
  'webhook-validating': 'An attacker registers or redirects a validating admission webhook that receives every object sent to the API server, Secrets included, and can block any change.',
  'pv-create': 'An attacker creates a hostPath PersistentVolume exposing a node directory and mounts it into a pod, reading and writing the node\'s files.',
};

interface Candidate {
  id: RiskId;
  scope: string;
  level: RiskLevel;
  /** Within one id: a higher strength covers everything a lower one does at the same (or a narrower) scope. */
  strength: number;
  /** Names merged across grants (Secret names, resources, actions). */
  items: string[];
  render: (items: string[]) => string;
  impact: string;
  grants: Grant[];
  /** The risk lets it act as any ServiceAccount of `scope` (inherits the strongest one). */
  inherits?: boolean;
  /** Candidates merge only within one variant (different phrasings of one id). */
  variant?: string;
}

function whereText(scope: string): string {
  return scope === CLUSTER ? 'cluster-wide' : `in namespace ${scope}`;
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function bindingLabel(b: Resource): string {
  return `${b.kind} "${b.name}"`;
}

/**
 * Where a rule's grant is shown: the rule, or its verbs when a render maps the two to different
 * files (a kustomize patch that rewrites the rule's verbs: the rule's own node maps to the base that
 * first defined it, which does not grant them).
 */
function grantingPath(src: Resource, path: FieldPath): FieldPath {
  if (!/(^|[\\/])(kustomization\.ya?ml|Kustomization)$/.test(src.origin.file)) return path;
  const rule = get(src.object, path);
  try {
    const at = src.origin.locate(path);
    if (!at) return path;
    const home = at.file ?? src.origin.file;
    // The first verb (then resource) the render maps to another file than the rule: what the patch added.
    for (const key of ['verbs', 'resources']) {
      const n = getArray(rule, [key]).length;
      for (let i = 0; i < n; i++) {
        const leaf = [...path, key, i];
        const b = src.origin.locate(leaf);
        if (b && b.line !== null && (b.file ?? src.origin.file) !== home) return leaf;
      }
    }
  } catch {
    return path;
  }
  return path;
}

function viaOf(g: Grant): RiskVia {
  const builtin = g.role.status === 'builtin';
  // Built-in roles aggregate built-in roles: only the input's aggregation is worth naming.
  const agg = g.role.aggregated && g.rule.source && g.rule.source !== g.role.role ? ` (aggregates ClusterRole "${g.rule.sourceName}")` : '';
  return {
    binding: g.binding,
    subjectPath: ['subjects', g.subjectIndex],
    subject: g.subject,
    roleKind: g.role.kind,
    roleName: g.role.name,
    role: g.role.role,
    ruleSource: g.rule.source,
    rulePath: g.rule.source ? grantingPath(g.rule.source, g.rule.path) : null,
    text: `${bindingLabel(g.binding)} -> ${g.role.kind} "${g.role.name}"${builtin ? ' (built-in)' : ''}${agg}`,
  };
}

function viaKey(v: RiskVia): string {
  return `${v.binding.origin.file}\0${v.binding.origin.doc}\0${v.binding.origin.listIndex ?? ''}\0${v.binding.name}\0${v.subjectPath.join('.')}\0${v.ruleSource?.name ?? ''}\0${v.ruleSource?.origin.file ?? ''}\0${v.rulePath?.join('.') ?? ''}`;
}

/** Does any unnamed grant at `scope` (or cluster-wide) allow one of `verbs` on group/resource? */
function holds(grants: Grant[], scope: string, group: string, resource: string, verbs: string[]): boolean {
  return grants.some((g) => (g.scope === CLUSTER || g.scope === scope) && g.rule.resourceNames.length === 0 && allowedVerbs(g.rule, group, resource, verbs).length > 0);
}

/** Every (group, resource, verbs) a risk below looks at: a rule matching none of them is skipped early. */
const PROBES: [string, string, string[]][] = [
  ['', 'secrets', ['get', 'list', 'watch']],
  ...EXEC_TARGETS.map((t): [string, string, string[]] => ['', t.resource, [...t.create, ...t.get]]),
  ...WORKLOAD_TARGETS.flatMap((t) => t.groups.map((grp): [string, string, string[]] => [grp, t.resource, t.verbs])),
  ['', 'pods', ['update', 'patch']],
  [RBAC_GROUP, 'roles', ['escalate', 'bind']],
  [RBAC_GROUP, 'clusterroles', ['escalate', 'bind']],
  ['', 'users', ['impersonate']],
  ['', 'groups', ['impersonate']],
  ['', 'serviceaccounts', ['impersonate']],
  ['', 'nodes/proxy', ['get', 'create']],
  ['', 'serviceaccounts/token', ['create']],
  ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations', ['create', 'update', 'patch']],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations', ['create', 'update', 'patch']],
  ['', 'persistentvolumes', ['create']],
];
const mayRiskMemo = new WeakMap<PolicyRule, boolean>();

/** Can this rule produce any risk? (Cached per rule object: roles' rules are shared by every grant.) */
function mayRisk(rule: PolicyRule): boolean {
  let v = mayRiskMemo.get(rule);
  if (v === undefined) {
    v = rule.resources.length > 0 && PROBES.some(([grp, res, verbs]) => allowedVerbs(rule, grp, res, verbs).length > 0);
    mayRiskMemo.set(rule, v);
  }
  return v;
}

/** Risk candidates of one grant. `all` is every grant of the subject (for permissions that need a companion). */
function candidatesOf(g: Grant, all: Grant[]): Candidate[] {
  const out: Candidate[] = [];
  if (!mayRisk(g.rule)) return out;
  const r = g.rule;
  const s = g.scope;
  const cluster = s === CLUSTER;
  const named = r.resourceNames.length > 0;
  const names = r.resourceNames;
  const where = whereText(s);
  const push = (c: Omit<Candidate, 'grants' | 'scope'>) => out.push({ scope: s, grants: [g], ...c });

  if (r.resources.length === 0) return out;

  // Every verb on every resource in every group.
  if (!named && r.verbs.includes('*') && r.resources.includes('*') && r.apiGroups.includes('*')) {
    push({
      id: 'full-control',
      level: cluster ? 'critical' : 'high',
      strength: 3,
      items: [],
      render: () => (cluster ? 'has full control of the cluster (every verb on every resource)' : `has full control of namespace ${s} (every verb on every resource)`),
      impact: IMPACT[cluster ? 'full-control-cluster' : 'full-control-ns'],
      inherits: !cluster,
    });
  }

  // Secrets.
  const sv = allowedVerbs(r, '', 'secrets', ['get', 'list', 'watch']);
  if (sv.length > 0) {
    if (named) {
      push({
        id: 'secrets-read',
        level: 'medium',
        strength: 1,
        items: names,
        render: (items) => `can read ${plural(items.length, 'Secret', 'Secrets')} ${joinAnd(items)} ${where} (only ${plural(items.length, 'that one', 'those')})`,
        impact: IMPACT['secrets-named'],
      });
    } else if (sv.includes('list') || sv.includes('watch')) {
      push({
        id: 'secrets-read',
        level: cluster ? 'critical' : 'high',
        strength: 3,
        items: [],
        render: () => `can read every Secret ${where}`,
        impact: IMPACT['secrets-list'],
      });
    } else {
      push({
        id: 'secrets-read',
        level: cluster ? 'critical' : 'high',
        strength: 2,
        items: [],
        render: () => `can read any Secret ${where} whose name it knows`,
        impact: IMPACT['secrets-get'],
      });
    }
  }

  // exec / attach / ephemeral containers.
  for (const t of EXEC_TARGETS) {
    const create = allowedVerbs(r, '', t.resource, t.create).length > 0;
    const get = !create && allowedVerbs(r, '', t.resource, t.get).length > 0;
    if (!create && !get) continue;
    if (named) {
      push({
        id: 'pod-exec',
        level: 'medium',
        strength: 1,
        items: names,
        render: (items) => `can run commands in ${plural(items.length, 'pod', 'pods')} ${joinAnd(items)} ${where}`,
        impact: IMPACT['pod-exec'],
      });
    } else if (create) {
      push({
        id: 'pod-exec',
        level: cluster ? 'critical' : 'high',
        strength: 3,
        items: [t.action],
        render: (items) => `can ${joinOr(items)} any pod ${where}`,
        impact: IMPACT['pod-exec'],
      });
    } else {
      push({
        id: 'pod-exec',
        level: cluster ? 'high' : 'medium',
        strength: 2,
        items: [t.action],
        render: (items) => `can ${joinOr(items)} any pod ${where} with get alone (over WebSocket, on API servers before v1.35)`,
        impact: IMPACT['pod-exec'],
      });
    }
  }

  // Workloads: create (or rewrite the pod template of) pods and controllers.
  const wl: string[] = [];
  for (const t of WORKLOAD_TARGETS) {
    const verbs = new Set<string>();
    for (const grp of t.groups) for (const v of allowedVerbs(r, grp, t.resource, named ? t.verbs.filter((x) => x !== 'create') : t.verbs)) verbs.add(v);
    if (verbs.size > 0) wl.push(named ? `${[...verbs].join('/')} ${t.resource} ${joinAnd(names)}` : `${[...verbs].join('/')} ${t.resource}`);
  }
  if (wl.length > 0) {
    push({
      id: 'workload-create',
      level: cluster ? 'critical' : 'high',
      strength: named ? 1 : 2,
      items: wl,
      render: (items) => {
        // Many kinds: name them without their verbs.
        const what = items.length > 3 ? `create or change ${joinAnd(items.map((i) => i.slice(i.indexOf(' ') + 1)))}` : joinAnd(items);
        return cluster
          ? `can ${what} in any namespace (kube-system included), so it can run any image as any ServiceAccount there`
          : `can ${what} ${where}, so it can run any image as any ServiceAccount there`;
      },
      impact: IMPACT[cluster ? 'workload-create-cluster' : 'workload-create'],
      inherits: !cluster,
    });
  }

  // Pods: update/patch can replace a running pod's container images (one of the few pod fields that
  // may change), and the new image runs with that pod's ServiceAccount token. Create covers it.
  const podEdit = allowedVerbs(r, '', 'pods', ['update', 'patch']);
  if (podEdit.length > 0 && (named || allowedVerbs(r, '', 'pods', ['create']).length === 0)) {
    const verbs = podEdit.join('/');
    push({
      id: 'pod-image-update',
      level: named ? 'medium' : cluster ? 'critical' : 'high',
      strength: named ? 1 : 2,
      items: named ? names : [],
      render: (items) =>
        named
          ? `can ${verbs} ${plural(items.length, 'pod', 'pods')} ${joinAnd(items)} ${where}, and so replace ${plural(items.length, 'its image', 'their images')} with any image, which then runs with ${plural(items.length, 'its', 'their')} ServiceAccount token`
          : cluster
            ? `can ${verbs} any pod in any namespace (kube-system included), and so replace a running pod's image with any image, which then runs with that pod's ServiceAccount token`
            : `can ${verbs} any pod ${where}, and so replace a running pod's image with any image, which then runs with that pod's ServiceAccount token`,
      impact: IMPACT['pod-image-update'],
    });
  }

  // escalate: write any permission into a role (needs create/update/patch on it too).
  for (const res of ['clusterroles', 'roles']) {
    if (res === 'clusterroles' && !cluster) continue;
    if (allowedVerbs(r, RBAC_GROUP, res, ['escalate']).length === 0) continue;
    const canWrite = holds(all, s, RBAC_GROUP, res, ['create', 'update', 'patch']);
    if (named || !canWrite) {
      push({
        id: 'escalate',
        level: 'medium',
        strength: 1,
        variant: named ? `named ${res}` : `alone ${res}`,
        items: named ? names : [],
        render: (items) =>
          named
            ? `can write any permission into ${res} ${joinAnd(items)} ${where}${canWrite ? '' : ' (given update on them, not granted in the input)'}`
            : `holds escalate on ${res} ${where} (harmless without create/update on ${res}, not granted in the input)`,
        impact: IMPACT.escalate,
      });
    } else {
      push({
        id: 'escalate',
        level: cluster ? 'critical' : 'high',
        strength: 2,
        items: [res === 'clusterroles' ? 'ClusterRoles' : 'Roles'],
        render: (items) => `can write any permission into ${joinAnd(items)} ${where} (escalate with create/update)`,
        impact: IMPACT.escalate,
      });
    }
  }

  // bind: bind a role it does not hold (needs create on role bindings).
  for (const res of ['clusterroles', 'roles']) {
    if (allowedVerbs(r, RBAC_GROUP, res, ['bind']).length === 0) continue;
    const admin = named && names.includes('cluster-admin') && res === 'clusterroles';
    const crb = cluster && holds(all, s, RBAC_GROUP, 'clusterrolebindings', ['create']);
    const rb = holds(all, s, RBAC_GROUP, 'rolebindings', ['create']);
    if ((!named || admin) && res === 'clusterroles' && (crb || rb)) {
      push({
        id: 'bind',
        level: cluster ? 'critical' : 'high',
        strength: 2,
        items: [],
        render: () =>
          crb
            ? 'can bind any ClusterRole, cluster-admin included, to itself cluster-wide'
            : cluster
              ? 'can bind any ClusterRole, cluster-admin included, to itself in any namespace'
              : `can bind any ClusterRole, cluster-admin included, to itself in namespace ${s}`,
        impact: IMPACT.bind,
      });
    } else {
      const companion = crb || rb;
      push({
        id: 'bind',
        level: 'medium',
        strength: 1,
        variant: named ? `named ${res}` : 'any',
        items: named ? names : [res],
        render: (items) =>
          named
            ? `can bind ${res} ${joinAnd(items)} ${where}${companion ? '' : ' (given create on role bindings, not granted in the input)'}`
            : `can bind any of ${joinAnd(items)} ${where}${companion ? '' : ' (given create on role bindings, not granted in the input)'}`,
        impact: named || res === 'roles' ? IMPACT['bind-weak'] : IMPACT.bind,
      });
    }
  }

  // impersonate: users and groups are cluster-scoped; ServiceAccounts are namespaced.
  for (const res of ['users', 'groups', 'serviceaccounts']) {
    if (res !== 'serviceaccounts' && !cluster) continue;
    if (allowedVerbs(r, '', res, ['impersonate']).length === 0) continue;
    const masters = res === 'groups' && names.includes('system:masters');
    if (!named || masters) {
      const what = res === 'serviceaccounts' ? `any ServiceAccount ${where}` : masters ? 'group system:masters (cluster-admin)' : `any ${res === 'users' ? 'user' : 'group'}`;
      push({
        id: 'impersonate',
        level: cluster ? 'critical' : 'high',
        strength: 2,
        items: [what],
        render: (items) => `can impersonate ${joinAnd(items)}`,
        impact: IMPACT.impersonate,
        inherits: res === 'serviceaccounts' && !cluster,
      });
    } else {
      push({
        id: 'impersonate',
        level: 'medium',
        strength: 1,
        variant: res,
        items: names.map((n) => `${res.replace(/s$/, '')} ${n}`),
        render: (items) => `can impersonate ${joinAnd(items)}${res === 'serviceaccounts' ? ` ${where}` : ''}`,
        impact: IMPACT.impersonate,
      });
    }
  }

  // The kubelet API through nodes/proxy (cluster-scoped).
  if (cluster && allowedVerbs(r, '', 'nodes/proxy', ['get', 'create']).length > 0) {
    push({
      id: 'nodes-proxy',
      level: named ? 'high' : 'critical',
      strength: named ? 1 : 2,
      items: named ? names : [],
      render: (items) =>
        items.length
          ? `can run commands in every pod on ${plural(items.length, 'node', 'nodes')} ${joinAnd(items)} through the kubelet API (nodes/proxy)`
          : 'can run commands in any pod on any node through the kubelet API (nodes/proxy)',
      impact: IMPACT['nodes-proxy'],
    });
  }

  // TokenRequest.
  if (allowedVerbs(r, '', 'serviceaccounts/token', ['create']).length > 0) {
    push(
      named
        ? {
            id: 'token-create',
            level: 'medium',
            strength: 1,
            items: names,
            render: (items) => `can mint tokens for ${plural(items.length, 'ServiceAccount', 'ServiceAccounts')} ${joinAnd(items)} ${where}`,
            impact: IMPACT['token-create'],
          }
        : {
            id: 'token-create',
            level: cluster ? 'critical' : 'high',
            strength: 2,
            items: [],
            render: () => `can mint a token for any ServiceAccount ${where}`,
            impact: IMPACT['token-create'],
            inherits: !cluster,
          },
    );
  }

  // Admission webhooks (cluster-scoped): create, or rewrite (update/patch, even by name).
  if (cluster) {
    for (const [res, kind, level, impact] of [
      ['mutatingwebhookconfigurations', 'MutatingWebhookConfigurations', 'critical', IMPACT['webhook-mutating']],
      ['validatingwebhookconfigurations', 'ValidatingWebhookConfigurations', 'high', IMPACT['webhook-validating']],
    ] as const) {
      const verbs = allowedVerbs(r, 'admissionregistration.k8s.io', res, named ? ['update', 'patch'] : ['create', 'update', 'patch']);
      if (verbs.length === 0) continue;
      push({
        id: 'admission-webhooks',
        level,
        strength: level === 'critical' ? 2 : 1,
        items: [named ? `${kind.replace(/s$/, '')} ${joinAnd(names)}` : kind],
        render: (items) => `can ${verbs.includes('create') ? 'create or rewrite' : 'rewrite'} ${joinAnd(items)} (intercepting objects sent to the API server)`,
        impact,
      });
    }
  }

  // PersistentVolumes (cluster-scoped): a hostPath PV exposes a node directory.
  if (cluster && !named && allowedVerbs(r, '', 'persistentvolumes', ['create']).length > 0) {
    const pods = all.some((x) => WORKLOAD_TARGETS.some((t) => t.groups.some((grp) => x.rule.resourceNames.length === 0 && allowedVerbs(x.rule, grp, t.resource, t.verbs).length > 0)));
    push({
      id: 'persistentvolume-create',
      level: pods ? 'high' : 'medium',
      strength: 1,
      items: [],
      render: () => `can create PersistentVolumes, hostPath ones included${pods ? ', and pods to mount them' : ''}`,
      impact: IMPACT['pv-create'],
    });
  }
  return out;
}

/** Certificate approval needs two permissions that may come from different rules. */
function csrCandidate(grants: Grant[]): Candidate | null {
  const cluster = grants.filter((g) => g.scope === CLUSTER && groupMatches(g.rule, 'certificates.k8s.io'));
  if (cluster.length === 0) return null;
  const approval = cluster.filter((g) => g.rule.resourceNames.length === 0 && allowedVerbs(g.rule, 'certificates.k8s.io', 'certificatesigningrequests/approval', ['update', 'patch']).length > 0);
  if (approval.length === 0) return null;
  const signer = cluster.filter((g) => {
    if (allowedVerbs(g.rule, 'certificates.k8s.io', 'signers', ['approve']).length === 0) return false;
    const n = g.rule.resourceNames;
    return n.length === 0 || n.includes('kubernetes.io/kube-apiserver-client') || n.includes('kubernetes.io/*');
  });
  if (signer.length === 0) return null;
  const create = cluster.some((g) => allowedVerbs(g.rule, 'certificates.k8s.io', 'certificatesigningrequests', ['create']).length > 0);
  return {
    id: 'csr-approve',
    scope: CLUSTER,
    level: create ? 'critical' : 'high',
    strength: 1,
    items: [],
    render: () => `can ${create ? 'create and ' : ''}approve certificate signing requests for API client certificates (signer kubernetes.io/kube-apiserver-client)`,
    impact: IMPACT['csr-approve'],
    grants: [approval[0], signer[0]],
  };
}

// ---------------------------------------------------------------------------------------------
// The graph

interface SubjectRef {
  binding: Resource;
  subjectIndex: number;
  subject: string;
  direct: boolean;
  implicitNamespace: boolean;
}

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

class Graph implements RbacGraph {
  private bySa = new Map<string, SubjectRef[]>();
  private byNsGroup = new Map<string, SubjectRef[]>();
  private everySa: SubjectRef[] = [];
  /** ServiceAccount names named by a binding, per namespace. */
  private saNamesByNs = new Map<string, Set<string>>();
  private resolutions = new Map<Resource, RoleResolution>();
  private nodes: CRNode[] = [];
  private nodeOf = new Map<Resource, CRNode>();
  private builtinByName = new Map<string, CRNode>();
  private byLabel = new Map<string, CRNode[]>();
  private aggregated = new Map<CRNode, RoleRule[]>();
  private visiting = new Set<CRNode>();
  private grantsMemo = new Map<string, Grant[]>();
  private risksMemo = new Map<string, Risk[]>();
  private directMemo = new Map<string, Risk[]>();
  private strongestMemo = new Map<string, { sa: string; risk: Risk }[]>();
  private unknownMemo = new Map<string, UnknownBinding[]>();
  /** Grants through `system:serviceaccounts` / `system:authenticated`: the same for every ServiceAccount. */
  private everyGrants: Grant[] | null = null;
  /** Copies of one binding (same kind, namespace and name) found more than once in the input. */
  private copies = new Map<Resource, Resource[]>();

  constructor(private index: ResourceIndex) {
    for (const r of index.ofKind('ClusterRole')) {
      const n = inputNode(r);
      this.nodes.push(n);
      this.nodeOf.set(r, n);
    }
    for (const b of BUILTINS) {
      if (index.named('ClusterRole', b.name).length > 0) continue;
      const n = builtinNode(b);
      this.nodes.push(n);
      this.builtinByName.set(b.name, n);
    }
    for (const n of this.nodes) for (const [k, v] of Object.entries(n.labels)) this.push(this.byLabel, `${k}=${v}`, n);
    const byId = new Map<string, Resource[]>();
    for (const b of [...index.ofKind('RoleBinding'), ...index.ofKind('ClusterRoleBinding')]) {
      this.indexSubjects(b);
      // Copies that say what they bind (a kustomize patch without roleRef is not a rival copy).
      if (getString(b.object, ['roleRef', 'name'])) this.push(byId, `${b.kind}\0${b.kind === 'RoleBinding' ? index.namespaceOf(b) : ''}\0${b.name}`, b);
    }
    for (const list of byId.values()) if (list.length > 1) for (const b of list) this.copies.set(b, list);
  }

  private push<T>(m: Map<string, T[]>, k: string, v: T): void {
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(v);
  }

  private indexSubjects(b: Resource): void {
    const rb = b.kind === 'RoleBinding';
    getArray(b.object, ['subjects']).forEach((s, subjectIndex) => {
      if (!isObject(s)) return;
      const kind = getString(s, ['kind']);
      const name = getString(s, ['name']);
      if (!kind || !name || isTemplated(name)) return;
      if (kind === 'ServiceAccount') {
        const written = getString(s, ['namespace']);
        if (written && isTemplated(written)) return;
        const ns = written || (rb ? this.index.namespaceOf(b) : this.index.defaultNamespace);
        const implicit = !written && (!rb || b.namespace === undefined);
        this.addSa(ns, name, { binding: b, subjectIndex, subject: `ServiceAccount ${ns}/${name}`, direct: true, implicitNamespace: implicit });
      } else if (kind === 'User') {
        const m = SA_USER.exec(name);
        if (m) this.addSa(m[1], m[2], { binding: b, subjectIndex, subject: `User ${name}`, direct: true, implicitNamespace: false });
      } else if (kind === 'Group') {
        const ref = { binding: b, subjectIndex, subject: `Group ${name}`, direct: false, implicitNamespace: false };
        if (name === 'system:serviceaccounts' || name === 'system:authenticated') this.everySa.push(ref);
        else if (name.startsWith('system:serviceaccounts:')) this.push(this.byNsGroup, name.slice('system:serviceaccounts:'.length), ref);
      }
    });
  }

  private addSa(ns: string, name: string, ref: SubjectRef): void {
    this.push(this.bySa, `${ns}\0${name}`, ref);
    let s = this.saNamesByNs.get(ns);
    if (!s) this.saNamesByNs.set(ns, (s = new Set()));
    s.add(name);
  }

  resolveRoleRef(b: Resource): RoleResolution {
    let r = this.resolutions.get(b);
    if (!r) this.resolutions.set(b, (r = this.resolve(b)));
    return r;
  }

  private resolve(b: Resource): RoleResolution {
    const kind = getString(b.object, ['roleRef', 'kind']) ?? '';
    const name = getString(b.object, ['roleRef', 'name']) ?? '';
    const base = { kind, name, role: null, rules: [] as RoleRule[], complete: false, aggregated: false };
    if (!kind || !name) return { ...base, status: 'invalid', reason: 'the binding has no roleRef kind and name' };
    if (isTemplated(name) || isTemplated(kind)) return { ...base, status: 'unresolved', reason: `roleRef ${kind} "${name}" is templated` };
    if (kind === 'ClusterRole') {
      const inInput = this.index.named('ClusterRole', name);
      if (inInput.length > 0) {
        const role = closest(inInput, b);
        const node = this.nodeOf.get(role)!;
        const aggregated = node.selectors !== null;
        return { ...base, status: 'found', role, rules: this.effectiveRules(node), complete: !aggregated, aggregated };
      }
      const builtin = this.builtinByName.get(name);
      if (builtin) return { ...base, status: 'builtin', rules: this.effectiveRules(builtin), aggregated: builtin.selectors !== null };
      if (name.startsWith('system:')) return { ...base, status: 'unresolved', reason: `built-in ClusterRole "${name}" is not in the input` };
      const roles = b.kind === 'RoleBinding' ? this.index.named('Role', name).filter((r) => this.index.namespaceOf(r) === this.index.namespaceOf(b) && this.index.sameScope(r, b)) : this.index.named('Role', name);
      return {
        ...base,
        status: 'missing',
        reason: `ClusterRole "${name}" is not in the input`,
        ...(roles.length ? { otherKind: { resource: roles[0], kind: 'Role', builtin: false } } : {}),
      };
    }
    if (kind === 'Role') {
      if (b.kind === 'ClusterRoleBinding') return { ...base, status: 'invalid', reason: 'a ClusterRoleBinding can only reference a ClusterRole' };
      const ns = this.index.namespaceOf(b);
      const cands = this.index.named('Role', name).filter((r) => this.index.namespaceOf(r) === ns);
      // The copy closest to the binding (several providers' deploy.yaml each hold the same Role).
      const scoped = cands.filter((r) => this.index.sameScope(r, b));
      const role = scoped.length ? closest(scoped, b) : undefined;
      if (role) return { ...base, status: 'found', role, rules: roleRules(role).map((p) => ({ ...p, source: role, sourceName: role.name })), complete: true };
      if (cands.length > 0) return { ...base, status: 'unresolved', reason: `Role "${name}" of the input is in another folder` };
      const known = BUILTIN_ROLES.find((x) => x.namespace === ns && x.name === name);
      if (known) return { ...base, status: 'builtin', rules: builtinRoleRules(known), aggregated: false };
      if (isBuiltinRole(ns, name)) return { ...base, status: 'unresolved', reason: `built-in Role "${name}" of namespace ${ns} is not in the input` };
      const cr = this.index.named('ClusterRole', name);
      const other = cr.length ? { resource: cr[0], kind: 'ClusterRole', builtin: false } : this.builtinByName.has(name) || name.startsWith('system:') ? { resource: null, kind: 'ClusterRole', builtin: true } : undefined;
      return { ...base, status: 'missing', reason: `Role "${name}" is not in namespace ${ns} in the input`, ...(other ? { otherKind: other } : {}) };
    }
    return { ...base, status: 'invalid', reason: `roleRef kind "${kind}" is neither Role nor ClusterRole` };
  }

  /** Rules of a ClusterRole node, aggregation applied (cycles contribute nothing twice). */
  private effectiveRules(node: CRNode): RoleRule[] {
    if (node.selectors === null) return node.own;
    const cached = this.aggregated.get(node);
    if (cached) return cached;
    if (this.visiting.has(node)) return [];
    this.visiting.add(node);
    const out: RoleRule[] = [];
    const seen = new Set<CRNode>([node]);
    for (const sel of node.selectors) {
      if (!isObject(sel)) continue;
      const ml = isObject(sel.matchLabels) ? Object.entries(stringMap(sel.matchLabels)) : [];
      const cands = ml.length > 0 ? (this.byLabel.get(`${ml[0][0]}=${ml[0][1]}`) ?? []) : this.nodes;
      for (const c of cands) {
        if (seen.has(c) || selectorMatches(sel, c.labels) !== true) continue;
        seen.add(c);
        out.push(...this.effectiveRules(c));
      }
    }
    this.visiting.delete(node);
    this.aggregated.set(node, out);
    return out;
  }

  private refsOf(ns: string, sa: string): SubjectRef[] {
    return [...(this.bySa.get(`${ns}\0${sa}`) ?? []), ...(this.byNsGroup.get(ns) ?? []), ...this.everySa];
  }

  /** Bindings whose subject is the group of every ServiceAccount of namespace `ns` (`system:serviceaccounts:<ns>`). */
  namespaceGroupBindings(ns: string): Resource[] {
    return [...new Set((this.byNsGroup.get(ns) ?? []).map((r) => r.binding))];
  }

  permissionsOf(ns: string, sa: string): Grant[] {
    const key = `${ns}\0${sa}`;
    let g = this.grantsMemo.get(key);
    if (!g) {
      this.everyGrants ??= this.grantsFrom(this.everySa);
      const own = this.grantsFrom([...(this.bySa.get(key) ?? []), ...(this.byNsGroup.get(ns) ?? [])]);
      this.grantsMemo.set(key, (g = own.length ? own.concat(this.everyGrants) : this.everyGrants));
    }
    return g;
  }

  private grantsFrom(refs: SubjectRef[]): Grant[] {
    const out: Grant[] = [];
    for (const ref of refs) {
      const role = this.resolveRoleRef(ref.binding);
      const scope = ref.binding.kind === 'ClusterRoleBinding' ? CLUSTER : this.index.namespaceOf(ref.binding);
      for (const rule of role.rules) out.push({ rule, scope, binding: ref.binding, subjectIndex: ref.subjectIndex, subject: ref.subject, direct: ref.direct, implicitNamespace: ref.implicitNamespace, role });
    }
    return out;
  }

  unknownBindingsOf(ns: string, sa: string): UnknownBinding[] {
    const key = `${ns}\0${sa}`;
    let u = this.unknownMemo.get(key);
    if (!u) this.unknownMemo.set(key, (u = this.unknownFrom(this.refsOf(ns, sa))));
    return u;
  }

  private unknownFrom(refs: SubjectRef[]): UnknownBinding[] {
    const out: UnknownBinding[] = [];
    const seen = new Set<Resource>();
    for (const ref of refs) {
      if (seen.has(ref.binding)) continue;
      const role = this.resolveRoleRef(ref.binding);
      if (role.status !== 'missing' && role.status !== 'unresolved') continue;
      seen.add(ref.binding);
      out.push({ binding: ref.binding, subjectIndex: ref.subjectIndex, subject: ref.subject, direct: ref.direct, roleKind: role.kind, roleName: role.name, reason: role.reason ?? 'role not in the input' });
    }
    return out;
  }

  risksOf(ns: string, sa: string): Risk[] {
    const key = `${ns}\0${sa}`;
    let r = this.risksMemo.get(key);
    if (!r) this.risksMemo.set(key, (r = this.computeRisks(this.permissionsOf(ns, sa), { ns, sa, inherit: true })));
    return r;
  }

  /** Risks from grants naming the ServiceAccount itself, without inheritance (what another pod gains by running as it). */
  directRisksOf(ns: string, sa: string): Risk[] {
    const key = `${ns}\0${sa}`;
    let r = this.directMemo.get(key);
    if (!r) {
      // A subject whose namespace is written nowhere may belong to another app's folder: left out.
      const grants = this.permissionsOf(ns, sa).filter((g) => g.direct && !g.implicitNamespace);
      this.directMemo.set(key, (r = this.computeRisks(grants, { ns, sa, inherit: false })));
    }
    return r;
  }

  /** ServiceAccounts of a namespace known to the input (objects, pods, binding subjects), strongest first. */
  private strongestIn(ns: string): { sa: string; risk: Risk }[] {
    let list = this.strongestMemo.get(ns);
    if (list) return list;
    const names = new Set<string>(this.saNamesByNs.get(ns) ?? []);
    for (const r of this.index.inNamespace('ServiceAccount', ns)) names.add(r.name);
    for (const w of this.index.workloadsIn(ns)) names.add(podServiceAccount(w).name);
    list = [];
    for (const sa of [...names].sort()) {
      // Running as other ServiceAccounts of this namespace is what the inheritor can already do: it adds nothing.
      const top = this.directRisksOf(ns, sa).find((r) => !(r.scope === ns && (r.id === 'workload-create' || r.id === 'pod-image-update')));
      if (top && top.level !== 'medium') list.push({ sa, risk: top });
    }
    // The strongest first; of equals, one whose reach goes beyond the namespace.
    list.sort((a, b) => LEVEL_RANK[b.risk.level] - LEVEL_RANK[a.risk.level] || Number(b.risk.scope !== ns) - Number(a.risk.scope !== ns));
    this.strongestMemo.set(ns, list);
    return list;
  }

  /** Risks from a set of grants (exported for blastRadius with a filtered set). */
  computeRisks(grants: Grant[], ctx: { ns: string; sa: string; inherit: boolean }): Risk[] {
    const cands: Candidate[] = [];
    for (const g of grants) cands.push(...candidatesOf(g, grants));
    const csr = csrCandidate(grants);
    if (csr) cands.push(csr);

    // Merge the same risk reached through several grants.
    const merged = new Map<string, Candidate>();
    for (const c of cands) {
      const key = `${c.id}\0${c.scope}\0${c.strength}\0${c.level}\0${c.variant ?? ''}`;
      const m = merged.get(key);
      if (!m) {
        merged.set(key, { ...c, items: [...c.items], grants: [...c.grants] });
        continue;
      }
      for (const it of c.items) if (!m.items.includes(it)) m.items.push(it);
      m.grants.push(...c.grants);
    }
    let list = [...merged.values()];

    // A risk is covered by a stronger-or-equal one of the same kind at the same or a wider scope.
    const covers = (k: Candidate, c: Candidate) =>
      k !== c &&
      k.id === c.id &&
      LEVEL_RANK[k.level] >= LEVEL_RANK[c.level] &&
      ((k.strength > c.strength && (k.scope === CLUSTER || k.scope === c.scope)) ||
        (k.strength === c.strength && k.scope === CLUSTER && c.scope !== CLUSTER && k.variant === c.variant));
    list = list.filter((c) => !list.some((k) => covers(k, c)));

    // Full control of a scope implies everything else in it.
    const full = list.filter((c) => c.id === 'full-control');
    if (full.some((c) => c.scope === CLUSTER)) list = list.filter((c) => c.id === 'full-control' && c.scope === CLUSTER);
    else if (full.length) list = list.filter((c) => c.id === 'full-control' || !full.some((f) => f.scope === c.scope));

    const out: Risk[] = [];
    for (const c of list) {
      let summary = c.render(c.items);
      let level = c.level;
      const via = new Map<string, RiskVia>();
      for (const g of c.grants) {
        const v = viaOf(g);
        via.set(viaKey(v), v);
      }
      if (ctx.inherit && c.inherits && c.scope !== CLUSTER) {
        const best = this.strongestIn(c.scope).find((x) => !(x.sa === ctx.sa && c.scope === ctx.ns));
        if (best) {
          summary += `, including ServiceAccount "${best.sa}", which ${best.risk.summary}`;
          if (LEVEL_RANK[best.risk.level] > LEVEL_RANK[level]) level = best.risk.level;
          for (const v of best.risk.via) via.set(viaKey(v), v);
        }
      }
      // Sorted by text: the same grants read the same from manifests (in file order) and live (in the API's order).
      const vias = [...via.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
      out.push({ id: c.id, summary, impact: c.impact, level, scope: c.scope, via: vias });
    }
    out.sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || RISK_ORDER.indexOf(a.id) - RISK_ORDER.indexOf(b.id) || (a.scope === CLUSTER ? -1 : b.scope === CLUSTER ? 1 : a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
    return out;
  }

  /**
   * Grants and unknown bindings for a workload. Two refinements over permissionsOf, both about
   * which objects are deployed together: a namespace-less workload ignores namespace-less subjects
   * from other folders (ResourceIndex.sameScope), and of several copies of one binding (overlays,
   * example folders) only the copies closest to the workload count.
   */
  forWorkload(w: Workload, ns: string, sa: string): { grants: Grant[]; risks: Risk[]; unknown: UnknownBinding[] } {
    const all = this.refsOf(ns, sa);
    let refs = all;
    if (w.resource.namespace === undefined && refs.some((r) => r.implicitNamespace)) {
      const dir = dirOf(w.resource.origin.file);
      refs = refs.filter((r) => !r.implicitNamespace || dirOf(r.binding.origin.file) === dir);
    }
    // kubebuilder's placeholder namespace: only the bindings of the same operator's config tree.
    if (w.resource.namespace === PLACEHOLDER_NAMESPACE && !this.index.listedKinds) {
      refs = refs.filter((r) => nearFolders(r.binding.origin.file, w.resource.origin.file));
    }
    if (refs.some((r) => this.copies.has(r.binding))) {
      refs = refs.filter((r) => {
        const copies = this.copies.get(r.binding);
        return !copies || proximity(r.binding, w.resource) >= Math.max(...copies.map((c) => proximity(c, w.resource)));
      });
    }
    if (refs.length === all.length) return { grants: this.permissionsOf(ns, sa), risks: this.risksOf(ns, sa), unknown: this.unknownBindingsOf(ns, sa) };
    const grants = this.grantsFrom(refs);
    return { grants, risks: this.computeRisks(grants, { ns, sa, inherit: true }), unknown: this.unknownFrom(refs) };
  }
}

/** The RBAC graph of this input, built once per index. */
export function rbacGraph(index: ResourceIndex): RbacGraph {
  return graphOf(index);
}

function graphOf(index: ResourceIndex): Graph {
  return index.memo('model:rbac-graph', () => new Graph(index));
}

function riskText(r: Risk): string {
  const texts = [...new Set(r.via.map((v) => v.text))];
  return `${r.summary}, through ${texts.slice(0, 2).join(' and ')}${texts.length > 2 ? ` (+${texts.length - 2} more)` : ''}`;
}

/**
 * What an attacker who compromises this workload's pods can do with its ServiceAccount's token.
 * Memoized per workload.
 */
export function blastRadius(index: ResourceIndex, w: Workload): BlastRadius {
  const memo = index.memo('model:rbac-blast', () => new Map<Resource, BlastRadius>());
  let b = memo.get(w.resource);
  if (!b) memo.set(w.resource, (b = computeBlast(index, w)));
  return b;
}

function computeBlast(index: ResourceIndex, w: Workload): BlastRadius {
  const sa = podServiceAccount(w);
  const namespace = index.namespaceOf(w.resource);
  const automount = tokenMounted(index, w, sa.name);
  const projectedToken = projectsApiToken(w);
  const mounted = automount || projectedToken;
  const evaluable = !isTemplated(sa.name);
  const { grants, risks, unknown } = evaluable ? graphOf(index).forWorkload(w, namespace, sa.name) : { grants: [], risks: [], unknown: [] };
  const who = `ServiceAccount "${namespace}/${sa.name}"`;
  const token = mounted ? (automount ? 'token mounted' : 'projected token') : 'no API token mounted';
  let body: string;
  if (!evaluable) body = 'templated ServiceAccount name, not evaluated';
  else if (risks.length) body = risks.map(riskText).join('; ');
  else if (grants.length) body = `no risky permissions among the ${grants.length} ${plural(grants.length, 'rule', 'rules')} granted in the input`;
  else body = 'no permissions granted in the input';
  const unk = unknown.length ? `; ${unknown.length} ${plural(unknown.length, 'binding grants a role', 'bindings grant roles')} not in the input (${unknown.slice(0, 2).map((u) => `${bindingLabel(u.binding)} -> ${u.roleKind} "${u.roleName}"`).join(', ')})` : '';
  return {
    serviceAccount: sa.name,
    namespace,
    tokenMounted: mounted,
    automount,
    projectedToken,
    risks,
    unknownBindings: unknown,
    grants: grants.length,
    text: `${who} (${token}): ${body}${unk}`,
  };
}
