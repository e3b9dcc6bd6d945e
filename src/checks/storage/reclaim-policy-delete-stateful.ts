import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, JsonObject, Resource } from '../../model/types.js';
import { get, getString } from '../../model/util.js';
import { boundVolume, claimClass, claimFor, claimTemplates, claimVolumes, resolveClass } from '../../model/claims.js';
import { DATABASE_IMAGES, databaseServer, imageSet } from './databases.js';
import { mountsOf } from './volumes.js';

/** The StorageClass's reclaim policy when it is Delete (set or defaulted), with where to point; undefined otherwise. */
function deletingClass(index: ResourceIndex, claim: JsonObject, near: Resource): { sc: Resource; text: string; related: RelatedInput } | undefined {
  const r = resolveClass(index, claim, near);
  if (!r) return undefined;
  const raw = get(r.sc.object, ['reclaimPolicy']);
  if (raw !== undefined && raw !== null && raw !== 'Delete') return undefined;
  const set = raw === 'Delete';
  const which = r.defaulted ? `the default StorageClass "${r.sc.name}"` : `StorageClass "${r.sc.name}"`;
  return {
    sc: r.sc,
    text: `${which}, whose reclaimPolicy is Delete${set ? '' : ' (the default when unset)'}`,
    related: { resource: r.sc, path: set ? ['reclaimPolicy'] : [], note: set ? 'reclaimPolicy Delete' : 'reclaimPolicy unset (Delete)' },
  };
}

