import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/pvc-pending.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, event, lineOf, pod, T0, yaml } from './fixtures.js';

const pvc = (name: string, cls?: string, created = T0) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'shop', uid: `pvc-${name}`, creationTimestamp: created },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, ...(cls !== undefined ? { storageClassName: cls } : {}) },
  status: { phase: 'Pending' },
});
const sc = (name: string, mode = 'Immediate', isDefault = false) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  provisioner: 'ebs.csi.aws.com',
  volumeBindingMode: mode,
});
const ev = (claim: string, reason: string, message: string, minute: number, type = 'Warning') =>
  event({ name: `${claim}-${reason}`, involved: { kind: 'PersistentVolumeClaim', name: claim, uid: `pvc-${claim}` }, reason, message, type, lastTimestamp: at(minute), component: 'persistentvolume-controller' });

describe('pvc-pending', () => {
  it('fires on a claim naming a StorageClass that does not exist, with the provisioning event', () => {
    const text = yaml(pvc('data', 'fast-ssd'), sc('standard', 'Immediate', true), ev('data', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found', 12));
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'storageClassName: fast-ssd'),
        severity: 'error',
        message: 'claim is Pending since 2024-05-01T10:00:00Z (12m): StorageClass "fast-ssd" does not exist (the input holds the cluster\'s StorageClasses and it is not among them); Warning ProvisioningFailed (last 2024-05-01T10:12:00Z): "storageclass.storage.k8s.io "fast-ssd" not found"',
      },
    ]);
    assert.equal(f.related[0].object.kind, 'Event');
  });

  it('fires on a claim without a class when no class is default, naming the pod that waits', () => {
    const text = yaml(pvc('data'), sc('standard'), pod({ name: 'db-0', uid: 'p-db', phase: 'Pending', spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }));
    expectFindings(check, text, [{ message: 'the claim names no storageClassName and the cluster has no default StorageClass; pod db-0 waits for it' }]);
  });

  it('warns about a claim pending past the threshold without a Warning, and is silent before it', () => {
    const text = yaml(pvc('data', 'standard'), sc('standard'), ev('data', 'ExternalProvisioning', "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator.", 20, 'Normal'));
    expectFindings(check, text, [{ severity: 'warning', message: 'the external provisioner has not created the volume (is its CSI driver running?)' }]);
    expectNone(check, text, { params: { minutes: 30 } });
  });

  it('is silent while a WaitForFirstConsumer claim waits for its pod, and for bound claims and plain manifests', () => {
    expectNone(check, yaml(pvc('data', 'wffc'), sc('wffc', 'WaitForFirstConsumer'), ev('data', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', 30, 'Normal')));
    expectNone(check, yaml({ ...pvc('data', 'standard'), status: { phase: 'Bound' } }, sc('standard')));
    const { status: _s, ...manifest } = pvc('data', 'nope');
    expectNone(check, yaml(manifest, sc('standard')));
  });
});
