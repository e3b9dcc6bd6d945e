import { describe, it } from 'node:test';
import check from '../../../src/checks/health/liveness-equals-readiness.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('liveness-equals-readiness', () => {
  it('identical httpGet handlers, liveness with the larger failure budget: info with both times', () => {
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
          ports: [{name: http, containerPort: 8080}]
          livenessProbe:
            httpGet: {path: /health, port: http}
            failureThreshold: 6
          readinessProbe:
            httpGet: {path: /health, port: 8080, scheme: HTTP}
            periodSeconds: 5
`,
      [
        {
          line: 12,
          container: 'app',
          severity: 'info',
          message:
            'container "app": livenessProbe and readinessProbe run the same check (HTTP GET /health on port "http"), liveness with the larger failure budget: a failure takes the pod out of rotation after about 15 s and restarts it after about 60 s, so a failure of the shared check that outlasts 60 s (a dependency outage) restarts every replica',
        },
      ],
    );
  });

  it('warns when liveness gives up first or together with readiness (HTTPS named as such)', () => {
    const pod = (live: string, ready: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1
          livenessProbe:
            httpGet: {path: /health, port: 8443, scheme: HTTPS}${live}
          readinessProbe:
            httpGet: {path: /health, port: 8443, scheme: HTTPS}${ready}
`;
    expectFindings(check, pod('\n            failureThreshold: 1', ''), [
      {
        severity: 'warning',
        message: 'container "app": livenessProbe and readinessProbe run the same check (HTTPS GET /health on port 8443) and liveness gives up first (about 10 s, readiness 30 s): a pod where it fails is restarted instead of only being taken out of rotation, and when it fails for a reason all replicas share (a dependency outage, load) every replica is restarted at once',
      },
    ]);
    expectFindings(check, pod('', ''), [{ severity: 'warning', message: 'and liveness gives up as soon as readiness (about 30 s): a pod where it fails is restarted' }]);
  });

  it('fires on identical exec, tcpSocket and grpc handlers (one finding per container)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      containers:
        - name: pg
          image: postgres:16
          livenessProbe: {exec: {command: [pg_isready, -U, app]}}
          readinessProbe: {exec: {command: [pg_isready, -U, app]}}
        - name: redis
          image: redis:7
          livenessProbe: {tcpSocket: {port: 6379}}
          readinessProbe: {tcpSocket: {port: 6379}}
        - name: grpc
          image: example.com/grpc:1
          livenessProbe: {grpc: {port: 9090}}
          readinessProbe: {grpc: {port: 9090, service: ""}}
`,
      [
        { line: 10, container: 'pg', message: 'exec ["pg_isready","-U","app"]' },
        // A TCP connect to its own port depends on nothing else: info, said as the acceptable case.
        { line: 14, container: 'redis', severity: 'info', message: 'TCP connect to port 6379): a TCP connect to its own port, which only fails when the process stops accepting connections, so restarting on it is sound' },
        { line: 18, container: 'grpc' },
      ],
    );
  });

  it('is silent when the handlers differ in path, port, type, headers, command or grpc service', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: a
          image: example.com/app:1
          livenessProbe: {httpGet: {path: /livez, port: 8080}}
          readinessProbe: {httpGet: {path: /readyz, port: 8080}}
        - name: b
          image: example.com/app:1
          livenessProbe: {httpGet: {path: /health, port: 8081}}
          readinessProbe: {httpGet: {path: /health, port: 8080}}
        - name: c
          image: example.com/app:1
          livenessProbe: {tcpSocket: {port: 8080}}
          readinessProbe: {httpGet: {path: /, port: 8080}}
        - name: d
          image: example.com/app:1
          livenessProbe: {httpGet: {path: /health, port: 80, httpHeaders: [{name: X-Deep, value: "false"}]}}
          readinessProbe: {httpGet: {path: /health, port: 80, httpHeaders: [{name: X-Deep, value: "true"}]}}
        - name: e
          image: example.com/app:1
          livenessProbe: {exec: {command: [check, --live]}}
          readinessProbe: {exec: {command: [check, --ready]}}
        - name: f
          image: example.com/app:1
          livenessProbe: {grpc: {port: 9090, service: liveness}}
          readinessProbe: {grpc: {port: 9090, service: readiness}}
        - name: g
          image: example.com/app:1
          readinessProbe: {httpGet: {path: /health, port: 8080}}
`,
    );
  });

  it('is silent on partial probes (patches with timing only)', () => {
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
          image: x:1
          livenessProbe: {periodSeconds: 20}
          readinessProbe: {periodSeconds: 20}
`,
    );
  });

  it('checks native sidecars', () => {
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
      livenessProbe: {httpGet: {port: 9901}}
      readinessProbe: {httpGet: {path: /, port: 9901}}
  containers:
    - name: app
      image: example.com/app:1
`,
      [{ line: 9, container: 'proxy', message: 'HTTP GET / on port 9901' }],
    );
  });
});
