import { defineCheck, type ContainerRef, type FindingInput, type RelatedInput, type Workload } from '../types.js';
import { get, getArray, getString } from '../../model/util.js';
import { probedPorts, resolvePort } from '../health/probe-util.js';
import { metricsOnlyService } from '../observability/util.js';
import { podPorts, selectedWorkloads, servicePorts, showObject } from './service-util.js';
import { isMetricsPortName } from '../../model/ports.js';
import { idleCommand } from '../../model/idle.js';

/** The containers of the pod that receive traffic for this target port, when that can be told. */
function servingContainers(w: Workload, target: number | string): ContainerRef[] {
  const { ports, evaluable } = podPorts(w);
  const declaring = ports.filter((p) => (typeof target === 'number' ? p.number === target : p.name === target)).map((p) => p.container);
  if (declaring.length > 0) return [...new Set(declaring)];
  // An undeclared number: the pod's only long-running container must be the one listening, unless it
  // only idles (sleep, tail -f /dev/null: a pod kept for its DNS name behind a headless Service).
  if (typeof target === 'number' && evaluable) {
    const running = w.containers.filter((c) => c.longRunning);
    if (running.length === 1 && idleCommand(running[0].spec) === undefined) return running;
  }
  return [];
}

function has(c: ContainerRef, field: string): boolean {
  const v = c.spec[field];
  return v !== undefined && v !== null;
}

const MAX_NAMED = 5;
const MAX_RELATED = 10;

