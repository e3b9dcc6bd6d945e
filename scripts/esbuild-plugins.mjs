// esbuild plugins shared by the CLI bundle (scripts/build.mjs) and the benchmark's bundle (bench/run.mjs).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * src/sources/js-yaml.ts loads js-yaml's CommonJS build with createRequire (its ESM build is ~3x slower
 * to parse, see that file). In the bundle, the same CommonJS build is bundled in instead of required
 * at run time.
 */
export const jsYamlCjs = {
  name: 'js-yaml-cjs',
  setup(b) {
    const cjs = require.resolve('js-yaml');
    b.onResolve({ filter: /^js-yaml$/ }, () => ({ path: cjs }));
    b.onLoad({ filter: /src[\\/]sources[\\/]js-yaml\.ts$/ }, () => ({
      contents: "export { parseEvents, getScalarValue, load } from 'js-yaml';",
      loader: 'ts',
      resolveDir: process.cwd(),
    }));
  },
};
