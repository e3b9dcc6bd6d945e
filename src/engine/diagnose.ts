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
import type { ResourceIndex } from '../model/index.js';
import type { FieldPath, Resource } from '../model/types.js';
import { describeEvent, eventContainer, eventsFor, formatDuration, formatTime, latestEvent, observedAt, type ObjectEvent } from '../model/events.js';
import {
  availabilityOf,
  conditionOf,
  configErrors,
  containerStatuses,
  controllerOf,
  crashLoops,
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
import { formatLabels } from '../model/selector.js';
import { get, getArray, getNumber, getString, isObject, stringMap } from '../model/util.js';
import { findCheck } from '../checks/index.js';
import { formatPath } from './audit.js';
import { PULL_CAUSE_TEXT } from '../checks/runtime/image-pull-failure.js';
import { pvcCause } from '../checks/runtime/pvc-pending.js';
import { nearMisses, podState } from '../checks/runtime/service-no-ready-endpoints.js';
import { unavailable } from '../checks/runtime/workload-unavailable.js';
import { describeMissing, referencePath } from '../checks/runtime/create-container-config-error.js';
import { lastRunText } from '../checks/runtime/crashloop-backoff.js';

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
};

export type DiagnoseKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'Service' | 'PersistentVolumeClaim' | 'Node';

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
};

/** kubectl resource names, for commands. */
const KUBECTL_NAME: Record<DiagnoseKind, string> = {
  Pod: 'pod', Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemonset', ReplicaSet: 'replicaset', Job: 'job', CronJob: 'cronjob',
  Service: 'service', PersistentVolumeClaim: 'pvc', Node: 'node',
};

/** Parse `deploy/web` (kubectl style). */
export function parseTarget(s: string): { kind: DiagnoseKind; name: string } | { error: string } {
  const i = s.indexOf('/');
  if (i <= 0 || i === s.length - 1) return { error: `"${s}" is not KIND/NAME (e.g. deploy/web, pod/web-0, svc/web, pvc/data)` };
  const k = s.slice(0, i).toLowerCase().replace(/\.(apps|batch|v1)$/, '');
  const kind = KIND_NAMES[k];
  if (!kind) return { error: `unknown kind "${s.slice(0, i)}": use pod (po), deployment (deploy), statefulset (sts), daemonset (ds), replicaset (rs), job, cronjob (cj), service (svc), pvc or node (no)` };
  return { kind, name: s.slice(i + 1) };
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

/** not-found: no such object in the input; no-status: the object has no status (a manifest), nothing to diagnose. */
export type DiagnosisStatus = 'broken' | 'degraded' | 'healthy' | 'not-found' | 'no-status';

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
}

export interface NamespaceDiagnosis {
  schemaVersion: number;
  namespace: string;
  /** Unhealthy objects, worst first. */
  diagnoses: Diagnosis[];
  /** Objects looked at and found healthy. */
  healthy: number;
  notes: string[];
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
  return { source: 'event', object: ref(e.resource, index), field: formatPath(e.messagePath), text: describeEvent(e, 400) };
}

function st(r: Resource, path: FieldPath, text: string, index: ResourceIndex, source = 'status'): Evidence {
  return { source, object: ref(r, index), field: formatPath(path), text };
}

/** The object commands act on: the workload when the pod has one in the input, else the pod. */
interface Owner {
  /** `deployment/web` */
  kubectl: string;
  /** Can its pod template be changed in place (kubectl set ...)? */
  mutable: boolean;
  resource: Resource;
}

function ownerOf(index: ResourceIndex, pod: Resource): Owner {
  const top = topOwner(index, pod);
  const kind = top.kind as DiagnoseKind;
  const name = (Object.hasOwn(KUBECTL_NAME, kind) ? KUBECTL_NAME[kind] : undefined) ?? top.kind.toLowerCase();
  return { kubectl: `${name}/${top.name}`, mutable: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(top.kind), resource: top };
}

function nsFlag(index: ResourceIndex, r: Resource): string {
  return `-n ${index.namespaceOf(r)}`;
}

const SEVERITY_RANK = { error: 0, warning: 1 } as const;

/** Root causes before their consequences: what to fix first. */
const CAUSE_ORDER = [
  'node-not-ready',
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
}

/** The container's limits and requests, for evidence. */
function resourcesText(c: ContainerStatus): string {
  const lim = memoryLimitOf(c);
  const req = memoryRequestOf(c);
  return `memory limit ${lim ? `${lim.text}${lim.level === 'pod' ? ' (pod-level)' : ''}` : 'none'}, request ${req ?? 'none'}`;
}

function containerYaml(c: ContainerStatus, body: string): string {
  const indented = body.split('\n').map((l) => `    ${l}`).join('\n');
  return `containers:\n  - name: ${c.name}\n${indented}`;
}

function backoffEvidence(x: Ctx, pod: Resource, c: ContainerStatus): Evidence[] {
  const e = latestEvent(eventsFor(x.index, pod), (v) => v.reason === 'BackOff' && eventContainer(v) === c.name);
  return e ? [ev(e, x.index)] : [];
}

