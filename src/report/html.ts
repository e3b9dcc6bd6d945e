/**
 * The HTML report: one self-contained file (inline CSS, JS and SVG; no network access when opened,
 * enforced by a Content-Security-Policy that allows only the page's own script and style by hash).
 *
 * The summary, the charts and the input problems are rendered here, as static HTML. The workload
 * table and each workload's detail are rendered in the browser from a JSON copy of the verdicts
 * embedded in `<script type="application/json">`, so a report of thousands of workloads keeps a
 * light DOM: rows are added a page at a time, details only when opened (or when printed).
 *
 * Viewers that serve the file with a CSP blocking every script and inline style (Jenkins' HTML
 * Publisher) run neither, and do not show `<noscript>` either (scripting is on, only blocked). For
 * them the Workloads and Other objects sections also hold a script-free listing (`.static-list`,
 * plain lists that read without CSS): the not-ready workloads and the other objects with errors or
 * warnings, worst first, each with its error and warning findings (check, message, file:line) and
 * counts of what it leaves out; ready workloads are only counted. It is capped (STATIC_MAX_OBJECTS
 * objects, STATIC_MAX_FINDINGS findings each, then a line saying how many more and pointing to
 * JavaScript or `-o json`) so a huge report does not grow much. CLIENT_JS hides it first thing (and
 * removes it once the tables are up, to keep the DOM light), so with script the page is the
 * interactive one only, printing included.
 *
 * Everything that comes from the input is escaped here (`esc`) or, in the browser, only ever set
 * through `textContent`; the embedded JSON has `<`, `>` and `&` escaped so no string can close
 * the script element.
 */
import { createHash } from 'node:crypto';
import { PIECE } from './pieces.js';
import { objectName } from './names.js';
import { nothingAudited } from '../engine/exit.js';
import type { Finding, Location, ObjectRef, Report, RelatedObject, Verdict } from '../engine/report-types.js';

export interface HtmlOptions {
  /** Page title and heading (default "kubeready report"). */
  title?: string;
}

/** The six checklist pillars, then storage and networking (same order as the text report). */
const PILLAR_ORDER = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'];
const PILLAR_SHORT: Record<string, string> = {
  resources: 'Res',
  health: 'Health',
  rbac: 'RBAC',
  availability: 'Avail',
  observability: 'Obs',
  security: 'Sec',
  storage: 'Stor',
  networking: 'Net',
};
const SCENARIOS: [string, string][] = [
  ['node-loss', 'node loss'],
  ['zone-loss', 'zone loss'],
  ['drain', 'drain'],
  ['rollout', 'rollout'],
];
/** Namespaces drawn in the per-namespace chart; the rest are counted in a note. */
const MAX_NAMESPACE_BARS = 25;

const ENT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escape text for HTML element content and quoted attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ENT[c]);
}

