import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { survival, type Outcome, type Scenario, type ScenarioVerdict } from '../../src/model/survival.js';
import { audit } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';

function verdicts(yaml: string, name: string, complete = false): ScenarioVerdict[] | null {
  const { resources } = loadText(yaml, 'app.yaml');
  const index = new ResourceIndex(resources);
  const w = index.workloads.find((x) => x.resource.name === name);
  assert.ok(w, `workload ${name} in fixture`);
  return survival(w, index, { complete });
}

function outcome(vs: ScenarioVerdict[] | null, s: Scenario): { outcome: Outcome; reason: string; v: ScenarioVerdict } {
  const v = vs?.find((x) => x.scenario === s);
  assert.ok(v, `verdict for ${s}`);
  return { outcome: v.outcome, reason: v.reason, v };
}

const deploy = (o: { name?: string; replicas?: number | string | null; spec?: string; pod?: string; readiness?: boolean } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${o.name ?? 'api'}, namespace: shop}
spec:
${o.replicas === null || o.replicas === undefined ? '' : `  replicas: ${o.replicas}\n`}${o.spec ?? ''}  selector: {matchLabels: {app: ${o.name ?? 'api'}}}
  template:
    metadata: {labels: {app: ${o.name ?? 'api'}}}
    spec:
${o.pod ?? ''}      containers:
      - name: app
        image: api:1.0
${o.readiness === false ? '' : '        readinessProbe: {httpGet: {path: /ready, port: 8080}}\n'}---
`;

const hostAnti = `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: kubernetes.io/hostname
            labelSelector: {matchLabels: {app: api}}
`;
const zoneSpread = (skew = 1, when = 'DoNotSchedule') => `      topologySpreadConstraints:
      - maxSkew: ${skew}
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ${when}
        labelSelector: {matchLabels: {app: api}}
`;
const pdb = (budget: string, name = 'api', selector = '{matchLabels: {app: api}}') => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ${name}, namespace: shop}
spec:
  ${budget}
  selector: ${selector}
---
`;
const safeRollout = `  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
`;

