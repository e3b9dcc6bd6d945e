/**
 * metadata-rejected against a real API server: the name rule of every kind it checks (a name it
 * rejects is rejected there, one it accepts is accepted), and for labels, selectors and annotation
 * keys the errors it quotes are the API server's, line for line.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/metadata-rejected.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';

const POD = '{containers: [{name: a, image: "registry.example/a:1.0"}]}';
const TEMPLATE = `{metadata: {labels: {app: a}}, spec: ${POD}}`;
const BODY: Record<string, [string, string]> = {
  Deployment: ['apps/v1', `spec: {selector: {matchLabels: {app: a}}, template: ${TEMPLATE}}`],
  StatefulSet: ['apps/v1', `spec: {serviceName: s, selector: {matchLabels: {app: a}}, template: ${TEMPLATE}}`],
  DaemonSet: ['apps/v1', `spec: {selector: {matchLabels: {app: a}}, template: ${TEMPLATE}}`],
  ReplicaSet: ['apps/v1', `spec: {selector: {matchLabels: {app: a}}, template: ${TEMPLATE}}`],
  ReplicationController: ['v1', `spec: {selector: {app: a}, template: ${TEMPLATE}}`],
  Job: ['batch/v1', `spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}`],
  CronJob: ['batch/v1', `spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}}}`],
  Pod: ['v1', `spec: ${POD}`],
  Service: ['v1', 'spec: {ports: [{port: 80}]}'],
  ConfigMap: ['v1', 'data: {a: b}'],
  Secret: ['v1', 'stringData: {a: b}'],
  ServiceAccount: ['v1', ''],
  Namespace: ['v1', ''],
  Ingress: ['networking.k8s.io/v1', 'spec: {defaultBackend: {service: {name: s, port: {number: 80}}}}'],
  IngressClass: ['networking.k8s.io/v1', 'spec: {controller: example.com/ingress}'],
  NetworkPolicy: ['networking.k8s.io/v1', 'spec: {podSelector: {}}'],
  HorizontalPodAutoscaler: ['autoscaling/v2', 'spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}, maxReplicas: 3}'],
  PersistentVolumeClaim: ['v1', 'spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}'],
  PersistentVolume: ['v1', 'spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/x}}'],
  StorageClass: ['storage.k8s.io/v1', 'provisioner: example.com/x'],
  PriorityClass: ['scheduling.k8s.io/v1', 'value: 10'],
  LimitRange: ['v1', 'spec: {limits: [{type: Container, max: {cpu: "1"}}]}'],
  ResourceQuota: ['v1', 'spec: {hard: {pods: "10"}}'],
  // Not checked (their own rules): the check must stay silent, and the server accepts these names.
  Role: ['rbac.authorization.k8s.io/v1', 'rules: []'],
  PodDisruptionBudget: ['policy/v1', 'spec: {minAvailable: 1, selector: {matchLabels: {app: a}}}'],
};
const NAMES = ['my_app', 'MyApp', 'api.v2', '1abc', 'a'.repeat(53), 'a'.repeat(64), 'b'.repeat(254), 'a:b', '-ab'];

const doc = (kind: string, name: string) => `apiVersion: ${BODY[kind][0]}\nkind: ${kind}\nmetadata: {name: "${name}"}\n${BODY[kind][1]}\n`;

const LABELS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {version: "1.0 beta", "a/b/c": x, "Example.com/x": c, "${'k'.repeat(64)}": f, ok.example/fine: "fine", long: "${'v'.repeat(64)}"}
  annotations: {"bad key": xx, "fine.example/ok": "any value at all"}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, team: "a b"}, annotations: {"x//y": zz}}
    spec: ${POD}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {"bad_/x": web}, ports: [{port: 80}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 1 * * *"
  jobTemplate: {spec: {template: {metadata: {labels: {team: "finance dept"}}, spec: {restartPolicy: Never, containers: [{name: r, image: "registry.example/r:1.0"}]}}}}
`;

// With labels its selector cannot have, the API server stops before the template: it names the
// selector alone, kubeready the template's labels too (they fail once the selector is fixed).
const SELECTOR = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web2}
spec:
  selector: {matchLabels: {app: "web app"}}
  template:
    metadata: {labels: {app: "web app"}}
    spec: ${POD}
`;

const errorsOf = (yaml: string) =>
  runCheck(check, yaml, { namespace: 'default' }).flatMap((f) => {
    const m = /reject the \w+ \(([\w.]+): (.*)\)$/.exec(f.message)!;
    return m[2].split('; Invalid value: ').map((e, i) => `${f.object.kind} ${m[1]}: ${i ? 'Invalid value: ' : ''}${e}`);
  });

const serverErrors = (kind: string, stderr: string) => {
  const out: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^(?:\* |.*is invalid: )([\w.]+: Invalid value: .*)$/.exec(line.trim());
    // The API server adds "invalid label selector" for a selector whose labels are invalid.
    if (m && !m[1].endsWith('invalid label selector')) out.push(`${kind} ${m[1]}`);
  }
  return out;
};

describe('metadata-rejected: the API server\'s rules and words', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const kind of Object.keys(BODY)) {
    it(`${kind} names`, async () => {
      for (const name of NAMES) {
        const yaml = doc(kind, name);
        const ours = runCheck(check, yaml, { namespace: 'default' });
        const r = await apply(yaml);
        const theirs = r.code !== 0 && /metadata\.name: Invalid value/.test(r.stderr);
        assert.equal(ours.length > 0, theirs, `${kind} "${name}": kubeready ${ours.map((f) => f.message).join(' | ') || 'silent'}; kubectl: ${r.stderr || r.stdout}`);
        if (theirs) {
          const quoted = /\((metadata\.name: Invalid value: .*)\)$/.exec(ours[0].message)?.[1];
          for (const part of quoted!.replace(/^metadata\.name: Invalid value: "[^"]*": /, '').split('; ')) assert.ok(r.stderr.includes(part), `${kind} "${name}": ${part}\nkubectl: ${r.stderr}`);
        }
      }
    });
  }

  it('labels, selectors and annotation keys: each error as the API server words it', async () => {
    const ours = errorsOf(LABELS);
    const theirs: string[] = [];
    for (const part of LABELS.split('\n---\n')) {
      const r = await apply(part);
      assert.notEqual(r.code, 0);
      theirs.push(...serverErrors(/^kind: (\w+)/m.exec(part)![1], r.stderr));
    }
    assert.deepEqual([...ours].sort(), [...theirs].sort());
  });

  it('custom resources with their CRD: the subdomain name rule and the label rules, as the apiextensions API server words them', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.mr.kubeready.example}
spec:
  group: mr.kubeready.example
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`;
    await cluster.apply(crd);
    await cluster.kubectl(['wait', '--for', 'condition=established', '--timeout', '60s', 'crd/widgets.mr.kubeready.example']);
    for (const name of ['Bad_Name', 'a.b-c', '-x', 'x'.repeat(254), 'ok.v2']) {
      const yaml = `apiVersion: mr.kubeready.example/v1\nkind: Widget\nmetadata: {name: ${JSON.stringify(name)}, labels: {"tier name": web, ok: "1.0 beta"}}\n`;
      const ours = errorsOf(`${crd}---\n${yaml}`);
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      assert.deepEqual([...ours].sort(), serverErrors('Widget', r.stderr).sort(), `${name}: ${r.stderr}`);
    }
  });

  it('a selector with invalid labels: the API server names it and stops; kubeready names it and the template', async () => {
    const ours = errorsOf(SELECTOR);
    const r = await apply(SELECTOR);
    const theirs = serverErrors('Deployment', r.stderr);
    assert.ok(theirs.length > 0, r.stderr);
    for (const e of theirs) assert.ok(ours.includes(e), `${e}\nkubeready: ${ours.join('\n')}`);
    assert.deepEqual(ours.filter((e) => !theirs.includes(e)).map((e) => e.slice(0, e.indexOf(':'))), ['Deployment spec.template.labels']);
  });
});
