import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/hpa-vpa-conflict.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

/** Audit several files (one folder per path prefix) with this check alone. */
function auditFiles(files: Record<string, string>) {
  const plan = loadPlan([check]);
  const resources = Object.entries(files).flatMap(([file, text]) => loadText(text, file, plan).resources);
  return audit({ resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: example.com/web:1
          resources: {requests: {cpu: 250m, memory: 256Mi}}
        - name: proxy
          image: example.com/proxy:1
          resources: {requests: {cpu: 50m, memory: 64Mi}}
`;

const HPA_CPU = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
`;

describe('hpa-vpa-conflict', () => {
  it('fires on a cpu utilization HPA and a VPA with the default mode and resources, with the VPA as related', () => {
    const found = expectFindings(
      check,
      `${DEPLOYMENT}---
${HPA_CPU}---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web-vpa, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
`,
      [
        {
          line: 27,
          object: 'web',
          severity: 'error',
          message:
            'the HPA scales Deployment "web" on cpu utilization (metrics[0]), and VerticalPodAutoscaler "web-vpa" (no updateMode: Recreate by default) also sets the cpu requests of containers "app", "proxy": utilization is usage divided by those requests',
        },
      ],
    );
    assert.equal(found[0].related[0]?.object.name, 'web-vpa');
    assert.equal(found[0].related[0]?.note, 'sets cpu requests');
    assert.equal(found[0].related[0]?.location.line, 34);
  });

  it('fires on a ContainerResource memory metric for the container the VPA controls, per container policy', () => {
    expectFindings(
      check,
      `${DEPLOYMENT}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  metrics:
    - type: ContainerResource
      containerResource:
        name: memory
        container: app
        target: {type: Utilization, averageUtilization: 80}
    - type: ContainerResource
      containerResource:
        name: cpu
        container: proxy
        target: {type: Utilization, averageUtilization: 80}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: InPlaceOrRecreate}
  resourcePolicy:
    containerPolicies:
      - containerName: "*"
        controlledResources: [memory]
      - containerName: proxy
        mode: "Off"
`,
      [{ line: 26, message: 'on memory utilization of container "app" (metrics[0]), and VerticalPodAutoscaler "web" (updateMode InPlaceOrRecreate) also sets the memory requests of container "app"' }],
    );
  });

  it('fires on the default 80% CPU of an HPA without metrics, and on autoscaling/v1, also in Initial mode', () => {
    expectFindings(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 5
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: worker}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: api}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  updatePolicy: {updateMode: Initial}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: worker}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  resourcePolicy:
    containerPolicies:
      - {containerName: "*", controlledResources: [cpu, memory]}
`,
      [
        { line: 4, object: 'api', message: 'on the default 80% CPU utilization (no metrics), and VerticalPodAutoscaler "api" (updateMode Initial) also sets the cpu requests of its containers' },
        { line: 14, object: 'worker', message: 'on targetCPUUtilizationPercentage 60' },
      ],
    );
  });

  it('is silent for Off mode, a memory-only VPA with a cpu HPA, custom metrics, AverageValue and container mode Off', () => {
    expectNone(
      check,
      `${DEPLOYMENT}---
${HPA_CPU}---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: vpa-off, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: "Off"}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: memory-only, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  resourcePolicy:
    containerPolicies:
      - {containerName: "*", controlledResources: [memory]}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: containers-off, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  resourcePolicy:
    containerPolicies:
      - {containerName: app, mode: "Off"}
      - {containerName: proxy, controlledResources: [memory]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: queue, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: worker, image: example.com/worker:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: queue, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: queue}
  maxReplicas: 10
  metrics:
    - type: External
      external:
        metric: {name: queue_depth}
        target: {type: AverageValue, averageValue: "30"}
    - type: Pods
      pods:
        metric: {name: cpu}
        target: {type: AverageValue, averageValue: "1"}
    - type: Resource
      resource:
        name: cpu
        target: {type: AverageValue, averageValue: 500m}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: queue, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: queue}
`,
    );
  });

  it('is silent for a VPA of another workload, namespace or folder, a removed VPA version, and odd shapes', () => {
    expectNone(
      check,
      `${DEPLOYMENT}---
${HPA_CPU}---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: other-target, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: other-kind, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: staging}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
---
apiVersion: autoscaling.k8s.io/v1beta2
kind: VerticalPodAutoscaler
metadata: {name: old, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: odd, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: "Recreate"
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: templated, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: "{{ .Values.vpa.mode }}"}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: odd-policies, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  resourcePolicy: {containerPolicies: "all"}
`,
    );
    // Manifests without a namespace: a VPA in another folder is another app's.
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
`;
    const vpa = `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
`;
    assert.equal(runCheck(check, `${hpa}---\n${vpa}`).length, 1, 'same file: deployed together');
    assert.equal(auditFiles({ 'shop/hpa.yaml': hpa, 'shop/vpa.yaml': vpa }).length, 1, 'same folder: deployed together');
    assert.equal(auditFiles({ 'shop/hpa.yaml': hpa, 'blog/vpa.yaml': vpa }).length, 0, 'another folder: another app');
  });

  it('without the pod template, fires on a Resource metric only when every container policy sets the resource', () => {
    expectNone(
      check,
      `${HPA_CPU}---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  resourcePolicy:
    containerPolicies:
      - {containerName: app, mode: "Off"}
`,
    );
    expectFindings(
      check,
      `${HPA_CPU}---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: Recreate}
`,
      [{ line: 11, message: 'also sets the cpu requests of its containers' }],
    );
  });

  it('is silent when the template sets pod-level resources, or the metric names a native sidecar', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      resources: {requests: {cpu: "1"}}
      initContainers:
        - {name: mesh, image: example.com/mesh:1, restartPolicy: Always}
      containers:
        - {name: app, image: example.com/web:1}
---
${HPA_CPU}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-mesh, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
  metrics:
    - type: ContainerResource
      containerResource: {name: memory, container: mesh, target: {type: Utilization, averageUtilization: 80}}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
`,
    );
  });
});
