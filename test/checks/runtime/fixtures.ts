/**
 * Builders for live-object fixtures, shaped as `kubectl get -o yaml` returns them (metadata.uid,
 * ownerReferences, status, Events), turned into YAML text for the check tester. Tests assert
 * exact lines through `lineOf`, which finds a marker in the text.
 */
import YAML from 'yaml';

type Obj = Record<string, unknown>;

export const T0 = '2024-05-01T10:00:00Z';
/** T0 plus minutes, as an RFC 3339 timestamp. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString().replace(/\.000Z$/, 'Z');
}

export function yaml(...docs: Obj[]): string {
  return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}

/** 1-based line of the n-th (0-based) line containing `needle`. Throws when absent, so a test cannot silently pass. */
export function lineOf(text: string, needle: string, nth = 0): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(needle)) {
      if (seen === nth) return i + 1;
      seen++;
    }
  }
  throw new Error(`fixture has no line with "${needle}" (#${nth})`);
}

export interface ContainerOpts {
  name?: string;
  image?: string;
  memoryLimit?: string;
  memoryRequest?: string;
  readinessProbe?: boolean;
  livenessProbe?: boolean;
  env?: Obj[];
  envFrom?: Obj[];
}

export function container(o: ContainerOpts = {}): Obj {
  const c: Obj = { name: o.name ?? 'app', image: o.image ?? 'registry.example.com/shop/web:1.4.2' };
  if (o.env) c.env = o.env;
  if (o.envFrom) c.envFrom = o.envFrom;
  const limits: Obj = {};
  const requests: Obj = {};
  if (o.memoryLimit) limits.memory = o.memoryLimit;
  if (o.memoryRequest) requests.memory = o.memoryRequest;
  if (Object.keys(limits).length || Object.keys(requests).length) c.resources = { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
  if (o.livenessProbe) c.livenessProbe = { httpGet: { path: '/healthz', port: 8080 } };
  if (o.readinessProbe) c.readinessProbe = { httpGet: { path: '/ready', port: 8080 } };
  return c;
}

export interface Meta {
  name: string;
  ns?: string;
  uid: string;
  owner?: { kind: string; name: string; uid: string; apiVersion?: string };
  labels?: Record<string, string>;
  created?: string;
  generation?: number;
  deleting?: boolean;
  annotations?: Record<string, string>;
}

function meta(m: Meta): Obj {
  const o: Obj = { name: m.name, namespace: m.ns ?? 'shop', uid: m.uid, creationTimestamp: m.created ?? T0 };
  if (m.generation !== undefined) o.generation = m.generation;
  if (m.labels) o.labels = m.labels;
  if (m.annotations) o.annotations = m.annotations;
  if (m.deleting) o.deletionTimestamp = at(1);
  if (m.owner) o.ownerReferences = [{ apiVersion: m.owner.apiVersion ?? 'apps/v1', kind: m.owner.kind, name: m.owner.name, uid: m.owner.uid, controller: true, blockOwnerDeletion: true }];
  return o;
}

export function deployment(m: Meta & { replicas?: number; containers?: Obj[]; status?: Obj; podSpec?: Obj }): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta({ generation: 1, ...m }),
    spec: {
      replicas: m.replicas ?? 1,
      selector: { matchLabels: { app: m.name } },
      template: { metadata: { labels: { app: m.name } }, spec: { ...(m.podSpec ?? {}), containers: m.containers ?? [container()] } },
    },
    // Default: every replica available (tests of unavailability give their own status).
    status: m.status ?? { observedGeneration: 1, replicas: m.replicas ?? 1, readyReplicas: m.replicas ?? 1, availableReplicas: m.replicas ?? 1, updatedReplicas: m.replicas ?? 1 },
  };
}

export function statefulSet(m: Meta & { replicas?: number; containers?: Obj[]; status?: Obj }): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta({ generation: 1, ...m }),
    spec: {
      replicas: m.replicas ?? 1,
      serviceName: m.name,
      selector: { matchLabels: { app: m.name } },
      template: { metadata: { labels: { app: m.name } }, spec: { containers: m.containers ?? [container()] } },
    },
    status: m.status ?? { observedGeneration: 1, replicas: m.replicas ?? 1 },
  };
}

export function replicaSet(m: Meta & { replicas?: number; containers?: Obj[] }): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(m),
    spec: {
      replicas: m.replicas ?? 1,
      selector: { matchLabels: { app: m.owner?.name ?? m.name } },
      template: { metadata: { labels: { app: m.owner?.name ?? m.name } }, spec: { containers: m.containers ?? [container()] } },
    },
    status: { replicas: m.replicas ?? 1, observedGeneration: 1 },
  };
}

export interface PodOpts extends Meta {
  containers?: Obj[];
  initContainers?: Obj[];
  phase?: string;
  containerStatuses?: Obj[];
  initContainerStatuses?: Obj[];
  conditions?: Obj[];
  nodeName?: string;
  spec?: Obj;
}

