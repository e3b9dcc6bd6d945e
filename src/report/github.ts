/**
 * GitHub Actions workflow commands: one annotation per finding, shown on the pull request's
 * "Files changed" tab and the run summary.
 *
 *   ::error file=<path>,line=<l>,col=<c>,title=<check>: <title>::<object>: <message>
 *
 * warning -> ::warning, info -> ::notice; exempted findings are left out; findings that rest on
 * objects not in the input are ::notice (they fail nothing); input problems are ::error/::warning.
 *
 * Escaping follows @actions/core (packages/core/src/command.ts in actions/toolkit,
 * `escapeData` and `escapeProperty`), which the runner undoes when it parses the command:
 *   data (after the second `::`): `%` -> %25, `\r` -> %0D, `\n` -> %0A;
 *   property values:              the same, plus `:` -> %3A and `,` -> %2C.
 * `%` goes first so the escapes themselves are not escaped again. Command format (GitHub docs,
 * "Workflow commands for GitHub Actions"): `::name key=value,key=value::message`.
 *
 * File paths must be relative to the repository root (GITHUB_WORKSPACE); the CLI passes
 * `pathPrefix` when it runs in a subfolder.
 *
 * Order. GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (50 per job),
 * the first ones emitted; the rest stay in the log only. So the order decides what a reviewer sees:
 *   1. the summary ::notice, first so that it is never one of those cut off;
 *   2. input problems, in input order (a file that does not parse hides findings);
 *   3. the findings, errors, then warnings, then notices; within each level, see `annotationOrder`: one
 *      annotation per check first, rarest check first, then the second of each, and so on.
 */
import type { Finding, ObjectRef, Report } from '../engine/report-types.js';
import { nothingAudited } from '../engine/exit.js';
import { isLive, liveName } from './live.js';
import { objectName, readyHeadline } from './names.js';
import { valuesText } from './values.js';
import { PIECE } from './pieces.js';

export interface GithubOptions {
  /** Prepended to each (relative) file path: the working directory relative to the repository root, e.g. "deploy/". */
  pathPrefix?: string;
}

/**
 * Other C0 controls and DEL are dropped first: the runner would print them as they are, and the
 * log viewer interprets ANSI escapes.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function escapeData(s: string): string {
  return s.replace(CONTROL, '').replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

type Command = 'error' | 'warning' | 'notice';

function command(name: Command, props: Record<string, string | number | null | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${p ? ' ' + p : ''}::${escapeData(message)}\n`;
}

function joinPath(prefix: string | undefined, file: string): string {
  if (!prefix || file === '<stdin>' || file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return file;
  const p = prefix.endsWith('/') ? prefix : prefix + '/';
  // Fold "sub/../x" so GitHub matches the file.
  const parts: string[] = [];
  for (const seg of (p + file).split('/')) {
    if (seg === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

export function renderGithub(report: Report, opts: GithubOptions = {}): string {
  let all = '';
  writeGithub(report, opts, (s) => (all += s));
  return all;
}

/** The annotation level of a (non-exempted) finding. */
function levelOf(f: Finding): Command {
  return f.unknown ? 'notice' : f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
}

/** The workflow command of one finding. */
function annotation(f: Finding, opts: GithubOptions): string {
  const live = isLive(f.object);
  // A live object is no file of the repository: a workflow-level annotation that names it.
  let message = `${isLive(f.object) ? `${liveName(f.object)} (${f.field})` : objectName(f.object)}: ${f.message}`;
  const values = valuesText(f.location);
  if (values) message += `\n${values[0].toUpperCase()}${values.slice(1)}`;
  if (f.unknown) message += `\nNot in the input: ${f.unknown}. This does not fail; pass --complete if the input holds every object.`;
  else message += `\n(kubeready explain ${f.check})`;
  return command(
    levelOf(f),
    {
      file: live ? null : joinPath(opts.pathPrefix, f.location.file),
      line: live ? null : f.location.line,
      col: !live && f.location.line ? f.location.column : null,
      title: `${f.check}: ${f.title}${f.unknown ? ' (unknown)' : ''}`,
    },
    message,
  );
}

