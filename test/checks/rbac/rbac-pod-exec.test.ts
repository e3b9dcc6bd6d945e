import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/rbac-pod-exec.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-pod-exec', () => {
  it('fires on create pods/exec, */attach and ephemeral containers', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debug, namespace: web}
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/exec"]
    verbs: ["get", "create"]
  - apiGroups: [""]
    resources:
      - "*/attach"
    verbs: ["create"]
  - apiGroups: [""]
    resources:
      - pods/ephemeralcontainers
    verbs: ["patch"]
`,
      [
        { line: 6, severity: 'warning', message: 'run any command in any pod' },
        { line: 10, message: 'attach' },
        { line: 14, message: 'debug container' },
      ],
    );
  });

  it('is info when resourceNames limit it to named pods', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debug}
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    resourceNames: ["db-0"]
    verbs: ["create"]
`,
      [{ line: 6, severity: 'info', message: 'db-0' }],
    );
  });

  it('is silent for pods/* (not an RBAC wildcard), pods/log, list-only and other groups', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer}
rules:
  - apiGroups: [""]
    resources: ["pods/*", "pods/log"]
    verbs: ["create", "get"]
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["list", "watch"]
  - apiGroups: ["apps"]
    resources: ["pods/exec"]
    verbs: ["create"]
`,
    );
  });
});
