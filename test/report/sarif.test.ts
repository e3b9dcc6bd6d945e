/**
 * SARIF output: valid against the SARIF 2.1.0 JSON schema (the copy shipped in the npm package
 * @microsoft/jest-sarif, lib/schemas/sarif-2.1.0-rtm.5.json, MIT; a draft-04 schema, hence
 * ajv-draft-04, with ajv-formats so uri / uri-reference / date-time are checked too), and shaped
 * for GitHub code scanning.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { runCli, auditJson } from '../helpers/cli.js';
import { buildSarif, renderSarif, pathToUri, FINGERPRINT_KEY, MAX_RESULTS } from '../../src/report/sarif.js';
import { fingerprintOf } from '../../src/engine/fingerprint.js';
import type { Finding, Report } from '../../src/engine/report-types.js';
import { trickyReport, emptyReport, NASTY, SPACED_FILE, EXAMPLE_TARGETS } from './tricky-report.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
// CommonJS packages: under NodeNext the default import is module.exports; take its .default.
const Ajv04 = ((Ajv04Module as unknown as { default?: unknown }).default ?? Ajv04Module) as typeof Ajv04Module.default;
// The rtm.5 schema's run.language pattern is not valid with the `u` flag: compile without it.
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: unknown) => void;
addFormats(ajv);
const validateSchema = ajv.compile(schema);

function assertValid(log: unknown): asserts log is Log {
  const ok = validateSchema(log);
  assert.ok(ok, JSON.stringify(validateSchema.errors?.slice(0, 5), null, 2));
}

/** GitHub code scanning's own constraints on top of the schema. */
function assertGithubReady(log: Log): void {
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1, 'one run per file');
  const run = log.runs[0];
  const rules = run.tool.driver.rules ?? [];
  assert.ok((run.results ?? []).length <= MAX_RESULTS);
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'rule ids are unique');
  for (const r of rules) {
    assert.match(r.id, /^[a-z0-9-]+$/);
    assert.ok(r.shortDescription?.text && r.fullDescription?.text && r.help?.text && r.help?.markdown);
    // No guessed URL (no published documentation site): the help names the command instead.
    assert.equal(r.helpUri, undefined);
    assert.match(r.help!.text, new RegExp(`Full documentation: kubeready explain ${r.id}$`));
    const tags = r.properties?.tags ?? [];
    assert.ok(tags.length <= 20);
    const sev = r.properties?.['security-severity'];
    if (tags.includes('security')) assert.match(String(sev), /^\d+\.\d$/, `${r.id} has a security-severity`);
  }
  for (const res of run.results ?? []) {
    assert.ok(res.ruleId && rules[res.ruleIndex!]?.id === res.ruleId, `ruleIndex of ${res.ruleId}`);
    assert.ok(['error', 'warning', 'note'].includes(res.level!));
    assert.ok(res.message.text);
    assert.ok(res.partialFingerprints?.[FINGERPRINT_KEY]?.match(/^[0-9a-f]{32}$/));
    const loc = res.locations![0].physicalLocation!;
    assert.equal(loc.artifactLocation!.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(loc.artifactLocation!.uri!, /^(\/|file:|[A-Za-z]:)/, 'relative URI');
    assert.ok((res.locations!.length + (res.relatedLocations?.length ?? 0)) <= 1000);
  }
  assert.match(run.originalUriBaseIds?.['%SRCROOT%']?.uri ?? '', /^file:\/\/.*\/$/);
}

const root = process.cwd();

