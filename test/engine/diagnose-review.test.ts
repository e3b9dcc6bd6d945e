/**
 * kubeready diagnose: the findings of the live-cluster review (W and B items), on dumps built as
 * `kubectl get -o yaml` writes them (status and Events), and through the CLI where the exit code or
 * the output format is what matters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { diagnose, diagnoseNamespace, parseTarget, quote, type Diagnosis, type DiagnoseOptions, type NamespaceDiagnosis } from '../../src/engine/diagnose/index.js';
import { tolerates } from '../../src/model/placement.js';
import { runCli } from '../helpers/cli.js';
import { at, chain, cond, container, cstatus, deployment, event, eventV1, pod, rsPod, T0, terminated, waiting } from '../checks/runtime/fixtures.js';

type Obj = Record<string, unknown>;

function dump(...items: Obj[]): string {
  return YAML.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, { lineWidth: 0 });
}

function indexOf(text: string, ns = 'shop'): ResourceIndex {
  return new ResourceIndex(loadText(text, 'dump.yaml').resources, ns);
}

function run(items: Obj[], kind: Parameters<typeof diagnose>[1]['kind'], name: string, opts: DiagnoseOptions = {}, ns = 'shop'): Diagnosis {
  return diagnose(indexOf(dump(...items), ns), { kind, name, namespace: ns }, opts);
}

function node(name: string, o: { labels?: Record<string, string>; taints?: Obj[]; ready?: string; unschedulable?: boolean; conditions?: Obj[] } = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `n-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: { cpu: '4', memory: '8Gi' }, conditions: [{ ...cond('Ready', o.ready ?? 'True'), lastHeartbeatTime: at(10) }, ...(o.conditions ?? [])] },
  };
}

/** A Deployment whose one pod is Pending with the scheduler's message. */
function pending(podSpec: Obj, message: string): Obj[] {
  return [
    ...chain({ name: 'db', podSpec, status: { observedGeneration: 1, replicas: 1, unavailableReplicas: 1, conditions: [cond('Available', 'False', at(1), 'MinimumReplicasUnavailable')] } }, [
      rsPod('db-7d9c-a', { deploy: 'db', phase: 'Pending', spec: podSpec, conditions: [cond('PodScheduled', 'False', at(1), 'Unschedulable', message)] }),
    ]),
    eventV1({ name: 'fs', involved: { kind: 'Pod', name: 'db-7d9c-a', uid: 'p-db-7d9c-a' }, reason: 'FailedScheduling', message, eventTime: at(1), seriesCount: 4, lastObserved: at(9) }),
  ];
}

