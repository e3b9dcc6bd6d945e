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

  it('fires on a lifecycle hook with two handlers (a preStop sleep added beside an exec sleep), in an init sidecar too', () => {
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
          image: example.com/proxy:1
          restartPolicy: Always
          lifecycle:
            postStart: {exec: {command: [warm]}, httpGet: {path: /warm, port: 9000}}
      containers:
        - name: app
          image: example.com/app:1
          lifecycle:
            preStop:
              exec:
                command: [sleep, "15"]
              sleep: {seconds: 15}
`,
      [
        { line: 12, container: 'proxy', severity: 'error', message: 'container "proxy": lifecycle.postStart sets 2 handlers (exec, httpGet); the API server accepts exactly one' },
        { line: 20, container: 'app', severity: 'error', message: 'container "app": lifecycle.preStop sets 2 handlers (exec, sleep); the API server accepts exactly one' },
      ],
    );
  });

  it('is silent on a hook with one handler, a null one (merge-patch deletes) and a hook without a handler', () => {
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
          lifecycle:
            preStop: {sleep: {seconds: 15}, exec: null}
            postStart: {}
`,
    );
  });
});

