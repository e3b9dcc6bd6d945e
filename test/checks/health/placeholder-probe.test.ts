import { describe, it } from 'node:test';
import check from '../../../src/checks/health/placeholder-probe.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('placeholder-probe', () => {
  it('fires on direct-exec placeholders and names the probe and the reason', () => {
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
            exec:
              command: ["true"]
          readinessProbe:
            exec:
              command: [cat, /etc/hosts]
        - name: b
          image: example.com/app:1
          livenessProbe: {exec: {command: [/bin/echo, ok]}}
          readinessProbe: {exec: {command: [ls, /]}}
`,
      [
        { line: 12, container: 'app', severity: 'error', message: 'livenessProbe exec ["true"] always succeeds (`true` always exits 0)' },
        { line: 15, container: 'app', message: 'readinessProbe exec ["cat","/etc/hosts"] always succeeds (/etc/hosts is mounted by the kubelet' },
        { line: 18, container: 'b', message: '`echo` always exits 0' },
        { line: 19, container: 'b', message: 'listing / always succeeds' },
      ],
    );
  });

  it('fires on shell placeholders: exit 0, :, echo, and checks swallowed by || true or ; exit 0', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: example.com/app:1
      livenessProbe: {exec: {command: [sh, -c, "exit 0"]}}
      readinessProbe: {exec: {command: [/bin/sh, -c, ":"]}}
    - name: b
      image: example.com/app:1
      livenessProbe: {exec: {command: [/bin/bash, -c, "curl -fsS http://localhost:8080/health || true"]}}
      readinessProbe: {exec: {command: [sh, -c, "echo 'ready'"]}}
    - name: c
      image: example.com/app:1
      livenessProbe:
        exec:
          command:
            - sh
            - -c
            - |
              pgrep java
              exit 0
`,
      [
        { line: 8, container: 'a', message: 'the script is just `exit 0`' },
        { line: 9, container: 'a', message: '`:` is the shell no-op' },
        { line: 12, container: 'b', message: 'ends in `|| true`' },
        { line: 13, container: 'b', message: '`echo` always exits 0' },
        { line: 18, container: 'c', message: 'ends with `exit 0`' },
      ],
    );
  });

  it('reports a startup placeholder as a warning', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: example.com/app:1
      startupProbe: {exec: {command: [sh, -c, "true"]}}
`,
      [{ line: 8, severity: 'warning', message: 'startupProbe' }],
    );
  });

  it('reports exec of a shell builtin as always failing', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: example.com/app:1
      livenessProbe: {exec: {command: [exit, "0"]}}
`,
      [{ line: 8, severity: 'error', message: 'cannot run: "exit" is a shell builtin, not an executable; every attempt is an error that the kubelet discards, so liveness never fails (a hung container is never restarted)' }],
    );
  });

  it('is silent on real checks, scripts that can still fail, and non-exec probes', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: postgres:16
      livenessProbe: {exec: {command: [pg_isready, -h, 127.0.0.1]}}
      readinessProbe: {exec: {command: [sh, -c, "pg_isready -h 127.0.0.1 && psql -c 'select 1'"]}}
      startupProbe: {exec: {command: [cat, /tmp/started]}}
    - name: b
      image: example.com/app:1
      livenessProbe: {exec: {command: [sh, -c, "if ! curl -f localhost:8080; then exit 1; fi; exit 0"]}}
      readinessProbe: {exec: {command: [sh, -ec, "curl -f localhost:8080/ready; true"]}}
      startupProbe: {exec: {command: [sh, -c, "grep -q 'a || true' /tmp/x"]}}
    - name: c
      image: example.com/app:1
      livenessProbe: {exec: {command: [sh, -c, "test -f /tmp/ok && echo ok"]}}
      readinessProbe: {exec: {command: [sh, -c, "echo $(cat /tmp/ready)"]}}
      startupProbe: {exec: {command: ["cat /etc/hosts"]}}
    - name: d
      image: example.com/app:1
      livenessProbe: {httpGet: {path: /, port: 80}}
      readinessProbe: {exec: {command: [cat, /etc/hosts, /tmp/ready]}}
      startupProbe: {exec: {command: [sh, -c, "set -e; check; true"]}}
  initContainers:
    - name: init
      image: busybox:1.36
      livenessProbe: {exec: {command: ["true"]}}
`,
    );
  });
});
