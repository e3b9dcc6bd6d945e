import { isTemplated } from '../../model/util.js';
import { claimTemplates } from '../../model/claims.js';
import { defineCheck, type FindingInput } from '../types.js';
import type { FieldPath, Json } from '../../model/types.js';
import { getArray, getObject, getString, isObject, parseQuantity } from '../../model/util.js';
import { label } from './shared.js';

/** Likely intended spellings of a malformed quantity ("1GB" -> "1Gi" or "1G", "512 mi" -> "512Mi"). */
export function suggestQuantity(raw: string): string[] {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtpe])(i?)(b?)\s*$/i.exec(raw);
  if (!m) return [];
  const out = [`${m[1]}${m[2].toUpperCase()}i`];
  // "1GB" may mean the decimal unit; "k" is the only lowercase decimal suffix.
  if (!m[3] && m[4]) out.push(`${m[1]}${m[2].toLowerCase() === 'k' ? 'k' : m[2].toUpperCase()}`);
  return out.filter((s) => s !== raw && parseQuantity(s) !== undefined);
}

function describe(raw: Json): string {
  return typeof raw === 'string' ? `"${raw}"` : JSON.stringify(raw);
}

export default defineCheck({
  id: 'invalid-resource-quantity',
  pillar: 'resources',
  severity: 'error',
  title: 'Resource quantity is not valid',
  whatBreaks:
    'The API server rejects the object ("quantities must match the regular expression ..."), so `kubectl apply` or the deploy pipeline fails and nothing is rolled out.',
  details: `Kubernetes quantities are a number with an optional suffix: binary \`Ki Mi Gi Ti Pi Ei\`, decimal \`k M G T P E\`, \`m\` (milli), or an exponent (\`1e3\`). Common mistakes are \`1GB\`, \`512MB\`, \`1gi\`, \`2 Gi\` and \`1K\` (uppercase K); negative values are rejected as well.

The check reads container \`resources.requests\`/\`limits\`, pod-level \`spec.resources\`, \`emptyDir.sizeLimit\` and the storage sizes of a StatefulSet's \`volumeClaimTemplates\`. Other resource checks skip values that do not parse.`,
  fix: {
    text: 'Write the quantity with a Kubernetes suffix, e.g. 1Gi (binary) or 1G (decimal), 500m for half a CPU.',
    yaml: `resources:
  requests:
    cpu: 500m
    memory: 512Mi
  limits:
    memory: 1Gi`,
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const out: FindingInput[] = [];
    const test = (raw: Json, path: FieldPath, what: string, container?: string) => {
      if (raw === null || raw === undefined || isTemplated(raw)) return;
      const v = parseQuantity(raw);
      if (v !== undefined && v >= 0) return;
      const hints = typeof raw === 'string' ? suggestQuantity(raw) : [];
      const hint = hints.map((h) => `"${h}"`).join(' or ');
      const why = v !== undefined ? 'a negative quantity' : 'not a valid quantity';
      out.push({
        message: `${what} is ${describe(raw)}, ${why}${hint ? ` (did you mean ${hint}?)` : ''}: the API server rejects it`,
        path,
        container,
      });
    };
    const scan = (owner: Json, ownerPath: FieldPath, who: string, container?: string) => {
      for (const section of ['requests', 'limits']) {
        const m = getObject(owner, ['resources', section]);
        if (!m) continue;
        for (const [res, raw] of Object.entries(m)) test(raw, [...ownerPath, 'resources', section, res], `${who} ${section}.${res}`, container);
      }
    };
    for (const c of w.containers) scan(c.spec, c.path, `${label(c)}`, c.name);
    scan(w.podSpec, w.podSpecPath, 'pod-level');
    getArray(w.podSpec, ['volumes']).forEach((v, i) => {
      const dir = getObject(v, ['emptyDir']);
      if (!dir || !Object.prototype.hasOwnProperty.call(dir, 'sizeLimit')) return;
      const name = isObject(v) ? (getString(v, ['name']) ?? `#${i}`) : `#${i}`;
      test(dir.sizeLimit, [...w.podSpecPath, 'volumes', i, 'emptyDir', 'sizeLimit'], `emptyDir volume "${name}" sizeLimit`);
    });
    // A StatefulSet's claim templates: the API server validates their storage sizes too.
    for (const t of claimTemplates(w.resource)) {
      for (const section of ['requests', 'limits']) {
        const m = getObject(t.template, ['spec', 'resources', section]);
        if (m && Object.prototype.hasOwnProperty.call(m, 'storage')) test(m.storage, [...t.path, 'spec', 'resources', section, 'storage'], `volumeClaimTemplate "${t.name}" ${section}.storage`);
      }
    }
    return out;
  },
});
