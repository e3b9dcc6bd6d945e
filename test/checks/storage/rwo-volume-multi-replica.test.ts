import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/storage/rwo-volume-multi-replica.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const pvc = (modes: string, extra = '') => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [${modes}]
  resources: {requests: {storage: 10Gi}}
${extra}`;

/** A Deployment mounting the claim "data"; the volume's claimName is on line 13 of this text. */
const deploy = (spec: string, pod = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
${spec}  template:
    metadata: {labels: {app: web}}
    spec:
${pod}      containers:
        - name: app
          image: example/app:1.0
          volumeMounts: [{name: files, mountPath: /data}]
      volumes:
        - {name: files, persistentVolumeClaim: {claimName: data}}
`;

describe('rwo-volume-multi-replica', () => {
  it('fires (error) on a ReadWriteOnce claim with several replicas, at the claimName, naming the PVC', () => {
    const found = expectFindings(check, `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteOnce')}`, [
      { line: 14, severity: 'error', object: 'web', message: 'PersistentVolumeClaim "data" (volume "files") is ReadWriteOnce and spec.replicas is 3' },
    ]);
    assert.match(found[0].message, /Multi-Attach error/);
    assert.equal(found[0].related[0].object.name, 'data');
    assert.equal(found[0].related[0].location.line, 20);
  });

  it('fires on an HPA with maxReplicas above 1, even with replicas 1 and Recreate', () => {
    const found = expectFindings(
      check,
      `${deploy('  replicas: 1\n  strategy: {type: Recreate}\n')}---\n${pvc('ReadWriteOnce')}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
`,
      [{ line: 15, severity: 'error', message: 'HorizontalPodAutoscaler "web" scales it up to 5 replicas' }],
    );
    assert.deepEqual(found[0].related.map((r) => r.object.kind), ['PersistentVolumeClaim', 'HorizontalPodAutoscaler']);
  });

  it('warns on one replica with the default RollingUpdate (25% surge rounds up to 1, 25% unavailable down to 0)', () => {
    expectFindings(check, `${deploy('')}---\n${pvc('ReadWriteOnce')}`, [
      { line: 4, severity: 'warning', message: 'RollingUpdate strategy (maxSurge "25%", maxUnavailable "25%") starts the new pod before the old one stops' },
    ]);
    expectFindings(check, `${deploy('  strategy:\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n')}---\n${pvc('ReadWriteOnce')}`, [
      { line: 5, severity: 'warning', message: 'maxSurge 1, maxUnavailable 0' },
    ]);
  });

  it('is an error for ReadWriteOncePod, with replicas or a surging rollout', () => {
    expectFindings(check, `${deploy('  replicas: 2\n')}---\n${pvc('ReadWriteOncePod')}`, [
      { line: 14, severity: 'error', message: 'only one pod in the cluster may use it' },
    ]);
    expectFindings(check, `${deploy('')}---\n${pvc('ReadWriteOncePod')}`, [{ line: 4, severity: 'error', message: 'every rollout hangs' }]);
  });

  it('is silent for one replica with Recreate, maxSurge 0, or maxUnavailable 1', () => {
    expectNone(check, `${deploy('  replicas: 1\n  strategy: {type: Recreate}\n')}---\n${pvc('ReadWriteOnce')}`);
    expectNone(check, `${deploy('  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 1}\n')}---\n${pvc('ReadWriteOnce')}`);
    expectNone(check, `${deploy('  strategy:\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}\n')}---\n${pvc('ReadWriteOncePod')}`);
  });

  it('is silent for ReadWriteMany claims and claims that also allow ReadOnlyMany', () => {
    expectNone(check, `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteMany')}`);
    expectNone(check, `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteOnce, ReadOnlyMany')}`);
  });

  it('is silent for a StatefulSet with volumeClaimTemplates', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: db
  template:
    spec:
      containers:
        - name: db
          image: postgres:16
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
`,
    );
  });

  it('is silent when the claim is not in the input, or in another namespace', () => {
    expectNone(check, deploy('  replicas: 3\n'));
    expectNone(check, `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteOnce').replace('namespace: shop', 'namespace: other')}`);
  });

  it('is silent for ReadWriteOnce on shared file systems or node-local storage the input shows', () => {
    const efs = `---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: efs}
provisioner: efs.csi.aws.com
`;
    expectNone(check, `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteOnce', '  storageClassName: efs\n')}${efs}`);
    expectNone(check, `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteOnce', '  storageClassName: local-path\n')}`);
    expectNone(
      check,
      `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteOnce', '  volumeName: nfs-pv\n')}---
apiVersion: v1
kind: PersistentVolume
metadata: {name: nfs-pv}
spec:
  accessModes: [ReadWriteOnce]
  capacity: {storage: 10Gi}
  nfs: {server: nfs.example.com, path: /exports/web}
`,
    );
    // A block-storage class in the input does not silence it.
    expectFindings(
      check,
      `${deploy('  replicas: 3\n')}---\n${pvc('ReadWriteOnce', '  storageClassName: ssd\n')}---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ssd}
provisioner: pd.csi.storage.gke.io
`,
      [{ line: 14, severity: 'error' }],
    );
  });

  it('is silent for ReadWriteOnce when every pod is pinned to one node, not for ReadWriteOncePod', () => {
    const pinned = '      nodeSelector: {kubernetes.io/hostname: node-1}\n';
    expectNone(check, `${deploy('  replicas: 3\n', pinned)}---\n${pvc('ReadWriteOnce')}`);
    expectFindings(check, `${deploy('  replicas: 3\n', pinned)}---\n${pvc('ReadWriteOncePod')}`, [{ line: 15, severity: 'error' }]);
  });

  it('ignores an HPA from another folder for namespace-less manifests', () => {
    const plan = loadPlan([check]);
    const app = loadText(`${deploy('  replicas: 1\n  strategy: {type: Recreate}\n')}---\n${pvc('ReadWriteOnce')}`.replaceAll(', namespace: shop', ''), 'app/web.yaml', plan);
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
`;
    const run = (file: string) =>
      audit({ resources: [...app.resources, ...loadText(hpa, file, plan).resources] }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.equal(run('other-example/hpa.yaml').length, 0);
    assert.equal(run('app/hpa.yaml').length, 1);
  });
});
