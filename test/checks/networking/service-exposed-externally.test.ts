import { describe, it } from 'node:test';
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
