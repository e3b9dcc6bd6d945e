import { defineCheck, type FindingInput } from '../types.js';
import { allReplicasText, replicaCountText, HOST_KEYS, ZONE_KEYS, ownPodsProblem, replicaFloor, spreadTerms, stringListParam, termLabel } from './util.js';
import { nodeExclusive } from '../../model/exclusive.js';
import { SHARED_CLAIM_KINDS, singleWriterClaim } from '../../model/claims.js';
import { antiAffinitySnippet, repairedTermSnippet } from './own-selector.js';

export default defineCheck<{ hostTopologyKeys: string[]; zoneTopologyKeys: string[] }>({
  id: 'no-pod-anti-affinity',
  pillar: 'availability',
  severity: 'warning',
  title: 'Replicas are not spread across nodes',
  whatBreaks:
    'Nothing keeps the replicas on different nodes, so they can all land on one node: that node failing, or being drained for an upgrade, takes every replica down at once.',
  details: `Passes when the pod template has a pod anti-affinity term (required or preferred) or a
\`topologySpreadConstraint\` (\`DoNotSchedule\` or \`ScheduleAnyway\`) over \`kubernetes.io/hostname\`
whose \`labelSelector\` matches the workload's own pod labels. A *required* anti-affinity term over a
zone key also passes: one replica per zone means one per node. So does a container \`hostPort\` (or
\`hostNetwork\` with declared ports): the scheduler never puts two pods using one host port on a node;
and so does a GKE TPU pod that asks for every chip of a single-host slice (\`google.com/tpu\` equal to the
chips of the \`cloud.google.com/gke-tpu-topology\` it selects, such as 8 on \`2x4\`): its node has no chip
left for a second one. (A multi-host slice's pods each take one host's share, fewer than the topology's chips.)

A term whose selector matches none of the workload's own pods (a copy-paste from another app, a
label renamed later), or that has no \`labelSelector\` at all, spreads nothing; it is reported with
the reason.

The default scheduler applies soft default spreading only to pods that define no
\`topologySpreadConstraints\` of their own, and only as a scoring preference: it does not stop
replicas from sharing a node when the cluster is busy. Say what you need explicitly.

Not reported for a Deployment (ReplicaSet, ReplicationController) whose replicas all mount one
\`ReadWriteOnce\` claim of the input: a replica on another node could not attach it, so spreading is
what would break them; **rwo-volume-multi-replica** reports the storage problem.

Reported for service workloads with a replica floor of 2 or more (fewer is \`replicas-below-minimum\`).`,
  fix: {
    text: 'Add a preferred pod anti-affinity term over kubernetes.io/hostname whose labelSelector is the workload\'s own pod selector (a topology spread constraint over the hostname works too, but defining one switches off the scheduler\'s default zone spreading).',
    yaml: `spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:   # the workload's own pod selector
                  matchLabels:
                    app.kubernetes.io/name: web`,
    place: {
      at: 'pod-spec',
      snippet: `affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: web`,
    },
  },
  params: {
    hostTopologyKeys: { type: 'string[]', default: HOST_KEYS, description: 'Node labels that identify a single node.' },
    zoneTopologyKeys: {
      type: 'string[]',
      default: ZONE_KEYS,
      description: 'Node labels that identify a zone (a required anti-affinity over one of them also separates nodes).',
    },
  },
  uses: ['HorizontalPodAutoscaler', 'ScaledObject', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, index, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const floor = replicaFloor(w, index);
    if (!floor || floor.value < 2) return out;
    // A host port (or hostNetwork with ports), or a whole TPU host: two pods never share a node.
    if (nodeExclusive(w)) return out;
    // All replicas mount one ReadWriteOnce claim: spreading them over nodes is what breaks them
    // (rwo-volume-multi-replica says how to fix the storage first).
    if (SHARED_CLAIM_KINDS.has(w.resource.kind) && singleWriterClaim(index, w)) return out;
    const hostKeys = stringListParam(params.hostTopologyKeys, HOST_KEYS);
    const zoneKeys = stringListParam(params.zoneTopologyKeys, ZONE_KEYS);
    const terms = spreadTerms(w).filter(
      (t) => hostKeys.includes(t.topologyKey) || (t.kind === 'required-anti-affinity' && zoneKeys.includes(t.topologyKey)),
    );
    const problems = terms.map((t) => ({ t, problem: ownPodsProblem(t, w, index) }));
    if (problems.some((p) => p.problem === null)) return out;
    const first = problems[0];
    if (first?.problem) {
      out.push({
        message: `the ${termLabel(first.t)} ${first.problem.why}: it does not keep the replicas apart, and one node failure can take them all`,
        path: [...first.t.path, first.problem.field],
        fixSnippet: repairedTermSnippet(w, first.t, first.problem.field, index.namespaceOf(w.resource)),
      });
      return out;
    }
    // Terms over other keys (a preferred zone anti-affinity, a zone spread) say nothing about nodes
    // inside a zone: name them, so "none over the hostname" does not read as "none at all".
    const others = [...new Set(spreadTerms(w).filter((t) => !terms.includes(t)).map((t) => (t.kind === 'spread' ? termLabel(t) : `${t.kind.startsWith('required') ? 'required' : 'preferred'} ${termLabel(t)}`)))];
    const have = others.length
      ? `its ${others.join(' and ')} ${others.length === 1 ? 'does' : 'do'} not separate nodes, and nothing spreads the pods over ${hostKeys.join(' / ')}: of all ${replicaCountText(floor)} replicas, those in the same zone can share a node`
      : '';
    out.push({
      message: have
        ? `${have}, and that node's failure takes them all down`
        : `no podAntiAffinity or topologySpreadConstraints over ${hostKeys.join(' / ')}: ${allReplicasText(floor)} can be scheduled onto one node, and that node's failure takes the service down`,
      path: [...w.podSpecPath, 'affinity'],
      fixSnippet: antiAffinitySnippet(w, hostKeys[0] ?? HOST_KEYS[0]),
    });
    return out;
  },
});
