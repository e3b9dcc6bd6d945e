/**
 * Kustomize overlays as input: a folder with a kustomization is built with a standalone `kustomize`
 * when there is one (or KUBEREADY_KUSTOMIZE), else `kubectl kustomize`.
 *
 * To point findings back at the files people edit, the folder is built through a temporary
 * kustomization that includes it with `buildMetadata: [originAnnotations, transformerAnnotations]`:
 * kustomize then records on each object the file it came from (config.kubernetes.io/origin) and
 * the kustomizations whose transformers ran on it. Those annotations are removed from the output
 * text before anything reads it (the result is verified equal, object by object, to the output
 * without them), so they change no finding, no fingerprint, and rendered line numbers are those of
 * `kubectl kustomize DIR` itself. A field is then located in the original resource file when its
 * value there is the rendered one; else in the patch (strategic merge or JSON 6902, in a file or
 * inline) or the transformer entry (images, replicas, namespace, labels) that set it; else at the
 * nearest place in the original file, with `exact: false`.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { FieldPath, Json, JsonObject, Origin } from '../model/types.js';
import type { RenderOut } from '../engine/report-types.js';
import { loadText } from './resources.js';
import { renderedProblem } from './helm.js';
import {
  display,
  existingDepth,
  kustomizationFileIn,
  locateIn,
  readKustomization,
  runTool,
  sameJson,
  sourceFile,
  sourceText,
  toolError,
  toolVersion,
  translatePath,
  valueAt,
  which,
  type Located,
  type RenderContext,
  type RenderUnit,
  type SourceFile,
  type UnitResult,
} from './render.js';
import { parseYaml } from './yaml.js';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';
const BUILD_ANNOTATIONS = [ORIGIN_ANNOTATION, TRANSFORMATIONS_ANNOTATION];

const isMap = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Tool {
  cmd: string;
  args: string[];
  shown: string[];
  versionKey: string;
  versionArgs: string[];
  parseVersion: (out: string) => string | null;
}

function kustomizeTool(env: NodeJS.ProcessEnv): Tool | null {
  const standalone = env.KUBEREADY_KUSTOMIZE || which('kustomize', env);
  if (standalone) {
    return {
      cmd: standalone, args: ['build'], shown: ['kustomize', 'build'], versionKey: `kustomize:${standalone}`, versionArgs: ['version'],
      parseVersion: (out) => {
        const m = /v?\d+\.\d+\.\d+[\w.+-]*/.exec(out);
        return m ? `kustomize ${m[0].startsWith('v') ? m[0] : 'v' + m[0]}` : null;
      },
    };
  }
  const kubectl = which('kubectl', env);
  if (!kubectl) return null;
  return {
    cmd: kubectl, args: ['kustomize'], shown: ['kubectl', 'kustomize'], versionKey: `kubectl:${kubectl}`, versionArgs: ['version', '--client', '-o', 'json'],
    parseVersion: (out) => {
      try {
        const v = JSON.parse(out) as { kustomizeVersion?: string };
        return v.kustomizeVersion ? `kustomize ${v.kustomizeVersion}` : null;
      } catch {
        return null;
      }
    },
  };
}

/** Remove kustomize's build annotations from rendered text (the lines, and an annotations map they leave empty). */
export function stripBuildAnnotations(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  const indentOf = (l: string) => l.length - l.trimStart().length;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(config\.kubernetes\.io\/origin|alpha\.config\.kubernetes\.io\/transformations):/.exec(lines[i]);
    if (!m) {
      kept.push(lines[i]);
      continue;
    }
    const ind = m[1].length;
    let j = i + 1;
    while (j < lines.length && (lines[j].trim() === '' ? j + 1 < lines.length && lines.slice(j + 1).find((l) => l.trim() !== '') !== undefined && indentOf(lines.slice(j + 1).find((l) => l.trim() !== '')!) > ind : indentOf(lines[j]) > ind)) j++;
    i = j - 1;
  }
  const out: string[] = [];
  for (let i = 0; i < kept.length; i++) {
    const m = /^(\s*)annotations:\s*$/.exec(kept[i]);
    if (m) {
      const next = kept.slice(i + 1).find((l) => l.trim() !== '');
      if (next === undefined || indentOf(next) <= m[1].length) continue;
    }
    out.push(kept[i]);
  }
  return out.join('\n');
}

