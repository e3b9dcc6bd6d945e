/**
 * A real Kubernetes control plane for integration tests, in the spirit of controller-runtime's
 * envtest: etcd, kube-apiserver and (optionally) kube-controller-manager and kube-scheduler, built
 * from Go modules by scripts/build-test-cluster.sh, listening on 127.0.0.1 only, in a temp dir.
 *
 *   const cluster = await startCluster();          // per-process singleton, reference counted
 *   after(() => cluster.stop());
 *   await cluster.apply(yaml);                      // kubectl apply -f - as the admin
 *   await cluster.kubectl(['get', 'pods', '-A'], { kubeconfig: cluster.readerKubeconfig });
 *
 * Users (bearer tokens from --token-auth-file): `kubeready-admin` (group system:masters) and
 * `kubeready-reader` (no groups beyond system:authenticated, so no RBAC rights until a test binds
 * it: `bindReader('name-of-a-ClusterRole')`), plus any `extraUsers` (same: no rights).
 *
 * There is no kubelet: tests create Node objects (`createNode`) and write pod statuses through the
 * pods/status subresource (`patchPodStatus`). The node-lifecycle controller is not run, so nodes
 * keep the conditions that tests give them.
 *
 * Binaries are looked up in: opts.binDir, $KUBEBUILDER_ASSETS (envtest convention, needs
 * kube-apiserver and etcd), $KUBEREADY_TEST_BIN, node_modules/.cache/kubeready/k8s-<version>/bin.
 * Use `clusterSkip()` as a describe option: it names why the binaries are missing when running
 * locally, and returns false under CI=... so that a missing build fails loudly there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';

export interface ClusterOptions {
  /**
   * Reuse the cluster of this process (default true). A shared cluster always runs every
   * component it has binaries for; component options need `shared: false`.
   */
  shared?: boolean;
  /** Run kube-controller-manager (Deployments → ReplicaSets → Pods, GC, namespace deletion). Default true. */
  controllerManager?: boolean;
  /** Run kube-scheduler (binds pods to Ready nodes; FailedScheduling events). Default true. */
  scheduler?: boolean;
  /** More token users, each with no rights until bound; kubeconfigs in `users[name]`. */
  extraUsers?: string[];
  /** Folder with the binaries; default: see the module comment. */
  binDir?: string;
  /** Give up starting after this long (default 90 s, or $KUBEREADY_CLUSTER_START_TIMEOUT in ms). */
  startTimeoutMs?: number;
  /** Keep the temp dir (logs, kubeconfigs, etcd data) after stop(). Also $KUBEREADY_CLUSTER_KEEP=1. */
  keepDir?: boolean;
  /** Print nothing (start-up timing goes to stderr otherwise). Also $KUBEREADY_CLUSTER_QUIET=1. */
  quiet?: boolean;
}

export interface UserCredentials {
  name: string;
  token: string;
  /** Kubeconfig file for this user (current context `kubeready-test`). */
  kubeconfig: string;
}

export interface KubectlOptions {
  /** Default: the admin kubeconfig. */
  kubeconfig?: string;
  /** Sent on standard input. */
  input?: string;
  /** Resolve with the result instead of rejecting when kubectl exits non-zero. */
  allowFail?: boolean;
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RequestOptions {
  /** Whose token to send: 'admin' (default), 'reader', an extra user's name, or null for anonymous. */
  as?: string | null;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Default: application/json, or application/merge-patch+json for PATCH. */
  contentType?: string;
  timeoutMs?: number;
}

export interface ApiResponse<T = unknown> {
  status: number;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface NodeOptions {
  /** Default true: condition Ready=True (else Ready=False with reason KubeletNotReady). */
  ready?: boolean;
  /** Allocatable and capacity. Defaults: cpu '4', memory '8Gi', pods '110'. */
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }>;
  /** Extra conditions, e.g. { type: 'MemoryPressure', status: 'True' } (others default to False). */
  conditions?: Array<{ type: string; status: 'True' | 'False' | 'Unknown'; reason?: string; message?: string }>;
}

export interface EventOptions {
  namespace: string;
  /** The object the event is about; `uid` is required, kubeready matches events by uid. */
  involvedObject: { kind: string; name: string; uid: string; apiVersion?: string; namespace?: string; fieldPath?: string };
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  count?: number;
  /** ISO time for firstTimestamp/lastTimestamp (default now). */
  time?: string;
  /** Also set eventTime (MicroTime) to this ISO time. */
  eventTime?: string;
  source?: string;
  name?: string;
}

export interface TestCluster {
  /** https://127.0.0.1:PORT */
  server: string;
  /** Kubeconfig of `kubeready-admin` (system:masters). */
  adminKubeconfig: string;
  /** Kubeconfig of `kubeready-reader` (no rights until bound). */
  readerKubeconfig: string;
  adminToken: string;
  readerToken: string;
  /** Every token user by name: kubeready-admin, kubeready-reader, and the extra users. */
  users: Record<string, UserCredentials>;
  /** etcd's client URL (http://127.0.0.1:PORT, no auth), e.g. to force a compaction. */
  etcdUrl: string;
  /** PEM file to trust for `server` (the apiserver's self-signed serving cert and its CA). */
  caFile: string;
  /** The temp dir (logs in `${dir}/logs/<component>.log`). Removed by stop() unless kept. */
  dir: string;
  binDir: string;
  /** Server version, e.g. v1.37.2. */
  version: string;
  /** Milliseconds from the call until ready (etcd, apiserver, and controllers when run). */
  startupMs: number;
  /** Which components run. */
  components: Component[];
  has(component: Component): boolean;
  /** Environment for a child process (CLI under test) to use the admin or another user. */
  env(user?: string): NodeJS.ProcessEnv;

