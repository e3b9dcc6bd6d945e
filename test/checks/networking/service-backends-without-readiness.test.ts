import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/service-backends-without-readiness.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-14; the container starts on line 10.
const deploy = (container: string, kind = 'Deployment', podExtra = '') => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
${podExtra}      containers:
        - name: app
          image: "web:1"
${container}
---
`;

// The Service starts on line 14 (with no podExtra); spec.selector on line 18.
const svc = (ports = '[{port: 80, targetPort: 8080}]', extra = '') => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: ${ports}
${extra}`;

const probe = '          readinessProbe: {httpGet: {path: /ready, port: 8080}}';

describe('service-backends-without-readiness', () => {
  it('warns when the container serving the target port has no readiness probe, naming workload and container', () => {
    const found = expectFindings(check, deploy('          ports: [{containerPort: 8080}]') + svc(), [
      {
        line: 18,
        severity: 'warning',
        object: 'web',
        message: 'selects Deployment "web" container "app" (port 8080) without a readinessProbe',
      },
    ]);
    assert.equal(found[0].related.length, 1);
    assert.equal(found[0].related[0].field, 'spec.template.spec.containers[0].readinessProbe');
    assert.equal(found[0].related[0].location.line, 10);
  });

  it('resolves named target ports and the default (targetPort unset) to the declaring container', () => {
    expectFindings(check, deploy('          ports: [{name: http, containerPort: 8080}]') + svc('[{port: 80, targetPort: http}]'), [
      { line: 18, message: 'container "app" (port "http")' },
    ]);
    expectFindings(check, deploy('          ports: [{containerPort: 80}]') + svc('[{port: 80}]'), [{ line: 18, message: '(port 80)' }]);
  });

  it('takes the only container when the target port is not declared, and only then', () => {
    expectFindings(check, deploy('          ports: []') + svc(), [{ line: 18, message: 'container "app" (port 8080)' }]);
    const two = deploy('          ports: []\n        - name: helper\n          image: "helper:1"');
    expectNone(check, two + svc());
    // The only container idles (a pod kept for its DNS name behind a headless Service): nothing serves the port.
    expectNone(check, deploy('          command: [sleep, "3600"]') + svc('[{port: 1234}]', '  clusterIP: None\n'));
  });

  it('looks at the serving container only: a probe on another container does not gate it', () => {
    const sidecarProbe = deploy(`          ports: [{containerPort: 8080}]
        - name: metrics
          image: "exporter:1"
          ports: [{containerPort: 9100}]
          readinessProbe: {tcpSocket: {port: 9100}}`);
    expectFindings(check, sidecarProbe + svc(), [{ message: 'container "app" (port 8080)' }]);
  });

  it('is silent with a readiness or startup probe, readinessGates, Jobs, and publishNotReadyAddresses', () => {
    expectNone(check, deploy(`          ports: [{containerPort: 8080}]\n${probe}`) + svc());
    expectNone(check, deploy('          ports: [{containerPort: 8080}]\n          startupProbe: {tcpSocket: {port: 8080}}') + svc());
    expectNone(check, deploy('          ports: [{containerPort: 8080}]', 'Deployment', '      readinessGates: [{conditionType: "target-health.elbv2.k8s.aws/web"}]\n') + svc());
    const job = deploy('          ports: [{containerPort: 8080}]', 'Job').replace('apps/v1', 'batch/v1');
    expectNone(check, job + svc());
    const headless = svc('[{port: 8080}]', '  clusterIP: None\n  publishNotReadyAddresses: true\n');
    expectNone(check, deploy('          ports: [{containerPort: 8080}]', 'StatefulSet') + headless);
    const tolerate = svc().replace('namespace: shop}', 'namespace: shop, annotations: {service.alpha.kubernetes.io/tolerate-unready-endpoints: "true"}}');
    expectNone(check, deploy('          ports: [{containerPort: 8080}]') + tolerate);
    expectNone(check, deploy('          ports: [{containerPort: 8080}]') + svc('[{name: http-metrics, port: 8080}]'));
  });

  it('still fires for a headless Service that publishes only ready pods (DNS returns them as soon as they start)', () => {
    expectFindings(check, deploy('          ports: [{containerPort: 8080}]', 'StatefulSet') + svc('[{port: 8080}]', '  clusterIP: None\n'), [
      { line: 18, message: 'StatefulSet "web" container "app"' },
    ]);
  });

  it('is silent when nothing is selected or the Service has no selector', () => {
    expectNone(check, deploy('          ports: [{containerPort: 8080}]') + svc().replace('{app: web}', '{app: api}'));
    expectNone(check, deploy('          ports: [{containerPort: 8080}]') + svc().replace('  selector: {app: web}\n', ''));
  });
});

