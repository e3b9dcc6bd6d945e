/**
 * Property tests (fast-check, fixed seed: set FC_SEED to explore others, FC_RUNS for more runs).
 *
 * (a) No text makes the YAML loader throw; its positions stay inside the text; chunked parsing
 *     (how big files are read) agrees with whole-file parsing.
 * (b) Partial, malformed Kubernetes objects of every kind the checks look at (strings where maps
 *     belong, nulls, numbers, `containers: "x"`, `ports: [null]`, probes of odd types...) go
 *     through the loader, every check, and both reporters without any check throwing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex, parseYaml } from '../../src/sources/yaml.js';
import { loadBuffer, loadText, type LoadResult } from '../../src/sources/resources.js';
import { audit } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';

const SEED = Number(process.env.FC_SEED ?? 1_732_600_000);
const RUNS = Number(process.env.FC_RUNS ?? 300);
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns, includeErrorInReport: true });

type J = null | boolean | number | string | J[] | { [k: string]: J };

/** Throws if the parse result breaks an invariant. */
function checkParse(text: string): void {
  const r = parseYaml(text);
  const lines = new LineIndex(text);
  for (const d of r.diagnostics) {
    assert.ok(d.offset >= 0 && d.offset <= text.length, `diagnostic offset ${d.offset} outside the text (${text.length})`);
    assert.ok(d.message.length > 0 && !d.message.includes('\n'), `diagnostic message: ${JSON.stringify(d.message)}`);
    const at = lines.locate(d.offset);
    assert.ok(at.line >= 1 && at.column >= 1);
  }
  for (const d of r.docs) assert.ok(d.offset >= 0 && d.offset <= text.length, `document offset ${d.offset} outside the text`);
  const indexes = r.docs.map((d) => d.index);
  assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b), 'document indexes ascend');
  assert.equal(new Set(indexes).size, indexes.length, 'document indexes are unique');
}

const canon = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

/** Parse with tiny chunks (the big-file path) and compare with a whole-file parse. */
function checkChunked(text: string): void {
  const whole = parseYaml(text);
  const chunked = parseYaml(text, { chunkBytes: 8 });
  // A document that fails in one mode may drag a neighbour along in the other (a stray directive
  // belongs to the next document); when both succeed everywhere they must agree exactly.
  if (whole.diagnostics.some((d) => d.level === 'error') || chunked.diagnostics.some((d) => d.level === 'error')) return;
  // An empty document has no content, so no meaningful offset: compare offsets of the others.
  const view = (r: typeof whole) => canon(r.docs.map((d) => [d.index, d.value === null ? null : d.offset, d.value]));
  assert.equal(view(chunked), view(whole));
  assert.equal(canon(chunked.diagnostics), canon(whole.diagnostics));
}

/** What a load produced, positions included, as comparable JSON. */
function loadView(r: LoadResult): string {
  return canon({
    documents: r.documents,
    skipped: r.skipped,
    problems: r.problems,
    resources: r.resources.map((x) => [x.kind, x.name, x.namespace ?? null, x.origin.doc, x.origin.listIndex ?? null, x.origin.locate([]), x.origin.locate(['metadata', 'name']), x.origin.locate(['spec', 'template'])]),
  });
}

/** Large files are read in chunks cut at document markers: tiny chunks must change nothing. */
function checkBufferChunks(text: string): void {
  const whole = loadText(text, 'f.yaml');
  const chunked = loadBuffer(Buffer.from(text, 'utf8'), 'f.yaml', { chunkBytes: 16 });
  // A stray directive (%YAML) belongs to the document after the marker the cut is made at.
  if (/^%/m.test(text) && whole.problems.concat(chunked.problems).some((p) => p.level === 'error')) return;
  assert.equal(loadView(chunked), loadView(whole));
}

