import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/rbac-binding-role-missing.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-binding-role-missing', () => {
  it('is an error when a RoleBinding names kind Role but only a ClusterRole of that name exists (also the built-in view)', () => {
    const found = expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read, namespace: shop}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: pod-reader
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewer, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: view}
subjects: [{kind: ServiceAccount, name: web}]
`,
      [
        { line: 11, severity: 'error', object: 'read', message: 'roleRef Role "pod-reader": kind: Role is looked up as a Role in namespace shop, and only ClusterRole "pod-reader" exists, so this binding grants nothing (the API accepts it)' },
        { line: 18, severity: 'error', object: 'viewer', message: 'only the built-in ClusterRole "view" exists' },
      ],
    );
    assert.deepEqual(found[0].related.map((r) => `${r.object.kind}/${r.object.name}:${r.location.line}`), ['ClusterRole/pod-reader:1']);
  });

  it('is an error when a RoleBinding names kind ClusterRole that exists only as a Role of its namespace', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: shop}
rules: [{apiGroups: [""], resources: ["configmaps"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: shop}
roleRef:
  kind: ClusterRole
  name: app
subjects: [{kind: ServiceAccount, name: app}]
`,
      [{ line: 10, severity: 'error', message: 'no ClusterRole "app" exists; Role "app" in namespace shop does, but it needs roleRef kind: Role' }],
    );
  });

  it('is an error for a ClusterRoleBinding naming a Role', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: oops}
roleRef:
  kind: Role
  name: app
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
`,
      [{ line: 5, severity: 'error', message: 'a ClusterRoleBinding can only reference a ClusterRole' }],
    );
  });

  it('a role in the input under neither kind is an unknown warning, failing only with --complete', () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: shop}
roleRef:
  kind: Role
  name: lives-elsewhere
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: global}
roleRef:
  kind: ClusterRole
  name: app
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: shop}
rules: []
`;
    const found = expectFindings(check, yaml, [
      { line: 6, severity: 'warning', message: 'roleRef names Role "lives-elsewhere" in namespace shop, which is not in the input' },
      { line: 14, severity: 'warning', message: 'ClusterRole "app", which is not in the input (a Role "app" exists in namespace shop, but a ClusterRoleBinding cannot grant a Role)' },
    ]);
    assert.equal(found[0].unknown, 'no Role "lives-elsewhere" in namespace shop in the input');
    const loaded = loadText(yaml, 'test.yaml', loadPlan([check]));
    const complete = audit({ resources: loaded.resources }, { checks: [check], complete: true });
    const fs = complete.verdicts.flatMap((v) => v.findings);
    assert.equal(fs.length, 2);
    assert.ok(fs.every((f) => f.unknown === null));
    assert.equal(complete.verdicts.find((v) => v.object.name === 'app' && v.object.kind === 'RoleBinding')?.ready, true, 'a warning does not fail the verdict');
  });

  it('is silent for existing roles, built-in ClusterRoles and kube-system Roles, system roles, templated names, aggregated roles', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: shop}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: shop}
roleRef: {kind: Role, name: app}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: edit, namespace: shop}
roleRef: {kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: delegator}
roleRef: {kind: ClusterRole, name: "system:auth-delegator"}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: auth-reader, namespace: kube-system}
roleRef: {kind: Role, name: extension-apiserver-authentication-reader}
subjects: [{kind: ServiceAccount, name: adapter, namespace: monitoring}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: templated}
roleRef: {kind: ClusterRole, name: "{{ .Release.Name }}-role"}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {x: "y"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agg}
roleRef: {kind: ClusterRole, name: agg}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
`,
    );
  });
});
