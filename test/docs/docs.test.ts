import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { allChecks } from '../../src/checks/index.js';
import { renderChecksMarkdown } from '../../src/report/checks-doc.js';
import { configSchema } from '../../src/engine/config.js';
import { PILLARS, SEVERITIES } from '../../src/checks/types.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('generated docs', () => {
  it('docs/checks.md matches check metadata (run `npm run docs` after changing a check)', () => {
    assert.equal(read('docs/checks.md'), renderChecksMarkdown(allChecks), 'docs/checks.md is stale: run npm run docs');
  });
  it('docs/config.schema.json matches the checks', () => {
    assert.deepEqual(JSON.parse(read('docs/config.schema.json')), configSchema(allChecks), 'docs/config.schema.json is stale: run npm run docs');
  });
});

describe('check metadata', () => {
  const ids = new Set<string>();
  for (const c of allChecks) {
    it(`${c.id} is complete and well-formed`, () => {
      assert.match(c.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case id');
      assert.ok(!ids.has(c.id), 'unique id');
      ids.add(c.id);
      assert.ok(PILLARS.includes(c.pillar));
      assert.ok(SEVERITIES.includes(c.severity));
      for (const [k, v] of Object.entries({ title: c.title, whatBreaks: c.whatBreaks, fix: c.fix.text, yaml: c.fix.yaml })) {
        assert.ok(typeof v === 'string' && v.trim().length > 10, `${k} must be written`);
      }
      assert.ok(c.target === 'workload' || (c.target === 'object' && (c.kinds?.length ?? 0) > 0), 'object checks name their kinds');
      for (const [name, p] of Object.entries(c.params ?? {})) {
        assert.ok(p.description.length > 5, `param ${name} described`);
        const t = Array.isArray(p.default) ? 'string[]' : typeof p.default;
        assert.equal(t, p.type, `param ${name} default matches its type`);
      }
    });
  }
  it('every check has a test file', async () => {
    const { readdirSync } = await import('node:fs');
    const tested = new Set<string>();
    for (const pillar of [...PILLARS, 'runtime']) {
      let files: string[] = [];
      try {
        files = readdirSync(new URL(`../checks/${pillar}/`, import.meta.url));
      } catch {
        continue;
      }
      for (const f of files) {
        const text = readFileSync(new URL(`../checks/${pillar}/${f}`, import.meta.url), 'utf8');
        for (const c of allChecks) if (text.includes(`/${c.id}.js'`) || text.includes(`'${c.id}'`)) tested.add(c.id);
      }
    }
    const missing = allChecks.map((c) => c.id).filter((id) => !tested.has(id));
    assert.deepEqual(missing, [], 'checks without tests');
  });
});
