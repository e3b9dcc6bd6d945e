import { describe, it } from 'node:test';
import check from '../../../src/checks/observability/recommended-labels-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deploy = (podMeta: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web}
spec:
  template:
${podMeta}    spec:
      containers: [{name: app, image: nginx}]
`;

describe('recommended-labels-missing', () => {
  it('fires when the pod template lacks both labels, even if the object has them', () => {
    expectFindings(check, deploy('    metadata:\n      labels: {tier: front}\n'), [
      { line: 9, severity: 'warning', message: 'the pod template has no app.kubernetes.io/name or app label' },
    ]);
  });

  it('points at the template when it has no metadata', () => {
    expectFindings(check, deploy(''), [{ line: 7 }]);
  });

  it('passes with app.kubernetes.io/name or app on the pod template', () => {
    expectNone(check, deploy('    metadata:\n      labels: {app.kubernetes.io/name: web}\n'));
    expectNone(check, deploy('    metadata:\n      labels: {app: web}\n'));
  });

  it('treats an empty value as missing and honours the appLabels param', () => {
    expectFindings(check, deploy('    metadata:\n      labels: {app: ""}\n'), [{ line: 9 }]);
    expectNone(check, deploy('    metadata:\n      labels: {k8s-app: dns}\n'), { params: { appLabels: ['app.kubernetes.io/name', 'app', 'k8s-app'] } });
  });

  it('another identity label (k8s-app, name): info, naming it, since the pods can be grouped by it', () => {
    expectFindings(check, deploy('    metadata:\n      labels: {k8s-app: kube-dns}\n'), [
      { line: 9, severity: 'info', message: 'the pod template names the application with k8s-app=kube-dns, not app.kubernetes.io/name or app' },
    ]);
    expectFindings(check, deploy('    metadata:\n      labels: {name: max-map-count-setter}\n'), [{ severity: 'info', message: 'with name=max-map-count-setter' }]);
  });

  it('checks CronJob pod templates and bare Pods', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: c, labels: {app: c}}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: c}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers: [{name: app, image: busybox}]
`,
      [{ line: 16, object: 'p', message: 'the Pod has no' }],
    );
  });
});
