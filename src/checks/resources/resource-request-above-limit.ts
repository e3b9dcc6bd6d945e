import { defineCheck, type FindingInput } from '../types.js';
import { getObject } from '../../model/util.js';
import { effectiveLimit, formatValue, label, ownQuantity, resourcesPath, show, sourceNote } from './shared.js';

export default defineCheck({
  id: 'resource-request-above-limit',
  pillar: 'resources',
  severity: 'error',
  title: 'Request is above the limit',
  whatBreaks:
    'The API server rejects the object: `kubectl apply` fails with "must be less than or equal to limit". When the limit comes from a LimitRange default, the workload is accepted but every pod is rejected at creation, so the rollout never makes progress.',
  details: `A container may not request more of a resource than its limit allows; validation rejects the pod (and the pod template of a Deployment, StatefulSet, Job, ...). This usually happens when someone raises the request during an incident and forgets the limit, or when values come from different Helm value files.

The check also covers a container that sets only a request, in a namespace whose LimitRange (in the input) applies a smaller default limit: the Deployment is accepted, but the ReplicaSet's pod creations fail (\`FailedCreate\` events) and no pod ever starts.

Values are compared numerically (\`1Gi\` vs \`1024Mi\`, \`500m\` vs \`0.5\`); invalid quantities are left to \`invalid-resource-quantity\`.`,
  fix: {
    text: 'Lower the request or raise the limit so that request <= limit for every resource.',
    yaml: `resources:
  requests:
    memory: 1Gi
  limits:
    memory: 1Gi`,
  },
  uses: ['LimitRange', 'HorizontalPodAutoscaler'],
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const out: FindingInput[] = [];
    for (const c of w.containers) {
      const requests = getObject(c.spec, ['resources', 'requests']);
      if (!requests) continue;
      for (const res of Object.keys(requests)) {
        const req = ownQuantity(c.spec, 'requests', res);
        const lim = effectiveLimit(ctx, c, res);
        if (!req || req.value === undefined || !lim || lim.value === undefined) continue;
        if (req.value <= lim.value) continue;
        const limText = `${show(lim)}${sourceNote(lim)}`;
        const sameUnit = typeof req.raw === 'string' && typeof lim.raw === 'string' && req.raw.replace(/[0-9.]/g, '') === lim.raw.replace(/[0-9.]/g, '');
        const detail = sameUnit ? '' : ` (${formatValue(res, req.value)} > ${formatValue(res, lim.value)})`;
        const consequence = lim.source === 'limitrange' ? 'pods are rejected at creation' : 'the API server rejects it';
        out.push({
          message: `${label(c)} requests ${res} ${show(req)} but its limit is ${limText}${detail}: ${consequence}`,
          path: resourcesPath(c, 'requests', res),
          container: c.name,
        });
      }
    }
    return out;
  },
});
