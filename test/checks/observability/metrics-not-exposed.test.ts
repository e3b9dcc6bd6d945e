import { describe, it } from 'node:test';
import check from '../../../src/checks/observability/metrics-not-exposed.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
`;

describe('metrics-not-exposed: idle pods and KubeRay', () => {
  it('is silent when every container only idles; a working container beside an idle one still counts', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: toolbox}
spec:
  containers:
    - {name: shell, image: busybox:1.36, command: [sleep, infinity]}
    - {name: pause, image: registry.k8s.io/pause:3.10}
`,
    );
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: mixed}
spec:
  containers:
    - {name: shell, image: busybox:1.36, command: [sleep, infinity]}
    - {name: app, image: example.com/app:1}
`,
      [{ object: 'mixed', message: 'no metrics exposure found' }],
    );
  });

  it('a port named with a metrics word (monitoring-port, exporter, telemetry) on the container or a selecting Service is exposure', () => {
    expectNone(
      check,
      `${web}---
apiVersion: v1
kind: Service
metadata: {name: web-monitoring, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: monitoring-port, port: 8080}]
`,
    );
    expectNone(check, web.replace('{name: http, containerPort: 8080}', '{name: telemetry, containerPort: 8080}'));
  });

  it('KubeRay gives the Ray container a metrics port: exposed (metrics-not-scraped judges the scraping)', () => {
    expectNone(
      check,
      `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc}
spec:
  headGroupSpec:
    template:
      spec:
        containers: [{name: ray-head, image: rayproject/ray:2.40.0}]
`,
    );
  });
});

describe('metrics-not-exposed', () => {
  it('fires when nothing exposes metrics, pointing at the pod template metadata', () => {
    expectFindings(check, web, [{ line: 7, severity: 'warning', object: 'web', message: 'no metrics exposure found' }]);
  });

  it('passes with the scrape annotation on the pod template or the object', () => {
    expectNone(check, web.replace('      labels: {app: web}\n', '      labels: {app: web}\n      annotations: {prometheus.io/scrape: "true"}\n'));
    expectNone(check, web.replace('metadata: {name: web, namespace: shop}', 'metadata: {name: web, namespace: shop, annotations: {prometheus.io/scrape: "true"}}'));
  });

  it('with prometheus.io/scrape: "false" (or prometheus.io.scrape) and nothing else: info, saying scraping is switched off', () => {
    expectFindings(check, web.replace('      labels: {app: web}\n', '      labels: {app: web}\n      annotations: {prometheus.io/scrape: "false"}\n'), [
      { line: 9, severity: 'info', message: 'scraping is switched off (prometheus.io/scrape: "false") and nothing else exposes metrics' },
    ]);
    expectFindings(check, web.replace('      labels: {app: web}\n', '      labels: {app: web}\n      annotations: {prometheus.io.scrape: "false"}\n'), [{ severity: 'info', message: '(prometheus.io.scrape: "false")' }]);
  });

  it('passes with a metrics-named port or an exporter sidecar', () => {
    for (const name of ['metrics', 'http-metrics', 'metrics-tcp', 'prom', 'envoy-prom']) {
      expectNone(check, web.replace('{name: http, containerPort: 8080}', `{name: ${name}, containerPort: 9090}`));
    }
    expectNone(
      check,
      `${web}        - name: exporter
          image: quay.io/prometheuscommunity/postgres-exporter:v0.15.0
