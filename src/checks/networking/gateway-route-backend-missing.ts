import { defineCheck, type FieldPath, type FindingInput, type Resource } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import { get, getArray, isObject } from '../../model/util.js';
import { findService, servicePortCheck, showObject, unusable } from './service-util.js';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

interface Ref {
  name: string;
  namespace: string | undefined;
  port: number | undefined;
  path: FieldPath;
}

/** Service backendRefs of a route: rule backendRefs and requestMirror filters (rule and backend level). */
function serviceRefs(route: Resource): Ref[] {
  const out: Ref[] = [];
  const add = (ref: unknown, path: FieldPath) => {
    if (!isObject(ref)) return;
    const group = ref.group ?? '';
    const kind = ref.kind ?? 'Service';
    if (group !== '' || kind !== 'Service') return;
    // A backend with weight 0 receives no traffic.
    if (ref.weight === 0) return;
    const name = ref.name;
    if (typeof name !== 'string' || unusable(name)) return;
    const ns = ref.namespace;
    if (ns !== undefined && ns !== null && (typeof ns !== 'string' || unusable(ns))) return;
    const port = typeof ref.port === 'number' && Number.isInteger(ref.port) ? ref.port : undefined;
    if (ref.port !== undefined && ref.port !== null && port === undefined) return;
    out.push({ name, namespace: typeof ns === 'string' ? ns : undefined, port, path });
  };
  const mirrors = (filters: unknown, path: FieldPath) => {
    if (!Array.isArray(filters)) return;
    filters.forEach((f, k) => add(get(f, ['requestMirror', 'backendRef']), [...path, k, 'requestMirror', 'backendRef']));
  };
  getArray(route.object, ['spec', 'rules']).forEach((rule, i) => {
    getArray(rule, ['backendRefs']).forEach((ref, j) => {
      add(ref, ['spec', 'rules', i, 'backendRefs', j]);
      mirrors(get(ref, ['filters']), ['spec', 'rules', i, 'backendRefs', j, 'filters']);
    });
    mirrors(get(rule, ['filters']), ['spec', 'rules', i, 'filters']);
  });
  return out;
}

/** Does a ReferenceGrant in the Service's namespace let routes of this kind from `fromNs` use it? */
function granted(index: ResourceIndex, kind: string, fromNs: string, toNs: string, name: string): boolean {
  return index.inNamespace('ReferenceGrant', toNs).some((g) => {
    if (!g.apiVersion.startsWith(`${GATEWAY_GROUP}/`)) return false;
    const from = getArray(g.object, ['spec', 'from']).some((f) => isObject(f) && f.group === GATEWAY_GROUP && f.kind === kind && f.namespace === fromNs);
    const to = getArray(g.object, ['spec', 'to']).some(
      (t) => isObject(t) && (t.group ?? '') === '' && t.kind === 'Service' && (t.name === undefined || t.name === null || t.name === '' || t.name === name),
    );
    return from && to;
  });
}

