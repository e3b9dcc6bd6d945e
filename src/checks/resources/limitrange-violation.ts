import { defineCheck, type FindingInput } from '../types.js';
import type { Json } from '../../model/types.js';
import { getObject, parseQuantity } from '../../model/util.js';
import { effectiveLimit, effectiveRequest, formatValue, label, limitRangesFor, show, sourceNote, type Effective } from './shared.js';

function ratioText(r: number): string {
  return Number.isInteger(r) ? String(r) : r.toFixed(2).replace(/\.?0+$/, '');
}

function q(raw: Json): string {
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
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
    text: 'Bring the container\'s requests and limits within the LimitRange, or change the LimitRange if the workload really needs more.',
    yaml: `# LimitRange: max memory 2Gi, maxLimitRequestRatio cpu 4
resources:
  requests:
    cpu: 500m
    memory: 1Gi
  limits:
    cpu: "2"
    memory: 2Gi`,
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
      const reported = new Set<string>();
      const report = (res: string, e: Effective, text: string) => {
        if (reported.has(res)) return;
        reported.add(res);
        out.push({ message: `${label(c)} ${text}: pods are rejected at admission`, path: e.path ?? [...c.path, 'resources'], container: c.name });
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
    }
    return out;
  },
});
