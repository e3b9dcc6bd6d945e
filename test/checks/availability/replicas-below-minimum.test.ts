import { describe, it } from 'node:test';
import check from '../../../src/checks/availability/replicas-below-minimum.js';
import assert from 'node:assert/strict';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

describe('replicas-below-minimum', () => {
  it('fires on spec.replicas: 1, pointing at the replicas line', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`,
      [{ line: 5, message: 'spec.replicas is 1 (minimum 2)', severity: 'error', object: 'web' }],
    );
  });

  it('fires on unset replicas (default 1), pointing at spec', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  template:
    spec:
      containers:
        - name: db
          image: postgres:16
`,
      [{ line: 4, message: 'spec.replicas is not set (defaults to 1; minimum 2)' }],
    );
  });

  it('uses the HPA floor instead of spec.replicas and names the HPA', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 4
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
`,
      [{ line: 5, message: 'HorizontalPodAutoscaler "web-hpa" has no minReplicas (defaults to 1)' }],
    );
  });

  it('is silent for an HPA-managed Deployment without spec.replicas and HPA minReplicas 3', () => {
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
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
`,
    );
  });

  it('ignores an HPA in another namespace', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  replicas: 1
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: b}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
`,
      [{ line: 5, message: 'spec.replicas is 1' }],
    );
  });

  it('fires on an Argo Rollout with replicas 1 and respects the minReplicas param', () => {
    const yaml = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  replicas: 2
  strategy:
    canary: {steps: [{setWeight: 20}]}
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;
    expectNone(check, yaml);
    expectFindings(check, yaml, [{ line: 5, message: 'spec.replicas is 2 (minimum 3): losing 2 pods' }], { params: { minReplicas: 3 } });
  });

  it('reports replicas: 0 as info', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: parked}
spec:
  replicas: 0
  template:
    spec:
      containers: [{name: app, image: nginx}]
`,
      [{ line: 5, severity: 'info', message: 'spec.replicas is 0: scaled to zero' }],
    );
  });

  it('reports replicas: 0 under an HPA as info (the HPA will not scale it up)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 0
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
`,
      [{ line: 5, severity: 'info', message: 'HorizontalPodAutoscaler "web" leaves it scaled to zero' }],
    );
  });

  it('uses a KEDA ScaledObject floor (default 0 -> info)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: consumer}
spec:
  template:
    spec:
      containers: [{name: app, image: worker}]
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: consumer-so}
spec:
  scaleTargetRef: {name: consumer}
  triggers: []
`,
      [{ line: 4, severity: 'info', message: 'ScaledObject "consumer-so" has no minReplicaCount' }],
    );
  });

  it('fires on a bare long-running Pod, pointing at kind', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: nginx:1.27
`,
      [{ line: 2, message: 'bare Pod' }],
    );
  });

  it('is silent for controlled Pods, batch Pods, Jobs, CronJobs and DaemonSets', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata:
  name: web-abc
  ownerReferences:
    - {apiVersion: apps/v1, kind: ReplicaSet, name: web-6d4, uid: x, controller: true}
spec:
  containers: [{name: app, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: app, image: busybox}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: app, image: busybox}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: app, image: fluent-bit}]
`,
    );
  });

  it('is silent on custom resources without spec.replicas and on odd values', () => {
    expectNone(
      check,
      `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello}
spec:
  template:
    spec:
      containers:
        - image: hello
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: templated}
spec:
  replicas: "{{ .Values.replicas }}"
  template:
    spec:
      containers: [{name: app, image: nginx}]
`,
    );
  });
});

