import { defineCheck, type FindingInput } from '../types.js';
import { get } from '../../model/util.js';
import { asNumber, containerSC, containerSCPath, isPrivileged, isWindowsPod, resolveSC, windowsInstead, pssContainers, pssRef, who } from './pss-util.js';
import { getArray } from '../../model/util.js';

const REF = pssRef('restricted', 'Privilege Escalation');

export default defineCheck({
  id: 'privilege-escalation',
  pillar: 'security',
  severity: 'warning',
  pss: 'restricted',
  title: 'Privilege escalation allowed',
  whatBreaks:
    "Unless allowPrivilegeEscalation is false, the kernel's no_new_privs flag stays off: a setuid-root binary in the image (su, sudo, ping, mount...) or a file capability lets an attacker who runs code as the app user become root inside the container.",
  details: `PodSecurity **restricted** requires \`securityContext.allowPrivilegeEscalation: false\` **explicitly** on every container, init container and sidecar; unset means \`true\`. There is no pod-level field.

Setting it to \`false\` makes the runtime set \`no_new_privs\`: \`execve\` can no longer raise privileges through setuid bits or file capabilities. Applications almost never need escalation at runtime. The API rejects \`false\` together with \`privileged: true\`, or with \`CAP_SYS_ADMIN\` (that exact spelling) in \`capabilities.add\`; such containers are not reported here (a privileged container escalates anyway: **privileged-container** reports it, and **capabilities-added** the capability).

Pods with \`spec.os.name: windows\` are exempt (policy 1.25+): the field does not exist on Windows. A pod pinned to Windows nodes only by its scheduling (\`nodeSelector\` \`kubernetes.io/os: windows\`, or required node affinity) without \`spec.os.name\` gets one finding instead, asking for \`spec.os.name: windows\`: the policy exempts only by that field.`,
  fix: {
    text: 'Set allowPrivilegeEscalation: false on every container (including init containers and sidecars).',
    yaml: `containers:
  - name: app
    securityContext:
      allowPrivilegeEscalation: false`,
    place: { at: 'container', snippet: 'securityContext:\n  allowPrivilegeEscalation: false' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (isWindowsPod(w)) return [];
    const out: FindingInput[] = [];
    for (const c of pssContainers(w)) {
      // The fix would be rejected: false is invalid on these (ValidateSecurityContext).
      if (isPrivileged(c) || getArray(containerSC(c), ['capabilities', 'add']).includes('CAP_SYS_ADMIN')) continue;
      const v = get(containerSC(c), ['allowPrivilegeEscalation']);
      if (v === false) continue;
      // Already root: nothing to raise it to; what no_new_privs would still stop is exec gaining
      // capabilities from setuid or file-capability binaries (run-as-non-root reports the root user).
      const user = resolveSC(w, c, ['runAsUser'], asNumber);
      const root = user.value === 0 ? `it already runs as root (runAsUser: 0${user.from === 'pod' ? ' from the pod' : ''}), and ` : '';
      out.push({
        message: root
          ? `${who(c)}: ${root}allowPrivilegeEscalation is ${v === true ? 'true' : 'not set (it defaults to true)'}, so exec of setuid or file-capability binaries can still gain capabilities (no_new_privs is off) ${REF}`
          : v === true
            ? `${who(c)}: allowPrivilegeEscalation: true lets setuid binaries raise it to root ${REF}`
            : `${who(c)}: allowPrivilegeEscalation is not set (it defaults to true), so setuid binaries can raise it to root ${REF}`,
        path: containerSCPath(c, 'allowPrivilegeEscalation'),
        container: c.name,
      });
    }
    return windowsInstead(w, out, 'allowPrivilegeEscalation does not exist', REF);
  },
});
