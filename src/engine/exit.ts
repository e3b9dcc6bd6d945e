/** Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config/input errors. */
import type { Severity } from '../checks/types.js';
import type { Report } from './report-types.js';

export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** 1 when any non-exempted finding (or input error, counted as error) is at or above the threshold. */
export function exitCodeFor(report: Report, failOn: Severity | 'none'): number {
  if (failOn === 'none') return EXIT.OK;
  const t = RANK[failOn];
  for (const v of report.verdicts) for (const f of v.findings) if (!f.exempted && !f.unknown && RANK[f.severity] >= t) return EXIT.FINDINGS;
  if (report.summary.inputErrors > 0) return EXIT.FINDINGS;
  return EXIT.OK;
}
