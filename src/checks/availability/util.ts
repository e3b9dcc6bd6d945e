/** Helpers of the availability checks: the model's availability facts, plus parameter readers. */
export * from '../../model/availability.js';
export { selectorMatches, mapSelectorMatches, formatLabels } from '../../model/selector.js';

/** Read a string[] param defensively (config can hold anything). */
export function stringListParam(v: unknown, fallback: string[]): string[] {
  if (!Array.isArray(v)) return fallback;
  const out = v.filter((x): x is string => typeof x === 'string' && x.length > 0);
  return out;
}

export function numberParam(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
