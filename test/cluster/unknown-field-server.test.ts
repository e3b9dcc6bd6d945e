/**
 * unknown-field against a real API server: for each manifest, the fields kubeready calls unknown are
 * exactly the ones `kubectl apply --dry-run=server` (strict field validation, kubectl's default)
 * rejects, and a manifest it passes is accepted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/unknown-field.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { helmTool } from '../helpers/render-tools.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CASES: Record<string, string> = {
  'a misspelt probe, a wrong-case securityContext field and a field at the wrong level': `apiVersion: apps/v1
kind: Deployment
metadata: {name: uf-web}
spec:
  selector: {matchLabels: {app: uf-web}}
  template:
    metadata: {labels: {app: uf-web}}
    spec:
      memoryLimit: 512Mi
      containers:
      - name: web
        image: registry.example/web:1.0
        livenessprobe: {tcpSocket: {port: 8080}}
        securityContext: {readOnlyRootFileSystem: true}
`,
  'replicas on a DaemonSet': `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: uf-agent}
spec:
  replicas: 3
  selector: {matchLabels: {app: uf-agent}}
  template:
    metadata: {labels: {app: uf-agent}}
    spec:
      containers: [{name: agent, image: "registry.example/agent:1.0"}]
`,
  'Ingress v1 with the fields of the removed v1beta1': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: uf-ing}
spec:
  backend: {serviceName: web, servicePort: 80}
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {serviceName: web, servicePort: 80}
`,
  'a Service and a ConfigMap': `apiVersion: v1
kind: Service
metadata: {name: uf-svc}
spec:
  selectors: {app: web}
  ports: [{port: 80, targetport: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: uf-conf}
datas: {a: b}
`,
  'a CronJob init container': `apiVersion: batch/v1
kind: CronJob
metadata: {name: uf-report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
          - {name: wait, image: "busybox:1.36", imagePullpolicy: Always}
          containers:
          - {name: report, image: "registry.example/report:1.0"}
`,
  'a valid Deployment with a null unknown key (kubectl apply drops it)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: uf-ok, labels: {app: uf-ok}, creationTimestamp: null}
spec:
  replicas: 2
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
  selector: {matchLabels: {app: uf-ok}}
  patches: null
  template:
    metadata: {labels: {app: uf-ok}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: uf-ok}}}
      volumes: [{name: tmp, emptyDir: {sizeLimit: 64Mi}}]
      containers:
      - name: web
        image: registry.example/web:1.0
        ports: [{name: http, containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
        readinessProbe: {httpGet: {path: /ready, port: http}}
        lifecycle: {preStop: {sleep: {seconds: 5}}}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        volumeMounts: [{name: tmp, mountPath: /tmp}]
`,
};

describe('unknown-field: the same fields the API server rejects', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());

  for (const [name, yaml] of Object.entries(CASES)) {
    it(name, async () => {
      const ours = runCheck(check, yaml, { namespace: 'default' })
        .map((f) => `${f.object.kind}/${f.field}`)
        .sort();
      const r = await cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });
      // "Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot
      // be handled as a Deployment: strict decoding error: unknown field "a.b", unknown field "c"".
      const theirs: string[] = [];
      for (const line of r.stderr.split('\n')) {
        const kind = /cannot be handled as an? (\w+):/.exec(line)?.[1];
        for (const m of line.matchAll(/unknown field "([^"]+)"/g)) theirs.push(`${kind}/${m[1]}`);
      }
      theirs.sort();
      assert.deepEqual(ours, theirs, `kubectl: ${r.stderr}`);
      if (name.startsWith('a valid')) assert.equal(r.code, 0, r.stderr);
      else assert.ok(theirs.length > 0, `the API server should reject ${name}: ${r.stdout}`);
    });
  }

  // What the message says of Helm: it does not ask for strict field validation, so the API server
  // warns, drops the field and creates the object (a real helm install, not a dry run).
  it('helm install warns about the unknown field and creates the object without it', { skip: helmTool().skip }, async () => {
    helmTool().fail();
    const dir = mkdtempSync(join(tmpdir(), 'kr-uf-chart-'));
    try {
      mkdirSync(join(dir, 'templates'));
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: uf\nversion: 0.1.0\n');
      writeFileSync(join(dir, 'templates', 'deployment.yaml'), CASES['a misspelt probe, a wrong-case securityContext field and a field at the wrong level']);
      const ours = runCheck(check, CASES['a misspelt probe, a wrong-case securityContext field and a field at the wrong level'], { namespace: 'default' });
      assert.ok(ours.length === 3 && ours.every((f) => /helm install and upgrade \(and kubectl with validation off\) drop the field with a warning$/.test(f.message)), ours.map((f) => f.message).join('\n'));
      const r = spawnSync(helmTool().path!, ['install', 'uf', dir, '--namespace', 'default', '--kubeconfig', cluster.adminKubeconfig], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /unknown field \\?"spec\.template\.spec\.containers\[0\]\.livenessprobe\\?"/);
      const got = JSON.parse((await cluster.kubectl(['get', 'deployment', 'uf-web', '-n', 'default', '-o', 'json'])).stdout);
      assert.equal(got.spec.template.spec.containers[0].livenessprobe, undefined);
      assert.equal(got.spec.template.spec.containers[0].livenessProbe, undefined);
      spawnSync(helmTool().path!, ['uninstall', 'uf', '--namespace', 'default', '--kubeconfig', cluster.adminKubeconfig], { encoding: 'utf8', timeout: 120_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
