import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/invalid-resource-quantity.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('invalid-resource-quantity', () => {
  it('fires on malformed and negative quantities, with a suggestion, at the field', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          resources:
            requests:
              cpu: 250m
              memory: 512MB
            limits:
              cpu: -1
              memory: 1gi
      volumes:
        - name: scratch
          emptyDir:
            sizeLimit: 1 Gi
`,
      [
        { line: 13, container: 'app', message: 'container "app" requests.memory is "512MB", not a valid quantity (did you mean "512Mi" or "512M"?)' },
        { line: 15, container: 'app', message: 'limits.cpu is -1, a negative quantity' },
        { line: 16, container: 'app', message: 'did you mean "1Gi"?' },
        { line: 20, message: 'emptyDir volume "scratch" sizeLimit is "1 Gi"' },
      ],
    );
  });

  it('accepts every valid form', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources:
    limits: {cpu: "4", memory: 8Gi}
  initContainers:
    - name: i
      image: x:1
      resources: {requests: {cpu: 0.5, memory: "1e9"}, limits: {memory: 1.5Gi, ephemeral-storage: 10G}}
  containers:
    - name: a
      image: x:1
      resources:
        requests: {cpu: 1, memory: 128974848, nvidia.com/gpu: 1, hugepages-2Mi: 100Mi}
        limits: {cpu: .5, memory: 129e6, nvidia.com/gpu: "1", hugepages-2Mi: 100Mi, ephemeral-storage: 2Ti}
  volumes:
    - name: v
      emptyDir: {sizeLimit: 500Mi}
    - name: w
      emptyDir: {}
`,
    );
  });

  it('flags pod-level and uppercase-K quantities without crashing on odd shapes', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources:
    requests: {memory: 100K}
  containers:
    - name: a
      image: x:1
      resources: {requests: {cpu: true}, limits: [1]}
  volumes: "nope"
`,
      [
        { line: 6, message: 'pod-level requests.memory is "100K"' },
        { line: 10, container: 'a', message: 'requests.cpu is true' },
      ],
    );
  });
});

describe('invalid-resource-quantity: StatefulSet claim templates', () => {
  it('fires on a storage size the API server rejects ("1GB"), not on a valid one', () => {
    const sts = (size: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  template:
    spec:
      containers: [{name: db, image: "db:1", resources: {requests: {cpu: 100m, memory: 1Gi}, limits: {memory: 1Gi}}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: ${size}}
`;
    expectFindings(check, sts('1GB'), [{ line: 14, message: 'volumeClaimTemplate "data" requests.storage is "1GB", not a valid quantity (did you mean "1Gi" or "1G"?): the API server rejects it' }]);
    expectNone(check, sts('10Gi'));
  });
});
