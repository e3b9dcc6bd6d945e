import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { imageReferenceProblem } from '../../src/model/image-ref.js';

const H64 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('imageReferenceProblem: the kubelet reference grammar', () => {
  it('accepts what the kubelet parses', () => {
    for (const ok of [
      'nginx',
      'nginx:1.27',
      'library/nginx:1.27-alpine',
      'registry:5000/team/app',
      'localhost/app:dev',
      'localhost:5000/app',
      'REGION-docker.pkg.dev/proj/app:v1', // upper case is allowed in the registry host
      '[::1]:5000/app:1',
      'ghcr.io/org/my__app/sub-name.x:v1.2_3',
      'quay.io/a/b---c:T_ag-1.0',
      `app@sha256:${H64}`,
      `app:1.0@sha256:${H64}`,
      `app@sha512:${H64}${H64}`,
      'example.com:5000', // no slash: a Docker Hub name "example.com" with tag "5000"
    ]) {
      assert.equal(imageReferenceProblem(ok), null, ok);
    }
  });

  it('names what is wrong with references the kubelet refuses (InvalidImageName)', () => {
    const cases: [string, RegExp][] = [
      ['eu.gcr.io/workshops//backend:3.14159', /empty path component \("\/\/"\)/],
      ['registry.example.com/app/', /a leading or trailing "\/"/],
      ['MyOrg/app:1', /repository names must be lower case \("MyOrg\/app"\)/],
      ['app:', /ends in ":" with no tag/],
      ['app:-dev', /the tag "-dev" is not valid/],
      [`app:${'x'.repeat(129)}`, /the tag .* is not valid/],
      ['app@sha256:abc', /sha256 takes 64 lower-case hex digits/],
      [`app@sha256:${H64.toUpperCase()}`, /lower-case hex/],
      [`app@md5:${H64}`, /the digest .* is not valid \(sha256:, sha384: or sha512:/],
      [H64, /image ID/],
      ['team/my-app-', /the path component "my-app-" is not valid/],
      ['bad_host!.io/app', /the registry "bad_host!.io" is not a valid host name/],
      ['my app', /white space/],
      [`team/${'a'.repeat(256)}`, /at most 255/],
    ];
    for (const [image, why] of cases) {
      const p = imageReferenceProblem(image);
      assert.ok(p, image);
      assert.match(p.why, why, image);
      assert.deepEqual(p.placeholders, [], image);
    }
  });

  it('tells placeholders to fill in from other mistakes', () => {
    assert.deepEqual(imageReferenceProblem('us-central1-docker.pkg.dev/PROJECT_ID/models/t5:1.0')?.placeholders, ['PROJECT_ID']);
    assert.deepEqual(imageReferenceProblem('REGION-docker.pkg.dev/PROJECT_ID/REPOSITORY_NAME/app:v1')?.placeholders, ['REGION', 'PROJECT_ID', 'REPOSITORY_NAME']);
    // In the registry host too (an underscore is not valid in a host name).
    assert.deepEqual(imageReferenceProblem('REGION_NAME-docker.pkg.dev/PROJECT_ID/tgi:latest')?.placeholders, ['REGION_NAME', 'PROJECT_ID']);
    assert.deepEqual(imageReferenceProblem('$LOCATION-docker.pkg.dev/$GCLOUD_PROJECT/hello:latest')?.placeholders, ['$LOCATION', '$GCLOUD_PROJECT']);
    assert.deepEqual(imageReferenceProblem('IMAGE_NAME')?.placeholders, ['IMAGE_NAME']);
    assert.deepEqual(imageReferenceProblem('$VLLM_IMAGE')?.placeholders, ['$VLLM_IMAGE']);
    // Mixed case is a mistake, not a placeholder; a placeholder next to another mistake is not "only" one.
    assert.deepEqual(imageReferenceProblem('registry.io/MyTeam/app')?.placeholders, []);
    assert.deepEqual(imageReferenceProblem('registry.io/A/app')?.placeholders, []);
    assert.deepEqual(imageReferenceProblem('registry.io/PROJECT_ID//app')?.placeholders, []);
  });
});
