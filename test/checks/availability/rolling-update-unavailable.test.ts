import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadAll } from 'js-yaml';
import check from '../../../src/checks/availability/rolling-update-unavailable.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deployment = (replicas: string, ru: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
${replicas}  strategy:
    type: RollingUpdate
    rollingUpdate:
${ru}  template:
    spec:
      containers: [{name: app, image: nginx}]
`;

describe('rolling-update-unavailable', () => {
  it('fires on maxUnavailable "100%", pointing at it', () => {
    expectFindings(check, deployment('  replicas: 3\n', '      maxUnavailable: "100%"\n'), [
      { line: 9, severity: 'error', message: 'maxUnavailable "100%" allows 3 unavailable pods out of 3 replicas' },
    ]);
  });

  it('fires on an absolute maxUnavailable >= replicas', () => {
    expectFindings(check, deployment('  replicas: 2\n', '      maxUnavailable: 5\n'), [{ line: 9, message: 'allows 5 unavailable pods out of 2 replicas' }]);
  });

  it('rounds percentages down: 60% of 2 is 1, 99% of 3 is 2', () => {
    expectNone(check, deployment('  replicas: 2\n', '      maxUnavailable: 60%\n'));
    expectNone(check, deployment('  replicas: 3\n', '      maxUnavailable: 99%\n'));
  });

  it('is silent with the defaults, maxUnavailable 0 and a surge', () => {
    expectNone(check, deployment('  replicas: 2\n', '      maxSurge: 1\n'));
    expectNone(check, deployment('  replicas: 2\n', '      maxUnavailable: 0\n'));
  });

  it('reports maxUnavailable 0 with maxSurge 0% as rejected by the API, regardless of replicas', () => {
    expectFindings(check, deployment('', '      maxUnavailable: 0\n      maxSurge: 0%\n'), [{ line: 8, message: 'the API server rejects this' }]);
  });

  it('uses the HPA floor for absolute values', () => {
    expectFindings(
      check,
      `${deployment('', '      maxUnavailable: 2\n')}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 20
`,
      [{ line: 8, message: 'out of the 2 replicas at the autoscaler floor (HorizontalPodAutoscaler "web-hpa" minReplicas 2)' }],
    );
  });

  it('skips single-replica workloads and Recreate', () => {
    expectNone(check, deployment('  replicas: 1\n', '      maxUnavailable: 1\n'));
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  strategy:
    type: Recreate
    rollingUpdate: {maxUnavailable: "100%"}
  template:
    spec:
      containers: [{name: app, image: nginx}]
`,
    );
  });

  it('fires on a DaemonSet with maxUnavailable 100%', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 100%
  template:
    spec:
      containers: [{name: agent, image: fluent-bit}]
`,
      [{ line: 7, message: "a rollout stops this DaemonSet's pod on every node at once" }],
    );
  });

  it('is silent on DaemonSets with an absolute maxUnavailable, 50%, OnDelete, or a surge', () => {
    const ds = (u: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  updateStrategy:
${u}  template:
    spec:
      containers: [{name: agent, image: fluent-bit}]
`;
    expectNone(check, ds('    rollingUpdate: {maxUnavailable: 10}\n'));
    expectNone(check, ds('    rollingUpdate: {maxUnavailable: 50%}\n'));
    expectNone(check, ds('    type: OnDelete\n    rollingUpdate: {maxUnavailable: 100%}\n'));
    expectNone(check, ds('    rollingUpdate: {maxUnavailable: 100%, maxSurge: 1}\n'));
  });

  it('reports a DaemonSet with maxUnavailable 0 and no surge as rejected', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 0
  template:
    spec:
      containers: [{name: agent, image: fluent-bit}]
`,
      [{ line: 7, message: 'the API server rejects this' }],
    );
  });

  it('reports a StatefulSet with maxUnavailable >= replicas as a warning, unless partitioned', () => {
    const sts = (ru: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
${ru}  template:
    spec:
      containers: [{name: db, image: postgres}]
`;
    expectFindings(check, sts('      maxUnavailable: 3\n'), [{ line: 10, severity: 'warning', message: 'MaxUnavailableStatefulSet' }]);
    expectNone(check, sts('      maxUnavailable: 3\n      partition: 1\n'));
    expectNone(check, sts('      maxUnavailable: 2\n'));
    expectNone(check, sts('      partition: 0\n'));
  });

  it('is silent on Argo Rollouts, Jobs and odd values', () => {
    expectNone(
      check,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  replicas: 3
  strategy:
    canary: {maxUnavailable: "100%"}
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: app, image: busybox}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: odd}
spec:
  replicas: 3
  strategy:
    rollingUpdate: "100%"
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: odd2}
spec:
  replicas: 3
  strategy:
    rollingUpdate: {maxUnavailable: "all"}
  template:
    spec:
      containers: [{name: app, image: nginx}]
