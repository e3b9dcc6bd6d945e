/**
 * `kubeready diagnose`: the debugging walk an expert does at 2 AM, done on loaded objects.
 *
 * Pure: takes the objects (a ResourceIndex over a live cluster's objects or a `kubectl get -o yaml`
 * dump, with status and Events) and a target, and returns a Diagnosis: the symptom, the objects
 * walked, and each problem found with its evidence, most likely root cause, fix (commands and a YAML
 * change) and the checklist item (check id) that prevents it next time. The walk:
 *
 * - Deployment -> its ReplicaSets -> Pods (ownerReferences uid) -> container statuses -> Events;
 *   StatefulSet, DaemonSet, Job, CronJob and ReplicaSet the same way; a Pod directly, plus the claims
 *   it mounts and the node it runs on;
 * - Service -> selector -> Pods -> EndpointSlices (and the Pods' own problems);
 * - PersistentVolumeClaim -> StorageClass -> Events.
 *
 * Reading logs is I/O: the diagnosis lists what it would read (`logRequests`) and the caller
 * attaches what it got (`attachLogs`), or why it could not.
 */
import { sourceWhere, type ResourceIndex } from '../model/index.js';
import type { FieldPath, Json, JsonObject, Resource } from '../model/types.js';
import { describeEvent, shortenMessage, eventContainer, eventsFor, formatDuration, formatTime, latestEvent, observedAt, parseTime, type ObjectEvent } from '../model/events.js';
import {
  availabilityOf,
  conditionOf,
  configErrors,
  containerStatuses,
  controllerOf,
  crashLoops,
  daemonAvailabilityOf,
  endpointsOf,
  exitCodeMeaning,
  formatBytes,
  formatCpu,
  hasStatus,
  imagePulls,
  intermediatesOf,
  isPodReady,
  isTerminating,
  lastTermination,
  memoryLimitOf,
  memoryRequestOf,
  nodePressure,
  nodeReady,
  nodeRoom,
  notReadyContainers,
  oomKills,
  podPhase,
  podRequests,
  podsOf,
  podsSelectedBy,
  probeFailures,
  pvcPending,
  serviceSelectorOf,
  topOwner,
  unschedulable,
  warnings,
  type ContainerStatus,
  type PullCause,
  type PvcPending,
  type SchedulingKind,
} from '../model/runtime.js';
import { formatLabels, formatSelector } from '../model/selector.js';
import { didYouMean, get, getArray, getNumber, getString, isObject, joinAnd, nearNames, parseQuantity, stringMap } from '../model/util.js';
import { toWorkload } from '../model/workload.js';
import { allChecks, findCheck } from '../checks/index.js';
import type { Check, FindingInput } from '../checks/types.js';
import { formatPath } from './audit.js';
import { PULL_CAUSE_TEXT } from '../checks/runtime/image-pull-failure.js';
import { pvcCause } from '../checks/runtime/pvc-pending.js';
import { Cron } from 'croner';
import { nearMisses, podState, templatesSelected } from '../checks/runtime/service-no-ready-endpoints.js';
import { blockingTaints, conditionTaint, labelsOf, meetsRequirements, nodeRefusal, nodeRequirements, taintsOf, taintText, type NodeRequirement, type Taint } from '../model/placement.js';
import { pdbSelectorKind, pdbSelects, showSelector, workloadsOfPdb } from '../model/pdb.js';
import { isZeroIntOrPercent, percentOf, showIntOrPercent } from '../model/availability.js';
import { unhealthyPolicy } from '../checks/runtime/pdb-drain-blocked-now.js';
import { unavailable } from '../checks/runtime/workload-unavailable.js';
import { describeMissing, referencePath } from '../checks/runtime/create-container-config-error.js';
import { lastRunText } from '../checks/runtime/crashloop-backoff.js';
import { hpaFixText, hpaTroubleText } from '../checks/runtime/hpa-not-scaling.js';
import { ingressBackends } from '../checks/networking/ingress-backend-missing.js';
import { selectedWorkloads, servicePorts, type ServicePort } from '../checks/networking/service-util.js';
import { dnsPeerMatch, DNS_NAMESPACE, formatPortSpec, namedPorts, networkGraph, portSetEmpty, portSetHas, NAMESPACE_NAME_LABEL, type NetPolicy, type NetpolRule, type NetworkGraph } from '../model/netpol.js';
import type { Workload } from '../model/types.js';
import { ambiguousPeers, hpaCondition, hpaMetrics, hpasOf, hpaSynced, hpaTarget, hpaTrouble, replicasAskedFor, type HpaTrouble } from '../model/autoscaler-status.js';
import { scaleTargetRef } from '../model/scale-target.js';

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
const KUBECTL_NAME: Record<DiagnoseKind, string> = {
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

// ---------------------------------------------------------------------------------------------

function ref(r: Resource, index: ResourceIndex): ObjectRef {
  const clusterScoped = r.kind === 'Node' || r.kind === 'StorageClass' || r.kind === 'PersistentVolume';
  return { kind: r.kind, name: r.name, namespace: clusterScoped ? null : index.namespaceOf(r) };
}

function show(r: ObjectRef): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

function prevention(check: string | null, why: string): Prevention {
  const c = check ? findCheck(check) : undefined;
  return { check: c ? c.id : null, title: c?.title ?? null, pillar: c?.pillar ?? null, why };
}

function ev(e: ObjectEvent, index: ResourceIndex): Evidence {
  // As describeEvent, with the message shortened so that its end (where the error is) survives.
  const text = describeEvent({ ...e, message: quote(e.message, 400) }, 10_000);
  return { source: 'event', object: ref(e.resource, index), field: formatPath(e.messagePath), text };
}

/** Error text for quoting: the start and the decisive end kept (model/events.ts shortenMessage). */
export const quote = shortenMessage;

/** "Deployments", "StorageClasses", "NetworkPolicies". */
function plural(kind: string): string {
  if (/(s|x|ch|sh)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

/** The unread lists among `kinds` that cover namespace `ns` (every unread list when `kinds` is null). */
function unreadOf(opts: DiagnoseOptions, kinds: readonly string[] | null, ns: string | null): UnreadList[] {
  return (opts.unread ?? []).filter((u) => (kinds === null || kinds.includes(u.kind)) && (u.namespace === null || ns === null || u.namespace === ns));
}

/** "listing Deployments and Pods in shop is forbidden for this user; listing Events in shop failed (timeout)". */
export function unreadText(list: UnreadList[]): string {
  const groups = new Map<string, { kinds: string[]; namespace: string | null; forbidden: boolean; reason: string }>();
  for (const u of list) {
    const key = `${u.namespace ?? ''}\0${u.forbidden ? '' : u.reason}`;
    const g = groups.get(key) ?? { kinds: [], namespace: u.namespace, forbidden: u.forbidden, reason: u.reason };
    if (!g.kinds.includes(u.kind)) g.kinds.push(u.kind);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => `listing ${joinAnd(g.kinds.map(plural))}${g.namespace ? ` in ${g.namespace}` : ''} ${g.forbidden ? 'is forbidden for this user' : `failed (${g.reason.replace(/^not listed: /, '')})`}`)
    .join('; ');
}

/**
 * Run the manifest check `id` on this object (a workload's, or an object check's kind) with its default
 * parameters, as the audit would: its findings, and the workload it ran on. Undefined when it cannot say:
 * no such check, not a kind it runs on, a kind it reads could not be listed, or it threw.
 */
function runManifestCheck(x: Ctx, r: Resource, id: string, active?: ReadonlySet<string>): { check: Check; found: FindingInput[]; workload?: Workload } | undefined {
  const check = findCheck(id);
  if (!check) return undefined;
  if ((check.uses ?? []).some((k) => unreadOf(x.opts, [k], x.index.namespaceOf(r)).length > 0)) return undefined;
  const params: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(check.params ?? {})) params[k] = spec.default;
  try {
    if (check.target === 'workload') {
      const w = toWorkload(r);
      if (!w) return undefined;
      if (check.classes && !check.classes.includes(w.class)) return { check, found: [], workload: w };
      return { check, found: check.run({ workload: w, resource: r, params, index: x.index, ...(active ? { active } : {}) }), workload: w };
    }
    if (!check.kinds?.includes(r.kind)) return undefined;
    return { check, found: check.run({ resource: r, params, index: x.index, ...(active ? { active } : {}) }) };
  } catch {
    return undefined;
  }
}

/**
 * Would the manifest check `id` fire on this object (the workload that runs the pods, or the Service,
 * the claim)? For a container, only its findings about that container count. Undefined when it
 * cannot say (runManifestCheck).
 */
function firesOn(x: Ctx, r: Resource, id: string, container?: string, active?: ReadonlySet<string>): boolean | undefined {
  const ran = runManifestCheck(x, r, id, active);
  if (!ran) return undefined;
  const { found, workload: w } = ran;
  const paths = w ? new Map(w.containers.map((c) => [JSON.stringify(c.path), c.name])) : undefined;
  if (container === undefined) return found.length > 0;
  return found.some((f) => {
    if (f.container !== undefined) return f.container === container;
    // No container named: the path says which one, if any.
    for (let n = f.path.length; n > 0; n--) {
      const name = paths?.get(JSON.stringify(f.path.slice(0, n)));
      if (name !== undefined) return name === container;
    }
    return true;
  });
}

/** The prevention when its check fires on this object; else null (or, with `general`, the advice without a check). */
function preventIf(x: Ctx, r: Resource, id: string, why: string, o: { container?: string; general?: string; active?: ReadonlySet<string> } = {}): Prevention | null {
  if (firesOn(x, r, id, o.container, o.active) === true) return prevention(id, why);
  return o.general ? prevention(null, o.general) : null;
}

/** Of these preventions, the advice without a check, and those whose check fires on `r` (for `container`). */
function confirmed(x: Ctx, r: Resource, list: Prevention[], container?: string | null): Prevention[] {
  return list.filter((v) => v.check === null || firesOn(x, r, v.check, container ?? undefined) === true);
}

function compact<T>(list: (T | null | undefined)[]): T[] {
  return list.filter((v): v is T => v !== null && v !== undefined);
}

function st(r: Resource, path: FieldPath, text: string, index: ResourceIndex, source = 'status'): Evidence {
  return { source, object: ref(r, index), field: formatPath(path), text };
}

/** The object commands act on: the workload when the pod has one in the input, else the pod. */
interface Owner {
  /** `deployment/web` */
  kubectl: string;
  /** Can its pod template's resources be changed in place (kubectl set resources, or a patch)? */
  mutable: boolean;
  /** Can its containers' images be changed in place (kubectl set image: a Pod's image too)? */
  image: boolean;
  resource: Resource;
}

const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

function ownerOf(index: ResourceIndex, pod: Resource): Owner {
  const top = topOwner(index, pod);
  const kind = top.kind as DiagnoseKind;
  const name = (Object.hasOwn(KUBECTL_NAME, kind) ? KUBECTL_NAME[kind] : undefined) ?? top.kind.toLowerCase();
  // A CronJob's jobTemplate can be patched (the next run uses it); a Job's template cannot be changed;
  // a Pod's image can be set in place, its resources cannot (kubectl set resources refuses pods).
  return { kubectl: `${name}/${top.name}`, mutable: [...TEMPLATE_KINDS, 'CronJob'].includes(top.kind), image: [...TEMPLATE_KINDS, 'CronJob', 'Pod'].includes(top.kind), resource: top };
}

/**
 * The command that changes a container's resources where the pods come from: `kubectl set
 * resources` for workloads, a strategic-merge patch of the jobTemplate for a CronJob (its next run
 * uses it). Null, with the reason in `note`, where it cannot be changed in place.
 */
function resourcesCommand(n: string, owner: Owner, container: string, r: { requests?: Record<string, string>; limits?: Record<string, string> }): { command: string | null; note: string | null } {
  if (owner.resource.kind === 'CronJob') {
    const res: Record<string, Record<string, string>> = {};
    if (r.requests) res.requests = r.requests;
    if (r.limits) res.limits = r.limits;
    const patch = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: container, resources: res }] } } } } } };
    return { command: `kubectl ${n} patch ${owner.kubectl} --type strategic -p '${JSON.stringify(patch)}'   # the next run uses it`, note: null };
  }
  if (owner.mutable) {
    const flags = (k: string, m?: Record<string, string>) => (m ? ` --${k}=${Object.entries(m).map(([a, b]) => `${a}=${b}`).join(',')}` : '');
    return { command: `kubectl ${n} set resources ${owner.kubectl} -c ${container}${flags('requests', r.requests)}${flags('limits', r.limits)}`, note: null };
  }
  return {
    command: null,
    note: owner.resource.kind === 'Job' ? `a Job's pod template cannot be changed: change it in the manifest, delete ${owner.kubectl} and create it again` : `the resources of ${owner.kubectl} cannot be changed in place: change them in the manifest and recreate it`,
  };
}

/** The fix text with the note of a change that cannot be made in place, and the commands without it. */
function withNote(text: string, commands: (string | null)[], note: string | null): { text: string; commands: string[] } {
  return { text: note ? `${text} Note: ${note}.` : text, commands: commands.filter((c): c is string => c !== null) };
}

function nsFlag(index: ResourceIndex, r: Resource): string {
  return `-n ${index.namespaceOf(r)}`;
}

const SEVERITY_RANK = { error: 0, warning: 1 } as const;

/** Root causes before their consequences: what to fix first. */
const CAUSE_ORDER = [
  'node-not-ready',
  'pod-evicted',
  'pvc-pending',
  'pod-pending-unschedulable',
  'image-pull-failure',
  'create-container-config-error',
  'pod-stuck-creating',
  'container-oomkilled',
  'crashloop-backoff',
  'job-failed',
  'pods-cannot-be-created',
  'probe-failing',
  'container-not-ready',
  'frequent-restarts',
  'service-label-mismatch',
  'service-no-ready-endpoints',
  'node-pressure',
];

function order(p: Problem): number {
  const i = CAUSE_ORDER.indexOf(p.check ?? p.symptom);
  return i === -1 ? CAUSE_ORDER.length : i;
}

// ---------------------------------------------------------------------------------------------
// Pod problems

interface Ctx {
  index: ResourceIndex;
  now: number | undefined;
  opts: DiagnoseOptions;
  notes: Set<string>;
  /** Drain plans by node, computed once. */
  drains?: Map<Resource, DrainPlan>;
}

/** The container's limits and requests, for evidence. */
function resourcesText(c: ContainerStatus): string {
  const lim = memoryLimitOf(c);
  const req = memoryRequestOf(c);
  return `memory limit ${lim ? `${lim.text}${lim.level === 'pod' ? ' (pod-level)' : ''}` : 'none'}, request ${req ?? 'none'}`;
}

function containerYaml(c: { name: string }, body: string): string {
  const indented = body.split('\n').map((l) => `    ${l}`).join('\n');
  return `containers:\n  - name: ${c.name}\n${indented}`;
}

function backoffEvidence(x: Ctx, pod: Resource, c: ContainerStatus): Evidence[] {
  const e = latestEvent(eventsFor(x.index, pod), (v) => v.reason === 'BackOff' && eventContainer(v) === c.name);
  return e ? [ev(e, x.index)] : [];
}

/**
 * The log to read: the previous container's for one that was restarted (its current one is new), the
 * current one for a container that ended and was not restarted (restartPolicy Never, a Job's pod):
 * there is no previous container then, and asking for it always fails.
 */
function logsFor(x: Ctx, pod: Resource, c: ContainerStatus): LogAttachment {
  const ended = c.state?.phase === 'terminated';
  return { namespace: x.index.namespaceOf(pod), pod: pod.name, container: c.name, previous: !ended, lines: null, unavailable: x.opts.logsUnavailable ?? null };
}

function oomProblems(x: Ctx, pod: Resource): Problem[] {
  const out: Problem[] = [];
  for (const k of oomKills(pod)) {
    const c = k.c;
    const owner = ownerOf(x.index, pod);
    const evidence: Evidence[] = [
      st(pod, k.term.path, `reason OOMKilled, exit code ${k.term.exitCode ?? '?'}${k.term.finishedAt !== undefined ? `, finished ${formatTime(k.term.finishedAt)}` : ''}`, x.index),
      st(pod, [...c.statusPath, 'restartCount'], `restartCount ${c.restartCount}${c.state?.phase === 'waiting' && c.state.reason ? `; now ${c.state.reason}${c.state.message ? ` ("${c.state.message}")` : ''}` : ''}`, x.index),
      st(pod, c.specPath ? [...c.specPath, 'resources'] : ['spec'], resourcesText(c), x.index, 'spec'),
      ...backoffEvidence(x, pod, c),
    ];
    let cause: string;
    let fix: Problem['fix'];
    const prevent: Prevention[] = [];
    // restartPolicy Never (a Job's pods, usually): the container is not restarted, the pod fails.
    const policy = getString(pod.object, ['spec', 'restartPolicy']) ?? 'Always';
    const restarted = c.type === 'init' || policy !== 'Never' ? 'and the kubelet restarts it' : `and, with restartPolicy Never, it is not restarted: the pod fails${owner.resource.kind === 'Job' || owner.resource.kind === 'CronJob' ? ' (the Job may retry with a new pod, up to its backoffLimit)' : ''}`;
    if (k.limit) {
      const next = formatBytes(k.limit.bytes * 2);
      cause = `the container needs more memory than its ${k.limit.text} limit: when it reaches it, the kernel kills it (exit 137, reason OOMKilled) ${restarted}. Either the limit is below its real working set, or it leaks (usage climbing steadily until each kill); a runtime heap (JVM -Xmx, Node --max-old-space-size) larger than the limit does the same`;
      const set = resourcesCommand(nsFlag(x.index, pod), owner, c.name, { requests: { memory: next }, limits: { memory: next } });
      fix = {
        ...withNote(
          `Measure the peak working set and set the limit above it (twice the current limit, ${next}, is a starting point, not a measurement); if usage grows without bound, fix the leak or cap the heap below the limit.`,
          [`kubectl ${nsFlag(x.index, pod)} top pod ${pod.name} --containers`, set.command],
          set.note,
        ),
        yaml: containerYaml(c, `resources:\n  requests:\n    memory: ${next}   # was ${memoryRequestOf(c) ?? 'not set'}\n  limits:\n    memory: ${next}   # was ${k.limit.text}`),
      };
      // The container has a limit, so memory-limit-missing would not fire: no manifest check can
      // say a limit is too small for what the program does; measurement and an alert can.
      prevent.push(prevention(null, 'a limit too small for what the program does shows only in measurement: size it from the peak working set (container_memory_working_set_bytes), and alert when the working set stays above 90% of the limit, so a leak pages before it kills'));
      // The heap check names a setting only when the manifest has one that does not fit.
      const heap = preventIf(x, owner.resource, 'runtime-heap-exceeds-memory-limit', 'the runtime heap setting does not fit the memory limit: the runtime grows into it', {
        container: c.name,
        general: 'a runtime that sizes its heap itself (JVM, Node.js, Go) stays under the limit only when told: -XX:MaxRAMPercentage, --max-old-space-size or GOMEMLIMIT below the limit',
      });
      if (heap) prevent.push(heap);
    } else {
      cause = `the container has no memory limit, so it was not its own limit: the node ran out of memory and the kernel OOM killer picked it (${restarted.replace(/^and /, '')}). Some pod on that node (maybe this one) uses more memory than it requests`;
      fix = {
        text: 'Give every container on the node a memory request and limit from measured usage, so the scheduler stops overpacking the node.',
        commands: [`kubectl describe node ${getString(pod.object, ['spec', 'nodeName']) ?? 'NODE'}`, `kubectl ${nsFlag(x.index, pod)} top pod ${pod.name} --containers`],
        yaml: containerYaml(c, 'resources:\n  requests:\n    memory: 512Mi\n  limits:\n    memory: 512Mi'),
      };
      prevent.push(
        ...compact([
          preventIf(x, owner.resource, 'memory-limit-missing', 'a memory limit confines an OOM kill to the container that leaks', { container: c.name }),
          preventIf(x, owner.resource, 'memory-request-missing', 'requests are what keep the scheduler from putting more on a node than it holds', { container: c.name }),
        ]),
      );
    }
    const old = !k.current && c.state?.phase === 'running' && k.term.finishedAt !== undefined && x.now !== undefined && x.now - k.term.finishedAt > 24 * 3_600_000;
    out.push({
      check: 'container-oomkilled',
      severity: old ? 'warning' : 'error',
      symptom: `container "${c.name}" was OOMKilled (${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}${k.limit ? `, memory limit ${k.limit.text}` : ', no memory limit'})`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause,
      fix,
      prevent,
      logs: logsFor(x, pod, c),
    });
  }
  return out;
}

function crashCause(x: Ctx, pod: Resource, c: ContainerStatus, liveness: { count: number; message: string } | undefined): { cause: string; fix: Problem['fix']; prevent: Prevention[] } {
  const t = lastTermination(c);
  const owner = ownerOf(x.index, pod);
  const n = nsFlag(x.index, pod);
  const logs = `kubectl ${n} logs ${pod.name} -c ${c.name} --previous`;
  const undo = owner.resource.kind === 'Deployment' || owner.resource.kind === 'StatefulSet' || owner.resource.kind === 'DaemonSet' ? [`kubectl ${n} rollout undo ${owner.kubectl}   # if a new release brought it`] : [];
  const rollout: Prevention[] = compact([
    preventIf(x, owner.resource, 'readiness-probe-missing', 'with a readiness probe, a rollout of a crashing version stops at the first new pod while the old ones keep serving', { container: c.name }),
    preventIf(x, owner.resource, 'rolling-update-unavailable', 'maxUnavailable 0 keeps every old pod until a new one is Ready'),
  ]);
  if (liveness) {
    const probe = get(c.spec, ['livenessProbe']);
    const port = probePort(probe);
    const refused = /connection refused/i.test(liveness.message);
    const timedOut = /timeout|deadline exceeded/i.test(liveness.message);
    const killed = `the kubelet kills the container${t?.exitCode !== undefined ? ` (${exitCodeMeaning(t.exitCode, t.signal)})` : ''}`;
    const head = `the liveness probe fails (${liveness.count} failure${liveness.count === 1 ? '' : 's'}; last: "${quote(liveness.message, 200)}") and ${killed}`;
    const cause = refused
      ? `${head}: nothing answers on ${port ? `port ${port}` : 'the probed port'} when the probe runs (connection refused): the application has not opened it yet (a slow start that the probe does not wait for), listens on another port or address (127.0.0.1 instead of 0.0.0.0), or has stopped serving`
      : timedOut
        ? `${head}: the probe, not necessarily the application, is what fails. A probe with a short timeout${isObject(probe) ? ` (timeoutSeconds ${getNumber(probe, ['timeoutSeconds']) ?? 1})` : ''} on a busy or slow-starting process, or one that checks a dependency, restarts a healthy container`
        : `${head}: the probe, not necessarily the application, is what fails: a probe that checks a dependency, or one that does not fit a slow start, restarts a healthy container`;
    return {
      cause,
      fix: {
        text: refused
          ? `Check which port and address the application listens on and that the probe${port ? ` (port ${port})` : ''} targets it; if it only starts slowly, a startup probe with the same check holds the liveness probe off until it answers.`
          : 'Check what the probe calls and how long it takes; a startup probe with the same check covers a slow start, a longer timeout and a higher failureThreshold ride out a busy moment, and liveness should check only that the process is alive.',
        commands: [`kubectl ${n} describe pod ${pod.name}`, logs],
        yaml: isObject(probe) ? livenessFixYaml(c, probe, { timedOut, startup: isObject(get(c.spec, ['startupProbe'])) ? (get(c.spec, ['startupProbe']) as JsonObject) : undefined }) : null,
      },
      prevent: compact([
        preventIf(x, owner.resource, 'liveness-without-startup-probe', 'a startup probe protects a slow start from the liveness probe', { container: c.name }),
        preventIf(x, owner.resource, 'liveness-failure-threshold-one', 'one failed check must not restart the container', { container: c.name }),
        preventIf(x, owner.resource, 'liveness-equals-readiness', 'liveness must not check what readiness checks (dependencies)', { container: c.name }),
        preventIf(x, owner.resource, 'probe-timeout-not-below-period', 'probe timing that can be met', { container: c.name }),
        refused ? preventIf(x, owner.resource, 'probe-port-not-declared', 'a probe must target a port the container declares', { container: c.name }) : null,
      ]),
    };
  }
  const code = t?.exitCode;
  const msg = t?.message ? ` The termination message says: "${quote(t.message)}".` : '';
  let cause: string;
  if (t?.reason === 'StartError' || t?.reason === 'ContainerCannotRun' || code === 126 || code === 127 || code === 128) {
    cause = `the container cannot be started: ${exitCodeMeaning(code, t?.signal)}${t?.reason ? `, reason ${t.reason}` : ''}. The command or entrypoint does not exist in the image or is not executable (a wrong command/args, a missing shell, the wrong image or architecture).${msg}`;
  } else if (code === 0) {
    cause = `the main process exits cleanly (exit code 0) and the kubelet restarts it: a long-running container must keep its process in the foreground (a daemonizing server, a script that ends, or work that belongs in a Job).${msg}`;
  } else if (code === 137) {
    cause = `the container was killed with SIGKILL (exit code 137) without an OOMKilled reason and without liveness failures in the events: an external kill (an eviction, a preStop or node shutdown), or an OOM kill the runtime did not label.${msg}`;
  } else if (code === 139) {
    cause = `the process crashes with a segmentation fault (exit code 139): a native crash, often a library or architecture mismatch in the image.${msg}`;
  } else if (code !== undefined) {
    // How long the last run lasted, when the status says: "right after starting" only when it was short.
    const ran = t?.startedAt !== undefined && t.finishedAt !== undefined ? t.finishedAt - t.startedAt : undefined;
    cause =
      ran !== undefined && ran >= 60_000
        ? `the application exits with an error after running for ${formatDuration(ran)} (${exitCodeMeaning(code, t?.signal)}). The previous container's log says why; after a while up, the usual causes are a dependency that fails or goes away, a resource it runs out of (files, disk, connections), or a fatal error on some request.${msg}`
        : `the application exits with an error right after starting (${exitCodeMeaning(code, t?.signal)}). The previous container's log says why; the usual causes are missing or wrong configuration (environment, files, secrets), a dependency it cannot reach at start-up, or a bad release.${msg}`;
  } else {
    cause = 'the container keeps exiting; no termination was recorded: the previous container\'s log says why.';
  }
  return {
    cause,
    fix: { text: 'Read the previous container\'s log and fix the cause in the configuration or the image; roll back if a new release brought it.', commands: [logs, ...undo], yaml: null },
    prevent: rollout,
  };
}

