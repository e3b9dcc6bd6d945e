/**
 * A small read-only Kubernetes API client over node:https: GET only, JSON or text, with the
 * kubeconfig's CA, client certificate, bearer token, token file, or exec credential plugin.
 *
 * Why not @kubernetes/client-node: its current release (2.x) depends on undici 8, which requires
 * Node >= 22.19, and kubeready supports Node 20; its 1.x line pulls node-fetch 2 and a dozen other
 * packages for the three calls kubeready makes (version, discovery, paginated lists). node:https
 * does all of it on Node 20, 22 and 24 with no dependency.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { childProcess, http as httpModule, https as httpsModule, zlib } from './builtins.js';
import { isAbsolute, join } from 'node:path';
import type { ContextConfig } from './kubeconfig.js';

export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'aborted' | 'credentials';

/** A failed API request: an HTTP status (with the server's Status message), or no answer at all. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly kind: ApiErrorKind,
    /** HTTP status, or null when the server did not answer. */
    readonly status: number | null = null,
    /** Status.reason from the server (Forbidden, Expired, NotFound, ...). */
    readonly reason: string | null = null,
    /** Network error code (ECONNREFUSED, ...). */
    readonly code: string | null = null,
  ) {
    super(message);
  }
  /** No answer from the server (refused, reset, timed out, TLS failure): the context is unreachable. */
  get unreachable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout';
  }
}

export interface ClientOptions {
  /** Per request, from sending it to the end of the body (0: none). Default 30 s. */
  requestTimeoutMs?: number;
  /** Concurrent connections to the server. Default 4. */
  maxSockets?: number;
  userAgent?: string;
  /** Aborts every request in flight and every later one. */
  signal?: AbortSignal;
  /** Extra environment for exec credential plugins (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
}

interface Credentials {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** ms since epoch; undefined = no expiry. */
  expires?: number;
}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed by the server',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: the server certificate is self-signed and not trusted (set certificate-authority-data)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: the server certificate chain is not trusted (check certificate-authority-data)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the server certificate is not signed by the kubeconfig CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: the server certificate is not signed by the kubeconfig CA',
  CERT_HAS_EXPIRED: 'TLS: the server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: the server certificate does not name this host (tls-server-name may help)',
};

function networkError(e: NodeJS.ErrnoException): KubeApiError {
  const code = e.code ?? null;
  const what = (code && NETWORK_MESSAGES[code]) || e.message || String(e);
  return new KubeApiError(what, 'network', null, null, code);
}

function statusMessage(status: number, body: string): { message: string; reason: string | null } {
  try {
    const s = JSON.parse(body) as { kind?: string; message?: string; reason?: string };
    if (s && s.kind === 'Status') return { message: s.message || `HTTP ${status}`, reason: s.reason ?? null };
  } catch {
    // not a Status object
  }
  const text = body.trim().split('\n')[0]?.slice(0, 200);
  return { message: text ? `HTTP ${status}: ${text}` : `HTTP ${status}`, reason: null };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res) => {
    const t = setTimeout(res, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      res();
    }, { once: true });
  });

export class KubeClient {
  /** Requests sent (retries included). */
  requests = 0;
  /** The API server's clock: the Date header of the last answer, and when it arrived here. */
  private serverClock: { date: number; at: number } | null = null;
  readonly server: string;
  private agent: http.Agent | null = null;
  private creds: Credentials | null = null;
  private credsPending: Promise<Credentials> | null = null;
  private readonly timeout: number;
  private readonly url: URL;

  constructor(
    readonly config: ContextConfig,
    private readonly options: ClientOptions = {},
  ) {
    this.server = config.server;
    this.url = new URL(config.server);
    this.timeout = options.requestTimeoutMs ?? 30_000;
  }

  /** Close idle keep-alive connections. */
  close(): void {
    this.agent?.destroy();
    this.agent = null;
  }

