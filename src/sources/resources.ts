/** Turn parsed YAML/JSON text into resources with their origin. */
import type { FieldPath, JsonObject, Origin, Resource, SourcePosition } from '../model/types.js';
import { isObject } from '../model/util.js';
import { LineIndex, parseYaml, type Json, type PositionTable } from './yaml.js';

export interface InputProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
  level: 'error' | 'warning';
}

export interface LoadResult {
  resources: Resource[];
  problems: InputProblem[];
  /** Documents that are not Kubernetes objects (no apiVersion/kind): skipped and counted. */
  skipped: number;
  documents: number;
}

/** Make a locate() for an object stored in a positions table. */
function makeLocate(root: Json, positions: PositionTable, lines: LineIndex, basePath: FieldPath): Origin['locate'] {
  return (path: FieldPath) => {
    const full = [...basePath, ...path];
    let cur: Json = root;
    let offset: number | null = null;
    let exact = true;
    const rootPos = isObject(cur) || Array.isArray(cur) ? positions.get(cur as object) : undefined;
    if (rootPos) offset = rootPos.s;
    for (const p of full) {
      if (cur === null || typeof cur !== 'object') {
        exact = false;
        break;
      }
      const pos = positions.get(cur as object);
      let next: Json | undefined;
      let at: number | undefined;
      if (Array.isArray(cur)) {
        if (typeof p !== 'number' || p < 0 || p >= cur.length) {
          exact = false;
          break;
        }
        next = cur[p];
        at = pos?.i?.[p];
      } else {
        if (typeof p !== 'string' || !Object.prototype.hasOwnProperty.call(cur, p)) {
          exact = false;
          break;
        }
        next = (cur as JsonObject)[p];
        at = pos?.k?.[p];
      }
      if (at !== undefined) offset = at;
      cur = next!;
    }
    if (offset === null) return null;
    return { ...lines.locate(offset), exact };
  };
}

function sliceLocate(locate: Origin['locate']): Origin['locate'] {
  return locate;
}

/** Parse one file's text into resources. `file` is used for origins and messages only. */
export function loadText(text: string, file: string, opts: { json?: boolean } = {}): LoadResult {
  const out: LoadResult = { resources: [], problems: [], skipped: 0, documents: 0 };
  const lines = new LineIndex(text);
  // JSON is YAML (flow style), so one parser covers both and gives positions for both.
  const parsed = parseYaml(text);
  void opts;
  for (const d of parsed.diagnostics) {
    const pos = lines.locate(d.offset);
    out.problems.push({ file, line: pos.line, column: pos.column, message: d.message, level: d.level });
  }
  for (const doc of parsed.docs) {
    out.documents++;
    const v = doc.value;
    if (v === null) continue;
    if (!isObject(v) || typeof v.kind !== 'string' || typeof v.apiVersion !== 'string' || !v.kind || !v.apiVersion) {
      out.skipped++;
      continue;
    }
    const locate = makeLocate(v, parsed.positions, lines, []);
    if (/List$/.test(v.kind) && Array.isArray(v.items)) {
      v.items.forEach((item, i) => {
        if (!isObject(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
          out.skipped++;
          return;
        }
        const itemLocate = makeLocate(v, parsed.positions, lines, ['items', i]);
        out.resources.push(toResource(item, { file, doc: doc.index, listIndex: i, locate: sliceLocate(itemLocate) }));
      });
      continue;
    }
    out.resources.push(toResource(v, { file, doc: doc.index, locate }));
  }
  return out;
}

function toResource(obj: JsonObject, origin: Origin): Resource {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)';
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : undefined;
  return { apiVersion: obj.apiVersion as string, kind: obj.kind as string, name, namespace, object: obj, origin };
}

export type { SourcePosition };
