import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Ajv } from 'ajv';
import { runCli as cli } from '../helpers/cli.js';
import type { Report } from '../../src/engine/report-types.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeready-cli-'));
  writeFileSync(join(dir, 'deploy.yaml'), DEPLOY);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('exit codes', () => {
  it('1 when an error-severity finding is present', async () => {
    const r = await cli(['audit', 'deploy.yaml', '--only', 'memory-limit-missing'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /deploy\.yaml:10:11 {2}memory-limit-missing/);
  });
  it('0 with --fail-on none, and audit is the default command', async () => {
    const r = await cli(['deploy.yaml', '--fail-on', 'none'], { cwd: dir });
    assert.equal(r.code, 0);
  });
  it('2 for a path that does not exist, with one line', async () => {
    const r = await cli(['audit', 'nope.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /nope\.yaml: no such file or directory/);
  });
  it('2 for an unknown flag, an unknown check, and no input', async () => {
    assert.equal((await cli(['audit', '--bogus', 'deploy.yaml'], { cwd: dir })).code, 2);
    assert.equal((await cli(['audit', '--only', 'no-such-check', 'deploy.yaml'], { cwd: dir })).code, 2);
    const none = await cli(['audit'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no input/);
  });
  it('kubectl habits: -f alone says it is a Helm values file; `kubeready version` points at --version', async () => {
    const f = await cli(['audit', '-f', 'deploy.yaml'], { cwd: dir });
    assert.equal(f.code, 2);
    assert.match(f.stderr, /^kubeready: no input \(-f is --values, a Helm values file, as in helm; manifests are given as paths: kubeready audit deploy\.yaml\): /);
    const v = await cli(['version'], { cwd: dir });
    assert.equal(v.code, 2);
    assert.equal(v.stderr, 'kubeready: version: no such file or directory (kubeready --version prints the version)\n');
  });
  it('reads standard input for -', async () => {
    const r = await cli(['audit', '-', '--only', 'memory-limit-missing', '-o', 'json'], { cwd: dir, stdin: DEPLOY });
    assert.equal(r.code, 1);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.verdicts[0].findings[0].location.file, '<stdin>');
    assert.equal(rep.verdicts[0].findings[0].location.line, 10);
  });
});

describe('configuration', () => {
  it('an unknown key is an error naming the key and its line (exit 2)', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, `failOn: error\nchecks:\n  memory-limit-missing: warning\n  not-a-check: off\nexemption: []\n`);
    const r = await cli(['audit', 'deploy.yaml', '--config', cfg], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:4: checks\.not-a-check: unknown key/);
    assert.match(r.stderr, /bad\.yaml:5: exemption: unknown key/);
  });
  it('a wrong type is an error with its line', async () => {
    const cfg = join(dir, 'bad2.yaml');
    writeFileSync(cfg, `failOn: sometimes\n`);
    const r = await cli(['audit', 'deploy.yaml', '--config', cfg], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad2\.yaml:1: failOn: must be one of error, warning, info, none/);
  });
  it('an unquoted off (YAML 1.1 reads it as false) turns a check off, as the README shows', async () => {
    const cfg = join(dir, 'off.yaml');
    writeFileSync(cfg, `checks:\n  memory-limit-missing: off\n  cpu-limit-missing: false\n`);
    const r = await cli(['audit', 'deploy.yaml', '--config', cfg, '-o', 'json'], { cwd: dir });
    assert.notEqual(r.code, 2, r.stderr);
    const fired = new Set((JSON.parse(r.stdout) as Report).verdicts.flatMap((v) => v.findings.map((f) => f.check)));
    assert.ok(!fired.has('memory-limit-missing') && !fired.has('cpu-limit-missing'), [...fired].join(', '));
  });
  it('a bad parameter is one error for that key, not also "must be one of off, error, ..."', async () => {
    const cfg = join(dir, 'badparam.yaml');
    writeFileSync(cfg, `checks:\n  replicas-below-minimum:\n    params: {minReplicas: many}\n`);
    const r = await cli(['audit', 'deploy.yaml', '--config', cfg], { cwd: dir });
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /must be one of off/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /badparam\.yaml:3: checks\.replicas-below-minimum\.params\.minReplicas: /);
    // A string that is not a severity still gets the enum message.
    writeFileSync(cfg, `checks:\n  replicas-below-minimum: sometimes\n`);
    assert.match((await cli(['audit', 'deploy.yaml', '--config', cfg], { cwd: dir })).stderr, /badparam\.yaml:2: checks\.replicas-below-minimum: must be one of off, error, warning, info/);
  });
  it('an exemption without a reason is rejected', async () => {
    const cfg = join(dir, 'bad3.yaml');
    writeFileSync(cfg, `exemptions:\n  - names: [web]\n`);
    const r = await cli(['audit', 'deploy.yaml', '--config', cfg], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad3\.yaml:2: exemptions\.0: missing required key "reason"/);
  });
  it('.kubeready.yaml is found from the working directory upward; severity override applies', async () => {
    const sub = join(dir, 'sub');
    rmSync(sub, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(sub);
    writeFileSync(join(dir, '.kubeready.yaml'), `checks:\n  memory-limit-missing: warning\n`);
    try {
      const r = await cli(['audit', '../deploy.yaml', '--only', 'memory-limit-missing', '-o', 'json'], { cwd: sub });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).verdicts[0].findings[0].severity, 'warning');
      // The report names the file that applied (found upward: outside the working directory, absolute).
      assert.equal(JSON.parse(r.stdout).config, join(dir, '.kubeready.yaml'));
      const text = await cli(['audit', 'deploy.yaml', '--only', 'memory-limit-missing'], { cwd: dir });
      assert.match(text.stdout, /^config: \.kubeready\.yaml$/m);
      const off = await cli(['audit', '../deploy.yaml', '--only', 'memory-limit-missing', '--no-config'], { cwd: sub });
      assert.equal(off.code, 1);
      assert.doesNotMatch(off.stdout, /^config:/m);
    } finally {
      rmSync(join(dir, '.kubeready.yaml'));
    }
  });
  it('config exemptions by namespace, kind, name pattern and container: counted, hidden, listed with --show-exempted', async () => {
    const cfg = join(dir, 'ex.yaml');
    writeFileSync(cfg, `exemptions:\n  - checks: [memory-limit-missing]\n    namespaces: [sh*]\n    kinds: [Deployment]\n    names: ["w*"]\n    containers: [app]\n    reason: sized by the VPA\n`);
    const r = await cli(['audit', 'deploy.yaml', '--config', cfg, '--only', 'memory-limit-missing'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /1 exempted/);
    assert.doesNotMatch(r.stdout, /has no memory limit/);
    const shown = await cli(['audit', 'deploy.yaml', '--config', cfg, '--only', 'memory-limit-missing', '--show-exempted'], { cwd: dir });
    assert.match(shown.stdout, /exempted by config: sized by the VPA/);
    const j = JSON.parse((await cli(['audit', 'deploy.yaml', '--config', cfg, '--only', 'memory-limit-missing', '-o', 'json'], { cwd: dir })).stdout);
    assert.equal(j.summary.exempted, 1);
    assert.deepEqual(j.verdicts[0].findings[0].exempted, { by: 'config', reason: 'sized by the VPA' });
    // A pattern that does not match leaves the finding live.
    writeFileSync(cfg, `exemptions:\n  - checks: [memory-limit-missing]\n    containers: [sidecar]\n    reason: x\n`);
    assert.equal((await cli(['audit', 'deploy.yaml', '--config', cfg, '--only', 'memory-limit-missing'], { cwd: dir })).code, 1);
  });
  it('the kubeready.io/ignore annotation (object or pod template) exempts; missing reason is warned about', async () => {
    const annotated = DEPLOY.replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    kubeready.io/ignore: memory-limit-missing\n    kubeready.io/ignore-reason: batch sizing\n');
    const r = await cli(['audit', '-', '--only', 'memory-limit-missing', '-o', 'json'], { cwd: dir, stdin: annotated });
    assert.equal(r.code, 0);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.verdicts[0].findings[0].exempted, { by: 'annotation', reason: 'batch sizing' });
    const tmpl = DEPLOY.replace('  template:\n', '  template:\n    metadata:\n      annotations:\n        kubeready.io/ignore: memory-limit-missing\n');
    const r2 = await cli(['audit', '-', '--only', 'memory-limit-missing', '-o', 'json'], { cwd: dir, stdin: tmpl });
    assert.equal(r2.code, 0);
    assert.ok(JSON.parse(r2.stdout).problems.some((p: { message: string }) => /without kubeready\.io\/ignore-reason/.test(p.message)));
  });
});

