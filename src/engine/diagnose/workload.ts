// Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob): failed creates, rollouts, failed Jobs, CronJob schedules.
import { sourceWhere } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { eventsFor, formatTime, parseTime, type ObjectEvent } from '../../model/events.js';
import {
  availabilityOf,
  conditionOf,
  containerStatuses,
  daemonAvailabilityOf,
  exitCodeMeaning,
  hasStatus,
  intermediatesOf,
  isPodReady,
  isTerminating,
  lastTermination,
  podsOf,
  warnings,
  type ContainerStatus,
} from '../../model/runtime.js';
import { get, getArray, getNumber, getString, joinAnd, stringMap } from '../../model/util.js';
import { Cron } from 'croner';
import { unavailable } from '../../checks/runtime/workload-unavailable.js';
import { hpasOf, hpaSynced, hpaTrouble } from '../../model/autoscaler-status.js';
import { type DiagnoseKind, type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type Evidence, KUBECTL_NAME, type Problem } from './types.js';
import { compact, type Ctx, ev, mergeAcrossPods, nsFlag, podsLine, preventIf, quote, ref, show, sortProblems, st, statusOf, unreadOf } from './common.js';
import { podProblems } from './pods.js';
import { hpaProblem } from './hpa.js';

/**
 * "failed quota: small: must specify limits.memory for: app; requests.memory for: app": a
 * ResourceQuota on those resources makes every container state them.
 */