  private makeAgent(c: Credentials): http.Agent {
    const common = { keepAlive: true, maxSockets: this.options.maxSockets ?? 4, maxFreeSockets: this.options.maxSockets ?? 4 };
    if (this.url.protocol === 'http:') return new (httpModule().Agent)(common);
    return new (httpsModule().Agent)({
      ...common,
      ca: this.config.ca,
      cert: c.cert ?? this.config.clientCert,
      key: c.key ?? this.config.clientKey,
      rejectUnauthorized: !this.config.insecureSkipTLSVerify,
      servername: this.config.tlsServerName,
    });
  }

  /** Current credentials: static, from the token file (re-read each minute), or from the exec plugin (until they expire). */
  private async credentials(force = false): Promise<Credentials> {
    const now = Date.now();
    if (!force && this.creds && (this.creds.expires === undefined || this.creds.expires - 10_000 > now)) return this.creds;
    if (this.credsPending) return this.credsPending;
    this.credsPending = (async () => {
      let c: Credentials;
      if (this.config.exec) c = await this.runExec();
      else if (this.config.tokenFile) {
        let token: string;
        try {
          token = readFileSync(this.config.tokenFile, 'utf8').trim();
        } catch (e) {
          throw new KubeApiError(`cannot read tokenFile ${this.config.tokenFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'credentials');
        }
        c = { token, expires: now + 60_000 };
      } else c = { token: this.config.token };
      const certChanged = c.cert !== this.creds?.cert || c.key !== this.creds?.key;
      if (!this.agent || certChanged) {
        this.agent?.destroy();
        this.agent = this.makeAgent(c);
      }
      this.creds = c;
      return c;
    })();
    try {
      return await this.credsPending;
    } finally {
      this.credsPending = null;
    }
  }

  /** Run the exec credential plugin (client.authentication.k8s.io ExecCredential). */
  private runExec(): Promise<Credentials> {
    const x = this.config.exec!;
    const command = x.command.includes('/') && !isAbsolute(x.command) ? join(x.baseDir, x.command) : x.command;
    const spec: Record<string, unknown> = { interactive: false };
    if (x.provideClusterInfo) {
      spec.cluster = {
        server: this.config.server,
        ...(this.config.ca ? { 'certificate-authority-data': this.config.ca.toString('base64') } : {}),
        ...(this.config.tlsServerName ? { 'tls-server-name': this.config.tlsServerName } : {}),
        'insecure-skip-tls-verify': this.config.insecureSkipTLSVerify,
      };
    }
    const env: NodeJS.ProcessEnv = { ...(this.options.env ?? process.env) };
    for (const e of x.env) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: x.apiVersion, kind: 'ExecCredential', spec });
    return new Promise((resolveP, reject) => {
      childProcess().execFile(command, x.args, { env, timeout: 60_000, maxBuffer: 4 * 2 ** 20, signal: this.options.signal }, (err, stdout, stderr) => {
        if (err) {
          const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `command not found: ${x.command}` : `${err.message.split('\n')[0]}${stderr ? `: ${String(stderr).trim().split('\n').slice(-1)[0]}` : ''}`;
          reject(new KubeApiError(`exec credential plugin failed: ${why}`, 'credentials'));
          return;
        }
        try {
          const out = JSON.parse(String(stdout)) as { status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string } };
          const s = out.status ?? {};
          if (!s.token && !(s.clientCertificateData && s.clientKeyData)) throw new Error('no token and no client certificate in its status');
          const exp = s.expirationTimestamp ? Date.parse(s.expirationTimestamp) : NaN;
          resolveP({
            token: s.token,
            cert: s.clientCertificateData ? Buffer.from(s.clientCertificateData) : undefined,
            key: s.clientKeyData ? Buffer.from(s.clientKeyData) : undefined,
            expires: Number.isFinite(exp) ? exp : undefined,
          });
        } catch (e) {
          reject(new KubeApiError(`exec credential plugin ${x.command}: unreadable ExecCredential (${(e as Error).message})`, 'credentials'));
        }
      });
    });
  }

  /**
   * The API server's time now, from the Date header of its last answer (one-second precision) plus
   * the time passed here since: the clock that the objects' timestamps were written by. Undefined
   * before any answer carried a Date.
   */
  serverNow(): number | undefined {
    return this.serverClock ? this.serverClock.date + (Date.now() - this.serverClock.at) : undefined;
  }

  /** GET a path (with query) and parse JSON. Retries 429/502/503/504 (Retry-After, at most 3 tries) and a reset reused connection once. */
  async getJson<T = unknown>(path: string, accept = 'application/json'): Promise<T> {
    const body = await this.get(path, accept);
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch {
      throw new KubeApiError(`${this.server}${path}: the answer is not JSON`, 'http', 200);
    }
  }

  /** GET a path and return the body as text (pod logs). */
  async getText(path: string): Promise<string> {
    return (await this.get(path, '*/*')).toString('utf8');
  }

  async get(path: string, accept: string): Promise<Buffer> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const creds = await this.credentials();
      let res: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
      try {
        res = await this.once(path, accept, creds);
      } catch (e) {
        const err = e as KubeApiError;
        if (err.kind === 'network' && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && attempt === 1) continue;
        throw err;
      }
      if (res.status >= 200 && res.status < 300) {
        const date = Date.parse(String(res.headers.date ?? ''));
        if (Number.isFinite(date)) this.serverClock = { date, at: Date.now() };
        return res.body;
      }
      const { message, reason } = statusMessage(res.status, res.body.toString('utf8'));
      if (res.status === 401 && !refreshed && (this.config.exec || this.config.tokenFile)) {
        refreshed = true;
        await this.credentials(true);
        continue;
      }
      if ([429, 502, 503, 504].includes(res.status) && attempt < 3 && !this.options.signal?.aborted) {
        const ra = Number(res.headers['retry-after']);
        await sleep(Math.min(Number.isFinite(ra) && ra > 0 ? ra * 1000 : 500 * attempt, 10_000), this.options.signal);
        continue;
      }
      const text = res.status === 401 ? `Unauthorized: the server rejected the credentials (${message})` : message;
      throw new KubeApiError(text, 'http', res.status, reason ?? (res.status === 401 ? 'Unauthorized' : null));
    }
  }

  private once(path: string, accept: string, creds: Credentials): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    this.requests++;
    const signal = this.options.signal;
    if (signal?.aborted) return Promise.reject(new KubeApiError(`${this.server}: aborted`, 'aborted'));
    const headers: Record<string, string> = {
      Accept: accept,
      'Accept-Encoding': 'gzip',
      'User-Agent': this.options.userAgent ?? 'kubeready',
    };
    if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
    else if (this.config.username !== undefined && this.config.password !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${this.config.username}:${this.config.password}`).toString('base64')}`;
    }
    const base = this.url.pathname.replace(/\/+$/, '');
    const mod = this.url.protocol === 'http:' ? httpModule() : httpsModule();
    return new Promise((resolveP, reject) => {
      let done = false;
      const finish = (err: KubeApiError | null, value?: { status: number; headers: http.IncomingHttpHeaders; body: Buffer }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolveP(value!);
      };
      const req = mod.request(
        { protocol: this.url.protocol, hostname: this.url.hostname.replace(/^\[|\]$/g, ''), port: this.url.port || undefined, path: base + path, method: 'GET', headers, agent: this.agent ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          const stream = res.headers['content-encoding'] === 'gzip' ? res.pipe(zlib().createGunzip()) : res;
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          stream.on('error', (e: NodeJS.ErrnoException) => finish(networkError(e)));
          res.on('error', (e: NodeJS.ErrnoException) => finish(networkError(e)));
        },
      );
      const timer =
        this.timeout > 0
          ? setTimeout(() => {
              finish(new KubeApiError(`no answer within ${this.timeout / 1000} s (--request-timeout)`, 'timeout', null, null, 'ETIMEDOUT'));
              req.destroy();
            }, this.timeout)
          : undefined;
      const onAbort = () => {
        finish(new KubeApiError(`${this.server}: aborted`, 'aborted'));
        req.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => finish(networkError(e)));
      req.end();
    });
  }
}