describe('service-backends-without-readiness: many backends', () => {
  it('names five workloads, counts the rest, and keeps ten related objects', () => {
    const dep = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api-${i}, namespace: shop}
spec:
  replicas: 2
  template:
    metadata: {labels: {tier: api}}
    spec:
      containers: [{name: app, image: api:1, ports: [{containerPort: 8080}]}]
---
`;
    const svc = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {tier: api}
  ports: [{port: 80, targetPort: 8080}]
`;
    const yaml = Array.from({ length: 12 }, (_, i) => dep(i)).join('') + svc;
    const [f] = expectFindings(check, yaml, [{ message: 'and 7 more workloads without a readinessProbe' }]);
    assert.equal(f.related.length, 10);
  });

  describe('precision (a review of the corpus)', () => {
    it('UDP ports are not reported (no UDP probe exists); a TCP port beside them is', () => {
      const container = '          ports: [{containerPort: 5353, protocol: UDP}, {containerPort: 8080}]';
      expectNone(check, deploy(container) + svc('[{port: 53, targetPort: 5353, protocol: UDP}]'));
      expectFindings(check, deploy(container) + svc('[{port: 53, targetPort: 5353, protocol: UDP}, {port: 80, targetPort: 8080}]'), [
        { message: 'selects Deployment "web" container "app" (port 8080) without a readinessProbe' },
      ]);
    });

    it('in a mixed Service, a metrics port (an exporter sidecar) is not reported; the traffic port still is', () => {
      const pod = `          ports: [{name: amqp, containerPort: 5672}]
        - name: exporter
          image: "rabbitmq-exporter:1"
          ports: [{name: exporter, containerPort: 9090}]`;
      const found = expectFindings(check, deploy(pod) + svc('[{name: amqp, port: 5672, targetPort: amqp}, {name: exporter, port: 9090, targetPort: exporter}]'), [
        { message: 'selects Deployment "web" container "app" (port "amqp") without a readinessProbe' },
      ]);
      assert.doesNotMatch(found[0].message, /exporter/);
    });

    it("another container's readiness or startup probe on the served port gates the pod; on another port it does not", () => {
      const sidecar = (port: number) => `          ports: [{containerPort: 8000}]
        - name: proxy
          image: "proxy:1"
          readinessProbe: {httpGet: {path: /health, port: ${port}}}`;
      expectNone(check, deploy(sidecar(8000)) + svc('[{port: 80, targetPort: 8000}]'));
      expectFindings(check, deploy(sidecar(9901)) + svc('[{port: 80, targetPort: 8000}]'), [{ message: 'container "app" (port 8000) without a readinessProbe' }]);
    });

    it('a headless Service whose every port a ServiceMonitor of the input scrapes is a metrics Service, whatever its port names', () => {
      const ports = '[{name: https-main, port: 8443, targetPort: 8080}, {name: https-self, port: 9443, targetPort: 8080}]';
      const monitor = (endpoints: string) => `---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: ${endpoints}
`;
      const labelled = svc(ports, '  clusterIP: None\n').replace('metadata: {name: web, namespace: shop}', 'metadata: {name: web, namespace: shop, labels: {app: web}}');
      const base = deploy('          ports: [{containerPort: 8080}]') + labelled;
      expectNone(check, base + monitor('[{port: https-main}, {port: https-self}]'));
      // One port the monitor does not scrape: clients may use it.
      expectFindings(check, base + monitor('[{port: https-main}]'), [{ message: 'container "app" (port 8080) without a readinessProbe' }]);
      // Not headless: clients may connect through it (an app serving its metrics on its traffic port).
      expectFindings(check, deploy('          ports: [{containerPort: 8080}]') + labelled.replace('  clusterIP: None\n', '') + monitor('[{port: https-main}, {port: https-self}]'), [{ message: 'without a readinessProbe' }]);
      // A monitor selecting other Services says nothing about this one.
      expectFindings(check, base + monitor('[{port: https-main}, {port: https-self}]').replace('{app: web}}', '{app: other}}'), [{ message: 'without a readinessProbe' }]);
    });
  });
});

describe('service-backends-without-readiness: what a rollout means for the backend kind', () => {
  it('mentions rollouts for a Deployment; for a ReplicationController (no rollouts) it names restarts and scale-ups', () => {
    expectFindings(check, deploy('          ports: [{containerPort: 8080}]') + svc(), [{ message: /\(refused or failed during start-up and every rollout\)$/ }]);
    const rc = deploy('          ports: [{containerPort: 8080}]', 'ReplicationController').replace('apiVersion: apps/v1', 'apiVersion: v1');
    expectFindings(check, rc + svc(), [{ message: /\(refused or failed during start-up, restarts and scale-ups\)$/ }]);
  });
});
