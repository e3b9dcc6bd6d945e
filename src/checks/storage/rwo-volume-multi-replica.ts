import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { Json, JsonObject, Resource, Workload } from '../../model/types.js';
import { get, getArray, getNumber, getObject, getString, isTemplated, stringMap } from '../../model/util.js';
import { scaleIntOrPercent, showIntOrPercent } from '../availability/util.js';
import { accessModes, claimFor, claimVolumes, rwoNotEnforced } from '../../model/claims.js';

const KINDS: Record<string, string[]> = {
  Deployment: ['apps/', 'extensions/'],
  ReplicaSet: ['apps/', 'extensions/'],
  ReplicationController: ['v1'],
};

function builtin(r: Resource): boolean {
  const groups = Object.hasOwn(KINDS, r.kind) ? KINDS[r.kind] : undefined;
  return !!groups && groups.some((g) => (g.endsWith('/') ? r.apiVersion.startsWith(g) : r.apiVersion === g));
}

/** The most pods the workload runs at once outside rollouts: an autoscaler's ceiling, else spec.replicas. Null: cannot tell. */
function replicaCeiling(w: Workload, index: ResourceIndex): { value: number; text: string; by?: Resource; byPath?: string[] } | null {
  const hpa = index.hpasFor(w.resource).find((h) => index.sameScope(h, w.resource));
  if (hpa) {
    const max = getNumber(hpa.object, ['spec', 'maxReplicas']);
    if (max === undefined) return null;
    return { value: max, text: `HorizontalPodAutoscaler "${hpa.name}" scales it up to ${max} replicas`, by: hpa, byPath: ['spec', 'maxReplicas'] };
  }
  const ns = index.namespaceOf(w.resource);
  const keda = index.inNamespace('ScaledObject', ns).find(
    (so) =>
      index.sameScope(so, w.resource) &&
      so.apiVersion.startsWith('keda.sh/') &&
      getString(so.object, ['spec', 'scaleTargetRef', 'name']) === w.resource.name &&
      (getString(so.object, ['spec', 'scaleTargetRef', 'kind']) ?? 'Deployment') === w.resource.kind,
  );
  if (keda) {
    const raw = get(keda.object, ['spec', 'maxReplicaCount']);
    if (raw !== undefined && typeof raw !== 'number') return null;
    const max = typeof raw === 'number' ? raw : 100;
    const text = raw === undefined ? `ScaledObject "${keda.name}" scales it up to 100 replicas (the maxReplicaCount default)` : `ScaledObject "${keda.name}" scales it up to ${max} replicas`;
    return { value: max, text, by: keda, byPath: ['spec', 'maxReplicaCount'] };
  }
  if (w.scaledBy && w.replicas !== null) return { value: w.replicas, text: `${w.scaledBy.resource.kind} "${w.scaledBy.resource.name}" (workloadRef) runs ${w.replicas} replica${w.replicas === 1 ? '' : 's'}` };
  if (w.replicas !== null) return { value: w.replicas, text: `spec.replicas is ${w.replicas}` };
  if (w.replicasPath && get(w.resource.object, w.replicasPath) !== undefined) return null;
  return { value: 1, text: 'spec.replicas unset (1)' };
}

