/** Find the pod template in any resource, known kinds and custom resources alike. */
import type { ContainerRef, FieldPath, Json, JsonObject, Resource, Workload, WorkloadClass } from './types.js';
import { get, getString, isObject, nearNames, stringMap } from './util.js';
import { applyOperatorDefaults } from './operator-defaults.js';

/** Where the PodSpec sits for the built-in kinds. */
const KNOWN: Record<string, { spec: FieldPath; meta: FieldPath; replicas: FieldPath | null; class: WorkloadClass }> = {
  Deployment: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'], replicas: ['spec', 'replicas'], class: 'service' },
  StatefulSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'], replicas: ['spec', 'replicas'], class: 'service' },
  ReplicaSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'], replicas: ['spec', 'replicas'], class: 'service' },
  ReplicationController: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'], replicas: ['spec', 'replicas'], class: 'service' },
  DaemonSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'], replicas: null, class: 'daemon' },
  Job: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'], replicas: null, class: 'batch' },
  CronJob: {
    spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
    replicas: null,
    class: 'batch',
  },
  Pod: { spec: ['spec'], meta: ['metadata'], replicas: null, class: 'pod' },
  PodTemplate: { spec: ['template', 'spec'], meta: ['template', 'metadata'], replicas: null, class: 'service' },
};

/** Kinds that contain pod-template-shaped data but are not workloads. */
const NOT_WORKLOADS = new Set(['CustomResourceDefinition', 'PodTemplate', 'List']);

const BUILTIN_GROUPS: Record<string, string[]> = {
  Deployment: ['apps/', 'extensions/'],
  StatefulSet: ['apps/'],
  ReplicaSet: ['apps/', 'extensions/'],
  DaemonSet: ['apps/', 'extensions/'],
  ReplicationController: ['v1'],
  Job: ['batch/'],
  CronJob: ['batch/'],
  Pod: ['v1'],
};

function isBuiltin(resource: Resource): boolean {
  const groups = Object.hasOwn(BUILTIN_GROUPS, resource.kind) ? BUILTIN_GROUPS[resource.kind] : undefined;
  if (!groups) return false;
  return groups.some((g) => (g.endsWith('/') ? resource.apiVersion.startsWith(g) : resource.apiVersion === g));
}

/**
 * Kinds of Kubernetes itself that never hold a pod template: not searched for one when they come in
 * a Kubernetes API group (a group without a dot, or a *.k8s.io one). A ConfigMap's data or a
 * ClusterRole's rules would otherwise be walked for nothing. Custom resources that reuse these names
 * in their own groups are still searched; unknown kinds of groups without a dot are never workloads
 * (undottedGroup).
 */
const NO_TEMPLATE_KINDS = new Set([
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Namespace', 'Endpoints', 'EndpointSlice', 'Event',
  'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'LimitRange', 'ResourceQuota',
  'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'NetworkPolicy', 'Ingress', 'IngressClass',
  'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'PriorityClass', 'RuntimeClass', 'Lease', 'CSIDriver',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'ControllerRevision',
]);

