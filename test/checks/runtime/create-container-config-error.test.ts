import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/create-container-config-error.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { chain, container, cstatus, lineOf, rsPod, waiting, yaml } from './fixtures.js';

const containers = [
  container({
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
    envFrom: [{ configMapRef: { name: 'app-config' } }],
  }),
];

describe('create-container-config-error', () => {
  it('names the missing ConfigMap and points at the envFrom entry that references it', () => {
    const text = yaml(...chain({ containers }, [rsPod('web-7d9c-a', { containers, phase: 'Pending', containerStatuses: [cstatus({ ready: false, state: waiting('CreateContainerConfigError', 'configmap "app-config" not found') })] })]));
    expectFindings(check, text, [
      { line: lineOf(text, 'name: app-config'), object: 'web', container: 'app', message: 'container "app" cannot start in 1 of 1 pod (CreateContainerConfigError): ConfigMap "app-config" does not exist in namespace shop ("configmap "app-config" not found")' },
    ]);
  });

  it('names a missing key, points at the key reference, and relates the Secret when it is in the input', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { user: 'YWRtaW4=' } };
    const text = yaml(...chain({ containers }, [rsPod('web-7d9c-a', { containers, phase: 'Pending', containerStatuses: [cstatus({ ready: false, state: waiting('CreateContainerConfigError', "couldn't find key password in Secret shop/db") })] })]), secret);
    const [f] = expectFindings(check, text, [{ line: lineOf(text, 'key: password'), message: 'Secret "db" has no key "password"' }]);
    assert.ok(f.related.some((r) => r.object.kind === 'Secret' && r.object.name === 'db'));
  });

  it('names runAsNonRoot with a root image', () => {
    const text = yaml(...chain({ containers }, [rsPod('web-7d9c-a', { containers, phase: 'Pending', containerStatuses: [cstatus({ ready: false, state: waiting('CreateContainerConfigError', 'container has runAsNonRoot and image will run as root (pod: "web-7d9c-a_shop(x)", container: app)') })] })]));
    expectFindings(check, text, [{ message: 'runAsNonRoot is set but the image runs as root' }]);
  });

  it('is silent when the containers start', () => {
    expectNone(check, yaml(...chain({ containers }, [rsPod('web-7d9c-a', { containers, containerStatuses: [cstatus()] })])));
  });
});
