/**
 * Built-in workloads the API server rejects as written (a container without an image: a kustomize
 * patch audited without its kustomization.yaml) are not audited as workloads; each gets one line.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allChecks } from '../../src/checks/index.js';
import { audit } from '../../src/engine/audit.js';
import { loadText } from '../../src/sources/resources.js';

const patch = `# A sidecar patch of a kubebuilder scaffold
apiVersion: apps/v1
kind: Deployment
metadata: {name: controller-manager, namespace: system}
spec:
  template:
    spec:
      containers:
        - name: kube-rbac-proxy
          image: quay.io/brancz/kube-rbac-proxy:v0.18.0
          args: [--upstream=http://127.0.0.1:8080/]
        - name: manager
          args: [--metrics-bind-address=127.0.0.1:8080]
`;

describe('patch fragments', () => {
  it('are not audited as workloads: no workload verdict or finding, one warning line with file and line', () => {
    const r = audit({ resources: loadText(patch, 'config/default/manager_auth_proxy_patch.yaml').resources }, { checks: allChecks });
    // Checks of the object itself (its apiVersion) still run; nothing judges it as a workload.
    assert.deepEqual(r.verdicts.map((v) => [v.object.name, v.workloadClass, v.findings.length]), [['controller-manager', null, 0]]);
    assert.equal(r.summary.workloads, 0);
    const lines = r.problems.filter((p) => p.message.includes('not audited as a workload'));
    assert.deepEqual(lines, [
      {
        file: 'config/default/manager_auth_proxy_patch.yaml',
        line: 2,
        column: 1,
        level: 'warning',
        message: 'Deployment/controller-manager: not audited as a workload: container "manager" has no image, which the API server rejects, so it reads as a patch whose base is elsewhere (audit the folder of its kustomization.yaml, which applies it)',
      },
    ]);
  });

  it('the same object with its image is a workload like any other', () => {
    const whole = patch.replace('        - name: manager\n', '        - name: manager\n          image: registry.example.com/manager:1.0.0\n');
    const r = audit({ resources: loadText(whole, 'deploy.yaml').resources }, { checks: allChecks });
    assert.deepEqual(r.verdicts.map((v) => [v.object.name, v.workloadClass]), [['controller-manager', 'service']]);
    assert.deepEqual(r.problems, []);
  });

  it('an apps/v1 workload with no selector and no pod labels in a patch file is a fragment too; elsewhere, or with labels, it is audited', () => {
    const imagePatch = `apiVersion: apps/v1
kind: Deployment
metadata: {name: guestbook}
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/guestbook:2.0.0
`;
    for (const file of ['config/default/manager_image_patch.yaml', 'deploy/overlays/prod/guestbook-deployment.yaml', 'base/patches/guestbook.yaml']) {
      const r = audit({ resources: loadText(imagePatch, file).resources }, { checks: allChecks });
      assert.equal(r.summary.workloads, 0, file);
      assert.deepEqual(
        r.problems.map((p) => p.message),
        ['Deployment/guestbook: not audited as a workload: it has no spec.selector (required in apps/v1) and no pod labels, which the API server rejects, so it reads as a patch whose base is elsewhere (audit the folder of its kustomization.yaml, which applies it)'],
        file,
      );
    }
    const labelled = imagePatch.replace('  template:\n', '  template:\n    metadata: {labels: {app: guestbook}}\n');
    const beta = imagePatch.replace('apps/v1', 'apps/v1beta2');
    for (const [text, file] of [[imagePatch, 'deploy/guestbook.yaml'], [labelled, 'deploy/overlays/prod/patch.yaml'], [beta, 'deploy/patch.yaml']]) {
      const r = audit({ resources: loadText(text, file).resources }, { checks: allChecks });
      assert.equal(r.summary.workloads, 1, file);
      assert.ok(!r.problems.some((p) => p.message.includes('not audited as a workload')), file);
    }
  });
});

describe('built-in workloads without a pod spec the API server accepts', () => {
  const deploy = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
${spec}`;
  const errorsOf = (text: string, file = 'k8s/web.yaml') => {
    const r = audit({ resources: loadText(text, file).resources }, { checks: allChecks });
    return { r, lines: r.problems.filter((p) => p.level === 'error') };
  };

  it('a misspelt template is one error line at the misspelt key, naming the typo; the run counts an input error', () => {
    const { r, lines } = errorsOf(deploy(`  tempalte:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:latest, securityContext: {privileged: true}}]
`));
    assert.deepEqual(lines, [
      {
        file: 'k8s/web.yaml',
        line: 7,
        column: 3,
        level: 'error',
        message: 'Deployment/web has no spec.template (it has "tempalte": a typo of "template"?): the API server rejects it, and it is not audited',
      },
    ]);
    assert.equal(r.summary.inputErrors, 1);
    assert.equal(r.summary.workloads, 0);
  });

  it('names the first missing field, or what is wrong with the containers', () => {
    const msg = (text: string) => errorsOf(text).lines.map((l) => `${l.line}: ${l.message}`);
    assert.deepEqual(msg(deploy('').replace('  replicas: 2\n  selector: {matchLabels: {app: web}}\n', '  selector: {matchLabels: {app: web}}\n')), [
      '4: Deployment/web has no spec.template: the API server rejects it, and it is not audited',
    ]);
    assert.deepEqual(msg(deploy(`  template:\n    spec:\n      containers: oops\n`)), ['9: Deployment/web: spec.template.spec.containers is not a list: the API server rejects it, and it is not audited']);
    assert.deepEqual(msg(deploy(`  template:\n    spec:\n      containers: []\n`)), ['9: Deployment/web: spec.template.spec.containers is empty: the API server rejects it, and it is not audited']);
    assert.deepEqual(msg(deploy(`  template:\n    spec:\n      container: [{name: web, image: nginx:1.27}]\n`)), [
      '9: Deployment/web has no spec.template.spec.containers (it has "container": a typo of "containers"?): the API server rejects it, and it is not audited',
    ]);
    // Nothing says a CronJob without a template is meant whole (no selector to go by): a warning.
    const cron = errorsOf(`apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec: {}\n`).r;
    assert.deepEqual(cron.problems.map((p) => `${p.level} ${p.line}: ${p.message}`), [
      'warning 7: CronJob/nightly: not audited as a workload: it has no spec.jobTemplate.spec.template, which the API server rejects, so it reads as a patch whose base is elsewhere (audit the folder of its kustomization.yaml, which applies it)',
    ]);
  });

  it('one with no selector and nothing misspelt may be a patch: a warning line, not an error', () => {
    const r = audit({ resources: loadText(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata:\n      annotations: {sidecar.istio.io/inject: "true"}\n`, 'components/istio/sidecar.yaml').resources }, { checks: allChecks });
    assert.deepEqual(r.problems.map((p) => `${p.level} ${p.line}: ${p.message}`), [
      'warning 5: Deployment/web: not audited as a workload: it has no spec.template.spec, which the API server rejects, so it reads as a patch whose base is elsewhere (audit the folder of its kustomization.yaml, which applies it)',
    ]);
    assert.equal(r.summary.inputErrors, 0);
  });

  it('says nothing for patches, custom resources and workloads that are whole', () => {
    // $patch: delete (and other $patch directives) is patch syntax.
    assert.deepEqual(errorsOf(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n$patch: delete\n`).r.problems, []);
    // A strategic-merge patch need not repeat the template.
    assert.deepEqual(errorsOf(deploy(''), 'overlays/prod/replicas-patch.yaml').lines, []);
    assert.deepEqual(errorsOf(`apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {}\n`).lines, []);
    assert.deepEqual(errorsOf(deploy(`  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n`)).lines, []);
  });
});
