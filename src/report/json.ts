/**
 * The machine-readable report: the Report object itself, described by docs/report.schema.json
 * (schemaVersion 1). Exempted findings are always included, marked with `exempted`.
 *
 * Written in pieces (one verdict per line inside `verdicts`) so a report on a 100,000-object input
 * is never one giant string (pieces of PIECE characters), and each workload is one line for grep and `jq -c` users.
 */
import type { Report } from '../engine/report-types.js';
import { PIECE } from './pieces.js';
import { nothingAudited } from '../engine/exit.js';

/** The report's JSON text in pieces of about PIECE characters (one verdict per line inside `verdicts`). */
function* jsonPieces(report: Report): Generator<string> {
  const { verdicts, problems, ...rest } = report;
  // A score earned by nothing (no object loaded, or a live scan that read none) is no score.
  const head = nothingAudited(report) ? { ...rest, summary: { ...rest.summary, score: null } } : rest;
  let headText = JSON.stringify(head, null, 2);
  headText = headText.slice(0, headText.lastIndexOf('}')).trimEnd();
  let buf = `${headText},\n  "verdicts": [`;
  for (let i = 0; i < verdicts.length; i++) {
    buf += (i ? ',\n    ' : '\n    ') + JSON.stringify(verdicts[i]);
    if (buf.length > PIECE) {
      yield buf;
      buf = '';
    }
  }
  buf += verdicts.length ? '\n  ],\n' : '],\n';
  buf += `  "problems": ${JSON.stringify(problems, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
  yield buf;
}

export function writeJson(report: Report, write: (s: string) => void): void {
  for (const piece of jsonPieces(report)) write(piece);
}

/**
 * writeJson to a stream that may fall behind (standard output into a pipe: `| jq`): after each piece,
 * wait until the reader has taken what is queued, so the report is never held in memory whole
 * (100,000 objects: 450 MB of JSON, which a pipe would otherwise buffer on top of the heap).
 */
export async function writeJsonPaced(report: Report, write: (s: string) => void, drained: () => Promise<void>): Promise<void> {
  for (const piece of jsonPieces(report)) {
    write(piece);
    await drained();
  }
}

export function renderJson(report: Report): string {
  let out = '';
  writeJson(report, (s) => (out += s));
  return out;
}