describe('W3: a Pending pod whose selected node is tainted', () => {
  const msg = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
  const nodes = [node('node-a'), node('node-b', { labels: { pool: 'db' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }), node('node-c', { labels: { pool: 'web' } })];

  it('names the taint and the node, and the fix is a toleration with the exact key, value and effect', () => {
    const d = run([...pending({ nodeSelector: { pool: 'db' } }, msg), ...nodes], 'Deployment', 'db');
    const p = d.problems.find((x) => x.check === 'pod-pending-unschedulable');
    assert.ok(p, JSON.stringify(d.problems.map((x) => x.symptom)));
    assert.match(p.cause, /^the only node that meets its nodeSelector pool=db carries a taint the pod does not tolerate: node-b \(dedicated=db:NoSchedule\)/);
    assert.equal(p.fix.yaml, 'tolerations:\n  - key: dedicated\n    operator: Equal\n    value: db\n    effect: NoSchedule');
    assert.match(p.fix.text, /^Add a toleration for dedicated=db:NoSchedule to deployment\/db's pod template/);
    assert.doesNotMatch(`${p.fix.text}\n${p.fix.yaml}`, /nodeSelector|<label>/);
    assert.ok(p.evidence.some((e) => e.object?.name === 'node-b' && /meets pool=db; taint dedicated=db:NoSchedule, not tolerated by the pod/.test(e.text)), JSON.stringify(p.evidence));
  });

  it('a pod that tolerates the taint is not blamed on it (Exists, empty key, empty effect)', () => {
    for (const tol of [{ key: 'dedicated', operator: 'Exists' }, { operator: 'Exists' }, { key: 'dedicated', value: 'db' }]) {
      const d = run([...pending({ nodeSelector: { pool: 'db' }, tolerations: [tol] }, '0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn\'t match Pod\'s node affinity/selector.'), ...nodes], 'Deployment', 'db');
      const p = d.problems.find((x) => x.check === 'pod-pending-unschedulable')!;
      assert.doesNotMatch(p.cause, /taint/, JSON.stringify(tol));
    }
  });

  it('toleration semantics', () => {
    const t = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
    assert.equal(tolerates([{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }], t), true);
    assert.equal(tolerates([{ key: 'dedicated', value: 'db' }], t), true, 'Equal is the default operator, an empty effect matches all');
    assert.equal(tolerates([{ key: 'dedicated', value: 'web' }], t), false);
    assert.equal(tolerates([{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], t), false);
    assert.equal(tolerates([{ operator: 'Exists' }], t), true, 'an empty key with Exists tolerates everything');
    assert.equal(tolerates([{ operator: 'Equal', value: 'db' }], t), false);
    assert.equal(tolerates([{ key: 'other', operator: 'Exists' }], t), false);
  });

  it('when no node has the selected label, the selector is the cause: key and value named, the values nodes have listed', () => {
    const d = run([...pending({ nodeSelector: { pool: 'dbx' } }, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."), ...nodes], 'Deployment', 'db');
    const p = d.problems.find((x) => x.check === 'pod-pending-unschedulable')!;
    assert.equal(p.cause, "no node meets the pod's nodeSelector (pool=dbx): pool=dbx: the nodes have pool=db (node-b), web (node-c)");
    assert.equal(p.fix.yaml, 'nodeSelector:\n  pool: dbx   # values nodes have: db, web');
    assert.doesNotMatch(`${p.fix.text}${p.fix.yaml}`, /<label>|<value/);
    const none = run([...pending({ nodeSelector: { disktype: 'ssd' } }, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."), ...nodes], 'Deployment', 'db');
    const q = none.problems.find((x) => x.check === 'pod-pending-unschedulable')!;
    assert.equal(q.cause, "no node meets the pod's nodeSelector (disktype=ssd): disktype=ssd: no node has the label disktype at all");
    assert.ok(q.fix.commands.includes('kubectl get nodes -L disktype'));
  });

  it('required node affinity is matched as the scheduler does (In, NotIn, Exists, terms ORed)', () => {
    const affinity = (exprs: Obj[][]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: exprs.map((e) => ({ matchExpressions: e })) } } } });
    const m = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 node(s) didn't match Pod's node affinity/selector.";
    const d = run([...pending(affinity([[{ key: 'pool', operator: 'In', values: ['db', 'x'] }]]), m), ...nodes], 'Deployment', 'db');
    assert.match(d.problems.find((x) => x.check === 'pod-pending-unschedulable')!.cause, /meets its node affinity pool In \(db, x\) carries a taint .*node-b \(dedicated=db:NoSchedule\)/);
    const e = run([...pending(affinity([[{ key: 'pool', operator: 'In', values: ['gpu'] }], [{ key: 'zone', operator: 'Exists' }]]), "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."), ...nodes], 'Deployment', 'db');
    assert.match(e.problems.find((x) => x.check === 'pod-pending-unschedulable')!.cause, /^no node meets the pod's required node affinity \(pool In \(gpu\), zone Exists\)/);
  });

  it('a node tainted for its condition (unreachable) is not fixed with a toleration', () => {
    const ns = [node('node-a', { labels: { pool: 'db' }, ready: 'Unknown', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] })];
    const d = run([...pending({ nodeSelector: { pool: 'db' } }, '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.'), ...ns], 'Deployment', 'db');
    const p = d.problems.find((x) => x.check === 'pod-pending-unschedulable')!;
    assert.match(p.cause, /node-a \(node\.kubernetes\.io\/unreachable:NoSchedule\).*must recover, a toleration is not the fix/);
    assert.equal(p.fix.yaml, null);
  });

  it('without Nodes in the input, the fix still names the selector (no <label> placeholder)', () => {
    const d = run(pending({ nodeSelector: { disktype: 'ssd' } }, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."), 'Deployment', 'db');
    const p = d.problems.find((x) => x.check === 'pod-pending-unschedulable')!;
    assert.equal(p.fix.yaml, 'nodeSelector:\n  disktype: ssd   # no node has this label value');
    assert.ok(p.fix.commands.includes('kubectl get nodes -L disktype'));
  });
});

describe('W7: an init container in CrashLoopBackOff', () => {
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'pg', namespace: 'data', uid: 'sts-pg', generation: 1 },
    spec: { replicas: 1, serviceName: 'pg', selector: { matchLabels: { app: 'pg' } }, template: { metadata: { labels: { app: 'pg' } }, spec: { initContainers: [{ name: 'init-perms', image: 'busybox:1.36' }], containers: [container({ name: 'pg', image: 'postgres:16' })] } } },
    status: { observedGeneration: 1, replicas: 1, readyReplicas: 0, availableReplicas: 0 },
  };
  const pg0 = pod({
    name: 'pg-0',
    ns: 'data',
    uid: 'p-pg-0',
    owner: { kind: 'StatefulSet', name: 'pg', uid: 'sts-pg' },
    phase: 'Pending',
    nodeName: 'node-a',
    initContainers: [{ name: 'init-perms', image: 'busybox:1.36' }],
    containers: [container({ name: 'pg', image: 'postgres:16' })],
    conditions: [cond('PodScheduled', 'True', at(0)), cond('Initialized', 'False', at(0), 'ContainersNotInitialized')],
    initContainerStatuses: [cstatus({ name: 'init-perms', ready: false, restartCount: 8, state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=init-perms'), lastState: terminated('Error', 1, at(28), 'chown: /data: Operation not permitted') })],
    containerStatuses: [cstatus({ name: 'pg', ready: false, state: waiting('PodInitializing') })],
  });
  const backoff = event({ name: 'pg-0.b', ns: 'data', involved: { kind: 'Pod', name: 'pg-0', uid: 'p-pg-0', fieldPath: 'spec.initContainers{init-perms}' }, reason: 'BackOff', message: 'Back-off restarting failed container init-perms in pod pg-0_data(p-pg-0)', count: 30, lastTimestamp: at(30) });

  it('is the one problem: no "pod stuck ... kubelet may not be reporting" beside it', () => {
    const d = run([sts, pg0, backoff], 'StatefulSet', 'pg', {}, 'data');
    assert.deepEqual(d.problems.map((p) => p.check), ['crashloop-backoff'], JSON.stringify(d.problems.map((p) => p.symptom)));
    assert.match(d.problems[0].symptom, /^init container "init-perms" is in CrashLoopBackOff \(8 restarts, last exit code 1\)/);
    assert.equal(d.status, 'broken');
  });

  it('a pod stuck creating with a Warning event from the kubelet is never said to have none', () => {
    const stuck = pod({ name: 'pg-0', ns: 'data', uid: 'p-pg-0', owner: { kind: 'StatefulSet', name: 'pg', uid: 'sts-pg' }, phase: 'Pending', nodeName: 'node-a', conditions: [cond('PodScheduled', 'True', at(0))], containerStatuses: [cstatus({ name: 'app', ready: false, state: waiting('ContainerCreating') })] });
    const warn = event({ name: 'pg-0.w', ns: 'data', involved: { kind: 'Pod', name: 'pg-0', uid: 'p-pg-0' }, reason: 'FailedKillPod', message: 'error killing pod: some runtime error', count: 3, lastTimestamp: at(30) });
    const d = run([sts, stuck, warn], 'StatefulSet', 'pg', {}, 'data');
    const p = d.problems.find((x) => x.check === 'pod-stuck-creating');
    assert.ok(p, JSON.stringify(d.problems));
    assert.doesNotMatch(JSON.stringify(p), /no Warning event|may not be reporting/);
    assert.match(p.cause, /the kubelet's latest warning about it is FailedKillPod: "error killing pod: some runtime error"/);
    // Without any event, the old wording stays.
    const quiet = run([sts, stuck], 'StatefulSet', 'pg', { now: Date.parse(at(30)) }, 'data');
    assert.match(quiet.problems.find((x) => x.check === 'pod-stuck-creating')!.cause, /may not be reporting/);
  });
});

describe('W8: a new revision whose readiness probe never succeeds, in a stuck rollout', () => {
  const rs = (name: string, rev: string, image: string, replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'shop', uid: `rs-${name}`, annotations: { 'deployment.kubernetes.io/revision': rev }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: 'd-api', controller: true }] },
    spec: { replicas, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ ...container({ name: 'api', image }), readinessProbe: { httpGet: { path: '/ready', port: 8080 } }, ports: [{ containerPort: 8080 }] }] } } },
    status: { replicas, readyReplicas: rev === '1' ? replicas : 0 },
  });
  const apiPod = (name: string, set: string, image: string, ready: boolean, started: string) =>
    pod({ name, uid: `p-${name}`, owner: { kind: 'ReplicaSet', name: set, uid: `rs-${set}` }, labels: { app: 'api' }, containers: [{ ...container({ name: 'api', image }), readinessProbe: { httpGet: { path: '/ready', port: 8080 } }, ports: [{ containerPort: 8080 }] }], conditions: [cond('Ready', ready ? 'True' : 'False', started)], containerStatuses: [cstatus({ name: 'api', image, ready, state: { running: { startedAt: started } } })], spec: {} });
  const items = [
    deployment({ name: 'api', uid: 'd-api', replicas: 3, containers: [container({ name: 'api', image: 'registry.example.com/shop/api:1.1' })], status: { observedGeneration: 1, replicas: 4, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 1, unavailableReplicas: 1, conditions: [cond('Available', 'True', at(0), 'MinimumReplicasAvailable'), cond('Progressing', 'False', at(12), 'ProgressDeadlineExceeded', 'ReplicaSet "api-6dbd" has timed out progressing.')] } }),
    rs('api-5c4b', '1', 'registry.example.com/shop/api:1.0', 3),
    rs('api-6dbd', '2', 'registry.example.com/shop/api:1.1', 1),
    apiPod('api-5c4b-a', 'api-5c4b', 'registry.example.com/shop/api:1.0', true, T0),
    apiPod('api-5c4b-b', 'api-5c4b', 'registry.example.com/shop/api:1.0', true, T0),
    apiPod('api-5c4b-c', 'api-5c4b', 'registry.example.com/shop/api:1.0', true, T0),
    { ...apiPod('api-6dbd-x', 'api-6dbd', 'registry.example.com/shop/api:1.1', false, at(11)), status: { phase: 'Running', startTime: at(11), conditions: [cond('Ready', 'False', at(11), 'ContainersNotReady')], containerStatuses: [cstatus({ name: 'api', image: 'registry.example.com/shop/api:1.1', ready: false, state: { running: { startedAt: at(11) } } })] } },
    event({ name: 'u', involved: { kind: 'Pod', name: 'api-6dbd-x', uid: 'p-api-6dbd-x', fieldPath: 'spec.containers{api}' }, reason: 'Unhealthy', message: 'Readiness probe failed: Get "http://10.244.1.9:8080/ready": dial tcp 10.244.1.9:8080: connect: connection refused', count: 6, lastTimestamp: at(13) }),
  ];

  it('the headline is the stuck rollout, naming the failing revision and image against the old one, with a rollback', () => {
    const d = run(items, 'Deployment', 'api');
    const [first, second] = d.problems;
    assert.equal(first.symptom, 'rollout stuck: revision 2 never becomes ready (ProgressDeadlineExceeded)');
    assert.match(first.cause, /^the new version \(revision 2, image registry\.example\.com\/shop\/api:1\.0 -> registry\.example\.com\/shop\/api:1\.1\) does not become available: readiness probe of container "api" failed 6 times, never succeeded in its only pod, so.*; the old version \(revision 1\) still serves \(3 of 3 replicas are available\)$/);
    assert.deepEqual(first.fix.commands.slice(0, 1), ['kubectl -n shop rollout undo deployment/api --to-revision=1']);
    assert.ok(first.evidence.some((e) => e.text === 'revision 2 (new): image registry.example.com/shop/api:1.1; 1 pod, 0 ready'), JSON.stringify(first.evidence));
    assert.ok(first.evidence.some((e) => e.text === 'revision 1: image registry.example.com/shop/api:1.0; 3 pods, 3 ready'));
    assert.match(d.symptom, /^rollout stuck: revision 2/);
    // The pod's probe: never succeeded, connection refused = nothing listens; not "intermittent".
    assert.equal(second.check, 'probe-failing');
    assert.doesNotMatch(second.cause, /intermittent/);
    assert.match(second.cause, /^the readiness probe has never succeeded since the pod started: nothing answers on port 8080 \("Readiness probe failed: .*connection refused"\): the application has not started listening, or listens on another port or address/);
    assert.doesNotMatch(second.fix.text, /timeout/);
  });

  it('a readiness probe that fails now and then on a pod that was ready stays "intermittent"', () => {
    const flapping = items.map((o) => (o as { metadata: { name: string } }).metadata.name === 'api-6dbd-x' ? { ...o, status: { phase: 'Running', startTime: at(1), conditions: [cond('Ready', 'False', at(11))], containerStatuses: [cstatus({ name: 'api', ready: false, state: { running: { startedAt: at(1) } } })] } } : o);
    const d = run(flapping, 'Deployment', 'api');
    const p = d.problems.find((x) => x.check === 'probe-failing')!;
    assert.match(p.cause, /^the readiness probe fails intermittently: nothing answers on port 8080/);
  });
});

describe('W9: the liveness fix is built from the container\'s own probe', () => {
  const redis = (probe: Obj, message: string) => {
    const cs = [{ ...container({ name: 'redis', image: 'redis:7.2' }), livenessProbe: probe }];
    return [
      ...chain({ name: 'cache', containers: cs }, [rsPod('cache-7d9c-a', { deploy: 'cache', containers: cs, containerStatuses: [cstatus({ name: 'redis', ready: false, restartCount: 7, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 137, at(8)) })] })]),
      event({ name: 'u', involved: { kind: 'Pod', name: 'cache-7d9c-a', uid: 'p-cache-7d9c-a', fieldPath: 'spec.containers{redis}' }, reason: 'Unhealthy', message, count: 21, lastTimestamp: at(8) }),
    ];
  };

  it('a tcpSocket probe stays tcpSocket on its port; connection refused is not explained as a slow probe', () => {
    const d = run(redis({ tcpSocket: { port: 6379 }, periodSeconds: 10, failureThreshold: 3 }, 'Liveness probe failed: dial tcp 10.244.0.7:6379: connect: connection refused'), 'Deployment', 'cache');
    const p = d.problems[0];
    assert.equal(p.check, 'crashloop-backoff');
    assert.equal(
      p.fix.yaml,
      [
        'containers:',
        '  - name: redis',
        '    startupProbe:   # same check: liveness waits until it first succeeds',
        '      tcpSocket: {port: 6379}',
        '      periodSeconds: 5',
        '      failureThreshold: 60   # up to 5 minutes to start',
        '    livenessProbe:',
        '      tcpSocket: {port: 6379}',
        '      periodSeconds: 10',
        '      failureThreshold: 3',
      ].join('\n'),
    );
    assert.doesNotMatch(p.fix.yaml!, /httpGet|healthz|8080/);
    assert.match(p.cause, /nothing answers on port 6379 when the probe runs \(connection refused\)/);
    assert.doesNotMatch(p.cause, /short timeout/);
  });

  it('after timeouts, only the timing changes: the same httpGet path and port, a longer timeout', () => {
    const d = run(redis({ httpGet: { path: '/live', port: 'http' }, timeoutSeconds: 1, failureThreshold: 1 }, 'Liveness probe failed: Get "http://10.244.0.7:9000/live": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'), 'Deployment', 'cache');
    const p = d.problems[0];
    assert.match(p.fix.yaml!, /livenessProbe:\n {6}httpGet: \{path: \/live, port: http\}\n {6}timeoutSeconds: 5 {3}# was 1\n {6}failureThreshold: 3 {3}# was 1/);
    assert.match(p.cause, /A probe with a short timeout \(timeoutSeconds 1\)/);
    assert.deepEqual(p.prevent.map((v) => v.check), ['liveness-failure-threshold-one']);
  });
});

describe('W5, W12: the status follows availability', () => {
  const notReady = (name: string) => rsPod(name, { conditions: [cond('Ready', 'False', at(1))], containerStatuses: [cstatus({ ready: false, state: { running: { startedAt: at(1) } } })] });
  it('a Deployment with 0 of 2 available is broken even when its problems are warnings', () => {
    const items = [
      ...chain({ replicas: 2, containers: [container({ readinessProbe: true })], status: { observedGeneration: 1, replicas: 2, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 2, conditions: [cond('Available', 'False', at(1), 'MinimumReplicasUnavailable')] } }, [notReady('web-7d9c-a'), notReady('web-7d9c-b')]),
      event({ name: 'r', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 120, lastTimestamp: at(21) }),
    ];
    const d = run(items, 'Deployment', 'web');
    assert.ok(d.problems.length > 0 && d.problems.every((p) => p.severity === 'warning'), JSON.stringify(d.problems.map((p) => [p.check, p.severity])));
    assert.equal(d.status, 'broken');
    // One of two available: degraded, not broken.
    const half = run([...chain({ replicas: 2, status: { observedGeneration: 1, replicas: 2, readyReplicas: 1, availableReplicas: 1 } }, [rsPod('web-7d9c-a', { conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })])], 'Deployment', 'web');
    assert.equal(half.status, 'degraded');
  });

  it('a DaemonSet with 0 of 1 daemon pods available is broken; 1 of 2 is degraded; scaled to 0 is healthy', () => {
    const ds = (status: Obj) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'data', uid: 'ds-agent', generation: 1 }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [container()] } } }, status: { observedGeneration: 1, ...status } });
    const zero = run([ds({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 0, numberAvailable: 0, numberUnavailable: 1 })], 'DaemonSet', 'agent', {}, 'data');
    assert.equal(zero.status, 'broken');
    assert.match(zero.symptom, /^0 of 1 daemon pods available/);
    assert.equal(run([ds({ desiredNumberScheduled: 2, numberReady: 1, numberAvailable: 1 })], 'DaemonSet', 'agent', {}, 'data').status, 'degraded');
    assert.equal(run([ds({ desiredNumberScheduled: 0, numberAvailable: 0 })], 'DaemonSet', 'agent', {}, 'data').status, 'healthy');
  });
});

