/**
 * Run the whole kubeready CLI in-process (src/cli/main.ts `run`) and capture what it prints.
 * Colour is off and no config file is read unless the test passes its own flags.
 */
import { run, type Io } from '../../src/cli/main.js';
import type { Report } from '../../src/engine/report-types.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Text served for the `-` argument. */
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  /** Pretend standard output is a terminal. */
  tty?: boolean;
}

export async function runCli(argv: string[], opts: CliOptions = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    stdoutIsTTY: opts.tty ?? false,
    env: opts.env ?? { NO_COLOR: '1' },
    cwd: opts.cwd ?? process.cwd(),
    stdinText: opts.stdin === undefined ? () => '' : () => opts.stdin!,
  };
  const code = await run(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** `audit ... -o json --no-config`, parsed. Throws (failing the test) if stdout is not a report. */
export async function auditJson(paths: string[], opts: CliOptions = {}, extra: string[] = []): Promise<CliResult & { report: Report }> {
  const r = await runCli(['audit', ...paths, '-o', 'json', '--no-config', ...extra], opts);
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch (e) {
    throw new Error(`stdout is not a JSON report (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\nstderr:\n${r.stderr.slice(0, 2000)}`, { cause: e });
  }
  return { ...r, report };
}

/** Lines that look like a JavaScript stack trace ("    at foo (file.ts:1:2)"). */
export function stackTraceLines(s: string): string[] {
  return s.split('\n').filter((l) => /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/.test(l) || /^(Type|Reference|Range|Syntax)Error: /.test(l));
}
