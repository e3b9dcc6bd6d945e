/**
 * pod-template-rejected: each rule fires with the API server's own error text (each fixture's rejection
 * was confirmed with kubectl apply --dry-run=server against v1.37), and stays silent on what the API
 * server accepts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/pod-template-rejected.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { emptyConfig } from '../../../src/engine/config.js';
import { findCheck } from '../../../src/checks/index.js';

/** A Deployment whose pod spec is `spec` (indented by 6), with optional pod template annotations. */
function deploy(spec: string, opts: { name?: string; annotations?: string } = {}): string {
  const meta = opts.annotations ? `    metadata:\n      labels: {app: web}\n      annotations:\n${opts.annotations.replace(/^/gm, '        ')}\n` : `    metadata:\n      labels: {app: web}\n`;
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${opts.name ?? 'web'}}
spec:
  selector: {matchLabels: {app: web}}
  template:
${meta}    spec:
${spec.replace(/^/gm, '      ')}
`;
}

/** Findings of the check on `text` read from the file `file` (a kustomize patch file, say). */
function runAs(file: string, text: string) {
  const loaded = loadText(text, file, loadPlan([check]));
  return audit({ resources: loaded.resources, problems: [] }, { checks: [check], config: emptyConfig() }).verdicts.flatMap((v) => v.findings);
}

describe('pod-template-rejected: volumes', () => {
  it('fires on two volumes of one name, at the second, quoting the API server', () => {
    const [f] = expectFindings(
      check,
      deploy(`containers:
- name: app
  image: nginx:1.27
  volumeMounts: [{name: tmp, mountPath: /tmp}]
volumes:
- name: tmp
  emptyDir: {}
- name: tmp
  emptyDir: {}`),
      [{ line: 17, severity: 'error', message: 'volume "tmp" is declared twice (volumes[0] and volumes[1], the same volume again): the API server rejects the Deployment: spec.template.spec.volumes[1].name: Duplicate value: "tmp"' }],
    );
    assert.match(f.fix ?? '', /Delete volumes\[1\] of spec\.template\.spec: it repeats volumes\[0\]/);
    assert.ok(!f.fixYaml, 'deleting a duplicate cannot be written as a merge snippet');
  });

  it('names both sources when the two volumes differ, and asks which one to keep', () => {
    const [f] = expectFindings(
      check,
      deploy(`containers:
- {name: app, image: nginx:1.27}
volumes:
- name: config
  configMap: {name: app-config}
- name: config
  secret: {secretName: app-secret}`),
      [{ message: '(volumes[0] and volumes[1], a secret volume beside the configMap one)' }],
    );
    assert.match(f.fix ?? '', /Keep one volume named "config".*rename volumes\[1\]/);
  });

  it('is silent on one volume name used in two workloads of one file, and on templated names', () => {
    const one = (name: string) => deploy(`containers:
- {name: app, image: nginx:1.27, volumeMounts: [{name: tmp, mountPath: /tmp}]}
volumes:
- {name: tmp, emptyDir: {}}`, { name });
    expectNone(check, `${one('a')}---\n${one('b')}`);
    expectNone(
      check,
      deploy(`containers:
- {name: app, image: nginx:1.27}
volumes:
- {name: "{{ .Values.volumeName }}", emptyDir: {}}
- {name: "{{ .Values.volumeName }}", emptyDir: {}}`),
    );
  });

  it('StatefulSet: a volume named like a volumeClaimTemplate is replaced by the claim (no duplicate, no missing mount); the API index counts the claims first', () => {
    const sts = (volumes: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: postgres:16
        volumeMounts: [{name: data, mountPath: /data}, {name: wal, mountPath: /wal}]
      volumes:
${volumes}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  - metadata: {name: wal}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
    // Accepted by the API server (dry-run): both "data" volumes give way to the claim.
    expectNone(check, sts(`      - {name: data, emptyDir: {}}\n      - {name: data, emptyDir: {}}`));
    // Rejected at volumes[3]: the two claims come first, then x (2), then the first run (3).
    expectFindings(check, sts(`      - {name: data, emptyDir: {}}\n      - {name: x, emptyDir: {}}\n      - {name: run, emptyDir: {}}\n      - {name: run, emptyDir: {}}`), [
      { line: 18, message: 'volumes[2] and volumes[3]' },
    ]);
    const [f] = runCheck(check, sts(`      - {name: data, emptyDir: {}}\n      - {name: x, emptyDir: {}}\n      - {name: run, emptyDir: {}}\n      - {name: run, emptyDir: {}}`));
    assert.match(f.message, /the API server rejects the StatefulSet: spec\.template\.spec\.volumes\[4\]\.name: Duplicate value: "run"$/);
  });

  it('a Pod: the error path is the Pod\'s spec', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers:
  - {name: app, image: nginx:1.27}
  volumes:
  - {name: tmp, emptyDir: {}}
  - {name: tmp, emptyDir: {}}
`,
      [{ line: 9, message: 'the API server rejects the Pod: spec.volumes[1].name: Duplicate value: "tmp"' }],
    );
  });
});

