import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/rbac-workload-create.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-workload-create', () => {
  it('warns on a ClusterRole that creates pods or patches Deployments; info on a Role', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ci}
rules:
  - apiGroups: ["apps"]
    resources:
      - deployments
      - statefulsets
    verbs: ["get", "patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: runner, namespace: ci}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["create", "delete"]
`,
      [
        { line: 7, object: 'ci', severity: 'warning', message: '[patch] deployments, [patch] statefulsets' },
        { line: 16, object: 'runner', severity: 'info', message: 'any ServiceAccount in its namespace' },
      ],
    );
  });

  it('a rule limited by resourceNames grants no create, but patch of the named Deployment rewrites its pod template: info', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: web-deployer}
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    resourceNames: ["web"]
    verbs: ["create", "patch"]
  - apiGroups: [""]
    resources: ["pods"]
    resourceNames: ["web-0"]
    verbs: ["create"]
`,
      [{ line: 6, severity: 'info', message: 'rules[0] grants [patch] deployments [web]: it can rewrite their pod template and run any image as any ServiceAccount of the namespaces it is bound for' }],
    );
  });

  it('is silent for read-only access, wrong groups and pods/log', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer}
rules:
  - apiGroups: ["", "apps", "batch"]
    resources: ["pods", "deployments", "jobs"]
    verbs: ["get", "list", "watch", "delete"]
  - apiGroups: ["example.com"]
    resources: ["deployments"]
    verbs: ["create"]
  - apiGroups: [""]
    resources: ["pods/log", "pods/eviction"]
    verbs: ["create"]
`,
    );
  });
});
