/**
 * SARIF 2.1.0 (OASIS), shaped for GitHub code scanning uploads (`github/codeql-action/upload-sarif`):
 *
 * - one run per file, one rule per check that produced a finding, rule ids = check ids (stable);
 * - artifact URIs relative to the working directory with `uriBaseId: "%SRCROOT%"`, the base given
 *   in `run.originalUriBaseIds`;
 * - `partialFingerprints["kubeready/v1"]` from `fingerprintOf`, so an alert keeps its identity when
 *   the manifest is reformatted or moved;
 * - exempted findings are results with `suppressions` (config: external, annotation: inSource), so
 *   code scanning shows them as dismissed instead of forgetting them;
 * - findings that rest on objects not in the input are level "note" with `properties.unknown`;
 * - input problems are `invocations[0].toolExecutionNotifications`;
 * - objects read from a live cluster (audit --cluster) have no file: their results carry only a
 *   logical location (context/Kind/namespace/name) and the field, never a made-up artifact path;
 * - GitHub's upload limits: at most 25,000 results per run (errors kept first, a notification
 *   says how many were left out), at most 1,000 locations per result, at most 20 tags per rule.
 *   https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  Log,
  Location as SarifLocation,
  LogicalLocation,
  Notification,
  ReportingDescriptor,
  Result,
  Run,
} from 'sarif';
import { fingerprintOf } from '../engine/fingerprint.js';
import { isLive, kubectlGet } from './live.js';
import { objectName } from './names.js';
import type { CheckInfo, Finding, Location, ObjectRef, Report } from '../engine/report-types.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const FINGERPRINT_KEY = 'kubeready/v1';
// No helpUri or informationUri: kubeready has no published documentation URL yet, and a guessed one
// would put a dead "learn more" link on every code-scanning alert. The rule's help carries what breaks,
// the fix with its YAML, and the command that prints the full documentation (kubeready explain).
/** GitHub code scanning rejects runs with more results. */
export const MAX_RESULTS = 25_000;
/** GitHub code scanning rejects results with more locations (related locations included, counted generously). */
const MAX_RELATED = 100;

export interface SarifOptions {
  /** Absolute working directory: the %SRCROOT% that the relative URIs resolve against. */
  cwd?: string;
  /** Results cap (default and maximum: 25,000, GitHub's limit). */
  maxResults?: number;
}

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<string, Level> = { error: 'error', warning: 'warning', info: 'note' };
const LEVEL_RANK: Record<Level, number> = { error: 0, warning: 1, note: 2 };
/** GitHub maps security-severity to critical (9+), high (7-8.9), medium (4-6.9), low (0.1-3.9). */
const SECURITY_SEVERITY: Record<string, string> = { error: '8.0', warning: '5.0', info: '2.0' };
const SECURITY_PILLARS = new Set(['security', 'rbac']);

/** `memory-limit-missing` -> `MemoryLimitMissing` (SARIF rule names are identifier-like). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** A relative path (forward slashes) as a URI reference: each segment percent-encoded. */
export function pathToUri(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file)) return { uri: pathToFileURL(file).href };
  const uri = file
    .split(/[\\/]/)
    .map((seg) => encodeURIComponent(seg))
    .join('/');
  return { uri, uriBaseId: '%SRCROOT%' };
}

function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function logical(o: ObjectRef): LogicalLocation {
  const properties: Record<string, unknown> = { apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace };
  if (isLive(o)) {
    properties.cluster = o.cluster;
    properties.kubectl = kubectlGet(o);
  }
  return {
    name: o.name,
    fullyQualifiedName: [isLive(o) ? o.cluster : null, o.kind, o.namespace, o.name].filter((x) => x !== null && x !== '').join('/'),
    kind: 'resource',
    properties,
  };
}

/** Where an object's field is: the file and line for manifests; the object alone for live ones. */
function locationOf(o: ObjectRef, loc: Location): SarifLocation {
  return isLive(o) ? { logicalLocations: [logical(o)] } : { physicalLocation: physical(loc), logicalLocations: [logical(o)] };
}