describe('replicas-below-minimum: toolbox pods and single-instance databases', () => {
  it('a bare Pod whose containers only idle is info; one with a working container is an error', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: psql-client}
spec:
  containers:
    - name: psql
      image: postgres:16
      command: [sleep, infinity]
    - name: shell
      image: busybox:1.36
      command: [sh, -c, 'tail -f /dev/null']
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
    - name: idle
      image: busybox:1.36
      command: [sleep, '3600']
    - name: app
      image: example.com/app:1
`,
      [
        { line: 2, object: 'psql-client', severity: 'info', message: 'bare Pod whose containers only idle (sleep infinity, tail -f /dev/null): a toolbox to exec into' },
        { line: 14, object: 'app', severity: 'error', message: 'bare Pod: a single replica that nothing recreates' },
      ],
    );
  });

  it('a single-replica database or cache server: says a second replica is a second copy of the data, not a standby', () => {
    const found = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: postgres
          image: postgres:15-alpine
---
apiVersion: v1
kind: ReplicationController
metadata: {name: redis-master}
spec:
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: master
          image: redis:7
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: sentinel}
spec:
  replicas: 1
  selector: {matchLabels: {app: sentinel}}
  template:
    metadata: {labels: {app: sentinel}}
    spec:
      containers:
        - name: sentinel
          image: redis:7
          command: [redis-sentinel, /etc/sentinel.conf]
`,
      [
        { line: 5, object: 'db', message: 'spec.replicas is 1 (minimum 2): one pod or node failure takes the service down; container "postgres" runs postgres, which keeps its data in its own pod: a second replica would be a second, independent copy of the data behind the same Service, not a standby' },
        { line: 17, object: 'redis-master', message: 'container "master" runs redis, which keeps its data in its own pod' },
        { line: 29, object: 'sentinel', message: /^spec\.replicas is 1 \(minimum 2\): one pod or node failure takes the service down$/ },
      ],
    );
    // The database gets a fix of its own (its own replication), not the generic "run two replicas".
    assert.match(found[0].fix ?? '', /^Do not just raise the replica count: run postgres with its own replication/);
    assert.match(found[1].fix ?? '', /run redis with its own replication/);
    assert.equal(found[2].fix, undefined);
  });
});

describe('replicas-below-minimum: custom resources', () => {
  it('names the field the finding points at when the count is not spec.replicas (ECK Agent: spec.deployment.replicas)', () => {
    expectFindings(
      check,
      `apiVersion: agent.k8s.elastic.co/v1alpha1
kind: Agent
metadata: {name: fleet-server}
spec:
  mode: fleet
  deployment:
    replicas: 1
    podTemplate:
      metadata:
        labels: {app: fleet-server}
      spec:
        containers: [{name: agent, image: docker.elastic.co/beats/elastic-agent:8.9.0}]
`,
      [{ line: 7, message: 'spec.deployment.replicas is 1 (minimum 2): one pod or node failure takes the service down' }],
    );
  });
});

describe('replicas-below-minimum with a ReadWriteOnce claim', () => {
  const deployment = (name: string, claim: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  strategy: {type: Recreate}
  template:
    spec:
      containers:
        - name: db
          image: mysql:8.4
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: ${claim}}
`;
  const claim = (name: string, modes: string, extra = '') => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [${modes}]${extra}
  resources: {requests: {storage: 10Gi}}
`;

  it('still fires, but says more replicas need per-replica volumes or ReadWriteMany, not just replicas: 2', () => {
    const [f] = expectFindings(check, `${deployment('mysql', 'mysql-data')}---\n${claim('mysql-data', 'ReadWriteOnce')}`, [
      {
        line: 5,
        severity: 'error',
        message:
          'spec.replicas is 1 (minimum 2): one pod or node failure takes the service down; its ReadWriteOnce PersistentVolumeClaim "mysql-data" cannot be shared by a second replica, so more replicas need a StatefulSet with a volumeClaimTemplate (one volume per replica, with the data replicated between them) or a ReadWriteMany volume',
      },
    ]);
    assert.deepEqual(f.related.map((r) => [r.object.kind, r.object.name, r.field]), [['PersistentVolumeClaim', 'mysql-data', 'spec.accessModes']]);
  });

  it('says nothing of the claim when it also allows ReadWriteMany, or is not in the input', () => {
    for (const input of [`${deployment('app', 'shared')}---\n${claim('shared', 'ReadWriteOnce, ReadWriteMany')}`, deployment('app', 'elsewhere')]) {
      expectFindings(check, input, [{ line: 5, message: 'spec.replicas is 1 (minimum 2): one pod or node failure takes the service down' }]);
      assert.doesNotMatch(runCheck(check, input)[0].message, /PersistentVolumeClaim/);
    }
  });
});

