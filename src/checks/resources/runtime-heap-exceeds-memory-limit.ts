import { defineCheck, type FindingInput } from '../types.js';
import { formatBytes, isObject } from '../../model/util.js';
import { describe, goMemLimit, JAVA_OPTIONS_ENV, jvmHeap, MiB, nodeOldSpace, type Setting } from './heap.js';
import { effectiveLimit, label, show, sourceNote } from './shared.js';

interface Params {
  minHeadroomPercent: number;
  minHeadroomMiB: number;
  maxRamPercentage: number;
  javaOptionsEnv: string[];
}

export default defineCheck<Params>({
  id: 'runtime-heap-exceeds-memory-limit',
  pillar: 'resources',
  severity: 'error',
  title: 'Runtime heap setting does not fit the memory limit',
  whatBreaks:
    'The runtime believes it may grow its heap up to or past the container\'s memory limit, so instead of collecting garbage harder (or throwing OutOfMemoryError) it keeps allocating until the kernel OOMKills the container, typically under load, in a restart loop.',
  details: `Language runtimes size their heap from flags, not from the cgroup, when told to:

- **JVM**: \`-Xmx\` / \`-XX:MaxHeapSize=\` set the max heap; without them \`-XX:MaxRAMPercentage=N\` (or the older \`-XX:MaxRAMFraction=N\`, heap = limit / N) sizes it from the container limit. The JVM also needs memory outside the heap: metaspace, thread stacks (about 1MiB per thread), the JIT code cache, GC bookkeeping and direct/NIO buffers, commonly 150-300MiB or more. Flags are read from the command line and from \`JAVA_TOOL_OPTIONS\`, \`JDK_JAVA_OPTIONS\` and \`_JAVA_OPTIONS\` (read by the JVM itself) (always) and from \`JAVA_OPTS\`-style variables that start scripts pass on (\`javaOptionsEnv\`), taking the JVM's precedence into account: the last setting wins, \`_JAVA_OPTIONS\` overrides the command line, an explicit max heap beats the percentage.
- **Go**: \`GOMEMLIMIT\` is a soft limit on all memory the Go runtime manages. At or above the container limit it never triggers: the GC does not work harder before the kernel kills the process. Set it to about 90% of the limit as a literal (\`GOMEMLIMIT=900MiB\` for a 1Gi limit). A \`resourceFieldRef\` on \`limits.memory\` cannot do that: it gives exactly the limit (no headroom), and with a \`divisor\` a bare number that Go reads as bytes.
- **Node.js**: \`--max-old-space-size=N\` (MiB, in \`NODE_OPTIONS\` or on the command line) caps V8's old generation; the young generation, code and \`Buffer\`s come on top.

The check is an **error** when the heap (or GOMEMLIMIT) is at or above the memory limit, or \`MaxRAMPercentage\` is 100 or more. It is a **warning** when a JVM or Node heap leaves less than \`minHeadroomPercent\` of the limit **and** less than \`minHeadroomMiB\` for everything else (the smaller of the two is required, so large containers are not held to a percentage), or when \`MaxRAMPercentage\` is above \`maxRamPercentage\`.

Only literal values are read (not \`valueFrom\`, not shell variable expansion). Containers without a memory limit are left to \`memory-limit-missing\`; a LimitRange default limit in the same namespace counts as the limit.`,
  fix: {
    text: 'Size the heap from the limit and leave room for non-heap memory: e.g. -XX:MaxRAMPercentage=75 instead of a fixed -Xmx, GOMEMLIMIT at about 90% of the limit, --max-old-space-size at about 75% of the limit in MiB.',
    yaml: `containers:
  - name: app
    env:
      - name: JAVA_TOOL_OPTIONS
        value: "-XX:MaxRAMPercentage=75"
    resources:
      limits:
        memory: 1Gi`,
  },
  params: {
    minHeadroomPercent: {
      type: 'number',
      default: 25,
      description: 'Warn when a JVM/Node heap leaves less than this percentage of the memory limit (and less than minHeadroomMiB) for non-heap memory.',
    },
    minHeadroomMiB: {
      type: 'number',
      default: 256,
      description: 'Warn when a JVM/Node heap leaves less than this many MiB (and less than minHeadroomPercent of the limit) for non-heap memory.',
    },
    maxRamPercentage: { type: 'number', default: 90, description: 'Warn when -XX:MaxRAMPercentage is above this value.' },
    javaOptionsEnv: {
      type: 'string[]',
      default: JAVA_OPTIONS_ENV,
      description: 'Environment variables that start scripts pass to the JVM as flags (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS and _JAVA_OPTIONS are always read: the JVM reads them itself).',
    },
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const p = ctx.params;
    const headroomPct = typeof p.minHeadroomPercent === 'number' ? p.minHeadroomPercent : 25;
    const headroomMiB = typeof p.minHeadroomMiB === 'number' ? p.minHeadroomMiB : 256;
    const maxPct = typeof p.maxRamPercentage === 'number' ? p.maxRamPercentage : 90;
    const javaEnv = Array.isArray(p.javaOptionsEnv) ? p.javaOptionsEnv.filter((x): x is string => typeof x === 'string') : [];
    const out: FindingInput[] = [];
    for (const c of w.containers) {
      if (!isObject(c.spec)) continue;
      const lim = effectiveLimit(ctx, c, 'memory');
      if (!lim || lim.value === undefined || lim.value <= 0) continue;
      const limit = lim.value;
      const written = show(lim);
      const limText = `${written}${written === formatBytes(limit) ? '' : ` (${formatBytes(limit)})`}${sourceNote(lim)}`;
      const required = Math.min(headroomMiB * MiB, (limit * headroomPct) / 100);

      /** Error at/above the limit, warning when the headroom is too small. */
      const explicit = (s: Setting, consequence: string, headroomRule: boolean) => {
        const bytes = s.bytes!;
        const text = describe(s.word, bytes);
        if (bytes >= limit) {
          out.push({
            message: `${label(c)} sets ${text}, at or above its memory limit of ${limText}: ${consequence}`,
            path: s.word.path,
            container: c.name,
          });
        } else if (headroomRule && limit - bytes < required) {
          out.push({
            message: `${label(c)} sets ${text} under a memory limit of ${limText}, leaving ${formatBytes(limit - bytes)} for non-heap memory (keep at least ${formatBytes(required)})`,
            path: s.word.path,
            container: c.name,
            severity: 'warning',
          });
        }
      };

      const jvm = jvmHeap(c, javaEnv);
      if (jvm?.bytes !== undefined) explicit(jvm, 'the heap can grow until the container is OOMKilled instead of the JVM collecting or throwing OutOfMemoryError', true);
      else if (jvm?.percent !== undefined) {
        const pct = jvm.percent;
        const heap = (limit * pct) / 100;
        const text = describe(jvm.word);
        if (pct >= 100) {
          out.push({
            message: `${label(c)} sets ${text}: the heap may take the whole memory limit of ${limText}, so the container is OOMKilled before the JVM runs out of heap`,
            path: jvm.word.path,
            container: c.name,
          });
        } else if (pct > maxPct) {
          out.push({
            message: `${label(c)} sets ${text}: a ${formatBytes(heap)} heap under a memory limit of ${limText} leaves ${formatBytes(limit - heap)} for non-heap memory (max ${maxPct}%)`,
            path: jvm.word.path,
            container: c.name,
            severity: 'warning',
          });
        }
      }
      const go = goMemLimit(c);
      if (go) explicit(go, 'the Go GC never works harder before the container is OOMKilled', false);
      const node = nodeOldSpace(c);
      if (node) explicit(node, 'the V8 heap can grow until the container is OOMKilled', true);
    }
    return out;
  },
});
