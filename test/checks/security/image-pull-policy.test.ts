/**
 * image-pull-policy's fixes (its findings are tested in images.test.ts): the container's own
 * repository with a version to fill in where the tag is :latest (image-tag-latest's fix too), or the
 * policy the image is safe with (Always for a tag that moves, IfNotPresent for one that does not).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import check from '../../../src/checks/security/image-pull-policy.js';
import latest from '../../../src/checks/security/image-tag-latest.js';
import { allChecks } from '../../../src/checks/index.js';
import { runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';

/** c63 of the fix review (a moving tag with IfNotPresent), and the other findings, in one pod. */
const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: stable, image: nginx:stable, imagePullPolicy: IfNotPresent}
      - {name: main, image: "ghcr.io/acme/app:main"}
      - {name: stale, image: "registry.acme.io:5000/team/app:latest", imagePullPolicy: IfNotPresent}
      - {name: never, image: "registry.acme.io/team/app:1.2.3", imagePullPolicy: Never}
      - {name: never-latest, image: busybox, imagePullPolicy: Never}
      - {name: never-pinned, image: "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", imagePullPolicy: Never}
      - {name: fine, image: "registry.acme.io/team/app:1.2.3"}
`;

/** Values the API server rejects: a misspelling of a valid one, or none at all. */
const INVALID = `apiVersion: batch/v1
kind: CronJob
metadata: {name: sync, namespace: shop}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
          - {name: fetch, image: "app:1.2.3", imagePullPolicy: always}
          containers:
          - {name: moving, image: "app:nightly", imagePullPolicy: if-not-present}
          - {name: never, image: "app:1.2.3", imagePullPolicy: never}
          - {name: odd, image: "app:1.2.3", imagePullPolicy: sometimes}
          - {name: templated, image: "{{ .Values.image }}", imagePullPolicy: IF_NOT_PRESENT}
`;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: "on", namespace: shop}
spec:
  containers:
  - {name: "on", image: "busybox", imagePullPolicy: IfNotPresent}
`;

const fixOf = (text: string, container: string): string => {
  const f = runCheck(check, text).find((x) => x.container === container);
  assert.ok(f?.fixYaml, `a fix for ${container}`);
  return f.fixYaml;
};
/** The last line of a fix: the container's own field. */
const line = (text: string, container: string): string => fixOf(text, container).split('\n').pop()!.trim();

/** Each container's image and pull policy, by name. */
function pulls(text: string): Record<string, [unknown, unknown]> {
  const [d] = yaml.loadAll(text) as Record<string, any>[];
  const spec = d.kind === 'Pod' ? d.spec : d.kind === 'CronJob' ? d.spec.jobTemplate.spec.template.spec : d.spec.template.spec;
  return Object.fromEntries([...(spec.initContainers ?? []), ...spec.containers].map((c: any) => [c.name, [c.image, c.imagePullPolicy]]));
}

