import { defineCheck } from '../types.js';
import { get, getArray, getNumber, getString, stringMap } from '../../model/util.js';
import type { Json } from '../../model/types.js';

/** Annotations that make a LoadBalancer Service internal (private IP) on common clouds. */
const INTERNAL: [string, RegExp][] = [
  // cloud-provider-aws (the built-in AWS load balancers): any value but "" and "false".
  ['service.beta.kubernetes.io/aws-load-balancer-internal', /^(?!false$)./i],
  ['networking.gke.io/load-balancer-type', /^internal$/i],
  ['cloud.google.com/load-balancer-type', /^internal$/i],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', /^true$/i],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', /^private$/i],
  ['service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type', /^intranet$/i],
];

function portsText(ports: Json[], nodePorts: boolean): string {
  const out: string[] = [];
  for (const p of ports) {
    const port = getNumber(p, ['port']);
    const np = getNumber(p, ['nodePort']);
    if (nodePorts) out.push(np !== undefined ? String(np) : `(auto for ${port ?? '?'})`);
    else if (port !== undefined) out.push(String(port));
  }
  return out.join(', ');
}

export default defineCheck({
  id: 'service-exposed-externally',
  pillar: 'networking',
  severity: 'info',
  title: 'Service is exposed outside the cluster',
  whatBreaks:
    'A NodePort opens the port on every node\'s addresses; a LoadBalancer usually gets a public IP. Anything that can reach those addresses reaches the pods directly, bypassing the ingress controller\'s TLS, authentication and rate limits.',
  details: `This is information, not an error: make sure the exposure is intended.

- \`type: NodePort\` allocates a port (30000-32767) on **every** node, reachable by anything that can reach a node IP (often the whole VPC, sometimes the internet).
- \`type: LoadBalancer\` provisions a cloud load balancer, public by default on most clouds, and (unless \`allocateLoadBalancerNodePorts: false\`) NodePorts as well. Limit who can connect with \`spec.loadBalancerSourceRanges\`, or make it internal with the cloud's annotation (AWS: \`service.beta.kubernetes.io/aws-load-balancer-internal: "true"\` with the built-in AWS cloud provider, or \`service.beta.kubernetes.io/aws-load-balancer-scheme: internal\` on Services the AWS Load Balancer Controller handles, \`aws-load-balancer-type: external\` or \`loadBalancerClass: service.k8s.aws/nlb\`; GKE \`networking.gke.io/load-balancer-type: Internal\`; Azure \`service.beta.kubernetes.io/azure-load-balancer-internal: "true"\`). Each LoadBalancer also costs money per hour.

For HTTP, prefer a ClusterIP Service behind an Ingress or Gateway, where TLS and authentication live in one place.`,
  fix: {
    text: "For HTTP, use type: ClusterIP behind an Ingress or Gateway, for a NodePort Service too (do not turn it into a LoadBalancer: that keeps its node ports and adds an address that is public on most clouds). A LoadBalancer that must stay: restrict it to the client ranges that need it (loadBalancerSourceRanges) or make it internal with the cloud's annotation, and set allocateLoadBalancerNodePorts: false where the load balancer does not rely on node ports.",
    yaml: `# A NodePort Service (or an HTTP LoadBalancer): ClusterIP, behind an Ingress or Gateway.
spec:
  type: ClusterIP   # and delete every ports[].nodePort
---
# A LoadBalancer that must stay.
spec:
  type: LoadBalancer
  loadBalancerSourceRanges:
    - 203.0.113.0/24   # YOUR-OFFICE-CIDR: the client ranges allowed to connect (203.0.113.0/24 is a documentation range)
  allocateLoadBalancerNodePorts: false   # only where the load balancer sends traffic to the pods, not to node ports`,
  },
  target: 'object',
  kinds: ['Service'],
  run({ resource }) {
    const obj = resource.object;
    const type = getString(obj, ['spec', 'type']);
    if (type !== 'NodePort' && type !== 'LoadBalancer') return [];
    const ports = getArray(obj, ['spec', 'ports']);
    const path = ['spec', 'type'];
    const name = `Service "${resource.name}"`;
    // Node ports written in the manifest: rejected once the type is ClusterIP, and kept by a LoadBalancer whatever allocateLoadBalancerNodePorts says.
    const fixed = ports.map((p) => getNumber(p, ['nodePort'])).filter((n): n is number => n !== undefined);
    const fixedText = `its nodePort value${fixed.length === 1 ? '' : 's'} (${fixed.join(', ')})`;
    if (type === 'NodePort') {
      const np = portsText(ports, true);
      return [
        {
          message: `type NodePort opens port${ports.length === 1 ? '' : 's'} ${np || '(auto)'} on every node's addresses, reachable by anything that can reach a node`,
          path,
          fix: `If nothing outside the cluster must reach ${name} through the nodes, make it type: ClusterIP${fixed.length ? `, delete ${fixedText},` : ''} and expose it through an Ingress or Gateway; do not make it a LoadBalancer, which keeps the node ports and adds an address that is public on most clouds.`,
        },
      ];
    }
    const ann = stringMap(get(obj, ['metadata', 'annotations']));
    // aws-load-balancer-scheme is read only by the AWS Load Balancer Controller, for the Services it
    // manages (type external / nlb-ip, or its load balancer class); cloud-provider-aws ignores it.
    const lbc = /^(external|nlb-ip)$/i.test(ann['service.beta.kubernetes.io/aws-load-balancer-type'] ?? '') || getString(obj, ['spec', 'loadBalancerClass']) === 'service.k8s.aws/nlb';
    const internal =
      INTERNAL.find(([k, re]) => ann[k] !== undefined && re.test(ann[k])) ??
      (lbc && /^internal$/i.test(ann['service.beta.kubernetes.io/aws-load-balancer-scheme'] ?? '') ? (['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i] as [string, RegExp]) : undefined);
    const ranges = getArray(obj, ['spec', 'loadBalancerSourceRanges']).filter((r): r is string => typeof r === 'string');
    const p = portsText(ports, false);
    const reach = internal
      ? `an internal load balancer (${internal[0]}), reachable from the private network`
      : ranges.length > 0
        ? `a load balancer restricted to loadBalancerSourceRanges ${ranges.join(', ')}`
        : 'a load balancer that is public on most clouds, open to any source (no loadBalancerSourceRanges, no internal annotation)';
    const noNodePorts =
      get(obj, ['spec', 'allocateLoadBalancerNodePorts']) === false && !fixed.length
        ? ''
        : `; set allocateLoadBalancerNodePorts: false${fixed.length ? ` and delete ${fixedText}` : ''} where the load balancer does not rely on node ports, so they are not open on every node as well`;
    const fix =
      internal || ranges.length > 0
        ? `Check that ${internal ? 'the private network' : `loadBalancerSourceRanges ${ranges.join(', ')}`} should reach ${name}${noNodePorts}.`
        : `Restrict ${name} to the clients that need it: loadBalancerSourceRanges: [YOUR-OFFICE-CIDR] (your client ranges), or the cloud's internal load balancer annotation${noNodePorts}; for HTTP, type: ClusterIP behind an Ingress or Gateway is better.`;
    return [{ message: `type LoadBalancer exposes port${ports.length === 1 ? '' : 's'} ${p || '(none listed)'} through ${reach}`, path, fix }];
  },
});
