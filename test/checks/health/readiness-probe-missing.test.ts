import { describe, it } from 'node:test';
import check from '../../../src/checks/health/readiness-probe-missing.js';
import assert from 'node:assert/strict';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

describe('readiness-probe-missing', () => {
  it('fires on a Deployment container with ports and no readinessProbe', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports: [{name: http, containerPort: 80}]
          livenessProbe:
            httpGet: {path: /, port: http}
`,
      [{ line: 8, container: 'app', severity: 'error', message: 'declares ports but has no readinessProbe' }],
    );
  });

  it('says Ready follows the startupProbe when there is one, and names the Service that sends traffic', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports: [{name: http, containerPort: 80}]
          startupProbe:
            httpGet: {path: /, port: http}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`,
      [
        {
          line: 10,
          container: 'app',
          severity: 'error',
          message: 'container "app" declares ports but has no readinessProbe: it is Ready as soon as its startupProbe passes, so Service "web" sends it traffic before it can serve and rollouts proceed without checking it',
        },
      ],
    );
  });

  it('a sidecar with ports but no probe, next to a container whose readiness gates the pod: only when a Service targets the sidecar\'s ports', () => {
    const pod = (service: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: proxy
          image: proxy:1.0
          ports: [{name: admin, containerPort: 9000}]
        - name: app
          image: app:1.0
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /readyz, port: http}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [${service}]
`;
    // The Service sends traffic to the app container only: the proxy adds nothing to fix.
    expectNone(check, pod('{port: 80, targetPort: http}'));
    // By name or by number, traffic to the proxy's port makes it count.
    expectFindings(check, pod('{port: 80, targetPort: http}, {name: admin, port: 9000, targetPort: admin}'), [
      { line: 10, container: 'proxy', severity: 'error', message: 'the pod is Ready once container "app"\'s readiness passes, so Service "web" sends traffic to "proxy" whether or not it can serve yet' },
    ]);
    expectFindings(check, pod('{port: 9000}'), [{ line: 10, container: 'proxy', severity: 'error' }]);
  });

  it('an unnamed port whose only Service is a metrics Service is a metrics port: a warning, as for a port named metrics', () => {
    const input = (svcPort: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: descheduler}
spec:
  template:
    metadata:
      labels: {app: descheduler}
    spec:
      containers:
        - name: descheduler
          image: descheduler:0.36
          ports: [{containerPort: 10258, protocol: TCP}]
          livenessProbe: {httpGet: {path: /healthz, port: 10258, scheme: HTTPS}}
---
apiVersion: v1
kind: Service
metadata: {name: descheduler}
spec:
  clusterIP: None
  selector: {app: descheduler}
  ports: [${svcPort}]
`;
    expectFindings(check, input('{name: http-metrics, port: 10258, targetPort: 10258}'), [
      { line: 10, severity: 'warning', message: 'declares only metrics and health ports (10258, scraped through a metrics Service)' },
    ]);
    // A Service port not named for metrics: traffic, an error.
    expectFindings(check, input('{name: https, port: 443, targetPort: 10258}'), [{ line: 10, severity: 'error', message: 'Service "descheduler" sends it traffic' }]);
    // ... unless a ServiceMonitor of the input scrapes that port of the headless Service: a scrape-target list (kube-prometheus).
    const monitor = (port: string) => `---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: descheduler}
spec:
  selector: {matchLabels: {app: descheduler}}
  endpoints: [{port: ${port}, scheme: https}]
`;
    const labelled = (svcPort: string) => input(svcPort).replace('metadata: {name: descheduler}\nspec:\n  clusterIP', 'metadata: {name: descheduler, labels: {app: descheduler}}\nspec:\n  clusterIP');
    expectFindings(check, labelled('{name: https, port: 443, targetPort: 10258}') + monitor('https'), [
      { line: 10, severity: 'warning', message: 'declares only metrics and health ports (10258, scraped through a metrics Service)' },
    ]);
    expectFindings(check, labelled('{name: https, port: 443, targetPort: 10258}') + monitor('other'), [{ line: 10, severity: 'error' }]);
    // Not headless: clients may connect through it.
    expectFindings(check, labelled('{name: https, port: 443, targetPort: 10258}').replace('  clusterIP: None\n', '') + monitor('https'), [{ line: 10, severity: 'error' }]);
  });

  it('names a Service only for the container whose port it targets', () => {
    const found = runCheck(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: ui}
spec:
  template:
    metadata:
      labels: {app: ui}
    spec:
      containers:
        - name: frontend
          image: ui:1
          ports: [{name: http, containerPort: 8081}]
        - name: backend
          image: ui-backend:1
          ports: [{name: grpc, containerPort: 8090}]
---
apiVersion: v1
kind: Service
metadata: {name: ui}
spec:
  selector: {app: ui}
  ports: [{port: 80, targetPort: http}]
`,
    );
    assert.deepEqual(
      found.map((f) => [f.container, /Service "ui"/.test(f.message)]),
      [['frontend', true], ['backend', false]],
    );
  });

  it('a Service with publishNotReadyAddresses lists pods whether ready or not: it is no reason for an error', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: etcd}
spec:
  template:
    metadata:
      labels: {app: etcd}
    spec:
      containers:
        - name: etcd
          image: etcd:3.5
---
apiVersion: v1
kind: Service
metadata: {name: etcd-peers}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: etcd}
  ports: [{name: peer, port: 2380}]
`,
      [{ line: 10, container: 'etcd', severity: 'warning', message: 'no Service in the input sends it traffic' }],
    );
  });

  it('fires once for a portless pod with no readiness at all, on the first container: a warning (a worker: no traffic), an error when a Service sends it traffic', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  template:
    spec:
      containers:
        - name: worker
          image: example.com/worker:1
        - name: helper
          image: example.com/helper:1
`,
      [{ line: 8, container: 'worker', severity: 'warning', message: 'rollouts proceed without checking it works; no Service in the input sends it traffic (if one elsewhere does' }],
    );
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
        - name: worker
          image: example.com/worker:1
---
apiVersion: v1
kind: Service
metadata: {name: worker}
spec:
  selector: {app: worker}
  ports: [{name: http, port: 80, targetPort: 8080}]
`,
      [{ line: 9, container: 'worker', severity: 'error', message: 'yet Service "worker" selects these pods' }],
    );
  });

  it('does not flag a portless helper when another container gates readiness', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports: [{containerPort: 80}]
          readinessProbe: {httpGet: {path: /, port: 80}}
        - name: log-shipper
          image: fluent/fluent-bit:3.1
`,
    );
  });

  it('flags only the container with ports when a helper also lacks readiness', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: helper
          image: busybox:1.36
        - name: app
          image: nginx:1.27
          ports: [{containerPort: 80}]
`,
      [{ line: 10, container: 'app' }],
    );
  });

  it('never flags native sidecars or plain init containers', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox:1.36
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
          restartPolicy: Always
          ports: [{containerPort: 15001}]
      containers:
        - name: app
          image: nginx:1.27
          ports: [{containerPort: 80}]
          readinessProbe: {tcpSocket: {port: 80}}
`,
    );
  });

  it('DaemonSets: fires with ports, silent without ports and without a selecting Service', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter}
spec:
  template:
    spec:
      containers:
        - name: exporter
          image: prom/node-exporter:v1.8.2
          ports: [{name: metrics, containerPort: 9100}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: logs}
spec:
  template:
    metadata: {labels: {app: logs}}
    spec:
      containers:
        - name: collector
          image: fluent/fluent-bit:3.1
`,
      [{ line: 8, object: 'node-exporter', container: 'exporter', message: 'DaemonSet container "exporter"' }],
    );
  });

  it('DaemonSets without ports fire when a Service in the same namespace selects them', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: dns-cache, namespace: kube-system}
