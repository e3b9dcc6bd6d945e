import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/ingress-class-missing.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const classes = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: internal}
spec: {controller: k8s.io/ingress-nginx}
---
`;
const CLASS_LINES = classes.split('\n').length - 1;

/** An Ingress; `meta` goes under metadata, `cls` under spec (both indented by the caller). */
const ingress = (cls: string, meta = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
${meta}spec:
${cls}  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
`;
const ann = (v: string) => `  annotations:\n    kubernetes.io/ingress.class: ${v}\n`;

/** Findings of a run that says the input is complete, or that it is a live scan that listed these kinds. */
function run(yaml: string, opts: { complete?: boolean | string[]; listed?: string[] } = {}) {
  const loaded = loadText(yaml, 'test.yaml', loadPlan([check]));
  const report = audit(
    { resources: loaded.resources, ...(opts.listed ? { listedKinds: new Set(opts.listed) } : {}) },
    { checks: [check], complete: opts.complete, clusterScopedComplete: opts.listed !== undefined },
  );
  return report.verdicts.flatMap((v) => v.findings);
}

describe('ingress-class-missing', () => {
  it('reports ingressClassName naming a class the input does not define, as unknown, with a near match', () => {
    const found = expectFindings(check, classes + ingress('  ingressClassName: ngnix\n'), [
      {
        line: CLASS_LINES + 7,
        severity: 'error',
        object: 'shop',
        message: 'spec.ingressClassName is "ngnix", but there is no IngressClass "ngnix" in the input (it defines "internal", "nginx"); did you mean "nginx"?: if the cluster has none either, every controller ignores this Ingress',
      },
    ]);
    assert.equal(found[0].unknown, 'no IngressClass "ngnix" in the input');
    assert.deepEqual(
      found[0].related.map((r) => [r.object.kind, r.object.name, r.note, r.location.line]),
      [['IngressClass', 'nginx', 'similar name', 3]],
    );
  });

  it('is firm with --complete (IngressClasses are cluster-scoped: namespaces alone do not do)', () => {
    const yaml = classes + ingress('  ingressClassName: public\n');
    const f = run(yaml, { complete: true });
    assert.equal(f.length, 1);
    assert.equal(f[0].unknown, null);
    assert.match(f[0].message, /^spec.ingressClassName is "public", but there is no IngressClass "public" in the input \(its classes: "internal", "nginx"\): every controller ignores this Ingress/);
    const partial = run(yaml, { complete: ['shop'] });
    assert.equal(partial.length, 1);
    assert.notEqual(partial[0].unknown, null);
  });

  it('on a live scan that listed IngressClasses the absence is a fact, worded "in the cluster"', () => {
    const f = run(classes + ingress('  ingressClassName: public\n'), { listed: ['IngressClass', 'Ingress'] });
    assert.equal(f.length, 1);
    assert.equal(f[0].unknown, null);
    assert.match(f[0].message, /no IngressClass "public" in the cluster/);
    // Even a cluster with no IngressClass at all.
    const none = run(ingress('  ingressClassName: nginx\n'), { listed: ['IngressClass', 'Ingress'] });
    assert.equal(none.length, 1);
    assert.match(none[0].message, /no IngressClass "nginx" in the cluster \(it has none\)/);
  });

  it('is silent when the input holds no IngressClass at all (classes come with the controller elsewhere), even with --complete', () => {
    expectNone(check, ingress('  ingressClassName: nginx\n'));
    assert.equal(run(ingress('  ingressClassName: nginx\n'), { complete: true }).length, 0);
  });

  it('is silent for existing classes, templated and empty names, and other API groups', () => {
    expectNone(check, classes + ingress('  ingressClassName: nginx\n'));
    expectNone(check, classes + ingress('  ingressClassName: "{{ .Values.ingress.className }}"\n'));
    expectNone(check, classes + ingress('  ingressClassName: ${INGRESS_CLASS}\n'));
    expectNone(check, classes + ingress('  ingressClassName: ""\n'));
    expectNone(
      check,
      `${classes}apiVersion: networking.internal.knative.dev/v1alpha1
kind: Ingress
metadata: {name: knative, namespace: shop}
spec: {ingressClassName: none-such}
`,
    );
  });

  it('tells GKE users to use the annotation when ingressClassName is a GKE class', () => {
    expectFindings(check, classes + ingress('  ingressClassName: gce\n'), [
      { severity: 'error', message: 'GKE\'s built-in controller has no IngressClass and reads only the annotation: set metadata.annotations["kubernetes.io/ingress.class"]: "gce" and remove spec.ingressClassName' },
    ]);
  });

  it('with both the field and the annotation, an annotation a controller answers by default is enough', () => {
    expectNone(check, classes + ingress('  ingressClassName: alb\n', ann('alb')));
  });

  it('warns on an annotation that is no IngressClass of the input and no controller default', () => {
    const found = expectFindings(check, classes + ingress('', ann('nginx-public')), [
      {
        line: CLASS_LINES + 7,
        severity: 'warning',
        message: 'annotation kubernetes.io/ingress.class is "nginx-public", which is no IngressClass of the input (it defines "internal", "nginx") and no controller\'s default class; did you mean "nginx"?: unless a controller runs with --ingress-class=nginx-public, none serves this Ingress',
      },
    ]);
    assert.equal(found[0].unknown, 'no IngressClass "nginx-public" in the input');
  });

  it('is silent for annotation values controllers answer without an IngressClass, and for classes the input defines', () => {
    for (const v of ['gce', 'gce-internal', 'gce-regional-external', 'alb', 'nginx', 'traefik', 'kong', 'istio', 'internal', '"{{ .Values.ingress.class }}"', '""']) {
      assert.equal(runCheck(check, classes + ingress('', ann(v))).length, 0, v);
    }
  });

  it('is silent when a controller of the input is started with that class', () => {
    const controller = (args: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-public, namespace: ingress}
spec:
  selector: {matchLabels: {app: public}}
  template:
    metadata: {labels: {app: public}}
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.11.2
          args: ${args}
`;
    expectNone(check, classes + ingress('', ann('nginx-public')) + controller('["/nginx-ingress-controller", "--ingress-class=nginx-public"]'));
    expectNone(check, classes + ingress('', ann('nginx-public')) + controller('["--ingress-class", "nginx-public"]'));
    // A flag for another class does not help.
    assert.equal(runCheck(check, classes + ingress('', ann('nginx-public')) + controller('["--ingress-class=other", "--ingress-class-by-name=true"]')).length, 1);
  });

  it('an Ingress that already has an address in its status is served by something: silent', () => {
    expectNone(
      check,
      `${classes}${ingress('  ingressClassName: public\n')}status:
  loadBalancer:
    ingress: [{ip: 203.0.113.10}]
`,
    );
  });

  describe('no class at all', () => {
    const none = ingress('');

    it('is silent on manifests: the cluster may have a default class', () => {
      expectNone(check, classes + none);
      assert.equal(run(classes + none, { complete: true }).length, 0);
    });

    it('warns on a live scan when no IngressClass is the default', () => {
      const f = run(classes + none, { listed: ['IngressClass', 'Ingress', 'Node'] });
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'warning');
      assert.equal(f[0].location.line, CLASS_LINES + 6);
      assert.match(f[0].message, /names no class \(no spec.ingressClassName or kubernetes.io\/ingress.class annotation\) and no IngressClass of the cluster \("internal", "nginx"\) is marked ingressclass.kubernetes.io\/is-default-class: "true": class-bound controllers/);
      assert.deepEqual(f[0].related.map((r) => r.object.name), ['nginx', 'internal']);
    });

    it('is silent on a live scan with a default class, a class-less-serving controller, a without-class flag or GKE nodes', () => {
      const listed = { listed: ['IngressClass', 'Ingress', 'Node'] };
      const dflt = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: default
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
---
`;
      assert.equal(run(classes + dflt + none, listed).length, 0);
      const traefik = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
`;
      assert.equal(run(classes + traefik + none, listed).length, 0);
      const watcher = `---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ingress-nginx, namespace: ingress}
spec:
  selector: {matchLabels: {app: ingress}}
  template:
    metadata: {labels: {app: ingress}}
    spec:
      containers: [{name: c, image: registry.k8s.io/ingress-nginx/controller:v1.11.2, args: ["--watch-ingress-without-class=true"]}]
`;
      assert.equal(run(classes + none + watcher, listed).length, 0);
      const node = `---
apiVersion: v1
kind: Node
metadata:
  name: gke-pool-1-abcd
  labels: {cloud.google.com/gke-nodepool: pool-1}
`;
      assert.equal(run(classes + none + node, listed).length, 0);
      // A live scan with no IngressClass at all: nothing known about who serves class-less Ingresses.
      assert.equal(run(none, listed).length, 0);
    });
  });

  it('does not crash on odd shapes', () => {
    for (const spec of ['  ingressClassName: 5\n', '  ingressClassName: [a]\n', '  ingressClassName: {a: b}\n']) {
      expectNone(check, classes + ingress(spec));
    }
    expectNone(check, classes + ingress('', '  annotations: "kubernetes.io/ingress.class=foo"\n'));
    expectNone(check, `${classes}apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: odd}\nspec: "nope"\n`);
    expectNone(check, `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: odd}\nspec: 7\n---\n${ingress('  ingressClassName: odd\n')}`);
  });
});
