// Container problems: OOM kills, crash loops (and liveness probes), not-ready containers, frequent restarts, probe details.
import type { Json, JsonObject, Resource } from '../../model/types.js';
import { eventContainer, eventsFor, formatDuration, formatTime, latestEvent, parseTime } from '../../model/events.js';
import {
  conditionOf,
  containerStatuses,
  crashLoops,
  exitCodeMeaning,
  formatBytes,
  lastTermination,
  memoryLimitOf,
  memoryRequestOf,
  notReadyContainers,
  oomKills,
  probeFailures,
  type ContainerStatus,
} from '../../model/runtime.js';
import { get, getArray, getNumber, getString, isObject } from '../../model/util.js';
import { lastRunText } from '../../checks/runtime/crashloop-backoff.js';
import type { Evidence, LogAttachment, Prevention, Problem } from './types.js';
import { compact, confirmed, containerYaml, type Ctx, ev, flow, nsFlag, ownerOf, preventIf, prevention, quote, ref, resourcesCommand, st, unreadOf, unreadText, withNote } from './common.js';

/** The container's limits and requests, for evidence. */
function resourcesText(c: ContainerStatus): string {
  const lim = memoryLimitOf(c);
  const req = memoryRequestOf(c);
  return `memory limit ${lim ? `${lim.text}${lim.level === 'pod' ? ' (pod-level)' : ''}` : 'none'}, request ${req ?? 'none'}`;
}

function backoffEvidence(x: Ctx, pod: Resource, c: ContainerStatus): Evidence[] {
  const e = latestEvent(eventsFor(x.index, pod), (v) => v.reason === 'BackOff' && eventContainer(v) === c.name);
  return e ? [ev(e, x.index)] : [];
}

/**
 * The log to read: the previous container's for one that was restarted (its current one is new), the
 * current one for a container that ended and was not restarted (restartPolicy Never, a Job's pod):
 * there is no previous container then, and asking for it always fails.
 */
function logsFor(x: Ctx, pod: Resource, c: ContainerStatus): LogAttachment {
  const ended = c.state?.phase === 'terminated';
  return { namespace: x.index.namespaceOf(pod), pod: pod.name, container: c.name, previous: !ended, lines: null, unavailable: x.opts.logsUnavailable ?? null };
}

