/**
 * What an operator writes into the pods it builds (src/model/operator-defaults.ts): CloudNativePG's
 * Pooler gets its ServiceAccount, the pgbouncer container's security context, a readiness probe, its
 * ports and labels from the operator, and spec.instances is its replica count.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allChecks } from '../../src/checks/index.js';
import { audit } from '../../src/engine/audit.js';
import { loadText } from '../../src/sources/resources.js';
import { otherTemplates, toWorkload } from '../../src/model/workload.js';

const pooler = (opts: { group?: string; instances?: string; extra?: string; container?: string } = {}) => `apiVersion: ${opts.group ?? 'postgresql.cnpg.io/v1'}
kind: Pooler
metadata:
  name: pg-pooler-rw
  namespace: db
  labels: {team: data}
spec:
  cluster: {name: pg}
${opts.instances ?? '  instances: 3\n'}  type: rw
  pgbouncer:
    poolMode: session
${opts.extra ?? ''}  template:
    metadata:
      labels: {app: pooler}
    spec:
      containers:
        - name: pgbouncer
          resources:
            requests: {cpu: 250m, memory: 512Mi}
            limits: {cpu: 250m, memory: 512Mi}
${opts.container ?? ''}`;

function checksFired(text: string): Map<string, string[]> {
  const r = audit({ resources: loadText(text, 'pooler.yaml').resources }, { checks: allChecks });
  const m = new Map<string, string[]>();
  for (const f of r.verdicts[0].findings) m.set(f.check, [...(m.get(f.check) ?? []), `${f.unknown ? 'unknown' : f.severity}: ${f.message}`]);
  return m;
}

const OPERATOR_SETS = [
  'default-service-account',
  'service-account-missing',
  'service-account-token-automount',
  'run-as-non-root',
  'capabilities-not-dropped',
  'privilege-escalation',
  'read-only-root-filesystem',
  'seccomp-profile-missing',
  'readiness-probe-missing',
  'metrics-not-exposed',
];

describe("CloudNativePG's Pooler", () => {
  it('the model: the pods as the operator builds them', () => {
    const w = toWorkload(loadText(pooler(), 'p.yaml').resources[0])!;
    assert.equal(w.podSpec.serviceAccountName, 'pg-pooler-rw');
    assert.match(w.serviceAccountBy!, /CloudNativePG runs the Pooler's pods as ServiceAccount "pg-pooler-rw"/);
    assert.deepEqual(w.replicasPath, ['spec', 'instances']);
    assert.equal(w.replicas, 3);
    assert.deepEqual(w.podLabels, { app: 'pooler', 'cnpg.io/poolerName': 'pg-pooler-rw' });
    const c = w.containers[0];
    assert.equal((c.spec.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, true);
    assert.deepEqual(c.spec.readinessProbe, { tcpSocket: { port: 5432 }, timeoutSeconds: 5 });
    assert.deepEqual((c.spec.ports as { name: string }[]).map((p) => p.name), ['pgbouncer', 'metrics']);
    // The pod spec's container list holds the same (effective) container, and the input is untouched.
    assert.equal((w.podSpec.containers as unknown[])[0], c.spec);
    const written = (((w.resource.object.spec as Record<string, unknown>).template as Record<string, unknown>).spec as { containers: Record<string, unknown>[] }).containers[0];
    assert.equal(written.securityContext, undefined);
    assert.equal((w.resource.object.spec as Record<string, unknown>).serviceAccountName, undefined);
  });

  it('what the operator sets is not reported; what it does not set still is', () => {
    const fired = checksFired(pooler());
    for (const id of OPERATOR_SETS) assert.equal(fired.get(id), undefined, `${id}: ${fired.get(id)}`);
    assert.match(fired.get('liveness-probe-missing')![0], /^error: container "pgbouncer" has no livenessProbe/);
    // The pods' own label now judges the zone anti-affinity a template may carry: none here.
    assert.equal(fired.get('replicas-below-minimum'), undefined);
    assert.match(fired.get('metrics-not-scraped')![0], /^unknown: exposes metrics \(port "metrics" \(9127\) of container "pgbouncer"\)/);
  });

  it('the operator overwrites a security context and a ServiceAccount written in the template', () => {
    const fired = checksFired(
      pooler({ container: '          securityContext: {privileged: true, runAsUser: 0}\n' }).replace('    spec:\n      containers:', '    spec:\n      serviceAccountName: shared\n      containers:'),
    );
    for (const id of [...OPERATOR_SETS, 'privileged-container']) assert.equal(fired.get(id), undefined, `${id}: ${fired.get(id)}`);
  });

  it('spec.instances is the replica count; a PodMonitor the operator creates scrapes it', () => {
    assert.match(checksFired(pooler({ instances: '  instances: 1\n' })).get('replicas-below-minimum')![0], /^error: spec\.instances is 1 \(minimum 2\)/);
    assert.match(checksFired(pooler({ instances: '' })).get('replicas-below-minimum')![0], /^error: spec\.instances is not set \(defaults to 1; minimum 2\)/);
    assert.equal(checksFired(pooler({ extra: '  monitoring: {enablePodMonitor: true}\n' })).get('metrics-not-scraped'), undefined);
    assert.ok(checksFired(pooler({ extra: '  monitoring: {enablePodMonitor: false}\n' })).get('metrics-not-scraped'));
  });

  it('a Pooler of another API group is judged as written', () => {
    const fired = checksFired(pooler({ group: 'example.com/v1' }));
    assert.ok(fired.get('default-service-account'));
    assert.ok(fired.get('run-as-non-root'));
  });
});

describe('KubeRay: labels, metrics port and the autoscaling head ServiceAccount', () => {
  const rc = (opts: { kind?: string; autoscaling?: boolean; sa?: string; labels?: string } = {}) => {
    const kind = opts.kind ?? 'RayCluster';
    const at = kind === 'RayCluster' ? 'spec' : kind === 'RayService' ? 'spec.rayClusterConfig' : 'spec.rayClusterSpec';
    const indent = ' '.repeat(at.split('.').length * 2);
    const body = `enableInTreeAutoscaling: ${opts.autoscaling ?? false}
headGroupSpec:
  template:
    metadata: {labels: ${opts.labels ?? '{}'}}
    spec:
${opts.sa ? `      serviceAccountName: ${opts.sa}\n` : ''}      containers:
        - name: ray-head
          image: rayproject/ray:2.40.0
          ports: [{name: gcs, containerPort: 6379}]
workerGroupSpecs:
  - groupName: gpu
    template:
      spec:
        containers: [{name: ray-worker, image: rayproject/ray:2.40.0, ports: [{name: metrics, containerPort: 9000}]}]
`;
    const nested = at === 'spec' ? body : `${at.split('.')[1]}:\n${body.replace(/^/gm, '  ')}`;
    return `apiVersion: ray.io/v1\nkind: ${kind}\nmetadata: {name: rc}\nspec:\n${nested.replace(/^(?=.)/gm, '  ')}`;
  };

  it('labels head and worker pods as KubeRay does, and adds the metrics port only where it is missing', () => {
    const r = loadText(rc({ labels: '{app.kubernetes.io/name: mine}' }), 'rc.yaml').resources[0];
    const head = toWorkload(r)!;
    assert.equal(head.podLabels['ray.io/is-ray-node'], 'yes');
    assert.equal(head.podLabels['ray.io/node-type'], 'head');
    assert.equal(head.podLabels['ray.io/group'], 'headgroup');
    assert.equal(head.podLabels['ray.io/cluster'], 'rc');
    assert.equal(head.podLabels['app.kubernetes.io/name'], 'mine', "the user's own value wins");
    assert.deepEqual(head.containers[0].spec.ports, [{ name: 'gcs', containerPort: 6379 }, { name: 'metrics', containerPort: 8080 }]);
    const worker = otherTemplates(head)[0];
    assert.equal(worker.podLabels['ray.io/group'], 'gpu');
    assert.equal(worker.podLabels['app.kubernetes.io/name'], 'kuberay');
    assert.deepEqual(worker.containers[0].spec.ports, [{ name: 'metrics', containerPort: 9000 }]);
  });

  it('with in-tree autoscaling the head runs as a ServiceAccount KubeRay creates, unless the template names one', () => {
    const fired = (text: string) => audit({ resources: loadText(text, 'rc.yaml').resources }, { checks: allChecks }).verdicts[0].findings.map((f) => f.check);
    const auto = toWorkload(loadText(rc({ autoscaling: true }), 'rc.yaml').resources[0])!;
    assert.equal(auto.podSpec.serviceAccountName, 'rc');
    assert.match(auto.serviceAccountBy ?? '', /KubeRay runs the head pod \(in-tree autoscaling\) as ServiceAccount "rc"/);
    assert.ok(!fired(rc({ autoscaling: true })).includes('default-service-account'));
    assert.ok(fired(rc()).includes('default-service-account'));
    const own = toWorkload(loadText(rc({ autoscaling: true, sa: 'ray-head' }), 'rc.yaml').resources[0])!;
    assert.equal(own.podSpec.serviceAccountName, 'ray-head');
    assert.equal(own.serviceAccountBy, undefined);
    for (const kind of ['RayService', 'RayJob']) {
      const w = toWorkload(loadText(rc({ kind, autoscaling: true }), 'rc.yaml').resources[0])!;
      assert.match(w.serviceAccountBy ?? '', /KubeRay runs the head pod/, kind);
      assert.equal(w.podLabels['ray.io/cluster'], undefined, `${kind}: the RayCluster's name is generated`);
      assert.ok(!fired(rc({ kind, autoscaling: true })).includes('default-service-account'), kind);
    }
  });
});

describe('LeaderWorkerSet: leader and worker templates, and the labels its controller adds', () => {
  const lws = (hpa = '') => `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: vllm, namespace: ai}
spec:
  replicas: 2
  leaderWorkerTemplate:
    size: 2
    leaderTemplate:
      metadata:
        labels: {role: leader}
      spec:
        containers:
          - name: leader
            image: example.com/serve:1
            ports: [{containerPort: 8080}]
    workerTemplate:
      spec:
        containers:
          - {name: worker, image: "example.com/serve:1"}
---
apiVersion: v1
kind: Service
metadata: {name: vllm-leader, namespace: ai}
spec:
  selector: {leaderworkerset.sigs.k8s.io/name: vllm, role: leader}
  ports: [{port: 80, targetPort: 8080}]
${hpa}`;

  it('the leader template is the workload, the worker template the other one; spec.replicas counts groups', () => {
    const [r] = loadText(lws(), 'lws.yaml').resources;
    const w = toWorkload(r)!;
    assert.deepEqual(w.podSpecPath, ['spec', 'leaderWorkerTemplate', 'leaderTemplate', 'spec']);
    assert.deepEqual(w.podLabels, { role: 'leader', 'leaderworkerset.sigs.k8s.io/name': 'vllm', 'leaderworkerset.sigs.k8s.io/worker-index': '0' });
    assert.deepEqual(w.replicasPath, ['spec', 'replicas']);
    assert.equal(w.replicas, 2);
    const others = otherTemplates(w);
    assert.deepEqual(others.map((x) => x.podSpecPath.join('.')), ['spec.leaderWorkerTemplate.workerTemplate.spec']);
    assert.deepEqual(others[0].podLabels, { 'leaderworkerset.sigs.k8s.io/name': 'vllm' });
  });

  it('its containers are audited (both templates), and the Service written for the leader selects it', () => {
    const r = audit({ resources: loadText(lws(), 'lws.yaml').resources }, { checks: allChecks });
    const v = r.verdicts.find((x) => x.object.kind === 'LeaderWorkerSet')!;
    assert.ok(v.workloadClass);
    const cpu = v.findings.filter((f) => f.check === 'cpu-request-missing').map((f) => f.container).sort();
    assert.deepEqual(cpu, ['leader', 'worker']);
    const ready = v.findings.find((f) => f.check === 'readiness-probe-missing' && f.container === 'leader')!;
    assert.match(ready.message, /Service "vllm-leader" sends it traffic before it can serve/);
    assert.equal(r.verdicts.flatMap((x) => x.findings).filter((f) => f.check === 'service-selects-nothing').length, 0);
  });

  it('an autoscaler floor of one is a single group of pods, not a single pod', () => {
    const hpa = `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: lws-hpa, namespace: ai}
spec:
  scaleTargetRef: {apiVersion: leaderworkerset.x-k8s.io/v1, kind: LeaderWorkerSet, name: vllm}
  minReplicas: 1
  maxReplicas: 4
`;
    const r = audit({ resources: loadText(lws(hpa).replace('  replicas: 2\n', ''), 'lws.yaml').resources }, { checks: allChecks });
    const f = r.verdicts.flatMap((x) => x.findings).find((x) => x.check === 'replicas-below-minimum')!;
    assert.match(f.message, /at low load the workload runs a single group of pods \(leader and workers\)/);
  });
});