/** YAML flow style for a probe handler: `{path: /healthz, port: 8080}`, strings quoted where YAML would misread them. */
function flow(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')}}`;
  if (typeof v === 'string') return /^[A-Za-z_./-][A-Za-z0-9_./:-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(v) && !/:$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'];

/**
 * The liveness fix as YAML, built from the container's own probe: the same handler (a tcpSocket
 * probe stays tcpSocket, same port and path), only its timing changed (a longer timeout after
 * timeouts, a failureThreshold of at least 3), plus a startup probe with the same handler (or the
 * existing one given more time) so that a slow start is not killed.
 */
function livenessFixYaml(c: ContainerStatus, probe: JsonObject, o: { timedOut: boolean; startup: JsonObject | undefined }): string {
  const handler = PROBE_HANDLERS.filter((h) => isObject(probe[h])).map((h) => `  ${h}: ${flow(probe[h] as Json)}`);
  const num = (p: JsonObject, k: string, d: number) => getNumber(p, [k]) ?? d;
  const timeout = num(probe, 'timeoutSeconds', 1);
  const threshold = num(probe, 'failureThreshold', 3);
  const period = num(probe, 'periodSeconds', 10);
  const live: string[] = ['livenessProbe:', ...handler];
  for (const k of ['initialDelaySeconds', 'periodSeconds']) if (getNumber(probe, [k]) !== undefined) live.push(`  ${k}: ${getNumber(probe, [k])}`);
  if (o.timedOut && timeout < 5) live.push(`  timeoutSeconds: 5   # was ${timeout}${probe.timeoutSeconds === undefined ? ' (default)' : ''}`);
  else if (probe.timeoutSeconds !== undefined) live.push(`  timeoutSeconds: ${timeout}`);
  live.push(threshold < 3 ? `  failureThreshold: 3   # was ${threshold}` : `  failureThreshold: ${threshold}`);
  const startup: string[] = [];
  if (o.startup) {
    const st = num(o.startup, 'failureThreshold', 3);
    const sp = num(o.startup, 'periodSeconds', 10);
    const wanted = Math.max(st, Math.ceil(300 / sp));
    startup.push('startupProbe:', ...PROBE_HANDLERS.filter((h) => isObject(o.startup![h])).map((h) => `  ${h}: ${flow(o.startup![h] as Json)}`), `  periodSeconds: ${sp}`, `  failureThreshold: ${wanted}${wanted !== st ? `   # was ${st}: ${Math.round((wanted * sp) / 60)} minutes to start` : ''}`);
  } else {
    startup.push('startupProbe:   # same check: liveness waits until it first succeeds', ...handler, `  periodSeconds: ${Math.min(period, 5)}`, `  failureThreshold: ${Math.ceil(300 / Math.min(period, 5))}   # up to 5 minutes to start`);
  }
  return containerYaml(c, [...startup, ...live].join('\n'));
}

function crashProblems(x: Ctx, pod: Resource): Problem[] {
  const out: Problem[] = [];
  for (const l of crashLoops(x.index, pod)) {
    if (l.last?.reason === 'OOMKilled') continue;
    const c = l.c;
    const lv = l.liveness ? { count: l.liveness.count, message: l.liveness.last.message } : l.probeKills.length ? { count: l.probeKills.length, message: l.probeKills[l.probeKills.length - 1].message } : undefined;
    const evidence: Evidence[] = [
      st(pod, [...l.waiting.path, 'reason'], `state.waiting: CrashLoopBackOff${l.waiting.message ? ` ("${l.waiting.message}")` : ''}, restartCount ${c.restartCount}`, x.index),
    ];
    if (l.last) evidence.push(st(pod, l.last.path, lastRunText(l), x.index));
    if (l.liveness) evidence.push(ev(l.liveness.last, x.index));
    for (const k of l.probeKills.slice(-1)) evidence.push(ev(k, x.index));
    if (lv) evidence.push(...probeEvidence(x, pod, c, l.liveness?.probe === 'startup' ? 'startup' : 'liveness'));
    evidence.push(...backoffEvidence(x, pod, c));
    const why = crashCause(x, pod, c, lv);
    out.push({
      check: 'crashloop-backoff',
      severity: 'error',
      symptom: `${c.type === 'init' ? 'init container' : 'container'} "${c.name}" is in CrashLoopBackOff (${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}${l.last?.exitCode !== undefined ? `, last exit code ${l.last.exitCode}` : ''})`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause: why.cause,
      fix: why.fix,
      prevent: why.prevent,
      logs: logsFor(x, pod, c),
    });
  }
  return out;
}

/** An image reference with neither a tag nor a digest ("myorg/tool", "registry:5000/tool"): the kubelet pulls :latest. */
export function untagged(image: string): boolean {
  const last = image.split('/').slice(-1)[0];
  return !last.includes(':') && !image.includes('@');
}

/** The host a pull error failed to resolve or reach: `lookup HOST`, or the URL's host; else the registry of the reference. */
function failedHost(detail: string | undefined, image: string): string {
  const lookup = detail ? /\blookup ([A-Za-z0-9.-]+\.[A-Za-z]{2,}|[A-Za-z0-9-]+)(?: on |: )/.exec(detail) : null;
  if (lookup) return lookup[1];
  const url = detail ? /https?:\/\/([A-Za-z0-9.-]+)(?::\d+)?\//.exec(detail) : null;
  return url ? url[1] : registryOf(image);
}

const PULL_FIX: Record<PullCause, (image: string, x: { n: string; owner: Owner; c: string; node: string | undefined; host: string }) => Problem['fix']> = {
  'not-found': (image, { n, owner, c }) => ({
    ...withNote(
      untagged(image)
        ? `Pin a tag that exists in the registry (the reference "${image}" has none, so the kubelet pulls ${image}:latest, which does not exist): list the repository's tags and set one.`
        : `Point the container at an image that exists: check the tag (a typo, a tag never pushed, or one deleted by a retention policy).`,
      [untagged(image) ? `crane ls ${image}   # the tags that exist` : `docker manifest inspect ${image}   # or: crane digest ${image}`, owner.image ? `kubectl ${n} set image ${owner.kubectl} ${c}=${image.replace(/[:@][^/]*$/, '')}:TAG   # TAG: one that exists` : null],
      owner.image ? null : `the pod template of ${owner.kubectl} cannot be changed: fix the image in the manifest, delete ${owner.kubectl} and create it again`,
    ),
    yaml: `containers:\n  - name: ${c}\n    image: ${image.replace(/[:@][^/]*$/, '')}@sha256:<digest CI pushed>`,
  }),
  denied: (image, { n, c }) => ({
    text: 'Check the repository name; if it is private, give the pods credentials (imagePullSecrets on the pod or its ServiceAccount).',
    commands: [`kubectl ${n} create secret docker-registry registry-credentials --docker-server=${registryOf(image)} --docker-username=<user> --docker-password=<token>`],
    yaml: `imagePullSecrets:\n  - name: registry-credentials\ncontainers:\n  - name: ${c}\n    image: ${image}`,
  }),
  unauthorized: (image, { n }) => ({
    text: 'The registry refused the pull: create or refresh the pull secret, and reference it from the pod or its ServiceAccount.',
    commands: [`kubectl ${n} create secret docker-registry registry-credentials --docker-server=${registryOf(image)} --docker-username=<user> --docker-password=<token>`, `kubectl ${n} patch serviceaccount default -p '{"imagePullSecrets":[{"name":"registry-credentials"}]}'`],
    yaml: 'imagePullSecrets:\n  - name: registry-credentials',
  }),
  'rate-limited': (image) => ({
    text: 'Pull with credentials (authenticated pulls have higher limits), or mirror the image into a registry you control or a pull-through cache.',
    commands: [`crane copy ${image} <your-registry>/${image.split('/').slice(-1)[0]}`],
    yaml: null,
  }),
  network: (image, { node, host }) => ({
    text: `Check that the node${node ? ` ${node}` : 's'} can resolve and reach ${host} (DNS, egress firewall, proxy settings of the container runtime, the registry's TLS certificate).`,
    commands: node ? [`kubectl debug node/${node} -it --image=busybox -- nslookup ${host}`] : ['kubectl get nodes', `kubectl debug node/NODE -it --image=busybox -- nslookup ${host}   # NODE: one of the nodes above`],
    yaml: null,
  }),
  'invalid-name': (image, { c }) => ({ text: 'Fix the image reference: lowercase repository, one tag or digest.', commands: [], yaml: `containers:\n  - name: ${c}\n    image: ${image.toLowerCase()}` }),
  'never-pull': (_image, { c }) => ({ text: 'imagePullPolicy Never only works when the image is preloaded on every node: use IfNotPresent.', commands: [], yaml: `containers:\n  - name: ${c}\n    imagePullPolicy: IfNotPresent` }),
  unknown: (image) => ({ text: 'Read the kubelet\'s pull error in the events and fix the registry, the reference or the credentials.', commands: [`docker pull ${image}`], yaml: null }),
};

function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/**
 * The pull secrets the pod has (spec.imagePullSecrets: the ServiceAccount's are copied in when the
 * pod is created) and those of its ServiceAccount, by name only, and whether each Secret exists.
 */
function pullSecretEvidence(x: Ctx, pod: Resource): Evidence[] {
  const ns = x.index.namespaceOf(pod);
  const names = (o: Json | undefined) => getArray(o, ['imagePullSecrets']).map((e) => getString(e, ['name'])).filter((n): n is string => !!n);
  const secretsRead = x.index.listedKinds ? x.index.listedKinds.has('Secret') : x.index.inNamespace('Secret', ns).length > 0;
  const exists = (n: string) => (secretsRead ? (x.index.inNamespace('Secret', ns).some((o) => o.name === n) ? '' : ' (no such Secret in the namespace)') : '');
  const list = (l: string[]) => l.map((n) => `${n}${exists(n)}`).join(', ');
  const own = names(get(pod.object, ['spec']));
  const out: Evidence[] = [st(pod, ['spec', 'imagePullSecrets'], own.length ? `imagePullSecrets: ${list(own)}` : 'no imagePullSecrets on the pod', x.index, 'spec')];
  const saName = getString(pod.object, ['spec', 'serviceAccountName']) ?? 'default';
  const sa = x.index.inNamespace('ServiceAccount', ns).find((o) => o.name === saName);
  if (sa) {
    const theirs = names(sa.object);
    out.push(st(sa, ['imagePullSecrets'], theirs.length ? `ServiceAccount ${saName} imagePullSecrets: ${list(theirs)}` : `ServiceAccount ${saName} has no imagePullSecrets`, x.index, 'spec'));
  } else if (!x.index.listedKinds?.has('ServiceAccount')) out.push({ source: 'input', object: null, field: null, text: `ServiceAccount ${saName} is not ${sourceWhere(x.index)}: its imagePullSecrets are not known` });
  return out;
}

function pullProblems(x: Ctx, pod: Resource): Problem[] {
  return imagePulls(x.index, pod).map((p) => {
    const image = p.image ?? '<image>';
    const owner = ownerOf(x.index, pod);
    const evidence: Evidence[] = [st(pod, [...(p.c.state?.path ?? p.c.statusPath), 'reason'], `state.waiting: ${p.reason}${p.c.state?.message ? ` ("${p.c.state.message}")` : ''}`, x.index)];
    if (p.event) evidence.push(ev(p.event, x.index));
    // Credentials: whether the pod (and its ServiceAccount) has pull secrets tells "none" from "wrong ones".
    if (p.cause === 'unauthorized' || p.cause === 'denied') evidence.push(...pullSecretEvidence(x, pod));
    const bare = p.cause === 'not-found' && p.image !== undefined && untagged(p.image);
    if (bare) evidence.push(st(pod, p.c.specPath ? [...p.c.specPath, 'image'] : ['spec', 'containers'], `image "${image}" has no tag: the kubelet pulls ${image}:latest`, x.index, 'spec'));
    const cause = bare
      ? `the image reference "${image}" has no tag, so the kubelet pulls ${image}:latest, and the registry has no "latest" tag for it${p.detail ? `: "${quote(p.detail)}"` : ''}`
      : `${PULL_CAUSE_TEXT[p.cause]}${p.detail ? `: "${quote(p.detail)}"` : ''}`;
    return {
      check: 'image-pull-failure',
      severity: 'error' as const,
      symptom: `image "${image}" of container "${p.c.name}" cannot be pulled (${p.reason})`,
      object: ref(pod, x.index),
      container: p.c.name,
      pods: [pod.name],
      evidence,
      cause,
      fix: PULL_FIX[p.cause](image, { n: nsFlag(x.index, pod), owner, c: p.c.name, node: getString(pod.object, ['spec', 'nodeName']), host: failedHost(p.detail, image) }),
      prevent: confirmed(x, owner.resource, [
        prevention('image-not-pinned-by-digest', 'a digest CI pushed and tested exists; a mutable tag can be missing or different on each node'),
        prevention('image-tag-latest', 'no :latest or untagged images'),
      ], p.c.name),
      logs: null,
    };
  });
}

/**
 * What the pod reads from a ConfigMap or Secret: the keys (with the env var each one sets), whether
 * it loads it whole (envFrom), and the references as YAML (with optional: false said out loud).
 */
function configRefs(pod: Resource, kind: 'ConfigMap' | 'Secret', name: string): { keys: { key: string; env: string | undefined }[]; envFrom: boolean; yaml: string | null } {
  const keyRef = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const fromKey = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  const keys: { key: string; env: string | undefined }[] = [];
  const yaml: string[] = [];
  let envFrom = false;
  for (const c of [...getArray(pod.object, ['spec', 'initContainers']), ...getArray(pod.object, ['spec', 'containers'])]) {
    for (const e of getArray(c, ['env'])) {
      const r = get(e, ['valueFrom', keyRef]);
      const key = getString(r, ['key']);
      if (getString(r, ['name']) !== name || !key) continue;
      const env = getString(e, ['name']);
      if (!keys.some((k) => k.key === key && k.env === env)) keys.push({ key, env });
      yaml.push(`  - name: ${env ?? 'VAR'}\n    valueFrom:\n      ${keyRef}:\n        name: ${name}\n        key: ${key}`);
    }
    for (const e of getArray(c, ['envFrom'])) if (getString(e, [fromKey, 'name']) === name) envFrom = true;
  }
  const volKey = kind === 'ConfigMap' ? 'configMap' : 'secret';
  for (const v of getArray(pod.object, ['spec', 'volumes'])) {
    const src = get(v, [volKey]);
    if (getString(src, [kind === 'ConfigMap' ? 'name' : 'secretName']) !== name) continue;
    for (const it of getArray(src, ['items'])) {
      const key = getString(it, ['key']);
      if (key && !keys.some((k) => k.key === key)) keys.push({ key, env: undefined });
    }
  }
  const lines = [...new Set(yaml)];
  const body = [
    ...(lines.length ? [`env:\n${lines.join('\n')}`] : []),
    ...(envFrom ? [`envFrom:\n  - ${fromKey}:\n      name: ${name}\n      optional: false   # it must exist in the namespace`] : []),
  ];
  return { keys, envFrom, yaml: body.length ? body.join('\n') : null };
}

function configProblems(x: Ctx, pod: Resource): Problem[] {
  const ns = x.index.namespaceOf(pod);
  return configErrors(x.index, pod).map((e) => {
    const c = e.c;
    const evidence: Evidence[] = [st(pod, [...(c.state?.path ?? c.statusPath), 'message'], `state.waiting: CreateContainerConfigError${e.message ? ` ("${e.message}")` : ''}`, x.index)];
    if (e.event) evidence.push(ev(e.event, x.index));
    const n = `-n ${ns}`;
    let fix: Problem['fix'];
    if (e.missing) {
      const at = c.spec && c.specPath ? referencePath(c.spec, e.missing) : undefined;
      if (at && c.specPath) evidence.push(st(pod, [...c.specPath, ...at], `the container references ${e.missing.kind} "${e.missing.name}"${e.missing.key ? ` key "${e.missing.key}"` : ''} here`, x.index, 'spec'));
      const listed = x.index.inNamespace(e.missing.kind, ns);
      const present = listed.find((o) => o.name === e.missing!.name);
      if (!e.missing.key && listed.length && !present) evidence.push({ source: 'input', object: null, field: null, text: `no ${e.missing.kind} "${e.missing.name}" among the ${listed.length} ${e.missing.kind}s of namespace ${ns} (${listed.slice(0, 5).map((o) => o.name).join(', ')}${listed.length > 5 ? ', ...' : ''})` });
      const refs = configRefs(pod, e.missing.kind, e.missing.name);
      const secret = e.missing.kind === 'Secret';
      // The keys the pod reads, each from a shell variable named as the spec's env var: the value is
      // typed by the reader, never printed here (read -s keeps a secret out of the screen and history).
      const vars = refs.keys.map((k) => ({ key: k.key, v: k.env ?? (k.key.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^(\d)/, '_$1')) }));
      const literals = vars.map((k) => ` --from-literal=${k.key}="$${k.v}"`).join('');
      const create: string[] = e.missing.key
        ? [secret ? `kubectl ${n} patch secret ${e.missing.name} --type merge -p '{"stringData":{"${e.missing.key}":"VALUE"}}'   # VALUE: the value, typed here` : `kubectl ${n} patch configmap ${e.missing.name} --type merge -p '{"data":{"${e.missing.key}":"VALUE"}}'   # VALUE: the value`]
        : vars.length && !refs.envFrom
          ? [
              ...vars.map((k) => (secret ? `read -rs ${k.v}   # type the value of key ${k.key}: it is not shown nor kept in the shell history` : `read -r ${k.v}   # the value of key ${k.key}`)),
              `kubectl ${n} create ${secret ? 'secret generic' : 'configmap'} ${e.missing.name}${literals}`,
            ]
          : [`kubectl ${n} create ${secret ? 'secret generic' : 'configmap'} ${e.missing.name} --from-env-file=FILE   # FILE: one KEY=value line per variable the application reads${vars.length ? ` (it reads ${vars.map((k) => k.key).join(', ')})` : ''}`];
      fix = {
        text: `Create the ${e.missing.kind}${e.missing.key ? ` key "${e.missing.key}"` : refs.keys.length ? ` with the key${refs.keys.length === 1 ? '' : 's'} the pod reads (${refs.keys.map((k) => `${k.key}${k.env ? ` for ${k.env}` : ''}`).join(', ')})` : ''} (or fix the name in the reference); mark the reference optional only if the application copes without it.`,
        commands: [`kubectl ${n} get ${secret ? 'secrets' : 'configmaps'}`, ...create],
        yaml: refs.yaml ?? (secret
          ? `env:\n  - name: ${vars[0]?.v ?? 'VAR'}\n    valueFrom:\n      secretKeyRef:\n        name: ${e.missing.name}\n        key: ${e.missing.key ?? vars[0]?.key ?? 'KEY'}`
          : `envFrom:\n  - configMapRef:\n      name: ${e.missing.name}\n      optional: false   # must exist in ${ns}`),
      };
    } else if (e.nonRoot) {
      fix = { text: 'Run the image as a non-root user: set runAsUser to its numeric non-root uid (or build the image with USER <uid>).', commands: [], yaml: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001' };
    } else {
      fix = { text: 'Read the kubelet\'s message and fix the reference it names.', commands: [`kubectl ${n} describe pod ${pod.name}`], yaml: null };
    }
    return {
      check: 'create-container-config-error',
      severity: 'error' as const,
      symptom: `container "${c.name}" cannot start: CreateContainerConfigError`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause: describeMissing(e, ns),
      fix,
      prevent: confirmed(
        x,
        ownerOf(x.index, pod).resource,
        e.nonRoot ? [prevention('run-as-non-root', 'the manifest check says which containers may run as root')] : [prevention('volume-source-missing', 'every referenced ConfigMap and Secret ships with the workload, or the reference is optional')],
        c.name,
      ),
      logs: null,
    };
  });
}

function notReadyProblems(x: Ctx, pod: Resource): Problem[] {
  const minMs = (x.opts.notReadyMinutes ?? 5) * 60_000;
  return notReadyContainers(x.index, pod, x.now, minMs).map((n) => {
    const c = n.c;
    const evidence: Evidence[] = [];
    const cond = conditionOf(pod, 'Ready');
    if (cond) evidence.push(st(pod, cond.path, `condition Ready=${cond.status}${cond.reason ? ` (${cond.reason})` : ''} since ${formatTime(cond.since)}`, x.index));
    if (n.readiness) evidence.push(ev(n.readiness.last, x.index));
    const msg = n.readiness?.last.message ?? '';
    let cause: string;
    const prevent: Prevention[] = [];
    if (!n.hasReadinessProbe && c.started === false) cause = 'its startup probe has not succeeded yet: the container is still starting, or never gets there';
    else if (/connection refused/i.test(msg)) {
      cause = `the readiness probe cannot connect ("${msg}"): nothing listens on the probed port: the application listens on another port or address (127.0.0.1 instead of 0.0.0.0), or has not opened it`;
      prevent.push(prevention('probe-port-not-declared', 'a probe must target a port the container declares'));
    } else if (/statuscode: 5\d\d/i.test(msg)) {
      cause = `the readiness endpoint answers with an error ("${msg}"): the application reports itself not ready, most often because a dependency it checks (a database, another service) is unreachable`;
      prevent.push(prevention('liveness-equals-readiness', 'readiness may check dependencies, liveness must not: otherwise a dependency outage restarts every pod'));
    } else if (/timeout|deadline exceeded/i.test(msg)) {
      cause = `the readiness probe times out ("${msg}"): the endpoint is slower than timeoutSeconds, or the process is saturated`;
      prevent.push(prevention('probe-timeout-not-below-period', 'a probe timeout shorter than its period'));
    } else if (msg) cause = `the readiness probe fails: "${msg}"`;
    else if (!n.hasReadinessProbe) {
      // Without a readiness probe a running container is ready as soon as it starts: not ready means
      // the kubelet's view is stale (its node is NotReady or not reporting).
      const node = getString(pod.object, ['spec', 'nodeName']);
      const nodesUnread = unreadOf(x.opts, ['Node'], null);
      cause = `the container has no readiness probe, so it is not ready only when its kubelet says so or stops reporting: the node${node ? ` ${node}` : ''} is probably NotReady or unreachable${nodesUnread.length ? `; this cannot be confirmed: ${unreadText(nodesUnread)}` : ''}`;
    } else cause = 'the container is not ready and the input has no probe failure events for it (events expire after an hour): check the readiness endpoint directly';
    prevent.push(prevention('rolling-update-unavailable', 'a rolling update keeps old pods serving while new ones are not ready'));
    const kept = confirmed(x, ownerOf(x.index, pod).resource, prevent, c.name);
    const probePort = get(c.spec, ['readinessProbe', 'httpGet', 'port']) ?? get(c.spec, ['readinessProbe', 'tcpSocket', 'port']);
    const probePath = getString(c.spec, ['readinessProbe', 'httpGet', 'path']) ?? '/';
    return {
      check: 'container-not-ready',
      severity: 'warning' as const,
      symptom: `container "${c.name}" Running but not Ready for ${x.now !== undefined ? formatDuration(x.now - n.since) : 'a while'}${n.readiness ? ` (readiness probe failed ${n.readiness.count} times)` : ''}`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause,
      fix: {
        text: 'Call the readiness endpoint from inside the pod and read the application log; fix what it reports, or the probe if it checks the wrong thing.',
        commands: [
          `kubectl ${nsFlag(x.index, pod)} port-forward pod/${pod.name} ${typeof probePort === 'number' ? `${probePort}:${probePort}` : '8080:8080'}   # then: curl -i localhost:${typeof probePort === 'number' ? probePort : 8080}${probePath}`,
          `kubectl ${nsFlag(x.index, pod)} logs ${pod.name} -c ${c.name} --tail=50`,
        ],
        yaml: null,
      },
      prevent: kept,
      logs: null,
    };
  });
}

function restartProblems(x: Ctx, pod: Resource): Problem[] {
  const threshold = x.opts.restarts ?? 5;
  const out: Problem[] = [];
  for (const c of containerStatuses(pod)) {
    if (c.restartCount <= threshold) continue;
    if (c.state?.phase === 'waiting' && c.state.reason === 'CrashLoopBackOff') continue;
    const t = lastTermination(c);
    if (t?.reason === 'OOMKilled') continue;
    // As frequent-restarts: only when the last restart is recent (not node reboots months ago).
    if (t?.finishedAt === undefined || x.now === undefined || x.now - t.finishedAt > 24 * 3_600_000) continue;
    const lv = probeFailures(x.index, pod).find((p) => p.container === c.name && (p.probe === 'liveness' || p.probe === 'startup'));
    const why = crashCause(x, pod, c, lv ? { count: lv.count, message: lv.last.message } : undefined);
    const evidence: Evidence[] = [st(pod, [...c.statusPath, 'restartCount'], `restartCount ${c.restartCount}`, x.index)];
    if (t) evidence.push(st(pod, t.path, `last termination: ${exitCodeMeaning(t.exitCode, t.signal)}${t.reason ? `, reason ${t.reason}` : ''}${t.finishedAt !== undefined ? `, at ${formatTime(t.finishedAt)}` : ''}`, x.index));
    if (lv) evidence.push(ev(lv.last, x.index), ...probeEvidence(x, pod, c, lv.probe === 'startup' ? 'startup' : 'liveness'));
    out.push({
      check: 'frequent-restarts',
      severity: 'warning',
      symptom: `container "${c.name}" restarted ${c.restartCount} times`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause: why.cause,
      fix: why.fix,
      // The threshold advice only for a container that has a liveness probe.
      prevent: lv ? why.prevent : compact([preventIf(x, ownerOf(x.index, pod).resource, 'liveness-failure-threshold-one', 'a liveness probe that restarts on one failure causes restarts of healthy containers', { container: c.name })]),
      logs: logsFor(x, pod, c),
    });
  }
  return out;
}

const SCHEDULING_FIX: Partial<Record<SchedulingKind, (x: { n: string; owner: Owner; c: string; pod: Resource }) => { text: string; commands: string[]; yaml: string | null; prevent: Prevention[] }>> = {
  insufficient: ({ n, owner, c }) => ({
    ...(() => {
      const set = resourcesCommand(n, owner, c, { requests: { memory: 'MEASURED_PEAK', cpu: 'MEASURED_CPU' } });
      return withNote('Make the pod fit: lower its requests to what it really uses, or add capacity (a larger node pool, or let the cluster autoscaler add nodes).', ['kubectl describe nodes | grep -A 8 "Allocated resources"', set.command], set.note);
    })(),
    yaml: `containers:\n  - name: ${c}\n    resources:\n      requests:\n        memory: <measured peak + headroom>\n        cpu: <measured>`,
    prevent: [prevention(null, 'no manifest check can know the cluster\'s free capacity: size requests from measured usage, and give the cluster autoscaler room in its node groups')],
  }),
  taint: () => ({
    text: 'Tolerate the taint if the pod belongs on those nodes, or remove the taint, or add nodes without it.',
    commands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints'],
    yaml: 'tolerations:\n  - key: <taint key>\n    operator: Equal\n    value: <taint value>\n    effect: NoSchedule',
    prevent: [prevention(null, 'taints are cluster state: no manifest check can see them')],
  }),
  'node-affinity': ({ pod }) => {
    // Without the Nodes: name what the pod requires, so the reader knows which label to look for.
    const sel = stringMap(get(pod.object, ['spec', 'nodeSelector']));
    const keys = Object.keys(sel);
    return {
      text: `No node carries the labels the pod requires${keys.length ? ` (nodeSelector ${formatLabels(sel)})` : ' (its required node affinity)'}: fix the nodeSelector or required node affinity, or label the nodes.`,
      commands: [keys.length ? `kubectl get nodes${keys.map((k) => ` -L ${k}`).join('')}` : 'kubectl get nodes --show-labels'],
      yaml: keys.length ? `nodeSelector:\n${keys.map((k) => `  ${k}: ${sel[k]}   # no node has this label value`).join('\n')}` : null,
      prevent: [prevention(null, 'node labels are cluster state: no manifest check can see them')],
    };
  },
  'pod-anti-affinity': () => ({
    text: 'A required pod anti-affinity allows one pod per node (or zone): with more replicas than eligible nodes the rest stay Pending. Use a preferred term or a topology spread with ScheduleAnyway, or add nodes.',
    commands: [],
    yaml: 'topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n    whenUnsatisfiable: ScheduleAnyway\n    labelSelector:\n      matchLabels: {app: <app>}',
    prevent: [prevention('no-pod-anti-affinity', 'it recommends spreading that does not block scheduling')],
  }),
  'topology-spread': () => ({
    text: 'A DoNotSchedule topology spread cannot be met with the nodes there are: use ScheduleAnyway, raise maxSkew, or add nodes in the short domains.',
    commands: [],
    yaml: 'topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n    whenUnsatisfiable: ScheduleAnyway',
    prevent: [prevention('no-zone-spread', 'zone spreading done so that it does not block scheduling')],
  }),
  'unbound-pvc': ({ n }) => ({
    text: 'The pod waits for a claim that is not bound: see \u00a7see:pvc-pending|the claim (kubectl describe pvc)\u00a7.',
    commands: [`kubectl ${n} get pvc`],
    yaml: null,
    prevent: [prevention('pvc-storage-class-missing', 'claims must name a StorageClass that exists')],
  }),
  'pvc-missing': ({ n }) => ({
    text: 'The pod mounts a claim that does not exist: create it, or fix claimName.',
    commands: [`kubectl ${n} get pvc`],
    yaml: null,
    prevent: [prevention('volume-source-missing', 'referenced claims must exist')],
  }),
  cordoned: () => ({
    text: 'The nodes are cordoned: uncordon them when their maintenance is done, or add nodes.',
    commands: ['kubectl get nodes', 'kubectl uncordon <node>'],
    yaml: null,
    prevent: [prevention('pdb-missing', 'with a PodDisruptionBudget, a drain leaves enough replicas running elsewhere')],
  }),
  'volume-node-affinity': () => ({
    text: 'The volume lives in a zone (or on a node) where the pod cannot run: use a WaitForFirstConsumer StorageClass, or let the pod run in the volume\'s zone.',
    commands: ['kubectl get pv -o custom-columns=NAME:.metadata.name,AFFINITY:.spec.nodeAffinity'],
    yaml: 'volumeBindingMode: WaitForFirstConsumer   # StorageClass',
    prevent: [prevention(null, 'volume zones are cluster state')],
  }),
};

// ---------------------------------------------------------------------------------------------
// Where a pod may run: its node selector and required node affinity against the Nodes' labels, and
// the Nodes' taints against its tolerations (the scheduler's rules).

function tolerationYaml(taints: Taint[]): string {
  return `tolerations:\n${taints.map((t) => `  - key: ${t.key}\n    operator: ${t.value ? 'Equal' : 'Exists'}\n${t.value ? `    value: ${t.value}\n` : ''}    effect: ${t.effect}`).join('\n')}`;
}

interface Placement {
  cause: string;
  evidence: Evidence[];
  fix: { text: string; commands: string[]; yaml: string | null; prevent: Prevention[] };
}

/**
 * Why no node takes the pod, from the Nodes in the input: no node meets its node selector or
 * required affinity (then the requirement, and the values nodes have for its key), or every node
 * that does carries a taint it does not tolerate (then the taint and the node). Undefined when the
 * nodes are not known or neither explains it (resources, spread, claims: the scheduler's reasons).
 */
function placementOf(x: Ctx, pod: Resource, owner: Owner): Placement | undefined {
  const nodes = x.index.ofKind('Node');
  if (!nodes.length || unreadOf(x.opts, ['Node'], null).length) return undefined;
  const req = nodeRequirements(pod);
  const eligible = req ? nodes.filter((node) => meetsRequirements(req, node)) : nodes;
  const evidence: Evidence[] = [];
  const where = owner.resource === pod ? `pod ${pod.name}` : owner.kubectl;
  if (req && eligible.length === 0) {
    const all = [...req.selector, ...req.terms.flat()];
    // The requirements no node meets at all; else no node meets them together.
    const unmet = all.filter((r) => !nodes.some((node) => r.matches(node)));
    const named = (unmet.length ? unmet : all).slice(0, 4);
    for (const r of named) evidence.push(st(pod, ['spec', req.selector.includes(r) ? 'nodeSelector' : 'affinity'], `requires ${r.text}: ${nodes.some((node) => r.matches(node)) ? `met by ${nodes.filter((node) => r.matches(node)).map((node) => node.name).join(', ')}` : 'no node meets it'}`, x.index, 'spec'));
    const others = (r: NodeRequirement): string => {
      if (!r.key) return '';
      const values = new Map<string, string[]>();
      for (const node of nodes) {
        const v = labelsOf(node)[r.key];
        if (v !== undefined) values.set(v, [...(values.get(v) ?? []), node.name]);
      }
      return values.size ? `the nodes have ${r.key}=${[...values].map(([v, ns]) => `${v} (${ns.join(', ')})`).join(', ')}` : `no node has the label ${r.key} at all`;
    };
    const detail = named.map((r) => `${r.text}: ${others(r) || 'no node meets it'}`).join('; ');
    evidence.push({ source: 'nodes', object: null, field: null, text: `${nodes.length} node${nodes.length === 1 ? '' : 's'} in the cluster: ${nodes.slice(0, 6).map((node) => node.name).join(', ')}${nodes.length > 6 ? ', ...' : ''}` });
    const sel = req.selector.filter((r) => unmet.includes(r) || !unmet.length);
    const alt = sel.map((r) => {
      const values = [...new Set(nodes.map((node) => labelsOf(node)[r.key!]).filter((v): v is string => v !== undefined))];
      return `  ${r.key}: ${values.length === 1 ? `${values[0]}   # was ${r.value}` : `${r.value}   # ${values.length ? `values nodes have: ${values.join(', ')}` : 'no node has this label: label the nodes, or drop it'}`}`;
    });
    return {
      cause: `no node meets the pod's ${req.selector.length && !req.terms.length ? 'nodeSelector' : req.terms.length && !req.selector.length ? 'required node affinity' : 'nodeSelector and required node affinity'} (${named.map((r) => r.text).join(', ')}): ${detail}`,
      evidence,
      fix: {
        text: `Either label the nodes that should run it (kubectl label node NAME ${named.map((r) => (r.value !== undefined ? `${r.key}=${r.value}` : r.text)).join(' ')}) or change ${where}'s ${sel.length ? 'nodeSelector' : 'node affinity'} to labels nodes have.`,
        commands: [`kubectl get nodes${[...new Set(named.map((r) => r.key).filter(Boolean))].map((k) => ` -L ${k}`).join('')}`],
        yaml: alt.length ? `nodeSelector:\n${alt.join('\n')}` : null,
        prevent: [prevention(null, 'node labels are cluster state: no manifest check can see them; keep nodeSelectors in step with the node pools that exist')],
      },
    };
  }
  const blocked = eligible.map((node) => ({ node, taints: blockingTaints(pod, node), cordoned: get(node.object, ['spec', 'unschedulable']) === true }));
  if (!blocked.length || blocked.some((b) => b.taints.length === 0 && !b.cordoned)) return undefined;
  if (blocked.every((b) => b.taints.length === 0)) return undefined;
  const selText = req ? [...req.selector, ...req.terms.flat()].map((r) => r.text).join(', ') : '';
  for (const b of blocked.slice(0, 4)) {
    const labels = req ? `meets ${selText}; ` : '';
    evidence.push(st(b.node, ['spec', 'taints'], `${labels}${b.taints.length ? `taint${b.taints.length === 1 ? '' : 's'} ${b.taints.map(taintText).join(', ')}, not tolerated by the pod` : 'no untolerated taint'}${b.cordoned ? '; cordoned (spec.unschedulable)' : ''}`, x.index, 'spec'));
  }
  const tols = getArray(pod.object, ['spec', 'tolerations']);
  evidence.push(st(pod, ['spec', 'tolerations'], tols.length ? `tolerations: ${tols.map((t) => `${getString(t, ['key']) || '*'}${getString(t, ['operator']) === 'Exists' ? ' Exists' : `=${getString(t, ['value']) ?? ''}`}${getString(t, ['effect']) ? `:${getString(t, ['effect'])}` : ''}`).join(', ')}` : 'no tolerations', x.index, 'spec'));
  const user = [...new Map(blocked.flatMap((b) => b.taints.filter((t) => !conditionTaint(t))).map((t) => [taintText(t), t])).values()];
  const cond = blocked.filter((b) => b.taints.some(conditionTaint));
  const onNodes = blocked.map((b) => `${b.node.name} (${[...b.taints.map(taintText), ...(b.cordoned ? ['cordoned'] : [])].join(', ')})`).join('; ');
  const scope = req ? `the ${blocked.length === 1 ? 'only node' : `${blocked.length} nodes`} that meet${blocked.length === 1 ? 's' : ''} its ${req.selector.length ? 'nodeSelector' : 'node affinity'} ${selText}` : `every node`;
  const condText = cond.length ? `; ${cond.map((b) => b.node.name).join(', ')} ${cond.length === 1 ? 'is' : 'are'} tainted for ${cond.length === 1 ? 'its' : 'their'} condition (${[...new Set(cond.flatMap((b) => b.taints.filter(conditionTaint).map((t) => t.key.replace(/^node\.(cloudprovider\.)?kubernetes\.io\//, ''))))].join(', ')}): ${cond.length === 1 ? 'that node' : 'those nodes'} must recover, a toleration is not the fix` : '';
  if (user.length) {
    return {
      cause: `${scope} carr${blocked.length === 1 ? 'ies' : 'y'} a taint the pod does not tolerate: ${onNodes}${condText}. The pod is meant for ${blocked.length === 1 ? 'that node' : 'those nodes'}${req ? ' (its selector says so)' : ''} but lacks the toleration`,
      evidence,
      fix: {
        text: `Add a toleration for ${user.map(taintText).join(' and ')} to ${where}'s pod template (if the pod belongs there), or remove the taint from the node${blocked.length === 1 ? '' : 's'} (kubectl taint nodes ${blocked[0].node.name} ${taintText(user[0])}-).`,
        commands: [`kubectl get nodes ${blocked.slice(0, 4).map((b) => b.node.name).join(' ')} -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints`],
        yaml: tolerationYaml(user),
        prevent: [prevention(null, 'taints are cluster state: no manifest check can see them; ship the toleration with workloads meant for tainted node pools')],
      },
    };
  }
  return {
    cause: `${scope} cannot take pods now: ${onNodes}${condText.replace(/^; /, ': ')}`,
    evidence,
    fix: {
      text: `Bring the node${cond.length === 1 ? '' : 's'} back (kubelet, network, disk), or let the pod run on other nodes${req ? ` (its ${req.selector.length ? 'nodeSelector' : 'node affinity'} ${selText} allows only ${blocked.map((b) => b.node.name).join(', ')})` : ''}.`,
      commands: blocked.slice(0, 3).map((b) => `kubectl describe node ${b.node.name}`),
      yaml: null,
      prevent: [prevention(null, 'node health is cluster state: run replicas on several nodes so one node down is not an outage')],
    },
  };
}

function schedulingProblems(x: Ctx, pod: Resource): Problem[] {
  const u = unschedulable(x.index, pod);
  if (!u) return [];
  const evidence: Evidence[] = [st(pod, [...u.condition.path, 'reason'], `condition PodScheduled=False (Unschedulable) since ${formatTime(u.condition.since)}`, x.index)];
  if (u.event) evidence.push(ev(u.event, x.index));
  else if (u.condition.message) evidence.push(st(pod, [...u.condition.path, 'message'], `scheduler: "${u.condition.message}"`, x.index));
  const req = podRequests(pod);
  const first = u.analysis.reasons[0];
  // Only nodes the pod could use but for its requests: a NotReady or tainted node's room is no answer.
  const rooms = nodeRoom(x.index).filter((r) => r.schedulable && nodeRefusal(r.node, pod) === null);
  let cause = `the scheduler finds no node for it: ${u.analysis.summary}`;
  if (first?.kind === 'insufficient' && (first.detail === 'memory' || first.detail === 'cpu')) {
    const res = first.detail;
    const asked = res === 'memory' ? formatBytes(req.memory) : formatCpu(req.cpu);
    evidence.push(st(pod, ['spec', 'containers'], `the pod requests ${asked} ${res}`, x.index, 'spec'));
    const frees = rooms.map((r) => ({ node: r.node.name, free: r.free[res], alloc: r.allocatable[res] })).filter((r): r is { node: string; free: number; alloc: number } => r.free !== undefined && r.alloc !== undefined);
    if (frees.length) {
      const top = frees.sort((a, b) => b.free - a.free)[0];
      const fmt = (v: number) => (res === 'memory' ? formatBytes(Math.max(0, v)) : formatCpu(Math.max(0, v)));
      evidence.push({ source: 'nodes', object: null, field: null, text: `most ${res} unrequested on a node the pod may use: ${fmt(top.free)} on ${top.node} (allocatable ${fmt(top.alloc)}), over ${frees.length} node${frees.length === 1 ? '' : 's'} ${sourceWhere(x.index)}` });
      cause = `no node has ${asked} ${res} unrequested (the most is ${fmt(top.free)} on ${top.node}): the pod asks for more than any node has left${frees.every((f) => f.alloc < (res === 'memory' ? req.memory : req.cpu)) ? ', and more than any node has at all' : ''}`;
    } else {
      cause = `no node has ${asked} ${res} unrequested: ${u.analysis.summary}`;
      const only = x.index.podNamespaces;
      if (only && !x.index.nodePods) evidence.push({ source: 'nodes', object: null, field: null, text: `what each node has left unrequested is not computed: only the pods of ${only.length === 1 ? `namespace ${only[0]}` : `namespaces ${only.join(', ')}`} were read (listing every namespace's pods was refused or failed), and other namespaces' pods use the nodes too` });
    }
  }
  if (u.scaleUp) evidence.push(ev(u.scaleUp, x.index));
  if (u.noScaleUp) evidence.push(ev(u.noScaleUp, x.index));
  const owner = ownerOf(x.index, pod);
  const container = getString(getArray(pod.object, ['spec', 'containers'])[0], ['name']) ?? 'app';
  // Selector and taints: checked against the Nodes (the scheduler's reasons come sorted as text, so
  // their order says nothing about which one matters).
  const placed = u.analysis.reasons.some((r) => r.kind === 'taint' || r.kind === 'node-affinity') ? placementOf(x, pod, owner) : undefined;
  if (placed) {
    cause = placed.cause;
    evidence.push(...placed.evidence);
  }
  const fixKind = placed ? undefined : (u.analysis.reasons.find((r) => r.kind === 'insufficient') ?? first)?.kind;
  const f = placed?.fix ?? (fixKind && SCHEDULING_FIX[fixKind]?.({ n: nsFlag(x.index, pod), owner, c: container, pod })) ?? {
    text: 'Read the scheduler\'s reason and change the pod\'s constraints or the cluster so a node fits.',
    commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`],
    yaml: null,
    prevent: [],
  };
  return [
    {
      check: 'pod-pending-unschedulable',
      severity: u.scaleUp ? 'warning' : 'error',
      symptom: `pod Pending: cannot be scheduled (${u.analysis.summary})`,
      object: ref(pod, x.index),
      container: null,
      pods: [pod.name],
      evidence,
      cause: u.scaleUp ? `${cause}; the cluster autoscaler is adding a node, which may resolve it` : cause,
      fix: { text: f.text, commands: f.commands, yaml: f.yaml },
      prevent: confirmed(x, owner.resource, f.prevent),
      logs: null,
    },
  ];
}

/** Pending, scheduled, containers still creating, with a Warning from the kubelet (volumes, sandbox). */
function creatingProblems(x: Ctx, pod: Resource): Problem[] {
  if (podPhase(pod) !== 'Pending' || isTerminating(pod)) return [];
  const scheduled = conditionOf(pod, 'PodScheduled');
  if (scheduled?.status !== 'True') return [];
  const stuck = containerStatuses(pod).filter((c) => c.state?.phase === 'waiting' && (c.state.reason === 'ContainerCreating' || c.state.reason === 'PodInitializing'));
  if (stuck.length === 0 && containerStatuses(pod).length > 0) return [];
  const w = latestEvent(eventsFor(x.index, pod), (e) => e.type === 'Warning' && /^(FailedMount|FailedAttachVolume|FailedCreatePodSandBox|FailedMapVolume)$/.test(e.reason));
  if (!w) {
    // Scheduled long ago and still creating, with nothing from the kubelet: say so, without a guess.
    // An init container that runs (waiting for a database) is not that: the main ones wait for it;
    // nor is one that fails (CrashLoopBackOff, an image it cannot pull, an exit code): its own problem
    // is the cause, and the kubelet is reporting.
    const inits = containerStatuses(pod).filter((c) => c.type === 'init');
    if (inits.some((c) => c.state?.phase === 'running')) return [];
    if (inits.some((c) => (c.state?.phase === 'waiting' && c.state.reason !== undefined && c.state.reason !== 'PodInitializing') || (lastTermination(c)?.exitCode ?? 0) !== 0 || c.restartCount > 0)) return [];
    const since = scheduled.since;
    if (since === undefined || x.now === undefined || x.now - since < 5 * 60_000) return [];
    const node = getString(pod.object, ['spec', 'nodeName']);
    // Any Warning about the pod (BackOff, Failed) means the kubelet reports: never claim it does not.
    const other = latestEvent(eventsFor(x.index, pod), (e) => e.type === 'Warning');
    const stuckFor = formatDuration(x.now - since);
    const scheduledText = `scheduled${node ? ` to node ${node}` : ''} at ${formatTime(since)}; phase still Pending`;
    return [
      {
        check: 'pod-stuck-creating',
        severity: 'warning',
        symptom: `pod stuck in ${stuck[0]?.state?.reason ?? 'Pending'} for ${stuckFor}`,
        object: ref(pod, x.index),
        container: null,
        pods: [pod.name],
        ...(other
          ? {
              evidence: [st(pod, [...scheduled.path, 'status'], scheduledText, x.index), ev(other, x.index)],
              cause: `the pod was scheduled ${stuckFor} ago and its containers are still being created; the kubelet's latest warning about it is ${other.reason}: "${quote(other.message)}"`,
              fix: { text: 'Fix what the kubelet\'s warning names.', commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`], yaml: null },
            }
          : {
              evidence: [st(pod, [...scheduled.path, 'status'], `${scheduledText}, with no Warning event from the kubelet`, x.index)],
              cause: `the pod was scheduled ${stuckFor} ago and its containers are still being created, and no event says why: the kubelet${node ? ` on ${node}` : ''} may not be reporting (its Node's Ready condition), or a slow image pull or volume attach has not failed yet`,
              fix: { text: 'Read the pod\'s events and its node\'s conditions; if the kubelet is not reporting, fix or drain the node.', commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`, ...(node ? [`kubectl describe node ${node}`] : [])], yaml: null },
            }),
        prevent: [],
        logs: null,
      },
    ];
  }
  let cause = `the kubelet cannot set the pod up (${w.reason}): "${quote(w.message)}"`;
  const prevent: Prevention[] = [];
  let fixText = 'Fix what the kubelet names in the event.';
  const missing = /(configmap|secret) "([^"]+)" not found/i.exec(w.message);
  if (missing) {
    cause = `a volume references ${/secret/i.test(missing[1]) ? 'Secret' : 'ConfigMap'} "${missing[2]}", which does not exist in namespace ${x.index.namespaceOf(pod)}: the volume cannot be mounted and the pod never starts`;
    fixText = `Create ${missing[1]} "${missing[2]}" in the namespace, or fix the name in the volume.`;
    prevent.push(prevention('volume-source-missing', 'referenced ConfigMaps and Secrets must exist or be optional'));
  } else if (/Multi-Attach/i.test(w.message)) {
    cause = `the ReadWriteOnce volume is still attached to another node (Multi-Attach error): a second pod on another node cannot mount it until the first one lets go`;
    fixText = 'Run one pod per ReadWriteOnce volume (a StatefulSet with volumeClaimTemplates, or strategy Recreate for a single replica), or use a ReadWriteMany volume.';
    prevent.push(prevention('rwo-volume-multi-replica', 'a ReadWriteOnce claim shared by several pods'));
  } else if (w.reason === 'FailedCreatePodSandBox') {
    cause = `the pod sandbox (network namespace) cannot be created: the CNI plugin fails on that node: "${quote(w.message)}"`;
    fixText = 'Check the CNI plugin pods on that node (kube-system) and their logs; IP address exhaustion in the subnet is a common cause.';
  }
  return [
    {
      check: 'pod-stuck-creating',
      severity: 'error',
      symptom: `pod stuck in ContainerCreating (${w.reason})`,
      object: ref(pod, x.index),
      container: null,
      pods: [pod.name],
      evidence: [ev(w, x.index)],
      cause,
      fix: { text: fixText, commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`], yaml: null },
      prevent: confirmed(x, ownerOf(x.index, pod).resource, prevent),
      logs: null,
    },
  ];
}

function pvcProblem(x: Ctx, p: PvcPending): Problem | null {
  const pvc = p.pvc;
  const long = x.now !== undefined && p.since !== undefined && x.now - p.since >= 5 * 60_000;
  if (!p.classMissing && !p.noDefault && !p.lastWarning && (p.waitsForConsumer || !long)) return null;
  const classes = x.index.ofKind('StorageClass');
  const evidence: Evidence[] = [st(pvc, ['status', 'phase'], `phase Pending${p.since !== undefined ? ` since ${formatTime(p.since)}` : ''}${x.now !== undefined && p.since !== undefined ? ` (${formatDuration(x.now - p.since)})` : ''}`, x.index)];
  const asked = get(pvc.object, ['spec', 'storageClassName']);
  evidence.push(st(pvc, ['spec', 'storageClassName'], asked === undefined ? (p.noDefault ? (classes.length ? 'storageClassName unset, and no StorageClass is marked default' : 'storageClassName unset, and the cluster has no StorageClass at all') : 'storageClassName unset (the default class applies)') : `storageClassName "${asked}"`, x.index, 'spec'));
  if (classes.length) evidence.push({ source: 'input', object: null, field: null, text: `StorageClasses in the cluster: ${classes.map((c) => `${c.name}${stringMap(get(c.object, ['metadata', 'annotations']))['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}`).join(', ')}` });
  const e = p.lastWarning ?? p.lastEvent;
  if (e) evidence.push(ev(e, x.index));
  const n = nsFlag(x.index, pvc);
  const isDefault = (c: Resource) => stringMap(get(c.object, ['metadata', 'annotations']))['storageclass.kubernetes.io/is-default-class'] === 'true';
  const existing = classes.find(isDefault) ?? classes[0];
  let fix: Problem['fix'];
  const classesRead = x.index.listedKinds?.has('StorageClass') === true && !unreadOf(x.opts, ['StorageClass'], null).length;
  if ((p.classMissing || (p.lastWarning && /storageclass\.storage\.k8s\.io "[^"]+" not found/.test(p.lastWarning.message))) && classes.length === 0) {
    // No class at all: naming one to use would be a guess; something must provision volumes first.
    evidence.push({ source: classesRead ? 'cluster' : 'input', object: null, field: null, text: classesRead ? 'the cluster has no StorageClass at all' : 'the input holds no StorageClass (kubectl get storageclass says whether the cluster has any)' });
    fix = {
      text: `${classesRead ? 'The cluster has no StorageClass at all' : `No StorageClass is known here${typeof asked === 'string' ? ` and "${asked}" does not exist` : ''}`}: a storage provisioner (a CSI driver for this platform) with a StorageClass is needed before any claim can be provisioned; then recreate the claim with that class (storageClassName cannot be changed on an existing claim), or create a PersistentVolume that matches the claim (static provisioning).`,
      commands: ['kubectl get storageclass', 'kubectl get csidrivers', `kubectl ${n} delete pvc ${pvc.name}   # then apply it with the new storageClassName`],
      yaml: null,
    };
  } else if (p.classMissing || (p.lastWarning && /storageclass\.storage\.k8s\.io "[^"]+" not found/.test(p.lastWarning.message))) {
    fix = {
      text: `Use a StorageClass that exists (${classesRead ? 'the cluster has' : 'the input holds'} ${classes.map((c) => `${c.name}${c === existing && isDefault(c) ? ' (default)' : ''}`).join(', ')}). storageClassName cannot be changed on an existing claim: delete and recreate it (nothing was ever provisioned for it), or create the missing class.`,
      commands: ['kubectl get storageclass', `kubectl ${n} delete pvc ${pvc.name}   # then apply it with the new storageClassName`],
      yaml: `spec:\n  storageClassName: ${existing!.name}${classes.length > 1 ? `   # or: ${classes.filter((c) => c !== existing).map((c) => c.name).join(', ')}` : ''}`,
    };
  } else if (p.noDefault && classes.length === 0) {
    fix = {
      text: 'The cluster has no StorageClass, so nothing can provision a volume: install a storage provisioner (a CSI driver) with a StorageClass marked default, or create a PersistentVolume that matches the claim (static provisioning).',
      commands: ['kubectl get storageclass', 'kubectl get pv'],
      yaml: null,
    };
  } else if (p.noDefault) {
    fix = {
      text: 'Name a StorageClass in the claim, or mark one class as the cluster default.',
      commands: [existing ? `kubectl patch storageclass ${existing.name} -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'` : 'kubectl get storageclass'],
      yaml: `spec:\n  storageClassName: ${existing?.name ?? '<an existing class>'}`,
    };
  } else {
    const prov = getString(p.classObject?.object, ['provisioner']);
    fix = {
      text: `Check the provisioner${prov ? ` ${prov}` : ''}: its controller pods and logs, its credentials and quotas in the cloud account.`,
      commands: [`kubectl ${n} describe pvc ${pvc.name}`, `kubectl get pods -A | grep -i ${prov ? prov.split('.')[0] : 'csi'}`],
      yaml: null,
    };
  }
  return {
    check: 'pvc-pending',
    severity: p.classMissing || p.noDefault || p.lastWarning ? 'error' : 'warning',
    symptom: `PersistentVolumeClaim ${pvc.name} is Pending`,
    object: ref(pvc, x.index),
    container: null,
    pods: p.users.map((u) => u.name),
    evidence,
    cause: pvcCause(p),
    fix,
    prevent: confirmed(x, pvc, [prevention('pvc-storage-class-missing', 'a claim must name a StorageClass the cluster defines')]),
    logs: null,
  };
}

function nodeProblems(x: Ctx, node: Resource): Problem[] {
  const out: Problem[] = [];
  const c = nodeReady(node);
  if (c && c.status !== 'True') {
    const e = latestEvent(eventsFor(x.index, node), (v) => v.type === 'Warning' || v.reason === 'NodeNotReady');
    const hb = parseTime(getString(node.object, [...c.path, 'lastHeartbeatTime']));
    const taints = taintsOf(node);
    const plan = drainPlanOf(x, node);
    out.push({
      check: 'node-not-ready',
      severity: 'error',
      symptom: `node ${node.name} is NotReady (Ready=${c.status})`,
      object: ref(node, x.index),
      container: null,
      pods: [],
      evidence: [
        st(node, c.path, `condition Ready=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? ` "${c.message}"` : ''} since ${formatTime(c.since)}`, x.index),
        st(node, [...c.path, 'lastHeartbeatTime'], hb !== undefined ? `last heartbeat from the kubelet ${formatTime(hb)}${x.now !== undefined ? ` (${formatDuration(x.now - hb)} before the newest time seen)` : ''}` : 'no heartbeat recorded', x.index),
        st(node, ['spec', 'taints'], taints.length ? `taints: ${taints.map(taintText).join(', ')}` : 'no taints (the node lifecycle controller has not tainted it)', x.index, 'spec'),
        ...(e ? [ev(e, x.index)] : []),
      ],
      cause: c.status === 'Unknown' ? `the kubelet stopped reporting${hb !== undefined && x.now !== undefined ? ` (its last heartbeat was ${formatDuration(x.now - hb)} earlier)` : ''}: the node is down, partitioned from the control plane, or its kubelet or container runtime has stopped` : `the kubelet reports the node unhealthy: ${c.message ?? c.reason ?? 'no reason given'}`,
      fix: {
        text: `Check the machine: kubelet and container runtime status and logs, network, disk; cordon and drain it if it does not recover.${plan.complete ? `${plan.notes.length ? ` ${plan.notes.join('; ')}.` : ''}${plan.blockers.length ? ` The eviction API refuses ${plan.blockers.length === 1 ? 'a pod' : `${plan.blockers.length} pods`} there (${listPods(plan.blockers.map((b) => `${b.namespace}/${b.name}`), 3)}), so the drain hangs or fails on ${plan.blockers.length === 1 ? 'it' : 'them'}: ${[...new Set(plan.blockers.map((b) => `kubeready diagnose pdb/${b.budgets[0]} -n ${b.namespace}`))].slice(0, 2).join('; ')}.` : ''}` : ''}`,
        commands: [`kubectl describe node ${node.name}`, plan.complete ? plan.command : `kubeready diagnose node/${node.name}   # the drain command with the flags all of its pods need (only some namespaces were read here)`],
        yaml: null,
      },
      // About the node, not one workload's manifest: advice, not a check that would fire here.
      prevent: [prevention(null, 'a node can always fail: run two or more replicas spread over nodes (pod anti-affinity or a topology spread), so that one node down is not an outage')],
      logs: null,
    });
  }
  for (const p of nodePressure(node)) {
    const why = PRESSURE[p.type as keyof typeof PRESSURE] ?? PRESSURE.MemoryPressure;
    out.push({
      check: 'node-pressure',
      severity: 'warning',
      symptom: `node ${node.name} under ${p.type}`,
      object: ref(node, x.index),
      container: null,
      pods: [],
      evidence: [st(node, p.path, `condition ${p.type}=True${p.message ? ` "${p.message}"` : ''} since ${formatTime(p.since)}`, x.index)],
      cause: why.cause,
      fix: { text: why.text, commands: why.commands(node.name), yaml: why.yaml },
      prevent: p.type === 'MemoryPressure' ? memoryPrevention(x, node) : [prevention(null, why.prevent)],
      logs: null,
    });
  }
  return out;
}

/** What each node pressure means, and what frees it. */
const PRESSURE = {
  MemoryPressure: {
    cause: 'the node is short of memory: the kubelet evicts pods to recover, those using the most memory above their requests first',
    text: 'Find the pods using more memory than they request and set requests and limits from measured usage, so the scheduler stops overpacking the node.',
    commands: (node: string) => [`kubectl describe node ${node}`, 'kubectl top pod -A --sort-by=memory'],
    yaml: null,
    prevent: '',
  },
  DiskPressure: {
    cause: 'the node is short of disk (its root or image filesystem): the kubelet deletes unused images and evicts pods, those writing the most to local disk above their ephemeral-storage requests first; container logs, emptyDir volumes and writable container layers fill it',
    text: 'Free the disk and bound what pods may write: check image garbage collection (imageGCHighThresholdPercent) and container log rotation (containerLogMaxSize, containerLogMaxFiles) in the kubelet configuration, give emptyDir volumes a sizeLimit, and give containers that write locally ephemeral-storage requests and limits.',
    commands: (node: string) => [`kubectl describe node ${node}`, `kubectl debug node/${node} -it --image=busybox -- du -xsh /host/var/lib/containerd /host/var/lib/kubelet/pods /host/var/log/pods`],
    yaml: 'containers:\n  - name: app\n    resources:\n      requests:\n        ephemeral-storage: 1Gi\n      limits:\n        ephemeral-storage: 2Gi\nvolumes:\n  - name: scratch\n    emptyDir:\n      sizeLimit: 1Gi',
    prevent: 'no manifest check covers local disk: ephemeral-storage requests and limits and an emptyDir sizeLimit bound what each pod can write to the node, and log rotation bounds what it logs',
  },
  PIDPressure: {
    cause: 'the node is short of process ids: a pod starts processes or threads without bound (a fork bomb, a thread leak, a worker pool with no cap); the kubelet evicts pods to recover',
    text: 'Find the pod with the most processes and fix its leak; cap every pod\'s processes with podPidsLimit in the kubelet configuration.',
    commands: (node: string) => [`kubectl describe node ${node}`, `kubectl debug node/${node} -it --image=busybox -- sh -c 'echo processes: $(ls -d /proc/[0-9]* | wc -l) of $(cat /proc/sys/kernel/pid_max)'`],
    yaml: null,
    prevent: 'no manifest check covers process counts: podPidsLimit in the kubelet configuration caps what one pod can start',
  },
} as const;

/**
 * Memory pressure: the memory checks, for the workloads on the node whose manifests they fire on
 * (requests are what keep the scheduler from overpacking a node); advice when none does.
 */
function memoryPrevention(x: Ctx, node: Resource): Prevention[] {
  const owners = [...new Set((x.index.nodePods ?? x.index.ofKind('Pod')).filter((p) => getString(p.object, ['spec', 'nodeName']) === node.name).map((p) => ownerOf(x.index, p)))];
  const out: Prevention[] = [];
  for (const [id, why] of [
    ['memory-request-missing', 'requests keep the scheduler from putting more on a node than it holds'],
    ['emptydir-memory-no-size-limit', 'memory-backed emptyDir volumes count against node memory'],
  ] as const) {
    const hit = owners.filter((o) => firesOn(x, o.resource, id) === true).map((o) => o.kubectl);
    if (hit.length) out.push(prevention(id, `${why}; it fires on ${hit.slice(0, 3).join(', ')}${hit.length > 3 ? ` and ${hit.length - 3} more` : ''} on this node`));
  }
  return out.length ? out : [prevention(null, 'size memory requests from measured usage: a request below what a pod uses lets the scheduler overpack the node')];
}

/** How a probe checks, for evidence: `httpGet /healthz on port 8080`, `tcpSocket on port 6379`, `exec cat /tmp/ok`. */
function probeHandler(probe: Json | undefined): string {
  if (isObject(get(probe, ['httpGet']))) return `httpGet ${getString(probe, ['httpGet', 'path']) ?? '/'} on port ${String(get(probe, ['httpGet', 'port']) ?? '?')}`;
  if (isObject(get(probe, ['tcpSocket']))) return `tcpSocket on port ${String(get(probe, ['tcpSocket', 'port']) ?? '?')}`;
  if (isObject(get(probe, ['grpc']))) return `grpc on port ${String(get(probe, ['grpc', 'port']) ?? '?')}`;
  if (isObject(get(probe, ['exec']))) return `exec ${quote(getArray(probe, ['exec', 'command']).map(String).join(' '), 80)}`;
  return 'no handler';
}

/** The probe's own settings (defaults named), so its timing can be judged against the failures. */
function probeEvidence(x: Ctx, pod: Resource, c: ContainerStatus, kind: 'liveness' | 'startup' | 'readiness'): Evidence[] {
  const probe = get(c.spec, [`${kind}Probe`]);
  if (!isObject(probe) || !c.specPath) return [];
  const setting = (k: string, d: number) => `${k} ${getNumber(probe, [k]) ?? `${d} (default)`}`;
  const text = `${kind}Probe: ${probeHandler(probe)}; ${[setting('timeoutSeconds', 1), setting('periodSeconds', 10), setting('failureThreshold', 3), setting('initialDelaySeconds', 0)].join(', ')}${isObject(get(c.spec, ['startupProbe'])) || kind === 'startup' ? '' : '; no startupProbe'}`;
  return [st(pod, [...c.specPath, `${kind}Probe`], text, x.index, 'spec')];
}

/** The port a probe targets (httpGet, tcpSocket, grpc), as written (a number or a port name). */
function probePort(probe: Json | undefined): string | undefined {
  for (const h of ['httpGet', 'tcpSocket', 'grpc']) {
    const v = get(probe, [h, 'port']);
    if (typeof v === 'number' || (typeof v === 'string' && v !== '')) return String(v);
  }
  return undefined;
}

/**
 * Ready has been False since the pod started (its last transition at the start): the containers have
 * never been ready, as opposed to dropping out now and then.
 */
function neverReady(pod: Resource): boolean {
  const c = conditionOf(pod, 'Ready');
  if (!c || c.status === 'True' || c.since === undefined) return false;
  const start = parseTime(getString(pod.object, ['status', 'startTime'])) ?? parseTime(getString(pod.object, ['metadata', 'creationTimestamp']));
  return start !== undefined && c.since - start <= 60_000;
}

/** Why a probe fails, from the kubelet's message: refused is not a timeout, nor an HTTP error. */
function probeFailureWhy(msg: string, port: string | undefined): string {
  const q = `"${quote(msg, 200)}"`;
  if (/connection refused/i.test(msg)) return `nothing answers on ${port ? `port ${port}` : 'the probed port'} (${q}): the application has not started listening, or listens on another port or address (127.0.0.1 instead of 0.0.0.0)`;
  if (/timeout|deadline exceeded/i.test(msg)) return `the probe times out (${q}): the endpoint answers slower than timeoutSeconds, or the process is saturated`;
  const code = /statuscode: (\d{3})/i.exec(msg)?.[1];
  if (code) return `the endpoint answers HTTP ${code} (${q}): the application reports itself unhealthy${code.startsWith('5') ? ', often because a dependency it checks is unreachable' : ''}`;
  if (/no such file|executable file not found|exit code|command/i.test(msg)) return `the probe's command fails (${q})`;
  return q;
}

/**
 * An evicted pod (status.phase Failed, status.reason Evicted): the kubelet's message names the
 * resource the node ran short of and each container using more than it requests ("Container app
 * was using 900Mi, request is 64Mi"), or the local-storage limit the pod went over.
 */
function evictionProblems(x: Ctx, pod: Resource): Problem[] {
  if (podPhase(pod) !== 'Failed' || getString(pod.object, ['status', 'reason']) !== 'Evicted') return [];
  const message = getString(pod.object, ['status', 'message']) ?? '';
  const node = getString(pod.object, ['spec', 'nodeName']);
  const owner = ownerOf(x.index, pod);
  const n = nsFlag(x.index, pod);
  const low = /low on resource: ([\w.-]*\w)/i.exec(message)?.[1];
  const users = [...message.matchAll(/Container (\S+) was using (\S+?), request is (\S+?),/g)].map((m) => ({ name: m[1], using: m[2], request: m[3] }));
  const local = /ephemeral local storage|EmptyDir volume|local ephemeral storage limit/i.exec(message);
  const resource = low ?? (local ? 'ephemeral-storage' : undefined);
  const storage = resource === 'ephemeral-storage';
  const evidence: Evidence[] = [st(pod, ['status', 'message'], `phase Failed, reason Evicted${node ? ` on node ${node}` : ''}: "${quote(message, 300)}"`, x.index)];
  const e = latestEvent(eventsFor(x.index, pod), (v) => v.reason === 'Evicted');
  if (e) evidence.push(ev(e, x.index));
  const u = users[0];
  const spec = u ? containerStatuses(pod).find((c) => c.name === u.name)?.spec ?? (getArray(pod.object, ['spec', 'containers']).find((c) => getString(c, ['name']) === u.name) as JsonObject | undefined) : undefined;
  let cause: string;
  let fix: Problem['fix'];
  const prevent: Prevention[] = [];
  if (local && !low) {
    cause = `the pod went over its own local-storage limit: "${quote(local.input, 200)}": the kubelet evicts a pod whose emptyDir volumes or containers write more than their sizeLimit or ephemeral-storage limit`;
    fix = {
      text: 'Raise the limit to what the pod needs to write, or make it write less (logs to stdout, temporary files cleaned up, data on a persistent volume).',
      commands: [`kubectl ${n} describe pod ${pod.name}`],
      yaml: 'resources:\n  requests:\n    ephemeral-storage: 1Gi\n  limits:\n    ephemeral-storage: 2Gi   # above what the pod writes\n# and for an emptyDir volume:\n# emptyDir:\n#   sizeLimit: 2Gi',
    };
    prevent.push(prevention(null, 'no manifest check knows how much a pod writes: size ephemeral-storage limits and emptyDir sizeLimit from measurement'));
  } else {
    const over = users.map((c) => `container "${c.name}" was using ${c.using} against a request of ${c.request}`);
    cause = `the kubelet evicted the pod because node ${node ?? '(unknown)'} ran low on ${resource ?? 'a resource'}: it evicts the pods using the most ${resource ?? 'of it'} above their requests first${over.length ? `, and ${over.join('; ')}` : ''}`;
    // A request above the container's limit is rejected: raise the limit with it when it is lower.
    const res = storage ? 'ephemeral-storage' : (resource ?? 'memory');
    const limit = get(spec, ['resources', 'limits', res]);
    const raise = limit !== undefined && u && (parseQuantity(limit) ?? Infinity) < (parseQuantity(u.using) ?? 0);
    const change = u ? resourcesCommand(n, owner, u.name, { requests: { [res]: u.using }, ...(raise ? { limits: { [res]: u.using } } : {}) }) : undefined;
    const set = change?.command ?? undefined;
    fix = storage
      ? {
          text: `Give ${u ? `container "${u.name}"` : 'the containers'} an ephemeral-storage request of what ${u ? 'it' : 'they'} write${u ? ` (at least ${u.using}, what it used at eviction)` : ''} and a limit, and give its emptyDir volumes a sizeLimit, so the scheduler counts the disk and one pod cannot fill the node.`,
          commands: [...(set ? [set] : []), `kubectl ${n} delete pod ${pod.name}   # the evicted pod is only a record`],
          yaml: u ? containerYaml(u, `resources:\n  requests:\n    ephemeral-storage: ${u.using}   # was ${u.request}\n  limits:\n    ephemeral-storage: ${u.using}`) + '\nvolumes:\n  - name: scratch\n    emptyDir:\n      sizeLimit: 1Gi' : null,
        }
      : {
          text: `Set ${u ? `container "${u.name}"'s` : 'the containers\''} ${resource ?? 'memory'} request from measured usage${u ? ` (at least ${u.using}, what it used at eviction; it requests ${u.request})` : ''}, so the scheduler keeps room for it and the kubelet does not pick it first.`,
          commands: [...(set ? [set] : []), `kubectl ${n} top pod --containers`, `kubectl ${n} delete pod ${pod.name}   # the evicted pod is only a record`],
          yaml: u && resource ? containerYaml(u, `resources:\n  requests:\n    ${resource}: ${u.using}   # was ${u.request}${raise ? `\n  limits:\n    ${resource}: ${u.using}   # was ${String(limit)}` : ''}`) : null,
        };
    if (storage) prevent.push(prevention(null, 'no manifest check covers local disk: ephemeral-storage requests and limits and an emptyDir sizeLimit bound what each pod can write to the node'));
    else if (resource === 'memory' && u) {
      prevent.push(preventIf(x, owner.resource, 'memory-request-missing', 'a container without a memory request is among the first evicted when the node runs short', { container: u.name }) ?? prevention(null, 'a request below real usage is not visible in the manifest: size requests from measured usage (the working set), and alert when usage stays above the request'));
    }
    if (spec === undefined && u) x.notes.add(`container "${u.name}" named in the eviction message is not in the pod's spec`);
  }
  const replaced = owner.resource !== pod;
  return [
    {
      check: 'pod-evicted',
      // Its controller replaces it (the workload's availability says whether that worked); a bare pod is gone for good.
      severity: replaced ? 'warning' : 'error',
      symptom: `pod evicted: ${local && !low ? 'over its local-storage limit' : `node low on ${resource ?? 'resources'}`}${u ? ` (container "${u.name}" used ${u.using}, request ${u.request})` : ''}`,
      object: ref(pod, x.index),
      container: u?.name ?? null,
      pods: [pod.name],
      evidence,
      cause,
      fix,
      prevent,
      logs: null,
    },
  ];
}

/** Everything wrong with one pod, its claims and its node. */
function podProblems(x: Ctx, pod: Resource): Problem[] {
  const out = [
    ...evictionProblems(x, pod),
    ...schedulingProblems(x, pod),
    ...creatingProblems(x, pod),
    ...pullProblems(x, pod),
    ...configProblems(x, pod),
    ...oomProblems(x, pod),
    ...crashProblems(x, pod),
    ...notReadyProblems(x, pod),
    ...restartProblems(x, pod),
  ];
  // A pod "stuck creating" because one of its containers fails is that container's problem.
  if (out.some((p) => p.container !== null)) {
    const i = out.findIndex((p) => p.check === 'pod-stuck-creating' && p.severity === 'warning');
    if (i >= 0) out.splice(i, 1);
  }
  // Probe failures not already explained by a crash loop or a not-ready container.
  const owner = ownerOf(x.index, pod);
  for (const f of probeFailures(x.index, pod)) {
    if (f.count < 3) continue;
    if (out.some((p) => p.container === f.container && (p.check === 'crashloop-backoff' || p.check === 'container-not-ready' || p.check === 'frequent-restarts'))) continue;
    const c = containerStatuses(pod).find((s) => s.name === f.container);
    const msg = f.last.message;
    const port = probePort(get(c?.spec, [`${f.probe}Probe`])) ?? /:(\d+)(?:\/|: |"|$)/.exec(msg)?.[1];
    const never = f.probe === 'readiness' && neverReady(pod);
    const n = nsFlag(x.index, pod);
    const evidence: Evidence[] = [ev(f.last, x.index)];
    const ready = conditionOf(pod, 'Ready');
    if (never && ready) evidence.unshift(st(pod, ready.path, `condition Ready=${ready.status} since ${formatTime(ready.since)}, when the pod started: it has never been ready`, x.index));
    const refused = /connection refused/i.test(msg);
    const prevent = compact([
      refused ? preventIf(x, owner.resource, 'probe-port-not-declared', 'a probe must target a port the container declares', { container: f.container }) : null,
      /timeout|deadline exceeded/i.test(msg) ? preventIf(x, owner.resource, 'probe-timeout-not-below-period', 'probe timing that can be met', { container: f.container }) : null,
      preventIf(x, owner.resource, 'liveness-equals-readiness', 'liveness must not check what readiness checks (dependencies)', { container: f.container }),
    ]);
    out.push({
      check: 'probe-failing',
      severity: 'warning',
      symptom: `${f.probe} probe of container "${f.container ?? '?'}" failed ${f.count} times${never ? ', never succeeded' : ''}`,
      object: ref(pod, x.index),
      container: f.container ?? null,
      pods: [pod.name],
      evidence,
      cause: never
        ? `the readiness probe has never succeeded since the pod started: ${probeFailureWhy(msg, port)}; the pod has never received traffic`
        : `the ${f.probe} probe fails intermittently: ${probeFailureWhy(msg, port)}${f.probe === 'liveness' ? '; each failure streak restarts the container' : f.probe === 'readiness' ? '; the pod drops out of endpoints while it fails' : ''}`,
      fix: refused
        ? {
            text: `Find the port and address the application listens on (its log; the listening sockets in the pod) and make the probe${port ? ` (port ${port})` : ''}, the containerPort and the application agree${never ? '; if a new version brought it, roll back' : ''}.`,
            commands: [`kubectl ${n} logs ${pod.name}${f.container ? ` -c ${f.container}` : ''} --tail=50`, `kubectl ${n} debug -it pod/${pod.name} --image=busybox${f.container ? ` --target=${f.container}` : ''} -- netstat -tln`],
            yaml: null,
          }
        : { text: 'Give the probe a realistic timeout and threshold, and make it check only this pod.', commands: [`kubectl ${n} describe pod ${pod.name}`], yaml: null },
      prevent,
      logs: null,
    });
  }
  // The claims it waits for, and the node it runs on.
  for (const v of getArray(pod.object, ['spec', 'volumes'])) {
    const claim = getString(v, ['persistentVolumeClaim', 'claimName']);
    if (!claim) continue;
    const pvc = x.index.inNamespace('PersistentVolumeClaim', x.index.namespaceOf(pod)).find((c) => c.name === claim);
    const p = pvc ? pvcPending(x.index, pvc) : undefined;
    const prob = p ? pvcProblem(x, p) : null;
    if (prob) out.push(prob);
  }
  const nodeName = getString(pod.object, ['spec', 'nodeName']);
  if (nodeName) {
    const node = x.index.ofKind('Node').find((n) => n.name === nodeName);
    if (node) out.push(...nodeProblems(x, node).filter((p) => p.check === 'node-not-ready'));
  }
  return out;
}

/** Merge identical problems of several pods: same check, container and cause. */
function mergeAcrossPods(problems: Problem[]): Problem[] {
  const out: Problem[] = [];
  const byKey = new Map<string, Problem>();
  for (const p of problems) {
    const key = `${p.check}\0${p.container ?? ''}\0${p.object.kind === 'Pod' ? p.cause.replace(/\d+/g, '#') : `${p.object.kind}/${p.object.name}`}`;
    const seen = byKey.get(key);
    if (seen) {
      for (const pod of p.pods) if (!seen.pods.includes(pod)) seen.pods.push(pod);
      continue;
    }
    const copy = { ...p, pods: [...p.pods] };
    byKey.set(key, copy);
    out.push(copy);
  }
  return out;
}

function sortProblems(list: Problem[]): Problem[] {
  return list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || order(a) - order(b) || b.pods.length - a.pods.length);
}

// ---------------------------------------------------------------------------------------------
// Targets

function findTarget(index: ResourceIndex, kind: DiagnoseKind, name: string, namespace: string): Resource | undefined {
  const all = index.named(kind, name);
  if (kind === 'Node') return all[0];
  return all.find((r) => index.namespaceOf(r) === namespace);
}

function statusOf(problems: Problem[]): DiagnosisStatus {
  if (problems.some((p) => p.severity === 'error')) return 'broken';
  if (problems.length) return 'degraded';
  return 'healthy';
}

function ctxOf(index: ResourceIndex, opts: DiagnoseOptions): Ctx {
  return { index, now: opts.now ?? observedAt(index), opts, notes: new Set() };
}

function podsLine(pods: Resource[]): string {
  const states = new Map<string, number>();
  for (const p of pods) states.set(podState(p), (states.get(podState(p)) ?? 0) + 1);
  return [...states].map(([s, n]) => `${n} ${s}`).join(', ');
}

/**
 * "failed quota: small: must specify limits.memory for: app; requests.memory for: app": a
 * ResourceQuota on those resources makes every container state them.
 */
export function parseQuotaMustSpecify(message: string): { quota: string; missing: { field: string; containers: string[] }[] } | undefined {
  const m = /failed quota: ([^:]+): must specify (.+)$/i.exec(message.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const missing = m[2]
    .split(';')
    .map((part) => /^\s*([\w.-]+) for: (.+?)\s*$/.exec(part))
    .filter((x): x is RegExpExecArray => x !== null)
    .map((x) => ({ field: x[1], containers: x[2].split(',').map((c) => c.trim()).filter(Boolean) }));
  return missing.length ? { quota: m[1].trim(), missing } : undefined;
}

function failedCreateProblem(x: Ctx, r: Resource, fc: ObjectEvent): Problem {
  const index = x.index;
  const n = nsFlag(index, r);
  const quota = /exceeded quota/i.test(fc.message);
  const must = parseQuotaMustSpecify(fc.message);
  const base = { check: 'pods-cannot-be-created', severity: 'error' as const, symptom: `pods cannot be created (${fc.reason})`, object: { kind: fc.regarding.kind ?? r.kind, name: fc.regarding.name ?? r.name, namespace: index.namespaceOf(r) }, container: null, pods: [], logs: null };
  if (must) {
    // Per container: the fields it lacks (requests.memory, limits.cpu...).
    const byContainer = new Map<string, string[]>();
    for (const m of must.missing) for (const c of m.containers) byContainer.set(c, [...(byContainer.get(c) ?? []), m.field]);
    const q = index.inNamespace('ResourceQuota', index.namespaceOf(r)).find((o) => o.name === must.quota);
    const evidence: Evidence[] = [ev(fc, index)];
    if (q) evidence.push(st(q, ['spec', 'hard'], `hard: ${Object.entries(stringMap(get(q.object, ['spec', 'hard']))).map(([k, v]) => `${k}=${v}`).join(', ')}`, index, 'spec'));
    const yamlOf = (fields: string[]) => {
      const sect = (s: 'requests' | 'limits') => fields.filter((f) => f.startsWith(`${s}.`) || (s === 'requests' && !f.includes('.'))).map((f) => `      ${f.replace(/^(requests|limits)\./, '')}: <from measured usage>`);
      const req = sect('requests');
      const lim = sect('limits');
      return `    resources:\n${req.length ? `      requests:\n${req.map((l) => `  ${l}`).join('\n')}\n` : ''}${lim.length ? `      limits:\n${lim.map((l) => `  ${l}`).join('\n')}\n` : ''}`.trimEnd();
    };
    const containers = [...byContainer];
    const limitRange = [...new Set(must.missing.map((m) => m.field))];
    return {
      ...base,
      evidence,
      cause: `ResourceQuota "${must.quota}" limits ${joinAnd([...new Set(must.missing.map((m) => m.field))])} in namespace ${index.namespaceOf(r)}, so every container must state them, and ${containers.map(([c, f]) => `container "${c}" has no ${joinAnd(f)}`).join('; ')}: the API server rejects each pod`,
      fix: {
        text: `Add ${containers.map(([c, f]) => `${joinAnd(f)} to container "${c}"`).join(', ')} in ${KUBECTL_NAME[r.kind as DiagnoseKind] ?? r.kind.toLowerCase()}/${r.name}'s pod template (sized from measured usage), or give the namespace a LimitRange whose defaults fill them in.`,
        commands: [`kubectl ${n} describe resourcequota ${must.quota}`, `kubectl ${n} get limitrange`],
        yaml: `containers:\n${containers.map(([c, f]) => `  - name: ${c}\n${yamlOf(f)}`).join('\n')}\n---\n# or, for every container of the namespace:\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\nspec:\n  limits:\n    - type: Container\n${limitRange.some((f) => !f.startsWith('limits.')) ? `      defaultRequest:\n${limitRange.filter((f) => !f.startsWith('limits.')).map((f) => `        ${f.replace(/^requests\./, '')}: <typical request>`).join('\n')}\n` : ''}${limitRange.some((f) => f.startsWith('limits.')) ? `      default:\n${limitRange.filter((f) => f.startsWith('limits.')).map((f) => `        ${f.replace(/^limits\./, '')}: <typical limit>`).join('\n')}` : ''}`.trimEnd(),
      },
      prevent: compact([preventIf(x, r, 'quota-requires-resources', 'a quota that makes requests or limits mandatory, checked against the containers that lack them', { general: 'a ResourceQuota on requests or limits needs every container to state them, or a LimitRange default' })]),
    };
  }
  return {
    ...base,
    evidence: [ev(fc, index)],
    cause: quota
      ? 'a ResourceQuota of the namespace has no room for another pod with these requests'
      : /violates PodSecurity/i.test(fc.message)
        ? 'the namespace\'s Pod Security admission rejects the pod template'
        : /admission webhook/i.test(fc.message)
          ? 'an admission webhook rejects the pods'
          : `the controller cannot create pods: "${quote(fc.message)}"`,
    fix: quota
      ? { text: 'Raise the quota, lower the pods\' requests, or free room in the namespace.', commands: [`kubectl ${n} describe resourcequota`], yaml: null }
      : { text: 'Change the pod template so admission accepts it (the event names the rule).', commands: [`kubectl ${n} describe ${KUBECTL_NAME[r.kind as DiagnoseKind] ?? r.kind.toLowerCase()} ${r.name}`], yaml: null },
    prevent: quota ? compact([preventIf(x, r, 'quota-requires-resources', 'quota and pod requests checked together')]) : /PodSecurity/i.test(fc.message) ? compact([preventIf(x, r, 'privileged-container', 'the Pod Security checks say which level the template meets')]) : [],
  };
}

/** `api=shop/api:1.1, proxy=envoy:1.30` from a pod template. */
function imagesOf(r: Resource): string {
  const cs = getArray(r.object, ['spec', 'template', 'spec', 'containers']);
  return cs.length ? `image${cs.length === 1 ? '' : 's'} ${cs.map((c) => (cs.length === 1 ? (getString(c, ['image']) ?? '?') : `${getString(c, ['name']) ?? '?'}=${getString(c, ['image']) ?? '?'}`)).join(', ')}` : 'no containers';
}

/** What changed between two pod templates' images: `image shop/api:1.0 -> shop/api:1.1`, or '' when none did. */
function imageChange(from: Resource, to: Resource): string {
  const old = new Map(getArray(from.object, ['spec', 'template', 'spec', 'containers']).map((c) => [getString(c, ['name']), getString(c, ['image'])]));
  const diffs = getArray(to.object, ['spec', 'template', 'spec', 'containers'])
    .filter((c) => old.get(getString(c, ['name'])) !== getString(c, ['image']))
    .map((c) => `${old.size > 1 ? `${getString(c, ['name'])}: ` : ''}image ${old.get(getString(c, ['name'])) ?? 'none'} -> ${getString(c, ['image']) ?? '?'}`);
  return diffs.length ? diffs.join(', ') : 'same images: the change is elsewhere in the pod template';
}

// ---------------------------------------------------------------------------------------------
// CronJob schedules: when the next run is due.

/**
 * The first time after `after` (ms) that a CronJob schedule fires (croner, five fields as the
 * CronJob controller reads them: day of month and day of week ORed when both are restricted, macros
 * such as @hourly), in its time zone (spec.timeZone, or a CRON_TZ= prefix; unset: UTC, as the
 * controller's default on most clusters); undefined when the schedule or zone cannot be read.
 */
export function nextCronRun(schedule: string, after: number, timeZone?: string): number | undefined {
  let expr = schedule.trim();
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  if (tz) {
    timeZone = tz[1];
    expr = tz[2];
  }
  try {
    const next = new Cron(expr, { paused: true, timezone: timeZone || 'UTC', mode: '5-part' }).nextRun(new Date(after));
    return next ? next.getTime() : undefined;
  } catch {
    return undefined;
  }
}

/** A CronJob's schedule state, for its walk and symptom: suspended, not run yet (and when it is due), last run. */
function cronState(x: Ctx, cj: Resource, jobs: Resource[]): { walked: string; idle: string | undefined } {
  const schedule = getString(cj.object, ['spec', 'schedule']) ?? '?';
  const tz = getString(cj.object, ['spec', 'timeZone']);
  const suspended = get(cj.object, ['spec', 'suspend']) === true;
  const last = parseTime(getString(cj.object, ['status', 'lastScheduleTime']));
  const success = parseTime(getString(cj.object, ['status', 'lastSuccessfulTime']));
  const from = last ?? parseTime(getString(cj.object, ['metadata', 'creationTimestamp']));
  const first = from !== undefined ? nextCronRun(schedule, from, tz) : undefined;
  // Due already (a dump read later, or a missed run): say when it is due next from now.
  const next = first !== undefined && x.now !== undefined && first <= x.now ? nextCronRun(schedule, x.now, tz) : first;
  const zone = tz ? `time zone ${tz}` : "the controller-manager's time zone, UTC on most clusters";
  const due = next === undefined ? undefined : `next due ${formatTime(next)} (in ${zone})`;
  const walked = `schedule "${schedule}"${tz ? ` ${tz}` : ''}${suspended ? ', suspended' : ''}; last scheduled ${last !== undefined ? formatTime(last) : 'never'}${success !== undefined ? `, last succeeded ${formatTime(success)}` : ''}; Jobs: ${jobs.length}`;
  let idle: string | undefined;
  if (suspended) idle = 'suspended (spec.suspend): it starts no Job until resumed';
  else if (last !== undefined) idle = `no failed run; last scheduled ${formatTime(last)}${due ? `, ${due}` : ''}`;
  else {
    idle = `not run on its schedule yet${due ? `: ${due}` : ''}`;
    // Created before a due time that has passed, and still nothing: the controller did not start it.
    if (first !== undefined && x.now !== undefined && first <= x.now - 2 * 60_000) x.notes.add(`a scheduled run was due at ${formatTime(first)} (if the controller-manager runs in ${tz ?? 'UTC'}), after the CronJob was created, and none is recorded: check startingDeadlineSeconds and the kube-controller-manager`);
  }
  return { walked, idle };
}

function workloadDiagnosis(x: Ctx, r: Resource): Diagnosis {
  const index = x.index;
  const walked: string[] = [show(ref(r, index))];
  const mids = intermediatesOf(index, r);
  for (const m of mids) {
    const rev = stringMap(get(m.object, ['metadata', 'annotations']))['deployment.kubernetes.io/revision'];
    const n = podsOf(index, m).length;
    walked.push(`${m.kind} ${m.name}${rev ? ` (revision ${rev})` : ''}: ${n} pod${n === 1 ? '' : 's'}`);
  }
  const cron = r.kind === 'CronJob' ? cronState(x, r, mids.filter((m) => m.kind === 'Job')) : undefined;
  if (cron) walked.splice(1, 0, cron.walked);
  if (!hasStatus(r) && r.kind !== 'CronJob') x.notes.add(`its status is empty: its controller has not written one yet`);
  const pods = podsOf(index, r).filter((p) => !isTerminating(p));
  if (pods.length) walked.push(`Pods: ${pods.slice(0, 6).map((p) => p.name).join(', ')}${pods.length > 6 ? `, ... (${pods.length})` : ''} (${podsLine(pods)})`);
  // Its autoscalers: one that cannot scale leaves the workload at today's size when load comes.
  const hpas = hpasOf(index, r);
  const hpaTroubles = hpas.map((h) => ({ h, t: hpaTrouble(h, x.now) }));
  for (const { h, t } of hpaTroubles) {
    walked.push(`HorizontalPodAutoscaler ${h.name}: min ${getNumber(h.object, ['spec', 'minReplicas']) ?? 1}, max ${getNumber(h.object, ['spec', 'maxReplicas']) ?? '?'}, ${!hpaSynced(h) ? 'no conditions yet' : t ? `${t.condition.type}=${t.condition.status} (${t.condition.reason ?? '?'})` : 'scaling'}`);
  }
  const evCount = [r, ...mids, ...pods, ...hpas].reduce((a, o) => a + eventsFor(index, o).length, 0);
  walked.push(`Events: ${evCount}`);
  const ns = index.namespaceOf(r);
  if (index.ofKind('Event').length === 0 && !unreadOf(x.opts, ['Event'], ns).length) x.notes.add('the input holds no Events: causes are read from status only (kubectl get events -o yaml adds them)');
  if (pods.length === 0 && r.kind !== 'CronJob' && !unreadOf(x.opts, ['Pod', ...(r.kind === 'Deployment' ? ['ReplicaSet'] : [])], ns).length) x.notes.add(`no pods of ${r.kind} ${r.name} ${sourceWhere(x.index)} (matched by ownerReferences uid)`);

  let problems: Problem[] = [];
  for (const p of pods) problems.push(...podProblems(x, p));
  problems = mergeAcrossPods(problems);

  // Controller-level problems: pods that cannot be created, failed Jobs.
  const fc = [r, ...mids].flatMap((o) => warnings(index, o)).filter((e) => /FailedCreate/.test(e.reason)).sort((a, b) => (a.time ?? -Infinity) - (b.time ?? -Infinity)).pop();
  if (fc) problems.push(failedCreateProblem(x, r, fc));
  if (r.kind === 'Job') {
    const f = jobFailedProblem(x, r, pods, problems, undefined);
    if (f) problems.push(f);
  } else if (r.kind === 'CronJob') {
    // Its Jobs, the scheduled ones and those created by hand (kubectl create job --from=cronjob/...):
    // a failed one is the CronJob's problem, unless a later one completed (then it is history).
    const jobs = mids.filter((m) => m.kind === 'Job');
    const startOf = (j: Resource) => parseTime(getString(j.object, ['status', 'startTime'])) ?? parseTime(getString(j.object, ['metadata', 'creationTimestamp'])) ?? -Infinity;
    for (const j of jobs.sort((a, b) => startOf(b) - startOf(a))) {
      if (conditionOf(j, 'Failed')?.status !== 'True') continue;
      if (jobs.some((k) => k !== j && startOf(k) > startOf(j) && conditionOf(k, 'Complete')?.status === 'True')) continue;
      const jp = podsOf(index, j).filter((p) => !isTerminating(p));
      const f = jobFailedProblem(x, j, jp, problems.filter((q) => q.pods.some((n) => jp.some((p) => p.name === n))), r);
      if (f) problems.push(f);
    }
  }
  // An autoscaler that does not scale: the workload serves, but stays at its size (a warning here; the
  // HPA's own diagnosis calls it broken). Pods not ready as the cause are already listed.
  let ambiguousShown = false;
  for (const { h, t } of hpaTroubles) {
    if (!t || t.cause === 'pods-unready' || t.cause === 'no-pods') continue;
    // Two HPAs of this workload over the same pods: one problem for the pair.
    if (t.cause === 'ambiguous-selector') {
      if (ambiguousShown) continue;
      ambiguousShown = true;
    }
    const p = hpaProblem(x, h, t);
    if (p) problems.push({ ...p, severity: 'warning' });
  }
  // A rollout past its progress deadline: the new version never comes. When the pods with problems
  // are all the new ReplicaSet's, that is the headline: the new revision is what fails.
  const av = availabilityOf(r);
  let rollout: Problem | undefined;
  if (r.kind === 'Deployment' && av && !av.stale && av.progressing?.status === 'False' && av.progressing.reason === 'ProgressDeadlineExceeded') {
    const deadline = getNumber(r.object, ['spec', 'progressDeadlineSeconds']) ?? 600;
    const n = nsFlag(index, r);
    const sets = mids.filter((m) => m.kind === 'ReplicaSet').map((m) => ({ rs: m, rev: Number(stringMap(get(m.object, ['metadata', 'annotations']))['deployment.kubernetes.io/revision'] ?? NaN), pods: podsOf(index, m).filter((p) => !isTerminating(p)) }));
    const known = sets.filter((x) => Number.isFinite(x.rev)).sort((a, b) => b.rev - a.rev);
    const fresh = known[0];
    const prev = known.slice(1).find((x) => x.pods.length > 0) ?? known[1];
    const podProbs = problems.filter((p) => p.object.kind === 'Pod');
    const freshNames = new Set(fresh?.pods.map((p) => p.name) ?? []);
    const onFresh = fresh && podProbs.length > 0 && podProbs.every((p) => p.pods.every((name) => freshNames.has(name)));
    const evidence: Evidence[] = [st(r, ['status', 'conditions'], `condition Progressing=False (ProgressDeadlineExceeded)${av.progressing.since !== undefined ? ` since ${formatTime(av.progressing.since)}` : ''}${av.progressing.message ? `: "${quote(av.progressing.message, 200)}"` : ''}`, index)];
    for (const x of [fresh, prev]) if (x) evidence.push(st(x.rs, ['spec', 'template', 'spec', 'containers'], `revision ${x.rev}${x === fresh ? ' (new)' : ''}: ${imagesOf(x.rs)}; ${x.pods.length} pod${x.pods.length === 1 ? '' : 's'}, ${x.pods.filter(isPodReady).length} ready`, index, 'spec'));
    const served = `${av.available} of ${av.desired} replicas ${av.available === 1 ? 'is' : 'are'} available`;
    let cause = `the rollout made no progress for progressDeadlineSeconds (${deadline} s): ${av.available} of ${av.desired} replicas are available${av.updated !== undefined ? ` and ${av.updated} ${av.updated === 1 ? 'pod has' : 'pods have'} the new version` : ''}, so the service runs, but the rest of the new version does not come`;
    if (onFresh && fresh) {
      const first = podProbs[0];
      const changed = prev ? imageChange(prev.rs, fresh.rs) : '';
      const inPods = first.pods.length < fresh.pods.length ? `in ${first.pods.length} of its ${fresh.pods.length} pods` : fresh.pods.length === 1 ? 'in its only pod' : `in all ${fresh.pods.length} of its pods`;
      cause = `the new version (revision ${fresh.rev}${changed ? `, ${changed}` : ''}) does not become available: ${first.symptom} ${inPods}, so the rollout stopped at its progress deadline (${deadline} s)${prev ? `; the old version (revision ${prev.rev}) ${prev.pods.some(isPodReady) ? `still serves (${served})` : `does not serve either (${served})`}` : ''}`;
    }
    rollout = {
      check: 'workload-unavailable',
      severity: av.available < av.desired ? 'error' : 'warning',
      symptom: onFresh && fresh ? `rollout stuck: revision ${fresh.rev} never becomes ready (ProgressDeadlineExceeded)` : 'rollout stuck (ProgressDeadlineExceeded)',
      object: ref(r, index),
      container: null,
      pods: onFresh && fresh ? fresh.pods.map((p) => p.name) : [],
      evidence,
      cause,
      fix: {
        text: onFresh && prev
          ? `Roll back to revision ${prev.rev} now (the old version), then fix the new version (its problems are listed here) and roll it out again.`
          : 'Find why the new pods do not become available (their problems, if any, are listed here; else kubectl describe the newest ReplicaSet\'s pods), then fix it or roll back.',
        commands: [`kubectl ${n} rollout undo deployment/${r.name}${onFresh && prev ? ` --to-revision=${prev.rev}` : ''}`, `kubectl ${n} rollout history deployment/${r.name}`, `kubectl ${n} rollout status deployment/${r.name}`],
        yaml: null,
      },
      prevent: [],
      logs: null,
    };
    problems.push(rollout);
  }
  sortProblems(problems);
  // The new revision's pods fail: the stuck rollout comes first, their problems follow as its evidence.
  if (rollout && rollout.pods.length) problems.unshift(...problems.splice(problems.indexOf(rollout), 1));

  const symptomParts: string[] = [];
  const a = av ?? daemonAvailabilityOf(r);
  if (a && a.available < a.desired) {
    if (r.kind === 'DaemonSet') symptomParts.push(`${a.available} of ${a.desired} daemon pods available`);
    else {
      const u = unavailable(index, r, 0);
      symptomParts.push(`${r.kind === 'Deployment' ? a.available : a.ready} of ${a.desired} replicas ${r.kind === 'Deployment' ? 'available' : 'ready'}${u ? ` (${u.why})` : ''}`);
    }
  }
  if (problems.length) symptomParts.push(problems[0].symptom + (problems[0].object.kind === 'Pod' && pods.length > 1 ? ` in ${problems[0].pods.length} of ${pods.length} pods` : ''));
  let status = statusOf(problems);
  // The status follows availability: none available is an outage (broken), whatever the problems'
  // severities; fewer than desired is at least degraded, even with nothing explaining it.
  if (a && !a.stale && a.desired > 0) {
    if (a.available === 0) status = 'broken';
    else if (a.available < a.desired && status === 'healthy') status = 'degraded';
  }
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(r, index),
    status,
    symptom: symptomParts.join('; ') || (cron?.idle ?? (pods.length ? `all ${pods.length} pod${pods.length === 1 ? '' : 's'} healthy` : r.kind === 'CronJob' ? 'no failed run' : 'no problem found')),
    walked,
    problems,
    notes: [...x.notes],
  };
}

/** The failed containers of a Job's pods: exit code, reason, and the termination message each left. */
function jobExits(pods: Resource[]): { pod: Resource; c: ContainerStatus; t: NonNullable<ReturnType<typeof lastTermination>> }[] {
  return pods.flatMap((p) =>
    containerStatuses(p)
      .map((c) => ({ pod: p, c, t: lastTermination(c) }))
      .filter((e): e is { pod: Resource; c: ContainerStatus; t: NonNullable<ReturnType<typeof lastTermination>> } => e.t?.exitCode !== undefined && e.t.exitCode !== 0),
  );
}

/** Why a failed Job's pods failed, as far as their statuses say (exit codes, termination messages), for the Job's cause. */
function jobPodsText(problems: Problem[], pods: Resource[]): string {
  if (problems.some((p) => p.object.kind === 'Pod')) return "see the pods' problems for why they fail";
  const exits = jobExits(pods);
  if (exits.length) {
    const shown = exits.slice(0, 3).map((e) => `${e.pod.name}/${e.c.name}: ${exitCodeMeaning(e.t.exitCode, e.t.signal)}${e.t.reason ? `, reason ${e.t.reason}` : ''}${e.t.message ? `, "${quote(e.t.message, 160)}"` : ''}`);
    return `${shown.join('; ')}${exits.length > 3 ? `; ${exits.length - 3} more` : ''}${exits.some((e) => e.t.message) ? '' : ': their logs say why'}`;
  }
  return pods.length ? 'its pods record no exit code: their logs say why' : "its pods are gone: the last one's log, if kept, says why";
}

/** A Job whose Failed condition is True: why (its condition, its pods' exits), and how to run it again. */
function jobFailedProblem(x: Ctx, job: Resource, pods: Resource[], podProblemsOf: Problem[], cron: Resource | undefined): Problem | undefined {
  const failed = conditionOf(job, 'Failed');
  if (failed?.status !== 'True') return undefined;
  const index = x.index;
  const n = nsFlag(index, job);
  const evidence: Evidence[] = [st(job, failed.path, `condition Failed=True${failed.reason ? ` (${failed.reason})` : ''}${failed.message ? ` "${failed.message}"` : ''} since ${formatTime(failed.since)}`, index)];
  for (const e of jobExits(pods).slice(0, 3)) {
    evidence.push(st(e.pod, e.t.path, `container ${e.c.name}: ${exitCodeMeaning(e.t.exitCode, e.t.signal)}${e.t.reason ? `, reason ${e.t.reason}` : ''}${e.t.finishedAt !== undefined ? `, at ${formatTime(e.t.finishedAt)}` : ''}${e.t.message ? `; termination message: "${quote(e.t.message, 200)}"` : ''}`, index));
  }
  const manual = stringMap(get(job.object, ['metadata', 'annotations']))['cronjob.kubernetes.io/instantiate'] === 'manual';
  const limit = getNumber(job.object, ['spec', 'backoffLimit']) ?? 6;
  const why = failed.reason === 'BackoffLimitExceeded' ? `every retry failed: the Job reached its backoffLimit of ${limit} (${jobPodsText(podProblemsOf, pods)})` : failed.reason === 'DeadlineExceeded' ? 'the Job ran longer than activeDeadlineSeconds' : (failed.message ?? 'the Job failed');
  const logs = `kubectl ${n} logs job/${job.name} --tail=50`;
  return {
    check: 'job-failed',
    severity: 'error',
    symptom: cron ? `Job ${job.name}${manual ? ' (created by hand from this CronJob)' : ''} failed (${failed.reason ?? 'Failed'})` : `Job failed (${failed.reason ?? 'Failed'})`,
    object: ref(job, index),
    container: null,
    pods: pods.map((p) => p.name),
    evidence,
    cause: why,
    fix: cron
      ? { text: `Fix why the pods fail in the CronJob's jobTemplate (kubectl edit cronjob/${cron.name}: the next run uses it), then run it once to check.`, commands: [logs, `kubectl ${n} create job --from=cronjob/${cron.name} ${cron.name}-check-1   # a run now, with the fixed template`], yaml: null }
      : { text: "Fix why the pods fail, then rerun the Job (a Job's template cannot be changed: delete and recreate it).", commands: [logs], yaml: null },
    prevent: [],
    logs: null,
  };
}

function podDiagnosis(x: Ctx, pod: Resource): Diagnosis {
  const index = x.index;
  const owner = topOwner(index, pod);
  const walked = [show(ref(pod, index)) + ` (${podState(pod)})`];
  if (owner !== pod) walked.push(`owned by ${owner.kind} ${owner.name}`);
  const node = getString(pod.object, ['spec', 'nodeName']);
  if (node) walked.push(`on node ${node}`);
  walked.push(`Events: ${eventsFor(index, pod).length}`);
  if (index.ofKind('Event').length === 0) x.notes.add('the input holds no Events: causes are read from status only');
  const problems = sortProblems(podProblems(x, pod));
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(pod, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? `pod ${podPhase(pod) ?? 'in unknown phase'}${isPodReady(pod) ? ', Ready' : ''}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}

/**
 * Ports of a Service that reach no endpoint: a named targetPort no selected container declares (the
 * EndpointSlice controller then publishes no port for those pods: `ports: null`), read from the pods
 * and from the slices themselves. As the audit's service-target-port-unresolved.
 */
function portProblems(x: Ctx, svc: Resource, pods: Resource[], podsKnown: boolean, ep: ReturnType<typeof endpointsOf>): Problem[] {
  const index = x.index;
  const out: Problem[] = [];
  const slices = ep?.kind === 'EndpointSlice' ? ep.sources.filter((s) => getArray(s.object, ['endpoints']).length > 0) : [];
  // Named ports each pod's containers declare.
  const declaredBy = new Map<Resource, Set<string>>();
  for (const p of pods) {
    const names = new Set<string>();
    for (const c of getArray(p.object, ['spec', 'containers'])) for (const port of getArray(c, ['ports'])) {
      const name = getString(port, ['name']);
      if (name) names.add(name);
    }
    declaredBy.set(p, names);
  }
  getArray(svc.object, ['spec', 'ports']).forEach((sp, i) => {
    const target = get(sp, ['targetPort']);
    const portName = getString(sp, ['name']) ?? '';
    const label = portName ? `"${portName}"` : String(getNumber(sp, ['port']) ?? i);
    const named = typeof target === 'string' && !/^[0-9]+$/.test(target) ? target : undefined;
    const undeclared = named !== undefined && podsKnown && pods.length > 0 && pods.every((p) => !declaredBy.get(p)!.has(named));
    // The slices with endpoints publish no port of this name: nothing reaches it, whatever the pods say.
    const unpublished = slices.length > 0 && slices.every((s) => !getArray(s.object, ['ports']).some((q) => (getString(q, ['name']) ?? '') === portName));
    if (!undeclared && !(unpublished && named !== undefined)) return;
    const evidence: Evidence[] = [st(svc, ['spec', 'ports', i, 'targetPort'], `port ${label}: targetPort ${named !== undefined ? `"${named}"` : String(target)}`, index, 'spec')];
    for (const s of slices.slice(0, 2)) {
      const ports = get(s.object, ['ports']);
      evidence.push(st(s, ['ports'], `EndpointSlice ${s.name}: ${getArray(s.object, ['endpoints']).length} endpoint(s), ports: ${Array.isArray(ports) && ports.length ? ports.map((q) => `${getString(q, ['name']) || '""'}=${getNumber(q, ['port']) ?? '?'}`).join(', ') : 'null'} (no port ${label} published)`, index, 'endpoints'));
    }
    const owners = [...new Set(pods.map((p) => topOwner(index, p)))];
    for (const o of owners.slice(0, 3)) {
      const p = pods.find((q) => topOwner(index, q) === o)!;
      const names = [...declaredBy.get(p)!];
      evidence.push(st(p, ['spec', 'containers'], `${o === p ? `pod ${p.name}` : `the pods of ${o.kind} ${o.name}`} declare ${names.length ? `the port names ${names.map((n) => `"${n}"`).join(', ')}` : 'no named port'}`, index, 'spec'));
    }
    const first = pods[0] ? getArray(pods[0].object, ['spec', 'containers']) : [];
    const cname = getString(first[0], ['name']) ?? 'app';
    const numbered = first.flatMap((c) => getArray(c, ['ports'])).map((q) => getNumber(q, ['containerPort'])).filter((n): n is number => n !== undefined);
    const owner = owners[0];
    out.push({
      check: 'service-target-port-unresolved',
      severity: 'error',
      symptom: `Service port ${label} reaches no pod: targetPort "${named}" is not a port name of the selected containers`,
      object: ref(svc, index),
      container: null,
      pods: pods.map((p) => p.name),
      evidence,
      cause: `a named targetPort is resolved against the containers' port names; no selected container declares "${named}", so the EndpointSlice controller publishes no port ${label} for the pods and every connection to it fails, although the pods are ready`,
      fix: {
        text: `Name the container port "${named}" in ${owner && owner.kind !== 'Pod' ? `${owner.kind} ${owner.name}` : 'the pod'} (container "${cname}"), or set the Service's targetPort to the number the application listens on${numbered.length ? ` (the container declares ${numbered.join(', ')})` : ''}.`,
        commands: [`kubectl -n ${index.namespaceOf(svc)} get endpointslices -l kubernetes.io/service-name=${svc.name} -o yaml`],
        yaml: `containers:\n  - name: ${cname}\n    ports:\n      - name: ${named}\n        containerPort: ${numbered[0] ?? '<the port the application listens on>'}`,
      },
      prevent: compact([preventIf(x, svc, 'service-target-port-unresolved', 'a named targetPort the pods do not declare is caught in the manifests')]),
      logs: null,
    });
  });
  return out;
}

function serviceDiagnosis(x: Ctx, svc: Resource): Diagnosis {
  const index = x.index;
  const sel = serviceSelectorOf(svc);
  const walked = [show(ref(svc, index))];
  if (!sel) {
    return { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, target: ref(svc, index), status: 'healthy', symptom: 'the Service has no selector: its endpoints are managed by hand (or it is ExternalName); nothing to walk', walked, problems: [], notes: [] };
  }
  walked.push(`selector ${formatLabels(sel)}`);
  const pods = podsSelectedBy(index, svc).filter((p) => !isTerminating(p));
  walked.push(`Pods selected: ${pods.length}${pods.length ? ` (${podsLine(pods)})` : ''}`);
  const ep = endpointsOf(index, svc);
  walked.push(ep ? `${ep.kind}: ${ep.sources.map((s) => s.name).join(', ')}: ${ep.ready} ready, ${ep.notReady} not ready` : `EndpointSlices: none ${sourceWhere(index)}`);
  if (!ep) x.notes.add('the input holds no EndpointSlice for this Service: readiness is judged from the pods');
  const problems: Problem[] = [];
  const noReady = ep ? ep.ready === 0 : pods.length > 0 && !pods.some(isPodReady);
  const svcEvidence = (): Evidence[] => (ep ? ep.sources.slice(0, 3).map((s) => st(s, ep.kind === 'EndpointSlice' ? ['endpoints'] : ['subsets'], `${ep.kind} ${s.name}: ${ep.ready} ready, ${ep.notReady} not ready endpoints`, index, 'endpoints')) : []);
  const ns = index.namespaceOf(svc);
  const podsUnread = unreadOf(x.opts, ['Pod'], ns);
  if (podsUnread.length) {
    // Without the pods, "selects no pod" would be a guess: only the endpoints can say anything.
    if (!ep) {
      const why = unreadOf(x.opts, ['Pod', 'EndpointSlice'], ns);
      return { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, target: ref(svc, index), status: 'unknown', symptom: `cannot tell: ${unreadText(why)}`, walked, problems: [], notes: [...x.notes] };
    }
    if (ep.ready === 0) {
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: 'error',
        symptom: `Service has no ready endpoints (${ep.notReady} not ready)`,
        object: ref(svc, index),
        container: null,
        pods: [],
        evidence: svcEvidence(),
        cause: `no endpoint of the Service is ready; why cannot be told here: ${unreadText(podsUnread)}`,
        fix: { text: 'Look at the selected pods with a user who may list them.', commands: [`kubectl -n ${ns} get pods -l ${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')}`], yaml: null },
        prevent: [],
        logs: null,
      });
    }
  } else if (pods.length === 0) {
    const misses = nearMisses(index, svc, sel);
    const evidence: Evidence[] = [st(svc, ['spec', 'selector'], `selector ${formatLabels(sel)} matches no pod in namespace ${index.namespaceOf(svc)}`, index, 'spec'), ...svcEvidence()];
    if (misses.length) {
      const m = misses[0];
      for (const p of m.pods.slice(0, 3)) evidence.push(st(p, ['metadata', 'labels'], `pod ${p.name} labels: ${formatLabels(stringMap(get(p.object, ['metadata', 'labels'])))}`, index, 'spec'));
      const owners = [...new Set(m.pods.map((p) => topOwner(index, p)))];
      const wl = owners.find((o) => o.kind !== 'Pod');
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: 'error',
        symptom: `Service selects no pod: label mismatch on ${m.key}`,
        object: ref(svc, index),
        container: null,
        pods: m.pods.map((p) => p.name),
        evidence,
        cause: `the selector wants ${m.key}=${m.wanted}, but the pods${wl ? ` of ${wl.kind} ${wl.name}` : ''} ${m.has === undefined ? `have no ${m.key} label` : `have ${m.key}=${m.has}`} (every other selector label matches): a typo or a rename on one side`,
        fix: {
          text: `Make the selector and the pod labels agree: change the Service's selector (takes effect at once) or the pod template's labels (rolls the pods).`,
          commands: [m.has !== undefined ? `kubectl ${nsFlag(index, svc)} patch service ${svc.name} -p '{"spec":{"selector":{"${m.key}":"${m.has}"}}}'` : `kubectl ${nsFlag(index, svc)} get pods --show-labels`],
          yaml: `spec:\n  selector:\n${Object.entries(sel).map(([k, v]) => `    ${k}: ${k === m.key && m.has !== undefined ? `${m.has}   # was ${v}` : v}`).join('\n')}`,
        },
        prevent: confirmed(x, svc, [prevention('service-selects-nothing', 'a selector that matches no workload\'s pod labels (with the near miss named) is caught in the manifests')]),
        logs: null,
      });
    } else if (templatesSelected(index, svc, sel).length) {
      // The backends exist but run no pod: scaled to 0, or their pods are not created.
      const t = templatesSelected(index, svc, sel)[0];
      const zero = get(t.object, ['spec', 'replicas']) === 0;
      const kubectlName = `${t.kind.toLowerCase()}/${t.name}`;
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: ep ? 'error' : 'warning',
        symptom: zero ? `Service selects no pod: ${t.kind} ${t.name} is scaled to 0` : `Service selects no pod: ${t.kind} ${t.name} has none`,
        object: ref(svc, index),
        container: null,
        pods: [],
        evidence: [...evidence, st(t, zero ? ['spec', 'replicas'] : ['spec', 'template', 'metadata', 'labels'], zero ? `${t.kind} ${t.name}: spec.replicas 0; its pod template matches the selector` : `${t.kind} ${t.name}: its pod template matches the selector, and none of its pods exists`, index, 'spec')],
        cause: zero
          ? `the selector matches the pods of ${t.kind} ${t.name}, which is scaled to 0: nothing runs to serve the Service`
          : `the selector matches the pod template of ${t.kind} ${t.name}, but none of its pods exists: its controller creates none (see its own diagnosis)`,
        fix: zero
          ? { text: `Scale ${t.kind} ${t.name} up (or point the Service at what should serve it).`, commands: [`kubectl ${nsFlag(index, svc)} scale ${kubectlName} --replicas=2`], yaml: null }
          : { text: `Find why ${t.kind} ${t.name} has no pods.`, commands: [`kubeready diagnose ${kubectlName} ${nsFlag(index, svc)}`], yaml: null },
        prevent: [],
        logs: null,
      });
    } else {
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: ep ? 'error' : 'warning',
        symptom: 'Service selects no pod',
        object: ref(svc, index),
        container: null,
        pods: [],
        evidence,
        cause: index.inNamespace('Pod', index.namespaceOf(svc)).length ? `no pod of namespace ${index.namespaceOf(svc)} carries ${formatLabels(sel)}: the workload is not deployed, scaled to zero, or labelled differently` : `the input holds no pod of namespace ${index.namespaceOf(svc)}: the workload is not deployed or scaled to zero`,
        fix: { text: 'Deploy or scale up the workload, or fix the selector.', commands: [`kubectl ${nsFlag(index, svc)} get pods --show-labels`, `kubectl ${nsFlag(index, svc)} get deploy,sts`], yaml: null },
        prevent: confirmed(x, svc, [prevention('service-selects-nothing', 'the manifests are checked for Services that select nothing')]),
        logs: null,
      });
    }
  } else if (noReady) {
    // The pods' own problems are the causes.
    const podProbs = mergeAcrossPods(pods.flatMap((p) => podProblems(x, p)));
    problems.push({
      check: 'service-no-ready-endpoints',
      severity: 'error',
      symptom: `Service has no ready endpoints: its ${pods.length} pod${pods.length === 1 ? ' is' : 's are'} not ready`,
      object: ref(svc, index),
      container: null,
      pods: pods.map((p) => p.name),
      evidence: [...svcEvidence(), ...pods.slice(0, 3).map((p) => st(p, ['status', 'conditions'], `pod ${p.name}: ${podState(p)}`, index))],
      cause: podProbs.length ? `the selected pods are not ready: ${podProbs[0].symptom} (\u00a7see:pods|their pods\u00a7)` : 'the selected pods are not ready',
      fix: { text: podProbs.length ? 'Fix what keeps the pods unready (\u00a7see:pods|their problems\u00a7).' : 'Fix what keeps the pods unready.', commands: [], yaml: null },
      prevent: confirmed(x, svc, [prevention('service-backends-without-readiness', 'every backend has a readiness probe, so only ready pods get traffic')]),
      logs: null,
    });
    problems.push(...podProbs);
  }
  // Endpoints are ready: check that each port the Service targets is published for them.
  if (ep ? ep.ready > 0 : podsUnread.length === 0 && pods.some(isPodReady)) problems.push(...portProblems(x, svc, pods, podsUnread.length === 0, ep));
  sortProblems(problems);
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(svc, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? `${ep ? `${ep.ready} ready endpoint${ep.ready === 1 ? '' : 's'}` : `${pods.filter(isPodReady).length} ready pod(s)`}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}

function pvcDiagnosis(x: Ctx, pvc: Resource): Diagnosis {
  const index = x.index;
  const walked = [show(ref(pvc, index))];
  const cls = get(pvc.object, ['spec', 'storageClassName']);
  const p = pvcPending(index, pvc);
  walked.push(`StorageClass: ${typeof cls === 'string' ? (cls === '' ? '"" (static binding)' : cls) : `unset (default: ${p?.storageClass ?? `none ${sourceWhere(index)}`})`}${p?.classObject ? '' : typeof cls === 'string' && cls !== '' ? ' (not in the input)' : ''}`);
  walked.push(`Events: ${eventsFor(index, pvc).length}`);
  const phase = getString(pvc.object, ['status', 'phase']);
  const problems: Problem[] = [];
  if (p) {
    const prob = pvcProblem(x, p);
    if (prob) problems.push(prob);
    else if (p.waitsForConsumer) x.notes.add('the claim waits for its first consumer (WaitForFirstConsumer): it binds when a pod using it is scheduled');
    for (const u of p.users) problems.push(...schedulingProblems(x, u));
  }
  sortProblems(problems);
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(pvc, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? `claim ${phase ?? 'in unknown phase'}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}

