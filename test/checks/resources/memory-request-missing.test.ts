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
    expectNone(
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
      [{ line: 16, container: 'app' }],
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
});