describe('survival verdicts', () => {
  it('a well-built Deployment survives all four, with reasons naming what it rests on', () => {
    const vs = verdicts(deploy({ replicas: 3, spec: safeRollout, pod: hostAnti + zoneSpread() }) + pdb('maxUnavailable: 1'), 'api');
    assert.deepEqual(vs?.map((v) => v.outcome), ['survives', 'survives', 'survives', 'survives']);
    assert.match(outcome(vs, 'node-loss').reason, /3 replicas kept in different nodes by required podAntiAffinity over kubernetes.io\/hostname/);
    assert.match(outcome(vs, 'zone-loss').reason, /topologySpreadConstraints over topology.kubernetes.io\/zone \(maxSkew 1, DoNotSchedule\)/);
    assert.match(outcome(vs, 'drain').reason, /PodDisruptionBudget "api" maxUnavailable 1: a drain evicts at most 1 of 3 pods/);
    assert.match(outcome(vs, 'rollout').reason, /maxUnavailable 0 and maxSurge 1 \(0 down, 1 extra at 3 replicas\): at least 3 pods keep serving/);
    // The PDB verdict points at the budget's field, with its own line.
    const rel = outcome(vs, 'drain').v.related.find((r) => r.resource.kind === 'PodDisruptionBudget');
    assert.deepEqual(rel?.path, ['spec', 'maxUnavailable']);
  });

  it('one replica: node and zone loss are outages; the wait names the toleration', () => {
    const vs = verdicts(deploy({ replicas: 1 }), 'api');
    const node = outcome(vs, 'node-loss');
    assert.equal(node.outcome, 'outage');
    assert.match(node.reason, /about 5.8 minutes \(the 50 s node-monitor-grace-period plus the 300 s unreachable toleration\)/);
    assert.equal(outcome(vs, 'zone-loss').outcome, 'outage');
    const tol = `      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
`;
    assert.match(outcome(verdicts(deploy({ replicas: 1, pod: tol }), 'api'), 'node-loss').reason, /about 1.2 minutes \(the 50 s node-monitor-grace-period plus the 20 s/);
    const forever = `      tolerations:
      - {operator: Exists}
`;
    assert.match(outcome(verdicts(deploy({ replicas: 1, pod: forever }), 'api'), 'node-loss').reason, /never \(a toleration keeps the pod bound/);
  });

  it('a single-replica StatefulSet is not replaced on an unreachable node, and every rollout is an outage', () => {
    const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16, readinessProbe: {exec: {command: [pg_isready]}}}]
`;
    const vs = verdicts(sts, 'db');
    assert.match(outcome(vs, 'node-loss').reason, /StatefulSet does not replace a pod on an unreachable node/);
    assert.equal(outcome(vs, 'rollout').outcome, 'outage');
    const three = verdicts(sts.replace('spec:\n  serviceName', 'spec:\n  replicas: 3\n  serviceName'), 'db');
    assert.equal(outcome(three, 'rollout').outcome, 'survives');
    assert.match(outcome(three, 'rollout').reason, /one at a time/);
    const onDelete = verdicts(sts.replace('spec:\n  serviceName', 'spec:\n  updateStrategy: {type: OnDelete}\n  serviceName'), 'db');
    assert.equal(outcome(onDelete, 'rollout').outcome, 'survives');
  });

  it('best-effort spread is at risk; DoNotSchedule counts only when maxSkew is below the replica floor', () => {
    const preferred = `      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector: {matchLabels: {app: api}}
`;
    const p = outcome(verdicts(deploy({ replicas: 3, pod: preferred }), 'api'), 'node-loss');
    assert.equal(p.outcome, 'at-risk');
    assert.match(p.reason, /best-effort basis \(preferred podAntiAffinity over kubernetes.io\/hostname\)/);
    assert.equal(outcome(verdicts(deploy({ replicas: 3, pod: zoneSpread(3) }), 'api'), 'zone-loss').outcome, 'at-risk');
    assert.equal(outcome(verdicts(deploy({ replicas: 3, pod: zoneSpread(2) }), 'api'), 'zone-loss').outcome, 'survives');
    assert.equal(outcome(verdicts(deploy({ replicas: 3, pod: zoneSpread(1, 'ScheduleAnyway') }), 'api'), 'zone-loss').outcome, 'at-risk');
    const none = outcome(verdicts(deploy({ replicas: 3 }), 'api'), 'node-loss');
    assert.equal(none.outcome, 'at-risk');
    assert.match(none.reason, /nothing keeps them in different nodes/);
  });

  it('a spread term whose selector misses the own pods does not count', () => {
    const wrong = hostAnti.replace('{app: api}', '{app: other}');
    assert.equal(outcome(verdicts(deploy({ replicas: 3, pod: wrong }), 'api'), 'node-loss').outcome, 'at-risk');
  });

  it('drain: blocked by a budget that allows nothing or by two budgets; outage when it allows everything', () => {
    const blocked = outcome(verdicts(deploy({ replicas: 3 }) + pdb('minAvailable: 3'), 'api'), 'drain');
    assert.equal(blocked.outcome, 'blocked');
    assert.match(blocked.reason, /minAvailable 3 allows no eviction at 3 pods/);
    const pct = outcome(verdicts(deploy({ replicas: 2 }) + pdb('minAvailable: "60%"'), 'api'), 'drain');
    assert.equal(pct.outcome, 'blocked');
    const two = outcome(verdicts(deploy({ replicas: 3 }) + pdb('maxUnavailable: 1') + pdb('maxUnavailable: 1', 'api-2'), 'api'), 'drain');
    assert.equal(two.outcome, 'blocked');
    assert.match(two.reason, /more than one budget/);
    const all = outcome(verdicts(deploy({ replicas: 1 }) + pdb('maxUnavailable: 1'), 'api'), 'drain');
    assert.equal(all.outcome, 'outage');
    assert.match(all.reason, /allows evicting all 1 pod at once/);
  });

  it('drain: matchExpressions selectors are evaluated', () => {
    const sel = '{matchExpressions: [{key: app, operator: In, values: [api, web]}]}';
    assert.equal(outcome(verdicts(deploy({ replicas: 3 }) + pdb('minAvailable: 3', 'api', sel), 'api'), 'drain').outcome, 'blocked');
    const notIn = '{matchExpressions: [{key: app, operator: NotIn, values: [api]}]}';
    assert.equal(outcome(verdicts(deploy({ replicas: 3 }) + pdb('minAvailable: 3', 'api', notIn), 'api'), 'drain').outcome, 'unknown');
  });

  it('drain without a budget: unknown unless the input is complete', () => {
    const partial = outcome(verdicts(deploy({ replicas: 3 }), 'api'), 'drain');
    assert.equal(partial.outcome, 'unknown');
    assert.match(partial.reason, /may live elsewhere/);
    const complete = outcome(verdicts(deploy({ replicas: 3 }), 'api', true), 'drain');
    assert.equal(complete.outcome, 'at-risk');
    assert.equal(outcome(verdicts(deploy({ replicas: 1 }), 'api', true), 'drain').outcome, 'outage');
    // One replica: no budget elsewhere could make a drain safe, so partial input does not make it unknown.
    const single = outcome(verdicts(deploy({ replicas: 1 }), 'api'), 'drain');
    assert.equal(single.outcome, 'outage');
    assert.match(single.reason, /with one replica none could help: the only pod is evicted .* \(a budget that protects the pod instead makes the drain hang\)$/);
  });

  it('drain and rollout without readiness probes are at risk', () => {
    const d = outcome(verdicts(deploy({ replicas: 3, readiness: false }) + pdb('maxUnavailable: 1'), 'api'), 'drain');
    assert.equal(d.outcome, 'at-risk');
    assert.match(d.reason, /no readiness probe/);
    const r = outcome(verdicts(deploy({ replicas: 3, readiness: false }), 'api'), 'rollout');
    assert.equal(r.outcome, 'at-risk');
  });

  it('rollout without readiness: "requests fail" only where requests can arrive (a serving port, or a Service that is not metrics-only)', () => {
    const withPorts = (ports: string) => deploy({ replicas: 3, readiness: false }).replace('        image: api:1.0\n', `        image: api:1.0\n        ports: ${ports}\n`);
    const reason = (yaml: string) => outcome(verdicts(yaml, 'api'), 'rollout');
    const serving = reason(withPorts('[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]'));
    assert.equal(serving.outcome, 'at-risk');
    assert.match(serving.reason, /requests fail while the new version starts/);
    // A controller: metrics and health ports only, no Service. Still at risk, for its work, not requests.
    const controller = reason(withPorts('[{name: http-metrics, containerPort: 9402}, {name: http-healthz, containerPort: 9403}]'));
    assert.equal(controller.outcome, 'at-risk');
    assert.match(controller.reason, /no requests reach these pods .* a version that fails after starting stops their work/);
    assert.doesNotMatch(controller.reason, /requests fail/);
    // A metrics-only Service changes nothing; a Service with a serving port does.
    const svc = (port: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec:\n  selector: {app: api}\n  ports: [{name: ${port}, port: 80, targetPort: 9402}]\n`;
    assert.match(reason(withPorts('[{name: http-metrics, containerPort: 9402}]') + svc('metrics')).reason, /no requests reach/);
    assert.match(reason(withPorts('[{name: http-metrics, containerPort: 9402}]') + svc('web')).reason, /requests fail/);
  });

  it('rollout: Recreate and maxUnavailable 100% are outages; both zero is rejected', () => {
    assert.equal(outcome(verdicts(deploy({ replicas: 3, spec: '  strategy: {type: Recreate}\n' }), 'api'), 'rollout').outcome, 'outage');
    const all = outcome(verdicts(deploy({ replicas: 3, spec: '  strategy: {rollingUpdate: {maxUnavailable: "100%"}}\n' }), 'api'), 'rollout');
    assert.equal(all.outcome, 'outage');
    const zero = outcome(verdicts(deploy({ replicas: 3, spec: '  strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 0}}\n' }), 'api'), 'rollout');
    assert.equal(zero.outcome, 'blocked');
  });

  it('the HPA sets the floor and is named', () => {
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
`;
    const vs = verdicts(deploy({ replicas: 5, pod: hostAnti }) + hpa, 'api');
    const n = outcome(vs, 'node-loss');
    assert.match(n.reason, /^2 replicas \(the autoscaler floor\) kept in different nodes/);
    assert.ok(n.v.related.some((r) => r.resource.kind === 'HorizontalPodAutoscaler' && r.path.join('.') === 'spec.minReplicas'));
    // minAvailable 2 at the floor of 2 blocks.
    assert.equal(outcome(verdicts(deploy({ replicas: 5 }) + pdb('minAvailable: 2') + hpa, 'api'), 'drain').outcome, 'blocked');
  });

  it('DaemonSets, bare Pods, Jobs and templated replicas', () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: agent:1, readinessProbe: {tcpSocket: {port: 9100}}}]
`;
    const d = verdicts(ds, 'agent');
    assert.deepEqual(d?.map((x) => x.outcome), ['survives', 'survives', 'n/a', 'at-risk']);
    const surge = verdicts(ds.replace('spec:\n  selector', 'spec:\n  updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n  selector'), 'agent');
    assert.equal(outcome(surge, 'rollout').outcome, 'survives');
    const pod = verdicts('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i:1}]\n', 'p');
    assert.deepEqual(pod?.map((x) => x.outcome), ['outage', 'outage', 'outage', 'outage']);
    const job = verdicts('apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: i:1}]\n', 'j');
    assert.equal(job, null);
    const templated = verdicts(deploy({ replicas: '"{{ .Values.replicas }}"' }), 'api');
    assert.equal(outcome(templated, 'node-loss').outcome, 'unknown');
  });

  it('the engine attaches the verdicts to workload verdicts, with file:line for related objects, and --complete settles the drain', () => {
    const yaml = deploy({ replicas: 3, pod: hostAnti }) + pdb('maxUnavailable: 1');
    const { resources } = loadText(yaml, 'app.yaml');
    const r = audit({ resources }, { checks: allChecks });
    const w = r.verdicts.find((v) => v.object.kind === 'Deployment');
    assert.equal(w?.survival?.length, 4);
    const drain = w?.survival?.find((s) => s.scenario === 'drain');
    assert.equal(drain?.outcome, 'survives');
    const rel = drain?.related.find((x) => x.object.kind === 'PodDisruptionBudget');
    assert.equal(rel?.location.line, 24);
    assert.equal(rel?.field, 'spec.maxUnavailable');
    const pdbVerdict = r.verdicts.find((v) => v.object.kind === 'PodDisruptionBudget');
    assert.equal(pdbVerdict?.survival, null);
    const bare = loadText(deploy({ replicas: 3 }), 'app.yaml');
    const partial = audit({ resources: bare.resources }, { checks: allChecks }).verdicts[0].survival?.find((s) => s.scenario === 'drain');
    const full = audit({ resources: bare.resources }, { checks: allChecks, complete: true }).verdicts[0].survival?.find((s) => s.scenario === 'drain');
    assert.equal(partial?.outcome, 'unknown');
    assert.equal(full?.outcome, 'at-risk');
  });
});

