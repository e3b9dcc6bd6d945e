import { defineCheck, type FindingInput } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { ContainerRef, Resource, Workload } from '../../model/types.js';
import { closeFolders, getBool } from '../../model/util.js';
import { idleCommand } from '../../model/idle.js';
import { pdbsFor } from '../../model/pdb.js';
import { declaredPorts, isTelemetryPort, type DeclaredPort } from '../../model/ports.js';
import { metricsOnlyService } from '../observability/util.js';
import { servicePorts } from '../networking/service-util.js';
import { declaresPorts, hasProbe, isKnative, probedPorts, probeSnippet, telemetryPortsOnly } from './probe-util.js';

/**
 * Services in the input, in the workload's namespace, whose selector matches the pod labels and whose
 * endpoints follow readiness: one with publishNotReadyAddresses (peer discovery of a StatefulSet)
 * lists every pod, ready or not, so a readiness probe changes nothing for its traffic.
 */
function selectingServices(w: Workload, index: ResourceIndex) {
  const ns = index.namespaceOf(w.resource);
  return index.servicesSelecting(ns, w.podLabels).filter((svc) => index.sameScope(svc, w.resource) && getBool(svc.object, ['spec', 'publishNotReadyAddresses']) !== true);
}

/**
 * A Service that selects the pods and would be in the same scope but for its folder: both name no
 * namespace and sit in close folders (same, parent, child or sibling). Not certain to be deployed
 * with them, so it is named, not counted.
 */
function nearbyService(w: Workload, index: ResourceIndex): Resource | undefined {
  if (w.resource.namespace !== undefined) return undefined;
  return index
    .servicesSelecting(index.namespaceOf(w.resource), w.podLabels)
    .find((svc) => svc.namespace === undefined && !index.sameScope(svc, w.resource) && closeFolders(svc.origin.file, w.resource.origin.file) && !metricsOnlyService(svc, index) && getBool(svc.object, ['spec', 'publishNotReadyAddresses']) !== true);
}

/** Does a port of this Service send traffic to this container port (by name or number)? */
function targetsPort(svc: Resource, d: DeclaredPort): boolean {
  return servicePorts(svc).some((p) => (typeof p.target === 'string' ? d.name === p.target : d.containerPort === p.target));
}

/** Does a port of this Service send traffic to one of this container's ports? */
function targetsContainer(svc: Resource, c: ContainerRef): boolean {
  return declaredPorts(c).some((d) => targetsPort(svc, d));
}

/**
 * The container's ports when each is named as a metrics or health port or is the target of a
 * metrics-only Service of the input (an unnamed port behind a Service named `http-metrics`), and at
 * least one is; else null.
 */
function telemetryPorts(c: ContainerRef, services: Resource[], index: ResourceIndex): DeclaredPort[] | null {
  const named = telemetryPortsOnly(c);
  if (named) return named;
  const ports = declaredPorts(c).filter((p) => p.containerPort !== undefined);
  const scrapers = services.filter((svc) => metricsOnlyService(svc, index));
  if (ports.length === 0 || scrapers.length === 0) return null;
  return ports.every((p) => isTelemetryPort(p) || scrapers.some((svc) => targetsPort(svc, p))) ? ports : null;
}

