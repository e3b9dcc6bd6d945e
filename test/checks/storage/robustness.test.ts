import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checks } from '../../../src/checks/storage/index.js';
import { ResourceIndex } from '../../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../../src/model/types.js';

const any = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const word = (...xs: Json[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));
const mount = fc.oneof(any, fc.record({ name: word('data', 'x'), mountPath: word('/data', '/var/run/docker.sock'), readOnly: word(true, false) }, { requiredKeys: [] }));
const volume = fc.oneof(
  any,
  fc.record(
    {
      name: word('data', 'x'),
      emptyDir: any,
      hostPath: fc.oneof(any, fc.record({ path: word('/srv/data', '/dev', ''), type: word('Socket', 'Directory') }, { requiredKeys: [] })),
      persistentVolumeClaim: any,
    },
    { requiredKeys: [] },
  ),
);
const container = fc.record({
  name: fc.string(),
  image: word('postgres:16', 'redis', 'bitnami/postgresql', 'x/redis_exporter', ''),
  command: fc.oneof(any, fc.array(word('psql', '--save', '', 'redis-server'), { maxLength: 3 })),
  args: fc.oneof(any, fc.array(word('--save', '', '--appendonly', 'yes'), { maxLength: 4 })),
  volumeMounts: fc.oneof(any, fc.array(mount, { maxLength: 3 })),
});
const podSpec = fc.record(
  {
    containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    volumes: fc.oneof(any, fc.array(volume, { maxLength: 3 })),
    nodeName: any,
    nodeSelector: any,
  },
  { requiredKeys: ['containers'] },
);

describe('storage checks are total', () => {
  it('never throw on odd pod specs and claim templates', () => {
    fc.assert(
      fc.property(podSpec, any, fc.constantFrom('Deployment', 'StatefulSet', 'Pod'), (spec, vct, kind) => {
        // Every container keeps an image: without one the object is a patch fragment, not a workload.
        for (const c of (spec as { containers: unknown[] }).containers) if (c !== null && typeof c === 'object' && !Array.isArray(c) && ((c as JsonObject).image ?? '') === '') (c as JsonObject).image = 'img';
        const object: JsonObject =
          kind === 'Pod' ? { spec: spec as unknown as Json } : { spec: { template: { spec: spec as unknown as Json }, volumeClaimTemplates: vct } };
        const r: Resource = { apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1', kind, name: 'x', namespace: undefined, object, origin: { file: 'f', doc: 0, locate: () => null } };
        const index = new ResourceIndex([r]);
        const w = index.workloads[0];
        assert.ok(w);
        for (const check of checks) {
          const params: Record<string, unknown> = {};
          for (const [k, p] of Object.entries(check.params ?? {})) params[k] = p.default;
          const found = check.run({ workload: w, resource: r, params, index });
          assert.ok(Array.isArray(found));
          for (const f of found) assert.doesNotMatch(f.message, /undefined|NaN|\[object Object\]/, `${check.id}: ${f.message}`);
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
