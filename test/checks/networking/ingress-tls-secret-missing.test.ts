import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/ingress-tls-secret-missing.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Ten lines; the first tls entry (and its secretName) is on line 9.
const ingress = (annotations = '{}', tls = '    - {hosts: [shop.example.com], secretName: shop-tls}', apiVersion = 'networking.k8s.io/v1') => `apiVersion: ${apiVersion}
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations: ${annotations}
spec:
  tls:
${tls}
  rules: [{host: shop.example.com}]
`;

const secret = (name = 'shop-tls', ns = 'shop') => `---
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${ns}}
type: kubernetes.io/tls
data: {tls.crt: eA==, tls.key: eA==}
`;

describe('ingress-tls-secret-missing', () => {
  it('reports a secretName not in the input as unknown, at the secretName', () => {
    const found = expectFindings(check, ingress(), [
      { line: 9, severity: 'error', message: 'TLS Secret "shop-tls" is not in namespace "shop" in the input' },
    ]);
    assert.match(found[0].message, /serves its default certificate for "shop\.example\.com"/);
    assert.equal(found[0].unknown, 'no Secret "shop-tls" in namespace shop');
    // The older API versions too; a second entry gets its own finding.
    expectFindings(
      check,
      ingress('{}', '    - {hosts: [a.example.com], secretName: a-tls}\n    - secretName: b-tls\n      hosts: [b.example.com]', 'extensions/v1beta1'),
      [
        { line: 9, message: '"a-tls"' },
        { line: 10, message: '"b-tls"' },
      ],
    );
  });

  it('is silent when the Secret is in the namespace (metadata is enough), not when it is in another', () => {
    expectNone(check, ingress() + secret());
    expectFindings(check, ingress() + secret('shop-tls', 'other'), [{ line: 9 }]);
  });

  it('is silent when cert-manager or ACME will create the Secret', () => {
    expectNone(check, ingress('{cert-manager.io/cluster-issuer: letsencrypt}'));
    expectNone(check, ingress('{cert-manager.io/issuer: internal-ca}'));
    expectNone(check, ingress('{kubernetes.io/tls-acme: "true"}'));
    const certificate = `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: shop, namespace: shop}
spec:
  secretName: shop-tls
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
  dnsNames: [shop.example.com]
`;
    expectNone(check, ingress() + certificate);
    // A Certificate for another namespace, or another Secret name, does not count.
    expectFindings(check, ingress() + certificate.replace('namespace: shop', 'namespace: other'), [{ line: 9 }]);
    expectFindings(check, ingress() + certificate.replace('secretName: shop-tls', 'secretName: other-tls'), [{ line: 9 }]);
    const externalSecret = `---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: shop-cert, namespace: shop}
spec:
  target: {name: shop-tls}
`;
    expectNone(check, ingress() + externalSecret);
  });

  it('skips entries without secretName, namespace-qualified and templated names', () => {
    expectNone(check, ingress('{}', '    - hosts: [shop.example.com]'));
    expectNone(check, ingress('{}', '    - {hosts: [shop.example.com], secretName: certs/shop-tls}'));
    expectNone(check, ingress('{}', '    - {hosts: [shop.example.com], secretName: "{{ .Values.tls }}"}'));
    expectNone(check, ingress('{}', '    - {hosts: [shop.example.com], secretName: __INGRESS_SECRET__}'));
  });

  it('fails with --complete', () => {
    const resources = loadText(ingress(), 'ing.yaml', loadPlan([check])).resources;
    const r = audit({ resources }, { checks: [check], complete: true });
    assert.equal(r.verdicts[0].findings[0].unknown, null);
    assert.equal(r.verdicts[0].ready, false);
  });
});