export function oomProblems(x: Ctx, pod: Resource): Problem[] {
  const out: Problem[] = [];
  for (const k of oomKills(pod)) {
    const c = k.c;
    const owner = ownerOf(x.index, pod);
    const evidence: Evidence[] = [
      st(pod, k.term.path, `reason OOMKilled, exit code ${k.term.exitCode ?? '?'}${k.term.finishedAt !== undefined ? `, finished ${formatTime(k.term.finishedAt)}` : ''}`, x.index),
      st(pod, [...c.statusPath, 'restartCount'], `restartCount ${c.restartCount}${c.state?.phase === 'waiting' && c.state.reason ? `; now ${c.state.reason}${c.state.message ? ` ("${c.state.message}")` : ''}` : ''}`, x.index),
      st(pod, c.specPath ? [...c.specPath, 'resources'] : ['spec'], resourcesText(c), x.index, 'spec'),
      ...backoffEvidence(x, pod, c),
    ];
    let cause: string;
    let fix: Problem['fix'];
    const prevent: Prevention[] = [];
    // restartPolicy Never (a Job's pods, usually): the container is not restarted, the pod fails.
    const policy = getString(pod.object, ['spec', 'restartPolicy']) ?? 'Always';
    const restarted = c.type === 'init' || policy !== 'Never' ? 'and the kubelet restarts it' : `and, with restartPolicy Never, it is not restarted: the pod fails${owner.resource.kind === 'Job' || owner.resource.kind === 'CronJob' ? ' (the Job may retry with a new pod, up to its backoffLimit)' : ''}`;
    if (k.limit) {
      const next = formatBytes(k.limit.bytes * 2);
      cause = `the container needs more memory than its ${k.limit.text} limit: when it reaches it, the kernel kills it (exit 137, reason OOMKilled) ${restarted}. Either the limit is below its real working set, or it leaks (usage climbing steadily until each kill); a runtime heap (JVM -Xmx, Node --max-old-space-size) larger than the limit does the same`;
      const set = resourcesCommand(nsFlag(x.index, pod), owner, c.name, { requests: { memory: next }, limits: { memory: next } });
      fix = {
        ...withNote(
          `Measure the peak working set and set the limit above it (twice the current limit, ${next}, is a starting point, not a measurement); if usage grows without bound, fix the leak or cap the heap below the limit.`,
          [`kubectl ${nsFlag(x.index, pod)} top pod ${pod.name} --containers`, set.command],
          set.note,
        ),
        yaml: containerYaml(c, `resources:\n  requests:\n    memory: ${next}   # was ${memoryRequestOf(c) ?? 'not set'}\n  limits:\n    memory: ${next}   # was ${k.limit.text}`),
      };
      // The container has a limit, so memory-limit-missing would not fire: no manifest check can
      // say a limit is too small for what the program does; measurement and an alert can.
      prevent.push(prevention(null, 'a limit too small for what the program does shows only in measurement: size it from the peak working set (container_memory_working_set_bytes), and alert when the working set stays above 90% of the limit, so a leak pages before it kills'));
      // The heap check names a setting only when the manifest has one that does not fit.
      const heap = preventIf(x, owner.resource, 'runtime-heap-exceeds-memory-limit', 'the runtime heap setting does not fit the memory limit: the runtime grows into it', {
        container: c.name,
        general: 'a runtime that sizes its heap itself (JVM, Node.js, Go) stays under the limit only when told: -XX:MaxRAMPercentage, --max-old-space-size or GOMEMLIMIT below the limit',
      });
      if (heap) prevent.push(heap);
    } else {
      cause = `the container has no memory limit, so it was not its own limit: the node ran out of memory and the kernel OOM killer picked it (${restarted.replace(/^and /, '')}). Some pod on that node (maybe this one) uses more memory than it requests`;
      fix = {
        text: 'Give every container on the node a memory request and limit from measured usage, so the scheduler stops overpacking the node.',
        commands: [`kubectl describe node ${getString(pod.object, ['spec', 'nodeName']) ?? 'NODE'}`, `kubectl ${nsFlag(x.index, pod)} top pod ${pod.name} --containers`],
        yaml: containerYaml(c, 'resources:\n  requests:\n    memory: 512Mi\n  limits:\n    memory: 512Mi'),
      };
      prevent.push(
        ...compact([
          preventIf(x, owner.resource, 'memory-limit-missing', 'a memory limit confines an OOM kill to the container that leaks', { container: c.name }),
          preventIf(x, owner.resource, 'memory-request-missing', 'requests are what keep the scheduler from putting more on a node than it holds', { container: c.name }),
        ]),
      );
    }
    const old = !k.current && c.state?.phase === 'running' && k.term.finishedAt !== undefined && x.now !== undefined && x.now - k.term.finishedAt > 24 * 3_600_000;
    out.push({
      check: 'container-oomkilled',
      severity: old ? 'warning' : 'error',
      symptom: `container "${c.name}" was OOMKilled (${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}${k.limit ? `, memory limit ${k.limit.text}` : ', no memory limit'})`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause,
      fix,
      prevent,
      logs: logsFor(x, pod, c),
    });
  }
  return out;
}

