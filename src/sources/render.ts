/**
 * Shared by the Helm and Kustomize sources: which folders of a walk are units to render (charts,
 * kustomizations), finding and running the tools (bounded concurrency, one clean error line), and
 * locating field paths in plain YAML source files (base resources, patches, values files).
 */
import { childProcess } from './builtins.js';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FieldPath, Json, JsonObject, Resource } from '../model/types.js';
import type { RenderOut } from '../engine/report-types.js';
import type { InputProblem, LoadTextOptions } from './resources.js';
import { LineIndex, parseYaml, posItem, posKey, posStart, type PositionTable } from './yaml.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface HelmOptions {
  /** Values files (-f), relative to the working directory, in order. */
  values?: string[];
  set?: string[];
  setString?: string[];
  /** Default: the chart's name. */
  releaseName?: string;
  /** helm --namespace (.Release.Namespace). */
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  /** Audit test hooks (helm.sh/hook: test) too; they are left out by default. */
  includeTestHooks?: boolean;
}

export interface RenderOptions {
  /** Read charts and kustomizations as plain YAML files, as they are (`--no-render`). */
  disabled?: boolean;
  helm?: HelmOptions;
  /** In folder walks, audit every kustomization, also those that another one of the walk includes. */
  allKustomizations?: boolean;
  /**
   * Environment for helm, kustomize and kubectl, over process.env: PATH, and KUBEREADY_HELM /
   * KUBEREADY_KUSTOMIZE (paths to the binaries) to use others than those on PATH.
   */
  env?: NodeJS.ProcessEnv;
  /** Renders run at once (default 3). */
  concurrency?: number;
  /** Per render (default 120 s). */
  timeoutMs?: number;
}

/** A chart or kustomization to render. */
export interface RenderUnit {
  tool: 'helm' | 'kustomize';
  /** Absolute path: the chart folder or .tgz, or the kustomization folder. */
  abs: string;
  /** Kustomizations of a folder walk that include this one (then it is not rendered on its own). */
  includedBy?: string[];
}

export interface UnitResult {
  resources: Resource[];
  problems: InputProblem[];
  documents: number;
  skipped: number;
  render: RenderOut;
}

export interface RenderContext {
  cwd: string;
  load: LoadTextOptions;
  options: RenderOptions;
  env: NodeJS.ProcessEnv;
  /** Every Helm chart of this input (absolute paths): a -f file inside one of them is that chart's only. */
  helmCharts?: string[];
}

/** Paths in output are relative to the working directory (as in files.ts). */
export function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !isAbsolute(rel) ? rel.split(sep).join('/') : rel === '' ? '.' : file;
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

