/**
 * Live clusters as a source: list what the checks need from one or several kubeconfig contexts,
 * read-only (GET only: discovery, then paginated lists), and turn every object into a Resource.
 *
 * - Each object's origin file is `<context>/<namespace>/<Kind>/<name>` (cluster-scoped kinds:
 *   `<context>/<Kind>/<name>`); its `locate()` returns null: a live object has no line numbers, the
 *   finding's field path says where.
 * - Lists are paginated (`limit`, `continue`); a 410 Gone (the continue token expired) restarts that
 *   list from the start. metadata.managedFields, the last-applied-configuration annotation and
 *   node status.images are dropped; kinds no check reads in full (the load plan) are listed as
 *   metadata only (PartialObjectMetadataList). Secrets are ALWAYS listed as metadata only, so
 *   their data is never requested.
 * - A forbidden list (403) is recorded as a skipped kind with the server's reason and the scan goes
 *   on; an unreachable or slow cluster is recorded with its error and the other contexts go on.
 */
import type { JsonObject, Origin, Resource } from '../model/types.js';
import { get, isObject } from '../model/util.js';
import { slimMetadata } from './resources.js';
import { KubeApiError, KubeClient } from './kube-client.js';
import { readKubeconfig, selectContexts, type ContextConfig, type KubeconfigSource } from './kubeconfig.js';
import { parseLabelSelector, selectorQuery } from '../model/label-selector.js';

/** What kubeready lists, and how. */
export interface KindSpec {
  kind: string;
  /** API group ('' for the core group). */
  group: string;
  /** Versions to try, preferred first. */
  versions: string[];
  /** Resource name (plural) in the URL. */
  resource: string;
  namespaced: boolean;
  /** Workload kinds: -l filters them on the server. */
  workload?: boolean;
  /** Never list whole (Secrets): metadata only, whatever the load plan says. */
  metadataOnly?: boolean;
  /** Always list whole (Events, Nodes: runtime evidence). */
  alwaysWhole?: boolean;
  /** A custom resource: listed only when discovery finds its group and kind. */
  optional?: boolean;
}

const core = (kind: string, resource: string, namespaced: boolean, extra: Partial<KindSpec> = {}): KindSpec => ({ kind, group: '', versions: ['v1'], resource, namespaced, ...extra });
const g = (group: string, versions: string[], kind: string, resource: string, namespaced: boolean, extra: Partial<KindSpec> = {}): KindSpec => ({ kind, group, versions, resource, namespaced, ...extra });

/**
 * Every kind kubeready may list. deploy/rbac.yaml grants exactly these (Secrets excepted: see the
 * README); a test keeps the two in step.
 */
