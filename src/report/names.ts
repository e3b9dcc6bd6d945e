/** How every report names an object: `Deployment shop/web` (cluster-scoped: `ClusterRole view`). */
import type { ObjectRef } from '../engine/report-types.js';

export function objectName(o: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`;
}

/**
 * The headline count: "3 of 5 workloads production-ready", or, when the input holds no workload (an
 * audit of HPAs, RBAC or policies alone), what was checked instead of "0 of 0 workloads".
 */
export function readyHeadline(s: { readyWorkloads: number; workloads: number; objects: number }): string {
  if (s.workloads === 0) return `no workload among the ${s.objects} object${s.objects === 1 ? '' : 's'} checked`;
  return `${s.readyWorkloads} of ${s.workloads} workload${s.workloads === 1 ? '' : 's'} production-ready`;
}
