/** The kubeready command line. It only wires: sources -> engine -> report. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { allChecks, findCheck } from '../checks/index.js';
import { audit, loadPlan } from '../engine/audit.js';
import { ConfigError, emptyConfig, findConfig, loadConfigFile, type Config } from '../engine/config.js';
import { EXIT, exitCodeFor, findingsGateFails, findingsGateReason, nothingAudited, nothingRead, scoreGateFails } from '../engine/exit.js';
import { applyBaseline, baselineOf, BaselineError, parseBaseline, readBaseline, serializeBaseline } from '../engine/baseline.js';
import type { BaselineEntry, Report } from '../engine/report-types.js';
import { loadInputs } from '../sources/files.js';
import { renderCheckList, renderExplain, renderExplainTerminal } from '../report/checks-doc.js';
import { Timing } from '../engine/timing.js';
import { collectGarbage, LARGE_INPUT_OBJECTS } from './memory.js';
import { collectOutput, OUTPUT_HELP, parseOutputs, writeOutputs } from './output.js';
import { VERSION } from '../version.js';
import type { Check, Severity } from '../checks/types.js';
import { auditClusterCli, clusterFlagsGiven, incompleteNote, withClusterOptions, CLUSTER_USAGE, type ClusterCliOpts } from './cluster.js';
import { addDiagnoseCommand } from './diagnose.js';
import { DIAGNOSE_ONLY_PROBLEMS } from '../engine/diagnose/index.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdinText?: () => string;
  /**
   * Resolves once what `out` queued has been taken by the reader (a pipe can fall behind): large
   * reports wait on it between pieces instead of queueing all of themselves. Absent: `out` never queues.
   */
  outDrained?: () => Promise<void>;
  /** Standard error is a terminal: progress of long cluster scans is shown there. */
  stderrIsTTY?: boolean;
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

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** The options that say what to audit and how: shared by audit and baseline write. */
// Not generic over commander's option types on purpose: inferring 18 chained .option() calls on a
// generic Command<A, O, G> makes tsc run for many minutes. Actions read these as InputOpts.
function withInputOptions<C>(cmd: C, cluster = true): C {
  (cmd as unknown as Command)
    .option('-c, --config <file>', 'configuration file (default: .kubeready.yaml found from the current directory upward)')
    .option('--no-config', 'ignore any .kubeready.yaml')
    .option('-n, --namespace <namespace>', `namespace for objects that do not set one (default: "default")${cluster ? '; with --cluster: the namespace to audit' : ''}`)
    .option('--complete', 'the input holds every object: what is not in it does not exist')
    .option('--complete-namespaces <namespaces>', 'the input holds every object of these namespaces (comma-separated)', csv)
    .option('--only <ids>', 'run only these checks (comma-separated)', csv)
    .option('--disable <ids>', 'do not run these checks (comma-separated)', csv)
    .option('--max-file-size <MiB>', 'skip files larger than this', '256')
    .option('-j, --jobs <n>', 'worker threads that parse large inputs (default: one per core, up to 4, for inputs over 16 MiB; 0: none)')
    // Helm charts and Kustomize overlays in the input (sources/helm.ts, sources/kustomize.ts).
    .option('-f, --values <file>', 'Helm: values file for the charts in the input (repeatable, in order; relative to the current directory; a file inside one of the charts applies to that chart only)', collect)
    .option('--set <key=value>', 'Helm: set a value, as helm --set (repeatable)', collect)
    .option('--set-string <key=value>', 'Helm: set a string value, as helm --set-string (repeatable)', collect)
    .option('--release-name <name>', 'Helm: release name (default: the chart name)')
    .option('--kube-version <version>', 'Helm: Kubernetes version for .Capabilities.KubeVersion')
    .option('--api-versions <versions>', 'Helm: API versions for .Capabilities.APIVersions (comma-separated, repeatable)', csv)
    .option('--include-test-hooks', 'Helm: audit test hooks (helm.sh/hook: test) too; they are left out by default')
    .option('--all-kustomizations', 'in folders, audit every kustomization, also the bases other kustomizations include')
    .option('--no-render', 'read Helm charts and kustomizations as plain YAML files instead of rendering them');
  return cmd;
}