describe('W10: node pressure follows its type', () => {
  const pressured = (type: string) => node('node-c', { conditions: [cond(type, 'True', at(1), `KubeletHas${type.replace('Pressure', '')}Pressure`)] });
  it('DiskPressure: image GC, log rotation, emptyDir sizeLimit, ephemeral-storage, du on the node; no memory advice', () => {
    const p = run([pressured('DiskPressure')], 'Node', 'node-c').problems[0];
    assert.equal(p.symptom, 'node node-c under DiskPressure');
    assert.match(p.cause, /short of disk/);
    for (const w of [/image garbage collection/, /log rotation/, /sizeLimit/, /ephemeral-storage requests and limits/]) assert.match(p.fix.text, w);
    assert.ok(p.fix.commands.some((c) => /kubectl debug node\/node-c .* du -xsh/.test(c)), p.fix.commands.join('\n'));
    assert.match(p.fix.yaml ?? '', /ephemeral-storage: 1Gi[\s\S]*sizeLimit: 1Gi/);
    assert.doesNotMatch(JSON.stringify(p), /memory-request-missing|emptydir-memory|sort-by=memory/);
    assert.deepEqual(p.prevent.map((v) => v.check), [null]);
  });
  it('PIDPressure: process ids, podPidsLimit, the process count', () => {
    const p = run([pressured('PIDPressure')], 'Node', 'node-c').problems[0];
    assert.match(p.cause, /short of process ids.*fork bomb/);
    assert.match(p.fix.text, /podPidsLimit/);
    assert.ok(p.fix.commands.some((c) => /\/proc\/\[0-9\]\*/.test(c)));
    assert.doesNotMatch(JSON.stringify(p), /memory/);
  });
  it('MemoryPressure: the memory text, and memory-request-missing only for the workloads on the node it fires on', () => {
    const noReq = rsPod('web-7d9c-a', { nodeName: 'node-c', containerStatuses: [cstatus()] });
    const d = run([pressured('MemoryPressure'), ...chain({}, [noReq])], 'Node', 'node-c');
    const p = d.problems[0];
    assert.match(p.fix.text, /memory/);
    assert.equal(p.prevent[0].check, 'memory-request-missing');
    assert.match(p.prevent[0].why, /it fires on deployment\/web on this node/);
    const withReq = [container({ memoryRequest: '64Mi', memoryLimit: '128Mi' })];
    const e = run([pressured('MemoryPressure'), ...chain({ containers: withReq }, [rsPod('web-7d9c-a', { containers: withReq, nodeName: 'node-c', containerStatuses: [cstatus()] })])], 'Node', 'node-c');
    assert.deepEqual(e.problems[0].prevent.map((v) => v.check), [null]);
  });
});

