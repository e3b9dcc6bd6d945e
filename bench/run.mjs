#!/usr/bin/env node
// npm run bench: audit (a) ../shared/corpus/real and (b) a 100,000-object corpus built with
// ../shared/tools/scale-corpus.mjs, each in a fresh process, and time the plain parse of the same
// bytes with js-yaml loadAll (the floor) in the same run. Also times a single small file end to
// end (process start to exit). Prints objects/s, MiB/s, peak RSS, and audit time / floor.
// The floor keeps what js-yaml returns for a file only while that file is parsed (one file: all
// of it). Also audits one dense namespace (bench/dense-namespace.mjs: 4,000 workloads whose
// selectors overlap) against its floor. Options: --objects N (default 100000), --runs N (small-file
// runs, default 10), --skip-real, --skip-scale, --skip-dense.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i === -1 ? def : args[i + 1];
};
const N = Number(opt('--objects', '100000'));
const RUNS = Number(opt('--runs', '10'));
const shared = resolve(root, '..', 'shared');
const realDir = join(shared, 'corpus', 'real');
const cli = join(root, 'dist', 'cli.mjs');
if (!existsSync(cli)) {
  console.error('bench: dist/cli.mjs is missing; run npm run build first');
  process.exit(2);
}

function sizeOf(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(p, { withFileTypes: true })) if (e.name !== '.git') n += sizeOf(join(p, e.name));
  return n;
}

/** Run a node script in a fresh process; it prints one JSON line with its own figures. */
function child(script, argv) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...argv], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// The floor: read every manifest file and js-yaml loadAll it, nothing else.
const FLOOR = `
import { readFileSync, statSync } from 'node:fs';
import { glob } from 'tinyglobby';
import { createRequire } from 'node:module';
// js-yaml's CommonJS build: faster than its ESM build (see src/sources/js-yaml.ts), so the floor is the fastest plain parse.
const { loadAll } = createRequire(process.cwd() + '/')('js-yaml');
const target = process.argv[process.argv.length - 1];
const t0 = performance.now();
const files = statSync(target).isDirectory() ? await glob('**/*.{yaml,yml,json}', { cwd: target, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] }) : [target];
let docs = 0, failed = 0;
for (const f of files) { try { docs += loadAll(readFileSync(f, 'utf8')).length; } catch { failed++; } }
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, docs, failed, rssMiB: process.resourceUsage().maxRSS / 1024 }));
`;

// The audit: the real CLI bundle, JSON output to /dev/null, timed from inside the process.
const AUDIT = `
const target = process.argv[process.argv.length - 1];
const extra = JSON.parse(process.argv[process.argv.length - 2]);
const fs = await import('node:fs');
const out = fs.openSync('/dev/null', 'w');
process.stdout.write = (s) => (fs.writeSync(out, s), true);
const t0 = performance.now();
const { run } = await import(${JSON.stringify('file://' + join(root, 'dist', 'bench-entry.mjs'))});
const code = await run(['audit', target, '-o', 'json', ...extra], { out: (s) => fs.writeSync(out, s), err: (s) => process.stderr.write(s), stdoutIsTTY: false, env: {}, cwd: process.cwd() });
const ms = performance.now() - t0;
console.error = () => {};
process.stderr.write('');
const line = JSON.stringify({ ms, code, rssMiB: process.resourceUsage().maxRSS / 1024 });
fs.writeSync(1, line + '\\n');
`;

function bundleEntry() {
  // A library-style bundle exposing run(), so the audit child measures the same code as the CLI.
  execFileSync(process.execPath, [
    '-e',
    `Promise.all([import('esbuild'), import('./scripts/esbuild-plugins.mjs')]).then(([{build}, {jsYamlCjs}]) => build({entryPoints:['src/cli/main.ts'],outfile:'dist/bench-entry.mjs',bundle:true,platform:'node',target:'node20',format:'esm',plugins:[jsYamlCjs],banner:{js:"import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);"},logLevel:'error'}))`,
  ], { cwd: root, stdio: 'inherit' });
}

// The report goes to a file, of which only the head is read: holding a 450 MB report here would
// raise this process's memory, and Linux carries a parent's resident size at fork into the peak
// RSS (ru_maxrss) the children report, inflating every figure measured after it.
function countObjects(target, extra) {
  const file = join(root, '.bench-cache', 'count.json');
  mkdirSync(dirname(file), { recursive: true });
  spawnSync(process.execPath, [cli, 'audit', target, '-o', `json=${file}`, '--fail-on', 'none', ...extra], { cwd: root, stdio: 'ignore' });
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4096);
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  rmSync(file, { force: true });
  const m = /"objects": (\d+)/.exec(head.toString('utf8'));
  return m ? Number(m[1]) : NaN;
}

