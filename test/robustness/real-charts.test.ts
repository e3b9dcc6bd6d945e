/**
 * Real, widely deployed Helm charts, rendered by a real helm and audited by the whole CLI, and
 * plain manifests that projects ship (Knative, Argo CD, the Prometheus operator): none are copied into
 * this repository; each is fetched (once, then cached) from the Go module
 * proxy as part of its project's Go module, at a pinned version, with the machine's Go.
 *
 * What must hold on every one: it renders, nothing crashes, no check fails internally, every
 * finding points at a line that exists in the chart's template, and every values pointer
 * (`location.values`) at a values.yaml line that holds the key it names (or, when not exact, an
 * ancestor of it). Plus the false positives these charts once showed, pinned down. And four of them
 * applied to the test cluster: audited live, they give the same findings and messages as their
 * manifests.
 *
 * Locally, without Go or the proxy, the suite skips with the reason; under CI it fails instead.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditJson, stackTraceLines, type CliResult } from '../helpers/cli.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { helmTool } from '../helpers/render-tools.js';
import { which } from '../../src/sources/render.js';
import { allChecks } from '../../src/checks/index.js';
import type { Finding, Report } from '../../src/engine/report-types.js';

interface Chart {
  module: string;
  version: string;
  /** The chart's folder inside the module. */
  charts: string[];
}

const CHARTS: Chart[] = [
  { module: 'github.com/cert-manager/cert-manager', version: 'v1.21.2', charts: ['deploy/charts/cert-manager'] },
  { module: 'sigs.k8s.io/metrics-server', version: 'v0.9.0', charts: ['charts/metrics-server'] },
  { module: 'sigs.k8s.io/descheduler', version: 'v0.36.0', charts: ['charts/descheduler'] },
  { module: 'sigs.k8s.io/external-dns', version: 'v0.20.0', charts: ['charts/external-dns'] },
  { module: 'k8s.io/ingress-nginx', version: 'v0.0.0-20240708192948-52c50467d67d', charts: ['charts/ingress-nginx'] },
  { module: 'github.com/open-policy-agent/gatekeeper/v3', version: 'v3.23.1', charts: ['charts/gatekeeper'] },
  { module: 'github.com/bitnami-labs/sealed-secrets', version: 'v0.40.0', charts: ['helm/sealed-secrets'] },
  { module: 'sigs.k8s.io/kueue', version: 'v0.17.0', charts: ['charts/kueue'] },
  { module: 'github.com/cilium/cilium', version: 'v1.20.2', charts: ['install/kubernetes/cilium'] },
  {
    module: 'istio.io/istio',
    version: 'v0.0.0-20260827124520-eed52ebb66ad',
    charts: ['manifests/charts/gateway', 'manifests/charts/istio-control/istio-discovery', 'manifests/charts/ztunnel', 'manifests/charts/istio-cni'],
  },
];

/** Plain manifests shipped by projects: a folder or files inside the module. */
const RAW: Chart[] = [
  // Knative's config is ko-built: images are ko://import/path placeholders.
  { module: 'knative.dev/serving', version: 'v0.51.0', charts: ['config/core'] },
  { module: 'github.com/argoproj/argo-cd/v3', version: 'v3.2.0', charts: ['manifests/install.yaml', 'manifests/ha/install.yaml'] },
  { module: 'github.com/prometheus-operator/prometheus-operator', version: 'v0.85.0', charts: ['bundle.yaml'] },
];

const inCI = () => Boolean(process.env.CI);
const helm = helmTool();

/** The module's folder in the Go module cache, downloading it first if needed. */
function moduleDir(m: Chart): { dir: string } | { error: string } {
  const r = spawnSync('go', ['mod', 'download', '-json', `${m.module}@${m.version}`], {
    encoding: 'utf8',
    timeout: 10 * 60_000,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
  });
  try {
    const j = JSON.parse(r.stdout) as { Dir?: string; Error?: string };
    if (j.Dir && existsSync(j.Dir)) return { dir: j.Dir };
    return { error: `${m.module}@${m.version}: ${j.Error ?? 'no Dir'}` };
  } catch {
    return { error: `${m.module}@${m.version}: go mod download failed: ${(r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}` };
  }
}

