import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/resource-request-above-limit.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('resource-request-above-limit', () => {
  it('fires when a request is above the limit, comparing across units', () => {
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
              cpu: "1.5"
              memory: 2Gi
            limits:
              cpu: 1000m
              memory: 2048Mi
`,
      [{ line: 12, container: 'app', message: 'container "app" requests cpu 1.5 but its limit is 1000m (1500m > 1): the API server rejects it' }],
    );
  });

  it('fires on init containers too and names the resource', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: fetch
          image: curl:8
          resources:
            requests: {memory: 1Gi, ephemeral-storage: 2Gi}
            limits: {memory: 512Mi, ephemeral-storage: 4Gi}
      containers:
        - name: job
          image: busybox:1.36
`,
      [{ line: 12, container: 'fetch', message: 'requests memory 1Gi but its limit is 512Mi' }],
    );
  });

  it('fires when a LimitRange default limit is below the written request', () => {
    expectFindings(
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
          image: app:1
          resources:
            requests: {memory: 1Gi}
`,
      [{ line: 20, container: 'app', message: 'its limit is 512Mi (default from LimitRange "defaults")' }],
    );
  });

  it('is silent for request = limit, request only, invalid quantities and odd shapes', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      resources:
        requests: {cpu: "1", memory: 1Gi}
        limits: {cpu: 1000m, memory: 1073741824}
    - name: b
      image: nginx:1.27
      resources:
        requests: {cpu: "8", memory: 8Gi}
    - name: c
      image: nginx:1.27
      resources:
        requests: {memory: 2GB}
        limits: {memory: 1Gi}
    - name: d
      image: nginx:1.27
      resources:
        requests: [cpu]
        limits: "1"
`,
    );
  });
});
