import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/custom-resource-rejected.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { goNumber, jsonTypeOf, serverPath } from '../../../src/model/crd-validation.js';

const GROUP = 'shop.example.com';
const crd = (schema: string, opts: { api?: string; version?: string; served?: boolean; extra?: string; name?: string } = {}) => `apiVersion: ${opts.api ?? 'apiextensions.k8s.io/v1'}
kind: CustomResourceDefinition
metadata: {name: ${opts.name ?? `carts.${GROUP}`}}
spec:
  group: ${GROUP}
  names: {kind: Cart, plural: carts}
  scope: Namespaced
  versions:
  - name: ${opts.version ?? 'v1'}
    served: ${opts.served ?? true}
    storage: true
${opts.extra ?? ''}    schema:
      openAPIV3Schema:
${schema.replace(/^/gm, '        ')}
`;

const SCHEMA = `type: object
properties:
  spec:
    type: object
    description: "what a cart holds: every field the check reads"
    required: [items]
    properties:
      items:
        type: array
        items:
          type: object
          required: [sku]
          properties:
            sku: {type: string, pattern: '^[A-Z]{3}-[0-9]+$'}
            quantity: {type: integer, minimum: 1}
      currency: {type: string, enum: [EUR, USD]}
      express: {type: boolean}
      description: {type: string, description: "a field named description is a field"}
      retention: {type: string, default: 30d}
      labels: {type: object, additionalProperties: {type: string}}
      annotations: {type: object, x-kubernetes-preserve-unknown-fields: true}
      choice: {anyOf: [{type: integer}, {type: object}]}`;

const cart = (spec: string, head = '') => `apiVersion: ${GROUP}/v1
kind: Cart
metadata: {name: c${head}}
spec:
${spec.replace(/^/gm, '  ')}
`;