function objectKey(o: ObjectRef): string {
  return `${o.cluster ?? ''}\u0000${o.kind}\u0000${o.namespace ?? ''}\u0000${o.name}`;
}

/**
 * The findings of one level in the order that makes the first 10 cover the most ground: input
 * order spends all 10 on the first object's checks (on examples/tutorial, the cluster-admin binding
 * was the 29th error of 29).
 *
 * Passes over the checks: the first takes one finding of each check, the second a second one, and
 * so on, so the first annotations name as many different problems as there are. Within a pass the
 * checks go rarest first (fewest findings of that level; ties in order of first appearance): a check
 * that fires on one object is the anomaly no other annotation hints at, while one that fires on
 * every object is a pattern that its first annotation already shows (and the summary counts). No
 * pillar or check ranks above another by fiat. In the first pass each check's annotation goes to the
 * object with the fewest annotations so far (ties: input order), so the first ones spread over the
 * objects too; later passes take each check's remaining findings in input order. Deterministic, and
 * linear in the number of findings.
 */
export function annotationOrder(findings: Finding[]): Finding[] {
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = byCheck.get(f.check);
    if (g) g.push(f);
    else byCheck.set(f.check, [f]);
  }
  // Array.prototype.sort is stable: equal counts keep the order of first appearance.
  const groups = [...byCheck.values()].sort((a, b) => a.length - b.length);
  const shown = new Map<string, number>();
  const count = (f: Finding) => shown.get(objectKey(f.object)) ?? 0;
  const out: Finding[] = [];
  for (const g of groups) {
    let best = 0;
    for (let i = 1; i < g.length && count(g[best]) > 0; i++) if (count(g[i]) < count(g[best])) best = i;
    if (best) g.unshift(...g.splice(best, 1));
    out.push(g[0]);
    shown.set(objectKey(g[0].object), count(g[0]) + 1);
  }
  for (let k = 1, live = groups; live.length; k++) {
    live = live.filter((g) => g.length > k);
    for (const g of live) out.push(g[k]);
  }
  return out;
}

function summaryLine(report: Report): string {
  const s = report.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  let summary = `${nothingAudited(report) ?? `${readyHeadline(s)} · score ${s.score}/100`} · ${plural(s.findings.error, 'error')}, ${plural(s.findings.warning, 'warning')}, ${s.findings.info} info`;
  if (s.exempted) summary += ` · ${s.exempted} exempted`;
  if (s.unknown) summary += ` · ${s.unknown} unknown`;
  if (s.inputErrors) summary += ` · ${plural(s.inputErrors, 'input error')}`;
  return command('notice', { title: 'kubeready' }, summary);
}

/**
 * The workflow commands, written in pieces (one line per finding of a 100,000-object report adds
 * up). The ordering holds references to the findings, not their lines.
 */
export function writeGithub(report: Report, opts: GithubOptions, write: (s: string) => void): void {
  let out = summaryLine(report);
  const flush = () => {
    if (out.length > PIECE) {
      write(out);
      out = '';
    }
  };
  for (const p of report.problems) {
    out += command(p.level === 'error' ? 'error' : 'warning', { file: joinPath(opts.pathPrefix, p.file), line: p.line, col: p.column, title: 'kubeready: input' }, p.message);
  }
  const levels: Record<Command, Finding[]> = { error: [], warning: [], notice: [] };
  // One base under several overlays gives the same finding at the same source line once per render:
  // one annotation is enough (rendered input only, so a large plain input keeps no set). The lines
  // are the same, so which render's finding is kept does not show.
  const rendered = new Set<string>();
  for (const v of report.verdicts) {
    for (const f of v.findings) {
      if (f.exempted) continue;
      if (f.location.rendered) {
        const line = annotation(f, opts);
        if (rendered.has(line)) continue;
        rendered.add(line);
      }
      levels[levelOf(f)].push(f);
    }
  }
  for (const level of ['error', 'warning', 'notice'] as const) {
    for (const f of annotationOrder(levels[level])) {
      out += annotation(f, opts);
      flush();
    }
  }
  write(out);
}
