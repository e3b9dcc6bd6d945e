/** Helpers for the observability checks: which monitoring objects in the input scrape a workload's pods. */
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Json, Resource, Workload } from '../../model/types.js';
import { dirOf, get, getArray, getBool, getNumber, getObject, getString, isObject, parseImage, stringMap } from '../../model/util.js';
import { selectorMatches } from '../availability/util.js';
import { declaredPorts, isMetricsPortName, serviceMetricsOnly, undeclaredMetricsFlags } from '../../model/ports.js';
import { defaultMetrics } from '../../model/default-metrics.js';
import { knativeMetrics } from '../../model/knative-metrics.js';

export { stringListParam } from '../availability/util.js';


/** Selector of a monitor: absent means "cannot tell", treated as a match. */
function monitorSelects(selector: Json | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  return selectorMatches(selector, labels) !== false;
}

const POD_MONITORS: { kind: string; group: string }[] = [
  { kind: 'PodMonitor', group: 'monitoring.coreos.com/' },
  { kind: 'PodMonitor', group: 'monitoring.gke.io/' },
  { kind: 'VMPodScrape', group: 'operator.victoriametrics.com/' },
  { kind: 'PodMonitoring', group: 'monitoring.googleapis.com/' },
  { kind: 'ClusterPodMonitoring', group: 'monitoring.googleapis.com/' },
];
const SERVICE_MONITORS: { kind: string; group: string }[] = [
  { kind: 'ServiceMonitor', group: 'monitoring.coreos.com/' },
  { kind: 'VMServiceScrape', group: 'operator.victoriametrics.com/' },
];

/**
 * Monitors by the namespaces they cover: `any` monitors (and ClusterPodMonitoring) cover every
 * namespace, `matchNames` the listed ones, no selector their own namespace. Built once per run.
 */
interface MonitorIndex {
  byNs: Map<string, Resource[]>;
  everywhere: Resource[];
}

function monitorIndex(index: ResourceIndex, kinds: { kind: string; group: string }[], key: string): MonitorIndex {
  return index.memo(key, () => {
    const out: MonitorIndex = { byNs: new Map(), everywhere: [] };
    const add = (ns: string, m: Resource) => {
      let l = out.byNs.get(ns);
      if (!l) out.byNs.set(ns, (l = []));
      l.push(m);
    };
    for (const { kind, group } of kinds) {
      for (const m of index.ofKind(kind)) {
        if (!m.apiVersion.startsWith(group)) continue;
        if (kind === 'ClusterPodMonitoring') {
          out.everywhere.push(m);
          continue;
        }
        const own = index.namespaceOf(m);
        if (kind === 'PodMonitoring') {
          add(own, m);
          continue;
        }
        const sel = get(m.object, ['spec', 'namespaceSelector']);
        if (sel === undefined || sel === null) add(own, m);
        else if (!getObject(m.object, ['spec', 'namespaceSelector']) || getBool(sel, ['any']) === true) out.everywhere.push(m);
        else {
          const names = getArray(sel, ['matchNames']).filter((x): x is string => typeof x === 'string');
          if (names.length > 0) for (const n of new Set(names)) add(n, m);
          else add(own, m);
        }
      }
    }
    return out;
  });
}

function covering(mi: MonitorIndex, ns: string): Resource[] {
  const l = mi.byNs.get(ns);
  return l ? (mi.everywhere.length ? [...l, ...mi.everywhere] : l) : mi.everywhere;
}

/**
 * The ports (names, or numbers of `targetPort`) of this Service that ServiceMonitors of the input scrape:
 * the `endpoints[]` of every ServiceMonitor (VMServiceScrape) that selects the Service.
 */
function scrapedServicePorts(svc: Resource, index: ResourceIndex): Set<string | number> {
  const out = new Set<string | number>();
  const labels = stringMap(get(svc.object, ['metadata', 'labels']));
  for (const m of covering(monitorIndex(index, SERVICE_MONITORS, 'obs:servicemonitors'), index.namespaceOf(svc))) {
    if (!monitorSelects(get(m.object, ['spec', 'selector']), labels)) continue;
    for (const e of getArray(m.object, ['spec', 'endpoints'])) {
      if (!isObject(e)) continue;
      if (typeof e.port === 'string' && e.port !== '') out.add(e.port);
      if (typeof e.targetPort === 'number' || (typeof e.targetPort === 'string' && e.targetPort !== '')) out.add(e.targetPort);
    }
  }
  return out;
}

