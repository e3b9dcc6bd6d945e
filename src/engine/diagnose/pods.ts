// Everything wrong with one pod (creation, eviction, and the container, scheduling, claim and node problems), and the pod diagnosis.
import type { JsonObject, Resource } from '../../model/types.js';
import { eventsFor, formatDuration, formatTime, latestEvent } from '../../model/events.js';
import {
  conditionOf,
  containerStatuses,
  isPodReady,
  isTerminating,
  lastTermination,
  podPhase,
  probeFailures,
  pvcPending,
  topOwner,
} from '../../model/runtime.js';
import { get, getArray, getString, parseQuantity } from '../../model/util.js';
import { podState } from '../../checks/runtime/service-no-ready-endpoints.js';
import { type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type Evidence, type Prevention, type Problem } from './types.js';
import { compact, confirmed, containerYaml, type Ctx, ev, nsFlag, ownerOf, preventIf, prevention, quote, ref, resourcesCommand, show, sortProblems, st, statusOf } from './common.js';
import { crashProblems, neverReady, notReadyProblems, oomProblems, probeFailureWhy, probePort, restartProblems } from './containers.js';
import { configProblems, pullProblems } from './pull-config.js';
import { schedulingProblems } from './scheduling.js';
import { pvcProblem } from './pvc.js';
import { nodeProblems } from './node.js';

