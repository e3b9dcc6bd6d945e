import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import check from '../../../src/checks/runtime/pdb-drain-blocked-now.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { chain, cond, cstatus, lineOf, pod, rsPod, waiting, yaml } from './fixtures.js';

type Obj = Record<string, unknown>;

/** A live policy/v1 PodDisruptionBudget as `kubectl get -o yaml` returns it. */
function budget(o: { name?: string; spec: Obj; status: Obj | string; generation?: number; apiVersion?: string }): Obj {
  const name = o.name ?? 'web';
  return {
    apiVersion: o.apiVersion ?? 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'shop', uid: `pdb-${name}`, generation: o.generation ?? 1, creationTimestamp: '2024-05-01T09:00:00Z' },
    spec: { selector: { matchLabels: { app: name } }, ...o.spec },
    status: o.status,
  };
}

const status = (current: number, desired: number, expected: number, allowed: number, extra: Obj = {}): Obj => ({
  conditions: [cond('DisruptionAllowed', allowed > 0 ? 'True' : 'False', undefined, allowed > 0 ? 'SufficientPods' : 'InsufficientPods', '')],
  currentHealthy: current,
  desiredHealthy: desired,
  disruptionsAllowed: allowed,
  expectedPods: expected,
  observedGeneration: 1,
  ...extra,
});

const ready = (n: string, node = 'node-1', deploy = 'web') =>
  rsPod(n, { deploy, nodeName: node, conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] });
const crashing = (n: string, node = 'node-1', deploy = 'web', extra: Obj = {}) =>
  rsPod(n, { deploy, nodeName: node, conditions: [cond('Ready', 'False')], containerStatuses: [cstatus({ ready: false, restartCount: 9, state: waiting('CrashLoopBackOff') })], ...extra });
const pending = (n: string) => rsPod(n, { phase: 'Pending', conditions: [cond('PodScheduled', 'False', undefined, 'Unschedulable')] });

describe('pdb-drain-blocked-now: fires', () => {
  it('on a budget below desiredHealthy with Running but not Ready pods, at status.currentHealthy, naming the pods and their node', () => {
    const text = yaml(
      ...chain({ replicas: 3 }, [ready('web-7d9c-a'), crashing('web-7d9c-b'), crashing('web-7d9c-c')]),
      budget({ spec: { maxUnavailable: 1 }, status: status(1, 2, 3, 0) }),
    );
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'currentHealthy: 1'),
        severity: 'warning',
        object: 'web',
        message:
          'now 1 of 3 pods healthy (needs 2), disruptionsAllowed 0 and unhealthyPodEvictionPolicy is unset (IfHealthyBudget): the eviction API refuses (429) to evict its 2 Running but not Ready pods (web-7d9c-b (CrashLoopBackOff, node node-1), web-7d9c-c (CrashLoopBackOff, node node-1)), so kubectl drain of node node-1 (and the node upgrades and autoscaler scale-downs that drain it) waits until the pods become Ready or someone deletes them by hand',
      },
    ]);
    assert.deepEqual(f.related?.map((r) => r.object.name), ['web-7d9c-b', 'web-7d9c-c']);
  });

  it('names each node, and one pod in the singular', () => {
    const two = yaml(...chain({ replicas: 3 }, [crashing('web-7d9c-a', 'node-1'), crashing('web-7d9c-b', 'node-2'), ready('web-7d9c-c')]), budget({ spec: { minAvailable: 2 }, status: status(1, 2, 3, 0) }));
    expectFindings(check, two, [{ message: 'so kubectl drain of nodes node-1 and node-2 (and the node upgrades and autoscaler scale-downs that drain them) waits until the pods become Ready' }]);
    const one = yaml(...chain({ replicas: 2 }, [crashing('web-7d9c-a', 'node-3'), pending('web-7d9c-b')]), budget({ spec: { minAvailable: 1 }, status: status(0, 1, 2, 0) }));
    expectFindings(check, one, [{ message: 'its 1 Running but not Ready pod (web-7d9c-a (CrashLoopBackOff, node node-3)), so kubectl drain of node node-3 (and the node upgrades and autoscaler scale-downs that drain it) waits until the pod becomes Ready or someone deletes it by hand' }]);
  });

  it('on a budget that needs no healthy pod when none is healthy (disruptionsAllowed is 0 too)', () => {
    const text = yaml(...chain({ replicas: 2 }, [crashing('web-7d9c-a'), crashing('web-7d9c-b')]), budget({ spec: { minAvailable: 0 }, status: status(0, 0, 2, 0) }));
    expectFindings(check, text, [{ message: 'now 0 of 2 pods healthy (needs 0, but with no healthy pod disruptionsAllowed is 0) and unhealthyPodEvictionPolicy is unset (IfHealthyBudget)' }]);
  });

  it('on an explicit IfHealthyBudget', () => {
    const text = yaml(...chain({ replicas: 3 }, [ready('web-7d9c-a'), crashing('web-7d9c-b'), crashing('web-7d9c-c')]), budget({ spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'IfHealthyBudget' }, status: status(1, 2, 3, 0) }));
    expectFindings(check, text, [{ message: 'and unhealthyPodEvictionPolicy is IfHealthyBudget: the eviction API refuses (429)' }]);
  });

  it('on a dump of the budget alone (no pod of the namespace in the input), without naming pods', () => {
    const text = yaml(budget({ spec: { maxUnavailable: 1 }, status: status(1, 2, 3, 0) }));
    expectFindings(check, text, [{ message: 'the eviction API refuses (429) to evict its Running but not Ready pods, so kubectl drain of their nodes' }]);
  });

  it('lists at most five pods', () => {
    const pods = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => crashing(`web-7d9c-${x}`));
    const text = yaml(...chain({ replicas: 7 }, pods), budget({ spec: { maxUnavailable: 1 }, status: status(0, 6, 7, 0) }));
    const [f] = expectFindings(check, text, [{ message: 'its 7 Running but not Ready pods (' }]);
    assert.match(f.message, /web-7d9c-e \(CrashLoopBackOff, node node-1\) and 2 more\)/);
    assert.equal(f.related?.length, 5);
  });
});

