/**
 * Kubeconfig loading as kubectl does it: `--kubeconfig FILE`, else the files of `KUBECONFIG`
 * (merged: the first file to define a cluster, user or context name wins, and the first non-empty
 * current-context wins), else ~/.kube/config, else the in-cluster ServiceAccount config when running
 * in a pod. Relative certificate, key and token-file paths resolve against the file that names them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { load } from './js-yaml.js';

export class KubeconfigError extends Error {}

/** `exec` credential plugin (client.authentication.k8s.io), as in a kubeconfig user. */
export interface ExecConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  /** Folder the command path resolves against when it is relative with a slash. */
  baseDir: string;
  provideClusterInfo: boolean;
}

/** Everything needed to talk to one context's API server. */
export interface ContextConfig {
  /** Context name ("in-cluster" for the in-cluster config). */
  name: string;
  /** Cluster name in the kubeconfig. */
  cluster: string;
  /** API server URL without a trailing slash. */
  server: string;
  /** Namespace of the context, when it sets one. */
  namespace: string | undefined;
  ca?: Buffer;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
  clientCert?: Buffer;
  clientKey?: Buffer;
  token?: string;
  /** Read anew for every token refresh (projected ServiceAccount tokens rotate). */
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  /** Set when the user's credentials cannot be used: the context is reported, not audited. */
  unsupported?: string;
  /** The cluster's proxy-url (not supported: reported). */
  proxyUrl?: string;
}

export interface KubeconfigSource {
  /** --kubeconfig */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** Root for the in-cluster ServiceAccount files (tests). */
  serviceAccountDir?: string;
}

type Obj = Record<string, unknown>;
interface Named {
  name: string;
  value: Obj;
  /** Folder of the kubeconfig file that defined it. */
  dir: string;
}

