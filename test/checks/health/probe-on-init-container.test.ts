import { describe, it } from 'node:test';
import check from '../../../src/checks/health/probe-on-init-container.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('probe-on-init-container', () => {
  it('fires on each probe of a plain init container', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
          readinessProbe:
            tcpSocket: {port: 9901}
          livenessProbe:
            tcpSocket: {port: 9901}
      containers:
        - name: app
          image: example.com/app:1
          livenessProbe: {httpGet: {path: /, port: 8080}}
`,
      [
        { line: 10, container: 'proxy', severity: 'error', message: 'init container "proxy" sets readinessProbe' },
        { line: 12, container: 'proxy', message: 'sets livenessProbe' },
      ],
    );
  });

  it('is silent on native sidecars (restartPolicy: Always) and on Jobs without init probes', () => {
    expectNone(
      check,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: proxy
              image: envoyproxy/envoy:v1.31.0
              restartPolicy: Always
              startupProbe: {tcpSocket: {port: 9901}}
            - name: wait
              image: busybox:1.36
          containers: [{name: job, image: busybox:1.36}]
`,
    );
  });
});