  /** Run kubectl (default: as admin). Rejects on a non-zero exit unless allowFail. */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** `kubectl apply -f -` of a YAML or JSON stream (default: as admin, server-side validation). */
  apply(yaml: string, opts?: { kubeconfig?: string; namespace?: string }): Promise<string>;
  /** `kubectl get ... -o json`, parsed. */
  getJson<T = any>(args: string[], opts?: { kubeconfig?: string }): Promise<T>;
  /** A raw HTTPS call to the API server (fast, no kubectl). Never rejects on an HTTP status. */
  request<T = any>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;

  /** ClusterRoleBinding `kubeready-reader:<role>` from the ClusterRole to a user (default kubeready-reader). */
  bindReader(clusterRoleName: string, user?: string): Promise<void>;
  /** Remove that binding again. */
  unbindReader(clusterRoleName: string, user?: string): Promise<void>;
  /** Create (or replace) a fake Node with a status, without the not-ready taint. Returns the Node. */
  createNode(name: string, opts?: NodeOptions): Promise<any>;
  /** JSON merge patch of pods/status; send whole lists (containerStatuses, conditions). Returns the Pod. */
  patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<any>;
  /** Create a core/v1 Event. Returns it. */
  createEvent(ev: EventOptions): Promise<any>;
  /** Poll until fn returns a truthy value; rejects with `what` and the last value after the timeout. */
  waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts?: { timeoutMs?: number; intervalMs?: number }): Promise<T>;

