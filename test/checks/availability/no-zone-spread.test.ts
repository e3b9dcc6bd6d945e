import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/no-zone-spread.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { applyFixes } from '../../helpers/apply-fix.js';

const web = (replicas: string, extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
${replicas}  template:
    metadata:
      labels: {app.kubernetes.io/name: web, tier: front}
    spec:
${extra}      containers: [{name: app, image: nginx}]
`;

describe('no-zone-spread', () => {
  it('fires (info) with only hostname spreading, pointing at topologySpreadConstraints', () => {
    expectFindings(
      check,
      web(
        '  replicas: 3\n',
        `      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app.kubernetes.io/name: web}}}
`,
      ),
      [{ line: 10, severity: 'info', message: 'no topologySpreadConstraints or podAntiAffinity over topology.kubernetes.io/zone: all 3 replicas' }],
    );
  });

  it('passes with a zone spread constraint, or a preferred anti-affinity over the deprecated zone key', () => {
    expectNone(
      check,
      web(
        '  replicas: 3\n',
        `      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {matchLabels: {app.kubernetes.io/name: web}}
          matchLabelKeys: [pod-template-hash]
`,
      ),
    );
    expectNone(
      check,
      web(
        '  replicas: 3\n',
        `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 50
              podAffinityTerm:
                topologyKey: failure-domain.beta.kubernetes.io/zone
                labelSelector: {matchExpressions: [{key: tier, operator: Exists}]}
`,
      ),
    );
  });

  it('fires when the zone term looks at another namespace', () => {
    expectFindings(
      check,
      web(
        '  replicas: 3\n',
        `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 50
              podAffinityTerm:
                topologyKey: topology.kubernetes.io/zone
                namespaces: [other]
                labelSelector: {matchLabels: {tier: front}}
`,
      ),
      [{ line: 16, message: 'only looks at namespaces other, not "shop"' }],
    );
  });

  it('fires when the zone constraint selects other pods (NotIn own value)', () => {
    expectFindings(
      check,
      web(
        '  replicas: 2\n',
        `      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchExpressions: [{key: tier, operator: NotIn, values: [front]}]
`,
      ),
      [{ line: 14, message: "matches none of this workload's pods" }],
    );
  });

  it('is silent for single-replica, StatefulSet with zone spread, and DaemonSets', () => {
    expectNone(check, web('  replicas: 1\n', ''));
    expectNone(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: db}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {}}
      containers: [{name: db, image: postgres}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: app, image: fluent-bit}]
`,
    );
  });
});

describe('no-zone-spread: replicas on one ReadWriteOnce claim', () => {
  it('is silent: they can only run on the volume\'s node; with ReadWriteMany it fires', () => {
    const pvc = (modes: string) => `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: ${modes}
  resources: {requests: {storage: 1Gi}}
`;
    const d = web('  replicas: 3\n', '      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n');
    expectNone(check, d + pvc('[ReadWriteOnce]'));
    expectFindings(check, d + pvc('[ReadWriteMany]'), [{ severity: 'info' }]);
  });
});

const redis = (extra: string, kind = 'Deployment') => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: redis, namespace: cache}
spec:
  replicas: 3
  selector: {matchLabels: {app.kubernetes.io/name: redis}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: redis, tier: cache}
    spec:
${extra}      containers: [{name: redis, image: redis:7}]
`;

describe('no-zone-spread: the fix selects the workload\'s own pods', () => {
  it('a ScheduleAnyway zone constraint whose labelSelector is the Deployment\'s spec.selector, after the constraints it has', () => {
    const [f] = runCheck(check, redis(''));
    assert.equal(
      f.fixYaml,
      `spec:
  template:
    spec:
      # ScheduleAnyway: a full or lost zone does not leave pods Pending
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: redis`,
    );
    const [kept] = runCheck(check, redis('      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app.kubernetes.io/name: redis}}}]\n', 'StatefulSet'));
    const patch = yaml.load(kept.fixYaml!) as { spec: { template: { spec: { topologySpreadConstraints: { topologyKey: string }[] } } } };
    assert.deepEqual(patch.spec.template.spec.topologySpreadConstraints.map((c) => c.topologyKey), ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
  });

  for (const [what, text] of [
    ['no constraint', redis('')],
    ['a hostname constraint only', redis('      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app.kubernetes.io/name: redis}}}]\n')],
    ['a zone constraint selecting "web" pods', redis('      topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app.kubernetes.io/name: web}}}]\n')],
    ['a zone anti-affinity term without labelSelector', redis('      affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 50, podAffinityTerm: {topologyKey: topology.kubernetes.io/zone}}]}}\n')],
  ] as const) {
    it(`applying the fix (${what}) clears the finding, and the repaired term selects redis`, () => {
      const { before, after, fixed } = applyFixes(check, text);
      assert.equal(before.length, 1);
      assert.deepEqual(after.map((x) => x.message), [], fixed);
      assert.doesNotMatch(fixed, /name: web/);
    });
  }
});
