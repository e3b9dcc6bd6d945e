import { defineCheck, type ContainerRef, type FindingInput } from '../types.js';
import { formatPath, get, getArray } from '../../model/util.js';
import { containerSC, containerSCPath, pssContainers, pssRef, who } from './pss-util.js';

/** The capabilities.add entry that grants SYS_ADMIN, as written (`SYS_ADMIN`, `CAP_SYS_ADMIN`). */
function sysAdmin(c: ContainerRef): string | undefined {
  return getArray(containerSC(c), ['capabilities', 'add']).find((v): v is string => typeof v === 'string' && /^(CAP_)?SYS_ADMIN$/i.test(v));
}

/** This finding's fix; allowPrivilegeEscalation: false only where the API server accepts it and it means something. */
function fixText(c: ContainerRef): string {
  const path = formatPath(containerSCPath(c));
  const cap = sysAdmin(c);
  if (cap) {
    return `Remove privileged: true from ${path} of ${who(c)} and set capabilities.drop: ["ALL"], keeping the ${cap} it adds only if it really needs it; leave allowPrivilegeEscalation unset: with CAP_SYS_ADMIN the container can escalate anyway, and the API server rejects allowPrivilegeEscalation: false beside capabilities.add CAP_SYS_ADMIN.`;
  }
  return `Remove privileged: true from ${path} of ${who(c)} and set allowPrivilegeEscalation: false and capabilities.drop: ["ALL"]; if the process needs one kernel capability, add only that one under capabilities.add.`;
}

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
    text: 'Remove privileged: true. If the process needs a specific kernel capability, add only that one under capabilities.add. Set allowPrivilegeEscalation: false unless that capability is SYS_ADMIN: with CAP_SYS_ADMIN a container can escalate anyway, and the API server rejects allowPrivilegeEscalation: false beside capabilities.add CAP_SYS_ADMIN.',
    yaml: `containers:
  - name: app
    securityContext:
      privileged: false
      allowPrivilegeEscalation: false   # leave out if the container keeps CAP_SYS_ADMIN (rejected together)
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
        fix: fixText(c),
      });
    }
    return out;
  },
});