const noGo = which('go', process.env) ? false : 'no Go toolchain to fetch the charts from the Go module proxy';
const skip = helm.skip || (noGo && !inCI() ? noGo : false);

describe('real Helm charts (fetched from the Go module proxy at pinned versions)', { skip }, () => {
  let cache = '';
  let paths: string[] = [];
  let run: CliResult & { report: Report };
  let rawPaths: string[] = [];
  let rawRun: CliResult & { report: Report };

  before(async () => {
    helm.fail();
    if (noGo) throw new Error(`${noGo} (CI is set: these tests must run)`);
    const dirs: string[] = [];
    const errors: string[] = [];
    for (const m of CHARTS) {
      const d = moduleDir(m);
      if ('error' in d) errors.push(d.error);
      else for (const c of m.charts) dirs.push(join(d.dir, c));
    }
    if (errors.length) {
      if (inCI()) throw new Error(`fetching the charts failed: ${errors.join('; ')}`);
      // Locally (no proxy, say): what was fetched is still audited.
      process.stderr.write(`real-charts: not fetched: ${errors.join('; ')}\n`);
    }
    assert.ok(dirs.length > 0, 'no chart could be fetched');
    const gomodcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
    cache = gomodcache;
    // Paths relative to the module cache: readable locations (github.com/cert-manager/cert-manager@v1.21.2/...).
    paths = dirs.map((d) => d.slice(cache.length + 1));
    run = await auditJson(paths, { cwd: cache, env: { NO_COLOR: '1', KUBEREADY_HELM: helm.path! } });
    const raw: string[] = [];
    for (const m of RAW) {
      const d = moduleDir(m);
      if ('error' in d) errors.push(d.error);
      else for (const c of m.charts) raw.push(join(d.dir, c).slice(cache.length + 1));
    }
    if (errors.length && inCI()) throw new Error(`fetching the manifests failed: ${errors.join('; ')}`);
    rawPaths = raw;
    rawRun = await auditJson(raw, { cwd: cache });
  });

  it('every chart renders; exit 0 or 1, no stack trace, no internal check failure, no input error', () => {
    assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr.slice(0, 2000)}`);
    assert.deepEqual(stackTraceLines(run.stdout + run.stderr), []);
    assert.deepEqual(run.report.problems.map((p) => `${p.file}: ${p.message}`), []);
    const renders = run.report.renders ?? [];
    assert.equal(renders.length, paths.length);
    for (const r of renders) assert.ok(r.objects > 0 && r.error === undefined, `${r.path}: ${r.objects} objects, ${r.error ?? ''}`);
    assert.ok(run.report.summary.workloads >= 20, `${run.report.summary.workloads} workloads`);
  });

  it('every finding points at a line of its template; every values pointer at the line of its key (or of an ancestor, not exact)', () => {
    const lines = new Map<string, string[]>();
    const linesOf = (file: string) => {
      let l = lines.get(file);
      if (!l) lines.set(file, (l = readFileSync(join(cache, file), 'utf8').split('\n')));
      return l;
    };
    let located = 0;
    let values = 0;
    for (const v of run.report.verdicts) {
      for (const f of v.findings) {
        const loc = f.location;
        assert.ok(paths.some((p) => loc.file.startsWith(`${p}/templates/`) || loc.file.startsWith(`${p}/charts/`)), `${f.check}: ${loc.file} is not a template of an audited chart`);
        if (loc.line !== null) {
          assert.ok(loc.line >= 1 && loc.line <= linesOf(loc.file).length, `${f.check}: ${loc.file}:${loc.line} does not exist`);
          located++;
        }
        for (const x of loc.values ?? []) {
          if (x.file === '--set') continue;
          assert.ok(x.line !== null, `${f.check}: ${x.ref} in ${x.file} without a line`);
          const text = linesOf(x.file)[x.line - 1] ?? '';
          const keys = x.ref.replace(/^\.Values\./, '').split('.');
          const wanted = x.exact ? [keys[keys.length - 1]] : keys;
          assert.ok(
            wanted.some((k) => new RegExp(`^\\s*(- )?["']?${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`).test(text)),
            `${f.check} on ${v.object.kind}/${v.object.name}: ${x.ref} -> ${x.file}:${x.line} is ${JSON.stringify(text)}`,
          );
          values++;
        }
      }
    }
    assert.ok(located > 300, `only ${located} findings with a template line`);
    assert.ok(values > 100, `only ${values} values pointers`);
  });

  it('Istio\'s gateway: the istio-proxy placeholder (image: auto) gets no image or probe findings', () => {
    const gw = run.report.verdicts.find((v) => v.object.kind === 'Deployment' && v.object.name === 'gateway');
    assert.ok(gw, 'the gateway Deployment is in the report');
    const wrong = gw.findings.filter((f) => f.container === 'istio-proxy' && /^(image-|liveness-probe-missing|readiness-probe-missing)/.test(f.check));
    assert.deepEqual(wrong.map((f) => f.check), []);
    // What the chart does write on the container is still checked.
    assert.ok(gw.findings.some((f) => f.container === 'istio-proxy' && f.check === 'resource-overcommit-ratio'));
  });

  it('cert-manager\'s controller (ports http-metrics and http-healthz only): a missing readiness probe is a warning, not an error', () => {
    const cm = run.report.verdicts.find((v) => v.object.kind === 'Deployment' && v.object.name === 'cert-manager');
    assert.ok(cm);
    const r = cm.findings.filter((f) => f.check === 'readiness-probe-missing');
    assert.deepEqual(r.map((f) => f.severity), ['warning']);
  });

  it('plain manifests (Knative serving config, Argo CD install and HA install, the Prometheus operator bundle): no input error, every line exists, ko:// images are not ":latest"', () => {
    assert.ok(rawRun.code === 0 || rawRun.code === 1, `exit ${rawRun.code}: ${rawRun.stderr.slice(0, 2000)}`);
    assert.deepEqual(stackTraceLines(rawRun.stdout + rawRun.stderr), []);
    assert.deepEqual(rawRun.report.problems.map((p) => `${p.file}: ${p.message}`), []);
    assert.ok(rawRun.report.summary.workloads >= 15, `${rawRun.report.summary.workloads} workloads`);
    for (const v of rawRun.report.verdicts) {
      for (const f of v.findings) {
        assert.ok(rawPaths.some((p) => f.location.file.startsWith(p)), `${f.check}: ${f.location.file}`);
        if (f.location.line !== null) assert.ok(f.location.line <= readFileSync(join(cache, f.location.file), 'utf8').split('\n').length, `${f.location.file}:${f.location.line}`);
      }
    }
    const knative = rawRun.report.verdicts.filter((v) => v.object.namespace === 'knative-serving' && v.workloadClass !== null);
    assert.ok(knative.length >= 4, `${knative.length} Knative workloads`);
    const ko = knative.flatMap((v) => v.findings.filter((f) => f.check.startsWith('image-')).map((f) => `${v.object.name}: ${f.check}`));
    assert.deepEqual(ko, []);
    // Knative probes its webhook every second with the minimum 1 s timeout: nothing shorter exists.
    const webhook = knative.find((v) => v.object.name === 'webhook');
    assert.ok(webhook);
    assert.deepEqual(webhook.findings.filter((f) => f.check === 'probe-timeout-not-below-period').map((f) => f.message), []);
    // Argo CD leaves container ports unnamed and names them in argocd-server-metrics: metrics are exposed.
    const server = rawRun.report.verdicts.filter((v) => v.object.kind === 'Deployment' && v.object.name === 'argocd-server');
    assert.equal(server.length, 2, 'argocd-server from install.yaml and ha/install.yaml');
    for (const v of server) {
      assert.equal(v.findings.some((f) => f.check === 'metrics-not-exposed'), false);
      assert.match(v.findings.find((f) => f.check === 'metrics-not-scraped')?.message ?? '', /port "metrics" of Service "argocd-server-metrics"/);
    }
  });

  it('values read inside a named template: metrics-server builds its image with `include "metrics-server.image" .`', () => {
    const ms = run.report.verdicts.find((v) => v.object.kind === 'Deployment' && v.object.name === 'metrics-server');
    assert.ok(ms);
    const pin = ms.findings.find((f) => f.check === 'image-not-pinned-by-digest');
    assert.ok(pin, 'the image is pinned by tag only');
    assert.deepEqual(pin.location.values?.map((x) => x.ref), ['.Values.image.repository', '.Values.image.tag']);
  });

  it('cilium: probes on 127.0.0.1 of host-networked pods are no lying probe, but a PodSecurity baseline violation (any probe host is)', () => {
    const cilium = run.report.verdicts.filter((v) => v.object.name.startsWith('cilium'));
    assert.ok(cilium.length >= 3);
    const lying = cilium.flatMap((v) => v.findings.filter((f) => f.check === 'probe-host-loopback').map((f) => `${v.object.name}: ${f.message}`));
    assert.deepEqual(lying, []);
    const agent = cilium.find((v) => v.object.kind === 'DaemonSet' && v.object.name === 'cilium');
    assert.match(agent?.findings.find((f) => f.check === 'host-probes')?.message ?? '', /host: "127\.0\.0\.1"/);
    assert.equal(agent?.podSecurity, 'privileged');
  });

  it('values traced through with: cert-manager writes resources as `{{- with .Values.webhook.resources }} resources: {{- toYaml . }}`', () => {
    const webhook = run.report.verdicts.find((v) => v.object.kind === 'Deployment' && v.object.name === 'cert-manager-webhook');
    assert.ok(webhook);
    const limit = webhook.findings.find((f) => f.check === 'memory-limit-missing');
    assert.ok(limit, 'the webhook has no memory limit by default');
    assert.deepEqual(limit.location.values?.map((x) => [x.ref, x.file.endsWith('/deploy/charts/cert-manager/values.yaml'), x.exact]), [['.Values.webhook.resources', true, true]]);
  });
});

