/**
 * `kubeready audit --cluster` against a real API server (test/helpers/cluster.ts: etcd,
 * kube-apiserver, controller-manager and scheduler on 127.0.0.1). Skipped locally when the binaries
 * are missing (clusterSkip says why); under CI a missing build fails.
 *
 * Covered: the shipped examples give the same findings live as from their manifests; locations are
 * context/namespace/Kind/name + field path; controller-owned ReplicaSets and Pods are reported at
 * their Deployment; pagination over many pages loses nothing; an expired continue token (a real 410
 * Gone after an etcd compaction) restarts the list; deploy/rbac.yaml is enough (Secrets aside, by
 * design) and its holder cannot read a Secret; a reader with less gets skipped kinds and exit 4; a
 * Secret's data is never requested; two contexts with one unreachable and one that never answers;
 * -n, -A, -l; the API server stopped mid-scan; SARIF, GitHub annotations and Markdown name live
 * objects (and a kubectl command that works) instead of a made-up file path.
 */
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { clusterSkip, READER_USER, startCluster, type TestCluster } from '../helpers/cluster.js';
import { auditJson, runCli } from '../helpers/cli.js';
import { run, type Io } from '../../src/cli/main.js';
import { KubeClient, KubeApiError } from '../../src/sources/kube-client.js';
import { listAll, loadCluster, loadContext } from '../../src/sources/cluster.js';
import { contextConfig, readKubeconfig } from '../../src/sources/kubeconfig.js';
import type { Finding, Report } from '../../src/engine/report-types.js';
import { allChecks } from '../../src/checks/index.js';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const CTX = 'kubeready-test';

type Json = Record<string, any>;

