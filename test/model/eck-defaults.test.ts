/**
 * What Elastic Cloud on Kubernetes writes into the pods it builds (src/model/eck-defaults.ts): default
 * resources, readiness probes, ports and labels on the main container, security contexts by kind and
 * stack version, no API token, `count` as the replica count, and for Elasticsearch a preferred
 * anti-affinity over nodes and a PodDisruptionBudget.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allChecks } from '../../src/checks/index.js';
import { audit } from '../../src/engine/audit.js';
import { loadText } from '../../src/sources/resources.js';
import { toWorkload } from '../../src/model/workload.js';

/** Findings of the first verdict, by check: `severity: message` (unknown ones as `unknown: ...`). */
function fired(text: string): Map<string, string[]> {
  const r = audit({ resources: loadText(text, 'eck.yaml').resources }, { checks: allChecks });
  const m = new Map<string, string[]>();
  for (const f of r.verdicts[0].findings) m.set(f.check, [...(m.get(f.check) ?? []), `${f.unknown ? 'unknown' : f.severity}: ${f.message}`]);
  return m;
}

const kibana = (opts: { version?: string; group?: string; container?: string; count?: string } = {}) => `apiVersion: ${opts.group ?? 'kibana.k8s.elastic.co/v1'}
kind: Kibana
metadata: {name: kb, namespace: elastic, labels: {team: search}}
spec:
  version: "${opts.version ?? '8.15.0'}"
${opts.count ?? '  count: 2\n'}  podTemplate:
    metadata:
      labels: {app.kubernetes.io/name: kibana}
    spec:
      containers:
        - name: kibana
${opts.container ?? ''}`;

