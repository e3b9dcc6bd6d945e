import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/host-network-cluster-dns.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

/** A DaemonSet in namespace `monitoring` with hostNetwork and the given pod spec fields and container body. */
function ds(podFields: string, container: string, name = 'node-agent'): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
${podFields}
      containers:
        - name: agent
          image: registry.example.com/node-agent:1.4.2
${container}
`;
}

const svc = (name: string, ns: string) => `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: {app: ${name}}
  ports: [{port: 8080}]
`;

describe('host-network-cluster-dns', () => {
  it('fires on a .svc URL in an env value, at spec.hostNetwork when dnsPolicy is unset', () => {
    expectFindings(
      check,
      ds(
        '      hostNetwork: true',
        `          env:
            - name: METRICS_URL
              value: http://metrics.monitoring.svc:9090/api/v1/write
            - name: OTHER
              value: grpc://traces.observability.svc.cluster.local:4317`,
      ),
      [
        {
          line: 13,
          severity: 'warning',
          container: 'agent',
          message: 'container "agent" (hostNetwork, dnsPolicy ClusterFirst by default) resolves "metrics.monitoring.svc" (env METRICS_URL) and 1 more cluster name: the kubelet gives host-network pods the node\'s DNS',
        },
      ],
    );
  });

  it('fires on --server=http://api.backend.svc:8080 in args, at dnsPolicy when it says ClusterFirst', () => {
    expectFindings(
      check,
      ds(
        `      hostNetwork: true
      dnsPolicy: ClusterFirst`,
        `          args:
            - --v=2
            - --server=http://api.backend.svc:8080`,
      ),
      [{ line: 14, message: '(hostNetwork, dnsPolicy ClusterFirst) resolves "api.backend.svc" (args[1])' }],
    );
  });

  it('fires on a flag value in the next item, a shell script, host:port, gRPC dns:/// and a pod name under a StatefulSet Service', () => {
    const found = runCheck(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ops}
spec:
  hostNetwork: true
  initContainers:
    - name: wait
      image: busybox:1.36
      command: ["sh", "-c", "until nc -z db-0.db.shop.svc.cluster.local 5432; do sleep 1; done"]
  containers:
    - name: a
      image: a:1
      args: ["--upstream", "http://auth.idp.svc.k8s.local"]
    - name: b
      image: b:1
      command: ["/b", "--kafka=kafka.data.svc:9092,kafka-1.kafka.data.svc:9092"]
    - name: c
      image: c:1
      env:
        - {name: TARGET, value: "dns:///api.backend.svc:50051"}
`,
    );
    assert.deepEqual(
      found.map((f) => [f.container, /resolves "([^"]+)" \(([^)]+)\)/.exec(f.message)?.slice(1).join(' @ ')]),
      [
        ['wait', 'db-0.db.shop.svc.cluster.local @ command[2]'],
        ['a', 'auth.idp.svc.k8s.local @ args[1]'],
        ['b', 'kafka.data.svc @ command[1]'],
        ['c', 'api.backend.svc @ env TARGET'],
      ],
    );
    assert.ok(found[2].message.includes('and 1 more cluster name:'));
  });

  it('fires on a bare Service name of the pod\'s namespace and on <name>.<namespace>, naming the Service', () => {
    const found = expectFindings(
      check,
      ds(
        '      hostNetwork: true',
        `          env:
            - name: DB_HOST
              value: postgres
        - name: pusher
          image: registry.example.com/pusher:2.0.0
          args: ["--gateway=http://pushgateway.metrics:9091"]
        - name: warm
          image: registry.example.com/warm:2.0.0
          command: ["warm", "cache:8080"]`,
      ) +
        svc('postgres', 'monitoring') +
        svc('pushgateway', 'metrics') +
        svc('cache', 'monitoring'),
      [
        { line: 13, container: 'agent', message: 'resolves "postgres" (env DB_HOST, Service "postgres" of namespace "monitoring"): the kubelet gives host-network pods the node\'s DNS, without the cluster DNS server or the namespace search domains' },
        { line: 13, container: 'pusher', message: 'resolves "pushgateway.metrics" (args[0], Service "pushgateway" of namespace "metrics")' },
        { line: 13, container: 'warm', message: 'resolves "cache" (command[1], Service "cache" of namespace "monitoring")' },
      ],
    );
    assert.equal(found[0].related[0]?.object.name, 'postgres');
    assert.equal(found[1].related[0]?.object.namespace, 'metrics');
  });

  it('is silent without evidence, and for ClusterFirstWithHostNet, Default, None, hostNetwork false or unset', () => {
    const env = `          env:
            - name: METRICS_URL
              value: http://metrics.monitoring.svc:9090`;
    expectNone(
      check,
      [
        ds('      hostNetwork: true', `          args: ["--path.rootfs=/host/root", "--web.listen-address=127.0.0.1:9100", "--collector.textfile.directory=/var/lib/x.svc"]`, 'exporter'),
        ds(`      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet`, env, 'a'),
        ds(`      hostNetwork: true\n      dnsPolicy: Default`, env, 'b'),
        ds(`      hostNetwork: true\n      dnsPolicy: None\n      dnsConfig:\n        nameservers: [10.96.0.10]`, env, 'c'),
        ds('      hostNetwork: false', env, 'd'),
        ds('      restartPolicy: Always', env, 'e'),
        ds('      hostNetwork: "true"', env, 'f'),
      ].join('---\n'),
    );
  });

  it('is silent for templated values, valueFrom, paths, images, external FQDNs, IPs and non-connecting keys', () => {
    expectNone(
      check,
      ds(
        '      hostNetwork: true',
        `          command: ["/agent", "--config=/var/run/x.svc", "--image=registry.monitoring.svc:5000/agent:1.0", "--tls-server-name=kubernetes.default.svc", "--advertise-address=node.kube-system.svc"]
          args:
            - --server=http://{{ .Values.api }}.backend.svc:8080
            - --api=http://\${API_HOST}.backend.svc
            - --metrics=http://metrics.$(POD_NAMESPACE).svc:9090
            - --remote=https://api.example.com:443
            - --peer=10.0.0.12:7946
            - --name=x.y.svc.example.com
            - --label=app.kubernetes.io/name=x.y.svc
          env:
            - name: FROM_CONFIG
              valueFrom:
                configMapKeyRef: {name: agent, key: url}
            - name: NO_PROXY
              value: .svc,.cluster.local,10.0.0.0/8,kubernetes.default.svc
            - name: CLUSTER_DOMAIN
              value: svc.cluster.local
            - name: URL
              value: "{{ .Values.url }}"`,
      ),
    );
  });

  it('is silent for a bare name matching a Service of another namespace, a word without host context, host:port with a port the Service lacks, and hostAliases', () => {
    expectNone(
      check,
      ds(
        `      hostNetwork: true
      hostAliases:
        - ip: 10.96.0.20
          hostnames: [registry.infra.svc.cluster.local]`,
        `          command: ["postgres", "-c", "shared_buffers=128MB"]
          env:
            - name: DB_HOST
              value: redis
            - name: MIRROR
              value: http://registry.infra.svc.cluster.local:5000
            - name: REDIS_IMAGE
              value: postgres:16
            - name: FALLBACK
              value: postgres:16`,
      ) +
        svc('redis', 'cache') +
        svc('postgres', 'monitoring'),
    );
  });

  it('skips a host-network pod that adds its own nameservers through dnsConfig, but not one that adds only searches', () => {
    const env = `          env:
            - name: METRICS_URL
              value: http://metrics.monitoring.svc:9090`;
    expectFindings(
      check,
      [
        ds(`      hostNetwork: true\n      dnsConfig:\n        nameservers: [10.96.0.10]`, env, 'a'),
        ds(`      hostNetwork: true\n      dnsConfig:\n        searches: [monitoring.svc.cluster.local]`, env, 'b'),
      ].join('---\n'),
      [{ object: 'b', message: 'metrics.monitoring.svc' }],
    );
  });

  it('does not crash on odd shapes', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: odd}
spec:
  hostNetwork: true
  dnsConfig: "x"
  hostAliases: [{hostnames: "a.b.svc"}, 3]
  containers:
    - name: a
      image: a:1
      env: [{name: X, value: 5}, "str", {value: "http://a.b.svc"}, {name: Y}]
      command: {a: b}
      args: [1, null, ["http://a.b.svc"]]
`,
    );
  });
});
