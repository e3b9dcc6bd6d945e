import { defineCheck, type FindingInput, type RelatedInput, type Severity } from '../types.js';
import { blastRadius, podServiceAccount, RBAC_KINDS, type Risk } from '../../model/rbac.js';

const SEVERITY: Record<Risk['level'], Severity> = { critical: 'error', high: 'warning', medium: 'info' };
const MAX_LISTED = 5;

/** One entry per binding subject and per granting rule, each with its own file:line. */
function relatedOf(risks: Risk[]): RelatedInput[] {
  const out: RelatedInput[] = [];
  const seen = new Set<string>();
  const add = (r: RelatedInput) => {
    const o = r.resource.origin;
    const key = `${o.file}\0${o.doc}\0${o.listIndex ?? ''}\0${r.path.join('.')}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(r);
  };
  for (const risk of risks) {
    for (const v of risk.via) {
      add({ resource: v.binding, path: v.subjectPath, note: `binds ${v.roleKind} "${v.roleName}" to ${v.subject}` });
      if (v.ruleSource && v.rulePath) add({ resource: v.ruleSource, path: v.rulePath, note: `grants: ${risk.summary}` });
    }
  }
  return out;
}

export default defineCheck({
  id: 'workload-rbac-blast-radius',
  pillar: 'rbac',
  severity: 'error',
  title: 'A compromised pod can take over more than its app',
  whatBreaks:
    "Whoever gets code execution in this pod (an RCE, a malicious dependency, a debug endpoint) reads its ServiceAccount token and holds the ServiceAccount's RBAC permissions: with the ones reported here it reads Secrets, runs code in other pods or grants itself more, well beyond the app.",
  details: `Computes the effective permissions of the pod's ServiceAccount from the RoleBindings and ClusterRoleBindings of the input, with Kubernetes RBAC semantics: subjects by ServiceAccount, by the user name \`system:serviceaccount:<ns>:<name>\` and by the groups \`system:serviceaccounts\`, \`system:serviceaccounts:<ns>\` and \`system:authenticated\`; a RoleBinding grants in its namespace only (also when it binds a ClusterRole); a ClusterRoleBinding grants everywhere; aggregated ClusterRoles get the rules of the ClusterRoles their selectors match; \`*\` and \`*/<subresource>\` match as the API server does; \`resourceNames\` narrow a grant to the named objects. Built-in \`cluster-admin\`, \`admin\`, \`edit\` and \`view\` are known when they are not in the input (edit and admin read Secrets, exec into pods, create workloads and mint ServiceAccount tokens in the namespace); other \`system:*\` roles, and roles that are not in the input, count for nothing here (see rbac-binding-role-missing).

Severity follows the worst permission:
- **error** (critical): full control of the cluster (\`*\` on \`*\` in \`*\`); reading every Secret cluster-wide (\`list\`/\`watch\`, or \`get\` by name); exec, attach or debug containers into any pod cluster-wide; creating pods or workloads in any namespace (kube-system included); \`update\`/\`patch\` on pods in any namespace (a running pod's container image may change, and the new image runs with that pod's ServiceAccount token); \`nodes/proxy\` (the kubelet API runs commands in every pod of a node, outside admission and audit); impersonating any user, group, \`system:masters\` or any ServiceAccount cluster-wide; \`escalate\` or \`bind\` cluster-wide together with the create/update that makes them usable; minting tokens for any ServiceAccount cluster-wide; creating and approving API client certificates; writing MutatingWebhookConfigurations;
- **warning** (high): the same within one namespace (a RoleBinding, also one to a ClusterRole); \`nodes/proxy\` on named nodes; approving client certificates without creating them; writing ValidatingWebhookConfigurations; creating PersistentVolumes (hostPath) together with pods; \`get\` alone on \`pods/exec\`/\`pods/attach\` cluster-wide (exec over WebSocket works with \`get\` on API servers before v1.35, KEP-4006). Creating pods or workloads, impersonating or minting tokens for ServiceAccounts in a namespace inherits the strongest ServiceAccount of that namespace found in the input, and is an error when that one is critical;
- **info** (medium): grants restricted by \`resourceNames\` ("can read Secret tls-cert in namespace x", not every Secret; \`patch\` on named pods); \`get\` alone on exec in a namespace; \`escalate\`/\`bind\` without the permission that makes them usable; PersistentVolume creation without pods.

When full control of a scope is granted, the other risks of that scope are not listed; a cluster-wide risk hides the same risk in one namespace.

Silent when the pod holds no API token: \`automountServiceAccountToken: false\` (the pod's field wins over the ServiceAccount's) and no projected \`serviceAccountToken\` volume the API server accepts (one with an \`audience\` other than the API server, e.g. Vault, is not). A namespace-less workload and a binding subject that names no namespace count as together only when they sit in the same folder.

Controllers and operators often need some of this: scope them with RoleBindings per namespace where possible, run them in their own namespace, and exempt them with a reason.`,
  fix: {
    text: 'Bind only what the app uses: a Role in its namespace, resourceNames for the Secrets it reads, no exec, no workload creation; or set automountServiceAccountToken: false when the app does not call the API.',
    yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["web-db-credentials"]
    verbs: ["get"]`,
  },
  uses: RBAC_KINDS,
  target: 'workload',
  run({ workload, index }) {
    const w = workload!;
    const b = blastRadius(index, w);
    if (!b.tokenMounted || b.risks.length === 0) return [];
    const worst = b.risks[0].level;
    // Risks granted through the same bindings are listed together, then their bindings once.
    const groups: { via: string; summaries: string[] }[] = [];
    for (const r of b.risks.slice(0, MAX_LISTED)) {
      const texts = [...new Set(r.via.map((v) => v.text))];
      const via = `${texts.slice(0, 2).join(' and ')}${texts.length > 2 ? ' and more' : ''}`;
      const g = groups.find((x) => x.via === via);
      if (g) g.summaries.push(r.summary);
      else groups.push({ via, summaries: [r.summary] });
    }
    const listed = groups.map((g) => `${g.summaries.join('; ')}, ${g.summaries.length > 1 ? 'all through' : 'through'} ${g.via}`);
    const more = b.risks.length > MAX_LISTED ? `; and ${b.risks.length - MAX_LISTED} more` : '';
    const token = b.automount ? '' : ' (projected token)';
    const unknown = b.unknownBindings.length ? `; ${b.unknownBindings.length} more binding(s) grant roles that are not in the input` : '';
    const finding: FindingInput = {
      message: `if compromised, this pod can act as ServiceAccount "${b.namespace}/${b.serviceAccount}"${token}, which ${listed.join('; ')}${more}${unknown}. ${b.risks[0].impact}`,
      path: podServiceAccount(w).path,
      severity: SEVERITY[worst],
      related: relatedOf(b.risks),
    };
    return [finding];
  },
});
