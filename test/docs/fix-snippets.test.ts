/**
 * Every check's fix snippet (`fix.yaml`, printed by `kubeready explain`, the reports and
 * docs/checks.md as "the exact fix") is accepted by a real Kubernetes API server
 * (test/helpers/cluster.ts) with strict field validation: each object is POSTed to its collection
 * with `?dryRun=All&fieldValidation=Strict`, so unknown or duplicated fields, wrong types, missing
 * required fields and invalid values all fail, and nothing is stored.
 *
 * How a snippet becomes objects. It is split into YAML documents (`---`, parsed as YAML 1.1 like
 * kubectl, duplicate keys rejected); each document is one of:
 *
 *   - a whole object: apiVersion, kind and metadata.name. Sent as is (namespaced objects without a
 *     namespace get the test namespace; namespaces a snippet names are created first).
 *   - a partial object: a kind but no metadata.name (`kind: PodDisruptionBudget` + `spec:`): the
 *     fields to set on the user's object of that kind. Merged into a minimal valid object of that
 *     kind (BASES).
 *   - a fragment without a kind, placed by its top-level keys:
 *       metadata/spec            the whole object: a workload's (Deployment) when spec has a pod
 *                                template or the check is a workload check, else the first kind
 *                                of an object check (`kinds`);
 *       Container fields only    the first container of a Deployment (`resources:`, `livenessProbe:`,
 *                                `env:` ...);
 *       PodSpec fields only      a Deployment's spec.template.spec (`containers:`, `volumes:` ...);
 *       anything else            the root of an object check's first kind (`rules:` of a Role).
 *     A fragment mixing levels (container fields next to pod fields) cannot be pasted anywhere and
 *     fails. Where these rules cannot tell, PLACE says where a document goes, by check id.
 *
 * Merging works like editing the user's manifest: maps merge key by key, lists whose items all
 * have a `name` (containers, volumes, env, ports) merge item by item on the name, other lists are
 * replaced. Containers a fragment names that the base lacks (an init container `migrate`) are the
 * user's existing containers: they get the image FILL_IMAGE when the fragment gives none. Fragments
 * are never completed beyond that.
 *
 * Values must be concrete: a placeholder (`<digest>`, `...`) in a string fails even where the
 * API server would take it (an image reference is not parsed until the kubelet pulls it).
 *
 * Snippets of custom resources (Prometheus Operator, Gateway API) cannot be validated: their CRDs
 * are not installed in the test cluster and the repo ships none. SKIPPED lists those checks with
 * the reason, and a test asserts that exactly the checks whose snippet has such an object are
 * skipped, so a new check cannot skip silently.
 *
 * Run alone: node --import tsx --test test/docs/fix-snippets.test.ts
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { allChecks } from '../../src/checks/index.js';
import type { Check } from '../../src/checks/types.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

/** Where objects without a namespace of their own are created. */
const NS = 'fix-snippets';
/** The image of a container that a fragment names but does not show (the user's own container). */
const FILL_IMAGE = 'registry.example.com/shop/app:1.4.2';

/** API groups served only through CRDs that the test cluster does not have. */
const CRD_GROUPS = ['monitoring.coreos.com', 'gateway.networking.k8s.io', 'autoscaling.k8s.io'];

/** Checks whose snippet cannot be validated, and why. Must be exactly the checks with a CRD object. */
const SKIPPED: Record<string, string> = {
  'metrics-not-scraped': 'PodMonitor is a Prometheus Operator CRD (monitoring.coreos.com), not installed in the test cluster',
  'monitor-selects-nothing': 'ServiceMonitor is a Prometheus Operator CRD (monitoring.coreos.com), not installed in the test cluster',
  'alerts-missing': 'PrometheusRule is a Prometheus Operator CRD (monitoring.coreos.com), not installed in the test cluster',
  'gateway-route-backend-missing': 'HTTPRoute and ReferenceGrant are Gateway API CRDs (gateway.networking.k8s.io), not installed in the test cluster',
  'hpa-vpa-conflict': 'VerticalPodAutoscaler is a CRD of the Kubernetes autoscaler project (autoscaling.k8s.io), not installed in the test cluster',
  'custom-resource-unserved': 'HTTPRoute is a Gateway API CRD (gateway.networking.k8s.io), not installed in the test cluster',
  'custom-resource-rejected': 'ServiceMonitor is a Prometheus Operator CRD (monitoring.coreos.com), not installed in the test cluster',
};

