/**
 * PersistentVolumeClaim, StorageClass and PersistentVolume lookups shared by the storage checks and the survival verdicts.
 * Everything is total (odd input gives "cannot tell", never a throw) and indexed once per run.
 */
import type { ResourceIndex } from './index.js';
import type { FieldPath, Json, JsonObject, Resource, Workload } from './types.js';
import { closest, get, getArray, getObject, getString, isObject, isTemplated, stringMap } from './util.js';

/** A pod volume backed by a PersistentVolumeClaim. */
export interface ClaimVolume {
  /** Volume name in the pod spec. */
  volume: string;
  claimName: string;
  /** Path of `persistentVolumeClaim.claimName` in the resource. */
  path: FieldPath;
}

/** The pod's persistentVolumeClaim volumes (templated or malformed claim names left out). */
export function claimVolumes(w: Workload): ClaimVolume[] {
  const out: ClaimVolume[] = [];
  getArray(w.podSpec, ['volumes']).forEach((v, i) => {
    const volume = getString(v, ['name']);
    const claimName = getString(v, ['persistentVolumeClaim', 'claimName']);
    if (!volume || !claimName || isTemplated(claimName)) return;
    out.push({ volume, claimName, path: [...w.podSpecPath, 'volumes', i, 'persistentVolumeClaim', 'claimName'] });
  });
  return out;
}

/** A StatefulSet-style volumeClaimTemplate. */
export interface ClaimTemplate {
  name: string;
  index: number;
  /** Path of the template in the resource. */
  path: FieldPath;
  template: JsonObject;
}

/** The volumeClaimTemplates of an apps/v1 StatefulSet (none for other kinds). */
export function claimTemplates(r: Resource): ClaimTemplate[] {
  if (r.kind !== 'StatefulSet' || !r.apiVersion.startsWith('apps/')) return [];
  const out: ClaimTemplate[] = [];
  getArray(r.object, ['spec', 'volumeClaimTemplates']).forEach((t, index) => {
    if (!isObject(t)) return;
    const name = getString(t, ['metadata', 'name']);
    if (!name) return;
    out.push({ name, index, path: ['spec', 'volumeClaimTemplates', index], template: t });
  });
  return out;
}

/** The PersistentVolumeClaim of this name in the namespace `from` lands in (the first one when the input repeats it). */
export function claimFor(index: ResourceIndex, from: Resource, name: string): Resource | undefined {
  const ns = index.namespaceOf(from);
  const all = index.named('PersistentVolumeClaim', name).filter((r) => index.namespaceOf(r) === ns && r.apiVersion === 'v1');
  return all.find((r) => index.sameScope(r, from)) ?? all[0];
}

/** Access modes of a claim (PVC object or claim template), [] when unset or malformed. */
export function accessModes(claim: Json | undefined): string[] {
  return getArray(claim, ['spec', 'accessModes']).filter((m): m is string => typeof m === 'string');
}

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/**
 * The class a claim asks for: the deprecated beta annotation wins over `spec.storageClassName`,
 * as in the API. `name` undefined: no class named (the cluster default applies); "": static binding
 * only. `templated`: unrendered, cannot tell.
 */
export function claimClass(claim: JsonObject): { name: string | undefined; path: FieldPath; templated: boolean } {
  const ann = getString(claim, ['metadata', 'annotations', BETA_CLASS_ANNOTATION]);
  if (ann !== undefined) return { name: ann, path: ['metadata', 'annotations', BETA_CLASS_ANNOTATION], templated: isTemplated(ann) };
  const raw = get(claim, ['spec', 'storageClassName']);
  if (raw === undefined || raw === null) return { name: undefined, path: ['spec', 'storageClassName'], templated: false };
  if (typeof raw !== 'string') return { name: undefined, path: ['spec', 'storageClassName'], templated: true };
  return { name: raw, path: ['spec', 'storageClassName'], templated: isTemplated(raw) };
}

/** The StorageClass of this name in the input. */
export function storageClassNamed(index: ResourceIndex, name: string, near?: Resource): Resource | undefined {
  const l = index.named('StorageClass', name).filter((r) => r.apiVersion.startsWith('storage.k8s.io/'));
  // Several of one name (examples of a monorepo each define "fast"): the one closest to the claim.
  return l.length > 1 && near ? closest(l, near) : l[0];
}

/** The one StorageClass of the input marked as the cluster default; undefined when none or several. */
export function defaultStorageClass(index: ResourceIndex): Resource | undefined {
  return index.memo('storage:default-class', () => {
    const defaults = index.ofKind('StorageClass').filter((r) => {
      const ann = stringMap(get(r.object, ['metadata', 'annotations']));
      return ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    });
    return defaults.length === 1 ? defaults[0] : undefined;
  });
}

/** The StorageClass a claim resolves to in the input: the named one, else (no name) the input's default class. */
export function resolveClass(index: ResourceIndex, claim: JsonObject, near?: Resource): { sc: Resource; defaulted: boolean } | undefined {
  const c = claimClass(claim);
  if (c.templated || c.name === '') return undefined;
  if (c.name !== undefined) {
    const sc = storageClassNamed(index, c.name, near);
    return sc ? { sc, defaulted: false } : undefined;
  }
  const sc = defaultStorageClass(index);
  return sc ? { sc, defaulted: true } : undefined;
}

