import { defineCheck, type FindingInput } from '../types.js';
import { get } from '../../model/util.js';
import { containerSC, containerSCPath, podSC, podSCPath, pssContainers, pssRef, who } from './pss-util.js';

const REF = pssRef('baseline', 'HostProcess');

export default defineCheck({
  id: 'host-process',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Windows HostProcess container',
  whatBreaks:
    'A HostProcess container runs directly on the Windows node as a host process, outside any container isolation, usually as SYSTEM. Whoever controls that container (or an RCE in it) controls the node and every pod on it.',
  details: `PodSecurity **baseline** forbids \`windowsOptions.hostProcess: true\` at pod level (\`spec.securityContext.windowsOptions.hostProcess\`) and on every container, init container and sidecar. HostProcess pods also require \`hostNetwork: true\`.

HostProcess containers exist for node agents (CNI, CSI node plugins, log shippers, kube-proxy on Windows). Those belong in a namespace labelled \`pod-security.kubernetes.io/enforce: privileged\` and should be exempted here with a reason; application workloads never need it.`,
  fix: {
    text: 'Remove windowsOptions.hostProcess (or set it to false) and run the workload as a normal Windows container; give node agents a dedicated privileged namespace and exempt them explicitly.',
    yaml: `spec:
  template:
    spec:
      securityContext:
        windowsOptions:
          hostProcess: false   # or remove the field
      hostNetwork: false`,
    place: { at: 'pod-spec', snippet: 'securityContext:\n  windowsOptions:\n    hostProcess: false   # or remove the field\nhostNetwork: false' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    if (get(podSC(w), ['windowsOptions', 'hostProcess']) === true) {
      out.push({
        message: `pod securityContext.windowsOptions.hostProcess: true runs every container as a process on the Windows node, outside container isolation ${REF}`,
        path: podSCPath(w, 'windowsOptions', 'hostProcess'),
      });
    }
    for (const c of pssContainers(w)) {
      if (get(containerSC(c), ['windowsOptions', 'hostProcess']) !== true) continue;
      out.push({
        message: `${who(c)}: windowsOptions.hostProcess: true runs it as a process on the Windows node, outside container isolation ${REF}`,
        path: containerSCPath(c, 'windowsOptions', 'hostProcess'),
        container: c.name,
      });
    }
    return out;
  },
});
