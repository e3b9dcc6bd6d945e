/**
 * `kubeready diagnose` output: short and ordered. Per object: the symptom, what was walked, then each
 * problem with its evidence, root cause, fix and the check that prevents it next time. JSON is the
 * Diagnosis object itself (schemaVersion 1).
 */
import pc from 'picocolors';
import type { Diagnosis, NamespaceDiagnosis, NodeReport, ObjectRef, Problem } from '../engine/diagnose/index.js';

export interface DiagnoseTextOptions {
  color: boolean;
  /** Where the objects came from, for the header ("cluster kind-dev", "dump.yaml"). */
  source?: string;
}

function show(r: ObjectRef): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

function wrapIndent(text: string, indent: string): string {
  return text.split('\n').map((l) => indent + l).join('\n');
}

function problemLines(p: Problem, i: number, c: ReturnType<typeof pc.createColors>): string[] {
  const sev = p.severity === 'error' ? c.red('error') : c.yellow('warning');
  const where = p.object.kind === 'Pod' ? (p.pods.length > 1 ? ` ${c.dim(`(${p.pods.length} pods: ${p.pods.slice(0, 4).join(', ')}${p.pods.length > 4 ? ', ...' : ''})`)}` : ` ${c.dim(`(pod ${p.object.name})`)}`) : ` ${c.dim(`(${show(p.object)})`)}`;
  const lines = [`${c.bold(`${i}. ${p.symptom}`)}${where}  ${sev}${p.check ? c.dim(` · ${p.check}`) : ''}`];
  lines.push(`   ${c.bold('Evidence')}`);
  for (const e of p.evidence) {
    const from = e.object ? `${e.object.kind === 'Event' ? 'event' : `${e.object.kind} ${e.object.name}`}${e.field && e.object.kind !== 'Event' ? ` ${e.field}` : ''}: ` : '';
    lines.push(`   - ${c.dim(from)}${e.text}`);
  }
  if (p.logs) {
    const head = `${p.logs.previous ? 'previous log' : 'log'} of ${p.logs.pod}/${p.logs.container}`;
    if (p.logs.lines && p.logs.lines.length) {
      lines.push(`   - ${c.dim(head + ' (last lines):')}`);
      for (const l of p.logs.lines) lines.push(`       ${c.dim('|')} ${l}`);
    } else if (p.logs.lines) lines.push(`   - ${c.dim(head + ':')} empty`);
    else lines.push(`   - ${c.dim(head + ':')} not available (${p.logs.unavailable ?? 'not read'})`);
  }
  lines.push(`   ${c.bold('Root cause')}  ${p.cause}`);
  lines.push(`   ${c.bold('Fix')}  ${p.fix.text}`);
  // A comment is not a command: a line that is only a remark is printed as a note, never after "$".
  for (const cmd of p.fix.commands) lines.push(/^\s*#/.test(cmd) ? `     ${c.dim('note:')} ${cmd.replace(/^\s*#\s*/, '')}` : `     ${c.cyan('$')} ${cmd}`);
  if (p.fix.yaml) lines.push(c.green(wrapIndent(p.fix.yaml, '     ')));
  if (p.prevent.length) {
    lines.push(`   ${c.bold('Prevent')}`);
    for (const v of p.prevent) lines.push(`   - ${v.check ? `${c.bold(v.check)} ${c.dim(`(${v.pillar}: ${v.title})`)}: ` : `${c.dim('no manifest check')}: `}${v.why}`);
  }
  return lines;
}

/** A node's state: conditions, taints, requests, the unhealthy pods on it, and the drain it needs. */
function nodeLines(n: NodeReport, c: ReturnType<typeof pc.createColors>): string[] {
  const lines: string[] = [];
  const head = (label: string, items: string[]) => items.forEach((t, i) => lines.push(`${i === 0 ? c.bold(label.padEnd(9)) : ' '.repeat(9)}${t}`));
  head('State', n.conditions);
  lines.push(`${c.bold('Taints'.padEnd(9))}${n.taints.length ? n.taints.join(', ') : 'none'}${n.cordoned ? '; cordoned (spec.unschedulable)' : ''}`);
  if (n.requests) lines.push(`${c.bold('Requests'.padEnd(9))}${n.requests.join('; ')}`);
  if (n.unhealthyPods.length) {
    lines.push(`${c.bold('Unhealthy pods')} ${c.dim(`(${n.unhealthyPods.length}, worst first)`)}`);
    for (const p of n.unhealthyPods.slice(0, 15)) {
      const sev = p.severity === 'error' ? c.red('error') : c.yellow('warning');
      lines.push(`   - ${p.namespace}/${p.name}: ${p.symptom}${p.more ? c.dim(` (+${p.more} more)`) : ''}  ${sev}`);
      lines.push(`     ${c.cyan('$')} ${p.command}`);
    }
    if (n.unhealthyPods.length > 15) lines.push(c.dim(`   ... ${n.unhealthyPods.length - 15} more (-o json lists them all)`));
  }
  lines.push(`${c.bold('Drain'.padEnd(9))}${c.cyan('$')} ${n.drain.command}${n.drain.complete ? '' : c.dim('   (flags for the pods that were read only)')}`);
  for (const note of n.drain.notes) lines.push(`   - ${note}`);
  // Pods refused for the same reason, on one line.
  const byWhy = new Map<string, string[]>();
  for (const b of n.drain.blockers) byWhy.set(b.why, [...(byWhy.get(b.why) ?? []), `${b.namespace}/${b.name}`]);
  for (const [why, pods] of [...byWhy].slice(0, 10)) lines.push(`   - ${c.yellow('blocks the drain')}: ${pods.slice(0, 4).join(', ')}${pods.length > 4 ? ` and ${pods.length - 4} more` : ''}: ${why}`);
  if (byWhy.size > 10) lines.push(c.dim(`   ... ${byWhy.size - 10} more reasons (-o json lists every pod)`));
  return lines;
}

export function renderDiagnosis(d: Diagnosis, opts: DiagnoseTextOptions): string {
  const c = pc.createColors(opts.color);
  const status =
    d.status === 'broken'
      ? c.red('BROKEN')
      : d.status === 'degraded'
        ? c.yellow('DEGRADED')
        : d.status === 'healthy'
          ? c.green('HEALTHY')
          : d.status === 'no-status'
            ? c.yellow('NO STATUS')
            : d.status === 'unknown'
              ? c.yellow('CANNOT TELL')
              : c.red('NOT FOUND');
  const lines = [`${c.bold(show(d.target))}: ${status}${opts.source ? c.dim(`  (${opts.source})`) : ''}`, `${c.bold('Symptom')}  ${d.symptom}`];
  if (d.walked.length) lines.push(`${c.bold('Walked')}   ${d.walked.join(c.dim(' -> '))}`);
  if (d.node) lines.push(...nodeLines(d.node, c));
  d.problems.forEach((p, i) => {
    lines.push('');
    lines.push(...problemLines(p, i + 1, c));
  });
  if (d.notes.length) {
    lines.push('');
    for (const n of d.notes) lines.push(c.dim(`note: ${n}`));
  }
  return lines.join('\n') + '\n';
}

export function renderNamespaceDiagnosis(n: NamespaceDiagnosis, opts: DiagnoseTextOptions): string {
  const c = pc.createColors(opts.color);
  const src = opts.source ? c.dim(`  (${opts.source})`) : '';
  let head: string;
  if (n.diagnoses.length) head = `${c.red(`${n.diagnoses.length} unhealthy`)}, ${n.healthy} healthy`;
  else if (n.unread && n.healthy === 0) head = c.yellow(`CANNOT TELL: ${n.unread}`);
  else if (n.unread) head = `${c.yellow('nothing unhealthy in what could be read')}, ${n.healthy} healthy; ${c.yellow(`cannot tell the rest: ${n.unread}`)}`;
  else head = `${c.green('nothing unhealthy')}, ${n.healthy} healthy`;
  const lines = [`${c.bold(`namespace ${n.namespace}`)}: ${head}${src}`];
  if (n.diagnoses.length && n.unread) lines.push(c.yellow(`not read, so not judged: ${n.unread}`));
  if (n.diagnoses.length) {
    lines.push('');
    n.diagnoses.forEach((d, i) => lines.push(`${String(i + 1).padStart(2)}. ${d.status === 'broken' ? c.red('broken  ') : c.yellow('degraded')} ${show(d.target)}: ${d.symptom}`));
  }
  for (const d of n.diagnoses) {
    lines.push('', c.dim('─'.repeat(60)), '');
    lines.push(renderDiagnosis({ ...d, notes: [] }, { color: opts.color }).trimEnd());
  }
  if (n.notes.length) {
    lines.push('');
    for (const note of n.notes) lines.push(c.dim(`note: ${note}`));
  }
  return lines.join('\n') + '\n';
}

export function renderDiagnosisJson(d: Diagnosis | NamespaceDiagnosis): string {
  return JSON.stringify(d, null, 2) + '\n';
}
