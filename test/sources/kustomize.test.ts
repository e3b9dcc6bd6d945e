/**
 * Kustomize overlays as input (src/sources/kustomize.ts), built with the real kubectl kustomize (or
 * kustomize): test/fixtures/kustomize has a base shared by two overlays (prod: a strategic-merge
 * patch file and an images transformer; staging: inline JSON 6902 and strategic-merge patches), a
 * generated ConfigMap, and a kustomization that names a missing file.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInputs, type FilesResult } from '../../src/sources/files.js';
import { stripBuildAnnotations, withoutBuildAnnotations, ORIGIN_ANNOTATION } from '../../src/sources/kustomize.js';
import { classifyWalk } from '../../src/sources/render.js';
import { loadPlan } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';
import type { FieldPath, Resource } from '../../src/model/types.js';
import { kustomizeBuild, kustomizeTool } from '../helpers/render-tools.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/kustomize/', import.meta.url));
const tool = kustomizeTool();

function load(paths: string[], opts: { all?: boolean; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<FilesResult> {
  return loadInputs(paths, { cwd: opts.cwd ?? FIXTURES, ...loadPlan(allChecks), render: { allKustomizations: opts.all, env: opts.env } });
}

function find(r: FilesResult, kind: string, name: string, namespace?: string): Resource {
  const x = r.resources.find((o) => o.kind === kind && o.name === name && (namespace === undefined || o.namespace === namespace));
  assert.ok(x, `${kind}/${name} not in ${r.resources.map((o) => `${o.kind}/${o.namespace}/${o.name}`).join(', ')}`);
  return x;
}

function at(res: Resource, path: FieldPath) {
  const l = res.origin.locate(path);
  assert.ok(l);
  return l;
}

const CONTAINER: FieldPath = ['spec', 'template', 'spec', 'containers', 0];

describe('kustomize: pure helpers', () => {
  it('build annotations are removed as text, other annotations kept, an emptied map dropped', () => {
    const text = [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  annotations:', '    alpha.config.kubernetes.io/transformations: |',
      '      - configuredIn: ../a/kustomization.yaml', '        configuredBy:', '          kind: PatchTransformer', `    ${ORIGIN_ANNOTATION}: |`,
      '      path: ../a/cm.yaml', '    team: x', '  name: a', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  annotations:',
      `    ${ORIGIN_ANNOTATION}: |`, '      path: ../a/cm.yaml', '  name: b', '',
    ].join('\n');
    assert.equal(
      stripBuildAnnotations(text),
      ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  annotations:', '    team: x', '  name: a', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: b', ''].join('\n'),
    );
    assert.deepEqual(withoutBuildAnnotations({ kind: 'X', metadata: { name: 'a', annotations: { [ORIGIN_ANNOTATION]: 'path: x' } } }), { kind: 'X', metadata: { name: 'a' } });
  });

  it('folder walks: only kustomizations no other one includes are rendered; their files are not read on their own', () => {
    const f = (p: string) => join(FIXTURES, p);
    const files = ['base/deployment.yaml', 'base/kustomization.yaml', 'base/service.yaml', 'broken/kustomization.yaml', 'broken/service.yaml',
      'overlays/prod/deployment-patch.yaml', 'overlays/prod/kustomization.yaml', 'overlays/staging/kustomization.yaml'].map(f);
    const c = classifyWalk([...files, f('plain.yaml')], false);
    assert.deepEqual(c.plain, [f('plain.yaml')]);
    assert.deepEqual(c.units.map((u) => [u.abs, u.includedBy]), [
      [f('base'), [f('overlays/prod'), f('overlays/staging')]], [f('broken'), undefined], [f('overlays/prod'), undefined], [f('overlays/staging'), undefined],
    ]);
    assert.ok(classifyWalk(files, true).units.every((u) => u.includedBy === undefined));
  });
});

describe('kustomize: overlays built with kustomize', { skip: tool.skip }, () => {
  before(() => tool.fail());

  it('a folder walk audits the leaf overlays, not the base they share; a broken kustomization is one input error', async () => {
    const r = await load(['.']);
    assert.deepEqual(r.renders?.map((x) => [x.path, x.objects, x.includedBy ?? null, x.error === undefined]), [
      ['base', 0, ['overlays/prod', 'overlays/staging'], true],
      ['broken', 0, null, false],
      ['overlays/prod', 3, null, true],
      ['overlays/staging', 3, null, true],
    ]);
    assert.deepEqual(r.resources.map((o) => `${o.namespace}/${o.kind}/${o.name}`).sort(), [
      'shop-staging/ConfigMap/api-config-hf678c7m2b', 'shop-staging/Deployment/api', 'shop-staging/Service/api',
      'shop/ConfigMap/api-config-hf678c7m2b', 'shop/Deployment/api', 'shop/Service/api',
    ]);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].file, 'broken');
    assert.equal(r.problems[0].level, 'error');
    assert.match(r.problems[0].message, /^kubectl kustomize failed: .*does-not-exist\.yaml|^kustomize build failed: .*does-not-exist\.yaml/);
    assert.ok(!r.problems[0].message.includes('\n'));
    assert.match(r.renders![2].version ?? '', /^kustomize v\d+\.\d+/);
  });

  it('--all-kustomizations audits the base on its own too', async () => {
    const r = await load(['.'], { all: true });
    assert.equal(r.renders?.find((x) => x.path === 'base')?.objects, 3);
    assert.equal(r.resources.filter((o) => o.kind === 'Deployment').length, 3);
  });

  it('the build annotations never reach the checks, and rendered lines are those of kustomize\'s own output', async () => {
    const r = await load(['overlays/prod']);
    for (const o of r.resources) assert.ok(!JSON.stringify(o.object).includes('config.kubernetes.io'), `${o.kind}/${o.name} kept a build annotation`);
    const direct = kustomizeBuild(join(FIXTURES, 'overlays/prod'));
    const api = find(r, 'Deployment', 'api');
    const rep = at(api, ['spec', 'replicas']);
    assert.equal(direct.split('\n')[(rep.rendered?.line ?? 0) - 1], '  replicas: 3');
    assert.deepEqual(r.renders![0].command?.slice(-1), ['overlays/prod']);
  });

  it('findings point at the file that sets the field: a patch file, the images transformer, the base', async () => {
    const r = await load(['overlays/prod']);
    const api = find(r, 'Deployment', 'api');
    const rep = at(api, ['spec', 'replicas']);
    assert.deepEqual([rep.file, rep.line, rep.column, rep.exact], ['overlays/prod/deployment-patch.yaml', 7, 3, true]);
    const limits = at(api, [...CONTAINER, 'resources', 'limits', 'memory']);
    assert.deepEqual([limits.file, limits.line, limits.exact], ['overlays/prod/deployment-patch.yaml', 18, true]);
    const image = at(api, [...CONTAINER, 'image']);
    assert.deepEqual([image.file, image.line, image.exact], ['overlays/prod/kustomization.yaml', 10, true]);
    const probe = at(api, [...CONTAINER, 'readinessProbe', 'httpGet', 'path']);
    assert.deepEqual([probe.file, probe.line, probe.exact], ['base/deployment.yaml', 36, true]);
    const ns = at(api, ['metadata', 'namespace']);
    assert.deepEqual([ns.file, ns.line, ns.exact], ['overlays/prod/kustomization.yaml', 3, true]);
    // A missing field: where it belongs in the base, not exact.
    const sc = at(api, [...CONTAINER, 'startupProbe']);
    assert.deepEqual([sc.file, sc.line, sc.exact], ['base/deployment.yaml', 29, false]);
    // The object: its document in the base file.
    assert.deepEqual([at(api, []).file, at(api, []).line], ['base/deployment.yaml', 2]);
    // A generated ConfigMap: its generator entry.
    const cm = at(find(r, 'ConfigMap', 'api-config-hf678c7m2b'), ['data', 'LOG_LEVEL']);
    assert.deepEqual([cm.file, cm.line, cm.exact], ['base/kustomization.yaml', 7, false]);
  });

  it('inline patches: the line inside the kustomization', async () => {
    const r = await load(['overlays/staging']);
    const api = find(r, 'Deployment', 'api');
    const image = at(api, [...CONTAINER, 'image']);
    assert.deepEqual([image.file, image.line, image.column, image.exact], ['overlays/staging/kustomization.yaml', 14, 9, true]);
    const ign = at(api, ['metadata', 'annotations', 'kubeready.io/ignore']);
    assert.deepEqual([ign.file, ign.line, ign.exact], ['overlays/staging/kustomization.yaml', 22, true]);
    // Unchanged by the overlay: the base.
    const rep = at(api, ['spec', 'replicas']);
    assert.deepEqual([rep.file, rep.line, rep.exact], ['base/deployment.yaml', 11, true]);
    // All objects of an overlay share its scope (its kustomization file).
    assert.ok(r.resources.every((o) => o.origin.file === 'overlays/staging/kustomization.yaml'));
  });

  it('a kustomization named explicitly is rendered even when it is a base', async () => {
    const r = await load(['base']);
    assert.equal(r.renders?.[0].objects, 3);
    assert.equal(find(r, 'Deployment', 'api').namespace, undefined);
  });

  it('a kustomization folder named explicitly: the plain manifests below it that it does not name are read too, as when its parent is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeready-kust-'));
    try {
      cpSync(join(FIXTURES, 'base'), join(dir, 'app'), { recursive: true });
      mkdirSync(join(dir, 'app', 'examples'));
      writeFileSync(join(dir, 'app', 'examples', 'demo.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: demo}\ndata: {a: "1"}\n');
      const named = await load(['app'], { cwd: dir });
      const parent = await load(['.'], { cwd: dir });
      assert.deepEqual(named.problems, []);
      const ids = (r: FilesResult) => r.resources.map((o) => `${o.kind}/${o.name}`).sort();
      assert.deepEqual(ids(named), ids(parent));
      assert.equal(find(named, 'ConfigMap', 'demo').origin.file, 'app/examples/demo.yaml');
      assert.equal(named.renders?.length, 1);
      // The kustomization's own files are still not read on their own.
      assert.equal(named.resources.filter((o) => o.kind === 'Deployment').length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the `Kustomization` file name, and sortOptions, are honoured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeready-kust-'));
    try {
      cpSync(join(FIXTURES, 'base'), join(dir, 'base'), { recursive: true });
      rmSync(join(dir, 'base', 'kustomization.yaml'));
      writeFileSync(join(dir, 'base', 'Kustomization'), 'resources:\n- service.yaml\n- deployment.yaml\nsortOptions:\n  order: fifo\n');
      const r = await load(['.'], { cwd: dir });
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.resources.map((o) => o.kind), ['Service', 'Deployment']);
      const rep = at(find(r, 'Deployment', 'api'), ['spec', 'replicas']);
      assert.equal(kustomizeBuild(join(dir, 'base')).split('\n')[(rep.rendered?.line ?? 0) - 1], '  replicas: 1');
      assert.deepEqual([rep.file, rep.line], ['base/deployment.yaml', 11]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no kustomize and no kubectl: one input error, the rest goes on', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kubeready-nokust-'));
    try {
      const r = await load(['overlays/prod', 'base/service.yaml'], { env: { PATH: empty, KUBEREADY_KUSTOMIZE: '' } });
      assert.deepEqual(r.problems.map((p) => [p.file, p.message]), [['overlays/prod', 'kustomization not built: neither kustomize nor kubectl is installed (not on PATH, and KUBEREADY_KUSTOMIZE is not set): install either, point KUBEREADY_KUSTOMIZE at one, or pass --no-render to audit the plain YAML files only']]);
      assert.deepEqual(r.resources.map((o) => o.kind), ['Service']);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('kustomize: where a patched RBAC rule grants', () => {
  it('the blast radius points at the patch that added the verbs, not at the base rule that does not grant them', { skip: tool.skip }, async () => {
    const { audit } = await import('../../src/engine/audit.js');
    const blast = allChecks.find((c) => c.id === 'workload-rbac-blast-radius')!;
    const dir = mkdtempSync(join(tmpdir(), 'kubeready-kust-'));
    try {
      mkdirSync(join(dir, 'base'));
      mkdirSync(join(dir, 'overlay'));
      writeFileSync(
        join(dir, 'base', 'app.yaml'),
        `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      serviceAccountName: agent
      containers: [{name: agent, image: "agent:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agent}
rules:
- apiGroups: [""]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agent}
subjects: [{kind: ServiceAccount, name: agent, namespace: kube-system}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
`,
      );
      writeFileSync(join(dir, 'base', 'kustomization.yaml'), 'resources: [app.yaml]\n');
      writeFileSync(
        join(dir, 'overlay', 'rbac-patch.yaml'),
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agent}\nrules:\n- apiGroups: [""]\n  resources: [pods, nodes]\n  verbs:\n  - get\n  - list\n  - watch\n  - patch\n  - update\n',
      );
      writeFileSync(join(dir, 'overlay', 'kustomization.yaml'), 'resources: [../base]\npatches:\n- path: rbac-patch.yaml\n');
      const r = await load(['overlay'], { cwd: dir });
      assert.deepEqual(r.problems, []);
      const f = audit({ resources: r.resources }, { checks: [blast] }).verdicts.flatMap((v) => v.findings).find((x) => /update\/patch any pod/.test(x.message));
      assert.ok(f, 'the patched role lets the agent update any pod');
      const grant = f.related.find((x) => x.note?.startsWith('grants:'))!;
      assert.equal(grant.location.file, 'overlay/rbac-patch.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
