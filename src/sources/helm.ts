/**
 * Helm charts as input: `helm template` renders the chart (folder or .tgz) with the values, sets
 * and capabilities given, and each object's findings point back at the template that produced it
 * (helm's `# Source:` comments) and, when it can be found there, the template line of the field.
 *
 * Finding the template line is a heuristic on the template's own text. The object's document of the
 * template is found by its kind and literal `metadata.name` pattern (then in order), so a document an
 * `if` leaves out shifts nothing; an object written by a named template the file includes (a library
 * chart's `include "lib.deployment"`) is looked for in that define's body. The field path is then
 * followed key by key through the literal YAML (template actions are opaque): list items by their
 * literal `name`, their literal values (when an `if` or `range` can add or drop items) or position;
 * the same key in if/else branches by the branch whose literal, or single printed value, is the
 * rendered one. Where a key is produced by an include or toYaml, the location stops at the deepest
 * literal key, and `exact` is false; so it is when the walk was ambiguous or the line's literal value
 * differs from the rendered one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type { FieldPath, Json, JsonObject, Origin, Resource, ValueSource } from '../model/types.js';
import type { RenderOut } from '../engine/report-types.js';
import { loadText, type InputProblem } from './resources.js';
import { display, locateIn, runTool, sameJson, sourceFile, toolError, toolVersion, valueAt, which, type RenderContext, type RenderUnit, type UnitResult } from './render.js';
import { parseYaml, resolvePlain } from './yaml.js';
import { addPaths, defineSpans, definesIn, includesIn, valuesReadByLine, type DefineSpan, type Defines, type LineReads } from './helm-scope.js';

export const HOOK_ANNOTATION = 'helm.sh/hook';

/** Is this object a Helm test hook (helm.sh/hook: test, or the legacy test-success)? */
export function isTestHook(obj: JsonObject): boolean {
  const meta = obj.metadata;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return false;
  const ann = meta.annotations;
  if (ann === null || typeof ann !== 'object' || Array.isArray(ann)) return false;
  const hook = ann[HOOK_ANNOTATION];
  return typeof hook === 'string' && hook.split(',').some((h) => ['test', 'test-success'].includes(h.trim()));
}

function yamlObject(file: string): JsonObject | null {
  try {
    const v = parseYaml(readFileSync(file, 'utf8'), { positions: false }).docs[0]?.value;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** A release name helm accepts (DNS-1123 label, at most 53 characters) made from a chart name. */
export function releaseNameFor(chart: string): string {
  const s = chart.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 53).replace(/-+$/, '');
  return s || 'release';
}

const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_]?key|credential|auth|cert|(^|[._-])key$)/i;

/** `--set a=1,db.password=x` as shown in the report: values of secret-looking keys redacted. */
export function redactSet(arg: string): string {
  return arg
    .split(/(?<!\\),/)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const key = pair.slice(0, eq);
      return SECRET_KEY.test(key) ? `${key}=<redacted>` : pair;
    })
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Template text model
// ---------------------------------------------------------------------------------------------

interface TLine {
  /** 1-based line number. */
  n: number;
  /** Column (0-based) of the list dash, or -1. */
  dash: number;
  /** The literal key on this line, or null (a list scalar, a value line). */
  key: string | null;
  /** Column (0-based) of the key (or of the content after the dash). */
  col: number;
  /** The literal text after `key:` (or after the dash). */
  value: string;
  /** Has YAML structure (not blank, comment, template action only, block scalar content or `---`). */
  structural: boolean;
  sep: boolean;
}

interface Section {
  from: number;
  to: number;
  kinds: string[];
  /** Its literal `metadata.name` as a pattern (template actions match anything), and how many literal characters it has; built when first asked for. */
  name?: { re: RegExp; literal: number } | null;
}

interface TemplateModel {
  raw: string[];
  lines: TLine[];
  sections: Section[];
  /** Per line, the `.Values` paths its template actions read (built when first asked for). */
  reads?: LineReads;
}

const level = (l: TLine) => (l.dash >= 0 ? l.dash : l.col);