export interface Kubeconfig {
  /** Files read, in merge order. */
  files: string[];
  currentContext: string | undefined;
  contexts: Named[];
  clusters: Named[];
  users: Named[];
  inCluster: boolean;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function parseFile(file: string): Obj {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KubeconfigError(`kubeconfig ${file}: cannot read (${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = load(text);
  } catch (e) {
    throw new KubeconfigError(`kubeconfig ${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isObj(doc)) throw new KubeconfigError(`kubeconfig ${file}: not a kubeconfig (expected a mapping with clusters, users and contexts)`);
  return doc;
}

function namedList(doc: Obj, key: 'clusters' | 'users' | 'contexts', inner: 'cluster' | 'user' | 'context', dir: string): Named[] {
  const list = doc[key];
  if (!Array.isArray(list)) return [];
  const out: Named[] = [];
  for (const e of list) {
    if (!isObj(e) || typeof e.name !== 'string') continue;
    out.push({ name: e.name, value: isObj(e[inner]) ? (e[inner] as Obj) : {}, dir });
  }
  return out;
}

/** Which kubeconfig files apply, in merge order (empty when none exists). */
export function kubeconfigFiles(src: KubeconfigSource): string[] {
  const env = src.env ?? process.env;
  const cwd = src.cwd ?? process.cwd();
  if (src.kubeconfig) return [resolve(cwd, src.kubeconfig)];
  const fromEnv = env.KUBECONFIG;
  if (fromEnv) {
    const files: string[] = [];
    for (const p of fromEnv.split(delimiter)) {
      if (!p) continue;
      const abs = resolve(cwd, p);
      // kubectl skips KUBECONFIG entries that do not exist.
      if (!files.includes(abs) && existsSync(abs)) files.push(abs);
    }
    return files;
  }
  const def = join(src.home ?? env.HOME ?? homedir(), '.kube', 'config');
  return existsSync(def) ? [def] : [];
}

/** Read and merge the kubeconfig files (kubectl's rules), or fall back to the in-cluster config. */
export function readKubeconfig(src: KubeconfigSource = {}): Kubeconfig {
  const env = src.env ?? process.env;
  const files = kubeconfigFiles(src);
  const out: Kubeconfig = { files, currentContext: undefined, contexts: [], clusters: [], users: [], inCluster: false };
  const seen = { contexts: new Set<string>(), clusters: new Set<string>(), users: new Set<string>() };
  for (const f of files) {
    const doc = parseFile(f);
    const dir = dirname(f);
    if (out.currentContext === undefined) out.currentContext = str(doc['current-context']);
    for (const [key, inner] of [['contexts', 'context'], ['clusters', 'cluster'], ['users', 'user']] as const) {
      for (const n of namedList(doc, key, inner, dir)) {
        if (seen[key].has(n.name)) continue;
        seen[key].add(n.name);
        out[key].push(n);
      }
    }
  }
  if (files.length === 0 && !src.kubeconfig) {
    const saDir = src.serviceAccountDir ?? SA_DIR;
    if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(join(saDir, 'token'))) out.inCluster = true;
  }
  return out;
}

function fileOrData(value: Obj, dataKey: string, fileKey: string, dir: string, what: string): Buffer | undefined {
  const data = str(value[dataKey]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(value[fileKey]);
  if (!file) return undefined;
  const abs = isAbsolute(file) ? file : join(dir, file);
  try {
    return readFileSync(abs);
  } catch (e) {
    throw new KubeconfigError(`${what}: cannot read ${fileKey} ${abs} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function execConfig(v: Obj, dir: string): ExecConfig | string {
  const command = str(v.command);
  if (!command) return 'exec plugin without a command';
  const args = Array.isArray(v.args) ? v.args.filter((a): a is string => typeof a === 'string') : [];
  const env = Array.isArray(v.env)
    ? v.env.filter(isObj).map((e) => ({ name: String(e.name ?? ''), value: String(e.value ?? '') })).filter((e) => e.name)
    : [];
  return {
    command,
    args,
    env,
    apiVersion: str(v.apiVersion) ?? 'client.authentication.k8s.io/v1',
    baseDir: dir,
    provideClusterInfo: v.provideClusterInfo === true,
  };
}

/** The connection settings of one context of a merged kubeconfig. */
export function contextConfig(kc: Kubeconfig, name: string): ContextConfig {
  const ctx = kc.contexts.find((c) => c.name === name);
  if (!ctx) throw new KubeconfigError(`context "${name}" is not in the kubeconfig${kc.contexts.length ? ` (it has ${kc.contexts.map((c) => c.name).join(', ')})` : ''}`);
  const clusterName = str(ctx.value.cluster);
  const cluster = clusterName ? kc.clusters.find((c) => c.name === clusterName) : undefined;
  if (!cluster) throw new KubeconfigError(`context "${name}": cluster "${clusterName ?? ''}" is not in the kubeconfig`);
  const server = str(cluster.value.server);
  if (!server) throw new KubeconfigError(`context "${name}": cluster "${cluster.name}" has no server`);
  const where = `context "${name}"`;
  const out: ContextConfig = {
    name,
    cluster: cluster.name,
    server: server.replace(/\/+$/, ''),
    namespace: str(ctx.value.namespace),
    insecureSkipTLSVerify: cluster.value['insecure-skip-tls-verify'] === true,
    tlsServerName: str(cluster.value['tls-server-name']),
    ca: fileOrData(cluster.value, 'certificate-authority-data', 'certificate-authority', cluster.dir, where),
    proxyUrl: str(cluster.value['proxy-url']),
  };
  const userName = str(ctx.value.user);
  const user = userName ? kc.users.find((u) => u.name === userName) : undefined;
  if (userName && !user) throw new KubeconfigError(`${where}: user "${userName}" is not in the kubeconfig`);
  if (user) {
    const u = user.value;
    out.clientCert = fileOrData(u, 'client-certificate-data', 'client-certificate', user.dir, where);
    out.clientKey = fileOrData(u, 'client-key-data', 'client-key', user.dir, where);
    out.token = str(u.token);
    const tf = str(u.tokenFile);
    if (tf) out.tokenFile = isAbsolute(tf) ? tf : join(user.dir, tf);
    out.username = str(u.username);
    out.password = str(u.password);
    if (isObj(u.exec)) {
      const e = execConfig(u.exec, user.dir);
      if (typeof e === 'string') out.unsupported = e;
      else out.exec = e;
    }
    if (isObj(u['auth-provider'])) {
      const ap = u['auth-provider'];
      const cfg = isObj(ap.config) ? ap.config : {};
      // The legacy in-tree providers are gone from kubectl; an OIDC id-token still works as a bearer token.
      if (ap.name === 'oidc' && str(cfg['id-token'])) out.token ??= str(cfg['id-token']);
      else if (!out.token) out.unsupported = `auth-provider "${String(ap.name)}" is not supported (kubectl dropped the in-tree providers too): use its exec credential plugin`;
    }
    if (u.as !== undefined || u['as-groups'] !== undefined) out.unsupported ??= 'impersonation (as, as-groups) is not supported';
  }
  if (out.proxyUrl) out.unsupported ??= `proxy-url ${out.proxyUrl} is not supported`;
  if (out.clientCert && !out.clientKey) throw new KubeconfigError(`${where}: client certificate without a client key`);
  return out;
}

/** The in-cluster config (ServiceAccount token, CA and namespace), as client-go's rest.InClusterConfig. */
export function inClusterConfig(src: KubeconfigSource = {}): ContextConfig {
  const env = src.env ?? process.env;
  const dir = src.serviceAccountDir ?? SA_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new KubeconfigError('not running in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)');
  let ca: Buffer | undefined;
  try {
    ca = readFileSync(join(dir, 'ca.crt'));
  } catch {
    ca = undefined;
  }
  let namespace: string | undefined;
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  return {
    name: 'in-cluster',
    cluster: 'in-cluster',
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    namespace,
    ca,
    insecureSkipTLSVerify: false,
    tokenFile: join(dir, 'token'),
  };
}

export interface ContextSelection {
  /** --context (one or several names). */
  contexts?: string[];
  /** --all-contexts */
  all?: boolean;
}

/** The contexts to audit: the named ones, all of them, or the current one (or in-cluster). */
export function selectContexts(kc: Kubeconfig, sel: ContextSelection, src: KubeconfigSource = {}): ContextConfig[] {
  if (kc.inCluster) {
    if (sel.all || !sel.contexts?.length || (sel.contexts.length === 1 && sel.contexts[0] === 'in-cluster')) return [inClusterConfig(src)];
    throw new KubeconfigError(`no kubeconfig found: only the in-cluster context exists, not ${sel.contexts.join(', ')}`);
  }
  if (kc.files.length === 0) {
    throw new KubeconfigError(
      src.kubeconfig
        ? `kubeconfig ${src.kubeconfig}: no such file`
        : src.env?.KUBECONFIG
          ? `no kubeconfig: none of the files KUBECONFIG names exists (${src.env.KUBECONFIG}); set --kubeconfig, fix KUBECONFIG, or unset it to use ~/.kube/config`
          : 'no kubeconfig: set --kubeconfig or KUBECONFIG, or create ~/.kube/config (kubectl config view shows what kubectl uses)',
    );
  }
  let names: string[];
  if (sel.all) {
    names = kc.contexts.map((c) => c.name);
    if (names.length === 0) throw new KubeconfigError(`the kubeconfig (${kc.files.join(', ')}) has no contexts`);
  } else if (sel.contexts?.length) {
    names = [...new Set(sel.contexts)];
  } else {
    if (!kc.currentContext) throw new KubeconfigError('the kubeconfig has no current-context: name one with --context (kubectl config get-contexts lists them)');
    names = [kc.currentContext];
  }
  if (!sel.all) return names.map((n) => contextConfig(kc, n));
  // With --all-contexts one broken entry is reported with its context, and the others go on.
  return names.map((n) => {
    try {
      return contextConfig(kc, n);
    } catch (e) {
      if (!(e instanceof KubeconfigError)) throw e;
      return { name: n, cluster: '', server: '', namespace: undefined, insecureSkipTLSVerify: false, unsupported: e.message };
    }
  });
}
