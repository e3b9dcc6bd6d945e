/**
 * Markdown for a pull-request comment (GitHub-flavoured; GitLab and Bitbucket render it too).
 *
 * A verdict header, a table of workloads (and of other objects that fail; not ready first) with
 * the six checklist pillars, the survival of not-ready workloads, then findings (errors first) each with its
 * `file:line` link and the fix in a <details> block.
 *
 * Size: GitHub rejects comments over 65,536 characters; the output stays under `maxChars`
 * (default 60,000), cutting whole table rows and whole findings, never inside one, and says how
 * many were left out. Escaping: free text has Markdown and HTML punctuation backslash-escaped
 * (CommonMark lets any ASCII punctuation be escaped), `|` is escaped in table cells, code spans
 * use a backtick fence longer than any run inside them, and no line starts with user text (so a
 * message cannot open a heading, list or HTML block).
 *
 * The reporter reads no environment: the CLI passes `links` (from GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY, GITHUB_SHA) to make full blob links, else links are relative.
 */
import type { CheckInfo, Finding, Location, ObjectRef, Report, SurvivalVerdict, Verdict } from '../engine/report-types.js';
import { nothingAudited } from '../engine/exit.js';
import { isLive, kubectlGet, liveName } from './live.js';
import { objectName, readyHeadline } from './names.js';

export interface MarkdownOptions {
  /** Hard limit on the output length in characters (default 60,000; GitHub's limit is 65,536). */
  maxChars?: number;
  /** At most this many findings are listed (default 100). */
  maxFindings?: number;
  /** At most this many table rows (default 100; objects that are not ready come first). */
  maxRows?: number;
  /** Make links absolute: `${serverUrl}/${repository}/blob/${sha}/<path>#L<line>`. */
  links?: { serverUrl: string; repository: string; sha: string };
  /** Prepended to each relative file path in links: the working directory relative to the repository root. */
  pathPrefix?: string;
  /** Where the full report is (a URL), for the "not shown" note. */
  fullReportUrl?: string;
}

type PillarName = keyof Verdict['pillars'];
const COLUMNS: [PillarName, string][] = [
  ['resources', 'Resources'],
  ['health', 'Health'],
  ['rbac', 'RBAC'],
  ['availability', 'Availability'],
  ['observability', 'Observability'],
  ['security', 'Security'],
  // The two pillars beyond the checklist: a database without a volume fails storage.
  ['storage', 'Storage'],
  ['networking', 'Networking'],
];
const MARK = { pass: '✅', fail: '❌', 'n/a': '➖' } as const;
const SEV_MARK: Record<string, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const SCENARIO: Record<string, string> = { 'node-loss': 'node loss', 'zone-loss': 'zone loss', drain: 'drain', rollout: 'rollout' };
const OUTCOME: Record<string, string> = { survives: '🟢', 'at-risk': '🟠', outage: '🔴', blocked: '🔴', unknown: '⚪', 'n/a': '➖' };