// ---------------------------------------------------------------------------------------------
// PodDisruptionBudgets and drains: which budget refuses which eviction, and why.

/** The checks a manifest audit runs (no runtime check): what would have caught it before the cluster showed it. */
const MANIFEST_CHECKS: ReadonlySet<string> = new Set(allChecks.filter((c) => !c.runtime).map((c) => c.id));

/** A pod drains skip: a DaemonSet's (--ignore-daemonsets) or a static pod's mirror. */
function drainSkips(pod: Resource): 'daemonset' | 'mirror' | null {
  if (controllerOf(pod)?.kind === 'DaemonSet') return 'daemonset';
  if (stringMap(get(pod.object, ['metadata', 'annotations']))['kubernetes.io/config.mirror'] !== undefined) return 'mirror';
  return null;
}

/** A pod the eviction API lets go without asking any budget: Pending, finished, or being deleted. */
function evictsFreely(pod: Resource): boolean {
  const phase = podPhase(pod);
  return phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed' || isTerminating(pod);
}

function pdbsOfPod(x: Ctx, pod: Resource): Resource[] {
  const labels = stringMap(get(pod.object, ['metadata', 'labels']));
  return x.index.inNamespace('PodDisruptionBudget', x.index.namespaceOf(pod)).filter((b) => b.apiVersion === 'policy/v1' && pdbSelects(b, labels) === true);
}

