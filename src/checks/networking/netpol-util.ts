/** Shared helpers of the netpol-* checks (the semantics live in src/model/netpol.ts). Not a check module. */
import type { RelatedInput } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Resource, Workload } from '../../model/types.js';
import { get, getArray, getString } from '../../model/util.js';
import { networkGraph, type NetPolicy } from '../../model/netpol.js';
import { formatLabels } from '../../model/selector.js';

/** NetworkPolicies of the workload's namespace that are deployed with it (ResourceIndex.sameScope). */
export function policiesInScope(index: ResourceIndex, w: Workload): NetPolicy[] {
  return networkGraph(index)
    .policiesIn(index.namespaceOf(w.resource))
    .filter((p) => index.sameScope(p.resource, w.resource));
}

export function isHostNetwork(w: Workload): boolean {
  return w.podSpec.hostNetwork === true;
}

/** `"a", "b", "c" and 2 more` */
export function nameList(names: string[], max = 3): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`);
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

export function showWorkload(w: Workload): string {
  return `${w.resource.kind} "${w.resource.name}"`;
}

export function showLabels(w: Workload): string {
  return formatLabels(w.podLabels);
}

/** A short statement of why the finding is unknown when the namespace has no policy in the input. */
export function noPoliciesText(ns: string): string {
  return `no NetworkPolicy in namespace "${ns}" in the input`;
}

/** Namespaced policy kinds of CNIs and newer APIs that also isolate pods or allow traffic (not evaluated here). */
const NAMESPACED_POLICY_KINDS = ['CiliumNetworkPolicy'];
/** Cluster-wide ones. */
const CLUSTER_POLICY_KINDS = ['CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy'];

/**
 * Policy objects of other APIs in the input that may act on pods of this namespace (Cilium, Calico,
 * Antrea policies, AdminNetworkPolicy): the CNI combines them with NetworkPolicies, so a finding
 * about what NetworkPolicies allow or isolate cannot be firm. Calico's and Antrea's namespaced kind is
 * also called NetworkPolicy, under their own API groups.
 */
export function otherPolicies(index: ResourceIndex, ns: string): Resource[] {
  const cluster = index.memo('netpol:other-cluster-policies', () => CLUSTER_POLICY_KINDS.flatMap((k) => index.ofKind(k)));
  const namespaced = [
    ...NAMESPACED_POLICY_KINDS.flatMap((k) => index.inNamespace(k, ns)),
    ...index.inNamespace('NetworkPolicy', ns).filter((r) => r.apiVersion !== 'networking.k8s.io/v1' && r.apiVersion !== 'extensions/v1beta1'),
  ];
  return [...namespaced, ...cluster];
}

/** The `unknown` text when other policy kinds may act on the namespace, else undefined. */
export function otherPoliciesText(index: ResourceIndex, ns: string): string | undefined {
  const other = otherPolicies(index, ns);
  if (other.length === 0) return undefined;
  const shown = other.slice(0, 2).map((r) => `${r.kind} "${r.name}"`).join(', ');
  return `${shown}${other.length > 2 ? ` and ${other.length - 2} more` : ''} in the input may also act on these pods (policies of other APIs are not evaluated)`;
}

/** `{ unknown: text }` when there is a text, else nothing (spread into a FindingInput). */
export function unknownOf(text: string | undefined): { unknown?: string } {
  return text ? { unknown: text } : {};
}

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

/**
 * How the workload's pods are reachable from outside the cluster: a NodePort or LoadBalancer Service
 * selecting them, or an Ingress routing to a Service that does (Services and Ingresses deployed with
 * it). Empty when they are not.
 */
export function externalExposure(index: ResourceIndex, w: Workload): { ways: string[]; related: RelatedInput[] } {
  const ways: string[] = [];
  const related: RelatedInput[] = [];
  const ns = index.namespaceOf(w.resource);
  const services = dedupe(index.servicesSelecting(ns, w.podLabels).filter((s) => index.sameScope(s, w.resource)), w.resource.origin.file);
  if (services.length === 0) return { ways, related };
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
  return { ways, related };
}
