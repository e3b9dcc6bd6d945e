import { defineCheck, type FindingInput } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { get, getNumber, getString, isTemplated } from '../../model/util.js';

/** Most replicas the StatefulSet runs: an HPA's maxReplicas, else spec.replicas (default 1); null when it cannot be told. */
function replicaCeiling(r: Resource, index: ResourceIndex): number | null {
  const hpa = index.hpasFor(r).find((h) => index.sameScope(h, r));
  if (hpa) return getNumber(hpa.object, ['spec', 'maxReplicas']) ?? null;
  const raw = get(r.object, ['spec', 'replicas']);
  if (raw === undefined || raw === null) return 1;
  return typeof raw === 'number' ? raw : null;
}

export default defineCheck({
  id: 'statefulset-service-not-headless',
  pillar: 'storage',
  severity: 'error',
  title: 'StatefulSet governing Service is not headless',
  whatBreaks:
    'The stable per-pod DNS names a StatefulSet exists for (web-0.web.shop.svc) are only published for a headless Service. With a normal ClusterIP Service, or none, they do not resolve: cluster members cannot find their peers, and replicas cannot be addressed one by one.',
  details: `A StatefulSet pod gets the hostname \`<set>-<ordinal>\` and the subdomain \`spec.serviceName\`. Cluster
DNS publishes \`<pod>.<serviceName>.<namespace>.svc\` records only for a **headless** Service
(\`clusterIP: None\`) of that name, in the StatefulSet's namespace, that selects the pods. Databases,
Kafka, ZooKeeper, etcd, Elasticsearch and most clustered software find their peers by those names.

- The Service of that name in the input is not headless: **error** when the StatefulSet runs more than
  one replica (\`spec.replicas\`, or an HPA's \`maxReplicas\`), **warning** with one replica, where nothing
  may need the per-pod name (a single database reached through its ClusterIP works).
- No Service of that name in the namespace in the input: the same finding, reported as *unknown*
  (it may be created elsewhere) unless the input is declared complete (\`--complete\`).

Not reported: \`serviceName\` unset or empty. It is optional in \`apps/v1\`: validation never required
it, and the API reference marks it optional since kubernetes/kubernetes#130233 (2025). Without it the
pods get no per-pod DNS name, which many single-purpose StatefulSets do not need. Templated values are not judged.`,
  fix: {
    text: 'Give the StatefulSet a headless Service of the name in serviceName (clusterIP: None), selecting its pods; keep a separate ClusterIP Service, under another name, for clients if you need one. A Service\'s clusterIP cannot change once set: delete the existing Service and create it headless (kubectl delete service NAME, then apply); the StatefulSet\'s serviceName cannot change either.',
    yaml: `apiVersion: v1
kind: Service
metadata:
  name: db          # = spec.serviceName of the StatefulSet
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: db
  ports:
    - name: postgres
      port: 5432`,
  },
  uses: ['Service'],
  target: 'object',
  kinds: ['StatefulSet'],
  run({ resource, index }) {
    const out: FindingInput[] = [];
    if (!resource.apiVersion.startsWith('apps/')) return out;
    const serviceName = getString(resource.object, ['spec', 'serviceName']);
    if (!serviceName || isTemplated(serviceName)) return out;
    const ns = index.namespaceOf(resource);
    const ceiling = replicaCeiling(resource, index);
    const several = ceiling !== null && ceiling > 1;
    const severity = several ? undefined : ('warning' as const);
    const podName = `${resource.name}-0.${serviceName}.${ns}.svc`;
    const impact = several
      ? `per-pod DNS names such as ${podName} do not resolve, so replicas cannot find their peers or be addressed one by one`
      : `per-pod DNS names such as ${podName} do not resolve (harmless if nothing addresses the pod by name; clustered software needs them)`;
    const services = index.named('Service', serviceName).filter((s) => s.apiVersion === 'v1' && index.namespaceOf(s) === ns);
    if (services.length === 0) {
      out.push({
        message: `serviceName "${serviceName}" names no Service in namespace "${ns}" in the input: if it does not exist in the cluster either, ${impact}`,
        path: ['spec', 'serviceName'],
        severity,
        unknown: `no Service "${serviceName}" in namespace ${ns}`,
        knownMessage: `serviceName "${serviceName}" names no Service in namespace "${ns}" ${sourceWhere(index)}: ${impact}`,
      });
      return out;
    }
    const svc = services.find((s) => index.sameScope(s, resource));
    if (!svc) return out;
    const clusterIP = get(svc.object, ['spec', 'clusterIP']);
    if (clusterIP === 'None' || isTemplated(clusterIP)) return out;
    const type = getString(svc.object, ['spec', 'type']);
    const what =
      type === 'ExternalName'
        ? 'an ExternalName Service'
        : typeof clusterIP === 'string' && clusterIP !== ''
          ? `not headless (clusterIP ${clusterIP})`
          : 'not headless (no clusterIP: None, so it gets a cluster IP)';
    out.push({
      message: `serviceName "${serviceName}" names Service "${svc.name}", which is ${what}: ${impact}`,
      path: ['spec', 'serviceName'],
      severity,
      related: [{ resource: svc, path: clusterIP !== undefined ? ['spec', 'clusterIP'] : ['spec'], note: 'not headless' }],
    });
    return out;
  },
});
