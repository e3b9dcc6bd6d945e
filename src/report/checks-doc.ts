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
  classes?: string[];
  pss?: string;
}

const PILLAR_ORDER = ['resources', 'health', 'rbac', 'availability', 'observability', 'security', 'storage', 'networking'];
const CLASS_TEXT: Record<string, string> = {
  service: 'long-running replicated workloads',
  daemon: 'DaemonSets',
  batch: 'Jobs, CronJobs and run-to-completion Pods',
  pod: 'bare long-running Pods',
};

function appliesTo(c: CheckDoc): string {
  if (c.target === 'object') return (c.kinds ?? []).join(', ');
  if (!c.classes) return 'every workload (any object with a pod template)';
  return c.classes.map((k) => CLASS_TEXT[k] ?? k).join('; ');
}

function sorted(checks: CheckDoc[]): CheckDoc[] {
  return [...checks].sort((a, b) => PILLAR_ORDER.indexOf(a.pillar) - PILLAR_ORDER.indexOf(b.pillar) || a.id.localeCompare(b.id));
}

export function renderCheckList(checks: CheckDoc[], format: 'text' | 'json', color: boolean): string {
  if (format === 'json') {
    return JSON.stringify(sorted(checks).map((c) => ({ id: c.id, pillar: c.pillar, severity: c.severity, title: c.title, whatBreaks: c.whatBreaks, fix: c.fix, params: c.params ?? {}, appliesTo: appliesTo(c), ...(c.pss ? { pss: c.pss } : {}) })), null, 2) + '\n';
  }
  const k = pc.createColors(color);
  const idw = Math.max(...checks.map((c) => c.id.length));
  const lines: string[] = [];
  let pillar = '';
  for (const c of sorted(checks)) {
    if (c.pillar !== pillar) {
      pillar = c.pillar;
      lines.push((lines.length ? '\n' : '') + k.bold(pillar));
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
    `**${c.title}** · pillar: ${c.pillar} · default severity: ${c.severity}${c.pss ? ` · Pod Security Standards: ${c.pss}` : ''}`,
    '',
    `Applies to: ${appliesTo(c)}.`,
    '',
    `**What breaks:** ${c.whatBreaks}`,
    '',
  ];
  if (c.details) lines.push(c.details.trim(), '');
  lines.push(`**Fix:** ${c.fix.text}`, '', '```yaml', c.fix.yaml.trimEnd(), '```', '');
  const params = paramsTable(c);
  if (params.length) lines.push('Parameters (set in `.kubeready.yaml` under `checks.' + c.id + '.params`):', '', ...params, '');
  lines.push(`Disable or relax: \`checks: {${c.id}: off}\` or \`{${c.id}: warning}\`; exempt one object with the annotation \`kubeready.io/ignore: ${c.id}\` plus \`kubeready.io/ignore-reason\`.`, '');
  return lines.join('\n');
}

export function renderExplain(c: CheckDoc): string {
  return checkMarkdown(c, '#');
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
    ...s.map((c) => `| [\`${c.id}\`](#${c.id}) | ${c.pillar} | ${c.severity} | ${c.title} |`),
    '',
  ];
  let pillar = '';
  for (const c of s) {
    if (c.pillar !== pillar) {
      pillar = c.pillar;
      lines.push(`## Pillar: ${pillar}`, '');
    }
    lines.push(`<a id="${c.id}"></a>`, '', checkMarkdown(c, '###'));
  }
  return lines.join('\n');
}
