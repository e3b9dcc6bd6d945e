import { describe, it } from 'node:test';
import hostProcess from '../../../src/checks/security/host-process.js';
import hostNamespaces from '../../../src/checks/security/host-namespaces.js';
import hostPathVolume from '../../../src/checks/security/host-path-volume.js';
import hostPorts from '../../../src/checks/security/host-ports.js';
import unsafeSysctls from '../../../src/checks/security/unsafe-sysctls.js';
import hostProbes from '../../../src/checks/security/host-probes.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('host-process', () => {
  it('fires on pod level and container level hostProcess: true', () => {
    expectFindings(
      hostProcess,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: win-agent}
spec:
  template:
    spec:
      hostNetwork: true
      securityContext:
        windowsOptions:
          hostProcess: true
      containers:
        - name: agent
          image: agent:1.0
          securityContext:
            windowsOptions:
              hostProcess: true
`,
      [
        { line: 10, message: 'pod securityContext.windowsOptions.hostProcess: true', severity: 'error' },
        { line: 16, container: 'agent', message: '(PSS baseline: HostProcess)' },
      ],
    );
  });

  it('is silent on hostProcess: false and on ordinary Windows pods', () => {
    expectNone(
      hostProcess,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  securityContext:
    windowsOptions: {hostProcess: false, runAsUserName: ContainerUser}
  containers:
    - name: a
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
`,
    );
  });
});

describe('host-namespaces', () => {
  it('fires once per shared namespace, at the pod spec field', () => {
    expectFindings(
      hostNamespaces,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: snoop}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          hostNetwork: true
          hostPID: true
          hostIPC: false
          containers:
            - name: job
              image: busybox:1.36
`,
      [
        { line: 11, message: /^hostNetwork: true .*\(PSS baseline: Host Namespaces\)$/ },
        { line: 12, message: 'hostPID: true' },
      ],
    );
  });

  it('covers a Rollout template and ignores false values', () => {
    expectFindings(
      hostNamespaces,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  replicas: 3
  template:
    spec:
      hostIPC: true
      hostPID: false
      containers:
        - name: app
          image: app:1.0
`,
      [{ line: 8, message: 'hostIPC: true', object: 'r' }],
    );
  });

  it('names the container ports a host-network pod puts on the node (each becomes a hostPort of the Pod)', () => {
    expectFindings(
      hostNamespaces,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: exporter}
spec:
  template:
    spec:
      hostNetwork: true
      initContainers:
        - name: proxy
          image: proxy:1.0
          restartPolicy: Always
          ports:
            - containerPort: 9100
              hostPort: 9100
      containers:
        - name: exporter
          image: exporter:1.0
          ports:
            - containerPort: 9101
            - containerPort: 9100
`,
      [{ line: 7, message: /^hostNetwork: true .*; its container ports \(9100, 9101\) are node ports too: the API server sets each one's hostPort on the Pod, which PodSecurity baseline's Host Ports rejects as well \(PSS baseline: Host Namespaces\)$/ }],
    );
  });

  it('is silent when unset, and on strings where a boolean belongs', () => {
    expectNone(
      hostNamespaces,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      hostNetwork: "true"
      containers:
        - name: app
          image: app:1.0
`,
    );
  });
});

