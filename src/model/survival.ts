/**
 * Survival verdicts: for each workload, what happens when one node dies, one zone fails, a node is
 * drained, and a new version rolls out. Each verdict says the outcome and why, naming the fields
 * and objects it rests on (replica floor, spread terms, PodDisruptionBudgets, strategy, probes).
 *
 * These are explanations, not findings: the checks that fail a workload for the same causes
 * (replicas-below-minimum, no-pod-anti-affinity, pdb-blocks-eviction, rolling-update-unavailable,
 * readiness-probe-missing, ...) stay the source of truth for verdicts and exit codes.
 */
import { sourceWhere, type ResourceIndex } from './index.js';
import type { FieldPath, Json, Resource, Workload } from './types.js';
import { get, getArray, getNumber, getObject, getString, isObject } from './util.js';
import {
  HOST_KEYS,
  controllerOf,
  isControlled,
  POD_CONTROLLERS,
  scalesToZero,
  ZONE_KEYS,
  isZeroIntOrPercent,
  ownPodsProblem,
  percentOf,
  replicaField,
  replicaFloor,
  scaleIntOrPercent,
  showIntOrPercent,
  spreadTerms,
  type ReplicaFloor,
  type SpreadTerm,
} from './availability.js';
import { servedPdbsFor, workloadsOfPdb } from './pdb.js';
import { SHARED_CLAIM_KINDS, singleWriterClaim } from './claims.js';
import { podsOf } from './runtime.js';
import { declaredPorts, hostPortOf, isTelemetryPort, serviceMetricsOnly } from './ports.js';
import { nodeExclusive } from './exclusive.js';

export type Scenario = 'node-loss' | 'zone-loss' | 'drain' | 'rollout';
export const SCENARIOS: Scenario[] = ['node-loss', 'zone-loss', 'drain', 'rollout'];

/**
 * - survives: keeps serving (perhaps with fewer pods).
 * - at-risk: survives only if things go its way (the scheduler happened to spread the pods, no
 *   second drain runs at the same time, ...).
 * - outage: stops serving until something is rescheduled, restarted or fixed by hand.
 * - blocked: the workload keeps running but the operation never completes (a drain that hangs).
 * - unknown: the input does not say (templated replicas, a budget in another repository).
 * - n/a: the scenario does not apply (a Job, a DaemonSet under kubectl drain).
 */
export type Outcome = 'survives' | 'at-risk' | 'outage' | 'blocked' | 'unknown' | 'n/a';

export interface SurvivalRelated {
  resource: Resource;
  path: FieldPath;
  note: string;
}

export interface ScenarioVerdict {
  scenario: Scenario;
  outcome: Outcome;
  /** One or two sentences: what happens and what it rests on. */
  reason: string;
  /** Fields and objects the verdict rests on (the workload's own fields included). */
  related: SurvivalRelated[];
}

export interface SurvivalOptions {
  /** The input holds every object of the workload's namespace (a missing PDB is really missing). */
  complete: boolean;
  hostKeys?: string[];
  zoneKeys?: string[];
}

type V = ScenarioVerdict;

function v(scenario: Scenario, outcome: Outcome, reason: string, related: SurvivalRelated[] = []): V {
  return { scenario, outcome, reason, related };
}

function inGroup(apiVersion: string, groups: string[]): boolean {
  return groups.some((g) => apiVersion.startsWith(g));
}

/** Does the pod become Ready only when a readiness probe passes? (Any app container with one gates the pod.) */
function hasReadiness(w: Workload): boolean {
  return w.containers.some((c) => c.type !== 'init' && ((c.spec.readinessProbe !== undefined && c.spec.readinessProbe !== null) || c.injectedBy !== undefined || c.probesBy !== undefined));
}

/**
 * How long pods stay bound to an unreachable node before the taint manager evicts them: the
 * DefaultTolerationSeconds admission plugin adds a 300 s toleration for node.kubernetes.io/unreachable;
 * a pod's own toleration for that taint (or a key-less `operator: Exists` one) wins, and one without
 * tolerationSeconds keeps the pod bound forever.
 */
function unreachableSeconds(w: Workload): number {
  for (const t of getArray(w.podSpec, ['tolerations'])) {
    if (!isObject(t)) continue;
    const key = getString(t, ['key']);
    const effect = getString(t, ['effect']);
    const matchesKey = key === 'node.kubernetes.io/unreachable' || ((key === undefined || key === '') && getString(t, ['operator']) === 'Exists');
    if (!matchesKey || (effect !== undefined && effect !== '' && effect !== 'NoExecute')) continue;
    const secs = getNumber(t, ['tolerationSeconds']);
    return secs === undefined ? Infinity : Math.max(0, secs);
  }
  return 300;
}

interface Spread {
  /** A term that guarantees the pods do not all share one domain (with at least two domains). */
  hard: SpreadTerm | null;
  /** A best-effort term over this domain. */
  soft: SpreadTerm | null;
}

/**
 * Does a term keep `n` pods from all landing in one domain? Required anti-affinity over the key: one
 * pod per domain. A DoNotSchedule spread constraint: all n in one domain (with an empty second one)
 * has skew n, refused when n > maxSkew. Terms whose selector misses the workload's own pods do nothing.
 */
