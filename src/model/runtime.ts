/**
 * What the live status of objects says is broken: pods owned by a workload (by ownerReferences
 * uid), container states, conditions, and the facts behind each runtime failure (OOMKilled,
 * CrashLoopBackOff, image pulls, scheduling, claims, endpoints, availability, nodes).
 *
 * Shared by the runtime checks (which turn facts into findings) and `kubeready diagnose` (which
 * turns them into a symptom, evidence, root cause and fix). Everything here reads `status` and
 * Events only; on plain manifests (no status) every detector returns nothing.
 */
import type { FieldPath, Json, JsonObject, Resource } from './types.js';
import type { ResourceIndex } from './index.js';
import { eventContainer, eventsFor, latestEvent, parseTime, uidOf, type ObjectEvent } from './events.js';
import { formatBytes, get, getArray, getNumber, getString, isObject, parseQuantity, stringMap } from './util.js';
import { mapSelectorMatches } from './selector.js';

export { uidOf };

/** Does the object carry a status (a live object or a `kubectl get -o yaml` dump)? */
export function hasStatus(r: Resource): boolean {
  const s = r.object.status;
  return isObject(s) && Object.keys(s).length > 0;
}

/** Is the object being deleted (metadata.deletionTimestamp set)? */
export function isTerminating(r: Resource): boolean {
  return typeof get(r.object, ['metadata', 'deletionTimestamp']) === 'string';
}

export function creationTime(r: Resource): number | undefined {
  return parseTime(get(r.object, ['metadata', 'creationTimestamp']));
}

// ---------------------------------------------------------------------------------------------
// Ownership

export interface OwnerRef {
  kind: string;
  name: string;
  uid: string | undefined;
}

/** The managing controller (ownerReferences entry with controller: true), if any. */
export function controllerOf(r: Resource): OwnerRef | undefined {
  for (const o of getArray(r.object, ['metadata', 'ownerReferences'])) {
    if (!isObject(o) || o.controller !== true) continue;
    if (typeof o.kind !== 'string' || typeof o.name !== 'string') continue;
    return { kind: o.kind, name: o.name, uid: typeof o.uid === 'string' && o.uid !== '' ? o.uid : undefined };
  }
  return undefined;
}

interface Owned {
  child: Resource;
  refUid: string | undefined;
}

function ownerIndex(index: ResourceIndex): Map<string, Owned[]> {
  return index.memo('runtime:owned', () => {
    const m = new Map<string, Owned[]>();
    for (const r of index.resources) {
      const o = controllerOf(r);
      if (!o) continue;
      const key = `${index.namespaceOf(r)}\0${o.kind}\0${o.name}`;
      let l = m.get(key);
      if (!l) m.set(key, (l = []));
      l.push({ child: r, refUid: o.uid });
    }
    return m;
  });
}

/**
 * Objects this one controls directly (ReplicaSets of a Deployment, Pods of a ReplicaSet). Matched by
 * uid: a child whose ownerReference names another uid belongs to an earlier object of the same name.
 * Only when one side has no uid at all (a hand-written dump) do kind, name and namespace decide.
 */
export function ownedBy(index: ResourceIndex, owner: Resource): Resource[] {
  const l = ownerIndex(index).get(`${index.namespaceOf(owner)}\0${owner.kind}\0${owner.name}`);
  if (!l) return [];
  const uid = uidOf(owner);
  return l.filter((o) => o.refUid === undefined || uid === undefined || o.refUid === uid).map((o) => o.child);
}

/** The Pods of a workload, through its controllers (Deployment -> ReplicaSet -> Pod, CronJob -> Job -> Pod); a Pod is its own. */
export function podsOf(index: ResourceIndex, r: Resource): Resource[] {
  if (r.kind === 'Pod') return [r];
  const cache = index.memo('runtime:pods-of', () => new Map<Resource, Resource[]>());
  const hit = cache.get(r);
  if (hit) return hit;
  const out: Resource[] = [];
  const seen = new Set<Resource>([r]);
  let level = [r];
  for (let depth = 0; depth < 3 && level.length; depth++) {
    const next: Resource[] = [];
    for (const o of level) {
      for (const c of ownedBy(index, o)) {
        if (seen.has(c)) continue;
        seen.add(c);
        if (c.kind === 'Pod' && c.apiVersion === 'v1') out.push(c);
        else if (c.kind !== 'Pod') next.push(c);
      }
    }
    level = next;
  }
  cache.set(r, out);
  return out;
}

/** The ReplicaSets (or Jobs, ControllerRevisions...) a workload controls directly. */
export function intermediatesOf(index: ResourceIndex, r: Resource): Resource[] {
  return ownedBy(index, r).filter((c) => c.kind !== 'Pod');
}