// --no-render by default: every file parsed as the YAML it is, like the floor. The real corpus is also
// measured with its kustomizations rendered (kubectl kustomize per overlay), which the floor cannot match.
function measure(label, target, extra = ['--no-render']) {
  const bytes = sizeOf(target);
  const objects = countObjects(target, extra);
  const floor = child(FLOOR, [target]);
  const audit = child(AUDIT, [JSON.stringify(extra), target]);
  const mib = bytes / 2 ** 20;
  return {
    label,
    objects,
    MiB: +mib.toFixed(1),
    auditSec: +(audit.ms / 1000).toFixed(2),
    floorSec: +(floor.ms / 1000).toFixed(2),
    ratio: +(audit.ms / floor.ms).toFixed(2),
    objectsPerSec: Math.round(objects / (audit.ms / 1000)),
    MiBPerSec: +(mib / (audit.ms / 1000)).toFixed(1),
    auditPeakRssMiB: Math.round(audit.rssMiB),
    floorPeakRssMiB: Math.round(floor.rssMiB),
  };
}

/**
 * Median and extremes of `runs` process runs of `argv` (one warm-up run first, which also writes the
 * CLI's code cache). `freshTemp` gives every run an empty temp folder: a first run, without a cache.
 */
function timeProcess(argv, freshTemp = false) {
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const tmp = freshTemp ? mkdtempSync(join(os.tmpdir(), 'kr-bench-cold-')) : null;
    const env = tmp ? { ...process.env, TMPDIR: tmp } : process.env;
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, argv, { cwd: root, stdio: 'ignore', env });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { runs: times.length, minMs: +times[0].toFixed(1), medianMs: +times[Math.floor(times.length / 2)].toFixed(1), maxMs: +times[times.length - 1].toFixed(1) };
}

function smallFile() {
  const file = join(root, 'examples', 'tutorial', 'app.yaml');
  // Node's own start-up (node -e 0) in the same conditions: what no CLI can go below on this machine.
  const bare = timeProcess(['-e', '0']);
  // The first run on a machine has no code cache yet (src/cli/loader.ts): compiled, then cached.
  const cold = timeProcess([cli, 'audit', file], true);
  return { file: 'examples/tutorial/app.yaml', ...timeProcess([cli, 'audit', file]), firstRunMedianMs: cold.medianMs, bareNodeMedianMs: bare.medianMs };
}

bundleEntry();
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
const rows = [];
if (!args.includes('--skip-real')) {
  if (existsSync(realDir)) {
    rows.push(measure('real corpus (../shared/corpus/real)', realDir));
    rows.push(measure('real corpus, kustomizations rendered', realDir, []));
  }
  else console.log(`skipped: ${realDir} not found`);
}
if (!args.includes('--skip-scale')) {
  const cacheDir = join(root, '.bench-cache');
  mkdirSync(cacheDir, { recursive: true });
  const scaled = join(cacheDir, `scale-${N}.yaml`);
  if (!existsSync(scaled)) {
    console.log(`building ${scaled} with ../shared/tools/scale-corpus.mjs ...`);
    execFileSync(process.execPath, [join(shared, 'tools', 'scale-corpus.mjs'), String(N), '--out', scaled, '--quiet'], {
      env: { ...process.env, YAML_MODULE: join(root, 'node_modules', 'yaml') },
      stdio: 'inherit',
    });
  }
  rows.push(measure(`scale corpus (${N} objects, one file)`, scaled));
  // The same objects as a repository has them: many files (1,000 objects each).
  const shardDir = join(cacheDir, `scale-${N}-sharded`);
  if (!existsSync(shardDir)) {
    mkdirSync(shardDir, { recursive: true });
    console.log(`building ${shardDir} (1,000 objects per file) ...`);
    execFileSync(process.execPath, [join(shared, 'tools', 'scale-corpus.mjs'), String(N), '--out', join(shardDir, 'scale.yaml'), '--shard-size', '1000', '--quiet'], {
      env: { ...process.env, YAML_MODULE: join(root, 'node_modules', 'yaml') },
      stdio: 'inherit',
    });
  }
  rows.push(measure(`scale corpus (${N} objects, 1,000 per file)`, shardDir));
}
if (!args.includes('--skip-dense')) {
  const cacheDir = join(root, '.bench-cache');
  mkdirSync(cacheDir, { recursive: true });
  const dense = join(cacheDir, 'dense-namespace-4000.yaml');
  if (!existsSync(dense)) writeFileSync(dense, execFileSync(process.execPath, [join(root, 'bench', 'dense-namespace.mjs'), '4000'], { maxBuffer: 1 << 28 }));
  rows.push(measure('dense namespace (4,000 workloads, one namespace)', dense));
}
console.table(rows);
const small = smallFile();
console.log(`single small file end to end (${small.file}, process start to exit, ${small.runs} runs): min ${small.minMs} ms, median ${small.medianMs} ms, max ${small.maxMs} ms; first run without a code cache: median ${small.firstRunMedianMs} ms (node -e 0 alone: median ${small.bareNodeMedianMs} ms)`);
console.log(JSON.stringify({ rows, small }));
