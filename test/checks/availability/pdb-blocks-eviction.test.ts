import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { load as loadYaml } from 'js-yaml';
import check from '../../../src/checks/availability/pdb-blocks-eviction.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deploy = (name: string, replicas: number | null, ns = 'shop') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
${replicas === null ? '' : `  replicas: ${replicas}\n`}  template:
    metadata:
      labels: {app: ${name}, team: shop}
    spec:
      containers: [{name: app, image: nginx:1.27}]
---
`;

// PDB starts at line 1 of this snippet; callers prepend a workload of known length.
const pdb = (budget: string, selector = '{matchLabels: {app: web}}', ns = 'shop', apiVersion = 'policy/v1') => `apiVersion: ${apiVersion}
kind: PodDisruptionBudget
metadata: {name: web-pdb, namespace: ${ns}}
spec:
  ${budget}
  selector: ${selector}
`;

// deploy(...) with replicas is 11 lines (with the ---), so the PDB budget field is on line 16.
describe('pdb-blocks-eviction', () => {
  it('fires on maxUnavailable 0 and "0%", pointing at the field', () => {
    expectFindings(check, deploy('web', 3) + pdb('maxUnavailable: 0'), [
      { line: 16, severity: 'error', object: 'web-pdb', message: 'maxUnavailable 0 allows no voluntary eviction' },
    ]);
    expectFindings(check, deploy('web', 3) + pdb('maxUnavailable: "0%"'), [{ line: 16, message: 'maxUnavailable "0%"' }]);
  });

  it('fires on maxUnavailable 0 even with no workload in the input', () => {
    expectFindings(check, pdb('maxUnavailable: 0'), [{ line: 5, message: 'allows no voluntary eviction' }]);
  });

  it('fires on a policy/v1 budget with neither minAvailable nor maxUnavailable (no default: the controller expects no pods); not on v1beta1 (minAvailable defaulted to 1)', () => {
    expectFindings(check, deploy('web', 3) + pdb('unhealthyPodEvictionPolicy: AlwaysAllow'), [
      { line: 15, message: 'sets neither minAvailable nor maxUnavailable: the disruption controller then expects no pods and allows no voluntary eviction' },
    ]);
    expectNone(check, deploy('web', 3) + pdb('unhealthyPodEvictionPolicy: AlwaysAllow', '{matchLabels: {app: web}}', 'shop', 'policy/v1beta1'));
  });

  it('fires on minAvailable "100%"', () => {
    expectFindings(check, deploy('web', 5) + pdb('minAvailable: "100%"'), [{ line: 16, message: 'minAvailable "100%"' }]);
  });

  it('fires on integer minAvailable equal to or above spec.replicas, naming the workload and its floor', () => {
    expectFindings(check, deploy('web', 3) + pdb('minAvailable: 3'), [
      { line: 16, message: 'minAvailable 3 leaves no pod to evict: it selects Deployment "web" with a floor of 3 (spec.replicas 3)' },
    ]);
    expectFindings(check, deploy('web', 2) + pdb('minAvailable: 5'), [{ line: 16, message: 'Deployment "web" with a floor of 2' }]);
  });

  it('counts unset replicas as 1', () => {
    expectFindings(check, deploy('web', null) + pdb('minAvailable: 1'), [{ line: 15, message: 'floor of 1 (spec.replicas unset (defaults to 1))' }]);
  });

  it('rounds a minAvailable percentage up like the disruption controller', () => {
    // 60% of 2 = 1.2 -> 2: blocks.
    expectFindings(check, deploy('web', 2) + pdb('minAvailable: "60%"'), [{ line: 16, message: 'minAvailable "60%" (2 of 2, rounded up)' }]);
    // 50% of 2 = 1: one eviction allowed.
    expectNone(check, deploy('web', 2) + pdb('minAvailable: "50%"'));
    // 90% of 3 = 2.7 -> 3: blocks.
    expectFindings(check, deploy('web', 3) + pdb('minAvailable: "90%"'), [{ line: 16 }]);
  });

  it('is silent when eviction is possible', () => {
    expectNone(check, deploy('web', 3) + pdb('minAvailable: 2'));
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1'));
    // maxUnavailable percentages round up: 10% of 3 -> 1.
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: "10%"'));
  });

  it('uses the HPA floor: minAvailable 2 blocks at minReplicas 2 even with spec.replicas 5', () => {
    expectFindings(
      check,
      deploy('web', 5) +
        pdb('minAvailable: 2') +
        `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
