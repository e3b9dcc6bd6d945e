import { toYaml } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import { dirOf, get, getArray, getString, isObject, stringMap } from '../../model/util.js';
import type { ResourceIndex } from '../../model/index.js';
import type { Resource } from '../../model/types.js';

/** Annotations by which a cloud load balancer terminates TLS without spec.tls. */
function tlsByAnnotation(annotations: Record<string, string>): string | null {
  const keys = [
    'alb.ingress.kubernetes.io/certificate-arn',
    'ingress.gcp.kubernetes.io/pre-shared-cert',
    'networking.gke.io/managed-certificates',
    'appgw.ingress.kubernetes.io/appgw-ssl-certificate',
    'service.beta.kubernetes.io/aws-load-balancer-ssl-cert',
  ];
  for (const k of keys) if (annotations[k]) return k;
  const listen = annotations['alb.ingress.kubernetes.io/listen-ports'];
  if (listen && /https/i.test(listen)) return 'alb.ingress.kubernetes.io/listen-ports';
  // Traefik terminates TLS per router or entrypoint; Kong per route protocol; GKE can turn HTTP off.
  if (/^true$/i.test(annotations['traefik.ingress.kubernetes.io/router.tls'] ?? '')) return 'traefik.ingress.kubernetes.io/router.tls';
  if (annotations['traefik.ingress.kubernetes.io/router.tls.certresolver']) return 'traefik.ingress.kubernetes.io/router.tls.certresolver';
  const entry = annotations['traefik.ingress.kubernetes.io/router.entrypoints'];
  if (entry && entry.split(',').every((e) => /websecure|https/i.test(e.trim()))) return 'traefik.ingress.kubernetes.io/router.entrypoints';
  const kong = annotations['konghq.com/protocols'];
  if (kong && kong.split(',').every((p) => /^(https|grpcs|tls)$/i.test(p.trim()))) return 'konghq.com/protocols';
  if (/^false$/i.test(annotations['kubernetes.io/ingress.allow-http'] ?? '')) return 'kubernetes.io/ingress.allow-http';
  return null;
}

/**
 * The spec.tls to write: the entries the Ingress has, plus one for `hosts` (every host when none is
 * named) with a certificate Secret named after the Ingress. The list is written whole: it is replaced
 * as one, so every finding of the Ingress shows the same list.
 */
function tlsSnippet(ingress: Resource, existing: Record<string, unknown>[], hosts: string[], ns: string): string {
  const used = new Set(existing.map((t) => t.secretName));
  let secretName = `${ingress.name}-tls`;
  for (let n = 2; used.has(secretName); n++) secretName = `${ingress.name}-tls-${n}`;
  const entry = hosts.length ? { hosts, secretName } : { secretName };
  const tls = { spec: { tls: [...existing, entry] } };
  const hostless = hosts.length ? '' : '; with no hosts listed it covers every host';
  return `# Secret ${secretName} must hold the certificate: cert-manager issues it when the Ingress is annotated with cert-manager.io/cluster-issuer (or issuer), else create it: kubectl create secret tls ${secretName} --cert=FILE --key=FILE${ns}${hostless}\n${toYaml(tls)}`;
}

/** Whether a TLS host entry covers a rule host (`*.example.com` covers exactly one extra label). */
function covers(tlsHost: string, host: string): boolean {
  const t = tlsHost.toLowerCase();
  const h = host.toLowerCase();
  if (t === h) return true;
  if (t.startsWith('*.') && !h.startsWith('*.')) {
    const dot = h.indexOf('.');
    return dot > 0 && h.slice(dot + 1) === t.slice(2);
  }
  return false;
}

/** An Ingress for ingress-nginx: class "nginx" by spec.ingressClassName or the old annotation. */
function isNginx(r: Resource): boolean {
  const cls = getString(r.object, ['spec', 'ingressClassName']) ?? stringMap(get(r.object, ['metadata', 'annotations']))['kubernetes.io/ingress.class'];
  return cls === 'nginx';
}

/**
 * Hosts that an ingress-nginx Ingress of the input lists under spec.tls: the controller builds one
 * server per host from all Ingresses of its class and keeps the first certificate it finds for it
 * (ingress-nginx controller.go createServers), so every Ingress of that host is served with it.
 */
function nginxTlsHosts(index: ResourceIndex, of: Resource): string[] {
  const all = index.memo('net:nginx-tls-hosts', () =>
    index
      .ofKind('Ingress')
      .filter(isNginx)
      .map((r) => ({ r, hosts: getArray(r.object, ['spec', 'tls']).filter(isObject).flatMap((t) => getArray(t, ['hosts']).filter((h): h is string => typeof h === 'string')) }))
      .filter((x) => x.hosts.length > 0),
  );
  // Only Ingresses of its namespace and folder (deployed together: example folders reuse hosts such as
  // foo.bar.com), and not another version of this same Ingress (ingress-with-tls.yaml beside it).
  return all
    .filter((x) => x.r !== of && x.r.name !== of.name && index.sameScope(x.r, of) && dirOf(x.r.origin.file) === dirOf(of.origin.file))
    .flatMap((x) => x.hosts);
}

