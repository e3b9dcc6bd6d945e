import { defineCheck, type FindingInput } from '../types.js';
import { execCommand, neverRuns, PROBE_KINDS, probeOf, singleHandler, type ProbeKind } from './probe-util.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
/** Files the kubelet mounts into every container (or that every image has): reading them cannot fail. */
const ALWAYS_THERE = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);

function base(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/**
 * Split a shell script into words when it is a single simple command: quotes allowed (no `$`
 * or backticks inside double quotes), no operators, redirections, substitutions or escapes.
 */
function simpleWords(script: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | null = null;
  for (const ch of script) {
    if (quote) {
      if (ch === quote) quote = null;
      else if (quote === '"' && (ch === '$' || ch === '`' || ch === '\\')) return undefined;
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
      continue;
    }
    if (ch === '\n') return undefined;
    if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    if (/[;&|<>`$(){}\\*?[\]#~=]/.test(ch)) return undefined;
    cur += ch;
    inWord = true;
  }
  if (quote) return undefined;
  if (inWord) words.push(cur);
  return words;
}

/** Why this simple command always exits 0, or undefined. `shell` says it runs inside `sh -c`. */
function alwaysPasses(words: string[], shell: boolean): string | undefined {
  if (words.length === 0) return undefined;
  const cmd = base(words[0]);
  const args = words.slice(1);
  const bare = words[0] === cmd || /^\/(usr\/)?bin\/[a-z]+$/.test(words[0]);
  if (!bare) return undefined;
  if (cmd === 'true' && args.length === 0) return '`true` always exits 0';
  if (cmd === 'echo') return '`echo` always exits 0';
  if (cmd === 'pwd' && args.length === 0) return '`pwd` always exits 0';
  if (cmd === 'cat' && args.length > 0 && args.every((a) => ALWAYS_THERE.has(a))) {
    return `${args.join(', ')} is mounted by the kubelet into every container, so reading it always succeeds`;
  }
  if (cmd === 'ls' && args.every((a) => a === '/' || a === '.' || /^-[a-zA-Z1]+$/.test(a))) {
    return `listing ${args.find((a) => !a.startsWith('-')) ?? 'the working directory'} always succeeds`;
  }
  if (shell && words[0] === ':' && args.length === 0) return '`:` is the shell no-op and always exits 0';
  if (shell && words[0] === 'exit' && (args.length === 0 || (args.length === 1 && args[0] === '0'))) return `the script is just \`${words.join(' ')}\``;
  return undefined;
}

const FINAL = /^([\s\S]*)(\|\||;|\n)\s*(true|:|exit\s+0|\/bin\/true|\/usr\/bin\/true)\s*$/;

/** Why a `sh -c` script always exits 0, or undefined. */
function scriptAlwaysPasses(script: string, flags: string): string | undefined {
  const s = script.trim().replace(/[;\s]+$/, '');
  const words = simpleWords(s);
  if (words) return alwaysPasses(words, true);
  // `check || true`, `check; exit 0`: the last command decides the exit status.
  const m = FINAL.exec(s);
  if (!m) return undefined;
  const [, prefix, sep, last] = m;
  if (prefix.trim() === '' || /[|&;\\]\s*$/.test(prefix)) return undefined;
  // Quotes must be balanced before the separator (else the "separator" is inside a string).
  if ((prefix.match(/'/g)?.length ?? 0) % 2 !== 0 || (prefix.match(/"/g)?.length ?? 0) % 2 !== 0) return undefined;
  // Anything that can end the script early with another status.
  if (/\b(exit|return|exec|kill|trap)\b|<<|\bset\s+-[a-zA-Z]*e|errexit/.test(prefix)) return undefined;
  if (sep !== '||' && flags.includes('e')) return undefined;
  const tail = last.replace(/\s+/g, ' ');
  return sep === '||'
    ? `the script ends in \`|| ${tail}\`, so it exits 0 whether or not the check before it succeeds`
    : `the script ends with \`${tail}\`, so its exit status ignores the check before it`;
}

/** Shell builtins that exec cannot run directly: every attempt errors with "executable file not found". */
function builtinOnly(cmd: string[]): boolean {
  return cmd.length > 0 && (cmd[0] === ':' || cmd[0] === 'exit');
}

const EFFECT: Record<ProbeKind, string> = {
  livenessProbe: 'a hung container is never restarted',
  readinessProbe: 'the pod gets traffic even when it cannot serve',
  startupProbe: 'liveness starts immediately, as if there were no startup probe',
};

export default defineCheck({
  id: 'placeholder-probe',
  pillar: 'health',
  severity: 'error',
  title: 'Probe cannot fail (placeholder command)',
  whatBreaks:
    'A probe whose command always succeeds checks nothing: a hung process is never restarted and a pod that cannot serve still gets traffic, while dashboards show every pod healthy.',
  details: `Exec probes like \`true\`, \`echo ok\`, \`cat /etc/hosts\` (the kubelet mounts it into every container),
\`ls /\`, or a shell script that is \`exit 0\`, \`:\`, or that ends in \`|| true\` / \`; exit 0\` exit 0
no matter what state the application is in. They are usually placeholders that satisfy a
"probes required" policy, which makes them worse than no probe: the gap is hidden.

What it recognises, precisely:

- direct exec of \`true\`, \`echo ...\`, \`pwd\`, \`cat /etc/hosts\` (or \`/etc/hostname\`,
  \`/etc/resolv.conf\`), \`ls\`/\`ls /\`;
- \`sh -c\` (bash, ash, ...) with one of those, with \`:\` or \`exit 0\`;
- \`sh -c "<check> || true"\`, and \`sh -c "<check>; exit 0"\` unless the script can exit earlier
  (\`exit\`, \`return\`, \`exec\`, \`set -e\`, \`sh -ec\`).

Direct exec of a shell builtin (\`command: [":"]\`, \`command: ["exit", "0"]\`) cannot run at all: there
is no such executable, so every attempt is a prober error that the kubelet discards: a readiness probe
never passes, and a liveness probe never fails (the container is never restarted, as with a
placeholder). It is reported too.

A startup probe placeholder is reported as a warning (it only makes the startup probe
useless); liveness and readiness placeholders are errors.`,
  fix: {
    text: 'Probe something that fails when the app is broken: an HTTP/gRPC health endpoint, a TCP port, or a command that exercises the app (and does not swallow its exit status).',
    yaml: `readinessProbe:
  exec:
    command: ["pg_isready", "-h", "127.0.0.1", "-p", "5432"]
livenessProbe:
  tcpSocket:
    port: postgres`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      if (!c.longRunning) continue;
      for (const kind of PROBE_KINDS) {
        const probe = probeOf(c, kind);
        const h = probe ? singleHandler(probe) : undefined;
        if (!h || h.type !== 'exec') continue;
        const cmd = execCommand(h.spec);
        if (!cmd || cmd.length === 0) continue;
        const shown = JSON.stringify(cmd);
        const path = [...c.path, kind, 'exec', 'command'];
        if (builtinOnly(cmd)) {
          out.push({
            message: `container "${c.name}": ${kind} exec ${shown} cannot run: "${cmd[0]}" is a shell builtin, not an executable; ${neverRuns(kind)}; use ["sh", "-c", "..."] and a real check`,
            path,
            container: c.name,
          });
          continue;
        }
        let reason: string | undefined;
        const shellFlags = cmd.length >= 3 && SHELLS.has(base(cmd[0])) && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(cmd[1]) ? cmd[1] : undefined;
        if (shellFlags) reason = scriptAlwaysPasses(cmd[2], shellFlags.slice(1));
        else if (!SHELLS.has(base(cmd[0]))) reason = alwaysPasses(cmd, false);
        if (!reason) continue;
        out.push({
          message: `container "${c.name}": ${kind} exec ${shown} always succeeds (${reason}), so it checks nothing and ${EFFECT[kind]}`,
          path,
          container: c.name,
          severity: kind === 'startupProbe' ? 'warning' : undefined,
        });
      }
    }
    return out;
  },
});
