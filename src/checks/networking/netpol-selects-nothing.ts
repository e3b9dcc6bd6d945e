import { defineCheck, type FindingInput, type Resource } from '../types.js';
import { OPERATOR_POD_KINDS } from '../../model/operator-pods.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { Json, Workload } from '../../model/types.js';
import { evalSelector, networkGraph } from '../../model/netpol.js';
import { getArray, getString, isObject, stringMap } from '../../model/util.js';
import { showLabels, showWorkload } from './netpol-util.js';
import { formatSelector } from '../../model/selector.js';

/** Labels that controllers set on pods at runtime: never in a pod template, so a selector on them cannot be judged. */
const RUNTIME_LABELS = new Set([
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'rollouts-pod-template-hash',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

/** API groups of Kubernetes itself; objects of other groups are custom resources. */
const BUILTIN_GROUP = /^(v1|(apps|batch|policy|autoscaling|extensions|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io|scheduling\.k8s\.io|node\.k8s\.io|admissionregistration\.k8s\.io|apiextensions\.k8s\.io|certificates\.k8s\.io|events\.k8s\.io|flowcontrol\.apiserver\.k8s\.io|resource\.k8s\.io|apiregistration\.k8s\.io|internal\.apiserver\.k8s\.io|storagemigration\.k8s\.io)\/.*)$/;

/** Custom resources per namespace (operators create pods from them, with labels no manifest shows). */
function customResourcesIn(index: ResourceIndex, ns: string): Resource[] {
  const byNs = index.memo('netpol:custom-resources', () => {
    const m = new Map<string, Resource[]>();
    const workloads = new Set(index.workloads.map((w) => w.resource));
    for (const r of index.resources) {
      if (BUILTIN_GROUP.test(r.apiVersion) || workloads.has(r)) continue;
      const ns = index.namespaceOf(r);
      let l = m.get(ns);
      if (!l) m.set(ns, (l = []));
      l.push(r);
    }
    return m;
  });
  return byNs.get(ns) ?? [];
}

/**
 * Does a workload whose manifest names no namespace match the selector? Kustomize (`namespace:`),
 * Helm and `kubectl -n` place such workloads in the policy's namespace at deploy time, so the policy
 * may well select them. Indexed by label pair once per run.
 */
function namespacelessMatch(index: ResourceIndex, sel: Json | undefined): boolean {
  const byPair = index.memo('netpol:namespaceless-by-pair', () => {
    const m = new Map<string, Workload[]>();
    const all: Workload[] = [];
    for (const w of index.workloads) {
      if (w.resource.namespace !== undefined) continue;
      all.push(w);
      for (const [k, v] of Object.entries(w.podLabels)) {
        const key = `${k}=${v}`;
        let l = m.get(key);
        if (!l) m.set(key, (l = []));
        l.push(w);
      }
    }
    return { m, all };
  });
  const first = isObject(sel) ? Object.entries(stringMap(sel.matchLabels))[0] : undefined;
  const candidates = first ? (byPair.m.get(`${first[0]}=${first[1]}`) ?? []) : byPair.all;
  return candidates.some((w) => evalSelector(sel, w.podLabels) !== false);
}

function selectorText(sel: Json | undefined): string {
  return isObject(sel) ? formatSelector(sel, '') : String(sel);
}

/** A selector the API server would accept: string label values, expressions with a key, a known operator and string values. */
function wellFormed(sel: Json | undefined): boolean {
  if (!isObject(sel)) return false;
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null && (!isObject(ml) || Object.entries(ml).some(([k, v]) => k === '' || typeof v !== 'string'))) return false;
  const me = sel.matchExpressions;
  if (me === undefined || me === null) return true;
  if (!Array.isArray(me)) return false;
  return me.every((e) => {
    if (!isObject(e) || typeof e.key !== 'string' || e.key === '') return false;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator as string)) return false;
    return e.values === undefined || e.values === null || (Array.isArray(e.values) && e.values.every((v) => typeof v === 'string'));
  });
}

function selectorKeys(sel: Json | undefined): string[] {
  if (!isObject(sel)) return [];
  return [...Object.keys(stringMap(sel.matchLabels)), ...getArray(sel, ['matchExpressions']).map((e) => getString(e, ['key']) ?? '')];
}

