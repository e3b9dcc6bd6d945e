/** Shared helpers of the netpol-* checks (the semantics live in src/model/netpol.ts). Not a check module. */
import type { ResourceIndex } from '../../model/index.js';
import type { Resource, Workload } from '../../model/types.js';
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
