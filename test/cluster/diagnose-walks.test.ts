/**
 * HorizontalPodAutoscalers, Ingresses and connections under NetworkPolicies against a real control plane (test/helpers/cluster.ts): the
 * kube-controller-manager's HPA controller writes their conditions and events itself. The cluster
 * serves no metrics API (no metrics-server, no adapter), so what it reports is what a cluster
 * without them reports: the resource metrics API missing, an external metric nobody serves, a
 * target that does not exist, two HPAs over the same pods, a target scaled to 0.
 *
 * Skipped locally when the binaries are missing (clusterSkip says why); under CI it fails instead.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { runCli } from '../helpers/cli.js';
import type { Diagnosis } from '../../src/engine/diagnose/index.js';
import type { Report } from '../../src/engine/report-types.js';

const NS = 'diag-hpa';
type Json = Record<string, any>;

/** A Deployment `name` in `ns` (pods labelled app=name) with one container `app` given as a flow mapping. */
function deployment(name: string, o: { ns?: string; replicas?: number; container?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${o.ns ?? NS} }
spec:
  replicas: ${o.replicas ?? 1}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
      - ${o.container ?? `{ name: app, image: registry.example/${name}:1.0 }`}`;
}
const APP = '{ name: app, image: registry.example/app:1.0, resources: { requests: { cpu: 100m, memory: 64Mi } } }';

function hpa(name: string, target: string, metric: string): string {
  return `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${name}, namespace: ${NS} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${target} }
  minReplicas: 2
  maxReplicas: 5
  metrics:
  - ${metric}`;
}
const CPU = 'type: Resource\n    resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }';
const QUEUE = 'type: External\n    external: { metric: { name: queue_depth }, target: { type: AverageValue, averageValue: "30" } }';
const RPS = 'type: Pods\n    pods: { metric: { name: http_requests_per_second }, target: { type: AverageValue, averageValue: "10" } }';

describe('HPAs against a real HPA controller', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  let kubeconfig: string;

  before(async () => {
    cluster = await startCluster();
    kubeconfig = cluster.adminKubeconfig;
    await cluster.apply(
      [
        `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${NS} }`,
        deployment('api', { replicas: 2, container: APP }),
        hpa('api', 'api', CPU),
        hpa('ghost', 'nothere', CPU),
        deployment('worker', { replicas: 2, container: APP }),
        hpa('worker', 'worker', QUEUE),
        deployment('shared', { replicas: 2, container: APP }),
        hpa('shared-cpu', 'shared', CPU),
        hpa('shared-rps', 'shared', RPS),
        deployment('parked', { replicas: 0, container: APP }),
        hpa('parked', 'parked', CPU),
      ].join('\n---\n'),
    );
    // The controller processes each new HPA at once, then every 15 s.
    await cluster.waitFor('the HPA controller to write every HPA\'s conditions', async () => {
      const l = await cluster.getJson(['hpa', '-n', NS]);
      const done = (l.items as Json[]).filter((h) => (h.status?.conditions ?? []).some((c: Json) => c.type === 'ScalingActive' || (c.type === 'AbleToScale' && c.status === 'False')));
      // The two HPAs over one Deployment are told apart only once both exist when one is synced.
      const ambiguous = done.filter((h) => h.status.conditions.some((c: Json) => c.reason === 'AmbiguousSelector'));
      return done.length === 6 && ambiguous.length === 2 ? done : undefined;
    }, { timeoutMs: 90_000, intervalMs: 1000 });
  });
  after(() => cluster?.stop());

  async function diagnoseJson(...target: string[]): Promise<Diagnosis> {
    const r = await runCli(['diagnose', ...target, '-n', NS, '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(r.stderr, '');
    return JSON.parse(r.stdout) as Diagnosis;
  }

  it('no metrics-server: says the resource metrics API is not served, with the commands that show it', async () => {
    const d = await diagnoseJson('hpa/api');
    assert.equal(d.status, 'broken');
    assert.equal(d.symptom, 'HPA api does not scale: no resource metrics API (metrics-server not installed)');
    const [p] = d.problems;
    assert.equal(p.check, 'hpa-not-scaling');
    assert.match(p.evidence[0].text, /^condition ScalingActive=False \(FailedGetResourceMetric\) since .*\(get pods\.metrics\.k8s\.io\)"$/);
    assert.ok(p.evidence.some((e) => e.source === 'event' && /FailedGetResourceMetric|FailedComputeMetricsReplicas/.test(e.text)), JSON.stringify(p.evidence));
    assert.deepEqual(p.fix.commands, ['kubectl get apiservice v1beta1.metrics.k8s.io', `kubectl -n ${NS} top pods`]);
    assert.ok(d.walked.some((w) => w === 'target Deployment api: 2 replicas'), d.walked.join(' | '));
  });

  it('the Deployment\'s diagnosis walks its HPA and warns that it does not scale', async () => {
    const d = await diagnoseJson('deploy/api');
    assert.ok(d.walked.some((w) => /^HorizontalPodAutoscaler api: min 2, max 5, ScalingActive=False \(FailedGetResourceMetric\)$/.test(w)), d.walked.join(' | '));
    const p = d.problems.find((x) => x.check === 'hpa-not-scaling');
    assert.equal(p?.severity, 'warning');
  });

  it('a target that does not exist, an external metric nobody serves, two HPAs over one Deployment', async () => {
    const ghost = await diagnoseJson('hpa/ghost');
    assert.equal(ghost.symptom, 'HPA ghost scales nothing: Deployment nothere does not exist');
    assert.deepEqual(ghost.problems[0].prevent.map((v) => v.check), ['hpa-target-missing']);
    const worker = await diagnoseJson('hpa/worker');
    assert.equal(worker.symptom, 'HPA worker does not scale: metric queue_depth is not served by external.metrics.k8s.io');
    const shared = await diagnoseJson('hpa/shared-cpu');
    assert.equal(shared.symptom, 'HPA shared-cpu does not scale: HPA shared-rps scales the same Deployment');
    assert.match(shared.problems[0].fix.yaml ?? '', /# from shared-cpu\n {2}- .*http_requests_per_second.*# from shared-rps$/);
  });

  it('a target scaled to 0: healthy, and says the HPA waits', async () => {
    const d = await diagnoseJson('hpa', 'parked');
    assert.equal(d.status, 'healthy');
    assert.match(d.symptom, /^Deployment parked is scaled to 0, so the HPA does nothing \(ScalingActive=False ScalingDisabled since /);
  });

  it('audit --cluster reports each with hpa-not-scaling: errors, and info for the parked one', async () => {
    const r = await runCli(['audit', '--cluster', '--kubeconfig', kubeconfig, '-n', NS, '-o', 'json', '--only', 'hpa-not-scaling', '--fail-on', 'none']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const got = report.verdicts.flatMap((v) => v.findings.map((f) => `${v.object.name}:${f.severity}`)).sort();
    assert.deepEqual(got, ['api:error', 'ghost:error', 'parked:info', 'shared-cpu:error', 'shared-rps:error', 'worker:error']);
  });
});

/**
 * Ingresses against the same control plane. No ingress controller runs, so none gets an address:
 * what a cluster whose controller is missing shows. The EndpointSlice controller publishes the
 * endpoints of pods made Ready through pods/status.
 */
describe('Ingresses against a real API server', { skip: clusterSkip() }, () => {
  const NSI = 'diag-ing';
  let cluster: TestCluster;
  let kubeconfig: string;

  const ingress = (name: string, cls: string, rules: string, extra = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: ${NSI} }
spec:
  ingressClassName: ${cls}${extra}
  rules:
${rules}`;
  const rule = (host: string, ...paths: [string, string, number][]) =>
    `  - host: ${host}\n    http:\n      paths:\n${paths.map(([p, svc, port]) => `      - { path: ${p}, pathType: Prefix, backend: { service: { name: ${svc}, port: { number: ${port} } } } }`).join('\n')}`;
  const app = (name: string) => `${deployment(name, { ns: NSI, container: `{ name: app, image: registry.example/${name}:1.0, ports: [{ containerPort: 8080 }] }` })}
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${NSI} }
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]`;

  before(async () => {
    cluster = await startCluster();
    kubeconfig = cluster.adminKubeconfig;
    await cluster.createNode('diag-ing-node', { memory: '8Gi', cpu: '4' });
    await cluster.apply(
      [
        `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${NSI} }`,
        'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: { name: diag-nginx }\nspec: { controller: k8s.io/ingress-nginx }',
        app('web'),
        app('down'),
        ingress('shop', 'diag-nginx', rule('shop.example.com', ['/', 'web', 80]), '\n  tls: [{ hosts: [shop.example.com], secretName: shop-tls }]'),
        ingress('typo', 'diag-ngnix', rule('typo.example.com', ['/', 'web', 80])),
        ingress('gone', 'diag-nginx', rule('gone.example.com', ['/api', 'api', 80], ['/', 'web', 80])),
        ingress('broken', 'diag-nginx', rule('broken.example.com', ['/', 'down', 80])),
      ].join('\n---\n'),
    );
    // web's pod runs and is Ready (the EndpointSlice controller publishes it); down's never starts a container.
    const webPod = await cluster.waitFor('web pod bound', async () => {
      const l = await cluster.getJson(['pods', '-n', NSI, '-l', 'app=web']);
      return (l.items as Json[]).find((p) => p.spec.nodeName);
    });
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await cluster.patchPodStatus(NSI, webPod.metadata.name, {
      phase: 'Running',
      podIP: '10.244.0.10',
      podIPs: [{ ip: '10.244.0.10' }],
      startTime: now,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: 'True', lastTransitionTime: now },
      ],
      containerStatuses: [{ name: 'app', image: 'registry.example/web:1.0', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } }],
    });
    const downPod = await cluster.waitFor('down pod bound', async () => {
      const l = await cluster.getJson(['pods', '-n', NSI, '-l', 'app=down']);
      return (l.items as Json[]).find((p) => p.spec.nodeName);
    });
    await cluster.patchPodStatus(NSI, downPod.metadata.name, {
      phase: 'Pending',
      podIP: '10.244.0.11',
      podIPs: [{ ip: '10.244.0.11' }],
      startTime: now,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now },
      ],
      containerStatuses: [{ name: 'app', image: 'registry.example/down:1.0', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/down:1.0"' } } }],
    });
    await cluster.waitFor('the ready endpoint of web', async () => {
      const l = await cluster.getJson(['endpointslices', '-n', NSI, '-l', 'kubernetes.io/service-name=web']);
      return (l.items as Json[]).some((s) => (s.endpoints ?? []).some((e: Json) => e.conditions?.ready === true));
    });
  });
  after(() => cluster?.stop());

  async function diagnoseJson(...target: string[]): Promise<Diagnosis> {
    const r = await runCli(['diagnose', ...target, '-n', NSI, '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(r.stderr, '');
    return JSON.parse(r.stdout) as Diagnosis;
  }

  it('a class no IngressClass has: no controller serves it, with the patch to the near name', async () => {
    const d = await diagnoseJson('ing/typo');
    assert.equal(d.status, 'broken');
    assert.equal(d.symptom, 'no controller serves Ingress typo: class "diag-ngnix" does not exist');
    assert.equal(d.problems[0].check, 'ingress-class-missing');
    assert.deepEqual(d.problems[0].fix.commands, [`kubectl -n ${NSI} patch ingress typo --type=merge -p '{"spec":{"ingressClassName":"diag-nginx"}}'`]);
    assert.equal(d.problems.length, 1, JSON.stringify(d.problems.map((p) => p.symptom)));
  });

  it('a backend Service that does not exist, and a TLS Secret that does not: 503 for one path, HTTPS down', async () => {
    const gone = await diagnoseJson('ingress', 'gone');
    assert.deepEqual(gone.problems.map((p) => p.symptom), ['requests for gone.example.com/api get 503: Service api does not exist']);
    assert.ok(gone.walked.includes('gone.example.com/ -> Service web:80: 1 ready endpoint'), gone.walked.join(' | '));
    const shop = await diagnoseJson('ing/shop');
    assert.deepEqual(shop.problems.map((p) => [p.check, p.symptom]), [['ingress-tls-secret-missing', 'HTTPS for shop.example.com fails: TLS Secret shop-tls does not exist']]);
    assert.deepEqual(shop.problems[0].fix.commands, [`kubectl -n ${NSI} create secret tls shop-tls --cert=tls.crt --key=tls.key`]);
  });

  it('a backend whose pods are not ready: 503, with the cause read from the pod', async () => {
    const d = await diagnoseJson('ing/broken');
    const [p] = d.problems;
    assert.equal(p.symptom, 'requests for broken.example.com/ get 503: Service down has no ready endpoints');
    assert.match(p.cause, /^the controller routes broken\.example\.com\/ to Service down, which has no ready endpoint: .*ImagePullBackOff/);
    assert.deepEqual(p.fix.commands, [`kubeready diagnose svc/down -n ${NSI}`]);
  });
});

