import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/hpa-min-equals-max.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('hpa-min-equals-max', () => {
  it('fires when minReplicas equals maxReplicas, pointing at maxReplicas', () => {
    expectFindings(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 3
`,
      [{ line: 7, severity: 'warning', object: 'web', message: 'minReplicas is 3 and maxReplicas is 3: the HPA never scales, the workload stays at 3 replicas' }],
    );
  });

  it('fires on maxReplicas: 1 without minReplicas (defaults to 1), also in autoscaling/v1', () => {
    expectFindings(
      check,
      `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 1
  targetCPUUtilizationPercentage: 80
`,
      [{ line: 6, message: 'minReplicas is not set (defaults to 1) and maxReplicas is 1: the HPA never scales, the workload stays at 1 replica' }],
    );
  });

  it('is silent when the HPA has room to scale', () => {
    expectNone(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: b}
  maxReplicas: 2
`,
    );
  });

  it('is silent (and total) on partial or templated values', () => {
    expectNone(
      check,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: templated}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: t}
  minReplicas: "{{ .Values.hpa.min }}"
  maxReplicas: 1
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: strings}
spec:
  minReplicas: "3"
  maxReplicas: "3"
  metrics: null
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: no-max}
spec:
  minReplicas: 1
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: no-spec}
`,
    );
  });
});
