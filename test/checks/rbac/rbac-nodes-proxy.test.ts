import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/rbac-nodes-proxy.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('rbac-nodes-proxy', () => {
  it('fires on get nodes/proxy in a ClusterRole, and warns when limited to named nodes', () => {
    expectFindings(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
  - apiGroups: [""]
    resources:
      - nodes
      - nodes/proxy
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["*/proxy"]
    resourceNames: ["node-1"]
    verbs: ["create"]
`,
      [
        { line: 8, severity: 'error', message: 'run commands in every pod' },
        { line: 11, severity: 'warning', message: 'node-1' },
      ],
    );
  });

  it('is silent for nodes/metrics, list-only, namespaced Roles and aggregated roles', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
  - apiGroups: [""]
    resources: ["nodes/metrics", "nodes/stats"]
    verbs: ["get"]
  - apiGroups: [""]
    resources: ["nodes/proxy"]
    verbs: ["list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: no-effect}
rules:
  - apiGroups: [""]
    resources: ["nodes/proxy"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule: {clusterRoleSelectors: []}
rules:
  - apiGroups: [""]
    resources: ["nodes/proxy"]
    verbs: ["get"]
`,
    );
  });
});
