/**
 * Exit codes, one per gate, so CI logs and scripts can tell which gate failed:
 * 0 every gate passed; 1 findings at or above --fail-on (or unparseable input); 2 the audit could not
 * run as asked (usage, config, input or baseline file problems); 3 the overall score is below
 * --min-score (or nothing was audited: no object loaded, or a live audit read none in its scope, so there
 * is no score; the CLI turns input with no object at all and no input error into 2); 4 a live cluster
 * audit (audit --cluster) was incomplete: a context was unreachable or
 * a list was forbidden or failed, and no gate failed on what could be read. When both gates fail, 1
 * wins: the findings say what to fix, and the score follows; either wins over 4.
 */
import type { Severity } from '../checks/types.js';
import type { Report } from './report-types.js';

export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, SCORE: 3, INCOMPLETE: 4 } as const;

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export interface Gates {
  /** Fail (3) when the overall score (summary.score, baseline or not) is below this (0-100). */
  minScore?: number;
}

/** True when a non-exempted, non-unknown finding not accepted by a baseline is at or above the threshold, or the input had errors. */
export function findingsGateFails(report: Report, failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false;
  const t = RANK[failOn];
  for (const v of report.verdicts) {
    for (const f of v.findings) if (!f.exempted && !f.unknown && f.baseline !== 'unchanged' && RANK[f.severity] >= t) return true;
  }
  return report.summary.inputErrors > 0;
}

/**
 * Why the findings gate fails, for one line on standard error: how many findings at or above the
 * threshold, by severity, and which checks (the first three by count); the input errors. Null when
 * it passes.
 */
export function findingsGateReason(report: Report, failOn: Severity | 'none'): string | null {
  if (!findingsGateFails(report, failOn) || failOn === 'none') return null;
  const t = RANK[failOn];
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const byCheck = new Map<string, number>();
  for (const v of report.verdicts) {
    for (const f of v.findings) {
      if (f.exempted || f.unknown || f.baseline === 'unchanged' || RANK[f.severity] < t) continue;
      bySeverity[f.severity]++;
      byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
    }
  }
  const parts: string[] = [];
  const fresh = report.baseline ? 'new ' : '';
  for (const sev of ['error', 'warning', 'info'] as const) {
    const n = bySeverity[sev];
    if (n) parts.push(`${n} ${fresh}${sev === 'info' ? 'info finding' : sev}${n === 1 ? '' : 's'}`);
  }
  const checks = [...byCheck].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
  const named = checks.length ? ` (${checks.slice(0, 3).join(', ')}${checks.length > 3 ? ` and ${checks.length - 3} more check${checks.length - 3 === 1 ? '' : 's'}` : ''})` : '';
  const findings = parts.length ? `${parts.join(', ')} at or above --fail-on ${failOn}${named}` : '';
  const n = report.summary.inputErrors;
  const inputs = n > 0 ? `${n} input error${n === 1 ? '' : 's'} (files or objects that could not be read as valid Kubernetes input)` : '';
  return [findings, inputs].filter(Boolean).join('; ');
}

export function scoreGateFails(report: Report, minScore: number | undefined): boolean {
  return minScore !== undefined && (report.summary.score < minScore || nothingAudited(report) !== null);
}

/**
 * A live cluster audit that reported no object at all (an empty or mistyped namespace, every list
 * forbidden): its score of 100 was earned by nothing, so a --min-score gate does not pass on it.
 */
export function nothingRead(report: Report): boolean {
  return report.cluster !== undefined && report.verdicts.length === 0;
}

/** Nothing was audited: no object loaded (with or without input errors), or a live scan that reported no object. Reports say so instead of a score. */
export function nothingAudited(report: Report): string | null {
  const s = report.summary;
  if (s.objects === 0 && s.inputErrors > 0) return `nothing audited: no objects were loaded (${s.inputErrors} input error${s.inputErrors === 1 ? '' : 's'})`;
  if (nothingRead(report)) return 'nothing audited: no object was read from the cluster in the scope asked for';
  if (s.objects === 0 && report.cluster === undefined) return 'nothing audited: the input holds no Kubernetes object';
  return null;
}

/** True for a live cluster audit that could not read everything (report.cluster.complete false). */
export function auditIncomplete(report: Report): boolean {
  return report.cluster ? !report.cluster.complete : false;
}

/** 1 when the findings gate fails, else 3 when the score gate fails, else 4 when a cluster audit was incomplete, else 0. */
export function exitCodeFor(report: Report, failOn: Severity | 'none', gates: Gates = {}): number {
  if (findingsGateFails(report, failOn)) return EXIT.FINDINGS;
  if (scoreGateFails(report, gates.minScore)) return EXIT.SCORE;
  if (auditIncomplete(report)) return EXIT.INCOMPLETE;
  return EXIT.OK;
}
