import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/pdb-unhealthy-pods-block-drain.js';
import blockedNow from '../../../src/checks/runtime/pdb-drain-blocked-now.js';
import type { Check } from '../../../src/checks/types.js';
import { audit } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

const lineOf = (text: string, needle: string, nth = 0): number => {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(needle) && seen++ === nth) return i + 1;
  }
  throw new Error(`no line with "${needle}"`);
};

const deploy = (name: string, replicas: number | string | null, ns = 'shop', kind = 'Deployment') => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}}
spec:
${replicas === null ? '' : `  replicas: ${replicas}\n`}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}, tier: backend}
    spec:
      containers: [{name: app, image: registry.example.com/shop/${name}:1.4.2}]
---
`;

const pdb = (budget: string, selector = '{matchLabels: {app: web}}', ns = 'shop', apiVersion = 'policy/v1', name = 'web') => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata: {name: ${name}, namespace: ${ns}}
spec:
  ${budget}
  selector: ${selector}
`;

describe('pdb-unhealthy-pods-block-drain: fires', () => {
  it('on a budget without unhealthyPodEvictionPolicy over a Deployment, at spec, naming the workload', () => {
    const text = deploy('web', 3) + pdb('maxUnavailable: 1');
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'spec:', 2),
        severity: 'info',
        object: 'web',
        message:
          'unhealthyPodEvictionPolicy is not set (IfHealthyBudget): when the pods of Deployment "web" crash-loop or fail readiness so that fewer are healthy than the budget needs, the eviction API refuses (429) to evict even the unhealthy ones, so kubectl drain of their nodes',
      },
    ]);
    assert.equal(f.related?.length, 1);
    assert.equal(f.related?.[0].object.name, 'web');
    assert.equal(f.related?.[0].location.line, lineOf(text, 'labels: {app: web'));
  });

  it('on minAvailable below the replica count, a percentage, and an autoscaled workload', () => {
    expectFindings(check, deploy('web', 3) + pdb('minAvailable: 2'), [{ severity: 'info', message: 'Deployment "web"' }]);
    expectFindings(check, deploy('web', 4) + pdb('minAvailable: "50%"'), [{ message: 'fewer are healthy than the budget needs' }]);
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
---
`;
    expectFindings(check, deploy('web', null) + hpa + pdb('minAvailable: 2'), [{ message: 'Deployment "web"' }]);
  });

  it('on a budget that needs no healthy pod (minAvailable 0, maxUnavailable "100%" or >= replicas): once none is healthy nothing is left to spend', () => {
    for (const budget of ['minAvailable: 0', 'minAvailable: "0%"', 'maxUnavailable: "100%"', 'maxUnavailable: 3']) {
      expectFindings(check, deploy('web', 2) + pdb(budget), [
        { message: 'when every pod of Deployment "web" crash-loops or fails readiness, the budget has no disruption left to spend and the eviction API refuses (429)' },
      ]);
    }
  });

  it('on a selector with matchExpressions, and on a policy/v1 empty selector (every pod of the namespace), naming every workload but DaemonSets', () => {
    expectFindings(check, deploy('web', 3) + pdb('maxUnavailable: 1', '{matchExpressions: [{key: app, operator: In, values: [web, api]}]}'), [{ message: 'Deployment "web"' }]);
    const text = deploy('web', 3) + deploy('api', 2) + deploy('agent', null, 'shop', 'DaemonSet') + pdb('maxUnavailable: 1', '{}');
    const [f] = expectFindings(check, text, [{ message: 'when the pods of Deployment "web" and Deployment "api" crash-loop' }]);
    assert.deepEqual(f.related?.map((r) => r.object.name), ['web', 'api']);
  });

  it('names at most three workloads', () => {
    const text = deploy('a', 2) + deploy('b', 2) + deploy('c', 2) + deploy('d', 2) + pdb('maxUnavailable: 1', '{matchLabels: {tier: backend}}');
    expectFindings(check, text, [{ message: 'when the pods of Deployment "a", Deployment "b", Deployment "c" and 1 more crash-loop' }]);
  });

  it('on pods prometheus-operator makes from a Prometheus or Alertmanager of the input', () => {
    const prom = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
---
`;
    const sel = '{matchLabels: {app.kubernetes.io/name: prometheus, app.kubernetes.io/instance: k8s}}';
    const text = prom + pdb('minAvailable: 1', sel, 'monitoring', 'policy/v1', 'prometheus-k8s');
    const [f] = expectFindings(check, text, [{ object: 'prometheus-k8s', message: 'when the pods of Prometheus "k8s" crash-loop' }]);
    assert.equal(f.related?.[0].location.line, lineOf(text, 'replicas: 2'));
    const am = `apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec: {}
---
`;
    // replicas unset: 1 pod, so minAvailable 1 blocks every eviction and the advice is moot.
    expectNone(check, am + pdb('minAvailable: 1', '{matchLabels: {alertmanager: main}}', 'monitoring'));
    expectFindings(check, am + pdb('minAvailable: 0', '{matchLabels: {alertmanager: main}}', 'monitoring'), [{ message: 'every pod of Alertmanager "main"' }]);
    // Replicas that cannot be known, or shards: not judged.
    expectNone(check, prom.replace('replicas: 2', 'replicas: "{{ .Values.replicas }}"') + pdb('minAvailable: 1', sel, 'monitoring'));
    expectNone(check, prom.replace('replicas: 2', 'replicas: 2\n  shards: 3') + pdb('minAvailable: 1', sel, 'monitoring'));
  });

  it('on a live budget whose status shows the budget met', () => {
    const text = deploy('web', 3) + pdb('maxUnavailable: 1') + `status:
  observedGeneration: 1
  currentHealthy: 3
  desiredHealthy: 2
  disruptionsAllowed: 1
  expectedPods: 3
`;
    expectFindings(check, text, [{ severity: 'info', message: 'Deployment "web"' }]);
  });
});