function spreadOver(w: Workload, index: ResourceIndex, keys: string[], n: number): Spread {
  let hard: SpreadTerm | null = null;
  let soft: SpreadTerm | null = null;
  for (const t of spreadTerms(w)) {
    if (!keys.includes(t.topologyKey)) continue;
    if (ownPodsProblem(t, w, index)) continue;
    if (t.kind === 'required-anti-affinity') hard ??= t;
    else if (t.kind === 'spread') {
      const when = getString(t.term, ['whenUnsatisfiable']) ?? 'DoNotSchedule';
      const skew = getNumber(t.term, ['maxSkew']) ?? 1;
      if (when === 'DoNotSchedule' && skew < n) hard ??= t;
      else soft ??= t;
    } else soft ??= t;
  }
  return { hard, soft };
}

function termText(t: SpreadTerm): string {
  if (t.kind === 'spread') {
    const when = getString(t.term, ['whenUnsatisfiable']) ?? 'DoNotSchedule';
    return `topologySpreadConstraints over ${t.topologyKey} (maxSkew ${getNumber(t.term, ['maxSkew']) ?? 1}, ${when})`;
  }
  return `${t.kind === 'required-anti-affinity' ? 'required' : 'preferred'} podAntiAffinity over ${t.topologyKey}`;
}

/** "3 replicas", or "2 replicas (the autoscaler floor)". */
function countText(f: ReplicaFloor): string {
  return `${f.value} replicas${f.source === 'hpa' || f.source === 'keda' ? ' (the autoscaler floor)' : ''}`;
}

function floorRelated(w: Workload, f: ReplicaFloor): SurvivalRelated[] {
  if (f.by) return [{ resource: f.by, path: f.source === 'keda' ? ['spec', 'minReplicaCount'] : ['spec', 'minReplicas'], note: 'replica floor' }];
  const field = replicaField(w);
  return [{ resource: field?.resource ?? w.resource, path: field?.path ?? [], note: 'replica count' }];
}

function domainLoss(scenario: 'node-loss' | 'zone-loss', w: Workload, index: ResourceIndex, f: ReplicaFloor, keys: string[], zoneKeys: string[] = ZONE_KEYS): V {
  const domain = scenario === 'node-loss' ? 'node' : 'zone';
  const isSts = w.resource.kind === 'StatefulSet';
  const rel = floorRelated(w, f);
  if (f.value < 2) {
    if (scenario === 'node-loss') {
      const secs = unreachableSeconds(w);
      const wait = Number.isFinite(secs)
        ? `about ${Math.round((50 + secs) / 6) / 10} minutes (the 50 s node-monitor-grace-period plus the ${secs} s unreachable toleration) plus start-up`
        : 'never (a toleration keeps the pod bound to the dead node)';
      const reason = isSts
        ? `one replica (${f.text}): the pod dies with its node, and a StatefulSet does not replace a pod on an unreachable node until the node comes back or someone deletes the Node or force-deletes the pod`
        : `one replica (${f.text}): the pod dies with its node; the replacement starts after ${wait}`;
      return v(scenario, 'outage', reason, rel);
    }
    // A ReadWriteOnce claim is most often a zonal disk: the PersistentVolume's node affinity keeps the pod in its zone.
    const claim = isSts ? undefined : singleWriterClaim(index, w);
    const stuck = isSts ? ' (a StatefulSet pod with a zonal volume cannot move at all)' : claim ? ` (with a zonal volume, as most ReadWriteOnce disks are, ${claim.mode} claim "${claim.claim.name}" keeps it in its zone: it cannot move at all)` : '';
    return v(scenario, 'outage', `one replica (${f.text}): a zone outage takes it down until it is rescheduled in another zone${stuck}`, claim ? [...rel, { resource: claim.claim, path: ['spec', 'accessModes'], note: claim.mode }] : rel);
  }
  // Every replica mounts one ReadWriteOnce claim: only pods on the volume's node can start (the others
  // wait on Multi-Attach), so the running replicas share that node and its zone.
  const shared = SHARED_CLAIM_KINDS.has(w.resource.kind) ? singleWriterClaim(index, w) : undefined;
  if (shared) {
    return v(scenario, 'outage', `${countText(f)}, but all mount ${shared.mode} PersistentVolumeClaim "${shared.claim.name}": only pods on the node the volume is attached to can run (the others wait on Multi-Attach), so they share one node and zone, and its loss takes them all`, [
      ...rel,
      { resource: shared.claim, path: ['spec', 'accessModes'], note: shared.mode },
    ]);
  }
  // Every pod may only run in one node or zone: spreading has a single domain to work with.
  const pin = pinnedTo(w, keys) ?? (scenario === 'zone-loss' ? pinnedTo(w, HOST_KEYS) : null);
  if (pin) {
    const where = pin.host ? `one node (${pin.value}), so one zone` : `one ${domain} (${pin.value})`;
    return v(scenario, 'outage', `${countText(f)}, but ${pin.text} allows only ${where}: they all run there, and its loss takes them all`, [
      ...rel,
      { resource: w.resource, path: pin.path, note: `pins pods to one ${domain}` },
    ]);
  }
  const s = spreadOver(w, index, keys, f.value);
  // Required anti-affinity over zones allows one pod per zone, so one per node too.
  if (!s.hard && scenario === 'node-loss') {
    const z = spreadOver(w, index, zoneKeys, f.value);
    if (z.hard?.kind === 'required-anti-affinity') {
      return v(scenario, 'survives', `${countText(f)} on different nodes: ${termText(z.hard)} allows at most one pod per zone, so one per node, and losing one node leaves the others serving`, [
        ...rel,
        { resource: w.resource, path: z.hard.path, note: 'one pod per zone' },
      ]);
    }
  }
  if (s.hard) {
    const also = isSts && scenario === 'zone-loss' ? '; pods of the lost zone stay down (their volumes are zonal) until it returns' : '';
    // Required anti-affinity allows one pod per domain: more replicas than zones stay Pending.
    const onePer = s.hard.kind === 'required-anti-affinity' && scenario === 'zone-loss' && f.value > 2 ? ` (at most one pod per zone: ${f.value} replicas need ${f.value} zones, and the ones beyond the cluster's zones stay Pending)` : '';
    return v(
      scenario,
      'survives',
      `${countText(f)} kept in different ${domain}s by ${termText(s.hard)}${onePer}: losing one ${domain} leaves the others serving${also}`,
      [...rel, { resource: w.resource, path: s.hard.path, note: `spreads pods across ${domain}s` }],
    );
  }
  // A live cluster shows where the pods run now: all in one node or zone is an outage today.
  const now = placement(w, index, scenario === 'node-loss' ? null : keys);
  if (now) {
    return v(scenario, 'outage', `${countText(f)}, but all ${now.pods.length} running pods are ${domain === 'node' ? 'on' : 'in'} ${domain} ${now.domain} right now${s.soft ? ` (${termText(s.soft)} is only best-effort)` : ''}: its loss takes them all until they are rescheduled elsewhere`, [
      ...rel,
      ...now.pods.slice(0, 3).map((p) => ({ resource: p, path: ['spec', 'nodeName'], note: `runs on ${getString(p.object, ['spec', 'nodeName'])}` })),
    ]);
  }
  // Two pods that use the same host port (or a whole TPU host) cannot share a node.
  const exclusive = scenario === 'node-loss' ? nodeExclusive(w) : null;
  if (exclusive) {
    return v(scenario, 'survives', `${countText(f)} on different nodes: they use ${exclusive.text}, and ${exclusive.why}, so losing one node leaves the others serving`, [
      ...rel,
      { resource: w.resource, path: exclusive.path, note: 'one pod per node' },
    ]);
  }
  if (s.soft) {
    return v(
      scenario,
      'at-risk',
      `${countText(f)}, spread across ${domain}s only on a best-effort basis (${termText(s.soft)}): when the cluster is short of room they can share one ${domain}, and its loss takes them all`,
      [...rel, { resource: w.resource, path: s.soft.path, note: 'best-effort spread' }],
    );
  }
  return v(
    scenario,
    'at-risk',
    `${countText(f)}, but nothing keeps them in different ${domain}s (no podAntiAffinity or topologySpreadConstraints over ${keys[0]}): the scheduler's default spreading usually separates them, but nothing guarantees it`,
    [...rel, { resource: w.resource, path: [...w.podSpecPath, 'topologySpreadConstraints'], note: 'where a spread constraint belongs' }],
  );
}