describe('survival verdicts: budgets shared by workloads, StatefulSet and DaemonSet strategies, pinned pods, host ports', () => {
  const sts = (o: { replicas?: number; strategy?: string; name?: string }) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${o.name ?? 'db'}, namespace: shop}
spec:
  replicas: ${o.replicas ?? 3}
  serviceName: ${o.name ?? 'db'}
${o.strategy ?? ''}  selector: {matchLabels: {app: ${o.name ?? 'db'}}}
  template:
    metadata: {labels: {app: ${o.name ?? 'db'}}}
    spec:
      containers:
      - name: db
        image: db:1.0
        readinessProbe: {tcpSocket: {port: 5432}}
---
`;
  const ds = (strategy: string, ports = '') => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
${strategy}  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent:1.0
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
${ports}---
`;

  it('a budget over two single-replica Deployments counts both: one eviction allowed, not "blocked"', () => {
    const yaml = deploy({ name: 'a', replicas: 1, pod: '' }).replace('app: a}}\n  template', 'app: a}}\n  template').replace(/labels: \{app: a\}/, 'labels: {app: a, tier: web}') +
      deploy({ name: 'b', replicas: 1 }).replace(/labels: \{app: b\}/, 'labels: {app: b, tier: web}') +
      pdb('minAvailable: 1', 'web', '{matchLabels: {tier: web}}');
    const d = outcome(verdicts(yaml, 'a'), 'drain');
    assert.equal(d.outcome, 'outage');
    assert.match(d.reason, /minAvailable 1 allows evicting 1 of its 2 pods \(with the pods of Deployment "b", which it also selects\) at once, as many as this workload runs/);
    // Many workloads under one budget: three are named, the rest counted.
    const many = Array.from({ length: 6 }, (_, i) => deploy({ name: `w${i}`, replicas: 1 }).replace(new RegExp(`labels: \\{app: w${i}\\}`), `labels: {app: w${i}, tier: web}`)).join('') + pdb('maxUnavailable: 1', 'web', '{matchLabels: {tier: web}}');
    assert.match(outcome(verdicts(many, 'w0'), 'drain').reason, /1 of its 6 pods \(with the pods of Deployment "w1", Deployment "w2", Deployment "w3" and 2 more workloads, which it also selects\)/);
    // Alone, the same budget blocks.
    assert.equal(outcome(verdicts(deploy({ name: 'a', replicas: 1 }) + pdb('minAvailable: 1', 'web', '{matchLabels: {app: a}}'), 'a'), 'drain').outcome, 'blocked');
  });

  it('a policy/v1 budget with neither minAvailable nor maxUnavailable blocks every eviction', () => {
    const d = outcome(verdicts(deploy({ replicas: 3, spec: safeRollout }) + pdb('unhealthyPodEvictionPolicy: AlwaysAllow'), 'api'), 'drain');
    assert.equal(d.outcome, 'blocked');
    assert.match(d.reason, /PodDisruptionBudget "api" with neither minAvailable nor maxUnavailable \(the disruption controller then expects no pods\) allows no eviction at 3 pods/);
  });

  it('StatefulSet rollouts follow maxUnavailable (rounded down, at least 1); unknown update types are not judged', () => {
    assert.match(outcome(verdicts(sts({}), 'db'), 'rollout').reason, /replaced one at a time, highest ordinal first, never more than 1 unavailable at once: 2 of 3 keep serving/);
    const two = outcome(verdicts(sts({ replicas: 5, strategy: '  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: "50%"}}\n' }), 'db'), 'rollout');
    assert.equal(two.outcome, 'survives');
    assert.match(two.reason, /2 at a time \(maxUnavailable "50%"\).*3 of 5 keep serving/);
    const all = outcome(verdicts(sts({ strategy: '  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: "100%"}}\n' }), 'db'), 'rollout');
    assert.equal(all.outcome, 'outage');
    assert.match(all.reason, /every pod may be stopped at once/);
    // "10%" of 3 rounds down to 0, and the controller still replaces one at a time.
    assert.match(outcome(verdicts(sts({ strategy: '  updateStrategy: {rollingUpdate: {maxUnavailable: "10%"}}\n' }), 'db'), 'rollout').reason, /one at a time/);
    assert.equal(outcome(verdicts(sts({ strategy: '  updateStrategy: {type: Recreate}\n' }), 'db'), 'rollout').outcome, 'unknown');
    // Values the API server rejects.
    for (const bad of ['0', '"0%"', '"150%"']) {
      const x = outcome(verdicts(sts({ strategy: `  updateStrategy: {rollingUpdate: {maxUnavailable: ${bad}}}\n` }), 'db'), 'rollout');
      assert.equal(x.outcome, 'blocked', bad);
      assert.match(x.reason, /the API server rejects the StatefulSet/);
    }
    assert.equal(outcome(verdicts(ds('  updateStrategy: {type: Foo}\n'), 'agent'), 'rollout').outcome, 'unknown');
  });

  it('DaemonSet: surge with a non-zero maxUnavailable (its default 1 included) is rejected; surge with a host port stalls', () => {
    const rejected = outcome(verdicts(ds('  updateStrategy: {rollingUpdate: {maxSurge: 1}}\n'), 'agent'), 'rollout');
    assert.equal(rejected.outcome, 'blocked');
    assert.match(rejected.reason, /maxUnavailable 1 \(the default\) and maxSurge 1: the API server rejects the DaemonSet/);
    assert.equal(outcome(verdicts(ds('  updateStrategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n'), 'agent'), 'rollout').outcome, 'blocked');
    assert.equal(outcome(verdicts(ds('  updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n'), 'agent'), 'rollout').outcome, 'survives');
    const stalled = outcome(verdicts(ds('  updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n', '        ports: [{containerPort: 8080, hostPort: 8080}]\n'), 'agent'), 'rollout');
    assert.equal(stalled.outcome, 'blocked');
    assert.match(stalled.reason, /cannot be scheduled while the old one holds the port/);
    assert.match(outcome(verdicts(ds(''), 'agent'), 'rollout').reason, /set maxSurge: 1 with maxUnavailable: 0 to overlap them/);
    // With a host port that advice would stall the update: say why they cannot overlap instead.
    const held = outcome(verdicts(ds('', '        ports: [{containerPort: 8080, hostPort: 8080}]\n'), 'agent'), 'rollout');
    assert.equal(held.outcome, 'at-risk');
    assert.match(held.reason, /\(they cannot overlap: the new pod needs hostPort 8080, which the old one holds until it stops\)$/);
    // hostNetwork: every declared port is a host port.
    const hn = ds('  updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n', '        ports: [{containerPort: 9100}]\n').replace('    spec:\n      containers:', '    spec:\n      hostNetwork: true\n      containers:');
    assert.match(outcome(verdicts(hn, 'agent'), 'rollout').reason, /with host port 9100 \(hostNetwork\): each node's new pod cannot be scheduled/);
    // A host port on a plain init container (it has exited by then) does not stall the surge.
    const init = ds('  updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n').replace('      containers:', '      initContainers: [{name: setup, image: setup:1, ports: [{containerPort: 80, hostPort: 80}]}]\n      containers:');
    assert.equal(outcome(verdicts(init, 'agent'), 'rollout').outcome, 'survives');
    // Templated values: not judged.
    assert.equal(outcome(verdicts(ds('  updateStrategy: {rollingUpdate: {maxSurge: "{{ .Values.surge }}"}}\n'), 'agent'), 'rollout').outcome, 'unknown');
  });

  it('required anti-affinity over zones (one pod per zone) keeps the pods on different nodes too', () => {
    const zoneAnti = hostAnti.replace('kubernetes.io/hostname', 'topology.kubernetes.io/zone');
    const node = outcome(verdicts(deploy({ replicas: 3, pod: zoneAnti }), 'api'), 'node-loss');
    assert.equal(node.outcome, 'survives');
    assert.match(node.reason, /on different nodes: required podAntiAffinity over topology.kubernetes.io\/zone allows at most one pod per zone, so one per node/);
    // Preferred only: no such guarantee.
    assert.notEqual(outcome(verdicts(deploy({ replicas: 3, pod: zoneAnti.replace('requiredDuringSchedulingIgnoredDuringExecution:\n          - topologyKey', 'preferredDuringSchedulingIgnoredDuringExecution:\n          - weight: 100\n            podAffinityTerm:\n              topologyKey').replace('            labelSelector', '              labelSelector') }), 'api'), 'node-loss').outcome, 'survives');
  });

  it('pods pinned to one zone or node by nodeSelector or required node affinity do not survive its loss, whatever the spread says', () => {
    const zonePin = deploy({ replicas: 3, spec: safeRollout, pod: `      nodeSelector: {topology.kubernetes.io/zone: eu-west-1a}\n${zoneSpread()}` });
    const z = outcome(verdicts(zonePin, 'api'), 'zone-loss');
    assert.equal(z.outcome, 'outage');
    assert.match(z.reason, /nodeSelector topology.kubernetes.io\/zone: eu-west-1a allows only one zone \(eu-west-1a\)/);
    const hostPin = deploy({ replicas: 3, spec: safeRollout, pod: `      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n            - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-7]}]\n` });
    assert.match(outcome(verdicts(hostPin, 'api'), 'node-loss').reason, /required node affinity kubernetes.io\/hostname In \[node-7\] allows only one node \(node-7\)/);
    assert.match(outcome(verdicts(hostPin, 'api'), 'zone-loss').reason, /allows only one node \(node-7\), so one zone/);
    // Two zones allowed: not pinned.
    const two = zonePin.replace('nodeSelector: {topology.kubernetes.io/zone: eu-west-1a}', 'affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [a, b]}]}]}}}');
    assert.equal(outcome(verdicts(two, 'api'), 'zone-loss').outcome, 'survives');
  });

  it('a host port keeps replicas on different nodes; required zone anti-affinity says it needs a zone per replica', () => {
    const hp = deploy({ replicas: 3, spec: safeRollout }).replace('        image: api:1.0\n', '        image: api:1.0\n        ports: [{containerPort: 8080, hostPort: 8080}]\n');
    const n = outcome(verdicts(hp, 'api'), 'node-loss');
    assert.equal(n.outcome, 'survives');
    assert.match(n.reason, /they use hostPort 8080, and two pods using the same host port cannot share a node/);
    // A pod that takes every TPU chip of a single-host slice is alone on its node too.
    const tpu = deploy({ replicas: 2, spec: safeRollout, pod: '      nodeSelector: {cloud.google.com/gke-tpu-topology: 2x4}\n' }).replace(
      '        image: api:1.0\n',
      '        image: api:1.0\n        resources: {limits: {google.com/tpu: 8}}\n',
    );
    const t = outcome(verdicts(tpu, 'api'), 'node-loss');
    assert.equal(t.outcome, 'survives');
    assert.match(t.reason, /they use all 8 TPU chips of its node \(google\.com\/tpu 8 on a 2x4 single-host slice\), and each pod takes every TPU chip of its node/);
    assert.notEqual(outcome(verdicts(tpu.replace('google.com/tpu: 8', 'google.com/tpu: 4'), 'api'), 'node-loss').outcome, 'survives');
    const anti = hostAnti.replace('kubernetes.io/hostname', 'topology.kubernetes.io/zone');
    assert.match(outcome(verdicts(deploy({ replicas: 5, spec: safeRollout, pod: anti }), 'api'), 'zone-loss').reason, /at most one pod per zone: 5 replicas need 5 zones/);
  });

  it('replicas 0: nothing runs, an HPA included; "someone scales it up", not a cold start', () => {
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 3
  maxReplicas: 9
`;
    const vs = verdicts(deploy({ replicas: 0, spec: safeRollout }) + hpa, 'api');
    assert.deepEqual(vs?.map((x) => x.outcome), ['n/a', 'n/a', 'n/a', 'n/a']);
    assert.match(outcome(vs, 'drain').reason, /it runs no pod \(spec.replicas 0, which HorizontalPodAutoscaler "api" does not scale up from\): there is nothing to lose, and nothing serves until someone scales it up/);
    // minReplicas 0 (HPAScaleToZero): the HPA scaled it to 0 and scales it up again: a cold start, not "nothing runs".
    const zero = verdicts(deploy({ replicas: 0, spec: safeRollout }) + hpa.replace('minReplicas: 3', 'minReplicas: 0'), 'api');
    assert.match(outcome(zero, 'drain').reason, /^it scales to zero \(HorizontalPodAutoscaler "api" minReplicas 0\)/);
    const report = audit({ resources: loadText(deploy({ replicas: 0, spec: safeRollout }) + hpa, 'app.yaml').resources }, { checks: allChecks });
    const v = report.verdicts.find((x) => x.object.kind === 'Deployment');
    assert.equal(v?.cost?.replicas.now, 0);
    assert.equal(v?.cost?.replicas.max, 0);
  });
});

describe('survival verdicts: objects whose controller is not in the input', () => {
  it('a StatefulSet\'s Pod or a Deployment\'s ReplicaSet listed alone (kubectl -l on template labels) is not a bare Pod: the verdicts belong to the controller', () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, uid: 1b7e, controller: true}]
spec:
  containers: [{name: db, image: db:1.0}]
`;
    const vs = verdicts(pod, 'db-0');
    assert.deepEqual(vs?.map((x) => x.outcome), ['unknown', 'unknown', 'unknown', 'unknown']);
    assert.match(outcome(vs, "node-loss").reason, /^managed by StatefulSet "db" \(ownerReferences\), which is not in the input \(with -l: its own labels do not match\): it recreates and replaces this Pod/);
    // A StatefulSet that an operator owns (a Prometheus's) keeps its own verdicts.
    const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: prometheus-k8s
  namespace: monitoring
  ownerReferences: [{apiVersion: monitoring.coreos.com/v1, kind: Prometheus, name: k8s, uid: 9a1, controller: true}]
spec:
  replicas: 1
  serviceName: prometheus-operated
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      containers: [{name: prometheus, image: prom:3}]
`;
    assert.equal(outcome(verdicts(sts, 'prometheus-k8s'), 'node-loss').outcome, 'outage');
    // A Pod without a controller is still a bare Pod.
    assert.equal(outcome(verdicts(pod.replace(/  ownerReferences.*\n/, ''), 'db-0'), 'node-loss').outcome, 'outage');
  });
});

describe('survival verdicts: a surging rollout over a single-writer volume', () => {
  const claim = (mode: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [${mode}]
  resources: {requests: {storage: 1Gi}}
---
`;
  const withVolume = (pod = '') =>
    deploy({ replicas: 1, pod: `${pod}      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n` });

  it('ReadWriteOnce: at-risk (Multi-Attach on another node), as rwo-volume-multi-replica says; ReadWriteOncePod: blocked', () => {
    const rwo = outcome(verdicts(claim('ReadWriteOnce') + withVolume(), 'api'), 'rollout');
    assert.equal(rwo.outcome, 'at-risk');
    assert.match(rwo.reason, /each new pod mounts PersistentVolumeClaim "data" \(ReadWriteOnce\) while an old pod holds it: on another node it cannot attach \(Multi-Attach error\)/);
    assert.equal(outcome(verdicts(claim('ReadWriteOncePod') + withVolume(), 'api'), 'rollout').outcome, 'blocked');
  });

  it('not when the pods are pinned to one node, the claim is ReadWriteMany, or the strategy does not surge', () => {
    assert.equal(outcome(verdicts(claim('ReadWriteOnce') + withVolume('      nodeName: node-1\n'), 'api'), 'rollout').outcome, 'survives');
    assert.equal(outcome(verdicts(claim('ReadWriteMany') + withVolume(), 'api'), 'rollout').outcome, 'survives');
    const noSurge = claim('ReadWriteOnce') + withVolume().replace('  selector:', '  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}\n  selector:');
    assert.equal(outcome(verdicts(noSurge, 'api'), 'rollout').outcome, 'outage');
  });
});

describe('survival verdicts: where the pods run now (a live cluster or a dump)', () => {
  const node = (name: string, zone: string) => `apiVersion: v1
kind: Node
metadata: {name: ${name}, labels: {topology.kubernetes.io/zone: ${zone}}}
---
`;
  const livePods = (nodes: string[]) =>
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, uid: d-api}
spec:
  replicas: ${nodes.length}
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: api:1.0, readinessProbe: {httpGet: {path: /ready, port: 8080}}}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: api-1, namespace: shop, uid: rs-api, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: d-api, controller: true}]}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: api:1.0}]
---
` +
    nodes
      .map(
        (n, i) => `apiVersion: v1
