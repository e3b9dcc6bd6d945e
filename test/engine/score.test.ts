/** The overall score: objects with nothing to report do not dilute it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { allChecks } from '../../src/checks/index.js';
import { audit } from '../../src/engine/audit.js';
import { loadText } from '../../src/sources/resources.js';

const tutorial = readFileSync('examples/tutorial/app.yaml', 'utf8');
const run = (text: string) => audit({ resources: loadText(text, 'app.yaml').resources }, { checks: allChecks });
const configMaps = Array.from({ length: 20 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings-${i}}\ndata: {LOG_LEVEL: info}\n`).join('');

describe('overall score', () => {
  it('twenty clean ConfigMaps next to the tutorial leave its score as it is', () => {
    const alone = run(tutorial);
    const padded = run(tutorial + configMaps);
    assert.ok(alone.summary.score < 60, `tutorial score ${alone.summary.score}`);
    assert.equal(padded.summary.score, alone.summary.score);
    assert.equal(padded.summary.objects, alone.summary.objects + 20);
  });

  it('a clean object has no free availability pillar from the API-version check; a removed API makes it count', () => {
    const cm = run(configMaps).verdicts[0];
    assert.equal(cm.pillars.availability, 'n/a');
    const removed = run(`apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  backend: {serviceName: web, servicePort: 80}\n`);
    const v = removed.verdicts.find((x) => x.object.kind === 'Ingress')!;
    assert.equal(v.pillars.availability, 'fail');
    // The failing Ingress counts in the overall score; nothing else is there to count.
    assert.equal(removed.summary.score, v.score);
  });

  it('an input with no workload and nothing to report scores 100; a failing binding alone sets it', () => {
    assert.equal(run(configMaps).summary.score, 100);
    const binding = run(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: admin}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: default, namespace: default}]\n` + configMaps);
    const v = binding.verdicts.find((x) => x.object.kind === 'ClusterRoleBinding')!;
    assert.equal(v.ready, false);
    assert.equal(binding.summary.score, v.score);
  });
});
