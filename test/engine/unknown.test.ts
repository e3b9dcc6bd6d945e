/** Findings that rest on objects not in the input: unknown unless the input is declared complete. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engineTestCheck } from '../helpers/check-tester.js';
import { audit } from '../../src/engine/audit.js';
import { exitCodeFor } from '../../src/engine/exit.js';
import { emptyConfig } from '../../src/engine/config.js';
import { loadText } from '../../src/sources/resources.js';
import { allChecks } from '../../src/checks/index.js';
import { renderText } from '../../src/report/text.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const needsFriend = engineTestCheck(
  'test-needs-friend',
  'error',
  ({ workload }) => [{ message: 'no friend', path: workload!.podSpecPath, unknown: 'no Friend object selects these pods' }],
  'availability',
);

const input = loadText(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n`, 'w.yaml');

describe('unknown: not in input', () => {
  it('is shown but does not fail the verdict, the score or the exit code', () => {
    const r = audit({ resources: input.resources }, { checks: [needsFriend] });
    const f = r.verdicts[0].findings[0];
    assert.equal(f.unknown, 'no Friend object selects these pods');
    assert.equal(r.verdicts[0].ready, true);
    assert.equal(r.verdicts[0].pillars.availability, 'pass');
    assert.equal(r.summary.unknown, 1);
    assert.equal(r.summary.findings.error, 0);
    assert.equal(exitCodeFor(r, 'error'), 0);
  });
  it('fails normally when the input is declared complete (everywhere, or for its namespace)', () => {
    for (const complete of [true, ['shop']] as const) {
      const r = audit({ resources: input.resources }, { checks: [needsFriend], complete: complete as true | string[] });
      assert.equal(r.verdicts[0].findings[0].unknown, null);
      assert.equal(r.verdicts[0].ready, false);
      assert.equal(exitCodeFor(r, 'error'), 1);
    }
    const other = audit({ resources: input.resources }, { checks: [needsFriend], complete: ['other'] });
    assert.equal(other.verdicts[0].ready, true);
  });
  it('reads `complete` from the configuration too', () => {
    const config = emptyConfig();
    config.complete = ['shop'];
    assert.equal(audit({ resources: input.resources }, { checks: [needsFriend], config }).verdicts[0].ready, false);
  });
  it('counts where the missing object would be: another namespace, several, or the whole input for a cluster-scoped one', () => {
    const elsewhere = (unknownIn: string | string[] | null) =>
      engineTestCheck('test-needs-friend-elsewhere', 'error', () => [{ message: 'no friend', path: ['spec'], unknown: 'no Friend', unknownIn }], 'availability');
    const ready = (unknownIn: string | string[] | null, complete: true | string[]) => audit({ resources: input.resources }, { checks: [elsewhere(unknownIn)], complete }).verdicts[0].ready;
    // The Friend belongs in namespace "backend": only that namespace's completeness counts.
    assert.equal(ready('backend', ['shop']), true);
    assert.equal(ready('backend', ['backend']), false);
    // Several namespaces: all of them.
    assert.equal(ready(['a', 'b'], ['a']), true);
    assert.equal(ready(['a', 'b'], ['a', 'b']), false);
    // Cluster-scoped (or anywhere): only the whole input.
    assert.equal(ready(null, ['shop']), true);
    assert.equal(ready(null, true), false);
  });

  it('real checks: a ClusterRole or a StorageClass missing from a namespace-complete input stays unknown; a route backend in a complete namespace fails', () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: custom-reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec: {storageClassName: fast-ssd, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard}
provisioner: example.com/disk
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  rules: [{backendRefs: [{name: api, namespace: backend, port: 80}]}]
`;
    const res = loadText(yaml, 'x.yaml').resources;
    const checks = allChecks.filter((c) => ['rbac-binding-role-missing', 'pvc-storage-class-missing', 'gateway-route-backend-missing'].includes(c.id));
    const states = (complete: true | string[]) =>
      Object.fromEntries(audit({ resources: res }, { checks, complete }).verdicts.flatMap((v) => v.findings).map((f) => [`${f.check}${f.field.endsWith('namespace') ? ' (grant)' : ''}`, f.unknown ? 'unknown' : f.severity]));
    assert.deepEqual(states(['shop']), {
      'rbac-binding-role-missing': 'unknown',
      'pvc-storage-class-missing': 'unknown',
      'gateway-route-backend-missing': 'unknown',
    });
    assert.deepEqual(states(['shop', 'backend']), {
      'rbac-binding-role-missing': 'unknown',
      'pvc-storage-class-missing': 'unknown',
      'gateway-route-backend-missing': 'error',
    });
    // Unknown, the message hedges; where the absence is a fact, it says so plainly.
    const route = (complete: true | string[]) => audit({ resources: res }, { checks, complete }).verdicts.flatMap((v) => v.findings).find((f) => f.check === 'gateway-route-backend-missing')!.message;
    assert.equal(route(['shop']), 'backendRef Service "api" (port 80) is not in namespace "backend" in the input: if it does not exist in the cluster either, the route does not resolve and its requests to this backend fail');
    assert.equal(route(['shop', 'backend']), 'backendRef Service "api" (port 80) is not in namespace "backend" in the input: the route does not resolve and its requests to this backend fail');
    const all = states(true);
    assert.equal(all['rbac-binding-role-missing'], 'warning');
    assert.notEqual(all['pvc-storage-class-missing'], 'unknown');
  });
});

describe('hedged wording of findings that hold either way (completeMessage)', () => {
  const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers: [{name: app, image: "example.com/worker:1.0"}]
`;
  const res = loadText(yaml, 'w.yaml').resources;
  const checks = allChecks.filter((c) => ['readiness-probe-missing', 'service-account-token-automount'].includes(c.id));
  const messages = (opts: { complete?: true | string[]; listedKinds?: Set<string> }) =>
    Object.fromEntries(
      audit({ resources: res, ...(opts.listedKinds ? { listedKinds: opts.listedKinds } : {}) }, { checks, ...(opts.complete ? { complete: opts.complete } : {}) })
        .verdicts.flatMap((v) => v.findings)
        .map((f) => [f.check, `${f.severity}${f.unknown ? ' unknown' : ''}: ${f.message}`]),
    );

  it('partial input: the same severity, the message hedges about objects that may live elsewhere', () => {
    const m = messages({});
    assert.match(m['readiness-probe-missing'], /^warning: .*no Service in the input sends it traffic \(if one elsewhere does, that traffic reaches it before it is ready\)$/);
    assert.match(m['service-account-token-automount'], /^warning: .*no RoleBinding or ClusterRoleBinding in the input names it, so unless it is granted roles elsewhere, set automountServiceAccountToken: false$/);
  });

  it('declared complete for the namespace: a plain fact about the input; a live scan: about the cluster', () => {
    for (const [opts, where] of [[{ complete: ['shop'] }, 'in the input'], [{ complete: true as const }, 'in the input'], [{ complete: true as const, listedKinds: new Set(['Service', 'RoleBinding', 'ClusterRoleBinding']) }, 'in the cluster']] as const) {
      const m = messages(opts);
      assert.match(m['readiness-probe-missing'], new RegExp(`^warning: .*without checking it works; no Service ${where} sends it traffic$`));
      assert.match(m['service-account-token-automount'], new RegExp(`^warning: .*, and no RoleBinding or ClusterRoleBinding ${where} names it, so the token grants nothing beyond what every authenticated account may do \\(API discovery\\): set automountServiceAccountToken: false$`));
    }
    // Complete for another namespace only: still hedged.
    assert.match(messages({ complete: ['other'] })['readiness-probe-missing'], /if one elsewhere does/);
  });
});

describe('unknown findings of a live audit', () => {
  it('say what was not read, not "not in the input" and --complete (which a live audit has no use for)', () => {
    const files = audit({ resources: input.resources }, { checks: [needsFriend] });
    assert.match(renderText(files, { color: false }), /not in input: no Friend object selects these pods \(does not fail; --complete if the input holds everything\)/);
    const live = audit({ resources: input.resources }, { checks: [needsFriend] });
    live.cluster = { complete: true, contexts: [] };
    const text = renderText(live, { color: false });
    assert.match(text, /not read: no Friend object selects these pods \(does not fail: outside the namespaces read, or not readable with these permissions\)/);
    assert.match(text, /1 unknown \(rest on objects outside what was read\)/);
    assert.doesNotMatch(text, /--complete|not in the input/);
    assert.match(renderMarkdown(live), /1 unknown \(rest on objects outside what was read\)/);
  });
});
