/**
 * The HTML report (src/report/html.ts): string-level checks (self-contained, escaping, embedded
 * JSON, the capped script-free listing) that run anywhere, and the page itself opened from file://
 * in headless Chromium (content, sorting, filtering, details, print media, zero network requests,
 * hostile input, 2,000 workloads; without script, disabled or blocked by the CSP as Jenkins serves
 * it, the script-free listing instead of the table).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { allChecks } from '../../src/checks/index.js';
import { audit, loadPlan } from '../../src/engine/audit.js';
import { emptyConfig } from '../../src/engine/config.js';
import type { Report, Verdict } from '../../src/engine/report-types.js';
import { loadInputs } from '../../src/sources/files.js';
import { renderHtml } from '../../src/report/html.js';
import { NASTY, SPACED_FILE, trickyReport } from './tricky-report.js';
import { chromiumSkip, launchChromium, type Browser } from '../helpers/chromium.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PILLARS = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'];

/** What `kubeready audit <paths>` computes, with every check and no config. */
async function auditPaths(paths: string[], cwd: string): Promise<Report> {
  const input = await loadInputs(paths, { cwd, ...loadPlan(allChecks) });
  assert.deepEqual(input.fatal, []);
  const problems = input.problems.map((p) => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, level: p.level, message: p.message }));
  return audit(
    { resources: input.resources, problems, documents: input.documents, skipped: input.skipped, files: input.files },
    { checks: allChecks, config: emptyConfig() },
  );
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** The JSON embedded in the page, parsed back. */
function embedded(html: string): { workloads: Verdict[]; others: Verdict[]; checks: Record<string, { fix: { yaml: string } }> } {
  const m = /<script type="application\/json" id="kr-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'embedded JSON data block');
  return JSON.parse(m[1]);
}

/** A report on an input with no objects at all. */
function emptyReport(): Report {
  const r = clone(examples);
  r.verdicts = [];
  r.checks = [];
  r.problems = [];
  Object.assign(r.summary, { workloads: 0, readyWorkloads: 0, objects: 2, documents: 2, files: 1, score: 100, exempted: 0, unknown: 0, inputErrors: 0 });
  r.summary.findings = { error: 0, warning: 0, info: 0 };
  for (const p of Object.keys(r.summary.byPillar)) r.summary.byPillar[p as keyof typeof r.summary.byPillar] = { error: 0, warning: 0, info: 0 };
  return r;
}

/** The script-free listing `id` (`static-workloads`, `static-others`) in the page; it holds no nested div. */
function staticBlock(html: string, id: string): string {
  const m = new RegExp(`<div id="${id}" class="static-list">([\\s\\S]*?)</div>`).exec(html);
  assert.ok(m, `script-free listing #${id}`);
  return m[1];
}
/** The objects a script-free listing names, in order. */
const staticNames = (block: string) => [...block.matchAll(/<p class="static-head"><strong>([^<]*)<\/strong>/g)].map((m) => m[1]);

/** A not-ready workload's error and warning findings, errors first, as the listing orders them. */
const active = (v: Verdict) => [
  ...v.findings.filter((f) => !f.exempted && !f.unknown && f.severity === 'error'),
  ...v.findings.filter((f) => !f.exempted && !f.unknown && f.severity === 'warning'),
];

const HOSTILE_NAME = '</script><script>window.__pwned=1</script>';
const HOSTILE_NS = '<b>ns</b>';
const HOSTILE_CONTAINER = '"><img src=x onerror="window.__pwned=2">';
const HOSTILE_FILE = 'evil<img src=x onerror=window.__pwned=3>.yaml';
const HOSTILE_TITLE = '</title><script>window.__pwned=4</script>';
const HOSTILE_YAML = 'a: "</script><!--<script>"\n# \u2028 line separator & <b>bold</b>';
const HOSTILE_FIX_YAML = 'b: "</pre><script>window.__pwned=6</script>"\n# <img src=x>';

