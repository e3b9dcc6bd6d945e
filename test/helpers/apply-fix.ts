/**
 * Apply each finding's fixYaml the way a user would, for the apply-and-rerun tests of checks whose
 * fixes are per finding: a whole new object (apiVersion and kind) is added beside the others; any
 * other snippet is merged into the finding's object (maps key by key, lists of named items by name,
 * other lists replaced, null deleting the key, as a strategic merge patch does); a "# in a.b[0]:"
 * header says where a snippet below a list item goes.
 */
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { runCheck, type RunOptions } from './check-tester.js';
import type { Check } from '../../src/checks/types.js';
import type { Finding } from '../../src/engine/report-types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function merge(target: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    const t = target[k];
    if (v === null) delete target[k];
    else if (Array.isArray(v) && Array.isArray(t) && v.every((x) => isObj(x) && typeof x.name === 'string')) {
      for (const item of v as Obj[]) {
        const same = (t as Obj[]).find((x) => isObj(x) && x.name === item.name);
        if (same) merge(same, item);
        else t.push(item);
      }
    } else if (isObj(v) && isObj(t)) merge(t, v);
    else target[k] = v;
  }
}

/** The input with every finding's fix applied, and the findings before and after. */
export function applyFixes(check: Check, text: string, opts: RunOptions = {}): { before: Finding[]; after: Finding[]; fixed: string } {
  const before = runCheck(check, text, opts);
  const docs = (yaml.loadAll(text) as Obj[]).filter(isObj);
  const added: Obj[] = [];
  for (const f of before) {
    assert.ok(f.fixYaml, `${check.id}: finding on ${f.object.kind}/${f.object.name} has a fixYaml`);
    const patch = yaml.load(f.fixYaml) as Obj;
    assert.ok(isObj(patch), `fix parses as a mapping:\n${f.fixYaml}`);
    if (typeof patch.apiVersion === 'string' && typeof patch.kind === 'string') {
      added.push(patch);
      continue;
    }
    const doc = docs.find((d) => d.kind === f.object.kind && isObj(d.metadata) && d.metadata.name === f.object.name);
    assert.ok(doc, `${f.object.kind}/${f.object.name} is in the input`);
    let at: Obj = doc;
    const header = /^# in ([^\n]+):\n/m.exec(f.fixYaml);
    if (header) for (const seg of header[1].match(/[^.[\]]+/g)!) at = (Array.isArray(at) ? (at as unknown[])[Number(seg)] : at[seg]) as Obj;
    merge(at, patch);
  }
  const fixed = [...docs, ...added].map((d) => yaml.dump(d)).join('---\n');
  return { before, after: runCheck(check, fixed, opts), fixed };
}
