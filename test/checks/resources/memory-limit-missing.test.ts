import { describe, it } from 'node:test';
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
});
