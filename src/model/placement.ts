/**
 * Where a pod may run, by the scheduler's rules: its nodeSelector and required node affinity
 * against the Nodes' labels, the Nodes' taints against its tolerations, and whether a node is
 * cordoned or not Ready. Used by diagnose (why no node takes a Pending pod) and the runtime checks
 * (the room left on the nodes a pod may use).
 */
import type { Json, Resource } from './types.js';
import { get, getArray, getString, isObject, stringMap } from './util.js';
import { nodeReady } from './runtime.js';

export interface Taint {
  key: string;
  value: string;
  effect: string;
}

export function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

export function taintsOf(node: Resource): Taint[] {
  return getArray(node.object, ['spec', 'taints']).flatMap((t) => {
    const key = getString(t, ['key']);
    const effect = getString(t, ['effect']);
    return key && effect ? [{ key, value: getString(t, ['value']) ?? '', effect }] : [];
  });
}

/**
 * Does one of the tolerations tolerate the taint? As Kubernetes: an empty effect matches every
 * effect; an empty key with operator Exists matches every taint; Exists ignores the value; Equal
 * (the default operator) needs the same value.
 */
export function tolerates(tolerations: Json[], t: Taint): boolean {
  return tolerations.some((tol) => {
    if (!isObject(tol)) return false;
    const effect = getString(tol, ['effect']) ?? '';
    if (effect !== '' && effect !== t.effect) return false;
    const key = getString(tol, ['key']) ?? '';
    const op = getString(tol, ['operator']) || 'Equal';
    if (key === '') return op === 'Exists';
    if (key !== t.key) return false;
    if (op === 'Exists') return true;
    return op === 'Equal' && (getString(tol, ['value']) ?? '') === t.value;
  });
}

/** The taints of a node that keep this pod off it (NoSchedule, NoExecute), untolerated. */
export function blockingTaints(pod: Resource, node: Resource): Taint[] {
  const tols = getArray(pod.object, ['spec', 'tolerations']);
  return taintsOf(node).filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tols, t));
}

/** One requirement of the pod on node labels, with how to say it and whether a node meets it. */
export interface NodeRequirement {
  text: string;
  /** The label key, for listing the values nodes have. */
  key: string | undefined;
  /** nodeSelector: the value wanted (for a fix that names it). */
  value: string | undefined;
  matches: (node: Resource) => boolean;
}

export function labelsOf(node: Resource): Record<string, string> {
  return stringMap(get(node.object, ['metadata', 'labels']));
}

function expressionRequirement(e: Json, field: boolean): NodeRequirement | undefined {
  const key = getString(e, ['key']);
  const op = getString(e, ['operator']);
  if (!key || !op) return undefined;
  const values = getArray(e, ['values']).map(String);
  const read = (n: Resource): string | undefined => (field ? (key === 'metadata.name' ? n.name : undefined) : labelsOf(n)[key]);
  const matches = (n: Resource): boolean => {
    const v = read(n);
    switch (op) {
      case 'In':
        return v !== undefined && values.includes(v);
      case 'NotIn':
        return v === undefined || !values.includes(v);
      case 'Exists':
        return v !== undefined;
      case 'DoesNotExist':
        return v === undefined;
      case 'Gt':
      case 'Lt': {
        const a = Number(v);
        const b = Number(values[0]);
        if (v === undefined || !Number.isInteger(a) || !Number.isInteger(b)) return false;
        return op === 'Gt' ? a > b : a < b;
      }
      default:
        return false;
    }
  };
  const text = op === 'Exists' || op === 'DoesNotExist' ? `${key} ${op}` : `${key} ${op} (${values.join(', ')})`;
  return { text, key: field ? undefined : key, value: op === 'In' && values.length === 1 ? values[0] : undefined, matches };
}

/**
 * The pod's node requirements: every nodeSelector pair, and the required node affinity's terms (a
 * node must meet one term; a term, all its expressions). Null when it has none.
 */
export function nodeRequirements(pod: Resource): { selector: NodeRequirement[]; terms: NodeRequirement[][] } | null {
  const selector = Object.entries(stringMap(get(pod.object, ['spec', 'nodeSelector']))).map(([k, v]) => ({ text: `${k}=${v}`, key: k, value: v, matches: (n: Resource) => labelsOf(n)[k] === v }));
  const terms = getArray(pod.object, ['spec', 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms']).map((t) => [
    ...getArray(t, ['matchExpressions']).map((e) => expressionRequirement(e, false)),
    ...getArray(t, ['matchFields']).map((e) => expressionRequirement(e, true)),
  ].filter((r): r is NodeRequirement => r !== undefined));
  if (!selector.length && !terms.length) return null;
  return { selector, terms };
}

export function meetsRequirements(req: { selector: NodeRequirement[]; terms: NodeRequirement[][] }, node: Resource): boolean {
  // An empty term matches no node, as the API says.
  return req.selector.every((r) => r.matches(node)) && (req.terms.length === 0 || req.terms.some((t) => t.length > 0 && t.every((r) => r.matches(node))));
}

/** Taints the node lifecycle controller sets for a node's condition: the node is what must change. */
export function conditionTaint(t: Taint): boolean {
  return t.key.startsWith('node.kubernetes.io/') || t.key.startsWith('node.cloudprovider.kubernetes.io/');
}

/**
 * Why the scheduler would not place the pod on this node, from the node's state and the pod's
 * constraints alone (not its resource requests): cordoned, not Ready, a NoSchedule or NoExecute
 * taint it does not tolerate, its nodeSelector, its required node affinity. null: it may go there.
 */
export function nodeRefusal(node: Resource, pod: Resource): string | null {
  if (get(node.object, ['spec', 'unschedulable']) === true) return 'cordoned';
  const ready = nodeReady(node);
  if (ready && ready.status !== 'True') return `Ready=${ready.status}`;
  const taint = blockingTaints(pod, node)[0];
  if (taint) return `taint ${taintText(taint)} not tolerated`;
  const req = nodeRequirements(pod);
  if (req && !meetsRequirements(req, node)) return 'node selector or required node affinity not matched';
  return null;
}
