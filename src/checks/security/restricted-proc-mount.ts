import { defineCheck, type FindingInput } from '../types.js';
import { getString } from '../../model/util.js';
import { containerSC, containerSCPath, pssContainers, pssRef, q, usesUserNamespace, who } from './pss-util.js';

export default defineCheck({
  id: 'restricted-proc-mount',
  pillar: 'security',
  severity: 'warning',
  pss: 'restricted',
  title: 'Unmasked /proc mount in a user-namespaced pod',
  whatBreaks:
    "Even inside its own user namespace, a container with procMount: Unmasked sees /proc and /sys paths the runtime normally hides, which widens the kernel attack surface a compromised process can probe. The pod meets baseline but a restricted namespace rejects it.",
  details: `Since policy 1.35, PodSecurity **baseline** lets pods with \`spec.hostUsers: false\` set \`securityContext.procMount\` to a value other than \`Default\`, but **restricted** (\`procMount_restricted\`) still allows only unset or \`Default\`.

This check fires only for pods with \`hostUsers: false\`; without a user namespace, **proc-mount** (baseline) reports the same field. Exempt nested-runtime workloads (image builders, Kubernetes-in-Kubernetes) that need it.`,
  fix: {
    text: 'Remove procMount (or set it to Default) unless the container runs a nested container runtime.',
    yaml: `containers:
  - name: app
    securityContext:
      procMount: Default`,
    place: { at: 'container', snippet: 'securityContext:\n  procMount: Default   # or remove the field' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (!usesUserNamespace(w)) return [];
    const out: FindingInput[] = [];
    for (const c of pssContainers(w)) {
      const pm = getString(containerSC(c), ['procMount']);
      if (pm === undefined || pm === 'Default') continue;
      out.push({
        message: `${who(c)}: procMount: ${q(pm)} is allowed by baseline with hostUsers: false, but restricted requires Default ${pssRef('restricted', '/proc Mount Type')}`,
        path: containerSCPath(c, 'procMount'),
        container: c.name,
      });
    }
    return out;
  },
});
