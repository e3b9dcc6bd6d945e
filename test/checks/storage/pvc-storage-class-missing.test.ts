import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/storage/pvc-storage-class-missing.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const classes = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast-ssd}
provisioner: pd.csi.storage.gke.io
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard}
provisioner: pd.csi.storage.gke.io
---
`;

const claim = (cls: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [ReadWriteOnce]
${cls}  resources: {requests: {storage: 10Gi}}
`;

describe('pvc-storage-class-missing', () => {
  it('reports a claim naming a class the input does not define, as unknown, with a near match', () => {
    const found = expectFindings(check, classes + claim('  storageClassName: fast-sdd\n'), [
      { line: 16, severity: 'error', object: 'data', message: 'asks for StorageClass "fast-sdd", which is not in the input (it defines "fast-ssd", "standard"); did you mean "fast-ssd"?' },
    ]);
    assert.equal(found[0].unknown, 'no StorageClass "fast-sdd" in the input');
  });

  it('is firm with --complete', () => {
    const loaded = loadText(classes + claim('  storageClassName: gold\n'), 'test.yaml', loadPlan([check]));
    const f = audit({ resources: loaded.resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
    assert.equal(f.length, 1);
    assert.equal(f[0].unknown, null);
    assert.equal(f[0].location.line, 16);
    assert.doesNotMatch(f[0].message, /did you mean/);
  });

  it('checks StatefulSet volumeClaimTemplates and the deprecated beta annotation', () => {
    expectFindings(
      check,
      `${classes}apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  template:
    spec:
      containers: [{name: db, image: postgres:16}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        storageClassName: premium
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
    - metadata:
        name: logs
        annotations: {volume.beta.kubernetes.io/storage-class: slow}
      spec:
        storageClassName: standard
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
`,
      [
        { line: 22, message: 'volumeClaimTemplate "data" asks for StorageClass "premium"' },
        { line: 27, message: 'volumeClaimTemplate "logs" asks for StorageClass "slow"' },
      ],
    );
  });

  it('is silent for existing classes, no class (default), "" (static binding) and templated names', () => {
    expectNone(check, classes + claim('  storageClassName: standard\n'));
    expectNone(check, classes + claim(''));
    expectNone(check, classes + claim('  storageClassName: ""\n'));
    expectNone(check, classes + claim('  storageClassName: "{{ .Values.storageClass }}"\n'));
  });

  it('is silent when the input defines no StorageClass at all', () => {
    assert.equal(runCheck(check, claim('  storageClassName: gp3\n')).length, 0);
  });

  it('is silent when a PersistentVolume of the input carries that class (static provisioning)', () => {
    expectNone(
      check,
      `${classes}${claim('  storageClassName: manual\n')}---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec:
  storageClassName: manual
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /mnt/data}
`,
    );
  });
});

describe('pvc-storage-class-missing: classes a managed service preinstalls', () => {
  it('says so for GKE\'s premium-rwo (still unknown: the input does not say which platform)', () => {
    const [f] = expectFindings(check, classes + claim('  storageClassName: premium-rwo\n'), [
      { line: 16, message: '; "premium-rwo" is preinstalled on GKE, so on such a cluster it exists: if the cluster has no such class either' },
    ]);
    assert.ok(f.unknown);
    assert.doesNotMatch(runCheck(check, classes + claim('  storageClassName: gold\n'))[0].message, /preinstalled/);
  });
});
