import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/observability/alerts-missing.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const workloads = `apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: r, image: example/report:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: example/cart:1}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  template:
    spec:
      containers: [{name: db, image: postgres:16}]
---
`;

const rule = (ns: string, expr = 'up == 0') => `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: rules, namespace: ${ns}}
spec:
  groups:
    - name: g
      rules:
        - alert: Down
          expr: ${expr}
`;

describe('alerts-missing', () => {
  it('reports once per namespace, on its first long-running workload, naming the others (info, firm when rules exist elsewhere)', () => {
    const found = expectFindings(check, workloads + rule('billing'), [
      { line: 15, severity: 'info', object: 'cart', message: 'no PrometheusRule in the input alerts on namespace "shop" (long-running: Deployment/cart, StatefulSet/db)' },
    ]);
    assert.equal(found[0].unknown, null);
  });

  it('is unknown when the input has no alerting rules at all, firm with --complete', () => {
    const [f] = runCheck(check, workloads);
    assert.equal(f.unknown, 'no PrometheusRule at all in the input');
    const loaded = loadText(workloads, 'test.yaml', loadPlan([check]));
    const complete = audit({ resources: loaded.resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
    assert.equal(complete.length, 1);
    assert.equal(complete[0].unknown, null);
  });

  it('is silent with a rule in the namespace, or a rule elsewhere whose expression names it', () => {
    expectNone(check, workloads + rule('shop'));
    expectNone(check, workloads + rule('monitoring', `'rate(errors_total{namespace="shop"}[5m]) > 1'`));
    expectNone(check, workloads + rule('monitoring', `'rate(errors_total{namespace=~"shop|billing"}[5m]) > 1'`));
  });

  it('counts a rule rendered from the same chart, wherever it is deployed; not a plain file\'s rule for another namespace', () => {
    const findings = (file: string) => {
      const loaded = loadText(workloads + rule('monitoring'), file, loadPlan([check]));
      return audit({ resources: loaded.resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    };
    // One Helm chart (objects of a chart carry its Chart.yaml as their file) ships the rule into monitoring.
    assert.deepEqual(findings('shop-chart/Chart.yaml'), []);
    assert.equal(findings('overlays/prod/kustomization.yaml').length, 0);
    // A plain manifest file holding several applications: the rule is about something else.
    assert.equal(findings('all-in-one.yaml').length, 1);
  });

  it('does not count a rule whose namespace pattern matches every namespace', () => {
    expectFindings(check, workloads + rule('monitoring', `'kube_pod_status_ready{namespace=~".+"} == 0'`), [{ line: 15, object: 'cart' }]);
  });

  it('names the Namespace object when it is in the input', () => {
    const found = expectFindings(check, `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n${workloads}${rule('billing')}`, [{ line: 19 }]);
    assert.equal(found[0].related[0].object.kind, 'Namespace');
  });

  it('ignores namespaces with only batch workloads', () => {
    expectNone(check, workloads.split('---\napiVersion: apps/v1')[0] + rule('billing'));
  });
});

describe('alerts-missing: kubebuilder\'s placeholder namespace', () => {
  it('does not report namespace "system" (replaced by the overlay\'s namespace); a real namespace still is', () => {
    const sys = workloads.replaceAll('namespace: shop', 'namespace: system');
    assert.ok(sys.includes('namespace: system'));
    expectNone(check, sys + rule('billing'));
    expectFindings(check, workloads + rule('billing'), [{ object: 'cart' }]);
  });
});
