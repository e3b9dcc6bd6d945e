import { describe, it } from 'node:test';
import check from '../../../src/checks/health/probe-port-not-declared.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('probe-port-not-declared', () => {
  it('fires (error) on a named port the container does not declare, at the port line', () => {
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
          ports:
            - name: http
              containerPort: 8080
          livenessProbe:
            httpGet:
              path: /livez
              port: health
`,
      [{ line: 16, container: 'app', severity: 'error', message: 'names port "health", which the container does not declare (it declares "http"); the kubelet cannot resolve it: every attempt is an error that the kubelet discards, so liveness never fails (a hung container is never restarted)' }],
    );
  });

  it('fires when the name is declared only by another container of the pod', () => {
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
        - name: sidecar
          image: example.com/proxy:1
          readinessProbe:
            tcpSocket: {port: http}
`,
      [{ line: 14, container: 'sidecar', message: 'only container "app" declares' }],
    );
  });

  it('fires on a quoted number, which Kubernetes reads as a port name', () => {
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
          ports: [{containerPort: 8080}]
          readinessProbe:
            httpGet: {path: /, port: "8080"}
`,
      [{ line: 12, container: 'app', severity: 'error', message: 'quoted string "8080"' }],
    );
  });

  it('fires on a string grpc port and on an invalid port name', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: example.com/app:1
      ports: [{name: grpc, containerPort: 9090}]
      livenessProbe:
        grpc: {port: grpc}
      readinessProbe:
        tcpSocket: {port: Web_Port}
`,
      [
        { line: 10, message: 'gRPC probe port must be a number' },
        { line: 12, message: 'not a valid port name' },
      ],
    );
  });

  it('reports an undeclared numeric port only as info, and only when other ports are declared', () => {
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
          livenessProbe: {httpGet: {path: /actuator/health, port: 8081}}
        - name: bare
          image: example.com/app:1
          livenessProbe: {tcpSocket: {port: 5432}}
`,
      [{ line: 11, container: 'app', severity: 'info', message: 'port 8081 is not among its declared ports (8080)' }],
    );
  });

  it('is silent on declared names and numbers, host probes, exec probes and init containers', () => {
    expectNone(
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
          restartPolicy: Always
          ports: [{name: admin, containerPort: 9901}]
          startupProbe: {httpGet: {path: /ready, port: admin}}
      containers:
        - name: app
          image: example.com/app:1
          ports: [{name: http, containerPort: 8080}, {name: grpc, containerPort: 9090}]
          livenessProbe: {httpGet: {path: /livez, port: http}}
          readinessProbe: {httpGet: {path: /readyz, port: 8080}}
          startupProbe: {grpc: {port: 9090}}
        - name: remote
          image: example.com/app:1
          livenessProbe: {httpGet: {host: 10.0.0.1, path: /, port: admin}}
          readinessProbe: {exec: {command: [cat, /tmp/ready]}}
        - name: patch
          image: example.com/app:1
          livenessProbe: {httpGet: {path: /x}}
`,
    );
  });
});

describe('probe-port-not-declared: a port a sibling container declares', () => {
  it('says the sibling answers the probe, and whom a liveness failure restarts (info)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm}
spec:
  template:
    spec:
      containers:
        - name: server
          image: example.com/server:1
          ports: [{containerPort: 9000}]
          livenessProbe: {httpGet: {path: /healthcheck, port: 8000}}
        - name: http
          image: example.com/http:1
          ports: [{containerPort: 8000}]
`,
      [
        {
          line: 11,
          container: 'server',
          severity: 'info',
          message:
            'container "server": livenessProbe httpGet.port 8000 is a port container "http" declares, not this one (9000): the pod shares one network, so "http" answers the probe, and when it does not, the kubelet restarts "server"; right when that endpoint checks "server" (a health proxy), else probe a port of "server"',
        },
      ],
    );
  });
});