export default defineCheck({
  id: 'readiness-probe-missing',
  pillar: 'health',
  severity: 'error',
  title: 'Container has no readiness probe',
  whatBreaks:
    'The pod counts as Ready the moment its containers start, so Services send it traffic while it is still warming up (connection errors on every rollout and scale-up), and a rollout of a broken version proceeds because every new pod looks healthy.',
  details: `Without a \`readinessProbe\` a container is Ready as soon as it is running. Readiness gates two things:
Service endpoints (traffic) and rollout progress (\`maxUnavailable\`, \`minReadySeconds\`, DaemonSet
rolling updates, PodDisruptionBudgets).

Precisely when it fires:

- **Deployments, StatefulSets, Rollouts and other replicated workloads, bare Pods:** every regular
  container that declares \`ports\` and has no readiness probe. A container without ports (a log
  shipper, a helper) is fine when another regular container in the pod has a readiness probe:
  the pod is only Ready when all its containers are. The same holds for a container with ports
  that no Service in the input targets, next to one that has a readiness probe (a sidecar's admin
  port). When no container declares ports and none has a readiness probe, it fires once, on the first
  container (a warning, see below); when a Service of a nearby folder (same, parent, child or sibling,
  neither naming a namespace) selects the pods, the warning names it: deployed with them, it sends
  them traffic before they are ready.
- **DaemonSets:** only when the DaemonSet looks like it serves traffic: the container declares
  \`ports\`, or a Service in the input selects the DaemonSet's pods. A node agent with no ports and no
  Service (a log collector, a CNI agent) is not flagged.
- **Metrics and health ports only** (every declared port is named like \`metrics\`, \`http-metrics\`,
  \`healthz\`, \`http-healthz\`, \`probes\`; a controller such as cert-manager's, or bound to the metrics or
  health endpoint by the container's own flags: \`--metrics-bind-address=:8080\`,
  \`--health-probe-bind-address=:8081\`, a CSI sidecar's \`--http-endpoint=:22011\`), or **no ports at all** (a
  worker): a warning, not an error, unless a Service in the input that is not metrics-only selects the pods
  (metrics-only: every port named as a metrics port, or a headless Service every port of which a
  ServiceMonitor of the input scrapes, as kube-prometheus's \`https-main\`). Scrapes and kubelet probes do not go
  through readiness (Prometheus scrapes not-ready endpoints too); what is left is the rollout counting
  each new pod available as soon as it starts.
- **Bare Pods without ports:** only when a Service (in the input, or of a nearby folder) or a
  PodDisruptionBudget selects them: readiness gates nothing else for a pod no controller rolls (a
  one-shot client, a benchmark, a debug pod).
- **Not checked:** Jobs and CronJobs, containers a webhook completes at admission (Istio's
  \`image: auto\`: the injection template adds the proxy's readiness probe), plain init containers (they cannot have probes), native
  sidecars (\`restartPolicy: Always\` init containers; a readiness probe is optional for them), and
  Knative Services, for which Knative adds a default TCP readiness probe on the user port, the Ray
  container (the first) of KubeRay head and worker templates, which the operator gives liveness and
  readiness probes when it has none, and containers that only idle (\`sleep infinity\`,
  \`tail -f /dev/null\`, the pause image), which serve nothing.
- **A port another container's readiness probe checks:** containers share the pod's network, so a
  readiness probe of container A on a port container B declares checks B; B is not reported.

The probe should answer "can this instance serve requests right now?", which may include critical
dependencies; the liveness probe must not.`,
  fix: {
    text: 'Add a readinessProbe that succeeds only when the container can serve requests.',
    yaml: `containers:
  - name: app
    ports:
      - name: http
        containerPort: 8080
    readinessProbe:
      httpGet:
        path: /readyz
        port: http
      periodSeconds: 5
      failureThreshold: 3`,
    place: { at: 'container', snippet: 'readinessProbe:\n  httpGet:\n    path: /ready   # the app\'s endpoint that answers 200 only when it can serve\n    port: 8080   # the port it serves on\n  periodSeconds: 5\n  failureThreshold: 3' },
  },
  uses: ['Service', 'ServiceMonitor', 'VMServiceScrape', 'PodDisruptionBudget'],
  target: 'workload',
  classes: ['service', 'daemon', 'pod'],
  run({ workload, index }) {
    const out: FindingInput[] = [];
    if (!workload || isKnative(workload.resource.apiVersion)) return out;
    const regular = workload.containers.filter((c) => c.type === 'container');
    // An injected placeholder (Istio's image: auto) gets its readiness probe from the injector.
    // A sibling's readiness probe of a port this container serves checks this container (one network).
    let probed: Set<number> | undefined;
    const checkedBySibling = (c: ContainerRef) => declaredPorts(c).some((p) => p.containerPort !== undefined && (probed ??= probedPorts(workload, ['readinessProbe'])).has(p.containerPort));
    // A container that only idles (sleep, tail -f /dev/null) serves nothing a probe could check.
    const gated = (c: ContainerRef) => hasProbe(c, 'readinessProbe') || c.injectedBy !== undefined || c.probesBy !== undefined || checkedBySibling(c);
    const missing = regular.filter((c) => !gated(c) && idleCommand(c.spec) === undefined);
    if (missing.length === 0) return out;
    const anyReadiness = regular.some(gated);
    const anyPorts = regular.some(declaresPorts);
    const daemon = workload.class === 'daemon';
    let services: ReturnType<typeof selectingServices> | undefined;
    const servicesOf = () => (services ??= selectingServices(workload, index));
    const service = daemon ? servicesOf()[0]?.name : undefined;
    let flaggedPortless = false;
    // Bare Pods and ReplicationControllers have no rollout (kubectl rolling-update is gone): readiness
    // gates traffic and what PodDisruptionBudgets count as healthy.
    const rolls = workload.class !== 'pod' && workload.resource.kind !== 'ReplicationController';
    for (const c of missing) {
      const kind = daemon ? 'DaemonSet ' : '';
      // Without a readiness probe, Ready follows the startup probe when there is one.
      const ready = hasProbe(c, 'startupProbe') ? 'as soon as its startupProbe passes' : 'as soon as it starts';
      const telemetry = telemetryPorts(c, servicesOf(), index);
      const traffic = telemetry ? servicesOf().find((svc) => !metricsOnlyService(svc, index)) : undefined;
      if (telemetry && !traffic) {
        const shown = telemetry.map((p) => (p.name ? `${p.name} ${p.containerPort}` : p.flag ? `${p.containerPort} (${p.flag})` : `${p.containerPort}, scraped through a metrics Service`)).join(', ');
        out.push({
          message: `${kind}container "${c.name}" declares only metrics and health ports (${shown}) and has no readinessProbe: no Service traffic depends on it, but ${rolls ? 'a rollout counts each new pod available' : 'the pod counts as Ready (for PodDisruptionBudgets too)'} ${ready}`,
          path: [...c.path, 'readinessProbe'],
          container: c.name,
          fixSnippet: probeSnippet(c, 'readinessProbe'),
          severity: 'warning',
        });
        continue;
      }
      if (declaresPorts(c)) {
        const serving = servicesOf().filter((svc) => !metricsOnlyService(svc, index));
        const aimed = serving.find((svc) => targetsContainer(svc, c));
        // Another container's readiness probe gates the pod (a pod is Ready only when all its
        // containers are): a sidecar whose ports no Service of the input targets adds nothing.
        if (anyReadiness && !aimed) continue;
        const to = aimed?.name;
        // Another container's probe gates the pod: traffic waits for that one, not for this container.
        const gate = anyReadiness ? regular.find((x) => x !== c && hasProbe(x, 'readinessProbe'))?.name : undefined;
        out.push({
          message: to && gate
            ? `${kind}container "${c.name}" declares ports but has no readinessProbe: the pod is Ready once container "${gate}"'s readiness passes, so Service "${to}" sends traffic to "${c.name}" whether or not it can serve yet${rolls ? ', and rollouts never check it' : ''}`
            : to
            ? `${kind}container "${c.name}" declares ports but has no readinessProbe: it is Ready ${ready}, so Service "${to}" sends it traffic before it can serve${rolls ? ' and rollouts proceed without checking it' : ''}`
            : `${kind}container "${c.name}" declares ports but has no readinessProbe: it is Ready ${ready}, so any Service that selects it sends traffic before it can serve${rolls ? ', and rollouts proceed without checking it' : ''}`,
          path: [...c.path, 'readinessProbe'],
          container: c.name,
          fixSnippet: probeSnippet(c, 'readinessProbe'),
        });
        continue;
      }
      // A portless container: a helper when another container gates readiness.
      if (anyReadiness || anyPorts || flaggedPortless) continue;
      if (daemon && !service) continue;
      // A bare Pod without ports: readiness gates only Service endpoints and what a PodDisruptionBudget
      // counts; with neither selecting it (a one-shot client, a benchmark, a debug pod) it gates nothing.
      if (workload.class === 'pod' && !servicesOf().length && !nearbyService(workload, index)) {
        const pdbs = pdbsFor(workload, index);
        if (!pdbs.certain.length && !pdbs.possible.length) continue;
      }
      flaggedPortless = true;
      // A worker (no ports): traffic only if a Service that is not metrics-only selects its pods anyway.
      const sending = daemon ? undefined : servicesOf().find((svc) => !metricsOnlyService(svc, index))?.name;
      // A namespace-less Service of a nearby folder (the parent's llm-service.yaml for each model
      // folder) that selects these pods: deployed together, as it likely is, it sends them traffic.
      const nearby = daemon || sending || service ? undefined : nearbyService(workload, index);
      out.push({
        message: service
          ? `DaemonSet container "${c.name}" has no readinessProbe, yet Service "${service}" selects these pods: they get traffic ${ready.replace('it starts', 'they start')}`
          : sending
            ? `no container in the pod has a readinessProbe, yet Service "${sending}" selects these pods: container "${c.name}" is Ready, and gets traffic, ${ready}`
            : nearby
              ? `no container in the pod has a readinessProbe: container "${c.name}" is Ready ${ready}; Service "${nearby.name}" (${nearby.origin.file}, a nearby folder, neither naming a namespace) selects pods with these labels, so if it is deployed with them it sends them traffic before they are ready`
              : `no container in the pod has a readinessProbe: container "${c.name}" is Ready ${ready}, so ${rolls ? 'rollouts proceed' : 'it counts as Ready (for PodDisruptionBudgets too)'} without checking it works; no Service in the input sends it traffic (if one elsewhere does, that traffic reaches it before it is ready)`,
        // Complete input, or a live scan: no Service anywhere sends it traffic.
        ...(service || sending || nearby ? {} : { completeMessage: `no container in the pod has a readinessProbe: container "${c.name}" is Ready ${ready}, so ${rolls ? 'rollouts proceed' : 'it counts as Ready (for PodDisruptionBudgets too)'} without checking it works; no Service ${sourceWhere(index)} sends it traffic` }),
        ...(nearby ? { related: [{ resource: nearby, path: ['spec', 'selector'], note: 'selects these pods if deployed with them' }] } : {}),
        path: [...c.path, 'readinessProbe'],
        container: c.name,
        fixSnippet: probeSnippet(c, 'readinessProbe'),
        ...(service || sending ? {} : { severity: 'warning' as const }),
      });
    }
    return out;
  },
});
