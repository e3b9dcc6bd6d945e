import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import type { ContainerRef, Resource, Workload } from '../../model/types.js';
import { get, getArray, getObject, getString, isObject, isTemplated } from '../../model/util.js';
import { containerLimit, containerRequest, resourcesTemplated, type LimitRangeDefaults } from '../../model/cost.js';
import { label, limitRangesFor, ownQuantity, resourcesPath, type Section } from './shared.js';

/*
 * Semantics: https://kubernetes.io/docs/concepts/policy/resource-quotas/ ("If a ResourceQuota is
 * defined for cpu or memory, every new pod must set requests/limits for it, or the control plane
 * may reject it"; scopes), and the pod quota evaluator (kubernetes pkg/quota/v1/evaluator/core/
 * pods.go: Constraints, enforcePodContainerConstraints, podMatchesScopeFunc), which this follows.
 */

/**
 * The quota resource names whose presence in `spec.hard` makes the quota admission plugin require
 * the matching value on every container and init container (`validationSet` in
 * pkg/quota/v1/evaluator/core/pods.go; `cpu` and `requests.cpu` are the same thing).
 */
const TRACKED: Record<string, { res: 'cpu' | 'memory'; section: Section }> = {
  cpu: { res: 'cpu', section: 'requests' },
  'requests.cpu': { res: 'cpu', section: 'requests' },
  memory: { res: 'memory', section: 'requests' },
  'requests.memory': { res: 'memory', section: 'requests' },
  'limits.cpu': { res: 'cpu', section: 'limits' },
  'limits.memory': { res: 'memory', section: 'limits' },
};

type Tri = boolean | undefined;

/** activeDeadlineSeconds >= 0: the Terminating scope. */
function terminating(w: Workload): Tri {
  const v = get(w.podSpec, ['activeDeadlineSeconds']);
  if (v === undefined || v === null) return false;
  if (typeof v === 'number') return v >= 0;
  return undefined;
}

/**
 * QoS class BestEffort after admission (no CPU or memory request or limit on any container, LimitRange
 * defaults included, zero values ignored as qos.GetPodQOS does). Undefined when a templated value
 * decides it.
 */
function bestEffort(w: Workload, defaults: LimitRangeDefaults): Tri {
  let unsure = false;
  for (const section of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory']) {
      const podLevel = ownQuantity(w.podSpec, section, res);
      if (podLevel) {
        if (podLevel.value === undefined) unsure = true;
        else if (podLevel.value !== 0) return false;
      }
    }
  }
  for (const c of w.containers) {
    if (resourcesTemplated(c.spec, 'requests') || resourcesTemplated(c.spec, 'limits')) {
      unsure = true;
      continue;
    }
    for (const res of ['cpu', 'memory']) {
      for (const q of [containerRequest(defaults, c, res), containerLimit(defaults, c, res)]) {
        if (!q) continue;
        if (q.value === undefined) unsure = true;
        else if (q.value !== 0) return false;
      }
    }
  }
  return unsure ? undefined : true;
}

function crossNamespaceAffinity(w: Workload): Tri {
  const affinity = getObject(w.podSpec, ['affinity']);
  if (!affinity) return false;
  const cross = (term: unknown) => isObject(term) && ((Array.isArray(term.namespaces) && term.namespaces.length > 0) || (term.namespaceSelector !== undefined && term.namespaceSelector !== null));
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    for (const t of getArray(affinity, [kind, 'requiredDuringSchedulingIgnoredDuringExecution'])) if (cross(t)) return true;
    for (const t of getArray(affinity, [kind, 'preferredDuringSchedulingIgnoredDuringExecution'])) if (isObject(t) && cross(t.podAffinityTerm)) return true;
  }
  return false;
}

/**
 * Does one scope requirement of a quota match the pod (podMatchesScopeFunc)? Undefined when it
 * cannot be told from the manifest: a PriorityClass scope on a pod that names no class (the cluster's
 * global default PriorityClass may fill it in), templated values, unknown scope names.
 */
