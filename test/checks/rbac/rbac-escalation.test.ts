import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/rbac-escalation.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-escalation', () => {
  it('fires on escalate, bind without resourceNames and impersonate, at the verb', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: rbac-manager}
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs:
      - get
      - escalate
      - bind
  - apiGroups: [""]
    resources: ["users", "groups"]
    verbs:
      - impersonate
`,
      [
        { line: 9, severity: 'error', message: 'escalate' },
        { line: 10, severity: 'error', message: 'cluster-admin included' },
        { line: 14, severity: 'error', message: 'act as any user' },
      ],
    );
  });

  it('names every role resource the rule covers, not just the first', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: rbac-manager}
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles", "roles"]
    verbs: ["escalate", "bind"]
`,
      [
        { line: 7, message: 'rules[0] grants escalate on clusterroles and roles: with update/patch it can write any permission into a role' },
        { line: 7, message: 'rules[0] grants bind on clusterroles and roles with no resourceNames' },
      ],
    );
  });

  it('grades impersonation and bind limited by resourceNames; flags TokenRequest', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: delegate}
rules:
  - apiGroups: [""]
    resources: ["serviceaccounts"]
    resourceNames: ["builder"]
    verbs: ["impersonate"]
  - apiGroups: [""]
    resources: ["groups"]
    resourceNames: ["system:masters"]
    verbs: ["impersonate"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    resourceNames: ["cluster-admin"]
    verbs: ["bind"]
  - apiGroups: [""]
    resources: ["serviceaccounts/token"]
    verbs: ["create"]
`,
      [
        { line: 8, severity: 'warning', message: 'builder' },
        { line: 12, severity: 'error', message: 'system:masters' },
        { line: 16, severity: 'error', message: 'cluster-admin' },
        { line: 18, severity: 'error', message: 'mint a token' },
      ],
    );
  });

  it('is silent for bind limited to non-admin roles, user impersonation in a Role, and read-only RBAC access', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: delegate, namespace: team}
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    resourceNames: ["view", "edit"]
    verbs: ["bind"]
  - apiGroups: [""]
    resources: ["users"]
    verbs: ["impersonate"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["roles", "rolebindings"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["serviceaccounts/token"]
    resourceNames: ["vault-auth"]
    verbs: ["create"]
`,
    );
  });
});
