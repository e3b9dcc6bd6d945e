/** The bundled CLI parses large inputs on worker threads: same report as on the main thread. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));

describe('worker-thread parsing (built CLI)', () => {
  it('gives byte-identical JSON with --jobs 2 and --jobs 0, including a broken document', () => {
    assert.ok(existsSync(cli), 'dist/cli.mjs is built by `npm test` before the tests run');
    const dir = mkdtempSync(join(tmpdir(), 'kr-jobs-'));
    try {
      const note = 'x'.repeat(2000);
      const parts: string[] = [];
      for (let i = 0; i < 9000; i++) {
        parts.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\n  annotations: {note: "${note}"}\nspec:\n  replicas: ${i % 3}\n  template:\n    spec:\n      containers:\n        - name: c\n          image: example/app:${i % 7 === 0 ? 'latest' : '1.0'}\n`);
      }
      parts.splice(4000, 0, 'apiVersion: v1\nkind: ConfigMap\nbad: [\n');
      writeFileSync(join(dir, 'big.yaml'), parts.join('---\n'));
      const run = (jobs: string) => spawnSync(process.execPath, [cli, 'audit', 'big.yaml', '-o', 'json', '--jobs', jobs], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, KUBEREADY_DEBUG: '1' } });
      const a = run('0');
      const b = run('2');
      assert.equal(a.status, 1, a.stderr);
      assert.equal(b.status, 1, b.stderr);
      assert.doesNotMatch(b.stderr, /parse worker failed/);
      assert.equal(b.stdout, a.stdout);
      const report = JSON.parse(b.stdout);
      assert.equal(report.summary.objects, 9000);
      assert.equal(report.problems.filter((p: { level: string }) => p.level === 'error').length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