describe('pod-template-rejected: volume mounts', () => {
  it('fires on a mount of a volume the pod does not declare, with a near name', () => {
    const [f] = expectFindings(
      check,
      deploy(`containers:
- name: app
  image: nginx:1.27
  volumeMounts:
  - {name: confg, mountPath: /etc/app}
volumes:
- {name: config, configMap: {name: app}}`),
      [{ line: 14, container: 'app', message: 'container "app": volumeMounts[0] mounts volume "confg", which the pod does not declare (its volumes: "config"; did you mean "config"?): the API server rejects the Deployment: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "confg"' }],
    );
    assert.match(f.fix ?? '', /change volumeMounts\[0\]\.name of container "app" from "confg" to "config"/);
  });

  it('an init container, in a CronJob: the path is the CronJob\'s', () => {
    const [f] = expectFindings(
      check,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
          - name: fetch
            image: busybox:1.36
            volumeMounts: [{name: work, mountPath: /work}]
          containers:
          - {name: report, image: busybox:1.36}
`,
      [{ line: 14, container: 'fetch', message: 'init container "fetch": volumeMounts[0] mounts volume "work", which the pod does not declare (it declares no volumes)' }],
    );
    assert.match(f.message, /spec\.jobTemplate\.spec\.template\.spec\.initContainers\[0\]\.volumeMounts\[0\]\.name: Not found: "work"$/);
    assert.match(f.fix ?? '', /Add a volume named "work" to spec\.jobTemplate\.spec\.template\.spec\.volumes/);
  });

  it('fires on two mounts of one container at the same mountPath', () => {
    expectFindings(
      check,
      deploy(`containers:
- name: app
  image: nginx:1.27
  volumeMounts:
  - {name: config, mountPath: /etc/app}
  - {name: secrets, mountPath: /etc/app}
volumes:
- {name: config, configMap: {name: app}}
- {name: secrets, secret: {secretName: app}}`),
      [{ line: 15, container: 'app', message: 'container "app": volumeMounts[0] and volumeMounts[1] both mount at "/etc/app" (volume "config" and volume "secrets"): the API server rejects the Deployment: spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/etc/app": must be unique' }],
    );
  });

  it('is silent on "/data" and "/data/" (compared as written: accepted), subPath mounts of one volume, one volume at two paths, and the same path in two containers', () => {
    expectNone(
      check,
      deploy(`containers:
- name: app
  image: nginx:1.27
  volumeMounts:
  - {name: data, mountPath: /data}
  - {name: cache, mountPath: /data/}
  - {name: config, mountPath: /etc/app/a.conf, subPath: a.conf}
  - {name: config, mountPath: /etc/app/b.conf, subPath: b.conf}
  - {name: data, mountPath: /backup}
- name: sidecar
  image: busybox:1.36
  volumeMounts:
  - {name: data, mountPath: /data}
volumes:
- {name: data, emptyDir: {}}
- {name: cache, emptyDir: {}}
- {name: config, configMap: {name: app}}`),
    );
  });

  it('is silent when a volume name is templated (the mount may name it), and in a kustomize patch file (the volume is in the base)', () => {
    expectNone(
      check,
      deploy(`containers:
- {name: app, image: nginx:1.27, volumeMounts: [{name: data, mountPath: /data}]}
volumes:
- {name: "\${VOLUME}", emptyDir: {}}`),
    );
    const patch = deploy(`containers:
- name: app
  image: registry.example.com/app:1.2
  volumeMounts: [{name: config, mountPath: /etc/app}]
volumes:
- {name: extra, emptyDir: {}}`);
    assert.equal(runAs('overlays/prod/deployment-patch.yaml', patch).length, 0);
    // The same object as a whole manifest is rejected.
    assert.equal(runAs('k8s/deployment.yaml', patch).length, 1);
  });

  it('volumeDevices: a device of a missing volume, of a volume that is not a claim, and a volume both mounted and a device', () => {
    expectFindings(
      check,
      deploy(`containers:
- name: app
  image: nginx:1.27
  volumeMounts:
  - {name: data, mountPath: /data}
  volumeDevices:
  - {name: blk, devicePath: /dev/xvda}
  - {name: data, devicePath: /dev/xvdb}
  - {name: scratch, devicePath: /dev/xvdc}
volumes:
- {name: data, persistentVolumeClaim: {claimName: data}}
- {name: scratch, emptyDir: {}}`),
      [
        { line: 16, message: 'volumeDevices[0] uses volume "blk", which the pod does not declare' },
        { line: 17, message: 'volume "data" is both mounted (volumeMounts[0]) and used as a block device (volumeDevices[1]): the API server rejects the Deployment: spec.template.spec.containers[0].volumeMounts[0].name: Invalid value: "data": must not already exist in volumeDevices; spec.template.spec.containers[0].volumeDevices[1].name: Invalid value: "data": must not already exist in volumeMounts' },
        { line: 18, message: 'it is emptyDir volume: the API server rejects the Deployment: spec.template.spec.containers[0].volumeDevices[2].name: Invalid value: "scratch": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode' },
      ],
    );
    expectNone(
      check,
      deploy(`containers:
- name: app
  image: nginx:1.27
  volumeDevices:
  - {name: data, devicePath: /dev/xvda}
volumes:
- {name: data, persistentVolumeClaim: {claimName: data}}`),
    );
  });
});

describe('pod-template-rejected: container names', () => {
  it('fires on an init container named like a container (reported at the init container, as the API server does), and on two containers of one name', () => {
    expectFindings(
      check,
      deploy(`initContainers:
- {name: app, image: busybox:1.36}
containers:
- {name: app, image: nginx:1.27}
- {name: app, image: nginx:1.27}`),
      [
        { line: 11, container: 'app', message: 'init container "app" has the name of container "app" (containers[0]): the API server rejects the Deployment: spec.template.spec.initContainers[0].name: Duplicate value: "app"' },
        { line: 14, message: 'spec.template.spec.containers[1].name: Duplicate value: "app"' },
      ],
    );
  });

  it('is silent on one container name in two workloads of a file, and on templated names', () => {
    const one = (name: string) => deploy(`containers:\n- {name: app, image: nginx:1.27}`, { name });
    expectNone(check, `${one('a')}---\n${one('b')}`);
    expectNone(check, deploy(`containers:\n- {name: "{{ .Chart.Name }}", image: nginx:1.27}\n- {name: "{{ .Chart.Name }}", image: nginx:1.27}`));
  });
});

describe('pod-template-rejected: ports', () => {
  it('fires on two ports of one container with one name; silent on one name in two containers', () => {
    expectFindings(
      check,
      deploy(`containers:
- name: app
  image: nginx:1.27
  ports:
  - {name: http, containerPort: 8080}
  - {name: http, containerPort: 8081}`),
      [{ line: 15, container: 'app', message: 'container "app": ports[0] and ports[1] are both named "http": the API server rejects the Deployment: spec.template.spec.containers[0].ports[1].name: Duplicate value: "http"' }],
    );
    expectNone(check, deploy(`containers:\n- {name: a, image: nginx:1.27, ports: [{name: http, containerPort: 8080}]}\n- {name: b, image: nginx:1.27, ports: [{name: http, containerPort: 8081}]}`));
  });

  it('fires on one hostPort held by two containers; silent on another protocol or another hostIP, and across init containers', () => {
    expectFindings(
      check,
      deploy(`containers:
- name: a
  image: nginx:1.27
  ports:
  - {containerPort: 80, hostPort: 8080}
  - {containerPort: 53, hostPort: 5353, protocol: UDP}
  - {containerPort: 84, hostPort: 8082, hostIP: 10.0.0.1}
- name: b
  image: nginx:1.27
  ports:
  - {containerPort: 80, hostPort: 8080}
  - {containerPort: 53, hostPort: 5353}
  - {containerPort: 84, hostPort: 8082, hostIP: 10.0.0.2}`),
      [{ line: 20, container: 'b', message: 'container "a" (ports[0]) and container "b" (ports[0]) both hold TCP port 8080 of the node: the API server rejects the Deployment: spec.template.spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"' }],
    );
    // Init containers run one at a time: each is checked alone (and named initContainers[0] by the API server).
    expectFindings(
      check,
      deploy(`initContainers:
- {name: one, image: busybox:1.36, ports: [{containerPort: 80, hostPort: 8080}]}
- name: two
  image: busybox:1.36
  ports:
  - {containerPort: 80, hostPort: 8080}
  - {containerPort: 81, hostPort: 8080}
containers:
- {name: app, image: nginx:1.27, ports: [{containerPort: 80, hostPort: 8080}]}`),
      [{ line: 16, container: 'two', message: 'ports[0] and ports[1] of init container "two" both hold TCP port 8080 of the node: the API server rejects the Deployment: spec.template.spec.initContainers[0].ports[1].hostPort: Duplicate value: "TCP//8080"' }],
    );
  });

  it('hostNetwork: a Pod whose two containers declare one port is rejected (hostPort defaults to containerPort); a Deployment is accepted and its Pods are rejected', () => {
    const spec = `hostNetwork: true
containers:
- {name: a, image: nginx:1.27, ports: [{containerPort: 80}]}
- {name: b, image: nginx:1.27, ports: [{containerPort: 80}, {containerPort: 9100, protocol: UDP}]}`;
    expectFindings(check, `apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n${spec.replace(/^/gm, '  ')}\n`, [
      { line: 8, container: 'b', message: 'container "a" (ports[0]) and container "b" (ports[0]) both hold TCP port 80 of the node (with hostNetwork: true each containerPort is a port of the node: the API server sets hostPort to it on the Pod): the API server rejects the Pod: spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//80"' },
    ]);
    expectFindings(check, deploy(spec), [
      { line: 13, message: 'the API server accepts the Deployment but rejects every Pod its ReplicaSet creates (FailedCreate, nothing runs): spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//80"' },
    ]);
    // When the template is rejected anyway (a duplicate volume), the Pod rule does not say the Deployment is accepted.
    const both = runCheck(check, deploy(`${spec}\nvolumes:\n- {name: tmp, emptyDir: {}}\n- {name: tmp, emptyDir: {}}`));
    assert.deepEqual(both.map((f) => (/rejects every Pod/.test(f.message) ? (/the API server accepts/.test(f.message) ? 'accepts' : 'passes this rule') : 'template')).sort(), ['passes this rule', 'template']);
    // Off the host network no hostPort is set: the API server accepts it (with a warning about the duplicate port).
    expectNone(check, deploy(spec.replace('hostNetwork: true', 'hostNetwork: false')));
  });

  it('hostNetwork: a hostPort other than its containerPort, with a snippet that sets it to the containerPort; applying it clears the finding', () => {
    const text = deploy(`hostNetwork: true
containers:
- name: agent
  image: nginx:1.27
  ports:
  - {name: http, containerPort: 8080, hostPort: 80}
  - {name: metrics, containerPort: 9100}`);
    const [f] = expectFindings(check, text, [
      { line: 15, container: 'agent', message: 'container "agent": ports[0] asks for hostPort 80 with containerPort 8080, but on the host network (hostNetwork: true) a port cannot be remapped: the API server rejects the Deployment: spec.template.spec.containers[0].ports[0].hostPort: Invalid value: 80: must match `containerPort` when `hostNetwork` is true' },
    ]);
    assert.equal(
      f.fixYaml,
      `spec:
  template:
    spec:
      containers:
      - name: agent
        ports:
          - name: http
            containerPort: 8080
            hostPort: 8080
          - name: metrics
            containerPort: 9100`,
    );
    const { before, after, fixed } = applyFixes(check, text);
    assert.equal(before.length, 1);
    assert.deepEqual(after.map((x) => x.message), [], fixed);
  });

  it('hostNetwork in a CronJob, ports without names: the snippet gives the whole list (replaced, not merged) at the CronJob\'s path; applying it clears both findings', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          hostNetwork: true
          containers:
          - name: report
            image: busybox:1.36
            ports:
            - {containerPort: 8080, hostPort: 80}
            - {containerPort: 9100, hostPort: 9200}
`;
    const found = expectFindings(check, text, [
      { line: 16, message: 'spec.jobTemplate.spec.template.spec.containers[0].ports[0].hostPort: Invalid value: 80' },
      { line: 17, message: 'spec.jobTemplate.spec.template.spec.containers[0].ports[1].hostPort: Invalid value: 9200' },
    ]);
    assert.match(found[0].fixYaml ?? '', /^spec:\n {2}jobTemplate:\n(.*\n)* {14}- containerPort: 8080\n {16}hostPort: 8080\n {14}- containerPort: 9100\n {16}hostPort: 9100$/);
    const { after, fixed } = applyFixes(check, text);
    assert.deepEqual(after.map((x) => x.message), [], fixed);
  });
});

describe('pod-template-rejected: securityContext', () => {
  it('fires on allowPrivilegeEscalation: false with privileged: true, and with CAP_SYS_ADMIN (that exact spelling)', () => {
    expectFindings(
      check,
      deploy(`containers:
- name: a
  image: nginx:1.27
  securityContext: {allowPrivilegeEscalation: false, privileged: true}
- name: b
  image: nginx:1.27
  securityContext:
    allowPrivilegeEscalation: false
    capabilities: {add: [NET_ADMIN, CAP_SYS_ADMIN]}`),
      [
        { line: 13, container: 'a', message: 'container "a": securityContext sets allowPrivilegeEscalation: false and privileged: true: the API server rejects the Deployment: spec.template.spec.containers[0].securityContext: Invalid value: {…}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true' },
        { line: 18, container: 'b', message: 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN' },
      ],
    );
  });

  it('is silent on SYS_ADMIN (accepted), on privileged with escalation allowed or unset', () => {
    expectNone(
      check,
      deploy(`containers:
- {name: a, image: nginx:1.27, securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}}
- {name: b, image: nginx:1.27, securityContext: {allowPrivilegeEscalation: true, privileged: true}}
- {name: c, image: nginx:1.27, securityContext: {privileged: true, capabilities: {add: [CAP_SYS_ADMIN]}}}`),
    );
  });
});

describe('pod-template-rejected: AppArmor and seccomp annotations', () => {
  it('fires when the AppArmor annotation disagrees with the field (the pod\'s, or the container\'s own localhost profile)', () => {
    expectFindings(
      check,
      deploy(
        `securityContext:
  appArmorProfile: {type: RuntimeDefault}
containers:
- {name: a, image: nginx:1.27}
- name: b
  image: nginx:1.27
  securityContext:
    appArmorProfile: {type: Localhost, localhostProfile: bar}
- {name: c, image: nginx:1.27}`,
        { annotations: `container.apparmor.security.beta.kubernetes.io/a: unconfined\ncontainer.apparmor.security.beta.kubernetes.io/b: localhost/foo\ncontainer.apparmor.security.beta.kubernetes.io/c: runtime/default` },
      ),
      [
        { line: 10, container: 'a', message: 'container "a": annotation container.apparmor.security.beta.kubernetes.io/a: "unconfined" disagrees with the pod\'s securityContext.appArmorProfile (RuntimeDefault): the API server rejects the Deployment: spec.template.spec.containers[0].securityContext.appArmorProfile.type: Forbidden: apparmor type in annotation and field must match' },
        { line: 11, container: 'b', message: 'spec.template.spec.containers[1].securityContext.appArmorProfile.localhostProfile: Forbidden: apparmor profile in annotation and field must match' },
      ],
    );
  });

  it('a Pod: an annotation of a container without its own profile is copied into its field on create (accepted); one against its own field is rejected', () => {
    const pod = (own: string) => `apiVersion: v1
kind: Pod
metadata:
  name: debug
  annotations:
    container.apparmor.security.beta.kubernetes.io/a: unconfined
spec:
  securityContext:
    appArmorProfile: {type: RuntimeDefault}
  containers:
  - name: a
    image: nginx:1.27
${own}`;
    expectNone(check, pod(''));
    expectFindings(check, pod('    securityContext: {appArmorProfile: {type: RuntimeDefault}}\n'), [
      { line: 6, message: 'disagrees with its securityContext.appArmorProfile (RuntimeDefault): the API server rejects the Pod: spec.containers[0].securityContext.appArmorProfile.type: Forbidden' },
    ]);
  });

  // The Windows case: the mismatch rule skips Windows pods (such a pod is rejected for another reason,
  // "appArmorProfile: Forbidden: cannot be set for a windows pod", which this check does not cover).
  it('is silent on matching values, on Windows pods (the mismatch rule skips them), and on an invalid annotation value (apparmor-profile reports it)', () => {
    const spec = `securityContext:
  appArmorProfile: {type: RuntimeDefault}
containers:
- {name: a, image: nginx:1.27}
- {name: b, image: nginx:1.27, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: k8s-nginx}}}`;
    expectNone(check, deploy(spec, { annotations: 'container.apparmor.security.beta.kubernetes.io/a: runtime/default\ncontainer.apparmor.security.beta.kubernetes.io/b: localhost/k8s-nginx' }));
    expectNone(check, deploy(`os: {name: windows}\n${spec}`, { annotations: 'container.apparmor.security.beta.kubernetes.io/a: unconfined' }));
    expectNone(check, deploy(spec, { annotations: 'container.apparmor.security.beta.kubernetes.io/a: docker-default' }));
  });

  it('fires on an AppArmor annotation naming no container of the pod (a renamed container)', () => {
    expectFindings(check, deploy(`containers:\n- {name: web, image: nginx:1.27}`, { annotations: 'container.apparmor.security.beta.kubernetes.io/nginx: runtime/default' }), [
      { line: 10, message: 'annotation container.apparmor.security.beta.kubernetes.io/nginx names container "nginx", which the pod does not have (its containers: "web"): the API server rejects the Deployment: spec.template.annotations[container.apparmor.security.beta.kubernetes.io/nginx]: Invalid value: "nginx": container not found' },
    ]);
    // An init container counts; a patch file may add annotations for its base's containers.
    expectNone(check, deploy(`initContainers:\n- {name: setup, image: busybox:1.36}\ncontainers:\n- {name: web, image: nginx:1.27}`, { annotations: 'container.apparmor.security.beta.kubernetes.io/setup: runtime/default' }));
    assert.equal(runAs('k8s/patches/apparmor.yaml', deploy(`containers:\n- {name: web, image: nginx:1.27}`, { annotations: 'container.apparmor.security.beta.kubernetes.io/nginx: runtime/default' })).length, 0);
  });

  // For "side" the API server also reports the mismatch; one finding per annotation: its invalid value.
  it('seccomp: fires when an annotation disagrees with the field at its level, and on an invalid value; docker/default is RuntimeDefault', () => {
    expectFindings(
      check,
      deploy(
        `securityContext:
  seccompProfile: {type: Unconfined}
containers:
- name: app
  image: nginx:1.27
  securityContext: {seccompProfile: {type: RuntimeDefault}}
- name: side
  image: nginx:1.27
  securityContext: {seccompProfile: {type: RuntimeDefault}}`,
        { annotations: 'seccomp.security.alpha.kubernetes.io/pod: runtime/default\ncontainer.seccomp.security.alpha.kubernetes.io/app: docker/default\ncontainer.seccomp.security.alpha.kubernetes.io/side: runtime/defaults' },
      ),
      [
        { line: 10, message: 'annotation seccomp.security.alpha.kubernetes.io/pod: "runtime/default" disagrees with the pod\'s securityContext.seccompProfile (Unconfined): the API server rejects the Deployment: spec.template.spec.securityContext.seccompProfile.type: Forbidden: seccomp type in annotation and field must match' },
        { line: 12, message: 'annotation container.seccomp.security.alpha.kubernetes.io/side: "runtime/defaults" is not a seccomp profile (runtime/default, docker/default, unconfined or localhost/<relative path>): the API server rejects the Deployment: spec.template.annotations.container.seccomp.security.alpha.kubernetes.io/side: Invalid value: "runtime/defaults": must be a valid seccomp profile' },
      ],
    );
    expectFindings(check, deploy(`containers:\n- {name: app, image: nginx:1.27}`, { annotations: 'container.seccomp.security.alpha.kubernetes.io/app: localhost/../profiles/app.json' }), [
      { message: 'Invalid value: "../profiles/app.json": must not contain \'..\'' },
    ]);
    expectNone(check, deploy(`containers:\n- {name: app, image: nginx:1.27, securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/app.json}}}`, { annotations: 'container.seccomp.security.alpha.kubernetes.io/app: localhost/profiles/app.json\ncontainer.seccomp.security.alpha.kubernetes.io/gone: runtime/default' }));
  });
});

describe('pod-template-rejected: what is not judged', () => {
  const bad = `containers:
- {name: app, image: nginx:1.27}
- {name: app, image: nginx:1.27}
volumes:
- {name: tmp, emptyDir: {}}
- {name: tmp, emptyDir: {}}`;

  it('fires twice on the fixture used below (so the silences below mean something)', () => {
    assert.equal(runCheck(check, deploy(bad)).length, 2);
  });

  it('is silent on a live object (it exists: it passed), a custom resource, and a strategic-merge patch', () => {
    expectNone(check, `${deploy(bad)}status: {replicas: 1}\n`);
    expectNone(check, deploy(bad).replace('apiVersion: apps/v1\nkind: Deployment', 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout'));
    expectNone(check, deploy(`${bad}\n- {name: old, $patch: delete}`));
  });

  it('is registered', () => {
    assert.equal(findCheck('pod-template-rejected'), check);
  });
});

describe('pod-template-rejected: selectors', () => {
  const workload = (kind: string, apiVersion: string, selector: string, labels = '{app: web}', extra = '') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata: {name: sel}
spec:
${extra}  selector: ${selector}
  template:
    metadata:
      labels: ${labels}
    spec:
      restartPolicy: ${kind === 'Job' ? 'Never' : 'Always'}
      containers: [{name: c, image: "registry.example/c:1.0"}]
`;

  it('fires where the API server refuses the selector, quoting its error', () => {
    expectFindings(check, workload('Deployment', 'apps/v1', '{matchLabels: {app: api}}'), [
      { line: 5, message: 'spec.selector (app=api) does not select the pod template\'s labels (app=web): the API server rejects the Deployment (spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`)' },
    ]);
    expectFindings(check, workload('StatefulSet', 'apps/v1', '{matchExpressions: [{key: app, operator: In, values: [api]}]}', '{tier: b, app: web}', '  serviceName: sel\n'), [
      { line: 6, message: /spec\.selector \(app In \(api\)\) does not select .*Invalid value: \{"app":"web","tier":"b"\}/ },
    ]);
    expectFindings(check, workload('DaemonSet', 'apps/v1', '{}'), [
      { line: 5, message: 'spec.selector is empty: the API server rejects the DaemonSet (spec.selector: Invalid value: {}: empty selector is invalid for daemonset)' },
    ]);
    expectFindings(check, workload('ReplicationController', 'v1', '{app: api}'), [{ line: 5, message: /^spec\.selector \(app=api\) does not select .* the ReplicationController/ }]);
    expectFindings(check, workload('Job', 'batch/v1', '{matchLabels: {app: web}}'), [
      { line: 5, message: /^spec\.selector is set without manualSelector: true: .*`selector` not auto-generated/ },
    ]);
    expectFindings(check, workload('Job', 'batch/v1', '{matchLabels: {app: api}}', '{app: web}', '  manualSelector: true\n'), [{ line: 6, message: /does not select the pod template's labels \(app=web\): the API server rejects the Job/ }]);
  });

  it('quotes null for a template without labels, as the API server does', () => {
    const [f] = runCheck(check, workload('Deployment', 'apps/v1', '{matchLabels: {app: web}}').replace('    metadata:\n      labels: {app: web}\n', ''));
    assert.match(f.message, /\(none\): the API server rejects the Deployment \(spec\.template\.metadata\.labels: Invalid value: null:/);
  });

  it("reads a CronJob's Job template", () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      selector: {matchLabels: {app: nightly}}
      template:
        metadata: {labels: {app: nightly}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: "registry.example/c:1.0"}]
`,
      [{ line: 8, message: /^spec\.jobTemplate\.spec\.selector is set without manualSelector: true: .* rejects the CronJob \(its Jobs\)/ }],
    );
  });

  it('stays silent on selectors the API server accepts, and on what it cannot decide', () => {
    expectNone(check, workload('Deployment', 'apps/v1', '{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: DoesNotExist}]}'));
    expectNone(check, workload('Job', 'batch/v1', '{matchLabels: {app: web}}', '{app: web}', '  manualSelector: true\n'));
    expectNone(check, workload('ReplicationController', 'v1', '{}'));
    // Not this rule: a missing selector (a kustomize base whose commonLabels adds it), templates, and a
    // value YAML 1.1 reads as a boolean (app: y), which fails decoding before validation.
    expectNone(check, workload('Deployment', 'apps/v1', 'null'));
    expectNone(check, workload('Deployment', 'apps/v1', '{matchLabels: {app: "{{ .Values.app }}"}}'));
    expectNone(check, workload('Deployment', 'apps/v1', '{matchLabels: {app: y}}', '{app: x}'));
    // An old apiVersion (api-version-removed reports it).
    expectNone(check, workload('Deployment', 'extensions/v1beta1', '{matchLabels: {app: api}}'));
  });
});

describe('pod-template-rejected: restartPolicy, container names, probe handlers, container ports', () => {
  const job = (spec: string) => `apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n${spec}`;
  it('a Job without restartPolicy (the pod default Always), or with Always; a Deployment with Never', () => {
    const [missing] = expectFindings(check, job('      containers: [{name: m, image: "registry.example/m:1.0"}]\n'), [
      { line: 6, message: 'no restartPolicy: a Job\'s pods must have OnFailure or Never, and the default is Always: the API server rejects the Job: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' },
    ]);
    assert.match(missing.fix!, /^Add restartPolicy: Never to spec\.template\.spec/);
    expectFindings(check, job('      restartPolicy: Always\n      containers: [{name: m, image: "registry.example/m:1.0"}]\n'), [{ line: 7, message: 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' }]);
    const [never] = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: Never
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
      [{ line: 9, message: /^restartPolicy "Never" is not Always, the only one a Deployment's pods may have .*Unsupported value: "Never": supported values: "Always"$/ }],
    );
    assert.match(never.fix!, /or run the task as a Job if it is meant to finish/);
    // A patch file may leave restartPolicy to its base; a template may set it.
    const loaded = loadText(job('      containers: [{name: m, image: "registry.example/m:1.0"}]\n'), 'overlays/prod/job-patch.yaml', loadPlan([check]));
    assert.deepEqual(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings), []);
    expectNone(check, job('      restartPolicy: "{{ .Values.restartPolicy }}"\n      containers: [{name: m, image: "registry.example/m:1.0"}]\n'));
  });

  it('container names missing or not a DNS label, probes without a handler, ports without containerPort or with a bad name', () => {
    const found = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{image: "registry.example/i:1.0"}]
      containers:
      - name: Web_App
        image: registry.example/web:1.0
        ports: [{name: http}, {name: metrics-endpoint-http, containerPort: 9090}]
        livenessProbe: {initialDelaySeconds: 5, periodSeconds: 10}
        readinessProbe: {httpGet: {path: /ready, port: http}}
`,
      [
        { line: 9, message: /^init container #0 has no name: .*initContainers\[0\]\.name: Required value$/ },
        { line: 11, message: /the name is not a lowercase RFC 1123 label: .*Invalid value: "Web_App": a lowercase RFC 1123 label/ },
        { line: 13, message: /ports\[0\] has no containerPort: .*ports\[0\]\.containerPort: Required value$/ },
        { line: 13, message: /port name "metrics-endpoint-http" is not a valid port name .*must be no more than 15 characters$/ },
        { line: 14, message: /livenessProbe has no handler \(exec, httpGet, tcpSocket or grpc\), only its timing: .*livenessProbe: Required value: must specify a handler type$/ },
      ],
    );
    assert.match(found[1].fix!, /^Rename the container to "web-app"/);
  });

  it('container port protocols other than TCP, UDP, SCTP (case-sensitive)', () => {
    const [tcp, http] = expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: registry.example/web:1.0
    ports: [{containerPort: 80, protocol: tcp}, {containerPort: 81, protocol: HTTP}, {containerPort: 82, protocol: UDP}]
`,
      [
        { line: 8, message: /ports\[0\] protocol "tcp" is not TCP, UDP or SCTP: .*spec\.containers\[0\]\.ports\[0\]\.protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"$/ },
        { line: 8, message: /ports\[1\] protocol "HTTP"/ },
      ],
    );
    assert.equal(tcp.fix, 'Write the protocol as TCP (case-sensitive).');
    assert.match(http.fix!, /^Set the protocol to TCP \(HTTP and gRPC run over TCP\)/);
  });

  it('tolerations and environment sources the API server refuses', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      tolerations:
      - {key: dedicated, operator: Exist}
      - {key: dedicated, operator: Exists, value: db}
      - {operator: Equal, value: db}
      - {operator: Exists}
      containers:
      - name: web
        image: registry.example/web:1.0
        env:
        - {name: POD, value: web, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: PASS, valueFrom: {secretKeyRef: {name: db, key: pass}, configMapKeyRef: {name: db, key: pass}}}
        - {name: OK, value: "", valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        envFrom:
        - {configMapRef: {name: conf}, secretRef: {name: db}}
`,
      [
        { line: 10, message: /^tolerations\[0\]: operator "Exist" is not Equal or Exists: .*Unsupported value: "Exist": supported values: "Equal", "Exists"$/ },
        { line: 11, message: /^tolerations\[1\]: operator Exists with a value \("db"\): .*value must be empty when `operator` is 'Exists'$/ },
        { line: 12, message: /^tolerations\[2\]: operator Equal without a key: / },
        { line: 18, message: /env "POD" has both a value and a valueFrom: .*may not be specified when `value` is not empty$/ },
        { line: 19, message: /env "PASS" takes its value from secretKeyRef and configMapKeyRef at once: / },
        { line: 22, message: /envFrom\[0\] has both a configMapRef and a secretRef: .*containers\[0\]\.envFrom: Invalid value: "": may not have more than one field specified at a time$/ },
      ],
    );
  });

  it('dnsPolicy and terminationMessagePolicy values the API server refuses, with the value meant', () => {
    const found = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNetwork
      containers:
        - name: web
          image: registry.example/web:1.0
          terminationMessagePolicy: fallbackToLogsOnError
`,
      [
        { line: 10, message: /^dnsPolicy "ClusterFirstWithHostNetwork" is not ClusterFirst, ClusterFirstWithHostNet, Default or None: the API server rejects the Deployment: spec\.template\.spec\.dnsPolicy: Unsupported value: "ClusterFirstWithHostNetwork": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"$/ },
        { line: 14, container: 'web', message: /terminationMessagePolicy "fallbackToLogsOnError" is not File or FallbackToLogsOnError: .*supported values: "File", "FallbackToLogsOnError"$/ },
      ],
    );
    assert.equal(found[0].fix, 'Write spec.template.spec.dnsPolicy: ClusterFirstWithHostNet (the value is exact).');
    assert.equal(found[1].fix, 'Write terminationMessagePolicy: FallbackToLogsOnError (the value is case-sensitive).');
  });

  it('leaves probe timing and unnamed containers in patch files to their base', () => {
    const patch = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example/web:1.1
        livenessProbe: {initialDelaySeconds: 30}
        ports: [{name: http}]
`;
    const loaded = loadText(patch, 'overlays/prod/deployment-patch.yaml', loadPlan([check]));
    assert.deepEqual(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings.map((f) => f.message)), []);
    // The same object in a plain file is rejected for both.
    assert.equal(runCheck(check, patch).length, 2);
  });
});
