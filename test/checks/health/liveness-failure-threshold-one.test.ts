import { describe, it } from 'node:test';
import check from '../../../src/checks/health/liveness-failure-threshold-one.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('liveness-failure-threshold-one', () => {
  it('fires on a liveness probe with failureThreshold 1', () => {
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
            failureThreshold: 1
`,
      [{ line: 12, container: 'app', severity: 'warning', message: 'takes over 1s restarts the container' }],
    );
  });

  it('is silent on readiness/startup probes with 1, on defaults and on 0 (defaulted to 3)', () => {
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
          livenessProbe: {httpGet: {path: /livez, port: 8080}, failureThreshold: 0}
          readinessProbe: {httpGet: {path: /readyz, port: 8080}, failureThreshold: 1}
          startupProbe: {httpGet: {path: /livez, port: 8080}, failureThreshold: 1}
        - name: b
          image: example.com/app:1
          livenessProbe: {httpGet: {path: /livez, port: 8080}}
`,
    );
  });
});
