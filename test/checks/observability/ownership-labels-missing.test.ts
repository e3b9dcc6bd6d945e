import { describe, it } from 'node:test';
import check from '../../../src/checks/observability/ownership-labels-missing.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deploy = (meta: string, podLabels: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${meta}spec:
  template:
    metadata:
      labels: ${podLabels}
    spec:
      containers: [{name: app, image: nginx}]
`;

describe('ownership-labels-missing', () => {
  it('fires without an owner label, pointing at metadata.labels and listing what is accepted', () => {
    expectFindings(check, deploy('  labels:\n    app: web\n', '{app: web}'), [
      { line: 5, severity: 'error', message: 'no owner label on the Deployment or its pod template; accepted: team (or */team), owner (or */owner), squad (or */squad)' },
    ]);
  });

  it('points at metadata when there are no labels at all', () => {
    expectFindings(check, deploy('', '{}'), [{ line: 3 }]);
  });

  it('passes with team on the object, owner on the pod template, or a prefixed team label', () => {
    expectNone(check, deploy('  labels:\n    team: payments\n', '{app: web}'));
    expectNone(check, deploy('', '{app: web, owner: alice}'));
    expectNone(check, deploy('  labels:\n    example.com/team: payments\n', '{}'));
  });

  it('treats an empty value as missing', () => {
    expectFindings(check, deploy('  labels:\n    team: ""\n', '{}'), [{ line: 5 }]);
  });

  it('honours the ownerLabels param (a prefixed entry matches only itself)', () => {
    const yaml = deploy('  labels:\n    team: payments\n    acme.io/cost-center: "42"\n', '{}');
    expectNone(check, yaml, { params: { ownerLabels: ['acme.io/cost-center'] } });
    expectFindings(check, yaml, [{ line: 5, message: 'accepted: example.com/owner' }], { params: { ownerLabels: ['example.com/owner'] } });
  });

  it('passes when the Namespace object in the input carries an owner label', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {team: checkout}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: busybox}]
`,
    );
  });

  it('fires on Jobs and Pods too, and does not throw on odd labels', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, labels: "team=x"}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: job, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  labels: [team]
spec:
  containers: [{name: app, image: busybox}]
`,
      [
        { line: 3, object: 'migrate', message: 'on the Job' },
        { line: 14, object: 'debug', message: 'on the Pod' },
      ],
    );
  });
});

describe('ownership-labels-missing: a bare Pod has no pod template', () => {
  it('says "on the Pod" only', () => {
    expectFindings(check, 'apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  containers: [{name: shell, image: "busybox:1.36"}]\n', [
      { message: /^no owner label on the Pod; accepted: / },
    ]);
  });
});
