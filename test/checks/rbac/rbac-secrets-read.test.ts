import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/rbac-secrets-read.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-secrets-read', () => {
  it('is an error on a ClusterRole that lists secrets, pointing at "secrets"', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources:
      - configmaps
      - secrets
    verbs: ["get", "list", "watch"]
`,
      [{ line: 8, severity: 'error', message: 'can list every Secret' }],
    );
  });

  it('is a warning on a Role, also through verbs "*" and apiGroups "*"; get-only says so', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: web}
rules:
  - apiGroups: ["*"]
    resources: ["secrets"]
    verbs: ["*"]
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get"]
`,
      [
        { line: 6, severity: 'warning', message: '[get, list, watch]' },
        { line: 9, severity: 'warning', message: 'whose name it knows' },
      ],
    );
  });

  it('is silent for resourceNames, write-only verbs, other groups, resources "*" and aggregated roles', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: web}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["web-db"]
    verbs: ["get", "watch"]
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["create"]
  - apiGroups: ["example.com"]
    resources: ["secrets"]
    verbs: ["list"]
  - apiGroups: [""]
    resources: ["*"]
    verbs: ["list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {x: "y"}}]
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["list"]
`,
    );
  });
});

describe('rbac-secrets-read: how a wildcard rule is quoted', () => {
  it('says verbs "*" as the rule writes it, then what that includes', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules:
  - apiGroups: [""]
    resources: [configmaps, secrets]
    verbs: ["*"]
`,
      [{ line: 6, message: 'rules[0] grants verbs "*" (so [get, list, watch]) on secrets with no resourceNames' }],
    );
  });
});
