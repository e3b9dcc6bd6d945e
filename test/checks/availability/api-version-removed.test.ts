import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/api-version-removed.js';
import replicas from '../../../src/checks/availability/replicas-below-minimum.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { REMOVED_APIS } from '../../../src/model/removed-apis.js';
import { audit } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';

describe('api-version-removed', () => {
  it('fires at apiVersion for versions no longer served, naming the release, the version to use and what else changes', () => {
    expectFindings(
      check,
      `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old-web}
spec:
  template:
    spec:
      containers: [{name: app, image: "web:1"}]
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {serviceName: web, servicePort: 80}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted}
spec: {}
---
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  version: v1
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
`,
      [
        { line: 1, object: 'old-web', severity: 'error', message: 'Deployment extensions/v1beta1 is no longer served since Kubernetes 1.16: on such a cluster the API server rejects the object (no matches for kind "Deployment" in version "extensions/v1beta1"), so it is never created there; use apiVersion apps/v1 (spec.selector is required and immutable in apps/v1)' },
        { line: 9, object: 'web', message: 'since Kubernetes 1.22' },
        { line: 15, object: 'restricted', message: 'PodSecurityPolicy is gone from Kubernetes: enforce pod security with Pod Security admission' },
        { line: 20, object: 'widgets.example.com', message: 'use apiVersion apiextensions.k8s.io/v1 (v1 requires a structural openAPIV3Schema per version)' },
        { line: 29, object: 'web', message: 'HorizontalPodAutoscaler autoscaling/v2beta2 is no longer served since Kubernetes 1.26' },
      ],
    );
  });

  it('is silent for served versions, and for custom resources whose kind shares a name', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: "web:1"}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {maxUnavailable: 1}
---
apiVersion: example.com/v1beta1
kind: Deployment
metadata: {name: custom}
---
apiVersion: certificates.k8s.io/v1beta1
kind: ClusterTrustBundle
metadata: {name: example.com:ca:1}
spec: {signerName: example.com/ca, trustBundle: "x"}
`,
    );
  });

  it('an autoscaler in a removed version scales nothing: the workload keeps its own replica count', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  template:
    spec:
      containers: [{name: app, image: "web:1"}]
---
apiVersion: autoscaling/VERSION
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 5
`;
    assert.equal(runCheck(replicas, yaml.replace('VERSION', 'v2')).length, 0);
    assert.equal(runCheck(replicas, yaml.replace('VERSION', 'v2beta2')).length, 1);
  });

  it('not on a live scan: an old cluster that returns policy/v1beta1 still serves it', () => {
    const pdb = loadText('apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec: {maxUnavailable: 1}\n', 'x.yaml').resources;
    assert.equal(audit({ resources: pdb }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 1);
    assert.equal(audit({ resources: pdb, listedKinds: new Set(['PodDisruptionBudget']) }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 0);
  });

  it('every replacement it names is itself served (not in the table)', () => {
    for (const [version, kinds] of Object.entries(REMOVED_APIS)) {
      for (const [kind, r] of Object.entries(kinds)) {
        if (r.use === null) continue;
        assert.ok(!(REMOVED_APIS[r.use] && kind in REMOVED_APIS[r.use]), `${kind} ${version} -> ${r.use}, which is removed too`);
        assert.ok(r.removedIn <= 37, `${kind} ${version}: removed in 1.${r.removedIn}, after the 1.37 that kubeready follows`);
      }
    }
  });
});

describe('api-version-removed: kustomize patch fragments', () => {
  const fragment = `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingWebhookConfiguration
metadata:
  name: mutating-webhook-configuration
  annotations:
    cert-manager.io/inject-ca-from: $(CERTIFICATE_NAMESPACE)/$(CERTIFICATE_NAME)
`;
  it('a metadata-only object in a patch file is info: the patch must name its target\'s apiVersion', () => {
    const [f] = audit({ resources: loadText(fragment, 'config/default/webhookcainjection_patch.yaml').resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.equal(f.severity, 'info');
    assert.match(f.message, /^a metadata-only MutatingWebhookConfiguration in a patch file, so a kustomize patch rather than an object: .* must name the apiVersion of the object it patches \(admissionregistration.k8s.io\/v1\) or kustomize finds no target for it$/);
    // The same object in a plain file, or with a body, is an object: an error.
    assert.equal(audit({ resources: loadText(fragment, 'config/webhook/manifests.yaml').resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings)[0].severity, 'error');
    const withBody = fragment + 'webhooks: []\n';
    assert.equal(audit({ resources: loadText(withBody, 'config/default/webhook_patch.yaml').resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings)[0].severity, 'error');
  });
});
