import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checks as networkingChecks } from '../../src/checks/networking/index.js';
import type { Json, JsonObject, Resource } from '../../src/model/types.js';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import {
  formatPortSet,
  networkGraph,
  portIntersect,
  portSubtract,
  portUnion,
  reachability,
  type NetworkGraph,
} from '../../src/model/netpol.js';
import type { Workload } from '../../src/model/types.js';

function setup(yaml: string, file = 'app.yaml'): { index: ResourceIndex; g: NetworkGraph; w: (name: string) => Workload } {
  const loaded = loadText(yaml, file);
  assert.deepEqual(loaded.problems.filter((p) => p.level === 'error'), []);
  const index = new ResourceIndex(loaded.resources);
  const g = networkGraph(index);
  const w = (name: string) => {
    const found = index.workloads.find((x) => x.resource.name === name);
    assert.ok(found, `workload ${name}`);
    return found;
  };
  return { index, g, w };
}

function deploy(name: string, ns: string, labels: string, ports = '', extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template:
    metadata:
      labels: ${labels}
    spec:${extra}
      containers:
        - name: main
          image: ${name}:1
          ports: [${ports}]
---
`;
}

function policy(name: string, ns: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
---
`;
}

/** A 3-namespace app: web/frontend -> api/api -> data/db, with a deny-all in data. */
const APP =
  `apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {team: web}}
---
apiVersion: v1
kind: Namespace
metadata: {name: api}
---
` +
  deploy('frontend', 'web', '{app: frontend}', '{name: http, containerPort: 8080}') +
  deploy('api', 'api', '{app: api}', '{name: http-api, containerPort: 9000}') +
  deploy('worker', 'api', '{app: worker}') +
  deploy('db', 'data', '{app: db}', '{name: pg, containerPort: 5432}') +
  deploy('prometheus', 'monitoring', '{app: prometheus}') +
  policy('deny-all', 'data', `podSelector: {}\npolicyTypes: [Ingress, Egress]`) +
  policy(
    'db-allow-api',
    'data',
    `podSelector: {matchLabels: {app: db}}
ingress:
  - from:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: api}}
        podSelector: {matchLabels: {app: api}}
    ports: [{port: 5432}]
  - from:
      - namespaceSelector: {matchLabels: {team: ops}}
    ports: [{port: pg}]`,
  ) +
  policy(
    'api',
    'api',
    `podSelector: {matchLabels: {app: api}}
ingress:
  - from:
      - namespaceSelector: {matchLabels: {team: web}}
    ports: [{port: http-api}]
egress:
  - to:
      - namespaceSelector:
          matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [data]}]
        podSelector: {matchLabels: {app: db}}
    ports: [{port: 5432, protocol: TCP}]
  - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    ports: [{port: 53, protocol: UDP}]
  - to:
      - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
    ports: [{port: 443}]`,
  );

