import { isHostNetwork } from './netpol-util.js';
import { servicePorts } from './service-util.js';
import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Json, Resource, Workload } from '../../model/types.js';
import { get, getArray, isObject, isTemplated } from '../../model/util.js';

/** A cluster DNS name one container connects to, and where it is written. */
interface Evidence {
  /** The name as written (lower-cased, without a trailing dot). */
  host: string;
  /** Where: `env METRICS_URL`, `args[1]`. */
  field: string;
  /** The Service a short name (`api`, `api.backend`) stands for. */
  service?: Resource;
}

/** One label of a DNS name (RFC 1123, lower case). */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Last labels of the cluster domains people choose (`cluster.local`, `k8s.local`, `cluster.internal`):
 * `x.y.svc.<domain>` with another domain (`api.svc.example.com`) may be a public name, and is left out.
 */
const PRIVATE_TLDS = new Set(['local', 'internal', 'cluster', 'lan', 'localdomain', 'kube', 'k8s', 'intranet', 'corp', 'home', 'private']);

/** Keys (flag names, env var names) whose value is a host to connect to: the context a short name needs. */
const HOST_KEY = /(^|[-_.])(host|hosts|addr|address|addresses|server|servers|endpoint|endpoints|url|urls|uri|uris|broker|brokers|upstream|upstreams|master|dsn)$/i;

/**
 * Keys whose value names a host without connecting to it (a TLS server name, a certificate SAN, an
 * advertised or published name, a no-proxy list, a domain) or is not a host at all (an image).
 */
const NOT_CONNECT_KEY = /image|no[-_]?proxy|advertis|publish|domain|tls|sni|server[-_]?name|cert|san$|subject|hostname[-_]?override|cn$|listen|bind/i;

/** The `-flag=value` or `NAME=value` split of a word, if it is one. */
const ASSIGN = /^(-{1,2}[A-Za-z0-9][\w.-]*|[A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Characters that separate hosts inside a value: quotes, lists, JSON and shell punctuation. */
const PIECE_SEP = /[\s,;"'`()[\]{}<>|]+/;

/** A DNS name's labels, or null when the text is not one (an IP address, a path, a version). */
function labelsOf(host: string): string[] | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === '' || h.length > 253) return null;
  const labels = h.split('.');
  if (!labels.every((l) => LABEL.test(l))) return null;
  // 10.0.0.1, 1.25: not names.
  if (labels.every((l) => /^\d+$/.test(l))) return null;
  return labels;
}

type HostForm = 'url' | 'hostport' | 'plain';

/**
 * The host a piece of text connects to, and how the text says it is a host: `url`
 * (`http://user@api.backend.svc:8080/x` -> api.backend.svc), `hostport` (`db:5432` -> db, port 5432) or
 * `plain` (`api.backend.svc`); null for paths (`/var/run/x.svc`), image references and the like.
 */
function hostOf(piece: string): { host: string; form: HostForm; port?: number } | null {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(.*)$/.exec(piece);
  if (scheme) {
    // gRPC's dns:///host:port has an empty authority: the host is the first path segment.
    const rest = piece.toLowerCase().startsWith('dns:///') ? scheme[1].slice(1) : scheme[1];
    let authority = rest.split(/[/?#]/, 1)[0];
    authority = authority.slice(authority.lastIndexOf('@') + 1);
    if (authority.startsWith('[')) return null;
    const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(authority);
    return m ? { host: m[1], form: 'url' } : null;
  }
  // Paths, image references (registry/repo:tag), anything with a slash: not a host.
  if (piece.includes('/') || piece.includes('@')) return null;
  const m = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(piece);
  if (!m) return null;
  if (m[2] === undefined) return { host: m[1], form: 'plain' };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1], form: 'hostport', port };
}

/**
 * Is this a cluster DNS name? `<name>.<ns>.svc` and `<name>.<ns>.svc.<cluster domain>` always (more
 * labels in front: a StatefulSet pod's name). `<name>.<ns>` and a bare `<name>` only when a v1 Service
 * of that name exists in the input in that namespace (the pod's own, in the same scope, for a bare
 * name) and the text says it is a host: a URL, the value of a host-like key, or `host:port` with a
 * port the Service declares (`postgres:16` is more likely an image than a connection).
 */
function clusterName(h: { host: string; form: HostForm; port?: number }, hostKey: boolean, w: Workload, index: ResourceIndex): { service?: Resource } | null {
  const labels = labelsOf(h.host);
  if (!labels) return null;
  const svc = labels.indexOf('svc');
  if (svc >= 2) {
    const domain = labels.slice(svc + 1);
    if (domain.length === 0) return {};
    if (domain.length <= 3 && PRIVATE_TLDS.has(domain[domain.length - 1])) return {};
    return null;
  }
  if (labels.length > 2 || (h.form === 'plain' && !hostKey)) return null;
  const [name, ns] = labels;
  const service =
    ns !== undefined
      ? index.inNamespace('Service', ns).find((r) => r.name === name && r.apiVersion === 'v1')
      : index.inNamespace('Service', index.namespaceOf(w.resource)).find((r) => r.name === name && r.apiVersion === 'v1' && index.sameScope(r, w.resource));
  if (!service) return null;
  if (h.form === 'hostport' && !hostKey && !servicePorts(service).some((sp) => sp.port === h.port)) return null;
  return { service };
}

/** The hostnames hostAliases add to the pod's /etc/hosts (host-network pods get the node's file plus these). */
function aliasNames(w: Workload): Set<string> {
  const out = new Set<string>();
  for (const a of getArray(w.podSpec, ['hostAliases'])) for (const h of getArray(a, ['hostnames'])) if (typeof h === 'string') out.add(h.toLowerCase().replace(/\.$/, ''));
  return out;
}

/** Cluster names in one string (an env value, a command or args item), with the key it is the value of, if any. */
function scan(text: string, field: string, key: string | undefined, w: Workload, index: ResourceIndex, aliases: Set<string>, out: Evidence[], state: { prevFlag?: string } = {}): void {
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    let k = key;
    let value = word;
    const assign = ASSIGN.exec(word);
    if (assign) {
      k = assign[1].replace(/^-+/, '');
      value = assign[2];
    } else if (state.prevFlag !== undefined) {
      // `--server http://api.backend.svc`: the value of the flag before it.
      k = state.prevFlag;
    }
    state.prevFlag = /^-{1,2}[A-Za-z][\w.-]*$/.test(word) ? word.replace(/^-+/, '') : undefined;
    if (isTemplated(word) || /\$|\{\{|\}\}/.test(word)) continue;
    if (k !== undefined && NOT_CONNECT_KEY.test(k)) continue;
    const hostKey = k !== undefined && HOST_KEY.test(k);
    for (const piece of value.split(PIECE_SEP)) {
      if (piece === '') continue;
      const h = hostOf(piece);
      if (!h) continue;
      const host = h.host.toLowerCase().replace(/\.$/, '');
      if (aliases.has(host)) continue;
      const hit = clusterName({ ...h, host }, hostKey, w, index);
      if (hit) out.push({ host, field, ...(hit.service ? { service: hit.service } : {}) });
    }
  }
}

