import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ResourceIndex } from '../../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../../src/model/types.js';
import check from '../../../src/checks/networking/gateway-route-backend-missing.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-8.
const service = (ns = 'shop', name = 'web') => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 8080, targetPort: 3000}
---
`;

// An HTTPRoute; after one Service (8 lines) it starts on line 9 and its first backendRef is on line 17.
const route = (refs: string, kind = 'HTTPRoute', apiVersion = 'gateway.networking.k8s.io/v1') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: gw}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs:
${refs}
`;

const grant = (fromKind = 'HTTPRoute', fromNs = 'shop', to = '{group: "", kind: Service}') => `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-shop, namespace: backend}
spec:
  from: [{group: gateway.networking.k8s.io, kind: ${fromKind}, namespace: ${fromNs}}]
  to: [${to}]
`;

describe('gateway-route-backend-missing', () => {
  it('errors when the Service is in the input without the port (backendRef without kind, and kind Service)', () => {
    const found = expectFindings(check, service() + route('        - {name: web, port: 80}'), [
      { line: 17, severity: 'error', message: 'backendRef Service "web" has no port 80 (its ports: 8080 ("http")): the route does not resolve' },
    ]);
    assert.equal(found[0].unknown, null);
    assert.equal(found[0].related[0].location.line, 6);
    expectFindings(check, service() + route('        - {group: "", kind: Service, name: web, port: 3000}'), [
      { line: 17, message: '(3000 is a targetPort; backendRefs name the Service port)' },
    ]);
    expectNone(check, service() + route('        - {name: web, port: 8080}'));
    expectNone(check, service() + route('        - {kind: Service, name: web, port: 8080, weight: 90}'));
  });

  it('reads v1beta1 routes, GRPCRoute and requestMirror backends', () => {
    expectFindings(check, service() + route('        - {name: web, port: 9090}', 'GRPCRoute', 'gateway.networking.k8s.io/v1'), [{ line: 17, message: 'no port 9090' }]);
    expectFindings(check, service() + route('        - {name: web, port: 9090}', 'HTTPRoute', 'gateway.networking.k8s.io/v1beta1'), [{ line: 17 }]);
    const mirror = service() + route(`        - name: web
          port: 8080
      filters:
        - type: RequestMirror
          requestMirror: {backendRef: {name: web, port: 81}}`);
    expectFindings(check, mirror, [{ line: 21, message: 'no port 81' }]);
  });

  it('skips other kinds and groups, weight 0, templated names and other API groups', () => {
    expectNone(check, service() + route('        - {group: multicluster.x-k8s.io, kind: ServiceImport, name: web, port: 80}'));
    expectNone(check, service() + route('        - {group: inference.networking.k8s.io, kind: InferencePool, name: pool}'));
    expectNone(check, service() + route('        - {kind: Backend, name: web, port: 80}'));
    expectNone(check, service() + route('        - {name: web, port: 80, weight: 0}'));
    expectNone(check, route('        - {name: "{{ .Values.svc }}", port: 80}'));
    expectNone(check, service() + route('        - {name: web, port: 80}', 'HTTPRoute', 'example.com/v1'));
  });

  it('reports a Service absent from the input as unknown, failing with --complete', () => {
    const found = expectFindings(check, route('        - {name: api, port: 80}'), [{ line: 9, message: 'backendRef Service "api" (port 80) is not in namespace "shop" in the input' }]);
    assert.equal(found[0].unknown, 'no Service "api" in namespace shop');
    const resources = loadText(route('        - {name: api, port: 80}'), 'r.yaml', loadPlan([check])).resources;
    const r = audit({ resources }, { checks: [check], complete: true });
    assert.equal(r.verdicts[0].findings[0].unknown, null);
    assert.equal(r.verdicts[0].ready, false);
  });

  it('needs a ReferenceGrant for a cross-namespace Service: unknown without one in the input', () => {
    const ref = '        - {name: web, namespace: backend, port: 8080}';
    const found = expectFindings(check, service('backend') + route(ref), [
      { line: 17, message: 'is in namespace "backend", and no ReferenceGrant in "backend" in the input lets HTTPRoutes from "shop" use it' },
    ]);
    assert.equal(found[0].unknown, 'no ReferenceGrant in namespace backend allowing HTTPRoute from shop');
    assert.equal(found[0].related[0].object.namespace, 'backend');
    expectNone(check, service('backend') + route(ref) + grant());
    expectNone(check, service('backend') + route(ref) + grant('HTTPRoute', 'shop', '{group: "", kind: Service, name: web}'));
    // Grants for another route kind, another namespace or another Service do not allow it.
    for (const g of [grant('GRPCRoute'), grant('HTTPRoute', 'other'), grant('HTTPRoute', 'shop', '{group: "", kind: Service, name: api}')]) {
      assert.ok(expectFindings(check, service('backend') + route(ref) + g, [{ line: 17 }])[0].unknown);
    }
    // The cross-namespace Service missing from the input, and a wrong port on a present one.
    assert.match(expectFindings(check, route(ref), [{ line: 9 }])[0].message, /Service "web" \(port 8080\) is not in namespace "backend"/);
    const wrongPort = expectFindings(check, service('backend') + route('        - {name: web, namespace: backend, port: 80}') + grant(), [{ line: 17, message: 'has no port 80' }]);
    assert.equal(wrongPort[0].unknown, null);
  });

  it('only claims a port error for a Service deployed with the route (namespace-less files in other folders)', () => {
    const plan = loadPlan([check]);
    const svcText = service().replace('namespace: shop', 'labels: {}');
    const routeText = route('        - {name: web, port: 80}').replace('namespace: shop', 'labels: {}');
    const load = (files: [string, string][]) => files.flatMap(([f, t]) => loadText(t, f, plan).resources);
    const apart = audit({ resources: load([['a/svc.yaml', svcText], ['b/route.yaml', routeText]]) }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.equal(apart.length, 1);
    assert.ok(apart[0].unknown);
    const together = audit({ resources: load([['a/svc.yaml', svcText], ['a/route.yaml', routeText]]) }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.equal(together.length, 1);
    assert.equal(together[0].unknown, null);
  });

  it('never throws on odd routes, Services and grants', () => {
    const any = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
    const word = (...xs: Json[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));
    const ref = fc.oneof(any, fc.record({ group: word('', 'x'), kind: word('Service', 'Other'), name: word('web'), namespace: word('shop', 'backend'), port: word(80, 8080, 'x'), weight: word(0, 1) }, { requiredKeys: [] }));
    const rule = fc.oneof(any, fc.record({ backendRefs: fc.oneof(any, fc.array(ref, { maxLength: 2 })), filters: fc.oneof(any, fc.array(fc.record({ requestMirror: fc.record({ backendRef: ref }) }), { maxLength: 1 })) }, { requiredKeys: [] }));
    const mk = (kind: string, apiVersion: string, namespace: string, object: JsonObject): Resource => ({
      apiVersion, kind, name: 'web', namespace, object, origin: { file: 'f', doc: 0, locate: () => null },
    });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 2 }), any, any, (rules, ports, grantSpec) => {
        const route = mk('HTTPRoute', 'gateway.networking.k8s.io/v1', 'shop', { spec: { rules } } as JsonObject);
        const objects = [
          route,
          mk('Service', 'v1', 'backend', { spec: { ports } } as JsonObject),
          mk('ReferenceGrant', 'gateway.networking.k8s.io/v1beta1', 'backend', { spec: grantSpec } as JsonObject),
        ];
        const found = check.run({ resource: route, params: {}, index: new ResourceIndex(objects) });
        for (const f of found) assert.doesNotMatch(f.message, /undefined|NaN|\[object Object\]/);
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
