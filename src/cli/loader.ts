/**
 * The installed CLI's entry (dist/cli.mjs). It runs the bundle (dist/kubeready.cjs) through V8 with a
 * code cache kept on disk, so a run after the first skips parsing and compiling the ~1 MB bundle.
 *
 * Why not Node.js's own caches: `module.enableCompileCache()` (Node.js 22.1+, none on 20) and the
 * v8-compile-cache package both store the code V8 compiled before the module ran, which is little more
 * than the top level. This loader stores the cache when the run is over (`Script.createCachedData()`
 * after execution), with every function the command used. Measured on the small example audit
 * (docs/performance.md, session 9): Node.js 20 168 ms without a cache, 145 ms with a compile-time
 * cache, 118 ms with this one; Node.js 22 131 ms with enableCompileCache, 97 ms with this one.
 *
 * The cache is one file per bundle build, Node.js version, architecture, V8 flags and command (audit,
 * diagnose, ... each compile different functions), in `<os tmpdir>/kubeready-compile-cache-<uid>`
 * (created mode 0700 and used only when owned by this user and closed to others, as cached code is
 * run). It is written when missing or when V8 rejects it. NODE_DISABLE_COMPILE_CACHE=1 or
 * KUBEREADY_NO_COMPILE_CACHE=1 runs without it. Any failure to read or write the cache just runs
 * without it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cacheCommand } from './cache-key.js';

/** A digest of the bundle's bytes, set by scripts/build.mjs: a rebuilt bundle never meets an old cache. */
declare const KUBEREADY_BUNDLE_ID: string;

const bundle = fileURLToPath(new URL('./kubeready.cjs', import.meta.url));

/** Where this run's cache lives, or null to run without one. */
function cachePath(): string | null {
  const env = process.env;
  if (env.NODE_DISABLE_COMPILE_CACHE || env.KUBEREADY_NO_COMPILE_CACHE) return null;
  try {
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    const dir = join(tmpdir(), `kubeready-compile-cache${uid === null ? '' : `-${uid}`}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    // Cached code is executed: only from a folder this user owns and nobody else can write to.
    if (!st.isDirectory() || (uid !== null && (st.uid !== uid || (st.mode & 0o022) !== 0))) return null;
    const flags = flagsKey([...process.execArgv, env.NODE_OPTIONS ?? ''].join('\0'));
    return join(dir, `${KUBEREADY_BUNDLE_ID}-${process.version}-${process.arch}-${flags}-${cacheCommand(process.argv.slice(2))}.bin`);
  } catch {
    return null;
  }
}

/** A short, stable tag of the V8 flags in effect (V8 rejects a cache made under other flags). */
function flagsKey(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function readCache(file: string | null): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Write to a private temporary name, then rename: concurrent runs never read half a file. */
function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written.
    }
  }
}

const source = readFileSync(bundle, 'utf8');
const file = cachePath();
const cached = readCache(file);
// The bundle is CommonJS: the same function wrapper Node.js puts around a module.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData: cached });
if (file && (cached === undefined || script.cachedDataRejected === true)) {
  process.once('exit', () => {
    try {
      writeCache(file, script.createCachedData());
    } catch {
      // Out of memory or the like at exit: the next run compiles again.
    }
  });
}
const mod = { exports: {} };
(script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
