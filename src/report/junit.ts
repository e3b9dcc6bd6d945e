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
 * A testcase fails when it has non-exempted error findings, and then it has exactly one <failure>:
 * Jenkins' JUnit plugin (CaseResult) reads only the first <failure> of a testcase, and GitLab and
 * Azure DevOps show one per testcase, so a second <failure> would be a finding nobody sees. Its
 * message is the finding's message when there is one error, else a summary ("4 errors:
 * cpu-limit-missing, ..."); its type is the check id when one check fired, else "error" (the worst
 * severity: only errors fail); its text lists every error finding, one block each (severity, check,
 * file:line:col, field, message, related objects, then what breaks and the fix the first time the
 * testcase names that check). Warnings, infos, unknown and exempted findings go to <system-out>.
 * Counts follow the usual convention: tests = testcases, failures = testcases with a failure,
 * skipped = skipped testcases, errors = 0 (errors are for tests that crash); <testsuites> carries
 * tests, failures and errors (no skipped: Jenkins' junit-10.xsd has none there). Input problems form
 * a suite of their own, "input", one testcase per file, with the same one-<failure> rule. The element
 * and attribute set is the one of junit-10.xsd (jenkinsci/xunit-plugin), so the output validates
 * against it; the location of each finding is in the failure's text (testcase has no file attribute
 * in that schema).
 *
 * Escaping: text and attributes are XML-escaped (no CDATA); characters XML 1.0 cannot carry
 * (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped; newlines inside attributes are
 * written as &#10; so they survive attribute normalisation, and carriage returns everywhere as &#13;
 * so they survive line-end normalisation (a message with CR LF is also in a failure's text).
 */
import { PIECE } from './pieces.js';
import type { CheckInfo, Finding, Report, Verdict } from '../engine/report-types.js';

type PillarName = keyof Verdict['pillars'];
const PILLAR_ORDER: PillarName[] = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'];

// XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Lone surrogates are matched by the two middle alternatives of the second regex.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A carriage return as &#13;: written as it is, XML parsers turn it (and CR LF) into LF. */
export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function where(file: string, line: number | null, column: number | null): string {
  return line ? `${file}:${line}${column ? ':' + column : ''}` : file;
}

/** `namespace.Kind.name`; cluster-scoped objects use `_cluster` as their namespace. */
function classname(v: Verdict): string {
  return `${v.object.namespace ?? '_cluster'}.${v.object.kind}.${v.object.name}`;
}

/**
 * One finding's block of a failure's text. `explain` is false for a check the failure already
 * explained (two containers without a memory limit need the fix once).
 */
function findingBlock(f: Finding, info: CheckInfo | undefined, explain: boolean): string {
  const lines = [`[${f.severity}] ${f.check} at ${where(f.location.file, f.location.line, f.location.column)} (${f.field}): ${f.message}`];
  for (const r of f.related) lines.push(`  ${r.note ? r.note + ': ' : ''}${r.object.kind} ${r.object.namespace ? r.object.namespace + '/' : ''}${r.object.name} at ${where(r.location.file, r.location.line, r.location.column)}`);
  if (info && explain) {
    lines.push(`What breaks: ${info.whatBreaks}`);
    lines.push(`Fix: ${f.fix ?? info.fix.text}`);
    if (f.fixYaml !== undefined) lines.push(f.fixYaml);
    else if (info.fix.yaml) lines.push(info.fix.yaml);
    lines.push(`(kubeready explain ${f.check})`);
  } else if (f.fixYaml !== undefined) lines.push(`Fix here:\n${f.fixYaml}`);
  return lines.join('\n');
}

/** `4 errors: a, b (2), c`: the distinct check ids in the order they come, with a count when repeated. */
function summaryOf(failures: Finding[]): string {
  const n = new Map<string, number>();
  for (const f of failures) n.set(f.check, (n.get(f.check) ?? 0) + 1);
  const ids = [...n].map(([id, k]) => (k > 1 ? `${id} (${k})` : id));
  return `${failures.length} errors: ${ids.join(', ')}`;
}

/** The single <failure> of a testcase, for all its error findings (at least one). */
function failureOf(failures: Finding[], infos: Map<string, CheckInfo>): string {
  const checks = new Set(failures.map((f) => f.check));
  const message = failures.length === 1 ? failures[0].message : summaryOf(failures);
  const type = checks.size === 1 ? failures[0].check : 'error';
  const explained = new Set<string>();
  const blocks = failures.map((f) => {
    const block = findingBlock(f, infos.get(f.check), !explained.has(f.check));
    explained.add(f.check);
    return block;
  });
  // A blank line between blocks: a fix's YAML spans several lines.
  return `<failure message="${xmlAttr(message)}" type="${xmlAttr(type)}">${xmlText(blocks.join('\n\n'))}</failure>`;
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
  if (failures.length) body += `\n      ${failureOf(failures, infos)}`;
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
      if (errs.length) {
        // One <failure> per testcase here too; the message names the first error, the text lists all.
        const message = errs.length === 1 ? errs[0].message : `${errs.length} input errors, the first: ${errs[0].message}`;
        const text = errs.map((p) => `${where(p.file, p.line, p.column)}: ${p.message}`).join('\n');
        body += `\n      <failure message="${xmlAttr(message)}" type="input-error">${xmlText(text)}</failure>`;
      }
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
