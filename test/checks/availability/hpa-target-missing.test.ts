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
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
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
    apiVersion: apps/v1
    kind: Deployment
    name: api
  maxReplicas: 4
  targetCPUUtilizationPercentage: 70
`,
      [{ line: 16, message: 'scaleTargetRef names Deployment "api"' }],
    );
  });

  it('fires, certain, when scaleTargetRef has no apiVersion or names the wrong group, even with the target in the input', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef:
    kind: Deployment
    name: web
  maxReplicas: 4
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web2}
spec:
  scaleTargetRef: {apiVersion: extensions/v1beta1, kind: Deployment, name: web}
  maxReplicas: 4
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ro}
spec:
  scaleTargetRef: {kind: Rollout, name: api}
  maxReplicas: 4
`,
      [
        { line: 13, object: 'web', unknown: null, message: 'scaleTargetRef has no apiVersion, so the HPA controller looks for kind Deployment in the core group (""), which has no such kind: it reports FailedGetScale (no matches for kind "Deployment") and never scales Deployment "web"; set scaleTargetRef.apiVersion: apps/v1 (the Kubernetes 1.37 API server refuses it outright: spec.scaleTargetRef.apiVersion: Invalid value: "": apiVersion must specify API group; older ones accept it)' },
        { line: 22, object: 'web2', unknown: null, message: 'scaleTargetRef.apiVersion "extensions/v1beta1" makes the HPA controller look for kind Deployment in group "extensions", which has no such kind' },
        { line: 29, object: 'ro', unknown: null, message: 'set scaleTargetRef.apiVersion to the group and version that serve the kind' },
      ],
    );
  });

  it('is silent on a ReplicationController without apiVersion (core group), and on a version other than the preferred one (only the group counts)', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: web:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: rc}
spec:
  scaleTargetRef: {kind: ReplicationController, name: rc}
  maxReplicas: 4
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1beta2, kind: Deployment, name: web}
  maxReplicas: 4
`,
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
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: 42}
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
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: "{{ include \\"app.fullname\\" . }}"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: e}
spec: null
`,
    );
  });
});