export const CLUSTER_KINDS: readonly KindSpec[] = [
  core('Namespace', 'namespaces', false),
  core('Node', 'nodes', false, { alwaysWhole: true }),
  core('PersistentVolume', 'persistentvolumes', false),
  g('storage.k8s.io', ['v1'], 'StorageClass', 'storageclasses', false),
  g('node.k8s.io', ['v1', 'v1beta1'], 'RuntimeClass', 'runtimeclasses', false),
  g('networking.k8s.io', ['v1'], 'IngressClass', 'ingressclasses', false),
  g('admissionregistration.k8s.io', ['v1'], 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  g('admissionregistration.k8s.io', ['v1'], 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  g('rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false),
  g('rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false),
  g('apps', ['v1'], 'Deployment', 'deployments', true, { workload: true }),
  g('apps', ['v1'], 'StatefulSet', 'statefulsets', true, { workload: true }),
  g('apps', ['v1'], 'DaemonSet', 'daemonsets', true, { workload: true }),
  g('apps', ['v1'], 'ReplicaSet', 'replicasets', true, { workload: true }),
  core('ReplicationController', 'replicationcontrollers', true, { workload: true }),
  g('batch', ['v1', 'v1beta1'], 'CronJob', 'cronjobs', true, { workload: true }),
  g('batch', ['v1'], 'Job', 'jobs', true, { workload: true }),
  core('Pod', 'pods', true, { workload: true }),
  core('Service', 'services', true),
  g('discovery.k8s.io', ['v1', 'v1beta1'], 'EndpointSlice', 'endpointslices', true),
  g('networking.k8s.io', ['v1'], 'Ingress', 'ingresses', true),
  g('networking.k8s.io', ['v1'], 'NetworkPolicy', 'networkpolicies', true),
  g('policy', ['v1', 'v1beta1'], 'PodDisruptionBudget', 'poddisruptionbudgets', true),
  g('autoscaling', ['v2', 'v2beta2', 'v1'], 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true),
  g('rbac.authorization.k8s.io', ['v1'], 'Role', 'roles', true),
  g('rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings', true),
  core('ServiceAccount', 'serviceaccounts', true),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true),
  core('LimitRange', 'limitranges', true),
  core('ResourceQuota', 'resourcequotas', true),
  core('ConfigMap', 'configmaps', true),
  core('Secret', 'secrets', true, { metadataOnly: true }),
  core('Event', 'events', true, { alwaysWhole: true }),
  // Custom resources that checks read, when their CRDs are installed.
  g('monitoring.coreos.com', ['v1'], 'ServiceMonitor', 'servicemonitors', true, { optional: true }),
  g('monitoring.coreos.com', ['v1'], 'PodMonitor', 'podmonitors', true, { optional: true }),
  g('monitoring.coreos.com', ['v1'], 'PrometheusRule', 'prometheusrules', true, { optional: true }),
  g('monitoring.googleapis.com', ['v1'], 'PodMonitoring', 'podmonitorings', true, { optional: true }),
  g('monitoring.googleapis.com', ['v1'], 'ClusterPodMonitoring', 'clusterpodmonitorings', false, { optional: true }),
  g('monitoring.googleapis.com', ['v1'], 'Rules', 'rules', true, { optional: true }),
  g('monitoring.googleapis.com', ['v1'], 'ClusterRules', 'clusterrules', false, { optional: true }),
  g('monitoring.googleapis.com', ['v1'], 'GlobalRules', 'globalrules', false, { optional: true }),
  g('operator.victoriametrics.com', ['v1beta1'], 'VMServiceScrape', 'vmservicescrapes', true, { optional: true }),
  g('operator.victoriametrics.com', ['v1beta1'], 'VMPodScrape', 'vmpodscrapes', true, { optional: true }),
  g('operator.victoriametrics.com', ['v1beta1'], 'VMRule', 'vmrules', true, { optional: true }),
  g('keda.sh', ['v1alpha1'], 'ScaledObject', 'scaledobjects', true, { optional: true }),
  g('autoscaling.k8s.io', ['v1'], 'VerticalPodAutoscaler', 'verticalpodautoscalers', true, { optional: true }),
  g('cert-manager.io', ['v1'], 'Certificate', 'certificates', true, { optional: true }),
  g('external-secrets.io', ['v1', 'v1beta1'], 'ExternalSecret', 'externalsecrets', true, { optional: true }),
  g('bitnami.com', ['v1alpha1'], 'SealedSecret', 'sealedsecrets', true, { optional: true, metadataOnly: true }),
  g('secrets-store.csi.x-k8s.io', ['v1'], 'SecretProviderClass', 'secretproviderclasses', true, { optional: true }),
  g('gateway.networking.k8s.io', ['v1', 'v1beta1'], 'HTTPRoute', 'httproutes', true, { optional: true }),
  g('gateway.networking.k8s.io', ['v1', 'v1alpha2'], 'GRPCRoute', 'grpcroutes', true, { optional: true }),
  g('gateway.networking.k8s.io', ['v1alpha2'], 'TLSRoute', 'tlsroutes', true, { optional: true }),
  g('gateway.networking.k8s.io', ['v1alpha2'], 'TCPRoute', 'tcproutes', true, { optional: true }),
  g('gateway.networking.k8s.io', ['v1alpha2'], 'UDPRoute', 'udproutes', true, { optional: true }),
  g('gateway.networking.k8s.io', ['v1beta1', 'v1'], 'ReferenceGrant', 'referencegrants', true, { optional: true }),
];

export const DEFAULT_PAGE_SIZE = 500;
const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface SkippedKind {
  kind: string;
  apiVersion: string | null;
  /** Namespace whose list was skipped; null for all namespaces or a cluster-scoped kind. */
  namespace: string | null;
  /** HTTP status, or null when the server did not answer. */
  status: number | null;
  reason: string;
  /**
   * A list deploy/rbac.yaml leaves out by design (Secrets: RBAC cannot grant a metadata-only list,
   * and `list secrets` would also allow reading their data). Reported, but it does not make the
   * audit incomplete: findings that rest on a Secret's absence stay unknown instead.
   */
  expected: boolean;
}

/** Kinds whose forbidden list is expected with deploy/rbac.yaml (see SkippedKind.expected). */
export const EXPECTED_FORBIDDEN = ['Secret'];

export type ContextStatus = 'ok' | 'incomplete' | 'unreachable';

/** One context's scan: its objects and what could not be read. */
export interface ContextLoad {
  context: string;
  /** Cluster name in the kubeconfig. */
  cluster: string;
  server: string;
  /** gitVersion from /version; null when unknown. */
  serverVersion: string | null;
  /** Namespaces listed; null for all (-A). */
  namespaces: string[] | null;
  /** -l as given; null without one. */
  selector: string | null;
  /** ok: everything listed; incomplete: some kinds skipped or an error mid-scan; unreachable: nothing listed. */
  status: ContextStatus;
  /** Every object listed (Events and Nodes included), cluster-scoped kinds first, then by namespace and kind. */
  resources: Resource[];
  /** The Events among `resources`. */
  events: Resource[];
  skipped: SkippedKind[];
  /** Errors that stopped the scan of this context (unreachable, timed out, connection lost). */
  errors: string[];
  /** Things worth saying that do not make the audit incomplete (a namespace that does not exist). */
  warnings: string[];
  /** Kinds listed, with their apiVersion and object count. */
  listed: { kind: string; apiVersion: string; objects: number }[];
  requests: number;
  durationMs: number;
  /**
   * The API server's time when the scan started (the Date header of its /version answer, else of the
   * last answer), what "how long" in messages is measured up to: taken before any object was read, a
   * duration can only come out short, never long. Null when no answer carried one (then the newest
   * timestamp in the objects is used).
   */
  observedAt: number | null;
  /** The client, still usable for further GETs (logs, single objects) until close() is called. */
  client: KubeClient | null;
}

export interface ClusterLoad {
  contexts: ContextLoad[];
  /** Kubeconfig files read (empty for the in-cluster config). */
  kubeconfigFiles: string[];
}

export interface ClusterProgress {
  context: string;
  /** Kind being listed, or null when the context is done. */
  kind: string | null;
  kindsDone: number;
  kindsTotal: number;
  objects: number;
}

export interface ClusterOptions extends KubeconfigSource {
  /** --context names; default: the current context. */
  contexts?: string[];
  /** --all-contexts */
  allContexts?: boolean;
  /** -n: one namespace (default: the context's namespace, else "default"). */
  namespace?: string;
  /** -A */
  allNamespaces?: boolean;
  /** Namespaces listed besides the first (-n, else the context's); the first stays namespaces[0]. */
  alsoNamespaces?: string[];
  /** -l: label selector for the workload kinds. */
  selector?: string;
  /** Only these kinds (default: all of CLUSTER_KINDS that the server serves). */
  kinds?: string[];
  /** The load plan: which objects to keep whole; the others are listed as metadata only. Default: all whole. */
  keepWhole?: (obj: JsonObject) => boolean;
  /** Objects per page (limit). Default 500. */
  pageSize?: number;
  /** Per request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Per context, for the whole scan. Default 300 s; 0: none. */
  contextTimeoutMs?: number;
  /** List calls in flight per context. Default 4. */
  concurrency?: number;
  /** Contexts scanned at once. Default 4. */
  contextConcurrency?: number;
  /** Called as lists start and end. */
  progress?: (p: ClusterProgress) => void;
  signal?: AbortSignal;
  userAgent?: string;
  /** Keep the clients open (ContextLoad.client) for further requests; the caller closes them. Default false. */
  keepClients?: boolean;
}

/** Run tasks with at most `limit` at once; results in task order. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return out;
}

function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function listPath(spec: KindSpec, version: string, namespace: string | null): string {
  const base = spec.group ? `/apis/${spec.group}/${version}` : `/api/${version}`;
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${spec.resource}` : `${base}/${spec.resource}`;
}

const NO_POSITION: Origin['locate'] = () => null;

/** `<context>/<namespace>/<Kind>/<name>`, or `<context>/<Kind>/<name>` for cluster-scoped objects. */
export function clusterFile(context: string, kind: string, namespace: string | undefined, name: string): string {
  return namespace ? `${context}/${namespace}/${kind}/${name}` : `${context}/${kind}/${name}`;
}

/** The kinds this scan listed without an error or a skip (their absence in the input is a fact). */
export function listedKinds(load: ContextLoad): Set<string> {
  // A label selector filters the lists: what is absent may just not match it.
  if (load.selector) return new Set();
  const skipped = new Set(load.skipped.map((s) => s.kind));
  return new Set(load.listed.map((l) => l.kind).filter((k) => !skipped.has(k)));
}

/**
 * The pods of every namespace that hold node resources (not Succeeded or Failed), for what each node
 * has left unrequested when the scan covered one namespace. Null when they cannot be listed (a
 * namespace-scoped user) or the scan kept no client.
 */
export async function listNodePods(load: ContextLoad): Promise<Resource[] | null> {
  if (!load.client) return null;
  try {
    const { items } = await listAll(load.client, '/api/v1/pods', { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }, (item) =>
      clusterResource(item, 'v1', 'Pod', load.context, true),
    );
    return items;
  } catch {
    return null;
  }
}

/** Turn one listed item into a Resource: kind and apiVersion set, heavy fields dropped, slimmed unless kept whole. */
export function clusterResource(item: JsonObject, apiVersion: string, kind: string, context: string, whole: boolean): Resource {
  const meta = isObject(item.metadata) ? item.metadata : {};
  delete meta.managedFields;
  if (isObject(meta.annotations) && meta.annotations[LAST_APPLIED] !== undefined) {
    // It repeats the whole object, and for a Secret applied with kubectl it holds the data.
    const { [LAST_APPLIED]: _drop, ...rest } = meta.annotations;
    meta.annotations = rest;
  }
  let obj: JsonObject;
  if (whole) {
    obj = { apiVersion, kind };
    for (const [k, v] of Object.entries(item)) if (k !== 'apiVersion' && k !== 'kind') obj[k] = v;
    if (kind === 'Node' && isObject(obj.status)) delete obj.status.images;
  } else {
    obj = { apiVersion, kind, metadata: slimMetadata(meta) };
  }
  const name = typeof meta.name === 'string' ? meta.name : '(unnamed)';
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : undefined;
  return { apiVersion, kind, name, namespace, object: obj, origin: { file: clusterFile(context, kind, namespace, name), doc: 0, locate: NO_POSITION } };
}

export interface ListOptions {
  pageSize?: number;
  labelSelector?: string;
  /** Metadata only (PartialObjectMetadataList). */
  metadataOnly?: boolean;
  /** Start from this continue token instead of the beginning (tests). */
  continueToken?: string;
  /** Called after each page (awaited): its item count, the next continue token, restarts so far. */
  onPage?: (info: { items: number; continue: string | null; restarted: number }) => void | Promise<void>;
  /** Restarts after a 410 Gone before giving up. Default 3. */
  maxRestarts?: number;
  /** fieldSelector of the list (pods: spec.nodeName, status.phase). */
  fieldSelector?: string;
}

/**
 * List one kind (in one namespace, or all) page by page. A 410 Gone (the continue token expired,
 * typically when a list takes longer than the etcd compaction interval) restarts the list from the
 * beginning, dropping the items collected so far, at most `maxRestarts` times.
 * `convert` runs on each page's items so only converted objects stay in memory.
 */
export async function listAll<T = JsonObject>(
  client: KubeClient,
  path: string,
  opts: ListOptions = {},
  convert: (item: JsonObject) => T = (x) => x as T,
): Promise<{ items: T[]; restarts: number; pages: number }> {
  const limit = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxRestarts = opts.maxRestarts ?? 3;
  let items: T[] = [];
  let cont: string | undefined = opts.continueToken;
  let restarts = 0;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams();
    if (limit > 0) q.set('limit', String(limit));
    if (cont) q.set('continue', cont);
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    let page: JsonObject;
    try {
      page = await client.getJson<JsonObject>(`${path}?${q}`, opts.metadataOnly ? METADATA_ACCEPT : 'application/json');
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 410 && restarts < maxRestarts) {
        restarts++;
        items = [];
        cont = undefined;
        continue;
      }
      throw e;
    }
    if (opts.metadataOnly && page.kind !== 'PartialObjectMetadataList') {
      // Never keep what a server that ignored the metadata-only request sent (a Secret's data).
      throw new KubeApiError(`${path}: the server does not support metadata-only lists (PartialObjectMetadataList)`, 'http', 406, 'NotAcceptable');
    }
    pages++;
    const list = Array.isArray(page.items) ? page.items : [];
    for (const it of list) if (isObject(it)) items.push(convert(it));
    const meta = isObject(page.metadata) ? page.metadata : {};
    cont = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
    await opts.onPage?.({ items: list.length, continue: cont ?? null, restarted: restarts });
    if (!cont) break;
  }
  return { items, restarts, pages };
}

interface Discovered {
  spec: KindSpec;
  versions: string[];
  /** From discovery of an optional group: resource name and scope as the server says. */
  resource?: string;
  namespaced?: boolean;
}

/** Which kinds the server serves, with candidate versions. Built-in kinds are assumed when /apis cannot be read. */
async function discover(client: KubeClient, specs: readonly KindSpec[], warnings: string[]): Promise<Discovered[]> {
  let groups: Map<string, { versions: string[]; preferred: string }> | null = null;
  try {
    const list = await client.getJson<{ groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[] }>('/apis');
    groups = new Map();
    for (const gr of list.groups ?? []) groups.set(gr.name, { versions: (gr.versions ?? []).map((v) => v.version), preferred: gr.preferredVersion?.version ?? gr.versions?.[0]?.version ?? '' });
  } catch (e) {
    if (e instanceof KubeApiError && e.unreachable) throw e;
    warnings.push(`API discovery (/apis) failed (${(e as Error).message}): custom resources are not listed`);
  }
  const out: Discovered[] = [];
  const resourceLists = new Map<string, Promise<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }[] | null>>();
  const resourcesOf = (gv: string) => {
    let p = resourceLists.get(gv);
    if (!p) {
      p = client
        .getJson<{ resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }>(`/apis/${gv}`)
        .then((r) => r.resources ?? [])
        .catch((e) => {
          if (e instanceof KubeApiError && e.unreachable) throw e;
          return null;
        });
      resourceLists.set(gv, p);
    }
    return p;
  };
  for (const spec of specs) {
    if (spec.group === '') {
      out.push({ spec, versions: spec.versions });
      continue;
    }
    const gr = groups?.get(spec.group);
    if (!spec.optional) {
      if (!groups) out.push({ spec, versions: spec.versions });
      else if (gr) {
        const versions = spec.versions.filter((v) => gr.versions.includes(v));
        if (versions.length) out.push({ spec, versions });
      }
      continue;
    }
    if (!gr) continue;
    // A custom resource: find the kind in the group's versions, preferred first.
    const order = [...new Set([gr.preferred, ...spec.versions.filter((v) => gr.versions.includes(v)), ...gr.versions])].filter(Boolean);
    for (const v of order) {
      const res = await resourcesOf(`${spec.group}/${v}`);
      const r = res?.find((x) => x.kind === spec.kind && !x.name.includes('/') && (!x.verbs || x.verbs.includes('list')));
      if (r) {
        out.push({ spec, versions: [v], resource: r.name, namespaced: r.namespaced });
        break;
      }
    }
  }
  return out;
}

