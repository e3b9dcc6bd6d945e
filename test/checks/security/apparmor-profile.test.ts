import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { load as loadYaml } from 'js-yaml';
import check from '../../../src/checks/security/apparmor-profile.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// The fixes of apparmor-profile (the messages are tested in pss-baseline-container.test.ts).

const daemonSet = (annotations: string, podSC = '', containerSC = '') => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-debugger, namespace: ops}
spec:
  selector: {matchLabels: {app: dbg}}
  template:
    metadata:
      labels: {app: dbg}
      annotations:
${annotations}    spec:
${podSC}      containers:
        - name: debugger
          image: debugger:1.0
${containerSC}`;

describe('apparmor-profile: fixes', () => {
  it('an unconfined annotation: delete it (by its real key and path), the field only after', () => {
    const text = daemonSet('        container.apparmor.security.beta.kubernetes.io/debugger: unconfined\n');
    const [f] = expectFindings(check, text, [{ container: 'debugger' }]);
    assert.equal(
      f.fix,
      'Delete the annotation container.apparmor.security.beta.kubernetes.io/debugger from spec.template.metadata.annotations: container "debugger" then gets the runtime\'s default AppArmor profile. Setting securityContext.appArmorProfile.type: RuntimeDefault as well is optional, and works only once the annotation is gone: the API server rejects an annotation and a field that disagree ("apparmor type in annotation and field must match").',
    );
    // Applying it silences the check, with or without the field.
    const fixed = text.replace('        container.apparmor.security.beta.kubernetes.io/debugger: unconfined\n', '        team: ops\n');
    expectNone(check, fixed);
    expectNone(check, fixed.replace('          image: debugger:1.0\n', '          image: debugger:1.0\n          securityContext: {appArmorProfile: {type: RuntimeDefault}}\n'));
  });

  it("a bare Pod's annotation lives at metadata.annotations", () => {
    const [f] = expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/shell: unconfined
spec:
  containers: [{name: shell, image: busybox:1.36}]
`,
      [{ container: 'shell' }],
    );
    assert.match(f.fix ?? '', /^Delete the annotation container\.apparmor\.security\.beta\.kubernetes\.io\/shell from metadata\.annotations: container "shell"/);
  });

  it('an Unconfined field: remove it or set RuntimeDefault, after deleting the annotations that would contradict RuntimeDefault', () => {
    const containerField = '          securityContext:\n            appArmorProfile: {type: Unconfined}\n';
    const [only] = expectFindings(check, daemonSet('        team: ops\n', '', containerField), [{ container: 'debugger' }]);
    assert.equal(only.fix, 'Remove appArmorProfile from the securityContext of container "debugger" (spec.template.spec.containers[0].securityContext), or set its type to RuntimeDefault.');

    const withAnnotation = daemonSet('        container.apparmor.security.beta.kubernetes.io/debugger: unconfined\n', '', containerField);
    const found = expectFindings(check, withAnnotation, [{ message: 'annotation' }, { message: 'appArmorProfile.type' }]);
    assert.equal(
      found[1].fix,
      'Remove appArmorProfile from the securityContext of container "debugger" (spec.template.spec.containers[0].securityContext), or set its type to RuntimeDefault; before setting RuntimeDefault, delete the annotation container.apparmor.security.beta.kubernetes.io/debugger from spec.template.metadata.annotations: the API server rejects an annotation and a field that disagree ("apparmor type in annotation and field must match").',
    );

    // Pod level: only containers without their own profile inherit it; runtime/default agrees with RuntimeDefault.
    const podField = '      securityContext:\n        appArmorProfile: {type: Unconfined}\n';
    const [pod] = expectFindings(check, daemonSet('        container.apparmor.security.beta.kubernetes.io/debugger: localhost/custom\n', podField), [{ message: 'pod securityContext' }]);
    assert.equal(
      pod.fix,
      'Remove appArmorProfile from the pod securityContext (spec.template.spec.securityContext), or set its type to RuntimeDefault; before setting RuntimeDefault, delete the annotation container.apparmor.security.beta.kubernetes.io/debugger from spec.template.metadata.annotations: the API server rejects an annotation and a field that disagree ("apparmor type in annotation and field must match").',
    );
    const [agrees] = expectFindings(check, daemonSet('        container.apparmor.security.beta.kubernetes.io/debugger: runtime/default\n', podField), [{ message: 'pod securityContext' }]);
    assert.equal(agrees.fix, 'Remove appArmorProfile from the pod securityContext (spec.template.spec.securityContext), or set its type to RuntimeDefault.');
  });

  it('the documentation YAML parses and says to delete the annotation, not to set the field next to it', () => {
    const doc = loadYaml(check.fix.yaml) as { spec: { template: { spec: { securityContext: { appArmorProfile: { type: string } } } } } };
    assert.equal(doc.spec.template.spec.securityContext.appArmorProfile.type, 'RuntimeDefault');
    assert.match(check.fix.yaml, /Delete the deprecated annotation/);
    assert.match(check.fix.text, /delete the container\.apparmor\.security\.beta\.kubernetes\.io\/<container> annotation/);
    assert.doesNotMatch(check.fix.text, /, or set appArmorProfile\.type to RuntimeDefault\.$/);
  });
});

describe('apparmor-profile: a value that is not a profile name', () => {
  it('says the API server rejects the object, with its error and the path it names (a template drops "metadata"; a Pod keeps it)', () => {
    const [f] = expectFindings(check, daemonSet('        container.apparmor.security.beta.kubernetes.io/debugger: docker-default\n'), [{ container: 'debugger', severity: 'error' }]);
    assert.match(f.message, /"docker-default" is not an AppArmor profile name \(runtime\/default, unconfined or localhost\/<profile>\): the API server rejects the DaemonSet \(spec\.template\.annotations\[container\.apparmor\.security\.beta\.kubernetes\.io\/debugger\]: Invalid value: "docker-default": invalid AppArmor profile name: "docker-default"\)/);
    const [p] = expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata:
  name: dbg
  annotations: {container.apparmor.security.beta.kubernetes.io/debugger: Unconfined}
spec:
  containers: [{name: debugger, image: "debugger:1.0"}]
`,
      [{ container: 'debugger' }],
    );
    // The profile names are case-sensitive: "Unconfined" (the field's spelling) is not one.
    assert.match(p.message, /the API server rejects the Pod \(metadata\.annotations\[container\.apparmor\.security\.beta\.kubernetes\.io\/debugger\]: Invalid value: "Unconfined"/);
  });

  it('keeps the PodSecurity wording for unconfined, which the API server accepts', () => {
    const [f] = expectFindings(check, daemonSet('        container.apparmor.security.beta.kubernetes.io/debugger: unconfined\n'), [{ container: 'debugger' }]);
    assert.match(f.message, /runs container "debugger" without the runtime's default AppArmor profile/);
    assert.doesNotMatch(f.message, /rejects/);
  });
});
