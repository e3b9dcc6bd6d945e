/** A check that reports the same finding twice (same container, message and field) gets it once. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FindingInput } from '../../src/checks/types.js';
import { engineTestCheck } from '../helpers/check-tester.js';
import { audit } from '../../src/engine/audit.js';
import { loadText } from '../../src/sources/resources.js';

const input = loadText(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n`, 'w.yaml');

function checkReturning(findings: FindingInput[]) {
  return engineTestCheck('test-repeats', 'warning', () => findings.map((f) => ({ ...f, path: [...f.path] })));
}

const fields = (findings: { container: string | null; message: string; field: string }[]) => findings.map((f) => `${f.container}|${f.message}|${f.field}`);

describe('repeated findings', () => {
  it('a few: identical ones collapse; a different container, message or field keeps its own', () => {
    const a = { message: 'm', path: ['spec', 'template'], container: 'c' };
    const check = checkReturning([a, a, { ...a, container: 'd' }, { ...a, message: 'n' }, { ...a, path: ['spec', 'replicas'] }, { ...a, container: undefined }, a]);
    const v = audit({ resources: input.resources }, { checks: [check] }).verdicts[0];
    assert.deepEqual(fields(v.findings).sort(), ['c|m|spec.replicas', 'c|m|spec.template', 'c|n|spec.template', 'd|m|spec.template', 'null|m|spec.template']);
  });

  it('many (over 32): the same rule', () => {
    const many: FindingInput[] = [];
    for (let i = 0; i < 50; i++) many.push({ message: `m${i % 20}`, path: ['spec', 'template'], container: 'c' });
    const v = audit({ resources: input.resources }, { checks: [checkReturning(many)] }).verdicts[0];
    assert.equal(v.findings.length, 20);
  });
});