function parseTemplate(text: string): TemplateModel {
  const raw = text.split(/\r?\n/);
  const lines: TLine[] = [];
  let block = -1;
  let inAction = false;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    const t = s.trim();
    const indent = s.length - s.trimStart().length;
    const base: TLine = { n: i + 1, dash: -1, key: null, col: indent, value: '', structural: false, sep: false };
    if (inAction) {
      if (s.includes('}}')) inAction = s.lastIndexOf('{{') > s.lastIndexOf('}}');
      lines.push(base);
      continue;
    }
    if (block >= 0) {
      if (t === '' || indent > block) {
        lines.push(base);
        continue;
      }
      block = -1;
    }
    if (/^---(\s|$)/.test(s)) {
      lines.push({ ...base, sep: true });
      continue;
    }
    if (s.lastIndexOf('{{') > s.lastIndexOf('}}')) inAction = true;
    const stripped = t.replace(/\{\{.*?\}\}/g, '').replace(/\{\{.*$/, '').trim();
    if (t === '' || t.startsWith('#') || stripped === '' || stripped.startsWith('#')) {
      lines.push(base);
      continue;
    }
    let rest = s.slice(indent);
    let dash = -1;
    let col = indent;
    const dm = /^-(\s+|$)/.exec(rest);
    if (dm) {
      dash = indent;
      col = indent + dm[0].length;
      rest = rest.slice(dm[0].length);
    }
    const km = /^(?:"([^"\\]*)"|'([^']*)'|([^\s#'"{[\]&*!|>%@`-][^#]*?|-[^\s#][^#]*?))\s*:(?:\s+|$)/.exec(rest);
    if (km && !(km[3] ?? '').includes('{{')) {
      const key = km[1] ?? km[2] ?? km[3];
      const value = rest.slice(km[0].length).trim();
      if (/^[|>][-+0-9]*\s*(#.*)?$/.test(value)) block = col;
      lines.push({ ...base, dash, key, col, value, structural: true });
    } else {
      lines.push({ ...base, dash, col, value: rest.trim(), structural: true });
    }
  }
  const sections: Section[] = [];
  let from = 0;
  const close = (to: number) => {
    const ls = lines.slice(from, to).filter((l) => l.structural);
    if (ls.length) {
      const kinds = ls.filter((l) => l.key === 'kind' && l.dash === -1 && l.col === Math.min(...ls.map(level)) && l.value && !l.value.includes('{{')).map((l) => unquote(l.value));
      sections.push({ from, to, kinds });
    }
  };
  lines.forEach((l, i) => {
    if (l.sep) {
      close(i);
      from = i + 1;
    }
  });
  close(lines.length);
  return { raw, lines, sections };
}

function unquote(v: string): string {
  const s = v.replace(/\s+#.*$/, '').trim();
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}

/** Does the literal text after `key:` agree with the rendered value? (Template actions and block values always do.) */
function literalAgrees(text: string, v: Json | undefined): boolean {
  if (v === undefined || (v !== null && typeof v === 'object')) return true;
  const t = text.replace(/\s+#.*$/, '').trim();
  if (t === '' || t.includes('{{') || /^[|>]/.test(t)) return true;
  if (/^["']/.test(t)) return String(v) === unquote(t);
  if (/^[[{&*!]/.test(t)) return true;
  return sameJson(resolvePlain(t), v);
}

/**
 * The value a literal template text stands for (`1`, `"a"`, `["secrets"]`), or undefined when it is
 * not literal (template actions, block scalars, anchors and tags).
 */
function literalValue(text: string): Json | undefined {
  const t = text.replace(/\s+#.*$/, '').trim();
  if (t === '' || t.includes('{{') || /^[|>&*!]/.test(t)) return undefined;
  if (/^[[{"']/.test(t)) {
    try {
      return parseYaml(t, { positions: false }).docs[0]?.value;
    } catch {
      return undefined;
    }
  }
  return resolvePlain(t);
}

/** What a template line's value renders to, where that can be told (see valueOfLine in renderHelm). */
type LineValue = (lineIndex: number) => { value: Json; user: boolean } | undefined;

/**
 * How a candidate line's value compares with the rendered one: 1 the same, 2 the same and set by
 * the user (-f), -1 different, 0 cannot tell. A value the user set is the likelier branch when a
 * literal default agrees too (`{{- if hasKey .Values.pdb "minAvailable" }}` after a literal 1).
 */
function agreement(m: TemplateModel, i: number, v: Json | undefined, evalLine: LineValue | undefined): number {
  if (v === undefined) return 0;
  const l = m.lines[i];
  const lit = literalValue(l.value);
  if (lit !== undefined) return sameJson(lit, v) ? 1 : -1;
  const e = evalLine?.(i);
  if (e === undefined) return 0;
  return sameJson(e.value, v) ? (e.user ? 2 : 1) : -1;
}

interface Scope {
  from: number;
  to: number;
  /** The scope is a list item starting at `from` (its dash line). */
  item: boolean;
}

/** The direct children of a scope: [line index, line] pairs. */
function entries(m: TemplateModel, sc: Scope): number[] {
  const out: number[] = [];
  if (sc.item) {
    const head = m.lines[sc.from];
    if (head.key !== null) out.push(sc.from);
    for (let i = sc.from + 1; i < sc.to; i++) {
      const l = m.lines[i];
      if (l.structural && level(l) === head.col) out.push(i);
    }
    return out;
  }
  let min = Infinity;
  for (let i = sc.from; i < sc.to; i++) if (m.lines[i].structural) min = Math.min(min, level(m.lines[i]));
  for (let i = sc.from; i < sc.to; i++) if (m.lines[i].structural && level(m.lines[i]) === min) out.push(i);
  return out;
}

/** The lines under a key or list item entry. */
function scopeOf(m: TemplateModel, at: number, end: number): Scope {
  const e = m.lines[at];
  const asItem = e.dash >= 0 && m.lines[at].structural;
  let j = at + 1;
  for (; j < end; j++) {
    const l = m.lines[j];
    if (!l.structural) continue;
    if (asItem && level(l) <= e.dash) break;
    if (!asItem && (level(l) < e.col || (level(l) === e.col && l.dash < 0))) break;
  }
  return asItem ? { from: at, to: j, item: true } : { from: at + 1, to: j, item: false };
}

const ACTION_IN_RANGE = /\{\{-?\s*(range|if|with|else|include|template|toYaml|tpl)\b/;

/**
 * The template line that produced `path` of the rendered object, or its deepest literal ancestor.
 * `sure`: the section was identified without doubt; `renderedExact`: the path exists in the output.
 */
function locateTemplate(m: TemplateModel, sec: Section, sure: boolean, obj: JsonObject, path: FieldPath, renderedExact: boolean, evalLine?: LineValue): { line: number; column: number; exact: boolean } | null {
  let sc: Scope = { from: sec.from, to: sec.to, item: false };
  const first = m.lines.slice(sec.from, sec.to).find((l) => l.structural);
  if (!first) return null;
  let line = first.n;
  let column = 1;
  let exact = sure;
  let lastValue: string | null = null;
  let matched = 0;
  for (let k = 0; k < path.length; k++) {
    const p = path[k];
    const es = entries(m, sc);
    let hit = -1;
    if (typeof p === 'string') {
      const keys = es.filter((i) => m.lines[i].key === p && (m.lines[i].dash < 0 || (sc.item && i === sc.from)));
      if (keys.length === 0) break;
      hit = keys[0];
      if (keys.length > 1) {
        // The same key in if/else branches: the branch whose value is the rendered one, where the
        // literal text (or the single value it reads) tells; still not exact.
        exact = false;
        const v = valueAt(obj, path.slice(0, k + 1));
        const scored = keys.map((i) => ({ i, a: agreement(m, i, v, evalLine) }));
        const best = scored.find((x) => x.a === 2) ?? scored.find((x) => x.a === 1) ?? scored.find((x) => x.a === 0);
        if (best) hit = best.i;
      }
      const l = m.lines[hit];
      lastValue = l.value;
      line = l.n;
      column = l.col + 1;
      // A key on a list item's dash line (`- name: x`) is the item's first key.
      sc = l.dash >= 0 ? scopeAfterDashKey(m, hit, sc.to) : scopeOf(m, hit, sc.to);
    } else {
      const items = es.filter((i) => m.lines[i].dash >= 0);
      if (items.length === 0) break;
      const item = valueAt(obj, path.slice(0, k + 1));
      const name = item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item.name === 'string' ? item.name : null;
      if (name !== null) {
        const byName = items.filter((i) => {
          const s = scopeOf(m, i, sc.to);
          return entries(m, s).some((j) => m.lines[j].key === 'name' && !m.lines[j].value.includes('{{') && unquote(m.lines[j].value) === name);
        });
        if (byName.length === 1) hit = byName[0];
      }
      if (hit === -1) {
        // Item p is the p-th literal item unless a range, if or include at the list's own level,
        // before it, can add or drop items (template actions inside items do not count).
        const dashCol = m.lines[items[0]].dash;
        const until = p < items.length ? items[p] : sc.to;
        const dynamic = m.raw.slice(sc.from, until).some((t) => ACTION_IN_RANGE.test(t) && t.length - t.trimStart().length <= dashCol);
        if (p < items.length && !dynamic) hit = items[p];
        else {
          hit = itemByContent(m, items, sc.to, valueAt(obj, path.slice(0, k + 1))) ?? items[Math.min(p, items.length - 1)];
          exact = false;
        }
      }
      const l = m.lines[hit];
      lastValue = l.key === null ? l.value : null;
      line = l.n;
      column = l.dash + 1;
      sc = scopeOf(m, hit, sc.to);
    }
    matched++;
  }
  if (matched < path.length) exact = false;
  else if (renderedExact && lastValue !== null && !literalAgrees(lastValue, valueAt(obj, path))) exact = false;
  return { line, column, exact: exact && renderedExact && matched === path.length };
}

/**
 * Among the literal items of a list that template actions can add items to or drop items from, the
 * one whose literal values agree with the rendered item (an RBAC rule by its resources and verbs):
 * no literal value of it differs, and it has the most that are the same; null when that is not one item.
 */
function itemByContent(m: TemplateModel, items: number[], end: number, item: Json | undefined): number | null {
  if (item === undefined) return null;
  let best: number[] = [];
  let bestScore = 0;
  for (const i of items) {
    const head = m.lines[i];
    let score = 0;
    let differs = false;
    if (head.key === null) {
      // A scalar item (`- secrets`).
      const lit = literalValue(head.value);
      if (lit === undefined) continue;
      if (sameJson(lit, item)) score++;
      else differs = true;
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      for (const j of entries(m, scopeOf(m, i, end))) {
        const l = m.lines[j];
        if (l.key === null) continue;
        const lit = l.value.trim() === '' ? literalList(m, j, end) : literalValue(l.value);
        if (lit === undefined) continue;
        if (sameJson(lit, (item as JsonObject)[l.key])) score++;
        else differs = true;
      }
    } else continue;
    if (differs || score === 0) continue;
    if (score > bestScore) {
      bestScore = score;
      best = [i];
    } else if (score === bestScore) best.push(i);
  }
  return best.length === 1 ? best[0] : null;
}

/** The value of a key whose lines below are a block list of literal scalars (`verbs:` then `- get`), else undefined. */
function literalList(m: TemplateModel, at: number, end: number): Json[] | undefined {
  const sc = scopeOf(m, at, end);
  const out: Json[] = [];
  for (let i = sc.from; i < sc.to; i++) {
    const l = m.lines[i];
    if (!l.structural) {
      // A template action among the items can add some: not literal.
      if (m.raw[i].includes('{{')) return undefined;
      continue;
    }
    if (l.dash < 0 || l.key !== null) return undefined;
    const v = literalValue(l.value);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out.length ? out : undefined;
}

/** For a key written on a list item's dash line (`- name: x`), the lines under that key. */
function scopeAfterDashKey(m: TemplateModel, at: number, end: number): Scope {
  const e = m.lines[at];
  let j = at + 1;
  for (; j < end; j++) {
    const l = m.lines[j];
    if (!l.structural) continue;
    if (level(l) < e.col || (level(l) === e.col && l.dash < 0)) break;
  }
  return { from: at + 1, to: j, item: false };
}

/** A section's `metadata.name` line as a pattern: `{{ include "x.fullname" . }}-webhook` matches any name ending in -webhook. */
function sectionName(m: TemplateModel, sec: Section): { re: RegExp; literal: number } | null {
  if (sec.name !== undefined) return sec.name;
  sec.name = null;
  const meta = entries(m, { from: sec.from, to: sec.to, item: false }).find((i) => m.lines[i].key === 'metadata' && m.lines[i].value === '');
  if (meta === undefined) return null;
  const at = entries(m, scopeOf(m, meta, sec.to)).find((i) => m.lines[i].key === 'name');
  if (at === undefined) return null;
  const text = unquote(m.lines[at].value);
  if (text === '' || text.includes('{{') !== /\{\{.*?\}\}/.test(text)) return null;
  const parts = text.split(/\{\{.*?\}\}/);
  const literal = parts.reduce((n, x) => n + x.length, 0);
  sec.name = { re: new RegExp(`^${parts.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`), literal };
  return sec.name;
}

/** A template action at the start of a line that can drop or repeat the documents after it. */
const TOP_LEVEL_CONTROL = /^\{\{-?\s*(if|range|with|else)\b/;

/**
 * The section of a template that produced a rendered object, given the sections of the same kind
 * already taken by the objects before it from this template (`last`: the index of the previous one).
 * By name first: the sections whose literal metadata.name matches, the most literal ones first
 * (a document that an `if` left out then shifts nothing); else, in order, the next one after the
 * previous object's. `sure` when the name tells it, or when no `if`/`range`/`with` at the top of the
 * template can have left a document out or repeated one.
 */
function sectionFor(m: TemplateModel, kind: string, name: string, last: number): { section: Section | null; sure: boolean } {
  const sameKind = m.sections.filter((x) => x.kinds.includes(kind));
  if (sameKind.length === 0) return { section: m.sections[0] ?? null, sure: m.sections.length === 1 };
  if (sameKind.length === 1) return { section: sameKind[0], sure: true };
  const named = sameKind.filter((x) => sectionName(m, x)?.re.test(name) ?? true);
  const most = Math.max(0, ...named.map((x) => sectionName(m, x)?.literal ?? 0));
  const pool = named.length ? named.filter((x) => (sectionName(m, x)?.literal ?? 0) === most) : sameKind;
  if (pool.length === 1 && most > 0) return { section: pool[0], sure: true };
  const next = pool.find((x) => m.sections.indexOf(x) > last) ?? pool[pool.length - 1];
  const control = m.raw.some((t) => TOP_LEVEL_CONTROL.test(t));
  return { section: next, sure: !control && m.sections.indexOf(next) > last };
}

/** A named template's body: where it is, and its text model (line 1 is the line after `define`). */
interface DefineSpanAt extends DefineSpan {
  file: string;
}
interface DefineBody {
  name: string;
  file: string;
  /** Add to a line of `model` to get the line in `file`. */
  offset: number;
  model: TemplateModel;
  sure: boolean;
}

/** The named templates of a chart and its subcharts (library charts included), with where each body is. */
function chartDefineSpans(chartDir: string): Map<string, DefineSpanAt> {
  const out = new Map<string, DefineSpanAt>();
  for (const f of chartTemplateFiles(chartDir)) {
    const abs = join(chartDir, f);
    try {
      for (const [name, span] of defineSpans(readFileSync(abs, 'utf8'))) out.set(name, { ...span, file: abs });
    } catch {
      // An unreadable file: its templates stay unknown.
    }
  }
  return out;
}

const bodyModels = new Map<string, TemplateModel | null>();
const includeCalls = new WeakMap<TemplateModel, { name: string; line: number }[]>();

function bodyModel(span: DefineSpanAt): TemplateModel | null {
  const key = `${span.file}\0${span.from}`;
  if (bodyModels.has(key)) return bodyModels.get(key)!;
  const whole = templateModel(span.file);
  const m = whole ? parseTemplate(whole.raw.slice(span.from - 1, span.to).join('\n')) : null;
  bodyModels.set(key, m);
  return m;
}

/**
 * The body of a named template, included from this template (or from a template it includes, up
 * to three levels), that writes a document of this kind: the one whose literal name matches, else
 * the first (then not sure).
 */
function defineBodyFor(m: TemplateModel, kind: string, name: string, spans: Map<string, DefineSpanAt>, depth = 0, seen = new Set<string>()): DefineBody | null {
  const found: DefineBody[] = [];
  let calls = includeCalls.get(m);
  if (!calls) includeCalls.set(m, (calls = includesIn(m.raw.join('\n'))));
  for (const call of calls) {
    if (seen.has(call.name)) continue;
    seen.add(call.name);
    const span = spans.get(call.name);
    const body = span ? bodyModel(span) : null;
    if (!span || !body) continue;
    if (body.sections.some((x) => x.kinds.includes(kind))) found.push({ name: call.name, file: span.file, offset: span.from - 1, model: body, sure: true });
    else if (depth < 2) {
      const deeper = defineBodyFor(body, kind, name, spans, depth + 1, seen);
      if (deeper) found.push(deeper);
    }
  }
  if (found.length === 0) return null;
  const named = found.filter((b) => b.model.sections.some((x) => x.kinds.includes(kind) && (sectionName(b.model, x)?.literal ?? 0) > 0 && sectionName(b.model, x)!.re.test(name)));
  if (named.length === 1) return named[0];
  return { ...found[0], sure: found.length === 1 && found[0].sure };
}

const models = new Map<string, TemplateModel | null>();

/** Forget parsed templates (each loadInputs call starts afresh). */
export function resetTemplateCache(): void {
  models.clear();
  bodyModels.clear();
}
function templateModel(abs: string): TemplateModel | null {
  if (models.has(abs)) return models.get(abs)!;
  let m: TemplateModel | null = null;
  try {
    m = parseTemplate(readFileSync(abs, 'utf8'));
  } catch {
    m = null;
  }
  models.set(abs, m);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Where a `# Source:` path is on disk
// ---------------------------------------------------------------------------------------------

/** Subchart folders and archives under a chart's charts/, by the name helm gives them (alias or name). */
function subcharts(chartDir: string): Map<string, { dir: string | null; archive: string | null }> {
  const out = new Map<string, { dir: string | null; archive: string | null }>();
  const chartsDir = join(chartDir, 'charts');
  let names: string[] = [];
  try {
    names = readdirSync(chartsDir);
  } catch {
    return out;
  }
  for (const n of names) {
    const abs = join(chartsDir, n);
    try {
      if (statSync(abs).isDirectory()) {
        const c = yamlObject(join(abs, 'Chart.yaml'));
        out.set(typeof c?.name === 'string' ? c.name : n, { dir: abs, archive: null });
      } else if (/\.tgz$/i.test(n)) {
        const name = n.replace(/\.tgz$/i, '').replace(/-v?\d+\.\d+\.\d+.*$/, '');
        if (!out.has(name)) out.set(name, { dir: null, archive: abs });
      }
    } catch {
      // unreadable entry
    }
  }
  const parent = yamlObject(join(chartDir, 'Chart.yaml'));
  if (Array.isArray(parent?.dependencies)) {
    for (const d of parent.dependencies) {
      if (d && typeof d === 'object' && !Array.isArray(d) && typeof d.alias === 'string' && typeof d.name === 'string' && out.has(d.name)) out.set(d.alias, out.get(d.name)!);
    }
  }
  return out;
}

/** The template file of a `# Source:` path (chart/templates/x.yaml, chart/charts/sub/templates/y.yaml): on disk, or the archive it is in. */
function templateOnDisk(chartDir: string, source: string): { file: string | null; archive: string | null } {
  const parts = source.split('/').slice(1);
  let dir = chartDir;
  while (parts[0] === 'charts' && parts.length > 2) {
    const sub = subcharts(dir).get(parts[1]);
    if (!sub) return { file: null, archive: null };
    if (!sub.dir) return { file: null, archive: sub.archive };
    dir = sub.dir;
    parts.splice(0, 2);
  }
  const f = join(dir, ...parts);
  return existsSync(f) ? { file: f, archive: null } : { file: null, archive: null };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function helmBinary(env: NodeJS.ProcessEnv): { cmd: string } | { missing: string } {
  const set = env.KUBEREADY_HELM;
  if (set) return { cmd: set };
  const found = which('helm', env);
  return found
    ? { cmd: found }
    : { missing: 'helm is not installed (not on PATH, and KUBEREADY_HELM is not set): install helm 3, point KUBEREADY_HELM at a helm binary, or pass --no-render to audit the chart\'s plain YAML files only' };
}

/**
 * The Helm options for one chart of the input: a -f file that lies inside another chart of the
 * input (a folder walk over several charts, each with its values-prod.yaml) is that chart's only;
 * files elsewhere apply to every chart.
 */
function valuesFor(unit: RenderUnit, ctx: RenderContext): NonNullable<RenderContext['options']['helm']> {
  const h = ctx.options.helm ?? {};
  const others = (ctx.helmCharts ?? []).filter((c) => c !== unit.abs);
  if (!h.values?.length || others.length === 0) return h;
  const inside = (file: string, dir: string) => file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  const values = h.values.filter((v) => {
    const abs = resolve(ctx.cwd, v);
    if (inside(abs, unit.abs)) return true;
    return !others.some((c) => inside(abs, c));
  });
  return values.length === h.values.length ? h : { ...h, values };
}

export async function renderHelm(unit: RenderUnit, ctx: RenderContext): Promise<UnitResult> {
  const shown = display(unit.abs, ctx.cwd);
  let isDir = false;
  try {
    isDir = statSync(unit.abs).isDirectory();
  } catch {
    isDir = false;
  }
  const h = valuesFor(unit, ctx);
  const chartYaml = isDir ? yamlObject(join(unit.abs, 'Chart.yaml')) : null;
  const chartName = typeof chartYaml?.name === 'string' ? chartYaml.name : isDir ? basename(unit.abs) : basename(unit.abs).replace(/\.tgz$/i, '').replace(/-v?\d+\.\d+\.\d+.*$/, '');
  const release = h.releaseName ?? releaseNameFor(chartName);
  const args = ['template', release, shown];
  for (const v of h.values ?? []) args.push('--values', v);
  for (const s of h.set ?? []) args.push('--set', s);
  for (const s of h.setString ?? []) args.push('--set-string', s);
  if (h.namespace) args.push('--namespace', h.namespace);
  if (h.kubeVersion) args.push('--kube-version', h.kubeVersion);
  for (const a of h.apiVersions ?? []) args.push('--api-versions', a);
  const shownArgs = args.map((a, i) => (i > 0 && (args[i - 1] === '--set' || args[i - 1] === '--set-string') ? redactSet(a) : a));
  const ownValues = isDir && existsSync(join(unit.abs, 'values.yaml')) ? [display(join(unit.abs, 'values.yaml'), ctx.cwd)] : [];
  const render: RenderOut = { tool: 'helm', path: shown, command: ['helm', ...shownArgs], version: null, releaseName: release, valuesFiles: [...ownValues, ...(h.values ?? [])], objects: 0, skippedTestHooks: 0 };
  const result: UnitResult = { resources: [], problems: [], documents: 0, skipped: 0, render };
  const fail = (msg: string) => {
    render.error = msg;
    result.problems.push({ file: shown, message: msg, level: 'error' });
    return result;
  };
  const bin = helmBinary(ctx.env);
  if ('missing' in bin) return fail(`Helm chart not rendered: ${bin.missing}`);
  const [run, version] = await Promise.all([
    runTool(bin.cmd, args, { cwd: ctx.cwd, env: ctx.env, timeoutMs: ctx.options.timeoutMs }),
    toolVersion(`helm:${bin.cmd}`, bin.cmd, ['version', '--template', '{{.Version}}'], ctx.env, (out) => (out ? `helm ${out}` : null)),
  ]);
  render.version = version;
  if (run.failure) return fail(`Helm chart not rendered: cannot run ${bin.cmd}: ${run.failure}`);
  if (run.code !== 0) return fail(`helm template failed: ${toolError(run.stderr, `exit code ${run.code}`)}`);
  const text = run.stdout;

  // `# Source:` comments, by line.
  const sources: { line: number; source: string }[] = [];
  {
    let n = 1;
    let i = 0;
    while (i <= text.length) {
      const j = text.indexOf('\n', i);
      const end = j === -1 ? text.length : j;
      if (text.startsWith('# Source: ', i)) sources.push({ line: n, source: text.slice(i + 10, end).trim() });
      if (j === -1) break;
      i = j + 1;
      n++;
    }
  }
  const sourceAt = (line: number): string | null => {
    let lo = 0;
    let hi = sources.length - 1;
    let best: string | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sources[mid].line <= line) {
        best = sources[mid].source;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  };

  // Objects keep the chart as their file (one scope for the engine: namespace-less objects of one
  // chart are deployed together); locations name the template.
  const scopeFile = isDir ? `${shown}/Chart.yaml` : shown;
  const loaded = loadText(text, scopeFile, ctx.load);
  result.documents = loaded.documents;
  result.skipped = loaded.skipped;
  for (const p of loaded.problems) result.problems.push(renderedProblem(p, shown, 'helm template'));

  // Where the values a template line reads are set (-f files, --set, values.yaml of the chart and of
  // the charts above a subchart), per template and line.
  const sourcesByChart = new Map<string, ValuesSource[]>();
  const valuesCache = new Map<string, ValueSource[]>();
  let defines: Defines | undefined;
  const sourcesFor = (templateFile: string): ValuesSource[] => {
    const chart = templateFile.slice(0, templateFile.lastIndexOf(`${sep}templates${sep}`));
    let sources = sourcesByChart.get(chart);
    if (!sources) sourcesByChart.set(chart, (sources = valuesSources(unit.abs, chart, h, ctx.cwd)));
    return sources;
  };
  const valuesOf = (templateFile: string, model: TemplateModel, line: number): ValueSource[] => {
    const key = `${templateFile}\0${line}`;
    let hit = valuesCache.get(key);
    if (hit) return hit;
    const sources = sourcesFor(templateFile);
    defines ??= chartDefines(unit.abs);
    hit = valueRefs(model, line, defines)
      .map((ref) => valueSource(sources, ref))
      .filter((v): v is ValueSource => v !== null);
    valuesCache.set(key, hit);
    return hit;
  };
  // What a line that only prints one value (`replicas: {{ .Values.replicaCount }}`) renders to.
  const valueOfLine = (templateFile: string, model: TemplateModel, i: number): { value: Json; user: boolean } | undefined => {
    const text = unquote(model.lines[i]?.value ?? '');
    if (!SINGLE_VALUE_ACTION.test(text)) return undefined;
    defines ??= chartDefines(unit.abs);
    const reads = (model.reads ??= valuesReadByLine(model.raw.join('\n'), model.raw.length, defines));
    const paths = reads.direct[i] ?? [];
    return paths.length === 1 ? effectiveValue(sourcesFor(templateFile), paths[0]) : undefined;
  };

  /** Per template and kind, the section of the last object it produced (see sectionFor). */
  const lastSection = new Map<string, number>();
  let spans: Map<string, DefineSpanAt> | undefined;
  for (const r of loaded.resources) {
    if (!h.includeTestHooks && isTestHook(r.object)) {
      render.skippedTestHooks = (render.skippedTestHooks ?? 0) + 1;
      continue;
    }
    const rendered = r.origin.locate;
    const rootLine = rendered([])?.line ?? 0;
    const source = sourceAt(rootLine);
    const disk = source ? (isDir ? templateOnDisk(unit.abs, source) : { file: null, archive: unit.abs }) : { file: null, archive: null };
    const model = disk.file ? templateModel(disk.file) : null;
    let section: Section | null = null;
    let sure = true;
    let sectionIndex = 0;
    // The object written by a named template the file includes (a library chart's
    // `{{ include "lib.deployment" . }}`): located in that template's body, in its own file.
    let inDefine: (DefineBody & { section: Section }) | null = null;
    if (model && source) {
      const key = `${source}\0${r.kind}`;
      const found = sectionFor(model, r.kind, r.name, lastSection.get(key) ?? -1);
      section = found.section;
      sure = found.sure;
      sectionIndex = section ? model.sections.indexOf(section) : 0;
      lastSection.set(key, sectionIndex);
      if (!section?.kinds.includes(r.kind)) {
        spans ??= chartDefineSpans(unit.abs);
        const body = defineBodyFor(model, r.kind, r.name, spans);
        if (body) {
          const k = `${body.name}\0${r.kind}`;
          const inBody = sectionFor(body.model, r.kind, r.name, lastSection.get(k) ?? -1);
          if (inBody.section) {
            lastSection.set(k, body.model.sections.indexOf(inBody.section));
            inDefine = { ...body, section: inBody.section, sure: inBody.sure && body.sure };
          }
        }
      }
    }
    const templateShown = disk.file ? display(disk.file, ctx.cwd) : disk.archive ? display(disk.archive, ctx.cwd) : shown;
    const obj = r.object;
    const locate: Origin['locate'] = (path: FieldPath) => {
      const at = rendered(path);
      const where = { render: shown, line: at?.line ?? null, column: at?.column ?? null, ...(source ? { source } : {}) };
      if (inDefine) {
        const d = locateTemplate(inDefine.model, inDefine.section, inDefine.sure, obj, path, at?.exact ?? false);
        // Values a named template reads depend on what the caller passes it: not pointed at.
        if (d) return { line: d.line + inDefine.offset, column: d.column, exact: d.exact, file: display(inDefine.file, ctx.cwd), doc: sectionIndex, rendered: where };
      }
      const t = model && section ? locateTemplate(model, section, sure, obj, path, at?.exact ?? false, disk.file ? (i) => valueOfLine(disk.file!, model, i) : undefined) : null;
      if (t) {
        const values = model && disk.file ? valuesOf(disk.file, model, t.line) : [];
        return { line: t.line, column: t.column, exact: t.exact, file: templateShown, doc: sectionIndex, rendered: where, ...(values.length ? { values } : {}) };
      }
      return { line: null, column: null, exact: false, file: templateShown, rendered: where };
    };
    const origin: Origin = { file: scopeFile, doc: r.origin.doc, locate, render: shown, ...(r.origin.listIndex !== undefined ? { listIndex: r.origin.listIndex } : {}) };
    result.resources.push({ ...r, origin });
  }
  render.objects = result.resources.length;
  // Objects the values enable but the chart renders only on clusters that serve the Prometheus
  // Operator's API: helm template leaves them out without a word. Rendered once more with that API
  // to tell (only for charts whose templates test for it and rendered none).
  if (isDir && monitoringGated(unit.abs, h.apiVersions ?? [], result.resources)) {
    const again = await runTool(bin.cmd, [...args, ...MONITORING_API_VERSIONS.flatMap((v) => ['--api-versions', v])], { cwd: ctx.cwd, env: ctx.env, timeoutMs: ctx.options.timeoutMs });
    const kinds = again.code === 0 && !again.failure ? [...new Set([...again.stdout.matchAll(/^apiVersion: ["']?monitoring\.coreos\.com\/v1\w*["']?\s*\nkind: ["']?(\w+)/gm)].map((m) => m[1]))] : [];
    if (kinds.length) {
      result.problems.push({
        file: shown,
        level: 'warning',
        message: `with these values the chart renders ${kinds.join(', ')} objects only when the cluster serves monitoring.coreos.com/v1, which helm template does not assume: they are not in this audit (monitoring findings may call them missing); add ${['monitoring.coreos.com/v1', ...kinds.map((k) => `monitoring.coreos.com/v1/${k}`)].map((v) => `--api-versions ${v}`).join(' ')} if the cluster runs the Prometheus Operator`,
      });
    }
  }
  return result;
}

/** The Prometheus Operator's API as `--api-versions` gives it to .Capabilities. */
const MONITORING_API_VERSIONS = ['monitoring.coreos.com/v1', 'monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PodMonitor', 'monitoring.coreos.com/v1/PrometheusRule'];

/** A template that tests the cluster for the Prometheus Operator's API (`.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"`). */
const MONITORING_CAPABILITY = /Capabilities\.APIVersions[^}]*monitoring\.coreos\.com\/v1|monitoring\.coreos\.com\/v1[^}]*Capabilities\.APIVersions/;

/**
 * True when the chart's templates test for the monitoring.coreos.com API, the render was not told
 * the cluster has it, and no object of that API was rendered: the values may have enabled a
 * ServiceMonitor that `helm template` silently left out.
 */
function monitoringGated(chartDir: string, apiVersions: string[], rendered: Resource[]): boolean {
  if (apiVersions.some((a) => a.startsWith('monitoring.coreos.com/'))) return false;
  if (rendered.some((r) => r.apiVersion.startsWith('monitoring.coreos.com/'))) return false;
  for (const f of chartTemplateFiles(chartDir)) {
    try {
      if (MONITORING_CAPABILITY.test(readFileSync(join(chartDir, f), 'utf8'))) return true;
    } catch {
      // Unreadable: helm would have failed on it.
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Where the values of a template line are set
// ---------------------------------------------------------------------------------------------

/**
 * The values a template line reads: the `.Values` paths its actions read, with `with`, `range` and
 * variables followed (src/sources/helm-scope.ts); else, for a key whose whole value template actions
 * write below it (`resources:` then `{{- toYaml .Values.resources | nindent 12 }}`, or `{{- toYaml . }}`
 * inside `{{- with .Values.resources }}`), those of the first action under it that reads a value. A
 * key with literal keys under it (`spec:`) reads nothing itself, whatever `with` or `if` sits above them.
 * A line's own value also comes from the named templates it includes (`image: {{ include "x.image" . }}`:
 * the values that helper reads); a block written by an include under a key does not count them (label
 * helpers read name overrides, which say nothing about a label that is missing).
 */
function valueRefs(m: TemplateModel, line: number, defines: Defines | undefined): string[][] {
  const reads = (m.reads ??= valuesReadByLine(m.raw.join('\n'), m.raw.length, defines));
  const i = line - 1;
  const own = [...(reads.direct[i] ?? [])];
  addPaths(own, reads.included[i] ?? []);
  if (own.length || i >= m.lines.length) return own.slice(0, MAX_VALUE_REFS);
  const l = m.lines[i];
  if (!l.structural || l.key === null || l.value !== '') return [];
  // Only a key with no literal lines under it: its value is what the actions below it write.
  let found: string[][] | null = null;
  for (let j = i + 1; j < m.lines.length; j++) {
    const t = m.raw[j];
    if (t.trim() === '') continue;
    const indent = t.length - t.trimStart().length;
    // A line of template actions only can sit at any column (`{{ toYaml .Values.x | indent 10 }}` at
    // column 0): its output is indented by the action, not by the line.
    const actionOnly = !m.lines[j].structural && t.includes('{{');
    if (!actionOnly && indent <= level(l)) break;
    if (m.lines[j].structural) return [];
    if (!found && reads.direct[j].length) found = reads.direct[j];
  }
  return found ? found.slice(0, MAX_VALUE_REFS) : [];
}

const MAX_VALUE_REFS = 3;

/** Every .tpl/.yaml/.yml file under a templates/ folder of a chart folder (subcharts included), relative to it. */
function chartTemplateFiles(chartDir: string): string[] {
  try {
    return readdirSync(chartDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(tpl|ya?ml)$/.test(f) && f.split(sep).includes('templates'));
  } catch {
    return [];
  }
}

/**
 * The named templates of a chart folder and its subcharts (Helm shares \`define\`s across all of them):
 * every .tpl/.yaml/.yml file under a templates/ folder.
 */
function chartDefines(chartDir: string): Defines {
  const defines: Defines = new Map();
  for (const f of chartTemplateFiles(chartDir)) {
    try {
      definesIn(readFileSync(join(chartDir, f), 'utf8'), defines);
    } catch {
      // An unreadable file: its templates stay unknown.
    }
  }
  return defines;
}

/** Where a chart's values come from, highest precedence first. */
type ValuesSource = { set: true; keys: string[][]; prefix: string[] } | { set: false; abs: string; shown: string; prefix: string[]; user: boolean };

/** The keys of --set / --set-string arguments (`a.b=1,c[0].d=2` -> a.b, c): enough to say a value was set there. */
function setKeys(args: string[]): string[][] {
  const keys: string[][] = [];
  for (const a of args) {
    for (const part of a.split(/(?<!\\),/)) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      keys.push(part.slice(0, eq).replace(/\[\d+\]/g, '').split(/(?<!\\)\./).filter(Boolean));
    }
  }
  return keys;
}

/**
 * Values sources for the templates of `templateChart` (the chart, or a subchart under charts/), in
 * Helm's precedence: --set and --set-string, the -f files (the last one wins), then the values.yaml
 * of each chart from the top down (a parent's values hold a subchart's under its name and override
 * the subchart's own defaults).
 */
function valuesSources(rootDir: string, templateChart: string, h: { values?: string[]; set?: string[]; setString?: string[] }, cwd: string): ValuesSource[] {
  // <root>/charts/a/charts/b -> [a, b]
  const sub = templateChart === rootDir ? [] : templateChart.slice(rootDir.length + 1).split(sep).filter((x, i) => i % 2 === 1);
  const out: ValuesSource[] = [];
  const keys = setKeys([...(h.setString ?? []), ...(h.set ?? [])]);
  if (keys.length) out.push({ set: true, keys, prefix: sub });
  for (const f of [...(h.values ?? [])].reverse()) out.push({ set: false, abs: resolve(cwd, f), shown: display(resolve(cwd, f), cwd), prefix: sub, user: true });
  // Each chart on the way down: its values.yaml holds the values of the charts below it under their names.
  let dir = rootDir;
  for (let k = 0; k <= sub.length; k++) {
    const file = join(dir, 'values.yaml');
    if (existsSync(file)) out.push({ set: false, abs: file, shown: display(file, cwd), prefix: sub.slice(k), user: false });
    if (k < sub.length) dir = join(dir, 'charts', sub[k]);
  }
  return out;
}

/** A value that is one action printing one field, at most through quote or a number conversion. */
const SINGLE_VALUE_ACTION = /^\{\{-?\s*[.$][\w.$]*(\s*\|\s*(quote|squote|int|int64|float64|toString))*\s*-?\}\}$/;

/**
 * The value `.Values.<path>` has for these sources (the first that sets it, in Helm's precedence);
 * undefined where that cannot be told (set by --set, a global value of a subchart, or not set).
 */
function effectiveValue(sources: ValuesSource[], path: string[]): { value: Json; user: boolean } | undefined {
  for (const src of sources) {
    if (path[0] === 'global' && src.prefix.length) return undefined;
    const full = [...src.prefix, ...path];
    if (src.set) {
      if (src.keys.some((k) => k.every((x, i) => i >= full.length || full[i] === x))) return undefined;
      continue;
    }
    const root = sourceFile(src.abs)?.docs[0]?.value;
    if (root === undefined || root === null) continue;
    const v = valueAt(root, full);
    if (v !== undefined) return { value: v, user: src.user };
  }
  return undefined;
}

/** Where `.Values.<path>` is set for these sources: the first source that sets the whole path, else the one that sets most of it. */
function valueSource(sources: ValuesSource[], path: string[]): ValueSource | null {
  const ref = `.Values.${path.join('.')}`;
  let best: ValueSource | null = null;
  let bestDepth = 0;
  for (const src of sources) {
    const full = [...src.prefix, ...path];
    if (src.set) {
      // --set of this value or of a parent of it replaces it; one of a key below it (resources.limits.cpu
      // for .Values.resources) changes only part of it, and the files still say where the rest is.
      if (src.keys.some((k) => k.length <= full.length && k.every((x, i) => full[i] === x))) return { ref, file: '--set', line: null, column: null, exact: true };
      continue;
    }
    const sf = sourceFile(src.abs);
    const root = sf?.docs[0]?.value;
    if (!sf || root === undefined || root === null) continue;
    const at = locateIn(sf, root, full);
    if (!at || at.depth <= src.prefix.length) continue;
    if (at.exact) return { ref, file: src.shown, line: at.line, column: at.column, exact: true };
    if (at.depth > bestDepth) {
      bestDepth = at.depth;
      best = { ref, file: src.shown, line: at.line, column: at.column, exact: false };
    }
  }
  return best;
}

/** A problem in rendered output: it has no file of its own, so its line goes into the message. */
export function renderedProblem(p: InputProblem, unit: string, what: string): InputProblem {
  const at = p.line ? ` line ${p.line}${p.column ? `:${p.column}` : ''}` : '';
  return { file: unit, level: p.level, message: `${what} output${at}: ${p.message}` };
}

export type { Resource };
