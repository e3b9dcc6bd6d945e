import { describe, it } from 'node:test';
import check from '../../../src/checks/runtime/probe-failing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, chain, container, cstatus, event, eventV1, lineOf, rsPod, yaml } from './fixtures.js';

const containers = [container({ livenessProbe: true, readinessProbe: true })];
const unhealthy = (n: string, podName: string, msg: string, count: number, minute: number, uid = `p-${podName}`) =>
  event({ name: n, involved: { kind: 'Pod', name: podName, uid, fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: msg, count, lastTimestamp: at(minute) });

describe('probe-failing', () => {
  it('adds up Unhealthy events per container and probe over the pods and points at the probe', () => {
    const text = yaml(
      ...chain({ containers, replicas: 3 }, [rsPod('web-7d9c-a', { containers, containerStatuses: [cstatus()] }), rsPod('web-7d9c-b', { containers, containerStatuses: [cstatus()] }), rsPod('web-7d9c-c', { containers, containerStatuses: [cstatus()] })]),
      unhealthy('a', 'web-7d9c-a', 'Liveness probe failed: Get "http://10.1.0.4:8080/healthz": context deadline exceeded', 6, 5),
      unhealthy('b', 'web-7d9c-b', 'Liveness probe failed: Get "http://10.1.0.5:8080/healthz": context deadline exceeded', 8, 7),
      unhealthy('c', 'web-7d9c-c', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 1, 8),
    );
    expectFindings(check, text, [
      {
        line: lineOf(text, 'livenessProbe:'),
        container: 'app',
        severity: 'warning',
        message: 'liveness probe of container "app" failed 14 times in 2 of 3 pods (last at 2024-05-01T10:07:00Z: "Liveness probe failed: Get "http://10.1.0.5:8080/healthz": context deadline exceeded"): each failure streak makes the kubelet restart the container',
      },
    ]);
  });

  it('reads events.k8s.io/v1 Unhealthy events and ignores events of a pod with another uid', () => {
    const text = yaml(
      ...chain({ containers }, [rsPod('web-7d9c-a', { containers, containerStatuses: [cstatus()] })]),
      eventV1({ name: 'ev-startup', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Startup probe failed: dial tcp 10.1.0.4:8080: connect: connection refused', eventTime: at(1), seriesCount: 4, lastObserved: at(3), component: 'kubelet' }),
      unhealthy('gone', 'web-7d9c-a', 'Readiness probe failed: 503', 50, 2, 'uid-of-a-deleted-pod'),
    );
    // No startupProbe in the template: the finding sits on the container, where it belongs.
    expectFindings(check, text, [{ line: lineOf(text, '- name: app'), message: /^startup probe of container "app" failed 4 times in 1 of 1 pod \(last at 2024-05-01T10:03:00Z: "Startup probe failed: dial tcp/ }]);
  });

  it('is silent below minFailures', () => {
    const text = yaml(...chain({ containers }, [rsPod('web-7d9c-a', { containers, containerStatuses: [cstatus()] })]), unhealthy('a', 'web-7d9c-a', 'Readiness probe failed: 503', 2, 1));
    expectNone(check, text);
    expectFindings(check, text, [{ message: 'readiness probe of container "app" failed 2 times' }], { params: { minFailures: 2 } });
  });

  it('needs the threshold in one pod: a failure per pod while each starts is not reported', () => {
    const text = yaml(
      ...chain({ containers, replicas: 3 }, ['a', 'b', 'c'].map((x) => rsPod(`web-7d9c-${x}`, { containers, containerStatuses: [cstatus()] }))),
      ...['a', 'b', 'c'].map((x, i) => unhealthy(`u${x}`, `web-7d9c-${x}`, 'Readiness probe failed: connection refused', 1, i)),
    );
    expectNone(check, text);
  });
});
