import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/service-account-missing.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

/** A Deployment; `pod` goes into the pod spec (before containers). */
const deployment = (name: string, pod: string, ns: string | null = 'shop') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
  template:
    spec:
${pod}      containers: [{name: app, image: example/app:1.0}]
`;

const sa = (name: string, ns: string | null = 'shop') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
`;

function findings(files: [string, string][], opts: { complete?: boolean } = {}) {
  const resources = files.flatMap(([file, yaml]) => loadText(yaml, file, loadPlan([check])).resources);
  return audit({ resources }, { checks: [check], complete: opts.complete ?? false }).verdicts.flatMap((v) => v.findings);
}

describe('service-account-missing', () => {
  it('reports a ServiceAccount missing from the namespace as unknown, with a near miss spelled out', () => {
    const found = expectFindings(
      check,
      `${deployment('api', '      serviceAccountName: api-sever\n')}---
${sa('api-server')}---
${sa('worker')}---
${sa('api-sever', 'other')}`,
      [
        {
          line: 9,
          severity: 'error',
          message:
            'serviceAccountName "api-sever" names no ServiceAccount of namespace "shop" in the input (it has "api-server", "worker"; did you mean "api-server"?): if it does not exist in the cluster either, the Deployment is accepted, but its ReplicaSet cannot create any pod (FailedCreate: error looking up service account shop/api-sever: serviceaccount "api-sever" not found)',
        },
      ],
    );
    assert.equal(found[0].unknown, 'no ServiceAccount "api-sever" in namespace shop');
    assert.deepEqual(found[0].related.map((r) => [r.object.name, r.location.line]), [['api-server', 15]]);
  });

  it('is firm with --complete, and lists no ServiceAccounts when nothing is close', () => {
    const found = findings([['test.yaml', `${deployment('api', '      serviceAccountName: payments\n')}---\n${sa('api-server')}`]], { complete: true });
    assert.equal(found.length, 1);
    assert.equal(found[0].unknown, null);
    assert.equal(
      found[0].message,
      'serviceAccountName "payments" names no ServiceAccount of namespace "shop" in the input: the Deployment is accepted, but its ReplicaSet cannot create any pod (FailedCreate: error looking up service account shop/payments: serviceaccount "payments" not found)',
    );
  });

  it('reads the deprecated serviceAccount only when serviceAccountName is unset, and words the effect by kind', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  serviceAccount: legacy
  containers: [{name: app, image: example/app:1.0}]
---
apiVersion: v1
kind: Pod
metadata: {name: both, namespace: shop}
spec:
  serviceAccountName: present
  serviceAccount: legacy
  containers: [{name: app, image: example/app:1.0}]
---
${sa('present')}---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: reporter
          restartPolicy: OnFailure
          containers: [{name: app, image: example/app:1.0}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: db
      containers: [{name: app, image: example/app:1.0}]
`,
      [
        { line: 5, message: 'serviceAccount (deprecated) "legacy" names no ServiceAccount of namespace "shop" in the input: if it does not exist in the cluster either, the API server rejects the Pod (pods "debug" is forbidden: error looking up service account shop/legacy: serviceaccount "legacy" not found)' },
        { line: 31, message: 'the CronJob creates its Jobs, but none of them can create a pod' },
        { line: 41, message: 'the StatefulSet is accepted, but it cannot create any pod (FailedCreate' },
      ],
    );
  });

  it('says so when another workload of the namespace may create ServiceAccounts (info), but not for the workload itself', () => {
    const rbac = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: sa-maker, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["serviceaccounts"]
    verbs: ["create", "get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: operator-sa-maker, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: sa-maker}
subjects: [{kind: ServiceAccount, name: operator, namespace: shop}]
`;
    const found = expectFindings(
      check,
      `${deployment('worker', '      serviceAccountName: worker-runner\n')}---
${deployment('operator', '      serviceAccountName: operator\n')}---
${sa('operator')}---
${rbac}`,
      [{ line: 9, severity: 'info', message: 'serviceAccountName "worker-runner" is not in namespace "shop" in the input, and Deployment "operator"\'s ServiceAccount may create ServiceAccounts there' }],
    );
    assert.deepEqual(found[0].related.map((r) => [r.object.name, r.location.line]), [['operator', 20]]);

    // Its own ServiceAccount cannot be created by itself: its pods never start.
    expectFindings(check, `${deployment('operator', '      serviceAccountName: operator\n')}---\n${rbac}`, [{ line: 9, severity: 'error' }]);
  });

  it('does not count a create limited by resourceNames, or a creator in another namespace (even with cluster-wide rights)', () => {
    expectFindings(
      check,
      `${deployment('worker', '      serviceAccountName: worker-runner\n')}---
${deployment('operator', '      serviceAccountName: operator\n', 'ops')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: operator, namespace: ops}]
---
${deployment('named', '      serviceAccountName: named\n')}---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-sa, namespace: shop}
rules: [{apiGroups: [""], resources: [serviceaccounts], resourceNames: [worker-runner], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: one-sa, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-sa}
subjects: [{kind: ServiceAccount, name: named, namespace: shop}]
`,
      [
        { line: 9, severity: 'error', message: '"worker-runner"' },
        { line: 20, severity: 'error', message: 'namespace "ops"' },
        { line: 37, severity: 'error', message: '"named"' },
      ],
    );
  });

  it('is silent for default, assumed, templated and invalid names, and for ServiceAccounts of the namespace', () => {
    expectNone(
      check,
      `${deployment('a', '      serviceAccountName: default\n')}---
${deployment('b', '      serviceAccountName: "{{ .Values.serviceAccount.name }}"\n')}---
${deployment('c', '      serviceAccountName: \${KSA_NAME}\n')}---
${deployment('d', '      serviceAccountName: <KSA_NAME>\n')}---
${deployment('e', '      serviceAccountName: KSA_NAME\n')}---
${deployment('f', '      serviceAccountName: api\n')}---
${sa('api')}---
${deployment('g', '')}---
${deployment('h', '      serviceAccountName: ""\n')}---
${deployment('i', '      serviceAccountName: 42\n')}---
${deployment('j', '      serviceAccountName: deployer\n')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: k, namespace: shop}
spec: not-a-map
`,
      { params: { assumePresent: ['deployer'] } },
    );
  });

  it('a manifest without a namespace: a ServiceAccount of that name anywhere counts, also in another folder', () => {
    assert.deepEqual(
      findings([
        ['base/deploy.yaml', deployment('api', '      serviceAccountName: api\n', null)],
        ['other/sa.yaml', sa('api', null)],
        ['app/deploy.yaml', deployment('web', '      serviceAccountName: web\n')],
        ['app/sa.yaml', sa('web', null)],
      ]),
      [],
    );
    // ...but with none anywhere it is reported, in the default namespace.
    const found = runCheck(check, deployment('api', '      serviceAccountName: api\n', null));
    assert.equal(found.length, 1);
    assert.match(found[0].message, /names no ServiceAccount of namespace "default" in the input/);
  });

  it('does not count a ServiceAccount of another namespace, nor near misses from another folder', () => {
    const found = findings([
      ['a/deploy.yaml', deployment('api', '      serviceAccountName: api-sa\n', null)],
      ['b/sa.yaml', sa('api-sb', null)],
      ['c/deploy.yaml', deployment('web', '      serviceAccountName: web\n')],
      ['c/sa.yaml', sa('web', 'prod')],
    ]);
    assert.deepEqual(
      found.map((f) => f.message.slice(0, f.message.indexOf(':'))),
      ['serviceAccountName "api-sa" names no ServiceAccount of namespace "default" in the input', 'serviceAccountName "web" names no ServiceAccount of namespace "shop" in the input'],
    );
  });
});
