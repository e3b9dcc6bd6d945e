import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadAll } from 'js-yaml';
import check from '../../../src/checks/networking/service-exposed-externally.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('service-exposed-externally', () => {
  it('reports NodePort and LoadBalancer at info, at spec.type, describing the reach', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: np}
spec:
  type: NodePort
  ports:
    - {port: 80, nodePort: 30080}
---
apiVersion: v1
kind: Service
metadata: {name: public}
spec:
  type: LoadBalancer
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata:
  name: private
  annotations:
    networking.gke.io/load-balancer-type: Internal
spec:
  type: LoadBalancer
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: ranged}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports: [{port: 443}]
`,
      [
        { line: 5, object: 'np', severity: 'info', message: 'port 30080 on every node' },
        { line: 13, object: 'public', message: 'public on most clouds' },
        { line: 23, object: 'private', message: 'internal load balancer' },
        { line: 30, object: 'ranged', message: '203.0.113.0/24' },
      ],
    );
  });

  it('AWS: aws-load-balancer-scheme internal counts only for the AWS Load Balancer Controller; aws-load-balancer-internal for the built-in provider', () => {
    const svc = (name: string, annotations: string, extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  annotations: {${annotations}}
spec:
  type: LoadBalancer${extra}
  ports: [{port: 443}]
---
`;
    expectFindings(
      check,
      svc('scheme-only', 'service.beta.kubernetes.io/aws-load-balancer-scheme: internal') +
        svc('lbc', 'service.beta.kubernetes.io/aws-load-balancer-scheme: internal, service.beta.kubernetes.io/aws-load-balancer-type: external') +
        svc('lbc-class', 'service.beta.kubernetes.io/aws-load-balancer-scheme: internal', '\n  loadBalancerClass: service.k8s.aws/nlb') +
        svc('in-tree', 'service.beta.kubernetes.io/aws-load-balancer-internal: "10.0.0.0/8"') +
        svc('in-tree-false', 'service.beta.kubernetes.io/aws-load-balancer-internal: "false"'),
      [
        { object: 'scheme-only', message: 'public on most clouds' },
        { object: 'lbc', message: 'internal load balancer (service.beta.kubernetes.io/aws-load-balancer-scheme)' },
        { object: 'lbc-class', message: 'internal load balancer (service.beta.kubernetes.io/aws-load-balancer-scheme)' },
        { object: 'in-tree', message: 'internal load balancer (service.beta.kubernetes.io/aws-load-balancer-internal)' },
        { object: 'in-tree-false', message: 'public on most clouds' },
      ],
    );
  });

  it('is silent for ClusterIP, headless and ExternalName Services', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {clusterIP: None, type: ClusterIP}
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec: {type: ExternalName, externalName: db.example.com}
`,
    );
  });
});

describe('service-exposed-externally: the fix depends on the Service type', () => {
  const svc = (name: string, spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${spec}`;

  it('NodePort: ClusterIP behind an Ingress or Gateway, deleting the nodePort values it sets; never a LoadBalancer', () => {
    const [f] = expectFindings(check, svc('storefront', '  type: NodePort\n  ports:\n    - {port: 80, nodePort: 30080}\n    - {port: 443, nodePort: 30443}\n'), [{ object: 'storefront' }]);
    assert.equal(
      f.fix,
      'If nothing outside the cluster must reach Service "storefront" through the nodes, make it type: ClusterIP, delete its nodePort values (30080, 30443), and expose it through an Ingress or Gateway; do not make it a LoadBalancer, which keeps the node ports and adds an address that is public on most clouds.',
    );
    const [auto] = expectFindings(check, svc('api', '  type: NodePort\n  ports: [{port: 80}]\n'), [{ object: 'api' }]);
    assert.match(auto.fix ?? '', /^If nothing outside the cluster must reach Service "api" through the nodes, make it type: ClusterIP and expose it/);
    assert.doesNotMatch(auto.fix ?? '', /loadBalancerSourceRanges|type: LoadBalancer/);
  });

  it('an open LoadBalancer: source ranges with an explicit placeholder, or internal, and allocateLoadBalancerNodePorts: false', () => {
    const [f] = expectFindings(check, svc('public', '  type: LoadBalancer\n  ports: [{port: 443}]\n'), [{ object: 'public' }]);
    assert.equal(
      f.fix,
      "Restrict Service \"public\" to the clients that need it: loadBalancerSourceRanges: [YOUR-OFFICE-CIDR] (your client ranges), or the cloud's internal load balancer annotation; set allocateLoadBalancerNodePorts: false where the load balancer does not rely on node ports, so they are not open on every node as well; for HTTP, type: ClusterIP behind an Ingress or Gateway is better.",
    );
    // Already without node ports: not repeated; a fixed nodePort stays allocated whatever the field says.
    const [n] = expectFindings(check, svc('public', '  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  ports: [{port: 443}]\n'), [{}]);
    assert.doesNotMatch(n.fix ?? '', /allocateLoadBalancerNodePorts/);
    const [k] = expectFindings(check, svc('public', '  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  ports: [{port: 443, nodePort: 31443}]\n'), [{}]);
    assert.match(k.fix ?? '', /allocateLoadBalancerNodePorts: false and delete its nodePort value \(31443\)/);
  });

  it('a restricted or internal LoadBalancer: check who reaches it', () => {
    const [r] = expectFindings(check, svc('ranged', '  type: LoadBalancer\n  loadBalancerSourceRanges: [198.51.100.0/24]\n  ports: [{port: 443}]\n'), [{}]);
    assert.match(r.fix ?? '', /^Check that loadBalancerSourceRanges 198\.51\.100\.0\/24 should reach Service "ranged"; set allocateLoadBalancerNodePorts: false/);
    const internal = `apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  annotations: {networking.gke.io/load-balancer-type: Internal}\nspec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  ports: [{port: 5432}]\n`;
    const [i] = expectFindings(check, internal, [{}]);
    assert.equal(i.fix, 'Check that the private network should reach Service "db".');
  });

  it('the documentation YAML parses: ClusterIP first, and the LoadBalancer range is marked as a placeholder', () => {
    const docs = loadAll(check.fix.yaml) as { spec: { type: string; allocateLoadBalancerNodePorts?: boolean } }[];
    assert.deepEqual(docs.map((d) => d.spec.type), ['ClusterIP', 'LoadBalancer']);
    assert.equal(docs[1].spec.allocateLoadBalancerNodePorts, false);
    assert.match(check.fix.yaml, /# YOUR-OFFICE-CIDR: the client ranges allowed to connect/);
  });
});
