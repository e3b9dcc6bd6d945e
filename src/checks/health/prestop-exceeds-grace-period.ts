import { defineCheck, type FieldPath, type FindingInput } from '../types.js';
import { containerLabel as who } from '../../model/workload.js';
import type { ContainerRef, Json, JsonObject } from '../../model/types.js';
import { formatPath, get, isObject } from '../../model/util.js';
import { numberParam } from '../availability/util.js';

/** What the kubelet always leaves a container between SIGTERM and SIGKILL (pkg/kubelet/kuberuntime/kuberuntime_manager.go minimumGracePeriodInSeconds). */
const MIN_KILL_SECONDS = 2;
/** v1.DefaultTerminationGracePeriodSeconds, set by SetDefaults_PodSpec. */
const DEFAULT_GRACE = 30;

const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

/** Kinds whose pod template the API server validates when the object itself is created. */
const BUILTIN_TEMPLATE_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate']);

interface Sleep {
  seconds: number;
  /** Field the finding points at. */
  path: FieldPath;
  /** How it is written, for messages. */
  what: string;
  /** The hook may run other commands after the sleep: its duration is at least `seconds`. */
  atLeast: boolean;
  /** The `sleep` action (validated by the API server against the grace period). */
  action: boolean;
}

/** A plain decimal integer: the only duration every sleep (GNU, busybox in every build, toybox) reads the same way. */
function seconds(word: unknown): number | undefined {
  if (typeof word !== 'string' || !/^[0-9]{1,9}$/.test(word)) return undefined;
  return parseInt(word, 10);
}

const SLEEP_BIN = /^(?:(?:\/usr)?\/bin\/)?sleep$/;
const SHELL = /^(?:(?:\/usr)?\/bin\/)?(?:sh|bash|ash|dash|ksh|zsh)$/;
/**
 * A script whose first command is `sleep N` (optionally `exec sleep N`), alone or followed by `;`,
 * `&&`, `||` or a newline: the hook lasts at least N seconds. Anything else before the sleep, a
 * background `&`, a pipe, a suffix (`30s`) or several operands is not timed.
 */
const SCRIPT_SLEEP = /^\s*(?:exec\s+)?(?:(?:\/usr)?\/bin\/)?sleep[ \t]+([0-9]{1,9})[ \t]*(?:;|&&|\|\||\n|$)/;

/** The literal sleep of a preStop handler, when it has one this check can time. */
function preStopSleep(c: ContainerRef, handler: string, spec: JsonObject): Sleep | undefined {
  const base: FieldPath = [...c.path, 'lifecycle', 'preStop', handler];
  if (handler === 'sleep') {
    const s = spec.seconds;
    if (typeof s !== 'number' || !Number.isInteger(s) || s <= 0) return undefined;
    return { seconds: s, path: [...base, 'seconds'], what: `sleep.seconds ${s}`, atLeast: false, action: true };
  }
  if (handler !== 'exec') return undefined;
  const cmd = spec.command;
  if (!Array.isArray(cmd) || cmd.length < 2 || !cmd.every((w) => typeof w === 'string')) return undefined;
  const words = cmd as string[];
  const path: FieldPath = [...base, 'command'];
  if (SLEEP_BIN.test(words[0])) {
    const n = words.length === 2 ? seconds(words[1]) : undefined;
    return n !== undefined && n > 0 ? { seconds: n, path, what: `exec ${JSON.stringify(words)}`, atLeast: false, action: false } : undefined;
  }
  if (SHELL.test(words[0]) && words.length >= 3 && /^-[a-z]*c$/.test(words[1])) {
    const script = words[2];
    const m = SCRIPT_SLEEP.exec(script);
    if (!m) return undefined;
    const n = parseInt(m[1], 10);
    if (n <= 0) return undefined;
    const alone = script.slice(m[0].length).trim() === '';
    const trimmed = script.trim();
    return {
      seconds: n,
      path,
      what: alone ? `exec "${trimmed}"` : `exec "${trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed}" (which starts with sleep ${n})`,
      atLeast: !alone,
      action: false,
    };
  }
  return undefined;
}

/** The one handler of a preStop hook (several are rejected by the API server: not judged here). */
function handlerOf(preStop: Json | undefined): { type: string; spec: JsonObject } | undefined {
  if (!isObject(preStop)) return undefined;
  const types = LIFECYCLE_HANDLERS.filter((t) => preStop[t] !== undefined && preStop[t] !== null);
  if (types.length !== 1) return undefined;
  const spec = preStop[types[0]];
  return isObject(spec) ? { type: types[0], spec } : undefined;
}


