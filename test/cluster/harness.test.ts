/**
 * The test control plane itself (test/helpers/cluster.ts): a real etcd + kube-apiserver +
 * kube-controller-manager + kube-scheduler on 127.0.0.1, built by scripts/build-test-cluster.sh.
 * Skipped locally when the binaries are missing; under CI a missing build fails.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { clusterSkip, pinnedKubernetesVersion, processAlive, startCluster, type TestCluster } from '../helpers/cluster.js';

const NS = 'harness';
const NO_KCM = 'no kube-controller-manager binary (KUBEBUILDER_ASSETS has only kube-apiserver and etcd)';
const NO_SCHED = 'no kube-scheduler binary (KUBEBUILDER_ASSETS has only kube-apiserver and etcd)';

describe('test cluster: control plane', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startCluster();
    await cluster.kubectl(['create', 'namespace', NS]);
  });
  after(() => cluster?.stop());

  it('serves the pinned version on 127.0.0.1 with a kubeconfig that verifies its certificate', async () => {
    assert.match(cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(cluster.etcdUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    if (!process.env.KUBEBUILDER_ASSETS) assert.equal(cluster.version, `v${pinnedKubernetesVersion()}`);
    // Envtest assets (KUBEBUILDER_ASSETS) have no controller-manager or scheduler: those tests skip.
    const expected = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].filter((c) => !process.env.KUBEBUILDER_ASSETS || cluster.has(c as never));
    assert.deepEqual([...cluster.components].sort(), expected);
    const r = await cluster.kubectl(['get', '--raw', '/version']);
    assert.equal(JSON.parse(r.stdout).gitVersion, cluster.version);
    const who = await cluster.kubectl(['auth', 'whoami', '-o', 'json']);
    const status = JSON.parse(who.stdout).status.userInfo;
    assert.equal(status.username, 'kubeready-admin');
    assert.ok(status.groups.includes('system:masters'));
  });

  it('joins the shared cluster of this process instead of starting another', async () => {
    const again = await startCluster();
    assert.equal(again.server, cluster.server);
    await again.stop();
    await again.stop(); // idempotent: releases once
    assert.equal((await cluster.request('GET', '/readyz', { as: null })).status, 200);
  });

  it('the admin creates a namespace and a Deployment; the controller-manager makes a ReplicaSet and Pods', async (t) => {
    if (!cluster.has('kube-controller-manager')) return t.skip(NO_KCM);
    await cluster.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${NS} }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: app
        image: registry.example/web:1.0
        resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
`);
    const rs = await cluster.waitFor('a ReplicaSet owned by web', async () => {
      const list = await cluster.getJson(['replicasets', '-n', NS]);
      return list.items.find((x: any) => x.metadata.ownerReferences?.[0]?.name === 'web');
    });
    const pods = await cluster.waitFor('2 pods owned by the ReplicaSet', async () => {
      const list = await cluster.getJson(['pods', '-n', NS, '-l', 'app=web']);
      const owned = list.items.filter((p: any) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
      return owned.length === 2 ? owned : undefined;
    });
    assert.equal(pods.length, 2);
  });

  it('the scheduler binds a pod to a fake Ready node, and leaves one that fits nowhere Pending with FailedScheduling', async (t) => {
    if (!cluster.has('kube-scheduler')) return t.skip(NO_SCHED);
    const node = await cluster.createNode('node-a', { cpu: '2', memory: '4Gi' });
    assert.equal(node.spec.taints, undefined);
    const nodeJson = await cluster.getJson(['node', 'node-a']);
    assert.equal(nodeJson.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');

    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: { name: small, namespace: ${NS} }
spec:
  containers: [{ name: app, image: registry.example/app:1, resources: { requests: { cpu: 100m, memory: 64Mi } } }]
---
apiVersion: v1
kind: Pod
metadata: { name: huge, namespace: ${NS} }
spec:
  containers: [{ name: app, image: registry.example/app:1, resources: { requests: { cpu: "64", memory: 64Mi } } }]
`);
    const bound = await cluster.waitFor('pod small bound', async () => (await cluster.getJson(['pod', 'small', '-n', NS])).spec.nodeName);
    assert.equal(bound, 'node-a');

    const huge = await cluster.getJson(['pod', 'huge', '-n', NS]);
    const ev = await cluster.waitFor('a FailedScheduling event for huge', async () => {
      const list = await cluster.getJson(['events', '-n', NS, '--field-selector', `involvedObject.uid=${huge.metadata.uid}`]);
      return list.items.find((e: any) => e.reason === 'FailedScheduling');
    });
    assert.match(ev.message, /Insufficient cpu/);
    const after = await cluster.getJson(['pod', 'huge', '-n', NS]);
    assert.equal(after.status.phase, 'Pending');
    assert.equal(after.spec.nodeName, undefined);
    const cond = after.status.conditions.find((c: any) => c.type === 'PodScheduled');
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'Unschedulable');
  });

  it('the reader is forbidden to list secrets until bound to a ClusterRole, and again once unbound', async () => {
    const reader = { kubeconfig: cluster.readerKubeconfig, allowFail: true };
    const denied = await cluster.kubectl(['get', 'secrets', '-n', NS], reader);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /forbidden: User "kubeready-reader" cannot list resource "secrets"/);
    const who = JSON.parse((await cluster.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: cluster.readerKubeconfig })).stdout).status.userInfo;
    assert.equal(who.username, 'kubeready-reader');
    assert.deepEqual(who.groups, ['system:authenticated']);

    await cluster.apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: harness-secret-lister }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [list] }]
`);
    await cluster.bindReader('harness-secret-lister');
    await cluster.waitFor('the reader may list secrets', async () => (await cluster.kubectl(['get', 'secrets', '-n', NS], reader)).code === 0);
    const raw = await cluster.request('GET', `/api/v1/namespaces/${NS}/secrets`, { as: 'reader' });
    assert.equal(raw.status, 200);
    assert.equal((await cluster.request('GET', `/api/v1/namespaces/${NS}/configmaps`, { as: 'reader' })).status, 403);

    await cluster.unbindReader('harness-secret-lister');
    await cluster.waitFor('the reader is forbidden again', async () => (await cluster.request('GET', `/api/v1/namespaces/${NS}/secrets`, { as: 'reader' })).status === 403);
  });

  it('a pods/status patch to OOMKilled + CrashLoopBackOff shows up in kubectl get pod -o json', async () => {
    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: { name: oom, namespace: ${NS} }
spec:
  nodeName: node-a
  containers: [{ name: app, image: registry.example/app:1, resources: { limits: { memory: 64Mi } } }]
`);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await cluster.patchPodStatus(NS, 'oom', {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady' },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
      ],
      containerStatuses: [
        {
          name: 'app',
          image: 'registry.example/app:1',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 7,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now, finishedAt: now } },
        },
      ],
    });
    const pod = await cluster.getJson(['pod', 'oom', '-n', NS]);
    const cs = pod.status.containerStatuses[0];
    assert.equal(pod.status.phase, 'Running');
    assert.equal(cs.lastState.terminated.reason, 'OOMKilled');
    assert.equal(cs.lastState.terminated.exitCode, 137);
    assert.equal(cs.state.waiting.reason, 'CrashLoopBackOff');
    assert.equal(cs.restartCount, 7);

    // Events made by a test are matched by uid, ordered by eventTime or lastTimestamp.
    await cluster.createEvent({
      namespace: NS,
      involvedObject: { kind: 'Pod', name: 'oom', uid: pod.metadata.uid, fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container app',
      count: 12,
      eventTime: new Date().toISOString(),
    });
    const events = await cluster.getJson(['events', '-n', NS, '--field-selector', `involvedObject.uid=${pod.metadata.uid}`]);
    assert.equal(events.items.length, 1);
    assert.equal(events.items[0].reason, 'BackOff');
    assert.equal(events.items[0].count, 12);
  });

  it('namespace deletion and garbage collection work (controller-manager)', async (t) => {
    if (!cluster.has('kube-controller-manager')) return t.skip(NO_KCM);
    await cluster.kubectl(['delete', 'deployment', 'web', '-n', NS, '--wait=false']);
    await cluster.waitFor('the ReplicaSet and pods of web collected', async () => {
      const rs = await cluster.getJson(['replicasets', '-n', NS]);
      return rs.items.length === 0;
    });
    await cluster.kubectl(['create', 'namespace', 'harness-gone']);
    await cluster.kubectl(['delete', 'namespace', 'harness-gone', '--wait=false']);
    await cluster.waitFor('namespace harness-gone deleted', async () => (await cluster.request('GET', '/api/v1/namespaces/harness-gone')).status === 404);
  });

  it('stop() leaves no process and no temp dir', async () => {
    const pids = cluster.pids();
    assert.ok(pids.length >= cluster.components.length + 1, `components and watchdog running: ${pids.join(' ')}`);
    const dir = cluster.dir;
    await cluster.stop();
    for (const pid of pids) assert.equal(processAlive(pid), false, `pid ${pid} still alive`);
    assert.equal(existsSync(dir), false, `${dir} still exists`);
    await cluster.stop(); // idempotent
  });
});

describe('test cluster: apiserver faults (own cluster, no controllers)', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startCluster({ shared: false, controllerManager: false, scheduler: false, extraUsers: ['nobody'] });
  });
  after(() => cluster?.stop());

  it('has only etcd and kube-apiserver, and extra users with their own kubeconfig', async () => {
    assert.deepEqual([...cluster.components].sort(), ['etcd', 'kube-apiserver']);
    const who = JSON.parse((await cluster.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: cluster.users.nobody.kubeconfig })).stdout);
    assert.equal(who.status.userInfo.username, 'nobody');
    assert.equal((await cluster.request('GET', '/api/v1/pods', { as: 'nobody' })).status, 403);
  });

  it('a frozen apiserver makes requests time out; thawed it answers again', async () => {
    cluster.freezeApiServer();
    try {
      await assert.rejects(cluster.request('GET', '/api/v1/namespaces', { timeoutMs: 1000 }), /timed out/);
    } finally {
      cluster.thawApiServer();
    }
    assert.equal((await cluster.request('GET', '/api/v1/namespaces')).status, 200);
  });

  it('stopApiServer() makes later connections fail with ECONNREFUSED', async () => {
    await cluster.stopApiServer();
    assert.equal(cluster.has('kube-apiserver'), false);
    await assert.rejects(cluster.request('GET', '/version', { timeoutMs: 3000 }), /ECONNREFUSED/);
    const pids = cluster.pids();
    await cluster.stop();
    for (const pid of pids) assert.equal(processAlive(pid), false, `pid ${pid} still alive`);
  });
});
