/**
 * Helm charts as input (src/sources/helm.ts), rendered with a real helm (test/helpers/render-tools.ts):
 * the fixture chart test/fixtures/helm/shop (a subchart, several values files, a test hook and a
 * non-test hook, two documents in one template, capabilities), a chart whose template fails and one
 * whose dependency is missing.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInputs, type FilesResult } from '../../src/sources/files.js';
import { isTestHook, redactSet, releaseNameFor } from '../../src/sources/helm.js';
import type { HelmOptions } from '../../src/sources/render.js';
import { loadPlan } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';
import type { FieldPath, Resource } from '../../src/model/types.js';
import { helmTool } from '../helpers/render-tools.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/helm/', import.meta.url));
const helm = helmTool();

function load(paths: string[], h: HelmOptions = {}, env: NodeJS.ProcessEnv = { KUBEREADY_HELM: helm.path ?? '' }): Promise<FilesResult> {
  return loadInputs(paths, { cwd: FIXTURES, ...loadPlan(allChecks), render: { helm: h, env } });
}

function find(r: FilesResult, kind: string, name: string): Resource {
  const x = r.resources.find((o) => o.kind === kind && o.name === name);
  assert.ok(x, `${kind}/${name} not in ${r.resources.map((o) => `${o.kind}/${o.name}`).join(', ')}`);
  return x;
}

function at(res: Resource, path: FieldPath) {
  const l = res.origin.locate(path);
  assert.ok(l);
  return l;
}

/** The 1-based line of the first line of `text` that matches. */
function lineOf(text: string, re: RegExp, from = 1): number {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) if (re.test(lines[i])) return i + 1;
  throw new Error(`${re} not found`);
}

describe('helm: pure helpers', () => {
  it('test hooks are helm.sh/hook test or test-success, in a list or alone', () => {
    const obj = (hook: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { annotations: { 'helm.sh/hook': hook } } });
    assert.equal(isTestHook(obj('test')), true);
    assert.equal(isTestHook(obj('pre-install, test-success')), true);
    assert.equal(isTestHook(obj('pre-install,post-upgrade')), false);
    assert.equal(isTestHook({ apiVersion: 'v1', kind: 'Pod', metadata: {} }), false);
  });
  it('release names are DNS labels of at most 53 characters', () => {
    assert.equal(releaseNameFor('shop'), 'shop');
    assert.equal(releaseNameFor('My_Chart'), 'my-chart');
    assert.equal(releaseNameFor('x'.repeat(80)).length, 53);
    assert.equal(releaseNameFor('___'), 'release');
  });
  it('--set values of secret-looking keys are redacted in the report', () => {
    assert.equal(redactSet('replicaCount=3,db.password=hunter2'), 'replicaCount=3,db.password=<redacted>');
    assert.equal(redactSet('auth.token=abc'), 'auth.token=<redacted>');
    assert.equal(redactSet('tls.key=x,image.tag=1.2'), 'tls.key=<redacted>,image.tag=1.2');
    assert.equal(redactSet('a=1\\,2'), 'a=1\\,2');
  });
});

