/** The CLI on real stdio; sets the exit code. Loaded by bin.ts (sources) and bundled as dist/kubeready.cjs. */
import { run } from './main.js';

/**
 * A reader that goes away early (`kubeready audit . | head`) closes the pipe: the next write fails
 * with EPIPE, which Node.js raises as an uncaught 'error' event (a stack trace). Instead, stop
 * writing to that stream and let the run finish with its own exit code, as git and grep do. Any
 * other write error gets one line on standard error and exit code 2.
 */
function guard(stream: NodeJS.WriteStream, name: string): { write: (s: string) => void; failed: () => boolean; drained: () => Promise<void> } {
  let open = true;
  let failed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (!open) return;
    open = false;
    if (e.code === 'EPIPE') return;
    failed = true;
    process.exitCode = 2;
    if (stream !== process.stderr) {
      try {
        process.stderr.write(`kubeready: cannot write to ${name}: ${e.message}\n`);
      } catch {
        // Nowhere left to say it.
      }
    }
  });
  return {
    write: (s) => {
      if (open) stream.write(s);
    },
    failed: () => failed,
    // Until the reader has taken what is queued (or the stream is done: a closed pipe never drains).
    drained: () =>
      !open || !stream.writableNeedDrain
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              stream.off('drain', done);
              stream.off('close', done);
              stream.off('error', done);
              resolve();
            };
            stream.on('drain', done);
            stream.on('close', done);
            stream.on('error', done);
          }),
  };
}

const stdout = guard(process.stdout, 'standard output');
const stderr = guard(process.stderr, 'standard error');

// No top-level await: the installed CLI runs this module as CommonJS (src/cli/loader.ts).
void run(process.argv.slice(2), {
  out: stdout.write,
  outDrained: stdout.drained,
  err: stderr.write,
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
}).then((code) => {
  // Let stdout drain before exiting (large JSON to a pipe).
  process.exitCode = stdout.failed() || stderr.failed() ? 2 : code;
});
