/**
 * value-type-mismatch against a real API server: for each manifest with one value of the wrong type,
 * kubeready reports exactly one finding, and the decoder error it quotes is the one
 * `kubectl apply --dry-run=server` gets back, word for word (Go's type names, embedded structs and
 * all); a manifest with several is rejected for one of them; and the valid but unusual values
 * (3.0 replicas, a quoted label value, a named target port, "25%") are accepted and not reported.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/value-type-mismatch.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';

const ONE: Record<string, string> = {
  'an unquoted number in a pod template annotation': `apiVersion: apps/v1
kind: Deployment
metadata: {name: uf-ann}
spec:
  selector: {matchLabels: {app: uf-ann}}
  template:
    metadata:
      labels: {app: uf-ann}
      annotations: {prometheus.io/port: 9090}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'an unquoted boolean (yes) in a label': `apiVersion: v1
kind: Service
metadata: {name: uf-lbl, labels: {exposed: yes}}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`,
  "a number in a ConfigMap's data": `apiVersion: v1
kind: ConfigMap
metadata: {name: uf-cm}
data: {PORT: 8080}
`,
  'a quoted replica count (a Helm quote)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-rep}
spec:
  replicas: "3"
  selector: {matchLabels: {app: vt-rep}}
  template:
    metadata: {labels: {app: vt-rep}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a fractional replica count': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-frac}
spec:
  replicas: 2.5
  selector: {matchLabels: {app: vt-frac}}
  template:
    metadata: {labels: {app: vt-frac}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a replica count beyond int32': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-big}
spec:
  replicas: 3000000000
  selector: {matchLabels: {app: vt-big}}
  template:
    metadata: {labels: {app: vt-big}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a boolean replica count': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-bool}
spec:
  replicas: true
  selector: {matchLabels: {app: vt-bool}}
  template:
    metadata: {labels: {app: vt-bool}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  "an unquoted number as an environment variable's value": `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-env}
spec:
  selector: {matchLabels: {app: vt-env}}
  template:
    metadata: {labels: {app: vt-env}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", env: [{name: PORT, value: 8080}]}]
`,
  'env written as a map': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-envmap}
spec:
  selector: {matchLabels: {app: vt-envmap}}
  template:
    metadata: {labels: {app: vt-envmap}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", env: {PORT: "8080"}}]
`,
  'a command line as one string': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-cmd}
spec:
  selector: {matchLabels: {app: vt-cmd}}
  template:
    metadata: {labels: {app: vt-cmd}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", command: python app.py}]
`,
  'a number among the arguments': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-args}
spec:
  selector: {matchLabels: {app: vt-args}}
  template:
    metadata: {labels: {app: vt-args}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", args: [--port, 8080]}]
`,
  'a quoted container port': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-port}
spec:
  selector: {matchLabels: {app: vt-port}}
  template:
    metadata: {labels: {app: vt-port}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", ports: [{containerPort: "8080"}]}]
`,
  'a quoted boolean in a security context': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-priv}
spec:
  selector: {matchLabels: {app: vt-priv}}
  template:
    metadata: {labels: {app: vt-priv}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", securityContext: {privileged: "false"}}]
`,
  'a string for a struct': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-res}
spec:
  selector: {matchLabels: {app: vt-res}}
  template:
    metadata: {labels: {app: vt-res}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", resources: none}]
`,
  'a container written as a string': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-ctr}
spec:
  selector: {matchLabels: {app: vt-ctr}}
  template:
    metadata: {labels: {app: vt-ctr}}
    spec:
      containers: [nginx]
`,
  'tolerations written as a map': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-tol}
spec:
  selector: {matchLabels: {app: vt-tol}}
  template:
    metadata: {labels: {app: vt-tol}}
    spec:
      tolerations: {key: dedicated, operator: Exists}
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a list for a node selector': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-ns}
spec:
  selector: {matchLabels: {app: vt-ns}}
  template:
    metadata: {labels: {app: vt-ns}}
    spec:
      nodeSelector: [linux]
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a quoted user id (int64)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-uid}
spec:
  selector: {matchLabels: {app: vt-uid}}
  template:
    metadata: {labels: {app: vt-uid}}
    spec:
      securityContext: {runAsUser: "1000"}
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a fractional grace period (int64)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-grace}
spec:
  selector: {matchLabels: {app: vt-grace}}
  template:
    metadata: {labels: {app: vt-grace}}
    spec:
      terminationGracePeriodSeconds: 1.5
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a number in a probe (through the embedded ProbeHandler)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-probe}
spec:
  selector: {matchLabels: {app: vt-probe}}
  template:
    metadata: {labels: {app: vt-probe}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", readinessProbe: {httpGet: {port: 8080, path: 1}}}]
`,
  'a string for a probe handler': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-exec}
spec:
  selector: {matchLabels: {app: vt-exec}}
  template:
    metadata: {labels: {app: vt-exec}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", livenessProbe: {exec: "cat /tmp/ok"}}]
`,
  'a number as a ConfigMap volume name (through VolumeSource and LocalObjectReference)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-vol}
spec:
  selector: {matchLabels: {app: vt-vol}}
  template:
    metadata: {labels: {app: vt-vol}}
    spec:
      volumes: [{name: conf, configMap: {name: 1}}]
      containers: [{name: web, image: "registry.example/web:1.0"}]
`,
  'a number among the added capabilities (a named string type)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-cap}
spec:
  selector: {matchLabels: {app: vt-cap}}
  template:
    metadata: {labels: {app: vt-cap}}
    spec:
      containers: [{name: web, image: "registry.example/web:1.0", securityContext: {capabilities: {add: [1]}}}]
`,
  'y as an image (YAML 1.1 reads it as true)': `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-y}
spec:
  selector: {matchLabels: {app: vt-y}}
  template:
    metadata: {labels: {app: vt-y}}
    spec:
      containers: [{name: web, image: y}]
`,
  'a boolean target port (an IntOrString)': `apiVersion: v1
kind: Service
metadata: {name: vt-svc}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: true}]
`,
  'a quoted Service port': `apiVersion: v1
kind: Service
metadata: {name: vt-svc2}
spec:
  selector: {app: web}
  ports: [{port: "80"}]
`,
  'a quoted HPA minimum': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: vt-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: "2"
  maxReplicas: 5
`,
  'RoleBinding subjects written as a map': `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: vt-rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: {kind: ServiceAccount, name: web}
`,
  'a string for an Ingress rule value (through the embedded IngressRuleValue)': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: vt-ing}
spec:
  rules: [{host: a.example, http: web}]
`,
};

const SEVERAL = `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-several, labels: {tier: 1}}
spec:
  replicas: "2"
  selector: {matchLabels: {app: vt-several}}
  template:
    metadata: {labels: {app: vt-several}}
    spec:
      hostNetwork: "true"
      containers: [{name: web, image: "registry.example/web:1.0", env: [{name: PORT, value: 8080}]}]
`;

const VALID = `apiVersion: apps/v1
kind: Deployment
metadata: {name: vt-ok, labels: {tier: "1", enabled: "true"}}
spec:
  replicas: 3.0
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: "25%", maxUnavailable: 0}}
  selector: {matchLabels: {app: vt-ok}}
  template:
    metadata: {labels: {app: vt-ok}, annotations: {prometheus.io/port: "9090"}}
    spec:
      terminationGracePeriodSeconds: 30
      securityContext: {runAsUser: 1000, runAsNonRoot: true}
      containers:
      - name: web
        image: registry.example/web:1.0
        command: [sh, -c, "exec web --port 8080"]
        args: ["--verbose"]
        env: [{name: PORT, value: "8080"}, {name: DEBUG, value: "false"}, {name: EMPTY, value: null}]
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
        resources: {requests: {cpu: 1, memory: 128Mi}, limits: {memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: vt-ok}
spec:
  selector: {app: vt-ok}
  ports: [{name: http, port: 80, targetPort: http}, {name: metrics, port: 9090, targetPort: 9090}]
`;

const quoted = (message: string): string | undefined => /\((json: cannot unmarshal [^)]+)\)$/.exec(message)?.[1];

describe('value-type-mismatch: the values the API server refuses, in its words', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const [name, yaml] of Object.entries(ONE)) {
    it(name, async () => {
      const found = runCheck(check, yaml, { namespace: 'default' });
      assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
      const ours = quoted(found[0].message);
      assert.ok(ours, found[0].message);
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      assert.ok(r.stderr.includes(`: ${ours}\n`) || r.stderr.trimEnd().endsWith(`: ${ours}`), `kubectl: ${r.stderr}\nkubeready: ${ours}`);
    });
  }

  it('several in one object: the API server names one of them, kubeready each', async () => {
    const ours = runCheck(check, SEVERAL, { namespace: 'default' }).map((f) => quoted(f.message));
    assert.equal(ours.length, 4);
    const r = await apply(SEVERAL);
    assert.notEqual(r.code, 0);
    assert.ok(ours.some((q) => q !== undefined && r.stderr.includes(q)), `kubectl: ${r.stderr}\nkubeready: ${ours.join('\n')}`);
  });

  it('valid but unusual values: accepted, and not reported', async () => {
    assert.deepEqual(runCheck(check, VALID, { namespace: 'default' }).map((f) => f.message), []);
    const r = await apply(VALID);
    assert.equal(r.code, 0, r.stderr);
  });
});
