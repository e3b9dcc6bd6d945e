/**
 * The label selector that picks exactly a workload's own pods, for the fixes that must select them (a
 * PodDisruptionBudget, an anti-affinity term, a topology spread constraint). Not a check module.
 */
import { toYaml } from '../../model/fix-yaml.js';
import type { Json, Workload } from '../../model/types.js';
import { get, isObject, isTemplated } from '../../model/util.js';
import { selectorMatches } from '../../model/selector.js';
import { CONTROLLER_SET_LABELS } from '../networking/service-util.js';

/** Kinds whose spec.selector is a LabelSelector over the pods of their template. */
const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'Rollout']);

export type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: Json[] };

/**
 * The workload's own pod selector: its spec.selector (a Deployment, StatefulSet, ReplicaSet,
 * DaemonSet; a ReplicationController's map) when it selects the template's labels; else the pod
 * template labels without those a controller adds at runtime.
 */
export function ownPodSelector(w: Workload): LabelSelector {
  const r = w.resource;
  const atTop = w.podSpecPath.length === 3 && w.podSpecPath[0] === 'spec' && w.podSpecPath[1] === 'template';
  const sel = atTop ? get(r.object, ['spec', 'selector']) : undefined;
  if (isObject(sel) && !JSON.stringify(sel).split('"').some(isTemplated)) {
    if (SELECTOR_KINDS.has(r.kind) && selectorMatches(sel, w.podLabels) === true) {
      const out: LabelSelector = {};
      if (isObject(sel.matchLabels) && Object.keys(sel.matchLabels).length) out.matchLabels = sel.matchLabels as Record<string, string>;
      if (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length) out.matchExpressions = sel.matchExpressions;
      if (out.matchLabels || out.matchExpressions) return out;
    }
    if (r.kind === 'ReplicationController' && Object.keys(sel).length && Object.entries(sel).every(([k, v]) => w.podLabels[k] === v)) {
      return { matchLabels: sel as Record<string, string> };
    }
  }
  const own = Object.fromEntries(Object.entries(w.podLabels).filter(([k]) => !CONTROLLER_SET_LABELS.has(k)));
  return { matchLabels: Object.keys(own).length ? own : { ...w.podLabels } };
}

type Obj = { [k: string]: Json };
const ANTI = ['affinity', 'podAntiAffinity'];
const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

/** A copy of the list at `path` of the pod spec (its items are replaced together: listType atomic). */
function listOf(w: Workload, path: string[]): Json[] {
  const v = get(w.podSpec, path);
  return Array.isArray(v) ? (JSON.parse(JSON.stringify(v)) as Json[]) : [];
}

/** `value` at `path` as nested maps. */
function nested(path: string[], value: Json): Obj {
  let out: Json = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]]: out };
  return out as Obj;
}

/**
 * A pod-spec snippet that repairs the spreading term `t` (an anti-affinity term or topology spread
 * constraint of the pod spec) so it counts the workload's own pods: its labelSelector becomes the
 * workload's pod selector, mismatchLabelKeys lose the keys of its own labels, its namespaces gain
 * the workload's. The whole list is written, the other terms unchanged: it is replaced as one.
 */
export function repairedTermSnippet(w: Workload, t: { kind: string; path: (string | number)[] }, field: string, namespace: string): string {
  const sel = ownPodSelector(w) as unknown as Json;
  const fix = (term: Json | undefined): void => {
    if (!isObject(term)) return;
    if (field === 'labelSelector') term.labelSelector = sel;
    else if (field === 'mismatchLabelKeys') {
      const keep = (Array.isArray(term.mismatchLabelKeys) ? term.mismatchLabelKeys : []).filter((k) => !(typeof k === 'string' && k in w.podLabels));
      if (keep.length) term.mismatchLabelKeys = keep;
      else delete term.mismatchLabelKeys;
    } else if (field === 'namespaces') term.namespaces = [...(Array.isArray(term.namespaces) ? term.namespaces : []), namespace];
  };
  let path: string[];
  if (t.kind === 'spread') path = ['topologySpreadConstraints'];
  else path = [...ANTI, t.kind === 'required-anti-affinity' ? REQUIRED : PREFERRED];
  const list = listOf(w, path);
  const i = t.kind === 'preferred-anti-affinity' ? t.path[t.path.length - 2] : t.path[t.path.length - 1];
  const item = typeof i === 'number' ? list[i] : undefined;
  if (t.kind === 'preferred-anti-affinity') fix(isObject(item) ? item.podAffinityTerm : undefined);
  else fix(item);
  const what = field === 'labelSelector' ? "its labelSelector is the workload's own pod selector" : field === 'mismatchLabelKeys' ? "mismatchLabelKeys no longer names the pods' own labels" : 'its namespaces include the pods\' own';
  return `# the term fixed (${what}); the list is written whole, the other terms as they are\n${toYaml(nested(path, list))}`;
}

/** A pod-spec snippet adding a preferred anti-affinity term over `topologyKey` for the workload's own pods, after the preferred terms it has. */
export function antiAffinitySnippet(w: Workload, topologyKey: string): string {
  const path = [...ANTI, PREFERRED];
  const list = listOf(w, path);
  list.push({ weight: 100, podAffinityTerm: { topologyKey, labelSelector: ownPodSelector(w) as unknown as Json } });
  const kept = list.length > 1 ? '; the preferred terms it has are kept (the list is replaced as one)' : '';
  return `# preferred: the replicas go to different nodes when the cluster has room (required would leave extra replicas Pending)${kept}\n${toYaml(nested(path, list))}`;
}

/** A pod-spec snippet adding a ScheduleAnyway topology spread constraint over `topologyKey` for the workload's own pods, after those it has. */
export function spreadSnippet(w: Workload, topologyKey: string): string {
  const list = listOf(w, ['topologySpreadConstraints']);
  list.push({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: ownPodSelector(w) as unknown as Json });
  const kept = list.length > 1 ? '; the constraints it has are kept' : '';
  return `# ScheduleAnyway: a full or lost zone does not leave pods Pending${kept}\n${toYaml({ topologySpreadConstraints: list })}`;
}
