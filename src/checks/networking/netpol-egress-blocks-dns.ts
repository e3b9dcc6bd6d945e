import { defineCheck, type FindingInput } from '../types.js';
import type { Json, Workload } from '../../model/types.js';
import { DNS_NAMESPACE, DNS_POD_LABELS, dnsPeerMatch, formatPortSpec, networkGraph, type NetPolicy, type NetpolPeer, type NetpolPort, type NetpolRule, type NetworkGraph } from '../../model/netpol.js';
import { isHostNetwork, nameList, otherPoliciesText, unknownOf } from './netpol-util.js';
import { CONTROLLER_SET_LABELS } from './service-util.js';
import { formatSelector } from '../../model/selector.js';
import { dump } from 'js-yaml';


/**
 * How a rule's ports relate to port 53: 'explicit' (port 53, a port named like DNS, or an
 * unreadable entry), 'covers' (every port, every port of TCP/UDP, or a range containing 53), or false.
 */
function dnsPorts(ports: NetpolPort[] | null): 'explicit' | 'covers' | false {
  if (ports === null) return 'covers';
  let best: 'explicit' | 'covers' | false = false;
  for (const p of ports) {
    if (p.invalid) return 'explicit';
    if (p.protocol !== 'UDP' && p.protocol !== 'TCP') continue;
    if (p.port === undefined) best = best || 'covers';
    else if (typeof p.port === 'number') {
      if (p.port === 53) return 'explicit';
      if (p.endPort !== undefined && p.port <= 53 && 53 <= p.endPort) best = best || 'covers';
    } else if (/dns|^domain$/i.test(p.port)) return 'explicit';
  }
  return best;
}

function mentionsDns(v: Json | undefined): boolean {
  return JSON.stringify(v ?? null).toLowerCase().includes('dns');
}

/** Could this peer be the cluster DNS (kube-system DNS pods, a node-local cache or resolver by IP, a DNS namespace)? */
function peerMayBeDns(g: NetworkGraph, policy: NetPolicy, peer: NetpolPeer): boolean {
  if (peer.type !== 'pods') return true;
  if (mentionsDns(peer.namespaceSelector) || mentionsDns(peer.podSelector)) return true;
  return dnsPeerMatch(g, policy, peer) !== false;
}

/** May this egress rule allow DNS? A rule naming port 53 counts whatever its peers (the author meant DNS). */
export function ruleMayAllowDns(g: NetworkGraph, policy: NetPolicy, rule: NetpolRule): boolean {
  const ports = dnsPorts(rule.ports);
  if (!ports) return false;
  if (rule.peers === null || ports === 'explicit') return true;
  return rule.peers.some((peer) => peerMayBeDns(g, policy, peer));
}

function peerText(peer: NetpolPeer): string {
  if (peer.type === 'ipBlock') return peer.cidr;
  if (peer.type === 'invalid') return '(unreadable peer)';
  const parts: string[] = [];
  if (peer.namespaceSelector !== undefined) parts.push(`namespaces ${formatSelector(peer.namespaceSelector, '(all)')}`);
  if (peer.podSelector !== undefined) parts.push(`pods ${formatSelector(peer.podSelector, '(all)')}`);
  return parts.join(' / ');
}

/** `TCP/5432 to pods app=db`, `all ports to namespaces team=data` */
function ruleText(rule: NetpolRule): string {
  const ports = rule.ports === null ? 'all ports' : rule.ports.map(formatPortSpec).join(', ');
  return rule.peers === null ? `${ports} anywhere` : `${ports} to ${rule.peers.map(peerText).join(' or ')}`;
}

/** YAML flow style (`{matchLabels: {app: web}}`), strings quoted where YAML would misread them. */
function flow(v: Json | undefined): string {
  return dump(v ?? {}, { flowLevel: 0, lineWidth: -1 }).trim();
}

/**
 * The podSelector for a policy that allows these pods DNS without isolating any other pod: the
 * podSelector of an egress policy that already isolates them (its pods are egress-isolated anyway),
 * else the workload's own pod labels.
 */
