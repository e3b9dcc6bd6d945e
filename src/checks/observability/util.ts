/** Helpers for the observability checks: which monitoring objects in the input scrape a workload's pods. */
import type { ResourceIndex } from '../../model/index.js';
import type { Json, Resource, Workload } from '../../model/types.js';
import { get, getArray, getBool, getObject, stringMap } from '../../model/util.js';
import { mapSelectorMatches, selectorMatches } from '../availability/util.js';

export { stringListParam } from '../availability/util.js';

/**
 * Does a Prometheus-operator style namespaceSelector ({any: true} | {matchNames: [...]}) cover `ns`?
 * Absent: only the monitor's own namespace. Anything else odd: assume yes (stay quiet).
 */
function namespaceCovered(monitor: Resource, index: ResourceIndex, ns: string): boolean {
  const sel = get(monitor.object, ['spec', 'namespaceSelector']);
  if (sel === undefined || sel === null) return index.namespaceOf(monitor) === ns;
  if (!getObject(monitor.object, ['spec', 'namespaceSelector'])) return true;
  if (getBool(sel, ['any']) === true) return true;
  const names = getArray(sel, ['matchNames']).filter((x): x is string => typeof x === 'string');
  if (names.length > 0) return names.includes(ns);
  return index.namespaceOf(monitor) === ns;
}

/** Selector of a monitor: absent means "cannot tell", treated as a match. */
function monitorSelects(selector: Json | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  return selectorMatches(selector, labels) !== false;
}

const POD_MONITORS: { kind: string; group: string }[] = [
  { kind: 'PodMonitor', group: 'monitoring.coreos.com/' },
  { kind: 'VMPodScrape', group: 'operator.victoriametrics.com/' },
  { kind: 'PodMonitoring', group: 'monitoring.googleapis.com/' },
  { kind: 'ClusterPodMonitoring', group: 'monitoring.googleapis.com/' },
];
const SERVICE_MONITORS: { kind: string; group: string }[] = [
  { kind: 'ServiceMonitor', group: 'monitoring.coreos.com/' },
  { kind: 'VMServiceScrape', group: 'operator.victoriametrics.com/' },
];

/** A monitoring object in the input that scrapes this workload's pods, described for messages; null when none. */
export function scrapedBy(w: Workload, index: ResourceIndex): string | null {
  const labels = w.podLabels;
  if (Object.keys(labels).length === 0) return null;
  const ns = index.namespaceOf(w.resource);
  const podMonitors = index.memo(`obs:podmonitors:${ns}`, () =>
    POD_MONITORS.flatMap(({ kind, group }) =>
      index.ofKind(kind).filter((m) => {
        if (!m.apiVersion.startsWith(group)) return false;
        return kind === 'ClusterPodMonitoring' ? true : kind === 'PodMonitoring' ? index.namespaceOf(m) === ns : namespaceCovered(m, index, ns);
      }),
    ),
  );
  for (const m of podMonitors) {
    if (monitorSelects(get(m.object, ['spec', 'selector']), labels)) return `${m.kind} "${m.name}"`;
  }
  // Services that select these pods (same namespace).
  const services = index.inNamespace('Service', ns).filter((s) => s.apiVersion === 'v1' && mapSelectorMatches(get(s.object, ['spec', 'selector']), labels));
  const serviceMonitors = index.memo(`obs:servicemonitors:${ns}`, () =>
    SERVICE_MONITORS.flatMap(({ kind, group }) => index.ofKind(kind).filter((m) => m.apiVersion.startsWith(group) && namespaceCovered(m, index, ns))),
  );
  for (const svc of services) {
    const ann = stringMap(get(svc.object, ['metadata', 'annotations']));
    if (ann['prometheus.io/scrape'] === 'true') return `Service "${svc.name}" (prometheus.io/scrape annotation)`;
    const svcLabels = stringMap(get(svc.object, ['metadata', 'labels']));
    for (const m of serviceMonitors) {
      if (monitorSelects(get(m.object, ['spec', 'selector']), svcLabels)) return `${m.kind} "${m.name}" via Service "${svc.name}"`;
    }
  }
  return null;
}