/** JSON that is safe inside a `<script>` element: no `<`, `>` or `&` (so no `</script>` or `<!--`). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const nf = new Intl.NumberFormat('en-US');
const num = (n: number) => nf.format(n);
const plural = (n: number, one: string, many = one + 's') => `${num(n)} ${n === 1 ? one : many}`;

function pillarsOf(report: Report): string[] {
  const seen = new Set(PILLAR_ORDER);
  const extra: string[] = [];
  const note = (p: string) => {
    if (seen.has(p)) return;
    seen.add(p);
    extra.push(p);
  };
  for (const v of report.verdicts) for (const p of Object.keys(v.pillars ?? {})) note(p);
  for (const p of Object.keys(report.summary.byPillar ?? {})) note(p);
  return [...PILLAR_ORDER, ...extra];
}

// ---------------------------------------------------------------------------------------------
// Data for the browser: an explicit projection of the fields the page shows (never raw objects).

type Obj = { kind: string; name: string; namespace: string | null };
const obj = (o: ObjectRef): Obj => ({ kind: o.kind, name: o.name, namespace: o.namespace });
const where = (l: Location) => ({ file: l.file, line: l.line, column: l.column, exact: l.exact });
const rel = (r: RelatedObject) => ({ object: obj(r.object), field: r.field, location: where(r.location), note: r.note });

function findingData(f: Finding) {
  return {
    check: f.check,
    pillar: f.pillar,
    severity: f.severity,
    title: f.title,
    message: f.message,
    container: f.container,
    field: f.field,
    location: where(f.location),
    exempted: f.exempted ? { by: f.exempted.by, reason: f.exempted.reason } : null,
    unknown: f.unknown ?? null,
    related: (f.related ?? []).map(rel),
    ...(f.fix !== undefined ? { fix: f.fix } : {}),
    ...(f.fixYaml !== undefined ? { fixYaml: f.fixYaml } : {}),
  };
}

function verdictData(v: Verdict) {
  return {
    object: obj(v.object),
    location: where(v.location),
    workloadClass: v.workloadClass,
    ready: v.ready,
    score: v.score,
    pillars: v.pillars,
    podSecurity: v.podSecurity ?? null,
    findings: v.findings.map(findingData),
    survival: v.survival
      ? v.survival.map((s) => ({ scenario: s.scenario, outcome: s.outcome, reason: s.reason, related: (s.related ?? []).map(rel) }))
      : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Charts (inline SVG, text labels, <title>/<desc> for screen readers).

interface Seg {
  n: number;
  cls: string;
  label: string;
}

function barChart(opts: {
  id: string;
  title: string;
  desc: string;
  rows: { label: string; segs: Seg[]; note: string; tip: string }[];
  scale: number;
  legend: { cls: string; label: string }[];
  footer?: string;
}): string {
  const labelW = 130;
  const barW = 250;
  const noteX = labelW + barW + 10;
  const width = 640;
  const rowH = 26;
  const top = 30;
  const height = top + opts.rows.length * rowH + (opts.footer ? 24 : 6);
  const out: string[] = [];
  out.push(
    `<svg class="chart" id="${opts.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${opts.id}-t ${opts.id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${opts.id}-t">${esc(opts.title)}</title><desc id="${opts.id}-d">${esc(opts.desc)}</desc>`,
  );
  let lx = labelW;
  for (const l of opts.legend) {
    out.push(`<rect class="${l.cls}" x="${lx}" y="6" width="12" height="12" rx="2"/><text class="legend" x="${lx + 17}" y="16">${esc(l.label)}</text>`);
    lx += 30 + l.label.length * 7;
  }
  opts.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = r.label.length > 19 ? r.label.slice(0, 18) + '…' : r.label;
    out.push(`<g class="bar-row"><title>${esc(r.tip)}</title>`);
    out.push(`<text class="label" x="${labelW - 8}" y="${y + 14}" text-anchor="end">${esc(label)}</text>`);
    out.push(`<rect class="track" x="${labelW}" y="${y + 2}" width="${barW}" height="16" rx="2"/>`);
    let x = labelW;
    for (const s of r.segs) {
      if (s.n <= 0 || opts.scale <= 0) continue;
      const w = Math.max(1, (s.n / opts.scale) * barW);
      out.push(`<rect class="${s.cls}" x="${x.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="16"><title>${esc(s.label)}</title></rect>`);
      x += w;
    }
    out.push(`<text class="note" x="${noteX}" y="${y + 14}">${esc(r.note)}</text></g>`);
  });
  if (opts.footer) out.push(`<text class="note" x="${labelW}" y="${height - 8}">${esc(opts.footer)}</text>`);
  out.push('</svg>');
  return out.join('');
}

function pillarChart(report: Report, pillars: string[], workloads: Verdict[]): string {
  const rows = pillars.map((p) => {
    let pass = 0;
    let fail = 0;
    let na = 0;
    for (const v of workloads) {
      const s = v.pillars?.[p as keyof Verdict['pillars']];
      if (s === 'pass') pass++;
      else if (s === 'fail') fail++;
      else na++;
    }
    const f = report.summary.byPillar?.[p as keyof Report['summary']['byPillar']] ?? { error: 0, warning: 0, info: 0 };
    const sevParts = [f.error ? plural(f.error, 'error') : '', f.warning ? plural(f.warning, 'warning') : '', f.info ? `${num(f.info)} info` : ''].filter(Boolean);
    const sev = sevParts.length ? sevParts.join(', ') : 'no findings';
    const judged = pass + fail;
    const note = judged ? `${num(fail)} of ${num(judged)} fail · ${sev}` : `n/a · ${sev}`;
    return {
      label: p,
      segs: [
        { n: fail, cls: 'c-fail', label: `${p}: ${plural(fail, 'workload')} fail${fail === 1 ? 's' : ''}` },
        { n: pass, cls: 'c-pass', label: `${p}: ${plural(pass, 'workload')} pass` },
        { n: na, cls: 'c-na', label: `${p}: not applicable to ${plural(na, 'workload')}` },
      ],
      note,
      tip: `${p}: ${num(fail)} failing, ${num(pass)} passing, ${num(na)} not applicable; findings: ${sev}`,
    };
  });
  const desc = rows.map((r) => r.tip).join('. ');
  return barChart({
    id: 'chart-pillars',
    title: 'Workloads passing and failing each pillar, with findings by severity',
    desc,
    rows,
    scale: workloads.length,
    legend: [
      { cls: 'c-fail', label: 'fail' },
      { cls: 'c-pass', label: 'pass' },
      { cls: 'c-na', label: 'n/a' },
    ],
  });
}

function namespaceChart(workloads: Verdict[]): string {
  const byNs = new Map<string, { ready: number; notReady: number }>();
  for (const v of workloads) {
    const ns = v.object.namespace ?? '(cluster)';
    let e = byNs.get(ns);
    if (!e) byNs.set(ns, (e = { ready: 0, notReady: 0 }));
    if (v.ready) e.ready++;
    else e.notReady++;
  }
  const all = [...byNs.entries()].sort((a, b) => b[1].notReady - a[1].notReady || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const shown = all.slice(0, MAX_NAMESPACE_BARS);
  const scale = Math.max(0, ...shown.map(([, e]) => e.ready + e.notReady));
  const rows = shown.map(([ns, e]) => ({
    label: ns,
    segs: [
      { n: e.notReady, cls: 'c-fail', label: `${ns}: ${plural(e.notReady, 'workload')} not ready` },
      { n: e.ready, cls: 'c-pass', label: `${ns}: ${plural(e.ready, 'workload')} ready` },
    ],
    note: `${num(e.ready)} of ${num(e.ready + e.notReady)} ready`,
    tip: `namespace ${ns}: ${num(e.ready)} ready, ${num(e.notReady)} not ready`,
  }));
  const rest = all.length - shown.length;
  return barChart({
    id: 'chart-namespaces',
    title: 'Workloads ready and not ready per namespace',
    desc: (rows.length ? rows.map((r) => r.tip).join('. ') : 'no workloads') + (rest ? `. ${rest} more namespaces not drawn` : ''),
    rows,
    scale,
    legend: [
      { cls: 'c-fail', label: 'not ready' },
      { cls: 'c-pass', label: 'ready' },
    ],
    footer: rest
      ? `${plural(rest, 'more namespace')} not drawn (most not-ready first; the table has them all)`
      : rows.length
        ? undefined
        : 'no workloads in the input',
  });
}

// ---------------------------------------------------------------------------------------------
// The script-free listing: what fails, as static HTML, for viewers whose Content-Security-Policy
// blocks every script (Jenkins' HTML Publisher). CLIENT_JS hides it first thing; without script it
// is all the page has of the workloads and other objects, so it stays short and plain.

/** Objects listed in the two script-free listings together (a 100,000-object report keeps its size). */
const STATIC_MAX_OBJECTS = 300;
/** Of those, kept for other objects when they have that many (not-ready workloads would take them all). */
const STATIC_OTHERS_RESERVE = 50;
/** Error and warning findings listed per object. */
const STATIC_MAX_FINDINGS = 20;

/** What the listing says about one object: its error and warning findings (errors first) and what it leaves out. */
interface Listed {
  v: Verdict;
  i: number;
  findings: Finding[];
  errors: number;
  exempted: number;
  unknown: number;
  info: number;
}

function listed(v: Verdict, i: number): Listed {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  let exempted = 0;
  let unknown = 0;
  let info = 0;
  for (const f of v.findings) {
    if (f.exempted) exempted++;
    else if (f.unknown) unknown++;
    else if (f.severity === 'error') errors.push(f);
    else if (f.severity === 'warning') warnings.push(f);
    else info++;
  }
  return { v, i, findings: [...errors, ...warnings], errors: errors.length, exempted, unknown, info };
}

/**
 * Worst first, as the text report puts what blocks production first (failing before passing), and
 * within that the lowest score, then the most errors; input order breaks ties.
 */
function worstFirst(xs: Listed[]): Listed[] {
  return [...xs].sort((a, b) => Number(a.v.ready) - Number(b.v.ready) || a.v.score - b.v.score || b.errors - a.errors || a.i - b.i);
}

