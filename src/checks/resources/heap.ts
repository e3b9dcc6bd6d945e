/**
 * Runtime heap settings read from a container's command line and environment: the JVM's max heap
 * (-Xmx, -XX:MaxHeapSize, MaxRAMPercentage / MaxRAMFraction), Go's GOMEMLIMIT and Node.js's
 * --max-old-space-size. Shared by runtime-heap-exceeds-memory-limit (heap against the limit) and
 * memory-limit-missing (a limit must leave room above the heap).
 */
import type { ContainerRef, FieldPath } from '../../model/types.js';
import { formatBytes, literalEnv, parseJvmSize } from '../../model/util.js';

export const MiB = 2 ** 20;

/** A word of the command line or of an env value, and where it is. */
export interface Word {
  text: string;
  path: FieldPath;
  /** "args", "command" or the env var name, for messages. */
  where: string;
}

function split(text: string, path: FieldPath, where: string): Word[] {
  return text
    .split(/\s+/)
    .map((t) => t.replace(/^["']+|["';]+$/g, ''))
    .filter(Boolean)
    .map((t) => ({ text: t, path, where }));
}

function commandLine(c: ContainerRef): Word[] {
  const out: Word[] = [];
  for (const key of ['command', 'args']) {
    const v = c.spec[key];
    if (!Array.isArray(v)) continue;
    v.forEach((item, i) => {
      if (typeof item === 'string') out.push(...split(item, [...c.path, key, i], key));
    });
  }
  return out;
}

function envWords(c: ContainerRef, name: string): Word[] {
  const e = literalEnv(c.spec).filter((x) => x.name === name);
  // With duplicate names the last entry wins.
  const last = e[e.length - 1];
  return last ? split(last.value, [...c.path, 'env', last.index, 'value'], `env ${name}`) : [];
}

/** The setting that decides a limit, with the word that set it. */
export interface Setting {
  word: Word;
  /** Heap (or runtime) bytes when explicit; undefined when relative to the limit. */
  bytes?: number;
  /** Percentage of the limit when relative. */
  percent?: number;
}

/** The JVM's max heap: explicit -Xmx / -XX:MaxHeapSize wins over MaxRAMPercentage / MaxRAMFraction; the last of each wins. */
export function jvmHeap(c: ContainerRef, javaOptionsEnv: string[]): Setting | undefined {
  const scriptVars = javaOptionsEnv.filter((n) => n !== 'JAVA_TOOL_OPTIONS' && n !== 'JDK_JAVA_OPTIONS' && n !== '_JAVA_OPTIONS');
  // Precedence, lowest first: JAVA_TOOL_OPTIONS, script variables (JAVA_OPTS, ...), JDK_JAVA_OPTIONS, the command line, _JAVA_OPTIONS.
  const words: Word[] = [
    // The JVM reads these three itself, whatever javaOptionsEnv lists.
    ...envWords(c, 'JAVA_TOOL_OPTIONS'),
    ...scriptVars.flatMap((n) => envWords(c, n)),
    ...envWords(c, 'JDK_JAVA_OPTIONS'),
    ...commandLine(c),
    ...envWords(c, '_JAVA_OPTIONS'),
  ];
  let explicit: Setting | undefined;
  let relative: Setting | undefined;
  let fraction: Setting | undefined;
  // The percentage is of what the JVM takes for physical memory: with MaxRAM or container support off, that is not the limit.
  let notTheLimit = false;
  for (const w of words) {
    if (/^-XX:MaxRAM=/.test(w.text) || w.text === '-XX:-UseContainerSupport') notTheLimit = true;
    let m = /^-Xmx([0-9]+[kKmMgGtT]?)$/.exec(w.text) ?? /^-XX:MaxHeapSize=([0-9]+[kKmMgGtT]?)$/.exec(w.text);
    if (m) {
      const bytes = parseJvmSize(m[1]);
      explicit = bytes !== undefined && bytes > 0 ? { word: w, bytes } : undefined;
      continue;
    }
    m = /^-XX:MaxRAMPercentage=([0-9]+(?:\.[0-9]*)?)$/.exec(w.text);
    if (m) {
      relative = { word: w, percent: parseFloat(m[1]) };
      continue;
    }
    m = /^-XX:MaxRAMFraction=([0-9]+)$/.exec(w.text);
    if (m) {
      const n = parseInt(m[1], 10);
      fraction = n > 0 ? { word: w, percent: 100 / n } : undefined;
    }
  }
  if (explicit) return explicit;
  return notTheLimit ? undefined : (relative ?? fraction);
}

/** GOMEMLIMIT: an integer with an optional B/KiB/MiB/GiB/TiB suffix ("off" disables it). */
export function parseGoBytes(s: string): number | undefined {
  const m = /^([0-9]+)(B|KiB|MiB|GiB|TiB)?$/.exec(s.trim());
  if (!m) return undefined;
  const f: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };
  return parseInt(m[1], 10) * f[m[2] ?? 'B'];
}

export function goMemLimit(c: ContainerRef): Setting | undefined {
  const e = literalEnv(c.spec).filter((x) => x.name === 'GOMEMLIMIT');
  const last = e[e.length - 1];
  if (!last) return undefined;
  const bytes = parseGoBytes(last.value);
  if (bytes === undefined || bytes <= 0) return undefined;
  return { word: { text: `GOMEMLIMIT=${last.value.trim()}`, path: [...c.path, 'env', last.index, 'value'], where: 'GOMEMLIMIT' }, bytes };
}

/** Node.js --max-old-space-size (MiB): NODE_OPTIONS first, then the command line (last wins). */
export function nodeOldSpace(c: ContainerRef): Setting | undefined {
  const words = [...envWords(c, 'NODE_OPTIONS'), ...commandLine(c)];
  let found: Setting | undefined;
  words.forEach((w, i) => {
    let m = /^--max[-_]old[-_]space[-_]size=([0-9]+)$/.exec(w.text);
    let text = w.text;
    if (!m && /^--max[-_]old[-_]space[-_]size$/.test(w.text) && i + 1 < words.length) {
      m = /^([0-9]+)$/.exec(words[i + 1].text);
      text = `${w.text} ${words[i + 1].text}`;
    }
    if (!m) return;
    const mib = parseInt(m[1], 10);
    found = mib > 0 ? { word: { ...w, text }, bytes: mib * MiB } : undefined;
  });
  return found;
}

/** "-Xmx2g (2Gi, in env JAVA_OPTS)": the setting, its size when not obvious, and where it is when not on the command line. */
export function describe(w: Word, bytes?: number): string {
  const notes: string[] = [];
  if (bytes !== undefined && !w.text.includes(formatBytes(bytes))) notes.push(formatBytes(bytes));
  if (w.where.startsWith('env ')) notes.push(`in ${w.where}`);
  return notes.length ? `${w.text} (${notes.join(', ')})` : w.text;
}


/** The JAVA_OPTS-style variables start scripts pass on to the JVM by default (the check's parameter). */
export const JAVA_OPTIONS_ENV = ['JAVA_OPTS', 'JAVA_OPTIONS', 'ES_JAVA_OPTS'];

/**
 * The heap a container sets explicitly (a byte size, not a share of the limit), if any: the JVM's
 * max heap, else Node's old space, else GOMEMLIMIT.
 */
export function explicitHeap(c: ContainerRef, javaOptionsEnv: string[] = JAVA_OPTIONS_ENV): { text: string; bytes: number; path: FieldPath } | undefined {
  const s = [jvmHeap(c, javaOptionsEnv), nodeOldSpace(c), goMemLimit(c)].find((x) => x?.bytes !== undefined);
  return s ? { text: describe(s.word, s.bytes), bytes: s.bytes!, path: s.word.path } : undefined;
}
