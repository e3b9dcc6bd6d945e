import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/ingress-backend-missing.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-10; the ports list starts on line 7.
const service = (ns = 'namespace: shop', type = 'ClusterIP') => `apiVersion: v1
kind: Service
metadata: {name: web, ${ns}}
spec:
  type: ${type}
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: admin, port: 9000}
---
`;

// A networking.k8s.io/v1 Ingress starting on line 11; the backend port is on line 21.
const ingressV1 = (port: string, name = 'web', ns = 'namespace: shop') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, ${ns}}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: ${name}, port: ${port}}}
`;

// The older shape, starting on line 11 after a Service; serviceName on line 20, servicePort on line 21.
const ingressBeta = (port: string, apiVersion = 'extensions/v1beta1', name = 'web') => `apiVersion: ${apiVersion}
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - path: /
            backend:
              serviceName: ${name}
              servicePort: ${port}
`;

describe('ingress-backend-missing', () => {
  it('errors when the Service is in the input but has no such port number, with the Service ports as related', () => {
    const found = expectFindings(check, service() + ingressV1('{number: 8080}'), [
      { line: 21, severity: 'warning', message: 'backend Service "web" has no port 8080 (its ports: 80 ("http"), 9000 ("admin")); 8080 is a targetPort, which ingress-nginx accepts' },
    ]);
    assert.equal(found[0].related[0].object.name, 'web');
    assert.equal(found[0].related[0].location.line, 7);
    const f = expectFindings(check, service() + ingressV1('{number: 443}'), [
      { line: 21, severity: 'error', message: 'backend Service "web" has no port 443 (its ports: 80 ("http"), 9000 ("admin")): the controller answers 503' },
    ]);
    assert.equal(f[0].unknown, null);
  });

  it('checks port names against spec.ports[].name', () => {
    expectFindings(check, service() + ingressV1('{name: https}'), [{ line: 21, severity: 'error', message: 'backend Service "web" has no port named "https" (its ports' }]);
    expectNone(check, service() + ingressV1('{name: admin}'));
    expectNone(check, service() + ingressV1('{number: 80}'));
  });

  it('reads extensions/v1beta1 and networking.k8s.io/v1beta1 serviceName/servicePort and spec.backend', () => {
    expectFindings(check, service() + ingressBeta('8443'), [{ line: 21, severity: 'error', message: 'has no port 8443' }]);
    expectFindings(check, service() + ingressBeta('grpc', 'networking.k8s.io/v1beta1'), [{ line: 21, message: 'has no port named "grpc"' }]);
    expectNone(check, service() + ingressBeta('http'));
    expectNone(check, service() + ingressBeta('"80"'));
    const defaultBackend = `apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  backend: {serviceName: web, servicePort: 81}
`;
    expectFindings(check, service() + defaultBackend, [{ line: 15, message: 'has no port 81' }]);
  });

  it('reports a Service absent from the input as unknown, also for defaultBackend', () => {
    const found = expectFindings(check, ingressV1('{number: 80}', 'api'), [
      { line: 11, message: 'backend Service "api" (port 80) is not in namespace "shop" in the input' },
    ]);
    assert.equal(found[0].unknown, 'no Service "api" in namespace shop');
    const def = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  defaultBackend:
    service: {name: fallback, port: {number: 80}}
`;
    assert.ok(expectFindings(check, def, [{ line: 6, message: 'Service "fallback"' }])[0].unknown);
    // The same name in another namespace does not count.
    assert.ok(expectFindings(check, service('namespace: other') + ingressV1('{number: 80}'), [{ line: 21 }])[0].unknown);
  });

  it('fails with --complete when the Service is absent', () => {
    const resources = loadText(ingressV1('{number: 80}', 'api'), 'shop/ingress.yaml', loadPlan([check])).resources;
    const r = audit({ resources }, { checks: [check], complete: true });
    assert.equal(r.verdicts[0].findings[0].unknown, null);
    assert.equal(r.verdicts[0].ready, false);
  });

  it('skips resource backends, templated values, ExternalName Services and Services without ports', () => {
    const resourceBackend = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  defaultBackend:
    resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}
`;
    expectNone(check, resourceBackend);
    expectNone(check, ingressV1('{number: 80}', '"{{ .Values.service }}"'));
    expectNone(check, ingressV1('{number: 80}', '"${SERVICE}"'));
    expectNone(check, service('namespace: shop', 'ExternalName') + ingressV1('{number: 8443}'));
    const portless = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, annotations: {patched: "yes"}}
---
`;
    expectNone(check, portless + ingressV1('{number: 8443}'));
    // AWS Load Balancer Controller actions name an annotation, not a Service.
    expectNone(check, ingressV1('{name: use-annotation}', 'ssl-redirect'));
    const action = ingressV1('{number: 80}', 'forward-two').replace('namespace: shop}', 'namespace: shop, annotations: {alb.ingress.kubernetes.io/actions.forward-two: "{}"}}');
    expectNone(check, action);
  });

  it('only claims a port error against a Service deployed with the Ingress (namespace-less files in other folders)', () => {
    const plan = loadPlan([check]);
    const load = (files: [string, string][]) => files.flatMap(([f, t]) => loadText(t, f, plan).resources);
    const none = 'labels: {}';
    const apart = audit({ resources: load([['a/svc.yaml', service(none)], ['b/ing.yaml', ingressV1('{number: 443}', 'web', none)]]) }, { checks: [check] });
    const f = apart.verdicts.flatMap((v) => v.findings);
    assert.equal(f.length, 1);
    assert.ok(f[0].unknown, 'a Service in another folder is not proof of a wrong port');
    const fine = audit({ resources: load([['a/svc.yaml', service(none)], ['b/ing.yaml', ingressV1('{number: 80}', 'web', none)]]) }, { checks: [check] });
    assert.equal(fine.verdicts.flatMap((v) => v.findings).length, 0);
    const together = audit({ resources: load([['a/svc.yaml', service(none)], ['a/ing.yaml', ingressV1('{number: 443}', 'web', none)]]) }, { checks: [check] });
    const g = together.verdicts.flatMap((v) => v.findings);
    assert.equal(g.length, 1);
    assert.equal(g[0].unknown, null);
    assert.equal(g[0].related[0].location.file, 'a/svc.yaml');
  });

  it('reports one finding per Service and port even when several paths use it', () => {
    const twice = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - {path: /a, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
          - {path: /b, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
          - {path: /c, pathType: Prefix, backend: {service: {name: api, port: {number: 81}}}}
`;
    expectFindings(check, twice, [{ line: 8, message: '(port 80)' }, { line: 10, message: '(port 81)' }]);
  });
});