export function parseQuotaMustSpecify(message: string): { quota: string; missing: { field: string; containers: string[] }[] } | undefined {
  const m = /failed quota: ([^:]+): must specify (.+)$/i.exec(message.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const missing = m[2]
    .split(';')
    .map((part) => /^\s*([\w.-]+) for: (.+?)\s*$/.exec(part))
    .filter((x): x is RegExpExecArray => x !== null)
    .map((x) => ({ field: x[1], containers: x[2].split(',').map((c) => c.trim()).filter(Boolean) }));
  return missing.length ? { quota: m[1].trim(), missing } : undefined;
}

function failedCreateProblem(x: Ctx, r: Resource, fc: ObjectEvent): Problem {
  const index = x.index;
  const n = nsFlag(index, r);
  const quota = /exceeded quota/i.test(fc.message);
  const must = parseQuotaMustSpecify(fc.message);
  const base = { check: 'pods-cannot-be-created', severity: 'error' as const, symptom: `pods cannot be created (${fc.reason})`, object: { kind: fc.regarding.kind ?? r.kind, name: fc.regarding.name ?? r.name, namespace: index.namespaceOf(r) }, container: null, pods: [], logs: null };
  if (must) {
    // Per container: the fields it lacks (requests.memory, limits.cpu...).
    const byContainer = new Map<string, string[]>();
    for (const m of must.missing) for (const c of m.containers) byContainer.set(c, [...(byContainer.get(c) ?? []), m.field]);
    const q = index.inNamespace('ResourceQuota', index.namespaceOf(r)).find((o) => o.name === must.quota);
    const evidence: Evidence[] = [ev(fc, index)];
    if (q) evidence.push(st(q, ['spec', 'hard'], `hard: ${Object.entries(stringMap(get(q.object, ['spec', 'hard']))).map(([k, v]) => `${k}=${v}`).join(', ')}`, index, 'spec'));
    const yamlOf = (fields: string[]) => {
      const sect = (s: 'requests' | 'limits') => fields.filter((f) => f.startsWith(`${s}.`) || (s === 'requests' && !f.includes('.'))).map((f) => `      ${f.replace(/^(requests|limits)\./, '')}: <from measured usage>`);
      const req = sect('requests');
      const lim = sect('limits');
      return `    resources:\n${req.length ? `      requests:\n${req.map((l) => `  ${l}`).join('\n')}\n` : ''}${lim.length ? `      limits:\n${lim.map((l) => `  ${l}`).join('\n')}\n` : ''}`.trimEnd();
    };
    const containers = [...byContainer];
    const limitRange = [...new Set(must.missing.map((m) => m.field))];
    return {
      ...base,
      evidence,
      cause: `ResourceQuota "${must.quota}" limits ${joinAnd([...new Set(must.missing.map((m) => m.field))])} in namespace ${index.namespaceOf(r)}, so every container must state them, and ${containers.map(([c, f]) => `container "${c}" has no ${joinAnd(f)}`).join('; ')}: the API server rejects each pod`,
      fix: {
        text: `Add ${containers.map(([c, f]) => `${joinAnd(f)} to container "${c}"`).join(', ')} in ${KUBECTL_NAME[r.kind as DiagnoseKind] ?? r.kind.toLowerCase()}/${r.name}'s pod template (sized from measured usage), or give the namespace a LimitRange whose defaults fill them in.`,
        commands: [`kubectl ${n} describe resourcequota ${must.quota}`, `kubectl ${n} get limitrange`],
        yaml: `containers:\n${containers.map(([c, f]) => `  - name: ${c}\n${yamlOf(f)}`).join('\n')}\n---\n# or, for every container of the namespace:\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\nspec:\n  limits:\n    - type: Container\n${limitRange.some((f) => !f.startsWith('limits.')) ? `      defaultRequest:\n${limitRange.filter((f) => !f.startsWith('limits.')).map((f) => `        ${f.replace(/^requests\./, '')}: <typical request>`).join('\n')}\n` : ''}${limitRange.some((f) => f.startsWith('limits.')) ? `      default:\n${limitRange.filter((f) => f.startsWith('limits.')).map((f) => `        ${f.replace(/^limits\./, '')}: <typical limit>`).join('\n')}` : ''}`.trimEnd(),
      },
      prevent: compact([preventIf(x, r, 'quota-requires-resources', 'a quota that makes requests or limits mandatory, checked against the containers that lack them', { general: 'a ResourceQuota on requests or limits needs every container to state them, or a LimitRange default' })]),
    };
  }
  return {
    ...base,
    evidence: [ev(fc, index)],
    cause: quota
      ? 'a ResourceQuota of the namespace has no room for another pod with these requests'
      : /violates PodSecurity/i.test(fc.message)
        ? 'the namespace\'s Pod Security admission rejects the pod template'
        : /admission webhook/i.test(fc.message)
          ? 'an admission webhook rejects the pods'
          : `the controller cannot create pods: "${quote(fc.message)}"`,
    fix: quota
      ? { text: 'Raise the quota, lower the pods\' requests, or free room in the namespace.', commands: [`kubectl ${n} describe resourcequota`], yaml: null }
      : { text: 'Change the pod template so admission accepts it (the event names the rule).', commands: [`kubectl ${n} describe ${KUBECTL_NAME[r.kind as DiagnoseKind] ?? r.kind.toLowerCase()} ${r.name}`], yaml: null },
    prevent: quota ? compact([preventIf(x, r, 'quota-requires-resources', 'quota and pod requests checked together')]) : /PodSecurity/i.test(fc.message) ? compact([preventIf(x, r, 'privileged-container', 'the Pod Security checks say which level the template meets')]) : [],
  };
}

/** `api=shop/api:1.1, proxy=envoy:1.30` from a pod template. */
function imagesOf(r: Resource): string {
  const cs = getArray(r.object, ['spec', 'template', 'spec', 'containers']);
  return cs.length ? `image${cs.length === 1 ? '' : 's'} ${cs.map((c) => (cs.length === 1 ? (getString(c, ['image']) ?? '?') : `${getString(c, ['name']) ?? '?'}=${getString(c, ['image']) ?? '?'}`)).join(', ')}` : 'no containers';
}

/** What changed between two pod templates' images: `image shop/api:1.0 -> shop/api:1.1`, or '' when none did. */
function imageChange(from: Resource, to: Resource): string {
  const old = new Map(getArray(from.object, ['spec', 'template', 'spec', 'containers']).map((c) => [getString(c, ['name']), getString(c, ['image'])]));
  const diffs = getArray(to.object, ['spec', 'template', 'spec', 'containers'])
    .filter((c) => old.get(getString(c, ['name'])) !== getString(c, ['image']))
    .map((c) => `${old.size > 1 ? `${getString(c, ['name'])}: ` : ''}image ${old.get(getString(c, ['name'])) ?? 'none'} -> ${getString(c, ['image']) ?? '?'}`);
  return diffs.length ? diffs.join(', ') : 'same images: the change is elsewhere in the pod template';
}

// ---------------------------------------------------------------------------------------------
// CronJob schedules: when the next run is due.

/**
 * The first time after `after` (ms) that a CronJob schedule fires (croner, five fields as the
 * CronJob controller reads them: day of month and day of week ORed when both are restricted, macros
 * such as @hourly), in its time zone (spec.timeZone, or a CRON_TZ= prefix; unset: UTC, as the
 * controller's default on most clusters); undefined when the schedule or zone cannot be read.
 */
export function nextCronRun(schedule: string, after: number, timeZone?: string): number | undefined {
  let expr = schedule.trim();
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  if (tz) {
    timeZone = tz[1];
    expr = tz[2];
  }
  try {
    const next = new Cron(expr, { paused: true, timezone: timeZone || 'UTC', mode: '5-part' }).nextRun(new Date(after));
    return next ? next.getTime() : undefined;
  } catch {
    return undefined;
  }
}

/** A CronJob's schedule state, for its walk and symptom: suspended, not run yet (and when it is due), last run. */
function cronState(x: Ctx, cj: Resource, jobs: Resource[]): { walked: string; idle: string | undefined } {
  const schedule = getString(cj.object, ['spec', 'schedule']) ?? '?';
  const tz = getString(cj.object, ['spec', 'timeZone']);
  const suspended = get(cj.object, ['spec', 'suspend']) === true;
  const last = parseTime(getString(cj.object, ['status', 'lastScheduleTime']));
  const success = parseTime(getString(cj.object, ['status', 'lastSuccessfulTime']));
  const from = last ?? parseTime(getString(cj.object, ['metadata', 'creationTimestamp']));
  const first = from !== undefined ? nextCronRun(schedule, from, tz) : undefined;
  // Due already (a dump read later, or a missed run): say when it is due next from now.
  const next = first !== undefined && x.now !== undefined && first <= x.now ? nextCronRun(schedule, x.now, tz) : first;
  const zone = tz ? `time zone ${tz}` : "the controller-manager's time zone, UTC on most clusters";
  const due = next === undefined ? undefined : `next due ${formatTime(next)} (in ${zone})`;
  const walked = `schedule "${schedule}"${tz ? ` ${tz}` : ''}${suspended ? ', suspended' : ''}; last scheduled ${last !== undefined ? formatTime(last) : 'never'}${success !== undefined ? `, last succeeded ${formatTime(success)}` : ''}; Jobs: ${jobs.length}`;
  let idle: string | undefined;
  if (suspended) idle = 'suspended (spec.suspend): it starts no Job until resumed';
  else if (last !== undefined) idle = `no failed run; last scheduled ${formatTime(last)}${due ? `, ${due}` : ''}`;
  else {
    idle = `not run on its schedule yet${due ? `: ${due}` : ''}`;
    // Created before a due time that has passed, and still nothing: the controller did not start it.
    if (first !== undefined && x.now !== undefined && first <= x.now - 2 * 60_000) x.notes.add(`a scheduled run was due at ${formatTime(first)} (if the controller-manager runs in ${tz ?? 'UTC'}), after the CronJob was created, and none is recorded: check startingDeadlineSeconds and the kube-controller-manager`);
  }
  return { walked, idle };
}

export function workloadDiagnosis(x: Ctx, r: Resource): Diagnosis {
  const index = x.index;
  const walked: string[] = [show(ref(r, index))];
  const mids = intermediatesOf(index, r);
  for (const m of mids) {
    const rev = stringMap(get(m.object, ['metadata', 'annotations']))['deployment.kubernetes.io/revision'];
    const n = podsOf(index, m).length;
    walked.push(`${m.kind} ${m.name}${rev ? ` (revision ${rev})` : ''}: ${n} pod${n === 1 ? '' : 's'}`);
  }
  const cron = r.kind === 'CronJob' ? cronState(x, r, mids.filter((m) => m.kind === 'Job')) : undefined;
  if (cron) walked.splice(1, 0, cron.walked);
  if (!hasStatus(r) && r.kind !== 'CronJob') x.notes.add(`its status is empty: its controller has not written one yet`);
  const pods = podsOf(index, r).filter((p) => !isTerminating(p));
  if (pods.length) walked.push(`Pods: ${pods.slice(0, 6).map((p) => p.name).join(', ')}${pods.length > 6 ? `, ... (${pods.length})` : ''} (${podsLine(pods)})`);
  // Its autoscalers: one that cannot scale leaves the workload at today's size when load comes.
  const hpas = hpasOf(index, r);
  const hpaTroubles = hpas.map((h) => ({ h, t: hpaTrouble(h, x.now) }));
  for (const { h, t } of hpaTroubles) {
    walked.push(`HorizontalPodAutoscaler ${h.name}: min ${getNumber(h.object, ['spec', 'minReplicas']) ?? 1}, max ${getNumber(h.object, ['spec', 'maxReplicas']) ?? '?'}, ${!hpaSynced(h) ? 'no conditions yet' : t ? `${t.condition.type}=${t.condition.status} (${t.condition.reason ?? '?'})` : 'scaling'}`);
  }
  const evCount = [r, ...mids, ...pods, ...hpas].reduce((a, o) => a + eventsFor(index, o).length, 0);
  walked.push(`Events: ${evCount}`);
  const ns = index.namespaceOf(r);
  if (index.ofKind('Event').length === 0 && !unreadOf(x.opts, ['Event'], ns).length) x.notes.add('the input holds no Events: causes are read from status only (kubectl get events -o yaml adds them)');
  if (pods.length === 0 && r.kind !== 'CronJob' && !unreadOf(x.opts, ['Pod', ...(r.kind === 'Deployment' ? ['ReplicaSet'] : [])], ns).length) x.notes.add(`no pods of ${r.kind} ${r.name} ${sourceWhere(x.index)} (matched by ownerReferences uid)`);

  let problems: Problem[] = [];
  for (const p of pods) problems.push(...podProblems(x, p));
  problems = mergeAcrossPods(problems);

  // Controller-level problems: pods that cannot be created, failed Jobs.
  const fc = [r, ...mids].flatMap((o) => warnings(index, o)).filter((e) => /FailedCreate/.test(e.reason)).sort((a, b) => (a.time ?? -Infinity) - (b.time ?? -Infinity)).pop();
  if (fc) problems.push(failedCreateProblem(x, r, fc));
  if (r.kind === 'Job') {
    const f = jobFailedProblem(x, r, pods, problems, undefined);
    if (f) problems.push(f);
  } else if (r.kind === 'CronJob') {
    // Its Jobs, the scheduled ones and those created by hand (kubectl create job --from=cronjob/...):
    // a failed one is the CronJob's problem, unless a later one completed (then it is history).
    const jobs = mids.filter((m) => m.kind === 'Job');
    const startOf = (j: Resource) => parseTime(getString(j.object, ['status', 'startTime'])) ?? parseTime(getString(j.object, ['metadata', 'creationTimestamp'])) ?? -Infinity;
    for (const j of jobs.sort((a, b) => startOf(b) - startOf(a))) {
      if (conditionOf(j, 'Failed')?.status !== 'True') continue;
      if (jobs.some((k) => k !== j && startOf(k) > startOf(j) && conditionOf(k, 'Complete')?.status === 'True')) continue;
      const jp = podsOf(index, j).filter((p) => !isTerminating(p));
      const f = jobFailedProblem(x, j, jp, problems.filter((q) => q.pods.some((n) => jp.some((p) => p.name === n))), r);
      if (f) problems.push(f);
    }
  }
  // An autoscaler that does not scale: the workload serves, but stays at its size (a warning here; the
  // HPA's own diagnosis calls it broken). Pods not ready as the cause are already listed.
  let ambiguousShown = false;
  for (const { h, t } of hpaTroubles) {
    if (!t || t.cause === 'pods-unready' || t.cause === 'no-pods') continue;
    // Two HPAs of this workload over the same pods: one problem for the pair.
    if (t.cause === 'ambiguous-selector') {
      if (ambiguousShown) continue;
      ambiguousShown = true;
    }
    const p = hpaProblem(x, h, t);
    if (p) problems.push({ ...p, severity: 'warning' });
  }
  // A rollout past its progress deadline: the new version never comes. When the pods with problems
  // are all the new ReplicaSet's, that is the headline: the new revision is what fails.
  const av = availabilityOf(r);
  let rollout: Problem | undefined;
  if (r.kind === 'Deployment' && av && !av.stale && av.progressing?.status === 'False' && av.progressing.reason === 'ProgressDeadlineExceeded') {
    const deadline = getNumber(r.object, ['spec', 'progressDeadlineSeconds']) ?? 600;
    const n = nsFlag(index, r);
    const sets = mids.filter((m) => m.kind === 'ReplicaSet').map((m) => ({ rs: m, rev: Number(stringMap(get(m.object, ['metadata', 'annotations']))['deployment.kubernetes.io/revision'] ?? NaN), pods: podsOf(index, m).filter((p) => !isTerminating(p)) }));
    const known = sets.filter((x) => Number.isFinite(x.rev)).sort((a, b) => b.rev - a.rev);
    const fresh = known[0];
    const prev = known.slice(1).find((x) => x.pods.length > 0) ?? known[1];
    const podProbs = problems.filter((p) => p.object.kind === 'Pod');
    const freshNames = new Set(fresh?.pods.map((p) => p.name) ?? []);
    const onFresh = fresh && podProbs.length > 0 && podProbs.every((p) => p.pods.every((name) => freshNames.has(name)));
    const evidence: Evidence[] = [st(r, ['status', 'conditions'], `condition Progressing=False (ProgressDeadlineExceeded)${av.progressing.since !== undefined ? ` since ${formatTime(av.progressing.since)}` : ''}${av.progressing.message ? `: "${quote(av.progressing.message, 200)}"` : ''}`, index)];
    for (const x of [fresh, prev]) if (x) evidence.push(st(x.rs, ['spec', 'template', 'spec', 'containers'], `revision ${x.rev}${x === fresh ? ' (new)' : ''}: ${imagesOf(x.rs)}; ${x.pods.length} pod${x.pods.length === 1 ? '' : 's'}, ${x.pods.filter(isPodReady).length} ready`, index, 'spec'));
    const served = `${av.available} of ${av.desired} replicas ${av.available === 1 ? 'is' : 'are'} available`;
    let cause = `the rollout made no progress for progressDeadlineSeconds (${deadline} s): ${av.available} of ${av.desired} replicas are available${av.updated !== undefined ? ` and ${av.updated} ${av.updated === 1 ? 'pod has' : 'pods have'} the new version` : ''}, so the service runs, but the rest of the new version does not come`;
    if (onFresh && fresh) {
      const first = podProbs[0];
      const changed = prev ? imageChange(prev.rs, fresh.rs) : '';
      const inPods = first.pods.length < fresh.pods.length ? `in ${first.pods.length} of its ${fresh.pods.length} pods` : fresh.pods.length === 1 ? 'in its only pod' : `in all ${fresh.pods.length} of its pods`;
      cause = `the new version (revision ${fresh.rev}${changed ? `, ${changed}` : ''}) does not become available: ${first.symptom} ${inPods}, so the rollout stopped at its progress deadline (${deadline} s)${prev ? `; the old version (revision ${prev.rev}) ${prev.pods.some(isPodReady) ? `still serves (${served})` : `does not serve either (${served})`}` : ''}`;
    }
    rollout = {
      check: 'workload-unavailable',
      severity: av.available < av.desired ? 'error' : 'warning',
      symptom: onFresh && fresh ? `rollout stuck: revision ${fresh.rev} never becomes ready (ProgressDeadlineExceeded)` : 'rollout stuck (ProgressDeadlineExceeded)',
      object: ref(r, index),
      container: null,
      pods: onFresh && fresh ? fresh.pods.map((p) => p.name) : [],
      evidence,
      cause,
      fix: {
        text: onFresh && prev
          ? `Roll back to revision ${prev.rev} now (the old version), then fix the new version (its problems are listed here) and roll it out again.`
          : 'Find why the new pods do not become available (their problems, if any, are listed here; else kubectl describe the newest ReplicaSet\'s pods), then fix it or roll back.',
        commands: [`kubectl ${n} rollout undo deployment/${r.name}${onFresh && prev ? ` --to-revision=${prev.rev}` : ''}`, `kubectl ${n} rollout history deployment/${r.name}`, `kubectl ${n} rollout status deployment/${r.name}`],
        yaml: null,
      },
      prevent: [],
      logs: null,
    };
    problems.push(rollout);
  }
  sortProblems(problems);
  // The new revision's pods fail: the stuck rollout comes first, their problems follow as its evidence.
  if (rollout && rollout.pods.length) problems.unshift(...problems.splice(problems.indexOf(rollout), 1));

  const symptomParts: string[] = [];
  const a = av ?? daemonAvailabilityOf(r);
  if (a && a.available < a.desired) {
    if (r.kind === 'DaemonSet') symptomParts.push(`${a.available} of ${a.desired} daemon pods available`);
    else {
      const u = unavailable(index, r, 0);
      symptomParts.push(`${r.kind === 'Deployment' ? a.available : a.ready} of ${a.desired} replicas ${r.kind === 'Deployment' ? 'available' : 'ready'}${u ? ` (${u.why})` : ''}`);
    }
  }
  if (problems.length) symptomParts.push(problems[0].symptom + (problems[0].object.kind === 'Pod' && pods.length > 1 ? ` in ${problems[0].pods.length} of ${pods.length} pods` : ''));
  let status = statusOf(problems);
  // The status follows availability: none available is an outage (broken), whatever the problems'
  // severities; fewer than desired is at least degraded, even with nothing explaining it.
  if (a && !a.stale && a.desired > 0) {
    if (a.available === 0) status = 'broken';
    else if (a.available < a.desired && status === 'healthy') status = 'degraded';
  }
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(r, index),
    status,
    symptom: symptomParts.join('; ') || (cron?.idle ?? (pods.length ? `all ${pods.length} pod${pods.length === 1 ? '' : 's'} healthy` : r.kind === 'CronJob' ? 'no failed run' : 'no problem found')),
    walked,
    problems,
    notes: [...x.notes],
  };
}

