import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/service-account-shared.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { audit } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';

/** 1-based line of the n-th line containing `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`no ${needle} #${nth}`);
}

const wl = (kind: string, name: string, labels: string, sa: string, ns = 'shop', image = `example.com/${name}:1`) => {
  const pod = `    metadata:
      labels: ${labels}
    spec:
      serviceAccountName: ${sa}
      restartPolicy: OnFailure
      containers: [{name: c, image: "${image}"}]
`;
  if (kind === 'Job') return `apiVersion: batch/v1\nkind: Job\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  template:\n${pod}`;
  if (kind === 'CronJob') return `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n${pod.trimEnd().replace(/^/gm, '    ')}\n`;
  return `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  template:\n${pod}`;
};

describe('service-account-shared', () => {
  it('fires on each workload of a different app sharing a granted ServiceAccount, naming the others', () => {
    const yaml = `${wl('Deployment', 'cart', '{app.kubernetes.io/name: cart}', 'shop-sa')}---
${wl('Deployment', 'payments', '{app: payments}', 'shop-sa')}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: shop-sa, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-sa, namespace: shop}
roleRef: {kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: shop-sa}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}]
`;
    const found = expectFindings(check, yaml, [
      {
        line: 9,
        object: 'cart',
        severity: 'warning',
        message: 'ServiceAccount "shop-sa" (app cart) is also used by Deployment "payments" (app payments): each of these apps holds everything granted for the others: it can read every Secret in namespace shop',
      },
      { line: lineOf(yaml, 'serviceAccountName', 2), object: 'payments', severity: 'warning', message: 'is also used by Deployment "cart" (app cart)' },
    ]);
    assert.deepEqual(
      found[0].related.map((r) => `${r.object.kind}/${r.object.name}:${r.location.line}`),
      [`Deployment/payments:${lineOf(yaml, 'serviceAccountName', 2)}`, `ServiceAccount/shop-sa:${lineOf(yaml, 'kind: ServiceAccount') - 1}`],
    );
  });

  it('does not fire for the same app across kinds (a Deployment and its migration Job, a CronJob), or one Helm release', () => {
    expectNone(
      check,
      `${wl('Deployment', 'shop', '{app.kubernetes.io/name: shop, app.kubernetes.io/instance: prod}', 'shop')}---
${wl('Job', 'shop-migrate', '{app.kubernetes.io/name: shop, app.kubernetes.io/component: migration}', 'shop', 'shop', 'example.com/shop:2')}---
${wl('CronJob', 'shop-report', '{app: shop}', 'shop')}---
${wl('StatefulSet', 'db', '{app.kubernetes.io/name: db, app.kubernetes.io/instance: prod, app.kubernetes.io/component: primary}', 'db')}---
${wl('StatefulSet', 'db-replica', '{app.kubernetes.io/name: db, app.kubernetes.io/instance: prod, app.kubernetes.io/component: replica}', 'db')}`,
    );
  });

  it('does not fire for workloads running the same image (shards or modes of one program)', () => {
    expectNone(
      check,
      `${wl('Deployment', 'ksm', '{app.kubernetes.io/name: kube-state-metrics}', 'ksm', 'mon', 'registry.k8s.io/ksm/ksm:v2.1')}---
${wl('DaemonSet', 'ksm-shard', '{app.kubernetes.io/name: kube-state-metrics-shard}', 'ksm', 'mon', 'registry.k8s.io/ksm/ksm:v2.2')}`,
    );
  });

  it('fires for an unrelated app (a Job of another app), at info when nothing is granted', () => {
    const yaml = `${wl('Deployment', 'shop', '{app.kubernetes.io/name: shop}', 'worker')}---
${wl('Job', 'migrate', '{app.kubernetes.io/name: shop}', 'worker')}---
${wl('CronJob', 'cleanup', '{k8s-app: janitor}', 'worker')}`;
    expectFindings(check, yaml, [
      { line: 9, object: 'shop', severity: 'info', message: 'is also used by CronJob "cleanup" (app janitor): nothing is granted to it in the input today' },
      { line: lineOf(yaml, 'serviceAccountName', 2), object: 'migrate', severity: 'info', message: 'CronJob "cleanup"' },
      { line: lineOf(yaml, 'serviceAccountName', 3), object: 'cleanup', severity: 'info', message: 'ServiceAccount "worker" (app janitor) is also used by Deployment "shop" (app shop) and Job "migrate" (app shop)' },
    ]);
  });

  it('different instances of one app are different apps; a cloud identity makes it a warning', () => {
    const yaml = `${wl('Deployment', 'a', '{app.kubernetes.io/name: api, app.kubernetes.io/instance: team-a}', 'api', 'shop', 'example.com/api:1')}---
${wl('Deployment', 'b', '{app.kubernetes.io/name: api, app.kubernetes.io/instance: team-b}', 'api', 'shop', 'example.com/api:1')}---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: shop
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::1:role/api"}
`;
    expectFindings(check, yaml, [
      { line: 9, object: 'a', severity: 'warning', message: '(app api, instance team-b): each of these apps holds everything granted for the others: its cloud identity (eks.amazonaws.com/role-arn)' },
      { line: lineOf(yaml, 'serviceAccountName', 2), object: 'b', severity: 'warning', message: 'instance team-a' },
    ]);
  });

  it('is silent for default, other namespaces, workloads without identity labels, and namespace-less manifests apart', () => {
    expectNone(
      check,
      `${wl('Deployment', 'a', '{app: a}', 'default')}---
${wl('Deployment', 'b', '{app: b}', 'default')}---
${wl('Deployment', 'c', '{app: c}', 'shared', 'one')}---
${wl('Deployment', 'd', '{app: d}', 'shared', 'two')}---
${wl('Deployment', 'e', '{tier: web}', 'plain')}---
${wl('Deployment', 'f', '{app: f}', 'plain')}`,
    );
  });

  it("kubebuilder's placeholder namespace `system`: only workloads of near folders share, and one object written twice is not two", () => {
    const run = (files: [string, string][]) =>
      audit({ resources: files.flatMap(([f, t]) => loadText(t, f).resources) }, { checks: [check] }).verdicts.flatMap((v) => v.findings.map((f) => `${v.location.file} ${f.object.name}`));
    const a = wl('Deployment', 'controller-manager', '{app: notebook-controller}', 'controller-manager', 'system');
    const b = wl('Deployment', 'controller-manager', '{app: profiles}', 'controller-manager', 'system');
    const c = wl('Deployment', 'webhook', '{app: notebook-webhook}', 'controller-manager', 'system');
    // Two projects' scaffolds in far-apart folders: not deployed together.
    assert.deepEqual(run([['apps/jupyter/notebook-controller/config/manager/manager.yaml', a], ['apps/profiles/upstream/manager/manager.yaml', b]]), []);
    // The same name twice (a base and a copy) is one object.
    assert.deepEqual(run([['x/config/manager/manager.yaml', a], ['x/config/manager/copy.yaml', b]]), []);
    // Two different workloads of one scaffold do share.
    assert.deepEqual(run([['x/config/manager/manager.yaml', a], ['x/config/manager/webhook.yaml', c]]).sort(), [
      'x/config/manager/manager.yaml controller-manager',
      'x/config/manager/webhook.yaml webhook',
    ]);
  });
});
