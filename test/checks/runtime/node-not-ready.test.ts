import { describe, it } from 'node:test';
import checkNotReady from '../../../src/checks/runtime/node-not-ready.js';
import checkPressure from '../../../src/checks/runtime/node-pressure.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, cond, event, lineOf, yaml } from './fixtures.js';

const node = (conditions: Record<string, unknown>[]) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'n-uid-1' }, spec: {}, status: { allocatable: { cpu: '4', memory: '16Gi' }, conditions } });
const hb = (c: Record<string, unknown>) => ({ ...c, lastHeartbeatTime: at(2) });

describe('node-not-ready', () => {
  it('fires on Ready=Unknown with reason, message, heartbeat and the kubelet\'s event (uid = node name)', () => {
    const text = yaml(
      node([hb(cond('MemoryPressure', 'Unknown', at(3), 'NodeStatusUnknown')), hb(cond('Ready', 'Unknown', at(3), 'NodeStatusUnknown', 'Kubelet stopped posting node status.'))]),
      event({ name: 'nr', ns: 'default', involved: { kind: 'Node', name: 'node-1', uid: 'node-1', namespace: '' }, reason: 'NodeNotReady', type: 'Normal', message: 'Node node-1 status is now: NodeNotReady', lastTimestamp: at(3), component: 'node-controller' }),
    );
    expectFindings(checkNotReady, text, [
      {
        line: lineOf(text, 'status: Unknown', 1),
        object: 'node-1',
        message: 'node is NotReady: Ready=Unknown (the kubelet stopped reporting), reason NodeStatusUnknown "Kubelet stopped posting node status.", since 2024-05-01T10:03:00Z, last heartbeat 2024-05-01T10:02:00Z; Normal NodeNotReady (last 2024-05-01T10:03:00Z): "Node node-1 status is now: NodeNotReady"',
      },
    ]);
  });

  it('is silent for Ready nodes and nodes without conditions (a manifest)', () => {
    expectNone(checkNotReady, yaml(node([cond('Ready', 'True', at(0), 'KubeletReady')])));
    expectNone(checkNotReady, yaml({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } }));
  });
});

describe('node-pressure', () => {
  it('fires once per pressure condition that is True', () => {
    const text = yaml(node([cond('MemoryPressure', 'True', at(5), 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'), cond('DiskPressure', 'False'), cond('PIDPressure', 'True', at(6), 'KubeletHasInsufficientPID'), cond('Ready', 'True')]));
    expectFindings(checkPressure, text, [
      { line: lineOf(text, 'status: "True"', 0), severity: 'warning', message: 'node is under MemoryPressure since 2024-05-01T10:05:00Z ("kubelet has insufficient memory available"): the kubelet evicts pods' },
      { line: lineOf(text, 'status: "True"', 1), message: /^node is under PIDPressure since 2024-05-01T10:06:00Z: the kubelet evicts pods/ },
    ]);
  });

  it('says the pressure taint is there only when the node carries it', () => {
    const tainted = { ...node([cond('DiskPressure', 'True', at(5)), cond('Ready', 'True')]), spec: { taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule', timeAdded: at(5) }] } };
    expectFindings(checkPressure, yaml(tainted), [{ message: /: the kubelet garbage-collects images and evicts pods by their ephemeral storage use; it is tainted node\.kubernetes\.io\/disk-pressure:NoSchedule, so no new pod without a toleration lands on it$/ }]);
    const untainted = { ...node([cond('DiskPressure', 'True', at(5)), cond('Ready', 'Unknown')]), spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] } };
    expectFindings(checkPressure, yaml(untainted), [{ message: /; its taints do not \(yet\) include node\.kubernetes\.io\/disk-pressure:NoSchedule, which the node lifecycle controller adds to keep new pods off$/ }]);
  });

  it('is silent without pressure', () => {
    expectNone(checkPressure, yaml(node([cond('MemoryPressure', 'False'), cond('Ready', 'True')])));
  });
});