spec:
  template:
    metadata: {labels: {app: dns-cache, tier: node}}
    spec:
      containers:
        - name: cache
          image: example.com/dns-cache:1
---
apiVersion: v1
kind: Service
metadata: {name: dns-cache, namespace: kube-system}
spec:
  selector: {app: dns-cache}
  ports: [{port: 53, protocol: UDP}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: dns-cache}
spec:
  template:
    metadata: {labels: {app: dns-cache}}
    spec:
      containers:
        - name: cache
          image: example.com/dns-cache:1
`,
      [{ line: 9, object: 'dns-cache', container: 'cache', message: 'Service "dns-cache" selects these pods' }],
    );
  });

  it('fires for bare Pods and Argo Rollouts, not for Jobs or Knative Services', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports: [{containerPort: 80}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  template:
    spec:
      containers:
        - name: api
          image: example.com/api:1
          ports: [{containerPort: 8080}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: job, image: busybox:1.36, ports: [{containerPort: 80}]}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: kn}
spec:
  template:
    spec:
      containers:
        - image: example.com/fn:1
          ports: [{containerPort: 8080}]
`,
      [
        { line: 6, object: 'p', container: 'web', message: /sends traffic before it can serve$/ },
        { line: 17, object: 'ro', container: 'api', message: /sends traffic before it can serve, and rollouts proceed without checking it$/ },
      ],
    );
  });

  it('bare Pods and ReplicationControllers have no rollout: the message does not promise one', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: rc}}
    spec:
      containers:
        - name: worker
          image: example.com/worker:1
