/**
 * The fixes of capabilities-added and capabilities-not-dropped (their findings are tested in
 * pss-baseline-container.test.ts and pss-restricted.test.ts): drop ALL; keep what the check accepts
 * of what the container adds; NET_BIND_SERVICE only where it binds a port below 1024 as root (or an
 * unknown user) and had the capability, since a non-root process keeps no added capability.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import added from '../../../src/checks/security/capabilities-added.js';
import notDropped from '../../../src/checks/security/capabilities-not-dropped.js';
import { allChecks } from '../../../src/checks/index.js';
import type { Check } from '../../../src/checks/types.js';
import { runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';

/** c20 of the fix review: a non-root StatefulSet that adds NET_BIND_SERVICE (useless to it) and SYS_PTRACE. */
const NONROOT = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      securityContext: {runAsUser: 999, runAsNonRoot: true}
      containers:
      - name: db
        image: postgres:16.4
        ports: [{containerPort: 80}, {containerPort: 5432}]
        securityContext:
          capabilities: {add: [NET_BIND_SERVICE, SYS_PTRACE]}
`;

/** Root containers on ports 80 and 443, one with no capabilities set at all. */
const ROOT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: shop}
spec:
  selector: {matchLabels: {app: edge}}
  template:
    metadata: {labels: {app: edge}}
    spec:
      containers:
      - name: proxy
        image: nginx:1.27
        ports: [{containerPort: 80}, {containerPort: 443}]
        securityContext:
          runAsUser: 0
          capabilities: {add: [NET_ADMIN, chown]}
      - name: plain
        image: nginx:1.27
        ports: [{name: http, containerPort: 80}]
`;

/**
 * One pod, several cases: an unknown user that already drops ALL (so has no NET_BIND_SERVICE to keep),
 * a root container on 8080 only, a pod that lowers ip_unprivileged_port_start (any process binds
 * port 80), and a VPN sidecar whose NET_ADMIN stays (capabilities-added reports it).
 */
const MIXED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: mixed, namespace: shop}
spec:
  selector: {matchLabels: {app: mixed}}
  template:
    metadata: {labels: {app: mixed}}
    spec:
      securityContext:
        sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]
      initContainers:
      - name: vpn
        image: wireguard:1.0
        restartPolicy: Always
        securityContext: {capabilities: {add: [NET_ADMIN]}}
      containers:
      - name: dropped
        image: app:1.0
        ports: [{containerPort: 8443}]
        securityContext: {capabilities: {drop: [ALL], add: [SYS_ADMIN]}}
      - name: high
        image: app:1.0
        ports: [{containerPort: 8080}]
        securityContext: {runAsUser: 0, capabilities: {add: [NET_BIND_SERVICE, SYS_TIME]}}
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
        securityContext: {capabilities: {add: [CAP_NET_BIND_SERVICE]}}
`;

/** The API server rejects allowPrivilegeEscalation: false with CAP_SYS_ADMIN: the fix removes it. */
const APE = `apiVersion: batch/v1
kind: CronJob
metadata: {name: mount, namespace: shop}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
          - name: setup
            image: busybox:1.36
            ports: [{containerPort: 21}]
            securityContext:
              allowPrivilegeEscalation: false
              capabilities: {add: [CAP_SYS_ADMIN, CAP_CHOWN]}
          containers:
          - {name: job, image: busybox:1.36}
`;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: "on", namespace: shop}
spec:
  containers:
  - name: "on"
    image: nginx:1.27
    ports: [{containerPort: 80}]
    securityContext: {capabilities: {drop: [all]}}
`;

const fixOf = (check: Check, text: string, container: string): string => {
  const f = runCheck(check, text).find((x) => x.container === container);
  assert.ok(f?.fixYaml, `${check.id}: a fix for ${container}`);
  return f.fixYaml;
};

/** The capabilities of each container of the (only) object of `text`, by name. */
function capsOf(text: string): Record<string, { drop?: string[]; add?: string[] }> {
  const [d] = yaml.loadAll(text) as Record<string, any>[];
  const spec = d.kind === 'Pod' ? d.spec : d.kind === 'CronJob' ? d.spec.jobTemplate.spec.template.spec : d.spec.template.spec;
  const out: Record<string, { drop?: string[]; add?: string[] }> = {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) out[c.name] = c.securityContext?.capabilities ?? {};
  return out;
}

