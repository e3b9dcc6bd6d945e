/**
 * Kubernetes Events, indexed by the object they are about.
 *
 * Both shapes are read: core `v1` Events (`involvedObject`, `message`, `count`, `firstTimestamp`,
 * `lastTimestamp`, `eventTime`, `series`) and `events.k8s.io/v1` Events (`regarding`, `note`,
 * `deprecatedCount`, `deprecatedFirstTimestamp`, `deprecatedLastTimestamp`, `eventTime`, `series`).
 *
 * Events are matched to objects by the involved object's **uid**, never by name: a Pod deleted and
 * recreated under the same name (a StatefulSet pod, say) has another uid, and the old pod's events
 * say nothing about the new one. The one exception is the kubelet's own Node events, which carry
 * the node's name in the uid field (`involvedObject.uid: node-1`): for a Node, an event of kind
 * Node whose uid is the node's name counts too.
 */
import type { FieldPath, Json, Resource } from './types.js';
import type { ResourceIndex } from './index.js';
import { get, getNumber, getString, isObject } from './util.js';

export interface EventRef {
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  /** e.g. `spec.containers{app}`: the part of the object the event is about. */
  fieldPath?: string;
}

export interface ObjectEvent {
  resource: Resource;
  api: 'v1' | 'events.k8s.io/v1';
  regarding: EventRef;
  /** Normal or Warning ('' when unset). */
  type: string;
  reason: string;
  message: string;
  /** Path of the message field in the Event (`message` or `note`), for related objects. */
  messagePath: FieldPath;
  /** How many times it happened (series count, else count, else 1). */
  count: number;
  /** When it last happened, ms since the epoch (see eventTimeOf); undefined when it carries no time. */
  time: number | undefined;
  /** The timestamp text `time` was read from. */
  timeText: string | undefined;
  /** When it first happened, when the event says. */
  firstTime: number | undefined;
  /** Who reported it (kubelet, default-scheduler, persistentvolume-controller, ...). */
  source: string | undefined;
}

/** A Kubernetes timestamp (RFC 3339, MicroTime with microseconds) in ms since the epoch; undefined when absent or unparseable. */
export function parseTime(v: Json | undefined): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

/** Is this object an Event (either API)? */
export function isEvent(r: Resource): boolean {
  return r.kind === 'Event' && (r.apiVersion === 'v1' || r.apiVersion === 'events.k8s.io/v1' || r.apiVersion === 'events.k8s.io/v1beta1');
}

function ref(v: Json | undefined): EventRef {
  if (!isObject(v)) return {};
  const out: EventRef = {};
  for (const k of ['kind', 'name', 'namespace', 'uid', 'fieldPath'] as const) {
    const s = v[k];
    if (typeof s === 'string' && s !== '') out[k] = s;
  }
  return out;
}

/**
 * The time an event last happened: `eventTime` first, falling back to `lastTimestamp`
 * (`deprecatedLastTimestamp`), then `firstTimestamp` (`deprecatedFirstTimestamp`). When the event
 * is a series, `series.lastObservedTime` is its latest occurrence and wins over `eventTime`
 * (which is then the first one).
 */
export function eventTimeOf(o: Json | undefined): { time: number; text: string } | undefined {
  const fields: FieldPath[] = [
    ['series', 'lastObservedTime'],
    ['eventTime'],
    ['lastTimestamp'],
    ['deprecatedLastTimestamp'],
    ['firstTimestamp'],
    ['deprecatedFirstTimestamp'],
  ];
  for (const f of fields) {
    const text = getString(o, f);
    const time = parseTime(text);
    if (time !== undefined) return { time, text: text! };
  }
  return undefined;
}