/**
 * A nodeSelector, or required node affinity whose every term asks for one value, that pins every pod
 * to one node or zone (one of `keys`); the topology spread then has that single domain (its default
 * nodeAffinityPolicy Honor counts only matching nodes).
 */
function pinnedTo(w: Workload, keys: string[]): { text: string; value: string; path: FieldPath; host: boolean } | null {
  const host = keys === HOST_KEYS;
  const nodeName = getString(w.podSpec, ['nodeName']);
  if (host && nodeName) return { text: `spec.nodeName ${nodeName}`, value: nodeName, path: [...w.podSpecPath, 'nodeName'], host };
  const sel = getObject(w.podSpec, ['nodeSelector']);
  for (const k of keys) {
    const value = sel?.[k];
    if (typeof value === 'string' && value !== '') return { text: `nodeSelector ${k}: ${value}`, value, path: [...w.podSpecPath, 'nodeSelector', k], host };
  }
  const termsPath = ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
  const terms = getArray(w.podSpec, termsPath);
  if (terms.length === 0) return null;
  let value: string | undefined;
  for (const t of terms) {
    const e = getArray(t, ['matchExpressions']).find((x) => keys.includes(getString(x, ['key']) ?? '') && getString(x, ['operator']) === 'In' && getArray(x, ['values']).length === 1);
    const one = e === undefined ? undefined : getArray(e, ['values'])[0];
    if (typeof one !== 'string' || (value !== undefined && one !== value)) return null;
    value = one;
  }
  return value === undefined ? null : { text: `required node affinity ${keys[0]} In [${value}]`, value, path: [...w.podSpecPath, ...termsPath], host };
}

/**
 * The workload's running pods (in a live cluster or a dump: bound to a node, not terminating) when
 * there are at least two and all sit in one node (zoneKeys null) or one zone (read from the Nodes'
 * labels; every pod's node must be in the input with one); null otherwise.
 */
function placement(w: Workload, index: ResourceIndex, zoneKeys: string[] | null): { domain: string; pods: Resource[] } | null {
  const pods = podsOf(index, w.resource).filter((p) => {
    const phase = getString(p.object, ['status', 'phase']);
    return getString(p.object, ['spec', 'nodeName']) && (phase === 'Running' || phase === 'Pending') && get(p.object, ['metadata', 'deletionTimestamp']) === undefined;
  });
  if (pods.length < 2) return null;
  const domains = new Set<string>();
  for (const p of pods) {
    const node = getString(p.object, ['spec', 'nodeName'])!;
    if (!zoneKeys) {
      domains.add(node);
      continue;
    }
    const n = index.memo('survival:nodes-by-name', () => new Map(index.ofKind('Node').map((x) => [x.name, x]))).get(node);
    const labels = isObject(n?.object.metadata) ? (n.object.metadata as Record<string, Json>).labels : undefined;
    const zone = zoneKeys.map((k) => (isObject(labels) && typeof labels[k] === 'string' ? (labels[k] as string) : undefined)).find((z) => z !== undefined);
    if (zone === undefined) return null;
    domains.add(zone);
  }
  return domains.size === 1 ? { domain: [...domains][0], pods } : null;
}

