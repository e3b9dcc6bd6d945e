import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/hpa-utilization-without-requests.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deployment = (containers: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:${extra}
      containers:
${containers}`;

describe('hpa-utilization-without-requests', () => {
  it('fires on a v2 CPU Utilization metric when a container has no CPU request, naming container and resource', () => {
    expectFindings(
      check,
      `${deployment(`        - name: app
          image: web:1
          resources: {requests: {cpu: 100m}}
        - name: proxy
          image: envoy:1
          resources: {requests: {memory: 64Mi}}
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
`,
      [
        {
          line: 25,
          severity: 'error',
          object: 'web-hpa',
          container: 'proxy',
          message: 'container "proxy" of Deployment "web" has no cpu request',
        },
      ],
    );
  });

  it('says the HPA never scales with one metric, and that it only scales up on the others with several', () => {
    expectFindings(
      check,
      `${deployment(`        - name: app
          image: web:1
          resources: {requests: {cpu: 100m}}
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: memory
        target: {type: Utilization, averageUtilization: 80}
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 60}
`,
      [{ line: 21, container: 'app', message: /no memory request .* scales up only on its other metrics, and never scales down/ }],
    );
  });

  it('fires on autoscaling/v1 targetCPUUtilizationPercentage, pointing at it', () => {
    expectFindings(
      check,
      `${deployment(`        - name: app
          image: web:1
`)}---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  targetCPUUtilizationPercentage: 75
`,
      [{ line: 17, container: 'app', message: /targetCPUUtilizationPercentage 75.*never scales/ }],
    );
  });

  it('fires on the default metric (80% CPU) of HPAs without metrics: v2 without metrics, metrics: null, v1 without a target', () => {
    expectFindings(
      check,
      `${deployment(`        - name: app
          image: web:1
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: no-metrics, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: null-metrics, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics: null
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: v1-default, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
`,
      [
        { line: 14, object: 'no-metrics', message: 'no metrics (the default is 80% CPU utilization)' },
        { line: 24, object: 'null-metrics', message: 'no metrics (the default is 80% CPU utilization)' },
        { line: 29, object: 'v1-default', message: 'no targetCPUUtilizationPercentage (the default is 80% CPU utilization)' },
      ],
    );
  });

  it('is silent on an autoscaler in a version no longer served (autoscaling/v2beta1: never created, api-version-removed reports it)', () => {
    expectNone(
      check,
      `${deployment(`        - name: app
          image: web:1
`)}---
apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: memory, targetAverageUtilization: 80}
`,
    );
  });

  it('is silent when scaleTargetRef has no apiVersion: the controller looks in the core group and never reads the metrics (hpa-target-missing reports it)', () => {
    expectNone(
      check,
      `${deployment(`        - name: app
          image: web:1
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
`,
    );
  });

  it('counts native sidecars but not regular init containers', () => {
    expectFindings(
      check,
      `${deployment(
        `        - name: app
          image: web:1
          resources: {requests: {cpu: 100m}}
`,
        `
      initContainers:
        - name: migrate
          image: migrate:1
        - name: mesh
          image: proxy:1
          restartPolicy: Always`,
      )}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
`,
      [{ line: 26, container: 'mesh', message: 'sidecar container "mesh" of Deployment "web" has no cpu request' }],
    );
  });

  it('is silent when requests are effectively set: limit-only containers, LimitRange defaultRequest, pod-level resources', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: limits-only, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: web:1
          resources: {limits: {cpu: 500m, memory: 256Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: limits-only, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: limits-only}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
    - type: Resource
      resource: {name: memory, target: {type: Utilization, averageUtilization: 70}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: defaulted, namespace: team}
spec:
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: defaulted, namespace: team}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: defaulted}
  maxReplicas: 5
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pod-level, namespace: shop}
spec:
  template:
    spec:
      resources: {requests: {cpu: "1"}}
      containers: [{name: app, image: web:1}, {name: log, image: log:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: pod-level, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: pod-level}
  maxReplicas: 5
`,
    );
  });

  it('does not count a LimitRange of another namespace', () => {
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
${deployment(`        - name: app
          image: web:1
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
`,
      [{ line: 22, container: 'app', message: 'has no cpu request' }],
    );
  });

  it('is silent for AverageValue targets', () => {
    expectNone(
      check,
      `${deployment(`        - name: app
          image: web:1
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: AverageValue, averageValue: 500m}}
    - type: Pods
      pods:
        metric: {name: rps}
        target: {type: AverageValue, averageValue: "100"}
`,
    );
  });

  it('ContainerResource only needs the named container, and fires for it or for a name that matches no container', () => {
    const base = `${deployment(
      `        - name: app
          image: web:1
          resources: {requests: {cpu: 100m}}
        - name: proxy
          image: envoy:1
`,
    )}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: ContainerResource
      containerResource:
        name: cpu
        container: CONTAINER
        target: {type: Utilization, averageUtilization: 60}
`;
    expectNone(check, base.replace('CONTAINER', 'app'));
    expectFindings(check, base.replace('CONTAINER', 'proxy'), [
      { line: 23, container: 'proxy', message: /container "proxy" of Deployment "web" has no cpu request.*FailedGetContainerResourceMetric/ },
    ]);
    expectFindings(check, base.replace('CONTAINER', 'ap'), [{ line: 23, message: 'runs no container "ap" (it runs "app", "proxy")' }]);
  });

  it('checks Argo Rollouts with a template and skips Rollouts with workloadRef', () => {
    expectFindings(
      check,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  strategy:
    canary: {steps: [{setWeight: 20}]}
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: r}
spec:
  scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: r}
  maxReplicas: 5
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ref}
spec:
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: ref-base}
  strategy:
    canary: {steps: [{setWeight: 20}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ref}
spec:
  scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: ref}
  maxReplicas: 5
`,
      [{ line: 14, object: 'r', container: 'app', message: 'container "app" of Rollout "r" has no cpu request' }],
    );
  });

  it('is silent when the target is not in the input or only in another namespace', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: b}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ghost, namespace: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ghost}
  maxReplicas: 5
`,
    );
  });

  it('is total on partial objects', () => {
    expectNone(
      check,
      `${deployment(`        - name: app
          image: web:1
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  metrics: "{{ toYaml .Values.metrics }}"
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: b, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  metrics:
    - null
    - type: Resource
    - type: Resource
      resource: null
    - type: Resource
      resource: {name: 7, target: {type: Utilization}}
    - type: ContainerResource
      containerResource: {name: cpu, target: {type: Utilization}}
    - type: Resource
      resource: {name: cpu, target: "Utilization"}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: c, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  targetCPUUtilizationPercentage: "{{ .Values.cpu }}"
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: d, namespace: shop}
spec:
  metrics: null
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: e, namespace: shop}
spec: 5
`,
    );
  });
});
