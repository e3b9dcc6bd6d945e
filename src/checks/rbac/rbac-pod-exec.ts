import { defineCheck, type FindingInput } from '../types.js';
import { grantedVerbs, grantedVerbsText, groupMatches, namedResourceIndex, quoteList, resourcePath, roleRules } from './rules.js';

/** Subresources that give a shell or a process's stdio in a running pod, and the verbs that do it. */
const TARGETS: { resource: string; verbs: string[]; does: string; doesNamed: string }[] = [
  { resource: 'pods/exec', verbs: ['create', 'get'], does: 'run any command in any pod', doesNamed: 'run any command in those pods' },
  { resource: 'pods/attach', verbs: ['create', 'get'], does: 'attach to the main process of any pod', doesNamed: 'attach to the main process of those pods' },
  {
    resource: 'pods/ephemeralcontainers',
    verbs: ['update', 'patch'],
    does: 'add a debug container, with an image and command of its choice, to any pod',
    doesNamed: 'add a debug container of its choice to those pods',
  },
];

export default defineCheck({
  id: 'rbac-pod-exec',
  pillar: 'rbac',
  severity: 'warning',
  title: 'Role can exec into pods',
  whatBreaks:
    'Whoever holds this role gets a shell in running pods: it reads their environment, mounted Secrets and ServiceAccount tokens, and acts as each app, bypassing every control placed in front of it.',
  details: `Reported rules: \`create\` (or \`get\`) on \`pods/exec\` or \`pods/attach\`, and \`update\`/\`patch\` on \`pods/ephemeralcontainers\` (\`kubectl debug\`), in the core group, also through \`*/exec\` and \`*/attach\`. API servers before the WebSocket authorization change (v1.35) allow exec over WebSocket with \`get\`, so \`get\` counts too. Note that \`pods/*\` is not a wildcard in RBAC and grants none of these.

A rule restricted by \`resourceNames\` only reaches the named pods: it is reported at info. Rules with \`resources: ["*"]\` are reported by rbac-wildcard.

Break-glass and debugging roles for humans may need exec: bind them to people (ideally through just-in-time access), not to ServiceAccounts, and exempt them with a reason.`,
  fix: {
    text: 'Remove exec/attach from roles held by apps and CI; grant it to humans through a separate, audited role.',
    yaml: `rules:
  - apiGroups: [""]
    resources: ["pods", "pods/log"]
    verbs: ["get", "list", "watch"]`,
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole'],
  run({ resource }) {
    const out: FindingInput[] = [];
    for (const rule of roleRules(resource)) {
      if (!groupMatches(rule, '')) continue;
      for (const t of TARGETS) {
        const i = namedResourceIndex(rule, t.resource);
        if (i < 0) continue;
        const verbs = grantedVerbs(rule, t.verbs);
        if (verbs.length === 0) continue;
        const scope = resource.kind === 'ClusterRole' ? 'in every namespace it is bound for' : 'in its namespace';
        const named = rule.resourceNames.length > 0;
        out.push({
          message: named
            ? `rules[${rule.index}] grants ${grantedVerbsText(rule, verbs)} on ${rule.resources[i]} for resourceNames ${quoteList(rule.resourceNames)} only: can ${t.doesNamed}`
            : `rules[${rule.index}] grants ${grantedVerbsText(rule, verbs)} on ${rule.resources[i]}: can ${t.does} ${scope}, reading its Secrets and token`,
          path: resourcePath(rule, i),
          ...(named ? { severity: 'info' as const } : {}),
        });
      }
    }
    return out;
  },
});