`,
    );
  });

  it('passes when an OpenTelemetry SDK pushes metrics over OTLP; not when the metrics exporter is off, not otlp, or the SDK disabled', () => {
    const withEnv = (env: string) => web.replace('          ports: [{name: http, containerPort: 8080}]\n', `          ports: [{name: http, containerPort: 8080}]\n          env:\n${env}`);
    const endpoint = '            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector.observability:4317"}\n';
    expectNone(check, withEnv(endpoint));
    expectNone(check, withEnv('            - name: OTEL_EXPORTER_OTLP_METRICS_ENDPOINT\n              valueFrom: {configMapKeyRef: {name: otel, key: endpoint}}\n'));
    expectNone(check, withEnv(`${endpoint}            - {name: OTEL_METRICS_EXPORTER, value: "otlp,console"}\n`));
    expectNone(check, withEnv(`${endpoint}            - {name: OTEL_METRICS_EXPORTER, value: ""}\n`));
    // Traces only, or a Prometheus exporter in the SDK (that one is a port to scrape, which needs a name to be seen).
    for (const other of ['none', 'prometheus', 'console']) {
      expectFindings(check, withEnv(`${endpoint}            - {name: OTEL_METRICS_EXPORTER, value: ${other}}\n`), [{ line: 7, message: 'no metrics exposure found' }]);
    }
    expectFindings(check, withEnv(`${endpoint}            - {name: OTEL_SDK_DISABLED, value: "true"}\n`), [{ line: 7 }]);
    expectFindings(check, withEnv('            - {name: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, value: "http://otel-collector:4317"}\n'), [{ line: 7 }]);
    expectFindings(check, withEnv('            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: ""}\n'), [{ line: 7 }]);
    // No value at all, or an endpoint overridden by a later empty entry (the last one wins): no endpoint.
    expectFindings(check, withEnv('            - {name: OTEL_EXPORTER_OTLP_ENDPOINT}\n'), [{ line: 7 }]);
    expectFindings(check, withEnv(`${endpoint}            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: ""}\n`), [{ line: 7 }]);
    // Exporter names are case-insensitive.
    expectNone(check, withEnv(`${endpoint}            - {name: OTEL_METRICS_EXPORTER, value: OTLP}\n`));
    expectFindings(check, withEnv(`${endpoint}            - {name: OTEL_METRICS_EXPORTER, value: None}\n`), [{ line: 7 }]);
  });

  it('passes with a port the container\'s flags bind its metrics endpoint to; not a health-only flag', () => {
    const flagged = (args: string, ports: string) => web.replace('          ports: [{name: http, containerPort: 8080}]\n', `          args: [${args}]\n          ports: [${ports}]\n`);
    expectNone(check, flagged('"--metrics-bind-address=:8443"', '{containerPort: 8443}'));
    expectNone(check, flagged('"--http-endpoint=:22011"', '{name: http-endpoint, containerPort: 22011}'));
    expectFindings(check, flagged('"--health-probe-bind-address=:8081"', '{containerPort: 8081}'), [{ line: 7, message: 'no metrics exposure found' }]);
  });

  it('passes with a prometheus.io/port or prometheus.io/path annotation (scraping is metrics-not-scraped\'s concern)', () => {
    expectNone(check, web.replace('      labels: {app: web}\n', '      labels: {app: web}\n      annotations: {prometheus.io/port: "9102"}\n'));
    expectNone(check, web.replace('      labels: {app: web}\n', '      labels: {app: web}\n      annotations: {prometheus.io/path: /stats}\n'));
  });

  it('passes when a Service in the namespace with a metrics-named port selects the pods (unnamed container ports); not one in another namespace or selecting other pods', () => {
    const svc = (ns: string, app: string, port: string) => `---
apiVersion: v1
kind: Service
metadata: {name: web-metrics, namespace: ${ns}}
spec:
  selector: {app: ${app}}
  ports: [{name: ${port}, port: 8083, targetPort: 8083}]
`;
    const unnamed = web.replace('{name: http, containerPort: 8080}', '{containerPort: 8080}, {containerPort: 8083}');
    expectNone(check, unnamed + svc('shop', 'web', 'metrics'));
    expectFindings(check, unnamed + svc('other', 'web', 'metrics'), [{ line: 7, object: 'web' }]);
    expectFindings(check, unnamed + svc('shop', 'api', 'metrics'), [{ line: 7, object: 'web' }]);
    expectFindings(check, unnamed + svc('shop', 'web', 'http'), [{ line: 7, object: 'web' }]);
  });

  it('does not take a lookalike port name such as "promo" for a metrics port', () => {
    expectFindings(check, web.replace('{name: http, containerPort: 8080}', '{name: promo, containerPort: 9090}'), [{ line: 7 }]);
  });

  it('passes when a PodMonitor in the namespace selects the pods', () => {
    expectNone(
      check,
      `${web}---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  podMetricsEndpoints: [{port: http}]
`,
    );
  });

  it('fires when the PodMonitor is in another namespace without a namespaceSelector, or selects other pods', () => {
    expectFindings(
      check,
      `${web}---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: web, namespace: monitoring}
spec:
  selector: {matchLabels: {app: web}}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
`,
      [{ line: 7, object: 'web' }],
    );
  });

  it('passes when a ServiceMonitor (any namespace) selects a Service that selects the pods', () => {
    expectNone(
      check,
      `${web}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {monitored: "yes"}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: all, namespace: monitoring}
spec:
  namespaceSelector: {any: true}
  selector: {matchLabels: {monitored: "yes"}}
  endpoints: [{port: http}]
`,
    );
  });

  it('fires when the ServiceMonitor selects a Service in another namespace than the pods', () => {
    expectFindings(
      check,
      `${web}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: other, labels: {monitored: "yes"}}
spec:
  selector: {app: web}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: all, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [other, shop]}
  selector: {matchLabels: {monitored: "yes"}}
`,
      [{ line: 7 }],
    );
  });

  it('passes when a Service selecting the pods carries the scrape annotation', () => {
    expectNone(
      check,
      `${web}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, annotations: {prometheus.io/scrape: "true"}}
spec:
  selector: {app: web}
`,
    );
  });

  it('covers DaemonSets and Argo Rollouts, not Jobs or CronJobs', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers: [{name: agent, image: fluent-bit}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: app, image: busybox}]
`,
      [
        { line: 5, object: 'agent' },
        { line: 14, object: 'r' },
      ],
    );
  });

  it('does not throw on odd shapes', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: odd, annotations: "x"}
