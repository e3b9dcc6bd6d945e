import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/service-target-port-undeclared.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-13; the container's ports are on line 11.
const deploy = (ports: string, extra = '', ns = 'namespace: shop') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, ${ns}}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          ports: ${ports}
          image: "web:1"
${extra}---
`;

// The Service starts on line 14; its first port entry is on line 20.
const svc = (ports: string, ns = 'namespace: shop') => `apiVersion: v1
kind: Service
metadata: {name: web, ${ns}}
spec:
  selector: {app: web}
  ports:
${ports}
`;

describe('service-target-port-undeclared', () => {
  it('warns when a numeric targetPort is not among the declared container ports, pointing at targetPort', () => {
    const found = expectFindings(check, deploy('[{containerPort: 3000}]') + svc('    - port: 80\n      targetPort: 8080'), [
      {
        line: 21,
        severity: 'warning',
        message: 'targetPort 8080 of port 80 is not a containerPort of Deployment "web" (container "app": 3000): unless a process listens on 8080 without declaring it',
      },
    ]);
    assert.equal(found[0].related.length, 1);
    assert.equal(found[0].related[0].location.line, 11);
    assert.equal(found[0].related[0].field, 'spec.template.spec.containers[0].ports');
  });

  it('uses port when targetPort is unset, and points at port', () => {
    expectFindings(check, deploy('[{containerPort: 3000}]') + svc('    - name: http\n      port: 8080'), [
      { line: 21, message: 'port "http" (8080) has no targetPort, so it targets pod port 8080, which is not a containerPort of Deployment "web"' },
    ]);
  });

  it('fires with several declared ports when one carries the Service port name under another number', () => {
    expectFindings(check, deploy('[{name: http, containerPort: 3000}, {name: metrics, containerPort: 9090}]') + svc('    - {name: http, port: 80, targetPort: 8080}'), [
      { line: 20, message: '3000 ("http"), 9090 ("metrics")' },
    ]);
  });

  it('is silent when the port is declared, for named targetPorts, and when nothing is declared', () => {
    expectNone(check, deploy('[{containerPort: 8080}]') + svc('    - {port: 80, targetPort: 8080}'));
    expectNone(check, deploy('[{containerPort: 80}]') + svc('    - {port: 80}'));
    expectNone(check, deploy('[{name: http, containerPort: 3000}]') + svc('    - {port: 80, targetPort: http}'));
    expectNone(check, deploy('[]') + svc('    - {port: 80, targetPort: 8080}'));
    // A digits-only string is not a valid port name; nothing to judge.
    expectNone(check, deploy('[{containerPort: 3000}]') + svc('    - {port: 80, targetPort: "8080"}'));
  });

  it('is silent when the container may listen on the port without declaring it', () => {
    // Several ports, none named like the Service port: multi-port servers listen on more.
    expectNone(check, deploy('[{name: web, containerPort: 3000}, {name: metrics, containerPort: 9090}]') + svc('    - {name: grpc, port: 18888, targetPort: 18888}'));
    // The number is in the command line.
    const args = deploy('[{containerPort: 9443}]', '          args: ["--metrics-bind-address=:8443"]\n');
    expectNone(check, args + svc('    - {name: https, port: 8443, targetPort: 8443}'));
    const env = deploy('[{containerPort: 9443}]', '          env: [{name: PORT, value: "8443"}]\n');
    expectNone(check, env + svc('    - {port: 8443}'));
    // Envoy-based gateways listen where their configuration says.
    const envoy = deploy('[{containerPort: 15021}]').replace('name: app', 'name: istio-proxy');
    expectNone(check, envoy + svc('    - {port: 80, targetPort: 8081}'));
    // Unrendered containerPort.
    expectNone(check, deploy('[{containerPort: "{{ .Values.port }}"}]') + svc('    - {port: 80, targetPort: 8080}'));
  });

  it('counts every selected workload and native sidecars, and skips workloads that declare nothing', () => {
    const sidecar = deploy(
      '[{containerPort: 3000}]',
      '      initContainers:\n        - name: proxy\n          image: "proxy:1"\n          restartPolicy: Always\n          ports: [{containerPort: 8080}]\n',
    );
    expectNone(check, sidecar + svc('    - {port: 80, targetPort: 8080}'));
    const other = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "web:2"}]
---
`;
    expectNone(check, other + deploy('[{containerPort: 3000}]') + svc('    - {port: 80, targetPort: 8080}'));
  });

  it('is silent for other namespaces, unselected workloads, and namespace-less manifests in other folders', () => {
    expectNone(check, deploy('[{containerPort: 3000}]') + svc('    - {port: 80, targetPort: 8080}', 'namespace: other'));
    const plan = loadPlan([check]);
    const resources = [
      ...loadText(deploy('[{containerPort: 3000}]', '', 'labels: {}'), 'a/deploy.yaml', plan).resources,
      ...loadText(svc('    - {port: 80, targetPort: 8080}', 'labels: {}'), 'b/svc.yaml', plan).resources,
    ];
    assert.equal(audit({ resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 0);
    const together = [
      ...loadText(deploy('[{containerPort: 3000}]', '', 'labels: {}'), 'a/deploy.yaml', plan).resources,
      ...loadText(svc('    - {port: 80, targetPort: 8080}', 'labels: {}'), 'a/svc.yaml', plan).resources,
    ];
    assert.equal(audit({ resources: together }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 1);
  });
});
