/**
 * The generated field names (src/model/k8s-schema.data.ts) are those of the Kubernetes release the
 * test control plane is built from: regenerated from that release's OpenAPI document in the Go module
 * cache (present once scripts/build-test-cluster.sh ran; required under CI), they are the same file.
 * And the walk itself: what counts as unknown, and what is left alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
// @ts-expect-error: a plain .mjs script without types
import { compact, defaultSwagger, goStructs, render } from '../../scripts/gen-k8s-schema.mjs';
import { SCHEMA_KINDS, SCHEMA_VERSION, schemaTypeOf, unknownFields } from '../../src/model/schema.js';

function swagger(): { file: string; version: string; go: Record<string, string> } | string {
  try {
    const d = defaultSwagger() as { file: string; version: string; go: Record<string, string> };
    return existsSync(d.file) && existsSync(d.go.api) ? d : `${existsSync(d.file) ? d.go.api : d.file} not found: run scripts/build-test-cluster.sh`;
  } catch (e) {
    return `no Go module cache: ${(e as Error).message}`;
  }
}

describe('the Kubernetes field names', () => {
  const s = swagger();
  it('are generated from the release the test control plane is built from', { skip: typeof s === 'string' && !process.env.CI ? s : false }, () => {
    assert.ok(typeof s !== 'string', String(s));
    const fresh = render(compact(JSON.parse(readFileSync(s.file, 'utf8')), goStructs(s.go)), s.version);
    assert.equal(fresh, readFileSync(new URL('../../src/model/k8s-schema.data.ts', import.meta.url), 'utf8'), 'src/model/k8s-schema.data.ts is stale: node scripts/gen-k8s-schema.mjs');
    assert.equal(SCHEMA_VERSION, s.version);
  });

  it('cover the built-in kinds, by apiVersion, and no custom resource or removed version', () => {
    for (const k of ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ServiceAccount', 'Role', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'StorageClass']) {
      assert.ok(SCHEMA_KINDS.includes(k), k);
    }
    assert.ok(!SCHEMA_KINDS.includes('CustomResourceDefinition'));
    assert.ok(!SCHEMA_KINDS.some((k) => k.endsWith('List')));
    assert.equal(schemaTypeOf('apps/v1', 'Deployment'), 'apps.v1.Deployment');
    assert.equal(schemaTypeOf('v1', 'Pod'), 'core.v1.Pod');
    assert.equal(schemaTypeOf('autoscaling/v2', 'HorizontalPodAutoscaler'), 'autoscaling.v2.HorizontalPodAutoscaler');
    assert.equal(schemaTypeOf('extensions/v1beta1', 'Deployment'), undefined);
    assert.equal(schemaTypeOf('monitoring.coreos.com/v1', 'ServiceMonitor'), undefined);
  });

  it('walk lists, maps of objects and nested types; skip nulls, patch directives, merge keys and templates', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { anyLabel: 'x' }, annotations: { 'any/annotation': 'y' } },
      spec: {
        containers: [{ name: 'a', image: 'i', resources: { limits: { cpu: '1', 'example.com/gpu': 1 } }, envv: [] }],
        overhead: { cpu: '250m' },
        volumes: [{ name: 'v', csi: { driver: 'd', volumeAttributes: { anything: 'goes' } }, emptydir: {} }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'], valuez: [] }] }] } } },
        hostname: null,
        nope: null,
        $patch: 'replace',
        '<<': {},
        '{{ .Values.x }}': 1,
        toString: 1,
      },
    };
    assert.deepEqual(
      unknownFields(pod, 'core.v1.Pod').map((u) => [u.path.join('.'), u.type]),
      [
        ['spec.containers.0.envv', 'core.v1.Container'],
        ['spec.volumes.0.emptydir', 'core.v1.Volume'],
        ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.0.valuez', 'core.v1.NodeSelectorRequirement'],
        // A key named like an Object.prototype member is a field like any other.
        ['spec.toString', 'core.v1.PodSpec'],
      ],
    );
  });
});
