import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/security/pod-security-enforce-rejects.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

/** A Namespace object (7 lines with the `---`), labelled as given. */
const ns = (labels: string, name = 'shop') => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
${labels}
---
`;
const ENFORCE_RESTRICTED = '    pod-security.kubernetes.io/enforce: restricted';

/**
 * A Deployment that meets restricted (starts on line 8 after ns()): pod-level runAsNonRoot and
 * seccomp, every container (a native sidecar too) with allowPrivilegeEscalation: false and drop ALL.
 * `ape` is the app container's allowPrivilegeEscalation line (line 31), `pod` extra PodSpec lines.
 */
const deploy = ({ ape = '            allowPrivilegeEscalation: false\n', pod = '', namespace = 'namespace: shop', kind = 'Deployment' } = {}) => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: web, ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      initContainers:
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
          restartPolicy: Always
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
      containers:
        - name: app
          image: registry.example.com/shop/web:1.4.2
          securityContext:
${ape}            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
      volumes:
        - {name: tmp, emptyDir: {}}
${pod}`;

const TAIL = ': every pod it creates is rejected (ReplicaSet FailedCreate: violates PodSecurity "restricted:latest")';

/** Audit several files (paths decide the folders) with this check alone. */
function auditFiles(files: Record<string, string>, namespace?: string) {
  const plan = loadPlan([check]);
  const resources = Object.entries(files).flatMap(([file, text]) => loadText(text, file, plan).resources);
  return audit({ resources, problems: [] }, { checks: [check], namespace }).verdicts.flatMap((v) => v.findings);
}

