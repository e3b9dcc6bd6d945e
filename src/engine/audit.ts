/** Run checks over resources, apply config and exemptions, and compute verdicts and scores. */
import picomatch from 'picomatch';
import { PILLARS, type Check, type CheckContext, type FindingInput, type Pillar, type Severity } from '../checks/types.js';
import { ResourceIndex } from '../model/index.js';
import type { FieldPath, Json, JsonObject, Resource, Workload, WorkloadClass } from '../model/types.js';
import { fragmentReason, mayBeWorkload, otherTemplates, podSpecProblem } from '../model/workload.js';
import { survival } from '../model/survival.js';
import { blastRadius, RBAC_KINDS } from '../model/rbac.js';
import { reachability as reachabilityOf } from '../model/netpol.js';
import { COST_KINDS, combineCosts, costOf, describeCost, resolvePrices, sumTotals, type CostTotals, type WorkloadCost } from '../model/cost.js';
import { appendSegment, getString, isObject } from '../model/util.js';
import { isCustomApiVersion } from '../model/schema.js';
import { placeFix, type FixAnchor } from '../model/fix-yaml.js';
import { emptyConfig, type Config, type ExemptionRule } from './config.js';
import {
  REPORT_SCHEMA_VERSION,
  type CheckInfo,
  type CostSummary,
  type CostTotalsOut,
  type ReachabilityOut,
  type Exemption,
  type Finding,
  type InputProblemOut,
  type Location,
  type ObjectRef,
  type RelatedObject,
  type PillarStatus,
  type Report,
  type Verdict,
} from './report-types.js';
import { VERSION } from '../version.js';
import type { Timing } from './timing.js';

/** The related list of every finding that has none: one shared array (never mutated), not 400,000 empty ones. */
const NO_RELATED: RelatedObject[] = [];
/** Placeholder params of the shared check context before the first check sets its own. */
const NO_PARAMS: Record<string, unknown> = Object.freeze({});

/** Other objects listed on one finding, at most. */
export const MAX_RELATED = 20;

export const IGNORE_ANNOTATION = 'kubeready.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'kubeready.io/ignore-reason';

/** Kinds that live outside namespaces. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition',
  'PriorityClass', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'APIService', 'CSIDriver', 'CSINode', 'RuntimeClass', 'ClusterIssuer', 'GatewayClass',
  'VolumeSnapshotClass', 'PodSecurityPolicy', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'VolumeAttachment',
]);

export interface AuditInput {
  resources: Resource[];
  problems?: InputProblemOut[];
  documents?: number;
  skipped?: number;
  files?: number;
  /** When the input was read, if the source knows (a live cluster's clock); see ResourceIndex.observedAt. */
  observedAt?: number;
  /** The input holds the pods of these namespaces only; see ResourceIndex.podNamespaces. */
  podNamespaces?: string[];
  /** Kinds a live scan listed in full; see ResourceIndex.listedKinds. */
  listedKinds?: Set<string>;
}

export interface AuditOptions {
  checks: Check[];
  config?: Config;
  /** Namespace for objects that do not name one (kubectl's -n). */
  namespace?: string;
  /** Overrides config `complete`: the input holds everything (true) or everything of these namespaces. */
  complete?: boolean | string[];
  /** Compute the NetworkPolicy reachability matrix (report.reachability). */
  reachability?: boolean;
  /**
   * Verdicts only for these objects; the others are context (a live cluster audited with -n: the
   * cluster-scoped objects it lists to resolve RBAC and storage). Default: every object.
   */
  reportOnly?: (r: Resource) => boolean;
  /**
   * A finding resting on an absent object stays unknown, even where the input is complete, when this
   * says so (a live cluster whose Secrets could not be listed: "no Secret ..." is not known).
   */
  stillUnknown?: (unknown: string, check: Check) => boolean;
  /**
   * The input holds every cluster-scoped object (a live cluster: ClusterRoles, StorageClasses and
   * PersistentVolumes are listed even with -n), so findings resting on a missing cluster-scoped
   * object count without `complete: true`.
   */
  clusterScopedComplete?: boolean;
  /** Record phase and per-check times (KUBEREADY_TIMING=1). */
  timing?: Timing;
}

interface ActiveCheck {
  check: Check;
  severity: Severity;
  params: Record<string, unknown>;
}

/**
 * Which loaded documents can get findings from these checks: workloads, and the kinds that object
 * checks look at (plus List documents, whose items may be either). Sources record source positions
 * only for these, which keeps memory flat on inputs full of CRDs and ConfigMaps.
 */
