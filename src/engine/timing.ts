/**
 * Where an audit spends its time, for `KUBEREADY_TIMING=1` (like ESLint's TIMING=1): wall time per
 * phase, the heap in use when it ends, and the slowest checks. Printed to stderr by the CLI; nothing
 * is measured unless the variable is set.
 */
import { performance } from 'node:perf_hooks';

export class Timing {
  private readonly phases: { name: string; start: number; end: number; heap: number }[] = [];
  private readonly checks = new Map<string, number>();
  private current: { name: string; start: number } | null = null;

  /** End the running phase (if any) and start `name`. */
  phase(name: string): void {
    const now = performance.now();
    if (this.current) this.phases.push({ ...this.current, end: now, heap: process.memoryUsage().heapUsed });
    this.current = { name, start: now };
  }

  /** Add `ms` to a check's total. */
  check(id: string, ms: number): void {
    this.checks.set(id, (this.checks.get(id) ?? 0) + ms);
  }

  /** The table, once every phase is over. */
  report(top = 15): string {
    this.phase('');
    this.current = null;
    const mib = (b: number) => (b / 2 ** 20).toFixed(0).padStart(9);
    const lines: string[] = ['kubeready timing:', `  ${'phase'.padEnd(28)} ${'wall ms'.padStart(9)} ${'heap MiB'.padStart(9)} ${'from ms'.padStart(9)}`];
    let total = 0;
    for (const p of this.phases) {
      total += p.end - p.start;
      lines.push(`  ${p.name.padEnd(28)} ${(p.end - p.start).toFixed(0).padStart(9)} ${mib(p.heap)} ${p.start.toFixed(0).padStart(9)}`);
    }
    lines.push(`  ${'total'.padEnd(28)} ${total.toFixed(0).padStart(9)} ${'peak RSS'.padStart(9)} ${mib(process.resourceUsage().maxRSS * 1024).trim()}`);
    const slow = [...this.checks].sort((a, b) => b[1] - a[1]).slice(0, top);
    if (slow.length) {
      const sum = [...this.checks.values()].reduce((a, b) => a + b, 0);
      lines.push(`  checks: ${sum.toFixed(0)} ms in ${this.checks.size}; slowest:`);
      for (const [id, ms] of slow) lines.push(`    ${id.padEnd(40)} ${ms.toFixed(0).padStart(6)}`);
    }
    return lines.join('\n') + '\n';
  }
}
