/** Baseline engine: matching with multiplicity, exemptions, sorting, parsing; the exit-code gates. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyBaseline, baselineOf, parseBaseline, serializeBaseline, BaselineError } from '../../src/engine/baseline.js';
import { exitCodeFor, EXIT } from '../../src/engine/exit.js';
import { fingerprintOf } from '../../src/engine/fingerprint.js';
import type { Finding, Report, Verdict } from '../../src/engine/report-types.js';

function finding(name: string, check: string, line: number, extra: Partial<Finding> = {}): Finding {
  return {
    check,
    pillar: 'resources',
    severity: 'error',
    title: check,
    message: `${check} on ${name}`,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop' },
    container: 'app',
    field: 'spec.template.spec.containers[0].resources',
    location: { file: 'app.yaml', line, column: 3, exact: true, doc: 0 },
    exempted: null,
    unknown: null,
    related: [],
    ...extra,
  };
}

function report(findings: Finding[], score = 50): Report {
  const verdict: Verdict = {
    object: findings[0]?.object ?? { apiVersion: 'v1', kind: 'Pod', name: 'x', namespace: 'shop' },
    location: { file: 'app.yaml', line: 1, column: 1, exact: true, doc: 0 },
    workloadClass: 'service',
    ready: false,
    score,
    pillars: { resources: 'fail', health: 'pass', rbac: 'pass', availability: 'pass', observability: 'pass', security: 'pass', storage: 'n/a', networking: 'n/a' },
    podSecurity: null,
    findings,
    survival: null,
  };
  const zero = { error: 0, warning: 0, info: 0 };
  return {
    schemaVersion: 1,
    tool: { name: 'kubeready', version: '0' },
    summary: {
      workloads: 1, readyWorkloads: 0, objects: 1, documents: 1, skippedDocuments: 0, files: 1, score,
      findings: { ...zero }, exempted: 0, unknown: 0,
      byPillar: { resources: { ...zero }, health: { ...zero }, rbac: { ...zero }, availability: { ...zero }, observability: { ...zero }, security: { ...zero }, storage: { ...zero }, networking: { ...zero } },
      inputErrors: 0,
    },
    checks: [],
    verdicts: [verdict],
    problems: [],
  };
}

const roundTrip = (r: Report) => parseBaseline(serializeBaseline(baselineOf(r)), 'b.json');

describe('baselineOf / serializeBaseline', () => {
  it('records non-exempted findings (unknown ones too), sorted by object and check, whatever the report order', () => {
    const a = [finding('web', 'memory-limit-missing', 9), finding('api', 'cpu-limit-missing', 30), finding('web', 'cpu-limit-missing', 8)];
    const ex = finding('web', 'run-as-non-root', 10, { exempted: { by: 'config', reason: 'legacy' } });
    const unk = finding('web', 'pdb-missing', 4, { unknown: 'no PDB in input' });
    const b1 = baselineOf(report([...a, ex, unk]));
    assert.deepEqual(b1.findings.map((e) => `${e.object.name}/${e.check}`), ['api/cpu-limit-missing', 'web/cpu-limit-missing', 'web/memory-limit-missing', 'web/pdb-missing']);
    assert.equal(b1.findings[0].fingerprint, fingerprintOf(a[1]));
    assert.equal(b1.findings[0].at, 'app.yaml:30');
    assert.equal(serializeBaseline(baselineOf(report([unk, ...a.reverse(), ex]))), serializeBaseline(b1));
  });
});

describe('applyBaseline', () => {
  it('marks new and unchanged, lists fixed, and only new findings gate the exit code', () => {
    const old = report([finding('web', 'a', 1), finding('web', 'b', 2)]);
    const entries = roundTrip(old);
    const now = report([finding('web', 'b', 20), finding('web', 'c', 3, { severity: 'warning' })]);
    const res = applyBaseline(now, entries, 'b.json');
    assert.deepEqual(now.verdicts[0].findings.map((f) => f.baseline), ['unchanged', 'new']);
    assert.deepEqual({ ...res, fixed: res.fixed.map((e) => e.check) }, { file: 'b.json', new: 1, unchanged: 1, fixed: ['a'] });
    assert.equal(now.baseline, res);
    assert.equal(exitCodeFor(now, 'error'), EXIT.OK, 'the new finding is a warning; the error one is in the baseline');
    assert.equal(exitCodeFor(now, 'warning'), EXIT.FINDINGS);
    const plain = report([finding('web', 'b', 20), finding('web', 'c', 3, { severity: 'warning' })]);
    assert.equal(exitCodeFor(plain, 'error'), EXIT.FINDINGS, 'without the baseline the error counts');
  });
  it('counts multiplicity: one entry absorbs one finding; the one at the recorded file:line keeps it', () => {
    const entries = roundTrip(report([finding('web', 'a', 7)]));
    const now = report([finding('web', 'a', 3, { location: { file: 'copy.yaml', line: 3, column: 1, exact: true, doc: 0 } }), finding('web', 'a', 7)]);
    const res = applyBaseline(now, entries, 'b.json');
    assert.deepEqual(now.verdicts[0].findings.map((f) => [f.location.file, f.baseline]), [['copy.yaml', 'new'], ['app.yaml', 'unchanged']]);
    assert.equal(res.new, 1);
    assert.deepEqual(res.fixed, []);
    // Two entries, two findings at other places: both unchanged, in order.
    const two = roundTrip(report([finding('web', 'a', 7), finding('web', 'a', 7)]));
    assert.equal(two.length, 2);
    const moved = report([finding('web', 'a', 40), finding('web', 'a', 41)]);
    assert.equal(applyBaseline(moved, two, 'b.json').unchanged, 2);
    // Two entries, one finding: one fixed.
    const one = report([finding('web', 'a', 40)]);
    assert.equal(applyBaseline(one, two, 'b.json').fixed.length, 1);
  });
  it('an exempted finding is not classified (null) and absorbs its entry, which is then not "fixed"', () => {
    const entries = roundTrip(report([finding('web', 'a', 1)]));
    const now = report([finding('web', 'a', 1, { exempted: { by: 'annotation', reason: 'x' } })]);
    const res = applyBaseline(now, entries, 'b.json');
    assert.equal(now.verdicts[0].findings[0].baseline, null);
    assert.deepEqual([res.new, res.unchanged, res.fixed.length], [0, 0, 0]);
  });
  it('a finding whose message changed is new (the old one fixed): the fingerprint is the substance', () => {
    const entries = roundTrip(report([finding('web', 'a', 1, { message: 'limit 128Mi below heap 256Mi' })]));
    const now = report([finding('web', 'a', 1, { message: 'limit 128Mi below heap 512Mi' })]);
    const res = applyBaseline(now, entries, 'b.json');
    assert.deepEqual([res.new, res.unchanged, res.fixed.length], [1, 0, 1]);
  });
});

describe('parseBaseline', () => {
  const fp = 'a'.repeat(32);
  it('accepts a hand-trimmed file: only fingerprint, check, object, field, message are required', () => {
    const e = parseBaseline(JSON.stringify({ version: 1, findings: [{ fingerprint: fp, check: 'c', object: { kind: 'Deployment', name: 'w' }, field: 'f', message: 'm' }] }), 'b.json');
    assert.deepEqual(e, [{ fingerprint: fp, check: 'c', severity: null, object: { kind: 'Deployment', namespace: null, name: 'w' }, container: null, field: 'f', message: 'm', at: null }]);
  });
  const bad: [string, RegExp][] = [
    ['{', /^baseline b\.json: not valid JSON/],
    ['null', /not a kubeready baseline/],
    ['{"version": 1}', /not a kubeready baseline/],
    ['{"version": "1", "findings": []}', /not a kubeready baseline/],
    ['{"version": 3, "findings": []}', /version 3 was written by a newer kubeready/],
    [`{"version": 1, "findings": [1]}`, /findings\[0\]: not an object/],
    [`{"version": 1, "findings": [{"fingerprint": "${fp.toUpperCase()}"}]}`, /findings\[0\]: "fingerprint" must be 32 lowercase hex digits/],
    [`{"version": 1, "findings": [{"fingerprint": "${fp}", "check": "c", "object": {"kind": "D"}, "field": "f", "message": "m"}]}`, /findings\[0\]: "object" must be \{kind, namespace, name\}/],
    [`{"version": 1, "findings": [{"fingerprint": "${fp}", "check": "c", "object": {"kind": "D", "name": "n"}, "field": "f", "message": "m", "at": 3}]}`, /findings\[0\]: "at" must be a string or null/],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${text.slice(0, 60)} with one line`, () => {
      assert.throws(() => parseBaseline(text, 'b.json'), (e: unknown) => e instanceof BaselineError && re.test(e.message) && !e.message.includes('\n'));
    });
  }
});

describe('exitCodeFor: gates', () => {
  it('0 pass, 1 findings, 3 score below --min-score; both failing gives 1', () => {
    const clean = report([], 90);
    assert.equal(exitCodeFor(clean, 'error', { minScore: 90 }), EXIT.OK);
    assert.equal(exitCodeFor(clean, 'error', { minScore: 91 }), EXIT.SCORE);
    assert.equal(EXIT.SCORE, 3);
    const bad = report([finding('web', 'a', 1)], 40);
    assert.equal(exitCodeFor(bad, 'error'), EXIT.FINDINGS);
    assert.equal(exitCodeFor(bad, 'error', { minScore: 50 }), EXIT.FINDINGS, 'findings take precedence');
    assert.equal(exitCodeFor(bad, 'none', { minScore: 50 }), EXIT.SCORE, '--fail-on none leaves the score gate');
    assert.equal(exitCodeFor(bad, 'none', { minScore: 0 }), EXIT.OK);
  });
  it('with a baseline, the score gate still uses the overall score', () => {
    const r = report([finding('web', 'a', 1)], 40);
    applyBaseline(r, roundTrip(report([finding('web', 'a', 1)])), 'b.json');
    assert.equal(exitCodeFor(r, 'error'), EXIT.OK);
    assert.equal(exitCodeFor(r, 'error', { minScore: 41 }), EXIT.SCORE);
  });
});

describe('fingerprints of live findings', () => {
  it('differ between clusters and keep manifest fingerprints as they were', async () => {
    const { fingerprintOf } = await import('../../src/engine/fingerprint.js');
    const base = { check: 'memory-limit-missing', object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' }, container: 'app', field: 'spec', message: 'm' };
    const a = fingerprintOf({ ...base, object: { ...base.object, cluster: 'prod-eu' } } as never);
    const b = fingerprintOf({ ...base, object: { ...base.object, cluster: 'prod-us' } } as never);
    const plain = fingerprintOf(base as never);
    assert.notEqual(a, b);
    assert.notEqual(a, plain);
    assert.equal(plain, fingerprintOf({ ...base } as never));
  });
});