/** Time the fix leaves the app after the sleep: the default grace period. */
const SHUTDOWN_SECONDS = DEFAULT_GRACE;

/** This finding's fix: the grace period the sleep needs, at the workload's own field. */
function graceFix(field: string, c: ContainerRef, sleep: Sleep): string {
  const rest = sleep.atLeast ? ', plus what the rest of its script takes' : '';
  return `Set ${field} to at least ${sleep.seconds + SHUTDOWN_SECONDS} (the ${sleep.seconds} s preStop sleep of ${who(c)} + ${SHUTDOWN_SECONDS} s for the app to shut down after SIGTERM${rest}), or shorten the sleep.`;
}

export default defineCheck<{ minShutdownSeconds: number }>({
  id: 'prestop-exceeds-grace-period',
  pillar: 'health',
  severity: 'warning',
  title: 'preStop hook uses up the termination grace period',
  whatBreaks:
    "The app never gets time to finish in-flight requests or shut down cleanly: the preStop hook runs inside the pod's termination grace period, so a hook that sleeps as long as the grace period (or longer) uses all of it, and the kubelet stops waiting, sends SIGTERM and kills the container with SIGKILL 2 seconds later.",
  details: `When a pod is deleted (rollout, scale-down, drain, \`kubectl delete\`), the kubelet runs each container's
\`lifecycle.preStop\` hook first and waits for it **at most the grace period**; what the hook used is then
taken off the grace period, and the container gets the rest, but never less than 2 seconds, between the
stop signal (SIGTERM) and SIGKILL (\`killContainer\` / \`executePreStopHook\` in
pkg/kubelet/kuberuntime/kuberuntime_container.go, \`minimumGracePeriodInSeconds = 2\` in
kuberuntime_manager.go). The grace period is \`spec.terminationGracePeriodSeconds\`, **30** when unset.

Reported, per container (regular containers and native sidecars; other init containers cannot have hooks):

- **warning**: a preStop that sleeps a literal duration **at or above** the grace period: the \`sleep\`
  action (\`sleep: {seconds: N}\`, N equal to the grace period: a larger one is rejected, see below), or
  an \`exec\` hook that is \`["sleep", "N"]\` (also \`/bin/sleep\`) or a shell (\`sh\`, \`bash\`, ... \`-c\`)
  whose script starts with \`sleep N\` (alone, or followed by \`;\`, \`&&\`, \`||\` or a new line: the
  hook then lasts at least N seconds). The app gets SIGTERM only when the grace period has run out and
  SIGKILL 2 seconds later.
- **warning**: \`terminationGracePeriodSeconds: 0\` with any preStop hook. The API server removes such a
  pod at once on deletion; the kubelet still runs the hook, but with a budget of 1 second (it never
  uses less than 1: \`calculateEffectiveGracePeriod\` in pkg/kubelet/pod_workers.go), then SIGTERM and
  SIGKILL 2 seconds later.
- **error**: \`sleep.seconds\` above the grace period: the API server rejects the pod template
  ("must be non-negative and less than terminationGracePeriodSeconds", \`validateSleepAction\` in
  pkg/apis/core/validation/validation.go).
- **info**: a literal sleep shorter than the grace period that leaves the app fewer than
  \`minShutdownSeconds\` (default 5) between SIGTERM and SIGKILL: enough only for an app that stops
  almost at once.

Only plain integer durations are read: \`sleep 30s\`, \`sleep 0.5\` and \`sleep 10 20\` are understood
by GNU sleep and by busybox's default build, but busybox's minimal build rejects them (and then the
hook ends at once). Scripts that do not start with the sleep (\`/wait-shutdown\`, loops, \`nginx -s quit;
sleep 5\`), templated values and non-numeric grace periods are skipped. The image is assumed to have a
\`sleep\` binary (the \`sleep\` action needs none). Other terminations use other grace periods: a
liveness or startup probe failure uses the probe's \`terminationGracePeriodSeconds\` when set, and
\`kubectl delete --grace-period\` or node-pressure eviction override the pod's value.`,
  fix: {
    text: "Set terminationGracePeriodSeconds to at least the preStop sleep plus the time the app needs to shut down after SIGTERM (30 s, the default grace period, if unsure), or shorten the sleep to what endpoint removal actually takes. Leave the hook's handler as it is: the sleep action (preStop.sleep.seconds, no sleep binary needed) may replace an exec sleep, never sit beside it (a hook has exactly one handler).",
    yaml: `# In the pod spec (spec.template.spec of a Deployment, spec of a Pod); the hook stays as it is.
terminationGracePeriodSeconds: 70   # the preStop sleep (40 s here) + 30 s for the app to shut down after SIGTERM`,
  },
  params: {
    minShutdownSeconds: {
      type: 'number',
      default: 5,
      description: 'Report (info) a preStop sleep that leaves the app fewer than this many seconds between SIGTERM and SIGKILL.',
    },
  },
  target: 'workload',
  run({ workload: w, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const rawGrace = get(w.podSpec, ['terminationGracePeriodSeconds']);
    let grace: number;
    let graceText: string;
    if (rawGrace === undefined || rawGrace === null) {
      grace = DEFAULT_GRACE;
      graceText = 'terminationGracePeriodSeconds is unset (30 s by default)';
    } else if (typeof rawGrace === 'number' && Number.isInteger(rawGrace) && rawGrace >= 0) {
      grace = rawGrace;
      graceText = `terminationGracePeriodSeconds is ${grace}`;
    } else {
      return out;
    }
    const minShutdown = numberParam(params.minShutdownSeconds, 5);
    const gracePath: FieldPath = rawGrace === undefined || rawGrace === null ? w.podSpecPath : [...w.podSpecPath, 'terminationGracePeriodSeconds'];
    const graceField = formatPath([...w.podSpecPath, 'terminationGracePeriodSeconds']);
    for (const c of w.containers) {
      if (!c.longRunning) continue;
      const h = handlerOf(get(c.spec, ['lifecycle', 'preStop']));
      if (!h) continue;
      const sleep = preStopSleep(c, h.type, h.spec);
      if (sleep?.action && sleep.seconds > grace) {
        const builtin = BUILTIN_TEMPLATE_KINDS.has(w.resource.kind) && !w.resource.apiVersion.includes('.');
        out.push({
          message: `${who(c)}: lifecycle.preStop.sleep.seconds is ${sleep.seconds}, above the grace period (${graceText}): the API server rejects ${builtin ? `the ${w.resource.kind}` : 'the ReplicaSets and pods made from it'} ("must be non-negative and less than terminationGracePeriodSeconds"); set terminationGracePeriodSeconds to the sleep plus the time the app needs to shut down`,
          path: sleep.path,
          container: c.name,
          severity: 'error',
          fix: graceFix(graceField, c, sleep),
        });
        continue;
      }
      // With a grace period of 0 the API server accepts only sleep.seconds 0: a hook that does nothing.
      if (grace === 0 && h.type !== 'sleep') {
        out.push({
          message: `${who(c)} has a lifecycle.preStop hook (${h.type}) but terminationGracePeriodSeconds is 0: a deleted pod is removed from the API at once, and the kubelet gives the hook at most 1 s before SIGTERM and SIGKILL 2 s later, so whatever the hook and the app's shutdown need beyond that is cut`,
          path: gracePath,
          container: c.name,
          fix: `Set ${graceField} to what the preStop hook of ${who(c)} takes plus the app's shutdown time after SIGTERM (${DEFAULT_GRACE}, the default, if unsure), or remove the hook.`,
        });
        continue;
      }
      if (!sleep) continue;
      const lasts = sleep.atLeast ? `at least ${sleep.seconds} s` : `${sleep.seconds} s`;
      if (sleep.seconds >= grace) {
        out.push({
          message: `${who(c)}: lifecycle.preStop sleeps ${lasts} (${sleep.what}) and ${graceText}: the hook uses the whole grace period, so the app gets SIGTERM only when it has run out, and SIGKILL ${MIN_KILL_SECONDS} s later, cutting in-flight requests and shutdown work`,
          path: sleep.path,
          container: c.name,
          fix: graceFix(graceField, c, sleep),
        });
        continue;
      }
      const left = grace - sleep.seconds;
      if (left < minShutdown) {
        out.push({
          message: `${who(c)}: lifecycle.preStop sleeps ${lasts} (${sleep.what}) and ${graceText}: the app gets SIGTERM after the sleep and SIGKILL ${sleep.atLeast && left > MIN_KILL_SECONDS ? 'at most ' : ''}${Math.max(left, MIN_KILL_SECONDS)} s later (fewer than minShutdownSeconds ${minShutdown}), enough only for an app that stops almost at once`,
          path: sleep.path,
          container: c.name,
          severity: 'info',
          fix: graceFix(graceField, c, sleep),
        });
      }
    }
    return out;
  },
});
