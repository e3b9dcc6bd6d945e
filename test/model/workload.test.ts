import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { toWorkload } from '../../src/model/workload.js';

function workload(yaml: string) {
  const r = loadText(yaml, 'w.yaml').resources[0];
  return toWorkload(r);
}

describe('workload model', () => {
  it('finds the pod template of known kinds and classifies them', () => {
    const cases: [string, string, string][] = [
      ['apps/v1', 'Deployment', 'service'],
      ['apps/v1', 'StatefulSet', 'service'],
      ['apps/v1', 'DaemonSet', 'daemon'],
      ['batch/v1', 'Job', 'batch'],
    ];
    for (const [apiVersion, kind, cls] of cases) {
      const w = workload(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: i}]\n`);
      assert.equal(w?.class, cls, kind);
      assert.deepEqual(w?.podSpecPath, ['spec', 'template', 'spec']);
    }
  });
  it('CronJob, bare Pods (by restartPolicy)', () => {
    const cj = workload(`apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: i}]\n`);
    assert.equal(cj?.class, 'batch');
    assert.equal(workload(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n`)?.class, 'pod');
    assert.equal(workload(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Never\n  containers: [{name: c, image: i}]\n`)?.class, 'batch');
  });
  it('custom resources with a pod template are found generically (Argo Rollout), batch-like ones are batch', () => {
    const ro = workload(`apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n`);
    assert.equal(ro?.class, 'service');
    assert.equal(ro?.replicas, 3);
    const sj = workload(`apiVersion: keda.sh/v1alpha1\nkind: ScaledJob\nmetadata: {name: s}\nspec:\n  jobTargetRef:\n    template:\n      spec:\n        containers: [{name: c, image: i}]\n`);
    assert.equal(sj?.class, 'batch');
    const tf = workload(`apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata: {name: t}\nspec:\n  pytorchReplicaSpecs:\n    Master:\n      template:\n        spec:\n          containers: [{name: c, image: i}]\n`);
    assert.equal(tf?.class, 'batch');
  });
  it('native sidecars, init containers and containers are told apart; ephemeral containers ignored', () => {
    const w = workload(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - {name: init, image: i}\n    - {name: side, image: i, restartPolicy: Always}\n  containers: [{name: app, image: i}]\n  ephemeralContainers: [{name: dbg, image: i}]\n`);
    assert.deepEqual(w?.containers.map((c) => `${c.name}:${c.type}:${c.longRunning}`), ['init:init:false', 'side:sidecar:true', 'app:container:true']);
  });
  it('CRDs, PodTemplates and partial objects are not workloads', () => {
    assert.equal(workload(`apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n`), null);
    assert.equal(workload(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: "oops"\n`), null);
  });
});

describe('objects the API server rejects as written are not workloads', () => {
  it('a container or init container without an image: a patch fragment (the API server rejects it as written)', async () => {
    const { fragmentReason } = await import('../../src/model/workload.js');
    const patch = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: controller-manager, namespace: system}\nspec:\n  template:\n    spec:\n      containers:\n        - name: manager\n          args: [--metrics-bind-address=127.0.0.1:8080]\n`;
    assert.equal(workload(patch), null);
    assert.equal(fragmentReason(loadText(patch, 'p.yaml').resources[0]), 'container "manager" has no image');
    assert.equal(workload(`apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      initContainers: [{name: wait}]\n      containers: [{name: c, image: i}]\n`), null);
    assert.equal(workload(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: ""}]\n`), null);
  });
  it('still workloads: every container has an image; custom resources without images (operators fill them)', async () => {
    const { fragmentReason } = await import('../../src/model/workload.js');
    const plain = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n`;
    const eck = `apiVersion: kibana.k8s.elastic.co/v1\nkind: Kibana\nmetadata: {name: k}\nspec:\n  count: 1\n  podTemplate:\n    spec:\n      containers: [{name: kibana, resources: {limits: {memory: 1Gi}}}]\n`;
    for (const y of [plain, eck]) {
      assert.notEqual(workload(y), null, y);
      assert.equal(fragmentReason(loadText(y, 'w.yaml').resources[0]), null);
    }
  });
  it('kinds Kubernetes does not define, in a group without a dot (core v1, apps), cannot exist: not workloads; dotted groups are searched', () => {
    const kind = (apiVersion: string, k: string) => `apiVersion: ${apiVersion}\nkind: ${k}\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n`;
    assert.equal(workload(kind('v1', 'SkipThisKind')), null);
    assert.equal(workload(kind('v1', 'Deployment')), null);
    assert.equal(workload(kind('apps/v1', 'Rollout')), null);
    assert.notEqual(workload(kind('argoproj.io/v1alpha1', 'Rollout')), null);
    assert.notEqual(workload(kind('jobset.x-k8s.io/v1alpha2', 'Thing')), null);
  });
});

