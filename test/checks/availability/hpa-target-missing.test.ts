import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/hpa-target-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('hpa-target-missing', () => {
  it('fires as unknown when the target is not in the input, pointing at scaleTargetRef.name', () => {
    const found = expectFindings(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
`,
      [{ line: 8, severity: 'warning', object: 'web', message: 'scaleTargetRef names Deployment "web", which is not in namespace "shop" in the input' }],
    );
    assert.equal(found[0].unknown, 'the target Deployment/web is not in the input');
  });

  it('is silent when the target is in the input (same namespace, Deployment and Argo Rollout)', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary, namespace: shop}
spec:
  strategy:
    canary: {steps: [{setWeight: 20}]}
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: canary, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: canary}
  maxReplicas: 10
`,
    );
  });

  it('is silent when the target is a non-workload object in the input (loaded as metadata only)', () => {
    expectNone(
      check,
      `apiVersion: example.com/v1
kind: Scalable
metadata: {name: thing}
spec:
  size: 3
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: thing}
spec:
  scaleTargetRef: {apiVersion: example.com/v1, kind: Scalable, name: thing}
  maxReplicas: 5
`,
    );
  });

  it('fires when the only object of that name is in another namespace, and says so', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: b}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 10
`,
      [{ line: 13, object: 'web', message: 'the input has Deployment/web in namespace "a", but an HPA only targets objects in its own namespace "b"' }],
    );
  });

  it('fires when the kind is wrong (a Deployment reference to an Argo Rollout)', () => {
    expectFindings(
      check,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api}
spec:
  template:
    spec:
      containers: [{name: app, image: api}]
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef:
    kind: Deployment
    name: api
  maxReplicas: 4
  targetCPUUtilizationPercentage: 70
`,
      [{ line: 15, message: 'scaleTargetRef names Deployment "api"' }],
    );
  });

  it('is silent (and total) on malformed or templated references', () => {
    expectNone(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  maxReplicas: 3
  metrics: null
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec:
  scaleTargetRef: {kind: Deployment, name: 42}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: c}
spec:
  scaleTargetRef: "{{ .Values.target }}"
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: d}
spec:
  scaleTargetRef: {kind: Deployment, name: "{{ include \\"app.fullname\\" . }}"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: e}
spec: null
`,
    );
  });
});
