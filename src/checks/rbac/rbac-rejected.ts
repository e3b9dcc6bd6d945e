/**
 * rbac-rejected: what the API server's validation refuses in Roles, ClusterRoles and their bindings
 * (pkg/apis/rbac/validation, Kubernetes v1.37, after the v1 defaults: an empty roleRef.apiGroup and a
 * User or Group subject's empty apiGroup become rbac.authorization.k8s.io), with its error texts; each
 * rule checked with `kubectl apply --dry-run=server` (test/cluster/rbac-rejected-server.test.ts).
 */
import { subdomainErrors } from '../../model/dns-names.js';
import type { FieldPath, Json, JsonObject } from '../../model/types.js';
import { isObject, isTemplated, meantValue } from '../../model/util.js';
import { defineCheck, type FindingInput } from '../types.js';

const GROUP = 'rbac.authorization.k8s.io';

interface Rejection {
  path: FieldPath;
  /** The API server's error: "rules[0].apiGroups: Required value: resource rules must supply at least one api group". */
  error: string;
  what: string;
  fix: string;
}

const q = (s: string) => JSON.stringify(s);
/** How the API server prints a list it refuses (JSON). */
const listText = (v: Json[]) => JSON.stringify(v);
const notEmpty = (v: Json | undefined): boolean => Array.isArray(v) && v.length > 0;
/** A value the check can read: anything without template syntax in it. */
const templated = (v: Json | undefined): boolean => (typeof v === 'string' ? isTemplated(v) : Array.isArray(v) ? v.some(templated) : false);

/** IsPathSegmentName: what RBAC names (and roleRef.name) may not be. */
function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const out: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) out.push(`may not contain '${c}'`);
  return out;
}

function ruleRejections(rules: Json | undefined, namespaced: boolean, kind: string): Rejection[] {
  const out: Rejection[] = [];
  if (!Array.isArray(rules)) return out;
  rules.forEach((rule, i) => {
    if (!isObject(rule) || templated(Object.values(rule))) return;
    const at = `rules[${i}]`;
    const path = (k: string): FieldPath => (rule[k] === undefined ? ['rules', i] : ['rules', i, k]);
    if (!notEmpty(rule.verbs)) {
      out.push({ path: path('verbs'), error: `${at}.verbs: Required value`, what: `rule ${i + 1} has no verbs`, fix: 'List the verbs the rule allows (verbs: [get, list, watch]).' });
    }
    const urls = rule.nonResourceURLs;
    if (notEmpty(urls)) {
      const list = urls as Json[];
      if (namespaced) {
        out.push({ path: ['rules', i, 'nonResourceURLs'], error: `${at}.nonResourceURLs: Invalid value: ${listText(list)}: namespaced rules cannot apply to non-resource URLs`, what: `rule ${i + 1} of a Role grants non-resource URLs (${list.map((u) => (typeof u === 'string' ? u : JSON.stringify(u))).join(', ')}), which only a ClusterRole can`, fix: 'Move the nonResourceURLs rule to a ClusterRole (bound with a ClusterRoleBinding).' });
      }
      if (notEmpty(rule.apiGroups) || notEmpty(rule.resources) || notEmpty(rule.resourceNames)) {
        out.push({ path: ['rules', i, 'nonResourceURLs'], error: `${at}.nonResourceURLs: Invalid value: ${listText(list)}: rules cannot apply to both regular resources and non-resource URLs`, what: `rule ${i + 1} mixes resources and non-resource URLs`, fix: 'Split it in two rules: one with apiGroups and resources, one with nonResourceURLs only.' });
      }
      return;
    }
    if (!notEmpty(rule.apiGroups)) {
      out.push({ path: path('apiGroups'), error: `${at}.apiGroups: Required value: resource rules must supply at least one api group`, what: `rule ${i + 1} has no apiGroups`, fix: `List the API groups of its resources: apiGroups: [""] for the core group (pods, services, secrets), [apps] for deployments${kind === 'ClusterRole' ? ', or nonResourceURLs for a URL rule' : ''}.` });
    }
    if (!notEmpty(rule.resources)) {
      out.push({ path: path('resources'), error: `${at}.resources: Required value: resource rules must supply at least one resource`, what: `rule ${i + 1} has no resources`, fix: 'List the resources the rule is about (resources: [pods]).' });
    }
  });
  return out;
}

