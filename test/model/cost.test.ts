import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import type { Workload } from '../../src/model/types.js';
import { otherTemplates } from '../../src/model/workload.js';
import {
  COST_KINDS,
  DEFAULT_PRICES,
  costOf,
  describeCost,
  hourlyPrice,
  limitRangeDefaults,
  namespaceCosts,
  podEnvelope,
  replicaRange,
  resolvePrices,
  type WorkloadCost,
} from '../../src/model/cost.js';

const Mi = 2 ** 20;
const Gi = 2 ** 30;

function indexOf(yaml: string, file = 'app/all.yaml'): ResourceIndex {
  return new ResourceIndex(loadText(yaml, file).resources);
}

function workload(index: ResourceIndex, name: string): Workload {
  const w = index.workloads.find((x) => x.resource.name === name);
  assert.ok(w, `workload ${name}`);
  return w;
}

function cost(yaml: string, name: string, opts?: { nodes?: number | null }): WorkloadCost {
  const index = indexOf(yaml);
  const c = costOf(index, workload(index, name), DEFAULT_PRICES, opts);
  assert.ok(c, 'cost computed');
  return c;
}

function close(actual: number | null | undefined, expected: number, msg?: string): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${msg ?? ''} ${actual} != ${expected}`);
}

describe('cost model', () => {
  it('documents its defaults: Fargate on-demand prices and 730 hours a month', () => {
    assert.deepEqual({ ...DEFAULT_PRICES }, { cpuPerHour: 0.04048, memoryGiBPerHour: 0.004445, currency: 'USD', hoursPerMonth: 730 });
    assert.ok(Object.isFrozen(DEFAULT_PRICES));
    close(hourlyPrice({ cpu: 1, memory: Gi }, DEFAULT_PRICES), 0.044925);
    assert.deepEqual(resolvePrices({ cpuPerHour: 0.02, currency: 'EUR', hoursPerMonth: -1 }), { ...DEFAULT_PRICES, cpuPerHour: 0.02, currency: 'EUR' });
    assert.deepEqual(COST_KINDS, ['LimitRange', 'HorizontalPodAutoscaler', 'ScaledObject', 'RuntimeClass']);
  });

  it('sums the containers of a pod, multiplies by replicas, prices the requests and bounds the worst case by the limits', () => {
    const c = cost(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: app:1
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {cpu: "1", memory: 512Mi}
        - name: proxy
          image: proxy:1
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 200m, memory: 128Mi}
`,
      'web',
    );
    close(c.pod.requests.cpu, 0.35);
    assert.equal(c.pod.requests.memory, 384 * Mi);
    close(c.pod.limits.cpu, 1.2);
    assert.equal(c.pod.limits.memory, 640 * Mi);
    assert.deepEqual([c.replicas.now, c.replicas.min, c.replicas.max, c.replicas.unit, c.replicas.source], [3, 3, 3, 'replicas', 'replicas']);
    close(c.requests.now.cpu, 1.05);
    assert.equal(c.requests.now.memory, 3 * 384 * Mi);
    close(c.limitsAtMax.cpu, 3.6);
    assert.equal(c.limitsAtMax.memory, 3 * 640 * Mi);
    close(c.overcommit.cpu, 1.2 / 0.35);
    close(c.overcommit.memory, 640 / 384);
    const hourly = 1.05 * 0.04048 + 1.125 * 0.004445;
    close(c.hourly.now, hourly);
    close(c.monthly?.now, hourly * 730);
    close(c.monthlyAtLimits, (3.6 * 0.04048 + 1.875 * 0.004445) * 730);
    assert.equal(c.incomplete, false);
    assert.deepEqual(c.gaps, []);
    assert.equal(c.namespace, 'shop');
    assert.equal(c.currency, 'USD');
    assert.equal(describeCost(c), 'per pod 350m CPU, 384Mi memory; x3 replicas: 1.05 CPU, 1.1Gi memory, about USD 34.68/month; worst case (limits at max) 3.6 CPU, 1.9Gi memory');
  });

  it('takes the request from the limit when only the limit is set (API defaulting)', () => {
    const c = cost(
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: a:1
      resources: {limits: {cpu: 500m, memory: 1Gi}}
`,
      'p',
    );
    assert.deepEqual(c.pod.requests, { cpu: 0.5, memory: Gi });
    assert.equal(c.overcommit.memory, 1);
    assert.equal(c.incomplete, false);
    assert.deepEqual([c.replicas.now, c.replicas.unit, c.replicas.source], [1, 'replicas', 'pod']);
  });

  it('init container larger than the app containers: the pod request is the init container\'s', () => {
    const c = cost(
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      initContainers:
        - name: restore
          image: restore:1
          resources: {requests: {cpu: "2", memory: 2Gi}, limits: {cpu: "2", memory: 2Gi}}
      containers:
        - name: db
          image: db:1
          resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: "1", memory: 1Gi}}
`,
      'db',
    );
    assert.deepEqual(c.pod.requests, { cpu: 2, memory: 2 * Gi });
    assert.deepEqual(c.pod.limits, { cpu: 2, memory: 2 * Gi });
    assert.deepEqual(c.pod.initDominates, { cpu: true, memory: true });
    assert.deepEqual([c.replicas.now, c.replicas.source], [1, 'default']);
  });

  it('native sidecars count as long-running, and run alongside the init containers listed after them', () => {
    const c = cost(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: mesh
          image: proxy:1
          restartPolicy: Always
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
        - name: warm
          image: warm:1
          resources: {requests: {cpu: "1", memory: 100Mi}, limits: {memory: 100Mi}}
        - name: logs
          image: logs:1
          restartPolicy: Always
          resources: {requests: {cpu: 50m, memory: 32Mi}, limits: {memory: 32Mi}}
      containers:
        - name: app
          image: app:1
          resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 1Gi}}
`,
      'web',
    );
    // CPU: running = 100m + 50m + 500m = 650m; init phase = warm 1 + mesh 100m = 1.1 > 650m.
    close(c.pod.requests.cpu, 1.1);
    assert.equal(c.pod.initDominates.cpu, true);
    // Memory: running = 64 + 32 + 1024 Mi; init phase = 100 + 64 Mi.
    assert.equal(c.pod.requests.memory, (64 + 32 + 1024) * Mi);
    assert.equal(c.pod.initDominates.memory, false);
    // No CPU limit anywhere: unbounded.
    assert.equal(c.pod.limits.cpu, null);
    assert.equal(c.limitsAtMax.cpu, null);
    assert.equal(c.monthlyAtLimits, null);
    assert.equal(c.overcommit.cpu, null);
    assert.deepEqual(
      c.gaps.map((g) => `${g.container}:${g.section}.${g.resource}:${g.reason}`),
      ['mesh:limits.cpu:unset', 'warm:limits.cpu:unset', 'logs:limits.cpu:unset', 'app:limits.cpu:unset'],
    );
    assert.equal(c.incomplete, false, 'a missing limit does not make the request figure a lower bound');
    assert.match(describeCost(c), /worst case unbounded: no CPU limit$/);
  });

  it('LimitRange defaults fill requests and limits (Container items only, same namespace)', () => {
    const yaml = `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Pod
      max: {cpu: "8", memory: 8Gi}
    - type: Container
      default: {cpu: 500m, memory: 512Mi}
      defaultRequest: {cpu: 100m}
---
apiVersion: v1
kind: LimitRange
metadata: {name: elsewhere, namespace: other}
spec:
  limits: [{type: Container, defaultRequest: {cpu: "4", memory: 4Gi}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: app:1
        - name: sized
          image: app:1
          resources: {requests: {cpu: 200m, memory: 300Mi}, limits: {memory: 1Gi}}
`;
    const c = cost(yaml, 'web');
    // app: request cpu 100m (defaultRequest), memory 512Mi (from default); sized: its own.
    close(c.pod.requests.cpu, 0.3);
    assert.equal(c.pod.requests.memory, 812 * Mi);
    close(c.pod.limits.cpu, 1);
    assert.equal(c.pod.limits.memory, 1536 * Mi);
    assert.equal(c.incomplete, false);
    const index = indexOf(yaml);
    const d = limitRangeDefaults(index, 'shop', workload(index, 'web').resource);
    assert.equal(d.items.length, 1, 'the Pod item is not a container default');
    assert.deepEqual(
      [...d.request.entries()].map(([k, v]) => [k, v.value, v.sources[0].field, v.sources[0].path.join('.')]),
      [
        ['cpu', 0.1, 'defaultRequest', 'spec.limits.1.defaultRequest.cpu'],
        ['memory', 512 * Mi, 'default', 'spec.limits.1.default.memory'],
      ],
    );
  });

  it('LimitRange max alone sets both defaults; min sets the request; later items override earlier ones', () => {
    const index = indexOf(`apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: t}
spec:
  limits:
    - type: Container
      max: {cpu: "2"}
      min: {memory: 64Mi}
    - type: Container
      defaultRequest: {cpu: 250m}
`);
    const d = limitRangeDefaults(index, 't');
    assert.equal(d.limit.get('cpu')?.value, 2);
    assert.equal(d.limit.get('cpu')?.sources[0].field, 'max');
    assert.equal(d.request.get('cpu')?.value, 0.25);
    assert.equal(d.request.get('memory')?.value, 64 * Mi);
    assert.equal(d.request.get('memory')?.sources[0].field, 'min');
    assert.equal(d.limit.has('memory'), false);
  });

  it('several LimitRanges: equal values agree; different ones conflict and keep the figure a lower bound', () => {
    const yaml = `apiVersion: v1
kind: LimitRange
metadata: {name: a, namespace: t}
spec: {limits: [{type: Container, defaultRequest: {memory: 256Mi, cpu: 100m}}]}
---
apiVersion: v1
kind: LimitRange
metadata: {name: b, namespace: t}
spec: {limits: [{type: Container, defaultRequest: {memory: 512Mi, cpu: 0.1}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: t}
spec:
  containers: [{name: a, image: a:1}]
`;
    const index = indexOf(yaml);
    const d = limitRangeDefaults(index, 't');
    assert.equal(d.request.get('cpu')?.conflicting, false);
    assert.equal(d.request.get('cpu')?.value, 0.1);
    assert.deepEqual(d.request.get('cpu')?.names, ['a', 'b']);
    assert.equal(d.request.get('memory')?.conflicting, true);
    assert.equal(d.request.get('memory')?.value, undefined);
    const c = cost(yaml, 'p');
    assert.equal(c.pod.requests.memory, 256 * Mi);
    assert.equal(c.incomplete, true);
    assert.deepEqual(c.incompleteContainers, ['a']);
    assert.equal(c.gaps.find((g) => g.section === 'requests')?.reason, 'conflicting');
  });

  it('a container without a request makes the figure a lower bound, naming the container; templated quantities too', () => {
    const c = cost(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: app:1
          resources: {requests: {cpu: 500m, memory: "{{ .Values.memory }}"}}
        - name: sidecar
          image: s:1
`,
      'web',
    );
    close(c.pod.requests.cpu, 0.5);
    assert.equal(c.pod.requests.memory, 0);
    assert.equal(c.incomplete, true);
    assert.deepEqual(c.incompleteContainers, ['app', 'sidecar']);
    assert.deepEqual(
      c.gaps.filter((g) => g.section === 'requests').map((g) => `${g.container}:${g.resource}:${g.reason}`),
      ['app:memory:templated', 'sidecar:cpu:unset', 'sidecar:memory:unset'],
    );
    assert.match(describeCost(c), /lower bound: request not counted for CPU on "sidecar"; memory on "app", "sidecar"$/);
  });

  it('templated resources (the whole block, or the limits a request would default from) are gaps, not "unset"', () => {
    const c = cost(
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, resources: "\${RESOURCES}"}
    - {name: b, image: b:1, resources: {limits: "{{ .Values.limits }}"}}
`,
      'p',
    );
    assert.deepEqual(
      c.gaps.map((g) => `${g.container}:${g.section}.${g.resource}:${g.reason}`),
      ['a:requests.cpu:templated', 'a:requests.memory:templated', 'a:limits.cpu:templated', 'a:limits.memory:templated', 'b:requests.cpu:templated', 'b:requests.memory:templated', 'b:limits.cpu:templated', 'b:limits.memory:templated'],
    );
    assert.equal(c.incomplete, true);
    assert.deepEqual(c.pod.limits, { cpu: null, memory: null });
  });

  it('replicas: HPA floor and ceiling (spec.replicas moved into the range), KEDA defaults, invalid HPAs left out', () => {
    const base = (extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: app:1
          resources: {requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "1", memory: 1Gi}}
---
${extra}`;
    const hpa = cost(
      base(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
`),
      'web',
    );
    assert.deepEqual([hpa.replicas.now, hpa.replicas.min, hpa.replicas.max, hpa.replicas.source], [2, 2, 10, 'hpa']);
    assert.deepEqual(hpa.replicas.autoscalers.map((a) => a.name), ['web']);
    assert.deepEqual(hpa.requests.max, { cpu: 10, memory: 10 * Gi });
    assert.deepEqual(hpa.limitsAtMax, { cpu: 10, memory: 10 * Gi });
    close(hpa.monthly?.min, 2 * 0.044925 * 730);
    close(hpa.monthly?.max, 10 * 0.044925 * 730);
    assert.match(describeCost(hpa), /x2 replicas \(2-10 by HorizontalPodAutoscaler "web"\): 2 CPU, 2Gi memory, about USD 65\.59\/month \(USD 65\.59 to USD 328\)/);

    const noMax = cost(
      base(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: broken, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
`),
      'web',
    );
    assert.deepEqual([noMax.replicas.now, noMax.replicas.min, noMax.replicas.max, noMax.replicas.source], [1, 1, 1, 'replicas']);
    assert.match(noMax.notes[0], /HorizontalPodAutoscaler "broken" has no maxReplicas: the API server rejects it/);

    const keda = cost(
      base(`apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: web-scaler, namespace: shop}
spec:
  scaleTargetRef: {name: web}
  triggers: [{type: cron, metadata: {timezone: UTC, start: 0 8 * * *, end: 0 18 * * *, desiredReplicas: "4"}}]
`),
      'web',
    );
    assert.deepEqual([keda.replicas.now, keda.replicas.min, keda.replicas.max, keda.replicas.source], [1, 0, 100, 'keda']);
    assert.deepEqual(keda.requests.min, { cpu: 0, memory: 0 });

    const templatedMax = cost(
      base(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: "{{ .Values.max }}"
`),
      'web',
    );
    assert.equal(templatedMax.replicas.max, null);
    assert.equal(templatedMax.requests.max, null);
    assert.deepEqual(templatedMax.limitsAtMax, { cpu: null, memory: null });
    assert.equal(templatedMax.monthly?.max, null);
  });

  it('returns null when the replica count is templated', () => {
    const index = indexOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: \${REPLICAS}
  template:
    spec:
      containers: [{name: a, image: a:1}]
`);
    assert.equal(costOf(index, workload(index, 'web')), null);
    assert.equal(replicaRange(index, workload(index, 'web')), null);
  });

  it('DaemonSets: per node, or times a given node count', () => {
    const yaml = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ops}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: agent:1
          resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {memory: 128Mi}}
`;
    const per = cost(yaml, 'agent');
    assert.deepEqual([per.replicas.now, per.replicas.unit], [1, 'per-node']);
    assert.match(describeCost(per), /; per node: 50m CPU, 64Mi memory, about USD/);
    const nodes = cost(yaml, 'agent', { nodes: 12 });
    assert.deepEqual([nodes.replicas.now, nodes.replicas.max, nodes.replicas.unit], [12, 12, 'nodes']);
    close(nodes.requests.now.cpu, 0.6);
    assert.equal(nodes.limitsAtMax.memory, 12 * 128 * Mi);
  });

  it('Jobs and CronJobs: per run (parallelism, capped by completions), hourly only', () => {
    const c = cost(
      `apiVersion: batch/v1
kind: Job
metadata: {name: backfill}
spec:
  parallelism: 5
  completions: 3
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: run
          image: run:1
          resources: {requests: {cpu: "1", memory: 2Gi}, limits: {memory: 2Gi}}
`,
      'backfill',
    );
    assert.deepEqual([c.replicas.now, c.replicas.unit, c.replicas.source], [3, 'per-run', 'parallelism']);
    assert.equal(c.monthly, null);
    assert.equal(c.monthlyAtLimits, null);
    close(c.hourly.now, 3 * (0.04048 + 2 * 0.004445));
    assert.match(describeCost(c), /x3 pods per run: 3 CPU, 6Gi memory, about USD 0\.15 per hour of run/);
    const cj = cost(
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: c:1, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
`,
      'nightly',
    );
    assert.deepEqual([cj.replicas.now, cj.replicas.unit, cj.replicas.source], [1, 'per-run', 'default']);
  });

  it('adds the pod overhead (written, or from a RuntimeClass in the input) and honours pod-level resources', () => {
    const c = cost(
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  overhead: {cpu: 250m, memory: 120Mi}
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 250m, memory: 136Mi}, limits: {cpu: 250m, memory: 136Mi}}}]
`,
      'p',
    );
    assert.deepEqual(c.pod.requests, { cpu: 0.5, memory: 256 * Mi });
    assert.deepEqual(c.pod.limits, { cpu: 0.5, memory: 256 * Mi });
    const rc = cost(
      `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: kata}
