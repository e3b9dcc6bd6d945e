import { sourceWhere } from '../../model/index.js';
import { defineCheck, type FindingInput } from '../types.js';
import { get, stringMap } from '../../model/util.js';
import { metricsExposure, otlpMetricsPush, scrapedBy, scraperSidecar } from './util.js';
import { idlePod } from '../../model/idle.js';
import { knativeMetrics } from '../../model/knative-metrics.js';

export default defineCheck({
  id: 'metrics-not-exposed',
  pillar: 'observability',
  severity: 'warning',
  title: 'No metrics exposed',
  whatBreaks:
    'Nothing scrapes this workload: there is no request rate, error rate or latency to alert on, so an outage is found by users rather than by a page, and capacity decisions are guesses.',
  details: `Passes when any of these is present:

- a \`prometheus.io/scrape: "true"\` annotation on the pod template or the object;
- a container port named like a metrics port (\`metrics\`, \`http-metrics\`, \`metrics-*\`, \`*-metrics\`,
  \`prom\`, \`prometheus\`, \`*-prom\`, or with a word such as \`monitoring\`, \`exporter\`, \`telemetry\`,
  \`scrape\` between dashes: \`monitoring-port\`);
- an exporter container (image name containing \`exporter\`);
- a \`prometheus.io/port\` or \`prometheus.io/path\` annotation on the pod template (the workload says
  where its metrics are);
- a metrics endpoint that a container's flags bind (\`--metrics-bind-address=:8443\`), listed in
  \`ports\` or not (the list is informational: the process listens all the same);
- software known to serve \`/metrics\` by default: the ingress-nginx controller (\`--enable-metrics\`
  defaults to true, port 10254), vLLM's OpenAI-compatible server, Hugging Face Text Generation
  Inference, Grafana (unless \`GF_METRICS_ENABLED=false\`), the Prometheus server;
- a Prometheus, agent or collector container in the pod, which scrapes the pod itself;
- a Service in the input selecting the pods with a port named like a metrics port (Argo CD leaves its
  container ports unnamed and names them in \`argocd-server-metrics\`), or with a \`prometheus.io/port\` or
  \`prometheus.io/path\` annotation (read by endpoints discovery);
- Datadog Autodiscovery check annotations (\`ad.datadoghq.com/<container>.checks\`);
- an OpenTelemetry SDK that pushes metrics over OTLP: a container sets \`OTEL_EXPORTER_OTLP_ENDPOINT\` or
  \`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT\`, and \`OTEL_METRICS_EXPORTER\` is unset (the SDK default is
  \`otlp\`) or lists \`otlp\`, and \`OTEL_SDK_DISABLED\` is not \`true\`;
- a monitoring object in the same input that selects the pods: a \`PodMonitor\` / \`VMPodScrape\` /
  \`PodMonitoring\` / \`ClusterPodMonitoring\` whose selector matches the pod labels, or a \`ServiceMonitor\` /
  \`VMServiceScrape\` selecting a Service whose selector matches the pod labels (its own namespace unless
  its \`namespaceSelector\` says otherwise), or such a Service annotated \`prometheus.io/scrape: "true"\`.

When metrics are exposed (a metrics port, an exporter, the port/path annotations, a metrics Service)
but nothing in the input scrapes them, \`metrics-not-scraped\` reports it instead.

A Knative component (Serving, Eventing) declares a \`metrics\` port, but its \`config-observability\`
ConfigMap (named by the container's \`CONFIG_OBSERVABILITY_NAME\`) decides what it exports: when that
ConfigMap is in the input, \`metrics-protocol: prometheus\` (or, before Knative 1.18,
\`metrics.backend-destination: prometheus\`, the old default) serves the port; an OTLP protocol pushes the
metrics (passes); \`none\`, or no \`metrics-protocol\` at all (its default is \`none\`), exports nothing, and
the finding says so and names the ConfigMap.

Monitors that live in another repository are invisible here; so are OTLP settings that come from
\`envFrom\` or that the OpenTelemetry Operator injects at admission. Exempt the workload with a reason
in those cases.
An explicit \`prometheus.io/scrape: "false"\` (or \`prometheus.io.scrape\`) with nothing else exposing metrics is
**info**: the team switched scraping off on purpose.

Batch workloads are not checked (they are usually too short-lived to scrape), nor pods whose containers
only idle (\`sleep infinity\`, \`tail -f /dev/null\`, the pause image: a toolbox to exec into). KubeRay's
Ray containers get a \`metrics\` port (8080) from the operator when they have none.`,
  fix: {
    text: 'Expose a metrics endpoint on a named port and have Prometheus scrape it (a PodMonitor, or the scrape annotation if your Prometheus uses annotation discovery).',
    yaml: `spec:
  template:
    metadata:
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      containers:
        - name: app
          ports:
            - name: metrics
              containerPort: 9090`,
  },
  uses: ['ConfigMap', 'Service', 'PodMonitor', 'VMPodScrape', 'PodMonitoring', 'ClusterPodMonitoring', 'ServiceMonitor', 'VMServiceScrape'],
  target: 'workload',
  classes: ['service', 'daemon', 'pod'],
  run({ workload: w, resource, index }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    // Every container only idles (sleep, tail -f /dev/null, pause): nothing to measure.
    if (idlePod(w)) return out;
    const objAnn = stringMap(get(resource.object, ['metadata', 'annotations']));
    for (const ann of [w.podAnnotations, objAnn]) {
      if (ann['prometheus.io/scrape'] === 'true') return out;
    }
    if (Object.keys(w.podAnnotations).some((k) => k.startsWith('ad.datadoghq.com/') && /\.(checks|check_names)$/.test(k))) return out;
    if (metricsExposure(w, false, index)) return out;
    // A Prometheus, agent or collector in the pod scrapes the pod's own metrics (a Prometheus scrapes itself).
    if (scraperSidecar(w) || scrapedBy(w, index)) return out;
    if (otlpMetricsPush(w)) return out;
    // A Knative component whose config-observability is in the input says what it exports.
    const knative = knativeMetrics(w, index);
    if (knative?.state === 'push') return out;
    if (knative?.state === 'none') {
      out.push({
        message: `its metrics port serves nothing: Knative's ConfigMap "${knative.configMap.name}" (named by CONFIG_OBSERVABILITY_NAME of container "${knative.container}") has ${knative.setting}, so no metrics are exported at all; set metrics-protocol: prometheus there (and scrape the metrics port), or an OTLP protocol with metrics-endpoint`,
        path: [...w.podMetaPath, 'annotations'],
        related: [{ resource: knative.configMap, path: knative.path, note: knative.setting }],
      });
      return out;
    }
    // An explicit opt-out (prometheus.io/scrape: "false"; Prometheus' relabelling reads prometheus.io.scrape
    // the same, both sanitised to prometheus_io_scrape): the team decided, say it plainly as info.
    for (const [ann, path] of [[w.podAnnotations, [...w.podMetaPath, 'annotations']], [objAnn, ['metadata', 'annotations']]] as const) {
      const key = ['prometheus.io/scrape', 'prometheus.io.scrape'].find((k) => ann[k] === 'false');
      if (key) {
        out.push({ message: `scraping is switched off (${key}: "false") and nothing else exposes metrics: nothing measures this workload; if that is deliberate, exempt it with a reason`, path: [...path, key], severity: 'info' });
        return out;
      }
    }
    out.push({
      message: `no metrics exposure found: no prometheus.io/scrape: "true" annotation, no container port named like "metrics", no exporter sidecar, and no PodMonitor/ServiceMonitor ${sourceWhere(index)} selects these pods`,
      path: [...w.podMetaPath, 'annotations'],
    });
    return out;
  },
});