/** An int-or-percent written as a literal (an integer, or "N%"): templates and odd strings are not. */
function literalIntOrPercent(x: Json): boolean {
  return (typeof x === 'number' && Number.isInteger(x) && x >= 0) || (typeof x === 'string' && /^\d+%$/.test(x));
}

/** Evictions the budget allows when the workload runs at `n` healthy pods, or undefined when unknown. */
function allowedEvictions(pdb: Resource, n: number): { allowed: number; text: string; path: FieldPath } | undefined {
  const min = get(pdb.object, ['spec', 'minAvailable']);
  const max = get(pdb.object, ['spec', 'maxUnavailable']);
  const set = (x: Json | undefined) => x !== undefined && x !== null;
  if (set(min) && set(max)) return undefined;
  if (set(max)) {
    const k = scaleIntOrPercent(max, n, true);
    if (k === undefined) return undefined;
    return { allowed: Math.min(k, n), text: `maxUnavailable ${showIntOrPercent(max)}`, path: ['spec', 'maxUnavailable'] };
  }
  if (set(min)) {
    const pct = percentOf(min);
    const need = typeof min === 'number' ? min : pct !== undefined ? Math.ceil((pct * n) / 100) : undefined;
    if (need === undefined || !Number.isFinite(need)) return undefined;
    return { allowed: Math.max(0, n - need), text: `minAvailable ${showIntOrPercent(min)}`, path: ['spec', 'minAvailable'] };
  }
  // Neither set: policy/v1 has no default, and the disruption controller then expects 0 pods, so it
  // allows no eviction (getExpectedPodCount, updatePdbStatus). policy/v1beta1 defaulted minAvailable to 1.
  if (pdb.apiVersion === 'policy/v1') return { allowed: 0, text: 'with neither minAvailable nor maxUnavailable (the disruption controller then expects no pods)', path: ['spec'] };
  return undefined;
}

function drain(w: Workload, index: ResourceIndex, f: ReplicaFloor, complete: boolean): V {
  // A budget of a removed API version (policy/v1beta1) is never created: it blocks nothing.
  const found = servedPdbsFor(w, index);
  const certain = found.certain.filter((p) => index.sameScope(p, w.resource));
  if (w.disruptionBudgetBy && certain.length === 0 && found.possible.length === 0) return v('drain', 'unknown', w.disruptionBudgetBy, floorRelated(w, f));
  // Budgets of the namespace that sit in another folder with no namespace on either side: they select
  // these pods only if both are applied to the same namespace. Say what they would do, as unknown.
  const elsewhere = found.certain.filter((p) => !index.sameScope(p, w.resource));
  if (certain.length === 0 && elsewhere.length > 0) {
    const x = drainWith(w, index, f, complete, elsewhere, found.possible.filter((p) => !index.sameScope(p, w.resource)));
    return v('drain', 'unknown', `if deployed with these pods (it sits in another folder and neither names a namespace): ${x.reason}`, x.related);
  }
  return drainWith(w, index, f, complete, certain, found.possible.filter((p) => index.sameScope(p, w.resource)));
}

