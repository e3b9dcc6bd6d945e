import { defineCheck, type FindingInput } from '../types.js';
import type { FieldPath, Json, JsonObject, Workload } from '../../model/types.js';
import { get, getArray, getNumber, getObject } from '../../model/util.js';
import { isZeroIntOrPercent, percentOf, replicaFloor, scaleIntOrPercent, showIntOrPercent } from './util.js';

function inGroup(apiVersion: string, groups: string[]): boolean {
  return groups.some((g) => apiVersion.startsWith(g));
}

/** The strategy type, defaulting to RollingUpdate; undefined when it is something odd. */
function strategyType(v: Json | undefined): string | undefined {
  if (v === undefined || v === null) return 'RollingUpdate';
  return typeof v === 'string' ? v : undefined;
}

/** Value of an IntOrString field, or the API default when absent. */
function orDefault(ru: JsonObject | undefined, key: string, def: Json): Json {
  const v = ru?.[key];
  return v === undefined || v === null ? def : v;
}

/** A container of the pods that binds a port on the node (hostPort, or any port on the host network): a surge pod cannot start beside the old one. */
function hostPortOf(w: Workload): string | undefined {
  const hostNetwork = w.podSpec.hostNetwork === true;
  for (const c of w.containers) {
    for (const p of getArray(c.spec, ['ports'])) {
      const hp = getNumber(p, ['hostPort']);
      if (hp !== undefined && hp > 0) return `container "${c.name}" uses hostPort ${hp}`;
      const cp = getNumber(p, ['containerPort']);
      if (hostNetwork && cp !== undefined) return `container "${c.name}" listens on port ${cp} of the host network`;
    }
  }
  return undefined;
}

/** The fix for a DaemonSet: one of maxUnavailable and maxSurge non-zero; surge only when no pod holds a node port. */
function daemonFix(name: string, hostPort: string | undefined): string {
  if (hostPort) return `On DaemonSet "${name}", set spec.updateStrategy.rollingUpdate.maxUnavailable: 1 (or a small percentage) and leave maxSurge at 0: ${hostPort}, so a surge pod could not start on a node while the old one holds the port.`;
  return `On DaemonSet "${name}", set spec.updateStrategy.rollingUpdate to maxUnavailable: 0 and maxSurge: 1 (each node's new pod starts before its old one stops), or maxUnavailable: 1 with maxSurge 0; the API server rejects both non-zero.`;
}

