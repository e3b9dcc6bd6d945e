/**
 * JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure DevOps, CircleCI, ...).
 *
 * Layout: one <testsuite> per pillar, one <testcase> per object x pillar.
 *
 * Suites are pillars, not namespaces: the pillars are the checklist, a fixed and short list, so the
 * CI's test view reads "security: 3 failed" the same way on every repository, and the namespace is
 * still there for grouping: testcase classname is `namespace.Kind.name` (Jenkins shows it as
 * package namespace, class Kind.name). Workloads get a testcase for every pillar, n/a pillars as
 * <skipped/>; other objects (Services, Roles, ...) only for the pillars that apply to them.
 *
 * Each non-exempted error finding is a <failure> (message = the finding message; text = location,
 * what breaks, fix); warnings, infos, unknown and exempted findings go to <system-out>. Counts
 * follow the usual convention: tests = testcases, failures = testcases with a failure, skipped =
 * skipped testcases, errors = 0 (errors are for tests that crash); <testsuites> carries tests,
 * failures and errors (no skipped: Jenkins' junit-10.xsd has none there). Input problems form a
 * suite of their own, "input", one testcase per file. The element and attribute set is the one of
 * junit-10.xsd (jenkinsci/xunit-plugin), so the output validates against it; the location of each
 * failure is in its text (testcase has no file attribute in that schema).
 *
 * Escaping: text and attributes are XML-escaped (no CDATA); characters XML 1.0 cannot carry
 * (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped; newlines inside attributes are
 * written as &#10; so they survive attribute normalisation.
 */
import { PIECE } from './pieces.js';
import type { CheckInfo, Finding, Report, Verdict } from '../engine/report-types.js';

type PillarName = keyof Verdict['pillars'];
const PILLAR_ORDER: PillarName[] = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'];

// XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Lone surrogates are matched by the two middle alternatives of the second regex.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function where(file: string, line: number | null, column: number | null): string {
  return line ? `${file}:${line}${column ? ':' + column : ''}` : file;
}

/** `namespace.Kind.name`; cluster-scoped objects use `_cluster` as their namespace. */
function classname(v: Verdict): string {
  return `${v.object.namespace ?? '_cluster'}.${v.object.kind}.${v.object.name}`;
}

function failureBody(f: Finding, info: CheckInfo | undefined): string {
  const lines = [`${f.check} at ${where(f.location.file, f.location.line, f.location.column)} (${f.field})`];
  for (const r of f.related) lines.push(`  ${r.note ? r.note + ': ' : ''}${r.object.kind} ${r.object.namespace ? r.object.namespace + '/' : ''}${r.object.name} at ${where(r.location.file, r.location.line, r.location.column)}`);
  if (info) {
    lines.push(`What breaks: ${info.whatBreaks}`);
    lines.push(`Fix: ${info.fix.text}`);
    if (info.fix.yaml) lines.push(info.fix.yaml);
    lines.push(`(kubeready explain ${f.check})`);
  }
  return lines.join('\n');
}

function noteLine(f: Finding): string {
  const tag = f.exempted ? `exempted by ${f.exempted.by}: ${f.exempted.reason}` : f.unknown ? `unknown, not in input: ${f.unknown}` : f.severity;
  return `[${tag}] ${f.check} at ${where(f.location.file, f.location.line, f.location.column)}: ${f.message}`;
}

interface Case {
  xml: string;
  failed: boolean;
  skipped: boolean;
}

export function renderJunit(report: Report): string {
  let out = '';
  writeJunit(report, (s) => (out += s));
  return out;
}

