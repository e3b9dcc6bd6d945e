/**
 * JUnit XML: well-formed (fast-xml-parser's validator and parser), counts that match the
 * testcases, and content that survives escaping. No XSD check in the suite: the maintained JUnit
 * schema (junit-10.xsd in jenkinsci/xunit-plugin) is not shipped by any npm package, and XSD
 * validation would need a native libxml2 binding or xmllint; the output was checked against it
 * once with `xmllint --schema junit-10.xsd` (valid), and the element/attribute set it allows is
 * asserted below (ALLOWED).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { runCli, auditJson } from '../helpers/cli.js';
import { renderJunit, xmlAttr, xmlText } from '../../src/report/junit.js';
import { trickyReport, emptyReport, NASTY, EXAMPLE_TARGETS } from './tricky-report.js';

interface Case {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '@_type': string; '#text': string }[];
  skipped?: { '@_message': string }[];
  'system-out'?: string[];
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  testcase: Case[];
}
interface Doc {
  testsuites: { '@_tests': string; '@_failures': string; '@_skipped'?: string; '@_errors': string; testsuite?: Suite[] };
}

function parse(xml: string): Doc {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, JSON.stringify(valid));
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    // Decode numeric character references (&#10;) as XML requires.
    htmlEntities: true,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'skipped', 'system-out'].includes(name),
  });
  return parser.parse(xml) as Doc;
}

/** Counts in attributes agree with the elements, at every level. */
function assertCounts(doc: Doc): { tests: number; failures: number; skipped: number } {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const s of doc.testsuites.testsuite ?? []) {
    const cases = s.testcase;
    const f = cases.filter((c) => c.failure?.length).length;
    const k = cases.filter((c) => c.skipped?.length).length;
    assert.equal(Number(s['@_tests']), cases.length, `${s['@_name']} tests`);
    assert.equal(Number(s['@_failures']), f, `${s['@_name']} failures`);
    assert.equal(Number(s['@_skipped']), k, `${s['@_name']} skipped`);
    assert.equal(s['@_errors'], '0');
    tests += cases.length;
    failures += f;
    skipped += k;
  }
  assert.equal(Number(doc.testsuites['@_tests']), tests);
  assert.equal(Number(doc.testsuites['@_failures']), failures);
  // junit-10.xsd has no skipped attribute on <testsuites>.
  assert.equal(doc.testsuites['@_skipped'], undefined);
  return { tests, failures, skipped };
}

const root = process.cwd();

/** Attributes junit-10.xsd allows, per element. */
const ALLOWED: Record<string, string[]> = {
  testsuites: ['name', 'time', 'tests', 'failures', 'errors'],
  testsuite: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
  testcase: ['name', 'time', 'classname', 'group'],
  failure: ['type', 'message'],
  skipped: ['type', 'message'],
  'system-out': [],
};