describe('netpol model: the 3-namespace app', () => {
  const { index, g, w } = setup(APP);

  it('isolation follows policyTypes (omitted with egress => Ingress+Egress)', () => {
    assert.equal(g.ingressIsolated(w('frontend')), false);
    assert.equal(g.egressIsolated(w('frontend')), false);
    assert.equal(g.ingressIsolated(w('api')), true);
    assert.equal(g.egressIsolated(w('api')), true);
    assert.equal(g.ingressIsolated(w('worker')), false);
    assert.equal(g.ingressIsolated(w('db')), true);
    assert.equal(g.egressIsolated(w('db')), true);
    assert.deepEqual(g.ingressPolicies(w('db')).map((s) => s.policy.resource.name), ['deny-all', 'db-allow-api']);
    assert.deepEqual(g.egressPolicies(w('db')).map((s) => s.policy.resource.name), ['deny-all']);
  });

  it('allows: egress AND ingress, named ports, namespace labels, unknown namespaces', () => {
    assert.equal(g.allows(w('frontend'), w('api'), 9000), true);
    assert.equal(g.allows(w('frontend'), w('api'), 'http-api'), true);
    assert.equal(g.allows(w('frontend'), w('api'), 8080), false);
    assert.equal(g.allows(w('frontend'), w('api'), 9000, 'UDP'), false);
    assert.equal(g.allows(w('worker'), w('api')), false, 'namespace api lacks team=web');
    assert.equal(g.allows(w('frontend'), w('db')), false);
    assert.equal(g.allows(w('api'), w('db'), 5432), true);
    assert.equal(g.allows(w('api'), w('db'), 5433), false);
    assert.equal(g.allows(w('api'), w('frontend'), 8080), false, 'api egress only reaches db, DNS, and an ipBlock on 443');
    assert.equal(g.allows(w('api'), w('frontend'), 443), undefined, 'an ipBlock may or may not match pod IPs');
    assert.equal(g.allows(w('api'), w('frontend')), undefined);
    assert.equal(g.allows(w('frontend'), w('worker')), true, 'open to open');
    // The monitoring namespace is not in the input: whether it has team=ops is unknown.
    assert.equal(g.allows(w('prometheus'), w('db'), 5432), undefined);
    assert.equal(g.allows(w('prometheus'), w('db'), 22), false);
    assert.equal(g.allows(w('db'), w('api')), false, 'deny-all egress');
  });

  it('reachability lists exactly the edges with an isolated side', () => {
    const r = reachability(index);
    assert.ok(r);
    assert.equal(r.policies, 3);
    assert.equal(r.truncated, false);
    const ref = (name: string, namespace: string) => ({ kind: 'Deployment', name, namespace });
    assert.deepEqual(r.edges, [
      { from: ref('frontend', 'web'), to: ref('api', 'api'), ports: ['TCP/9000'] },
      { from: ref('api', 'api'), to: ref('db', 'data'), ports: ['TCP/5432'] },
      // monitoring is not in the input: it may carry team=web (api) or team=ops (db).
      { from: ref('prometheus', 'monitoring'), to: ref('api', 'api'), ports: [], maybe: ['TCP/9000'] },
      { from: ref('prometheus', 'monitoring'), to: ref('db', 'data'), ports: [], maybe: ['TCP/5432'] },
    ]);
    assert.deepEqual(r.workloads, [
      { ...ref('frontend', 'web'), ingress: 'open', egress: 'open' },
      { ...ref('api', 'api'), ingress: 'isolated', egress: 'isolated', ingressPolicies: ['api'], egressPolicies: ['api'], egressIpBlocks: ['0.0.0.0/0 except 10.0.0.0/8 TCP/443'] },
      { ...ref('worker', 'api'), ingress: 'open', egress: 'open' },
      { ...ref('db', 'data'), ingress: 'isolated', egress: 'isolated', ingressPolicies: ['deny-all', 'db-allow-api'], egressPolicies: ['deny-all'] },
      { ...ref('prometheus', 'monitoring'), ingress: 'open', egress: 'open' },
    ]);
    // JSON-serialisable and compact.
    assert.doesNotThrow(() => JSON.stringify(r));
  });

  it('caps edges and says so', () => {
    const r = reachability(new ResourceIndex(loadText(APP, 'app.yaml').resources), { maxEdges: 1 });
    assert.equal(r?.edges.length, 1);
    assert.equal(r?.truncated, true);
  });

  it('allow-all policies count as open, unknown isolation lists no edges, hostNetwork is marked', () => {
    const yaml =
      deploy('a', 'ns', '{app: a}') +
      deploy('b', 'ns', '{app: b}') +
      deploy('c', 'ns', '{app: c}') +
      deploy('h', 'ns', '{app: h}', '', '\n      hostNetwork: true') +
      policy('a-all', 'ns', 'podSelector: {matchLabels: {app: a}}\ningress: [{}]\negress: [{}]') +
      policy('b-maybe', 'ns', "podSelector: {matchLabels: {app: '{{ .Values.b }}'}}") +
      policy('c-from-a', 'ns', 'podSelector: {matchLabels: {app: c}}\ningress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]');
    const r = reachability(new ResourceIndex(loadText(yaml, 'x.yaml').resources));
    assert.ok(r);
    assert.deepEqual(
      r.workloads.map((x) => [x.name, x.ingress, x.egress, x.hostNetwork ?? false]),
      [
        ['a', 'allow-all', 'allow-all', false],
        ['b', 'unknown', 'open', false],
        ['c', 'isolated', 'open', false],
        ['h', 'unknown', 'unknown', true],
      ],
    );
    assert.deepEqual(
      r.edges.map((e) => [e.from.name, e.to.name, e.ports]),
      [['a', 'c', 'all']],
    );
  });

  it('namespace-less policies only apply to workloads of their own folder in the report', () => {
    const wl = loadText(deploy('a', 'x', '{app: a}').replace(', namespace: x', ''), 'one/a.yaml').resources;
    const pol = loadText(policy('p', 'x', 'podSelector: {}').replace(', namespace: x', ''), 'two/p.yaml').resources;
    const r = reachability(new ResourceIndex([...wl, ...pol]));
    assert.deepEqual(r?.workloads.map((x) => x.ingress), ['open']);
  });

  it('is null without NetworkPolicies', () => {
    assert.equal(reachability(new ResourceIndex(loadText(deploy('a', 'x', '{app: a}'), 'a.yaml').resources)), null);
  });
});

