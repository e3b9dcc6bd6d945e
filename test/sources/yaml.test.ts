import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml, resolvePlain, LineIndex } from '../../src/sources/yaml.js';
import { loadText } from '../../src/sources/resources.js';

function one(text: string): unknown {
  const r = parseYaml(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.level === 'error'), []);
  return r.docs[0]?.value;
}

describe('scalars decode as kubectl (sigs.k8s.io/yaml over go-yaml v2) decodes them', () => {
  const table: [string, unknown][] = [
    ['yes', true], ['no', false], ['on', true], ['off', false], ['y', true], ['n', false], ['Yes', true], ['NO', false],
    ['True', true], ['FALSE', false], ['0644', 420], ['0o644', 420], ['010', 8], ['08', 8], ['0x1F', 31], ['0b101', 5],
    ['1_000', 1000], ['-12', -12], ['+7', 7], ['1e3', 1000], ['1.5', 1.5], ['.5', 0.5], ['1.', 1],
    ['1:20', '1:20'], ['2001-12-14', '2001-12-14'], ['2001-12-14T21:59:43.10-05:00', '2001-12-14T21:59:43.10-05:00'],
    ['~', null], ['null', null], ['Null', null], ['', null], ['.inf', Infinity], ['-.Inf', -Infinity],
    ['500m', '500m'], ['1Gi', '1Gi'], ['0.0.0.0', '0.0.0.0'], ['1.2.3', '1.2.3'], ['v1', 'v1'], ['Yess', 'Yess'],
    // The fast paths (plain words, plain decimal integers) and their edges.
    ['8080', 8080], ['0', 0], ['7', 7], ['123456789012345', 123456789012345], ['1234567890123456', 1234567890123456],
    ['9223372036854775807', 9223372036854775807], ['18446744073709551616', 18446744073709551616], ['12abc', '12abc'], ['80_80', 8080],
    ['1e400', '1e400'], ['nginx', 'nginx'], ['Deployment', 'Deployment'], ['On', true], ['nope', 'nope'], ['Z', 'Z'], ['inf', 'inf'], ['NaN', 'NaN'],
  ];
  for (const [src, want] of table) {
    it(`${JSON.stringify(src)} -> ${String(want)}`, () => {
      assert.deepEqual(resolvePlain(src), want);
      if (src !== '') assert.deepEqual(one(`v: ${src}\n`), { v: want });
    });
  }
  it('.nan is NaN', () => assert.ok(Number.isNaN(resolvePlain('.nan') as number)));
  it('quoted and block scalars stay strings', () => {
    assert.deepEqual(one(`a: "yes"\nb: '0644'\nc: |\n  on\nd: !!str 10\n`), { a: 'yes', b: '0644', c: 'on\n', d: '10' });
  });
  it('explicit !!int and !!bool tags', () => {
    assert.deepEqual(one(`a: !!int "12"\nb: !!bool "yes"\n`), { a: 12, b: true });
  });
  it('non-string keys become strings, as sigs.k8s.io/yaml does (on: -> "true")', () => {
    assert.deepEqual(one(`on: 1\n1: x\ny: w\n`), { true: "w", "1": "x" });
  });
  it('a null map key fails the document, as kubectl does ("unsupported map key")', () => {
    const r = parseYaml(`a: 1\nnull: z\n`);
    assert.equal(r.docs.length, 0);
    assert.match(r.diagnostics[0].message, /null map key/);
  });
  it('merge keys <<: explicit keys win, earlier merge sources win over later ones', () => {
    const v = one(`a: &a {x: 1, q: 1}\nb: &b {q: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 9\n`) as Record<string, unknown>;
    assert.deepEqual(v.c, { x: 9, q: 1, z: 2 });
  });
  it('duplicate keys: last wins, with a warning at the second key', () => {
    const r = parseYaml(`a: 1\nb: 2\na: 3\n`);
    assert.deepEqual(r.docs[0].value, { a: 3, b: 2 });
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].level, 'warning');
    assert.equal(new LineIndex(`a: 1\nb: 2\na: 3\n`).locate(r.diagnostics[0].offset).line, 3);
  });
  it('a __proto__ key is data, not a prototype', () => {
    const v = one(`__proto__: {polluted: true}\n`) as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('documents and errors', () => {
  it('a broken document is reported with its line; the others are kept', () => {
    const text = `kind: A\napiVersion: v1\nmetadata: {name: one}\n---\nkind: B\n  bad: indentation\n---\nkind: C\napiVersion: v1\nmetadata: {name: three}\n`;
    const r = loadText(text, 'f.yaml');
    assert.deepEqual(r.resources.map((x) => x.name), ['one', 'three']);
    const errs = r.problems.filter((p) => p.level === 'error');
    assert.equal(errs.length, 1);
    assert.equal(errs[0].file, 'f.yaml');
    assert.ok(errs[0].line! >= 5 && errs[0].line! <= 6, `line ${errs[0].line}`);
  });
  it('a name or namespace that is not a string (n, yes, a number) is an input error on its line, as kubectl rejects it', () => {
    const r = loadText(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: n\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: 2024, namespace: "n"}\n`, 'f.yaml');
    assert.deepEqual(
      r.problems.map((p) => `${p.level} ${p.line}:${p.column} ${p.message}`),
      [
        'error 5:3 metadata.namespace: false is not a string (an unquoted y/n/yes/no/on/off is a YAML 1.1 boolean): kubectl rejects the object; quote the value',
        'error 12:14 metadata.name: 2024 is not a string: kubectl rejects the object; quote the value',
      ],
    );
    // Quoted, both are fine.
    assert.deepEqual(loadText(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "2024", namespace: "n"}\n`, 'g.yaml').problems, []);
  });
  it('documents without apiVersion/kind are skipped and counted', () => {
    const r = loadText(`foo: bar\n---\n- a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`, 'f.yaml');
    assert.equal(r.resources.length, 1);
    assert.equal(r.skipped, 2);
  });
  it('kind: List and *List items become resources with positions', () => {
    const r = loadText(`apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n`, 'l.yaml');
    assert.deepEqual(r.resources.map((x) => `${x.kind}/${x.name}`), ['ConfigMap/a', 'Secret/b']);
    assert.equal(r.resources[1].origin.locate(['metadata', 'name'])!.line, 10);
    assert.equal(r.resources[1].origin.listIndex, 1);
  });
  it('JSON input parses with positions', () => {
    const r = loadText(`{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"},\n  "spec": {"containers": [{"name": "c", "image": "x"}]}\n}\n`, 'p.json');
    assert.equal(r.resources[0].name, 'p');
    assert.equal(r.resources[0].origin.locate(['spec', 'containers', 0, 'image'])!.line, 5);
  });
  it('locate() falls back to the deepest existing ancestor for missing fields', () => {
    const r = loadText(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n`, 'p.yaml');
    const at = r.resources[0].origin.locate(['spec', 'containers', 0, 'resources', 'limits']);
    assert.deepEqual(at, { line: 6, column: 5, exact: false });
    assert.deepEqual(r.resources[0].origin.locate(['spec', 'containers', 0, 'image']), { line: 7, column: 5, exact: true });
  });
  it('CRLF line endings keep correct lines', () => {
    const r = loadText(`apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\n`, 'p.yaml');
    assert.equal(r.resources[0].origin.locate(['metadata', 'name'])!.line, 4);
  });
  it('documents in large multi-chunk streams keep their lines and indexes', () => {
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) parts.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: "${'x'.repeat(200)}"\n`);
    const text = parts.join('---\n');
    const r = loadText(text, 'big.yaml');
    assert.equal(r.resources.length, 3000);
    assert.equal(r.resources[2999].origin.doc, 2999);
    assert.equal(r.resources[2999].origin.locate(['metadata', 'name'])!.line, 2999 * 7 + 4);
  });
});