/**
 * A Service that lists scrape targets rather than one clients connect through: every port named as a
 * metrics port, or headless with every port scraped by a ServiceMonitor of the input (kube-prometheus
 * names them https-main). Prometheus scrapes its pods whether ready or not.
 */
export function metricsOnlyService(svc: Resource, index: ResourceIndex): boolean {
  if (serviceMetricsOnly(svc)) return true;
  if (get(svc.object, ['spec', 'clusterIP']) !== 'None') return false;
  const ports = getArray(svc.object, ['spec', 'ports']).filter(isObject);
  if (ports.length === 0) return false;
  const scraped = scrapedServicePorts(svc, index);
  return scraped.size > 0 && ports.every((p) => (typeof p.name === 'string' && scraped.has(p.name)) || ((typeof p.targetPort === 'string' || typeof p.targetPort === 'number') && scraped.has(p.targetPort)));
}

/** A monitoring object in the input that scrapes this workload's pods, described for messages; null when none. */
export function scrapedBy(w: Workload, index: ResourceIndex): string | null {
  // Several checks ask for each workload: answered once per workload.
  const perWorkload = index.memo('obs:scraped-by-workload', () => new Map<Workload, string | null>());
  let known = perWorkload.get(w);
  if (known === undefined) perWorkload.set(w, (known = w.scrapedBy ?? scrapedByLabels(w, index)));
  return known;
}

function scrapedByLabels(w: Workload, index: ResourceIndex): string | null {
  const labels = w.podLabels;
  if (Object.keys(labels).length === 0) return null;
  const ns = index.namespaceOf(w.resource);
  // The answer depends on the namespace and the pod labels only, and replicas of an app share
  // them: one scan of the namespace's monitors and Services per distinct label set, not per workload.
  const memo = index.memo('obs:scraped-by', () => new Map<string, string | null>());
  const key = `${ns}\0${JSON.stringify(labels)}`;
  let hit = memo.get(key);
  if (hit === undefined) memo.set(key, (hit = findScraper(ns, labels, index)));
  return hit;
}

function findScraper(ns: string, labels: Record<string, string>, index: ResourceIndex): string | null {
  for (const m of covering(monitorIndex(index, POD_MONITORS, 'obs:podmonitors'), ns)) {
    if (monitorSelects(get(m.object, ['spec', 'selector']), labels)) return `${m.kind} "${m.name}"`;
  }
  // Services that select these pods (same namespace).
  const services = index.servicesSelecting(ns, labels);
  if (services.length === 0) return null;
  // Whether a Service is scraped does not depend on the workload behind it: decided once per
  // Service (a namespace of 4,000 workloads behind 2,000 Services and 400 ServiceMonitors would
  // otherwise compare every monitor with every Service for every workload).
  const perService = index.memo('obs:service-scraper', () => new Map<Resource, string | null>());
  for (const svc of services) {
    let hit = perService.get(svc);
    if (hit === undefined) perService.set(svc, (hit = serviceScraper(svc, ns, index)));
    if (hit !== null) return hit;
  }
  return null;
}

/** What scrapes the pods behind this Service (in namespace ns): its scrape annotation or a ServiceMonitor; null when nothing. */
function serviceScraper(svc: Resource, ns: string, index: ResourceIndex): string | null {
  if (stringMap(get(svc.object, ['metadata', 'annotations']))['prometheus.io/scrape'] === 'true') return `Service "${svc.name}" (prometheus.io/scrape annotation)`;
  const svcLabels = stringMap(get(svc.object, ['metadata', 'labels']));
  for (const m of covering(monitorIndex(index, SERVICE_MONITORS, 'obs:servicemonitors'), ns)) {
    if (monitorSelects(get(m.object, ['spec', 'selector']), svcLabels)) return `${m.kind} "${m.name}" via Service "${svc.name}"`;
  }
  return null;
}