kind: Pod
metadata: {name: api-1-${i}, namespace: shop, labels: {app: api}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-1, uid: rs-api, controller: true}]}
spec:
  nodeName: ${n}
  containers: [{name: app, image: api:1.0}]
status: {phase: Running}
---
`,
      )
      .join('');

  it('all running pods on one node: node loss is an outage now; in one zone: zone loss too', () => {
    const yaml = node('a1', 'eu-1a') + node('a2', 'eu-1a') + node('b1', 'eu-1b') + livePods(['a1', 'a1', 'a1']);
    const n = outcome(verdicts(yaml, 'api'), 'node-loss');
    assert.equal(n.outcome, 'outage');
    assert.match(n.reason, /^3 replicas, but all 3 running pods are on node a1 right now: its loss takes them all/);
    const z = outcome(verdicts(node('a1', 'eu-1a') + node('a2', 'eu-1a') + node('b1', 'eu-1b') + livePods(['a1', 'a2']), 'api'), 'zone-loss');
    assert.equal(z.outcome, 'outage');
    assert.match(z.reason, /all 2 running pods are in zone eu-1a right now/);
  });

  it('pods spread over nodes and zones, or nodes without a zone label: the spec decides as before', () => {
    const yaml = node('a1', 'eu-1a') + node('b1', 'eu-1b') + livePods(['a1', 'b1']);
    assert.equal(outcome(verdicts(yaml, 'api'), 'node-loss').outcome, 'at-risk');
    assert.equal(outcome(verdicts(yaml, 'api'), 'zone-loss').outcome, 'at-risk');
    // A node not in the input: the zone is unknown.
    assert.equal(outcome(verdicts(node('a1', 'eu-1a') + livePods(['a1', 'x9']), 'api'), 'zone-loss').outcome, 'at-risk');
  });
});

describe('survival verdicts: review cases', () => {
  it('a budget of another folder (no namespace on either side) is named, as unknown: "if deployed with these pods"', () => {
    const { resources: a } = loadText(deploy({ name: 'api', replicas: 1 }).replace('namespace: shop', 'namespace: null'), 'd1/dep.yaml');
    const { resources: b } = loadText(pdb('maxUnavailable: 1').replace('namespace: shop', 'namespace: null'), 'd2/pdb.yaml');
    const index = new ResourceIndex([...a, ...b]);
    const w = index.workloads.find((x) => x.resource.name === 'api')!;
    const d = outcome(survival(w, index, { complete: true }), 'drain');
    assert.equal(d.outcome, 'unknown');
    assert.match(d.reason, /^if deployed with these pods \(it sits in another folder and neither names a namespace\): PodDisruptionBudget "api" maxUnavailable 1 allows evicting all 1 pod at once/);
  });

  it('a StatefulSet partition limits the rollout to the ordinals at or above it', () => {
    const sts = (strategy: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: db
  updateStrategy: ${strategy}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: db:1.0, readinessProbe: {tcpSocket: {port: 5432}}}]
`;
    const staged = outcome(verdicts(sts('{rollingUpdate: {partition: 2, maxUnavailable: 3}}'), 'db'), 'rollout');
    assert.equal(staged.outcome, 'survives');
    assert.match(staged.reason, /only ordinals 2 and up \(partition 2\).*2 of 3 keep serving/);
    assert.match(outcome(verdicts(sts('{rollingUpdate: {partition: 3}}'), 'db'), 'rollout').reason, /^partition 3 at 3 replicas: no pod is updated until the partition is lowered/);
    // One replica held back by the partition: nothing is replaced yet (not an outage), but lowering it is one.
    const one = outcome(verdicts(sts('{rollingUpdate: {partition: 1}}').replace('replicas: 3', 'replicas: 1'), 'db'), 'rollout');
    assert.equal(one.outcome, 'at-risk');
    assert.match(one.reason, /^partition 1 at 1 replica: no pod is updated until the partition is lowered \(a staged rollout\); lowering it replaces the only pod/);
  });

  it('a Deployment that surges with a host port and maxUnavailable 0 needs a spare node', () => {
    const hp = deploy({ replicas: 3, spec: safeRollout }).replace('        image: api:1.0\n', '        image: api:1.0\n        ports: [{containerPort: 8080, hostPort: 8080}]\n');
    const r = outcome(verdicts(hp, 'api'), 'rollout');
    assert.equal(r.outcome, 'at-risk');
    assert.match(r.reason, /each new pod needs a node where hostPort 8080 is free/);
  });
});

