import { defineCheck, type FindingInput } from '../types.js';
import { getArray, isObject } from '../../model/util.js';
import { UNSUPPORTED_VOLUME_TYPES } from '../../model/volume-types.js';

function present(o: Record<string, unknown>, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

function why(type: string): string {
  return type === 'gitRepo'
    ? 'gitRepo, which the kubelet refuses to set up since Kubernetes 1.33 (the GitRepoVolumeDriver feature gate is off, and locked off since 1.36)'
    : `${type}, an in-tree volume type Kubernetes no longer supports (the kubelet has no ${type} plugin, and no CSI migration takes it over)`;
}

function instead(type: string): string {
  return type === 'gitRepo' ? 'clone the repository in an init container into an emptyDir' : `mount it through the storage system's CSI driver (a PersistentVolumeClaim of a CSI StorageClass)`;
}

export default defineCheck({
  id: 'volume-type-unsupported',
  pillar: 'storage',
  severity: 'error',
  title: 'Volume type the kubelet cannot mount',
  whatBreaks:
    'The API server accepts the object, but the kubelet has no way to mount the volume: every pod using it stays in ContainerCreating with FailedMount events, so the workload never starts, and a rollout that adds it never finishes.',
  details: `Kubernetes keeps these volume fields in the API for compatibility, documented as "no longer supported": \`glusterfs\`, \`rbd\`, \`cephfs\`, \`flocker\`, \`quobyte\`, \`photonPersistentDisk\`, \`scaleIO\` and \`storageos\`. The kubelet of 1.37 has no in-tree plugin for them (its plugin list holds emptyDir, hostPath, nfs, iscsi, fc, local, secret, configMap, downwardAPI, projected, image, CSI and FlexVolume), and CSI migration only redirects the cloud disks (\`awsElasticBlockStore\`, \`gcePersistentDisk\`, \`azureDisk\`, \`azureFile\`, \`cinder\`, \`vsphereVolume\`, \`portworxVolume\`) to their CSI drivers, which are not reported here. \`gitRepo\` still has a plugin, but it refuses to set up since the GitRepoVolumeDriver feature gate was turned off (1.33) and locked off (1.36).

Reported on the pod volumes of every workload (a PersistentVolume with such a source cannot be mounted either; PersistentVolumes are not checked). Ceph (RBD, CephFS) and GlusterFS have CSI drivers (ceph-csi; for GlusterFS, moving the data is the usual way out); gitRepo is replaced by an init container that clones into an emptyDir. On a cluster older than these removals the volume still mounts; it breaks on the upgrade.`,
  fix: {
    text: 'Mount the storage through its CSI driver (a PersistentVolumeClaim of a CSI StorageClass); replace gitRepo with an init container that clones into an emptyDir.',
    yaml: `spec:
  template:
    spec:
      initContainers:
        - name: clone
          image: alpine/git:2.47.2
          args: ["clone", "--depth=1", "https://git.example.com/team/site.git", "/repo"]
          volumeMounts:
            - name: repo
              mountPath: /repo
      containers:
        - name: app
          image: registry.example.com/team/app:1.4.2
          volumeMounts:
            - name: repo
              mountPath: /usr/share/site
              readOnly: true
      volumes:
        - name: repo
          emptyDir: {}`,
  },
  target: 'workload',
  run({ workload: w }) {
    const out: FindingInput[] = [];
    getArray(w!.podSpec, ['volumes']).forEach((v, i) => {
      if (!isObject(v)) return;
      const type = UNSUPPORTED_VOLUME_TYPES.find((t) => present(v, t));
      if (!type) return;
      const name = typeof v.name === 'string' ? v.name : `#${i}`;
      out.push({
        message: `volume "${name}" uses ${why(type)}: the pod never starts (it stays in ContainerCreating with FailedMount events); ${instead(type)}`,
        path: [...w!.podSpecPath, 'volumes', i, type],
      });
    });
    return out;
  },
});