handler: kata
overhead:
  podFixed: {cpu: 100m, memory: 64Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  runtimeClassName: kata
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
`,
      'p',
    );
    assert.deepEqual(rc.pod.overhead, { cpu: 0.1, memory: 64 * Mi });
    assert.deepEqual(rc.pod.requests, { cpu: 0.2, memory: 128 * Mi });
    assert.match(rc.notes.join(' '), /RuntimeClass "kata"/);
    const podLevel = cost(
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources:
    requests: {cpu: "1", memory: 1Gi}
    limits: {cpu: "2", memory: 2Gi}
  containers: [{name: a, image: a:1}, {name: b, image: b:1}]
`,
      'p',
    );
    assert.deepEqual(podLevel.pod.requests, { cpu: 1, memory: Gi });
    assert.deepEqual(podLevel.pod.limits, { cpu: 2, memory: 2 * Gi });
    assert.deepEqual(podLevel.pod.podLevel, { cpu: true, memory: true });
    assert.equal(podLevel.incomplete, false);
  });

  it('namespaceCosts: sums per namespace, keeping replicated, per-node and per-run figures apart', () => {
    const index = indexOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: a, image: a:1, resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {cpu: "1", memory: 512Mi}}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: a, image: a:1, resources: {requests: {cpu: "1", memory: 2Gi}}}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: a, image: a:1, resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 50m, memory: 64Mi}}}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: a, image: a:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tpl, namespace: shop}