function physical(loc: Location): SarifLocation['physicalLocation'] {
  const p: NonNullable<SarifLocation['physicalLocation']> = { artifactLocation: pathToUri(loc.file) };
  if (loc.line !== null && loc.line >= 1) {
    p.region = { startLine: loc.line };
    if (loc.column !== null && loc.column >= 1) p.region.startColumn = loc.column;
  }
  return p;
}

function rule(info: CheckInfo): ReportingDescriptor {
  const fence = fenceFor(info.fix.yaml);
  const tags = new Set(['kubernetes', info.pillar]);
  if (SECURITY_PILLARS.has(info.pillar)) tags.add('security');
  if (info.pss) tags.add(`pss-${info.pss}`);
  const properties: Record<string, unknown> = { tags: [...tags], pillar: info.pillar, precision: 'high' };
  if (SECURITY_PILLARS.has(info.pillar)) properties['security-severity'] = SECURITY_SEVERITY[info.severity] ?? '5.0';
  return {
    id: info.id,
    name: ruleName(info.id),
    shortDescription: { text: info.title },
    fullDescription: { text: info.whatBreaks },
    help: {
      text: `${info.fix.text}\n\n${info.fix.yaml}\n\nFull documentation: kubeready explain ${info.id}`,
      markdown:
        `**What breaks:** ${info.whatBreaks}\n\n**Fix:** ${info.fix.text}\n\n${fence}yaml\n${info.fix.yaml}\n${fence}\n\n` +
        `Full documentation: \`kubeready explain ${info.id}\` (docs/checks.md in the kubeready sources).`,
    },
    defaultConfiguration: { level: LEVEL[info.severity] ?? 'warning' },
    properties,
  };
}

/** A rule for a finding whose check is not in report.checks (should not happen; kept valid anyway). */
function fallbackRule(f: Finding): CheckInfo {
  return { id: f.check, pillar: f.pillar, severity: f.severity, title: f.title, whatBreaks: f.title, fix: { text: `See kubeready explain ${f.check}.`, yaml: '' } };
}

function levelOf(f: Finding): Level {
  return f.unknown ? 'note' : (LEVEL[f.severity] ?? 'warning');
}

function result(f: Finding, ruleIndex: number): Result {
  const level: Level = levelOf(f);
  const related = f.related.slice(0, MAX_RELATED).map(
    (r, i): SarifLocation => ({
      id: i + 1,
      ...locationOf(r.object, r.location),
      message: { text: `${r.note ? r.note + ': ' : ''}${objectName(r.object)}${r.field ? ` (${r.field})` : ''}` },
    }),
  );
  // Helm: where the values behind the template line are set (the fix usually goes there).
  for (const v of f.location.values ?? []) {
    if (v.file === '--set' || related.length >= MAX_RELATED) continue;
    related.push({
      id: related.length + 1,
      physicalLocation: physical({ file: v.file, line: v.line, column: v.column, exact: v.exact, doc: 0 }),
      message: { text: v.exact ? `${v.ref} is set here` : `${v.ref} is not set; its nearest parent is here` },
    });
  }
  const properties: Record<string, unknown> = {
    object: { apiVersion: f.object.apiVersion, kind: f.object.kind, namespace: f.object.namespace, name: f.object.name, ...(isLive(f.object) ? { cluster: f.object.cluster } : {}) },
    field: f.field,
    pillar: f.pillar,
    severity: f.severity,
  };
  if (f.container !== null) properties.container = f.container;
  // The rule's help holds the check's example; this is the fix at this object's own path.
  if (f.fixYaml !== undefined) properties.fixYaml = f.fixYaml;
  if (f.location.values?.length) properties.values = f.location.values;
  if (!f.location.exact) properties.locationIsWhereFieldBelongs = true;
  if (f.unknown) properties.unknown = `rests on an object not in the input: ${f.unknown}; does not fail (--complete if the input holds everything)`;
  const res: Result = {
    ruleId: f.check,
    ruleIndex,
    level,
    message: { text: `${objectName(f.object)}: ${f.message}` },
    locations: [locationOf(f.object, f.location)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprintOf(f) },
    properties,
  };
  if (related.length) res.relatedLocations = related;
  // With --baseline: SARIF's own field for it (new / unchanged).
  if (f.baseline === 'new' || f.baseline === 'unchanged') res.baselineState = f.baseline;
  if (f.exempted) {
    res.suppressions = [
      { kind: f.exempted.by === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: f.exempted.reason },
    ];
  }
  return res;
}

