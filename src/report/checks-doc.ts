/**
 * Check documentation: `kubeready checks`, `kubeready explain <id>` and docs/checks.md, all from
 * check metadata. Takes metadata as plain data (structurally typed), never imports checks.
 */
import pc from 'picocolors';

export interface CheckDoc {
  id: string;
  pillar: string;
  severity: string;
  title: string;
  whatBreaks: string;
  details?: string;
  fix: { text: string; yaml: string };
  params?: Record<string, { type: string; default: unknown; description: string }>;
  target: string;
  kinds?: string[];
  /** With kinds ['*']: runs on custom resources whose CRD is in the input. */
  customResources?: boolean;
  classes?: string[];
  pss?: string;
  /** Reads live status and Events (runtime check): listed apart. */
  runtime?: boolean;
}

const PILLAR_ORDER = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'];
const CLASS_TEXT: Record<string, string> = {
  service: 'long-running replicated workloads',
  daemon: 'DaemonSets',
  batch: 'Jobs, CronJobs and run-to-completion Pods',
  pod: 'bare long-running Pods',
};

function appliesTo(c: CheckDoc): string {
  const live = c.runtime ? ', as reported live (objects with a status: a cluster, or a kubectl get -o yaml dump)' : '';
  if (c.target === 'object') return (c.kinds?.includes('*') ? (c.customResources ? 'custom resources (kinds a CustomResourceDefinition in the input defines)' : 'every kind') : (c.kinds ?? []).join(', ')) + live;
  if (!c.classes) return (c.runtime ? 'every workload and its pods' : 'every workload (any object with a pod template)') + live;
  return c.classes.map((k) => CLASS_TEXT[k] ?? k).join('; ') + live;
}

function sorted(checks: CheckDoc[]): CheckDoc[] {
  // Manifest checks first, then runtime checks; each by pillar, then id.
  return [...checks].sort((a, b) => Number(!!a.runtime) - Number(!!b.runtime) || PILLAR_ORDER.indexOf(a.pillar) - PILLAR_ORDER.indexOf(b.pillar) || a.id.localeCompare(b.id));
}

export function renderCheckList(checks: CheckDoc[], format: 'text' | 'json', color: boolean): string {
  if (format === 'json') {
    return JSON.stringify(sorted(checks).map((c) => ({ id: c.id, pillar: c.pillar, severity: c.severity, title: c.title, whatBreaks: c.whatBreaks, fix: { text: c.fix.text, yaml: c.fix.yaml }, params: c.params ?? {}, appliesTo: appliesTo(c), ...(c.pss ? { pss: c.pss } : {}), ...(c.runtime ? { runtime: true } : {}) })), null, 2) + '\n';
  }
  const k = pc.createColors(color);
  const idw = Math.max(...checks.map((c) => c.id.length));
  const lines: string[] = [];
  let pillar = '';
  for (const c of sorted(checks)) {
    const group = c.runtime ? `runtime: ${c.pillar}` : c.pillar;
    if (group !== pillar) {
      pillar = group;
      lines.push((lines.length ? '\n' : '') + k.bold(group));
    }
    const sev = c.severity === 'error' ? k.red('error  ') : c.severity === 'warning' ? k.yellow('warning') : k.cyan('info   ');
    lines.push(`  ${c.id.padEnd(idw)}  ${sev}  ${c.title}`);
  }
  lines.push('', k.dim(`${checks.length} checks. kubeready explain <id> prints one in full.`));
  return lines.join('\n') + '\n';
}

function paramsTable(c: CheckDoc): string[] {
  const entries = Object.entries(c.params ?? {});
  if (!entries.length) return [];
  const out = ['| parameter | type | default | meaning |', '|---|---|---|---|'];
  for (const [name, p] of entries) out.push(`| \`${name}\` | ${p.type} | \`${JSON.stringify(p.default)}\` | ${p.description.replace(/\|/g, '\\|')} |`);
  return out;
}

