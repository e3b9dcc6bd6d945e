import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/observability/metrics-not-scraped.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

/** Deployment "web" in "shop" with a port named `port` (line 14). */
const web = (port = 'metrics', annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web, tier: front}
${annotations}    spec:
      containers:
        - name: app
          image: example/web:1.0
          ports:
            - {name: http, containerPort: 8080}
            - {name: ${port}, containerPort: 9090}
`;

/** A PodMonitor in "shop" for other pods: monitoring of the namespace is managed in the input. */
const otherMonitor = `---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  podMetricsEndpoints: [{port: metrics}]
`;

describe('metrics-not-scraped', () => {
  it('warns (firm) when monitors manage the namespace but none selects these pods, at the metrics port', () => {
    const found = expectFindings(check, web() + otherMonitor, [
      { line: 14, severity: 'warning', object: 'web', container: 'app', message: 'exposes metrics (port "metrics" (9090) of container "app") but nothing in the input scrapes them' },
    ]);
    assert.equal(found[0].unknown, null);
  });

  it('is unknown when no monitor lives in or names the namespace, firm with --complete', () => {
    const [f] = runCheck(check, web('http-metrics'));
    assert.equal(f.unknown, 'no PodMonitor or ServiceMonitor in the input lives in or names namespace shop');
    const loaded = loadText(web('http-metrics'), 'test.yaml', loadPlan([check]));
    const found = audit({ resources: loaded.resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
    assert.equal(found.length, 1);
    assert.equal(found[0].unknown, null);
    // A cluster-wide monitor (any: true) does not make the namespace "managed".
    const anyMonitor = `---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: all, namespace: monitoring}
spec:
  namespaceSelector: {any: true}
  selector: {matchLabels: {team: infra}}
  endpoints: [{port: metrics}]
`;
    assert.ok(runCheck(check, web() + anyMonitor)[0].unknown);
  });

  it('detects the prometheus.io/port annotation as exposure', () => {
    expectFindings(check, web('admin', '      annotations: {prometheus.io/port: "9090"}\n') + otherMonitor, [
      { line: 8, message: 'exposes metrics (the prometheus.io/port: "9090" annotation)' },
    ]);
  });

  it('detects a Service with a metrics-named port selecting the pods (unnamed container ports, like Argo CD)', () => {
    const metricsSvc = `---
apiVersion: v1
kind: Service
metadata: {name: web-metrics, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: metrics, port: 8083, targetPort: 8083}]
`;
    expectFindings(check, web('admin') + metricsSvc + otherMonitor, [
      { line: 7, message: 'exposes metrics (port "metrics" of Service "web-metrics", which selects its pods)' },
    ]);
  });

  it('is silent when a PodMonitor selects the pods with matchExpressions', () => {
    expectNone(
      check,
      `${web()}---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: front, namespace: shop}
spec:
  selector:
    matchExpressions:
      - {key: tier, operator: In, values: [front, edge]}
  podMetricsEndpoints: [{port: metrics}]
`,
    );
  });

  const service = `---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {monitored: "true"}}
spec:
  selector: {app: web}
  ports: [{name: metrics, port: 9090, targetPort: metrics}]
`;

  it('is silent when a ServiceMonitor watching the namespace (any, or matchNames) selects a Service in front of the pods', () => {
    for (const nsSel of ['{any: true}', '{matchNames: [shop, billing]}']) {
      expectNone(
        check,
        `${web()}${service}---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: all, namespace: monitoring}
spec:
  namespaceSelector: ${nsSel}
  selector: {matchLabels: {monitored: "true"}}
  endpoints: [{port: metrics}]
`,
      );
    }
  });

  it('fires when the ServiceMonitor watches other namespaces than the Service', () => {
    expectFindings(
      check,
      `${web()}${service}${otherMonitor}---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: all, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [billing]}
  selector: {matchLabels: {monitored: "true"}}
  endpoints: [{port: metrics}]
