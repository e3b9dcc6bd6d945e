import { toYaml } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef, Workload } from '../../model/types.js';
import { get, getArray, getBool, isObject } from '../../model/util.js';
import { BASELINE_CAPABILITIES, asBool, asNumber, containerSC, containerSCPath, isPrivileged, isWindowsPod, listText, podSC, pssContainers, pssRef, resolveSC, stringsWithIndex, who } from './pss-util.js';

/** A capability as the container runtime reads it (containerd, CRI-O): upper case, without the CAP_ prefix. */
export function capabilityName(v: string): string {
  return v.toUpperCase().replace(/^CAP_/, '');
}

/** The ports below 1024 the container declares (containerPort). */
function privilegedPorts(c: ContainerRef): number[] {
  const out: number[] = [];
  for (const p of getArray(c.spec, ['ports'])) {
    const v = get(p, ['containerPort']);
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n > 0 && n < 1024 && !out.includes(n)) out.push(n);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Whether the container keeps NET_BIND_SERVICE once it drops ALL, and why (for the fix's comment).
 * It needs it when it declares a port below 1024 and may run as root (runAsUser: 0, or no runAsUser
 * and no runAsNonRoot: the image's USER decides), unless the pod lowers
 * net.ipv4.ip_unprivileged_port_start to that port; and keeps it only if it has it now (in
 * capabilities.add, or from the runtime's default set when it drops neither ALL nor it). A non-root
 * process gets no effective capability from capabilities.add (Kubernetes sets no ambient
 * capabilities, and exec clears the others without file capabilities), so it is never kept there.
 */
export function netBindService(w: Workload, c: ContainerRef): { keep: boolean; why: string } {
  const sc = containerSC(c);
  const adds = getArray(sc, ['capabilities', 'add']).map((a) => (typeof a === 'string' ? capabilityName(a) : ''));
  const added = adds.includes('NET_BIND_SERVICE');
  const ports = privilegedPorts(c);
  if (ports.length === 0) return { keep: false, why: added ? 'it declares no port below 1024 (keep it if it binds one)' : '' };
  const portText = `port${ports.length > 1 ? 's' : ''} ${listText(ports.map(String))}`;
  const uid = resolveSC(w, c, ['runAsUser'], asNumber);
  const nonRoot = uid.value !== undefined ? uid.value > 0 : resolveSC(w, c, ['runAsNonRoot'], asBool).value === true;
  if (nonRoot) {
    const user = uid.value !== undefined ? `runAsUser: ${uid.value}` : 'runAsNonRoot: true';
    return { keep: false, why: added ? `it runs as non-root (${user}), which keeps no added capability (Kubernetes sets no ambient ones); for ${portText}, listen on 1024 or more, or give the binary that file capability` : '' };
  }
  const start = getBool(w.podSpec, ['hostNetwork']) === true ? undefined : getArray(podSC(w), ['sysctls']).find((s) => isObject(s) && s.name === 'net.ipv4.ip_unprivileged_port_start');
  const from = isObject(start) ? Number(start.value) : NaN;
  if (Number.isInteger(from) && from <= ports[0]) return { keep: false, why: added ? `the pod's sysctl net.ipv4.ip_unprivileged_port_start: ${from} lets any process bind ${portText}` : '' };
  const drop = getArray(sc, ['capabilities', 'drop']).map((d) => (typeof d === 'string' ? capabilityName(d) : ''));
  // add: [ALL] gives it too (capabilities-added reports ALL, and the fix removes it).
  const had = added || adds.includes('ALL') || !(drop.includes('ALL') || drop.includes('NET_BIND_SERVICE'));
  if (!had) return { keep: false, why: '' };
  const user = uid.value === 0 ? `runs as root (runAsUser: 0${uid.from === 'pod' ? ' from the pod' : ''})` : `may run as root (no runAsUser${resolveSC(w, c, ['runAsNonRoot'], asBool).value === false ? '' : ' or runAsNonRoot'}: the image's USER decides)`;
  return { keep: true, why: `it declares ${portText} and ${user}: without it, binding ${ports.length > 1 ? 'them' : 'it'} fails once ALL is dropped` };
}

/** How capabilitiesSnippet treats what a container adds besides NET_BIND_SERVICE. */
export interface KeepRule {
  /** The entry to write for a capability kept (`written` as written, `name` as capabilityName reads it); null to remove it. */
  keep: (written: string, name: string) => string | null;
  /** A comment on the drop line. */
  dropNote?: string;
  /** A comment naming the capabilities kept, when some are. */
  keptNote?: (kept: string[]) => string;
}

/**
 * A container's capabilities after the fix, as a snippet relative to it: drop ALL, and add what
 * `rule.keep` keeps of what it adds (in its order, each once), with NET_BIND_SERVICE only when
 * netBindService says so. `add` is written only when it changes (so two checks' fixes of one
 * container that agree on it do not undo each other), null (remove it) when nothing is left.
 */
export function capabilitiesSnippet(w: Workload, c: ContainerRef, rule: KeepRule): string {
  const was = getArray(containerSC(c), ['capabilities', 'add']);
  const nbs = netBindService(w, c);
  // The API server rejects CAP_SYS_ADMIN (so spelled) with allowPrivilegeEscalation: false: never kept beside it.
  const noEscalation = get(containerSC(c), ['allowPrivilegeEscalation']) === false;
  const add: string[] = [];
  const removed: string[] = [];
  const kept: string[] = [];
  for (const a of was) {
    if (typeof a !== 'string') continue;
    const name = capabilityName(a);
    const k = name === 'NET_BIND_SERVICE' ? (nbs.keep ? name : null) : noEscalation && a === 'CAP_SYS_ADMIN' ? null : rule.keep(a, name);
    if (k === null) {
      if (name !== 'NET_BIND_SERVICE') removed.push(a);
    } else if (!add.includes(k)) {
      add.push(k);
      if (name !== 'NET_BIND_SERVICE') kept.push(k);
    }
  }
  if (nbs.keep && !add.includes('NET_BIND_SERVICE')) add.push('NET_BIND_SERVICE');
  const caps: { drop: string[]; add?: string[] | null } = { drop: ['ALL'] };
  const written = get(containerSC(c), ['capabilities', 'add']);
  const same = (written === undefined || written === null || Array.isArray(written)) && was.length === add.length && was.every((a, i) => a === add[i]);
  // Nothing left: null removes the list (as in a strategic merge patch), where [] beside a list merged by name would read as "add nothing".
  if (!same) caps.add = add.length ? add : null;
  const lines = toYaml({ securityContext: { capabilities: caps } }, 3).trimEnd().split('\n');
  const notes: string[] = [];
  if (removed.length) notes.push(`without ${listText(removed)}${noEscalation && removed.includes('CAP_SYS_ADMIN') && rule.keep('CAP_SYS_ADMIN', 'SYS_ADMIN') !== null ? ' (the API server rejects CAP_SYS_ADMIN with allowPrivilegeEscalation: false)' : ''}`);
  if (kept.length && rule.keptNote) notes.push(rule.keptNote(kept));
  if (nbs.why) notes.push(`NET_BIND_SERVICE${nbs.keep ? '' : ' left out'}: ${nbs.why}`);
  const dropAt = lines.findIndex((l) => /^\s+drop:/.test(l));
  const addAt = lines.findIndex((l) => /^\s+add:/.test(l));
  if (rule.dropNote) lines[dropAt] += `   # ${rule.dropNote}`;
  if (caps.add === null) notes.unshift('remove the list');
  if (notes.length) {
    if (addAt >= 0) lines[addAt] += `   # ${notes.join('; ')}`;
    else lines[dropAt] += `${rule.dropNote ? '; ' : '   # '}${notes.join('; ')}`;
  }
  return lines.join('\n');
}

/** What capabilities-added keeps: the baseline set, spelled as PodSecurity compares it (CAP_CHOWN as CHOWN). */
const BASELINE_RULE: KeepRule = {
  keep: (_, name) => (BASELINE_CAPABILITIES.has(name) ? name : null),
  dropNote: 'then add back only what the process provably needs',
};

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
    const w = workload!;
    const out: FindingInput[] = [];
    for (const c of pssContainers(w)) {
      if (isPrivileged(c)) continue;
      const add = stringsWithIndex(getArray(containerSC(c), ['capabilities', 'add']));
      const bad = add.filter((a) => !BASELINE_CAPABILITIES.has(a.value));
      if (bad.length === 0) continue;
      out.push({
        message: `${who(c)}: capabilities.add includes ${listText(bad.map((b) => b.value))}, outside the set PodSecurity baseline allows ${pssRef('baseline', 'Capabilities')}`,
        path: containerSCPath(c, 'capabilities', 'add', bad[0].index),
        container: c.name,
        // A Windows pod cannot set Linux capabilities at all (the API server rejects the field there).
        fixSnippet: isWindowsPod(w) ? 'securityContext:\n  capabilities: null   # a Windows pod cannot set Linux capabilities' : capabilitiesSnippet(w, c, BASELINE_RULE),
      });
    }
    return out;
  },
});
