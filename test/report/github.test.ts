/**
 * GitHub Actions workflow commands. Each line is parsed back the way the runner does
 * (actions/runner ActionCommand.TryParseV2: `::name k=v,k=v::data`, properties split on `,` and
 * the first `=`, then %0D %0A %3A %2C and finally %25 unescaped; data likewise without %3A/%2C),
 * and the values must come back exactly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, auditJson } from '../helpers/cli.js';
import { renderGithub, escapeData, escapeProperty, annotationOrder } from '../../src/report/github.js';
import type { Finding, ObjectRef, Report, Verdict } from '../../src/engine/report-types.js';
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
    it(`${target}: the summary notice, then one annotation per non-exempted finding, by level, distinct checks first`, async () => {
      const r = await runCli(['audit', target, '-o', 'github', '--no-config'], { cwd: root });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const cmds = parse(r.stdout);
      const { report } = await auditJson([target], { cwd: root });
      const findings = report.verdicts.flatMap((v) => v.findings).filter((f) => !f.exempted);
      assert.equal(cmds.length, 1 + report.problems.length + findings.length);
      const first = cmds[0];
      assert.equal(first.name, 'notice');
      assert.deepEqual(first.props, { title: 'kubeready' });
      assert.match(first.data, new RegExp(`^${report.summary.readyWorkloads} of ${report.summary.workloads} workloads? production-ready · score ${report.summary.score}/100`));
      const annotations = cmds.slice(1 + report.problems.length);
      // Each finding has its annotation (the order is checked below).
      const unused = new Set(annotations);
      for (const f of findings) {
        const c = [...unused].find(
          (x) =>
            x.name === (f.unknown ? 'notice' : { error: 'error', warning: 'warning', info: 'notice' }[f.severity]) &&
            x.props.file === f.location.file &&
            x.props.line === (f.location.line ? String(f.location.line) : undefined) &&
            x.props.title === `${f.check}: ${f.title}${f.unknown ? ' (unknown)' : ''}` &&
            x.data.startsWith(`${f.object.kind} ${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}: ${f.message}\n`),
        );
        assert.ok(c, `annotation for ${f.check} on ${f.object.name}`);
        unused.delete(c);
      }
      // Errors, then warnings, then notices; in each level, every check once before any check twice.
      const rank = { error: 0, warning: 1, notice: 2 } as Record<string, number>;
      for (let i = 1; i < annotations.length; i++) assert.ok(rank[annotations[i - 1].name] <= rank[annotations[i].name], `level order at ${i}`);
      for (const level of ['error', 'warning', 'notice']) {
        const checks = annotations.filter((c) => c.name === level).map((c) => c.props.title.split(':')[0]);
        const distinct = new Set(checks).size;
        assert.equal(new Set(checks.slice(0, distinct)).size, distinct, `${level}: the first ${distinct} are distinct checks`);
      }
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
  it('input problems come right after the summary as errors/warnings with their file', () => {
    assert.deepEqual(
      cmds.slice(1, 3).map((c) => [c.name, c.props.file, c.props.line, c.data]),
      [
        ['error', 'k8s/broken file.yaml', '4', 'YAML: bad indentation of a mapping entry: "a: b" %'],
        ['warning', 'k8s/broken file.yaml', undefined, 'document 2 has no kind, skipped'],
      ],
    );
  });
  it('the summary notice is first (GitHub shows only the first 10 notices) and counts everything', () => {
    const first = cmds[0];
    assert.equal(first.name, 'notice');
    assert.deepEqual(first.props, { title: 'kubeready' });
    assert.equal(cmds.filter((c) => c.props.title === 'kubeready').length, 1);
    assert.equal(first.data, '1 of 2 workloads production-ready · score 47/100 · 3 errors, 1 warning, 0 info · 2 exempted · 1 unknown · 1 input error');
    assert.equal(cmds.length, 1 + 2 + 5);
  });
  it('pathPrefix makes paths relative to the repository root', () => {
    const p = parse(renderGithub(trickyReport(), { pathPrefix: 'deploy/prod' }));
    assert.equal(p[1].props.file, 'deploy/prod/k8s/broken file.yaml');
    const q = parse(renderGithub({ ...trickyReport(), problems: [{ file: '../shared/x.yaml', line: 1, column: 1, level: 'error', message: 'm' }] }, { pathPrefix: 'deploy/prod' }));
    assert.equal(q[1].props.file, 'deploy/shared/x.yaml');
  });
  it('an empty report is just the summary', () => {
    assert.equal(renderGithub(emptyReport()), '::notice title=kubeready::no workload among the 2 objects checked · score 100/100 · 0 errors, 0 warnings, 0 info\n');
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
    assert.ok(parse(r.stdout)[1].props.file!.startsWith(`${sub}/examples/tutorial/`));
  });
});

/**
 * A report shaped like examples/tutorial: two Deployments with the same dozen errors each (the db
 * one has two more of its own), then a ClusterRoleBinding to cluster-admin, the last object of the
 * input; warnings and notices on both Deployments.
 */
