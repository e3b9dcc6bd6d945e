/**
 * custom-resource-rejected against a real API server: CustomResourceDefinitions with structural
 * schemas are created, then for each custom resource the errors kubeready quotes are exactly the ones
 * `kubectl apply --dry-run=server` returns: the unknown fields of strict decoding (which the API
 * server reports alone, before validating), or the validation errors; valid ones are accepted and
 * not reported.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/custom-resource-rejected.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { apiServerErrors, quotedErrors } from '../helpers/api-errors.js';

const GROUP = 'rejected.kubeready.example';

const crd = (plural: string, kind: string, schema: string, extra = '') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.${GROUP}}
spec:
  group: ${GROUP}
  scope: Namespaced
  names: {plural: ${plural}, singular: ${kind.toLowerCase()}, kind: ${kind}, listKind: ${kind}List}
  versions:
  - name: v1
    served: true
    storage: true
${extra}    schema:
      openAPIV3Schema:
${schema.replace(/^/gm, '        ')}
`;

// Every keyword the check reads, and the extensions that change what is known.
const LAMP = crd('lamps', 'Lamp', `type: object
required: [spec]
properties:
  spec:
    type: object
    required: [watts]
    properties:
      watts: {type: integer, minimum: 1, maximum: 100}
      dim: {type: number}
      label: {type: string, maxLength: 5, pattern: '^[a-z]+$'}
      colour: {type: string, enum: [warm, cold]}
      on: {type: boolean}
      port: {x-kubernetes-int-or-string: true}
      bulbs: {type: array, maxItems: 2, items: {type: string}}
      tags: {type: object, additionalProperties: {type: string}}
      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
      note: {type: string, nullable: true}
      shade:
        type: object
        properties:
          tone: {type: string}`);

const SOCKET = crd('sockets', 'Socket', `type: object
properties:
  spec:
    type: object
    required: [phase, mode]
    properties:
      phase: {type: integer, enum: [1, 2, 3]}
      mode: {type: string, default: auto, minLength: 2}
      ratio: {type: number, minimum: 0, exclusiveMinimum: true}
      step: {type: integer, multipleOf: 5}
      wires:
        type: array
        minItems: 1
        items:
          type: object
          required: [name]
          properties:
            name: {type: string}
      template:
        type: object
        x-kubernetes-embedded-resource: true
        x-kubernetes-preserve-unknown-fields: true
      pod:
        type: object
        x-kubernetes-embedded-resource: true
        properties:
          spec: {type: object, properties: {x: {type: string}}}
      set: {type: array, x-kubernetes-list-type: set, items: {type: string}}
      byName:
        type: array
        x-kubernetes-list-type: map
        x-kubernetes-list-map-keys: [name]
        items: {type: object, required: [name], properties: {name: {type: string}, v: {type: string}}}
      counts: {type: object, minProperties: 1, maxProperties: 2, additionalProperties: {type: integer}}
      loose: {type: object}
  status:
    type: object
    properties:
      ready: {type: boolean}`, '    subresources: {status: {}}\n');

const SWITCH = crd('switches', 'Switch', `type: object
properties:
  spec:
    type: object
    properties:
      names: {type: array, minItems: 3, items: {type: string, maxLength: 3}}
      level: {type: number, maximum: 10, exclusiveMaximum: true}
      big: {type: integer}
      pick: {type: string, enum: [a, b]}`);

const cr = (kind: string, name: string, body: string) => `apiVersion: ${GROUP}/v1\nkind: ${kind}\nmetadata: {name: ${name}}\n${body}`;

const INVALID: Record<string, string> = {
  'types (and `on:`, a boolean key in YAML 1.1), an enum value in the wrong case, too many items, a length (and its pattern: the first string rule that fails is the only one)': cr('Lamp', 'l1', `spec:
  watts: "3"
  dim: bright
  label: TOOLONGNAME
  colour: Warm
  on: "yes"
  port: true
  bulbs: [a, b, c]
  tags: {x: 1}
  extra: {anything: [1, 2]}
  note: null
  shade: {tone: 1}
`),
  'a range and a pattern': cr('Lamp', 'l2', 'spec: {watts: 0, label: ab1}\n'),
  'a required field missing': cr('Lamp', 'l3', 'spec: {}\n'),
  'a required top-level field missing': cr('Lamp', 'l4', ''),
  'a fraction in an integer field, a string for a list, a list for an object': cr('Lamp', 'l5', 'spec: {watts: 2.5, bulbs: a, shade: [1]}\n'),
  'a number and a null in a list of strings, above the maximum, a list for a map, a fraction for int-or-string': cr('Lamp', 'l6', 'spec: {watts: 101, dim: 3, port: 1.5, tags: [], bulbs: [1, null]}\n'),
  'an enum of numbers, a length, an exclusive minimum, a multiple, too few items and keys, duplicates in set and map lists': cr('Socket', 's1', `spec:
  phase: 5
  mode: a
  ratio: 0
  step: 7
  wires: []
  set: [a, a]
  byName: [{name: x}, {name: x}]
  counts: {}
`),
  'too many keys, an item without its required field': cr('Socket', 's2', 'spec: {phase: 2, wires: [{}], counts: {a: 1, b: 2, c: 3}, step: 10}\n'),
  'embedded resources without apiVersion or kind, a map-list item without its key': cr('Socket', 's3', 'spec: {phase: 1, mode: ok, byName: [{v: a}], template: {kind: Pod}, pod: {metadata: {name: p2}}}\n'),
  'a quoted number in a numeric enum, a number for a string, null for a required field, a null map value': cr('Socket', 's4', 'spec: {phase: "1", mode: 5, wires: [{name: null}], counts: {a: null}}\n'),
  'a length in characters, an exclusive maximum, a number for a string enum': cr('Switch', 'w1', 'spec: {names: [abcd, "ééé", "éééé"], level: 10, pick: 1}\n'),
  'too few items, a fraction above the maximum, a number too big for an integer, a value not in the enum': cr('Switch', 'w2', 'spec: {names: [a, b], level: 10.5, big: 1.0e+30, pick: c}\n'),
};

const UNKNOWN: Record<string, string> = {
  'unknown fields at two levels': cr('Lamp', 'u1', 'spec: {watts: 3, color: red, shade: {tone: dark, hue: 2}}\n'),
  'an undeclared status, an unknown field under spec': cr('Lamp', 'u2', 'spec: {watts: 3, extra: {a: 1}, brightness: 2}\nstatus: {foo: 1}\n'),
  'in a list item, an embedded resource and its metadata': cr('Socket', 'u3', `spec:
  phase: 1
  mode: ok
  wires: [{name: a, gauge: 1}]
  template: {apiVersion: v1, kind: Pod, metadata: {name: t1, bogus: 1}, spec: {anything: 1}}
  pod: {apiVersion: v1, kind: Pod, metadata: {name: p1}, spec: {x: a, z: b}}
`),
  'metadata': 'apiVersion: rejected.kubeready.example/v1\nkind: Socket\nmetadata: {name: u4, lables: {a: b}}\nspec: {phase: 1, mode: null}\n',
  'an object without properties, and a status (decoded strictly even with a status subresource)': cr('Socket', 'u5', 'spec: {phase: 1, loose: {a: 1}}\nstatus: {bogus: 1}\n'),
};

const VALID = [
  cr('Lamp', 'ok1', `spec:
  watts: 60
  dim: 0.5
  label: soft
  colour: warm
  on: true
  port: http
  bulbs: [e27]
  tags: {room: hall}
  extra: {anything: {goes: [1, "2"]}}
  note: null
  shade: {tone: dark}
`),
  cr('Lamp', 'ok2', 'spec: {watts: 100, port: 8080, dim: 7, label: "{{ .Values.label }}"}\n'),
  cr('Socket', 'ok3', `spec:
  phase: 3
  ratio: 0.1
  step: 15
  wires: [{name: a}]
  template: {apiVersion: v1, kind: Pod, metadata: {name: t}, spec: {anything: 1}}
  pod: {apiVersion: v1, kind: Pod, spec: {x: a}}
  set: [a, b]
  byName: [{name: x}, {name: w, v: z}]
  counts: {a: 1}
status: {ready: "not validated: reset on create"}
`),
  cr('Socket', 'ok4', 'spec: {phase: 2, mode: null}\n'),
  cr('Switch', 'ok5', 'spec: null\n'),
  cr('Switch', 'ok6', 'spec: {names: [abc, "ééé", x], level: 9.99, big: 9007199254740991, pick: b}\n'),
];

const INPUT = `${LAMP}---\n${SOCKET}---\n${SWITCH}`;
const ours = (yaml: string) => runCheck(check, `${INPUT}---\n${yaml}`, { namespace: 'default' });

describe('custom-resource-rejected: what the API server rejects, in its words', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
    await cluster.apply(INPUT);
    await cluster.kubectl(['wait', '--for', 'condition=established', '--timeout', '60s', `crd/lamps.${GROUP}`, `crd/sockets.${GROUP}`, `crd/switches.${GROUP}`]);
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const [name, yaml] of Object.entries(INVALID)) {
    it(`invalid: ${name}`, async () => {
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      const got = ours(yaml);
      assert.ok(got.every((f) => !/strict decoding/.test(f.message)), got.map((f) => f.message).join('\n'));
      const quoted = got.flatMap((f) => quotedErrors(f.message, /reject the \w+ \(/, true));
      assert.deepEqual(quoted.sort(), apiServerErrors(r.stderr).sort(), r.stderr);
    });
  }

  for (const [name, yaml] of Object.entries(UNKNOWN)) {
    it(`unknown fields: ${name}`, async () => {
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      const theirs = [...r.stderr.matchAll(/unknown field "([^"]+)"/g)].map((m) => m[1]).sort();
      assert.ok(theirs.length > 0, r.stderr);
      const got = ours(yaml).map((f) => /strict decoding error: unknown field "([^"]+)"/.exec(f.message)?.[1] ?? `not an unknown field: ${f.message}`);
      assert.deepEqual(got.sort(), theirs, r.stderr);
    });
  }

  it('valid custom resources: accepted, and not reported', async () => {
    for (const yaml of VALID) {
      assert.deepEqual(ours(yaml).map((f) => f.message), [], yaml);
      // The templated label is kept out of the server's view (kubeready does not judge it).
      const r = await apply(yaml.replace('"{{ .Values.label }}"', 'warm'));
      assert.equal(r.code, 0, `${yaml}\n${r.stderr}`);
    }
  });
});