function scopeMatches(scope: string, operator: string, values: string[], w: Workload, defaults: LimitRangeDefaults): Tri {
  if (scope === 'PriorityClass') {
    const pc = getString(w.podSpec, ['priorityClassName']);
    if (!pc || isTemplated(pc)) return undefined;
    switch (operator) {
      case 'Exists':
        return true;
      case 'DoesNotExist':
        return false;
      case 'In':
        return values.includes(pc);
      case 'NotIn':
        return !values.includes(pc);
      default:
        return undefined;
    }
  }
  // The API server accepts only Exists for the other scopes.
  if (operator !== 'Exists') return undefined;
  switch (scope) {
    case 'Terminating':
      return terminating(w);
    case 'NotTerminating': {
      const t = terminating(w);
      return t === undefined ? undefined : !t;
    }
    case 'BestEffort':
      return bestEffort(w, defaults);
    case 'NotBestEffort': {
      const b = bestEffort(w, defaults);
      return b === undefined ? undefined : !b;
    }
    case 'CrossNamespacePodAffinity':
      return crossNamespaceAffinity(w);
    default:
      return undefined;
  }
}

/** Does the quota apply to the workload's pods? All scopes and scopeSelector expressions must match. */
function quotaApplies(quota: Resource, w: Workload, defaults: LimitRangeDefaults): Tri {
  const reqs: { scope: string; operator: string; values: string[] }[] = [];
  for (const s of getArray(quota.object, ['spec', 'scopes'])) {
    if (typeof s !== 'string') return undefined;
    reqs.push({ scope: s, operator: 'Exists', values: [] });
  }
  for (const e of getArray(quota.object, ['spec', 'scopeSelector', 'matchExpressions'])) {
    if (!isObject(e)) return undefined;
    const scope = getString(e, ['scopeName']);
    const operator = getString(e, ['operator']);
    if (!scope || !operator) return undefined;
    const values = getArray(e, ['values']);
    if (!values.every((v) => typeof v === 'string' && !isTemplated(v))) return undefined;
    reqs.push({ scope, operator, values: values as string[] });
  }
  // A BestEffort quota can only track `pods` (the API server rejects CPU or memory in it).
  if (reqs.some((r) => r.scope === 'BestEffort')) return false;
  let unsure = false;
  for (const r of reqs) {
    const m = scopeMatches(r.scope, r.operator, r.values, w, defaults);
    if (m === false) return false;
    if (m === undefined) unsure = true;
  }
  return unsure ? undefined : true;
}

/** Is the value set on the container once the pod is admitted (own, from its limit, or a LimitRange default)? */
function present(c: ContainerRef, section: Section, res: string, defaults: LimitRangeDefaults): boolean {
  // Template text: the values are not in the file, so the check cannot claim they are missing.
  if (resourcesTemplated(c.spec, 'limits') || (section === 'requests' && resourcesTemplated(c.spec, 'requests'))) return true;
  return (section === 'requests' ? containerRequest(defaults, c, res) : containerLimit(defaults, c, res)) !== undefined;
}

function consequence(w: Workload): string {
  const kind = w.resource.kind;
  switch (kind) {
    case 'Deployment':
      return 'the Deployment stays at 0 pods and only FailedCreate events on its ReplicaSet say why';
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return `the ${kind} creates no pod and only its FailedCreate events say why`;
    case 'CronJob':
      return 'every Job it starts creates no pod and only FailedCreate events on the Job say why';
    case 'Pod':
      return 'the Pod itself is refused when it is applied';
    default:
      return `the ${kind}'s controller cannot create any pod`;
  }
}

const WHAT: Record<string, string> = {
  'requests.cpu': 'CPU request',
  'requests.memory': 'memory request',
  'limits.cpu': 'CPU limit',
  'limits.memory': 'memory limit',
};

function canonical(key: string): string {
  const t = TRACKED[key];
  return `${t.section}.${t.res}`;
}