function dnsPolicySelector(policy: NetPolicy | undefined, w: Workload): { text: string; same: boolean } {
  if (policy && policy.podSelector !== undefined) return { text: flow(policy.podSelector ?? {}), same: true };
  const labels = Object.fromEntries(Object.entries(w.podLabels).filter(([k]) => !CONTROLLER_SET_LABELS.has(k)));
  return { text: Object.keys(labels).length ? flow({ matchLabels: labels }) : "{matchLabels: {...}} with the labels of these pods", same: false };
}

const DNS_RULE = `UDP and TCP port 53 to the cluster DNS pods (namespace ${DNS_NAMESPACE}, ${Object.entries(DNS_POD_LABELS)
  .map(([k, v]) => `${k}=${v}`)
  .join(', ')})`;

/** This finding's fix: the rule added to the isolating policy, or a policy of the same namespace selecting the same pods. */
function fixText(isolating: NetPolicy[], w: Workload, ns: string, denyAll: boolean): string {
  const policy = isolating[0];
  const sel = dnsPolicySelector(policy, w);
  const addTo = policy ? `NetworkPolicy "${policy.resource.name}"${isolating.length > 1 ? ' (one of the policies is enough: allows add up)' : ''}` : 'the egress policy';
  const same = sel.same && policy ? `the same as "${policy.resource.name}"` : "these pods' labels";
  const why =
    policy?.selectsAll
      ? `${same}, which already egress-isolates every pod of the namespace`
      : `${same}; podSelector: {} would egress-isolate every pod of the namespace`;
  return `${denyAll ? 'If the pods connect to anything, add' : 'Add'} an egress rule allowing ${DNS_RULE} to ${addTo}, or create a NetworkPolicy in namespace "${ns}" with policyTypes: [Egress], that rule and podSelector: ${sel.text} (${why}).`;
}