/** The object without kustomize's build annotations (and without an annotations map they leave empty). */
export function withoutBuildAnnotations(obj: JsonObject): JsonObject {
  const meta = obj.metadata;
  if (!isMap(meta) || !isMap(meta.annotations) || !BUILD_ANNOTATIONS.some((k) => k in (meta.annotations as JsonObject))) return obj;
  const ann: JsonObject = { ...meta.annotations };
  for (const k of BUILD_ANNOTATIONS) delete ann[k];
  const m: JsonObject = { ...meta, annotations: ann };
  if (Object.keys(ann).length === 0) delete m.annotations;
  return { ...obj, metadata: m };
}

interface BuildInfo {
  /** The resource file the object came from (absolute), when local. */
  path: string | null;
  /** A generator's kustomization (ConfigMapGenerator, SecretGenerator). */
  generatedIn: string | null;
  generator: string | null;
  /** Kustomization files whose transformers ran on the object, in order. */
  transformedIn: string[];
}

function buildInfo(obj: JsonObject, root: string): BuildInfo {
  const info: BuildInfo = { path: null, generatedIn: null, generator: null, transformedIn: [] };
  const ann = isMap(obj.metadata) && isMap(obj.metadata.annotations) ? obj.metadata.annotations : {};
  const o = typeof ann[ORIGIN_ANNOTATION] === 'string' ? parseYaml(ann[ORIGIN_ANNOTATION] as string, { positions: false }).docs[0]?.value : null;
  if (isMap(o) && typeof o.repo !== 'string') {
    if (typeof o.path === 'string') info.path = resolve(root, o.path);
    if (typeof o.configuredIn === 'string') {
      info.generatedIn = resolve(root, o.configuredIn);
      info.generator = isMap(o.configuredBy) && typeof o.configuredBy.kind === 'string' ? o.configuredBy.kind : null;
    }
  }
  const t = typeof ann[TRANSFORMATIONS_ANNOTATION] === 'string' ? parseYaml(ann[TRANSFORMATIONS_ANNOTATION] as string, { positions: false }).docs[0]?.value : null;
  if (Array.isArray(t)) {
    for (const x of t) if (isMap(x) && typeof x.configuredIn === 'string' && !isMap(x.repo)) {
      const f = resolve(root, x.configuredIn);
      if (!info.transformedIn.includes(f)) info.transformedIn.push(f);
    }
  }
  return info;
}

interface Hit extends Located {
  file: string;
  doc: number;
}

function at(sf: SourceFile, root: Json, path: FieldPath, doc: number, exact?: boolean): Hit | null {
  const l = locateIn(sf, root, path);
  return l ? { ...l, exact: exact ?? l.exact, file: sf.abs, doc } : null;
}

function nameOf(v: Json | undefined): string | null {
  return isMap(v) && isMap(v.metadata) && typeof v.metadata.name === 'string' ? v.metadata.name : null;
}

