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
  // Sorted by key, as kubectl shows them: the same text whether the labels come from a manifest (in
  // the author's order) or from the API server (which returns them sorted).
  const e = Object.entries(labels).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : '(none)';
}

/**
 * A metav1.LabelSelector as people read it in messages: `app=web, tier In (a, b), canary Exists`;
 * `all` for a selector with no requirement (or none at all).
 */
export function formatSelector(sel: Json | undefined, all: string): string {
  if (!isObject(sel)) return all;
  const parts = Object.entries(stringMap(sel.matchLabels)).map(([k, v]) => `${k}=${v}`);
  for (const e of getArray(sel, ['matchExpressions'])) {
    const values = getArray(e, ['values']).map(String);
    parts.push(`${getString(e, ['key']) ?? '?'} ${getString(e, ['operator']) ?? '?'}${values.length ? ` (${values.join(', ')})` : ''}`);
  }
  return parts.length ? parts.join(', ') : all;
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

/**
 * Requirements that every label set a selector matches (or may match) meets, each "`key` has one of
 * `values`": its matchLabels pairs and its `In` expressions. Null when it has none or cannot be read
 * (then it is a candidate for every label set).
 */
function requirements(selector: Json | undefined): { key: string; values: string[] }[] | null {
  if (!isObject(selector)) return null;
  const c = compile(selector);
  if (c.badLabels || c.badExprs) return null;
  const out: { key: string; values: string[] }[] = [];
  for (let i = 0; i < c.pairs.length; i += 2) out.push({ key: c.pairs[i], values: [c.pairs[i + 1]] });
  for (const e of c.exprs) if (e !== null && e.op === 'In') out.push({ key: e.key, values: [...new Set(e.values)] });
  return out.length ? out : null;
}

/**
 * Objects with a metav1.LabelSelector, indexed so that a label set meets only those that may
 * select it: each sits under the rarest of its requirements (a matchLabels pair or an `In`
 * expression; see `requirements`); the others are candidates for every label set. Candidates come
 * in input order; the caller still evaluates each (pruning only drops certain non-matches).
 */
export class SelectorCandidates<T> {
  private readonly byPair = new Map<string, { item: T; at: number }[]>();
  private readonly always: { item: T; at: number }[] = [];
  private readonly all: T[];

  /** `selectorOf` returns undefined for an object that must always be a candidate (templated, odd). */
  constructor(items: T[], selectorOf: (item: T) => Json | undefined) {
    this.all = items;
    const reqs = items.map((item) => {
      const sel = selectorOf(item);
      return sel === undefined ? null : requirements(sel);
    });
    const freq = new Map<string, number>();
    for (const rs of reqs) for (const r of rs ?? []) for (const v of r.values) freq.set(`${r.key}=${v}`, (freq.get(`${r.key}=${v}`) ?? 0) + 1);
    items.forEach((item, at) => {
      const rs = reqs[at];
      if (!rs) {
        this.always.push({ item, at });
        return;
      }
      let best = rs[0];
      let cost = Infinity;
      for (const r of rs) {
        let n = 0;
        for (const v of r.values) n += freq.get(`${r.key}=${v}`)!;
        if (n < cost) {
          cost = n;
          best = r;
        }
      }
      for (const v of best.values) {
        const k = `${best.key}=${v}`;
        let l = this.byPair.get(k);
        if (!l) this.byPair.set(k, (l = []));
        l.push({ item, at });
      }
    });
  }

  /** The objects that may select these labels, in input order. */
  for(labels: Record<string, string>): T[] {
    // Nothing indexed: every object is a candidate.
    if (this.byPair.size === 0) return this.all;
    const hits: { item: T; at: number }[] = [...this.always];
    let found = false;
    for (const k in labels) {
      const l = this.byPair.get(`${k}=${labels[k]}`);
      if (l) {
        found = true;
        for (const e of l) hits.push(e);
      }
    }
    if (found) hits.sort((a, b) => a.at - b.at);
    return hits.map((e) => e.item);
  }
}
