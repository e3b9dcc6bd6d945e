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
import type { CheckInfo, Finding, Report } from '../../src/engine/report-types.js';

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

/**
 * The tricky report with 4 error findings in the web Deployment's resources testcase (two checks
 * on the app container, a second memory-limit-missing on a sidecar), plus an exempted error and a
 * warning of the same pillar that must stay out of the failure.
 */
function manyErrors(): Report {
  const r = trickyReport();
  const info = (id: string, severity: CheckInfo['severity'], title: string, fix: string): CheckInfo => ({
    id,
    pillar: 'resources',
    severity,
    title,
    whatBreaks: `${title} breaks things.`,
    fix: { text: fix, yaml: '' },
  });
  r.checks.push(
    info('cpu-limit-missing', 'error', 'Container has no CPU limit', 'Set resources.limits.cpu.'),
    info('cpu-request-missing', 'error', 'Container has no CPU request', 'Set resources.requests.cpu.'),
    info('memory-quantity-too-small', 'warning', 'Memory quantity is suspiciously small', 'Use Mi.'),
  );
  const web = r.verdicts[0];
  const mem = web.findings.find((f) => f.check === 'memory-limit-missing')!;
  const like = (check: string, severity: Finding['severity'], message: string, field: string, over: Partial<Finding> = {}): Finding => ({
    ...mem,
    check,
    severity,
    title: r.checks.find((c) => c.id === check)!.title,
    message,
    field,
    ...over,
  });
  web.findings.splice(
    1,
    0,
    like('cpu-limit-missing', 'error', 'container "app" has no CPU limit', 'spec.template.spec.containers[0].resources.limits.cpu'),
    like('memory-limit-missing', 'error', 'container "side<car>" has no memory limit & more', 'spec.template.spec.containers[1].resources.limits.memory', {
      container: 'side<car>',
      location: { ...mem.location, line: 30 },
    }),
    like('cpu-limit-missing', 'error', 'exempted one', 'spec.template.spec.containers[1].resources.limits.cpu', { exempted: { by: 'config', reason: 'batch sidecar' } }),
    like('memory-quantity-too-small', 'warning', 'init has a low limit', 'spec.template.spec.initContainers[0].resources.limits.memory'),
    like('cpu-request-missing', 'error', 'container "app" has no CPU request', 'spec.template.spec.containers[0].resources.requests.cpu'),
  );
  return r;
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
    it(`${target}: one suite per pillar, one case per workload x pillar, one failure per failing case naming every error`, async () => {
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
      // At most one <failure> per testcase: Jenkins reads only the first one.
      for (const c of cases) assert.ok((c.failure?.length ?? 0) <= 1, `${c['@_classname']} ${c.suite}: ${c.failure?.length} failures`);
      const errors = report.verdicts.flatMap((v) => v.findings).filter((f) => f.severity === 'error' && !f.exempted && !f.unknown);
      // Every error finding is a block in the one failure of its object x pillar testcase.
      const failing = new Map<string, typeof errors>();
      for (const f of errors) {
        const key = `${f.object.namespace ?? '_cluster'}.${f.object.kind}.${f.object.name} ${f.pillar}`;
        failing.set(key, [...(failing.get(key) ?? []), f]);
      }
      assert.equal(cases.filter((c) => c.failure?.length).length, failing.size, 'one failing testcase per object x pillar with errors');
      for (const [key, fs] of failing) {
        const c = cases.find((x) => `${x['@_classname']} ${x.suite}` === key);
        assert.ok(c?.failure?.length === 1, `one failure for ${key}`);
        const el = c.failure[0];
        const text = el['#text'];
        assert.equal(text.match(/^\[error\] /gm)?.length, fs.length, `${key}: a block per error finding`);
        for (const f of fs) {
          const at = f.location.line ? `${f.location.file}:${f.location.line}:${f.location.column}` : f.location.file;
          assert.ok(text.includes(`[error] ${f.check} at ${at} (${f.field}): ${f.message}`), `${key}: block for ${f.check} at ${at}`);
        }
        const checks = [...new Set(fs.map((f) => f.check))];
        for (const id of checks) assert.match(text, new RegExp(`\\(kubeready explain ${id}\\)`), `${key}: the fix for ${id}`);
        assert.match(text, /What breaks: .+\nFix: /);
        if (fs.length === 1) {
          assert.equal(el['@_message'], fs[0].message);
          assert.equal(el['@_type'], fs[0].check);
        } else {
          assert.match(el['@_message'], new RegExp(`^${fs.length} errors: `));
          assert.equal(el['@_type'], checks.length === 1 ? checks[0] : 'error');
          for (const id of checks) assert.ok(el['@_message'].includes(id), `${key}: the message names ${id}`);
        }
      }
      const warnings = report.verdicts.flatMap((v) => v.findings).filter((f) => f.severity !== 'error' && !f.exempted);
      const out = cases.flatMap((c) => c['system-out'] ?? []).join('\n');
      for (const w of warnings) assert.ok(out.includes(w.message), `system-out has ${w.check}`);
      if (target === 'examples/production-ready') assert.equal(Number(doc.testsuites['@_failures']), 0);
      if (target === 'examples/tutorial') {
        assert.ok(Number(doc.testsuites['@_failures']) >= 6);
        // The case the review found: 4 resources errors of one Deployment, which Jenkins showed as 1.
        const web = cases.find((c) => c['@_classname'] === 'default.Deployment.todo-web' && c.suite === 'resources')!;
        assert.equal(web.failure!.length, 1);
        assert.equal(web.failure![0]['@_message'], '4 errors: cpu-limit-missing, cpu-request-missing, memory-limit-missing, memory-request-missing');
      }
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
  it('a testcase with 4 error findings has exactly one <failure> that names all 4; the counts add up', () => {
    const r = manyErrors();
    const xml = renderJunit(r);
    assertSchemaShape(xml);
    const doc = parse(xml);
    const counts = assertCounts(doc);
    const res = doc.testsuites.testsuite!.find((s) => s['@_name'] === 'resources')!;
    const web = res.testcase.find((c) => c['@_classname'] === 'shop.Deployment.web|"x"')!;
    assert.equal(web.failure!.length, 1);
    const f = web.failure![0];
    assert.equal(f['@_message'], '4 errors: memory-limit-missing (2), cpu-limit-missing, cpu-request-missing');
    assert.equal(f['@_type'], 'error', 'several checks: the worst severity');
    const text = f['#text'];
    const heads = text.split('\n').filter((l) => l.startsWith('[error] '));
    assert.deepEqual(heads.map((l) => l.split(' ')[1]), ['memory-limit-missing', 'cpu-limit-missing', 'memory-limit-missing', 'cpu-request-missing']);
    assert.ok(text.includes(`[error] memory-limit-missing at k8s/my app, v2: prod/dep loy.yaml:12:9 (spec.template.spec.containers[0].resources.limits.memory): ${NASTY.replace('\u0007', '')}`));
    assert.ok(text.includes('[error] cpu-limit-missing at k8s/my app, v2: prod/dep loy.yaml:12:9 (spec.template.spec.containers[0].resources.limits.cpu): container "app" has no CPU limit'));
    assert.ok(text.includes('[error] memory-limit-missing at k8s/my app, v2: prod/dep loy.yaml:30:9 (spec.template.spec.containers[1].resources.limits.memory): container "side<car>" has no memory limit & more'));
    assert.ok(text.includes('[error] cpu-request-missing at k8s/my app, v2: prod/dep loy.yaml:12:9 (spec.template.spec.containers[0].resources.requests.cpu): container "app" has no CPU request'));
    // What breaks and the fix once per check, not once per finding.
    assert.equal(text.match(/\(kubeready explain memory-limit-missing\)/g)?.length, 1);
    assert.equal(text.match(/What breaks: /g)?.length, 3);
    assert.match(text, /Fix: Set resources\.requests\.cpu\.\n/);
    // The exempted resources error and the resources warning stay out of the failure.
    assert.doesNotMatch(text, /exempted one|init has a low limit/);
    assert.match(web['system-out']!.join('\n'), /\[exempted by config: batch sidecar\] cpu-limit-missing .*: exempted one\n\[warning\] memory-quantity-too-small .*: init has a low limit/);
    // Failures count testcases: the same 4 as without the extra findings (web resources, web
    // security, the ClusterRoleBinding's rbac, the input file), one <failure> each.
    const all = doc.testsuites.testsuite!.flatMap((s) => s.testcase);
    assert.equal(counts.failures, 4);
    assert.equal(all.flatMap((c) => c.failure ?? []).length, 4);
    assert.equal(Number(res['@_failures']), 1);
    assert.equal(Number(res['@_tests']), 2);
    assert.equal(counts.tests, assertCounts(parse(renderJunit(trickyReport()))).tests);
  });
  it('several errors of one check: type is that check id', () => {
    const r = trickyReport();
    const web = r.verdicts[0];
    const priv = web.findings.find((f) => f.check === 'privileged-container' && !f.exempted)!;
    web.findings.push({ ...priv, container: 'sidecar', message: 'container "sidecar" is privileged', location: { ...priv.location, line: 33 } });
    const sec = parse(renderJunit(r)).testsuites.testsuite!.find((s) => s['@_name'] === 'security')!;
    const c = sec.testcase.find((x) => x['@_classname'].startsWith('shop.Deployment'))!;
    assert.equal(c.failure!.length, 1);
    assert.equal(c.failure![0]['@_message'], '2 errors: privileged-container (2)');
    assert.equal(c.failure![0]['@_type'], 'privileged-container');
    assert.match(c.failure![0]['#text'], /:20:13 .*: container "app" is privileged\n(.|\n)*\n\n\[error\] privileged-container at .*:33:13 .*: container "sidecar" is privileged$/);
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
  it('input problems: several errors in one file are one <failure> that lists them all', () => {
    const r = trickyReport();
    r.problems.push({ file: 'k8s/broken file.yaml', line: 9, column: 1, level: 'error', message: 'duplicate key <x> & "y"' });
    const doc = parse(renderJunit(r));
    const input = doc.testsuites.testsuite!.find((s) => s['@_name'] === 'input')!;
    assert.equal(input.testcase[0].failure!.length, 1);
    const f = input.testcase[0].failure![0];
    assert.equal(f['@_message'], '2 input errors, the first: YAML: bad indentation of a mapping entry: "a: b" %');
    assert.equal(f['@_type'], 'input-error');
    assert.equal(f['#text'], 'k8s/broken file.yaml:4:7: YAML: bad indentation of a mapping entry: "a: b" %\nk8s/broken file.yaml:9:1: duplicate key <x> & "y"');
    assert.equal(Number(input['@_failures']), 1);
    assertCounts(doc);
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
    assert.equal(input.testcase[0]['@_name'], '<stdin>');
    assert.ok(input.testcase[0].failure!.length >= 1);
  });
  it('escapers: attributes keep newlines and quotes, text keeps CR; invalid XML characters and lone surrogates go', () => {
    assert.equal(xmlAttr('a"b\'c\nd\re\tf<&>'), 'a&quot;b&apos;c&#10;d&#13;e&#9;f&lt;&amp;&gt;');
    assert.equal(xmlText('x\u0000\u001b\uFFFEy\uD800z\uDC00 😀 ]]>'), 'xyz 😀 ]]&gt;');
    assert.equal(xmlText('a\r\nb'), 'a&#13;\nb', 'a literal CR would come back as LF');
  });
});
