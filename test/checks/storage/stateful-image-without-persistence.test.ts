import { describe, it } from 'node:test';
import check from '../../../src/checks/storage/stateful-image-without-persistence.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('stateful-image-without-persistence', () => {
  it('fires on a Deployment running postgres with no volume, at the container', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  template:
    spec:
      containers:
        - name: postgres
          image: docker.io/bitnami/postgresql:16.4.0
`,
      [{ line: 8, severity: 'error', container: 'postgres', message: 'runs postgresql' }],
    );
  });

  it('fires when the data is only on emptyDir, and names the volume', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: search}
spec:
  template:
    spec:
      containers:
        - name: es
          image: registry.example.com:5000/elastic/elasticsearch:8.15.0
          volumeMounts:
            - {name: config, mountPath: /usr/share/elasticsearch/config/extra, readOnly: true}
            - {name: data, mountPath: /usr/share/elasticsearch/data}
      volumes:
        - name: config
          configMap: {name: es}
        - name: data
          emptyDir: {}
`,
      [{ line: 10, message: 'emptyDir "data" at /usr/share/elasticsearch/data' }],
    );
  });

  it('fires on a StatefulSet that does not mount its claim template', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mq}
spec:
  serviceName: mq
  template:
    spec:
      containers:
        - name: rabbit
          image: rabbitmq:3.13-management
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
      [{ line: 9, message: 'volumeClaimTemplates "data" exist but are not mounted' }],
    );
  });

  it('reports redis at warning with honest wording, also in an argo Rollout', () => {
    expectFindings(
      check,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: sessions}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: redis
          image: redis:7-alpine
`,
      [{ line: 9, severity: 'warning', message: 'if it holds data you need' }],
    );
  });

  it('several containers of one image in a pod (a server, its sentinel, a helper): one finding, none when one of them persists', () => {
    const pod = (serverVolume: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis-ha}
spec:
  template:
    spec:
      containers:
        - name: sentinel
          image: redis:7.2
          command: [redis-sentinel, /data/sentinel.conf]
        - name: redis
          image: redis:7.2
          volumeMounts: [{name: data, mountPath: /data}]
        - name: split-brain-fix
          image: redis:7.2
          command: [sh, /scripts/fix.sh]
      volumes:
        - name: data
          ${serverVolume}
`;
    expectFindings(check, pod('emptyDir: {}'), [{ line: 13, container: 'redis', severity: 'warning' }]);
    expectNone(check, pod('persistentVolumeClaim: {claimName: redis-data}'));
  });

  it('is silent with a PVC, a mounted claim template, or a volume defined elsewhere', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  strategy: {type: Recreate}
  template:
    spec:
      containers:
        - name: mysql
          image: mysql:8.4
          volumeMounts:
            - {name: data, mountPath: /var/lib/mysql}
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: mysql-data}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg}
spec:
  serviceName: pg
  template:
    spec:
      containers:
        - name: pg
          image: postgres:16
          volumeMounts:
            - {name: data, mountPath: /var/lib/postgresql/data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: patched}
spec:
  template:
    spec:
      containers:
        - name: mongo
          image: mongo:7
          volumeMounts:
            - {name: data, mountPath: /data/db}
`,
    );
  });

  it('is silent for exporters, clients, CronJobs, init containers, cache-mode redis and non-database images', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: exporters}
spec:
  template:
    spec:
      initContainers:
        - name: wait
          image: postgres:16
          command: ["pg_isready", "-h", "db"]
        - name: migrate
          image: postgres:16
      containers:
        - {name: pg, image: "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"}
        - {name: redis, image: "oliver006/redis_exporter:v1.62.0"}
        - {name: mysql, image: "prom/mysqld-exporter:v0.15.1"}
        - {name: ui, image: "mongo-express:1.0"}
        - {name: bouncer, image: "bitnami/pgbouncer:1.23"}
        - name: toolbox
          image: postgres:16
          command: ["sleep", "infinity"]
        - name: cache
          image: redis:7
          args: ["--save", "", "--appendonly", "no"]
        - name: cache2
          image: valkey/valkey:8
          command: ["valkey-server", "--save", "''"]
        - name: memcached
          image: memcached:1.6
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: dump
              image: postgres:16
              command: ["sh", "-c", "pg_dump -h db app > /backup/app.sql"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: partial}
spec:
  template:
    spec:
      containers:
        - name: x
          image: 42
        - "not a container"
`,
    );
  });

  it('is silent for Redis Sentinels (no dataset), still fires for the servers beside them', () => {
    const rc = (container: string) => `apiVersion: v1
kind: ReplicationController
metadata: {name: redis-sentinel}
spec:
  replicas: 3
  selector: {role: sentinel}
  template:
    metadata:
      labels: {role: sentinel}
    spec:
      containers:
${container}`;
    expectNone(check, rc(`      - name: sentinel
        image: registry.k8s.io/redis:v1
        env: [{name: SENTINEL, value: "true"}]
        ports: [{containerPort: 26379}]
`));
    expectNone(check, rc(`      - name: sentinel
        image: redis:7.4
        command: [redis-sentinel, /etc/redis/sentinel.conf]
`));
    expectNone(check, rc(`      - name: sentinel
        image: valkey/valkey:8
        args: [/etc/valkey/sentinel.conf, --sentinel]
`));
    // A server port beside 26379, or none at all: a server.
    expectFindings(check, rc(`      - name: server
        image: redis:7.4
        ports: [{containerPort: 6379}, {containerPort: 26379}]
`), [{ container: 'server', severity: 'warning' }]);
  });

  it('a volume with no source is the emptyDir the API server makes of it', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: ReplicationController
metadata: {name: redis}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: redis
          image: redis:7.4
          volumeMounts: [{name: data, mountPath: /data}]
      volumes:
        - name: data
`,
      [{ container: 'redis', severity: 'warning', message: 'its only writable volumes are emptyDir "data" at /data' }],
    );
  });

  it('uses the images parameter', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: store
      image: ghcr.io/acme/tsdb:2
`,
      [{ line: 6, container: 'store' }],
      { params: { images: ['tsdb'], cacheImages: [] } },
    );
  });
});
