/** Findings that rest on objects not in the input: unknown unless the input is declared complete. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineCheck } from '../../src/checks/types.js';
import { audit } from '../../src/engine/audit.js';
import { exitCodeFor } from '../../src/engine/exit.js';
import { emptyConfig } from '../../src/engine/config.js';
import { loadText } from '../../src/sources/resources.js';

const needsFriend = defineCheck({
  id: 'test-needs-friend',
  pillar: 'availability',
  severity: 'error',
  title: 'test',
  whatBreaks: 'test check for the engine',
  fix: { text: 'test fix text', yaml: 'test: yaml snippet' },
  target: 'workload',
  run: ({ workload }) => [{ message: 'no friend', path: workload!.podSpecPath, unknown: 'no Friend object selects these pods' }],
});

const input = loadText(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n`, 'w.yaml');

describe('unknown: not in input', () => {
  it('is shown but does not fail the verdict, the score or the exit code', () => {
    const r = audit({ resources: input.resources }, { checks: [needsFriend] });
    const f = r.verdicts[0].findings[0];
    assert.equal(f.unknown, 'no Friend object selects these pods');
    assert.equal(r.verdicts[0].ready, true);
    assert.equal(r.verdicts[0].pillars.availability, 'pass');
    assert.equal(r.summary.unknown, 1);
    assert.equal(r.summary.findings.error, 0);
    assert.equal(exitCodeFor(r, 'error'), 0);
  });
  it('fails normally when the input is declared complete (everywhere, or for its namespace)', () => {
    for (const complete of [true, ['shop']] as const) {
      const r = audit({ resources: input.resources }, { checks: [needsFriend], complete: complete as true | string[] });
      assert.equal(r.verdicts[0].findings[0].unknown, null);
      assert.equal(r.verdicts[0].ready, false);
      assert.equal(exitCodeFor(r, 'error'), 1);
    }
    const other = audit({ resources: input.resources }, { checks: [needsFriend], complete: ['other'] });
    assert.equal(other.verdicts[0].ready, true);
  });
  it('reads `complete` from the configuration too', () => {
    const config = emptyConfig();
    config.complete = ['shop'];
    assert.equal(audit({ resources: input.resources }, { checks: [needsFriend], config }).verdicts[0].ready, false);
  });
});