/** Minimal valid objects, per kind, that partial objects and fragments are merged into. */
const BASES: Record<string, () => JsonMap> = {
  Deployment: () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: FILL_IMAGE }] } },
    },
  }),
  StatefulSet: () => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'app', image: FILL_IMAGE }] } },
    },
  }),
  Service: () => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  }),
  Ingress: () => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  }),
  CronJob: () => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'web' },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: FILL_IMAGE }] } } } } },
  }),
  NetworkPolicy: () => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web' }, spec: { podSelector: {} } }),
  PodDisruptionBudget: () => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } } } }),
  HorizontalPodAutoscaler: () => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10 },
  }),
  PersistentVolumeClaim: () => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  }),
  Role: () => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'web' }, rules: [] }),
  ClusterRole: () => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'web' }, rules: [] }),
};

/** Fields of a Container (core/v1). A fragment of only these is a container's. */
const CONTAINER_KEYS = new Set([
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy',
  'restartPolicyRules', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle',
  'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
]);
/**
 * Fields of a PodSpec (core/v1). A fragment of only these (and not only container fields) is a pod
 * template's spec. PodSpec.resources (pod-level resources) is left out on purpose: a `resources:`
 * fragment in these snippets means a container's.
 */
const POD_SPEC_KEYS = new Set([
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken',
  'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname',
  'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig',
  'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints',
  'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims',
]);

interface Placement {
  kind: string;
  /** Path in the base object where the document's keys go (default: the root). */
  at?: (string | number)[];
  /** Replace the keys at `at` instead of merging into them. */
  replace?: boolean;
}

/** Documents the rules cannot place: check id -> document index -> placement. */
const PLACE: Record<string, Record<number, Placement>> = {
  // `backend:` of an Ingress path (replacing the base's backend), then the Service it names.
  'ingress-backend-missing': {
    0: { kind: 'Ingress', at: ['spec', 'rules', 0, 'http', 'paths', 0], replace: true },
    1: { kind: 'Service' },
  },
  // Metadata of any kind: a Deployment's.
  'metadata-rejected': { 0: { kind: 'Deployment' } },
};

const CONTAINER_AT = ['spec', 'template', 'spec', 'containers', 0];
const POD_SPEC_AT = ['spec', 'template', 'spec'];

// ---------------------------------------------------------------------------------------------
// Snippet -> objects
// ---------------------------------------------------------------------------------------------

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T extends Json>(v: T): T => structuredClone(v);
const named = (l: Json[]) => l.every((x) => isMap(x) && typeof x.name === 'string');

/** `patch` applied to `base` as an edit of the user's manifest (see the module comment). */
function merge(base: Json | undefined, patch: Json): Json {
  if (isMap(base) && isMap(patch)) {
    const out: JsonMap = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && named(base) && named(patch)) {
    const out = base.map((b) => {
      const p = patch.find((x) => (x as JsonMap).name === (b as JsonMap).name);
      return p === undefined ? b : merge(b, p);
    });
    for (const p of patch) if (!base.some((b) => (b as JsonMap).name === (p as JsonMap).name)) out.push(clone(p));
    return out;
  }
  return clone(patch);
}

function placeInto(base: JsonMap, doc: JsonMap, at: (string | number)[] = [], replace = false): JsonMap {
  let node: any = base;
  for (const step of at) {
    if (node[step] === undefined) node[step] = {};
    node = node[step];
  }
  for (const [k, v] of Object.entries(doc)) node[k] = replace ? clone(v) : merge(node[k], v);
  return base;
}

/** The pod specs of a workload object (for filling in the images of the user's containers). */
function podSpecs(obj: JsonMap): JsonMap[] {
  const spec = obj.spec as any;
  if (!isMap(spec)) return [];
  if (obj.kind === 'Pod') return [spec];
  if (obj.kind === 'CronJob') return isMap(spec.jobTemplate?.spec?.template?.spec) ? [spec.jobTemplate.spec.template.spec] : [];
  return isMap(spec.template?.spec) ? [spec.template.spec] : [];
}

function fillImages(obj: JsonMap): void {
  for (const ps of podSpecs(obj)) {
    for (const key of ['containers', 'initContainers']) {
      const list = ps[key];
      if (Array.isArray(list)) for (const c of list) if (isMap(c) && c.image === undefined) c.image = FILL_IMAGE;
    }
  }
}

interface Planned {
  /** 0-based document index in the snippet. */
  doc: number;
  how: 'whole' | 'partial' | 'fragment';
  object: JsonMap;
}

/** A fresh base object of a kind; throws when BASES has none. */
function baseOf(kind: string): JsonMap {
  const b = BASES[kind];
  if (!b) throw new Error(`no base object for kind ${kind}: add one to BASES`);
  return b();
}

