import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import type { Resource } from '../../model/types.js';
import type { ResourceIndex } from '../../model/index.js';
import { getArray, getString, isObject, isTemplated } from '../../model/util.js';
import { CLUSTER, quoteList, rbacGraph, RBAC_KINDS, type Grant, type RoleResolution, type RoleRule, type Risk } from '../../model/rbac.js';

/**
 * Built-in ClusterRoles meant for these subjects: the bootstrap policy binds system:public-info-viewer
 * to system:unauthenticated (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go,
 * ClusterRoleBindings); system:service-account-issuer-discovery is the role the same file tells
 * admins to bind to unauthenticated users for OIDC discovery; clusters before 1.14 bound
 * system:discovery and system:basic-user to system:unauthenticated too.
 */
const MEANT_FOR_ANONYMOUS = new Set(['system:public-info-viewer', 'system:service-account-issuer-discovery', 'system:discovery', 'system:basic-user']);

/** Risky permissions named in a message; the related objects list every granting rule. */
const MAX_RISKS = 3;

/** cluster-admin-binding reports a ClusterRole "cluster-admin" bound to any of these subjects. */
const CLUSTER_ADMIN = 'cluster-admin';

interface Broad {
  index: number;
  label: string;
  anonymous: boolean;
}

/** The subjects of the binding that stand for everyone: anonymous requests, or every authenticated identity. */
function broadSubjects(b: Resource): Broad[] {
  const out: Broad[] = [];
  getArray(b.object, ['subjects']).forEach((s, index) => {
    if (!isObject(s)) return;
    const kind = getString(s, ['kind']);
    const name = getString(s, ['name']);
    if (kind === 'User' && name === 'system:anonymous') out.push({ index, label: 'User system:anonymous', anonymous: true });
    else if (kind === 'Group' && name === 'system:unauthenticated') out.push({ index, label: 'Group system:unauthenticated', anonymous: true });
    else if (kind === 'Group' && name === 'system:authenticated') out.push({ index, label: 'Group system:authenticated', anonymous: false });
  });
  return out;
}

/** Risks of the rules the binding grants, as the RBAC model rates them for a ServiceAccount. */
function bindingRisks(index: ResourceIndex, b: Resource, role: RoleResolution, subject: Broad): Risk[] {
  if (role.rules.length === 0) return [];
  const graph = rbacGraph(index);
  const scope = b.kind === 'ClusterRoleBinding' ? CLUSTER : index.namespaceOf(b);
  const grants: Grant[] = role.rules.map((rule) => ({
    rule,
    scope,
    binding: b,
    subjectIndex: subject.index,
    subject: subject.label,
    direct: false,
    implicitNamespace: false,
    role,
  }));
  // No ServiceAccount has an empty name: workload creation in a namespace inherits its strongest one.
  return graph.computeRisks(grants, { ns: scope, sa: '', inherit: true });
}

function ruleText(r: RoleRule): string {
  const all = r.resources.length ? r.resources : r.nonResourceURLs;
  const what = all.length > 4 ? [...all.slice(0, 4), `+${all.length - 4} more`] : all;
  const names = r.resourceNames.length ? ` named ${quoteList(r.resourceNames)}` : '';
  return `${quoteList(r.verbs)} on ${quoteList(what)}${names}`;
}

function rulesSummary(rules: RoleRule[]): string {
  const shown = rules.slice(0, 2).map(ruleText);
  return `${shown.join(', ')}${rules.length > 2 ? ` and ${rules.length - 2} more ${rules.length - 2 === 1 ? 'rule' : 'rules'}` : ''}`;
}

function roleLabel(role: RoleResolution): string {
  return `${role.kind} "${role.name}"${role.status === 'builtin' ? ' (built-in)' : ''}`;
}

