import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/rbac-anonymous-binding.js';
import clusterAdminBinding from '../../../src/checks/rbac/cluster-admin-binding.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleKind: string, role: string, subjects: string, ns = 'shop') => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: ${name}${kind === 'RoleBinding' ? `\n  namespace: ${ns}` : ''}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ${roleKind}
  name: "${role}"
subjects:
${subjects}`;

const unauthenticated = `  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: system:unauthenticated
`;
const anonymous = `  - apiGroup: rbac.authorization.k8s.io
    kind: User
    name: system:anonymous
`;
const authenticated = `  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: system:authenticated
`;

describe('rbac-anonymous-binding', () => {
  it('fires on a ClusterRole bound to system:unauthenticated, naming the risky rules and pointing at them', () => {
    const found = expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: status-reader}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["get", "list"]
---
${binding('ClusterRoleBinding', 'public-status', 'ClusterRole', 'status-reader', unauthenticated)}`,
      [{ line: 20, severity: 'error', message: 'subjects[0] binds Group system:unauthenticated to ClusterRole "status-reader" cluster-wide: anyone who can reach the API server, with no credentials, holds this role; it can read every Secret cluster-wide' }],
    );
    assert.deepEqual(
      found[0].related.map((r) => [r.object.name, r.location.line]),
      [['status-reader', 5]],
    );
  });

  it('fires on any role bound to system:anonymous, even one with no risky rule, and says where it applies', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: flags, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
---
${binding('RoleBinding', 'anon-flags', 'Role', 'flags', anonymous)}`,
      [{ line: 21, severity: 'error', message: 'binds User system:anonymous to Role "flags" in namespace shop: anyone who can reach the API server, with no credentials, holds this role; it grants [get] on [configmaps]' }],
    );
  });

  it('fires on anonymous bindings to roles that are not in the input, and to redefined built-ins that grant more', () => {
    expectFindings(
      check,
      `${binding('ClusterRoleBinding', 'anon-metrics', 'ClusterRole', 'metrics-reader', anonymous)}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:public-info-viewer"}
rules:
  - nonResourceURLs: ["/healthz", "/version"]
    verbs: ["get"]
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
---
${binding('ClusterRoleBinding', 'public-info', 'ClusterRole', 'system:public-info-viewer', unauthenticated)}`,
      [
        { line: 12, severity: 'error', message: 'ClusterRole "metrics-reader" cluster-wide: anyone who can reach the API server, with no credentials, holds this role; what it grants is not known here (ClusterRole "metrics-reader" is not in the input)' },
        { line: 35, severity: 'error', message: 'it can exec into any pod cluster-wide' },
      ],
    );
  });

  it('warns on a risky role bound to system:authenticated, in the binding namespace only for a RoleBinding', () => {
    expectFindings(
      check,
      `${binding('RoleBinding', 'everyone-edits', 'ClusterRole', 'edit', authenticated)}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer}
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "create", "patch"]
---
${binding('ClusterRoleBinding', 'everyone-deploys', 'ClusterRole', 'deployer', `  - kind: ServiceAccount
    name: ci
    namespace: ci
${authenticated}`)}`,
      [
        { line: 13, severity: 'warning', message: 'subjects[0] binds Group system:authenticated to ClusterRole "edit" (built-in) in namespace shop: every user and every ServiceAccount of the cluster holds it, so any pod\'s stolen token can read every Secret in namespace shop' },
        { line: 37, severity: 'warning', message: 'subjects[1] binds Group system:authenticated to ClusterRole "deployer" cluster-wide: every user and every ServiceAccount of the cluster holds it, so any pod\'s stolen token can create/patch deployments in any namespace' },
      ],
    );
  });

  it('reports a binding to both anonymous and authenticated subjects once, as an error', () => {
    expectFindings(
      check,
      binding('RoleBinding', 'all', 'ClusterRole', 'admin', `${authenticated}${unauthenticated}`),
      [{ line: 16, severity: 'error', message: 'subjects[1] binds Group system:unauthenticated to ClusterRole "admin" (built-in) in namespace shop' }],
    );
  });

  it('leaves cluster-admin to cluster-admin-binding, which reports it', () => {
    const yaml = `${binding('ClusterRoleBinding', 'oops', 'ClusterRole', 'cluster-admin', `${anonymous}${authenticated}`)}---
${binding('RoleBinding', 'oops-ns', 'ClusterRole', 'cluster-admin', unauthenticated)}`;
    expectNone(check, yaml);
    const other = runCheck(clusterAdminBinding, yaml);
    assert.equal(other.length, 2);
    assert.ok(other.every((f) => f.severity === 'error'));
  });

  it('is silent for the built-in roles meant for anonymous users and kube-public Roles', () => {
    expectNone(
      check,
      `${binding('ClusterRoleBinding', 'a', 'ClusterRole', 'system:public-info-viewer', `${authenticated}${unauthenticated}`)}---
${binding('ClusterRoleBinding', 'b', 'ClusterRole', 'system:service-account-issuer-discovery', unauthenticated)}---
${binding('ClusterRoleBinding', 'c', 'ClusterRole', 'system:discovery', unauthenticated)}---
${binding('ClusterRoleBinding', 'd', 'ClusterRole', 'system:basic-user', `${anonymous}${unauthenticated}`)}---
${binding('RoleBinding', 'kubeadm:bootstrap-signer-clusterinfo', 'Role', 'kubeadm:bootstrap-signer-clusterinfo', anonymous, 'kube-public')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: "kubeadm:bootstrap-signer-clusterinfo", namespace: kube-public}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames: ["cluster-info"]
    verbs: ["get"]
`,
    );
  });

  it('is silent for system:authenticated bound to read-only, unknown or empty roles, and for other subjects', () => {
    expectNone(
      check,
      `${binding('ClusterRoleBinding', 'a', 'ClusterRole', 'view', authenticated)}---
${binding('ClusterRoleBinding', 'b', 'ClusterRole', 'system:basic-user', authenticated)}---
${binding('RoleBinding', 'c', 'Role', 'public-config', authenticated)}---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: public-config, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list", "watch"]
---
${binding('ClusterRoleBinding', 'd', 'ClusterRole', 'not-in-input', authenticated)}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: empty}
rules: []
---
${binding('ClusterRoleBinding', 'e', 'ClusterRole', 'empty', anonymous)}---
${binding('ClusterRoleBinding', 'f', 'ClusterRole', 'edit', `  - kind: Group
    name: system:serviceaccounts
  - kind: User
    name: alice
  - kind: ServiceAccount
    name: system:anonymous
    namespace: shop
`)}`,
    );
  });

  it('skips templated subjects and roleRefs, and survives odd shapes', () => {
    expectNone(
      check,
      `${binding('ClusterRoleBinding', 'a', 'ClusterRole', '{{ .Values.role }}', unauthenticated)}---
${binding('ClusterRoleBinding', 'b', 'ClusterRole', 'edit', `  - kind: Group
    name: "{{ .Values.group }}"
`)}---
${binding('ClusterRoleBinding', 'c', 'ClusterRole', '\${ROLE}', anonymous)}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: d}
roleRef: edit
subjects: system:anonymous
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: e}
roleRef: {kind: Role, name: r}
subjects: [null, "system:anonymous", {kind: User, name: system:anonymous}]
`,
    );
  });
});
