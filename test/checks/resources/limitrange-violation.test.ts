import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/limitrange-violation.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const limitRange = `apiVersion: v1
kind: LimitRange
metadata: {name: team-limits, namespace: team}
spec:
  limits:
    - type: Container
      max: {cpu: "2", memory: 2Gi}
      min: {memory: 64Mi}
      default: {cpu: "1", memory: 512Mi}
      defaultRequest: {cpu: 100m, memory: 256Mi}
      maxLimitRequestRatio: {cpu: "4"}
---
`;

describe('limitrange-violation', () => {
  it('fires on limits above max, requests below min, and limit/request ratios above the maximum', () => {
    expectFindings(
      check,
      `${limitRange}apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  template:
    spec:
      containers:
        - name: big
          image: app:1
          resources:
            limits: {memory: 4Gi}
        - name: tiny
          image: app:1
          resources:
            requests: {memory: 32Mi}
        - name: bursty
          image: app:1
          resources:
            requests: {cpu: 100m}
            limits: {cpu: "1"}
`,
      [
        { line: 23, container: 'big', message: 'container "big" has a memory limit of 4Gi, above the maximum 2Gi of LimitRange "team-limits": pods are rejected at admission' },
        { line: 27, container: 'tiny', message: 'has a memory request of 32Mi, below the minimum 64Mi of LimitRange "team-limits"' },
        { line: 32, container: 'bursty', message: 'a ratio of 10 above the maxLimitRequestRatio 4' },
      ],
    );
  });

  it('applies LimitRange defaults when computing the ratio (written request, default limit)', () => {
    expectFindings(
      check,
      `${limitRange}apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  initContainers:
    - name: init
      image: x:1
      resources: {requests: {cpu: 50m}}
  containers:
    - name: app
      image: x:1
`,
      [{ line: 20, container: 'init', message: 'cpu limit of 1 (default from LimitRange "team-limits") and a request of 50m, a ratio of 20' }],
    );
  });

  it('is silent within bounds, in other namespaces, and when only LimitRange defaults are involved', () => {
    expectNone(
      check,
      `${limitRange}apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  template:
    spec:
      containers:
        - name: ok
          image: app:1
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {cpu: "2", memory: 2Gi}
        - name: defaults
          image: app:1
        - name: limit-only
          image: app:1
          resources: {limits: {cpu: "2", memory: 128Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: elsewhere, namespace: other}
spec:
  template:
    spec:
      containers:
        - name: big
          image: app:1
          resources: {limits: {memory: 64Gi}}
`,
    );
  });

  it('does not throw on a malformed LimitRange', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: broken}
spec:
  limits:
    - type: Container
      max: "2Gi"
      min: {memory: lots}
    - "junk"
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
      resources: {limits: {memory: 1Gi}}
`,
    );
  });
});
