/**
 * Baselines end to end, through the CLI on files in a temporary directory: what a baseline
 * survives (reformatting, reordering, moving objects between files, unrelated edits) and what it
 * catches (real regressions), plus fixed findings, multiplicity, and bad baseline files.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Ajv } from 'ajv';
import { parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import type { Finding, Report } from '../../src/engine/report-types.js';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports:
            - containerPort: 8080
              name: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
`;
const SVC = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app.kubernetes.io/name: web
  ports:
    - port: 80
      targetPort: http
`;
const WORKER = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: shop
spec:
  replicas: 2
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
        - name: worker
          image: busybox:1.36
          command: ["sh", "-c", "sleep 3600"]
`;
const DOCS = [WEB, SVC, WORKER];
const ORIGINAL = DOCS.join('---\n');
const EXAMPLES = join(process.cwd(), 'examples');

let root: string;
let n = 0;
let baselineFile: string;
let baselineCount: number;

/** A fresh project directory holding these files. */
function project(files: Record<string, string>): string {
  const dir = join(root, `p${n++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  report: Report;
  findings: Finding[];
}

async function auditWithBaseline(dir: string, extra: string[] = []): Promise<Run> {
  const r = await runCli(['audit', '.', '--no-config', '-o', 'json', '--baseline', baselineFile, ...extra], { cwd: dir });
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)} ${r.stderr}`);
  }
  return { ...r, report, findings: report.verdicts.flatMap((v) => v.findings) };
}

function docsOf(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => d.toJS());
}

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
  return v;
}

/**
 * Namespace-level findings that today hang on the first workload of the namespace in input order,
 * and list workloads in input order: reordering or moving files changes their object or message, so
 * their fingerprint. Excluded from the layout tests below; the todo tests show the gap until fixed.
 */
const INPUT_ORDER_DEPENDENT = new Set<string>();

