/** Find and read input files: paths, directories (recursive, .gitignore-aware), globs and stdin. */
import { isUtf8 } from 'node:buffer';
import { readFileSync, readdirSync, statSync, realpathSync, existsSync, fstatSync, type Dirent } from 'node:fs';
import { join, relative, resolve, dirname, sep, isAbsolute } from 'node:path';
import type { Ignore } from 'ignore';
import { ChunkedLoader, chunkRanges, type InputProblem, type LoadResult, type LoadTextOptions } from './resources.js';
import type { Resource } from '../model/types.js';
import os from 'node:os';
import { ParsePool } from './parse-pool.js';
import { classifyWalk, renderUnits, unitAt, type RenderOptions, type RenderUnit, type UnitResult } from './render.js';
import type { RenderOut } from '../engine/report-types.js';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'];
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

export interface FileInputOptions {
  cwd?: string;
  /** Files above this size are reported and skipped. */
  maxFileBytes?: number;
  /** Read standard input for "-" (tests pass text instead). */
  stdinText?: () => string;
  /** Passed to loadText: which documents need positions recorded while parsing. */
  keepPositions?: LoadTextOptions['keepPositions'];
  /** Worker threads for parsing (default: up to 4 when the input is at least PARALLEL_MIN_BYTES and there are several cores; 0 = none). */
  workers?: number;
  /** Passed to loadText: which objects to keep whole (the rest keep identifying metadata only). */
  keepWhole?: LoadTextOptions['keepWhole'];
  /** Helm charts and kustomizations in the input: how to render them (see sources/render.ts). */
  render?: RenderOptions;
}

export interface FilesResult extends LoadResult {
  files: number;
  /** Usage-level problems (a path that does not exist): exit code 2. */
  fatal: string[];
  /** Helm charts and kustomizations rendered (or not: a base of an overlay), in input order. */
  renders?: RenderOut[];
}

/** A chart or kustomization found among the inputs, placed before the file `at` of the file list. */
export interface PlacedUnit {
  unit: RenderUnit;
  at: number;
}

/** Paths in output are relative to the working directory (as kubectl and compilers print them). */
function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !isAbsolute(rel) ? rel.split(sep).join('/') : file;
}

/** .gitignore rules from `root` down, plus those of parent folders up to the repository root. */
// Directory walking, globbing and .gitignore parsing load only when a folder or pattern is given:
// a single file audits without them (start-up time).
type IgnoreFactory = () => Ignore;

class GitIgnores {
  private cache = new Map<string, Ignore | null>();
  constructor(
    private readonly top: string,
    private readonly ignore: IgnoreFactory,
  ) {}
  private at(dir: string): Ignore | null {
    if (this.cache.has(dir)) return this.cache.get(dir)!;
    let ig: Ignore | null = null;
    const p = join(dir, '.gitignore');
    try {
      if (existsSync(p)) ig = this.ignore().add(readFileSync(p, 'utf8'));
    } catch {
      ig = null;
    }
    this.cache.set(dir, ig);
    return ig;
  }
  /** Is `file` (absolute) ignored by any .gitignore between `top` and its folder? */
  ignored(file: string): boolean {
    let dir = dirname(file);
    const chain: string[] = [];
    for (;;) {
      chain.push(dir);
      if (dir === this.top || !dir.startsWith(this.top)) break;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of chain.reverse()) {
      const ig = this.at(d);
      if (!ig) continue;
      const rel = relative(d, file).split(sep).join('/');
      if (rel && ig.ignores(rel)) return true;
    }
    return false;
  }
}

/** The top of the git work tree containing `dir`, else `dir` itself. */
function repoTop(dir: string): string {
  let d = dir;
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return dir;
    d = up;
  }
}

/**
 * Symbolic links named like manifests whose target cannot be read (dangling, or a loop). The
 * glob drops them silently; they are reported instead, as kubectl would fail on them.
 */
function brokenLinks(dir: string): { file: string; code: string | undefined }[] {
  const out: { file: string; code: string | undefined }[] = [];
  const names = new RegExp(`\\.(${MANIFEST_EXTENSIONS.join('|')})$`);
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '.git') stack.push(join(d, e.name));
      } else if (e.isSymbolicLink() && names.test(e.name)) {
        try {
          statSync(join(d, e.name));
        } catch (err) {
          out.push({ file: join(d, e.name), code: (err as NodeJS.ErrnoException).code });
        }
      }
    }
  }
  return out;
}

