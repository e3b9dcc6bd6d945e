/** Human-readable terminal report. */
import pc from 'picocolors';
import { PIECE } from './pieces.js';
import { valuesText } from './values.js';
import { objectName, readyHeadline } from './names.js';
import type { Report, Finding, CheckInfo } from '../engine/report-types.js';
import { nothingAudited } from '../engine/exit.js';
import { shortenMessage } from '../model/events.js';

export interface TextOptions {
  color: boolean;
  /** Include exempted findings (marked). */
  showExempted?: boolean;
  /** One line per finding: no "why" and "fix" lines (nor the fix's YAML). */
  compact?: boolean;
  /** Also list objects and workloads that have no findings. */
  showPassing?: boolean;
}

const PILLAR_LABEL: Record<string, string> = {
  resources: 'resources',
  health: 'health',
  rbac: 'rbac',
  availability: 'availability',
  observability: 'observability',
  security: 'security',
  storage: 'storage',
  networking: 'networking',
};

const SCENARIO_LABEL: Record<string, string> = {
  'node-loss': 'if a node dies',
  'zone-loss': 'if a zone fails',
  drain: 'on a node drain',
  rollout: 'on a rollout',
};
const SCENARIO_SHORT: Record<string, string> = { 'node-loss': 'node loss', 'zone-loss': 'zone loss', drain: 'drain', rollout: 'rollout' };

/** A cost figure as the summary shows it: whole units from 100 up, cents below. */
function moneyText(currency: string, x: number): string {
  // A figure that rounds to zero is not zero ("USD 0.00/hour" for a small Job): say it is under a cent.
  if (x > 0 && x < 0.005) return `under ${currency} 0.01`;
  return `${currency} ${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2)}`;
}

/** "about USD 3.20", but "under USD 0.01" as it is. */
function about(money: string): string {
  return money.startsWith('under ') ? money : `about ${money}`;
}

function firstSentence(s: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(s);
  return m ? m[1] : s;
}


function loc(f: Finding): string {
  const l = f.location;
  // A live object (audit --cluster) has no lines: context/namespace/Kind/name and the field path.
  const at = l.line ? `${l.file}:${l.line}:${l.column}` : f.field ? `${l.file} ${f.field}` : l.file;
  // Helm and Kustomize input: the file is the template or source file; also the rendered line.
  return l.rendered ? `${at} (rendered ${l.rendered.render}${l.rendered.line ? `:${l.rendered.line}` : ''})` : at;
}

/** The cluster section of a live audit: each context, what it read, what it could not, and why. */
function clusterLines(report: Report, c: ReturnType<typeof pc.createColors>): string[] {
  const cl = report.cluster;
  if (!cl) return [];
  const lines: string[] = [];
  for (const x of cl.contexts) {
    const scope = x.namespaces === null ? 'all namespaces' : `namespace${x.namespaces.length === 1 ? '' : 's'} ${x.namespaces.join(', ')}`;
    const head = `cluster ${c.bold(x.context)} ${c.dim(`(${x.server}${x.serverVersion ? `, ${x.serverVersion}` : ''})`)}`;
    if (x.status === 'unreachable') {
      lines.push(`${head}: ${c.red('UNREACHABLE')}: ${x.errors.join('; ') || 'no answer'}`);
      continue;
    }
    const stat = x.status === 'ok' ? c.green('complete') : c.yellow('INCOMPLETE');
    lines.push(`${head}: ${stat}, ${scope}${x.selector ? `, -l ${x.selector}` : ''}, ${x.objects} object${x.objects === 1 ? '' : 's'}, ${x.requests} requests in ${(x.durationMs / 1000).toFixed(1)} s`);
    for (const e of x.errors) lines.push(`  ${c.red('error')}   ${e}`);
    // Forbidden lists on one line (a user with little access has many); other failures one per line.
    const where = (k: { kind: string; namespace: string | null }) => `${k.kind}${k.namespace ? ` in ${k.namespace}` : ''}`;
    const forbidden = x.skipped.filter((k) => k.status === 403 && !k.expected);
    if (forbidden.length) {
      lines.push(`  ${c.yellow('skipped')}, forbidden (403): ${forbidden.map(where).join(', ')}`);
      lines.push(c.dim(`          e.g. ${forbidden[0].reason}; deploy/rbac.yaml grants what kubeready reads`));
    }
    for (const k of x.skipped.filter((k) => k.expected)) {
      lines.push(c.dim(`  skipped ${where(k)}: ${k.reason} (expected with deploy/rbac.yaml: findings that rest on a ${k.kind} being absent are unknown)`));
    }
    const others = x.skipped.filter((k) => !k.expected && k.status !== 403);
    for (const k of others.slice(0, 12)) lines.push(`  ${c.yellow('skipped')} ${where(k)}: ${k.reason}`);
    if (others.length > 12) lines.push(c.dim(`  ... ${others.length - 12} more skipped lists (-o json lists them)`));
    for (const w of x.warnings) lines.push(c.dim(`  note    ${w}`));
  }
  if (!cl.complete) lines.push(c.yellow('incomplete audit: some objects could not be read (see above); exit code 4 unless a gate fails'));
  return lines;
}

