/**
 * The real-world corpus at ../shared/corpus/real (see ../shared/README.md): where it is, its
 * files, and MANIFEST.tsv. Tests that need it skip when it is absent (it is not in the repo).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/real', import.meta.url));

export const CORPUS_SKIP = `corpus not found at ${CORPUS_DIR} (it lives in ../shared, outside the repository); skipped`;

export function corpusPresent(): boolean {
  return existsSync(join(CORPUS_DIR, 'MANIFEST.tsv'));
}

/** Every manifest file under the corpus, absolute, sorted (MANIFEST.tsv itself excluded). */
export function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name !== 'MANIFEST.tsv') out.push(p);
    }
  };
  walk(CORPUS_DIR);
  return out.sort();
}

/** Path of a corpus file relative to the corpus root, with forward slashes. */
export function corpusRel(file: string): string {
  return relative(CORPUS_DIR, file).split(sep).join('/');
}

export interface ManifestRow {
  /** Path relative to the corpus root: `owner__repo/path/in/repo.yaml`. */
  file: string;
  repo: string;
  path: string;
  objects: number;
  docs: number;
  kinds: string;
  flags: string[];
  error: string;
}

export function readManifest(): ManifestRow[] {
  const lines = readFileSync(join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8').split('\n').filter(Boolean);
  const head = lines[0].split('\t');
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`MANIFEST.tsv has no column "${name}" (columns: ${head.join(', ')})`);
    return i;
  };
  const [repo, path, objects, docs, kinds, flags, error] = ['repo', 'path', 'objects', 'docs', 'kinds', 'flags', 'error'].map(col);
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return {
      file: `${c[repo].replace('/', '__')}/${c[path]}`,
      repo: c[repo],
      path: c[path],
      objects: Number(c[objects]),
      docs: Number(c[docs]),
      kinds: c[kinds] ?? '',
      flags: (c[flags] ?? '').split(',').filter(Boolean),
      error: (c[error] ?? '').trim(),
    };
  });
}
