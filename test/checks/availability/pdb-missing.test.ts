import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/pdb-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import * as yaml from 'js-yaml';
import { runCheck as runFix } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import { findCheck } from '../../../src/checks/index.js';
import { ownPodSelector } from '../../../src/checks/availability/own-selector.js';

const deploy = (replicas: string, ns = 'shop', labels = '{app: web, tier: front}') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers: [{name: app, image: nginx:1.27}]
`;

describe('pdb-missing', () => {
  it('fires on a 3-replica Deployment with no PDB, pointing at the pod labels, as unknown', () => {
    const found = expectFindings(check, deploy('  replicas: 3'), [
      { line: 9, severity: 'error', object: 'web', message: 'runs 3 replicas (spec.replicas 3) but no PodDisruptionBudget in namespace "shop" selects its pods (app=web, tier=front)' },
    ]);
    assert.equal(found[0].unknown, 'no PodDisruptionBudget in the input selects these pods');
  });

  it('fires when the only PDB is in another namespace or selects other pods', () => {
    expectFindings(
      check,
      deploy('  replicas: 2') +
        `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: other-ns, namespace: shop-staging}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: other-app, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: api}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: no-selector, namespace: shop}
spec:
  maxUnavailable: 1
`,
      [{ line: 9, message: 'no PodDisruptionBudget' }],
    );
  });

  it('is silent when a PDB in the namespace selects the pods (matchLabels subset)', () => {
    expectNone(
      check,
      deploy('  replicas: 3') +
        `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
`,
    );
  });

  it('is silent with a matchExpressions selector that matches', () => {
    expectNone(
      check,
      deploy('  replicas: 3') +
        `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: front, namespace: shop}
spec:
  minAvailable: 1
  selector:
    matchExpressions:
      - {key: tier, operator: In, values: [front, edge]}
      - {key: canary, operator: DoesNotExist}
`,
    );
  });

  it('fires when matchExpressions exclude the pods', () => {
    expectFindings(
      check,
      deploy('  replicas: 3') +
        `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: back, namespace: shop}
spec:
  minAvailable: 1
  selector:
    matchExpressions:
      - {key: tier, operator: NotIn, values: [front]}
`,
      [{ line: 9 }],
    );
  });

  it('is silent for a policy/v1 PDB with an empty selector (selects every pod of the namespace)', () => {
    expectNone(
      check,
      deploy('  replicas: 3') +
        `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: all, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {}
`,
    );
  });

  it('fires for a policy/v1beta1 PDB with an empty selector (selects no pods) and says why', () => {
    expectFindings(
      check,
      deploy('  replicas: 3') +
        `---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: legacy, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {}
`,
      [{ line: 9, message: 'PodDisruptionBudget "legacy" is policy/v1beta1 with an empty selector' }],
    );
  });

  it('does not count a policy/v1beta1 PDB that selects the pods (never created: the API is removed), and says so', () => {
    expectFindings(
      check,
      deploy('  replicas: 3') +
        `---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: legacy, namespace: shop}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
`,
      [{ line: 9, message: 'PodDisruptionBudget "legacy" selects them but is policy/v1beta1, which the API server no longer serves: it is never created; make it policy/v1' }],
    );
  });

  it('ignores a namespace-less budget of another project tree; one of the same tree counts', () => {
    const plan = loadPlan([check]);
    const budget = 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: redis}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n';
    const run = (file: string) =>
      audit({ resources: [...loadText(deploy('  replicas: 3').replace('namespace: shop', 'labels: {a: b}'), 'guestbook/redis.yaml', plan).resources, ...loadText(budget, file, plan).resources] }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.equal(run('other-samples/hello-redis/manifests/pdb.yaml').length, 1);
    assert.equal(run('guestbook/pdb/redis.yaml').length, 0);
  });

  it('stays silent when the selector cannot be evaluated', () => {
    expectNone(
      check,
      deploy('  replicas: 3') +
        `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: odd, namespace: shop}
spec:
  maxUnavailable: 1
  selector:
    matchExpressions:
      - {key: app, operator: Matches, values: [web]}
`,
    );
  });

  it('uses the HPA floor: spec.replicas 1 with HPA minReplicas 3 fires', () => {
    expectFindings(
      check,
      deploy('  replicas: 1') +
        `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
`,
      [{ line: 9, message: 'runs 3 or more replicas (HorizontalPodAutoscaler "web-hpa" minReplicas 3)' }],
    );
  });

  it('uses the HPA floor: spec.replicas 4 with an HPA minReplicas 1 is silent', () => {
    expectNone(
      check,
      deploy('  replicas: 4') +
        `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 10
