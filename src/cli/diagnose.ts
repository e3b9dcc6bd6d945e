/**
 * `kubeready diagnose`: load a live cluster's namespace (or a dump with --from), walk the target, read
 * the previous container's log where allowed, print the diagnosis. The walk itself is engine/diagnose.
 */
import type { Command } from 'commander';
import { ResourceIndex } from '../model/index.js';
import type { Resource } from '../model/types.js';
import { getString } from '../model/util.js';
import { attachLogs, diagnose, diagnoseConnection, diagnoseNamespace, isUnhealthy, logRequests, parseTarget, type Diagnosis, type DiagnosisCluster, type DiagnoseKind, type LogRequest, type NamespaceDiagnosis, type UnreadList } from '../engine/diagnose/index.js';
import { observedAt } from '../model/events.js';
import { EXIT } from '../engine/exit.js';
import { renderDiagnosis, renderDiagnosisJson, renderNamespaceDiagnosis } from '../report/diagnose-text.js';
import { loadInputs } from '../sources/files.js';
import { listedKinds, listNodePods, loadCluster, type ContextLoad } from '../sources/cluster.js';
import { KubeApiError } from '../sources/kube-client.js';
import { KubeconfigError } from '../sources/kubeconfig.js';
import { parseDuration } from './cluster.js';
import { VERSION } from '../version.js';

export interface DiagnoseIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdinText?: () => string;
  color: boolean;
}

interface DiagnoseOpts {
  namespace?: string;
  from?: string[];
  output?: string;
  kubeconfig?: string;
  context?: string;
  requestTimeout?: string;
  logs?: boolean;
  notReadyMinutes?: string;
  to?: string;
  toNamespace?: string;
}