/** file:line:column, as the interactive table writes it; a live object (no lines) names the field. */
function staticLoc(l: Location, field?: string): string {
  if (l.line) return `${l.file}:${l.line}${l.column ? `:${l.column}` : ''}`;
  return field ? `${l.file} ${field}` : l.file;
}

function staticObject(x: Listed): string {
  const v = x.v;
  const status = v.workloadClass !== null ? (v.ready ? 'ready' : 'not ready') : v.ready ? 'ok' : 'fails';
  const render = v.location.rendered?.render;
  const head =
    `<p class="static-head"><strong>${esc(objectName(v.object))}</strong>${render !== undefined ? ` (rendered by ${esc(render)})` : ''}` +
    ` · <span class="${v.ready ? 'sev-ok' : 'sev-error'}">${status}</span> · score ${num(v.score)} · <code class="loc">${esc(staticLoc(v.location))}</code></p>`;
  const items = x.findings.slice(0, STATIC_MAX_FINDINGS).map(
    (f) =>
      `<li><span class="badge b-${f.severity === 'error' ? 'error' : 'warning'}">${esc(f.severity)}</span> <code class="check">${esc(f.check)}</code>: ${esc(f.message)}` +
      `${f.baseline === 'unchanged' ? ' <span class="muted">[baseline]</span>' : ''}` +
      ` <span class="muted">at</span> <code class="loc">${esc(staticLoc(f.location, f.field))}</code>${f.container && !f.message.includes(`"${f.container}"`) ? ` <span class="muted">(container ${esc(f.container)})</span>` : ''}</li>`,
  );
  const left: string[] = [];
  const more = x.findings.length - STATIC_MAX_FINDINGS;
  if (more > 0) left.push(`${num(more)} more ${more === 1 ? 'error or warning' : 'errors and warnings'} (the full list needs JavaScript, or <code>-o json</code>)`);
  if (x.exempted) left.push(`${num(x.exempted)} exempted`);
  if (x.unknown) left.push(`${num(x.unknown)} unknown`);
  if (x.info) left.push(`${num(x.info)} info`);
  if (left.length) items.push(`<li class="static-left">Not listed here: ${left.join(', ')}.</li>`);
  return `<li>${head}${items.length ? `<ul class="static-findings">${items.join('')}</ul>` : ''}</li>`;
}

/** One listing: the note that this is the script-free listing, the objects, and what was left out. */
function staticList(id: string, intro: string, xs: Listed[], cap: number, noun: [string, string], tail: string[]): string {
  const shown = xs.slice(0, cap);
  const rest = xs.slice(cap);
  const out = [
    `<div id="${id}" class="static-list">`,
    `<p class="static-note">Script-free listing (this page's script did not run): the interactive table, with sorting, filtering and fixes, needs JavaScript.</p>`,
    `<p>${intro}</p>`,
  ];
  if (shown.length) out.push(`<ol class="static-objects">${shown.map(staticObject).join('')}</ol>`);
  if (rest.length) {
    const findings = rest.reduce((n, x) => n + x.findings.length, 0);
    out.push(
      `<p class="static-more">${num(rest.length)} more ${rest.length === 1 ? noun[0] : noun[1]} (${plural(findings, 'error or warning', 'errors and warnings')}) not listed here: ` +
        `the full table needs JavaScript; the JSON report (<code>kubeready audit -o json</code>) has everything.</p>`,
    );
  }
  for (const t of tail) out.push(`<p>${t}</p>`);
  out.push('</div>');
  return out.join('\n');
}

/** The two script-free listings: not-ready workloads, and other objects with errors or warnings. */
function staticListings(workloads: Verdict[], others: Verdict[]): { workloads: string; others: string } {
  const failing = worstFirst(workloads.map(listed).filter((x) => !x.v.ready));
  const ready = workloads.filter((v) => v.ready);
  const objs = worstFirst(others.map(listed).filter((x) => x.findings.length > 0 || !x.v.ready));
  const quiet = others.length - objs.length;
  const wCap = Math.min(failing.length, STATIC_MAX_OBJECTS - Math.min(objs.length, STATIC_OTHERS_RESERVE));
  const oCap = STATIC_MAX_OBJECTS - wCap;

  const readyWarnings = ready.reduce((n, v) => n + v.findings.filter((f) => !f.exempted && !f.unknown && f.severity === 'warning').length, 0);
  const wIntro = !workloads.length
    ? 'No workloads in the input.'
    : failing.length
      ? `${num(failing.length)} of ${plural(workloads.length, 'workload')} not production-ready, worst first (lowest score, most errors), with their errors and warnings:`
      : workloads.length === 1
        ? 'The one workload is production-ready.'
        : `All ${num(workloads.length)} workloads are production-ready.`;
  const wTail =
    ready.length && failing.length
      ? [`${plural(ready.length, 'production-ready workload')} not listed${readyWarnings ? ` (${plural(readyWarnings, 'warning')} between them)` : ''}.`]
      : [];
  const oIntro = objs.length
    ? `${plural(objs.length, 'object')} with errors or warnings, failing first:`
    : 'No other object has errors or warnings.';
  const oTail = quiet ? [`${plural(quiet, 'more object')} with only info, exempted or unknown findings not listed.`] : [];
  return {
    workloads: staticList('static-workloads', wIntro, failing, wCap, ['not-ready workload', 'not-ready workloads'], wTail),
    others: staticList('static-others', oIntro, objs, oCap, ['object', 'objects'], oTail),
  };
}

// ---------------------------------------------------------------------------------------------

function tableHead(pillars: string[], withPillars: boolean): string {
  const th = (key: string, label: string, title: string, cls = '') =>
    `<th scope="col" data-key="${esc(key)}" aria-sort="none"${cls ? ` class="${cls}"` : ''}><button type="button" title="${esc(title)}">${label}</button></th>`;
  const cells = [
    th('name', withPillars ? 'Workload' : 'Object', 'sort by name'),
    th('namespace', 'Namespace', 'sort by namespace'),
    th('kind', 'Kind', 'sort by kind'),
    th('verdict', 'Verdict', 'sort by verdict (not ready first)'),
    th('score', 'Score', 'sort by score (lowest first)', 'num'),
  ];
  if (withPillars) {
    for (const p of pillars) cells.push(th(`p:${p}`, esc(PILLAR_SHORT[p] ?? p), `sort by ${p} (failing first)`, 'pillar'));
  } else {
    cells.push(th('findings', 'Findings', 'sort by number of findings (most first)', 'num'));
  }
  return `<thead><tr>${cells.join('')}</tr></thead>`;
}

