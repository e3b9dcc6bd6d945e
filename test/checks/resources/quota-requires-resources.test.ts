import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/resources/quota-requires-resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const QUOTA = `apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: shop}
spec:
  hard:
    requests.cpu: "4"
    limits.memory: 8Gi
    pods: "20"
---
`;

describe('quota-requires-resources', () => {
  it('fires per container (init containers included) missing a value the quota tracks, naming quota, fields and consequence', () => {
    const found = expectFindings(
      check,
      `${QUOTA}apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: migrate
          image: migrate:4
          resources:
            requests: {cpu: 100m}
      containers:
        - name: app
          image: app:1
        - name: ok
          image: proxy:1
          resources:
            requests: {cpu: 50m}
            limits: {memory: 64Mi}
`,
      [
        {
          line: 20,
          container: 'migrate',
          severity: 'error',
          message:
            'init container "migrate" sets no memory limit, which ResourceQuota "compute" (limits.memory) in namespace shop requires on every container: the API server rejects every pod ("failed quota: compute: must specify limits.memory for: migrate"), so the Deployment stays at 0 pods and only FailedCreate events on its ReplicaSet say why',
        },
        {
          line: 23,
          container: 'app',
          message: 'container "app" sets no CPU request and no memory limit, which ResourceQuota "compute" (requests.cpu, limits.memory) in namespace shop requires on every container',
        },
      ],
    );
    assert.deepEqual(
      found[1].related.map((r) => [r.object.kind, r.object.name, r.field, r.location.line, r.note]),
      [
        ['ResourceQuota', 'compute', 'spec.hard["requests.cpu"]', 6, 'requires requests.cpu on every container'],
        ['ResourceQuota', 'compute', 'spec.hard["limits.memory"]', 7, 'requires limits.memory on every container'],
      ],
    );
    assert.match(found[1].message, /must specify limits\.memory for: app; requests\.cpu for: app/);
  });

  it('counts a limit as the request (API defaulting), and LimitRange defaults filled in before the quota check', () => {
    expectNone(
      check,
      `${QUOTA}apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      default: {memory: 512Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          resources:
            limits: {cpu: "1"}
`,
    );
    // defaultRequest only: it fills requests, not limits.memory.
    expectFindings(
      check,
      `${QUOTA}apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: a
      image: app:1
`,
      [{ line: 23, container: 'a', message: /^container "a" sets no memory limit, which .* so the Pod itself is refused when it is applied$/ }],
    );
  });

  it('ignores a LimitRange of type Pod and a LimitRange in another namespace', () => {
    expectFindings(
      check,
      `${QUOTA}apiVersion: v1
kind: LimitRange
metadata: {name: pod-limits, namespace: shop}
spec:
  limits:
    - type: Pod
      max: {cpu: "2", memory: 2Gi}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: other}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 512Mi}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: job
              image: job:1
`,
      [{ line: 37, container: 'job', message: /every Job it starts creates no pod and only FailedCreate events on the Job say why$/ }],
    );
  });

  it('is silent without a quota in scope: other namespace, quota without CPU/memory, namespace-less quota of another folder', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: other}
spec:
  hard: {limits.memory: 8Gi}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: counts, namespace: shop}
spec:
  hard: {pods: "10", configmaps: "5", requests.ephemeral-storage: 10Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: app:1}]
