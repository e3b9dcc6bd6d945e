import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import check from '../../../src/checks/resources/memory-limit-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('memory-limit-missing', () => {
  it('fires on a container without limits, pointing at its "- name:" line', () => {
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
`,
      [{ line: 9, container: 'app', message: 'no memory limit' }],
    );
  });

  it('points at the limits: line when limits exist without memory', () => {
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
            limits:
              cpu: 500m
`,
      [{ line: 11 }],
    );
  });

  it('covers native sidecars and CronJobs, not only containers', () => {
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
            - name: proxy
              image: envoy:v1.31
              restartPolicy: Always
          containers:
            - name: job
              image: busybox:1.36
              resources: {limits: {memory: 64Mi}}
`,
      [{ line: 12, container: 'proxy' }],
    );
  });

  it('is silent when every container has a memory limit', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      resources: {limits: {memory: 128Mi}}
`,
    );
  });

  it('is silent on objects without a pod template and on CRD schemas', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {containers: "x"}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions: []
`,
    );
  });

  it('is info when a LimitRange in the same namespace fills the limit in; the request default is not a limit', () => {
    const [f] = expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      default: {memory: 512Mi}
      defaultRequest: {memory: 256Mi}
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
apiVersion: v1
kind: LimitRange
metadata: {name: req-only, namespace: other}
spec:
  limits:
    - type: Container
      defaultRequest: {memory: 256Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: other}
spec:
  containers:
    - name: a
      image: nginx:1.27
`,
      [
        { line: 17, container: 'app', severity: 'info', message: 'container "app" has no memory limit in the manifest; LimitRange "defaults" in namespace shop sets 512Mi at admission' },
        { line: 33, container: 'a', severity: 'error', message: /^container "a" has no memory limit$/ },
      ],
    );
    assert.equal(f.related.length, 1);
    assert.equal(f.related[0].object.name, 'defaults');
    assert.equal(f.related[0].field, 'spec.limits[0].default.memory');
    assert.equal(f.related[0].location.line, 7);
  });

  it('is silent with a pod-level memory limit, templated resources, or a templated LimitRange default', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources: {limits: {memory: 1Gi}}
  containers:
    - name: a
      image: nginx:1.27
    - name: b
      image: nginx:1.27
      resources:
        limits: "{{ .Values.limits }}"
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: t}
spec:
  limits: [{type: Container, default: {memory: "\${MEM}"}}]
---
apiVersion: v1
kind: Pod
metadata: {name: q, namespace: t}
spec:
  containers: [{name: a, image: nginx:1.27}]
`,
    );
  });

  it('a namespace-less LimitRange from another folder does not apply to a workload naming the default namespace (unless -n is given)', () => {
    const plan = loadPlan([check]);
    const lr = loadText(`apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\nspec:\n  limits: [{type: Container, default: {memory: 1Gi}}]\n`, 'other-project/lr.yaml', plan);
    const pod = (ns: string) => loadText(`apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${ns}}\nspec:\n  containers: [{name: a, image: nginx:1.27}]\n`, 'app/pod.yaml', plan);
    const run = (resources: typeof lr.resources, namespace?: string) =>
      audit({ resources, problems: [] }, { checks: [check], namespace }).verdicts.flatMap((v) => v.findings.map((f) => `${f.severity}: ${f.message}`));
    assert.deepEqual(run([...lr.resources, ...pod('default').resources]), ['error: container "a" has no memory limit']);
    // Same folder: applied together.
    const near = loadText(`apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\nspec:\n  limits: [{type: Container, default: {memory: 1Gi}}]\n`, 'app/lr.yaml', plan);
    assert.deepEqual(run([...near.resources, ...pod('default').resources]), ['info: container "a" has no memory limit in the manifest; LimitRange "lr" in namespace default sets 1Gi at admission']);
    // -n shop: the namespace-less LimitRange lands in shop, like the workload.
    assert.deepEqual(run([...lr.resources, ...pod('shop').resources], 'shop'), ['info: container "a" has no memory limit in the manifest; LimitRange "lr" in namespace shop sets 1Gi at admission']);
  });
});

describe('memory-limit-missing: a heap set on the command line or in the environment', () => {
  it('says how large the limit must be: the heap plus room for non-heap memory (256 MiB or a quarter of the heap)', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          image: node:20
          env: [{name: NODE_OPTIONS, value: "--max-old-space-size=4096"}]
        - name: jvm
          image: eclipse-temurin:21
          args: ["java", "-Xmx512m", "-jar", "app.jar"]
        - name: plain
          image: nginx:1.27
`;
    expectFindings(check, yaml, [
      { line: 8, container: 'web', message: 'container "web" has no memory limit; it sets --max-old-space-size=4096 (4Gi, in env NODE_OPTIONS), so the limit must be above that heap with room for non-heap memory: at least 5Gi' },
      { line: 11, container: 'jvm', message: 'container "jvm" has no memory limit; it sets -Xmx512m (512Mi), so the limit must be above that heap with room for non-heap memory: at least 768Mi' },
      { line: 14, container: 'plain', message: /^container "plain" has no memory limit$/ },
    ]);
  });
});
