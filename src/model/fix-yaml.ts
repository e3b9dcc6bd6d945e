/**
 * A fix written relative to a pod template, rendered at the place it goes in one object: the pod
 * spec of a Deployment is at spec.template.spec, of a CronJob at spec.jobTemplate.spec.template.spec,
 * of a Pod at spec, of a custom resource wherever its template is; a container is named, in
 * `containers` or `initContainers`. So the snippet a finding shows is the one that applies to that
 * object as written (a check's documentation example is a Deployment's).
 */
import { dump } from 'js-yaml';
import type { FieldPath, Workload } from './types.js';
import { formatPath } from './util.js';

/** Where a check's fix goes: in the finding's container, the pod spec, the pod template's metadata, or the object itself. */
export type FixAnchor = 'container' | 'pod-spec' | 'pod-metadata' | 'object';

/** Plain YAML scalars that would read as something else (a boolean, a number, null) and so need quotes. */
const NOT_PLAIN = /^(?:y|n|yes|no|on|off|true|false|null|~|[-+.]?[0-9][0-9_.:eE+-]*|\.inf|\.nan)$/i;

/** `s` as a YAML scalar: plain when it reads back as the same string, else double-quoted. */
export function yamlScalar(s: string): string {
  return NOT_PLAIN.test(s) || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) ? JSON.stringify(s) : s;
}

function indent(text: string, by: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => (l.length ? by + l : l))
    .join('\n');
}

/** `path` as nested keys with `body` (already indented relative to the last key) under them. */
function nest(path: FieldPath, body: string): string {
  const lines: string[] = [];
  for (let i = 0; i < path.length; i++) lines.push(`${'  '.repeat(i)}${String(path[i])}:`);
  return [...lines, indent(body, '  '.repeat(path.length))].join('\n');
}

/**
 * `snippet` (YAML relative to the anchor) placed in `w`'s object: under the path of its pod spec,
 * pod metadata or the named container. Null when the anchor is a container the workload does not
 * have. A path through a list (a custom resource's second worker group) cannot be written as a merge
 * of keys: the snippet is then given relative to that list item, which a comment names.
 */
export function placeFix(w: Workload, at: FixAnchor, snippet: string, container?: string | null): string | null {
  const body = snippet.trimEnd();
  if (at === 'object') return body;
  let path: FieldPath;
  let tail: string;
  if (at === 'container') {
    const c = container === undefined || container === null ? undefined : w.containers.find((x) => x.name === container);
    if (!c || c.path.length < 2) return null;
    path = c.path.slice(0, -2);
    tail = `${String(c.path[c.path.length - 2])}:\n- name: ${yamlScalar(c.name)}\n${indent(body, '  ')}`;
  } else {
    path = at === 'pod-spec' ? w.podSpecPath : w.podMetaPath;
    if (!path.length) return body;
    tail = `${String(path[path.length - 1])}:\n${indent(body, '  ')}`;
    path = path.slice(0, -1);
  }
  // A Pod's spec cannot be changed once it runs (but for a few fields such as its images): kubectl apply
  // is refused, so say how it is applied.
  const pod = w.resource.kind === 'Pod' && at !== 'pod-metadata' && w.podSpecPath.length === 1 ? "# a Pod's spec cannot change once created: apply with kubectl replace --force -f FILE (it re-creates the Pod), or run it from a Deployment\n" : '';
  // Keys up to the last list index are written as a comment; the rest as nested keys.
  let cut = -1;
  for (let i = path.length - 1; i >= 0; i--) {
    if (typeof path[i] === 'number') {
      cut = i;
      break;
    }
  }
  if (cut < 0) return pod + nest(path, tail);
  return `${pod}# in ${formatPath(path.slice(0, cut + 1))}:\n${nest(path.slice(cut + 1), tail)}`;
}

const BLOCK = { lineWidth: -1, noRefs: true } as const;
const dumped = new Map<string, string>();

/**
 * `value` as block YAML (lines never folded, no anchors; flow style from `flowLevel` down; list items
 * at their key's indentation with `seqNoIndent`). Memoized on the value's JSON: the fixes of one
 * input repeat a few shapes (a replica count, a selector), and dumping costs far more than the key.
 */
export function toYaml(value: unknown, flowLevel = -1, seqNoIndent = false): string {
  const key = flowLevel === -1 && !seqNoIndent ? JSON.stringify(value) : `${flowLevel}\0${seqNoIndent ? 1 : 0}\0${JSON.stringify(value)}`;
  let y = dumped.get(key);
  if (y === undefined) {
    y = dump(value, flowLevel === -1 && !seqNoIndent ? BLOCK : { ...BLOCK, flowLevel, seqNoIndent });
    if (dumped.size >= 10_000) dumped.clear();
    dumped.set(key, y);
  }
  return y;
}

/** `value` on one line of flow YAML, strings double-quoted (for a value inside a sentence or command). */
export function flowYaml(value: unknown): string {
  return dump(value, { flowLevel: 0, lineWidth: -1, quoteStyle: 'double' }).trim();
}
