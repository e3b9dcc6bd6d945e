import { defineCheck, type FindingInput } from '../types.js';
import { getArray, isObject } from '../../model/util.js';
import { pssContainers, pssRef, who } from './pss-util.js';

export default defineCheck({
  id: 'host-ports',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Container binds a host port',
  whatBreaks:
    "A hostPort opens the port on the node's own IP address, bypassing Services and NetworkPolicies on many CNIs: the container becomes reachable from anywhere that can reach the node. Only one pod per node can hold the port, so extra replicas stay Pending.",
  details: `PodSecurity **baseline** requires \`ports[*].hostPort\` to be unset or \`0\` on every container, init container and sidecar. There is no allow-list in the standard.

To receive traffic, use a Service (ClusterIP behind an Ingress or Gateway, or NodePort/LoadBalancer when it must be reachable from outside). Node-level agents that must listen on the node (some ingress controllers run as DaemonSets with hostPort 80/443) are the exception: exempt them here with a reason.`,
  fix: {
    text: 'Remove hostPort and expose the containerPort through a Service.',
    yaml: `containers:
  - name: app
    ports:
      - containerPort: 8080   # no hostPort
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    // On a host-network pod every port is on the node's IP already, and the API server sets each port's
    // hostPort to its containerPort on the Pod (SetDefaults_Pod, defaultHostNetworkPorts): removing
    // hostPort changes nothing. host-namespaces reports hostNetwork, the setting to remove.
    if (workload!.podSpec.hostNetwork === true) return out;
    for (const c of pssContainers(workload!)) {
      const bad: { port: number; index: number }[] = [];
      getArray(c.spec, ['ports']).forEach((p, index) => {
        if (!isObject(p)) return;
        const hp = p.hostPort;
        if (typeof hp === 'number' && hp !== 0) bad.push({ port: hp, index });
      });
      if (bad.length === 0) continue;
      out.push({
        message: `${who(c)}: hostPort ${bad.map((b) => b.port).join(', ')} opens ${bad.length > 1 ? 'these ports' : 'the port'} on the node's IP ${pssRef('baseline', 'Host Ports')}`,
        path: [...c.path, 'ports', bad[0].index, 'hostPort'],
        container: c.name,
      });
    }
    return out;
  },
});