/** Every cluster name a container's env values, command and args connect to, in order. */
function evidence(spec: Record<string, Json>, w: Workload, index: ResourceIndex, aliases: Set<string>): Evidence[] {
  const out: Evidence[] = [];
  const env = spec.env;
  if (Array.isArray(env)) {
    for (const e of env) {
      if (!isObject(e) || typeof e.name !== 'string' || e.valueFrom !== undefined) continue;
      if (typeof e.value !== 'string' || isTemplated(e.value)) continue;
      scan(e.value, `env ${e.name}`, e.name, w, index, aliases, out);
    }
  }
  for (const field of ['command', 'args'] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    // A flag's value may be the next item (`args: [--server, http://api.backend.svc]`).
    const state: { prevFlag?: string } = {};
    list.forEach((item, i) => {
      if (typeof item === 'string') scan(item, `${field}[${i}]`, undefined, w, index, aliases, out, state);
      else state.prevFlag = undefined;
    });
  }
  return out;
}

export default defineCheck({
  id: 'host-network-cluster-dns',
  pillar: 'networking',
  severity: 'warning',
  title: 'Host-network pod connects to cluster DNS names without dnsPolicy ClusterFirstWithHostNet',
  whatBreaks:
    "A pod with hostNetwork: true and dnsPolicy ClusterFirst (the default) gets the node's resolv.conf, not the cluster DNS: Service names such as api.backend.svc.cluster.local do not resolve, and the container fails to connect with a name-resolution error.",
  details: `The kubelet picks a pod's DNS settings from \`dnsPolicy\` (pkg/kubelet/network/dns/dns.go, \`getPodDNSType\`):
\`ClusterFirst\`, the default the API server sets when the field is empty (pkg/apis/core/v1/defaults.go), gives the
cluster DNS server and the \`<ns>.svc.<domain>\`, \`svc.<domain>\`, \`<domain>\` search path to ordinary pods, but
**falls back to \`Default\` for pods with \`hostNetwork: true\`**: the node's resolv.conf (the kubelet's
\`--resolv-conf\`), whose nameservers know nothing of the cluster domain. Only \`ClusterFirstWithHostNet\` gives a
host-network pod the cluster DNS (the API reference of \`PodSpec.dnsPolicy\` says so too). A \`dnsConfig\` is merged
on top of the policy's settings: its \`searches\` are appended to the node's, which does not make the node's
nameservers answer for the cluster domain.

Many host-network pods (CNI agents, node exporters, kube-proxy, ingress controllers on the host) never look up
a cluster name, so the check fires only with evidence that the pod does. It looks at every container's literal
env values and command and args words for:

- a name ending in \`.svc\` or \`.svc.<cluster domain>\` with a Service and namespace in front
  (\`metrics.monitoring.svc\`, \`api.backend.svc.cluster.local:8080\`, \`db-0.db.shop.svc\`), as a plain word, a URL's
  host or \`host:port\`; a cluster domain is \`cluster.local\` or one ending in \`.local\`, \`.internal\`, \`.cluster\` and
  similar private suffixes (\`x.y.svc.example.com\` may be a public name and is not judged);
- \`<name>.<namespace>\` of a Service of the input in that namespace, and a bare \`<name>\` of a Service of the input in
  the pod's own namespace (short names only resolve through the cluster search path), when the text says it is a
  host: a URL (\`http://api:8080\`), the value of a host-like env var or flag (\`DB_HOST\`, \`--server\`,
  \`--broker-url\`), or \`host:port\` with a port the Service declares (\`redis:6379\`; \`postgres:16\` is more likely an
  image tag).

Not judged: env values from \`valueFrom\` (unknown), templated text (\`{{ }}\`, \`\${VAR}\`, \`$(VAR)\`), file paths,
image references, IP addresses, and values of keys that name a host without connecting to it (\`NO_PROXY\`,
\`--tls-server-name\`, \`--advertise-address\`, a domain, an image). Hosts listed in \`hostAliases\` are skipped: the
kubelet writes them into the pod's /etc/hosts. Pods with \`dnsPolicy\` \`ClusterFirstWithHostNet\`, \`Default\` or
\`None\`, with \`hostNetwork\` false or unset, or with \`dnsConfig.nameservers\` (added nameservers come after the
node's, so whether a cluster name resolves depends on the resolver library and the node: not judged) are not
reported.

One **warning** per container, naming the first cluster name found and counting the others. It is a warning, not
an error, because a node can be set up to answer for the cluster domain (its resolver forwarding \`cluster.local\`
to the cluster DNS, or an /etc/hosts entry), which the manifests cannot show.

The fix: \`dnsPolicy: ClusterFirstWithHostNet\` next to \`hostNetwork: true\`. The pod then uses the cluster DNS,
which forwards other names upstream, so node-local names still resolve unless they exist only in the node's own
resolver configuration.`,
  fix: {
    text: 'Set dnsPolicy: ClusterFirstWithHostNet next to hostNetwork: true in the pod template, so the pod uses the cluster DNS.',
    yaml: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      containers:
        - name: agent
          image: registry.example.com/node-agent:1.4.2
          env:
            - name: METRICS_URL
              value: http://metrics.monitoring.svc:9090`,
  },
  target: 'workload',
  uses: ['Service'],
  run({ workload, index }) {
    const out: FindingInput[] = [];
    const w = workload!;
    if (!isHostNetwork(w)) return out;
    const policy = get(w.podSpec, ['dnsPolicy']);
    if (policy !== undefined && policy !== null && policy !== 'ClusterFirst') return out;
    if (getArray(w.podSpec, ['dnsConfig', 'nameservers']).length > 0) return out;
    const explicit = policy === 'ClusterFirst';
    const path: FieldPath = [...w.podSpecPath, explicit ? 'dnsPolicy' : 'hostNetwork'];
    const how = explicit ? 'dnsPolicy ClusterFirst' : 'dnsPolicy ClusterFirst by default';
    const aliases = aliasNames(w);
    for (const c of w.containers) {
      const found = evidence(c.spec, w, index, aliases);
      if (found.length === 0) continue;
      const first = found[0];
      const others = new Set(found.map((e) => e.host));
      others.delete(first.host);
      const more = others.size > 0 ? ` and ${others.size} more cluster name${others.size === 1 ? '' : 's'}` : '';
      const svcNote = first.service ? `, Service "${first.service.name}" of namespace "${index.namespaceOf(first.service)}"` : '';
      const why = first.service
        ? "the kubelet gives host-network pods the node's DNS, without the cluster DNS server or the namespace search domains, so this Service name does not resolve; the connection fails with a name-resolution error"
        : "the kubelet gives host-network pods the node's DNS, so this cluster name does not resolve; the connection fails with a name-resolution error";
      const related: RelatedInput[] = [];
      const seen = new Set<Resource>();
      for (const e of found) {
        if (!e.service || seen.has(e.service)) continue;
        seen.add(e.service);
        related.push({ resource: e.service, path: [], note: 'resolved by its cluster DNS name' });
      }
      out.push({
        message: `container "${c.name}" (hostNetwork, ${how}) resolves "${first.host}" (${first.field}${svcNote})${more}: ${why}`,
        path,
        container: c.name,
        ...(related.length > 0 ? { related } : {}),
      });
    }
    return out;
  },
});
