/**
 * The real tools the Helm and Kustomize tests render with.
 *
 * helm: $KUBEREADY_HELM, else the one scripts/build-helm.sh built into node_modules/.cache/kubeready,
 * else `helm` on PATH, else built now by scripts/build-helm.sh with this machine's Go (once; the
 * Go module proxy is needed the first time). kustomize: `kustomize` or `kubectl` (kubectl kustomize)
 * on PATH.
 *
 * Locally a missing tool skips the tests with the reason; under CI (CI set) it fails them, so a
 * broken setup is never a green run: describe(..., { skip: x.skip }) and before(() => x.fail()).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { which } from '../../src/sources/render.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const HELM_VERSION = process.env.KUBEREADY_HELM_VERSION ?? 'v3.22.0';
const CACHED = fileURLToPath(new URL(`../../node_modules/.cache/kubeready/helm/${HELM_VERSION}/helm`, import.meta.url));
const inCI = () => Boolean(process.env.CI);

export interface Tool {
  /** The binary (helm) or the command's first word (kustomize, kubectl). */
  path: string | null;
  /** A reason to skip (locally), or false. */
  skip: string | false;
  /** Throws under CI when the tool is missing. */
  fail(): void;
}

function works(bin: string, args: string[]): boolean {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0;
}

function tool(path: string | null, why: string): Tool {
  if (path) return { path, skip: false, fail() {} };
  return {
    path: null,
    skip: inCI() ? false : why,
    fail() {
      if (inCI()) throw new Error(`${why} (CI is set: the Helm and Kustomize tests must run; see scripts/build-helm.sh)`);
    },
  };
}

let helm: Tool | null = null;

export function helmTool(): Tool {
  if (helm) return helm;
  const candidates = [process.env.KUBEREADY_HELM, CACHED, which('helm', process.env)].filter((x): x is string => Boolean(x));
  for (const c of candidates) {
    if (existsSync(c) && works(c, ['version', '--template', '{{.Version}}'])) return (helm = tool(c, ''));
  }
  if (!which('go', process.env)) return (helm = tool(null, 'helm not found (KUBEREADY_HELM, scripts/build-helm.sh cache, PATH) and no Go toolchain to build it'));
  const r = spawnSync('bash', ['scripts/build-helm.sh'], { cwd: ROOT, encoding: 'utf8', timeout: 20 * 60_000 });
  const built = r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
  if (built && existsSync(built)) return (helm = tool(built, ''));
  const err = `${r.error?.message ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
  return (helm = tool(null, `helm not found and scripts/build-helm.sh failed: ${err}`));
}

let kustomize: Tool | null = null;

export function kustomizeTool(): Tool {
  if (kustomize) return kustomize;
  const k = which('kustomize', process.env);
  if (k && works(k, ['version'])) return (kustomize = tool(k, ''));
  const kubectl = which('kubectl', process.env);
  if (kubectl && works(kubectl, ['kustomize', '--help'])) return (kustomize = tool(kubectl, ''));
  return (kustomize = tool(null, 'neither kustomize nor kubectl (kubectl kustomize) is on PATH'));
}

/** The command that builds a kustomization the way kubeready does (for comparing outputs). */
export function kustomizeBuild(dir: string): string {
  const t = kustomizeTool();
  const args = t.path && /kubectl$/.test(t.path) ? ['kustomize', dir] : ['build', dir];
  const r = spawnSync(t.path!, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}