describe('sarif: example runs', () => {
  for (const target of EXAMPLE_TARGETS) {
    it(`${target}: valid SARIF 2.1.0, every finding a result with its fingerprint`, async () => {
      const r = await runCli(['audit', target, '-o', 'sarif', '--no-config'], { cwd: root });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const log = JSON.parse(r.stdout) as unknown;
      assertValid(log);
      assertGithubReady(log);
      const { report } = await auditJson([target], { cwd: root });
      const findings = report.verdicts.flatMap((v) => v.findings);
      const results = log.runs[0].results!;
      assert.equal(results.length, findings.length);
      // Rules: exactly the checks that fired.
      assert.deepEqual(new Set(log.runs[0].tool.driver.rules!.map((x) => x.id)), new Set(findings.map((f) => f.check)));
      assert.equal(log.runs[0].tool.driver.name, 'kubeready');
      assert.equal(log.runs[0].tool.driver.version, report.tool.version);
      findings.forEach((f, i) => {
        const res = results[i];
        assert.equal(res.ruleId, f.check);
        assert.equal(res.partialFingerprints![FINGERPRINT_KEY], fingerprintOf(f));
        assert.equal(res.level, f.unknown ? 'note' : { error: 'error', warning: 'warning', info: 'note' }[f.severity]);
        const pl = res.locations![0].physicalLocation!;
        assert.equal(decodeURIComponent(pl.artifactLocation!.uri!), f.location.file);
        assert.equal(pl.region?.startLine, f.location.line ?? undefined);
        assert.equal(res.locations![0].logicalLocations![0].fullyQualifiedName, [f.object.kind, f.object.namespace, f.object.name].filter(Boolean).join('/'));
        assert.equal(res.relatedLocations?.length ?? 0, f.related.length);
        if (f.unknown) assert.match(String(res.properties?.unknown), /not in the input/);
      });
      if (target === 'examples/tutorial') {
        const crb = results.find((x) => x.ruleId === 'cluster-admin-binding')!;
        assert.equal(crb.level, 'error');
        const rule = log.runs[0].tool.driver.rules!.find((x) => x.id === 'cluster-admin-binding')!;
        assert.equal(rule.properties!['security-severity'], '8.0');
        assert.ok(rule.properties!.tags!.includes('rbac'));
        assert.match(rule.help!.markdown!, /```yaml\n/);
      }
    });
  }
});

describe('sarif: input errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeready-sarif-'));
    writeFileSync(join(dir, 'bad file.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: indent\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('input problems are toolExecutionNotifications with their location; execution not successful', async () => {
    const r = await runCli(['audit', 'bad file.yaml', '-o', 'sarif', '--no-config'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as unknown;
    assertValid(log);
    assertGithubReady(log);
    const inv = log.runs[0].invocations![0];
    assert.equal(inv.executionSuccessful, false);
    const n = inv.toolExecutionNotifications!;
    assert.ok(n.length >= 1);
    assert.equal(n[0].level, 'error');
    assert.equal(n[0].locations![0].physicalLocation!.artifactLocation!.uri, 'bad%20file.yaml');
    assert.ok(n[0].locations![0].physicalLocation!.region!.startLine! >= 1);
    assert.match(log.runs[0].originalUriBaseIds!['%SRCROOT%'].uri!, /kubeready-sarif-/);
  });
});

describe('sarif: content', () => {
  const report = trickyReport();
  const log = buildSarif(report, { cwd: '/work/some dir' });
  const results = log.runs[0].results!;
  const byMessage = (re: RegExp) => results.find((r) => re.test(r.message.text!))!;

  it('is valid and GitHub-ready with tricky text', () => {
    assertValid(JSON.parse(renderSarif(report, { cwd: '/work/some dir' })));
    assertGithubReady(log);
    assert.equal(log.runs[0].originalUriBaseIds!['%SRCROOT%'].uri, 'file:///work/some%20dir/');
  });
  it('keeps messages verbatim (JSON escapes them) and percent-encodes paths', () => {
    const r = byMessage(/say "hi"/);
    assert.equal(r.message.text, `Deployment shop/web|"x": ${NASTY}`);
    const uri = r.locations![0].physicalLocation!.artifactLocation!.uri!;
    assert.equal(uri, 'k8s/my%20app%2C%20v2%3A%20prod/dep%20loy.yaml');
    assert.equal(decodeURIComponent(uri), SPACED_FILE);
    assert.deepEqual(r.locations![0].physicalLocation!.region, { startLine: 12, startColumn: 9 });
    assert.equal(r.properties!.locationIsWhereFieldBelongs, true);
  });
  it('omits the region when the line is unknown', () => {
    const r = byMessage(/no seccompProfile/);
    assert.equal(r.locations![0].physicalLocation!.region, undefined);
    assert.equal(r.level, 'warning');
  });
  it('exempted findings are suppressed results: external for config, inSource for annotations', () => {
    const cfg = byMessage(/exempted by config/);
    assert.deepEqual(cfg.suppressions, [{ kind: 'external', status: 'accepted', justification: 'CNI needs it, "approved" by <sec>' }]);
    const ann = byMessage(/exempted by annotation/);
    assert.deepEqual(ann.suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'legacy' }]);
    assert.equal(results.filter((r) => r.suppressions).length, 2);
  });
  it('unknown findings are notes saying why, with related locations', () => {
    const r = byMessage(/no PodDisruptionBudget selects/);
    assert.equal(r.level, 'note');
    assert.match(String(r.properties!.unknown), /no PodDisruptionBudget in namespace shop/);
    assert.equal(r.relatedLocations!.length, 1);
    assert.equal(r.relatedLocations![0].physicalLocation!.artifactLocation!.uri, 'k8s/ns.yaml');
    assert.equal(r.relatedLocations![0].logicalLocations![0].fullyQualifiedName, 'Namespace/shop');
    assert.match(r.relatedLocations![0].message!.text!, /^the namespace: Namespace shop/);
  });
  it('cluster-scoped objects have kind/name logical locations', () => {
    const r = results.find((x) => x.ruleId === 'cluster-admin-binding')!;
    assert.equal(r.locations![0].logicalLocations![0].fullyQualifiedName, 'ClusterRoleBinding/admins');
  });
  it('rules: security and rbac checks carry security-severity by severity; others none', () => {
    const rules = new Map(log.runs[0].tool.driver.rules!.map((r) => [r.id, r]));
    assert.equal(rules.get('privileged-container')!.properties!['security-severity'], '8.0');
    assert.equal(rules.get('seccomp-profile-missing')!.properties!['security-severity'], '5.0');
    assert.equal(rules.get('memory-limit-missing')!.properties!['security-severity'], undefined);
    assert.deepEqual(rules.get('memory-limit-missing')!.properties!.tags, ['kubernetes', 'resources']);
    assert.equal(rules.get('memory-limit-missing')!.defaultConfiguration!.level, 'error');
    assert.equal(rules.get('memory-limit-missing')!.name, 'MemoryLimitMissing');
    // A YAML snippet with a ``` inside gets a longer fence.
    assert.match(rules.get('memory-limit-missing')!.help!.markdown!, /````yaml\n[\s\S]*```` fence|````yaml\n/);
  });
  it('input problems are notifications, with and without a line', () => {
    const n = log.runs[0].invocations![0].toolExecutionNotifications!;
    assert.equal(n.length, 2);
    assert.equal(n[0].locations![0].physicalLocation!.artifactLocation!.uri, 'k8s/broken%20file.yaml');
    assert.deepEqual(n[0].locations![0].physicalLocation!.region, { startLine: 4, startColumn: 7 });
    assert.equal(n[1].level, 'warning');
    assert.equal(n[1].locations![0].physicalLocation!.region, undefined);
  });
  it('an empty report is a valid log with no results', () => {
    const empty = buildSarif(emptyReport(), { cwd: '/' });
    assertValid(empty);
    assert.deepEqual(empty.runs[0].results, []);
    assert.deepEqual(empty.runs[0].tool.driver.rules, []);
    assert.equal(empty.runs[0].invocations![0].executionSuccessful, true);
  });
  it('the schema check itself fails on a bad URI (the test can fail)', () => {
    const bad = buildSarif(report, { cwd: '/x' });
    bad.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!.uri = 'my file.yaml';
    assert.equal(validateSchema(bad), false);
  });
  it('pathToUri: relative paths are %SRCROOT%-based; absolute ones are file URIs', () => {
    assert.deepEqual(pathToUri('a/b c#d?.yaml'), { uri: 'a/b%20c%23d%3F.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(pathToUri('../up.yaml'), { uri: '../up.yaml', uriBaseId: '%SRCROOT%' });
    assert.equal(pathToUri('/abs/x y.yaml').uri, 'file:///abs/x%20y.yaml');
  });
});

describe('sarif: GitHub limits', () => {
  it('caps results at maxResults keeping errors first, and says so', () => {
    const base = trickyReport();
    const v = base.verdicts[0];
    const many: Finding[] = [];
    for (let i = 0; i < 30; i++) many.push({ ...v.findings[2], message: `warning ${i}` });
    many.push({ ...v.findings[0], message: 'the one error' });
    const report: Report = { ...base, verdicts: [{ ...v, findings: many }], problems: [] };
    const log = buildSarif(report, { cwd: '/', maxResults: 10 });
    const res: Result[] = log.runs[0].results!;
    assert.equal(res.length, 10);
    assert.ok(res.some((r) => r.message.text!.endsWith('the one error')));
    const n = log.runs[0].invocations![0].toolExecutionNotifications!;
    assert.match(n[0].message.text!, /21 of 31 results left out/);
    assertValid(log);
  });
});