describe('pod-security-enforce-rejects', () => {
  it('is silent for a Deployment that meets restricted in a restricted namespace', () => {
    expectNone(check, ns(ENFORCE_RESTRICTED) + deploy());
  });

  it('fires when a single control is missing, naming it, the namespace, the level and the ReplicaSet failure', () => {
    const [f] = expectFindings(check, ns(ENFORCE_RESTRICTED) + deploy({ ape: '' }), [
      {
        line: 30,
        severity: 'error',
        container: 'app',
        object: 'web',
        message: `namespace "shop" enforces PodSecurity restricted (pod-security.kubernetes.io/enforce: restricted) and the pod template violates allowPrivilegeEscalation != false (container "app")${TAIL}`,
      },
    ]);
    assert.equal(f.related.length, 1);
    assert.equal(f.related[0].object.kind, 'Namespace');
    assert.equal(f.related[0].object.name, 'shop');
    assert.equal(f.related[0].location.line, 6);
    assert.equal(f.related[0].note, 'enforces PodSecurity restricted');
  });

  it('lists the first three controls in PodSecurity order (baseline first) and counts the rest', () => {
    const yaml = ns(ENFORCE_RESTRICTED) + `apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: registry.example.com/agent:2.0.1
          securityContext:
            privileged: true
            runAsUser: 0
        - name: web
          image: registry.example.com/web:2.0.1
      volumes:
        - name: logs
          hostPath: {path: /var/log}
`;
    // host namespaces, privileged, allowPrivilegeEscalation, unrestricted capabilities, restricted volume
    // types, runAsNonRoot, runAsUser, seccompProfile: privileged containers too, as PodSecurity lists them.
    expectFindings(check, yaml, [
      {
        line: 16,
        message:
          'the pod template violates host namespaces (hostNetwork=true), privileged (container "agent"), allowPrivilegeEscalation != false (containers "agent", "web") and 5 more controls: every pod it creates is rejected (ReplicaSet FailedCreate: violates PodSecurity "restricted:latest")',
      },
    ]);
  });

  it('at baseline lists only baseline controls, and is silent when only restricted ones are missing', () => {
    const baseline = ns('    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: restricted');
    expectNone(check, baseline + deploy({ ape: '', pod: '      hostNetwork: false\n' }).replace('        runAsNonRoot: true\n', ''));
    expectFindings(check, baseline + deploy({ ape: '', pod: '      hostNetwork: true\n      securityContext: {sysctls: [{name: kernel.msgmax, value: "65536"}]}\n' }).replace(/      securityContext:\n        runAsNonRoot: true\n        seccompProfile: \{type: RuntimeDefault\}\n/, ''), [
      {
        line: 32,
        message: 'enforces PodSecurity baseline (pod-security.kubernetes.io/enforce: baseline) and the pod template violates host namespaces (hostNetwork=true), forbidden sysctls (kernel.msgmax): every pod it creates is rejected (ReplicaSet FailedCreate: violates PodSecurity "baseline:latest")',
      },
    ]);
  });

  it('says how each kind fails: a bare Pod at apply, controllers through FailedCreate', () => {
    const ape = (name: string) => `        - name: ${name}\n          image: registry.example.com/${name}:1.0.0\n          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL]}}\n`;
    const yaml = ns(ENFORCE_RESTRICTED) + `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  containers:
${ape('debug')}---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
${ape('db')}---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node, namespace: shop}
spec:
  selector: {matchLabels: {app: node}}
  template:
    metadata: {labels: {app: node}}
    spec:
      containers:
${ape('node')}---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
${ape('migrate')}---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
${ape('report').replace(/^ {8}/gm, '            ')}`;
    const v = 'violates PodSecurity "restricted:latest")';
    expectFindings(check, yaml, [
      { object: 'debug', line: 15, message: `and the Pod violates allowPrivilegeEscalation != false (container "debug"): the API server rejects the Pod when it is applied (Forbidden: ${v}` },
      { object: 'db', line: 29, message: `: every pod it creates is rejected (StatefulSet FailedCreate: ${v}` },
      { object: 'node', line: 42, message: `: every pod it creates is rejected (DaemonSet FailedCreate: ${v}` },
      { object: 'migrate', line: 54, message: `: every pod it creates is rejected (Job FailedCreate: ${v}` },
      { object: 'report', line: 69, message: `: every pod of the Jobs it creates is rejected (Job FailedCreate: ${v}` },
    ]);
  });

  it('names enforce-version and skips the host probes control before v1.34', () => {
    const probe = deploy().replace('            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n', '            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n          readinessProbe: {httpGet: {host: 169.254.169.254, path: /, port: 80}}\n');
    const versioned = (v: string) => ns(`${ENFORCE_RESTRICTED}\n    pod-security.kubernetes.io/enforce-version: ${v}`);
    expectNone(check, versioned('v1.30') + probe);
    const [f] = expectFindings(check, versioned('v1.34') + probe, [
      {
        line: 34,
        message: 'enforces PodSecurity restricted (pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.34) and the pod template violates probe or lifecycle host (container "app"): every pod it creates is rejected (ReplicaSet FailedCreate: violates PodSecurity "restricted:v1.34")',
      },
    ]);
    assert.deepEqual(f.related.map((r) => [r.location.line, r.note]), [[6, 'enforces PodSecurity restricted'], [7, 'policy version v1.34']]);
    expectFindings(check, versioned('v1.30') + deploy({ ape: '' }), [{ line: 31, message: 'violates PodSecurity "restricted:v1.30"' }]);
    expectFindings(check, versioned('latest') + deploy({ ape: '' }), [{ line: 31, message: 'violates PodSecurity "restricted:latest"' }]);
    // Before v1.23 (controls missing), invalid (the API server refuses such a Namespace) or templated: not evaluated.
    for (const v of ['v1.22', '1.30', 'v1.030', '"${PSS_VERSION}"']) expectNone(check, versioned(v) + deploy({ ape: '' }));
  });

  it('is silent without an enforced level: no label, privileged, warn/audit only, templated or invalid values', () => {
    const bad = deploy({ ape: '' });
    for (const labels of [
      '    team: shop',
      '    pod-security.kubernetes.io/enforce: privileged',
      '    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: restricted',
      '    pod-security.kubernetes.io/enforce: "{{ .Values.podSecurityLevel }}"',
      '    pod-security.kubernetes.io/enforce: ${PSS_LEVEL}',
      '    pod-security.kubernetes.io/enforce: Restricted',
    ]) {
      expectNone(check, ns(labels) + bad);
    }
    expectNone(check, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n' + bad);
  });

  it('applies only the Namespace of the workload, with the deployedWith scope rules', () => {
    const bad = deploy({ ape: '' });
    // Another name.
    expectNone(check, ns(ENFORCE_RESTRICTED, 'payments') + bad);
    // Namespace-less workload: the Namespace "default" of the same folder applies, one of another folder does not.
    const nsless = deploy({ ape: '', namespace: 'labels: {app: web}' });
    expectFindings(check, ns(ENFORCE_RESTRICTED, 'default') + nsless, [{ line: 30, message: 'namespace "default" enforces PodSecurity restricted' }]);
    assert.equal(auditFiles({ 'base/namespace.yaml': ns(ENFORCE_RESTRICTED, 'default'), 'apps/web.yaml': nsless }).length, 0);
    assert.equal(auditFiles({ 'base/namespace.yaml': ns(ENFORCE_RESTRICTED, 'default'), 'base/web.yaml': nsless }).length, 1);
    // -n shop: namespace-less manifests land in shop, wherever its Namespace object is.
    assert.equal(auditFiles({ 'base/namespace.yaml': ns(ENFORCE_RESTRICTED), 'apps/web.yaml': nsless }, 'shop').length, 1);
    // A workload that names its namespace is in it, wherever the Namespace object is.
    assert.equal(auditFiles({ 'common/namespace.yaml': ns(ENFORCE_RESTRICTED), 'apps/web.yaml': bad }).length, 1);
    // Two Namespace objects of that name that disagree (a base and an overlay): unknown which applies.
    assert.equal(auditFiles({ 'base/namespace.yaml': ns(ENFORCE_RESTRICTED), 'overlays/dev/namespace.yaml': ns('    pod-security.kubernetes.io/enforce: privileged'), 'apps/web.yaml': bad }).length, 0);
    assert.equal(auditFiles({ 'base/namespace.yaml': ns(ENFORCE_RESTRICTED), 'overlays/dev/namespace.yaml': ns('    team: shop'), 'apps/web.yaml': bad }).length, 0);
  });

  it('ignores what PodSecurity does not see: injected containers, templated fields, patches, invalid templates, custom resources, live Pods', () => {
    const restricted = ns(ENFORCE_RESTRICTED);
    // Istio's image: auto placeholder is replaced by the injector before PodSecurity runs; the same
    // container with a real image is checked.
    const sidecar = (image: string) =>
      restricted +
      deploy()
        .replace('      volumes:\n', `        - name: istio-proxy\n          image: ${image}\n      volumes:\n`)
        .replace('metadata: {labels: {app: web}}', "metadata: {labels: {app: web, sidecar.istio.io/inject: 'true'}}");
    expectNone(check, sidecar('auto'));
    expectFindings(check, sidecar('istio/proxyv2:1.24.0'), [{ line: 33, message: 'allowPrivilegeEscalation != false (container "istio-proxy"), unrestricted capabilities (container "istio-proxy"): every pod' }]);
    // Template text in the offending field or one of its parents; the literal values fire.
    expectNone(check, restricted + deploy({ ape: '            allowPrivilegeEscalation: ${ALLOW_ESCALATION}\n' }));
    expectFindings(check, restricted + deploy({ ape: '            allowPrivilegeEscalation: true\n' }), [{ line: 31, message: 'allowPrivilegeEscalation != false (container "app")' }]);
    const appSC = / {10}securityContext:\n {12}allowPrivilegeEscalation: false\n {12}capabilities: \{drop: \[ALL\], add: \[NET_BIND_SERVICE\]\}\n/;
    assert.match(deploy(), appSC);
    expectNone(check, restricted + deploy().replace(appSC, '          securityContext: ${APP_SECURITY_CONTEXT}\n'));
    expectFindings(check, restricted + deploy().replace(appSC, '          securityContext: {}\n'), [
      { line: 30, message: 'allowPrivilegeEscalation != false (container "app"), unrestricted capabilities (container "app"): every pod' },
    ]);
    // A Kustomize patch read as a file: no selector (its image set, so the check's own guard is tested).
    expectNone(check, restricted + `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/web:1.4.2
          args: [--debug=false]
`);
    expectFindings(check, restricted + `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/web:1.4.2
          args: [--debug=false]
`, [{ line: 16, message: 'allowPrivilegeEscalation != false (container "app"), unrestricted capabilities (container "app"), runAsNonRoot != true (container "app") and 1 more control' }]);
    // A Windows template with a field Windows pods cannot have: the API server rejects the Deployment itself.
    expectNone(check, restricted + deploy({ pod: '      os: {name: windows}\n' }).replace('        runAsNonRoot: true\n', ''));
    // A custom resource whose operator builds the pods.
    expectNone(check, restricted + deploy({ ape: '', kind: 'Workbench' }).replace('apps/v1', 'example.com/v1'));
    // A live Pod exists: it was admitted (before the label, or exempt).
    expectNone(check, restricted + `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  containers:
    - {name: debug, image: busybox:1.36}
status:
  phase: Running
`);
  });

  it('keeps Windows pods that PodSecurity exempts from the Linux-only controls', () => {
    const win = ns(ENFORCE_RESTRICTED) + `apiVersion: apps/v1
kind: Deployment
metadata: {name: iis, namespace: shop}
spec:
  selector: {matchLabels: {app: iis}}
  template:
    metadata: {labels: {app: iis}}
    spec:
      os: {name: windows}
      securityContext:
        windowsOptions: {runAsUserName: ContainerUser}
RUN_AS_NON_ROOT      containers:
        - name: iis
          image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
`;
    expectNone(check, win.replace('RUN_AS_NON_ROOT', '        runAsNonRoot: true\n'));
    expectFindings(check, win.replace('RUN_AS_NON_ROOT', ''), [{ line: 20, message: 'violates runAsNonRoot != true (container "iis"): every pod' }]);
  });

  it('does not crash on odd shapes', () => {
    for (const nsText of [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: "pod-security.kubernetes.io/enforce=restricted"}\n---\n',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: [restricted]}\n---\n',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: null}\n---\n',
    ]) {
      expectNone(check, nsText + deploy({ ape: '' }));
    }
    const odd = ns(ENFORCE_RESTRICTED) + `apiVersion: apps/v1
kind: Deployment
metadata: {name: odd, namespace: shop}
spec:
  selector: {matchLabels: {app: odd}}
  template:
    spec:
      securityContext: "runAsNonRoot"
      volumes: {tmp: {emptyDir: {}}}
      containers:
        - name: app
          image: registry.example.com/odd:1.0.0
          securityContext: [privileged]
          ports: 8080
`;
    // The API server cannot decode this Deployment: it is rejected at apply, not by PodSecurity.
    expectNone(check, odd);
    assert.equal(runCheck(check, odd.replace('      securityContext: "runAsNonRoot"\n      volumes: {tmp: {emptyDir: {}}}\n', '').replace('          securityContext: [privileged]\n', '')).length, 1);
  });
});

describe('pod-security-enforce-rejects on a live object', () => {
  it('a controller whose pods run anyway: says so (admitted before the label, or exempted), still an error for their replacements', () => {
    const yaml = `apiVersion: v1
kind: Namespace
metadata: {name: pay, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: pay, generation: 1}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: api
          image: registry.example.com/api:1.0.0
          securityContext: {capabilities: {drop: [ALL]}}
status: {observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2}
`;
    const found = expectFindings(check, yaml, [{ severity: 'error', message: 'violates allowPrivilegeEscalation != false (container "api"): every pod it creates is rejected (ReplicaSet FailedCreate: violates PodSecurity "restricted:latest"); 2 of its pods run now (created before the label, or exempted by' }]);
    assert.match(found[0].message, /their replacements after a restart, eviction or rollout are rejected$/);
  });
});
