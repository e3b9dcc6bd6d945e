/**
 * The README's sample run (`$ kubeready audit examples/tutorial`) is what kubeready prints: every line
 * of the sample, "..." aside, appears in the real output, in the same order, and the exit line is the
 * real exit code's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';

const ROOT = new URL('../../', import.meta.url);

describe('README sample output', () => {
  it('is the real output of kubeready audit examples/tutorial', async () => {
    const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
    const m = /```text\n\$ kubeready audit (examples\/tutorial)\n([\s\S]*?)\n```/.exec(readme);
    assert.ok(m, 'README has a ```text block starting with "$ kubeready audit examples/tutorial"');
    const r = await runCli(['audit', m[1], '--no-config'], { cwd: new URL('.', ROOT).pathname });
    assert.equal(r.code, 1);
    const actual = (r.stdout + r.stderr).split('\n');
    let at = 0;
    for (const line of m[2].split('\n')) {
      if (line.trim() === '...') continue;
      const found = actual.indexOf(line, at);
      assert.ok(found >= 0, `README line not in the output (after line ${at}):\n${line}\n--- output ---\n${actual.join('\n')}`);
      at = found + 1;
    }
  });
});