describe('pdb-drain-blocked-now: silent', () => {
  const pods = [ready('web-7d9c-a'), crashing('web-7d9c-b'), crashing('web-7d9c-c')];

  it('with AlwaysAllow', () => {
    expectNone(check, yaml(...chain({ replicas: 3 }, pods), budget({ spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' }, status: status(1, 2, 3, 0) })));
  });

  it('while the budget is met (unhealthy pods are evicted without spending it), or allows a disruption', () => {
    expectNone(check, yaml(...chain({ replicas: 3 }, [ready('web-7d9c-a'), ready('web-7d9c-b'), crashing('web-7d9c-c')]), budget({ spec: { maxUnavailable: 1 }, status: status(2, 2, 3, 0) })));
    expectNone(check, yaml(...chain({ replicas: 3 }, pods), budget({ spec: { maxUnavailable: 1 }, status: status(1, 0, 3, 1) })));
  });

  it('with no expected pods, a stale status, or a failed sync', () => {
    expectNone(check, yaml(...chain({ replicas: 3 }, pods), budget({ spec: { minAvailable: 2 }, status: status(0, 2, 0, 0) })));
    expectNone(check, yaml(...chain({ replicas: 3 }, pods), budget({ generation: 2, spec: { maxUnavailable: 1 }, status: status(1, 2, 3, 0) })));
    const failed = status(1, 2, 3, 0, { conditions: [cond('DisruptionAllowed', 'False', undefined, 'SyncFailed', 'found no controllers for pod "web-7d9c-b"')] });
    expectNone(check, yaml(...chain({ replicas: 3 }, pods), budget({ spec: { maxUnavailable: 1 }, status: failed })));
  });

  it('when the selected pods that are not healthy are Pending, being deleted, DaemonSet or mirror pods, or are selected by no budget', () => {
    // Pending pods are always evictable: the shortfall is not a drain blocker the policy can lift.
    expectNone(check, yaml(...chain({ replicas: 2 }, [ready('web-7d9c-a'), pending('web-7d9c-b')]), budget({ spec: { minAvailable: 2 }, status: status(1, 2, 2, 0) })));
    expectNone(check, yaml(...chain({ replicas: 2 }, [ready('web-7d9c-a'), crashing('web-7d9c-b', 'node-1', 'web', { deleting: true })]), budget({ spec: { minAvailable: 2 }, status: status(1, 2, 2, 0) })));
    const agent = pod({ name: 'agent-x', uid: 'p-agent-x', owner: { kind: 'DaemonSet', name: 'agent', uid: 'ds-agent' }, labels: { app: 'agent' }, nodeName: 'node-1', conditions: [cond('Ready', 'False')], containerStatuses: [cstatus({ ready: false, state: waiting('CrashLoopBackOff') })] });
    expectNone(check, yaml(agent, budget({ name: 'agent', spec: { maxUnavailable: 1 }, status: status(0, 1, 1, 0) })));
    const mirror = pod({ name: 'etcd-node-1', uid: 'p-etcd', labels: { app: 'etcd' }, annotations: { 'kubernetes.io/config.mirror': 'abc' }, nodeName: 'node-1', conditions: [cond('Ready', 'False')] });
    expectNone(check, yaml(mirror, budget({ name: 'etcd', spec: { maxUnavailable: 1 }, status: status(0, 1, 1, 0) })));
    // Unhealthy pods of another app only.
    expectNone(check, yaml(...chain({ name: 'api', replicas: 1 }, [crashing('api-7d9c-a', 'node-1', 'api')]), budget({ spec: { minAvailable: 1 }, status: status(0, 1, 1, 0) })));
  });

  it('on manifests (no status), policy/v1beta1, and odd status shapes, without crashing', () => {
    expectNone(check, yaml(...chain({ replicas: 3 }, pods), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } }));
    expectNone(check, yaml(...chain({ replicas: 3 }, pods), budget({ apiVersion: 'policy/v1beta1', spec: { maxUnavailable: 1 }, status: status(1, 2, 3, 0) })));
    const odd: Obj[] = [
      budget({ spec: { maxUnavailable: 1 }, status: { currentHealthy: '1', desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 0 } }),
      budget({ spec: { maxUnavailable: 1 }, status: 'broken' }),
      budget({ spec: { maxUnavailable: 1 }, status: { conditions: 'x', currentHealthy: 1, desiredHealthy: 2, expectedPods: 3 } }),
      budget({ spec: { maxUnavailable: 1, selector: 'app=web' }, status: status(1, 2, 3, 0) }),
    ];
    for (const o of odd.slice(0, 3)) expectNone(check, yaml(...chain({ replicas: 3 }, pods), o));
    assert.doesNotThrow(() => runCheck(check, yaml(...chain({ replicas: 3 }, pods), odd[3])));
  });
});
