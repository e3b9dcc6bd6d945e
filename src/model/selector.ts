/**
 * Label selectors, as the API server evaluates them (metav1.LabelSelector and Service-style maps).
 * Total: odd input gives "unknown", never a throw.
 */
import type { Json } from './types.js';
import { getArray, getString, isObject, stringMap } from './util.js';

/** A selector read once: its pairs and expressions, ready to match many label sets. */
interface Compiled {
  /** matchLabels is there but not a map: the selector cannot be evaluated. */
  badLabels: boolean;
  /** matchExpressions is there but not a list: cannot be evaluated (unless a label pair already fails). */
  badExprs: boolean;
  /** matchLabels as key, value, key, value, ... (values stringified; other values ignored). */
  pairs: string[];
  /** Expressions with a key and an operator; null entries are malformed (unknown). */
  exprs: ({ key: string; op: string; values: string[] } | null)[];
}

// Selectors are matched against every workload of their namespace: read each one once. Parsed
// input is never mutated, so a selector object always compiles to the same thing.
const compiled = new WeakMap<object, Compiled>();

function compile(selector: Record<string, Json>): Compiled {
  let c = compiled.get(selector);
  if (c) return c;
  c = { badLabels: false, badExprs: false, pairs: [], exprs: [] };
  const ml = selector.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) c.badLabels = true;
    else {
      for (const [k, v] of Object.entries(stringMap(ml))) c.pairs.push(k, v);
    }
  }
  const exprs = selector.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) c.badExprs = true;
    else {
      for (const e of exprs) {
        const key = getString(e, ['key']);
        const op = getString(e, ['operator']);
        c.exprs.push(!key || !op ? null : { key, op, values: getArray(e, ['values']).map((x) => (typeof x === 'string' ? x : String(x))) });
      }
    }
  }
  compiled.set(selector, c);
  return c;
}

/**
 * Does a metav1.LabelSelector (matchLabels + matchExpressions) select these labels?
 * `{}` selects everything. Returns undefined when the selector cannot be evaluated (not a map,
 * unknown operator, malformed expression): callers treat that as "might match" to stay precise.
 * A null/absent selector is the caller's business (its meaning differs between APIs).
 */
export function selectorMatches(selector: Json | undefined, labels: Record<string, string>): boolean | undefined {
  if (!isObject(selector)) return undefined;
  const c = compile(selector);
  if (c.badLabels) return undefined;
  const pairs = c.pairs;
  for (let i = 0; i < pairs.length; i += 2) if (labels[pairs[i]] !== pairs[i + 1]) return false;
  if (c.badExprs) return undefined;
  let unknown = false;
  for (const e of c.exprs) {
    if (e === null) {
      unknown = true;
      continue;
    }
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    let ok: boolean;
    switch (e.op) {
      case 'In':
        ok = has && e.values.includes(labels[e.key]);
        break;
      case 'NotIn':
        ok = !has || !e.values.includes(labels[e.key]);
        break;
      case 'Exists':
        ok = has;
        break;
      case 'DoesNotExist':
        ok = !has;
        break;
      default:
        unknown = true;
        continue;
    }
    if (!ok) return false;
  }
  return unknown ? undefined : true;
}

/** A Service-style selector (plain map): every pair must match; an empty or absent map selects nothing. */
export function mapSelectorMatches(selector: Json | undefined, labels: Record<string, string>): boolean {
  const m = stringMap(selector);
  const entries = Object.entries(m);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels[k] === v);
}

export function formatLabels(labels: Record<string, string>): string {
  const e = Object.entries(labels);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : '(none)';
}

/** True for `{}` (and `{matchLabels: {}, matchExpressions: []}`): no requirement at all. */
export function isEmptySelector(sel: Json | undefined): boolean {
  if (!isObject(sel)) return false;
  const ml = sel.matchLabels;
  const me = sel.matchExpressions;
  const noLabels = ml === undefined || ml === null || (isObject(ml) && Object.keys(ml).length === 0);
  const noExprs = me === undefined || me === null || (Array.isArray(me) && me.length === 0);
  return noLabels && noExprs;
}
