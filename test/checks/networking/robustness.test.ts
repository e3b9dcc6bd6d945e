import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checks } from '../../../src/checks/networking/index.js';
import { ResourceIndex } from '../../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../../src/model/types.js';

const any = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const word = (...xs: Json[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));
const port = fc.oneof(any, fc.record({ name: word('http'), port: word(80, 'x'), targetPort: word('http', 8080, '8080'), nodePort: word(30080) }, { requiredKeys: [] }));
const service = fc.record(
  {
    metadata: fc.oneof(any, fc.record({ annotations: fc.oneof(any, fc.dictionary(fc.constantFrom('networking.gke.io/load-balancer-type', 'x'), word('Internal'))) })),
    spec: fc.oneof(
      any,
      fc.record(
        {
          type: word('NodePort', 'LoadBalancer', 'ClusterIP'),
          ports: fc.oneof(any, fc.array(port, { maxLength: 3 })),
          selector: fc.oneof(any, fc.dictionary(fc.constantFrom('app'), word('web'))),
          externalIPs: fc.oneof(any, fc.array(word('1.2.3.4'), { maxLength: 2 })),
          loadBalancerSourceRanges: any,
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const ingress = fc.record(
  {
    metadata: any,
    spec: fc.oneof(
      any,
      fc.record(
        {
          tls: fc.oneof(any, fc.array(fc.oneof(any, fc.record({ hosts: fc.oneof(any, fc.array(word('*.a.com', 'a.com'))) }, { requiredKeys: [] })), { maxLength: 2 })),
          rules: fc.oneof(any, fc.array(fc.oneof(any, fc.record({ host: word('x.a.com', 'a.com', '') }, { requiredKeys: [] })), { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const deployment: JsonObject = {
  spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'a', ports: [{ name: 'web', containerPort: 1 }, 'odd'] }] } } },
};

describe('networking checks are total', () => {
  it('never throw on odd Services and Ingresses', () => {
    fc.assert(
      fc.property(service, ingress, (s, i) => {
        const mk = (kind: string, apiVersion: string, object: JsonObject): Resource => ({
          apiVersion, kind, name: 'x', namespace: undefined, object, origin: { file: 'f', doc: 0, locate: () => null },
        });
        const objects = [mk('Service', 'v1', s as JsonObject), mk('Ingress', 'networking.k8s.io/v1', i as JsonObject), mk('Deployment', 'apps/v1', deployment)];
        const index = new ResourceIndex(objects);
        for (const o of objects) {
          for (const check of checks) {
            if (!check.kinds?.includes(o.kind)) continue;
            const found = check.run({ resource: o, params: {}, index });
            assert.ok(Array.isArray(found));
            for (const f of found) assert.doesNotMatch(f.message, /undefined|NaN|\[object Object\]/, `${check.id}: ${f.message}`);
          }
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
