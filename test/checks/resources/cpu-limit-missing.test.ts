import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/cpu-limit-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('cpu-limit-missing', () => {
  it('fires on every container without a CPU limit, at the limits block when there is one', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: mesh
          image: proxy:1
          restartPolicy: Always
      containers:
        - name: app
          image: app:1
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits:
              memory: 256Mi
        - name: ok
          image: app:1
          resources: {limits: {cpu: 500m}}
`,
      [
        { line: 8, container: 'mesh', message: 'sidecar container "mesh" has no CPU limit', severity: 'error' },
        { line: 16, container: 'app', message: 'container "app" has no CPU limit' },
      ],
    );
  });

  it('is an error by default (the checklist asks for limits), also on a bare Pod', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
`,
      [{ line: 6, severity: 'error' }],
    );
  });

  it('is silent when a LimitRange sets a default (or max) CPU limit, or the pod has a pod-level limit', () => {
    for (const item of ['default: {cpu: "1"}', 'max: {cpu: "2"}']) {
      expectNone(
        check,
        `apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: team}
spec:
  limits:
    - type: Container
      ${item}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: team}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: agent:1
`,
      );
    }
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources: {limits: {cpu: "2"}}
  containers:
    - name: a
      image: nginx:1.27
`,
    );
  });

  it('does not treat a LimitRange defaultRequest as a limit', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
`,
      [{ line: 14, container: 'a' }],
    );
  });
});
