/** Runtime checks on odd live objects: wrong types, nulls, missing pieces. They must stay silent or precise, never throw. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checks } from '../../../src/checks/runtime/index.js';
import { runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { ResourceIndex } from '../../../src/model/index.js';
import { diagnose, diagnoseNamespace } from '../../../src/engine/diagnose/index.js';
import { yaml } from './fixtures.js';

const odd = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'shop', uid: 'a' }, spec: { containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Running', containerStatuses: 'nope', conditions: null } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'shop', uid: 'b', ownerReferences: 'x' }, spec: { containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Pending', containerStatuses: [null, 3, { name: 7 }, { name: 'app', state: { waiting: null, terminated: 'x' }, lastState: [], restartCount: 'many' }], conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 42 }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c', namespace: 'shop', uid: 'c' }, spec: { containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 99, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: '137', finishedAt: 'yesterday' } } }] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'shop', uid: 'd' }, spec: { replicas: '3', template: { spec: { containers: [{ name: 'app', image: 'x' }] } } }, status: { availableReplicas: 'none', conditions: 'x' } },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', namespace: 'shop', uid: 's' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'x' }] } } }, status: { readyReplicas: 0 } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'shop', uid: 'svc' }, spec: { selector: { app: 'x' } }, status: { loadBalancer: {} } },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'svc-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'svc' } }, endpoints: [null, 'x', { conditions: 'ready' }] },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p', namespace: 'shop', uid: 'p', creationTimestamp: 7 }, spec: { storageClassName: 5 }, status: { phase: 'Pending' } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-x' }, status: { conditions: [{ type: 'Ready' }, { type: 'MemoryPressure', status: 'True', lastTransitionTime: 'never' }], allocatable: { memory: 'lots' } } },
  { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'shop' }, involvedObject: 'a', reason: 5, message: null, count: 'x', eventTime: 'later' },
  { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e2', namespace: 'shop' }, involvedObject: { kind: 'Pod', name: 'c', uid: 'c', fieldPath: 'spec.containers{' }, reason: 'Unhealthy', message: 'Liveness probe failed: ', count: -4, lastTimestamp: '2024-13-45' },
  { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e3', namespace: 'shop' }, regarding: { kind: 'Pod', uid: 'b' }, reason: 'FailedScheduling', note: '0/ nodes are available: , , .', series: { count: 'x' } },
];

describe('runtime checks on odd input', () => {
  const text = yaml(...(odd as Record<string, unknown>[]));
  for (const check of checks) {
    it(`${check.id} does not throw`, () => {
      for (const f of runCheck(check, text)) assert.ok(f.message.length > 10);
    });
  }
  it('diagnose does not throw on any of them', () => {
    const idx = new ResourceIndex(loadText(text, 'odd.yaml').resources, 'shop');
    for (const [kind, name] of [['Pod', 'a'], ['Pod', 'b'], ['Pod', 'c'], ['Deployment', 'd'], ['StatefulSet', 's'], ['Service', 'svc'], ['PersistentVolumeClaim', 'p'], ['Node', 'node-x']] as const) {
      const d = diagnose(idx, { kind, name, namespace: 'shop' });
      assert.notEqual(d.status, 'not-found', `${kind}/${name}`);
    }
    diagnoseNamespace(idx, 'shop');
  });
});
