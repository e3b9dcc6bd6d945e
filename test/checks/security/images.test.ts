import { describe, it } from 'node:test';
import latest from '../../../src/checks/security/image-tag-latest.js';
import digest from '../../../src/checks/security/image-not-pinned-by-digest.js';
import pullPolicy from '../../../src/checks/security/image-pull-policy.js';
import assert from 'node:assert/strict';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

const IMAGES = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: a
          image: registry:5000/team/app
        - name: b
          image: nginx:latest
        - name: c
          image: registry:5000/team/app:1.4.2
        - name: d
          image: app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        - name: e
          image: app:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        - name: f
          image: "{{ .Values.image }}"
`;

describe('image-tag-latest', () => {
  it('fires on untagged (port is not a tag) and :latest images, not on digests or templates', () => {
    expectFindings(latest, IMAGES, [
      { line: 9, container: 'init', message: 'init container "init": image "busybox" has no tag' },
      { line: 12, container: 'a', message: 'image "registry:5000/team/app" has no tag' },
      { line: 14, container: 'b', message: 'uses the moving tag :latest', severity: 'error' },
    ]);
  });
});

describe('image-tag-latest: the pull policy decides when :latest moves', () => {
  it('with an explicit IfNotPresent or Never, each node keeps the build it has (not "pulls whatever :latest points to")', () => {
    const pod = (image: string, policy: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: app, image: ${image}, imagePullPolicy: ${policy}}
`;
    expectFindings(latest, pod('app', 'IfNotPresent'), [{ line: 6, message: 'container "app": image "app" has no tag (so :latest); with imagePullPolicy IfNotPresent each node runs whichever :latest build it pulled first, so replicas can run different code' }]);
    expectFindings(latest, pod('app:latest', 'Never'), [{ line: 6, message: 'uses the moving tag :latest; with imagePullPolicy Never each node runs whichever :latest build it already has' }]);
    expectFindings(latest, pod('app', 'Always'), [{ line: 6, message: 'has no tag, so it pulls whatever :latest points to when the pod starts' }]);
  });
});

describe('image-not-pinned-by-digest', () => {
  it('fires (info) only on tagged images without digest', () => {
    expectFindings(digest, IMAGES, [{ line: 16, container: 'c', severity: 'info', message: 'image "registry:5000/team/app:1.4.2" is pinned by tag only' }]);
  });
});

describe('image-pull-policy', () => {
  it('fires on IfNotPresent with latest/untagged, on mutable tags defaulting to IfNotPresent, and on Never', () => {
    expectFindings(
      pullPolicy,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: stale
          image: app:latest
          imagePullPolicy: IfNotPresent
        - name: default-latest
          image: app
        - name: main
          image: app:main
        - name: never
          image: app:1.2.3
          imagePullPolicy: Never
        - name: bad
          image: app:1.2.3
          imagePullPolicy: always
        - name: pinned
          image: app:main@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          imagePullPolicy: IfNotPresent
        - name: versioned
          image: app:1.2.3
        - name: always-main
          image: app:main
          imagePullPolicy: Always
`,
      [
        { line: 10, container: 'stale', severity: 'warning', message: 'imagePullPolicy: IfNotPresent with the :latest tag ("app:latest") keeps whichever build each node pulled first' },
        { line: 13, container: 'main', message: 'uses the moving tag "main" with imagePullPolicy defaulting to IfNotPresent' },
        { line: 17, container: 'never', message: 'imagePullPolicy: Never only starts on nodes that already have "app:1.2.3"' },
        { line: 20, container: 'bad', severity: 'error', message: 'imagePullPolicy "always" is not a valid value' },
      ],
    );
  });

  it('honours the mutableTags parameter', () => {
    expectNone(
      pullPolicy,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: app:main
`,
      { params: { mutableTags: ['latest'] } },
    );
  });
});

