import { defineCheck, type FindingInput, type RelatedInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath } from '../../model/types.js';
import { networkGraph } from '../../model/netpol.js';
import { get, getArray, getString } from '../../model/util.js';
import { isHostNetwork, noPoliciesText, otherPoliciesText, policiesInScope, showLabels, unknownOf } from './netpol-util.js';

interface Backend {
  ingress: Resource;
  path: FieldPath;
}

/** Ingresses by the Services their backends name: `${namespace}\0${service}`. Built once per run. */
function ingressBackends(index: ResourceIndex): Map<string, Backend[]> {
  return index.memo('netpol:ingress-backends', () => {
    const m = new Map<string, Backend[]>();
    const add = (ing: Resource, name: string | undefined, path: FieldPath) => {
      if (!name) return;
      const key = `${index.namespaceOf(ing)}\0${name}`;
      let l = m.get(key);
      if (!l) m.set(key, (l = []));
      l.push({ ingress: ing, path });
    };
    for (const ing of index.ofKind('Ingress')) {
      const v1 = ing.apiVersion === 'networking.k8s.io/v1';
      if (!v1 && ing.apiVersion !== 'networking.k8s.io/v1beta1' && ing.apiVersion !== 'extensions/v1beta1') continue;
      const o = ing.object;
      const ref = (base: FieldPath): [string | undefined, FieldPath] =>
        v1 ? [getString(o, [...base, 'service', 'name']), [...base, 'service', 'name']] : [getString(o, [...base, 'serviceName']), [...base, 'serviceName']];
      add(ing, ...ref(v1 ? ['spec', 'defaultBackend'] : ['spec', 'backend']));
      getArray(o, ['spec', 'rules']).forEach((_, i) => {
        getArray(o, ['spec', 'rules', i, 'http', 'paths']).forEach((__, j) => add(ing, ...ref(['spec', 'rules', i, 'http', 'paths', j, 'backend'])));
      });
    }
    return m;
  });
}

/**
 * One Service per name: the same Service in several files of one namespace (provider variants of a
 * manifest, sibling examples) is one exposure; the copy in the workload's own file wins.
 */
function dedupe(services: Resource[], file: string): Resource[] {
  const byName = new Map<string, Resource>();
  for (const s of services) {
    const seen = byName.get(s.name);
    if (!seen || (seen.origin.file !== file && s.origin.file === file)) byName.set(s.name, s);
  }
  return [...byName.values()];
}

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
    const services = dedupe(index.servicesSelecting(ns, w.podLabels).filter((s) => index.sameScope(s, w.resource)), w.resource.origin.file);
    if (services.length === 0) return out;
    const ways: string[] = [];
    const related: RelatedInput[] = [];
    const backends = ingressBackends(index);
    for (const svc of services) {
      const type = get(svc.object, ['spec', 'type']);
      if (type === 'NodePort' || type === 'LoadBalancer') {
        ways.push(`Service "${svc.name}" is type ${type}`);
        related.push({ resource: svc, path: ['spec', 'type'], note: `type ${type}: reachable from outside the cluster` });
        continue;
      }
      if (type === 'ExternalName') continue;
      for (const b of backends.get(`${ns}\0${svc.name}`) ?? []) {
        if (!index.sameScope(b.ingress, svc)) continue;
        ways.push(`Ingress "${b.ingress.name}" routes to Service "${svc.name}"`);
        related.push({ resource: svc, path: ['spec', 'selector'], note: 'selects these pods' });
        related.push({ resource: b.ingress, path: b.path, note: `routes outside traffic to Service "${svc.name}"` });
        break;
      }
    }
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