const FRAGMENTS = [
  'a', 'key', 'apiVersion: v1', 'kind: Pod', 'kind: List', 'items:', 'metadata:', 'name: x', ':', ': ', '- ', '-', '? ', '?',
  ' ', '  ', '    ', '\t', '\n', '\r\n', '\r', '---', '--- ', '...', '#', ' # c', '&a ', '&b ', '*a', '*b', '*a ', '!!int ', '!!str ',
  '!!binary ', '!!null ', '!!float ', '!!bool ', '!!map ', '!!seq ', '!custom ', '!', '<<: ', '<<: *a', '|', '|-', '|+', '>', '>-', '|2',
  '"', "'", '\\', '"\\u00e9"', '"\\x', '{', '}', '[', ']', ',', '{a: 1}', '[1, 2]', 'yes', 'no', 'on', '~', 'null', '0x1F',
  '0o17', '0b101', '017', '1e400', '.inf', '.nan', '1_000', '-', '+', '.', '12', '1.5', '%YAML 1.1', '%TAG ! tag:x,2000:', '@', '`',
  '\u00e9', '\u2028', '\ufeff', '\u0000', '\u0085', '😀', 'x'.repeat(300), '"k\\n": 1\n', '"k\\n": 2\n', 'k: 1\nk: 2\n',
];

const yamlish = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 80 })
  .map((parts) => parts.join(''));

/** Block-structured YAML: indented lines built from fragments (reaches deeper parser states). */
const blockish = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom('', '- ', '? ', ': '), fc.constantFrom(...FRAGMENTS), fc.constantFrom('', ':', ': ', ': x', ': |', ': &a', ': *a', ' # c')),
    { maxLength: 40 },
  )
  .map((lines) => lines.map(([indent, lead, body, tail]) => ' '.repeat(indent) + lead + body + tail).join('\n') + '\n');

describe('property: the YAML loader never throws', () => {
  it('on arbitrary strings (full Unicode)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        checkParse(s);
        loadText(s, 'prop.yaml');
      }),
      params(),
    );
  });

  it('on YAML-ish text built from fragments, whole and in chunks', () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, blockish), (s) => {
        checkParse(s);
        checkChunked(s);
        checkBufferChunks(s);
        const r = loadText(s, 'prop.yaml');
        for (const res of r.resources) {
          res.origin.locate(['metadata', 'name']);
          res.origin.locate(['spec', 'containers', 0]);
        }
        for (const p of r.problems) assert.ok(p.line === undefined || p.line >= 1);
      }),
      params(RUNS * 3),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Partial Kubernetes objects.
// ---------------------------------------------------------------------------------------------

const { junk } = fc.letrec<{ junk: J }>((tie) => ({
  junk: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 100_000 }),
    fc.constantFrom(0.5, 1e21, -1, 2 ** 53, 65536),
    fc.string({ maxLength: 6 }),
    fc.constantFrom('', 'x', '*', '0', '80', 'http', '100m', '1Gi', '25%', 'true', 'Always', 'None', 'RuntimeDefault', 'ALL', 'NET_ADMIN'),
    fc.array(tie('junk'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'name', 'port', 'value', 'spec', 'type', '<<', '__proto__', 'constructor', 'toString'), tie('junk'), { maxKeys: 3 }),
  ),
}));

/** Either the plausible value (8 times in 8 + junkWeight), or junk of any type. */
const or = <T extends J>(plausible: fc.Arbitrary<T>, junkWeight = 2): fc.Arbitrary<J> =>
  fc.oneof({ weight: 8, arbitrary: plausible as fc.Arbitrary<J> }, { weight: junkWeight, arbitrary: junk });

/**
 * A record (or, sometimes, junk instead) whose keys are all optional and may hold junk; the
 * `main` keys are usually present (one of them is sometimes dropped) so that objects are often
 * complete enough for the checks to run on them.
 */
const partial = (shape: Record<string, fc.Arbitrary<J>>, main: string[] = [], junkWeight = 2): fc.Arbitrary<J> => {
  const optional = Object.fromEntries(Object.entries(shape).filter(([k]) => !main.includes(k)));
  const required = Object.fromEntries(Object.entries(shape).filter(([k]) => main.includes(k)));
  const rec = fc
    .tuple(fc.record(optional, { requiredKeys: [] }), fc.record(required), fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...(main.length ? main : ['-'])) }))
    .map(([o, r, drop]) => {
      const out: Record<string, J> = { ...(r as Record<string, J>), ...(o as Record<string, J>) };
      if (drop !== null) delete out[drop];
      return out as J;
    });
  return or(rec, junkWeight);
};

