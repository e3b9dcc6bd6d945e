/**
 * kubectl's `-l` label selector string (`app=web,tier!=db,env in (prod,staging),!canary,team`)
 * parsed into a metav1.LabelSelector, so it is checked before any request and matched locally.
 */
import type { JsonObject } from './types.js';
import { selectorMatches } from './selector.js';

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
