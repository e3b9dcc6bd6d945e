import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/workload-rbac-blast-radius.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

/** 1-based line of the n-th line containing `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`no ${needle} #${nth}`);
}

const deploy = (name: string, ns: string, sa: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template:
    spec:
      serviceAccountName: ${sa}
${extra}      containers: [{name: app, image: "app:1"}]
`;

describe('workload-rbac-blast-radius', () => {
  it('is an error when the ServiceAccount reads every Secret cluster-wide, with the binding and the rule as related objects', () => {
    const yaml = `${deploy('web', 'shop', 'web')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
  - kind: ServiceAccount
    name: web
    namespace: shop
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["list"]
`;
    const [f] = expectFindings(check, yaml, [
      {
        line: 7,
        severity: 'error',
        object: 'web',
        message: 'if compromised, this pod can act as ServiceAccount "shop/web", which can read every Secret cluster-wide, through ClusterRoleBinding "web-read" -> ClusterRole "reader"',
      },
    ]);
    assert.match(f.message, /An attacker dumps every Secret/);
    assert.deepEqual(
      f.related.map((r) => `${r.object.kind}/${r.object.name}:${r.location.line} ${r.note}`),
      [
        `ClusterRoleBinding/web-read:${lineOf(yaml, '- kind: ServiceAccount')} binds ClusterRole "reader" to ServiceAccount shop/web`,
        `ClusterRole/reader:${lineOf(yaml, '- apiGroups', 2)} grants: can read every Secret cluster-wide`,
      ],
    );
  });

  it('a ClusterRole bound by a RoleBinding is a warning in that namespace only; a same-named ServiceAccount elsewhere gets nothing', () => {
    const yaml = `${deploy('web', 'shop', 'web')}---
${deploy('web', 'other', 'web')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-exec, namespace: shop}
roleRef: {kind: ClusterRole, name: exec}
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: exec}
rules:
  - apiGroups: [""]
    resources: ["pods/exec", "pods/attach"]
    verbs: ["create"]
`;
    expectFindings(check, yaml, [
      { line: 7, severity: 'warning', message: 'which can exec into or attach to any pod in namespace shop, through RoleBinding "web-exec" -> ClusterRole "exec"' },
    ]);
  });

  it('group subjects and the ServiceAccount user name count; resourceNames make it "that Secret", not every Secret', () => {
    const yaml = `${deploy('api', 'shop', 'api')}---
${deploy('batch', 'jobs', 'runner')}---
${deploy('ui', 'shop', 'ui')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-sas, namespace: shop}
roleRef: {kind: Role, name: tokens}
subjects: [{kind: Group, name: "system:serviceaccounts:shop"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tokens, namespace: shop}
rules: [{apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-proxy}
roleRef: {kind: ClusterRole, name: proxy}
subjects: [{kind: Group, name: "system:authenticated"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: proxy}
rules: [{apiGroups: [""], resources: ["nodes/proxy"], resourceNames: ["node-1"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ui-tls, namespace: shop}
roleRef: {kind: Role, name: tls}
subjects: [{kind: User, name: "system:serviceaccount:shop:ui"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tls, namespace: shop}
rules: [{apiGroups: [""], resources: ["secrets"], resourceNames: ["tls-cert"], verbs: ["get"]}]
`;
    expectFindings(check, yaml, [
      { line: 7, object: 'api', severity: 'warning', message: 'can run commands in every pod on node node-1 through the kubelet API (nodes/proxy), through ClusterRoleBinding "all-proxy" -> ClusterRole "proxy"; can mint a token for any ServiceAccount in namespace shop' },
      { line: lineOf(yaml, 'serviceAccountName: runner'), object: 'batch', severity: 'warning', message: 'nodes/proxy' },
      { line: lineOf(yaml, 'serviceAccountName: ui'), object: 'ui', severity: 'warning', message: 'can read Secret tls-cert in namespace shop (only that one), through RoleBinding "ui-tls" -> Role "tls"' },
    ]);
  });

  it('aggregated ClusterRoles: the rules come from the labelled ClusterRoles of the input', () => {
    const yaml = `${deploy('prom', 'mon', 'prom')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {example.com/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-extra
  labels: {example.com/aggregate-to-monitoring: "true"}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prom}
roleRef: {kind: ClusterRole, name: monitoring}
subjects: [{kind: ServiceAccount, name: prom, namespace: mon}]
`;
    const [f] = expectFindings(check, yaml, [
      { line: 7, severity: 'error', message: 'has full control of the cluster (every verb on every resource), through ClusterRoleBinding "prom" -> ClusterRole "monitoring" (aggregates ClusterRole "monitoring-extra")' },
    ]);
    assert.ok(f.related.some((r) => r.object.name === 'monitoring-extra' && r.location.line === lineOf(yaml, '- apiGroups: ["*"]')));
  });

  it('built-in edit through a RoleBinding: Secrets, exec and workloads of the namespace (warning)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: ci, namespace: build}
spec:
  template:
    spec:
      containers: [{name: app, image: "ci:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: default-edit, namespace: build}
roleRef: {kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: default}]
`,
      [{ line: 6, severity: 'warning', message: /which can read every Secret in namespace build; can impersonate any ServiceAccount in namespace build; .*exec into or attach to any pod in namespace build; can create or change pods, .*, all through RoleBinding "default-edit" -> ClusterRole "edit" \(built-in\)\./ }],
    );
  });

  it('is silent when no token is mounted (pod field, or the ServiceAccount), and fires again when the pod opts in or projects a token', () => {
    const rbac = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admin}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ops, namespace: tools}]
`;
    expectNone(
      check,
      `${rbac}---
${deploy('a', 'tools', 'ops', '      automountServiceAccountToken: false\n')}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ops, namespace: tools}
automountServiceAccountToken: false
---
${deploy('b', 'tools', 'ops')}---
${deploy('c', 'tools', 'ops', `      volumes:
        - name: vault
          projected:
            sources:
              - serviceAccountToken: {path: token, audience: vault}
`)}`,
    );
    const yaml = `${rbac}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ops, namespace: tools}
automountServiceAccountToken: false
---
${deploy('optin', 'tools', 'ops', '      automountServiceAccountToken: true\n')}---
${deploy('proj', 'tools', 'ops', `      volumes:
        - name: tok
          projected:
            sources:
              - serviceAccountToken: {path: token}
`)}`;
    expectFindings(check, yaml, [
      { line: lineOf(yaml, 'serviceAccountName: ops'), object: 'optin', severity: 'error', message: 'has full control of the cluster' },
      { line: lineOf(yaml, 'serviceAccountName: ops', 2), object: 'proj', severity: 'error', message: '"tools/ops" (projected token), which has full control' },
    ]);
  });

  it('wildcard verbs and resources in a namespace Role, and get-only exec is info', () => {
    const yaml = `${deploy('w', 'x', 'w')}---
${deploy('g', 'x', 'g')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all, namespace: x}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all, namespace: x}
roleRef: {kind: Role, name: all}
subjects: [{kind: ServiceAccount, name: w}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: get-exec, namespace: x}
rules: [{apiGroups: [""], resources: ["pods/exec"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: get-exec, namespace: x}
roleRef: {kind: Role, name: get-exec}
subjects: [{kind: ServiceAccount, name: g}]
`;
    expectFindings(check, yaml, [
      { line: 7, object: 'w', severity: 'warning', message: 'which has full control of namespace x (every verb on every resource)' },
      { line: lineOf(yaml, 'serviceAccountName: g'), object: 'g', severity: 'info', message: 'can exec into any pod in namespace x with get alone (over WebSocket, on API servers before v1.35)' },
    ]);
  });

  it('is silent for a binding to a role that is not in the input, harmless permissions, and no bindings', () => {
    expectNone(
      check,
      `${deploy('web', 'shop', 'web')}---
${deploy('reader', 'shop', 'reader')}---
${deploy('lonely', 'shop', 'lonely')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web, namespace: shop}
roleRef: {kind: Role, name: lives-elsewhere}
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: reader}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: elsewhere}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: web, namespace: other}]
`,
    );
  });
});
