import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/memory-request-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('memory-request-missing', () => {
  it('fires on init containers and native sidecars without a memory request (an init container within the app containers\' reservation is a warning)', () => {
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
        {
          line: 9,
          container: 'init-perms',
          message:
            'init container "init-perms" has no memory request: it runs within the 2Gi of memory the scheduler reserves for the pod\'s app containers (they start after it), but nothing tells the scheduler whether it needs more, and without a request of its own it gets oom_score_adj 999, the highest a Burstable container can get, so the kernel OOM killer picks it among the first when the node runs out of memory',
          severity: 'warning',
        },
        { line: 15, container: 'backup-agent', message: /^sidecar container "backup-agent" has no memory request$/, severity: 'error' },
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

  it('keeps an init container an error when no app container requests memory, and counts an app memory limit as its request', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: none}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - {name: fetch, image: curl:8}
      containers:
        - name: run
          image: migrate:4
          resources: {requests: {cpu: 100m}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: limited}
spec:
  template:
    spec:
      restartPolicy: Never
      priorityClassName: system-node-critical
      initContainers:
        - {name: fetch, image: curl:8}
      containers:
        - {name: a, image: migrate:4, resources: {limits: {memory: 256Mi}}}
        - {name: b, image: migrate:4, resources: {requests: {memory: 256Mi}}}
`,
      [
        { line: 9, container: 'fetch', object: 'none', severity: 'error', message: /^init container "fetch" has no memory request$/ },
        { line: 13, container: 'run', object: 'none', severity: 'error', message: /^container "run" has no memory request$/ },
        // A node-critical pod's containers get oom_score_adj -997 whatever their requests: no OOM clause.
        { line: 24, container: 'fetch', object: 'limited', severity: 'warning', message: /^init container "fetch" has no memory request: it runs within the 512Mi of memory the scheduler reserves for the pod's app containers \(they start after it\), but nothing tells the scheduler whether it needs more$/ },
      ],
    );
  });
});