interface PdbCounts {
  expected: number;
  current: number;
  desired: number;
  allowed: number;
}

function pdbCounts(pdb: Resource): PdbCounts | undefined {
  const n = (k: string) => getNumber(pdb.object, ['status', k]);
  const [expected, current, desired, allowed] = [n('expectedPods'), n('currentHealthy'), n('desiredHealthy'), n('disruptionsAllowed')];
  if (expected === undefined || current === undefined || desired === undefined || allowed === undefined) return undefined;
  return { expected, current, desired, allowed };
}

/** "unhealthyPodEvictionPolicy unset (IfHealthyBudget)", for evidence and causes. */
function policyText(pdb: Resource): string {
  const p = unhealthyPolicy(pdb);
  return p === 'default' ? 'unhealthyPodEvictionPolicy unset (IfHealthyBudget)' : `unhealthyPodEvictionPolicy ${String(get(pdb.object, ['spec', 'unhealthyPodEvictionPolicy']))}`;
}

/**
 * Why the eviction API would refuse to evict this pod now (what makes `kubectl drain` hang or fail
 * on it), as pkg/registry/core/pod/storage/eviction.go decides: more than one budget selects it (an
 * error, never retried), or its one budget allows no disruption (429, retried forever) and the pod
 * is healthy, or unhealthy while the budget is not met and the policy is IfHealthyBudget. Undefined
 * when nothing refuses it or the budget's status does not say.
 */