describe('image-tag-latest: placeholders are not untagged references', () => {
  const pod = (images: string[]) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
${images.map((img, i) => `    - {name: c${i}, image: "${img}"}`).join('\n')}
`;
  it('skips an untagged $NAME or upper-case name (the reference grammar allows neither; the value filled in decides the tag)', () => {
    expectNone(latest, pod(['$VLLM_IMAGE', '$IMAGE_URL', 'registry.example.com/team/$APP', 'CONTAINER_IMAGE', 'IMAGE_URL', 'gcr.io/proj/APP_IMAGE']));
  });
  it('keeps an explicit :latest after placeholders, a missing tag after a placeholder in an earlier component, and plain untagged images', () => {
    expectFindings(latest, pod(['us-docker.pkg.dev/$PROJECT_ID/repo/app:latest', 'us-docker.pkg.dev/PROJECT_ID/repo/app', 'nginx', 'registry:5000/team/app', 'Registry.Example.com/team/app', '$IMAGE:latest']), [
      { line: 6, container: 'c0', message: 'image "us-docker.pkg.dev/$PROJECT_ID/repo/app:latest" uses the moving tag :latest' },
      { line: 7, container: 'c1', message: 'image "us-docker.pkg.dev/PROJECT_ID/repo/app" has no tag' },
      { line: 8, container: 'c2', message: 'image "nginx" has no tag' },
      { line: 9, container: 'c3', message: 'image "registry:5000/team/app" has no tag' },
      { line: 10, container: 'c4', message: 'image "Registry.Example.com/team/app" has no tag' },
      { line: 11, container: 'c5', message: 'image "$IMAGE:latest" uses the moving tag :latest' },
    ]);
  });
});

describe('image-pull-policy: templates and placeholders', () => {
  it('skips a templated policy (envsubst ${VAR:-default}, Helm) instead of calling it invalid', () => {
    expectNone(
      pullPolicy,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: app:1.2.3
      imagePullPolicy: "\${IMAGE_PULL_POLICY:-Always}"
    - name: b
      image: app:1.2.3
      imagePullPolicy: "{{ .Values.pullPolicy }}"
`,
    );
  });
  it('skips IfNotPresent on an untagged placeholder image, keeps it on a literal untagged name', () => {
    expectFindings(
      pullPolicy,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: $VLLM_IMAGE, imagePullPolicy: IfNotPresent}
    - {name: b, image: CONTAINER_IMAGE, imagePullPolicy: IfNotPresent}
    - {name: c, image: busybox, imagePullPolicy: IfNotPresent}
`,
      [{ line: 8, container: 'c', message: 'imagePullPolicy: IfNotPresent with an untagged image ("busybox")' }],
    );
  });
});

describe('image-pull-policy: variants of moving tags', () => {
  const pod = (image: string) => `apiVersion: v1
kind: Pod
metadata: {name: job}
spec:
  containers:
    - {name: app, image: "${image}"}
`;
  it('a -latest or .latest suffix and a channel tag with only a variant after it move; a version, date or commit pins them', () => {
    for (const tag of ['main-latest', 'vllm011.latest', 'nightly-py312-tpu', 'stable-alpine']) {
      expectFindings(pullPolicy, pod(`example.com/app:${tag}`), [{ container: 'app', message: `uses the moving tag "${tag}" with imagePullPolicy defaulting to IfNotPresent` }]);
    }
    for (const tag of ['nightly-2024-01-01', 'main-abc1234', 'dev-1.2', 'stable-v2', 'latest-gpu', '1.2.3']) expectNone(pullPolicy, pod(`example.com/app:${tag}`));
  });
});

describe('image fixes name the container\'s own repository (fixYaml)', () => {
  const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: sync}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - {name: fetch, image: "ghcr.io/acme/fetcher"}
          containers:
            - {name: sync, image: "registry.acme.io:5000/team/sync:2.1"}
`;
  it('image-tag-latest: the repository with a version to fill in, at the container\'s own path', () => {
    const [f] = runCheck(latest, cron);
    assert.equal(
      f.fixYaml,
      'spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n          - name: fetch\n            image: "ghcr.io/acme/fetcher:<version>"   # an immutable tag of it (with its digest: crane digest ghcr.io/acme/fetcher:<version>)',
    );
  });
  it('image-not-pinned-by-digest: the tag kept, the digest to fill in, with the command that prints it', () => {
    const [f] = runCheck(digest, cron);
    assert.match(f.fixYaml!, /\n {10}- name: sync\n {12}image: "registry\.acme\.io:5000\/team\/sync:2\.1@sha256:<digest>" {3}# the digest the tag points to now: crane digest registry\.acme\.io:5000\/team\/sync:2\.1$/);
  });
});