/** The Markdown section for one check (used by explain and docs/checks.md). */
export function checkMarkdown(c: CheckDoc, heading = '##'): string {
  const lines = [
    `${heading} \`${c.id}\``,
    '',
    `**${c.title}** · pillar: ${c.pillar} · default severity: ${c.severity}${c.pss ? ` · Pod Security Standards: ${c.pss}` : ''}${c.runtime ? ' · runtime check (live status and Events)' : ''}`,
    '',
    `Applies to: ${appliesTo(c)}.`,
    '',
    `**What breaks:** ${c.whatBreaks}`,
    '',
  ];
  // The fix comes right after what breaks: the details (exact rules, edge cases) are for who wants them.
  lines.push(`**Fix:** ${c.fix.text}`, '', '```yaml', c.fix.yaml.trimEnd(), '```', '');
  if (c.details) lines.push('**Details.**', '', c.details.trim(), '');
  const params = paramsTable(c);
  if (params.length) lines.push('Parameters (set in `.kubeready.yaml` under `checks.' + c.id + '.params`):', '', ...params, '');
  lines.push(`Disable or relax: \`checks: {${c.id}: off}\` or \`{${c.id}: warning}\`; exempt one object with the annotation \`kubeready.io/ignore: ${c.id}\` plus \`kubeready.io/ignore-reason\`.`, '');
  return lines.join('\n');
}

export function renderExplain(c: CheckDoc): string {
  return checkMarkdown(c, '#');
}

/**
 * `kubeready explain` on a terminal: the same text without Markdown syntax. Headings and
 * `**strong**` become bold, `code` is coloured (or plain), fenced blocks are indented without their
 * fences (so the YAML can be copied as is), tables become one line per row, links show their address.
 * Piped or redirected, explain prints the Markdown itself.
 */
export function renderExplainTerminal(c: CheckDoc, color: boolean): string {
  return markdownForTerminal(checkMarkdown(c, '#'), color);
}

export function markdownForTerminal(md: string, color: boolean): string {
  const k = pc.createColors(color);
  const inline = (t: string) =>
    t
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, text: string, url: string) => (url.startsWith('#') ? text : `${text} (${url})`))
      .replace(/\*\*([^*]+)\*\*/g, (_, x: string) => k.bold(x))
      .replace(/`([^`]+)`/g, (_, x: string) => k.cyan(x));
  const out: string[] = [];
  let fenced = false;
  let header: string[] | null = null;
  for (const line of md.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      out.push(line ? `    ${line}` : '');
      continue;
    }
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      out.push(k.bold(inline(h[1]).replace(/`/g, '')));
      continue;
    }
    if (/^\|.*\|\s*$/.test(line)) {
      const cells = line
        .slice(1, line.trimEnd().length - 1)
        .split(/(?<!\\)\|/)
        .map((x) => x.trim().replace(/\\\|/g, '|'));
      if (cells.every((x) => /^:?-+:?$/.test(x))) continue;
      if (!header) {
        // The header row names the columns; each row below says them inline.
        header = cells;
        continue;
      }
      const names = header;
      const [first, ...rest] = cells;
      const last = rest.pop() ?? '';
      const middle = rest.map((x, i) => `${names[i + 1] ?? ''}${names[i + 1] ? ': ' : ''}${inline(x)}`);
      out.push(`  ${inline(first)}${middle.length ? ` (${middle.join(', ')})` : ''}: ${inline(last)}`);
      continue;
    }
    header = null;
    out.push(inline(line));
  }
  return out.join('\n');
}

/** docs/checks.md */
export function renderChecksMarkdown(checks: CheckDoc[]): string {
  const s = sorted(checks);
  const lines = [
    '# Checks',
    '',
    '<!-- Generated from check metadata by `npm run docs`. Do not edit by hand: a test fails when this file is stale. -->',
    '',
    `kubeready runs ${checks.length} checks, grouped by the pillar of the production-readiness checklist they belong to.`,
    'A workload is production-ready when no check at severity `error` fires on it (exempted findings do not count).',
    '',
    '| id | pillar | severity | title |',
    '|---|---|---|---|',
    ...s.map((c) => `| [\`${c.id}\`](#${c.id}) | ${c.pillar}${c.runtime ? ' (runtime)' : ''} | ${c.severity} | ${c.title} |`),
    '',
  ];
  let pillar = '';
  let runtime = false;
  for (const c of s) {
    if (c.runtime && !runtime) {
      runtime = true;
      pillar = '';
      lines.push(
        '## Runtime checks',
        '',
        'These read what a live cluster reports (`kubeready audit --cluster`, or a `kubectl get -o yaml` dump with status and Events), never a manifest: the engine runs them only on objects that carry a `status`.',
        'Each is filed under the pillar of the checklist item that would have prevented the failure. `kubeready diagnose` walks the same evidence to a root cause.',
        '',
      );
    }
    if (c.pillar !== pillar) {
      pillar = c.pillar;
      lines.push(`${runtime ? '###' : '##'} ${runtime ? 'Runtime' : 'Pillar'}: ${pillar}`, '');
    }
    lines.push(`<a id="${c.id}"></a>`, '', checkMarkdown(c, runtime ? '####' : '###'));
  }
  return lines.join('\n');
}
