import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/service-selects-unrelated-workloads.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Nine lines each; pod labels on line 7 of each.
const deploy = (name: string, labels: string, ns = 'namespace: shop') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, ${ns}}
spec:
  template:
    metadata:
      labels: ${labels}
    spec: {containers: [{name: app, image: "${name}:1"}]}
---
`;

// Starts after the workloads; spec.selector is on its line 5.
const svc = (selector: string, extra = '', ns = 'namespace: shop') => `apiVersion: v1
kind: Service
metadata: {name: backend, ${ns}}
spec:
  selector: ${selector}
${extra}  ports: [{port: 80}]
`;

describe('service-selects-unrelated-workloads', () => {
  it('warns when the selector matches pods of different apps, naming each with related entries', () => {
    const found = expectFindings(
      check,
      deploy('orders', '{app: orders, tier: backend}') + deploy('payments', '{app: payments, tier: backend}') + svc('{tier: backend}'),
      [
        {
          line: 23,
          severity: 'warning',
          object: 'backend',
          message: 'selector tier=backend matches the pods of 2 different apps: Deployment "orders" (app=orders); Deployment "payments" (app=payments)',
        },
      ],
    );
    assert.deepEqual(
      found[0].related.map((r) => [r.object.name, r.location.line]),
      [
        ['orders', 7],
        ['payments', 16],
      ],
    );
  });

  it('compares app.kubernetes.io/instance when the app name is the same (two releases of one chart)', () => {
    expectFindings(
      check,
      deploy('cache', '{app.kubernetes.io/name: redis, app.kubernetes.io/instance: cache}') +
        deploy('sessions', '{app.kubernetes.io/name: redis, app.kubernetes.io/instance: sessions}') +
        svc('{app.kubernetes.io/name: redis}'),
      [{ line: 23, message: 'app.kubernetes.io/instance=cache' }],
    );
  });

  it('does not fire for a stable/canary pair, a blue/green pair or versions of one app', () => {
    expectNone(check, deploy('web', '{app: web, track: stable}') + deploy('web-canary', '{app: web, track: canary}') + svc('{app: web}'));
    expectNone(check, deploy('web-blue', '{app: web-blue, role: web}') + deploy('web-green', '{app: web-green, role: web}') + svc('{role: web}'));
    expectNone(check, deploy('web-v1', '{app: web-v1, role: web}') + deploy('web-v2', '{app: web-v2, role: web}') + svc('{role: web}'));
    expectNone(
      check,
      deploy('web', '{app.kubernetes.io/name: web, app.kubernetes.io/instance: web}') +
        deploy('web-canary', '{app.kubernetes.io/name: web, app.kubernetes.io/instance: web-canary}') +
        svc('{app.kubernetes.io/name: web}'),
    );
  });

  it('does not fire without identity labels in common, for one workload, or for headless Services', () => {
    expectNone(check, deploy('a', '{tier: backend}') + deploy('b', '{tier: backend, app: b}') + svc('{tier: backend}'));
    expectNone(check, deploy('a', '{app: a, tier: backend}') + deploy('b', '{k8s-app: b, tier: backend}') + svc('{tier: backend}'));
    expectNone(check, deploy('orders', '{app: orders, tier: backend}') + svc('{tier: backend}'));
    expectNone(check, deploy('orders', '{app: orders, gossip: "true"}') + deploy('payments', '{app: payments, gossip: "true"}') + svc('{gossip: "true"}', '  clusterIP: None\n'));
    const metrics = svc('{scrape: "yes"}').replace('  ports: [{port: 80}]', '  ports: [{name: http-metrics, port: 9100}]');
    expectNone(check, deploy('orders', '{app: orders, scrape: "yes"}') + deploy('payments', '{app: payments, scrape: "yes"}') + metrics);
    // A Service with a metrics port and a serving port still fires.
    const mixed = svc('{scrape: "yes"}').replace('  ports: [{port: 80}]', '  ports: [{name: http-metrics, port: 9100}, {name: http, port: 80}]');
    expectFindings(check, deploy('orders', '{app: orders, scrape: "yes"}') + deploy('payments', '{app: payments, scrape: "yes"}') + mixed, [{ line: 23 }]);
  });

  it('only counts workloads in the Service namespace and deployed together', () => {
    expectNone(check, deploy('orders', '{app: orders, tier: backend}') + deploy('payments', '{app: payments, tier: backend}', 'namespace: other') + svc('{tier: backend}'));
    const plan = loadPlan([check]);
    const load = (files: [string, string][]) => files.flatMap(([f, t]) => loadText(t, f, plan).resources);
    const none = 'labels: {}';
    const apart = load([
      ['a/orders.yaml', deploy('orders', '{app: orders, tier: backend}', none)],
      ['b/payments.yaml', deploy('payments', '{app: payments, tier: backend}', none)],
      ['a/svc.yaml', svc('{tier: backend}', '', none)],
    ]);
    assert.equal(audit({ resources: apart }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 0);
    const together = load([
      ['a/orders.yaml', deploy('orders', '{app: orders, tier: backend}', none)],
      ['a/payments.yaml', deploy('payments', '{app: payments, tier: backend}', none)],
      ['a/svc.yaml', svc('{tier: backend}', '', none)],
    ]);
    assert.equal(audit({ resources: together }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 1);
  });
});
