// PodDisruptionBudgets and Nodes: which budget refuses which eviction, a node's report, and what a drain needs.
import type { FieldPath, Resource } from '../../model/types.js';
import { eventsFor, formatDuration, formatTime, parseTime } from '../../model/events.js';
import {
  controllerOf,
  formatBytes,
  formatCpu,
  isPodReady,
  nodeReady,
  nodeRoom,
  podPhase,
} from '../../model/runtime.js';
import { formatLabels } from '../../model/selector.js';
import { get, getArray, getNumber, getString, isObject, parseQuantity, stringMap } from '../../model/util.js';
import { allChecks } from '../../checks/index.js';
import { nearMisses, podState } from '../../checks/runtime/service-no-ready-endpoints.js';
import { taintsOf, taintText } from '../../model/placement.js';
import { pdbSelectorKind, pdbSelects, showSelector, workloadsOfPdb } from '../../model/pdb.js';
import { isZeroIntOrPercent, percentOf, showIntOrPercent } from '../../model/availability.js';
import { unhealthyPolicy } from '../../checks/runtime/pdb-drain-blocked-now.js';
import { type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type DrainPlan, type DrainPod, type Evidence, type NodePodLine, type NodeReport, type Problem } from './types.js';
import { compact, type Ctx, firesOn, flow, order, type Owner, ownerOf, podsLine, preventIf, prevention, ref, SEVERITY_RANK, show, sortProblems, st, statusOf, unreadOf } from './common.js';
import { allPodsRead, drainPlanOf, drainSkips, evictsFreely, listPods, pdbCounts, pdbsOfPod, podsOnNode, policyText } from './drain.js';
import { nodeProblems } from './node.js';
import { podProblems } from './pods.js';

/** The checks a manifest audit runs (no runtime check): what would have caught it before the cluster showed it. */
const MANIFEST_CHECKS: ReadonlySet<string> = new Set(allChecks.filter((c) => !c.runtime).map((c) => c.id));

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

export function pdbDiagnosis(x: Ctx, pdb: Resource): Diagnosis {
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

export function nodeDiagnosis(x: Ctx, node: Resource): Diagnosis {
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
