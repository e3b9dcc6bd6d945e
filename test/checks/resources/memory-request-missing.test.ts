import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/memory-request-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('memory-request-missing', () => {
  it('fires on containers, init containers and native sidecars without a memory request', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  template:
    spec:
      initContainers:
        - name: init-perms
          image: busybox:1.36
        - name: backup-agent
          image: agent:2
          restartPolicy: Always
          resources:
            requests: {cpu: 10m}
      containers:
        - name: postgres
          image: postgres:16
          resources:
            requests: {cpu: "1", memory: 2Gi}
`,
      [
        { line: 9, container: 'init-perms', message: 'init container "init-perms" has no memory request', severity: 'error' },
        { line: 15, container: 'backup-agent', message: 'sidecar container "backup-agent" has no memory request' },
      ],
    );
  });

  it('is silent when the memory limit is set (the request defaults to it)', () => {
    expectNone(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: job
          image: busybox:1.36
          resources:
            limits: {memory: 64Mi}
`,
    );
  });

  it('honours a LimitRange default in the namespace, matching objects without a namespace to the default one', () => {
    const workload = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: mem}
spec:
  limits:
    - type: Container
      defaultRequest: {memory: 128Mi}
---
${workload}`,
      [{ line: 16, container: 'app', severity: 'info', message: 'container "app" has no memory request in the manifest; LimitRange "mem" in namespace default sets 128Mi at admission' }],
    );
    // A CPU-only default does not cover memory.
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: cpu}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
${workload}`,
      [{ line: 16, container: 'app', severity: 'error', message: /^container "app" has no memory request$/ }],
    );
  });

  it('is silent with a pod-level memory limit', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources:
    limits: {memory: 1Gi}
  containers:
    - name: a
      image: nginx:1.27
`,
    );
  });

  it('covers init containers, and a LimitRange default applies to them too; a Pod-type LimitRange fills nothing', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: jobs}
spec:
  limits:
    - type: Pod
      max: {memory: 4Gi}
    - type: Container
      default: {memory: 512Mi}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: jobs}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: fetch
          image: curl:8
      containers:
        - name: run
          image: migrate:4
          resources: {limits: {memory: 1Gi}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: pods-only, namespace: other}
spec:
  limits:
    - type: Pod
      max: {memory: 4Gi}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: other}
spec:
  restartPolicy: Never
  containers:
    - name: a
      image: busybox:1.36
`,
      [
        { line: 19, container: 'fetch', severity: 'info', message: 'init container "fetch" has no memory request in the manifest; LimitRange "lr" in namespace jobs sets 512Mi at admission (its default limit, as it sets no defaultRequest)' },
        { line: 40, container: 'a', severity: 'error', message: /^container "a" has no memory request$/ },
      ],
    );
  });

  it('shows a bare-number LimitRange default as written and in the unit people read', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits: [{type: Container, defaultRequest: {memory: 268435456}}]
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: nginx:1.27}]
`,
      [{ line: 11, severity: 'info', message: /LimitRange "lr" in namespace default sets 268435456 \(256Mi\) at admission$/ }],
    );
  });
});
