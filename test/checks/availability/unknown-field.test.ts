import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/unknown-field.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const deployment = (containerExtra: string, specExtra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
${specExtra}  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
${containerExtra}`;

describe('unknown-field', () => {
  it('fires on a misspelt container field, with the field meant and the path the API server names', () => {
    const [f] = expectFindings(check, deployment('        livenessprobe:\n          tcpSocket: {port: 8080}\n'), [
      { line: 12, container: 'web', message: 'unknown field "livenessprobe" in spec.template.spec.containers[0] (Container has no such field in Kubernetes 1.37; did you mean "livenessProbe"?)' },
    ]);
    assert.match(f.message, /strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.livenessprobe"/);
    assert.equal(f.field, 'spec.template.spec.containers[0].livenessprobe');
    assert.equal(f.fix, 'Rename spec.template.spec.containers[0].livenessprobe to spec.template.spec.containers[0].livenessProbe.');
  });

  it('fires on wrong case deep in a securityContext and in an init container of a CronJob', () => {
    expectFindings(
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
          - name: wait
            image: busybox:1.36
            securityContext:
              readOnlyRootFileSystem: true
          containers:
          - name: report
            image: registry.example/report:1.0
`,
      [{ line: 15, container: 'wait', message: /unknown field "readOnlyRootFileSystem" in spec\.jobTemplate\.spec\.template\.spec\.initContainers\[0\]\.securityContext \(SecurityContext has no such field in Kubernetes 1\.37; did you mean "readOnlyRootFilesystem"\?\)/ }],
    );
  });

  it('fires on a field at the wrong level, with where to look (kubectl explain) when nothing is near', () => {
    expectNone(check, deployment(''));
    const [f] = expectFindings(
        check,
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      memoryLimit: 512Mi
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
        [{ line: 9, message: /^unknown field "memoryLimit" in spec\.template\.spec \(PodSpec has no such field in Kubernetes 1\.37\): / }],
    );
    assert.equal(f.container, null);
    assert.equal(f.fix, 'Remove spec.template.spec.memoryLimit, or move it to where it belongs (kubectl explain deployment.spec.template.spec lists the fields PodSpec has).');
  });

  it('says what to write instead for fields of the removed Ingress version and replicas on a DaemonSet', () => {
    const found = runCheck(
      check,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  backend:
    serviceName: web
    servicePort: 80
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          serviceName: web
          servicePort: 80
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  replicas: 3
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "registry.example/agent:1.0"}]
`,
    ).sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
    // spec.backend is unknown as a whole: its own keys are not checked again; the rule's backend is
    // a known IngressBackend whose two keys are unknown.
    assert.deepEqual(
      found.map((f) => [f.field, f.location.line]),
      [
        ['spec.backend', 5],
        ['spec.rules[0].http.paths[0].backend.serviceName', 14],
        ['spec.rules[0].http.paths[0].backend.servicePort', 15],
        ['spec.replicas', 21],
      ],
    );
    assert.match(found[0].message, /instead: defaultBackend \(the networking\.k8s\.io\/v1 name/);
    assert.equal(found[1].fix, 'Instead of spec.rules[0].http.paths[0].backend.serviceName: service.name (the networking.k8s.io/v1 form).');
    assert.match(found[3].message, /unknown field "replicas" in spec \(DaemonSetSpec has no such field in Kubernetes 1\.37; instead: nothing: a DaemonSet runs one pod on each node/);
  });

  it('fires on other built-in kinds: a Service, a RoleBinding, a top-level key', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selectors: {app: web}
  ports: [{port: 80, targetport: 8080}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read}
subject:
- {kind: ServiceAccount, name: web}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
datas: {a: b}
`,
      [
        { line: 5, message: /unknown field "selectors" in spec \(ServiceSpec .*did you mean "selector"\?\)/ },
        { line: 6, message: /unknown field "targetport" in spec\.ports\[0\] \(ServicePort .*did you mean "targetPort"\?\)/ },
        { line: 12, message: /^unknown field "subject" \(RoleBinding has no such field in Kubernetes 1\.37; did you mean "subjects"\?\): / },
        { line: 18, message: /unknown field "datas" \(ConfigMap .*did you mean "data"\?\)/ },
      ],
    );
  });

  it('does not fire on a complete, valid Deployment using many fields', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, team: shop}
  annotations: {a: b}
  creationTimestamp: null
spec:
  replicas: 3
  revisionHistoryLimit: 5
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
  selector:
    matchLabels: {app: web}
    matchExpressions: [{key: tier, operator: In, values: [web]}]
  template:
    metadata: {labels: {app: web, tier: web}, annotations: {"prometheus.io/scrape": "true"}}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, fsGroup: 2000}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      volumes:
      - {name: tmp, emptyDir: {sizeLimit: 64Mi}}
      - {name: conf, configMap: {name: web, items: [{key: a, path: a}]}}
      containers:
      - name: web
        image: registry.example/web:1.0
        args: [--port=8080]
        env:
        - {name: A, value: "1"}
        - name: B
          valueFrom: {secretKeyRef: {name: web, key: b}}
        ports: [{name: http, containerPort: 8080, protocol: TCP}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
        livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10}
        readinessProbe: {httpGet: {path: /ready, port: http}}
        startupProbe: {tcpSocket: {port: 8080}, failureThreshold: 30}
        lifecycle: {preStop: {sleep: {seconds: 5}}}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        volumeMounts: [{name: tmp, mountPath: /tmp}, {name: conf, mountPath: /etc/web, readOnly: true}]
`,
    );
  });

  it('does not fire on null values, patch directives, template keys, status, managedFields, custom resources or removed versions', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  managedFields:
  - manager: kubectl
    operation: Update
    fieldsV1: {"f:spec": {}}
    somethingNewer: x
spec:
  selector: {matchLabels: {app: web}}
  patches: null
  template:
    metadata: {labels: {app: web}}
    spec:
      $setElementOrder/containers: [{name: web}]
      containers:
      - name: web
        image: registry.example/web:1.0
        $patch: replace
        "{{ .Values.extraField }}": x
status:
  someFieldOfANewerCluster: 1
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {anything: goes}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old}
spec:
  template:
    metadata: {labels: {app: old}}
    spec:
      containers: [{name: old, image: "registry.example/old:1.0", whatever: 1}]
`,
    );
  });

  it('leaves a misspelt template to the input error that already names it', () => {
    const yaml = `apiVersion: v1
kind: ReplicationController
metadata: {name: bob}
spec:
  replicas: 2
  selector: {app: bob}
  templates:
    metadata: {labels: {app: bob}}
    spec:
      containers: [{name: bob, image: "registry.example/bob:1.0"}]
`;
    expectNone(check, yaml);
    const loaded = loadText(yaml, 'rc.yaml', loadPlan([check]));
    const report = audit({ resources: loaded.resources, problems: [] }, { checks: [check] });
    assert.ok(report.problems.some((p) => p.level === 'error' && /it has "templates": a typo of "template"\?/.test(p.message)));
  });

  it('does not run on a live scan (the API server accepted what it returns)', () => {
    const yaml = deployment('        livenessprobe: {tcpSocket: {port: 8080}}\n');
    const loaded = loadText(yaml, 'live', loadPlan([check]));
    assert.equal(audit({ resources: loaded.resources, problems: [] }, { checks: [check] }).verdicts.flatMap((v) => v.findings).length, 1);
    const live = audit({ resources: loaded.resources, problems: [], listedKinds: new Set(['Deployment']) }, { checks: [check] });
    assert.deepEqual(live.verdicts.flatMap((v) => v.findings), []);
  });
});
