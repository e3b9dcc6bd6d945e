import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { get, getString } from '../../src/model/util.js';
import { parseYaml } from '../../src/sources/yaml.js';

test('get reads own fields only: inherited Object.prototype members are not fields', () => {
  const obj = { spec: { replicas: 2 } };
  assert.equal(get(obj, ['spec', 'replicas']), 2);
  for (const k of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__']) {
    assert.equal(get(obj, [k]), undefined, k);
    assert.equal(get(obj, ['spec', k]), undefined, `spec.${k}`);
  }
  assert.equal(get([1, 2], ['length']), undefined);
  assert.equal(get([1, 2], [5]), undefined);
  assert.equal(get({ a: [{ b: 'x' }] }, ['a', 0, 'b']), 'x');
  assert.equal(get({ a: null }, ['a', 'b']), undefined);
  assert.equal(get({ a: 'text' }, ['a', 'length']), undefined);
});

test('get finds decoded keys named like Object.prototype members, __proto__ included', () => {
  const { docs } = parseYaml('metadata:\n  constructor: c\n  __proto__: p\n  toString: t\n');
  const root = docs[0].value;
  assert.equal(getString(root, ['metadata', 'constructor']), 'c');
  assert.equal(getString(root, ['metadata', '__proto__']), 'p');
  assert.equal(getString(root, ['metadata', 'toString']), 't');
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions, and a swap of neighbours as one', async () => {
    const { editDistance } = await import('../../src/model/util.js');
    assert.equal(editDistance('nginx', 'nginx'), 0);
    assert.equal(editDistance('ngnix', 'nginx'), 1);
    assert.equal(editDistance('fast-ssd', 'fast-sdd'), 1);
    assert.equal(editDistance('web', 'webs'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('billing', 'biling'), 1);
  });
});

test('isTemplated: Helm, envsubst and kustomize var references (whose names may hold - and .), not plain text', async () => {
  const { isTemplated } = await import('../../src/model/util.js');
  for (const v of ['{{ .Values.name }}', '${APP}', '$APP', '$(POD_NAME)', '$(kfp-app-name)', '$(CertificateNamespace).svc', 'x-$(svc.name)-y']) assert.equal(isTemplated(v), true, v);
  for (const v of ['web', '$5 off', 'a$(b', '$(1abc)', 'price: $(', 'cost $', '{ .x }']) assert.equal(isTemplated(v), false, v);
});
