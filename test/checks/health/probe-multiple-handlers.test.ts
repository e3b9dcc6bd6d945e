import { describe, it } from 'node:test';
import check from '../../../src/checks/health/probe-multiple-handlers.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('probe-multiple-handlers', () => {
  it('fires on a probe with two handlers, pointing at the second', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1
          livenessProbe:
            httpGet: {path: /livez, port: 8080}
            exec:
              command: [check]
`,
      [{ line: 12, container: 'app', severity: 'error', message: 'livenessProbe sets 2 handlers (httpGet, exec)' }],
    );
  });

  it('is silent on single handlers, null handlers (merge-patch deletes) and handler-less patches', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1
          livenessProbe: {httpGet: {path: /livez, port: 8080}, exec: null}
          readinessProbe: {tcpSocket: {port: 8080}}
          startupProbe: {failureThreshold: 30}
`,
    );
  });
});
