/**
 * Pods that an operator creates from a custom resource of the input, known by their labels only:
 * prometheus-operator's Prometheus, PrometheusAgent, Alertmanager and ThanosRuler become
 * StatefulSets (or DaemonSets) whose pods carry fixed labels plus `spec.podMetadata.labels`. Services,
 * PodDisruptionBudgets and NetworkPolicies written for those pods select them; without this, they
 * would look as if they selected nothing. The labels are prometheus-operator's own (its
 * makeSelectorLabels for each kind); the version label is left out (its value is the image's).
 */
import type { Resource } from './types.js';
import { get, stringMap } from './util.js';

const GROUP = 'monitoring.coreos.com/';

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