/** JSON pointer (/spec/template/spec/containers/0/image) to a path, numbers where the rendered node is a list. */
function pointerPath(ptr: string, obj: Json): FieldPath | null {
  if (!ptr.startsWith('/')) return null;
  const out: FieldPath = [];
  let cur: Json | undefined = obj;
  for (const raw of ptr.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i: number = seg === '-' ? cur.length - 1 : /^\d+$/.test(seg) ? Number(seg) : -1;
      if (i < 0) return null;
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = isMap(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

/** Does a patch target ({kind, name, namespace, ...}) select this object? (Names are regular expressions in kustomize.) */
function targets(target: Json | undefined, obj: JsonObject, names: string[]): boolean {
  if (!isMap(target)) return false;
  if (typeof target.kind === 'string' && target.kind !== obj.kind) return false;
  if (typeof target.name === 'string') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${target.name})$`);
    } catch {
      return false;
    }
    if (!names.some((n) => re.test(n))) return false;
  }
  return true;
}

/** One patch: its parsed text and how its lines map into the file that holds it. */
interface PatchText {
  sf: SourceFile;
  target: Json | undefined;
  /** Inline patch: line of the patch text's line 1 in the kustomization, and the indent added. */
  inline: { file: SourceFile; firstLine: number; indent: number; keyAt: Located } | null;
}

function inlinePatch(k: SourceFile, kdata: JsonObject, path: FieldPath, text: string): PatchText['inline'] {
  const keyAt = locateIn(k, kdata, path);
  if (!keyAt) return null;
  const raw = k.text.split('\n');
  const lines = text.split('\n');
  // A block scalar's content starts on the line after its key; find the first content line.
  for (let start = keyAt.line + 1; start <= Math.min(raw.length, keyAt.line + 2); start++) {
    const first = raw[start - 1] ?? '';
    if (first.trim() !== (lines[0] ?? '').trim()) continue;
    const indent = first.length - first.trimStart().length - ((lines[0] ?? '').length - (lines[0] ?? '').trimStart().length);
    return { file: k, firstLine: start, indent, keyAt };
  }
  return { file: k, firstLine: -1, indent: 0, keyAt };
}

function patchesOf(kfile: string): PatchText[] {
  const k = sourceFile(kfile);
  if (!k) return [];
  const data = k.docs[0]?.value;
  if (!isMap(data)) return [];
  const dir = dirname(kfile);
  const out: PatchText[] = [];
  const fromEntry = (entryPath: FieldPath, e: Json, target: Json | undefined) => {
    if (typeof e === 'string') {
      if (e.includes('\n') || /^\s*(\{|\[|apiVersion:|kind:|- op:)/.test(e)) out.push({ sf: sourceText(`${kfile}#inline`, e), target, inline: inlinePatch(k, data, entryPath, e) });
      else {
        const sf = sourceFile(resolve(dir, e));
        if (sf) out.push({ sf, target, inline: null });
      }
      return;
    }
    if (!isMap(e)) return;
    if (typeof e.path === 'string') {
      const sf = sourceFile(resolve(dir, e.path));
      if (sf) out.push({ sf, target: e.target, inline: null });
    } else if (typeof e.patch === 'string') {
      out.push({ sf: sourceText(`${kfile}#inline`, e.patch), target: e.target, inline: inlinePatch(k, data, [...entryPath, 'patch'], e.patch) });
    }
  };
  for (const key of ['patches', 'patchesJson6902', 'patchesStrategicMerge']) {
    const list = data[key];
    if (Array.isArray(list)) list.forEach((e, i) => fromEntry([key, i], e, undefined));
  }
  return out;
}

/** Map a position in a patch's own text to the file that holds it. */
function placed(p: PatchText, l: Located | null, doc: number, exact: boolean): Hit | null {
  if (!l) return null;
  if (!p.inline) return { ...l, exact, file: p.sf.abs, doc };
  if (p.inline.firstLine === -1) return { ...p.inline.keyAt, depth: l.depth, exact: false, file: p.inline.file.abs, doc: 0 };
  return { line: p.inline.firstLine + l.line - 1, column: l.column + p.inline.indent, depth: l.depth, exact, file: p.inline.file.abs, doc: 0 };
}

