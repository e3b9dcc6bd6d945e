import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/no-pod-anti-affinity.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { applyFixes } from '../../helpers/apply-fix.js';

/** A Deployment with pod labels app=web; `extra` is indented under the pod spec (6 spaces). */
const web = (replicas: string, extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
${replicas}  template:
    metadata:
      labels: {app: web}
    spec:
${extra}      containers: [{name: app, image: nginx}]
`;

describe('no-pod-anti-affinity', () => {
  it('fires on 3 replicas without any spreading, pointing at the pod spec', () => {
    expectFindings(check, web('  replicas: 3\n', ''), [
      { line: 9, severity: 'warning', message: 'no podAntiAffinity or topologySpreadConstraints over kubernetes.io/hostname: all 3 replicas' },
    ]);
  });

  it('passes with a host port (or hostNetwork with ports): two pods using one host port never share a node', () => {
    const ported = (ports: string, extra = '') => web('  replicas: 3\n', extra).replace('containers: [{name: app, image: nginx}]', `containers: [{name: app, image: nginx, ports: [${ports}]}]`);
    expectNone(check, ported('{containerPort: 80, hostPort: 8080}'));
    expectNone(check, ported('{containerPort: 9100}', '      hostNetwork: true\n'));
    // A container port alone (no hostNetwork) does not.
    expectFindings(check, ported('{containerPort: 80}'), [{ line: 9, message: 'no podAntiAffinity or topologySpreadConstraints' }]);
  });

  it('passes when each pod takes every TPU chip of a single-host slice; fires for a multi-host slice or a partial host', () => {
    const tpu = (topology: string, chips: string, how = 'nodeSelector') =>
      web(
        '  replicas: 2\n',
        how === 'nodeSelector'
          ? `      nodeSelector: {cloud.google.com/gke-tpu-accelerator: tpu-v5-lite-podslice, cloud.google.com/gke-tpu-topology: "${topology}"}\n`
          : `      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: cloud.google.com/gke-tpu-topology, operator: In, values: ["${topology}"]}]}]}}}\n`,
      ).replace('containers: [{name: app, image: nginx}]', `containers: [{name: app, image: nginx, resources: {requests: {google.com/tpu: ${chips}}, limits: {google.com/tpu: ${chips}}}}]`);
    expectNone(check, tpu('2x4', '8'));
    expectNone(check, tpu('2x2', '4', 'affinity'));
    expectNone(check, tpu('1x1', '1'));
    // A 4x4 slice spans four hosts: a pod asking for 4 of its 16 chips is one host's share, and the
    // chip count alone does not show what else fits on that node.
    expectFindings(check, tpu('4x4', '4'), [{ line: 9, message: 'no podAntiAffinity or topologySpreadConstraints' }]);
    // Half a host: two pods fit on one 2x4 node.
    expectFindings(check, tpu('2x4', '4'), [{ line: 9, message: 'no podAntiAffinity or topologySpreadConstraints' }]);
    // No topology selected: the node's size is not known.
    expectFindings(check, web('  replicas: 2\n', '').replace('containers: [{name: app, image: nginx}]', 'containers: [{name: app, image: nginx, resources: {limits: {google.com/tpu: 8}}}]'), [
      { line: 9, message: 'no podAntiAffinity or topologySpreadConstraints' },
    ]);
  });

  it('is silent when every replica mounts one ReadWriteOnce claim (spreading them is what breaks them); fires with ReadWriteMany', () => {
    const claimed = (mode: string) =>
      web('  replicas: 2\n', '      volumes: [{name: data, persistentVolumeClaim: {claimName: wp-data}}]\n').replace(
        'containers: [{name: app, image: nginx}]',
        'containers: [{name: app, image: nginx, volumeMounts: [{name: data, mountPath: /var/www}]}]',
      ) +
      `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: wp-data}
spec:
  accessModes: [${mode}]
  resources: {requests: {storage: 10Gi}}
`;
    expectNone(check, claimed('ReadWriteOnce'));
    expectFindings(check, claimed('ReadWriteMany'), [{ line: 9, message: 'no podAntiAffinity or topologySpreadConstraints' }]);
  });

  it('fires with only a preferred zone anti-affinity, and says that term does not separate nodes', () => {
    expectFindings(
      check,
      web(
        '  replicas: 3\n',
        `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: topology.kubernetes.io/zone
                labelSelector: {matchLabels: {app: web}}
`,
      ),
      [
        {
          line: 10,
          message:
            "its preferred podAntiAffinity term over topology.kubernetes.io/zone does not separate nodes, and nothing spreads the pods over kubernetes.io/hostname: of all 3 replicas, those in the same zone can share a node, and that node's failure takes them all down",
        },
      ],
    );
  });

  it('passes with a preferred anti-affinity over hostname selecting its own pods', () => {
    expectNone(
      check,
      web(
        '  replicas: 3\n',
        `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchExpressions: [{key: app, operator: In, values: [web]}]
