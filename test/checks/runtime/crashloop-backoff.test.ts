import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/crashloop-backoff.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, chain, container, cstatus, event, lineOf, pod, rsPod, terminated, waiting, yaml } from './fixtures.js';

describe('crashloop-backoff', () => {
  it('fires on the Deployment with restarts, exit code meaning, reason and termination message', () => {
    const text = yaml(
      ...chain({}, [
        rsPod('web-7d9c-a', { containerStatuses: [cstatus({ ready: false, restartCount: 7, state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=app'), lastState: terminated('Error', 1, at(8), 'panic: DATABASE_URL is not set') })] }),
      ]),
    );
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, '- name: app'),
        object: 'web',
        container: 'app',
        message: 'container "app" is in CrashLoopBackOff in 1 of 1 pod (pod web-7d9c-a: 7 restarts; last run ended at 2024-05-01T10:08:00Z with exit code 1 (application error), reason Error, "panic: DATABASE_URL is not set")',
      },
    ]);
    assert.equal(f.related[0].field, 'status.containerStatuses[0].state.waiting.reason');
  });

  it('says the liveness probe killed it when the kubelet recorded liveness failures for that container', () => {
    const text = yaml(
      ...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ ready: false, restartCount: 5, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 137) })] })]),
      event({ name: 'u1', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Liveness probe failed: Get "http://10.1.0.4:8080/healthz": context deadline exceeded', count: 15, lastTimestamp: at(9) }),
    );
    expectFindings(check, text, [{ message: /exit code 137 \(SIGKILL.*\); its liveness probe failed 15 times \(last: "Liveness probe failed: Get .*context deadline exceeded"\), so the kubelet killed it/ }]);
  });

  it('checks init containers too', () => {
    const text = yaml(
      pod({
        name: 'solo',
        uid: 'p-solo',
        phase: 'Pending',
        initContainers: [container({ name: 'migrate' })],
        initContainerStatuses: [cstatus({ name: 'migrate', ready: false, restartCount: 3, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 127, at(2)) })],
        containerStatuses: [cstatus({ ready: false, state: waiting('PodInitializing') })],
      }),
    );
    expectFindings(check, text, [{ line: lineOf(text, '- name: migrate'), container: 'migrate', message: /^init container "migrate" is in CrashLoopBackOff \(the pod: 3 restarts; .*exit code 127 \(command not found\)/ }]);
  });

  it('leaves an OOMKilled crash loop to container-oomkilled', () => {
    expectNone(check, yaml(...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ ready: false, restartCount: 4, state: waiting('CrashLoopBackOff'), lastState: terminated('OOMKilled', 137) })] })])));
  });

  it('is silent for running containers and other waiting reasons', () => {
    expectNone(check, yaml(...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ restartCount: 9, lastState: terminated('Error', 1) })] }), rsPod('web-7d9c-b', { containerStatuses: [cstatus({ ready: false, state: waiting('ContainerCreating') })] })])));
  });
});