async function walk(dir: string, problems: InputProblem[], cwd: string, units = false): Promise<string[]> {
  const [{ glob }, { default: ignore }] = await Promise.all([import('tinyglobby'), import('ignore')]);
  // With units, also `Kustomization` (kustomize's extensionless name), so that folder is rendered.
  const files = await glob([`**/*.{${MANIFEST_EXTENSIONS.join(',')}}`, ...(units ? ['**/Kustomization'] : [])], {
    cwd: dir,
    absolute: true,
    dot: true,
    followSymbolicLinks: true,
    ignore: ['**/node_modules/**', '**/.git/**'],
    onlyFiles: true,
  });
  // A folder the user names is audited even when .gitignore excludes it (generated manifests
  // under build/, say): then only the .gitignore files inside it apply.
  const top = repoTop(dir);
  const gi = top !== dir && new GitIgnores(top, ignore).ignored(join(dir, '.kubeready-probe')) ? new GitIgnores(dir, ignore) : new GitIgnores(top, ignore);
  for (const { file, code } of brokenLinks(dir).sort((a, b) => (a.file < b.file ? -1 : 1))) {
    if (gi.ignored(file)) continue;
    const why = code === 'ENOENT' ? 'broken symbolic link (its target does not exist)' : code === 'ELOOP' ? 'symbolic link loop' : `symbolic link (${code})`;
    problems.push({ file: display(file, cwd), message: `cannot read: ${why}; skipped`, level: 'error' });
  }
  // A link back up the tree (sub/up -> ..) lists files twice: keep the shortest path to each.
  const byReal = new Map<string, string>();
  const depth = (f: string) => f.split(sep).length;
  for (const f of files) {
    if (gi.ignored(f)) continue;
    let real = f;
    try {
      real = realpathSync(f);
    } catch {
      real = f;
    }
    const prev = byReal.get(real);
    if (prev === undefined || depth(f) < depth(prev) || (depth(f) === depth(prev) && f < prev)) byReal.set(real, f);
  }
  return [...byReal.values()].sort();
}

/**
 * Expand the user's path arguments into a list of files (absolute) and '-' for stdin. With `units`,
 * Helm charts (a folder with Chart.yaml, a .tgz) and kustomizations (a folder with a kustomization)
 * go there instead, placed among the files, and folder walks leave their files out (render.ts).
 */
