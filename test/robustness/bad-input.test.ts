/**
 * Hostile and broken input through the real CLI (in-process), in a temporary folder. Each bad
 * file sits next to a good Deployment: the bad one must cost exactly one clear line naming it
 * (with its line when that means something), the good one must still be audited, input errors
 * exit 1, and nothing ever prints a stack trace.
 *
 * The good Deployment exempts itself from every check (kubeready.io/ignore: "*") so that its
 * findings are present (exempted) but do not fail the run: exit 1 then means an input error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { auditJson, runCli, stackTraceLines, type CliResult } from '../helpers/cli.js';
import type { Report } from '../../src/engine/report-types.js';

const GOOD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: good
  annotations:
    kubeready.io/ignore: "*"
    kubeready.io/ignore-reason: robustness test fixture
spec:
  replicas: 1
  selector: {matchLabels: {app: good}}
  template:
    metadata: {labels: {app: good}}
    spec:
      containers:
      - name: app
        image: nginx
`;

let root = '';

/** A folder `name` under the temp root with good.yaml and the given files. */
function caseDir(name: string, files: Record<string, string | Buffer> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'good.yaml'), GOOD);
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), content);
  }
  return dir;
}

interface Run {
  json: CliResult & { report: Report };
  text: CliResult;
}

/** Audit `paths` (relative to the temp root) as JSON and as text. */
async function audit(paths: string[], extra: string[] = [], stdin?: string): Promise<Run> {
  const json = await auditJson(paths, { cwd: root, stdin }, extra);
  const text = await runCli(['audit', ...paths, '--no-config', ...extra], { cwd: root, stdin });
  for (const r of [json, text]) {
    assert.deepEqual(stackTraceLines(r.stdout + '\n' + r.stderr), [], `stack trace printed:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout + r.stderr, /internal error|^internal:/m);
  }
  assert.equal(json.code, text.code, 'text and JSON runs agree on the exit code');
  return { json, text };
}

/** The good Deployment of `dir` was audited: its (exempted) findings are in the report. */
function assertGoodAudited(report: Report, file: string): void {
  const v = report.verdicts.find((x) => x.object.kind === 'Deployment' && x.object.name === 'good' && x.location.file === file);
  assert.ok(v, `the good Deployment in ${file} was not audited; verdicts: ${report.verdicts.map((x) => x.location.file).join(', ')}`);
  assert.ok(v.findings.length > 0, 'the good Deployment has findings (exempted)');
  assert.ok(v.findings.every((f) => f.exempted?.by === 'annotation'));
}

/**
 * Exactly one input problem, about `file`, at `level`, matching `message`, on one line; the
 * text report shows it as one line naming the file (with :line:col when `line` is expected).
 */
function assertOneProblem(run: Run, file: string, message: RegExp, opts: { level?: 'error' | 'warning'; line?: number | 'any' | null } = {}): void {
  const level = opts.level ?? 'error';
  const { report } = run.json;
  assert.equal(report.problems.length, 1, `expected one problem, got:\n${report.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
  const p = report.problems[0];
  assert.equal(p.file, file);
  assert.equal(p.level, level);
  assert.match(p.message, message);
  assert.ok(!p.message.includes('\n'), `message spans lines: ${JSON.stringify(p.message)}`);
  if (opts.line === 'any') assert.ok(typeof p.line === 'number' && p.line >= 1, `no line number: ${JSON.stringify(p)}`);
  else if (opts.line !== undefined) assert.equal(p.line, opts.line);
  const lines = run.text.stdout.split('\n').filter((l) => l.includes(file));
  const kind = level === 'error' ? 'input error' : 'input warning';
  const problemLines = lines.filter((l) => l.startsWith('input '));
  assert.equal(problemLines.length, 1, `text output names ${file} in ${problemLines.length} problem lines:\n${run.text.stdout}`);
  assert.ok(problemLines[0].startsWith(`${kind} ${file}${typeof p.line === 'number' ? `:${p.line}:` : ':'}`), problemLines[0]);
  if (level === 'error') {
    assert.equal(report.summary.inputErrors, 1);
    assert.equal(run.json.code, 1, 'an input error exits 1');
  }
}

function assertNoProblems(run: Run): void {
  assert.deepEqual(run.json.report.problems, []);
  assert.equal(run.json.code, 0, run.text.stdout);
}

describe('bad input through the CLI', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'kubeready-bad-input-'));
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('control: the good Deployment alone is audited and exits 0', async () => {
    caseDir('control');
    const run = await audit(['control']);
    assertNoProblems(run);
    assertGoodAudited(run.json.report, 'control/good.yaml');
  });

  it('billion laughs: refused with one line, the rest audited', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const p = String.fromCharCode(97 + i - 1);
      const n = String.fromCharCode(97 + i);
      levels.push(`${n}: &${n} [${Array(9).fill('*' + p).join(',')}]`);
    }
    caseDir('bomb', { 'bomb.yaml': levels.join('\n') + '\n' });
    const run = await audit(['bomb']);
    assertOneProblem(run, 'bomb/bomb.yaml', /excessive aliasing/, { line: 'any' });
    assertGoodAudited(run.json.report, 'bomb/good.yaml');
  });

  it('10,000-deep flow nesting: one line with its line number', async () => {
    caseDir('deep-flow', { 'deep.yaml': 'kind: x\napiVersion: v1\nspec: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n' });
    const run = await audit(['deep-flow']);
    assertOneProblem(run, 'deep-flow/deep.yaml', /too deep|maxDepth|nest/i, { line: 'any' });
    assertGoodAudited(run.json.report, 'deep-flow/good.yaml');
  });

  it('10,000-deep block nesting: one line with its line number', async () => {
    let s = '';
    for (let i = 0; i < 10_000; i++) s += ' '.repeat(i) + `k${i}:\n`;
    caseDir('deep-block', { 'deep.yaml': s });
    const run = await audit(['deep-block']);
    assertOneProblem(run, 'deep-block/deep.yaml', /too deep|maxDepth|nest/i, { line: 'any' });
    assertGoodAudited(run.json.report, 'deep-block/good.yaml');
  });

  it('10,000-deep nesting in a later document costs only that document', async () => {
    const deep = 'spec: ' + '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000) + '\n';
    caseDir('deep-doc', { 'multi.yaml': `${deep}---\n${GOOD.replace('name: good', 'name: second')}` });
    const run = await audit(['deep-doc']);
    assertOneProblem(run, 'deep-doc/multi.yaml', /too deep|maxDepth|nest/i, { line: 1 });
    assert.ok(run.json.report.verdicts.some((v) => v.object.name === 'second' && v.location.line === 3), 'the document after the deep one is audited');
  });

  it('a ~100 MB file of 20,000 Deployments is audited (and over --max-file-size, reported in one line); the run goes on', async () => {
    const notes = Array.from({ length: 40 }, (_, k) => `      line ${k}: generated by the kubeready robustness test; this object is valid and audited.`).join('\n');
    const one = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bulk-${i}
  labels: {app: bulk}
  annotations:
    example.com/notes: |
${notes}
spec:
  replicas: 3
  selector: {matchLabels: {app: bulk}}
  template:
    metadata: {labels: {app: bulk}}
    spec:
      containers:
      - name: app
        image: registry.example.com/bulk:1.0.${i}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {memory: 128Mi}
`;
    const dir = caseDir('huge');
    const fd = openSync(join(dir, 'huge.yaml'), 'w');
    let bytes = 0;
    let n = 0;
    try {
      while (bytes < 100 * 2 ** 20) {
        const doc = (n ? '---\n' : '') + one(n++);
        bytes += Buffer.byteLength(doc);
        writeSync(fd, doc);
      }
    } finally {
      closeSync(fd);
    }
    // One cheap check keeps the report small; the loader, model and engine see every object.
    const run = await audit(['huge'], ['--only', 'memory-limit-missing']);
    assertNoProblems(run);
    const { summary } = run.json.report;
    assert.equal(summary.files, 2);
    assert.equal(summary.objects, n + 1);
    assert.equal(summary.workloads, n + 1);
    assert.equal(summary.readyWorkloads, n + 1);
    const last = run.json.report.verdicts.find((v) => v.object.name === `bulk-${n - 1}`);
    assert.ok(last, 'the last Deployment of the huge file was audited');
    assert.equal(last.location.line, (n - 1) * (one(0).split('\n').length) + 1, 'and located on its line');
    assertGoodAudited(run.json.report, 'huge/good.yaml');

    const capped = await audit(['huge'], ['--only', 'memory-limit-missing', '--max-file-size', '50']);
    assertOneProblem(capped, 'huge/huge.yaml', /MiB, over the 50 MiB limit/);
    assertGoodAudited(capped.json.report, 'huge/good.yaml');
    assert.equal(capped.json.report.summary.objects, 1);
  });

  it('nothing loaded at all: the text summary says nothing was audited, not "score 100/100"; exit 1', async () => {
    const dir = join(root, 'only-bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata: [\n');
    const run = await audit(['only-bad']);
    assert.equal(run.text.code, 1);
    assert.match(run.text.stdout, /^nothing audited: no objects were loaded \(1 input error\) \(see above\)$/m);
    assert.doesNotMatch(run.text.stdout, /score 100\/100/);
    // JSON: no score rather than 100.
    assert.equal(run.json.report.summary.score, null);
    // No score, so --min-score cannot pass on it (exit 3 where the findings gate is off).
    const gated = await audit(['only-bad'], ['--fail-on', 'none', '--min-score', '50']);
    assert.equal(gated.text.code, 3);
    assert.match(gated.text.stderr, /^kubeready: no object was loaded, so there is no score to hold against --min-score 50$/m);
    // With something loaded, the usual line.
    const good = await audit(['control']);
    assert.match(good.text.stdout, /^1 of 1 workload production-ready · score \d+\/100/m);
    assert.equal(typeof good.json.report.summary.score, 'number');
    // No error and no object either (a folder of Helm values files): nothing audited, no score.
    const values = join(root, 'only-values');
    mkdirSync(values, { recursive: true });
    writeFileSync(join(values, 'values.yaml'), 'replicaCount: 2\nimage: {repository: web, tag: "1.0"}\n');
    // Exit 2 (the audit could not run as asked), with or without --min-score, and one line on stderr.
    const empty = await audit(['only-values'], ['--min-score', '50']);
    assert.equal(empty.text.code, 2);
    assert.match(empty.text.stdout, /^nothing audited: the input holds no Kubernetes object$/m);
    assert.equal(empty.text.stderr, 'kubeready: nothing audited: the input holds no Kubernetes object (1 document without apiVersion/kind skipped) (exit 2)\n');
    assert.equal((await audit(['only-values'])).text.code, 2);
    assert.equal(empty.json.report.summary.score, null);
  });

  it('a binary file named x.yaml: one line, skipped', async () => {
    caseDir('binary', { 'x.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x0a, 0xff, 0xfe, 0x00]) });
    const run = await audit(['binary']);
    assertOneProblem(run, 'binary/x.yaml', /binary/);
    assertGoodAudited(run.json.report, 'binary/good.yaml');
  });

  it('invalid UTF-8: one line that names the line of the bad byte', async () => {
    caseDir('utf8', { 'bad.yaml': Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata:\n  k: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]) });
    const run = await audit(['utf8']);
    assertOneProblem(run, 'utf8/bad.yaml', /invalid UTF-8 near line 4/);
    assertGoodAudited(run.json.report, 'utf8/good.yaml');
  });

  it('a dangling symbolic link named like a manifest: one "cannot read" line', async () => {
    const dir = caseDir('dangling');
    symlinkSync('does-not-exist.yaml', join(dir, 'gone.yaml'));
    const run = await audit(['dangling']);
    assertOneProblem(run, 'dangling/gone.yaml', /cannot read: broken symbolic link/);
    assertGoodAudited(run.json.report, 'dangling/good.yaml');
  });

  it('a file without read permission: one "permission denied" line (not testable as root)', async (t) => {
    if (process.getuid?.() === 0 || process.platform === 'win32') {
      t.skip('running as root (or on Windows): chmod 000 does not stop reads; the dangling link above covers "cannot read"');
      return;
    }
    const dir = caseDir('no-read', { 'secret.yaml': GOOD.replace('name: good', 'name: secret') });
    chmodSync(join(dir, 'secret.yaml'), 0o000);
    const run = await audit(['no-read']);
    assertOneProblem(run, 'no-read/secret.yaml', /cannot read: permission denied/);
    assertGoodAudited(run.json.report, 'no-read/good.yaml');
  });

  it('a symbolic link loop (a link to itself) in a scanned folder: one line', async () => {
    const dir = caseDir('link-loop');
    symlinkSync('self.yaml', join(dir, 'self.yaml'));
    const run = await audit(['link-loop']);
    assertOneProblem(run, 'link-loop/self.yaml', /symbolic link loop/);
    assertGoodAudited(run.json.report, 'link-loop/good.yaml');
  });

  it('a folder link back up the tree: the walk ends and each file is audited once, under its real path', async () => {
    const dir = caseDir('dir-loop', { 'sub/other.yaml': GOOD.replace('name: good', 'name: other') });
    symlinkSync('..', join(dir, 'sub', 'up'));
    const run = await audit(['dir-loop']);
    assertNoProblems(run);
    const files = run.json.report.verdicts.map((v) => v.location.file).sort();
    assert.deepEqual(files, ['dir-loop/good.yaml', 'dir-loop/sub/other.yaml']);
    assert.equal(run.json.report.summary.files, 2);
  });

  it('a folder named y.yaml is walked, not read as a file', async () => {
    caseDir('dir-named-yaml', { 'y.yaml/inner.yaml': GOOD.replace('name: good', 'name: inner') });
    const run = await audit(['dir-named-yaml']);
    assertNoProblems(run);
    assert.ok(run.json.report.verdicts.some((v) => v.location.file === 'dir-named-yaml/y.yaml/inner.yaml'));
    assertGoodAudited(run.json.report, 'dir-named-yaml/good.yaml');
  });

  it('a named pipe given as a path: one "not a regular file" line (never blocks on reading it)', async (t) => {
    const dir = caseDir('fifo');
    try {
      execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    } catch {
      t.skip('mkfifo is not available');
      return;
    }
    const run = await audit(['fifo/pipe.yaml', 'fifo/good.yaml']);
    assertOneProblem(run, 'fifo/pipe.yaml', /not a regular file/);
    assertGoodAudited(run.json.report, 'fifo/good.yaml');
  });

  for (const [name, content] of [
    ['empty', ''],
    ['comments', '# nothing here\n# but comments\n'],
    ['dashes', '---\n'],
    ['dashes-and-dots', '---\n...\n---\n# c\n'],
  ] as const) {
    it(`a file with no objects (${name}) is no problem; the rest is audited`, async () => {
      caseDir(`nothing-${name}`, { 'x.yaml': content });
      const run = await audit([`nothing-${name}`]);
      assertNoProblems(run);
      assert.equal(run.json.report.summary.files, 2);
      assertGoodAudited(run.json.report, `nothing-${name}/good.yaml`);
    });
  }

  it('a YAML syntax error: one line with file:line:col, the other documents of the file kept', async () => {
    const bad = `${GOOD.replace('name: good', 'name: before')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n   bad: indentation\n---\n${GOOD.replace('name: good', 'name: after')}`;
    caseDir('syntax', { 'multi.yaml': bad });
    const run = await audit(['syntax']);
    assertOneProblem(run, 'syntax/multi.yaml', /./, { line: 'any' });
    const line = run.json.report.problems[0].line!;
    assert.ok(line >= 21 && line <= 22, `error reported on line ${line}, the bad indentation is on line 22`);
    const names = run.json.report.verdicts.map((v) => v.object.name).sort();
    assert.deepEqual(names, ['after', 'before', 'good']);
  });

  it('kinds named like Object.prototype members (constructor, toString, __proto__) are audited like any unknown kind', async () => {
    const docs = [
      'apiVersion: v1\nkind: constructor\nmetadata: {name: a}\n',
      'apiVersion: apps/v1\nkind: hasOwnProperty\nmetadata: {name: b}\n',
      'apiVersion: example.com/v1\nkind: toString\nmetadata: {name: c}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: "app:1.0"}]\n',
      'apiVersion: example.com/v1\nkind: __proto__\nmetadata: {name: d}\n',
    ];
    caseDir('proto-kinds', { 'kinds.yaml': docs.join('---\n') });
    const run = await audit(['proto-kinds']);
    assert.doesNotMatch(run.text.stderr, /internal error/);
    assert.deepEqual(run.json.report.problems, []);
    // The custom resource with a pod template is a workload; the others are not.
    const c = run.json.report.verdicts.find((v) => v.object.name === 'c');
    assert.equal(c?.workloadClass, 'service');
    const others = run.json.report.verdicts.filter((v) => v.location.file === 'proto-kinds/kinds.yaml' && v.object.name !== 'c');
    assert.ok(others.every((v) => v.workloadClass === null), JSON.stringify(others.map((v) => [v.object.kind, v.workloadClass])));
    assertGoodAudited(run.json.report, 'proto-kinds/good.yaml');
  });

  it('a JSON file with a syntax error: one line with its line number', async () => {
    caseDir('json', { 'bad.json': '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "x"\n}\n' });
    const run = await audit(['json']);
    assertOneProblem(run, 'json/bad.json', /./, { line: 'any' });
    assertGoodAudited(run.json.report, 'json/good.yaml');
  });

  it('.gitignore is honoured: an ignored file is not even read', async () => {
    const binary = Buffer.from([0, 1, 2, 3]);
    const dir = caseDir('gitignore', {
      '.gitignore': 'ignored.yaml\nbuild/\n',
      'ignored.yaml': binary,
      'build/out.yaml': binary,
      'app/.gitignore': '*.generated.yaml\n',
      'app/x.generated.yaml': binary,
      'app/kept.yaml': GOOD.replace('name: good', 'name: kept'),
    });
    void dir;
    const run = await audit(['gitignore']);
    assertNoProblems(run);
    assert.equal(run.json.report.summary.files, 2);
    assertGoodAudited(run.json.report, 'gitignore/good.yaml');
    assert.ok(run.json.report.verdicts.some((v) => v.location.file === 'gitignore/app/kept.yaml'));
  });

  it('.gitignore of a parent folder up to the repository root applies too', async () => {
    const dir = caseDir('repo', { '.gitignore': 'secret/\n', 'deploy/secret/x.yaml': Buffer.from([0]) });
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'deploy', 'good.yaml'), GOOD);
    const run = await audit(['repo/deploy']);
    assertNoProblems(run);
    assertGoodAudited(run.json.report, 'repo/deploy/good.yaml');
  });

  it('node_modules and .git are skipped', async () => {
    const binary = Buffer.from([0, 1, 2, 3]);
    caseDir('skipped-dirs', {
      'node_modules/pkg/x.yaml': binary,
      '.git/x.yaml': binary,
      'deep/node_modules/y.yml': binary,
      '.hidden/kept.yaml': GOOD.replace('name: good', 'name: hidden'),
    });
    const run = await audit(['skipped-dirs']);
    assertNoProblems(run);
    assert.equal(run.json.report.summary.files, 2);
    assert.ok(run.json.report.verdicts.some((v) => v.object.name === 'hidden'), 'dot folders other than .git are scanned');
  });

  it('glob patterns select files; a pattern that matches nothing is a usage error (exit 2, one line)', async () => {
    caseDir('globs', {
      'a/one.yml': GOOD.replace('name: good', 'name: one'),
      'b/two.yml': GOOD.replace('name: good', 'name: two'),
      'b/three.yaml': GOOD.replace('name: good', 'name: three'),
    });
    const run = await audit(['globs/**/*.yml']);
    assertNoProblems(run);
    assert.deepEqual(run.json.report.verdicts.map((v) => v.object.name).sort(), ['one', 'two']);
    const none = await runCli(['audit', 'globs/**/*.nothing', '--no-config'], { cwd: root });
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.deepEqual(none.stderr.trim().split('\n').length, 1);
    assert.match(none.stderr, /globs\/\*\*\/\*\.nothing: no files match/);
  });

  it('"-" reads standard input, alone or with files', async () => {
    caseDir('stdin');
    const run = await audit(['-', 'stdin'], [], GOOD.replace('name: good', 'name: piped'));
    assertNoProblems(run);
    const piped = run.json.report.verdicts.find((v) => v.object.name === 'piped');
    assert.ok(piped);
    assert.equal(piped.location.file, '<stdin>');
    assert.equal(piped.location.line, 1);
    assertGoodAudited(run.json.report, 'stdin/good.yaml');
  });

  it('broken YAML on standard input: one line naming "-" and the line', async () => {
    const run = await audit(['-'], [], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    assertOneProblem(run, '<stdin>', /./, { line: 'any' });
  });

  it('a path that does not exist: exit 2 and one line naming it', async () => {
    const r = await runCli(['audit', 'no/such/dir', '--no-config'], { cwd: root });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'kubeready: no/such/dir: no such file or directory\n');
  });
});
