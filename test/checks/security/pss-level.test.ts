import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checks } from '../../../src/checks/security/index.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit } from '../../../src/engine/audit.js';
import { runCheck } from '../../helpers/check-tester.js';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function verdicts(yaml: string) {
  const loaded = loadText(yaml, 'test.yaml');
  const report = audit({ resources: loaded.resources, problems: [] }, { checks });
  assert.deepEqual(report.problems.filter((p) => p.message.startsWith('internal:')), []);
  return report.verdicts;
}

const RESTRICTED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: good}
spec:
  replicas: 2
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      initContainers:
        - name: proxy
          image: envoy:v1.31.0@${DIGEST}
          restartPolicy: Always
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
      containers:
        - name: app
          image: registry.example.com/app:1.4.2@${DIGEST}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
          env:
            - {name: LOG_LEVEL, value: info}
          volumeMounts: [{name: tmp, mountPath: /tmp}]
      volumes:
        - {name: tmp, emptyDir: {}}
`;

describe('security checks together', () => {
  it('ids are unique kebab-case and every PSS check has a level', () => {
    const ids = checks.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const c of checks) {
      assert.match(c.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.equal(c.pillar, 'security');
      assert.ok(c.fix.yaml.trim().length > 0 && c.whatBreaks.length > 0, c.id);
    }
    assert.equal(checks.filter((c) => c.pss === 'baseline').length, 12);
    assert.equal(checks.filter((c) => c.pss === 'restricted').length, 6);
  });

  it('a hardened workload has no security findings and meets restricted', () => {
    const [v] = verdicts(RESTRICTED);
    assert.deepEqual(v.findings.map((f) => `${f.check}: ${f.message}`), []);
    assert.equal(v.podSecurity, 'restricted');
  });

  it('a workload missing only restricted controls meets baseline', () => {
    const [v] = verdicts(`apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
`);
    assert.equal(v.podSecurity, 'baseline');
    assert.deepEqual(
      v.findings.filter((f) => f.check !== 'image-not-pinned-by-digest' && f.check !== 'read-only-root-filesystem').map((f) => f.check).sort(),
      ['capabilities-not-dropped', 'privilege-escalation', 'run-as-non-root', 'seccomp-profile-missing'],
    );
  });

  it('one baseline violation makes the workload privileged', () => {
    const [v] = verdicts(RESTRICTED.replace('      securityContext:\n        runAsNonRoot', '      hostPID: true\n      securityContext:\n        runAsNonRoot'));
    assert.deepEqual(v.findings.map((f) => f.check), ['host-namespaces']);
    assert.equal(v.podSecurity, 'privileged');
  });

  it('never throws on fragments, patches and odd shapes', () => {
    const odd = `apiVersion: apps/v1
kind: Deployment
metadata: {name: patch}
spec:
  template:
    metadata: {annotations: "x"}
    spec:
      securityContext: 7
      volumes: {a: b}
      containers:
        - name: app
          image: x:1
          securityContext:
            capabilities: {add: "SYS_ADMIN", drop: ALL}
            seLinuxOptions: "spc_t"
            seccompProfile: Unconfined
            windowsOptions: []
          ports: "80"
          env:
            - "DB_PASSWORD=x"
            - {name: 5, value: x}
          livenessProbe: {httpGet: null}
        - image: 42
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: null
  initContainers: "none"
  containers:
    - {name: a, image: "x:1", securityContext: {sysctls: [1, 2]}}
`;
    // Both objects are audited (a container without an image would make them patch fragments).
    assert.equal(checks.reduce((n, c) => n + runCheck(c, odd).length, 0) > 0, true);
  });
});