/** The one node every pod of the template is pinned to (nodeName, a hostname nodeSelector or required node affinity), if any. */
function pinnedNode(w: Workload): string | undefined {
  const nodeName = getString(w.podSpec, ['nodeName']);
  if (nodeName) return nodeName;
  const sel = stringMap(w.podSpec.nodeSelector)['kubernetes.io/hostname'];
  if (sel) return sel;
  const terms = getArray(w.podSpec, ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms']);
  if (terms.length !== 1) return undefined;
  for (const e of getArray(terms[0], ['matchExpressions'])) {
    const values = getArray(e, ['values']);
    if (getString(e, ['key']) === 'kubernetes.io/hostname' && getString(e, ['operator']) === 'In' && values.length === 1 && typeof values[0] === 'string') return values[0];
  }
  return undefined;
}

function orDefault(ru: JsonObject | undefined, key: string, def: Json): Json {
  const v = ru?.[key];
  return v === undefined || v === null ? def : v;
}

/**
 * How a one-replica Deployment rolls out: does the new pod start while the old one still runs?
 * Null when it does not (Recreate, maxSurge 0, maxUnavailable >= 1) or cannot tell.
 */
function overlappingRollout(r: Resource): { surge: Json; unavailable: Json } | null {
  if (r.kind !== 'Deployment') return null;
  const strategy = getObject(r.object, ['spec', 'strategy']);
  const type = strategy?.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate') return null;
  const ru = getObject(strategy, ['rollingUpdate']);
  const legacy = r.apiVersion.startsWith('extensions/');
  const surgeRaw = orDefault(ru, 'maxSurge', legacy ? 1 : '25%');
  const unavailableRaw = orDefault(ru, 'maxUnavailable', legacy ? 1 : '25%');
  if (isTemplated(surgeRaw) || isTemplated(unavailableRaw)) return null;
  const surge = scaleIntOrPercent(surgeRaw, 1, true);
  let unavailable = scaleIntOrPercent(unavailableRaw, 1, false);
  if (surge === undefined || unavailable === undefined) return null;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  if (surge === 0 || unavailable > 0) return null;
  return { surge: surgeRaw, unavailable: unavailableRaw };
}

export default defineCheck({
  id: 'rwo-volume-multi-replica',
  pillar: 'storage',
  severity: 'error',
  title: 'ReadWriteOnce volume shared by several pods',
  whatBreaks:
    'Pods scheduled on a second node never start: a ReadWriteOnce volume attaches to one node at a time, so pods of the same Deployment on another node stay in ContainerCreating with a Multi-Attach error, and a rolling update whose new pod lands on another node hangs until someone deletes the old pod by hand.',
  details: `Reported for Deployments, ReplicaSets and ReplicationControllers that mount a PersistentVolumeClaim
of the input (same namespace) whose \`accessModes\` are only \`ReadWriteOnce\` and/or \`ReadWriteOncePod\`:

- **More than one replica** (\`spec.replicas\`, or an HPA \`maxReplicas\` / KEDA \`maxReplicaCount\` above 1):
  error. \`ReadWriteOnce\` allows several pods only on the node the volume is attached to, and nothing
  keeps the replicas on one node; the attach/detach controller refuses the second attachment
  (a \`FailedAttachVolume\` event: \`Waiting for detach for volume ... Volume is already used by pod(s) ...\`;
  older releases say \`Multi-Attach error for volume ...\`).
  \`ReadWriteOncePod\` allows exactly one pod in the whole cluster: the other replicas stay Pending even
  on the same node.
- **One replica with a rolling update that starts the new pod first** (\`RollingUpdate\`, the default,
  with \`maxSurge\` resolving to 1 or more and \`maxUnavailable\` to 0: the default 25%/25% of one replica
  is exactly that). The old pod keeps the volume until the new one is Ready, and the new one cannot
  attach it from another node: the rollout hangs until \`progressDeadlineSeconds\` marks it failed, and
  stays stuck. Reported as a **warning** for \`ReadWriteOnce\`, because it works whenever the scheduler
  happens to pick the same node (always on a one-node cluster); an **error** for \`ReadWriteOncePod\`,
  where the new pod can never start while the old one runs.

Not reported: \`Recreate\`, \`maxSurge: 0\` or \`maxUnavailable\` resolving to 1 with one replica (the old
pod goes first), StatefulSets (\`volumeClaimTemplates\` give each pod its own claim), claims that also
allow \`ReadWriteMany\`/\`ReadOnlyMany\`, pods pinned to one node (\`nodeName\`, a hostname
\`nodeSelector\` or required node affinity) for \`ReadWriteOnce\`, and volumes the input shows are not
attached per node: a bound PersistentVolume that allows \`ReadWriteMany\`, is NFS/CephFS/local/hostPath
or has node affinity, or a StorageClass (or class name) of a shared file system (EFS, Azure Files,
Filestore, NFS, CephFS, ...) or of node-local storage (local-path, OpenEBS local, TopoLVM, ...), which
keeps every pod on the volume's node. A claim that is not in the input is left to
\`volume-source-missing\`: its access modes are unknown.`,
  fix: {
    text: 'For several replicas, run a StatefulSet so each pod gets its own claim (with the data replicated by the app), or use a ReadWriteMany volume. If it must stay one replica, use the Recreate strategy (or maxSurge: 0) and exempt it from replicas-below-minimum with a reason: one replica is then a decision, not an oversight.',
    yaml: `spec:
  replicas: 1
  strategy:
    type: Recreate`,
  },
  uses: ['PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'HorizontalPodAutoscaler', 'ScaledObject'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, resource, index }) {
    const out: FindingInput[] = [];
    if (!w || !builtin(resource)) return out;
    const claims = claimVolumes(w);
    if (claims.length === 0) return out;
    const ceiling = replicaCeiling(w, index);
    if (!ceiling || ceiling.value < 1) return out;
    const pinned = pinnedNode(w);
    const seen = new Set<string>();
    for (const c of claims) {
      if (seen.has(c.claimName)) continue;
      seen.add(c.claimName);
      const pvc = claimFor(index, resource, c.claimName);
      if (!pvc || !index.sameScope(pvc, resource)) continue;
      const modes = accessModes(pvc.object);
      if (modes.length === 0 || modes.some((m) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod')) continue;
      const rwop = modes.every((m) => m === 'ReadWriteOncePod');
      if (!rwop && (pinned || rwoNotEnforced(index, pvc))) continue;
      const mode = rwop ? 'ReadWriteOncePod' : 'ReadWriteOnce';
      const claimText = `PersistentVolumeClaim "${c.claimName}" (volume "${c.volume}") is ${mode}`;
      const related: RelatedInput[] = [{ resource: pvc, path: ['spec', 'accessModes'], note: mode }];
      if (ceiling.value > 1) {
        if (ceiling.by) related.push({ resource: ceiling.by, path: ceiling.byPath ?? [], note: 'sets the replica ceiling' });
        const consequence = rwop
          ? 'only one pod in the cluster may use it, so every other replica stays Pending, even on the same node'
          : 'it attaches to one node at a time, so replicas scheduled on other nodes stay in ContainerCreating with a Multi-Attach error';
        out.push({
          message: `${claimText} and ${ceiling.text}: ${consequence}`,
          path: c.path,
          related,
        });
        continue;
      }
      const rollout = overlappingRollout(resource);
      if (!rollout) continue;
      const params = `maxSurge ${showIntOrPercent(rollout.surge)}, maxUnavailable ${showIntOrPercent(rollout.unavailable)}`;
      const stratPath = getObject(resource.object, ['spec', 'strategy']) ? ['spec', 'strategy'] : ['spec'];
      out.push(
        rwop
          ? {
              message: `${claimText} and the RollingUpdate strategy (${params}) starts the new pod before the old one stops: a ReadWriteOncePod volume admits only the old pod, so every rollout hangs with the new pod Pending`,
              path: stratPath,
              related,
            }
          : {
              message: `${claimText} and the RollingUpdate strategy (${params}) starts the new pod before the old one stops: when the new pod lands on another node it cannot attach the volume (Multi-Attach error) and the rollout hangs until the old pod is deleted by hand`,
              path: stratPath,
              related,
              severity: 'warning',
            },
      );
    }
    return out;
  },
});