/** Where a kind-less document goes, by the rules of the module comment. */
function placementOf(check: Check, index: number, doc: JsonMap): Placement {
  const listed = PLACE[check.id]?.[index];
  if (listed) return listed;
  const keys = Object.keys(doc);
  if (keys.every((k) => k === 'metadata' || k === 'spec')) {
    const spec = doc.spec;
    const workload = check.target === 'workload' || (isMap(spec) && 'template' in spec);
    return { kind: workload ? 'Deployment' : check.kinds![0] };
  }
  if (keys.every((k) => CONTAINER_KEYS.has(k))) return { kind: 'Deployment', at: CONTAINER_AT };
  if (keys.every((k) => POD_SPEC_KEYS.has(k))) return { kind: 'Deployment', at: POD_SPEC_AT };
  const container = keys.filter((k) => CONTAINER_KEYS.has(k) && !POD_SPEC_KEYS.has(k));
  const pod = keys.filter((k) => POD_SPEC_KEYS.has(k) && !CONTAINER_KEYS.has(k));
  if (container.length && pod.length) {
    throw new Error(`document ${index} mixes container fields (${container.join(', ')}) with pod fields (${pod.join(', ')}): it cannot be pasted at one place`);
  }
  if (check.target === 'object') return { kind: check.kinds![0] };
  throw new Error(`cannot tell where document ${index} (keys ${keys.join(', ')}) goes: add it to PLACE`);
}

