import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/health/duplicate-env-var.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('duplicate-env-var', () => {
  it('fires on a name set twice with different values, at the later entry, naming which one wins', () => {
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
          env:
            - name: DB_HOST
              value: db-primary
            - name: LOG_LEVEL
              value: info
            - name: DB_HOST
              value: db-replica
`,
      [
        {
          line: 15,
          container: 'app',
          severity: 'warning',
          message:
            'container "app": env DB_HOST is set twice (env[0] and env[2]); the kubelet uses the last one (env[2]) and ignores env[0]: client-side kubectl apply deletes both when one is removed, and server-side apply rejects the manifest (duplicate entries for key [name="DB_HOST"])',
        },
      ],
    );
  });

  it('never prints values, also of secret-looking names, and covers init containers and valueFrom', () => {
    const found = expectFindings(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: wait
          image: example.com/wait:1
          env:
            - {name: DB_PASSWORD, value: hunter2-literal}
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
      containers:
        - name: job
          image: example.com/job:1
          env:
            - {name: MODE, value: full}
            - {name: MODE, value: full}
            - {name: MODE, value: full}
`,
      [
        { line: 13, container: 'wait', message: 'init container "wait": env DB_PASSWORD is set twice (env[0] and env[1]); the kubelet uses the last one (env[1]) and ignores env[0]' },
        { line: 21, container: 'job', message: 'env MODE is set three times (env[0], env[1] and env[2]); all set the same value, so the duplicate changes nothing at run time yet: client-side kubectl apply deletes all of them when one is removed' },
      ],
    );
    for (const f of found) {
      assert.ok(!f.message.includes('hunter2'), 'a value leaked into the message');
      assert.ok(!f.message.includes('full'), 'a value leaked into the message');
    }
  });

  it('says the earlier value stays when the last entry is an optional reference', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: example.com/app:1
      env:
        - {name: REGION, value: eu-west-1}
        - name: REGION
          valueFrom: {configMapKeyRef: {name: cluster-info, key: region, optional: true}}
`,
      [{ line: 10, message: 'the kubelet uses env[1] when its optional source resolves, else the value before it' }],
    );
  });

  it('mirrors the API server: a later value that extends the earlier one with $(NAME) is info (server-side apply still refuses it), a bare $(NAME) is a warning', () => {
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
          env:
            - {name: PATH, value: /usr/bin}
            - {name: PATH, value: "$(PATH):/opt/tools/bin"}
            - {name: JAVA_OPTS, value: "-Xmx1g"}
            - {name: JAVA_OPTS, value: "$(JAVA_OPTS)"}
`,
      [
        { line: 12, severity: 'info', message: 'env PATH is set twice (env[0] and env[1]), each later value building on the one before with $(PATH): the kubelet resolves it as meant, but server-side apply (kubectl apply --server-side, Flux, Argo CD with ServerSideApply) rejects the manifest' },
        { line: 14, severity: 'warning', message: 'env JAVA_OPTS is set twice (env[2] and env[3])' },
      ],
    );
  });

  it('is silent on unique names, envFrom overlaps, other containers, templated names and odd shapes', () => {
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
          envFrom:
            - configMapRef: {name: app-config}
          env:
            - {name: LOG_LEVEL, value: debug}
            - {name: "{{ .Values.extraEnvName }}", value: a}
            - {name: "{{ .Values.extraEnvName }}", value: b}
            - "NOT_A_MAP"
            - {value: no-name}
            - {value: no-name-either}
        - name: sidecar
          image: example.com/proxy:1
          env:
            - {name: LOG_LEVEL, value: warn}
        - name: odd
          image: example.com/odd:1
          env: {LOG_LEVEL: info}
`,
    );
  });
});
