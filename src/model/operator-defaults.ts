/**
 * What an operator writes into the pods it builds from a custom resource's pod template, where the
 * template cannot say otherwise. Checks judge the pods as they will run, so these fields count as set.
 * Only behaviour read in the operator's own source is modelled, each with where it was read.
 */
import type { JsonObject, Workload } from './types.js';
import { get, isObject } from './util.js';
import { applyEckDefaults } from './eck-defaults.js';
import { replaceContainerSpec } from './container-spec.js';

/** The pgbouncer container's security context, written over the template's (overwrite: true). */
const CNPG_CONTAINER_SECURITY: JsonObject = {
  capabilities: { drop: ['ALL'] },
  privileged: false,
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * CloudNativePG's Pooler (postgresql.cnpg.io): the operator builds a Deployment from spec.template
 * (cloudnative-pg pkg/specs/pgbouncer/deployments.go, Deployment(): podspec.NewFrom(template)...):
 * - serviceAccountName: the Pooler's name, always (WithServiceAccountName(pooler.Name, true)); the
 *   operator creates that ServiceAccount with a Role and RoleBinding (pgbouncer/rbac.go);
 * - the "pgbouncer" container's securityContext, always: specs.CreateContainerSecurityContext (drop ALL,
 *   not privileged, runAsNonRoot, readOnlyRootFilesystem, no privilege escalation, and the Cluster's
 *   seccomp profile, RuntimeDefault unless the Cluster sets another);
 * - a TCP readiness probe on port 5432 when the template has none (WithReadinessProbe(..., false));
 * - container ports "pgbouncer" 5432 and "metrics" 9127;
 * - the Deployment's replicas: spec.instances (default 1);
 * - the pod label cnpg.io/poolerName: <name>, and a PodMonitor when spec.monitoring.enablePodMonitor is true.
 */
function cnpgPooler(w: Workload): void {
  // The Deployment's replicas are spec.instances (default 1).
  w.replicasPath = ['spec', 'instances'];
  const n = get(w.resource.object, w.replicasPath);
  w.replicas = typeof n === 'number' ? n : null;
  // Its pods carry cnpg.io/poolerName: <name> (the Deployment's selector); spec.monitoring.enablePodMonitor
  // makes the operator create a PodMonitor for them (pgbouncer/podmonitor.go).
  w.podLabels = { ...w.podLabels, 'cnpg.io/poolerName': w.resource.name };
  if (get(w.resource.object, ['spec', 'monitoring', 'enablePodMonitor']) === true) w.scrapedBy = `the PodMonitor CloudNativePG creates (spec.monitoring.enablePodMonitor)`;
  const c = w.containers.find((x) => x.type === 'container' && x.name === 'pgbouncer');
  w.podSpec = { ...w.podSpec, serviceAccountName: w.resource.name };
  w.serviceAccountBy = `CloudNativePG runs the Pooler's pods as ServiceAccount "${w.resource.name}", which it creates with their Role and RoleBinding`;
  if (!c) return;
  const spec: JsonObject = { ...c.spec, securityContext: CNPG_CONTAINER_SECURITY };
  if (!isObject(spec.readinessProbe)) spec.readinessProbe = { tcpSocket: { port: 5432 }, timeoutSeconds: 5 };
  const ports = Array.isArray(c.spec.ports) ? c.spec.ports.filter((p) => !(isObject(p) && (p.name === 'pgbouncer' || p.name === 'metrics'))) : [];
  spec.ports = [...ports, { name: 'pgbouncer', containerPort: 5432 }, { name: 'metrics', containerPort: 9127 }];
  replaceContainerSpec(w, c, spec);
}

/**
 * KubeRay (ray.io RayCluster, RayService, RayJob) builds head and worker pods from their templates
 * (ray-operator/controllers/ray/common/pod.go, DefaultHeadPodTemplate / DefaultWorkerPodTemplate):
 * - labelPod: ray.io/is-ray-node=yes, ray.io/node-type, ray.io/group ("headgroup" or the worker group's
 *   name), ray.io/cluster (the RayCluster's name; generated for RayService and RayJob) and
 *   app.kubernetes.io/name=kuberay, app.kubernetes.io/created-by=kuberay-operator (the user's own values of
 *   the last two win);
 * - a container port named "metrics" (8080) on the Ray container (the first) when it has none;
 * - with in-tree autoscaling, the head pod runs as the head template's ServiceAccount or, when it names
 *   none, one named after the RayCluster that the operator creates with the autoscaler's Role
 *   (GetHeadGroupServiceAccountName, reconcileAutoscalerServiceAccount).
 * The probes it adds are modelled where the workload is built (probesBy).
 */