/**
 * A monitor that names namespaces (matchNames) reaches a workload of one of them. A namespace-less
 * workload lands where kubectl's context says: a monitor of another project naming "default" counts
 * only from the same folder (or with -n), as ResourceIndex.deployedWith has it.
 */
function namesReach(index: ResourceIndex, m: Resource, r: Resource): boolean {
  return r.namespace !== undefined || index.namespaceLessPlaced() || dirOf(m.origin.file) === dirOf(r.origin.file);
}

/**
 * Is monitoring of this workload's namespace managed in the input? True when a monitoring object
 * (PodMonitor, ServiceMonitor, their VictoriaMetrics / GMP equivalents) lives in that namespace or
 * lists it in \`namespaceSelector.matchNames\`. When exactly one of the two names no namespace, they
 * count together only from the same folder (see ResourceIndex.deployedWith). Cluster-wide monitors (\`any: true\`,
 * ClusterPodMonitoring) do not count: one of them says nothing about who monitors this namespace.
 */
export function monitorsCover(index: ResourceIndex, r: Resource): boolean {
  const ns = index.namespaceOf(r);
  for (const [kinds, key] of [[POD_MONITORS, 'obs:podmonitors'], [SERVICE_MONITORS, 'obs:servicemonitors']] as const) {
    const l = monitorIndex(index, kinds, key).byNs.get(ns) ?? [];
    if (l.some((m) => (get(m.object, ['spec', 'namespaceSelector']) !== undefined ? namesReach(index, m, r) : index.deployedWith(m, r)))) return true;
  }
  return false;
}

/** How a workload exposes metrics, for messages, with the field to point at. */
export interface MetricsExposure {
  text: string;
  path: FieldPath;
  container?: string;
}

/**
 * Signs that the workload serves Prometheus metrics: a container port named like a metrics port, an
 * exporter container, a prometheus.io/port or prometheus.io/path annotation on the pod template, or
 * (with the index) a Service in the input selecting its pods with a port named like a metrics port
 * (Argo CD declares its ports unnamed and names them in an \`argocd-server-metrics\` Service).
 * Null when none. \`strict\`: an exporter container counts only when it declares a port (some push instead).
 */
export function metricsExposure(w: Workload, strict = false, index?: ResourceIndex): MetricsExposure | null {
  // A Knative component whose config-observability (in the input) exports nothing, or pushes: its
  // metrics port serves nothing.
  const knative = index ? knativeMetrics(w, index) : null;
  const inert = knative && knative.state !== 'prometheus' ? knative.container : undefined;
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    const image = getString(c.spec, ['image']);
    let i = 0;
    for (const p of getArray(c.spec, ['ports'])) {
      const name = getString(p, ['name']);
      if (name && isMetricsPortName(name) && c.name !== inert) {
        const num = getNumber(p, ['containerPort']);
        return { text: `port "${name}"${num !== undefined ? ` (${num})` : ''} of container "${c.name}"`, path: [...c.path, 'ports', i], container: c.name };
      }
      i++;
    }
    // A port the container's own flags bind its metrics endpoint to (--metrics-bind-address=:8080, a CSI sidecar's --http-endpoint).
    const bound = declaredPorts(c).find((p) => p.flag !== undefined && /metrics|http-endpoint/.test(p.flag));
    if (bound) return { text: `port ${bound.containerPort} of container "${c.name}" (${bound.flag})`, path: [...c.path, 'ports', bound.index], container: c.name };
    const unlisted = undeclaredMetricsFlags(c)[0];
    if (unlisted) return { text: `port ${unlisted.port} of container "${c.name}" (${unlisted.flag}; not listed in its ports, it listens all the same)`, path: unlisted.path, container: c.name };
    const builtin = defaultMetrics(c);
    if (builtin) return { text: builtin.text, path: builtin.path, container: c.name };
    if (image && parseImage(image).name.includes('exporter') && (!strict || getArray(c.spec, ['ports']).length > 0)) return { text: `exporter container "${c.name}"`, path: [...c.path, 'image'], container: c.name };
  }
  for (const key of ['prometheus.io/port', 'prometheus.io/path']) {
    const v = w.podAnnotations[key];
    if (v !== undefined) return { text: `the ${key}: "${v}" annotation`, path: [...w.podMetaPath, 'annotations', key] };
  }
  if (index) {
    for (const svc of index.servicesSelecting(index.namespaceOf(w.resource), w.podLabels)) {
      if (!index.sameScope(svc, w.resource)) continue;
      // Endpoints-role discovery reads where the metrics are from the Service's annotations.
      const svcAnn = stringMap(get(svc.object, ['metadata', 'annotations']));
      for (const key of ['prometheus.io/port', 'prometheus.io/path']) {
        if (svcAnn[key] !== undefined) return { text: `the ${key}: "${svcAnn[key]}" annotation of Service "${svc.name}", which selects its pods`, path: [...w.podMetaPath, 'labels'] };
      }
      for (const p of getArray(svc.object, ['spec', 'ports'])) {
        const name = getString(p, ['name']);
        if (name && isMetricsPortName(name) && inert === undefined) return { text: `port "${name}" of Service "${svc.name}", which selects its pods`, path: [...w.podMetaPath, 'labels'] };
      }
    }
  }
  return null;
}

