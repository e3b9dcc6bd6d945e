/**
 * Containers a mutating webhook completes at admission: Istio's `image: auto` (the gateway chart's
 * istio-proxy, sidecar templates). Their image and probes come from the injector, so the image and
 * probe checks skip them; everything written in the manifest (resources, securityContext) is still
 * checked, and an `image: auto` without any sign of Istio is an image like any other.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import liveness from '../../src/checks/health/liveness-probe-missing.js';
import readiness from '../../src/checks/health/readiness-probe-missing.js';
import backends from '../../src/checks/networking/service-backends-without-readiness.js';
import latest from '../../src/checks/security/image-tag-latest.js';
import digest from '../../src/checks/security/image-not-pinned-by-digest.js';
import pullPolicy from '../../src/checks/security/image-pull-policy.js';
import memoryLimit from '../../src/checks/resources/memory-limit-missing.js';
import { loadText } from '../../src/sources/resources.js';
import { toWorkload } from '../../src/model/workload.js';
import { expectFindings, expectNone } from '../helpers/check-tester.js';

const gateway = (marker: string, container = 'istio-proxy') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway}
spec:
  replicas: 2
  selector: {matchLabels: {app: gateway}}
  template:
    metadata:
      ${marker}
    spec:
      containers:
        - name: ${container}
          image: auto
          ports: [{name: http2, containerPort: 80}, {name: status-port, containerPort: 15021}]
---
apiVersion: v1
kind: Service
metadata: {name: gateway}
spec:
  type: LoadBalancer
  selector: {app: gateway}
  ports: [{name: http2, port: 80, targetPort: 80}]
`;

const LABEL = 'labels: {app: gateway, sidecar.istio.io/inject: "true"}';
const TEMPLATES = 'labels: {app: gateway}\n      annotations: {inject.istio.io/templates: gateway}';

describe('containers completed by a webhook (Istio image: auto)', () => {
  it('the model marks them: the inject label, the templates annotation, or the istio-proxy name', () => {
    const w = (yaml: string) => toWorkload(loadText(yaml, 'g.yaml').resources[0])!.containers[0];
    assert.match(w(gateway(LABEL, 'proxy')).injectedBy ?? '', /Istio/);
    assert.match(w(gateway(TEMPLATES, 'proxy')).injectedBy ?? '', /Istio/);
    assert.match(w(gateway('labels: {app: gateway}')).injectedBy ?? '', /Istio/);
    assert.equal(w(gateway('labels: {app: gateway}', 'proxy')).injectedBy, undefined);
    assert.equal(w(gateway('labels: {app: gateway, sidecar.istio.io/inject: "false"}', 'proxy')).injectedBy, undefined);
  });

  it('no image or probe findings on the placeholder', () => {
    for (const marker of [LABEL, TEMPLATES]) {
      for (const check of [liveness, readiness, backends, latest, digest, pullPolicy]) expectNone(check, gateway(marker));
    }
  });

  it('what the manifest does write is still checked (no memory limit on istio-proxy)', () => {
    expectFindings(memoryLimit, gateway(LABEL), [{ line: 12, container: 'istio-proxy' }]);
  });

  it('image: auto with no sign of Istio is an image named auto: the checks fire', () => {
    const plain = gateway('labels: {app: gateway}', 'proxy');
    expectFindings(latest, plain, [{ line: 13, container: 'proxy', message: 'image "auto" has no tag' }]);
    expectFindings(liveness, plain, [{ line: 12, container: 'proxy' }]);
    expectFindings(readiness, plain, [{ line: 12, container: 'proxy' }]);
  });
});