describe('replicas-below-minimum: controllers and leader election', () => {
  const controller = (args: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: operator}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: manager
          image: "operator:1"
          args: [${args}]
`;
  it('says what the flags mean: off, turn it on first; on, a standby takes over; no flag, nothing added', () => {
    expectFindings(check, controller('"--leader-elect=false", "--metrics-bind-address=:8080"'), [
      { line: 5, message: 'spec.replicas is 1 (minimum 2): one pod or node failure takes the service down; it runs with leader election off (--leader-elect=false): turn it on before adding replicas, or the copies all act at once' },
    ]);
    expectFindings(check, controller('"--leader-elect"'), [{ line: 5, message: 'takes the service down (it runs leader election, --leader-elect, so a second replica is safe to add: only the lease holder does the leader\'s work, and the other takes it over when the leader is lost)' }]);
    expectFindings(check, controller('"--enable-leader-election=true"'), [{ line: 5, message: '(it runs leader election, --enable-leader-election=true' }]);
    const [f] = expectFindings(check, controller('"--zap-log-level=info"'), [{ line: 5 }]);
    assert.doesNotMatch(f.message, /leader/);
  });
});

describe('replicas-below-minimum: an HPA of another folder', () => {
  it('an HPA naming namespace "default" in another folder may scale a namespace-less Deployment: unknown; with -n default, it does', async () => {
    const { audit, loadPlan } = await import('../../../src/engine/audit.js');
    const { loadText } = await import('../../../src/sources/resources.js');
    const plan = loadPlan([check]);
    const resources = [
      ...loadText('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: "web:1"}]\n', 'k8s/deployments/web.yaml', plan).resources,
      ...loadText('apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: default}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 9\n', 'k8s/autoscaling/web.yaml', plan).resources,
    ];
    const [f] = audit({ resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.ok(f.unknown, 'unknown while nothing says where the Deployment goes');
    assert.match(f.message, /HorizontalPodAutoscaler "web" of another folder \(namespace "default"\) targets it: if the two are applied to the same namespace, its minReplicas 3 is the floor instead$/);
    assert.deepEqual(f.related.map((r) => r.location.file), ['k8s/autoscaling/web.yaml']);
    // The survival verdicts say the same: what one replica means holds only if that HPA does not scale it.
    const node = audit({ resources }, { checks: [check] }).verdicts[0].survival!.find((x) => x.scenario === 'node-loss')!;
    assert.equal(node.outcome, 'unknown');
    assert.match(node.reason, /^if HorizontalPodAutoscaler "web" of another folder \(namespace "default", minReplicas 3\) does not scale it: one replica/);
    assert.equal(audit({ resources }, { checks: [check], namespace: 'default' }).verdicts[0].survival!.find((x) => x.scenario === 'node-loss')!.outcome === 'unknown', false);
    assert.equal(audit({ resources }, { checks: [check], namespace: 'default' }).verdicts.flatMap((v) => v.findings).length, 0);
  });

  it('an HPA of another project tree (a test fixture naming a Deployment of the same name) is not taken to scale it: firm', async () => {
    const { audit, loadPlan } = await import('../../../src/engine/audit.js');
    const { loadText } = await import('../../../src/sources/resources.js');
    const plan = loadPlan([check]);
    const resources = [
      ...loadText('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: "web:1"}]\n', 'shop/kubernetes-manifests/frontend.yaml', plan).resources,
      ...loadText('apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: frontend, namespace: default}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: frontend}\n  minReplicas: 2\n  maxReplicas: 9\n', 'cost-tool/api/testdata/hpa/hpa-v1.yaml', plan).resources,
    ];
    const [f] = audit({ resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.equal(f.unknown, null);
    assert.doesNotMatch(f.message, /another folder/);
  });

  describe('operators without leader election', () => {
    const operator = (image: string, replicas: string, args = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus-operator, namespace: monitoring}
spec:
${replicas}  template:
    spec:
      containers:
        - name: prometheus-operator
          image: ${image}${args}
`;
    it('prometheus-operator at one replica is info: a second copy is the failure, not the fix', () => {
      for (const image of ['quay.io/prometheus-operator/prometheus-operator:v0.82.0', 'quay.io/coreos/prometheus-operator:v0.38.1', 'prometheus-operator/prometheus-operator@sha256:' + 'a'.repeat(64)]) {
        const [f] = runCheck(check, operator(image, '  replicas: 1\n'));
        assert.equal(f.severity, 'info', image);
        assert.match(f.message, /^spec\.replicas is 1: prometheus-operator has no leader election \(prometheus-operator\/prometheus-operator issues 2491 and 2791\), so a second replica would reconcile the same objects at the same moment; keep one/);
      }
      const [unset] = runCheck(check, operator('quay.io/prometheus-operator/prometheus-operator:v0.82.0', ''));
      assert.equal(unset.severity, 'info');
      assert.match(unset.message, /^spec\.replicas is not set \(defaults to 1\): prometheus-operator has no leader election/);
      const [ch] = runCheck(check, operator('altinity/clickhouse-operator:0.25.3', '  replicas: 1\n'));
      assert.equal(ch.severity, 'info');
      assert.match(ch.message, /clickhouse-operator has no leader election \(Altinity\/clickhouse-operator issue 1386\)/);
    });
    it('other images, look-alike names and a leader-election flag keep the error', () => {
      for (const image of ['quay.io/prometheus-operator/prometheus-config-reloader:v0.82.0', 'example.com/my-prometheus-operator:1.0', 'grafana/grafana-operator:v5.0.0']) {
        const [f] = runCheck(check, operator(image, '  replicas: 1\n'));
        assert.equal(f.severity, 'error', image);
      }
      const [flagged] = runCheck(check, operator('quay.io/prometheus-operator/prometheus-operator:v0.82.0', '  replicas: 1\n', '\n          args: [--leader-elect]'));
      assert.equal(flagged.severity, 'error');
      // Two replicas: nothing from this check (whether they fight is not judged here).
      expectNone(check, operator('quay.io/prometheus-operator/prometheus-operator:v0.82.0', '  replicas: 2\n'));
    });
  });
});

