/**
 * What an operator writes into the pods it builds (src/model/operator-defaults.ts): CloudNativePG's
 * Pooler gets its ServiceAccount, the pgbouncer container's security context, a readiness probe, its
 * ports and labels from the operator, and spec.instances is its replica count.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allChecks } from '../../src/checks/index.js';
import { audit } from '../../src/engine/audit.js';
import { loadText } from '../../src/sources/resources.js';
import { toWorkload } from '../../src/model/workload.js';

const pooler = (opts: { group?: string; instances?: string; extra?: string; container?: string } = {}) => `apiVersion: ${opts.group ?? 'postgresql.cnpg.io/v1'}
kind: Pooler
metadata:
  name: pg-pooler-rw
  namespace: db
  labels: {team: data}
spec:
  cluster: {name: pg}
${opts.instances ?? '  instances: 3\n'}  type: rw
  pgbouncer:
    poolMode: session
${opts.extra ?? ''}  template:
    metadata:
      labels: {app: pooler}
    spec:
      containers:
        - name: pgbouncer
          resources:
            requests: {cpu: 250m, memory: 512Mi}
            limits: {cpu: 250m, memory: 512Mi}
${opts.container ?? ''}`;

function checksFired(text: string): Map<string, string[]> {
  const r = audit({ resources: loadText(text, 'pooler.yaml').resources }, { checks: allChecks });
  const m = new Map<string, string[]>();
  for (const f of r.verdicts[0].findings) m.set(f.check, [...(m.get(f.check) ?? []), `${f.unknown ? 'unknown' : f.severity}: ${f.message}`]);
  return m;
}

const OPERATOR_SETS = [
  'default-service-account',
  'service-account-missing',
  'service-account-token-automount',
  'run-as-non-root',
  'capabilities-not-dropped',
  'privilege-escalation',
  'read-only-root-filesystem',
  'seccomp-profile-missing',
  'readiness-probe-missing',
  'metrics-not-exposed',
];

describe("CloudNativePG's Pooler", () => {
  it('the model: the pods as the operator builds them', () => {
    const w = toWorkload(loadText(pooler(), 'p.yaml').resources[0])!;
    assert.equal(w.podSpec.serviceAccountName, 'pg-pooler-rw');
    assert.match(w.serviceAccountBy!, /CloudNativePG runs the Pooler's pods as ServiceAccount "pg-pooler-rw"/);
    assert.deepEqual(w.replicasPath, ['spec', 'instances']);
    assert.equal(w.replicas, 3);
    assert.deepEqual(w.podLabels, { app: 'pooler', 'cnpg.io/poolerName': 'pg-pooler-rw' });
    const c = w.containers[0];
    assert.equal((c.spec.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, true);
    assert.deepEqual(c.spec.readinessProbe, { tcpSocket: { port: 5432 }, timeoutSeconds: 5 });
    assert.deepEqual((c.spec.ports as { name: string }[]).map((p) => p.name), ['pgbouncer', 'metrics']);
    // The pod spec's container list holds the same (effective) container, and the input is untouched.
    assert.equal((w.podSpec.containers as unknown[])[0], c.spec);
    const written = (((w.resource.object.spec as Record<string, unknown>).template as Record<string, unknown>).spec as { containers: Record<string, unknown>[] }).containers[0];
    assert.equal(written.securityContext, undefined);
    assert.equal((w.resource.object.spec as Record<string, unknown>).serviceAccountName, undefined);
  });

  it('what the operator sets is not reported; what it does not set still is', () => {
    const fired = checksFired(pooler());
    for (const id of OPERATOR_SETS) assert.equal(fired.get(id), undefined, `${id}: ${fired.get(id)}`);
    assert.match(fired.get('liveness-probe-missing')![0], /^error: container "pgbouncer" has no livenessProbe/);
    // The pods' own label now judges the zone anti-affinity a template may carry: none here.
    assert.equal(fired.get('replicas-below-minimum'), undefined);
    assert.match(fired.get('metrics-not-scraped')![0], /^unknown: exposes metrics \(port "metrics" \(9127\) of container "pgbouncer"\)/);
  });

  it('the operator overwrites a security context and a ServiceAccount written in the template', () => {
    const fired = checksFired(
      pooler({ container: '          securityContext: {privileged: true, runAsUser: 0}\n' }).replace('    spec:\n      containers:', '    spec:\n      serviceAccountName: shared\n      containers:'),
    );
    for (const id of [...OPERATOR_SETS, 'privileged-container']) assert.equal(fired.get(id), undefined, `${id}: ${fired.get(id)}`);
  });

  it('spec.instances is the replica count; a PodMonitor the operator creates scrapes it', () => {
    assert.match(checksFired(pooler({ instances: '  instances: 1\n' })).get('replicas-below-minimum')![0], /^error: spec\.instances is 1 \(minimum 2\)/);
    assert.match(checksFired(pooler({ instances: '' })).get('replicas-below-minimum')![0], /^error: spec\.instances is not set \(defaults to 1; minimum 2\)/);
    assert.equal(checksFired(pooler({ extra: '  monitoring: {enablePodMonitor: true}\n' })).get('metrics-not-scraped'), undefined);
    assert.ok(checksFired(pooler({ extra: '  monitoring: {enablePodMonitor: false}\n' })).get('metrics-not-scraped'));
  });

  it('a Pooler of another API group is judged as written', () => {
    const fired = checksFired(pooler({ group: 'example.com/v1' }));
    assert.ok(fired.get('default-service-account'));
    assert.ok(fired.get('run-as-non-root'));
  });
});