function assertSchemaShape(xml: string): void {
  const seen = new Set<string>();
  for (const m of xml.matchAll(/<([a-z-]+)((?:\s+[a-z]+="[^"]*")*)\s*\/?>/g)) {
    seen.add(m[1]);
    const allowed = ALLOWED[m[1]];
    assert.ok(allowed, `element <${m[1]}> is in junit-10.xsd`);
    for (const a of m[2].matchAll(/([a-z]+)="/g)) assert.ok(allowed.includes(a[1]), `<${m[1]} ${a[1]}> is in junit-10.xsd`);
  }
  assert.ok(seen.has('testsuites') && seen.has('testcase'), 'the shape check saw the elements');
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
}

describe('junit: example runs', () => {
  for (const target of EXAMPLE_TARGETS) {
    it(`${target}: one suite per pillar, one case per workload x pillar, a failure per error finding`, async () => {
      const r = await runCli(['audit', target, '-o', 'junit', '--no-config'], { cwd: root });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const doc = parse(r.stdout);
      assertCounts(doc);
      assertSchemaShape(r.stdout);
      const { report } = await auditJson([target], { cwd: root });
      const suites = doc.testsuites.testsuite ?? [];
      for (const s of suites) assert.ok(['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'].includes(s['@_name']));
      const cases = suites.flatMap((s) => s.testcase.map((c) => ({ ...c, suite: s['@_name'] })));
      // Every workload has a case in each of the 8 pillars; its name is the pillar.
      for (const v of report.verdicts.filter((x) => x.workloadClass !== null)) {
        const cn = `${v.object.namespace}.${v.object.kind}.${v.object.name}`;
        const mine = cases.filter((c) => c['@_classname'] === cn);
        assert.equal(mine.length, 8, cn);
        for (const c of mine) {
          assert.equal(c['@_name'], c.suite);
          const status = v.pillars[c.suite as keyof typeof v.pillars];
          assert.equal(Boolean(c.failure?.length), status === 'fail', `${cn} ${c.suite}`);
          assert.equal(Boolean(c.skipped?.length), status === 'n/a', `${cn} ${c.suite} skipped`);
        }
      }
      const errors = report.verdicts.flatMap((v) => v.findings).filter((f) => f.severity === 'error' && !f.exempted && !f.unknown);
      const failures = cases.flatMap((c) => c.failure ?? []);
      assert.equal(failures.length, errors.length);
      for (const f of errors) {
        const at = f.location.line ? `${f.location.file}:${f.location.line}:${f.location.column}` : f.location.file;
        const el = failures.find((x) => x['@_message'] === f.message && x['@_type'] === f.check && x['#text'].includes(at));
        assert.ok(el, `failure for ${f.check} at ${at}`);
        assert.match(el['#text'], /What breaks: .+\nFix: /);
      }
      const warnings = report.verdicts.flatMap((v) => v.findings).filter((f) => f.severity !== 'error' && !f.exempted);
      const out = cases.flatMap((c) => c['system-out'] ?? []).join('\n');
      for (const w of warnings) assert.ok(out.includes(w.message), `system-out has ${w.check}`);
      if (target === 'examples/production-ready') assert.equal(Number(doc.testsuites['@_failures']), 0);
      if (target === 'examples/tutorial') assert.ok(Number(doc.testsuites['@_failures']) >= 6);
    });
  }
});

describe('junit: content and escaping', () => {
  it('tricky text survives: quotes, <, &, ]]>, newlines, unicode; control characters dropped', () => {
    const xml = renderJunit(trickyReport());
    assertSchemaShape(xml);
    assert.doesNotMatch(xml, /\u0007/);
    const doc = parse(xml);
    assertCounts(doc);
    const res = doc.testsuites.testsuite!.find((s) => s['@_name'] === 'resources')!;
    const web = res.testcase.find((c) => c['@_classname'] === 'shop.Deployment.web|"x"')!;
    assert.equal(web.failure!.length, 1);
    const expected = NASTY.replace('\u0007', '');
    assert.equal(web.failure![0]['@_message'], expected);
    assert.match(web.failure![0]['#text'], /memory-limit-missing at k8s\/my app, v2: prod\/dep loy\.yaml:12:9/);
    assert.match(web.failure![0]['#text'], /the OOM killer picks `anyone` & <everyone>/);
  });
  it('exempted and unknown findings never fail; they and warnings are in system-out', () => {
    const doc = parse(renderJunit(trickyReport()));
    const sec = doc.testsuites.testsuite!.find((s) => s['@_name'] === 'security')!;
    const web = sec.testcase.find((c) => c['@_classname'].startsWith('shop.Deployment'))!;
    assert.equal(web.failure!.length, 1, 'only the live privileged-container error');
    const out = web['system-out']!.join('\n');
    assert.match(out, /\[warning\] seccomp-profile-missing at k8s\/my app, v2: prod\/dep loy\.yaml: no seccompProfile/);
    assert.match(out, /\[exempted by config: CNI needs it, "approved" by <sec>\] privileged-container/);
    assert.match(out, /\[exempted by annotation: legacy\]/);
    const avail = doc.testsuites.testsuite!.find((s) => s['@_name'] === 'availability')!;
    const unk = avail.testcase.find((c) => c['@_classname'].startsWith('shop.Deployment'))!;
    assert.equal(unk.failure, undefined);
    assert.match(unk['system-out']!.join(''), /\[unknown, not in input: no PodDisruptionBudget in namespace shop\]/);
  });
  it('n/a pillars are skipped for workloads; other objects only get their pillars; cluster-scoped classname', () => {
    const doc = parse(renderJunit(trickyReport()));
    const all = doc.testsuites.testsuite!.flatMap((s) => s.testcase);
    const cron = all.filter((c) => c['@_classname'] === 'shop.CronJob.nightly');
    assert.equal(cron.length, 8);
    assert.deepEqual(cron.filter((c) => c.skipped).map((c) => c['@_name']).sort(), ['availability', 'networking']);
    const crb = all.filter((c) => c['@_classname'] === '_cluster.ClusterRoleBinding.admins');
    assert.deepEqual(crb.map((c) => c['@_name']), ['rbac']);
    assert.equal(crb[0].failure![0]['@_type'], 'cluster-admin-binding');
  });
  it('input problems: an "input" suite with a case per file, errors as failures', () => {
    const doc = parse(renderJunit(trickyReport()));
    const input = doc.testsuites.testsuite!.find((s) => s['@_name'] === 'input')!;
    assert.equal(input.testcase.length, 1);
    assert.equal(input.testcase[0]['@_name'], 'k8s/broken file.yaml');
    assert.equal(input.testcase[0].failure!.length, 1);
    assert.equal(input.testcase[0].failure![0]['@_message'], 'YAML: bad indentation of a mapping entry: "a: b" %');
    assert.match(input.testcase[0]['system-out']![0], /\[warning\] k8s\/broken file\.yaml: document 2 has no kind/);
    const counts = assertCounts(doc);
    assert.equal(counts.tests, 8 + 8 + 1 + 1);
  });
  it('an empty report is a valid document with zero tests', () => {
    const xml = renderJunit(emptyReport());
    const doc = parse(xml);
    assert.equal(doc.testsuites['@_tests'], '0');
    assert.equal(doc.testsuites.testsuite, undefined);
  });
  it('a run with input errors through the CLI', async () => {
    const r = await runCli(['audit', '-', '-o', 'junit', '--no-config'], { cwd: root, stdin: 'kind: [\n' });
    assert.equal(r.code, 1);
    const doc = parse(r.stdout);
    assertCounts(doc);
    const input = doc.testsuites.testsuite!.find((s) => s['@_name'] === 'input')!;
    assert.equal(input.testcase[0]['@_name'], '-');
    assert.ok(input.testcase[0].failure!.length >= 1);
  });
  it('escapers: attributes keep newlines and quotes; invalid XML characters and lone surrogates go', () => {
    assert.equal(xmlAttr('a"b\'c\nd\re\tf<&>'), 'a&quot;b&apos;c&#10;d&#13;e&#9;f&lt;&amp;&gt;');
    assert.equal(xmlText('x\u0000\u001b\uFFFEy\uD800z\uDC00 😀 ]]>'), 'xyz 😀 ]]&gt;');
  });
});
