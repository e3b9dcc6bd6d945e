import { defineCheck } from '../types.js';
import { getArray } from '../../model/util.js';

export default defineCheck({
  id: 'service-external-ips',
  pillar: 'networking',
  severity: 'warning',
  title: 'Service sets externalIPs',
  whatBreaks:
    'kube-proxy on every node captures traffic addressed to these IPs, from pods and from outside, and sends it to this Service. A wrong or reused IP silently hijacks traffic meant for another system; many clusters reject the field outright.',
  details: `\`spec.externalIPs\` makes every node accept traffic for the listed IPs on the Service's ports; Kubernetes does not check who owns those IPs. That is CVE-2020-8554: anyone allowed to create or edit Services can intercept traffic to any IP (an external database, a DNS server) from every pod in the cluster. It is unfixed in Kubernetes itself; the mitigation is the \`DenyServiceExternalIPs\` admission plugin or a policy (Gatekeeper, Kyverno) that blocks the field, so this Service may be rejected on hardened clusters.

If you really route these IPs to your nodes (bare metal), exempt the Service with a reason; otherwise use \`type: LoadBalancer\` (MetalLB on bare metal) so the IP is allocated and owned by the cluster.`,
  fix: {
    text: 'Remove spec.externalIPs and use type LoadBalancer (with MetalLB or the cloud\'s load balancer) to get an address the cluster owns.',
    yaml: `spec:
  type: LoadBalancer
  ports:
    - port: 443
      targetPort: https`,
  },
  target: 'object',
  kinds: ['Service'],
  run({ resource }) {
    const ips = getArray(resource.object, ['spec', 'externalIPs']).filter((x): x is string => typeof x === 'string' && x !== '');
    if (ips.length === 0) return [];
    return [
      {
        message: `spec.externalIPs ${ips.join(', ')}: every node captures traffic to ${ips.length === 1 ? 'this IP' : 'these IPs'} on the Service's ports (the CVE-2020-8554 mechanism; rejected where DenyServiceExternalIPs is enabled)`,
        path: ['spec', 'externalIPs'],
      },
    ];
  },
});
