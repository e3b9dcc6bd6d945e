import { describe, it } from 'node:test';
import privileged from '../../../src/checks/security/privileged-container.js';
import capabilitiesAdded from '../../../src/checks/security/capabilities-added.js';
import apparmor from '../../../src/checks/security/apparmor-profile.js';
import selinux from '../../../src/checks/security/selinux-options.js';
import procMount from '../../../src/checks/security/proc-mount.js';
import seccompUnconfined from '../../../src/checks/security/seccomp-unconfined.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('privileged-container', () => {
  it('fires on privileged init containers and containers, not on privileged: false', () => {
    expectFindings(
      privileged,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni}
spec:
  template:
    spec:
      initContainers:
        - name: install
          image: cni:1.0
          securityContext:
            privileged: true
      containers:
        - name: agent
          image: cni:1.0
          securityContext: {privileged: false}
        - name: debug
          image: cni:1.0
          securityContext:
            privileged: true
`,
      [
        { line: 11, container: 'install', message: 'init container "install": privileged: true gives it every capability, no seccomp filter and the host\'s devices, whatever the rest of its securityContext says (PSS baseline: Privileged Containers)', severity: 'error' },
        { line: 19, container: 'debug' },
      ],
    );
  });

  it('is silent when securityContext is missing or odd', () => {
    expectNone(
      privileged,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      securityContext: "privileged"
    - name: b
      image: nginx:1.27
`,
    );
  });
});

describe('capabilities-added', () => {
  it('fires only on capabilities beyond the baseline set, naming them', () => {
    expectFindings(
      capabilitiesAdded,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: vpn}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
          securityContext:
            capabilities:
              add: [NET_BIND_SERVICE, CHOWN]
        - name: vpn
          image: wireguard:1.0
          securityContext:
            capabilities:
              drop: [ALL]
              add:
                - NET_BIND_SERVICE
                - NET_ADMIN
                - NET_RAW
`,
      [{ line: 20, container: 'vpn', message: 'container "vpn": capabilities.add includes NET_ADMIN and NET_RAW, outside the set PodSecurity baseline allows (PSS baseline: Capabilities)' }],
    );
  });

  it('is silent on a privileged container (it has every capability; privileged-container reports it)', () => {
    expectFindings(
      capabilitiesAdded,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: net}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: net:1.0
          securityContext:
            privileged: true
            capabilities: {add: [NET_ADMIN, SYS_ADMIN]}
        - name: helper
          image: net:1.0
          securityContext:
            capabilities: {add: [NET_ADMIN]}
`,
      [{ line: 16, container: 'helper', message: 'NET_ADMIN' }],
    );
  });

  it('treats CAP_-prefixed and lowercase names as PodSecurity does (not allowed)', () => {
    expectFindings(
      capabilitiesAdded,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      securityContext:
        capabilities:
          add: ["CAP_CHOWN"]
`,
      [{ line: 10, container: 'a', message: 'CAP_CHOWN' }],
    );
  });
});

describe('apparmor-profile', () => {
  it('fires on the deprecated annotation, the pod field and the container field', () => {
    expectFindings(
      apparmor,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
        container.apparmor.security.beta.kubernetes.io/side: runtime/default
        container.apparmor.security.beta.kubernetes.io/other: localhost/k8s-nginx
    spec:
      securityContext:
        appArmorProfile:
          type: Unconfined
      containers:
        - name: app
          image: app:1.0
        - name: side
          image: app:1.0
          securityContext:
            appArmorProfile: {type: Unconfined}
        - name: other
          image: app:1.0
          securityContext:
            appArmorProfile: {type: Localhost, localhostProfile: k8s-nginx}
`,
      [
        { line: 11, container: 'app', message: 'annotation container.apparmor.security.beta.kubernetes.io/app: "unconfined"' },
        { line: 17, message: 'pod securityContext.appArmorProfile.type: "Unconfined"' },
        { line: 24, container: 'side', message: '(PSS baseline: AppArmor)' },
      ],
    );
  });

  it('is silent when AppArmor is unset or RuntimeDefault', () => {
    expectNone(
      apparmor,
      `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/a: ""
spec:
  securityContext:
    appArmorProfile: {type: RuntimeDefault}
  containers:
    - name: a
      image: nginx:1.27
`,
    );
  });
});

describe('selinux-options', () => {
  it('fires on a custom type at pod level and user/role on a container; level is allowed', () => {
    expectFindings(
      selinux,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    seLinuxOptions:
      level: "s0:c1,c2"
      type: spc_t
  containers:
    - name: a
      image: nginx:1.27
      securityContext:
        seLinuxOptions:
          type: container_t
          user: system_u
          role: system_r
    - name: b
      image: nginx:1.27
      securityContext:
        seLinuxOptions: {type: container_engine_t, level: "s0:c3,c4"}
`,
      [
        { line: 8, message: 'pod securityContext seLinuxOptions.type: "spc_t"' },
        { line: 15, container: 'a', message: 'seLinuxOptions.user: "system_u", seLinuxOptions.role: "system_r"' },
      ],
    );
  });
});

describe('proc-mount', () => {
  it('fires on Unmasked in the host user namespace', () => {
    expectFindings(
      procMount,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: builder}
spec:
  template:
    spec:
      containers:
        - name: buildkit
          image: moby/buildkit:v0.15.0
          securityContext:
            procMount: Unmasked
        - name: ok
          image: app:1.0
          securityContext: {procMount: Default}
`,
      [{ line: 11, container: 'buildkit', message: 'procMount: "Unmasked"' }],
    );
  });

  it('is silent for pods with hostUsers: false (baseline relaxation since policy 1.35)', () => {
    expectNone(
      procMount,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  containers:
    - name: a
      image: nginx:1.27
      securityContext: {procMount: Unmasked}
`,
    );
  });
});

describe('seccomp-unconfined', () => {
  it('fires on pod-level and container-level Unconfined, even when containers override the pod', () => {
    expectFindings(
      seccompUnconfined,
      `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext:
        seccompProfile:
          type: Unconfined
      initContainers:
        - name: init
          image: busybox:1.36
          securityContext:
            seccompProfile: {type: RuntimeDefault}
      containers:
        - name: job
          image: busybox:1.36
          securityContext:
            seccompProfile:
              type: Unconfined
`,
      [
        { line: 10, message: 'pod securityContext.seccompProfile.type: "Unconfined"' },
        { line: 21, container: 'job', message: 'container "job": seccompProfile.type: "Unconfined" lets it make every system call (PSS baseline: Seccomp)' },
      ],
    );
  });

  it('is silent when seccomp is unset, RuntimeDefault or Localhost', () => {
    expectNone(
      seccompUnconfined,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    seccompProfile: {type: Localhost, localhostProfile: profiles/app.json}
  containers:
    - name: a
      image: nginx:1.27
    - name: b
      image: nginx:1.27
      securityContext:
        seccompProfile: {type: RuntimeDefault}
`,
    );
  });
});
