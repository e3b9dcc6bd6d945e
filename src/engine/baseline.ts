/**
 * Baselines: record today's findings, then fail only on what is new.
 *
 * `kubeready baseline write FILE paths...` records every non-exempted finding (its fingerprint from
 * fingerprint.ts, plus check, object, field, message and where it was, for the humans who review
 * the file). `kubeready audit --baseline FILE` then marks each finding "new" or "unchanged" and
 * lists the baseline entries no longer found as fixed. Only the fingerprint matches; `at` is for
 * reading, so reformatting, reordering and moving objects between files change nothing.
 *
 * Multiplicity counts: an entry matches one finding. With one entry and two findings of the same
 * fingerprint (the same object defined twice), one of them is new: the one whose file:line matches
 * the entry keeps it, else the first in report order.
 */
import { readFileSync } from 'node:fs';
import { fingerprintOf } from './fingerprint.js';
import type { BaselineEntry, BaselineResult, Finding, Report } from './report-types.js';

export const BASELINE_VERSION = 1;

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  tool: 'kubeready';
  findings: BaselineEntry[];
}

/** One line, shown as "kubeready: <message>" with exit code 2. */
export class BaselineError extends Error {}

function at(f: Finding): string {
  return f.location.line ? `${f.location.file}:${f.location.line}` : f.location.file;
}

function entryOf(f: Finding): BaselineEntry {
  return {
    fingerprint: fingerprintOf(f),
    check: f.check,
    severity: f.severity,
    object: { kind: f.object.kind, namespace: f.object.namespace, name: f.object.name },
    container: f.container,
    field: f.field,
    message: f.message,
    at: at(f),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Sorted by what the finding is about (object, check, container, field), never by file position, so the file diffs well. */
function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return (
    cmp(a.object.namespace ?? '', b.object.namespace ?? '') ||
    cmp(a.object.kind, b.object.kind) ||
    cmp(a.object.name, b.object.name) ||
    cmp(a.check, b.check) ||
    cmp(a.container ?? '', b.container ?? '') ||
    cmp(a.field, b.field) ||
    cmp(a.message, b.message) ||
    cmp(a.fingerprint, b.fingerprint) ||
    cmp(a.at ?? '', b.at ?? '')
  );
}

/** Every non-exempted finding of the report (unknown ones too: they may count later, with --complete), sorted. */
export function baselineOf(report: Report): BaselineFile {
  const findings: BaselineEntry[] = [];
  for (const v of report.verdicts) for (const f of v.findings) if (!f.exempted) findings.push(entryOf(f));
  findings.sort(compareEntries);
  return { version: BASELINE_VERSION, tool: 'kubeready', findings };
}

export function serializeBaseline(b: BaselineFile): string {
  return JSON.stringify(b, null, 2) + '\n';
}

const HEX32 = /^[0-9a-f]{32}$/;

function str(v: unknown): v is string {
  return typeof v === 'string';
}

/** Validate a baseline file's text. Throws BaselineError with one line naming the file and the problem. */
export function parseBaseline(text: string, file: string): BaselineEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`baseline ${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const shape = `not a kubeready baseline (expected {"version": ${BASELINE_VERSION}, "findings": [...]}, as written by kubeready baseline write)`;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BaselineError(`baseline ${file}: ${shape}`);
  const d = data as Record<string, unknown>;
  if (typeof d.version === 'number' && d.version > BASELINE_VERSION) {
    throw new BaselineError(`baseline ${file}: version ${d.version} was written by a newer kubeready (this one reads version ${BASELINE_VERSION})`);
  }
  if (d.version !== BASELINE_VERSION || !Array.isArray(d.findings)) throw new BaselineError(`baseline ${file}: ${shape}`);
  return d.findings.map((raw, i) => {
    const bad = (what: string) => new BaselineError(`baseline ${file}: findings[${i}]: ${what}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not an object');
    const e = raw as Record<string, unknown>;
    if (!str(e.fingerprint) || !HEX32.test(e.fingerprint)) throw bad('"fingerprint" must be 32 lowercase hex digits');
    if (!str(e.check)) throw bad('"check" must be a string');
    const o = e.object as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null || !str(o.kind) || !str(o.name) || !(o.namespace === null || o.namespace === undefined || str(o.namespace))) {
      throw bad('"object" must be {kind, namespace, name}');
    }
    if (!str(e.field)) throw bad('"field" must be a string');
    if (!str(e.message)) throw bad('"message" must be a string');
    for (const k of ['container', 'at', 'severity'] as const) {
      if (e[k] !== undefined && e[k] !== null && !str(e[k])) throw bad(`"${k}" must be a string or null`);
    }
    const severity = e.severity === 'error' || e.severity === 'warning' || e.severity === 'info' ? e.severity : null;
    return {
      fingerprint: e.fingerprint,
      check: e.check,
      severity,
      object: { kind: o.kind as string, namespace: (o.namespace as string | null | undefined) ?? null, name: o.name as string },
      container: (e.container as string | null | undefined) ?? null,
      field: e.field,
      message: e.message,
      at: (e.at as string | null | undefined) ?? null,
    };
  });
}

