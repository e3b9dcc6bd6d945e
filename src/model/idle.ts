/**
 * Containers that only idle: `sleep infinity`, `tail -f /dev/null`, `while true; do sleep 30; done`, the
 * pause image. They serve nothing and cannot hang in a way a probe would see: a toolbox to
 * `kubectl exec` into, or what keeps a DaemonSet's pod alive after its init container did the work.
 */
import type { JsonObject, Workload } from './types.js';
import { commandWords, getString, parseImage } from './util.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);

const DURATION = '(?:infinity|inf|\\d+(?:\\.\\d+)?[smhd]?)';
/** Matched against the script in a canonical form: words separated by one space, `;` as its own word. */
const IDLE = [
  new RegExp(`^sleep ${DURATION}$`),
  /^tail -f \/dev\/null$/,
  new RegExp(`^while (?:true|:) ; do sleep ${DURATION} ; done$`),
  /^pause$/,
];

const memo = new WeakMap<JsonObject, string | null>();

/** The idle command a container runs (canonical form), or undefined. Three checks ask for each container. */
export function idleCommand(c: JsonObject): string | undefined {
  let v = memo.get(c);
  if (v === undefined) memo.set(c, (v = idleScript(c) ?? null));
  return v ?? undefined;
}

function idleScript(c: JsonObject): string | undefined {
  let w = commandWords(c);
  if (w.length === 0) {
    const image = getString(c, ['image']);
    return image && parseImage(image).name === 'pause' ? 'the pause image' : undefined;
  }
  if (SHELLS.has(base(w[0]))) {
    const i = w.indexOf('-c');
    if (i === -1) return undefined;
    w = w.slice(i + 1);
  }
  while (w[0] === 'exec') w = w.slice(1);
  if (w.length === 0) return undefined;
  const script = [base(w[0]), ...w.slice(1)]
    .join(' ')
    .replace(/^["']|["']$/g, '')
    .replace(/;/g, ' ; ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ ;$/, '');
  return IDLE.some((re) => re.test(script)) ? script.replace(/ ;/g, ';') : undefined;
}

/** The idle commands of a pod whose long-running containers all only idle, or undefined. */
export function idlePod(w: Workload): string[] | undefined {
  const running = w.containers.filter((c) => c.longRunning);
  const idle = running.map((c) => idleCommand(c.spec));
  return running.length > 0 && idle.every((x): x is string => x !== undefined) ? idle : undefined;
}