/** The top of a pod's controller chain that is in the input (the Deployment of its ReplicaSet), else the pod. */
export function topOwner(index: ResourceIndex, r: Resource): Resource {
  let cur = r;
  for (let i = 0; i < 4; i++) {
    const o = controllerOf(cur);
    if (!o) return cur;
    const ns = index.namespaceOf(cur);
    const parent = index.inNamespace(o.kind, ns).find((p) => p.name === o.name && (o.uid === undefined || uidOf(p) === undefined || uidOf(p) === o.uid));
    if (!parent) return cur;
    cur = parent;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Conditions and container states

export interface Condition {
  type: string;
  status: string;
  reason: string | undefined;
  message: string | undefined;
  since: number | undefined;
  sinceText: string | undefined;
  path: FieldPath;
}

export function conditionOf(r: Resource, type: string): Condition | undefined {
  return conditionIn(getArray(r.object, ['status', 'conditions']), type, (i) => ['status', 'conditions', i]);
}

/** The condition of `type` in a list of condition objects (status.conditions, or one read from an annotation). */
export function conditionIn(list: Json[], type: string, pathOf: (i: number) => FieldPath): Condition | undefined {
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (!isObject(c) || c.type !== type) continue;
    const sinceText = getString(c, ['lastTransitionTime']);
    return {
      type,
      status: getString(c, ['status']) ?? 'Unknown',
      reason: getString(c, ['reason']) || undefined,
      message: getString(c, ['message']) || undefined,
      since: parseTime(sinceText),
      sinceText,
      path: pathOf(i),
    };
  }
  return undefined;
}

export interface StateInfo {
  phase: 'waiting' | 'running' | 'terminated';
  reason: string | undefined;
  message: string | undefined;
  exitCode: number | undefined;
  signal: number | undefined;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  path: FieldPath;
}

export interface ContainerStatus {
  pod: Resource;
  name: string;
  /** Regular container, init container (sidecars included) . */
  type: 'container' | 'init';
  /** Path of this entry in the pod: ['status', 'containerStatuses', 0]. */
  statusPath: FieldPath;
  /** The container's spec in the pod, and its path. */
  spec: JsonObject | undefined;
  specPath: FieldPath | undefined;
  image: string | undefined;
  ready: boolean | undefined;
  started: boolean | undefined;
  restartCount: number;
  state: StateInfo | undefined;
  /** lastState (the previous run's termination). */
  last: StateInfo | undefined;
}

function stateOf(v: Json | undefined, path: FieldPath): StateInfo | undefined {
  if (!isObject(v)) return undefined;
  for (const phase of ['terminated', 'waiting', 'running'] as const) {
    const s = v[phase];
    if (!isObject(s)) continue;
    return {
      phase,
      reason: getString(s, ['reason']) || undefined,
      message: getString(s, ['message']) || undefined,
      exitCode: getNumber(s, ['exitCode']),
      signal: getNumber(s, ['signal']),
      startedAt: parseTime(getString(s, ['startedAt'])),
      finishedAt: parseTime(getString(s, ['finishedAt'])),
      path: [...path, phase],
    };
  }
  return undefined;
}

const statusCache = new WeakMap<JsonObject, ContainerStatus[]>();

/** The container statuses of a pod (init containers first), each joined with its spec. */
export function containerStatuses(pod: Resource): ContainerStatus[] {
  const hit = statusCache.get(pod.object);
  if (hit) return hit;
  const out: ContainerStatus[] = [];
  const lists: [string, string, ContainerStatus['type']][] = [
    ['initContainerStatuses', 'initContainers', 'init'],
    ['containerStatuses', 'containers', 'container'],
  ];
  for (const [statusKey, specKey, type] of lists) {
    const specs = getArray(pod.object, ['spec', specKey]);
    getArray(pod.object, ['status', statusKey]).forEach((s, i) => {
      if (!isObject(s) || typeof s.name !== 'string') return;
      const j = specs.findIndex((c) => isObject(c) && c.name === s.name);
      const statusPath: FieldPath = ['status', statusKey, i];
      out.push({
        pod,
        name: s.name,
        type,
        statusPath,
        spec: j >= 0 ? (specs[j] as JsonObject) : undefined,
        specPath: j >= 0 ? ['spec', specKey, j] : undefined,
        image: getString(s, ['image']) ?? (j >= 0 ? getString(specs[j], ['image']) : undefined),
        ready: typeof s.ready === 'boolean' ? s.ready : undefined,
        started: typeof s.started === 'boolean' ? s.started : undefined,
        restartCount: getNumber(s, ['restartCount']) ?? 0,
        state: stateOf(s.state, [...statusPath, 'state']),
        last: stateOf(s.lastState, [...statusPath, 'lastState']),
      });
    });
  }
  statusCache.set(pod.object, out);
  return out;
}

export function podPhase(pod: Resource): string | undefined {
  return getString(pod.object, ['status', 'phase']);
}

/** Is this an init container that runs for the pod's lifetime (a native sidecar)? */
export function isSidecar(c: ContainerStatus): boolean {
  return c.type === 'init' && get(c.spec, ['restartPolicy']) === 'Always';
}

export interface Limit {
  text: string;
  bytes: number;
  /** Where it is set in the pod. */
  path: FieldPath;
  level: 'container' | 'pod';
}

/** The memory limit the container ran with (container limit, else the pod-level limit). */
export function memoryLimitOf(c: ContainerStatus): Limit | undefined {
  const own = get(c.spec, ['resources', 'limits', 'memory']);
  const bytes = parseQuantity(own);
  if (bytes !== undefined && c.specPath) return { text: String(own), bytes, path: [...c.specPath, 'resources', 'limits', 'memory'], level: 'container' };
  const pod = get(c.pod.object, ['spec', 'resources', 'limits', 'memory']);
  const pb = parseQuantity(pod);
  if (pb !== undefined) return { text: String(pod), bytes: pb, path: ['spec', 'resources', 'limits', 'memory'], level: 'pod' };
  return undefined;
}

export function memoryRequestOf(c: ContainerStatus): string | undefined {
  const v = get(c.spec, ['resources', 'requests', 'memory']);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' };

/** What an exit code usually means, for messages ("exit code 1 (application error)"). */
export function exitCodeMeaning(code: number | undefined, signal?: number): string {
  if (code === undefined) return 'no exit code';
  const s = signal ?? (code > 128 && code < 160 ? code - 128 : undefined);
  if (s !== undefined && SIGNALS[s]) {
    const extra = s === 9 ? ': killed from outside (a failed liveness probe, an eviction, or the OOM killer without the OOMKilled reason)' : s === 15 ? ': asked to stop' : s === 11 ? ': segmentation fault' : s === 6 ? ': aborted (a failed assertion or a fatal runtime error)' : '';
    return `exit code ${code} (${SIGNALS[s]}${extra})`;
  }
  if (code === 0) return 'exit code 0 (it exited cleanly, but a long-running container must not exit)';
  if (code === 1) return 'exit code 1 (application error)';
  if (code === 2) return 'exit code 2 (invalid arguments or shell misuse)';
  if (code === 126) return 'exit code 126 (command not executable)';
  if (code === 127) return 'exit code 127 (command not found)';
  if (code === 128) return 'exit code 128 (the container could not start)';
  return `exit code ${code}`;
}

/** The termination that explains the container's last failure: the current state when terminated, else lastState. */
export function lastTermination(c: ContainerStatus): StateInfo | undefined {
  if (c.state?.phase === 'terminated') return c.state;
  if (c.last?.phase === 'terminated') return c.last;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Probe failures (Unhealthy events)

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeFailure {
  pod: Resource;
  container: string | undefined;
  probe: ProbeKind;
  /** Failures counted over the events (their counts added up). */
  count: number;
  events: ObjectEvent[];
  last: ObjectEvent;
}

/** Unhealthy events of a pod, grouped by container and probe, newest last. */
export function probeFailures(index: ResourceIndex, pod: Resource): ProbeFailure[] {
  const groups = new Map<string, ProbeFailure>();
  for (const e of eventsFor(index, pod)) {
    if (e.reason !== 'Unhealthy') continue;
    const m = /^(Liveness|Readiness|Startup) probe (?:failed|errored)/i.exec(e.message);
    if (!m) continue;
    const probe = m[1].toLowerCase() as ProbeKind;
    const container = eventContainer(e);
    const key = `${container ?? ''}\0${probe}`;
    const g = groups.get(key);
    if (g) {
      g.count += e.count;
      g.events.push(e);
      g.last = e;
    } else groups.set(key, { pod, container, probe, count: e.count, events: [e], last: e });
  }
  return [...groups.values()];
}

/** The kubelet's "Container x failed liveness probe, will be restarted" events for one container. */
export function livenessKills(index: ResourceIndex, pod: Resource, container: string): ObjectEvent[] {
  return eventsFor(index, pod).filter((e) => e.reason === 'Killing' && eventContainer(e) === container && /failed (liveness|startup) probe/i.test(e.message));
}

// ---------------------------------------------------------------------------------------------
// OOMKilled

export interface OomKill {
  c: ContainerStatus;
  /** The OOMKilled termination (current state or lastState). */
  term: StateInfo;
  /** The container is terminated right now by it (else it was restarted since). */
  current: boolean;
  limit: Limit | undefined;
}

/**
 * Containers killed for memory: `state.terminated.reason` or `lastState.terminated.reason` is
 * OOMKilled. An exit code of 137 alone is not proof (any SIGKILL gives it: a liveness probe, an
 * eviction, docker kill), so it is never read as one.
 */
export function oomKills(pod: Resource): OomKill[] {
  const out: OomKill[] = [];
  for (const c of containerStatuses(pod)) {
    if (c.state?.phase === 'terminated' && c.state.reason === 'OOMKilled') out.push({ c, term: c.state, current: true, limit: memoryLimitOf(c) });
    else if (c.last?.phase === 'terminated' && c.last.reason === 'OOMKilled') out.push({ c, term: c.last, current: false, limit: memoryLimitOf(c) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CrashLoopBackOff

export interface CrashLoop {
  c: ContainerStatus;
  waiting: StateInfo;
  last: StateInfo | undefined;
  /** Unhealthy liveness/startup failures and the kubelet's kills: the probe restarted it. */
  probeKills: ObjectEvent[];
  liveness: ProbeFailure | undefined;
}

export function crashLoops(index: ResourceIndex, pod: Resource): CrashLoop[] {
  const out: CrashLoop[] = [];
  for (const c of containerStatuses(pod)) {
    if (c.state?.phase !== 'waiting' || c.state.reason !== 'CrashLoopBackOff') continue;
    const probes = probeFailures(index, pod).filter((p) => p.container === c.name && (p.probe === 'liveness' || p.probe === 'startup'));
    out.push({ c, waiting: c.state, last: c.last?.phase === 'terminated' ? c.last : undefined, probeKills: livenessKills(index, pod, c.name), liveness: probes.sort((a, b) => b.count - a.count)[0] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Image pulls

export type PullCause = 'not-found' | 'denied' | 'unauthorized' | 'rate-limited' | 'network' | 'invalid-name' | 'never-pull' | 'unknown';

export interface ImagePull {
  c: ContainerStatus;
  reason: string;
  image: string | undefined;
  /** The kubelet's latest "Failed to pull image" event for this container. */
  event: ObjectEvent | undefined;
  /** The most specific text we have: the event message, else the waiting message. */
  detail: string | undefined;
  cause: PullCause;
}

const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

export function classifyPull(reason: string, text: string): PullCause {
  if (reason === 'InvalidImageName') return 'invalid-name';
  if (reason === 'ErrImageNeverPull') return 'never-pull';
  if (/toomanyrequests|rate limit/i.test(text)) return 'rate-limited';
  if (/pull access denied|repository does not exist or may require/i.test(text)) return 'denied';
  if (/unauthorized|authentication required|no basic auth credentials|401 Unauthorized|403 Forbidden|denied: /i.test(text)) return 'unauthorized';
  if (/not found|manifest unknown|no such manifest|does not exist|NotFound/i.test(text)) return 'not-found';
  if (/no such host|i\/o timeout|connection refused|dial tcp|TLS handshake timeout|network is unreachable|context deadline exceeded|x509/i.test(text)) return 'network';
  return 'unknown';
}

export function imagePulls(index: ResourceIndex, pod: Resource): ImagePull[] {
  const out: ImagePull[] = [];
  let events: ObjectEvent[] | undefined;
  for (const c of containerStatuses(pod)) {
    if (c.state?.phase !== 'waiting' || !c.state.reason || !PULL_REASONS.has(c.state.reason)) continue;
    events ??= eventsFor(index, pod);
    const image = getString(c.spec, ['image']) ?? c.image;
    const event = latestEvent(events, (e) => e.reason === 'Failed' && /^Failed to pull image|^Failed to inspect image|^Failed to apply default image tag/i.test(e.message) && (eventContainer(e) === c.name || (!!image && e.message.includes(image))));
    const detail = event?.message ?? c.state.message;
    out.push({ c, reason: c.state.reason, image, event, detail, cause: classifyPull(c.state.reason, `${event?.message ?? ''}\n${c.state.message ?? ''}`) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CreateContainerConfigError

export interface ConfigRef {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  key?: string;
}

export interface ConfigError {
  c: ContainerStatus;
  message: string | undefined;
  event: ObjectEvent | undefined;
  missing: ConfigRef | undefined;
  /** runAsNonRoot set but the image runs as root (or a non-numeric user). */
  nonRoot: boolean;
}

/** Parse the kubelet's CreateContainerConfigError text. */
export function parseConfigError(text: string): { missing?: ConfigRef; nonRoot: boolean } {
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/([^\s,;:]+)/i.exec(text);
  if (key) return { missing: { kind: key[2] === 'Secret' ? 'Secret' : 'ConfigMap', name: key[4], key: key[1] }, nonRoot: false };
  const obj = /\b(configmap|configmaps|secret|secrets) "([^"]+)" not found/i.exec(text);
  if (obj) return { missing: { kind: /^secret/i.test(obj[1]) ? 'Secret' : 'ConfigMap', name: obj[2] }, nonRoot: false };
  if (/runAsNonRoot/i.test(text)) return { nonRoot: true };
  return { nonRoot: false };
}

export function configErrors(index: ResourceIndex, pod: Resource): ConfigError[] {
  const out: ConfigError[] = [];
  for (const c of containerStatuses(pod)) {
    if (c.state?.phase !== 'waiting' || c.state.reason !== 'CreateContainerConfigError') continue;
    const event = latestEvent(eventsFor(index, pod), (e) => e.reason === 'Failed' && e.type === 'Warning' && eventContainer(e) === c.name && !/^Error: CreateContainerConfigError$/.test(e.message));
    const text = `${c.state.message ?? ''}\n${event?.message ?? ''}`;
    const p = parseConfigError(text);
    out.push({ c, message: c.state.message ?? event?.message, event, missing: p.missing, nonRoot: p.nonRoot });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running but not Ready

export interface NotReady {
  c: ContainerStatus;
  /** Not ready at least since (the later of the container's start and the condition's transition). */
  since: number;
  readiness: ProbeFailure | undefined;
  hasReadinessProbe: boolean;
}

/** Containers Running but not Ready for at least `minMs` up to `now`, in pods that are not terminating. */
export function notReadyContainers(index: ResourceIndex, pod: Resource, now: number | undefined, minMs: number): NotReady[] {
  if (now === undefined || podPhase(pod) !== 'Running' || isTerminating(pod)) return [];
  const out: NotReady[] = [];
  const cond = conditionOf(pod, 'ContainersReady') ?? conditionOf(pod, 'Ready');
  for (const c of containerStatuses(pod)) {
    if (c.type === 'init' && !isSidecar(c)) continue;
    if (c.state?.phase !== 'running' || c.ready !== false) continue;
    const starts = [c.state.startedAt, cond && cond.status !== 'True' ? cond.since : undefined].filter((t): t is number => t !== undefined);
    if (starts.length === 0) continue;
    const since = Math.max(...starts);
    if (now - since < minMs) continue;
    const readiness = probeFailures(index, pod).find((p) => p.container === c.name && p.probe === 'readiness');
    out.push({ c, since, readiness, hasReadinessProbe: isObject(get(c.spec, ['readinessProbe'])) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scheduling

export type SchedulingKind =
  | 'insufficient'
  | 'taint'
  | 'node-affinity'
  | 'pod-affinity'
  | 'pod-anti-affinity'
  | 'topology-spread'
  | 'unbound-pvc'
  | 'pvc-missing'
  | 'volume-node-affinity'
  | 'no-pv'
  | 'cordoned'
  | 'ports'
  | 'too-many-pods'
  | 'no-nodes'
  | 'other';

export interface SchedulingReason {
  kind: SchedulingKind;
  /** How many nodes gave this reason (when the message says). */
  nodes: number | undefined;
  /** The resource (insufficient), the taint (taint), the claim (pvc-missing). */
  detail: string | undefined;
  text: string;
}

export interface SchedulingAnalysis {
  /** Nodes considered ("0/3 nodes are available"). */
  total: number | undefined;
  reasons: SchedulingReason[];
  /** A short cause: "insufficient memory (3 of 3 nodes)". */
  summary: string;
}

function classifyScheduling(text: string): { kind: SchedulingKind; detail?: string } {
  let m = /^Insufficient (\S+)/i.exec(text);
  if (m) return { kind: 'insufficient', detail: m[1] };
  m = /(?:untolerated taint|had taint)s?\(?s?\)?\s*\{([^}]*)\}/i.exec(text);
  if (m) return { kind: 'taint', detail: m[1].replace(/:\s*$/, '').trim() };
  if (/untolerated taint|didn't tolerate/i.test(text)) return { kind: 'taint' };
  if (/node affinity\/selector|didn't match node selector|node\(s\) didn't match Pod's node affinity/i.test(text)) return { kind: 'node-affinity' };
  if (/anti-affinity/i.test(text)) return { kind: 'pod-anti-affinity' };
  if (/pod affinity/i.test(text)) return { kind: 'pod-affinity' };
  if (/topology spread/i.test(text)) return { kind: 'topology-spread' };
  if (/unbound immediate PersistentVolumeClaims/i.test(text)) return { kind: 'unbound-pvc' };
  m = /persistentvolumeclaim "([^"]+)" not found/i.exec(text);
  if (m) return { kind: 'pvc-missing', detail: m[1] };
  if (/volume node affinity conflict/i.test(text)) return { kind: 'volume-node-affinity' };
  if (/didn't find available persistent volumes/i.test(text)) return { kind: 'no-pv' };
  if (/were unschedulable|node\(s\) had unschedulable|unschedulable/i.test(text)) return { kind: 'cordoned' };
  if (/free ports/i.test(text)) return { kind: 'ports' };
  if (/Too many pods/i.test(text)) return { kind: 'too-many-pods' };
  if (/no nodes available/i.test(text)) return { kind: 'no-nodes' };
  return { kind: 'other' };
}

const SCHEDULING_TEXT: Record<SchedulingKind, (r: SchedulingReason) => string> = {
  insufficient: (r) => `insufficient ${r.detail ?? 'resources'}`,
  taint: (r) => (r.detail ? `untolerated taint ${r.detail}` : 'untolerated taints'),
  'node-affinity': () => "node affinity/selector matches no node",
  'pod-affinity': () => 'pod affinity rules not met',
  'pod-anti-affinity': () => 'pod anti-affinity rules not met',
  'topology-spread': () => 'topology spread constraints not met',
  'unbound-pvc': () => 'unbound PersistentVolumeClaim',
  'pvc-missing': (r) => `PersistentVolumeClaim "${r.detail}" not found`,
  'volume-node-affinity': () => "volume's node affinity conflicts",
  'no-pv': () => 'no PersistentVolume available to bind',
  cordoned: () => 'nodes cordoned (unschedulable)',
  ports: () => 'host ports already taken',
  'too-many-pods': () => 'node pod limit reached',
  'no-nodes': () => 'no nodes at all',
  other: (r) => r.text,
};

/** Parse the scheduler's FailedScheduling message ("0/3 nodes are available: 1 node(s) had ..., 2 Insufficient memory. preemption: ..."). */
export function parseSchedulingMessage(message: string): SchedulingAnalysis {
  const main = message.split(/\.?\s*preemption:/i)[0].trim();
  const m = /^(\d+)\/(\d+) nodes are available:?\s*(.*)$/s.exec(main);
  const total = m ? Number(m[2]) : undefined;
  const body = (m ? m[3] : main).replace(/\.\s*$/, '').trim();
  const reasons: SchedulingReason[] = [];
  if (body) {
    for (const part of body.split(/,\s+(?=\d+\s)|\.\s+(?=\d+\s)/)) {
      const p = part.trim().replace(/\.$/, '');
      if (!p) continue;
      const n = /^(\d+)\s+(.*)$/s.exec(p);
      const text = n ? n[2] : p;
      const c = classifyScheduling(text);
      reasons.push({ kind: c.kind, nodes: n ? Number(n[1]) : undefined, detail: c.detail, text });
    }
  }
  if (total === 0 && reasons.length === 0) reasons.push({ kind: 'no-nodes', nodes: undefined, detail: undefined, text: main });
  const summary = reasons
    .map((r) => {
      const nodes = r.nodes !== undefined ? ` (${total !== undefined ? `${r.nodes} of ${total}` : r.nodes} node${(total ?? r.nodes) === 1 ? '' : 's'})` : '';
      return SCHEDULING_TEXT[r.kind](r) + nodes;
    })
    .join('; ');
  return { total, reasons, summary: summary || main };
}

export interface Unschedulable {
  pod: Resource;
  condition: Condition;
  /** The scheduler's latest FailedScheduling event. */
  event: ObjectEvent | undefined;
  /** The message explained: the latest event's, else the condition's. */
  message: string;
  analysis: SchedulingAnalysis;
  /** A cluster-autoscaler TriggeredScaleUp event newer than the last FailedScheduling: a node is coming. */
  scaleUp: ObjectEvent | undefined;
  /** A cluster-autoscaler NotTriggerScaleUp event: it will not add a node, and why. */
  noScaleUp: ObjectEvent | undefined;
  /** status.nominatedNodeName: the scheduler is preempting lower-priority pods to make room there. */
  nominated: string | undefined;
}

export function unschedulable(index: ResourceIndex, pod: Resource): Unschedulable | undefined {
  if (podPhase(pod) !== 'Pending' || isTerminating(pod)) return undefined;
  const cond = conditionOf(pod, 'PodScheduled');
  if (!cond || cond.status !== 'False' || cond.reason !== 'Unschedulable') return undefined;
  const events = eventsFor(index, pod);
  const event = latestEvent(events, (e) => e.reason === 'FailedScheduling');
  const message = event?.message || cond.message || 'no reason given';
  const scaleUp = latestEvent(events, (e) => e.reason === 'TriggeredScaleUp');
  const noScaleUp = latestEvent(events, (e) => e.reason === 'NotTriggerScaleUp');
  const fresh = scaleUp && (event?.time === undefined || (scaleUp.time ?? -Infinity) >= event.time) ? scaleUp : undefined;
  return { pod, condition: cond, event, message, analysis: parseSchedulingMessage(message), scaleUp: fresh, noScaleUp, nominated: getString(pod.object, ['status', 'nominatedNodeName']) || undefined };
}

/** Pod requests (cpu cores, memory bytes): the larger of the containers' sum and any init container. */
export function podRequests(pod: Resource): { cpu: number; memory: number } {
  const sum = { cpu: 0, memory: 0 };
  const init = { cpu: 0, memory: 0 };
  for (const c of getArray(pod.object, ['spec', 'containers'])) {
    sum.cpu += parseQuantity(get(c, ['resources', 'requests', 'cpu'])) ?? 0;
    sum.memory += parseQuantity(get(c, ['resources', 'requests', 'memory'])) ?? 0;
  }
  for (const c of getArray(pod.object, ['spec', 'initContainers'])) {
    const cpu = parseQuantity(get(c, ['resources', 'requests', 'cpu'])) ?? 0;
    const mem = parseQuantity(get(c, ['resources', 'requests', 'memory'])) ?? 0;
    if (get(c, ['restartPolicy']) === 'Always') {
      sum.cpu += cpu;
      sum.memory += mem;
    } else {
      init.cpu = Math.max(init.cpu, cpu);
      init.memory = Math.max(init.memory, mem);
    }
  }
  return { cpu: Math.max(sum.cpu, init.cpu), memory: Math.max(sum.memory, init.memory) };
}

export interface NodeRoom {
  node: Resource;
  allocatable: { cpu: number | undefined; memory: number | undefined };
  requested: { cpu: number; memory: number };
  free: { cpu: number | undefined; memory: number | undefined };
  schedulable: boolean;
}

/**
 * Allocatable minus the requests of the pods bound to each Node in the input (pods not in the input
 * are not counted). Empty when the input holds only some namespaces' pods (index.podNamespaces),
 * unless the source listed every namespace's pods for it (index.nodePods).
 */
export function nodeRoom(index: ResourceIndex): NodeRoom[] {
  if (index.podNamespaces && !index.nodePods) return [];
  return index.memo('runtime:node-room', () => {
    const byNode = new Map<string, { cpu: number; memory: number }>();
    for (const p of index.nodePods ?? index.ofKind('Pod')) {
      const node = getString(p.object, ['spec', 'nodeName']);
      const phase = podPhase(p);
      if (!node || phase === 'Succeeded' || phase === 'Failed') continue;
      const r = podRequests(p);
      const acc = byNode.get(node) ?? { cpu: 0, memory: 0 };
      acc.cpu += r.cpu;
      acc.memory += r.memory;
      byNode.set(node, acc);
    }
    return index.ofKind('Node').map((node) => {
      const cpu = parseQuantity(get(node.object, ['status', 'allocatable', 'cpu']));
      const memory = parseQuantity(get(node.object, ['status', 'allocatable', 'memory']));
      const requested = byNode.get(node.name) ?? { cpu: 0, memory: 0 };
      return {
        node,
        allocatable: { cpu, memory },
        requested,
        free: { cpu: cpu === undefined ? undefined : cpu - requested.cpu, memory: memory === undefined ? undefined : memory - requested.memory },
        schedulable: get(node.object, ['spec', 'unschedulable']) !== true,
      };
    });
  });
}

export function formatCpu(cores: number): string {
  return cores >= 1 && Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

export { formatBytes };

// ---------------------------------------------------------------------------------------------
// PersistentVolumeClaims

export interface PvcPending {
  pvc: Resource;
  /** Pending since creation. */
  since: number | undefined;
  /** The class asked for: spec.storageClassName, or the default class when unset; null for "" (static binding). */
  storageClass: string | null | undefined;
  /** The StorageClass object, when the input holds it. */
  classObject: Resource | undefined;
  /** StorageClasses are in the input, and the one asked for is not among them. */
  classMissing: boolean;
  /** No storageClassName and no default StorageClass among the classes in the input. */
  noDefault: boolean;
  /** Binding waits for a pod that uses the claim (WaitForFirstConsumer). */
  waitsForConsumer: boolean;
  /** Pods in the input that mount the claim. */
  users: Resource[];
  lastEvent: ObjectEvent | undefined;
  lastWarning: ObjectEvent | undefined;
}

function isDefaultClass(sc: Resource): boolean {
  const a = stringMap(get(sc.object, ['metadata', 'annotations']));
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

function claimUsers(index: ResourceIndex): Map<string, Resource[]> {
  return index.memo('runtime:claim-users', () => {
    const m = new Map<string, Resource[]>();
    for (const p of index.ofKind('Pod')) {
      for (const v of getArray(p.object, ['spec', 'volumes'])) {
        const claim = getString(v, ['persistentVolumeClaim', 'claimName']);
        if (!claim) continue;
        const key = `${index.namespaceOf(p)}/${claim}`;
        let l = m.get(key);
        if (!l) m.set(key, (l = []));
        if (!l.includes(p)) l.push(p);
      }
    }
    return m;
  });
}

export function pvcPending(index: ResourceIndex, pvc: Resource): PvcPending | undefined {
  if (pvc.kind !== 'PersistentVolumeClaim' || getString(pvc.object, ['status', 'phase']) !== 'Pending' || isTerminating(pvc)) return undefined;
  const classes = index.ofKind('StorageClass');
  // Classes known: some in the input, or a live scan listed them all (and there are none).
  const classesKnown = classes.length > 0 || index.listedKinds?.has('StorageClass') === true;
  const asked = get(pvc.object, ['spec', 'storageClassName']);
  let storageClass: string | null | undefined;
  let classObject: Resource | undefined;
  let noDefault = false;
  if (typeof asked === 'string' && asked !== '') {
    storageClass = asked;
    classObject = classes.find((c) => c.name === asked);
  } else if (asked === '') storageClass = null;
  else {
    const defaults = classes.filter(isDefaultClass);
    classObject = defaults[0];
    storageClass = classObject?.name;
    noDefault = classesKnown && defaults.length === 0;
  }
  const events = eventsFor(index, pvc);
  const lastEvent = events[events.length - 1];
  const lastWarning = latestEvent(events, (e) => e.type === 'Warning');
  const waitsForConsumer = get(classObject?.object, ['volumeBindingMode']) === 'WaitForFirstConsumer' || lastEvent?.reason === 'WaitForFirstConsumer';
  return {
    pvc,
    since: creationTime(pvc),
    storageClass,
    classObject,
    classMissing: typeof storageClass === 'string' && classesKnown && !classObject,
    noDefault,
    waitsForConsumer,
    users: claimUsers(index).get(`${index.namespaceOf(pvc)}/${pvc.name}`) ?? [],
    lastEvent,
    lastWarning,
  };
}

// ---------------------------------------------------------------------------------------------
// Services and endpoints

export interface Endpoints {
  /** The EndpointSlices (or the Endpoints object) read. */
  sources: Resource[];
  kind: 'EndpointSlice' | 'Endpoints';
  ready: number;
  notReady: number;
}

function slicesByService(index: ResourceIndex): Map<string, Resource[]> {
  return index.memo('runtime:slices', () => {
    const m = new Map<string, Resource[]>();
    for (const s of index.ofKind('EndpointSlice')) {
      const svc = stringMap(get(s.object, ['metadata', 'labels']))['kubernetes.io/service-name'];
      if (!svc) continue;
      const key = `${index.namespaceOf(s)}/${svc}`;
      let l = m.get(key);
      if (!l) m.set(key, (l = []));
      l.push(s);
    }
    return m;
  });
}

/** The v1 Service's selector as a map, or undefined when it has none (or is ExternalName). */
export function serviceSelectorOf(svc: Resource): Record<string, string> | undefined {
  if (svc.kind !== 'Service' || svc.apiVersion !== 'v1') return undefined;
  if (get(svc.object, ['spec', 'type']) === 'ExternalName') return undefined;
  const sel = stringMap(get(svc.object, ['spec', 'selector']));
  return Object.keys(sel).length ? sel : undefined;
}

/**
 * The endpoints of a Service from its EndpointSlices (label kubernetes.io/service-name, owned by
 * this Service's uid when both say), else from its Endpoints object. Undefined when the input holds
 * neither for it: nothing can be said.
 */
export function endpointsOf(index: ResourceIndex, svc: Resource): Endpoints | undefined {
  const ns = index.namespaceOf(svc);
  const uid = uidOf(svc);
  const slices = (slicesByService(index).get(`${ns}/${svc.name}`) ?? []).filter((s) => {
    const o = controllerOf(s) ?? (() => {
      const refs = getArray(s.object, ['metadata', 'ownerReferences']).find((x) => isObject(x) && x.kind === 'Service');
      return isObject(refs) && typeof refs.uid === 'string' ? { kind: 'Service', name: String(refs.name), uid: refs.uid } : undefined;
    })();
    return !o || !uid || o.kind !== 'Service' || o.uid === undefined || o.uid === uid;
  });
  if (slices.length) {
    let ready = 0;
    let notReady = 0;
    for (const s of slices) {
      for (const e of getArray(s.object, ['endpoints'])) {
        if (!isObject(e)) continue;
        // A nil ready condition means unknown, which consumers treat as ready.
        if (get(e, ['conditions', 'ready']) === false) notReady++;
        else ready++;
      }
    }
    return { sources: slices, kind: 'EndpointSlice', ready, notReady };
  }
  const ep = index.inNamespace('Endpoints', ns).find((e) => e.name === svc.name);
  if (ep && (isObject(ep.object.subsets) || Array.isArray(ep.object.subsets) || hasStatus(ep) || uidOf(ep))) {
    let ready = 0;
    let notReady = 0;
    for (const s of getArray(ep.object, ['subsets'])) {
      ready += getArray(s, ['addresses']).length;
      notReady += getArray(s, ['notReadyAddresses']).length;
    }
    return { sources: [ep], kind: 'Endpoints', ready, notReady };
  }
  return undefined;
}

/** Pods of the Service's namespace in the input whose labels match its selector. */
export function podsSelectedBy(index: ResourceIndex, svc: Resource): Resource[] {
  const sel = serviceSelectorOf(svc);
  if (!sel) return [];
  return index.inNamespace('Pod', index.namespaceOf(svc)).filter((p) => mapSelectorMatches(sel, stringMap(get(p.object, ['metadata', 'labels']))));
}

export function isPodReady(pod: Resource): boolean {
  return conditionOf(pod, 'Ready')?.status === 'True';
}

// ---------------------------------------------------------------------------------------------
// Workload availability

export interface Availability {
  r: Resource;
  desired: number;
  /** Available (Deployment) or ready (StatefulSet) replicas. */
  available: number;
  ready: number;
  updated: number | undefined;
  progressing: Condition | undefined;
  availableCond: Condition | undefined;
  /** The status describes an older generation of the spec (the controller has not caught up). */
  stale: boolean;
}

export function availabilityOf(r: Resource): Availability | undefined {
  if ((r.kind !== 'Deployment' && r.kind !== 'StatefulSet') || !r.apiVersion.startsWith('apps/')) return undefined;
  if (!hasStatus(r)) return undefined;
  const replicas = get(r.object, ['spec', 'replicas']);
  const desired = typeof replicas === 'number' ? replicas : replicas === undefined ? 1 : NaN;
  if (!Number.isFinite(desired)) return undefined;
  const ready = getNumber(r.object, ['status', 'readyReplicas']) ?? 0;
  const availableField = getNumber(r.object, ['status', 'availableReplicas']);
  const available = r.kind === 'Deployment' ? (availableField ?? 0) : (availableField ?? ready);
  const gen = getNumber(r.object, ['metadata', 'generation']);
  const observed = getNumber(r.object, ['status', 'observedGeneration']);
  return {
    r,
    desired,
    available,
    ready,
    updated: getNumber(r.object, ['status', 'updatedReplicas']),
    progressing: conditionOf(r, 'Progressing'),
    availableCond: conditionOf(r, 'Available'),
    stale: gen !== undefined && observed !== undefined && observed < gen,
  };
}

/**
 * A DaemonSet's availability: the pods it should run (`status.desiredNumberScheduled`, one per
 * eligible node) against those available (`numberAvailable`) and ready (`numberReady`).
 */
export function daemonAvailabilityOf(r: Resource): Availability | undefined {
  if (r.kind !== 'DaemonSet' || !r.apiVersion.startsWith('apps/') || !hasStatus(r)) return undefined;
  const desired = getNumber(r.object, ['status', 'desiredNumberScheduled']);
  if (desired === undefined) return undefined;
  const gen = getNumber(r.object, ['metadata', 'generation']);
  const observed = getNumber(r.object, ['status', 'observedGeneration']);
  return {
    r,
    desired,
    available: getNumber(r.object, ['status', 'numberAvailable']) ?? 0,
    ready: getNumber(r.object, ['status', 'numberReady']) ?? 0,
    updated: getNumber(r.object, ['status', 'updatedNumberScheduled']),
    progressing: undefined,
    availableCond: undefined,
    stale: gen !== undefined && observed !== undefined && observed < gen,
  };
}

// ---------------------------------------------------------------------------------------------
// Nodes

export const PRESSURE_TYPES = ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export function nodeReady(node: Resource): Condition | undefined {
  return conditionOf(node, 'Ready');
}

export function nodePressure(node: Resource): Condition[] {
  return PRESSURE_TYPES.map((t) => conditionOf(node, t)).filter((c): c is Condition => !!c && c.status === 'True');
}

/** Warning events of an object (newest last). */
export function warnings(index: ResourceIndex, r: Resource): ObjectEvent[] {
  return eventsFor(index, r).filter((e) => e.type === 'Warning');
}
