/** Run the CLI in-process with captured output. */
import { run } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string; tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    stdoutIsTTY: opts.tty ?? false,
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    stdinText: () => opts.stdin ?? '',
  });
  return { code, stdout, stderr };
}