function relatedOf(risks: Risk[]): RelatedInput[] {
  const out: RelatedInput[] = [];
  const seen = new Set<string>();
  for (const risk of risks) {
    for (const v of risk.via) {
      if (!v.ruleSource || !v.rulePath) continue;
      const o = v.ruleSource.origin;
      const key = `${o.file}\0${o.doc}\0${o.listIndex ?? ''}\0${v.rulePath.join('.')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ resource: v.ruleSource, path: v.rulePath, note: `grants: ${risk.summary}` });
    }
  }
  return out;
}

export default defineCheck({
  id: 'rbac-anonymous-binding',
  pillar: 'rbac',
  severity: 'error',
  title: 'Role bound to anonymous users, or a risky role to every authenticated user',
  whatBreaks:
    'A binding to system:anonymous or system:unauthenticated gives its role to anyone who can reach the API server, with no credentials at all; a binding to system:authenticated gives it to every user and every ServiceAccount of the cluster, so one stolen token of any pod holds it.',
  details: `Looks at the subjects of every RoleBinding and ClusterRoleBinding. Requests without credentials are authenticated (when anonymous authentication is on, the API server default) as user \`system:anonymous\` in group \`system:unauthenticated\` (k8s.io/apiserver pkg/authentication/request/anonymous); every authenticated request, from any user or any ServiceAccount token, is in group \`system:authenticated\`.

- **error**: the user \`system:anonymous\` or the group \`system:unauthenticated\` is bound to a role: anyone who can reach the API server gets its permissions, whatever the role grants (the risky permissions are named when the RBAC model recognises them). Not reported: the built-in ClusterRoles meant for them, \`system:public-info-viewer\` (bound to \`system:unauthenticated\` by default: /healthz, /version), \`system:service-account-issuer-discovery\` (OIDC discovery documents, bound to anonymous users on purpose for external token verification), and \`system:discovery\` and \`system:basic-user\` (bound to unauthenticated users by clusters before 1.14); and a Role in \`kube-public\` (kubeadm's \`cluster-info\` reader for node bootstrap). Those are still reported when the input redefines them with risky rules. A binding whose role is in the input with no rules grants nothing and is not reported.
- **warning**: the group \`system:authenticated\` is bound to a role that carries a risky permission, as rated for ServiceAccounts by workload-rbac-blast-radius: reading Secrets, exec/attach into pods, creating or changing workloads or pods, escalate, bind, impersonate, minting ServiceAccount tokens, nodes/proxy, admission webhooks, full control. Read access to non-sensitive objects (the built-in \`view\`, \`system:discovery\`, \`system:basic-user\`) is not reported, nor are roles whose rules are not in the input.

A RoleBinding grants in its namespace only (the message says "in namespace X"); a ClusterRoleBinding grants cluster-wide. The built-in ClusterRole \`cluster-admin\` bound to any of these subjects is left to cluster-admin-binding, which reports it as an error: one finding for one problem. Templated subjects and roleRefs are skipped.

Anonymous authentication can be turned off (\`--anonymous-auth=false\`) or limited to a few paths (AuthenticationConfiguration \`anonymous.conditions\`); the binding then grants nothing to unauthenticated requests, but it still does the moment that setting changes: remove it.`,
  fix: {
    text: 'Remove the anonymous and system:authenticated subjects; bind the role to the users, groups or ServiceAccounts that need it (for health checks and version, the built-in system:public-info-viewer binding is enough).',
    yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: status-page-reader
  namespace: status
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: status-reader
subjects:
  - kind: ServiceAccount
    name: status-page
    namespace: status`,
  },
  uses: RBAC_KINDS,
  target: 'object',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  run({ resource, index }) {
    const out: FindingInput[] = [];
    const broad = broadSubjects(resource);
    if (broad.length === 0) return out;
    const kind = getString(resource.object, ['roleRef', 'kind']) ?? '';
    const name = getString(resource.object, ['roleRef', 'name']) ?? '';
    if (!kind || !name || isTemplated(kind) || isTemplated(name)) return out;
    // Reported by cluster-admin-binding (error for these subjects).
    if (kind === 'ClusterRole' && name === CLUSTER_ADMIN) return out;
    const role = rbacGraph(index).resolveRoleRef(resource);
    if (role.status === 'invalid') return out;
    // A role of the input without rules (and not aggregated) grants nothing.
    if (role.status === 'found' && role.complete && role.rules.length === 0) return out;

    const cluster = resource.kind === 'ClusterRoleBinding';
    const ns = index.namespaceOf(resource);
    const where = cluster ? 'cluster-wide' : `in namespace ${ns}`;
    const anon = broad.filter((s) => s.anonymous);
    const first = anon[0] ?? broad[0];
    const risks = bindingRisks(index, resource, role, first);
    const more = risks.length > MAX_RISKS ? `; and ${risks.length - MAX_RISKS} more risky ${risks.length - MAX_RISKS === 1 ? 'permission' : 'permissions'}` : '';
    const riskText = risks.slice(0, MAX_RISKS).map((r) => r.summary).join('; ') + more;
    const related = relatedOf(risks);
    const roleRel: RelatedInput[] = role.role && !related.some((r) => r.resource === role.role) ? [{ resource: role.role, path: [], note: 'the bound role' }] : [];

    if (anon.length > 0) {
      const meant =
        (kind === 'ClusterRole' && MEANT_FOR_ANONYMOUS.has(name)) ||
        (kind === 'Role' && !cluster && ns === 'kube-public');
      if (meant && risks.length === 0) return out;
      const who = anon.map((s) => s.label).join(' and ');
      let grants: string;
      if (risks.length > 0) grants = `it ${riskText}`;
      else if (role.rules.length > 0) grants = `it grants ${rulesSummary(role.rules)}`;
      else grants = `what it grants is not known here (${role.aggregated ? 'it aggregates ClusterRoles whose rules are not in the input' : role.reason ?? 'its rules are not in the input'})`;
      out.push({
        message: `subjects[${first.index}] binds ${who} to ${roleLabel(role)} ${where}: anyone who can reach the API server, with no credentials, holds this role; ${grants}`,
        path: ['subjects', first.index, 'name'],
        related: [...related, ...roleRel],
      });
      return out;
    }

    if (risks.length === 0) return out;
    out.push({
      message: `subjects[${first.index}] binds Group system:authenticated to ${roleLabel(role)} ${where}: every user and every ServiceAccount of the cluster holds it, so any pod's stolen token ${riskText}`,
      path: ['subjects', first.index, 'name'],
      severity: 'warning',
      related: [...related, ...roleRel],
    });
    return out;
  },
});