interface InputOpts {
  config?: string | boolean;
  namespace?: string;
  complete?: true;
  completeNamespaces?: string[];
  only?: string[];
  disable?: string[];
  maxFileSize: string;
  jobs?: string;
  values?: string[];
  set?: string[];
  setString?: string[];
  releaseName?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  includeTestHooks?: true;
  allKustomizations?: true;
  /** false with --no-render. */
  render?: boolean;
}

/** The config file and the checks to run (--config, --only, --disable). */
async function configAndChecks(opts: InputOpts, io: Io): Promise<{ config: Config; checks: Check[] }> {
  let config: Config = emptyConfig();
  if (opts.config !== false) {
    const file = typeof opts.config === 'string' ? opts.config : findConfig(io.cwd);
    if (file) config = await loadConfigFile(file, allChecks, io.cwd);
  }
  const known = new Set(allChecks.map((c) => c.id));
  for (const id of [...(opts.only ?? []), ...(opts.disable ?? [])]) {
    if (!known.has(id)) throw new UsageError(`unknown check "${id}" (kubeready checks lists them)`);
  }
  let checks = allChecks;
  if (opts.only) checks = checks.filter((c) => opts.only!.includes(c.id));
  if (opts.disable) checks = checks.filter((c) => !opts.disable!.includes(c.id));
  return { config, checks };
}

/** Load config, checks and input, and audit. Null when the input could not be read (already reported). */
async function auditPaths(paths: string[], opts: InputOpts, io: Io, extra: { reachability?: boolean; timing?: Timing; baselineFile?: string } = {}): Promise<{ report: Report; config: Config; inputFiles: Set<string> } | null> {
  // kubectl's -f is a Helm values file here (as in helm template): say so when it is all that was given.
  const valuesHint = opts.values?.length ? ` (-f is --values, a Helm values file, as in helm; manifests are given as paths: kubeready audit ${opts.values[0]})` : '';
  if (paths.length === 0 && extra.baselineFile !== undefined) {
    // `baseline write k8s/`: the one argument reads as the baseline file; it is probably the input.
    const f = extra.baselineFile;
    const manifests = /\.ya?ml$/i.test(f) || f.endsWith('/') || (existsSync(resolve(io.cwd, f)) && statSync(resolve(io.cwd, f)).isDirectory());
    throw new UsageError(
      manifests
        ? `no input: baseline write takes the baseline file first, then the manifests (kubeready baseline write .kubeready-baseline.json ${f})`
        : `no input: give the manifests after the baseline file (kubeready baseline write ${f} k8s/); files, folders, globs or - (not a live cluster)`,
    );
  }
  if (paths.length === 0) throw new UsageError(`no input${valuesHint}: give files, folders, glob patterns, or - for standard input (e.g. kubeready audit k8s/), or audit a live cluster: ${CLUSTER_USAGE}`);
  // audit is the default command: `kubeready version` reads as a path.
  if (paths.length === 1 && (paths[0] === 'version' || paths[0] === 'help') && !existsSync(resolve(io.cwd, paths[0]))) {
    throw new UsageError(`${paths[0]}: no such file or directory (kubeready ${paths[0] === 'version' ? '--version prints the version' : '--help lists the commands'})`);
  }
  const { config, checks } = await configAndChecks(opts, io);
  const maxMiB = Number(opts.maxFileSize);
  if (!Number.isFinite(maxMiB) || maxMiB <= 0) throw new UsageError(`--max-file-size: "${opts.maxFileSize}" is not a positive number of MiB`);

  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 0 || jobs > 64)) throw new UsageError(`--jobs: "${opts.jobs}" is not a whole number from 0 to 64`);
  for (const v of opts.values ?? []) {
    if (!existsSync(resolve(io.cwd, v))) throw new UsageError(`--values ${v}: no such file`);
  }
  const helm = {
    values: opts.values, set: opts.set, setString: opts.setString, releaseName: opts.releaseName, namespace: opts.namespace ?? config.namespace,
    kubeVersion: opts.kubeVersion, apiVersions: opts.apiVersions, includeTestHooks: opts.includeTestHooks };
  extra.timing?.phase('load');
  const input = await loadInputs(paths, {
    workers: jobs, cwd: io.cwd, maxFileBytes: maxMiB * 2 ** 20, stdinText: io.stdinText, ...loadPlan(checks),
    render: { helm, allKustomizations: opts.allKustomizations, env: io.env, disabled: opts.render === false } });
  if (input.fatal.length) {
    for (const f of input.fatal) io.err(`kubeready: ${f}\n`);
    return null;
  }
  const problems = input.problems.map((p) => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, level: p.level, message: p.message }));
  const helmFlags = ['values', 'set', 'setString', 'releaseName', 'kubeVersion', 'apiVersions', 'includeTestHooks'].filter((k) => opts[k as keyof InputOpts] !== undefined);
  if (helmFlags.length && !input.renders?.some((r) => r.tool === 'helm')) {
    problems.push({ file: '(command line)', line: null, column: null, level: 'warning', message: `Helm options given (${helmFlags.map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')}) but the input has no Helm chart: not used` });
  }
  const report = audit(
    { resources: input.resources, problems, documents: input.documents, skipped: input.skipped, files: input.files },
    {
      checks,
      config,
      namespace: opts.namespace,
      complete: opts.complete ? true : opts.completeNamespaces,
      reachability: extra.reachability,
      timing: extra.timing,
    },
  );
  if (input.renders?.length) report.renders = input.renders;
  // The files the objects came from (absolute), so no report overwrites one of them.
  // Each file resolved once (a large file holds 100,000 objects).
  const files = new Set<string>();
  for (const r of input.resources) files.add(r.origin.file);
  for (const p of problems) if (p.file !== '(command line)') files.add(p.file);
  const inputFiles = new Set<string>();
  for (const f of files) inputFiles.add(resolve(io.cwd, f));
  return { report, config, inputFiles };
}