describe('ECK defaults: Kibana', () => {
  it('fills in resources, readiness probe, port, labels, security context (7.10+), no API token, and count as replicas', () => {
    const w = toWorkload(loadText(kibana(), 'kb.yaml').resources[0])!;
    assert.equal(w.replicas, 2);
    assert.deepEqual(w.replicasPath, ['spec', 'count']);
    assert.equal(w.podSpec.automountServiceAccountToken, false);
    assert.deepEqual(w.podSpec.securityContext, { fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const c = w.containers[0].spec;
    assert.deepEqual(c.resources, { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } });
    assert.deepEqual((c.readinessProbe as { httpGet: unknown }).httpGet, { port: 5601, path: '/login', scheme: 'HTTPS' });
    assert.deepEqual(c.ports, [{ name: 'https', containerPort: 5601, protocol: 'TCP' }]);
    assert.equal((c.securityContext as { runAsUser: number }).runAsUser, 1000);
    assert.equal(w.podLabels['kibana.k8s.elastic.co/name'], 'kb');
    assert.equal(w.podLabels['app.kubernetes.io/name'], 'kibana');

    const m = fired(kibana());
    for (const gone of ['readiness-probe-missing', 'memory-request-missing', 'memory-limit-missing', 'capabilities-not-dropped', 'privilege-escalation', 'read-only-root-filesystem', 'seccomp-profile-missing', 'service-account-token-automount', 'replicas-below-minimum']) {
      assert.equal(m.get(gone), undefined, `${gone}: ${m.get(gone)}`);
    }
    // What ECK leaves unset stays reported: no CPU, no liveness probe, runAsNonRoot.
    assert.ok(m.get('cpu-request-missing')?.[0].startsWith('error'));
    assert.ok(m.get('liveness-probe-missing')?.[0].startsWith('error'));
    assert.match(m.get('run-as-non-root')![0], /^warning: container "kibana": runs as UID 1000 but runAsNonRoot is not set/);
    assert.match(m.get('default-service-account')![0], /^info: .*no API token is mounted/);
  });

  it('before 7.10 sets no security context; a container securityContext or resources of the user win whole', () => {
    const old = fired(kibana({ version: '7.9.3' }));
    assert.match(old.get('run-as-non-root')![0], /^error/);
    assert.ok(old.get('capabilities-not-dropped'));

    const own = toWorkload(loadText(kibana({ container: '          securityContext: {runAsNonRoot: true}\n          resources:\n            requests: {cpu: 500m}\n' }), 'kb.yaml').resources[0])!;
    assert.deepEqual(own.containers[0].spec.securityContext, { runAsNonRoot: true });
    assert.deepEqual(own.containers[0].spec.resources, { requests: { cpu: '500m' } });
    const m = fired(kibana({ container: '          securityContext: {runAsNonRoot: true}\n          resources:\n            requests: {cpu: 500m}\n' }));
    assert.ok(m.get('memory-request-missing'), 'requests set by the user: ECK adds no memory');
    assert.ok(m.get('capabilities-not-dropped'), 'the user securityContext replaces the default');
  });

  it('count 1 is below the minimum; unset count is unknown (ECK has no default); another group is not ECK', () => {
    assert.match(fired(kibana({ count: '  count: 1\n' })).get('replicas-below-minimum')![0], /^error: spec\.count is 1 \(minimum 2\)/);
    assert.equal(toWorkload(loadText(kibana({ count: '' }), 'kb.yaml').resources[0])!.replicas, null);
    const other = toWorkload(loadText(kibana({ group: 'kibana.example.com/v1' }), 'kb.yaml').resources[0])!;
    assert.equal(other.podSpec.automountServiceAccountToken, undefined);
    assert.equal(other.containers[0].spec.readinessProbe, undefined);
  });
});

const es = (opts: { version?: string; pdb?: string; claims?: string; affinity?: string } = {}) => `apiVersion: elasticsearch.k8s.elastic.co/v1
kind: Elasticsearch
metadata: {name: logs, namespace: elastic, labels: {team: search}}
spec:
  version: ${opts.version ?? '8.15.0'}
${opts.pdb ?? ''}  nodeSets:
    - name: masters
      count: 3
      podTemplate:
        spec:
${opts.affinity ?? ''}          initContainers:
            - name: sysctl
              command: [sh, -c, 'sysctl -w vm.max_map_count=262144']
          containers:
            - name: elasticsearch
${opts.claims ?? ''}    - name: data
      count: 4
      podTemplate:
        spec:
          containers:
            - name: elasticsearch
              resources:
                requests: {cpu: "2", memory: 8Gi}
                limits: {memory: 8Gi}
`;

describe('ECK defaults: Elasticsearch', () => {
  it('audits the first nodeSet as the workload (count as replicas) and the others as its other templates', () => {
    const w = toWorkload(loadText(es(), 'es.yaml').resources[0])!;
    assert.deepEqual(w.podSpecPath, ['spec', 'nodeSets', 0, 'podTemplate', 'spec']);
    assert.equal(w.replicas, 3);
    assert.deepEqual(w.replicasPath, ['spec', 'nodeSets', 0, 'count']);
    assert.equal(w.podLabels['elasticsearch.k8s.elastic.co/statefulset-name'], 'logs-es-masters');
    const main = w.containers.find((c) => c.name === 'elasticsearch')!.spec;
    assert.deepEqual(main.securityContext, { privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    assert.deepEqual(main.resources, { requests: { memory: '2Gi' }, limits: { memory: '2Gi' } });
    // The init container inherits the main container's resources and gets the same security context.
    const init = w.containers.find((c) => c.name === 'sysctl')!.spec;
    assert.deepEqual(init.resources, main.resources);
    assert.equal((init.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, true);
    assert.deepEqual(w.podSpec.securityContext, { fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });

    const r = audit({ resources: loadText(es(), 'es.yaml').resources }, { checks: allChecks });
    assert.equal(r.summary.workloads, 1);
    const f = r.verdicts[0].findings;
    const at = (check: string) => f.filter((x) => x.check === check).map((x) => `${x.field} ${x.severity}`);
    // The data nodeSet's user resources: requests without a CPU limit are reported at its own fields.
    assert.deepEqual(at('cpu-limit-missing').sort(), [
      'spec.nodeSets[0].podTemplate.spec.containers[0].resources.limits.cpu error',
      'spec.nodeSets[0].podTemplate.spec.initContainers[0].resources.limits.cpu error',
      'spec.nodeSets[1].podTemplate.spec.containers[0].resources.limits.cpu error',
    ]);
    for (const gone of ['pdb-missing', 'no-pod-anti-affinity', 'readiness-probe-missing', 'run-as-non-root', 'capabilities-not-dropped', 'service-account-token-automount', 'replicas-below-minimum']) {
      assert.deepEqual(at(gone), [], gone);
    }
    assert.ok(at('liveness-probe-missing').length > 0, 'ECK adds no liveness probe');
    const drain = r.verdicts[0].survival?.find((s) => s.scenario === 'drain');
    assert.match(drain?.reason ?? '', /ECK creates a PodDisruptionBudget for these pods/);
  });

  it('by stack version: 7.x gets no drop ALL and no runAsNonRoot; 8.0 to 8.7 drop ALL only', () => {
    const sc = (version: string) => toWorkload(loadText(es({ version }), 'es.yaml').resources[0])!.containers.find((c) => c.name === 'elasticsearch')!.spec.securityContext;
    assert.deepEqual(sc('7.17.20'), { privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    assert.deepEqual(sc('8.5.0'), { privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    assert.equal(toWorkload(loadText(es({ version: '7.17.20' }), 'es.yaml').resources[0])!.podSpec.securityContext, undefined);
  });

  it('podDisruptionBudget: {} turns the budget off; the user affinity is kept; claim templates of other names leave the root writable', () => {
    const off = audit({ resources: loadText(es({ pdb: '  podDisruptionBudget: {}\n' }), 'es.yaml').resources }, { checks: allChecks });
    assert.ok(off.verdicts[0].findings.some((f) => f.check === 'pdb-missing'));
    const own = toWorkload(loadText(es({ affinity: '          affinity: {}\n' }), 'es.yaml').resources[0])!;
    assert.deepEqual(own.podSpec.affinity, {});
    const claims = toWorkload(loadText(es({ claims: '      volumeClaimTemplates:\n        - metadata: {name: data}\n          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}\n' }), 'es.yaml').resources[0])!;
    assert.equal((claims.containers.find((c) => c.name === 'elasticsearch')!.spec.securityContext as { readOnlyRootFilesystem: boolean }).readOnlyRootFilesystem, false);
  });
});

describe('ECK defaults: Agent and Beat', () => {
  const agent = (how: string, extra = '') => `apiVersion: agent.k8s.elastic.co/v1alpha1
kind: Agent
metadata: {name: fleet, namespace: elastic}
spec:
  version: 8.15.0
  mode: fleet
${extra}  ${how}:
    podTemplate:
      spec:
        containers:
          - name: agent
`;
  it('a Deployment without replicas runs one; a DaemonSet is a daemon; the API token stays on; Fleet resources', () => {
    const d = toWorkload(loadText(agent('deployment'), 'a.yaml').resources[0])!;
    assert.equal(d.replicas, 1);
    assert.deepEqual(d.replicasPath, ['spec', 'deployment', 'replicas']);
    assert.equal(d.podSpec.automountServiceAccountToken, true);
    assert.deepEqual(d.containers[0].spec.resources, { requests: { memory: '1Gi', cpu: '200m' }, limits: { memory: '1Gi', cpu: '200m' } });
    assert.equal(d.containers[0].spec.readinessProbe, undefined);
    const ds = toWorkload(loadText(agent('daemonSet'), 'a.yaml').resources[0])!;
    assert.equal(ds.class, 'daemon');
    assert.equal(ds.replicas, null);
    const fleet = toWorkload(loadText(agent('deployment', '  fleetServerEnabled: true\n'), 'a.yaml').resources[0])!;
    assert.deepEqual(fleet.containers[0].spec.ports, [{ name: 'https', containerPort: 8220, protocol: 'TCP' }]);
  });

  it('a Beat: main container named by spec.type, default resources, no API token', () => {
    const w = toWorkload(
      loadText(
        `apiVersion: beat.k8s.elastic.co/v1beta1
kind: Beat
metadata: {name: logs}
spec:
  type: filebeat
  version: 8.15.0
  daemonSet:
    podTemplate:
      spec:
        containers:
          - name: filebeat
`,
        'b.yaml',
      ).resources[0],
    )!;
    assert.equal(w.class, 'daemon');
    assert.deepEqual(w.containers[0].spec.resources, { requests: { memory: '300Mi', cpu: '100m' }, limits: { memory: '300Mi', cpu: '100m' } });
    assert.equal(w.podSpec.automountServiceAccountToken, false);
  });
});