describe('pdb-unhealthy-pods-block-drain: silent', () => {
  it('when the policy is AlwaysAllow or set to IfHealthyBudget on purpose, or not a value the API takes', () => {
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1\n  unhealthyPodEvictionPolicy: AlwaysAllow'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1\n  unhealthyPodEvictionPolicy: IfHealthyBudget'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1\n  unhealthyPodEvictionPolicy: "{{ .Values.pdb.unhealthyPodEvictionPolicy }}"'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1\n  unhealthyPodEvictionPolicy: 5'));
  });

  it('when the budget allows no eviction at all (pdb-blocks-eviction reports it)', () => {
    for (const budget of ['maxUnavailable: 0', 'maxUnavailable: "0%"', 'minAvailable: "100%"', 'minAvailable: 3', 'minAvailable: 5', 'unhealthyPodEvictionPolicy: null']) {
      expectNone(check, deploy('web', 3) + pdb(budget));
    }
  });

  it('when it sets both fields (the API rejects it), and for policy/v1beta1', () => {
    expectNone(check, deploy('web', 3) + pdb('minAvailable: 1\n  maxUnavailable: 1'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1', '{matchLabels: {app: web}}', 'shop', 'policy/v1beta1'));
  });

  it('when it selects no workload of the input: another label, another namespace, only a DaemonSet, none at all', () => {
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1', '{matchLabels: {app: api}}'));
    expectNone(check, deploy('web', 3, 'other') + pdb('maxUnavailable: 1'));
    expectNone(check, deploy('web', null, 'shop', 'DaemonSet') + pdb('maxUnavailable: 1'));
    expectNone(check, pdb('maxUnavailable: 1'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1', '{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}'));
  });

  it('when the workloads are scaled to 0', () => {
    expectNone(check, deploy('web', 0) + pdb('maxUnavailable: 1'));
  });

  it('when the selector is templated or cannot be evaluated, or absent (a kustomize patch)', () => {
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1', '{matchLabels: {app: "{{ .Release.Name }}"}}'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1', '{matchLabels: {app: "${APP}"}}'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1', '{matchExpressions: [{key: app, operator: Like, values: [web]}]}'));
    expectNone(check, deploy('web', 3) + 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec:\n  maxUnavailable: 1\n');
  });

  it('on odd shapes, without crashing', () => {
    const odd = [
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: a, namespace: shop}\nspec: "maxUnavailable=1"\n',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b, namespace: shop}\nspec:\n  maxUnavailable: 1\n  selector: "app=web"\n',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: c, namespace: shop}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: [app, web]}\n',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: d, namespace: shop}\nspec:\n  maxUnavailable: [1]\n  selector: {matchLabels: {app: web}}\nstatus: "broken"\n',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: e, namespace: shop}\n',
    ];
    for (const o of odd) assert.doesNotThrow(() => runCheck(check, deploy('web', 3) + o));
    for (const o of odd.slice(0, 3)) expectNone(check, deploy('web', 3) + o);
  });

  it('on a live budget blocked now: pdb-drain-blocked-now reports it; with that check off, this advice is given', () => {
    const text = deploy('web', 3) + pdb('maxUnavailable: 1') + `status:
  observedGeneration: 1
  currentHealthy: 1
  desiredHealthy: 2
  disruptionsAllowed: 0
  expectedPods: 3
`;
    const ids = (checks: Check[]) => audit({ resources: loadText(text, 'x.yaml').resources }, { checks }).verdicts.flatMap((v) => v.findings).map((f) => f.check);
    assert.deepEqual(ids([check, blockedNow]), ['pdb-drain-blocked-now']);
    assert.deepEqual(ids([check]), ['pdb-unhealthy-pods-block-drain']);
  });
});
