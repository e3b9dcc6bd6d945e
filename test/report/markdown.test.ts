/**
 * Markdown for pull-request comments, checked by rendering it with a real CommonMark + GFM-table
 * renderer (markdown-it) and looking at the HTML: the table has the right cells, user text never
 * turns into markup, code spans hold their text verbatim, links point where they should, and the
 * size limit cuts whole entries.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { runCli, auditJson } from '../helpers/cli.js';
import { renderMarkdown, mdCode, mdText } from '../../src/report/markdown.js';
import type { Finding, Report } from '../../src/engine/report-types.js';
import { trickyReport, emptyReport, EXAMPLE_TARGETS } from './tricky-report.js';

const md = new MarkdownIt({ html: true });
const html = (s: string) => md.render(s);

function tableRows(h: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(h)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]));
}

function assertBalanced(s: string): void {
  assert.equal((s.match(/<details>/g) ?? []).length, (s.match(/<\/details>/g) ?? []).length, 'details balanced');
  // Fences: every opening fence line has its closing one (count of fence lines is even).
  const fences = s.split('\n').filter((l) => /^`{3,}/.test(l));
  assert.equal(fences.length % 2, 0, 'code fences balanced');
}

const root = process.cwd();
const LINKS = { serverUrl: 'https://github.example.com/', repository: 'acme/platform', sha: '0123abcd' };

describe('markdown: example runs', () => {
  for (const target of EXAMPLE_TARGETS) {
    it(`${target}: verdict header, a row per object with the eight pillars, findings errors first`, async () => {
      const r = await runCli(['audit', target, '-o', 'markdown', '--no-config'], { cwd: root });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const { report } = await auditJson([target], { cwd: root });
      const s = report.summary;
      assert.ok(r.stdout.startsWith(`### ${s.readyWorkloads === s.workloads ? '✅' : '❌'} kubeready: ${s.readyWorkloads} of ${s.workloads} workload`));
      assert.match(r.stdout, new RegExp(`score ${s.score}/100`));
      assert.ok(r.stdout.length <= 60_000);
      assertBalanced(r.stdout);
      const h = html(r.stdout);
      const rows = tableRows(h);
      // Not-ready workloads, then failing objects, then ready workloads.
      const order = [
        ...report.verdicts.filter((v) => v.workloadClass !== null && !v.ready),
        ...report.verdicts.filter((v) => v.workloadClass === null && !v.ready),
        ...report.verdicts.filter((v) => v.workloadClass !== null && v.ready),
      ];
      assert.equal(rows.length, order.length);
      for (const [i, v] of order.entries()) {
        assert.equal(rows[i].length, 11);
        assert.equal(rows[i][0], `<code>${v.object.kind} ${v.object.namespace ? v.object.namespace + '/' : ''}${v.object.name}</code>`);
        assert.equal(rows[i][1], v.workloadClass === null ? '❌ fails' : v.ready ? '✅ ready' : '❌ not ready');
        const marks = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'].map(
          (p) => ({ pass: '✅', fail: '❌', 'n/a': '➖' })[v.pillars[p as 'resources']],
        );
        assert.deepEqual(rows[i].slice(2, 10), marks);
        assert.equal(rows[i][10], String(v.score));
      }
      // Findings: errors before warnings before info before unknown.
      const heads = [...r.stdout.matchAll(/^\*\*(❌ error|⚠️ warning|ℹ️ info|❔ unknown)\*\*/gm)].map((m) => m[1]);
      const rank = (x: string) => ['❌ error', '⚠️ warning', 'ℹ️ info', '❔ unknown'].indexOf(x);
      for (let i = 1; i < heads.length; i++) assert.ok(rank(heads[i - 1]) <= rank(heads[i]), `order at ${i}: ${heads[i - 1]} then ${heads[i]}`);
      const live = report.verdicts.flatMap((v) => v.findings).filter((f) => !f.exempted);
      const more = /_(\d+) more findings? not shown/.exec(r.stdout);
      assert.equal(heads.length + (more ? Number(more[1]) : 0), live.length);
      if (target === 'examples/tutorial') {
        assert.match(r.stdout, /\*\*Failure scenarios of the workloads that are not ready\*\*\n\n- \*\*Deployment default\/todo-web\*\*: 🔴 node loss: outage/);
        // Relative links with #L<line> when no GitHub environment.
        assert.match(r.stdout, /\[`examples\/tutorial\/app\.yaml:\d+`\]\(examples\/tutorial\/app\.yaml#L\d+\)/);
        assert.match(h, /<details><summary>What breaks and the fix<\/summary>/);
        assert.match(h, /<pre><code class="language-yaml">/);
      }
    });
  }
  it('GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA make blob links; GITHUB_WORKSPACE sets the path prefix', async () => {
    const env = {
      NO_COLOR: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/platform',
      GITHUB_SHA: 'deadbeef',
      GITHUB_WORKSPACE: root.replace(/\/[^/]+$/, ''),
      GITHUB_RUN_ID: '42',
    };
    const r = await runCli(['audit', 'examples/tutorial', '-o', 'markdown', '--no-config'], { cwd: root, env });
    const sub = root.split('/').pop();
    assert.match(r.stdout, new RegExp(`\\(https://github\\.com/acme/platform/blob/deadbeef/${sub}/examples/tutorial/app\\.yaml#L\\d+\\)`));
  });
});

