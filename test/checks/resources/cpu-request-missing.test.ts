import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/cpu-request-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('cpu-request-missing', () => {
  it('fires per container without a CPU request, pointing at the requests block or the container', () => {
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
          image: nginx:1.27
          resources:
            requests:
              memory: 128Mi
        - name: log
          image: fluent-bit:3.1
          resources:
            requests: {cpu: 50m}
`,
      [{ line: 11, container: 'app', message: 'container "app" has no CPU request', severity: 'error' }],
    );
  });

  it('mentions a CPU-utilization HPA that cannot compute utilization', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1.0
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
`,
      [{ line: 8, container: 'api', message: /HorizontalPodAutoscaler "api" scales on CPU utilization/ }],
    );
  });

  it('is silent when a CPU limit is set: the request defaults to the limit', () => {
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
          image: nginx:1.27
          resources:
            limits: {cpu: "1", memory: 256Mi}
`,
    );
  });

  it('covers init containers, native sidecars, CronJobs and custom resources with a pod template', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: migrate
              image: migrate:4
            - name: proxy
              image: envoy:v1.31
              restartPolicy: Always
          containers:
            - name: job
              image: busybox:1.36
              resources: {requests: {cpu: 100m}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: app:2
`,
      [
        { line: 12, container: 'migrate', message: 'init container "migrate"', object: 'nightly' },
        { line: 14, container: 'proxy', message: 'sidecar container "proxy"', object: 'nightly' },
        { line: 30, container: 'app', object: 'canary' },
      ],
    );
  });

  it('is silent when a LimitRange in the same namespace sets a default request (or a default/max it derives from)', () => {
    for (const item of ['defaultRequest: {cpu: 100m}', 'default: {cpu: 500m}', 'max: {cpu: "2"}', 'min: {cpu: 50m}']) {
      expectNone(
        check,
        `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      ${item}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`,
      );
    }
  });

  it('still fires when the LimitRange is in another namespace or only limits Pods', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: other}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
apiVersion: v1
kind: LimitRange
metadata: {name: pods, namespace: shop}
spec:
  limits:
    - type: Pod
      max: {cpu: "4"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`,
      [{ line: 24, container: 'app' }],
    );
  });

  it('is silent with pod-level resources and on a DaemonSet whose containers have requests', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources:
    requests: {cpu: "1"}
  containers:
    - name: a
      image: nginx:1.27
    - name: b
      image: nginx:1.27
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: agent:1
          resources: {requests: {cpu: 10m, memory: 32Mi}}
`,
    );
  });

  it('does not throw on partial objects', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: patch}
spec:
  template:
    spec:
      containers:
        - name: a
          resources: oops
        - name: b
          resources: {requests: null, limits: [1, 2]}
        - name: c
          resources: {requests: {cpu: null}}
`,
      [
        { line: 9, container: 'a' },
        { line: 11, container: 'b' },
        { line: 13, container: 'c' },
      ],
    );
  });
});
