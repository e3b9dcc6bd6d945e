/**
 * Which command a run is, for the loader's code cache (src/cli/loader.ts): each command compiles
 * different functions, so each keeps its own cache. Runs that only print help or the version get
 * their own too, so they never leave a cache without the audit's code behind for the audits after.
 */

/** The named commands of src/cli/main.ts other than `audit` (kept in step by test/cli/loader.test.ts). */
export const NAMED_COMMANDS = ['baseline', 'checks', 'diagnose', 'explain', 'help'] as const;

export function cacheCommand(argv: readonly string[]): string {
  const first = argv.find((a) => !a.startsWith('-') || a === '-');
  if (first === undefined) {
    // `kubeready` alone audits the current folder; `kubeready --help` or `--version` prints and exits.
    return argv.length === 0 ? 'audit' : 'other';
  }
  return (NAMED_COMMANDS as readonly string[]).includes(first) ? first : 'audit';
}