export async function expandPaths(args: string[], cwd: string, problems: InputProblem[], fatal: string[], units?: PlacedUnit[], render: RenderOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const addUnit = (unit: RenderUnit) => {
    let key = unit.abs;
    try {
      key = realpathSync(unit.abs);
    } catch {
      key = unit.abs;
    }
    if (seen.has(key)) return;
    seen.add(key);
    units!.push({ unit, at: out.length });
  };
  const add = (f: string) => {
    const u = units && f !== '-' ? unitAt(f, false) : null;
    if (u) return addUnit(u);
    let key = f;
    try {
      key = f === '-' ? f : realpathSync(f);
    } catch {
      key = f;
    }
    if (seen.has(key)) return;
    seen.add(key);
    out.push(f);
  };
  for (const arg of args) {
    if (arg === '-') {
      add('-');
      continue;
    }
    const abs = resolve(cwd, arg);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const { glob, isDynamicPattern } = code === 'ENOENT' ? await import('tinyglobby') : { glob: null, isDynamicPattern: () => false };
      if (code === 'ENOENT' && glob && isDynamicPattern(arg)) {
        const matches = await glob(arg, { cwd, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'], onlyFiles: true });
        if (matches.length === 0) fatal.push(`${arg}: no files match this pattern`);
        matches.sort().forEach(add);
        continue;
      }
      if (code === 'ELOOP') {
        problems.push({ file: arg, message: 'symbolic link loop; skipped', level: 'error' });
        continue;
      }
      fatal.push(`${arg}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
      continue;
    }
    // A chart is one unit with everything under it. A kustomization folder is walked like any other
    // folder: it is rendered, and the files below it that no kustomization names (a folder of plain
    // manifests next to the overlay) are read as they would be when its parent is named.
    const unit = units ? unitAt(abs, st.isDirectory()) : null;
    if (unit && !(unit.tool === 'kustomize' && st.isDirectory())) addUnit(unit);
    else if (st.isDirectory() && units) {
      // Plain files and units in path order.
      const c = classifyWalk(await walk(abs, problems, cwd, true), render.allKustomizations ?? false);
      let u = 0;
      for (const f of c.plain) {
        while (u < c.units.length && c.units[u].abs < f) addUnit(c.units[u++]);
        add(f);
      }
      while (u < c.units.length) addUnit(c.units[u++]);
    } else if (st.isDirectory()) {
      const files = await walk(abs, problems, cwd);
      files.forEach(add);
    } else add(abs);
  }
  return out;
}

/** Read a file as UTF-8 text, or explain in one line why not. */
export function readManifest(file: string, maxBytes: number): { buf: Buffer } | { problem: string } {
  let buf: Buffer;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { problem: 'not a regular file; skipped' };
    if (st.size > maxBytes) return { problem: `file is ${(st.size / 2 ** 20).toFixed(1)} MiB, over the ${(maxBytes / 2 ** 20).toFixed(0)} MiB limit (--max-file-size); skipped` };
    buf = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EACCES' ? 'permission denied' : err.code === 'ELOOP' ? 'symbolic link loop' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return { problem: `cannot read: ${why}; skipped` };
  }
  const problem = checkText(buf);
  return problem ? { problem } : { buf };
}

/** Why these bytes are not a text manifest, or null when they are (UTF-8, no NUL bytes). */
export function checkText(buf: Buffer): string | null {
  if (buf.subarray(0, 8192).includes(0)) return 'binary file (NUL bytes); skipped';
  if (isUtf8(buf)) return null;
  const text = buf.toString('utf8');
  const bad = text.indexOf('\uFFFD');
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < bad; i = text.indexOf('\n', i + 1)) line++;
  return `invalid UTF-8 near line ${line}; skipped`;
}

export function readStdin(): string {
  try {
    const st = fstatSync(0);
    if (st.isCharacterDevice()) return '';
  } catch {
    return '';
  }
  return readFileSync(0, 'utf8');
}

/** Load every input into resources. Never throws for bad input; `fatal` lists usage-level problems. */
/** Inputs at least this large are parsed with worker threads when the machine has several cores. */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/** Load every input into resources. Never throws for bad input; `fatal` lists usage-level problems. */
export async function loadInputs(args: string[], options: FileInputOptions = {}): Promise<FilesResult> {
  const cwd = options.cwd ?? process.cwd();
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_BYTES;
  const result: FilesResult = { resources: [], problems: [], skipped: 0, documents: 0, files: 0, fatal: [] };
  const placed: PlacedUnit[] = [];
  const files = await expandPaths(args, cwd, result.problems, result.fatal, options.render?.disabled ? undefined : placed, options.render);
  const load = { keepPositions: options.keepPositions, keepWhole: options.keepWhole };
  // Charts and kustomizations render (child processes) while the files are read; merged in input order.
  const rendering = result.fatal.length ? Promise.resolve([]) : renderUnits(placed.map((p) => p.unit), cwd, load, options.render);
  let nextUnit = 0;
  let rendered: UnitResult[] = [];
  const mergeUnits = (before: number) => {
    for (; nextUnit < placed.length && placed[nextUnit].at <= before; nextUnit++) {
      const u = rendered[nextUnit];
      if (!u) continue;
      merge(result, u);
      if (u.render.command) result.files++;
      (result.renders ??= []).push(u.render);
    }
  };
  // Read and decode everything first, chunk by chunk (no file buffer is kept: the values keep
  // slices of the chunk texts anyway), then build in input order.
  const jobs: { input: number; shown: string; text: string; flat?: Promise<Int32Array | null> }[] = [];
  let total = 0;
  files.forEach((f, input) => {
    const shown = f === '-' ? '<stdin>' : display(f, cwd);
    if (f === '-') {
      jobs.push({ input, shown, text: (options.stdinText ?? readStdin)() });
      return;
    }
    const r = readManifest(f, maxBytes);
    if ('problem' in r) {
      result.problems.push({ file: shown, message: r.problem, level: 'error' });
      return;
    }
    total += r.buf.length;
    for (const c of chunkRanges(r.buf)) jobs.push({ input, shown, text: r.buf.toString('utf8', c.start, c.end) });
  });
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const workers = options.workers ?? (total >= PARALLEL_MIN_BYTES && cores > 1 ? Math.min(cores, 4) : 0);
  const pool = workers > 0 ? ParsePool.create(workers) : null;
  try {
    // Up to `window` chunks are being parsed on workers ahead of the one being built here.
    const window = workers * 4;
    const submit = (k: number) => {
      const j = jobs[k];
      if (pool && j) j.flat = pool.parse(j.text);
    };
    for (let k = 0; k < window; k++) submit(k);
    rendered = await rendering;
    let loader: ChunkedLoader | null = null;
    for (let k = 0; k < jobs.length; k++) {
      const j = jobs[k];
      if (k === 0 || jobs[k - 1].input !== j.input) {
        mergeUnits(j.input);
        loader = new ChunkedLoader(j.shown, load);
        result.files++;
      }
      const flat = j.flat ? await j.flat : null;
      j.flat = undefined;
      submit(k + window);
      loader!.add(j.text, flat);
      if (k === jobs.length - 1 || jobs[k + 1].input !== j.input) merge(result, loader!.out);
    }
    mergeUnits(Infinity);
  } finally {
    await pool?.close();
  }
  return result;
}

function merge(into: LoadResult, from: LoadResult): void {
  for (const r of from.resources) into.resources.push(r);
  for (const p of from.problems) into.problems.push(p);
  into.skipped += from.skipped;
  into.documents += from.documents;
}

export type { Resource };
