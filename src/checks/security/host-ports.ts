import { flowYaml, toYaml } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef, JsonObject, Workload } from '../../model/types.js';
import type { ResourceIndex } from '../../model/index.js';
import { getArray, getString, isObject, isTemplated } from '../../model/util.js';
import { CONTROLLER_SET_LABELS, isCoreService, serviceSelector, servicePorts } from '../networking/service-util.js';
import { exemptionLine, privilegedNamespaceText } from './host-path-volume.js';
import { listText, pssContainers, pssRef, who } from './pss-util.js';

/** A container port that binds a host port. */
interface HostPortEntry {
  /** Index in the container's ports. */
  index: number;
  hostPort: number;
  containerPort: number | undefined;
  name: string | undefined;
  protocol: string;
}


/**
 * The container's ports as they should be: every entry as written, hostPort (and the hostIP that only
 * means something with it) set to null, which deletes it in a merge. All entries are given: a list of
 * unnamed ports is replaced as a whole when the snippet is merged into the manifest.
 */
function portsSnippet(c: ContainerRef, bad: HostPortEntry[]): string {
  const ports = getArray(c.spec, ['ports']).map((p, i) => {
    if (!isObject(p) || !bad.some((b) => b.index === i)) return p;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(p)) out[k] = k === 'hostPort' || k === 'hostIP' ? null : v;
    return out;
  });
  const text = toYaml({ ports }, -1, true).trimEnd();
  return text.replace(/^(\s*(?:- )?hostPort: null)$/gm, '$1   # removed');
}

/** A Service name (DNS-1035 label) derived from the workload's name (a DNS-1123 subdomain). */
function serviceName(base: string, taken: Set<string>): string {
  const clean = (s: string) => {
    let n = s.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    if (!/^[a-z]/.test(n)) n = `svc-${n}`;
    return n.slice(0, 63).replace(/-+$/, '');
  };
  const first = clean(base);
  return taken.has(first) ? clean(`${base.slice(0, 57)}-ports`) : first;
}

/** "port 443 ("https")", "ports 80 ("http") and 443 ("https")". */
function portsText(bad: HostPortEntry[]): string {
  const one = (b: HostPortEntry) => `${b.hostPort}${b.protocol !== 'TCP' ? `/${b.protocol}` : ''}${b.name ? ` ("${b.name}")` : ''}`;
  return `hostPort ${listText(bad.map(one))}`;
}