/** Refuse to write a report or baseline over one of the manifests just audited (swapped arguments). */
function refuseInputFile(target: string, inputFiles: Set<string> | undefined, io: Io, what: string): void {
  if (inputFiles?.has(resolve(io.cwd, target))) throw new UsageError(`${what}: ${target} is one of the input files; refusing to overwrite it`);
}

export async function run(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = new Command()
    .name('kubeready')
    .description('Is this Kubernetes workload production-ready? If not, what breaks, where, and how to fix it.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');

  withClusterOptions(withInputOptions(program.command('audit', { isDefault: true })))
    .description('audit manifests (files, folders, globs, or - for stdin) against the production-readiness checklist')
    .argument('[paths...]', 'files, directories (recursive), glob patterns, or - for standard input')
    .option('-o, --output <format>', OUTPUT_HELP, collectOutput)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['error', 'warning', 'info', 'none'] as const))
    .option('--min-score <n>', 'exit 3 when the overall score (0-100) is below n')
    .option('--baseline <file>', 'only findings not in this baseline file (kubeready baseline write) count for the exit code')
    .option('--show-exempted', 'list exempted findings too (they are always counted)')
    .option('--show-passing', 'list objects without findings too')
    .option('--compact', 'each finding as its location and message, without the "breaks" and "fix" lines and the fix YAML')
    .action(async (paths, opts) => {
      const outputs = parseOutputs(opts.output, (m) => new UsageError(m));
      let minScore: number | undefined;
      if (opts.minScore !== undefined) {
        minScore = Number(opts.minScore);
        if (!/^\d+$/.test(opts.minScore.trim()) || minScore > 100) throw new UsageError(`--min-score: "${opts.minScore}" is not a whole number from 0 to 100`);
      }
      let baseline: BaselineEntry[] | undefined;
      if (opts.baseline !== undefined) baseline = readBaseline(resolve(io.cwd, opts.baseline), opts.baseline);
      // The reachability matrix is only in the JSON report: compute it only when that is written.
      const reachability = outputs.some((o) => o.format === 'json');
      const timing = io.env.KUBEREADY_TIMING ? new Timing() : undefined;
      const live = opts as typeof opts & ClusterCliOpts & InputOpts;
      if (!live.cluster && clusterFlagsGiven(live).length) throw new UsageError(`${clusterFlagsGiven(live).join(', ')}: only with --cluster (${CLUSTER_USAGE})`);
      if (live.cluster) {
        const fileOnly = (['values', 'set', 'setString', 'releaseName', 'kubeVersion', 'apiVersions', 'includeTestHooks', 'allKustomizations'] as const)
          .filter((k) => live[k] !== undefined)
          .map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        if (live.render === false) fileOnly.push('--no-render');
        if (fileOnly.length) throw new UsageError(`${fileOnly.join(', ')}: for charts and kustomizations in files, not with --cluster`);
      }
      const audited = live.cluster
        ? await auditClusterCli(paths, live, io, await configAndChecks(live, io), { reachability }, (m) => new UsageError(m))
        : await auditPaths(paths, live, io, { reachability, timing });
      if (!audited) {
        exitCode = EXIT.USAGE;
        return;
      }
      const { report, config } = audited;
      // Which .kubeready.yaml applied: a run from a subfolder may find another one.
      if (config.file) {
        const rel = relative(io.cwd, resolve(io.cwd, config.file));
        report.config = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(io.cwd, config.file);
      }
      for (const o of outputs) if (o.file) refuseInputFile(o.file, (audited as { inputFiles?: Set<string> }).inputFiles, io, `--output ${o.format}=${o.file}`);
      // The parsed input is garbage now: on a large input, collect it before the writers allocate.
      if (report.summary.objects >= LARGE_INPUT_OBJECTS) {
        timing?.phase('collect garbage');
        collectGarbage();
      }
      if (baseline && opts.baseline !== undefined) applyBaseline(report, baseline, opts.baseline);
      timing?.phase('write reports');
      await writeOutputs(report, outputs, {
        out: io.out, outDrained: io.outDrained, env: io.env, cwd: io.cwd, color: useColor(io),
        text: { showExempted: opts.showExempted, compact: opts.compact, showPassing: opts.showPassing } }, (m) => new UsageError(m));
      // KUBEREADY_TIMING=N (N > 1) lists the N slowest checks instead of 15.
      if (timing) io.err(timing.report(Number(io.env.KUBEREADY_TIMING) > 1 ? Number(io.env.KUBEREADY_TIMING) : undefined));
      const failOn: Severity | 'none' = opts.failOn ?? config.failOn ?? 'error';
      exitCode = exitCodeFor(report, failOn, { minScore });
      // Input that holds no Kubernetes object at all (an empty render, a folder of values files):
      // the audit could not run as asked, so a CI job whose render produced nothing does not pass.
      if (!live.cluster && report.summary.objects === 0 && report.summary.inputErrors === 0) {
        const skipped = report.summary.skippedDocuments ? ` (${report.summary.skippedDocuments} document${report.summary.skippedDocuments === 1 ? '' : 's'} without apiVersion/kind skipped)` : '';
        io.err(`kubeready: nothing audited: the input holds no Kubernetes object${skipped} (exit 2)\n`);
        exitCode = EXIT.USAGE;
        return;
      }
      // A live audit that read nothing in its scope (a mistyped -n, a -l that matches no object): as
      // with a glob that matches no file, it could not run as asked, so a CI job does not pass on it.
      // (Lists that failed make it incomplete instead: exit 4 below.)
      if (live.cluster && nothingRead(report) && exitCode === EXIT.OK) {
        io.err('kubeready: nothing audited: no object was read from the cluster in the scope asked for (check -n and -l; exit 2)\n');
        exitCode = EXIT.USAGE;
        return;
      }
      const incomplete = incompleteNote(report);
      if (incomplete) io.err(`${incomplete}${exitCode === EXIT.INCOMPLETE ? ' (exit 4)' : ''}\n`);
      // Which findings failed the gate, in one line (the report may not make it obvious: an info
      // finding under --fail-on info, a JSON report on standard output, a long text report).
      const failing = findingsGateReason(report, failOn);
      if (failing) io.err(`kubeready: exit 1: ${failing}\n`);
      if (scoreGateFails(report, minScore)) {
        const also = findingsGateFails(report, failOn) ? ' (exit 1: the --fail-on gate failed too)' : '';
        io.err(
          nothingRead(report)
            ? `kubeready: no object was read from the cluster, so there is no score to hold against --min-score ${minScore}${also}\n`
            : nothingAudited(report)
              ? `kubeready: no object was loaded, so there is no score to hold against --min-score ${minScore}${also}\n`
            : `kubeready: score ${report.summary.score} is below --min-score ${minScore}${also}\n`,
        );
      }
    });

  const baselineCommand = program
    .command('baseline')
    .description('record the findings you accept today, so audit --baseline fails only on new ones');
  withInputOptions(baselineCommand.command('write'), false)
    .description('audit the paths and write every non-exempted finding to FILE (JSON, sorted, for version control)')
    .argument('<file>', 'baseline file to write (e.g. .kubeready-baseline.json)')
    .argument('[paths...]', 'files, directories (recursive), glob patterns, or - for standard input')
    .action(async (file, paths, opts) => {
      // An existing file that is not a baseline (a manifest, when the arguments are swapped) is never overwritten.
      const target = resolve(io.cwd, file);
      if (existsSync(target)) {
        try {
          parseBaseline(readFileSync(target, 'utf8'), file);
        } catch {
          throw new UsageError(`baseline write ${file}: the file exists and is not a kubeready baseline; refusing to overwrite it (the baseline file comes first: baseline write FILE [paths...])`);
        }
      }
      const audited = await auditPaths(paths, opts as typeof opts & InputOpts, io, { baselineFile: file });
      if (!audited) {
        exitCode = EXIT.USAGE;
        return;
      }
      refuseInputFile(file, audited.inputFiles, io, 'baseline write');
      const b = baselineOf(audited.report);
      try {
        writeFileSync(resolve(io.cwd, file), serializeBaseline(b));
      } catch (e) {
        throw new UsageError(`baseline ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      const errs = audited.report.summary.inputErrors;
      const note = errs ? ` (${errs} input error${errs === 1 ? '' : 's'}: findings in unparseable documents cannot be recorded)` : '';
      io.err(`kubeready: wrote ${b.findings.length} finding${b.findings.length === 1 ? '' : 's'} to ${file}${note}\n`);
    });

  addDiagnoseCommand(program, { out: io.out, err: io.err, env: io.env, cwd: io.cwd, stdinText: io.stdinText, color: useColor(io) }, (code) => (exitCode = code), (m) => new UsageError(m));

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
      const problem = check ? undefined : DIAGNOSE_ONLY_PROBLEMS[id];
      if (problem) {
        io.out(`${id}: a problem that kubeready diagnose reports (no audit check has this id)\n\n${problem}\n`);
        return;
      }
      if (!check) {
        const near = allChecks.filter((c) => c.id.includes(id) || id.includes(c.id)).map((c) => c.id);
        throw new UsageError(`unknown check "${id}"${near.length ? `; did you mean ${near.join(', ')}?` : ' (kubeready checks lists them)'}`);
      }
      io.out(io.stdoutIsTTY ? renderExplainTerminal(check, useColor(io)) : renderExplain(check));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.OK;
      // Help shown because a command was incomplete (kubeready baseline, without write) is a usage error.
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return EXIT.USAGE;
    }
    if (e instanceof ConfigError) {
      for (const line of e.lines) io.err(`kubeready: config: ${line}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof UsageError || e instanceof BaselineError) {
      io.err(`kubeready: ${e.message}\n`);
      return EXIT.USAGE;
    }
    io.err(`kubeready: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (io.env.KUBEREADY_DEBUG) io.err(String((e as Error)?.stack) + '\n');
    return EXIT.USAGE;
  }
  return exitCode;
}