export default defineCheck({
  id: 'service-backends-without-readiness',
  pillar: 'networking',
  severity: 'warning',
  title: 'Service sends traffic to containers without a readiness probe',
  whatBreaks:
    'The endpoints controller adds a pod to the Service as soon as its containers have started: the container serving the Service port gets connections before the application listens or has warmed up, so clients see connection refused and slow or failed requests on every start, scale-up and rollout.',
  details: `A pod is Ready (and becomes a Service endpoint) when all its containers are ready; a container
without a \`readinessProbe\` is ready the moment it has started (after its \`startupProbe\`, if any,
succeeds).

Reported for a Service with a selector when a workload it selects in the input (same namespace,
deployed together; Jobs and CronJobs excepted) has a long-running container that serves one of the
Service's target ports with neither a \`readinessProbe\` nor a \`startupProbe\`. The serving container
is the one declaring the target port (by number or name), or the pod's only long-running container
when the number is not declared; when that cannot be told, nothing is reported.

Not reported:
- Services with \`publishNotReadyAddresses: true\` (or the old
  \`service.alpha.kubernetes.io/tolerate-unready-endpoints\` annotation), typically headless Services
  for StatefulSet peer discovery: they publish pods whether ready or not by design;
- Services whose ports are all named as metrics ports (\`metrics\`, \`http-metrics\`, \`prom\`...), and
  headless Services whose ports are all scraped by ServiceMonitors of the input (kube-prometheus names
  them \`https-main\`): they list scrape targets, and Prometheus scrapes pods whether ready or not;
- UDP ports: Kubernetes has no UDP probe; and, in a Service that also carries traffic, its ports named
  as metrics ports (an exporter sidecar's \`metrics\` or \`exporter\` port beside the server's);
- a serving container whose port a readiness or startup probe of another container of the pod checks
  (containers share the pod's network, and the pod is an endpoint only when every container is ready);
- pods with \`readinessGates\` (a load balancer controller holds the pod unready until its own health
  check passes);
- Knative workloads (Knative adds a readiness probe on the user port).

This complements \`readiness-probe-missing\` (health pillar) from the Service's side: it names the
Service whose clients are affected.`,
  fix: {
    text: 'Add a readinessProbe on the serving port to the container, so the pod joins the Service only when it can answer.',
    yaml: `containers:
  - name: app
    ports:
      - name: http
        containerPort: 8080
    readinessProbe:
      httpGet:
        path: /readyz
        port: http
      periodSeconds: 5`,
  },
  uses: ['ServiceMonitor', 'VMServiceScrape'],
  target: 'object',
  kinds: ['Service'],
  run({ resource: svc, index }) {
    const out: FindingInput[] = [];
    if (get(svc.object, ['spec', 'publishNotReadyAddresses']) === true) return out;
    if (/^true$/i.test(getString(svc.object, ['metadata', 'annotations', 'service.alpha.kubernetes.io/tolerate-unready-endpoints']) ?? '')) return out;
    // A list of scrape targets (metrics port names, or headless and scraped by ServiceMonitors), not a
    // Service clients connect through.
    if (metricsOnlyService(svc, index)) return out;
    const backends = selectedWorkloads(index, svc);
    if (backends.length === 0) return out;
    const ports = servicePorts(svc);
    // A generic selector can match hundreds of workloads: parts de-duplicated with a set.
    const parts: string[] = [];
    const listed = new Set<string>();
    const related: RelatedInput[] = [];
    // Bare Pods, ReplicaSets and ReplicationControllers never roll out: their pods start on creation, restart and scale-up.
    let rolls = false;
    for (const w of backends) {
      if (w.class === 'batch' || w.resource.apiVersion.startsWith('serving.knative.dev/')) continue;
      if (getArray(w.podSpec, ['readinessGates']).length > 0) continue;
      const unprobed = new Map<ContainerRef, string[]>();
      let probed: Set<number> | undefined;
      for (const p of ports) {
        // Kubernetes has no UDP probe: a DNS or syslog port cannot be probed, so nothing to fix here.
        if (p.target === undefined || p.protocol.toUpperCase() === 'UDP') continue;
        // A metrics port of a mixed Service (an exporter sidecar beside the server): scraped, not used.
        if ((p.name !== undefined && isMetricsPortName(p.name)) || (typeof p.target === 'string' && isMetricsPortName(p.target))) continue;
        for (const c of servingContainers(w, p.target)) {
          if (has(c, 'readinessProbe') || has(c, 'startupProbe') || c.injectedBy || c.probesBy) continue;
          const number = resolvePort(c, p.target);
          if (number !== undefined && (probed ??= probedPorts(w, ['readinessProbe', 'startupProbe'])).has(number)) continue;
          let l = unprobed.get(c);
          if (!l) unprobed.set(c, (l = []));
          const t = typeof p.target === 'number' ? String(p.target) : `"${p.target}"`;
          if (!l.includes(t)) l.push(t);
        }
      }
      if (unprobed.size === 0) continue;
      if (w.class !== 'pod' && w.resource.kind !== 'ReplicationController' && w.resource.kind !== 'ReplicaSet') rolls = true;
      const cs = [...unprobed].map(([c, l]) => `container "${c.name}" (port ${l.join(', ')})`);
      const part = `${showObject(w.resource)} ${cs.join(', ')}`;
      if (!listed.has(part)) {
        listed.add(part);
        parts.push(part);
      }
      for (const c of unprobed.keys()) if (related.length < MAX_RELATED) related.push({ resource: w.resource, path: [...c.path, 'readinessProbe'], note: `container "${c.name}" has no readinessProbe` });
    }
    if (parts.length === 0) return out;
    // A Service over dozens of workloads: name the first few, count the rest.
    const shown = parts.length > MAX_NAMED ? `${parts.slice(0, MAX_NAMED).join('; ')} and ${parts.length - MAX_NAMED} more workloads` : parts.join('; ');
    out.push({
      message: `selects ${shown} without a readinessProbe: those pods become endpoints as soon as the container starts, so connections arrive before the application can answer (refused or failed during start-up${rolls ? ' and every rollout' : ', restarts and scale-ups'})`,
      path: ['spec', 'selector'],
      related: related.slice(0, MAX_RELATED),
    });
    return out;
  },
});