`,
    );
  });

  it('is silent for single-replica, unset-replica, DaemonSet, Job, CronJob and label-less workloads', () => {
    expectNone(
      check,
      deploy('  replicas: 1') +
        `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: unset}
spec:
  template:
    metadata: {labels: {app: unset}}
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fragment}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: app, image: fluent-bit}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  parallelism: 5
  template:
    metadata: {labels: {app: j}}
    spec:
      restartPolicy: Never
      containers: [{name: app, image: busybox}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: c}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: app, image: busybox}]
`,
    );
  });

  it('fires on a StatefulSet and does not throw on partial PDBs', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  template:
    metadata:
      labels: {app: db}
    spec:
      containers: [{name: db, image: postgres:16}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: broken}
spec: 7
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: broken2}
`,
      [{ line: 9, object: 'db' }],
    );
  });

  it('treats a malformed selector as "might match" and stays silent', () => {
    expectNone(
      check,
      deploy('  replicas: 3', 'default') +
        `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: broken}
spec:
  selector: {matchLabels: [app, db], matchExpressions: 3}
`,
    );
  });
});

describe('pdb-missing: the fix is a budget for this workload', () => {
  it('names the budget after the workload, in its namespace, with its own spec.selector, maxUnavailable 1 and AlwaysAllow', () => {
    const [f] = runFix(check, deploy('  replicas: 3'));
    assert.equal(
      f.fixYaml,
      `# a new object, applied with the Deployment; its selector is the Deployment's own pod selector
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app: web`,
    );
  });

  it('a namespace-less StatefulSet: no namespace, its matchExpressions kept; a taken name gets -pdb', () => {
    const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector:
    matchLabels: {app: db}
    matchExpressions: [{key: role, operator: In, values: [primary, replica]}]
  template:
    metadata: {labels: {app: db, role: replica, controller-revision-hash: abc}}
    spec:
      containers: [{name: db, image: postgres:16}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: other}}
`;
    const [f] = runFix(check, sts);
    const pdb = yaml.load(f.fixYaml!) as { metadata: Record<string, string>; spec: { selector: unknown } };
    assert.deepEqual(pdb.metadata, { name: 'db-pdb' });
    assert.deepEqual(pdb.spec.selector, { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'role', operator: 'In', values: ['primary', 'replica'] }] });
  });

  it('without a selector of its own kind: the template labels, less those controllers add', () => {
    const w = { resource: { kind: 'CloneSet', object: { spec: { selector: { matchLabels: { app: 'x' } } } } }, podSpecPath: ['spec', 'template', 'spec'], podLabels: { app: 'web', 'pod-template-hash': 'abc', tier: 'front' } };
    assert.deepEqual(ownPodSelector(w as never), { matchLabels: { app: 'web', tier: 'front' } });
    const rc = { ...w, resource: { kind: 'ReplicationController', object: { spec: { selector: { app: 'web' } } } } };
    assert.deepEqual(ownPodSelector(rc as never), { matchLabels: { app: 'web' } });
    // A selector that does not select the template's labels is not copied.
    const wrong = { ...w, resource: { kind: 'Deployment', object: { spec: { selector: { matchLabels: { app: 'nope' } } } } } };
    assert.deepEqual(ownPodSelector(wrong as never), { matchLabels: { app: 'web', tier: 'front' } });
  });

  for (const [what, text] of [
    ['a Deployment', deploy('  replicas: 3')],
    ['a namespace-less Deployment with several template labels', deploy('  replicas: 2').replace('namespace: shop', 'labels: {a: b}').replace('{app: web, tier: front}', '{app: web, tier: front, pod-template-hash: x}')],
  ] as const) {
    it(`applying the budget to ${what} clears the finding; pdb-selects-nothing and pdb-unhealthy-pods-block-drain stay silent`, () => {
      const { before, after, fixed } = applyFixes(check, text, { complete: true });
      assert.equal(before.length, 1);
      assert.deepEqual(after, [], fixed);
      assert.match(fixed, /kind: PodDisruptionBudget/);
      for (const id of ['pdb-selects-nothing', 'pdb-unhealthy-pods-block-drain', 'pdb-blocks-eviction', 'pdb-overlap']) {
        assert.deepEqual(runFix(findCheck(id)!, fixed).map((x) => x.message), [], `${id} on:\n${fixed}`);
      }
    });
  }
});
