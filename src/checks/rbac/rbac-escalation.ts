import { defineCheck, type FindingInput, type Resource } from '../types.js';
import { grantedVerbs, grantedVerbText, groupMatches, namedResourceIndex, quoteList, resourcePath, roleRules, verbPath, type PolicyRule } from './rules.js';

const RBAC = 'rbac.authorization.k8s.io';

function firstNamed(rule: PolicyRule, resources: string[]): number {
  for (const res of resources) {
    const i = namedResourceIndex(rule, res);
    if (i >= 0) return i;
  }
  return -1;
}

/** The rule's resources among these (each once: `*` covers them all), as text: "clusterroles and roles". */
function namedText(rule: PolicyRule, resources: string[]): string {
  const at = [...new Set(resources.map((r) => namedResourceIndex(rule, r)).filter((i) => i >= 0))].sort((a, b) => a - b);
  const names = at.map((i) => rule.resources[i]);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function check(resource: Resource, rule: PolicyRule): FindingInput[] {
  const out: FindingInput[] = [];
  const names = rule.resourceNames;
  const cluster = resource.kind === 'ClusterRole';

  // escalate: edit a role to contain permissions the editor does not hold.
  if (groupMatches(rule, RBAC)) {
    const i = firstNamed(rule, ['roles', 'clusterroles']);
    if (i >= 0 && grantedVerbs(rule, ['escalate']).length > 0) {
      out.push({
        message: `rules[${rule.index}] grants ${grantedVerbText(rule, 'escalate')} on ${namedText(rule, ['roles', 'clusterroles'])}${names.length ? ` ${quoteList(names)}` : ''}: with update/patch it can write any permission into ${names.length ? 'those roles' : 'a role'}, bypassing RBAC's escalation check`,
        path: verbPath(rule, ['escalate']),
      });
    }
    if (i >= 0 && grantedVerbs(rule, ['bind']).length > 0) {
      if (names.length === 0) {
        out.push({
          message: `rules[${rule.index}] grants ${grantedVerbText(rule, 'bind')} on ${namedText(rule, ['roles', 'clusterroles'])} with no resourceNames: it can bind any role, cluster-admin included, to itself or anyone (given create on rolebindings)`,
          path: verbPath(rule, ['bind']),
        });
      } else if (names.includes('cluster-admin')) {
        out.push({
          message: `rules[${rule.index}] grants ${grantedVerbText(rule, 'bind')} on ${namedText(rule, ['roles', 'clusterroles'])} including "cluster-admin": it can make itself or anyone cluster-admin (given create on bindings)`,
          path: verbPath(rule, ['bind']),
        });
      }
    }
  }

  // impersonate: act as another user, group or ServiceAccount.
  const imp = groupMatches(rule, '') ? firstNamed(rule, cluster ? ['users', 'groups', 'serviceaccounts'] : ['serviceaccounts']) : -1;
  if (imp >= 0 && grantedVerbs(rule, ['impersonate']).length > 0) {
    const masters = names.includes('system:masters');
    if (names.length === 0 || masters) {
      out.push({
        message: masters
          ? `rules[${rule.index}] grants ${grantedVerbText(rule, 'impersonate')} on ${rule.resources[imp]} including "system:masters": it can act as cluster-admin`
          : `rules[${rule.index}] grants ${grantedVerbText(rule, 'impersonate')} on ${rule.resources[imp]} with no resourceNames: it can act as any ${rule.resources[imp].replace(/s$/, '')}${cluster ? '' : ' in its namespace'} and use all of its permissions`,
        path: verbPath(rule, ['impersonate']),
      });
    } else {
      out.push({
        message: `rules[${rule.index}] grants ${grantedVerbText(rule, 'impersonate')} on ${rule.resources[imp]} ${quoteList(names)}: it holds every permission of those identities; check they are not more privileged than this role`,
        path: verbPath(rule, ['impersonate']),
        severity: 'warning',
      });
    }
  }

  // TokenRequest: mint tokens for any ServiceAccount.
  if (groupMatches(rule, '') && names.length === 0) {
    const i = namedResourceIndex(rule, 'serviceaccounts/token');
    if (i >= 0 && grantedVerbs(rule, ['create']).length > 0) {
      out.push({
        message: `rules[${rule.index}] grants ${grantedVerbText(rule, 'create')} on ${rule.resources[i]} with no resourceNames: it can mint a token for any ServiceAccount ${cluster ? 'in every namespace it is bound for' : 'in its namespace'} and act as the most privileged one`,
        path: resourcePath(rule, i),
        ...(cluster ? {} : { severity: 'warning' as const }),
      });
    }
  }
  return out;
}

export default defineCheck({
  id: 'rbac-escalation',
  pillar: 'rbac',
  severity: 'error',
  title: 'Role can escalate its own privileges',
  whatBreaks:
    'Whoever holds this role can give itself more: bind cluster-admin, rewrite a role it is bound to, impersonate a more privileged identity or mint tokens for other ServiceAccounts. Its real power is that of the most privileged identity it can reach.',
  details: `RBAC normally stops a subject from granting permissions it does not hold. These permissions are the documented ways around that check:
- \`escalate\` on \`roles\`/\`clusterroles\` (group \`rbac.authorization.k8s.io\`): edit a role to contain any permission;
- \`bind\` on \`roles\`/\`clusterroles\`: create bindings to roles with permissions it does not hold. Restricting \`bind\` with \`resourceNames\` is the recommended way to delegate binding of specific roles and is not reported, unless the names include \`cluster-admin\`;
- \`impersonate\` on \`users\`, \`groups\`, \`serviceaccounts\` (core group): act as someone else. With \`resourceNames\` it is reported as a warning (its power is that of the named identities), or as an error when they include \`system:masters\`;
- \`create\` on \`serviceaccounts/token\` without \`resourceNames\`: mint tokens for other ServiceAccounts (error on a ClusterRole, warning on a Role).

Users and groups are cluster-scoped, so on a namespaced Role only ServiceAccount impersonation is checked. \`*\` in verbs counts; rules with \`resources: ["*"]\` are reported by rbac-wildcard. RBAC managers (Argo CD, Flux, cluster-bootstrap tooling) need some of these: keep them out of application namespaces and exempt them with a reason.`,
  fix: {
    text: 'Remove escalate, bind and impersonate from application roles; when a controller must bind roles, restrict bind with resourceNames to the roles it hands out.',
    yaml: `rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["rolebindings"]
    verbs: ["create", "delete"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    resourceNames: ["view"]
    verbs: ["bind"]`,
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole'],
  run({ resource }) {
    return roleRules(resource).flatMap((rule) => check(resource, rule));
  },
});
