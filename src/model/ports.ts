/**
 * What port names say about the traffic a pod serves: metrics ports (scraped), health ports (probed
 * by the kubelet), Services that only list scrape targets. Shared by checks and verdicts.
 */
import type { ContainerRef, FieldPath, JsonObject, Resource, Workload } from './types.js';
import { commandWords, get, getArray, getNumber, isObject } from './util.js';

/**
 * A valid port name (IsValidPortName, apimachinery pkg/util/validation, IANA_SVC_NAME): 1-15 characters
 * of [-a-z0-9], at least one letter, no leading, trailing or doubled hyphen. Service and probe
 * validation run it on string ports, so anything else (a docs placeholder such as `PORT`) never
 * reaches a cluster.
 */
/** IsValidPortName's first complaint about a port name (IANA_SVC_NAME), in the API server's words; null for a valid one. */
export function portNameError(s: string): string | null {
  if (s.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(s)) return 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)';
  if (!/[a-z]/.test(s)) return 'must contain at least one letter (a-z)';
  if (s.includes('--')) return 'must not contain consecutive hyphens';
  if (s.startsWith('-') || s.endsWith('-')) return 'must not begin or end with a hyphen';
  return null;
}

export function isValidPortName(s: string): boolean {
  return s.length >= 1 && s.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) && /[a-z]/.test(s) && !s.includes('--');
}

/**
 * Port names that say "metrics": metrics, prom, prometheus, http-metrics, metrics-http, envoy-prom,
 * metricshttps (kube-rbac-proxy in front of a metrics endpoint), monitoring, ...
 */
export const METRICS_PORT = /^(metrics|prom|prometheus)(https?)?$|^(metrics|prom)-|-(metrics|prom|monitoring)$|^monitor(ing)?$/i;

/** Port names that say "health endpoint": healthz, health, http-healthz, probes, livez, readyz, ... */
export const HEALTH_PORT = /^(healthz?|health-?check|probes?|livez|readyz)$|^(healthz?|probes?)-|-(healthz?|probes?)$/i;

/** Words of a Service port name that make it a scrape target. */
const METRICS_WORDS = new Set(['metrics', 'metricshttp', 'metricshttps', 'prom', 'prometheus', 'monitor', 'monitoring', 'servicemonitor', 'exporter', 'scrape', 'telemetry']);

export interface DeclaredPort {
  name: string | undefined;
  containerPort: number | undefined;
  /** Index in the container's ports list. */
  index: number;
  /**
   * The command-line flag that binds the container's metrics or health endpoint to this port
   * (`--metrics-bind-address=:8080`, `--health-probe-bind-address=:8081`, a CSI sidecar's
   * `--http-endpoint=:22011`), if any: the process itself says what the port is for.
   */
  flag?: string;
}

/**
 * Flags that bind a metrics or health endpoint: controller-runtime's --metrics-bind-address and
 * --health-probe-bind-address, --metrics-addr, --healthz-port, --health-port, the CSI sidecars'
 * --http-endpoint (metrics and /healthz/leader-election), ... Not --web.listen-address, which is an
 * exporter's metrics but Prometheus's own UI and API.
 */
const TELEMETRY_FLAG = /^--?(?:(?:metrics|healthz?|health-probe|liveness-probe|readiness-probe|probe)(?:-bind)?-(?:addr|address|port|listen-address)|http-endpoint)$/;

