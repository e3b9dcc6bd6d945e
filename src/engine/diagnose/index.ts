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
 *
 * This module is the dispatcher (diagnose, diagnoseNamespace), the log hand-off and the public API;
 * the walks of each kind live in the modules beside it.
 */
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import { controllerOf, hasStatus, podPhase, topOwner } from '../../model/runtime.js';
import { joinAnd } from '../../model/util.js';
import { hpaTarget } from '../../model/autoscaler-status.js';
import { type DiagnoseKind, type DiagnoseOptions, type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type LogRequest, type NamespaceDiagnosis, type ObjectRef, type Problem } from './types.js';
import { ctxOf, findTarget, liveInput, unreadOf, unreadText } from './common.js';
import { pvcDiagnosis } from './pvc.js';
import { podDiagnosis } from './pods.js';
import { hpaDiagnosis } from './hpa.js';
import { workloadDiagnosis } from './workload.js';
import { serviceDiagnosis } from './service.js';
import { nodeDiagnosis, pdbDiagnosis } from './node-pdb.js';
import { ingressDiagnosis } from './ingress.js';

export { DIAGNOSIS_SCHEMA_VERSION, DIAGNOSE_ONLY_PROBLEMS, KIND_NAMES, parseTarget, type DiagnoseKind, type ObjectRef, type Evidence, type Prevention, type LogRequest, type LogAttachment, type Problem, type DiagnosisStatus, type DiagnosisCluster, type Diagnosis, type NamespaceDiagnosis, type UnreadList, type DiagnoseOptions, type ConnectionTarget, type DrainPod, type DrainPlan, type NodePodLine, type NodeReport } from './types.js';
export { quote, unreadText } from './common.js';
export { untagged } from './pull-config.js';
export { parseQuotaMustSpecify, nextCronRun } from './workload.js';
export { diagnoseConnection } from './connection.js';

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
