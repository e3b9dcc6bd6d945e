import { defineCheck, type FindingInput } from '../types.js';
import { networkGraph } from '../../model/netpol.js';
import { externalExposure, isHostNetwork, nameList, noPoliciesText, otherPoliciesText, policiesInScope, showLabels, unknownOf } from './netpol-util.js';

export default defineCheck({
  id: 'netpol-pod-not-isolated',
  pillar: 'networking',
  severity: 'warning',
  title: 'No NetworkPolicy isolates the pods for ingress',
  whatBreaks:
    'Every pod in every namespace of the cluster can open connections to every port these pods listen on: a compromised or misbehaving workload anywhere reaches this one directly, including ports never meant to be served (admin, metrics, debug endpoints).',
  details: `Kubernetes allows all traffic to a pod until some NetworkPolicy **selects** it with \`Ingress\`
in its \`policyTypes\` (\`policyTypes\` omitted counts as \`[Ingress]\`, plus \`Egress\` when the policy has
egress rules). From then on, only what some rule of the selecting policies allows gets in.

Reported for long-running service workloads (Deployments, StatefulSets, ...) whose pod template
labels no NetworkPolicy of their namespace selects for ingress: neither a namespace-wide policy
(\`podSelector: {}\`) nor one whose \`podSelector\` (\`matchLabels\`, \`matchExpressions\`) matches.
A policy that selects the pods for \`Egress\` only does not isolate ingress, and is named in the message.

Not reported: pods exposed outside the cluster (a NodePort or LoadBalancer Service, an Ingress), which
**exposed-without-network-policy** reports with how they are exposed (unless that check is turned off:
then they are reported here); pods on the host network (NetworkPolicy does not apply to them), workloads without pod
template labels (patch fragments), and whenever a policy **may** select the pods (a templated
selector, a policy file without \`podSelector\`, a namespace-less policy from another folder).

When the namespace has no NetworkPolicy at all in the input, the policies may be managed elsewhere (a
platform repository, a policy engine that generates them): the finding is then shown as unknown unless
the input is declared complete (\`--complete\`). NetworkPolicies only take effect with a CNI that
enforces them (Calico, Cilium, Antrea, most managed offerings with the option on).

Policies of other APIs that the CNI combines with NetworkPolicies (CiliumNetworkPolicy and
CiliumClusterwideNetworkPolicy, Calico's NetworkPolicy and GlobalNetworkPolicy, Antrea's policies,
AdminNetworkPolicy) are not evaluated: when the input holds any for the namespace, or cluster-wide,
the finding is shown as unknown.`,
  fix: {
    text: 'Add a default-deny ingress policy for the namespace, then a policy per workload that allows exactly its clients and ports.',
    yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-ingress
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: web
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: frontend
      ports:
        - port: http`,
  },
  uses: ['NetworkPolicy'],
  target: 'workload',
  classes: ['service'],
  run({ workload: w, index, active }) {
    const out: FindingInput[] = [];
    if (!w || isHostNetwork(w) || Object.keys(w.podLabels).length === 0) return out;
    const g = networkGraph(index);
    if (g.ingressIsolated(w) !== false) return out;
    // Pods exposed outside the cluster: exposed-without-network-policy says so, with how they are
    // exposed (reported here when that check is turned off).
    if ((active?.has('exposed-without-network-policy') ?? true) && externalExposure(index, w).ways.length > 0) return out;
    const ns = index.namespaceOf(w.resource);
    const inScope = policiesInScope(index, w);
    const egressOnly = inScope.filter((p) => !p.ingress && g.selects(p, w) === true).map((p) => p.resource.name);
    const note = egressOnly.length
      ? ` (NetworkPolicy ${nameList(egressOnly)} select${egressOnly.length === 1 ? 's' : ''} them for Egress only)`
      : inScope.length
        ? ` (the namespace has NetworkPolicy ${nameList(inScope.map((p) => p.resource.name))}, none selecting these labels)`
        : '';
    out.push({
      message: `no NetworkPolicy in namespace "${ns}" selects its pods (${showLabels(w)}) for ingress${note}: every pod in the cluster can connect to every port they listen on`,
      path: [...w.podMetaPath, 'labels'],
      ...unknownOf(inScope.length === 0 ? noPoliciesText(ns) : otherPoliciesText(index, ns)),
    });
    return out;
  },
});
