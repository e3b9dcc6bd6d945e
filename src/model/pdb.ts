/** PodDisruptionBudget semantics: which pods a budget selects, by API version. */
import type { ResourceIndex } from './index.js';
import type { Json, Resource, Workload } from './types.js';
import { closeFolders, get, getArray, getString, isObject, isTemplated } from './util.js';
import { isEmptySelector, SelectorCandidates, selectorMatches } from './selector.js';
import { removedApi } from './removed-apis.js';

export { isEmptySelector };

/** A PodDisruptionBudget of the policy API group (v1 or v1beta1). */
export function isPolicyPdb(r: Resource): boolean {
  return r.kind === 'PodDisruptionBudget' && (r.apiVersion === 'policy/v1' || r.apiVersion === 'policy/v1beta1');
}


/**
 * What a PDB's selector covers, by API version: a null/absent selector selects no pods; an empty
 * selector selects every pod of the namespace in policy/v1 and no pod in policy/v1beta1.
 */
export function pdbSelectorKind(pdb: Resource): 'none' | 'all' | 'some' {
  const sel = get(pdb.object, ['spec', 'selector']);
  if (sel === undefined || sel === null) return 'none';
  if (isEmptySelector(sel)) return pdb.apiVersion === 'policy/v1' ? 'all' : 'none';
  return 'some';
}

/**
 * Does this PDB select pods with these labels? Undefined when the selector cannot be evaluated
 * (malformed, unknown operator, unrendered template values).
 */
export function pdbSelects(pdb: Resource, labels: Record<string, string>): boolean | undefined {
  if (!isPolicyPdb(pdb)) return false;
  const kind = pdbSelectorKind(pdb);
  if (kind === 'none') return false;
  if (kind === 'all') return true;
  if (!selectorEvaluable(get(pdb.object, ['spec', 'selector']))) return undefined;
  return selectorMatches(get(pdb.object, ['spec', 'selector']), labels);
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Whether a LabelSelector can be judged at all, whatever the labels (well-formed, no template text). */
export function selectorEvaluable(sel: Json | undefined): boolean {
  if (!isObject(sel)) return false;
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return false;
    for (const [k, v] of Object.entries(ml)) {
      if (isTemplated(k) || isTemplated(v)) return false;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
    }
  }
  const me = sel.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return false;
    for (const e of me) {
      const key = getString(e, ['key']);
      const op = getString(e, ['operator']);
      if (!key || !op || !OPERATORS.has(op) || isTemplated(key)) return false;
      if (getArray(e, ['values']).some((v) => isTemplated(v))) return false;
    }
  }
  return true;
}

/** The selector as people read it, for messages. */
export function showSelector(pdb: Resource): string {
  const sel = get(pdb.object, ['spec', 'selector']);
  if (!isObject(sel)) return '(none)';
  const parts: string[] = [];
  if (isObject(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) parts.push(`${k}=${String(v)}`);
  for (const e of getArray(sel, ['matchExpressions'])) {
    const key = getString(e, ['key']) ?? '?';
    const op = getString(e, ['operator']) ?? '?';
    const values = getArray(e, ['values']).map(String);
    parts.push(op === 'Exists' || op === 'DoesNotExist' ? `${key} ${op}` : `${key} ${op} (${values.join(', ')})`);
  }
  return parts.length ? parts.join(', ') : '{}';
}

/**
 * The budgets of a namespace that can select anything, indexed so a workload meets only those that
 * may select it (SelectorCandidates): a selector that can be judged sits under its rarest
 * requirement (a workload without it is not selected); the others (`{}` in policy/v1, selectors
 * that cannot be judged) are candidates for every workload.
 */
function pdbIndex(index: ResourceIndex, ns: string): SelectorCandidates<Resource> {
  return index.memo(`pdb:index:${ns}`, () => {
    const pdbs = index.inNamespace('PodDisruptionBudget', ns).filter((pdb) => isPolicyPdb(pdb) && pdbSelectorKind(pdb) !== 'none');
    return new SelectorCandidates(pdbs, (pdb) => {
      const sel = get(pdb.object, ['spec', 'selector']);
      return pdbSelectorKind(pdb) === 'some' && selectorEvaluable(sel) ? sel : undefined;
    });
  });
}

/** PodDisruptionBudgets of the workload's namespace that certainly / possibly select its pods, in input order. Memoized per workload. */
export function pdbsFor(w: Workload, index: ResourceIndex): { certain: Resource[]; possible: Resource[] } {
  const memo = index.memo('pdb:for-workload', () => new Map<Workload, { certain: Resource[]; possible: Resource[] }>());
  let hit = memo.get(w);
  if (!hit) memo.set(w, (hit = computePdbsFor(w, index)));
  return hit;
}

function computePdbsFor(w: Workload, index: ResourceIndex): { certain: Resource[]; possible: Resource[] } {
  const certain: Resource[] = [];
  const possible: Resource[] = [];
  for (const pdb of pdbIndex(index, index.namespaceOf(w.resource)).for(w.podLabels)) {
    // Neither names a namespace and they sit in different projects' trees (a budget of another
    // example or repository that happens to select the same labels): not deployed together.
    if (pdb.namespace === undefined && w.resource.namespace === undefined && !closeFolders(pdb.origin.file, w.resource.origin.file)) continue;
    const m = pdbSelects(pdb, w.podLabels);
    if (m === true) certain.push(pdb);
    else if (m === undefined) possible.push(pdb);
  }
  return { certain, possible };
}

/**
 * pdbsFor without the budgets of an API version the API server no longer serves (policy/v1beta1,
 * removed in 1.25: never created, so they protect nothing and block nothing), which come back as
 * `removed` (those that certainly select the pods).
 */
export function servedPdbsFor(w: Workload, index: ResourceIndex): { certain: Resource[]; possible: Resource[]; removed: Resource[] } {
  const { certain, possible } = pdbsFor(w, index);
  if (!certain.some(isRemoved) && !possible.some(isRemoved)) return { certain, possible, removed: [] };
  return { certain: certain.filter((p) => !isRemoved(p)), possible: possible.filter((p) => !isRemoved(p)), removed: certain.filter(isRemoved) };
}

const isRemoved = (p: Resource) => removedApi(p.apiVersion, p.kind) !== undefined;

/**
 * The workloads of the budget's namespace whose pods it certainly / possibly selects, in input
 * order (what pdbSelects says for each), computed once per namespace from pdbsFor.
 */
export function workloadsOfPdb(pdb: Resource, index: ResourceIndex): { certain: Workload[]; possible: Workload[] } {
  const ns = index.namespaceOf(pdb);
  const byPdb = index.memo(`pdb:workloads:${ns}`, () => {
    const m = new Map<Resource, { certain: Workload[]; possible: Workload[] }>();
    const entry = (p: Resource) => {
      let e = m.get(p);
      if (!e) m.set(p, (e = { certain: [], possible: [] }));
      return e;
    };
    for (const w of index.workloadsIn(ns)) {
      const { certain, possible } = pdbsFor(w, index);
      for (const p of certain) entry(p).certain.push(w);
      for (const p of possible) entry(p).possible.push(w);
    }
    return m;
  });
  return byPdb.get(pdb) ?? { certain: [], possible: [] };
}

export function workloadName(w: Workload): string {
  return `${w.resource.kind} "${w.resource.name}"`;
}

// ---------------------------------------------------------------------------------------------