function logsFor(x: Ctx, pod: Resource, c: ContainerStatus): LogAttachment {
  return { namespace: x.index.namespaceOf(pod), pod: pod.name, container: c.name, previous: true, lines: null, unavailable: x.opts.logsUnavailable ?? null };
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
    if (k.limit) {
      const next = formatBytes(k.limit.bytes * 2);
      cause = `the container needs more memory than its ${k.limit.text} limit: when it reaches it, the kernel kills it (exit 137, reason OOMKilled) and the kubelet restarts it. Either the limit is below its real working set, or it leaks (usage climbing steadily until each kill); a runtime heap (JVM -Xmx, Node --max-old-space-size) larger than the limit does the same`;
      fix = {
        text: `Measure the peak working set and set the limit above it (twice the current limit, ${next}, is a starting point, not a measurement); if usage grows without bound, fix the leak or cap the heap below the limit.`,
        commands: [
          `kubectl ${nsFlag(x.index, pod)} top pod ${pod.name} --containers`,
          owner.mutable ? `kubectl ${nsFlag(x.index, pod)} set resources ${owner.kubectl} -c ${c.name} --limits=memory=${next}` : `# ${owner.kubectl} cannot be changed in place: change the manifest and recreate it`,
        ],
        yaml: containerYaml(c, `resources:\n  requests:\n    memory: ${next}   # was ${memoryRequestOf(c) ?? 'not set'}\n  limits:\n    memory: ${next}   # was ${k.limit.text}`),
      };
      // The container has a limit, so memory-limit-missing would not fire: no manifest check can
      // say a limit is too small for what the program does; measurement and an alert can.
      prevent.push(prevention(null, 'a limit too small for what the program does shows only in measurement: size it from the peak working set (container_memory_working_set_bytes), and alert when the working set stays above 90% of the limit, so a leak pages before it kills'));
      prevent.push(prevention('runtime-heap-exceeds-memory-limit', 'a runtime heap setting that does not fit the memory limit is caught in the manifest'));
    } else {
      cause = 'the container has no memory limit, so it was not its own limit: the node ran out of memory and the kernel OOM killer picked it. Some pod on that node (maybe this one) uses more memory than it requests';
      fix = {
        text: 'Give every container on the node a memory request and limit from measured usage, so the scheduler stops overpacking the node.',
        commands: [`kubectl describe node ${getString(pod.object, ['spec', 'nodeName']) ?? 'NODE'}`, `kubectl ${nsFlag(x.index, pod)} top pod ${pod.name} --containers`],
        yaml: containerYaml(c, 'resources:\n  requests:\n    memory: 512Mi\n  limits:\n    memory: 512Mi'),
      };
      prevent.push(prevention('memory-limit-missing', 'a memory limit confines an OOM kill to the container that leaks'));
      prevent.push(prevention('memory-request-missing', 'requests are what keep the scheduler from putting more on a node than it holds'));
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
  const rollout: Prevention[] = [
    prevention('readiness-probe-missing', 'with a readiness probe, a rollout of a crashing version stops at the first new pod while the old ones keep serving'),
    prevention('rolling-update-unavailable', 'maxUnavailable 0 keeps every old pod until a new one is Ready'),
  ];
  if (liveness) {
    return {
      cause: `the liveness probe fails (${liveness.count} failure${liveness.count === 1 ? '' : 's'}; last: "${liveness.message}") and the kubelet kills the container${t?.exitCode !== undefined ? ` (${exitCodeMeaning(t.exitCode, t.signal)})` : ''}: the probe, not necessarily the application, is what fails. A probe with a short timeout on a busy or slow-starting process, or one that checks a dependency, restarts a healthy container`,
      fix: {
        text: 'Check what the probe calls and how long it takes; add a startup probe for slow starts, raise timeoutSeconds and failureThreshold, and make liveness check only that the process is alive.',
        commands: [`kubectl ${n} describe pod ${pod.name}`, logs],
        yaml: containerYaml(c, 'startupProbe:\n  httpGet: {path: /healthz, port: 8080}\n  periodSeconds: 5\n  failureThreshold: 60\nlivenessProbe:\n  httpGet: {path: /healthz, port: 8080}\n  timeoutSeconds: 5\n  failureThreshold: 3'),
      },
      prevent: [
        prevention('liveness-without-startup-probe', 'a startup probe protects a slow start from the liveness probe'),
        prevention('liveness-failure-threshold-one', 'one failed check must not restart the container'),
        prevention('liveness-equals-readiness', 'liveness must not check what readiness checks (dependencies)'),
      ],
    };
  }
  const code = t?.exitCode;
  const msg = t?.message ? ` The termination message says: "${t.message.replace(/\s+/g, ' ').trim().slice(0, 300)}".` : '';
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

const PULL_FIX: Record<PullCause, (image: string, x: { n: string; owner: Owner; c: string }) => Problem['fix']> = {
  'not-found': (image, { n, owner, c }) => ({
    text: `Point the container at an image that exists: check the tag (a typo, a tag never pushed, or one deleted by a retention policy).`,
    commands: [`docker manifest inspect ${image}   # or: crane digest ${image}`, owner.mutable ? `kubectl ${n} set image ${owner.kubectl} ${c}=${image.replace(/[:@][^/]*$/, '')}:<a tag that exists>` : `# fix the image in the manifest and recreate ${owner.kubectl}`],
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
  network: (image) => ({
    text: `Check that the nodes can resolve and reach ${registryOf(image)} (DNS, egress firewall, proxy settings of the container runtime, the registry's TLS certificate).`,
    commands: [`kubectl debug node/<node> -it --image=busybox -- nslookup ${registryOf(image)}`],
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

function pullProblems(x: Ctx, pod: Resource): Problem[] {
  return imagePulls(x.index, pod).map((p) => {
    const image = p.image ?? '<image>';
    const owner = ownerOf(x.index, pod);
    const evidence: Evidence[] = [st(pod, [...(p.c.state?.path ?? p.c.statusPath), 'reason'], `state.waiting: ${p.reason}${p.c.state?.message ? ` ("${p.c.state.message}")` : ''}`, x.index)];
    if (p.event) evidence.push(ev(p.event, x.index));
    return {
      check: 'image-pull-failure',
      severity: 'error' as const,
      symptom: `image "${image}" of container "${p.c.name}" cannot be pulled (${p.reason})`,
      object: ref(pod, x.index),
      container: p.c.name,
      pods: [pod.name],
      evidence,
      cause: `${PULL_CAUSE_TEXT[p.cause]}${p.detail ? `: "${p.detail.slice(0, 300)}"` : ''}`,
      fix: PULL_FIX[p.cause](image, { n: nsFlag(x.index, pod), owner, c: p.c.name }),
      prevent: [
        prevention('image-not-pinned-by-digest', 'a digest CI pushed and tested exists; a mutable tag can be missing or different on each node'),
        prevention('image-tag-latest', 'no :latest or untagged images'),
      ],
      logs: null,
    };
  });
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
      const create = e.missing.kind === 'ConfigMap'
        ? e.missing.key
          ? `kubectl ${n} patch configmap ${e.missing.name} --type merge -p '{"data":{"${e.missing.key}":"<value>"}}'`
          : `kubectl ${n} create configmap ${e.missing.name} --from-env-file=<file>`
        : e.missing.key
          ? `kubectl ${n} patch secret ${e.missing.name} --type merge -p '{"stringData":{"${e.missing.key}":"<value>"}}'`
          : `kubectl ${n} create secret generic ${e.missing.name} --from-literal=<key>=<value>`;
      fix = {
        text: `Create the ${e.missing.kind}${e.missing.key ? ` key` : ''} (or fix the name in the reference); mark the reference optional only if the application copes without it.`,
        commands: [`kubectl ${n} get ${e.missing.kind === 'ConfigMap' ? 'configmaps' : 'secrets'}`, create],
        yaml: e.missing.kind === 'ConfigMap'
          ? `envFrom:\n  - configMapRef:\n      name: ${e.missing.name}\n      optional: false   # must exist in ${ns}`
          : `env:\n  - name: <VAR>\n    valueFrom:\n      secretKeyRef:\n        name: ${e.missing.name}\n        key: ${e.missing.key ?? '<key>'}`,
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
      prevent: e.nonRoot
        ? [prevention('run-as-non-root', 'the manifest check says which containers may run as root')]
        : [prevention('volume-source-missing', 'every referenced ConfigMap and Secret ships with the workload, or the reference is optional')],
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
    else cause = 'the container is not ready and the input has no probe failure events for it (events expire after an hour): check the readiness endpoint directly';
    prevent.push(prevention('rolling-update-unavailable', 'a rolling update keeps old pods serving while new ones are not ready'));
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
      prevent,
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
    if (lv) evidence.push(ev(lv.last, x.index));
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
      prevent: lv ? why.prevent : isObject(get(c.spec, ['livenessProbe'])) ? [prevention('liveness-failure-threshold-one', 'a liveness probe that restarts on one failure causes restarts of healthy containers')] : [],
      logs: logsFor(x, pod, c),
    });
  }
  return out;
}

const SCHEDULING_FIX: Partial<Record<SchedulingKind, (x: { n: string; owner: Owner; c: string }) => { text: string; commands: string[]; yaml: string | null; prevent: Prevention[] }>> = {
  insufficient: ({ n, owner, c }) => ({
    text: 'Make the pod fit: lower its requests to what it really uses, or add capacity (a larger node pool, or let the cluster autoscaler add nodes).',
    commands: ['kubectl describe nodes | grep -A 8 "Allocated resources"', owner.mutable ? `kubectl ${n} set resources ${owner.kubectl} -c ${c} --requests=memory=<measured peak>,cpu=<measured>` : `# lower the requests in the manifest of ${owner.kubectl}`],
    yaml: `containers:\n  - name: ${c}\n    resources:\n      requests:\n        memory: <measured peak + headroom>\n        cpu: <measured>`,
    prevent: [prevention(null, 'no manifest check can know the cluster\'s free capacity: size requests from measured usage, and give the cluster autoscaler room in its node groups')],
  }),
  taint: () => ({
    text: 'Tolerate the taint if the pod belongs on those nodes, or remove the taint, or add nodes without it.',
    commands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints'],
    yaml: 'tolerations:\n  - key: <taint key>\n    operator: Equal\n    value: <taint value>\n    effect: NoSchedule',
    prevent: [prevention(null, 'taints are cluster state: no manifest check can see them')],
  }),
  'node-affinity': () => ({
    text: 'No node carries the labels the pod requires: fix the nodeSelector or required node affinity, or label the nodes.',
    commands: ['kubectl get nodes --show-labels'],
    yaml: 'nodeSelector:\n  <label>: <value that a node has>',
    prevent: [prevention(null, 'node labels are cluster state: no manifest check can see them')],
  }),
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
    text: 'The pod waits for a claim that is not bound: see the claim\'s problem below.',
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

function schedulingProblems(x: Ctx, pod: Resource): Problem[] {
  const u = unschedulable(x.index, pod);
  if (!u) return [];
  const evidence: Evidence[] = [st(pod, [...u.condition.path, 'reason'], `condition PodScheduled=False (Unschedulable) since ${formatTime(u.condition.since)}`, x.index)];
  if (u.event) evidence.push(ev(u.event, x.index));
  else if (u.condition.message) evidence.push(st(pod, [...u.condition.path, 'message'], `scheduler: "${u.condition.message}"`, x.index));
  const req = podRequests(pod);
  const first = u.analysis.reasons[0];
  const rooms = nodeRoom(x.index).filter((r) => r.schedulable);
  let cause = `the scheduler finds no node for it: ${u.analysis.summary}`;
  if (first?.kind === 'insufficient' && (first.detail === 'memory' || first.detail === 'cpu')) {
    const res = first.detail;
    const asked = res === 'memory' ? formatBytes(req.memory) : formatCpu(req.cpu);
    evidence.push(st(pod, ['spec', 'containers'], `the pod requests ${asked} ${res}`, x.index, 'spec'));
    const frees = rooms.map((r) => ({ node: r.node.name, free: r.free[res], alloc: r.allocatable[res] })).filter((r): r is { node: string; free: number; alloc: number } => r.free !== undefined && r.alloc !== undefined);
    if (frees.length) {
      const top = frees.sort((a, b) => b.free - a.free)[0];
      const fmt = (v: number) => (res === 'memory' ? formatBytes(Math.max(0, v)) : formatCpu(Math.max(0, v)));
      evidence.push({ source: 'nodes', object: null, field: null, text: `most ${res} unrequested on a schedulable node: ${fmt(top.free)} on ${top.node} (allocatable ${fmt(top.alloc)}), over ${frees.length} node${frees.length === 1 ? '' : 's'} in the input` });
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
  const f = (first && SCHEDULING_FIX[first.kind]?.({ n: nsFlag(x.index, pod), owner, c: container })) ?? {
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
      prevent: f.prevent,
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
    // An init container that runs (waiting for a database) is not that: the main ones wait for it.
    if (containerStatuses(pod).some((c) => c.type === 'init' && c.state?.phase === 'running')) return [];
    const since = scheduled.since;
    if (since === undefined || x.now === undefined || x.now - since < 5 * 60_000) return [];
    const node = getString(pod.object, ['spec', 'nodeName']);
    return [
      {
        check: 'pod-stuck-creating',
        severity: 'warning',
        symptom: `pod stuck in ${stuck[0]?.state?.reason ?? 'Pending'} for ${formatDuration(x.now - since)}`,
        object: ref(pod, x.index),
        container: null,
        pods: [pod.name],
        evidence: [st(pod, [...scheduled.path, 'status'], `scheduled${node ? ` to node ${node}` : ''} at ${formatTime(since)}; phase still Pending, with no Warning event from the kubelet`, x.index)],
        cause: `the pod was scheduled ${formatDuration(x.now - since)} ago and its containers are still being created, and no event says why: the kubelet${node ? ` on ${node}` : ''} may not be reporting (its Node's Ready condition), or a slow image pull or volume attach has not failed yet`,
        fix: { text: 'Read the pod\'s events and its node\'s conditions; if the kubelet is not reporting, fix or drain the node.', commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`, ...(node ? [`kubectl describe node ${node}`] : [])], yaml: null },
        prevent: [],
        logs: null,
      },
    ];
  }
  let cause = `the kubelet cannot set the pod up (${w.reason}): "${w.message.slice(0, 300)}"`;
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
    cause = `the pod sandbox (network namespace) cannot be created: the CNI plugin fails on that node: "${w.message.slice(0, 300)}"`;
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
      prevent,
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
  const existing = classes.find((c) => stringMap(get(c.object, ['metadata', 'annotations']))['storageclass.kubernetes.io/is-default-class'] === 'true') ?? classes[0];
  let fix: Problem['fix'];
  if (p.classMissing || (p.lastWarning && /storageclass\.storage\.k8s\.io "[^"]+" not found/.test(p.lastWarning.message))) {
    fix = {
      text: `Use a StorageClass that exists${existing ? ` (e.g. ${existing.name})` : ''}. storageClassName cannot be changed on an existing claim: delete and recreate it (nothing was ever provisioned for it), or create the missing class.`,
      commands: ['kubectl get storageclass', `kubectl ${n} delete pvc ${pvc.name}   # then apply it with the new storageClassName`],
      yaml: `spec:\n  storageClassName: ${existing?.name ?? '<an existing class>'}`,
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
    prevent: [prevention('pvc-storage-class-missing', 'a claim must name a StorageClass the cluster defines')],
    logs: null,
  };
}

function nodeProblems(x: Ctx, node: Resource): Problem[] {
  const out: Problem[] = [];
  const c = nodeReady(node);
  if (c && c.status !== 'True') {
    const e = latestEvent(eventsFor(x.index, node), (v) => v.type === 'Warning' || v.reason === 'NodeNotReady');
    out.push({
      check: 'node-not-ready',
      severity: 'error',
      symptom: `node ${node.name} is NotReady (Ready=${c.status})`,
      object: ref(node, x.index),
      container: null,
      pods: [],
      evidence: [st(node, c.path, `condition Ready=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? ` "${c.message}"` : ''} since ${formatTime(c.since)}`, x.index), ...(e ? [ev(e, x.index)] : [])],
      cause: c.status === 'Unknown' ? 'the kubelet stopped reporting: the node is down, partitioned from the control plane, or its kubelet or container runtime has stopped' : `the kubelet reports the node unhealthy: ${c.message ?? c.reason ?? 'no reason given'}`,
      fix: { text: 'Check the machine: kubelet and container runtime status and logs, network, disk; cordon and drain it if it does not recover.', commands: [`kubectl describe node ${node.name}`, `kubectl drain ${node.name} --ignore-daemonsets --delete-emptydir-data`], yaml: null },
      prevent: [prevention('no-pod-anti-affinity', 'replicas spread over nodes survive one node'), prevention('pdb-missing', 'a PodDisruptionBudget keeps enough replicas during drains')],
      logs: null,
    });
  }
  for (const p of nodePressure(node)) {
    out.push({
      check: 'node-pressure',
      severity: 'warning',
      symptom: `node ${node.name} under ${p.type}`,
      object: ref(node, x.index),
      container: null,
      pods: [],
      evidence: [st(node, p.path, `condition ${p.type}=True${p.message ? ` "${p.message}"` : ''} since ${formatTime(p.since)}`, x.index)],
      cause: `the node is short of ${p.type === 'MemoryPressure' ? 'memory' : p.type === 'DiskPressure' ? 'disk' : 'process ids'}: the kubelet evicts pods to recover`,
      fix: { text: 'Find the pods using more than they request and set requests and limits from measured usage.', commands: [`kubectl describe node ${node.name}`, 'kubectl top pod -A --sort-by=memory'], yaml: null },
      prevent: [prevention('memory-request-missing', 'requests keep the scheduler from overpacking nodes'), prevention('emptydir-memory-no-size-limit', 'memory-backed emptyDir volumes count against node memory')],
      logs: null,
    });
  }
  return out;
}

/** Everything wrong with one pod, its claims and its node. */
function podProblems(x: Ctx, pod: Resource): Problem[] {
  const out = [
    ...schedulingProblems(x, pod),
    ...creatingProblems(x, pod),
    ...pullProblems(x, pod),
    ...configProblems(x, pod),
    ...oomProblems(x, pod),
    ...crashProblems(x, pod),
    ...notReadyProblems(x, pod),
    ...restartProblems(x, pod),
  ];
  // Probe failures not already explained by a crash loop or a not-ready container.
  for (const f of probeFailures(x.index, pod)) {
    if (f.count < 3) continue;
    if (out.some((p) => p.container === f.container && (p.check === 'crashloop-backoff' || p.check === 'container-not-ready' || p.check === 'frequent-restarts'))) continue;
    out.push({
      check: 'probe-failing',
      severity: 'warning',
      symptom: `${f.probe} probe of container "${f.container ?? '?'}" failed ${f.count} times`,
      object: ref(pod, x.index),
      container: f.container ?? null,
      pods: [pod.name],
      evidence: [ev(f.last, x.index)],
      cause: `the ${f.probe} probe fails intermittently ("${f.last.message}")${f.probe === 'liveness' ? ': each failure streak restarts the container' : f.probe === 'readiness' ? ': the pod drops out of endpoints while it fails' : ''}`,
      fix: { text: 'Give the probe a realistic timeout and threshold, and make it check only this pod.', commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`], yaml: null },
      prevent: [prevention('probe-timeout-not-below-period', 'probe timing that can be met'), prevention('liveness-equals-readiness', 'liveness must not check dependencies')],
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

function workloadDiagnosis(x: Ctx, r: Resource): Diagnosis {
  const index = x.index;
  const walked: string[] = [show(ref(r, index))];
  const mids = intermediatesOf(index, r);
  for (const m of mids) {
    const rev = stringMap(get(m.object, ['metadata', 'annotations']))['deployment.kubernetes.io/revision'];
    const n = podsOf(index, m).length;
    walked.push(`${m.kind} ${m.name}${rev ? ` (revision ${rev})` : ''}: ${n} pod${n === 1 ? '' : 's'}`);
  }
  const pods = podsOf(index, r).filter((p) => !isTerminating(p));
  if (pods.length) walked.push(`Pods: ${pods.slice(0, 6).map((p) => p.name).join(', ')}${pods.length > 6 ? `, ... (${pods.length})` : ''} (${podsLine(pods)})`);
  const evCount = [r, ...mids, ...pods].reduce((a, o) => a + eventsFor(index, o).length, 0);
  walked.push(`Events: ${evCount}`);
  if (index.ofKind('Event').length === 0) x.notes.add('the input holds no Events: causes are read from status only (kubectl get events -o yaml adds them)');
  if (pods.length === 0 && r.kind !== 'CronJob') x.notes.add(`no pods of ${r.kind} ${r.name} in the input (matched by ownerReferences uid)`);

  let problems: Problem[] = [];
  for (const p of pods) problems.push(...podProblems(x, p));
  problems = mergeAcrossPods(problems);

  // Controller-level problems: pods that cannot be created, failed Jobs.
  const fc = [r, ...mids].flatMap((o) => warnings(index, o)).filter((e) => /FailedCreate/.test(e.reason)).sort((a, b) => (a.time ?? -Infinity) - (b.time ?? -Infinity)).pop();
  if (fc) {
    const quota = /exceeded quota/i.test(fc.message);
    problems.push({
      check: 'pods-cannot-be-created',
      severity: 'error',
      symptom: `pods cannot be created (${fc.reason})`,
      object: { kind: fc.regarding.kind ?? r.kind, name: fc.regarding.name ?? r.name, namespace: index.namespaceOf(r) },
      container: null,
      pods: [],
      evidence: [ev(fc, index)],
      cause: quota
        ? 'a ResourceQuota of the namespace has no room for another pod with these requests'
        : /violates PodSecurity/i.test(fc.message)
          ? 'the namespace\'s Pod Security admission rejects the pod template'
          : /admission webhook/i.test(fc.message)
            ? 'an admission webhook rejects the pods'
            : `the controller cannot create pods: "${fc.message.slice(0, 300)}"`,
      fix: quota
        ? { text: 'Raise the quota, lower the pods\' requests, or free room in the namespace.', commands: [`kubectl ${nsFlag(index, r)} describe resourcequota`], yaml: null }
        : { text: 'Change the pod template so admission accepts it (the event names the rule).', commands: [`kubectl ${nsFlag(index, r)} describe ${KUBECTL_NAME[r.kind as DiagnoseKind] ?? r.kind.toLowerCase()} ${r.name}`], yaml: null },
      prevent: quota ? [prevention('quota-requires-resources', 'quota and pod requests checked together')] : /PodSecurity/i.test(fc.message) ? [prevention('privileged-container', 'the Pod Security checks say which level the template meets')] : [],
      logs: null,
    });
  }
  if (r.kind === 'Job') {
    const failed = conditionOf(r, 'Failed');
    if (failed?.status === 'True') {
      problems.push({
        check: 'job-failed',
        severity: 'error',
        symptom: `Job failed (${failed.reason ?? 'Failed'})`,
        object: ref(r, index),
        container: null,
        pods: pods.map((p) => p.name),
        evidence: [st(r, failed.path, `condition Failed=True${failed.reason ? ` (${failed.reason})` : ''}${failed.message ? ` "${failed.message}"` : ''} since ${formatTime(failed.since)}`, index)],
        cause: failed.reason === 'BackoffLimitExceeded' ? `every retry failed: the Job reached its backoffLimit (${jobPodsText(problems, pods)})` : failed.reason === 'DeadlineExceeded' ? 'the Job ran longer than activeDeadlineSeconds' : (failed.message ?? 'the Job failed'),
        fix: { text: 'Fix why the pods fail, then rerun the Job (a Job\'s template cannot be changed: delete and recreate it).', commands: [`kubectl ${nsFlag(index, r)} logs job/${r.name} --tail=50`], yaml: null },
        prevent: [],
        logs: null,
      });
    }
  }
  // A rollout past its progress deadline while the old pods still serve: the new version never comes.
  const av = availabilityOf(r);
  if (r.kind === 'Deployment' && av && !av.stale && av.available >= av.desired && av.progressing?.status === 'False' && av.progressing.reason === 'ProgressDeadlineExceeded') {
    const deadline = getNumber(r.object, ['spec', 'progressDeadlineSeconds']) ?? 600;
    problems.push({
      check: 'workload-unavailable',
      severity: 'warning',
      symptom: 'rollout stuck (ProgressDeadlineExceeded)',
      object: ref(r, index),
      container: null,
      pods: [],
      evidence: [st(r, ['status', 'conditions'], `condition Progressing=False (ProgressDeadlineExceeded)${av.progressing.since !== undefined ? ` since ${formatTime(av.progressing.since)}` : ''}${av.progressing.message ? `: "${av.progressing.message.slice(0, 200)}"` : ''}`, index)],
      cause: `the rollout made no progress for progressDeadlineSeconds (${deadline} s): ${av.available} of ${av.desired} replicas are available${av.updated !== undefined ? ` and ${av.updated} ${av.updated === 1 ? 'pod has' : 'pods have'} the new version` : ''}, so the service runs, but the rest of the new version does not come`,
      fix: {
        text: 'Find why the new pods do not become available (their problems, if any, are listed here; else kubectl describe the newest ReplicaSet\'s pods), then fix it or roll back.',
        commands: [`kubectl ${nsFlag(index, r)} rollout status deployment/${r.name}`, `kubectl ${nsFlag(index, r)} rollout undo deployment/${r.name}`],
        yaml: null,
      },
      prevent: [],
      logs: null,
    });
  }
  sortProblems(problems);

  const symptomParts: string[] = [];
  const a = av;
  if (a && a.available < a.desired) {
    const u = unavailable(index, r, 0);
    symptomParts.push(`${r.kind === 'Deployment' ? a.available : a.ready} of ${a.desired} replicas ${r.kind === 'Deployment' ? 'available' : 'ready'}${u ? ` (${u.why})` : ''}`);
  } else if (r.kind === 'DaemonSet') {
    const desired = getNumber(r.object, ['status', 'desiredNumberScheduled']);
    const avail = getNumber(r.object, ['status', 'numberAvailable']) ?? 0;
    if (desired !== undefined && avail < desired) symptomParts.push(`${avail} of ${desired} daemon pods available`);
  }
  if (problems.length) symptomParts.push(problems[0].symptom + (problems[0].object.kind === 'Pod' && pods.length > 1 ? ` in ${problems[0].pods.length} of ${pods.length} pods` : ''));
  const status = statusOf(problems);
  // A workload below its replicas with nothing explaining it is at least degraded.
  const short = a && a.available < a.desired && !a.stale;
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(r, index),
    status: status === 'healthy' && short ? 'degraded' : status,
    symptom: symptomParts.join('; ') || (pods.length ? `all ${pods.length} pod${pods.length === 1 ? '' : 's'} healthy` : 'no problem found'),
    walked,
    problems,
    notes: [...x.notes],
  };
}

/** Why a failed Job's pods failed, as far as their statuses say (exit codes), for the Job's cause. */
function jobPodsText(problems: Problem[], pods: Resource[]): string {
  if (problems.some((p) => p.object.kind === 'Pod')) return "see the pods' problems for why they fail";
  const exits = pods.flatMap((p) =>
    containerStatuses(p)
      .map((c) => ({ pod: p.name, c: c.name, t: lastTermination(c) }))
      .filter((x) => x.t?.exitCode !== undefined && x.t.exitCode !== 0),
  );
  if (exits.length) {
    const shown = exits.slice(0, 3).map((x) => `${x.pod}/${x.c}: ${exitCodeMeaning(x.t!.exitCode, x.t!.signal)}${x.t!.reason ? `, reason ${x.t!.reason}` : ''}`);
    return `${shown.join('; ')}${exits.length > 3 ? `; ${exits.length - 3} more` : ''}: their logs say why`;
  }
  return pods.length ? 'its pods record no exit code: their logs say why' : "its pods are gone: the last one's log, if kept, says why";
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
  walked.push(ep ? `${ep.kind}: ${ep.sources.map((s) => s.name).join(', ')}: ${ep.ready} ready, ${ep.notReady} not ready` : 'EndpointSlices: none in the input');
  if (!ep) x.notes.add('the input holds no EndpointSlice for this Service: readiness is judged from the pods');
  const problems: Problem[] = [];
  const noReady = ep ? ep.ready === 0 : pods.length > 0 && !pods.some(isPodReady);
  const svcEvidence = (): Evidence[] => (ep ? ep.sources.slice(0, 3).map((s) => st(s, ep.kind === 'EndpointSlice' ? ['endpoints'] : ['subsets'], `${ep.kind} ${s.name}: ${ep.ready} ready, ${ep.notReady} not ready endpoints`, index, 'endpoints')) : []);
  if (pods.length === 0) {
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
        prevent: [prevention('service-selects-nothing', 'a selector that matches no workload\'s pod labels (with the near miss named) is caught in the manifests')],
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
        prevent: [prevention('service-selects-nothing', 'the manifests are checked for Services that select nothing')],
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
      cause: podProbs.length ? `the selected pods are not ready: ${podProbs[0].symptom} (below)` : 'the selected pods are not ready',
      fix: { text: 'Fix what keeps the pods unready (the problems below).', commands: [], yaml: null },
      prevent: [prevention('service-backends-without-readiness', 'every backend has a readiness probe, so only ready pods get traffic')],
      logs: null,
    });
    problems.push(...podProbs);
  } else {
    // Endpoints are ready: check the ports the Service targets.
    const targets = getArray(svc.object, ['spec', 'ports']).map((p) => get(p, ['targetPort']) ?? get(p, ['port']));
    const declared = new Set<string | number>();
    for (const p of pods.slice(0, 1)) for (const c of getArray(p.object, ['spec', 'containers'])) for (const port of getArray(c, ['ports'])) {
      const n = getNumber(port, ['containerPort']);
      const name = getString(port, ['name']);
      if (n !== undefined) declared.add(n);
      if (name) declared.add(name);
    }
    const named = targets.filter((t): t is string => typeof t === 'string' && !declared.has(t));
    if (named.length && declared.size) {
      problems.push({
        check: null,
        severity: 'error',
        symptom: `Service targetPort "${named[0]}" is not a port name of the pods`,
        object: ref(svc, index),
        container: null,
        pods: pods.map((p) => p.name),
        evidence: [st(svc, ['spec', 'ports'], `targetPort ${named.map((t) => `"${t}"`).join(', ')}; the pods declare ${[...declared].join(', ')}`, index, 'spec')],
        cause: 'a named targetPort must match a containerPort name of the pods: no endpoint port is published for it',
        fix: { text: 'Use the port name (or number) the containers declare.', commands: [], yaml: null },
        prevent: [prevention('service-target-port-unresolved', 'a named targetPort the pods do not declare')],
        logs: null,
      });
    }
  }
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
  walked.push(`StorageClass: ${typeof cls === 'string' ? (cls === '' ? '"" (static binding)' : cls) : `unset (default: ${p?.storageClass ?? 'none in the input'})`}${p?.classObject ? '' : typeof cls === 'string' && cls !== '' ? ' (not in the input)' : ''}`);
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

function nodeDiagnosis(x: Ctx, node: Resource): Diagnosis {
  const problems = sortProblems(nodeProblems(x, node));
  const pods = x.index.ofKind('Pod').filter((p) => getString(p.object, ['spec', 'nodeName']) === node.name);
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(node, x.index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? 'node Ready, no pressure',
    walked: [show(ref(node, x.index)), `Pods on it: ${pods.length}`],
    problems,
    notes: [],
  };
}

/** Diagnose one object. */
export function diagnose(index: ResourceIndex, target: { kind: DiagnoseKind; name: string; namespace: string }, opts: DiagnoseOptions = {}): Diagnosis {
  const x = ctxOf(index, opts);
  const r = findTarget(index, target.kind, target.name, target.namespace);
  const tref: ObjectRef = { kind: target.kind, name: target.name, namespace: target.kind === 'Node' ? null : target.namespace };
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
  if (!hasStatus(r)) {
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
    default:
      d = workloadDiagnosis(x, r);
  }
  d.notes = [...new Set([...d.notes, ...x.notes])];
  return d;
}

const NS_KINDS: DiagnoseKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'Service', 'PersistentVolumeClaim'];

/** Every unhealthy thing in a namespace, worst first. */
export function diagnoseNamespace(index: ResourceIndex, namespace: string, opts: DiagnoseOptions = {}): NamespaceDiagnosis {
  const out: Diagnosis[] = [];
  let healthy = 0;
  const notes = new Set<string>();
  for (const kind of NS_KINDS) {
    for (const r of index.inNamespace(kind, namespace)) {
      if (!hasStatus(r)) continue;
      // Objects run by a controller in the input are diagnosed through it.
      const o = controllerOf(r);
      if (o && topOwner(index, r) !== r) continue;
      if (kind === 'Pod' && (podPhase(r) === 'Succeeded')) continue;
      const d = diagnose(index, { kind, name: r.name, namespace }, opts);
      for (const n of d.notes) notes.add(n);
      if (d.status === 'healthy') healthy++;
      else out.push(d);
    }
  }
  const rank = (d: Diagnosis) => (d.status === 'broken' ? 0 : d.status === 'degraded' ? 1 : 2);
  const weight = (d: Diagnosis) => d.problems.filter((p) => p.severity === 'error').reduce((a, p) => a + Math.max(1, p.pods.length), 0);
  out.sort((a, b) => rank(a) - rank(b) || weight(b) - weight(a) || NS_KINDS.indexOf(a.target.kind as DiagnoseKind) - NS_KINDS.indexOf(b.target.kind as DiagnoseKind) || a.target.name.localeCompare(b.target.name));
  if (index.inNamespace('Pod', namespace).length === 0 && out.length === 0 && healthy === 0) notes.add(`nothing with a status in namespace ${namespace} in the input`);
  return { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, namespace, diagnoses: out, healthy, notes: [...notes] };
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
