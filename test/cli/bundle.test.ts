/**
 * The bundled CLI (dist/cli.mjs, what users run) against the same CLI in-process from src: every
 * command and output format gives the same exit code and output. The rest of the suite runs the
 * sources through tsx, where module interop differs from the bundle's (a CommonJS package loaded
 * lazily, like ajv for --config, may export differently once bundled): a feature that only breaks
 * when bundled fails here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { helmTool } from '../helpers/render-tools.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.mjs');

describe('the bundled CLI (dist/cli.mjs) behaves as the sources do', () => {
  let dir: string;
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  before(() => {
    assert.ok(existsSync(CLI), 'dist/cli.mjs is built by `npm test` before the tests run');
    dir = mkdtempSync(join(tmpdir(), 'kr-bundle-'));
    cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
    cpSync(join(ROOT, 'test/fixtures/helm/shop'), join(dir, 'chart'), { recursive: true });
    writeFileSync(join(dir, 'config.yaml'), 'failOn: warning\nchecks:\n  cpu-limit-missing: warning\n  replicas-below-minimum:\n    params: {minReplicas: 3}\nexemptions:\n  - checks: [image-tag-latest]\n    reason: pinned by the deploy pipeline\n');
    writeFileSync(join(dir, 'bad-config.yaml'), 'checks:\n  no-such-check: warning\n');
    const helm = helmTool();
    if (helm.path) env.KUBEREADY_HELM = helm.path;
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  function bundled(argv: string[], stdin?: string) {
    const r = spawnSync(process.execPath, [CLI, ...argv], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, ...env }, input: stdin ?? '', encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const cases: [string, string[], string?][] = [
    ['audit, text', ['audit', 'examples', '--no-config']],
    ['audit, JSON', ['audit', 'examples', '--no-config', '-o', 'json']],
    ['audit with a config file (severities, params, exemptions, failOn)', ['audit', 'examples', '--config', 'config.yaml', '-o', 'json']],
    ['a config file with an error', ['audit', 'examples', '--config', 'bad-config.yaml']],
    ['SARIF', ['audit', 'examples', '--no-config', '-o', 'sarif']],
    ['Markdown', ['audit', 'examples', '--no-config', '-o', 'markdown']],
    ['JUnit', ['audit', 'examples', '--no-config', '-o', 'junit']],
    ['GitHub annotations', ['audit', 'examples', '--no-config', '-o', 'github']],
    ['a glob pattern', ['audit', 'examples/**/*.yaml', '--no-config', '-o', 'json']],
    ['a glob pattern that matches nothing', ['audit', 'nothing/**/*.yaml', '--no-config']],
    ['standard input', ['audit', '-', '--no-config', '-o', 'json'], readFileSync(join(ROOT, 'examples/tutorial/app.yaml'), 'utf8')],
    ['a Helm chart', ['audit', 'chart', '--no-config', '-o', 'json']],
    ['checks', ['checks']],
    ['checks, JSON', ['checks', '-o', 'json']],
    ['explain', ['explain', 'api-version-removed']],
    ['diagnose from a file', ['diagnose', 'deployment/todo-web', '--from', 'examples/tutorial/app.yaml']],
    ['a usage error', ['audit', '--fail-on', 'sometimes', 'examples']],
  ];
  for (const [name, argv, stdin] of cases) {
    it(name, async (t) => {
      if (argv.includes('chart') && !env.KUBEREADY_HELM) {
        helmTool().fail();
        return t.skip('helm not available');
      }
      const b = bundled(argv, stdin);
      const s = await runCli(argv, { cwd: dir, env, stdin });
      assert.doesNotMatch(b.stderr, /internal error/, b.stderr);
      assert.equal(b.code, s.code, `exit code: bundle ${b.code}, sources ${s.code}\nbundle stderr: ${b.stderr}`);
      assert.equal(b.stdout, s.stdout);
      assert.equal(b.stderr, s.stderr);
    });
  }

  it('HTML written to a file is the same', async () => {
    const b = bundled(['audit', 'examples', '--no-config', '-o', 'html=bundle.html']);
    const s = await runCli(['audit', 'examples', '--no-config', '-o', 'html=sources.html'], { cwd: dir, env });
    assert.equal(b.code, s.code, b.stderr);
    assert.equal(readFileSync(join(dir, 'bundle.html'), 'utf8'), readFileSync(join(dir, 'sources.html'), 'utf8'));
  });

  it('baseline: record with the bundle, audit against it with the sources and the bundle', async () => {
    const rec = bundled(['baseline', 'write', 'base.json', 'examples', '--no-config']);
    assert.equal(rec.code, 0, rec.stderr);
    const b = bundled(['audit', 'examples', '--no-config', '--baseline', 'base.json']);
    const s = await runCli(['audit', 'examples', '--no-config', '--baseline', 'base.json'], { cwd: dir, env });
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.equal(b.stdout, s.stdout);
  });
});
