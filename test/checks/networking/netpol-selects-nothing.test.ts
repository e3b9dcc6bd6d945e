import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/netpol-selects-nothing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-20.
const workloads = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/name: web, tier: front}
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: db}
    spec:
      containers: [{name: pg, image: postgres:16}]
---
`;

function policy(sel: string, ns = 'shop'): string {
  // podSelector on line 25 when appended to `workloads`.
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: ${ns}}
spec:
  podSelector: ${sel}
  policyTypes: [Ingress]
`;
}

describe('netpol-selects-nothing', () => {
  it('fires when the selector matches no workload of the namespace, naming the near ones first', () => {
    const found = expectFindings(check, workloads + policy('{matchLabels: {app: web}}'), [
      {
        line: 25,
        object: 'p',
        severity: 'warning',
        message: 'podSelector (app=web) matches the pod labels of none of the 2 workloads of namespace "shop" (StatefulSet "db" (app=db), Deployment "web" (app.kubernetes.io/name=web, tier=front))',
      },
    ]);
    assert.equal(found[0].unknown, null);
  });

  it('evaluates matchExpressions', () => {
    expectFindings(check, workloads + policy('{matchExpressions: [{key: tier, operator: In, values: [back]}]}'), [{ line: 25, message: 'podSelector (tier In (back))' }]);
    expectNone(check, workloads + policy('{matchExpressions: [{key: tier, operator: In, values: [front, back]}]}'));
    expectNone(check, workloads + policy('{matchExpressions: [{key: app, operator: Exists}]}'));
  });

  it('is unknown when the namespace has no workload in the input', () => {
    const found = expectFindings(check, workloads + policy('{matchLabels: {app: web}}', 'other'), [{ line: 25, message: 'selects no workload of namespace "other" in the input' }]);
    assert.equal(found[0].unknown, 'no workload of namespace "other" in the input');
  });

  it('is unknown when custom resources in the namespace may create the pods', () => {
    const found = expectFindings(
      check,
      `${workloads}apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: events, namespace: shop}\nspec: {kafka: {replicas: 3}}\n---\n${policy('{matchLabels: {strimzi.io/cluster: events}}')}`,
      [{ line: 30, message: 'matches the pod labels of none' }],
    );
    assert.equal(found[0].unknown, 'pods may be created by an operator from Kafka "events" in the namespace');
    // Pods whose labels the operator is known to set (prometheus-operator's Prometheus): selected.
    expectNone(check, `${workloads}apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: shop}\nspec: {replicas: 2}\n---\n${policy('{matchLabels: {app.kubernetes.io/name: prometheus}}')}`);
  });

  it('is silent for matching, empty, templated, runtime-label and unreadable selectors', () => {
    expectNone(check, workloads + policy('{matchLabels: {app: db}}'));
    expectNone(check, workloads + policy('{}'));
    expectNone(check, workloads + policy("{matchLabels: {app: '{{ .Values.app }}'}}"));
    expectNone(check, workloads + policy('{matchLabels: {statefulset.kubernetes.io/pod-name: db-0}}'));
    expectNone(check, workloads + policy('{matchExpressions: [{key: app, operator: Near, values: [x]}]}'));
  });

  it('is silent when a workload without a namespace in its manifest matches (kustomize places it)', () => {
    const loose = workloads.replace('metadata: {name: web, namespace: shop}', 'metadata: {name: web}');
    expectNone(check, loose + policy('{matchLabels: {app.kubernetes.io/name: web}}'));
    expectFindings(check, loose + policy('{matchLabels: {app.kubernetes.io/name: api}}'), [{ line: 25, message: 'none of the 1 workload of namespace "shop"' }]);
  });

  it('does not count workloads of another namespace', () => {
    expectFindings(check, workloads.replace('namespace: shop}\nspec:\n  template:\n    metadata:\n      labels: {app: db}', 'namespace: data}\nspec:\n  template:\n    metadata:\n      labels: {app: db}') + policy('{matchLabels: {app: db}}'), [
      { line: 25, message: 'none of the 1 workload of namespace "shop" (Deployment "web"' },
    ]);
  });
});
