import { defineCheck, type FindingInput } from '../types.js';
import { getArray } from '../../model/util.js';
import { capabilitiesSnippet, type KeepRule } from './capabilities-added.js';
import { BASELINE_CAPABILITIES, containerSC, containerSCPath, isPrivileged, isWindowsPod, windowsInstead, listText, pssContainers, pssRef, q, stringsWithIndex, who } from './pss-util.js';

const REF = pssRef('restricted', 'Capabilities');

/**
 * What the fix keeps of capabilities.add besides NET_BIND_SERVICE: the runtime's default capabilities go
 * (restricted allows only NET_BIND_SERVICE); the others stay as written: capabilities-added reports
 * them, and a container exempted there (a VPN sidecar's NET_ADMIN) keeps what it needs.
 */
const KEEP: KeepRule = {
  keep: (written, name) => (BASELINE_CAPABILITIES.has(name) ? null : written),
  keptNote: (kept) => `${listText(kept)} as ${kept.length > 1 ? 'they were' : 'it was'}: capabilities-added reports ${kept.length > 1 ? 'them' : 'it'}`,
};

export default defineCheck({
  id: 'capabilities-not-dropped',
  pillar: 'security',
  severity: 'warning',
  pss: 'restricted',
  title: 'Capabilities not dropped',
  whatBreaks:
    "Without drop: [ALL] the container keeps the runtime's default capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_BIND_SERVICE, KILL, MKNOD...). A process running as root in it can bypass file permissions, change ownership, switch users and create device nodes: everything an attacker needs after the first foothold.",
  details: `PodSecurity **restricted** requires \`securityContext.capabilities.drop\` to contain \`ALL\` (exactly that spelling) on every container, init container and sidecar, and allows \`capabilities.add\` to contain only \`NET_BIND_SERVICE\`.

Additions outside the baseline default set (\`SYS_ADMIN\`, \`NET_ADMIN\`...) are reported by **capabilities-added** (baseline); this check reports the missing \`drop: ["ALL"]\` and additions that baseline tolerates but restricted does not (\`CHOWN\`, \`SETUID\`...).

Privileged containers are not reported: they get every capability whatever \`drop\` says (**privileged-container** reports them). Pods with \`spec.os.name: windows\` are exempt (policy 1.25+): Linux capabilities do not exist there. A pod pinned to Windows nodes only by its scheduling (\`nodeSelector\` \`kubernetes.io/os: windows\`, or required node affinity) without \`spec.os.name\` gets one finding instead, asking for \`spec.os.name: windows\`: the policy exempts only by that field.`,
  fix: {
    text: 'Add capabilities.drop: ["ALL"] to every container and add back at most NET_BIND_SERVICE (binding ports below 1024 as root, or with a setcap\'d binary: a non-root process does not keep added capabilities; prefer a port of 1024 or more).',
    yaml: `containers:
  - name: app
    securityContext:
      capabilities:
        drop: ["ALL"]`,
    place: { at: 'container', snippet: 'securityContext:\n  capabilities:\n    drop: ["ALL"]' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (isWindowsPod(w)) return [];
    const out: FindingInput[] = [];
    for (const c of pssContainers(w)) {
      if (isPrivileged(c)) continue;
      const sc = containerSC(c);
      const drop = getArray(sc, ['capabilities', 'drop']);
      const dropsAll = drop.includes('ALL');
      const extra = stringsWithIndex(getArray(sc, ['capabilities', 'add'])).filter((a) => a.value !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(a.value));
      if (dropsAll && extra.length === 0) continue;
      const parts: string[] = [];
      if (!dropsAll) {
        const spelled = drop.find((d): d is string => typeof d === 'string' && d.toUpperCase().replace(/^CAP_/, '') === 'ALL');
        parts.push(
          spelled !== undefined
            ? `capabilities.drop has ${q(spelled)} but PodSecurity only accepts "ALL"`
            : "capabilities.drop does not include ALL, so it keeps the runtime's default capabilities",
        );
      }
      if (extra.length) parts.push(`capabilities.add includes ${listText(extra.map((e) => e.value))} (only NET_BIND_SERVICE may be added)`);
      out.push({
        message: `${who(c)}: ${parts.join('; ')} ${REF}`,
        path: !dropsAll ? containerSCPath(c, 'capabilities', 'drop') : containerSCPath(c, 'capabilities', 'add', extra[0].index),
        container: c.name,
        fixSnippet: capabilitiesSnippet(w, c, KEEP),
      });
    }
    return windowsInstead(w, out, 'Linux capabilities do not exist', REF);
  },
});