/** Error-severity findings of every check, by check: a fix must not add any. */
function errors(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of allChecks) {
    const n = runCheck(c, text).filter((f) => f.severity === 'error' && !f.exempted).length;
    if (n) out[c.id] = n;
  }
  return out;
}

describe('capabilities-added: the fix', () => {
  it('a non-root container (c20): drop ALL, SYS_PTRACE removed, and no NET_BIND_SERVICE though it declares port 80: it would not keep it', () => {
    assert.equal(
      fixOf(added, NONROOT, 'db'),
      `spec:
  template:
    spec:
      containers:
      - name: db
        securityContext:
          capabilities:
            drop: [ALL]   # then add back only what the process provably needs
            add: null   # remove the list; without SYS_PTRACE; NET_BIND_SERVICE left out: it runs as non-root (runAsUser: 999), which keeps no added capability (Kubernetes sets no ambient ones); for port 80, listen on 1024 or more, or give the binary that file capability`,
    );
  });

  it('a root container on ports 80 and 443: the baseline capability it adds kept (chown spelled CHOWN), NET_ADMIN removed, NET_BIND_SERVICE added back after drop ALL', () => {
    assert.match(fixOf(added, ROOT, 'proxy'), /\n {12}add: \[CHOWN, NET_BIND_SERVICE\] {3}# without NET_ADMIN; NET_BIND_SERVICE: it declares ports 80 and 443 and runs as root \(runAsUser: 0\): without it, binding them fails once ALL is dropped$/);
  });

  it('NET_BIND_SERVICE left out where nothing binds a port below 1024, the pod lowers ip_unprivileged_port_start, or ALL was already dropped; a sidecar in initContainers', () => {
    const { fixed } = applyFixes(added, MIXED);
    assert.deepEqual(capsOf(fixed), {
      vpn: { drop: ['ALL'] },
      dropped: { drop: ['ALL'] },
      high: { drop: ['ALL'] },
      web: { drop: ['ALL'] },
    });
    assert.match(fixOf(added, MIXED, 'high'), /NET_BIND_SERVICE left out: it declares no port below 1024 \(keep it if it binds one\)$/);
    assert.match(fixOf(added, MIXED, 'web'), /NET_BIND_SERVICE left out: the pod's sysctl net\.ipv4\.ip_unprivileged_port_start: 0 lets any process bind port 80$/);
    assert.match(fixOf(added, MIXED, 'vpn'), /\n {6}initContainers:\n {6}- name: vpn\n/);
    // A root container on port 80 that already drops ALL has no NET_BIND_SERVICE to keep: none is added.
    const rootDropped = MIXED.replace('ports: [{containerPort: 8443}]', 'ports: [{containerPort: 80}]').replace('sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]', 'runAsUser: 0');
    assert.deepEqual(capsOf(applyFixes(added, rootDropped).fixed).dropped, { drop: ['ALL'] });
  });

  it('CAP_SYS_ADMIN beside allowPrivilegeEscalation: false (rejected by the API server) goes; CAP_CHOWN is kept as CHOWN; a CronJob\'s init container', () => {
    const fix = fixOf(added, APE, 'setup');
    assert.match(fix, /^spec:\n {2}jobTemplate:\n {4}spec:\n {6}template:\n {8}spec:\n {10}initContainers:\n {10}- name: setup\n/);
    assert.deepEqual(capsOf(applyFixes(added, APE).fixed).setup, { drop: ['ALL'], add: ['CHOWN', 'NET_BIND_SERVICE'] });
  });

  it('add: [ALL] on a root container on port 80: ALL removed, NET_BIND_SERVICE (which ALL gave it) kept', () => {
    const all = ROOT.replace('capabilities: {add: [NET_ADMIN, chown]}', 'capabilities: {drop: [ALL], add: [ALL]}');
    assert.deepEqual(capsOf(applyFixes(added, all).fixed).proxy, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  });

  it('a Windows pod: capabilities removed (the API server rejects them there)', () => {
    const win = NONROOT.replace('securityContext: {runAsUser: 999, runAsNonRoot: true}', 'os: {name: windows}');
    assert.equal(fixOf(added, win, 'db'), 'spec:\n  template:\n    spec:\n      containers:\n      - name: db\n        securityContext:\n          capabilities: null   # a Windows pod cannot set Linux capabilities');
    assert.deepEqual(applyFixes(added, win).after, []);
  });
});

describe('capabilities-not-dropped: the fix', () => {
  it('keeps what capabilities-added reports as it was (an exempted VPN sidecar keeps NET_ADMIN), removes the baseline ones restricted forbids', () => {
    assert.equal(fixOf(notDropped, MIXED, 'vpn'), 'spec:\n  template:\n    spec:\n      initContainers:\n      - name: vpn\n        securityContext:\n          capabilities:\n            drop: [ALL]   # NET_ADMIN as it was: capabilities-added reports it');
    assert.match(fixOf(notDropped, ROOT, 'proxy'), /\n {12}add: \[NET_ADMIN, NET_BIND_SERVICE\] {3}# without chown; NET_ADMIN as it was: capabilities-added reports it; NET_BIND_SERVICE: it declares ports 80 and 443 and runs as root/);
    assert.match(fixOf(notDropped, NONROOT, 'db'), /\n {12}add: \[SYS_PTRACE\] {3}# SYS_PTRACE as it was: capabilities-added reports it; NET_BIND_SERVICE left out: it runs as non-root \(runAsUser: 999\)/);
  });

  it('a container of unknown user on port 80 that had NET_BIND_SERVICE from the runtime\'s defaults gets it back; one that dropped "all" had none', () => {
    assert.match(fixOf(notDropped, ROOT, 'plain'), /\n {12}drop: \[ALL\]\n {12}add: \[NET_BIND_SERVICE\] {3}# NET_BIND_SERVICE: it declares port 80 and may run as root \(no runAsUser or runAsNonRoot: the image's USER decides\): without it, binding it fails once ALL is dropped$/);
    assert.match(fixOf(notDropped, POD, 'on'), /^# a Pod's spec cannot change once created.*\nspec:\n {2}containers:\n {2}- name: "on"\n {4}securityContext:\n {6}capabilities:\n {8}drop: \[ALL\]$/);
  });

  it('CAP_SYS_ADMIN beside allowPrivilegeEscalation: false is not kept (the API server rejects the pair)', () => {
    assert.match(fixOf(notDropped, APE, 'setup'), /add: \[NET_BIND_SERVICE\] {3}# without CAP_SYS_ADMIN and CAP_CHOWN \(the API server rejects CAP_SYS_ADMIN with allowPrivilegeEscalation: false\)/);
    // Without allowPrivilegeEscalation: false it stays, as written.
    const plain = APE.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true');
    assert.deepEqual(capsOf(applyFixes(notDropped, plain).fixed).setup, { drop: ['ALL'], add: ['CAP_SYS_ADMIN', 'NET_BIND_SERVICE'] });
  });
});

describe('capabilities fixes applied', () => {
  for (const [name, text] of Object.entries({ NONROOT, ROOT, MIXED, APE, POD })) {
    for (const check of [added, notDropped]) {
      it(`${check.id} on ${name}: every finding's fix clears them, and no check finds a new error`, () => {
        const { before, after, fixed } = applyFixes(check, text);
        if (check === added && name === 'POD') assert.equal(before.length, 0);
        else assert.ok(before.length > 0, `${check.id} fires on ${name}`);
        assert.deepEqual(after.map((f) => `${f.container}: ${f.message}`), [], fixed);
        const was = errors(text);
        for (const [id, n] of Object.entries(errors(fixed))) assert.ok(n <= (was[id] ?? 0), `${id}: ${n} errors after the fix, ${was[id] ?? 0} before:\n${fixed}`);
      });
    }
  }

  it('where both fire and agree on capabilities.add (the VPN sidecar), their fixes applied in either order clear both', () => {
    const vpn = MIXED.replace(/ {6}containers:[\s\S]*$/, '      containers:\n      - {name: app, image: app:1.0, securityContext: {capabilities: {drop: [ALL]}}}\n');
    for (const [first, second] of [
      [added, notDropped],
      [notDropped, added],
    ]) {
      const one = applyFixes(first, vpn).fixed;
      const two = applyFixes(second, one).fixed;
      assert.deepEqual([...runCheck(added, two), ...runCheck(notDropped, two)], [], two);
      assert.deepEqual(capsOf(two).vpn, { drop: ['ALL'] });
    }
  });
});