let examples: Report;
let hostile: Report;
let tmp: string;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'kubeready-html-'));
  examples = await auditPaths(['examples'], ROOT);
  assert.ok(examples.summary.workloads >= 3, 'examples/ holds workloads');

  const dir = join(tmp, 'hostile');
  mkdirSync(dir);
  writeFileSync(
    join(dir, HOSTILE_FILE),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: '${HOSTILE_NAME}'
  namespace: '${HOSTILE_NS}'
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: '${HOSTILE_CONTAINER}'
          image: evil:latest
`,
  );
  hostile = await auditPaths(['.'], dir);
  assert.equal(hostile.summary.workloads, 1);
  hostile.checks[0].fix.yaml = HOSTILE_YAML;
  // A finding without a placed fix shows its check's example; one with a placed fix (fixYaml) shows that.
  const all = hostile.verdicts.flatMap((v) => v.findings);
  for (const f of all) if (f.check === hostile.checks[0].id) delete f.fixYaml;
  const placed = all.find((f) => f.check !== hostile.checks[0].id && f.fixYaml !== undefined);
  assert.ok(placed, 'a finding with a placed fix');
  placed.fixYaml = HOSTILE_FIX_YAML;
  hostile.problems.push({ file: HOSTILE_FILE, line: 3, column: 1, level: 'warning', message: '<img src=x onerror="window.__pwned=5"> & </script>' });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('renderHtml (string level)', () => {
  it('is one self-contained file: nothing to fetch, a CSP that forbids fetching, script and style pinned by hash', () => {
    const html = renderHtml(examples);
    assert.match(html, /^<!doctype html>/);
    // Every src/href is a fragment or a data: URL; no CSS import or url().
    const refs = [...html.matchAll(/\b(?:src|href|action|srcset|poster)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]);
    for (const r of refs) assert.ok(r.startsWith('#') || r.startsWith('data:'), `external reference ${r}`);
    assert.doesNotMatch(html, /@import|url\(/i);
    assert.doesNotMatch(html, /<link\b(?![^>]*rel="icon")/i);
    // The only http URL is the SVG namespace (an identifier, never fetched).
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg']);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
    assert.ok(csp, 'CSP meta');
    const policy = csp[1].replace(/&#39;/g, "'");
    assert.match(policy, /default-src 'none'/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const sha = (t: string) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
    assert.ok(policy.includes(`script-src ${sha(script)}`), 'script hash in CSP');
    assert.ok(policy.includes(`style-src ${sha(style)}`), 'style hash in CSP');
  });

  it('renders summary, charts and input summary server-side', () => {
    const s = examples.summary;
    const html = renderHtml(examples, { title: 'examples audit' });
    assert.match(html, /<title>examples audit<\/title>/);
    assert.match(html, new RegExp(`<span class="big" id="score">${s.score}</span>`));
    assert.ok(html.includes(`${s.readyWorkloads} of ${s.workloads}</span>`));
    assert.match(html, /Not production-ready/);
    assert.ok(html.includes(`${s.findings.error}</span> errors`));
    assert.ok(html.includes(`${s.files} files, ${s.documents} documents, ${s.objects} objects`));
    for (const p of PILLARS) assert.match(html, new RegExp(`<text class="label"[^>]*>${p}</text>`), p);
    assert.match(html, /<svg class="chart" id="chart-pillars"[^>]*role="img"[^>]*aria-labelledby="chart-pillars-t chart-pillars-d"/);
    assert.match(html, /<title id="chart-namespaces-t">Workloads ready and not ready per namespace<\/title>/);
  });

  it('a clean report says production-ready', () => {
    const r = clone(examples);
    r.verdicts = r.verdicts.filter((v) => v.ready);
    r.summary.workloads = r.summary.readyWorkloads = r.verdicts.filter((v) => v.workloadClass).length;
    r.summary.inputErrors = 0;
    const html = renderHtml(r);
    assert.match(html, /<div class="verdict good" id="verdict"><span class="big">Production-ready<\/span><\/div>/);
  });

  it('an input without workloads says so', () => {
    const html = renderHtml(emptyReport());
    assert.match(html, /<span class="big">No workloads in the input<\/span>/);
    assert.match(html, /no workloads in the input<\/text>/);
    assert.ok(html.includes('<span class="big" id="ready-count">0 of 0</span>'));
  });

  it('nothing loaded (only input errors): "Nothing audited" and no score, not 100', () => {
    const r = emptyReport();
    Object.assign(r.summary, { objects: 0, documents: 0, inputErrors: 2 });
    const html = renderHtml(r);
    assert.match(html, /<div class="verdict neutral" id="verdict"><span class="big">Nothing audited<\/span><span class="why">no objects were loaded \(2 input errors\)<\/span><\/div>/);
    assert.ok(html.includes('<span class="big" id="score">–</span>'));
    assert.ok(renderHtml(emptyReport()).includes('<span class="big" id="score">100</span>'));
  });

  it('escapes hostile names, paths, messages and title; the embedded JSON cannot close its script element', () => {
    const html = renderHtml(hostile, { title: HOSTILE_TITLE });
    for (const s of [HOSTILE_NAME, HOSTILE_NS, HOSTILE_CONTAINER, HOSTILE_FILE, HOSTILE_TITLE, '<img src=x']) {
      assert.ok(!html.includes(s), `raw ${s} in output`);
    }
    // Exactly our own two script elements, and our own closing tags.
    assert.equal(html.match(/<script\b/gi)!.length, 2);
    assert.equal(html.match(/<\/script/gi)!.length, 2);
    assert.equal(html.match(/<!--/g), null);
    assert.ok(html.includes(`<title>${'&lt;/title&gt;&lt;script&gt;window.__pwned=4&lt;/script&gt;'}</title>`));
    assert.ok(html.includes('evil&lt;img src=x onerror=window.__pwned=3&gt;.yaml'), 'problem file escaped');
    // The data survives the round trip exactly.
    const data = embedded(html);
    assert.equal(data.workloads[0].object.name, HOSTILE_NAME);
    assert.equal(data.workloads[0].object.namespace, HOSTILE_NS);
    assert.equal(data.workloads[0].location.file, HOSTILE_FILE);
    assert.ok(data.workloads[0].findings.some((f) => f.container === HOSTILE_CONTAINER));
    assert.equal(data.checks[hostile.checks[0].id].fix.yaml, HOSTILE_YAML);
  });

  it('script-free listing: not-ready workloads and failing objects with check, message and file:line; ready ones only counted', () => {
    const html = renderHtml(trickyReport());
    // In the Workloads and the Other objects sections, next to their tables.
    const at = (s: string) => html.indexOf(s);
    assert.ok(at('id="h-workloads"') < at('id="static-workloads"') && at('id="static-workloads"') < at('<table id="workloads"'));
    assert.ok(at('id="h-others"') < at('id="static-others"') && at('id="static-others"') < at('<table id="others"'));
    assert.ok(html.includes('<noscript>'), 'the noscript note stays');

    const w = staticBlock(html, 'static-workloads');
    assert.match(w, /^\s*<p class="static-note">Script-free listing[^<]*needs JavaScript\.<\/p>/);
    assert.match(w, /1 of 2 workloads not production-ready, worst first/);
    // The not-ready workload: name escaped, verdict, score, where.
    assert.deepEqual(staticNames(w), ['Deployment shop/web|&quot;x&quot;']);
    assert.ok(w.includes('<span class="sev-error">not ready</span> · score 40 · <code class="loc">k8s/my app, v2: prod/dep loy.yaml:1:1</code>'));
    // Its errors (then warnings): severity, check id, escaped message, file:line:column.
    const nasty = NASTY.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    assert.ok(
      w.includes(`<span class="badge b-error">error</span> <code class="check">memory-limit-missing</code>: ${nasty} <span class="muted">at</span> <code class="loc">${SPACED_FILE}:12:9</code>`),
    );
    assert.ok(w.includes(`<code class="check">privileged-container</code>: container &quot;app&quot; is privileged <span class="muted">at</span> <code class="loc">${SPACED_FILE}:20:13</code>`));
    // A finding without a line names its field.
    assert.ok(w.includes(`<span class="badge b-warning">warning</span> <code class="check">seccomp-profile-missing</code>`));
    assert.ok(w.includes(`<code class="loc">${SPACED_FILE} spec.template.spec.containers[0].resources.limits.memory</code>`));
    assert.ok(w.indexOf('privileged-container') < w.indexOf('seccomp-profile-missing'), 'errors before warnings');
    assert.ok(!w.includes('<b>') && !w.includes('"x"'), 'raw input in the listing');
    // Exempted and unknown findings are counted, not listed.
    for (const gone of ['sidecar is privileged', 'exempted by annotation', 'no PodDisruptionBudget', 'pdb-missing']) assert.ok(!w.includes(gone), gone);
    assert.ok(w.includes('<li class="static-left">Not listed here: 2 exempted, 1 unknown.</li>'));
    // The ready workload: counted, not named.
    assert.ok(!w.includes('nightly'));
    assert.match(w, /<p>1 production-ready workload not listed\.<\/p>/);

    const o = staticBlock(html, 'static-others');
    assert.deepEqual(staticNames(o), ['ClusterRoleBinding admins']);
    assert.ok(o.includes('<span class="sev-error">fails</span> · score 0'));
    assert.ok(o.includes('<code class="check">cluster-admin-binding</code>: roleRef cluster-admin bound to Group system:authenticated <span class="muted">at</span> <code class="loc">k8s/rbac.yaml:9:3</code>'));
  });

  it('script-free listing escapes hostile names, namespaces, paths and containers', () => {
    const w = staticBlock(renderHtml(hostile), 'static-workloads');
    assert.deepEqual(staticNames(w), ['Deployment &lt;b&gt;ns&lt;/b&gt;/&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;']);
    assert.ok(w.includes('<code class="loc">evil&lt;img src=x onerror=window.__pwned=3&gt;.yaml:'));
    assert.ok(w.includes('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;'), 'container name, escaped');
    for (const s of [HOSTILE_NAME, HOSTILE_NS, HOSTILE_CONTAINER, HOSTILE_FILE, '<img', '<script', '<b>']) assert.ok(!w.includes(s), `raw ${s}`);
  });

  it('script-free listing is capped (objects, findings per object), worst first, and says what it left out', () => {
    const base = trickyReport();
    const [web, , crb] = base.verdicts;
    const big = (n: number) => {
      const r = trickyReport();
      r.verdicts = [];
      for (let i = 0; i < n; i++) {
        const v = clone(web);
        v.object = { ...v.object, name: `w-${String(i).padStart(5, '0')}` };
        v.score = 10 + ((i * 7) % 80);
        r.verdicts.push(v);
      }
      // Last in the input, first in the listing: the lowest score; 25 errors, of which 20 listed.
      const many = clone(web);
      many.object = { ...many.object, name: 'many-findings' };
      many.score = 5;
      many.findings = Array.from({ length: 25 }, (_, k) => ({ ...clone(web.findings[1]), message: `finding number ${k}` }));
      r.verdicts.push(many);
      // Ties on the score: the one with more errors first.
      const fewer = clone(web);
      fewer.object = { ...fewer.object, name: 'fewer-errors' };
      fewer.score = 6;
      const more = clone(many);
      more.object = { ...more.object, name: 'more-errors' };
      more.score = 6;
      r.verdicts.push(fewer, more);
      for (let i = 0; i < 60; i++) {
        const v = clone(crb);
        v.object = { ...v.object, name: `crb-${String(i).padStart(5, '0')}` };
        r.verdicts.push(v);
      }
      return r;
    };
    const html = renderHtml(big(400));
    const w = staticBlock(html, 'static-workloads');
    const names = staticNames(w);
    // 300 objects in all, 50 of them kept for the other objects.
    assert.equal(names.length, 250);
    assert.deepEqual(names.slice(0, 3), ['Deployment shop/many-findings', 'Deployment shop/more-errors', 'Deployment shop/fewer-errors']);
    const scores = [...w.matchAll(/ · score (\d+) · /g)].map((m) => Number(m[1]));
    assert.deepEqual(scores, [...scores].sort((a, b) => a - b), 'lowest score first');
    assert.ok(w.includes('finding number 19') && !w.includes('finding number 20'), '20 findings per object');
    assert.ok(w.includes('<li class="static-left">Not listed here: 5 more errors and warnings (the full list needs JavaScript, or <code>-o json</code>).</li>'));
    const rest = 403 - 250;
    assert.match(w, new RegExp(`<p class="static-more">${rest} more not-ready workloads \\(${rest * 3} errors and warnings\\) not listed here: the full table needs JavaScript; the JSON report \\(<code>kubeready audit -o json</code>\\) has everything\\.</p>`));
    const o = staticBlock(html, 'static-others');
    assert.equal(staticNames(o).length, 50);
    assert.match(o, /<p class="static-more">10 more objects \(10 errors and warnings\) not listed here: the full table needs JavaScript/);
    // The listing does not grow with the input: only the counts in its lines change.
    const size = (h: string) => staticBlock(h, 'static-workloads').length + staticBlock(h, 'static-others').length;
    const html2 = renderHtml(big(4000));
    assert.ok(Math.abs(size(html2) - size(html)) < 20, `${size(html)} vs ${size(html2)}`);
    assert.ok(size(html2) < html2.length / 10, 'a small part of a big report');
  });

  it('embeds only the projected fields (no extra fields the engine may add later)', () => {
    const r = clone(examples) as Report & { reachability?: unknown };
    (r.verdicts[0] as Verdict & { blastRadius?: unknown }).blastRadius = { secret: 'do-not-embed-me' };
    r.reachability = { secret: 'do-not-embed-me-either' };
    const html = renderHtml(r);
    assert.ok(!html.includes('do-not-embed-me'));
  });
});

// ---------------------------------------------------------------------------------------------

interface Opened {
  page: Page;
  url: string;
  requests: string[];
  errors: string[];
}

async function open(context: BrowserContext, html: string, name: string): Promise<Opened> {
  const file = join(tmp, name);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => void requests.push(r.url()));
  page.on('pageerror', (e) => void errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => void (m.type() === 'error' || m.type() === 'warning' ? errors.push(`console ${m.type()}: ${m.text()}`) : 0));
  page.on('dialog', (d) => void (errors.push(`dialog: ${d.message()}`), d.dismiss()));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 60_000 });
  return { page, url, requests, errors };
}

/**
 * The page opened without its script running: disabled in the browser (CDP), or blocked by a
 * Content-Security-Policy that also blocks inline styles, as Jenkins' HTML Publisher serves reports
 * (then `<noscript>` does not show either: scripting is on, only blocked).
 */
async function openWithoutScript(context: BrowserContext, html: string, name: string, how: 'disabled' | 'csp'): Promise<Opened> {
  if (how === 'csp') {
    const before = html;
    html = html.replace(/script-src &#39;sha256-[^&]+&#39;; style-src &#39;sha256-[^&]+&#39;/, 'script-src &#39;none&#39;; style-src &#39;none&#39;');
    assert.notEqual(html, before, 'CSP rewritten');
  }
  const file = join(tmp, name);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  if (how === 'disabled') {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  }
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => void requests.push(r.url()));
  page.on('pageerror', (e) => void errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => void (m.type() === 'error' || m.type() === 'warning' ? errors.push(`console ${m.type()}: ${m.text()}`) : 0));
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, requests, errors };
}

const rowNames = (page: Page, table = 'workloads') => page.$$eval(`#${table} tbody tr.row > th`, (ths) => ths.map((t) => t.textContent ?? ''));
const rowScores = (page: Page) => page.$$eval('#workloads tbody tr.row > :nth-child(5)', (tds) => tds.map((t) => Number(t.textContent)));

const expandButton = (page: Page, name: string) =>
  page.locator('#workloads tr.row', { has: page.locator('th', { hasText: new RegExp(`^${name}$`) }) }).locator('button.exp');
const expand = (page: Page, name: string) => expandButton(page, name).click();

async function setFilter(page: Page, text: string) {
  await page.fill('#filter', text);
  await page.press('#filter', 'Enter');
}

/** Perceived luminance (0 dark .. 1 light) of a computed CSS colour. */
function luminance(rgb: string): number {
  const m = /rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)/.exec(rgb);
  assert.ok(m, rgb);
  if (m[4] !== undefined && Number(m[4]) === 0) return 1; // transparent: the white page shows through
  return (0.299 * Number(m[1]) + 0.587 * Number(m[2]) + 0.114 * Number(m[3])) / 255;
}