`,
      [{ line: 14 }],
    );
  });

  it('is silent with scrape annotations (true or false) on the pods or a Service, and with a scraper sidecar', () => {
    expectNone(check, web('metrics', '      annotations: {prometheus.io/scrape: "true"}\n') + otherMonitor);
    expectNone(check, web('metrics', '      annotations: {prometheus.io/scrape: "false"}\n') + otherMonitor);
    expectNone(check, web() + service.replace('labels: {monitored: "true"}', 'annotations: {prometheus.io/scrape: "true"}') + otherMonitor);
    expectNone(
      check,
      web() +
        `        - name: prometheus-to-sd
          image: gcr.io/google-containers/prometheus-to-sd:v0.9.0
` + otherMonitor,
    );
  });

  it('is silent without any metrics exposure (metrics-not-exposed reports that), and for an exporter without ports', () => {
    expectNone(check, web('admin') + otherMonitor);
    expectNone(
      check,
      web('admin') +
        `        - name: sd-exporter
          image: gcr.io/google-samples/sd-dummy-exporter:v0.2.0
` + otherMonitor,
    );
  });

  it('is unknown for custom resources whose operator may label the pods', () => {
    const [f] = runCheck(
      check,
      `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: ray, namespace: shop}
spec:
  headGroupSpec:
    template:
      metadata: {labels: {app: ray}}
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.9.0
            ports: [{name: metrics, containerPort: 8080}]
${otherMonitor}`,
    );
    assert.equal(f.unknown, 'the operator behind RayCluster may label its pods for a monitor');
  });
});

describe('metrics-not-scraped: default endpoints and monitors of other projects', () => {
  it('reports software that serves /metrics by default, naming it, and a flag-bound port that is not listed', () => {
    const d = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: edge}
    spec:
      containers:
${container}`;
    expectFindings(check, d('        - {name: controller, image: "registry.k8s.io/ingress-nginx/controller:v1.15.1", args: [/nginx-ingress-controller, --healthz-port=10300]}\n') + otherMonitor, [
      { line: 10, object: 'edge', message: 'exposes metrics (the ingress-nginx controller in container "controller" (--enable-metrics defaults to true) on port 10300)', unknown: null },
    ]);
    expectFindings(check, d('        - {name: manager, image: "example.com/manager:1", args: [--metrics-bind-address=:8443]}\n') + otherMonitor, [
      { line: 10, message: 'exposes metrics (port 8443 of container "manager" (--metrics-bind-address; not listed in its ports, it listens all the same))' },
    ]);
  });

  it('a namespace-less workload counts as monitored only by monitors of its own project tree naming "default"', () => {
    const plan = loadPlan([check]);
    const run = (monitorFile: string) =>
      audit(
        {
          resources: [
            ...loadText(web('metrics').replace('namespace: shop', 'labels: {a: b}'), 'samples/triton/deploy.yaml', plan).resources,
            ...loadText(otherMonitor.replace('namespace: shop', 'namespace: default'), monitorFile, plan).resources,
          ],
        },
        { checks: [check] },
      ).verdicts.flatMap((v) => v.findings);
    // Another repository's monitor in "default": says nothing about where this workload lands.
    assert.equal(run('other-repo/examples/app/monitor.yaml')[0].unknown, 'no PodMonitor or ServiceMonitor in the input lives in or names namespace default');
    // One beside it: the same project.
    assert.equal(run('samples/triton/monitor.yaml')[0].unknown, null);
  });
});

describe('metrics-not-scraped: a Knative metrics port that its config-observability leaves off', () => {
  const knative = (data: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: imc-controller, namespace: knative-eventing}
spec:
  template:
    metadata:
      labels: {app: imc-controller}
    spec:
      containers:
        - name: controller
          image: gcr.io/knative-releases/knative.dev/eventing/cmd/in_memory/channel_controller:v1.21.0
          env: [{name: CONFIG_OBSERVABILITY_NAME, value: config-observability}]
          ports: [{name: metrics, containerPort: 9090}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: config-observability, namespace: knative-eventing}
data:
${data}`;

  it('is silent when nothing is served there (metrics-not-exposed says why); fires once prometheus is on', () => {
    expectNone(check, knative('  _example: |\n    metrics-protocol: http/protobuf\n'));
    expectNone(check, knative('  metrics-protocol: grpc\n'));
    const on = runCheck(check, knative('  metrics-protocol: prometheus\n'));
    assert.equal(on.length, 1);
    assert.match(on[0].message, /port "metrics" \(9090\) of container "controller"/);
  });
});