/** Pending, scheduled, containers still creating, with a Warning from the kubelet (volumes, sandbox). */
function creatingProblems(x: Ctx, pod: Resource): Problem[] {
  if (podPhase(pod) !== 'Pending' || isTerminating(pod)) return [];
  const scheduled = conditionOf(pod, 'PodScheduled');
  if (scheduled?.status !== 'True') return [];
  const stuck = containerStatuses(pod).filter((c) => c.state?.phase === 'waiting' && (c.state.reason === 'ContainerCreating' || c.state.reason === 'PodInitializing'));
  if (stuck.length === 0 && containerStatuses(pod).length > 0) return [];
  const w = latestEvent(eventsFor(x.index, pod), (e) => e.type === 'Warning' && /^(FailedMount|FailedAttachVolume|FailedCreatePodSandBox|FailedMapVolume)$/.test(e.reason));
  if (!w) {
    // Scheduled long ago and still creating, with nothing from the kubelet: say so, without a guess.
    // An init container that runs (waiting for a database) is not that: the main ones wait for it;
    // nor is one that fails (CrashLoopBackOff, an image it cannot pull, an exit code): its own problem
    // is the cause, and the kubelet is reporting.
    const inits = containerStatuses(pod).filter((c) => c.type === 'init');
    if (inits.some((c) => c.state?.phase === 'running')) return [];
    if (inits.some((c) => (c.state?.phase === 'waiting' && c.state.reason !== undefined && c.state.reason !== 'PodInitializing') || (lastTermination(c)?.exitCode ?? 0) !== 0 || c.restartCount > 0)) return [];
    const since = scheduled.since;
    if (since === undefined || x.now === undefined || x.now - since < 5 * 60_000) return [];
    const node = getString(pod.object, ['spec', 'nodeName']);
    // Any Warning about the pod (BackOff, Failed) means the kubelet reports: never claim it does not.
    const other = latestEvent(eventsFor(x.index, pod), (e) => e.type === 'Warning');
    const stuckFor = formatDuration(x.now - since);
    const scheduledText = `scheduled${node ? ` to node ${node}` : ''} at ${formatTime(since)}; phase still Pending`;
    return [
      {
        check: 'pod-stuck-creating',
        severity: 'warning',
        symptom: `pod stuck in ${stuck[0]?.state?.reason ?? 'Pending'} for ${stuckFor}`,
        object: ref(pod, x.index),
        container: null,
        pods: [pod.name],
        ...(other
          ? {
              evidence: [st(pod, [...scheduled.path, 'status'], scheduledText, x.index), ev(other, x.index)],
              cause: `the pod was scheduled ${stuckFor} ago and its containers are still being created; the kubelet's latest warning about it is ${other.reason}: "${quote(other.message)}"`,
              fix: { text: 'Fix what the kubelet\'s warning names.', commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`], yaml: null },
            }
          : {
              evidence: [st(pod, [...scheduled.path, 'status'], `${scheduledText}, with no Warning event from the kubelet`, x.index)],
              cause: `the pod was scheduled ${stuckFor} ago and its containers are still being created, and no event says why: the kubelet${node ? ` on ${node}` : ''} may not be reporting (its Node's Ready condition), or a slow image pull or volume attach has not failed yet`,
              fix: { text: 'Read the pod\'s events and its node\'s conditions; if the kubelet is not reporting, fix or drain the node.', commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`, ...(node ? [`kubectl describe node ${node}`] : [])], yaml: null },
            }),
        prevent: [],
        logs: null,
      },
    ];
  }
  let cause = `the kubelet cannot set the pod up (${w.reason}): "${quote(w.message)}"`;
  const prevent: Prevention[] = [];
  let fixText = 'Fix what the kubelet names in the event.';
  const missing = /(configmap|secret) "([^"]+)" not found/i.exec(w.message);
  if (missing) {
    cause = `a volume references ${/secret/i.test(missing[1]) ? 'Secret' : 'ConfigMap'} "${missing[2]}", which does not exist in namespace ${x.index.namespaceOf(pod)}: the volume cannot be mounted and the pod never starts`;
    fixText = `Create ${missing[1]} "${missing[2]}" in the namespace, or fix the name in the volume.`;
    prevent.push(prevention('volume-source-missing', 'referenced ConfigMaps and Secrets must exist or be optional'));
  } else if (/Multi-Attach/i.test(w.message)) {
    cause = `the ReadWriteOnce volume is still attached to another node (Multi-Attach error): a second pod on another node cannot mount it until the first one lets go`;
    fixText = 'Run one pod per ReadWriteOnce volume (a StatefulSet with volumeClaimTemplates, or strategy Recreate for a single replica), or use a ReadWriteMany volume.';
    prevent.push(prevention('rwo-volume-multi-replica', 'a ReadWriteOnce claim shared by several pods'));
  } else if (w.reason === 'FailedCreatePodSandBox') {
    cause = `the pod sandbox (network namespace) cannot be created: the CNI plugin fails on that node: "${quote(w.message)}"`;
    fixText = 'Check the CNI plugin pods on that node (kube-system) and their logs; IP address exhaustion in the subnet is a common cause.';
  }
  return [
    {
      check: 'pod-stuck-creating',
      severity: 'error',
      symptom: `pod stuck in ContainerCreating (${w.reason})`,
      object: ref(pod, x.index),
      container: null,
      pods: [pod.name],
      evidence: [ev(w, x.index)],
      cause,
      fix: { text: fixText, commands: [`kubectl ${nsFlag(x.index, pod)} describe pod ${pod.name}`], yaml: null },
      prevent: confirmed(x, ownerOf(x.index, pod).resource, prevent),
      logs: null,
    },
  ];
}

/**
 * An evicted pod (status.phase Failed, status.reason Evicted): the kubelet's message names the
 * resource the node ran short of and each container using more than it requests ("Container app
 * was using 900Mi, request is 64Mi"), or the local-storage limit the pod went over.
 */
function evictionProblems(x: Ctx, pod: Resource): Problem[] {
  if (podPhase(pod) !== 'Failed' || getString(pod.object, ['status', 'reason']) !== 'Evicted') return [];
  const message = getString(pod.object, ['status', 'message']) ?? '';
  const node = getString(pod.object, ['spec', 'nodeName']);
  const owner = ownerOf(x.index, pod);
  const n = nsFlag(x.index, pod);
  const low = /low on resource: ([\w.-]*\w)/i.exec(message)?.[1];
  const users = [...message.matchAll(/Container (\S+) was using (\S+?), request is (\S+?),/g)].map((m) => ({ name: m[1], using: m[2], request: m[3] }));
  const local = /ephemeral local storage|EmptyDir volume|local ephemeral storage limit/i.exec(message);
  const resource = low ?? (local ? 'ephemeral-storage' : undefined);
  const storage = resource === 'ephemeral-storage';
  const evidence: Evidence[] = [st(pod, ['status', 'message'], `phase Failed, reason Evicted${node ? ` on node ${node}` : ''}: "${quote(message, 300)}"`, x.index)];
  const e = latestEvent(eventsFor(x.index, pod), (v) => v.reason === 'Evicted');
  if (e) evidence.push(ev(e, x.index));
  const u = users[0];
  const spec = u ? containerStatuses(pod).find((c) => c.name === u.name)?.spec ?? (getArray(pod.object, ['spec', 'containers']).find((c) => getString(c, ['name']) === u.name) as JsonObject | undefined) : undefined;
  let cause: string;
  let fix: Problem['fix'];
  const prevent: Prevention[] = [];
  if (local && !low) {
    cause = `the pod went over its own local-storage limit: "${quote(local.input, 200)}": the kubelet evicts a pod whose emptyDir volumes or containers write more than their sizeLimit or ephemeral-storage limit`;
    fix = {
      text: 'Raise the limit to what the pod needs to write, or make it write less (logs to stdout, temporary files cleaned up, data on a persistent volume).',
      commands: [`kubectl ${n} describe pod ${pod.name}`],
      yaml: 'resources:\n  requests:\n    ephemeral-storage: 1Gi\n  limits:\n    ephemeral-storage: 2Gi   # above what the pod writes\n# and for an emptyDir volume:\n# emptyDir:\n#   sizeLimit: 2Gi',
    };
    prevent.push(prevention(null, 'no manifest check knows how much a pod writes: size ephemeral-storage limits and emptyDir sizeLimit from measurement'));
  } else {
    const over = users.map((c) => `container "${c.name}" was using ${c.using} against a request of ${c.request}`);
    cause = `the kubelet evicted the pod because node ${node ?? '(unknown)'} ran low on ${resource ?? 'a resource'}: it evicts the pods using the most ${resource ?? 'of it'} above their requests first${over.length ? `, and ${over.join('; ')}` : ''}`;
    // A request above the container's limit is rejected: raise the limit with it when it is lower.
    const res = storage ? 'ephemeral-storage' : (resource ?? 'memory');
    const limit = get(spec, ['resources', 'limits', res]);
    const raise = limit !== undefined && u && (parseQuantity(limit) ?? Infinity) < (parseQuantity(u.using) ?? 0);
    const change = u ? resourcesCommand(n, owner, u.name, { requests: { [res]: u.using }, ...(raise ? { limits: { [res]: u.using } } : {}) }) : undefined;
    const set = change?.command ?? undefined;
    fix = storage
      ? {
          text: `Give ${u ? `container "${u.name}"` : 'the containers'} an ephemeral-storage request of what ${u ? 'it' : 'they'} write${u ? ` (at least ${u.using}, what it used at eviction)` : ''} and a limit, and give its emptyDir volumes a sizeLimit, so the scheduler counts the disk and one pod cannot fill the node.`,
          commands: [...(set ? [set] : []), `kubectl ${n} delete pod ${pod.name}   # the evicted pod is only a record`],
          yaml: u ? containerYaml(u, `resources:\n  requests:\n    ephemeral-storage: ${u.using}   # was ${u.request}\n  limits:\n    ephemeral-storage: ${u.using}`) + '\nvolumes:\n  - name: scratch\n    emptyDir:\n      sizeLimit: 1Gi' : null,
        }
      : {
          text: `Set ${u ? `container "${u.name}"'s` : 'the containers\''} ${resource ?? 'memory'} request from measured usage${u ? ` (at least ${u.using}, what it used at eviction; it requests ${u.request})` : ''}, so the scheduler keeps room for it and the kubelet does not pick it first.`,
          commands: [...(set ? [set] : []), `kubectl ${n} top pod --containers`, `kubectl ${n} delete pod ${pod.name}   # the evicted pod is only a record`],
          yaml: u && resource ? containerYaml(u, `resources:\n  requests:\n    ${resource}: ${u.using}   # was ${u.request}${raise ? `\n  limits:\n    ${resource}: ${u.using}   # was ${String(limit)}` : ''}`) : null,
        };
    if (storage) prevent.push(prevention(null, 'no manifest check covers local disk: ephemeral-storage requests and limits and an emptyDir sizeLimit bound what each pod can write to the node'));
    else if (resource === 'memory' && u) {
      prevent.push(preventIf(x, owner.resource, 'memory-request-missing', 'a container without a memory request is among the first evicted when the node runs short', { container: u.name }) ?? prevention(null, 'a request below real usage is not visible in the manifest: size requests from measured usage (the working set), and alert when usage stays above the request'));
    }
    if (spec === undefined && u) x.notes.add(`container "${u.name}" named in the eviction message is not in the pod's spec`);
  }
  const replaced = owner.resource !== pod;
  return [
    {
      check: 'pod-evicted',
      // Its controller replaces it (the workload's availability says whether that worked); a bare pod is gone for good.
      severity: replaced ? 'warning' : 'error',
      symptom: `pod evicted: ${local && !low ? 'over its local-storage limit' : `node low on ${resource ?? 'resources'}`}${u ? ` (container "${u.name}" used ${u.using}, request ${u.request})` : ''}`,
      object: ref(pod, x.index),
      container: u?.name ?? null,
      pods: [pod.name],
      evidence,
      cause,
      fix,
      prevent,
      logs: null,
    },
  ];
}

/** Everything wrong with one pod, its claims and its node. */
export function podProblems(x: Ctx, pod: Resource): Problem[] {
  const out = [
    ...evictionProblems(x, pod),
    ...schedulingProblems(x, pod),
    ...creatingProblems(x, pod),
    ...pullProblems(x, pod),
    ...configProblems(x, pod),
    ...oomProblems(x, pod),
    ...crashProblems(x, pod),
    ...notReadyProblems(x, pod),
    ...restartProblems(x, pod),
  ];
  // A pod "stuck creating" because one of its containers fails is that container's problem.
  if (out.some((p) => p.container !== null)) {
    const i = out.findIndex((p) => p.check === 'pod-stuck-creating' && p.severity === 'warning');
    if (i >= 0) out.splice(i, 1);
  }
  // Probe failures not already explained by a crash loop or a not-ready container.
  const owner = ownerOf(x.index, pod);
  for (const f of probeFailures(x.index, pod)) {
    if (f.count < 3) continue;
    if (out.some((p) => p.container === f.container && (p.check === 'crashloop-backoff' || p.check === 'container-not-ready' || p.check === 'frequent-restarts'))) continue;
    const c = containerStatuses(pod).find((s) => s.name === f.container);
    const msg = f.last.message;
    const port = probePort(get(c?.spec, [`${f.probe}Probe`])) ?? /:(\d+)(?:\/|: |"|$)/.exec(msg)?.[1];
    const never = f.probe === 'readiness' && neverReady(pod);
    const n = nsFlag(x.index, pod);
    const evidence: Evidence[] = [ev(f.last, x.index)];
    const ready = conditionOf(pod, 'Ready');
    if (never && ready) evidence.unshift(st(pod, ready.path, `condition Ready=${ready.status} since ${formatTime(ready.since)}, when the pod started: it has never been ready`, x.index));
    const refused = /connection refused/i.test(msg);
    const prevent = compact([
      refused ? preventIf(x, owner.resource, 'probe-port-not-declared', 'a probe must target a port the container declares', { container: f.container }) : null,
      /timeout|deadline exceeded/i.test(msg) ? preventIf(x, owner.resource, 'probe-timeout-not-below-period', 'probe timing that can be met', { container: f.container }) : null,
      preventIf(x, owner.resource, 'liveness-equals-readiness', 'liveness must not check what readiness checks (dependencies)', { container: f.container }),
    ]);
    out.push({
      check: 'probe-failing',
      severity: 'warning',
      symptom: `${f.probe} probe of container "${f.container ?? '?'}" failed ${f.count} times${never ? ', never succeeded' : ''}`,
      object: ref(pod, x.index),
      container: f.container ?? null,
      pods: [pod.name],
      evidence,
      cause: never
        ? `the readiness probe has never succeeded since the pod started: ${probeFailureWhy(msg, port)}; the pod has never received traffic`
        : `the ${f.probe} probe fails intermittently: ${probeFailureWhy(msg, port)}${f.probe === 'liveness' ? '; each failure streak restarts the container' : f.probe === 'readiness' ? '; the pod drops out of endpoints while it fails' : ''}`,
      fix: refused
        ? {
            text: `Find the port and address the application listens on (its log; the listening sockets in the pod) and make the probe${port ? ` (port ${port})` : ''}, the containerPort and the application agree${never ? '; if a new version brought it, roll back' : ''}.`,
            commands: [`kubectl ${n} logs ${pod.name}${f.container ? ` -c ${f.container}` : ''} --tail=50`, `kubectl ${n} debug -it pod/${pod.name} --image=busybox${f.container ? ` --target=${f.container}` : ''} -- netstat -tln`],
            yaml: null,
          }
        : { text: 'Give the probe a realistic timeout and threshold, and make it check only this pod.', commands: [`kubectl ${n} describe pod ${pod.name}`], yaml: null },
      prevent,
      logs: null,
    });
  }
  // The claims it waits for, and the node it runs on.
  for (const v of getArray(pod.object, ['spec', 'volumes'])) {
    const claim = getString(v, ['persistentVolumeClaim', 'claimName']);
    if (!claim) continue;
    const pvc = x.index.inNamespace('PersistentVolumeClaim', x.index.namespaceOf(pod)).find((c) => c.name === claim);
    const p = pvc ? pvcPending(x.index, pvc) : undefined;
    const prob = p ? pvcProblem(x, p) : null;
    if (prob) out.push(prob);
  }
  const nodeName = getString(pod.object, ['spec', 'nodeName']);
  if (nodeName) {
    const node = x.index.ofKind('Node').find((n) => n.name === nodeName);
    if (node) out.push(...nodeProblems(x, node).filter((p) => p.check === 'node-not-ready'));
  }
  return out;
}

export function podDiagnosis(x: Ctx, pod: Resource): Diagnosis {
  const index = x.index;
  const owner = topOwner(index, pod);
  const walked = [show(ref(pod, index)) + ` (${podState(pod)})`];
  if (owner !== pod) walked.push(`owned by ${owner.kind} ${owner.name}`);
  const node = getString(pod.object, ['spec', 'nodeName']);
  if (node) walked.push(`on node ${node}`);
  walked.push(`Events: ${eventsFor(index, pod).length}`);
  if (index.ofKind('Event').length === 0) x.notes.add('the input holds no Events: causes are read from status only');
  const problems = sortProblems(podProblems(x, pod));
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(pod, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? `pod ${podPhase(pod) ?? 'in unknown phase'}${isPodReady(pod) ? ', Ready' : ''}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}
