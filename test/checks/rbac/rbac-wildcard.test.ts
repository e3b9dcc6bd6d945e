import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/rbac-wildcard.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-wildcard', () => {
  it('reports * on * in * as an error, at the verbs entry', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: god}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs:
      - "*"
`,
      [{ line: 8, severity: 'error', message: 'cluster-admin equivalent' }],
    );
  });

  it('says a namespaced Role with * on * owns the namespace', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: owner, namespace: web}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`,
      [{ line: 7, severity: 'error', message: 'full control of the namespace' }],
    );
  });

  it('warns on * in verbs or resources and says what it includes', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources:
      - "*"
    verbs: ["get", "list", "watch"]
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs:
      - "*"
  - apiGroups: ["*"]
    resources: ["ingresses"]
    verbs: ["get"]
`,
      [
        { line: 7, severity: 'warning', message: 'reading every Secret' },
        { line: 12, severity: 'warning', message: 'every verb, including delete' },
        { line: 13, severity: 'info', message: 'apiGroups is "*"' },
      ],
    );
  });

  it('the metrics APIs serve only get, list and watch: "*" there is info; a rule that adds another group is not', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: adapter}
rules:
  - apiGroups: ["custom.metrics.k8s.io", "external.metrics.k8s.io"]
    resources: ["*"]
    verbs: ["*"]
  - apiGroups: ["metrics.k8s.io", "apps"]
    resources: ["*"]
    verbs: ["get"]
`,
      [
        { line: 6, severity: 'info', message: 'rules[0] verbs and resources are "*" in [custom.metrics.k8s.io, external.metrics.k8s.io], metrics APIs that serve only get, list and watch: in effect read access to metrics' },
        // Not the metrics-only reading: "apps" is another group; still reads only, outside the core group.
        { line: 9, severity: 'info', message: 'rules[1] resources is "*" in [metrics.k8s.io, apps] with read verbs only ([get])' },
      ],
    );
  });

  it('"*" verbs on status subresources only is info (they serve get, update and patch); with the resource itself it warns', () => {
    const role = (resources: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: istiod}
rules:
  - apiGroups: [networking.k8s.io]
    resources: ${resources}
    verbs: ["*"]
`;
    expectFindings(check, role('[ingresses/status]'), [
      { line: 7, severity: 'info', message: 'rules[0] verbs is "*" on status subresources [ingresses/status], which serve only get, update and patch: in effect those verbs' },
    ]);
    expectFindings(check, role('[ingresses, ingresses/status]'), [{ line: 7, severity: 'warning' }]);
    expectFindings(check, role('["*/status"]'), [{ line: 7, severity: 'warning' }]);
  });

  it('skips resourceNames-restricted rules, nonResourceURLs, aggregated ClusterRoles and odd shapes', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: lock}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames: ["leader-lock"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: metrics}
rules:
  - nonResourceURLs: ["*"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: broken}
rules: null
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: weird}
rules:
  - "not a rule"
  - verbs: "*"
    resources: {a: b}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: fine}
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch", "patch"]
`,
    );
  });
});

describe('rbac-wildcard: read-only "*" resources in named groups', () => {
  const role = (groups: string, verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: ${groups}
    resources: ["*"]
    verbs: ${verbs}
`;
  it('is info for get/list/watch outside the core group; a warning with the core group or a write verb', () => {
    expectFindings(check, role('[cilium.io, networking.istio.io]', '[get, list, watch]'), [{ line: 6, severity: 'info', message: 'rules[0] resources is "*" in [cilium.io, networking.istio.io] with read verbs only ([get, list, watch])' }]);
    expectFindings(check, role('["", cilium.io]', '[get, list, watch]'), [{ line: 6, severity: 'warning' }]);
    expectFindings(check, role('[cilium.io]', '[get, list, watch, update]'), [{ line: 6, severity: 'warning' }]);
  });
});