describe('W11: a named targetPort no selected container declares', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'healthy', namespace: 'data', uid: 'svc-h' }, spec: { selector: { app: 'healthy' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] }, status: { loadBalancer: {} } };
  const slice = (ports: Obj[] | null) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'healthy-x1', namespace: 'data', labels: { 'kubernetes.io/service-name': 'healthy' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'healthy', uid: 'svc-h', controller: true }] }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready: true } }], ports });
  const items = (ports: Obj[] | null, cports?: Obj[]) => {
    const cs = [{ ...container(), ...(cports ? { ports: cports } : {}) }];
    return [svc, slice(ports), ...chain({ name: 'healthy', containers: cs }, [pod({ name: 'healthy-7d9c-a', ns: 'data', uid: 'p-h', owner: { kind: 'ReplicaSet', name: 'healthy-7d9c', uid: 'rs-healthy' }, labels: { app: 'healthy' }, containers: cs, conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })]).map((o) => ({ ...o, metadata: { ...(o.metadata as Obj), namespace: 'data' } }))];
  };

  it('is broken, as the audit says: the slice publishes no port (ports: null) and no container declares "http"', () => {
    const d = run(items(null), 'Service', 'healthy', {}, 'data');
    assert.equal(d.status, 'broken');
    const p = d.problems[0];
    assert.equal(p.check, 'service-target-port-unresolved');
    assert.equal(p.symptom, 'Service port "web" reaches no pod: targetPort "http" is not a port name of the selected containers');
    assert.ok(p.evidence.some((e) => /EndpointSlice healthy-x1: 1 endpoint\(s\), ports: null \(no port "web" published\)/.test(e.text)), JSON.stringify(p.evidence));
    assert.ok(p.evidence.some((e) => /the pods of Deployment healthy declare no named port/.test(e.text)));
    assert.match(p.fix.yaml ?? '', /ports:\n\s+- name: http\n\s+containerPort:/);
  });

  it('a container that declares "http" (slice port published) is healthy', () => {
    const d = run(items([{ name: 'web', port: 8080, protocol: 'TCP' }], [{ name: 'http', containerPort: 8080 }]), 'Service', 'healthy', {}, 'data');
    assert.equal(d.status, 'healthy', JSON.stringify(d.problems));
  });

  it('when the pods cannot be listed, the slice alone says the port is not published', () => {
    const d = run(items(null).filter((o) => o.kind !== 'Pod'), 'Service', 'healthy', { unread: [{ kind: 'Pod', namespace: 'data', forbidden: true, reason: 'forbidden' }] }, 'data');
    assert.equal(d.problems[0]?.check, 'service-target-port-unresolved', JSON.stringify(d));
  });
});