export default defineCheck({
  id: 'netpol-egress-blocks-dns',
  pillar: 'networking',
  severity: 'error',
  title: 'Egress NetworkPolicy blocks DNS',
  whatBreaks:
    'The pods cannot reach the cluster DNS: every lookup of a Service or external host name times out, so each outbound call (database, other services, external APIs) fails after a delay with a name-resolution error that does not mention the NetworkPolicy.',
  details: `Once a NetworkPolicy selects a pod with \`Egress\` in \`policyTypes\` (or with egress rules and
\`policyTypes\` omitted), the pod may only open connections that some egress rule allows: DNS
included. Name lookups go to the cluster DNS (CoreDNS pods in \`kube-system\`, reached through the
kube-dns Service) on **UDP and TCP port 53**, so an egress allow-list without port 53 breaks
resolution for everything else it allows.

Reported when the pods are certainly isolated for egress and **no** egress rule of **any** policy that
selects (or may select) them could allow DNS (allows add up across policies, so a separate
\`allow-dns\` policy silences it). A rule counts as allowing DNS when:
- its ports include 53 (\`port: 53\`, a port named \`dns\`/\`dns-tcp\`/\`domain\`, an unreadable entry),
  towards any peer; or
- it allows every port (no \`ports\`), every TCP/UDP port, or a range containing 53, towards: every
  destination (no \`to\`), an \`ipBlock\` (node-local DNS caches and resolvers are reached by IP), a
  \`namespaceSelector\` matching \`kube-system\` (\`{}\`, or \`kubernetes.io/metadata.name: kube-system\`,
  or labels of the kube-system Namespace in the input; unknown labels count) optionally with a
  \`podSelector\` matching \`k8s-app: kube-dns\`, or any selector mentioning "dns".

The severity is **warning** when the pods are allowed no egress at all (a deny-all egress policy and
nothing else): blocking DNS may then be intended, for pods that never open connections. It is also
**warning** when every destination the egress rules allow is an \`ipBlock\` (only the API server's
address, say): pods that connect by IP address, as in-cluster clients do through
\`KUBERNETES_SERVICE_HOST\`, need no lookup; only names fail. Pods on the
host network are not reported (NetworkPolicy does not apply to them).

Policies of other APIs that the CNI combines with NetworkPolicies (CiliumNetworkPolicy and
CiliumClusterwideNetworkPolicy, Calico's NetworkPolicy and GlobalNetworkPolicy, Antrea's policies,
AdminNetworkPolicy) are not evaluated: when the input holds any for the namespace, or cluster-wide,
the finding is shown as unknown.`,
  fix: {
    text: "Allow UDP and TCP 53 to the cluster DNS pods for the egress-isolated pods only: add the rule to the egress policy that isolates them, or put it in a policy of the same namespace whose podSelector is that policy's. Not podSelector: {}: a policy with Egress isolates every pod it selects, so it would cut every other pod of the namespace off from everything but DNS.",
    yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns-web
  namespace: shop   # the namespace of the egress-isolated pods
spec:
  podSelector:      # the podSelector of the policy that isolates them (the labels of its pods), never {}
    matchLabels:
      app.kubernetes.io/name: web
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns   # your cluster DNS pods' label
      ports:
        - {port: 53, protocol: UDP}
        - {port: 53, protocol: TCP}`,
  },
  uses: ['NetworkPolicy'],
  target: 'workload',
  run({ workload: w, index }) {
    const out: FindingInput[] = [];
    if (!w || isHostNetwork(w)) return out;
    const g = networkGraph(index);
    if (g.egressIsolated(w) !== true) return out;
    const sels = g.egressPolicies(w);
    if (sels.some((s) => s.policy.uncertain)) return out;
    for (const { policy } of sels) for (const rule of policy.egressRules) if (ruleMayAllowDns(g, policy, rule)) return out;
    const isolating = sels.filter((s) => s.certain).map((s) => s.policy);
    const rules = sels.flatMap((s) => s.policy.egressRules);
    const ns = index.namespaceOf(w.resource);
    const names = nameList(isolating.map((p) => p.resource.name));
    const allowed = rules.length ? ` (their egress rules allow only ${[...new Set(rules.map(ruleText))].slice(0, 4).join('; ')})` : '';
    // Every allowed destination is an address block: the pods may reach them by IP (the API server
    // through KUBERNETES_SERVICE_HOST), which needs no lookup. Broken only if they use names.
    const ipOnly = rules.length > 0 && rules.every((r) => r.peers !== null && r.peers.length > 0 && r.peers.every((p) => p.type === 'ipBlock'));
    const message = ipOnly
      ? `NetworkPolicy ${names} in namespace "${ns}" isolate${isolating.length === 1 ? 's' : ''} its pods for egress and allow${isolating.length === 1 ? 's' : ''} only IP address blocks, not DNS (UDP/TCP port 53)${allowed}: connections by IP address work, but any host name the pods look up times out`
      : rules.length > 0
        ? `NetworkPolicy ${names} in namespace "${ns}" isolate${isolating.length === 1 ? 's' : ''} its pods for egress and no egress rule allows DNS (UDP/TCP port 53)${allowed}: name lookups time out, so its outbound connections fail with resolution errors`
        : `NetworkPolicy ${names} in namespace "${ns}" isolate${isolating.length === 1 ? 's' : ''} its pods for egress with no egress rule at all: every outbound connection is denied, DNS (UDP/TCP port 53) included; if the pods call anything, even by name, it fails`;
    out.push({
      message,
      path: [...w.podMetaPath, 'labels'],
      ...(rules.length === 0 || ipOnly ? { severity: 'warning' as const } : {}),
      ...unknownOf(otherPoliciesText(index, ns)),
      fix: fixText(isolating, w, ns, rules.length === 0),
      related: isolating.map((p) => ({
        resource: p.resource,
        path: p.egressRules.length ? ['spec', 'egress'] : p.typesDefaulted ? ['spec'] : ['spec', 'policyTypes'],
        note: 'isolates egress; no rule allows DNS',
      })),
    });
    return out;
  },
});
