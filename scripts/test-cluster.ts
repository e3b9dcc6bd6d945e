/**
 * `npm run test-cluster -- up|down|status`: the integration tests' control plane (etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler on 127.0.0.1) for a person.
 *
 *   up [--foreground]   start it (in the background unless --foreground) and print kubeconfigs
 *   down                stop the one `up` started
 *   status              say whether it runs, and where
 *
 * Binaries: scripts/build-test-cluster.sh (or KUBEBUILDER_ASSETS). State, logs and stable copies
 * of the kubeconfigs live in node_modules/.cache/kubeready/test-cluster/.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processAlive, resolveBinDir, startCluster, type TestCluster } from '../test/helpers/cluster.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const STATE_DIR = join(REPO, 'node_modules/.cache/kubeready/test-cluster');
const STATE = join(STATE_DIR, 'state.json');
const LOG = join(STATE_DIR, 'supervisor.log');
const ADMIN_COPY = join(STATE_DIR, 'admin.kubeconfig');
const READER_COPY = join(STATE_DIR, 'reader.kubeconfig');

interface State {
  pid: number;
  server: string;
  version: string;
  dir: string;
  adminKubeconfig: string;
  readerKubeconfig: string;
  startupMs: number;
  components: string[];
}

function readState(): State | undefined {
  try {
    return JSON.parse(readFileSync(STATE, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

function runningState(): State | undefined {
  const s = readState();
  return s && processAlive(s.pid) ? s : undefined;
}

function describe(s: State): string {
  return [
    `test cluster ${s.version} at ${s.server} (pid ${s.pid}; ${s.components.join(', ')}; started in ${(s.startupMs / 1000).toFixed(1)} s)`,
    `  admin kubeconfig:  ${s.adminKubeconfig}   (user kubeready-admin, system:masters)`,
    `  reader kubeconfig: ${s.readerKubeconfig}   (user kubeready-reader, no rights until bound)`,
    `  logs:              ${join(s.dir, 'logs')}/`,
    '',
    `export KUBECONFIG=${s.adminKubeconfig}`,
    '',
    'Give the reader a ClusterRole: kubectl create clusterrolebinding kubeready-reader --clusterrole=NAME --user=kubeready-reader',
    'There is no kubelet: create Nodes yourself and patch pod statuses (kubectl patch pod P --subresource=status --type=merge -p ...).',
    'Stop it with: npm run test-cluster -- down',
  ].join('\n');
}

/** Run the cluster in this process until SIGTERM/SIGINT. */
async function serve(): Promise<void> {
  mkdirSync(STATE_DIR, { recursive: true });
  let cluster: TestCluster | undefined;
  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`test cluster: ${why}, stopping\n`);
    try {
      await cluster?.stop();
    } finally {
      const s = readState();
      if (s?.pid === process.pid) rmSync(STATE, { force: true });
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
  cluster = await startCluster({ shared: false });
  copyFileSync(cluster.adminKubeconfig, ADMIN_COPY);
  copyFileSync(cluster.readerKubeconfig, READER_COPY);
  const state: State = {
    pid: process.pid,
    server: cluster.server,
    version: cluster.version,
    dir: cluster.dir,
    adminKubeconfig: ADMIN_COPY,
    readerKubeconfig: READER_COPY,
    startupMs: cluster.startupMs,
    components: cluster.components,
  };
  writeFileSync(STATE, JSON.stringify(state, null, 2) + '\n');
  process.stdout.write(describe(state) + '\n');
  // Keep the event loop alive until a signal arrives (the components are unref'd children).
  setInterval(() => {
    if (stopping || !cluster) return;
    if (!cluster.has('kube-apiserver') || !cluster.has('etcd')) void shutdown('a component exited (see its log)');
  }, 2000);
}

async function up(foreground: boolean): Promise<number> {
  const running = runningState();
  if (running) {
    process.stdout.write(`already running\n${describe(running)}\n`);
    return 0;
  }
  const bins = resolveBinDir();
  if (bins.missing.includes('etcd') || bins.missing.includes('kube-apiserver')) {
    process.stderr.write(`test cluster binaries missing in ${bins.dir} (${bins.missing.join(', ')}).\nBuild them first: bash scripts/build-test-cluster.sh (10+ minutes cold)\n`);
    return 1;
  }
  if (foreground) {
    await serve();
    process.stdout.write('(foreground: Ctrl-C stops it)\n');
    return -1;
  }
  mkdirSync(STATE_DIR, { recursive: true });
  rmSync(STATE, { force: true });
  const fd = openSync(LOG, 'w');
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '__serve'], {
    detached: true,
    stdio: ['ignore', fd, fd],
    cwd: REPO,
  });
  child.unref();
  const deadline = Date.now() + 180_000;
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  for (;;) {
    const s = readState();
    if (s && s.pid === child.pid) {
      process.stdout.write(`${describe(s)}\n`);
      return 0;
    }
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) child.kill('SIGTERM');
      process.stderr.write(`test cluster did not start${exited === undefined ? ' in time' : ` (exit ${exited})`}; ${LOG}:\n${existsSync(LOG) ? readFileSync(LOG, 'utf8').slice(-4000) : ''}\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function down(): Promise<number> {
  const s = readState();
  if (!s || !processAlive(s.pid)) {
    rmSync(STATE, { force: true });
    process.stdout.write('test cluster is not running\n');
    return 0;
  }
  const t0 = Date.now();
  process.kill(s.pid, 'SIGTERM');
  while (processAlive(s.pid)) {
    if (Date.now() - t0 > 30_000) {
      process.stderr.write(`pid ${s.pid} still running after 30 s; sending SIGKILL (its reaper cleans up the components)\n`);
      process.kill(s.pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(STATE, { force: true });
  process.stdout.write(`test cluster stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      return up(rest.includes('--foreground') || rest.includes('-f'));
    case '__serve':
      await serve();
      return -1;
    case 'down':
      return down();
    case 'status': {
      const s = runningState();
      process.stdout.write(s ? `${describe(s)}\n` : 'test cluster is not running\n');
      return s ? 0 : 3;
    }
    default:
      process.stderr.write('usage: npm run test-cluster -- up [--foreground] | down | status\n');
      return cmd === undefined || cmd === '-h' || cmd === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
