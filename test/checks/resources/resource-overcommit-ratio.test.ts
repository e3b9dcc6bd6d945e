import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/resource-overcommit-ratio.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('resource-overcommit-ratio', () => {
  it('fires separately for memory and CPU above the default ratios, at the limit', () => {
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
          image: app:1
          resources:
            requests:
              cpu: 100m
              memory: 256Mi
            limits:
              cpu: "1"
              memory: 1Gi
        - name: fine
          image: app:1
          resources:
            requests: {cpu: 500m, memory: 512Mi}
            limits: {cpu: "2", memory: 1Gi}
`,
      [
        { line: 15, container: 'app', message: 'CPU limit of 1, 10x its request of 100m (max 4x; the request would need to be at least 250m)', severity: 'warning' },
        { line: 16, container: 'app', message: 'memory limit of 1Gi, 4x its request of 256Mi (max 2x' },
      ],
    );
  });

  it('a ratio just above the maximum is not rounded down to it ("2.05x", not "2x (max 2x)")', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: app:1
      resources:
        requests: {memory: 220Mi}
        limits: {memory: 450Mi}
`,
      [{ line: 10, message: 'memory limit of 450Mi, 2.05x its request of 220Mi (max 2x;' }],
    );
  });

  it('uses the configured ratios', () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      resources:
        requests: {memory: 512Mi}
        limits: {memory: 768Mi}
`;
    expectNone(check, yaml);
    expectFindings(check, yaml, [{ line: 10, message: '1.5x its request' }], { params: { memoryMaxRatio: 1.2 } });
  });

  it('takes a LimitRange default limit into account, but not a pair that comes only from the LimitRange', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits:
    - type: Container
      default: {memory: 4Gi}
      defaultRequest: {memory: 256Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      resources:
        requests: {memory: 1Gi}
    - name: b
      image: nginx:1.27
`,
      [{ line: 18, container: 'a', message: 'memory limit of 4Gi (default from LimitRange "lr"), 4x its request of 1Gi' }],
    );
  });

  it('checks only memory on batch workloads', () => {
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
          containers:
            - name: job
              image: x:1
              resources:
                requests: {cpu: 100m, memory: 128Mi}
                limits: {cpu: "2", memory: 1Gi}
`,
      [{ line: 16, container: 'job', message: 'memory limit of 1Gi, 8x' }],
    );
  });

  it('is silent on limit-only containers (request = limit), init containers, zero and tiny requests', () => {
    expectNone(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: warm
          image: x:1
          resources: {requests: {memory: 64Mi}, limits: {memory: 1Gi}}
      containers:
        - name: a
          image: x:1
          resources: {limits: {cpu: "4", memory: 4Gi}}
        - name: b
          image: x:1
          resources: {requests: {cpu: "0"}, limits: {cpu: "2"}}
        - name: c
          image: x:1
          resources: {requests: {memory: 512m}, limits: {memory: 1Gi}}
`,
    );
  });
});
