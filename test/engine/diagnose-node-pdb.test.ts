/**
 * kubeready diagnose: PodDisruptionBudgets (why a drain hangs), nodes (conditions, taints, requests,
 * unhealthy pods, the drain and what blocks it), CronJobs that have not run yet, and the evidence
 * and fixes of the live-cluster review (B2, B3, B6 to B9, W6), on dumps built as `kubectl get -o
 * yaml` writes them (status and Events).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { diagnose, diagnoseNamespace, logRequests, nextCronRun, type Diagnosis, type DiagnoseOptions } from '../../src/engine/diagnose/index.js';
import { runCli } from '../helpers/cli.js';
import { at, chain, cond, container, cstatus, event, pod, rsPod, T0, terminated, waiting } from '../checks/runtime/fixtures.js';

type Obj = Record<string, unknown>;

function dump(...items: Obj[]): string {
  return YAML.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, { lineWidth: 0 });
}

function indexOf(items: Obj[], ns = 'shop'): ResourceIndex {
  return new ResourceIndex(loadText(dump(...items), 'dump.yaml').resources, ns);
}

function run(items: Obj[], kind: Parameters<typeof diagnose>[1]['kind'], name: string, opts: DiagnoseOptions = {}, ns = 'shop'): Diagnosis {
  return diagnose(indexOf(items, ns), { kind, name, namespace: ns }, opts);
}

function node(name: string, o: { taints?: Obj[]; ready?: string; unschedulable?: boolean; conditions?: Obj[]; heartbeat?: string } = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `n-${name}`, labels: { 'kubernetes.io/hostname': name } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ ...cond('Ready', o.ready ?? 'True', T0, o.ready === 'Unknown' ? 'NodeStatusUnknown' : 'KubeletReady'), lastHeartbeatTime: o.heartbeat ?? at(10) }, ...(o.conditions ?? [])] },
  };
}

function pdb(name: string, spec: Obj, status: Obj | undefined, ns = 'shop'): Obj {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns, uid: `pdb-${name}`, generation: 1 }, spec, status: status ? { observedGeneration: 1, ...status } : undefined };
}

const ready = [cond('Ready', 'True', at(1))];
const notReady = [cond('Ready', 'False', at(2))];
const crashing = () => [cstatus({ ready: false, restartCount: 6, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 1, at(9)) })];

/** Deployment NAME with `pods` replicas on node-a (requests 500m / 1Gi each); `sick` of them crash-loop. */
function app(name: string, replicas: number, sick = 0, nodeName = 'node-a'): Obj[] {
  const cs = [{ ...container(), resources: { requests: { cpu: '500m', memory: '1Gi' } } }];
  const pods = Array.from({ length: replicas }, (_, i) =>
    rsPod(`${name}-7d9c-${i}`, { deploy: name, nodeName, containers: cs, conditions: i < sick ? notReady : ready, containerStatuses: i < sick ? crashing() : [cstatus()] }),
  );
  return chain({ name, replicas, containers: cs, status: { observedGeneration: 1, replicas, readyReplicas: replicas - sick, availableReplicas: replicas - sick } }, pods);
}

