import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/pdb-selects-nothing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers: [{name: app, image: nginx:1.27}]
---
`;

// The PDB starts on line 12; its selector is on line 16.
const pdb = (selector: string, ns = 'shop', apiVersion = 'policy/v1') => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata: {name: web-pdb, namespace: ${ns}}
spec:
  maxUnavailable: 1
  selector: ${selector}
`;

describe('pdb-selects-nothing', () => {
  it('fires (as unknown) when the selector matches no workload in its namespace, pointing at the selector', () => {
    const found = expectFindings(check, deploy + pdb('{matchLabels: {app: webapp}}'), [
      { line: 17, severity: 'warning', object: 'web-pdb', message: 'selector (app=webapp) matches the pods of no workload in namespace "shop"' },
    ]);
    assert.equal(found[0].unknown, 'no workload in the input has pods this selector matches');
  });

  it('fires when the matching workload is in another namespace', () => {
    expectFindings(check, deploy + pdb('{matchLabels: {app: web}}', 'shop-staging'), [{ line: 17, message: 'namespace "shop-staging"' }]);
  });

  it('fires when matchExpressions exclude every workload', () => {
    expectFindings(check, deploy + pdb('{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: NotIn, values: [front]}]}'), [
      { line: 17, message: 'app=web, tier NotIn (front)' },
    ]);
  });

  it('is silent when the selector matches (matchLabels subset, matchExpressions)', () => {
    expectNone(check, deploy + pdb('{matchLabels: {app: web}}'));
    expectNone(check, deploy + pdb('{matchExpressions: [{key: tier, operator: Exists}]}'));
  });

  it('counts DaemonSets, Jobs and single-replica workloads as pods', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: fluent-bit}]
---
` + pdb('{matchLabels: {app: web}}'),
    );
    expectNone(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: Never
      containers: [{name: a, image: busybox}]
---
` + pdb('{matchLabels: {app: web}}'),
    );
  });

  it('skips a policy/v1 empty selector and selectors that cannot be evaluated', () => {
    expectNone(check, pdb('{}'));
    expectNone(check, deploy + pdb('{matchExpressions: [{key: app, operator: Like, values: [web]}]}'));
    expectNone(check, deploy + pdb('{matchLabels: {app: "{{ .Values.name }}"}}'));
    expectNone(check, deploy + pdb('"app=web"'));
  });

  it('reports a policy/v1beta1 empty selector as a definite finding; a budget without selector (a kustomize patch) is not reported', () => {
    expectNone(
      check,
      `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nosel}
spec:
  maxUnavailable: 1
`,
    );
    const found = expectFindings(check, deploy + pdb('{}', 'shop', 'policy/v1beta1'), [{ line: 17, message: 'empty selector in policy/v1beta1' }]);
    assert.equal(found[0].unknown, null);
  });

  it('ignores other API groups and partial objects', () => {
    expectNone(
      check,
      `apiVersion: example.com/v1
kind: PodDisruptionBudget
metadata: {name: custom}
spec:
  selector: {matchLabels: {app: nothing}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: weird}
spec:
  selector: {matchLabels: {app: nothing}, matchExpressions: [7]}
`,
    );
  });
});
