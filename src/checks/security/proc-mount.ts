import { defineCheck, type FindingInput } from '../types.js';
import { getString } from '../../model/util.js';
import { containerSC, containerSCPath, pssContainers, pssRef, q, usesUserNamespace, who } from './pss-util.js';

export default defineCheck({
  id: 'proc-mount',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Unmasked /proc mount',
  whatBreaks:
    "procMount: Unmasked removes the masks and read-only mounts the runtime puts over sensitive /proc and /sys paths (/proc/kcore, /proc/sysrq-trigger, /sys/firmware...). In the host's user namespace, a root process in the container can then read kernel memory or trigger node-wide actions.",
  details: `PodSecurity **baseline** requires \`securityContext.procMount\` to be unset or \`Default\` on every container.

Since policy 1.35, baseline allows other values when the pod runs in its own user namespace (\`spec.hostUsers: false\`), because the masked paths are then not writable as host root anyway; the API server itself only accepts \`Unmasked\` together with \`hostUsers: false\`. That case is reported by **restricted-proc-mount**, because restricted still forbids it.

\`Unmasked\` is meant for nested container runtimes (building images or running containers inside a pod).`,
  fix: {
    text: 'Remove procMount (or set it to Default). If a nested container runtime really needs it, run the pod with hostUsers: false and exempt it with a reason.',
    yaml: `containers:
  - name: app
    securityContext:
      procMount: Default`,
    place: { at: 'container', snippet: 'securityContext:\n  procMount: Default   # or remove the field' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (usesUserNamespace(w)) return [];
    const out: FindingInput[] = [];
    for (const c of pssContainers(w)) {
      const pm = getString(containerSC(c), ['procMount']);
      if (pm === undefined || pm === 'Default') continue;
      out.push({
        message: `${who(c)}: procMount: ${q(pm)} exposes the /proc paths the runtime normally masks, in the host's user namespace ${pssRef('baseline', '/proc Mount Type')}`,
        path: containerSCPath(c, 'procMount'),
        container: c.name,
      });
    }
    return out;
  },
});