/** Assert the run shows no new finding, nothing fixed, every baseline entry still there, and exit 0. */
function assertUnchanged(r: Run, what: string, ignore: Set<string> = new Set()): void {
  const fresh = r.findings.filter((f) => f.baseline === 'new' && !ignore.has(f.check));
  assert.equal(r.code, 0, `${what}: exit ${r.code}; ${r.stderr}`);
  assert.deepEqual(fresh.map((f) => [f.check, f.object.name, f.message]), [], `${what}: new findings`);
  assert.deepEqual(r.report.baseline?.fixed.filter((e) => !ignore.has(e.check)), [], `${what}: fixed`);
  if (ignore.size === 0) assert.equal(r.report.baseline?.new, 0, `${what}: new`);
  if (ignore.size === 0) assert.equal(r.report.baseline?.unchanged, baselineCount, what);
  for (const f of r.findings) if (!ignore.has(f.check)) assert.equal(f.baseline, f.exempted ? null : 'unchanged', `${what}: ${f.check}`);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'kubeready-baseline-'));
  const dir = project({ 'k8s/app.yaml': ORIGINAL });
  baselineFile = join(root, 'baseline.json');
  const w = await runCli(['baseline', 'write', baselineFile, '.', '--no-config'], { cwd: dir });
  assert.equal(w.code, 0, w.stderr);
  baselineCount = JSON.parse(readFileSync(baselineFile, 'utf8')).findings.length;
  assert.match(w.stderr, new RegExp(`wrote ${baselineCount} findings to `));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('baseline write', () => {
  it('records every non-exempted finding with fingerprint, check, object, field, message and file:line; valid against docs/baseline.schema.json', async () => {
    const b = JSON.parse(readFileSync(baselineFile, 'utf8'));
    assert.equal(b.version, 1);
    assert.ok(baselineCount > 20, `the fixture has many findings (${baselineCount})`);
    const schema = JSON.parse(readFileSync(new URL('../../docs/baseline.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(b), JSON.stringify(validate.errors?.slice(0, 3)));
    const mem = b.findings.find((e: { check: string; object: { name: string } }) => e.check === 'memory-limit-missing' && e.object.name === 'worker');
    assert.deepEqual(
      { ...mem, fingerprint: typeof mem.fingerprint },
      {
        fingerprint: 'string',
        check: 'memory-limit-missing',
        severity: 'error',
        object: { kind: 'Deployment', namespace: 'shop', name: 'worker' },
        container: 'worker',
        field: 'spec.template.spec.containers[0].resources.limits.memory',
        message: 'container "worker" has no memory limit',
        at: 'k8s/app.yaml:55',
      },
    );
    // Without --baseline, the same input fails: the fixture is not clean.
    const plain = await runCli(['audit', '.', '--no-config'], { cwd: join(root, 'p0') });
    assert.equal(plain.code, 1);
  });

  it('is byte-identical however the input is laid out (sorted by what findings are about, not where)', async () => {
    const dir = project({ 'z.yaml': WEB, 'a/b.yaml': [WORKER, SVC].join('---\n') });
    const other = join(root, 'other.json');
    const w = await runCli(['baseline', 'write', other, '.', '--no-config'], { cwd: dir });
    assert.equal(w.code, 0, w.stderr);
    const strip = (s: string) => {
      const b = JSON.parse(s);
      b.findings = b.findings.filter((e: { check: string }) => !INPUT_ORDER_DEPENDENT.has(e.check));
      return JSON.stringify(b, null, 2).replace(/\n\s*"at": [^\n]*/g, '');
    };
    assert.equal(strip(readFileSync(other, 'utf8')), strip(readFileSync(baselineFile, 'utf8')));
    assert.match(readFileSync(other, 'utf8'), /^\{\n {2}"version": 1,\n {2}"tool": "kubeready",\n {2}"findings": \[\n {4}\{\n {6}"fingerprint"/);
  });

  it('does not record exempted findings; reads the same -c/--only flags as audit', async () => {
    const dir = project({ 'app.yaml': ORIGINAL, 'cfg.yaml': 'exemptions:\n  - checks: [memory-limit-missing]\n    reason: sized by the VPA\n' });
    const f = join(dir, 'b.json');
    assert.equal((await runCli(['baseline', 'write', f, 'app.yaml', '-c', join(dir, 'cfg.yaml')], { cwd: dir })).code, 0);
    const checks = JSON.parse(readFileSync(f, 'utf8')).findings.map((e: { check: string }) => e.check);
    assert.ok(!checks.includes('memory-limit-missing'));
    assert.ok(checks.includes('cpu-limit-missing'));
    assert.equal((await runCli(['baseline', 'write', f, 'app.yaml', '--no-config', '--only', 'memory-limit-missing'], { cwd: dir })).code, 0);
    assert.deepEqual(new Set(JSON.parse(readFileSync(f, 'utf8')).findings.map((e: { check: string }) => e.check)), new Set(['memory-limit-missing']));
  });

  it('exit 2 with one line for no input, a missing path, an unwritable file', async () => {
    const dir = project({ 'app.yaml': ORIGINAL });
    for (const args of [['baseline', 'write', 'b.json'], ['baseline', 'write', 'b.json', 'nope/'], ['baseline', 'write', 'no/such/dir/b.json', 'app.yaml'], ['baseline']]) {
      const r = await runCli([...args, '--no-config'], { cwd: dir });
      assert.equal(r.code, 2, args.join(' '));
      if (args.length > 1) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    // One argument that looks like the input: the order is named.
    const swapped = await runCli(['baseline', 'write', 'k8s/', '--no-config'], { cwd: dir });
    assert.equal(swapped.stderr, 'kubeready: no input: baseline write takes the baseline file first, then the manifests (kubeready baseline write .kubeready-baseline.json k8s/)\n');
    assert.match((await runCli(['baseline', 'write', 'b.json', '--no-config'], { cwd: dir })).stderr, /^kubeready: no input: give the manifests after the baseline file \(kubeready baseline write b\.json k8s\/\)/);
  });
});

describe('audit --baseline: what does not change a fingerprint', () => {
  it('the same files: nothing new, exit 0 (and the JSON validates against docs/report.schema.json)', async () => {
    const r = await auditWithBaseline(project({ 'k8s/app.yaml': ORIGINAL }));
    assertUnchanged(r, 'same files');
    const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(r.report), JSON.stringify(validate.errors?.slice(0, 3), null, 1));
  });
  it('reindented (4 spaces)', async () => {
    const text = docsOf(ORIGINAL).map((d) => stringify(d, { indent: 4 })).join('---\n');
    assert.notEqual(text, ORIGINAL);
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': text })), 'reindented');
  });
  it('flow style instead of block style', async () => {
    const text = docsOf(ORIGINAL).map((d) => stringify(d, { collectionStyle: 'flow' })).join('---\n');
    assert.match(text, /^\{\n  apiVersion: apps\/v1,\n  kind: Deployment,/);
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': text })), 'flow style');
  });
  it('keys in reverse order at every level', async () => {
    const text = docsOf(ORIGINAL).map((d) => stringify(reverseKeys(d))).join('---\n');
    assert.match(text, /^spec:/);
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': text })), 'reordered keys');
  });
  it('comments added between every line', async () => {
    const text = ORIGINAL.split('\n').map((l, i) => `# note ${i}\n${l}`).join('\n');
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': text })), 'comments');
  });
  it('documents in another order', async () => {
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': [...DOCS].reverse().join('---\n') })), 'reordered documents', INPUT_ORDER_DEPENDENT);
  });
  it('objects moved to other files and folders', async () => {
    const r = await auditWithBaseline(project({ 'k8s/web.yaml': WEB, 'k8s/net/service.yaml': SVC, 'jobs/worker.yml': WORKER }));
    assertUnchanged(r, 'moved', INPUT_ORDER_DEPENDENT);
    assert.ok(r.findings.some((f) => f.location.file === 'jobs/worker.yml'));
  });
  it('documents in another order, namespace-level findings included', async () => {
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': [...DOCS].reverse().join('---\n') })), 'reordered documents');
  });
  it('unrelated objects added (the production-ready example, in its own namespace): the existing findings are all unchanged', async () => {
    const dir = project({ 'k8s/app.yaml': ORIGINAL });
    cpSync(join(EXAMPLES, 'production-ready'), join(dir, 'k8s', 'checkout'), { recursive: true });
    const r = await auditWithBaseline(dir);
    assert.deepEqual(r.report.baseline?.fixed, []);
    assert.equal(r.report.baseline?.unchanged, baselineCount);
    assert.ok(r.report.summary.workloads > 2, 'the added workloads are audited');
    // Whatever the added objects bring is theirs alone (the example is meant to pass: then exit 0).
    const fresh = r.findings.filter((x) => x.baseline === 'new');
    for (const f of fresh) assert.equal(f.object.namespace, 'checkout', `${f.check} ${f.object.name}`);
    if (fresh.every((f) => f.unknown || f.severity !== 'error')) assert.equal(r.code, 0);
  });
  it('another Deployment added in the same namespace: namespace-level findings that list the workloads keep their identity', async () => {
    const zeta = WORKER.replace(/worker/g, 'zeta');
    const r = await auditWithBaseline(project({ 'k8s/app.yaml': ORIGINAL, 'k8s/zeta.yaml': zeta }), ['--complete']);
    const namespaceLevel = r.findings.filter((f) => f.check === 'netpol-no-default-deny' || f.check === 'alerts-missing');
    assert.ok(namespaceLevel.length > 0, 'the namespace-level checks fire');
    for (const f of namespaceLevel) {
      assert.match(f.message, /zeta|3 workloads/, `${f.check} names or counts the added workload`);
      assert.equal(f.baseline, 'unchanged', `${f.check}: ${f.message}`);
    }
    for (const f of r.findings) if (f.object.name !== 'zeta' && !f.exempted) assert.equal(f.baseline, 'unchanged', `${f.check} on ${f.object.name}`);
    assert.deepEqual(r.report.baseline?.fixed, []);
    // A workload whose name sorts first takes over as the object these findings hang on: still unchanged.
    const alpha = WORKER.replace(/worker/g, 'aardvark');
    const first = await auditWithBaseline(project({ 'k8s/app.yaml': ORIGINAL, 'k8s/aardvark.yaml': alpha }), ['--complete']);
    const moved = first.findings.filter((x) => x.check === 'netpol-no-default-deny' || x.check === 'alerts-missing');
    assert.ok(moved.some((f) => f.object.name === 'aardvark'), moved.map((f) => `${f.check} on ${f.object.name}`).join(', '));
    for (const f of moved) {
      assert.equal(f.baseline, 'unchanged', `${f.check} on ${f.object.name}: ${f.message}`);
    }
  });
  it('another Deployment added in a namespace of its own, exempted by annotation: nothing new, exit 0', async () => {
    const extra = WORKER.replace(/worker/g, 'batch').replace('  namespace: shop\n', '  namespace: jobs\n  annotations:\n    kubeready.io/ignore: "*"\n    kubeready.io/ignore-reason: owned by the data team\n');
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': ORIGINAL, 'k8s/batch.yaml': extra })), 'exempted Deployment added');
  });
  it('unrelated fields changed (an annotation added, revisionHistoryLimit set, an env var added)', async () => {
    const web = WEB.replace('  labels:\n    app.kubernetes.io/name: web\nspec:\n', '  labels:\n    app.kubernetes.io/name: web\n  annotations:\n    example.com/note: reviewed\nspec:\n  revisionHistoryLimit: 5\n')
      .replace('          image: nginx:1.27\n', '          image: nginx:1.27\n          env:\n            - name: LOG_LEVEL\n              value: debug\n');
    assert.notEqual(web, WEB);
    assertUnchanged(await auditWithBaseline(project({ 'k8s/app.yaml': [web, SVC, WORKER].join('---\n') })), 'unrelated edits');
  });
});

describe('audit --baseline: what it catches', () => {
  it('a memory limit removed: reported as new, exit 1; the rest unchanged', async () => {
    const web = WEB.replace('            limits:\n              memory: 256Mi\n', '');
    const r = await auditWithBaseline(project({ 'k8s/app.yaml': [web, SVC, WORKER].join('---\n') }));
    assert.equal(r.code, 1);
    const fresh = r.findings.filter((f) => f.baseline === 'new');
    assert.ok(fresh.some((f) => f.check === 'memory-limit-missing' && f.object.name === 'web'), JSON.stringify(fresh.map((f) => f.check)));
    assert.equal(r.report.baseline?.new, fresh.length);
    assert.ok(r.report.baseline!.unchanged >= baselineCount - 2);
  });
  it('privileged: true set: new, exit 1; the text output marks it and says what is new', async () => {
    const web = WEB.replace('          image: nginx:1.27\n', '          image: nginx:1.27\n          securityContext:\n            privileged: true\n');
    const dir = project({ 'k8s/app.yaml': [web, SVC, WORKER].join('---\n') });
    const r = await auditWithBaseline(dir);
    assert.equal(r.code, 1);
    const fresh = r.findings.filter((f) => f.baseline === 'new' && !f.unknown);
    assert.ok(fresh.length > 0);
    assert.ok(fresh.every((f) => f.object.name === 'web'), JSON.stringify(fresh.map((f) => [f.check, f.object.name])));
    assert.ok(fresh.some((f) => /privileged/i.test(f.check + f.message)), JSON.stringify(fresh.map((f) => f.check)));
    const t = await runCli(['audit', '.', '--no-config', '--baseline', baselineFile], { cwd: dir });
    assert.equal(t.code, 1);
    assert.match(t.stdout, new RegExp(`baseline ${baselineFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${r.report.baseline!.new} new, ${r.report.baseline!.unchanged} unchanged \\[baseline\\], ${r.report.baseline!.fixed.length} fixed`));
    assert.match(t.stdout, /cpu-limit-missing \[baseline\]/);
    const privLine = t.stdout.split('\n').find((l) => l.includes(fresh[0].check));
    assert.ok(privLine && !privLine.includes('[baseline]'), privLine);
    // The findings privileged makes moot (capabilities, privilege escalation) are gone from the
    // container, but a security regression is not a fix: none of them is listed as fixed.
    const sup = r.report.baseline!.superseded ?? [];
    assert.ok(sup.length > 0, 'some findings of container web are superseded');
    assert.deepEqual(r.report.baseline!.fixed.filter((e) => e.object.name === 'web'), []);
    for (const x of sup) {
      assert.equal(x.entry.object.name, 'web');
      assert.ok(x.by.includes('privileged-container'), JSON.stringify(x));
    }
    assert.match(t.stdout, new RegExp(`, ${sup.length} gone where new findings appeared`));
    assert.match(t.stdout, /gone: [a-z-]+ {2}Deployment shop\/web container app {2}\S+ \(the same container now has new: [a-z-, ]*privileged-container/);
  });
  it('a fix: listed as fixed, exit 0', async () => {
    const worker = WORKER.replace('          command: ["sh", "-c", "sleep 3600"]\n', '          command: ["sh", "-c", "sleep 3600"]\n          resources:\n            limits:\n              memory: 64Mi\n');
    const r = await auditWithBaseline(project({ 'k8s/app.yaml': [WEB, SVC, worker].join('---\n') }));
    assert.equal(r.code, 0, JSON.stringify(r.findings.filter((f) => f.baseline === 'new').map((f) => f.check)));
    assert.equal(r.report.baseline?.new, 0);
    const fixed = r.report.baseline!.fixed;
    // A memory limit also serves as the request when none is set: both findings are fixed.
    assert.deepEqual(fixed.map((e) => [e.check, e.object.name, e.container, e.at]), [
      ['memory-limit-missing', 'worker', 'worker', 'k8s/app.yaml:55'],
      ['memory-request-missing', 'worker', 'worker', 'k8s/app.yaml:55'],
    ]);
    assert.equal(r.report.baseline!.unchanged, baselineCount - 2);
    const t = await runCli(['audit', '.', '--no-config', '--baseline', baselineFile], { cwd: join(root, `p${n - 1}`) });
    assert.match(t.stdout, /fixed: memory-limit-missing {2}Deployment shop\/worker container worker {2}spec\.template\.spec\.containers\[0\]\.resources\.limits\.memory \(was at k8s\/app\.yaml:55\)/);
  });
  it('multiplicity: the same object defined twice, recorded once: the copy is new, the original unchanged', async () => {
    const dir = project({ 'k8s/app.yaml': ORIGINAL, 'overlay/copy.yaml': WORKER });
    const r = await auditWithBaseline(dir, ['--only', 'memory-limit-missing']);
    const mem = r.findings.filter((f) => f.check === 'memory-limit-missing' && f.object.name === 'worker');
    assert.equal(mem.length, 2);
    assert.deepEqual(mem.map((f) => [f.location.file, f.baseline]).sort(), [['k8s/app.yaml', 'unchanged'], ['overlay/copy.yaml', 'new']]);
    assert.equal(r.code, 1);
  });
  it('--fail-on still applies: a new warning fails only with --fail-on warning', async () => {
    const worker = WORKER.replace('  replicas: 2\n', '  replicas: 2\n  strategy:\n    type: Recreate\n');
    const dir = project({ 'k8s/app.yaml': [WEB, SVC, worker].join('---\n') });
    const r = await auditWithBaseline(dir);
    const fresh = r.findings.filter((f) => f.baseline === 'new' && !f.unknown);
    assert.ok(fresh.length > 0, 'Recreate brings a new finding');
    const worst = fresh.some((f) => f.severity === 'error') ? 'error' : 'warning';
    assert.equal(r.code, worst === 'error' ? 1 : 0);
    assert.equal((await auditWithBaseline(dir, ['--fail-on', 'info'])).code, 1);
    assert.equal((await auditWithBaseline(dir, ['--fail-on', 'none'])).code, 0);
  });
});

describe('audit --baseline: bad baseline files', () => {
  const cases: [string, string | null, RegExp][] = [
    ['missing.json', null, /baseline missing\.json: no such file \(create it with: kubeready baseline write missing\.json/],
    ['junk.json', 'not json {', /baseline junk\.json: not valid JSON/],
    ['array.json', '[]', /baseline array\.json: not a kubeready baseline/],
    ['noversion.json', '{"findings": []}', /baseline noversion\.json: not a kubeready baseline/],
    ['future.json', '{"version": 2, "findings": []}', /baseline future\.json: version 2 was written by a newer kubeready/],
    ['entry.json', '{"version": 1, "findings": [{"fingerprint": "xyz"}]}', /baseline entry\.json: findings\[0\]: "fingerprint" must be 32 lowercase hex digits/],
  ];
  for (const [name, text, re] of cases) {
    it(`${name}: one line, exit 2`, async () => {
      const dir = project({ 'app.yaml': ORIGINAL });
      if (text !== null) writeFileSync(join(dir, name), text);
      const r = await runCli(['audit', 'app.yaml', '--no-config', '--baseline', name], { cwd: dir });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '', 'nothing audited');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, re);
    });
  }
  it('a directory given as the baseline: exit 2', async () => {
    const dir = project({ 'app.yaml': ORIGINAL, 'd/x': '' });
    const r = await runCli(['audit', 'app.yaml', '--no-config', '--baseline', 'd'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /baseline d: is a directory/);
  });
  it('an empty baseline ({"version": 1, "findings": []}) makes every finding new', async () => {
    const dir = project({ 'app.yaml': ORIGINAL, 'empty.json': '{"version": 1, "findings": []}' });
    const r = await runCli(['audit', 'app.yaml', '--no-config', '-o', 'json', '--baseline', 'empty.json'], { cwd: dir });
    const rep = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 1);
    assert.equal(rep.baseline?.unchanged, 0);
    assert.equal(rep.baseline?.new, baselineCount);
    assert.equal(rep.baseline?.file, 'empty.json');
  });
});
