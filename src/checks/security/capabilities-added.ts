import { defineCheck, type FindingInput } from '../types.js';
import { getArray } from '../../model/util.js';
import { BASELINE_CAPABILITIES, containerSC, containerSCPath, isPrivileged, listText, pssContainers, pssRef, stringsWithIndex, who } from './pss-util.js';

export default defineCheck({
  id: 'capabilities-added',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Container adds capabilities outside the PodSecurity baseline set',
  whatBreaks:
    'Capabilities such as SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE or SYS_MODULE give an attacker inside the container kernel powers: mounting filesystems, rewriting routes and sniffing or spoofing traffic, tracing other processes, loading kernel modules. Several container escapes start from exactly these.',
  details: `PodSecurity **baseline** allows \`securityContext.capabilities.add\` to contain only the container runtime's default set: \`AUDIT_WRITE\`, \`CHOWN\`, \`DAC_OVERRIDE\`, \`FOWNER\`, \`FSETID\`, \`KILL\`, \`MKNOD\`, \`NET_BIND_SERVICE\`, \`SETFCAP\`, \`SETGID\`, \`SETPCAP\`, \`SETUID\`, \`SYS_CHROOT\`. \`NET_RAW\` is **not** in the list.

Names are compared literally, as PodSecurity does: \`CAP_SYS_ADMIN\` or lowercase spellings are rejected by admission as well, so write capability names without the \`CAP_\` prefix, in upper case.

A privileged container is not reported here: it has every capability anyway, and **privileged-container** reports it.

If a workload genuinely needs an extra capability (a VPN sidecar needing \`NET_ADMIN\`), keep it to that one container, drop \`ALL\` first, and exempt it here with a reason.`,
  fix: {
    text: 'Remove the extra capabilities from capabilities.add. Start from drop: ["ALL"] and add back only what the process provably needs from the default set (usually nothing). NET_BIND_SERVICE lets only a root process, or a binary with that file capability, bind ports below 1024: Kubernetes sets no ambient capabilities, so a non-root process loses it; listen on a port of 1024 or more and map it with the Service targetPort instead.',
    yaml: `containers:
  - name: app
    securityContext:
      capabilities:
        drop: ["ALL"]
        add: ["NET_BIND_SERVICE"]   # only for a root process (or setcap'd binary) binding a port < 1024`,
    place: { at: 'container', snippet: 'securityContext:\n  capabilities:\n    drop: ["ALL"]   # and add back only what the process provably needs' },
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of pssContainers(workload!)) {
      if (isPrivileged(c)) continue;
      const add = stringsWithIndex(getArray(containerSC(c), ['capabilities', 'add']));
      const bad = add.filter((a) => !BASELINE_CAPABILITIES.has(a.value));
      if (bad.length === 0) continue;
      out.push({
        message: `${who(c)}: capabilities.add includes ${listText(bad.map((b) => b.value))}, outside the set PodSecurity baseline allows ${pssRef('baseline', 'Capabilities')}`,
        path: containerSCPath(c, 'capabilities', 'add', bad[0].index),
        container: c.name,
      });
    }
    return out;
  },
});