describe('W14: evicted pods', () => {
  const evicted = (name: string, message: string, extra: Obj = {}) => ({
    ...rsPod(name, { deploy: 'healthy', nodeName: 'node-a', containers: [container({ memoryRequest: '64Mi', memoryLimit: '512Mi' })] }),
    status: { phase: 'Failed', reason: 'Evicted', message, startTime: at(1), ...extra },
  });
  const deploy = (pods: Obj[]) => chain({ name: 'healthy', containers: [container({ memoryRequest: '64Mi', memoryLimit: '512Mi' })], status: { observedGeneration: 1, replicas: 1, availableReplicas: 0, unavailableReplicas: 1 } }, pods);

  it('memory: names the node resource, the container and its usage against its request; the fix sets the request from that usage', () => {
    const d = run(deploy([evicted('healthy-7d9c-a', 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. Container app was using 900Mi, request is 64Mi, has larger consumption of memory. ')]), 'Deployment', 'healthy');
    assert.equal(d.status, 'broken');
    const p = d.problems[0];
    assert.equal(p.check, 'pod-evicted');
    assert.equal(p.symptom, 'pod evicted: node low on memory (container "app" used 900Mi, request 64Mi)');
    assert.match(p.cause, /node node-a ran low on memory: it evicts the pods using the most memory above their requests first, and container "app" was using 900Mi against a request of 64Mi/);
    // The limit (512Mi) is below the usage: raised with the request, else the API server rejects it.
    assert.ok(p.fix.commands.includes('kubectl -n shop set resources deployment/healthy -c app --requests=memory=900Mi --limits=memory=900Mi'), p.fix.commands.join('\n'));
    assert.match(p.fix.yaml ?? '', /requests:\n\s+memory: 900Mi {3}# was 64Mi/);
    // It has a memory request: memory-request-missing would not fire.
    assert.deepEqual(p.prevent.map((v) => v.check), [null]);
  });

  it('ephemeral-storage: sizeLimit and ephemeral-storage requests', () => {
    const d = run(deploy([evicted('healthy-7d9c-a', 'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 2Gi. Container app was using 12Gi, request is 0, has larger consumption of ephemeral-storage. ')]), 'Deployment', 'healthy');
    const p = d.problems[0];
    assert.match(p.fix.text, /ephemeral-storage request.*sizeLimit/);
    assert.match(p.fix.yaml ?? '', /ephemeral-storage: 12Gi {3}# was 0[\s\S]*sizeLimit/);
    assert.ok(p.fix.commands.includes('kubectl -n shop set resources deployment/healthy -c app --requests=ephemeral-storage=12Gi'));
  });

  it('a bare evicted pod is an error (nothing recreates it); evicted pods of one workload merge', () => {
    const bare = { ...pod({ name: 'lone', uid: 'p-lone', nodeName: 'node-a' }), status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. Container app was using 300Mi, request is 0, has larger consumption of memory. ' } };
    const d = run([bare], 'Pod', 'lone');
    assert.equal(d.problems[0].severity, 'error');
    assert.equal(d.status, 'broken');
    const two = run(deploy([evicted('healthy-7d9c-a', 'The node was low on resource: memory. Container app was using 900Mi, request is 64Mi, has larger consumption of memory. '), evicted('healthy-7d9c-b', 'The node was low on resource: memory. Container app was using 910Mi, request is 64Mi, has larger consumption of memory. ')]), 'Deployment', 'healthy');
    assert.equal(two.problems.filter((p) => p.check === 'pod-evicted').length, 1);
    assert.deepEqual(two.problems[0].pods, ['healthy-7d9c-a', 'healthy-7d9c-b']);
  });
});

describe('W15: a quota that requires requests and limits', () => {
  const msg = 'Error creating: pods "noreq-5d8f7-x" is forbidden: failed quota: small: must specify limits.memory for: app; requests.memory for: app';
  const items = [
    ...chain({ name: 'noreq', status: { observedGeneration: 1, replicas: 0, conditions: [cond('Available', 'False', at(1)), cond('ReplicaFailure', 'True', at(1), 'FailedCreate', msg)] } }),
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'small', namespace: 'shop', uid: 'q-small' }, spec: { hard: { 'requests.memory': '1Gi', 'limits.memory': '2Gi' } }, status: { hard: { 'requests.memory': '1Gi', 'limits.memory': '2Gi' }, used: { 'requests.memory': '0', 'limits.memory': '0' } } },
    event({ name: 'fc', involved: { kind: 'ReplicaSet', name: 'noreq-7d9c', uid: 'rs-noreq' }, reason: 'FailedCreate', message: `(combined from similar events): ${msg}`, count: 12, lastTimestamp: at(5), component: 'replicaset-controller' }),
  ];

  it('names the quota, the container and the missing fields; the fix adds them (or a LimitRange default); prevent: quota-requires-resources', () => {
    const d = run(items, 'Deployment', 'noreq');
    const p = d.problems.find((x) => x.check === 'pods-cannot-be-created')!;
    assert.equal(p.cause, 'ResourceQuota "small" limits limits.memory and requests.memory in namespace shop, so every container must state them, and container "app" has no limits.memory and requests.memory: the API server rejects each pod');
    assert.match(p.fix.text, /^Add limits\.memory and requests\.memory to container "app" in deployment\/noreq's pod template/);
    assert.match(p.fix.yaml ?? '', /- name: app\n\s+resources:\n\s+requests:\n\s+memory: <from measured usage>\n\s+limits:\n\s+memory: <from measured usage>/);
    assert.match(p.fix.yaml ?? '', /kind: LimitRange[\s\S]*defaultRequest:\n\s+memory:[\s\S]*default:\n\s+memory:/);
    assert.deepEqual(p.prevent.map((v) => v.check), ['quota-requires-resources']);
    assert.ok(p.evidence.some((e) => /^hard: requests\.memory=1Gi, limits\.memory=2Gi/.test(e.text)));
  });
});

describe('W16: quoted error text keeps its decisive end', () => {
  const img = 'registry.corp.example:5000/team/private-app:1.0';
  const message = `Failed to pull image "${img}": rpc error: code = Unknown desc = failed to pull and unpack image "${img}": failed to resolve reference "${img}": unexpected status from HEAD request to https://registry.corp.example:5000/v2/team/private-app/manifests/1.0: 401 Unauthorized`;

  it('drops the layers that repeat the reference, and keeps start and end of what is still long', () => {
    assert.equal(quote(message), `Failed to pull image "${img}": unexpected status from HEAD request to https://registry.corp.example:5000/v2/team/private-app/manifests/1.0: 401 Unauthorized`);
    const long = `start ${'x'.repeat(600)} the decisive end: 429 Too Many Requests`;
    const q = quote(long, 120);
    assert.ok(q.length <= 120, String(q.length));
    assert.match(q, /^start x+ … x+ the decisive end: 429 Too Many Requests$/);
  });

  it('the pull failure cause quotes the 401 and the event evidence keeps it', () => {
    const cs = [container({ image: img })];
    const d = run([...chain({ containers: cs }, [rsPod('web-7d9c-a', { containers: cs, phase: 'Pending', containerStatuses: [cstatus({ ready: false, image: img, state: waiting('ImagePullBackOff', `Back-off pulling image "${img}"`) })] })]), event({ name: 'f', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: `${message} ${'(retrying) '.repeat(30)}and finally: no such host`, lastTimestamp: at(2) })], 'Deployment', 'web');
    const p = d.problems[0];
    assert.match(p.cause, /and finally: no such host"$/);
    assert.ok(p.evidence.some((e) => e.source === 'event' && /no such host"$/.test(e.text)), JSON.stringify(p.evidence));
  });
});

describe('W17: Prevent lists a check only when it fires on this object', () => {
  it('liveness timeouts with failureThreshold 3 and no readiness probe: neither liveness-failure-threshold-one nor liveness-equals-readiness', () => {
    const cs = [{ ...container(), livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, timeoutSeconds: 1, failureThreshold: 3 } }];
    const d = run([
      ...chain({ containers: cs }, [rsPod('web-7d9c-a', { containers: cs, containerStatuses: [cstatus({ ready: false, restartCount: 9, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 137, at(8)) })] })]),
      event({ name: 'u', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Liveness probe failed: Get "http://10.1.0.4:8080/healthz": context deadline exceeded', count: 27, lastTimestamp: at(8) }),
    ], 'Deployment', 'web');
    const ids = d.problems[0].prevent.map((v) => v.check);
    assert.ok(!ids.includes('liveness-failure-threshold-one') && !ids.includes('liveness-equals-readiness'), ids.join(', '));
  });

  it('an OOM kill without a limit: memory-limit-missing, and memory-request-missing only when there is no memory request', () => {
    const oom = (cs: Obj[]) => run([...chain({ containers: cs }, [rsPod('web-7d9c-a', { containers: cs, containerStatuses: [cstatus({ restartCount: 1, lastState: terminated('OOMKilled', 137, at(3)) })] })])], 'Deployment', 'web').problems[0];
    assert.deepEqual(oom([container({ memoryRequest: '64Mi' })]).prevent.map((v) => v.check), ['memory-limit-missing']);
    assert.deepEqual(oom([container()]).prevent.map((v) => v.check), ['memory-limit-missing', 'memory-request-missing']);
  });

  it('a Service whose backends have readiness probes is not told service-backends-without-readiness; one whose backends have none is', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'svc-web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, status: { loadBalancer: {} } };
    const items = (cs: Obj[]) => [svc, ...chain({ containers: cs, status: { observedGeneration: 1, replicas: 1, availableReplicas: 0 } }, [rsPod('web-7d9c-a', { containers: cs, conditions: [cond('Ready', 'False', at(1))], containerStatuses: [cstatus({ ready: false, state: { running: { startedAt: at(1) } } })] })])];
    const probed = run(items([container({ readinessProbe: true })]), 'Service', 'web').problems.find((p) => p.check === 'service-no-ready-endpoints')!;
    assert.deepEqual(probed.prevent, []);
    const bare = run(items([container()]), 'Service', 'web').problems.find((p) => p.check === 'service-no-ready-endpoints')!;
    assert.deepEqual(bare.prevent.map((v) => v.check), ['service-backends-without-readiness']);
  });

  it('a NotReady node is not told pdb-missing: general advice, no check', () => {
    const p = run([node('node-c', { ready: 'Unknown' })], 'Node', 'node-c').problems[0];
    assert.equal(p.check, 'node-not-ready');
    assert.deepEqual(p.prevent.map((v) => v.check), [null]);
  });
});

describe('W18: what can be changed in place', () => {
  const cronjob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop', uid: 'cj-nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [container({ name: 'report', memoryLimit: '64Mi' })] } } } } }, status: { lastScheduleTime: at(0) } };
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nightly-29400000', namespace: 'shop', uid: 'j-n', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-nightly', controller: true }] }, spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [container({ name: 'report', memoryLimit: '64Mi' })] } } }, status: { failed: 1, conditions: [cond('Failed', 'True', at(6), 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] } };
  const jobPod = pod({ name: 'nightly-29400000-x', uid: 'p-n', owner: { kind: 'Job', name: 'nightly-29400000', uid: 'j-n', apiVersion: 'batch/v1' }, phase: 'Failed', spec: { restartPolicy: 'Never' }, containers: [container({ name: 'report', memoryLimit: '64Mi' })], containerStatuses: [cstatus({ name: 'report', ready: false, state: terminated('OOMKilled', 137, at(5)) })] });

  it("a CronJob's jobTemplate is patched in place; an OOMKilled container with restartPolicy Never is not restarted", () => {
    const d = run([cronjob, job, jobPod], 'Job', 'nightly-29400000');
    const p = d.problems.find((x) => x.check === 'container-oomkilled')!;
    assert.match(p.cause, /and, with restartPolicy Never, it is not restarted: the pod fails \(the Job may retry with a new pod, up to its backoffLimit\)/);
    assert.doesNotMatch(p.cause, /the kubelet restarts it/);
    assert.ok(p.fix.commands.some((c) => c.startsWith(`kubectl -n shop patch cronjob/nightly --type strategic -p '{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"report","resources":{"requests":{"memory":"128Mi"},"limits":{"memory":"128Mi"}}}]}}}}}}'`)), p.fix.commands.join('\n'));
    assert.doesNotMatch(JSON.stringify(p), /cannot be changed in place/);
  });

  it("a bare Pod's image is set in place; no command is a comment", () => {
    const cs = [container({ image: 'myorg/tool:9.9' })];
    const bare = pod({ name: 'nover', uid: 'p-nover', phase: 'Pending', containers: cs, containerStatuses: [cstatus({ ready: false, image: 'myorg/tool:9.9', state: waiting('ImagePullBackOff') })] });
    const d = run([bare, event({ name: 'f', involved: { kind: 'Pod', name: 'nover', uid: 'p-nover', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: 'Failed to pull image "myorg/tool:9.9": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/myorg/tool:9.9": not found', lastTimestamp: at(2) })], 'Pod', 'nover');
    const p = d.problems[0];
    assert.ok(p.fix.commands.includes('kubectl -n shop set image pod/nover app=myorg/tool:TAG   # TAG: one that exists'), p.fix.commands.join('\n'));
    assert.ok(p.fix.commands.every((c) => !/[<>]/.test(c)), 'no <placeholder> a shell would read as a redirection');
    const oom = run([pod({ name: 'lone', uid: 'p-lone', containers: [container({ memoryLimit: '64Mi' })], containerStatuses: [cstatus({ restartCount: 2, lastState: terminated('OOMKilled', 137, at(3)) })] })], 'Pod', 'lone').problems[0];
    for (const q of [p, oom]) assert.ok(q.fix.commands.every((c) => !c.trim().startsWith('#')), q.fix.commands.join('\n'));
    assert.match(oom.fix.text, /Note: the resources of pod\/lone cannot be changed in place: change them in the manifest and recreate it\.$/);
  });
});