function tutorialLike(): Report {
  const shared = ['ownership-labels-missing', 'replicas-below-minimum', 'default-service-account', 'workload-rbac-blast-radius', 'cpu-limit-missing', 'cpu-request-missing', 'liveness-probe-missing', 'memory-limit-missing', 'memory-request-missing', 'readiness-probe-missing', 'run-as-non-root', 'image-tag-latest', 'secret-in-env-literal'];
  const r = emptyReport();
  const obj = (kind: string, name: string, namespace: string | null): ObjectRef => ({ apiVersion: 'v1', kind, name, namespace });
  let line = 0;
  const finding = (o: ObjectRef, check: string, severity: Finding['severity'] = 'error', unknown: string | null = null): Finding => ({
    check,
    pillar: 'resources',
    severity,
    title: `title of ${check}`,
    message: `${check} on ${o.name}`,
    object: o,
    container: null,
    field: 'spec',
    location: { file: 'app.yaml', line: ++line, column: 1, exact: true, doc: 0 },
    exempted: null,
    unknown,
    related: [],
  });
  const verdict = (o: ObjectRef, findings: Finding[]): Verdict => ({ ...trickyReport().verdicts[2], object: o, findings });
  const web = obj('Deployment', 'todo-web', 'default');
  const db = obj('Deployment', 'todo-db', 'default');
  const crb = obj('ClusterRoleBinding', 'todo-admin', null);
  const warnings = ['capabilities-not-dropped', 'privilege-escalation', 'read-only-root-filesystem', 'seccomp-profile-missing', 'metrics-not-exposed'];
  r.verdicts = [
    verdict(web, [...shared.map((c) => finding(web, c)), ...warnings.map((c) => finding(web, c, 'warning')), finding(web, 'exposed-without-network-policy', 'info', 'no NetworkPolicy')]),
    verdict(db, [...shared.map((c) => finding(db, c)), finding(db, 'stateful-image-without-persistence'), finding(db, 'privileged-container'), ...warnings.map((c) => finding(db, c, 'warning'))]),
    verdict(crb, [finding(crb, 'cluster-admin-binding')]),
  ];
  return r;
}

