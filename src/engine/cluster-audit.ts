/**
 * Audit what live clusters returned (sources/cluster.ts): each context is audited on its own (its
 * own resource index: objects of two clusters never meet), with the same checks, config and
 * exemptions as manifests; then the reports are merged into one, with a `cluster` section and the
 * context on every object reference (`object.cluster`).
 *
 * Completeness: a context's listing holds every object of the namespaces it covers, so findings that
 * rest on an absent object count there, except where the listing could not say: a kind that was
 * skipped (forbidden, failed) or workloads filtered with -l. Those stay "unknown".
 */
import type { Check } from '../checks/types.js';
import type { Resource } from '../model/types.js';
import { isObject, stringMap } from '../model/util.js';
import { listedKinds, type ClusterLoad, type ContextLoad } from '../sources/cluster.js';
import { labelsMatch, parseLabelSelector } from '../model/label-selector.js';
import { controllerOf, POD_CONTROLLERS } from '../model/availability.js';
import { audit, overallScore, type AuditOptions } from './audit.js';
import type { ClusterContextOut, ClusterReport, CostSummary, CostTotalsOut, ObjectRef, Report, Verdict } from './report-types.js';

/**
 * Checks about what the manifest says, which a live object cannot tell: the API server defaults
 * spec.replicas and the HorizontalPodAutoscaler writes it, so whether the manifest sets it (and
 * every apply resets the autoscaler) is not visible in the cluster.
 */
export const MANIFEST_ONLY_CHECKS = ['hpa-workload-sets-replicas'];

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod'];

/** Did the scan of this context miss something that makes the audit incomplete? */
export function contextIncomplete(c: Pick<ClusterContextOut, 'status'>): boolean {
  return c.status !== 'ok';
}

/** Words an `unknown` text names when it rests on objects this context's listing may lack. */
function uncertainty(load: ContextLoad): { kinds: Set<string>; words: RegExp | null } {
  const kinds = new Set<string>(load.skipped.map((s) => s.kind));
  const words = [...kinds];
  if (load.selector || WORKLOAD_KINDS.some((k) => kinds.has(k))) {
    for (const k of WORKLOAD_KINDS) kinds.add(k);
    words.push(...WORKLOAD_KINDS, 'workload', 'workloads');
  }
  return { kinds, words: words.length ? new RegExp(`\\b(${[...new Set(words)].join('|')})\\b`) : null };
}

function stillUnknownFor(load: ContextLoad): AuditOptions['stillUnknown'] {
  const { kinds, words } = uncertainty(load);
  if (!words) return undefined;
  return (text: string, check: Check) => words.test(text) || [...(check.uses ?? []), ...(check.kinds ?? [])].some((k) => kinds.has(k));
}

/** Kubernetes' own default RBAC objects (system:* roles): context for RBAC resolution, never reported. */
const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

/**
 * Which listed objects get verdicts: with -n, only objects of the audited namespaces and their
 * Namespace objects (other cluster-scoped objects are context); with -l, only objects whose labels match; never Kubernetes' default RBAC
 * objects (label kubernetes.io/bootstrapping: rbac-defaults), which no user can fix.
 */
function reportOnlyFor(load: ContextLoad): AuditOptions['reportOnly'] {
  const ns = load.namespaces ? new Set(load.namespaces) : null;
  const sel = load.selector ? parseLabelSelector(load.selector) : null;
  const hidden = load.selector ? hiddenOwnedObjects(load) : null;
  return (r: Resource) => {
    if (ns && !(r.kind === 'Namespace' ? ns.has(r.name) : r.namespace !== undefined && ns.has(r.namespace))) return false;
    const labels = isObject(r.object.metadata) ? stringMap(r.object.metadata.labels) : {};
    if (labels[BOOTSTRAP_LABEL] === 'rbac-defaults') return false;
    if (sel && !labelsMatch(sel, labels)) return false;
    if (hidden?.has(r)) return false;
    return true;
  };
}

/**
 * With -l: the ReplicaSets, Pods and Jobs that matched only because they carry their pod template's
 * labels, while their controller (a Deployment, a StatefulSet...) does not and was not read. They are
 * not audited as objects of their own (their controller decides their fate); a warning names the
 * controllers to select instead.
 */
