/** Shared logic of cpu-request-missing and memory-request-missing (not a check module). */
import type { CheckContext, FindingInput } from '../types.js';
import { cpuUtilizationHpas, label, limitRangesFor, ownQuantity, podQuantity, resourcesPath } from './shared.js';

/**
 * Containers whose request for `res` is neither written, nor defaulted from their limit, nor
 * filled in by a LimitRange default, nor covered by pod-level resources.
 */
export function missingRequests(ctx: CheckContext<unknown>, res: 'cpu' | 'memory', what: string): FindingInput[] {
  const w = ctx.workload;
  if (!w) return [];
  // Pod-level resources (spec.resources) budget the whole pod; a pod-level limit defaults the pod request.
  if (podQuantity(w, 'requests', res) || podQuantity(w, 'limits', res)) return [];
  if (limitRangesFor(ctx).request.has(res)) return [];
  const hpas = res === 'cpu' ? cpuUtilizationHpas(ctx) : [];
  const out: FindingInput[] = [];
  for (const c of w.containers) {
    if (ownQuantity(c.spec, 'requests', res)) continue;
    // Kubernetes defaults a missing request to the limit: the request is effectively set.
    if (ownQuantity(c.spec, 'limits', res)) continue;
    let message = `${label(c)} has no ${what} request`;
    if (hpas.length > 0 && c.type !== 'init') {
      message += `; HorizontalPodAutoscaler ${hpas.map((h) => `"${h}"`).join(', ')} scales on CPU utilization and cannot compute it without it`;
    }
    out.push({ message, path: resourcesPath(c, 'requests', res), container: c.name });
  }
  return out;
}