function crashCause(x: Ctx, pod: Resource, c: ContainerStatus, liveness: { count: number; message: string } | undefined): { cause: string; fix: Problem['fix']; prevent: Prevention[] } {
  const t = lastTermination(c);
  const owner = ownerOf(x.index, pod);
  const n = nsFlag(x.index, pod);
  const logs = `kubectl ${n} logs ${pod.name} -c ${c.name} --previous`;
  const undo = owner.resource.kind === 'Deployment' || owner.resource.kind === 'StatefulSet' || owner.resource.kind === 'DaemonSet' ? [`kubectl ${n} rollout undo ${owner.kubectl}   # if a new release brought it`] : [];
  const rollout: Prevention[] = compact([
    preventIf(x, owner.resource, 'readiness-probe-missing', 'with a readiness probe, a rollout of a crashing version stops at the first new pod while the old ones keep serving', { container: c.name }),
    preventIf(x, owner.resource, 'rolling-update-unavailable', 'maxUnavailable 0 keeps every old pod until a new one is Ready'),
  ]);
  if (liveness) {
    const probe = get(c.spec, ['livenessProbe']);
    const port = probePort(probe);
    const refused = /connection refused/i.test(liveness.message);
    const timedOut = /timeout|deadline exceeded/i.test(liveness.message);
    const killed = `the kubelet kills the container${t?.exitCode !== undefined ? ` (${exitCodeMeaning(t.exitCode, t.signal)})` : ''}`;
    const head = `the liveness probe fails (${liveness.count} failure${liveness.count === 1 ? '' : 's'}; last: "${quote(liveness.message, 200)}") and ${killed}`;
    const cause = refused
      ? `${head}: nothing answers on ${port ? `port ${port}` : 'the probed port'} when the probe runs (connection refused): the application has not opened it yet (a slow start that the probe does not wait for), listens on another port or address (127.0.0.1 instead of 0.0.0.0), or has stopped serving`
      : timedOut
        ? `${head}: the probe, not necessarily the application, is what fails. A probe with a short timeout${isObject(probe) ? ` (timeoutSeconds ${getNumber(probe, ['timeoutSeconds']) ?? 1})` : ''} on a busy or slow-starting process, or one that checks a dependency, restarts a healthy container`
        : `${head}: the probe, not necessarily the application, is what fails: a probe that checks a dependency, or one that does not fit a slow start, restarts a healthy container`;
    return {
      cause,
      fix: {
        text: refused
          ? `Check which port and address the application listens on and that the probe${port ? ` (port ${port})` : ''} targets it; if it only starts slowly, a startup probe with the same check holds the liveness probe off until it answers.`
          : 'Check what the probe calls and how long it takes; a startup probe with the same check covers a slow start, a longer timeout and a higher failureThreshold ride out a busy moment, and liveness should check only that the process is alive.',
        commands: [`kubectl ${n} describe pod ${pod.name}`, logs],
        yaml: isObject(probe) ? livenessFixYaml(c, probe, { timedOut, startup: isObject(get(c.spec, ['startupProbe'])) ? (get(c.spec, ['startupProbe']) as JsonObject) : undefined }) : null,
      },
      prevent: compact([
        preventIf(x, owner.resource, 'liveness-without-startup-probe', 'a startup probe protects a slow start from the liveness probe', { container: c.name }),
        preventIf(x, owner.resource, 'liveness-failure-threshold-one', 'one failed check must not restart the container', { container: c.name }),
        preventIf(x, owner.resource, 'liveness-equals-readiness', 'liveness must not check what readiness checks (dependencies)', { container: c.name }),
        preventIf(x, owner.resource, 'probe-timeout-not-below-period', 'probe timing that can be met', { container: c.name }),
        refused ? preventIf(x, owner.resource, 'probe-port-not-declared', 'a probe must target a port the container declares', { container: c.name }) : null,
      ]),
    };
  }
  const code = t?.exitCode;
  const msg = t?.message ? ` The termination message says: "${quote(t.message)}".` : '';
  let cause: string;
  if (t?.reason === 'StartError' || t?.reason === 'ContainerCannotRun' || code === 126 || code === 127 || code === 128) {
    cause = `the container cannot be started: ${exitCodeMeaning(code, t?.signal)}${t?.reason ? `, reason ${t.reason}` : ''}. The command or entrypoint does not exist in the image or is not executable (a wrong command/args, a missing shell, the wrong image or architecture).${msg}`;
  } else if (code === 0) {
    cause = `the main process exits cleanly (exit code 0) and the kubelet restarts it: a long-running container must keep its process in the foreground (a daemonizing server, a script that ends, or work that belongs in a Job).${msg}`;
  } else if (code === 137) {
    cause = `the container was killed with SIGKILL (exit code 137) without an OOMKilled reason and without liveness failures in the events: an external kill (an eviction, a preStop or node shutdown), or an OOM kill the runtime did not label.${msg}`;
  } else if (code === 139) {
    cause = `the process crashes with a segmentation fault (exit code 139): a native crash, often a library or architecture mismatch in the image.${msg}`;
  } else if (code !== undefined) {
    // How long the last run lasted, when the status says: "right after starting" only when it was short.
    const ran = t?.startedAt !== undefined && t.finishedAt !== undefined ? t.finishedAt - t.startedAt : undefined;
    cause =
      ran !== undefined && ran >= 60_000
        ? `the application exits with an error after running for ${formatDuration(ran)} (${exitCodeMeaning(code, t?.signal)}). The previous container's log says why; after a while up, the usual causes are a dependency that fails or goes away, a resource it runs out of (files, disk, connections), or a fatal error on some request.${msg}`
        : `the application exits with an error right after starting (${exitCodeMeaning(code, t?.signal)}). The previous container's log says why; the usual causes are missing or wrong configuration (environment, files, secrets), a dependency it cannot reach at start-up, or a bad release.${msg}`;
  } else {
    cause = 'the container keeps exiting; no termination was recorded: the previous container\'s log says why.';
  }
  return {
    cause,
    fix: { text: 'Read the previous container\'s log and fix the cause in the configuration or the image; roll back if a new release brought it.', commands: [logs, ...undo], yaml: null },
    prevent: rollout,
  };
}

