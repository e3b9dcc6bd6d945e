/**
 * `audit --output`: which formats, where each goes, and writing them.
 *
 *   -o json                          json to standard output
 *   -o sarif=out.sarif -o html=r.html  both to files; text still goes to standard output
 *   -o markdown -o junit=junit.xml    markdown to standard output, junit to a file
 *
 * At most one format goes to standard output. Files are written relative to the working
 * directory (parent folders are created). The GitHub Actions environment (GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_WORKSPACE, GITHUB_RUN_ID) is read here, never in a
 * reporter: it makes Markdown links absolute and annotation paths relative to the repository root.
 */
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Report } from '../engine/report-types.js';
import { renderText, writeText, type TextOptions } from '../report/text.js';
import { writeJson, writeJsonPaced } from '../report/json.js';
// The other formats load only when asked for: a plain text run starts faster without them.
type Renderers = {
  sarif: typeof import('../report/sarif.js');
  junit: typeof import('../report/junit.js');
  markdown: typeof import('../report/markdown.js');
  github: typeof import('../report/github.js');
  html: typeof import('../report/html.js');
};
const loaded: Partial<Renderers> = {};

async function loadRenderers(formats: OutputFormat[]): Promise<void> {
  const want = new Set(formats);
  await Promise.all([
    want.has('sarif') && !loaded.sarif ? import('../report/sarif.js').then((m) => void (loaded.sarif = m)) : null,
    want.has('junit') && !loaded.junit ? import('../report/junit.js').then((m) => void (loaded.junit = m)) : null,
    want.has('markdown') && !loaded.markdown ? import('../report/markdown.js').then((m) => void (loaded.markdown = m)) : null,
    want.has('github') && !loaded.github ? import('../report/github.js').then((m) => void (loaded.github = m)) : null,
    want.has('html') && !loaded.html ? import('../report/html.js').then((m) => void (loaded.html = m)) : null,
  ]);
}

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'github', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputTarget {
  format: OutputFormat;
  /** As given on the command line; null for standard output. */
  file: string | null;
}

export const OUTPUT_HELP = `output format, or FORMAT=FILE to write it to a file; repeatable (${OUTPUT_FORMATS.join(', ')}; default: text)`;