export default defineCheck({
  id: 'rolling-update-unavailable',
  pillar: 'availability',
  severity: 'error',
  title: 'Rolling update can take every pod down',
  whatBreaks:
    'A rollout is allowed to stop every pod at the same time: each deploy (or a bad image) becomes a full outage instead of a gradual replacement.',
  details: `\`maxUnavailable\` is how many pods a rolling update may take out of service at once. Kubernetes
resolves percentages against the desired replica count: for Deployments \`maxUnavailable\` rounds
**down** and \`maxSurge\` rounds **up** (defaults 25% / 25%; if both resolve to 0, one pod may be
unavailable). When it resolves to the whole replica count (\`100%\`, or a number at least the
replicas), the controller may scale the old pods down to zero before any new pod is ready.
With an HPA the check uses its \`minReplicas\` floor: that is when an absolute \`maxUnavailable\` hurts most.

- **Deployment**: \`spec.strategy.rollingUpdate\`.
- **DaemonSet**: \`spec.updateStrategy.rollingUpdate.maxUnavailable\` (default 1). The node count is
  not in the manifest, so only \`100%\` is reported (with \`maxSurge\` 0): every node's pod is
  restarted at once, e.g. the log agent or node-local DNS is down cluster-wide.
- **StatefulSet**: \`spec.updateStrategy.rollingUpdate.maxUnavailable\` (default 1, rounds down,
  at least 1) is reported as a warning: it is honoured only where the \`MaxUnavailableStatefulSet\`
  feature gate is enabled (alpha from 1.24, beta but off by default in 1.35-1.36, on by default from
  Kubernetes 1.37). Where it is enabled it applies under both \`OrderedReady\` and \`Parallel\` pod
  management: the controller deletes up to \`maxUnavailable\` old pods at once (OrderedReady only
  re-creates them one by one). A \`partition\` above 0 keeps the lower ordinals and is not reported.

\`maxUnavailable\` and \`maxSurge\` both 0 (or \`0%\`) is rejected by the API server; that is
reported too, whatever the replica count. Workloads with fewer than 2 replicas are left to
\`replicas-below-minimum\`.`,
  fix: {
    text: "Keep maxUnavailable below the replica count, in the kind's own field: a Deployment's spec.strategy.rollingUpdate (maxUnavailable: 0 with maxSurge: 1 is the safest); a DaemonSet's spec.updateStrategy.rollingUpdate, where only one of maxUnavailable and maxSurge may be non-zero (maxSurge needs pods without hostPort); a StatefulSet's spec.updateStrategy.rollingUpdate.maxUnavailable, at least 1 (it has no maxSurge).",
    yaml: `kind: Deployment
spec:
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
---
# A StatefulSet or a DaemonSet: spec.updateStrategy (they have no spec.strategy). A StatefulSet has
# no maxSurge and rejects maxUnavailable 0. A DaemonSet whose pods hold no host port may use
# maxUnavailable: 0 with maxSurge: 1 instead (never both non-zero).
kind: StatefulSet
spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1`,
  },
  uses: ['HorizontalPodAutoscaler', 'ScaledObject'],
  target: 'workload',
  classes: ['service', 'daemon'],
  run({ workload: w, resource, index }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const obj = resource.object;
    const av = resource.apiVersion;

    if (resource.kind === 'Deployment' && inGroup(av, ['apps/', 'extensions/'])) {
      if (strategyType(get(obj, ['spec', 'strategy', 'type'])) !== 'RollingUpdate') return out;
      const ruPath: FieldPath = ['spec', 'strategy', 'rollingUpdate'];
      const ru = getObject(obj, ruPath);
      const muRaw = orDefault(ru, 'maxUnavailable', '25%');
      const msRaw = orDefault(ru, 'maxSurge', '25%');
      if (isZeroIntOrPercent(muRaw) && isZeroIntOrPercent(msRaw)) {
        out.push({
          message: `strategy.rollingUpdate.maxUnavailable ${showIntOrPercent(muRaw)} and maxSurge ${showIntOrPercent(msRaw)}: the API server rejects this (a rollout could never make progress); set maxSurge to at least 1`,
          path: [...ruPath, 'maxUnavailable'],
          fix: `On Deployment "${resource.name}", set spec.strategy.rollingUpdate.maxSurge: 1 and keep maxUnavailable: 0 (each new pod starts and becomes ready before an old one stops).`,
        });
        return out;
      }
      const floor = replicaFloor(w, index);
      if (!floor || floor.value < 2) return out;
      const n = floor.value;
      let mu = scaleIntOrPercent(muRaw, n, false);
      const ms = scaleIntOrPercent(msRaw, n, true);
      if (mu === undefined || ms === undefined) return out;
      if (mu === 0 && ms === 0) mu = 1;
      if (mu < n) return out;
      const of = floor.source === 'hpa' || floor.source === 'keda' ? `the ${n} replicas at the autoscaler floor (${floor.text})` : `${n} replicas`;
      const given = ru?.maxUnavailable === undefined || ru?.maxUnavailable === null ? '' : ` ${showIntOrPercent(muRaw)}`;
      out.push({
        message: `strategy.rollingUpdate.maxUnavailable${given} allows ${mu} unavailable pods out of ${of}: a rollout may take every pod down at once`,
        path: [...ruPath, 'maxUnavailable'],
        fix: `On Deployment "${resource.name}", set spec.strategy.rollingUpdate.maxUnavailable: 0 and maxSurge: 1 (new pods start and become ready before old ones stop), or keep maxUnavailable at most ${n - 1}.`,
      });
      return out;
    }

    if (resource.kind === 'DaemonSet' && inGroup(av, ['apps/', 'extensions/'])) {
      if (strategyType(get(obj, ['spec', 'updateStrategy', 'type'])) !== 'RollingUpdate') return out;
      const ruPath: FieldPath = ['spec', 'updateStrategy', 'rollingUpdate'];
      const ru = getObject(obj, ruPath);
      const muRaw = orDefault(ru, 'maxUnavailable', 1);
      const msRaw = orDefault(ru, 'maxSurge', 0);
      if (isZeroIntOrPercent(muRaw) && isZeroIntOrPercent(msRaw)) {
        out.push({
          message: `updateStrategy.rollingUpdate.maxUnavailable ${showIntOrPercent(muRaw)} with maxSurge ${showIntOrPercent(msRaw)}: the API server rejects this; set maxUnavailable to 1 or maxSurge to at least 1`,
          path: [...ruPath, 'maxUnavailable'],
          fix: daemonFix(resource.name, hostPortOf(w)),
        });
        return out;
      }
      // With a surge the controller starts the new pod before it stops the old one on each node.
      if (!isZeroIntOrPercent(msRaw)) return out;
      const p = percentOf(muRaw);
      if (p === undefined || p < 100) return out;
      out.push({
        message: `updateStrategy.rollingUpdate.maxUnavailable ${showIntOrPercent(muRaw)}: a rollout stops this DaemonSet's pod on every node at once`,
        path: [...ruPath, 'maxUnavailable'],
        fix: daemonFix(resource.name, hostPortOf(w)),
      });
      return out;
    }

    if (resource.kind === 'StatefulSet' && av.startsWith('apps/')) {
      if (strategyType(get(obj, ['spec', 'updateStrategy', 'type'])) !== 'RollingUpdate') return out;
      const ruPath: FieldPath = ['spec', 'updateStrategy', 'rollingUpdate'];
      const ru = getObject(obj, ruPath);
      const muRaw = ru?.maxUnavailable;
      if (muRaw === undefined || muRaw === null) return out;
      const muPath = [...ruPath, 'maxUnavailable'];
      if (isZeroIntOrPercent(muRaw)) {
        out.push({
          message: `updateStrategy.rollingUpdate.maxUnavailable ${showIntOrPercent(muRaw)}: where MaxUnavailableStatefulSet is enabled (on by default from Kubernetes 1.37) the API server rejects 0 for a StatefulSet; remove it (default 1) or set 1`,
          path: muPath,
          severity: 'warning',
          fix: `On StatefulSet "${resource.name}", remove spec.updateStrategy.rollingUpdate.maxUnavailable (default 1) or set it to 1; a StatefulSet rejects 0 and has no maxSurge.`,
        });
        return out;
      }
      const partition = getNumber(obj, [...ruPath, 'partition']);
      if (partition !== undefined && partition > 0) return out;
      const floor = replicaFloor(w, index);
      if (!floor || floor.value < 2) return out;
      const n = floor.value;
      let mu = scaleIntOrPercent(muRaw, n, false);
      if (mu === undefined) return out;
      if (mu < 1) mu = 1;
      if (mu < n) return out;
      out.push({
        message: `updateStrategy.rollingUpdate.maxUnavailable ${showIntOrPercent(muRaw)} allows ${mu} unavailable pods out of ${n} replicas: where MaxUnavailableStatefulSet is enabled (on by default from Kubernetes 1.37), a rollout may take every pod down at once`,
        path: muPath,
        severity: 'warning',
        fix: `On StatefulSet "${resource.name}", set spec.updateStrategy.rollingUpdate.maxUnavailable: 1 (at most ${n - 1}), or remove it (default 1); a StatefulSet has no maxSurge, and rejects 0.`,
      });
      return out;
    }
    return out;
  },
});