describe('B11: references between problems say above or below correctly', () => {
  it('the pod waiting for a claim points at the claim\'s problem, which comes first', () => {
    const items = [
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop', uid: 'pvc-data', creationTimestamp: T0 }, spec: { storageClassName: 'fast-ssd', accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending' } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'x' },
      pod({ name: 'db-0', uid: 'p-db-0', phase: 'Pending', spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }, conditions: [cond('PodScheduled', 'False', at(0), 'Unschedulable', '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.')] }),
    ];
    const d = run(items, 'Pod', 'db-0');
    assert.deepEqual(d.problems.map((p) => p.check), ['pvc-pending', 'pod-pending-unschedulable']);
    assert.equal(d.problems[1].fix.text, 'The pod waits for a claim that is not bound: see problem 1 above.');
  });

  it("a Service's unready pods: their problem is named by number, above", () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'svc-web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] }, status: { loadBalancer: {} } };
    const d = run([svc, ...chain({}, [rsPod('web-7d9c-a', { conditions: [cond('Ready', 'False')], containerStatuses: [cstatus({ ready: false, restartCount: 6, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 1, at(3)) })] })])], 'Service', 'web');
    assert.deepEqual(d.problems.map((p) => p.check), ['crashloop-backoff', 'service-no-ready-endpoints']);
    assert.match(d.problems[1].cause, /\(problem 1 above\)$/);
    assert.equal(d.problems[1].fix.text, 'Fix what keeps the pods unready (problem 1 above).');
  });
});

