import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/rbac-rejected.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-rejected', () => {
  it('rules: no verbs, no apiGroups or resources, URLs in a Role, URLs mixed with resources', () => {
    const found = expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
  - apiGroups: [""]
    resources: [pods]
  - verbs: [get]
  - nonResourceURLs: [/healthz]
    verbs: [get]
    resources: [pods]
`,
      [
        { line: 5, message: 'rule 1 has no verbs: kubectl apply, server-side apply and helm install reject the Role (rules[0].verbs: Required value)' },
        { line: 7, message: /^rule 2 has no apiGroups: .*\(rules\[1\]\.apiGroups: Required value: resource rules must supply at least one api group\)$/ },
        { line: 7, message: /\(rules\[1\]\.resources: Required value: resource rules must supply at least one resource\)$/ },
        { line: 8, message: /\(rules\[2\]\.nonResourceURLs: Invalid value: \["\/healthz"\]: namespaced rules cannot apply to non-resource URLs\)$/ },
        { line: 8, message: /\(rules\[2\]\.nonResourceURLs: Invalid value: \["\/healthz"\]: rules cannot apply to both regular resources and non-resource URLs\)$/ },
      ],
    );
    assert.match(found[1].fix!, /apiGroups: \[""\] for the core group/);
  });

  it('bindings: a versioned apiGroup, a lower-case kind, a ServiceAccount written ns:name, a ClusterRoleBinding subject without a namespace', () => {
    const found = expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef:
  apiGroup: rbac.authorization.k8s.io/v1
  kind: clusterrole
  name: prometheus
subjects:
  - kind: ServiceAccount
    name: monitoring:prometheus
  - kind: serviceAccount
    name: grafana
    namespace: monitoring
`,
      [
        { line: 5, message: /^roleRef\.apiGroup is "rbac\.authorization\.k8s\.io\/v1" \(a group with a version\): .*\(roleRef\.apiGroup: Unsupported value: "rbac\.authorization\.k8s\.io\/v1": supported values: "rbac\.authorization\.k8s\.io"\)$/ },
        { line: 6, message: /\(roleRef\.kind: Unsupported value: "clusterrole": supported values: "ClusterRole"\)$/ },
        { line: 9, message: /^ServiceAccount subject "monitoring:prometheus" has no namespace, which a ClusterRoleBinding needs .*\(subjects\[0\]\.namespace: Required value\)$/ },
        { line: 10, message: /^ServiceAccount subject "monitoring:prometheus" is not a ServiceAccount name: .*\(subjects\[0\]\.name: Invalid value: "monitoring:prometheus": a lowercase RFC 1123 subdomain/ },
        { line: 11, message: /\(subjects\[1\]\.kind: Unsupported value: "serviceAccount": supported values: "ServiceAccount", "User", "Group"\)$/ },
      ],
    );
    assert.match(found[1].fix!, /Write roleRef\.kind: ClusterRole/);
    assert.match(found[3].fix!, /its namespace goes in subjects\[0\]\.namespace/);
    assert.match(found[4].fix!, /Write subjects\[1\]\.kind: ServiceAccount/);
  });

  it('defaults the API server applies are not errors: no roleRef.apiGroup, User and Group subjects without apiGroup', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: view, namespace: shop}
roleRef: {kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: web}
  - {kind: User, name: alice@example.com}
  - {kind: Group, name: "system:serviceaccounts:shop"}
  - {kind: ServiceAccount, name: web, apiGroup: ""}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:shop:metrics"}
rules:
  - nonResourceURLs: [/metrics]
    verbs: [get]
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`,
    );
  });

  it('a ClusterRoleBinding naming a Role is left to rbac-binding-role-missing; templates and other versions are not read', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b}
roleRef: {apiGroup: "{{ .Values.group }}", kind: ClusterRole, name: view}
subjects: [{kind: "{{ .Values.kind }}", name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: Role
metadata: {name: c}
rules: [{verbs: [get]}]
`,
    );
  });

  it('names with a slash or percent, an aggregationRule without selectors', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "team/50%"}
aggregationRule: {clusterRoleSelectors: []}
`,
      [
        { line: 3, message: /\(metadata\.name: Invalid value: "team\/50%": may not contain '\/'; metadata\.name: Invalid value: "team\/50%": may not contain '%'\)$/ },
        { line: 4, message: /\(aggregationRule\.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil\)$/ },
      ],
    );
  });
});
