import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/networking/netpol-egress-blocks-dns.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { load as loadYaml } from 'js-yaml';
import { loadText } from '../../../src/sources/resources.js';
import { ResourceIndex } from '../../../src/model/index.js';
import { networkGraph } from '../../../src/model/netpol.js';

// Lines 1-12.
const api = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: app
          image: api:1
---
`;

/** A policy in namespace shop; `spec` lines are indented by two spaces. Starts at line 13 after `api`. */
function policy(name: string, spec: string, ns = 'shop'): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
---
`;
}

const dbOnly = policy(
  'api-egress',
  `
podSelector: {matchLabels: {app: api}}
policyTypes: [Egress]
egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
    ports: [{port: 5432}]
`,
);

describe('netpol-egress-blocks-dns', () => {
  it('fires on an egress allow-list without port 53, related to the policy', () => {
    const found = expectFindings(check, api + dbOnly, [
      {
        line: 7,
        object: 'api',
        severity: 'error',
        message: 'NetworkPolicy "api-egress" in namespace "shop" isolates its pods for egress and no egress rule allows DNS (UDP/TCP port 53) (their egress rules allow only TCP/5432 to pods app=db)',
      },
    ]);
    assert.equal(found[0].related.length, 1);
    assert.equal(found[0].related[0].object.name, 'api-egress');
    assert.equal(found[0].related[0].location.line, 19, 'spec.egress of the policy');
  });

  it('is unknown when a Cilium policy in the namespace may allow DNS', () => {
    const cilium = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: allow-dns, namespace: shop}\nspec: {}\n---\n`;
    const found = expectFindings(check, api + dbOnly + cilium, [{ line: 7, message: 'no egress rule allows DNS' }]);
    assert.equal(found[0].unknown, 'CiliumNetworkPolicy "allow-dns" in the input may also act on these pods (policies of other APIs are not evaluated)');
  });

  it('fires when policyTypes is omitted and egress rules exist (Egress is implied)', () => {
    expectFindings(
      check,
      api +
        policy(
          'implied',
          `
podSelector: {}
egress:
  - ports: [{port: 443}]
`,
        ),
      [{ line: 7, message: 'allow only TCP/443 anywhere' }],
    );
  });

  it('a deny-all egress with no rules is a warning', () => {
    expectFindings(check, api + policy('deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'), [
      { line: 7, severity: 'warning', message: 'with no egress rule at all: every outbound connection is denied, DNS (UDP/TCP port 53) included' },
    ]);
  });

  it('egress only to IP address blocks (the API server): a warning that says lookups fail, connections by IP work', () => {
    const apiServerOnly = policy(
      'api-egress',
      `
podSelector: {matchLabels: {app: api}}
policyTypes: [Egress]
egress:
  - to: [{ipBlock: {cidr: 10.96.0.1/32}}]
    ports: [{port: 443, protocol: TCP}]
`,
    );
    expectFindings(check, api + apiServerOnly, [
      {
        line: 7,
        severity: 'warning',
        message: 'allows only IP address blocks, not DNS (UDP/TCP port 53) (their egress rules allow only TCP/443 to 10.96.0.1/32): connections by IP address work, but any host name the pods look up times out',
      },
    ]);
    // One rule to pods besides the address block: names are needed, an error as before.
    const mixed = policy(
      'api-egress',
      `
podSelector: {matchLabels: {app: api}}
policyTypes: [Egress]
egress:
  - to: [{ipBlock: {cidr: 10.96.0.1/32}}]
    ports: [{port: 443, protocol: TCP}]
  - to: [{podSelector: {matchLabels: {app: db}}}]
    ports: [{port: 5432}]
`,
    );
    expectFindings(check, api + mixed, [{ line: 7, severity: 'error', message: 'no egress rule allows DNS' }]);
  });

  it('fires when the DNS rule only reaches a non-DNS namespace or app pods on all ports', () => {
    expectFindings(
      check,
      api +
        policy(
          'p',
          `
podSelector: {}
policyTypes: [Egress]
egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: payments}}}]
  - to: [{podSelector: {matchLabels: {app: db}}}]
`,
        ),
      [{ line: 7, message: 'allow only all ports to namespaces kubernetes.io/metadata.name=payments; all ports to pods app=db)' }],
    );
  });

  it('is silent when a second policy allows DNS (union)', () => {
    expectNone(
      check,
      api +
        dbOnly +
        policy(
          'allow-dns',
          `
podSelector: {}
policyTypes: [Egress]
egress:
  - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}
