/**
 * kubeready diagnose ing/NAME on dumps shaped as `kubectl get -o yaml` writes them: the address a
 * controller writes, backends and their EndpointSlices, TLS Secrets, the controller's events; what
 * a dump cannot prove (a class, a Secret that was not listed) stays a note. The real API server's
 * side is in test/cluster/diagnose-walks.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { diagnose, parseTarget, type Diagnosis, type DiagnoseOptions } from '../../src/engine/diagnose/index.js';
import { at, event, T0 } from '../checks/runtime/fixtures.js';

type Obj = Record<string, unknown>;

/** A dump; `listed` marks it as a live scan that listed these kinds in full. */
function run(items: Obj[], name: string, listed: string[] | null = ['IngressClass', 'Service', 'EndpointSlice', 'Pod', 'Secret', 'Event'], opts: DiagnoseOptions = {}): Diagnosis {
  const text = YAML.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, { lineWidth: 0 });
  const index = new ResourceIndex(loadText(text, 'dump.yaml').resources, 'shop');
  if (listed) index.listedKinds = new Set(listed);
  return diagnose(index, { kind: 'Ingress', name, namespace: 'shop' }, opts);
}

const CLASS = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };

function ingress(o: { address?: string; tls?: Obj[]; annotations?: Record<string, string>; created?: string; cls?: string } = {}): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'shop', uid: 'ing-shop', creationTimestamp: o.created ?? T0, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      ingressClassName: o.cls ?? 'nginx',
      ...(o.tls ? { tls: o.tls } : {}),
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
    status: { loadBalancer: o.address ? { ingress: [{ ip: o.address }] } : {} },
  };
}
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 's-web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
const slice = (ready: boolean) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abcde', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready } }],
  ports: [{ port: 8080, protocol: 'TCP' }],
});
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'shop', uid: 'p-web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: '10.0.0.5', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T0 }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'web:1', imageID: '', state: { running: { startedAt: T0 } } }] },
};
const HEALTHY = [CLASS, service, slice(true), pod];