export default defineCheck({
  id: 'netpol-selects-nothing',
  pillar: 'networking',
  severity: 'warning',
  title: 'NetworkPolicy selects no pods',
  whatBreaks:
    'The policy applies to no pod: the workload it was written for is not isolated by it, so whatever it was meant to restrict (who may connect, where the pods may connect to) is not restricted at all, while the manifests suggest it is.',
  details: `A NetworkPolicy acts only on pods of its own namespace whose labels match \`spec.podSelector\`
(\`matchLabels\` and \`matchExpressions\`). Reported when the selector is not empty and matches the pod
template labels of no workload in the policy's namespace in the input. Typical causes: a label typo, a
workload relabelled (\`app\` to \`app.kubernetes.io/name\`), or the policy deployed to the wrong namespace.

Not reported: \`podSelector: {}\` (every pod), selectors with template text or on labels only controllers
set at runtime (\`pod-template-hash\`, \`statefulset.kubernetes.io/pod-name\`, ...), selectors the
input cannot evaluate, and policies whose selector matches a workload whose manifest names no namespace
(kustomize's \`namespace:\`, Helm or \`kubectl -n\` may put it in the policy's namespace). When the namespace has no workload in the input, or holds custom resources
(operators create pods from them, e.g. a \`Prometheus\` or a \`postgresql\` object), the pods may well
exist: the finding is then shown as unknown unless the input is declared complete.`,
  fix: {
    text: 'Make spec.podSelector match the pod template labels of the workload it protects, in the workload\'s namespace.',
    yaml: `spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: web   # exactly as in the Deployment's spec.template.metadata.labels`,
  },
  // Custom resources an operator makes pods from (model/operator-pods.ts): read whole.
  uses: OPERATOR_POD_KINDS,
  target: 'object',
  kinds: ['NetworkPolicy'],
  run({ resource, index }) {
    const out: FindingInput[] = [];
    const g = networkGraph(index);
    const p = g.policyOf(resource);
    if (!p || p.podSelector === undefined || p.selectsAll || p.uncertain || !wellFormed(p.podSelector)) return out;
    const keys = selectorKeys(p.podSelector);
    if (keys.some((k) => RUNTIME_LABELS.has(k))) return out;
    const ns = p.namespace;
    // Pods an operator creates from a custom resource of the input (a Prometheus, an Alertmanager).
    if (index.operatorPodsIn(ns).some((x) => evalSelector(p.podSelector, x.labels) !== false)) return out;
    const candidates = g.workloadsIn(ns).filter((w) => index.sameScope(w.resource, resource));
    const sel = selectorText(p.podSelector);
    if (candidates.length === 0) {
      out.push({
        message: `podSelector (${sel}) selects no workload of namespace "${ns}" in the input: if no pod in the cluster carries these labels either, the policy isolates nothing`,
        path: ['spec', 'podSelector'],
        unknown: `no workload of namespace "${ns}" in the input`,
        knownMessage: `podSelector (${sel}) selects no pod of namespace "${ns}" ${sourceWhere(index)} (it has no workload): the policy isolates nothing`,
      });
      return out;
    }
    for (const w of candidates) if (evalSelector(p.podSelector, w.podLabels) !== false) return out;
    if (resource.namespace !== undefined && namespacelessMatch(index, p.podSelector)) return out;
    // Show the workloads that share a selector key first: the likely targets of a typo.
    const near = [...candidates.filter((w) => keys.some((k) => k in w.podLabels)), ...candidates.filter((w) => !keys.some((k) => k in w.podLabels))];
    const shown = near.slice(0, 3).map((w) => `${showWorkload(w)} (${showLabels(w)})`);
    const more = candidates.length > 3 ? ` and ${candidates.length - 3} more` : '';
    const crs = customResourcesIn(index, ns).filter((r) => index.sameScope(r, resource));
    out.push({
      message: `podSelector (${sel}) matches the pod labels of none of the ${candidates.length} workload${candidates.length === 1 ? '' : 's'} of namespace "${ns}" (${shown.join(', ')}${more}): the policy isolates nothing, and the pods it was written for are not restricted by it`,
      path: ['spec', 'podSelector'],
      ...(crs.length ? { unknown: `pods may be created by an operator from ${crs.slice(0, 2).map((r) => `${r.kind} "${r.name}"`).join(', ')}${crs.length > 2 ? ` and ${crs.length - 2} more custom resources` : ''} in the namespace` } : {}),
    });
    return out;
  },
});
