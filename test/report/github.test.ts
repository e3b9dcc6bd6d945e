/**
 * GitHub Actions workflow commands. Each line is parsed back the way the runner does
 * (actions/runner ActionCommand.TryParseV2: `::name k=v,k=v::data`, properties split on `,` and
 * the first `=`, then %0D %0A %3A %2C and finally %25 unescaped; data likewise without %3A/%2C),
 * and the values must come back exactly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, auditJson } from '../helpers/cli.js';
import { renderGithub, escapeData, escapeProperty } from '../../src/report/github.js';
import { trickyReport, emptyReport, NASTY, SPACED_FILE, EXAMPLE_TARGETS } from './tricky-report.js';

interface Cmd {
  name: string;
  props: Record<string, string>;
  data: string;
}

function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function parse(out: string): Cmd[] {
  assert.ok(out.endsWith('\n'));
  return out
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = /^::([a-z]+)(?: ([^:]*))?::(.*)$/.exec(line);
      assert.ok(m, `a workflow command: ${line}`);
      const props: Record<string, string> = {};
      for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
        const eq = kv.indexOf('=');
        assert.ok(eq > 0, `key=value in ${line}`);
        props[kv.slice(0, eq)] = unescapeProperty(kv.slice(eq + 1));
      }
      return { name: m[1], props, data: unescapeData(m[3]) };
    });
}

const root = process.cwd();

describe('github: example runs', () => {
  for (const target of EXAMPLE_TARGETS) {
    it(`${target}: one annotation per non-exempted finding, by severity, then a summary notice`, async () => {
      const r = await runCli(['audit', target, '-o', 'github', '--no-config'], { cwd: root });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const cmds = parse(r.stdout);
      const { report } = await auditJson([target], { cwd: root });
      const findings = report.verdicts.flatMap((v) => v.findings).filter((f) => !f.exempted);
      assert.equal(cmds.length, findings.length + report.problems.length + 1);
      findings.forEach((f, i) => {
        const c = cmds[report.problems.length + i];
        assert.equal(c.name, f.unknown ? 'notice' : { error: 'error', warning: 'warning', info: 'notice' }[f.severity]);
        assert.equal(c.props.file, f.location.file);
        assert.equal(c.props.line, f.location.line ? String(f.location.line) : undefined);
        assert.equal(c.props.title, `${f.check}: ${f.title}${f.unknown ? ' (unknown)' : ''}`);
        assert.ok(c.data.startsWith(`${f.object.kind} ${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}: ${f.message}\n`));
      });
      const last = cmds[cmds.length - 1];
      assert.equal(last.name, 'notice');
      assert.equal(last.props.title, 'kubeready');
      assert.match(last.data, new RegExp(`^${report.summary.readyWorkloads} of ${report.summary.workloads} workloads? production-ready · score ${report.summary.score}/100`));
    });
  }
});

describe('github: content and escaping', () => {
  const cmds = parse(renderGithub(trickyReport()));

  it('values come back exactly after the runner unescapes them: %, CR, LF, : and , in properties', () => {
    const c = cmds.find((x) => x.props.title?.startsWith('memory-limit-missing'))!;
    assert.equal(c.name, 'error');
    assert.equal(c.props.file, SPACED_FILE);
    assert.equal(c.props.line, '12');
    assert.equal(c.props.col, '9');
    assert.equal(c.props.title, 'memory-limit-missing: Container has no memory limit');
    assert.equal(c.data, `Deployment shop/web|"x": ${NASTY.replace('\u0007', '')}\n(kubeready explain memory-limit-missing)`);
  });
  it('the raw line has no bare newline, and : , % are escaped in properties', () => {
    const raw = renderGithub(trickyReport()).split('\n').find((l) => l.includes('memory-limit-missing'))!;
    assert.ok(raw.startsWith('::error file=k8s/my app%2C v2%3A prod/dep loy.yaml,line=12,col=9,title=memory-limit-missing%3A Container has no memory limit::'));
    assert.match(raw, /100%25 /);
    assert.match(raw, /bell%0D%0Anext: line, /, 'data keeps : and , (only properties escape them)');
    assert.doesNotMatch(raw, /\u0007/);
  });
  it('warnings are ::warning, without line/col when the line is unknown', () => {
    const c = cmds.find((x) => x.props.title?.startsWith('seccomp-profile-missing'))!;
    assert.equal(c.name, 'warning');
    assert.equal(c.props.line, undefined);
    assert.equal(c.props.col, undefined);
    assert.match(c.data, /50% of pods, a:b,c/);
  });
  it('exempted findings are left out; unknown ones are notices that say why', () => {
    assert.equal(cmds.filter((x) => /exempted by/.test(x.data)).length, 0);
    const u = cmds.find((x) => x.props.title?.startsWith('pdb-missing'))!;
    assert.equal(u.name, 'notice');
    assert.equal(u.props.title, 'pdb-missing: No PodDisruptionBudget (unknown)');
    assert.match(u.data, /\nNot in the input: no PodDisruptionBudget in namespace shop\. This does not fail/);
  });
  it('input problems come first as errors/warnings with their file', () => {
    assert.deepEqual(
      cmds.slice(0, 2).map((c) => [c.name, c.props.file, c.props.line, c.data]),
      [
        ['error', 'k8s/broken file.yaml', '4', 'YAML: bad indentation of a mapping entry: "a: b" %'],
        ['warning', 'k8s/broken file.yaml', undefined, 'document 2 has no kind, skipped'],
      ],
    );
  });
  it('the summary notice is last and counts everything', () => {
    const last = cmds[cmds.length - 1];
    assert.deepEqual(last.props, { title: 'kubeready' });
    assert.equal(last.data, '1 of 2 workloads production-ready · score 47/100 · 3 errors, 1 warning, 0 info · 2 exempted · 1 unknown · 1 input error');
    assert.equal(cmds.length, 2 + 5 + 1);
  });
  it('pathPrefix makes paths relative to the repository root', () => {
    const p = parse(renderGithub(trickyReport(), { pathPrefix: 'deploy/prod' }));
    assert.equal(p[0].props.file, 'deploy/prod/k8s/broken file.yaml');
    const q = parse(renderGithub({ ...trickyReport(), problems: [{ file: '../shared/x.yaml', line: 1, column: 1, level: 'error', message: 'm' }] }, { pathPrefix: 'deploy/prod' }));
    assert.equal(q[0].props.file, 'deploy/shared/x.yaml');
  });
  it('an empty report is just the summary', () => {
    assert.equal(renderGithub(emptyReport()), '::notice title=kubeready::0 of 0 workloads production-ready · score 100/100 · 0 errors, 0 warnings, 0 info\n');
    // No object at all (a folder of values files): no score.
    const none = emptyReport();
    Object.assign(none.summary, { objects: 0, documents: 0 });
    assert.match(renderGithub(none), /^::notice title=kubeready::nothing audited: the input holds no Kubernetes object · 0 errors/);
  });
  it('escapers follow @actions/core', () => {
    assert.equal(escapeData('a%b\r\nc:d,e'), 'a%25b%0D%0Ac:d,e');
    assert.equal(escapeProperty('a%b\r\nc:d,e'), 'a%25b%0D%0Ac%3Ad%2Ce');
    assert.equal(escapeProperty('%3A'), '%253A', '% first, so a literal %3A survives');
    assert.equal(unescapeProperty(escapeProperty('%3A, :%')), '%3A, :%');
  });
  it('GITHUB_WORKSPACE above the working directory prefixes paths through the CLI', async () => {
    const r = await runCli(['audit', 'examples/tutorial', '-o', 'github', '--no-config'], {
      cwd: root,
      env: { NO_COLOR: '1', GITHUB_WORKSPACE: root.replace(/\/[^/]+$/, '') },
    });
    const sub = root.split('/').pop();
    assert.ok(parse(r.stdout)[0].props.file!.startsWith(`${sub}/examples/tutorial/`));
  });
});
