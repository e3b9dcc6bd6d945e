/**
 * What Elastic Cloud on Kubernetes (ECK 3.x) writes into the pods it builds from the pod template of an
 * Elasticsearch, Kibana, ApmServer, EnterpriseSearch, ElasticMapsServer, Logstash, Agent or Beat.
 * Read in elastic/cloud-on-k8s (pkg/controller/...): the builder (common/defaults/pod_template.go,
 * NewPodTemplateBuilder) finds the main container by name and fills only what the template leaves unset:
 * - automountServiceAccountToken: false when unset (setDefaults); Agent and Logstash set true instead;
 *   no kind sets serviceAccountName (the pods run as the namespace's "default");
 * - resources: the kind's defaults, only when the main container has neither requests nor limits
 *   (container/defaulter.go WithResources);
 * - a readiness probe when the main container has none (WithReadinessProbe), never a liveness probe;
 * - ports, unless one of the same name exists (WithPorts); the pod labels the kind's Services select;
 * - a container securityContext on every container that has none, and a pod securityContext when the
 *   template has none (WithContainersSecurityContext / WithPodSecurityContext), per kind and stack
 *   version, as the operator's default `--set-default-security-context=auto-detect` does outside
 *   OpenShift;
 * - Elasticsearch also: a preferred pod anti-affinity on the node's hostname when the template sets no
 *   affinity (nodespec/defaults.go DefaultAffinity), and init containers without resources get the main
 *   container's (WithInitContainerDefaults).
 * Replicas: `count` of the nodeSet (Elasticsearch) or of the spec; Agent and Beat Deployments default to 1.
 */
import type { FieldPath, Json, JsonObject, Workload } from './types.js';
import { get, getString, isObject } from './util.js';
import { replaceContainerSpec } from './container-spec.js';

interface EckKind {
  /** The main container's name (or, for Beat, where it comes from). */
  main: (w: Workload) => string;
  /** Resources when the main container has none. */
  resources?: (w: Workload) => JsonObject;
  readiness?: (w: Workload) => JsonObject;
  ports?: (w: Workload) => JsonObject[];
  labels: (w: Workload) => Record<string, string>;
  containerSecurity?: (w: Workload, version: number[] | null) => JsonObject | null;
  podSecurity?: (w: Workload, version: number[] | null) => JsonObject | null;
  automount: boolean;
  /** Where the replica count is; null: none (a DaemonSet's pods). */
  count: (w: Workload) => FieldPath | null;
  /** The count when unset (Agent and Beat: 1); undefined: no default (unset runs no pods: unknown). */
  defaultCount?: number;
}

/** Agent and Beat run spec.deployment, spec.statefulSet (Agent) or spec.daemonSet. */
function agentCount(w: Workload): FieldPath | null {
  const how = w.podSpecPath[1];
  return how === 'deployment' || how === 'statefulSet' ? ['spec', how, 'replicas'] : null;
}

const mem = (m: string, cpu?: string): JsonObject => {
  const q: JsonObject = cpu ? { memory: m, cpu } : { memory: m };
  return { requests: { ...q }, limits: { ...q } };
};

/** "https" unless spec.http.tls.selfSignedCertificate.disabled (commonv1.HTTPConfig.Protocol). */
function httpScheme(w: Workload): 'https' | 'http' {
  return get(w.resource.object, ['spec', 'http', 'tls', 'selfSignedCertificate', 'disabled']) === true ? 'http' : 'https';
}

function httpGetProbe(w: Workload, port: number, path: string, initialDelaySeconds: number): JsonObject {
  return {
    httpGet: { port, path, scheme: httpScheme(w).toUpperCase() },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 5,
    successThreshold: 1,
    failureThreshold: 3,
  };
}

