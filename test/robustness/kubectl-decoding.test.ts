/**
 * Differential test: our YAML decoding against kubectl's own (sigs.k8s.io/yaml over go-yaml v2,
 * via tools/yaml-diff, a small Go program built here once). For a table of tricky inputs and for
 * every document of the real-world corpus, the JSON kubectl would send must equal what we decode.
 *
 * Skipped (never failed) when the Go toolchain or the module download is unavailable.
 *
 * Known, accepted differences (not compared):
 * - `.inf`, `-.inf`, `.nan`: go-yaml decodes them, but Go's JSON encoder refuses them, so kubectl
 *   fails on the document ("json: unsupported value: +Inf"); we decode them to ±Infinity/NaN and
 *   let the checks see a number. The table asserts both halves of that.
 * - YAML 1.1 line breaks (U+0085, U+2028, U+2029) and `---` after a lone CR: go-yaml breaks lines
 *   there, js-yaml (YAML 1.2) does not. Not tested.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseYaml } from '../../src/sources/yaml.js';
import { CORPUS_SKIP, corpusFiles, corpusPresent, corpusRel } from './corpus.js';

const TOOL_DIR = fileURLToPath(new URL('../../tools/yaml-diff/', import.meta.url));
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/kubeready/yaml-diff/', import.meta.url));
const BIN = join(CACHE_DIR, process.platform === 'win32' ? 'yaml-diff.exe' : 'yaml-diff');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type GoDoc = { value: Json } | { error: string };

/** Build tools/yaml-diff; a reason to skip when Go or its modules are not available. */
function build(): { skip: string } | { ok: true } {
  const env = { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod`.trim(), GOTOOLCHAIN: 'local' };
  const version = spawnSync('go', ['version'], { encoding: 'utf8', env });
  if (version.error || version.status !== 0) return { skip: `Go toolchain not available (${version.error?.message ?? version.stderr.trim()}); kubectl decoding not compared` };
  mkdirSync(CACHE_DIR, { recursive: true });
  const r = spawnSync('go', ['build', '-o', BIN, '.'], { cwd: TOOL_DIR, encoding: 'utf8', env, timeout: 600_000 });
  if (r.status === 0) return { ok: true };
  const why = `${r.error?.message ?? ''}${r.stderr ?? ''}`.trim();
  // Only a missing network or module proxy is a reason to skip; a compile error is a failure.
  if (/dial tcp|lookup .*(no such host|server misbehaving)|i\/o timeout|connection refused|network is unreachable|proxy\.golang\.org|GOPROXY|GOFLAGS=-mod=mod|module lookup disabled|missing go\.sum entry|TLS handshake|x509|ETIMEDOUT|timed out/i.test(why)) {
    return { skip: `cannot fetch sigs.k8s.io/yaml (${why.split('\n').slice(-1)[0]}); kubectl decoding not compared` };
  }
  throw new Error(`go build tools/yaml-diff failed:\n${why}`);
}

/** Decode a YAML stream the kubectl way: one result per document. */
function goStream(text: string): GoDoc[] {
  const r = spawnSync(BIN, [], { input: text, encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as GoDoc);
}

/** Decode files the kubectl way: per file, one result per document. */
function goFiles(files: string[]): Map<string, GoDoc[]> {
  const out = new Map<string, GoDoc[]>();
  for (let i = 0; i < files.length; i += 400) {
    const r = spawnSync(BIN, files.slice(i, i + 400), { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.equal(r.status, 0, r.stderr);
    for (const l of r.stdout.split('\n').filter(Boolean)) {
      const row = JSON.parse(l) as { file: string; docs?: GoDoc[]; error?: string };
      assert.ok(row.docs, `yaml-diff could not read ${row.file}: ${row.error}`);
      out.set(row.file, row.docs);
    }
  }
  return out;
}

/** JSON with object keys sorted, so that key order does not matter. */
function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x,
  );
}

function hasNonFinite(v: Json): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v === null || typeof v !== 'object') return false;
  return Object.values(v).some((x) => hasNonFinite(x as Json));
}

/** Our side: the non-empty documents, or the first error. */
function ours(text: string): { values: Json[]; error: string | null } {
  const r = parseYaml(text);
  const err = r.diagnostics.find((d) => d.level === 'error');
  return { values: r.docs.map((d) => d.value).filter((v) => v !== null), error: err ? err.message : null };
}

function goSide(docs: GoDoc[]): { values: Json[]; errors: string[] } {
  const values: Json[] = [];
  const errors: string[] = [];
  for (const d of docs) {
    if ('error' in d) errors.push(d.error);
    else if (d.value !== null) values.push(d.value);
  }
  return { values, errors };
}

/** Tricky single documents: each decoded by both sides and compared. */
const SCALARS = [
  // YAML 1.1 booleans (go-yaml v2) and their look-alikes.
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'Yes', 'NO', 'On', 'OFF', 'True', 'FALSE', 'tRUE', 'yes!', 'true_',
  // Integers: octal (legacy and 0o), hex, binary, underscores, signs, 64-bit limits.
  '0644', '0o644', '0O17', '08', '010', '09.5', '00', '-0', '+0', '1_000', '1__0', '_1', '1_', '0_1', '0x1F', '0X1f', '0x_1F', '-0x1F', '+0x1F', '0b101', '-0b101', '0B11',
  '0o8', '0b2', '0x', '+-1', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '18446744073709551615', '18446744073709551616',
  '0xFFFFFFFFFFFFFFFF', '0x10000000000000000', '+0xFFFFFFFFFFFFFFFF', '-0x8000000000000001', '077777777777777777777777', '0o2000000000000000000000',
  '0b11111111111111111111111111111111111111111111111111111111111111111', '123456789012345678901',
  // Floats.
  '1e3', '1E3', '1e+3', '-1.5e-3', '1.', '-.5', '+.5', '.5e3', '.1_0', '.1__0', '._1', '0.0', '-0.0', '12e03', '0e0', '1e400', '-1e400', '.5e999', '1e-400', '3.14159265358979323846', '1_0.5', '0.000_1',
  // Sexagesimal and timestamps stay strings.
  '1:20', '190:20:30', '-1:20', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5',
  // Nulls and near misses.
  '~', 'null', 'Null', 'NULL', 'nUll', '', '.', '-', '+',
  // Kubernetes-looking strings.
  '500m', '1Gi', '0.0.0.0', '1.2.3', 'v1', '1,000', 'e3', '1.0e', '*.example.com'.replace('*', 'x'),
].map((s) => `v: ${s}\n`);

const DOCUMENTS = [
  ...SCALARS,
  // Keys: booleans, numbers, floats (formatted as Go does), quoted keys.
  'on: 1\noff: 2\n', 'y: 1\nn: 2\n', '1: a\n', '0x10: a\n', '010: a\n', '1_000: a\n', '+12: a\n', '08: a\n', '1.5: a\n', '1e3: a\n', '1e6: a\n', '0.1: a\n',
  '0.00001: a\n', '1234567.0: a\n', '3.14159265358979: a\n', '-0.0: a\n', '.inf: a\n', '-.inf: a\n', '.nan: a\n', '1e39: a\n', '9223372036854775807: a\n',
  '-9223372036854775808: a\n', '2001-12-14: a\n', '"": a\n', '!!str ~: a\n', '"yes": a\n', '!!float 1234567: x\n', '!!int "12": x\n',
  // Keys kubectl cannot decode at all: both sides must fail the document.
  'null: a\n', '~: a\n', '? [a]\n: b\n', '{a: 1}: x\n', '9223372036854775808: a\n',
  // Merge keys and anchors.
  'a: &a {x: 1, y: 2}\nb:\n  <<: *a\n  y: 3\n', 'a: &a {x: 1}\nb: &b {x: 2, z: 3}\nc:\n  <<: [*a, *b]\n  x: 9\n', '<<: {a: 1}\n', 'a: 1\n<<: {a: 2}\n',
  '<<: {a: 1}\n<<: {a: 2}\n', '"<<": {a: 1}\n', '!!merge <<: {a: 1}\n', 'k: &k <<\n*k : {a: 1}\n', '<<: 5\n', '<<: [5]\n', '<<: ~\n', '<<: []\n',
  'a: &x 5\nb: *x\n', 'a: &x [1,2]\nb: [*x, *x]\n', 'k: &a 1\n*a : b\n', 'a: *nope\n',
  // Tags.
  'a: !!str 010\n', 'a: !!int "0x1F"\n', 'a: !!float 1\n', 'a: !!bool yes\n', 'a: !!bool "true"\n', 'a: !!null ~\n', 'a: !!null ""\n', 'a: !custom 12\n', 'a: !Ref yes\n',
  'a: !custom\n', 'a: !!str\n', 'a: !!null\n', 'a: !!null x\n', 'a: !!int abc\n', 'a: !!int 1.5\n', 'a: !!float abc\n', 'a: !!bool 1\n', 'a: !!int\n',
  'a: !!binary aGVsbG8=\n', 'a: !!binary |\n  aGVs\n  bG8=\n', 'a: !!binary "aGVs bG8="\n', 'a: !!binary "!!"\n', 'a: !!timestamp 2001-12-14\n',
  'a: !!map {b: 1}\n', 'a: !!seq [1]\n', 'a: !!str [1]\n', 'a: !!set {x, y}\n', 'a: !!omap [{x: 1}]\n',
  // Strings and block scalars (with and without a final newline: the file may end right there).
  'a: "\\u00e9\\x41\\t"\n', "a: 'it''s'\n", 'a: b\n  c\n  d\n', 'a: "multi\n  line"\n', 'a: |\n  x\n  y\n', 'a: |\n  x\n  y', 'a: |+\n  x\n\n', 'a: |+\n  x\n\n  ',
  'a: |+\n  x\n  y', 'a: |-\n  x\n', 'a: >\n  x\n\n  y', 'a: >\n  x\n  y\n', 'a: |2\n   x\n   y', 'a: |\n  x\n  # not a comment', 'a: |\n  x\n# a comment',
  'a: |', 'a: |\n\n', '- |\n  x', 'a: |\r\n  x\r\n  y',
  // Structure.
  '- a\n-\n- ~\n', '? a\n', 'a:\nb:\n', 'a: 1 # c\n', 'a: [1, 2,]\n', 'a: {b: , c: 1}\n', '\ufeffa: 1\n', 'a:\t1\n', 'key with spaces: x\n', '"quoted key": y\n',
  'a: 1\na: 2\n', '__proto__: {x: 1}\n', 'constructor: 1\ntoString: 2\n',
  // Syntax errors: both sides must fail.
  'a: -\n', 'a: @x\n', 'a: `x\n', 'a: %x\n', 'a: |\n  x\n b: 1\n', 'a: [1, 2\n', 'a: "x\n', 'a:\n  - b\n  c: d\n',
];

/** Whole streams (several documents): compared as the sequence of non-empty documents. */
const STREAMS = [
  'a: 1\n---\nb: 2\n', '---\na: 1\n---\n', '---\n- x\n...\n---\n- y\n', '# c\n---\n# only a comment\n---\na: 1\n', 'a: |\n  x\n---\nb: |\n  y',
  '---\n---\n---\n', 'a: &x 1\n---\nb: 2\n', 'a: 1\n--- # comment\nb: 2\n',
];

const built = (() => {
  try {
    return build();
  } catch (e) {
    return { error: e as Error };
  }
})();
const skip = 'skip' in built ? built.skip : false;

describe('YAML decoding matches kubectl (sigs.k8s.io/yaml, go-yaml v2)', { skip }, () => {
  before(() => {
    if ('error' in built) throw built.error;
  });

  it('the tool itself works (a known document, a known error)', () => {
    assert.deepEqual(goStream('a: yes\nb: 0644\n---\nc: [1, x]\n'), [{ value: { a: true, b: 420 } }, { value: { c: [1, 'x'] } }]);
    const [bad] = goStream('a: [1\n');
    assert.ok('error' in bad);
  });

  it(`${DOCUMENTS.length} tricky documents decode to the same JSON`, () => {
    const diffs: string[] = [];
    for (const text of DOCUMENTS) {
      const go = goSide(goStream(text));
      const us = ours(text);
      const show = JSON.stringify(text);
      if (go.errors.length) {
        if (us.error !== null) continue;
        // kubectl decodes ±Infinity and NaN but cannot encode them as JSON.
        if (go.errors.every((e) => /json: unsupported value: (\+Inf|-Inf|NaN)/.test(e)) && us.values.some(hasNonFinite)) continue;
        diffs.push(`${show}: kubectl fails (${go.errors.join('; ')}), we decode ${canon(us.values)}`);
        continue;
      }
      if (us.error !== null) {
        diffs.push(`${show}: kubectl decodes ${canon(go.values)}, we fail (${us.error})`);
        continue;
      }
      if (canon(us.values) !== canon(go.values)) diffs.push(`${show}: kubectl ${canon(go.values)}, we ${canon(us.values)}`);
    }
    assert.deepEqual(diffs, []);
  });

  it('.inf and .nan: kubectl cannot send them (a JSON error); we decode them as numbers', () => {
    for (const [text, want] of [['v: .inf\n', Infinity], ['v: -.Inf\n', -Infinity], ['v: .NaN\n', NaN]] as const) {
      const [go] = goStream(text);
      assert.ok('error' in go && /json: unsupported value/.test(go.error), `${text}: ${JSON.stringify(go)}`);
      assert.deepEqual(parseYaml(text).docs[0].value, { v: want });
    }
  });

  it(`${STREAMS.length} multi-document streams split into the same documents`, () => {
    for (const text of STREAMS) {
      const go = goSide(goStream(text));
      const us = ours(text);
      assert.deepEqual(go.errors, [], `${JSON.stringify(text)}: kubectl fails: ${go.errors}`);
      assert.equal(us.error, null, `${JSON.stringify(text)}: we fail: ${us.error}`);
      assert.equal(canon(us.values), canon(go.values), JSON.stringify(text));
    }
  });

  it('every document of the real-world corpus that both sides decode is identical', { skip: corpusPresent() ? false : CORPUS_SKIP }, () => {
    const files = corpusFiles();
    const go = goFiles(files);
    let compared = 0;
    const diffs: string[] = [];
    const disagreements: string[] = [];
    for (const f of files) {
      const rel = corpusRel(f);
      const g = goSide(go.get(f)!);
      const r = parseYaml(readFileSync(f, 'utf8'));
      const errors = r.diagnostics.filter((d) => d.level === 'error');
      // Whether a file is broken at all must agree (NaN/Infinity aside: kubectl fails on those).
      const goBroken = g.errors.filter((e) => !/json: unsupported value/.test(e)).length > 0;
      if (goBroken !== errors.length > 0) disagreements.push(`${rel}: kubectl ${goBroken ? `fails (${g.errors})` : 'decodes it'}, we ${errors.length ? `fail (${errors[0].message})` : 'decode it'}`);
      const values = r.docs.map((d) => d.value).filter((v) => v !== null && !hasNonFinite(v));
      if (g.errors.length || errors.length) {
        // Both isolate a broken document: the documents each side did decode must match up.
        const a = values.map(canon).sort();
        const b = g.values.map(canon).sort();
        if (canon(a) !== canon(b)) diffs.push(`${rel}: the documents decoded around the broken one differ`);
        compared += b.length;
        continue;
      }
      if (values.length !== g.values.length) {
        diffs.push(`${rel}: ${values.length} documents here, ${g.values.length} for kubectl`);
        continue;
      }
      values.forEach((v, i) => {
        compared++;
        const a = canon(v);
        const b = canon(g.values[i]);
        if (a === b) return;
        let k = 0;
        while (a[k] === b[k]) k++;
        diffs.push(`${rel} document ${i}: ...${a.slice(Math.max(0, k - 60), k + 60)}... here, ...${b.slice(Math.max(0, k - 60), k + 60)}... for kubectl`);
      });
    }
    assert.deepEqual(disagreements, []);
    assert.deepEqual(diffs, []);
    assert.ok(compared > 4000, `only ${compared} documents compared`);
  });
});
