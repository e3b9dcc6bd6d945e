/** How every report names an object: `Deployment shop/web` (cluster-scoped: `ClusterRole view`). */
import type { ObjectRef } from '../engine/report-types.js';

export function objectName(o: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`;
}
