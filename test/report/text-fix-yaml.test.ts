/**
 * The text report prints each finding's own fix YAML under its fix line (indented, to copy as it is);
 * the same YAML for another object names the object it was shown for; --compact leaves it out, as it
 * leaves out the "breaks" and "fix" lines.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { audit, loadPlan } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';
import { renderText } from '../../src/report/text.js';
import { load } from 'js-yaml';

const YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "example.com/web:1.0"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: "example.com/api:1.0"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: app, image: "example.com/report:1.0"}]
`;

function report() {
  const checks = allChecks.filter((c) => c.id === 'replicas-below-minimum' || c.id === 'memory-request-missing');
  const loaded = loadText(YAML, 'app.yaml', loadPlan(checks));
  return audit({ resources: loaded.resources, problems: [] }, { checks });
}

describe('text report: the fix YAML of each finding', () => {
  it('prints the YAML under the fix line, indented; the same YAML again names where it was shown', () => {
    const text = renderText(report(), { color: false });
    const lines = text.split('\n');
    // web: replicas, in full, right after its fix line.
    const webReplicas = lines.findIndex((l) => l.includes('app.yaml:5:3') && l.includes('replicas-below-minimum'));
    assert.ok(webReplicas >= 0, text);
    const fix = lines.findIndex((l, i) => i > webReplicas && l.trimStart().startsWith('fix:'));
    assert.deepEqual(lines.slice(fix + 1, fix + 3), ['                  spec:', '                    replicas: 2']);
    // api: the same two lines, named instead of repeated.
    const apiReplicas = lines.findIndex((l) => l.includes('app.yaml:16:3') && l.includes('replicas-below-minimum'));
    const apiFix = lines.findIndex((l, i) => i > apiReplicas && l.trimStart().startsWith('fix:'));
    assert.equal(lines[apiFix + 1], '                  (the YAML shown for Deployment shop/web above)');
    // The CronJob's memory request is placed at its own pod spec, which differs from a Deployment's.
    assert.match(text, /\n {18}spec:\n {20}jobTemplate:\n {22}spec:\n {24}template:\n {26}spec:\n {28}containers:\n {28}- name: app\n/);
    // The printed block, dedented, is YAML that puts the request in the CronJob's container.
    const cron = lines.findIndex((l) => l.includes('memory-request-missing') && lines.slice(0, lines.indexOf(l)).some((x) => x.startsWith('CronJob shop/report')));
    const cronFix = lines.findIndex((l, i) => i > cron && l.trimStart().startsWith('fix:'));
    const block: string[] = [];
    for (let i = cronFix + 1; i < lines.length && lines[i].startsWith(' '.repeat(18)); i++) block.push(lines[i].slice(18));
    const doc = load(block.join('\n')) as { spec: { jobTemplate: { spec: { template: { spec: { containers: { name: string; resources: { requests: { memory: string } } }[] } } } } } };
    const c = doc.spec.jobTemplate.spec.template.spec.containers[0];
    assert.equal(c.name, 'app');
    assert.match(c.resources.requests.memory, /^\d+Mi$/);
  });

  it('--compact leaves the YAML out with the fix lines', () => {
    const text = renderText(report(), { color: false, compact: true });
    assert.doesNotMatch(text, /replicas: 2/);
    assert.doesNotMatch(text, /the YAML shown for/);
    assert.doesNotMatch(text, /^\s+fix:/m);
  });
});