describe('ResourceIndex.sameScope', async () => {
  const { ResourceIndex } = await import('../../src/model/index.js');
  const lr = (ns: string) => `apiVersion: v1\nkind: LimitRange\nmetadata: {name: l${ns ? `, namespace: ${ns}` : ''}}\n`;
  const load = (yaml: string, file: string) => loadText(yaml, file).resources[0];
  it('explicit namespaces must match; namespace-less objects must share a folder', () => {
    const idx = new ResourceIndex([]);
    assert.equal(idx.sameScope(load(lr('a'), 'x/1.yaml'), load(lr('a'), 'y/2.yaml')), true);
    assert.equal(idx.sameScope(load(lr('a'), 'x/1.yaml'), load(lr('b'), 'x/2.yaml')), false);
    assert.equal(idx.sameScope(load(lr(''), 'x/1.yaml'), load(lr(''), 'x/2.yaml')), true);
    assert.equal(idx.sameScope(load(lr(''), 'x/1.yaml'), load(lr(''), 'y/2.yaml')), false);
    assert.equal(idx.sameScope(load(lr(''), 'x/1.yaml'), load(lr('default'), 'y/2.yaml')), true);
  });
  it("kubebuilder's placeholder namespace system: together from the same or sibling folders only, and always on a live scan", () => {
    const idx = new ResourceIndex([]);
    const a = load(lr('system'), 'ops/notebook/config/rbac/service.yaml');
    assert.equal(idx.sameScope(a, load(lr('system'), 'ops/notebook/config/manager/manager.yaml')), true);
    assert.equal(idx.sameScope(a, load(lr('system'), 'ops/notebook/config/rbac/role.yaml')), true);
    assert.equal(idx.sameScope(a, load(lr('system'), 'ops/viewer/config/manager/manager.yaml')), false);
    const live = new ResourceIndex([]);
    live.listedKinds = new Set(['LimitRange']);
    assert.equal(live.sameScope(a, load(lr('system'), 'ops/viewer/config/manager/manager.yaml')), true);
  });
  it('scopeKey: objects with the same key are in scope with exactly the same objects', () => {
    const objects = [
      ['a', 'x/1.yaml'], ['a', 'y/2.yaml'], ['', 'x/1.yaml'], ['', 'x/3.yaml'], ['', 'y/2.yaml'], ['default', 'z/4.yaml'],
      ['system', 'ops/a/config/rbac/s.yaml'], ['system', 'ops/a/config/manager/m.yaml'], ['system', 'ops/b/config/rbac/s.yaml'],
    ].map(([ns, file]) => load(lr(ns), file));
    for (const idx of [new ResourceIndex([]), Object.assign(new ResourceIndex([]), { listedKinds: new Set(['LimitRange']) })]) {
      for (const a of objects) for (const b of objects) {
        if (idx.scopeKey(a) !== idx.scopeKey(b)) continue;
        for (const c of objects) assert.equal(idx.sameScope(a, c), idx.sameScope(b, c), `${a.origin.file} ~ ${b.origin.file} vs ${c.origin.file}`);
      }
      // Keys that differ where scope differs: the two operators under "system" in manifests.
      assert.notEqual(idx.scopeKey(objects[6]) === idx.scopeKey(objects[8]), idx.listedKinds === undefined);
    }
  });
});