---
apiVersion: v1
kind: Pod
metadata: {name: exporter}
spec:
  containers:
    - name: exporter
      image: example.com/exporter:1
      ports: [{name: metrics, containerPort: 9100}]
`,
      [
        { line: 10, object: 'rc', severity: 'warning', message: 'container "worker" is Ready as soon as it starts, so it counts as Ready (for PodDisruptionBudgets too) without checking it works; no Service in the input' },
        { line: 18, object: 'exporter', severity: 'warning', message: 'no Service traffic depends on it, but the pod counts as Ready (for PodDisruptionBudgets too) as soon as it starts' },
      ],
    );
  });

  it('a bare Pod without ports (a one-shot client, a benchmark): only when a Service or a PodDisruptionBudget selects it', () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: perf, namespace: shop, labels: {app: perf}}
spec:
  containers:
    - name: client
      image: example.com/perf:1
      command: [sh, -c, "genai-perf profile -m model"]
`;
    expectNone(check, pod);
    expectFindings(
      check,
      `${pod}---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: perf, namespace: shop}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: perf}}
`,
      [{ object: 'perf', severity: 'warning', message: 'it counts as Ready (for PodDisruptionBudgets too) without checking it works' }],
    );
    expectFindings(
      check,
      `${pod}---
apiVersion: v1
kind: Service
metadata: {name: perf, namespace: shop}
spec:
  selector: {app: perf}
  ports: [{port: 80}]
`,
      [{ object: 'perf', severity: 'error', message: 'yet Service "perf" selects these pods' }],
    );
  });

  it('a container that only idles serves nothing: not reported even when a Service selects the pod; the working container beside it still is', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p1, labels: {name: busybox}}
spec:
  hostname: p1
  subdomain: sub
  containers:
    - name: busybox
      image: busybox:1.36
      command: [sleep, '3600']
---
apiVersion: v1
kind: Service
metadata: {name: sub}
spec:
  clusterIP: None
  selector: {name: busybox}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: toolbox
          image: busybox:1.36
          command: [sh, -c, 'tail -f /dev/null']
        - name: app
          image: example.com/app:1
          ports: [{containerPort: 8080}]