function evictionRefusal(x: Ctx, pod: Resource): { budgets: Resource[]; why: string } | undefined {
  if (evictsFreely(pod) || drainSkips(pod)) return undefined;
  const budgets = pdbsOfPod(x, pod);
  if (budgets.length > 1) return { budgets, why: `${budgets.length} PodDisruptionBudgets select it (${budgets.map((b) => b.name).join(', ')}): the eviction API refuses a pod with more than one budget, and kubectl drain fails on it` };
  const pdb = budgets[0];
  const c = pdb ? pdbCounts(pdb) : undefined;
  if (!pdb || !c || c.allowed > 0) return undefined;
  const counts = `${c.current} of ${c.expected} pods healthy, needs ${c.desired}, disruptionsAllowed 0`;
  if (isPodReady(pod)) return { budgets, why: `PodDisruptionBudget ${pdb.name} allows no disruption now (${counts}): evicting a healthy pod needs a disruption the budget does not have` };
  if (unhealthyPolicy(pdb) === 'AlwaysAllow') return undefined;
  if (c.current >= c.desired && c.desired > 0) return undefined;
  return { budgets, why: `PodDisruptionBudget ${pdb.name} is not met (${counts}) and has ${policyText(pdb)}: even this unhealthy pod may not be evicted` };
}

/** The owners of these pods that a person acts on (the Deployment, not its ReplicaSet), by kubectl name. */
function ownersOf(x: Ctx, pods: Resource[]): Owner[] {
  const seen = new Map<Resource, Owner>();
  for (const p of pods) {
    const o = ownerOf(x.index, p);
    if (!seen.has(o.resource)) seen.set(o.resource, o);
  }
  return [...seen.values()];
}

/** "node-a (2 pods), node-b (1)". */
function nodesOf(pods: Resource[]): string[] {
  const count = new Map<string, number>();
  for (const p of pods) {
    const n = getString(p.object, ['spec', 'nodeName']);
    if (n) count.set(n, (count.get(n) ?? 0) + 1);
  }
  return [...count].map(([n, k]) => `${n} (${k} pod${k === 1 ? '' : 's'})`);
}