/** The per-finding fix text: the Service the pods are reached through, what a ClusterIP does not give, and how to keep the hostPort. */
function fixText(w: Workload, c: ContainerRef, bad: HostPortEntry[], index: ResourceIndex): string {
  const r = w.resource;
  const ns = index.namespaceOf(r);
  const daemon = w.class === 'daemon';
  const hostPorts = listText(bad.map((b) => `:${b.hostPort}`));
  // Services of the input that already select these pods, and which of the ports they send traffic to.
  const services = index.servicesSelecting(ns, w.podLabels).filter((s) => isCoreService(s) && index.sameScope(s, r) && serviceSelector(s) !== null);
  const coveredBy = (b: HostPortEntry) =>
    services.find((s) => servicePorts(s).some((p) => p.protocol === b.protocol && p.target !== undefined && (p.target === b.containerPort || (b.name !== undefined && p.target === b.name))));
  const covered = bad.filter((b) => coveredBy(b));
  const missing = bad.filter((b) => !coveredBy(b));
  const sentences: string[] = [];
  let first = `Remove ${portsText(bad)} of ${who(c)} (the YAML)`;
  let external: string | null = null;
  if (missing.length) {
    const own = Object.fromEntries(Object.entries(w.podLabels).filter(([k, v]) => !CONTROLLER_SET_LABELS.has(k) && !isTemplated(k) && !isTemplated(v)));
    const labelled = Object.keys(own).length > 0;
    const selector = labelled ? own : { 'app.kubernetes.io/name': serviceName(r.name, new Set()) };
    const taken = new Set(index.inNamespace('Service', ns).filter((s) => index.sameScope(s, r)).map((s) => s.name));
    const named = missing.length > 1;
    const used = new Set<string>();
    const ports = missing.map((b) => {
      let name = b.name ?? `${b.protocol.toLowerCase()}-${b.containerPort}`;
      if (used.has(name)) name = `${name}-${b.index}`;
      used.add(name);
      return { ...(named ? { name } : {}), port: b.containerPort, targetPort: b.name ?? b.containerPort, ...(b.protocol !== 'TCP' ? { protocol: b.protocol } : {}) };
    });
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: serviceName(r.name, taken), ...(index.kubectlNamespace(r) ? { namespace: ns } : {}) },
      spec: { selector, ...(daemon ? { internalTrafficPolicy: 'Local' } : {}), ports },
    };
    const pods = r.kind === 'Pod' ? 'the Pod' : 'the pod template';
    const how = labelled
      ? `a Service that selects them by ${pods}'s own labels and sends ${named ? 'each port' : 'the port'} to the container's port${missing.some((b) => b.name) ? ' (by name)' : ''}`
      : `a Service; ${pods} has no labels to select, so first add ${flowYaml(selector)} to its metadata.labels`;
    const local = daemon ? ' (internalTrafficPolicy: Local: a client pod reaches the agent on its own node, as it did through the hostPort)' : '';
    // The Service is given as one line of JSON for `kubectl apply -f -`: kubectl reads input that starts
    // with "{" as JSON, so a YAML flow mapping would not parse there.
    first += ` and reach the pods${covered.length ? ` on ${listText(missing.map((b) => String(b.containerPort)))}` : ''} through ${how}${local}: echo '${JSON.stringify(svc)}' | kubectl apply -f -`;
  }
  if (covered.length) {
    const svcs = [...new Set(covered.map((b) => coveredBy(b)!))];
    const described = svcs.map((s) => {
      const type = (isObject(s.object.spec) ? getString(s.object.spec, ['type']) : undefined) ?? 'ClusterIP';
      if (type === 'LoadBalancer') external = 'its load balancer';
      else if (type === 'NodePort' && external === null) external = 'its node ports';
      return `Service "${s.name}" (type ${type})`;
    });
    first += `${missing.length ? '; ' : ': '}${listText(described)} already send${svcs.length === 1 ? 's' : ''} ${listText(covered.map((b) => String(b.containerPort)))} to these pods, so clients reach them there`;
    if (external) first += ` (from outside the cluster through ${external}, instead of ${hostPorts} of the node that runs a pod)`;
  }
  sentences.push(first);
  const reason = daemon
    ? `node agent: listens on ${hostPorts} of each node's IP (hostPort); runs in a namespace with pod-security.kubernetes.io/enforce: privileged`
    : `edge proxy: listens on ${hostPorts} of the nodes of a dedicated node pool (hostPort); runs in a namespace with pod-security.kubernetes.io/enforce: privileged`;
  const keep = `${privilegedNamespaceText(index, r, daemon ? 'node agents' : 'workloads that may bind host ports')}, and record the exception in .kubeready.yaml: ${exemptionLine(index, r, 'host-ports', reason)}`;
  const clusterIp = `A ClusterIP Service (the default type) is reachable only from inside the cluster: it does not give clients outside it what ${hostPorts} on the node's IP gave them`;
  if (daemon) {
    if (external === null) sentences.push(`${clusterIp}; for them make it type: LoadBalancer (or NodePort)`);
    sentences.push(`If ${r.kind} "${r.name}" is a node agent that must listen on each node's own IP (pods that send to status.hostIP, an ingress controller on the nodes' ports), keep the hostPort instead: ${keep}`);
  } else if (external === null) {
    sentences.push(`${clusterIp}; for an edge proxy or ingress controller make it type: LoadBalancer (or NodePort), or keep the hostPort on a dedicated node pool: ${keep}`);
  } else {
    sentences.push(`To keep the hostPort instead (an edge proxy on a dedicated node pool): ${keep}`);
  }
  if (w.class === 'service' && (w.replicas ?? 1) > 1) {
    sentences.push('Without the hostPort, two of its replicas may run on one node (two pods could not hold one node port): spread them with pod anti-affinity if that matters');
  }
  return sentences.map((x) => `${x}.`).join(' ');
}

