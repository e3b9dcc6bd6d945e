// npm runs "prepare" when it installs kubeready from git (the pre-commit hook runs
// `npm install -g git+file://<clone>`; also `npm i -g github:<owner>/kubeready`): a git checkout has
// no dist/, so build it there. npm marks that case with npm_package_resolved. A plain `npm install`
// or `npm ci` in a working tree builds nothing (npm run build does), so it never deletes or rebuilds
// a dist/ that something is using.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const haveDevDeps = () => existsSync('node_modules/esbuild') && existsSync('node_modules/typescript');

if (!process.env.npm_package_resolved || existsSync('dist/cli.mjs')) {
  // A working tree, or already built.
} else {
  // In a global install, npm 11 leaks npm_config_global into the preparation of a git dependency,
  // so its devDependencies never land in the clone: install them here, locally, from the lock file.
  if (!haveDevDeps()) {
    const env = { ...process.env };
    delete env.npm_config_global;
    delete env.NPM_CONFIG_GLOBAL;
    const args = ['ci', '--global=false', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
    const npm = process.env.npm_execpath;
    if (npm) execFileSync(process.execPath, [npm, ...args], { stdio: 'inherit', env });
    else execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  }
  await import('./build.mjs');
}