  /** Stop the API server only (SIGTERM, then SIGKILL): for "server gone mid-run" tests. Needs shared:false. */
  stopApiServer(): Promise<void>;
  /** SIGSTOP / SIGCONT the API server: connections hang (a "slow" cluster). Needs shared:false. */
  freezeApiServer(): void;
  thawApiServer(): void;
  /** Pids of the running components and of the watchdog that cleans up after a killed test process. */
  pids(): number[];
  /** Stop everything and remove the temp dir. For the shared cluster: once the last user stops. Idempotent. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Binaries
// ---------------------------------------------------------------------------------------------

const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const ADMIN_USER = 'kubeready-admin';
export const READER_USER = 'kubeready-reader';
const CONTEXT = 'kubeready-test';

/** The Kubernetes version the wrapper module pins (tools/test-cluster/kube/go.mod), e.g. 1.37.2. */
export function pinnedKubernetesVersion(): string {
  const mod = readFileSync(join(REPO, 'tools/test-cluster/kube/go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+v(\d+\.\d+\.\d+\S*)/m.exec(mod);
  if (!m) throw new Error('cannot find k8s.io/kubernetes in tools/test-cluster/kube/go.mod');
  return m[1];
}

/** Where scripts/build-test-cluster.sh puts the binaries. */
export function defaultBinDir(): string {
  return process.env.KUBEREADY_TEST_BIN || join(REPO, `node_modules/.cache/kubeready/k8s-${pinnedKubernetesVersion()}/bin`);
}

function isExecutable(p: string): boolean {
  try {
    return statSync(p).isFile() && (statSync(p).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The folder to use and what it lacks. */
export function resolveBinDir(explicit?: string): { dir: string; source: string; missing: Component[] } {
  const need: Component[] = ['etcd', 'kube-apiserver'];
  const all: Component[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
  const pick = (dir: string, source: string) => ({ dir, source, missing: all.filter((c) => !isExecutable(join(dir, c))) });
  if (explicit) return pick(resolve(explicit), 'binDir option');
  const assets = process.env.KUBEBUILDER_ASSETS;
  if (assets && need.every((c) => isExecutable(join(assets, c)))) return pick(resolve(assets), 'KUBEBUILDER_ASSETS');
  return pick(defaultBinDir(), process.env.KUBEREADY_TEST_BIN ? 'KUBEREADY_TEST_BIN' : 'build cache');
}

/**
 * For `describe(name, { skip: clusterSkip() }, ...)`: false when the cluster can start, else the
 * reason. Under CI (env CI set) a missing build is never skipped: startCluster then throws.
 */
export function clusterSkip(): string | false {
  const { dir, missing } = resolveBinDir();
  if (!missing.includes('etcd') && !missing.includes('kube-apiserver')) return false;
  if (process.env.CI) return false;
  return `test cluster binaries missing in ${dir} (${missing.join(', ')}): run scripts/build-test-cluster.sh (10+ minutes cold) or set KUBEBUILDER_ASSETS`;
}

/** The kubectl to run: $KUBECTL, else kubectl on PATH. */
export function kubectlPath(): string | undefined {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d && isExecutable(join(d, 'kubectl'))) return join(d, 'kubectl');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Processes and cleanup
// ---------------------------------------------------------------------------------------------

interface Proc {
  name: Component;
  child: ChildProcess;
  exited: Promise<number | string>;
  exitCode: number | string | undefined;
  log: string;
}

/** Every live cluster of this process, for the last-ditch cleanup on exit or signal. */
const live = new Set<Cluster>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Synchronous last resort (an exception, process.exit, a forgotten stop()): SIGKILL the tree.
  process.on('exit', () => {
    for (const c of live) c.killNow();
  });
  // On a signal nobody else handles, clean up and die of it as we would have. When another
  // listener exists (the test runner's, or scripts/test-cluster.ts), it exits or stops in turn,
  // and the exit hook above covers what is left.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      if (process.listenerCount(sig) > 0) return;
      for (const c of live) c.killNow();
      process.kill(process.pid, sig);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A watchdog that outlives a SIGKILLed test process: it polls the parent and, when the parent is
 * gone, kills the pids listed in `${dir}/.pids` and removes the dir. stop() kills it first.
 */
const REAPER = `
const [parent, dir, keep] = process.argv.slice(1);
const fs = require('node:fs');
const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const pids = () => { try { return fs.readFileSync(dir + '/.pids', 'utf8').split(/\\s+/).filter(Boolean).map(Number); } catch { return []; } };
setInterval(() => {
  if (alive(Number(parent))) return;
  for (const p of pids()) { try { process.kill(-p, 'SIGTERM'); } catch {} try { process.kill(p, 'SIGTERM'); } catch {} }
  setTimeout(() => {
    for (const p of pids()) { try { process.kill(-p, 'SIGKILL'); } catch {} try { process.kill(p, 'SIGKILL'); } catch {} }
    if (keep !== '1') { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  }, 5000);
}, 1000);
`;

// ---------------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------------

class Cluster {
  readonly dir: string;
  readonly binDir: string;
  readonly procs = new Map<Component, Proc>();
  readonly keep: boolean;
  readonly quiet: boolean;
  server = '';
  etcdUrl = '';
  caFile = '';
  ca = '';
  version = '';
  startupMs = 0;
  tokens = new Map<string, string>();
  users: Record<string, UserCredentials> = {};
  private reaper: ChildProcess | undefined;
  private stopping: Promise<void> | undefined;

  constructor(binDir: string, opts: ClusterOptions) {
    this.binDir = binDir;
    this.keep = !!opts.keepDir || process.env.KUBEREADY_CLUSTER_KEEP === '1';
    this.quiet = !!opts.quiet || process.env.KUBEREADY_CLUSTER_QUIET === '1';
    this.dir = mkdtempSync(join(tmpdir(), 'kubeready-cluster-'));
    mkdirSync(join(this.dir, 'logs'));
    mkdirSync(join(this.dir, 'pki'));
  }

  say(msg: string): void {
    if (!this.quiet) process.stderr.write(`test cluster: ${msg}\n`);
  }

  private writePids(): void {
    const pids = [...this.procs.values()].filter((p) => p.exitCode === undefined && p.child.pid).map((p) => p.child.pid);
    try {
      writeFileSync(join(this.dir, '.pids'), pids.join('\n') + '\n');
    } catch {
      /* dir already gone */
    }
  }

  startReaper(): void {
    this.reaper = spawn(process.execPath, ['-e', REAPER, String(process.pid), this.dir, this.keep ? '1' : '0'], {
      detached: true,
      stdio: 'ignore',
    });
    this.reaper.unref();
  }

  spawnComponent(name: Component, args: string[]): Proc {
    const log = join(this.dir, 'logs', `${name}.log`);
    const fd = openSync(log, 'a');
    // Own process group (detached) so that a terminal's Ctrl-C reaches only us and we stop the
    // components in order; logs go to files, never to pipes that could fill up and block.
    const child = spawn(join(this.binDir, name), args, { cwd: this.dir, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    child.unref();
    const proc: Proc = { name, child, log, exitCode: undefined, exited: Promise.resolve(0) };
    proc.exited = new Promise((res) => {
      child.on('error', (e) => {
        proc.exitCode = `spawn error: ${e.message}`;
        res(proc.exitCode);
      });
      child.on('exit', (code, signal) => {
        proc.exitCode = code ?? signal ?? 'unknown';
        this.writePids();
        res(proc.exitCode);
      });
    });
    this.procs.set(name, proc);
    this.writePids();
    return proc;
  }

  /** Wait until check() is true; fail early if the process dies. */
  async waitReady(proc: Proc, what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
    for (;;) {
      if (proc.exitCode !== undefined) {
        throw new Error(`${proc.name} exited (${proc.exitCode}) before ${what}; last log lines (${proc.log}):\n${tail(proc.log)}`);
      }
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(`${proc.name}: timed out waiting for ${what}; last log lines (${proc.log}):\n${tail(proc.log)}`);
      }
      await sleep(150);
    }
  }

  async terminate(name: Component, graceMs = 10_000): Promise<void> {
    const p = this.procs.get(name);
    if (!p || p.exitCode !== undefined) return;
    try {
      process.kill(p.child.pid!, 'SIGCONT');
    } catch {
      /* gone */
    }
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-p.child.pid!, 'SIGKILL');
      } catch {
        p.child.kill('SIGKILL');
      }
    }, graceMs);
    await p.exited;
    clearTimeout(timer);
  }

  pids(): number[] {
    const pids = [...this.procs.values()].filter((p) => p.exitCode === undefined && p.child.pid).map((p) => p.child.pid!);
    if (this.reaper?.pid && this.reaper.exitCode === null && this.reaper.signalCode === null) pids.push(this.reaper.pid);
    return pids;
  }

  /** Synchronous SIGKILL of everything (exit hook); the temp dir goes too. */
  killNow(): void {
    for (const p of this.procs.values()) {
      if (p.exitCode === undefined && p.child.pid) {
        try {
          process.kill(p.child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    try {
      if (this.reaper?.pid) process.kill(this.reaper.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const t0 = Date.now();
      // Clients first, then the apiserver, then its storage.
      await Promise.all([this.terminate('kube-scheduler'), this.terminate('kube-controller-manager')]);
      await this.terminate('kube-apiserver');
      await this.terminate('etcd');
      // Wait until the watchdog is reaped, not only signalled: until its exit is collected its pid
      // still answers kill(pid, 0) (a zombie), and a caller checking "nothing is left" would see it.
      const reaper = this.reaper;
      if (reaper?.pid && reaper.exitCode === null && reaper.signalCode === null) {
        // The watchdog is unref'd: a ref'd timer keeps the event loop alive until its exit arrives.
        let timer: NodeJS.Timeout | undefined;
        const gone = new Promise<void>((r) => {
          reaper.once('exit', () => r());
          timer = setTimeout(r, 5000);
        });
        try {
          process.kill(reaper.pid, 'SIGKILL');
          await gone;
        } catch {
          /* gone */
        } finally {
          clearTimeout(timer);
        }
      }
      if (this.keep) this.say(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s; kept ${this.dir}`);
      else {
        rmSync(this.dir, { recursive: true, force: true });
        this.say(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      live.delete(this);
    })();
    return this.stopping;
  }

  // --- HTTP ---------------------------------------------------------------------------------

  request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const as = opts.as === undefined ? ADMIN_USER : opts.as === 'admin' ? ADMIN_USER : opts.as === 'reader' ? READER_USER : opts.as;
    const headers: Record<string, string> = { Accept: 'application/json' };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? (method.toUpperCase() === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (as !== null) {
      const token = this.tokens.get(as);
      if (!token) throw new Error(`no such test user: ${as}`);
      headers.Authorization = `Bearer ${token}`;
    }
    const url = new URL(path, this.server);
    return new Promise((res, rej) => {
      const req = httpsRequest(
        url,
        { method, headers, ca: this.ca || undefined, rejectUnauthorized: !!this.ca, timeout: opts.timeoutMs ?? 30_000 },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if (/json/.test(String(r.headers['content-type'] ?? ''))) {
              try {
                body = JSON.parse(text);
              } catch {
                /* keep the text */
              }
            }
            res({ status: r.statusCode ?? 0, body: body as T, headers: r.headers });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', rej);
      req.end(payload);
    });
  }

  async ok<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const r = await this.request<T>(method, path, opts);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} -> ${r.status}: ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`);
    return r.body;
  }

  // --- kubeconfig ---------------------------------------------------------------------------

  writeKubeconfig(user: string, token: string): string {
    const file = join(this.dir, `${user}.kubeconfig`);
    // JSON is YAML; kubectl and client libraries read both. Absolute CA path, IP not "localhost".
    const cfg = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: CONTEXT, cluster: { server: this.server, 'certificate-authority': this.caFile } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user, namespace: 'default' } }],
      'current-context': CONTEXT,
    };
    writeFileSync(file, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
    return file;
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------------------------

async function boot(opts: ClusterOptions): Promise<Cluster> {
  const t0 = Date.now();
  const bins = resolveBinDir(opts.binDir);
  if (bins.missing.includes('etcd') || bins.missing.includes('kube-apiserver')) {
    throw new Error(
      `test cluster binaries missing in ${bins.dir} (${bins.missing.join(', ')}; from ${bins.source}). ` +
        'Build them with scripts/build-test-cluster.sh (10+ minutes cold), or point KUBEBUILDER_ASSETS at prebuilt ones.',
    );
  }
  const wantKcm = opts.controllerManager ?? true;
  const wantSched = opts.scheduler ?? true;
  const timeout = opts.startTimeoutMs ?? (Number(process.env.KUBEREADY_CLUSTER_START_TIMEOUT) || 90_000);
  const deadline = t0 + timeout;
  installHooks();
  const c = new Cluster(bins.dir, opts);
  live.add(c);
  c.startReaper();
  const timings: string[] = [];
  try {
    // Credentials: tokens and the service-account signing key (PKCS#8 / SPKI PEM).
    const users = [ADMIN_USER, READER_USER, ...(opts.extraUsers ?? [])];
    for (const u of users) c.tokens.set(u, randomBytes(24).toString('hex'));
    const tokenLines = users.map((u, i) => `${c.tokens.get(u)},${u},uid-${i}-${u}${u === ADMIN_USER ? ',"system:masters"' : ''}`);
    writeFileSync(join(c.dir, 'tokens.csv'), tokenLines.join('\n') + '\n', { mode: 0o600 });
    const sa = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const saKey = join(c.dir, 'pki', 'sa.key');
    const saPub = join(c.dir, 'pki', 'sa.pub');
    writeFileSync(saKey, sa.privateKey, { mode: 0o600 });
    writeFileSync(saPub, sa.publicKey);

    // etcd (retry on a port taken between our probe and its bind).
    let t = Date.now();
    let etcdUrl = '';
    for (let attempt = 1; ; attempt++) {
      const [cp, pp] = [await freePort(), await freePort()];
      etcdUrl = `http://127.0.0.1:${cp}`;
      const peer = `http://127.0.0.1:${pp}`;
      rmSync(join(c.dir, 'etcd'), { recursive: true, force: true });
      const etcd = c.spawnComponent('etcd', [
        '--name=default',
        `--data-dir=${join(c.dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=default=${peer}`,
        '--listen-metrics-urls=',
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ]);
      try {
        await c.waitReady(etcd, 'its /health', deadline, async () => {
          const r = await plainGet(`${etcdUrl}/health`);
          return r.status === 200 && /"health":\s*"true"/.test(r.body);
        });
        break;
      } catch (e) {
        if (attempt < 3 && /address already in use/.test(tail(etcd.log, 50))) {
          c.procs.delete('etcd');
          continue;
        }
        throw e;
      }
    }
    c.etcdUrl = etcdUrl;
    timings.push(`etcd ${secs(Date.now() - t)}`);

    // kube-apiserver.
    t = Date.now();
    const certDir = join(c.dir, 'pki', 'serving');
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      c.server = `https://127.0.0.1:${port}`;
      const api = c.spawnComponent('kube-apiserver', [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${certDir}`,
        '--endpoint-reconciler-type=none',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--allow-privileged=true',
        '--authorization-mode=RBAC',
        `--token-auth-file=${join(c.dir, 'tokens.csv')}`,
        `--service-account-issuer=${c.server}`,
        `--service-account-key-file=${saPub}`,
        `--service-account-signing-key-file=${saKey}`,
        // ServiceAccount admission rejects pods created before the namespace's default SA exists
        // (a race in tests); envtest disables it too. The rest of the default set stays on.
        '--disable-admission-plugins=ServiceAccount',
        '--profiling=false',
        '--v=1',
      ]);
      try {
        await c.waitReady(api, '/readyz', deadline, async () => (await c.request('GET', '/readyz', { as: null, timeoutMs: 5000 })).status === 200);
        break;
      } catch (e) {
        if (attempt < 3 && /address already in use/.test(tail(api.log, 50))) {
          c.procs.delete('kube-apiserver');
          continue;
        }
        throw e;
      }
    }
    // The self-signed serving cert (leaf followed by its CA) is what clients trust.
    c.ca = readFileSync(join(certDir, 'apiserver.crt'), 'utf8');
    c.caFile = join(c.dir, 'pki', 'ca.crt');
    writeFileSync(c.caFile, c.ca);
    for (const u of users) c.users[u] = { name: u, token: c.tokens.get(u)!, kubeconfig: c.writeKubeconfig(u, c.tokens.get(u)!) };
    const api = c.procs.get('kube-apiserver')!;
    await c.waitReady(api, 'the default namespace', deadline, async () => (await c.request('GET', '/api/v1/namespaces/default')).status === 200);
    c.version = (await c.ok<{ gitVersion: string }>('GET', '/version')).gitVersion;
    timings.push(`kube-apiserver ${secs(Date.now() - t)}`);

    // Controllers, in parallel.
    t = Date.now();
    const waits: Promise<void>[] = [];
    const admin = c.users[ADMIN_USER].kubeconfig;
    if (wantKcm && !bins.missing.includes('kube-controller-manager')) {
      const kcm = c.spawnComponent('kube-controller-manager', [
        `--kubeconfig=${admin}`,
        '--leader-elect=false',
        '--secure-port=0',
        // Everything on by default, less what needs a kubelet or a cloud: the node-lifecycle
        // controller would mark the fake nodes NotReady (no heartbeats) and evict their pods; node-ipam needs a cluster CIDR.
        '--controllers=*,-node-lifecycle-controller,-node-ipam-controller',
        `--service-account-private-key-file=${saKey}`,
        `--root-ca-file=${c.caFile}`,
        '--use-service-account-credentials=false',
        '--v=1',
      ]);
      // Ready once its controllers act: the service-account controller fills in "default".
      waits.push(c.waitReady(kcm, 'the default ServiceAccount', deadline, async () => (await c.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200));
    }
    if (wantSched && !bins.missing.includes('kube-scheduler')) {
      c.spawnComponent('kube-scheduler', [`--kubeconfig=${admin}`, '--leader-elect=false', '--secure-port=0', '--v=1']);
    }
    await Promise.all(waits);
    if (c.procs.has('kube-scheduler')) {
      // Give an instant crash a chance to show before we report success.
      await sleep(waits.length ? 0 : 300);
      const s = c.procs.get('kube-scheduler')!;
      if (s.exitCode !== undefined) throw new Error(`kube-scheduler exited (${s.exitCode}); log:\n${tail(s.log)}`);
    }
    if (c.procs.has('kube-controller-manager') || c.procs.has('kube-scheduler')) timings.push(`controllers ${secs(Date.now() - t)}`);
    c.startupMs = Date.now() - t0;
    c.say(`${c.version} at ${c.server} ready in ${secs(c.startupMs)} (${timings.join(', ')}); ${[...c.procs.keys()].join(', ')}`);
    return c;
  } catch (e) {
    await c.stop();
    throw e;
  }
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function plainGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = httpRequest(url, { timeout: 3000 }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (body += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------------------------

function runKubectl(c: Cluster, args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  const bin = kubectlPath();
  if (!bin) return Promise.reject(new Error('kubectl not found (set KUBECTL or put it on PATH; CI has /usr/bin/kubectl)'));
  const kubeconfig = opts.kubeconfig ?? c.users[ADMIN_USER].kubeconfig;
  return new Promise((res, rej) => {
    const child = spawn(bin, [`--kubeconfig=${kubeconfig}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(c.dir, 'kubectl-cache'), HOME: process.env.HOME ?? c.dir },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const r = { code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (r.code !== 0 && !opts.allowFail) rej(new Error(`kubectl ${args.join(' ')} exited ${r.code}${signal ? ` (${signal})` : ''}:\n${r.stderr || r.stdout}`));
      else res(r);
    });
    child.stdin.end(opts.input ?? '');
  });
}

function makeHandle(c: Cluster, release: () => Promise<void>, exclusive: boolean): TestCluster {
  const notShared = (what: string) => {
    if (!exclusive) throw new Error(`${what} would break other tests sharing this cluster: use startCluster({ shared: false })`);
  };
  const api = () => c.procs.get('kube-apiserver')!;
  const handle: TestCluster = {
    server: c.server,
    etcdUrl: c.etcdUrl,
    adminKubeconfig: c.users[ADMIN_USER].kubeconfig,
    readerKubeconfig: c.users[READER_USER].kubeconfig,
    adminToken: c.tokens.get(ADMIN_USER)!,
    readerToken: c.tokens.get(READER_USER)!,
    users: c.users,
    caFile: c.caFile,
    dir: c.dir,
    binDir: c.binDir,
    version: c.version,
    startupMs: c.startupMs,
    components: [...c.procs.keys()],
    has: (comp) => c.procs.has(comp) && c.procs.get(comp)!.exitCode === undefined,
    env: (user = ADMIN_USER) => {
      const u = c.users[user === 'admin' ? ADMIN_USER : user === 'reader' ? READER_USER : user];
      if (!u) throw new Error(`no such test user: ${user}`);
      return { ...process.env, KUBECONFIG: u.kubeconfig };
    },
    kubectl: (args, opts) => runKubectl(c, args, opts),
    apply: async (yaml, opts = {}) => {
      const args = ['apply', '-f', '-'];
      if (opts.namespace) args.push('-n', opts.namespace);
      return (await runKubectl(c, args, { input: yaml, kubeconfig: opts.kubeconfig })).stdout;
    },
    getJson: async (args, opts = {}) => JSON.parse((await runKubectl(c, ['get', ...args, '-o', 'json'], { kubeconfig: opts.kubeconfig })).stdout),
    request: (method, path, opts) => c.request(method, path, opts),
    bindReader: async (role, user = READER_USER) => {
      const name = `${user}:${role}`;
      await c.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${encodeURIComponent(name)}`);
      await c.ok('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        body: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name, labels: { 'kubeready.test/binding': 'true' } },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
        },
      });
    },
    unbindReader: async (role, user = READER_USER) => {
      const r = await c.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${encodeURIComponent(`${user}:${role}`)}`);
      if (r.status !== 200 && r.status !== 404) throw new Error(`unbind ${user}:${role} -> ${r.status}`);
    },
    createNode: async (name, o = {}) => {
      const ready = o.ready ?? true;
      const resources = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi' };
      await c.request('DELETE', `/api/v1/nodes/${name}`, { body: { gracePeriodSeconds: 0 } });
      await c.ok('POST', '/api/v1/nodes', {
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...o.labels } },
          spec: {},
        },
      });
      const now = new Date().toISOString();
      const given = new Map((o.conditions ?? []).map((x) => [x.type, x]));
      const cond = (type: string, status: string, reason: string, message: string) => {
        const g = given.get(type);
        given.delete(type);
        return { type, status: g?.status ?? status, reason: g?.reason ?? reason, message: g?.message ?? message, lastHeartbeatTime: now, lastTransitionTime: now };
      };
      const conditions = [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', ready ? 'True' : 'False', ready ? 'KubeletReady' : 'KubeletNotReady', ready ? 'kubelet is posting ready status' : 'container runtime network not ready'),
        ...[...given.values()].map((g) => ({ reason: '', message: '', ...g, lastHeartbeatTime: now, lastTransitionTime: now })),
      ];
      await c.ok('PATCH', `/api/v1/nodes/${name}/status`, {
        body: {
          status: {
            capacity: resources,
            allocatable: resources,
            conditions,
            addresses: [{ type: 'Hostname', address: name }],
            nodeInfo: {
              architecture: 'amd64',
              operatingSystem: 'linux',
              kubeletVersion: c.version,
              kubeProxyVersion: '',
              containerRuntimeVersion: 'fake://0',
              osImage: 'fake',
              kernelVersion: '0',
              machineID: '',
              systemUUID: '',
              bootID: '',
            },
          },
        },
      });
      // TaintNodesByCondition put node.kubernetes.io/not-ready on at creation; with no
      // node-lifecycle controller nothing would take it off. Set exactly the taints asked for.
      return c.ok('PATCH', `/api/v1/nodes/${name}`, { body: { spec: { taints: o.taints ?? null } } });
    },
    patchPodStatus: (namespace, name, status) => c.ok('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, { body: { status } }),
    createEvent: (ev) => {
      const time = ev.time ?? new Date().toISOString();
      const body: Record<string, unknown> = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { ...(ev.name ? { name: ev.name } : { generateName: `${ev.involvedObject.name}.` }), namespace: ev.namespace },
        involvedObject: { apiVersion: 'v1', namespace: ev.namespace, ...ev.involvedObject },
        reason: ev.reason,
        message: ev.message,
        type: ev.type ?? 'Warning',
        count: ev.count ?? 1,
        firstTimestamp: time,
        lastTimestamp: time,
        source: { component: ev.source ?? 'kubeready-test' },
        reportingComponent: ev.source ?? 'kubeready-test',
        reportingInstance: 'kubeready-test',
      };
      if (ev.eventTime) {
        body.eventTime = ev.eventTime.replace(/Z$/, '').replace(/(\.\d{1,6})?$/, (m) => (m || '.').padEnd(7, '0')) + 'Z';
        body.action = ev.reason;
      }
      return c.ok('POST', `/api/v1/namespaces/${ev.namespace}/events`, { body });
    },
    waitFor: async (what, fn, o = {}) => {
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      let last: unknown;
      for (;;) {
        try {
          last = await fn();
          if (last) return last as any;
        } catch (e) {
          last = e;
        }
        if (Date.now() > deadline) {
          const shown = last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 1000);
          throw new Error(`timed out after ${o.timeoutMs ?? 30_000} ms waiting for ${what} (last: ${shown})`);
        }
        await sleep(o.intervalMs ?? 200);
      }
    },
    stopApiServer: async () => {
      notShared('stopApiServer()');
      await c.terminate('kube-apiserver');
    },
    freezeApiServer: () => {
      notShared('freezeApiServer()');
      process.kill(api().child.pid!, 'SIGSTOP');
    },
    thawApiServer: () => {
      process.kill(api().child.pid!, 'SIGCONT');
    },
    pids: () => c.pids(),
    stop: release,
  };
  return handle;
}

let shared: { cluster: Promise<Cluster>; refs: number } | undefined;

/**
 * Start a control plane, or join this process's shared one (the default). Each handle's stop()
 * releases it once; the shared cluster stops when the last handle does (and, whatever happens,
 * when the process exits: nothing is left running).
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const custom = opts.controllerManager !== undefined || opts.scheduler !== undefined || opts.extraUsers !== undefined || opts.binDir !== undefined;
  if (opts.shared === false) {
    const c = await boot(opts);
    return makeHandle(c, () => c.stop(), true);
  }
  if (custom) throw new Error('startCluster: controllerManager, scheduler, extraUsers and binDir need { shared: false }');
  if (!shared) {
    const s = { cluster: boot(opts), refs: 0 };
    shared = s;
    s.cluster.catch(() => {
      if (shared === s) shared = undefined;
    });
  }
  const s = shared;
  s.refs++;
  let c: Cluster;
  try {
    c = await s.cluster;
  } catch (e) {
    s.refs--;
    throw e;
  }
  let released = false;
  return makeHandle(
    c,
    async () => {
      if (released) return;
      released = true;
      if (--s.refs === 0) {
        if (shared === s) shared = undefined;
        await c.stop();
      }
    },
    false,
  );
}

/** Pids of the running components of every live cluster in this process (for leak checks). */
export function livePids(): number[] {
  return [...live].flatMap((c) => [...c.procs.values()].filter((p) => p.exitCode === undefined).map((p) => p.child.pid!));
}

/** True when a process with this pid exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return !existsSync('/proc/self');
  }
}