/** A kubeconfig (JSON is YAML) with the given contexts; returns its path. */
function writeKubeconfig(dir: string, name: string, contexts: { name: string; server: string; token?: string; ca?: string; namespace?: string }[], current?: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': current ?? contexts[0]?.name,
      clusters: contexts.map((c) => ({ name: `${c.name}-cluster`, cluster: { server: c.server, ...(c.ca ? { 'certificate-authority': c.ca } : {}) } })),
      users: contexts.map((c) => ({ name: `${c.name}-user`, user: c.token ? { token: c.token } : {} })),
      contexts: contexts.map((c) => ({ name: c.name, context: { cluster: `${c.name}-cluster`, user: `${c.name}-user`, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
    }),
  );
  return file;
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers (a hung API server). */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

interface Seen {
  path: string;
  accept: string;
  status: number;
}

/**
 * A plain-HTTP proxy on 127.0.0.1 in front of the real API server: records every request (path,
 * Accept, status) and can answer some itself (`intercept`). kubeready talks to it through an
 * http:// kubeconfig with the admin token.
 */
async function recordingProxy(
  cluster: TestCluster,
  intercept?: ((path: string) => { status: number; body: unknown } | null) | null,
  /** Rewrites the answers' headers (a server clock ahead of this machine's). */
  rewrite?: (h: http.IncomingHttpHeaders) => http.IncomingHttpHeaders,
) {
  const seen: Seen[] = [];
  const ca = readFileSync(cluster.caFile);
  const target = new URL(cluster.server);
  const srv = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const accept = String(req.headers.accept ?? '');
    const own = intercept?.(path);
    if (own) {
      seen.push({ path, accept, status: own.status });
      res.writeHead(own.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(own.body));
      return;
    }
    const up = https.request(
      { hostname: target.hostname, port: target.port, path, method: req.method, headers: { ...req.headers, host: target.host }, ca },
      (r) => {
        seen.push({ path, accept, status: r.statusCode ?? 0 });
        res.writeHead(r.statusCode ?? 502, rewrite ? rewrite(r.headers) : r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    seen,
    server: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
  };
}

const findingKey = (f: Finding) => `${f.object.kind} ${f.object.namespace ?? '-'}/${f.object.name} ${f.check} ${f.severity}${f.unknown ? ' unknown' : ''} [${f.container ?? ''}] ${f.field}`;
const objectKey = (o: { kind: string; namespace: string | null; name: string }) => `${o.kind} ${o.namespace ?? '-'}/${o.name}`;
const allFindings = (r: Report) => r.verdicts.flatMap((v) => v.findings);

describe('audit --cluster against a real API server', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  let tmp: string;
  before(async () => {
    cluster = await startCluster();
    tmp = mkdtempSync(join(tmpdir(), 'kubeready-live-'));
    // The shipped examples: production-ready in its namespace, the tutorial in default (as its manifest says).
    await cluster.apply(readFileSync(join(EXAMPLES, 'production-ready/namespace.yaml'), 'utf8'));
    for (const f of ['api.yaml', 'cronjob.yaml', 'network.yaml', 'rbac.yaml']) await cluster.apply(readFileSync(join(EXAMPLES, 'production-ready', f), 'utf8'));
    await cluster.apply(readFileSync(join(EXAMPLES, 'tutorial/app.yaml'), 'utf8'));
  });
  after(async () => {
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const live = (extra: string[], kubeconfig = cluster.adminKubeconfig) => auditJson([], {}, ['--cluster', '--kubeconfig', kubeconfig, ...extra]);

  /**
   * The same findings (check, object, container, field, severity, unknown) as auditing the manifests
   * with --complete-namespaces for the namespace (a live listing with -n holds every object of it, and
   * not those of other namespaces), on the objects both sides report, runtime checks
   * (which read status and events, and so fire on live objects only) aside. Messages match
   * too, except where the API server's defaults show: spec.replicas unset in the manifest is 1
   * live, and cluster-admin is a built-in role from the manifest's view but an object live.
   */
  async function assertSameAsManifests(namespace: string, paths: string[], stdin?: string) {
    // Runtime checks (pod status, events) fire on live objects only: they are left out on both sides.
    const runtime = allChecks.filter((c) => (c as { runtime?: true }).runtime).map((c) => c.id);
    const off = runtime.length ? ['--disable', runtime.join(',')] : [];
    const files = await auditJson(paths, { stdin }, ['--complete-namespaces', namespace, '-n', namespace, ...off]);
    const cl = await live(['-n', namespace, ...off]);
    assert.equal(cl.report.cluster?.contexts[0].status, 'ok', JSON.stringify(cl.report.cluster));
    const fileObjects = new Set(files.report.verdicts.map((v) => objectKey(v.object)));
    const liveObjects = new Set(cl.report.verdicts.map((v) => objectKey(v.object)));
    const both = [...fileObjects].filter((o) => liveObjects.has(o));
    // Every namespaced object of the manifests is reported live (cluster-scoped ones need -A).
    for (const v of files.report.verdicts) if (v.object.namespace !== null || v.object.kind === 'Namespace') assert.ok(liveObjects.has(objectKey(v.object)), `${objectKey(v.object)} not audited live`);
    // Facts about cluster-scoped objects that only the live side lists (the test cluster has no
    // IngressClass, so an Ingress naming one is ignored there; the manifests with -n say nothing of them).
    const clusterScoped = new Set(['ingress-class-missing']);
    const pick = (r: Report) => allFindings(r).filter((f) => both.includes(objectKey(f.object)) && !clusterScoped.has(f.check));
    const a = pick(files.report).map(findingKey).sort();
    const b = pick(cl.report).map(findingKey).sort();
    assert.deepEqual(b, a);
    const defaulted = new Set(['replicas-below-minimum', 'workload-rbac-blast-radius']);
    // A fact about what was listed is said of the cluster live, of the input (declared complete) from files.
    const msgs = (r: Report) => pick(r).filter((f) => !defaulted.has(f.check)).map((f) => `${findingKey(f)} ${f.message.replaceAll(' in the cluster', ' in the input')}`).sort();
    assert.deepEqual(msgs(cl.report), msgs(files.report));
    assert.ok(a.length > 0);
    return { files, live: cl, compared: a.length };
  }

  it('audits examples/production-ready like its manifests (same checks, objects, fields, messages)', async (t) => {
    const r = await assertSameAsManifests('checkout', [join(EXAMPLES, 'production-ready')]);
    t.diagnostic(`${r.compared} findings compared`);
    // The live Deployment has its manifest's verdict, survival and cost.
    const api = r.live.report.verdicts.find((v) => v.object.kind === 'Deployment' && v.object.name === 'checkout-api')!;
    const fileApi = r.files.report.verdicts.find((v) => v.object.kind === 'Deployment' && v.object.name === 'checkout-api')!;
    assert.equal(api.score, fileApi.score);
    assert.deepEqual(api.survival?.map((s) => s.outcome), fileApi.survival?.map((s) => s.outcome));
    assert.equal(api.cost?.text, fileApi.cost?.text);
  });

  it('audits examples/tutorial like its manifest (in the default namespace)', async (t) => {
    // The cluster has the Namespace object; the manifest side gets it on standard input.
    const r = await assertSameAsManifests('default', [join(EXAMPLES, 'tutorial'), '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n');
    t.diagnostic(`${r.compared} findings compared`);
    assert.equal(r.live.code, 1);
    const web = r.live.report.verdicts.find((v) => v.object.name === 'todo-web' && v.object.kind === 'Deployment')!;
    assert.equal(web.ready, false);
    assert.match(web.blastRadius!.text, /full control of the cluster/);
  });

  it('SARIF, GitHub annotations and Markdown name live objects, never a made-up file: the kubectl command they print works', async () => {
    const args = ['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'default', '--no-config'];
    const sarif = JSON.parse((await runCli([...args, '-o', 'sarif'])).stdout);
    const results = sarif.runs[0].results as Json[];
    assert.ok(results.length > 0);
    for (const r of results) {
      for (const l of [...r.locations, ...(r.relatedLocations ?? [])]) {
        assert.equal(l.physicalLocation, undefined, `live result with a file: ${JSON.stringify(l)}`);
        assert.equal(l.logicalLocations[0].properties.cluster, CTX);
        assert.match(l.logicalLocations[0].fullyQualifiedName, new RegExp(`^${CTX}/`));
      }
    }
    const github = (await runCli([...args, '-o', 'github'])).stdout;
    const annotations = github.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));
    assert.ok(annotations.length > 1);
    for (const a of annotations) assert.doesNotMatch(a, /\bfile=/, a);
    assert.match(github, new RegExp(`::error title=[^:]+::${CTX}: Deployment default/todo-web \\(spec\\.`));
    const md = (await runCli([...args, '-o', 'markdown'])).stdout;
    assert.doesNotMatch(md, new RegExp(`\\]\\(${CTX}/`), 'a link to the made-up path');
    assert.match(md, /input: 1 cluster context \(`kubeready-test`\)/);
    const commands = [...new Set([...md.matchAll(/`(kubectl --context [^`]+)`/g)].map((m) => m[1]))];
    assert.ok(commands.some((c) => c.includes('get deployment.apps/todo-web')), commands.join('\n'));
    // Every command printed shows its object (as the admin, with the test kubeconfig).
    for (const c of commands.slice(0, 8)) {
      const argv = c.split(' ').slice(1);
      const r = await cluster.kubectl(argv);
      assert.equal(r.code, 0, c);
      assert.match(r.stdout, /^kind: \w+$/m, c);
    }
  });

  it('findings point at context/namespace/Kind/name and the field path; every reference names its context', async () => {
    const { report } = await live(['-n', 'default']);
    const f = allFindings(report).find((x) => x.check === 'replicas-below-minimum' && x.object.name === 'todo-web')!;
    assert.deepEqual(f.location, { file: `${CTX}/default/Deployment/todo-web`, line: null, column: null, exact: false, doc: 0 });
    assert.equal(f.field, 'spec.replicas');
    assert.equal(f.object.cluster, CTX);
    for (const v of report.verdicts) {
      assert.equal(v.object.cluster, CTX);
      for (const x of v.findings) for (const rel of x.related) assert.equal(rel.object.cluster, CTX, `${x.check} related ${objectKey(rel.object)}`);
    }
    const text = await runCli(['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'default', '--no-config']);
    assert.match(text.stdout, new RegExp(`error   ${CTX}/default/Deployment/todo-web spec\\.replicas  replicas-below-minimum`));
    assert.match(text.stdout, new RegExp(`cluster ${CTX} \\(https://127\\.0\\.0\\.1:\\d+, v[\\d.]+\\): complete, namespace default, \\d+ objects`));
    assert.match(text.stdout, /input: 1 cluster context, \d+ objects/);
  });

  it('reports a ReplicaSet and Pods owned by a Deployment once, at the Deployment', async () => {
    await cluster.apply(`
apiVersion: v1
kind: Namespace
metadata: { name: owners }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: owners }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: app
        image: registry.example/web:1.0
---
apiVersion: v1
kind: Pod
metadata: { name: bare, namespace: owners }
spec:
  containers:
  - name: app
    image: registry.example/bare:1.0
`);
    if (cluster.has('kube-controller-manager')) {
      await cluster.waitFor('the Deployment\'s ReplicaSet and 2 Pods', async () => {
        const pods = await cluster.getJson(['pods', '-n', 'owners', '-l', 'app=web']);
        return pods.items.length === 2 && pods.items.every((p: Json) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet');
      }, { timeoutMs: 60_000 });
    } else {
      // No controller-manager: make the ReplicaSet and a Pod with the owner references it would set.
      const d = await cluster.getJson(['deployment', 'web', '-n', 'owners']);
      const rs = (await cluster.request('POST', '/apis/apps/v1/namespaces/owners/replicasets', {
        body: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'owners', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true }] }, spec: { ...d.spec, strategy: undefined, progressDeadlineSeconds: undefined, revisionHistoryLimit: undefined } },
      })).body as Json;
      await cluster.request('POST', '/api/v1/namespaces/owners/pods', {
        body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1-a', namespace: 'owners', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rs.metadata.uid, controller: true }] }, spec: d.spec.template.spec },
      });
    }
    const { report } = await live(['-n', 'owners']);
    const kinds = report.verdicts.filter((v) => v.workloadClass !== null).map((v) => objectKey(v.object)).sort();
    assert.deepEqual(kinds, ['Deployment owners/web', 'Pod owners/bare']);
    const listed = Object.fromEntries(report.cluster!.contexts[0].listed.map((l) => [l.kind, l.objects]));
    assert.ok(listed.ReplicaSet >= 1 && listed.Pod >= 2, JSON.stringify(listed));
    // A bare Pod is reported as such (nothing recreates it).
    assert.ok(allFindings(report).some((f) => f.object.name === 'bare' && f.check === 'replicas-below-minimum'));
  });

  it('-l on a workload\'s own labels still reads its pods (by the workload\'s selector) for the runtime checks', async (t) => {
    if (!cluster.has('kube-controller-manager')) return t.skip('needs the controller-manager to create the pods');
    await cluster.createNode('gold-node');
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: gold }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: shop, namespace: gold, labels: { tier: gold } }
spec:
  replicas: 2
  selector: { matchExpressions: [{ key: app, operator: In, values: [shop] }] }
  template:
    metadata: { labels: { app: shop } }
    spec:
      nodeName: gold-node
      containers: [{ name: app, image: registry.example/shop:1.0 }]
`);
    const pods = await cluster.waitFor('2 shop pods', async () => {
      const l = await cluster.getJson(['pods', '-n', 'gold', '-l', 'app=shop']);
      return l.items.length === 2 ? (l.items as Json[]) : undefined;
    }, { timeoutMs: 60_000 });
    const at = new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const p of pods) {
      await cluster.patchPodStatus('gold', p.metadata.name, {
        phase: 'Running',
        startTime: at,
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: at }],
        containerStatuses: [{ name: 'app', image: 'registry.example/shop:1.0', imageID: '', ready: false, started: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } }, lastState: { terminated: { reason: 'Error', exitCode: 1, startedAt: at, finishedAt: at } } }],
      });
    }
    const { report } = await live(['-n', 'gold', '-l', 'tier=gold', '--fail-on', 'none']);
    assert.deepEqual(report.verdicts.filter((v) => v.workloadClass !== null).map((v) => objectKey(v.object)), ['Deployment gold/shop']);
    const crash = allFindings(report).find((f) => f.check === 'crashloop-backoff');
    assert.ok(crash, JSON.stringify(allFindings(report).map((f) => f.check)));
    assert.equal(crash.object.name, 'shop');
  });

  it('-l on pod-template labels: the ReplicaSet and Pods that match are not audited as objects of their own; a warning names the Deployment', async (t) => {
    if (!cluster.has('kube-controller-manager')) return t.skip('needs the controller-manager to create the ReplicaSet');
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: tmpl }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: tmpl }
spec:
  replicas: 1
  selector: { matchLabels: { app: tmplweb } }
  template:
    metadata: { labels: { app: tmplweb } }
    spec:
      containers: [{ name: app, image: registry.example/web:1.0 }]
`);
    await cluster.waitFor('the ReplicaSet of tmpl/web', async () => (await cluster.getJson(['replicasets', '-n', 'tmpl'])).items.length > 0 || undefined, { timeoutMs: 60_000 });
    const { report } = await live(['-n', 'tmpl', '-l', 'app=tmplweb', '--fail-on', 'none']);
    assert.deepEqual(report.verdicts.map((v) => objectKey(v.object)).filter((k) => /ReplicaSet|Pod/.test(k)), []);
    const warning = report.cluster!.contexts[0].warnings.find((w) => w.startsWith('-l app=tmplweb matched'));
    assert.ok(warning, JSON.stringify(report.cluster!.contexts[0].warnings));
    assert.match(warning, /only through their pod template labels, not their controllers \(Deployment tmpl\/web\)/);
  });

  it('pages through 1,200 ConfigMaps 100 at a time and loses none', async (t) => {
    const n = 1200;
    const docs: string[] = [];
    for (let i = 0; i < n; i++) docs.push(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(4, '0')}`, namespace: 'paging' }, data: { k: String(i) } }));
    await cluster.apply('apiVersion: v1\nkind: Namespace\nmetadata: { name: paging }\n');
    const created = Date.now();
    await cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs.map((d) => JSON.parse(d)) }), timeoutMs: 300_000 });
    t.diagnostic(`created ${n} ConfigMaps in ${Date.now() - created} ms`);
    const expected = (await cluster.getJson(['configmaps', '-n', 'paging'])).items.length;
    assert.ok(expected >= n);
    const started = Date.now();
    const { report, code } = await live(['-n', 'paging', '--page-size', '100']);
    const ms = Date.now() - started;
    const ctx = report.cluster!.contexts[0];
    assert.equal(ctx.listed.find((l) => l.kind === 'ConfigMap')?.objects, expected);
    assert.equal(report.summary.objects, ctx.objects);
    assert.ok(ctx.requests >= 13, `${ctx.requests} requests`);
    assert.equal(code, 0);
    t.diagnostic(`audit --cluster -n paging --page-size 100: ${ctx.objects} objects, ${ctx.requests} requests, scan ${ctx.durationMs} ms, whole audit ${ms} ms`);
    // The same through listAll, page by page, and every name once.
    const kc = readKubeconfig({ kubeconfig: cluster.adminKubeconfig });
    const client = new KubeClient(contextConfig(kc, CTX));
    const pages: number[] = [];
    const r = await listAll(client, '/api/v1/namespaces/paging/configmaps', { pageSize: 100, onPage: (p) => void pages.push(p.items) });
    client.close();
    assert.equal(r.items.length, expected);
    assert.equal(new Set(r.items.map((x: Json) => x.metadata.name)).size, expected);
    assert.equal(r.pages, Math.ceil(expected / 100));
    assert.ok(pages.slice(0, -1).every((p) => p === 100));
  });

  it('restarts a list whose continue token expired (a real 410 Gone after an etcd compaction)', async () => {
    // Events are not served from the watch cache: an old continue token goes to etcd, which has compacted it.
    await cluster.apply('apiVersion: v1\nkind: Namespace\nmetadata: { name: expiry }\n');
    const pod = { kind: 'Pod', name: 'p', uid: '00000000-0000-0000-0000-000000000001' };
    await Promise.all(Array.from({ length: 30 }, (_, i) => cluster.createEvent({ namespace: 'expiry', involvedObject: pod, reason: 'Test', message: `event ${i}`, name: `ev-${i}` })));
    const etcd = /--etcd-servers="?\[?(http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(join(cluster.dir, 'logs/kube-apiserver.log'), 'utf8'))?.[1];
    assert.ok(etcd, 'the etcd URL is in the kube-apiserver log');
    const etcdPost = async (path: string, body: unknown) => (await fetch(`${etcd}${path}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<Json>;
    const kc = readKubeconfig({ kubeconfig: cluster.adminKubeconfig });
    const client = new KubeClient(contextConfig(kc, CTX));
    let compacted = false;
    const r = await listAll(client, '/api/v1/namespaces/expiry/events', {
      pageSize: 10,
      onPage: async () => {
        if (compacted) return;
        compacted = true;
        // After the first page: a write, then compact etcd up to now, so the page's token is too old.
        await cluster.createEvent({ namespace: 'default', involvedObject: pod, reason: 'Test', message: 'bump' });
        const rev = (await etcdPost('/v3/kv/range', { key: Buffer.from('a').toString('base64') })).header.revision;
        await etcdPost('/v3/kv/compaction', { revision: rev, physical: true });
      },
    });
    client.close();
    assert.equal(r.restarts, 1);
    assert.equal(r.items.length, 30);
    assert.equal(new Set(r.items.map((x: Json) => x.metadata.name)).size, 30);
  });

  it('an unreadable continue token is the server\'s 400, not a restart', async () => {
    const client = new KubeClient(contextConfig(readKubeconfig({ kubeconfig: cluster.adminKubeconfig }), CTX));
    await assert.rejects(listAll(client, '/api/v1/namespaces/paging/configmaps', { pageSize: 10, continueToken: 'not-a-token' }), (e: KubeApiError) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /continue/);
      return true;
    });
    client.close();
  });

  it('with no rights: every list is skipped with the server\'s reason, exit 4', async () => {
    const { report, code, stderr } = await live(['-n', 'default'], cluster.readerKubeconfig);
    assert.equal(code, 4, stderr);
    const ctx = report.cluster!.contexts[0];
    assert.equal(ctx.status, 'incomplete');
    assert.equal(report.cluster!.complete, false);
    const deploy = ctx.skipped.find((s) => s.kind === 'Deployment')!;
    assert.equal(deploy.status, 403);
    assert.match(deploy.reason, /forbidden: .*cannot list resource "deployments"/);
    assert.equal(deploy.namespace, 'default');
    assert.equal(report.verdicts.length, 0);
  });

  it('a reader with less than deploy/rbac.yaml: the readable kinds are audited, the others reported skipped, exit 4 when nothing fails', async () => {
    await cluster.apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: kubeready-test-narrow }
rules:
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list"]
`);
    await cluster.bindReader('kubeready-test-narrow');
    try {
      const r = await live(['-n', 'default'], cluster.readerKubeconfig);
      assert.equal(r.code, 1, 'the tutorial Deployments fail');
      assert.ok(r.report.verdicts.some((v) => v.object.kind === 'Deployment' && v.object.name === 'todo-web'));
      const skipped = new Set(r.report.cluster!.contexts[0].skipped.map((s) => s.kind));
      for (const k of ['Pod', 'Service', 'ConfigMap', 'PodDisruptionBudget', 'Namespace', 'ClusterRoleBinding']) assert.ok(skipped.has(k), k);
      assert.ok(!skipped.has('Deployment'));
      // Findings that rest on the absence of an unlisted kind stay unknown (no PDB found: PDBs were not listed).
      const pdb = allFindings(r.report).find((f) => f.check === 'pdb-missing' && f.object.name === 'todo-web');
      if (pdb) assert.ok(pdb.unknown, 'pdb-missing is unknown when PodDisruptionBudgets were not listed');
      const text = await runCli(['audit', '--cluster', '--kubeconfig', cluster.readerKubeconfig, '-n', 'default', '--no-config', '--fail-on', 'none']);
      assert.equal(text.code, 4);
      assert.match(text.stdout, /INCOMPLETE/);
      assert.match(text.stdout, /skipped, forbidden \(403\): Namespace, Node, .*Service in default/);
      assert.match(text.stdout, /incomplete audit: .*exit code 4/);
    } finally {
      await cluster.unbindReader('kubeready-test-narrow');
    }
  });

  it('deploy/rbac.yaml grants everything kubeready lists but Secrets: complete audit, and the reader cannot read a Secret', async () => {
    await cluster.apply(readFileSync(new URL('../../deploy/rbac.yaml', import.meta.url), 'utf8'));
    await cluster.apply('apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: default }\nstringData: { password: do-not-read-me }\n');
    await cluster.bindReader('kubeready-reader');
    try {
      const r = await live(['-A', '--fail-on', 'none'], cluster.readerKubeconfig);
      const ctx = r.report.cluster!.contexts[0];
      assert.deepEqual(ctx.skipped.map((s) => [s.kind, s.status, s.expected]), [['Secret', 403, true]]);
      assert.equal(ctx.status, 'ok');
      assert.equal(r.report.cluster!.complete, true);
      assert.equal(r.code, 0);
      assert.deepEqual(ctx.errors, []);
      // The Secret reference of the tutorial-free production example is unknown, not an error.
      const secretRef = allFindings(r.report).find((f) => f.check === 'volume-source-missing' && f.object.name === 'checkout-api');
      assert.ok(secretRef?.unknown, 'Secret "checkout-db" is unknown when Secrets cannot be listed');
      // The holder of kubeready-reader cannot read a Secret, nor list them.
      const get = await cluster.request('GET', '/api/v1/namespaces/default/secrets/db', { as: READER_USER });
      assert.equal(get.status, 403);
      const list = await cluster.request('GET', '/api/v1/secrets', { as: READER_USER });
      assert.equal(list.status, 403);
      const text = await runCli(['audit', '--cluster', '--kubeconfig', cluster.readerKubeconfig, '-A', '--no-config', '--fail-on', 'none']);
      assert.match(text.stdout, /skipped Secret: forbidden: .*\(expected with deploy\/rbac\.yaml/);
      assert.doesNotMatch(text.stdout, /INCOMPLETE|incomplete audit/);
    } finally {
      await cluster.unbindReader('kubeready-reader');
    }
  });

  it('measures "how long" up to the API server\'s clock (its Date header), not the newest timestamp among the objects', async () => {
    await cluster.createNode('clock-node');
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: clock }
---
apiVersion: v1
kind: Pod
metadata: { name: quiet, namespace: clock }
spec:
  nodeName: clock-node
  containers: [{ name: app, image: registry.example/app:1.0, readinessProbe: { httpGet: { path: /ready, port: 8080 } } }]
`);
    const since = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await cluster.patchPodStatus('clock', 'quiet', {
      phase: 'Running',
      startTime: since,
      conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: since }],
      containerStatuses: [{ name: 'app', image: 'registry.example/app:1.0', imageID: '', ready: false, started: true, restartCount: 0, state: { running: { startedAt: since } } }],
    });
    const notReady = (r: Report) => allFindings(r).filter((f) => f.check === 'container-not-ready' && f.object.namespace === 'clock');
    // Straight to the API server: not ready for about a minute, under the 5-minute threshold.
    assert.deepEqual(notReady((await live(['-n', 'clock', '--fail-on', 'none'])).report), []);
    // A server whose clock says 30 minutes later: the same pod has been not ready for 31 minutes.
    const admin = contextConfig(readKubeconfig({ kubeconfig: cluster.adminKubeconfig }), CTX);
    const proxy = await recordingProxy(cluster, null, (h) => ({ ...h, date: new Date(Date.now() + 30 * 60_000).toUTCString() }));
    try {
      const kc = writeKubeconfig(tmp, 'clock.kubeconfig', [{ name: 'ahead', server: proxy.server, token: admin.token }]);
      const [f] = notReady((await auditJson([], {}, ['--cluster', '--kubeconfig', kc, '-n', 'clock', '--fail-on', 'none'])).report);
      assert.ok(f, 'container-not-ready measured against the server clock');
      assert.match(f.message, /not Ready for 3[01]m/);
    } finally {
      await proxy.close();
    }
  });

  it('a cluster with no StorageClass: a claim that names none is Pending for good, and diagnose says why (not "the default class applies")', async () => {
    await cluster.apply(`apiVersion: v1
kind: Namespace
metadata: { name: noclass }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: noclass }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
`);
    const r = await runCli(['diagnose', 'pvc/data', '-n', 'noclass', '--kubeconfig', cluster.adminKubeconfig, '-o', 'json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const d = JSON.parse(r.stdout) as { status: string; problems: { check: string; severity: string; cause: string; evidence: { text: string }[]; fix: { text: string } }[] };
    assert.equal(d.status, 'broken');
    const [p] = d.problems;
    assert.equal(p.check, 'pvc-pending');
    assert.equal(p.severity, 'error');
    assert.match(p.cause, /no default StorageClass/);
    assert.ok(p.evidence.some((e) => e.text === 'storageClassName unset, and the cluster has no StorageClass at all'), JSON.stringify(p.evidence));
    assert.match(p.fix.text, /^The cluster has no StorageClass/);
    // The audit says so at once too (an error, not a wait for the claim to age).
    const live = await auditJson([], {}, ['--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'noclass', '--fail-on', 'none']);
    const f = allFindings(live.report).find((x) => x.check === 'pvc-pending');
    assert.equal(f?.severity, 'error', JSON.stringify(allFindings(live.report).map((x) => x.check)));
  });

  it('what is absent from a complete listing is said as a fact about the cluster, without the "if ... in the cluster either" hedge of a partial input', async () => {
    const yaml = `apiVersion: v1
kind: Namespace
metadata: { name: gaps }
---
apiVersion: v1
kind: Service
metadata: { name: orphan, namespace: gaps }
spec:
  selector: { app: ghost }
  ports: [{ port: 80 }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: gaps }
spec:
  rules:
    - host: gaps.example.com
      http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: missing-svc, port: { number: 80 } } } }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader, namespace: gaps }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: nope }
subjects: [{ kind: ServiceAccount, name: default, namespace: gaps }]
`;
    await cluster.apply(yaml);
    const live = await auditJson([], {}, ['--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'gaps', '--fail-on', 'none']);
    const got = Object.fromEntries(allFindings(live.report).filter((f) => ['service-selects-nothing', 'ingress-backend-missing', 'rbac-binding-role-missing'].includes(f.check)).map((f) => [f.check, f]));
    assert.deepEqual(Object.keys(got).sort(), ['ingress-backend-missing', 'rbac-binding-role-missing', 'service-selects-nothing']);
    for (const f of Object.values(got)) {
      assert.equal(f.unknown, null, f.check);
      assert.match(f.message, / in the cluster/, f.message);
      assert.doesNotMatch(f.message, /either|in the input|unless it is created elsewhere/, f.message);
    }
    assert.equal(got['service-selects-nothing'].message, 'selector app=ghost matches the pods of no workload in namespace "gaps" in the cluster: the Service has no endpoints and every connection to it fails');
    // The same manifests as files: unknown, hedged; declared complete: a fact about the input.
    const dir = join(tmp, 'gaps');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'gaps.yaml'), yaml);
    const partial = allFindings((await auditJson([dir], {}, ['--fail-on', 'none'])).report).find((f) => f.check === 'service-selects-nothing')!;
    assert.ok(partial.unknown);
    assert.match(partial.message, /in the input: if none exists in the cluster either/);
    const complete = allFindings((await auditJson([dir], {}, ['--complete', '--fail-on', 'none'])).report).find((f) => f.check === 'service-selects-nothing')!;
    assert.equal(complete.unknown, null);
    assert.equal(complete.message, 'selector app=ghost matches the pods of no workload in namespace "gaps" in the input: the Service has no endpoints and every connection to it fails');
  });

  it('the bundled CLI (dist/cli.mjs, what users run) audits the cluster as the sources do; diagnose too', async () => {
    const cli = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));
    for (const argv of [
      ['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'checkout', '-o', 'json', '--no-config'],
      ['diagnose', 'deployment/checkout-api', '-n', 'checkout', '--kubeconfig', cluster.adminKubeconfig, '-o', 'json'],
    ]) {
      // The scan's own timing differs from run to run; everything else is the same.
      const norm = (t: string) => t.replace(/"(durationMs|observedAt)": ?[0-9.]+/g, '"$1":0').replace(/"(at|time|now)": ?"[^"]*"/g, '"$1":""');
      // The cluster's controllers may still be adding objects between the two runs (a namespace's
      // default ServiceAccount and kube-root-ca.crt ConfigMap): compare again on a difference, up to
      // three times; a real difference between bundle and sources persists.
      for (let attempt = 1; ; attempt++) {
        const b = spawnSync(process.execPath, [cli, ...argv], { env: { PATH: process.env.PATH, HOME: tmp, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
        const s = await runCli(argv, { env: { NO_COLOR: '1' } });
        assert.doesNotMatch(b.stderr, /internal error/, b.stderr);
        if (attempt < 3 && (b.status !== s.code || norm(b.stdout) !== norm(s.stdout))) continue;
        assert.equal(b.status, s.code, b.stderr);
        assert.equal(norm(b.stdout), norm(s.stdout));
        break;
      }
    }
  });

  it('a namespace with no workload (a typo): "nothing audited", and --min-score does not pass on a score of nothing', async () => {
    const r = await runCli(['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'no-such-namespace', '--min-score', '50']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /^nothing audited: no object was read from the cluster in the scope asked for \(see above\)$/m);
    assert.doesNotMatch(r.stdout, /score 100\/100/);
    assert.match(r.stderr, /no object was read from the cluster, so there is no score to hold against --min-score 50/);
    const json = await auditJson([], {}, ['--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'no-such-namespace']);
    assert.equal(json.report.summary.score, null);
    // Without the gate: the audit could not run as asked (a mistyped namespace, a selector that matches
    // nothing), like a glob that matches no file: exit 2, one line on standard error.
    const plain = await runCli(['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'no-such-namespace']);
    assert.equal(plain.code, 2, plain.stderr);
    assert.match(plain.stderr, /^kubeready: nothing audited: no object was read from the cluster in the scope asked for \(check -n and -l; exit 2\)$/m);
    const sel = await runCli(['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-A', '-l', 'app=no-such-app']);
    assert.equal(sel.code, 2, sel.stdout + sel.stderr);
  });

  it('never requests a Secret\'s data: Secrets are listed as metadata only, and no value reaches the report', async () => {
    await cluster.apply('apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: default }\nstringData: { password: do-not-read-me }\n');
    const admin = readKubeconfig({ kubeconfig: cluster.adminKubeconfig });
    const token = contextConfig(admin, CTX).token!;
    const proxy = await recordingProxy(cluster);
    try {
      const kc = writeKubeconfig(tmp, 'proxy.kubeconfig', [{ name: 'via-proxy', server: proxy.server, token }]);
      const r = await auditJson([], {}, ['--cluster', '--kubeconfig', kc, '-A', '--fail-on', 'none']);
      assert.equal(r.report.cluster!.contexts[0].status, 'ok');
      const secretRequests = proxy.seen.filter((s) => /\/secrets\b/.test(s.path));
      assert.ok(secretRequests.length >= 1);
      for (const s of secretRequests) {
        assert.match(s.path, /^\/api\/v1\/secrets\?/, 'only the list, never one Secret');
        assert.equal(s.accept, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
      }
      assert.ok(proxy.seen.every((s) => !/watch=|\/log\b|\/exec\b/.test(s.path)));
      const out = JSON.stringify(r.report);
      assert.doesNotMatch(out, /do-not-read-me|ZG8tbm90LXJlYWQtbWU/);
      // The Secret is known to exist (the production example's Secret reference is now resolved by name only).
      const load = await loadCluster({ kubeconfig: kc, allNamespaces: true, kinds: ['Secret'] });
      const secret = load.contexts[0].resources.find((x) => x.kind === 'Secret' && x.name === 'db')!;
      assert.deepEqual(Object.keys(secret.object).sort(), ['apiVersion', 'kind', 'metadata']);
      assert.equal(secret.apiVersion, 'v1');
    } finally {
      await proxy.close();
    }
  });

  it('two contexts, one unreachable and one that never answers: both reported, the good one audited, exit 4', async (t) => {
    const admin = contextConfig(readKubeconfig({ kubeconfig: cluster.adminKubeconfig }), CTX);
    const hung = await silentServer();
    try {
      const kc = writeKubeconfig(tmp, 'multi.kubeconfig', [
        { name: 'good', server: cluster.server, token: admin.token, ca: cluster.caFile },
        { name: 'down', server: `https://127.0.0.1:${await closedPort()}`, token: 'x', ca: cluster.caFile },
        { name: 'hung', server: `https://127.0.0.1:${hung.port}`, token: 'x', ca: cluster.caFile },
      ]);
      const started = Date.now();
      const r = await auditJson([], {}, ['--cluster', '--kubeconfig', kc, '--all-contexts', '-n', 'default', '--request-timeout', '2s', '--fail-on', 'none']);
      const ms = Date.now() - started;
      t.diagnostic(`three contexts in ${ms} ms`);
      assert.ok(ms < 20_000, `${ms} ms`);
      assert.equal(r.code, 4);
      const byName = Object.fromEntries(r.report.cluster!.contexts.map((c) => [c.context, c]));
      assert.deepEqual(Object.keys(byName), ['good', 'down', 'hung']);
      assert.equal(byName.good.status, 'ok');
      assert.equal(byName.down.status, 'unreachable');
      assert.match(byName.down.errors[0], /connection refused/);
      assert.equal(byName.hung.status, 'unreachable');
      assert.match(byName.hung.errors[0], /no answer within 2 s/);
      assert.ok(r.report.verdicts.length > 0);
      assert.ok(r.report.verdicts.every((v) => v.object.cluster === 'good' && v.location.file.startsWith('good/')));
      // Several contexts: the same object in two of them is two verdicts, each with its context.
      const twice = await auditJson([], {}, ['--cluster', '--kubeconfig', kc, '--context', 'good,good', '-n', 'default']);
      assert.equal(twice.report.cluster!.contexts.length, 1, 'a context named twice is audited once');
      const both = writeKubeconfig(tmp, 'two.kubeconfig', [
        { name: 'a', server: cluster.server, token: admin.token, ca: cluster.caFile },
        { name: 'b', server: cluster.server, token: admin.token, ca: cluster.caFile },
      ]);
      const two = await auditJson([], {}, ['--cluster', '--kubeconfig', both, '--context', 'a,b', '-n', 'default']);
      const one = await auditJson([], {}, ['--cluster', '--kubeconfig', both, '--context', 'a', '-n', 'default']);
      assert.equal(two.report.verdicts.length, one.report.verdicts.length * 2);
      assert.equal(two.report.summary.findings.error, one.report.summary.findings.error * 2);
      assert.equal(two.report.summary.score, one.report.summary.score);
      assert.deepEqual(new Set(two.report.verdicts.map((v) => v.object.cluster)), new Set(['a', 'b']));
      const text = await runCli(['audit', '--cluster', '--kubeconfig', kc, '--all-contexts', '-n', 'default', '--request-timeout', '2s', '--no-config']);
      assert.match(text.stdout, /cluster down \(https:\/\/127\.0\.0\.1:\d+\): UNREACHABLE: cannot reach the API server .*connection refused/);
      assert.match(text.stdout, /input: 3 cluster contexts/);
    } finally {
      await hung.close();
    }
  });

  it('-n, -A and -l choose what is audited', async () => {
    await cluster.apply(`
apiVersion: v1
kind: Namespace
metadata: { name: sel }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: a, namespace: sel, labels: { app: a } }
spec:
  replicas: 2
  selector: { matchLabels: { app: a } }
  template:
    metadata: { labels: { app: a } }
    spec: { containers: [{ name: app, image: "registry.example/a:1.0" }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: b, namespace: sel, labels: { app: b } }
spec:
  replicas: 2
  selector: { matchLabels: { app: b } }
  template:
    metadata: { labels: { app: b } }
    spec: { containers: [{ name: app, image: "registry.example/b:1.0" }] }
---
apiVersion: v1
kind: Service
metadata: { name: a, namespace: sel, labels: { app: a } }
spec: { selector: { app: a }, ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: b, namespace: sel, labels: { app: b } }
spec: { selector: { app: b }, ports: [{ port: 80 }] }
`);
    const ns = await live(['-n', 'sel']);
    const names = (r: Report) => [...new Set(r.verdicts.map((v) => objectKey(v.object)))].sort();
    assert.ok(names(ns.report).every((n) => / sel\/|Namespace -\/sel/.test(n)), names(ns.report).join(', '));
    assert.ok(names(ns.report).includes('Deployment sel/a') && names(ns.report).includes('Deployment sel/b'));
    assert.deepEqual(ns.report.cluster!.contexts[0].namespaces, ['sel']);

    const l = await live(['-n', 'sel', '-l', 'app=a']);
    assert.deepEqual(names(l.report).filter((n) => !n.startsWith('Namespace')), ['Deployment sel/a', 'Service sel/a']);
    assert.equal(l.report.cluster!.contexts[0].selector, 'app=a');
    const lb = await live(['-n', 'sel', '-l', 'app in (b),app!=a']);
    assert.ok(names(lb.report).includes('Deployment sel/b') && !names(lb.report).includes('Deployment sel/a'));

    const all = await live(['-A']);
    const spaces = new Set(all.report.verdicts.map((v) => v.object.namespace));
    for (const n of ['sel', 'checkout', 'default']) assert.ok(spaces.has(n), n);
    assert.equal(all.report.cluster!.contexts[0].namespaces, null);
    // Kubernetes' own RBAC defaults are context, never reported.
    assert.ok(!all.report.verdicts.some((v) => v.object.name.startsWith('system:')));

    // The context's namespace is the default without -n.
    const admin = contextConfig(readKubeconfig({ kubeconfig: cluster.adminKubeconfig }), CTX);
    const kc = writeKubeconfig(tmp, 'ns.kubeconfig', [{ name: 'in-sel', server: cluster.server, token: admin.token, ca: cluster.caFile, namespace: 'sel' }]);
    const dflt = await auditJson([], {}, ['--cluster', '--kubeconfig', kc]);
    assert.deepEqual(dflt.report.cluster!.contexts[0].namespaces, ['sel']);
    // ... also through KUBECONFIG (several paths: the first file that names a context wins).
    const env = await auditJson([], { env: { NO_COLOR: '1', KUBECONFIG: `${join(tmp, 'missing')}:${kc}:${cluster.adminKubeconfig}` } }, ['--cluster']);
    assert.equal(env.report.cluster!.contexts[0].context, 'in-sel');

    const missing = await live(['-n', 'no-such-namespace']);
    assert.match(missing.report.cluster!.contexts[0].warnings.join(' '), /namespace "no-such-namespace" does not exist/);
    assert.equal(missing.code, 2, 'nothing read in the scope asked for');

    const bad = await runCli(['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-l', 'app in b', '--no-config']);
    assert.equal(bad.code, 2);
  });

  it('the JSON report (one context, several, unreachable, skipped kinds) validates against docs/report.schema.json', async () => {
    const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const admin = contextConfig(readKubeconfig({ kubeconfig: cluster.adminKubeconfig }), CTX);
    const kc = writeKubeconfig(tmp, 'schema.kubeconfig', [
      { name: 'a', server: cluster.server, token: admin.token, ca: cluster.caFile },
      { name: 'b', server: cluster.server, token: admin.token, ca: cluster.caFile },
      { name: 'down', server: `https://127.0.0.1:${await closedPort()}`, token: 'x', ca: cluster.caFile },
    ]);
    for (const r of [
      await live(['-A']),
      await live(['-n', 'default'], cluster.readerKubeconfig),
      await auditJson([], {}, ['--cluster', '--kubeconfig', kc, '--all-contexts', '-A']),
    ]) {
      assert.ok(r.report.cluster);
      assert.ok(validate(r.report), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    }
  });

  it('credentials from an exec plugin (client.authentication.k8s.io) and from a tokenFile', async () => {
    const admin = contextConfig(readKubeconfig({ kubeconfig: cluster.adminKubeconfig }), CTX);
    const plugin = join(tmp, 'cred-plugin.sh');
    writeFileSync(plugin, `#!/bin/sh\necho "$KUBERNETES_EXEC_INFO" > "${join(tmp, 'exec-info.json')}"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$ADMIN_TOKEN"\n`);
    chmodSync(plugin, 0o755);
    writeFileSync(join(tmp, 'token'), `${admin.token}\n`);
    const kc = join(tmp, 'creds.kubeconfig');
    writeFileSync(
      kc,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'exec',
        clusters: [{ name: 'c', cluster: { server: cluster.server, 'certificate-authority': cluster.caFile } }],
        users: [
          { name: 'exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './cred-plugin.sh', env: [{ name: 'ADMIN_TOKEN', value: admin.token }], interactiveMode: 'Never' } } },
          { name: 'file', user: { tokenFile: 'token' } },
        ],
        contexts: [
          { name: 'exec', context: { cluster: 'c', user: 'exec' } },
          { name: 'file', context: { cluster: 'c', user: 'file' } },
        ],
      }),
    );
    const r = await auditJson([], {}, ['--cluster', '--kubeconfig', kc, '--context', 'exec,file', '-n', 'default']);
    assert.deepEqual(r.report.cluster!.contexts.map((c) => c.status), ['ok', 'ok'], JSON.stringify(r.report.cluster));
    const info = JSON.parse(readFileSync(join(tmp, 'exec-info.json'), 'utf8'));
    assert.equal(info.kind, 'ExecCredential');
    assert.equal(info.spec.interactive, false);
  });

  it('the in-cluster config (ServiceAccount token, CA and namespace) when there is no kubeconfig', async () => {
    const admin = contextConfig(readKubeconfig({ kubeconfig: cluster.adminKubeconfig }), CTX);
    const sa = join(tmp, 'serviceaccount');
    const home = join(tmp, 'home');
    for (const d of [sa, home]) rmSync(d, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sa, { recursive: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(join(sa, 'token'), admin.token!);
    writeFileSync(join(sa, 'ca.crt'), readFileSync(cluster.caFile));
    writeFileSync(join(sa, 'namespace'), 'checkout');
    const port = new URL(cluster.server).port;
    const load = await loadCluster({ env: { HOME: home, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, home, serviceAccountDir: sa });
    const c = load.contexts[0];
    assert.equal(c.context, 'in-cluster');
    assert.equal(c.status, 'ok', c.errors.join('; '));
    assert.deepEqual(c.namespaces, ['checkout']);
    assert.ok(c.resources.some((r) => r.kind === 'Deployment' && r.name === 'checkout-api'));
  });

  it('progress goes to standard error on a terminal, never when it is not one or in CI', async () => {
    const runIo = async (stderrIsTTY: boolean, env: NodeJS.ProcessEnv) => {
      const err: string[] = [];
      const io: Io = { out: () => {}, err: (s) => void err.push(s), stdoutIsTTY: false, stderrIsTTY, env: { NO_COLOR: '1', ...env }, cwd: process.cwd() };
      const code = await run(['audit', '--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', 'paging', '--page-size', '20', '--no-config', '-o', 'json'], io);
      return { code, err: err.join('') };
    };
    const plain = await runIo(false, {});
    assert.equal(plain.err, '');
    const ci = await runIo(true, { CI: 'true' });
    assert.equal(ci.err, '');
  });
});

describe('audit --cluster: the API server stopped mid-scan', { skip: clusterSkip() }, () => {
  it('reports what was read and a clear error, without hanging', async (t) => {
    const own = await startCluster({ shared: false, controllerManager: false, scheduler: false });
    try {
      // 1,000 ConfigMaps read 5 at a time: the server is stopped while that list is being paged through.
      await own.apply('apiVersion: v1\nkind: Namespace\nmetadata: { name: big }\n');
      const items = Array.from({ length: 1000 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'big' } }));
      await own.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), timeoutMs: 300_000 });
      const kc = readKubeconfig({ kubeconfig: own.adminKubeconfig });
      let stopping: Promise<void> | null = null;
      let started = 0;
      const load = await loadContext(contextConfig(kc, CTX), {
        namespace: 'big',
        concurrency: 1,
        pageSize: 5,
        requestTimeoutMs: 5000,
        progress: (p) => {
          if (!stopping && p.kind === 'ConfigMap' && p.objects > 0) {
            started = Date.now();
            stopping = own.stopApiServer();
          }
        },
      });
      const ms = Date.now() - started;
      await stopping;
      t.diagnostic(`scan ended ${ms} ms after the stop began`);
      assert.ok(stopping, 'the ConfigMap list was reached');
      assert.ok(ms < 30_000);
      assert.equal(load.status, 'incomplete');
      assert.ok(load.listed.some((l) => l.kind === 'Namespace'), 'what was read before is kept');
      assert.match(load.errors.join(' '), /the API server stopped answering \(.*(connection refused|connection reset|closed)/);
      const cm = load.skipped.find((s) => s.kind === 'ConfigMap');
      assert.ok(cm && /not listed: the API server stopped answering/.test(cm.reason), JSON.stringify(load.skipped));
      assert.ok(!load.resources.some((r) => r.kind === 'ConfigMap'), 'a list cut short keeps nothing');
    } finally {
      await own.stop();
    }
  });
});
