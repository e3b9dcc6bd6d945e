/**
 * GitHub Actions workflow commands: one annotation per finding, shown on the pull request's
 * "Files changed" tab and the run summary.
 *
 *   ::error file=<path>,line=<l>,col=<c>,title=<check>: <title>::<object>: <message>
 *
 * warning -> ::warning, info -> ::notice; exempted findings are left out; findings that rest on
 * objects not in the input are ::notice (they fail nothing); input problems are ::error/::warning;
 * a final ::notice carries the summary.
 *
 * Escaping follows @actions/core (packages/core/src/command.ts in actions/toolkit,
 * `escapeData` and `escapeProperty`), which the runner undoes when it parses the command:
 *   data (after the second `::`): `%` -> %25, `\r` -> %0D, `\n` -> %0A;
 *   property values:              the same, plus `:` -> %3A and `,` -> %2C.
 * `%` goes first so the escapes themselves are not escaped again. Command format (GitHub docs,
 * "Workflow commands for GitHub Actions"): `::name key=value,key=value::message`.
 *
 * File paths must be relative to the repository root (GITHUB_WORKSPACE); the CLI passes
 * `pathPrefix` when it runs in a subfolder. GitHub shows at most 10 error and 10 warning
 * annotations per step (50 per job); the rest stay in the log.
 */
import type { Report } from '../engine/report-types.js';
import { nothingAudited } from '../engine/exit.js';
import { isLive, liveName } from './live.js';
import { objectName } from './names.js';
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
  if (!prefix || file === '-' || file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return file;
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

/** The workflow commands, written in pieces (one line per finding of a 100,000-object report adds up). */
export function writeGithub(report: Report, opts: GithubOptions, write: (s: string) => void): void {
  let out = '';
  const flush = () => {
    if (out.length > PIECE) {
      write(out);
      out = '';
    }
  };
  for (const p of report.problems) {
    out += command(p.level === 'error' ? 'error' : 'warning', { file: joinPath(opts.pathPrefix, p.file), line: p.line, col: p.column, title: 'kubeready: input' }, p.message);
  }
  // One base under several overlays gives the same finding at the same source line once per render:
  // one annotation is enough (rendered input only, so a large plain input keeps no set).
  const rendered = new Set<string>();
  for (const v of report.verdicts) {
    for (const f of v.findings) {
      if (f.exempted) continue;
      const name: Command = f.unknown ? 'notice' : f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
      const live = isLive(f.object);
      // A live object is no file of the repository: a workflow-level annotation that names it.
      let message = `${isLive(f.object) ? `${liveName(f.object)} (${f.field})` : objectName(f.object)}: ${f.message}`;
      const values = valuesText(f.location);
      if (values) message += `\n${values[0].toUpperCase()}${values.slice(1)}`;
      if (f.unknown) message += `\nNot in the input: ${f.unknown}. This does not fail; pass --complete if the input holds every object.`;
      else message += `\n(kubeready explain ${f.check})`;
      const line = command(
        name,
        {
          file: live ? null : joinPath(opts.pathPrefix, f.location.file),
          line: live ? null : f.location.line,
          col: !live && f.location.line ? f.location.column : null,
          title: `${f.check}: ${f.title}${f.unknown ? ' (unknown)' : ''}`,
        },
        message,
      );
      if (f.location.rendered) {
        if (rendered.has(line)) continue;
        rendered.add(line);
      }
      out += line;
      flush();
    }
  }
  const s = report.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  let summary = `${nothingAudited(report) ?? `${s.readyWorkloads} of ${plural(s.workloads, 'workload')} production-ready · score ${s.score}/100`} · ${plural(s.findings.error, 'error')}, ${plural(s.findings.warning, 'warning')}, ${s.findings.info} info`;
  if (s.exempted) summary += ` · ${s.exempted} exempted`;
  if (s.unknown) summary += ` · ${s.unknown} unknown`;
  if (s.inputErrors) summary += ` · ${plural(s.inputErrors, 'input error')}`;
  out += command('notice', { title: 'kubeready' }, summary);
  write(out);
}
