import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labelsMatch, parseLabelSelector, selectorQuery } from '../../src/model/label-selector.js';

describe('selectorQuery: a workload selector as an -l query', () => {
  it('writes matchLabels and every matchExpressions operator, and parses back to the same matches', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ] };
    const q = selectorQuery(sel);
    assert.equal(q, 'app=web,tier in (a,b),env notin (dev),team,!legacy');
    const back = parseLabelSelector(q!);
    assert.equal(labelsMatch(back, { app: 'web', tier: 'b', env: 'prod', team: 'x' }), true);
    assert.equal(labelsMatch(back, { app: 'web', tier: 'b', env: 'prod', team: 'x', legacy: '1' }), false);
    assert.equal(labelsMatch(back, { app: 'web', tier: 'c', team: 'x' }), false);
  });

  it('gives null for what a query cannot say: nothing, a non-string value, an unknown operator, In without values', () => {
    for (const sel of [undefined, {}, { matchLabels: { app: 1 } }, { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }]) {
      assert.equal(selectorQuery(sel), null, JSON.stringify(sel));
    }
  });
});
