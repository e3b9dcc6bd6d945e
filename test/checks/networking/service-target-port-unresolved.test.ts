import { describe, it } from 'node:test';
import check from '../../../src/checks/networking/service-target-port-unresolved.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
        - name: app
          image: web:1
          ports:
            - {name: web, containerPort: 8080}
`;

describe('service-target-port-unresolved', () => {
  it('fires when a named targetPort matches no container port of the selected workload', () => {
    expectFindings(
      check,
      `${deployment}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: http
`,
      [{ line: 23, severity: 'error', message: 'Deployment "web" (declares "web")' }],
    );
  });

  it('is silent when the name exists, for numeric targetPorts, other namespaces and unmatched selectors', () => {
    expectNone(
      check,
      `${deployment}---
apiVersion: v1
kind: Service
metadata: {name: ok, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {port: 80, targetPort: web}
    - {port: 81, targetPort: 9090}
    - {port: 82}
---
apiVersion: v1
kind: Service
metadata: {name: other-ns, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: shop}
spec:
  ports: [{port: 80, targetPort: http}]
`,
    );
  });

  it('skips a targetPort the API server rejects as a port name (a docs placeholder), keeps a valid unknown name', () => {
    expectFindings(
      check,
      `${deployment}---
apiVersion: v1
kind: Service
metadata: {name: placeholder, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {name: a, port: 80, targetPort: PORT}
    - {name: b, port: 81, targetPort: my_port}
    - {name: c, port: 82, targetPort: a-very-long-port-name}
    - {name: d, port: 83, targetPort: -web}
    - {name: e, port: 84, targetPort: 123-456}
    - {name: f, port: 85, targetPort: metrics-2}
`,
      [{ line: 26, message: 'targetPort "metrics-2" of port f matches no container port name' }],
    );
  });
});