export default defineCheck<{ images: string[] }>({
  id: 'reclaim-policy-delete-stateful',
  pillar: 'storage',
  severity: 'warning',
  title: 'Stateful data on volumes that are deleted with their claim',
  whatBreaks:
    'With reclaimPolicy Delete, deleting the PersistentVolumeClaim deletes the volume and every byte on it. One `helm uninstall`, `kubectl delete -f` on the manifests, namespace deletion or cleanup script, and the database is gone with no way back but backups.',
  details: `Reported when stateful data sits on storage whose reclaim policy is \`Delete\`:

- a StatefulSet \`volumeClaimTemplates\` entry whose StorageClass in the input (the named one, or the
  input's default class, \`storageclass.kubernetes.io/is-default-class: "true"\`, when none is named)
  has \`reclaimPolicy: Delete\` or no \`reclaimPolicy\` (the API default is Delete);
- a PersistentVolumeClaim of the input mounted by a database container (the database image names of
  \`stateful-image-without-persistence\`, parameter \`images\`), when its bound PersistentVolume in the
  input has \`persistentVolumeReclaimPolicy: Delete\`, or, with no PersistentVolume in the input, its
  StorageClass deletes as above.

The claims a StatefulSet creates survive the StatefulSet by default, but not the deletion of their
namespace, and not \`persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\` (said in the
message). A claim that sits in the same manifests as the workload goes with \`kubectl delete -f\` or
\`helm uninstall\` (unless annotated \`helm.sh/resource-policy: keep\`).

Not reported: classes and volumes with \`reclaimPolicy: Retain\`, \`storageClassName: ""\` (pre-created
volumes; a manually created PersistentVolume defaults to Retain), classes not in the input (their
policy is unknown), cache images (redis, valkey).

Delete is a fine default for scratch space; for data you cannot rebuild, use a Retain class (or patch
the bound PersistentVolumes to Retain) and keep backups: Retain keeps the disk after the claim is
deleted, to be re-bound or cleaned up by hand.`,
  fix: {
    text: 'Provision stateful data from a StorageClass with reclaimPolicy: Retain (or patch the bound PersistentVolumes to persistentVolumeReclaimPolicy: Retain), and keep backups.',
    yaml: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ssd-retain
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
allowVolumeExpansion: true
volumeBindingMode: WaitForFirstConsumer`,
  },
  params: {
    images: {
      type: 'string[]',
      default: [...DATABASE_IMAGES],
      description: 'Image names (last path segment of the repository, lowercase) whose PersistentVolumeClaims hold data that must not be deleted with the claim.',
    },
  },
  uses: ['PersistentVolumeClaim', 'PersistentVolume', 'StorageClass'],
  target: 'workload',
  classes: ['service', 'pod'],
  run({ workload: w, resource, index, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;

    // StatefulSet claim templates.
    const templates = claimTemplates(resource);
    const whenDeleted = getString(resource.object, ['spec', 'persistentVolumeClaimRetentionPolicy', 'whenDeleted']);
    const whenScaled = getString(resource.object, ['spec', 'persistentVolumeClaimRetentionPolicy', 'whenScaled']);
    const retention =
      whenDeleted === 'Delete' && whenScaled === 'Delete'
        ? '; persistentVolumeClaimRetentionPolicy deletes the claims when the StatefulSet is deleted or scaled down, so either one destroys the data'
        : whenDeleted === 'Delete'
          ? '; persistentVolumeClaimRetentionPolicy.whenDeleted is Delete, so deleting the StatefulSet (helm uninstall) destroys the data'
          : whenScaled === 'Delete'
            ? '; persistentVolumeClaimRetentionPolicy.whenScaled is Delete, so scaling down destroys the data of the removed replicas'
            : '';
    for (const t of templates) {
      const d = deletingClass(index, t.template, w.resource);
      if (!d) continue;
      const c = claimClass(t.template);
      const path: FieldPath = c.name !== undefined ? [...t.path, ...c.path] : [...t.path, 'spec'];
      out.push({
        message: `volumeClaimTemplate "${t.name}" provisions from ${d.text}: deleting a claim (kubectl delete pvc, deleting the namespace) deletes its volume and the data on it${retention}`,
        path,
        related: [d.related],
      });
    }

    // Claims mounted by database containers.
    const images = imageSet(params.images);
    const claims = new Map(claimVolumes(w).map((c) => [c.volume, c]));
    if (claims.size === 0 || images.size === 0) return out;
    const reported = new Set<string>();
    for (const ctr of w.containers) {
      if (!ctr.longRunning) continue;
      const db = databaseServer(ctr.spec, images);
      if (!db) continue;
      for (const m of mountsOf(ctr.spec)) {
        const cv = claims.get(m.name);
        if (!cv || reported.has(cv.claimName)) continue;
        const pvc = claimFor(index, resource, cv.claimName);
        if (!pvc) continue;
        const claimText = `container "${ctr.name}" runs ${db} on PersistentVolumeClaim "${cv.claimName}"`;
        const consequence = `deleting the claim (kubectl delete -f or helm uninstall of the manifests that define it, deleting the namespace) deletes the volume and the database with it`;
        const pv = boundVolume(index, pvc);
        if (pv) {
          // A bound volume's own policy is what counts (a manually created PersistentVolume defaults to Retain).
          if (getString(pv.object, ['spec', 'persistentVolumeReclaimPolicy']) !== 'Delete') continue;
          reported.add(cv.claimName);
          out.push({
            message: `${claimText}, bound to PersistentVolume "${pv.name}" with persistentVolumeReclaimPolicy Delete: ${consequence}`,
            path: cv.path,
            container: ctr.name,
            related: [
              { resource: pvc, path: [], note: 'the claim' },
              { resource: pv, path: ['spec', 'persistentVolumeReclaimPolicy'], note: 'reclaimPolicy Delete' },
            ],
          });
          continue;
        }
        const d = deletingClass(index, pvc.object, pvc);
        if (!d) continue;
        reported.add(cv.claimName);
        out.push({
          message: `${claimText}, provisioned from ${d.text}: ${consequence}`,
          path: cv.path,
          container: ctr.name,
          related: [{ resource: pvc, path: claimClass(pvc.object).path, note: 'the claim' }, d.related],
        });
      }
    }
    return out;
  },
});