/** Free text: one line, Markdown/HTML punctuation escaped. */
export function mdText(s: string): string {
  return s
    .replace(/\r\n|[\r\n\u2028\u2029]+/g, ' ')
    .replace(CONTROL, '')
    .replace(/[\\`*_[\]<>|~&#!]/g, '\\$&');
}

/** C0 controls but tab and newlines, and DEL: invisible at best, terminal escapes at worst. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** An inline code span holding `s` verbatim (one line). */
export function mdCode(s: string): string {
  const t = s.replace(/\r\n|[\r\n]+/g, ' ').replace(CONTROL, '');
  let longest = 0;
  for (const m of t.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(t) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A table cell: `|` escaped even inside code spans (GFM splits cells before parsing inlines). */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function fenced(code: string, lang: string): string {
  let longest = 0;
  for (const m of code.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${code.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(/\n+$/, '')}\n${fence}`;
}


function joinPath(prefix: string | undefined, file: string): string {
  if (!prefix || file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return file;
  const parts: string[] = [];
  for (const seg of `${prefix}/${file}`.split('/')) {
    if (seg === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

function link(file: string, line: number | null, opts: MarkdownOptions): string {
  const label = mdCode(line ? `${file}:${line}` : file);
  if (file === '<stdin>') return label;
  const path = joinPath(opts.pathPrefix, file);
  const encoded = path.split('/').map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg))).join('/');
  const anchor = line ? `#L${line}` : '';
  const l = opts.links;
  const url = l && !path.startsWith('/') && !path.startsWith('..') ? `${l.serverUrl.replace(/\/+$/, '')}/${l.repository}/blob/${l.sha}/${encoded}${anchor}` : `${encoded}${anchor}`;
  return `[${label}](${url.replace(/[()\s<>]/g, (c) => encodeURIComponent(c))})`;
}

/**
 * A manifest field: a link to its file and line. A live object (audit --cluster) has no file: its
 * context, the object and the field, as code, with the kubectl command that shows it.
 */
function where(o: ObjectRef, field: string, loc: Location, opts: MarkdownOptions): string {
  if (!isLive(o)) {
    // Helm: also where the values behind that template line are set.
    const values = (loc.values ?? []).map((v) => `${v.file === '--set' ? mdCode('--set') : link(v.file, v.line, opts)} ${mdCode(v.ref)}`);
    return link(loc.file, loc.line, opts) + (values.length ? ` (value: ${values.join(', ')})` : '');
  }
  return `${mdCode(`${liveName(o)}${field ? ` ${field}` : ''}`)} (${mdCode(kubectlGet(o))})`;
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

function survivalLine(v: Verdict, sv: SurvivalVerdict[]): string {
  const bits = sv.filter((x) => x.outcome !== 'n/a').map((x) => `${OUTCOME[x.outcome] ?? ''} ${SCENARIO[x.scenario] ?? mdText(x.scenario)}: ${mdText(x.outcome)}`);
  const worst = sv.find((x) => x.outcome === 'outage' || x.outcome === 'blocked') ?? sv.find((x) => x.outcome === 'at-risk');
  const why = worst ? ` (${SCENARIO[worst.scenario] ?? mdText(worst.scenario)}: ${mdText(worst.reason)})` : '';
  return `- **${mdText(objectName(v.object))}**: ${bits.join(' · ')}${why}`;
}

function findingEntry(f: Finding, info: CheckInfo | undefined, opts: MarkdownOptions): string {
  const head = f.unknown ? '❔ unknown' : `${SEV_MARK[f.severity] ?? ''} ${f.severity}`;
  const lines = [
    `**${head}** · ${mdCode(f.check)} · ${where(f.object, f.field, f.location, opts)}${f.title ? ' · ' + mdText(f.title) : ''}  `,
    `**${mdText(objectName(f.object))}**: ${mdText(f.message)}`,
  ];
  if (f.related.length) {
    const rel = f.related.slice(0, 5).map((r) => `${r.note ? mdText(r.note) + ': ' : ''}${mdText(objectName(r.object))} at ${where(r.object, r.field, r.location, opts)}`);
    lines[1] += '  ';
    lines.push(`**Related**: ${rel.join(' · ')}${f.related.length > 5 ? ` · and ${f.related.length - 5} more` : ''}`);
  }
  if (f.unknown) {
    lines[lines.length - 1] += '  ';
    lines.push(`**Not in the input**: ${mdText(f.unknown)}; this does not fail (pass --complete if the input holds every object).`);
  }
  if (info) {
    lines.push('', '<details><summary>What breaks and the fix</summary>', '');
    lines.push(`**What breaks**: ${mdText(info.whatBreaks)}`, '');
    lines.push(`**Fix**: ${mdText(f.fix ?? info.fix.text)}`, '');
    if (f.fixYaml !== undefined) lines.push(fenced(f.fixYaml, 'yaml'), '');
    else if (info.fix.yaml && f.fix === undefined) lines.push(fenced(info.fix.yaml, 'yaml'), '');
    lines.push(`${mdCode(`kubeready explain ${f.check}`)}`, '', '</details>');
  }
  return lines.join('\n');
}

const SEV_RANK: Record<string, number> = { error: 0, warning: 1, info: 2 };
/** Survival lines shown: the first few make the point and leave room for the findings. */
const MAX_SURVIVAL = 10;

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const maxChars = opts.maxChars ?? 60_000;
  const maxFindings = opts.maxFindings ?? 100;
  const maxRows = opts.maxRows ?? 100;
  const s = report.summary;
  const infos = new Map(report.checks.map((c) => [c.id, c]));

  const allReady = s.readyWorkloads === s.workloads && report.verdicts.every((v) => v.ready) && s.inputErrors === 0;
  const head: string[] = [];
  const nothing = nothingAudited(report);
  head.push(nothing ? `### ❌ kubeready: ${nothing}` : `### ${allReady ? '✅' : '❌'} kubeready: ${readyHeadline(s)} · score ${s.score}/100`);
  head.push('');
  const counts = [plural(s.findings.error, 'error'), plural(s.findings.warning, 'warning'), `${s.findings.info} info`];
  if (s.exempted) counts.push(`${s.exempted} exempted`);
  if (s.unknown) counts.push(`${s.unknown} unknown (rest on objects ${report.cluster ? 'outside what was read' : 'not in the input'})`);
  if (s.inputErrors) counts.push(`**${plural(s.inputErrors, 'input error')}**`);
  const input = report.cluster
    ? `${plural(report.cluster.contexts.length, 'cluster context')} (${report.cluster.contexts.map((c) => mdCode(c.context)).join(', ')})`
    : plural(s.files, 'file');
  head.push(`${counts.join(' · ')} · input: ${input}, ${plural(s.objects, 'object')}`);

  const problems = report.problems.map((p) => `- ${p.level === 'error' ? '❌ input error' : '⚠️ input warning'} ${link(p.file, p.line, opts)}: ${mdText(p.message)}`);

  // Rows: what is not ready first (workloads, then other objects that fail), then ready workloads;
  // each group in report order.
  const rows: string[] = [];
  const rowOrder = [
    ...report.verdicts.filter((v) => v.workloadClass !== null && !v.ready),
    ...report.verdicts.filter((v) => v.workloadClass === null && !v.ready),
    ...report.verdicts.filter((v) => v.workloadClass !== null && v.ready),
  ];
  for (const v of rowOrder) {
    const verdict = v.workloadClass === null ? '❌ fails' : v.ready ? '✅ ready' : '❌ not ready';
    const pillars = COLUMNS.map(([p]) => MARK[v.pillars[p] ?? 'n/a'] ?? '➖');
    // Overlays of one base give rows with the same name: say which render each is.
    const render = v.location.rendered?.render;
    rows.push(`| ${cell(mdCode(objectName(v.object)) + (render !== undefined ? ` (${mdText(render)})` : ''))} | ${verdict} | ${pillars.join(' | ')} | ${v.score} |`);
  }
  // Workloads first, then other objects that fail (a ClusterRoleBinding to cluster-admin): "Object".
  const tableHead = [`| Object | Verdict | ${COLUMNS.map(([, l]) => l).join(' | ')} | Score |`, `| --- | --- | ${COLUMNS.map(() => ':-:').join(' | ')} | --: |`];

  const survival: string[] = [];
  for (const v of report.verdicts) if (!v.ready && v.survival && v.survival.some((x) => x.outcome !== 'n/a')) survival.push(survivalLine(v, v.survival));

  const findings: Finding[] = [];
  for (const v of report.verdicts) for (const f of v.findings) if (!f.exempted) findings.push(f);
  const rank = (f: Finding) => (f.unknown ? 3 : (SEV_RANK[f.severity] ?? 2));
  const order = findings.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f);

  // Assemble within the budget. Blocks are whole lines/entries; the notes reserve their space.
  const out: string[] = [];
  let size = 0;
  const NOTE_RESERVE = 400;
  const fits = (text: string) => size + text.length + 2 + NOTE_RESERVE <= maxChars;
  const push = (text: string) => {
    out.push(text);
    size += text.length + 1;
  };
  const more = (n: number, what: string) =>
    `_${n} more ${what} not shown; see the full report${opts.fullReportUrl ? ` ([${mdText(opts.fullReportUrl.replace(/^https?:\/\//, ''))}](${opts.fullReportUrl.replace(/[()\s<>]/g, (c) => encodeURIComponent(c))}))` : ' (kubeready audit, text or json output)'}._`;

  for (const l of head) push(l);
  if (problems.length) {
    push('');
    let shown = 0;
    for (const p of problems) {
      if (!fits(p)) break;
      push(p);
      shown++;
    }
    if (shown < problems.length) push(more(problems.length - shown, 'input problems'));
  }
  if (rows.length) {
    push('');
    for (const l of tableHead) push(l);
    let shown = 0;
    for (const r of rows) {
      if (shown >= maxRows || !fits(r)) break;
      push(r);
      shown++;
    }
    if (shown < rows.length) {
      push('');
      push(more(rows.length - shown, 'rows'));
    }
  }
  if (survival.length) {
    const title = '**Failure scenarios of the workloads that are not ready**';
    if (fits(title + survival[0])) {
      push('');
      push(title);
      push('');
      let shown = 0;
      for (const l of survival) {
        if (shown >= MAX_SURVIVAL || !fits(l)) break;
        push(l);
        shown++;
      }
      if (shown < survival.length) push(`- ${more(survival.length - shown, 'workloads')}`);
    }
  }
  if (order.length) {
    const title = `#### Findings (${order.length}, errors first)`;
    let shown = 0;
    if (fits(title)) {
      push('');
      push(title);
      for (const f of order) {
        if (shown >= maxFindings) break;
        const entry = '\n' + findingEntry(f, infos.get(f.check), opts);
        if (!fits(entry)) break;
        push(entry);
        shown++;
      }
    }
    if (shown < order.length) {
      push('');
      push(more(order.length - shown, order.length - shown === 1 ? 'finding' : 'findings'));
    }
  } else if (!report.problems.length) {
    push('');
    push('No findings.');
  }
  push('');
  push(`<sub>kubeready ${mdText(report.tool.version)}</sub>`);
  let text = out.join('\n') + '\n';
  if (text.length > maxChars) text = text.slice(0, text.lastIndexOf('\n', maxChars - 1) + 1);
  return text;
}