/** Ports that the container's flags bind to a metrics or health endpoint, by number. */
function telemetryFlags(container: JsonObject): Map<number, string> {
  const out = new Map<number, string>();
  const words = commandWords(container);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const eq = w.indexOf('=');
    const flag = eq < 0 ? w : w.slice(0, eq);
    if (!TELEMETRY_FLAG.test(flag)) continue;
    const value = eq < 0 ? words[i + 1] : w.slice(eq + 1);
    const m = value === undefined ? null : /^(?:.*:)?(\d{1,5})$/.exec(value.replace(/^["']|["']$/g, ''));
    const port = m ? Number(m[1]) : 0;
    if (port > 0) out.set(port, flag);
  }
  return out;
}

/**
 * Metrics endpoints the container's own flags bind to a port it does not list in \`ports\`
 * (\`--metrics-bind-address=:8443\` with only the webhook port declared): \`ports\` is informational,
 * the process listens all the same. With the command or args entry that holds the flag.
 */
export function undeclaredMetricsFlags(c: ContainerRef): { port: number; flag: string; path: FieldPath }[] {
  const flags = telemetryFlags(c.spec);
  if (flags.size === 0) return [];
  const declared = new Set(declaredPorts(c).map((d) => d.containerPort));
  const out: { port: number; flag: string; path: FieldPath }[] = [];
  for (const [port, flag] of flags) {
    if (declared.has(port) || !/metrics|http-endpoint/.test(flag)) continue;
    let path: FieldPath = [...c.path];
    for (const key of ['args', 'command']) {
      const i = getArray(c.spec, [key]).findIndex((x) => typeof x === 'string' && x.includes(flag));
      if (i !== -1) {
        path = [...c.path, key, i];
        break;
      }
    }
    out.push({ port, flag, path });
  }
  return out;
}

/** The ports a container declares (entries that are objects). */
export function declaredPorts(c: ContainerRef): DeclaredPort[] {
  const out: DeclaredPort[] = [];
  let flags: Map<number, string> | undefined;
  getArray(c.spec, ['ports']).forEach((p, index) => {
    if (!isObject(p)) return;
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
    const containerPort = typeof p.containerPort === 'number' && Number.isFinite(p.containerPort) ? p.containerPort : undefined;
    const d: DeclaredPort = { name, containerPort, index };
    if (containerPort !== undefined) {
      const flag = (flags ??= telemetryFlags(c.spec)).get(containerPort);
      if (flag !== undefined) d.flag = flag;
    }
    out.push(d);
  });
  return out;
}

/**
 * A port named as a metrics or health port, or one the container's flags bind its metrics or health
 * endpoint to; an unnamed one could be anything.
 */
export function isTelemetryPort(p: { name: string | undefined; flag?: string }): boolean {
  return p.flag !== undefined || (p.name !== undefined && (isMetricsPortName(p.name) || HEALTH_PORT.test(p.name)));
}

/**
 * The container declares ports and every one is named as a metrics or health port (http-metrics,
 * http-healthz) or bound to one by a flag: what reaches it is scrapes and kubelet probes, not
 * requests. Other unnamed ports count as serving (nothing says otherwise). Null otherwise.
 */
export function telemetryPortsOnly(c: ContainerRef): DeclaredPort[] | null {
  const ports = declaredPorts(c).filter((p) => p.containerPort !== undefined);
  if (ports.length === 0) return null;
  return ports.every(isTelemetryPort) ? ports : null;
}

/**
 * Every port of the Service is named as a metrics port: it lists scrape targets (ServiceMonitor,
 * endpoints discovery), and Prometheus scrapes each pod on its own, ready or not.
 */
export function serviceMetricsOnly(svc: Resource): boolean {
  const ports = getArray(svc.object, ['spec', 'ports']).filter(isObject);
  return ports.length > 0 && ports.every((p) => typeof p.name === 'string' && isMetricsPortName(p.name));
}

/**
 * A port name that says metrics: a word of the name (between dashes) does (http-metrics,
 * tcp-prometheus-servicemonitor, redis-exporter, metricshttps). A word that merely starts like one
 * (promui, the Prometheus UI) is a port users query.
 */
export function isMetricsPortName(name: string): boolean {
  return name !== '' && (METRICS_PORT.test(name) || name.toLowerCase().split('-').some((w) => METRICS_WORDS.has(w)));
}

/**
 * The first host port a long-running container declares (hostNetwork: every declared port is one),
 * if any. Two pods using one host port never share a node (the scheduler's NodePorts filter).
 */
export function hostPortOf(w: Workload): { port: number; path: FieldPath; text: string } | null {
  // With hostNetwork the API defaults every hostPort to its containerPort.
  const hostNetwork = get(w.podSpec, ['hostNetwork']) === true;
  for (const c of w.containers) {
    if (c.type === 'init') continue;
    const ports = getArray(c.spec, ['ports']);
    const i = ports.findIndex((p) => isObject(p) && typeof p.hostPort === 'number' && p.hostPort > 0);
    if (i >= 0) return { port: getNumber(c.spec, ['ports', i, 'hostPort'])!, path: [...c.path, 'ports', i, 'hostPort'], text: `hostPort ${getNumber(c.spec, ['ports', i, 'hostPort'])}` };
    const j = hostNetwork ? ports.findIndex((p) => isObject(p) && typeof p.containerPort === 'number' && p.containerPort > 0) : -1;
    if (j >= 0) return { port: getNumber(c.spec, ['ports', j, 'containerPort'])!, path: [...c.path, 'ports', j, 'containerPort'], text: `host port ${getNumber(c.spec, ['ports', j, 'containerPort'])} (hostNetwork)` };
  }
  return null;
}
