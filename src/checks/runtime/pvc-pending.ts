import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import { pvcPending, podPhase, type PvcPending } from '../../model/runtime.js';
import { describeEvent, formatDuration, formatTime, observedAt } from '../../model/events.js';

interface Params {
  minutes: number;
}

/** Why the claim is not bound, in words. */
export function pvcCause(p: PvcPending): string {
  if (p.classMissing) return `StorageClass "${p.storageClass}" does not exist (the input holds the cluster's StorageClasses and it is not among them)`;
  if (p.noDefault) return 'the claim names no storageClassName and the cluster has no default StorageClass';
  if (p.storageClass === null) return 'storageClassName is "" (static binding) and no PersistentVolume matches the claim';
  const w = p.lastWarning;
  if (w && /storageclass\.storage\.k8s\.io "([^"]+)" not found/i.test(w.message)) return `StorageClass "${/"([^"]+)"/.exec(w.message)![1]}" does not exist`;
  if (w && /no persistent volumes available/i.test(w.message)) return 'no PersistentVolume matches the claim and no class provisions one';
  if (w) return `provisioning fails (${w.reason})`;
  if (p.lastEvent?.reason === 'ExternalProvisioning') return 'the external provisioner has not created the volume (is its CSI driver running?)';
  return 'no volume has been bound';
}

export default defineCheck<Params>({
  id: 'pvc-pending',
  pillar: 'storage',
  severity: 'error',
  runtime: true,
  title: 'PersistentVolumeClaim stays Pending',
  whatBreaks:
    'No volume is bound to the claim, so every pod that mounts it stays Pending: a StatefulSet replica, a database or a job that needs the volume never starts.',
  details: `A runtime check (claim \`status\`, Events). Reported when a claim is in phase \`Pending\` and:

- a Warning event about it is the latest (\`ProvisioningFailed\`, \`FailedBinding\`: the message is
  quoted), or one is there and the claim has been Pending for at least \`minutes\`: **error**;
- the StorageClass it names is not among the StorageClasses in the input (when the input holds any),
  or it names none and no class is marked default: **error**;
- it has been Pending for at least \`minutes\` with no Warning (an external provisioner that never
  answers): **warning**.

Not reported while the claim waits for its first consumer (\`volumeBindingMode:
WaitForFirstConsumer\`, or a \`WaitForFirstConsumer\` event) with no Warning: that is how such classes
bind, and a pod that cannot be scheduled is reported by \`pod-pending-unschedulable\`. Durations run to
the snapshot's time (a live cluster: the API server's clock when the scan started; a file: its newest
timestamp).

Pillar: storage: the checklist item that prevents it is a claim naming a StorageClass the cluster
defines (\`pvc-storage-class-missing\`).`,
  fix: {
    text: 'Name a StorageClass that exists (kubectl get storageclass), mark one as default, or fix its provisioner; a claim cannot change class once created: delete and recreate it (after a backup if it ever held data).',
    yaml: `apiVersion: v1
kind: PersistentVolumeClaim
spec:
  storageClassName: standard-rwo   # kubectl get storageclass
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10Gi`,
  },
  params: {
    minutes: { type: 'number', default: 5, description: 'Report claims Pending for at least this many minutes (with no Warning event: as a warning).' },
  },
  target: 'object',
  kinds: ['PersistentVolumeClaim'],
  uses: ['Event', 'StorageClass', 'Node'],
  run(ctx) {
    const p = pvcPending(ctx.index, ctx.resource);
    if (!p) return [];
    const now = observedAt(ctx.index);
    const minMs = Math.max(0, Number(ctx.params.minutes) || 0) * 60_000;
    const age = now !== undefined && p.since !== undefined ? now - p.since : undefined;
    const long = age !== undefined && age >= minMs;
    const warningIsLatest = p.lastWarning !== undefined && p.lastWarning === p.lastEvent;
    let severity: 'error' | 'warning' | undefined;
    if (p.classMissing || p.noDefault) severity = 'error';
    else if (p.lastWarning && (warningIsLatest || long)) severity = 'error';
    else if (p.waitsForConsumer) return [];
    else if (long) severity = 'warning';
    else return [];
    const users = p.users.filter((u) => podPhase(u) === 'Pending');
    const event = p.lastWarning ?? p.lastEvent;
    const rel: RelatedInput[] = [];
    if (p.classObject) rel.push({ resource: p.classObject, path: ['provisioner'], note: 'StorageClass' });
    if (event) rel.push({ resource: event.resource, path: event.messagePath, note: event.reason });
    for (const u of users.slice(0, 5)) rel.push({ resource: u, path: ['status', 'phase'], note: 'Pending pod mounting the claim' });
    const f: FindingInput = {
      message: `claim is Pending${p.since !== undefined ? ` since ${formatTime(p.since)}` : ''}${age !== undefined ? ` (${formatDuration(age)})` : ''}: ${pvcCause(p)}${event ? `; ${describeEvent(event, 240)}` : ''}${users.length ? `; ${users.length === 1 ? `pod ${users[0].name} waits` : `${users.length} pods wait`} for it` : ''}`,
      path: ['spec', 'storageClassName'],
      related: rel,
    };
    if (severity === 'warning') f.severity = 'warning';
    return [f];
  },
});
