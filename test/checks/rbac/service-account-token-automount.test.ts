import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/service-account-token-automount.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

describe('service-account-token-automount', () => {
  it('fires when neither the pod nor its ServiceAccount opts out', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
        - name: app
          image: nginx:1.27
`,
      [{ line: 10, severity: 'warning', message: 'ServiceAccount "web" does not set it to false' }],
    );
  });

  it('ignores a ServiceAccount that opts out in another namespace', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: other}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
        - name: app
          image: nginx:1.27
`,
      [{ line: 11, object: 'web', message: 'not in the input' }],
    );
  });

  it('is silent when the pod sets the field either way, or the ServiceAccount opts out in the same namespace', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      containers: [{name: app, image: "nginx:1.27"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: operator}
spec:
  template:
    spec:
      serviceAccountName: operator
      automountServiceAccountToken: true
      containers: [{name: app, image: "op:1"}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  template:
    spec:
      serviceAccountName: web
      containers: [{name: app, image: "nginx:1.27"}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: chart-sa, namespace: release-ns}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: chart-app}
spec:
  template:
    spec:
      serviceAccountName: chart-sa
      containers: [{name: app, image: "nginx:1.27"}]
`,
    );
  });

  it('is silent for apps whose ServiceAccount is granted RBAC in the input (they call the API)', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: ctrl, namespace: ops}
spec:
  template:
    spec:
      serviceAccountName: ctrl
      containers: [{name: app, image: "ctrl:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ctrl, namespace: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ctrl}
subjects:
  - kind: ServiceAccount
    name: ctrl
`,
    );
  });

  it('says to turn the token off when the only bindings grant roles with no rules', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers: [{name: app, image: "web:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: web, namespace: shop}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web}
subjects: [{kind: ServiceAccount, name: web}]
`;
    const [f] = expectFindings(check, yaml, [
      {
        line: 6,
        severity: 'warning',
        message: 'whose only binding grants nothing (RoleBinding "web" -> Role "web" (no rules)); the token is of no use to the app, set automountServiceAccountToken: false',
      },
    ]);
    assert.deepEqual(f.related.map((r) => `${r.object.kind}/${r.object.name}:${r.location.line}`), ['RoleBinding/web:18', 'Role/web:13']);
  });

  it('stays silent for bindings to built-in, aggregated or unknown roles; group grants are no sign the app uses the API', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: viewer, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: viewer
      containers: [{name: app, image: "v:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewer, namespace: shop}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: viewer}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: agg, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: agg
      containers: [{name: app, image: "a:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/agg: "true"}}]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agg}
roleRef: {kind: ClusterRole, name: agg}
subjects: [{kind: ServiceAccount, name: agg, namespace: shop}]
`,
    );
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers: [{name: app, image: "web:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: Group, name: "system:serviceaccounts"}]
`,
      [{ line: 6, message: 'no RoleBinding or ClusterRoleBinding in the input names it, so unless it is granted roles elsewhere, set automountServiceAccountToken: false' }],
    );
  });

  it('a binding to every ServiceAccount of the namespace (system:serviceaccounts:<ns>) counts as a binding of this one; of another namespace, not', () => {
    const app = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  template:
    spec:
      serviceAccountName: web
      containers: [{name: app, image: "web:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: read-config, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all-sas, namespace: shop}
roleRef: {kind: Role, name: read-config}
subjects: [{kind: Group, name: "system:serviceaccounts:shop"}]
`;
    expectNone(check, app('shop'));
    expectFindings(check, app('other'), [{ line: 6, message: 'no RoleBinding or ClusterRoleBinding in the input names it' }]);
    // The group bound to a role with no rules: the token grants nothing, as for a direct binding.
    expectFindings(check, app('shop').replace('rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]', 'rules: []'), [
      { line: 6, message: 'whose only binding grants nothing (RoleBinding "all-sas" -> Role "read-config" (no rules))' },
    ]);
  });

  it('does not credit a binding for a same-named ServiceAccount in another namespace', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: ctrl, namespace: ops}
spec:
  template:
    spec:
      serviceAccountName: ctrl
      containers: [{name: app, image: "ctrl:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ctrl}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ctrl}
subjects:
  - kind: ServiceAccount
    name: ctrl
    namespace: elsewhere
`,
      [{ line: 6 }],
    );
  });

  it('an own ServiceAccount that is not in the input rests on absent objects: unknown, firm with --complete', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: chaos}
spec:
  template:
    spec:
      serviceAccountName: chaos-exporter
      containers:
        - name: app
          image: litmuschaos/chaos-exporter:3.0.0
`;
    const [f] = runCheck(check, yaml);
    assert.equal(f.unknown, 'ServiceAccount "chaos-exporter" is not in the input, nor anything binding it');
    const [firm] = runCheck(check, yaml, { complete: true });
    assert.equal(firm.unknown, null);
    assert.equal(firm.severity, 'warning');
    // The namespace's default ServiceAccount, not in the input: as before, a warning.
    const [d] = runCheck(check, yaml.replace('      serviceAccountName: chaos-exporter\n', ''));
    assert.equal(d.unknown, null);
  });

  it('a binding of the input to a templated ServiceAccount may be this one: silent', () => {
    const yaml = (subject: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: epp, namespace: infer}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/epp:1
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: epp}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: epp}
subjects:
  - kind: ServiceAccount
    name: ${subject}
    namespace: infer
`;
    expectNone(check, yaml('"${SERVICE_ACCOUNT_NAME:-default}"'));
    // Bound by name to another ServiceAccount: the default one is still unbound.
    expectFindings(check, yaml('epp-sa'), [{ severity: 'warning', message: 'no RoleBinding or ClusterRoleBinding in the input names it' }]);
  });
});

describe('service-account-token-automount: bindings of another project tree', () => {
  it('a RoleBinding of another tree that binds its own "default" does not silence a namespace-less workload; one beside it does, and so does any with -n', async () => {
    const { audit, loadPlan } = await import('../../../src/engine/audit.js');
    const { loadText } = await import('../../../src/sources/resources.js');
    const plan = loadPlan([check]);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: app, image: "web:1"}]\n';
    const binding = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: gmsa, namespace: default}\nsubjects: [{kind: ServiceAccount, name: default, namespace: default}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: webapp-role}\n';
    const run = (bindingFile: string, namespace?: string) =>
      audit({ resources: [...loadText(pod, 'examples/pod/web.yaml', plan).resources, ...loadText(binding, bindingFile, plan).resources] }, { checks: [check], namespace }).verdicts.flatMap((v) => v.findings);
    const [f] = run('windows/gmsa/rbac.yaml');
    assert.match(f.message, /no RoleBinding or ClusterRoleBinding of its folder tree names it \(the binding of "default" in other folders of the input, namespace-less too, belongs to other manifests\)/);
    assert.equal(run('examples/pod/rbac.yaml').length, 0);
    assert.equal(run('windows/gmsa/rbac.yaml', 'default').length, 0);
  });
});
