import { defineCheck, type FindingInput } from '../types.js';
import { getString } from '../../model/util.js';
import { containerSC, containerSCPath, isPrivileged, isWindowsPod, windowsInstead, podSC, pssContainers, pssRef, who } from './pss-util.js';

export default defineCheck({
  id: 'seccomp-profile-missing',
  pillar: 'security',
  severity: 'warning',
  pss: 'restricted',
  title: 'No seccomp profile',
  whatBreaks:
    'Without a seccomp profile (and unless the kubelet runs with --seccomp-default) the container runs with no system-call filter: every syscall the kernel offers, including those behind most kernel privilege-escalation exploits, is one call away for an attacker with code execution.',
  details: `PodSecurity **restricted** requires \`seccompProfile.type\` to be \`RuntimeDefault\` or \`Localhost\`: set at pod level (\`spec.securityContext.seccompProfile\`), or on every container that the pod level does not cover. Unset means \`Unconfined\` on most clusters: the kubelet applies \`RuntimeDefault\` implicitly only when started with \`--seccomp-default\`.

\`RuntimeDefault\` (the container runtime's default filter) blocks a few dozen rarely needed syscalls and is compatible with almost every application. An explicit \`Unconfined\` is reported by **seccomp-unconfined** (baseline).

Privileged containers are not reported: the runtime never applies a seccomp profile to them (**privileged-container** reports them). Pods with \`spec.os.name: windows\` are exempt (policy 1.25+). A pod pinned to Windows nodes only by its scheduling (\`nodeSelector\` \`kubernetes.io/os: windows\`, or required node affinity) without \`spec.os.name\` gets one finding instead, asking for \`spec.os.name: windows\`: the policy exempts only by that field.`,
  fix: {
    text: 'Set seccompProfile.type: RuntimeDefault in the pod-level securityContext.',
    yaml: `spec:
  template:
    spec:
      securityContext:
        seccompProfile:
          type: RuntimeDefault`,
    place: { at: 'pod-spec', snippet: 'securityContext:\n  seccompProfile:\n    type: RuntimeDefault' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (isWindowsPod(w)) return [];
    // A pod-level type covers every container that does not override it; an invalid one is a baseline finding.
    if (getString(podSC(w), ['seccompProfile', 'type']) !== undefined) return [];
    const out: FindingInput[] = [];
    for (const c of pssContainers(w)) {
      if (isPrivileged(c) || getString(containerSC(c), ['seccompProfile', 'type']) !== undefined) continue;
      out.push({
        message: `${who(c)}: seccompProfile is not set on the container or the pod, so it runs Unconfined (no syscall filter) unless the node's kubelet defaults to RuntimeDefault (--seccomp-default, as GKE Autopilot does), and restricted admission requires it set ${pssRef('restricted', 'Seccomp')}`,
        path: containerSCPath(c, 'seccompProfile', 'type'),
        container: c.name,
      });
    }
    return windowsInstead(w, out, 'seccomp profiles do not exist', pssRef('restricted', 'Seccomp'));
  },
});