`,
    );
  });
});

describe('rolling-update-unavailable: the fix names the field of the object\'s own kind', () => {
  it('Deployment: spec.strategy.rollingUpdate, maxUnavailable 0 with maxSurge 1', () => {
    const [f] = expectFindings(check, deployment('  replicas: 3\n', '      maxUnavailable: "100%"\n'), [{ line: 9 }]);
    assert.equal(f.fix, 'On Deployment "web", set spec.strategy.rollingUpdate.maxUnavailable: 0 and maxSurge: 1 (new pods start and become ready before old ones stop), or keep maxUnavailable at most 2.');
    const [g] = expectFindings(check, deployment('', '      maxUnavailable: 0\n      maxSurge: 0%\n'), [{ line: 8 }]);
    assert.match(g.fix ?? '', /^On Deployment "web", set spec\.strategy\.rollingUpdate\.maxSurge: 1 and keep maxUnavailable: 0/);
  });

  const ds = (ru: string, ports = '') => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent}
spec:
  updateStrategy:
    rollingUpdate:
${ru}  template:
    spec:
      containers: [{name: exporter, image: node-exporter${ports}}]
`;

  it('DaemonSet: spec.updateStrategy, surge only without a hostPort, never both non-zero', () => {
    for (const ru of ['      maxUnavailable: 100%\n', '      maxUnavailable: 0\n']) {
      const [f] = expectFindings(check, ds(ru), [{ line: 7 }]);
      assert.equal(
        f.fix,
        'On DaemonSet "node-agent", set spec.updateStrategy.rollingUpdate to maxUnavailable: 0 and maxSurge: 1 (each node\'s new pod starts before its old one stops), or maxUnavailable: 1 with maxSurge 0; the API server rejects both non-zero.',
      );
      assert.doesNotMatch(f.fix ?? '', /spec\.strategy/);
      const [h] = expectFindings(check, ds(ru, ', ports: [{containerPort: 9100, hostPort: 9100}]'), [{ line: 7 }]);
      assert.equal(
        h.fix,
        'On DaemonSet "node-agent", set spec.updateStrategy.rollingUpdate.maxUnavailable: 1 (or a small percentage) and leave maxSurge at 0: container "exporter" uses hostPort 9100, so a surge pod could not start on a node while the old one holds the port.',
      );
    }
    // On the host network every containerPort is a node port.
    const hostNet = ds('      maxUnavailable: 100%\n', ', ports: [{containerPort: 9100}]').replace('    spec:\n      containers', '    spec:\n      hostNetwork: true\n      containers');
    const [n] = expectFindings(check, hostNet, [{ line: 7 }]);
    assert.match(n.fix ?? '', /maxUnavailable: 1 .* container "exporter" listens on port 9100 of the host network/);
  });

  it('StatefulSet: spec.updateStrategy.rollingUpdate.maxUnavailable at least 1, no maxSurge', () => {
    const sts = (ru: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  replicas: 3
  updateStrategy:
    rollingUpdate:
${ru}  template:
    spec:
      containers: [{name: redis, image: redis}]
`;
    const [f] = expectFindings(check, sts('      maxUnavailable: 3\n'), [{ line: 8 }]);
    assert.equal(f.fix, 'On StatefulSet "redis", set spec.updateStrategy.rollingUpdate.maxUnavailable: 1 (at most 2), or remove it (default 1); a StatefulSet has no maxSurge, and rejects 0.');
    const [z] = expectFindings(check, sts('      maxUnavailable: 0\n'), [{ line: 8 }]);
    assert.equal(z.fix, 'On StatefulSet "redis", remove spec.updateStrategy.rollingUpdate.maxUnavailable (default 1) or set it to 1; a StatefulSet rejects 0 and has no maxSurge.');
    for (const fix of [f.fix, z.fix]) assert.doesNotMatch(fix ?? '', /set .*maxSurge: 1|spec\.strategy|maxUnavailable: 0/);
  });

  it('the documentation YAML parses: a Deployment snippet, and spec.updateStrategy without maxSurge and with maxUnavailable >= 1 for the others', () => {
    const docs = loadAll(check.fix.yaml) as { kind: string; spec: { strategy?: unknown; updateStrategy?: { rollingUpdate: { maxUnavailable: number; maxSurge?: number } } } }[];
    assert.deepEqual(docs.map((d) => d.kind), ['Deployment', 'StatefulSet']);
    assert.ok(docs[0].spec.strategy, 'Deployment: spec.strategy');
    assert.equal(docs[1].spec.strategy, undefined);
    const ru = docs[1].spec.updateStrategy!.rollingUpdate;
    assert.equal(ru.maxSurge, undefined);
    assert.ok(ru.maxUnavailable >= 1);
    assert.match(check.fix.yaml, /# A StatefulSet or a DaemonSet: spec\.updateStrategy/);
  });
});
