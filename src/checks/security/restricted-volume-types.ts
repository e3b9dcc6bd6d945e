import { defineCheck, type FindingInput } from '../types.js';
import { FORBIDDEN_VOLUME_TYPES, podVolumes, pssRef } from './pss-util.js';
import { UNSUPPORTED_VOLUME_TYPES } from '../../model/volume-types.js';

const WHY: Record<string, string> = {
  gitRepo: 'gitRepo is deprecated and runs git on the node as root (CVE-2024-10220: arbitrary command execution on the node)',
  flexVolume: 'flexVolume runs a driver binary on the node as root',
};

export default defineCheck({
  id: 'restricted-volume-types',
  pillar: 'security',
  severity: 'warning',
  pss: 'restricted',
  title: 'Volume type not allowed by restricted',
  whatBreaks:
    "In-line network and cloud volumes (nfs, iscsi, rbd, cephfs, awsElasticBlockStore, gitRepo...) let the pod author choose a server, disk or credentials that the node then mounts with its own privileges, bypassing the PersistentVolume layer where an administrator controls what gets mounted. gitRepo even runs git on the node as root.",
  details: `PodSecurity **restricted** allows only these volume sources in \`spec.volumes\`: \`configMap\`, \`csi\`, \`downwardAPI\`, \`emptyDir\`, \`ephemeral\`, \`image\` (1.33+), \`persistentVolumeClaim\`, \`projected\`, \`secret\`. A volume with no source at all defaults to \`emptyDir\`.

Everything else (\`nfs\`, \`iscsi\`, \`rbd\`, \`cephfs\`, \`glusterfs\`, \`cinder\`, \`fc\`, \`azureFile\`, \`azureDisk\`, \`gcePersistentDisk\`, \`awsElasticBlockStore\`, \`vsphereVolume\`, \`portworxVolume\`, \`scaleIO\`, \`storageos\`, \`quobyte\`, \`flocker\`, \`photonPersistentDisk\`, \`flexVolume\`, \`gitRepo\`) should go through a PersistentVolume and a PersistentVolumeClaim, which also makes the storage survive the pod spec being rewritten. \`hostPath\` is reported by **host-path-volume** (baseline).

Most of the in-tree cloud types are also deprecated or removed in favour of CSI drivers.`,
  fix: {
    text: 'Define the storage as a PersistentVolume (or a StorageClass with a CSI driver) and mount it through a persistentVolumeClaim. Replace gitRepo with an init container that clones into an emptyDir.',
    yaml: `volumes:
  - name: shared
    persistentVolumeClaim:
      claimName: shared-nfs`,
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    for (const { volume, index, name } of podVolumes(w)) {
      const type = FORBIDDEN_VOLUME_TYPES.find((t) => volume[t] !== undefined && volume[t] !== null);
      if (!type) continue;
      // Types the kubelet cannot mount at all: volume-type-unsupported says what to do instead.
      const why = WHY[type] ? `: ${WHY[type]}` : UNSUPPORTED_VOLUME_TYPES.includes(type) ? ` (nor can the kubelet mount it: see volume-type-unsupported)` : '; mount it through a PersistentVolumeClaim instead';
      out.push({
        message: `volume "${name}": ${type} is not an allowed volume type${why} ${pssRef('restricted', 'Volume Types')}`,
        path: [...w.podSpecPath, 'volumes', index, type],
      });
    }
    return out;
  },
});
