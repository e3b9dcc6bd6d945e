import { describe, it } from 'node:test';
import check from '../../../src/checks/health/probe-success-threshold-invalid.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('probe-success-threshold-invalid', () => {
  it('fires on liveness and startup probes with successThreshold other than 1', () => {
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
            successThreshold: 2
          startupProbe:
            httpGet: {path: /livez, port: 8080}
            successThreshold: 3
          readinessProbe:
            httpGet: {path: /readyz, port: 8080}
            successThreshold: 3
`,
      [
        { line: 12, container: 'app', severity: 'error', message: 'livenessProbe.successThreshold is 2' },
        { line: 15, container: 'app', message: 'startupProbe.successThreshold is 3' },
      ],
    );
  });

  it('covers native sidecars; silent on 0 and 1 (0 is defaulted to 1) and non-numbers', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: proxy
      image: envoyproxy/envoy:v1.31.0
      restartPolicy: Always
      livenessProbe: {tcpSocket: {port: 9901}, successThreshold: 5}
  containers:
    - name: a
      image: example.com/app:1
      livenessProbe: {tcpSocket: {port: 80}, successThreshold: 0}
      startupProbe: {tcpSocket: {port: 80}, successThreshold: 1}
    - name: b
      image: example.com/app:1
      livenessProbe: {tcpSocket: {port: 80}, successThreshold: "{{ .Values.x }}"}
`,
      [{ line: 9, container: 'proxy' }],
    );
  });

  it('is silent without probes', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx:1.27}]
`,
    );
  });
});
