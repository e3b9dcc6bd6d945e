import { defineCheck, type FindingInput } from '../types.js';
import { get, stringMap } from '../../model/util.js';
import { stringListParam } from './util.js';

const DEFAULT_OWNER_LABELS = ['team', 'owner', 'squad'];

/** A label key is accepted when it equals an entry, or, for entries without a prefix, ends in "/<entry>". */
function ownerLabel(labels: Record<string, string>, accepted: string[]): string | undefined {
  for (const [k, v] of Object.entries(labels)) {
    if (!v.trim()) continue;
    for (const a of accepted) {
      if (k === a || (!a.includes('/') && k.endsWith(`/${a}`))) return k;
    }
  }
  return undefined;
}

export default defineCheck<{ ownerLabels: string[] }>({
  id: 'ownership-labels-missing',
  pillar: 'observability',
  severity: 'error',
  title: 'No owner label',
  whatBreaks:
    'Nothing on the workload says which team owns it: alerts cannot be routed to anyone, and during an incident the on-call has to hunt for who can make decisions about it.',
  details: `Looks for one of the \`ownerLabels\` (default \`team\`, \`owner\`, \`squad\`) with a non-empty value in
the object's \`metadata.labels\` or the pod template labels. An entry without a prefix also accepts
any prefixed form, so \`team\` accepts \`example.com/team\` and \`app.kubernetes.io/team\`.

Putting the label on the pod template as well makes it available on every pod, hence on every metric
and log line scraped from it (Prometheus can copy pod labels to series), which is what alert routing uses.

When ownership is set per namespace instead, a \`Namespace\` object in the same input carrying an owner
label also passes. Tune \`ownerLabels\` to your organisation's convention (e.g. \`cost-center\`, \`contact\`).`,
  fix: {
    text: 'Add an owner label (for example team) to the workload and its pod template.',
    yaml: `metadata:
  labels:
    team: payments
spec:
  template:
    metadata:
      labels:
        team: payments`,
  },
  params: {
    ownerLabels: {
      type: 'string[]',
      default: DEFAULT_OWNER_LABELS,
      description: 'Label keys that name the owner; one suffices. Entries without a prefix also match any prefixed key ending in "/<entry>".',
    },
  },
  uses: ['Namespace'],
  target: 'workload',
  run({ workload: w, resource, index, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const accepted = stringListParam(params.ownerLabels, DEFAULT_OWNER_LABELS);
    if (accepted.length === 0) return out;
    const objLabels = stringMap(get(resource.object, ['metadata', 'labels']));
    if (ownerLabel(objLabels, accepted) || ownerLabel(w.podLabels, accepted)) return out;
    const ns = index.namespaceOf(resource);
    const nsObj = index.named('Namespace', ns)[0];
    if (nsObj && ownerLabel(stringMap(get(nsObj.object, ['metadata', 'labels'])), accepted)) return out;
    const list = accepted.map((a) => (a.includes('/') ? a : `${a} (or */${a})`)).join(', ');
    out.push({
      message: `no owner label on the ${resource.kind}${resource.kind === 'Pod' ? '' : ' or its pod template'}; accepted: ${list}`,
      path: ['metadata', 'labels'],
    });
    return out;
  },
});