export function positionFilter(checks: Check[]): (root: Json) => boolean {
  const kinds = new Set<string>();
  // Checks that read only metadata point at the object itself: no per-field positions for their kinds
  // (a CustomResourceDefinition's schema would cost tens of MiB on a large input).
  for (const c of checks) if (c.target === 'object' && !c.metadataOnly && !c.customResources) for (const k of c.kinds ?? []) kinds.add(k);
  if (kinds.has('*')) throw new Error('a check of every kind (kinds: ["*"]) must be metadataOnly or customResources');
  // Custom resources (customResources checks) are not recorded: few get findings, and a finding's
  // location re-reads its document's positions when it is asked for (sources/resources.ts makeLocate).
  return (root) => {
    if (!isObject(root) || typeof root.kind !== 'string') return false;
    // An Argo Rollout without a template (workloadRef) is where its Deployment's replica count is.
    return kinds.has(root.kind) || root.kind.endsWith('List') || root.kind === 'Rollout' || mayBeWorkload(root);
  };
}

/** Objects any of these checks (or the model's own indexes) read in full; see CheckMeta.uses. */
export function wholeFilter(checks: Check[]): (obj: JsonObject) => boolean {
  // The model's own readers (replica floors, Argo Rollouts' workloadRef, the cost envelope, the survival
  // verdicts' budgets and claims) need these whole too.
  const kinds = new Set<string>(['HorizontalPodAutoscaler', 'Rollout', 'PodDisruptionBudget', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', ...COST_KINDS, ...RBAC_KINDS]);
  for (const c of checks) {
    if (c.target === 'object' && !c.metadataOnly && !c.customResources) for (const k of c.kinds ?? []) kinds.add(k);
    for (const k of c.uses ?? []) kinds.add(k);
  }
  const custom = checks.some((c) => c.target === 'object' && c.customResources);
  return (obj) => typeof obj.kind === 'string' && (kinds.has(obj.kind) || mayBeWorkload(obj) || (custom && typeof obj.apiVersion === 'string' && isCustomApiVersion(obj.apiVersion)));
}

/** How sources should load input for these checks. */
export function loadPlan(checks: Check[]): { keepPositions: (root: Json) => boolean; keepWhole: (obj: JsonObject) => boolean } {
  return { keepPositions: positionFilter(checks), keepWhole: wholeFilter(checks) };
}

export function resolveChecks(checks: Check[], config: Config): ActiveCheck[] {
  const out: ActiveCheck[] = [];
  for (const check of checks) {
    const s = config.checks[check.id] ?? {};
    if (s.enabled === false) continue;
    const params: Record<string, unknown> = {};
    for (const [k, spec] of Object.entries(check.params ?? {})) params[k] = spec.default;
    Object.assign(params, s.params ?? {});
    out.push({ check, severity: s.severity ?? check.severity, params });
  }
  return out;
}

/** spec.template.spec.containers[0].image (model/util's, exported here as before). */
export { formatPath } from '../model/util.js';

/** A node of the trie of formatted paths (see fieldOf in audit). */
interface PathNode {
  next: Map<string | number, PathNode> | null;
  text: string;
}

function objectRef(r: Resource, ns: string): ObjectRef {
  return { apiVersion: r.apiVersion, kind: r.kind, name: r.name, namespace: CLUSTER_SCOPED.has(r.kind) ? null : (r.namespace ?? ns) };
}

function locationOf(r: Resource, path: FieldPath): Location {
  let pos: ReturnType<Resource['origin']['locate']> = null;
  try {
    pos = r.origin.locate(path);
  } catch {
    pos = null;
  }
  const loc: Location = { file: pos?.file ?? r.origin.file, line: pos?.line ?? null, column: pos?.column ?? null, exact: pos?.exact ?? false, doc: pos?.doc ?? r.origin.doc };
  // Rendered input (Helm, Kustomize): file is the template or source file; also where in the output.
  if (pos?.rendered) loc.rendered = pos.rendered;
  // Helm: where the values of that template line are set.
  if (pos?.values?.length) loc.values = pos.values;
  return loc;
}

function matchesAny(patterns: string[], value: string | null | undefined): boolean {
  if (patterns.length === 0) return true;
  if (value === null || value === undefined) return false;
  return patterns.some((p) => picomatch.isMatch(value, p, { dot: true }));
}

function configExemption(rules: ExemptionRule[], f: Omit<Finding, 'exempted' | 'unknown'>): Exemption | null {
  for (const r of rules) {
    if (r.checks.length && !r.checks.includes(f.check) && !r.checks.includes('*')) continue;
    if (!matchesAny(r.namespaces, f.object.namespace)) continue;
    if (r.kinds.length && !r.kinds.includes(f.object.kind)) continue;
    if (!matchesAny(r.names, f.object.name)) continue;
    if (r.containers.length && !matchesAny(r.containers, f.container)) continue;
    return { by: 'config', reason: r.reason };
  }
  return null;
}

interface AnnotationIgnore {
  ids: Set<string>;
  reason: string | null;
}

function annotationIgnores(r: Resource, w: Workload | null): AnnotationIgnore[] {
  const sources = [isObject(r.object.metadata) ? r.object.metadata.annotations : undefined];
  if (w) sources.push(w.podAnnotations as never);
  const out: AnnotationIgnore[] = [];
  for (const a of sources) {
    if (!isObject(a)) continue;
    const ids = getString(a, [IGNORE_ANNOTATION]);
    if (!ids) continue;
    out.push({
      ids: new Set(ids.split(',').map((s) => s.trim()).filter(Boolean)),
      reason: getString(a, [IGNORE_REASON_ANNOTATION]) ?? null,
    });
  }
  return out;
}

/** A map with at least one key. */
function hasKeys(v: Json | undefined): boolean {
  if (!isObject(v)) return false;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) return true;
  return false;
}

const NO_WORKLOADS: Workload[] = [];

/**
 * Checks that judge a pod template on its own (resources and security, not runtime): the ones run on
 * a custom resource's other templates. Availability, health, RBAC, networking and observability
 * judge the object with the rest of the input (replicas, PDBs, Services, monitors) and stay with the
 * template the object is indexed by.
 */
function templateLocal(c: Check): boolean {
  return c.target === 'workload' && !c.runtime && (c.pillar === 'resources' || c.pillar === 'security');
}

/** Is raw[k] the same finding (container, message, field) as one before it? */
function repeatsEarlier(raw: FindingInput[], k: number): boolean {
  const fi = raw[k];
  const container = fi.container ?? '';
  for (let j = 0; j < k; j++) {
    const o = raw[j];
    if ((o.container ?? '') !== container || o.path.length !== fi.path.length || o.message !== fi.message) continue;
    let same = true;
    for (let i = 0; i < fi.path.length && same; i++) same = o.path[i] === fi.path[i];
    if (same) return true;
  }
  return false;
}

const BY_RANK: Severity[] = ['error', 'warning', 'info'];

/**
 * A finding's own severity (checks grade their findings: a missing request that a LimitRange fills
 * in is info, a namespaced grant a warning where a cluster-wide one is an error) under a configured
 * severity: the configured severity is the most any finding of the check gets, and a finding the
 * check grades below its default stays as many steps below the configured one (never below info).
 * `cpu-request-missing: warning` makes its errors warnings and keeps the LimitRange-filled ones at
 * info, instead of raising them to warning.
 */
export function shiftSeverity(own: Severity, checkDefault: Severity, configured: Severity): Severity {
  if (configured === checkDefault) return own;
  const below = Math.max(0, severityRank(own) - severityRank(checkDefault));
  return BY_RANK[Math.min(2, severityRank(configured) + below)];
}

function severityRank(s: Severity): number {
  return s === 'error' ? 0 : s === 'warning' ? 1 : 2;
}

/**
 * The overall score: the mean over the workloads and the other objects that have an error or
 * warning finding. Objects with nothing to say (ConfigMaps, Services that pass) do not count, so
 * they cannot dilute a failing workload's score; with no such object at all, the mean of all (100
 * with none).
 */
export function overallScore(verdicts: Verdict[]): number {
  const counted = verdicts.filter((v) => v.workloadClass !== null || v.findings.some((f) => !f.exempted && !f.unknown && f.severity !== 'info'));
  const over = counted.length ? counted : verdicts;
  return over.length ? Math.round(over.reduce((a, v) => a + v.score, 0) / over.length) : 100;
}

export function audit(input: AuditInput, options: AuditOptions): Report {
  const config = options.config ?? emptyConfig();
  const ns = options.namespace ?? config.namespace ?? 'default';
  const timing = options.timing;
  timing?.phase('index');
  const index = new ResourceIndex(input.resources, ns);
  // -n (or namespace: in config) says where namespace-less manifests go, "default" included.
  if (options.namespace !== undefined || config.namespace !== undefined) index.namespaceGiven = true;
  if (input.observedAt !== undefined) index.observedAt = input.observedAt;
  if (input.podNamespaces) index.podNamespaces = input.podNamespaces;
  if (input.listedKinds) index.listedKinds = input.listedKinds;
  const active = resolveChecks(options.checks, config);
  const activeIds: ReadonlySet<string> = new Set(active.map((a) => a.check.id));
  const workloadChecks = active.filter((a) => a.check.target === 'workload');
  const objectChecks = new Map<string, ActiveCheck[]>();
  for (const a of active) {
    if (a.check.target !== 'object') continue;
    for (const k of a.check.kinds ?? []) {
      let l = objectChecks.get(k);
      if (!l) objectChecks.set(k, (l = []));
      l.push(a);
    }
  }
  const problems: InputProblemOut[] = [...(input.problems ?? [])];
  /** One warning line at an object's field (or the object itself). */
  const warnAt = (r: Resource, path: FieldPath, message: string) => {
    const loc = locationOf(r, path);
    problems.push({ file: loc.file, line: loc.line, column: loc.column, level: 'warning', message });
  };
  const complete = options.complete ?? config.complete ?? false;
  /** Does the input hold every object of this namespace (cluster-scoped: of all)? */
  const completeFor = (namespace: string | null) =>
    complete === true || (Array.isArray(complete) && (namespace === null ? false : complete.includes(namespace)));
  const pssOf = new Map(options.checks.map((c) => [c.id, c.pss]));
  const workloadOf = new Map<Resource, Workload>();
  for (const w of index.workloads) workloadOf.set(w.resource, w);
  // Built-in workloads the API server would reject as written (a kustomize patch audited without its
  // base): not audited as workloads, and said so once each.
  for (const r of input.resources) {
    if (workloadOf.has(r)) continue;
    const why = fragmentReason(r);
    if (why !== null) warnAt(r, [], `${r.kind}/${r.name}: not audited as a workload: ${why}, which the API server rejects, so it reads as a patch whose base is elsewhere (audit the folder of its kustomization.yaml, which applies it)`);
    else {
      // A Deployment whose template is misspelt or missing: invalid input, reported (and failing),
      // not silently left out of the audit.
      const bad = podSpecProblem(r);
      if (bad) {
        const loc = locationOf(r, bad.path);
        problems.push({ file: loc.file, line: loc.line, column: loc.column, level: bad.level, message: bad.message });
      }
    }
  }

  // Objects managed by a controller that is itself in the input (ReplicaSets of a Deployment, Pods of
  // a ReplicaSet in a cluster export) are reported once, at the owner.
  // Built the first time an object names a controller (manifests rarely do; cluster exports always).
  let present: Set<string> | null = null;
  const ownedByPresent = (r: Resource) => {
    const refs = isObject(r.object.metadata) ? r.object.metadata.ownerReferences : undefined;
    if (!Array.isArray(refs)) return false;
    present ??= new Set(input.resources.map((x) => `${x.kind}/${index.namespaceOf(x)}/${x.name}`));
    const have = present;
    return refs.some((o) => isObject(o) && o.controller === true && typeof o.kind === 'string' && typeof o.name === 'string' && have.has(`${o.kind}/${index.namespaceOf(r)}/${o.name}`));
  };

  // Messages, fields and texts repeat across workloads (423,000 findings of a 100,000-object input
  // carry 35,000 distinct messages and 400 distinct fields): keep one copy of each string.
  const strings = new Map<string, string>();
  const intern = (s: string): string => {
    const x = strings.get(s);
    if (x !== undefined) return x;
    strings.set(s, s);
    return s;
  };
  // Fields: a few hundred distinct paths, formatted hundreds of thousands of times. A trie on the
  // path segments gives each one's text (formatted and interned once) without building a string.
  const paths: PathNode = { next: null, text: '' };
  const fieldOf = (path: FieldPath): string => {
    let node = paths;
    for (const seg of path) {
      let next = node.next?.get(seg);
      if (!next) (node.next ??= new Map()).set(seg, (next = { next: null, text: intern(appendSegment(node.text, seg)) }));
      node = next;
    }
    return node.text;
  };

  // Related objects repeat across findings and verdicts (the LimitRange of a namespace, a shared
  // ServiceAccount, the workload itself in its own survival verdicts): each (object, field, note) is
  // one entry, its position resolved once, instead of a fresh copy per mention. Entries are shared,
  // never mutated (cluster audits tag object refs once each).
  const refs = new Map<Resource, ObjectRef>();
  const refOf = (r: Resource): ObjectRef => {
    let x = refs.get(r);
    if (!x) refs.set(r, (x = objectRef(r, ns)));
    return x;
  };
  const relatedCache = new Map<Resource, Map<string, RelatedObject>>();
  const rel = (resource: Resource, path: FieldPath, note: string | null): RelatedObject => {
    const field = fieldOf(path);
    let m = relatedCache.get(resource);
    if (!m) relatedCache.set(resource, (m = new Map()));
    // formatPath escapes control characters, so NUL separates field and note unambiguously.
    const key = note === null ? field : `${field}\0${note}`;
    let x = m.get(key);
    if (!x) m.set(key, (x = { object: refOf(resource), field, location: locationOf(resource, path), note }));
    return x;
  };

  // A fix placed in an object: one text per snippet and place (the path of the pod spec, metadata or
  // container, and the container's name; and whether the object is a Pod, whose spec fix says how it
  // is applied), since the workloads of an input share a handful of shapes.
  const placed = new Map<string, Map<string, string | null>>();
  const fixYamlOf = (w: Workload | null, at: FixAnchor, snippet: string, container: string | null): string | null => {
    let where: string;
    if (at === 'object') where = '';
    else if (!w) return null;
    else if (at === 'container') {
      const c = container === null ? undefined : w.containers.find((x) => x.name === container);
      if (!c) return null;
      where = `${fieldOf(c.path)}\0${c.name}`;
    } else where = fieldOf(at === 'pod-spec' ? w.podSpecPath : w.podMetaPath);
    if (w?.resource.kind === 'Pod') where += '\0Pod';
    let bySnippet = placed.get(snippet);
    if (!bySnippet) placed.set(snippet, (bySnippet = new Map()));
    let y = bySnippet.get(where);
    if (y === undefined) {
      const text = w ? placeFix(w, at, snippet, container) : snippet.trimEnd();
      y = text === null ? null : intern(text);
      bySnippet.set(where, y);
    }
    return y;
  };

  const survivalOf = (w: Workload, namespace: string | null): Verdict['survival'] => {
    const s = survival(w, index, { complete: completeFor(namespace) });
    if (!s) return null;
    return s.map((x) => ({
      scenario: x.scenario,
      outcome: x.outcome,
      reason: intern(x.reason),
      related: x.related.map((y) => rel(y.resource, y.path, y.note)),
    }));
  };

  const prices = resolvePrices(config.cost);
  const costs: WorkloadCost[] = [];
  const costOut = (w: Workload, others: Workload[]): Verdict['cost'] => {
    const c =
      others.length === 0
        ? costOf(index, w, prices)
        : combineCosts([w, ...others].map((x) => ({ field: fieldOf(x.podSpecPath.slice(0, -1)), cost: costOf(index, x, prices) })));
    if (!c) return null;
    costs.push(c);
    return {
      unit: c.replicas.unit,
      pod: { requests: c.pod.requests, limits: c.pod.limits },
      replicas: { now: c.replicas.now, min: c.replicas.min, max: c.replicas.max },
      requests: c.requests,
      limitsAtMax: c.limitsAtMax,
      overcommit: c.overcommit,
      hourly: c.hourly,
      monthly: c.monthly,
      monthlyAtLimits: c.monthlyAtLimits,
      currency: c.currency,
      incomplete: c.incomplete,
      incompleteContainers: c.incompleteContainers,
      notes: c.notes,
      text: intern(describeCost(c)),
      ...(c.templates ? { templates: c.templates } : {}),
    };
  };

  const blastOut = (w: Workload): Verdict['blastRadius'] => {
    const b = blastRadius(index, w);
    return {
      serviceAccount: b.serviceAccount,
      namespace: b.namespace,
      tokenMounted: b.tokenMounted,
      grants: b.grants,
      risks: b.risks.map((x) => ({
        id: x.id,
        level: x.level,
        scope: x.scope,
        summary: x.summary,
        impact: x.impact,
        via: x.via.flatMap((v) => [
          rel(v.binding, v.subjectPath, `binds ${v.subject}`),
          ...(v.ruleSource && v.rulePath ? [rel(v.ruleSource, v.rulePath, `grants (${v.roleKind} "${v.roleName}")`)] : []),
        ]),
      })),
      unknownBindings: b.unknownBindings.map((u) => rel(u.binding, ['roleRef'], `${u.roleKind} "${u.roleName}" not in input`)),
      text: intern(b.text),
    };
  };

  // The matrix is computed before the verdicts: its working set (selections, candidate sets, edge
  // evaluation garbage) then comes and goes while the heap is small, instead of on top of the full
  // list of findings, which sets the peak memory of a large input.
  timing?.phase('reachability');
  const reachability = options.reachability ? reachabilityReport(index) : undefined;
  timing?.phase('checks and verdicts');

  // Which checks run on an object depends only on its workload class, its kind and whether it has
  // a status: decided once per combination (with the pillars they cover), not once per object.
  interface Plan {
    checks: ActiveCheck[];
    pillars: Set<Pillar>;
    pss: boolean;
    /** Only checks that count when they fire (api-version-removed, unknown-field): no verdict without a finding. */
    quiet: boolean;
  }
  const plans = new Map<string, Plan>();
  const planFor = (cls: WorkloadClass | null, kind: string, hasStatus: boolean): Plan => {
    const key = `${cls ?? ''}\0${hasStatus ? 1 : 0}\0${kind}`;
    let plan = plans.get(key);
    if (!plan) {
      const list: ActiveCheck[] = [];
      if (cls) for (const a of workloadChecks) if ((!a.check.classes || a.check.classes.includes(cls)) && (hasStatus || !a.check.runtime)) list.push(a);
      for (const a of objectChecks.get(kind) ?? []) if (hasStatus || !a.check.runtime) list.push(a);
      // Checks of every kind (custom resources: their kinds are known only from the input's CRDs).
      for (const a of objectChecks.get('*') ?? []) if (hasStatus || !a.check.runtime) list.push(a);
      // A check that reads only apiVersion and kind (api-version-removed) runs on every object; on
      // objects that are not workloads it makes its pillar applicable only when it fires, so a
      // ConfigMap does not earn a free "availability: pass".
      const counted = list.filter((a) => cls !== null || !(a.check.metadataOnly || a.check.validation));
      plan = { checks: list, pillars: new Set(counted.map((a) => a.check.pillar)), pss: cls !== null && list.some((a) => a.check.pss), quiet: cls === null && counted.length === 0 };
      plans.set(key, plan);
    }
    return plan;
  };

  const verdicts: Verdict[] = [];
  const liveInput = input.listedKinds !== undefined;
  for (const r of input.resources) {
    if (ownedByPresent(r)) continue;
    if (options.reportOnly && !options.reportOnly(r)) continue;
    const w = workloadOf.get(r) ?? null;
    // Runtime checks read what the cluster reports: only objects with a status (never plain manifests).
    // A live scan's objects are live even with an empty status (a CronJob that has not run yet has
    // status: {}); a manifest's `status: {}` (kubectl create --dry-run output) is not.
    const plan = planFor(w ? w.class : null, r.kind, hasKeys(r.object.status) || (liveInput && isObject(r.object.status)));
    const applicable = plan.checks;
    if (applicable.length === 0) continue;
    const ref = refOf(r);
    const ignores = annotationIgnores(r, w);
    const findings: Finding[] = [];
    // One context per object, its params set for each check (checks read it during run only).
    const ctx: CheckContext = { workload: w ?? undefined, resource: r, params: NO_PARAMS, index, active: activeIds };
    // A custom resource's other pod templates (a RayCluster's worker groups, an MPIJob's workers) get
    // the checks that judge a pod template by itself; their findings join this object's verdict.
    const others = w ? otherTemplates(w) : NO_WORKLOADS;
    const across = others.length > 0 ? new Set<string>() : null;
    for (let t = 0; t <= others.length; t++) {
      if (t > 0) ctx.workload = others[t - 1];
      for (const a of applicable) {
        if (t > 0 && !templateLocal(a.check)) continue;
        let raw: FindingInput[];
        ctx.params = a.params;
        try {
          if (timing) {
            const t0 = performance.now();
            raw = a.check.run(ctx);
            timing.check(a.check.id, performance.now() - t0);
          } else raw = a.check.run(ctx);
        } catch (e) {
          warnAt(r, [], `internal: check ${a.check.id} failed on ${r.kind}/${r.name}: ${(e as Error)?.message ?? e}`);
          continue;
        }
        // The same finding twice (an HPA target that appears twice in the input, say) is one finding.
        // Few findings: compared pairwise (no key strings to build and hash); many: by key.
        const seen = raw.length > 32 ? new Set<string>() : null;
        for (let k = 0; k < raw.length; k++) {
          const fi = raw[k];
          if (seen) {
            const key = `${fi.container ?? ''}\0${fi.message}\0${fi.path.join('\0')}`;
            if (seen.has(key)) continue;
            seen.add(key);
          } else if (k > 0 && repeatsEarlier(raw, k)) continue;
          // What a check says about the object itself (its labels, say) is said once, not per template.
          if (across) {
            const key = `${a.check.id}\0${fi.container ?? ''}\0${fi.message}\0${fi.path.join('\0')}`;
            if (across.has(key)) continue;
            across.add(key);
          }
          const f: Finding = {
            check: a.check.id,
            pillar: a.check.pillar,
            severity: fi.severity ? shiftSeverity(fi.severity, a.check.severity, a.severity) : a.severity,
            title: a.check.title,
            message: intern(fi.message),
            object: ref,
            container: fi.container ?? null,
            field: fieldOf(fi.path),
            location: locationOf(r, fi.path),
            // At most MAX_RELATED objects per finding (a Service over hundreds of workloads names a few).
            related: fi.related
              ? fi.related.slice(0, MAX_RELATED).map((x) => rel(x.resource, x.path, x.note ?? null))
              : NO_RELATED,
            exempted: null,
            unknown: null,
          };
          if (fi.fix !== undefined) f.fix = intern(fi.fix);
          const place = a.check.fix.place;
          const snippet = fi.fixSnippet ?? place?.snippet;
          // An empty snippet: no placed fix for this finding (the check places only its own).
          if (place && snippet) {
            const y = fixYamlOf(ctx.workload ?? null, place.at, snippet, fi.container ?? null);
            if (y !== null) f.fixYaml = y;
          }
          if (fi.identity !== undefined) f.identity = fi.identity;
          // A finding worded by completeness (completeMessage) is the same finding either way: its
          // fingerprint comes from the hedged wording, so declaring the input complete (or not) leaves
          // a baseline entry unchanged.
          else if (fi.completeMessage !== undefined) f.identity = intern(`${ref.kind}/${ref.name}\0${f.container ?? ''}\0${f.field}\0${fi.message}`);
          let exempted = config.exemptions.length ? configExemption(config.exemptions, f) : null;
          if (!exempted && ignores.length) {
            const ig = ignores.find((i) => i.ids.has(a.check.id) || i.ids.has('*') || i.ids.has('all'));
            if (ig) exempted = { by: 'annotation', reason: ig.reason ?? '(no kubeready.io/ignore-reason given)' };
          }
          f.exempted = exempted;
          if (fi.unknown || fi.completeMessage !== undefined) {
            // Complete where the missing object would be: the finding's namespace unless it says otherwise.
            const where = fi.unknownIn !== undefined ? fi.unknownIn : r.kind === 'Namespace' ? r.name : ref.namespace;
            const known =
              where === null ? complete === true || options.clusterScopedComplete === true
              : where === '*' ? complete === true
              : Array.isArray(where) ? where.length > 0 && where.every(completeFor)
              : completeFor(where);
            if (fi.unknown) {
              if (!known || options.stillUnknown?.(fi.unknown, a.check)) f.unknown = fi.unknown;
              else if (fi.knownMessage !== undefined) f.message = intern(fi.knownMessage);
            } else if (known) f.message = intern(fi.completeMessage!);
          }
          findings.push(f);
        }
      }
    }
    for (const ig of ignores) {
      if (ig.reason === null) {
        warnAt(r, ['metadata', 'annotations', IGNORE_ANNOTATION], `${r.kind}/${r.name}: ${IGNORE_ANNOTATION} without ${IGNORE_REASON_ANNOTATION}: say why the check does not apply`);
      }
      for (const id of ig.ids) {
        if (id !== '*' && id !== 'all' && !options.checks.some((c) => c.id === id)) {
          warnAt(r, ['metadata', 'annotations', IGNORE_ANNOTATION], `${r.kind}/${r.name}: ${IGNORE_ANNOTATION} names unknown check "${id}"`);
        }
      }
    }
    // A well-formed ConfigMap is not an audited object: only what fires on it makes it one.
    if (plan.quiet && findings.length === 0) continue;
    findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.location.line ?? 0) - (b.location.line ?? 0) || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0));
    // Exempted findings and those resting on objects that are not in the input count for nothing.
    // Per pillar: 0 with an error, 50 with warnings only, 100 otherwise; fail with an error.
    const worst = new Map<Pillar, number>();
    let ready = true;
    let pssWorst = 0;
    for (const f of findings) {
      if (f.exempted || f.unknown) continue;
      const rank = f.severity === 'error' ? 2 : f.severity === 'warning' ? 1 : 0;
      if (rank > (worst.get(f.pillar) ?? 0)) worst.set(f.pillar, rank);
      if (rank === 2) ready = false;
      if (plan.pss) {
        const level = pssOf.get(f.check);
        if (level === 'baseline') pssWorst = 2;
        else if (level === 'restricted' && pssWorst < 1) pssWorst = 1;
      }
    }
    const pillars = {} as Record<Pillar, PillarStatus>;
    let scoreSum = 0;
    let scored = 0;
    for (const p of PILLARS) {
      if (!plan.pillars.has(p) && !findings.some((f) => f.pillar === p && !f.exempted && !f.unknown)) {
        pillars[p] = 'n/a';
        continue;
      }
      const rank = worst.get(p) ?? 0;
      pillars[p] = rank === 2 ? 'fail' : 'pass';
      scoreSum += rank === 2 ? 0 : rank === 1 ? 50 : 100;
      scored++;
    }
    const score = scored ? Math.round(scoreSum / scored) : 100;
    const podSecurity: Verdict['podSecurity'] = w && plan.pss ? (pssWorst === 2 ? 'privileged' : pssWorst === 1 ? 'baseline' : 'restricted') : null;
    verdicts.push({
      object: ref,
      location: locationOf(r, []),
      workloadClass: w?.class ?? null,
      ready,
      score,
      pillars,
      podSecurity,
      findings,
      survival: w ? survivalOf(w, ref.namespace) : null,
      cost: w ? costOut(w, others) : null,
      blastRadius: w ? blastOut(w) : null,
    });
  }
  timing?.phase('summary');
  // Workloads first, each group in input order.
  verdicts.sort((a, b) => Number(a.workloadClass === null) - Number(b.workloadClass === null));

  const findingCounts = { error: 0, warning: 0, info: 0 } as Record<Severity, number>;
  const byPillar = {} as Record<Pillar, Record<Severity, number>>;
  for (const p of PILLARS) byPillar[p] = { error: 0, warning: 0, info: 0 };
  let exempted = 0;
  let unknown = 0;
  const fired = new Set<string>();
  for (const v of verdicts) {
    for (const f of v.findings) {
      fired.add(f.check);
      if (f.exempted) {
        exempted++;
        continue;
      }
      if (f.unknown) {
        unknown++;
        continue;
      }
      findingCounts[f.severity]++;
      byPillar[f.pillar][f.severity]++;
    }
  }
  const workloads = verdicts.filter((v) => v.workloadClass !== null);
  const score = overallScore(verdicts);
  const checks: CheckInfo[] = options.checks
    .filter((c) => fired.has(c.id))
    .map((c) => ({ id: c.id, pillar: c.pillar, severity: c.severity, title: c.title, whatBreaks: c.whatBreaks, fix: { text: c.fix.text, yaml: c.fix.yaml }, ...(c.pss ? { pss: c.pss } : {}) }));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'kubeready', version: VERSION },
    summary: {
      workloads: workloads.length,
      readyWorkloads: workloads.filter((v) => v.ready).length,
      objects: input.resources.length,
      documents: input.documents ?? input.resources.length,
      skippedDocuments: input.skipped ?? 0,
      files: input.files ?? 0,
      score,
      findings: findingCounts,
      exempted,
      unknown,
      byPillar,
      inputErrors: problems.filter((p) => p.level === 'error').length,
    },
    checks,
    cost: costSummary(costs, prices, index),
    ...(reachability !== undefined ? { reachability } : {}),
    verdicts,
    problems,
  };
}

