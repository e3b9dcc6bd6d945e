import { toYaml } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import { isControlled, numberParam, replicaFloor } from './util.js';
import { SHARED_CLAIM_KINDS, singleWriterClaim } from '../../model/claims.js';
import { commandWords, formatPath, getNumber, getString, parseImage } from '../../model/util.js';
import type { Workload } from '../../model/types.js';
import { idlePod } from '../../model/idle.js';
import { CONTROLLER_SET_LABELS } from '../networking/service-util.js';
import { CACHE_IMAGES, DATABASE_IMAGES, databaseServer, runsSentinel } from '../storage/databases.js';

const LEADER_FLAG = /^--?(leader-elect|leader-election|enable-leader-election)(?:=(.*))?$/;

/**
 * Leader election as a controller's flags set it (kube-controller-manager, controller-runtime
 * operators): 'on' for a bare boolean flag or =true, 'off' for =false; undefined when no container
 * has such a flag. Go's flag packages take a boolean only as --flag or --flag=value.
 */
function leaderElection(w: Workload): { state: 'on' | 'off'; flag: string } | undefined {
  for (const c of w.containers) {
    for (const word of commandWords(c.spec)) {
      const m = LEADER_FLAG.exec(word);
      if (!m) continue;
      const v = m[2]?.toLowerCase();
      if (v === undefined || v === 'true' || v === '1') return { state: 'on', flag: word };
      if (v === 'false' || v === '0') return { state: 'off', flag: word };
    }
  }
  return undefined;
}

/**
 * Operators whose maintainers say they have no leader election: a second replica would reconcile the
 * same objects at the same moment. Matched on the image repository (registry left out).
 */
const SINGLE_REPLICA_OPERATORS: { repo: RegExp; name: string; source: string }[] = [
  // "We would need to implement leader election for this ... not yet implemented" (issues 2491, 2791); still none.
  { repo: /(^|\/)(prometheus-operator|coreos)\/prometheus-operator$/, name: 'prometheus-operator', source: 'prometheus-operator/prometheus-operator issues 2491 and 2791' },
  // "don't do it": one operator per watched namespace set (issue 1386).
  { repo: /(^|\/)altinity\/clickhouse-operator$/, name: 'clickhouse-operator', source: 'Altinity/clickhouse-operator issue 1386' },
];

const SERVER_IMAGES = new Set([...DATABASE_IMAGES, ...CACHE_IMAGES]);

function singleReplicaOperator(w: Workload): (typeof SINGLE_REPLICA_OPERATORS)[number] | undefined {
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    const image = getString(c.spec, ['image']);
    if (!image) continue;
    const repo = parseImage(image).repository.toLowerCase();
    const hit = SINGLE_REPLICA_OPERATORS.find((o) => o.repo.test(repo));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * kube-state-metrics without sharding flags: every replica serves every kube_* series, so a second
 * replica doubles them in Prometheus (its maintainers: run one, or two with deduplication in queries).
 */
function unshardedKubeStateMetrics(w: Workload): string | undefined {
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    const image = getString(c.spec, ['image']);
    if (!image || !/(^|\/)kube-state-metrics$/.test(parseImage(image).repository.toLowerCase())) continue;
    if (commandWords(c.spec).some((x) => /^--(total-shards|shard)(=|$)/.test(x))) return undefined;
    return c.name;
  }
  return undefined;
}

