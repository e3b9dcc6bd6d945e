import { describe, it } from 'node:test';
import volumes from '../../../src/checks/security/restricted-volume-types.js';
import escalation from '../../../src/checks/security/privilege-escalation.js';
import seccompMissing from '../../../src/checks/security/seccomp-profile-missing.js';
import capsNotDropped from '../../../src/checks/security/capabilities-not-dropped.js';
import restrictedProcMount from '../../../src/checks/security/restricted-proc-mount.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('restricted-volume-types', () => {
  it('fires on in-line network volumes and gitRepo, not on allowed types or hostPath', () => {
    expectFindings(
      volumes,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
      volumes:
        - name: cfg
          configMap: {name: cfg}
        - name: shared
          nfs:
            server: nfs.example.com
            path: /exports
        - name: host
          hostPath: {path: /data}
        - name: src
          gitRepo: {repository: "https://example.com/repo.git"}
        - name: scratch
        - name: img
          image: {reference: "tools:1.0"}
        - name: claim
          persistentVolumeClaim: {claimName: data}
        - name: eph
          ephemeral:
            volumeClaimTemplate:
              spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
      [
        { line: 14, message: 'volume "shared": nfs is not an allowed volume type; mount it through a PersistentVolumeClaim instead (PSS restricted: Volume Types)', severity: 'warning' },
        { line: 20, message: 'volume "src": gitRepo is not an allowed volume type: gitRepo is deprecated' },
      ],
    );
  });
});

describe('privilege-escalation', () => {
  it('fires when unset or true, on containers, init containers and sidecars', () => {
    expectFindings(
      escalation,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox:1.36
          securityContext: {allowPrivilegeEscalation: false}
        - name: sidecar
          image: envoy:v1.31
          restartPolicy: Always
      containers:
        - name: db
          image: postgres:16
          securityContext:
            allowPrivilegeEscalation: true
`,
      [
        { line: 11, container: 'sidecar', message: 'sidecar container "sidecar": allowPrivilegeEscalation is not set (it defaults to true)' },
        { line: 18, container: 'db', message: 'allowPrivilegeEscalation: true lets setuid binaries raise it to root (PSS restricted: Privilege Escalation)' },
      ],
    );
  });

  it('is silent on privileged containers and CAP_SYS_ADMIN (the API rejects false there), not on SYS_ADMIN', () => {
    expectFindings(
      escalation,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      initContainers:
        - name: mount-bpf
          image: agent:1.0
          securityContext:
            privileged: true
        - name: cap-prefixed
          image: agent:1.0
          securityContext:
            capabilities: {add: [CAP_SYS_ADMIN]}
      containers:
        - name: agent
          image: agent:1.0
          securityContext:
            capabilities: {add: [SYS_ADMIN]}
        - name: not-privileged
          image: agent:1.0
          securityContext:
            privileged: false
`,
      [
        { line: 19, container: 'agent', message: 'container "agent": allowPrivilegeEscalation is not set' },
        { line: 23, container: 'not-privileged', message: 'container "not-privileged": allowPrivilegeEscalation is not set' },
      ],
    );
  });

  it('exempts Windows pods', () => {
    expectNone(
      escalation,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  containers:
    - name: a
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
`,
    );
  });
});

describe('seccomp-profile-missing', () => {
  it('fires per container when neither the container nor the pod sets a profile', () => {
    expectFindings(
      seccompMissing,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
          containers:
            - name: a
              image: app:1.0
              securityContext:
                seccompProfile: {type: RuntimeDefault}
            - name: b
              image: app:1.0
`,
      [{ line: 18, container: 'b', message: 'container "b": seccompProfile is not set on the container or the pod, so it runs Unconfined (no syscall filter) unless the node\'s kubelet defaults to RuntimeDefault (--seccomp-default, as GKE Autopilot does), and restricted admission requires it set (PSS restricted: Seccomp)' }],
    );
  });

  it('is silent on a privileged container (the runtime applies no profile to it) and fires on its unprivileged neighbour', () => {
    expectFindings(
      seccompMissing,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni}
spec:
  template:
    spec:
      containers:
        - name: cni
          image: cni:1.0
          securityContext: {privileged: true}
        - name: metrics
          image: exporter:1.0
`,
      [{ line: 11, container: 'metrics' }],
    );
  });

  it('is silent when the pod level sets it (even Unconfined: that is a baseline finding) and for Windows pods', () => {
    expectNone(
      seccompMissing,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: a
      image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata: {name: q}
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
    - name: a
      image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata: {name: w}
spec:
  os: {name: windows}
  containers:
    - name: a
      image: nanoserver:ltsc2022
`,
    );
  });
});