/** The patch (last applied first) that sets the field at `path` to its rendered value. */
function fromPatches(kfiles: string[], obj: JsonObject, path: FieldPath, names: string[]): Hit | null {
  const v = valueAt(obj, path);
  for (const kf of [...kfiles].reverse()) {
    const patches = patchesOf(kf).reverse();
    for (const p of patches) {
      for (const d of [...p.sf.docs].reverse()) {
        const val = d.value;
        if (Array.isArray(val)) {
          if (!targets(p.target, obj, names)) continue;
          for (let i = val.length - 1; i >= 0; i--) {
            const op = val[i];
            if (!isMap(op) || (op.op !== 'add' && op.op !== 'replace') || typeof op.path !== 'string' || !('value' in op)) continue;
            const ptr = pointerPath(op.path, obj);
            if (!ptr || ptr.length > path.length || !ptr.every((x, j) => x === path[j])) continue;
            const rest = path.slice(ptr.length);
            const pv = valueAt(op.value, rest);
            if (pv === undefined || !(isMap(v) || Array.isArray(v) || sameJson(pv, v))) continue;
            return placed(p, locateIn(p.sf, val, [i, 'value', ...rest]), d.index, true);
          }
        } else if (isMap(val)) {
          const selected = p.target !== undefined ? targets(p.target, obj, names) : val.kind === obj.kind && names.includes(nameOf(val) ?? '\0');
          if (!selected) continue;
          const tp = translatePath(obj, val, path);
          if (tp.length !== path.length) continue;
          const pv = valueAt(val, tp);
          if (!(isMap(v) || Array.isArray(v) || sameJson(pv, v))) continue;
          return placed(p, locateIn(p.sf, val, tp), d.index, true);
        }
      }
    }
  }
  return null;
}

/** The transformer entry of a kustomization (images, replicas, namespace, labels, annotations) that set the field. */
function fromTransformers(kfiles: string[], obj: JsonObject, path: FieldPath, names: string[]): Hit | null {
  const v = valueAt(obj, path);
  const last = path[path.length - 1];
  for (const kf of [...kfiles].reverse()) {
    const k = sourceFile(kf);
    const data = k?.docs[0]?.value;
    if (!k || !isMap(data)) continue;
    const hit = (p: FieldPath) => at(k, data, p, 0, true);
    if (last === 'image' && typeof v === 'string' && Array.isArray(data.images)) {
      for (let i = data.images.length - 1; i >= 0; i--) {
        const e = data.images[i];
        if (!isMap(e) || typeof e.name !== 'string') continue;
        const image = typeof e.newName === 'string' ? e.newName : e.name;
        if (v !== image && !v.startsWith(image + ':') && !v.startsWith(image + '@')) continue;
        const key = typeof e.digest === 'string' && v.includes('@') ? 'digest' : typeof e.newTag === 'string' ? 'newTag' : typeof e.newName === 'string' ? 'newName' : 'name';
        return hit(['images', i, key]);
      }
    }
    if (path.length === 2 && path[0] === 'spec' && path[1] === 'replicas' && Array.isArray(data.replicas)) {
      const i = data.replicas.findIndex((e) => isMap(e) && typeof e.name === 'string' && names.includes(e.name) && sameJson(e.count, v));
      if (i !== -1) return hit(['replicas', i, 'count']);
    }
    if (path.length === 2 && path[0] === 'metadata' && path[1] === 'namespace' && data.namespace === v) return hit(['namespace']);
    const n = path.length;
    if (n >= 2 && typeof last === 'string' && path[n - 2] === 'labels' && isMap(data.commonLabels) && sameJson(data.commonLabels[last], v)) return hit(['commonLabels', last]);
    if (n >= 2 && typeof last === 'string' && path[n - 2] === 'matchLabels' && isMap(data.commonLabels) && sameJson(data.commonLabels[last], v)) return hit(['commonLabels', last]);
    if (n >= 2 && typeof last === 'string' && (path[n - 2] === 'labels' || path[n - 2] === 'matchLabels' || path[n - 2] === 'selector') && Array.isArray(data.labels)) {
      const i = data.labels.findIndex((e) => isMap(e) && isMap(e.pairs) && sameJson(e.pairs[last], v));
      if (i !== -1) return hit(['labels', i, 'pairs', last]);
    }
    if (n >= 2 && typeof last === 'string' && path[n - 2] === 'annotations' && isMap(data.commonAnnotations) && sameJson(data.commonAnnotations[last], v)) return hit(['commonAnnotations', last]);
  }
  return null;
}

