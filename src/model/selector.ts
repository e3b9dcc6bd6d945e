/**
 * Label selectors, as the API server evaluates them (metav1.LabelSelector and Service-style maps).
 * Total: odd input gives "unknown", never a throw.
 */
import type { Json } from './types.js';
import { getArray, getString, isObject, stringMap } from './util.js';

/**
 * Does a metav1.LabelSelector (matchLabels + matchExpressions) select these labels?
 * `{}` selects everything. Returns undefined when the selector cannot be evaluated (not a map,
 * unknown operator, malformed expression): callers treat that as "might match" to stay precise.
 * A null/absent selector is the caller's business (its meaning differs between APIs).
 */
export function selectorMatches(selector: Json | undefined, labels: Record<string, string>): boolean | undefined {
  if (!isObject(selector)) return undefined;
  const ml = selector.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return undefined;
    for (const [k, v] of Object.entries(stringMap(ml))) if (labels[k] !== v) return false;
  }
  const exprs = selector.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) return undefined;
    let unknown = false;
    for (const e of exprs) {
      const key = getString(e, ['key']);
      const op = getString(e, ['operator']);
      if (!key || !op) {
        unknown = true;
        continue;
      }
      const values = getArray(e, ['values']).map((x) => (typeof x === 'string' ? x : String(x)));
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      let ok: boolean;
      switch (op) {
        case 'In':
          ok = has && values.includes(labels[key]);
          break;
        case 'NotIn':
          ok = !has || !values.includes(labels[key]);
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
    if (unknown) return undefined;
  }
  return true;
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