/**
 * The same charts as live objects: rendered into their usual namespaces, applied to the test
 * cluster (a real API server, which defaults fields and returns maps sorted), then audited with
 * --cluster and, from the very YAML that was applied, as manifests. Per namespace, on the objects
 * both sides report, the findings (check, object, container, field, severity, unknown) and their
 * messages must be the same; runtime checks (pod status, events: live only) are off on both sides.
 * Webhook configurations and monitoring objects are left out of both (no webhook server runs here,
 * and the cluster has no Prometheus CRDs).
 */
describe('real Helm charts: as manifests and live in a real API server, the same findings', { skip: skip || clusterSkip() }, () => {
  const RELEASES = [
    { module: 'github.com/cert-manager/cert-manager', chart: 'deploy/charts/cert-manager', release: 'cert-manager', namespace: 'cert-manager' },
    { module: 'k8s.io/ingress-nginx', chart: 'charts/ingress-nginx', release: 'ingress-nginx', namespace: 'ingress-nginx' },
    { module: 'istio.io/istio', chart: 'manifests/charts/gateway', release: 'gateway', namespace: 'istio-ingress' },
    { module: 'sigs.k8s.io/metrics-server', chart: 'charts/metrics-server', release: 'metrics-server', namespace: 'metrics' },
  ];
  let cluster: TestCluster;
  let tmp: string;
  const files = new Map<string, string>();
  const runtime = allChecks.filter((c) => (c as { runtime?: true }).runtime).map((c) => c.id);
  const off = ['--disable', runtime.join(',')];

  before(async () => {
    helm.fail();
    tmp = mkdtempSync(join(tmpdir(), 'kubeready-real-live-'));
    cluster = await startCluster();
    for (const r of RELEASES) {
      const m = CHARTS.find((c) => c.module === r.module)!;
      const d = moduleDir(m);
      if ('error' in d) throw new Error(d.error);
      const out = spawnSync(helm.path!, ['template', r.release, join(d.dir, r.chart), '--namespace', r.namespace], { encoding: 'utf8', maxBuffer: 1 << 26 });
      assert.equal(out.status, 0, out.stderr);
      const docs = out.stdout
        .split(/^---\s*$/m)
        .filter((doc) => /^kind:/m.test(doc) && !/^kind:\s*(MutatingWebhookConfiguration|ValidatingWebhookConfiguration|ServiceMonitor|PodMonitor|PrometheusRule)\s*$/m.test(doc));
      const yaml = docs.join('\n---\n');
      const file = join(tmp, `${r.release}.yaml`);
      writeFileSync(file, yaml);
      files.set(r.namespace, file);
      await cluster.apply(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${r.namespace}\n`);
      await cluster.apply(yaml);
    }
  });
  after(async () => {
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const key = (f: Finding) => `${f.object.kind} ${f.object.namespace ?? '-'}/${f.object.name} ${f.check} ${f.severity}${f.unknown ? ' unknown' : ''} [${f.container ?? ''}] ${f.field}`;
  const objectKey = (o: { kind: string; namespace: string | null; name: string }) => `${o.kind} ${o.namespace ?? '-'}/${o.name}`;

  for (const r of RELEASES) {
    it(`${r.release} in namespace ${r.namespace}`, async (t) => {
      const ns = r.namespace;
      const manifests = await auditJson([files.get(ns)!, '-'], { stdin: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n` }, ['--complete-namespaces', ns, '-n', ns, ...off]);
      const live = await auditJson([], {}, ['--cluster', '--kubeconfig', cluster.adminKubeconfig, '-n', ns, ...off]);
      assert.equal(live.report.cluster?.contexts[0].status, 'ok', JSON.stringify(live.report.cluster));
      const liveObjects = new Set(live.report.verdicts.map((v) => objectKey(v.object)));
      // Every object of the namespace is there live (cluster-scoped ones and other namespaces' need -A).
      for (const v of manifests.report.verdicts) if (v.object.namespace === ns) assert.ok(liveObjects.has(objectKey(v.object)), `${objectKey(v.object)} not audited live`);
      const both = new Set(manifests.report.verdicts.map((v) => objectKey(v.object)).filter((o) => liveObjects.has(o)));
      const pick = (rep: Report) => rep.verdicts.flatMap((v) => v.findings).filter((f) => both.has(objectKey(f.object)));
      const a = pick(manifests.report);
      const b = pick(live.report);
      assert.deepEqual(b.map(key).sort(), a.map(key).sort());
      // Messages too, except where the API server's defaulting shows in them: replicas unset is 1
      // live; a quantity reads as the API server canonicalizes it (1024Mi -> 1Gi, 2000m -> 2). What a
      // complete listing lacks is said of the cluster live, of the input (declared complete) from files.
      const defaulted = new Set(['replicas-below-minimum', 'resource-overcommit-ratio']);
      const msgs = (l: Finding[]) => l.filter((f) => !defaulted.has(f.check)).map((f) => `${key(f)} ${f.message.replaceAll(' in the cluster', ' in the input')}`).sort();
      assert.deepEqual(msgs(b), msgs(a));
      assert.ok(a.length > 5, `${a.length} findings compared`);
      t.diagnostic(`${a.length} findings compared on ${both.size} objects`);
    });
  }
});