/** The document of a resource file that a rendered object came from (same kind; its name, maybe with a prefix or suffix). */
function sourceDocFor(sf: SourceFile, obj: JsonObject): { index: number; value: JsonObject } | null {
  const rendered = typeof nameOf(obj) === 'string' ? nameOf(obj)! : '';
  let best: { index: number; value: JsonObject } | null = null;
  let bestLen = -1;
  for (const d of sf.docs) {
    const v = d.value;
    if (!isMap(v) || v.kind !== obj.kind) continue;
    const n = nameOf(v) ?? '';
    if (n === rendered) return { index: d.index, value: v };
    if (n && rendered.includes(n) && n.length > bestLen) {
      best = { index: d.index, value: v };
      bestLen = n.length;
    }
  }
  return best;
}

/** Where a field of a built object is written: resource file, patch or transformer (see the module comment). */
export function locateSource(obj: JsonObject, build: BuildInfo, path: FieldPath): Hit | null {
  const exists = existingDepth(obj, path) === path.length;
  const src = build.path ? sourceFile(build.path) : null;
  const doc = src ? sourceDocFor(src, obj) : null;
  const names = [...new Set([nameOf(doc?.value) ?? '', nameOf(obj) ?? ''].filter(Boolean))];
  if (src && doc) {
    const tp = translatePath(obj, doc.value, path);
    if (exists && tp.length === path.length) {
      const v = valueAt(obj, path);
      if (isMap(v) || Array.isArray(v) || sameJson(valueAt(doc.value, tp), v)) return at(src, doc.value, tp, doc.index, true);
    }
  }
  if (exists) {
    const p = fromPatches(build.transformedIn, obj, path, names) ?? fromTransformers(build.transformedIn, obj, path, names);
    if (p) return p;
  }
  if (src && doc) return at(src, doc.value, translatePath(obj, doc.value, path), doc.index, false);
  if (build.generatedIn) {
    const k = sourceFile(build.generatedIn);
    const data = k?.docs[0]?.value;
    const key = build.generator === 'SecretGenerator' ? 'secretGenerator' : 'configMapGenerator';
    if (k && isMap(data) && Array.isArray(data[key])) {
      const i = data[key].findIndex((g) => isMap(g) && typeof g.name === 'string' && (nameOf(obj) ?? '').includes(g.name));
      return at(k, data, i === -1 ? [key] : [key, i], 0, false);
    }
  }
  return null;
}

