import { defineCheck, type FieldPath, type FindingInput, type Resource } from '../types.js';
import type { Json } from '../../model/types.js';
import { sourceWhere } from '../../model/index.js';
import { get, getArray, getString, isObject, stringMap } from '../../model/util.js';
import { findService, servicePortCheck, showObject, unusable } from './service-util.js';

export interface Backend {
  service: string;
  /** The rule's host ('' for any host, and for the default backend) and path (null for the default backend). */
  host: string;
  path: string | null;
  /** A Service port number or name. */
  port: number | string;
  /** Path of the backend's port field. */
  portPath: FieldPath;
  /** Path of the backend's service name field. */
  namePath: FieldPath;
}

/** A networking.k8s.io/v1 `backend.service` or a v1beta1 `serviceName`/`servicePort` backend, if it is one. */
function backendAt(obj: Json | undefined, path: FieldPath, host = '', rulePath: string | null = null): Backend | null {
  const b = get(obj, path);
  if (!isObject(b)) return null;
  if (isObject(b.service)) {
    const name = b.service.name;
    const port = b.service.port;
    if (typeof name !== 'string' || unusable(name) || !isObject(port)) return null;
    if (typeof port.number === 'number' && Number.isInteger(port.number)) return { service: name, host, path: rulePath, port: port.number, portPath: [...path, 'service', 'port', 'number'], namePath: [...path, 'service', 'name'] };
    if (typeof port.name === 'string' && !unusable(port.name)) return { service: name, host, path: rulePath, port: port.name, portPath: [...path, 'service', 'port', 'name'], namePath: [...path, 'service', 'name'] };
    return null;
  }
  const name = b.serviceName;
  const port = b.servicePort;
  if (typeof name !== 'string' || unusable(name)) return null;
  if (typeof port === 'number' && Number.isInteger(port)) return { service: name, host, path: rulePath, port, portPath: [...path, 'servicePort'], namePath: [...path, 'serviceName'] };
  if (typeof port === 'string' && !unusable(port)) {
    // IntOrString: "80" written as a string still means port 80 to the controllers.
    return { service: name, host, path: rulePath, port: /^[0-9]+$/.test(port) ? Number(port) : port, portPath: [...path, 'servicePort'], namePath: [...path, 'serviceName'] };
  }
  return null;
}

/** Every Service backend of an Ingress (defaultBackend/backend and each rule path), resource backends left out. */
export function ingressBackends(ing: Resource): Backend[] {
  const spec = ing.object.spec;
  if (!isObject(spec)) return [];
  const out: Backend[] = [];
  for (const key of ['defaultBackend', 'backend']) {
    const b = backendAt(ing.object, ['spec', key]);
    if (b) out.push(b);
  }
  getArray(spec, ['rules']).forEach((r, i) => {
    const host = getString(r, ['host']) ?? '';
    getArray(r, ['http', 'paths']).forEach((p, j) => {
      const b = backendAt(ing.object, ['spec', 'rules', i, 'http', 'paths', j, 'backend'], host, getString(p, ['path']) ?? '/');
      if (b) out.push(b);
    });
  });
  return out;
}

export default defineCheck({
  id: 'ingress-backend-missing',
  pillar: 'networking',
  severity: 'error',
  title: 'Ingress backend Service or port does not exist',
  whatBreaks:
    'The ingress controller cannot route to a Service or port that does not exist: requests for that host and path get 503 Service Unavailable (or the default backend\'s 404) while the application itself may be running fine.',
  details: `Each Service backend of an Ingress (\`spec.defaultBackend\` and every rule path; in the older
\`extensions/v1beta1\` and \`networking.k8s.io/v1beta1\` shape \`spec.backend\` and
\`serviceName\`/\`servicePort\`) names a Service in the Ingress's namespace and one of its ports:
\`port.number\` is the Service's \`spec.ports[].port\` (not the \`targetPort\`), \`port.name\` its
\`spec.ports[].name\`.

- **Error** when the Service is in the input (deployed with the Ingress: same namespace; for
  manifests without a namespace, the same folder) but has no such port. When the number matches a
  \`targetPort\` instead, it is a **warning**: ingress-nginx falls back to matching target ports,
  other controllers (GKE, AWS, Traefik, Contour, Gateway implementations) do not.
- **Unknown** when no Service of that name is in the namespace in the input: it may be deployed from
  elsewhere. With \`--complete\` it fails.

Not reported: resource backends (\`backend.resource\`), AWS Load Balancer Controller actions (port
name \`use-annotation\`, or an \`alb.ingress.kubernetes.io/actions.<name>\` annotation), unrendered
template values, ExternalName Services (proxied to whatever port is asked for), Services whose ports
cannot be read or that list none (a patch).`,
  fix: {
    text: 'Name an existing Service in the Ingress namespace and one of its spec.ports (by port number or name).',
    yaml: `# Ingress
backend:
  service:
    name: web
    port:
      name: http          # = spec.ports[].name of Service "web"
---
# Service "web"
spec:
  ports:
    - name: http
      port: 80
      targetPort: 8080`,
  },
  target: 'object',
  kinds: ['Ingress'],
  uses: ['Service'],
  run({ resource: ing, index }) {
    const out: FindingInput[] = [];
    if (!/^(networking\.k8s\.io|extensions)\//.test(ing.apiVersion)) return out;
    const ns = index.namespaceOf(ing);
    const annotations = stringMap(get(ing.object, ['metadata', 'annotations']));
    const seen = new Set<string>();
    for (const b of ingressBackends(ing)) {
      // AWS Load Balancer Controller actions: the "service" names an annotation, not a Service.
      if (b.port === 'use-annotation' || annotations[`alb.ingress.kubernetes.io/actions.${b.service}`] !== undefined) continue;
      const key = `${b.service}\0${b.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const shownPort = typeof b.port === 'number' ? String(b.port) : `"${b.port}"`;
      const { inScope, all } = findService(index, ing, ns, b.service);
      if (inScope.length === 0) {
        // A Service of that name elsewhere in the namespace (another folder) may still be the one.
        if (all.some((s) => servicePortCheck(s, b.port).ok)) continue;
        out.push({
          message: `backend Service "${b.service}" (port ${shownPort}) is not in namespace "${ns}" in the input: if it does not exist in the cluster either, the controller answers 503 for these requests`,
          path: b.namePath,
          unknown: `no Service "${b.service}" in namespace ${ns}`,
          knownMessage: `backend Service "${b.service}" (port ${shownPort}) is not in namespace "${ns}" ${sourceWhere(index)}: the controller answers 503 for these requests`,
        });
        continue;
      }
      const checks = inScope.map((s) => ({ s, c: servicePortCheck(s, b.port) }));
      if (checks.some((x) => x.c.ok)) continue;
      const { s, c } = checks[0];
      if (c.ok) continue;
      const what = typeof b.port === 'number' ? `port ${b.port}` : `port named "${b.port}"`;
      out.push({
        message: c.viaTargetPort
          ? `backend ${showObject(s)} has no ${what} (its ports: ${c.ports}); ${b.port} is a targetPort, which ingress-nginx accepts but other controllers answer with 503: use the Service port`
          : `backend ${showObject(s)} has no ${what} (its ports: ${c.ports}): the controller answers 503 for these requests`,
        path: b.portPath,
        severity: c.viaTargetPort ? 'warning' : undefined,
        related: [{ resource: s, path: ['spec', 'ports'], note: 'Service ports' }],
      });
    }
    return out;
  },
});
