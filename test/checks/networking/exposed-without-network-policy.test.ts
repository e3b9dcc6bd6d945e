import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/exposed-without-network-policy.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-10.
const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: app, image: web:1, ports: [{name: http, containerPort: 8080}]}]
---
`;

function service(type: string, name = 'web'): string {
  // Lines 11-18 after `web`; type on line 15.
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec:
  type: ${type}
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
`;
}

// Lines 19-32 after web + service; the backend service name on line 31.
const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port: {number: 80}
---
`;

const otherPolicy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
`;

describe('exposed-without-network-policy', () => {
  it('fires for a LoadBalancer Service, related to it', () => {
    const found = expectFindings(check, web + service('LoadBalancer') + otherPolicy, [
      { line: 7, object: 'web', severity: 'warning', message: 'its pods (app=web) are exposed outside the cluster (Service "web" is type LoadBalancer) but no NetworkPolicy in namespace "shop" isolates them for ingress' },
    ]);
    assert.equal(found[0].unknown, null);
    assert.deepEqual(found[0].related.map((r) => [r.object.kind, r.location.line]), [['Service', 15]]);
  });

  it('fires for a ClusterIP Service behind an Ingress, related to both', () => {
    const found = expectFindings(check, web + service('ClusterIP') + ingress + otherPolicy, [{ line: 7, message: 'Ingress "shop" routes to Service "web"' }]);
    assert.deepEqual(found[0].related.map((r) => [r.object.kind, r.location.line]), [['Service', 16], ['Ingress', 31]]);
  });

  it('reads the v1beta1 serviceName and NodePort', () => {
    const beta = ingress.replace('networking.k8s.io/v1', 'extensions/v1beta1').replace('              service:\n                name: web\n                port: {number: 80}', '              serviceName: web\n              servicePort: 80');
    expectFindings(check, web + service('ClusterIP') + beta + otherPolicy, [{ line: 7, message: 'Ingress "shop" routes to Service "web"' }]);
    expectFindings(check, web + service('NodePort') + otherPolicy, [{ line: 7, message: 'Service "web" is type NodePort' }]);
  });

  it('names a Service once when the input holds several copies of it', () => {
    const found = expectFindings(check, web + service('LoadBalancer') + service('LoadBalancer') + otherPolicy, [{ line: 7, message: '(Service "web" is type LoadBalancer) but' }]);
    assert.equal(found[0].related.length, 1);
  });

  it('is unknown when the namespace has no NetworkPolicy in the input', () => {
    const found = expectFindings(check, web + service('LoadBalancer'), [{ line: 7, message: 'exposed outside the cluster' }]);
    assert.equal(found[0].unknown, 'no NetworkPolicy in namespace "shop" in the input');
  });

  it('is silent when a policy isolates the pods, or may', () => {
    const isolate = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]\n`;
    expectNone(check, web + service('LoadBalancer') + isolate);
    expectNone(check, web + service('LoadBalancer') + otherPolicy.replace('{matchLabels: {app: db}}', '{}'));
    expectNone(check, web + service('LoadBalancer') + otherPolicy.replace('{matchLabels: {app: db}}', "{matchLabels: {app: '${APP}'}}"));
  });

  it('is silent when not exposed: ClusterIP without Ingress, an Ingress naming another Service, another namespace', () => {
    expectNone(check, web + service('ClusterIP') + otherPolicy);
    expectNone(check, web + service('ClusterIP', 'web-internal') + ingress + otherPolicy);
    expectNone(check, web + service('LoadBalancer').replace('namespace: shop', 'namespace: other') + otherPolicy);
  });
});
