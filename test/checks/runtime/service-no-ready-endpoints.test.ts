import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/runtime/service-no-ready-endpoints.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { chain, cond, cstatus, lineOf, rsPod, waiting, yaml } from './fixtures.js';

type Obj = Record<string, unknown>;
const svc = (selector: Record<string, string>, extra: Obj = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', uid: 'svc-web' },
  spec: { selector, ports: [{ port: 80, targetPort: 8080 }], ...extra },
  status: { loadBalancer: {} },
});
const slice = (endpoints: Obj[] | null, owner = 'svc-web'): Obj => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-x7k2p', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: owner, controller: true }] },
  addressType: 'IPv4',
  endpoints,
  ports: [{ port: 8080, protocol: 'TCP' }],
});
const ep = (ip: string, ready: boolean | undefined, podName: string): Obj => ({ addresses: [ip], conditions: ready === undefined ? {} : { ready }, targetRef: { kind: 'Pod', name: podName, namespace: 'shop' } });
const readyPod = (n: string) => rsPod(n, { conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] });

describe('service-no-ready-endpoints', () => {
  it('names a label mismatch when pods carry every selector label but one', () => {
    const text = yaml(svc({ app: 'web', tier: 'frontend' }), slice(null), ...chain({}, [readyPod('web-7d9c-a'), readyPod('web-7d9c-b')]).map((o) => {
      const m = o.metadata as { labels?: Record<string, string> };
      if (o.kind === 'Pod') m.labels = { app: 'web', tier: 'front' };
      return o;
    }));
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'tier: frontend'),
        object: 'web',
        message: 'Service has no ready endpoints (EndpointSlice web-x7k2p: 0 ready, 0 not ready): selector app=web, tier=frontend matches no pod: 2 pods (web-7d9c-a, web-7d9c-b) carry every selector label but tier, which is tier=front where the selector wants tier=frontend (a label mismatch); every connection to it fails',
      },
    ]);
    assert.deepEqual(f.related.map((r) => `${r.object.kind}/${r.object.name} ${r.field}`), ['EndpointSlice/web-x7k2p endpoints', 'Pod/web-7d9c-a metadata.labels.tier', 'Pod/web-7d9c-b metadata.labels.tier']);
  });

  it('says the selected pods are not ready, and in what state', () => {
    const crashing = (n: string) => rsPod(n, { conditions: [cond('Ready', 'False')], containerStatuses: [cstatus({ ready: false, state: waiting('CrashLoopBackOff') })] });
    const text = yaml(svc({ app: 'web' }), slice([ep('10.1.0.4', false, 'web-7d9c-a'), ep('10.1.0.5', false, 'web-7d9c-b')]), ...chain({}, [crashing('web-7d9c-a'), crashing('web-7d9c-b')]));
    expectFindings(check, text, [{ line: lineOf(text, 'selector:'), message: '(EndpointSlice web-x7k2p: 0 ready, 2 not ready): the 2 pods it selects are all unready: 2 CrashLoopBackOff; every connection to it fails' }]);
  });

  it('counts an endpoint without a ready condition as ready, and is silent with one ready endpoint', () => {
    expectNone(check, yaml(svc({ app: 'web' }), slice([ep('10.1.0.4', undefined, 'web-7d9c-a')]), ...chain({}, [readyPod('web-7d9c-a')])));
    expectNone(check, yaml(svc({ app: 'web' }), slice([ep('10.1.0.4', false, 'a'), ep('10.1.0.5', true, 'b')])));
  });

  it('is silent without slices in the input, for slices of an earlier Service with the same name, without a selector, and with publishNotReadyAddresses', () => {
    expectNone(check, yaml(svc({ app: 'web' })));
    expectNone(check, yaml(svc({ app: 'web' }), slice(null, 'uid-of-a-deleted-service')));
    expectNone(check, yaml(svc({}), slice(null)));
    expectNone(check, yaml(svc({ app: 'web' }, { publishNotReadyAddresses: true }), slice(null)));
    const { status: _s, ...manifest } = svc({ app: 'web' });
    expectNone(check, yaml(manifest, slice(null)));
  });

  it('a Deployment scaled to 0 whose template matches: says so, and never calls a one-label difference on an unrelated app a mismatch', () => {
    // Service web selects app=web; Deployment web is scaled to 0; the only pods are redis (app=cache).
    const cache = rsPod('cache-7d9c-a', { deploy: 'cache', conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] });
    const text = yaml(svc({ app: 'web' }), slice(null), ...chain({ replicas: 0, status: { observedGeneration: 1, replicas: 0 } }), ...chain({ name: 'cache' }, [cache]));
    const [f] = expectFindings(check, text, [
      {
        line: lineOf(text, 'selector:'),
        message: 'Service has no ready endpoints (EndpointSlice web-x7k2p: 0 ready, 0 not ready): selector app=web matches the pods of Deployment web, which is scaled to 0 (spec.replicas: 0): no pod runs to serve it; every connection to it fails',
      },
    ]);
    assert.deepEqual(f.related.map((r) => `${r.object.kind}/${r.object.name} ${r.field}`), ['EndpointSlice/web-x7k2p endpoints', 'Deployment/web spec.replicas']);
    assert.doesNotMatch(f.message, /cache|mismatch/);
  });

  it('a one-label selector: only a close value is a mismatch (app=webb against app=web), an unrelated app is not', () => {
    const pods = (deploy: string) => [rsPod(`${deploy}-7d9c-a`, { deploy, conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })];
    const typo = yaml(svc({ app: 'webb' }), slice(null), ...chain({}, pods('web')));
    expectFindings(check, typo, [{ message: 'pod web-7d9c-a carries every selector label but app, which is app=web where the selector wants app=webb (a label mismatch)' }]);
    const unrelated = yaml(svc({ app: 'payments' }), slice(null), ...chain({ name: 'cache' }, pods('cache')));
    const [f] = expectFindings(check, unrelated, [{ message: 'selector app=payments matches no pod in namespace shop; every connection to it fails' }]);
    assert.doesNotMatch(f.message, /mismatch|cache/);
  });

  it('falls back to the Endpoints object when there are no slices', () => {
    const eps = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop', uid: 'eps' }, subsets: [{ notReadyAddresses: [{ ip: '10.1.0.4' }], ports: [{ port: 8080 }] }] };
    expectFindings(check, yaml(svc({ app: 'web' }), eps), [{ message: 'Service has no ready endpoints (Endpoints web: 0 ready, 1 not ready)' }]);
  });
});