function coreKindWithoutTemplate(kind: string, apiVersion: unknown): boolean {
  if (!NO_TEMPLATE_KINDS.has(kind) || typeof apiVersion !== 'string') return false;
  const slash = apiVersion.indexOf('/');
  if (slash === -1) return true;
  const group = apiVersion.slice(0, slash);
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * Whether an apiVersion is in an API group without a dot: the core group (`v1`) or a built-in one
 * (`apps/v1`, `batch/v1`, `policy/v1`). A CustomResourceDefinition's group must contain a dot
 * (apiextensions validation: "should be a domain with at least one dot"), so any kind there that
 * Kubernetes does not define (a typo, a test fixture's `SkipThisKind`) cannot exist in a cluster.
 */
function undottedGroup(apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string') return false;
  const slash = apiVersion.indexOf('/');
  return slash === -1 || !apiVersion.slice(0, slash).includes('.');
}

/**
 * Why a built-in workload cannot be applied as written, or null: an apps/v1 workload without
 * spec.selector, or a container (or init container) without an image, which the API server rejects (core validation: every container of a pod template
 * needs one). Such an object is a patch of a kustomization whose base is elsewhere
 * (`manager_auth_proxy_patch.yaml` audited without its kustomization.yaml), not something that runs as
 * it is: judging it as a whole workload would report what its base already has. Custom resources are
 * not judged: operators fill in images (ECK, CloudNativePG).
 */
const APPS_V1_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
/** A file named as a patch (`*patch*`, a `patches/` folder) or kept under an `overlays/` folder. */
/** A file named as a patch or kept under patches/ or overlays/. */
export const PATCH_FILE = /(^|[\\/])(patches|overlays)[\\/]|patch[^\\/]*$/i;

export function fragmentReason(resource: Resource): string | null {
  if (!isBuiltin(resource)) return null;
  const podSpec = get(resource.object, KNOWN[resource.kind].spec);
  if (!isObject(podSpec)) return null;
  for (const key of ['initContainers', 'containers']) {
    const list = podSpec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (isObject(c) && (c.image === undefined || c.image === null || c.image === '')) {
        return `${key === 'containers' ? 'container' : 'init container'}${typeof c.name === 'string' ? ` "${c.name}"` : ''} has no image`;
      }
    }
  }
  // apps/v1 requires spec.selector and, unlike its beta versions, never defaults it from the template's
  // labels. One without a selector and without pod labels, in a file named as a patch or kept under an
  // overlay, is a strategic-merge patch (argocd-example-apps' kustomized-helm overlay, kubebuilder's
  // manager_image_patch.yaml), not an object the API server accepts.
  if (resource.apiVersion === 'apps/v1' && APPS_V1_KINDS.has(resource.kind) && PATCH_FILE.test(resource.origin.file)) {
    const sel = get(resource.object, ['spec', 'selector']);
    const labels = get(resource.object, [...KNOWN[resource.kind].meta, 'labels']);
    if ((sel === undefined || sel === null) && !isObject(labels)) return 'it has no spec.selector (required in apps/v1) and no pod labels';
  }
  return null;
}

/** Does a strategic-merge-patch directive (`$patch: delete`, `$patch: replace`) appear anywhere in `v`? */
export function hasPatchDirective(v: Json): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && typeof x === 'object' && hasPatchDirective(x)) return true;
    return false;
  }
  if (v === null || typeof v !== 'object') return false;
  for (const k in v) {
    if (k === '$patch') return true;
    const x = (v as JsonObject)[k];
    if (x !== null && typeof x === 'object' && hasPatchDirective(x)) return true;
  }
  return false;
}

/**
 * Why a built-in workload (Deployment, Pod, CronJob, ...) has no pod spec the API server would accept,
 * when it has none: the first missing field on the way to the containers, with a near key that
 * reads as a typo of it (\`tempalte\` for \`template\`). Such an object is not audited, so it must not
 * pass unnoticed: the caller reports it.
 *
 * - level error: it is meant as a whole object and is broken: a key that is a typo of the missing
 *   one, containers that are not a list of containers, or (apps/v1) a \`spec.selector\` without a
 *   template;
 * - level warning: it may be a strategic-merge patch, which need not repeat the template (no
 *   selector, nothing misspelt): said, not failed;
 * - null when the pod spec is there, or the object is explicitly a patch (\`$patch\`, or a file named
 *   or kept as one).
 */