/** The failed containers of a Job's pods: exit code, reason, and the termination message each left. */
function jobExits(pods: Resource[]): { pod: Resource; c: ContainerStatus; t: NonNullable<ReturnType<typeof lastTermination>> }[] {
  return pods.flatMap((p) =>
    containerStatuses(p)
      .map((c) => ({ pod: p, c, t: lastTermination(c) }))
      .filter((e): e is { pod: Resource; c: ContainerStatus; t: NonNullable<ReturnType<typeof lastTermination>> } => e.t?.exitCode !== undefined && e.t.exitCode !== 0),
  );
}

/** Why a failed Job's pods failed, as far as their statuses say (exit codes, termination messages), for the Job's cause. */
function jobPodsText(problems: Problem[], pods: Resource[]): string {
  if (problems.some((p) => p.object.kind === 'Pod')) return "see the pods' problems for why they fail";
  const exits = jobExits(pods);
  if (exits.length) {
    const shown = exits.slice(0, 3).map((e) => `${e.pod.name}/${e.c.name}: ${exitCodeMeaning(e.t.exitCode, e.t.signal)}${e.t.reason ? `, reason ${e.t.reason}` : ''}${e.t.message ? `, "${quote(e.t.message, 160)}"` : ''}`);
    return `${shown.join('; ')}${exits.length > 3 ? `; ${exits.length - 3} more` : ''}${exits.some((e) => e.t.message) ? '' : ': their logs say why'}`;
  }
  return pods.length ? 'its pods record no exit code: their logs say why' : "its pods are gone: the last one's log, if kept, says why";
}