function kuberay(w: Workload): void {
  const p = w.podSpecPath;
  const obj = w.resource.object;
  const head = p.includes('headGroupSpec');
  const workerAt = p.indexOf('workerGroupSpecs');
  if (!head && workerAt < 0) return;
  const group = head ? 'headgroup' : get(obj, [...p.slice(0, workerAt + 2), 'groupName']);
  const cluster = w.resource.kind === 'RayCluster' ? w.resource.name : undefined;
  w.podLabels = {
    'app.kubernetes.io/name': 'kuberay',
    'app.kubernetes.io/created-by': 'kuberay-operator',
    ...w.podLabels,
    'ray.io/is-ray-node': 'yes',
    'ray.io/node-type': head ? 'head' : 'worker',
    ...(typeof group === 'string' ? { 'ray.io/group': group } : {}),
    ...(cluster ? { 'ray.io/cluster': cluster } : {}),
  };
  const ray = w.containers.find((c) => c.type === 'container');
  if (ray) {
    const ports = Array.isArray(ray.spec.ports) ? ray.spec.ports : [];
    if (!ports.some((x) => isObject(x) && x.name === 'metrics')) replaceContainerSpec(w, ray, { ...ray.spec, ports: [...ports, { name: 'metrics', containerPort: 8080 }] });
  }
  // The cluster spec: the RayCluster's own, a RayService's rayClusterConfig, a RayJob's rayClusterSpec.
  const clusterSpec = w.resource.kind === 'RayCluster' ? ['spec'] : w.resource.kind === 'RayService' ? ['spec', 'rayClusterConfig'] : ['spec', 'rayClusterSpec'];
  const autoscaling = get(obj, [...clusterSpec, 'enableInTreeAutoscaling']) === true;
  const named = w.podSpec.serviceAccountName;
  if (head && autoscaling && (typeof named !== 'string' || named === '')) {
    const sa = cluster ?? `the RayCluster ${w.resource.kind} "${w.resource.name}" creates`;
    if (cluster) w.podSpec = { ...w.podSpec, serviceAccountName: cluster };
    w.serviceAccountBy = `KubeRay runs the head pod (in-tree autoscaling) as ServiceAccount ${cluster ? `"${cluster}"` : `named after ${sa}`}, which it creates with the autoscaler's Role and RoleBinding`;
  }
}

/** Fill in what the operator of this custom resource sets in its pods (nothing for other kinds). */
export function applyOperatorDefaults(w: Workload): void {
  const r = w.resource;
  if (r.kind === 'Pooler' && r.apiVersion.startsWith('postgresql.cnpg.io/') && w.podSpecPath.join('.') === 'spec.template.spec') cnpgPooler(w);
  else if (r.apiVersion.includes('.k8s.elastic.co/')) applyEckDefaults(w);
  else if (r.apiVersion.startsWith('ray.io/') && (r.kind === 'RayCluster' || r.kind === 'RayService' || r.kind === 'RayJob')) kuberay(w);
  else if (r.kind === 'LeaderWorkerSet' && r.apiVersion.startsWith('leaderworkerset.x-k8s.io/')) leaderWorkerSet(w);
}

/**
 * A LeaderWorkerSet's controller labels every pod of the set with its name
 * (`leaderworkerset.sigs.k8s.io/name`) and each pod with its index in its group
 * (`leaderworkerset.sigs.k8s.io/worker-index`, 0 for the leader; LWS docs, "Labels, Annotations and
 * Environment Variables"; its scale subresource's selector is name plus worker-index=0). Services
 * written for the leader select on them. The group index varies per pod and is left out.
 */
function leaderWorkerSet(w: Workload): void {
  const leader = w.podSpecPath.includes('leaderTemplate');
  w.podLabels = { ...w.podLabels, 'leaderworkerset.sigs.k8s.io/name': w.resource.name, ...(leader ? { 'leaderworkerset.sigs.k8s.io/worker-index': '0' } : {}) };
}