describe('B3: diagnose pdb/NAME: why a drain hangs', () => {
  it('minAvailable equal to the replicas allows no eviction, even with every pod healthy: maxUnavailable 1 or more replicas', () => {
    const items = [...app('web', 2), pdb('web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }, { expectedPods: 2, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 }), node('node-a')];
    const d = run(items, 'PodDisruptionBudget', 'web');
    assert.equal(d.status, 'degraded');
    assert.deepEqual(d.walked, ['PodDisruptionBudget shop/web', 'selector app=web', 'Pods selected: 2 (2 Ready)', 'owned by Deployment web', 'status: expectedPods 2, currentHealthy 2, desiredHealthy 2, disruptionsAllowed 0', 'Events: 0']);
    const p = d.problems[0];
    assert.equal(p.check, 'pdb-blocks-eviction');
    assert.equal(p.symptom, 'PodDisruptionBudget allows no eviction, even with every pod healthy (minAvailable 2)');
    assert.equal(p.cause, 'minAvailable 2 equals the 2 pods it selects (deployment/web runs 2 replicas): disruptionsAllowed is 0 however healthy the pods are, so the eviction API refuses (429) every eviction and every drain of node node-a (2 pods) hangs (kubectl drain retries forever; node upgrades and autoscaler scale-downs stall)');
    assert.deepEqual(p.fix.commands, [`kubectl -n shop patch pdb web --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`, 'kubectl -n shop scale deployment/web --replicas=3   # or: one replica more than minAvailable']);
    assert.equal(p.fix.yaml, 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  maxUnavailable: 1   # was minAvailable 2\n  selector: {matchLabels: {app: web}}');
    assert.deepEqual(p.prevent.map((v) => v.check), ['pdb-blocks-eviction']);
  });

  it('maxUnavailable 0 is named as such', () => {
    const items = [...app('web', 3), pdb('web', { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } }, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 })];
    const p = run(items, 'PodDisruptionBudget', 'web').problems[0];
    assert.match(p.cause, /^maxUnavailable 0 lets no pod be down: disruptionsAllowed is 0 however healthy the pods are/);
    assert.ok(!p.fix.commands.some((c) => c.includes('scale')), 'more replicas do not help maxUnavailable 0');
  });

  it('unhealthy pods eat the budget: IfHealthyBudget refuses even them; the fix is AlwaysAllow, and the pods themselves', () => {
    const items = [...app('web', 3, 2), pdb('web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }, { expectedPods: 3, currentHealthy: 1, desiredHealthy: 2, disruptionsAllowed: 0 })];
    const d = run(items, 'PodDisruptionBudget', 'web');
    const p = d.problems[0];
    assert.equal(p.check, 'pdb-drain-blocked-now');
    assert.equal(p.symptom, 'PodDisruptionBudget allows no disruption now: 1 of 3 pods healthy, needs 2');
    assert.equal(p.cause, '2 pods (web-7d9c-0, web-7d9c-1) are not Ready, which uses up what the budget allows (minAvailable 2: 2 must stay healthy, 1 are); with unhealthyPodEvictionPolicy unset (IfHealthyBudget) the eviction API refuses (429) to evict even the unhealthy pods while the budget is not met, and every healthy one too: every drain of node node-a (3 pods) hangs');
    assert.deepEqual(p.fix.commands, [
      'kubeready diagnose deployment/web -n shop',
      `kubectl -n shop patch pdb web --type merge -p '{"spec":{"unhealthyPodEvictionPolicy":"AlwaysAllow"}}'`,
      'kubectl -n shop delete pod web-7d9c-0 web-7d9c-1   # unblocks the drain now; their controller recreates them',
    ]);
    assert.match(p.fix.yaml ?? '', /unhealthyPodEvictionPolicy: AlwaysAllow {3}# was unset \(IfHealthyBudget\)/);
    // The manifest check that gives this advice before the application breaks.
    assert.deepEqual(p.prevent.map((v) => v.check), ['pdb-unhealthy-pods-block-drain']);
    assert.ok(p.evidence.some((e) => e.text === 'pod web-7d9c-0: CrashLoopBackOff, not Ready, on node node-a'), JSON.stringify(p.evidence));
  });

  it('with AlwaysAllow, the unhealthy pods can go but the healthy ones cannot; the explicit choice is not contradicted', () => {
    const items = [...app('web', 3, 1), pdb('web', { minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { app: 'web' } } }, { expectedPods: 3, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 })];
    const p = run(items, 'PodDisruptionBudget', 'web').problems[0];
    assert.equal(p.check, null);
    assert.match(p.cause, /with unhealthyPodEvictionPolicy AlwaysAllow the unhealthy pods can be evicted, but no healthy one can until they recover/);
    assert.ok(!p.fix.commands.some((c) => c.includes('AlwaysAllow')), p.fix.commands.join('\n'));
    assert.deepEqual(p.prevent, []);
  });

  it('two budgets on the same pods: the eviction API refuses them all, and drain fails', () => {
    const items = [...app('web', 2), pdb('web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }, { expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 }), pdb('all', { maxUnavailable: 1, selector: {} }, { expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 })];
    const d = run(items, 'PodDisruptionBudget', 'web');
    assert.equal(d.status, 'broken');
    const p = d.problems[0];
    assert.equal(p.check, 'pdb-overlap');
    assert.equal(p.symptom, '2 PodDisruptionBudgets select the same pods: every eviction of them fails');
    assert.match(p.cause, /"This pod has more than one PodDisruptionBudget, which the eviction subresource does not support"/);
    assert.ok(p.evidence.some((e) => e.text === 'PodDisruptionBudget all (selector {}) selects 2 of the same pods (web-7d9c-0, web-7d9c-1) too'), JSON.stringify(p.evidence));
    assert.deepEqual(p.prevent.map((v) => v.check), ['pdb-overlap']);
  });

  it('a budget that selects no pod protects nothing: the label that differs is named', () => {
    const items = [...app('web', 2), pdb('web', { maxUnavailable: 1, selector: { matchLabels: { app: 'wbe' } } }, { expectedPods: 0, currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0 })];
    const d = run(items, 'PodDisruptionBudget', 'web');
    const p = d.problems[0];
    assert.equal(p.check, 'pdb-selects-nothing');
    assert.equal(p.cause, 'its selector wants app=wbe, but the pods have app=web (every other label matches): the pods it was meant to guard can all be evicted at once');
    assert.equal(p.fix.commands[0], `kubectl -n shop patch pdb web --type merge -p '{"spec":{"selector":{"matchLabels":{"app":"web"}}}}'`);
  });

  it('a budget that allows a disruption is healthy, and says how many at a time', () => {
    const items = [...app('web', 3), pdb('web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 })];
    const d = run(items, 'PodDisruptionBudget', 'web');
    assert.equal(d.status, 'healthy');
    assert.equal(d.symptom, 'allows 1 disruption now (3 of 3 pods healthy, needs 2): a drain of node-a can evict one of these pods at a time');
  });

  it('the CLI takes pdb/NAME and poddisruptionbudget NAME; -n lists a budget that blocks drains', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'dump.yaml'), dump(...app('web', 1), pdb('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }, { expectedPods: 1, currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0 })));
    const r = await runCli(['diagnose', 'pdb/web', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^PodDisruptionBudget shop\/web: DEGRADED/);
    assert.match(r.stdout, /\$ kubectl -n shop patch pdb web --type merge -p '\{"spec":\{"minAvailable":null,"maxUnavailable":1\}\}'/);
    const k = await runCli(['diagnose', 'poddisruptionbudget', 'web', '-n', 'shop', '--from', 'dump.yaml', '-o', 'json'], { cwd: dir });
    assert.equal((JSON.parse(k.stdout) as Diagnosis).problems[0].check, 'pdb-blocks-eviction');
    const n = await runCli(['diagnose', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.match(n.stdout, /degraded PodDisruptionBudget shop\/web: PodDisruptionBudget allows no eviction/);
  });
});

describe('B2: diagnose node/NAME', () => {
  // node-a: web (2 pods, PDB minAvailable 2: blocks), a bare pod, a DaemonSet pod, a pod with an emptyDir
  // (its Deployment has a healthy budget), a crash-looping pod and an OOMKilled one; node-b elsewhere.
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [container()] } } }, status: { desiredNumberScheduled: 1, numberAvailable: 1, numberReady: 1 } };
  const dsPod = pod({ name: 'agent-x1', ns: 'kube-system', uid: 'p-agent', owner: { kind: 'DaemonSet', name: 'agent', uid: 'ds-agent' }, labels: { app: 'agent' }, nodeName: 'node-a', conditions: ready, containerStatuses: [cstatus()], spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } });
  const bare = pod({ name: 'pinned', uid: 'p-pinned', nodeName: 'node-a', conditions: ready, containerStatuses: [cstatus()] });
  const cacheItems = app('cache', 1).map((o) => (o.kind === 'Pod' ? { ...o, spec: { ...(o.spec as Obj), volumes: [{ name: 'scratch', emptyDir: {} }] } } : o));
  const oom = pod({ name: 'batch-1', uid: 'p-batch', owner: { kind: 'ReplicaSet', name: 'batch-7d9c', uid: 'rs-batch' }, nodeName: 'node-a', conditions: notReady, containers: [container({ memoryLimit: '64Mi' })], containerStatuses: [cstatus({ ready: false, restartCount: 3, state: waiting('CrashLoopBackOff'), lastState: terminated('OOMKilled', 137, at(9)) })] });
  const items = [
    node('node-a'),
    node('node-b'),
    ...app('web', 2),
    pdb('web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }, { expectedPods: 2, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 }),
    ...cacheItems,
    pdb('cache', { maxUnavailable: 1, selector: { matchLabels: { app: 'cache' } } }, { expectedPods: 1, currentHealthy: 1, desiredHealthy: 0, disruptionsAllowed: 1 }),
    ...app('api', 1, 1),
    ds,
    dsPod,
    bare,
    oom,
    ...app('far', 1, 0, 'node-b'),
  ];

  it('shows conditions with the heartbeat, taints, requests against allocatable', () => {
    const d = run(items, 'Node', 'node-a');
    const n = d.node!;
    assert.deepEqual(n.conditions, ['Ready=True (KubeletReady) since 2024-05-01T10:00:00Z, last heartbeat 2024-05-01T10:10:00Z (0m ago)', 'no memory, disk or PID pressure']);
    assert.deepEqual(n.taints, []);
    // web 2 x 500m/1Gi, cache and api 500m/1Gi each: 2 cpu and 4Gi of 4 and 8Gi.
    assert.deepEqual(n.requests, ['cpu 2 requested of 4 allocatable (50%)', 'memory 4Gi requested of 8Gi allocatable (50%)', 'pods 7 of 110']);
    assert.deepEqual(d.walked, ['Node node-a', 'Pods on it: 7 (5 Ready, 2 CrashLoopBackOff)', 'Events: 0']);
  });

  it('lists the unhealthy pods worst first, each with its one-line cause and the command that walks it', () => {
    const n = run(items, 'Node', 'node-a').node!;
    assert.deepEqual(n.unhealthyPods.map((p) => `${p.namespace}/${p.name}: ${p.symptom} | ${p.command}`), [
      'shop/batch-1: container "app" was OOMKilled (3 restarts, memory limit 64Mi) | kubeready diagnose po/batch-1 -n shop',
      'shop/api-7d9c-0: container "app" is in CrashLoopBackOff (6 restarts, last exit code 1) | kubeready diagnose po/api-7d9c-0 -n shop',
    ]);
  });

  it('the drain command has exactly the flags this node needs, says what --force deletes, and names the budget that blocks it', () => {
    const d = run(items, 'Node', 'node-a');
    const drain = d.node!.drain;
    assert.equal(drain.command, 'kubectl drain node-a --ignore-daemonsets --delete-emptydir-data --force');
    assert.ok(drain.notes.includes('--force deletes the bare pod shop/pinned for good: no controller recreates it (recreate it elsewhere from its manifest)'), drain.notes.join('\n'));
    assert.ok(drain.notes.includes('--delete-emptydir-data: the emptyDir data of shop/cache-7d9c-0 is lost'), drain.notes.join('\n'));
    assert.deepEqual(drain.blockers.map((b) => `${b.namespace}/${b.name} ${b.budgets.join(',')}`), ['shop/web-7d9c-0 web', 'shop/web-7d9c-1 web']);
    // The blocker is a problem of the node: the drain hangs, and the budget's own cause and fix come with it.
    const p = d.problems.find((x) => x.check === 'pdb-blocks-eviction');
    assert.ok(p, JSON.stringify(d.problems.map((x) => x.symptom)));
    assert.equal(p.symptom, 'a drain of node node-a hangs on 2 pods (shop/web-7d9c-0, shop/web-7d9c-1): PodDisruptionBudget web allows no disruption');
    assert.equal(p.fix.commands[0], 'kubeready diagnose pdb/web -n shop');
    assert.equal(d.status, 'degraded');
    // Nothing here needs a flag on node-b.
    assert.equal(run(items, 'Node', 'node-b').node!.drain.command, 'kubectl drain node-b');
  });

  it('renders the node sections as text', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'dump.yaml'), dump(...items));
    const r = await runCli(['diagnose', 'node/node-a', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^State {4}Ready=True \(KubeletReady\) since .*, last heartbeat /m);
    assert.match(r.stdout, /^Taints {3}none$/m);
    assert.match(r.stdout, /^Requests cpu 2 requested of 4 allocatable \(50%\); memory 4Gi requested of 8Gi allocatable \(50%\); pods 7 of 110$/m);
    assert.match(r.stdout, /^Unhealthy pods \(2, worst first\)\n {3}- shop\/batch-1: container "app" was OOMKilled .* {2}error\n {5}\$ kubeready diagnose po\/batch-1 -n shop$/m);
    assert.match(r.stdout, /^Drain {4}\$ kubectl drain node-a --ignore-daemonsets --delete-emptydir-data --force$/m);
    assert.match(r.stdout, /^ {3}- blocks the drain: shop\/web-7d9c-0, shop\/web-7d9c-1: PodDisruptionBudget web allows no disruption now \(2 of 2 pods healthy, needs 2, disruptionsAllowed 0\): evicting a healthy pod needs a disruption the budget does not have$/m);
  });

  it('B8: a NotReady node: the last heartbeat and the taints are evidence; the drain fix carries the flags and what --force deletes', () => {
    const unreachable = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
    const sick = items.map((o) => (o.kind === 'Node' && (o.metadata as Obj).name === 'node-a' ? node('node-a', { ready: 'Unknown', taints: unreachable, heartbeat: at(2) }) : o));
    const d = run(sick, 'Node', 'node-a');
    const p = d.problems.find((x) => x.check === 'node-not-ready')!;
    assert.ok(p.evidence.some((e) => e.text === 'last heartbeat from the kubelet 2024-05-01T10:02:00Z (8m before the newest time seen)'), JSON.stringify(p.evidence));
    assert.ok(p.evidence.some((e) => e.text === 'taints: node.kubernetes.io/unreachable:NoSchedule, node.kubernetes.io/unreachable:NoExecute'));
    assert.match(p.cause, /^the kubelet stopped reporting \(its last heartbeat was 8m earlier\)/);
    assert.ok(p.fix.commands.includes('kubectl drain node-a --ignore-daemonsets --delete-emptydir-data --force'), p.fix.commands.join('\n'));
    assert.match(p.fix.text, /--force deletes the bare pod shop\/pinned for good/);
    assert.match(p.fix.text, /The eviction API refuses 2 pods there \(shop\/web-7d9c-0, shop\/web-7d9c-1\), so the drain hangs or fails on them: kubeready diagnose pdb\/web -n shop\.$/);
  });

  it('a pod on a NotReady node, read with only its namespace: the drain flags are not guessed', () => {
    const sick = [node('node-c', { ready: 'Unknown' }), pod({ name: 'p', uid: 'p-p', nodeName: 'node-c', conditions: notReady, containerStatuses: [cstatus({ ready: false })] })];
    const index = indexOf(sick);
    index.podNamespaces = ['shop'];
    const d = diagnose(index, { kind: 'Pod', name: 'p', namespace: 'shop' });
    const p = d.problems.find((x) => x.check === 'node-not-ready')!;
    assert.ok(p.fix.commands.some((c) => c.startsWith('kubeready diagnose node/node-c   # the drain command with the flags all of its pods need')), p.fix.commands.join('\n'));
    assert.ok(!p.fix.commands.some((c) => c.startsWith('kubectl drain')));
  });
});

describe('W6: a CronJob that has not run yet, and the Jobs it owns', () => {
  const tmpl = { spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [container({ name: 'report', memoryLimit: '64Mi' })] } } } };
  // As the API server returns a CronJob that has not fired: status {}.
  const cronjob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop', uid: 'cj-nightly', creationTimestamp: at(0) }, spec: { schedule: '0 3 * * *', jobTemplate: tmpl }, status: {} };
  // kubectl create job --from=cronjob/nightly nightly-test: a controller ownerReference to the CronJob.
  const manual = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'nightly-test', namespace: 'shop', uid: 'j-test', creationTimestamp: at(1), annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-nightly', controller: true }] },
    ...tmpl,
    status: { failed: 1, startTime: at(1), conditions: [cond('Failed', 'True', at(6), 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] },
  };
  const jobPod = pod({ name: 'nightly-test-x', uid: 'p-n', owner: { kind: 'Job', name: 'nightly-test', uid: 'j-test', apiVersion: 'batch/v1' }, phase: 'Failed', spec: { restartPolicy: 'Never' }, containers: [container({ name: 'report', memoryLimit: '64Mi' })], containerStatuses: [cstatus({ name: 'report', ready: false, state: terminated('OOMKilled', 137, at(5)) })] });
  const other = pod({ name: 'lone', uid: 'p-lone', conditions: ready, containerStatuses: [cstatus()] });

  it('not run yet is not "a manifest": its schedule and when it is next due', () => {
    const d = run([cronjob, other], 'CronJob', 'nightly');
    assert.equal(d.status, 'healthy');
    assert.equal(d.symptom, "not run on its schedule yet: next due 2024-05-02T03:00:00Z (in the controller-manager's time zone, UTC on most clusters)");
    assert.equal(d.walked[1], 'schedule "0 3 * * *"; last scheduled never; Jobs: 0');
    assert.doesNotMatch(JSON.stringify(d), /manifest, not a live object/);
    // A file of manifests only (nothing has a status) is still a manifest.
    assert.equal(run([{ ...cronjob, status: undefined }], 'CronJob', 'nightly').status, 'no-status');
  });

  it('a failed Job created by hand from it is reported at the CronJob, with the OOM kill of its pod', () => {
    const d = run([cronjob, manual, jobPod], 'CronJob', 'nightly');
    assert.equal(d.status, 'broken');
    const checks = d.problems.map((p) => p.check);
    assert.ok(checks.includes('container-oomkilled') && checks.includes('job-failed'), checks.join(', '));
    const f = d.problems.find((p) => p.check === 'job-failed')!;
    assert.equal(f.symptom, 'Job nightly-test (created by hand from this CronJob) failed (BackoffLimitExceeded)');
    assert.ok(f.fix.commands.includes('kubectl -n shop create job --from=cronjob/nightly nightly-check-1   # a run now, with the fixed template'), f.fix.commands.join('\n'));
    // A later run that completed makes the failure history.
    const later = { ...manual, metadata: { ...manual.metadata, name: 'nightly-29400000', uid: 'j-later', creationTimestamp: at(7), annotations: {} }, status: { succeeded: 1, startTime: at(7), conditions: [cond('Complete', 'True', at(8))] } };
    assert.ok(!run([cronjob, manual, later], 'CronJob', 'nightly').problems.some((p) => p.check === 'job-failed'));
  });

  it('diagnose -n lists the CronJob with its failed Job, on a live cluster (status {}) as on a dump of one', () => {
    const n = diagnoseNamespace(indexOf([cronjob, manual, jobPod]), 'shop');
    const cj = n.diagnoses.find((d) => d.target.kind === 'CronJob');
    assert.ok(cj, n.diagnoses.map((d) => `${d.target.kind}/${d.target.name}`).join(', '));
    assert.equal(cj.status, 'broken');
    assert.ok(cj.problems.some((p) => p.check === 'job-failed'));
    const live = indexOf([cronjob, manual, jobPod]);
    live.listedKinds = new Set(['CronJob', 'Job', 'Pod']);
    assert.equal(diagnose(live, { kind: 'CronJob', name: 'nightly', namespace: 'shop' }).status, 'broken');
  });

  it('suspended, and cron schedules read as the controller reads them', () => {
    assert.equal(run([{ ...cronjob, spec: { ...cronjob.spec, suspend: true } }, other], 'CronJob', 'nightly').symptom, 'suspended (spec.suspend): it starts no Job until resumed');
    const ran = run([{ ...cronjob, status: { lastScheduleTime: '2024-05-01T03:00:00Z' } }, other], 'CronJob', 'nightly');
    assert.equal(ran.symptom, "no failed run; last scheduled 2024-05-01T03:00:00Z, next due 2024-05-02T03:00:00Z (in the controller-manager's time zone, UTC on most clusters)");
    const t = Date.parse('2024-05-01T10:00:00Z'); // a Wednesday
    const next = (s: string, tz?: string) => {
      const v = nextCronRun(s, t, tz);
      return v === undefined ? undefined : new Date(v).toISOString();
    };
    assert.equal(next('*/15 * * * *'), '2024-05-01T10:15:00.000Z');
    assert.equal(next('@hourly'), '2024-05-01T11:00:00.000Z');
    assert.equal(next('30 2 * * 1-5'), '2024-05-02T02:30:00.000Z');
    assert.equal(next('0 0 1 */3 *'), '2024-07-01T00:00:00.000Z');
    assert.equal(next('0 9 * * SUN'), '2024-05-05T09:00:00.000Z');
    // Both day fields restricted: either matches (the 15th, or a Friday).
    assert.equal(next('0 0 15 * 5'), '2024-05-03T00:00:00.000Z');
    // spec.timeZone: 03:00 in Berlin (summer time, UTC+2) is 01:00 UTC; an unknown zone is not guessed.
    assert.equal(next('0 3 * * *', 'Europe/Berlin'), '2024-05-02T01:00:00.000Z');
    assert.equal(next('0 3 * * *', 'Mars/Olympus_Mons'), undefined);
    assert.equal(next('CRON_TZ=UTC 0 3 * * *'), '2024-05-02T03:00:00.000Z');
    assert.equal(next('61 * * * *'), undefined);
  });
});

describe('B6: which log is read', () => {
  it('a Job pod whose container ended (restartPolicy Never) is read with previous=false; a crash-looping one with previous=true', () => {
    const jobPod = pod({ name: 'j-x', uid: 'p-j', phase: 'Failed', spec: { restartPolicy: 'Never' }, containers: [container({ memoryLimit: '64Mi' })], containerStatuses: [cstatus({ ready: false, state: terminated('OOMKilled', 137, at(5)) })] });
    const d = run([jobPod], 'Pod', 'j-x');
    assert.deepEqual(logRequests([d]), [{ namespace: 'shop', pod: 'j-x', container: 'app', previous: false }]);
    const loop = pod({ name: 'l', uid: 'p-l', containers: [container({ memoryLimit: '64Mi' })], containerStatuses: [cstatus({ ready: false, restartCount: 3, state: waiting('CrashLoopBackOff'), lastState: terminated('OOMKilled', 137, at(5)) })] });
    assert.equal(logRequests([run([loop], 'Pod', 'l')])[0].previous, true);
  });
});

describe('B8: the evidence a senior engineer asks for next', () => {
  const pullPod = (message: string, extra: Obj = {}) =>
    pod({ name: 'img', uid: 'p-img', phase: 'Pending', nodeName: 'node-a', spec: { serviceAccountName: 'builder', ...extra }, containers: [container({ image: 'registry.corp.example:5000/team/app:1.2' })], containerStatuses: [cstatus({ ready: false, image: 'registry.corp.example:5000/team/app:1.2', state: waiting('ImagePullBackOff') })] });
  const pullEvent = (message: string) => event({ name: 'f', involved: { kind: 'Pod', name: 'img', uid: 'p-img', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message, lastTimestamp: at(2) });
  const unauthorized = 'Failed to pull image "registry.corp.example:5000/team/app:1.2": failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized';

  it('a credentials failure says whether the pod and its ServiceAccount have pull secrets (names only) and whether they exist', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'shop', uid: 'sa-b' }, imagePullSecrets: [{ name: 'corp-pull' }] };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other', namespace: 'shop', uid: 's-o' }, type: 'Opaque' };
    const d = run([pullPod(unauthorized, { imagePullSecrets: [{ name: 'corp-pull' }] }), pullEvent(unauthorized), sa, secret], 'Pod', 'img');
    const p = d.problems[0];
    assert.equal(p.check, 'image-pull-failure');
    const texts = p.evidence.map((e) => e.text);
    assert.ok(texts.includes('imagePullSecrets: corp-pull (no such Secret in the namespace)'), texts.join('\n'));
    assert.ok(texts.includes('ServiceAccount builder imagePullSecrets: corp-pull (no such Secret in the namespace)'), texts.join('\n'));
    const none = run([pullPod(unauthorized), pullEvent(unauthorized), { ...sa, imagePullSecrets: undefined }], 'Pod', 'img').problems[0].evidence.map((e) => e.text);
    assert.ok(none.includes('no imagePullSecrets on the pod') && none.includes('ServiceAccount builder has no imagePullSecrets'), none.join('\n'));
  });

  it('a liveness crash loop shows the probe\'s own settings, defaults named', () => {
    const cs = [{ ...container(), livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 } }];
    const items = [
      pod({ name: 'live', uid: 'p-live', containers: cs, containerStatuses: [cstatus({ ready: false, restartCount: 5, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 137, at(8)) })] }),
      event({ name: 'u', involved: { kind: 'Pod', name: 'live', uid: 'p-live', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Liveness probe failed: Get "http://10.1.0.4:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', count: 15, lastTimestamp: at(8) }),
    ];
    const p = run(items, 'Pod', 'live').problems[0];
    const e = p.evidence.find((x) => x.field === 'spec.containers[0].livenessProbe');
    assert.equal(e?.text, 'livenessProbe: httpGet /healthz on port 8080; timeoutSeconds 1 (default), periodSeconds 10, failureThreshold 3 (default), initialDelaySeconds 0 (default); no startupProbe');
  });

  it("a failed Job shows its pods' exit codes and termination messages", () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop', uid: 'j-migrate' }, spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [container()] } } }, status: { failed: 2, conditions: [cond('Failed', 'True', at(20), 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] } };
    const failed = (name: string) => pod({ name, uid: `p-${name}`, phase: 'Failed', owner: { kind: 'Job', name: 'migrate', uid: 'j-migrate', apiVersion: 'batch/v1' }, containerStatuses: [cstatus({ ready: false, state: terminated('Error', 1, at(11), 'ERROR: relation "users" already exists') })] });
    const p = run([job, failed('migrate-a'), failed('migrate-b')], 'Job', 'migrate').problems.find((x) => x.check === 'job-failed')!;
    assert.ok(p.evidence.some((e) => e.object?.name === 'migrate-a' && /^container app: exit code 1 .*, reason Error, at 2024-05-01T10:11:00Z; termination message: "ERROR: relation "users" already exists"$/.test(e.text)), JSON.stringify(p.evidence, null, 1));
    assert.match(p.cause, /^every retry failed: the Job reached its backoffLimit of 1 \(migrate-a\/app: exit code 1.*, reason Error, "ERROR: relation "users" already exists"; migrate-b/);
  });
});