/** Commander accumulator for the repeatable -o option. */
export function collectOutput(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

/** Parse `-o` values. `usage` builds the error thrown for a bad value (the CLI's usage error: exit 2). */
export function parseOutputs(values: string[] | undefined, usage: (message: string) => Error): OutputTarget[] {
  const targets: OutputTarget[] = [];
  for (const raw of values ?? []) {
    const eq = raw.indexOf('=');
    const name = (eq < 0 ? raw : raw.slice(0, eq)).trim().toLowerCase();
    const file = eq < 0 ? null : raw.slice(eq + 1);
    if (!(OUTPUT_FORMATS as readonly string[]).includes(name)) {
      throw usage(`--output: unknown format "${name}" (one of ${OUTPUT_FORMATS.join(', ')}; FORMAT=FILE writes a file)`);
    }
    if (file !== null && file.trim() === '') throw usage(`--output ${raw}: no file name after "="`);
    targets.push({ format: name as OutputFormat, file });
  }
  const toStdout = targets.filter((t) => t.file === null);
  if (toStdout.length > 1) {
    throw usage(`--output: only one format can go to standard output (got ${toStdout.map((t) => t.format).join(' and ')}); write the others to files with FORMAT=FILE`);
  }
  const seen = new Map<string, OutputFormat>();
  for (const t of targets) {
    if (t.file === null) continue;
    const key = resolve(t.file);
    const other = seen.get(key);
    if (other) throw usage(`--output: ${other} and ${t.format} would both write ${t.file}`);
    seen.set(key, t.format);
  }
  if (toStdout.length === 0) targets.unshift({ format: 'text', file: null });
  return targets;
}

export interface OutputContext {
  out: (s: string) => void;
  /** Resolves when what was written to `out` has been taken by the reader (see Io.outDrained). */
  outDrained?: () => Promise<void>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colour for text on standard output (files never get colour). */
  color: boolean;
  text: Omit<TextOptions, 'color'>;
}

/** Working directory relative to the repository root in GitHub Actions ("" at the root), else undefined. */
function pathPrefix(ctx: OutputContext): string | undefined {
  const ws = ctx.env.GITHUB_WORKSPACE;
  if (!ws) return undefined;
  const rel = relative(resolve(ws), resolve(ctx.cwd));
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function render(report: Report, format: Exclude<OutputFormat, 'json'>, ctx: OutputContext, toFile: boolean): string {
  const env = ctx.env;
  switch (format) {
    case 'text':
      return renderText(report, { ...ctx.text, color: toFile ? false : ctx.color });
    case 'sarif':
      return loaded.sarif!.renderSarif(report, { cwd: resolve(ctx.cwd) });
    case 'junit':
      return loaded.junit!.renderJunit(report);
    case 'github':
      return loaded.github!.renderGithub(report, { pathPrefix: pathPrefix(ctx) });
    case 'html':
      return loaded.html!.renderHtml(report);
    case 'markdown': {
      const server = env.GITHUB_SERVER_URL;
      const repo = env.GITHUB_REPOSITORY;
      const sha = env.GITHUB_SHA;
      const links = server && repo && sha ? { serverUrl: server, repository: repo, sha } : undefined;
      const runId = env.GITHUB_RUN_ID;
      return loaded.markdown!.renderMarkdown(report, {
        links,
        pathPrefix: links ? pathPrefix(ctx) : undefined,
        fullReportUrl: server && repo && runId ? `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${runId}` : undefined,
      });
    }
  }
}

/**
 * Create the missing folders above an output file, from the nearest one that exists down. Not
 * mkdirSync's recursive mode: under /proc (and other file systems where mkdir answers ENOENT for a
 * folder that can never exist) Node.js 20 loops in it forever instead of failing.
 */
function makeParents(path: string): void {
  const missing: string[] = [];
  for (let dir = dirname(path); !existsSync(dir); dir = dirname(dir)) {
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing.reverse()) mkdirSync(dir);
}

function writeFile(report: Report, t: OutputTarget, ctx: OutputContext): void {
  const path = resolve(ctx.cwd, t.file!);
  makeParents(path);
  if (t.format === 'json' || t.format === 'text' || t.format === 'html' || t.format === 'junit' || t.format === 'github') {
    // Streamed: a report on a very large input is never one string.
    const fd = openSync(path, 'w');
    try {
      if (t.format === 'json') writeJson(report, (s) => void writeSync(fd, s));
      else if (t.format === 'html') loaded.html!.writeHtml(report, {}, (s) => void writeSync(fd, s));
      else if (t.format === 'junit') loaded.junit!.writeJunit(report, (s) => void writeSync(fd, s));
      else if (t.format === 'github') loaded.github!.writeGithub(report, { pathPrefix: pathPrefix(ctx) }, (s) => void writeSync(fd, s));
      else writeText(report, { ...ctx.text, color: false }, (s) => void writeSync(fd, s));
    } finally {
      closeSync(fd);
    }
  } else {
    writeFileSync(path, render(report, t.format, ctx, true));
  }
}

/**
 * Write every target: files first, then standard output. A file that cannot be written does not
 * stop the others; the error (one line naming each such file) is thrown at the end.
 */
export async function writeOutputs(report: Report, targets: OutputTarget[], ctx: OutputContext, usage: (message: string) => Error): Promise<void> {
  await loadRenderers(targets.map((t) => t.format));
  const failed: string[] = [];
  for (const t of targets) {
    if (t.file === null) continue;
    try {
      writeFile(report, t, ctx);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      failed.push(`cannot write the ${t.format} report to ${t.file} (${err.code ?? err.message})`);
    }
  }
  for (const t of targets) {
    if (t.file !== null) continue;
    if (t.format === 'json') {
      if (ctx.outDrained) await writeJsonPaced(report, ctx.out, ctx.outDrained);
      else writeJson(report, ctx.out);
    }
    else if (t.format === 'text') writeText(report, { ...ctx.text, color: ctx.color }, ctx.out);
    else if (t.format === 'html') loaded.html!.writeHtml(report, {}, ctx.out);
    else if (t.format === 'junit') loaded.junit!.writeJunit(report, ctx.out);
    else if (t.format === 'github') loaded.github!.writeGithub(report, { pathPrefix: pathPrefix(ctx) }, ctx.out);
    else ctx.out(render(report, t.format, ctx, false));
  }
  if (failed.length) throw usage(failed.join('; '));
}