export default defineCheck({
  id: 'ingress-without-tls',
  pillar: 'networking',
  severity: 'warning',
  title: 'Ingress serves hosts without TLS',
  whatBreaks:
    'Requests to these hosts travel in clear text between clients and the ingress controller: passwords, session cookies and API tokens can be read or changed by anyone on the path, and browsers mark the site "Not secure".',
  details: `An Ingress only gets a certificate for the hosts listed in \`spec.tls[].hosts\` (with a Secret, usually issued by cert-manager). Reported:
- no \`spec.tls\` at all;
- a rule host that no \`spec.tls\` entry covers (\`*.example.com\` covers \`a.example.com\`, not \`example.com\` nor \`a.b.example.com\`).

A \`tls\` entry without \`hosts\` covers every host. Rules without a host are not reported when \`spec.tls\` exists. Ingresses whose cloud load balancer terminates TLS through annotations (AWS Load Balancer Controller \`certificate-arn\` or an HTTPS \`listen-ports\`, GKE \`pre-shared-cert\` / \`managed-certificates\`, Azure \`appgw-ssl-certificate\`), or whose controller is told to serve them over TLS only (Traefik \`router.tls: "true"\`, a cert resolver or only secure entrypoints; Kong \`konghq.com/protocols: https\`; GKE \`kubernetes.io/ingress.allow-http: "false"\`) are not reported. Nor is an ingress-nginx Ingress (class \`nginx\`) whose hosts another ingress-nginx Ingress of its namespace and folder (deployed with it; not another version of the same Ingress) lists under \`spec.tls\`: the controller builds one server per host from all the Ingresses of its class and serves it with the certificate one of them gives (ingress-nginx \`createServers\`), so paths split over several Ingresses (an auth callback beside the app) share the host's TLS.

Exempt Ingresses that are only reachable on a trusted network, or behind a proxy (CDN, service mesh gateway) that terminates TLS before them.`,
  fix: {
    text: 'Add a spec.tls entry for the Ingress\'s hosts, with a certificate Secret (cert-manager issues it when the Ingress is annotated with cert-manager.io/cluster-issuer; else create it with kubectl create secret tls).',
    yaml: `metadata:
  name: shop
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt   # an issuer of your cluster
spec:
  tls:
    - hosts: ["shop.example.com"]   # every host of the rules
      secretName: shop-tls          # issued by cert-manager, or: kubectl create secret tls shop-tls --cert=FILE --key=FILE
  rules:
    - host: shop.example.com`,
    place: {
      at: 'object',
      snippet: `spec:
  tls:
    - hosts: ["shop.example.com"]
      secretName: shop-tls`,
    },
  },
  target: 'object',
  kinds: ['Ingress'],
  run({ resource, index }) {
    const obj = resource.object;
    const spec = get(obj, ['spec']);
    if (!isObject(spec)) return [];
    if (tlsByAnnotation(stringMap(get(obj, ['metadata', 'annotations'])))) return [];
    const nginxTls = isNginx(resource) ? nginxTlsHosts(index, resource) : [];
    const rules = getArray(spec, ['rules']);
    const hosts: { host: string | undefined; i: number }[] = [];
    rules.forEach((r, i) => {
      if (isObject(r)) hosts.push({ host: getString(r, ['host']) || undefined, i });
    });
    if (hosts.length === 0 && !isObject(spec.defaultBackend) && !isObject(spec.backend)) return [];
    const tls = getArray(spec, ['tls']).filter(isObject);
    if (tls.length === 0) {
      const named = [...new Set(hosts.map((h) => h.host).filter((h): h is string => !!h))];
      // ingress-nginx serves a host with the certificate another Ingress of its class gives that host.
      if (named.length > 0 && hosts.every((h) => h.host !== undefined) && named.every((h) => nginxTls.some((t) => covers(t, h)))) return [];
      const what = named.length > 0 ? `hosts ${named.map((h) => `"${h}"`).join(', ')} are` : 'every host is';
      return [{ message: `Ingress has no spec.tls: ${what} served over plain HTTP only`, path: ['spec', 'tls'], fixSnippet: tlsSnippet(resource, [], named, index.kubectlNamespace(resource)) }];
    }
    const tlsHosts: string[] = [];
    for (const t of tls) {
      const list = getArray(t, ['hosts']).filter((h): h is string => typeof h === 'string');
      if (list.length === 0) return [];
      tlsHosts.push(...list);
    }
    const out: FindingInput[] = [];
    const seen = new Set<string>();
    const uncovered: string[] = [];
    for (const { host, i } of hosts) {
      if (!host || seen.has(host)) continue;
      seen.add(host);
      if (tlsHosts.some((t) => covers(t, host)) || nginxTls.some((t) => covers(t, host))) continue;
      uncovered.push(host);
      out.push({
        message: `host "${host}" has no spec.tls entry covering it (TLS hosts: ${tlsHosts.map((h) => `"${h}"`).join(', ')}): it is served over plain HTTP or with a certificate that does not match`,
        path: ['spec', 'rules', i, 'host'],
      });
    }
    // One entry for all the uncovered hosts, after the entries it has: the same list for every finding.
    const fixSnippet = tlsSnippet(resource, tls, uncovered, index.kubectlNamespace(resource));
    for (const f of out) f.fixSnippet = fixSnippet;
    return out;
  },
});