/** The reachability matrix with edges as indexes into the workload list (a fraction of the size of full refs). */
function reachabilityReport(index: ResourceIndex): ReachabilityOut | null {
  const r = reachabilityOf(index);
  if (!r) return null;
  const at = new Map<string, number>();
  r.workloads.forEach((w, i) => at.set(`${w.kind}\0${w.namespace}\0${w.name}`, i));
  const edges: ReachabilityOut['edges'] = [];
  for (const e of r.edges) {
    const from = at.get(`${e.from.kind}\0${e.from.namespace}\0${e.from.name}`);
    const to = at.get(`${e.to.kind}\0${e.to.namespace}\0${e.to.name}`);
    if (from === undefined || to === undefined) continue;
    edges.push({ from, to, ports: e.ports, ...(e.maybe !== undefined ? { maybe: e.maybe } : {}) });
  }
  return { policies: r.policies, workloads: r.workloads, edges, truncated: r.truncated };
}

function totalsOut(t: CostTotals | null): CostTotalsOut | null {
  return t && { workloads: t.workloads, requests: t.requests, limitsAtMax: t.limitsAtMax, hourly: t.hourly, monthly: t.monthly, incomplete: t.incomplete };
}

function byUnit(costs: WorkloadCost[], prices: ReturnType<typeof resolvePrices>) {
  return {
    running: totalsOut(sumTotals(costs.filter((c) => c.replicas.unit === 'replicas' || c.replicas.unit === 'nodes'), prices, false)),
    perNode: totalsOut(sumTotals(costs.filter((c) => c.replicas.unit === 'per-node'), prices, false)),
    perRun: totalsOut(sumTotals(costs.filter((c) => c.replicas.unit === 'per-run'), prices, true)),
  };
}

