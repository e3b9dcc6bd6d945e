import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check, { keyErrors, valueErrors } from '../../../src/checks/availability/metadata-rejected.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

describe('metadata-rejected', () => {
  it('fires on names each kind rejects, with a valid name to use instead', () => {
    const [dep, svc, cron] = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: My_App}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "registry.example/web:1.0"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api.v2}
spec: {ports: [{port: 80}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-report-generator-for-the-finance-department-x}
spec: {schedule: "0 1 * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: r, image: "registry.example/r:1.0"}]}}}}}
`,
      [
        { line: 3, message: /^metadata\.name "My_App" is not a valid Deployment name: .*\(metadata\.name: Invalid value: "My_App": a lowercase RFC 1123 subdomain must consist of/ },
        { line: 12, message: 'metadata.name "api.v2" is not a valid Service name: kubectl apply, server-side apply and helm install reject the Service (metadata.name: Invalid value: "api.v2": must not contain dots)' },
        { line: 17, message: /must be no more than 52 characters\)$/ },
      ],
    );
    assert.match(dep.fix!, /^Rename the Deployment to "my-app" \(a lowercase RFC 1123 subdomain/);
    assert.match(svc.fix!, /^Rename the Service to "api-v2" \(a lowercase RFC 1123 label/);
    assert.match(cron.fix!, /^Rename the CronJob to "nightly-report-generator-for-the-finance-department"/);
  });

  it('fires on label keys and values, selectors, pod template labels and annotation keys, with the API server\'s paths', () => {
    const found = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {version: "1.0 beta", "a/b/c": x, ok.example/fine: "yes-fine"}
  annotations: {"bad key": xx, ok.example/note: "any value, spaces and all"}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, team: "a b"}, annotations: {"x//y": zz}}
    spec: {containers: [{name: web, image: "registry.example/web:1.0"}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {"bad_/x": web}, ports: [{port: 80}]}
`,
      [
        { line: 5, message: /^label "version: 1\.0 beta" has a value that is not valid: .*\(metadata\.labels: Invalid value: "1\.0 beta": a valid label must be/ },
        { line: 5, message: /^label key "a\/b\/c" is not valid: .*a valid label key must consist/ },
        { line: 6, message: /^annotation key "bad key" is not valid: .*\(metadata\.annotations: Invalid value: "bad key": name part must consist/ },
        { line: 10, message: /^pod template label "team: a b" .*\(spec\.template\.labels: Invalid value: "a b"/ },
        { line: 10, message: /^annotation key "x\/\/y" .*\(spec\.template\.annotations: / },
        { line: 16, message: /^selector label key "bad_\/x" .*\(spec\.selector: Invalid value: "bad_\/x": prefix part a lowercase RFC 1123 subdomain/ },
      ],
    );
    assert.equal(found[0].fix, 'Write it as version: "1.0-beta" (a label key and value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit; a key may have a DNS-subdomain prefix and "/").');
  });

  it('names a placeholder left in a name', () => {
    const [pv] = expectFindings(check, 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: PVC_NAME}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n', [
      { line: 3, message: 'metadata.name "PVC_NAME" (a placeholder left to replace before applying?) is not a valid PersistentVolumeClaim name' },
    ]);
    assert.match(pv.fix!, /^Replace the placeholder with the name, or rename the PersistentVolumeClaim to "pvc-name"/);
  });

  it('follows the API server\'s rules for keys and values', () => {
    assert.deepEqual(keyErrors('app.kubernetes.io/name'), []);
    assert.deepEqual(keyErrors('Example_Key.1'), []);
    assert.deepEqual(keyErrors(`${'k'.repeat(64)}`), ['name part must be no more than 63 bytes']);
    assert.deepEqual(keyErrors('/x'), ['prefix part must be non-empty']);
    assert.equal(keyErrors('').length, 2);
    assert.deepEqual(valueErrors(''), []);
    assert.deepEqual(valueErrors('v1.2_rc-3'), []);
    assert.deepEqual(valueErrors('v'.repeat(64)), ['must be no more than 63 bytes']);
    assert.equal(valueErrors('-x').length, 1);
  });

  it('does not fire on valid names, kinds with their own rules, templated or generated names, or non-string values', () => {
    expectNone(
      check,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:controller:My_Role"}
rules: []
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: Web_PDB}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "{{ .Release.Name }}-web"
  labels: {app.kubernetes.io/version: "1.0.0", tier: 1, "{{ .Values.key }}": x, chart: "\${CHART}"}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "registry.example/web:1.0"}]}
---
apiVersion: v1
kind: Pod
metadata: {generateName: Job_Runner-}
spec: {containers: [{name: r, image: "registry.example/r:1.0"}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app.config-v2}
data: {a: b}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: My_Widget, labels: {bad: "a b"}}
`,
    );
  });

  it('custom resources whose CRD is in the input: a DNS-1123 subdomain name, labels; without the CRD, or in another version, silent', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: services.serving.knative.dev}
spec:
  group: serving.knative.dev
  names: {kind: Service, plural: services}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`;
    const ksvc = (name: string, version = 'v1') => `apiVersion: serving.knative.dev/${version}\nkind: Service\nmetadata: {name: ${name}, labels: {"tier name": web}}\nspec: {}\n`;
    const [name, label] = expectFindings(check, `${crd}---\n${ksvc('hello.v2')}---\n${ksvc('Bad_Name')}`, [
      { line: 12, message: /^label key "tier name" is not valid: / },
      { line: 17, message: /^metadata\.name "Bad_Name" is not a valid Service name: kubectl apply, server-side apply and helm install reject the Service \(metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/ },
      { line: 17, message: /^label key "tier name" is not valid: / },
    ]).sort((a, b) => (a.message < b.message ? 1 : -1));
    assert.match(name.fix ?? '', /Rename the Service to "bad-name"/);
    assert.ok(label);
    // hello.v2 is a valid custom resource name (a subdomain), though not a valid built-in Service name.
    expectNone(check, `${crd}---\n${ksvc('hello.v2').replace(', labels: {"tier name": web}', '')}`);
    expectNone(check, ksvc('Bad_Name'));
    expectNone(check, `${crd}---\n${ksvc('Bad_Name', 'v1alpha1')}`);
  });

  it('a kustomize patch file: its name only picks the target (name: "*" with a target selector), its labels still count', () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "*"\n  labels: {"sidecar inject": "true"}\nspec:\n  template:\n    metadata:\n      labels: {sidecar.istio.io/inject: "true"}\n';
    const found = runCheck(check, patch, { file: 'base/patches/sidecar-injection.yaml' });
    assert.deepEqual(found.map((f) => f.message.replace(/:.*$/, '')), ['label key "sidecar inject" is not valid']);
    assert.equal(runCheck(check, patch).filter((f) => /metadata\.name/.test(f.message)).length, 1, 'a plain file: the name counts');
  });

  it('does not run on a live scan (the API server accepted what it returns)', () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: My_Conf}\n';
    const loaded = loadText(yaml, 'live', loadPlan([check]));
    assert.equal(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 1);
    const live = audit({ resources: loaded.resources, problems: [], listedKinds: new Set(['ConfigMap']) }, { checks: [check] });
    assert.deepEqual(live.verdicts.flatMap((v) => v.findings), []);
  });
});