describe('B9: an untagged image that is not found', () => {
  it('says the reference has no tag, so :latest is pulled and does not exist; the fix pins a tag', () => {
    const items = [
      pod({ name: 'nover', uid: 'p-nover', phase: 'Pending', containers: [container({ image: 'myorg/tool' })], containerStatuses: [cstatus({ ready: false, image: 'myorg/tool', state: waiting('ErrImagePull') })] }),
      event({ name: 'f', involved: { kind: 'Pod', name: 'nover', uid: 'p-nover', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: 'Failed to pull image "myorg/tool": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/myorg/tool:latest": failed to resolve reference "docker.io/myorg/tool:latest": docker.io/myorg/tool:latest: not found', lastTimestamp: at(2) }),
    ];
    const p = run(items, 'Pod', 'nover').problems[0];
    assert.match(p.cause, /^the image reference "myorg\/tool" has no tag, so the kubelet pulls myorg\/tool:latest, and the registry has no "latest" tag for it: /);
    assert.match(p.fix.text, /^Pin a tag that exists in the registry/);
    assert.deepEqual(p.fix.commands, ['crane ls myorg/tool   # the tags that exist', 'kubectl -n shop set image pod/nover app=myorg/tool:TAG   # TAG: one that exists']);
    // A tagged reference keeps the plain wording.
    const tagged = run([pod({ name: 't', uid: 'p-t', phase: 'Pending', containers: [container({ image: 'myorg/tool:9' })], containerStatuses: [cstatus({ ready: false, state: waiting('ErrImagePull', 'rpc error: code = NotFound desc = not found') })] })], 'Pod', 't').problems[0];
    assert.match(tagged.cause, /^the tag or digest does not exist in the registry/);
  });
});

describe('B7: fixes name the values the spec and the error already hold', () => {
  it('a missing Secret: create it with the keys the spec reads, each typed into the variable the spec sets (never a value)', () => {
    const cs = [container({ env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } }, { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'username' } } }] })];
    const p = run([pod({ name: 'cfg', uid: 'p-cfg', phase: 'Pending', containers: cs, containerStatuses: [cstatus({ ready: false, state: waiting('CreateContainerConfigError', 'secret "db-creds" not found') })] })], 'Pod', 'cfg').problems[0];
    assert.deepEqual(p.fix.commands, [
      'kubectl -n shop get secrets',
      'read -rs DB_PASSWORD   # type the value of key password: it is not shown nor kept in the shell history',
      'read -rs DB_USER   # type the value of key username: it is not shown nor kept in the shell history',
      'kubectl -n shop create secret generic db-creds --from-literal=password="$DB_PASSWORD" --from-literal=username="$DB_USER"',
    ]);
    assert.equal(p.fix.yaml, 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-creds\n        key: password\n  - name: DB_USER\n    valueFrom:\n      secretKeyRef:\n        name: db-creds\n        key: username');
    assert.ok(p.fix.commands.every((c) => !/[<>]/.test(c)));
  });

  it('a registry the node cannot resolve: nslookup of that host, from that node', () => {
    const msg = 'Failed to pull image "redis:7.2": failed to do request: Head "https://registry-1.docker.io/v2/library/redis/manifests/7.2": dial tcp: lookup registry-1.docker.io on 10.96.0.10:53: no such host';
    const items = [
      pod({ name: 'net', uid: 'p-net', phase: 'Pending', nodeName: 'node-a', containers: [container({ image: 'redis:7.2' })], containerStatuses: [cstatus({ ready: false, image: 'redis:7.2', state: waiting('ImagePullBackOff') })] }),
      event({ name: 'f', involved: { kind: 'Pod', name: 'net', uid: 'p-net', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: msg, lastTimestamp: at(2) }),
    ];
    const p = run(items, 'Pod', 'net').problems[0];
    assert.deepEqual(p.fix.commands, ['kubectl debug node/node-a -it --image=busybox -- nslookup registry-1.docker.io']);
  });

  it('a claim on a missing class when the cluster has no StorageClass at all says a provisioner is needed; otherwise names the classes', () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop', uid: 'pvc-data', creationTimestamp: T0 }, spec: { storageClassName: 'fast-ssd', accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending' } };
    const ev = event({ name: 'pf', involved: { kind: 'PersistentVolumeClaim', name: 'data', uid: 'pvc-data' }, reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "fast-ssd" not found', lastTimestamp: at(9), component: 'persistentvolume-controller' });
    const index = indexOf([claim, ev]);
    index.listedKinds = new Set(['PersistentVolumeClaim', 'StorageClass', 'Event']);
    const p = diagnose(index, { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'shop' }).problems[0];
    assert.match(p.fix.text, /^The cluster has no StorageClass at all: a storage provisioner \(a CSI driver for this platform\) with a StorageClass is needed/);
    assert.ok(p.evidence.some((e) => e.text === 'the cluster has no StorageClass at all'));
    assert.equal(p.fix.yaml, null);
    const sc = (name: string, def = false) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, ...(def ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) }, provisioner: 'x' });
    const q = run([claim, ev, sc('standard', true), sc('premium')], 'PersistentVolumeClaim', 'data').problems[0];
    assert.match(q.fix.text, /^Use a StorageClass that exists \(the input holds standard \(default\), premium\)/);
    assert.equal(q.fix.yaml, 'spec:\n  storageClassName: standard   # or: premium');
  });
});