describe('custom-resource-rejected', () => {
  it('unknown fields, with the field probably meant, and the CRD named', () => {
    const found = expectFindings(check, `${crd(SCHEMA)}---\n${cart('items: [{sku: ABC-1, quantity: 2, quantitiy: 3}]\ncurrencey: EUR\ndescription: a gift\n')}`, [
      { line: 41, message: /^unknown field "quantitiy" in spec\.items\[0\] \(Cart's schema in CustomResourceDefinition carts\.shop\.example\.com \(test\.yaml\) has no such field; did you mean "quantity"\?\): kubectl apply and kubectl create reject the Cart \(strict decoding error: unknown field "spec\.items\[0\]\.quantitiy"\); helm install and upgrade drop the field with a warning$/ },
      { line: 42, message: /^unknown field "currencey" in spec .*did you mean "currency"\?/ },
    ]);
    assert.equal(found[0].fix, 'Rename spec.items[0].quantitiy to spec.items[0].quantity.');
    assert.equal(found[1].fix, 'Rename spec.currencey to spec.currency.');
    assert.equal(found[0].related[0]?.object.name, `carts.${GROUP}`);
  });

  it('types, enum, pattern, minimum, required, with the value to write', () => {
    const found = runCheck(check, `${crd(SCHEMA)}---\n${cart('items: [{quantity: "2"}, {sku: abc, quantity: 0}]\ncurrency: eur\nexpress: "true"\nlabels: {tier: 1}\n')}`);
    const got = found.map((f) => [f.location.line, f.message.replace(/: kubectl apply.*$/, ''), f.fix]).sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1])));
    assert.deepEqual(got, [
      [41, 'spec.items[0].quantity is a string (a quoted number), the schema wants an integer', 'Write spec.items[0].quantity: 2 without quotes.'],
      [41, 'spec.items[0].sku is required by the schema and not set', 'Set spec.items[0].sku.'],
      [41, 'spec.items[1].quantity 0 is outside the range the schema allows', "Set spec.items[1].quantity within the schema's range (should be greater than or equal to 1)."],
      [41, 'spec.items[1].sku "abc" does not match the schema\'s pattern', "Write spec.items[1].sku so that it matches '^[A-Z]{3}-[0-9]+$'."],
      [42, 'spec.currency "eur" is not one of the values the schema allows ("EUR", "USD")', 'Write spec.currency: EUR (the values are case-sensitive).'],
      [43, 'spec.express is a string (a quoted boolean), the schema wants a boolean', 'Write spec.express: true without quotes.'],
      [44, 'spec.labels.tier is an integer (YAML reads an unquoted 8080, 1.0, yes or on as a number or boolean), the schema wants a string', 'Quote the value of spec.labels.tier ("1").'],
    ]);
    assert.ok(found.every((f) => f.severity === 'error' && f.check === 'custom-resource-rejected'));
    assert.match(found.find((f) => f.field === 'spec.items[0].quantity')!.message, /\(spec\.items\[0\]\.quantity: Invalid value: "string": spec\.items\[0\]\.quantity in body must be of type integer: "string"\)$/);
  });

  it('does not fire on a valid object, defaults, nulls, free-form fields, templated values and placeholders', () => {
    expectNone(
      check,
      `${crd(SCHEMA)}---\n${cart(`items:
- {sku: ABC-1, quantity: 1}
- {sku: "{{ .Values.sku }}", quantity: "\${QTY}"}
- {sku: <your-sku>, quantity: 3}
- {sku: "{SKU_UNDER_TEST}"}
currency: null
retention: null
annotations: {anything: [1, {goes: here}]}
choice: {not: judged, anyOf: alone}
labels: {team: "{{ .Values.team }}"}
"{{ .Values.extraKey }}": x
`)}`,
    );
  });

  it('silent without the CRD, for an unserved version, a v1beta1 CRD, built-in groups, and on a live scan', () => {
    expectNone(check, cart('currencey: EUR\n'));
    expectNone(check, `${crd(SCHEMA, { served: false })}---\n${cart('currencey: EUR\n')}`);
    expectNone(check, `${crd(SCHEMA, { version: 'v2' })}---\n${cart('currencey: EUR\n')}`);
    expectNone(check, `${crd(SCHEMA, { api: 'apiextensions.k8s.io/v1beta1' })}---\n${cart('currencey: EUR\n')}`);
    expectNone(check, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: {podSelectr: {}}\n');
    const loaded = loadText(`${crd(SCHEMA)}---\n${cart('currencey: EUR\n')}`, 'live', loadPlan([check]));
    const live = audit({ resources: loaded.resources, problems: [], listedKinds: new Set(['Cart']) }, { checks: [check] });
    assert.deepEqual(live.verdicts.flatMap((v) => v.findings), []);
  });

  it('two copies of the CRD: only what both reject', () => {
    const newer = SCHEMA.replace('      express: {type: boolean}', '      express: {type: boolean}\n      giftWrap: {type: boolean}');
    const input = `${crd(SCHEMA)}---\n${crd(newer, { name: `carts.${GROUP}` })}---\n${cart('items: [{sku: ABC-1}]\ngiftWrap: true\ncurrency: GBP\n')}`;
    const found = runCheck(check, input);
    assert.deepEqual(found.map((f) => f.field), ['spec.currency']);
  });

  it('a kustomize patch file: fields it leaves to its base are not required of it', () => {
    const input = `${crd(SCHEMA)}---\n${cart('currency: GBP\n')}`;
    assert.deepEqual(runCheck(check, input).map((f) => f.message.replace(/:.*$/, '')).sort(), ['spec.currency "GBP" is not one of the values the schema allows ("EUR", "USD")', 'spec.items is required by the schema and not set'].sort());
    assert.deepEqual(runCheck(check, input, { file: 'overlays/prod/cart-patch.yaml' }).map((f) => f.field), ['spec.currency']);
  });

  it('a status subresource: status is decoded strictly but not validated; without one it is validated', () => {
    const withStatus = `type: object
properties:
  spec: {type: object}
  status: {type: object, properties: {ready: {type: boolean}}}`;
    const obj = `apiVersion: ${GROUP}/v1\nkind: Cart\nmetadata: {name: c}\nspec: {}\nstatus: {ready: "yes", phase: x}\n`;
    const sub = runCheck(check, `${crd(withStatus, { extra: '    subresources: {status: {}}\n' })}---\n${obj}`);
    assert.deepEqual(sub.map((f) => f.field), ['status.phase']);
    const plain = runCheck(check, `${crd(withStatus)}---\n${obj}`);
    assert.deepEqual(plain.map((f) => f.field).sort(), ['status.phase', 'status.ready']);
  });

  it('loads custom resources whole with positions, and keeps CRD schemas without descriptions (a field named description stays)', () => {
    const loaded = loadText(`${crd(SCHEMA)}---\n${cart('items: []\n')}`, 'x.yaml', loadPlan([check]));
    const schema = ((loaded.resources[0].object.spec as any).versions[0].schema.openAPIV3Schema) as any;
    assert.equal(schema.properties.spec.description, undefined);
    assert.deepEqual(schema.properties.spec.properties.description, { type: 'string' });
    assert.deepEqual(loaded.resources[1].object.spec, { items: [] });
    // Another custom resource group, and a built-in kind nothing reads whole: kept as their metadata.
    const other = loadText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n', 'x.yaml', loadPlan([check]));
    assert.equal(other.resources[0].object.data, undefined);
  });

  it('fixes that read the schema: a number for a duration with a pattern, a required field next to its misspelling, a number for an enum of strings', () => {
    const schema = `type: object
properties:
  spec:
    type: object
    required: [endpoints]
    properties:
      endpoints:
        type: array
        items:
          type: object
          properties:
            interval: {type: string, pattern: '^[0-9]+(ms|s|m|h)$'}
            port: {type: string}
            scheme: {type: string, enum: [http, https]}`;
    const found = runCheck(check, `${crd(schema)}---\n${cart('endpoint: [{port: 8080}]\n')}---\n${cart('endpoints: [{interval: 30, port: 8080, scheme: 1}]\n', '2')}`);
    const fixes = found.map((f) => `${f.field}: ${f.fix}`).sort();
    assert.deepEqual(fixes, [
      'spec.endpoint: Rename spec.endpoint to spec.endpoints.',
      `spec.endpoints[0].interval: Write spec.endpoints[0].interval as a string that matches '^[0-9]+(ms|s|m|h)$' ("30" alone does not: a unit missing?).`,
      'spec.endpoints[0].port: Quote the value of spec.endpoints[0].port ("8080").',
      'spec.endpoints[0].scheme: Set spec.endpoints[0].scheme to one of http, https.',
      'spec.endpoints[0].scheme: Write spec.endpoints[0].scheme as one of the strings the schema allows ("http", "https").',
      'spec: Rename endpoint to endpoints.',
    ]);
    assert.match(found.find((f) => f.field === 'spec')!.message, /^spec\.endpoints is required by the schema and not set \(the object has "endpoint": a misspelling of it\?\): /);
  });

  it('CRDs from a cluster dump (kubectl get crd -o yaml: a List, with status) serve as well', () => {
    const item = crd(SCHEMA)
      .replace(/^/gm, '    ')
      .replace(/^    apiVersion/, '  - apiVersion');
    const dump = `apiVersion: v1\nkind: List\nitems:\n${item}    status: {acceptedNames: {kind: Cart, plural: carts}, storedVersions: [v1]}\n`;
    const found = runCheck(check, `${dump}---\n${cart('items: [{sku: ABC-1}]\ncurrency: GBP\n')}`);
    assert.deepEqual(found.map((f) => f.field), ['spec.currency']);
  });

  it('the API server\'s forms of paths, types and numbers', () => {
    assert.equal(serverPath(['spec', 'items', 0, 'sku']), 'spec.items[0].sku');
    assert.equal(jsonTypeOf(3), 'integer');
    assert.equal(jsonTypeOf(2.5), 'number');
    assert.equal(jsonTypeOf(1e30), 'number');
    assert.equal(jsonTypeOf(null), 'null');
    assert.equal(goNumber(0.7), '0.7');
    assert.equal(goNumber(1e21), '1e+21');
    assert.equal(goNumber(0.00001), '1e-05');
    assert.equal(goNumber(-3), '-3');
  });
});
