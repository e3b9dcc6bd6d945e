import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/memory-quantity-too-small.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('memory-quantity-too-small', () => {
  it('fires on "m" (milli) and bare-number memory quantities: limits as errors, requests as warnings', () => {
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
              memory: 512
            limits:
              memory: 512m
`,
      [
        { line: 12, container: 'app', severity: 'warning', message: 'container "app" sets requests.memory to 512, which is 512 bytes; did you mean 512Mi?' },
        { line: 14, container: 'app', severity: 'error', message: 'sets limits.memory to 512m, which is 0.512 bytes ("m" means milli); did you mean 512Mi?' },
      ],
    );
  });

  it('is silent on real sizes, zero, CPU millicores and invalid quantities', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
      resources:
        requests: {cpu: 500m, memory: 1Mi}
        limits: {cpu: 1m, memory: 1073741824}
    - name: b
      image: x:1
      resources:
        requests: {memory: "0"}
        limits: {memory: 1XB}
`,
    );
  });
});
