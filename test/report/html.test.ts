/**
 * The HTML report (src/report/html.ts): string-level checks (self-contained, escaping, embedded
 * JSON) that run anywhere, and the page itself opened from file:// in headless Chromium (content,
 * sorting, filtering, details, print media, zero network requests, hostile input, 2,000 workloads).
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

const HOSTILE_NAME = '</script><script>window.__pwned=1</script>';
const HOSTILE_NS = '<b>ns</b>';
const HOSTILE_CONTAINER = '"><img src=x onerror="window.__pwned=2">';
const HOSTILE_FILE = 'evil<img src=x onerror=window.__pwned=3>.yaml';
const HOSTILE_TITLE = '</title><script>window.__pwned=4</script>';
const HOSTILE_YAML = 'a: "</script><!--<script>"\n# \u2028 line separator & <b>bold</b>';

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
    assert.equal(await card.locator('pre.fix-yaml').textContent(), info.fix.yaml);
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
    assert.ok(yaml.includes(HOSTILE_YAML));
    assert.ok((await page.textContent('#problems'))!.includes('<img src=x onerror="window.__pwned=5"> & </script>'));
    // No injected element, no script ran.
    assert.equal(await page.evaluate(() => document.scripts.length), 2);
    assert.equal(await page.locator('img, main script, b:text-is("ns")').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(requests.filter((u) => u !== url), []);
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