export default defineCheck({
  id: 'gateway-route-backend-missing',
  pillar: 'networking',
  severity: 'error',
  title: 'Gateway API route backend Service or port does not exist',
  whatBreaks:
    'A route whose backendRef names a missing Service, a port the Service does not expose, or a Service in another namespace without a ReferenceGrant is not resolved: the gateway answers HTTP 500 (HTTPRoute) or gRPC status UNAVAILABLE (GRPCRoute), or drops connections (TCP/TLS/UDP routes) for the traffic meant for that backend.',
  details: `Checks the Service backends of Gateway API routes (\`HTTPRoute\`, \`GRPCRoute\`, \`TLSRoute\`, \`TCPRoute\`,
\`UDPRoute\` of \`gateway.networking.k8s.io\`, any version): each \`spec.rules[].backendRefs[]\` and
\`requestMirror\` filter \`backendRef\` whose \`group\` is \`""\` and \`kind\` is \`Service\` (the
defaults). Other kinds (ServiceImport, InferencePool, ...) are skipped, as are backends with
\`weight: 0\`. The namespace defaults to the route's; the \`port\` is the Service's
\`spec.ports[].port\`.

- **Error** when the Service is in the input (deployed with the route) but has no such port: the
  route's \`ResolvedRefs\` condition is \`False\` and those requests fail.
- **Unknown** when the Service is not in the input, and for a cross-namespace backendRef when the
  Service is in the input but no \`ReferenceGrant\` in the input, in the Service's namespace, lets this
  route kind from the route's namespace use it (\`RefNotPermitted\`): the grant may be deployed from
  elsewhere. With \`--complete\` these fail.

Not reported: unrendered template values, ExternalName Services, Services whose ports cannot be read.`,
  fix: {
    text: 'Reference an existing Service and one of its spec.ports; for a Service in another namespace, add a ReferenceGrant in that namespace.',
    yaml: `# HTTPRoute in namespace shop
backendRefs:
  - name: web
    namespace: backend
    port: 80                 # = spec.ports[].port of Service backend/web
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: shop-routes
  namespace: backend
spec:
  from:
    - group: gateway.networking.k8s.io
      kind: HTTPRoute
      namespace: shop
  to:
    - group: ""
      kind: Service`,
  },
  target: 'object',
  kinds: ROUTE_KINDS,
  uses: ['Service', 'ReferenceGrant'],
  run({ resource: route, index }) {
    const out: FindingInput[] = [];
    if (!route.apiVersion.startsWith(`${GATEWAY_GROUP}/`)) return out;
    const routeNs = index.namespaceOf(route);
    const seen = new Set<string>();
    for (const ref of serviceRefs(route)) {
      const ns = ref.namespace ?? routeNs;
      const key = `${ns}\0${ref.name}\0${ref.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const shown = `Service "${ref.name}"${ref.port !== undefined ? ` (port ${ref.port})` : ''}`;
      const { inScope, all } = findService(index, route, ns, ref.name);
      if (inScope.length === 0) {
        if (all.some((s) => ref.port === undefined || servicePortCheck(s, ref.port).ok)) continue;
        out.push({
          message: `backendRef ${shown} is not in namespace "${ns}" in the input: if it does not exist in the cluster either, the route does not resolve and its requests to this backend fail`,
          path: [...ref.path, 'name'],
          unknown: `no Service "${ref.name}" in namespace ${ns}`,
          unknownIn: ns,
          knownMessage: `backendRef ${shown} is not in namespace "${ns}" ${sourceWhere(index)}: the route does not resolve and its requests to this backend fail`,
        });
        continue;
      }
      if (ref.port !== undefined) {
        const checks = inScope.map((s) => ({ s, c: servicePortCheck(s, ref.port!) }));
        if (!checks.some((x) => x.c.ok)) {
          const { s, c } = checks[0];
          const ports = c.ok ? '' : c.ports;
          const tp = !c.ok && c.viaTargetPort ? ` (${ref.port} is a targetPort; backendRefs name the Service port)` : '';
          out.push({
            message: `backendRef ${showObject(s)} has no port ${ref.port} (its ports: ${ports})${tp}: the route does not resolve (ResolvedRefs False) and its requests to this backend fail`,
            path: [...ref.path, 'port'],
            related: [{ resource: s, path: ['spec', 'ports'], note: 'Service ports' }],
          });
          continue;
        }
      }
      if (ns !== routeNs && !granted(index, route.kind, routeNs, ns, ref.name)) {
        out.push({
          message: `backendRef ${shown} is in namespace "${ns}", and no ReferenceGrant in "${ns}" in the input lets ${route.kind}s from "${routeNs}" use it: without one the reference is refused (RefNotPermitted) and its requests fail`,
          path: [...ref.path, 'namespace'],
          unknown: `no ReferenceGrant in namespace ${ns} allowing ${route.kind} from ${routeNs}`,
          unknownIn: ns,
          knownMessage: `backendRef ${shown} is in namespace "${ns}", and no ReferenceGrant in "${ns}" ${sourceWhere(index)} lets ${route.kind}s from "${routeNs}" use it: the reference is refused (RefNotPermitted) and its requests fail`,
          related: inScope.map((s) => ({ resource: s, path: [], note: 'referenced Service' })),
        });
      }
    }
    return out;
  },
});
