import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checks } from '../../../src/checks/networking/index.js';
import { ResourceIndex } from '../../../src/model/index.js';
import type { Json, JsonObject, Resource } from '../../../src/model/types.js';
import check from '../../../src/checks/networking/service-selects-nothing.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

// Lines 1-12; the pod template labels are on line 8.
const deploy = (labels: string, ns = 'shop', name = 'checkout', kind = 'Deployment', apiVersion = 'apps/v1') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
        - {name: app, image: "shop:1"}
---
`;

// A Service whose selector starts on line 6 of its document.
const svc = (selector: string, name = 'checkout', ns = 'shop', extra = '') => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
${extra}  selector:
${selector}
  ports: [{port: 80, targetPort: 8080}]
`;

/** Load several files (one per folder when the paths say so) and audit them with this check. */
function auditFiles(files: Record<string, string>, complete?: boolean) {
  const plan = loadPlan([check]);
  const resources = Object.entries(files).flatMap(([file, text]) => loadText(text, file, plan).resources);
  return audit({ resources }, { checks: [check], complete });
}

describe('service-selects-nothing', () => {
  it('reports as unknown a selector that matches no workload in the namespace, at spec.selector', () => {
    const found = expectFindings(check, deploy('{app: checkout}') + svc('    app: orders', 'orders'), [
      { line: 17, severity: 'error', object: 'orders', message: 'selector app=orders matches the pods of no workload in namespace "shop" in the input' },
    ]);
    assert.equal(found[0].unknown, 'no workload in namespace shop has pods labelled app=orders');
    assert.deepEqual(found[0].related, []);
  });

  it('in kube-system: silent for the cluster DNS; says the control plane\'s static pods and kube-proxy come with some clusters only', () => {
    expectNone(check, svc('    k8s-app: kube-dns', 'prometheus-coredns', 'kube-system'));
    const [cp] = expectFindings(check, svc('    component: kube-scheduler', 'prometheus-kube-scheduler', 'kube-system'), [
      { line: 5, message: 'selector component=kube-scheduler matches the kube-scheduler static pods that kubeadm-style clusters run in kube-system (managed control planes such as EKS, GKE and AKS run none)' },
    ]);
    assert.ok(cp.unknown);
    expectFindings(check, svc('    component: etcd\n    tier: control-plane', 'etcd', 'kube-system'), [{ line: 5, message: 'the etcd static pods' }]);
    expectFindings(check, svc('    k8s-app: kube-proxy', 'kube-proxy', 'kube-system'), [{ line: 5, message: 'none where a CNI replaces kube-proxy' }]);
    // The same labels elsewhere, or with an extra label, are ordinary selectors.
    expectFindings(check, svc('    k8s-app: kube-dns', 'dns', 'shop'), [{ line: 5, message: 'matches the pods of no workload in namespace "shop"' }]);
    expectFindings(check, svc('    k8s-app: kube-dns\n    version: v2', 'dns', 'kube-system'), [{ line: 5, message: 'matches the pods of no workload in namespace "kube-system"' }]);
    expectFindings(check, svc('    component: kube-scheduler\n    app: x', 's', 'kube-system'), [{ line: 5, message: 'matches the pods of no workload' }]);
  });

  it('is a firm error naming the near miss when a workload in the same namespace has a typo-close value', () => {
    const found = expectFindings(check, deploy('{app: checkout, tier: web}') + svc('    app: chekout\n    tier: web'), [
      {
        line: 18,
        severity: 'error',
        message: 'Deployment "checkout" in the same namespace has app=checkout where the selector wants app=chekout (a typo?)',
      },
    ]);
    assert.equal(found[0].unknown, null);
    assert.equal(found[0].related.length, 1);
    assert.equal(found[0].related[0].object.name, 'checkout');
    assert.equal(found[0].related[0].location.line, 8);
    assert.equal(found[0].related[0].field, 'spec.template.metadata.labels.app');
  });

  it('treats case and separator differences as a near miss', () => {
    expectFindings(check, deploy('{app.kubernetes.io/name: my-shop}') + svc('    app.kubernetes.io/name: my_shop'), [
      { line: 18, message: 'has app.kubernetes.io/name=my-shop where the selector wants app.kubernetes.io/name=my_shop' },
    ]);
  });

  it('is a firm error when an unselected workload carries the Service name as its app label', () => {
    expectFindings(check, deploy('{app: payments}', 'shop', 'payments') + svc('    app: billing', 'payments'), [
      { line: 18, message: "its app is the Service's name, yet no Service selects it" },
    ]);
  });

  it('stays unknown for the Service-name match when another Service already selects that workload', () => {
    const other = `---
apiVersion: v1
kind: Service
metadata: {name: payments-internal, namespace: shop}
spec:
  selector: {app: payments}
`;
    const found = expectFindings(check, deploy('{app: payments}', 'shop', 'payments') + svc('    app: billing', 'payments') + other, [{ line: 17 }]);
    assert.ok(found[0].unknown);
  });

  it('does not call deliberate differences typos: versions, short values, a label the pods lack, Jobs', () => {
    for (const [labels, selector] of [
      ['{app: web, version: v1}', '    app: web\n    version: v2'],
      ['{app: web-1}', '    app: web-2'],
      ['{app: api}', '    app: apx'],
      // Patroni and similar set role labels on running pods: absent from the template is normal.
      ['{application: spilo, cluster-name: db}', '    application: spilo\n    cluster-name: db\n    spilo-role: master'],
      ['{app: checkout, tier: backend}', '    app: checkout\n    tier: frontend'],
    ]) {
      const found = expectFindings(check, deploy(labels) + svc(selector, 'thing'), [{ line: 17 }]);
      assert.ok(found[0].unknown, `${selector} must be unknown, not a firm error`);
    }
    const job = deploy('{app: checkout}', 'shop', 'migrate', 'Job', 'batch/v1').replace('  selector: {matchLabels: {app: x}}\n', '  backoffLimit: 1\n');
    assert.ok(expectFindings(check, job + svc('    app: chekout', 'web'), [{ line: 17 }])[0].unknown);
  });

  it('reports the same labels in another namespace (a Service only selects pods of its own namespace)', () => {
    const found = expectFindings(check, deploy('{app: checkout}', 'shop') + svc('    app: checkout', 'checkout', 'shop-staging'), [
      { line: 17, message: 'namespace "shop-staging"' },
    ]);
    assert.ok(found[0].unknown);
  });

  it('is silent when the selector matches, whatever the workload selector uses (matchExpressions included)', () => {
    const expr = deploy('{app: checkout, tier: web}').replace('{matchLabels: {app: x}}', '{matchExpressions: [{key: app, operator: In, values: [checkout]}]}');
    expectNone(check, expr + svc('    app: checkout'));
    expectNone(check, deploy('{app: checkout, tier: web}') + svc('    tier: web'));
    // A DaemonSet, a bare Pod and a custom resource with a pod template are pods too.
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: one, namespace: shop, labels: {app: single}}
spec:
  containers: [{name: c, image: "i:1"}]
---
`;
    expectNone(check, pod + svc('    app: single'));
  });

  it('never reports Services without a usable selector', () => {
    const services = [
      // No selector: manually managed EndpointSlices.
      `apiVersion: v1\nkind: Service\nmetadata: {name: manual, namespace: shop}\nspec:\n  ports: [{port: 80}]\n`,
      `apiVersion: v1\nkind: Service\nmetadata: {name: empty, namespace: shop}\nspec:\n  selector: {}\n`,
      `apiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: shop}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n  selector: {app: nothing}\n`,
      svc('    app: "{{ .Values.app }}"', 'helm'),
      svc('    app: ${APP}', 'envsubst'),
      svc('    statefulset.kubernetes.io/pod-name: kafka-0', 'kafka-0'),
      // Not a v1 Service selector (the API server rejects it): nothing to evaluate.
      svc('    matchLabels: {app: nothing}', 'shaped-like-a-workload'),
      `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: kn, namespace: shop}\nspec:\n  selector: {app: nothing}\n`,
    ];
    for (const s of services) expectNone(check, deploy('{app: checkout}') + s);
  });

  it('only claims a near miss for manifests deployed together (namespace-less files in other folders are not)', () => {
    const service = `apiVersion: v1
kind: Service
metadata: {name: checkout}
spec:
  selector: {app: chekout}
`;
    const workload = deploy('{app: checkout}').replace('namespace: shop', 'labels: {}');
    const apart = auditFiles({ 'a/svc.yaml': service, 'b/deploy.yaml': workload });
    const f = apart.verdicts.flatMap((v) => v.findings);
    assert.equal(f.length, 1);
    assert.ok(f[0].unknown, 'a near miss in another folder is not proof');
    const together = auditFiles({ 'a/svc.yaml': service, 'a/deploy.yaml': workload });
    const g = together.verdicts.flatMap((v) => v.findings);
    assert.equal(g.length, 1);
    assert.equal(g[0].unknown, null);
    assert.match(g[0].message, /has app=checkout where the selector wants app=chekout/);
    assert.equal(g[0].related[0].location.file, 'a/deploy.yaml');
    // An exact match in another folder of the same (default) namespace clears the Service.
    const exact = auditFiles({ 'a/svc.yaml': service.replace('chekout', 'checkout'), 'b/deploy.yaml': workload });
    assert.equal(exact.verdicts.flatMap((v) => v.findings).length, 0);
  });

  it('fails the verdict with --complete, and not without', () => {
    const text = deploy('{app: checkout}') + svc('    app: orders', 'orders');
    const loose = auditFiles({ 'x/all.yaml': text });
    const svcVerdict = (r: ReturnType<typeof auditFiles>) => r.verdicts.find((v) => v.object.kind === 'Service')!;
    assert.equal(svcVerdict(loose).ready, true);
    const strict = auditFiles({ 'x/all.yaml': text }, true);
    assert.equal(svcVerdict(strict).findings[0].unknown, null);
    assert.equal(svcVerdict(strict).ready, false);
  });

  it('the Service wiring checks never throw on odd workloads next to odd Services', () => {
    const ids = ['service-selects-nothing', 'service-target-port-undeclared', 'service-selects-unrelated-workloads', 'service-backends-without-readiness'];
    const mine = checks.filter((c) => ids.includes(c.id));
    assert.equal(mine.length, ids.length);
    const any = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
    const word = (...xs: Json[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));
    const labels = fc.oneof(any, fc.dictionary(fc.constantFrom('app', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'tier'), word('web', 'wbe', 'api', 'shop')));
    const port = fc.oneof(any, fc.record({ name: word('http'), containerPort: word(80, 8080, '8080'), protocol: word('UDP') }, { requiredKeys: [] }));
    const container = fc.record(
      // Always an image: a container without one makes the object a patch fragment, not a workload.
      { name: word('app'), image: fc.constant('envoy:1'), ports: fc.oneof(any, fc.array(port, { maxLength: 3 })), readinessProbe: any, startupProbe: any, args: any, env: any },
      { requiredKeys: ['name', 'image'] },
    );
    const workload = fc.record({ labels, containers: fc.array(container, { minLength: 1, maxLength: 2 }), readinessGates: any });
    const svcSpec = fc.record(
      {
        selector: fc.oneof(any, labels),
        ports: fc.oneof(any, fc.array(fc.oneof(any, fc.record({ name: word('http'), port: word(80, 8080), targetPort: word('http', 8080, '8080', 0) }, { requiredKeys: [] })), { maxLength: 2 })),
        clusterIP: word('None'),
        publishNotReadyAddresses: word(true),
        type: word('ExternalName'),
      },
      { requiredKeys: [] },
    );
    const mk = (kind: string, apiVersion: string, name: string, object: JsonObject): Resource => ({
      apiVersion, kind, name, namespace: 'shop', object, origin: { file: 'f', doc: 0, locate: () => null },
    });
    fc.assert(
      fc.property(fc.array(workload, { maxLength: 3 }), svcSpec, fc.constantFrom('web', 'shop'), (ws, spec, name) => {
        const objects = ws.map((w, i) =>
          mk('Deployment', 'apps/v1', `w${i}`, { spec: { template: { metadata: { labels: w.labels }, spec: { containers: w.containers, readinessGates: w.readinessGates } } } } as JsonObject),
        );
        const svc = mk('Service', 'v1', name, { spec } as JsonObject);
        objects.push(svc);
        const index = new ResourceIndex(objects);
        for (const c of mine) {
          for (const f of c.run({ resource: svc, params: {}, index })) assert.doesNotMatch(f.message, /undefined|NaN|\[object Object\]/, `${c.id}: ${f.message}`);
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });
});

describe('service-selects-nothing: pods of a LeaderWorkerSet or a CloudNativePG Cluster', () => {
  const lws = `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: vllm, namespace: ai}
