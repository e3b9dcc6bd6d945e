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
        { line: 7, object: 'ci', severity: 'warning', message: '[patch] on deployments, [patch] on statefulsets' },
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
      [{ line: 6, severity: 'info', message: 'rules[0] grants [patch] on deployments [web]: it can rewrite their pod template and run any image as any ServiceAccount of the namespaces it is bound for' }],
    );
  });

  it('update/patch on pods (without create): the holder swaps a running pod\'s image and runs as its ServiceAccount; not for pods/status; create and patch together: one finding', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-patcher}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "patch", "update"]
  - apiGroups: [""]
    resources: ["pods/status"]
    verbs: ["patch", "update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: labeller, namespace: ops}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-pod, namespace: ops}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    resourceNames: ["web-0"]
    verbs: ["update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: both, namespace: ops}
rules:
  - apiGroups: ["", "apps"]
    resources: ["pods", "deployments"]
    verbs: ["create", "patch"]
`,
      [
        { line: 6, object: 'pod-patcher', severity: 'warning', message: 'rules[0] grants [update, patch] on pods: it can replace the image of any running pod in every namespace it is bound for (a pod\'s image is mutable) and run its own code as that pod\'s ServiceAccount, with the Secrets it mounts' },
        { line: 17, object: 'labeller', severity: 'info', message: 'in its namespace (a pod\'s image is mutable)' },
        { line: 25, object: 'one-pod', severity: 'info', message: 'rules[0] grants [update] on pods [web-0]: it can replace the image of those pods' },
        { line: 34, object: 'both', severity: 'info', message: 'rules[0] grants [create] on pods, [create, patch] on deployments: it can run any image as any ServiceAccount in its namespace' },
      ],
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