const OTLP_ENDPOINT = new Set(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT']);

/**
 * A container whose OpenTelemetry SDK pushes metrics over OTLP: it sets an OTLP endpoint (literal or
 * from a reference) and does not turn the metrics exporter off or to something else
 * (`OTEL_METRICS_EXPORTER` unset means otlp, by the SDK environment specification), and the SDK is
 * not disabled. Such a workload has metrics without any port to scrape.
 */
export function otlpMetricsPush(w: Workload): { text: string; path: FieldPath; container: string } | null {
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    // The last entry of a name wins (as the kubelet builds the environment).
    const byName = new Map<string, { entry: Json; index: number }>();
    getArray(c.spec, ['env']).forEach((entry, index) => {
      const name = getString(entry, ['name']);
      if (name) byName.set(name, { entry, index });
    });
    const value = (name: string): string | undefined => {
      const e = byName.get(name);
      return e === undefined ? undefined : (getString(e.entry, ['value']) ?? '');
    };
    const set = [...OTLP_ENDPOINT].map((n) => byName.get(n)).find((e) => e !== undefined && ((getString(e.entry, ['value']) ?? '') !== '' || get(e.entry, ['valueFrom']) !== undefined));
    if (!set) continue;
    const exporters = value('OTEL_METRICS_EXPORTER')?.toLowerCase();
    if (exporters !== undefined && exporters.trim() !== '' && !exporters.split(',').some((x) => x.trim() === 'otlp')) continue;
    if (value('OTEL_SDK_DISABLED')?.trim().toLowerCase() === 'true') continue;
    return { text: `${getString(set.entry, ['name'])} of container "${c.name}"`, path: [...c.path, 'env', set.index], container: c.name };
  }
  return null;
}

/** Images of agents that scrape their own pod (a sidecar Prometheus, collector or forwarder). */
const SCRAPER_SIDECAR = /^(prometheus-to-sd|prometheus|vmagent|grafana-agent|alloy|otel-collector.*|opentelemetry-collector.*|datadog-agent|agent|stackdriver-prometheus-sidecar)$/;

/** A container of the pod that scrapes the pod's own metrics and ships them elsewhere, if any. */
export function scraperSidecar(w: Workload): string | undefined {
  for (const c of w.containers) {
    const image = getString(c.spec, ['image']);
    if (!image) continue;
    const name = parseImage(image).name;
    if (SCRAPER_SIDECAR.test(name) && !(name === 'agent' && !/datadog/.test(image))) return c.name;
  }
  return undefined;
}

const BUILTIN_WORKLOADS: Record<string, string> = {
  Deployment: 'apps/', StatefulSet: 'apps/', DaemonSet: 'apps/', ReplicaSet: 'apps/', ReplicationController: 'v1', Pod: 'v1',
};

/** A workload of a built-in kind: its pods carry exactly the template labels (an operator's custom resource may add more). */
export function builtinWorkload(w: Workload): boolean {
  const g = BUILTIN_WORKLOADS[w.resource.kind];
  return g !== undefined && (g === 'v1' ? w.resource.apiVersion === 'v1' : w.resource.apiVersion.startsWith(g) || w.resource.apiVersion.startsWith('extensions/'));
}

