import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { eventContainer, eventsFor, eventTimeOf, formatDuration, observedAt, readEvent } from '../../src/model/events.js';
import { at, event, eventV1, pod, T0, yaml } from '../checks/runtime/fixtures.js';

function indexOf(text: string): ResourceIndex {
  return new ResourceIndex(loadText(text, 'dump.yaml').resources);
}

const web0 = pod({ name: 'web-0', uid: 'uid-new' });

describe('events: matching by uid', () => {
  it('attributes events by involvedObject.uid, never by name: a deleted and recreated pod does not inherit the old one\'s events', () => {
    const idx = indexOf(
      yaml(
        web0,
        event({ name: 'old', involved: { kind: 'Pod', name: 'web-0', uid: 'uid-old' }, reason: 'OOMKilling', message: 'old pod', lastTimestamp: at(1) }),
        event({ name: 'new', involved: { kind: 'Pod', name: 'web-0', uid: 'uid-new' }, reason: 'BackOff', message: 'new pod', lastTimestamp: at(2) }),
        event({ name: 'nouid', involved: { kind: 'Pod', name: 'web-0' }, reason: 'BackOff', message: 'no uid', lastTimestamp: at(3) }),
      ),
    );
    const p = idx.ofKind('Pod')[0];
    assert.deepEqual(eventsFor(idx, p).map((e) => e.message), ['new pod']);
  });

  it('leaves out events whose involved kind differs from the object (same uid is not enough)', () => {
    const idx = indexOf(yaml(web0, event({ name: 'x', involved: { kind: 'ReplicaSet', name: 'web-0', uid: 'uid-new' }, reason: 'R', message: 'rs', lastTimestamp: at(1) })));
    assert.deepEqual(eventsFor(idx, idx.ofKind('Pod')[0]), []);
  });

  it('matches the kubelet\'s Node events, which carry the node name as the uid', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'n-uid' }, status: { conditions: [] } };
    const idx = indexOf(
      yaml(
        node,
        event({ name: 'a', ns: 'default', involved: { kind: 'Node', name: 'node-1', uid: 'node-1', namespace: '' }, reason: 'NodeNotReady', message: 'kubelet', lastTimestamp: at(2) }),
        event({ name: 'b', ns: 'default', involved: { kind: 'Node', name: 'node-1', uid: 'n-uid', namespace: '' }, reason: 'NodeNotReady', message: 'controller', lastTimestamp: at(1) }),
      ),
    );
    assert.deepEqual(eventsFor(idx, idx.ofKind('Node')[0]).map((e) => e.message), ['controller', 'kubelet']);
  });
});

describe('events: time and order', () => {
  it('orders by eventTime, falling back to lastTimestamp, then firstTimestamp', () => {
    const idx = indexOf(
      yaml(
        web0,
        // eventTime wins over an older lastTimestamp: this is the newest.
        event({ name: 'a', involved: { kind: 'Pod', name: 'web-0', uid: 'uid-new' }, reason: 'A', message: 'eventTime 10:30', eventTime: '2024-05-01T10:30:00.000000Z', lastTimestamp: at(1) }),
        event({ name: 'b', involved: { kind: 'Pod', name: 'web-0', uid: 'uid-new' }, reason: 'B', message: 'lastTimestamp 10:20', lastTimestamp: at(20), firstTimestamp: at(0) }),
        event({ name: 'c', involved: { kind: 'Pod', name: 'web-0', uid: 'uid-new' }, reason: 'C', message: 'firstTimestamp 10:25', firstTimestamp: at(25) }),
        event({ name: 'd', involved: { kind: 'Pod', name: 'web-0', uid: 'uid-new' }, reason: 'D', message: 'no time' }),
      ),
    );
    assert.deepEqual(eventsFor(idx, idx.ofKind('Pod')[0]).map((e) => e.message), ['no time', 'lastTimestamp 10:20', 'firstTimestamp 10:25', 'eventTime 10:30']);
  });

  it('reads MicroTime and takes a series\' lastObservedTime as its latest occurrence', () => {
    assert.equal(eventTimeOf({ eventTime: '2024-05-01T10:00:00.123456Z' })?.time, Date.parse('2024-05-01T10:00:00.123Z'));
    assert.equal(eventTimeOf({ eventTime: T0, series: { count: 4, lastObservedTime: at(9) } })?.text, at(9));
    assert.equal(eventTimeOf({ eventTime: null, lastTimestamp: null, firstTimestamp: at(3) })?.text, at(3));
    assert.equal(eventTimeOf({}), undefined);
  });
});

describe('events: both APIs', () => {
  it('reads events.k8s.io/v1 events: regarding, note, series count, deprecated timestamps', () => {
    const idx = indexOf(
      yaml(
        web0,
        eventV1({ name: 's', involved: { kind: 'Pod', name: 'web-0', uid: 'uid-new' }, reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient memory.', eventTime: at(1), seriesCount: 7, lastObserved: at(6) }),
        { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'old', namespace: 'shop' }, regarding: { kind: 'Pod', name: 'web-0', uid: 'uid-new', fieldPath: 'spec.containers{app}' }, reason: 'Pulled', note: 'pulled', type: 'Normal', eventTime: null, deprecatedLastTimestamp: at(2), deprecatedCount: 3, reportingController: 'kubelet' },
      ),
    );
    const evs = eventsFor(idx, idx.ofKind('Pod')[0]);
    assert.deepEqual(evs.map((e) => [e.reason, e.message, e.count, e.timeText, e.source]), [
      ['Pulled', 'pulled', 3, at(2), 'kubelet'],
      ['FailedScheduling', '0/3 nodes are available: 3 Insufficient memory.', 7, at(6), 'default-scheduler'],
    ]);
    assert.deepEqual(evs[1].messagePath, ['note']);
    assert.equal(eventContainer(evs[0]), 'app');
    assert.equal(evs[0].api, 'events.k8s.io/v1');
  });

  it('reads core v1 events: involvedObject, message, count, source', () => {
    const [r] = loadText(yaml(event({ name: 'x', involved: { kind: 'Pod', name: 'p', uid: 'u', fieldPath: 'spec.initContainers{migrate}' }, reason: 'BackOff', message: 'Back-off restarting failed container', count: 12, lastTimestamp: at(4) })), 'e.yaml').resources;
    const e = readEvent(r)!;
    assert.deepEqual([e.regarding.uid, e.reason, e.count, e.type, e.source, eventContainer(e)], ['u', 'BackOff', 12, 'Warning', 'kubelet', 'migrate']);
  });
});

describe('observedAt', () => {
  it('is the newest timestamp in the input (events, creation, conditions, container times)', () => {
    const idx = indexOf(
      yaml(
        pod({ name: 'p', uid: 'u', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at(12) }], containerStatuses: [{ name: 'app', restartCount: 0, ready: false, state: { running: { startedAt: at(3) } } }] }),
        event({ name: 'e', involved: { kind: 'Pod', name: 'p', uid: 'u' }, reason: 'X', message: 'm', lastTimestamp: at(9) }),
      ),
    );
    assert.equal(observedAt(idx), Date.parse(at(12)));
    assert.equal(observedAt(indexOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n')), undefined);
  });

  it('formats durations', () => {
    assert.deepEqual([formatDuration(59_000), formatDuration(42 * 60_000), formatDuration(125 * 60_000), formatDuration(50 * 3600_000)], ['0m', '42m', '2h05m', '2d2h']);
  });
});