/** Read one Event resource (either API); null when it is not an Event. */
export function readEvent(r: Resource): ObjectEvent | null {
  if (!isEvent(r)) return null;
  const o = r.object;
  const v1 = r.apiVersion === 'v1';
  const regarding = ref(v1 ? o.involvedObject : (o.regarding ?? o.involvedObject));
  const messageKey = v1 ? 'message' : 'note';
  const message = getString(o, [messageKey]) ?? getString(o, [v1 ? 'note' : 'message']) ?? '';
  const t = eventTimeOf(o);
  const first = parseTime(getString(o, ['firstTimestamp']) ?? getString(o, ['deprecatedFirstTimestamp']) ?? getString(o, ['eventTime']));
  const count = getNumber(o, ['series', 'count']) ?? getNumber(o, ['count']) ?? getNumber(o, ['deprecatedCount']) ?? 1;
  const source =
    getString(o, ['reportingController']) ||
    getString(o, ['reportingComponent']) ||
    getString(o, ['source', 'component']) ||
    getString(o, ['deprecatedSource', 'component']) ||
    undefined;
  return {
    resource: r,
    api: v1 ? 'v1' : 'events.k8s.io/v1',
    regarding,
    type: getString(o, ['type']) ?? '',
    reason: getString(o, ['reason']) ?? '',
    message: message.trim(),
    messagePath: o[messageKey] !== undefined ? [messageKey] : o.message !== undefined ? ['message'] : o.note !== undefined ? ['note'] : [],
    count: count >= 1 ? Math.floor(count) : 1,
    time: t?.time,
    timeText: t?.text,
    firstTime: first,
    source,
  };
}

/** Oldest first; events without a time sort before every timed one, then in input order. */
function byTime(a: ObjectEvent, b: ObjectEvent): number {
  return (a.time ?? -Infinity) - (b.time ?? -Infinity);
}

interface EventIndex {
  byUid: Map<string, ObjectEvent[]>;
  all: ObjectEvent[];
}

function eventIndex(index: ResourceIndex): EventIndex {
  return index.memo('events:index', () => {
    const byUid = new Map<string, ObjectEvent[]>();
    const all: ObjectEvent[] = [];
    for (const r of index.ofKind('Event')) {
      const e = readEvent(r);
      if (!e) continue;
      all.push(e);
      const uid = e.regarding.uid;
      if (!uid) continue;
      let l = byUid.get(uid);
      if (!l) byUid.set(uid, (l = []));
      l.push(e);
    }
    // Stable sort: equal times keep input order.
    for (const l of byUid.values()) l.sort(byTime);
    all.sort(byTime);
    return { byUid, all };
  });
}

/** metadata.uid of an object. */
export function uidOf(r: Resource): string | undefined {
  const u = get(r.object, ['metadata', 'uid']);
  return typeof u === 'string' && u !== '' ? u : undefined;
}

/**
 * The events about this object, oldest first, matched by uid (an object without a uid has none).
 * Events whose involved kind is given and differs from the object's are left out.
 */
export function eventsFor(index: ResourceIndex, r: Resource): ObjectEvent[] {
  const idx = eventIndex(index);
  const uid = uidOf(r);
  const out: ObjectEvent[] = [];
  const take = (l: ObjectEvent[] | undefined) => {
    for (const e of l ?? []) if (!e.regarding.kind || e.regarding.kind === r.kind) out.push(e);
  };
  if (uid) take(idx.byUid.get(uid));
  // The kubelet reports Node events with the node's name as the uid.
  if (r.kind === 'Node' && r.name !== uid) {
    take(idx.byUid.get(r.name));
    out.sort(byTime);
  }
  return out;
}

/** Every Event in the input, oldest first. */
export function allEvents(index: ResourceIndex): ObjectEvent[] {
  return eventIndex(index).all;
}

/** The newest event about this object matching the filter, or undefined. */
export function latestEvent(events: ObjectEvent[], match: (e: ObjectEvent) => boolean): ObjectEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (match(events[i])) return events[i];
  return undefined;
}

/** The container an event is about, from its fieldPath (`spec.containers{app}`, `spec.initContainers{init}`). */
export function eventContainer(e: ObjectEvent): string | undefined {
  const m = /^spec\.(?:initContainers|containers|ephemeralContainers)\{(.+)\}$/.exec(e.regarding.fieldPath ?? '');
  return m ? m[1] : undefined;
}

