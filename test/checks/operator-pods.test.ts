/**
 * Pods that prometheus-operator creates from Prometheus, Alertmanager and ThanosRuler objects of the
 * input (src/model/operator-pods.ts): Services, budgets and policies written for them select them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import serviceSelectsNothing from '../../src/checks/networking/service-selects-nothing.js';
import pdbSelectsNothing from '../../src/checks/availability/pdb-selects-nothing.js';
import netpolSelectsNothing from '../../src/checks/networking/netpol-selects-nothing.js';
import { expectNone, runCheck } from '../helpers/check-tester.js';
import { operatorPodLabels } from '../../src/model/operator-pods.js';
import { loadText } from '../../src/sources/resources.js';

const prometheus = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
  podMetadata:
    labels: {app.kubernetes.io/part-of: kube-prometheus, app.kubernetes.io/component: prometheus}
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec:
  replicas: 3
---
`;

const service = (selector: string) => `apiVersion: v1
kind: Service
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  selector: ${selector}
  ports: [{name: web, port: 9090, targetPort: web}]
`;

describe('pods of prometheus-operator custom resources', () => {
  it('carry the operator\'s labels and their podMetadata labels', () => {
    const [p, a] = loadText(prometheus, 'm.yaml').resources;
    assert.deepEqual(operatorPodLabels(p), {
      'app.kubernetes.io/part-of': 'kube-prometheus',
      'app.kubernetes.io/component': 'prometheus',
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': 'k8s',
      prometheus: 'k8s',
      'operator.prometheus.io/name': 'k8s',
      'operator.prometheus.io/shard': '0',
    });
    assert.equal(operatorPodLabels(a)?.alertmanager, 'main');
  });

  it('a Service, a PodDisruptionBudget and a NetworkPolicy selecting them select something', () => {
    expectNone(serviceSelectsNothing, prometheus + service('{app.kubernetes.io/name: prometheus, app.kubernetes.io/part-of: kube-prometheus, prometheus: k8s}'));
    expectNone(
      pdbSelectsNothing,
      `${prometheus}apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: alertmanager-main, namespace: monitoring}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app.kubernetes.io/name: alertmanager, alertmanager: main}
`,
    );
    expectNone(
      netpolSelectsNothing,
      `${prometheus}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  podSelector:
    matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [prometheus]}]
  policyTypes: [Ingress]
`,
    );
  });

  it('a selector they do not match still selects nothing; so does one in another namespace', () => {
    assert.equal(runCheck(serviceSelectsNothing, prometheus + service('{app.kubernetes.io/name: prometheus, prometheus: other}')).length, 1);
    assert.equal(runCheck(serviceSelectsNothing, prometheus + service('{prometheus: k8s}').replace('namespace: monitoring}', 'namespace: apps}')).length, 1);
  });
});