export default defineCheck({
  id: 'host-ports',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Container binds a host port',
  whatBreaks:
    "A hostPort opens the port on the node's own IP address, bypassing Services and NetworkPolicies on many CNIs: the container becomes reachable from anywhere that can reach the node. Only one pod per node can hold the port, so extra replicas stay Pending.",
  details: `PodSecurity **baseline** requires \`ports[*].hostPort\` to be unset or \`0\` on every container, init container and sidecar. There is no allow-list in the standard.

To receive traffic, use a Service (ClusterIP behind an Ingress or Gateway, or NodePort/LoadBalancer when it must be reachable from outside). Node-level agents that must listen on the node (some ingress controllers run as DaemonSets with hostPort 80/443) are the exception: exempt them here with a reason.

Each finding's fix removes the hostPort of that container's ports and gives the Service to reach the pods through: selecting the pod template's own labels (not those a controller adds), with each port sent to the container's port by name where it has one, or names the Service of the input that already does. A ClusterIP Service serves clients inside the cluster only: the fix says so, with the alternatives for an edge proxy (type LoadBalancer or NodePort, or the hostPort kept on a dedicated node pool with an exemption). For a DaemonSet the Service gets \`internalTrafficPolicy: Local\` (a client reaches the agent on its own node), and the fix gives the exemption for a node agent that must listen on each node's IP.`,
  fix: {
    text: "Remove hostPort and reach the pods through a Service that selects the pod template's labels and targets the container port; a ClusterIP Service serves only clients inside the cluster (an edge proxy needs type LoadBalancer or NodePort, or keeps its hostPort on a dedicated node pool with an exemption).",
    yaml: `containers:
  - name: app
    ports:
      - name: http
        containerPort: 8080   # no hostPort
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:            # the pod template's own labels
    app: web
  ports:
    - name: http
      port: 8080
      targetPort: http   # the container port, by name`,
    // Per finding: the container's own ports without hostPort; the Service is in the fix text.
    place: { at: 'container', snippet: '' },
  },
  uses: ['Service'],
  target: 'workload',
  run({ workload, index }) {
    const out: FindingInput[] = [];
    // On a host-network pod every port is on the node's IP already, and the API server sets each port's
    // hostPort to its containerPort on the Pod (SetDefaults_Pod, defaultHostNetworkPorts): removing
    // hostPort changes nothing. host-namespaces reports hostNetwork, the setting to remove.
    if (workload!.podSpec.hostNetwork === true) return out;
    for (const c of pssContainers(workload!)) {
      const bad: HostPortEntry[] = [];
      getArray(c.spec, ['ports']).forEach((p, index) => {
        if (!isObject(p)) return;
        const hp = p.hostPort;
        if (typeof hp === 'number' && hp !== 0) {
          bad.push({
            index,
            hostPort: hp,
            containerPort: typeof p.containerPort === 'number' ? p.containerPort : undefined,
            name: typeof p.name === 'string' && p.name !== '' ? p.name : undefined,
            protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
          });
        }
      });
      if (bad.length === 0) continue;
      const evaluable = bad.every((b) => b.containerPort !== undefined);
      out.push({
        message: `${who(c)}: hostPort ${bad.map((b) => b.hostPort).join(', ')} opens ${bad.length > 1 ? 'these ports' : 'the port'} on the node's IP ${pssRef('baseline', 'Host Ports')}`,
        path: [...c.path, 'ports', bad[0].index, 'hostPort'],
        container: c.name,
        fixSnippet: portsSnippet(c, bad),
        // A containerPort that is not a number (unrendered template text): no Service can be written for it.
        ...(evaluable ? { fix: fixText(workload!, c, bad, index) } : {}),
      });
    }
    return out;
  },
});
