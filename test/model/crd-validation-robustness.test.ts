import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import check from '../../src/checks/availability/custom-resource-rejected.js';
import { crProblems } from '../../src/model/crd-validation.js';
import { ResourceIndex } from '../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../src/model/types.js';

const any = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const word = (...xs: Json[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));

// Schemas as a CRD may hold them: mostly well-formed keywords, with junk in any of them.
const { schema } = fc.letrec<{ schema: Json }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    any,
    fc.record(
      {
        type: word('object', 'array', 'string', 'integer', 'number', 'boolean', ''),
        properties: fc.oneof(any, fc.dictionary(fc.constantFrom('a', 'b', 'spec', 'metadata', '__proto__', 'toString', 'status'), tie('schema'), { maxKeys: 3 })),
        items: fc.oneof(any, tie('schema')),
        additionalProperties: fc.oneof(fc.boolean(), tie('schema')),
        required: fc.oneof(any, fc.array(word('a', 'b', 'spec'), { maxLength: 3 })),
        enum: fc.oneof(any, fc.array(any, { maxLength: 3 })),
        nullable: any,
        default: any,
        minimum: word(0, 1, -1.5), maximum: word(10, 2.5), exclusiveMinimum: any, exclusiveMaximum: any, multipleOf: word(0, 2, 0.5, -3),
        minLength: word(1, 3), maxLength: word(0, 2), pattern: word('^[a-z]+$', '(', '(?i)x', '[[:alpha:]]', '\\_', ''),
        minItems: word(1), maxItems: word(1), minProperties: word(1), maxProperties: word(0, 1),
        'x-kubernetes-preserve-unknown-fields': any,
        'x-kubernetes-embedded-resource': any,
        'x-kubernetes-int-or-string': any,
        'x-kubernetes-list-type': word('set', 'map', 'atomic'),
        'x-kubernetes-list-map-keys': fc.oneof(any, fc.array(word('a', 'name'), { maxLength: 2 })),
      },
      { requiredKeys: [] },
    ),
  ),
}));

const value = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
const object = fc.record({ metadata: fc.oneof(any, fc.record({ name: any, labels: any, lables: any }, { requiredKeys: [] })), spec: value, status: value, extra: value }, { requiredKeys: [] });

describe('custom resources against any schema: total', () => {
  it('crProblems never throws, and its words never show undefined, NaN or [object Object]', () => {
    fc.assert(
      fc.property(schema, object, fc.boolean(), (s, obj, status) => {
        if (s === null || typeof s !== 'object' || Array.isArray(s)) return;
        const out = crProblems({ apiVersion: 'x.example.com/v1', kind: 'X', ...(obj as JsonObject) }, s as JsonObject, status);
        for (const p of out) assert.doesNotMatch(p.error, /undefined|NaN|\[object Object\]/, p.error);
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 500) },
    );
  });

  it('the check never throws, with the CRD in the index', () => {
    fc.assert(
      fc.property(schema, object, (s, obj) => {
        const crd: Resource = {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: 'xs.x.example.com',
          namespace: undefined,
          object: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'xs.x.example.com' }, spec: { group: 'x.example.com', names: { kind: 'X', plural: 'xs' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: s } }] } },
          origin: { file: 'crd.yaml', doc: 0, locate: () => null },
        };
        const r: Resource = { apiVersion: 'x.example.com/v1', kind: 'X', name: 'x', namespace: undefined, object: { apiVersion: 'x.example.com/v1', kind: 'X', ...(obj as JsonObject) }, origin: { file: 'x.yaml', doc: 0, locate: () => null } };
        const index = new ResourceIndex([crd, r]);
        const found = check.run({ resource: r, params: {}, index });
        assert.ok(Array.isArray(found));
        for (const f of found) assert.doesNotMatch(`${f.message} ${f.fix ?? ''}`, /undefined|NaN|\[object Object\]/, f.message);
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
