/**
 * kubectl's `-l` label selector string (`app=web,tier!=db,env in (prod,staging),!canary,team`)
 * parsed into a metav1.LabelSelector, so it is checked before any request and matched locally.
 */
import type { JsonObject } from './types.js';
import { selectorMatches } from './selector.js';
import { isObject } from './util.js';

export class SelectorError extends Error {}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Split at commas that are not inside parentheses. */
function requirements(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim());
}

function checkKey(k: string, sel: string): string {
  if (!KEY.test(k) || k.length > 316) throw new SelectorError(`label selector "${sel}": "${k}" is not a valid label key`);
  return k;
}

function checkValue(v: string, sel: string): string {
  if (!VALUE.test(v) || v.length > 63) throw new SelectorError(`label selector "${sel}": "${v}" is not a valid label value`);
  return v;
}

/** Parse a selector string; throws SelectorError with a one-line reason. */
export function parseLabelSelector(sel: string): JsonObject {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: JsonObject[] = [];
  if (sel.trim() === '') return {};
  for (const r of requirements(sel)) {
    if (r === '') throw new SelectorError(`label selector "${sel}": empty requirement`);
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!(),]+)$/.exec(r))) {
      matchExpressions.push({ key: checkKey(m[1], sel), operator: 'DoesNotExist' });
    } else if ((m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(r))) {
      const key = checkKey(m[1], sel);
      const value = checkValue(m[3], sel);
      if (m[2] === '!=') matchExpressions.push({ key, operator: 'NotIn', values: [value] });
      else if (matchLabels[key] !== undefined && matchLabels[key] !== value) matchExpressions.push({ key, operator: 'In', values: [value] });
      else matchLabels[key] = value;
    } else if ((m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(r))) {
      const values = m[3].split(',').map((v) => checkValue(v.trim(), sel));
      matchExpressions.push({ key: checkKey(m[1], sel), operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([^\s=!(),]+)$/.exec(r))) {
      matchExpressions.push({ key: checkKey(m[1], sel), operator: 'Exists' });
    } else throw new SelectorError(`label selector "${sel}": cannot parse "${r}" (use key=value, key!=value, key in (a,b), key notin (a,b), key or !key)`);
  }
  return { ...(Object.keys(matchLabels).length ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) };
}

/** Does a parsed selector select these labels? */
export function labelsMatch(selector: JsonObject, labels: Record<string, string>): boolean {
  return selectorMatches(selector, labels) === true;
}

/** The inverse of parseLabelSelector: a workload's `spec.selector` as a label-selector query (`app=web,tier in (a,b)`), or null when it cannot be written as one. */
export function selectorQuery(sel: unknown): string | null {
  if (!isObject(sel)) return null;
  const parts: string[] = [];
  if (isObject(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) {
    if (typeof v !== 'string') return null;
    parts.push(`${k}=${v}`);
  }
  if (Array.isArray(sel.matchExpressions)) for (const e of sel.matchExpressions) {
    if (!isObject(e) || typeof e.key !== 'string') return null;
    const values = Array.isArray(e.values) && e.values.every((x) => typeof x === 'string') ? (e.values as string[]) : [];
    if (e.operator === 'In' && values.length) parts.push(`${e.key} in (${values.join(',')})`);
    else if (e.operator === 'NotIn' && values.length) parts.push(`${e.key} notin (${values.join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else return null;
  }
  return parts.length ? parts.join(',') : null;
}
