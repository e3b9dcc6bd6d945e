import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { load as loadYaml } from 'js-yaml';
import check from '../../../src/checks/security/privileged-container.js';
import { expectFindings } from '../../helpers/check-tester.js';

// The fixes of privileged-container (the messages are tested in pss-baseline-container.test.ts).

describe('privileged-container: fixes', () => {
  const daemonSet = (caps: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: csi-node, namespace: storage}
spec:
  template:
    spec:
      initContainers:
        - name: mount-setup
          image: csi:1.0
          securityContext:
            privileged: true
${caps}      containers:
        - name: driver
          image: csi:1.0
          securityContext: {privileged: true}
`;

  it('names the container and its path, and sets allowPrivilegeEscalation: false when it adds no SYS_ADMIN', () => {
    const found = expectFindings(check, daemonSet(''), [{ container: 'mount-setup' }, { container: 'driver' }]);
    assert.equal(
      found[0].fix,
      'Remove privileged: true from spec.template.spec.initContainers[0].securityContext of init container "mount-setup" and set allowPrivilegeEscalation: false and capabilities.drop: ["ALL"]; if the process needs one kernel capability, add only that one under capabilities.add.',
    );
    assert.match(found[1].fix ?? '', /^Remove privileged: true from spec\.template\.spec\.containers\[0\]\.securityContext of container "driver" and set allowPrivilegeEscalation: false/);
  });

  it('with SYS_ADMIN or CAP_SYS_ADMIN added, never allowPrivilegeEscalation: false (the API server rejects it beside CAP_SYS_ADMIN), and says why', () => {
    for (const cap of ['CAP_SYS_ADMIN', 'SYS_ADMIN']) {
      const found = expectFindings(check, daemonSet(`            capabilities:\n              add: ["${cap}", "NET_ADMIN"]\n`), [{ container: 'mount-setup' }, { container: 'driver' }]);
      assert.equal(
        found[0].fix,
        `Remove privileged: true from spec.template.spec.initContainers[0].securityContext of init container "mount-setup" and set capabilities.drop: ["ALL"], keeping the ${cap} it adds only if it really needs it; leave allowPrivilegeEscalation unset: with CAP_SYS_ADMIN the container can escalate anyway, and the API server rejects allowPrivilegeEscalation: false beside capabilities.add CAP_SYS_ADMIN.`,
      );
      assert.doesNotMatch(found[0].fix ?? '', /set allowPrivilegeEscalation: false/);
      // The other container adds nothing: its fix keeps allowPrivilegeEscalation: false.
      assert.match(found[1].fix ?? '', /set allowPrivilegeEscalation: false/);
    }
  });

  it('the documentation YAML parses and warns about CAP_SYS_ADMIN', () => {
    const doc = loadYaml(check.fix.yaml) as { containers: { securityContext: { privileged: boolean } }[] };
    assert.equal(doc.containers[0].securityContext.privileged, false);
    assert.match(check.fix.yaml, /allowPrivilegeEscalation: false {3}# leave out if the container keeps CAP_SYS_ADMIN/);
    assert.match(check.fix.text, /unless that capability is SYS_ADMIN/);
  });
});