describe('capabilities-not-dropped', () => {
  it('fires when ALL is not dropped or baseline-only capabilities are added', () => {
    expectFindings(
      capsNotDropped,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: none
          image: app:1.0
        - name: lower
          image: app:1.0
          securityContext:
            capabilities:
              drop: [all]
        - name: adds
          image: app:1.0
          securityContext:
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE, CHOWN]
        - name: good
          image: app:1.0
          securityContext:
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]
        - name: admin
          image: app:1.0
          securityContext:
            capabilities:
              drop: [ALL]
              add: [SYS_ADMIN]
`,
      [
        { line: 8, container: 'none', message: "container \"none\": capabilities.drop does not include ALL, so it keeps the runtime's default capabilities (PSS restricted: Capabilities)" },
        { line: 14, container: 'lower', message: 'capabilities.drop has "all" but PodSecurity only accepts "ALL"' },
        { line: 20, container: 'adds', message: 'capabilities.add includes CHOWN (only NET_BIND_SERVICE may be added)' },
      ],
    );
  });
});

describe('capabilities-not-dropped on privileged containers', () => {
  it('is silent: a privileged container has every capability whatever drop says', () => {
    expectFindings(
      capsNotDropped,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: priv
      image: agent:1.0
      securityContext:
        privileged: true
        capabilities: {add: [CHOWN]}
    - name: plain
      image: agent:1.0
`,
      [{ line: 11, container: 'plain' }],
    );
  });
});

describe('restricted-proc-mount', () => {
  it('fires only for hostUsers: false pods (the baseline check covers the others)', () => {
    expectFindings(
      restrictedProcMount,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  containers:
    - name: a
      image: nginx:1.27
      securityContext: {procMount: Unmasked}
---
apiVersion: v1
kind: Pod
metadata: {name: q}
spec:
  containers:
    - name: a
      image: nginx:1.27
      securityContext: {procMount: Unmasked}
`,
      [{ line: 9, container: 'a', object: 'p', message: 'restricted requires Default' }],
    );
  });
});

describe('privilege-escalation: a container that already runs as root', () => {
  const pod = (podSC: string, sc: string) => `apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
${podSC}  containers:
    - name: agent
      image: example.com/agent:1
${sc}`;
  it('does not say setuid binaries raise it to root: it is root; says what no_new_privs would still stop', () => {
    expectFindings(escalation, pod('  securityContext: {runAsUser: 0}\n', ''), [
      { container: 'agent', message: 'container "agent": it already runs as root (runAsUser: 0 from the pod), and allowPrivilegeEscalation is not set (it defaults to true), so exec of setuid or file-capability binaries can still gain capabilities (no_new_privs is off)' },
    ]);
    expectFindings(escalation, pod('', '      securityContext: {runAsUser: 0, allowPrivilegeEscalation: true}\n'), [{ message: 'it already runs as root (runAsUser: 0), and allowPrivilegeEscalation is true' }]);
    // Not root: the usual wording.
    expectFindings(escalation, pod('  securityContext: {runAsUser: 1000}\n', ''), [{ message: /so setuid binaries can raise it to root/ }]);
  });
});
