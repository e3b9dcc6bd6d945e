import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/container-oomkilled.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, chain, container, cstatus, deployment, lineOf, pod, rsPod, terminated, waiting, yaml } from './fixtures.js';

const limited = [container({ memoryLimit: '128Mi', memoryRequest: '64Mi' })];

describe('container-oomkilled', () => {
  it('fires on the Deployment (not its pods) when a pod was OOMKilled, naming limit, restarts, exit code and time', () => {
    const text = yaml(
      ...chain({ containers: limited, replicas: 2 }, [
        rsPod('web-7d9c-a', { containers: limited, containerStatuses: [cstatus({ ready: false, restartCount: 4, state: waiting('CrashLoopBackOff', 'back-off 1m20s restarting failed container'), lastState: terminated('OOMKilled', 137, at(7)) })] }),
        rsPod('web-7d9c-b', { containers: limited, containerStatuses: [cstatus({ restartCount: 1, lastState: terminated('OOMKilled', 137, at(3)) })] }),
      ]),
    );
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'memory: 128Mi'),
        object: 'web',
        container: 'app',
        message: 'container "app" was OOMKilled in 2 of 2 pods (last: pod web-7d9c-a at 2024-05-01T10:07:00Z, exit code 137, 4 restarts, now CrashLoopBackOff; up to 4 restarts per pod) with a memory limit of 128Mi',
      },
    ]);
    assert.equal(f.object.kind, 'Deployment');
    assert.deepEqual(f.related.map((r) => [r.object.name, r.field]), [
      ['web-7d9c-a', 'status.containerStatuses[0].lastState.terminated.reason'],
      ['web-7d9c-b', 'status.containerStatuses[0].lastState.terminated.reason'],
    ]);
    assert.match(f.related[0].note ?? '', /limit 128Mi, restartCount 4/);
  });

  it('fires on the current state (terminated OOMKilled, a Job pod that will not restart)', () => {
    const text = yaml(pod({ name: 'batch-1', uid: 'p-b1', spec: { restartPolicy: 'Never' }, containers: limited, phase: 'Failed', containerStatuses: [cstatus({ ready: false, state: terminated('OOMKilled', 137, at(9)) })] }));
    expectFindings(check, text, [{ line: lineOf(text, 'memory: 128Mi'), object: 'batch-1', message: /was OOMKilled \(last: the pod at 2024-05-01T10:09:00Z, exit code 137, 0 restarts, terminated now\) with a memory limit of 128Mi/ }]);
  });

  it('exit code 137 without the OOMKilled reason is not an OOM kill', () => {
    expectNone(check, yaml(...chain({ containers: limited }, [rsPod('web-7d9c-a', { containers: limited, containerStatuses: [cstatus({ restartCount: 3, lastState: terminated('Error', 137) })] })])));
  });

  it('says the node ran out of memory when the container has no memory limit', () => {
    const text = yaml(...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ restartCount: 1, lastState: terminated('OOMKilled', 137) })] })]));
    expectFindings(check, text, [{ line: lineOf(text, '- name: app'), message: 'with no memory limit: the node itself ran out of memory' }]);
  });

  it('uses the pod-level memory limit when the container has none', () => {
    const text = yaml(pod({ name: 'solo', uid: 'p-solo', spec: { resources: { limits: { memory: '1Gi' } } }, containerStatuses: [cstatus({ restartCount: 2, lastState: terminated('OOMKilled', 137) })] }));
    expectFindings(check, text, [{ message: 'with a memory limit of 1Gi (pod-level)' }]);
  });

  it('attributes pods by ownerReferences uid: a pod of an earlier ReplicaSet with the same name is not this Deployment\'s', () => {
    const stale = rsPod('web-7d9c-old', { uid: 'p-old', containers: limited, containerStatuses: [cstatus({ restartCount: 1, lastState: terminated('OOMKilled', 137) })] });
    (stale.metadata as { ownerReferences: { uid: string }[] }).ownerReferences[0].uid = 'rs-web-previous';
    const text = yaml(...chain({ containers: limited }, [stale]));
    assert.ok(text.includes('uid: rs-web-previous'));
    // The engine skips the pod (its owner's name is present), and the Deployment does not own it by uid.
    expectNone(check, text);
  });

  it('is silent on plain manifests (no status) and on healthy pods', () => {
    expectNone(check, yaml({ ...deployment({ name: 'web', uid: 'd', containers: limited }), status: undefined } as never));
    expectNone(check, yaml(...chain({ containers: limited }, [rsPod('web-7d9c-a', { containers: limited, containerStatuses: [cstatus({ restartCount: 0 })] })])));
  });

  it('reports a pod whose owner is not in the input on the pod itself', () => {
    const text = yaml(rsPod('web-7d9c-a', { containers: limited, containerStatuses: [cstatus({ restartCount: 2, lastState: terminated('OOMKilled', 137) })] }));
    expectFindings(check, text, [{ object: 'web-7d9c-a', line: lineOf(text, 'memory: 128Mi'), message: /^container "app" was OOMKilled \(last: the pod/ }]);
  });

  it('is a warning when the only kill is older than recentHours and the container has run since', () => {
    const text = yaml(
      ...chain({ containers: limited }, [rsPod('web-7d9c-a', { containers: limited, containerStatuses: [cstatus({ restartCount: 1, state: { running: { startedAt: at(6) } }, lastState: terminated('OOMKilled', 137, at(5)) })] })]),
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', uid: 'node-a' }, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: at(48 * 60) }] } },
    );
    expectFindings(check, text, [{ severity: 'warning', message: 'was OOMKilled in 1 of 1 pod' }]);
    expectFindings(check, text, [{ severity: 'error' }], { params: { recentHours: 72 } });
  });
});