describe('replicas-below-minimum: kube-state-metrics', () => {
  const ksm = (args = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: kube-state-metrics, namespace: monitoring}
spec:
  replicas: 1
  selector: {matchLabels: {app: ksm}}
  template:
    metadata: {labels: {app: ksm}}
    spec:
      containers:
        - name: kube-state-metrics
          image: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0
${args}`;
  it('one unsharded replica: says a second doubles every series, and the fix offers both ways', () => {
    const [f] = expectFindings(check, ksm(), [
      { severity: 'error', message: /; container "kube-state-metrics" runs kube-state-metrics, which keeps no state and is back within seconds of a reschedule, while a second replica serves every kube_\* series again/ },
    ]);
    assert.match(f.fix ?? '', /^Either keep one replica knowingly \(exempt it with a reason/);
  });
  it('sharded (--total-shards): the plain finding', () => {
    const [f] = expectFindings(check, ksm('          args: [--total-shards=2, --shard=0]\n'), [{ message: /^spec\.replicas is 1 \(minimum 2\): one pod or node failure takes the service down$/ }]);
    assert.equal(f.fix, undefined);
  });

  describe('the fix YAML of each finding (fixYaml)', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: ops, labels: {app: tool, pod-template-hash: abc}}
spec:
  nodeName: node-1
  containers: [{name: t, image: "x:1", env: [{name: PASSWORD, value: s3cr3t-value}], ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: a, image: "x:1"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: a, image: "x:1"}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
`;
    const by = (name: string) => runCheck(check, text).find((f) => f.object.name === name)!;

    it('the workload\'s own replica field, raised to the minimum', () => {
      assert.equal(by('api').fixYaml, 'spec:\n  replicas: 2');
    });

    it('an autoscaled workload: the autoscaler\'s floor, naming it', () => {
      assert.equal(by('web').fixYaml, '# HorizontalPodAutoscaler "web-hpa"\nspec:\n  minReplicas: 2');
    });

    it('a bare Pod: a Deployment selecting its own labels, its spec moved by hand (never copied: env values may be secrets)', () => {
      const y = by('tool').fixYaml!;
      assert.match(y, /^# instead of the Pod \(delete it once the Deployment's pods are Ready\)\napiVersion: apps\/v1\nkind: Deployment\nmetadata:\n  name: tool\n  namespace: ops\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: tool\n/);
      assert.match(y, /\n {4}spec: \{\} {3}# the Pod's spec, moved here as it is \(without nodeName\)$/);
      assert.doesNotMatch(y, /s3cr3t|pod-template-hash/);
    });

    it('a database server: the fix text (its own replication), no replica YAML', () => {
      const db = runCheck(check, `apiVersion: apps/v1
kind: Deployment
metadata: {name: pg}
spec:
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec: {containers: [{name: pg, image: "postgres:16"}]}
`)[0];
      assert.ok(db.fix);
      assert.equal(db.fixYaml, undefined);
    });
  });
});