describe('survival: replicas on one ReadWriteOnce claim', () => {
  const pvc = (modes = '[ReadWriteOnce]') => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: ${modes}
  resources: {requests: {storage: 10Gi}}
---
`;
  const mounting = (replicas: number) =>
    deploy({ replicas, pod: '      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n' });
  it('several replicas: all run on the volume\'s node, so node and zone loss take them all', () => {
    const vs = verdicts(pvc() + mounting(3), 'api');
    for (const s of ['node-loss', 'zone-loss'] as const) {
      const o = outcome(vs, s);
      assert.equal(o.outcome, 'outage');
      assert.match(o.reason, /^3 replicas, but all mount ReadWriteOnce PersistentVolumeClaim "data": only pods on the node the volume is attached to can run/);
    }
    // ReadWriteMany: no such limit.
    assert.notEqual(outcome(verdicts(pvc('[ReadWriteMany]') + mounting(3), 'api'), 'node-loss').outcome, 'outage');
  });
  it('one replica: a zone outage cannot be waited out by rescheduling elsewhere', () => {
    const o = outcome(verdicts(pvc() + mounting(1), 'api'), 'zone-loss');
    assert.equal(o.outcome, 'outage');
    assert.match(o.reason, /keeps it in its zone: it cannot move at all\)$/);
    assert.doesNotMatch(outcome(verdicts(mounting(1).replace(/      volumes:.*\n/, ''), 'api'), 'zone-loss').reason, /cannot move/);
  });
});