spec:
  replicas: "{{ .Values.replicas }}"
  template:
    spec:
      containers: [{name: a, image: a:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers: [{name: a, image: a:1, resources: {requests: {cpu: 250m, memory: 256Mi}}}]
`);
    const prices = resolvePrices({ cpuPerHour: 0.03, memoryGiBPerHour: 0.004, currency: 'EUR' });
    const all = namespaceCosts(index, prices);
    assert.deepEqual(all.map((n) => n.namespace), ['default', 'shop']);
    const shop = all[1];
    assert.deepEqual(shop.workloads.map((w) => w.name), ['web', 'db', 'agent', 'once']);
    assert.deepEqual(shop.skipped.map((r) => r.name), ['tpl']);
    assert.equal(shop.currency, 'EUR');
    assert.equal(shop.running?.workloads, 2);
    assert.deepEqual(shop.running?.requests.now, { cpu: 4, memory: 7 * Gi });
    assert.deepEqual(shop.running?.limitsAtMax, { cpu: null, memory: null }, 'db has no limits: unbounded');
    close(shop.running?.monthly?.now, (4 * 0.03 + 7 * 0.004) * 730);
    assert.equal(shop.running?.incomplete, false);
    assert.equal(shop.perNode?.workloads, 1);
    assert.deepEqual(shop.perNode?.limitsAtMax, { cpu: 0.05, memory: 64 * Mi });
    assert.equal(shop.perRun?.workloads, 1);
    assert.equal(shop.perRun?.monthly, null);
    assert.equal(shop.perRun?.incomplete, true);
    assert.equal(all[0].running?.workloads, 1);
    assert.equal(all[0].perNode, null);
    // With a node count the DaemonSet joins the running total.
    const withNodes = namespaceCosts(index, prices, { nodes: 10 })[1];
    assert.equal(withNodes.perNode, null);
    close(withNodes.running?.requests.now.cpu, 4.5);
  });

  it('podEnvelope reports the same figures costOf uses', () => {
    const index = indexOf(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m}}}]
`);
    const { pod, gaps } = podEnvelope(index, workload(index, 'p'));
    close(pod.requests.cpu, 0.1);
    assert.deepEqual(gaps.map((g) => `${g.section}.${g.resource}:${g.reason}`), ['requests.memory:unset', 'limits.cpu:unset', 'limits.memory:unset']);
  });
});