export function podSpecProblem(resource: Resource): { path: FieldPath; message: string; level: 'error' | 'warning' } | null {
  if (!isBuiltin(resource) || PATCH_FILE.test(resource.origin.file)) return null;
  const want = KNOWN[resource.kind].spec;
  const obj = resource.object;
  if (looksLikePodSpec(get(obj, want))) return null;
  if (hasPatchDirective(obj)) return null;
  const name = `${resource.kind}/${resource.name}`;
  const rejects = 'the API server rejects it, and it is not audited';
  // apps/v1 requires spec.selector: one that is set says the object is meant whole.
  const whole = APPS_V1_KINDS.has(resource.kind) && resource.apiVersion === 'apps/v1' && isObject(get(obj, ['spec', 'selector']));
  const missing = (where: FieldPath, key: string, siblings: JsonObject, what: string) => {
    const near = nearNames(key, Object.keys(siblings)).filter((k) => k !== key);
    if (near.length) return { path: [...where, near[0]], message: `${name} ${what} (it has "${near[0]}": a typo of "${key}"?): ${rejects}`, level: 'error' as const };
    if (whole) return { path: where, message: `${name} ${what}: ${rejects}`, level: 'error' as const };
    return {
      path: where,
      message: `${name}: not audited as a workload: it ${what}, which the API server rejects, so it reads as a patch whose base is elsewhere (audit the folder of its kustomization.yaml, which applies it)`,
      level: 'warning' as const,
    };
  };
  let at: JsonObject = obj;
  for (let i = 0; i < want.length; i++) {
    const key = want[i] as string;
    const next = at[key];
    const field = want.slice(0, i + 1).join('.');
    if (next === undefined || next === null) return missing(want.slice(0, i), key, at, `has no ${field}`);
    if (!isObject(next)) return { path: want.slice(0, i + 1), message: `${name}: ${field} is not a mapping: ${rejects}`, level: 'error' };
    at = next;
  }
  const field = [...want, 'containers'].join('.');
  const containers = at.containers;
  if (containers === undefined || containers === null) return missing(want, 'containers', at, `has no ${field}`);
  const why = !Array.isArray(containers) ? 'is not a list' : containers.length === 0 ? 'is empty' : 'holds an entry that is not a container mapping';
  return { path: [...want, 'containers'], message: `${name}: ${field} ${why}: ${rejects}`, level: 'error' };
}

function looksLikePodSpec(v: unknown): v is JsonObject {
  if (!isObject(v)) return false;
  const c = v.containers;
  return Array.isArray(c) && c.length > 0 && c.every((x) => isObject(x)) && c.some((x) => isObject(x) && (typeof x.image === 'string' || typeof x.name === 'string'));
}

/**
 * Keys that hold a pod template in custom resources: `template` (Argo Rollouts, Knative, OpenKruise,
 * ...), `podTemplate` (ECK), and a LeaderWorkerSet's `leaderTemplate` and `workerTemplate`
 * (spec.leaderWorkerTemplate: each group is a leader pod and size - 1 worker pods).
 */
const TEMPLATE_KEYS = new Set(['template', 'podTemplate', 'leaderTemplate', 'workerTemplate']);

/**
 * Search a custom resource for `template: {spec: {containers: [...]}}` (Argo Rollouts, Knative,
 * OpenKruise, ...), breadth first, at most 6 levels down. Runs for every custom resource of the
 * input: the queue is walked by index and paths are built only for the hit.
 */
function findTemplate(obj: JsonObject): { spec: FieldPath; meta: FieldPath } | null {
  const values: JsonObject[] = [obj];
  const parents: number[] = [-1];
  const keys: string[] = [''];
  const depths: number[] = [0];
  for (let q = 0; q < values.length; q++) {
    if (depths[q] > 6) continue;
    const v = values[q];
    for (const k of Object.keys(v)) {
      if (k === 'status' || k === 'metadata') continue;
      const child = v[k];
      if (!isObject(child)) continue;
      if (TEMPLATE_KEYS.has(k) && looksLikePodSpec(child.spec)) {
        const path: FieldPath = [];
        for (let at = q; at > 0; at = parents[at]) path.unshift(keys[at]);
        return { spec: [...path, k, 'spec'], meta: [...path, k, 'metadata'] };
      }
      values.push(child);
      parents.push(q);
      keys.push(k);
      depths.push(depths[q] + 1);
    }
  }
  return null;
}

/** At most this many pod templates of one custom resource are audited (the first one and the others). */
const MAX_TEMPLATES = 16;

/**
 * Every pod template of a custom resource, arrays included (KubeRay's `workerGroupSpecs[]`, an
 * MPIJob's `mpiReplicaSpecs.Launcher` and `.Worker`), breadth first, at most 8 levels down. A template
 * is not searched inside (a pod spec holds no other pod template).
 */
function findAllTemplates(obj: JsonObject): { spec: FieldPath; meta: FieldPath }[] {
  const out: { spec: FieldPath; meta: FieldPath }[] = [];
  const queue: { v: unknown; path: FieldPath }[] = [{ v: obj, path: [] }];
  for (let q = 0; q < queue.length && out.length < MAX_TEMPLATES; q++) {
    const { v, path } = queue[q];
    if (path.length > 8) continue;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        if (isObject(x) || Array.isArray(x)) queue.push({ v: x, path: [...path, i] });
      });
      continue;
    }
    if (!isObject(v)) continue;
    for (const k of Object.keys(v)) {
      if (k === 'status' || k === 'metadata') continue;
      const child = v[k];
      if (TEMPLATE_KEYS.has(k) && isObject(child) && looksLikePodSpec(child.spec)) {
        out.push({ spec: [...path, k, 'spec'], meta: [...path, k, 'metadata'] });
      } else if (isObject(child) || Array.isArray(child)) queue.push({ v: child, path: [...path, k] });
    }
  }
  return out;
}