/** `diagnose FROM --to TO` on objects read from the API server: policies, namespace labels, endpoints. */
describe('connections under NetworkPolicies, read from a real API server', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  let kubeconfig: string;
  const app = (name: string, ns: string, port?: number) =>
    deployment(name, { ns, container: `{ name: app, image: registry.example/${name}:1.0${port ? `, ports: [{ name: http, containerPort: ${port} }]` : ''} }` });

  before(async () => {
    cluster = await startCluster();
    kubeconfig = cluster.adminKubeconfig;
    await cluster.apply(
      [
        'apiVersion: v1\nkind: Namespace\nmetadata: { name: diag-np }',
        'apiVersion: v1\nkind: Namespace\nmetadata: { name: diag-np-edge }',
        app('frontend', 'diag-np'),
        app('api', 'diag-np', 8080),
        app('web', 'diag-np-edge'),
        'apiVersion: v1\nkind: Service\nmetadata: { name: api, namespace: diag-np }\nspec:\n  selector: { app: api }\n  ports: [{ port: 80, targetPort: http }]',
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-edge, namespace: diag-np }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress]
  ingress:
  - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: diag-np-edge } } }]
    ports: [{ port: http }]`,
      ].join('\n---\n'),
    );
  });
  after(() => cluster?.stop());

  it('blocked in the namespace (the policy admits only another namespace), and nothing answers behind the Service yet', async () => {
    const r = await runCli(['diagnose', 'deploy/frontend', '-n', 'diag-np', '--to', 'svc/api:80', '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.symptom, 'Deployment frontend -> Deployment api on TCP/8080: blocked by ingress NetworkPolicy (api-from-edge)');
    assert.ok(d.problems.some((p) => /^even once allowed, nothing answers: /.test(p.symptom)), JSON.stringify(d.problems.map((p) => p.symptom)));
    assert.match(d.problems[0].evidence[0].text, /it allows from every pod in namespaces kubernetes\.io\/metadata\.name=diag-np-edge on TCP\/http$/);
  });

  it('allowed from the other namespace, by the namespace label the API server sets', async () => {
    const r = await runCli(['diagnose', 'deploy/web', '-n', 'diag-np-edge', '--to', 'deploy/api:http', '--to-namespace', 'diag-np', '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.symptom, "Deployment web may reach Deployment api:http: egress open (no NetworkPolicy selects Deployment web's pods for egress); ingress allowed by NetworkPolicy api-from-edge (spec.ingress[0]: from every pod in namespaces kubernetes.io/metadata.name=diag-np-edge on TCP/http)");
  });

  it('--to-namespace without -n: the source is in the context\'s namespace, as kubectl does', async () => {
    // The same question, with the source's namespace taken from the kubeconfig context instead of -n.
    const dir = mkdtempSync(join(tmpdir(), 'kr-ctx-ns-'));
    try {
      const config = JSON.parse(readFileSync(kubeconfig, 'utf8')) as { contexts: { context: { namespace?: string } }[] };
      for (const c of config.contexts) c.context.namespace = 'diag-np-edge';
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, JSON.stringify(config));
      const r = await runCli(['diagnose', 'deploy/web', '--to', 'deploy/api:http', '--to-namespace', 'diag-np', '--kubeconfig', file, '-o', 'json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const d = JSON.parse(r.stdout) as Diagnosis;
      assert.match(d.symptom, /^Deployment web may reach Deployment api:http: egress open .*ingress allowed by NetworkPolicy api-from-edge/);
      // A destination namespace that does not exist is said, not only "not found".
      const gone = await runCli(['diagnose', 'deploy/web', '--to', 'deploy/api:http', '--to-namespace', 'diag-np-typo', '--kubeconfig', file, '-o', 'json']);
      assert.equal(gone.code, 2, gone.stdout + gone.stderr);
      assert.ok((JSON.parse(gone.stdout) as Diagnosis).notes.some((n) => n === 'namespace "diag-np-typo" does not exist in this cluster'), gone.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
