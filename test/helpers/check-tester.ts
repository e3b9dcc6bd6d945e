/**
 * A RuleTester-style harness: run one check through the real loader and engine on YAML text,
 * and assert on what fires (with lines) and what must not.
 */
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { audit, loadPlan } from '../../src/engine/audit.js';
import { defineCheck, type Check, type Pillar, type Severity } from '../../src/checks/types.js';
import type { Finding } from '../../src/engine/report-types.js';
import { emptyConfig } from '../../src/engine/config.js';

export interface RunOptions {
  params?: Record<string, unknown>;
  /** The namespace objects without one are in (--namespace). */
  namespace?: string;
  /** The file the YAML is read as (default test.yaml): a kustomize patch's path, say. */
  file?: string;
  /** The input holds every object (--complete): findings that rest on absent objects are firm. */
  complete?: boolean;
}

/** All findings of `check` on the given YAML (multi-document allowed). Fails the test on YAML errors. */
export function runCheck(check: Check, yaml: string, opts: RunOptions = {}): Finding[] {
  // Load exactly as the CLI does for this check alone: kinds it does not target or declare in
  // `uses` arrive as metadata only, so a missing `uses` entry makes its tests fail.
  const loaded = loadText(yaml, opts.file ?? 'test.yaml', loadPlan([check]));
  const errors = loaded.problems.filter((p) => p.level === 'error');
  assert.deepEqual(errors, [], 'fixture YAML must parse');
  const config = emptyConfig();
  if (opts.params) config.checks[check.id] = { params: opts.params };
  const report = audit({ resources: loaded.resources, problems: [] }, { checks: [check], config, namespace: opts.namespace, complete: opts.complete });
  const internal = report.problems.filter((p) => p.message.startsWith('internal:'));
  assert.deepEqual(internal, [], 'the check must not throw');
  return report.verdicts.flatMap((v) => v.findings);
}

export interface Expected {
  /** 1-based line the finding must point at. */
  line?: number;
  /** Substring or pattern the message must contain. */
  message?: string | RegExp;
  container?: string;
  /** Object name the finding is on. */
  object?: string;
  severity?: 'error' | 'warning' | 'info';
  /** null: the finding must be firm; a string: its unknown reason must contain it. */
  unknown?: string | null;
}

/** Assert the check fires exactly these findings (in line order). */
export function expectFindings(check: Check, yaml: string, expected: Expected[], opts: RunOptions = {}): Finding[] {
  const found = runCheck(check, yaml, opts).sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  const show = () => found.map((f) => `  line ${f.location.line} [${f.object.name}${f.container ? '/' + f.container : ''}] ${f.message}`).join('\n');
  assert.equal(found.length, expected.length, `${check.id}: expected ${expected.length} finding(s), got ${found.length}:\n${show()}`);
  expected.forEach((e, i) => {
    const f = found[i];
    if (e.line !== undefined) assert.equal(f.location.line, e.line, `${check.id}: finding ${i} line\n${show()}`);
    if (e.message !== undefined) {
      if (typeof e.message === 'string') assert.ok(f.message.includes(e.message), `${check.id}: message "${f.message}" lacks "${e.message}"`);
      else assert.match(f.message, e.message);
    }
    if (e.container !== undefined) assert.equal(f.container, e.container, `${check.id}: finding ${i} container`);
    if (e.object !== undefined) assert.equal(f.object.name, e.object, `${check.id}: finding ${i} object`);
    if (e.severity !== undefined) assert.equal(f.severity, e.severity, `${check.id}: finding ${i} severity`);
    if (e.unknown === null) assert.equal(f.unknown, null, `${check.id}: finding ${i} should be firm, is unknown: ${f.unknown}`);
    else if (e.unknown !== undefined) assert.ok(f.unknown?.includes(e.unknown), `${check.id}: finding ${i} unknown "${f.unknown}" lacks "${e.unknown}"`);
  });
  return found;
}

/** Assert the check is silent. */
export function expectNone(check: Check, yaml: string, opts: RunOptions = {}): void {
  expectFindings(check, yaml, [], opts);
}

/** A workload check made up for an engine test: only id, pillar, severity and run matter. */
export function engineTestCheck(id: string, severity: Severity, run: Check['run'], pillar: Pillar = 'security'): Check {
  return defineCheck({
    id,
    pillar,
    severity,
    title: 'test',
    whatBreaks: 'test check for the engine',
    fix: { text: 'test fix text', yaml: 'test: yaml snippet' },
    target: 'workload',
    run,
  });
}
