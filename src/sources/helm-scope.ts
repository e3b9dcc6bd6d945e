/**
 * Which `.Values` paths each line of a Helm template reads, with Go template scoping:
 *
 * - `{{ with .Values.x }}` makes dot `.Values.x` until its `else` or `end`, so `{{ toYaml . }}` and
 *   `{{ .limits }}` inside read `.Values.x` and `.Values.x.limits`;
 * - `{{ range .Values.list }}` (and `range $i, $v := ...`) makes dot and `$v` an element of
 *   `.Values.list` (which element is not known here, so the list itself);
 * - `{{ $r := .Values.x }}` binds a variable for the rest of its control structure;
 * - `else` returns to the outer dot (`else with` binds anew); `define` and `block` bodies start with
 *   an unknown dot (they run with whatever `include` passes);
 * - `index .Values "a" "b"` reads `.Values.a.b` (the way charts spell keys that are not identifiers);
 * - a chain that starts with `.Values` (or `$.Values`) is absolute wherever it is.
 *
 * Only reads that resolve to a path under `.Values` are reported; `.Release`, `.Chart`, template
 * calls on unknown data and the like read no value a user sets. Pure: text in, paths per line out.
 */

/**
 * What dot or a variable holds: the root context, a path under .Values, or unknown (null). An
 * element of a range is `item`: its fields are read from the list's path (the index is not known).
 */
type Binding = { root: true } | { root: false; path: string[]; item?: boolean } | null;

const ROOT: Binding = { root: true };

/** Append each non-empty path to `into` unless an equal one is there already (order of first appearance). */
export function addPaths(into: string[][], paths: string[][]): void {
  for (const p of paths) if (p.length && !into.some((o) => o.length === p.length && o.every((x, i) => x === p[i]))) into.push(p);
}

interface Action {
  /** 1-based line of the `{{`. */
  line: number;
  tokens: Token[];
}

type Token =
  /** `.a.b`, `$.a.b`, `$v.a.b`, `.` (fields empty, base dot), `$v` or `$` (fields empty). */
  | { t: 'ref'; base: 'dot' | 'root' | string; fields: string[] }
  | { t: 'str'; value: string }
  | { t: 'word'; value: string }
  | { t: 'punct'; value: string };

/** `$`, `$v`, `.a.b`, `$v.a.b`, `.` at the start of the text. */
const REF = /^(\$[A-Za-z_0-9]*)?((?:\.[A-Za-z_][A-Za-z_0-9]*)*)/;

/** The `{{ ... }}` actions of a template, tokenized; comments left out. */
function templateActions(text: string): Action[] {
  const out: Action[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    for (let k = i; k < open; k++) if (text.charCodeAt(k) === 10) line++;
    const startLine = line;
    let j = open + 2;
    if (text[j] === '-' && /\s/.test(text[j + 1] ?? '')) j++;
    // A comment: {{/* ... */}} (with optional trim markers).
    const lead = /^\s*\/\*/.exec(text.slice(j, j + 64));
    if (lead) {
      const end = text.indexOf('*/', j + lead[0].length);
      const close = end < 0 ? -1 : text.indexOf('}}', end + 2);
      const stop = close < 0 ? n : close + 2;
      for (let k = open; k < stop; k++) if (text.charCodeAt(k) === 10) line++;
      i = stop;
      continue;
    }
    const tokens: Token[] = [];
    let closed = false;
    while (j < n) {
      const c = text[j];
      if (c === '}' && text[j + 1] === '}') {
        closed = true;
        j += 2;
        break;
      }
      if (c === '-' && /\s/.test(text[j - 1] ?? '') && text[j + 1] === '}' && text[j + 2] === '}') {
        j++;
        continue;
      }
      if (c === '\n') line++;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        j++;
        continue;
      }
      if (c === '"' || c === '`' || c === "'") {
        let k = j + 1;
        let value = '';
        while (k < n && text[k] !== c) {
          if (text[k] === '\\' && c !== '`') {
            value += text[k + 1] ?? '';
            k += 2;
            continue;
          }
          if (text[k] === '\n') line++;
          value += text[k];
          k++;
        }
        tokens.push({ t: 'str', value });
        j = k + 1;
        continue;
      }
      if (c === '$' || c === '.') {
        // `.5` is a number, not a field.
        if (c === '.' && /[0-9]/.test(text[j + 1] ?? '')) {
          const m = /^\.[0-9][0-9_.eE+-]*/.exec(text.slice(j, j + 64))!;
          tokens.push({ t: 'word', value: m[0] });
          j += m[0].length;
          continue;
        }
        const m = REF.exec(text.slice(j, j + 512))!;
        const base = m[1] === undefined ? 'dot' : m[1] === '$' ? 'root' : m[1];
        const fields = m[2] ? m[2].slice(1).split('.') : [];
        const len = m[1] === undefined && !m[2] ? 1 : (m[1]?.length ?? 0) + m[2].length;
        tokens.push({ t: 'ref', base, fields });
        j += Math.max(1, len);
        continue;
      }
      if (c === ':' && text[j + 1] === '=') {
        tokens.push({ t: 'punct', value: ':=' });
        j += 2;
        continue;
      }
      if ('()|,='.includes(c)) {
        tokens.push({ t: 'punct', value: c });
        j++;
        // A field of a parenthesized result, `(...).a`: not a read we can resolve; skip the chain.
        if (c === ')') {
          const m = /^(?:\.[A-Za-z_][A-Za-z_0-9]*)+/.exec(text.slice(j, j + 512));
          if (m) j += m[0].length;
        }
        continue;
      }
      const w = /^[A-Za-z_0-9][A-Za-z_0-9.+-]*/.exec(text.slice(j, j + 128));
      if (w) {
        tokens.push({ t: 'word', value: w[0] });
        j += w[0].length;
        continue;
      }
      j++;
    }
    out.push({ line: startLine, tokens });
    i = j;
    if (!closed) break;
  }
  return out;
}

