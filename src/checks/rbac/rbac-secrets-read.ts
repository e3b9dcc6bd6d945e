import { defineCheck, type FindingInput } from '../types.js';
import { grantedVerbs, grantedVerbsText, groupMatches, namedResourceIndex, resourcePath, roleRules } from './rules.js';

export default defineCheck({
  id: 'rbac-secrets-read',
  pillar: 'rbac',
  severity: 'error',
  title: 'Role can read Secrets',
  whatBreaks:
    'Whoever holds this role reads Secret values: database passwords, TLS keys, cloud credentials and (on older clusters) ServiceAccount tokens that let them act as other apps. list and watch return every Secret with its data, not only names.',
  details: `\`get\`, \`list\` or \`watch\` on \`secrets\` (core group) without \`resourceNames\`. A \`list\` returns full objects, data included, so "list secrets" is "read all secrets". \`get\` alone needs the name, but names are easy to learn from pod specs and Helm release conventions.

Severity: **error** on a ClusterRole (once bound by a ClusterRoleBinding it reads every namespace, including kube-system), **warning** on a Role (one namespace).

Rules restricted with \`resourceNames\` are not reported: that is the least-privilege form (\`list\`/\`watch\` with resourceNames only work with a \`metadata.name\` field selector). Rules that grant \`resources: ["*"]\` are reported by rbac-wildcard. Controllers that really manage Secrets cluster-wide (cert-manager, external-secrets, sealed-secrets) need this: exempt them with a reason.`,
  fix: {
    text: 'Restrict the rule to the Secrets the app uses with resourceNames and drop list/watch, or mount the Secret into the pod instead of reading it through the API.',
    yaml: `rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["web-db-credentials"]
    verbs: ["get"]`,
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole'],
  run({ resource }) {
    const out: FindingInput[] = [];
    const cluster = resource.kind === 'ClusterRole';
    for (const rule of roleRules(resource)) {
      if (rule.resourceNames.length > 0 || !groupMatches(rule, '')) continue;
      const i = namedResourceIndex(rule, 'secrets');
      if (i < 0) continue;
      const verbs = grantedVerbs(rule, ['get', 'list', 'watch']);
      if (verbs.length === 0) continue;
      const scope = cluster ? 'in every namespace it is bound for (all of them with a ClusterRoleBinding)' : 'in its namespace';
      const what = verbs.includes('list') || verbs.includes('watch')
        ? `can list every Secret ${scope} and read its data (list/watch return values, not only names)`
        : `can read any Secret ${scope} whose name it knows`;
      out.push({
        message: `rules[${rule.index}] grants ${grantedVerbsText(rule, verbs)} on secrets with no resourceNames: ${what}`,
        path: resourcePath(rule, i),
        severity: cluster ? 'error' : 'warning',
      });
    }
    return out;
  },
});
