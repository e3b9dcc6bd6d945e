// The diagnosis's public shapes and constants: Diagnosis, Problem, Evidence, the options, the kinds walked, parseTarget.

export const DIAGNOSIS_SCHEMA_VERSION = 1;

/**
 * Problems that only `kubeready diagnose` reports (no audit check has their id), for `kubeready
 * explain`: what each means.
 */
export const DIAGNOSE_ONLY_PROBLEMS: Record<string, string> = {
  'pod-stuck-creating':
    'The pod is scheduled but its containers are still being created: a kubelet Warning (FailedMount for a missing ConfigMap, Secret or claim, FailedAttachVolume and Multi-Attach for a ReadWriteOnce volume held by another node, FailedCreatePodSandBox for a failing CNI plugin) names the cause; with no event for five minutes or more, the node\'s kubelet may not be reporting.',
  'pods-cannot-be-created':
    'The workload or its ReplicaSet has a FailedCreate event: the API server refused to create its pods (an exceeded ResourceQuota, a LimitRange, a PodSecurity or other admission rejection, a missing ServiceAccount). Nothing runs until the cause is fixed; the event message names it.',
  'pod-evicted':
    'The kubelet evicted the pod (status.phase Failed, status.reason Evicted) because its node ran short of memory, disk (ephemeral-storage) or process ids, or because the pod used more local storage than its limits allow. The kubelet\'s message names the resource, and the container with its usage against its request: the pods that use more than they request are evicted first.',
};

export type DiagnoseKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'Service' | 'PersistentVolumeClaim' | 'Node' | 'PodDisruptionBudget' | 'HorizontalPodAutoscaler' | 'Ingress';

/** kubectl's names and short names for the kinds diagnose walks. */
export const KIND_NAMES: Record<string, DiagnoseKind> = {
  po: 'Pod', pod: 'Pod', pods: 'Pod',
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment',
  sts: 'StatefulSet', statefulset: 'StatefulSet', statefulsets: 'StatefulSet',
  ds: 'DaemonSet', daemonset: 'DaemonSet', daemonsets: 'DaemonSet',
  rs: 'ReplicaSet', replicaset: 'ReplicaSet', replicasets: 'ReplicaSet',
  job: 'Job', jobs: 'Job',
  cj: 'CronJob', cronjob: 'CronJob', cronjobs: 'CronJob',
  svc: 'Service', service: 'Service', services: 'Service',
  pvc: 'PersistentVolumeClaim', persistentvolumeclaim: 'PersistentVolumeClaim', persistentvolumeclaims: 'PersistentVolumeClaim',
  no: 'Node', node: 'Node', nodes: 'Node',
  pdb: 'PodDisruptionBudget', poddisruptionbudget: 'PodDisruptionBudget', poddisruptionbudgets: 'PodDisruptionBudget',
  hpa: 'HorizontalPodAutoscaler', horizontalpodautoscaler: 'HorizontalPodAutoscaler', horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  ing: 'Ingress', ingress: 'Ingress', ingresses: 'Ingress',
};

/** kubectl resource names, for commands. */
export const KUBECTL_NAME: Record<DiagnoseKind, string> = {
  Pod: 'pod', Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemonset', ReplicaSet: 'replicaset', Job: 'job', CronJob: 'cronjob',
  Service: 'service', PersistentVolumeClaim: 'pvc', Node: 'node', PodDisruptionBudget: 'pdb', HorizontalPodAutoscaler: 'hpa', Ingress: 'ingress',
};

/** Kinds kubectl knows that diagnose does not walk, by their names and short names, for a clear refusal. */
const UNSUPPORTED_KINDS: Record<string, string> = {
  rc: 'ReplicationControllers', replicationcontroller: 'ReplicationControllers', replicationcontrollers: 'ReplicationControllers',
  ep: 'Endpoints', endpoints: 'Endpoints', cm: 'ConfigMaps', configmap: 'ConfigMaps', configmaps: 'ConfigMaps', secret: 'Secrets', secrets: 'Secrets',
  sa: 'ServiceAccounts', serviceaccount: 'ServiceAccounts', serviceaccounts: 'ServiceAccounts', pv: 'PersistentVolumes', netpol: 'NetworkPolicies', networkpolicy: 'NetworkPolicies',
};