interface Frame {
  /** Dot outside this structure (for `else`). */
  outer: Binding;
  /** Variables visible outside this structure. */
  outerVars: Map<string, Binding>;
  outerRoot: Binding;
}

function resolve(tok: Token & { t: 'ref' }, dot: Binding, root: Binding, vars: Map<string, Binding>): Binding {
  if (tok.fields[0] === 'Values') return { root: false, path: tok.fields.slice(1) };
  const base = tok.base === 'dot' ? dot : tok.base === 'root' ? root : (vars.get(tok.base) ?? null);
  if (base === null) return null;
  if (base.root) return tok.fields.length === 0 ? ROOT : null;
  if (base.item) return { root: false, path: base.path };
  return { root: false, path: [...base.path, ...tok.fields] };
}

/** The binding of a pipeline: its first command's first operand (`index X "a"` extends X). */
function bindingOf(tokens: Token[], dot: Binding, root: Binding, vars: Map<string, Binding>): Binding {
  let k = 0;
  const isOpen = (t: Token | undefined) => t?.t === 'punct' && t.value === '(';
  while (isOpen(tokens[k])) k++;
  const first = tokens[k];
  if (!first) return null;
  if (first.t === 'ref') return resolve(first, dot, root, vars);
  if (first.t === 'word' && first.value === 'index' && tokens[k + 1]?.t === 'ref') {
    const b = resolve(tokens[k + 1] as Token & { t: 'ref' }, dot, root, vars);
    if (!b || b.root) return null;
    if (b.item) return b;
    const path = [...b.path];
    for (let m = k + 2; tokens[m]?.t === 'str'; m++) path.push((tokens[m] as { value: string }).value);
    return { root: false, path };
  }
  return null;
}

/** Every values path the tokens read, in order. */
function readsOf(tokens: Token[], dot: Binding, root: Binding, vars: Map<string, Binding>, out: string[][]): void {
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k];
    let b: Binding = null;
    if (tok.t === 'word' && tok.value === 'index' && tokens[k + 1]?.t === 'ref') {
      b = bindingOf(tokens.slice(k), dot, root, vars);
      k++;
      while (tokens[k + 1]?.t === 'str') k++;
    } else if (tok.t === 'ref') {
      // Being assigned to is not a read.
      const next = tokens[k + 1];
      if (tok.base !== 'dot' && tok.base !== 'root' && tok.fields.length === 0 && next?.t === 'punct' && (next.value === ':=' || next.value === '=' || next.value === ',')) continue;
      b = resolve(tok, dot, root, vars);
    }
    if (b && !b.root) addPaths(out, [b.path]);
  }
}