/** The budget's spec as a YAML fix: maxUnavailable 1 (or what is asked) with its own selector kept. */
function pdbYaml(pdb: Resource, ns: string, o: { maxUnavailable?: number; alwaysAllow?: boolean; comment?: string }): string {
  const sel = get(pdb.object, ['spec', 'selector']);
  const lines = ['apiVersion: policy/v1', 'kind: PodDisruptionBudget', 'metadata:', `  name: ${pdb.name}`, `  namespace: ${ns}`, 'spec:'];
  if (o.maxUnavailable !== undefined) lines.push(`  maxUnavailable: ${o.maxUnavailable}${o.comment ? `   # ${o.comment}` : ''}`);
  else {
    const min = get(pdb.object, ['spec', 'minAvailable']);
    const max = get(pdb.object, ['spec', 'maxUnavailable']);
    if (min !== undefined && min !== null) lines.push(`  minAvailable: ${flow(min)}`);
    if (max !== undefined && max !== null) lines.push(`  maxUnavailable: ${flow(max)}`);
  }
  if (o.alwaysAllow || unhealthyPolicy(pdb) === 'AlwaysAllow') lines.push(`  unhealthyPodEvictionPolicy: AlwaysAllow${o.alwaysAllow && unhealthyPolicy(pdb) !== 'AlwaysAllow' ? `   # was ${unhealthyPolicy(pdb) === 'default' ? 'unset (IfHealthyBudget)' : 'IfHealthyBudget'}` : ''}`);
  lines.push(`  selector: ${isObject(sel) ? flow(sel) : '{}'}`);
  return lines.join('\n');
}

/** Every problem of one budget: several budgets on the same pods, none selected, no eviction allowed (by its spec, or because pods are unhealthy). */
function pdbProblems(x: Ctx, pdb: Resource, pods: Resource[]): Problem[] {
  const index = x.index;
  const ns = index.namespaceOf(pdb);
  const n = `-n ${ns}`;
  const problems: Problem[] = [];
  const c = pdbCounts(pdb);
  const owners = ownersOf(x, pods);
  const workloads = owners.filter((o) => o.resource.kind !== 'Pod');
  const min = get(pdb.object, ['spec', 'minAvailable']);
  const max = get(pdb.object, ['spec', 'maxUnavailable']);
  const spec = min !== undefined && min !== null ? `minAvailable ${showIntOrPercent(min)}` : max !== undefined && max !== null ? `maxUnavailable ${showIntOrPercent(max)}` : 'neither minAvailable nor maxUnavailable';
  const statusEv = (): Evidence[] => (c ? [st(pdb, ['status'], `expectedPods ${c.expected}, currentHealthy ${c.current}, desiredHealthy ${c.desired}, disruptionsAllowed ${c.allowed}`, index)] : []);
  const specEv = st(pdb, ['spec'], `${spec}; ${policyText(pdb)}; selector ${showSelector(pdb)}`, index, 'spec');
  const live = pods.filter((p) => !evictsFreely(p) && !drainSkips(p));
  const nodes = nodesOf(live);
  const drainText = nodes.length ? `every drain of ${nodes.length === 1 ? 'node' : 'the nodes'} ${nodes.join(', ')} hangs` : 'every drain of a node with these pods hangs';

  // Several budgets select the same pods: the eviction API refuses them all.
  const others = new Map<Resource, string[]>();
  for (const p of live) for (const b of pdbsOfPod(x, p)) if (b !== pdb) others.set(b, [...(others.get(b) ?? []), p.name]);
  if (others.size) {
    const list = [...others];
    const prevent = compact(workloads.map((o) => preventIf(x, o.resource, 'pdb-overlap', 'one PodDisruptionBudget per set of pods')));
    problems.push({
      check: 'pdb-overlap',
      severity: 'error',
      symptom: `${list.length + 1} PodDisruptionBudgets select the same pods: every eviction of them fails`,
      object: ref(pdb, index),
      container: null,
      pods: [...new Set(list.flatMap(([, ps]) => ps))],
      evidence: [specEv, ...list.slice(0, 3).map(([b, ps]) => st(b, ['spec', 'selector'], `PodDisruptionBudget ${b.name} (selector ${showSelector(b)}) selects ${ps.length === 1 ? `pod ${ps[0]}` : `${ps.length} of the same pods (${ps.slice(0, 3).join(', ')}${ps.length > 3 ? ', ...' : ''})`} too`, index, 'spec'))],
      cause: `the eviction API refuses to evict a pod that more than one budget selects ("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support"), and kubectl drain does not retry that error: ${drainText.replace('hangs', 'fails')}, whatever each budget allows`,
      fix: {
        text: `Keep exactly one budget for these pods: delete the duplicate, or narrow one selector so that each pod matches a single budget (${[pdb, ...list.map(([b]) => b)].map((b) => b.name).join(', ')}).`,
        commands: [`kubectl ${n} get pdb -o custom-columns=NAME:.metadata.name,SELECTOR:.spec.selector,ALLOWED:.status.disruptionsAllowed`, `kubectl ${n} delete pdb ${list[0][0].name}   # if it is the duplicate`],
        yaml: null,
      },
      prevent,
      logs: null,
    });
  }

  const podsRead = !unreadOf(x.opts, ['Pod'], ns).length;
  if (pdbSelectorKind(pdb) === 'none' || (podsRead && pods.length === 0 && (c?.expected ?? 0) === 0)) {
    // Scaled to zero is not a wrong selector: a workload whose template it matches.
    const of = pdbSelectorKind(pdb) === 'none' ? { certain: [], possible: [] } : workloadsOfPdb(pdb, index);
    const templates = of.certain.filter((w) => index.sameScope(w.resource, pdb) && !controllerOf(w.resource));
    if (templates.length) {
      x.notes.add(`no pod is running for it now: it selects the pods of ${templates.map((w) => `${w.resource.kind} ${w.resource.name}`).join(', ')}, which has none (scaled to 0, or not rolled out)`);
    } else {
      const sel = get(pdb.object, ['spec', 'selector', 'matchLabels']);
      const misses = isObject(sel) && !get(pdb.object, ['spec', 'selector', 'matchExpressions']) ? nearMisses(index, pdb, stringMap(sel)) : [];
      const m = misses[0];
      const evidence: Evidence[] = [specEv, ...statusEv()];
      if (m) for (const p of m.pods.slice(0, 3)) evidence.push(st(p, ['metadata', 'labels'], `pod ${p.name} labels: ${formatLabels(stringMap(get(p.object, ['metadata', 'labels'])))}`, index, 'spec'));
      problems.push({
        check: 'pdb-selects-nothing',
        severity: 'warning',
        symptom: `PodDisruptionBudget selects no pod: it protects nothing`,
        object: ref(pdb, index),
        container: null,
        pods: [],
        evidence,
        cause: m
          ? `its selector wants ${m.key}=${m.wanted}, but the pods ${m.has === undefined ? `have no ${m.key} label` : `have ${m.key}=${m.has}`} (every other label matches): the pods it was meant to guard can all be evicted at once`
          : `no pod of namespace ${ns} matches its selector (${showSelector(pdb)}): the budget guards nothing, and the pods it was meant for can all be evicted at once by a drain`,
        fix: {
          text: 'Make the selector match the pod labels of the workload it protects, in the same namespace.',
          commands: [m && m.has !== undefined ? `kubectl ${n} patch pdb ${pdb.name} --type merge -p '{"spec":{"selector":{"matchLabels":{"${m.key}":"${m.has}"}}}}'` : `kubectl ${n} get pods --show-labels`],
          yaml: null,
        },
        prevent: compact([preventIf(x, pdb, 'pdb-selects-nothing', 'a budget whose selector matches no workload\'s pods is caught in the manifests')]),
        logs: null,
      });
    }
    return problems;
  }

  if (!c) {
    x.notes.add(`the budget has no status counts (expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed): the disruption controller has not synced it, so only its spec is judged`);
    if (firesOn(x, pdb, 'pdb-blocks-eviction') === true) {
      problems.push({
        check: 'pdb-blocks-eviction',
        severity: 'warning',
        symptom: `PodDisruptionBudget allows no eviction (${spec})`,
        object: ref(pdb, index),
        container: null,
        pods: live.map((p) => p.name),
        evidence: [specEv],
        cause: `${spec} leaves no pod to evict: ${drainText} (kubectl drain retries the refused eviction forever)`,
        fix: { text: 'Allow at least one eviction: maxUnavailable: 1 (it scales with the replicas), or keep minAvailable below the replica count.', commands: [`kubectl ${n} patch pdb ${pdb.name} --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`], yaml: pdbYaml(pdb, ns, { maxUnavailable: 1 }) },
        prevent: [prevention('pdb-blocks-eviction', 'a budget that can never allow an eviction is caught in the manifests')],
        logs: null,
      });
    }
    return problems;
  }
  if (c.allowed > 0 || c.expected === 0) return problems;

  const unhealthy = live.filter((p) => !isPodReady(p));
  const pending = pods.filter((p) => podPhase(p) === 'Pending');
  // By its spec: the budget wants every expected pod (all healthy, still no disruption).
  if (c.desired >= c.expected) {
    const replicas = workloads.map((o) => ({ o, n: getNumber(o.resource.object, ['spec', 'replicas']) })).filter((w) => w.n !== undefined && ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(w.o.resource.kind));
    const one = replicas.length === 1 ? replicas[0] : undefined;
    const intMin = typeof min === 'number' ? min : undefined;
    const why = max !== undefined && max !== null && isZeroIntOrPercent(max)
      ? `maxUnavailable ${showIntOrPercent(max)} lets no pod be down`
      : min === undefined || min === null
        ? (max === undefined || max === null) ? 'it sets neither minAvailable nor maxUnavailable, so the disruption controller allows no disruption' : `${spec} comes to all ${c.expected} pods`
        : percentOf(min) !== undefined
          ? `minAvailable ${showIntOrPercent(min)} of ${c.expected} pods, rounded up, is all ${c.desired}`
          : `minAvailable ${showIntOrPercent(min)} equals the ${c.expected} pod${c.expected === 1 ? '' : 's'} it selects${one ? ` (${one.o.kubectl} runs ${one.n} replica${one.n === 1 ? '' : 's'})` : ''}`;
    const commands = [`kubectl ${n} patch pdb ${pdb.name} --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`];
    if (one && intMin !== undefined) commands.push(`kubectl ${n} scale ${one.o.kubectl} --replicas=${intMin + 1}   # or: one replica more than minAvailable`);
    problems.push({
      check: 'pdb-blocks-eviction',
      severity: 'warning',
      symptom: `PodDisruptionBudget allows no eviction, even with every pod healthy (${spec})`,
      object: ref(pdb, index),
      container: null,
      pods: live.map((p) => p.name),
      evidence: [specEv, ...statusEv(), ...(one ? [st(one.o.resource, ['spec', 'replicas'], `replicas ${one.n}`, index, 'spec')] : [])],
      cause: `${why}: disruptionsAllowed is 0 however healthy the pods are, so the eviction API refuses (429) every eviction and ${drainText} (kubectl drain retries forever; node upgrades and autoscaler scale-downs stall)`,
      fix: {
        text: `Allow one eviction at a time: maxUnavailable: 1 (it follows the replica count)${one && intMin !== undefined ? `, or run more replicas than minAvailable (${intMin + 1} or more)` : ''}.`,
        commands,
        yaml: pdbYaml(pdb, ns, { maxUnavailable: 1, comment: `was ${spec}` }),
      },
      prevent: compact([preventIf(x, pdb, 'pdb-blocks-eviction', 'a budget that can never allow an eviction is caught in the manifests', { general: 'a budget must leave at least one pod to evict: maxUnavailable 1, or minAvailable below the replica count' })]),
      logs: null,
    });
    return problems;
  }

  // Unhealthy (or missing) pods use up what the budget would allow.
  const policy = unhealthyPolicy(pdb);
  const refusedUnhealthy = policy !== 'AlwaysAllow' && !(c.current >= c.desired && c.desired > 0);
  const evidence: Evidence[] = [specEv, ...statusEv(), ...unhealthy.slice(0, 4).map((p) => st(p, ['status', 'conditions'], `pod ${p.name}: ${podState(p)}, not Ready${getString(p.object, ['spec', 'nodeName']) ? `, on node ${getString(p.object, ['spec', 'nodeName'])}` : ''}`, index))];
  const short = c.expected - c.current;
  const who = unhealthy.length ? `${unhealthy.length === 1 ? `pod ${unhealthy[0].name} is` : `${unhealthy.length} pods (${unhealthy.slice(0, 3).map((p) => p.name).join(', ')}${unhealthy.length > 3 ? ', ...' : ''}) are`} not Ready` : pending.length ? `${pending.length} pod${pending.length === 1 ? ' is' : 's are'} Pending` : `${short} expected pod${short === 1 ? ' is' : 's are'} missing`;
  const semantics = policy === 'AlwaysAllow'
    ? 'with unhealthyPodEvictionPolicy AlwaysAllow the unhealthy pods can be evicted, but no healthy one can until they recover'
    : refusedUnhealthy
      ? `with ${policyText(pdb)} the eviction API refuses (429) to evict even the unhealthy pods while the budget is not met, and every healthy one too`
      : `with ${policyText(pdb)} the unhealthy pods can be evicted (the budget is still met), but no healthy one can until they recover`;
  const podOwners = ownersOf(x, unhealthy.length ? unhealthy : live);
  problems.push({
    check: refusedUnhealthy ? 'pdb-drain-blocked-now' : null,
    severity: 'warning',
    symptom: `PodDisruptionBudget allows no disruption now: ${c.current} of ${c.expected} pods healthy, needs ${c.desired}`,
    object: ref(pdb, index),
    container: null,
    pods: (unhealthy.length ? unhealthy : live).map((p) => p.name),
    evidence,
    cause: `${who}, which uses up what the budget allows (${spec}: ${c.desired} must stay healthy, ${c.current} are); ${semantics}: ${drainText}`,
    fix: {
      text: `Fix what keeps the pods unhealthy (kubeready diagnose ${podOwners[0] ? podOwners[0].kubectl : 'the workload'}); ${policy === 'AlwaysAllow' ? '' : 'set unhealthyPodEvictionPolicy: AlwaysAllow so that unhealthy pods never block a drain (the healthy ones stay protected); '}to unblock a drain now, delete the unhealthy pods by hand.`,
      commands: [
        ...podOwners.slice(0, 2).map((o) => `kubeready diagnose ${o.kubectl} ${n}`),
        ...(policy === 'AlwaysAllow' ? [] : [`kubectl ${n} patch pdb ${pdb.name} --type merge -p '{"spec":{"unhealthyPodEvictionPolicy":"AlwaysAllow"}}'`]),
        ...(unhealthy.length ? [`kubectl ${n} delete pod ${unhealthy.slice(0, 5).map((p) => p.name).join(' ')}   # unblocks the drain now; their controller recreates them`] : []),
      ],
      yaml: policy === 'AlwaysAllow' ? null : pdbYaml(pdb, ns, { alwaysAllow: true }),
    },
    prevent: compact([
      preventIf(x, pdb, 'pdb-unhealthy-pods-block-drain', 'unhealthyPodEvictionPolicy AlwaysAllow lets a drain evict pods that serve nothing', { active: MANIFEST_CHECKS }),
    ]),
    logs: null,
  });
  return problems;
}

function pdbDiagnosis(x: Ctx, pdb: Resource): Diagnosis {
  const index = x.index;
  const ns = index.namespaceOf(pdb);
  const walked = [show(ref(pdb, index)), `selector ${showSelector(pdb)}`];
  const pods = pdbSelectorKind(pdb) === 'none' ? [] : index.inNamespace('Pod', ns).filter((p) => pdbSelects(pdb, stringMap(get(p.object, ['metadata', 'labels']))) === true && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  walked.push(`Pods selected: ${pods.length}${pods.length ? ` (${podsLine(pods)})` : ''}`);
  const owners = ownersOf(x, pods).filter((o) => o.resource.kind !== 'Pod');
  if (owners.length) walked.push(`owned by ${owners.map((o) => `${o.resource.kind} ${o.resource.name}`).join(', ')}`);
  const c = pdbCounts(pdb);
  walked.push(c ? `status: expectedPods ${c.expected}, currentHealthy ${c.current}, desiredHealthy ${c.desired}, disruptionsAllowed ${c.allowed}` : 'status: no counts');
  walked.push(`Events: ${eventsFor(index, pdb).length}`);
  if (pdb.apiVersion !== 'policy/v1') x.notes.add(`${pdb.apiVersion} is not served by current API servers: the budget is read as written`);
  const problems = sortProblems(pdbProblems(x, pdb, pods));
  const nodes = nodesOf(pods.filter((p) => !evictsFreely(p) && !drainSkips(p)));
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(pdb, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? (c ? `allows ${c.allowed} disruption${c.allowed === 1 ? '' : 's'} now (${c.current} of ${c.expected} pods healthy, needs ${c.desired})${nodes.length ? `: a drain of ${nodes.map((s) => s.replace(/ \(.*$/, '')).join(', ')} can evict ${c.allowed === 1 ? 'one of these pods at a time' : `up to ${c.allowed} of these pods at a time`}` : ''}` : 'no status counts: not synced by the disruption controller'),
    walked,
    problems,
    notes: [...x.notes],
  };
}

// ---------------------------------------------------------------------------------------------
// HorizontalPodAutoscalers: why one does not scale, or stops at its maximum.

/** A container's requests, with the missing resource filled in as a placeholder to size. */
function requestYaml(container: string, resource: string, requests: Record<string, Json>, list: 'containers' | 'initContainers' = 'containers'): string {
  const lines = Object.entries(requests).filter(([k]) => k !== resource).map(([k, v]) => `            ${k}: ${flow(v)}`);
  const sized = resource === 'cpu' ? '100m' : resource === 'memory' ? '128Mi' : 'VALUE';
  return `spec:\n  template:\n    spec:\n      ${list}:\n      - name: ${container}\n        resources:\n          requests:\n            ${resource}: ${sized}   # size from its measured usage: utilization = usage / request\n${lines.join('\n')}`.trimEnd();
}

/** One merged HPA holding every metric of the HPAs over the same pods (the controller scales to the highest count any metric asks for). */
function mergedHpaYaml(x: Ctx, hpa: Resource, others: Resource[]): string {
  const all = [hpa, ...others];
  // Every metric once (the same metric in two HPAs is kept from the first).
  const seen = new Set<string>();
  const metrics: string[] = [];
  for (const h of all) for (const m of getArray(h.object, ['spec', 'metrics'])) {
    const key = JSON.stringify(m);
    if (seen.has(key)) continue;
    seen.add(key);
    metrics.push(`  - ${flow(m)}   # from ${h.name}`);
  }
  const bound = (field: 'minReplicas' | 'maxReplicas', dflt: number | undefined) => {
    const values = all.map((h) => getNumber(h.object, ['spec', field]) ?? dflt);
    const own = values[0];
    const known = values.filter((v): v is number => v !== undefined);
    const chosen = own ?? (known.length ? Math.max(...known) : 10);
    const differ = all.map((h, i) => `${h.name} ${values[i] ?? 'unset'}`);
    return `  ${field}: ${chosen}${new Set(values).size > 1 ? `   # kept from ${hpa.name}; ${differ.join(', ')}` : ''}`;
  };
  const behavior = get(hpa.object, ['spec', 'behavior']);
  const t = scaleTargetRef(hpa);
  return [
    'apiVersion: autoscaling/v2',
    'kind: HorizontalPodAutoscaler',
    'metadata:',
    `  name: ${hpa.name}`,
    `  namespace: ${x.index.namespaceOf(hpa)}`,
    'spec:',
    `  scaleTargetRef: ${t ? flow({ apiVersion: t.apiVersion ?? 'apps/v1', kind: t.kind, name: t.name }) : '{}'}`,
    bound('minReplicas', 1),
    bound('maxReplicas', undefined),
    ...(isObject(behavior) ? [`  behavior: ${flow(behavior)}   # kept from ${hpa.name}`] : []),
    '  metrics:',
    ...metrics,
  ].join('\n');
}

/** What the HPA's trouble is, as a diagnosis problem; null when it works or only waits (scaled to 0). */
function hpaProblem(x: Ctx, hpa: Resource, t: HpaTrouble): Problem | null {
  if (t.severity === 'info') return null;
  const index = x.index;
  const ns = index.namespaceOf(hpa);
  const n = nsFlag(index, hpa);
  const ref0 = scaleTargetRef(hpa);
  const target = hpaTarget(index, hpa);
  const c = t.condition;
  const evidence: Evidence[] = [
    t.cause === 'not-processed'
      ? st(hpa, ['status'], `no status.conditions; created ${formatTime(c.since)}`, index)
      : st(hpa, c.path, `condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.since !== undefined ? ` since ${formatTime(c.since)}` : ''}${c.message ? `: "${quote(c.message, 400)}"` : ''}`, index),
  ];
  // The controller's event for this cause (the same reason, or the metric-failure events), not an older one's.
  const related = (e: ObjectEvent) => e.reason === c.reason || (c.type === 'ScalingActive' && /^Failed(Get|Compute)/.test(e.reason));
  const warn = t.cause === 'at-max' || t.cause === 'scale-up-disabled' || t.cause === 'not-processed' ? undefined : warnings(index, hpa).filter(related).sort((a, b) => (a.time ?? 0) - (b.time ?? 0)).pop();
  if (warn) evidence.push(ev(warn, index));
  const fix: Problem['fix'] = { text: hpaFixText(t, hpa, index), commands: [], yaml: null };
  const prevent: Prevention[] = [];
  let symptom = `HPA ${hpa.name} does not scale: ${t.cause === 'at-max' ? 'pinned at maxReplicas' : (c.reason ?? c.type)}`;
  switch (t.cause) {
    case 'target-missing': {
      symptom = `HPA ${hpa.name} scales nothing: ${ref0 ? `${ref0.kind} ${ref0.name}` : 'its target'} does not exist`;
      const near = ref0 ? nearNames(ref0.name, index.inNamespace(ref0.kind, ns).map((r) => r.name), true) : [];
      if (near.length) evidence.push(st(hpa, ['spec', 'scaleTargetRef', 'name'], `${ref0!.kind}s in ${ns}: ${didYouMean(near)}`, index, 'spec'));
      fix.commands = [`kubectl ${n} get deploy,sts`];
      if (ref0 && near.length === 1) {
        fix.commands.unshift(`kubectl ${n} patch hpa ${hpa.name} --type=merge -p '{"spec":{"scaleTargetRef":{"name":"${near[0]}"}}}'`);
        fix.yaml = `spec:\n  scaleTargetRef:\n    apiVersion: ${ref0.apiVersion ?? 'apps/v1'}\n    kind: ${ref0.kind}\n    name: ${near[0]}   # was ${ref0.name}`;
      }
      const p = preventIf(x, hpa, 'hpa-target-missing', 'an HPA whose scaleTargetRef names no workload in the manifests is caught before it is applied');
      if (p) prevent.push(p);
      break;
    }
    case 'target-unscalable': {
      symptom = `HPA ${hpa.name} cannot read its target's scale`;
      // The same kind and name in another API group: the reference's apiVersion is the mistake.
      const other = ref0 ? index.inNamespace(ref0.kind, ns).find((r) => r.name === ref0.name) : undefined;
      if (ref0 && other && !target) {
        symptom = `HPA ${hpa.name} scales nothing: scaleTargetRef names ${ref0.kind} ${ref0.name} in ${ref0.apiVersion ?? 'the core group'}, which is in ${other.apiVersion}`;
        evidence.push(st(other, [], `${other.kind} ${other.name} exists as ${other.apiVersion}`, index, 'spec'));
        fix.text = `Set scaleTargetRef.apiVersion to ${other.apiVersion}: the controller looks the kind up in the group the apiVersion names.`;
        fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=merge -p '{"spec":{"scaleTargetRef":{"apiVersion":"${other.apiVersion}"}}}'`];
      } else if (ref0) {
        const plural = `${ref0.kind.toLowerCase()}`;
        fix.commands = [`kubectl ${n} get ${plural} ${ref0.name}`, `kubectl api-resources | grep -iw ${plural}`, ...(ref0.group ? [`kubectl get crd -o jsonpath='{range .items[?(@.spec.group=="${ref0.group}")]}{.metadata.name}{": "}{.spec.versions[*].subresources.scale}{"\\n"}{end}'`] : [])];
      }
      break;
    }
    case 'missing-request': {
      symptom = `HPA ${hpa.name} does not scale: container ${t.container ?? '?'} has no ${t.resource ?? 'cpu'} request`;
      if (target && t.container) {
        const main = getArray(target.object, ['spec', 'template', 'spec', 'containers']);
        const init = getArray(target.object, ['spec', 'template', 'spec', 'initContainers']);
        const inMain = main.find((k) => isObject(k) && k.name === t.container);
        const inInit = init.find((k) => isObject(k) && k.name === t.container);
        const found = inMain ?? inInit;
        if (!found) {
          // Not in the template: an admission webhook adds it to each pod (Istio's istio-proxy, Linkerd's linkerd-proxy, Vault's agent).
          fix.text = `Container ${t.container} is not in ${target.kind} ${target.name}'s pod template: an admission webhook injects it into each pod, so its request is set through the injector (Istio: the pod template annotations sidecar.istio.io/proxyCPU and proxyMemory, or the mesh's proxy defaults; Linkerd: config.linkerd.io/proxy-cpu-request), or scale on a ContainerResource metric of the application container instead, which ignores the others.`;
          fix.yaml = t.container === 'istio-proxy' && (t.resource ?? 'cpu') === 'cpu' ? `spec:
  template:
    metadata:
      annotations:
        sidecar.istio.io/proxyCPU: 100m   # size from its measured usage` : null;
        } else {
          const requests = isObject(found) ? get(found, ['resources', 'requests']) : undefined;
          fix.yaml = requestYaml(t.container, t.resource ?? 'cpu', isObject(requests) ? requests : {}, inMain ? 'containers' : 'initContainers');
          fix.commands = [`kubectl ${n} set resources ${KUBECTL_NAME[target.kind as DiagnoseKind] ?? target.kind.toLowerCase()}/${target.name} -c ${t.container} --requests=${t.resource ?? 'cpu'}=${t.resource === 'memory' ? '128Mi' : '100m'}`];
        }
      }
      const p = preventIf(x, hpa, 'hpa-utilization-without-requests', 'a utilization target over containers without a request is caught in the manifests', { general: 'give every container a request for each resource the HPA scales on (sidecars and injected containers too)' });
      if (p) prevent.push(p);
      break;
    }
    case 'metrics-api-missing':
    case 'metrics-api-unavailable':
    case 'metrics-not-returned':
      fix.commands = ['kubectl get apiservice v1beta1.metrics.k8s.io', `kubectl ${n} top pods`];
      if (t.cause !== 'metrics-api-missing') fix.commands.push('kubectl -n kube-system logs deploy/metrics-server --tail=50');
      symptom = `HPA ${hpa.name} does not scale: ${t.cause === 'metrics-api-missing' ? 'no resource metrics API (metrics-server not installed)' : t.cause === 'metrics-api-unavailable' ? 'the resource metrics API does not answer' : 'no usage for the pods'}`;
      prevent.push(prevention(null, 'a cluster prerequisite no manifest shows: alert on HPAs whose ScalingActive condition is False (kube-state-metrics: kube_horizontalpodautoscaler_status_condition{condition="ScalingActive",status="false"})'));
      break;
    case 'custom-metrics-unavailable':
      symptom = `HPA ${hpa.name} does not scale: ${t.metric ? `metric ${t.metric}` : 'its metric'} is not served by ${t.api ?? 'a metrics adapter'}`;
      fix.commands = [`kubectl get apiservice v1beta1.${t.api ?? 'custom.metrics.k8s.io'}`, `kubectl get --raw /apis/${t.api ?? 'custom.metrics.k8s.io'}/v1beta1`];
      prevent.push(prevention(null, 'alert on HPAs whose ScalingActive condition is False (kube-state-metrics: kube_horizontalpodautoscaler_status_condition{condition="ScalingActive",status="false"})'));
      break;
    case 'ambiguous-selector': {
      const { hpas: others, sameTarget } = ambiguousPeers(index, hpa, t.others ?? []);
      const targetOf = (h: Resource) => scaleTargetRef(h);
      for (const h of others.slice(0, 3)) evidence.push(st(h, ['spec', 'scaleTargetRef'], `HPA ${h.name}: scaleTargetRef ${targetOf(h) ? `${targetOf(h)!.kind} ${targetOf(h)!.name}` : '?'}, metrics ${hpaMetrics(h).map((m) => m.text.replace(/: .*?\(target /, ' (target ')).join(', ') || 'none'}`, index, 'spec'));
      fix.commands = [`kubectl ${n} get hpa`];
      if (sameTarget) {
        symptom = `HPA ${hpa.name} does not scale: HPA ${joinAnd(others.map((h) => h.name))} scales the same ${ref0!.kind}`;
        fix.yaml = mergedHpaYaml(x, hpa, others);
      } else {
        // Different workloads whose pods overlap: the selectors are the mistake, not the HPAs (hpaFixText says so).
        symptom = `HPA ${hpa.name} does not scale: ${others.length ? `HPA ${joinAnd(others.map((h) => h.name))} counts the same pods` : 'another HPA selects the same pods'}`;
        fix.commands = [`kubectl ${n} get hpa`, ...(ref0 ? [`kubectl ${n} get ${ref0.kind.toLowerCase()} ${ref0.name} -o jsonpath='{.spec.selector}'`] : [])];
      }
      break;
    }
    case 'pods-unready':
    case 'no-pods':
      symptom = `HPA ${hpa.name} does not scale: ${t.cause === 'no-pods' ? 'its target has no pods' : 'no metrics from its target\'s pods (not ready)'}`;
      if (target) fix.commands = [`kubeready diagnose ${KUBECTL_NAME[target.kind as DiagnoseKind] ?? target.kind.toLowerCase()}/${target.name} ${n}`];
      break;
    case 'at-max': {
      const max = getNumber(hpa.object, ['spec', 'maxReplicas']) ?? 0;
      symptom = `HPA ${hpa.name} is pinned at maxReplicas ${max}`;
      for (const m of hpaMetrics(hpa)) evidence.push(st(hpa, m.path, `metric ${m.text}`, index, 'status'));
      const asked = replicasAskedFor(hpa);
      const raised = asked !== undefined && asked > max ? asked : Math.max(max + 1, Math.ceil(max * 1.5));
      fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=merge -p '{"spec":{"maxReplicas":${raised}}}'`];
      fix.yaml = `spec:\n  maxReplicas: ${raised}   # was ${max}${asked !== undefined && asked > max ? '; what the metrics ask for now' : ''}: check that the nodes (or the cluster autoscaler) have room, and the cost`;
      break;
    }
    case 'scale-update-failed':
      fix.commands = [`kubectl ${n} describe hpa ${hpa.name}`];
      break;
    case 'metric-container-missing': {
      const names = target ? getArray(target.object, ['spec', 'template', 'spec', 'containers']).map((k) => getString(k, ['name'])).filter((v): v is string => !!v) : [];
      const near = t.container ? nearNames(t.container, names) : [];
      symptom = `HPA ${hpa.name} does not scale: its metric names container ${t.container ?? '?'}, which the pods do not have`;
      if (names.length) evidence.push(st(target!, ['spec', 'template', 'spec', 'containers'], `containers of ${target!.kind} ${target!.name}: ${names.join(', ')}${near.length ? `; ${didYouMean(near)}` : ''}`, index, 'spec'));
      const i = getArray(hpa.object, ['spec', 'metrics']).findIndex((m) => getString(m, ['containerResource', 'container']) === t.container);
      if (near.length === 1 && i >= 0) fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=json -p '[{"op":"replace","path":"/spec/metrics/${i}/containerResource/container","value":"${near[0]}"}]'`];
      break;
    }
    case 'scale-up-disabled':
      symptom = `HPA ${hpa.name} does not scale up: behavior.scaleUp.selectPolicy is Disabled`;
      for (const m of hpaMetrics(hpa)) evidence.push(st(hpa, m.path, `metric ${m.text}`, index, 'status'));
      fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=json -p '[{"op":"remove","path":"/spec/behavior/scaleUp/selectPolicy"}]'`];
      break;
    case 'not-processed':
      symptom = `HPA ${hpa.name} has no conditions: the HPA controller is not processing it`;
      fix.commands = ['kubectl -n kube-system get pods -l component=kube-controller-manager'];
      break;
    default:
      fix.commands = [`kubectl ${n} describe hpa ${hpa.name}`];
  }
  return {
    check: 'hpa-not-scaling',
    severity: t.severity === 'warning' ? 'warning' : 'error',
    symptom,
    object: ref(hpa, index),
    container: t.container ?? null,
    pods: [],
    evidence,
    cause: hpaTroubleText(t, hpa, index, { quote: false }),
    fix,
    prevent,
    logs: null,
  };
}

function hpaDiagnosis(x: Ctx, hpa: Resource): Diagnosis {
  const index = x.index;
  const ns = index.namespaceOf(hpa);
  const t0 = scaleTargetRef(hpa);
  const target = hpaTarget(index, hpa);
  const min = getNumber(hpa.object, ['spec', 'minReplicas']) ?? 1;
  const max = getNumber(hpa.object, ['spec', 'maxReplicas']);
  // status.currentReplicas is omitted when 0; desiredReplicas is 0 while no count can be computed.
  const current = getNumber(hpa.object, ['status', 'currentReplicas']) ?? (hpaSynced(hpa) ? 0 : undefined);
  const computing = hpaCondition(hpa, 'ScalingActive')?.status !== 'False' && hpaCondition(hpa, 'AbleToScale')?.status !== 'False';
  const desired = computing ? getNumber(hpa.object, ['status', 'desiredReplicas']) : undefined;
  const walked = [show(ref(hpa, index))];
  const targetUnread = t0 ? unreadOf(x.opts, [t0.kind], ns) : [];
  const replicasText = (n: number | undefined) => (n === undefined ? '? replicas' : `${n} replica${n === 1 ? '' : 's'}`);
  const sameName = t0 && !target ? index.inNamespace(t0.kind, ns).find((r) => r.name === t0.name) : undefined;
  const listed = !t0 || !index.listedKinds || index.listedKinds.has(t0.kind);
  walked.push(
    t0
      ? `target ${t0.kind} ${t0.name}: ${target ? replicasText(getNumber(target.object, ['spec', 'replicas'])) : targetUnread.length ? 'not read' : sameName ? `exists as ${sameName.apiVersion}, but scaleTargetRef names ${t0.apiVersion ?? 'the core group'}` : listed ? `not found ${sourceWhere(index)}` : `not read (diagnose does not list ${t0.kind})`}`
      : 'target: no scaleTargetRef',
  );
  walked.push(`replicas: ${current ?? '?'} now${desired !== undefined ? `, ${desired} desired` : ''}, min ${min}, max ${max ?? '?'}`);
  const metrics = hpaMetrics(hpa);
  if (metrics.length) walked.push(`metrics: ${metrics.map((m) => m.text).join('; ')}`);
  const conds = ['AbleToScale', 'ScalingActive', 'ScalingLimited'].map((c) => hpaCondition(hpa, c)).filter((c) => c !== undefined);
  if (conds.length) walked.push(`conditions: ${conds.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ')}`);
  walked.push(`Events: ${eventsFor(index, hpa).length}`);
  const problems: Problem[] = [];
  let symptom: string | undefined;
  const t = hpaTrouble(hpa, x.now);
  if (!hpaSynced(hpa) && !t) {
    x.notes.add('the HPA has no conditions: the HPA controller (kube-controller-manager) has not processed it yet');
    symptom = 'no conditions yet: not processed by the HPA controller (it was created less than two minutes ago)';
  } else if (t) {
    const p = hpaProblem(x, hpa, t);
    if (p) problems.push(p);
    else symptom = hpaTroubleText(t, hpa, index);
    // Pods that are not ready are the cause: their own problems follow the HPA's.
    if (target && p && (t.cause === 'pods-unready' || t.cause === 'no-pods')) {
      const podProbs = mergeAcrossPods(podsOf(index, target).filter((q) => !isTerminating(q)).flatMap((q) => podProblems(x, q)));
      if (podProbs.length) {
        p.cause += ` (their problems: \u00a7see:pods|below\u00a7)`;
        problems.push(...sortProblems(podProbs));
      }
    }
  }
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(hpa, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? symptom ?? `scaling: ${current ?? '?'} replicas (min ${min}, max ${max ?? '?'})${metrics.length ? `; ${metrics.map((m) => m.text).join('; ')}` : ''}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}

// ---------------------------------------------------------------------------------------------
// Ingresses: who serves it, where it routes, and what answers there.

/** Label selectors of the controllers' own Helm charts, to find their pods. */
const INGRESS_CONTROLLER_PODS: Record<string, string> = {
  'k8s.io/ingress-nginx': 'app.kubernetes.io/name=ingress-nginx',
  'traefik.io/ingress-controller': 'app.kubernetes.io/name=traefik',
  'ingress.k8s.aws/alb': 'app.kubernetes.io/name=aws-load-balancer-controller',
  'ingress-controllers.konghq.com/kong': 'app.kubernetes.io/name=kong',
  'projectcontour.io/ingress-controller': 'app.kubernetes.io/name=contour',
};

/**
 * A manifest check's findings on a live object, as problems: the check is run itself (as `firesOn`),
 * a finding resting on an absent object counts only when the kinds it reads were listed in full.
 */
function checkProblems(x: Ctx, r: Resource, id: string, symptom: (f: FindingInput) => string): Problem[] {
  const ran = runManifestCheck(x, r, id);
  if (!ran) return [];
  const { check, found } = ran;
  const listed = (check.uses ?? []).every((k) => x.index.listedKinds?.has(k) === true);
  const out: Problem[] = [];
  for (const f of found) {
    let cause = f.message;
    if (f.unknown !== undefined) {
      if (!listed) {
        x.notes.add(`${f.message.replace(/: if it does not exist.*$/, '')} (${id}; not all of what it looks for was read)`);
        continue;
      }
      cause = f.knownMessage ?? f.message;
    } else if (f.completeMessage !== undefined && listed) cause = f.completeMessage;
    const severity = f.severity ?? check.severity;
    if (severity === 'info') continue;
    out.push({
      check: id,
      severity,
      symptom: symptom(f),
      object: ref(r, x.index),
      container: f.container ?? null,
      pods: [],
      evidence: [st(r, f.path, `set to ${flow(get(r.object, f.path) ?? null)}`, x.index, 'spec'), ...(f.related ?? []).slice(0, 3).map((y) => st(y.resource, y.path, `${y.resource.kind} ${y.resource.name}${y.note ? ` (${y.note})` : ''}`, x.index, 'spec'))],
      cause,
      fix: { text: f.fix ?? check.fix.text, commands: [], yaml: check.fix.yaml ?? null },
      prevent: [prevention(id, 'the same check runs on the manifests, before they reach the cluster')],
      logs: null,
    });
  }
  return out;
}

function ingressDiagnosis(x: Ctx, ing: Resource): Diagnosis {
  const index = x.index;
  const ns = index.namespaceOf(ing);
  const n = nsFlag(index, ing);
  const walked = [show(ref(ing, index))];
  const problems: Problem[] = [];
  const annotations = stringMap(get(ing.object, ['metadata', 'annotations']));
  const className = getString(ing.object, ['spec', 'ingressClassName']) ?? annotations['kubernetes.io/ingress.class'];
  const classObj = className ? index.ofKind('IngressClass').find((c) => c.name === className) : index.ofKind('IngressClass').find((c) => stringMap(get(c.object, ['metadata', 'annotations']))['ingressclass.kubernetes.io/is-default-class'] === 'true');
  const controller = classObj ? getString(classObj.object, ['spec', 'controller']) : undefined;
  walked.push(`class: ${className ?? `none${classObj ? ` (default IngressClass ${classObj.name})` : ''}`}${controller ? `, controller ${controller}` : ''}`);
  const addresses = getArray(ing.object, ['status', 'loadBalancer', 'ingress']).map((a) => getString(a, ['ip']) ?? getString(a, ['hostname'])).filter((a): a is string => !!a);
  walked.push(`address: ${addresses.length ? addresses.join(', ') : 'none'}`);

  // Who serves it: a class no controller has is the first thing (ingress-class-missing decides, as in the manifests).
  const classProblems = checkProblems(x, ing, 'ingress-class-missing', () => `no controller serves Ingress ${ing.name}: ${className ? `class "${className}" does not exist` : 'it names no class'}`);
  const nearClass = className ? nearNames(className, index.ofKind('IngressClass').map((c) => c.name), true) : [];
  for (const p of classProblems) {
    if (nearClass.length === 1 && getString(ing.object, ['spec', 'ingressClassName']) === className) p.fix = { ...p.fix, commands: [`kubectl ${n} patch ingress ${ing.name} --type=merge -p '{"spec":{"ingressClassName":"${nearClass[0]}"}}'`] };
    else p.fix = { ...p.fix, commands: ['kubectl get ingressclass'] };
  }
  problems.push(...classProblems);

  // Where it routes: each backend Service and port, and whether anything answers there.
  const backends = ingressBackends(ing);
  const routeOf = (b: (typeof backends)[number]) => (b.path === null ? 'the default backend' : `${b.host || '*'}${b.path}`);
  const seen = new Set<string>();
  const pathsOf = (svc: string) => [...new Set(backends.filter((b) => b.service === svc).map(routeOf))];
  const backendProblems = checkProblems(x, ing, 'ingress-backend-missing', (f) => {
      const at = JSON.stringify(f.path);
      const b = backends.find((k) => JSON.stringify(k.namePath) === at || JSON.stringify(k.portPath) === at);
      if (!b) return 'requests get 503: a backend Service or port does not exist';
      const route = `requests for ${routeOf(b)} ${f.severity === 'warning' ? 'may get' : 'get'} 503`;
      return JSON.stringify(b.namePath) === at ? `${route}: Service ${b.service} does not exist` : `${route}: Service ${b.service} has no port ${typeof b.port === 'number' ? b.port : `named "${b.port}"`}`;
  });
  // A port that is a near miss of one the Service has: the exact patch.
  for (const b of backends) {
    const svc = index.inNamespace('Service', ns).find((x) => x.name === b.service);
    if (!svc) continue;
    const ports = servicePorts(svc);
    const has = ports.some((p) => (typeof b.port === 'number' ? p.port === b.port : p.name === b.port));
    if (has) continue;
    const prob = backendProblems.find((p) => p.symptom.endsWith(`Service ${b.service} has no port ${typeof b.port === 'number' ? b.port : `named "${b.port}"`}`));
    if (!prob) continue;
    const pointer = `/${b.portPath.map(String).join('/')}`;
    const names = ports.map((p) => p.name).filter((v): v is string => !!v);
    const near = typeof b.port === 'string' ? nearNames(b.port, names) : [];
    const value = typeof b.port === 'string' ? (near.length === 1 ? JSON.stringify(near[0]) : undefined) : ports.length === 1 && ports[0].port !== undefined ? String(ports[0].port) : undefined;
    if (value !== undefined) {
      prob.fix = { ...prob.fix, text: `${typeof b.port === 'string' ? `Use the Service's port name ${value}` : `Use the Service's port ${value}`} for this backend.`, commands: [`kubectl ${n} patch ingress ${ing.name} --type=json -p '[{"op":"replace","path":"${pointer}","value":${value}}]'`], yaml: null };
      if (near.length === 1) prob.cause += `; did you mean "${near[0]}"?`;
    }
  }
  // Resource backends (spec.defaultBackend.resource, a path's backend.resource): a custom object the controller serves itself.
  const resourceBackends = [get(ing.object, ['spec', 'defaultBackend', 'resource']), ...getArray(ing.object, ['spec', 'rules']).flatMap((r) => getArray(r, ['http', 'paths']).map((p) => get(p, ['backend', 'resource'])))].filter(isObject);
  for (const rb of resourceBackends) walked.push(`resource backend ${getString(rb, ['kind']) ?? '?'} ${getString(rb, ['name']) ?? '?'}: not walked (served by the controller itself; ingress-nginx serves none)`);
  // A Service's targetPort named as the backend port is a warning for controllers that do not accept
  // it; the class says which controller serves this one, and ingress-nginx does.
  problems.push(...backendProblems.filter((p) => !(p.severity === 'warning' && controller === 'k8s.io/ingress-nginx')));
  const servicesUnread = unreadOf(x.opts, ['Service'], ns).length > 0;
  for (const b of backends) {
    if (seen.has(b.service)) continue;
    seen.add(b.service);
    const svc = index.inNamespace('Service', ns).find((s) => s.name === b.service);
    const routes = pathsOf(b.service);
    if (!svc) {
      walked.push(`${joinAnd(routes)} -> Service ${b.service}: ${servicesUnread ? 'not read' : `not found ${sourceWhere(index)}`}`);
      continue;
    }
    if (getString(svc.object, ['spec', 'type']) === 'ExternalName') {
      walked.push(`${joinAnd(routes)} -> Service ${b.service} (ExternalName ${getString(svc.object, ['spec', 'externalName']) ?? '?'}):${b.port}`);
      continue;
    }
    const d = serviceDiagnosis({ ...x, notes: new Set() }, svc);
    const ep = endpointsOf(index, svc);
    walked.push(`${joinAnd(routes)} -> Service ${b.service}:${b.port}: ${d.status === 'broken' || !ep ? d.symptom : `${ep.ready} ready endpoint${ep.ready === 1 ? '' : 's'}`}`);
    const worst = d.problems[0];
    if (d.status === 'broken' && worst) {
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: 'error',
        symptom: `requests for ${joinAnd(routes)} get 503: Service ${b.service} has no ready endpoints`,
        object: ref(svc, index),
        container: null,
        pods: worst.pods,
        evidence: worst.evidence.slice(0, 3),
        cause: `the controller routes ${joinAnd(routes)} to Service ${b.service}, which has no ready endpoint: ${worst.symptom}${worst.cause && worst.cause !== worst.symptom ? ` (${worst.cause})` : ''}`,
        fix: { text: `Fix what leaves Service ${b.service} without ready endpoints; its own diagnosis walks its pods.`, commands: [`kubeready diagnose svc/${b.service} ${n}`], yaml: null },
        prevent: worst.prevent,
        logs: null,
      });
    }
  }

  // TLS: the Secret each tls entry names; without it the controller serves its default certificate.
  const secretsRead = !unreadOf(x.opts, ['Secret'], ns).length && (index.listedKinds?.has('Secret') ?? false);
  getArray(ing.object, ['spec', 'tls']).forEach((t, i) => {
    const secret = getString(t, ['secretName']);
    const hosts = getArray(t, ['hosts']).filter((h): h is string => typeof h === 'string');
    if (!secret) {
      walked.push(`TLS ${hosts.length ? joinAnd(hosts) : '(all hosts)'}: no secretName (the controller's default certificate, self-signed unless it is configured with one)`);
      return;
    }
    if (secret.includes('/')) return;
    const exists = index.inNamespace('Secret', ns).some((s) => s.name === secret);
    walked.push(`TLS ${hosts.length ? joinAnd(hosts) : '(all hosts)'}: Secret ${secret}${exists ? '' : secretsRead ? ' not found' : ' (not read)'}`);
    if (!exists && !secretsRead) x.notes.add(`TLS not verified: Secret ${secret} could not be checked (listing Secrets in ${ns} is not allowed for this user, or the input holds none)`);
    if (exists || !secretsRead) return;
    const issuer = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'].map((k) => annotations[k]).find(Boolean);
    const cert = index.inNamespace('Certificate', ns).find((c) => getString(c.object, ['spec', 'secretName']) === secret);
    problems.push({
      check: 'ingress-tls-secret-missing',
      severity: 'error',
      symptom: `HTTPS for ${hosts.length ? joinAnd(hosts) : 'its hosts'} fails: TLS Secret ${secret} does not exist`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [st(ing, ['spec', 'tls', i, 'secretName'], `spec.tls[${i}].secretName: ${secret}; no Secret of that name in namespace ${ns}`, index, 'spec')],
      cause: `the controller has no certificate for ${hosts.length ? joinAnd(hosts) : 'these hosts'} and serves its default one (usually self-signed): clients refuse the connection${issuer ? `; the Ingress asks cert-manager (issuer ${issuer}) for it, which has not issued it` : ''}`,
      fix: issuer || cert
        ? { text: 'Find why cert-manager has not issued the certificate (first, that it is installed at all): the Certificate\'s conditions, then its CertificateRequest and Order (an ACME challenge that cannot be reached is the usual cause).', commands: ['kubectl get crd certificates.cert-manager.io', `kubectl ${n} describe certificate ${cert ? cert.name : secret}`, `kubectl ${n} get certificaterequests,orders,challenges`], yaml: null }
        : { text: `Create the TLS Secret in namespace ${ns}, or let cert-manager issue it.`, commands: [`kubectl ${n} create secret tls ${secret} --cert=tls.crt --key=tls.key`], yaml: null },
      prevent: issuer || cert ? [] : confirmed(x, ing, [prevention('ingress-tls-secret-missing', 'a TLS Secret that nothing in the manifests provides is flagged (unknown unless the input is complete)')]),
      logs: null,
    });
  });

  // What the controller said: its Warning events (a cloud load balancer that failed to sync, a rejected annotation).
  const warn = warnings(index, ing).sort((a, b) => (a.time ?? 0) - (b.time ?? 0)).pop();
  if (warn) {
    problems.push({
      check: null,
      severity: 'warning',
      symptom: `the ingress controller reports ${warn.reason}`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [ev(warn, index)],
      cause: `${warn.source ?? 'the controller'} reported ${warn.reason}: "${quote(warn.message, 300)}"`,
      fix: { text: 'Fix what the event names; the controller\'s own log has the details.', commands: [`kubectl ${n} describe ingress ${ing.name}`], yaml: null },
      prevent: [],
      logs: null,
    });
  }

  // No address: nothing has admitted it (when no class problem explains it already), after a grace period.
  const created = parseTime(getString(ing.object, ['metadata', 'creationTimestamp']));
  const old = x.now === undefined || created === undefined || x.now - created >= 5 * 60_000;
  const noClass = getString(ing.object, ['spec', 'ingressClassName']) === undefined && annotations['kubernetes.io/ingress.class'] === undefined;
  if (!addresses.length && !classProblems.length && old && noClass && classObj) {
    // The DefaultIngressClass admission plugin sets ingressClassName only when an Ingress is created:
    // one created before a class was marked default keeps no class, and controllers that select by
    // class (ingress-nginx without --watch-ingress-without-class) ignore it.
    problems.push({
      check: null,
      severity: 'error',
      symptom: `Ingress ${ing.name} names no class and has no address: the default IngressClass ${classObj.name} does not apply to it`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [st(ing, ['spec'], `no spec.ingressClassName, no ${'kubernetes.io/ingress.class'} annotation; IngressClass ${classObj.name} is marked default`, index, 'spec')],
      cause: `the default IngressClass is applied by admission only when an Ingress is created, so this one (created without a class, before ${classObj.name} was marked default or with the plugin off) has none; controllers that select by class ignore it unless they also watch Ingresses without a class`,
      fix: { text: `Give it the class.`, commands: [`kubectl ${n} patch ingress ${ing.name} --type=merge -p '{"spec":{"ingressClassName":"${classObj.name}"}}'`], yaml: null },
      prevent: [],
      logs: null,
    });
  } else if (!addresses.length && !classProblems.length && old) {
    const selector = controller ? INGRESS_CONTROLLER_PODS[controller] : undefined;
    problems.push({
      check: null,
      severity: 'warning',
      symptom: `Ingress ${ing.name} has no address: no controller has admitted it (or its controller does not publish addresses)`,
      object: ref(ing, index),
      container: null,
      pods: [],
      evidence: [st(ing, ['status', 'loadBalancer'], `status.loadBalancer: ${flow(get(ing.object, ['status', 'loadBalancer']) ?? {})}${created !== undefined ? `; created ${formatTime(created)}` : ''}`, index)],
      cause: `the controller of ${classObj ? `IngressClass ${classObj.name}${controller ? ` (${controller})` : ''}` : className ? `class "${className}"` : 'the cluster'} has not written an address: it is not running, watches other namespaces or classes, or cannot create its load balancer (kubectl get ingress shows no ADDRESS)`,
      fix: {
        text: 'Check that the controller for this class runs and watches this namespace; its log says why it skips the Ingress.',
        commands: [...(classObj ? [`kubectl get ingressclass ${classObj.name} -o yaml`] : []), ...(selector ? [`kubectl get pods -A -l ${selector}`] : []), `kubectl ${n} describe ingress ${ing.name}`],
        yaml: null,
      },
      prevent: [],
      logs: null,
    });
  }
  walked.push(`Events: ${eventsFor(index, ing).length}`);
  // In the order they matter: no controller, no Service, no endpoints, no certificate; errors first.
  problems.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(ing, index),
    status: statusOf(problems),
    symptom:
      problems[0]?.symptom ??
      `${addresses.length ? `served at ${addresses.join(', ')}` : created !== undefined && x.now !== undefined ? `no address yet (created ${formatDuration(Math.max(0, x.now - created))} ago)` : 'no address'}; ${backends.length ? 'every Service backend has ready endpoints' : 'no Service backend'}${[...x.notes].some((t) => t.startsWith('TLS not verified')) ? '; TLS not verified' : ''}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}

// ---------------------------------------------------------------------------------------------
// Connections: may pods of one workload reach another (or a Service), under the NetworkPolicies?

export interface ConnectionTarget {
  kind: DiagnoseKind;
  name: string;
  namespace: string;
  /** A Service port (number or name), or for a workload a container port; undefined: every port. */
  port?: number | string;
}

/** How one direction of a connection stands. */
interface DirectionVerdict {
  verdict: 'open' | 'allowed' | 'blocked' | 'unknown';
  /** The policy and rule that allow it. */
  by?: { policy: NetPolicy; rule: NetpolRule };
  /** The policies that select the subject pods for this direction. */
  policies: NetPolicy[];
  why?: string;
}

function selectorText(sel: Json | undefined): string {
  return formatSelector(sel, 'every pod');
}

/** A rule as people read it: "from pods app=gateway in namespaces team=edge on TCP/8080". */
function ruleText(rule: NetpolRule, dir: 'ingress' | 'egress'): string {
  const peers = rule.peers === null
    ? 'every peer'
    : rule.peers.map((p) => p.type === 'ipBlock' ? `${p.cidr}${p.except.length ? ` except ${p.except.join(', ')}` : ''}` : p.type === 'invalid' ? 'an unreadable peer' : `${p.podSelector === undefined || selectorText(p.podSelector) === 'every pod' ? 'every pod' : `pods ${selectorText(p.podSelector)}`}${p.namespaceSelector !== undefined ? ` in namespaces ${selectorText(p.namespaceSelector) === 'every pod' ? '(all)' : selectorText(p.namespaceSelector)}` : ''}`).join('; ');
  const ports = rule.ports === null ? 'every port' : rule.ports.map(formatPortSpec).join(', ');
  return `${dir === 'ingress' ? 'from' : 'to'} ${peers} on ${ports}`;
}

/** Why a rule may or may not match a peer's pods: the first peer of the rule whose match cannot be told, in words. */
function peerDoubt(g: NetworkGraph, index: ResourceIndex, policy: NetPolicy, rule: NetpolRule, w: Workload): string {
  const where = `rule ${formatPath(rule.path)} of NetworkPolicy ${policy.resource.name}`;
  const ns = index.namespaceOf(w.resource);
  for (const peer of rule.peers ?? []) {
    if (g.peerMatches(policy, peer, w) !== undefined) continue;
    if (peer.type === 'ipBlock') return `${where} allows ipBlock ${peer.cidr}: whether that covers the pods' IPs depends on the cluster's pod CIDR`;
    if (peer.type === 'invalid') return `${where} has a peer that cannot be read (a template)`;
    if (peer.namespaceSelector !== undefined && g.namespaceMatches(peer.namespaceSelector, ns) === undefined) return `${where} selects namespaces by labels, and namespace ${ns}'s labels are not in the input (add its Namespace object)`;
    if (peer.namespaceSelector === undefined && !index.sameScope(policy.resource, w.resource)) return `${where}: the policy and ${w.resource.kind} ${w.resource.name} name no namespace and sit in different folders (set metadata.namespace, or -n)`;
    return `${where}'s podSelector cannot be evaluated against the pods' labels (a template)`;
  }
  return `${where}'s ports cannot all be read (a template, or a port name)`;
}

