/** Helm input: where the values behind a template line are set, as one line of text (text and GitHub formats). */
import type { Location } from '../engine/report-types.js';

/** Helm: `value: shop/values.yaml:7:1 (.Values.resources)`, for each value the template line reads. */
export function valuesText(l: Location): string | null {
  if (!l.values?.length) return null;
  const one = (v: NonNullable<typeof l.values>[number]) =>
    `${v.line ? `${v.file}:${v.line}:${v.column}` : v.file} (${v.ref}${v.exact ? '' : ' is not set; its nearest parent is here'})`;
  return `${l.values.length > 1 ? 'values' : 'value'}: ${l.values.map(one).join(', ')}`;
}
