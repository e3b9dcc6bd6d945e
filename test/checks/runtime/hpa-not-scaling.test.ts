/**
 * hpa-not-scaling over HPA statuses shaped as the HPA controller (kube-controller-manager 1.37,
 * pkg/controller/podautoscaler) writes them: the condition reasons and messages are the controller's
 * own (the metrics-API, external-metric, missing-target and ambiguous-selector texts were read from
 * a real controller in test/cluster/diagnose-walks.test.ts; the missing-request and TooManyReplicas
 * ones need a working metrics API, and are the controller's format strings).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/hpa-not-scaling.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { at, event, lineOf, T0, yaml } from './fixtures.js';

type Obj = Record<string, unknown>;

const cond = (type: string, status: string, reason: string, message: string, minute = 0) => ({ type, status, reason, message, lastTransitionTime: at(minute) });
const ABLE = cond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
const ACTIVE = cond('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');
const WITHIN = cond('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range');

const CPU = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }];

function hpa(name: string, conditions: Obj[] | null, o: { target?: string; min?: number; max?: number; current?: number; metrics?: Obj[]; currentMetrics?: Obj[] } = {}): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'shop', uid: `hpa-${name}`, creationTimestamp: T0 },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: o.target ?? 'web' }, minReplicas: o.min ?? 2, maxReplicas: o.max ?? 6, metrics: o.metrics ?? CPU },
    ...(conditions === null ? {} : { status: { currentReplicas: o.current ?? 2, desiredReplicas: o.current ?? 2, currentMetrics: o.currentMetrics ?? null, conditions } }),
  };
}

const web: Obj = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'd-web' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
  status: { replicas: 2, availableReplicas: 2 },
};

const hpaEvent = (name: string, reason: string, message: string) => event({ name: `${name}.${reason}`, involved: { kind: 'HorizontalPodAutoscaler', name, uid: `hpa-${name}` }, reason, message, lastTimestamp: at(9), component: 'horizontal-pod-autoscaler' });

const NO_METRICS_API =
  'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

describe('hpa-not-scaling', () => {
  it('fires when the resource metrics API is not installed, on the condition line, with the target and the event', () => {
    const text = yaml(
      web,
      hpa('web', [ABLE, cond('ScalingActive', 'False', 'FailedGetResourceMetric', NO_METRICS_API)]),
      hpaEvent('web', 'FailedGetResourceMetric', 'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)'),
    );
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'type: ScalingActive'),
        severity: 'error',
        message: 'the HPA does not scale: the resource metrics API (metrics.k8s.io) is not served in this cluster: metrics-server (or another provider of that API) is not installed; Deployment web stays at 2 replicas whatever the load (ScalingActive=False FailedGetResourceMetric since 2024-05-01T10:00:00Z',
      },
    ]);
    assert.deepEqual(f.related.map((r) => `${r.object.kind}/${r.object.name}`), ['Deployment/web', 'Event/web.FailedGetResourceMetric']);
    assert.match(f.fix ?? '', /^Install metrics-server/);
  });

  it('tells a registered but unanswering metrics API, and no usage yet, apart from a missing one', () => {
    const unavailable = 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)';
    expectFindings(check, yaml(web, hpa('web', [ABLE, cond('ScalingActive', 'False', 'FailedGetResourceMetric', unavailable)])), [{ message: 'is registered but does not answer: metrics-server is down' }]);
    const none = 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API';
    expectFindings(check, yaml(web, hpa('web', [ABLE, cond('ScalingActive', 'False', 'FailedGetResourceMetric', none)])), [{ message: 'answers but has no usage for these pods' }]);
  });

  it('names the container without a request (utilization needs every container\'s)', () => {
    const msg = 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container istio-proxy of Pod web-7d9c-abcde';
    const [f] = expectFindings(check, yaml(web, hpa('web', [ABLE, cond('ScalingActive', 'False', 'FailedGetResourceMetric', msg)])), [
      { message: 'the HPA does not scale: container istio-proxy of pod web-7d9c-abcde has no cpu request, and utilization is usage divided by the request of every container' },
    ]);
    assert.match(f.fix ?? '', /^Give container istio-proxy a cpu request/);
  });

  it('names the external and the custom metric no adapter serves', () => {
    const ext = 'the HPA was unable to compute the replica count: unable to get external metric shop/queue_depth/nil: unable to fetch metrics from external metrics API: the server could not find the requested resource (get queue_depth.external.metrics.k8s.io)';
    expectFindings(check, yaml(web, hpa('web', [ABLE, cond('ScalingActive', 'False', 'FailedGetExternalMetric', ext)])), [{ message: 'the external metrics API (external.metrics.k8s.io) does not serve metric queue_depth' }]);
    const custom = 'the HPA was unable to compute the replica count: unable to get metric http_requests_per_second: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered';
    const [f] = expectFindings(check, yaml(web, hpa('web', [ABLE, cond('ScalingActive', 'False', 'FailedGetPodsMetric', custom)])), [{ message: 'the custom metrics API (custom.metrics.k8s.io) does not serve metric http_requests_per_second' }]);
    assert.match(f.fix ?? '', /kubectl get apiservice v1beta1\.custom\.metrics\.k8s\.io/);
  });

  it('reports a missing target (nothing is autoscaled) and two HPAs over the same pods', () => {
    const gone = cond('AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments.apps "nothere" not found');
    expectFindings(check, yaml(hpa('ghost', [gone], { target: 'nothere' })), [{ message: 'the HPA does not scale: its scaleTargetRef, Deployment nothere, does not exist; nothing is autoscaled (AbleToScale=False FailedGetScale' }]);
    const amb = cond('ScalingActive', 'False', 'AmbiguousSelector', 'pods by selector app=web are controlled by more than one HPA (e.g. [shop/web shop/web-rps])');
    const [same] = expectFindings(check, yaml(web, hpa('web', [ABLE, amb]), hpa('web-rps', [ABLE, amb])), [
      { object: 'web', message: 'more than one HPA selects the same pods, and the controller refuses to act on any of them (shop/web, shop/web-rps)' },
      { object: 'web-rps', message: 'more than one HPA selects the same pods' },
    ]);
    assert.match(same.fix ?? '', /^Keep one HPA per workload: put every metric in one HPA/);
    // Two workloads whose selectors overlap: merging would drop one workload's autoscaling.
    const [apart] = expectFindings(check, yaml(web, hpa('web', [ABLE, amb]), hpa('web-rps', [ABLE, amb], { target: 'web-canary' })), [{ object: 'web' }, { object: 'web-rps' }]);
    assert.match(apart.fix ?? '', /^The workloads' pod selectors overlap: Deployment web's selector also matches the pods of Deployment web-canary/);
  });

  it('warns when pinned at maxReplicas with the metrics against their targets, and not while below max', () => {
    const limited = cond('ScalingLimited', 'True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count');
    const currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 180, averageValue: '540m' } } }];
    expectFindings(check, yaml(web, hpa('web', [ABLE, ACTIVE, limited], { current: 6, max: 6, currentMetrics })), [
      { severity: 'warning', message: 'pinned at maxReplicas 6 (ScalingLimited=True TooManyReplicas since 2024-05-01T10:00:00Z (0m)): the metrics ask for more replicas than maxReplicas (6), so the pods run above their target (about 16); cpu: 180% of requests (target 70%)' },
    ]);
    // Rate-limited on the way up (ScaleUpLimit), or TooManyReplicas while still below max: not pinned.
    expectNone(check, yaml(web, hpa('web', [ABLE, ACTIVE, cond('ScalingLimited', 'True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate')], { current: 3 })));
    expectNone(check, yaml(web, hpa('web', [ABLE, ACTIVE, limited], { current: 4, max: 6 })));
  });

  it('warns when scale-up is disabled while the metrics ask for more, and when no condition appears two minutes on', () => {
    const upDisabled = hpa('web', [ABLE, ACTIVE, cond('ScalingLimited', 'True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate')], {
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 250 } } }],
    });
    (upDisabled.spec as Obj).behavior = { scaleUp: { selectPolicy: 'Disabled' } };
    expectFindings(check, yaml(web, upDisabled), [
      { severity: 'warning', message: 'does not scale up from 2 replicas (ScalingLimited=True ScaleUpLimit since 2024-05-01T10:00:00Z (0m)): the metrics ask for more replicas, but behavior.scaleUp.selectPolicy is Disabled: it never adds any (about 8); cpu: 250% of requests (target 70%)' },
    ]);
    // Created at T0, read 3 minutes later (an event's time), no condition: the controller is not running.
    const stale = hpa('web', []);
    expectFindings(check, yaml(web, stale, hpaEvent('other', 'Unrelated', 'x')), [
      { severity: 'warning', message: 'no condition 9m after its creation: the HPA controller has written no condition since the HPA was created' },
    ]);
  });

  it('warns when one of several metrics cannot be read (its currentMetrics entry empty, as the controller leaves it): up on the others, never down', () => {
    const metrics = [...CPU, { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } }];
    const cpuNow = { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40, averageValue: '120m' } } };
    const failed = hpaEvent('web', 'FailedGetPodsMetric', 'unable to get metric http_requests_per_second: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered');
    const text = yaml(web, hpa('web', [ABLE, ACTIVE, WITHIN], { metrics, currentMetrics: [cpuNow, { type: '' }] }), failed);
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, '- type: ""'),
        severity: 'warning',
        message: 'scales up but not down: metric 2 of 2 (Pods http_requests_per_second) has no current value: the controller could not read it (status.currentMetrics[1] is empty), so the HPA scales up on the other metrics but will not scale down while it fails (it then turns ScalingActive False) (ScalingActive=True ValidMetricFound since 2024-05-01T10:00:00Z (9m))',
      },
    ]);
    assert.deepEqual(f.related.map((r) => `${r.object.kind}/${r.object.name}`), ['Deployment/web', 'Event/web.FailedGetPodsMetric']);
    assert.match(f.fix ?? '', /^Make Pods http_requests_per_second readable again or remove it from spec\.metrics/);
    // Every metric read; one metric only (its failure is ScalingActive False); a status from before the second metric was added.
    expectNone(check, yaml(web, hpa('web', [ABLE, ACTIVE, WITHIN], { metrics, currentMetrics: [cpuNow, { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, current: { averageValue: '20' } } }] })));
    expectNone(check, yaml(web, hpa('web', [ABLE, ACTIVE, WITHIN], { currentMetrics: [{ type: '' }] })));
    expectNone(check, yaml(web, hpa('web', [ABLE, ACTIVE, WITHIN], { metrics, currentMetrics: [cpuNow] })));
  });

  it('a custom resource target "not found": missing, or without a scale subresource (the API server says the same)', () => {
    const h = hpa('jobs', [cond('AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: rvnoscales.rv.example.com "n1" not found')]);
    (h.spec as Obj).scaleTargetRef = { apiVersion: 'rv.example.com/v1', kind: 'RvNoScale', name: 'n1' };
    expectFindings(check, yaml(h), [{ message: 'the HPA does not scale: RvNoScale n1 does not exist, or kind RvNoScale has no scale subresource' }]);
  });

  it('is info when the target is scaled to 0 by hand', () => {
    expectFindings(check, yaml(hpa('web', [ABLE, cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero')])), [
      { severity: 'info', message: 'Deployment web is scaled to 0, so the HPA does nothing' },
    ]);
  });

  it('reads autoscaling/v1 conditions from the annotation', () => {
    const v1: Obj = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'shop', annotations: { 'autoscaling.alpha.kubernetes.io/conditions': JSON.stringify([ABLE, cond('ScalingActive', 'False', 'FailedGetResourceMetric', NO_METRICS_API)]) } },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
      status: { currentReplicas: 2, desiredReplicas: 2 },
    };
    expectFindings(check, yaml(web, v1), [{ message: 'metrics-server (or another provider of that API) is not installed' }]);
  });

  it('is silent for a working HPA, one the controller has not synced, a manifest, and a malformed annotation', () => {
    expectNone(check, yaml(web, hpa('web', [ABLE, ACTIVE, WITHIN])));
    expectNone(check, yaml(web, hpa('web', [])));
    expectNone(check, yaml(web, hpa('web', null)));
    const bad = hpa('web', null);
    (bad.metadata as Obj).annotations = { 'autoscaling.alpha.kubernetes.io/conditions': '[{not json' };
    bad.status = { currentReplicas: 2 };
    assert.deepEqual(runCheck(check, yaml(web, bad)), []);
  });
});