function analyzeDirection(g: NetworkGraph, index: ResourceIndex, dir: 'ingress' | 'egress', subject: Workload, peer: Workload, dest: Workload, port: number | undefined, protocol: string): DirectionVerdict {
  const sels = dir === 'egress' ? g.egressPolicies(subject) : g.ingressPolicies(subject);
  const policies = sels.map((x) => x.policy);
  // NetworkPolicy does not apply to host-network pods: their side is open.
  if (subject.podSpec.hostNetwork === true) return { verdict: 'open', policies: [], why: `${subject.resource.kind} ${subject.resource.name} uses the host network, and NetworkPolicy does not apply to its pods` };
  const iso = dir === 'egress' ? g.egressIsolated(subject) : g.ingressIsolated(subject);
  if (iso === false) return { verdict: 'open', policies };
  // The other end uses the host network: its traffic carries a node's IP, which pod selectors do not
  // match; only ipBlock rules (and, for ingress, the node the pod runs on, which is always allowed) can.
  if (peer.podSpec.hostNetwork === true) return { verdict: 'unknown', policies, why: `${peer.resource.kind} ${peer.resource.name} uses the host network: its traffic carries a node's IP, which only ipBlock rules match (and a pod's own node is always allowed in)` };
  let why: string | undefined;
  const subjectName = `${subject.resource.kind} ${subject.resource.name}`;
  for (const { policy, certain } of sels) {
    if (policy.uncertain) {
      why ??= `NetworkPolicy ${policy.resource.name} cannot be read in full (a template or a malformed field)`;
      continue;
    }
    for (const rule of dir === 'egress' ? policy.egressRules : policy.ingressRules) {
      const m = g.ruleMatches(policy, rule, peer);
      if (m === false) continue;
      const ports = g.rulePorts(rule, dest);
      const sure = port === undefined ? !portSetEmpty(ports.sure) : portSetHas(ports.sure, protocol, port);
      const may = port === undefined ? !portSetEmpty(ports.maybe) : portSetHas(ports.maybe, protocol, port);
      if (m === true && certain && sure) return { verdict: 'allowed', by: { policy, rule }, policies };
      if (!sure && !may) continue;
      if (m === undefined) why ??= peerDoubt(g, index, policy, rule, peer);
      else if (!certain) why ??= `NetworkPolicy ${policy.resource.name} allows it, but whether it selects ${subjectName}'s pods cannot be told (${policy.podSelector === undefined ? 'it has no spec.podSelector: read as a fragment of another file' : !index.sameScope(policy.resource, subject.resource) ? 'it and the workload name no namespace and sit in different folders' : 'a template in its podSelector'})`;
      else why ??= `rule ${formatPath(rule.path)} of NetworkPolicy ${policy.resource.name}: its ports cannot all be read (a template, or a port name)`;
    }
  }
  if (iso === undefined) {
    const maybeSel = sels.find((x) => !x.certain);
    why ??= maybeSel ? `whether NetworkPolicy ${maybeSel.policy.resource.name} selects ${subjectName}'s pods cannot be told (${maybeSel.policy.podSelector === undefined ? 'it has no spec.podSelector: read as a fragment of another file' : !index.sameScope(maybeSel.policy.resource, subject.resource) ? 'it and the workload name no namespace and sit in different folders' : 'a template in its podSelector'})` : 'a policy may select the pods';
  }
  if (why) return { verdict: 'unknown', policies, why };
  return { verdict: 'blocked', policies };
}


/**
 * May the source's pods send DNS queries (UDP 53) to the cluster DNS pods? Its egress policies'
 * rules are read against kube-system's kube-dns pods: a rule whose ports include UDP 53 and whose
 * peers match those pods (by namespace and pod labels; every peer when it names none) allows it;
 * an ipBlock other than 0.0.0.0/0, or kube-system's labels missing from the input, leaves it open.
 */
function dnsEgress(g: NetworkGraph, src: Workload): { verdict: 'allowed' | 'blocked' | 'unknown'; why?: string; policies: NetPolicy[] } {
  if (src.podSpec.hostNetwork === true) return { verdict: 'allowed', policies: [] };
  const sels = g.egressPolicies(src);
  const iso = g.egressIsolated(src);
  const policies = sels.map((x) => x.policy);
  if (iso === false) return { verdict: 'allowed', policies };
  let why: string | undefined = iso === undefined ? 'a policy may select the pods (its selector cannot be evaluated)' : undefined;
  for (const { policy, certain } of sels) {
    if (policy.uncertain) {
      why ??= `NetworkPolicy ${policy.resource.name} cannot be read in full`;
      continue;
    }
    for (const rule of policy.egressRules) {
      const port53 = rule.ports === null || rule.ports.some((p) => (p.protocol === 'UDP' || p.protocol === '*') && (p.port === undefined || p.port === 53 || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= 53 && 53 <= p.endPort)));
      if (!port53) continue;
      let match: boolean | undefined = rule.peers === null ? true : false;
      for (const peer of rule.peers ?? []) {
        const m = dnsPeerMatch(g, policy, peer);
        if (m === true) {
          match = true;
          break;
        }
        if (m === undefined) match = undefined;
      }
      if (match === true && certain) return { verdict: 'allowed', policies };
      if (match !== false) why ??= `rule ${formatPath(rule.path)} of NetworkPolicy ${policy.resource.name} allows UDP 53 to peers whose match with the DNS pods cannot be told here (${DNS_NAMESPACE}'s labels are not in the input, or an ipBlock)`;
    }
  }
  return why ? { verdict: 'unknown', why, policies } : { verdict: 'blocked', policies };
}

/** Labels that select a workload's pods in a policy: its own selector's matchLabels, else its stable pod labels. */
function podSelectorLabels(w: Workload): Record<string, string> {
  const own = w.resource.kind === 'Job' ? undefined : get(w.resource.object, ['spec', 'selector', 'matchLabels']);
  if (isObject(own) && Object.keys(own).length && Object.values(own).every((v) => typeof v === 'string')) return own as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.podLabels)) if (!/^(pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io\/pod-name|batch\.kubernetes\.io\/|job-name|controller-uid)/.test(k)) out[k] = v;
  // A Job's pods carry batch.kubernetes.io/job-name (its name) from the API server: select by it when nothing else does.
  if (!Object.keys(out).length && w.resource.kind === 'Job' && w.podLabels['batch.kubernetes.io/job-name']) out['batch.kubernetes.io/job-name'] = w.podLabels['batch.kubernetes.io/job-name'];
  return out;
}

function labelsYaml(labels: Record<string, string>, indent: string): string {
  return Object.entries(labels).map(([k, v]) => `${indent}${k}: ${flow(v)}`).join('\n');
}

/** matchLabels lines selecting a workload's pods; pods with no label get one to add first (an empty matchLabels would select every pod). */
function selectorYaml(w: Workload, indent: string): string {
  const labels = podSelectorLabels(w);
  if (Object.keys(labels).length) return labelsYaml(labels, indent);
  return `${indent}app: ${flow(w.resource.name)}   # its pods carry no label: add this one to ${w.resource.kind} ${w.resource.name}'s pod template first`;
}

/** A NetworkPolicy that allows exactly this connection (policies add up: it opens nothing else). */
function allowPolicyYaml(index: ResourceIndex, dir: 'ingress' | 'egress', src: Workload, dest: Workload, port: number | undefined, protocol: string): string {
  const subject = dir === 'ingress' ? dest : src;
  const peer = dir === 'ingress' ? src : dest;
  const subjectNs = index.namespaceOf(subject.resource);
  const peerNs = index.namespaceOf(peer.resource);
  // Unique per direction and port, so the egress and the ingress fix (and one per port) can all be applied.
  const suffix = `${port !== undefined ? `-${port}` : ''}-${dir}`;
  const name = `allow-${src.resource.name}-to-${dest.resource.name}`.slice(0, 63 - suffix.length).replace(/-+$/, '') + suffix;
  const peerBlock = [`    - podSelector:`, `        matchLabels:`, selectorYaml(peer, '          ')];
  if (peerNs !== subjectNs) peerBlock.push(`      namespaceSelector:`, `        matchLabels:`, `          ${NAMESPACE_NAME_LABEL}: ${flow(peerNs)}`);
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${subjectNs}`,
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    selectorYaml(subject, '      '),
    `  policyTypes: [${dir === 'ingress' ? 'Ingress' : 'Egress'}]`,
    `  ${dir}:`,
    `  - ${dir === 'ingress' ? 'from' : 'to'}:`,
    ...peerBlock,
    ...(port !== undefined ? ['    ports:', `    - protocol: ${protocol}`, `      port: ${port}   # the pod's port: policies see the connection after the Service has translated its port`] : []),
  ].join('\n');
}

/** The graph's workload that runs an object's pods (a Pod's Deployment, a Deployment itself), or the object's own. */
function runningWorkload(x: Ctx, g: NetworkGraph, r: Resource): Workload | undefined {
  // A pod is judged on its own labels (kubectl label pod, an older ReplicaSet's pods), not its owner's template.
  if (r.kind === 'Pod') return toWorkload(r) ?? undefined;
  const w = g.workloads.find((y) => y.resource === r) ?? toWorkload(r) ?? undefined;
  // A Job's pods also carry the labels the API server adds to its template on create (unless
  // manualSelector): job-name and batch.kubernetes.io/job-name, both the Job's name.
  if (w && r.kind === 'Job' && r.apiVersion === 'batch/v1' && get(r.object, ['spec', 'manualSelector']) !== true) {
    return { ...w, podLabels: { 'job-name': r.name, 'batch.kubernetes.io/job-name': r.name, ...w.podLabels } };
  }
  return w;
}

/**
 * May the pods of `from` open a connection to `to` (a Service, a workload, a pod) on a port? Walks
 * the NetworkPolicies that select each side (egress of the source AND ingress of the destination
 * must allow it), the Service's port translation, DNS egress when the destination is a Service
 * name, and (on a live cluster) whether anything answers.
 */