`,
      [{ line: 31, object: 'web', container: 'app', message: 'declares ports but has no readinessProbe: it is Ready as soon as it starts, so any Service that selects it' }],
    );
  });

  it('a port named exporter or telemetry is a metrics port, as on a Service', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: rabbitmq}
spec:
  selector: {matchLabels: {app: rabbitmq}}
  template:
    metadata: {labels: {app: rabbitmq}}
    spec:
      containers:
        - name: exporter
          image: example.com/rabbitmq-exporter:1
          ports: [{name: exporter, containerPort: 9090}, {name: telemetry, containerPort: 9091}]
`,
      [{ line: 10, container: 'exporter', severity: 'warning', message: 'declares only metrics and health ports (exporter 9090, telemetry 9091)' }],
    );
  });

  it('a container whose port another container\'s readiness probe checks is gated by it (one network): not reported; a probe on another host or port is no gate', () => {
    const pod = (probe: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm}
spec:
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
        - name: server
          image: example.com/server:1
          ports: [{containerPort: 9000}]
          readinessProbe:
${probe}
        - name: http
          image: example.com/http:1
          ports: [{name: api, containerPort: 8000}]
---
apiVersion: v1
kind: Service
metadata: {name: llm}
spec:
  selector: {app: llm}
  ports: [{port: 80, targetPort: 8000}]
`;
    expectNone(check, pod('            httpGet: {path: /healthcheck, port: 8000}'));
    expectNone(check, pod('            tcpSocket: {port: 8000}'));
    expectFindings(check, pod('            httpGet: {path: /healthcheck, port: 8000, host: 10.0.0.1}'), [
      { line: 15, container: 'http', message: 'the pod is Ready once container "server"\'s readiness passes, so Service "llm" sends traffic to "http" whether or not it can serve yet, and rollouts never check it' },
    ]);
    expectFindings(check, pod('            httpGet: {path: /healthcheck, port: 9000}'), [{ line: 15, container: 'http' }]);
  });

  const controller = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: controller}
spec:
  selector: {matchLabels: {app: controller}}
  template:
    metadata: {labels: {app: controller}}
    spec:
      containers:
        - name: manager
          image: example.com/controller:1.4
          ports:
            - {name: http-metrics, containerPort: 9402}
            - {name: http-healthz, containerPort: 9403}
          livenessProbe: {httpGet: {path: /livez, port: http-healthz}}
${extra}`;

  it('a container with only metrics and health ports (a controller): a warning, since no traffic depends on its readiness', () => {
    expectFindings(check, controller(), [{ line: 10, container: 'manager', severity: 'warning', message: 'declares only metrics and health ports (http-metrics 9402, http-healthz 9403)' }]);
  });

  it('metrics-only ports and a metrics-only Service (a scrape target): still a warning', () => {
    expectFindings(
      check,
      controller(`---
apiVersion: v1
kind: Service
metadata: {name: controller-metrics}
spec:
  selector: {app: controller}
  ports: [{name: tcp-prometheus-servicemonitor, port: 9402, targetPort: http-metrics}]
`),
      [{ line: 10, container: 'manager', severity: 'warning' }],
    );
  });

  it('metrics-named ports, but a Service that is not metrics-only selects the pods: error (it routes traffic to them)', () => {
    expectFindings(
      check,
      controller(`---
apiVersion: v1
kind: Service
metadata: {name: controller}
spec:
  selector: {app: controller}
  ports: [{name: web, port: 80, targetPort: 9402}]
`),
      [{ line: 10, container: 'manager', severity: 'error', message: 'declares ports but has no readinessProbe' }],
    );
  });

  it('a serving port beside the metrics port, or an unnamed port: error as before', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: mixed}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: unnamed}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1
          ports: [{name: metrics, containerPort: 9090}, {containerPort: 8080}]
`,
      [
        { line: 8, object: 'mixed', severity: 'error', message: 'declares ports but has no readinessProbe' },
        { line: 19, object: 'unnamed', severity: 'error', message: 'declares ports but has no readinessProbe' },
      ],
    );
  });

  it('ports the container\'s own flags bind to its metrics or health endpoint count as metrics and health ports', () => {
    // A CSI sidecar (its standard port name says nothing) and a controller-runtime manager with unnamed ports.
    const sidecars = (args: string, ports: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: csi-controller}
spec:
  template:
    spec:
      containers:
        - name: csi-provisioner
          image: registry.k8s.io/sig-storage/csi-provisioner:v5.2.0
          args: [${args}]
          ports: [${ports}]
          livenessProbe: {httpGet: {path: /healthz/leader-election, port: 22011}}
`;
    expectFindings(check, sidecars('"--csi-address=/csi/csi.sock", "--http-endpoint=:22011"', '{name: http-endpoint, containerPort: 22011}'), [
      { line: 8, severity: 'warning', message: 'declares only metrics and health ports (http-endpoint 22011)' },
    ]);
    expectFindings(check, sidecars('"--metrics-bind-address=0.0.0.0:8080", "--health-probe-bind-address", ":8081"', '{containerPort: 8080}, {containerPort: 8081}'), [
      { line: 8, severity: 'warning', message: 'declares only metrics and health ports (8080 (--metrics-bind-address), 8081 (--health-probe-bind-address))' },
    ]);
    // A flag on another port, a disabled endpoint (0), or a serving flag: the port serves.
    for (const [args, ports] of [
      ['"--http-endpoint=:22011"', '{name: http-endpoint, containerPort: 22012}'],
      ['"--metrics-bind-address=0"', '{containerPort: 8080}'],
      ['"--web.listen-address=:9090"', '{containerPort: 9090}'],
      ['"--metrics-bind-address=:8080"', '{containerPort: 8080}, {name: https, containerPort: 9443}'],
    ]) {
      expectFindings(check, sidecars(args, ports), [{ line: 8, severity: 'error', message: 'declares ports but has no readinessProbe' }]);
    }
  });
});

