import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/pdb-overlap.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: web, part-of: store}
    spec:
      containers: [{name: app, image: nginx:1.27}]
---
`;

const pdb = (name: string, selector: string, ns = 'shop', apiVersion = 'policy/v1') => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata: {name: ${name}, namespace: ${ns}}
spec:
  maxUnavailable: 1
  selector: ${selector}
---
`;

describe('pdb-overlap', () => {
  it('fires when two PDBs select the pods, naming both, at the pod labels', () => {
    expectFindings(check, deploy + pdb('web', '{matchLabels: {app: web}}') + pdb('store', '{matchLabels: {part-of: store}}'), [
      { line: 8, severity: 'warning', object: 'web', message: '2 PodDisruptionBudgets select these pods ("web" and "store")' },
    ]);
  });

  it('counts a policy/v1 empty selector and matchExpressions', () => {
    expectFindings(
      check,
      deploy +
        pdb('web', '{matchExpressions: [{key: app, operator: In, values: [web]}]}') +
        pdb('everything', '{}') +
        pdb('store', '{matchLabels: {part-of: store}}'),
      [{ line: 8, message: '3 PodDisruptionBudgets select these pods ("web", "everything" and "store")' }],
    );
  });

  it('fires for bare Pods and Jobs too', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: Never
      containers: [{name: a, image: busybox}]
---
` +
        pdb('a', '{matchLabels: {app: web}}') +
        pdb('b', '{}'),
      [{ line: 6, object: 'j' }],
    );
  });

  it('is silent with a single PDB', () => {
    expectNone(check, deploy + pdb('web', '{matchLabels: {app: web}}'));
  });

  it('ignores PDBs in another namespace, that do not match, or that select nothing', () => {
    expectNone(
      check,
      deploy +
        pdb('web', '{matchLabels: {app: web}}') +
        pdb('staging', '{matchLabels: {app: web}}', 'staging') +
        pdb('api', '{matchLabels: {app: api}}') +
        pdb('not-web', '{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}') +
        pdb('legacy-empty', '{}', 'shop', 'policy/v1beta1') +
        `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nosel, namespace: shop}
spec:
  maxUnavailable: 1
`,
    );
  });

  it('does not count selectors it cannot evaluate', () => {
    expectNone(check, deploy + pdb('web', '{matchLabels: {app: web}}') + pdb('odd', '{matchExpressions: [{key: app, operator: Like}]}'));
  });

  it('skips DaemonSets (drains do not evict their pods)', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: fluent-bit}]
---
` +
        pdb('a', '{matchLabels: {app: web}}') +
        pdb('b', '{}'),
    );
  });

  it('does not treat namespace-less objects in different folders as together', () => {
    // Same folder (one file, no namespaces): they are together.
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: nginx}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: a}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: b}
spec: {minAvailable: 1, selector: {}}
`,
      [{ line: 6, message: '("a" and "b")' }],
    );
  });
});
