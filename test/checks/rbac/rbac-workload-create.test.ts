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

  it('is silent for read-only access, resourceNames, wrong groups and pods/log', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer}
rules:
  - apiGroups: ["", "apps", "batch"]
    resources: ["pods", "deployments", "jobs"]
    verbs: ["get", "list", "watch", "delete"]
  - apiGroups: ["apps"]
    resources: ["deployments"]
    resourceNames: ["web"]
    verbs: ["patch"]
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