const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'];

/**
 * The liveness fix as YAML, built from the container's own probe: the same handler (a tcpSocket
 * probe stays tcpSocket, same port and path), only its timing changed (a longer timeout after
 * timeouts, a failureThreshold of at least 3), plus a startup probe with the same handler (or the
 * existing one given more time) so that a slow start is not killed.
 */
function livenessFixYaml(c: ContainerStatus, probe: JsonObject, o: { timedOut: boolean; startup: JsonObject | undefined }): string {
  const handler = PROBE_HANDLERS.filter((h) => isObject(probe[h])).map((h) => `  ${h}: ${flow(probe[h] as Json)}`);
  const num = (p: JsonObject, k: string, d: number) => getNumber(p, [k]) ?? d;
  const timeout = num(probe, 'timeoutSeconds', 1);
  const threshold = num(probe, 'failureThreshold', 3);
  const period = num(probe, 'periodSeconds', 10);
  const live: string[] = ['livenessProbe:', ...handler];
  for (const k of ['initialDelaySeconds', 'periodSeconds']) if (getNumber(probe, [k]) !== undefined) live.push(`  ${k}: ${getNumber(probe, [k])}`);
  if (o.timedOut && timeout < 5) live.push(`  timeoutSeconds: 5   # was ${timeout}${probe.timeoutSeconds === undefined ? ' (default)' : ''}`);
  else if (probe.timeoutSeconds !== undefined) live.push(`  timeoutSeconds: ${timeout}`);
  live.push(threshold < 3 ? `  failureThreshold: 3   # was ${threshold}` : `  failureThreshold: ${threshold}`);
  const startup: string[] = [];
  if (o.startup) {
    const st = num(o.startup, 'failureThreshold', 3);
    const sp = num(o.startup, 'periodSeconds', 10);
    const wanted = Math.max(st, Math.ceil(300 / sp));
    startup.push('startupProbe:', ...PROBE_HANDLERS.filter((h) => isObject(o.startup![h])).map((h) => `  ${h}: ${flow(o.startup![h] as Json)}`), `  periodSeconds: ${sp}`, `  failureThreshold: ${wanted}${wanted !== st ? `   # was ${st}: ${Math.round((wanted * sp) / 60)} minutes to start` : ''}`);
  } else {
    startup.push('startupProbe:   # same check: liveness waits until it first succeeds', ...handler, `  periodSeconds: ${Math.min(period, 5)}`, `  failureThreshold: ${Math.ceil(300 / Math.min(period, 5))}   # up to 5 minutes to start`);
  }
  return containerYaml(c, [...startup, ...live].join('\n'));
}

export function crashProblems(x: Ctx, pod: Resource): Problem[] {
  const out: Problem[] = [];
  for (const l of crashLoops(x.index, pod)) {
    if (l.last?.reason === 'OOMKilled') continue;
    const c = l.c;
    const lv = l.liveness ? { count: l.liveness.count, message: l.liveness.last.message } : l.probeKills.length ? { count: l.probeKills.length, message: l.probeKills[l.probeKills.length - 1].message } : undefined;
    const evidence: Evidence[] = [
      st(pod, [...l.waiting.path, 'reason'], `state.waiting: CrashLoopBackOff${l.waiting.message ? ` ("${l.waiting.message}")` : ''}, restartCount ${c.restartCount}`, x.index),
    ];
    if (l.last) evidence.push(st(pod, l.last.path, lastRunText(l), x.index));
    if (l.liveness) evidence.push(ev(l.liveness.last, x.index));
    for (const k of l.probeKills.slice(-1)) evidence.push(ev(k, x.index));
    if (lv) evidence.push(...probeEvidence(x, pod, c, l.liveness?.probe === 'startup' ? 'startup' : 'liveness'));
    evidence.push(...backoffEvidence(x, pod, c));
    const why = crashCause(x, pod, c, lv);
    out.push({
      check: 'crashloop-backoff',
      severity: 'error',
      symptom: `${c.type === 'init' ? 'init container' : 'container'} "${c.name}" is in CrashLoopBackOff (${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}${l.last?.exitCode !== undefined ? `, last exit code ${l.last.exitCode}` : ''})`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause: why.cause,
      fix: why.fix,
      prevent: why.prevent,
      logs: logsFor(x, pod, c),
    });
  }
  return out;
}

export function notReadyProblems(x: Ctx, pod: Resource): Problem[] {
  const minMs = (x.opts.notReadyMinutes ?? 5) * 60_000;
  return notReadyContainers(x.index, pod, x.now, minMs).map((n) => {
    const c = n.c;
    const evidence: Evidence[] = [];
    const cond = conditionOf(pod, 'Ready');
    if (cond) evidence.push(st(pod, cond.path, `condition Ready=${cond.status}${cond.reason ? ` (${cond.reason})` : ''} since ${formatTime(cond.since)}`, x.index));
    if (n.readiness) evidence.push(ev(n.readiness.last, x.index));
    const msg = n.readiness?.last.message ?? '';
    let cause: string;
    const prevent: Prevention[] = [];
    if (!n.hasReadinessProbe && c.started === false) cause = 'its startup probe has not succeeded yet: the container is still starting, or never gets there';
    else if (/connection refused/i.test(msg)) {
      cause = `the readiness probe cannot connect ("${msg}"): nothing listens on the probed port: the application listens on another port or address (127.0.0.1 instead of 0.0.0.0), or has not opened it`;
      prevent.push(prevention('probe-port-not-declared', 'a probe must target a port the container declares'));
    } else if (/statuscode: 5\d\d/i.test(msg)) {
      cause = `the readiness endpoint answers with an error ("${msg}"): the application reports itself not ready, most often because a dependency it checks (a database, another service) is unreachable`;
      prevent.push(prevention('liveness-equals-readiness', 'readiness may check dependencies, liveness must not: otherwise a dependency outage restarts every pod'));
    } else if (/timeout|deadline exceeded/i.test(msg)) {
      cause = `the readiness probe times out ("${msg}"): the endpoint is slower than timeoutSeconds, or the process is saturated`;
      prevent.push(prevention('probe-timeout-not-below-period', 'a probe timeout shorter than its period'));
    } else if (msg) cause = `the readiness probe fails: "${msg}"`;
    else if (!n.hasReadinessProbe) {
      // Without a readiness probe a running container is ready as soon as it starts: not ready means
      // the kubelet's view is stale (its node is NotReady or not reporting).
      const node = getString(pod.object, ['spec', 'nodeName']);
      const nodesUnread = unreadOf(x.opts, ['Node'], null);
      cause = `the container has no readiness probe, so it is not ready only when its kubelet says so or stops reporting: the node${node ? ` ${node}` : ''} is probably NotReady or unreachable${nodesUnread.length ? `; this cannot be confirmed: ${unreadText(nodesUnread)}` : ''}`;
    } else cause = 'the container is not ready and the input has no probe failure events for it (events expire after an hour): check the readiness endpoint directly';
    prevent.push(prevention('rolling-update-unavailable', 'a rolling update keeps old pods serving while new ones are not ready'));
    const kept = confirmed(x, ownerOf(x.index, pod).resource, prevent, c.name);
    const probePort = get(c.spec, ['readinessProbe', 'httpGet', 'port']) ?? get(c.spec, ['readinessProbe', 'tcpSocket', 'port']);
    const probePath = getString(c.spec, ['readinessProbe', 'httpGet', 'path']) ?? '/';
    return {
      check: 'container-not-ready',
      severity: 'warning' as const,
      symptom: `container "${c.name}" Running but not Ready for ${x.now !== undefined ? formatDuration(x.now - n.since) : 'a while'}${n.readiness ? ` (readiness probe failed ${n.readiness.count} times)` : ''}`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause,
      fix: {
        text: 'Call the readiness endpoint from inside the pod and read the application log; fix what it reports, or the probe if it checks the wrong thing.',
        commands: [
          `kubectl ${nsFlag(x.index, pod)} port-forward pod/${pod.name} ${typeof probePort === 'number' ? `${probePort}:${probePort}` : '8080:8080'}   # then: curl -i localhost:${typeof probePort === 'number' ? probePort : 8080}${probePath}`,
          `kubectl ${nsFlag(x.index, pod)} logs ${pod.name} -c ${c.name} --tail=50`,
        ],
        yaml: null,
      },
      prevent: kept,
      logs: null,
    };
  });
}

export function restartProblems(x: Ctx, pod: Resource): Problem[] {
  const threshold = x.opts.restarts ?? 5;
  const out: Problem[] = [];
  for (const c of containerStatuses(pod)) {
    if (c.restartCount <= threshold) continue;
    if (c.state?.phase === 'waiting' && c.state.reason === 'CrashLoopBackOff') continue;
    const t = lastTermination(c);
    if (t?.reason === 'OOMKilled') continue;
    // As frequent-restarts: only when the last restart is recent (not node reboots months ago).
    if (t?.finishedAt === undefined || x.now === undefined || x.now - t.finishedAt > 24 * 3_600_000) continue;
    const lv = probeFailures(x.index, pod).find((p) => p.container === c.name && (p.probe === 'liveness' || p.probe === 'startup'));
    const why = crashCause(x, pod, c, lv ? { count: lv.count, message: lv.last.message } : undefined);
    const evidence: Evidence[] = [st(pod, [...c.statusPath, 'restartCount'], `restartCount ${c.restartCount}`, x.index)];
    if (t) evidence.push(st(pod, t.path, `last termination: ${exitCodeMeaning(t.exitCode, t.signal)}${t.reason ? `, reason ${t.reason}` : ''}${t.finishedAt !== undefined ? `, at ${formatTime(t.finishedAt)}` : ''}`, x.index));
    if (lv) evidence.push(ev(lv.last, x.index), ...probeEvidence(x, pod, c, lv.probe === 'startup' ? 'startup' : 'liveness'));
    out.push({
      check: 'frequent-restarts',
      severity: 'warning',
      symptom: `container "${c.name}" restarted ${c.restartCount} times`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause: why.cause,
      fix: why.fix,
      // The threshold advice only for a container that has a liveness probe.
      prevent: lv ? why.prevent : compact([preventIf(x, ownerOf(x.index, pod).resource, 'liveness-failure-threshold-one', 'a liveness probe that restarts on one failure causes restarts of healthy containers', { container: c.name })]),
      logs: logsFor(x, pod, c),
    });
  }
  return out;
}

/** How a probe checks, for evidence: `httpGet /healthz on port 8080`, `tcpSocket on port 6379`, `exec cat /tmp/ok`. */
function probeHandler(probe: Json | undefined): string {
  if (isObject(get(probe, ['httpGet']))) return `httpGet ${getString(probe, ['httpGet', 'path']) ?? '/'} on port ${String(get(probe, ['httpGet', 'port']) ?? '?')}`;
  if (isObject(get(probe, ['tcpSocket']))) return `tcpSocket on port ${String(get(probe, ['tcpSocket', 'port']) ?? '?')}`;
  if (isObject(get(probe, ['grpc']))) return `grpc on port ${String(get(probe, ['grpc', 'port']) ?? '?')}`;
  if (isObject(get(probe, ['exec']))) return `exec ${quote(getArray(probe, ['exec', 'command']).map(String).join(' '), 80)}`;
  return 'no handler';
}

/** The probe's own settings (defaults named), so its timing can be judged against the failures. */
function probeEvidence(x: Ctx, pod: Resource, c: ContainerStatus, kind: 'liveness' | 'startup' | 'readiness'): Evidence[] {
  const probe = get(c.spec, [`${kind}Probe`]);
  if (!isObject(probe) || !c.specPath) return [];
  const setting = (k: string, d: number) => `${k} ${getNumber(probe, [k]) ?? `${d} (default)`}`;
  const text = `${kind}Probe: ${probeHandler(probe)}; ${[setting('timeoutSeconds', 1), setting('periodSeconds', 10), setting('failureThreshold', 3), setting('initialDelaySeconds', 0)].join(', ')}${isObject(get(c.spec, ['startupProbe'])) || kind === 'startup' ? '' : '; no startupProbe'}`;
  return [st(pod, [...c.specPath, `${kind}Probe`], text, x.index, 'spec')];
}

/** The port a probe targets (httpGet, tcpSocket, grpc), as written (a number or a port name). */
export function probePort(probe: Json | undefined): string | undefined {
  for (const h of ['httpGet', 'tcpSocket', 'grpc']) {
    const v = get(probe, [h, 'port']);
    if (typeof v === 'number' || (typeof v === 'string' && v !== '')) return String(v);
  }
  return undefined;
}

/**
 * Ready has been False since the pod started (its last transition at the start): the containers have
 * never been ready, as opposed to dropping out now and then.
 */
export function neverReady(pod: Resource): boolean {
  const c = conditionOf(pod, 'Ready');
  if (!c || c.status === 'True' || c.since === undefined) return false;
  const start = parseTime(getString(pod.object, ['status', 'startTime'])) ?? parseTime(getString(pod.object, ['metadata', 'creationTimestamp']));
  return start !== undefined && c.since - start <= 60_000;
}

/** Why a probe fails, from the kubelet's message: refused is not a timeout, nor an HTTP error. */
export function probeFailureWhy(msg: string, port: string | undefined): string {
  const q = `"${quote(msg, 200)}"`;
  if (/connection refused/i.test(msg)) return `nothing answers on ${port ? `port ${port}` : 'the probed port'} (${q}): the application has not started listening, or listens on another port or address (127.0.0.1 instead of 0.0.0.0)`;
  if (/timeout|deadline exceeded/i.test(msg)) return `the probe times out (${q}): the endpoint answers slower than timeoutSeconds, or the process is saturated`;
  const code = /statuscode: (\d{3})/i.exec(msg)?.[1];
  if (code) return `the endpoint answers HTTP ${code} (${q}): the application reports itself unhealthy${code.startsWith('5') ? ', often because a dependency it checks is unreachable' : ''}`;
  if (/no such file|executable file not found|exit code|command/i.test(msg)) return `the probe's command fails (${q})`;
  return q;
}