export async function renderKustomize(unit: RenderUnit, ctx: RenderContext): Promise<UnitResult> {
  const shown = display(unit.abs, ctx.cwd);
  const kfile = kustomizationFileIn(unit.abs);
  const kshown = kfile ? display(kfile, ctx.cwd) : shown;
  const render: RenderOut = { tool: 'kustomize', path: shown, command: null, version: null, objects: 0 };
  const result: UnitResult = { resources: [], problems: [], documents: 0, skipped: 0, render };
  if (unit.includedBy) {
    render.includedBy = unit.includedBy.map((d) => display(d, ctx.cwd));
    return result;
  }
  const fail = (msg: string) => {
    render.error = msg;
    result.problems.push({ file: shown, message: msg, level: 'error' });
    return result;
  };
  const tool = kustomizeTool(ctx.env);
  if (!tool) return fail('kustomization not built: neither kustomize nor kubectl is installed (not on PATH, and KUBEREADY_KUSTOMIZE is not set): install either, point KUBEREADY_KUSTOMIZE at one, or pass --no-render to audit the plain YAML files only');
  const info = readKustomization(unit.abs);
  const extra: string[] = [];
  if (info?.chartHome) {
    extra.push('--enable-helm');
    const helm = ctx.env.KUBEREADY_HELM || which('helm', ctx.env);
    if (helm) extra.push('--helm-command', helm);
  }
  render.command = [...tool.shown, shown, ...(extra.includes('--enable-helm') ? ['--enable-helm'] : [])];
  const versionP = toolVersion(tool.versionKey, tool.cmd, tool.versionArgs, ctx.env, tool.parseVersion);

  // Build through a temporary kustomization that records origins (see the module comment).
  let annotated: string | null = null;
  let root = '';
  let tmp: string | null = null;
  try {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'kubeready-kustomize-')));
    const rel = relative(tmp, realpathSync(unit.abs)).split(sep).join('/');
    const sort = info && isMap(info.data.sortOptions) ? `sortOptions: ${JSON.stringify(info.data.sortOptions)}\n` : '';
    writeFileSync(join(tmp, 'kustomization.yaml'), `resources:\n- ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n${sort}`);
    const r = await runTool(tool.cmd, [...tool.args, tmp, ...extra], { cwd: ctx.cwd, env: ctx.env, timeoutMs: ctx.options.timeoutMs });
    if (r.code === 0 && !r.failure) {
      annotated = r.stdout;
      root = tmp;
    }
  } catch {
    annotated = null;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  let text: string;
  if (annotated === null) {
    // The direct build gives kustomize's own error message, or output without origins.
    const r = await runTool(tool.cmd, [...tool.args, unit.abs, ...extra], { cwd: ctx.cwd, env: ctx.env, timeoutMs: ctx.options.timeoutMs });
    render.version = await versionP;
    if (r.failure) return fail(`kustomization not built: cannot run ${tool.cmd}: ${r.failure}`);
    if (r.code !== 0) return fail(`${tool.shown.join(' ')} failed: ${toolError(r.stderr, `exit code ${r.code}`)}`);
    text = r.stdout;
  } else {
    render.version = await versionP;
    text = stripBuildAnnotations(annotated);
  }

  // Each object keeps the kustomization as its file (one scope for the engine); locations name sources.
  const scopeFile = kfile ? kshown : `${shown}/kustomization.yaml`;
  let loaded = loadText(text, scopeFile, ctx.load);
  let renderedLines = true;
  const builds = new Map<number, BuildInfo>();
  if (annotated !== null) {
    const withAnn = parseYaml(annotated, { positions: false }).docs;
    const plain = parseYaml(text, { positions: false }).docs;
    const same = withAnn.length === plain.length && withAnn.every((d, i) => plain[i].index === d.index && sameJson(isMap(d.value) ? withoutBuildAnnotations(d.value) : d.value, plain[i].value));
    for (const d of withAnn) if (isMap(d.value)) builds.set(d.index, buildInfo(d.value, root));
    if (!same) {
      // Could not remove the annotations as text: read the annotated output, drop them from each object.
      loaded = loadText(annotated, scopeFile, ctx.load);
      loaded.resources = loaded.resources.map((r) => ({ ...r, object: withoutBuildAnnotations(r.object) }));
      renderedLines = false;
    }
  }
  result.documents = loaded.documents;
  result.skipped = loaded.skipped;
  for (const p of loaded.problems) result.problems.push(renderedProblem(p, shown, render.command.join(' ')));
  for (const r of loaded.resources) {
    const build = builds.get(r.origin.doc) ?? { path: null, generatedIn: null, generator: null, transformedIn: [] };
    const rendered = r.origin.locate;
    const obj = r.object;
    const kust = kfile;
    const locate: Origin['locate'] = (path: FieldPath) => {
      const p = renderedLines ? rendered(path) : null;
      const where = { render: shown, line: p?.line ?? null, column: p?.column ?? null };
      let hit: Hit | null = null;
      try {
        hit = r.origin.listIndex === undefined ? locateSource(obj, build, path) : null;
      } catch {
        hit = null;
      }
      if (hit) return { line: hit.line, column: hit.column, exact: hit.exact, file: display(hit.file, ctx.cwd), doc: hit.doc, rendered: where };
      return { line: null, column: null, exact: false, file: kust ? display(kust, ctx.cwd) : shown, rendered: where };
    };
    const origin: Origin = { file: scopeFile, doc: r.origin.doc, locate, render: shown, ...(r.origin.listIndex !== undefined ? { listIndex: r.origin.listIndex } : {}) };
    result.resources.push({ ...r, origin });
  }
  render.objects = result.resources.length;
  return result;
}
