/**
 * Documents loaded without positions (kinds no check reads field by field) are re-parsed when one of
 * their fields is located; a large one only up to the end of the top-level key the path starts with,
 * and the object itself is located from its document offset without a re-parse. Every answer must be
 * the one an eager load (positions recorded while loading) gives.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadText } from '../../src/sources/resources.js';
import type { FieldPath, Json, Resource } from '../../src/model/types.js';
import { CORPUS_SKIP, corpusFiles, corpusPresent, corpusRel } from '../robustness/corpus.js';

const isObj = (v: Json | undefined): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** [], every top-level key, every key one level down, and the first item of a top-level list. */
function pathsOf(obj: Record<string, Json>): FieldPath[] {
  const out: FieldPath[] = [[]];
  for (const [k, v] of Object.entries(obj)) {
    out.push([k]);
    if (isObj(v)) for (const k2 of Object.keys(v).slice(0, 20)) out.push([k, k2]);
    if (Array.isArray(v) && v.length > 0) out.push([k, 0]);
  }
  out.push(['spec', 'no-such-key'], ['no-such-key']);
  return out;
}

function locations(text: string, file: string, eager: boolean): { r: Resource; at: unknown[] }[] {
  const { resources } = loadText(text, file, eager ? {} : { keepPositions: () => false });
  return resources.map((r) => ({ r, at: pathsOf(r.object).map((p) => r.origin.locate(p)) }));
}

function assertSame(text: string, file = 'x.yaml'): number {
  const a = locations(text, file, true);
  const b = locations(text, file, false);
  assert.equal(b.length, a.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual(b[i].at, a[i].at, `${file}: ${a[i].r.kind}/${a[i].r.name}`);
    n += a[i].at.length;
  }
  return n;
}

/** A ConfigMap-like document with a top-level block of about `kib` KiB after metadata. */
function big(kib: number, head = '', opts: { crlf?: boolean; indent?: string } = {}): string {
  const lines = [`${head}apiVersion: v1`, 'kind: ConfigMap', 'metadata:', '  name: big', '  labels:', '    app: x', 'data:'];
  for (let i = 0; i * 40 < kib * 1024; i++) lines.push(`  key${i}: "${'v'.repeat(30)}"`);
  lines.push('binaryData: {}', 'immutable: true');
  const ind = opts.indent ?? '';
  return lines.map((l) => ind + l).join(opts.crlf ? '\r\n' : '\n') + (opts.crlf ? '\r\n' : '\n');
}

describe('lazy positions: the same locations as an eager load', () => {
  it('a large document at the start of the file, after ---, after comments, with CRLF', () => {
    assert.ok(assertSame(big(40)) > 10);
    assert.ok(assertSame(`---\n${big(40)}`) > 10);
    assert.ok(assertSame(`# a comment\n\n# another\n${big(40)}`) > 10);
    assert.ok(assertSame(big(40, '', { crlf: true })) > 10);
    assert.ok(assertSame(`kind: Namespace\napiVersion: v1\nmetadata:\n  name: a\n---\n${big(40)}---\n${big(20)}`) > 20);
  });

  it('roots a line scan cannot cut: indented, flow, quoted keys, a repeated key, one key only', () => {
    assertSame(big(40, '', { indent: '  ' }));
    const flow = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`k${i}`, 'v'.repeat(30)])) });
    assertSame(flow);
    assertSame(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j2' }, data: Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`k${i}`, 'v'.repeat(30)])) }, null, 2));
    assertSame(big(40).replace('kind: ConfigMap', '"kind": ConfigMap'));
    assertSame(big(40).replace('immutable: true', 'data:\n  again: "1"'));
    assertSame(`data:\n${'  k: v\n'.repeat(10)}${big(30).replace(/^apiVersion: v1\nkind: ConfigMap\n/, 'apiVersion: v1\nkind: ConfigMap\n')}`);
  });

  it('keys after a block scalar, an anchor used across keys, a document end marker', () => {
    const withScalar = big(30).replace('data:\n', 'notes: |\n  line one\n  kind: not a key\n\n  line three\ndata:\n');
    assertSame(withScalar);
    const anchored = big(30).replace('  labels:\n    app: x\n', '  labels: &l\n    app: x\n').replace('immutable: true', 'extra: *l');
    assertSame(anchored);
    assertSame(`${big(30)}...\n---\n${big(30)}`);
  });

  it('List items are located the same way', () => {
    const items = Array.from({ length: 3 }, (_, i) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c${i}\n  data:\n${'    k: v\n'.repeat(900)}`).join('');
    assertSame(`apiVersion: v1\nkind: List\nitems:\n${items}`);
  });

  it('every file of the real corpus', { skip: corpusPresent() ? false : CORPUS_SKIP }, () => {
    let n = 0;
    for (const f of corpusFiles()) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      n += assertSame(text, corpusRel(f));
    }
    assert.ok(n > 40000, `${n} locations compared`);
  });
});
