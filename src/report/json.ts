/**
 * The machine-readable report: the Report object itself, described by docs/report.schema.json
 * (schemaVersion 1). Exempted findings are always included, marked with `exempted`.
 */
import type { Report } from '../engine/report-types.js';

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