/** `$a := X`, `$a = X`, `$i, $v := X` at the start of tokens: the variable names and the rest. */
function declaration(tokens: Token[]): { names: string[]; rest: Token[] } | null {
  const names: string[] = [];
  let k = 0;
  for (;;) {
    const t = tokens[k];
    if (t?.t !== 'ref' || t.base === 'dot' || t.base === 'root' || t.fields.length) return null;
    names.push(t.base);
    const p = tokens[k + 1];
    if (p?.t === 'punct' && p.value === ',') {
      k += 2;
      continue;
    }
    if (p?.t === 'punct' && (p.value === ':=' || p.value === '=')) return { names, rest: tokens.slice(k + 2) };
    return null;
  }
}

/** Named templates (`define "name"`) of a chart: the actions of each body. */
export type Defines = Map<string, Action[]>;

/**
 * The `define` blocks of a template's actions: the name, the index of the `define` action and of
 * its `end` (actions.length when it is never closed).
 */
function defineBlocks(actions: Action[]): { name: string; at: number; end: number }[] {
  const out: { name: string; at: number; end: number }[] = [];
  for (let i = 0; i < actions.length; i++) {
    const tk = actions[i].tokens;
    if (!(tk[0]?.t === 'word' && tk[0].value === 'define' && tk[1]?.t === 'str')) continue;
    let depth = 1;
    let j = i + 1;
    for (; j < actions.length && depth > 0; j++) {
      const h = actions[j].tokens[0];
      const w = h?.t === 'word' ? h.value : null;
      if (w === 'if' || w === 'with' || w === 'range' || w === 'define' || w === 'block') depth++;
      else if (w === 'end') depth--;
    }
    out.push({ name: tk[1].value, at: i, end: depth === 0 ? j - 1 : actions.length });
    i = j - 1;
  }
  return out;
}

/** The `define` bodies in a template file's text. */
export function definesIn(text: string, into: Defines = new Map()): Defines {
  const actions = templateActions(text);
  for (const b of defineBlocks(actions)) into.set(b.name, actions.slice(b.at + 1, b.end));
  return into;
}

/** Where a named template's body is in its file: the lines between `define` and its `end` (1-based, inclusive). */
export interface DefineSpan {
  from: number;
  to: number;
}

/** The `define` bodies of a template file's text, by name, as line spans. */
export function defineSpans(text: string, into: Map<string, DefineSpan> = new Map()): Map<string, DefineSpan> {
  const actions = templateActions(text);
  for (const b of defineBlocks(actions)) {
    if (b.end >= actions.length) continue;
    const from = actions[b.at].line + 1;
    const to = actions[b.end].line - 1;
    if (to >= from) into.set(b.name, { from, to });
  }
  return into;
}

/** The named templates a template text includes (`include "x" ...`, `template "x" ...`), with the line of each call. */
export function includesIn(text: string): { name: string; line: number }[] {
  const out: { name: string; line: number }[] = [];
  for (const a of templateActions(text)) {
    const tk = a.tokens;
    for (let k = 0; k + 1 < tk.length; k++) {
      const w = tk[k];
      const n = tk[k + 1];
      if (w.t === 'word' && (w.value === 'include' || w.value === 'template') && n.t === 'str') out.push({ name: n.value, line: a.line });
    }
  }
  return out;
}

/** Paths read per line: by the line's own actions, and by the named templates it includes. */
export interface LineReads {
  direct: string[][][];
  included: string[][][];
}

const MAX_INCLUDE_DEPTH = 3;

/**
 * For each line (index 0 = line 1) of a template, the `.Values` paths its actions read, in order
 * of appearance (an action spanning lines counts on the line it starts); `included`: the paths read
 * by the named templates it calls (`include "x" ARG`, `template "x" ARG`, with the argument as their
 * dot, up to 3 levels deep), when `defines` is given.
 */
export function valuesReadByLine(text: string, lineCount: number, defines?: Defines): LineReads {
  const direct: string[][][] = Array.from({ length: lineCount }, () => []);
  const included: string[][][] = Array.from({ length: lineCount }, () => []);
  walk(templateActions(text), ROOT, defines, 0, (a, own, inc) => {
    if (direct[a.line - 1]) addPaths(direct[a.line - 1], own);
    if (included[a.line - 1]) addPaths(included[a.line - 1], inc);
  });
  return { direct, included };
}

