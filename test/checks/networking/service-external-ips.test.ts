import { describe, it } from 'node:test';
import check from '../../../src/checks/networking/service-external-ips.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('service-external-ips', () => {
  it('fires on spec.externalIPs', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports: [{port: 53}]
  externalIPs:
    - 8.8.8.8
`,
      [{ line: 6, severity: 'warning', message: 'CVE-2020-8554' }],
    );
  });

  it('is silent without externalIPs or with an empty list', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  externalIPs: []
---
apiVersion: v1
kind: Service
metadata: {name: t}
spec:
  externalIPs: "1.2.3.4"
`,
    );
  });
});
