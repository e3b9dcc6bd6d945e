/**
 * End to end through the CLI: `kubeready audit ./chart -f values-prod.yaml`, `kubeready audit
 * ./overlays/prod`, and a folder holding a chart, overlays and plain YAML, with the real helm and
 * kubectl kustomize (test/helpers/render-tools.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { auditJson, runCli, stackTraceLines } from '../helpers/cli.js';
import { helmTool, kustomizeTool } from '../helpers/render-tools.js';
import type { Finding, Report } from '../../src/engine/report-types.js';

const HELM_FIXTURES = fileURLToPath(new URL('../fixtures/helm/', import.meta.url));
const KUST_FIXTURES = fileURLToPath(new URL('../fixtures/kustomize/', import.meta.url));
const helm = helmTool();
const kust = kustomizeTool();
const skip = helm.skip || kust.skip;

const findings = (r: Report, check: string, name?: string): Finding[] =>
  r.verdicts.filter((v) => name === undefined || v.object.name === name).flatMap((v) => v.findings.filter((f) => f.check === check));

const PLAIN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: plain
  namespace: tools
spec:
  replicas: 1
  selector:
    matchLabels: {app: plain}
  template:
    metadata:
      labels: {app: plain}
    spec:
      containers:
        - name: plain
          image: registry.example.com/tools/plain:1.0.0
`;

describe('CLI: Helm charts and Kustomize overlays', { skip }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')));

  before(() => {
    helm.fail();
    kust.fail();
    env = { NO_COLOR: '1', KUBEREADY_HELM: helm.path ?? '' };
    // A repository with a chart, a broken chart, overlays sharing a base, and plain YAML.
    dir = mkdtempSync(join(tmpdir(), 'kubeready-render-cli-'));
    cpSync(join(HELM_FIXTURES, 'shop'), join(dir, 'chart'), { recursive: true });
    cpSync(join(HELM_FIXTURES, 'broken'), join(dir, 'charts-wip', 'broken'), { recursive: true });
    cpSync(join(KUST_FIXTURES, 'base'), join(dir, 'k8s', 'base'), { recursive: true });
    cpSync(join(KUST_FIXTURES, 'overlays'), join(dir, 'k8s', 'overlays'), { recursive: true });
    mkdirSync(join(dir, 'plain'));
    writeFileSync(join(dir, 'plain', 'app.yaml'), PLAIN);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('kubeready audit ./chart: findings at the template line, exit 1; the report names the render', async () => {
    const r = await auditJson(['./chart'], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.deepEqual(stackTraceLines(r.stderr), []);
    assert.ok(validate(r.report), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const [rep] = findings(r.report, 'replicas-below-minimum', 'shop');
    assert.equal(rep.severity, 'error');
    assert.deepEqual([rep.location.file, rep.location.line, rep.location.column, rep.location.exact], ['chart/templates/deployment.yaml', 8, 3, true]);
    assert.equal(rep.location.rendered?.render, 'chart');
    assert.ok((rep.location.rendered?.line ?? 0) > 8);
    assert.deepEqual(r.report.renders?.map((x) => [x.tool, x.path, x.releaseName, x.skippedTestHooks]), [['helm', 'chart', 'shop', 1]]);
    // The test hook Pod (busybox:latest, root) is not audited.
    assert.equal(r.report.verdicts.some((v) => v.object.kind === 'Pod'), false);
  });

  it('kubeready audit ./chart -f values-prod.yaml: the values fix replicas and resources', async () => {
    const r = await auditJson(['./chart'], { cwd: dir, env }, ['-f', 'chart/values-prod.yaml']);
    assert.equal(findings(r.report, 'replicas-below-minimum', 'shop').length, 0);
    assert.equal(findings(r.report, 'memory-limit-missing', 'shop').length, 0);
    assert.equal(r.report.verdicts.find((v) => v.object.name === 'shop')?.ready, true);
    assert.deepEqual(r.report.renders?.[0].valuesFiles, ['chart/values.yaml', 'chart/values-prod.yaml']);
  });

  it('Helm findings name the values file and line behind the template line (text, JSON, SARIF, Markdown, GitHub)', async () => {
    const r = await auditJson(['./chart'], { cwd: dir, env });
    assert.ok(validate(r.report), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const [rep] = findings(r.report, 'replicas-below-minimum', 'shop');
    assert.deepEqual(rep.location.values, [{ ref: '.Values.replicaCount', file: 'chart/values.yaml', line: 2, column: 1, exact: true }]);
    const [mem] = findings(r.report, 'memory-limit-missing', 'shop');
    assert.deepEqual(mem.location.values?.map((v) => [v.ref, v.file, v.line]), [['.Values.resources', 'chart/values.yaml', 7]]);
    const text = await runCli(['audit', './chart', '--no-config'], { cwd: dir, env });
    assert.match(text.stdout, /^ {10}value: chart\/values\.yaml:2:1 \(\.Values\.replicaCount\)$/m);
    const sarif = JSON.parse((await runCli(['audit', './chart', '-o', 'sarif', '--no-config'], { cwd: dir, env })).stdout);
    const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'replicas-below-minimum');
    assert.ok(
      res.relatedLocations.some((l: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; message: { text: string } }) =>
        l.physicalLocation.artifactLocation.uri === 'chart/values.yaml' && l.physicalLocation.region.startLine === 2 && /\.Values\.replicaCount is set here/.test(l.message.text)),
      JSON.stringify(res.relatedLocations),
    );
    const md = (await runCli(['audit', './chart', '-o', 'markdown', '--no-config'], { cwd: dir, env })).stdout;
    assert.match(md, /\(value: \[`chart\/values\.yaml:2`\]\(chart\/values\.yaml#L2\) `\.Values\.replicaCount`\)/);
    const gh = (await runCli(['audit', './chart', '-o', 'github', '--no-config'], { cwd: dir, env })).stdout;
    assert.match(gh, /title=replicas-below-minimum[^\n]*%0AValue: chart\/values\.yaml:2:1 \(\.Values\.replicaCount\)/);
  });

  it('a folder of several charts: a -f file inside one chart applies to that chart only; one outside them to all', async () => {
    const two = mkdtempSync(join(tmpdir(), 'kubeready-two-charts-'));
    try {
      cpSync(join(HELM_FIXTURES, 'shop'), join(two, 'a'), { recursive: true });
      cpSync(join(HELM_FIXTURES, 'shop'), join(two, 'b'), { recursive: true });
      writeFileSync(join(two, 'common.yaml'), 'podAnnotations:\n  team: shop\n');
      const r = await auditJson(['.'], { cwd: two, env }, ['-f', 'a/values-prod.yaml', '-f', 'common.yaml']);
      const used = Object.fromEntries((r.report.renders ?? []).map((x) => [x.path, x.valuesFiles]));
      assert.deepEqual(used, { a: ['a/values.yaml', 'a/values-prod.yaml', 'common.yaml'], b: ['b/values.yaml', 'common.yaml'] });
      const rep = (file: string) => r.report.verdicts.flatMap((v) => v.findings).filter((f) => f.check === 'replicas-below-minimum' && f.location.file === file);
      assert.equal(rep('a/templates/deployment.yaml').length, 0, 'chart a runs values-prod (3 replicas)');
      assert.equal(rep('b/templates/deployment.yaml').length, 1, 'chart b keeps its default (1 replica)');
    } finally {
      rmSync(two, { recursive: true, force: true });
    }
  });

  it('--set breaks what the values fixed; --set-string passes strings', async () => {
    const r = await auditJson(['./chart'], { cwd: dir, env }, ['-f', 'chart/values-prod.yaml', '--set', 'replicaCount=1', '--set-string', 'image.tag=latest']);
    assert.equal(findings(r.report, 'replicas-below-minimum', 'shop').length, 1);
    const [latest] = findings(r.report, 'image-tag-latest', 'shop');
    assert.deepEqual([latest.location.file, latest.location.line], ['chart/templates/deployment.yaml', 27]);
  });

  it('an exemption annotation set in a values file applies after rendering', async () => {
    const r = await auditJson(['./chart'], { cwd: dir, env }, ['-f', 'chart/values-canary.yaml']);
    const [rep] = findings(r.report, 'replicas-below-minimum', 'shop');
    assert.deepEqual(rep.exempted, { by: 'annotation', reason: 'canary release, one replica by design' });
  });

  it('config exemptions apply to rendered objects too', async () => {
    writeFileSync(join(dir, 'exempt.yaml'), 'exemptions:\n  - checks: [replicas-below-minimum]\n    names: [shop]\n    reason: reviewed\n');
    const r = await runCli(['audit', './chart', '-o', 'json', '-c', join(dir, 'exempt.yaml')], { cwd: dir, env });
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(findings(report, 'replicas-below-minimum', 'shop')[0].exempted, { by: 'config', reason: 'reviewed' });
  });

  it('kubeready audit ./k8s/overlays/prod: findings point at base and patch files', async () => {
    const r = await auditJson(['./k8s/overlays/prod'], { cwd: dir, env });
    assert.ok(validate(r.report), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const api = r.report.verdicts.find((v) => v.object.kind === 'Deployment' && v.object.name === 'api');
    assert.equal(api?.ready, true);
    assert.equal(api?.object.namespace, 'shop');
    assert.equal(api?.location.file, 'k8s/base/deployment.yaml');
    const [digest] = findings(r.report, 'image-not-pinned-by-digest', 'api');
    assert.deepEqual([digest.location.file, digest.location.line], ['k8s/overlays/prod/kustomization.yaml', 10]);
    assert.deepEqual(r.report.renders?.map((x) => [x.tool, x.path, x.command?.at(-1)]), [['kustomize', 'k8s/overlays/prod', 'k8s/overlays/prod']]);
  });

  it('a kustomize patch that breaks a check, and an exemption set in a patch', async () => {
    const r = await auditJson(['./k8s/overlays/staging'], { cwd: dir, env });
    const [latest] = findings(r.report, 'image-tag-latest', 'api');
    assert.equal(latest.severity, 'error');
    assert.deepEqual([latest.location.file, latest.location.line, latest.location.exact], ['k8s/overlays/staging/kustomization.yaml', 14, true]);
    const [rep] = findings(r.report, 'replicas-below-minimum', 'api');
    assert.deepEqual(rep.exempted, { by: 'annotation', reason: 'staging runs one replica' });
    assert.deepEqual([rep.location.file, rep.location.line], ['k8s/base/deployment.yaml', 11]);
  });

  it('the build annotations change no finding: the same findings and fingerprints as the plain kustomize output', async () => {
    const { spawnSync } = await import('node:child_process');
    const out = kust.path!.endsWith('kubectl') ? spawnSync(kust.path!, ['kustomize', 'k8s/overlays/staging'], { cwd: dir, encoding: 'utf8' }) : spawnSync(kust.path!, ['build', 'k8s/overlays/staging'], { cwd: dir, encoding: 'utf8' });
    writeFileSync(join(dir, 'staging-rendered.yaml'), out.stdout);
    const plain = await auditJson(['staging-rendered.yaml'], { cwd: dir, env });
    rmSync(join(dir, 'staging-rendered.yaml'));
    const rendered = await auditJson(['k8s/overlays/staging'], { cwd: dir, env });
    const key = (r: Report) => r.verdicts.flatMap((v) => v.findings.map((f) => `${f.check} ${f.object.kind}/${f.object.name} ${f.field} ${f.message} ${f.exempted?.by ?? ''}`)).sort();
    assert.deepEqual(key(rendered.report), key(plain.report));
    const w = await runCli(['baseline', 'write', 'b.json', 'k8s/overlays/staging'], { cwd: dir, env });
    assert.equal(w.code, 0, w.stderr);
    const again = await runCli(['audit', 'k8s/overlays/staging', '--baseline', 'b.json', '--no-config'], { cwd: dir, env });
    assert.equal(again.code, 0, again.stdout);
  });

  it('a folder with a chart, overlays, a broken chart and plain YAML: each unit rendered once, the rest read, exit 1 for the broken chart', async () => {
    const r = await auditJson(['.'], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.deepEqual(stackTraceLines(r.stderr), []);
    assert.ok(validate(r.report), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.deepEqual(r.report.renders?.map((x) => [x.tool, x.path, x.objects, x.error === undefined]), [
      ['helm', 'chart', 5, true],
      ['helm', 'charts-wip/broken', 0, false],
      ['kustomize', 'k8s/base', 0, true],
      ['kustomize', 'k8s/overlays/prod', 3, true],
      ['kustomize', 'k8s/overlays/staging', 3, true],
    ]);
    // The shop chart renders its ServiceMonitor only on clusters with the Prometheus Operator: said once.
    assert.deepEqual(r.report.problems.map((p) => [p.file, p.level]), [['chart', 'warning'], ['charts-wip/broken', 'error']]);
    assert.match(r.report.problems[0].message, /renders ServiceMonitor objects only when the cluster serves monitoring\.coreos\.com\/v1/);
    const names = r.report.verdicts.filter((v) => v.workloadClass).map((v) => `${v.object.namespace}/${v.object.name}`).sort();
    assert.deepEqual(names, ['default/shop', 'default/shop-cache', 'default/shop-migrate', 'shop-staging/api', 'shop/api', 'tools/plain']);
    // Three renders and plain YAML: the cost total adds them up, so each has its own figure (schema-valid above).
    assert.deepEqual(r.report.cost?.renders?.map((x) => x.render), ['chart', 'k8s/overlays/prod', 'k8s/overlays/staging', null]);
    const plain = r.report.verdicts.find((v) => v.object.name === 'plain');
    assert.equal(plain?.location.file, 'plain/app.yaml');
    assert.equal(plain?.location.rendered, undefined);
    // Text output: the rendered line beside each location, and what was rendered how.
    const t = await runCli(['audit', '.', '--no-config', '--compact'], { cwd: dir, env });
    assert.match(t.stdout, /chart\/templates\/deployment\.yaml:8:3 \(rendered chart:\d+\)  replicas-below-minimum/);
    assert.match(t.stdout, /^input error charts-wip\/broken: helm template failed: .*nil pointer/m);
    assert.match(t.stdout, /^rendered: helm template shop chart \(helm v3[.\d]+\): 5 objects, 1 test hook left out \(--include-test-hooks\)$/m);
    assert.match(t.stdout, /^not audited on its own: k8s\/base \(included by k8s\/overlays\/prod, k8s\/overlays\/staging; --all-kustomizations audits it\)$/m);
    assert.match(t.stdout, /^rendered: (kubectl kustomize|kustomize build) k8s\/overlays\/prod \(kustomize v[\d.]+\): 3 objects$/m);
  });

  it('--all-kustomizations audits the base too; --include-test-hooks the test hook', async () => {
    const r = await auditJson(['.'], { cwd: dir, env }, ['--all-kustomizations', '--include-test-hooks']);
    assert.equal(r.report.renders?.find((x) => x.path === 'k8s/base')?.objects, 3);
    assert.equal(r.report.verdicts.filter((v) => v.object.name === 'api' && v.object.kind === 'Deployment').length, 3);
    assert.ok(r.report.verdicts.some((v) => v.object.kind === 'Pod' && v.object.name === 'shop-test-connection'));
  });

  it('SARIF points at the template files', async () => {
    const r = await runCli(['audit', './chart', '-o', 'sarif', '--no-config'], { cwd: dir, env });
    const sarif = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = new Set(sarif.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri));
    assert.ok(uris.has('chart/templates/deployment.yaml'), [...uris].join(', '));
  });

  it('a values file that does not exist is a usage error (exit 2); Helm options without a chart are a warning', async () => {
    const r = await runCli(['audit', './chart', '-f', 'nope.yaml', '--no-config'], { cwd: dir, env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--values nope\.yaml: no such file/);
    const w = await auditJson(['plain'], { cwd: dir, env }, ['--set', 'a=b']);
    assert.match(w.report.problems.map((p) => p.message).join('\n'), /Helm options given \(--set\) but the input has no Helm chart/);
  });

  it('helm missing: one clear line for the chart, the overlays and plain files are still audited', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kubeready-empty-path-'));
    try {
      const kubectlDir = kust.path!.slice(0, kust.path!.lastIndexOf('/'));
      const r = await runCli(['audit', 'chart', 'k8s/overlays/prod', 'plain', '--no-config', '--compact'], { cwd: dir, env: { NO_COLOR: '1', KUBEREADY_HELM: '', PATH: `${empty}:${kubectlDir}` } });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^input error chart: Helm chart not rendered: helm is not installed \(not on PATH, and KUBEREADY_HELM is not set\): install helm 3, point KUBEREADY_HELM at a helm binary, or pass --no-render to audit the chart's plain YAML files only$/m);
      assert.match(r.stdout, /Deployment shop\/api/);
      assert.match(r.stdout, /Deployment tools\/plain/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('render flags and --cluster', () => {
  it('helm and kustomize flags are refused with --cluster, in one line, exit 2', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['audit', '--cluster', '-f', 'values.yaml', '--set', 'a=b']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kubeready: --values, --set: for charts and kustomizations in files, not with --cluster\n$/);
  });
});
