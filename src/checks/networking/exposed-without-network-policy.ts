import { defineCheck, type FindingInput } from '../types.js';
import { networkGraph } from '../../model/netpol.js';
import { externalExposure, isHostNetwork, noPoliciesText, otherPoliciesText, policiesInScope, showLabels, unknownOf } from './netpol-util.js';

export default defineCheck({
  id: 'exposed-without-network-policy',
  pillar: 'networking',
  severity: 'warning',
  title: 'Workload exposed outside the cluster has no ingress NetworkPolicy',
  whatBreaks:
    'The workload faces traffic from outside the cluster, and no NetworkPolicy limits who else may connect: every pod in every namespace can reach every port it listens on directly, bypassing the ingress controller or load balancer (its TLS, authentication and rate limits), and nothing contains the blast radius when a neighbour is compromised.',
  details: `Reported for workloads whose pods are selected by a \`LoadBalancer\` or \`NodePort\` Service, or
by a Service that an Ingress backend names (\`networking.k8s.io/v1\` \`service.name\`, or the
\`serviceName\` of the older v1beta1 APIs), in the same namespace, when no NetworkPolicy of that
namespace selects the pods with \`Ingress\` in \`policyTypes\`.

Internet-facing workloads are the first target of an attack, and the one place where a NetworkPolicy
pays off most: allow the ingress controller's namespace (or the load balancer's source ranges with an
\`ipBlock\`) on the serving port, and nothing else.

Not reported when a policy may select the pods (templated selectors, fragments), for pods on the host
network, or for workloads without pod template labels. When the namespace has no NetworkPolicy at all
in the input, the policies may be managed elsewhere: the finding is then unknown unless the input is
declared complete. \`netpol-pod-not-isolated\` reports the same missing isolation for every service
workload; this check singles out the exposed ones.

Policies of other APIs that the CNI combines with NetworkPolicies (CiliumNetworkPolicy and
CiliumClusterwideNetworkPolicy, Calico's NetworkPolicy and GlobalNetworkPolicy, Antrea's policies,
AdminNetworkPolicy) are not evaluated: when the input holds any for the namespace, or cluster-wide,
the finding is shown as unknown.`,
  fix: {
    text: 'Isolate the pods for ingress and allow only the ingress controller (or the load balancer source ranges) on the serving port.',
    yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-ingress
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: web
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - port: http`,
  },
  uses: ['NetworkPolicy', 'Service', 'Ingress'],
  target: 'workload',
  classes: ['service', 'daemon', 'pod'],
  run({ workload: w, index }) {
    const out: FindingInput[] = [];
    if (!w || isHostNetwork(w) || Object.keys(w.podLabels).length === 0) return out;
    const ns = index.namespaceOf(w.resource);
    const { ways, related } = externalExposure(index, w);
    if (ways.length === 0) return out;
    if (networkGraph(index).ingressIsolated(w) !== false) return out;
    const inScope = policiesInScope(index, w);
    out.push({
      message: `its pods (${showLabels(w)}) are exposed outside the cluster (${ways.join('; ')}) but no NetworkPolicy in namespace "${ns}" isolates them for ingress: every pod in the cluster can also connect to every port they listen on, bypassing the entry point`,
      path: [...w.podMetaPath, 'labels'],
      related,
      ...unknownOf(inScope.length === 0 ? noPoliciesText(ns) : otherPoliciesText(index, ns)),
    });
    return out;
  },
});
