/** The CLI's gates: --fail-on (exit 1), --min-score (exit 3), and which code wins when both fail. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli, auditJson } from '../helpers/cli.js';

const TUTORIAL = join(process.cwd(), 'examples', 'tutorial');
const READY = join(process.cwd(), 'examples', 'production-ready');

let dir: string;
let tutorialScore: number;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeready-gates-'));
  const r = await auditJson([TUTORIAL]);
  tutorialScore = r.report.summary.score;
  assert.ok(tutorialScore > 0 && tutorialScore < 100, `tutorial score ${tutorialScore}`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('--min-score', () => {
  it('exit 3 when the score is below N, with one line on stderr naming score and N; 0 at exactly N', async () => {
    const below = await runCli(['audit', TUTORIAL, '--no-config', '--fail-on', 'none', '--min-score', String(tutorialScore + 1)]);
    assert.equal(below.code, 3);
    assert.equal(below.stderr, `kubeready: score ${tutorialScore} is below --min-score ${tutorialScore + 1}\n`);
    const at = await runCli(['audit', TUTORIAL, '--no-config', '--fail-on', 'none', '--min-score', String(tutorialScore)]);
    assert.equal(at.code, 0, at.stderr);
    assert.equal(at.stderr, '');
  });
  it('both gates failing: exit 1 (findings first), and stderr says the score gate failed too', async () => {
    const r = await runCli(['audit', TUTORIAL, '--no-config', '--min-score', '100']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`score ${tutorialScore} is below --min-score 100 \\(exit 1: the --fail-on gate failed too\\)`));
  });
  it('--min-score 0 never fails', async () => {
    const r = await runCli(['audit', TUTORIAL, '--no-config', '--fail-on', 'none', '--min-score', '0']);
    assert.equal(r.code, 0, r.stderr);
  });
  it('output is unchanged by the gate (JSON still on stdout, exit 3)', async () => {
    const r = await auditJson([TUTORIAL], {}, ['--fail-on', 'none', '--min-score', '99']);
    assert.equal(r.code, 3);
    assert.equal(r.report.summary.score, tutorialScore);
  });
  for (const bad of ['abc', '-1', '101', '50.5', '', '1e2']) {
    it(`--min-score "${bad}": exit 2 with one line`, async () => {
      const r = await runCli(['audit', READY, '--no-config', '--min-score', bad]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /--min-score/);
    });
  }
  it('with a baseline, the gate still uses the overall score (baselined findings lower it)', async () => {
    const b = join(dir, 'b.json');
    assert.equal((await runCli(['baseline', 'write', b, TUTORIAL, '--no-config'])).code, 0);
    const passes = await runCli(['audit', TUTORIAL, '--no-config', '--baseline', b]);
    assert.equal(passes.code, 0, 'nothing new');
    const gated = await runCli(['audit', TUTORIAL, '--no-config', '--baseline', b, '--min-score', String(tutorialScore + 1)]);
    assert.equal(gated.code, 3);
  });
});

describe('--fail-on (existing gate) keeps exit 1 and 2 as documented', () => {
  it('1 for findings at or above the threshold, 0 below it', async () => {
    writeFileSync(join(dir, 'w.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: x}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: "nginx:1.27"}]\n');
    assert.equal((await runCli(['audit', 'w.yaml', '--no-config', '--only', 'image-not-pinned-by-digest'], { cwd: dir })).code, 0);
    assert.equal((await runCli(['audit', 'w.yaml', '--no-config', '--only', 'image-not-pinned-by-digest', '--fail-on', 'info'], { cwd: dir })).code, 1);
  });
  it('2 beats both gates: a missing path with --min-score', async () => {
    assert.equal((await runCli(['audit', 'nope.yaml', '--no-config', '--min-score', '10'], { cwd: dir })).code, 2);
  });
});

describe('--fail-on: one line on standard error says why the exit code is 1', () => {
  it('names the counts by severity and the checks, for a gate an info finding fails', async () => {
    const r = await runCli(['audit', READY, '--no-config', '--fail-on', 'info']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kubeready: exit 1: \d+ info findings? at or above --fail-on info \([a-z-]+(, [a-z-]+)*( and \d+ more checks?)?\)\n$/);
    const plain = await runCli(['audit', READY, '--no-config']);
    assert.equal(plain.code, 0);
    assert.equal(plain.stderr, '', 'a passing gate prints nothing');
  });
  it('says "new" findings with a baseline, and nothing when only baselined findings remain', async () => {
    const b = join(dir, 'gate-b.json');
    assert.equal((await runCli(['baseline', 'write', b, TUTORIAL, '--no-config'])).code, 0);
    const none = await runCli(['audit', TUTORIAL, '--no-config', '--baseline', b]);
    assert.equal(none.code, 0);
    assert.equal(none.stderr, '');
    const r = await runCli(['audit', TUTORIAL, READY, '--no-config', '--baseline', b, '--fail-on', 'info']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kubeready: exit 1: \d+ new info findings? at or above --fail-on info/);
  });
});
