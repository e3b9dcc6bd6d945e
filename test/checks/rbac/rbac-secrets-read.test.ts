import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/rbac-secrets-read.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const READER = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources:
      - configmaps
      - secrets
    verbs: ["get", "list", "watch"]
`;
const binding = (kind: 'ClusterRoleBinding' | 'RoleBinding', ns?: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: read-${ns ?? 'all'}${ns ? `, namespace: ${ns}` : ''}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: app, namespace: ${ns ?? 'shop'}}]
`;

describe('rbac-secrets-read', () => {
  it('is an error on a ClusterRole that a ClusterRoleBinding binds, pointing at "secrets" and naming the binding', () => {
    const [f] = expectFindings(check, READER + binding('ClusterRoleBinding'), [
      { line: 8, severity: 'error', message: 'can list every Secret in every namespace (ClusterRoleBinding "read-all" binds it) and read its data' },
    ]);
    assert.deepEqual(f.related.map((r) => `${r.object.kind}/${r.object.name} ${r.field}`), ['ClusterRoleBinding/read-all roleRef.name']);
  });

  it('a ClusterRole folded into a wider role by aggregation is an error too (an aggregate-to label, or an aggregating ClusterRole of the input)', () => {
    const labelled = READER.replace('metadata: {name: reader}', 'metadata: {name: reader, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}');
    expectFindings(check, labelled, [{ severity: 'error', message: 'wherever ClusterRole "edit" is bound (its labels aggregate it there)' }]);
    const agg = READER.replace('metadata: {name: reader}', 'metadata: {name: reader, labels: {team.example.com/aggregate: "ops"}}') +
      '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ops}\naggregationRule:\n  clusterRoleSelectors: [{matchExpressions: [{key: team.example.com/aggregate, operator: In, values: [ops]}]}]\nrules: []\n';
    expectFindings(check, agg, [{ severity: 'error', message: 'wherever ClusterRole "ops" is bound' }]);
  });

  it('is a warning on a ClusterRole that only RoleBindings bind (naming their namespaces) or that nothing in the input binds', () => {
    expectFindings(check, READER + binding('RoleBinding', 'shop') + binding('RoleBinding', 'billing'), [
      { severity: 'warning', message: 'can list every Secret in namespaces "billing", "shop" (bound there by RoleBindings only; a ClusterRoleBinding would make it every namespace)' },
    ]);
    expectFindings(check, READER, [{ line: 8, severity: 'warning', message: 'in every namespace it is bound for (nothing in the input binds it; a ClusterRoleBinding would make it all of them)' }]);
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
