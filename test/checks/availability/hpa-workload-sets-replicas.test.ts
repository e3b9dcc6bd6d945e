import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/hpa-workload-sets-replicas.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import assert from 'node:assert/strict';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const hpa = (target: string, extra = '  minReplicas: 2\n  maxReplicas: 10\n', ns = 'shop') => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa, namespace: ${ns}}
spec:
  scaleTargetRef: ${target}
${extra}`;

describe('hpa-workload-sets-replicas', () => {
  it('fires when an HPA-managed Deployment sets spec.replicas, pointing at it', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{apiVersion: apps/v1, kind: Deployment, name: web}')}`,
      [
        {
          line: 5,
          severity: 'warning',
          object: 'web',
          message:
            'spec.replicas is 3 while HorizontalPodAutoscaler "web-hpa" (2-10 replicas) manages the replica count: every kubectl apply (or Helm upgrade, GitOps sync) of this manifest resets the replica count to 3, fighting the autoscaler (a deploy during peak load scales the service down to 3 pods); remove spec.replicas',
        },
      ],
    );
  });

  it('fires on StatefulSets and Argo Rollouts, with the default minReplicas and a count at maxReplicas', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 1
  template:
    spec:
      containers: [{name: db, image: db:1}]
---
${hpa('{apiVersion: apps/v1, kind: StatefulSet, name: db}', '  maxReplicas: 5\n')}---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api, namespace: shop}
spec:
  replicas: 8
  strategy:
    canary: {steps: [{setWeight: 20}]}
  template:
    spec:
      containers: [{name: app, image: api:1}]
---
${hpa('{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: api}', '  minReplicas: 2\n  maxReplicas: 8\n')}`,
      [
        { line: 6, object: 'db', message: '(1-5 replicas) manages the replica count' },
        { line: 22, object: 'api', message: 'every deploy scales to 8 pods until the HPA scales it back down' },
      ],
    );
  });

  it('says that spec.replicas: 0 switches the HPA off', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 0
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{apiVersion: apps/v1, kind: Deployment, name: web}')}`,
      [{ line: 5, message: 'scales the workload to 0, and an HPA does not scale a workload up from 0' }],
    );
  });

  it('is silent without spec.replicas, without an HPA, or with an HPA for another namespace or kind', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{apiVersion: apps/v1, kind: Deployment, name: web}')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fixed, namespace: shop}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: elsewhere, namespace: shop}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{apiVersion: apps/v1, kind: Deployment, name: elsewhere}', '  maxReplicas: 10\n', 'other')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{kind: Rollout, name: api}')}`,
    );
  });

  it('is silent when the HPA pins the same count as spec.replicas, and on templated or partial values', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: pinned, namespace: shop}
spec:
  replicas: 4
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{apiVersion: apps/v1, kind: Deployment, name: pinned}', '  minReplicas: 4\n  maxReplicas: 4\n')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: templated, namespace: shop}
spec:
  replicas: "{{ .Values.replicas }}"
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{apiVersion: apps/v1, kind: Deployment, name: templated}')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: nulled, namespace: shop}
spec:
  replicas: null
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
${hpa('{apiVersion: apps/v1, kind: Deployment, name: nulled}', '  metrics: null\n')}---
${hpa('null')}`,
    );
  });
});

describe('hpa-workload-sets-replicas: which HPA is deployed with the workload', () => {
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  template:
    spec:
      containers: [{name: app, image: web:1}]
`;
  const run = (hpaFile: string, hpaNs: string | null, namespace?: string) => {
    const plan = loadPlan([check]);
    const hpaYaml = hpa('{apiVersion: apps/v1, kind: Deployment, name: web}', '  minReplicas: 3\n  maxReplicas: 10\n', 'x').replace(', namespace: x', hpaNs ? `, namespace: ${hpaNs}` : '');
    const resources = [...loadText(deploy, 'app/deploy.yaml', plan).resources, ...loadText(hpaYaml, hpaFile, plan).resources];
    return audit({ resources }, { checks: [check], ...(namespace ? { namespace } : {}) }).verdicts.flatMap((v) => v.findings);
  };

  it('an HPA that names namespace "default" in another folder is not the autoscaler of a namespace-less Deployment (another project); in its folder, or with -n, it is', () => {
    assert.equal(run('other-project/hpa.yaml', 'default').length, 0);
    assert.equal(run('other-project/hpa.yaml', null).length, 0);
    assert.equal(run('app/hpa.yaml', 'default').length, 1);
    assert.equal(run('app/hpa.yaml', null).length, 1);
    assert.equal(run('other-project/hpa.yaml', 'shop', 'shop').length, 1);
    // An explicit -n default says where the namespace-less Deployment goes: the HPA naming default is its own.
    assert.equal(run('other-project/hpa.yaml', 'default', 'default').length, 1);
  });

  it('names the HPA with its own file:line', () => {
    const [f] = run('app/hpa.yaml', null);
    assert.deepEqual(f.related.map((r) => [r.object.kind, r.object.name, r.location.file, r.location.line, r.note]), [['HorizontalPodAutoscaler', 'web-hpa', 'app/hpa.yaml', 5, 'the autoscaler']]);
  });
});