/** The argument tokens of a call: up to the end of its command (a `|` or the closing `)` at its level). */
function argumentOf(tokens: Token[], from: number): Token[] {
  let depth = 0;
  let k = from;
  for (; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.t !== 'punct') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')') {
      if (depth === 0) break;
      depth--;
    } else if (t.value === '|' && depth === 0) break;
  }
  return tokens.slice(from, k);
}

function walk(actions: Action[], start: Binding, defines: Defines | undefined, depth: number, onReads: (a: Action, own: string[][], included: string[][]) => void): void {
  let dot: Binding = start;
  let root: Binding = start;
  let vars = new Map<string, Binding>();
  const stack: Frame[] = [];
  const push = () => stack.push({ outer: dot, outerVars: vars, outerRoot: root });
  for (const a of actions) {
    const reads: string[][] = [];
    const inc: string[][] = [];
    const tk = a.tokens;
    const head = tk[0]?.t === 'word' ? tk[0].value : null;
    const body = tk.slice(1);
    if (head === 'end') {
      const f = stack.pop();
      if (f) {
        dot = f.outer;
        vars = f.outerVars;
        root = f.outerRoot;
      }
    } else if (head === 'else') {
      const f = stack[stack.length - 1];
      const chained = body[0]?.t === 'word' ? body[0].value : null;
      if (f) {
        dot = f.outer;
        vars = new Map(f.outerVars);
      }
      if (chained === 'with') {
        const decl = declaration(body.slice(1));
        const expr = decl ? decl.rest : body.slice(1);
        readsOf(expr, dot, root, vars, reads);
        const b = bindingOf(expr, dot, root, vars);
        if (decl) for (const name of decl.names) vars.set(name, b);
        dot = b;
      } else readsOf(body.slice(chained === 'if' ? 1 : 0), dot, root, vars, reads);
    } else if (head === 'with' || head === 'range') {
      const decl = declaration(body);
      const expr = decl ? decl.rest : body;
      readsOf(expr, dot, root, vars, reads);
      const b = bindingOf(expr, dot, root, vars);
      push();
      vars = new Map(vars);
      if (head === 'range') {
        // Ranging over a number or an unknown value: the element is unknown.
        const elem: Binding = b && !b.root ? { root: false, path: b.path, item: true } : null;
        if (decl?.names.length === 2) {
          vars.set(decl.names[0], null);
          vars.set(decl.names[1], elem);
        } else if (decl) vars.set(decl.names[0], elem);
        dot = elem;
      } else {
        if (decl) for (const name of decl.names) vars.set(name, b);
        dot = b;
      }
    } else if (head === 'if') {
      readsOf(body, dot, root, vars, reads);
      push();
      vars = new Map(vars);
    } else if (head === 'define' || head === 'block') {
      const b = head === 'block' ? bindingOf(body.slice(1), dot, root, vars) : null;
      if (head === 'block') readsOf(body.slice(1), dot, root, vars, reads);
      push();
      vars = new Map();
      dot = b;
      root = b;
    } else {
      const decl = declaration(tk);
      if (decl) {
        readsOf(decl.rest, dot, root, vars, reads);
        const b = bindingOf(decl.rest, dot, root, vars);
        for (const name of decl.names) vars.set(name, b);
      } else readsOf(tk, dot, root, vars, reads);
    }
    // Named templates called on this line, with their argument as dot.
    if (defines && depth < MAX_INCLUDE_DEPTH && head !== 'define' && head !== 'block') {
      for (let k = 0; k + 1 < tk.length; k++) {
        const w = tk[k];
        const name = tk[k + 1];
        if (w.t !== 'word' || (w.value !== 'include' && w.value !== 'template') || name.t !== 'str') continue;
        const callee = defines.get(name.value);
        if (!callee) continue;
        const arg = bindingOf(argumentOf(tk, k + 2), dot, root, vars);
        walk(callee, arg, defines, depth + 1, (_, own, deeper) => {
          for (const r of [...own, ...deeper]) inc.push(r);
        });
      }
    }
    onReads(a, reads, inc);
  }
}
