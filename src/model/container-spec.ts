/** Replace what a workload's container holds, in the container reference and in the pod spec. */
import type { ContainerRef, JsonObject, Workload } from './types.js';

/**
 * Put a new spec in place of a container's (an operator's defaults filled in): the reference and the
 * workload's pod spec both see it; the manifest object itself is left as written.
 */
export function replaceContainerSpec(w: Workload, c: ContainerRef, spec: JsonObject): void {
  c.spec = spec;
  const list = c.path[c.path.length - 2] as 'containers' | 'initContainers';
  const i = c.path[c.path.length - 1] as number;
  const arr = w.podSpec[list];
  if (Array.isArray(arr)) w.podSpec = { ...w.podSpec, [list]: arr.map((x, k) => (k === i ? spec : x)) };
}