spec:
  template:
    metadata: {labels: [a, b], annotations: 7}
    spec:
      containers:
        - name: app
          image: 42
          ports: "8080"
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: m}
spec: {selector: "x", namespaceSelector: [1]}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {selector: [1]}
`,
      [{ line: 6, object: 'odd' }],
    );
  });
});

describe('metrics-not-exposed: endpoints served without a named port', () => {
  const controller = (args: string, image = 'registry.k8s.io/ingress-nginx/controller:v1.15.1') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress, namespace: edge}
spec:
  template:
    metadata:
      labels: {app: ingress}
    spec:
      containers:
        - name: controller
          image: ${image}
          args: [/nginx-ingress-controller${args}]
          ports: [{name: http, containerPort: 80}]
`;

  it('software that serves /metrics by default (ingress-nginx, vLLM, TGI, Grafana, Prometheus) exposes metrics; switched off, it does not', () => {
    expectNone(check, controller(''));
    expectFindings(check, controller(', --enable-metrics=false'), [{ object: 'ingress', message: 'no metrics exposure found' }]);
    expectNone(check, controller('', 'vllm/vllm-openai:v0.10.0'));
    expectNone(check, web.replace('image: nginx:1.27', 'image: nvcr.io/nvidia/vllm:25.09-py3\n          command: [vllm, serve, meta-llama/Llama-3.1-8B]'));
    expectNone(check, web.replace('image: nginx:1.27', 'image: ghcr.io/huggingface/text-generation-inference:3.0'));
    expectNone(check, web.replace('image: nginx:1.27', 'image: grafana/grafana:11.2.0'));
    expectFindings(check, web.replace('image: nginx:1.27', 'image: grafana/grafana:11.2.0\n          env: [{name: GF_METRICS_ENABLED, value: "false"}]'), [{ object: 'web' }]);
    // A Prometheus scrapes itself (and is a scraper in the pod).
    expectNone(check, web.replace('image: nginx:1.27', 'image: prom/prometheus:v3.0.0'));
    // Not a known image: still reported.
    expectFindings(check, web.replace('image: nginx:1.27', 'image: example.com/vllm-proxy:1'), [{ object: 'web' }]);
  });

  it('a metrics port bound by a flag counts even when the container does not list it', () => {
    expectNone(check, web.replace('image: nginx:1.27', 'image: example.com/manager:1\n          args: [--metrics-bind-address=:8443, --leader-elect]'));
    // Port 0 turns the endpoint off (controller-runtime).
    expectFindings(check, web.replace('image: nginx:1.27', 'image: example.com/manager:1\n          args: [--metrics-bind-address=0]'), [{ object: 'web' }]);
  });

  it('a selecting Service with prometheus.io/port or prometheus.io/path says where the metrics are', () => {
    const svc = (ann: string) => `${web}---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations: {${ann}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;
    expectNone(check, svc('prometheus.io/path: /prometheus'));
    expectFindings(check, svc('team: shop'), [{ object: 'web' }]);
  });
});

describe('metrics-not-exposed: Knative components read config-observability', () => {
  const component = `apiVersion: apps/v1
kind: Deployment
metadata: {name: eventing-controller, namespace: knative-eventing}
spec:
  template:
    metadata:
      labels: {app: eventing-controller}
    spec:
      containers:
        - name: eventing-controller
          image: gcr.io/knative-releases/knative.dev/eventing/cmd/controller:v1.21.0
          env:
            - {name: CONFIG_OBSERVABILITY_NAME, value: config-observability}
          ports:
            - {name: metrics, containerPort: 9090}
`;
  const config = (data: string) => `---
apiVersion: v1
kind: ConfigMap
metadata: {name: config-observability, namespace: knative-eventing}
data:
${data}`;
  const example = (key: string) => `  _example: |
    # ${key} field specifies the protocol used when exporting metrics
    ${key}: http/protobuf
`;

  it('fires when the ConfigMap sets no metrics-protocol (Knative 1.18+: the default is none), naming it', () => {
    expectFindings(check, component + config(example('metrics-protocol')), [
      {
        line: 6,
        message:
          'its metrics port serves nothing: Knative\'s ConfigMap "config-observability" (named by CONFIG_OBSERVABILITY_NAME of container "eventing-controller") has no metrics-protocol (the default is none), so no metrics are exported at all; set metrics-protocol: prometheus there',
        related: [{ line: 20, note: 'no metrics-protocol (the default is none)' }],
      },
    ]);
    expectFindings(check, component + config(`  metrics-protocol: none\n`), [{ line: 6, message: 'has metrics-protocol: none, so no metrics are exported' }]);
  });

  it('is silent when the ConfigMap serves Prometheus or pushes over OTLP, or uses the old scheme (prometheus by default)', () => {
    expectNone(check, component + config(`  metrics-protocol: prometheus\n`));
    expectNone(check, component + config(`  metrics-protocol: grpc\n  metrics-endpoint: http://otel-collector.observability:4317\n`));
    expectNone(check, component + config(example('metrics.backend-destination')));
    expectNone(check, component + config(`  metrics.backend-destination: opencensus\n`));
  });

  it('keeps the metrics port as exposure when the ConfigMap is not in the input (or in another namespace)', () => {
    expectNone(check, component);
    expectNone(check, component + config(example('metrics-protocol')).replace('namespace: knative-eventing}\ndata', 'namespace: other}\ndata'));
  });
});