export default defineCheck({
  id: 'quota-requires-resources',
  pillar: 'resources',
  severity: 'error',
  title: 'ResourceQuota rejects pods without requests or limits',
  whatBreaks:
    'A ResourceQuota that limits CPU or memory requests or limits makes the API server reject every pod whose containers do not set them ("failed quota: compute: must specify limits.memory"). The Deployment itself is accepted and shows 0 pods; only a FailedCreate event on its ReplicaSet says why.',
  details: `When a ResourceQuota in the namespace has \`cpu\`/\`requests.cpu\`, \`memory\`/\`requests.memory\`, \`limits.cpu\` or \`limits.memory\` in \`spec.hard\`, the quota admission plugin requires that value on **every container and init container** of every new pod it applies to, and refuses the pod otherwise: \`pods "web-7d9f" is forbidden: failed quota: compute: must specify limits.memory for: app\`. A workload controller keeps retrying, so the rollout never starts, \`kubectl get deploy\` shows 0 ready pods and only a \`FailedCreate\` event on the ReplicaSet (StatefulSet, DaemonSet, Job) says why.

A value counts as set when the container writes it, when the request is defaulted from the container's limit (the API server does that before admission), or when a LimitRange of \`type: Container\` in the namespace fills it in: the LimitRanger plugin runs before the quota plugin. Pod-level \`spec.resources\` (Kubernetes 1.34+, where the \`PodLevelResources\` feature is on by default; alpha and off in 1.32-1.33) lifts the per-container requirement, so the check is silent then.

Quota scopes narrow which pods a quota applies to (all must match): \`Terminating\`/\`NotTerminating\` (the pod template's \`activeDeadlineSeconds\` set or not; a Job's own \`spec.activeDeadlineSeconds\` does not count), \`NotBestEffort\` (the pod has some CPU or memory request or limit after LimitRange defaults), \`PriorityClass\` (the pod's \`priorityClassName\`, with \`In\`, \`NotIn\`, \`Exists\`, \`DoesNotExist\`), \`CrossNamespacePodAffinity\` (pod affinity terms with \`namespaces\` or a \`namespaceSelector\`). A \`BestEffort\` quota can only count pods, so it never requires values. The check stays silent when it cannot tell: a \`PriorityClass\` scope on a pod that names no class (a cluster-wide default PriorityClass may give it one), templated values, scopes it does not know.

The quota must be in the input and in the workload's scope: the same namespace; a namespace-less quota or workload only counts together with the other in the same folder (unless \`-n\` names the namespace). The check assumes the namespace's LimitRanges are in the input along with its quota; if a LimitRange that sets defaults is managed elsewhere, exempt this check for that namespace.`,
  fix: {
    text: 'Set the requests and limits the quota tracks on every container, init containers included (or add a LimitRange with defaults to the namespace).',
    yaml: `containers:
  - name: app
    resources:
      requests:
        cpu: 250m
        memory: 256Mi
      limits:
        memory: 256Mi
initContainers:
  - name: migrate
    resources:
      requests: {cpu: 100m, memory: 128Mi}
      limits: {memory: 128Mi}`,
  },
  uses: ['ResourceQuota', 'LimitRange'],
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const quotas = ctx.index.inNamespace('ResourceQuota', ctx.index.namespaceOf(w.resource)).filter((q) => ctx.index.deployedWith(q, w.resource));
    if (quotas.length === 0) return [];
    // Pod-level resources: the quota plugin skips the per-container requirement.
    if (getObject(w.podSpec, ['resources', 'requests']) || getObject(w.podSpec, ['resources', 'limits'])) return [];
    const defaults = limitRangesFor(ctx);
    const required: { quota: Resource; key: string }[] = [];
    for (const q of quotas) {
      const hard = getObject(q.object, ['spec', 'hard']);
      if (!hard) continue;
      const keys = Object.keys(hard).filter((k) => k in TRACKED && hard[k] !== null);
      if (keys.length === 0) continue;
      if (quotaApplies(q, w, defaults) !== true) continue;
      for (const key of keys) required.push({ quota: q, key });
    }
    if (required.length === 0) return [];
    const ns = ctx.index.namespaceOf(w.resource);
    const out: FindingInput[] = [];
    for (const c of w.containers) {
      const missing = required.filter(({ key }) => !present(c, TRACKED[key].section, TRACKED[key].res, defaults));
      if (missing.length === 0) continue;
      const fields = [...new Set(missing.map((m) => canonical(m.key)))];
      const byQuota = new Map<Resource, string[]>();
      for (const m of missing) {
        let l = byQuota.get(m.quota);
        if (!l) byQuota.set(m.quota, (l = []));
        l.push(m.key);
      }
      const quotaText = [...byQuota.entries()].map(([q, keys]) => `ResourceQuota "${q.name}" (${keys.join(', ')})`).join(' and ');
      const [firstQuota, firstKeys] = [...byQuota.entries()][0];
      const error = `failed quota: ${firstQuota.name}: must specify ${[...firstKeys].sort().map((k) => `${k} for: ${c.name}`).join('; ')}`;
      const related: RelatedInput[] = missing.map((m) => ({ resource: m.quota, path: ['spec', 'hard', m.key], note: `requires ${canonical(m.key)} on every container` }));
      const first = TRACKED[missing[0].key];
      out.push({
        message: `${label(c)} sets no ${fields.map((f) => WHAT[f]).join(' and no ')}, which ${quotaText} in namespace ${ns} require${byQuota.size === 1 ? 's' : ''} on every container: the API server rejects every pod ("${error}"), so ${consequence(w)}`,
        path: resourcesPath(c, first.section, first.res),
        container: c.name,
        related,
      });
    }
    return out;
  },
});
