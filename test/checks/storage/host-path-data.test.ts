import { describe, it } from 'node:test';
import check from '../../../src/checks/storage/host-path-data.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('host-path-data', () => {
  it('fires on a writable hostPath data mount in a Deployment, at the volumeMount', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: uploads}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          volumeMounts:
            - name: config
              mountPath: /etc/app
              readOnly: true
            - name: files
              mountPath: /srv/uploads
      volumes:
        - name: config
          hostPath: {path: /opt/app/config}
        - name: files
          hostPath: {path: /data/uploads, type: DirectoryOrCreate}
`,
      [{ line: 14, container: 'app', severity: 'warning', message: 'hostPath /data/uploads' }],
    );
  });

  it('says so when the pod is pinned to a node', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      nodeSelector: {kubernetes.io/hostname: node-7}
      containers:
        - name: db
          image: postgres:16
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
      volumes:
        - {name: data, hostPath: {path: /mnt/disks/pg}}
`,
      [{ line: 11, message: 'pinned to node "node-7"' }],
    );
  });

  it('is silent for DaemonSets, read-only mounts, sockets, devices, node paths and CronJobs', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: agent:1
          volumeMounts: [{name: state, mountPath: /state}]
      volumes:
        - {name: state, hostPath: {path: /var/lib/agent}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          volumeMounts:
            - {name: ro, mountPath: /data, readOnly: true}
            - {name: sock, mountPath: /var/run/docker.sock}
            - {name: dev, mountPath: /dev/fuse}
            - {name: tz, mountPath: /etc/localtime}
            - {name: csock, mountPath: /plugin}
            - {name: cni, mountPath: /host/opt/cni/bin}
            - {name: cnistate, mountPath: /host/var/lib/cni}
            - {name: missing, mountPath: /x}
      volumes:
        - {name: ro, hostPath: {path: /srv/data}}
        - {name: sock, hostPath: {path: /var/run/docker.sock}}
        - {name: dev, hostPath: {path: /dev/fuse}}
        - {name: tz, hostPath: {path: /etc/localtime}}
        - {name: csock, hostPath: {path: /opt/plugin/api, type: Socket}}
        - {name: cni, hostPath: {path: /opt/cni/bin}}
        - {name: cnistate, hostPath: {path: /var/lib/cni/}}
        - {name: odd, hostPath: "not a map"}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: j
          image: busybox:1.36
          volumeMounts: [{name: out, mountPath: /out}]
      volumes:
        - {name: out, hostPath: {path: /srv/out}}
`,
    );
  });
});

describe('host-path-data: the host root', () => {
  const mount = (path: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: gpu-probe}
spec:
  template:
    spec:
      containers:
        - name: probe
          image: probe:1
          volumeMounts: [{name: host, mountPath: /host}]
      volumes:
        - {name: host, hostPath: {path: ${path}}}
`;
  it('the node\'s root filesystem (/, /var, /var/lib) is node integration, not app data; what lies below /var/lib is data', () => {
    for (const p of ['/', '/var', '/var/lib/', '/bin', '/sbin/x']) expectNone(check, mount(p));
    expectFindings(check, mount('/var/lib/mysql'), [{ line: 10, message: '/var/lib/mysql' }]);
  });
});