/** Parse a snippet into its documents (YAML 1.1 like kubectl; errors on duplicate keys). */
function documents(yaml: string): Json[] {
  const docs = parseAllDocuments(yaml, { version: '1.1', uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  return list.map((d, i) => {
    if (d.errors.length) throw new Error(`document ${i} is not valid YAML: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS({ maxAliasCount: 0 }) as Json;
  });
}

function groupOf(apiVersion: unknown): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Whether a snippet has an object of a CRD group (decides the skip list). */
function hasCustomResource(check: Check): boolean {
  let docs: Json[];
  try {
    docs = documents(check.fix.yaml);
  } catch {
    return false; // fails in the check's own test
  }
  return docs.some((d) => isMap(d) && CRD_GROUPS.includes(groupOf(d.apiVersion)));
}

function plan(check: Check): Planned[] {
  return documents(check.fix.yaml).map((doc, i) => {
    if (!isMap(doc)) throw new Error(`document ${i} is not a mapping (${doc === null ? 'empty' : typeof doc})`);
    if (typeof doc.kind === 'string') {
      const meta = doc.metadata;
      if (typeof doc.apiVersion === 'string' && isMap(meta) && typeof meta.name === 'string') return { doc: i, how: 'whole', object: clone(doc) };
      const base = baseOf(doc.kind);
      const object = placeInto(base, doc);
      fillImages(object);
      return { doc: i, how: 'partial', object };
    }
    const p = placementOf(check, i, doc);
    const object = placeInto(baseOf(p.kind), doc, p.at, p.replace);
    fillImages(object);
    return { doc: i, how: 'fragment', object };
  });
}

/** Strings that are placeholders, not values a user can keep. */
function placeholders(v: Json, path = ''): string[] {
  if (typeof v === 'string') return /<[^<>\s]+>|\.\.\./.test(v) ? [`${path || '(root)'}: ${JSON.stringify(v)}`] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => placeholders(x, `${path}[${i}]`));
  if (isMap(v)) return Object.entries(v).flatMap(([k, x]) => placeholders(x, path ? `${path}.${k}` : k));
  return [];
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('fix snippets: skip list', () => {
  it('skips exactly the checks whose snippet has a custom resource the test cluster lacks', () => {
    const custom = allChecks.filter(hasCustomResource).map((c) => c.id).sort();
    assert.deepEqual(custom, Object.keys(SKIPPED).sort(), 'SKIPPED must list exactly the checks with a CRD object in fix.yaml');
  });
  it('PLACE names only existing checks and documents', () => {
    for (const [id, docs] of Object.entries(PLACE)) {
      const c = allChecks.find((x) => x.id === id);
      assert.ok(c, `PLACE: no check ${id}`);
      const n = documents(c.fix.yaml).length;
      for (const i of Object.keys(docs)) assert.ok(Number(i) < n, `PLACE: ${id} has no document ${i}`);
    }
  });
});

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

describe('fix snippets: accepted by a real API server (dry run, strict field validation)', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  const discovery = new Map<string, Promise<ApiResource[] | undefined>>();

  /** The resources of a group version (undefined when not served). */
  function resources(apiVersion: string): Promise<ApiResource[] | undefined> {
    let p = discovery.get(apiVersion);
    if (!p) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = cluster.request<{ resources: ApiResource[] }>('GET', path).then((r) => (r.status === 200 ? r.body.resources : undefined));
      discovery.set(apiVersion, p);
    }
    return p;
  }

  /**
   * Dry-run create: undefined when accepted without warnings, else the API server's answer (an
   * accepted object's warnings, such as a deprecated field, count as problems too).
   */
  async function dryRunCreate(object: JsonMap): Promise<string | undefined> {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const served = await resources(apiVersion);
    if (!served) return `apiVersion ${apiVersion} is not served by Kubernetes ${cluster.version}`;
    const res = served.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!res) return `kind ${kind} is not served in ${apiVersion} by Kubernetes ${cluster.version}`;
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let path = `${prefix}/${res.name}`;
    if (res.namespaced) {
      const meta = object.metadata as JsonMap;
      if (typeof meta.namespace !== 'string') meta.namespace = NS;
      path = `${prefix}/namespaces/${meta.namespace}/${res.name}`;
    }
    const r = await cluster.request<any>('POST', `${path}?dryRun=All&fieldValidation=Strict`, { body: object });
    const warning = r.headers.warning;
    const warnings = warning === undefined ? [] : Array.isArray(warning) ? warning : [warning];
    if ((r.status === 200 || r.status === 201) && warnings.length === 0) return undefined;
    const answer = r.status === 200 || r.status === 201 ? `accepted with warnings` : `HTTP ${r.status}: ${isMap(r.body) ? r.body.message : String(r.body)}`;
    return warnings.length ? `${answer} (Warning: ${warnings.join('; ')})` : answer;
  }

  before(async () => {
    cluster = await startCluster({ shared: false, controllerManager: false, scheduler: false });
    // The namespaces the snippets name, and the one for everything else.
    const namespaces = new Set([NS]);
    for (const c of allChecks) {
      if (SKIPPED[c.id]) continue;
      try {
        for (const d of documents(c.fix.yaml)) {
          const ns = isMap(d) && isMap(d.metadata) ? d.metadata.namespace : undefined;
          if (typeof ns === 'string') namespaces.add(ns);
        }
      } catch {
        // reported by the check's own test
      }
    }
    for (const name of namespaces) {
      const r = await cluster.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
      assert.ok(r.status === 201 || r.status === 409, `create namespace ${name}: HTTP ${r.status}`);
    }
  });
  after(() => cluster?.stop());

  it('the harness rejects what strict validation must reject (the test can fail)', async () => {
    const check = { id: 'control', target: 'workload', fix: { yaml: '' } } as unknown as Check;
    const unknownField = plan({ ...check, fix: { text: '', yaml: 'containers:\n  - name: app\n    resourcez: {}\n' } })[0];
    assert.match((await dryRunCreate(unknownField.object)) ?? 'accepted', /unknown field "spec\.template\.spec\.containers\[0\]\.resourcez"/);
    const badValue = plan({ ...check, fix: { text: '', yaml: 'resources:\n  limits:\n    memory: 1 GiB\n' } })[0];
    assert.match((await dryRunCreate(badValue.object)) ?? 'accepted', /HTTP 4\d\d/);
    const wholeIncomplete = plan({ ...check, fix: { text: '', yaml: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n' } })[0];
    assert.equal(wholeIncomplete.how, 'whole');
    assert.match((await dryRunCreate(wholeIncomplete.object)) ?? 'accepted', /spec\.ports: Required value/);
    const deprecated = plan({ ...check, fix: { text: '', yaml: 'spec:\n  template:\n    metadata:\n      annotations:\n        container.apparmor.security.beta.kubernetes.io/app: runtime/default\n' } })[0];
    assert.match((await dryRunCreate(deprecated.object)) ?? 'accepted', /accepted with warnings \(Warning: .*deprecated/);
    assert.throws(() => plan({ ...check, fix: { text: '', yaml: 'resources: {}\nvolumes: []\n' } }), /mixes container fields/);
    assert.throws(() => plan({ ...check, fix: { text: '', yaml: 'spec: {a: 1}\nspec: {b: 2}\n' } }), /not valid YAML/);
  });

  for (const check of allChecks) {
    const skip = SKIPPED[check.id];
    it(`${check.id}: fix.yaml is valid Kubernetes`, { skip: skip ?? false }, async () => {
      let planned: Planned[];
      try {
        planned = plan(check);
      } catch (e) {
        assert.fail(`${check.id}: ${(e as Error).message}\n--- fix.yaml ---\n${check.fix.yaml}`);
      }
      const problems: string[] = [];
      for (const p of planned) {
        const what = `document ${p.doc} (${p.how} ${p.object.kind})`;
        const ph = placeholders(p.object);
        if (ph.length) problems.push(`${what}: placeholder instead of a value: ${ph.join(', ')}`);
        const err = await dryRunCreate(p.object);
        if (err) problems.push(`${what}: ${err}\n  sent: ${JSON.stringify(p.object)}`);
      }
      assert.deepEqual(problems, [], `${check.id}: the API server rejects the fix snippet:\n${problems.join('\n')}\n--- fix.yaml ---\n${check.fix.yaml}`);
    });
  }
});