export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  let out = '';
  writeHtml(report, opts, (s) => (out += s));
  return out;
}

/**
 * The page, written in pieces: the data of a 100,000-object report is hundreds of megabytes of JSON,
 * serialized verdict by verdict instead of as one string (and escaped copies of it).
 */
export function writeHtml(report: Report, opts: HtmlOptions, write: (s: string) => void): void {
  const title = opts.title ?? 'kubeready report';
  const s = report.summary;
  const pillars = pillarsOf(report);
  const workloads = report.verdicts.filter((v) => v.workloadClass !== null);
  const others = report.verdicts.filter((v) => v.workloadClass === null && (v.findings.length > 0 || !v.ready));
  const failingObjects = report.verdicts.filter((v) => v.workloadClass === null && !v.ready).length;
  const notReady = s.workloads - s.readyWorkloads;
  const inputErrors = s.inputErrors ?? 0;
  const ok = notReady === 0 && failingObjects === 0 && inputErrors === 0;

  let verdictText: string;
  let verdictCls: string;
  const nothing = nothingAudited(report);
  if (nothing) [verdictText, verdictCls] = ['Nothing audited', 'neutral'];
  else if (!ok) [verdictText, verdictCls] = ['Not production-ready', 'bad'];
  else if (s.workloads === 0) [verdictText, verdictCls] = ['No workloads in the input', 'neutral'];
  else [verdictText, verdictCls] = ['Production-ready', 'good'];
  const why: string[] = [];
  if (nothing) why.push(nothing.replace(/^nothing audited: /, ''));
  if (notReady) why.push(`${plural(notReady, 'workload')} not ready`);
  if (failingObjects) why.push(`${plural(failingObjects, 'other object')} failing`);
  if (inputErrors && !nothing) why.push(plural(inputErrors, 'input error'));

  const survivalBits: string[] = [];
  const withSurvival = workloads.filter((v) => v.survival);
  for (const [sc, label] of SCENARIOS) {
    let judged = 0;
    let good = 0;
    let unknown = 0;
    for (const v of withSurvival) {
      const x = v.survival!.find((y) => y.scenario === sc);
      if (!x || x.outcome === 'n/a') continue;
      judged++;
      if (x.outcome === 'survives') good++;
      else if (x.outcome === 'unknown') unknown++;
    }
    // Unknown verdicts count in the total (they are not known to survive) and are named, as in the text report.
    if (judged) survivalBits.push(`<li><span class="k">${esc(label)}</span> ${num(good)}/${num(judged)}${unknown ? ` (${num(unknown)} unknown)` : ''}</li>`);
  }

  const checks = Object.fromEntries(
    report.checks.map((c) => [c.id, { title: c.title, pillar: c.pillar, severity: c.severity, whatBreaks: c.whatBreaks, fix: { text: c.fix.text, yaml: c.fix.yaml } }]),
  );

  const listings = staticListings(workloads, others);

  const problems = report.problems ?? [];
  const problemsHtml = problems.length
    ? `<ul class="problems">${problems
        .map(
          (p) =>
            `<li class="${p.level === 'error' ? 'sev-error' : 'sev-warning'}"><span class="badge ${p.level === 'error' ? 'b-error' : 'b-warning'}">${esc(p.level)}</span> <code class="loc">${esc(p.line ? `${p.file}:${p.line}${p.column ? ':' + p.column : ''}` : p.file)}</code> ${esc(p.message)}</li>`,
        )
        .join('')}</ul>`
    : '<p class="muted">None: every input file was read and parsed.</p>';

  const body = `
<header>
  <h1>${esc(title)}</h1>
  <p class="muted">${esc(report.tool?.name ?? 'kubeready')} ${esc(report.tool?.version ?? '')} · report schema ${esc(report.schemaVersion)}</p>
</header>
<main>
<section class="overview" aria-labelledby="h-overview">
  <h2 id="h-overview" class="sr-only">Overview</h2>
  <div class="verdict ${verdictCls}" id="verdict"><span class="big">${esc(verdictText)}</span>${why.length ? `<span class="why">${esc(why.join(' · '))}</span>` : ''}</div>
  <div class="stat"><span><span class="big" id="score">${nothing ? '–' : num(s.score)}</span><span class="unit">/100</span></span><span class="k">score</span></div>
  <div class="stat"><span class="big" id="ready-count">${num(s.readyWorkloads)} of ${num(s.workloads)}</span><span class="k">workloads production-ready</span></div>
  <ul class="counts" id="severity-counts">
    <li class="sev-error"><span class="badge b-error">${num(s.findings.error)}</span> ${s.findings.error === 1 ? 'error' : 'errors'}</li>
    <li class="sev-warning"><span class="badge b-warning">${num(s.findings.warning)}</span> ${s.findings.warning === 1 ? 'warning' : 'warnings'}</li>
    <li class="sev-info"><span class="badge b-info">${num(s.findings.info)}</span> info</li>
    <li><span class="badge b-muted">${num(s.exempted ?? 0)}</span> exempted</li>
    <li><span class="badge b-muted">${num(s.unknown ?? 0)}</span> unknown <span class="muted">(rest on objects not in the input)</span></li>
  </ul>
  <p class="input" id="input-summary"><span class="k">input</span> ${plural(s.files, 'file')}, ${plural(s.documents, 'document')}, ${plural(s.objects, 'object')}${s.skippedDocuments ? ` (${plural(s.skippedDocuments, 'document')} without apiVersion/kind skipped)` : ''}, ${inputErrors ? `<span class="sev-error">${plural(inputErrors, 'input error')}</span>` : 'no input errors'}${problems.length - inputErrors > 0 ? `, ${plural(problems.length - inputErrors, 'warning')}` : ''}</p>
  ${survivalBits.length ? `<div class="survival-summary"><span class="k">workloads that survive</span><ul>${survivalBits.join('')}</ul></div>` : ''}
</section>

<section class="charts" aria-labelledby="h-charts">
  <h2 id="h-charts">By pillar and namespace</h2>
  <div class="chart-grid">
    <figure><figcaption>Workloads per pillar (findings by severity on the right)</figcaption>${pillarChart(report, pillars, workloads)}</figure>
    <figure><figcaption>Workloads ready per namespace</figcaption>${namespaceChart(workloads)}</figure>
  </div>
</section>

<section aria-labelledby="h-workloads">
  <h2 id="h-workloads">Workloads <span class="muted">(${num(workloads.length)})</span></h2>
  ${listings.workloads}
  <div class="controls js-only" role="search" hidden>
    <label class="filter">Filter <input type="search" id="filter" placeholder="name, namespace, kind or check id" autocomplete="off" spellcheck="false"></label>
    <label class="toggle"><input type="checkbox" id="not-ready"> not ready only</label>
    <button type="button" id="expand-all">Expand shown</button>
    <button type="button" id="collapse-all">Collapse all</button>
  </div>
  <p class="print-only" id="print-filter"></p>
  <p class="count js-only" id="workloads-count" aria-live="polite" hidden></p>
  <div class="table-wrap js-only" hidden><table id="workloads" class="verdicts">${tableHead(pillars, true)}<tbody></tbody></table></div>
  <button type="button" class="more" id="workloads-more" hidden></button>
  <noscript><p>The workload table and details need JavaScript (the summary and charts above do not).</p></noscript>
</section>

<section aria-labelledby="h-others"${others.length ? '' : ' hidden'}>
  <h2 id="h-others">Other objects with findings <span class="muted">(${num(others.length)})</span></h2>
  <p class="muted">Objects without a pod template (Services, Ingresses, RBAC, ...) that a check reported on. The filter above applies here too.</p>
  ${listings.others}
  <p class="count js-only" id="others-count" aria-live="polite" hidden></p>
  <div class="table-wrap js-only" hidden><table id="others" class="verdicts">${tableHead(pillars, false)}<tbody></tbody></table></div>
  <button type="button" class="more" id="others-more" hidden></button>
</section>

<section aria-labelledby="h-problems" id="problems">
  <h2 id="h-problems">Input problems <span class="muted">(${num(problems.length)})</span></h2>
  ${problemsHtml}
</section>
</main>
<footer class="muted">Generated by kubeready. Secret values never appear in this report. <code>kubeready explain &lt;check&gt;</code> prints any check's full documentation.</footer>`;

  const sha = (t: string) => `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`;
  const csp = `default-src 'none'; script-src ${sha(CLIENT_JS)}; style-src ${sha(CSS)}; img-src data:; base-uri 'none'; form-action 'none'`;
  write(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="${esc(`${report.tool?.name ?? 'kubeready'} ${report.tool?.version ?? ''}`.trim())}">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>${body}
<script type="application/json" id="kr-data">`);
  // {"pillars":...,"checks":...,"workloads":[...],"others":[...]}, one verdict at a time.
  let buf = `{"pillars":${jsonForScript(pillars)},"checks":${jsonForScript(checks)},"workloads":[`;
  const list = (vs: Verdict[]) => {
    vs.forEach((v, i) => {
      buf += (i ? ',' : '') + jsonForScript(verdictData(v));
      if (buf.length > PIECE) {
        write(buf);
        buf = '';
      }
    });
  };
  list(workloads);
  buf += '],"others":[';
  list(others);
  buf += ']}';
  write(buf);
  write(`</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`);
}

// ---------------------------------------------------------------------------------------------

const CSS = `
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--head:#eef1f4;
--err:#cf222e;--errbg:#ffebe9;--warn:#9a6700;--warnbg:#fff8c5;--info:#0969da;--infobg:#ddf4ff;
--ok:#1a7f37;--okbg:#dafbe1;--na:#afb8c1;--track:#eaeef2;--code:#f6f8fa;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif;
font-size:15px;line-height:1.45;color:var(--fg);background:var(--bg)}
@media screen and (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;--head:#1c2129;
--err:#ff7b72;--errbg:#3c1618;--warn:#d29922;--warnbg:#3a2d0a;--info:#58a6ff;--infobg:#0c2d6b;--ok:#3fb950;--okbg:#0f3019;--na:#545d68;--track:#21262d;--code:#151b23}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:16px 24px 40px;background:var(--bg);color:var(--fg)}
h1{font-size:1.6rem;margin:.2em 0 0}h2{font-size:1.2rem;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1rem;margin:1em 0 .4em}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;font-size:.86em}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;margin:.4em 0;white-space:pre;max-width:100%;width:fit-content;min-width:40%}
.muted{color:var(--muted)}.k{color:var(--muted);font-size:.85em;text-transform:uppercase;letter-spacing:.04em}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.overview{display:flex;flex-wrap:wrap;gap:12px 28px;align-items:center;margin-top:14px;padding:14px 16px;border:1px solid var(--line);border-radius:8px;background:var(--panel)}
.overview .big{font-size:1.7rem;font-weight:700;line-height:1.1}
.verdict{display:flex;flex-direction:column;padding:8px 14px;border-radius:6px;border:2px solid}
.verdict.bad{color:var(--err);border-color:var(--err);background:var(--errbg)}
.verdict.good{color:var(--ok);border-color:var(--ok);background:var(--okbg)}
.verdict.neutral{color:var(--muted);border-color:var(--line)}
.verdict .why{font-size:.9em;font-weight:600}
.stat{display:flex;flex-direction:column}.stat .unit{color:var(--muted);font-size:.95em;margin-left:2px}
.counts{display:flex;flex-wrap:wrap;gap:6px 16px;list-style:none;padding:0;margin:0}
.input,.survival-summary{margin:0;flex-basis:100%}
.survival-summary ul{display:inline-flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0 0 0 8px;padding:0}
.badge{display:inline-block;min-width:1.8em;padding:0 .45em;border-radius:1em;font-weight:600;font-size:.85em;text-align:center;border:1px solid transparent}
.b-error{color:var(--err);background:var(--errbg);border-color:var(--err)}
.b-warning{color:var(--warn);background:var(--warnbg);border-color:var(--warn)}
.b-info{color:var(--info);background:var(--infobg);border-color:var(--info)}
.b-muted{color:var(--muted);border-color:var(--line)}
.b-ok{color:var(--ok);background:var(--okbg);border-color:var(--ok)}
.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}
.chart-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure{margin:0;padding:10px;border:1px solid var(--line);border-radius:8px}
figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;max-width:640px;display:block}
svg.chart text{fill:var(--fg);font-size:13px;font-family:inherit}
svg.chart text.note,svg.chart text.legend{fill:var(--muted);font-size:12px}
svg.chart .track{fill:var(--track)}
.c-fail{fill:var(--err)}.c-pass{fill:var(--ok)}.c-na{fill:var(--na)}
.controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:.5em 0}
.controls input[type=search]{font:inherit;padding:4px 8px;min-width:22em;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{font:inherit;color:inherit;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:3px 10px;cursor:pointer}
button:hover{border-color:var(--muted)}
.count{margin:.3em 0;color:var(--muted)}
.table-wrap{overflow-x:auto}
table.verdicts{border-collapse:collapse;width:100%;font-size:.93em}
table.verdicts>thead>tr>th,table.verdicts>tbody>tr>th,table.verdicts>tbody>tr>td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
table.verdicts>thead>tr>th{background:var(--head);position:sticky;top:0;z-index:1;white-space:nowrap;padding:0}
table.verdicts>tbody>tr>th{min-width:12em}
table.verdicts>thead>tr>th>button{all:unset;display:block;box-sizing:border-box;width:100%;padding:6px 8px;cursor:pointer;font-weight:600}
table.verdicts>thead>tr>th>button:focus-visible{outline:2px solid var(--info)}
table.verdicts>thead>tr>th[aria-sort=ascending]>button::after{content:" \\25B2";font-size:.7em}
table.verdicts>thead>tr>th[aria-sort=descending]>button::after{content:" \\25BC";font-size:.7em}
table.verdicts>tbody>tr>td.num,table.verdicts>thead>tr>th.num>button{text-align:right}
table.verdicts>thead>tr>th.pillar>button{text-align:center}
table.verdicts>tbody>tr>td.pillar{text-align:center;font-weight:700}
td.pillar.fail{color:var(--err)}td.pillar.pass{color:var(--ok)}td.pillar.na{color:var(--muted);font-weight:400}
td.v-bad{color:var(--err);font-weight:600}td.v-good{color:var(--ok);font-weight:600}
tr.row:hover{background:var(--panel)}
button.exp{all:unset;cursor:pointer;font-weight:600;word-break:break-word}
button.exp::before{content:"\\25B8";display:inline-block;width:1em;color:var(--muted)}
button.exp[aria-expanded=true]::before{content:"\\25BE"}
button.exp:focus-visible{outline:2px solid var(--info)}
table.verdicts>tbody>tr.detail>td{background:var(--panel);padding:10px 16px 16px;border-left:3px solid var(--line)}
.detail-head{margin:0 0 .4em}
.scorecard{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0;margin:.3em 0}
.scorecard li{border:1px solid var(--line);border-radius:6px;padding:1px 8px;background:var(--bg)}
.scorecard li.fail{border-color:var(--err);color:var(--err)}.scorecard li.pass{border-color:var(--ok);color:var(--ok)}.scorecard li.na{color:var(--muted)}
table.survival{border-collapse:collapse;margin:.3em 0;width:100%}
table.survival th,table.survival td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
table.survival td:first-child,table.survival td:nth-child(2){white-space:nowrap}
.o-survives{color:var(--ok);font-weight:600}.o-at-risk{color:var(--warn);font-weight:600}.o-outage,.o-blocked{color:var(--err);font-weight:600}.o-unknown,.o-na{color:var(--muted)}
.finding{border:1px solid var(--line);border-left:4px solid var(--line);border-radius:6px;background:var(--bg);padding:8px 12px;margin:8px 0}
.finding.sev-error{border-left-color:var(--err)}.finding.sev-warning{border-left-color:var(--warn)}.finding.sev-info{border-left-color:var(--info)}
.finding.muted-finding{border-left-color:var(--na);opacity:.85}
.finding,.finding *{color:var(--fg)}
.finding .badge.b-error{color:var(--err)}.finding .badge.b-warning{color:var(--warn)}.finding .badge.b-info{color:var(--info)}.finding .badge.b-muted{color:var(--muted)}
.finding .fhead{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline}
.finding .fhead .title{font-weight:600}
.finding .meta{color:var(--muted);font-size:.88em}
.finding .msg{margin:.3em 0}
.finding .note{font-size:.9em;margin:.3em 0}.finding .note b{font-weight:600}
.finding ul.related{margin:.2em 0;padding-left:1.2em;font-size:.9em}
[hidden]{display:none!important}
.print-only{display:none}
.static-list{margin:.4em 0 1em}
.static-list p{margin:.35em 0}
.static-list .static-note{color:var(--muted);font-size:.9em}
ol.static-objects{margin:.4em 0;padding-left:2em}
ol.static-objects>li{margin:.7em 0}
.static-list .static-head{margin:0}
ul.static-findings{margin:.2em 0;padding-left:1.2em}
ul.static-findings>li{margin:.15em 0}
.static-left{color:var(--muted);font-size:.9em}
.sev-ok{color:var(--ok)}
.more{margin:.6em 0}
.problems{padding-left:1.2em}.problems li{margin:.2em 0;color:var(--fg)}
footer{margin-top:3em;font-size:.85em}
@media print{
:root{font-size:11px}
body{max-width:none;padding:0}
.controls,.more,noscript,button.exp::before{display:none!important}
.print-only{display:block}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
table.verdicts>thead>tr>th{position:static}
thead{display:table-header-group}
tr.row,.finding,figure,table.survival tr{break-inside:avoid}
table.verdicts>tbody>tr.detail>td{background:#fff}
pre{white-space:pre-wrap;word-break:break-word}
.chart-grid{grid-template-columns:1fr}
.table-wrap{overflow:visible}
}
`;

/**
 * Browser side: sortable, filterable tables rendered lazily from the embedded JSON. Plain ES2017,
 * no framework; every input-derived string goes through textContent.
 */
const CLIENT_JS = String.raw`
(function () {
  'use strict';
  // The script runs: hide the script-free listings (the tables replace them), first thing.
  var listings = Array.prototype.slice.call(document.querySelectorAll('.static-list'));
  listings.forEach(function (e) { e.hidden = true; });
  // The interactive parts (filter, counts, tables) are hidden until the script runs: without it they would be dead.
  Array.prototype.slice.call(document.querySelectorAll('.js-only')).forEach(function (e) { e.hidden = false; });
  var data = JSON.parse(document.getElementById('kr-data').textContent);
  var PAGE = 200;
  var printing = false;
  var PSHORT = { resources: 'resources', health: 'health', rbac: 'rbac', availability: 'availability', observability: 'observability', security: 'security', storage: 'storage', networking: 'networking' };
  var SCEN = { 'node-loss': 'if a node dies', 'zone-loss': 'if a zone fails', drain: 'on a node drain', rollout: 'on a rollout' };
  var PRANK = { fail: 0, 'n/a': 1, pass: 2 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function loc(l) { return l.line ? l.file + ':' + l.line + (l.column ? ':' + l.column : '') : l.file; }
  function ref(o) { return o.kind + ' ' + (o.namespace ? o.namespace + '/' : '') + o.name; }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function prep(list) {
    return list.map(function (v, i) {
      var ids = {};
      v.findings.forEach(function (f) { ids[f.check] = 1; });
      v.i = i;
      v.hay = [v.object.name, v.object.namespace || '', v.object.kind, (v.object.namespace || '') + '/' + v.object.name,
        v.object.kind + '/' + v.object.name].concat(Object.keys(ids)).join('\n').toLowerCase();
      return v;
    });
  }

  function sortValue(v, key) {
    if (key === 'name') return v.object.name.toLowerCase();
    if (key === 'namespace') return (v.object.namespace || '').toLowerCase();
    if (key === 'kind') return v.object.kind.toLowerCase();
    if (key === 'verdict') return v.ready ? 1 : 0;
    if (key === 'score') return v.score;
    if (key === 'findings') return -v.findings.length;
    if (key.indexOf('p:') === 0) { var s = v.pillars[key.slice(2)]; return s in PRANK ? PRANK[s] : 1; }
    return 0;
  }

  function detail(v) {
    var box = el('div', 'detail-body');
    var head = add(box, el('p', 'detail-head'));
    add(head, el('strong', '', ref(v.object)));
    head.appendChild(document.createTextNode(' at '));
    add(head, el('code', 'loc', loc(v.location)));
    if (v.workloadClass) head.appendChild(document.createTextNode(' · ' + v.workloadClass + ' workload'));
    if (v.podSecurity) head.appendChild(document.createTextNode(' · pod security: ' + v.podSecurity));
    head.appendChild(document.createTextNode(' · score ' + v.score));

    if (v.workloadClass) {
      var sc = add(box, el('ul', 'scorecard'));
      sc.setAttribute('aria-label', 'pillar scorecard');
      data.pillars.forEach(function (p) {
        var st = v.pillars[p] || 'n/a';
        add(sc, el('li', st === 'n/a' ? 'na' : st, (st === 'pass' ? '\u2713 ' : st === 'fail' ? '\u2717 ' : '\u2013 ') + (PSHORT[p] || p) + ': ' + st));
      });
    }

    if (v.survival && v.survival.length) {
      add(box, el('h3', '', 'Survival'));
      var t = add(box, el('table', 'survival'));
      var hr = add(add(t, el('thead')), el('tr'));
      ['Scenario', 'Outcome', 'Why', 'Rests on'].forEach(function (h) { add(hr, el('th', '', h)).setAttribute('scope', 'col'); });
      var tb = add(t, el('tbody'));
      v.survival.forEach(function (x) {
        var tr = add(tb, el('tr'));
        add(tr, el('td', '', SCEN[x.scenario] || x.scenario));
        add(tr, el('td', 'o-' + String(x.outcome).replace(/[^a-z-]/g, ''), x.outcome));
        add(tr, el('td', '', x.reason));
        var td = add(tr, el('td'));
        (x.related || []).forEach(function (r, j) {
          if (j) td.appendChild(el('br'));
          td.appendChild(document.createTextNode((r.note ? r.note + ': ' : '') + ref(r.object) + ' '));
          add(td, el('code', 'loc', loc(r.location)));
        });
      });
    }

    add(box, el('h3', '', v.findings.length ? 'Findings (' + v.findings.length + ')' : 'No findings'));
    v.findings.forEach(function (f) { box.appendChild(finding(f)); });
    return box;
  }

  function finding(f) {
    var muted = f.exempted || f.unknown;
    var card = el('article', 'finding ' + (muted ? 'muted-finding' : 'sev-' + f.severity));
    var h = add(card, el('div', 'fhead'));
    if (f.unknown) add(h, el('span', 'badge b-muted', 'unknown'));
    else if (f.exempted) add(h, el('span', 'badge b-muted', 'exempted'));
    add(h, el('span', 'badge b-' + (muted ? 'muted' : f.severity), f.severity));
    add(h, el('span', 'title', f.title));
    add(h, el('code', 'check', f.check));
    var m = add(card, el('div', 'meta'));
    add(m, el('code', 'loc', loc(f.location)));
    if (f.location && f.location.exact === false) m.appendChild(document.createTextNode(' (field absent: where it belongs)'));
    if (f.container) m.appendChild(document.createTextNode(' · container ' + f.container));
    if (f.field) { m.appendChild(document.createTextNode(' · ')); add(m, el('code', '', f.field)); }
    add(card, el('p', 'msg', f.message));
    if (f.unknown) {
      var u = add(card, el('p', 'note'));
      add(u, el('b', '', 'Not in input: '));
      u.appendChild(document.createTextNode(f.unknown + '. Shown, but it counts for no verdict, score or exit code unless the input is declared complete (--complete).'));
    }
    if (f.exempted) {
      var ex = add(card, el('p', 'note'));
      add(ex, el('b', '', 'Exempted by ' + f.exempted.by + ': '));
      ex.appendChild(document.createTextNode(f.exempted.reason));
    }
    if (f.related && f.related.length) {
      var ul = add(card, el('ul', 'related'));
      f.related.forEach(function (r) {
        var li = add(ul, el('li'));
        li.appendChild(document.createTextNode((r.note ? r.note + ': ' : '') + ref(r.object) + ' at '));
        add(li, el('code', 'loc', loc(r.location)));
        if (r.field) { li.appendChild(document.createTextNode(' ')); add(li, el('code', '', r.field)); }
      });
    }
    var info = data.checks[f.check];
    if (info) {
      var wb = add(card, el('p', 'note'));
      add(wb, el('b', '', 'What breaks: '));
      wb.appendChild(document.createTextNode(info.whatBreaks));
      var fx = add(card, el('p', 'note'));
      add(fx, el('b', '', 'Fix: '));
      // A finding with a fix of its own (a database server) shows it, without the check's generic YAML.
      fx.appendChild(document.createTextNode((f.fix || info.fix.text) + ' '));
      add(fx, el('span', 'muted', '(kubeready explain ' + f.check + ')'));
      // The fix at this object's own path (a Pod's spec, the container by name) when the check places one.
      if (f.fixYaml) add(card, el('pre', 'fix-yaml', f.fixYaml));
      else if (info.fix.yaml && !f.fix) add(card, el('pre', 'fix-yaml', info.fix.yaml));
    }
    return card;
  }

  function Table(id, list, withPillars) {
    var table = document.getElementById(id);
    var tbody = table.tBodies[0];
    var more = document.getElementById(id + '-more');
    var count = document.getElementById(id + '-count');
    var ncols = table.tHead.rows[0].cells.length;
    var noun = withPillars ? 'workload' : 'object';
    var self = { key: null, dir: 1, limit: PAGE, view: list, open: {}, shown: 0 };

    function row(v) {
      var tr = el('tr', 'row');
      tr.setAttribute('data-i', v.i);
      var th = add(tr, el('th'));
      th.setAttribute('scope', 'row');
      var b = add(th, el('button', 'exp', v.object.name));
      b.type = 'button';
      b.setAttribute('aria-expanded', self.open[v.i] || printing ? 'true' : 'false');
      b.setAttribute('aria-controls', id + '-d' + v.i);
      add(tr, el('td', '', v.object.namespace || ''));
      add(tr, el('td', '', v.object.kind));
      add(tr, el('td', v.ready ? 'v-good' : 'v-bad', withPillars ? (v.ready ? 'ready' : 'not ready') : (v.ready ? 'ok' : 'fails')));
      add(tr, el('td', 'num', v.score));
      if (withPillars) {
        data.pillars.forEach(function (p) {
          var st = v.pillars[p] || 'n/a';
          var td = add(tr, el('td', 'pillar ' + (st === 'n/a' ? 'na' : st), st === 'pass' ? '\u2713' : st === 'fail' ? '\u2717' : '\u2013'));
          td.title = p + ': ' + st;
          td.setAttribute('aria-label', p + ': ' + st);
        });
      } else {
        add(tr, el('td', 'num', v.findings.length));
      }
      return tr;
    }
    function detailRow(v) {
      var tr = el('tr', 'detail');
      tr.id = id + '-d' + v.i;
      var td = add(tr, el('td'));
      td.colSpan = ncols;
      td.appendChild(detail(v));
      return tr;
    }
    // One listener for every row's expand button.
    tbody.addEventListener('click', function (e) {
      var b = e.target.closest ? e.target.closest('button.exp') : null;
      if (!b) return;
      var tr = b.closest('tr');
      var v = list[Number(tr.getAttribute('data-i'))];
      if (self.open[v.i]) {
        delete self.open[v.i];
        var d = document.getElementById(id + '-d' + v.i);
        if (d) d.remove();
        b.setAttribute('aria-expanded', 'false');
      } else {
        self.open[v.i] = true;
        tr.after(detailRow(v));
        b.setAttribute('aria-expanded', 'true');
      }
    });
    /** Rows [from, n) of the current view; from 0 replaces the body, else appends. */
    function fill(from) {
      var n = printing ? self.view.length : Math.min(self.limit, self.view.length);
      var frag = document.createDocumentFragment();
      for (var i = from; i < n; i++) {
        var v = self.view[i];
        frag.appendChild(row(v));
        if (printing || self.open[v.i]) frag.appendChild(detailRow(v));
      }
      if (from === 0) tbody.replaceChildren(frag);
      else tbody.appendChild(frag);
      self.shown = n;
      var rest = self.view.length - n;
      more.hidden = rest <= 0;
      more.textContent = 'Show ' + Math.min(rest, PAGE * 5) + ' more (' + rest + ' not shown)';
      var txt = self.view.length === list.length ? list.length + ' ' + noun + (list.length === 1 ? '' : 's')
        : self.view.length + ' of ' + list.length + ' ' + noun + 's match';
      if (rest > 0) txt += ', first ' + n + ' shown';
      count.textContent = txt;
    }
    self.render = function () { fill(0); };
    self.apply = function (terms, notReady) {
      var v = list.filter(function (x) {
        if (notReady && x.ready) return false;
        for (var t = 0; t < terms.length; t++) if (x.hay.indexOf(terms[t]) < 0) return false;
        return true;
      });
      if (self.key) {
        var key = self.key, dir = self.dir;
        var keyed = v.map(function (x) { return [sortValue(x, key), x.i, x]; });
        keyed.sort(function (a, b) { return dir * cmp(a[0], b[0]) || a[1] - b[1]; });
        v = keyed.map(function (k) { return k[2]; });
      }
      self.view = v;
      self.limit = PAGE;
      self.render();
    };
    more.addEventListener('click', function () { self.limit = self.shown + PAGE * 5; fill(self.shown); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.querySelector('button').addEventListener('click', function () {
        var key = th.getAttribute('data-key');
        self.dir = self.key === key ? -self.dir : 1;
        self.key = key;
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', self.dir > 0 ? 'ascending' : 'descending');
        update();
      });
    });
    self.expandShown = function () {
      var n = Math.min(self.limit, self.view.length);
      for (var i = 0; i < n; i++) self.open[self.view[i].i] = true;
      self.render();
    };
    self.collapse = function () { self.open = {}; self.render(); };
    return self;
  }

  var tables = [Table('workloads', prep(data.workloads), true), Table('others', prep(data.others), false)];
  var filter = document.getElementById('filter');
  var notReady = document.getElementById('not-ready');
  var printNote = document.getElementById('print-filter');
  var timer = 0;
  function update() {
    var q = filter.value.trim().toLowerCase();
    var terms = q ? q.split(/\s+/) : [];
    tables.forEach(function (t) { t.apply(terms, notReady.checked); });
    var bits = [];
    if (q) bits.push('filter "' + filter.value.trim() + '"');
    if (notReady.checked) bits.push('not ready only');
    printNote.textContent = bits.length ? 'Shown: ' + bits.join(', ') + '.' : '';
  }
  filter.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(update, 120); });
  filter.addEventListener('keydown', function (e) { if (e.key === 'Enter') { clearTimeout(timer); update(); } });
  notReady.addEventListener('change', update);
  document.getElementById('expand-all').addEventListener('click', function () { tables.forEach(function (t) { t.expandShown(); }); });
  document.getElementById('collapse-all').addEventListener('click', function () { tables.forEach(function (t) { t.collapse(); }); });

  function setPrinting(on) {
    if (on === printing) return;
    printing = on;
    tables.forEach(function (t) { t.render(); });
  }
  var mq = window.matchMedia('print');
  if (mq.addEventListener) mq.addEventListener('change', function (e) { setPrinting(e.matches); });
  window.addEventListener('beforeprint', function () { setPrinting(true); });
  window.addEventListener('afterprint', function () { setPrinting(mq.matches); });
  printing = mq.matches;
  update();
  // The tables are up: drop the hidden listings too (up to tens of thousands of elements the page
  // has no use for; the DOM stays as light as the tables keep it).
  listings.forEach(function (e) { e.remove(); });
  document.documentElement.setAttribute('data-ready', '1');
})();
`;