describe('HTML report in headless Chromium', { skip: chromiumSkip(), timeout: 300_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
    browser.context.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
  });

  it('renders the examples report: content, charts, sorting, filtering, details, print, no network', async () => {
    const r = examples;
    const workloads = r.verdicts.filter((v) => v.workloadClass !== null);
    const { page, url, requests, errors } = await open(browser.context, renderHtml(r, { title: 'kubeready: examples' }), 'examples.html');

    assert.equal(await page.title(), 'kubeready: examples');
    assert.equal(await page.textContent('h1'), 'kubeready: examples');
    assert.equal((await page.textContent('#score'))!.trim(), String(r.summary.score));
    assert.equal(await page.textContent('#ready-count'), `${r.summary.readyWorkloads} of ${r.summary.workloads}`);
    assert.match((await page.textContent('#verdict'))!, /Not production-ready/);
    assert.match((await page.textContent('#severity-counts'))!, new RegExp(`${r.summary.findings.error}\\s+errors`));
    assert.match((await page.textContent('#input-summary'))!, new RegExp(`${r.summary.files} files, ${r.summary.documents} documents`));

    // Charts: inline SVG with a title and a text label per pillar / namespace, and visible.
    assert.ok(await page.isVisible('svg#chart-pillars'));
    const pillarLabels = await page.$$eval('svg#chart-pillars text.label', (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(pillarLabels, PILLARS);
    assert.equal(await page.$eval('svg#chart-pillars > title', (t) => t.textContent), 'Workloads passing and failing each pillar, with findings by severity');
    const nsLabels = (await page.$$eval('svg#chart-namespaces text.label', (ts) => ts.map((t) => t.textContent ?? ''))).sort();
    assert.deepEqual(nsLabels, [...new Set(workloads.map((v) => v.object.namespace ?? '(cluster)'))].sort());
    const tutorialNs = workloads.find((v) => v.object.name === 'todo-web')!.object.namespace!;
    const notReadyInNs = workloads.filter((v) => v.object.namespace === tutorialNs && !v.ready).length;
    const readyInNs = workloads.filter((v) => v.object.namespace === tutorialNs && v.ready).length;
    assert.ok(
      (await page.$$eval('svg#chart-namespaces g.bar-row > title', (ts) => ts.map((t) => t.textContent))).includes(
        `namespace ${tutorialNs}: ${readyInNs} ready, ${notReadyInNs} not ready`,
      ),
    );

    // The table: one row per workload, in report order.
    assert.deepEqual(await rowNames(page), workloads.map((v) => v.object.name));
    assert.equal(await page.textContent('#workloads-count'), `${workloads.length} workloads`);
    const others = r.verdicts.filter((v) => v.workloadClass === null && (v.findings.length || !v.ready));
    assert.deepEqual(await rowNames(page, 'others'), others.map((v) => v.object.name));

    // A known finding: message, what breaks, fix text and YAML snippet visible after expanding.
    const web = workloads.find((v) => v.object.name === 'todo-web')!;
    const f = web.findings.find((x) => x.check === 'replicas-below-minimum')!;
    assert.ok(f, 'todo-web has replicas-below-minimum');
    const info = r.checks.find((c) => c.id === f.check)!;
    const card = page.locator('#workloads tr.detail article.finding', { has: page.locator('code.check', { hasText: f.check }) });
    assert.equal(await card.count(), 0, 'details render only when opened');
    await expand(page, 'todo-web');
    assert.equal(await expandButton(page, 'todo-web').getAttribute('aria-expanded'), 'true');
    assert.ok(await card.isVisible());
    assert.equal(await card.locator('p.msg').textContent(), f.message);
    assert.equal(await card.locator('code.loc').first().textContent(), `${f.location.file}:${f.location.line}:${f.location.column}`);
    assert.match((await card.textContent())!, new RegExp(`What breaks: ${info.whatBreaks.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok((await card.textContent())!.includes(`Fix: ${info.fix.text}`));
    assert.ok(await card.locator('pre.fix-yaml').isVisible());
    // The finding's own fix at the Deployment's path (fixYaml), not the check's example.
    assert.ok(f.fixYaml, 'replicas-below-minimum places its fix');
    assert.equal(await card.locator('pre.fix-yaml').textContent(), f.fixYaml);
    // Its scorecard and survival verdicts.
    const detail = page.locator('#workloads tr.detail').first();
    assert.equal(await detail.locator('ul.scorecard li').count(), PILLARS.length);
    assert.ok(web.survival, 'todo-web has survival verdicts');
    const survivalRows = await detail.locator('table.survival tbody tr').allTextContents();
    assert.equal(survivalRows.length, web.survival!.length);
    assert.ok(survivalRows[0].includes(web.survival![0].outcome) && survivalRows[0].includes(web.survival![0].reason));
    assert.equal(await detail.locator('article.finding').count(), web.findings.length);

    // Sort by score: ascending, then descending on a second click.
    const scores = workloads.map((v) => v.score);
    await page.click('#workloads thead th[data-key="score"] button');
    assert.deepEqual(await rowScores(page), [...scores].sort((a, b) => a - b));
    assert.equal(await page.getAttribute('#workloads thead th[data-key="score"]', 'aria-sort'), 'ascending');
    await page.click('#workloads thead th[data-key="score"] button');
    assert.deepEqual(await rowScores(page), [...scores].sort((a, b) => b - a));
    // Sort by a pillar: failing first.
    await page.click('#workloads thead th[data-key="p:security"] button');
    const sec = await page.$$eval('#workloads tbody tr.row', (trs) => trs.map((tr) => tr.children[10].getAttribute('aria-label')));
    const failing = workloads.filter((v) => v.pillars.security === 'fail').length;
    assert.deepEqual(sec.slice(0, failing), Array(failing).fill('security: fail'));
    assert.ok(sec.slice(failing).every((x) => x !== 'security: fail'));
    // The open detail stays open through sorting.
    assert.equal(await page.locator('#workloads tr.detail').count(), 1);

    // Filter by name, by namespace, by check id; then "not ready only".
    await setFilter(page, 'todo');
    assert.deepEqual((await rowNames(page)).sort(), workloads.filter((v) => v.object.name.includes('todo')).map((v) => v.object.name).sort());
    await setFilter(page, 'replicas-below-minimum');
    assert.deepEqual(
      (await rowNames(page)).sort(),
      workloads.filter((v) => v.findings.some((x) => x.check === 'replicas-below-minimum')).map((v) => v.object.name).sort(),
    );
    await setFilter(page, 'CronJob');
    assert.deepEqual(await rowNames(page), workloads.filter((v) => v.object.kind === 'CronJob').map((v) => v.object.name));
    await setFilter(page, 'no-such-thing');
    assert.deepEqual(await rowNames(page), []);
    assert.equal(await page.textContent('#workloads-count'), `0 of ${workloads.length} workloads match`);
    await setFilter(page, '');
    await page.check('#not-ready');
    const notReady = workloads.filter((v) => !v.ready).map((v) => v.object.name).sort();
    assert.ok(notReady.length > 0 && notReady.length < workloads.length);
    assert.deepEqual((await rowNames(page)).sort(), notReady);
    await page.uncheck('#not-ready');
    assert.equal((await rowNames(page)).length, workloads.length);

    // Screenshot (screen media), with one workload expanded.
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'html-report.png'), fullPage: true });

    // Print: every detail expanded, controls hidden, no dark backgrounds.
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    await page.waitForFunction((n) => document.querySelectorAll('#workloads tr.detail').length === n, workloads.length);
    assert.equal(await page.isVisible('#filter'), false);
    assert.equal(await page.isVisible('#not-ready'), false);
    assert.equal(await page.locator('#workloads article.finding').count(), workloads.reduce((a, v) => a + v.findings.length, 0));
    assert.ok(await page.locator('#workloads pre.fix-yaml').first().isVisible());
    const backgrounds = await page.$$eval('body, main, section, table, thead th, tr.detail > td, article.finding, pre, .overview, figure', (els) =>
      [...new Set(els.map((e) => getComputedStyle(e).backgroundColor))],
    );
    for (const bg of backgrounds) assert.ok(luminance(bg) > 0.85, `dark background in print: ${bg}`);
    await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
    await page.waitForFunction(() => document.querySelectorAll('#workloads tr.detail').length === 1);

    // Nothing was fetched but the file itself, and nothing complained (CSP violations log errors).
    assert.ok(requests.includes(url), 'request recording works');
    assert.deepEqual(requests.filter((u) => u !== url), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('marks exempted and unknown findings', async () => {
    const r = clone(examples);
    const v = r.verdicts.find((x) => x.object.name === 'todo-web')!;
    v.findings[0].exempted = { by: 'annotation', reason: 'legacy app, replaced in Q3' };
    v.findings[1].unknown = 'no ConfigMap "settings" in namespace default';
    const { page, errors } = await open(browser.context, renderHtml(r), 'marks.html');
    await expand(page, 'todo-web');
    const cards = page.locator('#workloads tr.detail article.finding');
    const first = (await cards.nth(0).textContent())!;
    assert.match(first, /^exempted/);
    assert.ok(first.includes('Exempted by annotation: legacy app, replaced in Q3'));
    const second = (await cards.nth(1).textContent())!;
    assert.match(second, /^unknown/);
    assert.ok(second.includes('Not in input: no ConfigMap "settings" in namespace default'));
    assert.match((await cards.nth(2).textContent())!, /^(error|warning|info)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('renders hostile names, paths and messages as text', async () => {
    const { page, errors, requests, url } = await open(browser.context, renderHtml(hostile, { title: HOSTILE_TITLE }), 'hostile.html');
    assert.equal(await page.title(), HOSTILE_TITLE);
    assert.deepEqual(await rowNames(page), [HOSTILE_NAME]);
    assert.equal(await page.textContent('#workloads tr.row > td:nth-child(2)'), HOSTILE_NS);
    await page.click('#workloads tr.row button.exp');
    const text = (await page.textContent('#workloads tr.detail'))!;
    assert.ok(text.includes(`Deployment ${HOSTILE_NS}/${HOSTILE_NAME} at ${HOSTILE_FILE}:`));
    assert.ok(text.includes(`container ${HOSTILE_CONTAINER}`));
    const yaml = await page.$$eval('pre.fix-yaml', (ps) => ps.map((p) => p.textContent));
    assert.ok(yaml.includes(HOSTILE_YAML), JSON.stringify(yaml));
    assert.ok(yaml.includes(HOSTILE_FIX_YAML), JSON.stringify(yaml));
    assert.ok((await page.textContent('#problems'))!.includes('<img src=x onerror="window.__pwned=5"> & </script>'));
    // No injected element, no script ran.
    assert.equal(await page.evaluate(() => document.scripts.length), 2);
    assert.equal(await page.locator('img, main script, b:text-is("ns")').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(requests.filter((u) => u !== url), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  for (const how of ['disabled', 'csp'] as const) {
    it(`without script (${how === 'disabled' ? 'JavaScript disabled' : 'blocked by a CSP, inline styles too'}) the script-free listing shows what fails`, async () => {
      const r = examples;
      const workloads = r.verdicts.filter((v) => v.workloadClass !== null);
      const { page, url, requests, errors } = await openWithoutScript(browser.context, renderHtml(r), `noscript-${how}.html`, how);
      assert.equal(await page.getAttribute('html', 'data-ready'), null, 'the script did not run');
      assert.equal(await page.locator('#workloads tbody tr').count(), 0);
      // No dead controls: the filter, the counts and the empty tables show only when the script runs.
      for (const sel of ['.controls', '#workloads', '#others', '#workloads-count']) assert.equal(await page.isVisible(sel), false, sel);

      // The not-ready workloads, worst first (lowest score, then most errors); the ready ones only counted.
      const errs = (v: Verdict) => active(v).filter((f) => f.severity === 'error').length;
      const notReady = workloads
        .map((v, i) => ({ v, i }))
        .filter((x) => !x.v.ready)
        .sort((a, b) => a.v.score - b.v.score || errs(b.v) - errs(a.v) || a.i - b.i)
        .map((x) => x.v);
      assert.ok(await page.isVisible('#static-workloads'));
      const heads = await page.locator('#static-workloads .static-head strong').allTextContents();
      assert.deepEqual(heads, notReady.map((v) => `${v.object.kind} ${v.object.namespace}/${v.object.name}`));
      const text = (await page.textContent('#static-workloads'))!;
      assert.match(text, /Script-free listing.*needs JavaScript/);
      for (const v of workloads.filter((x) => x.ready)) assert.ok(!text.includes(v.object.name), `ready ${v.object.name} listed`);
      const readyCount = workloads.filter((v) => v.ready).length;
      assert.ok(text.includes(`${readyCount} production-ready workload${readyCount === 1 ? '' : 's'} not listed`));

      // A known finding: check id, message and file:line:column, visible.
      const web = workloads.find((v) => v.object.name === 'todo-web')!;
      const f = web.findings.find((x) => x.check === 'replicas-below-minimum')!;
      const entry = page.locator('#static-workloads > ol > li').nth(notReady.indexOf(web));
      const item = entry.locator('ul.static-findings > li', { has: page.locator('code.check', { hasText: f.check }) });
      assert.ok(await item.isVisible());
      const line = (await item.textContent())!;
      assert.ok(line.startsWith(`error ${f.check}: ${f.message} at ${f.location.file}:${f.location.line}:${f.location.column}`), line);
      assert.equal(await entry.locator('ul.static-findings > li:not(.static-left)').count(), Math.min(20, active(web).length));

      // Other objects with errors or warnings, failing first.
      const others = r.verdicts.filter((v) => v.workloadClass === null && active(v).length > 0);
      assert.ok(others.length > 0);
      assert.ok(await page.isVisible('#static-others'));
      const otherText = (await page.textContent('#static-others'))!;
      for (const v of others) assert.ok(otherText.includes(`${v.object.kind} ${v.object.namespace ? v.object.namespace + '/' : ''}${v.object.name}`));
      const failing = others.find((v) => !v.ready)!;
      assert.equal((await page.locator('#static-others .static-head strong').first().textContent()), `${failing.object.kind} ${failing.object.namespace ? failing.object.namespace + '/' : ''}${failing.object.name}`);
      assert.ok(otherText.includes(`${active(failing)[0].check}: ${active(failing)[0].message}`));

      if (how === 'csp') {
        // As on Jenkins: no style applied (badges are plain text), no <noscript> note; only CSP complaints.
        assert.equal(await page.$eval('#static-workloads .badge', (e) => getComputedStyle(e).borderTopStyle), 'none');
        assert.equal(await page.getByText('The workload table and details need JavaScript').count(), 0);
        assert.ok(errors.length > 0);
        for (const e of errors) assert.match(e, /Content Security Policy/);
      } else {
        assert.deepEqual(errors, []);
      }
      assert.deepEqual(requests.filter((u) => u !== url), []);
      await page.close();
    });
  }

  it('with JavaScript the script-free listing is hidden first thing, then removed; the tables render as before (screen and print)', async () => {
    const workloads = examples.verdicts.filter((v) => v.workloadClass !== null);
    const html = renderHtml(examples);
    // Hidden first thing: a mutation observer installed before the page's script sees `hidden` set
    // on both listings before the first table row is added.
    const file = join(tmp, 'listing-hidden.html');
    writeFileSync(file, html);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => void errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' || m.type() === 'warning' ? errors.push(`console ${m.type()}: ${m.text()}`) : 0));
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      new MutationObserver((ms) => {
        for (const m of ms) {
          if (m.type === 'attributes' && m.attributeName === 'hidden' && (m.target as HTMLElement).classList.contains('static-list')) seen.push(`hidden ${(m.target as HTMLElement).id}`);
          if (m.type === 'childList' && (m.target as HTMLElement).tagName === 'TBODY' && m.addedNodes.length && !seen.includes('rows')) seen.push('rows');
        }
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-ready="1"]');
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    assert.deepEqual(seen.slice(0, 3), ['hidden static-workloads', 'hidden static-others', 'rows']);
    // Then gone: the live DOM is what it was before the listing existed.
    for (const id of ['static-workloads', 'static-others']) {
      assert.equal(await page.locator(`#${id}`).count(), 0, id);
      assert.equal(await page.isVisible(`#${id}`), false, id);
    }
    assert.deepEqual(await rowNames(page), workloads.map((v) => v.object.name));
    assert.equal(await page.textContent('#workloads-count'), `${workloads.length} workloads`);
    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction((n) => document.querySelectorAll('#workloads tr.detail').length === n, workloads.length);
    assert.equal(await page.isVisible('#static-workloads'), false);
    assert.equal(await page.isVisible('#static-others'), false);
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('opens an empty report without errors', async () => {
    const { page, errors } = await open(browser.context, renderHtml(emptyReport()), 'empty.html');
    assert.equal(await page.textContent('#workloads-count'), '0 workloads');
    assert.equal(await page.locator('#workloads tbody tr').count(), 0);
    assert.equal(await page.isVisible('#h-others'), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('stays usable with 2,000 workloads: light DOM, filtering, sorting, paging', async () => {
    const base = examples.verdicts.filter((v) => v.workloadClass !== null);
    const r = clone(examples);
    r.verdicts = [];
    for (let i = 0; i < 2000; i++) {
      const v = clone(base[i % base.length]);
      const name = `svc-${String(i).padStart(4, '0')}`;
      const ns = `team-${String(i % 40).padStart(2, '0')}`;
      v.object = { ...v.object, name, namespace: ns };
      for (const f of v.findings) f.object = v.object;
      v.score = (i * 37) % 101;
      r.verdicts.push(v);
    }
    r.summary.workloads = 2000;
    r.summary.readyWorkloads = r.verdicts.filter((v) => v.ready).length;
    const html = renderHtml(r);
    const t0 = Date.now();
    const { page, errors, requests, url } = await open(browser.context, html, 'big.html');
    const openMs = Date.now() - t0;
    // Generous: a sanity bound for loaded CI machines; the DOM size below is the real check.
    assert.ok(openMs < 60_000, `opened in ${openMs} ms`);
    assert.equal(await page.locator('#workloads tbody tr.row').count(), 200, 'first page of rows only');
    assert.equal(await page.textContent('#workloads-count'), '2000 workloads, first 200 shown');
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    assert.ok(nodes < 6000, `DOM has ${nodes} elements`);
    // The namespace chart draws at most 25 bars and says how many it left out.
    assert.equal(await page.locator('svg#chart-namespaces g.bar-row').count(), 25);
    assert.match((await page.textContent('svg#chart-namespaces'))!, /15 more namespaces not drawn/);

    await setFilter(page, 'svc-1234');
    assert.deepEqual(await rowNames(page), ['svc-1234']);
    await setFilter(page, 'team-07');
    assert.equal(await page.locator('#workloads tbody tr.row').count(), 50);
    assert.equal(await page.textContent('#workloads-count'), '50 of 2000 workloads match');
    await page.check('#not-ready');
    const expected = r.verdicts.filter((v) => v.object.namespace === 'team-07' && !v.ready).length;
    assert.equal(await page.locator('#workloads tbody tr.row').count(), expected);
    await page.uncheck('#not-ready');
    await setFilter(page, '');

    await page.click('#workloads thead th[data-key="score"] button');
    const scores = await rowScores(page);
    assert.equal(scores.length, 200);
    assert.deepEqual(scores, [...r.verdicts.map((v) => v.score)].sort((a, b) => a - b).slice(0, 200));
    await page.click('#workloads-more');
    assert.equal(await page.locator('#workloads tbody tr.row').count(), 1200);
    await page.click('#workloads-more');
    assert.equal(await page.locator('#workloads tbody tr.row').count(), 2000);
    assert.equal(await page.isVisible('#workloads-more'), false);

    assert.deepEqual(requests.filter((u) => u !== url), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