const STATUS_TIMES = ['lastTransitionTime', 'lastHeartbeatTime', 'lastProbeTime', 'lastUpdateTime'];

function latestIn(v: Json | undefined, depth: number, acc: { t: number }): void {
  if (depth > 6 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) latestIn(x, depth + 1, acc);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') {
      if (STATUS_TIMES.includes(k) || k === 'startedAt' || k === 'finishedAt' || k === 'startTime' || k === 'completionTime') {
        const t = parseTime(x);
        if (t !== undefined && t > acc.t) acc.t = t;
      }
    } else latestIn(x, depth + 1, acc);
  }
}

/**
 * When the input was observed, as far as it tells: the newest timestamp it holds (event times,
 * creation times, status condition transitions and heartbeats, container start and finish times).
 * Durations ("not ready for 12 minutes") are measured up to this instant, which is never later than
 * the real time of the snapshot: a duration can only be underestimated, so a check that needs
 * "longer than N minutes" stays silent rather than guessing. In a live cluster, node heartbeats keep
 * it within minutes of now, and a live scan sets the API server's own clock instead
 * (ResourceIndex.observedAt). Undefined when the input holds no timestamp at all. A check that uses it
 * lists Event and Node in its `uses` (kinds loaded as metadata only carry no status).
 */
export function observedAt(index: ResourceIndex): number | undefined {
  if (index.observedAt !== undefined) return index.observedAt;
  return index.memo('events:observed-at', () => {
    const acc = { t: -Infinity };
    for (const e of allEvents(index)) if (e.time !== undefined && e.time > acc.t) acc.t = e.time;
    for (const r of index.resources) {
      if (r.kind === 'Event') continue;
      const c = parseTime(get(r.object, ['metadata', 'creationTimestamp']));
      if (c !== undefined && c > acc.t) acc.t = c;
      const status = r.object.status;
      if (isObject(status)) latestIn(status, 0, acc);
    }
    return acc.t === -Infinity ? undefined : acc.t;
  });
}

/** "2024-05-01T10:04:00Z" for messages (seconds precision, UTC). */
export function formatTime(t: number | undefined): string {
  if (t === undefined) return 'unknown time';
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "12m", "3h05m", "2d4h" */
export function formatDuration(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60000));
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** One event for a message: `Warning FailedScheduling (x12, last 2024-05-01T10:04:00Z): "0/3 nodes are available: ..."`. */
/**
 * Kubelet and containerd error text for quoting: whitespace folded, the layers that repeat the image
 * reference ("rpc error: code = Unknown desc = failed to pull and unpack image "X": failed to resolve
 * reference "X": ...") dropped, and when still longer than `max`, the start and the end kept around
 * an ellipsis: the decisive part ("401 Unauthorized", "no such host") is at the end.
 */
export function shortenMessage(text: string, max = 300): string {
  let s = text.replace(/\s+/g, ' ').trim();
  s = s.replace(/rpc error: code = \w+ desc = /g, '');
  s = s.replace(/(?:failed to pull and unpack image|failed to resolve reference|failed to resolve image|failed to copy|failed to do request)(?: "[^"]*")?: /gi, '');
  if (s.length <= max) return s;
  const head = Math.floor(max * 0.4);
  const tail = max - head - 3;
  return `${s.slice(0, head).trimEnd()} … ${s.slice(s.length - tail).trimStart()}`;
}

export function describeEvent(e: ObjectEvent, maxMessage = 300): string {
  const msg = shortenMessage(e.message, maxMessage);
  const count = e.count > 1 ? `x${e.count}, ` : '';
  return `${e.type ? e.type + ' ' : ''}${e.reason || 'event'} (${count}${e.time !== undefined ? `last ${formatTime(e.time)}` : 'no time'}): "${msg}"`;
}