const samePath = (a: FieldPath, b: FieldPath) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The other pod templates of a custom resource workload, as workloads of their own (same resource,
 * same class): a RayCluster's worker groups beside its head, an MPIJob's workers beside its launcher.
 * `w` itself (the template toWorkload found) is not among them. Empty for built-in kinds.
 */
export function otherTemplates(w: Workload): Workload[] {
  if (isBuiltin(w.resource) || w.templateOf) return [];
  const out: Workload[] = [];
  for (const t of findAllTemplates(w.resource.object)) {
    if (samePath(t.spec, w.podSpecPath)) continue;
    const x = build(w.resource, t.spec, t.meta, customReplicas(w.resource.object, t.spec), w.class);
    x.templateOf = w;
    out.push(x);
  }
  return out;
}

/** Custom resources that scale usually say so with `replicas` next to the template. */
function customReplicas(obj: JsonObject, specPath: FieldPath): FieldPath | null {
  const parent = specPath.slice(0, -2);
  // A LeaderWorkerSet's spec.replicas counts groups: one leader pod each, and size - 1 workers.
  if (parent.length === 2 && parent[0] === 'spec' && parent[1] === 'leaderWorkerTemplate') return ['spec', 'replicas'];
  return typeof get(obj, [...parent, 'replicas']) === 'number' || parent.length === 1 ? [...parent, 'replicas'] : null;
}

/**
 * Custom resources that run to completion (KEDA ScaledJob, Kubeflow TFJob/PyTorchJob/MPIJob, Volcano
 * Job, ...): judged like Jobs, not like long-running services. Recognised by a kind ending in "Job"
 * or a template reached through a job template field.
 */
function customClass(kind: string, specPath: FieldPath): WorkloadClass {
  if (/Job$/.test(kind)) return 'batch';
  if (specPath.some((p) => p === 'jobTargetRef' || p === 'jobTemplate')) return 'batch';
  return 'service';
}

function podClass(resource: Resource, spec: JsonObject): WorkloadClass {
  const policy = getString(spec, ['restartPolicy']);
  return policy === 'Never' || policy === 'OnFailure' ? 'batch' : 'pod';
}

/** Build the workload view of a resource, or null when it has no pod template. */
export function toWorkload(resource: Resource): Workload | null {
  if (NOT_WORKLOADS.has(resource.kind)) return null;
  const obj = resource.object;
  let specPath: FieldPath;
  let metaPath: FieldPath;
  let replicasPath: FieldPath | null = null;
  let cls: WorkloadClass;
  const known = isBuiltin(resource) ? KNOWN[resource.kind] : undefined;
  if (known) {
    specPath = known.spec;
    metaPath = known.meta;
    replicasPath = known.replicas;
    cls = known.class;
    if (!looksLikePodSpec(get(obj, specPath)) || fragmentReason(resource) !== null) return null;
  } else {
    if (coreKindWithoutTemplate(resource.kind, resource.apiVersion) || undottedGroup(resource.apiVersion)) return null;
    // ECK's Elasticsearch keeps its templates only in a list (spec.nodeSets[].podTemplate): the first one.
    const found = findTemplate(obj) ?? (listTemplates(obj) ? findAllTemplates(obj)[0] : undefined);
    if (!found) return null;
    specPath = found.spec;
    metaPath = found.meta;
    replicasPath = customReplicas(obj, specPath);
    cls = customClass(resource.kind, specPath);
  }
  const w = build(resource, specPath, metaPath, replicasPath, cls);
  if (resource.kind === 'Pod' && known) w.class = podClass(resource, w.podSpec);
  return w;
}

