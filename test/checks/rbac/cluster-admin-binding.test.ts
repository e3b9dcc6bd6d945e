import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/cluster-admin-binding.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('cluster-admin-binding', () => {
  it('fires on a ClusterRoleBinding of cluster-admin to a ServiceAccount, at roleRef.name', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: ci
    namespace: tools
`,
      [{ line: 7, severity: 'error', message: 'ServiceAccount tools/ci' }],
    );
  });

  it('fires on broad groups, and a RoleBinding to a ServiceAccount is a warning in its namespace', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: oops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-admin, namespace: web}
roleRef:
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: web
`,
      [
        { line: 4, object: 'oops', severity: 'error', message: 'every authenticated user' },
        { line: 13, object: 'app-admin', severity: 'warning', message: 'namespace "web"' },
      ],
    );
  });

  it('reports human subjects at info and ignores system:masters, other roles and a Role named cluster-admin', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: Group, name: platform-oncall}
  - {kind: Group, name: system:masters}
`,
      [{ line: 4, severity: 'info', message: 'Group platform-oncall' }],
    );
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: Group, name: system:masters}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: viewers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: web, namespace: web}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: web}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: partial}
roleRef: cluster-admin
subjects: null
`,
    );
  });
});