`,
    );
    const plan = loadPlan([check]);
    const quota = loadText(`apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {limits.memory: 1Gi}\n`, 'team-a/quota.yaml', plan);
    const pod = loadText(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: app:1}]\n`, 'team-b/pod.yaml', plan);
    const apart = audit({ resources: [...quota.resources, ...pod.resources], problems: [] }, { checks: [check] });
    assert.equal(apart.verdicts.flatMap((v) => v.findings).length, 0);
    const together = loadText(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: app:1}]\n`, 'team-a/pod.yaml', plan);
    const same = audit({ resources: [...quota.resources, ...together.resources], problems: [] }, { checks: [check] });
    const fs = same.verdicts.flatMap((v) => v.findings);
    assert.equal(fs.length, 1);
    assert.match(fs[0].message, /ResourceQuota "q" \(limits\.memory\) in namespace default requires/);
  });

  it('is silent with pod-level resources or templated container resources', () => {
    expectNone(
      check,
      `${QUOTA}apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  resources:
    requests: {cpu: "1"}
    limits: {memory: 1Gi}
  containers: [{name: a, image: app:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          resources: "{{ toYaml .Values.resources }}"
`,
    );
  });

  describe('scopes', () => {
    const quota = (scopes: string) => `apiVersion: v1
kind: ResourceQuota
metadata: {name: scoped, namespace: shop}
spec:
  hard: {pods: "10", limits.memory: 4Gi}
${scopes}
---
`;
    const pod = (spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
${spec}
  containers:
    - name: a
      image: app:1
`;

    it('BestEffort quotas never require values (they can only count pods)', () => {
      expectNone(check, `${quota('  scopes: [BestEffort]')}${pod('  restartPolicy: Always')}`);
    });

    it('NotBestEffort applies only to pods with some request or limit (LimitRange defaults included)', () => {
      // No request or limit at all: BestEffort, the quota does not apply.
      expectNone(check, `${quota('  scopes: [NotBestEffort]')}${pod('  restartPolicy: Always')}`);
      expectFindings(
        check,
        `${quota('  scopes: [NotBestEffort]')}apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: a
      image: app:1
      resources: {requests: {cpu: 100m}}
`,
        [{ line: 15, container: 'a', message: /ResourceQuota "scoped" \(limits\.memory\)/ }],
      );
      // A LimitRange default request makes the pod Burstable, but sets no limit: it fires.
      expectFindings(
        check,
        `${quota('  scopes: [NotBestEffort]')}apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: shop}
spec:
  limits: [{type: Container, defaultRequest: {cpu: 100m}}]
---
${pod('  restartPolicy: Always')}`,
        [{ line: 20, container: 'a' }],
      );
    });

    it('Terminating and NotTerminating follow activeDeadlineSeconds', () => {
      expectNone(check, `${quota('  scopes: [Terminating]')}${pod('  restartPolicy: Always')}`);
      expectFindings(check, `${quota('  scopes: [Terminating]')}${pod('  activeDeadlineSeconds: 600')}`, [{ line: 14, container: 'a' }]);
      expectNone(check, `${quota('  scopes: [NotTerminating]')}${pod('  activeDeadlineSeconds: 600')}`);
      expectFindings(check, `${quota('  scopes: [NotTerminating]')}${pod('  restartPolicy: Always')}`, [{ line: 14, container: 'a' }]);
      expectNone(check, `${quota('  scopes: [Terminating]')}${pod('  activeDeadlineSeconds: "${DEADLINE}"')}`);
    });

    it('PriorityClass matches the pod\'s priorityClassName; silent when the pod names none', () => {
      const selector = (op: string, values = '') => `  scopeSelector:\n    matchExpressions:\n      - {scopeName: PriorityClass, operator: ${op}${values}}`;
      expectFindings(check, `${quota(selector('In', ', values: [high]'))}${pod('  priorityClassName: high')}`, [{ line: 16, container: 'a' }]);
      expectNone(check, `${quota(selector('In', ', values: [high]'))}${pod('  priorityClassName: low')}`);
      expectFindings(check, `${quota(selector('NotIn', ', values: [high]'))}${pod('  priorityClassName: low')}`, [{ line: 16 }]);
      expectFindings(check, `${quota(selector('Exists'))}${pod('  priorityClassName: low')}`, [{ line: 16 }]);
      expectNone(check, `${quota(selector('DoesNotExist'))}${pod('  priorityClassName: low')}`);
      // No class named: a global default PriorityClass may apply, so the check cannot tell.
      expectNone(check, `${quota(selector('In', ', values: [high]'))}${pod('  restartPolicy: Always')}`);
      expectNone(check, `${quota(selector('NotIn', ', values: [high]'))}${pod('  restartPolicy: Always')}`);
    });

    it('CrossNamespacePodAffinity matches affinity terms with namespaces or a namespaceSelector; every scope must match', () => {
      const affinity = `  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 1
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            namespaceSelector: {}
            labelSelector: {matchLabels: {app: db}}`;
      expectFindings(check, `${quota('  scopes: [CrossNamespacePodAffinity]')}${pod(affinity)}`, [{ line: 21, container: 'a' }]);
      expectNone(check, `${quota('  scopes: [CrossNamespacePodAffinity]')}${pod('  restartPolicy: Always')}`);
      expectNone(check, `${quota('  scopes: [CrossNamespacePodAffinity, Terminating]')}${pod(affinity)}`);
    });

    it('is silent on unknown scopes and operators the API server rejects', () => {
      expectNone(check, `${quota('  scopes: [SomethingNew]')}${pod('  restartPolicy: Always')}`);
      expectNone(check, `${quota('  scopeSelector:\n    matchExpressions:\n      - {scopeName: Terminating, operator: DoesNotExist}')}${pod('  restartPolicy: Always')}`);
    });
  });
});
