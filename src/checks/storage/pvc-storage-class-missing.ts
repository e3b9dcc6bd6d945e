import { defineCheck, type FindingInput } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { FieldPath, JsonObject } from '../../model/types.js';
import { didYouMean, getString, nearNames } from '../../model/util.js';
import { claimClass, claimTemplates, storageClassNamed } from '../../model/claims.js';

/** Classes named by the PersistentVolumes of the input (static provisioning needs no StorageClass object). */
function pvClasses(index: ResourceIndex): Set<string> {
  return index.memo('storage:pv-classes', () => {
    const s = new Set<string>();
    for (const pv of index.ofKind('PersistentVolume')) {
      const c = getString(pv.object, ['spec', 'storageClassName']) ?? getString(pv.object, ['metadata', 'annotations', 'volume.beta.kubernetes.io/storage-class']);
      if (c) s.add(c);
    }
    return s;
  });
}

function classNames(index: ResourceIndex): string[] {
  return index.memo('storage:class-names', () =>
    [...new Set(index.ofKind('StorageClass').filter((r) => r.apiVersion.startsWith('storage.k8s.io/')).map((r) => r.name))].sort(),
  );
}


/**
 * StorageClasses the managed Kubernetes services create in every cluster (their documented defaults),
 * by name: a claim naming one is meant for that platform.
 */
const PREINSTALLED: Record<string, string> = {
  'standard-rwo': 'GKE',
  'premium-rwo': 'GKE',
  'standard-rwx': 'GKE (with the Filestore CSI driver)',
  'premium-rwx': 'GKE (with the Filestore CSI driver)',
  'managed-csi': 'AKS',
  'managed-csi-premium': 'AKS',
  'managed-premium': 'AKS',
  'azurefile-csi': 'AKS',
  'azurefile-csi-premium': 'AKS',
  gp2: 'EKS',
};

export default defineCheck({
  id: 'pvc-storage-class-missing',
  pillar: 'storage',
  severity: 'error',
  title: 'Claim names a StorageClass that is not defined',
  whatBreaks:
    'No provisioner answers for a StorageClass that does not exist: the claim stays Pending forever ("storageclass.storage.k8s.io not found"), and every pod that mounts it stays Pending with unbound PersistentVolumeClaims.',
  details: `Looks at PersistentVolumeClaims and StatefulSet \`volumeClaimTemplates\`: the class they ask for
(\`spec.storageClassName\`, or the deprecated \`volume.beta.kubernetes.io/storage-class\` annotation, which
wins when both are set) must be a StorageClass of the input.

Only checked when the input defines at least one StorageClass: classes are usually cluster setup that
lives elsewhere (\`gp3\` on EKS, \`standard-rwo\` on GKE), and an input without any says nothing about
them. Even then the class may be created by another repository or the platform, so the finding is
reported as *unknown* unless you say the input is complete (\`--complete\`). A class that a managed service creates in every cluster (GKE's \`standard-rwo\` and \`premium-rwo\`, AKS's \`managed-csi\`, EKS's \`gp2\`, ...) is named as such in the message.

Not reported: no class named (the cluster default class applies), \`storageClassName: ""\` (no dynamic
provisioning: the claim binds to a pre-created PersistentVolume), a PersistentVolume in the input with
that \`storageClassName\` (static provisioning needs no StorageClass object), templated names.`,
  fix: {
    text: 'Name an existing StorageClass (kubectl get storageclass), or leave storageClassName out to use the cluster default. A claim\'s storageClassName cannot change once created: delete the Pending claim and create it again.',
    yaml: `apiVersion: v1
kind: PersistentVolumeClaim
spec:
  storageClassName: standard-rwo   # a class that exists in the cluster
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 10Gi`,
  },
  uses: ['PersistentVolume'],
  target: 'object',
  kinds: ['PersistentVolumeClaim', 'StatefulSet'],
  run({ resource, index }) {
    const out: FindingInput[] = [];
    const known = classNames(index);
    if (known.length === 0) return out;
    const claims: { claim: JsonObject; base: FieldPath; what: string }[] = [];
    if (resource.kind === 'PersistentVolumeClaim' && resource.apiVersion === 'v1') claims.push({ claim: resource.object, base: [], what: 'the claim' });
    for (const t of claimTemplates(resource)) claims.push({ claim: t.template, base: t.path, what: `volumeClaimTemplate "${t.name}"` });
    for (const { claim, base, what } of claims) {
      const c = claimClass(claim);
      if (c.templated || !c.name) continue;
      if (storageClassNamed(index, c.name, resource) || pvClasses(index).has(c.name)) continue;
      const near = nearNames(c.name, known);
      const builtin = PREINSTALLED[c.name];
      const hint = (near.length > 0 ? `; ${didYouMean(near)}` : '') + (builtin ? `; "${c.name}" is preinstalled on ${builtin}, so on such a cluster it exists` : '');
      const list = known.slice(0, 8).map((n) => `"${n}"`).join(', ') + (known.length > 8 ? ', ...' : '');
      out.push({
        message: `${what} asks for StorageClass "${c.name}", which is not in the input (it defines ${list})${hint}: if the cluster has no such class either, the claim stays Pending forever and every pod mounting it stays Pending`,
        path: [...base, ...c.path],
        unknown: `no StorageClass "${c.name}" in the input`,
        unknownIn: null,
        knownMessage: `${what} asks for StorageClass "${c.name}", which is not ${sourceWhere(index)} (its classes: ${list})${hint}: the claim stays Pending forever and every pod mounting it stays Pending`,
      });
    }
    return out;
  },
});
