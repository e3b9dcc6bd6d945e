import { describe, it } from 'node:test';
import check from '../../../src/checks/security/image-reference-invalid.js';
import digest from '../../../src/checks/security/image-not-pinned-by-digest.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

const deploy = (images: string[], init = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
${init}      containers:
${images.map((image, i) => `        - name: c${i}\n          image: ${image}\n`).join('')}`;

describe('image-reference-invalid', () => {
  it('fires on references the kubelet cannot parse, at the image field', () => {
    expectFindings(check, deploy(['eu.gcr.io/workshops//backend:3.14159', 'nginx:1.27', 'MyOrg/App:1']), [
      { line: 9, container: 'c0', severity: 'error', message: 'container "c0": image "eu.gcr.io/workshops//backend:3.14159" is not a valid image reference: it has an empty path component ("//"); the kubelet fails the container with InvalidImageName' },
      { line: 13, container: 'c2', severity: 'error', message: 'repository names must be lower case ("MyOrg/App")' },
    ]);
  });

  it('checks init containers too (the pod waits on them)', () => {
    expectFindings(check, deploy(['nginx:1.27'], '      initContainers:\n        - name: setup\n          image: "busybox:"\n'), [
      { line: 9, container: 'setup', message: 'init container "setup": image "busybox:" is not a valid image reference: it ends in ":" with no tag' },
    ]);
  });

  it('reports a placeholder to fill in as a warning that names it', () => {
    expectFindings(check, deploy(['us-central1-docker.pkg.dev/PROJECT_ID/models/t5:1.0', 'IMAGE_NAME']), [
      { line: 9, severity: 'warning', message: 'image "us-central1-docker.pkg.dev/PROJECT_ID/models/t5:1.0" still holds the placeholder PROJECT_ID: applied as written, the kubelet cannot parse it and fails the container with InvalidImageName' },
      { line: 11, severity: 'warning', message: 'still holds the placeholder IMAGE_NAME' },
    ]);
  });

  it('says the API server rejects leading or trailing white space', () => {
    expectFindings(check, deploy(['"nginx:1.27 "']), [{ line: 9, severity: 'error', message: 'has leading or trailing white space: the API server rejects the object' }]);
  });

  it('does not judge templates, ko:// paths or webhook-injected images; passes valid references', () => {
    expectNone(
      check,
      deploy([
        '"{{ .Values.image }}"',
        '"${IMAGE}"',
        '"$(IMAGE)"',
        '$IMAGE_URL',
        'us-central1-docker.pkg.dev/$PROJECT_ID/repo/app:1',
        '"<your-image>"',
        'ko://github.com/org/cmd/controller',
        'localhost:5000/app',
        'registry.example.com/team/app:1.4.2@sha256:538da402e0720019b7af11b0da11c2059458a84cbba9b790e9fc9fe4768c4ace',
      ]),
    );
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: gw}
spec:
  template:
    metadata: {annotations: {inject.istio.io/templates: gateway}, labels: {sidecar.istio.io/inject: "true"}}
    spec:
      containers: [{name: istio-proxy, image: auto}]
`,
    );
  });

  it('keeps other image checks off a reference that cannot be parsed', () => {
    expectNone(digest, deploy(['eu.gcr.io/workshops//backend:3.14159']));
    // A placeholder leaves the rest of the reference to judge.
    expectFindings(digest, deploy(['us-central1-docker.pkg.dev/PROJECT_ID/models/t5:1.0']), [{ line: 9, message: 'is pinned by tag only' }]);
  });
});