/** An executable named `cmd` on the PATH of `env`, or null. */
export function which(cmd: string, env: NodeJS.ProcessEnv): string | null {
  const path = env.PATH ?? env.Path ?? '';
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const f = join(dir, cmd + ext);
      try {
        accessSync(f, constants.X_OK);
        if (statSync(f).isFile()) return f;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Could not start (ENOENT, EACCES) or timed out. */
  failure: string | null;
}

/** Run a tool and collect its output; never throws. */
export function runTool(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): Promise<ToolRun> {
  return new Promise((done) => {
    let child;
    try {
      child = childProcess().spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      done({ code: null, stdout: '', stderr: '', failure: (e as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failure: string | null = null;
    const timer = setTimeout(() => {
      failure = `timed out after ${Math.round((opts.timeoutMs ?? 120_000) / 1000)} s`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure ??= e.code === 'ENOENT' ? 'not found' : e.code === 'EACCES' ? 'permission denied' : e.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), failure });
    });
  });
}

/**
 * The tool's own error in one line: kubectl's klog line (`E1126 ... "command failed" err="..."`)
 * unquoted, helm's `Error: ...`, else the last lines of standard error.
 */
export function toolError(stderr: string, fallback: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const msgs: string[] = [];
  let cont = 0;
  for (const l of lines) {
    const klog = /^[EWF]\d{4} [\d:.]+\s+\d+ [\w.-]+:\d+\] (?:"[^"]*" )?err="((?:[^"\\]|\\.)*)"/.exec(l);
    if (klog) {
      msgs.push(klog[1].replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? ' ' : c === 't' ? ' ' : c)));
      continue;
    }
    const m = /^(?:Error|error):\s*(.*)$/.exec(l);
    if (m) {
      msgs.push(m[1]);
      cont = 0;
    } else if (msgs.length && cont < 10 && !/^(WARNING|warning|W\d{4})\b/.test(l)) {
      // The lines after an error line are part of it: helm's schema errors name the failing values there.
      msgs[msgs.length - 1] += ` ${l}`;
      cont++;
    }
  }
  let msg = msgs.length ? msgs.join('; ') : lines.filter((l) => !/^(WARNING|warning|W\d{4})\b/.test(l)).slice(-3).join('; ');
  if (!msg) msg = fallback;
  msg = msg.replace(/\s+/g, ' ').trim();
  return msg.length > 1000 ? msg.slice(0, 1000) + '...' : msg;
}

/** Runs async jobs with at most `n` at once, results in order. */
export async function mapBounded<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}

const versions = new Map<string, Promise<string | null>>();

/** A tool's version, asked once per run and binary. */
export function toolVersion(key: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, parse: (out: string) => string | null): Promise<string | null> {
  let p = versions.get(key);
  if (!p) {
    p = runTool(cmd, args, { cwd: process.cwd(), env, timeoutMs: 30_000 }).then((r) => (r.code === 0 ? parse(r.stdout.trim()) : null));
    versions.set(key, p);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// YAML source files: parsed once with positions, fields located by path
// ---------------------------------------------------------------------------------------------

export interface SourceDoc {
  index: number;
  value: Json;
}

export interface SourceFile {
  abs: string;
  text: string;
  docs: SourceDoc[];
  positions: PositionTable;
  lines: LineIndex;
}

const sourceCache = new Map<string, SourceFile | null>();

/** A YAML file parsed with positions (cached for the run); null when it cannot be read. */
export function sourceFile(abs: string): SourceFile | null {
  if (sourceCache.has(abs)) return sourceCache.get(abs)!;
  let sf: SourceFile | null = null;
  try {
    const st = statSync(abs);
    if (st.isFile() && st.size <= 16 * 2 ** 20) {
      const text = readFileSync(abs, 'utf8');
      sf = sourceText(abs, text);
    }
  } catch {
    sf = null;
  }
  sourceCache.set(abs, sf);
  return sf;
}

export function sourceText(abs: string, text: string): SourceFile {
  const parsed = parseYaml(text, { positions: true });
  return { abs, text, docs: parsed.docs.map((d) => ({ index: d.index, value: d.value })), positions: parsed.positions, lines: new LineIndex(text) };
}

export interface Located {
  line: number;
  column: number;
  /** The whole path exists. */
  exact: boolean;
  /** How many path elements exist (the located node is at path.slice(0, depth)). */
  depth: number;
}

/** The position of `path` in a parsed document, or of its deepest existing ancestor. */
export function locateIn(sf: SourceFile, root: Json, path: FieldPath, base = 0): Located | null {
  let cur: Json = root;
  const rootPos = cur !== null && typeof cur === 'object' ? sf.positions.get(cur as object) : undefined;
  let offset: number | null = rootPos ? posStart(rootPos) : null;
  let depth = 0;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') break;
    const pos = sf.positions.get(cur as object);
    let at: number | undefined;
    if (Array.isArray(cur)) {
      if (typeof p !== 'number' || p < 0 || p >= cur.length) break;
      at = posItem(pos, p);
      cur = cur[p];
    } else {
      if (typeof p !== 'string' || !Object.prototype.hasOwnProperty.call(cur, p)) break;
      at = posKey(pos, p);
      cur = (cur as JsonObject)[p];
    }
    depth++;
    if (at !== undefined) offset = at;
  }
  if (offset === null) return null;
  const at = sf.lines.locate(base + offset);
  return { line: at.line, column: at.column, exact: depth === path.length, depth };
}

/** The value at `path`, or undefined. */
export function valueAt(root: Json, path: FieldPath): Json | undefined {
  let cur: Json | undefined = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || cur === undefined) return undefined;
    if (Array.isArray(cur)) {
      if (typeof p !== 'number') return undefined;
      cur = cur[p];
    } else {
      if (typeof p !== 'string' || !Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
      cur = (cur as JsonObject)[p];
    }
  }
  return cur;
}

/** How many leading elements of `path` exist in `root`. */
export function existingDepth(root: Json, path: FieldPath): number {
  let cur: Json = root;
  let d = 0;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') break;
    if (Array.isArray(cur)) {
      if (typeof p !== 'number' || p < 0 || p >= cur.length) break;
      cur = cur[p];
    } else {
      if (typeof p !== 'string' || !Object.prototype.hasOwnProperty.call(cur, p)) break;
      cur = (cur as JsonObject)[p];
    }
    d++;
  }
  return d;
}

export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') {
    // 3 and "3" are the same value to a reader of the source (quantities, ports written either way).
    return (typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string') && String(a) === String(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as JsonObject);
  return ka.length === kb.length && ka.every((k) => sameJson((a as JsonObject)[k], (b as JsonObject)[k]));
}

