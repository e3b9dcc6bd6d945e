// Start-up A/B: run each command N times, interleaved (so a noisy machine slows all alike), and print
// the median, p25 and minimum wall time of each. Usage:
//   node bench/startup.mjs 40 -- node -e 0 -- node dist/cli.mjs audit examples/tutorial/app.yaml
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const n = Number(args[0]);
const cmds = [];
for (const a of args.slice(1)) {
  if (a === '--') cmds.push([]);
  else cmds.at(-1)?.push(a);
}
if (!(n > 0) || cmds.length === 0 || cmds.some((c) => c.length === 0)) {
  console.error('usage: node bench/startup.mjs RUNS -- CMD [ARGS...] [-- CMD [ARGS...]]...');
  process.exit(2);
}
const times = cmds.map(() => []);
for (let i = 0; i < n; i++) {
  cmds.forEach((c, j) => {
    const t = process.hrtime.bigint();
    spawnSync(c[0], c.slice(1), { stdio: 'ignore' });
    times[j].push(Number(process.hrtime.bigint() - t) / 1e6);
  });
}
times.forEach((x, j) => {
  x.sort((a, b) => a - b);
  console.log(`median ${x[x.length >> 1].toFixed(1)} ms  p25 ${x[x.length >> 2].toFixed(1)}  min ${x[0].toFixed(1)}  ${cmds[j].join(' ')}`);
});
