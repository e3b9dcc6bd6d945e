import { defineCheck, type FindingInput } from '../types.js';
import { SHARED_CLAIM_KINDS, singleWriterClaim } from '../../model/claims.js';
import { repairedTermSnippet, spreadSnippet } from './own-selector.js';
import { allReplicasText, ZONE_KEYS, ownPodsProblem, replicaFloor, spreadTerms, stringListParam, termLabel } from './util.js';

export default defineCheck<{ zoneTopologyKeys: string[] }>({
  id: 'no-zone-spread',
  pillar: 'availability',
  severity: 'info',
  title: 'Replicas are not spread across zones',
  whatBreaks:
    'Nothing keeps the replicas in different availability zones, so they can all run in one: an outage of that zone takes every replica down.',
  details: `Passes when the pod template has a \`topologySpreadConstraint\` or a pod anti-affinity term
(required or preferred) over \`topology.kubernetes.io/zone\` (or the deprecated
\`failure-domain.beta.kubernetes.io/zone\`) whose \`labelSelector\` matches the workload's own pods.

This is **info**, not a warning: single-zone clusters (many on-premises ones) cannot act on it, and
the default scheduler already prefers to spread a pod's replicas across zones when the pod defines
no \`topologySpreadConstraints\` of its own. Note that defining any constraint (say, over
hostname only) switches that default off, so add the zone constraint next to it.

Use \`whenUnsatisfiable: ScheduleAnyway\` unless you are sure every zone has capacity:
\`DoNotSchedule\` leaves pods Pending when a zone is full or down. Reported for service workloads
with a replica floor of 2 or more; not for a Deployment (ReplicaSet, ReplicationController) whose replicas
all mount one ReadWriteOnce claim: they can only run on the volume's node, so spreading them breaks them
(\`rwo-volume-multi-replica\` reports the storage).`,
  fix: {
    text: 'Add a topology spread constraint over topology.kubernetes.io/zone (whenUnsatisfiable: ScheduleAnyway) whose labelSelector is the workload\'s own pod selector.',
    yaml: `spec:
  template:
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:   # the workload's own pod selector
            matchLabels:
              app.kubernetes.io/name: web`,
    place: {
      at: 'pod-spec',
      snippet: `topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        app.kubernetes.io/name: web`,
    },
  },
  params: {
    zoneTopologyKeys: { type: 'string[]', default: ZONE_KEYS, description: 'Node labels that identify a zone.' },
  },
  uses: ['HorizontalPodAutoscaler', 'ScaledObject', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, index, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const floor = replicaFloor(w, index);
    if (!floor || floor.value < 2) return out;
    // All replicas mount one ReadWriteOnce claim: they run on its node, so in its zone; spreading them
    // is what would break them (rwo-volume-multi-replica says how to fix the storage first).
    if (SHARED_CLAIM_KINDS.has(w.resource.kind) && singleWriterClaim(index, w)) return out;
    const zoneKeys = stringListParam(params.zoneTopologyKeys, ZONE_KEYS);
    const terms = spreadTerms(w).filter((t) => zoneKeys.includes(t.topologyKey));
    const problems = terms.map((t) => ({ t, problem: ownPodsProblem(t, w, index) }));
    if (problems.some((p) => p.problem === null)) return out;
    const first = problems[0];
    if (first?.problem) {
      out.push({
        message: `the ${termLabel(first.t)} ${first.problem.why}: it does not spread these replicas across zones`,
        path: [...first.t.path, first.problem.field],
        fixSnippet: repairedTermSnippet(w, first.t, first.problem.field, index.namespaceOf(w.resource)),
      });
      return out;
    }
    out.push({
      message: `no topologySpreadConstraints or podAntiAffinity over ${zoneKeys[0] ?? 'a zone key'}: ${allReplicasText(floor)} can run in one zone, and that zone's outage takes the service down`,
      path: [...w.podSpecPath, 'topologySpreadConstraints'],
      fixSnippet: spreadSnippet(w, zoneKeys[0] ?? ZONE_KEYS[0]),
    });
    return out;
  },
});
