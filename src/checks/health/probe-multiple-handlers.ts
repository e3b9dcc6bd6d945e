import { defineCheck, type FindingInput } from '../types.js';
import { handlerTypes, PROBE_KINDS, probeOf } from './probe-util.js';
import { isObject } from '../../model/util.js';

const HOOKS = ['postStart', 'preStop'] as const;
const HOOK_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

export default defineCheck({
  id: 'probe-multiple-handlers',
  pillar: 'health',
  severity: 'error',
  title: 'Probe or lifecycle hook sets more than one handler',
  whatBreaks:
    'The API server rejects the object ("may not specify more than 1 handler type"), so the apply fails. It often comes from a kustomize/Helm overlay that adds httpGet to a base that has exec, which merges both instead of replacing.',
  details: `A probe has exactly one handler: \`httpGet\`, \`tcpSocket\`, \`grpc\` or \`exec\`. A strategic merge patch
that sets a different handler than the base merges both into the probe; replace the whole probe
(\`$patch: replace\`, or a JSON patch) instead. Null values (\`exec: null\`, which deletes the field in a
merge patch) are not counted.

Lifecycle hooks (\`postStart\`, \`preStop\`) are validated the same way: one of \`exec\`, \`httpGet\`,
\`tcpSocket\` or \`sleep\` (\`pkg/apis/core/validation\`: validateLifecycleHandler). Adding \`sleep\` to a preStop
hook that runs \`exec: [sleep, "15"]\` makes two.`,
  fix: {
    text: 'Keep exactly one handler in the probe; in a strategic merge patch replace the probe instead of merging into it.',
    yaml: `livenessProbe:
  httpGet:
    path: /livez
    port: http`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      for (const kind of PROBE_KINDS) {
        const probe = probeOf(c, kind);
        if (!probe) continue;
        const types = handlerTypes(probe);
        if (types.length < 2) continue;
        out.push({
          message: `container "${c.name}": ${kind} sets ${types.length} handlers (${types.join(', ')}); the API server accepts exactly one`,
          path: [...c.path, kind, types[1]],
          container: c.name,
        });
      }
      const lifecycle = c.spec.lifecycle;
      if (!isObject(lifecycle)) continue;
      for (const hook of HOOKS) {
        const h = lifecycle[hook];
        if (!isObject(h)) continue;
        const types = HOOK_HANDLERS.filter((t) => h[t] !== undefined && h[t] !== null);
        if (types.length < 2) continue;
        out.push({
          message: `container "${c.name}": lifecycle.${hook} sets ${types.length} handlers (${types.join(', ')}); the API server accepts exactly one`,
          path: [...c.path, 'lifecycle', hook, types[1]],
          container: c.name,
        });
      }
    }
    return out;
  },
});
