import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/storage/reclaim-policy-delete-stateful.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const sc = (name: string, policy: string, extra = '') => `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ${name}${extra}}
provisioner: ebs.csi.aws.com
${policy}---
`;

/** StatefulSet "kafka" whose template "data" names `cls` on its line 15. */
const sts = (cls: string, extra = '') => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka, namespace: queue}
spec:
  serviceName: kafka
${extra}  template:
    spec:
      containers:
        - name: kafka
          image: apache/kafka:3.8.0
          volumeMounts: [{name: data, mountPath: /var/lib/kafka}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
${cls}        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 100Gi}}
`;

describe('reclaim-policy-delete-stateful', () => {
  it('warns on a claim template whose class deletes (explicit), pointing at storageClassName and naming the class', () => {
    const found = expectFindings(check, sc('gp3', 'reclaimPolicy: Delete\n') + sts('        storageClassName: gp3\n'), [
      { line: 21, severity: 'warning', object: 'kafka', message: 'volumeClaimTemplate "data" provisions from StorageClass "gp3", whose reclaimPolicy is Delete:' },
    ]);
    assert.equal(found[0].related[0].object.name, 'gp3');
    assert.equal(found[0].related[0].location.line, 5);
  });

  it('treats an unset reclaimPolicy as Delete, and resolves the default class when none is named', () => {
    expectFindings(
      check,
      sc('standard', '', ', annotations: {storageclass.kubernetes.io/is-default-class: "true"}') + sts(''),
      [{ line: 19, message: 'the default StorageClass "standard", whose reclaimPolicy is Delete (the default when unset)' }],
    );
  });

  it('says when the retention policy deletes claims with the StatefulSet', () => {
    expectFindings(check, sc('gp3', '') + sts('        storageClassName: gp3\n', '  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\n'), [
      { line: 21, message: 'whenDeleted is Delete, so deleting the StatefulSet (helm uninstall) destroys the data' },
    ]);
  });

  it('is silent for Retain, for storageClassName "" and for classes not in the input', () => {
    expectNone(check, sc('gp3-retain', 'reclaimPolicy: Retain\n') + sts('        storageClassName: gp3-retain\n'));
    expectNone(check, sc('gp3', '') + sts('        storageClassName: ""\n'));
    expectNone(check, sts('        storageClassName: gp3\n'));
    // No class named and no default class in the input: unknown policy.
    expectNone(check, sc('gp3', '') + sts(''));
  });

  const db = (claimExtra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: pg, namespace: shop}
spec:
  strategy: {type: Recreate}
  template:
    spec:
      containers:
        - name: postgres
          image: postgres:16
          volumeMounts: [{name: pgdata, mountPath: /var/lib/postgresql/data}]
        - name: exporter
          image: quay.io/prometheuscommunity/postgres-exporter:v0.15.0
      volumes:
        - {name: pgdata, persistentVolumeClaim: {claimName: pg-data}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pg-data, namespace: shop}
spec:
${claimExtra}  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 50Gi}}
`;

  it('warns on a database Deployment whose claim comes from a deleting class', () => {
    const found = expectFindings(check, sc('gp3', 'reclaimPolicy: Delete\n') + db('  storageClassName: gp3\n'), [
      { line: 21, container: 'postgres', message: 'container "postgres" runs postgres on PersistentVolumeClaim "pg-data", provisioned from StorageClass "gp3"' },
    ]);
    assert.deepEqual(found[0].related.map((r) => r.object.kind), ['PersistentVolumeClaim', 'StorageClass']);
  });

  it('goes by the bound PersistentVolume when it is in the input', () => {
    const pv = (policy: string) => `---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-pg}
spec:
  capacity: {storage: 50Gi}
  accessModes: [ReadWriteOnce]
${policy}  claimRef: {namespace: shop, name: pg-data}
  csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}
`;
    expectFindings(check, db('  storageClassName: ""\n') + pv('  persistentVolumeReclaimPolicy: Delete\n'), [
      { line: 15, message: 'bound to PersistentVolume "pv-pg" with persistentVolumeReclaimPolicy Delete' },
    ]);
    // A Retain PV wins over a Delete class; a PV without a policy is Retain (manually created).
    expectNone(check, sc('gp3', 'reclaimPolicy: Delete\n') + db('  storageClassName: gp3\n') + pv('  persistentVolumeReclaimPolicy: Retain\n'));
    expectNone(check, db('  storageClassName: ""\n') + pv(''));
  });

  it('is silent for non-database workloads and cache images on deleting classes', () => {
    const app = db('  storageClassName: gp3\n').replace('image: postgres:16', 'image: example/uploads:2.0');
    expectNone(check, sc('gp3', 'reclaimPolicy: Delete\n') + app);
    expectNone(check, sc('gp3', 'reclaimPolicy: Delete\n') + db('  storageClassName: gp3\n').replace('image: postgres:16', 'image: redis:7'));
  });
});

describe('reclaim-policy-delete-stateful: several StorageClasses of one name', () => {
  it('judges the class closest to the StatefulSet (its own file or folder), not the first of the name in the input', async () => {
    const { audit, loadPlan } = await import('../../../src/engine/audit.js');
    const { loadText } = await import('../../../src/sources/resources.js');
    const plan = loadPlan([check]);
    const run = (farPolicy: string, nearPolicy: string) =>
      audit(
        {
          resources: [
            ...loadText(sc('fast', farPolicy), 'archived/volumes/vsphere/sc-fast.yaml', plan).resources,
            ...loadText(sts('        storageClassName: fast\n') + '---\n' + sc('fast', nearPolicy), 'databases/kafka/kafka.yaml', plan).resources,
          ],
        },
        { checks: [check] },
      ).verdicts.flatMap((v) => v.findings);
    assert.equal(run('', 'reclaimPolicy: Retain\n').length, 0);
    const [f] = run('reclaimPolicy: Retain\n', '');
    assert.ok(f);
    assert.equal(f.related[0].location.file, 'databases/kafka/kafka.yaml');
  });
});