/** Lines written out in pieces of about PIECE characters (see report/pieces.ts): a report on a huge input is never one string. */
class LineWriter {
  private buf = '';
  constructor(private readonly write: (s: string) => void) {}
  push(...lines: string[]): void {
    for (const l of lines) this.buf += l + '\n';
    if (this.buf.length > PIECE) this.flush();
  }
  flush(): void {
    if (this.buf) this.write(this.buf);
    this.buf = '';
  }
}

export function renderText(report: Report, opts: TextOptions): string {
  let out = '';
  writeText(report, opts, (s) => (out += s));
  return out;
}

/** The text report, handed to `write` in pieces (each ends with a line break). */
export function writeText(report: Report, opts: TextOptions, write: (s: string) => void): void {
  const lines = new LineWriter(write);
  try {
    textLines(report, opts, lines);
  } finally {
    lines.flush();
  }
}

function textLines(report: Report, opts: TextOptions, lines: LineWriter): void {
  const c = pc.createColors(opts.color);
  const sev = (s: string) => (s === 'error' ? c.red('error  ') : s === 'warning' ? c.yellow('warning') : c.cyan('info   '));
  const checks = new Map<string, CheckInfo>(report.checks.map((k) => [k.id, k]));
  for (const p of report.problems) {
    const where = p.line ? `${p.file}:${p.line}:${p.column}` : p.file;
    lines.push(`${p.level === 'error' ? c.red('input error') : c.yellow('input warning')} ${where}: ${p.message}`);
  }
  if (report.problems.length) lines.push('');

  // The same object rendered by several overlays (kustomize overlays of one base, charts with several
  // values files): a finding already shown in full for one render, at the same source line with the
  // same message, is shown once more as a single line naming where the full text is.
  const shownBefore = new Map<string, string>();
  // Checks whose "breaks" and "fix" lines were shown in full already.
  const explained = new Set<string>();
  // Fix YAML already printed, with the object it was printed for.
  const yamlShown = new Map<string, string>();
  // Worst first, as the Markdown table: workloads that are not ready, objects that fail, then the
  // rest (each group in input order), so the first screen shows what blocks production.
  const order = [
    ...report.verdicts.filter((v) => v.workloadClass !== null && !v.ready),
    ...report.verdicts.filter((v) => v.workloadClass === null && !v.ready),
    ...report.verdicts.filter((v) => v.ready),
  ];
  for (const v of order) {
    const shown = v.findings.filter((f) => opts.showExempted || !f.exempted);
    if (shown.length === 0 && !opts.showPassing && v.ready) continue;
    const status = v.workloadClass === null ? (v.ready ? c.green('ok') : c.red('FAILS')) : v.ready ? c.green(c.bold('READY')) : c.red(c.bold('NOT READY'));
    // A rendered object says which render (overlays of one base share the base file's line).
    const render = v.location.rendered?.render;
    const where = (v.location.line ? `${v.location.file}:${v.location.line}` : v.location.file) + (render !== undefined ? ` (rendered by ${render})` : '');
    lines.push(`${c.bold(objectName(v.object))}  ${status}  ${c.dim(`score ${v.score}`)}  ${c.dim(where)}`);
    if (v.workloadClass !== null) {
      const cells: string[] = [];
      for (const [p, s] of Object.entries(v.pillars)) {
        if (s === 'n/a' && (p === 'storage' || p === 'networking')) continue;
        const mark = s === 'pass' ? c.green('✓') : s === 'fail' ? c.red('✗') : c.dim('–');
        cells.push(`${mark} ${s === 'n/a' ? c.dim(PILLAR_LABEL[p]) : PILLAR_LABEL[p]}`);
      }
      if (v.podSecurity) cells.push(c.dim(`pod security: ${v.podSecurity}`));
      lines.push(`  ${cells.join('  ')}`);
    }
    if (v.survival) {
      const mark = (o: string) =>
        o === 'survives' ? c.green(o) : o === 'outage' || o === 'blocked' ? c.red(o) : o === 'at-risk' ? c.yellow(o) : c.dim(o);
      if (opts.compact) {
        lines.push(`  ${v.survival.map((x) => `${SCENARIO_SHORT[x.scenario]} ${mark(x.outcome)}`).join(c.dim(' · '))}`);
      } else {
        for (const x of v.survival) lines.push(`  ${SCENARIO_LABEL[x.scenario].padEnd(16)} ${mark(x.outcome.padEnd(8))} ${c.dim(x.reason)}`);
      }
    }
    if (v.cost && !opts.compact) lines.push(`  ${'cost'.padEnd(16)} ${c.dim(v.cost.text)}`);
    const br = v.blastRadius;
    if (br && !opts.compact && (br.risks.length > 0 || br.unknownBindings.length > 0)) {
      const worst = br.risks.some((r) => r.level === 'critical') ? c.red : br.risks.length ? c.yellow : c.dim;
      lines.push(`  ${'if compromised'.padEnd(16)} ${worst(br.text)}`);
    }
    for (const f of shown) {
      const ex = (f.exempted ? c.dim(` [exempted by ${f.exempted.by}: ${f.exempted.reason}]`) : '') + (f.baseline === 'unchanged' ? c.dim(' [baseline]') : '');
      const head = `  ${f.unknown ? c.dim('unknown') : sev(f.severity)} ${loc(f)}  ${c.dim(f.check)}${ex}`;
      const render = f.location.rendered?.render;
      if (render !== undefined && f.location.line) {
        const key = `${objectName(f.object)}\0${f.check}\0${f.location.file}:${f.location.line}:${f.location.column}\0${f.severity}\0${f.unknown ?? ''}\0${f.message}`;
        const first = shownBefore.get(key);
        if (first !== undefined && first !== render) {
          lines.push(`${head}  ${c.dim(`(as rendered by ${first}, above)`)}`);
          continue;
        }
        if (first === undefined) shownBefore.set(key, render);
      }
      lines.push(head);
      lines.push(`          ${f.message}`);
      // Helm: the values behind that template line, where the fix usually goes.
      const values = valuesText(f.location);
      if (values) lines.push(`          ${values}`);
      for (const r of f.related) {
        const o = r.object;
        const at = r.location.line ? `${r.location.file}:${r.location.line}` : r.location.file;
        lines.push(c.dim(`          ${r.note ? r.note + ': ' : ''}${objectName(o)} at ${at}`));
      }
      if (f.unknown) {
        lines.push(
          c.dim(
            report.cluster
              ? `          not read: ${f.unknown} (does not fail: outside the namespaces read, or not readable with these permissions)`
              : `          not in input: ${f.unknown} (does not fail; --complete if the input holds everything)`,
          ),
        );
        continue;
      }
      if (!opts.compact && !f.exempted && f.baseline !== 'unchanged') {
        const info = checks.get(f.check);
        // What breaks and the fix are the check's: in full the first time a check is shown, then a
        // pointer (a report of 40 workloads without limits would repeat the same two lines 40 times).
        // A finding with a fix of its own (a database server: its own replication) shows that one.
        if (info && !explained.has(f.check)) {
          explained.add(f.check);
          lines.push(c.dim(`          breaks: ${firstSentence(info.whatBreaks)}`));
          lines.push(c.dim(`          fix:    ${f.fix ?? info.fix.text}  (kubeready explain ${f.check})`));
        } else if (info) {
          lines.push(c.dim(`          fix:    ${f.fix ?? `as for ${f.check} above`}  (kubeready explain ${f.check})`));
        }
        // The YAML written for this object (its own paths, names and values), to copy as it is; the
        // same text already shown for another object is named instead of repeated.
        if (f.fixYaml) {
          const first = yamlShown.get(f.fixYaml);
          if (first !== undefined) lines.push(c.dim(`                  (the YAML shown for ${first} above)`));
          else {
            yamlShown.set(f.fixYaml, `${objectName(f.object)}${f.container ? ` container ${f.container}` : ''}`);
            for (const l of f.fixYaml.split('\n')) lines.push(l.length ? `                  ${l}` : '');
          }
        }
      }
    }
    lines.push('');
  }

  lines.push(...clusterLines(report, c));
  const s = report.summary;
  const ready = readyHeadline(s);
  const counts = `${s.findings.error} error${s.findings.error === 1 ? '' : 's'}, ${s.findings.warning} warning${s.findings.warning === 1 ? '' : 's'}, ${s.findings.info} info`;
  const exempt =
    (s.exempted ? ` (${s.exempted} exempted${opts.showExempted ? '' : ', --show-exempted lists them'})` : '') +
    (s.unknown ? ` · ${s.unknown} unknown (rest on objects ${report.cluster ? 'outside what was read' : 'not in the input'})` : '');
  // Nothing loaded: a score of 100 for no objects would read as a pass.
  const nothing = nothingAudited(report);
  if (nothing) lines.push(c.bold(`${nothing}${report.problems.length || report.cluster ? ' (see above)' : ''}`));
  else lines.push(`${c.bold(ready)} · score ${s.score}/100 · ${counts}${exempt}`);
  if (report.baseline) {
    const b = report.baseline;
    const sup = b.superseded ?? [];
    lines.push(`baseline ${b.file}: ${b.new ? c.bold(`${b.new} new`) : '0 new'}, ${b.unchanged} unchanged [baseline], ${b.fixed.length} fixed${sup.length ? `, ${sup.length} gone where new findings appeared` : ''}` + c.dim(' (only new findings fail; the score counts all)'));
    for (const x of sup.slice(0, 10)) {
      const e = x.entry;
      lines.push(c.dim(`  gone: ${e.check}  ${objectName(e.object)}${e.container ? ` container ${e.container}` : ''}  ${e.field} (the same ${e.container ? 'container' : 'object'} now has new: ${x.by.join(', ')})`));
    }
    if (sup.length > 10) lines.push(c.dim(`  ... ${sup.length - 10} more gone where new findings appeared (-o json lists them all)`));
    for (const x of b.fixed.slice(0, 10)) {
      const o = x.object;
      lines.push(c.dim(`  fixed: ${x.check}  ${objectName(o)}${x.container ? ` container ${x.container}` : ''}  ${x.field}${x.at ? ` (was at ${x.at})` : ''}`));
    }
    if (b.fixed.length > 10) lines.push(c.dim(`  ... ${b.fixed.length - 10} more fixed (-o json lists them all)`));
  }
  const pillarBits: string[] = [];
  for (const [p, n] of Object.entries(s.byPillar)) {
    const t = n.error + n.warning + n.info;
    if (t === 0) continue;
    const parts = [
      n.error ? c.red(`${n.error} ${n.error === 1 ? 'error' : 'errors'}`) : '',
      n.warning ? c.yellow(`${n.warning} ${n.warning === 1 ? 'warning' : 'warnings'}`) : '',
      n.info ? c.cyan(`${n.info} info`) : '',
    ].filter(Boolean);
    pillarBits.push(`${p} ${parts.join(', ')}`);
  }
  if (pillarBits.length) lines.push(c.dim('by pillar: ') + pillarBits.join(' · '));
  const withSurvival = report.verdicts.filter((v) => v.survival);
  if (withSurvival.length) {
    const bits: string[] = [];
    for (const sc of Object.keys(SCENARIO_SHORT)) {
      let judged = 0;
      let ok = 0;
      let unknown = 0;
      for (const v of withSurvival) {
        const x = v.survival!.find((y) => y.scenario === sc);
        if (!x || x.outcome === 'n/a') continue;
        judged++;
        if (x.outcome === 'survives') ok++;
        else if (x.outcome === 'unknown') unknown++;
      }
      // Unknown verdicts count in the total (they are not known to survive) and are named.
      if (judged) bits.push(`${SCENARIO_SHORT[sc]} ${ok}/${judged}${unknown ? ` (${unknown} unknown)` : ''}`);
    }
    if (bits.length) lines.push(c.dim('workloads that survive: ') + bits.join(c.dim(' · ')));
  }
  const run = report.cost?.total.running;
  if (report.cost && run?.monthly && run.monthly.now === 0 && run.incomplete) {
    lines.push(c.dim('requested capacity: no container requests CPU or memory, so there is no cost estimate'));
  } else if (report.cost && run?.monthly) {
    const money = (x: number) => moneyText(report.cost!.prices.currency, x);
    const range = run.monthly.min !== run.monthly.now || run.monthly.max !== run.monthly.now
      ? ` (${money(run.monthly.min)} at autoscaler floors, ${run.monthly.max === null ? 'unbounded' : money(run.monthly.max)} at ceilings)`
      : '';
    // Several renders (overlays of one base, charts) may be alternatives that the total adds up:
    // each render's own figure follows.
    const byRender = (report.cost.renders ?? []).filter((r) => r.running?.monthly);
    const rendered = byRender.filter((r) => r.render !== null).length;
    const summed = rendered > 1 ? `; it adds up ${rendered} renders, which may be alternatives (overlays of one base)` : '';
    lines.push(c.dim(`requested capacity: ${about(money(run.monthly.now))}/month${range}${run.incomplete ? ', a lower bound: some containers request nothing' : ''}${summed}`));
    if (rendered > 1) {
      const top = byRender.slice(0, 8);
      const bits = top.map((r) => {
        const m = r.running!.monthly!;
        return `${r.render ?? 'not rendered'} ${money(m.now)}${m.max !== m.now ? ` (up to ${m.max === null ? 'unbounded' : money(m.max)})` : ''}`;
      });
      lines.push(c.dim(`  by render: ${bits.join(' · ')}${byRender.length > top.length ? ` · ${byRender.length - top.length} more in the JSON report` : ''}`));
    }
    // With several namespaces, the costliest ones (at their ceilings: what a traffic spike costs).
    const nss = report.cost.namespaces.filter((n) => n.running?.monthly && n.running.monthly.now > 0);
    if (nss.length > 1) {
      const ceiling = (n: (typeof nss)[number]) => n.running!.monthly!.max ?? Infinity;
      const top = [...nss].sort((a, b) => ceiling(b) - ceiling(a) || b.running!.monthly!.now - a.running!.monthly!.now).slice(0, 5);
      const bits = top.map((n) => `${n.namespace} ${money(n.running!.monthly!.now)}${n.running!.monthly!.max !== n.running!.monthly!.now ? ` (up to ${n.running!.monthly!.max === null ? 'unbounded' : money(n.running!.monthly!.max)})` : ''}`);
      lines.push(c.dim(`  by namespace: ${bits.join(' · ')}${nss.length > top.length ? ` · ${nss.length - top.length} more in the JSON report` : ''}`));
    }
  }
  // DaemonSets cost per node and Jobs per run: they do not add up with the running total, so each
  // gets its own line rather than being left out.
  if (report.cost) {
    const money = (x: number) => moneyText(report.cost!.prices.currency, x);
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    const node = report.cost.total.perNode;
    if (node?.monthly && node.workloads > 0 && node.monthly.now > 0) {
      lines.push(c.dim(`  plus on every node: ${about(money(node.monthly.now))}/month (${plural(node.workloads, 'DaemonSet')})${node.incomplete ? ', a lower bound' : ''}`));
    }
    const run1 = report.cost.total.perRun;
    if (run1 && run1.workloads > 0 && run1.hourly.now > 0) {
      lines.push(c.dim(`  plus while batch workloads run: ${about(money(run1.hourly.now))}/hour (${plural(run1.workloads, 'batch workload')}, one run each)${run1.incomplete ? ', a lower bound' : ''}`));
    }
  }
  if (report.config) lines.push(c.dim(`config: ${report.config}`));
  const inErr = s.inputErrors ? c.red(`, ${s.inputErrors} input error${s.inputErrors === 1 ? '' : 's'}`) : '';
  if (report.cluster) {
    const n = report.cluster.contexts.length;
    lines.push(c.dim(`input: ${n} cluster context${n === 1 ? '' : 's'}, ${s.objects} object${s.objects === 1 ? '' : 's'}`) + inErr);
    return;
  }
  for (const r of report.renders ?? []) {
    if (r.includedBy) lines.push(c.dim(`not audited on its own: ${r.path} (included by ${r.includedBy.join(', ')}; --all-kustomizations audits it)`));
    else if (r.error !== undefined || !r.command) lines.push(c.dim(`not rendered: ${r.path} (see the input error above)`));
    else {
      const hooks = r.skippedTestHooks ? `, ${r.skippedTestHooks} test hook${r.skippedTestHooks === 1 ? '' : 's'} left out (--include-test-hooks)` : '';
      lines.push(c.dim(`rendered: ${r.command.join(' ')}${r.version ? ` (${r.version})` : ''}: ${r.objects} object${r.objects === 1 ? '' : 's'}${hooks}`));
    }
  }
  lines.push(
    c.dim(`input: ${s.files} file${s.files === 1 ? '' : 's'}, ${s.documents} document${s.documents === 1 ? '' : 's'}, ${s.objects} object${s.objects === 1 ? '' : 's'}`) +
      (s.skippedDocuments ? c.dim(` (${s.skippedDocuments} without apiVersion/kind skipped)`) : '') +
      inErr,
  );
  // The input errors head the report, and a long report scrolls them away: the first few again here.
  const errors = report.problems.filter((p) => p.level === 'error');
  if (errors.length && report.verdicts.length) {
    const shown = errors.slice(0, INPUT_ERRORS_REPEATED);
    lines.push(c.dim(`input errors${errors.length > shown.length ? ` (the first ${shown.length} of ${errors.length}; all at the top)` : ' (also at the top)'}:`));
    for (const p of shown) lines.push(`  ${c.red('input error')} ${p.line ? `${p.file}:${p.line}:${p.column}` : p.file}: ${shortenMessage(p.message, 300)}`);
  }
}

/** Input errors repeated under the summary. */
const INPUT_ERRORS_REPEATED = 3;

