import { defineCheck, type FindingInput } from '../types.js';
import type { FieldPath } from '../../model/types.js';
import { getObject } from '../../model/util.js';
import { label, ownQuantity, show, type Quantity, type Section } from './shared.js';

const MiB = 2 ** 20;

function bytesText(v: number): string {
  if (v < 1) return `${Number(v.toPrecision(3))} bytes`;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} bytes`;
}

/** The two classic slips: "512m" (milli) and a bare "512" (bytes) both meant "512Mi". */
function suggestion(q: Quantity): string | undefined {
  if (typeof q.raw === 'number') return `${q.raw}Mi`;
  if (typeof q.raw !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(q.raw.trim());
  return m ? `${m[1]}Mi` : undefined;
}

export default defineCheck({
  id: 'memory-quantity-too-small',
  pillar: 'resources',
  severity: 'error',
  title: 'Memory quantity is below 1Mi (unit mistake)',
  whatBreaks:
    'A memory limit of a few bytes cannot run any process: the container fails to start or is OOMKilled immediately and the pod loops in CrashLoopBackOff. A request that small reserves nothing, so the scheduler overpacks the node.',
  details: `Memory quantities are in bytes. \`512m\` is **0.512 bytes** (\`m\` is milli, not mega), and a bare number such as \`512\` is 512 bytes; both are almost always typos for \`512Mi\`. No real container fits in less than 1Mi, so any positive memory request or limit below 1Mi is reported: limits as errors, requests as warnings (the request only misleads the scheduler). Zero is left alone.`,
  fix: {
    text: 'Use a binary suffix for memory: Mi or Gi.',
    yaml: `resources:
  requests:
    memory: 512Mi
  limits:
    memory: 512Mi`,
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const out: FindingInput[] = [];
    const test = (q: Quantity | undefined, section: Section, path: FieldPath, who: string, container?: string) => {
      if (!q || q.value === undefined || q.value <= 0 || q.value >= MiB) return;
      const hint = suggestion(q);
      const unit = typeof q.raw === 'string' && /m$/.test(q.raw.trim()) ? ' ("m" means milli)' : '';
      out.push({
        message: `${who} sets ${section}.memory to ${show(q)}, which is ${bytesText(q.value)}${unit}${hint ? `; did you mean ${hint}?` : ''}`,
        path,
        container,
        severity: section === 'limits' ? 'error' : 'warning',
      });
    };
    for (const c of w.containers) {
      for (const section of ['requests', 'limits'] as const) {
        test(ownQuantity(c.spec, section, 'memory'), section, [...c.path, 'resources', section, 'memory'], label(c), c.name);
      }
    }
    if (getObject(w.podSpec, ['resources'])) {
      for (const section of ['requests', 'limits'] as const) {
        test(ownQuantity(w.podSpec, section, 'memory'), section, [...w.podSpecPath, 'resources', section, 'memory'], 'the pod (pod-level resources)');
      }
    }
    return out;
  },
});