const SUPPORTED = 'pod (po), deployment (deploy), statefulset (sts), daemonset (ds), replicaset (rs), job, cronjob (cj), service (svc), pvc, node (no), poddisruptionbudget (pdb), horizontalpodautoscaler (hpa), ingress (ing), and namespace (ns) for every unhealthy object of it';

/**
 * Parse a target as kubectl takes it: `deploy/web`, or the kind and the name apart (`deploy web`).
 * `ns/shop` (or `ns shop`) asks for the namespace, as `-n shop` without a target does.
 */
export function parseTarget(s: string, second?: string): { kind: DiagnoseKind; name: string } | { namespace: string } | { error: string } {
  let kindText: string;
  let name: string;
  if (second !== undefined) {
    if (s.includes('/')) return { error: `"${s} ${second}": give KIND/NAME or KIND NAME, not both` };
    kindText = s;
    name = second;
  } else {
    const i = s.indexOf('/');
    if (i <= 0 || i === s.length - 1) return { error: `"${s}" is not KIND/NAME or KIND NAME (e.g. deploy/web, deploy web, pod/web-0, svc/web, pvc/data)` };
    kindText = s.slice(0, i);
    name = s.slice(i + 1);
  }
  if (name === '' || name.includes('/')) return { error: `"${name}" is not an object name` };
  const k = kindText.toLowerCase().replace(/\.(apps|batch|v1|policy|networking\.k8s\.io|networking|autoscaling)$/, '');
  if (k === 'ns' || k === 'namespace' || k === 'namespaces') return { namespace: name };
  const kind = KIND_NAMES[k];
  if (!kind) {
    const other = UNSUPPORTED_KINDS[k];
    return { error: other ? `diagnose does not walk ${other} ("${kindText}"); it walks: ${SUPPORTED}` : `unknown kind "${kindText}": use ${SUPPORTED}` };
  }
  return { kind, name };
}

export interface ObjectRef {
  kind: string;
  name: string;
  namespace: string | null;
}

export interface Evidence {
  /** What it is: "status", "event", "spec", "log", "endpoints". */
  source: string;
  /** The object it was read from, and the field. */
  object: ObjectRef | null;
  field: string | null;
  text: string;
}

