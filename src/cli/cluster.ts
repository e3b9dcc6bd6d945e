/** `kubeready audit --cluster`: the flags, their checks, progress on a terminal, and the wiring source -> engine. */
import type { Check } from '../checks/types.js';
import { loadPlan } from '../engine/audit.js';
import { auditCluster } from '../engine/cluster-audit.js';
import type { Config } from '../engine/config.js';
import type { Report } from '../engine/report-types.js';
import { SelectorError, parseLabelSelector } from '../model/label-selector.js';
import { DEFAULT_PAGE_SIZE, loadCluster, type ClusterProgress } from '../sources/cluster.js';
import { KubeconfigError } from '../sources/kubeconfig.js';
import { VERSION } from '../version.js';

function csv(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

/**
 * Add the live-cluster flags to a command. The command's type is returned unchanged (the flags are
 * read through ClusterCliOpts): adding them to commander's typed option chain makes tsc's work grow
 * out of bounds.
 */
export function withClusterOptions<C>(cmd: C): C {
  (cmd as unknown as UntypedCommand)
    .option('--cluster', "audit a live cluster (the kubeconfig's current context) instead of files")
    .option('--kubeconfig <file>', 'with --cluster: kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else the in-cluster config)')
    .option('--context <names>', 'with --cluster: kubeconfig contexts to audit (comma-separated; default: the current context)', csv)
    .option('--all-contexts', 'with --cluster: audit every context of the kubeconfig')
    .option('-A, --all-namespaces', "with --cluster: every namespace (default: -n, else the context's namespace, else default)")
    .option('-l, --selector <selector>', 'with --cluster: only workloads whose labels match (kubectl syntax: app=web,tier!=db)')
    .option('--request-timeout <duration>', 'with --cluster: give up on one API request after this long (default 30s; 0: never)')
    .option('--cluster-timeout <duration>', 'with --cluster: give up on a context whose whole scan takes longer (default 5m; 0: never)')
    .option('--page-size <n>', `with --cluster: objects per list request (default ${DEFAULT_PAGE_SIZE})`);
  return cmd;
}

interface UntypedCommand {
  option(flags: string, description: string, parse?: (value: string, previous: string[]) => string[]): UntypedCommand;
}

export interface ClusterCliOpts {
  cluster?: true;
  kubeconfig?: string;
  context?: string[];
  allContexts?: true;
  allNamespaces?: true;
  selector?: string;
  requestTimeout?: string;
  clusterTimeout?: string;
  pageSize?: string;
  namespace?: string;
  complete?: true;
  completeNamespaces?: string[];
}

/** The live-cluster flags given, as the user spelled them (for "needs --cluster"). */
export function clusterFlagsGiven(o: ClusterCliOpts): string[] {
  const out: string[] = [];
  if (o.kubeconfig !== undefined) out.push('--kubeconfig');
  if (o.context !== undefined) out.push('--context');
  if (o.allContexts) out.push('--all-contexts');
  if (o.allNamespaces) out.push('-A');
  if (o.selector !== undefined) out.push('-l');
  if (o.requestTimeout !== undefined) out.push('--request-timeout');
  if (o.clusterTimeout !== undefined) out.push('--cluster-timeout');
  if (o.pageSize !== undefined) out.push('--page-size');
  return out;
}

export const CLUSTER_USAGE = 'kubeready audit --cluster [--kubeconfig FILE] [--context A,B | --all-contexts] [-n NS | -A] [-l SELECTOR]';

/** Go/kubectl durations: 30s, 1m30s, 500ms, 2h; a bare number is seconds. Milliseconds. */
export function parseDuration(s: string): number | null {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return null;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(ms);
}

export interface ClusterIo {
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stderrIsTTY?: boolean;
}

/**
 * Progress on standard error while contexts are scanned: only when stderr is a terminal and not
 * in CI, only once a scan has taken more than half a second, one line redrawn at most 10 times a
 * second, erased at the end.
 */
export function progressPrinter(io: ClusterIo, now: () => number = Date.now): { progress?: (p: ClusterProgress) => void; end: () => void } {
  if (!io.stderrIsTTY || (io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false')) return { end: () => {} };
  const start = now();
  const state = new Map<string, ClusterProgress>();
  let last = 0;
  let shown = false;
  const width = Math.max(40, Number(io.env.COLUMNS) || 100) - 1;
  const render = () => {
    const bits = [...state.values()].map((p) =>
      p.kind === null ? `${p.context}: done, ${p.objects} objects` : `${p.context}: ${p.kind} (${p.kindsDone}/${p.kindsTotal} lists, ${p.objects} objects)`,
    );
    let line = `kubeready: reading ${bits.join(' · ')}`;
    if (line.length > width) line = line.slice(0, width - 1) + '…';
    io.err(`\r\x1b[2K${line}`);
    shown = true;
  };
  return {
    progress: (p) => {
      state.set(p.context, p);
      const t = now();
      if (t - start < 500 || t - last < 100) return;
      last = t;
      render();
    },
    end: () => {
      if (shown) io.err('\r\x1b[2K');
    },
  };
}

/** Validate the flags, scan the contexts, audit them. Usage problems throw `usage(message)`. */
export async function auditClusterCli(
  paths: string[],
  opts: ClusterCliOpts,
  io: ClusterIo,
  setup: { config: Config; checks: Check[] },
  extra: { reachability?: boolean },
  usage: (m: string) => Error,
): Promise<{ report: Report; config: Config }> {
  if (paths.length) throw usage(`give either paths or --cluster, not both: kubeready audit PATHS... | ${CLUSTER_USAGE}`);
  if (opts.context && opts.allContexts) throw usage(`--context and --all-contexts: give one (${CLUSTER_USAGE})`);
  if (opts.allNamespaces && opts.namespace !== undefined) throw usage(`-n and -A: give one (${CLUSTER_USAGE})`);
  if (opts.complete || opts.completeNamespaces) throw usage('--complete and --complete-namespaces do not apply to --cluster: a live listing holds every object of the namespaces it covers');
  const duration = (flag: string, v: string | undefined, def: number) => {
    if (v === undefined) return def;
    const ms = parseDuration(v);
    if (ms === null) throw usage(`${flag}: "${v}" is not a duration (30s, 2m, 1h30m, or seconds)`);
    return ms;
  };
  const requestTimeoutMs = duration('--request-timeout', opts.requestTimeout, 30_000);
  const contextTimeoutMs = duration('--cluster-timeout', opts.clusterTimeout, 300_000);
  let pageSize = DEFAULT_PAGE_SIZE;
  if (opts.pageSize !== undefined) {
    pageSize = Number(opts.pageSize);
    if (!/^\d+$/.test(opts.pageSize.trim()) || pageSize < 1) throw usage(`--page-size: "${opts.pageSize}" is not a whole number above 0`);
  }
  if (opts.selector !== undefined) {
    try {
      parseLabelSelector(opts.selector);
    } catch (e) {
      if (e instanceof SelectorError) throw usage(`-l: ${e.message}`);
      throw e;
    }
  }
  const printer = progressPrinter(io);
  let load;
  try {
    load = await loadCluster({
      kubeconfig: opts.kubeconfig,
      env: io.env,
      cwd: io.cwd,
      home: io.env.HOME,
      contexts: opts.context,
      allContexts: opts.allContexts,
      namespace: opts.namespace,
      allNamespaces: opts.allNamespaces,
      selector: opts.selector,
      // Checks of custom resources against their CRDs judge manifests only: live objects stay as their kinds' other checks load them.
      keepWhole: loadPlan(setup.checks.filter((c) => !c.customResources)).keepWhole,
      pageSize,
      requestTimeoutMs,
      contextTimeoutMs,
      progress: printer.progress,
      userAgent: `kubeready/${VERSION}`,
    });
  } catch (e) {
    if (e instanceof KubeconfigError || e instanceof SelectorError) throw usage(e.message);
    throw e;
  } finally {
    printer.end();
  }
  const report = auditCluster(load, { checks: setup.checks, config: setup.config, reachability: extra.reachability });
  return { report, config: setup.config };
}

/** One line for standard error when a cluster audit is incomplete (exit 4), or null. */
export function incompleteNote(report: Report): string | null {
  const cl = report.cluster;
  if (!cl || cl.complete) return null;
  const down = cl.contexts.filter((c) => c.status === 'unreachable').map((c) => c.context);
  const skipped = cl.contexts.flatMap((c) => c.skipped.filter((s) => !s.expected).map(() => c.context));
  const stopped = cl.contexts.filter((c) => c.status === 'incomplete' && c.errors.length).map((c) => c.context);
  const bits: string[] = [];
  if (down.length) bits.push(`unreachable: ${down.join(', ')}`);
  if (stopped.length) bits.push(`scan stopped early: ${stopped.join(', ')}`);
  if (skipped.length) bits.push(`${skipped.length} list${skipped.length === 1 ? '' : 's'} skipped (forbidden or failed)`);
  return `kubeready: incomplete audit: ${bits.join('; ')}; the report's cluster section says why`;
}
