/**
 * The text report of one base rendered by several kustomize overlays: a finding already shown in
 * full (same object, check, source line and message) is repeated as one line naming the render
 * that showed it, and GitHub annotations are not repeated. Built with the real kubectl kustomize (or
 * kustomize).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputs } from '../../src/sources/files.js';
import { audit, loadPlan } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';
import { renderText } from '../../src/report/text.js';
import { renderGithub } from '../../src/report/github.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { kustomizeTool } from '../helpers/render-tools.js';

const tool = kustomizeTool();

describe('text and GitHub reports: one base under several overlays', () => {
  it('shows a finding in full once; the other renders get one line that points at it; a finding that differs is shown in full', { skip: tool.skip }, async () => {
    const checks = allChecks.filter((c) => c.id === 'replicas-below-minimum' || c.id === 'image-tag-latest');
    const dir = mkdtempSync(join(tmpdir(), 'kubeready-text-'));
    try {
      mkdirSync(join(dir, 'base'));
      writeFileSync(
        join(dir, 'base', 'web.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, image: "example.com/web:1.0"}]\n',
      );
      writeFileSync(join(dir, 'base', 'kustomization.yaml'), 'resources: [web.yaml]\n');
      for (const [name, extra] of [['dev', ''], ['staging', ''], ['prod', 'images:\n- name: example.com/web\n  newTag: latest\n']]) {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'kustomization.yaml'), `resources: [../base]\n${extra}`);
      }
      const loaded = await loadInputs(['.'], { cwd: dir, ...loadPlan(checks) });
      assert.deepEqual(loaded.problems, []);
      const text = renderText(audit({ resources: loaded.resources }, { checks }), { color: false });
      // replicas-below-minimum: in full once (with its explanation), then one line for each other overlay.
      assert.equal(text.match(/spec\.replicas is not set \(defaults to 1; minimum 2\)/g)?.length, 1);
      const repeats = text.split('\n').filter((l) => /replicas-below-minimum {2}\(as rendered by dev, above\)$/.test(l));
      assert.equal(repeats.length, 2, text);
      // Each verdict header names its render: the three headers point at the same base line.
      for (const overlay of ['dev', 'staging', 'prod']) assert.match(text, new RegExp(`^Deployment shop/web  NOT READY  score \\d+  base/web\\.yaml:1 \\(rendered by ${overlay}\\)$`, 'm'));
      // Only prod retags the image to :latest: that finding is its own and shown in full.
      assert.equal(text.match(/uses the moving tag :latest/g)?.length, 1);
      // Markdown: each table row names its render.
      const md = renderMarkdown(audit({ resources: loaded.resources }, { checks }));
      for (const overlay of ['dev', 'staging', 'prod']) assert.match(md, new RegExp(`^\\| \`Deployment shop/web\` \\(${overlay}\\) \\|`, 'm'));
      // GitHub annotations: one per source line and message, not one per overlay.
      const gh = renderGithub(audit({ resources: loaded.resources }, { checks }));
      assert.equal(gh.split('\n').filter((l) => l.includes('title=replicas-below-minimum')).length, 1, gh);
      assert.equal(gh.split('\n').filter((l) => l.includes('title=image-tag-latest')).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cost of alternative renders', () => {
  it('the total adds up the overlays, so each render gets its own figure (text and JSON)', { skip: tool.skip }, async () => {
    const checks = allChecks.filter((c) => c.id === 'replicas-below-minimum');
    const dir = mkdtempSync(join(tmpdir(), 'kubeready-text-'));
    try {
      mkdirSync(join(dir, 'base'));
      writeFileSync(
        join(dir, 'base', 'web.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: app\n        image: example.com/web:1.0\n        resources: {requests: {cpu: "1", memory: 1Gi}, limits: {memory: 1Gi}}\n',
      );
      writeFileSync(join(dir, 'base', 'kustomization.yaml'), 'resources: [web.yaml]\n');
      for (const [name, extra] of [['dev', ''], ['prod', 'replicas:\n- name: web\n  count: 6\n']]) {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'kustomization.yaml'), `resources: [../base]\n${extra}`);
      }
      const loaded = await loadInputs(['.'], { cwd: dir, ...loadPlan(checks) });
      assert.deepEqual(loaded.problems, []);
      const report = audit({ resources: loaded.resources }, { checks });
      const renders = report.cost?.renders ?? [];
      assert.deepEqual(renders.map((r) => r.render), ['dev', 'prod']);
      const dev = renders[0].running!.monthly!.now;
      const prod = renders[1].running!.monthly!.now;
      assert.ok(dev > 0);
      assert.ok(Math.abs(prod - 3 * dev) < 0.01, `${prod} = 3 x ${dev}`);
      assert.ok(Math.abs(report.cost!.total.running!.monthly!.now - (dev + prod)) < 0.01);
      const text = renderText(report, { color: false });
      assert.match(text, /^requested capacity: about USD [\d.,]+\/month; it adds up 2 renders, which may be alternatives \(overlays of one base\)$/m);
      assert.match(text, /^ {2}by render: dev USD [\d.,]+ · prod USD [\d.,]+$/m);
      // One render, or none: no per-render figures.
      const one = audit({ resources: loaded.resources.filter((r) => r.origin.render === 'dev') }, { checks });
      assert.equal(one.cost?.renders, undefined);
      assert.doesNotMatch(renderText(one, { color: false }), /by render|adds up/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('text report: order and repeated explanations', () => {
  it('shows what blocks production first (not-ready workloads, failing objects, then the rest); breaks and fix in full once per check', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadText } = await import('../../src/sources/resources.js');
    const ready = readFileSync('examples/production-ready/api.yaml', 'utf8');
    const tutorial = readFileSync('examples/tutorial/app.yaml', 'utf8');
    const loaded = [...loadText(ready, 'ready.yaml', loadPlan(allChecks)).resources, ...loadText(tutorial, 'tutorial.yaml', loadPlan(allChecks)).resources];
    const report = audit({ resources: loaded }, { checks: allChecks });
    const text = renderText(report, { color: false, showPassing: true });
    const heads = text.split('\n').filter((l) => /^\S/.test(l) && / {2}(READY|NOT READY|ok|FAILS) {2}/.test(l)).map((l) => l.split('  ')[1]);
    const firstReady = heads.indexOf('READY');
    assert.ok(firstReady > 0, heads.join(', '));
    assert.ok(heads.slice(0, firstReady).every((h) => h === 'NOT READY' || h === 'FAILS'), heads.join(', '));
    assert.ok(heads.indexOf('FAILS') > heads.lastIndexOf('NOT READY'), 'failing objects after not-ready workloads');
    // Two workloads without a CPU limit: the second gets a pointer, not the explanation again.
    assert.equal(text.match(/breaks: .*\n {10}fix: {4}Set resources\.limits\.cpu/g)?.length, 1);
    assert.match(text, /cpu-limit-missing\n {10}container "\w+" has no CPU limit\n {10}fix: {4}as for cpu-limit-missing above {2}\(kubeready explain cpu-limit-missing\)/);
  });
});
