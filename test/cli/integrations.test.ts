/**
 * CI integrations: the GitHub Action (action.yml), the pre-commit hook (.pre-commit-hooks.yaml)
 * and the kubectl plugin (bin/kubectl-kubeready).
 *
 * There is no GitHub runner here: action.yml is parsed and checked for structure, and its own
 * bash steps (install, audit, gate) are run for real with bash, with the environment a runner
 * gives them; the comment script runs against a small in-memory stand-in for the GitHub API.
 * pre-commit runs for real when it is installed (`pip install pre-commit`; it installs the hook
 * with npm, about a minute); kubectl when /usr/bin/kubectl or kubectl on PATH exists.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const ROOT = process.cwd();
const EXAMPLES = join(ROOT, 'examples');
const DIST_CLI = join(ROOT, 'dist', 'cli.mjs');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const steps = action.runs.steps;
const step = (id: string) => {
  const s = steps.find((x) => x.id === id || x.name === id);
  assert.ok(s, `step ${id}`);
  return s;
};

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kubeready-integrations-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A launcher that runs the CLI from source through tsx, so these tests do not need dist/. */
function sourceLauncher(dir: string, name = 'cli.mjs'): string {
  const file = join(dir, name);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  writeFileSync(file, `import { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(pathToFileURL(join(ROOT, 'src', 'cli', 'bin.ts')).href)});\n`);
  return file;
}

