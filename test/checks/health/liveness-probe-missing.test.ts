import { describe, it } from 'node:test';
import check from '../../../src/checks/health/liveness-probe-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('liveness-probe-missing', () => {
  it('fires on a Deployment container without livenessProbe, at its "- name:" line', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
          readinessProbe:
            httpGet: {path: /, port: 80}
`,
      [{ line: 9, container: 'app', object: 'web', severity: 'error', message: 'container "app" has no livenessProbe' }],
    );
  });

  it('covers native sidecars but never plain init containers', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: flyway/flyway:10
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
          restartPolicy: Always
      containers:
        - name: db
          image: postgres:16
          livenessProbe:
            exec: {command: [pg_isready]}
`,
      [{ line: 10, container: 'proxy', message: 'native sidecar "proxy"' }],
    );
  });

  it('fires for DaemonSets, bare Pods and Argo Rollouts', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: fluent/fluent-bit:3.1
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: main
      image: busybox:1.36
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: api
          image: example.com/api:1.0
`,
      [
        { line: 8, object: 'agent', container: 'agent' },
        { line: 16, object: 'p', container: 'main' },
        { line: 27, object: 'ro', container: 'api' },
      ],
    );
  });

  it('is silent on Jobs, CronJobs and run-to-completion Pods', () => {
    expectNone(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: job, image: busybox:1.36}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox:1.36}]
`,
    );
  });

  it('counts any probe object as present (a kustomize patch may carry only timing fields)', () => {
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
          livenessProbe:
            initialDelaySeconds: 30
`,
    );
  });

  it('skips containers that only idle (toolbox pods, a DaemonSet kept alive after its init container), not working ones', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: sysctl}
spec:
  template:
    spec:
      initContainers:
        - name: set
          image: busybox:1.36
          command: [sysctl, -w, vm.max_map_count=262144]
      containers:
        - name: sleep
          image: busybox:1.36
          command: [sh, -c, 'while true; do sleep 3600; done']
        - name: pause
          image: registry.k8s.io/pause:3.10
        - name: worker
          image: busybox:1.36
          command: [sh, -c, 'sleep 5 && exec ./work']
`,
      [{ line: 17, container: 'worker' }],
    );
  });

  it('does not throw on odd shapes', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: odd}
spec:
  template:
    spec:
      containers:
        - image: nginx:1.27
          livenessProbe: null
        - name: b
          image: nginx:1.27
          livenessProbe: "yes"
`,
      [{ line: 9, container: '#0' }],
    );
  });
});

describe('liveness-probe-missing: probes an operator adds', () => {
  const ray = (kind: string, apiVersion = 'ray.io/v1') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata: {name: llm}
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.41.0
          - name: log-shipper
            image: fluent/fluent-bit:3.2
`;
  it('KubeRay gives the Ray container (the first) of head pods its probes: only the other container is reported', () => {
    expectFindings(check, ray('RayCluster'), [{ container: 'log-shipper', line: 12 }]);
    expectFindings(check, ray('RayService').replace('spec:\n  headGroupSpec:', 'spec:\n  rayClusterConfig:\n   headGroupSpec:').replace(/\n {4}/g, '\n     '), [{ container: 'log-shipper' }]);
  });
  it('the same template under another operator group is not given probes', () => {
    expectFindings(check, ray('RayCluster', 'example.com/v1'), [{ container: 'ray-head' }, { container: 'log-shipper' }]);
  });
});

describe('liveness-probe-missing: operators that leave it out on purpose', () => {
  const es = (main: string, extra = '') => `apiVersion: elasticsearch.k8s.elastic.co/v1
kind: Elasticsearch
metadata: {name: logs}
spec:
  version: 8.15.0
  nodeSets:
    - name: default
      count: 3
      podTemplate:
        spec:
          containers:
            - name: ${main}
${extra}            - name: exporter
              image: quay.io/prometheuscommunity/elasticsearch-exporter:v1.8.0
`;
  it('ECK Elasticsearch: the main container is a warning saying why; other containers stay errors', () => {
    expectFindings(check, es('elasticsearch'), [
      { container: 'elasticsearch', severity: 'info', message: /ECK|Elastic Cloud on Kubernetes leaves Elasticsearch without a liveness probe on purpose: .*elastic\/cloud-on-k8s#2513\)\. If you add one, check only that the process answers/ },
      { container: 'exporter', severity: 'error' },
    ]);
  });
  it('a container of another name is not the main one; one with a probe is silent', () => {
    expectFindings(check, es('sidecar'), [{ container: 'sidecar', severity: 'error' }, { container: 'exporter', severity: 'error' }]);
    expectFindings(check, es('elasticsearch', '              livenessProbe: {tcpSocket: {port: 9200}, failureThreshold: 30}\n'), [{ container: 'exporter', severity: 'error' }]);
  });
});
