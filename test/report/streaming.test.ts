/** Text, JSON, HTML, JUnit and GitHub reports of a large input are written in pieces, never as one string, and the pieces add up to the whole. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { audit, loadPlan } from '../../src/engine/audit.js';
import { allChecks } from '../../src/checks/index.js';
import { renderText, writeText } from '../../src/report/text.js';
import { renderJson, writeJson, writeJsonPaced } from '../../src/report/json.js';
import { PIECE } from '../../src/report/pieces.js';
import { writeHtml } from '../../src/report/html.js';
import { writeJunit } from '../../src/report/junit.js';
import { writeGithub } from '../../src/report/github.js';

// 1,500 Deployments with findings: several MB of report.
const yaml = Array.from({ length: 1500 }, (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ns-${i % 7}}
spec:
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
      - name: main
        image: registry.example/app-${i}:latest
`).join('---\n');

describe('streamed reports', () => {
  const report = audit({ resources: loadText(yaml, 'big.yaml', loadPlan(allChecks)).resources }, { checks: allChecks });

  it('text: pieces of about PIECE characters, each ending with a line break, equal to the whole report', () => {
    const pieces: string[] = [];
    writeText(report, { color: false }, (s) => void pieces.push(s));
    assert.ok(pieces.length > 1, `expected several pieces, got ${pieces.length}`);
    for (const p of pieces.slice(0, -1)) {
      assert.ok(p.length > PIECE && p.length < 2 * PIECE, `piece of ${p.length} characters`);
      assert.ok(p.endsWith('\n'));
    }
    const whole = renderText(report, { color: false });
    assert.equal(pieces.join(''), whole);
    assert.match(whole, /Deployment ns-6\/app-1497 {2}NOT READY/);
  });

  it('json: pieces that parse back to the report', () => {
    const pieces: string[] = [];
    writeJson(report, (s) => void pieces.push(s));
    assert.ok(pieces.length > 1);
    assert.equal(pieces.join(''), renderJson(report));
    assert.equal(JSON.parse(pieces.join('')).verdicts.length, report.verdicts.length);
  });

  it('json paced for a slow reader: the same pieces, each written only once the one before it was taken', async () => {
    const pieces: string[] = [];
    let pending = 0;
    let waits = 0;
    await writeJsonPaced(
      report,
      (s) => {
        assert.equal(pending, 0, 'a piece is written while the one before it is still queued');
        pending++;
        pieces.push(s);
      },
      async () => {
        waits++;
        await new Promise((r) => setImmediate(r));
        pending = 0;
      },
    );
    assert.ok(pieces.length > 1);
    assert.equal(waits, pieces.length);
    assert.equal(pieces.join(''), renderJson(report));
  });

  it('html, junit and github: several pieces, none much larger than PIECE (the data is serialized verdict by verdict)', () => {
    for (const [name, write] of [
      ['html', (w: (s: string) => void) => writeHtml(report, {}, w)],
      ['junit', (w: (s: string) => void) => writeJunit(report, w)],
      ['github', (w: (s: string) => void) => writeGithub(report, {}, w)],
    ] as const) {
      const pieces: string[] = [];
      write((s) => void pieces.push(s));
      assert.ok(pieces.length > 5, `${name}: ${pieces.length} pieces`);
      // The page's fixed parts (styles, script) are one piece each; the verdicts stay near PIECE.
      const big = pieces.filter((p) => p.length > 2 * PIECE);
      assert.ok(big.length <= 1, `${name}: pieces of ${big.map((p) => p.length).join(', ')} characters`);
    }
    const html = (() => {
      let out = '';
      writeHtml(report, {}, (s) => (out += s));
      return out;
    })();
    const data = JSON.parse(/<script type="application\/json" id="kr-data">([^<]*)<\/script>/.exec(html)![1]);
    assert.equal(data.workloads.length, report.verdicts.filter((v) => v.workloadClass !== null).length);
  });
});