`,
      ),
    );
  });

  it('passes with a hostname spread constraint, and with a required zone anti-affinity', () => {
    expectNone(
      check,
      web(
        '  replicas: 3\n',
        `      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
`,
      ),
    );
    expectNone(
      check,
      web(
        '  replicas: 3\n',
        `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: web}}}
`,
      ),
    );
  });

  it('fires when the only hostname term selects other pods, pointing at its labelSelector', () => {
    expectFindings(
      check,
      web(
        '  replicas: 2\n',
        `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector:
                matchLabels: {app: api}
`,
      ),
      [{ line: 14, message: "podAntiAffinity term over kubernetes.io/hostname has a labelSelector that matches none of this workload's pods (pod labels: app=web)" }],
    );
  });

  it('fires when mismatchLabelKeys excludes the own pods, pointing at it', () => {
    expectFindings(
      check,
      web(
        '  replicas: 2\n',
        `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector: {matchExpressions: [{key: app, operator: Exists}]}
                mismatchLabelKeys: [app]
`,
      ),
      [{ line: 17, message: 'lists mismatchLabelKeys app' }],
    );
  });

  it('fires when a spread constraint has no labelSelector', () => {
    expectFindings(
      check,
      web(
        '  replicas: 2\n',
        `      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: DoNotSchedule
`,
      ),
      [{ line: 11, message: 'has no labelSelector' }],
    );
  });

  it('does not count a zone spread constraint or preferred zone anti-affinity as node spreading', () => {
    expectFindings(
      check,
      web(
        '  replicas: 4\n',
        `      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
`,
      ),
      [{ line: 9, message: 'of all 4 replicas, those in the same zone can share a node' }],
    );
  });

  it('uses the HPA floor: silent at minReplicas 1, fires at minReplicas 2', () => {
    const hpa = (min: number) => `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: ${min}
  maxReplicas: 10
`;
    expectNone(check, web('  replicas: 5\n', '') + hpa(1));
    expectFindings(check, web('', '') + hpa(2), [{ line: 8, message: 'all 2 or more replicas' }]);
  });

  it('covers Argo Rollouts', () => {
    expectFindings(
      check,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: r}}
    spec:
      containers: [{name: app, image: nginx}]
`,
      [{ line: 8 }],
    );
  });

  it('is silent for single replicas, DaemonSets, Jobs, Pods and template-less fragments', () => {
    expectNone(check, web('', ''));
    expectNone(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: app, image: fluent-bit}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  parallelism: 5
  template:
    spec:
      restartPolicy: Never
      containers: [{name: app, image: busybox}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: patch}
spec:
  replicas: 3
  template:
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 1
              podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: x}}}
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: odd}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: odd}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchExpressions: [{key: app, operator: Weird}]}}
          preferredDuringSchedulingIgnoredDuringExecution: "not a list"
      topologySpreadConstraints: {not: a-list}
      containers: [{name: app, image: nginx}]
`,
    );
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

describe('no-pod-anti-affinity: the fix selects the workload\'s own pods', () => {
  it('a preferred term over the hostname whose labelSelector is the Deployment\'s spec.selector, at its pod spec', () => {
    const [f] = runCheck(check, redis(''));
    assert.equal(
      f.fixYaml,
      `spec:
  template:
    spec:
      # preferred: the replicas go to different nodes when the cluster has room (required would leave extra replicas Pending)
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: redis`,
    );
    // No selector of its own (a Deployment without one is rejected, but the template labels are the pods').
    const [noSel] = runCheck(check, web('  replicas: 3\n', ''));
    assert.match(noSel.fixYaml!, /labelSelector:\n {18}matchLabels:\n {20}app: web$/);
  });

  it('a term with another app\'s selector: that term is fixed, the other terms kept', () => {
    const extra = `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - {weight: 10, podAffinityTerm: {topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app.kubernetes.io/name: redis}}}}
          - {weight: 100, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app.kubernetes.io/name: web}}}}
`;
    const [f] = runCheck(check, redis(extra, 'StatefulSet'));
    const patch = yaml.load(f.fixYaml!) as { spec: { template: { spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: unknown[] } } } } } };
    assert.deepEqual(patch.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution, [
      { weight: 10, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } } },
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } } },
    ]);
  });

  for (const [what, text] of [
    ['no term', redis('')],
    ['a preferred zone term only', redis(`      affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 10, podAffinityTerm: {topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app.kubernetes.io/name: redis}}}}]}}\n`)],
    ['a hostname spread without labelSelector', redis(`      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}]\n`)],
    ['a required term with mismatchLabelKeys on its own label', redis(`      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app.kubernetes.io/name: redis}}, mismatchLabelKeys: [tier]}]}}\n`)],
    ['a term looking at another namespace', redis(`      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app.kubernetes.io/name: redis}}, namespaces: [other]}]}}\n`)],
  ] as const) {
    it(`applying the fix (${what}) clears the finding`, () => {
      const { before, after, fixed } = applyFixes(check, text);
      assert.equal(before.length, 1);
      assert.deepEqual(after.map((x) => x.message), [], fixed);
    });
  }
});