function hiddenOwnedObjects(load: ContextLoad): Set<Resource> {
  const read = new Set(load.resources.map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}`));
  const hidden = new Set<Resource>();
  const owners = new Set<string>();
  for (const r of load.resources) {
    if (r.kind !== 'Pod' && r.kind !== 'ReplicaSet' && r.kind !== 'Job') continue;
    const o = controllerOf(r);
    if (!o || !POD_CONTROLLERS.has(o.kind)) continue;
    if (read.has(`${o.kind}/${r.namespace ?? ''}/${o.name}`)) continue;
    hidden.add(r);
    // The top controller is named when it was read one level up (a Pod of a ReplicaSet of a Deployment).
    owners.add(`${o.kind} ${r.namespace ?? ''}/${o.name}`);
  }
  if (owners.size) {
    const list = [...owners].sort();
    load.warnings.push(
      `-l ${load.selector} matched ${hidden.size} ReplicaSet/Pod/Job object${hidden.size === 1 ? '' : 's'} only through their pod template labels, not their controllers (${list.slice(0, 5).join(', ')}${list.length > 5 ? `, ${list.length - 5} more` : ''}): they are not audited on their own; select by labels the controllers carry to audit those`,
    );
  }
  return hidden;
}

/** Put the context on every object reference of a report (verdicts, findings, related objects). */
function tagRefs(report: Report, context: string): void {
  const seen = new Set<ObjectRef>();
  const tag = (o: ObjectRef) => {
    if (seen.has(o)) return;
    seen.add(o);
    o.cluster = context;
  };
  for (const v of report.verdicts) {
    tag(v.object);
    for (const f of v.findings) {
      tag(f.object);
      for (const r of f.related) tag(r.object);
    }
    for (const s of v.survival ?? []) for (const r of s.related) tag(r.object);
    if (v.blastRadius) {
      for (const x of v.blastRadius.risks) for (const r of x.via) tag(r.object);
      for (const r of v.blastRadius.unknownBindings) tag(r.object);
    }
  }
  for (const w of report.reachability?.workloads ?? []) w.cluster = context;
}

function contextOut(load: ContextLoad, report: Report | null): ClusterContextOut {
  const s = report?.summary;
  return {
    context: load.context,
    cluster: load.cluster,
    server: load.server,
    serverVersion: load.serverVersion,
    status: load.status,
    namespaces: load.namespaces,
    selector: load.selector,
    objects: load.resources.length,
    requests: load.requests,
    durationMs: load.durationMs,
    listed: load.listed,
    skipped: load.skipped.map((x) => ({ ...x })),
    errors: load.errors,
    warnings: load.warnings,
    summary: s ? { workloads: s.workloads, readyWorkloads: s.readyWorkloads, score: s.score, findings: { ...s.findings } } : null,
  };
}

/** Audit every context of a cluster load and merge the reports (see the module comment). */
export function auditCluster(load: ClusterLoad, options: Omit<AuditOptions, 'complete' | 'namespace' | 'reportOnly' | 'stillUnknown'>): Report {
  const parts: { load: ContextLoad; report: Report }[] = [];
  const checks = options.checks.filter((c) => !MANIFEST_ONLY_CHECKS.includes(c.id));
  const contexts: ClusterContextOut[] = [];
  for (const c of load.contexts) {
    let report: Report | null = null;
    if (c.status !== 'unreachable' || c.resources.length > 0) {
      report = audit(
        { resources: c.resources, documents: c.resources.length, files: 0, ...(c.observedAt !== null ? { observedAt: c.observedAt } : {}), ...(c.namespaces ? { podNamespaces: c.namespaces } : {}), listedKinds: listedKinds(c) },
        {
          ...options,
          checks,
          namespace: c.namespaces?.[0] ?? 'default',
          complete: c.namespaces === null ? true : c.namespaces,
          clusterScopedComplete: true,
          reportOnly: reportOnlyFor(c),
          stillUnknown: stillUnknownFor(c),
        },
      );
      tagRefs(report, c.context);
      parts.push({ load: c, report });
    }
    contexts.push(contextOut(c, report));
  }
  const cluster: ClusterReport = { complete: !contexts.some(contextIncomplete), contexts };
  const merged = parts.length === 1 ? parts[0].report : mergeReports(parts.map((p) => ({ context: p.load.context, report: p.report })), checks);
  merged.cluster = cluster;
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Merging per-context reports.

function emptyReport(checks: Check[]): Report {
  const r = audit({ resources: [], files: 0, documents: 0 }, { checks });
  return r;
}

function addQ(a: { cpu: number; memory: number }, b: { cpu: number; memory: number }) {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory };
}
function addB(a: { cpu: number | null; memory: number | null }, b: { cpu: number | null; memory: number | null }) {
  return { cpu: a.cpu === null || b.cpu === null ? null : a.cpu + b.cpu, memory: a.memory === null || b.memory === null ? null : a.memory + b.memory };
}
function addN(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function addTotals(a: CostTotalsOut | null, b: CostTotalsOut | null): CostTotalsOut | null {
  if (!a) return b;
  if (!b) return a;
  return {
    workloads: a.workloads + b.workloads,
    requests: { now: addQ(a.requests.now, b.requests.now), min: addQ(a.requests.min, b.requests.min), max: a.requests.max && b.requests.max ? addQ(a.requests.max, b.requests.max) : null },
    limitsAtMax: addB(a.limitsAtMax, b.limitsAtMax),
    hourly: { now: a.hourly.now + b.hourly.now, min: a.hourly.min + b.hourly.min, max: addN(a.hourly.max, b.hourly.max) },
    monthly: a.monthly && b.monthly ? { now: a.monthly.now + b.monthly.now, min: a.monthly.min + b.monthly.min, max: addN(a.monthly.max, b.monthly.max) } : null,
    incomplete: a.incomplete || b.incomplete,
  };
}

function mergeCost(parts: { context: string; report: Report }[]): CostSummary | null {
  let out: CostSummary | null = null;
  for (const { context, report } of parts) {
    const c = report.cost;
    if (!c) continue;
    const namespaces = c.namespaces.map((n) => ({ ...n, namespace: `${context}/${n.namespace}` }));
    if (!out) {
      out = { prices: c.prices, total: { ...c.total }, namespaces };
      continue;
    }
    out.total = { running: addTotals(out.total.running, c.total.running), perNode: addTotals(out.total.perNode, c.total.perNode), perRun: addTotals(out.total.perRun, c.total.perRun) };
    out.namespaces.push(...namespaces);
  }
  return out;
}

/** One report from several contexts' reports: verdicts in context order, counts added, the score over all their verdicts (overallScore). */
export function mergeReports(parts: { context: string; report: Report }[], checks: Check[]): Report {
  const base = emptyReport(checks);
  if (parts.length === 0) return base;
  const s = base.summary;
  const verdicts: Verdict[] = [];
  const fired = new Set<string>();
  for (const { report } of parts) {
    const r = report.summary;
    s.workloads += r.workloads;
    s.readyWorkloads += r.readyWorkloads;
    s.objects += r.objects;
    s.documents += r.documents;
    s.skippedDocuments += r.skippedDocuments;
    s.files += r.files;
    s.exempted += r.exempted;
    s.unknown += r.unknown;
    s.inputErrors += r.inputErrors;
    for (const k of ['error', 'warning', 'info'] as const) s.findings[k] += r.findings[k];
    for (const [p, n] of Object.entries(r.byPillar)) for (const k of ['error', 'warning', 'info'] as const) s.byPillar[p as keyof typeof s.byPillar][k] += n[k];
    for (const v of report.verdicts) verdicts.push(v);
    for (const c of report.checks) fired.add(c.id);
    base.problems.push(...report.problems);
  }
  s.score = overallScore(verdicts);
  base.verdicts = verdicts;
  const infos = new Map(parts.flatMap((p) => p.report.checks.map((c) => [c.id, c] as const)));
  base.checks = checks.filter((c) => fired.has(c.id)).map((c) => infos.get(c.id)!);
  base.cost = mergeCost(parts);
  if (parts.some((p) => p.report.reachability !== undefined)) {
    const withMatrix = parts.filter((p) => p.report.reachability);
    if (withMatrix.length === 0) base.reachability = null;
    else {
      const out: NonNullable<Report['reachability']> = { policies: 0, workloads: [], edges: [], truncated: false };
      for (const { report } of withMatrix) {
        const m = report.reachability!;
        const offset = out.workloads.length;
        out.policies += m.policies;
        out.workloads.push(...m.workloads);
        for (const e of m.edges) out.edges.push({ ...e, from: e.from + offset, to: e.to + offset });
        out.truncated ||= m.truncated;
      }
      base.reachability = out;
    }
  }
  return base;
}