/** Read and validate a baseline file; `shown` is the name used in messages (as the user wrote it). */
export function readBaseline(path: string, shown: string = path): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BaselineError(`baseline ${shown}: no such file (create it with: kubeready baseline write ${shown} <paths...>)`);
    if (code === 'EISDIR') throw new BaselineError(`baseline ${shown}: is a directory, not a baseline file`);
    throw new BaselineError(`baseline ${shown}: cannot read (${code ?? (e as Error).message})`);
  }
  return parseBaseline(text, shown);
}

/**
 * Classify the report's findings against the baseline: sets `finding.baseline` ("new" or
 * "unchanged"; null for exempted findings, which never count) and `report.baseline`. Exempted
 * findings still absorb matching entries, so an entry whose finding is now exempted is not "fixed".
 */
export function applyBaseline(report: Report, entries: BaselineEntry[], file: string): BaselineResult {
  const pool = new Map<string, BaselineEntry[]>();
  for (const e of entries) {
    const list = pool.get(e.fingerprint);
    if (list) list.push(e);
    else pool.set(e.fingerprint, [e]);
  }
  const live: { f: Finding; fp: string }[] = [];
  const exempted: { f: Finding; fp: string }[] = [];
  for (const v of report.verdicts) {
    for (const f of v.findings) {
      const item = { f, fp: fingerprintOf(f) };
      if (f.exempted) {
        f.baseline = null;
        exempted.push(item);
      } else {
        f.baseline = 'new';
        live.push(item);
      }
    }
  }
  const take = (fp: string, where: string | null): boolean => {
    const list = pool.get(fp);
    if (!list || list.length === 0) return false;
    const i = where === null ? 0 : list.findIndex((e) => e.at === where);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  };
  // First the findings still at the recorded file:line, then the rest in report order.
  for (const x of live) if (take(x.fp, at(x.f))) x.f.baseline = 'unchanged';
  for (const x of live) if (x.f.baseline === 'new' && take(x.fp, null)) x.f.baseline = 'unchanged';
  for (const x of exempted) take(x.fp, null);

  // An entry that is gone from a container that now has a new finding of another check, at least as
  // severe, is not called fixed: that finding may be what replaced it (a container made privileged
  // loses its capability and privilege-escalation findings). It is listed apart, as a fact.
  const RANK = { error: 3, warning: 2, info: 1 } as const;
  const newIn = new Map<string, Finding[]>();
  for (const x of live) {
    if (x.f.baseline !== 'new' || x.f.container === null) continue;
    const key = `${x.f.object.kind}\0${x.f.object.namespace ?? ''}\0${x.f.object.name}\0${x.f.container}`;
    const list = newIn.get(key);
    if (list) list.push(x.f);
    else newIn.set(key, [x.f]);
  }
  const gone = [...pool.values()].flat().sort(compareEntries);
  const fixed: BaselineEntry[] = [];
  const superseded: { entry: BaselineEntry; by: string[] }[] = [];
  for (const e of gone) {
    const there = e.container === null ? undefined : newIn.get(`${e.object.kind}\0${e.object.namespace ?? ''}\0${e.object.name}\0${e.container}`);
    const by = (there ?? []).filter((f) => f.check !== e.check && RANK[f.severity] >= RANK[e.severity ?? 'info']).map((f) => f.check);
    if (by.length) superseded.push({ entry: e, by: [...new Set(by)].sort() });
    else fixed.push(e);
  }
  const unchanged = live.filter((x) => x.f.baseline === 'unchanged').length;
  const result: BaselineResult = { file, new: live.length - unchanged, unchanged, fixed, ...(superseded.length ? { superseded } : {}) };
  report.baseline = result;
  return result;
}
