import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/emptydir-memory-no-size-limit.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('emptydir-memory-no-size-limit', () => {
  it('fires on memory-backed emptyDir volumes without sizeLimit, at the emptyDir line', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: render}
spec:
  template:
    spec:
      containers:
        - name: chrome
          image: chrome:1
          volumeMounts:
            - {name: shm, mountPath: /dev/shm}
      volumes:
        - name: data
          emptyDir: {}
        - name: shm
          emptyDir:
            medium: Memory
        - name: bounded
          emptyDir: {medium: Memory, sizeLimit: 256Mi}
`,
      [{ line: 16, object: 'render', severity: 'warning', message: 'emptyDir volume "shm" is memory-backed (medium: Memory) and has no sizeLimit' }],
    );
  });

  it('covers Jobs and Rollouts, and is silent on disk-backed and odd volumes', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: t
          image: torch:2
      volumes:
        - name: shm
          emptyDir: {medium: Memory, sizeLimit: null}
        - name: cfg
          configMap: {name: c}
        - "junk"
        - name: hp
          emptyDir: {medium: HugePages}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  template:
    spec:
      containers:
        - name: a
          image: a:1
      volumes:
        - name: tmp
          emptyDir: {medium: ""}
`,
      [{ line: 13, object: 'train' }],
    );
  });

  it('is silent without volumes', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
`,
    );
  });
});
