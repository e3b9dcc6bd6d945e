import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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

  it('is info when a LimitRange sets a default (or max) CPU limit; silent with a pod-level limit', () => {
    for (const [item, tail] of [
      ['default: {cpu: "1"}', 'sets 1 at admission'],
      ['max: {cpu: "2"}', 'sets 2 at admission (its max, as it sets no default)'],
    ]) {
      const [f] = expectFindings(
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
        [{ line: 16, container: 'agent', severity: 'info', message: `container "agent" has no CPU limit in the manifest; LimitRange "lr" in namespace team ${tail}` }],
      );
      assert.equal(f.related[0].location.line, 7);
      assert.equal(f.related[0].note, 'default CPU limit filled in at admission');
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

  it('a LimitRange in another namespace has no effect', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: elsewhere}
spec:
  limits: [{type: Container, default: {cpu: "1"}}]
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers:
    - name: a
      image: nginx:1.27
`,
      [{ line: 12, severity: 'error', message: /^container "a" has no CPU limit$/ }],
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