`,
      [{ line: 16, message: 'whenever it runs at that floor, kubectl drain' }],
    );
  });

  it('uses the HPA floor: minAvailable 2 with spec.replicas 1 but minReplicas 3 is silent', () => {
    expectNone(
      check,
      deploy('web', 1) +
        pdb('minAvailable: 2') +
        `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
`,
    );
  });

  it('sums the floors of every workload the PDB selects', () => {
    // Two Deployments of 2 under one budget: 4 pods, minAvailable 3 allows one eviction.
    expectNone(check, deploy('web', 2) + deploy('api', 2) + pdb('minAvailable: 3', '{matchLabels: {team: shop}}'));
    expectFindings(check, deploy('web', 2) + deploy('api', 2) + pdb('minAvailable: 4', '{matchLabels: {team: shop}}'), [
      { line: 27, message: 'Deployment "web" with a floor of 2 (spec.replicas 2) and Deployment "api" with a floor of 2 (spec.replicas 2), 4 pods in all' },
    ]);
  });

  it('matches through matchExpressions and the policy/v1 empty selector', () => {
    expectFindings(
      check,
      deploy('web', 2) + pdb('minAvailable: 2', '{matchExpressions: [{key: app, operator: In, values: [web, www]}]}'),
      [{ line: 16, message: 'Deployment "web"' }],
    );
    expectFindings(check, deploy('web', 2) + pdb('minAvailable: 2', '{}'), [{ line: 16, message: 'Deployment "web"' }]);
  });

  it('ignores workloads in another namespace (no floor to compare with)', () => {
    expectNone(check, deploy('web', 2, 'other') + pdb('minAvailable: 2'));
  });

  it('is silent when the PDB selects nothing (no selector, v1beta1 empty selector)', () => {
    expectNone(
      check,
      deploy('web', 2) +
        `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nosel, namespace: shop}
spec:
  maxUnavailable: 0
`,
    );
    expectNone(check, deploy('web', 2) + pdb('maxUnavailable: 0', '{}', 'shop', 'policy/v1beta1'));
  });

  it('is silent when only DaemonSet pods are selected, or a floor is unknown (Job)', () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: fluent-bit}]
---
`;
    expectNone(check, ds + pdb('maxUnavailable: 0'));
    expectNone(check, ds + pdb('minAvailable: 1'));
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: Never
      containers: [{name: a, image: busybox}]
---
`;
    expectNone(check, job + pdb('minAvailable: 1'));
  });

  it('is silent on templated or partial budgets', () => {
    expectNone(
      check,
      deploy('web', 2) +
        `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: tpl, namespace: shop}
spec:
  minAvailable: "{{ .Values.pdb.minAvailable }}"
  selector: {matchLabels: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: partial, namespace: shop}
spec: []
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: odd-selector, namespace: shop}
spec:
  minAvailable: 2
  selector: {matchExpressions: [{key: app, operator: Like}]}
