import { describe, it } from 'node:test';
import check from '../../../src/checks/storage/volume-claim-template-no-storage.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const sts = (templates: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk}
spec:
  serviceName: zk
  template:
    spec:
      containers: [{name: zk, image: zookeeper:3.9}]
  volumeClaimTemplates:
${templates}`;

describe('volume-claim-template-no-storage', () => {
  it('fires on a template without requests.storage, where the size belongs', () => {
    expectFindings(
      check,
      sts(`    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {cpu: 100m}
    - metadata: {name: logs}
      spec:
        accessModes: [ReadWriteOnce]
`),
      [
        { line: 14, severity: 'error', object: 'zk', message: 'volumeClaimTemplate "data" has no resources.requests.storage (spec.resources[storage]: Required value): from Kubernetes 1.34 the API server rejects the StatefulSet' },
        { line: 16, message: 'volumeClaimTemplate "logs" has no resources.requests.storage' },
      ],
    );
  });

  it('fires on a zero size', () => {
    expectFindings(
      check,
      sts(`    - metadata: {name: data}
      spec:
        resources: {requests: {storage: "0Gi"}}
`),
      [{ line: 12, message: 'requests storage "0Gi", which must be greater than zero' }],
    );
  });

  it('is silent with a size, a templated size, or no templates', () => {
    expectNone(
      check,
      sts(`    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
    - metadata: {name: logs}
      spec:
        resources: {requests: {storage: "{{ .Values.logSize }}"}}
`),
    );
    expectNone(check, sts('    []\n'));
  });

  it('only looks at apps StatefulSets', () => {
    expectNone(
      check,
      `apiVersion: apps.kruise.io/v1beta1
kind: StatefulSet
metadata: {name: zk}
spec:
  template:
    spec:
      containers: [{name: zk, image: zookeeper:3.9}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce]}
`,
    );
  });
});
