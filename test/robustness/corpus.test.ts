/**
 * Every file of the real-world corpus (../shared/corpus/real, 2,497 manifests from 13 public
 * repositories) goes through the real CLI in one run, and through the loader one file at a time.
 * Nothing may crash, every check must survive every object, broken files must be reported with
 * a line, and files with duplicate keys must be warned about and still audited.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { auditJson, stackTraceLines, type CliResult } from '../helpers/cli.js';
import { loadText } from '../../src/sources/resources.js';
import { toWorkload } from '../../src/model/workload.js';
import type { Report } from '../../src/engine/report-types.js';
import { CORPUS_DIR, CORPUS_SKIP, corpusFiles, corpusPresent, corpusRel, readManifest, type ManifestRow } from './corpus.js';

const present = corpusPresent();
const DUPLICATE_KEYS = 'Map keys must be unique';

describe('real-world corpus', { skip: present ? false : CORPUS_SKIP }, () => {
  let files: string[] = [];
  let rows: ManifestRow[] = [];
  let run: CliResult & { report: Report };
  let rendered: CliResult & { report: Report };
  /** Per file: what loadText made of it, or what it threw. */
  const loaded = new Map<string, ReturnType<typeof loadText> | { threw: string }>();

  before(async () => {
    files = corpusFiles();
    rows = readManifest();
    for (const f of files) {
      const rel = corpusRel(f);
      try {
        const r = loadText(readFileSync(f, 'utf8'), rel);
        for (const x of r.resources) {
          // locate() runs lazily in the engine; it must not throw either.
          x.origin.locate(['metadata', 'name']);
          x.origin.locate(['spec', 'template', 'spec', 'containers', 0, 'image']);
        }
        loaded.set(rel, r);
      } catch (e) {
        loaded.set(rel, { threw: String((e as Error)?.stack ?? e) });
      }
    }
    // Paths in the report are relative to the working directory: run from the corpus root so
    // they match MANIFEST.tsv's `owner__repo/path`.
    // --no-render: every file as the plain YAML it is (the loader's view, file by file). The corpus
    // has kustomizations whose bases or remote resources are not in it; the rendered run is below.
    run = await auditJson(['.'], { cwd: CORPUS_DIR }, ['--no-render']);
    rendered = await auditJson(['.'], { cwd: CORPUS_DIR });
  });

  it('rendered (charts and kustomizations built): exit 0 or 1, no stack trace, each failed render one line naming its folder', () => {
    assert.ok(rendered.code === 0 || rendered.code === 1, `exit code ${rendered.code}\nstderr: ${rendered.stderr.slice(0, 2000)}`);
    assert.deepEqual(stackTraceLines(rendered.stdout), []);
    const internal = rendered.report.problems.filter((p) => p.message.startsWith('internal:'));
    assert.deepEqual(internal.map((p) => `${p.file}: ${p.message}`), []);
    const renderErrors = rendered.report.problems.filter((p) => /kustomize failed|helm .*failed|template failed/.test(p.message));
    for (const p of renderErrors) assert.ok(p.file && !p.message.includes('\n'), `one line per failed render: ${JSON.stringify(p)}`);
    assert.ok((rendered.report.renders ?? []).length > 0, 'the corpus has kustomizations; some must render');
    assert.ok(rendered.report.summary.workloads > 300, `only ${rendered.report.summary.workloads} workloads when rendering`);
  });

  it('MANIFEST.tsv describes exactly the files on disk', () => {
    assert.ok(files.length > 2000, `only ${files.length} files found under ${CORPUS_DIR}`);
    assert.deepEqual(files.map(corpusRel), rows.map((r) => r.file).sort());
  });

  it('one CLI run over the whole corpus: exit 0 or 1, every file read, no internal error, no stack trace', () => {
    assert.ok(run.code === 0 || run.code === 1, `exit code ${run.code}\nstderr: ${run.stderr.slice(0, 2000)}`);
    // One line says why the exit code is 1 (the findings gate).
    assert.match(run.stderr, /^kubeready: exit 1: \d+ errors at or above --fail-on error \([a-z-]+, [a-z-]+, [a-z-]+ and \d+ more checks\); \d+ input errors \(files or objects that could not be read as valid Kubernetes input\)\n$/);
    assert.deepEqual(stackTraceLines(run.stdout), []);
    assert.equal(run.report.summary.files, files.length);
    const internal = run.report.problems.filter((p) => p.message.startsWith('internal:'));
    assert.deepEqual(internal.map((p) => `${p.file}:${p.line}: ${p.message}`), [], 'a check threw on a real manifest');
    // Every workload the loader finds gets a verdict (a run that audited nothing is broken, not clean).
    let workloads = 0;
    for (const r of loaded.values()) if (!('threw' in r)) workloads += r.resources.filter((x) => toWorkload(x) !== null).length;
    assert.ok(workloads > 500, `only ${workloads} workloads in the corpus?`);
    assert.equal(run.report.summary.workloads, workloads);
    assert.ok(run.report.verdicts.every((v) => v.location.file && v.location.line !== null));
  });

  it('files with YAML syntax errors are input errors with a line; no other file is', () => {
    const syntax = rows.filter((r) => r.flags.includes('parse_error') && r.error !== DUPLICATE_KEYS);
    assert.ok(syntax.length >= 5, `MANIFEST.tsv lists only ${syntax.length} syntax errors`);
    const errors = run.report.problems.filter((p) => p.level === 'error');
    for (const r of syntax) {
      const mine = errors.filter((p) => p.file === r.file);
      assert.ok(mine.length >= 1, `${r.file} (${r.error}) is not reported as an input error`);
      for (const p of mine) {
        assert.ok(typeof p.line === 'number' && p.line >= 1, `${r.file}: no line in "${p.message}"`);
        assert.ok(p.message.length > 0 && !p.message.includes('\n'), `${r.file}: message must be one line: ${JSON.stringify(p.message)}`);
      }
    }
    const expected = new Set(syntax.map((r) => r.file));
    // Besides syntax errors, the only input errors are objects the API server rejects for their
    // shape: kubeconform's invalid.yaml fixtures, a ReplicationController whose template is misspelt.
    const invalidObjects = ['yannh__kubeconform/fixtures/invalid.yaml', 'yannh__kubeconform/fixtures/list_invalid.yaml'];
    const unexpected = errors.filter((p) => !expected.has(p.file) && !(invalidObjects.includes(p.file) && /^ReplicationController\/bob has no spec\.template \(it has "templates": a typo of "template"\?\)/.test(p.message)));
    assert.deepEqual(unexpected.map((p) => `${p.file}:${p.line}: ${p.message}`), [], 'files the reference parser reads are rejected');
    for (const f of invalidObjects) assert.ok(errors.some((p) => p.file === f && /a typo of "template"/.test(p.message)), `${f}: the misspelt template is not reported`);
    assert.equal(run.report.summary.inputErrors, errors.length);
    assert.equal(run.code, 1, 'input errors make the exit code 1');
  });

  it('files with duplicate keys are warned about (with a line) and their objects still audited', () => {
    const dups = rows.filter((r) => r.error === DUPLICATE_KEYS);
    assert.ok(dups.length >= 5, `MANIFEST.tsv lists only ${dups.length} duplicate-key files`);
    let workloadFiles = 0;
    for (const r of dups) {
      const warns = run.report.problems.filter((p) => p.file === r.file && p.level === 'warning' && /duplicate key/.test(p.message));
      assert.ok(warns.length >= 1, `${r.file}: no duplicate-key warning`);
      assert.ok(warns.every((p) => typeof p.line === 'number' && p.line >= 1), `${r.file}: duplicate-key warning without a line`);
      assert.ok(!run.report.problems.some((p) => p.file === r.file && p.level === 'error'), `${r.file}: a duplicate key must not be an input error`);
      const l = loaded.get(r.file);
      assert.ok(l && !('threw' in l), `${r.file}: not loaded`);
      assert.ok(l.resources.length >= 1, `${r.file}: its objects were dropped`);
      if (l.resources.some((x) => toWorkload(x) !== null)) {
        workloadFiles++;
        assert.ok(run.report.verdicts.some((v) => v.location.file === r.file), `${r.file}: its workload was not audited`);
      }
    }
    assert.ok(workloadFiles >= 3, `only ${workloadFiles} duplicate-key files hold a workload; the check above proves little`);
  });

  it('every file loads on its own through loadText without throwing, and yields the objects MANIFEST.tsv counts', () => {
    const byFile = new Map(rows.map((r) => [r.file, r]));
    const threw = [...loaded].filter(([, r]) => 'threw' in r).map(([f, r]) => `${f}: ${(r as { threw: string }).threw}`);
    assert.deepEqual(threw, [], 'loadText threw');
    assert.equal(loaded.size, files.length);
    const mismatches: string[] = [];
    for (const [rel, l] of loaded) {
      if ('threw' in l) continue;
      const row = byFile.get(rel)!;
      // Lists are expanded into their items here (MANIFEST counts the List); files with parse
      // errors lost documents in the reference parser. Everything else must match kind for kind.
      if (row.flags.includes('list') || row.flags.includes('parse_error')) continue;
      const kinds = new Map<string, number>();
      for (const r of l.resources) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      const ours = [...kinds].map(([k, n]) => `${k}:${n}`).sort().join(',');
      const want = row.kinds.split(',').filter(Boolean).sort().join(',');
      if (ours !== want) mismatches.push(`${rel}: loaded ${ours || '(nothing)'}, MANIFEST.tsv says ${want || '(nothing)'}`);
    }
    assert.deepEqual(mismatches, []);
  });
});