`,
        ),
    );
  });

  it('is silent for each form of DNS allowance', () => {
    const rules = [
      // port 53 to any destination
      '- ports: [{port: 53, protocol: UDP}]',
      // named ports of CoreDNS
      '- to: [{namespaceSelector: {}}]\n    ports: [{port: dns, protocol: UDP}, {port: dns-tcp}]',
      // all ports to kube-system by its automatic name label
      '- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]',
      // all ports to every namespace
      '- to: [{namespaceSelector: {}}]',
      // an ipBlock (node-local DNS cache)
      '- to: [{ipBlock: {cidr: 169.254.20.10/32}}]\n    ports: [{protocol: UDP}]',
      // a range containing 53 to everything
      '- ports: [{port: 1, endPort: 1024, protocol: UDP}]',
      // every destination, every port
      '- {}',
      // matchExpressions on the name label
      '- to: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [kube-system, shop]}]}}]',
    ];
    for (const rule of rules) {
      expectNone(check, api + policy('p', `podSelector: {}\npolicyTypes: [Egress]\negress:\n  ${rule}`));
    }
  });

  it('is silent when egress is not isolated: policyTypes omitted with egress: [] or no egress', () => {
    expectNone(check, api + policy('p', 'podSelector: {}\negress: []'));
    expectNone(check, api + policy('p', 'podSelector: {}\ningress: []'));
  });

  it('is silent for policies of another namespace, unselected pods, templated selectors and hostNetwork', () => {
    expectNone(check, api + policy('p', 'podSelector: {}\npolicyTypes: [Egress]', 'other'));
    expectNone(check, api + policy('p', 'podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]'));
    expectNone(check, api + policy('p', "podSelector: {matchLabels: {app: '{{ .Values.name }}'}}\npolicyTypes: [Egress]"));
    expectNone(check, api.replace('    spec:\n', '    spec:\n      hostNetwork: true\n') + policy('p', 'podSelector: {}\npolicyTypes: [Egress]'));
  });

  it('uses the labels of a kube-system Namespace object, and is silent when they are unknown', () => {
    const rule = 'podSelector: {}\npolicyTypes: [Egress]\negress:\n  - to: [{namespaceSelector: {matchLabels: {role: system}}}]';
    // kube-system not in the input: its labels are unknown, the rule may reach DNS.
    expectNone(check, api + policy('p', rule));
    // kube-system in the input without that label: the rule certainly does not reach DNS.
    expectFindings(check, `apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n---\n${api}${policy('p', rule)}`, [{ line: 11, message: 'no egress rule allows DNS' }]);
    expectNone(check, `apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system, labels: {role: system}}\n---\n${api}${policy('p', rule)}`);
  });

  it("the finding's fix names the policy, the namespace and the policy's podSelector, never {}", () => {
    const [f] = expectFindings(check, api + dbOnly, [{ line: 7 }]);
    assert.equal(
      f.fix,
      'Add an egress rule allowing UDP and TCP port 53 to the cluster DNS pods (namespace kube-system, k8s-app=kube-dns) to NetworkPolicy "api-egress", or create a NetworkPolicy in namespace "shop" with policyTypes: [Egress], that rule and podSelector: {matchLabels: {app: api}} (the same as "api-egress"; podSelector: {} would egress-isolate every pod of the namespace).',
    );
    // Another namespace, a matchExpressions selector: both carried over as written.
    const exprs = policy('api-egress', 'podSelector: {matchExpressions: [{key: app, operator: In, values: [api, "true"]}]}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: 443}]', 'prod');
    const [g] = expectFindings(check, api.replace('namespace: shop', 'namespace: prod') + exprs, [{ line: 7 }]);
    assert.match(g.fix ?? '', /in namespace "prod" with .* podSelector: \{matchExpressions: \[\{key: app, operator: In, values: \[api, 'true'\]\}\]\} \(the same as "api-egress"/);
  });

  it('the fix of a namespace-wide deny-all keeps its {} selector and says it isolates every pod already', () => {
    const [f] = expectFindings(check, api + policy('deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'), [{ line: 7 }]);
    assert.match(f.fix ?? '', /^If the pods connect to anything, add an egress rule .* to NetworkPolicy "deny-all", or create a NetworkPolicy in namespace "shop" .* podSelector: \{\} \(the same as "deny-all", which already egress-isolates every pod of the namespace\)\.$/);
  });

  it("the policy the fix describes silences the finding and isolates no other workload of the namespace", () => {
    const storefront = api.replace(/\bapi\b/g, 'storefront');
    const [f] = expectFindings(check, api + storefront + dbOnly, [{ line: 7 }]);
    const sel = /podSelector: (\{.*\}) \(the same/.exec(f.fix ?? '')?.[1];
    assert.ok(sel, f.fix);
    const allowDns = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns-api, namespace: shop}
spec:
  podSelector: ${sel}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
          podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`;
    const all = api + storefront + dbOnly + allowDns;
    expectNone(check, all);
    const index = new ResourceIndex(loadText(all, 'test.yaml').resources);
    const g = networkGraph(index);
    const w = (name: string) => index.workloadsIn('shop').find((x) => x.resource.name === name)!;
    assert.equal(g.egressIsolated(w('storefront')), false, 'storefront keeps its egress');
    // The old fix (podSelector: {}) did isolate it.
    const old = new ResourceIndex(loadText(all.replace(`podSelector: ${sel}`, 'podSelector: {}'), 'test.yaml').resources);
    assert.equal(networkGraph(old).egressIsolated(old.workloadsIn('shop').find((x) => x.resource.name === 'storefront')!), true);
  });

  it('the documentation policy parses, has a namespace and selects specific pods', () => {
    const doc = loadYaml(check.fix.yaml) as { metadata: { namespace?: string }; spec: { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[] } };
    assert.equal(doc.metadata.namespace, 'shop');
    assert.ok(Object.keys(doc.spec.podSelector.matchLabels ?? {}).length > 0, 'not podSelector: {}');
    assert.deepEqual(doc.spec.policyTypes, ['Egress']);
    assert.match(check.fix.text, /podSelector: \{\}.*every other pod of the namespace/);
  });
});
