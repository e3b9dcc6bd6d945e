import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadAll } from 'js-yaml';
import check from '../../../src/checks/runtime/workload-unavailable.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, chain, cond, cstatus, event, lineOf, pod, rsPod, statefulSet, T0, waiting, yaml } from './fixtures.js';

const crashing = (n: string, since = T0) => rsPod(n, { conditions: [cond('Ready', 'False', since)], containerStatuses: [cstatus({ ready: false, restartCount: 6, state: waiting('CrashLoopBackOff') })] });
const dstatus = (available: number, conditions: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({ observedGeneration: 1, replicas: 3, readyReplicas: available, availableReplicas: available, updatedReplicas: 3, conditions, ...extra });

describe('workload-unavailable', () => {
  it('fires on a stuck rollout (ProgressDeadlineExceeded) with the pods\' states', () => {
    const text = yaml(
      ...chain(
        {
          replicas: 3,
          status: dstatus(1, [
            cond('Available', 'False', at(3), 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
            cond('Progressing', 'False', at(12), 'ProgressDeadlineExceeded', 'ReplicaSet "web-7d9c" has timed out progressing.'),
          ]),
        },
        [crashing('web-7d9c-a'), crashing('web-7d9c-b'), rsPod('web-7d9c-c', { conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })],
      ),
    );
    expectFindings(check, text, [
      {
        line: lineOf(text, 'availableReplicas: 1'),
        severity: 'error',
        message: '1 of 3 replicas available: rollout stuck: ProgressDeadlineExceeded since 2024-05-01T10:12:00Z ("ReplicaSet "web-7d9c" has timed out progressing."); unready pods: 2 CrashLoopBackOff',
      },
    ]);
  });

  it('fires when Available has been False for longer than the threshold, with a FailedCreate warning of the ReplicaSet', () => {
    const text = yaml(
      ...chain({ replicas: 2, status: dstatus(0, [cond('Available', 'False', at(0), 'MinimumReplicasUnavailable'), cond('Progressing', 'True', at(0), 'NewReplicaSetAvailable')], { readyReplicas: undefined, availableReplicas: undefined }) }, []),
      event({ name: 'fc', involved: { kind: 'ReplicaSet', name: 'web-7d9c', uid: 'rs-web' }, reason: 'FailedCreate', message: 'Error creating: pods "web-7d9c-x" is forbidden: exceeded quota: compute, requested: requests.memory=2Gi, used: requests.memory=9Gi, limited: requests.memory=10Gi', count: 14, lastTimestamp: at(25), component: 'replicaset-controller' }),
    );
    expectFindings(check, text, [{ line: lineOf(text, 'status:'), severity: 'error', message: /^0 of 2 replicas available: Available=False \(MinimumReplicasUnavailable\) since 2024-05-01T10:00:00Z \(25m\); Warning FailedCreate \(x14, last 2024-05-01T10:25:00Z\): "Error creating: pods "web-7d9c-x" is forbidden: exceeded quota/ }]);
  });

  it('is silent during a rollout within its deadline, when the status is stale, and when available', () => {
    const progressing = yaml(...chain({ replicas: 3, status: dstatus(1, [cond('Available', 'False', at(0)), cond('Progressing', 'True', at(1), 'ReplicaSetUpdated')]) }, [crashing('web-7d9c-a')]), event({ name: 'late', involved: { kind: 'Pod', name: 'z', uid: 'z' }, reason: 'X', message: 'x', lastTimestamp: at(5) }));
    expectNone(check, progressing);
    const stale = chain({ replicas: 3, generation: 2, status: dstatus(0, [cond('Available', 'False', at(0))]) }, []);
    expectNone(check, yaml(...stale, event({ name: 'late', involved: { kind: 'Pod', name: 'z', uid: 'z' }, reason: 'X', message: 'x', lastTimestamp: at(60) })));
    expectNone(check, yaml(...chain({ replicas: 3, status: dstatus(3, [cond('Available', 'True')]) }, [])));
  });

  it('warns on a partial shortfall that outlasts the threshold, and fires on StatefulSets from their pods', () => {
    const partial = yaml(...chain({ replicas: 3, status: dstatus(2, [cond('Available', 'True', at(0)), cond('Progressing', 'True', at(0), 'NewReplicaSetAvailable')]) }, [crashing('web-7d9c-a', at(1))]), event({ name: 'late', involved: { kind: 'Pod', name: 'z', uid: 'z' }, reason: 'X', message: 'x', lastTimestamp: at(20) }));
    expectFindings(check, partial, [{ severity: 'warning', message: '2 of 3 replicas available: pods not ready since 2024-05-01T10:01:00Z (19m); unready pods: 1 CrashLoopBackOff' }]);
    const sts = yaml(
      statefulSet({ name: 'db', uid: 's-db', replicas: 2, status: { observedGeneration: 1, replicas: 1, readyReplicas: 0, currentReplicas: 1 } }),
      pod({ name: 'db-0', uid: 'p-db-0', owner: { kind: 'StatefulSet', name: 'db', uid: 's-db' }, conditions: [cond('Ready', 'False', at(0))], containerStatuses: [cstatus({ ready: false, state: waiting('CrashLoopBackOff') })] }),
      event({ name: 'late', involved: { kind: 'Pod', name: 'z', uid: 'z' }, reason: 'X', message: 'x', lastTimestamp: at(30) }),
    );
    expectFindings(check, sts, [{ object: 'db', severity: 'error', message: '0 of 2 replicas ready: pods not ready since 2024-05-01T10:00:00Z (30m); unready pods: 1 CrashLoopBackOff; 1 of the desired pods does not exist' }]);
  });
});

describe('workload-unavailable: DaemonSets', () => {
  const ds = (status: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'cni', namespace: 'shop', uid: 'd-cni', generation: 1 },
    spec: { selector: { matchLabels: { app: 'cni' } }, template: { metadata: { labels: { app: 'cni' } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/cni:1.0.0' }] } } },
    status: { observedGeneration: 1, ...status },
  });
  const agentPod = (name: string, ready: boolean, since = T0) =>
    pod({ name, uid: `p-${name}`, owner: { kind: 'DaemonSet', name: 'cni', uid: 'd-cni' }, conditions: [cond('Ready', ready ? 'True' : 'False', since)], containerStatuses: [cstatus({ ready, restartCount: ready ? 0 : 8, state: ready ? { running: {} } : waiting('CrashLoopBackOff') })] });
  const late = event({ name: 'late', involved: { kind: 'Pod', name: 'z', uid: 'z' }, reason: 'X', message: 'x', lastTimestamp: at(30) });

  it('a node agent missing on some nodes for longer than the threshold: warning; on every node: error', () => {
    const some = yaml(ds({ desiredNumberScheduled: 3, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 3 }), agentPod('cni-a', true), agentPod('cni-b', true), agentPod('cni-c', false, at(0)), late);
    expectFindings(check, some, [{ object: 'cni', severity: 'warning', message: '2 of the 3 daemon pods its nodes should run are available: pods not ready since 2024-05-01T10:00:00Z (30m); unready pods: 1 CrashLoopBackOff' }]);
    const none = yaml(ds({ desiredNumberScheduled: 2, numberReady: 0, numberAvailable: 0 }), agentPod('cni-a', false, at(0)), agentPod('cni-b', false, at(0)), late);
    expectFindings(check, none, [{ object: 'cni', severity: 'error', message: '0 of the 2 daemon pods its nodes should run are available' }]);
  });

  it('is silent when every pod is available, for a new node\'s pod within the threshold, with a stale status, and with no node to run on', () => {
    expectNone(check, yaml(ds({ desiredNumberScheduled: 2, numberReady: 2, numberAvailable: 2 }), agentPod('cni-a', true), agentPod('cni-b', true), late));
    expectNone(check, yaml(ds({ desiredNumberScheduled: 2, numberReady: 1, numberAvailable: 1 }), agentPod('cni-a', true), agentPod('cni-b', false, at(25)), late));
    expectNone(check, yaml({ ...ds({ desiredNumberScheduled: 2, numberAvailable: 0 }), status: { observedGeneration: 0, desiredNumberScheduled: 2, numberAvailable: 0 } }, agentPod('cni-a', false, at(0)), late));
    expectNone(check, yaml(ds({ desiredNumberScheduled: 0, numberAvailable: 0 }), late));
  });
});

describe('workload-unavailable: the fix commands name the object\'s own kind, name and namespace', () => {
  const late = (ns = 'shop') => event({ name: 'late', ns, involved: { kind: 'Pod', name: 'z', uid: 'z' }, reason: 'X', message: 'x', lastTimestamp: at(30) });

  it('Deployment: deploy/NAME and deployment/NAME with -n', () => {
    const text = yaml(...chain({ replicas: 2, status: dstatus(0, [cond('Available', 'False', at(0), 'MinimumReplicasUnavailable'), cond('Progressing', 'True', at(0), 'NewReplicaSetAvailable')]) }, []), late());
    const [f] = expectFindings(check, text, [{ object: 'web' }]);
    assert.equal(f.fix, 'Find what keeps the pods unready (kubeready diagnose deploy/web -n shop), then fix it or roll back (kubectl rollout undo deployment/web -n shop).');
  });

  it('StatefulSet: sts/NAME and statefulset/NAME, and the unready pods to delete after a rollback (OrderedReady)', () => {
    const sts = (policy?: string) => {
      const set = statefulSet({ name: 'redis', ns: 'rt', uid: 's-redis', replicas: 3, status: { observedGeneration: 1, replicas: 3, readyReplicas: 2, currentReplicas: 2 } });
      if (policy) (set.spec as Record<string, unknown>).podManagementPolicy = policy;
      const broken = pod({ name: 'redis-2', ns: 'rt', uid: 'p-redis-2', owner: { kind: 'StatefulSet', name: 'redis', uid: 's-redis' }, conditions: [cond('Ready', 'False', at(0))], containerStatuses: [cstatus({ ready: false, state: waiting('CrashLoopBackOff') })] });
      return yaml(set, broken, late('rt'));
    };
    const [f] = expectFindings(check, sts(), [{ object: 'redis' }]);
    assert.equal(
      f.fix,
      'Find what keeps the pods unready (kubeready diagnose sts/redis -n rt), then fix it or roll back (kubectl rollout undo statefulset/redis -n rt); after a rollback, delete the pods still on the bad revision (kubectl delete pod redis-2 -n rt): with OrderedReady pod management the StatefulSet does not replace a pod that never became ready.',
    );
    assert.doesNotMatch(f.fix ?? '', /deploy/);
    const [p] = expectFindings(check, sts('Parallel'), [{ object: 'redis' }]);
    assert.equal(p.fix, 'Find what keeps the pods unready (kubeready diagnose sts/redis -n rt), then fix it or roll back (kubectl rollout undo statefulset/redis -n rt).');
  });

  it('DaemonSet: ds/NAME and daemonset/NAME', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'cni', namespace: 'kube-system', uid: 'd-cni', generation: 1 },
      spec: { selector: { matchLabels: { app: 'cni' } }, template: { metadata: { labels: { app: 'cni' } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/cni:1.0.0' }] } } },
      status: { observedGeneration: 1, desiredNumberScheduled: 2, numberReady: 0, numberAvailable: 0 },
    };
    const agent = (name: string) => pod({ name, ns: 'kube-system', uid: `p-${name}`, owner: { kind: 'DaemonSet', name: 'cni', uid: 'd-cni' }, conditions: [cond('Ready', 'False', at(0))], containerStatuses: [cstatus({ ready: false, state: waiting('CrashLoopBackOff') })] });
    const [f] = expectFindings(check, yaml(ds, agent('cni-a'), agent('cni-b'), late('kube-system')), [{ object: 'cni' }]);
    assert.equal(f.fix, 'Find what keeps the pods unready (kubeready diagnose ds/cni -n kube-system), then fix it or roll back (kubectl rollout undo daemonset/cni -n kube-system).');
  });

  it('the documentation YAML parses and gives StatefulSets and DaemonSets spec.updateStrategy', () => {
    const docs = loadAll(check.fix.yaml) as { kind: string; spec: Record<string, { rollingUpdate?: { maxUnavailable?: number } }> }[];
    assert.deepEqual(docs.map((d) => d.kind), ['Deployment', 'StatefulSet']);
    assert.ok(docs[0].spec.strategy);
    assert.equal(docs[1].spec.strategy, undefined);
    assert.equal(docs[1].spec.updateStrategy.rollingUpdate?.maxUnavailable, 1);
    assert.doesNotMatch(check.fix.text, /deploy\/NAME|deployment\/NAME/);
  });
});