/** Totals over the audited workloads (controller-owned copies excluded, so nothing counts twice). */
function costSummary(costs: WorkloadCost[], prices: ReturnType<typeof resolvePrices>, index: ResourceIndex): CostSummary | null {
  if (costs.length === 0) return null;
  const byNs = new Map<string, WorkloadCost[]>();
  for (const c of costs) {
    const ns = index.namespaceOf(c.resource);
    let l = byNs.get(ns);
    if (!l) byNs.set(ns, (l = []));
    l.push(c);
  }
  // Renders (kustomize overlays of one base, a chart with several values files) are often
  // alternatives, never deployed together: the total adds them up, so each also gets its own.
  const byRender = new Map<string | null, WorkloadCost[]>();
  for (const c of costs) {
    const r = c.resource.origin.render ?? null;
    let l = byRender.get(r);
    if (!l) byRender.set(r, (l = []));
    l.push(c);
  }
  const rendered = [...byRender.keys()].filter((r) => r !== null).length;
  return {
    prices: { cpuPerHour: prices.cpuPerHour, memoryGiBPerHour: prices.memoryGiBPerHour, currency: prices.currency, hoursPerMonth: prices.hoursPerMonth },
    total: byUnit(costs, prices),
    namespaces: [...byNs.keys()].sort().map((namespace) => ({ namespace, ...byUnit(byNs.get(namespace)!, prices) })),
    ...(rendered > 1
      ? {
          renders: [...byRender.keys()]
            .sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
            .map((render) => ({ render, ...byUnit(byRender.get(render)!, prices) })),
        }
      : {}),
  };
}
