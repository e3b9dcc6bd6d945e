import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import escalation from '../../../src/checks/security/privilege-escalation.js';
import seccompMissing from '../../../src/checks/security/seccomp-profile-missing.js';
import capsNotDropped from '../../../src/checks/security/capabilities-not-dropped.js';
import readOnlyRoot from '../../../src/checks/security/read-only-root-filesystem.js';
import runAsNonRoot from '../../../src/checks/security/run-as-non-root.js';
import { checks } from '../../../src/checks/security/index.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit } from '../../../src/engine/audit.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// A Windows node agent as charts write it: pinned by nodeSelector, no spec.os.name, two containers.
const BY_SELECTOR = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: win-exporter}
spec:
  selector: {matchLabels: {app: win-exporter}}
  template:
    metadata: {labels: {app: win-exporter}}
    spec:
      nodeSelector:
        kubernetes.io/os: windows
      containers:
        - name: exporter
          image: example.com/windows-exporter:0.25.1
        - name: reloader
          image: example.com/reloader:1.2.0
`;

const BY_AFFINITY = `apiVersion: v1
kind: Pod
metadata: {name: iis}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: kubernetes.io/os, operator: In, values: [windows]}
              - {key: node.kubernetes.io/windows-build, operator: In, values: ["10.0.20348"]}
  containers:
    - name: iis
      image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
`;

describe('Windows pods pinned by scheduling, without spec.os.name', () => {
  it('get one finding per restricted control asking for spec.os.name: windows, not per-container Linux fixes', () => {
    for (const [check, control] of [
      [seccompMissing, 'seccomp profiles do not exist'],
      [capsNotDropped, 'Linux capabilities do not exist'],
      [escalation, 'allowPrivilegeEscalation does not exist'],
    ] as const) {
      const [f] = expectFindings(check, BY_SELECTOR, [
        {
          line: 8,
          message: `the pod runs only on Windows nodes (nodeSelector kubernetes.io/os: windows), where ${control}, but it does not set spec.os.name: windows, so PodSecurity restricted still requires it of "exporter", "reloader"; set spec.os.name: windows`,
        },
      ]);
      assert.equal(f.container ?? null, null);
      assert.equal(f.field, 'spec.template.spec.os.name');
    }
  });

  it('reads required node affinity when every term asks for Windows', () => {
    expectFindings(seccompMissing, BY_AFFINITY, [{ line: 4, message: '(required node affinity kubernetes.io/os In [windows])' }]);
    // One term allows Linux too: the pod may land on Linux, so the Linux fix stands.
    const either = BY_AFFINITY.replace(
      '              - {key: node.kubernetes.io/windows-build, operator: In, values: ["10.0.20348"]}\n',
      '          - matchExpressions:\n              - {key: kubernetes.io/os, operator: In, values: [linux]}\n',
    );
    expectFindings(seccompMissing, either, [{ line: 14, container: 'iis', message: 'container "iis": seccompProfile is not set' }]);
    // The beta label is named as written.
    expectFindings(seccompMissing, BY_AFFINITY.replace('{key: kubernetes.io/os,', '{key: beta.kubernetes.io/os,'), [{ line: 4, message: '(required node affinity beta.kubernetes.io/os In [windows])' }]);
    // A Linux nodeSelector next to Windows affinity: the pod fits no node; it is not called a Windows pod.
    expectFindings(seccompMissing, BY_AFFINITY.replace('spec:\n  affinity:', 'spec:\n  nodeSelector: {kubernetes.io/os: linux}\n  affinity:'), [{ line: 14, container: 'iis', message: 'container "iis": seccompProfile is not set' }]);
    // In [windows, linux] does not pin it either.
    expectFindings(seccompMissing, BY_AFFINITY.replace('values: [windows]', 'values: [windows, linux]'), [{ line: 13, container: 'iis', message: 'container "iis": seccompProfile is not set' }]);
  });

  it('says nothing when the controls are met anyway, or when spec.os.name is set', () => {
    expectNone(
      escalation,
      BY_SELECTOR.replace(/image: (.*)\n/g, 'image: $1\n          securityContext: {allowPrivilegeEscalation: false}\n'),
    );
    const named = BY_SELECTOR.replace('      nodeSelector:', '      os: {name: windows}\n      nodeSelector:');
    for (const check of [seccompMissing, capsNotDropped, escalation, readOnlyRoot]) expectNone(check, named);
  });

  it('a Linux pin keeps the per-container findings', () => {
    expectFindings(escalation, BY_SELECTOR.replace('kubernetes.io/os: windows', 'kubernetes.io/os: linux'), [
      { line: 12, container: 'exporter', message: 'container "exporter": allowPrivilegeEscalation is not set' },
      { line: 14, container: 'reloader', message: 'container "reloader": allowPrivilegeEscalation is not set' },
    ]);
  });

  it('read-only-root-filesystem skips them; run-as-non-root names the Windows user instead of a UID', () => {
    expectNone(readOnlyRoot, BY_SELECTOR);
    expectNone(readOnlyRoot, BY_AFFINITY);
    expectFindings(runAsNonRoot, BY_AFFINITY, [
      {
        line: 13,
        container: 'iis',
        message: 'ContainerAdministrator in most Windows images; set runAsNonRoot: true with windowsOptions.runAsUserName: ContainerUser (runAsUser is Linux-only)',
      },
    ]);
  });

  it('the Pod Security level stays what PodSecurity enforces: not restricted', () => {
    const loaded = loadText(BY_SELECTOR, 'win.yaml');
    const [v] = audit({ resources: loaded.resources, problems: [] }, { checks }).verdicts;
    assert.equal(v.podSecurity, 'baseline');
    const named = loadText(BY_SELECTOR.replace('      nodeSelector:', '      os: {name: windows}\n      nodeSelector:'), 'win.yaml');
    const [n] = audit({ resources: named.resources, problems: [] }, { checks }).verdicts;
    // Still not restricted (runAsNonRoot is unset), but no longer for the Linux-only controls.
    assert.deepEqual(
      n.findings.filter((f) => ['seccomp-profile-missing', 'capabilities-not-dropped', 'privilege-escalation'].includes(f.check)),
      [],
    );
  });
});
