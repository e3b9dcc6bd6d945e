/**
 * `kubeready diagnose` and the runtime checks against a real API server (test/helpers/cluster.ts:
 * etcd, kube-apiserver, controller-manager and scheduler on 127.0.0.1; no kubelet). Runtime states
 * are made real through the API: the controller-manager creates the ReplicaSets and Pods, the
 * scheduler binds pods to fake Nodes or records FailedScheduling, the endpoint-slice and
 * persistent-volume controllers write their slices and events; pod statuses (OOMKilled,
 * CrashLoopBackOff) are written through pods/status, and Events are created with involvedObject.uid.
 *
 * Skipped locally when the binaries are missing (clusterSkip says why); under CI it fails instead.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterSkip, READER_USER, startCluster, type TestCluster } from '../helpers/cluster.js';
import { runCli } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';
import type { Diagnosis, NamespaceDiagnosis } from '../../src/engine/diagnose/index.js';
import type { Report } from '../../src/engine/report-types.js';

const NS = 'diag';
const RBAC = new URL('../../deploy/rbac.yaml', import.meta.url);

type Json = Record<string, any>;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('diagnose against a real API server', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  let kubeconfig: string;
  const pods: Record<string, Json> = {};

  /** The pods of a Deployment, once the controller-manager has created them. */
  async function podsOf(app: string, n: number): Promise<Json[]> {
    return cluster.waitFor(`${n} pod(s) of ${app}`, async () => {
      const l = await cluster.getJson(['pods', '-n', NS, '-l', `app=${app}`]);
      return l.items.length >= n ? (l.items as Json[]) : undefined;
    });
  }

  before(async () => {
    cluster = await startCluster();
    kubeconfig = cluster.adminKubeconfig;
    await cluster.createNode('diag-node-1', { memory: '8Gi', cpu: '4' });
    await cluster.apply(`
apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${NS} }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: app
        image: registry.example/web:1.0
        resources: { requests: { cpu: 10m, memory: 64Mi }, limits: { memory: 128Mi } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: huge, namespace: ${NS} }
spec:
  replicas: 1
  selector: { matchLabels: { app: huge } }
  template:
    metadata: { labels: { app: huge } }
    spec:
      containers:
      - name: app
        image: registry.example/huge:1.0
        resources: { requests: { cpu: 100m, memory: 64Gi }, limits: { memory: 64Gi } }
---
apiVersion: v1
kind: Service
metadata: { name: frontend, namespace: ${NS} }
spec:
  selector: { app: webb }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: diag-standard }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: ${NS} }
spec:
  storageClassName: fast-ssd
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
`);
    // web: its pod OOMKilled 4 times, now in CrashLoopBackOff; the kubelet's BackOff event by uid.
    const [web] = await podsOf('web', 1);
    pods.web = web;
    await cluster.waitFor('web bound to a node', async () => (await cluster.getJson(['pod', '-n', NS, web.metadata.name])).spec.nodeName);
    await cluster.patchPodStatus(NS, web.metadata.name, {
      phase: 'Running',
      startTime: ago(30),
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(30) },
        { type: 'Initialized', status: 'True', lastTransitionTime: ago(30) },
        { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: ago(25) },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: ago(25) },
      ],
      containerStatuses: [
        {
          name: 'app',
          image: 'registry.example/web:1.0',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 1m20s restarting failed container=app pod=${web.metadata.name}_${NS}(${web.metadata.uid})` } },
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: ago(3), finishedAt: ago(2), containerID: 'containerd://0' } },
        },
      ],
    });
    await cluster.createEvent({
      namespace: NS,
      involvedObject: { kind: 'Pod', name: web.metadata.name, uid: web.metadata.uid, fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: `Back-off restarting failed container app in pod ${web.metadata.name}_${NS}(${web.metadata.uid})`,
      count: 9,
      time: ago(1),
      source: 'kubelet',
    });
    // An event about an earlier pod of the same name (another uid) must not be attributed.
    await cluster.createEvent({
      namespace: NS,
      involvedObject: { kind: 'Pod', name: web.metadata.name, uid: '00000000-0000-0000-0000-000000000000', fieldPath: 'spec.containers{app}' },
      reason: 'Failed',
      message: 'Error: ImagePullBackOff (an earlier pod)',
      time: ago(1),
      source: 'kubelet',
    });
    // Another namespace's pod on the same node: 3Gi of its 8Gi are requested there.
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: diag-other }
---
apiVersion: v1
kind: Pod
metadata: { name: neighbour, namespace: diag-other }
spec:
  nodeName: diag-node-1
  containers: [{ name: app, image: registry.example/neighbour:1.0, resources: { requests: { cpu: 500m, memory: 3Gi } } }]
`);
    await cluster.patchPodStatus('diag-other', 'neighbour', { phase: 'Running', startTime: ago(40) });
    // huge: the real scheduler finds no node with 64Gi and records FailedScheduling.
    const [huge] = await podsOf('huge', 1);
    pods.huge = huge;
    await cluster.waitFor('FailedScheduling for huge', async () => {
      const l = await cluster.getJson(['events', '-n', NS, '--field-selector', `involvedObject.uid=${huge.metadata.uid}`]);
      return l.items.some((e: Json) => e.reason === 'FailedScheduling') || undefined;
    }, { timeoutMs: 60_000 });
    // frontend: the endpoint-slice controller writes its (empty) slice.
    await cluster.waitFor('EndpointSlice of frontend', async () => {
      const l = await cluster.getJson(['endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=frontend']);
      return l.items.length > 0 || undefined;
    });
    // data: the persistent-volume controller reports the missing StorageClass.
    await cluster.waitFor('ProvisioningFailed for data', async () => {
      const l = await cluster.getJson(['events', '-n', NS, '--field-selector', 'involvedObject.name=data']);
      return l.items.some((e: Json) => e.reason === 'ProvisioningFailed') || undefined;
    }, { timeoutMs: 60_000 });
  });

  after(() => cluster?.stop());

  it('diagnose deploy/web: OOMKilled at the 128Mi limit, the fix, the checklist item, and why the log is not there', async () => {
    const r = await runCli(['diagnose', 'deploy/web', '-n', NS, '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const out = r.stdout;
    assert.match(out, new RegExp(`^Deployment ${NS}/web: BROKEN {2}\\(context kubeready-test\\)$`, 'm'));
    assert.match(out, /^Walked {3}Deployment diag\/web -> ReplicaSet web-[a-z0-9]+ \(revision 1\): 1 pod -> Pods: web-[a-z0-9]+-[a-z0-9]+ \(1 CrashLoopBackOff\) -> Events: \d+$/m);
    assert.match(out, /^1\. container "app" was OOMKilled \(4 restarts, memory limit 128Mi\) \(pod web-/m);
    assert.match(out, /reason OOMKilled, exit code 137, finished /);
    assert.match(out, /event: Warning BackOff \(x9, last /);
    assert.doesNotMatch(out, /an earlier pod/, 'an event of another uid is not this pod\'s');
    // No kubelet: the API server cannot fetch the log, and the report says so.
    assert.match(out, new RegExp(`previous log of ${pods.web.metadata.name}/app: not available \\(the API server could not get the log from the node's kubelet \\(HTTP 5\\d\\d: `));
    assert.match(out, /Root cause {2}the container needs more memory than its 128Mi limit/);
    assert.match(out, new RegExp(`\\$ kubectl -n ${NS} set resources deployment/web -c app --requests=memory=256Mi --limits=memory=256Mi`));
    assert.match(out, /- no manifest check: a limit too small for what the program does shows only in measurement/);
    assert.match(out, /- no manifest check: a runtime that sizes its heap itself/);
  });

  it('diagnose a Pending pod: the scheduler\'s Insufficient memory, with the request and the room on the node', async () => {
    const r = await runCli(['diagnose', `po/${pods.huge.metadata.name}`, '-n', NS, '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const d = JSON.parse(r.stdout) as Diagnosis;
    const p = d.problems[0];
    assert.equal(p.check, 'pod-pending-unschedulable');
    assert.match(p.symptom, /insufficient memory/);
    // The node's room counts every namespace's pods (diag-other's neighbour requests 3Gi of the 8Gi), not only -n's.
    const most = /^no node has 64Gi memory unrequested \(the most is ([\d.]+)Gi on diag-node-1/.exec(p.cause);
    assert.ok(most, p.cause);
    assert.ok(Number(most[1]) < 5, p.cause);
    // Live, what was listed is said of the cluster, not of an "input".
    assert.ok(p.evidence.some((e) => e.source === 'nodes' && /over \d+ nodes? in the cluster$/.test(e.text)), JSON.stringify(p.evidence));
    assert.ok(p.evidence.some((e) => e.source === 'event' && /FailedScheduling .*Insufficient memory/.test(e.text)), JSON.stringify(p.evidence));
  });

  it('a rollout past its progress deadline while the old pod still serves is stuck, not healthy; a pod creating for long without an event is said so', async () => {
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: diag-roll }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: roll, namespace: diag-roll }
spec:
  replicas: 1
  progressDeadlineSeconds: 2
  selector: { matchLabels: { app: roll } }
  template:
    metadata: { labels: { app: roll } }
    spec:
      containers: [{ name: app, image: registry.example/roll:1.0, resources: { requests: { cpu: 10m, memory: 16Mi } } }]
`);
    const ready = (at: string) => ({
      phase: 'Running',
      startTime: at,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: at },
        { type: 'Ready', status: 'True', lastTransitionTime: at },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: at },
      ],
      containerStatuses: [{ name: 'app', image: 'registry.example/roll:1.0', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: at } } }],
    });
    const old = await cluster.waitFor('the first roll pod', async () => (await cluster.getJson(['pods', '-n', 'diag-roll', '-l', 'app=roll'])).items[0] as Json | undefined);
    await cluster.waitFor('roll bound', async () => (await cluster.getJson(['pod', '-n', 'diag-roll', old.metadata.name])).spec.nodeName);
    await cluster.patchPodStatus('diag-roll', old.metadata.name, ready(ago(20)));
    await cluster.waitFor('roll available', async () => (await cluster.getJson(['deployment', '-n', 'diag-roll', 'roll'])).status?.availableReplicas === 1 || undefined);
    // A new version whose pod never starts: the deadline (2 s) passes with the old pod serving.
    await cluster.kubectl(['-n', 'diag-roll', 'set', 'image', 'deployment/roll', 'app=registry.example/roll:2.0']);
    await cluster.waitFor('ProgressDeadlineExceeded', async () => {
      const d = await cluster.getJson(['deployment', '-n', 'diag-roll', 'roll']);
      return (d.status?.conditions ?? []).some((c: Json) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') || undefined;
    }, { timeoutMs: 60_000 });
    const fresh = await cluster.waitFor('the new pod', async () => {
      const l = await cluster.getJson(['pods', '-n', 'diag-roll', '-l', 'app=roll']);
      return (l.items as Json[]).find((p) => p.metadata.name !== old.metadata.name && p.spec.nodeName);
    });
    // The new pod: scheduled 12 minutes ago, still ContainerCreating, no event from any kubelet.
    await cluster.patchPodStatus('diag-roll', fresh.metadata.name, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: ago(12) }],
      containerStatuses: [{ name: 'app', image: 'registry.example/roll:2.0', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    });
    const r = await runCli(['diagnose', 'deploy/roll', '-n', 'diag-roll', '--kubeconfig', kubeconfig, '-o', 'json']);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.notEqual(d.status, 'healthy', JSON.stringify(d));
    assert.equal(r.code, 1);
    // The new revision's only pod is what fails: the stuck rollout is the headline, naming both revisions.
    const stuck = d.problems[0];
    assert.equal(stuck.symptom, 'rollout stuck: revision 2 never becomes ready (ProgressDeadlineExceeded)', JSON.stringify(d.problems.map((p) => p.symptom)));
    assert.equal(stuck.check, 'workload-unavailable');
    assert.match(stuck.cause, /^the new version \(revision 2, image registry\.example\/roll:1\.0 -> registry\.example\/roll:2\.0\) does not become available: pod stuck in ContainerCreating for 1[12]m in its only pod, so the rollout stopped at its progress deadline \(2 s\); the old version \(revision 1\) still serves \(1 of 1 replicas is available\)$/);
    assert.equal(stuck.fix.commands[0], 'kubectl -n diag-roll rollout undo deployment/roll --to-revision=1');
    const creating = d.problems.find((p) => p.check === 'pod-stuck-creating');
    assert.ok(creating, JSON.stringify(d.problems.map((p) => p.symptom)));
    assert.match(creating.symptom, /^pod stuck in ContainerCreating for 1[12]m$/);
    assert.match(creating.cause, /no event says why/);
    // The audit: a warning (the old version serves), naming the stuck rollout.
    const a = await runCli(['audit', '--cluster', '--kubeconfig', kubeconfig, '-n', 'diag-roll', '-o', 'json', '--fail-on', 'none']);
    const rep = JSON.parse(a.stdout) as Report;
    const f = rep.verdicts.flatMap((v) => v.findings).find((x) => x.check === 'workload-unavailable' && x.object.name === 'roll');
    assert.equal(f?.severity, 'warning');
    assert.match(f!.message, /^1 of 1 replicas available: rollout stuck: ProgressDeadlineExceeded since .*; the rollout made no progress within its deadline \(1 of 1 replicas updated\): the service runs, but the rest of the new version does not come/);
  });

  it('diagnose node/X lists the pods of every namespace on it, not only those of -n', async () => {
    const r = await runCli(['diagnose', 'node/diag-node-1', '-n', NS, '--kubeconfig', kubeconfig, '-o', 'json']);
    const d = JSON.parse(r.stdout) as Diagnosis;
    const onIt = /^Pods on it: (\d+) \(/.exec(d.walked[1]);
    assert.ok(onIt, d.walked.join(' | '));
    // web (diag) and neighbour (diag-other) at least.
    assert.ok(Number(onIt[1]) >= 2, d.walked[1]);
  });

  it('diagnose svc/frontend: the label mismatch, from the real EndpointSlice', async () => {
    const r = await runCli(['diagnose', 'svc/frontend', '-n', NS, '--kubeconfig', kubeconfig, '-o', 'json']);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.status, 'broken');
    assert.match(d.walked[3], /^EndpointSlice: frontend-[a-z0-9]+: 0 ready, 0 not ready$/);
    assert.equal(d.problems[0].symptom, 'Service selects no pod: label mismatch on app');
    assert.match(d.problems[0].cause, /^the selector wants app=webb, but the pods of Deployment web have app=web /);
  });

  it('diagnose pvc/data: StorageClass fast-ssd does not exist, from the persistent-volume controller\'s event', async () => {
    const r = await runCli(['diagnose', 'pvc/data', '-n', NS, '--kubeconfig', kubeconfig, '-o', 'json']);
    const d = JSON.parse(r.stdout) as Diagnosis;
    const p = d.problems[0];
    assert.equal(p.check, 'pvc-pending');
    assert.match(p.cause, /StorageClass "fast-ssd" does not exist/);
    assert.ok(p.evidence.some((e) => e.source === 'event' && /ProvisioningFailed .*storageclass\.storage\.k8s\.io "fast-ssd" not found/.test(e.text)));
  });

  it('diagnose -n: every unhealthy object, worst first', async () => {
    const r = await runCli(['diagnose', '-n', NS, '--kubeconfig', kubeconfig, '-o', 'json']);
    const n = JSON.parse(r.stdout) as NamespaceDiagnosis;
    const names = n.diagnoses.map((d) => `${d.target.kind}/${d.target.name}`);
    for (const want of ['Deployment/web', 'Deployment/huge', 'Service/frontend', 'PersistentVolumeClaim/data']) assert.ok(names.includes(want), names.join(', '));
    assert.ok(n.diagnoses.every((d) => d.status === 'broken' || d.status === 'degraded'));
  });

  it('the reader with deploy/rbac.yaml diagnoses the same (pods/log is granted; the kubelet is what is missing)', async () => {
    await cluster.apply(readFileSync(RBAC, 'utf8'));
    await cluster.bindReader('kubeready-reader');
    try {
      const r = await runCli(['diagnose', 'deploy/web', '-n', NS, '--kubeconfig', cluster.users[READER_USER].kubeconfig, '-o', 'json']);
      const d = JSON.parse(r.stdout) as Diagnosis;
      assert.equal(d.problems[0].check, 'container-oomkilled');
      assert.match(d.problems[0].logs?.unavailable ?? '', /^the API server could not get the log from the node's kubelet \(HTTP 5\d\d: /);
    } finally {
      await cluster.unbindReader('kubeready-reader');
    }
  });

  it('a user without pods/log is told the log is forbidden', async () => {
    await cluster.apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: kubeready-diag-nolog }
rules:
- apiGroups: ["", "apps", "discovery.k8s.io", "storage.k8s.io", "batch"]
  resources: [namespaces, nodes, storageclasses, deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs, pods, services, endpointslices, persistentvolumeclaims, resourcequotas, configmaps, events]
  verbs: [get, list]
`);
    await cluster.bindReader('kubeready-diag-nolog');
    try {
      const r = await runCli(['diagnose', 'deploy/web', '-n', NS, '--kubeconfig', cluster.users[READER_USER].kubeconfig]);
      assert.match(r.stdout, /previous log of web-[^/]+\/app: not available \(forbidden: this user may not read pods\/log in diag/);
    } finally {
      await cluster.unbindReader('kubeready-diag-nolog');
    }
  });

  it('W1: a user who may list nothing is told "cannot tell" (exit 4), never "not found" or "nothing unhealthy"', async () => {
    const reader = cluster.users[READER_USER].kubeconfig;
    const one = await runCli(['diagnose', 'deploy/web', '-n', NS, '--kubeconfig', reader]);
    assert.equal(one.code, 4, one.stdout + one.stderr);
    assert.match(one.stdout, new RegExp(`^Deployment ${NS}/web: CANNOT TELL {2}\\(context kubeready-test\\)\nSymptom {2}cannot tell: listing Deployments in ${NS} is forbidden for this user\n`));
    assert.doesNotMatch(one.stdout, /NOT FOUND|not found/);
    assert.match(one.stderr, new RegExp(`^kubeready: cannot tell: listing Deployments in ${NS} is forbidden for this user\n$`));
    const ns = await runCli(['diagnose', '-n', NS, '--kubeconfig', reader]);
    assert.equal(ns.code, 4, ns.stdout + ns.stderr);
    assert.match(ns.stdout, new RegExp(`^namespace ${NS}: CANNOT TELL: listing Deployments, StatefulSets, DaemonSets, ReplicaSets, CronJobs, Jobs, Pods, Services, Ingresses, PodDisruptionBudgets, HorizontalPodAutoscalers and PersistentVolumeClaims in ${NS} is forbidden for this user`));
    assert.doesNotMatch(ns.stdout, /nothing unhealthy/);
    const json = JSON.parse((await runCli(['diagnose', '-n', NS, '--kubeconfig', reader, '-o', 'json'])).stdout) as NamespaceDiagnosis;
    assert.match(json.unread ?? '', /^listing Deployments, /);
    assert.deepEqual(json.cluster, { context: 'kubeready-test', server: JSON.parse((await cluster.kubectl(['config', 'view', '--minify', '-o', 'json'], { kubeconfig: reader })).stdout).clusters[0].cluster.server });
    assert.match(json.observedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('diagnose -n of a namespace that does not exist exits 2, not "nothing unhealthy"', async () => {
    const r = await runCli(['diagnose', '-n', 'diag-nope', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, 'kubeready: namespace "diag-nope" does not exist in this cluster (context kubeready-test)\n');
    assert.doesNotMatch(r.stdout, /nothing unhealthy/);
  });

  it('W1: partial permission (every list but Events) still diagnoses, with the gap named once', async () => {
    await cluster.apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: kubeready-diag-noevents }
rules:
- apiGroups: ["", "apps", "discovery.k8s.io", "storage.k8s.io", "batch", "policy", "autoscaling"]
  resources: [namespaces, nodes, storageclasses, deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs, pods, services, endpointslices, persistentvolumeclaims, resourcequotas, limitranges, poddisruptionbudgets, horizontalpodautoscalers, configmaps]
  verbs: [get, list]
`);
    await cluster.bindReader('kubeready-diag-noevents');
    try {
      const r = await runCli(['diagnose', 'deploy/web', '-n', NS, '--kubeconfig', cluster.users[READER_USER].kubeconfig, '-o', 'json']);
      assert.equal(r.code, 1, r.stderr);
      const d = JSON.parse(r.stdout) as Diagnosis;
      assert.equal(d.status, 'broken');
      assert.equal(d.problems[0].check, 'container-oomkilled');
      assert.deepEqual(d.notes.filter((n) => /forbidden/.test(n)), [`not read: listing Events in ${NS} is forbidden for this user: what those objects would show is missing from this diagnosis`]);
    } finally {
      await cluster.unbindReader('kubeready-diag-noevents');
    }
  });

  it('audit --cluster reports the runtime checks at the Deployment, not its pods', async () => {
    const r = await runCli(['audit', '--cluster', '-n', NS, '--kubeconfig', kubeconfig, '--no-config', '-o', 'json', '--only', 'container-oomkilled,pod-pending-unschedulable,service-no-ready-endpoints,pvc-pending']);
    const report = JSON.parse(r.stdout) as Report;
    const found = report.verdicts.flatMap((v) => v.findings.map((f) => `${f.check} ${f.object.kind}/${f.object.name}`)).sort();
    assert.deepEqual(found, ['container-oomkilled Deployment/web', 'pod-pending-unschedulable Deployment/huge', 'pvc-pending PersistentVolumeClaim/data', 'service-no-ready-endpoints Service/frontend']);
    const oom = report.verdicts.flatMap((v) => v.findings).find((f) => f.check === 'container-oomkilled')!;
    assert.match(oom.message, /was OOMKilled in 1 of 1 pod \(last: pod web-.*, exit code 137, 4 restarts, now CrashLoopBackOff\) with a memory limit of 128Mi/);
    assert.equal(oom.field, 'spec.template.spec.containers[0].resources.limits.memory');
  });

  it('B3, B2: diagnose pdb/X and node/X name the budget that blocks a drain, and the drain flags are the ones kubectl needs', async () => {
    const NSD = 'diag-drain';
    await cluster.createNode('diag-drain-node', { labels: { pool: 'drain' }, taints: [{ key: 'dedicated', value: 'drain', effect: 'NoSchedule' }] });
    const placed = `nodeSelector: { pool: drain }
      tolerations: [{ key: dedicated, operator: Equal, value: drain, effect: NoSchedule }]`;
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: ${NSD} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: guarded, namespace: ${NSD} }
spec:
  replicas: 1
  selector: { matchLabels: { app: guarded } }
  template:
    metadata: { labels: { app: guarded } }
    spec:
      ${placed}
      containers: [{ name: app, image: registry.example/guarded:1.0, resources: { requests: { cpu: 500m, memory: 1Gi } } }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: scratch, namespace: ${NSD} }
spec:
  replicas: 1
  selector: { matchLabels: { app: scratch } }
  template:
    metadata: { labels: { app: scratch } }
    spec:
      ${placed}
      volumes: [{ name: tmp, emptyDir: {} }]
      containers: [{ name: app, image: registry.example/scratch:1.0, volumeMounts: [{ name: tmp, mountPath: /tmp }] }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: guarded, namespace: ${NSD} }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: guarded } }
---
apiVersion: v1
kind: Pod
metadata: { name: bare, namespace: ${NSD}, labels: { app: bare } }
spec:
  nodeName: diag-drain-node
  tolerations: [{ key: dedicated, operator: Equal, value: drain, effect: NoSchedule }]
  containers: [{ name: app, image: registry.example/bare:1.0 }]
`);
    const readyStatus = (at: string) => ({
      phase: 'Running',
      startTime: at,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: at },
        { type: 'Ready', status: 'True', lastTransitionTime: at },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: at },
      ],
      containerStatuses: [{ name: 'app', image: 'registry.example/x:1.0', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: at } } }],
    });
    for (const app of ['guarded', 'scratch']) {
      const p = await cluster.waitFor(`${app} bound to diag-drain-node`, async () => {
        const l = await cluster.getJson(['pods', '-n', NSD, '-l', `app=${app}`]);
        return (l.items as Json[]).find((x) => x.spec.nodeName === 'diag-drain-node');
      });
      await cluster.patchPodStatus(NSD, p.metadata.name, readyStatus(ago(10)));
    }
    await cluster.patchPodStatus(NSD, 'bare', readyStatus(ago(10)));
    // The disruption controller: 1 healthy, 1 needed, no disruption allowed.
    await cluster.waitFor('the budget counted', async () => {
      const b = await cluster.getJson(['pdb', '-n', NSD, 'guarded']);
      return (b.status?.currentHealthy === 1 && b.status?.disruptionsAllowed === 0 && b.status?.expectedPods === 1) || undefined;
    }, { timeoutMs: 60_000 });

    const pd = await runCli(['diagnose', 'pdb/guarded', '-n', NSD, '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(pd.code, 1, pd.stdout + pd.stderr);
    const b = JSON.parse(pd.stdout) as Diagnosis;
    assert.equal(b.status, 'degraded');
    assert.equal(b.problems[0].check, 'pdb-blocks-eviction');
    assert.match(b.problems[0].cause, /^minAvailable 1 equals the 1 pod it selects \(deployment\/guarded runs 1 replica\): disruptionsAllowed is 0 however healthy the pods are, so the eviction API refuses \(429\) every eviction and every drain of node diag-drain-node \(1 pod\) hangs/);
    assert.deepEqual(b.problems[0].prevent.map((v) => v.check), ['pdb-blocks-eviction']);

    const nd = await runCli(['diagnose', 'node/diag-drain-node', '--kubeconfig', kubeconfig, '-o', 'json']);
    const d = JSON.parse(nd.stdout) as Diagnosis;
    const drain = d.node!.drain;
    assert.equal(drain.command, 'kubectl drain diag-drain-node --delete-emptydir-data --force');
    assert.ok(drain.notes.some((n) => n === `--force deletes the bare pod ${NSD}/bare for good: no controller recreates it (recreate it elsewhere from its manifest)`), drain.notes.join('\n'));
    assert.deepEqual(drain.blockers.map((x) => `${x.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')} ${x.budgets.join(',')}`), ['guarded guarded']);
    assert.deepEqual(d.node!.taints, ['dedicated=drain:NoSchedule']);
    assert.ok(d.node!.requests?.[0].startsWith('cpu 500m requested of 4 allocatable'), JSON.stringify(d.node!.requests));
    assert.equal(d.status, 'degraded');
    assert.ok(d.problems.some((p) => p.check === 'pdb-blocks-eviction' && p.symptom.startsWith('a drain of node diag-drain-node hangs on pod diag-drain/guarded-')), JSON.stringify(d.problems.map((p) => p.symptom)));

    // kubectl itself agrees (server-side dry run: nothing is evicted): without --force it refuses the
    // bare pod; with the suggested flags it gets as far as the budget, which refuses the eviction.
    const noForce = await cluster.kubectl(['drain', 'diag-drain-node', '--delete-emptydir-data', '--dry-run=server', '--timeout=5s'], { allowFail: true });
    assert.notEqual(noForce.code, 0);
    assert.match(noForce.stderr, /cannot delete Pods that declare no controller/);
    const suggested = await cluster.kubectl([...drain.command.split(' ').slice(1), '--dry-run=server', '--timeout=5s'], { allowFail: true });
    assert.notEqual(suggested.code, 0, suggested.stdout);
    assert.doesNotMatch(suggested.stderr, /cannot delete/, 'no flag missing');
    assert.match(suggested.stderr, /disruption budget/);
  });

  it('W6, B6: a CronJob that has not run yet (status {}) reports the failed Job created from it; a Job pod\'s log is its current one, and a 5xx is worded', async () => {
    const NSC = 'diag-cron';
    // A Node with no addresses: the API server cannot reach any kubelet for it ("no preferred addresses found").
    await cluster.request('DELETE', '/api/v1/nodes/diag-noaddr', { body: { gracePeriodSeconds: 0 } });
    await cluster.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'diag-noaddr', labels: { 'kubernetes.io/hostname': 'diag-noaddr' } }, spec: {} } });
    const now = new Date().toISOString();
    await cluster.request('PATCH', '/api/v1/nodes/diag-noaddr/status', { body: { status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ok', lastHeartbeatTime: now, lastTransitionTime: now }] } } });
    await cluster.request('PATCH', '/api/v1/nodes/diag-noaddr', { body: { spec: { taints: null } } });
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: ${NSC} }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: ${NSC} }
spec:
  schedule: "0 3 * * *"
  timeZone: Etc/UTC
  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          nodeSelector: { kubernetes.io/hostname: diag-noaddr }
          containers: [{ name: report, image: registry.example/report:1.0, resources: { limits: { memory: 64Mi } } }]
`);
    const cj = await cluster.getJson(['cronjob', '-n', NSC, 'nightly']);
    assert.deepEqual(cj.status ?? {}, {}, 'a CronJob that has not run has an empty status');
    await cluster.kubectl(['-n', NSC, 'create', 'job', '--from=cronjob/nightly', 'nightly-test']);
    const jp = await cluster.waitFor('the Job pod bound', async () => {
      const l = await cluster.getJson(['pods', '-n', NSC, '-l', 'job-name=nightly-test']);
      return (l.items as Json[]).find((x) => x.spec.nodeName === 'diag-noaddr');
    });
    await cluster.patchPodStatus(NSC, jp.metadata.name, {
      phase: 'Failed',
      startTime: ago(6),
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: ago(6) }, { type: 'Ready', status: 'False', reason: 'PodFailed', lastTransitionTime: ago(5) }],
      containerStatuses: [{ name: 'report', image: 'registry.example/report:1.0', imageID: '', ready: false, started: false, restartCount: 0, state: { terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: ago(6), finishedAt: ago(5), containerID: 'containerd://1' } } }],
    });
    await cluster.waitFor('the Job failed', async () => {
      const j = await cluster.getJson(['job', '-n', NSC, 'nightly-test']);
      return (j.status?.conditions ?? []).some((c: Json) => c.type === 'Failed' && c.status === 'True') || undefined;
    }, { timeoutMs: 60_000 });

    const r = await runCli(['diagnose', 'cj/nightly', '-n', NSC, '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.status, 'broken');
    assert.match(d.walked[1], /^schedule "0 3 \* \* \*" Etc\/UTC; last scheduled never; Jobs: 1$/);
    const failed = d.problems.find((p) => p.check === 'job-failed');
    assert.equal(failed?.symptom, 'Job nightly-test (created by hand from this CronJob) failed (BackoffLimitExceeded)', JSON.stringify(d.problems.map((p) => p.symptom)));
    const oom = d.problems.find((p) => p.check === 'container-oomkilled');
    assert.ok(oom, JSON.stringify(d.problems.map((p) => p.symptom)));
    // The pod ended without a restart: its current log is the one to read, and the kubelet cannot be reached.
    assert.equal(oom.logs?.previous, false);
    assert.match(oom.logs?.unavailable ?? '', /^the API server could not get the log from the node's kubelet \(HTTP 5\d\d: .*no preferred addresses found/);
    const text = await runCli(['diagnose', 'cj/nightly', '-n', NSC, '--kubeconfig', kubeconfig]);
    assert.match(text.stdout, new RegExp(`- log of ${jp.metadata.name}/report: not available \\(the API server could not get the log from the node's kubelet \\(HTTP 5\\d\\d: `));
    const n = JSON.parse((await runCli(['diagnose', '-n', NSC, '--kubeconfig', kubeconfig, '-o', 'json'])).stdout) as NamespaceDiagnosis;
    const listed = n.diagnoses.find((x) => x.target.kind === 'CronJob' && x.target.name === 'nightly');
    assert.equal(listed?.status, 'broken', JSON.stringify(n.diagnoses.map((x) => `${x.target.kind}/${x.target.name} ${x.status}`)));
  });
});