function bindingRejections(obj: JsonObject, cluster: boolean): Rejection[] {
  const out: Rejection[] = [];
  const ref = obj.roleRef;
  if (isObject(ref) && !templated(Object.values(ref))) {
    const group = ref.apiGroup === undefined || ref.apiGroup === null || ref.apiGroup === '' ? GROUP : ref.apiGroup;
    if (typeof group === 'string' && group !== GROUP) {
      out.push({ path: ['roleRef', 'apiGroup'], error: `roleRef.apiGroup: Unsupported value: ${q(group)}: supported values: ${q(GROUP)}`, what: `roleRef.apiGroup is "${group}"${/\/v\d/.test(group) ? ' (a group with a version)' : ''}`, fix: `Set roleRef.apiGroup: ${GROUP} (the group, without a version).` });
    }
    const kind = ref.kind;
    // A ClusterRoleBinding naming a Role: rbac-binding-role-missing says so, with the role it finds.
    if (typeof kind === 'string' && !(cluster ? kind === 'ClusterRole' || kind === 'Role' : kind === 'Role' || kind === 'ClusterRole')) {
      const supported = cluster ? '"ClusterRole"' : '"Role", "ClusterRole"';
      const right = meantValue(kind, ['Role', 'ClusterRole']);
      out.push({ path: ['roleRef', 'kind'], error: `roleRef.kind: Unsupported value: ${q(kind)}: supported values: ${supported}`, what: `roleRef.kind is "${kind}"`, fix: right && (!cluster || right === 'ClusterRole') ? `Write roleRef.kind: ${right} (the kind is case-sensitive).` : `Set roleRef.kind: ${cluster ? 'ClusterRole' : 'Role (in the binding\'s namespace) or ClusterRole'}.` });
    }
    const name = ref.name;
    if (name === undefined || name === null || name === '') {
      out.push({ path: ['roleRef'], error: 'roleRef.name: Required value', what: 'roleRef has no name', fix: 'Set roleRef.name to the role the binding grants.' });
    } else if (typeof name === 'string') {
      const errs = pathSegmentErrors(name);
      if (errs.length) out.push({ path: ['roleRef', 'name'], error: errs.map((e) => `roleRef.name: Invalid value: ${q(name)}: ${e}`).join('; '), what: `roleRef.name "${name}" is not a role name`, fix: 'Name the role alone (no "/" or "%": the namespace of a Role is the binding\'s own).' });
    }
  }
  const subjects = obj.subjects;
  if (!Array.isArray(subjects)) return out;
  subjects.forEach((s, i) => {
    if (!isObject(s) || templated(Object.values(s))) return;
    const at = `subjects[${i}]`;
    const name = s.name;
    if (name === undefined || name === null || name === '') {
      out.push({ path: ['subjects', i], error: `${at}.name: Required value`, what: `subject ${i + 1} has no name`, fix: 'Name the ServiceAccount, user or group the binding grants the role to.' });
    }
    const kind = s.kind;
    const group = s.apiGroup;
    if (kind === 'ServiceAccount') {
      if (typeof name === 'string' && name !== '') {
        const errs = subdomainErrors(name);
        if (errs.length) out.push({ path: ['subjects', i, 'name'], error: errs.map((e) => `${at}.name: Invalid value: ${q(name)}: ${e}`).join('; '), what: `ServiceAccount subject "${name}" is not a ServiceAccount name`, fix: `Name the ServiceAccount alone (its namespace goes in ${at}.namespace, not in the name), in lower case.` });
      }
      if (typeof group === 'string' && group !== '') {
        out.push({ path: ['subjects', i, 'apiGroup'], error: `${at}.apiGroup: Unsupported value: ${q(group)}: supported values: ""`, what: `a ServiceAccount subject with apiGroup "${group}" (ServiceAccounts are in the core group)`, fix: `Remove ${at}.apiGroup (or set it to ""): only User and Group subjects take ${GROUP}.` });
      }
      if (cluster && (s.namespace === undefined || s.namespace === null || s.namespace === '')) {
        out.push({ path: ['subjects', i], error: `${at}.namespace: Required value`, what: `ServiceAccount subject "${typeof name === 'string' ? name : ''}" has no namespace, which a ClusterRoleBinding needs (it has none of its own; a kustomization's namespace: fills it in, kubectl apply -n does not)`, fix: `Set ${at}.namespace to the ServiceAccount's namespace (or apply the file only through the kustomization that sets namespace:).` });
      }
    } else if (kind === 'User' || kind === 'Group') {
      const g = group === undefined || group === null || group === '' ? GROUP : group;
      if (typeof g === 'string' && g !== GROUP) {
        out.push({ path: ['subjects', i, 'apiGroup'], error: `${at}.apiGroup: Unsupported value: ${q(g)}: supported values: ${q(GROUP)}`, what: `a ${kind} subject with apiGroup "${g}"`, fix: `Set ${at}.apiGroup: ${GROUP} (the group, without a version), or leave it out.` });
      }
    } else if (typeof kind === 'string' || kind === undefined || kind === null) {
      const k = typeof kind === 'string' ? kind : '';
      const right = meantValue(k, ['ServiceAccount', 'User', 'Group']);
      out.push({ path: kind === undefined ? ['subjects', i] : ['subjects', i, 'kind'], error: `${at}.kind: Unsupported value: ${q(k)}: supported values: "ServiceAccount", "User", "Group"`, what: kind === undefined || kind === null || kind === '' ? `subject ${i + 1} has no kind` : `subject kind "${k}"`, fix: right ? `Write ${at}.kind: ${right} (the kind is case-sensitive).` : `Set ${at}.kind to ServiceAccount, User or Group.` });
    }
  });
  return out;
}