function drainWith(w: Workload, index: ResourceIndex, f: ReplicaFloor, complete: boolean, certain: Resource[], possible: Resource[]): V {
  const rel = floorRelated(w, f);
  if (possible.length > 0 && certain.length === 0) {
    return v('drain', 'unknown', `PodDisruptionBudget "${possible[0].name}" may select these pods (its selector cannot be evaluated)`, [
      { resource: possible[0], path: ['spec', 'selector'], note: 'selector not evaluable' },
    ]);
  }
  if (certain.length > 1) {
    return v(
      'drain',
      'blocked',
      `${certain.length} PodDisruptionBudgets select these pods (${certain.map((p) => `"${p.name}"`).join(', ')}): the eviction API refuses to evict a pod covered by more than one budget, so kubectl drain hangs on every node running one`,
      certain.map((p) => ({ resource: p, path: ['spec', 'selector'], note: 'selects these pods' })),
    );
  }
  const ready = hasReadiness(w);
  if (certain.length === 1) {
    const pdb = certain[0];
    // The budget counts every pod it selects: other workloads' pods share it.
    const shared = budgetPods(pdb, w, f, index);
    const n = shared.total;
    const a = allowedEvictions(pdb, n);
    if (!a) return v('drain', 'unknown', `PodDisruptionBudget "${pdb.name}" has a budget that cannot be evaluated`, [{ resource: pdb, path: ['spec'], note: 'budget' }]);
    const pr = [...rel, { resource: pdb, path: a.path, note: 'disruption budget' }];
    const o = shared.others;
    const others = o.length > 3 ? `${o.slice(0, 3).join(', ')} and ${o.length - 3} more workloads` : o.join(', ');
    const pods = `${n} pod${n === 1 ? '' : 's'}${o.length ? ` (with the pods of ${others}, which it also selects)` : ''}`;
    if (a.allowed <= 0) {
      return v('drain', 'blocked', `PodDisruptionBudget "${pdb.name}" ${a.text} allows no eviction at ${pods}: kubectl drain waits forever on nodes running these pods (managed node upgrades fail, or evict anyway after their timeout)`, pr);
    }
    if (a.allowed >= f.value) {
      const all = shared.others.length ? `${a.allowed} of its ${pods} at once, as many as this workload runs` : `all ${f.value} pod${f.value === 1 ? '' : 's'} at once`;
      return v('drain', 'outage', `PodDisruptionBudget "${pdb.name}" ${a.text} allows evicting ${all}: a drain can stop every replica before a replacement is ready`, pr);
    }
    if (!ready) {
      return v(
        'drain',
        'at-risk',
        `PodDisruptionBudget "${pdb.name}" ${a.text} allows ${a.allowed} eviction${a.allowed === 1 ? '' : 's'} at a time of ${pods}, but with no readiness probe a replacement counts as healthy the moment it starts, so the budget lets the next eviction through before it serves`,
        pr,
      );
    }
    return v('drain', 'survives', `PodDisruptionBudget "${pdb.name}" ${a.text}: a drain evicts at most ${a.allowed} of ${pods} at a time and waits for replacements to be ready`, pr);
  }
  // No budget in the input.
  const without =
    f.value < 2
      ? `the only pod is evicted and the service is down until the replacement is scheduled and ready`
      : `a drain evicts every replica on the node at once, and parallel drains (node upgrades, cluster-autoscaler) can evict ${f.value === 2 ? 'both' : `all ${f.value}`}`;
  // One pod: whatever budget may live elsewhere, a drain either evicts it (outage) or, if a budget
  // protects it, hangs; no budget makes draining its node safe, so the missing one changes nothing.
  if (!complete && f.value < 2) {
    return v('drain', 'outage', `no PodDisruptionBudget in the input selects these pods, and with one replica none could help: ${without} (a budget that protects the pod instead makes the drain hang)`, rel);
  }
  if (!complete) return v('drain', 'unknown', `no PodDisruptionBudget in the input selects these pods (it may live elsewhere); without one, ${without}`, rel);
  return v('drain', f.value < 2 ? 'outage' : 'at-risk', `no PodDisruptionBudget selects these pods: ${without}`, rel);
}

/**
 * The pods a budget counts: this workload's floor plus the floors of the other workloads of the input
 * whose pods it selects (the disruption controller counts every selected pod; DaemonSet pods and
 * controlled copies aside). When another one's count cannot be known, only this workload's.
 */
function budgetPods(pdb: Resource, w: Workload, f: ReplicaFloor, index: ResourceIndex): { total: number; others: string[] } {
  let total = f.value;
  const others: string[] = [];
  for (const o of workloadsOfPdb(pdb, index).certain) {
    if (o === w || o.class === 'daemon' || o.class === 'batch' || isControlled(o.resource) || !index.sameScope(o.resource, pdb) || !index.sameScope(o.resource, w.resource)) continue;
    const of = o.class === 'pod' ? { value: 1 } : replicaFloor(o, index);
    if (!of) return { total: f.value, others: [] };
    total += of.value;
    others.push(`${o.resource.kind} "${o.resource.name}"`);
  }
  return { total, others };
}

function orDefault(o: Record<string, Json> | undefined, key: string, def: Json): Json {
  const x = o?.[key];
  return x === undefined || x === null ? def : x;
}

/**
 * Could requests reach these pods? A declared port not named as a metrics or health port, or a
 * Service in the input (not one that only lists scrape targets) selecting them.
 */
function servesRequests(w: Workload, index: ResourceIndex): boolean {
  if (w.containers.some((c) => c.type !== 'init' && declaredPorts(c).some((p) => p.containerPort !== undefined && !isTelemetryPort(p)))) return true;
  const ns = index.namespaceOf(w.resource);
  return index.servicesSelecting(ns, w.podLabels).some((svc) => index.sameScope(svc, w.resource) && !serviceMetricsOnly(svc));
}

