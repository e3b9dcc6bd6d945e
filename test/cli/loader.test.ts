/**
 * The installed CLI's loader (src/cli/loader.ts, dist/cli.mjs): it runs the bundle with a V8 code
 * cache on disk. The cache must change nothing but speed: same output with and without it, a
 * damaged cache replaced, no cache where it is turned off or the folder is open to other users.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheCommand, NAMED_COMMANDS } from '../../src/cli/cache-key.js';
import { runCli } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.mjs');
const APP = join(ROOT, 'examples/tutorial/app.yaml');
const uid = typeof process.getuid === 'function' ? process.getuid() : null;

describe('which cache a run uses (cacheCommand)', () => {
  it('names the command; the default command is audit; help and version runs keep their own', () => {
    assert.equal(cacheCommand(['audit', 'k8s/']), 'audit');
    assert.equal(cacheCommand(['k8s/', '-o', 'json']), 'audit');
    assert.equal(cacheCommand(['-']), 'audit');
    assert.equal(cacheCommand([]), 'audit');
    assert.equal(cacheCommand(['--no-config', 'diagnose', 'deployment/x']), 'diagnose');
    assert.equal(cacheCommand(['explain', 'pdb-missing']), 'explain');
    assert.equal(cacheCommand(['checks', '-o', 'json']), 'checks');
    assert.equal(cacheCommand(['baseline', 'write', '.']), 'baseline');
    assert.equal(cacheCommand(['--version']), 'other');
    assert.equal(cacheCommand(['--help']), 'other');
  });

  it('knows every named command of the CLI (kept in step with main.ts)', async () => {
    const help = (await runCli(['--help'])).stdout;
    const listed = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'audit');
    assert.deepEqual([...listed].sort(), [...NAMED_COMMANDS].sort());
  });
});

describe('the code cache of the bundled CLI', () => {
  let tmp: string;
  before(() => {
    assert.ok(existsSync(CLI), 'dist/cli.mjs is built by `npm test` before the tests run');
    tmp = mkdtempSync(join(tmpdir(), 'kr-loader-'));
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  /** Run dist/cli.mjs with its temp folder (os.tmpdir(), hence the cache) at `dir`. */
  function cli(dir: string, argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [CLI, ...argv], { cwd: ROOT, env: { PATH: process.env.PATH, NO_COLOR: '1', TMPDIR: dir, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const cacheDir = (dir: string) => join(dir, `kubeready-compile-cache${uid === null ? '' : `-${uid}`}`);
  const files = (dir: string) => (existsSync(cacheDir(dir)) ? readdirSync(cacheDir(dir)).sort() : []);

  it('is written by the first run, private to the user, read by the next without changing the output', () => {
    const dir = mkdtempSync(join(tmp, 'first-'));
    const first = cli(dir, ['audit', APP, '--no-config', '-o', 'json']);
    assert.equal(first.code, 1, first.stderr);
    const written = files(dir);
    assert.equal(written.length, 1, `one cache file: ${written.join(', ')}`);
    assert.match(written[0], new RegExp(`^[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}-audit\\.bin$`));
    const file = join(cacheDir(dir), written[0]);
    if (uid !== null) {
      assert.equal(statSync(cacheDir(dir)).mode & 0o777, 0o700);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    }
    assert.ok(statSync(file).size > 100_000, 'the cache holds the compiled bundle');
    const before = readFileSync(file);
    const second = cli(dir, ['audit', APP, '--no-config', '-o', 'json']);
    assert.deepEqual(second, first);
    assert.deepEqual(readFileSync(file), before, 'an accepted cache is not rewritten');
    // Other commands keep their own cache.
    const explain = cli(dir, ['explain', 'pdb-missing']);
    assert.equal(explain.code, 0, explain.stderr);
    assert.deepEqual(files(dir).map((f) => f.replace(/^.*-/, '')), ['audit.bin', 'explain.bin']);
  });

  it('a damaged cache is rejected by V8, the run is the same, and the cache is replaced', () => {
    const dir = mkdtempSync(join(tmp, 'damaged-'));
    const clean = cli(dir, ['audit', APP, '--no-config']);
    const [name] = files(dir);
    const file = join(cacheDir(dir), name);
    const good = readFileSync(file);
    writeFileSync(file, Buffer.alloc(good.length, 0x5a));
    const run = cli(dir, ['audit', APP, '--no-config']);
    assert.deepEqual(run, clean);
    const rewritten = readFileSync(file);
    assert.deepEqual(rewritten.subarray(0, 4), good.subarray(0, 4), 'rewritten with real cached data (V8 magic number)');
    cli(dir, ['audit', APP, '--no-config']);
    assert.deepEqual(readFileSync(file), rewritten, 'and the new one is accepted');
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 and KUBEREADY_NO_COMPILE_CACHE=1 run without it', () => {
    const dir = mkdtempSync(join(tmp, 'off-'));
    const a = cli(dir, ['audit', APP, '--no-config'], { NODE_DISABLE_COMPILE_CACHE: '1' });
    const b = cli(dir, ['audit', APP, '--no-config'], { KUBEREADY_NO_COMPILE_CACHE: '1' });
    assert.equal(a.code, 1, a.stderr);
    assert.deepEqual(b, a);
    assert.deepEqual(files(dir), []);
  });

  it('a cache folder others can write to is not used (its code would run as this user)', { skip: uid === null && 'no user ids on this platform' }, () => {
    const dir = mkdtempSync(join(tmp, 'open-'));
    mkdirSync(cacheDir(dir), { mode: 0o700 });
    chmodSync(cacheDir(dir), 0o777);
    const r = cli(dir, ['audit', APP, '--no-config']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(files(dir), []);
  });

  it('a file where the cache folder should be: the CLI runs without a cache', () => {
    const dir = mkdtempSync(join(tmp, 'blocked-'));
    writeFileSync(cacheDir(dir), 'not a folder');
    const r = cli(dir, ['audit', APP, '--no-config']);
    assert.deepEqual(r, cli(dir, ['audit', APP, '--no-config'], { KUBEREADY_NO_COMPILE_CACHE: '1' }));
    assert.equal(r.code, 1, r.stderr);
    assert.equal(readFileSync(cacheDir(dir), 'utf8'), 'not a folder');
  });
});
