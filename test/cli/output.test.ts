/** `audit --output`: formats, FORMAT=FILE, several at once, and the usage errors. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { XMLValidator } from 'fast-xml-parser';
import { runCli } from '../helpers/cli.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeready-output-'));
  mkdirSync(join(dir, 'k8s'));
  copyFileSync(join(process.cwd(), 'examples/tutorial/app.yaml'), join(dir, 'k8s/app.yaml'));
  writeFileSync(join(dir, 'a-file'), 'not a folder\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const read = (f: string) => readFileSync(join(dir, f), 'utf8');

describe('--output', () => {
  it('every format to its own file at once; text still goes to standard output; same exit code', async () => {
    const plain = await runCli(['audit', 'k8s', '--no-config'], { cwd: dir });
    const r = await runCli(
      ['audit', 'k8s', '--no-config', '-o', 'sarif=out/kubeready.sarif', '-o', 'junit=out/junit.xml', '-o', 'markdown=out/pr.md', '-o', 'github=out/gh.txt', '-o', 'html=out/report.html', '-o', 'json=out/report.json'],
      { cwd: dir },
    );
    assert.equal(r.code, plain.code, r.stderr);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, plain.stderr, 'the same gate line (exit 1: ...) as without the files');
    assert.match(r.stderr, /^kubeready: exit 1: \d+ errors? at or above --fail-on error/);
    assert.equal(r.stdout, plain.stdout, 'standard output is the text report');
    const sarif = JSON.parse(read('out/kubeready.sarif'));
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length > 10);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'k8s/app.yaml');
    assert.equal(XMLValidator.validate(read('out/junit.xml')), true);
    assert.match(read('out/junit.xml'), /<testsuite name="security" tests="\d+" failures="[1-9]/);
    assert.match(read('out/pr.md'), /^### ❌ kubeready: 0 of 2 workloads production-ready/);
    assert.match(read('out/gh.txt'), /^::error file=k8s\/app\.yaml,line=\d+,col=\d+,title=/m);
    assert.match(read('out/report.html'), /^<!doctype html>/i);
    const json = await runCli(['audit', 'k8s', '--no-config', '-o', 'json'], { cwd: dir });
    assert.equal(read('out/report.json'), json.stdout, 'json file = json on standard output');
  });
  it('plain FORMAT goes to standard output, the others to files', async () => {
    const r = await runCli(['audit', 'k8s', '--no-config', '-o', 'markdown', '-o', 'sarif=x.sarif'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^### ❌ kubeready:/);
    assert.doesNotMatch(r.stdout, /NOT READY/, 'no text report');
    assert.ok(existsSync(join(dir, 'x.sarif')));
    const g = await runCli(['audit', 'k8s', '--no-config', '-o', 'github'], { cwd: dir });
    assert.ok(g.stdout.split('\n').filter(Boolean).every((l) => l.startsWith('::')));
    const s = await runCli(['audit', 'k8s', '--no-config', '-o', 'SARIF'], { cwd: dir });
    assert.equal(JSON.parse(s.stdout).version, '2.1.0', 'format names are case-insensitive');
    const j = await runCli(['audit', 'k8s', '--no-config', '-o', 'junit'], { cwd: dir });
    assert.match(j.stdout, /^<\?xml/);
    const h = await runCli(['audit', 'k8s', '--no-config', '-o', 'html'], { cwd: dir });
    assert.match(h.stdout, /^<!doctype html>/i);
  });
  it('-o text and -o json behave as before', async () => {
    const dflt = await runCli(['audit', 'k8s', '--no-config'], { cwd: dir });
    const text = await runCli(['audit', 'k8s', '--no-config', '-o', 'text'], { cwd: dir });
    assert.equal(text.stdout, dflt.stdout);
    assert.equal(text.code, dflt.code);
    // The summary says counts in words, not "8E2W".
    const byPillar = text.stdout.split('\n').find((l) => l.startsWith('by pillar: '));
    assert.ok(byPillar, text.stdout);
    assert.match(byPillar, /^by pillar: resources \d+ errors? · /);
    assert.match(byPillar, /security \d+ errors?, \d+ warnings?( · |$)/);
    assert.doesNotMatch(byPillar, /\d[EWI]\b/);
    const json = await runCli(['audit', 'k8s', '--no-config', '-o', 'json'], { cwd: dir });
    assert.equal(JSON.parse(json.stdout).schemaVersion, 1);
    assert.equal(json.code, 1);
  });
  it('input errors head the text report and are repeated under the summary (a long report scrolls them away)', async () => {
    mkdirSync(join(dir, 'errs'), { recursive: true });
    copyFileSync(join(dir, 'k8s/app.yaml'), join(dir, 'errs/app.yaml'));
    for (const n of [1, 2, 3, 4]) writeFileSync(join(dir, `errs/broken-${n}.yaml`), 'apiVersion: v1\nkind: [\n');
    const r = await runCli(['audit', 'errs', '--no-config'], { cwd: dir });
    assert.equal(r.code, 1);
    const out = r.stdout.split('\n');
    assert.match(out[0], /^input error errs\/broken-1\.yaml:\d+:\d+: /);
    const at = out.findIndex((l) => l.startsWith('input errors (the first 3 of 4; all at the top):'));
    assert.ok(at > out.findIndex((l) => l.startsWith('input: ')), r.stdout);
    assert.deepEqual(out.slice(at + 1, at + 4).map((l) => l.replace(/:\d+:\d+: .*$/, '')), ['  input error errs/broken-1.yaml', '  input error errs/broken-2.yaml', '  input error errs/broken-3.yaml']);
  });
  it('text written to a file has no colour, even with FORCE_COLOR', async () => {
    const r = await runCli(['audit', 'k8s', '--no-config', '-o', 'text=t.txt', '-o', 'json'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    assert.doesNotMatch(read('t.txt'), /\u001b\[/);
    assert.match(read('t.txt'), /NOT READY/);
    JSON.parse(r.stdout);
  });
  it('an unknown format: one usage line, exit 2, nothing written', async () => {
    const r = await runCli(['audit', 'k8s', '--no-config', '-o', 'yaml=x.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^kubeready: --output: unknown format "yaml" \(one of text, json, sarif, junit, markdown, github, html; FORMAT=FILE writes a file\)\n$/);
    assert.ok(!existsSync(join(dir, 'x.yaml')));
  });
  it('two formats on standard output: one usage line, exit 2', async () => {
    const r = await runCli(['audit', 'k8s', '--no-config', '-o', 'json', '-o', 'sarif'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^kubeready: --output: only one format can go to standard output \(got json and sarif\); write the others to files with FORMAT=FILE\n$/);
  });
  it('an empty file name, and two formats into one file: exit 2', async () => {
    const a = await runCli(['audit', 'k8s', '--no-config', '-o', 'sarif='], { cwd: dir });
    assert.equal(a.code, 2);
    assert.match(a.stderr, /^kubeready: --output sarif=: no file name after "="\n$/);
    const b = await runCli(['audit', 'k8s', '--no-config', '-o', 'sarif=same.out', '-o', 'junit=./same.out'], { cwd: dir });
    assert.equal(b.code, 2);
    assert.match(b.stderr, /^kubeready: --output: sarif and junit would both write \.\/same\.out\n$/);
  });
  it('a file that cannot be written: one line naming it, exit 2; the other outputs are still written', async () => {
    const r = await runCli(['audit', 'k8s', '--no-config', '-o', 'sarif=a-file/x.sarif', '-o', 'junit=ok.xml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^kubeready: cannot write the sarif report to a-file\/x\.sarif \((ENOTDIR|EEXIST)\)\n$/);
    assert.ok(existsSync(join(dir, 'ok.xml')));
    assert.match(r.stdout, /production-ready/);
  });
  it('missing folders above a report file are created; a folder that cannot exist is one error line, not a hang', { timeout: 20_000 }, async () => {
    const r = await runCli(['audit', 'k8s', '--no-config', '-o', 'json=deep/er/report.json'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(read('deep/er/report.json')).schemaVersion, 1);
    if (existsSync('/proc/self')) {
      // mkdir under /proc answers ENOENT; Node's recursive mkdirSync loops on that forever.
      const p = await runCli(['audit', 'k8s', '--no-config', '-o', 'sarif=/proc/kubeready-no/such/x.sarif'], { cwd: dir });
      assert.equal(p.code, 2);
      assert.match(p.stderr, /^kubeready: cannot write the sarif report to \/proc\/kubeready-no\/such\/x\.sarif \(ENOENT\)\n$/);
    }
  });
  it('usage errors come before the audit (a bad -o with a missing path still says -o)', async () => {
    const r = await runCli(['audit', 'nope.yaml', '--no-config', '-o', 'pdf'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown format "pdf"/);
  });
  it('--help lists the formats', async () => {
    const r = await runCli(['audit', '--help'], { cwd: dir });
    const flat = r.stdout.replace(/\s+/g, ' ');
    assert.ok(flat.includes('-o, --output <format> output format, or FORMAT=FILE to write it to a file; repeatable (text, json, sarif, junit, markdown, github, html; default: text)'), flat);
  });
});

describe('reports never overwrite the manifests they audit', () => {
  it('-o FORMAT=FILE naming an input file: exit 2, one line, the file untouched', async () => {
    const before = read('k8s/app.yaml');
    const r = await runCli(['audit', 'k8s', '--no-config', '-o', 'json=k8s/app.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'kubeready: --output json=k8s/app.yaml: k8s/app.yaml is one of the input files; refusing to overwrite it\n');
    assert.equal(read('k8s/app.yaml'), before);
  });
  it('baseline write with its arguments swapped: exit 2, the manifest untouched; an existing baseline is rewritten', async () => {
    const before = read('k8s/app.yaml');
    const swapped = await runCli(['baseline', 'write', 'k8s/app.yaml', 'k8s', '--no-config'], { cwd: dir });
    assert.equal(swapped.code, 2);
    assert.match(swapped.stderr, /^kubeready: baseline write k8s\/app\.yaml: the file exists and is not a kubeready baseline; refusing to overwrite it \(the baseline file comes first: baseline write FILE \[paths\.\.\.\]\)\n$/);
    assert.equal(read('k8s/app.yaml'), before);
    assert.equal((await runCli(['baseline', 'write', 'b.json', 'k8s', '--no-config'], { cwd: dir })).code, 0);
    const again = await runCli(['baseline', 'write', 'b.json', 'k8s', '--no-config'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
  });
});
