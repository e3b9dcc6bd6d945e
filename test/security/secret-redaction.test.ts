/**
 * Secret values never appear in any output: Secret data/stringData (valid, broken, duplicated,
 * oddly tagged, inside Lists) and literal env values of secret-looking names, in every format.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli as cli } from '../helpers/cli.js';

const MARKERS = ['S3cr3tVal-A1', 'S3cr3tVal-B2', 'S3cr3tVal-C3', 'S3cr3tVal-D4', 'S3cr3tVal-E5', 'S3cr3tVal-F6', 'S3cr3tVal-G7', 'S3cr3tVal-H8'];
const b64 = (s: string) => Buffer.from(s).toString('base64');

const FILES: Record<string, string> = {
  'secret.yaml': `apiVersion: v1
kind: Secret
metadata: {name: db}
type: Opaque
data:
  password: ${b64(MARKERS[0])}
stringData:
  token: ${MARKERS[1]}
  token: ${MARKERS[2]}
`,
  'broken-secret.yaml': `apiVersion: v1
kind: Secret
metadata: {name: broken}
stringData:
  key: !!int ${MARKERS[3]}
---
apiVersion: v1
kind: Secret
metadata: {name: broken2}
stringData:
  other: [${MARKERS[4]}
`,
  'list.yaml': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: {name: in-list}
    stringData: {api-key: ${MARKERS[5]}}
`,
  'app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/app:1.0
          env:
            - name: DB_PASSWORD
              value: ${MARKERS[6]}
            - name: API_TOKEN
              value: "${MARKERS[7]}"
`,
};

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeready-secrets-'));
  for (const [f, t] of Object.entries(FILES)) writeFileSync(join(dir, f), t);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function assertClean(label: string, text: string) {
  for (const m of [...MARKERS, b64(MARKERS[0])]) assert.ok(!text.includes(m), `${label} leaks a secret value (${m})`);
}

describe('secret values never appear in output', () => {
  const variants: string[][] = [
    ['audit', '.'],
    ['audit', '.', '--show-passing', '--show-exempted'],
    ['audit', '.', '-o', 'json'],
    ['audit', '.', '--compact'],
  ];
  for (const args of variants) {
    it(args.join(' '), async () => {
      const r = await cli(args, { cwd: dir });
      assert.ok(r.code === 1, `exit ${r.code}: ${r.stderr}`);
      assertClean('stdout', r.stdout);
      assertClean('stderr', r.stderr);
      // The findings that should be there are: the secret-looking env names are named, not valued.
      assert.match(r.stdout, /DB_PASSWORD/);
      assert.match(r.stdout, /API_TOKEN/);
    });
  }
  for (const format of ['sarif', 'junit', 'markdown', 'github', 'html']) {
    it(`audit . -o ${format}`, async () => {
      const r = await cli(['audit', '.', '-o', format], { cwd: dir });
      assert.ok(r.code === 1, `exit ${r.code}: ${r.stderr}`);
      assert.ok(r.stdout.length > 200, `${format}: the report is there`);
      assertClean(format, r.stdout);
      assertClean('stderr', r.stderr);
    });
  }
  it('baseline write records no secret value', async () => {
    const r = await cli(['baseline', 'write', 'b.json', '.'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assertClean('baseline', readFileSync(join(dir, 'b.json'), 'utf8'));
    rmSync(join(dir, 'b.json'));
  });
  it('from standard input too', async () => {
    const r = await cli(['audit', '-', '-o', 'json'], { cwd: dir, stdin: Object.values(FILES).join('---\n') });
    assertClean('stdout', r.stdout);
    assertClean('stderr', r.stderr);
  });
});
