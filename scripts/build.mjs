// Bundle the CLI into one file for fast start-up, and emit the library (JS + .d.ts) with tsc.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, chmodSync, rmSync } from 'node:fs';
import { jsYamlCjs } from './esbuild-plugins.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync('dist', { recursive: true, force: true });
await build({
  // Code splitting keeps rarely needed code (ajv for config validation) out of the start-up path.
  entryPoints: { cli: 'src/cli/bin.ts', 'parse-worker': 'src/sources/parse-worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'none',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __kr_createRequire } from 'node:module'; const require = __kr_createRequire(import.meta.url);" },
  define: { 'process.env.KUBEREADY_BUILD': '"1"' },
  plugins: [
    jsYamlCjs,
    {
      name: 'version',
      setup(b) {
        b.onLoad({ filter: /src[\\/]version\.ts$/ }, () => ({ contents: `export const VERSION = ${JSON.stringify(pkg.version)};`, loader: 'ts' }));
      },
    },
  ],
  logLevel: 'warning',
});
chmodSync('dist/cli.mjs', 0o755);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