describe('W1: a list that could not be read is never "not found" or "nothing unhealthy"', () => {
  const forbidden = (kinds: string[], ns = 'shop'): DiagnoseOptions['unread'] => kinds.map((kind) => ({ kind, namespace: ns, forbidden: true, reason: 'forbidden: deployments.apps is forbidden: User "kubeready-reader" cannot list resource "deployments"' }));
  const crashing = chain({ status: { observedGeneration: 1, replicas: 1, availableReplicas: 0 } }, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ ready: false, restartCount: 6, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 1, at(3)) })] })]);

  it('the target\'s own list forbidden: cannot tell, naming the list, not "not found"', () => {
    const d = run([], 'Deployment', 'oom-lim', { unread: forbidden(['Deployment', 'Pod']) });
    assert.equal(d.status, 'unknown');
    assert.equal(d.symptom, 'cannot tell: listing Deployments in shop is forbidden for this user');
  });

  it('diagnose -n with every list forbidden: cannot tell, not "nothing unhealthy"', () => {
    const n = diagnoseNamespace(indexOf(dump()), 'shop', { unread: forbidden(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'Service', 'PersistentVolumeClaim', 'Event']) });
    assert.equal(n.diagnoses.length, 0);
    assert.equal(n.unread, 'listing Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods, Services and PersistentVolumeClaims in shop is forbidden for this user');
    assert.ok(!n.notes.some((x) => /nothing with a status/.test(x)), n.notes.join('\n'));
    assert.ok(n.notes.some((x) => x.startsWith('not read: listing Events in shop is forbidden for this user')));
  });

  it('partial permission (Events forbidden) still diagnoses, with the gap named once', () => {
    const d = run(crashing, 'Deployment', 'web', { unread: forbidden(['Event', 'Node']) });
    assert.equal(d.status, 'broken');
    assert.equal(d.problems[0].check, 'crashloop-backoff');
    const gaps = d.notes.filter((x) => /forbidden/.test(x));
    assert.deepEqual(gaps, ['not read: listing Events and Nodes in shop is forbidden for this user: what those objects would show is missing from this diagnosis']);
    assert.ok(!d.notes.some((x) => /holds no Events/.test(x)));
    // In -n, the same gap is named once for the namespace, not under each object.
    const n = diagnoseNamespace(indexOf(dump(...crashing)), 'shop', { unread: forbidden(['Event']) });
    assert.equal(n.diagnoses.length, 1);
    assert.equal(n.unread, null);
    assert.deepEqual(n.diagnoses[0].notes.filter((x) => /forbidden/.test(x)), []);
    assert.equal(n.notes.filter((x) => /forbidden/.test(x)).length, 1);
  });

  it('Pods forbidden: a Service is not said to select no pod', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'svc-web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] }, status: { loadBalancer: {} } };
    const d = run([svc], 'Service', 'web', { unread: forbidden(['Pod', 'EndpointSlice']) });
    assert.equal(d.status, 'unknown');
    assert.equal(d.symptom, 'cannot tell: listing Pods and EndpointSlices in shop is forbidden for this user');
  });
});

