/**
 * Images a Skaffold configuration of the input builds: `skaffold dev`/`run` builds each
 * `build.artifacts[].image` and, in the manifests it deploys, replaces every image reference whose name
 * (tag left out) is an artifact's with the built image and its tag or digest. In those manifests an
 * untagged `image: echo-grpc` is a build placeholder, like `ko://` (the image checks cannot judge it).
 */
import picomatch from 'picomatch';
import type { ResourceIndex } from './index.js';
import type { Resource } from './types.js';
import { dirOf, get, getArray, isObject, stringList } from './util.js';

interface SkaffoldConfig {
  /** The folder of the configuration, with a trailing slash ('' for the top). */
  prefix: string;
  /** Matchers of the manifest globs (relative to its folder) it deploys; empty: everything under it. */
  manifests: ((path: string) => boolean)[];
  images: Set<string>;
}

function configs(index: ResourceIndex): SkaffoldConfig[] {
  return index.memo('skaffold-configs', () => {
    const out: SkaffoldConfig[] = [];
    for (const r of index.ofKind('Config')) {
      if (!r.apiVersion.startsWith('skaffold/')) continue;
      const images = new Set<string>();
      for (const a of getArray(r.object, ['build', 'artifacts'])) if (isObject(a) && typeof a.image === 'string' && a.image !== '') images.add(a.image);
      if (images.size === 0) continue;
      const manifests = [
        ...stringList(get(r.object, ['deploy', 'kubectl', 'manifests'])),
        ...stringList(get(r.object, ['manifests', 'rawYaml'])),
        ...stringList(get(r.object, ['deploy', 'kustomize', 'paths'])).map((p) => `${p.replace(/\/$/, '')}/**`),
        ...stringList(get(r.object, ['manifests', 'kustomize', 'paths'])).map((p) => `${p.replace(/\/$/, '')}/**`),
      ];
      const dir = dirOf(r.origin.file);
      out.push({ prefix: dir === '.' || dir === '' ? '' : `${dir}/`, manifests: manifests.map((m) => picomatch(m.replace(/^\.\//, ''), { dot: true })), images });
    }
    return out;
  });
}

/** The artifact images of the Skaffold configurations of the input that deploy this object's file. */
export function skaffoldArtifacts(index: ResourceIndex, r: Resource): ReadonlySet<string> {
  const list = configs(index);
  if (list.length === 0) return EMPTY;
  // Once per file: every object of a file gets the same answer.
  const byFile = index.memo('skaffold-by-file', () => new Map<string, ReadonlySet<string>>());
  const file = r.origin.file;
  const hit = byFile.get(file);
  if (hit) return hit;
  let out: Set<string> | undefined;
  for (const c of list) {
    if (!file.startsWith(c.prefix)) continue;
    const rel = file.slice(c.prefix.length);
    if (c.manifests.length > 0 && !c.manifests.some((m) => m(rel))) continue;
    out ??= new Set();
    for (const i of c.images) out.add(i);
  }
  const result = out ?? EMPTY;
  byFile.set(file, result);
  return result;
}

const EMPTY: ReadonlySet<string> = new Set();