/** The test case of one pillar of one verdict (its XML only when `xml`); null when it is left out. */
function caseOf(v: Verdict, pillar: string, infos: Map<string, CheckInfo>, xml: boolean): Case | null {
  const status = v.pillars[pillar as keyof Verdict['pillars']];
  if (status === undefined) return null;
  const findings = v.findings.filter((f) => f.pillar === pillar);
  if (status === 'n/a' && v.workloadClass === null && findings.length === 0) return null;
  const failures = findings.filter((f) => f.severity === 'error' && !f.exempted && !f.unknown);
  const skipped = status === 'n/a' && failures.length === 0;
  if (!xml) return { xml: '', failed: failures.length > 0, skipped };
  const notes = findings.filter((f) => !failures.includes(f));
  let body = '';
  if (skipped) body += `\n      <skipped message="${xmlAttr(`${pillar} does not apply to this ${v.object.kind}`)}"/>`;
  for (const f of failures) {
    body += `\n      <failure message="${xmlAttr(f.message)}" type="${xmlAttr(f.check)}">${xmlText(failureBody(f, infos.get(f.check)))}</failure>`;
  }
  if (notes.length) body += `\n      <system-out>${xmlText(notes.map(noteLine).join('\n'))}</system-out>`;
  const attrs = `name="${xmlAttr(pillar)}" classname="${xmlAttr(classname(v))}" time="0"`;
  return { xml: body ? `    <testcase ${attrs}>${body}\n    </testcase>` : `    <testcase ${attrs}/>`, failed: failures.length > 0, skipped };
}

/**
 * The JUnit XML, written in pieces: the totals come first, so a first pass counts the cases and a
 * second writes each pillar's suite; a 100,000-object report is never one string.
 */
export function writeJunit(report: Report, write: (s: string) => void): void {
  const infos = new Map(report.checks.map((c) => [c.id, c]));
  const counts = new Map<string, { tests: number; failed: number; skipped: number }>();
  for (const pillar of PILLAR_ORDER) {
    const n = { tests: 0, failed: 0, skipped: 0 };
    for (const v of report.verdicts) {
      const c = caseOf(v, pillar, infos, false);
      if (!c) continue;
      n.tests++;
      if (c.failed) n.failed++;
      if (c.skipped) n.skipped++;
    }
    counts.set(pillar, n);
  }
  let inputCases: Case[] = [];
  if (report.problems.length) {
    const byFile = new Map<string, typeof report.problems>();
    for (const p of report.problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
    for (const [file, ps] of byFile) {
      const errs = ps.filter((p) => p.level === 'error');
      const warns = ps.filter((p) => p.level !== 'error');
      let body = '';
      for (const p of errs) body += `\n      <failure message="${xmlAttr(p.message)}" type="input-error">${xmlText(`${where(p.file, p.line, p.column)}: ${p.message}`)}</failure>`;
      if (warns.length) body += `\n      <system-out>${xmlText(warns.map((p) => `[warning] ${where(p.file, p.line, p.column)}: ${p.message}`).join('\n'))}</system-out>`;
      inputCases.push({ xml: `    <testcase name="${xmlAttr(file)}" classname="input" time="0">${body}\n    </testcase>`, failed: errs.length > 0, skipped: false });
    }
    counts.set('input', { tests: inputCases.length, failed: inputCases.filter((c) => c.failed).length, skipped: 0 });
  }

  let tests = 0;
  let failures = 0;
  for (const n of counts.values()) {
    tests += n.tests;
    failures += n.failed;
  }
  const sum = report.summary;
  let buf = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- kubeready ${xmlText(report.tool.version).replace(/-(?=-)/g, '- ')}: ${sum.readyWorkloads} of ${sum.workloads} workloads production-ready, score ${sum.score}/100 -->\n`;
  buf += `<testsuites name="kubeready" tests="${tests}" failures="${failures}" errors="0" time="0">\n`;
  let first = true;
  for (const [name, n] of counts) {
    if (n.tests === 0) continue;
    buf += `${first ? '' : '\n'}  <testsuite name="${xmlAttr(name)}" tests="${n.tests}" failures="${n.failed}" errors="0" skipped="${n.skipped}" time="0">\n`;
    first = false;
    let k = 0;
    const emit = (c: Case) => {
      buf += (k++ ? '\n' : '') + c.xml;
      if (buf.length > PIECE) {
        write(buf);
        buf = '';
      }
    };
    if (name === 'input') for (const c of inputCases) emit(c);
    else for (const v of report.verdicts) {
      const c = caseOf(v, name, infos, true);
      if (c) emit(c);
    }
    buf += '\n  </testsuite>';
  }
  inputCases = [];
  buf += `${first ? '' : '\n'}</testsuites>\n`;
  write(buf);
}
