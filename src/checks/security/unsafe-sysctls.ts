import { defineCheck, type FindingInput } from '../types.js';
import { getArray, isObject } from '../../model/util.js';
import { SAFE_SYSCTLS, podSCPath, pssRef, q } from './pss-util.js';

export default defineCheck({
  id: 'unsafe-sysctls',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Unsafe sysctl',
  whatBreaks:
    "Sysctls outside the safe set are either not namespaced (they change the whole node's kernel, affecting every pod on it) or not isolated well enough to be trusted to a pod. The kubelet also refuses to start such pods unless the node explicitly allows them, so the pod sits in SysctlForbidden.",
  details: `PodSecurity **baseline** allows only these names in \`spec.securityContext.sysctls\`: \`kernel.shm_rmid_forced\`, \`net.ipv4.ip_local_port_range\`, \`net.ipv4.tcp_syncookies\`, \`net.ipv4.ping_group_range\`, \`net.ipv4.ip_unprivileged_port_start\`, \`net.ipv4.ip_local_reserved_ports\` (1.27+), \`net.ipv4.tcp_keepalive_time\`, \`net.ipv4.tcp_fin_timeout\`, \`net.ipv4.tcp_keepalive_intvl\`, \`net.ipv4.tcp_keepalive_probes\` (1.29+), \`net.ipv4.tcp_rmem\`, \`net.ipv4.tcp_wmem\` (1.32+), \`net.ipv4.tcp_slow_start_after_idle\`, \`net.ipv4.tcp_notsent_lowat\` (1.37+).

Names are compared literally: the slash form (\`net/ipv4/tcp_syncookies\`) is not recognised by PodSecurity even though the kubelet accepts it.

Other namespaced sysctls (\`net.core.somaxconn\`...) work only on nodes whose kubelet lists them in \`--allowed-unsafe-sysctls\`; schedule such pods onto those dedicated nodes and exempt them here with a reason. Node-wide tuning belongs in the node configuration, not in a pod.`,
  fix: {
    text: 'Remove the unsafe sysctls, or move the tuning to the node configuration (or a dedicated node pool whose kubelet allows it, with an exemption).',
    yaml: `spec:
  template:
    spec:
      securityContext:
        sysctls:
          - name: net.ipv4.ip_local_port_range
            value: "1024 65535"`,
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    getArray(w.podSpec, ['securityContext', 'sysctls']).forEach((s, index) => {
      if (!isObject(s) || typeof s.name !== 'string') return;
      const name = s.name;
      if (SAFE_SYSCTLS.has(name)) return;
      const dotted = name.replace(/\//g, '.');
      const hint = dotted !== name && SAFE_SYSCTLS.has(dotted) ? `; write it as ${q(dotted)}: PodSecurity compares names literally` : '';
      out.push({
        message: `sysctl ${q(name)} is not in the safe set${hint} ${pssRef('baseline', 'Sysctls')}`,
        path: podSCPath(w, 'sysctls', index, 'name'),
      });
    });
    return out;
  },
});
