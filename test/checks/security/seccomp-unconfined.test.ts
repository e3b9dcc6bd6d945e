/** seccomp-unconfined's fixes (its findings are tested in pss-baseline-container.test.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/security/seccomp-unconfined.js';
import { runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import { findCheck } from '../../../src/checks/index.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      securityContext: {seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: api
        image: registry.example/api:1.0
        securityContext: {seccompProfile: {type: Unconfined}}
`;
const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext: {seccompProfile: {type: Unconfined}}
          initContainers:
          - name: wait
            image: busybox:1.36
            securityContext: {seccompProfile: {type: Unconfined}}
          containers:
          - {name: report, image: registry.example/report:1.0}
`;
const POD = `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  containers:
  - name: "on"
    image: busybox:1.36
    securityContext: {seccompProfile: {type: Unconfined}}
`;

describe('seccomp-unconfined: the fix goes where Unconfined is', () => {
  it('a container\'s own Unconfined: RuntimeDefault in that container, saying the pod-level setting does not override it', () => {
    const [f] = runCheck(check, DEPLOY);
    assert.equal(
      f.fixYaml,
      `spec:
  template:
    spec:
      containers:
      - name: api
        securityContext:
          seccompProfile:
            type: RuntimeDefault   # the container's own setting: the pod-level one does not override it`,
    );
  });

  it('a CronJob: the pod-level finding at its pod spec, the init container\'s in initContainers', () => {
    const found = runCheck(check, CRONJOB);
    const pod = found.find((f) => f.container === null)!;
    const init = found.find((f) => f.container === 'wait')!;
    assert.equal(
      pod.fixYaml,
      `spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext:
            seccompProfile:
              type: RuntimeDefault   # or Localhost with a tailored profile`,
    );
    assert.match(init.fixYaml!, /^spec:\n {2}jobTemplate:\n {4}spec:\n {6}template:\n {8}spec:\n {10}initContainers:\n {10}- name: wait\n {12}securityContext:\n/);
  });

  it('a Pod: its container by a quoted name, and how a Pod is re-created', () => {
    const [f] = runCheck(check, POD);
    assert.match(f.fixYaml!, /^# a Pod's spec cannot change once created.*\nspec:\n {2}containers:\n {2}- name: "on"\n {4}securityContext:\n {6}seccompProfile:\n {8}type: RuntimeDefault/);
  });

  for (const [what, text] of [['Deployment', DEPLOY], ['CronJob', CRONJOB], ['Pod', POD]] as const) {
    it(`applying each finding's fix to the ${what} clears them, and seccomp-profile-missing finds nothing new`, () => {
      const { before, after, fixed } = applyFixes(check, text);
      assert.ok(before.length > 0);
      assert.deepEqual(after.map((x) => x.message), [], fixed);
      const missing = findCheck('seccomp-profile-missing')!;
      assert.ok(runCheck(missing, fixed).length <= runCheck(missing, text).length, fixed);
    });
  }
});