export interface Prevention {
  /** The check that catches it in the manifests; null when no manifest check can. */
  check: string | null;
  title: string | null;
  pillar: string | null;
  why: string;
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

export interface LogAttachment extends LogRequest {
  /** The last lines, when they could be read. */
  lines: string[] | null;
  /** Why not, otherwise (forbidden, no kubelet, offline). */
  unavailable: string | null;
}

export interface Problem {
  /** The runtime check that reports it in `kubeready audit --cluster`, when one does. */
  check: string | null;
  severity: 'error' | 'warning';
  symptom: string;
  /** Where it was observed (a pod, the Service, the claim...). */
  object: ObjectRef;
  container: string | null;
  /** Affected pods (all of them, when the problem is the same in several). */
  pods: string[];
  evidence: Evidence[];
  cause: string;
  fix: { text: string; commands: string[]; yaml: string | null };
  prevent: Prevention[];
  /** The previous container's log, for crashed containers. */
  logs: LogAttachment | null;
}

/**
 * not-found: no such object in the input; no-status: the object has no status (a manifest), nothing
 * to diagnose; unknown: the list that would hold it could not be read (forbidden, failed), so
 * whether it exists and how it is cannot be told.
 */
export type DiagnosisStatus = 'broken' | 'degraded' | 'healthy' | 'not-found' | 'no-status' | 'unknown';

/** Where the objects were read: the kubeconfig context and its API server (null for a dump). */
export interface DiagnosisCluster {
  context: string;
  server: string;
}

export interface Diagnosis {
  schemaVersion: number;
  target: ObjectRef;
  status: DiagnosisStatus;
  /** One line: what is visibly wrong. */
  symptom: string;
  /** The objects looked at, in walk order. */
  walked: string[];
  /** Worst and most causal first. */
  problems: Problem[];
  /** Things the walk could not see (no events in the input, objects missing...). */
  notes: string[];
  /** The cluster read (set by the CLI; null for a dump). */
  cluster?: DiagnosisCluster | null;
  /** The time durations are measured up to (the API server's clock, else the newest timestamp in the input). */
  observedAt?: string | null;
  /** For a Node: its conditions, taints, requests, unhealthy pods and what a drain needs. */
  node?: NodeReport;
}

export interface NamespaceDiagnosis {
  schemaVersion: number;
  namespace: string;
  /** Unhealthy objects, worst first. */
  diagnoses: Diagnosis[];
  /** Objects looked at and found healthy. */
  healthy: number;
  /**
   * Lists of the namespace's objects that could not be read (forbidden, failed), in one line, or
   * null: when set, "nothing unhealthy" cannot be claimed for what was not read.
   */
  unread: string | null;
  notes: string[];
  cluster?: DiagnosisCluster | null;
  observedAt?: string | null;
}

/** A list the source could not read (forbidden, failed), so absence from the input proves nothing. */
export interface UnreadList {
  kind: string;
  /** Its namespace; null for a cluster-scoped kind or every namespace. */
  namespace: string | null;
  /** HTTP 403: this user may not list it. */
  forbidden: boolean;
  /** Why, when it is not forbidden (the server's error, a timeout). */
  reason: string;
}

export interface DiagnoseOptions {
  /** Minutes a container must be Running but not Ready to count (default 5). */
  notReadyMinutes?: number;
  /** Restarts above which a container "restarts often" (default 5). */
  restarts?: number;
  /** How "now" is known: default, the newest timestamp in the input. */
  now?: number;
  /** Why logs cannot be read at all (offline): set on every log attachment. */
  logsUnavailable?: string;
  /** Lists the source could not read (a live scan's forbidden or failed lists). */
  unread?: UnreadList[];
  /** Name the unread lists in the diagnosis's notes (default true; diagnoseNamespace names them once). */
  gapNote?: boolean;
}

export interface ConnectionTarget {
  kind: DiagnoseKind;
  name: string;
  namespace: string;
  /** A Service port (number or name), or for a workload a container port; undefined: every port. */
  port?: number | string;
}

/** One pod on a node whose drain needs a flag, or that the eviction API refuses. */
export interface DrainPod {
  namespace: string;
  name: string;
  /** Why: "bare pod (no controller)", "emptyDir volume cache", the budget that refuses it. */
  why: string;
  /** The budgets that refuse its eviction (blockers only). */
  budgets: string[];
}

export interface DrainPlan {
  /** kubectl drain with exactly the flags the node's pods need. */
  command: string;
  flags: string[];
  /** What each flag does to which pods (what --force deletes for good). */
  notes: string[];
  /** Pods the eviction API refuses now: the drain hangs (or fails) on them. */
  blockers: DrainPod[];
  /** Every namespace's pods were read: otherwise the flags cover only those that were. */
  complete: boolean;
}

export interface NodePodLine {
  namespace: string;
  name: string;
  severity: 'error' | 'warning';
  /** Its worst problem, in one line. */
  symptom: string;
  /** How many more problems it has. */
  more: number;
  /** The command that walks it. */
  command: string;
}

export interface NodeReport {
  /** Ready (with the last heartbeat) and the other conditions that are not as they should be. */
  conditions: string[];
  taints: string[];
  cordoned: boolean;
  /** Requested against allocatable, one line per resource; null when not every pod on it was read. */
  requests: string[] | null;
  /** Pods on the node with a problem, worst first. */
  unhealthyPods: NodePodLine[];
  drain: DrainPlan;
}
