/**
 * Pods that an operator creates from a custom resource of the input, known by their labels only.
 * Services, PodDisruptionBudgets and NetworkPolicies written for those pods select them; without
 * this, they would look as if they selected nothing.
 * - prometheus-operator's Prometheus, PrometheusAgent, Alertmanager and ThanosRuler become
 *   StatefulSets (or DaemonSets) whose pods carry fixed labels plus `spec.podMetadata.labels`. The
 *   labels are prometheus-operator's own (its makeSelectorLabels for each kind); the version label is
 *   left out (its value is the image's).
 * - A LeaderWorkerSet (leaderworkerset.x-k8s.io) makes groups of a leader pod and worker pods: each
 *   carries its template's labels (leaderTemplate for the leader, else workerTemplate) and
 *   `leaderworkerset.sigs.k8s.io/name` (plus group and worker indexes, left out here but the
 *   leader's worker-index 0).
 * - A CloudNativePG Cluster (postgresql.cnpg.io) runs instance pods labelled `cnpg.io/cluster`,
 *   `cnpg.io/podRole: instance` and the instance role (`cnpg.io/instanceRole`, and the older `role`):
 *   one primary, the others replicas.
 */
import type { Resource } from './types.js';
import { get, stringMap } from './util.js';

const GROUP = 'monitoring.coreos.com/';

/** Kinds whose pods operatorPodSets knows (checks that match them declare these in `uses`). */
export const OPERATOR_POD_KINDS = ['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler', 'LeaderWorkerSet', 'Cluster'];

/** app.kubernetes.io/name per kind, and the kind's own label holding the object's name. */
const KINDS: Record<string, { app: string; own: string | null; promName: boolean }> = {
  Prometheus: { app: 'prometheus', own: 'prometheus', promName: true },
  PrometheusAgent: { app: 'prometheus-agent', own: null, promName: true },
  Alertmanager: { app: 'alertmanager', own: 'alertmanager', promName: false },
  ThanosRuler: { app: 'thanos-ruler', own: 'thanos-ruler', promName: false },
};

/** The labels the pods of this custom resource carry, or null when it does not create pods this way. */
export function operatorPodLabels(r: Resource): Record<string, string> | null {
  if (!r.apiVersion.startsWith(GROUP) || !Object.hasOwn(KINDS, r.kind)) return null;
  const k = KINDS[r.kind];
  const labels: Record<string, string> = { ...stringMap(get(r.object, ['spec', 'podMetadata', 'labels'])) };
  labels['app.kubernetes.io/name'] = k.app;
  labels['app.kubernetes.io/managed-by'] = 'prometheus-operator';
  labels['app.kubernetes.io/instance'] = r.name;
  if (k.own) labels[k.own] = r.name;
  if (k.promName) {
    labels['operator.prometheus.io/name'] = r.name;
    // Shard 0 always exists; the others repeat its labels with another number.
    labels['operator.prometheus.io/shard'] = '0';
  }
  return labels;
}

/**
 * Every label set the pods of this custom resource carry (the leader's and the workers' of a
 * LeaderWorkerSet; the primary's and the replicas' of a CloudNativePG Cluster), or null when it does
 * not create pods this way.
 */
export function operatorPodSets(r: Resource): Record<string, string>[] | null {
  const prom = operatorPodLabels(r);
  if (prom) return [prom];
  if (r.kind === 'LeaderWorkerSet' && r.apiVersion.startsWith('leaderworkerset.x-k8s.io/')) {
    const tpl = get(r.object, ['spec', 'leaderWorkerTemplate']);
    const name = { 'leaderworkerset.sigs.k8s.io/name': r.name };
    const worker = stringMap(get(tpl, ['workerTemplate', 'metadata', 'labels']));
    const leaderTpl = get(tpl, ['leaderTemplate']);
    const leader = leaderTpl === undefined || leaderTpl === null ? worker : stringMap(get(leaderTpl, ['metadata', 'labels']));
    return [
      { ...leader, ...name, 'leaderworkerset.sigs.k8s.io/worker-index': '0' },
      { ...worker, ...name },
    ];
  }
  if (r.kind === 'Cluster' && r.apiVersion.startsWith('postgresql.cnpg.io/')) {
    const base = { ...stringMap(get(r.object, ['spec', 'inheritedMetadata', 'labels'])), 'cnpg.io/cluster': r.name, 'cnpg.io/podRole': 'instance' };
    const instances = get(r.object, ['spec', 'instances']);
    const sets = [{ ...base, 'cnpg.io/instanceRole': 'primary', role: 'primary' }];
    if (!(typeof instances === 'number' && instances <= 1)) sets.push({ ...base, 'cnpg.io/instanceRole': 'replica', role: 'replica' });
    return sets;
  }
  return null;
}