/** Key=value lines a step wrote to $GITHUB_OUTPUT. */
function outputsOf(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

describe('action.yml (structure; no GitHub runner here)', () => {
  it('is a composite action with the documented inputs, each described', () => {
    assert.equal(action.runs.using, 'composite');
    for (const name of ['paths', 'config', 'fail-on', 'min-score', 'baseline', 'sarif', 'comment', 'version']) {
      assert.ok(action.inputs[name], `input ${name}`);
      assert.ok(action.inputs[name].description.length > 10, `input ${name} is described`);
    }
    assert.equal(action.inputs.sarif.default, 'true');
    assert.equal(action.inputs.comment.default, 'true');
    assert.equal(action.inputs.version.default, '');
  });
  it('every input is used by a step, and every inputs.X / steps.Y.outputs.Z reference resolves', () => {
    const text = JSON.stringify(steps);
    for (const name of Object.keys(action.inputs)) assert.ok(text.includes(`inputs.${name}`), `input ${name} is never used`);
    const all = JSON.stringify(action);
    for (const m of all.matchAll(/inputs\.([A-Za-z0-9_-]+)/g)) assert.ok(action.inputs[m[1]], `inputs.${m[1]} is not declared`);
    for (const m of all.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      const s = steps.find((x) => x.id === m[1]);
      assert.ok(s?.run, `steps.${m[1]} does not exist or has no script`);
      const written = new RegExp(`(^|[^A-Za-z-])${m[2].replace('-', '\\-')}=|\\$f-file=`).test(s.run) && (m[2].endsWith('-file') ? s.run.includes('-file=') : true);
      assert.ok(written, `steps.${m[1]} never writes output ${m[2]}`);
    }
    for (const [name, o] of Object.entries(action.outputs)) assert.match(o.value, /^\$\{\{ steps\.[a-z]+\.outputs\.[a-z-]+ \}\}$/, `output ${name}`);
  });
  it('steps are well-formed: run steps name a shell and take inputs only through env; uses are pinned to a major version', () => {
    for (const s of steps) {
      assert.ok(Boolean(s.run) !== Boolean(s.uses), `${s.name}: exactly one of run and uses`);
      if (s.run) {
        assert.equal(s.shell, 'bash', `${s.name}: composite run steps need a shell`);
        assert.doesNotMatch(s.run, /\$\{\{/, `${s.name}: expressions pasted into a script can inject code; pass them in env`);
      }
      if (s.uses) assert.match(s.uses, /^[\w.-]+\/[\w./-]+@v\d+$/, `${s.name}: ${s.uses}`);
    }
    assert.deepEqual(step('Set up Node.js 20').with, { 'node-version': '20' });
    assert.match(step('install').env!.KR_ACTION_PATH, /github\.action_path/);
  });
  it('SARIF is uploaded with codeql-action/upload-sarif@v3 even when the audit fails; the gate step runs last and always', () => {
    const up = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    assert.equal(up.uses, 'github/codeql-action/upload-sarif@v3');
    assert.match(up.if!, /always\(\)/);
    assert.match(up.if!, /inputs\.sarif == 'true'/);
    assert.match(up.with!.sarif_file, /steps\.audit\.outputs\.sarif-file/);
    assert.equal(up.with!.category, '${{ inputs.sarif-category }}');
    assert.match(step('audit').env!.KR_OUT, /runner\.temp.*github\.action/, 'one output folder per use of the action in a job');
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;
    assert.match(comment.if!, /always\(\)/);
    assert.match(comment.if!, /inputs\.comment == 'true'/);
    assert.match(comment.if!, /pull_request/);
    const last = steps[steps.length - 1];
    assert.equal(last.name, 'Gate');
    assert.equal(last.if, 'always()');
    assert.ok(steps.indexOf(step('audit')) < steps.indexOf(up) && steps.indexOf(up) < steps.length - 1);
  });
});

describe('docs/ci.md and README stay in step', () => {
  const ci = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
  it('the action inputs table lists exactly the inputs of action.yml', () => {
    const section = ci.slice(ci.indexOf('| input | default | meaning |'));
    const rows = [...section.slice(0, section.indexOf('\n\n')).matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(rows.sort(), Object.keys(action.inputs).sort());
  });
  it('both exit-code tables document 0, 1, 2, 3 and 4', async () => {
    const { EXIT } = await import('../../src/engine/exit.js');
    assert.deepEqual(Object.values(EXIT).sort(), [0, 1, 2, 3, 4]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const text of [ci, readme]) for (const code of [0, 1, 2, 3, 4]) assert.match(text, new RegExp(`^\\| ${code} \\| `, 'm'));
    assert.match(readme, /\(docs\/ci\.md\)/);
  });
});

describe('action.yml scripts, run with bash', () => {
  function runStep(s: Step, env: Record<string, string>, cwd = ROOT) {
    const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
    const summary = join(tmp, `summary-${Math.random().toString(36).slice(2)}`);
    writeFileSync(out, '');
    writeFileSync(summary, '');
    // As a runner runs `shell: bash`: bash --noprofile --norc -eo pipefail {script file}.
    const script = join(tmp, `step-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(script, s.run!);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: tmp, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary, ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs: outputsOf(out), summary: readFileSync(summary, 'utf8') };
  }
  const auditEnv = (over: Record<string, string>) => ({
    KR_CLI: sourceLauncher(tmp),
    KR_PATHS: 'examples/tutorial',
    KR_CONFIG: '',
    KR_FAIL_ON: '',
    KR_MIN_SCORE: '',
    KR_BASELINE: '',
    KR_SARIF: 'true',
    KR_ARGS: '',
    KR_OUT: join(tmp, `reports-${Math.random().toString(36).slice(2)}`),
    ...over,
  });

  it('install (version empty, dist/ present in the action folder): reports the version and the CLI path', { skip: !existsSync(DIST_CLI) && 'dist/cli.mjs not built (npm run build); the build is not run here' }, () => {
    const r = runStep(step('install'), { KR_VERSION: '', KR_ACTION_PATH: ROOT });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.outputs.cli, DIST_CLI);
    assert.match(r.stdout, /^kubeready \d+\.\d+\.\d+/);
  });
  it('audit: findings -> exit-code 1 output (the step itself passes), SARIF, Markdown, JSON written, score output, job summary', () => {
    const env = auditEnv({ KR_MIN_SCORE: '90' });
    const r = runStep(step('audit'), env);
    assert.equal(r.code, 0, `the audit step never fails by itself: ${r.stderr}`);
    assert.equal(r.outputs['exit-code'], '1');
    assert.match(r.stdout, /^kubeready audit -o json=.* --min-score 90 -- examples\/tutorial$/m);
    assert.match(r.stdout, /NOT READY/);
    const report = JSON.parse(readFileSync(r.outputs['json-file'], 'utf8'));
    assert.equal(r.outputs.score, String(report.summary.score));
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file'], 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length > 0);
    const md = readFileSync(r.outputs['markdown-file'], 'utf8');
    assert.ok(md.length > 100);
    assert.equal(r.summary, md, 'the Markdown goes to the job summary');
  });
  it('audit: score gate only -> exit-code 3; sarif "false" writes no SARIF; paths split on spaces and newlines, globs left to kubeready', () => {
    const r = runStep(step('audit'), auditEnv({ KR_PATHS: 'examples/tutorial\n  examples/production-ready/*.yaml', KR_FAIL_ON: 'none', KR_MIN_SCORE: '99', KR_SARIF: 'false' }));
    assert.equal(r.outputs['exit-code'], '3', r.stderr);
    assert.match(r.stderr, /score \d+ is below --min-score 99/);
    assert.equal(r.outputs['sarif-file'], undefined);
    const report = JSON.parse(readFileSync(r.outputs['json-file'], 'utf8'));
    assert.equal(report.summary.files, 6, 'tutorial/app.yaml plus the five production-ready files');
  });
  it('audit: baseline and extra args pass through; a missing baseline -> exit-code 2', () => {
    const b = join(tmp, 'action-baseline.json');
    const w = spawnSync(process.execPath, [sourceLauncher(tmp), 'baseline', 'write', b, 'examples/tutorial'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(w.status, 0, w.stderr);
    const ok = runStep(step('audit'), auditEnv({ KR_BASELINE: b, KR_ARGS: '--only replicas-below-minimum,memory-limit-missing' }));
    assert.equal(ok.outputs['exit-code'], '0', ok.stderr);
    assert.deepEqual(new Set(JSON.parse(readFileSync(ok.outputs['json-file'], 'utf8')).checks.map((c: { id: string }) => c.id)), new Set(['replicas-below-minimum', 'memory-limit-missing']));
    // Same output folder (a second run of the step): the reports of the run before are not passed off as this one's.
    const missing = runStep(step('audit'), auditEnv({ KR_BASELINE: join(tmp, 'nope.json'), KR_OUT: dirname(ok.outputs['json-file']) }));
    assert.equal(missing.outputs['exit-code'], '2');
    assert.match(missing.stderr, /baseline .*nope\.json: no such file/);
    assert.deepEqual([missing.outputs['json-file'], missing.outputs['markdown-file'], missing.outputs['sarif-file'], missing.outputs.score], [undefined, undefined, undefined, undefined]);
  });
  it('audit: working-directory is where paths, config and baseline resolve', () => {
    const wd = join(tmp, 'wd');
    mkdirSync(join(wd, 'deploy'), { recursive: true });
    copyFileSync(join(EXAMPLES, 'tutorial', 'app.yaml'), join(wd, 'deploy', 'app.yaml'));
    writeFileSync(join(wd, 'kr.yaml'), 'failOn: none\n');
    const r = runStep(step('audit'), auditEnv({ KR_PATHS: 'deploy', KR_CONFIG: 'kr.yaml' }), wd);
    assert.equal(r.outputs['exit-code'], '0', r.stderr);
    assert.equal(JSON.parse(readFileSync(r.outputs['json-file'], 'utf8')).summary.files, 1);
  });
  it('gate: exits with the audit exit code and says which gate failed', () => {
    const gate = step('Gate');
    const cases: [string, number, RegExp][] = [
      ['0', 0, /every gate passed \(score 88\)/],
      ['1', 1, /::error title=kubeready::findings at or above fail-on \(exit 1\)/],
      ['3', 3, /::error title=kubeready::score 88 is below min-score 90 \(exit 3\)/],
      ['2', 2, /::error title=kubeready::kubeready could not run as asked \(exit 2\)/],
      ['', 2, /::error title=kubeready::kubeready did not run/],
    ];
    for (const [code, want, re] of cases) {
      const r = runStep(gate, { KR_CODE: code, KR_SCORE: '88', KR_MIN_SCORE: '90' });
      assert.equal(r.code, want, `exit-code "${code}"`);
      assert.match(r.stdout, re);
    }
  });
});

describe('action.yml pull-request comment script (against an in-memory GitHub API)', () => {
  interface Comment { id: number; body: string; html_url: string }
  function fakeGithub(comments: Comment[], fail = false) {
    const calls: string[] = [];
    const rest = {
      issues: {
        listComments: async () => ({ data: comments }),
        updateComment: async (a: { comment_id: number; body: string }) => {
          calls.push(`update ${a.comment_id}`);
          comments.find((c) => c.id === a.comment_id)!.body = a.body;
          return { data: {} };
        },
        createComment: async (a: { body: string }) => {
          if (fail) throw new Error('Resource not accessible by integration');
          const c = { id: comments.length + 100, body: a.body, html_url: `https://example/c/${comments.length + 100}` };
          comments.push(c);
          calls.push(`create ${c.id}`);
          return { data: c };
        },
      },
    };
    const github = { rest, paginate: async (fn: () => Promise<{ data: Comment[] }>) => (await fn()).data };
    return { github, calls };
  }
  const script = steps.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!.script;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...v: unknown[]) => Promise<unknown>;

  async function runScript(github: unknown, env: Record<string, string>, warnings: string[] = []) {
    const fn = new AsyncFunction('github', 'context', 'core', 'require', script);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      await fn(github, { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 7 } } }, { info: () => undefined, warning: (m: string) => warnings.push(m) }, createRequire(import.meta.url));
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
  }

  it('posts once, then updates the same comment (found by its hidden marker) on the next push', async () => {
    const md = join(tmp, 'summary.md');
    writeFileSync(md, '## kubeready\n\nfirst\n');
    const comments: Comment[] = [{ id: 1, body: 'LGTM', html_url: 'x' }];
    const { github, calls } = fakeGithub(comments);
    const env = { KR_MARKDOWN: md, KR_KEY: 'ci/kubeready:.:k8s/' };
    await runScript(github, env);
    writeFileSync(md, '## kubeready\n\nsecond\n');
    await runScript(github, env);
    assert.deepEqual(calls, ['create 101', 'update 101']);
    assert.equal(comments.length, 2);
    assert.match(comments[1].body, /^<!-- kubeready-report ci\/kubeready:\.:k8s\/ -->\n## kubeready\n\nsecond\n$/);
    // Another job or folder gets its own comment.
    await runScript(github, { ...env, KR_KEY: 'ci/kubeready:services/api:.' });
    assert.deepEqual(calls, ['create 101', 'update 101', 'create 102']);
  });
  it('a read-only token (forks): a warning, not a failure; oversized Markdown is cut under GitHub\'s 65,536 limit', async () => {
    const md = join(tmp, 'big.md');
    writeFileSync(md, 'x'.repeat(70_000));
    const warnings: string[] = [];
    await runScript(fakeGithub([], true).github, { KR_MARKDOWN: md, KR_KEY: 'k' }, warnings);
    assert.match(warnings[0], /could not comment on the pull request \(Resource not accessible by integration\)/);
    const comments: Comment[] = [];
    await runScript(fakeGithub(comments).github, { KR_MARKDOWN: md, KR_KEY: 'k' });
    assert.ok(comments[0].body.length < 65_536, String(comments[0].body.length));
    assert.match(comments[0].body, /cut at 65000 characters/);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
  it('declares the kubeready hook in pre-commit\'s format', () => {
    assert.ok(Array.isArray(hooks));
    const h = hooks.find((x) => x.id === 'kubeready')!;
    assert.ok(h);
    assert.equal(h.entry, 'kubeready audit');
    assert.equal(h.language, 'node');
    assert.deepEqual(h.types, ['yaml']);
    assert.equal(h.pass_filenames, true);
    assert.equal(h.require_serial, true, 'one run sees every staged file, so cross-object checks work');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.bin.kubeready, 'dist/cli.mjs', 'the entry is the package bin');
    assert.equal(pkg.scripts.prepare, 'node scripts/prepare.mjs', 'a git install builds dist/ (language: node installs from git)');
  });

  const preCommit = process.env.KUBEREADY_PRE_COMMIT ?? (spawnSync('pre-commit', ['--version']).status === 0 ? 'pre-commit' : null);
  it('runs with a real pre-commit: a bad manifest fails, a good one passes', { skip: !preCommit && 'pre-commit is not installed (pip install pre-commit, or set KUBEREADY_PRE_COMMIT)', timeout: 600_000 }, () => {
    const git = (cwd: string, ...a: string[]) => {
      const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...a], { cwd, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    // The hook repository, as a user's pre-commit would clone it: the source, without dist/.
    const hookRepo = join(tmp, 'hook-repo');
    mkdirSync(hookRepo);
    for (const f of ['src', 'scripts', 'bin', 'docs', 'tsconfig.json', 'package.json', 'package-lock.json', 'README.md', '.pre-commit-hooks.yaml']) {
      cpSync(join(ROOT, f), join(hookRepo, f), { recursive: true });
    }
    git(hookRepo, 'init', '-q');
    git(hookRepo, 'add', '-A');
    git(hookRepo, 'commit', '-qm', 'hook');
    const rev = git(hookRepo, 'rev-parse', 'HEAD');

    const project = join(tmp, 'project');
    mkdirSync(join(project, 'good'), { recursive: true });
    git(project, 'init', '-q');
    copyFileSync(join(EXAMPLES, 'tutorial', 'app.yaml'), join(project, 'bad.yaml'));
    cpSync(join(EXAMPLES, 'production-ready'), join(project, 'good'), { recursive: true });
    writeFileSync(join(project, 'notes.txt'), 'not yaml\n');
    writeFileSync(join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: kubeready\n`);
    git(project, 'add', '-A');
    const env = { ...process.env, PRE_COMMIT_HOME: join(tmp, 'pre-commit-home'), NO_COLOR: '1' };
    const run = (...files: string[]) => spawnSync(preCommit!, ['run', '--files', ...files], { cwd: project, encoding: 'utf8', env });

    const good = run(...['api.yaml', 'cronjob.yaml', 'namespace.yaml', 'network.yaml', 'rbac.yaml'].map((f) => `good/${f}`), 'notes.txt');
    assert.equal(good.status, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /kubeready \(Kubernetes production readiness\)\.+Passed/);
    const bad = run('bad.yaml');
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /\.+Failed/);
    assert.match(bad.stdout, /bad\.yaml:\d+:\d+ {2}replicas-below-minimum/);
    const none = run('notes.txt');
    assert.equal(none.status, 0);
    assert.match(none.stdout, /\(no files to check\)Skipped/);
  });
});

describe('kubectl plugin (bin/kubectl-kubeready)', () => {
  const kubectl = existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : spawnSync('kubectl', ['version', '--client']).status === 0 ? 'kubectl' : null;
  const skip = !kubectl && 'kubectl is not installed';
  const shim = join(ROOT, 'bin', 'kubectl-kubeready');

  it('is executable, declared in package.json bin and shipped in files', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.bin['kubectl-kubeready'], 'bin/kubectl-kubeready');
    assert.ok(pkg.files.includes('bin'));
    assert.match(readFileSync(shim, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    spawnSync('test', ['-x', shim]).status === 0 || assert.fail('bin/kubectl-kubeready is not executable');
  });

  function pluginDir(layout: 'standalone' | 'package'): string {
    const dir = mkdtempSync(join(tmp, `kubectl-${layout}-`));
    if (layout === 'standalone') {
      // A folder holding the shim and a cli.mjs (here: one that runs the source through tsx).
      copyFileSync(shim, join(dir, 'kubectl-kubeready'));
      chmodSync(join(dir, 'kubectl-kubeready'), 0o755);
      sourceLauncher(dir);
    } else {
      // As npm links it: a symlink on PATH to bin/kubectl-kubeready in the package, which runs ../dist/cli.mjs.
      symlinkSync(shim, join(dir, 'kubectl-kubeready'));
    }
    return dir;
  }
  const kube = (dir: string, args: string[]) =>
    spawnSync(kubectl!, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}`, NO_COLOR: '1', KUBECONFIG: join(tmp, 'no-kubeconfig') } });

  it('kubectl plugin list shows it; kubectl kubeready audit runs kubeready with its exit codes (shim next to cli.mjs)', { skip }, () => {
    const dir = pluginDir('standalone');
    const list = kube(dir, ['plugin', 'list']);
    assert.match(list.stdout, new RegExp(`${join(dir, 'kubectl-kubeready').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), list.stdout + list.stderr);
    const ready = kube(dir, ['kubeready', 'audit', 'examples/production-ready']);
    assert.equal(ready.status, 0, ready.stdout + ready.stderr);
    assert.match(ready.stdout, /2 of 2 workloads production-ready/);
    const tutorial = kube(dir, ['kubeready', 'audit', 'examples/tutorial', '--compact']);
    assert.equal(tutorial.status, 1);
    assert.match(tutorial.stdout, /NOT READY/);
    assert.equal(kube(dir, ['kubeready', 'audit', 'examples/tutorial', '--fail-on', 'none', '--min-score', '100']).status, 3);
    assert.equal(kube(dir, ['kubeready', 'audit', 'nope/']).status, 2);
    assert.match(kube(dir, ['kubeready', '--version']).stdout, /^\d+\.\d+\.\d+/);
  });
  it('as npm installs it (symlink to the package bin, running ../dist/cli.mjs)', { skip: skip || (!existsSync(DIST_CLI) && 'dist/cli.mjs not built (npm run build); the build is not run here') }, () => {
    const dir = pluginDir('package');
    const r = kube(dir, ['kubeready', 'audit', 'examples/production-ready']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /2 of 2 workloads production-ready/);
  });
  it('without a cli.mjs next to it or in ../dist: one line, exit 2', () => {
    const dir = mkdtempSync(join(tmp, 'kubectl-lonely-'));
    copyFileSync(shim, join(dir, 'kubectl-kubeready'));
    const r = spawnSync(process.execPath, [join(dir, 'kubectl-kubeready'), 'audit', '.'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^kubectl-kubeready: kubeready's cli\.mjs not found \(looked for .*\); in a checkout, run npm run build\n$/);
  });
});
