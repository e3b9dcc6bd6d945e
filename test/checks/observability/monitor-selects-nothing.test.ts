import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/observability/monitor-selects-nothing.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const service = (ns = 'shop') => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
  labels: {app.kubernetes.io/name: web, tier: front}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: http-metrics, port: 9090, targetPort: metrics}
---
`;

/** ServiceMonitor; `spec` lines start at line 5 of this text. */
const sm = (spec: string, ns = 'shop') => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: ${ns}}
spec:
${spec}`;

describe('monitor-selects-nothing: ServiceMonitor', () => {
  it('is silent when the selector matches a Service and the port is a Service port name', () => {
    expectNone(check, service() + sm('  selector: {matchLabels: {app.kubernetes.io/name: web}}\n  endpoints: [{port: http-metrics}]\n'));
  });

  it('warns (firm) when the endpoint port is the targetPort, not the Service port name, and says which to use', () => {
    const found = expectFindings(
      check,
      service() +
        sm(`  selector: {matchLabels: {app.kubernetes.io/name: web}}
  endpoints:
    - port: http-metrics
    - port: metrics
`),
      [
        {
          line: 20,
          severity: 'warning',
          object: 'web',
          message: 'endpoint port "metrics" is not a port name of the Services the selector matches (Service "web" has "http", "http-metrics"): Prometheus gets no target from this endpoint; "metrics" is the targetPort of port "http-metrics" of Service "web", but endpoints[].port takes the Service port name: use port: http-metrics',
        },
      ],
    );
    assert.equal(found[0].unknown, null);
    assert.equal(found[0].related[0].object.kind, 'Service');
  });

  it('does not judge endpoints that use targetPort', () => {
    expectNone(check, service() + sm('  selector: {matchLabels: {app.kubernetes.io/name: web}}\n  endpoints: [{targetPort: metrics}]\n'));
  });

  it('reports a selector matching no Service as unknown, firm with --complete', () => {
    const yaml = service() + sm('  selector: {matchLabels: {app.kubernetes.io/name: webb}}\n  endpoints: [{port: http-metrics}]\n');
    const [f] = runCheck(check, yaml);
    assert.equal(f.location.line, 17);
    assert.match(f.message, /^selector app.kubernetes.io\/name=webb matches the labels of no Service in namespace "shop" in the input/);
    assert.equal(f.unknown, 'no Service in namespace "shop" matches the selector');
    const loaded = loadText(yaml, 'test.yaml', loadPlan([check]));
    const complete = audit({ resources: loaded.resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
    assert.equal(complete[0].unknown, null);
  });

  it('matches Service labels, not pod labels', () => {
    const [f] = runCheck(check, service() + sm('  selector: {matchLabels: {app: web}}\n  endpoints: [{port: http-metrics}]\n'));
    assert.ok(f.unknown);
  });

  it('follows namespaceSelector: any with matchExpressions, and matchNames', () => {
    expectNone(
      check,
      service('shop') +
        sm(
          `  namespaceSelector: {any: true}
  selector:
    matchExpressions:
      - {key: tier, operator: In, values: [front, back]}
      - {key: app.kubernetes.io/name, operator: Exists}
  endpoints: [{port: http-metrics}]
`,
          'monitoring',
        ),
    );
    expectNone(check, service('shop') + sm('  namespaceSelector: {matchNames: [billing, shop]}\n  selector: {matchLabels: {tier: front}}\n  endpoints: [{port: http-metrics}]\n', 'monitoring'));
    // Own namespace by default: a Service in another namespace does not count.
    const [f] = runCheck(check, service('shop') + sm('  selector: {matchLabels: {tier: front}}\n  endpoints: [{port: http-metrics}]\n', 'monitoring'));
    assert.match(f.message, /in namespace "monitoring"/);
    const [g] = runCheck(check, service('shop') + sm('  namespaceSelector: {matchNames: [billing]}\n  selector: {matchLabels: {tier: front}}\n', 'monitoring'));
    assert.match(g.message, /no Service in namespace "billing" in the input \(the input has no Service there\)/);
  });

  it('is silent for the API server Service, which every cluster has', () => {
    expectNone(check, sm('  selector: {matchLabels: {component: apiserver, provider: kubernetes}}\n  namespaceSelector: {matchNames: [default]}\n  endpoints: [{port: https}]\n', 'monitoring'));
  });

  it('the kubelet Service: silent when an operator of the input writes it there (--kubelet-service), else says the flag makes it', () => {
    const kubeletSm = sm('  selector: {matchLabels: {app.kubernetes.io/name: kubelet, k8s-app: kubelet}}\n  namespaceSelector: {matchNames: [kube-system]}\n  endpoints: [{port: https-metrics}]\n', 'monitoring');
    const operator = (flag: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus-operator, namespace: monitoring}
spec:
  template:
    metadata: {labels: {app: prometheus-operator}}
    spec:
      containers:
        - name: operator
          image: quay.io/prometheus-operator/prometheus-operator:v0.85.0
          args: [${flag}]
---
`;
    expectNone(check, operator('--kubelet-service=kube-system/kube-prometheus-stack-kubelet, --kubelet-endpoints=true') + kubeletSm);
    expectNone(check, operator('--kubelet-service, kube-system/kubelet') + kubeletSm);
    // The operator writes it into another namespace than the monitor watches, or has no flag.
    for (const flag of ['--kubelet-service=monitoring/kubelet', '--log-level=info']) {
      const [f] = expectFindings(check, operator(flag) + kubeletSm, [{ line: 17, message: 'matches the kubelet Service that prometheus-operator creates and keeps up to date when it runs with --kubelet-service=<namespace>/<name>' }]);
      assert.ok(f.unknown);
    }
    // A selector that merely matches everything is not "the kubelet Service".
    const [g] = runCheck(check, sm('  selector: {}\n  endpoints: [{port: web}]\n'));
    assert.match(g.message, /matches the labels of no Service/);
  });
});

const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api, tier: back}}
    spec:
      containers:
        - name: api
          image: example/api:1.0
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
---
`;

const pm = (spec: string) => `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: api, namespace: shop}
spec:
${spec}`;

describe('monitor-selects-nothing: PodMonitor', () => {
  it('is silent when it selects pods with that container port name', () => {
    expectNone(check, deploy + pm('  selector: {matchLabels: {app: api}}\n  podMetricsEndpoints: [{port: metrics}]\n'));
  });

  it('warns (firm) when no selected pod has the port name', () => {
    expectFindings(check, deploy + pm('  selector: {matchLabels: {app: api}}\n  podMetricsEndpoints: [{port: prometheus}]\n'), [
      { line: 18, severity: 'warning', message: 'podMetricsEndpoints port "prometheus" is not a container port name of the pods the selector matches (Deployment "api" has "http", "metrics")' },
    ]);
  });

  it('does not judge mesh-injected ports or portNumber endpoints', () => {
    expectNone(check, deploy + pm('  selector: {matchLabels: {app: api}}\n  podMetricsEndpoints: [{port: http-envoy-prom}, {portNumber: 9102}]\n'));
  });

  it('reports a selector that matches no pods as unknown', () => {
    const [f] = runCheck(check, deploy + pm('  selector:\n    matchExpressions: [{key: tier, operator: NotIn, values: [back]}]\n  podMetricsEndpoints: [{port: metrics}]\n'));
    assert.equal(f.location.line, 17);
    assert.match(f.message, /^selector tier NotIn \(back\) matches the pods of no workload in namespace "shop" in the input/);
    assert.ok(f.unknown);
  });

  it('ignores other API groups', () => {
    expectNone(check, deploy + pm('  selector: {matchLabels: {app: nothing}}\n').replace('monitoring.coreos.com/v1', 'monitoring.gke.io/v1alpha1'));
  });
});

describe('monitor-selects-nothing: a selector copied from a Service\'s pod selector', () => {
  it('names the Service whose spec.selector it matches (its labels do not), in the watched namespace or beside the monitor', () => {
    const plan = loadPlan([check]);
    const monitor = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: vllm, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [vllm]}
  selector: {matchLabels: {app: gemma-server}}
  endpoints: [{port: http}]
`;
    const svcNoLabels = 'apiVersion: v1\nkind: Service\nmetadata: {name: vllm-service}\nspec:\n  selector: {app: gemma-server}\n  ports: [{port: 8080}]\n';
    const run = (svcFile: string) =>
      audit({ resources: [...loadText(monitor, 'deploy/monitoring/monitor.yaml', plan).resources, ...loadText(svcNoLabels, svcFile, plan).resources] }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    const [f] = run('deploy/service.yaml');
    assert.ok(f.unknown);
    assert.match(f.message, /; Service "vllm-service" \(deploy\/service.yaml\) has app=gemma-server as its pod selector \(spec.selector\), not as its labels: a ServiceMonitor matches Service labels, so add them to that Service's metadata.labels$/);
    // A Service of an unrelated tree is not named.
    assert.doesNotMatch(run('elsewhere/other/app/service.yaml')[0].message, /pod selector/);
  });
});
