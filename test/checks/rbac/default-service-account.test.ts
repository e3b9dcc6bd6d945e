import { describe, it } from 'node:test';
import check from '../../../src/checks/rbac/default-service-account.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('default-service-account', () => {
  it('fires when the pod template names no ServiceAccount, pointing at the pod spec', () => {
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
          image: nginx:1.27
`,
      [{ line: 6, severity: 'error', message: 'names no serviceAccountName' }],
    );
  });

  it('fires on an explicit "default", also through the deprecated serviceAccount field and on CronJobs', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  serviceAccountName: default
  containers:
    - name: a
      image: busybox:1.36
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccount: default
          restartPolicy: OnFailure
          containers:
            - name: job
              image: busybox:1.36
`,
      [
        { line: 5, object: 'p', message: 'serviceAccountName: default' },
        { line: 19, object: 'nightly', message: 'serviceAccount: default' },
      ],
    );
  });

  it('is info when no token is mounted (pod or default ServiceAccount opts out)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      containers:
        - name: app
          image: nginx:1.27
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`,
      [
        { line: 6, object: 'web', severity: 'info' },
        { line: 22, object: 'cart', severity: 'info' },
      ],
    );
  });

  it('stays an error when a projected volume mounts a token anyway', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      containers:
        - name: app
          image: nginx:1.27
      volumes:
        - name: tok
          projected:
            sources:
              - serviceAccountToken: {path: token, audience: vault}
`,
      [{ severity: 'error' }],
    );
  });

  it('is silent with a dedicated ServiceAccount (Deployment, Rollout, DaemonSet) and on partial objects', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
        - name: app
          image: nginx:1.27
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  replicas: 3
  template:
    spec:
      serviceAccount: ro
      containers:
        - name: app
          image: nginx:1.27
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      serviceAccountName: agent
      containers:
        - {name: a, image: "agent:1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: patch}
spec:
  replicas: 3
`,
    );
  });
});