export function diagnoseConnection(index: ResourceIndex, from: { kind: DiagnoseKind; name: string; namespace: string }, to: ConnectionTarget, opts: DiagnoseOptions = {}): Diagnosis {
  const x = ctxOf(index, opts);
  const missing = (t: { kind: DiagnoseKind; name: string; namespace: string }): Diagnosis => {
    const own = unreadOf(opts, [t.kind], t.namespace);
    return {
      schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
      target: { kind: t.kind, name: t.name, namespace: t.namespace },
      status: own.length ? 'unknown' : 'not-found',
      symptom: own.length ? `cannot tell: ${unreadText(own)}` : `${t.kind} "${t.name}" not found in namespace ${t.namespace}`,
      walked: [],
      problems: [],
      notes: [],
    };
  };
  const src = findTarget(index, from.kind, from.name, from.namespace);
  if (!src) return missing(from);
  const dst = findTarget(index, to.kind, to.name, to.namespace);
  if (!dst) return missing(to);
  const g = networkGraph(index);
  const srcW = runningWorkload(x, g, src);
  const base = { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, target: ref(src, index) };
  if (!srcW) return { ...base, status: 'not-found', symptom: `${src.kind} ${src.name} runs no pods: the source must be a workload or a pod`, walked: [], problems: [], notes: [] };
  const walked = [show(ref(src, index)) + (srcW.resource !== src ? ` (pods of ${srcW.resource.kind} ${srcW.resource.name})` : '')];
  const problems: Problem[] = [];
  const unknowns: string[] = [];
  const allowedLines: string[] = [];
  const policyUnread = unreadOf(opts, ['NetworkPolicy', 'Namespace'], null);
  if (policyUnread.length) x.notes.add(`not read: ${unreadText(policyUnread)}: the policies decide this, so the answer is only as good as what was read`);
  const srcName = `${srcW.resource.kind} ${srcW.resource.name}`;

  // The destination pods and ports: a Service translates its port to each backend's targetPort.
  interface Leg { dest: Workload; port: number | undefined; protocol: string; label: string; servicePort?: number }
  const legs: Leg[] = [];
  const viaService = dst.kind === 'Service';
  const svcType = viaService ? getString(dst.object, ['spec', 'type']) : undefined;
  const headless = viaService && getString(dst.object, ['spec', 'clusterIP']) === 'None';
  if (viaService && (svcType === 'ExternalName' || !isObject(get(dst.object, ['spec', 'selector'])))) {
    // Not pods of the cluster that policies select: an ExternalName is a DNS alias (egress to it is
    // decided by ipBlock rules on addresses unknown here); a Service without selector has hand-made endpoints.
    const why = svcType === 'ExternalName'
      ? `Service ${dst.name} is an ExternalName (${getString(dst.object, ['spec', 'externalName']) ?? '?'}): traffic goes to whatever that name resolves to, which only ipBlock egress rules can allow, and the addresses are not known here`
      : `Service ${dst.name} has no selector: its endpoints are written by hand (or by another controller), so which pods or addresses back it cannot be told`;
    const eg = analyzeDirection(g, index, 'egress', srcW, srcW, srcW, undefined, 'TCP');
    walked.push(`Service ${dst.name}: ${svcType === 'ExternalName' ? 'ExternalName' : 'no selector'}`);
    return { ...base, status: 'unknown', symptom: `cannot tell whether ${srcW.resource.kind} ${srcW.resource.name} may reach Service ${dst.name}: ${why}${eg.verdict === 'open' ? `; ${srcW.resource.kind} ${srcW.resource.name}'s egress is open` : ''}`, walked, problems: [], notes: [...x.notes] };
  }
  if (viaService) {
    const ports = servicePorts(dst);
    const wanted: ServicePort[] = to.port === undefined ? ports : ports.filter((p) => p.port === to.port || (p.name !== undefined && p.name === to.port));
    if (to.port !== undefined && wanted.length === 0) {
      problems.push({
        check: null,
        severity: 'error',
        symptom: `Service ${dst.name} has no port ${to.port}`,
        object: ref(dst, index),
        container: null,
        pods: [],
        evidence: [st(dst, ['spec', 'ports'], `ports: ${ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port ?? '?'}/${p.protocol}`).join(', ') || 'none'}`, index, 'spec')],
        cause: `clients connecting to ${dst.name}:${to.port} reach no port of the Service: the connection is refused or times out before any NetworkPolicy matters${(() => {
          const t = ports.find((p) => p.target === to.port);
          return t ? `; ${to.port} is the targetPort of Service port ${t.name ? `${t.name}/` : ''}${t.port}: clients connect to ${dst.name}:${t.port}` : '';
        })()}`,
        fix: { text: `Connect to one of the Service's ports (${ports.map((p) => p.port).join(', ') || 'none'}), or add the port to the Service.`, commands: [], yaml: null },
        prevent: [],
        logs: null,
      });
    }
    const backends = selectedWorkloads(index, dst);
    walked.push(`Service ${dst.name}: ${wanted.map((p) => `port ${p.name ? `${p.name} ` : ''}${p.port ?? '?'} -> targetPort ${p.target ?? '?'}`).join(', ') || 'no port'}; selects ${backends.length ? backends.map((w) => `${w.resource.kind} ${w.resource.name}`).join(', ') : 'no workload'}`);
    if (!backends.length && wanted.length) {
      problems.push({
        check: 'service-selects-nothing',
        severity: 'error',
        symptom: `Service ${dst.name} selects no workload`,
        object: ref(dst, index),
        container: null,
        pods: [],
        evidence: [st(dst, ['spec', 'selector'], `selector ${selectorText(get(dst.object, ['spec', 'selector']) as Json)}`, index, 'spec')],
        cause: `no workload ${sourceWhere(index)} has pods with the Service's selector labels: connections to it go nowhere`,
        fix: { text: `Find why: kubeready diagnose svc/${dst.name} -n ${index.namespaceOf(dst)}.`, commands: [`kubeready diagnose svc/${dst.name} -n ${index.namespaceOf(dst)}`], yaml: null },
        prevent: [],
        logs: null,
      });
    }
    for (const w of backends) {
      for (const p of wanted) {
        let numbers: (number | undefined)[] = [];
        // Headless: DNS gives the pods' addresses and the client dials them on the port it asks for.
        if (headless && p.port !== undefined) numbers = [p.port];
        else if (typeof p.target === 'number') numbers = [p.target];
        else if (typeof p.target === 'string') {
          numbers = (namedPorts(w).get(p.target) ?? []).filter((n) => n.protocol === p.protocol.toUpperCase()).map((n) => n.port);
          if (!numbers.length) {
            problems.push({
              check: 'service-target-port-unresolved',
              severity: 'error',
              symptom: `Service ${dst.name} port ${p.port}: targetPort "${p.target}" is no port of ${w.resource.kind} ${w.resource.name}`,
              object: ref(dst, index),
              container: null,
              pods: [],
              evidence: [st(dst, p.targetPath, `targetPort ${p.target}`, index, 'spec')],
              cause: `no container of ${w.resource.kind} ${w.resource.name} declares a port named "${p.target}": the Service has no endpoint port for it, so connections fail whatever the policies say`,
              fix: { text: 'Name the container port as the Service\'s targetPort says, or point targetPort at the port number.', commands: [], yaml: null },
              prevent: confirmed(x, dst, [prevention('service-target-port-unresolved', 'a named targetPort no selected container declares is caught in the manifests')]),
              logs: null,
            });
            continue;
          }
        } else numbers = [undefined];
        for (const n of numbers) legs.push({ dest: w, port: n, protocol: p.protocol.toUpperCase(), label: `${w.resource.kind} ${w.resource.name} port ${n ?? 'any'}/${p.protocol.toUpperCase()} (Service port ${p.port ?? '?'})`, ...(p.port !== undefined ? { servicePort: p.port } : {}) });
      }
    }
  } else {
    const w = runningWorkload(x, g, dst);
    if (!w) return { ...base, status: 'not-found', symptom: `${dst.kind} ${dst.name} runs no pods`, walked, problems: [], notes: [] };
    let port: number | undefined;
    let protocol = 'TCP';
    if (typeof to.port === 'string') {
      const named = namedPorts(w).get(to.port) ?? [];
      if (!named.length) return { ...base, status: 'not-found', symptom: `${w.resource.kind} ${w.resource.name} declares no container port named "${to.port}"`, walked, problems: [], notes: [] };
      port = named[0].port;
      protocol = named[0].protocol;
    } else port = to.port;
    // No port asked: each port the pods declare (both directions must allow the same port).
    const declared = port === undefined
      ? [...new Map(w.containers.flatMap((c) => getArray(c.spec, ['ports'])).map((p) => ({ port: getNumber(p, ['containerPort']), protocol: (getString(p, ['protocol']) ?? 'TCP').toUpperCase() })).filter((p): p is { port: number; protocol: string } => p.port !== undefined).map((p) => [`${p.protocol}/${p.port}`, p])).values()]
      : [];
    walked.push(`${w.resource.kind} ${w.resource.name}${port !== undefined ? ` port ${port}/${protocol}` : declared.length ? ` ports ${declared.map((p) => `${p.port}/${p.protocol}`).join(', ')}` : ' (any port: it declares none)'}`);
    if (declared.length) for (const p of declared) legs.push({ dest: w, port: p.port, protocol: p.protocol, label: `${w.resource.kind} ${w.resource.name} port ${p.port}/${p.protocol}` });
    else legs.push({ dest: w, port, protocol, label: `${w.resource.kind} ${w.resource.name} port ${port ?? 'any'}/${protocol}` });
  }

  const egressPolicies = g.egressPolicies(srcW).map((s) => s.policy.resource.name);
  walked.push(`egress of ${srcName}: ${egressPolicies.length ? `NetworkPolicy ${joinAnd(egressPolicies)}` : 'no NetworkPolicy selects its pods (open)'}`);
  const seenDest = new Set<Workload>();
  for (const leg of legs) {
    if (!seenDest.has(leg.dest)) {
      seenDest.add(leg.dest);
      const ing = g.ingressPolicies(leg.dest).map((s) => s.policy.resource.name);
      walked.push(`ingress of ${leg.dest.resource.kind} ${leg.dest.resource.name}: ${ing.length ? `NetworkPolicy ${joinAnd(ing)}` : 'no NetworkPolicy selects its pods (open)'}`);
    }
    const destName = `${leg.dest.resource.kind} ${leg.dest.resource.name}`;
    const portText = leg.port !== undefined ? `${leg.protocol}/${leg.port}` : 'any port';
    for (const dir of ['egress', 'ingress'] as const) {
      const subject = dir === 'egress' ? srcW : leg.dest;
      const peer = dir === 'egress' ? leg.dest : srcW;
      const v = analyzeDirection(g, index, dir, subject, peer, leg.dest, leg.port, leg.protocol);
      if (v.verdict === 'unknown') {
        unknowns.push(`${dir} of ${dir === 'egress' ? srcName : destName}: ${v.why}`);
        continue;
      }
      if (v.verdict === 'open' || v.verdict === 'allowed') {
        allowedLines.push(`${dir} ${v.verdict === 'open' ? `open (${v.why ?? `no NetworkPolicy selects ${dir === 'egress' ? srcName : destName}'s pods for ${dir}`})` : `allowed by NetworkPolicy ${v.by!.policy.resource.name} (${formatPath(v.by!.rule.path)}: ${ruleText(v.by!.rule, dir)})`}`);
        continue;
      }
      const subjectName = dir === 'egress' ? srcName : destName;
      const peerName = dir === 'egress' ? destName : srcName;
      // The classic mistake: the rule names the Service's port, but policies see the pod's.
      const servicePortOnly = leg.servicePort !== undefined && leg.servicePort !== leg.port && analyzeDirection(g, index, dir, subject, peer, leg.dest, leg.servicePort, leg.protocol).verdict === 'allowed';
      const evidence: Evidence[] = v.policies.slice(0, 4).map((p) => {
        const rules = dir === 'egress' ? p.egressRules : p.ingressRules;
        return st(p.resource, ['spec', dir], `NetworkPolicy ${p.resource.name} selects ${subjectName}'s pods (podSelector ${selectorText(p.podSelector)}) for ${dir}; ${rules.length ? `it allows ${rules.map((r) => ruleText(r, dir)).join('; ')}` : `it allows no ${dir} at all`}`, index, 'spec');
      });
      evidence.push(st(peer.resource, peer.podMetaPath.length ? [...peer.podMetaPath, 'labels'] : ['metadata', 'labels'], `${peerName}'s pods: labels ${formatLabels(peer.podLabels)} in namespace ${index.namespaceOf(peer.resource)}`, index, 'spec'));
      problems.push({
        check: null,
        severity: 'error',
        symptom: `${srcName} -> ${destName} on ${portText}: blocked by ${dir} NetworkPolicy (${joinAnd(v.policies.map((p) => p.resource.name))})`,
        object: ref(v.policies[0]?.resource ?? subject.resource, index),
        container: null,
        pods: [],
        evidence,
        cause: `${joinAnd(v.policies.map((p) => `NetworkPolicy ${p.resource.name}`))} ${v.policies.length === 1 ? 'selects' : 'select'} ${subjectName}'s pods for ${dir}, and no ${dir} rule of ${v.policies.length === 1 ? 'it' : 'them'} allows ${dir === 'egress' ? `${peerName}'s pods` : `${peerName}'s pods in`} on ${portText}: policies are allow-lists, so the packets are dropped and the client sees a timeout, not a refusal${servicePortOnly ? `; a rule allows ${leg.protocol}/${leg.servicePort}, the Service's port, but NetworkPolicy sees the connection after the Service has translated it to the pod's port ${leg.port}` : ''}`,
        fix: {
          text: `Allow it with a NetworkPolicy of its own (policies add up: this one opens nothing else)${leg.port !== undefined && viaService ? '; its port is the pod\'s port, not the Service\'s' : ''}.`,
          commands: [],
          yaml: allowPolicyYaml(index, dir, srcW, leg.dest, leg.port, leg.protocol),
        },
        prevent: [],
        logs: null,
      });
    }
  }
  // Any port (the destination declares none): each direction may allow some port, but not the same one.
  for (const leg of legs) {
    if (leg.port !== undefined || problems.some((p) => p.severity === 'error')) continue;
    if (g.allows(srcW, leg.dest) === false) {
      const destName = `${leg.dest.resource.kind} ${leg.dest.resource.name}`;
      problems.push({
        check: null,
        severity: 'error',
        symptom: `${srcName} -> ${destName}: no port is allowed both ways`,
        object: ref(leg.dest.resource, index),
        container: null,
        pods: [],
        evidence: [],
        cause: `the egress rules of ${srcName} and the ingress rules of ${destName} each allow some port, but no port is in both: a connection needs both`,
        fix: { text: 'Make the egress and the ingress rules allow the port the application listens on (give the port with --to NAME:PORT for a policy to apply).', commands: [], yaml: null },
        prevent: [],
        logs: null,
      });
    }
  }
  // A Service is reached by name: its DNS lookup must leave the source pods too.
  if (viaService) {
    const dns = dnsEgress(g, srcW);
    if (dns.verdict === 'unknown') x.notes.add(`DNS: cannot tell whether ${srcName}'s pods may query the cluster DNS: ${dns.why}`);
    if (dns.verdict === 'blocked') {
      problems.push({
        check: 'netpol-egress-blocks-dns',
        severity: 'error',
        symptom: `${srcName} cannot resolve ${dst.name}: its egress policies block DNS`,
        object: ref(dns.policies[0]?.resource ?? srcW.resource, index),
        container: null,
        pods: [],
        evidence: dns.policies.slice(0, 3).map((p) => st(p.resource, ['spec', 'egress'], `NetworkPolicy ${p.resource.name} selects ${srcName}'s pods for egress; ${p.egressRules.length ? `it allows ${p.egressRules.map((r) => ruleText(r, 'egress')).join('; ')}` : 'it allows no egress at all'}`, index, 'spec')),
        cause: `no egress rule of ${joinAnd(dns.policies.map((p) => `NetworkPolicy ${p.resource.name}`))} allows UDP 53 to the cluster DNS pods (${DNS_NAMESPACE}, k8s-app=kube-dns): the name lookup of ${dst.name} times out before any connection is tried`,
        fix: {
          text: `Allow DNS from ${srcName}'s pods to the cluster DNS (UDP and TCP 53) with a policy of their own (one selecting the whole namespace would isolate pods that are open today).`,
          commands: [],
          yaml: [
            'apiVersion: networking.k8s.io/v1',
            'kind: NetworkPolicy',
            'metadata:',
            `  name: ${`allow-dns-${srcW.resource.name}`.slice(0, 63).replace(/-+$/, '')}`,
            `  namespace: ${index.namespaceOf(srcW.resource)}`,
            'spec:',
            '  podSelector:',
            '    matchLabels:',
            selectorYaml(srcW, '      '),
            '  policyTypes: [Egress]',
            '  egress:',
            '  - to:',
            '    - namespaceSelector:',
            '        matchLabels:',
            `          ${NAMESPACE_NAME_LABEL}: ${DNS_NAMESPACE}`,
            '      podSelector:',
            '        matchLabels:',
            "          k8s-app: kube-dns   # your cluster DNS pods' label",
            '    ports:',
            '    - {protocol: UDP, port: 53}',
            '    - {protocol: TCP, port: 53}',
          ].join('\n'),
        },
        prevent: confirmed(x, srcW.resource, [prevention('netpol-egress-blocks-dns', 'egress policies that leave no way to the cluster DNS are caught in the manifests')]),
        logs: null,
      });
    }
  }
  // On a live cluster: does anything answer behind the Service?
  if (viaService && (hasStatus(dst) || liveInput(index))) {
    const d = serviceDiagnosis({ ...x, notes: new Set() }, dst);
    const worst = d.problems[0];
    if (d.status === 'broken' && worst) {
      const blockedHere = problems.some((p) => p.severity === 'error');
      problems.push({ ...worst, symptom: `${blockedHere ? 'even once allowed, ' : ''}nothing answers: ${worst.symptom}`, fix: { ...worst.fix, commands: [...worst.fix.commands, `kubeready diagnose svc/${dst.name} -n ${index.namespaceOf(dst)}`] } });
    }
  }
  for (const u of unknowns) x.notes.add(`cannot tell: ${u}`);
  const toText = `${dst.kind} ${dst.name}${to.port !== undefined ? `:${to.port}` : ''}`;
  const blocked = problems.filter((p) => p.severity === 'error');
  const status: DiagnosisStatus = blocked.length ? 'broken' : unknowns.length ? 'unknown' : statusOf(problems);
  return {
    ...base,
    status,
    symptom: blocked.length
      ? blocked[0].symptom
      : unknowns.length
        ? `cannot tell whether ${srcName} may reach ${toText}: ${unknowns[0]}`
        : `${srcName} may reach ${toText}: ${[...new Set(allowedLines)].join('; ') || 'no NetworkPolicy applies'}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}

// ---------------------------------------------------------------------------------------------
// Nodes: conditions, taints, requests against allocatable, the unhealthy pods, and what a drain needs.

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

/** The pods bound to a node, of every namespace read (not finished: they hold nothing). */
function podsOnNode(x: Ctx, node: string): Resource[] {
  const seen = new Set<string>();
  const out: Resource[] = [];
  for (const p of [...x.index.ofKind('Pod'), ...(x.index.nodePods ?? [])]) {
    if (getString(p.object, ['spec', 'nodeName']) !== node) continue;
    const key = `${x.index.namespaceOf(p)}/${p.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** Have the pods of every namespace been read (a node's pods are in any of them)? */
function allPodsRead(x: Ctx): boolean {
  return (!x.index.podNamespaces || !!x.index.nodePods) && !unreadOf(x.opts, ['Pod'], null).length;
}

function podRef(x: Ctx, p: Resource): string {
  return `${x.index.namespaceOf(p)}/${p.name}`;
}

function listPods(names: string[], max = 4): string {
  return `${names.slice(0, max).join(', ')}${names.length > max ? ` and ${names.length - max} more` : ''}`;
}

/**
 * What `kubectl drain NODE` needs, as kubectl's filters decide (finished pods go without a flag;
 * DaemonSet and mirror pods are never evicted): --ignore-daemonsets for DaemonSet pods,
 * --delete-emptydir-data for other pods with an emptyDir volume (their data is lost), --force for
 * pods no controller recreates (deleted for good). And the pods whose eviction a budget refuses.
 */
function drainPlan(x: Ctx, node: Resource): DrainPlan {
  const pods = podsOnNode(x, node.name).filter((p) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  const daemons = pods.filter((p) => drainSkips(p) === 'daemonset');
  const mirrors = pods.filter((p) => drainSkips(p) === 'mirror');
  const evicted = pods.filter((p) => !drainSkips(p));
  const emptyDir = evicted.filter((p) => getArray(p.object, ['spec', 'volumes']).some((v) => isObject(get(v, ['emptyDir']))));
  const bare = evicted.filter((p) => !controllerOf(p));
  const flags: string[] = [];
  const notes: string[] = [];
  if (daemons.length) {
    flags.push('--ignore-daemonsets');
    notes.push(`--ignore-daemonsets: kubectl drain stops without it; the DaemonSet pod${daemons.length === 1 ? '' : 's'} ${listPods(daemons.map((p) => podRef(x, p)))} stay${daemons.length === 1 ? 's' : ''} on the node`);
  }
  if (emptyDir.length) {
    flags.push('--delete-emptydir-data');
    notes.push(`--delete-emptydir-data: the emptyDir data of ${listPods(emptyDir.map((p) => podRef(x, p)))} is lost`);
  }
  if (bare.length) {
    flags.push('--force');
    notes.push(`--force deletes the bare pod${bare.length === 1 ? '' : 's'} ${listPods(bare.map((p) => podRef(x, p)))} for good: no controller recreates ${bare.length === 1 ? 'it' : 'them'} (recreate ${bare.length === 1 ? 'it' : 'them'} elsewhere from ${bare.length === 1 ? 'its manifest' : 'their manifests'})`);
  }
  if (mirrors.length) notes.push(`static pod${mirrors.length === 1 ? '' : 's'} ${listPods(mirrors.map((p) => podRef(x, p)))} stay${mirrors.length === 1 ? 's' : ''}: the kubelet runs ${mirrors.length === 1 ? 'it' : 'them'} from files on the node`);
  const blockers: DrainPod[] = [];
  for (const p of evicted) {
    const r = evictionRefusal(x, p);
    if (r) blockers.push({ namespace: x.index.namespaceOf(p), name: p.name, why: r.why, budgets: r.budgets.map((b) => b.name) });
  }
  const complete = allPodsRead(x);
  return { command: `kubectl drain ${node.name}${flags.map((f) => ` ${f}`).join('')}`, flags, notes, blockers, complete };
}

function drainPlanOf(x: Ctx, node: Resource): DrainPlan {
  x.drains ??= new Map();
  let plan = x.drains.get(node);
  if (!plan) x.drains.set(node, (plan = drainPlan(x, node)));
  return plan;
}

/** The node's state in lines: conditions with the heartbeat, taints, requests against allocatable, its pods. */
function nodeReport(x: Ctx, node: Resource): NodeReport {
  const conditions: string[] = [];
  const ready = nodeReady(node);
  const heartbeat = (c: { path: FieldPath }) => parseTime(getString(node.object, [...c.path, 'lastHeartbeatTime']));
  if (ready) {
    const hb = heartbeat(ready);
    conditions.push(`Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''} since ${formatTime(ready.since)}${hb !== undefined ? `, last heartbeat ${formatTime(hb)}${x.now !== undefined ? ` (${formatDuration(x.now - hb)} ago)` : ''}` : ''}`);
  } else conditions.push('no Ready condition: the kubelet has never reported');
  const bad = getArray(node.object, ['status', 'conditions']).filter((c) => getString(c, ['type']) !== 'Ready' && getString(c, ['status']) !== 'False');
  for (const c of bad) conditions.push(`${getString(c, ['type'])}=${getString(c, ['status'])}${getString(c, ['reason']) ? ` (${getString(c, ['reason'])})` : ''}${getString(c, ['lastTransitionTime']) ? ` since ${getString(c, ['lastTransitionTime'])}` : ''}`);
  if (!bad.length && ready) conditions.push('no memory, disk or PID pressure');
  const taints = taintsOf(node).map(taintText);
  const cordoned = get(node.object, ['spec', 'unschedulable']) === true;
  const onNode = podsOnNode(x, node.name);
  const running = onNode.filter((p) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  let requests: string[] | null = null;
  const room = allPodsRead(x) ? nodeRoom(x.index).find((r) => r.node === node) : undefined;
  if (room) {
    const line = (res: 'cpu' | 'memory') => {
      const fmt = (v: number) => (res === 'memory' ? formatBytes(v) : formatCpu(v));
      const a = room.allocatable[res];
      const req = room.requested[res];
      return a !== undefined ? `${res} ${fmt(req)} requested of ${fmt(a)} allocatable (${a > 0 ? Math.round((req / a) * 100) : 0}%)` : `${res} ${fmt(req)} requested (allocatable not reported)`;
    };
    const podsAlloc = getNumber(node.object, ['status', 'allocatable', 'pods']) ?? parseQuantity(get(node.object, ['status', 'allocatable', 'pods']));
    requests = [line('cpu'), line('memory'), `pods ${running.length}${podsAlloc !== undefined ? ` of ${podsAlloc}` : ''}`];
  }
  // Each pod with a problem of its own (the node's NotReady, reported for the node, left out).
  const unhealthy: (NodePodLine & { rank: number })[] = [];
  for (const p of x.index.ofKind('Pod').filter((q) => getString(q.object, ['spec', 'nodeName']) === node.name)) {
    if (podPhase(p) === 'Succeeded') continue;
    const probs = sortProblems(podProblems(x, p).filter((q) => !(q.object.kind === 'Node' && q.object.name === node.name)));
    if (!probs.length) continue;
    unhealthy.push({ namespace: x.index.namespaceOf(p), name: p.name, severity: probs[0].severity, symptom: probs[0].symptom, more: probs.length - 1, command: `kubeready diagnose po/${p.name} -n ${x.index.namespaceOf(p)}`, rank: SEVERITY_RANK[probs[0].severity] * 100 + order(probs[0]) });
  }
  unhealthy.sort((a, b) => a.rank - b.rank || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { conditions, taints, cordoned, requests, unhealthyPods: unhealthy.map(({ rank: _rank, ...l }) => l), drain: drainPlanOf(x, node) };
}

/** The drain blockers as one problem per budget: the drain of this node hangs (or fails) on these pods. */
function drainProblems(x: Ctx, node: Resource, plan: DrainPlan): Problem[] {
  const out: Problem[] = [];
  const byBudget = new Map<string, DrainPod[]>();
  for (const b of plan.blockers) {
    const key = `${b.namespace}\0${b.budgets.join(',')}`;
    byBudget.set(key, [...(byBudget.get(key) ?? []), b]);
  }
  for (const blocked of byBudget.values()) {
    const ns = blocked[0].namespace;
    const budgets = blocked[0].budgets;
    const pdbs = budgets.map((name) => x.index.inNamespace('PodDisruptionBudget', ns).find((b) => b.name === name)).filter((b): b is Resource => !!b);
    const pods = x.index.inNamespace('Pod', ns);
    const selected = pdbs[0] ? pods.filter((p) => pdbSelects(pdbs[0], stringMap(get(p.object, ['metadata', 'labels']))) === true && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed') : [];
    const inner = pdbs[0] ? pdbProblems(x, pdbs[0], selected) : [];
    const base = inner.find((p) => p.check === 'pdb-overlap') ?? inner[0];
    const several = budgets.length > 1;
    const names = blocked.map((b) => `${b.namespace}/${b.name}`);
    out.push({
      check: base?.check ?? (several ? 'pdb-overlap' : null),
      severity: 'warning',
      symptom: `a drain of node ${node.name} ${several ? 'fails' : 'hangs'} on ${blocked.length === 1 ? `pod ${names[0]}` : `${blocked.length} pods (${listPods(names, 3)})`}: ${several ? `${budgets.length} PodDisruptionBudgets select ${blocked.length === 1 ? 'it' : 'them'}` : `PodDisruptionBudget ${budgets[0]} allows no disruption`}`,
      object: ref(pdbs[0] ?? node, x.index),
      container: null,
      pods: blocked.map((b) => b.name),
      evidence: [...blocked.slice(0, 4).map((b) => ({ source: 'eviction', object: { kind: 'Pod', name: b.name, namespace: b.namespace }, field: null, text: `pod ${b.namespace}/${b.name} on ${node.name}: ${b.why}` })), ...(base?.evidence ?? [])],
      cause: base ? base.cause : blocked[0].why,
      fix: {
        text: `${base ? base.fix.text : 'Fix the budget, or evict the pods by hand.'} Walk the budget: kubeready diagnose pdb/${budgets[0]} -n ${ns}.`,
        commands: [`kubeready diagnose pdb/${budgets[0]} -n ${ns}`, ...(base?.fix.commands ?? [])],
        yaml: base?.fix.yaml ?? null,
      },
      prevent: base?.prevent ?? [],
      logs: null,
    });
  }
  return out;
}

function nodeDiagnosis(x: Ctx, node: Resource): Diagnosis {
  const report = nodeReport(x, node);
  const problems = sortProblems([...nodeProblems(x, node), ...drainProblems(x, node, report.drain)]);
  const pods = podsOnNode(x, node.name);
  const live = pods.filter((p) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  if (!report.drain.complete) x.notes.add('not every namespace\'s pods were read: the pods on the node, its requests and the drain flags cover only those that were');
  const sick = report.unhealthyPods.length;
  const state = problems[0]?.symptom ?? `node Ready, no pressure${report.cordoned ? ', cordoned' : ''}`;
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(node, x.index),
    status: statusOf(problems),
    symptom: `${state}${sick ? `; ${sick} unhealthy pod${sick === 1 ? '' : 's'} on it (${sick === 1 ? 'its own problem' : 'their own problems'}, listed below)` : ''}`,
    walked: [show(ref(node, x.index)), `Pods on it: ${live.length}${live.length ? ` (${podsLine(live)})` : ''}`, `Events: ${eventsFor(x.index, node).length}`],
    problems,
    notes: [...x.notes],
    node: report,
  };
}

/**
 * Did the objects come from a cluster (or a dump of one)? Then an empty status is the API server's
 * (a CronJob that has not run yet, an object its controller has not reached), not a manifest's.
 */
function liveInput(index: ResourceIndex): boolean {
  if (index.listedKinds && index.listedKinds.size > 0) return true;
  return index.memo('diagnose:live-input', () => index.resources.some((o) => o.kind !== 'Event' && hasStatus(o)));
}

/** Diagnose one object. */
export function diagnose(index: ResourceIndex, target: { kind: DiagnoseKind; name: string; namespace: string }, opts: DiagnoseOptions = {}): Diagnosis {
  const x = ctxOf(index, opts);
  const r = findTarget(index, target.kind, target.name, target.namespace);
  const tref: ObjectRef = { kind: target.kind, name: target.name, namespace: target.kind === 'Node' ? null : target.namespace };
  const ns = target.kind === 'Node' ? null : target.namespace;
  // The list that would hold it was not read: absent proves nothing.
  const own = unreadOf(opts, [target.kind], ns);
  if (!r && own.length) {
    return {
      schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
      target: tref,
      status: 'unknown',
      symptom: `cannot tell: ${unreadText(own)}`,
      walked: [],
      problems: [],
      notes: [],
    };
  }
  if (!r) {
    const others = index.ofKind(target.kind).filter((o) => o.name === target.name).map((o) => index.namespaceOf(o));
    return {
      schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
      target: tref,
      status: 'not-found',
      symptom: `${target.kind} "${target.name}" not found${target.kind === 'Node' ? '' : ` in namespace ${target.namespace}`}${others.length ? ` (it exists in namespace ${others.join(', ')}: use -n)` : ''}`,
      walked: [],
      problems: [],
      notes: [],
    };
  }
  if (!hasStatus(r) && !liveInput(index)) {
    return {
      schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
      target: tref,
      status: 'no-status',
      symptom: `${target.kind} "${target.name}" has no status: it is a manifest, not a live object (diagnose reads a cluster, or a kubectl get -o yaml dump with status and Events)`,
      walked: [],
      problems: [],
      notes: [],
    };
  }
  let d: Diagnosis;
  switch (target.kind) {
    case 'Pod':
      d = podDiagnosis(x, r);
      break;
    case 'Service':
      d = serviceDiagnosis(x, r);
      break;
    case 'PersistentVolumeClaim':
      d = pvcDiagnosis(x, r);
      break;
    case 'Node':
      d = nodeDiagnosis(x, r);
      break;
    case 'PodDisruptionBudget':
      d = pdbDiagnosis(x, r);
      break;
    case 'HorizontalPodAutoscaler':
      d = hpaDiagnosis(x, r);
      break;
    case 'Ingress':
      d = ingressDiagnosis(x, r);
      break;
    default:
      d = workloadDiagnosis(x, r);
  }
  // What could not be read and matters for this kind: named once.
  const gap = unreadOf(opts, NEEDS[target.kind], ns === null && target.kind === 'Node' ? null : ns);
  resolveRefs(d.problems);
  if (gap.length && opts.gapNote !== false) x.notes.add(`not read: ${unreadText(gap)}: what those objects would show is missing from this diagnosis`);
  d.notes = [...new Set([...d.notes, ...x.notes])];
  return d;
}

/**
 * Cross-references between problems ("\u00a7see:pvc-pending|fallback\u00a7", "\u00a7see:pods|...\u00a7"), written before
 * the problems are sorted, made into "problem 2 below" once their order is known.
 */
function resolveRefs(problems: Problem[]): void {
  const place = (i: number, key: string, fallback: string): string => {
    const at = problems.map((p, j) => (j !== i && (key === 'pods' ? p.object.kind === 'Pod' : p.check === key) ? j : -1)).filter((j) => j >= 0);
    if (!at.length) return fallback;
    const nums = at.map((j) => String(j + 1));
    const where = at.every((j) => j < i) ? ' above' : at.every((j) => j > i) ? ' below' : '';
    return `problem${at.length > 1 ? 's' : ''} ${joinAnd(nums)}${where}`;
  };
  problems.forEach((p, i) => {
    const fill = (t: string) => t.replace(/\u00a7see:([a-z-]+)\|([^\u00a7]*)\u00a7/g, (_m, key: string, fallback: string) => place(i, key, fallback));
    p.cause = fill(p.cause);
    p.fix = { ...p.fix, text: fill(p.fix.text) };
  });
}

/** The kinds each diagnosis reads besides the target itself, for naming what could not be read. */
const WORKLOAD_NEEDS = ['ReplicaSet', 'Pod', 'Event', 'Node', 'PersistentVolumeClaim', 'StorageClass', 'ConfigMap', 'ResourceQuota', 'HorizontalPodAutoscaler'];
const NEEDS: Record<DiagnoseKind, string[]> = {
  Deployment: WORKLOAD_NEEDS,
  StatefulSet: WORKLOAD_NEEDS,
  DaemonSet: WORKLOAD_NEEDS,
  ReplicaSet: WORKLOAD_NEEDS,
  Job: WORKLOAD_NEEDS,
  CronJob: [...WORKLOAD_NEEDS, 'Job'],
  Pod: ['Event', 'Node', 'PersistentVolumeClaim', 'StorageClass', 'ConfigMap', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job'],
  Service: ['Pod', 'EndpointSlice', 'Event'],
  PersistentVolumeClaim: ['StorageClass', 'Event', 'Pod'],
  Node: ['Pod', 'Event', 'PodDisruptionBudget'],
  PodDisruptionBudget: ['Pod', 'Event', 'ReplicaSet', 'Deployment', 'StatefulSet'],
  HorizontalPodAutoscaler: ['Event', 'Deployment', 'StatefulSet', 'ReplicaSet', 'Pod'],
  Ingress: ['IngressClass', 'Service', 'EndpointSlice', 'Pod', 'Secret', 'Event'],
};

const NS_KINDS: DiagnoseKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'Service', 'Ingress', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'];

/** Every unhealthy thing in a namespace, worst first. */
export function diagnoseNamespace(index: ResourceIndex, namespace: string, opts: DiagnoseOptions = {}): NamespaceDiagnosis {
  const out: Diagnosis[] = [];
  let healthy = 0;
  const notes = new Set<string>();
  const missing = unreadOf(opts, NS_KINDS, namespace);
  for (const kind of NS_KINDS) {
    for (const r of index.inNamespace(kind, namespace)) {
      // A manifest has nothing to diagnose; an object read from a cluster does, even with status {}.
      if (!hasStatus(r) && !liveInput(index)) continue;
      // Objects run by a controller in the input are diagnosed through it.
      const o = controllerOf(r);
      if (o && topOwner(index, r) !== r) continue;
      if (kind === 'Pod' && (podPhase(r) === 'Succeeded')) continue;
      // An HPA whose target is in the input is diagnosed with it.
      if (kind === 'HorizontalPodAutoscaler' && hpaTarget(index, r)) continue;
      // The lists not read are named once for the namespace, not under every object.
      const d = diagnose(index, { kind, name: r.name, namespace }, { ...opts, gapNote: false });
      for (const n of d.notes) notes.add(n);
      // What it rests on could not be read (named in `unread`): neither healthy nor unhealthy.
      if (d.status === 'unknown') continue;
      if (d.status === 'healthy') healthy++;
      else out.push(d);
    }
  }
  const rank = (d: Diagnosis) => (d.status === 'broken' ? 0 : d.status === 'degraded' ? 1 : 2);
  const weight = (d: Diagnosis) => d.problems.filter((p) => p.severity === 'error').reduce((a, p) => a + Math.max(1, p.pods.length), 0);
  out.sort((a, b) => rank(a) - rank(b) || weight(b) - weight(a) || NS_KINDS.indexOf(a.target.kind as DiagnoseKind) - NS_KINDS.indexOf(b.target.kind as DiagnoseKind) || a.target.name.localeCompare(b.target.name));
  if (index.inNamespace('Pod', namespace).length === 0 && out.length === 0 && healthy === 0 && missing.length === 0) notes.add(`nothing with a status in namespace ${namespace} ${sourceWhere(index)}`);
  const others = unreadOf(opts, null, namespace).filter((u) => !NS_KINDS.includes(u.kind as DiagnoseKind));
  if (others.length) notes.add(`not read: ${unreadText(others)}: what those objects would show is missing from these diagnoses`);
  return { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, namespace, diagnoses: out, healthy, unread: missing.length ? unreadText(missing) : null, notes: [...notes] };
}

/** The previous-container logs worth reading (crashed containers), at most `max`. */
export function logRequests(diagnoses: Diagnosis[], max = 3): LogRequest[] {
  const out: LogRequest[] = [];
  for (const d of diagnoses) for (const p of d.problems) if (p.logs && !p.logs.lines && out.length < max) {
    if (!out.some((l) => l.namespace === p.logs!.namespace && l.pod === p.logs!.pod && l.container === p.logs!.container)) out.push({ namespace: p.logs.namespace, pod: p.logs.pod, container: p.logs.container, previous: p.logs.previous });
  }
  return out;
}

/** Attach what was read (or why not) to the problems that asked. */
export function attachLogs(diagnoses: Diagnosis[], results: (LogRequest & { lines?: string[]; unavailable?: string })[]): void {
  for (const d of diagnoses) {
    for (const p of d.problems) {
      if (!p.logs) continue;
      const r = results.find((l) => l.namespace === p.logs!.namespace && l.pod === p.logs!.pod && l.container === p.logs!.container);
      if (r) {
        p.logs.lines = r.lines ?? null;
        p.logs.unavailable = r.lines ? null : (r.unavailable ?? 'not read');
      } else if (!p.logs.lines && !p.logs.unavailable) p.logs.unavailable = 'not read (only the first crashed containers\' logs are fetched)';
    }
  }
}

/** Is this diagnosis about something broken (exit code)? */
export function isUnhealthy(d: Diagnosis): boolean {
  return d.status === 'broken' || d.status === 'degraded';
}