describe('cost: LeaderWorkerSet groups', () => {
  const lws = (leader: boolean, size = 'size: 4', hpa = '') => `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: vllm}
spec:
  replicas: 3
  leaderWorkerTemplate:
    ${size}
${leader ? `    leaderTemplate:
      spec:
        containers: [{name: leader, image: vllm:1, resources: {requests: {cpu: "2", memory: 8Gi}}}]
` : ''}    workerTemplate:
      spec:
        containers: [{name: worker, image: vllm:1, resources: {requests: {cpu: "4", memory: 16Gi}}}]
${hpa}`;
  const templates = (yaml: string) => {
    const index = indexOf(yaml);
    const w = workload(index, 'vllm');
    return [w, ...otherTemplates(w)].map((x) => ({ template: String(x.podSpecPath[x.podSpecPath.length - 2]), range: replicaRange(index, x) }));
  };

  it('counts replicas x (size - 1) worker pods beside replicas leaders', () => {
    const t = templates(lws(true));
    assert.deepEqual(t.map((x) => [x.template, x.range?.now]), [['leaderTemplate', 3], ['workerTemplate', 9]]);
  });

  it('without a leaderTemplate the workerTemplate makes every pod of a group: replicas x size', () => {
    const t = templates(lws(false));
    assert.deepEqual(t.map((x) => [x.template, x.range?.now]), [['workerTemplate', 12]]);
  });

  it('size defaults to 1 (no workers); a templated size leaves the count unknown', () => {
    assert.deepEqual(templates(lws(true, '')).map((x) => x.range?.now), [3, 0]);
    assert.equal(templates(lws(true, 'size: "{{ .Values.size }}"'))[1].range, null);
  });

  it('an autoscaler scales the groups: both templates follow it', () => {
    const hpa = `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: vllm}
spec:
  scaleTargetRef: {apiVersion: leaderworkerset.x-k8s.io/v1, kind: LeaderWorkerSet, name: vllm}
  minReplicas: 2
  maxReplicas: 5
`;
    const t = templates(lws(true, 'size: 4', hpa));
    assert.deepEqual(t.map((x) => [x.range?.min, x.range?.max]), [[2, 5], [6, 15]]);
  });
});

