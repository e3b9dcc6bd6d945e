import { describe, it } from 'node:test';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import check from '../../../src/checks/runtime/container-not-ready.js';
import { at, chain, cond, container, cstatus, event, lineOf, rsPod, T0, waiting, yaml } from './fixtures.js';

const containers = [container({ readinessProbe: true })];
const notReady = (name: string, since: string) =>
  rsPod(name, { containers, conditions: [cond('Ready', 'False', since, 'ContainersNotReady'), cond('ContainersReady', 'False', since, 'ContainersNotReady')], containerStatuses: [cstatus({ ready: false, state: { running: { startedAt: T0 } } })] });

describe('container-not-ready', () => {
  it('fires when Running but not Ready for longer than the threshold, with the readiness failures', () => {
    const text = yaml(
      ...chain({ containers, replicas: 2 }, [notReady('web-7d9c-a', at(2)), rsPod('web-7d9c-b', { containers, conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })]),
      event({ name: 'u', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 84, lastTimestamp: at(44) }),
    );
    expectFindings(check, text, [
      {
        line: lineOf(text, 'readinessProbe:'),
        object: 'web',
        container: 'app',
        severity: 'warning',
        message: 'container "app" has been Running but not Ready for 42m in 1 of 2 pods (pod web-7d9c-a, since 2024-05-01T10:02:00Z); readiness probe failed 84 times (last at 2024-05-01T10:44:00Z: "Readiness probe failed: HTTP probe failed with statuscode: 503"): the pod gets no Service traffic',
      },
    ]);
  });

  it('failures of several pods are summed and said to be across them', () => {
    const unhealthy = (pod: string, count: number, t: number) =>
      event({ name: `u-${pod}`, involved: { kind: 'Pod', name: pod, uid: `p-${pod}`, fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count, lastTimestamp: at(t) });
    const text = yaml(...chain({ containers, replicas: 2 }, [notReady('web-7d9c-a', at(2)), notReady('web-7d9c-b', at(3))]), unhealthy('web-7d9c-a', 120, 44), unhealthy('web-7d9c-b', 120, 45));
    expectFindings(check, text, [{ message: /in 2 of 2 pods .*; readiness probe failed 240 times across 2 pods \(last at 2024-05-01T10:45:00Z:/ }]);
  });

  it('is silent before the threshold (measured to the newest timestamp in the input)', () => {
    const text = yaml(...chain({ containers }, [notReady('web-7d9c-a', at(2))]), event({ name: 'x', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a' }, reason: 'Unhealthy', message: 'Readiness probe failed: 503', lastTimestamp: at(4) }));
    expectNone(check, text);
    expectFindings(check, text, [{ message: 'for 2m' }], { params: { minutes: 1 } });
  });

  it('is silent for terminating pods, waiting containers and ready ones', () => {
    const terminating = rsPod('web-7d9c-t', { deleting: true, containers, conditions: [cond('Ready', 'False', T0)], containerStatuses: [cstatus({ ready: false })] });
    const crashing = rsPod('web-7d9c-c', { containers, conditions: [cond('Ready', 'False', T0)], containerStatuses: [cstatus({ ready: false, state: waiting('CrashLoopBackOff') })] });
    expectNone(check, yaml(...chain({ containers }, [terminating, crashing]), event({ name: 'late', involved: { kind: 'Pod', name: 'x', uid: 'x' }, reason: 'X', message: 'x', lastTimestamp: at(60) })));
  });
});
