import { defineCheck, type FindingInput } from '../types.js';
import { get, stringMap } from '../../model/util.js';
import { sourceWhere } from '../../model/index.js';
import { builtinWorkload, metricsExposure, monitorsCover, scrapedBy, scraperSidecar } from './util.js';

export default defineCheck({
  id: 'metrics-not-scraped',
  pillar: 'observability',
  severity: 'warning',
  title: 'Metrics exposed but not scraped',
  whatBreaks:
    'The workload serves metrics, but no PodMonitor, ServiceMonitor or scrape annotation points Prometheus at it: its request rates, errors and saturation never reach a dashboard or an alert, and nobody notices until the first incident needs them.',
  details: `Reported for long-running workloads that expose metrics, by the same signs \`metrics-not-exposed\`
accepts (a container port named like \`metrics\`, \`http-metrics\`, \`*-metrics\`, \`prom\`; an exporter
container; a \`prometheus.io/port\` or \`prometheus.io/path\` pod annotation), when nothing in the input
scrapes them:

- no \`PodMonitor\` (or \`VMPodScrape\`, GMP \`PodMonitoring\`/\`ClusterPodMonitoring\`, GKE workload-metrics
  \`PodMonitor\`) whose selector matches the pod labels, in the namespaces its \`namespaceSelector\`
  covers (its own by default, \`any: true\` for all, \`matchNames\` for a list);
- no \`ServiceMonitor\` (or \`VMServiceScrape\`) selecting a Service whose selector matches the pods;
- no \`prometheus.io/scrape: "true"\` annotation on the pod template or on such a Service.

When no monitoring object of the input lives in the workload's namespace or names it in
\`namespaceSelector.matchNames\` (cluster-wide monitors do not count; namespace-less manifests only count
for workloads in the same folder), monitoring of that namespace is probably configured elsewhere
(another repository, a Prometheus \`scrape_configs\`, an agent scraping every pod): the finding is
then *unknown* unless the input is declared complete (\`--complete\`).

For custom resources with a pod template (a KubeRay \`RayService\`, an operator's \`Agent\`), the operator
usually adds labels of its own to the pods it creates, which a monitor may select: the finding is then
*unknown* too.

Not reported: a pod with its own scraper sidecar (prometheus-to-sd, a Prometheus, vmagent, Grafana
Agent/Alloy, an OpenTelemetry collector), an exporter container that declares no port (it pushes),
pods annotated \`prometheus.io/scrape: "false"\` (scraping switched off on purpose), Datadog
Autodiscovery check annotations, batch workloads. A workload with no metrics at all is
\`metrics-not-exposed\`'s finding, not this one. The port name of a monitor endpoint is checked by
\`monitor-selects-nothing\`.`,
  fix: {
    text: 'Add a PodMonitor (or a ServiceMonitor on a Service that selects the pods) for the metrics port, with the labels your Prometheus selects monitors by (its podMonitorSelector; null selects none), or annotate the pods for annotation-based discovery.',
    yaml: `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: web
  labels:
    release: prometheus   # what your Prometheus podMonitorSelector selects
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  podMetricsEndpoints:
    - port: metrics`,
  },
  uses: ['ConfigMap', 'Service', 'PodMonitor', 'VMPodScrape', 'PodMonitoring', 'ClusterPodMonitoring', 'ServiceMonitor', 'VMServiceScrape'],
  target: 'workload',
  classes: ['service', 'daemon', 'pod'],
  run({ workload: w, resource, index }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const objAnn = stringMap(get(resource.object, ['metadata', 'annotations']));
    const scrape = w.podAnnotations['prometheus.io/scrape'] ?? objAnn['prometheus.io/scrape'];
    if (scrape === 'true' || scrape === 'false') return out;
    if (Object.keys(w.podAnnotations).some((k) => k.startsWith('ad.datadoghq.com/') && /\.(checks|check_names)$/.test(k))) return out;
    const exposure = metricsExposure(w, true, index);
    if (!exposure) return out;
    if (scraperSidecar(w) || scrapedBy(w, index)) return out;
    const ns = index.namespaceOf(resource);
    const covered = monitorsCover(index, resource);
    const custom = !builtinWorkload(w);
    out.push({
      message: `exposes metrics (${exposure.text}) but nothing ${sourceWhere(index)} scrapes them: no PodMonitor or ServiceMonitor selects these pods or a Service in front of them, and there is no prometheus.io/scrape: "true" annotation on the pods or such a Service`,
      path: exposure.path,
      container: exposure.container,
      unknown: !covered
        ? `no PodMonitor or ServiceMonitor in the input lives in or names namespace ${ns}`
        : custom
          ? `the operator behind ${resource.kind} may label its pods for a monitor`
          : undefined,
      knownMessage: `exposes metrics (${exposure.text}) but nothing ${sourceWhere(index)} scrapes them: no PodMonitor or ServiceMonitor selects these pods or a Service in front of them, and there is no prometheus.io/scrape: "true" annotation on the pods or such a Service`,
    });
    return out;
  },
});