const NAMES = ['web', 'api', 'db', 'default', 'x'];
const name = or(fc.constantFrom(...NAMES));
const labels = or(fc.dictionary(fc.constantFrom('app', 'app.kubernetes.io/name', 'tier', 'team'), or(fc.constantFrom(...NAMES)), { maxKeys: 3 }));
const annotations = or(
  fc.dictionary(
    fc.constantFrom('kubeready.io/ignore', 'kubeready.io/ignore-reason', 'prometheus.io/scrape', 'container.apparmor.security.beta.kubernetes.io/app', 'x'),
    or(fc.constantFrom('*', 'all', 'memory-limit-missing,nope', 'true', 'because', 'runtime/default', 'unconfined')),
    { maxKeys: 3 },
  ),
);
const metadata = partial({ name, namespace: or(fc.constantFrom('default', 'prod', 'kube-system')), labels, annotations, generateName: or(fc.constant('gen-')) }, ['name', 'labels']);
const quantity = or(fc.constantFrom('100m', '1', '0.5', '128Mi', '1Gi', '2G', '1e3', '10Ki', 'lots', '', '-1', '0'), 1);
const resourceList = partial({ cpu: quantity, memory: quantity, 'ephemeral-storage': quantity, 'nvidia.com/gpu': quantity });
const port = or(fc.oneof(fc.integer({ min: -1, max: 70_000 }), fc.constantFrom('http', 'metrics', '8080', '')));
const handler = partial({
  httpGet: partial({ path: or(fc.constantFrom('/', '/healthz', '')), port, scheme: or(fc.constantFrom('HTTP', 'HTTPS')), host: or(fc.constant('localhost')) }),
  tcpSocket: partial({ port, host: or(fc.constant('10.0.0.1')) }),
  exec: partial({ command: or(fc.array(or(fc.constantFrom('true', 'cat', '/tmp/ok', 'sh', '-c', 'exit 0')), { maxLength: 3 })) }),
  grpc: partial({ port, service: or(fc.constant('')) }),
});
const probe = fc.oneof(
  handler,
  fc.tuple(handler, fc.record({ initialDelaySeconds: or(fc.nat(600)), periodSeconds: or(fc.nat(60)), timeoutSeconds: or(fc.nat(60)), failureThreshold: or(fc.nat(10)), successThreshold: or(fc.nat(3)), terminationGracePeriodSeconds: or(fc.nat(60)) }, { requiredKeys: [] })).map(([h, t]) =>
    h !== null && typeof h === 'object' && !Array.isArray(h) ? ({ ...h, ...t } as J) : h,
  ),
);
const capabilities = partial({ add: or(fc.array(or(fc.constantFrom('NET_ADMIN', 'SYS_ADMIN', 'ALL', 'NET_BIND_SERVICE')), { maxLength: 3 })), drop: or(fc.array(or(fc.constantFrom('ALL', 'NET_RAW')), { maxLength: 2 })) });
const seccomp = partial({ type: or(fc.constantFrom('RuntimeDefault', 'Unconfined', 'Localhost')), localhostProfile: or(fc.constant('p.json')) });
const securityContext = partial({
  runAsNonRoot: or(fc.boolean()), runAsUser: or(fc.integer({ min: -1, max: 70_000 })), runAsGroup: or(fc.nat(70_000)), privileged: or(fc.boolean()),
  allowPrivilegeEscalation: or(fc.boolean()), readOnlyRootFilesystem: or(fc.boolean()), capabilities, seccompProfile: seccomp, procMount: or(fc.constantFrom('Default', 'Unmasked')),
  seLinuxOptions: partial({ type: or(fc.constantFrom('spc_t', 'container_t')), user: or(fc.constant('u')) }), appArmorProfile: partial({ type: or(fc.constantFrom('RuntimeDefault', 'Unconfined')) }),
  windowsOptions: partial({ hostProcess: or(fc.boolean()) }), sysctls: or(fc.array(partial({ name: or(fc.constantFrom('kernel.shm_rmid_forced', 'net.core.somaxconn')), value: or(fc.constant('1')) }), { maxLength: 2 })),
  fsGroup: or(fc.nat(70_000)),
});
const env = or(fc.array(partial({ name: or(fc.constantFrom('PASSWORD', 'JAVA_OPTS', 'GOMEMLIMIT', 'X')), value: or(fc.constantFrom('hunter2', '-Xmx4g', '1GiB', '')), valueFrom: partial({ secretKeyRef: partial({ name, key: or(fc.constant('k')) }), resourceFieldRef: partial({ resource: or(fc.constant('limits.memory')) }) }) }), { maxLength: 3 }));
const container = partial({
  name: or(fc.constantFrom('app', 'sidecar', 'init', 'app')),
  image: or(fc.constantFrom('nginx', 'nginx:latest', 'nginx:1.25', 'repo/app@sha256:' + 'a'.repeat(64), 'postgres:16', 'redis', 'mysql:8', '')),
  imagePullPolicy: or(fc.constantFrom('Always', 'IfNotPresent', 'Never')),
  command: or(fc.array(or(fc.constantFrom('java', '-jar', 'app.jar', 'node')), { maxLength: 3 })),
  args: or(fc.array(or(fc.constantFrom('-Xmx2g', '--port=8080')), { maxLength: 2 })),
  ports: or(fc.array(or(partial({ name: or(fc.constantFrom('http', 'metrics', 'grpc')), containerPort: port, hostPort: or(fc.nat(70_000)), protocol: or(fc.constantFrom('TCP', 'UDP')) })), { maxLength: 3 })),
  env,
  resources: partial({ limits: resourceList, requests: resourceList }),
  livenessProbe: or(probe), readinessProbe: or(probe), startupProbe: or(probe),
  securityContext,
  volumeMounts: or(fc.array(partial({ name, mountPath: or(fc.constantFrom('/data', '/var/lib/postgresql/data', '/tmp')) }), { maxLength: 2 })),
  restartPolicy: or(fc.constantFrom('Always', 'Never')),
  lifecycle: partial({ preStop: handler }),
}, ['name', 'image']);
const containers = fc.oneof(
  { weight: 8, arbitrary: fc.array(container, { minLength: 1, maxLength: 3 }) as fc.Arbitrary<J> },
  { weight: 1, arbitrary: fc.constantFrom<J>('x', [], [null], null, 7, { name: 'app' }) },
  { weight: 1, arbitrary: junk },
);
const volume = partial({
  name, emptyDir: partial({ medium: or(fc.constantFrom('Memory', '')), sizeLimit: quantity }), hostPath: partial({ path: or(fc.constantFrom('/', '/var/run/docker.sock', '/data')), type: or(fc.constant('Directory')) }),
  persistentVolumeClaim: partial({ claimName: name }), configMap: partial({ name }), secret: partial({ secretName: name }), projected: junk, nfs: partial({ server: or(fc.constant('nfs')), path: or(fc.constant('/')) }),
});
const podSpec = partial({
  containers, initContainers: fc.oneof(containers, junk), ephemeralContainers: junk,
  volumes: or(fc.array(volume, { maxLength: 3 })), hostNetwork: or(fc.boolean()), hostPID: or(fc.boolean()), hostIPC: or(fc.boolean()),
  serviceAccountName: name, serviceAccount: name, automountServiceAccountToken: or(fc.boolean()), securityContext, restartPolicy: or(fc.constantFrom('Always', 'OnFailure', 'Never')),
  affinity: partial({ podAntiAffinity: partial({ requiredDuringSchedulingIgnoredDuringExecution: or(fc.array(partial({ topologyKey: or(fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone')), labelSelector: partial({ matchLabels: labels }) }), { maxLength: 2 })), preferredDuringSchedulingIgnoredDuringExecution: junk }), nodeAffinity: junk }),
  topologySpreadConstraints: or(fc.array(partial({ topologyKey: or(fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone')), maxSkew: or(fc.nat(3)), whenUnsatisfiable: or(fc.constantFrom('DoNotSchedule', 'ScheduleAnyway')), labelSelector: partial({ matchLabels: labels }) }), { maxLength: 2 })),
  nodeSelector: labels, tolerations: junk, priorityClassName: name, terminationGracePeriodSeconds: or(fc.nat(600)), os: partial({ name: or(fc.constantFrom('linux', 'windows')) }),
}, ['containers'], 1);
const template = partial({ metadata: partial({ labels, annotations, name }, ['labels']), spec: podSpec }, ['metadata', 'spec'], 1);
const selector = partial({ matchLabels: labels, matchExpressions: junk });
const intOrPercent = or(fc.oneof(fc.nat(5), fc.constantFrom('25%', '0%', '100%', '1', 'x%')));
const workloadSpec = partial({
  replicas: or(fc.oneof(fc.nat(5), fc.constantFrom('3', -1))), selector, template, minReadySeconds: or(fc.nat(30)),
  strategy: partial({ type: or(fc.constantFrom('RollingUpdate', 'Recreate', 'OnDelete')), rollingUpdate: partial({ maxUnavailable: intOrPercent, maxSurge: intOrPercent }) }),
  updateStrategy: partial({ type: or(fc.constantFrom('RollingUpdate', 'OnDelete')), rollingUpdate: partial({ maxUnavailable: intOrPercent, partition: or(fc.nat(3)) }) }),
  serviceName: name, volumeClaimTemplates: or(fc.array(partial({ metadata, spec: partial({ accessModes: junk, resources: partial({ requests: resourceList }) }) }), { maxLength: 2 })),
  backoffLimit: or(fc.nat(10)), completions: or(fc.nat(3)), parallelism: or(fc.nat(3)), activeDeadlineSeconds: or(fc.nat(600)),
  schedule: or(fc.constantFrom('* * * * *', '@daily', '')), concurrencyPolicy: or(fc.constantFrom('Allow', 'Forbid')),
  jobTemplate: partial({ metadata, spec: partial({ template, backoffLimit: or(fc.nat(10)) }, ['template'], 1) }, ['spec'], 1),
  strategyRollout: junk,
}, ['replicas', 'selector', 'template', 'jobTemplate'], 1);
const rolloutSpec = partial({ replicas: or(fc.nat(5)), selector, template, strategy: partial({ canary: partial({ steps: junk, maxUnavailable: intOrPercent }), blueGreen: partial({ activeService: name }) }) }, ['replicas', 'selector', 'template']);
const rules = or(
  fc.array(
    partial({
      apiGroups: or(fc.array(or(fc.constantFrom('', '*', 'apps', 'rbac.authorization.k8s.io')), { maxLength: 2 })),
      resources: or(fc.array(or(fc.constantFrom('*', 'pods', 'pods/exec', 'secrets', 'nodes/proxy', 'deployments', 'roles', 'clusterroles', 'serviceaccounts/token')), { maxLength: 3 })),
      verbs: or(fc.array(or(fc.constantFrom('*', 'get', 'list', 'watch', 'create', 'escalate', 'bind', 'impersonate', 'patch')), { maxLength: 3 })),
      resourceNames: junk,
      nonResourceURLs: or(fc.array(or(fc.constantFrom('*', '/metrics')), { maxLength: 2 })),
    }, ['apiGroups', 'resources', 'verbs']),
    { maxLength: 3 },
  ),
);
const subjects = or(fc.array(partial({ kind: or(fc.constantFrom('ServiceAccount', 'User', 'Group')), name: or(fc.constantFrom(...NAMES, 'system:authenticated', 'system:anonymous')), namespace: or(fc.constantFrom('default', 'prod')), apiGroup: junk }, ['kind', 'name']), { maxLength: 3 }));
const roleRef = partial({ kind: or(fc.constantFrom('Role', 'ClusterRole')), name: or(fc.constantFrom(...NAMES, 'cluster-admin', 'admin', 'edit')), apiGroup: or(fc.constant('rbac.authorization.k8s.io')) }, ['kind', 'name']);
const servicePort = partial({ name: or(fc.constantFrom('http', 'metrics')), port, targetPort: port, nodePort: or(fc.nat(40_000)), protocol: or(fc.constantFrom('TCP', 'UDP')) });
const serviceSpec = partial({
  type: or(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName')), selector: labels,
  ports: fc.oneof({ weight: 4, arbitrary: or(fc.array(servicePort, { maxLength: 3 })) }, { weight: 1, arbitrary: fc.constant<J>([null]) }),
  externalIPs: or(fc.array(or(fc.constant('1.2.3.4')), { maxLength: 2 })), clusterIP: or(fc.constantFrom('None', '10.0.0.1')), externalName: junk, loadBalancerSourceRanges: junk,
}, ['selector', 'ports']);
const backend = partial({ service: partial({ name, port: partial({ number: port, name: or(fc.constantFrom('http')) }) }), serviceName: name, servicePort: port, resource: junk });
const ingressSpec = partial({
  ingressClassName: name, defaultBackend: backend,
  tls: or(fc.array(partial({ hosts: or(fc.array(or(fc.constantFrom('a.example.com', '*.example.com')), { maxLength: 2 })), secretName: name }), { maxLength: 2 })),
  rules: or(fc.array(partial({ host: or(fc.constantFrom('a.example.com', '')), http: partial({ paths: or(fc.array(partial({ path: or(fc.constant('/')), pathType: or(fc.constant('Prefix')), backend }), { maxLength: 2 })) }) }), { maxLength: 2 })),
}, ['rules']);
const hpaSpec = partial({
  scaleTargetRef: partial({ kind: or(fc.constantFrom('Deployment', 'StatefulSet', 'Rollout', 'ReplicaSet')), name, apiVersion: or(fc.constantFrom('apps/v1', 'argoproj.io/v1alpha1')) }),
  minReplicas: or(fc.integer({ min: -1, max: 5 })), maxReplicas: or(fc.nat(10)), metrics: junk, targetCPUUtilizationPercentage: or(fc.nat(100)), behavior: junk,
}, ['scaleTargetRef', 'maxReplicas']);

const KINDS: [string, string[], fc.Arbitrary<J>][] = [
  ['Pod', ['v1'], podSpec],
  ['Deployment', ['apps/v1', 'extensions/v1beta1'], workloadSpec],
  ['StatefulSet', ['apps/v1'], workloadSpec],
  ['DaemonSet', ['apps/v1'], workloadSpec],
  ['ReplicaSet', ['apps/v1'], workloadSpec],
  ['ReplicationController', ['v1'], workloadSpec],
  ['Job', ['batch/v1'], workloadSpec],
  ['CronJob', ['batch/v1', 'batch/v1beta1'], workloadSpec],
  ['Rollout', ['argoproj.io/v1alpha1'], rolloutSpec],
  ['Role', ['rbac.authorization.k8s.io/v1'], junk],
  ['ClusterRole', ['rbac.authorization.k8s.io/v1'], junk],
  ['RoleBinding', ['rbac.authorization.k8s.io/v1'], junk],
  ['ClusterRoleBinding', ['rbac.authorization.k8s.io/v1'], junk],
  ['Service', ['v1'], serviceSpec],
  ['Ingress', ['networking.k8s.io/v1', 'extensions/v1beta1'], ingressSpec],
  ['HorizontalPodAutoscaler', ['autoscaling/v2', 'autoscaling/v1'], hpaSpec],
  ['PodDisruptionBudget', ['policy/v1'], partial({ selector, minAvailable: intOrPercent, maxUnavailable: intOrPercent })],
  ['NetworkPolicy', ['networking.k8s.io/v1'], partial({ podSelector: selector, policyTypes: junk, ingress: junk, egress: junk })],
  ['ServiceAccount', ['v1'], junk],
  ['LimitRange', ['v1'], partial({ limits: or(fc.array(partial({ type: or(fc.constantFrom('Container', 'Pod')), max: resourceList, min: resourceList, default: resourceList, defaultRequest: resourceList, maxLimitRequestRatio: resourceList }), { maxLength: 2 })) })],
  ['PersistentVolumeClaim', ['v1'], junk],
];

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Rollout']);

const k8sObject: fc.Arbitrary<J> = fc.oneof(
  ...KINDS.map(([kind, versions, spec]) => {
    const extra: Record<string, fc.Arbitrary<J>> = {};
    if (kind === 'Role' || kind === 'ClusterRole') Object.assign(extra, { rules, aggregationRule: junk });
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') Object.assign(extra, { subjects, roleRef });
    if (kind === 'ServiceAccount') Object.assign(extra, { automountServiceAccountToken: or(fc.boolean()), secrets: junk });
    const shape: Record<string, fc.Arbitrary<J>> = {
      apiVersion: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...versions) }, { weight: 1, arbitrary: fc.constantFrom('v1', 'x/y', 'apps/v1beta2') }),
      kind: fc.constant(kind),
      metadata,
      spec,
      status: junk,
      ...extra,
    };
    const arbitrary = fc.record(shape, { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec', ...Object.keys(extra)] }) as fc.Arbitrary<J>;
    return { weight: WORKLOAD_KINDS.has(kind) ? 3 : 1, arbitrary };
  }),
);

/** A `kind: List` of objects, sometimes with junk items. */
const list: fc.Arbitrary<J> = fc.array(fc.oneof({ weight: 4, arbitrary: k8sObject }, { weight: 1, arbitrary: junk }), { maxLength: 4 }).map((items) => ({ apiVersion: 'v1', kind: 'List', items }));

const stream = fc.array(fc.oneof({ weight: 8, arbitrary: k8sObject }, { weight: 1, arbitrary: list }, { weight: 1, arbitrary: junk }), { minLength: 1, maxLength: 6 });

describe('property: malformed Kubernetes objects never make a check throw', () => {
  it(`${allChecks.length} checks over JSON documents of every workload kind and its neighbours`, () => {
    assert.ok(allChecks.length > 0);
    fc.assert(
      fc.property(stream, fc.boolean(), (objs, yamlDocs) => {
        // JSON is YAML: one JSON document per YAML document, sometimes as one JSON stream.
        const text = yamlDocs ? objs.map((o) => JSON.stringify(o)).join('\n---\n') + '\n' : objs.map((o) => JSON.stringify(o, null, 2)).join('\n---\n');
        const loaded = loadText(text, 'prop.yaml');
        // Decoding errors, that is: a generated name or namespace that is not a string is an input error on purpose.
        assert.deepEqual(loaded.problems.filter((p) => p.level === 'error' && !/^metadata\.(name|namespace): .* is not a string/.test(p.message)), [], 'JSON.stringify output must load without errors');
        assert.equal(loadView(loadBuffer(Buffer.from(text), 'prop.yaml', { chunkBytes: 64 })), loadView(loaded), 'chunked loading changes nothing');
        // The decoder returns exactly what was serialised.
        const parsed = parseYaml(text).docs.map((d) => d.value);
        assert.deepEqual(parsed, JSON.parse(JSON.stringify(objs)));
        let report;
        try {
          report = audit({ resources: loaded.resources, problems: [], documents: loaded.documents, skipped: loaded.skipped, files: 1 }, { checks: allChecks });
        } catch (e) {
          throw new Error(`audit threw (outside any check): ${(e as Error)?.stack ?? e}`);
        }
        const internal = report.problems.filter((p) => p.message.startsWith('internal:'));
        assert.deepEqual(internal.map((p) => p.message), [], 'a check threw');
        renderJson(report);
        renderText(report, { color: false, showExempted: true, showPassing: true });
        for (const v of report.verdicts) {
          assert.ok(v.score >= 0 && v.score <= 100);
          for (const f of v.findings) assert.ok(typeof f.message === 'string' && f.message.length > 0, `${f.check}: empty message`);
        }
      }),
      params(RUNS * 2),
    );
  });
});