/** A Job whose Failed condition is True: why (its condition, its pods' exits), and how to run it again. */
function jobFailedProblem(x: Ctx, job: Resource, pods: Resource[], podProblemsOf: Problem[], cron: Resource | undefined): Problem | undefined {
  const failed = conditionOf(job, 'Failed');
  if (failed?.status !== 'True') return undefined;
  const index = x.index;
  const n = nsFlag(index, job);
  const evidence: Evidence[] = [st(job, failed.path, `condition Failed=True${failed.reason ? ` (${failed.reason})` : ''}${failed.message ? ` "${failed.message}"` : ''} since ${formatTime(failed.since)}`, index)];
  for (const e of jobExits(pods).slice(0, 3)) {
    evidence.push(st(e.pod, e.t.path, `container ${e.c.name}: ${exitCodeMeaning(e.t.exitCode, e.t.signal)}${e.t.reason ? `, reason ${e.t.reason}` : ''}${e.t.finishedAt !== undefined ? `, at ${formatTime(e.t.finishedAt)}` : ''}${e.t.message ? `; termination message: "${quote(e.t.message, 200)}"` : ''}`, index));
  }
  const manual = stringMap(get(job.object, ['metadata', 'annotations']))['cronjob.kubernetes.io/instantiate'] === 'manual';
  const limit = getNumber(job.object, ['spec', 'backoffLimit']) ?? 6;
  const why = failed.reason === 'BackoffLimitExceeded' ? `every retry failed: the Job reached its backoffLimit of ${limit} (${jobPodsText(podProblemsOf, pods)})` : failed.reason === 'DeadlineExceeded' ? 'the Job ran longer than activeDeadlineSeconds' : (failed.message ?? 'the Job failed');
  const logs = `kubectl ${n} logs job/${job.name} --tail=50`;
  return {
    check: 'job-failed',
    severity: 'error',
    symptom: cron ? `Job ${job.name}${manual ? ' (created by hand from this CronJob)' : ''} failed (${failed.reason ?? 'Failed'})` : `Job failed (${failed.reason ?? 'Failed'})`,
    object: ref(job, index),
    container: null,
    pods: pods.map((p) => p.name),
    evidence,
    cause: why,
    fix: cron
      ? { text: `Fix why the pods fail in the CronJob's jobTemplate (kubectl edit cronjob/${cron.name}: the next run uses it), then run it once to check.`, commands: [logs, `kubectl ${n} create job --from=cronjob/${cron.name} ${cron.name}-check-1   # a run now, with the fixed template`], yaml: null }
      : { text: "Fix why the pods fail, then rerun the Job (a Job's template cannot be changed: delete and recreate it).", commands: [logs], yaml: null },
    prevent: [],
    logs: null,
  };
}
