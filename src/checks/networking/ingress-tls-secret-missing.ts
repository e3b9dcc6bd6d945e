import { defineCheck, type FindingInput } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import { get, getArray, getString, isObject, stringMap } from '../../model/util.js';
import { unusable } from './service-util.js';

/** Ingress annotations by which cert-manager (or kube-lego) issues the certificate into spec.tls[].secretName. */
const ISSUING_ANNOTATIONS = ['cert-manager.io/issuer', 'cert-manager.io/cluster-issuer', 'certmanager.k8s.io/issuer', 'certmanager.k8s.io/cluster-issuer'];

function issuedByAnnotation(annotations: Record<string, string>): boolean {
  if (ISSUING_ANNOTATIONS.some((k) => annotations[k])) return true;
  return /^true$/i.test(annotations['kubernetes.io/tls-acme'] ?? '');
}

/**
 * Names of the Secrets that exist or will be created in a namespace, as far as the input says:
 * Secrets (metadata only is enough), cert-manager Certificates (spec.secretName), External Secrets
 * (spec.target.name, default the object name) and Sealed Secrets (same name). Built once per namespace.
 */
function provided(index: ResourceIndex, ns: string): Set<string> {
  return index.memo(`networking:tls-secrets:${ns}`, () => {
    const names = new Set<string>();
    for (const s of index.inNamespace('Secret', ns)) names.add(s.name);
    for (const c of index.inNamespace('Certificate', ns)) {
      if (!/^(cert-manager\.io|certmanager\.k8s\.io)\//.test(c.apiVersion)) continue;
      const n = getString(c.object, ['spec', 'secretName']);
      if (n) names.add(n);
    }
    for (const e of index.inNamespace('ExternalSecret', ns)) names.add(getString(e.object, ['spec', 'target', 'name']) || e.name);
    for (const s of index.inNamespace('SealedSecret', ns)) names.add(s.name);
    return names;
  });
}

export default defineCheck({
  id: 'ingress-tls-secret-missing',
  pillar: 'networking',
  severity: 'error',
  title: 'Ingress TLS Secret not found',
  whatBreaks:
    'When the Secret named in spec.tls does not exist, the ingress controller has no certificate for these hosts and serves its default (usually self-signed) one: browsers and API clients refuse the connection with a certificate error, so HTTPS for the site is down.',
  details: `Each \`spec.tls[].secretName\` must name a \`kubernetes.io/tls\` Secret in the Ingress's namespace.
This check looks for it in the input, together with the objects that create it: a cert-manager
\`Certificate\` with that \`spec.secretName\`, an \`ExternalSecret\` whose target is that name, a
\`SealedSecret\` of that name.

TLS Secrets are rarely stored next to the manifests, so the finding is **unknown** unless you
declare the input complete (\`--complete\`); then it fails.

Not reported: Ingresses annotated for cert-manager (\`cert-manager.io/issuer\`,
\`cert-manager.io/cluster-issuer\`, the older \`certmanager.k8s.io/*\`) or ACME
(\`kubernetes.io/tls-acme: "true"\`), which create the Secret; \`tls\` entries without
\`secretName\` (the controller's default certificate, by design); names with a \`/\` (a
namespace-qualified reference some controllers support); unrendered template values.`,
  fix: {
    text: 'Create the TLS Secret in the Ingress namespace, or let cert-manager issue it with an issuer annotation.',
    yaml: `metadata:
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  tls:
    - hosts: ["shop.example.com"]
      secretName: shop-example-com-tls`,
  },
  target: 'object',
  kinds: ['Ingress'],
  uses: ['Certificate', 'ExternalSecret'],
  run({ resource: ing, index }) {
    const out: FindingInput[] = [];
    if (!/^(networking\.k8s\.io|extensions)\//.test(ing.apiVersion)) return out;
    if (issuedByAnnotation(stringMap(get(ing.object, ['metadata', 'annotations'])))) return out;
    const ns = index.namespaceOf(ing);
    const seen = new Set<string>();
    getArray(ing.object, ['spec', 'tls']).forEach((t, i) => {
      if (!isObject(t)) return;
      const name = t.secretName;
      if (typeof name !== 'string' || unusable(name) || name.includes('/') || seen.has(name)) return;
      seen.add(name);
      if (provided(index, ns).has(name)) return;
      const hosts = getArray(t, ['hosts']).filter((h): h is string => typeof h === 'string');
      const forHosts = hosts.length > 0 ? ` for ${hosts.map((h) => `"${h}"`).join(', ')}` : '';
      out.push({
        message: `TLS Secret "${name}" is not in namespace "${ns}" in the input (nor a cert-manager Certificate or ExternalSecret creating it): if it does not exist in the cluster either, the controller serves its default certificate${forHosts} and clients reject the connection`,
        path: ['spec', 'tls', i, 'secretName'],
        unknown: `no Secret "${name}" in namespace ${ns}`,
        knownMessage: `TLS Secret "${name}" is not in namespace "${ns}" ${sourceWhere(index)} (nor a cert-manager Certificate or ExternalSecret creating it): the controller serves its default certificate${forHosts} and clients reject the connection`,
      });
    });
    return out;
  },
});