function atLeast(v: number[] | null, major: number, minor: number): boolean {
  if (!v) return false;
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

/** The spec.version of the stack, as [major, minor], or null. */
function stackVersion(w: Workload): number[] | null {
  const s = getString(w.resource.object, ['spec', 'version']);
  const m = s ? /^v?(\d+)\.(\d+)/.exec(s) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** The nodeSet a template of an Elasticsearch belongs to: spec.nodeSets[i]. */
function nodeSetPath(w: Workload): FieldPath | null {
  const p = w.podSpecPath;
  return p.length === 5 && p[0] === 'spec' && p[1] === 'nodeSets' && typeof p[2] === 'number' && p[3] === 'podTemplate' ? p.slice(0, 3) : null;
}

/** Elasticsearch mounts its data volume (read-only root filesystem then) unless claim templates name other volumes only. */
function esDataMounted(w: Workload): boolean {
  const ns = nodeSetPath(w);
  const claims = ns ? get(w.resource.object, [...ns, 'volumeClaimTemplates']) : undefined;
  const named = (list: Json | undefined) => Array.isArray(list) && list.some((x) => isObject(x) && (get(x, ['metadata', 'name']) === 'elasticsearch-data' || x.name === 'elasticsearch-data'));
  return !Array.isArray(claims) || claims.length === 0 || named(claims) || named(w.podSpec.volumes);
}

const KINDS: Record<string, EckKind> = {
  'elasticsearch.k8s.elastic.co/Elasticsearch': {
    main: () => 'elasticsearch',
    resources: () => mem('2Gi'),
    // nodespec/readiness_probe.go: a script checking the readiness port (8.2+) or the HTTP port.
    readiness: () => ({
      exec: { command: ['bash', '-c', '/mnt/elastic-internal/scripts/readiness-port-script.sh'] },
      initialDelaySeconds: 10,
      periodSeconds: 5,
      timeoutSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
    }),
    ports: (w) => [
      { name: httpScheme(w), containerPort: 9200, protocol: 'TCP' },
      { name: 'transport', containerPort: 9300, protocol: 'TCP' },
    ],
    labels: (w) => {
      const ns = nodeSetPath(w);
      const set = ns ? getString(w.resource.object, [...ns, 'name']) : undefined;
      return {
        'common.k8s.elastic.co/type': 'elasticsearch',
        'elasticsearch.k8s.elastic.co/cluster-name': w.resource.name,
        ...(set ? { 'elasticsearch.k8s.elastic.co/statefulset-name': `${w.resource.name}-es-${set}` } : {}),
      };
    },
    // securitycontext/securitycontext.go For(): drop ALL from 8.0, runAsNonRoot from 8.8.
    containerSecurity: (w, v) => ({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: esDataMounted(w),
      ...(atLeast(v, 8, 0) ? { capabilities: { drop: ['ALL'] } } : {}),
      ...(atLeast(v, 8, 8) ? { runAsNonRoot: true } : {}),
    }),
    podSecurity: (_w, v) => (atLeast(v, 8, 0) ? { fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } } : null),
    automount: false,
    count: (w) => {
      const ns = nodeSetPath(w);
      return ns ? [...ns, 'count'] : null;
    },
  },
  'kibana.k8s.elastic.co/Kibana': {
    main: () => 'kibana',
    resources: () => mem('1Gi'),
    readiness: (w) => httpGetProbe(w, 5601, '/login', 10),
    ports: (w) => [{ name: httpScheme(w), containerPort: 5601, protocol: 'TCP' }],
    labels: (w) => ({ 'common.k8s.elastic.co/type': 'kibana', 'kibana.k8s.elastic.co/name': w.resource.name }),
    // kibana/securitycontext.go: from 7.10.
    containerSecurity: (_w, v) =>
      atLeast(v, 7, 10)
        ? { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsUser: 1000, runAsGroup: 1000 }
        : null,
    podSecurity: (_w, v) => (atLeast(v, 7, 10) ? { fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } } : null),
    automount: false,
    count: () => ['spec', 'count'],
  },
  'apm.k8s.elastic.co/ApmServer': {
    main: () => 'apm-server',
    resources: () => mem('512Mi'),
    readiness: (w) => httpGetProbe(w, 8200, '/', 10),
    ports: (w) => [{ name: httpScheme(w), containerPort: 8200, protocol: 'TCP' }],
    labels: (w) => ({ 'common.k8s.elastic.co/type': 'apm-server', 'apm.k8s.elastic.co/name': w.resource.name }),
    podSecurity: () => ({ seccompProfile: { type: 'RuntimeDefault' } }),
    automount: false,
    count: () => ['spec', 'count'],
  },
  'enterprisesearch.k8s.elastic.co/EnterpriseSearch': {
    main: () => 'enterprise-search',
    resources: () => mem('4Gi'),
    readiness: () => ({
      exec: { command: ['bash', '-c', '/mnt/elastic-internal/scripts/readiness-probe.sh'] },
      initialDelaySeconds: 60,
      periodSeconds: 10,
      timeoutSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
    }),
    ports: (w) => [{ name: httpScheme(w), containerPort: 3002, protocol: 'TCP' }],
    labels: (w) => ({ 'common.k8s.elastic.co/type': 'enterprise-search', 'enterprisesearch.k8s.elastic.co/name': w.resource.name }),
    automount: false,
    count: () => ['spec', 'count'],
  },
  'maps.k8s.elastic.co/ElasticMapsServer': {
    main: () => 'maps',
    resources: () => mem('200Mi'),
    readiness: (w) => httpGetProbe(w, 8080, '/status', 10),
    ports: (w) => [{ name: httpScheme(w), containerPort: 8080, protocol: 'TCP' }],
    labels: (w) => ({ 'common.k8s.elastic.co/type': 'maps', 'maps.k8s.elastic.co/name': w.resource.name }),
    podSecurity: () => ({ seccompProfile: { type: 'RuntimeDefault' } }),
    automount: false,
    count: () => ['spec', 'count'],
  },
  'logstash.k8s.elastic.co/Logstash': {
    main: () => 'logstash',
    resources: () => ({ requests: { memory: '2Gi', cpu: '1' }, limits: { memory: '2Gi', cpu: '2' } }),
    readiness: () => ({ httpGet: { port: 9600, path: '/', scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 3 }),
    ports: () => [{ name: 'http', containerPort: 9600, protocol: 'TCP' }],
    labels: (w) => ({ 'common.k8s.elastic.co/type': 'logstash', 'logstash.k8s.elastic.co/name': w.resource.name }),
    podSecurity: () => ({ fsGroup: 1000 }),
    automount: true,
    count: () => ['spec', 'count'],
  },
  'agent.k8s.elastic.co/Agent': {
    main: () => 'agent',
    // agent/pod.go: defaultResources, defaultFleetResources.
    resources: (w) => (get(w.resource.object, ['spec', 'mode']) === 'fleet' ? mem('1Gi', '200m') : mem('400Mi', '200m')),
    ports: (w) => (get(w.resource.object, ['spec', 'fleetServerEnabled']) === true ? [{ name: httpScheme(w), containerPort: 8220, protocol: 'TCP' }] : []),
    labels: (w) => ({ 'common.k8s.elastic.co/type': 'agent', 'agent.k8s.elastic.co/name': w.resource.name }),
    automount: true,
    count: agentCount,
    defaultCount: 1,
  },
  'beat.k8s.elastic.co/Beat': {
    main: (w) => getString(w.resource.object, ['spec', 'type']) ?? 'beat',
    resources: () => mem('300Mi', '100m'),
    labels: (w) => ({ 'common.k8s.elastic.co/type': 'beat', 'beat.k8s.elastic.co/name': w.resource.name }),
    automount: false,
    count: agentCount,
    defaultCount: 1,
  },
};

/** The ECK kind of a resource, or undefined. */
function eckKind(w: Workload): EckKind | undefined {
  const r = w.resource;
  const slash = r.apiVersion.indexOf('/');
  if (slash < 0) return undefined;
  return KINDS[`${r.apiVersion.slice(0, slash)}/${r.kind}`];
}

export const ECK_BY = 'Elastic Cloud on Kubernetes';

const unset = (v: Json | undefined) => v === undefined || v === null;

/** Fill in what ECK sets in the pods of this custom resource; false when it is not an ECK kind. */
export function applyEckDefaults(w: Workload): boolean {
  const k = eckKind(w);
  if (!k) return false;
  const version = stackVersion(w);
  const mainName = k.main(w);
  const main = w.containers.find((c) => c.type === 'container' && c.name === mainName);
  const isEs = k === KINDS['elasticsearch.k8s.elastic.co/Elasticsearch'];

  // Replicas: the spec's (or nodeSet's) count, unknown when unset and there is no default; an Agent or
  // Beat DaemonSet runs one pod per node.
  const countPath = k.count(w);
  w.replicasPath = countPath;
  if (countPath) {
    const n = get(w.resource.object, countPath);
    w.replicas = typeof n === 'number' ? n : unset(n) && k.defaultCount !== undefined ? k.defaultCount : null;
  } else {
    w.replicas = null;
    if (w.podSpecPath[1] === 'daemonSet') w.class = 'daemon';
  }

  w.podLabels = { ...k.labels(w), ...w.podLabels };
  if (unset(w.podSpec.automountServiceAccountToken)) w.podSpec = { ...w.podSpec, automountServiceAccountToken: k.automount };
  if (k.podSecurity && unset(w.podSpec.securityContext)) {
    const sc = k.podSecurity(w, version);
    if (sc) w.podSpec = { ...w.podSpec, securityContext: sc };
  }
  // pdb/reconcile_default.go: a budget over the whole cluster unless spec.podDisruptionBudget is {}
  // (a given spec is used as it is); it allows one disruption only while the cluster is green.
  const pdb = get(w.resource.object, ['spec', 'podDisruptionBudget']);
  if (isEs && !(isObject(pdb) && Object.keys(pdb).length === 0)) {
    w.disruptionBudgetBy = isObject(pdb) && isObject(pdb.spec)
      ? 'ECK creates a PodDisruptionBudget from spec.podDisruptionBudget.spec for these pods; what a drain may evict depends on that budget'
      : 'ECK creates a PodDisruptionBudget for these pods (spec.podDisruptionBudget unset): it allows one pod to be evicted at a time while the cluster is green and none otherwise, so a drain waits for the cluster to recover';
  }
  if (isEs && unset(w.podSpec.affinity)) {
    w.podSpec = {
      ...w.podSpec,
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': w.resource.name } } } },
          ],
        },
      },
    };
  }

  let mainResources: Json | undefined;
  if (main) {
    const spec: JsonObject = { ...main.spec };
    const res = isObject(spec.resources) ? spec.resources : undefined;
    if (k.resources && (!res || (unset(res.requests) && unset(res.limits)))) spec.resources = k.resources(w);
    mainResources = spec.resources;
    if (k.readiness && unset(spec.readinessProbe)) spec.readinessProbe = k.readiness(w);
    const ports = k.ports?.(w) ?? [];
    if (ports.length) {
      const have = Array.isArray(spec.ports) ? spec.ports : [];
      const names = new Set(have.map((p) => (isObject(p) ? p.name : undefined)));
      spec.ports = [...have, ...ports.filter((p) => !names.has(p.name))];
    }
    replaceContainerSpec(w, main, spec);
    // ECK gives Elasticsearch no liveness probe on purpose (elastic/cloud-on-k8s#2513): Kubernetes
    // restarting a slow node blindly, without knowing the cluster's shard allocation, can destabilise
    // the cluster or risk data; the operator replaces failed nodes itself.
    const m = w.containers.find((c) => c.type === 'container' && c.name === mainName);
    if (isEs && m && unset(m.spec.livenessProbe)) {
      m.livenessOmittedBy = `${ECK_BY} leaves Elasticsearch without a liveness probe on purpose: Kubernetes restarting a slow node blindly, without knowing where the cluster's shards are, can destabilise the cluster or risk data (elastic/cloud-on-k8s#2513)`;
    }
  }
  for (const c of w.containers) {
    let spec = c.spec;
    if (k.containerSecurity && unset(spec.securityContext)) {
      const sc = k.containerSecurity(w, version);
      if (sc) spec = { ...spec, securityContext: sc };
    }
    // Elasticsearch init containers without resources inherit the main container's.
    if (isEs && c.type !== 'container' && mainResources !== undefined) {
      const res = isObject(spec.resources) ? spec.resources : undefined;
      if (!res || (unset(res.requests) && unset(res.limits))) spec = { ...spec, resources: mainResources };
    }
    if (spec !== c.spec) replaceContainerSpec(w, c, spec);
  }
  return true;
}