spec:
  replicas: 2
  leaderWorkerTemplate:
    size: 2
    leaderTemplate:
      metadata:
        labels: {role: leader}
      spec:
        containers: [{name: leader, image: "vllm/vllm-openai:v0.10.0"}]
    workerTemplate:
      spec:
        containers: [{name: worker, image: "vllm/vllm-openai:v0.10.0"}]
---
`;
  const svc = (sel: string, ns = 'ai') => `apiVersion: v1
kind: Service
metadata: {name: vllm-leader, namespace: ${ns}}
spec:
  selector: ${sel}
  ports: [{port: 8080}]
`;
  it('a Service of the leader pods (the set name and the leader template label) selects them; a wrong role still selects nothing', () => {
    expectNone(check, lws + svc('{leaderworkerset.sigs.k8s.io/name: vllm, role: leader}'));
    expectNone(check, lws + svc('{leaderworkerset.sigs.k8s.io/name: vllm}'));
    expectFindings(check, lws + svc('{leaderworkerset.sigs.k8s.io/name: vllm, role: worker}'), [{ object: 'vllm-leader' }]);
  });

  it('a Service of a Cluster\'s primary selects its instances; replicas exist only with more than one instance', () => {
    const cluster = (instances: number) => `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: db, namespace: ai}
spec:
  instances: ${instances}
  storage: {size: 1Gi}
---
`;
    expectNone(check, cluster(1) + svc('{cnpg.io/cluster: db, role: primary}'));
    expectFindings(check, cluster(1) + svc('{cnpg.io/cluster: db, role: replica}'), [{ object: 'vllm-leader' }]);
    expectNone(check, cluster(3) + svc('{cnpg.io/cluster: db, cnpg.io/instanceRole: replica}'));
    // Another namespace: not these pods.
    expectFindings(check, cluster(3) + svc('{cnpg.io/cluster: db, role: primary}', 'other'), [{ object: 'vllm-leader' }]);
  });
});