function rollout(w: Workload, f: ReplicaFloor | null, index: ResourceIndex): V {
  const r = w.resource;
  const obj = r.object;
  const ready = hasReadiness(w);
  const noProbe = ready
    ? ''
    : servesRequests(w, index)
      ? 'no container has a readiness probe, so new pods receive traffic the moment they start and old ones are stopped as soon as new ones run: requests fail while the new version starts'
      : `no container has a readiness probe, so old pods are stopped as soon as new ones run, whether or not the new version works: no requests reach these pods (no ports but metrics or health ones, no Service ${sourceWhere(index)}), but a version that fails after starting stops their work`;
  const probeRel = (): SurvivalRelated[] => {
    const c = w.containers.find((x) => x.type === 'container');
    return c ? [{ resource: r, path: [...c.path, 'readinessProbe'], note: 'where the readiness probe belongs' }] : [];
  };
  if (w.scaledBy) {
    const ro = w.scaledBy.resource;
    const how = getObject(ro.object, ['spec', 'strategy', 'blueGreen']) ? 'blue-green' : getObject(ro.object, ['spec', 'strategy', 'canary']) ? 'canary' : undefined;
    return v('rollout', 'unknown', `${ro.kind} "${ro.name}" runs these pods (workloadRef) and replaces them by its own${how ? ` ${how}` : ''} strategy, which kubeready does not model; this Deployment's strategy is not used`, [{ resource: ro, path: ['spec', 'strategy'], note: 'rollout strategy' }]);
  }
  if (r.kind === 'Deployment' && inGroup(r.apiVersion, ['apps/', 'extensions/'])) {
    const type = get(obj, ['spec', 'strategy', 'type']) ?? 'RollingUpdate';
    if (type === 'Recreate') return v('rollout', 'outage', 'strategy Recreate stops every pod before the new ones start: each rollout is a full outage', [{ resource: r, path: ['spec', 'strategy', 'type'], note: 'strategy' }]);
    if (type !== 'RollingUpdate') return v('rollout', 'unknown', `strategy type ${String(type)} is not one the API knows`);
    if (!f) return v('rollout', 'unknown', 'the replica count is not known (templated or not a number)');
    const ru = getObject(obj, ['spec', 'strategy', 'rollingUpdate']);
    const muRaw = orDefault(ru, 'maxUnavailable', '25%');
    const msRaw = orDefault(ru, 'maxSurge', '25%');
    const n = f.value;
    let mu = scaleIntOrPercent(muRaw, n, false);
    const ms = scaleIntOrPercent(msRaw, n, true);
    if (mu === undefined || ms === undefined) return v('rollout', 'unknown', 'maxUnavailable or maxSurge cannot be evaluated');
    if (isZeroIntOrPercent(muRaw) && isZeroIntOrPercent(msRaw)) return v('rollout', 'blocked', 'maxUnavailable and maxSurge are both 0: the API server rejects the Deployment', [{ resource: r, path: ['spec', 'strategy', 'rollingUpdate'], note: 'strategy' }]);
    if (mu === 0 && ms === 0) mu = 1;
    const sr = [{ resource: r, path: ['spec', 'strategy'], note: 'rollout strategy' }];
    const how = `RollingUpdate with maxUnavailable ${showIntOrPercent(muRaw)} and maxSurge ${showIntOrPercent(msRaw)} (${mu} down, ${ms} extra at ${n} replica${n === 1 ? '' : 's'})`;
    if (mu >= n) return v('rollout', 'outage', `${how}: every pod may be stopped before a new one is ready`, sr);
    // A surge pod mounts the single-writer claim the old pods hold (as rwo-volume-multi-replica says).
    const single = ms > 0 ? singleWriterClaim(index, w) : undefined;
    if (single && (single.mode === 'ReadWriteOncePod' || !pinnedTo(w, HOST_KEYS))) {
      const cr = [...sr, { resource: single.claim, path: ['spec', 'accessModes'], note: single.mode }];
      if (single.mode === 'ReadWriteOncePod') {
        return v('rollout', 'blocked', `${how}: each new pod mounts PersistentVolumeClaim "${single.claim.name}" (ReadWriteOncePod), which an old pod holds, so it stays Pending and the rollout hangs`, cr);
      }
      return v('rollout', 'at-risk', `${how}: each new pod mounts PersistentVolumeClaim "${single.claim.name}" (ReadWriteOnce) while an old pod holds it: on another node it cannot attach (Multi-Attach error) and the rollout hangs until the old pod is deleted`, cr);
    }
    // A surge pod needs a node where the host port is free: with none spare it stays Pending, and with
    // maxUnavailable 0 the rollout waits for it.
    const hp = ms > 0 && mu === 0 ? hostPortOf(w) : null;
    if (hp) return v('rollout', 'at-risk', `${how}: each new pod needs a node where ${hp.text} is free, and no old pod stops first (maxUnavailable 0): without a spare node the new pods stay Pending and the rollout waits`, [...sr, { resource: r, path: hp.path, note: 'host port' }]);
    if (!ready) return v('rollout', 'at-risk', `${how}, but ${noProbe}`, [...sr, ...probeRel()]);
    return v('rollout', 'survives', `${how}: at least ${n - mu} pod${n - mu === 1 ? ' keeps' : 's keep'} serving, and new pods get traffic only once their readiness probe passes`, sr);
  }
  if (r.kind === 'StatefulSet' && r.apiVersion.startsWith('apps/')) {
    const type = get(obj, ['spec', 'updateStrategy', 'type']) ?? 'RollingUpdate';
    if (type === 'OnDelete') return v('rollout', 'survives', 'updateStrategy OnDelete: pods change only when someone deletes them, one at a time as they choose', [{ resource: r, path: ['spec', 'updateStrategy', 'type'], note: 'strategy' }]);
    if (type !== 'RollingUpdate') return v('rollout', 'unknown', `updateStrategy type ${String(type)} is not one the API accepts by default (RollingUpdate, OnDelete)`, [{ resource: r, path: ['spec', 'updateStrategy', 'type'], note: 'strategy' }]);
    if (!f) return v('rollout', 'unknown', 'the replica count is not known (templated or not a number)');
    const sr = [{ resource: r, path: ['spec', 'updateStrategy'], note: 'update strategy' }];
    // partition P: only ordinals >= P are updated (a staged rollout); the rest keep serving.
    const partition = getNumber(obj, ['spec', 'updateStrategy', 'rollingUpdate', 'partition']) ?? 0;
    if (partition >= f.value) {
      return f.value < 2
        ? v('rollout', 'at-risk', `partition ${partition} at ${f.value} replica${f.value === 1 ? '' : 's'}: no pod is updated until the partition is lowered (a staged rollout); lowering it replaces the only pod, and the StatefulSet stops it before starting the new one: an outage then`, [...sr, ...floorRelated(w, f)])
        : v('rollout', 'survives', `partition ${partition} at ${f.value} replicas: no pod is updated until the partition is lowered (a staged rollout)`, sr);
    }
    if (f.value < 2) return v('rollout', 'outage', 'one replica, and a StatefulSet stops the old pod before it starts the new one (it never runs two pods with the same identity): every rollout is an outage', [...sr, ...floorRelated(w, f)]);
    // MaxUnavailableStatefulSet (on by default from 1.37): that many pods are replaced at once, rounded down, at least 1.
    const muRaw = get(obj, ['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable']);
    const mu = muRaw === undefined || muRaw === null ? 1 : scaleIntOrPercent(muRaw, f.value, false);
    if (mu === undefined) return v('rollout', 'unknown', 'maxUnavailable cannot be evaluated', sr);
    // ValidateStatefulSetUpdateStrategy: not 0 (or "0%"), not above 100%.
    if (muRaw !== undefined && muRaw !== null && (isZeroIntOrPercent(muRaw) || (percentOf(muRaw) ?? 0) > 100)) {
      return v('rollout', 'blocked', `maxUnavailable ${showIntOrPercent(muRaw)}: the API server rejects the StatefulSet (it must be at least 1 and at most 100%)`, sr);
    }
    const k = Math.min(Math.max(1, mu), f.value - Math.max(0, partition));
    if (k >= f.value) return v('rollout', 'outage', `maxUnavailable ${showIntOrPercent(muRaw as Json)} at ${f.value} replicas: every pod may be stopped at once (MaxUnavailableStatefulSet, on by default from Kubernetes 1.37)`, sr);
    const at = (k === 1 ? 'one at a time' : `${k} at a time (maxUnavailable ${showIntOrPercent(muRaw as Json)})`) + (partition > 0 ? `, only ordinals ${partition} and up (partition ${partition})` : '');
    if (!ready) return v('rollout', 'at-risk', `pods are replaced ${at}, but ${noProbe}`, [...sr, ...probeRel()]);
    return v('rollout', 'survives', `pods are replaced ${at}, highest ordinal first, never more than ${k} unavailable at once: ${f.value - k} of ${f.value} keep serving`, sr);
  }
  if (r.kind === 'DaemonSet' && inGroup(r.apiVersion, ['apps/', 'extensions/'])) {
    const type = get(obj, ['spec', 'updateStrategy', 'type']) ?? 'RollingUpdate';
    if (type === 'OnDelete') return v('rollout', 'survives', 'updateStrategy OnDelete: pods change only when someone deletes them');
    if (type !== 'RollingUpdate') return v('rollout', 'unknown', `updateStrategy type ${String(type)} is not one the API knows (RollingUpdate, OnDelete)`, [{ resource: r, path: ['spec', 'updateStrategy', 'type'], note: 'strategy' }]);
    const ru = getObject(obj, ['spec', 'updateStrategy', 'rollingUpdate']);
    const muRaw = orDefault(ru, 'maxUnavailable', 1);
    const msRaw = orDefault(ru, 'maxSurge', 0);
    const sr = [{ resource: r, path: ['spec', 'updateStrategy'], note: 'update strategy' }];
    if (!literalIntOrPercent(muRaw) || !literalIntOrPercent(msRaw)) return v('rollout', 'unknown', 'maxUnavailable or maxSurge cannot be evaluated', sr);
    // ValidateRollingUpdateDaemonSet: exactly one of the two may be non-zero.
    if (isZeroIntOrPercent(msRaw) === isZeroIntOrPercent(muRaw)) {
      return v('rollout', 'blocked', `maxUnavailable ${showIntOrPercent(muRaw)}${ru?.maxUnavailable === undefined ? ' (the default)' : ''} and maxSurge ${showIntOrPercent(msRaw)}: the API server rejects the DaemonSet (exactly one of them must be non-zero)`, sr);
    }
    if (!isZeroIntOrPercent(msRaw)) {
      // The new pod needs the node's host port while the old one still holds it: it never schedules.
      const hostPort = hostPortOf(w);
      if (hostPort) return v('rollout', 'blocked', `maxSurge ${showIntOrPercent(msRaw)} with ${hostPort.text}: each node's new pod cannot be scheduled while the old one holds the port, and the old one is kept until the new one is available, so the update stalls`, sr);
      return v('rollout', ready ? 'survives' : 'at-risk', `maxSurge ${showIntOrPercent(msRaw)}: each node's new pod starts before the old one stops${ready ? '' : `, but ${noProbe}`}`, sr);
    }
    const p = percentOf(muRaw);
    if (p !== undefined && p >= 100) return v('rollout', 'outage', `maxUnavailable ${showIntOrPercent(muRaw)} with no surge: the pod on every node stops at once`, sr);
    // With a host port the two cannot overlap on one node: a surge would stall the update.
    const held = hostPortOf(w);
    return v('rollout', 'at-risk', `maxUnavailable ${showIntOrPercent(muRaw)} with no surge: on each node the old pod stops before the new one starts, so that node is without it for the restart (${held ? `they cannot overlap: the new pod needs ${held.text}, which the old one holds until it stops` : 'set maxSurge: 1 with maxUnavailable: 0 to overlap them'})`, sr);
  }
  if (r.kind === 'ReplicaSet' || r.kind === 'ReplicationController') return v('rollout', 'n/a', `a ${r.kind} does not roll out template changes: existing pods keep the old version until they are deleted`);
  return v('rollout', 'unknown', `${r.kind} rollouts are run by its own controller`);
}

