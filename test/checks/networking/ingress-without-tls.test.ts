import { describe, it } from 'node:test';
import check from '../../../src/checks/networking/ingress-without-tls.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { applyFixes } from '../../helpers/apply-fix.js';

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

const ING = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: storefront, namespace: shop}
spec:
  rules:
    - host: shop.example.org
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
    - host: "on.example.org"
    - host: shop.example.org
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: part}
spec:
  tls: [{hosts: [a.example.org], secretName: part-tls}]
  rules:
    - host: a.example.org
    - host: b.example.org
    - host: c.example.org
`;

describe('ingress-without-tls: the fix lists the Ingress\'s own hosts', () => {
  it('no spec.tls: one entry with every rule host, a Secret named after the Ingress, -n when the namespace is known', () => {
    const [f] = runCheck(check, ING).filter((x) => x.object.name === 'storefront');
    assert.equal(
      f.fixYaml,
      `# Secret storefront-tls must hold the certificate: cert-manager issues it when the Ingress is annotated with cert-manager.io/cluster-issuer (or issuer), else create it: kubectl create secret tls storefront-tls --cert=FILE --key=FILE -n shop
spec:
  tls:
    - hosts:
        - shop.example.org
        - on.example.org
      secretName: storefront-tls`,
    );
  });

  it('uncovered hosts: the entries it has, plus one for the hosts they miss (a Secret name not taken), the same for each finding', () => {
    const found = runCheck(check, ING).filter((x) => x.object.name === 'part');
    assert.equal(found.length, 2);
    assert.equal(found[0].fixYaml, found[1].fixYaml);
    const patch = yaml.load(found[0].fixYaml!) as { spec: { tls: unknown[] } };
    assert.deepEqual(patch.spec.tls, [
      { hosts: ['a.example.org'], secretName: 'part-tls' },
      { hosts: ['b.example.org', 'c.example.org'], secretName: 'part-tls-2' },
    ]);
    assert.doesNotMatch(found[0].fixYaml!, / -n /);
  });

  it('a default backend without hosts: a tls entry without hosts (it covers every host)', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: all}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`;
    const [f] = runCheck(check, text);
    assert.match(f.fixYaml!, /\nspec:\n {2}tls:\n {4}- secretName: all-tls$/);
    assert.deepEqual(applyFixes(check, text).after, []);
  });

  it('applying each finding\'s fix clears them all', () => {
    const { before, after, fixed } = applyFixes(check, ING);
    assert.equal(before.length, 3);
    assert.deepEqual(after.map((x) => x.message), [], fixed);
  });
});
