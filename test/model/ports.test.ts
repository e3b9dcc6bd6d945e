/** What port names say about the traffic a pod serves (src/model/ports.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HEALTH_PORT, METRICS_PORT, serviceMetricsOnly } from '../../src/model/ports.js';
import { loadText } from '../../src/sources/resources.js';

describe('port names', () => {
  it('metrics ports: the usual spellings, with and without a scheme, and monitoring', () => {
    for (const n of ['metrics', 'Metrics', 'prom', 'prometheus', 'http-metrics', 'https-metrics', 'metrics-http', 'envoy-prom', 'metricshttps', 'metricshttp', 'monitoring', 'monitor', 'frr-monitoring']) {
      assert.ok(METRICS_PORT.test(n), n);
    }
  });
  it('serving ports are not metrics ports, even when a word of them starts alike', () => {
    for (const n of ['http', 'https', 'grpc', 'web', 'metricsdb', 'promo', 'prometheus-ui', 'monitors', 'api-monitor']) {
      assert.ok(!METRICS_PORT.test(n), n);
    }
  });
  it('health ports', () => {
    for (const n of ['healthz', 'health', 'http-healthz', 'probes', 'livez', 'readyz', 'health-check']) assert.ok(HEALTH_PORT.test(n), n);
    for (const n of ['http', 'healthy-api']) assert.ok(!HEALTH_PORT.test(n), n);
  });
  it('a Service lists only scrape targets when every port name has a metrics word; promui (the Prometheus UI) is not one', () => {
    const svc = (ports: string) => loadText(`apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: a}\n  ports: [${ports}]\n`, 's.yaml').resources[0];
    assert.ok(serviceMetricsOnly(svc('{name: tcp-prometheus-servicemonitor, port: 9402}')));
    assert.ok(serviceMetricsOnly(svc('{name: http-metrics, port: 8080}, {name: redis-exporter, port: 9121}')));
    assert.ok(!serviceMetricsOnly(svc('{name: promui, port: 9090}')));
    assert.ok(!serviceMetricsOnly(svc('{name: http-metrics, port: 8080}, {name: http, port: 80}')));
    assert.ok(!serviceMetricsOnly(svc('{port: 9090}')));
  });
});
