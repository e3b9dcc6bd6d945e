import { defineCheck, type FindingInput } from '../types.js';
import type { Json, Resource, Workload } from '../../model/types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import { closeFolders, commandWords, get, getArray, getString, isObject, isTemplated, stringMap } from '../../model/util.js';
import { formatLabels, selectorMatches } from '../availability/util.js';
import { anyIn, servicesSelectedBy, watchedNamespaces, workloadsSelectedBy } from './util.js';

/** Labels of the Service that prometheus-operator writes for the kubelets (pkg/kubelet/controller.go). */
const KUBELET_SERVICE_LABELS = { 'k8s-app': 'kubelet', 'app.kubernetes.io/name': 'kubelet', 'app.kubernetes.io/managed-by': 'prometheus-operator' };

/** Where a prometheus-operator of the input writes the kubelet Service (its --kubelet-service flag), if any. */
function kubeletServiceFlag(index: ResourceIndex): { namespace: string } | null {
  return index.memo('obs:kubelet-service-flag', () => findKubeletServiceFlag(index));
}

function findKubeletServiceFlag(index: ResourceIndex): { namespace: string } | null {
  for (const w of index.workloads) {
    for (const c of w.containers) {
      const words = commandWords(c.spec);
      for (let i = 0; i < words.length; i++) {
        const value = words[i].startsWith('--kubelet-service=') ? words[i].slice('--kubelet-service='.length) : words[i] === '--kubelet-service' ? words[i + 1] : undefined;
        const ns = value?.split('/')[0];
        if (ns && value!.includes('/')) return { namespace: ns };
      }
    }
  }
  return null;
}

/** Ports that a mesh injects at admission (not in the manifests): not judged. */
const INJECTED_PORT = /envoy|istio|linkerd/i;

function describeSelector(sel: Json | undefined): string {
  const ml = stringMap(get(sel, ['matchLabels']));
  const exprs = getArray(sel, ['matchExpressions'])
    .map((e) => {
      const key = getString(e, ['key']);
      const op = getString(e, ['operator']);
      const values = getArray(e, ['values']).map(String);
      return key && op ? `${key} ${op}${values.length ? ` (${values.join(', ')})` : ''}` : undefined;
    })
    .filter((x): x is string => !!x);
  const parts = [...(Object.keys(ml).length ? [formatLabels(ml)] : []), ...exprs];
  return parts.length ? parts.join(', ') : '{} (everything)';
}

function namespacesText(nss: 'any' | string[]): string {
  return nss === 'any' ? 'any namespace' : nss.length === 1 ? `namespace "${nss[0]}"` : `namespaces ${nss.map((n) => `"${n}"`).join(', ')}`;
}

/** Names of a Service's ports (unnamed ports are shown by number). */
function servicePorts(svc: Resource): { names: Set<string>; text: string; targetOf: Map<string, string> } {
  const names = new Set<string>();
  const shown: string[] = [];
  const targetOf = new Map<string, string>();
  for (const p of getArray(svc.object, ['spec', 'ports'])) {
    const name = getString(p, ['name']);
    const port = get(p, ['port']);
    if (name) {
      names.add(name);
      shown.push(`"${name}"`);
    } else shown.push(`an unnamed port ${typeof port === 'number' ? port : ''}`.trim());
    const target = getString(p, ['targetPort']);
    if (target && name) targetOf.set(target, name);
  }
  return { names, text: shown.length ? shown.join(', ') : 'no ports', targetOf };
}

function containerPortNames(w: Workload): Set<string> {
  const s = new Set<string>();
  for (const c of w.containers) for (const p of getArray(c.spec, ['ports'])) {
    const n = getString(p, ['name']);
    if (n) s.add(n);
  }
  return s;
}

/**
 * A v1 Service of the watched namespaces, or a namespace-less one of the monitor's folder, its parent,
 * a child or a sibling (the Service the monitor was written for), whose pod selector (spec.selector) the monitor's selector
 * matches while its labels do not: the monitor was written against the wrong field.
 */
function podSelectorCopy(index: ResourceIndex, m: Resource, selector: Json, nss: 'any' | string[]): Resource | undefined {
  // Only Services whose pod selector holds the monitor's first matchLabels pair can match: indexed once.
  const byPair = index.memo('obs:svc-by-pod-selector-pair', () => {
    const out = new Map<string, Resource[]>();
    for (const s of index.ofKind('Service')) {
      for (const [k, v] of Object.entries(stringMap(get(s.object, ['spec', 'selector'])))) {
        const key = `${k}=${v}`;
        const l = out.get(key);
        if (l) l.push(s);
        else out.set(key, [s]);
      }
    }
    return out;
  });
  const first = Object.entries(stringMap(get(selector, ['matchLabels'])))[0];
  const pool = first ? (byPair.get(`${first[0]}=${first[1]}`) ?? []) : index.ofKind('Service');
  return pool.find((s) => {
    if (s.apiVersion !== 'v1') return false;
    if (!(nss === 'any' || nss.includes(index.namespaceOf(s)) || (s.namespace === undefined && closeFolders(s.origin.file, m.origin.file)))) return false;
    const podSelector = stringMap(get(s.object, ['spec', 'selector']));
    if (Object.keys(podSelector).length === 0) return false;
    return selectorMatches(selector, podSelector) === true && selectorMatches(selector, stringMap(get(s.object, ['metadata', 'labels']))) !== true;
  });
}