function sortResources(resources: Resource[]): Resource[] {
  const order = new Map(CLUSTER_KINDS.map((k, i) => [k.kind, i]));
  return resources.sort((a, b) => {
    const an = a.namespace ?? '';
    const bn = b.namespace ?? '';
    if (an !== bn) return an < bn ? -1 : 1;
    const ak = order.get(a.kind) ?? 999;
    const bk = order.get(b.kind) ?? 999;
    if (ak !== bk) return ak - bk;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/** Why a context's scan stopped early; every list not done by then is skipped with this reason. */
class ContextStop extends Error {}

/** Scan one context. Never throws for cluster problems: they are in the result. */
export async function loadContext(cfg: ContextConfig, opts: ClusterOptions = {}): Promise<ContextLoad> {
  const started = Date.now();
  const load: ContextLoad = {
    context: cfg.name,
    cluster: cfg.cluster,
    server: cfg.server,
    serverVersion: null,
    namespaces: opts.allNamespaces ? null : [...new Set([opts.namespace ?? cfg.namespace ?? 'default', ...(opts.alsoNamespaces ?? [])])],
    selector: opts.selector ?? null,
    status: 'ok',
    resources: [],
    events: [],
    skipped: [],
    errors: [],
    warnings: [],
    listed: [],
    requests: 0,
    durationMs: 0,
    observedAt: null,
    client: null,
  };
  const done = () => {
    load.durationMs = Date.now() - started;
    if (load.observedAt === null) load.observedAt = load.client?.serverNow() ?? null;
    if (load.client) load.requests = load.client.requests;
    if (!opts.keepClients) {
      load.client?.close();
      load.client = null;
    }
    opts.progress?.({ context: cfg.name, kind: null, kindsDone: 0, kindsTotal: 0, objects: load.resources.length });
    return load;
  };
  if (cfg.unsupported) {
    load.status = 'unreachable';
    load.errors.push(cfg.unsupported);
    return done();
  }
  if (opts.selector) parseLabelSelector(opts.selector);
  const ac = new AbortController();
  const stop = { reason: null as string | null };
  const abort = (why: string) => {
    if (stop.reason === null) stop.reason = why;
    ac.abort();
  };
  const onOuter = () => abort('aborted');
  opts.signal?.addEventListener('abort', onOuter, { once: true });
  const ctxTimeout = opts.contextTimeoutMs ?? 300_000;
  const timer = ctxTimeout > 0 ? setTimeout(() => abort(`the scan did not finish within ${ctxTimeout / 1000} s (--cluster-timeout)`), ctxTimeout) : undefined;
  const concurrency = opts.concurrency ?? 4;
  const client = new KubeClient(cfg, { requestTimeoutMs: opts.requestTimeoutMs, maxSockets: concurrency, signal: ac.signal, userAgent: opts.userAgent, env: opts.env });
  load.client = client;
  const failure = (e: unknown): string => (stop.reason !== null && e instanceof KubeApiError && e.kind === 'aborted' ? stop.reason : (e as Error).message);
  try {
    try {
      const v = await client.getJson<{ gitVersion?: string }>('/version');
      load.serverVersion = typeof v.gitVersion === 'string' ? v.gitVersion : null;
      load.observedAt = client.serverNow() ?? null;
    } catch (e) {
      const err = e as KubeApiError;
      // /version is public (system:public-info-viewer); a 403 there still lets lists be tried.
      if (!(err instanceof KubeApiError) || err.status !== 403) {
        load.status = 'unreachable';
        load.errors.push(`cannot reach the API server ${cfg.server}: ${failure(e)}`);
        return done();
      }
    }
    const wanted = CLUSTER_KINDS.filter((k) => !opts.kinds || opts.kinds.includes(k.kind));
    let kinds: Discovered[];
    try {
      kinds = await discover(client, wanted, load.warnings);
    } catch (e) {
      load.status = 'unreachable';
      load.errors.push(`API discovery failed: ${failure(e)}`);
      return done();
    }
    const namespaces = load.namespaces;
    const tasks: { d: Discovered; namespace: string | null }[] = [];
    for (const d of kinds) {
      const namespaced = d.namespaced ?? d.spec.namespaced;
      if (!namespaced || namespaces === null) tasks.push({ d, namespace: null });
      else for (const ns of namespaces) tasks.push({ d, namespace: ns });
    }
    let kindsDone = 0;
    let listedObjects = 0;
    const results: Resource[][] = await pool(
      concurrency,
      tasks.map(({ d, namespace }) => async () => {
        const spec = d.spec;
        const namespaced = d.namespaced ?? spec.namespaced;
        const skip = (status: number | null, reason: string, apiVersion: string | null) =>
          load.skipped.push({ kind: spec.kind, apiVersion, namespace: namespaced ? namespace : null, status, reason, expected: status === 403 && EXPECTED_FORBIDDEN.includes(spec.kind) });
        if (stop.reason !== null) {
          skip(null, `not listed: ${stop.reason}`, null);
          return [];
        }
        const report = () => opts.progress?.({ context: cfg.name, kind: spec.kind, kindsDone, kindsTotal: tasks.length, objects: listedObjects });
        report();
        const whole = !spec.metadataOnly && (spec.alwaysWhole || !opts.keepWhole || opts.keepWhole({ apiVersion: apiVersionOf(spec.group, d.versions[0]), kind: spec.kind, metadata: {} }));
        const selector = spec.workload && opts.selector ? opts.selector : undefined;
        let lastError: KubeApiError | null = null;
        try {
          for (const version of d.versions) {
            const apiVersion = apiVersionOf(spec.group, version);
            const path = d.resource ? `/apis/${spec.group}/${version}/${namespace ? `namespaces/${encodeURIComponent(namespace)}/` : ''}${d.resource}` : listPath(spec, version, namespace);
            try {
              const onPage = (p: { items: number }) => {
                listedObjects += p.items;
                report();
              };
              const r = await listAll(client, path, { pageSize: opts.pageSize, labelSelector: selector, metadataOnly: !whole, onPage }, (item) =>
                clusterResource(item, apiVersion, spec.kind, cfg.name, whole),
              );
              const prev = load.listed.find((l) => l.kind === spec.kind);
              if (prev) prev.objects += r.items.length;
              else load.listed.push({ kind: spec.kind, apiVersion, objects: r.items.length });
              return r.items;
            } catch (e) {
              if (!(e instanceof KubeApiError)) throw e;
              lastError = e;
              // Not served in this version (an older server): try the next one.
              if (e.status === 404) continue;
              if (e.status === 406 && spec.metadataOnly) {
                skip(406, `${e.message}; Secrets are never read in full, so their existence is unknown`, apiVersion);
                return [];
              }
              if (e.status === 403) {
                skip(403, `forbidden: ${e.message}`, apiVersion);
                return [];
              }
              if (e.kind === 'aborted' || e.unreachable) {
                abort(e.kind === 'aborted' ? stop.reason ?? 'aborted' : `the API server stopped answering (${e.message})`);
                throw new ContextStop();
              }
              if (e.kind === 'credentials' || e.status === 401) {
                abort(e.message);
                throw new ContextStop();
              }
              skip(e.status, e.message, apiVersion);
              return [];
            }
          }
          // 404 in every version: the server does not serve this kind (nothing of it exists).
          if (lastError && lastError.status !== 404) skip(lastError.status, lastError.message, null);
          return [];
        } catch (e) {
          if (!(e instanceof ContextStop)) throw e;
          skip(null, `not listed: ${stop.reason}`, null);
          return [];
        } finally {
          kindsDone++;
        }
      }),
    );
    for (const r of results) for (const x of r) load.resources.push(x);
    // -l selected workloads by their own labels: their ReplicaSets and Pods (which the runtime checks
    // read) may not carry those labels. List them by each workload's own selector.
    if (opts.selector && stop.reason === null) {
      try {
        await addOwnedPods(load, client, cfg.name, (kind) => !opts.keepWhole || opts.keepWhole({ apiVersion: 'v1', kind, metadata: {} }), opts.pageSize);
      } catch (e) {
        if (!(e instanceof KubeApiError)) throw e;
        load.warnings.push(`the pods of the selected workloads could not all be listed: ${e.message}`);
      }
    }
    if (stop.reason !== null) load.errors.push(stop.reason);
    sortResources(load.resources);
    load.events = load.resources.filter((r) => r.kind === 'Event');
    // Listed and skipped kinds in catalog order (lists finish in any order; the report should not).
    const order = new Map(CLUSTER_KINDS.map((k, i) => [k.kind, i]));
    load.listed.sort((a, b) => (order.get(a.kind) ?? 999) - (order.get(b.kind) ?? 999));
    load.skipped.sort((a, b) => (order.get(a.kind) ?? 999) - (order.get(b.kind) ?? 999) || (a.namespace ?? '').localeCompare(b.namespace ?? ''));
    if (namespaces && load.listed.some((l) => l.kind === 'Namespace')) {
      const present = new Set(load.resources.filter((r) => r.kind === 'Namespace').map((r) => r.name));
      for (const ns of namespaces) if (!present.has(ns)) load.warnings.push(`namespace "${ns}" does not exist in this cluster`);
    }
    if (load.errors.length || load.skipped.some((s) => !s.expected)) load.status = load.listed.length === 0 && load.errors.length ? 'unreachable' : 'incomplete';
    return done();
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuter);
  }
}

/** Kinds whose pods (and, for Deployments, ReplicaSets) are listed by their own selector under -l. */
const POD_OWNERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

async function addOwnedPods(load: ContextLoad, client: KubeClient, context: string, whole: (kind: string) => boolean, pageSize: number | undefined): Promise<void> {
  const have = new Set(load.resources.map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}`));
  const queries = new Map<string, { namespace: string; selector: string; replicaSets: boolean }>();
  for (const r of load.resources) {
    if (!POD_OWNERS.has(r.kind) || !r.namespace) continue;
    const q = r.kind === 'ReplicationController' ? selectorQuery({ matchLabels: get(r.object, ['spec', 'selector']) }) : selectorQuery(get(r.object, ['spec', 'selector']));
    if (!q) continue;
    const key = `${r.namespace}\0${q}`;
    const prev = queries.get(key);
    queries.set(key, { namespace: r.namespace, selector: q, replicaSets: (prev?.replicaSets ?? false) || r.kind === 'Deployment' });
  }
  for (const { namespace, selector, replicaSets } of queries.values()) {
    const lists: [string, string, string][] = [['v1', 'Pod', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`]];
    if (replicaSets) lists.push(['apps/v1', 'ReplicaSet', `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets`]);
    for (const [apiVersion, kind, path] of lists) {
      const { items } = await listAll(client, path, { pageSize, labelSelector: selector }, (item) => clusterResource(item, apiVersion, kind, context, whole(kind)));
      for (const x of items) {
        const key = `${x.kind}/${x.namespace ?? ''}/${x.name}`;
        if (have.has(key)) continue;
        have.add(key);
        load.resources.push(x);
      }
    }
  }
}

/**
 * Read the kubeconfig, pick the contexts, and scan them (at most `contextConcurrency` at once).
 * Throws KubeconfigError or SelectorError for usage problems (no kubeconfig, an unknown context, a
 * bad selector); cluster problems (unreachable, forbidden) are in each ContextLoad.
 */
export async function loadCluster(opts: ClusterOptions = {}): Promise<ClusterLoad> {
  if (opts.selector) parseLabelSelector(opts.selector);
  const kc = readKubeconfig(opts);
  const contexts = selectContexts(kc, { contexts: opts.contexts, all: opts.allContexts }, opts);
  const loads = await pool(opts.contextConcurrency ?? 4, contexts.map((c) => () => loadContext(c, opts)));
  return { contexts: loads, kubeconfigFiles: kc.files };
}

/** The apiVersion and URL path kubeready lists a kind at, in its first version (for docs and RBAC). */
export function kindResource(kind: string): KindSpec | undefined {
  return CLUSTER_KINDS.find((k) => k.kind === kind);
}
