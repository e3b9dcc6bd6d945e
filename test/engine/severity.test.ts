/**
 * A configured severity and the severities checks give their own findings (a LimitRange-filled
 * request is info, a namespaced grant a warning where a cluster-wide one is an error).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Severity } from '../../src/checks/types.js';
import { engineTestCheck } from '../helpers/check-tester.js';
import { audit, shiftSeverity } from '../../src/engine/audit.js';
import { emptyConfig } from '../../src/engine/config.js';
import { loadText } from '../../src/sources/resources.js';
import { allChecks } from '../../src/checks/index.js';

describe('configured severities', () => {
  it('the configured severity is the most a finding gets; findings graded below the default stay as many steps below', () => {
    const cases: [Severity, Severity, Severity, Severity][] = [
      // own, check default, configured, expected
      ['error', 'error', 'error', 'error'],
      ['info', 'error', 'error', 'info'],
      ['error', 'error', 'warning', 'warning'],
      ['warning', 'error', 'warning', 'info'],
      ['info', 'error', 'warning', 'info'],
      ['warning', 'error', 'info', 'info'],
      ['warning', 'warning', 'error', 'error'],
      ['info', 'warning', 'error', 'warning'],
      ['error', 'warning', 'info', 'info'],
      ['error', 'warning', 'warning', 'error'],
      ['info', 'info', 'error', 'error'],
    ];
    for (const [own, def, conf, want] of cases) assert.equal(shiftSeverity(own, def, conf), want, `${own} of a ${def} check configured ${conf}`);
  });

  it('through the engine: cpu-request-missing set to warning keeps the LimitRange-filled request at info', () => {
    const yaml = `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits: [{type: Container, defaultRequest: {cpu: 100m}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: filled, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: "app:1.0"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bare, namespace: other}
spec:
  template:
    spec:
      containers: [{name: app, image: "app:1.0"}]
`;
    const input = loadText(yaml, 'x.yaml');
    const checks = allChecks.filter((c) => c.id === 'cpu-request-missing');
    const sev = (config: ReturnType<typeof emptyConfig>) => {
      const r = audit({ resources: input.resources }, { checks, config });
      return Object.fromEntries(r.verdicts.filter((v) => v.findings.length).map((v) => [v.object.name, v.findings.map((f) => f.severity).join(',')]));
    };
    const defaults = sev(emptyConfig());
    assert.deepEqual(defaults, { filled: 'info', bare: 'error' });
    const config = emptyConfig();
    config.checks['cpu-request-missing'] = { severity: 'warning' };
    assert.deepEqual(sev(config), { filled: 'info', bare: 'warning' });
  });

  it('a check without graded findings gets the configured severity on every finding', () => {
    const check = engineTestCheck('test-flat', 'warning', () => [{ message: 'm', path: ['spec'] }]);
    const input = loadText('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n', 'w.yaml');
    const config = emptyConfig();
    config.checks['test-flat'] = { severity: 'error' };
    assert.equal(audit({ resources: input.resources }, { checks: [check], config }).verdicts[0].findings[0].severity, 'error');
  });
});