export default defineCheck<{ minReplicas: number }>({
  id: 'replicas-below-minimum',
  pillar: 'availability',
  severity: 'error',
  title: 'Too few replicas',
  whatBreaks:
    'With a single replica, one pod crash, OOM kill, node failure or node drain takes the service down until a new pod is scheduled and ready. A bare Pod is worse: nothing recreates it at all.',
  details: `The replica floor is what counts: when a HorizontalPodAutoscaler targets the workload, its
\`minReplicas\` (default 1) is the floor and \`spec.replicas\` is only the starting point; when a KEDA
\`ScaledObject\` targets it, its \`minReplicaCount\` (default 0) is. Otherwise \`spec.replicas\` (default 1
when unset) is.

A bare long-running \`Pod\` (no controller) is reported too: if its node fails or is drained, the pod is
gone for good. Pods with a controlling \`ownerReference\` (from a cluster export) are skipped.

\`spec.replicas: 0\` (or an autoscaler floor of 0) is reported as **info**: scaling to zero is usually
deliberate (a parked workload, scale-to-zero event consumers), but nothing serves until something
scales it up. Note that an HPA does not scale a target that is at 0 replicas.

Custom resources without \`spec.replicas\` (Knative Services, ...) are skipped: their replica count is
managed by other means. A custom resource that keeps a numeric \`replicas\` next to its pod template
elsewhere (ECK's Agent: \`spec.deployment.replicas\`) is judged on that field, and the message names it.
Batch and DaemonSet workloads are out of scope.

A Deployment (or ReplicaSet) whose pods mount a \`ReadWriteOnce\` claim of the input is still reported,
but the message says why \`replicas: 2\` alone is not the fix: the replicas would share that one volume
(see **rwo-volume-multi-replica**); more replicas need per-replica volumes (a StatefulSet) or a
\`ReadWriteMany\` volume.

A controller whose flags set leader election (\`--leader-elect\`, \`--leader-election\`,
\`--enable-leader-election\`) is told what that means: on, a second replica is safe to add (only the lease
holder does the leader's work, requests such as webhook calls go to both, and the other takes over the
leader's work when it is lost);
off (\`=false\`), it must be turned on before adding replicas, or the copies all act at once.

Operators whose maintainers say they have no leader election (prometheus-operator: issues 2491 and
2791 of prometheus-operator/prometheus-operator; Altinity's clickhouse-operator: issue 1386), recognised
by their image, get **info** instead at one replica: a second copy would reconcile the same objects at
once, so one is right, and the message says what its downtime delays.

Exempt workloads that genuinely cannot run twice (a singleton leader without leader election, a
licence-bound process) and accept the downtime knowingly.`,
  fix: {
    text: 'Run at least two replicas: set spec.replicas, or the HorizontalPodAutoscaler minReplicas when one manages the workload. Run bare Pods from a Deployment.',
    yaml: `spec:
  replicas: 3
---
# or, when an HPA manages the workload:
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  minReplicas: 2`,
    // Per finding: the workload's own replica field, its autoscaler's floor, or a bare Pod as a Deployment.
    place: { at: 'object', snippet: '' },
  },
  params: {
    minReplicas: { type: 'number', default: 2, description: 'Lowest acceptable replica floor.' },
  },
  uses: ['HorizontalPodAutoscaler', 'ScaledObject', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass'],
  target: 'workload',
  classes: ['service', 'pod'],
  run({ workload: w, index, params }) {
    const min = numberParam(params.minReplicas, 2);
    const out: FindingInput[] = [];
    if (!w) return out;
    if (w.class === 'pod') {
      if (min > 1 && !isControlled(w.resource)) {
        // A toolbox (every container idles: sleep, tail -f /dev/null) serves nothing to keep up.
        const idle = idlePod(w);
        if (idle) {
          out.push({
            message: `bare ${w.resource.kind} whose containers only idle (${[...new Set(idle)].join(', ')}): a toolbox to exec into, nothing serves from it, and nothing recreates it if it dies or its node is drained; if it is more than that, run it from a Deployment`,
            path: ['kind'],
            severity: 'info',
          });
          return out;
        }
        out.push({
          message: `bare ${w.resource.kind}: a single replica that nothing recreates if it dies or its node is drained (minimum ${min} replicas); run it from a Deployment`,
          path: ['kind'],
          ...(w.resource.kind === 'Pod' ? { fixSnippet: asDeployment(w, min) } : {}),
        });
      }
      return out;
    }
    const floor = replicaFloor(w, index);
    if (!floor) return out;
    const path = w.scaledBy ? ['spec'] : (w.replicasPath ?? ['spec']);
    // A Deployment run by an Argo Rollout (workloadRef): the count is the Rollout's.
    // Named after the field the finding points at: a custom resource may keep its count elsewhere
    // (ECK's Agent: spec.deployment.replicas).
    const field = w.scaledBy
      ? `${w.scaledBy.resource.kind} "${w.scaledBy.resource.name}" (workloadRef) ${formatPath(w.scaledBy.replicasPath)}`
      : formatPath(w.replicasPath ?? ['spec', 'replicas']);
    const related = w.scaledBy ? [{ resource: w.scaledBy.resource, path: w.scaledBy.replicasPath, note: 'replica count' }] : [];
    // minReplicas 0 (HPAScaleToZero): the HPA scaled it to 0 itself and scales it back up.
    if (floor.source === 'hpa' && w.replicas === 0 && floor.value > 0) {
      out.push({
        related,
        message: `${field} is 0: an HPA does not scale a workload at 0 replicas, so HorizontalPodAutoscaler "${floor.by?.name}" leaves it scaled to zero and nothing serves`,
        path,
        severity: 'info',
      });
      return out;
    }
    if (floor.value <= 0) {
      out.push({
        message:
          floor.source === 'replicas'
            ? `${field} is 0: scaled to zero, nothing serves until it is scaled up (exempt it if that is intentional)`
            : `${floor.text}: the workload scales to zero and nothing serves while it is idle`,
        path,
        related,
        severity: 'info',
      });
      return out;
    }
    if (floor.value >= min) return out;
    const impact =
      floor.value === 1
        ? 'one pod or node failure takes the service down'
        : `losing ${floor.value} pods at once (a node, a zone, a bad rollout) takes the service down`;
    let message: string;
    if (floor.source === 'hpa' || floor.source === 'keda') {
      // A LeaderWorkerSet scales groups (a leader and its workers), not pods.
      const unit = w.resource.kind === 'LeaderWorkerSet' ? 'group of pods (leader and workers)' : 'pod';
      message = `${floor.text}, below the minimum of ${min}: at low load the workload runs ${floor.value === 1 ? `a single ${unit}` : `${floor.value} ${unit === 'pod' ? 'pods' : 'groups of pods'}`}; ${impact}`;
    } else if (floor.source === 'default') {
      message = `${field} is not set (defaults to 1; minimum ${min}): ${impact}`;
    } else {
      message = `${field} is ${floor.value} (minimum ${min}): ${impact}`;
    }
    // One ReadWriteOnce volume for the whole Deployment: more replicas of it would fight over the
    // volume (rwo-volume-multi-replica), so the way to more replicas is another storage design.
    const single = SHARED_CLAIM_KINDS.has(w.resource.kind) ? singleWriterClaim(index, w) : undefined;
    if (single) {
      message += `; its ${single.mode} PersistentVolumeClaim "${single.claim.name}" cannot be shared by a second replica, so more replicas need a StatefulSet with a volumeClaimTemplate (one volume per replica, with the data replicated between them) or a ReadWriteMany volume`;
      out.push({ message, path, related: [...related, { resource: single.claim, path: ['spec', 'accessModes'], note: single.mode }] });
      return out;
    }
    // A database or cache server keeps its data in its own pod: a second replica is a second copy.
    const db = w.containers.find((c) => c.longRunning && databaseServer(c.spec, SERVER_IMAGES) !== undefined && !runsSentinel(c.spec));
    let fix: string | undefined;
    if (db) {
      const server = databaseServer(db.spec, SERVER_IMAGES);
      message += `; container "${db.name}" runs ${server}, which keeps its data in its own pod: a second replica would be a second, independent copy of the data behind the same Service, not a standby, so more replicas need the database's own replication (a StatefulSet set up for it, or an operator)`;
      fix = `Do not just raise the replica count: run ${server} with its own replication (an operator, or a StatefulSet set up as primary and replicas, with a volumeClaimTemplate), or use a managed database; until then, accept the single replica knowingly (exempt it with a reason).`;
    }
    // kube-state-metrics: stateless, restarts in seconds; a second unsharded replica doubles every series.
    const ksm = floor.value === 1 ? unshardedKubeStateMetrics(w) : undefined;
    if (ksm) {
      message += `; container "${ksm}" runs kube-state-metrics, which keeps no state and is back within seconds of a reschedule, while a second replica serves every kube_* series again (Prometheus scrapes both: deduplicate in queries and alerts)`;
      fix = 'Either keep one replica knowingly (exempt it with a reason: it restarts in seconds, and alerts on kube_* series pause meanwhile) or run two with pod anti-affinity and a PodDisruptionBudget, and deduplicate the doubled series in queries and alerts.';
    }
    // A controller: more replicas are safe only with leader election, which its flags may say.
    const leader = leaderElection(w);
    // An operator known to have none runs as one: a second copy is the failure, not the fix.
    const operator = floor.value === 1 && !leader && floor.source !== 'hpa' && floor.source !== 'keda' ? singleReplicaOperator(w) : undefined;
    if (operator) {
      out.push({
        message: `${floor.source === 'default' ? `${field} is not set (defaults to 1)` : `${field} is 1`}: ${operator.name} has no leader election (${operator.source}), so a second replica would reconcile the same objects at the same moment; keep one. While it is down (a node failure, a drain) changes to its custom resources wait until it is rescheduled; what it already runs keeps running`,
        path,
        related,
        severity: 'info',
      });
      return out;
    }
    if (leader?.state === 'off') message += `; it runs with leader election off (${leader.flag}): turn it on before adding replicas, or the copies all act at once`;
    else if (leader?.state === 'on') message += ` (it runs leader election, ${leader.flag}, so a second replica is safe to add: only the lease holder does the leader's work, and the other takes it over when the leader is lost)`;
    // An autoscaler of another folder that names the namespace this workload lands in by default:
    // whether it scales this workload depends on where it is applied (-n settles it).
    const perhaps = floor.source === 'hpa' || floor.source === 'keda' ? [] : index.hpasPerhapsFor(w.resource);
    if (perhaps.length > 0) {
      const h = perhaps[0];
      out.push({
        message: `${message}; HorizontalPodAutoscaler "${h.name}" of another folder (namespace "${index.namespaceOf(h)}") targets it: if the two are applied to the same namespace, its minReplicas ${getNumber(h.object, ['spec', 'minReplicas']) ?? 1} is the floor instead`,
        path,
        related: [...related, { resource: h, path: ['spec', 'scaleTargetRef'], note: 'may scale it' }],
        unknown: `HorizontalPodAutoscaler "${h.name}" of another folder may scale it (-n says where namespace-less manifests go)`,
        unknownIn: '*',
        ...(fix ? { fix } : {}),
      });
      return out;
    }
    // The floor's own field, raised to the minimum (a database or kube-state-metrics: the fix text instead).
    let fixSnippet: string | undefined;
    if (!fix && (floor.source === 'hpa' || floor.source === 'keda') && floor.by) {
      const key = floor.source === 'hpa' ? 'minReplicas' : 'minReplicaCount';
      fixSnippet = `# ${floor.by.kind} "${floor.by.name}"\nspec:\n  ${key}: ${min}`;
    } else if (!fix && !w.scaledBy && w.replicasPath && w.replicasPath.every((k) => typeof k === 'string')) {
      fixSnippet = toYaml(nested(w.replicasPath as string[], min)).trimEnd();
    }
    out.push({ message, path, related, ...(fix ? { fix } : {}), ...(fixSnippet ? { fixSnippet } : {}) });
    return out;
  },
});

/** `{a: {b: {c: value}}}` for the path a.b.c. */
function nested(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((v, k) => ({ [k]: v }), value);
}

/**
 * A bare Pod as a Deployment of `replicas` copies: its labels select the pods (an `app` label named
 * after it when it has none); the template's spec is the Pod's own, moved there by hand (it is not
 * copied here: env values and arguments may hold secrets), without a restartPolicy other than Always
 * (a Deployment accepts only Always) or a nodeName (every replica on one node).
 */
function asDeployment(w: Workload, replicas: number): string {
  const own = Object.fromEntries(Object.entries(w.podLabels).filter(([k]) => !CONTROLLER_SET_LABELS.has(k)));
  const labels = Object.keys(own).length ? own : { app: w.resource.name };
  const metadata: Record<string, unknown> = { name: w.resource.name };
  if (w.resource.namespace !== undefined) metadata.namespace = w.resource.namespace;
  const restart = w.podSpec.restartPolicy;
  const leave = [restart !== undefined && restart !== 'Always' ? `restartPolicy: ${String(restart)}` : '', w.podSpec.nodeName !== undefined ? 'nodeName' : ''].filter(Boolean);
  const doc = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels } } },
  };
  return `# instead of the Pod (delete it once the Deployment's pods are Ready)\n${toYaml(doc).trimEnd()}\n    spec: {}   # the Pod's spec, moved here as it is${leave.length ? ` (without ${leave.join(' and ')})` : ''}`;
}
