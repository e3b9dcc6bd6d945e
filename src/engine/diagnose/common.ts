// Helpers every walk shares: object refs, evidence, preventions (running manifest checks), owners, fix commands, ordering.
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Json, Resource } from '../../model/types.js';
import { describeEvent, shortenMessage, observedAt, type ObjectEvent } from '../../model/events.js';
import { hasStatus, topOwner } from '../../model/runtime.js';
import { get, isObject, joinAnd } from '../../model/util.js';
import { toWorkload } from '../../model/workload.js';
import { findCheck } from '../../checks/index.js';
import type { Check, FindingInput } from '../../checks/types.js';
import { formatPath } from '../audit.js';
import { podState } from '../../checks/runtime/service-no-ready-endpoints.js';
import type { Workload } from '../../model/types.js';
import { type DiagnoseKind, type DiagnoseOptions, type DiagnosisStatus, type DrainPlan, type Evidence, KUBECTL_NAME, type ObjectRef, type Prevention, type Problem, type UnreadList } from './types.js';

export function ref(r: Resource, index: ResourceIndex): ObjectRef {
  const clusterScoped = r.kind === 'Node' || r.kind === 'StorageClass' || r.kind === 'PersistentVolume';
  return { kind: r.kind, name: r.name, namespace: clusterScoped ? null : index.namespaceOf(r) };
}

export function show(r: ObjectRef): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

export function prevention(check: string | null, why: string): Prevention {
  const c = check ? findCheck(check) : undefined;
  return { check: c ? c.id : null, title: c?.title ?? null, pillar: c?.pillar ?? null, why };
}

export function ev(e: ObjectEvent, index: ResourceIndex): Evidence {
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
export function unreadOf(opts: DiagnoseOptions, kinds: readonly string[] | null, ns: string | null): UnreadList[] {
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
export function firesOn(x: Ctx, r: Resource, id: string, container?: string, active?: ReadonlySet<string>): boolean | undefined {
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
export function preventIf(x: Ctx, r: Resource, id: string, why: string, o: { container?: string; general?: string; active?: ReadonlySet<string> } = {}): Prevention | null {
  if (firesOn(x, r, id, o.container, o.active) === true) return prevention(id, why);
  return o.general ? prevention(null, o.general) : null;
}

/** Of these preventions, the advice without a check, and those whose check fires on `r` (for `container`). */
export function confirmed(x: Ctx, r: Resource, list: Prevention[], container?: string | null): Prevention[] {
  return list.filter((v) => v.check === null || firesOn(x, r, v.check, container ?? undefined) === true);
}

export function compact<T>(list: (T | null | undefined)[]): T[] {
  return list.filter((v): v is T => v !== null && v !== undefined);
}

export function st(r: Resource, path: FieldPath, text: string, index: ResourceIndex, source = 'status'): Evidence {
  return { source, object: ref(r, index), field: formatPath(path), text };
}

/** The object commands act on: the workload when the pod has one in the input, else the pod. */
export interface Owner {
  /** `deployment/web` */
  kubectl: string;
  /** Can its pod template's resources be changed in place (kubectl set resources, or a patch)? */
  mutable: boolean;
  /** Can its containers' images be changed in place (kubectl set image: a Pod's image too)? */
  image: boolean;
  resource: Resource;
}

const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

export function ownerOf(index: ResourceIndex, pod: Resource): Owner {
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
export function resourcesCommand(n: string, owner: Owner, container: string, r: { requests?: Record<string, string>; limits?: Record<string, string> }): { command: string | null; note: string | null } {
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
export function withNote(text: string, commands: (string | null)[], note: string | null): { text: string; commands: string[] } {
  return { text: note ? `${text} Note: ${note}.` : text, commands: commands.filter((c): c is string => c !== null) };
}

export function nsFlag(index: ResourceIndex, r: Resource): string {
  return `-n ${index.namespaceOf(r)}`;
}

export const SEVERITY_RANK = { error: 0, warning: 1 } as const;

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

export function order(p: Problem): number {
  const i = CAUSE_ORDER.indexOf(p.check ?? p.symptom);
  return i === -1 ? CAUSE_ORDER.length : i;
}

export interface Ctx {
  index: ResourceIndex;
  now: number | undefined;
  opts: DiagnoseOptions;
  notes: Set<string>;
  /** Drain plans by node, computed once. */
  drains?: Map<Resource, DrainPlan>;
}

export function containerYaml(c: { name: string }, body: string): string {
  const indented = body.split('\n').map((l) => `    ${l}`).join('\n');
  return `containers:\n  - name: ${c.name}\n${indented}`;
}

/** YAML flow style for a probe handler: `{path: /healthz, port: 8080}`, strings quoted where YAML would misread them. */
export function flow(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')}}`;
  if (typeof v === 'string') return /^[A-Za-z_./-][A-Za-z0-9_./:-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(v) && !/:$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

/** Merge identical problems of several pods: same check, container and cause. */
export function mergeAcrossPods(problems: Problem[]): Problem[] {
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

export function sortProblems(list: Problem[]): Problem[] {
  return list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || order(a) - order(b) || b.pods.length - a.pods.length);
}

export function findTarget(index: ResourceIndex, kind: DiagnoseKind, name: string, namespace: string): Resource | undefined {
  const all = index.named(kind, name);
  if (kind === 'Node') return all[0];
  return all.find((r) => index.namespaceOf(r) === namespace);
}

export function statusOf(problems: Problem[]): DiagnosisStatus {
  if (problems.some((p) => p.severity === 'error')) return 'broken';
  if (problems.length) return 'degraded';
  return 'healthy';
}

export function ctxOf(index: ResourceIndex, opts: DiagnoseOptions): Ctx {
  return { index, now: opts.now ?? observedAt(index), opts, notes: new Set() };
}

export function podsLine(pods: Resource[]): string {
  const states = new Map<string, number>();
  for (const p of pods) states.set(podState(p), (states.get(podState(p)) ?? 0) + 1);
  return [...states].map(([s, n]) => `${n} ${s}`).join(', ');
}

/**
 * A manifest check's findings on a live object, as problems: the check is run itself (as `firesOn`),
 * a finding resting on an absent object counts only when the kinds it reads were listed in full.
 */
export function checkProblems(x: Ctx, r: Resource, id: string, symptom: (f: FindingInput) => string): Problem[] {
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

/**
 * Did the objects come from a cluster (or a dump of one)? Then an empty status is the API server's
 * (a CronJob that has not run yet, an object its controller has not reached), not a manifest's.
 */
export function liveInput(index: ResourceIndex): boolean {
  if (index.listedKinds && index.listedKinds.size > 0) return true;
  return index.memo('diagnose:live-input', () => index.resources.some((o) => o.kind !== 'Event' && hasStatus(o)));
}