/** The kinds diagnose reads from a live cluster (Secrets and ConfigMaps: names only). */
const LIVE_KINDS = ['Namespace', 'Node', 'StorageClass', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'Service', 'EndpointSlice', 'PersistentVolumeClaim', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Ingress', 'IngressClass', 'NetworkPolicy', 'ServiceAccount', 'ConfigMap', 'Secret', 'Event'];

const LOG_LINES = 20;

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

export const DIAGNOSE_USAGE = 'kubeready diagnose KIND/NAME [-n NS] [--from DUMP.yaml] | kubeready diagnose KIND NAME [-n NS] | kubeready diagnose -n NS | kubeready diagnose KIND/NAME --to KIND/NAME[:PORT] [--to-namespace NS]';

/** Register `diagnose` on the program; `setExit` receives the exit code, `usage` builds a usage error. */
export function addDiagnoseCommand(program: unknown, io: DiagnoseIo, setExit: (code: number) => void, usage: (m: string) => Error): void {
  (program as Command)
    .command('diagnose')
    .description('walk what is broken in a live workload (or a kubectl get -o yaml dump): symptom, evidence, root cause, fix, and the check that prevents it')
    .argument('[target]', 'KIND/NAME (or KIND NAME, as kubectl): pod (po), deployment (deploy), statefulset (sts), daemonset (ds), replicaset (rs), job, cronjob (cj), service (svc), pvc, node (no), poddisruptionbudget (pdb), horizontalpodautoscaler (hpa), ingress (ing), namespace (ns); without it: every unhealthy object of the namespace, worst first')
    .argument('[name]', 'NAME, when KIND is given apart')
    .option('-n, --namespace <namespace>', "namespace (default: the kubeconfig context's, else default)")
    .option('--from <file>', 'diagnose a dump instead of the live cluster: kubectl get -o yaml output with status and Events (repeatable; files, folders, - for stdin)', collect)
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else the in-cluster config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--request-timeout <duration>', 'give up on one API request after this long (default 30s)')
    .option('--no-logs', "do not read the previous container's log of crashed containers")
    .option('--not-ready-minutes <n>', 'a container Running but not Ready this long counts as a problem (default 5)')
    .option('--to <target>', 'may the target\'s pods connect to this one? KIND/NAME[:PORT] (svc/api:8080, deploy/db:5432, svc/api:http): walks the NetworkPolicies of both sides, the Service\'s port, DNS egress; works on manifests too')
    .option('--to-namespace <namespace>', 'namespace of --to (default: the source\'s)')
    .action(async (target: string | undefined, name: string | undefined, opts: DiagnoseOpts) => {
      setExit(await runDiagnose(target, opts, io, usage, name));
    });
}

export async function runDiagnose(target: string | undefined, opts: DiagnoseOpts, io: DiagnoseIo, usage: (m: string) => Error, name?: string): Promise<number> {
  if (opts.output !== 'text' && opts.output !== 'json') throw usage(`--output: "${opts.output}" is not text or json`);
  let parsed: { kind: DiagnoseKind; name: string } | undefined;
  if (target !== undefined) {
    const t = parseTarget(target, name);
    if ('error' in t) throw usage(`${t.error} (${DIAGNOSE_USAGE})`);
    if ('namespace' in t) {
      // ns/shop: the namespace's diagnosis, as -n shop.
      if (opts.namespace !== undefined && opts.namespace !== t.namespace) throw usage(`namespace ${t.namespace} and -n ${opts.namespace} disagree (${DIAGNOSE_USAGE})`);
      opts = { ...opts, namespace: t.namespace };
    } else parsed = t;
  }
  // --to: a connection question (may the target's pods reach this one?).
  let toTarget: { kind: DiagnoseKind; name: string; port?: number | string } | undefined;
  if (opts.to !== undefined) {
    if (!parsed) throw usage(`--to needs a source: kubeready diagnose deploy/web --to svc/api:8080 (${DIAGNOSE_USAGE})`);
    const m = /^(.*?)(?::([^:/]+))?$/.exec(opts.to)!;
    const t = parseTarget(m[1]);
    if ('error' in t) throw usage(`--to: ${t.error}`);
    if ('namespace' in t) throw usage('--to: give a Service, a workload or a pod, not a namespace');
    const port = m[2] === undefined ? undefined : /^[0-9]+$/.test(m[2]) ? Number(m[2]) : m[2];
    if (typeof port === 'number' && (port < 1 || port > 65535)) throw usage(`--to: port ${port} is not 1-65535`);
    toTarget = { ...t, ...(port !== undefined ? { port } : {}) };
  } else if (opts.toNamespace !== undefined) throw usage('--to-namespace goes with --to');
  let notReadyMinutes: number | undefined;
  if (opts.notReadyMinutes !== undefined) {
    notReadyMinutes = Number(opts.notReadyMinutes);
    if (!Number.isFinite(notReadyMinutes) || notReadyMinutes < 0) throw usage(`--not-ready-minutes: "${opts.notReadyMinutes}" is not a number of minutes`);
  }
  const notes: string[] = [];
  let resources: Resource[];
  let namespace: string;
  let source: string;
  let ctx: ContextLoad | undefined;
  let logsUnavailable: string | undefined;
  let cluster: DiagnosisCluster | null = null;
  const unread: UnreadList[] = [];
  if (opts.from && opts.from.length) {
    if (opts.kubeconfig !== undefined || opts.context !== undefined) throw usage('--from diagnoses a file: --kubeconfig and --context do not apply');
    const input = await loadInputs(opts.from, { cwd: io.cwd, stdinText: io.stdinText });
    if (input.fatal.length) {
      for (const f of input.fatal) io.err(`kubeready: ${f}\n`);
      return EXIT.USAGE;
    }
    for (const p of input.problems) if (p.level === 'error') io.err(`kubeready: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
    resources = input.resources;
    namespace = opts.namespace ?? 'default';
    source = opts.from.join(', ');
    logsUnavailable = "diagnosing a file: reading the previous container's log needs the live cluster";
  } else {
    const requestTimeoutMs = opts.requestTimeout === undefined ? 30_000 : parseDuration(opts.requestTimeout);
    if (requestTimeoutMs === null) throw usage(`--request-timeout: "${opts.requestTimeout}" is not a duration (30s, 2m, or seconds)`);
    let load;
    try {
      load = await loadCluster({
        kubeconfig: opts.kubeconfig,
        env: io.env,
        cwd: io.cwd,
        home: io.env.HOME,
        contexts: opts.context ? [opts.context] : undefined,
        namespace: opts.namespace,
        // A node's pods live in every namespace (as kubectl describe node lists them).
        allNamespaces: parsed?.kind === 'Node',
        // --to-namespace: the destination's namespace too (the source's is -n, else the context's).
        ...(opts.toNamespace !== undefined ? { alsoNamespaces: [opts.toNamespace] } : {}),
        kinds: LIVE_KINDS,
        keepWhole: (o) => o.kind !== 'ConfigMap',
        keepClients: true,
        requestTimeoutMs,
        userAgent: `kubeready/${VERSION}`,
      });
    } catch (e) {
      if (e instanceof KubeconfigError) throw usage(e.message);
      throw e;
    }
    ctx = load.contexts[0];
    for (const other of load.contexts.slice(1)) other.client?.close();
    if (!ctx) {
      io.err('kubeready: no kubeconfig context\n');
      return EXIT.USAGE;
    }
    if (ctx.status === 'unreachable') {
      // Not "does not exist" (2): the cluster could not be asked, so nothing can be told (as audit's incomplete).
      io.err(`kubeready: context ${ctx.context}: ${ctx.errors.join('; ')}: cannot tell\n`);
      ctx.client?.close();
      return EXIT.INCOMPLETE;
    }
    resources = ctx.resources;
    namespace = ctx.namespaces?.[0] ?? opts.namespace ?? 'default';
    // A mistyped namespace: "nothing unhealthy" would be an all-clear for something that is not there.
    const gone = `namespace "${namespace}" does not exist in this cluster`;
    if (!parsed && ctx.warnings.includes(gone)) {
      io.err(`kubeready: ${gone} (context ${ctx.context})\n`);
      ctx.client?.close();
      return EXIT.USAGE;
    }
    source = `context ${ctx.context}`;
    cluster = { context: ctx.context, server: ctx.server };
    // Forbidden and failed lists: the engine names those that matter for the target, once.
    for (const s of ctx.skipped) if (!s.expected) unread.push({ kind: s.kind, namespace: s.namespace, forbidden: s.status === 403, reason: s.reason });
    for (const e of ctx.errors) notes.push(e);
    // --to-namespace misspelt: the destination is "not found" because its namespace is not there.
    if (opts.toNamespace !== undefined && ctx.warnings.includes(`namespace "${opts.toNamespace}" does not exist in this cluster`)) notes.push(`namespace "${opts.toNamespace}" does not exist in this cluster`);
    if (opts.logs === false) logsUnavailable = 'not read (--no-logs)';
  }
  try {
    const index = new ResourceIndex(resources, namespace);
    if (ctx?.observedAt) index.observedAt = ctx.observedAt;
    if (ctx) index.listedKinds = listedKinds(ctx);
    if (ctx?.namespaces) {
      index.podNamespaces = ctx.namespaces;
      // A Pending pod: what the nodes have left needs every namespace's pods.
      if (resources.some((r) => r.kind === 'Pod' && getString(r.object, ['status', 'phase']) === 'Pending')) index.nodePods = (await listNodePods(ctx)) ?? undefined;
    }
    const dopts = { notReadyMinutes, logsUnavailable, unread };
    const now = observedAt(index);
    const where = { cluster, observedAt: now === undefined ? null : new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    let result: Diagnosis | NamespaceDiagnosis;
    let list: Diagnosis[];
    if (parsed && toTarget) {
      const d = diagnoseConnection(index, { ...parsed, namespace }, { ...toTarget, namespace: opts.toNamespace ?? namespace }, dopts);
      d.notes.push(...notes);
      result = Object.assign(d, where);
      list = [d];
    } else if (parsed) {
      const d = diagnose(index, { ...parsed, namespace }, dopts);
      d.notes.push(...notes);
      result = Object.assign(d, where);
      list = [d];
    } else {
      const n = diagnoseNamespace(index, namespace, dopts);
      n.notes.push(...notes);
      result = Object.assign(n, where);
      list = n.diagnoses;
    }
    if (ctx?.client && !logsUnavailable) attachLogs(list, await readLogs(ctx, logRequests(list)));
    else attachLogs(list, []);
    io.out(opts.output === 'json' ? renderDiagnosisJson(result) : 'diagnoses' in result ? renderNamespaceDiagnosis(result, { color: io.color, source }) : renderDiagnosis(result, { color: io.color, source }));
    // On a terminal the report just said it; piped or as JSON, standard error says it for the log.
    const tell = (m: string) => {
      if (opts.output === 'json' || !io.color) io.err(`kubeready: ${m}\n`);
    };
    if ('status' in result && (result.status === 'not-found' || result.status === 'no-status')) {
      tell(result.symptom);
      return EXIT.USAGE;
    }
    if ('status' in result && result.status === 'unknown') {
      tell(result.symptom);
      return EXIT.INCOMPLETE;
    }
    if (list.some(isUnhealthy)) return EXIT.FINDINGS;
    // Nothing unhealthy in what was read, but part of the namespace could not be read: not an all-clear.
    if ('diagnoses' in result && result.unread) {
      tell(`namespace ${result.namespace}: cannot tell: ${result.unread}`);
      return EXIT.INCOMPLETE;
    }
    return EXIT.OK;
  } finally {
    ctx?.client?.close();
  }
}

/** GET .../pods/NAME/log?previous=true|false&container=C&tailLines=20 for each request; why not, when it fails. */
async function readLogs(ctx: ContextLoad, requests: LogRequest[]): Promise<(LogRequest & { lines?: string[]; unavailable?: string })[]> {
  const client = ctx.client!;
  return Promise.all(
    requests.map(async (r) => {
      const path = `/api/v1/namespaces/${encodeURIComponent(r.namespace)}/pods/${encodeURIComponent(r.pod)}/log?container=${encodeURIComponent(r.container)}&previous=${r.previous}&tailLines=${LOG_LINES}`;
      try {
        const text = await client.getText(path);
        const lines = text.replace(/\n$/, '').split('\n').slice(-LOG_LINES);
        return { ...r, lines: lines.length === 1 && lines[0] === '' ? [] : lines };
      } catch (e) {
        if (e instanceof KubeApiError) {
          if (e.status === 403) return { ...r, unavailable: `forbidden: this user may not read pods/log in ${r.namespace} (${e.message})` };
          if (e.status === 400 && /previous terminated container/i.test(e.message)) return { ...r, unavailable: 'the kubelet keeps no previous container for it (it was not restarted on this node, or was garbage-collected)' };
          // The API server proxies logs from the node's kubelet: any 5xx is that leg failing (the
          // kubelet down or unreachable, a Node without addresses), whatever the server's words.
          if (e.status !== null && e.status >= 500) return { ...r, unavailable: `the API server could not get the log from the node's kubelet (HTTP ${e.status}: ${e.message})` };
          return { ...r, unavailable: `${e.status ? `HTTP ${e.status}: ` : ''}${e.message}` };
        }
        return { ...r, unavailable: (e as Error).message };
      }
    }),
  );
}
