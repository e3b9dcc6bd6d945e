/**
 * kubeready diagnose hpa/NAME, and HPAs in the diagnosis of the workload they scale, on dumps shaped
 * as `kubectl get -o yaml` writes them. The controller's condition texts are its own (see
 * test/checks/runtime/hpa-not-scaling.test.ts); the real controller's are exercised in
 * test/cluster/diagnose-walks.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { diagnose, diagnoseNamespace, parseTarget, type Diagnosis } from '../../src/engine/diagnose/index.js';
import { at, chain, container, cstatus, rsPod, T0 } from '../checks/runtime/fixtures.js';

type Obj = Record<string, unknown>;

function indexOf(items: Obj[]): ResourceIndex {
  const text = YAML.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, { lineWidth: 0 });
  return new ResourceIndex(loadText(text, 'dump.yaml').resources, 'shop');
}
function run(items: Obj[], kind: 'HorizontalPodAutoscaler' | 'Deployment', name: string): Diagnosis {
  return diagnose(indexOf(items), { kind, name, namespace: 'shop' });
}

const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: at(0) });
const ABLE = cond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
const ACTIVE = cond('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');
const CPU = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } };

function hpa(name: string, conditions: Obj[], o: { target?: string; max?: number; current?: number; metrics?: Obj[]; currentMetrics?: Obj[] } = {}): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'shop', uid: `hpa-${name}`, creationTimestamp: T0 },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: o.target ?? 'web' }, minReplicas: 2, maxReplicas: o.max ?? 6, metrics: o.metrics ?? [CPU] },
    status: { currentReplicas: o.current ?? 2, desiredReplicas: o.current ?? 2, currentMetrics: o.currentMetrics ?? null, conditions },
  };
}

// web: the app container requests cpu, the log shipper does not.
const WEB = chain({ replicas: 2, containers: [{ ...container(), resources: { requests: { cpu: '250m', memory: '256Mi' } } }, container({ name: 'shipper' })] }, [
  rsPod('web-7d9c-a', { containerStatuses: [cstatus(), cstatus({ name: 'shipper' })] }),
  rsPod('web-7d9c-b', { containerStatuses: [cstatus(), cstatus({ name: 'shipper' })] }),
]);
const MISSING_REQUEST = cond('ScalingActive', 'False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container shipper of Pod web-7d9c-a');

describe('diagnose hpa', () => {
  it('parses hpa/NAME and its long names', () => {
    assert.deepEqual(parseTarget('hpa/web'), { kind: 'HorizontalPodAutoscaler', name: 'web' });
    assert.deepEqual(parseTarget('horizontalpodautoscaler.autoscaling', 'web'), { kind: 'HorizontalPodAutoscaler', name: 'web' });
  });

  it('a container without a request: names it, gives the request to add (keeping the others) and the manifest check', () => {
    const d = run([...WEB, hpa('web', [ABLE, MISSING_REQUEST])], 'HorizontalPodAutoscaler', 'web');
    assert.equal(d.status, 'broken');
    assert.equal(d.symptom, 'HPA web does not scale: container shipper has no cpu request');
    const [p] = d.problems;
    assert.equal(p.check, 'hpa-not-scaling');
    assert.equal(p.container, 'shipper');
    assert.match(p.cause, /^the HPA does not scale: container shipper of pod web-7d9c-a has no cpu request, and utilization is usage divided by the request of every container; Deployment web stays at 2 replicas whatever the load \(ScalingActive=False FailedGetResourceMetric since 2024-05-01T10:00:00Z/);
    // The cause does not quote the condition again: the evidence does.
    assert.ok(!p.cause.includes('"the HPA was unable'));
    assert.match(p.evidence[0].text, /^condition ScalingActive=False \(FailedGetResourceMetric\) since 2024-05-01T10:00:00Z: "the HPA was unable to compute/);
    assert.deepEqual(p.fix.commands, ['kubectl -n shop set resources deployment/web -c shipper --requests=cpu=100m']);
    assert.equal(p.fix.yaml, 'spec:\n  template:\n    spec:\n      containers:\n      - name: shipper\n        resources:\n          requests:\n            cpu: 100m   # size from its measured usage: utilization = usage / request');
    assert.deepEqual(p.prevent.map((v) => v.check), ['hpa-utilization-without-requests']);
    assert.ok(d.walked.includes('replicas: 2 now, min 2, max 6'), d.walked.join(' | '));
  });

  it('pinned at maxReplicas: a warning with each metric against its target, and a higher maximum to apply', () => {
    const limited = cond('ScalingLimited', 'True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count');
    const currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 180, averageValue: '450m' } } }];
    const d = run([...WEB, hpa('web', [ABLE, ACTIVE, limited], { current: 6, max: 6, currentMetrics })], 'HorizontalPodAutoscaler', 'web');
    assert.equal(d.status, 'degraded');
    const [p] = d.problems;
    assert.equal(p.severity, 'warning');
    assert.equal(p.symptom, 'HPA web is pinned at maxReplicas 6');
    assert.ok(p.evidence.some((e) => e.text === 'metric cpu: 180% of requests (target 70%)'), JSON.stringify(p.evidence));
    // ceil(6 x 180 / 70) = 16: what the metrics ask for.
    assert.deepEqual(p.fix.commands, [`kubectl -n shop patch hpa web --type=merge -p '{"spec":{"maxReplicas":16}}'`]);
    assert.match(p.fix.yaml ?? '', /^spec:\n {2}maxReplicas: 16 {3}# was 6; what the metrics ask for now/);
    assert.ok(d.walked.includes('replicas: 6 now, 6 desired, min 2, max 6'), d.walked.join(' | '));
  });

  it('one of two metrics unreadable: a warning that it does not scale down, each metric with its value or unknown', () => {
    const rps = { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } };
    const currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40, averageValue: '100m' } } }, { type: '' }];
    const d = run([...WEB, hpa('web', [ABLE, ACTIVE], { metrics: [CPU, rps], currentMetrics })], 'HorizontalPodAutoscaler', 'web');
    assert.equal(d.status, 'degraded');
    const [p] = d.problems;
    assert.equal(p.severity, 'warning');
    assert.equal(p.symptom, 'HPA web does not scale down: it cannot read Pods http_requests_per_second');
    assert.ok(p.evidence.some((e) => e.text === 'metric cpu: 40% of requests (target 70%)'), JSON.stringify(p.evidence));
    assert.ok(p.evidence.some((e) => /^metric http_requests_per_second: unknown/.test(e.text)), JSON.stringify(p.evidence));
    assert.deepEqual(p.fix.commands, ['kubectl -n shop describe hpa web']);
  });

  it('two HPAs over the same pods: names the other, and writes the one HPA that holds both metrics', () => {
    const amb = cond('ScalingActive', 'False', 'AmbiguousSelector', 'pods by selector app=web are controlled by more than one HPA (e.g. [shop/web shop/web-rps])');
    const rps = { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } };
    const d = run([...WEB, hpa('web', [ABLE, amb]), hpa('web-rps', [ABLE, amb], { metrics: [rps], max: 10 })], 'HorizontalPodAutoscaler', 'web');
    const [p] = d.problems;
    assert.equal(p.symptom, 'HPA web does not scale: HPA web-rps scales the same Deployment');
    assert.equal(
      p.fix.yaml,
      [
        'apiVersion: autoscaling/v2',
        'kind: HorizontalPodAutoscaler',
        'metadata:',
        '  name: web',
        '  namespace: shop',
        'spec:',
        '  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}',
        '  minReplicas: 2',
        '  maxReplicas: 6   # kept from web; web 6, web-rps 10',
        '  metrics:',
        '  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}   # from web',
        '  - {type: Pods, pods: {metric: {name: http_requests_per_second}, target: {type: AverageValue, averageValue: "100"}}}   # from web-rps',
      ].join('\n'),
    );
  });

  it('a missing target: suggests the near name with a patch', () => {
    const gone = cond('AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments.apps "wbe" not found');
    const d = run([...WEB, hpa('web', [gone], { target: 'wbe' })], 'HorizontalPodAutoscaler', 'web');
    const [p] = d.problems;
    assert.equal(p.symptom, 'HPA web scales nothing: Deployment wbe does not exist');
    assert.equal(p.fix.commands[0], `kubectl -n shop patch hpa web --type=merge -p '{"spec":{"scaleTargetRef":{"name":"web"}}}'`);
    assert.match(p.fix.yaml ?? '', /name: web {3}# was wbe/);
    assert.ok(d.walked.includes('target Deployment wbe: not found in the input'), d.walked.join(' | '));
  });

  it('no metrics because the pods are not ready: the pods\' own problems follow', () => {
    const unready = cond('ScalingActive', 'False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)');
    const crash = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app' } };
    const items = [
      ...chain({ replicas: 1 }, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ ready: false, restartCount: 7, state: crash, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: at(5) } } })] })]),
      hpa('web', [ABLE, unready]),
    ];
    const d = run(items, 'HorizontalPodAutoscaler', 'web');
    assert.equal(d.problems[0].check, 'hpa-not-scaling');
    assert.deepEqual(d.problems[0].fix.commands, ['kubeready diagnose deployment/web -n shop']);
    assert.ok(d.problems.some((p) => p.check === 'crashloop-backoff'), d.problems.map((p) => p.check).join(', '));
  });

  it('scaled to 0 by hand: healthy, says so; not synced: says the controller has not processed it', () => {
    const off = run([...WEB, hpa('web', [ABLE, cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero')], { current: 0 })], 'HorizontalPodAutoscaler', 'web');
    assert.equal(off.status, 'healthy');
    assert.match(off.symptom, /^Deployment web is scaled to 0, so the HPA does nothing/);
    const fresh = run([...WEB, hpa('web', [])], 'HorizontalPodAutoscaler', 'web');
    assert.equal(fresh.status, 'healthy');
    assert.equal(fresh.symptom, 'no conditions yet: not processed by the HPA controller (it was created less than two minutes ago)');
  });

  it('two HPAs of different workloads over overlapping pods: the selectors are the mistake, no merge', () => {
    const amb = cond('ScalingActive', 'False', 'AmbiguousSelector', 'pods by selector app=web are controlled by more than one HPA (e.g. [shop/web shop/canary])');
    const d = run([...WEB, hpa('web', [ABLE, amb]), hpa('canary', [ABLE, amb], { target: 'web-canary' })], 'HorizontalPodAutoscaler', 'web');
    const [p] = d.problems;
    assert.equal(p.symptom, 'HPA web does not scale: HPA canary counts the same pods');
    assert.equal(p.fix.yaml, null);
    assert.match(p.fix.text, /^The workloads' pod selectors overlap: Deployment web's selector also matches the pods of Deployment web-canary/);
  });

  it('a request missing on an injected sidecar: set it through the injector; on a native sidecar: under initContainers', () => {
    const injected = cond('ScalingActive', 'False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container istio-proxy of Pod web-7d9c-a');
    const [p] = run([...WEB, hpa('web', [ABLE, injected])], 'HorizontalPodAutoscaler', 'web').problems;
    assert.deepEqual(p.fix.commands, []);
    assert.match(p.fix.text, /^Container istio-proxy is not in Deployment web's pod template: an admission webhook injects it/);
    assert.match(p.fix.yaml ?? '', /sidecar\.istio\.io\/proxyCPU: 100m/);
    const native = chain({ replicas: 2, containers: [{ ...container(), resources: { requests: { cpu: '250m' } } }] }, []);
    ((native[0].spec as Obj).template as { spec: Obj }).spec.initContainers = [{ name: 'proxy', image: 'proxy:1', restartPolicy: 'Always' }];
    const sidecar = cond('ScalingActive', 'False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container proxy of Pod web-7d9c-a');
    const [q] = run([...native, hpa('web', [ABLE, sidecar])], 'HorizontalPodAutoscaler', 'web').problems;
    assert.match(q.fix.yaml ?? '', /^spec:\n {2}template:\n {4}spec:\n {6}initContainers:\n {6}- name: proxy\n/);
  });

  it('a ContainerResource metric on a container the pods do not have: names the containers, patches the near name', () => {
    const c = cond('ScalingActive', 'False', 'FailedGetContainerResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu container metric value: failed to get cpu utilization: container aap not found in Pod web-7d9c-a');
    const h = hpa('web', [ABLE, c], { metrics: [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'aap', target: { type: 'Utilization', averageUtilization: 60 } } }] });
    const [p] = run([...WEB, h], 'HorizontalPodAutoscaler', 'web').problems;
    assert.equal(p.symptom, 'HPA web does not scale: its metric names container aap, which the pods do not have');
    assert.ok(p.evidence.some((e) => e.text === 'containers of Deployment web: app, shipper; did you mean "app"?'), JSON.stringify(p.evidence));
    assert.deepEqual(p.fix.commands, [`kubectl -n shop patch hpa web --type=json -p '[{"op":"replace","path":"/spec/metrics/0/containerResource/container","value":"app"}]'`]);
  });

  it('a target in the wrong API group: names the group it is in, with the patch', () => {
    const h = hpa('web', [cond('AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: no matches for kind "Deployment" in group "extensions"')]);
    (h.spec as Obj).scaleTargetRef = { apiVersion: 'extensions/v1beta1', kind: 'Deployment', name: 'web' };
    const d = run([...WEB, h], 'HorizontalPodAutoscaler', 'web');
    assert.ok(d.walked.includes('target Deployment web: exists as apps/v1, but scaleTargetRef names extensions/v1beta1'), d.walked.join(' | '));
    assert.deepEqual(d.problems[0].fix.commands, [`kubectl -n shop patch hpa web --type=merge -p '{"spec":{"scaleTargetRef":{"apiVersion":"apps/v1"}}}'`]);
  });

  it('the workload\'s diagnosis walks its HPA and lists its problem as a warning; the namespace lists it once', () => {
    const items = [...WEB, hpa('web', [ABLE, MISSING_REQUEST])];
    const d = run(items, 'Deployment', 'web');
    assert.equal(d.status, 'degraded');
    assert.ok(d.walked.includes('HorizontalPodAutoscaler web: min 2, max 6, ScalingActive=False (FailedGetResourceMetric)'), d.walked.join(' | '));
    assert.deepEqual(d.problems.map((p) => [p.check, p.severity]), [['hpa-not-scaling', 'warning']]);
    const n = diagnoseNamespace(indexOf(items), 'shop');
    assert.deepEqual(n.diagnoses.map((x) => `${x.target.kind}/${x.target.name}`), ['Deployment/web']);
    // An HPA whose target is not in the input is listed on its own.
    const gone = cond('AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments.apps "old" not found');
    const n2 = diagnoseNamespace(indexOf([...WEB, hpa('old', [gone], { target: 'old' })]), 'shop');
    assert.deepEqual(n2.diagnoses.map((x) => `${x.target.kind}/${x.target.name}:${x.status}`), ['HorizontalPodAutoscaler/old:broken']);
  });
});
