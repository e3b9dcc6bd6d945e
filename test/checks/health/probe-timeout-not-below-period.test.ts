import { describe, it } from 'node:test';
import check from '../../../src/checks/health/probe-timeout-not-below-period.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('probe-timeout-not-below-period', () => {
  it('fires when timeoutSeconds exceeds periodSeconds (warning) or equals it (info), per probe', () => {
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
            periodSeconds: 5
            timeoutSeconds: 5
          readinessProbe:
            httpGet: {path: /readyz, port: 8080}
            timeoutSeconds: 30
`,
      [
        {
          line: 13,
          container: 'app',
          severity: 'info',
          message: 'livenessProbe timeoutSeconds 5 equals periodSeconds 5: while the endpoint is slow the attempts run back to back, with no pause for the process to recover; detection still takes about 15 s',
        },
        {
          line: 16,
          container: 'app',
          severity: 'warning',
          message: 'readinessProbe timeoutSeconds 30 is above periodSeconds 10 (default): a hung endpoint is detected after about 90 s (failureThreshold x timeoutSeconds), not 30 s',
        },
      ],
    );
  });

  it('is silent on a 1 s timeout (the minimum), even with periodSeconds 1: there is no shorter timeout (Knative probes its webhook every second)', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: proxy
      image: envoyproxy/envoy:v1.31.0
      restartPolicy: Always
      startupProbe:
        tcpSocket: {port: 9901}
        periodSeconds: 1
  containers:
    - name: app
      image: example.com/app:1
      readinessProbe: {httpGet: {path: /, port: 8443}, periodSeconds: 1, timeoutSeconds: 1}
`,
    );
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: example.com/app:1
      readinessProbe: {httpGet: {path: /, port: 8443}, periodSeconds: 1, timeoutSeconds: 2}
`,
      [{ line: 8, container: 'app', message: 'readinessProbe timeoutSeconds 2 is above periodSeconds 1: a hung endpoint is detected after about 6 s' }],
    );
  });

  it('is silent with defaults, 0 values (defaulted), sane values, templated strings and negative (invalid) values', () => {
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
          livenessProbe: {tcpSocket: {port: 8080}}
          readinessProbe: {tcpSocket: {port: 8080}, timeoutSeconds: 0, periodSeconds: 0}
          startupProbe: {tcpSocket: {port: 8080}, timeoutSeconds: 3, periodSeconds: 5}
        - name: tpl
          image: example.com/app:1
          livenessProbe: {tcpSocket: {port: 8080}, timeoutSeconds: "{{ .Values.timeout }}", periodSeconds: 1}
          readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: -1}
`,
    );
  });
});
