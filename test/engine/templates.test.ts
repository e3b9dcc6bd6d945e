/**
 * Custom resources with several pod templates (a RayCluster's head and worker groups, an MPIJob's
 * launcher and workers): the object is indexed by its first template, and its other templates get
 * the checks that judge a pod template on its own (resources and security). Their findings join the
 * object's verdict, each at its own template's field and line.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allChecks } from '../../src/checks/index.js';
import { audit } from '../../src/engine/audit.js';
import { loadText } from '../../src/sources/resources.js';
import { otherTemplates, toWorkload } from '../../src/model/workload.js';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

/** A head group that passes the resources and security checks, and a worker group that does not. */
const HARDENED_AT_8 = `
        securityContext:
          runAsNonRoot: true
          runAsUser: 1000
          seccompProfile: {type: RuntimeDefault}
        containers:
          - name: NAME
            image: rayproject/ray:2.41.0@sha256:0f8b8e6c2a5d7e1a4b3c9d2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a
            resources:
              requests: {cpu: "2", memory: 8Gi}
              limits: {cpu: "2", memory: 8Gi}
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities: {drop: [ALL]}`;

/** The hardened pod spec for container `name`, indented for a spec key at column `col`. */
const hardened = (name: string, col: number) => HARDENED_AT_8.replace('NAME', name).replace(/\n/g, `\n${' '.repeat(col + 2 - 8)}`);

const rayCluster = `apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: train
  namespace: ml
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:${hardened('ray-head', 6)}
  workerGroupSpecs:
    - groupName: cpu
      replicas: 1
      template:
        spec:${hardened('ray-worker', 8)}
    - groupName: gpu
      replicas: 1
      rayStartParams: {}
      template:
        spec:
          containers:
            - name: ray-worker
              image: rayproject/ray:2.41.0-gpu
              securityContext:
                privileged: true
`;

const mpiJob = `apiVersion: kubeflow.org/v2beta1
kind: MPIJob
metadata:
  name: hpl
  namespace: hpc
spec:
  mpiReplicaSpecs:
    Launcher:
      replicas: 1
      template:
        spec:${hardened('launcher', 8)}
    Worker:
      replicas: 4
      template:
        spec:
          containers:
            - name: worker
              image: registry.example.com/hpl:2.3
`;

function run(text: string) {
  const r = audit({ resources: loadText(text, 'app.yaml').resources }, { checks: allChecks });
  assert.equal(r.verdicts.length, 1);
  return r.verdicts[0];
}

describe('custom resources with several pod templates', () => {
  it('the model: the other templates of a RayCluster, in arrays too, none for built-in kinds', () => {
    const res = loadText(rayCluster, 'app.yaml').resources[0];
    const w = toWorkload(res)!;
    assert.deepEqual(w.podSpecPath, ['spec', 'headGroupSpec', 'template', 'spec']);
    const others = otherTemplates(w);
    assert.deepEqual(
      others.map((o) => [o.podSpecPath.join('.'), o.replicasPath?.join('.'), o.replicas, o.class, o.templateOf === w, o.containers.map((c) => c.name)]),
      [
        ['spec.workerGroupSpecs.0.template.spec', 'spec.workerGroupSpecs.0.replicas', 1, w.class, true, ['ray-worker']],
        ['spec.workerGroupSpecs.1.template.spec', 'spec.workerGroupSpecs.1.replicas', 1, w.class, true, ['ray-worker']],
      ],
    );
    // KubeRay's probes are injected into worker groups as into the head.
    assert.ok(others.every((o) => o.containers[0].probesBy));
    // Another template's own templates are not asked for (nothing is nested twice).
    assert.deepEqual(otherTemplates(others[0]), []);
    const dep = loadText('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: "a:1"}]\n', 'd.yaml').resources[0];
    assert.deepEqual(otherTemplates(toWorkload(dep)!), []);
  });

  it('a worker group is judged by the resources and security checks, at its own fields', () => {
    const v = run(rayCluster);
    const at = (id: string) => v.findings.filter((f) => f.check === id).map((f) => f.field);
    // The head and the hardened cpu group are clean; the gpu group is not.
    assert.deepEqual(at('memory-limit-missing'), ['spec.workerGroupSpecs[1].template.spec.containers[0].resources.limits.memory']);
    assert.deepEqual(at('privileged-container'), ['spec.workerGroupSpecs[1].template.spec.containers[0].securityContext.privileged']);
    assert.deepEqual(at('run-as-non-root'), ['spec.workerGroupSpecs[1].template.spec.containers[0].securityContext.runAsNonRoot']);
    assert.ok(v.findings.filter((f) => f.pillar === 'resources' || f.pillar === 'security').every((f) => f.field?.startsWith('spec.workerGroupSpecs[1].')));
    // Each at the worker group's own line.
    const priv = v.findings.find((f) => f.check === 'privileged-container')!;
    assert.equal(priv.location.line, rayCluster.split('\n').findIndex((l) => l.includes('privileged: true')) + 1);
    assert.equal(v.ready, false);
    assert.equal(v.podSecurity, 'privileged');
  });

  it('other pillars stay with the template the object is indexed by: no replica, probe or availability findings for worker groups', () => {
    const v = run(rayCluster);
    const elsewhere = v.findings.filter((f) => f.pillar !== 'resources' && f.pillar !== 'security');
    assert.ok(elsewhere.length > 0);
    assert.ok(elsewhere.every((f) => !f.field?.includes('workerGroupSpecs')), elsewhere.map((f) => `${f.check} ${f.field}`).join('\n'));
  });

  it("an MPIJob's workers beside its launcher", () => {
    const v = run(mpiJob);
    assert.equal(v.workloadClass, 'batch');
    const res = v.findings.filter((f) => f.pillar === 'resources').map((f) => `${f.check} ${f.field}`).sort();
    assert.deepEqual(res, [
      'cpu-limit-missing spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits.cpu',
      'cpu-request-missing spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.requests.cpu',
      'memory-limit-missing spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits.memory',
      'memory-request-missing spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.requests.memory',
    ]);
  });

  it('the same finding in two templates is reported for each; a check turned off is off for every template', () => {
    const both = mpiJob.replace(hardened('launcher', 8), `
          containers:
            - name: launcher
              image: registry.example.com/hpl:2.3`);
    const v = run(both);
    assert.deepEqual(
      v.findings.filter((f) => f.check === 'memory-limit-missing').map((f) => f.field),
      ['spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].resources.limits.memory', 'spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits.memory'],
    );
    const off = audit({ resources: loadText(both, 'app.yaml').resources }, { checks: allChecks.filter((c) => c.id !== 'memory-limit-missing') });
    assert.equal(off.verdicts[0].findings.filter((f) => f.check === 'memory-limit-missing').length, 0);
  });
});