describe('output', () => {
  it('JSON output validates against docs/report.schema.json', async () => {
    const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    for (const target of ['deploy.yaml', join(process.cwd(), 'examples')]) {
      const r = await cli(['audit', target, '-o', 'json'], { cwd: dir });
      const ok = validate(JSON.parse(r.stdout));
      assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    }
  });
  it('colour only on a TTY; NO_COLOR and FORCE_COLOR win', async () => {
    const esc = /\u001b\[/;
    assert.doesNotMatch((await cli(['deploy.yaml'], { cwd: dir, env: {} })).stdout, esc);
    assert.match((await cli(['deploy.yaml'], { cwd: dir, tty: true, env: {} })).stdout, esc);
    assert.doesNotMatch((await cli(['deploy.yaml'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout, esc);
    assert.match((await cli(['deploy.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout, esc);
  });
  it('checks lists every check; explain prints the doc; unknown id is exit 2', async () => {
    const list = await cli(['checks']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /memory-limit-missing/);
    const ex = await cli(['explain', 'memory-limit-missing']);
    assert.equal(ex.code, 0);
    assert.match(ex.stdout, /What breaks/);
    assert.match(ex.stdout, /```yaml/);
    assert.equal((await cli(['explain', 'nope'])).code, 2);
  });
  it('explain on a terminal: no Markdown syntax; the YAML indented, without fences; parameters one per line', async () => {
    const md = await cli(['explain', 'replicas-below-minimum']);
    const tty = await cli(['explain', 'replicas-below-minimum'], { tty: true, env: { NO_COLOR: '1' } });
    assert.equal(tty.code, 0);
    assert.match(md.stdout, /^# `replicas-below-minimum`$/m, 'piped: Markdown');
    assert.match(tty.stdout, /^replicas-below-minimum\n\nToo few replicas · pillar: availability/);
    assert.doesNotMatch(tty.stdout, /```|\*\*|`|^#|^\|/m);
    assert.match(tty.stdout, /^What breaks: With a single replica/m);
    assert.match(tty.stdout, /^Fix: Run at least two replicas[^\n]*\n\n {4}spec:\n {6}replicas: 3\n/m);
    assert.match(tty.stdout, /^ {2}minReplicas \(type: number, default: 2\): Lowest acceptable replica floor\.$/m);
    const colored = await cli(['explain', 'replicas-below-minimum'], { tty: true, env: {} });
    assert.match(colored.stdout, /\x1b\[1mWhat breaks:\x1b\[22m/, 'bold on a colour terminal');
  });
});

describe('controller-owned objects', () => {
  it('a ReplicaSet owned by a Deployment in the input is reported once, at the Deployment', async () => {
    const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d9c
  namespace: shop
  ownerReferences:
    - {apiVersion: apps/v1, kind: Deployment, name: web, uid: 1, controller: true}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;
    const both = await cli(['audit', '-', '--only', 'memory-limit-missing', '-o', 'json'], { stdin: DEPLOY + '---\n' + rs });
    assert.deepEqual(JSON.parse(both.stdout).verdicts.map((v: { object: { kind: string } }) => v.object.kind), ['Deployment']);
    const alone = await cli(['audit', '-', '--only', 'memory-limit-missing', '-o', 'json'], { stdin: rs });
    assert.deepEqual(JSON.parse(alone.stdout).verdicts.map((v: { object: { kind: string } }) => v.object.kind), ['ReplicaSet']);
  });
});

describe('.gitignore and explicit paths', () => {
  it('a folder named on the command line is audited even if .gitignore excludes it; rules inside it still apply', async () => {
    const { mkdirSync } = await import('node:fs');
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'build', 'manifests'), { recursive: true });
    writeFileSync(join(repo, '.gitignore'), 'build/\n');
    writeFileSync(join(repo, 'build', 'manifests', 'app.yaml'), DEPLOY);
    writeFileSync(join(repo, 'build', 'manifests', '.gitignore'), 'skip.yaml\n');
    writeFileSync(join(repo, 'build', 'manifests', 'skip.yaml'), DEPLOY.replace('name: web', 'name: skipped'));
    const named = JSON.parse((await cli(['audit', 'build/manifests', '-o', 'json', '--only', 'memory-limit-missing'], { cwd: repo })).stdout);
    assert.deepEqual(named.verdicts.map((v: { object: { name: string } }) => v.object.name), ['web']);
    const whole = JSON.parse((await cli(['audit', '.', '-o', 'json', '--only', 'memory-limit-missing'], { cwd: repo })).stdout);
    assert.equal(whole.summary.files, 0, 'walking the repository still skips ignored build/');
  });
});

describe('--complete', () => {
  it('parses as a flag and as a namespace list, and still takes paths after it', async () => {
    for (const args of [['audit', '--complete', 'deploy.yaml'], ['audit', '--complete-namespaces', 'shop,other', 'deploy.yaml']]) {
      const r = await cli([...args, '-o', 'json', '--only', 'memory-limit-missing'], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(JSON.parse(r.stdout).summary.files, 1);
    }
  });
});

describe('KUBEREADY_TIMING=1', () => {
  it('prints the phases and the slowest checks to stderr, and nothing without it', async () => {
    const timed = await cli(['audit', 'deploy.yaml', '--no-config'], { cwd: dir, env: { NO_COLOR: '1', KUBEREADY_TIMING: '1' } });
    assert.equal(timed.code, 1);
    for (const phase of ['load', 'index', 'checks and verdicts', 'write reports', 'total']) assert.match(timed.stderr, new RegExp(`^  ${phase} +\\d+ `, 'm'));
    assert.match(timed.stderr, /checks: \d+ ms in \d+; slowest:\n {4}[a-z-]+ +\d+/);
    // The report itself is unchanged.
    const plain = await cli(['audit', 'deploy.yaml', '--no-config'], { cwd: dir });
    assert.equal(timed.stdout, plain.stdout);
    assert.doesNotMatch(plain.stderr, /kubeready timing/);
    // KUBEREADY_TIMING=N lists the N slowest checks.
    const three = await cli(['audit', 'deploy.yaml', '--no-config'], { cwd: dir, env: { NO_COLOR: '1', KUBEREADY_TIMING: '3' } });
    // (then the findings gate's line: exit 1: ...)
    assert.equal(three.stderr.split('slowest:\n')[1].trimEnd().split('\n').filter((l) => !l.startsWith('kubeready: exit 1:')).length, 3);
  });
});
