import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checks } from '../../../src/checks/resources/index.js';
import { ResourceIndex } from '../../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../../src/model/types.js';

function resource(kind: string, object: JsonObject, namespace?: string): Resource {
  return {
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
    kind,
    name: 'x',
    namespace,
    object,
    origin: { file: 'f', doc: 0, locate: () => null },
  };
}

// Messages must never show "undefined" or "NaN" of their own: input text that says so (a quantity
// written as "NaN") is quoted back as written, so the generated input never contains those words.
const json = (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).filter((v) => !/NaN|undefined/.test(JSON.stringify(v)));
const SEED = Number(process.env.FC_SEED ?? 1_732_600_000);
const quantity = fc.oneof(json, fc.constantFrom<Json>('1Gi', '500m', '512m', '1GB', -1, 0, '2', 'off', null));
const resources = fc.oneof(json, fc.record({ requests: fc.oneof(json, fc.dictionary(fc.constantFrom('cpu', 'memory', 'x'), quantity)), limits: fc.oneof(json, fc.dictionary(fc.constantFrom('cpu', 'memory', 'x'), quantity)) }));
const envEntry = fc.oneof(json, fc.record({ name: fc.constantFrom('JAVA_OPTS', 'GOMEMLIMIT', 'NODE_OPTIONS', '_JAVA_OPTIONS'), value: fc.oneof(json, fc.constantFrom('-Xmx2g', '-XX:MaxRAMPercentage=', '1GiB', '--max-old-space-size')) }));
const container = fc.record({
  name: fc.oneof(fc.string(), json),
  image: fc.string(),
  restartPolicy: fc.constantFrom<Json>('Always', null, 3),
  args: fc.oneof(json, fc.array(fc.oneof(json, fc.constantFrom('-Xmx', '-Xmx1g -XX:MaxRAMFraction=0', '--max-old-space-size', '--max_old_space_size=1')))),
  env: fc.oneof(json, fc.array(envEntry)),
  resources,
});
const podSpec = fc.record({
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  initContainers: fc.oneof(json, fc.array(container, { maxLength: 2 })),
  volumes: fc.oneof(json, fc.array(fc.oneof(json, fc.record({ name: json, emptyDir: fc.oneof(json, fc.record({ medium: fc.constantFrom<Json>('Memory', ''), sizeLimit: quantity })) })))),
  resources,
});
const limitRange = fc.record({ spec: fc.oneof(json, fc.record({ limits: fc.oneof(json, fc.array(fc.oneof(json, fc.record({ type: fc.constantFrom<Json>('Container', 'Pod', 1), max: json, min: json, default: json, defaultRequest: json, maxLimitRequestRatio: json })))) })) });

describe('resources checks are total', () => {
  it('never throw on odd pod specs and LimitRanges', () => {
    fc.assert(
      fc.property(podSpec, limitRange, (spec, lr) => {
        // Every container object keeps an image: without one the object is a patch fragment, not a workload.
        for (const key of ['containers', 'initContainers'] as const) {
          const list = (spec as Record<string, unknown>)[key];
          if (Array.isArray(list)) for (const c of list) if (c !== null && typeof c === 'object' && !Array.isArray(c) && ((c as JsonObject).image ?? '') === '') (c as JsonObject).image = 'img';
        }
        const r = resource('Deployment', { spec: { template: { spec: spec as unknown as Json } } } as JsonObject);
        const index = new ResourceIndex([r, resource('LimitRange', lr as unknown as JsonObject)]);
        const w = index.workloads[0];
        assert.ok(w);
        for (const check of checks) {
          const params: Record<string, unknown> = {};
          for (const [k, p] of Object.entries(check.params ?? {})) params[k] = p.default;
          const found = check.run({ workload: w, resource: r, params, index });
          assert.ok(Array.isArray(found));
          for (const f of found) assert.doesNotMatch(f.message, /undefined|NaN/);
        }
      }),
      { seed: SEED, numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
