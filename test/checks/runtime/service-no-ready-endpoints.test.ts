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

  it('falls back to the Endpoints object when there are no slices', () => {
    const eps = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop', uid: 'eps' }, subsets: [{ notReadyAddresses: [{ ip: '10.1.0.4' }], ports: [{ port: 8080 }] }] };
    expectFindings(check, yaml(svc({ app: 'web' }), eps), [{ message: 'Service has no ready endpoints (Endpoints web: 0 ready, 1 not ready)' }]);
  });
});