export function pod(o: PodOpts): Obj {
  const status: Obj = { phase: o.phase ?? 'Running' };
  if (o.conditions) status.conditions = o.conditions;
  if (o.initContainerStatuses) status.initContainerStatuses = o.initContainerStatuses;
  if (o.containerStatuses) status.containerStatuses = o.containerStatuses;
  const spec: Obj = { ...(o.spec ?? {}) };
  if (o.initContainers) spec.initContainers = o.initContainers;
  spec.containers = o.containers ?? [container()];
  if (o.nodeName) spec.nodeName = o.nodeName;
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta({ labels: { app: o.owner?.name.replace(/-[a-z0-9]+$/, '') ?? o.name }, ...o }), spec, status };
}

export interface StatusOpts {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: Obj;
  lastState?: Obj;
  started?: boolean;
  image?: string;
}

export function cstatus(o: StatusOpts = {}): Obj {
  const s: Obj = {
    name: o.name ?? 'app',
    image: o.image ?? 'registry.example.com/shop/web:1.4.2',
    imageID: '',
    ready: o.ready ?? true,
    restartCount: o.restartCount ?? 0,
    state: o.state ?? { running: { startedAt: T0 } },
  };
  if (o.lastState) s.lastState = o.lastState;
  if (o.started !== undefined) s.started = o.started;
  return s;
}

export function terminated(reason: string, exitCode: number, finishedAt = at(5), message?: string): Obj {
  return { terminated: { reason, exitCode, startedAt: at(4), finishedAt, ...(message ? { message } : {}) } };
}

export function waiting(reason: string, message?: string): Obj {
  return { waiting: { reason, ...(message ? { message } : {}) } };
}

export function cond(type: string, status: string, since = T0, reason?: string, message?: string): Obj {
  return { type, status, lastTransitionTime: since, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

export interface EventOpts {
  name: string;
  ns?: string;
  involved: { kind: string; name: string; uid?: string; fieldPath?: string; namespace?: string };
  reason: string;
  message: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  component?: string;
}

/** A core v1 Event. */
export function event(o: EventOpts): Obj {
  const e: Obj = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: o.name, namespace: o.ns ?? 'shop', uid: `ev-${o.name}` },
    involvedObject: { apiVersion: o.involved.kind === 'Pod' ? 'v1' : 'apps/v1', namespace: o.involved.namespace ?? o.ns ?? 'shop', ...o.involved },
    reason: o.reason,
    message: o.message,
    type: o.type ?? 'Warning',
    count: o.count ?? 1,
    source: { component: o.component ?? 'kubelet' },
  };
  if (o.firstTimestamp !== undefined) e.firstTimestamp = o.firstTimestamp;
  if (o.lastTimestamp !== undefined) e.lastTimestamp = o.lastTimestamp;
  e.eventTime = o.eventTime ?? null;
  return e;
}

/** An events.k8s.io/v1 Event. */
export function eventV1(o: EventOpts & { seriesCount?: number; lastObserved?: string }): Obj {
  const e: Obj = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: o.name, namespace: o.ns ?? 'shop', uid: `ev-${o.name}` },
    regarding: { apiVersion: 'v1', namespace: o.involved.namespace ?? o.ns ?? 'shop', ...o.involved },
    reason: o.reason,
    note: o.message,
    type: o.type ?? 'Warning',
    eventTime: o.eventTime ?? T0,
    reportingController: o.component ?? 'default-scheduler',
    reportingInstance: 'test',
    action: 'Scheduling',
  };
  if (o.seriesCount !== undefined) e.series = { count: o.seriesCount, lastObservedTime: o.lastObserved ?? o.eventTime ?? T0 };
  if (o.lastTimestamp) e.deprecatedLastTimestamp = o.lastTimestamp;
  return e;
}

/** Deployment web (uid d-web) -> ReplicaSet web-7d9c (uid rs-web) -> pods given. */
export function chain(d: Partial<Parameters<typeof deployment>[0]> = {}, pods: Obj[] = []): Obj[] {
  const name = d.name ?? 'web';
  return [
    deployment({ name, uid: `d-${name}`, ...d }),
    replicaSet({ name: `${name}-7d9c`, uid: `rs-${name}`, owner: { kind: 'Deployment', name, uid: `d-${name}` }, containers: d.containers }),
    ...pods,
  ];
}

/** A pod of the chain's ReplicaSet. */
export function rsPod(name: string, o: Omit<PodOpts, 'name' | 'uid'> & { uid?: string; deploy?: string } = {}): Obj {
  const d = o.deploy ?? 'web';
  return pod({ name, uid: o.uid ?? `p-${name}`, owner: { kind: 'ReplicaSet', name: `${d}-7d9c`, uid: `rs-${d}` }, labels: { app: d }, ...o });
}
