import { describe, it } from 'node:test';
import check from '../../../src/checks/networking/ingress-without-tls.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('ingress-without-tls', () => {
  it('fires on an Ingress without spec.tls, pointing at spec', () => {
    expectFindings(
      check,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
`,
      [{ line: 4, severity: 'warning', message: '"shop.example.com"' }],
    );
  });

  it('still fires when Traefik also serves the plain-HTTP entrypoint', () => {
    expectFindings(
      check,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: both
  annotations:
    traefik.ingress.kubernetes.io/router.entrypoints: web,websecure
spec:
  rules:
    - host: shop.example.com
`,
      [{ line: 7 }],
    );
  });

  it('fires per host not covered by a tls entry, honouring one-label wildcards', () => {
    expectFindings(
      check,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: multi}
spec:
  tls:
    - hosts: ["*.example.com"]
      secretName: wildcard
  rules:
    - host: api.example.com
    - host: example.com
    - host: a.b.example.com
    - host: api.example.com
`,
      [
        { line: 10, message: 'host "example.com"' },
        { line: 11, message: 'host "a.b.example.com"' },
      ],
    );
  });

  it('is silent when every host is covered, on tls without hosts, cloud-LB TLS annotations and partial objects', () => {
    expectNone(
      check,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ok}
spec:
  tls:
    - hosts: [shop.example.com, API.example.com]
      secretName: shop
  rules:
    - host: shop.example.com
    - host: api.example.com
    - http: {paths: []}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: default-cert}
spec:
  tls:
    - secretName: default
  rules:
    - host: anything.example.com
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: alb
  annotations:
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
spec:
  rules:
    - host: shop.example.com
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: traefik
  annotations:
    traefik.ingress.kubernetes.io/router.entrypoints: websecure
spec:
  rules:
    - host: shop.example.com
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: patch}
spec:
  ingressClassName: nginx
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: odd}
spec: "nope"
`,
    );
  });

  it('ingress-nginx: a host another nginx Ingress of its namespace serves with TLS is covered; other classes and namespaces are not', () => {
    const ing = (name: string, cls: string, tls: boolean, ns = 'web') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, namespace: ${ns}}
spec:
  ingressClassName: ${cls}
${tls ? '  tls: [{hosts: [app.example.com], secretName: app-tls}]\n' : ''}  rules:
    - host: app.example.com
      http:
        paths: [{path: /${name}, pathType: Prefix, backend: {service: {name: ${name}, port: {number: 80}}}}]
`;
    // The oauth2 callback path split into its own Ingress: served by the same nginx server, with its certificate.
    expectNone(check, `${ing('app', 'nginx', true)}---\n${ing('oauth2', 'nginx', false)}`);
    // In another namespace (or folder) it may be another cluster's: still reported.
    expectFindings(check, `${ing('app', 'nginx', true)}---\n${ing('oauth2', 'nginx', false, 'auth')}`, [{ object: 'oauth2' }]);
    // Another version of the same Ingress (ingress-with-tls.yaml beside ingress-without-tls.yaml) is an alternative, not a second Ingress.
    expectFindings(check, `${ing('oauth2', 'nginx', true)}---\n${ing('oauth2', 'nginx', false)}`, [{ object: 'oauth2', message: 'served over plain HTTP only' }]);
    // Another controller does not merge Ingresses by host.
    expectFindings(check, `${ing('app', 'traefik', true)}---\n${ing('oauth2', 'traefik', false)}`, [{ object: 'oauth2', message: 'served over plain HTTP only' }]);
    // Alone: reported.
    expectFindings(check, ing('oauth2', 'nginx', false), [{ object: 'oauth2' }]);
  });
});
