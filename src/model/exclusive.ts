/**
 * Pods that can never share a node with another pod of their workload, whatever the affinity says:
 * - a host port (or hostNetwork with declared ports): the scheduler's NodePorts filter keeps two pods
 *   using one host port apart;
 * - a whole single-host TPU slice on GKE: the pod asks for every TPU chip of its node
 *   (`google.com/tpu` equal to the chips of the `cloud.google.com/gke-tpu-topology` it selects, a
 *   topology that fits one host), so a second pod has no chip left on that node.
 */
import type { FieldPath, Workload } from './types.js';
import { getArray, getObject, getString, isObject, parseQuantity } from './util.js';
import { hostPortOf } from './ports.js';

export interface NodeExclusive {
  path: FieldPath;
  /** What the pods hold: "hostPort 80", "all 8 TPU chips of its node". */
  text: string;
  /** Why two of them cannot share a node. */
  why: string;
}

const TPU_TOPOLOGY = 'cloud.google.com/gke-tpu-topology';
const TPU_RESOURCE = 'google.com/tpu';

/** The TPU topology a pod template selects, by nodeSelector or a required node affinity with one value. */
function tpuTopology(w: Workload): { value: string; path: FieldPath } | null {
  const sel = getString(w.podSpec, ['nodeSelector', TPU_TOPOLOGY]);
  if (sel !== undefined) return { value: sel, path: [...w.podSpecPath, 'nodeSelector', TPU_TOPOLOGY] };
  const terms = getArray(w.podSpec, ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms']);
  // Terms are ORed: only a topology every term pins (one term here) decides.
  if (terms.length !== 1 || !isObject(terms[0])) return null;
  const exprs = getArray(terms[0], ['matchExpressions']);
  for (let i = 0; i < exprs.length; i++) {
    const e = exprs[i];
    if (!isObject(e) || e.key !== TPU_TOPOLOGY || e.operator !== 'In') continue;
    const values = getArray(e, ['values']);
    if (values.length === 1 && typeof values[0] === 'string') {
      return {
        value: values[0],
        path: [...w.podSpecPath, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms', 0, 'matchExpressions', i],
      };
    }
  }
  return null;
}

/** Chips of a topology such as "2x4" or "2x2x1"; null when it is not one. */
function chipsOf(topology: string): number | null {
  if (!/^\d+(x\d+){1,2}$/.test(topology)) return null;
  return topology.split('x').reduce((n, d) => n * Number(d), 1);
}

/** The TPU chips a pod of the template asks for (app containers and sidecars; limits equal requests). */
function tpuChips(w: Workload): { chips: number; path: FieldPath } | null {
  let chips = 0;
  let path: FieldPath | null = null;
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    for (const section of ['limits', 'requests'] as const) {
      const q = parseQuantity(getObject(c.spec, ['resources', section])?.[TPU_RESOURCE]);
      if (q === undefined) continue;
      chips += q;
      path ??= [...c.path, 'resources', section, TPU_RESOURCE];
      break;
    }
  }
  return path && chips > 0 ? { chips, path } : null;
}

/** Why two pods of this workload cannot share a node, if something guarantees it. */
export function nodeExclusive(w: Workload): NodeExclusive | null {
  const hp = hostPortOf(w);
  if (hp) return { path: hp.path, text: hp.text, why: 'two pods using the same host port cannot share a node' };
  const topology = tpuTopology(w);
  if (!topology) return null;
  const slice = chipsOf(topology.value);
  const asked = tpuChips(w);
  // A multi-host slice gives each pod a host's share, less than the topology's chips; asking for all
  // of them is only possible on a single-host slice, whose node has exactly that many.
  if (slice === null || !asked || asked.chips !== slice) return null;
  return {
    path: asked.path,
    text: `all ${slice} TPU chips of its node (${TPU_RESOURCE} ${asked.chips} on a ${topology.value} single-host slice)`,
    why: 'each pod takes every TPU chip of its node, so a second pod cannot fit there',
  };
}
