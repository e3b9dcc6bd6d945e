/**
 * Skaffold artifacts (src/model/skaffold.ts): in the manifests a Skaffold configuration of the input
 * deploys, an image named like one of its build artifacts is replaced by the built image, tag included,
 * so the image checks do not judge it. Other manifests, and other images, are judged as usual.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import imageTagLatest from '../../../src/checks/security/image-tag-latest.js';
import imageNotPinned from '../../../src/checks/security/image-not-pinned-by-digest.js';
import imagePullPolicy from '../../../src/checks/security/image-pull-policy.js';

const skaffold = (deploy: string) => `apiVersion: skaffold/v4beta11
kind: Config
metadata: {name: echo}
build:
  artifacts:
    - image: echo-grpc
      ko: {fromImage: gcr.io/distroless/static:nonroot}
    - image: registry.example.com/team/worker
${deploy}`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
        - name: echo
          image: echo-grpc
          imagePullPolicy: IfNotPresent
        - name: worker
          image: registry.example.com/team/worker:1.0
        - name: side
          image: busybox
`;

function findings(files: [string, string][]): string[] {
  const resources = files.flatMap(([file, text]) => loadText(text, file).resources);
  const r = audit({ resources }, { checks: [imageTagLatest, imageNotPinned, imagePullPolicy] });
  return r.verdicts.flatMap((v) => v.findings.map((f) => `${f.location.file} ${f.check} ${f.container}`)).sort();
}

describe('image checks and Skaffold artifacts', () => {
  it('skip artifact images in the manifests the configuration deploys (rawYaml globs), tag written or not', () => {
    assert.deepEqual(findings([
      ['svc/skaffold.yaml', skaffold('manifests:\n  rawYaml: [k8s/*.yaml]\n')],
      ['svc/k8s/deploy.yaml', deployment],
      ['svc/other/deploy.yaml', deployment],
      ['elsewhere/deploy.yaml', deployment],
    ]), [
      'elsewhere/deploy.yaml image-not-pinned-by-digest worker',
      'elsewhere/deploy.yaml image-pull-policy echo',
      'elsewhere/deploy.yaml image-tag-latest echo',
      'elsewhere/deploy.yaml image-tag-latest side',
      'svc/k8s/deploy.yaml image-tag-latest side',
      'svc/other/deploy.yaml image-not-pinned-by-digest worker',
      'svc/other/deploy.yaml image-pull-policy echo',
      'svc/other/deploy.yaml image-tag-latest echo',
      'svc/other/deploy.yaml image-tag-latest side',
    ]);
  });

  it('v2 deploy.kubectl.manifests and kustomize paths; without a manifest list, everything under its folder', () => {
    const only = (f: string[]) => f.filter((x) => !x.endsWith(' side'));
    assert.deepEqual(only(findings([['a/skaffold.yaml', skaffold('deploy:\n  kubectl:\n    manifests: [./k8s/*.yaml]\n')], ['a/k8s/d.yaml', deployment]])), []);
    assert.deepEqual(only(findings([['a/skaffold.yaml', skaffold('manifests:\n  kustomize:\n    paths: [overlays/prod]\n')], ['a/overlays/prod/base/d.yaml', deployment]])), []);
    assert.deepEqual(only(findings([['a/skaffold.yaml', skaffold('')], ['a/deep/down/d.yaml', deployment]])), []);
  });

  it('a Config of another apiVersion (a kubeconfig) is not Skaffold', () => {
    const kubeconfig = `apiVersion: v1
kind: Config
clusters: []
build:
  artifacts:
    - image: echo-grpc
`;
    assert.ok(findings([['a/kubeconfig.yaml', kubeconfig], ['a/d.yaml', deployment]]).includes('a/d.yaml image-tag-latest echo'));
  });
});
