/** The CLI on real stdio; sets the exit code. Loaded by bin.ts. */
import { run } from './main.js';

const code = await run(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
});
// Let stdout drain before exiting (large JSON to a pipe).
process.exitCode = code;
