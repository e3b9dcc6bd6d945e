/**
 * What port names say about the traffic a pod serves: metrics ports (scraped), health ports (probed
 * by the kubelet), Services that only list scrape targets. Shared by checks and verdicts.
 */
import type { ContainerRef, Resource } from './types.js';
import { getArray, isObject } from './util.js';

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
}

/** The ports a container declares (entries that are objects). */
export function declaredPorts(c: ContainerRef): DeclaredPort[] {
  const out: DeclaredPort[] = [];
  getArray(c.spec, ['ports']).forEach((p, index) => {
    if (!isObject(p)) return;
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
    const containerPort = typeof p.containerPort === 'number' && Number.isFinite(p.containerPort) ? p.containerPort : undefined;
    out.push({ name, containerPort, index });
  });
  return out;
}

/** A port named as a metrics or health port; an unnamed one could be anything. */
export function isTelemetryPort(p: { name: string | undefined }): boolean {
  return p.name !== undefined && (METRICS_PORT.test(p.name) || HEALTH_PORT.test(p.name));
}

/**
 * The container declares ports and every one is named as a metrics or health port (http-metrics,
 * http-healthz): what reaches it is scrapes and kubelet probes, not requests. Unnamed ports count as
 * serving (nothing says otherwise). Null otherwise.
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
  // A word of the name (between dashes) says metrics: http-metrics, tcp-prometheus-servicemonitor,
  // redis-exporter, metricshttps. A word that merely starts like one (promui, the Prometheus UI) is a
  // port users query.
  return ports.length > 0 && ports.every((p) => typeof p.name === 'string' && p.name !== '' && (METRICS_PORT.test(p.name) || p.name.toLowerCase().split('-').some((w) => METRICS_WORDS.has(w))));
}
