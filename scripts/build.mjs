// Bundle the CLI into one file for fast start-up, and emit the library (JS + .d.ts) with tsc.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, chmodSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { jsYamlCjs } from './esbuild-plugins.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync('dist', { recursive: true, force: true });
const define = { 'process.env.KUBEREADY_BUILD': '"1"' };
const version = {
  name: 'version',
  setup(b) {
    b.onLoad({ filter: /src[\\/]version\.ts$/ }, () => ({ contents: `export const VERSION = ${JSON.stringify(pkg.version)};`, loader: 'ts' }));
  },
};
// The CLI itself: one CommonJS file, run by the loader below through V8 with a code cache on disk
// (src/cli/loader.ts). CommonJS because a vm.Script can be cached after it ran; lazily needed code
// (ajv, the HTML reporter, Helm and Kustomize sources) is wrapped and only run when used.
await build({
  entryPoints: ['src/cli/process.ts'],
  outfile: 'dist/kubeready.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: process.env.KR_NOMINIFY !== '1',
  legalComments: 'none',
  // import.meta.url (where the parse worker sits) is the bundle's own file URL.
  banner: { js: "var __kr_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...define, 'import.meta.url': '__kr_url' },
  plugins: [jsYamlCjs, version],
  logLevel: 'warning',
});
const bundleId = createHash('sha256').update(readFileSync('dist/kubeready.cjs')).digest('hex').slice(0, 16);
await build({
  entryPoints: { cli: 'src/cli/loader.ts', 'parse-worker': 'src/sources/parse-worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'none',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __kr_createRequire } from 'node:module'; const require = __kr_createRequire(import.meta.url);" },
  define: { ...define, KUBEREADY_BUNDLE_ID: JSON.stringify(bundleId) },
  plugins: [jsYamlCjs],
  logLevel: 'warning',
});
chmodSync('dist/cli.mjs', 0o755);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
