import type { Json, Workload } from '../../model/types.js';
import { get, isTemplated } from '../../model/util.js';
import { defineCheck, type FindingInput } from '../types.js';
import { isControlled, isZeroIntOrPercent, percentOf, replicaField, replicaFloor, showIntOrPercent, type ReplicaFloor } from './util.js';
import { removedApi } from '../../model/removed-apis.js';
import { isPolicyPdb, pdbSelectorKind, workloadName, workloadsOfPdb } from './pdb-util.js';

function isSet(v: Json | undefined): boolean {
  return v !== undefined && v !== null;
}

/** The fix for a minAvailable that blocks: maxUnavailable instead, never beside it. */
function replaceMin(name: string, total: number | undefined): string {
  const lower = total === undefined ? '' : total > 1 ? `, or lower minAvailable to at most ${total - 1}` : '';
  return `In ${name}, replace minAvailable with maxUnavailable: 1: delete minAvailable, since a budget may set only one of the two${lower}.`;
}

export default defineCheck({
  id: 'pdb-blocks-eviction',
  pillar: 'availability',
  severity: 'error',
  title: 'PodDisruptionBudget allows no eviction',
  whatBreaks:
    '`kubectl drain` waits forever on these pods (the eviction API answers 429 on every attempt), the cluster autoscaler never removes their nodes, and managed node upgrades either fail or, after their drain timeout (an hour on GKE), delete the pods anyway with no budget protection at all.',
  details: `The disruption controller computes \`status.disruptionsAllowed\` = healthy pods − desired healthy
pods, and the eviction API refuses an eviction when it is 0 (HTTP 429, which \`kubectl drain\` retries
forever). Reported when the budget can never allow an eviction of healthy pods (a \`policy/v1beta1\` budget
is not: the API server no longer serves that version, so it is never created; \`api-version-removed\` says so):

- \`maxUnavailable: 0\` or \`"0%"\`: desired healthy = every expected pod.
- neither \`minAvailable\` nor \`maxUnavailable\` (\`policy/v1\` has no default): the controller's expected pod
  count is then 0, and it allows no disruption while the expected count is 0.
- \`minAvailable: "100%"\`: the percentage is rounded **up** against the expected pod count, so it is
  every pod.
- \`minAvailable\` at or above the replica floor of the workloads in the input whose pods it selects
  (same namespace): an integer is compared with the floor (an HPA's \`minReplicas\`, a KEDA
  \`minReplicaCount\`, else \`spec.replicas\`); a percentage is first rounded up as the controller does
  (\`"60%"\` of 2 pods is 2). For an autoscaled workload the budget blocks whenever it runs at its
  floor, which is exactly when load is low and maintenance is usually scheduled.

A budget that sets **both** \`minAvailable\` and \`maxUnavailable\` is reported too: the API server rejects it
("minAvailable and maxUnavailable cannot be both set", pkg/apis/policy/validation), so it is never created
and protects nothing.

Not reported when the budget selects only DaemonSet pods (\`kubectl drain --ignore-daemonsets\` does not
evict them), when the values are templated, or when a selected workload's replica count cannot be known.

Blocking drains on purpose (a singleton that needs a manual hand-over) is occasionally intended;
exempt the budget and say why, rather than leave a trap for whoever upgrades the cluster.`,
  fix: {
    text: 'Allow at least one eviction: replace minAvailable with maxUnavailable: 1 (it scales with the replica count), deleting minAvailable, since a budget may set only one of the two; or keep minAvailable strictly below the replica floor.',
    yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1   # replaces minAvailable: delete that field (the API server rejects a budget with both)
  selector:
    matchLabels:
      app.kubernetes.io/name: web   # the budget's own selector, unchanged`,
  },
  uses: ['HorizontalPodAutoscaler', 'ScaledObject'],
  target: 'object',
  kinds: ['PodDisruptionBudget'],
  run({ resource: pdb, index }) {
    const out: FindingInput[] = [];
    // policy/v1beta1 is no longer served (api-version-removed): the budget is never created and blocks nothing.
    if (!isPolicyPdb(pdb) || removedApi(pdb.apiVersion, pdb.kind)) return out;
    const min = get(pdb.object, ['spec', 'minAvailable']);
    const max = get(pdb.object, ['spec', 'maxUnavailable']);
    const name = `PodDisruptionBudget "${pdb.name}"`;
    if (isSet(min) && isSet(max)) {
      // Rejected whatever it selects (ValidatePodDisruptionBudgetSpec); templated values may leave one out.
      if (isTemplated(min) || isTemplated(max)) return out;
      out.push({
        message: `sets both minAvailable ${showIntOrPercent(min)} and maxUnavailable ${showIntOrPercent(max)}: the API server rejects the budget ("minAvailable and maxUnavailable cannot be both set"), so it is never created and protects no pod from eviction`,
        path: ['spec', 'minAvailable'],
        fix: `Keep one of the two in ${name}: delete minAvailable and keep maxUnavailable${isZeroIntOrPercent(max) ? ' set to 1 (0 would allow no eviction)' : ''}, or delete maxUnavailable and keep minAvailable below the replica count.`,
      });
      return out;
    }
    // A budget that selects nothing blocks nothing (pdb-selects-nothing reports it).
    if (pdbSelectorKind(pdb) === 'none') return out;
    // policy/v1beta1 defaulted minAvailable to 1; policy/v1 has no default.
    if (!isSet(min) && !isSet(max) && pdb.apiVersion !== 'policy/v1') return out;

    // The workloads of the input whose pods this budget selects, in its scope.
    const of = workloadsOfPdb(pdb, index);
    const unclear = of.possible.some((w) => index.sameScope(w.resource, pdb));
    const selected = of.certain.filter((w) => index.sameScope(w.resource, pdb));
    // Drains skip DaemonSet pods, so a budget over them alone blocks no drain.
    if (!unclear && selected.length > 0 && selected.every((w) => w.class === 'daemon')) return out;
    const who = selected.length > 0 ? ` (${selected.map(workloadName).join(', ')})` : '';
    const related = selected.map((w) => ({ resource: w.resource, path: [], note: 'pods selected' }));

    if (!isSet(min) && !isSet(max)) {
      out.push({
        message: `sets neither minAvailable nor maxUnavailable: the disruption controller then expects no pods and allows no voluntary eviction, so kubectl drain waits forever on every pod it selects (managed node upgrades fail, or evict anyway after their timeout)${who}`,
        path: ['spec'],
        fix: `Add maxUnavailable: 1 to the spec of ${name}.`,
        related,
      });
      return out;
    }

    if (isSet(max)) {
      if (isZeroIntOrPercent(max)) {
        out.push({
          message: `maxUnavailable ${showIntOrPercent(max)} allows no voluntary eviction: kubectl drain waits forever on every pod it selects (managed node upgrades fail, or evict anyway after their timeout)${who}`,
          path: ['spec', 'maxUnavailable'],
          fix: `Set maxUnavailable: 1 in ${name}.`,
          related,
        });
      }
      return out;
    }

    const pct = percentOf(min);
    if (pct === 100) {
      out.push({
        message: `minAvailable "100%" requires every pod to stay up, so it allows no voluntary eviction: kubectl drain waits forever on every pod it selects (managed node upgrades fail, or evict anyway after their timeout)${who}`,
        path: ['spec', 'minAvailable'],
        fix: replaceMin(name, undefined),
        related,
      });
      return out;
    }
    const isInt = typeof min === 'number' && Number.isInteger(min) && min >= 0;
    if (!isInt && (pct === undefined || pct > 100)) return out;

    // Compare with the replica floor of what it selects (controlled copies, e.g. the ReplicaSets of a
    // cluster export, are counted through their owner).
    if (unclear) return out;
    const counted = selected.filter((w) => !isControlled(w.resource));
    if (counted.length === 0) return out;
    const floors: { w: Workload; f: ReplicaFloor }[] = [];
    for (const w of counted) {
      const f = replicaFloor(w, index);
      if (!f) return out;
      floors.push({ w, f });
    }
    const total = floors.reduce((s, x) => s + x.f.value, 0);
    if (total <= 0) return out;
    const required = isInt ? (min as number) : Math.ceil(((pct as number) * total) / 100);
    if (required < total) return out;

    const autoscaled = floors.some((x) => x.f.source === 'hpa' || x.f.source === 'keda');
    const desc = floors.map((x) => `${workloadName(x.w)} with a floor of ${x.f.value} (${x.f.text})`).join(' and ');
    const value = isInt ? String(min) : `"${pct}%" (${required} of ${total}, rounded up)`;
    const whole = floors.length > 1 ? `, ${total} pods in all` : '';
    const when = autoscaled ? 'whenever it runs at that floor, ' : '';
    out.push({
      message: `minAvailable ${value} leaves no pod to evict: it selects ${desc}${whole}; ${when}kubectl drain waits forever on these pods (managed node upgrades fail, or evict anyway after their timeout)`,
      path: ['spec', 'minAvailable'],
      fix: replaceMin(name, total),
      related: floors.flatMap((x) => [
        { resource: replicaField(x.w)?.resource ?? x.w.resource, path: replicaField(x.w)?.path ?? [], note: 'pods selected' },
        ...(x.f.by ? [{ resource: x.f.by, path: x.f.source === 'keda' ? ['spec', 'minReplicaCount'] : ['spec', 'minReplicas'], note: 'sets the replica floor' }] : []),
      ]),
    });
    return out;
  },
});
