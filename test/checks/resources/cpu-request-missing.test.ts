import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
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
        {
          line: 12,
          container: 'migrate',
          object: 'nightly',
          severity: 'info',
          message:
            'init container "migrate" has no CPU request: it runs within the 100m CPU the scheduler reserves for the pod\'s app containers (they start after it), but nothing tells the scheduler whether it needs more; no other container of the pod runs while it does (no native sidecar starts before it), so nothing competes with it for that CPU',
        },
        { line: 14, container: 'proxy', message: 'sidecar container "proxy"', object: 'nightly', severity: 'error' },
        { line: 30, container: 'app', object: 'canary' },
      ],
    );
  });

  it('an init container after a native sidecar: a warning, as the sidecar competes with it for the pod\'s CPU', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
        - name: proxy
          image: envoy:v1.31
          restartPolicy: Always
          resources: {requests: {cpu: 100m}}
        - name: migrate
          image: migrate:4
      containers:
        - name: app
          image: app:1
          resources: {requests: {cpu: 200m}}
`,
      [{ line: 14, container: 'migrate', severity: 'warning', message: /, and within the pod it gets the smallest CPU weight against the native sidecar already running$/ }],
    );
  });

  it('an init container next to another init container that requests CPU (and app containers that do not): info naming it', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: installer, namespace: kube-system}
spec:
  selector: {matchLabels: {app: installer}}
  template:
    metadata: {labels: {app: installer}}
    spec:
      initContainers:
        - name: tune
          image: busybox:1.36
        - name: install
          image: installer:1.2
          resources: {requests: {cpu: 150m}}
      containers:
        - name: pause
          image: registry.k8s.io/pause:3.9
`,
      [
        {
          line: 10,
          container: 'tune',
          severity: 'info',
          message: /^init container "tune" has no CPU request: it runs within the 150m CPU the scheduler reserves for the pod because init container "install" requests it \(a pod reserves its largest init container's request\)/,
        },
        { line: 16, container: 'pause', severity: 'error', message: 'container "pause" has no CPU request' },
      ],
    );
  });

  it('is info, naming the LimitRange, its value and field, when a LimitRange default fills the request in at admission', () => {
    const cases: [string, RegExp, number][] = [
      ['defaultRequest: {cpu: 100m}', /LimitRange "defaults" in namespace shop sets 100m at admission$/, 7],
      ['default: {cpu: 500m}', /sets 500m at admission \(its default limit, as it sets no defaultRequest\)$/, 7],
      ['max: {cpu: "2"}', /sets 2 at admission \(its max, as it sets no defaultRequest or default\)$/, 7],
      ['min: {cpu: 50m}', /sets 50m at admission \(its min, as it sets no defaultRequest or default\)$/, 7],
    ];
    for (const [item, message, relatedLine] of cases) {
      const [f] = expectFindings(
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
        [{ line: 16, container: 'app', severity: 'info', message: /^container "app" has no CPU request in the manifest; / }],
      );
      assert.match(f.message, message);
      assert.equal(f.related.length, 1);
      assert.equal(f.related[0].object.kind, 'LimitRange');
      assert.equal(f.related[0].location.line, relatedLine);
      assert.match(f.related[0].field, /^spec\.limits\[0\]\.(defaultRequest|default|max|min)\.cpu$/);
    }
  });

  it('does not mention a CPU-utilization HPA when a LimitRange fills the request in (the HPA can compute utilization)', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1.0
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
`,
      [{ line: 16, severity: 'info', message: /^container "api" has no CPU request in the manifest; LimitRange "defaults" in namespace shop sets 100m at admission$/ }],
    );
  });

  it('says when several LimitRanges set different defaults, and relates every one', () => {
    const [f] = expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: small, namespace: shop}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
apiVersion: v1
kind: LimitRange
metadata: {name: large, namespace: shop}
spec:
  limits:
    - type: Pod
      max: {cpu: "8"}
    - type: Container
      defaultRequest: {cpu: 250m}
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
      [{ line: 26, severity: 'info', message: 'LimitRanges "small" (100m), "large" (250m) in namespace shop set different defaults and one of them applies at admission' }],
    );
    assert.deepEqual(
      f.related.map((r) => [r.object.name, r.location.line, r.field]),
      [
        ['small', 7, 'spec.limits[0].defaultRequest.cpu'],
        ['large', 17, 'spec.limits[1].defaultRequest.cpu'],
      ],
    );
  });

  it('says "LimitRanges ... set" once when several agree', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: a, namespace: shop}
spec:
  limits: [{type: Container, defaultRequest: {cpu: 100m}}]
---
apiVersion: v1
kind: LimitRange
metadata: {name: b, namespace: shop}
spec:
  limits: [{type: Container, default: {cpu: 0.1}}]
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers: [{name: a, image: nginx:1.27}]
`,
      [{ line: 17, severity: 'info', message: /LimitRanges "a", "b" in namespace shop set 100m at admission$/ }],
    );
  });

  it('is silent when the LimitRange default or the container resources are templated', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: "{{ .Values.cpu }}"}
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
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tpl}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
          resources: "\${RESOURCES}"
`,
    );
  });

  it('fires as an error for a namespace-less workload when the namespace-less LimitRange sits in another folder', () => {
    const loaded = [
      loadText(`apiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults}\nspec:\n  limits: [{type: Container, defaultRequest: {cpu: 100m}}]\n`, 'other-app/lr.yaml', loadPlan([check])),
      loadText(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27}]\n`, 'app/pod.yaml', loadPlan([check])),
    ];
    const r = audit({ resources: loaded.flatMap((l) => l.resources), problems: [] }, { checks: [check] });
    const fs = r.verdicts.flatMap((v) => v.findings);
    assert.equal(fs.length, 1);
    assert.equal(fs[0].severity, 'error');
    assert.equal(fs[0].message, 'container "a" has no CPU request');
    // Same folder: the LimitRange applies.
    const same = [
      loadText(`apiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults}\nspec:\n  limits: [{type: Container, defaultRequest: {cpu: 100m}}]\n`, 'app/lr.yaml', loadPlan([check])),
      loadText(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27}]\n`, 'app/pod.yaml', loadPlan([check])),
    ];
    const r2 = audit({ resources: same.flatMap((l) => l.resources), problems: [] }, { checks: [check] });
    const f2 = r2.verdicts.flatMap((v) => v.findings);
    assert.equal(f2.length, 1);
    assert.equal(f2[0].severity, 'info');
    assert.match(f2[0].message, /LimitRange "defaults" in namespace default sets 100m at admission/);
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

  it('does not throw on partial objects; a patch without images is not audited as a workload', () => {
    const odd = `apiVersion: apps/v1
kind: Deployment
metadata: {name: odd}
spec:
  template:
    spec:
      containers:
        - name: a
          image: a:1
          resources: oops
        - name: b
          image: b:1
          resources: {requests: null, limits: [1, 2]}
        - name: c
          image: c:1
          resources: {requests: {cpu: null}}
`;
    expectFindings(check, odd, [
      { line: 10, container: 'a' },
      { line: 13, container: 'b' },
      { line: 16, container: 'c' },
    ]);
    expectNone(check, odd.replace(/ {10}image: .*\n/g, ''));
  });
});