/** `StatefulSet "db"`: the built-in controller of a Pod or ReplicaSet, if any. */
function controllerRef(r: Resource): string | null {
  // Only the Pods and ReplicaSets of the built-in controllers: those recreate and roll them. A
  // StatefulSet an operator owns (a Prometheus's) still decides its own pods' fate.
  if (r.kind !== 'Pod' && r.kind !== 'ReplicaSet') return null;
  const o = controllerOf(r);
  return o && POD_CONTROLLERS.has(o.kind) ? `${o.kind} "${o.name}"` : null;
}

/** The four verdicts for a workload, or null for kinds they do not apply to (Jobs, CronJobs). */
export function survival(w: Workload, index: ResourceIndex, opts: SurvivalOptions): ScenarioVerdict[] | null {
  const hostKeys = opts.hostKeys ?? HOST_KEYS;
  const zoneKeys = opts.zoneKeys ?? ZONE_KEYS;
  if (w.class === 'batch') return null;
  // A Pod of a StatefulSet, a ReplicaSet of a Deployment, whose controller is not in the input (a live
  // listing filtered by -l, an export): its controller recreates and rolls it, so the verdicts are the
  // controller's, not those of a bare object.
  const owner = controllerRef(w.resource);
  if (owner) {
    const why = `managed by ${owner} (ownerReferences), which is not in the input (with -l: its own labels do not match): it recreates and replaces this ${w.resource.kind}, so the verdicts are the controller's, not this object's`;
    const rel = [{ resource: w.resource, path: ['metadata', 'ownerReferences'], note: 'controller' }];
    return SCENARIOS.map((s) => v(s, 'unknown', why, rel));
  }
  if (w.class === 'pod') {
    const rel = [{ resource: w.resource, path: [], note: 'bare Pod' }];
    return [
      v('node-loss', 'outage', 'a bare Pod is not recreated by anything: when its node dies it is gone for good', rel),
      v('zone-loss', 'outage', 'a bare Pod is not recreated by anything: when its zone fails it is gone for good', rel),
      v('drain', 'outage', 'kubectl drain refuses bare Pods unless --force, and then deletes them for good', rel),
      v('rollout', 'outage', 'a Pod cannot be rolled out: changing most of its spec means deleting and re-creating it', rel),
    ];
  }
  if (w.class === 'daemon') {
    return [
      v('node-loss', 'survives', 'one pod per node: a dead node takes only its own pod, which served only that node'),
      v('zone-loss', 'survives', 'one pod per node: a failed zone takes only the pods of its nodes'),
      v('drain', 'n/a', 'kubectl drain --ignore-daemonsets leaves DaemonSet pods running until the node stops'),
      rollout(w, null, index),
    ];
  }
  let f = replicaFloor(w, index);
  // An HPA does not scale a workload up from spec.replicas 0 (it disables itself): nothing runs. With
  // minReplicas 0 (HPAScaleToZero, on by default from 1.37) it scaled it to 0 itself and scales it up.
  if (f && f.source === 'hpa' && w.replicas === 0 && !scalesToZero(f.by)) f = { value: 0, source: 'replicas', text: `spec.replicas 0, which HorizontalPodAutoscaler "${f.by?.name}" does not scale up from` };
  if (!f) {
    const why = 'the replica count is not known (templated, not a number, or managed by a controller kubeready does not model)';
    return [v('node-loss', 'unknown', why), v('zone-loss', 'unknown', why), v('drain', 'unknown', why), rollout(w, null, index)];
  }
  if (f.value < 1) {
    const why =
      f.source === 'keda' || f.source === 'hpa'
        ? `it scales to zero (${f.text}): with no pod running there is nothing to lose, and the first request waits for a cold start`
        : `it runs no pod (${f.text}): there is nothing to lose, and nothing serves until someone scales it up`;
    return [v('node-loss', 'n/a', why, floorRelated(w, f)), v('zone-loss', 'n/a', why, floorRelated(w, f)), v('drain', 'n/a', why, floorRelated(w, f)), v('rollout', 'n/a', why, floorRelated(w, f))];
  }
  const out = [domainLoss('node-loss', w, index, f, hostKeys, zoneKeys), domainLoss('zone-loss', w, index, f, zoneKeys), drain(w, index, f, opts.complete), rollout(w, f, index)];
  // An HPA of another folder may set the floor instead (replicas-below-minimum is unknown then too):
  // what a verdict says of the written count holds only if it does not.
  const perhaps = f.source === 'hpa' || f.source === 'keda' ? undefined : index.hpasPerhapsFor(w.resource)[0];
  if (perhaps) {
    const min = getNumber(perhaps.object, ['spec', 'minReplicas']) ?? 1;
    if (min > f.value) {
      for (const x of out) {
        if (x.scenario === 'rollout' || (x.outcome !== 'outage' && x.outcome !== 'at-risk' && x.outcome !== 'blocked')) continue;
        x.reason = `if HorizontalPodAutoscaler "${perhaps.name}" of another folder (namespace "${index.namespaceOf(perhaps)}", minReplicas ${min}) does not scale it: ${x.reason}`;
        x.outcome = 'unknown';
        x.related = [...x.related, { resource: perhaps, path: ['spec', 'scaleTargetRef'], note: 'may scale it' }];
      }
    }
  }
  return out;
}
