/**
 * A finding's fix YAML (fixYaml) is placed at the object's own path: a CronJob's
 * spec.jobTemplate.spec.template.spec, a Pod's spec, an init container by name, a custom resource's
 * worker group. Each fix is applied here the way a user would (test/helpers/apply-fix: merged into the object: maps key by
 * key, containers by name) and the check run again: the finding must be gone, and no finding of
 * the other checks of this file may appear because of it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { runCheck } from '../helpers/check-tester.js';
import { applyFixes } from '../helpers/apply-fix.js';
import { allChecks } from '../../src/checks/index.js';
import type { Check } from '../../src/checks/types.js';
import { placeFix, yamlScalar } from '../../src/model/fix-yaml.js';

const byId = (id: string): Check => {
  const c = allChecks.find((x) => x.id === id);
  assert.ok(c, id);
  return c;
};

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
          - name: wait-db
            image: busybox:1.36
            command: [sh, -c, "until nc -z db 5432; do sleep 1; done"]
          containers:
          - name: report
            image: registry.example/report:1.0
            resources:
              requests: {cpu: "2", memory: 1Gi}
`;
const POD = `apiVersion: v1
kind: Pod
metadata: {name: "on", namespace: shop, labels: {app: web}}
spec:
  containers:
  - name: "on"
    image: nginx:1.27
    ports: [{name: web, containerPort: 80}]
    resources:
      limits: {memory: 128Mi}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: web}]
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: registry.example/api:1.0
        ports: [{name: metrics, containerPort: 9090}, {containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
        livenessProbe:
          httpGet: {path: /ready, port: 8080}
`;
const RAY = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: ray, namespace: ml}
spec:
  headGroupSpec:
    template:
      spec:
        containers:
        - name: ray-head
          image: rayproject/ray:2.9.0
          resources: {requests: {cpu: "1", memory: 2Gi}, limits: {cpu: "1", memory: 2Gi}}
  workerGroupSpecs:
  - groupName: gpu
    template:
      spec:
        containers:
        - name: ray-worker
          image: rayproject/ray:2.9.0
          resources: {requests: {memory: 4Gi}}
`;

describe('fix placement (model/fix-yaml placeFix)', () => {
  it('writes the snippet at a CronJob\'s pod spec, naming the init container, and quotes a name YAML would read as a boolean', () => {
    const [f] = runCheck(byId('cpu-request-missing'), CRONJOB).filter((x) => x.container === 'wait-db');
    assert.equal(
      f.fixYaml,
      `spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - name: wait-db
            resources:
              requests:
                cpu: "2"   # what the pod reserves anyway: no more is asked of the node`,
    );
    const pod = runCheck(byId('seccomp-profile-missing'), POD)[0];
    const REPLACE = "# a Pod's spec cannot change once created: apply with kubectl replace --force -f FILE (it re-creates the Pod), or run it from a Deployment\n";
    assert.equal(pod.fixYaml, `${REPLACE}spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault`);
    const named = runCheck(byId('privilege-escalation'), POD)[0];
    assert.equal(named.fixYaml, `${REPLACE}spec:\n  containers:\n  - name: "on"\n    securityContext:\n      allowPrivilegeEscalation: false`);
    // Labels of a Pod can change in place: no such note.
    const labels = runCheck(byId('recommended-labels-missing'), POD.replace('labels: {app: web}', 'labels: {tier: web}'))[0];
    assert.equal(labels.fixYaml, 'metadata:\n  labels:\n    app.kubernetes.io/name: "on"   # the app\'s name');
    assert.equal(yamlScalar('on'), '"on"');
    assert.equal(yamlScalar('web-1'), 'web-1');
    assert.equal(yamlScalar('8080'), '"8080"');
  });

  it('names the list item of a custom resource\'s other template in a comment and writes the rest as keys', () => {
    const f = runCheck(byId('cpu-limit-missing'), RAY).find((x) => x.container === 'ray-worker')!;
    assert.equal(
      f.fixYaml,
      `# in spec.workerGroupSpecs[0]:
template:
  spec:
    containers:
    - name: ray-worker
      resources:
        requests:
          cpu: 250m   # its typical use: measure it
        limits:
          cpu: "1"   # without a request, this limit would also become the request`,
    );
  });

  it('a limit is never below the request the container has; without a request, one is shown too', () => {
    const [report] = runCheck(byId('memory-limit-missing'), CRONJOB).filter((x) => x.container === 'report');
    assert.match(report.fixYaml!, /memory: 1Gi {3}# = its request of 1Gi$/);
    const [cpu] = runCheck(byId('cpu-limit-missing'), CRONJOB).filter((x) => x.container === 'report');
    assert.match(cpu.fixYaml!, /cpu: "2" {3}# = its request of 2; higher lets it burst$/);
  });

  it('probes use the port the container declares (by name), or say it declares none', () => {
    const [live] = runCheck(byId('liveness-probe-missing'), POD);
    assert.match(live.fixYaml!, /tcpSocket:\n {8}port: web$/m);
    const [same] = runCheck(byId('liveness-equals-readiness'), DEPLOYMENT);
    assert.match(same.fixYaml!, /livenessProbe: {3}# instead of the copy of the readiness check\n {10}httpGet: null\n {10}tcpSocket:\n {12}port: 8080$/m);
  });

  it('the generic placement: every check with a place renders a parseable snippet at a Deployment, a Pod and an init container', () => {
    const placed = allChecks.filter((c) => c.fix.place);
    assert.ok(placed.length >= 20, `${placed.length} checks place their fix`);
    // An empty snippet: only findings with their own get a placed fix.
    for (const c of placed) if (c.fix.place!.snippet !== '') assert.doesNotThrow(() => yaml.load(c.fix.place!.snippet), c.id);
  });

  for (const [id, text, opts] of [
    ['cpu-request-missing', CRONJOB, {}],
    ['memory-request-missing', CRONJOB, {}],
    ['cpu-limit-missing', CRONJOB, {}],
    ['memory-limit-missing', CRONJOB, {}],
    ['cpu-limit-missing', RAY, {}],
    ['liveness-probe-missing', POD, {}],
    ['readiness-probe-missing', POD, {}],
    ['liveness-equals-readiness', DEPLOYMENT, {}],
    ['default-service-account', CRONJOB, {}],
    ['service-account-token-automount', POD, {}],
    ['run-as-non-root', CRONJOB, {}],
    ['seccomp-profile-missing', POD, {}],
    ['privilege-escalation', CRONJOB, {}],
    ['capabilities-not-dropped', POD, {}],
    ['recommended-labels-missing', CRONJOB, {}],
  ] as const) {
    it(`${id}: applying each finding's fixYaml to ${/kind: (\w+)/.exec(text)![1]} clears it, and no resource check objects to the result`, () => {
      const { before, after, fixed } = applyFixes(byId(id), text, opts);
      assert.ok(before.length > 0, `${id} fires on the fixture`);
      assert.deepEqual(after.map((f) => `${f.container}: ${f.message}`), [], `after the fix:\n${fixed}`);
      for (const other of ['resource-request-above-limit', 'probe-port-not-declared', 'invalid-resource-quantity', 'probe-multiple-handlers']) {
        const was = runCheck(byId(other), text).length;
        assert.equal(runCheck(byId(other), fixed).length, was, `${other} after applying ${id}'s fix:\n${fixed}`);
      }
    });
  }

  it('placeFix returns null for a container the workload does not have', () => {
    const w = { containers: [], podSpecPath: ['spec'], podMetaPath: ['metadata'] } as never;
    assert.equal(placeFix(w, 'container', 'a: 1', 'nope'), null);
    assert.equal(placeFix({ ...(w as object), resource: { kind: 'Deployment' } } as never, 'pod-spec', 'a: 1'), 'spec:\n  a: 1');
    assert.equal(placeFix(w, 'object', 'a: 1\n'), 'a: 1');
  });
});
