/**
 * What port names say about the traffic a pod serves: metrics ports (scraped), health ports (probed
 * by the kubelet), Services that only list scrape targets. Shared by checks and verdicts.
 */
import type { ContainerRef, Resource } from './types.js';
import { getArray, isObject } from './util.js';

/** Port names that say "metrics": metrics, prom, prometheus, http-metrics, metrics-http, envoy-prom, ... */
export const METRICS_PORT = /^(metrics|prom|prometheus)$|^(metrics|prom)-|-(metrics|prom)$/i;

/** Port names that say "health endpoint": healthz, health, http-healthz, probes, livez, readyz, ... */
export const HEALTH_PORT = /^(healthz?|health-?check|probes?|livez|readyz)$|^(healthz?|probes?)-|-(healthz?|probes?)$/i;

export interface NamedPort {
  name: string | undefined;
  containerPort: number;
}

/** The container's declared ports that have a containerPort number. */
export function containerPorts(c: ContainerRef): NamedPort[] {
  const out: NamedPort[] = [];
  for (const p of getArray(c.spec, ['ports'])) {
    if (!isObject(p) || typeof p.containerPort !== 'number' || !Number.isFinite(p.containerPort)) continue;
    out.push({ name: typeof p.name === 'string' && p.name !== '' ? p.name : undefined, containerPort: p.containerPort });
  }
  return out;
}

/** A port named as a metrics or health port; an unnamed one could be anything. */
export function isTelemetryPort(p: { name: string | undefined }): boolean {
  return p.name !== undefined && (METRICS_PORT.test(p.name) || HEALTH_PORT.test(p.name));
}

/**
 * Every port of the Service is named as a metrics port: it lists scrape targets (ServiceMonitor,
 * endpoints discovery), and Prometheus scrapes each pod on its own, ready or not.
 */
export function serviceMetricsOnly(svc: Resource): boolean {
  const ports = getArray(svc.object, ['spec', 'ports']).filter(isObject);
  return ports.length > 0 && ports.every((p) => typeof p.name === 'string' && p.name !== '' && /metrics|prom|monitor|exporter/i.test(p.name));
}