describe('readiness-probe-missing: probes an operator adds', () => {
  it('KubeRay gives the Ray container of head and worker pods a readiness probe: nothing to report for it', () => {
    const cluster = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: llm}
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.41.0
            ports: [{name: serve, containerPort: 8000}]
`;
    expectNone(check, cluster);
    expectFindings(check, cluster.replace('ray.io/v1', 'example.com/v1'), [{ container: 'ray-head' }]);
  });
});

describe('readiness-probe-missing: a Service of a nearby folder', () => {
  const worker = `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm}
spec:
  replicas: 2
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
        - name: llm
          image: ghcr.io/huggingface/text-generation-inference:2.0
          env: [{name: PORT, value: "8080"}]
`;
  const service = `apiVersion: v1
kind: Service
metadata: {name: llm-service}
spec:
  selector: {app: llm}
  ports: [{port: 80, targetPort: 8080}]
`;
  const run = (serviceFile: string) => {
    const resources = [...loadText(worker, 'llm-multiple-gpus/falcon-40b/tgi.yaml', loadPlan([check])).resources, ...loadText(service, serviceFile, loadPlan([check])).resources];
    return audit({ resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
  };

  it('is named (not "no Service in the input") when both name no namespace and sit in close folders', () => {
    const [f] = run('llm-multiple-gpus/llm-service.yaml');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /Service "llm-service" \(llm-multiple-gpus\/llm-service\.yaml, a nearby folder, neither naming a namespace\) selects pods with these labels, so if it is deployed with them it sends them traffic before they are ready$/);
    assert.deepEqual(f.related.map((r) => [r.object.name, r.note]), [['llm-service', 'selects these pods if deployed with them']]);
  });

  it('a Service of an unrelated folder is not named', () => {
    const [f] = run('other-project/app/llm-service.yaml');
    assert.match(f.message, /no Service in the input sends it traffic/);
  });
});
