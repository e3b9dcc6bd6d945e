import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allChecks as checks } from '../../src/checks/index.js';
import { loadText } from '../../src/sources/resources.js';
import { audit, loadPlan } from '../../src/engine/audit.js';

// An Argo Rollout that runs a Deployment's template (spec.workloadRef); the Deployment is scaled to 0.
const rollout = (spec: string, ns = 'shop') => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: ${ns}}
spec:
${spec}  selector: {matchLabels: {app: web}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web, scaleDown: progressively}
  strategy:
    canary:
      steps: [{setWeight: 20}, {pause: {duration: 60}}]
---
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: example.com/web:1.0
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}}
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}
---
`;

const hpaAndPdb = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}
  minReplicas: 3
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
`;

function run(yaml: string) {
  const loaded = loadText(yaml, 'app.yaml', loadPlan(checks));
  const report = audit({ resources: loaded.resources, problems: [] }, { checks });
  const v = report.verdicts.find((x) => x.object.kind === 'Deployment');
  assert.ok(v);
  return v;
}

describe('Argo Rollout with workloadRef: the Deployment it runs', () => {
  it('takes the Rollout\'s replicas and autoscaler; the rollout verdict names the Rollout; no "scaled to zero"', () => {
    const v = run(rollout('  replicas: 5\n') + deployment + hpaAndPdb);
    const by = Object.fromEntries((v.survival ?? []).map((s) => [s.scenario, s]));
    assert.equal(by.drain.outcome, 'survives');
    assert.match(by.drain.reason, /minAvailable 2: a drain evicts at most 1 of 3 pods/);
    assert.equal(by.rollout.outcome, 'unknown');
    assert.match(by.rollout.reason, /^Rollout "web" runs these pods \(workloadRef\) and replaces them by its own canary strategy/);
    assert.equal(by.rollout.related?.[0]?.object.kind, 'Rollout');
    assert.equal(by.rollout.related?.[0]?.location.line, 8);
    assert.deepEqual(v.findings.filter((f) => ['replicas-below-minimum', 'hpa-workload-sets-replicas', 'hpa-target-missing'].includes(f.check)), []);
    assert.equal(v.cost?.replicas.now, 5);
    assert.equal(v.cost?.replicas.min, 3);
    assert.equal(v.cost?.replicas.max, 10);
  });

  it('a Rollout at replicas 0 with an HPA: the cost note names the Rollout\'s spec.replicas, not the Deployment\'s', () => {
    const v = run(rollout('  replicas: 0\n') + deployment + hpaAndPdb);
    assert.equal(v.cost?.replicas.now, 0);
    assert.ok(v.cost?.notes.some((n) => n.startsWith('Rollout "web" spec.replicas is 0: HorizontalPodAutoscaler "web" does not scale a workload up from 0')), JSON.stringify(v.cost?.notes));
  });

  it('replicas-below-minimum reads the Rollout\'s count and points at it', () => {
    const v = run(rollout('  replicas: 1\n') + deployment);
    const [f] = v.findings.filter((x) => x.check === 'replicas-below-minimum');
    assert.ok(f);
    assert.match(f.message, /^Rollout "web" \(workloadRef\) spec\.replicas is 1 \(minimum 2\)/);
    assert.equal(f.related[0]?.object.kind, 'Rollout');
    assert.equal(f.related[0]?.location.line, 5);
    // Unset: the Rollout's default of 1.
    const [g] = run(rollout('') + deployment).findings.filter((x) => x.check === 'replicas-below-minimum');
    assert.match(g.message, /^Rollout "web" \(workloadRef\) spec\.replicas is not set \(defaults to 1/);
  });

  it('a Rollout of another namespace does not run it: the Deployment is scaled to zero, every verdict n/a', () => {
    const v = run(rollout('  replicas: 5\n', 'other') + deployment);
    const [f] = v.findings.filter((x) => x.check === 'replicas-below-minimum');
    assert.match(f.message, /^spec\.replicas is 0: scaled to zero/);
    assert.deepEqual(
      (v.survival ?? []).map((s) => s.outcome),
      ['n/a', 'n/a', 'n/a', 'n/a'],
    );
  });
});