describe('CLI: exit codes and where the diagnosis comes from', () => {
  const kubeconfig = (dir: string, server: string) => {
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "${server}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: not-a-secret}\ncontexts:\n- name: unreach\n  context: {cluster: c, user: u, namespace: shop}\ncurrent-context: unreach\n`);
    return file;
  };

  it('W20: an API server that refuses connections exits 4, not 2 (which means the object does not exist)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const r = await runCli(['diagnose', 'deploy/web', '-n', 'shop', '--kubeconfig', kubeconfig(dir, `https://127.0.0.1:${port}`)]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stderr, /^kubeready: context unreach: cannot reach the API server https:\/\/127\.0\.0\.1:\d+: .*: cannot tell\n$/);
    const n = await runCli(['diagnose', '-n', 'shop', '--kubeconfig', kubeconfig(dir, `https://127.0.0.1:${port}`)]);
    assert.equal(n.code, 4);
  });

  it('W20: an API server that does not answer within --request-timeout exits 4', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    const sockets: Socket[] = [];
    const srv = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const s of sockets) s.destroy();
      srv.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const r = await runCli(['diagnose', 'deploy/web', '-n', 'shop', '--request-timeout', '1s', '--kubeconfig', kubeconfig(dir, `https://127.0.0.1:${(srv.address() as AddressInfo).port}`)]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot tell/);
  });

  it('B12: the JSON says where the objects came from and when (a dump: no cluster, observedAt from the input)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'dump.yaml'), dump(...chain({}, [rsPod('web-7d9c-a', { conditions: [cond('Ready', 'True', at(3))], containerStatuses: [cstatus()] })])));
    const r = await runCli(['diagnose', 'deploy/web', '-n', 'shop', '--from', 'dump.yaml', '-o', 'json'], { cwd: dir });
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.cluster, null);
    assert.equal(d.observedAt, at(3));
    const n = JSON.parse((await runCli(['diagnose', '-n', 'shop', '--from', 'dump.yaml', '-o', 'json'], { cwd: dir })).stdout) as NamespaceDiagnosis;
    assert.equal(n.cluster, null);
    assert.equal(n.observedAt, at(3));
  });

  it('W18: a comment among the commands is printed as a note, never after "$"', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'dump.yaml'), dump(pod({ name: 'lone', uid: 'p-lone', containers: [container({ memoryLimit: '64Mi' })], containerStatuses: [cstatus({ restartCount: 2, lastState: terminated('OOMKilled', 137, at(3)) })] })));
    const r = await runCli(['diagnose', 'pod/lone', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /\$ #/);
    assert.match(r.stdout, /Note: the resources of pod\/lone cannot be changed in place/);
  });
});

describe('B4: kubectl conventions for the target', () => {
  it('KIND NAME as well as KIND/NAME; ns/NAME is the namespace; kinds diagnose does not walk are named with those it does', () => {
    assert.deepEqual(parseTarget('deploy', 'web'), { kind: 'Deployment', name: 'web' });
    assert.deepEqual(parseTarget('po', 'web-0'), { kind: 'Pod', name: 'web-0' });
    assert.deepEqual(parseTarget('ns/shop'), { namespace: 'shop' });
    assert.deepEqual(parseTarget('ns', 'shop'), { namespace: 'shop' });
    assert.ok('error' in parseTarget('deploy/web', 'x'));
    assert.deepEqual(parseTarget('pdb/web'), { kind: 'PodDisruptionBudget', name: 'web' });
    assert.deepEqual(parseTarget('poddisruptionbudget.policy', 'web'), { kind: 'PodDisruptionBudget', name: 'web' });
    for (const k of ['rc', 'netpol', 'cm']) {
      const t = parseTarget(`${k}/x`);
      assert.ok('error' in t && /^diagnose does not walk \w+ \("\w+"\); it walks: pod \(po\), deployment \(deploy\), .*namespace \(ns\)/.test(t.error), JSON.stringify(t));
    }
  });

  it('the CLI takes `diagnose deploy web` and `diagnose ns/shop`', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'dump.yaml'), dump(...chain({}, [rsPod('web-7d9c-a', { conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })])));
    const r = await runCli(['diagnose', 'deploy', 'web', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Deployment shop\/web: HEALTHY/);
    const n = await runCli(['diagnose', 'ns/shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(n.code, 0, n.stderr);
    assert.match(n.stdout, /^namespace shop: nothing unhealthy, 1 healthy/);
    const pdb = await runCli(['diagnose', 'pdb', 'web', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(pdb.code, 2);
    assert.equal(pdb.stderr, 'kubeready: PodDisruptionBudget "web" not found in namespace shop\n');
    const netpol = await runCli(['diagnose', 'netpol', 'web', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(netpol.code, 2);
    assert.match(netpol.stderr, /diagnose does not walk NetworkPolicies \("netpol"\); it walks: .*poddisruptionbudget \(pdb\), horizontalpodautoscaler \(hpa\), ingress \(ing\)/);
    const ing = await runCli(['diagnose', 'ing', 'web', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(ing.code, 2);
    assert.equal(ing.stderr, 'kubeready: Ingress "web" not found in namespace shop\n');
  });
});

describe('B1: not Ready without a readiness probe, when Nodes cannot be listed', () => {
  it('points at the node, and says the Nodes could not be read, instead of "check the readiness endpoint"', () => {
    const p0 = pod({ name: 'pinned', uid: 'p-pinned', nodeName: 'node-c', conditions: [cond('Ready', 'False', at(1))], containerStatuses: [cstatus({ ready: false, state: { running: { startedAt: T0 } } })] });
    const d = run([p0], 'Pod', 'pinned', { now: Date.parse(at(10)), unread: [{ kind: 'Node', namespace: null, forbidden: true, reason: 'forbidden' }] });
    const p = d.problems[0];
    assert.equal(p.check, 'container-not-ready');
    assert.equal(p.cause, 'the container has no readiness probe, so it is not ready only when its kubelet says so or stops reporting: the node node-c is probably NotReady or unreachable; this cannot be confirmed: listing Nodes is forbidden for this user');
  });
});

describe('W2: a Service whose Deployment is scaled to 0', () => {
  it('names the Deployment and scale, never a label mismatch with an unrelated app', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: zero, namespace: data, uid: svc-zero, creationTimestamp: "2024-05-01T10:00:00Z"}
spec: {selector: {app: scaled-zero}, ports: [{port: 80, targetPort: 8080}]}
status: {loadBalancer: {}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: scaled-zero, namespace: data, uid: d-zero, generation: 2, creationTimestamp: "2024-05-01T10:00:00Z"}
spec:
  replicas: 0
  selector: {matchLabels: {app: scaled-zero}}
  template:
    metadata: {labels: {app: scaled-zero}}
    spec: {containers: [{name: app, image: "example.com/app:1.0"}]}
status: {observedGeneration: 2}
---
apiVersion: v1
kind: Pod
metadata: {name: cache-1, namespace: data, uid: p-cache, labels: {app: cache}, creationTimestamp: "2024-05-01T10:00:00Z"}
spec: {containers: [{name: redis, image: "redis:7.2"}]}
status: {phase: Running, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: zero-abc, namespace: data, labels: {kubernetes.io/service-name: zero}, ownerReferences: [{apiVersion: v1, kind: Service, name: zero, uid: svc-zero, controller: true}]}
addressType: IPv4
endpoints: null
ports: null
`;
    const index = new ResourceIndex(loadText(text, 'dump.yaml').resources, 'data');
    const d = diagnose(index, { kind: 'Service', name: 'zero', namespace: 'data' });
    assert.equal(d.problems.length, 1);
    const p = d.problems[0];
    assert.equal(p.symptom, 'Service selects no pod: Deployment scaled-zero is scaled to 0');
    assert.match(p.cause, /matches the pods of Deployment scaled-zero, which is scaled to 0/);
    assert.deepEqual(p.fix.commands, ['kubectl -n data scale deployment/scaled-zero --replicas=2']);
    assert.doesNotMatch(JSON.stringify(p), /cache|mismatch|patch service/);
  });
});
