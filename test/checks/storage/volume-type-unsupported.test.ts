import { describe, it } from 'node:test';
import check from '../../../src/checks/storage/volume-type-unsupported.js';
import restricted from '../../../src/checks/security/restricted-volume-types.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deploy = (volumes: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: "web:1"}]
      volumes:
${volumes}`;

describe('volume-type-unsupported', () => {
  it('fires on in-tree types the kubelet no longer has (glusterfs, rbd, cephfs...) and on gitRepo, at the type', () => {
    expectFindings(
      check,
      deploy(`        - name: data
          glusterfs: {endpoints: gluster, path: vol}
        - name: ceph
          cephfs: {monitors: ["10.0.0.1:6789"]}
        - name: site
          gitRepo: {repository: "https://git.example.com/site.git"}
`),
      [
        { line: 10, severity: 'error', message: 'volume "data" uses glusterfs, an in-tree volume type Kubernetes no longer supports (the kubelet has no glusterfs plugin, and no CSI migration takes it over): the pod never starts (it stays in ContainerCreating with FailedMount events); mount it through the storage system\'s CSI driver' },
        { line: 12, message: 'volume "ceph" uses cephfs' },
        { line: 14, message: 'volume "site" uses gitRepo, which the kubelet refuses to set up since Kubernetes 1.33 (the GitRepoVolumeDriver feature gate is off, and locked off since 1.36): the pod never starts (it stays in ContainerCreating with FailedMount events); clone the repository in an init container into an emptyDir' },
      ],
    );
  });

  it('is silent for types the kubelet mounts (nfs, iscsi, CSI) and for cloud disks that CSI migration takes over', () => {
    expectNone(
      check,
      deploy(`        - name: nfs
          nfs: {server: nfs.example.com, path: /export}
        - name: ebs
          awsElasticBlockStore: {volumeID: vol-1}
        - name: pd
          gcePersistentDisk: {pdName: disk-1}
        - name: inline
          csi: {driver: secrets-store.csi.k8s.io}
        - name: scratch
          emptyDir: {}
        - name: nulled
          rbd: null
`),
    );
  });

  it('restricted-volume-types does not advise a PersistentVolumeClaim for a type no claim can mount either', () => {
    expectFindings(restricted, deploy(`        - name: data\n          rbd: {monitors: ["10.0.0.1:6789"], image: disk}\n        - name: share\n          nfs: {server: nfs.example.com, path: /export}\n`), [
      { line: 10, message: 'volume "data": rbd is not an allowed volume type (nor can the kubelet mount it: see volume-type-unsupported)' },
      { line: 12, message: 'volume "share": nfs is not an allowed volume type; mount it through a PersistentVolumeClaim instead' },
    ]);
  });
});