export default defineCheck({
  id: 'rbac-rejected',
  pillar: 'rbac',
  severity: 'error',
  title: 'Role or binding the API server rejects',
  whatBreaks:
    'The API server validates each Role, ClusterRole and binding before it stores it; one it rejects is not created, and `kubectl apply`, server-side apply (Argo CD, Flux) and `helm install` fail on it. The permissions it was meant to grant are missing: the ServiceAccount gets "forbidden" on every call, and a controller that needs them crash-loops or stops reconciling.',
  details: `The rules of the API server's RBAC validation, each with its error text (Kubernetes 1.37, checked with \`kubectl apply --dry-run=server\` on a real API server):

- **Rules** of Roles and ClusterRoles: each rule lists \`verbs\`; a resource rule lists \`apiGroups\` (\`""\` is the core group) and \`resources\`; \`nonResourceURLs\` (\`/healthz\`, \`/metrics\`) only in a ClusterRole and never in the same rule as resources.
- **roleRef** of RoleBindings and ClusterRoleBindings: \`apiGroup\` \`rbac.authorization.k8s.io\` (left out, it is set to that; \`rbac.authorization.k8s.io/v1\` is refused), \`kind\` \`Role\` or \`ClusterRole\` (case matters; a ClusterRoleBinding naming a Role is **rbac-binding-role-missing**'s), a \`name\` without \`/\` or \`%\`.
- **subjects**: a \`name\`; \`kind\` ServiceAccount, User or Group (case matters); a ServiceAccount subject without \`apiGroup\` (it is in the core group), with a lowercase DNS name (the namespace is its own field, not \`ns:name\`), and, in a ClusterRoleBinding, a \`namespace\`; a User or Group subject's \`apiGroup\` \`rbac.authorization.k8s.io\` or left out.
- **Names** of Roles, ClusterRoles and bindings: not \`.\` or \`..\`, no \`/\` or \`%\` (\`system:controller:x\` is fine).

Not reported: templated values, and a live scan (the API server accepted what it returns).`,
  fix: {
    text: 'Change the object as the message says: add the verbs or API groups, fix the roleRef, give a ClusterRoleBinding\'s ServiceAccount subject its namespace.',
    yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io   # the group, no /v1
  kind: ClusterRole
  name: metrics-reader
subjects:
  - kind: ServiceAccount                # no apiGroup for a ServiceAccount
    name: prometheus
    namespace: monitoring               # required in a ClusterRoleBinding`,
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  validation: true,
  run({ resource, index }) {
    const out: FindingInput[] = [];
    if (index.listedKinds || resource.apiVersion !== `${GROUP}/v1`) return out;
    const obj = resource.object;
    const found: Rejection[] = [];
    const name = isObject(obj.metadata) ? obj.metadata.name : undefined;
    if (typeof name === 'string' && !isTemplated(name)) {
      const errs = pathSegmentErrors(name);
      if (errs.length) found.push({ path: ['metadata', 'name'], error: errs.map((e) => `metadata.name: Invalid value: ${q(name)}: ${e}`).join('; '), what: `the name "${name}" is not allowed for a ${resource.kind}`, fix: 'Rename it without "/" or "%" (":" is fine: system:controller:x).' });
    }
    if (resource.kind === 'Role' || resource.kind === 'ClusterRole') {
      found.push(...ruleRejections(obj.rules, resource.kind === 'Role', resource.kind));
      const agg = obj.aggregationRule;
      if (resource.kind === 'ClusterRole' && isObject(agg) && !notEmpty(agg.clusterRoleSelectors)) {
        found.push({ path: ['aggregationRule'], error: 'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil', what: 'an aggregationRule without clusterRoleSelectors', fix: 'List the labels of the ClusterRoles to aggregate (clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}}]), or remove aggregationRule.' });
      }
    } else found.push(...bindingRejections(obj, resource.kind === 'ClusterRoleBinding'));
    for (const x of found) {
      out.push({ message: `${x.what}: kubectl apply, server-side apply and helm install reject the ${resource.kind} (${x.error})`, path: x.path, fix: x.fix });
    }
    return out;
  },
});