describe('netpol model: rule semantics', () => {
  const two = deploy('a', 'ns', '{app: a, tier: front}', '{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}') + deploy('b', 'ns', '{app: b}', '{name: http, containerPort: 8081}');

  it('policyTypes omitted without egress => Ingress only; egress: [] does not isolate egress', () => {
    const { g, w } = setup(two + policy('p', 'ns', 'podSelector: {}\negress: []'));
    assert.equal(g.ingressIsolated(w('a')), true);
    assert.equal(g.egressIsolated(w('a')), false);
    const { g: g2, w: w2 } = setup(two + policy('p', 'ns', 'podSelector: {}\npolicyTypes: []\negress: [{}]'));
    assert.equal(g2.egressIsolated(w2('a')), true, 'empty policyTypes defaults too');
  });

  it('ingress: [{}] allows everything, ingress: [] nothing', () => {
    const open = setup(two + policy('p', 'ns', 'podSelector: {matchLabels: {app: b}}\ningress: [{}]'));
    assert.equal(open.g.ingressIsolated(open.w('b')), true);
    assert.deepEqual(open.g.connection(open.w('a'), open.w('b')), { sure: 'all', maybe: [] });
    const closed = setup(two + policy('p', 'ns', 'podSelector: {matchLabels: {app: b}}\ningress: []'));
    assert.equal(closed.g.allows(closed.w('a'), closed.w('b')), false);
    assert.equal(closed.g.allows(closed.w('b'), closed.w('a')), true, 'a is not selected');
  });

  it('podSelector + namespaceSelector in one peer is AND, in two peers OR', () => {
    const other = deploy('c', 'other', '{app: a}');
    const and = setup(
      two + other + policy('p', 'ns', 'podSelector: {matchLabels: {app: b}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}\n        podSelector: {matchLabels: {app: a}}'),
    );
    assert.equal(and.g.allows(and.w('c'), and.w('b')), true);
    assert.equal(and.g.allows(and.w('a'), and.w('b')), false, 'app=a but in namespace ns');
    const orr = setup(
      two + other + policy('p', 'ns', 'podSelector: {matchLabels: {app: b}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}\n      - podSelector: {matchLabels: {app: a}}'),
    );
    assert.equal(orr.g.allows(orr.w('c'), orr.w('b')), true);
    assert.equal(orr.g.allows(orr.w('a'), orr.w('b')), true, 'podSelector alone: same namespace');
  });

  it('matchExpressions selectors', () => {
    const { g, w } = setup(
      two + policy('p', 'ns', 'podSelector:\n  matchExpressions: [{key: tier, operator: Exists}]\ningress:\n  - from: [{podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [a]}]}}]'),
    );
    assert.equal(g.ingressIsolated(w('a')), true);
    assert.equal(g.ingressIsolated(w('b')), false);
    assert.equal(g.allows(w('b'), w('a')), true);
    assert.equal(g.allows(w('a'), w('a')), false);
  });

  it('named ports resolve on the destination, endPort ranges, protocols', () => {
    const { g, w } = setup(
      two +
        policy('pa', 'ns', 'podSelector: {matchLabels: {app: a}}\ningress:\n  - ports: [{port: http}, {port: dns, protocol: UDP}]') +
        policy('pb', 'ns', 'podSelector: {matchLabels: {app: b}}\ningress:\n  - ports: [{port: 8000, endPort: 8100}, {protocol: UDP}]'),
    );
    assert.deepEqual(formatPortSet(g.connection(w('b'), w('a')).sure), ['TCP/8080', 'UDP/53']);
    assert.deepEqual(formatPortSet(g.connection(w('a'), w('b')).sure), ['TCP/8000-8100', 'UDP/*']);
    assert.equal(g.allows(w('a'), w('b'), 8081), true);
    assert.equal(g.allows(w('a'), w('b'), 8101), false);
    assert.equal(g.allows(w('a'), w('b'), 'http'), true, 'http of b is 8081, in the range');
  });

  it('a named port the destination does not declare allows nothing', () => {
    const { g, w } = setup(two + policy('pb', 'ns', 'podSelector: {matchLabels: {app: b}}\ningress:\n  - ports: [{port: metrics}]'));
    assert.equal(g.allows(w('a'), w('b')), false);
  });

  it('namespaces not in the input: only the name label is known', () => {
    const x = deploy('x', 'elsewhere', '{app: x}');
    const base = two + x;
    const byName = setup(base + policy('p', 'ns', 'podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: elsewhere}}}]'));
    assert.equal(byName.g.allows(byName.w('x'), byName.w('a')), true);
    const byLabel = setup(base + policy('p', 'ns', 'podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {team: x}}}]'));
    assert.equal(byLabel.g.allows(byLabel.w('x'), byLabel.w('a')), undefined);
    const both = setup(base + policy('p', 'ns', 'podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {team: x, kubernetes.io/metadata.name: other}}}]'));
    assert.equal(both.g.allows(both.w('x'), both.w('a')), false, 'the name label already rules it out');
    const withObject = setup(`apiVersion: v1\nkind: Namespace\nmetadata: {name: elsewhere, labels: {team: x}}\n---\n` + base + policy('p', 'ns', 'podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {team: x}}}]'));
    assert.equal(withObject.g.allows(withObject.w('x'), withObject.w('a')), true);
  });

  it('policies of another namespace do not select', () => {
    const { g, w } = setup(two + policy('p', 'other', 'podSelector: {}'));
    assert.equal(g.ingressIsolated(w('a')), false);
  });

  it('templated selectors, fragments and hostNetwork are unknown', () => {
    const t = setup(two + policy('p', 'ns', "podSelector: {matchLabels: {app: '{{ .Values.app }}'}}"));
    assert.equal(t.g.ingressIsolated(t.w('a')), undefined);
    const frag = setup(two + policy('p', 'ns', 'policyTypes: [Ingress]'));
    assert.equal(frag.g.ingressIsolated(frag.w('a')), undefined);
    const host = setup(deploy('h', 'ns', '{app: h}', '', '\n      hostNetwork: true') + policy('p', 'ns', 'podSelector: {}'));
    assert.equal(host.g.ingressIsolated(host.w('h')), undefined);
  });

  it('namespace-less manifests in different folders are not known to share a namespace', () => {
    const wl = loadText(deploy('a', 'x', '{app: a}').replace(', namespace: x', ''), 'one/a.yaml').resources;
    const pol = loadText(policy('p', 'x', 'podSelector: {}').replace(', namespace: x', ''), 'two/p.yaml').resources;
    const g = networkGraph(new ResourceIndex([...wl, ...pol]));
    assert.equal(g.ingressIsolated(g.workloads[0]), undefined);
    const g2 = networkGraph(new ResourceIndex([...wl, ...loadText(policy('p', 'x', 'podSelector: {}').replace(', namespace: x', ''), 'one/p.yaml').resources]));
    assert.equal(g2.ingressIsolated(g2.workloads[0]), true);
  });
});