describe('helm: charts rendered with helm template', { skip: helm.skip }, () => {
  before(() => helm.fail());

  it('renders the chart with its subchart; the test hook is left out, the other hook audited', async () => {
    const r = await load(['shop']);
    // Its ServiceMonitor needs the Prometheus Operator's API, which helm template does not assume: said once.
    assert.deepEqual(r.problems.map((p) => [p.file, p.level]), [['shop', 'warning']]);
    const names = r.resources.map((o) => `${o.kind}/${o.name}`).sort();
    assert.deepEqual(names, ['Deployment/shop', 'Deployment/shop-cache', 'Job/shop-migrate', 'Service/shop', 'ServiceAccount/shop']);
    assert.equal(r.renders?.length, 1);
    const info = r.renders![0];
    assert.equal(info.tool, 'helm');
    assert.equal(info.path, 'shop');
    assert.equal(info.releaseName, 'shop');
    assert.equal(info.skippedTestHooks, 1);
    assert.equal(info.objects, 5);
    assert.deepEqual(info.valuesFiles, ['shop/values.yaml']);
    assert.deepEqual(info.command, ['helm', 'template', 'shop', 'shop']);
    assert.match(info.version ?? '', /^helm v3\.\d+\.\d+/);
    // Every object of the chart shares one scope (the chart), whatever its template.
    assert.ok(r.resources.every((o) => o.origin.file === 'shop/Chart.yaml'));
    // The non-test hook keeps its hook annotation and is audited.
    assert.equal(isTestHook(find(r, 'Job', 'shop-migrate').object), false);
  });

  it('--include-test-hooks audits the test hook too', async () => {
    const r = await load(['shop'], { includeTestHooks: true });
    const pod = find(r, 'Pod', 'shop-test-connection');
    assert.equal(at(pod, ['spec', 'containers', 0, 'image']).file, 'shop/templates/tests/test-connection.yaml');
    assert.equal(r.renders![0].skippedTestHooks, 0);
  });

  it('locations: the template file and line, and the line in the rendered output', async () => {
    const r = await load(['shop']);
    const rendered = spawnSync(helm.path!, ['template', 'shop', 'shop'], { cwd: FIXTURES, encoding: 'utf8' }).stdout;
    const web = find(r, 'Deployment', 'shop');
    // A field written in the template with a value from the values: that line, exact.
    const replicas = at(web, ['spec', 'replicas']);
    assert.equal(replicas.file, 'shop/templates/deployment.yaml');
    assert.equal(replicas.line, 8);
    assert.equal(replicas.column, 3);
    assert.equal(replicas.exact, true);
    assert.equal(replicas.rendered?.render, 'shop');
    assert.equal(replicas.rendered?.source, 'shop/templates/deployment.yaml');
    const deploymentStart = lineOf(rendered, /^# Source: shop\/templates\/deployment.yaml/);
    assert.equal(replicas.rendered?.line, lineOf(rendered, /^  replicas: 1$/, deploymentStart));
    // List items by position and key: the image line of container 0.
    const image = at(web, ['spec', 'template', 'spec', 'containers', 0, 'image']);
    assert.deepEqual([image.line, image.column, image.exact], [27, 11, true]);
    // A field that is not there: where it belongs, as deep as the template's literal keys go
    // (resources come from toYaml .Values.resources), not exact.
    const limits = at(web, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu']);
    assert.deepEqual([limits.file, limits.line, limits.exact], ['shop/templates/deployment.yaml', 43, false]);
    // Keys produced by an include: the deepest literal key (labels:), not exact.
    const label = at(web, ['metadata', 'labels', 'app.kubernetes.io/name']);
    assert.deepEqual([label.line, label.exact], [5, false]);
    // The object itself: the first line of its template.
    assert.equal(at(web, []).line, 1);
  });

  it('values: where the values a template line reads are set, with Helm\'s precedence (--set, -f files last first, the charts\' values.yaml)', async () => {
    const values = (r: FilesResult, kind: string, name: string, path: FieldPath) => at(find(r, kind, name), path).values?.map((v) => [v.ref, v.file, v.line, v.column, v.exact]);
    const limits: FieldPath = ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'];
    const defaults = await load(['shop']);
    // `replicas: {{ .Values.replicaCount }}`: the line of replicaCount in the chart's values.yaml.
    assert.deepEqual(values(defaults, 'Deployment', 'shop', ['spec', 'replicas']), [['.Values.replicaCount', 'shop/values.yaml', 2, 1, true]]);
    // A missing field under `resources:` written by `{{- toYaml .Values.resources | nindent 12 }}`: resources: {}.
    assert.deepEqual(values(defaults, 'Deployment', 'shop', limits), [['.Values.resources', 'shop/values.yaml', 7, 1, true]]);
    // Two references on one line.
    assert.deepEqual(values(defaults, 'Deployment', 'shop', ['spec', 'template', 'spec', 'containers', 0, 'image']), [
      ['.Values.image.repository', 'shop/values.yaml', 4, 3, true],
      ['.Values.image.tag', 'shop/values.yaml', 5, 3, true],
    ]);
    // A literal line reads no value.
    assert.equal(at(find(defaults, 'Deployment', 'shop'), ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort']).values, undefined);
    // A subchart reads its own values.yaml ...
    assert.deepEqual(values(defaults, 'Deployment', 'shop-cache', ['spec', 'replicas']), [['.Values.replicas', 'shop/charts/cache/values.yaml', 1, 1, true]]);
    // ... unless the parent's values set it under the subchart's name.
    const cache = await load(['shop'], { values: ['shop/values-cache.yaml'] });
    assert.deepEqual(values(cache, 'Deployment', 'shop-cache', ['spec', 'replicas']), [['.Values.replicas', 'shop/values-cache.yaml', 3, 3, true]]);
    // -f files override values.yaml, the last one first; --set overrides them all.
    const prod = await load(['shop'], { values: ['shop/values-prod.yaml', 'shop/values-canary.yaml'] });
    assert.deepEqual(values(prod, 'Deployment', 'shop', ['spec', 'replicas']), [['.Values.replicaCount', 'shop/values-prod.yaml', 2, 1, true]]);
    assert.deepEqual(values(prod, 'Deployment', 'shop', limits), [['.Values.resources', 'shop/values-prod.yaml', 3, 1, true]]);
    const set = await load(['shop'], { values: ['shop/values-prod.yaml'], set: ['replicaCount=5', 'cache.replicas=4'] });
    assert.deepEqual(values(set, 'Deployment', 'shop', ['spec', 'replicas']), [['.Values.replicaCount', '--set', null, null, true]]);
    assert.deepEqual(values(set, 'Deployment', 'shop-cache', ['spec', 'replicas']), [['.Values.replicas', '--set', null, null, true]]);
    assert.deepEqual(values(set, 'Deployment', 'shop', limits), [['.Values.resources', 'shop/values-prod.yaml', 3, 1, true]]);
    // --set of a key below the value changes only part of it: the file still says where the rest is.
    const part = await load(['shop'], { set: ['resources.limits.cpu=1'] });
    assert.deepEqual(values(part, 'Deployment', 'shop', limits), [['.Values.resources', 'shop/values.yaml', 7, 1, true]]);
  });

  it('values through with, range, variables and index: the value behind `toYaml .`, `.resources`, `$probe.path`', async () => {
    const r = await load(['scoped']);
    const api = find(r, 'Deployment', 'scoped-api');
    const values = (path: FieldPath) => at(api, path).values?.map((v) => [v.ref, v.file, v.line, v.column, v.exact]);
    const c: FieldPath = ['spec', 'template', 'spec', 'containers', 0];
    // `securityContext:` then `{{- toYaml . | nindent 8 }}` inside `{{- with .Values.podSecurityContext }}`.
    assert.deepEqual(values(['spec', 'template', 'spec', 'securityContext', 'runAsNonRoot']), [['.Values.podSecurityContext', 'scoped/values.yaml', 5, 1, true]]);
    // `{{- toYaml .resources }}` and `{{- toYaml .securityContext }}` inside `{{- with .Values.container }}`.
    assert.deepEqual(values([...c, 'resources', 'limits', 'memory']), [['.Values.container.resources', 'scoped/values.yaml', 10, 3, true]]);
    assert.deepEqual(values([...c, 'securityContext', 'runAsNonRoot']), [['.Values.container.securityContext', 'scoped/values.yaml', 8, 3, true]]);
    // An item written by `{{- range .Values.env }}`: the list (which item is not known from the template).
    assert.deepEqual(values([...c, 'env', 0, 'value']), [['.Values.env', 'scoped/values.yaml', 11, 1, true]]);
    // A variable bound by `index .Values "probe-settings"` (a key that is not an identifier).
    assert.deepEqual(values([...c, 'readinessProbe', 'httpGet', 'path']), [['.Values.probe-settings.path', 'scoped/values.yaml', 15, 3, true]]);
    // Outside the with, its dot is gone; .Release reads no value; a comment mentioning .Values is no read.
    assert.equal(at(api, [...c, 'livenessProbe', 'httpGet', 'path']).values, undefined);
    assert.equal(at(api, [...c, 'name']).values, undefined);
    // A missing field under `spec:` (which has literal keys under it) is not read from the
    // `{{- with .Values.podSecurityContext }}` that happens to be its first line.
    const sa = at(api, ['spec', 'template', 'spec', 'serviceAccountName']);
    assert.deepEqual([sa.line, sa.values], [14, undefined]);
    assert.deepEqual(values(['spec', 'replicas']), [['.Values.replicaCount', 'scoped/values.yaml', 1, 1, true]]);
    // `image: {{ include "scoped.image" . | quote }}`: the values the named template reads (templates/_helpers.tpl).
    assert.deepEqual(values([...c, 'image']), [
      ['.Values.image.tag', 'scoped/values.yaml', 4, 3, true],
      ['.Values.image.repository', 'scoped/values.yaml', 3, 3, true],
    ]);
  });

  it('list items added by a range: the item line of the range, not exact; literal items before it stay exact', async () => {
    const r = await load(['shop'], { set: ['sidecars[0].name=proxy,sidecars[0].image=registry.example.com/proxy:1.30.2'] });
    const web = find(r, 'Deployment', 'shop');
    const sidecar = at(web, ['spec', 'template', 'spec', 'containers', 1, 'image']);
    assert.deepEqual([sidecar.line, sidecar.exact], [47, false]);
    const image = at(web, ['spec', 'template', 'spec', 'containers', 0, 'image']);
    assert.deepEqual([image.line, image.exact], [27, true]);
  });

  it('two documents in one template: each object is located in its own document', async () => {
    const r = await load(['shop']);
    const sa = at(find(r, 'ServiceAccount', 'shop'), ['automountServiceAccountToken']);
    assert.deepEqual([sa.file, sa.line, sa.exact, sa.doc], ['shop/templates/service.yaml', 25, true, 1]);
    const svc = at(find(r, 'Service', 'shop'), ['spec', 'ports', 0, 'port']);
    assert.deepEqual([svc.file, svc.line, svc.exact, svc.doc], ['shop/templates/service.yaml', 14, true, 0]);
  });

  it('a document an `if` leaves out shifts nothing: objects are matched to their document by name', async () => {
    // Default values: the optional ClusterRole is not rendered, so the second rendered ClusterRole
    // is the template's third document, not its second.
    const r = await load(['branches']);
    const ctl = find(r, 'ClusterRole', 'branches-controller');
    const root = at(ctl, []);
    assert.deepEqual([root.file, root.line, root.doc, root.exact], ['branches/templates/roles.yaml', 21, 2, true]);
    // Rule 1 (secrets) comes after an `if` that can add rules: found by its literal resources and
    // verbs, not by its position (position 1 would be the disabled configmaps rule at line 32).
    const secrets = at(ctl, ['rules', 1, 'resources', 0]);
    assert.deepEqual([secrets.line, secrets.exact], [48, false]);
    // With the optional role rendered, each ClusterRole still gets its own document.
    const all = await load(['branches'], { set: ['optionalRole=true'] });
    assert.equal(at(find(all, 'ClusterRole', 'branches-optional'), []).line, 11);
    assert.equal(at(find(all, 'ClusterRole', 'branches-controller'), []).line, 21);
    assert.equal(at(find(all, 'ClusterRole', 'branches-reader'), []).line, 1);
  });

  it('the same key in if/else branches: the branch that rendered the value, and the values it reads', async () => {
    const r = await load(['branches']);
    const d = find(r, 'Deployment', 'branches-worker');
    const replicas = at(d, ['spec', 'replicas']);
    assert.deepEqual([replicas.line, replicas.exact], [9, false]);
    assert.deepEqual(replicas.values?.map((v) => [v.ref, v.line]), [['.Values.replicas', 8]]);
    const image = at(d, ['spec', 'template', 'spec', 'containers', 0, 'image']);
    assert.equal(image.line, 24);
    assert.deepEqual(image.values?.map((v) => v.ref), ['.Values.image.repository', '.Values.image.tag']);
    // The other branch when the values select it.
    const ha = await load(['branches'], { set: ['ha.enabled=true'], values: [] });
    assert.equal(at(find(ha, 'Deployment', 'branches-worker'), ['spec', 'replicas']).line, 7);
    const full = await load(['branches'], { values: ['branches/full-image.yaml'] });
    assert.equal(at(find(full, 'Deployment', 'branches-worker'), ['spec', 'template', 'spec', 'containers', 0, 'image']).line, 22);
    // A key whose value an action at column 0 writes (`{{ toYaml .Values.resources | indent 12 }}`).
    const limits = at(d, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu']);
    assert.deepEqual([limits.line, limits.values?.map((v) => [v.ref, v.line])], [26, [['.Values.resources', 14]]]);
    // A literal default and a value the user set agree: the user's value is the branch that rendered.
    const pdbDefault = at(find(r, 'PodDisruptionBudget', 'branches-worker'), ['spec', 'minAvailable']);
    assert.deepEqual([pdbDefault.line, pdbDefault.values ?? []], [10, []]);
    const set = await load(['branches'], { values: ['branches/pdb-values.yaml'] });
    const pdbSet = at(find(set, 'PodDisruptionBudget', 'branches-worker'), ['spec', 'minAvailable']);
    assert.deepEqual([pdbSet.line, pdbSet.values?.map((v) => [v.file, v.line])], [13, [['branches/pdb-values.yaml', 2]]]);
  });

  it('subchart objects point at the subchart template', async () => {
    const r = await load(['shop']);
    const rep = at(find(r, 'Deployment', 'shop-cache'), ['spec', 'replicas']);
    assert.deepEqual([rep.file, rep.line, rep.exact], ['shop/charts/cache/templates/deployment.yaml', 9, true]);
    assert.equal(rep.rendered?.source, 'shop/charts/cache/templates/deployment.yaml');
  });

  it('several values files in order, then --set and --set-string', async () => {
    const prod = await load(['shop'], { values: ['shop/values-prod.yaml'] });
    const web = find(prod, 'Deployment', 'shop');
    assert.equal((web.object.spec as { replicas: number }).replicas, 3);
    const both = await load(['shop'], { values: ['shop/values-prod.yaml', 'shop/values-canary.yaml'], set: ['replicaCount=5'], setString: ['image.tag=2.0.0'] });
    const w = find(both, 'Deployment', 'shop');
    const spec = w.object.spec as { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: { containers: { image: string }[] } } };
    assert.equal(spec.replicas, 5);
    assert.equal(spec.template.spec.containers[0].image, 'registry.example.com/shop/web:2.0.0');
    assert.equal(spec.template.metadata.annotations['kubeready.io/ignore'], 'replicas-below-minimum');
    assert.deepEqual(both.renders![0].valuesFiles, ['shop/values.yaml', 'shop/values-prod.yaml', 'shop/values-canary.yaml']);
    assert.deepEqual(both.renders![0].command?.slice(4), ['--values', 'shop/values-prod.yaml', '--values', 'shop/values-canary.yaml', '--set', 'replicaCount=5', '--set-string', 'image.tag=2.0.0']);
  });

  it('--release-name, --namespace, --kube-version and --api-versions reach the templates', async () => {
    const r = await load(['shop'], { releaseName: 'web', namespace: 'store', kubeVersion: '1.31.2', apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'] });
    assert.equal(r.renders![0].releaseName, 'web');
    assert.equal(find(r, 'Job', 'web-shop-migrate').namespace, 'store');
    const sa = find(r, 'ServiceAccount', 'web-shop');
    assert.equal((sa.object.metadata as { annotations: Record<string, string> }).annotations['kubeready.test/kube-version'], 'v1.31.2');
    find(r, 'ServiceMonitor', 'web-shop');
    const without = await load(['shop']);
    assert.equal(without.resources.some((o) => o.kind === 'ServiceMonitor'), false);
  });

  it('objects written by a library chart\'s named templates are located in the template that defines them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-lib-'));
    try {
      const lib = join(dir, 'charts', 'lib');
      mkdirSync(join(lib, 'templates'), { recursive: true });
      mkdirSync(join(dir, 'templates'));
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: 0.1.0\n');
      writeFileSync(join(dir, 'values.yaml'), 'image: registry.example/app:1.2.3\n');
      writeFileSync(join(lib, 'Chart.yaml'), 'apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n');
      writeFileSync(
        join(lib, 'templates', '_workloads.tpl'),
        [
          '{{/* Workloads every service of ours has */}}',
          '{{- define "lib.deployment" }}',
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: {{ .Release.Name }}-api',
          'spec:',
          '  replicas: 1',
          '  selector: {matchLabels: {app: api}}',
          '  template:',
          '    metadata: {labels: {app: api}}',
          '    spec:',
          '      containers:',
          '        - name: api',
          '          image: {{ .Values.image }}',
          '{{- end }}',
          '{{- define "lib.all" }}',
          '{{ include "lib.deployment" . }}',
          '---',
          'apiVersion: v1',
          'kind: ServiceAccount',
          'metadata:',
          '  name: {{ .Release.Name }}-api',
          'automountServiceAccountToken: true',
          '{{- end }}',
          '',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'templates', 'all.yaml'), '{{- include "lib.all" . }}\n');
      const r = await load([dir]);
      assert.deepEqual(r.problems, []);
      const libFile = `${relative(FIXTURES, lib)}/templates/_workloads.tpl`;
      const d = find(r, 'Deployment', 'app-api');
      assert.deepEqual([at(d, ['spec', 'replicas']).file, at(d, ['spec', 'replicas']).line, at(d, ['spec', 'replicas']).exact], [libFile, 8, true]);
      assert.equal(at(d, ['spec', 'template', 'spec', 'containers', 0, 'image']).line, 15);
      // Two levels down: lib.all includes lib.deployment; the ServiceAccount is in lib.all itself.
      const sa = at(find(r, 'ServiceAccount', 'app-api'), ['automountServiceAccountToken']);
      assert.deepEqual([sa.file, sa.line, sa.exact], [libFile, 24, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a ServiceMonitor the values enable but the chart renders only with the Prometheus Operator API: one input warning saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-cap-'));
    try {
      mkdirSync(join(dir, 'templates'));
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: mon\nversion: 0.1.0\n');
      writeFileSync(join(dir, 'values.yaml'), 'serviceMonitor:\n  enabled: false\n');
      writeFileSync(join(dir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mon}\ndata: {a: "1"}\n');
      writeFileSync(
        join(dir, 'templates', 'servicemonitor.yaml'),
        '{{- if and .Values.serviceMonitor.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: mon}\nspec:\n  selector: {matchLabels: {app: mon}}\n  endpoints: [{port: metrics}]\n{{- end }}\n',
      );
      // Not enabled: nothing to say.
      assert.deepEqual((await load([dir])).problems, []);
      const on = await load([dir], { set: ['serviceMonitor.enabled=true'] });
      assert.equal(on.problems.length, 1);
      assert.equal(on.problems[0].level, 'warning');
      assert.match(on.problems[0].message, /^with these values the chart renders ServiceMonitor objects only when the cluster serves monitoring\.coreos\.com\/v1, .*add --api-versions monitoring\.coreos\.com\/v1 --api-versions monitoring\.coreos\.com\/v1\/ServiceMonitor if the cluster runs the Prometheus Operator$/);
      // Told the cluster has the API: rendered, and no warning.
      const told = await load([dir], { set: ['serviceMonitor.enabled=true'], apiVersions: ['monitoring.coreos.com/v1'] });
      assert.deepEqual(told.problems, []);
      find(told, 'ServiceMonitor', 'mon');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('values that fail the chart\'s schema: the input error says which value, not only that one failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-schema-'));
    try {
      mkdirSync(join(dir, 'templates'));
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: strict\nversion: 0.1.0\n');
      writeFileSync(join(dir, 'values.yaml'), 'replicas: 2\n');
      writeFileSync(join(dir, 'values.schema.json'), JSON.stringify({ type: 'object', required: ['policy'], properties: { policy: { enum: ['sync', 'upsert-only'] } } }));
      writeFileSync(join(dir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\ndata: {policy: {{ .Values.policy | quote }}}\n');
      const r = await load([dir]);
      assert.equal(r.problems.length, 1);
      const msg = r.problems[0].message;
      assert.match(msg, /^helm template failed: values don't meet the specifications of the schema\(s\) in the following chart\(s\): strict: .*policy/);
      assert.ok(!msg.includes('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a template error: one input error with helm\'s message; the other charts of the folder are still rendered', async () => {
    const r = await load(['.']);
    const broken = r.problems.filter((p) => p.file === 'broken');
    assert.equal(broken.length, 1);
    assert.equal(broken[0].level, 'error');
    assert.match(broken[0].message, /^helm template failed: template: broken\/templates\/deployment.yaml:11:\d+: .*nil pointer/);
    assert.ok(!broken[0].message.includes('\n'));
    const dep = r.problems.find((p) => p.file === 'missing-dep');
    assert.match(dep?.message ?? '', /missing in charts\/ directory: postgres/);
    find(r, 'Deployment', 'shop');
    assert.deepEqual(r.renders?.map((x) => [x.path, x.error === undefined]), [['branches', true], ['broken', false], ['missing-dep', false], ['scoped', true], ['shop', true]]);
    // Templates, values files and the subchart are not read as plain YAML: five charts, two errors
    // (and shop's ServiceMonitor warning).
    assert.equal(r.files, 5);
    assert.deepEqual(r.problems.map((p) => p.level).sort(), ['error', 'error', 'warning']);
  });

  it('a packaged chart (.tgz) is rendered by helm directly; locations name the archive and the rendered line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeready-helm-tgz-'));
    try {
      const p = spawnSync(helm.path!, ['package', join(FIXTURES, 'shop'), '--destination', dir], { encoding: 'utf8' });
      assert.equal(p.status, 0, p.stderr);
      const r = await loadInputs(['shop-0.3.0.tgz'], { cwd: dir, ...loadPlan(allChecks), render: { env: { KUBEREADY_HELM: helm.path! } } });
      assert.deepEqual(r.problems, []);
      const rep = at(find(r, 'Deployment', 'shop'), ['spec', 'replicas']);
      assert.equal(rep.file, 'shop-0.3.0.tgz');
      assert.equal(rep.line, null);
      assert.equal(rep.exact, false);
      assert.ok((rep.rendered?.line ?? 0) > 1);
      assert.equal(r.renders![0].releaseName, 'shop');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('helm not installed: one input error per chart, and the rest of the input is still read', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kubeready-nohelm-'));
    try {
      const r = await loadInputs(['shop', join(FIXTURES, '../kustomize/base/service.yaml')], {
        cwd: FIXTURES, ...loadPlan(allChecks), render: { env: { PATH: empty, KUBEREADY_HELM: '' } } });
      assert.deepEqual(r.problems.map((p) => [p.file, p.level, p.message]), [['shop', 'error', "Helm chart not rendered: helm is not installed (not on PATH, and KUBEREADY_HELM is not set): install helm 3, point KUBEREADY_HELM at a helm binary, or pass --no-render to audit the chart's plain YAML files only"]]);
      assert.deepEqual(r.resources.map((o) => o.kind), ['Service']);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('secret values from the chart are never kept (Secrets load as metadata only)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeready-helm-secret-'));
    try {
      spawnSync('cp', ['-r', join(FIXTURES, 'shop'), dir]);
      const tpl = join(dir, 'shop', 'templates', 'secret.yaml');
      const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {{ .Values.dbPassword | quote }}\n';
      (await import('node:fs')).writeFileSync(tpl, text);
      const r = await loadInputs(['shop'], { cwd: dir, ...loadPlan(allChecks), render: { helm: { set: ['dbPassword=hunter2-secret'] }, env: { KUBEREADY_HELM: helm.path! } } });
      const secret = find(r, 'Secret', 'db');
      assert.ok(!JSON.stringify(secret.object).includes('hunter2-secret'));
      assert.ok(!JSON.stringify(r.renders).includes('hunter2-secret'), 'the --set value of a password is redacted');
      assert.ok(readFileSync(tpl, 'utf8').includes('dbPassword'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