/**
 * Translate a path of the rendered object into the same node's path in a source document (a base
 * resource, a strategic-merge patch): list items that have a `name` are matched by name (that is
 * how strategic merge matches containers, env, ports, volumes); others by index when both lists
 * have the same length. Returns the translated prefix (as long as it can go).
 */
export function translatePath(rendered: Json, source: Json, path: FieldPath): FieldPath {
  const out: FieldPath = [];
  let r: Json | undefined = rendered;
  let s: Json | undefined = source;
  for (const p of path) {
    if (typeof p === 'number') {
      if (!Array.isArray(r) || !Array.isArray(s)) break;
      const item: Json | undefined = r[p];
      if (item === undefined) break;
      const name = item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item.name === 'string' ? item.name : null;
      let k = -1;
      if (name !== null) k = s.findIndex((x) => x !== null && typeof x === 'object' && !Array.isArray(x) && x.name === name);
      else if (r.length === s.length) k = p;
      if (k === -1) break;
      out.push(k);
      r = item;
      s = s[k];
    } else {
      if (r === null || s === null || typeof r !== 'object' || typeof s !== 'object' || Array.isArray(r) || Array.isArray(s)) break;
      if (!Object.prototype.hasOwnProperty.call(s, p)) break;
      out.push(p);
      r = (r as JsonObject)[p];
      s = (s as JsonObject)[p];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Kustomization files: what they include (for folder walks)
// ---------------------------------------------------------------------------------------------

export interface KustomizationInfo {
  dir: string;
  file: string;
  data: JsonObject;
  component: boolean;
  /** Folders it includes (resources, bases, components): absolute. */
  dirs: string[];
  /** Files it reads (resources, patches, generators, ...): absolute. */
  files: string[];
  /** Where kustomize's helmCharts expects charts (helmGlobals.chartHome), when it has helmCharts. */
  chartHome: string | null;
}

export function kustomizationFileIn(dir: string): string | null {
  for (const n of KUSTOMIZATION_FILES) if (existsSync(join(dir, n))) return join(dir, n);
  return null;
}

function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(ref) || /\?ref=|\.git\b/.test(ref);
}

/** The parsed kustomization of a folder (null when it cannot be read: kustomize will say why). */
export function readKustomization(dir: string): KustomizationInfo | null {
  const file = kustomizationFileIn(dir);
  if (!file) return null;
  let data: Json;
  try {
    data = parseYaml(readFileSync(file, 'utf8'), { positions: false }).docs[0]?.value ?? null;
  } catch {
    return null;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) data = {};
  const info: KustomizationInfo = { dir, file, data, component: data.kind === 'Component', dirs: [], files: [], chartHome: null };
  const ref = (v: Json | undefined) => {
    if (typeof v !== 'string' || !v || isRemote(v) || v.includes('\n')) return;
    const abs = resolve(dir, v);
    try {
      if (statSync(abs).isDirectory()) info.dirs.push(abs);
      else info.files.push(abs);
    } catch {
      // missing: kustomize reports it when it builds
    }
  };
  const list = (v: Json | undefined, each: (x: Json) => void) => {
    if (Array.isArray(v)) v.forEach(each);
  };
  for (const k of ['resources', 'bases', 'components', 'crds', 'configurations', 'patchesStrategicMerge', 'transformers', 'generators', 'validators']) list(data[k], ref);
  for (const k of ['patches', 'patchesJson6902', 'replacements']) list(data[k], (x) => x !== null && typeof x === 'object' && !Array.isArray(x) && ref(x.path));
  for (const k of ['configMapGenerator', 'secretGenerator']) {
    list(data[k], (g) => {
      if (g === null || typeof g !== 'object' || Array.isArray(g)) return;
      list(g.files, (f) => typeof f === 'string' && ref(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f));
      list(g.envs, ref);
      ref(g.env);
    });
  }
  const openapi = data.openapi;
  if (openapi && typeof openapi === 'object' && !Array.isArray(openapi)) ref(openapi.path);
  if (Array.isArray(data.helmCharts) && data.helmCharts.length) {
    const g = data.helmGlobals;
    const home = g && typeof g === 'object' && !Array.isArray(g) && typeof g.chartHome === 'string' ? g.chartHome : 'charts';
    info.chartHome = resolve(dir, home);
    list(data.helmCharts, (c) => c !== null && typeof c === 'object' && !Array.isArray(c) && ref(c.valuesFile));
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// Folder walks: charts and kustomizations are units, their files are not read on their own
// ---------------------------------------------------------------------------------------------

const under = (file: string, dir: string) => file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function chartIsLibrary(chartYaml: string): boolean {
  try {
    const v = parseYaml(readFileSync(chartYaml, 'utf8'), { positions: false }).docs[0]?.value;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && v.type === 'library';
  } catch {
    return false;
  }
}

/**
 * Split the files of a folder walk (absolute, sorted) into plain manifest files and units to render.
 * A folder with Chart.yaml is a chart: every file under it is the chart's (subcharts in its charts/
 * folder too), and library charts are not rendered. A folder with a kustomization is rendered by
 * kustomize: the files in that folder and every file a kustomization of the walk names are not read
 * on their own. Only kustomizations that no other kustomization of the walk includes are rendered,
 * unless `all`; components are never rendered on their own.
 */
export function classifyWalk(files: string[], all: boolean): { plain: string[]; units: RenderUnit[] } {
  const chartRoots = files.filter((f) => basename(f) === 'Chart.yaml').map((f) => dirname(f)).sort((a, b) => a.length - b.length);
  const charts: string[] = [];
  for (const c of chartRoots) if (!charts.some((p) => under(c, p))) charts.push(c);
  const kustDirs = [...new Set(files.filter((f) => KUSTOMIZATION_FILES.includes(basename(f))).map((f) => dirname(f)))].filter((d) => !charts.some((c) => under(d, c)));
  const infos = new Map<string, KustomizationInfo | null>();
  for (const d of kustDirs) infos.set(d, readKustomization(d));
  const consumed = new Set<string>();
  const includedBy = new Map<string, string[]>();
  const helmHomes: string[] = [];
  for (const [d, info] of infos) {
    if (!info) continue;
    for (const f of info.files) consumed.add(f);
    for (const x of info.dirs) {
      if (!infos.has(x)) continue;
      const l = includedBy.get(x) ?? [];
      l.push(d);
      includedBy.set(x, l);
    }
    if (info.chartHome) helmHomes.push(info.chartHome);
  }
  // Charts that a kustomization inflates itself (helmCharts) are not separate units.
  const renderedCharts = charts.filter((c) => !helmHomes.some((h) => under(c, h)));
  const plain: string[] = [];
  for (const f of files) {
    if (charts.some((c) => under(f, c))) continue;
    if (infos.has(dirname(f)) || consumed.has(f)) continue;
    plain.push(f);
  }
  const units: RenderUnit[] = [];
  for (const c of renderedCharts) if (!chartIsLibrary(join(c, 'Chart.yaml'))) units.push({ tool: 'helm', abs: c });
  for (const [d, info] of infos) {
    if (info?.component) continue;
    const by = includedBy.get(d);
    units.push(by && !all ? { tool: 'kustomize', abs: d, includedBy: by } : { tool: 'kustomize', abs: d });
  }
  units.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  return { plain, units };
}

/** Is this explicitly named path a unit to render? (A folder with Chart.yaml or a kustomization, or a .tgz.) */
export function unitAt(abs: string, isDir: boolean): RenderUnit | null {
  if (isDir) {
    if (existsSync(join(abs, 'Chart.yaml'))) return { tool: 'helm', abs };
    if (kustomizationFileIn(abs)) return { tool: 'kustomize', abs };
    return null;
  }
  return /\.tgz$/i.test(abs) ? { tool: 'helm', abs } : null;
}

// ---------------------------------------------------------------------------------------------
// Rendering every unit of the input
// ---------------------------------------------------------------------------------------------

/** Render units (at most `concurrency` at once), results in the units' order. Never throws. */
export async function renderUnits(units: RenderUnit[], cwd: string, load: LoadTextOptions, options: RenderOptions = {}): Promise<UnitResult[]> {
  if (units.length === 0) return [];
  const env = { ...process.env, ...(options.env ?? {}) };
  const ctx: RenderContext = { cwd, load, options, env, helmCharts: units.filter((u) => u.tool === 'helm').map((u) => u.abs) };
  const needs = new Set(units.map((u) => u.tool));
  const [helm, kustomize] = await Promise.all([needs.has('helm') ? import('./helm.js') : null, needs.has('kustomize') ? import('./kustomize.js') : null]);
  // Source files may have changed since an earlier call (a library user, a watch loop).
  sourceCache.clear();
  helm?.resetTemplateCache();
  return mapBounded(units, options.concurrency ?? 3, async (u) => {
    try {
      return u.tool === 'helm' ? await helm!.renderHelm(u, ctx) : await kustomize!.renderKustomize(u, ctx);
    } catch (e) {
      const path = display(u.abs, cwd);
      const message = `${u.tool === 'helm' ? 'Helm chart' : 'kustomization'} not rendered: ${(e as Error)?.message ?? String(e)}`;
      return { resources: [], problems: [{ file: path, message, level: 'error' as const }], documents: 0, skipped: 0, render: { tool: u.tool, path, command: null, version: null, objects: 0, error: message } };
    }
  });
}