describe('markdown: content and escaping', () => {
  const out = renderMarkdown(trickyReport(), { links: LINKS, pathPrefix: 'deploy' });
  const h = html(out);

  it('user text never becomes markup: no tags, emphasis, links or headings from messages', () => {
    assert.doesNotMatch(h, /<b>|<em>|<h1>|<a href="u">/);
    assert.match(h, /say &quot;hi&quot; \| `rm -rf` 100% &lt;b&gt;&amp;amp;&lt;\/b&gt; \]\]&gt; bell next: line, ünïcödé 日本 🚀 \* _x_ \[l\]\(u\) # h/);
    assert.doesNotMatch(out, /\u0007/);
    assertBalanced(out);
  });
  it('table cells escape | (also inside code spans) and keep 11 cells per row', () => {
    const rows = tableRows(h);
    assert.equal(rows.length, 3);
    for (const r of rows) assert.equal(r.length, 11);
    assert.equal(rows[0][0], '<code>Deployment shop/web|&quot;x&quot;</code>');
    assert.equal(rows[1][0], '<code>ClusterRoleBinding admins</code>');
    assert.equal(rows[1][1], '❌ fails');
    assert.equal(rows[2][0], '<code>CronJob shop/nightly</code>');
    assert.deepEqual(rows[2].slice(2, 8), ['✅', '✅', '✅', '➖', '✅', '✅']);
  });
  it('links: blob URLs with the path prefix, percent-encoded, #L<line>; none for a finding without a line', () => {
    assert.match(h, /<a href="https:\/\/github\.example\.com\/acme\/platform\/blob\/0123abcd\/deploy\/k8s\/my%20app%2C%20v2%3A%20prod\/dep%20loy\.yaml#L12"><code>k8s\/my app, v2: prod\/dep loy\.yaml:12<\/code><\/a>/);
    assert.match(h, /href="https:\/\/github\.example\.com\/acme\/platform\/blob\/0123abcd\/deploy\/k8s\/my%20app%2C%20v2%3A%20prod\/dep%20loy\.yaml"><code>k8s\/my app, v2: prod\/dep loy\.yaml<\/code>/);
    const rel = html(renderMarkdown(trickyReport()));
    assert.match(rel, /<a href="k8s\/my%20app%2C%20v2%3A%20prod\/dep%20loy\.yaml#L12">/);
  });
  it('fix YAML in a fence longer than any backtick run inside it', () => {
    assert.match(out, /\n````yaml\nresources:\n {2}limits:\n {4}memory: 512Mi # ``` fence inside\n````\n/);
    assert.match(h, /<pre><code class="language-yaml">resources:\n {2}limits:\n {4}memory: 512Mi # ``` fence inside\n<\/code><\/pre>/);
  });
  it('exempted findings are left out, unknown ones last and marked; counts in the header', () => {
    assert.doesNotMatch(out, /exempted by config|exempted by annotation/);
    assert.match(out, /2 exempted · 1 unknown/);
    assert.match(out, /\*\*❔ unknown\*\* · `pdb-missing`[^\n]*\n[^\n]*\n\*\*Related\*\*: the namespace: Namespace shop at \[`k8s\/ns\.yaml:3`\]/);
    assert.match(out, /\*\*Not in the input\*\*: no PodDisruptionBudget in namespace shop/);
    assert.ok(out.indexOf('❔ unknown') > out.indexOf('⚠️ warning'));
  });
  it('input problems are listed with links', () => {
    assert.match(out, /- ❌ input error \[`k8s\/broken file\.yaml:4`\]\([^)]*broken%20file\.yaml#L4\): YAML: bad indentation/);
    assert.match(out, /\*\*1 input error\*\*/);
  });
  it('survival line for the not-ready workload', () => {
    assert.match(out, /- \*\*Deployment shop\/web\\\|"x"\*\*: 🔴 node loss: outage · 🔴 zone loss: outage · 🔴 drain: blocked · 🟠 rollout: at-risk/);
  });
  it('an empty report says so', () => {
    const e = renderMarkdown(emptyReport());
    assert.match(e, /^### ✅ kubeready: no workload among the 2 objects checked · score 100\/100\n/);
    assert.match(e, /\nNo findings\.\n/);
    assert.doesNotMatch(e, /<table>|\| Workload/);
  });
  it('mdCode and mdText', () => {
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('`x`'), '`` `x` ``');
    assert.equal(md.renderInline(mdCode('`x` ``y``')), '<code>`x` ``y``</code>');
    assert.equal(md.renderInline(mdText('*a* _b_ <i>c</i> [d](e) `f` \\ & | ~~g~~')), '*a* _b_ &lt;i&gt;c&lt;/i&gt; [d](e) `f` \\ &amp; | ~~g~~');
  });
});

describe('markdown: size limit', () => {
  function big(n: number): Report {
    const base = trickyReport();
    const v = base.verdicts[0];
    const findings: Finding[] = [];
    for (let i = 0; i < n; i++) findings.push({ ...v.findings[1], message: `container "c${i}" is privileged ${'x'.repeat(200)}`, location: { ...v.findings[1].location, line: i + 1 } });
    return { ...base, verdicts: [{ ...v, findings }], problems: [] };
  }
  it('stays under maxChars, cuts whole findings, and says how many are missing', () => {
    const report = big(400);
    for (const maxChars of [60_000, 8_000, 2_500]) {
      const out = renderMarkdown(report, { maxChars, maxFindings: 1000 });
      assert.ok(out.length <= maxChars, `${out.length} <= ${maxChars}`);
      assertBalanced(out);
      const shown = (out.match(/^\*\*❌ error\*\*/gm) ?? []).length;
      const more = /_(\d+) more findings not shown; see the full report/.exec(out);
      assert.ok(more, 'cut note');
      assert.equal(shown + Number(more[1]), 400);
      // Each shown entry is complete: its details block closes.
      assert.equal((out.match(/<\/details>/g) ?? []).length, shown);
      assert.ok(out.endsWith('</sub>\n'));
    }
  });
  it('the default limit is 60,000 and maxFindings caps the list', () => {
    const out = renderMarkdown(big(400));
    assert.ok(out.length <= 60_000 && out.length > 40_000);
    const capped = renderMarkdown(big(30), { maxFindings: 10 });
    assert.equal((capped.match(/^\*\*❌ error\*\*/gm) ?? []).length, 10);
    assert.match(capped, /_20 more findings not shown; see the full report/);
  });
  it('maxRows caps the table, not-ready rows first', () => {
    const base = trickyReport();
    const ready = base.verdicts[1];
    const many = Array.from({ length: 120 }, (_, i) => ({ ...ready, object: { ...ready.object, name: `ok-${i}` } }));
    const out = renderMarkdown({ ...base, verdicts: [...many, base.verdicts[0]] });
    const rows = tableRows(html(out));
    assert.equal(rows.length, 100);
    assert.equal(rows[0][1], '❌ not ready');
    assert.match(out, /_21 more rows not shown; see the full report/);
  });
  it('the note links the workflow run when given', () => {
    const out = renderMarkdown(big(30), { maxFindings: 1, fullReportUrl: 'https://github.com/acme/platform/actions/runs/42' });
    assert.match(html(out), /<a href="https:\/\/github\.com\/acme\/platform\/actions\/runs\/42">/);
  });
});

describe('a finding with a fix of its own', () => {
  it('Markdown and HTML show it instead of the check\'s generic fix (the tutorial database: its own replication, not more replicas)', async () => {
    const { report } = await auditJson(['examples/tutorial'], { cwd: root });
    const db = report.verdicts.flatMap((v) => v.findings).find((f) => f.check === 'replicas-below-minimum' && f.object.name === 'todo-db')!;
    assert.match(db.fix ?? '', /^Do not just raise the replica count: run postgres with its own replication/);
    const out = renderMarkdown(report);
    const section = out.slice(out.indexOf(mdText(db.message).slice(0, 60)));
    const details = section.slice(0, section.indexOf('</details>'));
    assert.match(details, /\*\*Fix\*\*: Do not just raise the replica count/);
    assert.doesNotMatch(details, /replicas: 3/, 'not the generic YAML');
    const { renderHtml } = await import('../../src/report/html.js');
    assert.ok(renderHtml(report).includes('"fix":"Do not just raise the replica count'), 'embedded for the detail card');
  });
});
