/** The `cost:` block of .kubeready.yaml: validated by the config schema, parsed into Config.cost. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/engine/config.js';
import { allChecks } from '../../src/checks/index.js';
import { DEFAULT_PRICES, resolvePrices } from '../../src/model/cost.js';

async function errorsOf(text: string): Promise<string[]> {
  try {
    await parseConfig(text, '.kubeready.yaml', allChecks);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.lines;
  }
  assert.fail('expected a ConfigError');
}

describe('config: cost block', () => {
  it('parses every key, all optional', async () => {
    const cfg = await parseConfig('failOn: error\ncost:\n  cpuPerHour: 0.031\n  memoryGiBPerHour: 0.0042\n  currency: EUR\n  hoursPerMonth: 720\n', '.kubeready.yaml', allChecks);
    assert.deepEqual(cfg.cost, { cpuPerHour: 0.031, memoryGiBPerHour: 0.0042, currency: 'EUR', hoursPerMonth: 720 });
    const partial = await parseConfig('cost:\n  currency: GBP\n', '.kubeready.yaml', allChecks);
    assert.deepEqual(partial.cost, { currency: 'GBP' });
    assert.deepEqual(resolvePrices(partial.cost), { ...DEFAULT_PRICES, currency: 'GBP' });
    const none = await parseConfig('failOn: warning\n', '.kubeready.yaml', allChecks);
    assert.equal(none.cost, undefined);
    assert.deepEqual(resolvePrices(none.cost), DEFAULT_PRICES);
    const empty = await parseConfig('cost: {}\n', '.kubeready.yaml', allChecks);
    assert.deepEqual(empty.cost, {});
  });

  it('rejects bad values with one line each: file:line: key: problem', async () => {
    assert.deepEqual(await errorsOf('cost:\n  cpuPerHour: -1\n'), ['.kubeready.yaml:2: cost.cpuPerHour: must be >= 0']);
    assert.deepEqual(await errorsOf('cost:\n  memoryGiBPerHour: cheap\n'), ['.kubeready.yaml:2: cost.memoryGiBPerHour: must be number']);
    assert.deepEqual(await errorsOf('cost:\n  currency: ""\n'), ['.kubeready.yaml:2: cost.currency: must NOT have fewer than 1 characters']);
    assert.deepEqual(await errorsOf('cost:\n  hoursPerMonth: 0\n'), ['.kubeready.yaml:2: cost.hoursPerMonth: must be > 0']);
    assert.deepEqual(await errorsOf('cost:\n  hoursPerMonth: 800\n'), ['.kubeready.yaml:2: cost.hoursPerMonth: must be <= 744']);
    assert.deepEqual(await errorsOf('failOn: error\ncost:\n  cpuPerHr: 0.04\n'), ['.kubeready.yaml:3: cost.cpuPerHr: unknown key']);
    assert.deepEqual(await errorsOf('cost: 0.04\n'), ['.kubeready.yaml:1: cost: must be object']);
    assert.deepEqual(await errorsOf('cost:\n  cpuPerHour: -1\n  currency: 3\n'), ['.kubeready.yaml:2: cost.cpuPerHour: must be >= 0', '.kubeready.yaml:3: cost.currency: must be string']);
  });
});
