import { describe, it } from 'node:test';
import check from '../../../src/checks/runtime/frequent-restarts.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, chain, cstatus, event, lineOf, rsPod, terminated, waiting, yaml } from './fixtures.js';

describe('frequent-restarts', () => {
  it('fires above the threshold with the last termination and the liveness failures', () => {
    const text = yaml(
      ...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ restartCount: 12, lastState: terminated('Error', 137, at(30)) })] })]),
      event({ name: 'u', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Liveness probe failed: context deadline exceeded', count: 36, lastTimestamp: at(29) }),
    );
    expectFindings(check, text, [
      {
        line: lineOf(text, '- name: app'),
        severity: 'warning',
        message: /^container "app" restarted 12 times in 1 of 1 pod \(pod web-7d9c-a; last run ended at 2024-05-01T10:30:00Z with exit code 137 \(SIGKILL.*\), reason Error\); liveness probe failed 36 times/,
      },
    ]);
  });

  it('respects the parameter and leaves crash loops and OOM kills to their checks', () => {
    const text = yaml(...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ restartCount: 5, lastState: terminated('Error', 1) })] })]));
    expectNone(check, text);
    expectFindings(check, text, [{ message: 'restarted 5 times' }], { params: { restarts: 4 } });
    expectNone(check, yaml(...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ ready: false, restartCount: 9, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 1) })] })])));
    expectNone(check, yaml(...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ restartCount: 9, lastState: terminated('OOMKilled', 137) })] })])));
  });

  it('is silent when the last restart is older than withinHours (restarts from node reboots long ago)', () => {
    const text = yaml(
      ...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ restartCount: 8, lastState: terminated('Error', 255, at(0)) })] })]),
      event({ name: 'late', involved: { kind: 'Pod', name: 'other', uid: 'other' }, reason: 'Pulled', type: 'Normal', message: 'x', lastTimestamp: at(25 * 60) }),
    );
    expectNone(check, text);
    expectFindings(check, text, [{ message: 'restarted 8 times' }], { params: { withinHours: 48 } });
  });
});