describe('hostile input', () => {
  it('billion laughs is refused in bounded time', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(97 + i - 1);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + p).join(',')}]`);
    }
    const t = Date.now();
    const r = parseYaml(levels.join('\n') + '\n');
    assert.equal(r.docs.length, 0);
    assert.match(r.diagnostics[0].message, /excessive aliasing/);
    assert.ok(Date.now() - t < 2000);
  });
  it('10,000-deep nesting is one error, not a crash', () => {
    const r = parseYaml('a: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n');
    assert.equal(r.docs.length, 0);
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0].message, /maxDepth|too deep/);
  });
  it('10,000-deep block nesting too', () => {
    let s = '';
    for (let i = 0; i < 10000; i++) s += ' '.repeat(i) + `k${i}:\n`;
    const r = parseYaml(s);
    assert.equal(r.diagnostics.length, 1);
  });
  it('self-referencing anchors are an error', () => {
    const r = parseYaml('a: &a [1, *a]\n');
    assert.match(r.diagnostics[0].message, /contains itself|unknown anchor/);
  });
});

describe('chunked loading of large files', () => {
  it('a buffer cut into chunks gives the same resources, lines and document indexes as one text', async () => {
    const { loadBuffer } = await import('../../src/sources/resources.js');
    const parts: string[] = [];
    for (let i = 0; i < 400; i++) parts.push(`# doc ${i} – ünïcode\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: "${'x'.repeat(100)}"\n`);
    const text = parts.join('---\n');
    const whole = loadText(text, 'w.yaml');
    const chunked = loadBuffer(Buffer.from(text), 'w.yaml', { chunkBytes: 4096 });
    assert.equal(chunked.resources.length, 400);
    for (const i of [0, 1, 57, 399]) {
      assert.equal(chunked.resources[i].name, `c${i}`);
      assert.equal(chunked.resources[i].origin.doc, whole.resources[i].origin.doc);
      assert.deepEqual(chunked.resources[i].origin.locate(['data', 'k']), whole.resources[i].origin.locate(['data', 'k']));
    }
  });
});

