import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/netpol-no-default-deny.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-4.
const nsShop = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
`;

function deploy(name: string, labels: string, ns = 'shop'): string {
  // 10 lines; metadata on line 3, labels on line 7.
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template:
    metadata:
      labels: ${labels}
    spec:
      containers: [{name: app, image: ${name}:1}]
---
`;
}

function policy(name: string, spec: string, ns = 'shop'): string {
  // spec starts on line 5.
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
  ${spec.split('\n').join('\n  ')}
---
`;
}

const webPolicy = policy('web', 'podSelector: {matchLabels: {app: web}}');
const apiPolicy = policy('api', 'podSelector: {matchLabels: {app: api}}\npolicyTypes: [Ingress]');

describe('netpol-no-default-deny', () => {
  it('warns on the Namespace object, naming the open workloads', () => {
    const found = expectFindings(check, nsShop + deploy('web', '{app: web}') + deploy('worker', '{app: worker}') + webPolicy, [
      {
        line: 3,
        object: 'shop',
        severity: 'warning',
        message: 'namespace "shop" has no default-deny NetworkPolicy (podSelector: {} with Ingress; its policy "web" selects specific pods): 1 of its 2 workloads ("worker") accepts connections from every pod in the cluster',
      },
    ]);
    assert.equal(found[0].unknown, null);
    assert.deepEqual(found[0].related.map((r) => [r.object.name, r.location.line]), [['worker', 21]]);
  });

  it('is info when every workload is isolated by its own policy', () => {
    expectFindings(check, nsShop + deploy('web', '{app: web}') + deploy('api', '{app: api}') + webPolicy + apiPolicy, [
      { line: 3, severity: 'info', message: 'its policies ("api", "web") isolate each of its 2 workloads, but a workload added later' },
    ]);
  });

  it('leaves hostNetwork workloads out: not open, not counted as isolated', () => {
    const host = deploy('agent', '{app: agent}').replace('    spec:\n', '    spec:\n      hostNetwork: true\n');
    expectFindings(check, nsShop + deploy('web', '{app: web}') + host + webPolicy, [
      { line: 3, severity: 'info', message: 'its policies ("web") isolate its only workload on the pod network' },
    ]);
    expectNone(check, nsShop + host + webPolicy);
  });

  it('a Job that declares no port (a Helm hook) listens on nothing: it does not make the namespace open; one with a port does', () => {
    const hook = `apiVersion: batch/v1
kind: Job
metadata:
  name: startupapicheck
  namespace: shop
  annotations: {helm.sh/hook: post-install}
spec:
  template:
    metadata:
      labels: {app: check}
    spec:
      restartPolicy: OnFailure
      containers: [{name: check, image: check:1}]
---
`;
    expectFindings(check, nsShop + deploy('web', '{app: web}') + hook + webPolicy, [
      { line: 3, severity: 'info', message: 'its policies ("web") isolate its only workload (Jobs that declare no port aside), but a workload added later' },
    ]);
    const listening = hook.replace('containers: [{name: check, image: check:1}]', 'containers: [{name: check, image: check:1, ports: [{containerPort: 8080}]}]');
    expectFindings(check, nsShop + deploy('web', '{app: web}') + listening + webPolicy, [
      { line: 3, severity: 'warning', message: '1 of its 2 workloads ("startupapicheck") accepts connections from every pod in the cluster' },
    ]);
    // With no NetworkPolicy at all: a namespace of port-less Jobs only is not reported; they are not counted beside a Deployment.
    expectNone(check, nsShop + hook);
    const found = expectFindings(check, nsShop + deploy('web', '{app: web}') + hook, [
      { line: 3, message: 'namespace "shop" has 1 workload that may listen (Jobs that declare no port aside) and no NetworkPolicy selecting all its pods' },
    ]);
    assert.deepEqual(found[0].related.map((r) => r.object.name), ['web']);
    expectFindings(check, nsShop + listening, [{ line: 3, message: 'namespace "shop" has 1 workload and no NetworkPolicy' }]);
  });

  it('is unknown when the namespace has no NetworkPolicy in the input', () => {
    const found = expectFindings(check, nsShop + deploy('web', '{app: web}'), [{ line: 3, message: 'namespace "shop" has 1 workload and no NetworkPolicy selecting all its pods' }]);
    assert.equal(found[0].unknown, 'no NetworkPolicy in namespace "shop" in the input');
  });

  it('without a Namespace object: attaches once to the first policy, else to the first workload', () => {
    expectFindings(check, deploy('web', '{app: web}') + deploy('worker', '{app: worker}') + webPolicy, [{ line: 25, object: 'web', message: '1 of its 2 workloads ("worker")' }]);
    const found = expectFindings(check, deploy('web', '{app: web}') + deploy('worker', '{app: worker}'), [{ line: 3, object: 'web', message: 'has 2 workloads and no NetworkPolicy' }]);
    assert.equal(found[0].object.kind, 'Deployment');
  });

  it('is silent with a default-deny: podSelector {} with policyTypes omitted, with rules, or Ingress listed', () => {
    for (const spec of ['podSelector: {}', 'podSelector: {}\ningress: [{from: [{podSelector: {}}]}]', 'podSelector: {}\npolicyTypes: [Ingress, Egress]', 'podSelector: {}\negress: [{}]']) {
      expectNone(check, nsShop + deploy('web', '{app: web}') + policy('default-deny', spec));
    }
  });

  it('an egress-only or other-namespace podSelector {} is no default-deny for ingress', () => {
    expectFindings(check, nsShop + deploy('web', '{app: web}') + policy('deny-egress', 'podSelector: {}\npolicyTypes: [Egress]'), [{ line: 3, message: '1 of its 1 workload ("web")' }]);
    const found = expectFindings(check, nsShop + deploy('web', '{app: web}') + policy('deny', 'podSelector: {}', 'other'), [{ line: 3, object: 'shop', message: 'no NetworkPolicy selecting all its pods' }]);
    assert.ok(found[0].unknown);
  });

  it('is silent for namespaces without workloads and for system namespaces', () => {
    expectNone(check, nsShop + webPolicy);
    expectNone(check, deploy('coredns', '{k8s-app: kube-dns}', 'kube-system') + policy('p', 'podSelector: {matchLabels: {a: b}}', 'kube-system'));
  });
});
