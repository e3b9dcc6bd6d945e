/** What port names say about the traffic a pod serves (src/model/ports.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HEALTH_PORT, METRICS_PORT } from '../../src/model/ports.js';

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
});