describe('netpol model: port sets', () => {
  it('union, intersection and subtraction of ranges', () => {
    const a = [{ protocol: 'TCP', from: 1, to: 100 }];
    const b = [{ protocol: 'TCP', from: 50, to: 200 }, { protocol: 'UDP', from: 53, to: 53 }];
    assert.deepEqual(formatPortSet(portUnion(a, b)), ['TCP/1-200', 'UDP/53']);
    assert.deepEqual(formatPortSet(portIntersect(a, b)), ['TCP/50-100']);
    assert.deepEqual(formatPortSet(portSubtract(b, a)), ['TCP/101-200', 'UDP/53']);
    assert.deepEqual(formatPortSet(portIntersect('all', b)), ['TCP/50-200', 'UDP/53']);
    assert.equal(formatPortSet(portUnion('all', a)), 'all');
    assert.deepEqual(portSubtract(a, 'all'), []);
  });
});

describe('netpol model: totality', () => {
  const any = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
  const word = (...xs: Json[]) => fc.oneof(any, fc.constantFrom<Json>(...xs));
  const selector = fc.oneof(
    any,
    fc.record(
      {
        matchLabels: fc.oneof(any, fc.dictionary(fc.constantFrom('app', 'kubernetes.io/metadata.name', 'team'), word('a', 'b', 'kube-system', '{{ x }}'))),
        matchExpressions: fc.oneof(any, fc.array(fc.record({ key: word('app', 'team'), operator: word('In', 'NotIn', 'Exists', 'DoesNotExist', 'Odd'), values: fc.oneof(any, fc.array(word('a', 'b'))) }, { requiredKeys: [] }), { maxLength: 2 })),
      },
      { requiredKeys: [] },
    ),
  );
  const peer = fc.oneof(any, fc.record({ podSelector: selector, namespaceSelector: selector, ipBlock: fc.oneof(any, fc.record({ cidr: word('0.0.0.0/0'), except: any }, { requiredKeys: [] })) }, { requiredKeys: [] }));
  const port = fc.oneof(any, fc.record({ port: word(53, 'dns', 8080, 0, 70000, '{{ p }}'), endPort: word(100, 10), protocol: word('UDP', 'TCP', 'SCTP', 7) }, { requiredKeys: [] }));
  const rule = (key: string) => fc.oneof(any, fc.record({ [key]: fc.oneof(any, fc.array(peer, { maxLength: 2 })), ports: fc.oneof(any, fc.array(port, { maxLength: 2 })) }, { requiredKeys: [] }));
  const spec = fc.record(
    {
      podSelector: selector,
      policyTypes: fc.oneof(any, fc.array(word('Ingress', 'Egress'), { maxLength: 2 })),
      ingress: fc.oneof(any, fc.array(rule('from'), { maxLength: 2 })),
      egress: fc.oneof(any, fc.array(rule('to'), { maxLength: 2 })),
    },
    { requiredKeys: [] },
  );
  const mk = (kind: string, apiVersion: string, name: string, namespace: string | undefined, object: JsonObject): Resource => ({
    apiVersion, kind, name, namespace, object, origin: { file: 'f', doc: 0, locate: () => null },
  });
  const wl = (name: string, ns: string, labels: JsonObject): Resource =>
    mk('Deployment', 'apps/v1', name, ns, { spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, 'odd'] }] } } } });

  it('never throws, and the checks stay total, on odd NetworkPolicies', () => {
    fc.assert(
      fc.property(spec, spec, (s1, s2) => {
        const objects = [
          wl('a', 'shop', { app: 'a' }),
          wl('b', 'kube-system', { app: 'b', 'k8s-app': 'kube-dns' }),
          mk('NetworkPolicy', 'networking.k8s.io/v1', 'p1', 'shop', { spec: s1 as Json }),
          mk('NetworkPolicy', 'networking.k8s.io/v1', 'p2', 'kube-system', { spec: s2 as Json }),
          mk('Namespace', 'v1', 'kube-system', undefined, { metadata: { labels: { team: 'a' } } }),
        ];
        const index = new ResourceIndex(objects);
        const g = networkGraph(index);
        for (const x of g.workloads) for (const y of g.workloads) {
          g.allows(x, y);
          g.allows(x, y, 53, 'UDP');
          g.allows(x, y, 'dns', 'UDP');
        }
        const r = reachability(index);
        assert.ok(r);
        assert.doesNotThrow(() => JSON.stringify(r));
        for (const o of objects) {
          const w = g.workloads.find((x) => x.resource === o);
          for (const check of networkingChecks) {
            if (!/^(netpol|exposed)/.test(check.id)) continue;
            if (check.target === 'workload' ? !w : !check.kinds?.includes(o.kind)) continue;
            const params = Object.fromEntries(Object.entries(check.params ?? {}).map(([k, v]) => [k, v.default]));
            const found = check.run({ resource: o, workload: w, params, index });
            for (const f of found) assert.doesNotMatch(f.message, /undefined|NaN|\[object Object\]/, `${check.id}: ${f.message}`);
          }
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 1_732_600_000), numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
