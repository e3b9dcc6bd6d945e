import { defineCheck, type FindingInput } from '../types.js';
import { rbacGraph } from '../../model/rbac.js';
import { sourceWhere } from '../../model/index.js';

export default defineCheck({
  id: 'rbac-binding-role-missing',
  pillar: 'rbac',
  severity: 'error',
  title: 'Binding references a role that does not exist',
  whatBreaks:
    'The binding grants nothing: the ServiceAccounts and users it names get "forbidden" on every call it was meant to allow, so controllers fail to list or update what they manage. The API server accepts such a binding without a warning.',
  details: `A RoleBinding's \`roleRef\` names a Role in the binding's own namespace (\`kind: Role\`) or a ClusterRole (\`kind: ClusterRole\`); a ClusterRoleBinding can only name a ClusterRole. The API server does not check that the role exists, and \`roleRef\` cannot be changed after creation.

Reported:
- **error**: the role exists in the input only under the other kind (a RoleBinding naming \`kind: Role\` "x" when "x" is a ClusterRole, including the built-in \`view\`, \`edit\`, \`admin\`; or naming \`kind: ClusterRole\` "x" when "x" is a Role of its namespace): the binding grants nothing unless a role of the named kind is also created elsewhere, which the same name under the other kind in the input makes unlikely; set \`roleRef.kind\` right (roleRef is immutable: delete and recreate the binding);
- **error**: a ClusterRoleBinding whose \`roleRef.kind\` is \`Role\` (the API server rejects it);
- **warning**, shown as unknown unless the input is declared complete (\`--complete\`): the role is in the input under neither kind; it may be created by another repository or an operator. For a ClusterRoleBinding naming a missing ClusterRole while a Role of that name exists, the message says so.

Not reported: built-in ClusterRoles (\`cluster-admin\`, \`admin\`, \`edit\`, \`view\`, \`system:*\`), templated names, and a Role of that name present in the namespace but in another folder of the input.`,
  fix: {
    text: 'Point roleRef at the role that exists, with the right kind (roleRef is immutable: delete and recreate the binding), or add the missing Role/ClusterRole.',
    yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-view
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole   # "view" is a ClusterRole, not a Role
  name: view
subjects:
  - kind: ServiceAccount
    name: web
    namespace: shop`,
  },
  target: 'object',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  // The roleRef lookup needs only the names and namespaces of Roles and ClusterRoles (kept for
  // every object), so no `uses` entry is needed.
  run({ resource, index }) {
    const res = rbacGraph(index).resolveRoleRef(resource);
    const out: FindingInput[] = [];
    if (res.status === 'invalid' && resource.kind === 'ClusterRoleBinding' && res.kind === 'Role') {
      out.push({
        message: `roleRef kind is Role ("${res.name}"), but a ClusterRoleBinding can only reference a ClusterRole: the API server rejects it, so nothing is bound`,
        path: ['roleRef', 'kind'],
      });
      return out;
    }
    if (res.status !== 'missing') return out;
    const ns = resource.kind === 'RoleBinding' ? index.namespaceOf(resource) : null;
    const other = res.otherKind;
    // A ClusterRoleBinding naming a ClusterRole that is missing, while some namespace has a Role of
    // that name: maybe a mix-up, maybe unrelated; only a hint on the unknown finding below.
    if (other && resource.kind === 'RoleBinding') {
      const what = other.builtin ? `the built-in ClusterRole "${res.name}"` : other.resource ? `${other.kind} "${res.name}"${other.kind === 'Role' ? ` in namespace ${index.namespaceOf(other.resource)}` : ''}` : `${other.kind} "${res.name}"`;
      const because =
        res.kind === 'Role'
          ? `kind: Role is looked up as a Role in namespace ${ns}, and only ${what} exists`
          : `no ClusterRole "${res.name}" exists; ${what} does, but it needs roleRef kind: Role`;
      out.push({
        message: `roleRef ${res.kind} "${res.name}": ${because}, so this binding grants nothing (the API accepts it)`,
        path: ['roleRef', 'kind'],
        ...(other.resource ? { related: [{ resource: other.resource, path: [], note: `the ${other.kind} named "${res.name}"` }] } : {}),
      });
      return out;
    }
    const where = res.kind === 'Role' ? `Role "${res.name}" in namespace ${ns}` : `ClusterRole "${res.name}"`;
    const hint = other?.resource ? ` (a Role "${res.name}" exists in namespace ${index.namespaceOf(other.resource)}, but a ClusterRoleBinding cannot grant a Role)` : '';
    out.push({
      message: `roleRef names ${where}, which is not in the input${hint}: unless it is created elsewhere, this binding grants nothing and its subjects get "forbidden"`,
      path: ['roleRef', 'name'],
      severity: 'warning',
      unknown: `no ${where} in the input`,
      // A ClusterRole is cluster-scoped: only a complete input (--complete) says it does not exist.
      ...(res.kind === 'Role' ? { unknownIn: ns } : { unknownIn: null }),
      knownMessage: `roleRef names ${where}, which is not ${sourceWhere(index)}${hint}: this binding grants nothing and its subjects get "forbidden"`,
    });
    return out;
  },
});
