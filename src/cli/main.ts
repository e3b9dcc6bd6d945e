/** The kubeready command line. It only wires: sources -> engine -> report. */
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { allChecks, findCheck } from '../checks/index.js';
import { audit, loadPlan } from '../engine/audit.js';
import { ConfigError, emptyConfig, findConfig, loadConfigFile, type Config } from '../engine/config.js';
import { EXIT, exitCodeFor } from '../engine/exit.js';
import { loadInputs } from '../sources/files.js';
import { renderText } from '../report/text.js';
import { writeJson } from '../report/json.js';
import { renderCheckList, renderExplain } from '../report/checks-doc.js';
import { VERSION } from '../version.js';
import type { Severity } from '../checks/types.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdinText?: () => string;
}

/** NO_COLOR / FORCE_COLOR (https://no-color.org, https://force-color.org), else colour only on a terminal. */
export function useColor(io: Io): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  return io.stdoutIsTTY;
}

function csv(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

class UsageError extends Error {}

export async function run(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = new Command()
    .name('kubeready')
    .description('Is this Kubernetes workload production-ready? If not, what breaks, where, and how to fix it.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('audit', { isDefault: true })
    .description('audit manifests (files, folders, globs, or - for stdin) against the production-readiness checklist')
    .argument('[paths...]', 'files, directories (recursive), glob patterns, or - for standard input')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json'] as const).default('text' as const))
    .option('-c, --config <file>', 'configuration file (default: .kubeready.yaml found from the current directory upward)')
    .option('--no-config', 'ignore any .kubeready.yaml')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['error', 'warning', 'info', 'none'] as const))
    .option('-n, --namespace <namespace>', 'namespace for objects that do not set one (default: "default")')
    .option('--complete', 'the input holds every object: what is not in it does not exist')
    .option('--complete-namespaces <namespaces>', 'the input holds every object of these namespaces (comma-separated)', csv)
    .option('--only <ids>', 'run only these checks (comma-separated)', csv)
    .option('--disable <ids>', 'do not run these checks (comma-separated)', csv)
    .option('--show-exempted', 'list exempted findings too (they are always counted)')
    .option('--show-passing', 'list objects without findings too')
    .option('--compact', 'one line per finding, without the "breaks" and "fix" lines')
    .option('--max-file-size <MiB>', 'skip files larger than this', '256')
    .option('-j, --jobs <n>', 'worker threads that parse large inputs (default: one per core, up to 4, for inputs over 16 MiB; 0: none)')
    .action(async (paths, opts) => {
      if (paths.length === 0) throw new UsageError('no input: give files, folders, glob patterns, or - for standard input (e.g. kubeready audit k8s/)');
      let config: Config = emptyConfig();
      if (opts.config !== false) {
        const file = typeof opts.config === 'string' ? opts.config : findConfig(io.cwd);
        if (file) config = await loadConfigFile(file, allChecks);
      }
      const known = new Set(allChecks.map((c) => c.id));
      for (const id of [...(opts.only ?? []), ...(opts.disable ?? [])]) {
        if (!known.has(id)) throw new UsageError(`unknown check "${id}" (kubeready checks lists them)`);
      }
      let checks = allChecks;
      if (opts.only) checks = checks.filter((c) => opts.only!.includes(c.id));
      if (opts.disable) checks = checks.filter((c) => !opts.disable!.includes(c.id));
      const maxMiB = Number(opts.maxFileSize);
      if (!Number.isFinite(maxMiB) || maxMiB <= 0) throw new UsageError(`--max-file-size: "${opts.maxFileSize}" is not a positive number of MiB`);

      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 0 || jobs > 64)) throw new UsageError(`--jobs: "${opts.jobs}" is not a whole number from 0 to 64`);
      const input = await loadInputs(paths, {
        workers: jobs, cwd: io.cwd, maxFileBytes: maxMiB * 2 ** 20, stdinText: io.stdinText, ...loadPlan(checks) });
      if (input.fatal.length) {
        for (const f of input.fatal) io.err(`kubeready: ${f}\n`);
        exitCode = EXIT.USAGE;
        return;
      }
      const problems = input.problems.map((p) => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, level: p.level, message: p.message }));
      const report = audit(
        { resources: input.resources, problems, documents: input.documents, skipped: input.skipped, files: input.files },
        {
          checks,
          config,
          namespace: opts.namespace,
          complete: opts.complete ? true : opts.completeNamespaces,
        },
      );
      if (opts.output === 'json') writeJson(report, io.out);
      else io.out(renderText(report, { color: useColor(io), showExempted: opts.showExempted, compact: opts.compact, showPassing: opts.showPassing }));
      const failOn: Severity | 'none' = opts.failOn ?? config.failOn ?? 'error';
      exitCode = exitCodeFor(report, failOn);
    });

  program
    .command('checks')
    .description('list every check: id, pillar, severity, title')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json'] as const).default('text' as const))
    .action((opts) => {
      io.out(renderCheckList(allChecks, opts.output, useColor(io)));
    });

  program
    .command('explain')
    .description("print one check's full documentation: what breaks, why, the fix, parameters")
    .argument('<id>', 'check id (kubeready checks lists them)')
    .action((id) => {
      const check = findCheck(id);
      if (!check) {
        const near = allChecks.filter((c) => c.id.includes(id) || id.includes(c.id)).map((c) => c.id);
        throw new UsageError(`unknown check "${id}"${near.length ? `; did you mean ${near.join(', ')}?` : ' (kubeready checks lists them)'}`);
      }
      io.out(renderExplain(check));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (e instanceof ConfigError) {
      for (const line of e.lines) io.err(`kubeready: config: ${line}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof UsageError) {
      io.err(`kubeready: ${e.message}\n`);
      return EXIT.USAGE;
    }
    io.err(`kubeready: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (io.env.KUBEREADY_DEBUG) io.err(String((e as Error)?.stack) + '\n');
    return EXIT.USAGE;
  }
  return exitCode;
}
