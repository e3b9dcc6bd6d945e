import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/recreate-strategy.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('recreate-strategy', () => {
  it('fires on Recreate with 3 replicas, pointing at strategy.type', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  strategy:
    type: Recreate
  template:
    spec:
      containers: [{name: app, image: nginx}]
`,
      [{ line: 7, severity: 'warning', message: 'strategy.type is Recreate with 3 replicas' }],
    );
  });

  it('fires on Recreate under an HPA even with minReplicas 1, naming the HPA', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: {type: Recreate}
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
`,
      [{ line: 5, message: 'autoscaled Deployment (HorizontalPodAutoscaler "web-hpa" minReplicas 1)' }],
    );
  });

  it('is silent for a single replica, RollingUpdate, StatefulSets and Rollouts', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: single}
spec:
  strategy: {type: Recreate}
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: rolling}
spec:
  replicas: 3
  strategy: {type: RollingUpdate}
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts}
spec:
  replicas: 3
  updateStrategy: {type: OnDelete}
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  replicas: 3
  strategy: {type: Recreate}
  template:
    spec:
      containers: [{name: app, image: nginx}]
`,
    );
  });

  it('does not throw on a strategy that is not a map', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: odd}
spec:
  replicas: 3
  strategy: Recreate
  template:
    spec:
      containers: [{name: app, image: nginx}]
`,
    );
  });
});
