/** The resource-graph checks of the storage and observability pillars are total on odd related objects. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checks as storage } from '../../../src/checks/storage/index.js';
import { checks as observability } from '../../../src/checks/observability/index.js';
import { ResourceIndex } from '../../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../../src/model/types.js';

const any = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const word = (...xs: Json[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));
const name = fc.constantFrom('data', 'web', 'cfg', 'x');
const ns = fc.constantFrom<string | undefined>(undefined, 'shop', 'other');

const volume = fc.record(
  {
    name,
    persistentVolumeClaim: fc.oneof(any, fc.record({ claimName: word('data', 'x', '') }, { requiredKeys: [] })),
    configMap: fc.oneof(any, fc.record({ name: word('cfg', 'x'), optional: any, items: fc.oneof(any, fc.array(fc.record({ key: word('a', 'b') }), { maxLength: 2 })) }, { requiredKeys: [] })),
    secret: fc.oneof(any, fc.record({ secretName: word('tls'), optional: any }, { requiredKeys: [] })),
    projected: any,
  },
  { requiredKeys: ['name'] },
);
const container = fc.record({
  name: fc.string(),
  // Always an image: a container without one makes the object a patch fragment, not a workload.
  image: fc.constantFrom('postgres:16', 'example/app', 'x/foo-exporter'),
  ports: fc.oneof(any, fc.array(fc.record({ name: word('metrics', 'http'), containerPort: word(9090) }, { requiredKeys: [] }), { maxLength: 2 })),
  env: fc.oneof(any, fc.array(fc.record({ name: word('A'), valueFrom: any }, { requiredKeys: [] }), { maxLength: 2 })),
  envFrom: any,
  volumeMounts: fc.oneof(any, fc.array(fc.record({ name, mountPath: word('/d') }, { requiredKeys: [] }), { maxLength: 2 })),
});
const workload = fc.record({
  kind: fc.constantFrom('Deployment', 'StatefulSet', 'ReplicaSet'),
  ns,
  replicas: word(1, 3),
  strategy: any,
  serviceName: word('web', ''),
  vct: any,
  labels: word({ app: 'web' }),
  annotations: word({ 'prometheus.io/port': '9090' }),
  containers: fc.array(container, { minLength: 1, maxLength: 2 }),
  volumes: fc.oneof(any, fc.array(volume, { maxLength: 3 })),
});
const other = fc.record({
  kind: fc.constantFrom('PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'Service', 'ServiceMonitor', 'PodMonitor', 'ConfigMap', 'PrometheusRule', 'HorizontalPodAutoscaler', 'Certificate'),
  name,
  ns,
  body: fc.dictionary(fc.constantFrom('spec', 'data', 'binaryData', 'reclaimPolicy', 'provisioner', 'metadata'), any),
});

function apiVersion(kind: string): string {
  return (
    { StorageClass: 'storage.k8s.io/v1', ServiceMonitor: 'monitoring.coreos.com/v1', PodMonitor: 'monitoring.coreos.com/v1', PrometheusRule: 'monitoring.coreos.com/v1', HorizontalPodAutoscaler: 'autoscaling/v2', Certificate: 'cert-manager.io/v1' } as Record<string, string>
  )[kind] ?? 'v1';
}

const res = (kind: string, apiVersionStr: string, n: string, namespace: string | undefined, object: JsonObject, i: number): Resource => ({
  apiVersion: apiVersionStr,
  kind,
  name: n,
  namespace,
  object: { apiVersion: apiVersionStr, kind, ...object, metadata: { name: n, ...(namespace ? { namespace } : {}), ...(typeof object.metadata === 'object' && object.metadata && !Array.isArray(object.metadata) ? object.metadata : {}) } },
  origin: { file: `f${i % 2}/x.yaml`, doc: i, locate: () => null },
});

describe('graph checks are total', () => {
  it('never throw and never print undefined/NaN on odd related objects', () => {
    fc.assert(
      fc.property(fc.array(workload, { minLength: 1, maxLength: 2 }), fc.array(other, { maxLength: 6 }), (ws, os) => {
        const resources: Resource[] = [];
        ws.forEach((w, i) => {
          const spec: JsonObject = {
            replicas: w.replicas,
            strategy: w.strategy,
            serviceName: w.serviceName,
            volumeClaimTemplates: w.vct,
            template: { metadata: { labels: w.labels, annotations: w.annotations }, spec: { containers: w.containers as unknown as Json, volumes: w.volumes as Json } },
          };
          resources.push(res(w.kind, 'apps/v1', `w${i}`, w.ns, { spec }, i));
        });
        os.forEach((o, i) => resources.push(res(o.kind, apiVersion(o.kind), o.name, o.ns, o.body as JsonObject, i + 10)));
        const index = new ResourceIndex(resources);
        for (const check of [...storage, ...observability]) {
          const params: Record<string, unknown> = {};
          for (const [k, p] of Object.entries(check.params ?? {})) params[k] = p.default;
          const targets = check.target === 'workload' ? index.workloads.map((w) => ({ workload: w, resource: w.resource })) : resources.filter((r) => check.kinds?.includes(r.kind)).map((r) => ({ workload: undefined, resource: r }));
          for (const t of targets) {
            const found = check.run({ ...t, params, index });
            assert.ok(Array.isArray(found));
            for (const f of found) assert.doesNotMatch(f.message, /undefined|NaN|\[object Object\]/, `${check.id}: ${f.message}`);
          }
        }
      }),
      { numRuns: 400, seed: 1_732_600_001 },
    );
  });
});
