import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/storage/statefulset-service-not-headless.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const sts = (spec: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: etcd, namespace: infra}
spec:
${spec}  template:
    metadata: {labels: {app: etcd}}
    spec:
      containers: [{name: etcd, image: quay.io/coreos/etcd:v3.5.15}]
`;

const svc = (clusterIP: string) => `---
apiVersion: v1
kind: Service
metadata: {name: etcd, namespace: infra}
spec:
${clusterIP}  selector: {app: etcd}
  ports: [{name: client, port: 2379}]
`;

describe('statefulset-service-not-headless', () => {
  it('is an error when the governing Service of a multi-replica StatefulSet has a cluster IP', () => {
    const found = expectFindings(check, sts('  replicas: 3\n  serviceName: etcd\n') + svc(''), [
      { line: 6, severity: 'error', object: 'etcd', message: 'serviceName "etcd" names Service "etcd", which is not headless (no clusterIP: None, so it gets a cluster IP): per-pod DNS names such as etcd-0.etcd.infra.svc do not resolve' },
    ]);
    assert.equal(found[0].related[0].object.name, 'etcd');
    expectFindings(check, sts('  replicas: 3\n  serviceName: etcd\n') + svc('  clusterIP: 10.96.0.12\n'), [{ line: 6, severity: 'error', message: 'not headless (clusterIP 10.96.0.12)' }]);
  });

  it('is a warning with one replica (nothing may need the per-pod name)', () => {
    expectFindings(check, sts('  serviceName: etcd\n') + svc(''), [{ line: 5, severity: 'warning', message: 'harmless if nothing addresses the pod by name' }]);
  });

  it('counts an HPA ceiling as several replicas', () => {
    expectFindings(
      check,
      `${sts('  replicas: 1\n  serviceName: etcd\n')}${svc('')}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: etcd, namespace: infra}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: etcd}
  maxReplicas: 5
`,
      [{ line: 6, severity: 'error' }],
    );
  });

  it('is silent for a headless Service and for an unset or empty serviceName', () => {
    expectNone(check, sts('  replicas: 3\n  serviceName: etcd\n') + svc('  clusterIP: None\n'));
    expectNone(check, sts('  replicas: 3\n'));
    expectNone(check, sts('  replicas: 3\n  serviceName: ""\n'));
  });

  it('is unknown when no Service of that name is in the namespace, firm with --complete', () => {
    const yaml = sts('  replicas: 3\n  serviceName: etcd-peers\n') + svc('  clusterIP: None\n');
    const found = runCheck(check, yaml);
    assert.equal(found.length, 1);
    assert.equal(found[0].unknown, 'no Service "etcd-peers" in namespace infra');
    assert.equal(found[0].location.line, 6);
    const loaded = loadText(yaml, 'test.yaml', loadPlan([check]));
    const complete = audit({ resources: loaded.resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
    assert.equal(complete.length, 1);
    assert.equal(complete[0].unknown, null);
    assert.equal(complete[0].severity, 'error');
    // A Service of that name in another namespace does not count.
    assert.equal(runCheck(check, sts('  replicas: 3\n  serviceName: etcd\n') + svc('  clusterIP: None\n').replace('namespace: infra', 'namespace: other'))[0].unknown, 'no Service "etcd" in namespace infra');
  });
});
