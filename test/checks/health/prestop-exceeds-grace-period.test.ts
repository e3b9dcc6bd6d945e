import { describe, it } from 'node:test';
import check from '../../../src/checks/health/prestop-exceeds-grace-period.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('prestop-exceeds-grace-period', () => {
  it('fires on an exec sleep at the default grace period and a sleep action equal to the grace period', () => {
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
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "30"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 20
      containers:
        - name: api
          image: example.com/api:1
          lifecycle:
            preStop:
              sleep:
                seconds: 20
`,
      [
        {
          line: 13,
          container: 'app',
          severity: 'warning',
          message: 'container "app": lifecycle.preStop sleeps 30 s (exec ["sleep","30"]) and terminationGracePeriodSeconds is unset (30 s by default): the hook uses the whole grace period, so the app gets SIGTERM only when it has run out, and SIGKILL 2 s later',
        },
        { line: 28, container: 'api', severity: 'warning', message: 'sleeps 20 s (sleep.seconds 20) and terminationGracePeriodSeconds is 20' },
      ],
    );
  });

  it('reads shell scripts that start with sleep N, and counts a longer sleep as the whole grace period', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 10
      initContainers:
        - name: proxy
          image: example.com/proxy:1
          restartPolicy: Always
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "sleep 15 && /usr/local/bin/drain"]
      containers:
        - name: db
          image: example.com/db:1
          lifecycle:
            preStop:
              exec:
                command:
                  - /bin/bash
                  - -ec
                  - |
                    sleep 10
`,
      [
        { line: 15, container: 'proxy', message: 'sidecar container "proxy": lifecycle.preStop sleeps at least 15 s (exec "sleep 15 && /usr/local/bin/drain" (which starts with sleep 15))' },
        { line: 22, container: 'db', message: 'sleeps 10 s (exec "sleep 10") and terminationGracePeriodSeconds is 10' },
      ],
    );
  });

  it('reports a sleep action above the grace period as rejected by the API server (error)', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: example.com/app:1
      lifecycle:
        preStop:
          sleep: {seconds: 45}
`,
      [{ line: 10, severity: 'error', message: 'lifecycle.preStop.sleep.seconds is 45, above the grace period (terminationGracePeriodSeconds is unset (30 s by default)): the API server rejects the Pod' }],
    );
  });

  it('warns on any preStop hook with terminationGracePeriodSeconds 0', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: nginx
          image: nginx:1.27
          lifecycle:
            preStop:
              exec:
                command: ["nginx", "-s", "quit"]
        - name: noop
          image: example.com/app:1
          lifecycle:
            preStop:
              sleep: {seconds: 0}
`,
      [{ line: 7, container: 'nginx', severity: 'warning', message: 'has a lifecycle.preStop hook (exec) but terminationGracePeriodSeconds is 0: a deleted pod is removed from the API at once, and the kubelet gives the hook at most 1 s' }],
    );
  });

  it('reports (info) a sleep that leaves fewer than minShutdownSeconds, with the param honoured', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: app
          image: example.com/app:1
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "sleep 27"]
`;
    expectFindings(check, yaml, [{ line: 14, severity: 'info', message: 'SIGKILL 3 s later (fewer than minShutdownSeconds 5)' }]);
    expectNone(check, yaml, { params: { minShutdownSeconds: 3 } });
  });

  it('is silent on short sleeps, untimed scripts, suffixes, templated values and odd shapes', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: a
          image: example.com/app:1
          lifecycle: {preStop: {sleep: {seconds: 15}}}
        - name: b
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["/wait-shutdown"]}}}
        - name: c
          image: example.com/app:1
          lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other}
spec:
  template:
    spec:
      containers:
        - name: suffix
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "30s"]}}}
        - name: operands
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "20", "20"]}}}
        - name: later
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sh", "-c", "nginx -s quit; sleep 40"]}}}
        - name: background
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sh", "-c", "sleep 40 & wait-for-drain"]}}}
        - name: variable
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sh", "-c", "sleep $DELAY"]}}}
        - name: templated
          image: example.com/app:1
          lifecycle: {preStop: {sleep: {seconds: "{{ .Values.preStopSleep }}"}}}
        - name: string
          image: example.com/app:1
          lifecycle: {preStop: "sleep 60"}
        - name: two-handlers
          image: example.com/app:1
          lifecycle: {preStop: {sleep: {seconds: 60}, exec: {command: ["sleep", "60"]}}}
      initContainers:
        - name: migrate
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "60"]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: templated-grace}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: "{{ .Values.grace }}"
      containers:
        - name: app
          image: example.com/app:1
          lifecycle: {preStop: {exec: {command: ["sleep", "90"]}}}
`,
    );
  });
});