export function buildSarif(report: Report, opts: SarifOptions = {}): Log {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const infos = new Map(report.checks.map((c) => [c.id, c]));
  const indexOf = (f: Finding): number => {
    let i = ruleIndex.get(f.check);
    if (i === undefined) {
      i = rules.length;
      ruleIndex.set(f.check, i);
      rules.push(rule(infos.get(f.check) ?? fallbackRule(f)));
    }
    return i;
  };
  // Rules in report.checks order (stable), then results.
  for (const c of report.checks) {
    ruleIndex.set(c.id, rules.length);
    rules.push(rule(c));
  }
  // Every finding registers its rule, in order; result objects are built only for the findings kept
  // (at most `max`, the most severe first: a 100,000-object input has 400,000 findings).
  const all: { f: Finding; rule: number; rank: number; i: number }[] = [];
  for (const v of report.verdicts) for (const f of v.findings) all.push({ f, rule: indexOf(f), rank: LEVEL_RANK[levelOf(f)], i: all.length });

  const notifications: Notification[] = report.problems.map((p) => {
    const n: Notification = { level: p.level, message: { text: p.message } };
    if (p.file) {
      n.locations = [{ physicalLocation: physical({ file: p.file, line: p.line, column: p.column, exact: true, doc: 0 }) }];
    }
    return n;
  });

  const max = Math.min(opts.maxResults ?? MAX_RESULTS, MAX_RESULTS);
  let kept = all;
  if (all.length > max) {
    // Keep the most severe (stable within a level), in report order.
    const byLevel: (typeof all)[] = [[], [], [], []];
    for (const x of all) (byLevel[x.rank] ?? byLevel[3]).push(x);
    kept = [];
    for (const l of byLevel) for (const x of l) if (kept.length < max) kept.push(x);
    kept.sort((a, b) => a.i - b.i);
  }
  const results: Result[] = kept.map((x) => result(x.f, x.rule));
  if (all.length > max) {
    const total = all.length;
    notifications.push({
      level: 'warning',
      message: { text: `${total - max} of ${total} results left out: GitHub code scanning accepts at most ${MAX_RESULTS} per run (the most severe are kept)` },
    });
  }

  const s = report.summary;
  const run: Run = {
    tool: {
      driver: {
        name: 'kubeready',
        version: report.tool.version,
        semanticVersion: /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined,
        rules,
      },
    },
    invocations: [{ executionSuccessful: s.inputErrors === 0, toolExecutionNotifications: notifications }],
    columnKind: 'utf16CodeUnits',
    results,
    properties: {
      workloads: s.workloads,
      readyWorkloads: s.readyWorkloads,
      score: s.score,
      exempted: s.exempted,
      unknown: s.unknown,
      inputErrors: s.inputErrors,
    },
  };
  if (opts.cwd) {
    const base = pathToFileURL(opts.cwd).href;
    run.originalUriBaseIds = { '%SRCROOT%': { uri: base.endsWith('/') ? base : base + '/' } };
  }
  if (!run.tool.driver.semanticVersion) delete run.tool.driver.semanticVersion;
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

export function renderSarif(report: Report, opts: SarifOptions = {}): string {
  return JSON.stringify(buildSarif(report, opts), null, 2) + '\n';
}
