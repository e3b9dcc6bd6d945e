import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/netpol-pod-not-isolated.js';
import { emptyConfig } from '../../../src/engine/config.js';
import { audit } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers: [{name: app, image: web:1}]
---
`;

describe('netpol-pod-not-isolated', () => {
  it('fires firmly when the namespace has policies but none selects the pods for ingress', () => {
    const found = expectFindings(
      check,
      `${web}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
`,
      [{ line: 7, object: 'web', severity: 'warning', message: 'no NetworkPolicy in namespace "shop" selects its pods (app=web, tier=front) for ingress (the namespace has NetworkPolicy "api-only", none selecting these labels)' }],
    );
    assert.equal(found[0].unknown, null);
  });

  it('is unknown when a Calico policy of the namespace (its own NetworkPolicy kind) may isolate the pods', () => {
    const found = expectFindings(
      check,
      `${web}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: calico-web, namespace: shop}
spec:
  selector: app == 'web'
`,
      [{ line: 7, message: 'none selecting these labels' }],
    );
    assert.equal(found[0].unknown, 'NetworkPolicy "calico-web" in the input may also act on these pods (policies of other APIs are not evaluated)');
  });

  it('names a policy that selects the pods for Egress only', () => {
    const found = expectFindings(
      check,
      `${web}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-lock, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
`,
      [{ line: 7, message: 'NetworkPolicy "egress-lock" selects them for Egress only' }],
    );
    assert.equal(found[0].unknown, null);
  });

  it('is unknown when the namespace has no policy in the input (policies elsewhere do not count), firm with --complete', () => {
    const yaml = `${web}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: other}
spec:
  podSelector: {}
`;
    const found = expectFindings(check, yaml, [{ line: 7, message: 'every pod in the cluster can connect' }]);
    assert.equal(found[0].unknown, 'no NetworkPolicy in namespace "shop" in the input');
    const r = audit({ resources: loadText(yaml, 'x.yaml').resources }, { checks: [check], complete: true });
    const f = r.verdicts.flatMap((v) => v.findings);
    assert.equal(f.length, 1);
    assert.equal(f[0].unknown, null);
  });

  it('is silent when a policy selects the pods for ingress: {}, matchExpressions, policyTypes omitted with egress rules', () => {
    for (const spec of [
      'podSelector: {}',
      'podSelector: {}\n  ingress: [{}]',
      'podSelector:\n    matchExpressions: [{key: tier, operator: In, values: [front, back]}]',
      'podSelector: {matchLabels: {app: web}}\n  egress: [{}]',
      'podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress, Egress]',
    ]) {
      expectNone(check, `${web}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  ${spec}\n`);
    }
  });

  it('is silent when a policy may select the pods (templated selector, fragment without podSelector)', () => {
    expectNone(check, `${web}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: '{{ .Values.app }}'}}\n`);
    expectNone(check, `${web}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  policyTypes: [Ingress]\n`);
  });

  it('is silent for hostNetwork pods, workloads without labels and non-service classes', () => {
    const policy = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: none}}\n`;
    expectNone(check, `${web.replace('    spec:\n', '    spec:\n      hostNetwork: true\n')}${policy}`);
    expectNone(check, `${web.replace('      labels: {app: web, tier: front}\n', '')}${policy}`);
    expectNone(check, `${web.replace('kind: Deployment', 'kind: DaemonSet')}${policy}`);
  });
});

describe('netpol-pod-not-isolated beside exposed-without-network-policy', () => {
  it('pods exposed outside the cluster (LoadBalancer, Ingress) are left to exposed-without-network-policy: one finding, not two', async () => {
    const { default: exposed } = await import('../../../src/checks/networking/exposed-without-network-policy.js');
    const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
---
`;
    const lb = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80}]
`;
    const checks = (yaml: string) => audit({ resources: loadText(yaml, 'x.yaml').resources }, { checks: [check, exposed] }).verdicts.flatMap((v) => v.findings).map((f) => f.check);
    assert.deepEqual(checks(web + policy + lb), ['exposed-without-network-policy']);
    assert.deepEqual(checks(web + policy + lb.replace('type: LoadBalancer', 'type: ClusterIP')), ['netpol-pod-not-isolated']);
    // exposed-without-network-policy turned off in the config: the exposed pods are reported here.
    const config = emptyConfig();
    config.checks['exposed-without-network-policy'] = { enabled: false };
    const off = audit({ resources: loadText(web + policy + lb, 'x.yaml').resources }, { checks: [check, exposed], config }).verdicts.flatMap((v) => v.findings);
    assert.deepEqual(off.map((f) => f.check), ['netpol-pod-not-isolated']);
    assert.match(off[0].message, /api-only/);
  });
});