describe('the cost of a custom resource with several pod templates', () => {
  const sized = (name: string, cpu: string, mem: string) => `
          containers:
            - name: ${name}
              image: rayproject/ray:2.41.0
              resources:
                requests: {cpu: "${cpu}", memory: ${mem}}
                limits: {cpu: "${cpu}", memory: ${mem}}`;
  const cluster = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: serve, namespace: ml}
spec:
  headGroupSpec:
    template:
      spec:${sized('ray-head', '2', '8Gi').replace(/\n {4}/g, '\n  ')}
  workerGroupSpecs:
    - groupName: cpu
      replicas: 3
      minReplicas: 1
      maxReplicas: 10
      template:
        spec:${sized('ray-worker', '4', '16Gi')}
`;

  it('sums every template: the head once, each worker group times its replicas', () => {
    const r = audit({ resources: loadText(cluster, 'ray.yaml').resources }, { checks: allChecks });
    const cost = r.verdicts[0].cost!;
    // 2 + 3 x 4 cores, 8Gi + 3 x 16Gi.
    assert.deepEqual(cost.requests.now, { cpu: 14, memory: 56 * 2 ** 30 });
    assert.deepEqual(cost.limitsAtMax, { cpu: 14, memory: 56 * 2 ** 30 });
    assert.deepEqual(cost.pod.requests, { cpu: 2, memory: 8 * 2 ** 30 });
    assert.deepEqual(
      cost.templates!.map((t) => [t.field, t.replicas.now, t.requests]),
      [
        ['spec.headGroupSpec.template', 1, { cpu: 2, memory: 8 * 2 ** 30 }],
        ['spec.workerGroupSpecs[0].template', 3, { cpu: 12, memory: 48 * 2 ** 30 }],
      ],
    );
    const monthly = cost.templates!.reduce((a, t) => a + t.monthly!, 0);
    assert.ok(Math.abs(cost.monthly!.now - monthly) < 1e-6);
    assert.ok(cost.templates![1].monthly! > cost.templates![0].monthly! * 5);
    assert.match(cost.text, /^spec\.headGroupSpec\.template: per pod 2 CPU, 8Gi memory x1 replica; spec\.workerGroupSpecs\[0\]\.template: per pod 4 CPU, 16Gi memory x3 replicas; in all: 14 CPU, 56Gi memory, about /);
    // The namespace and the whole input count the workers too.
    assert.deepEqual(r.cost!.total.running!.requests.now, { cpu: 14, memory: 56 * 2 ** 30 });
    // And the report stays within its schema.
    const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  it("an MPIJob's workers count per run by their replicas", () => {
    const job = `apiVersion: kubeflow.org/v2beta1
kind: MPIJob
metadata: {name: hpl, namespace: hpc}
spec:
  mpiReplicaSpecs:
    Launcher:
      replicas: 1
      template:
        spec:${sized('launcher', '1', '1Gi')}
    Worker:
      replicas: 4
      template:
        spec:${sized('worker', '8', '32Gi')}
`;
    const r = audit({ resources: loadText(job, 'mpi.yaml').resources }, { checks: allChecks });
    const cost = r.verdicts[0].cost!;
    assert.equal(cost.unit, 'per-run');
    assert.deepEqual(cost.requests.now, { cpu: 33, memory: 129 * 2 ** 30 });
    assert.deepEqual(cost.templates!.map((t) => t.replicas.now), [1, 4]);
  });

  it('an autoscaler of the object scales its first template only', () => {
    const hpa = `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: serve, namespace: ml}
spec:
  scaleTargetRef: {apiVersion: ray.io/v1, kind: RayCluster, name: serve}
  minReplicas: 2
  maxReplicas: 5
`;
    const r = audit({ resources: loadText(cluster + hpa, 'ray.yaml').resources }, { checks: allChecks });
    const cost = r.verdicts.find((v) => v.object.kind === 'RayCluster')!.cost!;
    assert.deepEqual(cost.templates!.map((t) => [t.replicas.min, t.replicas.max]), [[2, 5], [3, 3]]);
  });
});