// ---------------------------------------------------------------------------------------------
// What a Prometheus-operator monitor watches
// ---------------------------------------------------------------------------------------------

/** The namespaces a ServiceMonitor / PodMonitor watches: 'any', or a list (its own by default). Null: cannot tell. */
export function watchedNamespaces(m: Resource, index: ResourceIndex): 'any' | string[] | null {
  const sel = get(m.object, ['spec', 'namespaceSelector']);
  if (sel === undefined || sel === null) return [index.namespaceOf(m)];
  if (!getObject(m.object, ['spec', 'namespaceSelector'])) return null;
  if (getBool(sel, ['any']) === true) return 'any';
  const names = getArray(sel, ['matchNames']).filter((x): x is string => typeof x === 'string');
  if (names.length > 0) return [...new Set(names)];
  return [index.namespaceOf(m)];
}

function push<T>(m: Map<string, T[]>, k: string, v: T) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Candidates for a metav1.LabelSelector among objects indexed by label pair: narrowed by the first matchLabels pair when there is one. */
function candidates<T>(byPair: Map<string, T[]>, all: () => T[], selector: Json | undefined): T[] {
  const ml = stringMap(get(selector, ['matchLabels']));
  const first = Object.entries(ml)[0];
  return first ? byPair.get(`${first[0]}=${first[1]}`) ?? [] : all();
}

/** v1 Services of the input selected by a label selector (on their metadata labels), in the watched namespaces. */
export function servicesSelectedBy(index: ResourceIndex, selector: Json | undefined, namespaces: 'any' | string[]): Resource[] {
  const byNs = index.memo('obs:svc-by-label', () => {
    const m = new Map<string, Map<string, Resource[]>>();
    for (const svc of index.ofKind('Service')) {
      if (svc.apiVersion !== 'v1') continue;
      for (const ns of [index.namespaceOf(svc), '\0any']) {
        let pairs = m.get(ns);
        if (!pairs) m.set(ns, (pairs = new Map()));
        for (const [k, v] of Object.entries(stringMap(get(svc.object, ['metadata', 'labels'])))) push(pairs, `${k}=${v}`, svc);
      }
    }
    return m;
  });
  const out: Resource[] = [];
  for (const ns of namespaces === 'any' ? ['\0any'] : namespaces) {
    const all = () => (namespaces === 'any' ? index.ofKind('Service') : index.inNamespace('Service', ns)).filter((s) => s.apiVersion === 'v1');
    for (const svc of candidates(byNs.get(ns) ?? new Map(), all, selector)) {
      if (selectorMatches(selector, stringMap(get(svc.object, ['metadata', 'labels']))) !== false) out.push(svc);
    }
  }
  return out;
}

/** Workloads of the input whose pod labels a label selector selects, in the watched namespaces. */
export function workloadsSelectedBy(index: ResourceIndex, selector: Json | undefined, namespaces: 'any' | string[]): Workload[] {
  const byNs = index.memo('obs:wl-by-label', () => {
    const m = new Map<string, Map<string, Workload[]>>();
    for (const w of index.workloads) {
      for (const ns of [index.namespaceOf(w.resource), '\0any']) {
        let pairs = m.get(ns);
        if (!pairs) m.set(ns, (pairs = new Map()));
        for (const [k, v] of Object.entries(w.podLabels)) push(pairs, `${k}=${v}`, w);
      }
    }
    return m;
  });
  const out: Workload[] = [];
  for (const ns of namespaces === 'any' ? ['\0any'] : namespaces) {
    const all = () => (namespaces === 'any' ? index.workloads : index.workloadsIn(ns));
    for (const w of candidates(byNs.get(ns) ?? new Map(), all, selector)) {
      if (selectorMatches(selector, w.podLabels) !== false) out.push(w);
    }
  }
  return out;
}

/** Do the watched namespaces hold any object of this kind in the input? */
export function anyIn(index: ResourceIndex, kind: string, namespaces: 'any' | string[]): boolean {
  if (namespaces === 'any') return index.ofKind(kind).length > 0;
  return namespaces.some((ns) => index.inNamespace(kind, ns).length > 0);
}