/** PersistentVolumes of the input by the claim they are bound to (`claimRef` namespace/name). */
function volumesByClaim(index: ResourceIndex): Map<string, Resource> {
  return index.memo('storage:pv-by-claim', () => {
    const m = new Map<string, Resource>();
    for (const pv of index.ofKind('PersistentVolume')) {
      const ns = getString(pv.object, ['spec', 'claimRef', 'namespace']) ?? index.defaultNamespace;
      const name = getString(pv.object, ['spec', 'claimRef', 'name']);
      if (name && !m.has(`${ns}/${name}`)) m.set(`${ns}/${name}`, pv);
    }
    return m;
  });
}

/** The PersistentVolume of the input a claim is bound to: its `spec.volumeName`, or a PV whose claimRef names it. */
export function boundVolume(index: ResourceIndex, pvc: Resource): Resource | undefined {
  const volumeName = getString(pvc.object, ['spec', 'volumeName']);
  if (volumeName) {
    const pv = index.named('PersistentVolume', volumeName)[0];
    if (pv) return pv;
  }
  return volumesByClaim(index).get(`${index.namespaceOf(pvc)}/${pvc.name}`);
}

/** Provisioners and drivers of node-local volumes: the PV carries node affinity, so every pod using it lands on that node. */
const LOCAL_DRIVER = /(^|[./-])(local|hostpath|no-provisioner|topolvm|lvm|zfs)([./-]|$)|local-path|minikube-hostpath|microk8s/i;
/** Shared file systems: no attach step, so ReadWriteOnce is not enforced across nodes. */
const SHARED_DRIVER = /nfs|efs\.csi|file\.csi|azure-file|azurefile|filestore|cephfs|glusterfs|fsx\.csi|smb\.csi|juicefs|lustre|beegfs|seaweedfs|gcsfuse|s3\.csi|blob\.csi/i;
/** Class names that say "local" or "shared file system" when the class itself is not in the input. */
const CLASS_NAME_HINT = /local|hostpath|nfs|efs|azurefile|azure-file|filestore|cephfs|gluster|rwx|shared/i;
const SHARED_PV_SOURCES = ['nfs', 'cephfs', 'glusterfs', 'azureFile', 'quobyte', 'flocker', 'local', 'hostPath'];

/**
 * Why a ReadWriteOnce claim can be used from several pods on different nodes, or pins all of them to
 * one node (a shared file system, a node-local volume), when the input says so; undefined otherwise.
 * Only ever used to stay silent.
 */
export function rwoNotEnforced(index: ResourceIndex, pvc: Resource): string | undefined {
  const pv = boundVolume(index, pvc);
  if (pv) {
    const modes = accessModes(pv.object);
    if (modes.includes('ReadWriteMany') || modes.includes('ReadOnlyMany')) return `PersistentVolume "${pv.name}" allows ${modes.join(', ')}`;
    const spec = getObject(pv.object, ['spec']) ?? {};
    const src = SHARED_PV_SOURCES.find((k) => k in spec);
    if (src) return `PersistentVolume "${pv.name}" is a ${src} volume`;
    const driver = getString(spec, ['csi', 'driver']);
    if (driver && (LOCAL_DRIVER.test(driver) || SHARED_DRIVER.test(driver))) return `PersistentVolume "${pv.name}" uses CSI driver ${driver}`;
    if (isObject(spec.nodeAffinity)) return `PersistentVolume "${pv.name}" has node affinity`;
  }
  const c = claimClass(pvc.object);
  if (c.templated) return 'the storage class is templated';
  if (c.name === '') return undefined;
  const resolved = resolveClass(index, pvc.object, pvc);
  if (resolved) {
    const provisioner = getString(resolved.sc.object, ['provisioner']) ?? '';
    if (LOCAL_DRIVER.test(provisioner) || SHARED_DRIVER.test(provisioner)) return `StorageClass "${resolved.sc.name}" uses provisioner ${provisioner}`;
    return undefined;
  }
  if (c.name !== undefined && CLASS_NAME_HINT.test(c.name)) return `StorageClass "${c.name}"`;
  return undefined;
}

/** Kinds whose replicas all mount the same claims (a StatefulSet gives each its own). */
export const SHARED_CLAIM_KINDS = new Set(['Deployment', 'ReplicaSet', 'ReplicationController']);

/**
 * The first PersistentVolumeClaim of the input that this workload mounts and that allows only
 * ReadWriteOnce / ReadWriteOncePod, where nothing in the input says it is shared or node-local:
 * a second replica on another node cannot use it.
 */
export function singleWriterClaim(index: ResourceIndex, w: Workload): { claim: Resource; volume: string; mode: 'ReadWriteOnce' | 'ReadWriteOncePod' } | undefined {
  for (const c of claimVolumes(w)) {
    const pvc = claimFor(index, w.resource, c.claimName);
    if (!pvc || !index.sameScope(pvc, w.resource)) continue;
    const modes = accessModes(pvc.object);
    if (modes.length === 0 || modes.some((m) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod')) continue;
    if (rwoNotEnforced(index, pvc)) continue;
    return { claim: pvc, volume: c.volume, mode: modes.every((m) => m === 'ReadWriteOncePod') ? 'ReadWriteOncePod' : 'ReadWriteOnce' };
  }
  return undefined;
}