describe('host-path-volume', () => {
  it('fires per hostPath volume, names the mounting containers and flags runtime sockets', () => {
    expectFindings(
      hostPathVolume,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: logs}
spec:
  template:
    spec:
      initContainers:
        - name: setup
          image: busybox:1.36
          volumeMounts: [{name: varlog, mountPath: /host/log}]
      containers:
        - name: shipper
          image: fluent-bit:3.0
          volumeMounts:
            - {name: varlog, mountPath: /var/log, readOnly: true}
            - {name: sock, mountPath: /var/run/docker.sock}
      volumes:
        - name: varlog
          hostPath: {path: /var/log}
        - name: tmp
          emptyDir: {}
        - name: sock
          hostPath:
            path: /var/run/docker.sock
            type: Socket
`,
      [
        { line: 19, message: 'volume "varlog": hostPath "/var/log" mounts the node\'s filesystem into the pod, mounted by "setup" and "shipper" (PSS baseline' },
        { line: 23, message: /volume "sock": hostPath "\/var\/run\/docker.sock" .*take over the node/ },
      ],
    );
  });

  it('says a hostPath volume no container mounts exposes nothing (warning: baseline still rejects it)', () => {
    expectFindings(
      hostPathVolume,
      `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc}
spec:
  headGroupSpec:
    template:
      spec:
        containers:
          - name: head
            image: ray:2.40
            volumeMounts:
              - {name: used, mountPath: /host-sys}
        volumes:
          - name: proc-sys
            hostPath: {path: /proc/sys}
          - name: used
            hostPath: {path: /sys}
`,
      [
        { line: 15, severity: 'warning', message: 'volume "proc-sys": hostPath "/proc/sys" is declared but no container mounts it: the kubelet does not set it up, so nothing of the node reaches the pod, but PodSecurity baseline still rejects the pod; delete the volume (PSS baseline: HostPath Volumes)' },
        { line: 17, severity: 'error', message: 'volume "used": hostPath "/sys" mounts the node\'s filesystem into the pod, mounted by "head" (PSS baseline: HostPath Volumes)' },
      ],
    );
  });

  it('calls writable root access to directories the node executes from a takeover, and not read-only or non-root access', () => {
    expectFindings(
      hostPathVolume,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni}
spec:
  template:
    spec:
      initContainers:
        - name: install
          image: cni:1.0
          volumeMounts:
            - {name: cni-bin, mountPath: /host/opt/cni/bin}
      containers:
        - name: agent
          image: cni:1.0
          securityContext: {runAsUser: 1000}
          volumeMounts:
            - {name: cni-bin, mountPath: /host/opt/cni/bin}
            - {name: modules, mountPath: /lib/modules}
        - name: reader
          image: cni:1.0
          volumeMounts:
            - {name: modules, mountPath: /lib/modules, readOnly: true}
            - {name: gke-bin, mountPath: /gke-bin}
      volumes:
        - name: cni-bin
          hostPath: {path: /opt/cni/bin}
        - name: modules
          hostPath: {path: /lib/modules}
        - name: gke-bin
          hostPath: {path: /home/kubernetes/bin/}
`,
      [
        { line: 26, message: 'volume "cni-bin": hostPath "/opt/cni/bin" mounts the node\'s filesystem into the pod, mounted by "install" and "agent": the node runs what is in it as root (binaries or kernel modules) and "install" can write to it as root, so it is enough to take over the node (PSS baseline' },
        { line: 28, message: /^volume "modules": hostPath "\/lib\/modules" mounts the node's filesystem into the pod, mounted by "agent" and "reader" \(PSS baseline/ },
        { line: 30, message: /"reader" can write to it as root, so it is enough to take over the node/ },
      ],
    );
  });

  it('is silent without hostPath volumes and on odd volume lists', () => {
    expectNone(
      hostPathVolume,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
  volumes:
    - name: x
      configMap: {name: c}
    - "not-a-volume"
    - name: y
      hostPath: null
`,
    );
  });
});

describe('host-path-volume: read-only access by an unprivileged user', () => {
  const ds = (mount: string, sc: string, podSc = '{runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true}', path = '/') => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter}
spec:
  selector: {matchLabels: {app: ne}}
  template:
    metadata: {labels: {app: ne}}
    spec:
      securityContext: ${podSc}
      containers:
        - name: exporter
          image: node-exporter:1.8.0
          securityContext: ${sc}
          volumeMounts: [${mount}]
      volumes:
        - name: root
          hostPath: {path: ${path}}
`;
  const SAFE = '{allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [SYS_TIME]}}';
  const RO = '{name: root, mountPath: /host/root, readOnly: true}';
  const TAKEOVER = /hostPath "\/" mounts the node's filesystem into the pod, mounted by "exporter": this path alone is enough to take over the node/;

  it('keeps the finding but not the takeover clause for a read-only / mounted by a non-root user and group that cannot escalate', () => {
    expectFindings(hostPathVolume, ds(RO, SAFE), [
      {
        line: 17,
        severity: 'error',
        message:
          "volume \"root\": hostPath \"/\" mounts the node's filesystem into the pod, mounted by \"exporter\": mounted read-only by a non-root user and group that cannot escalate privileges, so it is not a node takeover by itself, but it reads every file of the node that this user and group may read",
      },
    ]);
  });

  it('keeps the takeover clause when the mount is writable, the user or group may be root, escalation is allowed, a capability bypasses permissions, or the path is a socket', () => {
    for (const yaml of [
      ds('{name: root, mountPath: /host/root}', SAFE),
      ds(`${RO}, {name: root, mountPath: /host/rw}`, SAFE),
      ds(RO, SAFE, '{runAsGroup: 65534}'),
      ds(RO, SAFE, '{runAsUser: 65534}'),
      ds(RO, SAFE, '{runAsUser: 65534, runAsGroup: 65534, supplementalGroups: [0]}'),
      ds(RO, '{allowPrivilegeEscalation: false, runAsUser: 0}'),
      ds(RO, '{capabilities: {drop: [ALL]}}'),
      ds(RO, '{allowPrivilegeEscalation: false, capabilities: {add: [DAC_READ_SEARCH]}}'),
    ]) {
      expectFindings(hostPathVolume, yaml, [{ line: 17, message: TAKEOVER }]);
    }
    expectFindings(hostPathVolume, ds(RO, SAFE, undefined, '/run/containerd/containerd.sock'), [{ line: 17, message: /containerd\.sock" .*this path alone is enough to take over the node/ }]);
  });
});

describe('host-ports', () => {
  it('fires once per container that binds host ports, including native sidecars', () => {
    expectFindings(
      hostPorts,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: proxy
          image: envoy:v1.31
          restartPolicy: Always
          ports:
            - containerPort: 9901
              hostPort: 9901
      containers:
        - name: app
          image: app:1.0
          ports:
            - containerPort: 8080
            - containerPort: 80
              hostPort: 80
            - containerPort: 443
              hostPort: 443
        - name: ok
          image: app:1.0
          ports:
            - containerPort: 9000
              hostPort: 0
`,
      [
        { line: 13, container: 'proxy', message: 'sidecar container "proxy": hostPort 9901' },
        { line: 20, container: 'app', message: 'container "app": hostPort 80, 443 opens these ports' },
      ],
    );
  });

  it('is silent on a host-network pod: its ports are on the node IP whatever hostPort says (host-namespaces reports hostNetwork)', () => {
    expectNone(
      hostPorts,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: exporter
          image: exporter:1.0
          ports:
            - containerPort: 9100
              hostPort: 9100
`,
    );
  });

  it('still fires when hostNetwork is false or a string', () => {
    expectFindings(
      hostPorts,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: false
  containers:
    - name: app
      image: app:1.0
      ports:
        - containerPort: 80
          hostPort: 8080
`,
      [{ line: 11, container: 'app', message: 'container "app": hostPort 8080 opens the port' }],
    );
  });
});

describe('unsafe-sysctls', () => {
  it('fires per unsafe sysctl and explains the slash spelling', () => {
    expectFindings(
      unsafeSysctls,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      securityContext:
        sysctls:
          - name: net.ipv4.tcp_keepalive_time
            value: "300"
          - name: net.core.somaxconn
            value: "4096"
          - name: net/ipv4/tcp_syncookies
            value: "1"
          - name: net.ipv4.tcp_notsent_lowat
            value: "16384"
      containers:
        - name: db
          image: postgres:16
`,
      [
        { line: 11, message: 'sysctl "net.core.somaxconn" is not in the safe set (PSS baseline: Sysctls)' },
        { line: 13, message: 'write it as "net.ipv4.tcp_syncookies"' },
      ],
    );
  });

  it('is silent on safe sysctls and on a sysctls field that is not a list', () => {
    expectNone(
      unsafeSysctls,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    sysctls: {name: kernel.msgmax}
  containers:
    - name: a
      image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata: {name: q}
spec:
  securityContext:
    sysctls:
      - {name: kernel.shm_rmid_forced, value: "1"}
      - {name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}
  containers:
    - name: a
      image: nginx:1.27
`,
    );
  });
});

describe('host-probes', () => {
  it('fires on probe and lifecycle hosts, once per container', () => {
    expectFindings(
      hostProbes,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
          livenessProbe:
            httpGet:
              path: /healthz
              port: 8080
              host: 169.254.169.254
          lifecycle:
            preStop:
              tcpSocket: {port: 80, host: internal.example.com}
        - name: fine
          image: app:1.0
          readinessProbe:
            httpGet: {path: /, port: 80, host: ""}
`,
      [{ line: 14, container: 'app', message: 'livenessProbe.httpGet.host: "169.254.169.254", lifecycle.preStop.tcpSocket.host: "internal.example.com"' }],
    );
  });

  it('loopback hosts too: PodSecurity baseline rejects any host, 127.0.0.1 and ::1 on host-networked pods included', () => {
    expectFindings(
      hostProbes,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: agent:1.0
          livenessProbe: {httpGet: {path: /healthz, port: 9879, host: 127.0.0.1}}
          readinessProbe: {tcpSocket: {port: 9879, host: "::1"}}
        - name: other
          image: agent:1.0
          livenessProbe: {httpGet: {path: /healthz, port: 9880, host: localhost}}
`,
      [
        { line: 11, container: 'agent', message: 'livenessProbe.httpGet.host: "127.0.0.1", readinessProbe.tcpSocket.host: "::1"' },
        { line: 15, container: 'other', message: 'livenessProbe.httpGet.host: "localhost"' },
      ],
    );
  });
});

