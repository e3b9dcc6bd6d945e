import { describe, it } from 'node:test';
import latest from '../../../src/checks/security/image-tag-latest.js';
import digest from '../../../src/checks/security/image-not-pinned-by-digest.js';
import pullPolicy from '../../../src/checks/security/image-pull-policy.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

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
        - name: g
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
