import { defineCheck, type FindingInput } from '../types.js';
import { getNumber } from '../../model/util.js';

export default defineCheck({
  id: 'hpa-workload-sets-replicas',
  pillar: 'availability',
  severity: 'warning',
  title: 'Autoscaled workload sets spec.replicas',
  whatBreaks:
    'Every kubectl apply (or Helm upgrade, or GitOps sync) of this manifest resets the replica count to spec.replicas, overriding the HorizontalPodAutoscaler: a deploy during a traffic peak scales the service down to that number until the HPA scales it back up minutes later.',
  details: `When a HorizontalPodAutoscaler manages a Deployment, StatefulSet or Argo \`Rollout\`, it owns the replica
count and writes it through the \`scale\` subresource. If the manifest also sets \`spec.replicas\`, every
apply sends that value back: client-side \`kubectl apply\` patches \`spec.replicas\` whenever the live value
differs from the manifest, Helm's three-way merge does the same, and server-side apply reports a
conflict with the HPA (which \`--force-conflicts\`, common in CI, resolves in favour of the manifest).
The workload is scaled to the manifest's number on every deploy, then the HPA needs its sync period
and stabilisation windows to recover. With \`spec.replicas: 0\` the HPA stops scaling altogether.

The Kubernetes documentation recommends removing \`spec.replicas\` from the manifest of any autoscaled
workload. Do it carefully, because removing it is itself a change:
- **client-side apply**: first run \`kubectl apply edit-last-applied deployment/<name>\` and delete
  \`spec.replicas\` from the last-applied configuration, then remove it from the manifest; otherwise the
  next apply deletes the field, it defaults to **1**, and all pods but one are terminated;
- **server-side apply**: hand the field over to the HPA (the documented field-ownership transfer)
  before removing it.

Not reported when every HPA pins the count to the same value as \`spec.replicas\`
(\`minReplicas = maxReplicas = spec.replicas\`): applying changes nothing then. Argo CD setups that
ignore \`/spec/replicas\` (\`ignoreDifferences\` with \`RespectIgnoreDifferences=true\`) avoid the reset:
exempt the workload in that case.`,
  fix: {
    text: 'Remove spec.replicas from the manifest and let the HPA own the replica count (with client-side apply, first drop it from the last-applied configuration with kubectl apply edit-last-applied, or the next apply scales the workload to 1).',
    yaml: `apiVersion: apps/v1
kind: Deployment
spec:
  # no replicas: the HorizontalPodAutoscaler sets it
  selector:
    matchLabels: {app: web}`,
  },
  uses: ['HorizontalPodAutoscaler'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, index }) {
    const out: FindingInput[] = [];
    // A Deployment run by an Argo Rollout: its own spec.replicas is not what the autoscaler scales.
    if (!w || w.scaledBy || !w.replicasPath || w.replicas === null) return out;
    const hpas = index.hpasFor(w.resource);
    if (hpas.length === 0) return out;
    const replicas = w.replicas;
    const pinned = hpas.every((h) => {
      const max = getNumber(h.object, ['spec', 'maxReplicas']);
      const min = getNumber(h.object, ['spec', 'minReplicas']) ?? 1;
      return max === replicas && min === replicas;
    });
    if (pinned) return out;
    const h = hpas[0];
    const min = getNumber(h.object, ['spec', 'minReplicas']) ?? 1;
    const max = getNumber(h.object, ['spec', 'maxReplicas']);
    const range = max !== undefined ? ` (${min}-${max} replicas)` : '';
    const effect =
      replicas === 0
        ? 'scales the workload to 0, and an HPA does not scale a workload up from 0'
        : max === undefined || replicas < max
          ? `resets the replica count to ${replicas}, fighting the autoscaler (a deploy during peak load scales the service down to ${replicas} ${replicas === 1 ? 'pod' : 'pods'})`
          : `resets the replica count to ${replicas}, fighting the autoscaler (every deploy scales to ${replicas} pods until the HPA scales it back down)`;
    out.push({
      message: `spec.replicas is ${replicas} while HorizontalPodAutoscaler "${h.name}"${range} manages the replica count: every kubectl apply (or Helm upgrade, GitOps sync) of this manifest ${effect}; remove spec.replicas from the manifest`,
      path: w.replicasPath,
      related: [{ resource: h, path: ['spec', 'scaleTargetRef'], note: 'the autoscaler' }],
    });
    return out;
  },
});
