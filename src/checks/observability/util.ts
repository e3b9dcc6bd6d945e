/** Helpers for the observability checks: which monitoring objects in the input scrape a workload's pods. */
import type { ResourceIndex } from '../../model/index.js';
import type { Json, Resource, Workload } from '../../model/types.js';
import { get, getArray, getBool, getObject, stringMap } from '../../model/util.js';
import { selectorMatches } from '../availability/util.js';

export { stringListParam } from '../availability/util.js';


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

/** A monitoring object in the input that scrapes this workload's pods, described for messages; null when none. */
export function scrapedBy(w: Workload, index: ResourceIndex): string | null {
  const labels = w.podLabels;
  if (Object.keys(labels).length === 0) return null;
  const ns = index.namespaceOf(w.resource);
  for (const m of covering(monitorIndex(index, POD_MONITORS, 'obs:podmonitors'), ns)) {
    if (monitorSelects(get(m.object, ['spec', 'selector']), labels)) return `${m.kind} "${m.name}"`;
  }
  // Services that select these pods (same namespace).
  const services = index.servicesSelecting(ns, labels);
  if (services.length === 0) return null;
  const serviceMonitors = covering(monitorIndex(index, SERVICE_MONITORS, 'obs:servicemonitors'), ns);
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
