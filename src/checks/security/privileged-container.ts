import { defineCheck, type FindingInput } from '../types.js';
import { get } from '../../model/util.js';
import { containerSC, containerSCPath, pssContainers, pssRef, who } from './pss-util.js';

export default defineCheck({
  id: 'privileged-container',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Privileged container',
  whatBreaks:
    "A privileged container has every Linux capability, no seccomp or AppArmor confinement and all of the host's devices. Anyone who gets code execution in it can mount the node's disk, load kernel modules and take over the node and every pod on it.",
  details: `PodSecurity **baseline** forbids \`securityContext.privileged: true\` on every container, init container and sidecar.

\`privileged\` is almost never what an application needs. If it needs one specific power (binding port 80, changing file ownership), add that single capability instead (a process that is not root keeps it only through a file capability on its binary: Kubernetes sets no ambient capabilities), or fix the image. Privileged pods are legitimate only for node-level infrastructure (CNI, CSI node plugins, some monitoring agents), which belongs in a namespace with \`pod-security.kubernetes.io/enforce: privileged\` and should be exempted here with a reason.`,
  fix: {
    text: 'Remove privileged: true. If the process needs a specific kernel capability, add only that one under capabilities.add.',
    yaml: `containers:
  - name: app
    securityContext:
      privileged: false
      allowPrivilegeEscalation: false
      capabilities:
        drop: ["ALL"]`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of pssContainers(workload!)) {
      if (get(containerSC(c), ['privileged']) !== true) continue;
      out.push({
        message: `${who(c)}: privileged: true gives it every capability, no seccomp filter and the host's devices, whatever the rest of its securityContext says ${pssRef('baseline', 'Privileged Containers')}`,
        path: containerSCPath(c, 'privileged'),
        container: c.name,
      });
    }
    return out;
  },
});