function build(resource: Resource, specPath: FieldPath, metaPath: FieldPath, replicasPath: FieldPath | null, cls: WorkloadClass): Workload {
  const obj = resource.object;
  const podSpec = get(obj, specPath) as JsonObject;
  const meta = get(obj, metaPath);
  const containers: ContainerRef[] = [];
  const podLabels = stringMap(get(meta, ['labels']));
  const podAnnotations = stringMap(get(meta, ['annotations']));
  const add = (list: unknown, key: string, type: (c: JsonObject) => ContainerRef['type']) => {
    if (!Array.isArray(list)) return;
    list.forEach((c, i) => {
      if (!isObject(c)) return;
      const t = type(c);
      const name = typeof c.name === 'string' ? c.name : `#${i}`;
      const ref: ContainerRef = { name, type: t, spec: c, path: [...specPath, key, i], longRunning: t !== 'init' };
      if (c.image === 'auto' && (name === 'istio-proxy' || istioInjected(podLabels, podAnnotations))) ref.injectedBy = 'Istio sidecar injection (image: auto)';
      containers.push(ref);
    });
  };
  add(podSpec.initContainers, 'initContainers', (c) => (c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
  add(podSpec.containers, 'containers', () => 'container');
  const probes = probesInjectedBy(resource, specPath);
  if (probes) {
    const ray = containers.find((c) => c.type === 'container');
    if (ray) ray.probesBy = probes;
  }
  const r = replicasPath ? get(obj, replicasPath) : undefined;
  const w: Workload = {
    resource,
    class: cls,
    podSpecPath: specPath,
    podSpec,
    podMetaPath: metaPath,
    podLabels,
    podAnnotations,
    containers,
    replicasPath,
    replicas: typeof r === 'number' ? r : null,
  };
  if (!isBuiltin(resource)) applyOperatorDefaults(w);
  return w;
}

/** `container "app"`, `init container "setup"` or `sidecar container "proxy"`: how messages name a container. */
export function containerLabel(c: ContainerRef): string {
  const kind = c.type === 'init' ? 'init container' : c.type === 'sidecar' ? 'sidecar container' : 'container';
  return `${kind} "${c.name}"`;
}

/**
 * Could this decoded document be a workload (built-in kind or a custom resource with a pod
 * template)? Cheap enough to call on every document while loading.
 */
export function mayBeWorkload(root: unknown): boolean {
  if (!isObject(root) || typeof root.kind !== 'string') return false;
  if (NOT_WORKLOADS.has(root.kind)) return false;
  if (Object.hasOwn(KNOWN, root.kind)) return true;
  if (coreKindWithoutTemplate(root.kind, root.apiVersion) || undottedGroup(root.apiVersion)) return false;
  return findTemplate(root) !== null || (listTemplates(root) && findAllTemplates(root).length > 0);
}

/** Custom resources known to keep their pod templates only in a list: ECK's Elasticsearch (nodeSets). */
function listTemplates(root: JsonObject): boolean {
  return root.kind === 'Elasticsearch' && typeof root.apiVersion === 'string' && root.apiVersion.startsWith('elasticsearch.k8s.elastic.co/');
}

/**
 * KubeRay (RayCluster, RayService, RayJob of ray.io) builds every head and worker pod with liveness and
 * readiness probes on the Ray container, the first of the template, when the template gives none
 * (ray-operator/controllers/ray/common/pod.go: BuildPod -> initLivenessAndReadinessProbe, on unless the
 * operator runs with ENABLE_PROBES_INJECTION=false).
 */
function probesInjectedBy(resource: Resource, specPath: FieldPath): string | undefined {
  if (!/^ray\.io\//.test(resource.apiVersion)) return undefined;
  if (!specPath.some((p) => p === 'headGroupSpec' || p === 'workerGroupSpecs')) return undefined;
  return 'KubeRay adds liveness and readiness probes to the Ray container (ENABLE_PROBES_INJECTION, on by default)';
}

/**
 * The pod template asks for Istio's injection: `sidecar.istio.io/inject: "true"` (label or annotation)
 * or an `inject.istio.io/templates` annotation (the gateway template). Namespace-wide injection
 * (`istio-injection=enabled` on the Namespace) is not visible here, hence also the container name.
 */
function istioInjected(labels: Record<string, string>, annotations: Record<string, string>): boolean {
  return labels['sidecar.istio.io/inject'] === 'true' || annotations['sidecar.istio.io/inject'] === 'true' || Object.hasOwn(annotations, 'inject.istio.io/templates');
}