describe('image-pull-policy: the fix names the container\'s own image', () => {
  it('a moving tag (c63: nginx:stable with IfNotPresent): Always, with the pin of its own repository as the alternative', () => {
    assert.equal(
      fixOf(DEPLOY, 'stable'),
      `spec:
  template:
    spec:
      containers:
      - name: stable
        imagePullPolicy: Always   # "stable" moves: each start pulls the build it points to now; or pin an immutable tag, image: nginx:<version>`,
    );
    assert.equal(line(DEPLOY, 'main'), 'imagePullPolicy: Always   # "main" moves: each start pulls the build it points to now; or pin an immutable tag, image: ghcr.io/acme/app:<version>');
  });

  it(':latest with IfNotPresent: the repository with a version to fill in, as image-tag-latest fixes it (registry port kept)', () => {
    const own = line(DEPLOY, 'stale');
    assert.equal(own, 'image: "registry.acme.io:5000/team/app:<version>"   # an immutable tag of it (with its digest: crane digest registry.acme.io:5000/team/app:<version>): IfNotPresent then runs one build on every node; or keep the tag with imagePullPolicy: Always');
    // The same image line as image-tag-latest's: the two fixes agree.
    const tagFix = runCheck(latest, DEPLOY).find((f) => f.container === 'stale')!.fixYaml!.split('\n').pop()!.trim();
    assert.equal(own.split('   #')[0], tagFix.split('   #')[0]);
    assert.match(fixOf(POD, 'on'), /^# a Pod's spec cannot change once created.*\nspec:\n {2}containers:\n {2}- name: "on"\n {4}image: "busybox:<version>" {3}#/);
  });

  it('Never: IfNotPresent for a version tag or a digest, Always for an image without a tag', () => {
    assert.equal(line(DEPLOY, 'never'), 'imagePullPolicy: IfNotPresent   # its tag "1.2.3" does not move: a node pulls it once, when it lacks it');
    assert.equal(line(DEPLOY, 'never-pinned'), 'imagePullPolicy: IfNotPresent   # its digest does not move: a node pulls it once, when it lacks it');
    assert.equal(line(DEPLOY, 'never-latest'), 'imagePullPolicy: Always   # :latest moves: each start pulls the build it points to now; or pin an immutable tag, image: busybox:<version>');
  });

  it('an invalid value: its valid spelling, unless that is Never or IfNotPresent on a moving tag; a CronJob\'s init container at its path', () => {
    assert.match(fixOf(INVALID, 'fetch'), /^spec:\n {2}jobTemplate:\n {4}spec:\n {6}template:\n {8}spec:\n {10}initContainers:\n {10}- name: fetch\n {12}imagePullPolicy: Always {3}# the valid spelling of "always"$/);
    assert.equal(line(INVALID, 'moving'), 'imagePullPolicy: Always   # "if-not-present" is not a valid value (IfNotPresent would be, but keeps a stale build on each node); "nightly" moves: each start pulls the build it points to now; or pin an immutable tag, image: app:<version>');
    assert.equal(line(INVALID, 'never'), 'imagePullPolicy: IfNotPresent   # "never" is not a valid value (Never would be, but fails on nodes without the image); its tag "1.2.3" does not move: a node pulls it once, when it lacks it');
    assert.equal(line(INVALID, 'odd'), 'imagePullPolicy: IfNotPresent   # "sometimes" is not a valid value; its tag "1.2.3" does not move: a node pulls it once, when it lacks it');
    assert.equal(line(INVALID, 'templated'), "imagePullPolicy: IfNotPresent   # the valid spelling of \"IF_NOT_PRESENT\"; Always if the image's tag moves");
  });

  for (const [name, text] of Object.entries({ DEPLOY, INVALID, POD })) {
    it(`applying every finding's fix to ${name} clears them, raises no new error of any check, and image-tag-latest finds no more`, () => {
      const { before, after, fixed } = applyFixes(check, text);
      assert.ok(before.length > 0);
      assert.deepEqual(after.map((f) => `${f.container}: ${f.message}`), [], fixed);
      for (const c of allChecks) {
        const was = runCheck(c, text).filter((f) => f.severity === 'error').length;
        const now = runCheck(c, fixed).filter((f) => f.severity === 'error').length;
        assert.ok(now <= was, `${c.id}: ${now} errors after the fix, ${was} before:\n${fixed}`);
      }
      assert.ok(runCheck(latest, fixed).length <= runCheck(latest, text).length);
    });
  }

  it('what the fixes leave: the moving tag pulled Always, :latest pinned with the policy kept, Never replaced, the unreported container untouched', () => {
    assert.deepEqual(pulls(applyFixes(check, DEPLOY).fixed), {
      stable: ['nginx:stable', 'Always'],
      main: ['ghcr.io/acme/app:main', 'Always'],
      stale: ['registry.acme.io:5000/team/app:<version>', 'IfNotPresent'],
      never: ['registry.acme.io/team/app:1.2.3', 'IfNotPresent'],
      'never-latest': ['busybox', 'Always'],
      'never-pinned': ['app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
      fine: ['registry.acme.io/team/app:1.2.3', undefined],
    });
  });
});
