import { defineCheck, type FindingInput } from '../types.js';
import { getArray, getString, isObject } from '../../model/util.js';

/** Groups that contain machine identities or everyone. */
function broadGroup(name: string): string | null {
  if (name === 'system:serviceaccounts') return 'every ServiceAccount in the cluster';
  if (name.startsWith('system:serviceaccounts:')) return `every ServiceAccount in namespace "${name.slice('system:serviceaccounts:'.length)}"`;
  if (name === 'system:authenticated') return 'every authenticated user and ServiceAccount';
  if (name === 'system:unauthenticated') return 'anonymous (unauthenticated) requests';
  return null;
}

export default defineCheck({
  id: 'cluster-admin-binding',
  pillar: 'rbac',
  severity: 'error',
  title: 'cluster-admin bound to a ServiceAccount or a broad group',
  whatBreaks:
    'Every pod that runs as this ServiceAccount (or every member of the group) holds cluster-admin: one compromised app, or one stolen token, owns the whole cluster: every Secret, every node, every namespace.',
  details: `\`cluster-admin\` allows every verb on every resource. Reported subjects:
- ServiceAccounts: their token is mounted into pods by default and can be stolen from any of them;
- the groups \`system:serviceaccounts\`, \`system:serviceaccounts:<namespace>\`, \`system:authenticated\`, \`system:unauthenticated\`, and the user \`system:anonymous\`.

Through a ClusterRoleBinding this is cluster-wide (error). Through a RoleBinding the permissions stop at the binding's namespace, which is still full control of it, Secrets and RBAC included (warning; error for the broad groups).

Human users and groups bound to cluster-admin are reported at info: fine for a small, audited break-glass group, but prefer narrower roles and just-in-time access. The built-in binding to \`system:masters\` is not reported. Installers and GitOps controllers that manage CRDs and RBAC cluster-wide may need near-admin rights: build a ClusterRole with what they use, or exempt them with a reason.`,
  fix: {
    text: 'Bind a ClusterRole or Role that lists only what the subject uses; keep cluster-admin for a small human break-glass group.',
    yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-reader
  namespace: web
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: web
    namespace: web`,
  },
  target: 'object',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  run({ resource, index }) {
    const obj = resource.object;
    if (getString(obj, ['roleRef', 'kind']) !== 'ClusterRole' || getString(obj, ['roleRef', 'name']) !== 'cluster-admin') return [];
    const cluster = resource.kind === 'ClusterRoleBinding';
    const bindingNs = cluster ? undefined : index.namespaceOf(resource);
    const risky: string[] = [];
    let broad = false;
    const humans: string[] = [];
    for (const s of getArray(obj, ['subjects'])) {
      if (!isObject(s)) continue;
      const kind = getString(s, ['kind']);
      const name = getString(s, ['name']);
      if (!kind || !name) continue;
      if (kind === 'ServiceAccount') {
        const ns = getString(s, ['namespace']) || bindingNs;
        risky.push(`ServiceAccount ${ns ? `${ns}/` : ''}${name}`);
      } else if (kind === 'Group' && broadGroup(name)) {
        risky.push(`Group ${name} (${broadGroup(name)})`);
        broad = true;
      } else if (kind === 'User' && name === 'system:anonymous') {
        risky.push('User system:anonymous (anonymous requests)');
        broad = true;
      } else if ((kind === 'User' || kind === 'Group') && name !== 'system:masters') {
        humans.push(`${kind} ${name}`);
      }
    }
    const out: FindingInput[] = [];
    const where = cluster ? 'on the whole cluster' : `on namespace "${bindingNs}" (every Secret, workload and RoleBinding in it)`;
    const path = ['roleRef', 'name'];
    if (risky.length > 0) {
      out.push({
        message: `roleRef cluster-admin is bound to ${risky.join(', ')}: full control ${where}; ${broad ? 'every member holds it' : 'any pod running as it, or anyone with its token, holds it'}`,
        path,
        ...(!cluster && !broad ? { severity: 'warning' as const } : {}),
      });
    }
    if (humans.length > 0) {
      out.push({
        message: `roleRef cluster-admin is bound to ${humans.join(', ')}: full control ${where}; fine for a small audited admin group, otherwise bind a narrower role`,
        path,
        severity: 'info',
      });
    }
    return out;
  },
});