describe('diagnose ingress', () => {
  it('parses ing/NAME and ingress.networking.k8s.io NAME', () => {
    assert.deepEqual(parseTarget('ing/shop'), { kind: 'Ingress', name: 'shop' });
    assert.deepEqual(parseTarget('ingress.networking.k8s.io', 'shop'), { kind: 'Ingress', name: 'shop' });
  });

  it('healthy: an address and ready endpoints behind every backend', () => {
    const d = run([...HEALTHY, ingress({ address: '203.0.113.7' })], 'shop');
    assert.equal(d.status, 'healthy');
    assert.equal(d.symptom, 'served at 203.0.113.7; every Service backend has ready endpoints');
    assert.deepEqual(d.walked, ['Ingress shop/shop', 'class: nginx, controller k8s.io/ingress-nginx', 'address: 203.0.113.7', 'shop.example.com/ -> Service web:80: 1 ready endpoint', 'Events: 0']);
  });

  it('no address five minutes on: no controller admitted it, with where its pods would be', () => {
    const d = run([...HEALTHY, ingress({ created: T0 }), event({ name: 'x', involved: { kind: 'Pod', name: 'web-0', uid: 'p-web' }, reason: 'Pulled', message: 'pulled', type: 'Normal', lastTimestamp: at(6) })], 'shop');
    assert.equal(d.status, 'degraded');
    const [p] = d.problems;
    assert.equal(p.symptom, 'Ingress shop has no address: no controller has admitted it (or its controller does not publish addresses)');
    assert.deepEqual(p.fix.commands, ['kubectl get ingressclass nginx -o yaml', 'kubectl get pods -A -l app.kubernetes.io/name=ingress-nginx', 'kubectl -n shop describe ingress shop']);
    // Within the first minutes, no address is normal.
    assert.equal(run([...HEALTHY, ingress({ created: at(4) }), event({ name: 'x', involved: { kind: 'Pod', name: 'web-0', uid: 'p-web' }, reason: 'Pulled', message: 'pulled', type: 'Normal', lastTimestamp: at(6) })], 'shop').status, 'healthy');
  });

  it('TLS: a Secret cert-manager should have issued points at the Certificate; one not listed is not claimed missing', () => {
    const tls = [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }];
    const d = run([...HEALTHY, ingress({ address: '203.0.113.7', tls, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } })], 'shop');
    const [p] = d.problems;
    assert.equal(p.symptom, 'HTTPS for shop.example.com fails: TLS Secret shop-tls does not exist');
    assert.match(p.cause, /the Ingress asks cert-manager \(issuer letsencrypt\) for it, which has not issued it$/);
    assert.deepEqual(p.fix.commands, ['kubectl get crd certificates.cert-manager.io', 'kubectl -n shop describe certificate shop-tls', 'kubectl -n shop get certificaterequests,orders,challenges']);
    assert.deepEqual(p.prevent, []);
    const unread = run([...HEALTHY, ingress({ address: '203.0.113.7', tls })], 'shop', ['IngressClass', 'Service', 'EndpointSlice', 'Pod', 'Event']);
    assert.equal(unread.status, 'healthy');
    assert.equal(unread.symptom, 'served at 203.0.113.7; every Service backend has ready endpoints; TLS not verified');
    assert.ok(unread.walked.includes('TLS shop.example.com: Secret shop-tls (not read)'), unread.walked.join(' | '));
    assert.ok(unread.notes.some((n) => n.startsWith('TLS not verified: Secret shop-tls could not be checked')), unread.notes.join(' | '));
    // A tls entry without secretName: the controller's default certificate, said in the walk.
    const noName = run([...HEALTHY, ingress({ address: '203.0.113.7', tls: [{ hosts: ['shop.example.com'] }] })], 'shop');
    assert.ok(noName.walked.includes("TLS shop.example.com: no secretName (the controller's default certificate, self-signed unless it is configured with one)"), noName.walked.join(' | '));
    const present = run([...HEALTHY, ingress({ address: '203.0.113.7', tls }), { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'shop-tls', namespace: 'shop' } }], 'shop');
    assert.equal(present.status, 'healthy');
  });

  it('no class, a default IngressClass, no address: the default does not apply to an existing Ingress; the patch gives it the class', () => {
    const ing = ingress({ created: T0 });
    delete (ing.spec as Obj).ingressClassName;
    const dflt = { ...CLASS, metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } };
    const later = event({ name: 'x', involved: { kind: 'Pod', name: 'web-0', uid: 'p-web' }, reason: 'Pulled', message: 'pulled', type: 'Normal', lastTimestamp: at(6) });
    const d = run([dflt, service, slice(true), pod, ing, later], 'shop');
    assert.equal(d.status, 'broken');
    assert.equal(d.problems[0].symptom, 'Ingress shop names no class and has no address: the default IngressClass nginx does not apply to it');
    assert.deepEqual(d.problems[0].fix.commands, [`kubectl -n shop patch ingress shop --type=merge -p '{"spec":{"ingressClassName":"nginx"}}'`]);
  });

  it('a backend port name one letter off the Service\'s: did you mean, and the JSON patch of that field; resource backends are walked as not walked', () => {
    const named = { ...service, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
    const ing = ingress({ address: '203.0.113.7' });
    const rules = (ing.spec as { rules: { http: { paths: Obj[] } }[] }).rules;
    rules[0].http.paths.push({ path: '/typo', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'htpp' } } } });
    (ing.spec as Obj).defaultBackend = { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } };
    const d = run([CLASS, named, slice(true), pod, ing], 'shop');
    const p = d.problems.find((x) => x.check === 'ingress-backend-missing');
    assert.equal(p?.symptom, 'requests for shop.example.com/typo get 503: Service web has no port named "htpp"');
    assert.match(p?.cause ?? '', /; did you mean "http"\?$/);
    assert.deepEqual(p?.fix.commands, [`kubectl -n shop patch ingress shop --type=json -p '[{"op":"replace","path":"/spec/rules/0/http/paths/1/backend/service/port/name","value":"http"}]'`]);
    assert.ok(d.walked.includes('resource backend StorageBucket static: not walked (served by the controller itself; ingress-nginx serves none)'), d.walked.join(' | '));
  });

  it('an ExternalName backend is walked as such, not as endpoints', () => {
    const ext = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'api.partner.example.com' } };
    const d = run([CLASS, ext, ingress({ address: '203.0.113.7' })], 'shop');
    assert.ok(d.walked.includes('shop.example.com/ -> Service web (ExternalName api.partner.example.com):80'), d.walked.join(' | '));
  });

  it('the controller\'s Warning event is quoted', () => {
    const warn = event({ name: 'ing-sync', involved: { kind: 'Ingress', name: 'shop', uid: 'ing-shop' }, reason: 'SyncLoadBalancerFailed', message: 'Error syncing load balancer: failed to ensure load balancer: quota exceeded', lastTimestamp: at(7), component: 'loadbalancer-controller' });
    const d = run([...HEALTHY, ingress({ address: '203.0.113.7' }), warn], 'shop');
    assert.deepEqual(d.problems.map((p) => [p.severity, p.symptom]), [['warning', 'the ingress controller reports SyncLoadBalancerFailed']]);
    assert.match(d.problems[0].cause, /^loadbalancer-controller reported SyncLoadBalancerFailed: "Error syncing load balancer: .*quota exceeded"$/);
  });

  it('a dump without the cluster\'s IngressClasses: the class is not claimed missing (a note says why), the backend still walked', () => {
    const d = run([CLASS, service, slice(false), pod, ingress({ cls: 'internal' })], 'shop', null);
    assert.ok(!d.problems.some((p) => p.check === 'ingress-class-missing'), JSON.stringify(d.problems.map((p) => p.check)));
    assert.ok(d.notes.some((n) => /^spec\.ingressClassName is "internal".*\(ingress-class-missing; not all of what it looks for was read\)$/.test(n)), d.notes.join(' | '));
    assert.equal(d.problems[0].symptom, 'requests for shop.example.com/ get 503: Service web has no ready endpoints');
  });
});
