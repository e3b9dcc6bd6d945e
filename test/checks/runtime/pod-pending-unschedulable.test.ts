import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/pod-pending-unschedulable.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, chain, cond, container, event, eventV1, lineOf, pod, rsPod, yaml } from './fixtures.js';

const big = [container({ memoryRequest: '6Gi', memoryLimit: '6Gi' })];
const pending = (name: string, msg = '0/3 nodes are available: 3 Insufficient memory.') =>
  rsPod(name, { containers: big, phase: 'Pending', conditions: [cond('PodScheduled', 'False', at(1), 'Unschedulable', msg)] });
const node = (name: string, memory: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `n-${name}` }, status: { allocatable: { cpu: '4', memory }, conditions: [cond('Ready', 'True')] } });

describe('pod-pending-unschedulable', () => {
  it('names the cause from the latest FailedScheduling event, the requests and the room on the nodes', () => {
    const text = yaml(
      ...chain({ containers: big }, [pending('web-7d9c-a'), rsPod('web-7d9c-r', { nodeName: 'n1', containers: [container({ memoryRequest: '5Gi' })] })]),
      node('n1', '8Gi'),
      node('n2', '4Gi'),
      event({ name: 'old', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a' }, reason: 'FailedScheduling', message: '0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: db}.', lastTimestamp: at(2), component: 'default-scheduler' }),
      eventV1({ name: 'new', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a' }, reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', eventTime: at(3), seriesCount: 6, lastObserved: at(9) }),
    );
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'memory: 6Gi'),
        object: 'web',
        severity: 'error',
        message:
          'pod web-7d9c-a (1 of 2 pods) cannot be scheduled, Pending since 2024-05-01T10:01:00Z: insufficient memory (3 of 3 nodes) (the pod requests 6Gi memory; the most unrequested on a node it may use is 4Gi (n2)); scheduler x6: "0/3 nodes are available: 3 Insufficient memory. preemption:',
      },
    ]);
    assert.ok(f.related.some((r) => r.object.kind === 'Event' && r.note === 'FailedScheduling' && r.field === 'note'));
  });

  it('the room it names is on a node the pod may use: not NotReady, no untolerated NoSchedule taint, its nodeSelector matched', () => {
    const withNode = (name: string, memory: string, extra: { ready?: string; taints?: unknown[]; labels?: Record<string, string> } = {}) => ({
      ...node(name, memory),
      metadata: { name, uid: `n-${name}`, labels: extra.labels ?? {} },
      spec: extra.taints ? { taints: extra.taints } : {},
      status: { allocatable: { cpu: '4', memory }, conditions: [cond('Ready', extra.ready ?? 'True')] },
    });
    const nodes = [
      withNode('small', '4Gi', { labels: { pool: 'general' } }),
      withNode('gone', '32Gi', { ready: 'Unknown', labels: { pool: 'general' }, taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] }),
      withNode('db', '16Gi', { labels: { pool: 'general' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
      withNode('other', '24Gi', { labels: { pool: 'batch' } }),
      withNode('soft', '5Gi', { labels: { pool: 'general' }, taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] }),
    ];
    const msg = '0/5 nodes are available: 5 Insufficient memory.';
    const podWith = (spec: Record<string, unknown>) => {
      const p = pending('web-7d9c-a', msg);
      Object.assign(p.spec as Record<string, unknown>, spec);
      return p;
    };
    const run = (spec: Record<string, unknown>) => expectFindings(check, yaml(...chain({ containers: big }, [podWith(spec)]), ...nodes), [{ message: /the pod requests 6Gi memory/ }])[0].message;
    // NotReady (32Gi), tainted (16Gi) and a node its selector excludes (24Gi) are no answer; a PreferNoSchedule taint does not block.
    assert.match(run({ nodeSelector: { pool: 'general' } }), /the most unrequested on a node it may use is 5Gi \(soft\)/);
    // Tolerating the taint (Equal, matching value) brings the db node back; so does an Exists toleration without a key.
    assert.match(run({ nodeSelector: { pool: 'general' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), /is 16Gi \(db\)/);
    assert.match(run({ nodeSelector: { pool: 'general' }, tolerations: [{ operator: 'Exists' }] }), /is 16Gi \(db\)/, 'tolerates everything, but a NotReady node is still no answer');
    // A toleration of another value, or another effect, does not.
    assert.match(run({ nodeSelector: { pool: 'general' }, tolerations: [{ key: 'dedicated', value: 'cache' }, { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }] }), /is 5Gi \(soft\)/);
    // Required node affinity: In on another pool.
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['batch'] }] }] } } };
    assert.match(run({ affinity }), /is 24Gi \(other\)/);
  });

  it('points at tolerations for a taint, and is a warning while the autoscaler adds a node', () => {
    const text = yaml(
      pod({ name: 'solo', uid: 'p-solo', phase: 'Pending', conditions: [cond('PodScheduled', 'False', at(1), 'Unschedulable', '0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}.')] }),
      event({ name: 'f', involved: { kind: 'Pod', name: 'solo', uid: 'p-solo' }, reason: 'FailedScheduling', message: '0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}.', lastTimestamp: at(2) }),
      event({ name: 's', involved: { kind: 'Pod', name: 'solo', uid: 'p-solo' }, reason: 'TriggeredScaleUp', type: 'Normal', message: 'pod triggered scale-up: [{gpu-pool 0->1 (max: 3)}]', lastTimestamp: at(3), component: 'cluster-autoscaler' }),
    );
    expectFindings(check, text, [{ line: lineOf(text, 'spec:'), severity: 'warning', message: /^the pod cannot be scheduled, Pending since .*: untolerated taint dedicated: gpu \(2 of 2 nodes\); .*the cluster autoscaler is adding a node/ }]);
  });

  it('falls back to the condition message without events, and is silent for scheduled or deleted pods', () => {
    const text = yaml(...chain({ containers: big }, [pending('web-7d9c-a', "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.")]));
    expectFindings(check, text, [{ message: "node affinity/selector matches no node (4 of 4 nodes); scheduler: \"0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.\"" }]);
    expectNone(check, yaml(...chain({ containers: big }, [rsPod('web-7d9c-a', { containers: big, phase: 'Pending', conditions: [cond('PodScheduled', 'True')] }), { ...pending('web-7d9c-b'), metadata: { ...(pending('web-7d9c-b').metadata as object), deletionTimestamp: at(3) } }])));
  });

  it('is a warning while the scheduler preempts for it (nominatedNodeName)', () => {
    const p = pending('web-7d9c-a');
    (p.status as Record<string, unknown>).nominatedNodeName = 'n1';
    expectFindings(check, yaml(...chain({ containers: big }, [p])), [{ severity: 'warning', message: 'the scheduler is preempting lower-priority pods on n1 to make room' }]);
  });
});
