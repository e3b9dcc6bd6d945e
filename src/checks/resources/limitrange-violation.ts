import { defineCheck, type FindingInput } from '../types.js';
import type { Json } from '../../model/types.js';
import { getObject, parseQuantity } from '../../model/util.js';
import { yamlScalar } from '../../model/fix-yaml.js';
import type { CheckContext } from '../types.js';
import type { ContainerRef, JsonObject, Resource } from '../../model/types.js';
import { effectiveLimit, effectiveRequest, formatValue, label, limitRangesFor, show, sourceNote, type Effective } from './shared.js';

function ratioText(r: number): string {
  return Number.isInteger(r) ? String(r) : r.toFixed(2).replace(/\.?0+$/, '');
}

function q(raw: Json): string {
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

/** A value to write: its number, its text, and why it changed from `was` (as written; empty when it did not). */
interface Val {
  v: number;
  text: string;
  why: string;
  was?: string;
}

/** `v` rounded up to a quantity the API keeps exactly: whole millicores, whole Mi, whole units. */
function atLeast(res: string, v: number): { v: number; text: string } {
  if (res === 'cpu') {
    const m = Math.ceil(v * 1000 - 1e-6);
    return { v: m / 1000, text: m % 1000 === 0 ? String(m / 1000) : `${m}m` };
  }
  if (res === 'memory' || res === 'ephemeral-storage' || res.startsWith('hugepages-')) {
    const mi = Math.ceil(v / 2 ** 20 - 1e-9);
    return { v: mi * 2 ** 20, text: mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi` };
  }
  const n = Math.ceil(v - 1e-9);
  return { v: n, text: String(n) };
}

/**
 * The request and limit of `res` for container `c` that every LimitRange item allows: the limit
 * lowered to the smallest max and raised to the largest min; the request likewise and never above
 * the limit; then raised until limit / request is within the smallest maxLimitRequestRatio. Written
 * are the values that change and those the container sets itself; a comment says why each changed.
 */
function fitSnippet(ctx: CheckContext<unknown>, c: ContainerRef, res: string, items: { limitRange: Resource; item: JsonObject }[]): string | undefined {
  const bound = (key: string, pick: (a: number, b: number) => boolean): Val | undefined => {
    let best: Val | undefined;
    for (const { limitRange, item } of items) {
      const raw = getObject(item, [key])?.[res];
      const v = raw === undefined ? undefined : parseQuantity(raw);
      if (v !== undefined && (!best || pick(v, best.v))) best = { v, text: q(raw!), why: `LimitRange "${limitRange.name}" ${key} ${q(raw!)}` };
    }
    return best;
  };
  const max = bound('max', (a, b) => a < b);
  const min = bound('min', (a, b) => a > b);
  const ratio = bound('maxLimitRequestRatio', (a, b) => a < b);
  const l = effectiveLimit(ctx, c, res);
  const r = effectiveRequest(ctx, c, res);
  let lim: Val | undefined = l?.value !== undefined ? { v: l.value, text: show(l), why: '' } : undefined;
  let req: Val | undefined = r?.value !== undefined ? { v: r.value, text: show(r), why: '' } : undefined;
  // The comment names the value as written and the last bound that moved it.
  const was = (x: Val, to: Val, why: string): Val => ({ v: to.v, text: to.text, why, was: x.was ?? x.text });
  if (lim && max && lim.v > max.v) lim = was(lim, max, `at most the ${max.why}`);
  if (lim && min && lim.v < min.v) lim = was(lim, min, `at least the ${min.why}`);
  if (req && max && req.v > max.v) req = was(req, max, `at most the ${max.why}`);
  if (req && min && req.v < min.v) req = was(req, min, `at least the ${min.why}`);
  if (req && lim && req.v > lim.v) req = was(req, lim, 'no more than the limit');
  if (req && lim && ratio && ratio.v > 0 && req.v > 0 && lim.v / req.v > ratio.v) {
    const up = atLeast(res, lim.v / ratio.v);
    req = up.v > lim.v ? was(req, lim, `the limit, as the ${ratio.why} allows no less`) : was(req, { ...up, why: '' }, `limit ${lim.text} / ${ratio.why}`);
  }
  const line = (x: Val | undefined, e: typeof l): string | undefined => {
    if (!x || (!x.why && e?.source !== 'container')) return undefined;
    return `    ${res}: ${yamlScalar(x.text)}${x.why ? `   # was ${x.was}: ${x.why}` : ''}`;
  };
  const rl = line(req, r);
  const ll = line(lim, l);
  if (!rl && !ll) return undefined;
  return ['resources:', ...(rl ? ['  requests:', rl] : []), ...(ll ? ['  limits:', ll] : [])].join('\n');
}

export default defineCheck({
  id: 'limitrange-violation',
  pillar: 'resources',
  severity: 'error',
  title: 'Container resources violate the namespace LimitRange',
  whatBreaks:
    'The LimitRanger admission plugin rejects every pod of the workload ("forbidden: maximum memory usage per Container is ..."). The Deployment or Job object itself is accepted, so the failure only shows up as FailedCreate events and a rollout that never progresses.',
  details: `A LimitRange of \`type: Container\` in the namespace enforces, for every container (init containers included):

- \`min\`: the request and the limit must be at least this;
- \`max\`: the limit and the request must be at most this;
- \`maxLimitRequestRatio\`: limit / request must be at most this.

The check uses the LimitRanges found in the input (same namespace) and the values the pod will really have: the container's own request and limit, a request defaulted from the limit, and the LimitRange defaults (\`default\`, \`defaultRequest\`, with the API server's defaulting from \`max\`/\`min\`). It only reports when at least one of the values involved is written in the container; a LimitRange whose own defaults violate it is the namespace owner's problem. \`type: Pod\` items (sums over the pod) are not checked.`,
  fix: {
    text: 'Bring the container\'s requests and limits within the LimitRange (the values each finding shows), or change the LimitRange if the workload really needs more.',
    yaml: `# LimitRange "limits": max memory 2Gi, maxLimitRequestRatio cpu 4
spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            requests:
              cpu: 500m     # was 250m: limit 2 / LimitRange "limits" maxLimitRequestRatio 4
              memory: 1Gi
            limits:
              cpu: "2"
              memory: 2Gi   # was 4Gi: at most the LimitRange "limits" max 2Gi`,
    place: {
      at: 'container',
      snippet: `resources:
  requests:
    cpu: 500m
    memory: 1Gi
  limits:
    cpu: "2"
    memory: 2Gi`,
    },
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const { items } = limitRangesFor(ctx);
    if (items.length === 0) return [];
    const out: FindingInput[] = [];
    for (const c of w.containers) {
      const reported = new Map<string, FindingInput>();
      const report = (res: string, e: Effective, text: string) => {
        if (reported.has(res)) return;
        const f: FindingInput = { message: `${label(c)} ${text}: pods are rejected at admission`, path: e.path ?? [...c.path, 'resources'], container: c.name };
        reported.set(res, f);
        out.push(f);
      };
      const own = (e: Effective | undefined): e is Effective => !!e && e.source !== 'limitrange' && e.value !== undefined;
      for (const { limitRange, item } of items) {
        const lr = `LimitRange "${limitRange.name}"`;
        const bound = (key: string): [string, Json, number][] => {
          const m = getObject(item, [key]);
          if (!m) return [];
          const outB: [string, Json, number][] = [];
          for (const [res, raw] of Object.entries(m)) {
            const v = parseQuantity(raw);
            if (v !== undefined) outB.push([res, raw, v]);
          }
          return outB;
        };
        for (const [res, raw, max] of bound('max')) {
          const lim = effectiveLimit(ctx, c, res);
          const req = effectiveRequest(ctx, c, res);
          if (own(lim) && lim.value! > max) report(res, lim, `has a ${res} limit of ${show(lim)}, above the maximum ${q(raw)} of ${lr}`);
          else if (own(req) && req.value! > max) report(res, req, `has a ${res} request of ${show(req)}${sourceNote(req)}, above the maximum ${q(raw)} of ${lr}`);
        }
        for (const [res, raw, min] of bound('min')) {
          const lim = effectiveLimit(ctx, c, res);
          const req = effectiveRequest(ctx, c, res);
          if (own(req) && req.value! < min) report(res, req, `has a ${res} request of ${show(req)}${sourceNote(req)}, below the minimum ${q(raw)} of ${lr}`);
          else if (own(lim) && lim.value! < min) report(res, lim, `has a ${res} limit of ${show(lim)}, below the minimum ${q(raw)} of ${lr}`);
        }
        for (const [res, raw, ratioMax] of bound('maxLimitRequestRatio')) {
          const lim = effectiveLimit(ctx, c, res);
          const req = effectiveRequest(ctx, c, res);
          if (!lim || !req || lim.value === undefined || req.value === undefined || req.value <= 0) continue;
          if (!own(lim) && !own(req)) continue;
          const ratio = lim.value / req.value;
          if (ratio <= ratioMax) continue;
          const at = own(lim) ? lim : req;
          report(
            res,
            at,
            `has a ${res} limit of ${show(lim)}${sourceNote(lim)} and a request of ${show(req)}${sourceNote(req)}, a ratio of ${ratioText(ratio)} above the maxLimitRequestRatio ${q(raw)} of ${lr} (request at least ${formatValue(res, lim.value / ratioMax)})`,
          );
        }
      }
      // The values that satisfy every item at once (the finding names the first it breaks).
      for (const [res, f] of reported) {
        const snippet = fitSnippet(ctx, c, res, items);
        if (snippet) f.fixSnippet = snippet;
      }
    }
    return out;
  },
});