describe('events parsed in a worker thread', () => {
  it('building from flat events gives exactly what parsing here gives (corpus sample)', async () => {
    const { parseEventsFlat } = await import('../../src/sources/yaml.js');
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const root = new URL('../../../shared/corpus/real/', import.meta.url);
    let checked = 0;
    const walk = (dir: URL) => {
      for (const e of readdirSync(dir)) {
        const u = new URL(e, dir);
        if (statSync(u).isDirectory()) walk(new URL(e + '/', dir));
        else if (/\.(ya?ml|json)$/.test(e) && checked < 400) {
          const text = readFileSync(u, 'utf8');
          let flat: Int32Array | null = null;
          try {
            flat = parseEventsFlat(text);
          } catch {
            flat = null;
          }
          const a = parseYaml(text);
          const b = parseYaml(text, { events: flat });
          assert.deepEqual(b.docs.map((d) => [d.index, d.offset, d.value]), a.docs.map((d) => [d.index, d.offset, d.value]), e);
          assert.deepEqual(b.diagnostics, a.diagnostics, e);
          checked++;
        }
      }
    };
    try {
      statSync(root);
    } catch {
      return;
    }
    walk(root);
    assert.ok(checked > 100);
  });
  it('loadInputs with worker threads gives the same resources and lines as without', async () => {
    const { loadInputs } = await import('../../src/sources/files.js');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'kr-par-'));
    try {
      const parts: string[] = [];
      for (let i = 0; i < 3000; i++) parts.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: "x:${'1'.repeat(i % 50)}"\n`);
      parts.splice(1500, 0, 'bad: [\n');
      writeFileSync(join(dir, 'big.yaml'), parts.join('---\n'));
      const a = await loadInputs(['big.yaml'], { cwd: dir, workers: 0 });
      const b = await loadInputs(['big.yaml'], { cwd: dir, workers: 2 });
      assert.equal(b.resources.length, 3000);
      assert.deepEqual(b.problems, a.problems);
      for (const i of [0, 1499, 1500, 2999]) {
        assert.deepEqual(b.resources[i].object, a.resources[i].object);
        assert.deepEqual(b.resources[i].origin.locate(['spec', 'template', 'spec', 'containers', 0, 'image']), a.resources[i].origin.locate(['spec', 'template', 'spec', 'containers', 0, 'image']));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