describe('cost: KubeRay multi-host worker groups', () => {
  it('counts replicas x numOfHosts pods per worker group (default 1); the head is one pod', () => {
    const yaml = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: maxtext}
spec:
  headGroupSpec:
    template:
      spec:
        containers: [{name: head, image: rayproject/ray:2.9.0, resources: {requests: {cpu: "1", memory: 4Gi}}}]
  workerGroupSpecs:
    - groupName: tpu
      replicas: 2
      numOfHosts: 4
      template:
        spec:
          containers: [{name: worker, image: rayproject/ray:2.9.0, resources: {requests: {cpu: "8", memory: 32Gi}}}]
    - groupName: cpu
      replicas: 3
      template:
        spec:
          containers: [{name: worker, image: rayproject/ray:2.9.0, resources: {requests: {cpu: "1", memory: 1Gi}}}]
`;
    const index = indexOf(yaml);
    const w = workload(index, 'maxtext');
    assert.deepEqual([w, ...otherTemplates(w)].map((x) => replicaRange(index, x)?.now), [1, 8, 3]);
  });

  it('under the in-tree autoscaler each worker group ranges from minReplicas (default 0) to maxReplicas (unset: no ceiling), times numOfHosts', () => {
    const yaml = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: serve}
spec:
  enableInTreeAutoscaling: true
  headGroupSpec:
    template:
      spec:
        containers: [{name: head, image: rayproject/ray:2.9.0, resources: {requests: {cpu: "1", memory: 4Gi}}}]
  workerGroupSpecs:
    - groupName: gpu
      replicas: 1
      minReplicas: 1
      maxReplicas: 4
      numOfHosts: 2
      template:
        spec:
          containers: [{name: worker, image: rayproject/ray:2.9.0, resources: {requests: {cpu: "4", memory: 16Gi}}}]
    - groupName: cpu
      replicas: 2
      template:
        spec:
          containers: [{name: worker, image: rayproject/ray:2.9.0, resources: {requests: {cpu: "1", memory: 1Gi}}}]
`;
    const index = indexOf(yaml);
    const w = workload(index, 'serve');
    const ranges = [w, ...otherTemplates(w)].map((x) => replicaRange(index, x));
    assert.deepEqual(ranges.map((x) => [x?.now, x?.min, x?.max]), [[1, 1, 1], [2, 2, 8], [2, 0, null]]);
    assert.match(ranges[1]!.notes.join(' '), /KubeRay autoscaler \(enableInTreeAutoscaling\) scales this worker group between minReplicas 1 and maxReplicas 4/);
    assert.match(ranges[2]!.notes.join(' '), /between minReplicas 0 and no ceiling \(maxReplicas unset\)/);
    // Without enableInTreeAutoscaling, minReplicas and maxReplicas do nothing.
    const fixed = indexOf(yaml.replace('  enableInTreeAutoscaling: true\n', ''));
    const f = workload(fixed, 'serve');
    assert.deepEqual([f, ...otherTemplates(f)].map((x) => { const r = replicaRange(fixed, x); return [r?.now, r?.min, r?.max]; }), [[1, 1, 1], [2, 2, 2], [2, 2, 2]]);
  });
});