export default defineCheck({
  id: 'monitor-selects-nothing',
  pillar: 'observability',
  severity: 'warning',
  title: 'ServiceMonitor or PodMonitor scrapes nothing',
  whatBreaks:
    'A monitor whose selector matches nothing, or whose endpoint names a port the selected Service or pods do not have, produces no scrape target. Prometheus reports nothing wrong: the metrics and every alert built on them are silently missing.',
  details: `For Prometheus-operator monitors (\`monitoring.coreos.com\`):

- **ServiceMonitor**: \`spec.selector\` is matched against the **labels of Services** (not pods) in the
  namespaces of \`spec.namespaceSelector\` (its own namespace by default; \`any: true\` for all;
  \`matchNames\` for a list). \`endpoints[].port\` is the **name of a Service port**, not a container port
  name nor a number: an endpoint whose \`port\` is not a port name of any selected Service yields no target.
  The message says when the name is a Service port's \`targetPort\` instead (the usual mix-up).
- **PodMonitor**: \`spec.selector\` is matched against pod labels of the workloads in the watched
  namespaces; \`podMetricsEndpoints[].port\` is the name of a container port.

A selector that matches nothing in the input rests on what is absent (the Service may come from a chart,
an operator or another repository), so it is reported as *unknown* unless the input is declared complete
(\`--complete\`). A port name missing from Services or pods that **are** in the input is a firm warning.

Not reported: a ServiceMonitor that selects the API server's own Service (\`kubernetes\` in \`default\`,
labels \`component: apiserver, provider: kubernetes\`), or the kubelet Service that a prometheus-operator of
the input writes (its \`--kubelet-service=<namespace>/<name>\` flag; labels \`k8s-app: kubelet\`: without
such an operator in the input the finding says the flag is what makes the Service), endpoints using \`targetPort\` or \`portNumber\`, or naming no port; PodMonitor endpoints naming
ports a service mesh injects into the pods (names containing envoy, istio, linkerd: the manifests do not
show them; a ServiceMonitor names Service ports, which no mesh injects); selectors that cannot be evaluated or are templated.`,
  fix: {
    text: 'Make the selector match the labels of the Service (ServiceMonitor) or pods (PodMonitor), and name the port as the Service (or container) names it.',
    yaml: `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web     # labels of the Service
  endpoints:
    - port: http-metrics              # spec.ports[].name of the Service`,
  },
  uses: ['Service'],
  target: 'object',
  kinds: ['ServiceMonitor', 'PodMonitor'],
  run({ resource: m, index }) {
    const out: FindingInput[] = [];
    if (!m.apiVersion.startsWith('monitoring.coreos.com/')) return out;
    if (m.kind !== 'ServiceMonitor' && m.kind !== 'PodMonitor') return out;
    const selector = get(m.object, ['spec', 'selector']);
    if (!isObject(selector) || JSON.stringify(selector).match(/\{\{|\$\{/)) return out;
    const nss = watchedNamespaces(m, index);
    if (!nss || (nss !== 'any' && nss.some((n) => isTemplated(n)))) return out;
    const own = nss !== 'any' && nss.length === 1 && nss[0] === index.namespaceOf(m) && get(m.object, ['spec', 'namespaceSelector']) === undefined;
    const where = namespacesText(nss);

    if (m.kind === 'ServiceMonitor') {
      let services = servicesSelectedBy(index, selector, nss);
      if (own) services = services.filter((s) => index.sameScope(s, m));
      if (services.length === 0) {
        // The API server's own Service, "kubernetes" in "default", exists in every cluster.
        const apiserver = { component: 'apiserver', provider: 'kubernetes' };
        if ((nss === 'any' || nss.includes('default')) && selectorMatches(selector, apiserver) === true) return out;
        // The kubelet Service that prometheus-operator itself writes (--kubelet-service=NS/NAME).
        const named = stringMap(get(selector, ['matchLabels']));
        const kubelet = (named['k8s-app'] === 'kubelet' || named['app.kubernetes.io/name'] === 'kubelet') && selectorMatches(selector, KUBELET_SERVICE_LABELS) === true;
        if (kubelet) {
          const made = kubeletServiceFlag(index);
          if (made && (nss === 'any' || nss.includes(made.namespace))) return out;
        }
        const none = !anyIn(index, 'Service', nss);
        // The usual mix-up: the selector copies a Service's pod selector (spec.selector), not its labels.
        const mixed = kubelet ? undefined : podSelectorCopy(index, m, selector, nss);
        const hint = mixed ? `; Service "${mixed.name}" (${mixed.origin.file}) has ${describeSelector(selector)} as its pod selector (spec.selector), not as its labels: a ServiceMonitor matches Service labels, so add them to that Service's metadata.labels` : '';
        out.push({
          message: kubelet
            ? `selector ${describeSelector(selector)} matches the kubelet Service that prometheus-operator creates and keeps up to date when it runs with --kubelet-service=<namespace>/<name> (labels k8s-app=kubelet); no operator in the input has that flag for ${where}: without it, this ServiceMonitor gives Prometheus no target and no kubelet or cAdvisor metrics are scraped`
            : `selector ${describeSelector(selector)} matches the labels of no Service in ${where} in the input${none ? ' (the input has no Service there)' : ''}: if none matches in the cluster either, this ServiceMonitor gives Prometheus no target${hint}`,
          path: ['spec', 'selector'],
          unknown: `no Service in ${where} matches the selector`,
          unknownIn: nss === 'any' ? '*' : nss,
          knownMessage: kubelet
            ? `selector ${describeSelector(selector)} matches the kubelet Service that prometheus-operator creates when it runs with --kubelet-service=<namespace>/<name> (labels k8s-app=kubelet), and no such Service is in ${where} ${sourceWhere(index)}: this ServiceMonitor gives Prometheus no target and no kubelet or cAdvisor metrics are scraped`
            : `selector ${describeSelector(selector)} matches the labels of no Service in ${where} ${sourceWhere(index)}${none ? ' (there is no Service there)' : ''}: this ServiceMonitor gives Prometheus no target${hint}`,
        });
        return out;
      }
      const ports = services.map((s) => ({ svc: s, ...servicePorts(s) }));
      getArray(m.object, ['spec', 'endpoints']).forEach((e, i) => {
        if (!isObject(e)) return;
        const port = e.port;
        if (typeof port !== 'string' || port === '' || isTemplated(port) || e.targetPort !== undefined) return;
        if (ports.some((p) => p.names.has(port))) return;
        const shown = ports.slice(0, 3).map((p) => `Service "${p.svc.name}" has ${p.text}`).join('; ');
        const target = ports.find((p) => p.targetOf.has(port));
        const hint = target
          ? `; "${port}" is the targetPort of port "${target.targetOf.get(port)}" of Service "${target.svc.name}", but endpoints[].port takes the Service port name: use port: ${target.targetOf.get(port)}`
          : '';
        out.push({
          message: `endpoint port "${port}" is not a port name of the Services the selector matches (${shown}): Prometheus gets no target from this endpoint${hint}`,
          path: ['spec', 'endpoints', i, 'port'],
          related: ports.slice(0, 5).map((p) => ({ resource: p.svc, path: ['spec', 'ports'], note: 'selected Service' })),
        });
      });
      return out;
    }

    let workloads = workloadsSelectedBy(index, selector, nss);
    if (own) workloads = workloads.filter((w) => index.sameScope(w.resource, m));
    if (workloads.length === 0) {
      const none = nss === 'any' ? index.workloads.length === 0 : nss.every((n) => index.workloadsIn(n).length === 0);
      out.push({
        message: `selector ${describeSelector(selector)} matches the pods of no workload in ${where} in the input${none ? ' (the input has no workload there)' : ''}: if none matches in the cluster either, this PodMonitor gives Prometheus no target`,
        path: ['spec', 'selector'],
        unknown: `no workload in ${where} has pods matching the selector`,
        unknownIn: nss === 'any' ? '*' : nss,
        knownMessage: `selector ${describeSelector(selector)} matches the pods of no workload in ${where} ${sourceWhere(index)}${none ? ' (there is no workload there)' : ''}: this PodMonitor gives Prometheus no target`,
      });
      return out;
    }
    const names = workloads.map((w) => ({ w, names: containerPortNames(w) }));
    getArray(m.object, ['spec', 'podMetricsEndpoints']).forEach((e, i) => {
      if (!isObject(e)) return;
      const port = e.port;
      if (typeof port !== 'string' || port === '' || isTemplated(port) || INJECTED_PORT.test(port)) return;
      if (e.targetPort !== undefined || e.portNumber !== undefined) return;
      if (names.some((n) => n.names.has(port))) return;
      const shown = names
        .slice(0, 3)
        .map((n) => `${n.w.resource.kind} "${n.w.resource.name}" has ${n.names.size ? [...n.names].map((x) => `"${x}"`).join(', ') : 'no named container port'}`)
        .join('; ');
      out.push({
        message: `podMetricsEndpoints port "${port}" is not a container port name of the pods the selector matches (${shown}): Prometheus gets no target from this endpoint`,
        path: ['spec', 'podMetricsEndpoints', i, 'port'],
        related: names.slice(0, 5).map((n) => ({ resource: n.w.resource, path: n.w.podSpecPath, note: 'selected pods' })),
      });
    });
    return out;
  },
});