describe('github: annotation order (GitHub shows the first 10 of each level per step)', () => {
  const errorsOf = (cmds: Cmd[]) => cmds.filter((c) => c.name === 'error');
  const checkOf = (c: Cmd) => c.props.title!.split(':')[0];
  const objectOf = (c: Cmd) => c.data.split(':')[0];

  it('tutorial-like input: summary first; the first errors are distinct checks over every object; cluster-admin-binding among the first 10', () => {
    const out = renderGithub(tutorialLike());
    const cmds = parse(out);
    assert.equal(cmds[0].props.title, 'kubeready');
    assert.equal(cmds.length, 1 + 13 * 2 + 2 + 1 + 5 * 2 + 1);
    const errors = errorsOf(cmds);
    assert.equal(errors.length, 29);
    const first10 = errors.slice(0, 10);
    assert.equal(new Set(first10.map(checkOf)).size, 10, 'ten different checks');
    assert.ok(first10.some((c) => checkOf(c) === 'cluster-admin-binding'), first10.map(checkOf).join(', '));
    assert.deepEqual(new Set(first10.map(objectOf)), new Set(['Deployment default/todo-web', 'Deployment default/todo-db', 'ClusterRoleBinding todo-admin']));
    // Rarest first (one object each, in input order), then one of each shared check, each on the
    // Deployment with fewer annotations so far, then the second of each shared check.
    assert.deepEqual(errors.slice(0, 3).map(checkOf), ['stateful-image-without-persistence', 'privileged-container', 'cluster-admin-binding']);
    assert.deepEqual(errors.slice(3, 8).map(objectOf), ['web', 'web', 'web', 'db', 'web'].map((n) => `Deployment default/todo-${n}`));
    const firstPass = errors.slice(0, 16);
    assert.equal(new Set(firstPass.map(checkOf)).size, 16);
    const on = (n: string) => firstPass.filter((c) => objectOf(c) === `Deployment default/todo-${n}`).length;
    assert.deepEqual([on('web'), on('db')], [8, 7]);
    for (let i = 16; i < 29; i++) assert.notEqual(objectOf(errors[i]), objectOf(errors.slice(0, 16).find((c) => checkOf(c) === checkOf(errors[i]))!), 'the second pass takes the other object');
    // Then warnings (distinct checks first), then the notice.
    assert.deepEqual(cmds.slice(30).map((c) => c.name), [...Array(10).fill('warning'), 'notice']);
    assert.equal(new Set(cmds.slice(30, 35).map(checkOf)).size, 5);
    // Deterministic.
    assert.equal(renderGithub(tutorialLike()), out);
  });

  it('examples/tutorial through the CLI: summary first, cluster-admin-binding within the first 10 errors, both Deployments covered', async () => {
    const r = await runCli(['audit', 'examples/tutorial', '-o', 'github', '--no-config'], { cwd: root });
    const cmds = parse(r.stdout);
    assert.equal(cmds[0].name, 'notice');
    assert.equal(cmds[0].props.title, 'kubeready');
    const first10 = errorsOf(cmds).slice(0, 10);
    assert.ok(first10.some((c) => checkOf(c) === 'cluster-admin-binding'), first10.map(checkOf).join(', '));
    assert.equal(new Set(first10.map(checkOf)).size, first10.length, 'no check twice among the first 10 errors');
    const objects = new Set(first10.map(objectOf));
    assert.ok(objects.has('Deployment default/todo-web') && objects.has('Deployment default/todo-db'), [...objects].join(', '));
  });

  it('annotationOrder: every finding once, each check once per pass, rarest check first', () => {
    const r = tutorialLike();
    const findings = r.verdicts.flatMap((v) => v.findings).filter((f) => f.severity === 'error');
    const order = annotationOrder([...findings]);
    assert.equal(order.length, findings.length);
    assert.equal(new Set(order).size, findings.length);
    assert.deepEqual(annotationOrder([]), []);
    // One check on many objects: all of them, in input order.
    const one = findings.filter((f) => f.check === 'cpu-limit-missing');
    assert.deepEqual(annotationOrder(one), one);
  });

  it('a finding repeated by several overlays of one base at the same source line is annotated once', () => {
    const r = tutorialLike();
    const rendered = (f: Finding, render: string): Finding => ({ ...f, object: { ...f.object, namespace: 'shop' }, location: { ...f.location, rendered: { render, line: 7, column: 3 } } });
    const base = r.verdicts[0].findings[1];
    r.verdicts[0].findings = [rendered(base, 'overlays/dev'), { ...rendered(base, 'overlays/prod'), message: 'a different message' }];
    r.verdicts[1].findings = [rendered(base, 'overlays/staging')];
    r.verdicts[2].findings = [];
    const cmds = parse(renderGithub(r));
    assert.deepEqual(cmds.slice(1).map((c) => c.data.split('\n')[0]), [`Deployment shop/todo-web: ${base.message}`, 'Deployment shop/todo-web: a different message']);
    // Without a render, equal findings are distinct objects' findings and each is annotated.
    r.verdicts[0].findings = [base, { ...base }];
    assert.equal(parse(renderGithub(r)).length, 1 + 1 + 2);
  });
});