`,
    );
  });
});

describe('pdb-blocks-eviction: related objects', () => {
  it('names the selected workload with its own line', () => {
    const [f] = expectFindings(check, deploy('web', 3) + pdb('minAvailable: 3'), [{ line: 16 }]);
    assert.equal(f.related.length, 1);
    assert.equal(f.related[0].object.kind, 'Deployment');
    assert.equal(f.related[0].object.name, 'web');
    assert.equal(f.related[0].location.line, 5);
    assert.equal(f.related[0].note, 'pods selected');
  });
});

describe('pdb-blocks-eviction: removed API versions', () => {
  it('is silent on a policy/v1beta1 budget: the API server no longer serves it, so it is never created (api-version-removed says so)', () => {
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 0', '{matchLabels: {app: web}}', 'shop', 'policy/v1beta1'));
    expectFindings(check, deploy('web', 3) + pdb('maxUnavailable: 0'), [{ line: 16 }]);
  });
});

describe('pdb-blocks-eviction: both minAvailable and maxUnavailable', () => {
  it('is an error: the API server rejects the budget, whatever it selects', () => {
    const [f] = expectFindings(check, deploy('web', 3) + pdb('minAvailable: 2\n  maxUnavailable: 0'), [
      {
        line: 16,
        severity: 'error',
        object: 'web-pdb',
        message: 'sets both minAvailable 2 and maxUnavailable 0: the API server rejects the budget ("minAvailable and maxUnavailable cannot be both set"), so it is never created and protects no pod from eviction',
      },
    ]);
    assert.equal(f.fix, 'Keep one of the two in PodDisruptionBudget "web-pdb": delete minAvailable and keep maxUnavailable set to 1 (0 would allow no eviction), or delete maxUnavailable and keep minAvailable below the replica count.');
    const [g] = expectFindings(check, pdb('minAvailable: "50%"\n  maxUnavailable: 1', '{matchLabels: {app: nothing-here}}'), [{ line: 5, message: 'sets both minAvailable "50%" and maxUnavailable 1' }]);
    assert.equal(g.fix, 'Keep one of the two in PodDisruptionBudget "web-pdb": delete minAvailable and keep maxUnavailable, or delete maxUnavailable and keep minAvailable below the replica count.');
    // No selector at all: still rejected.
    expectFindings(check, `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: bare}\nspec: {minAvailable: 1, maxUnavailable: 1}\n`, [{ line: 4, message: 'sets both' }]);
  });

  it('is silent when either value is templated (one of them is usually left out)', () => {
    expectNone(check, deploy('web', 3) + pdb('minAvailable: "{{ .Values.min }}"\n  maxUnavailable: 1'));
  });
});

describe('pdb-blocks-eviction: fixes', () => {
  it('minAvailable: replace it with maxUnavailable: 1 (deleting it), naming the budget; or lower it below the floor', () => {
    const [f] = expectFindings(check, deploy('web', 3) + pdb('minAvailable: 3'), [{ line: 16 }]);
    assert.equal(f.fix, 'In PodDisruptionBudget "web-pdb", replace minAvailable with maxUnavailable: 1: delete minAvailable, since a budget may set only one of the two, or lower minAvailable to at most 2.');
    const [p] = expectFindings(check, deploy('web', 5) + pdb('minAvailable: "100%"'), [{ line: 16 }]);
    assert.equal(p.fix, 'In PodDisruptionBudget "web-pdb", replace minAvailable with maxUnavailable: 1: delete minAvailable, since a budget may set only one of the two.');
    // The fix as described (minAvailable deleted, maxUnavailable 1) silences the check; keeping minAvailable beside it is an error.
    expectNone(check, deploy('web', 3) + pdb('maxUnavailable: 1'));
    expectFindings(check, deploy('web', 3) + pdb('minAvailable: 3\n  maxUnavailable: 1'), [{ line: 16, severity: 'error', message: 'sets both' }]);
  });

  it('maxUnavailable 0 and no value at all: maxUnavailable: 1', () => {
    const [z] = expectFindings(check, deploy('web', 3) + pdb('maxUnavailable: 0'), [{ line: 16 }]);
    assert.equal(z.fix, 'Set maxUnavailable: 1 in PodDisruptionBudget "web-pdb".');
    const [n] = expectFindings(check, deploy('web', 3) + pdb('unhealthyPodEvictionPolicy: AlwaysAllow'), [{ line: 15 }]);
    assert.equal(n.fix, 'Add maxUnavailable: 1 to the spec of PodDisruptionBudget "web-pdb".');
  });

  it('the documentation YAML parses and sets only maxUnavailable', () => {
    const doc = loadYaml(check.fix.yaml) as { spec: Record<string, unknown> };
    assert.equal(doc.spec.maxUnavailable, 1);
    assert.equal(doc.spec.minAvailable, undefined);
    assert.match(check.fix.text, /deleting minAvailable, since a budget may set only one of the two/);
  });
});
