import { defineCheck, type FindingInput } from '../types.js';
import type { FieldPath, JsonObject } from '../../model/types.js';
import { getObject } from '../../model/util.js';
import { SELINUX_TYPES, containerSC, containerSCPath, podSC, podSCPath, pssContainers, pssRef, q, who } from './pss-util.js';

const REF = pssRef('baseline', 'SELinux');

/** The offending fields of one seLinuxOptions object. */
function problems(opts: JsonObject | undefined): { field: string; value: string }[] {
  if (!opts) return [];
  const out: { field: string; value: string }[] = [];
  const type = opts.type;
  if (typeof type === 'string' && type !== '' && !SELINUX_TYPES.has(type)) out.push({ field: 'type', value: type });
  for (const field of ['user', 'role']) {
    const v = opts[field];
    if (typeof v === 'string' && v !== '') out.push({ field, value: v });
  }
  return out;
}

function describe(bad: { field: string; value: string }[]): string {
  return bad.map((b) => `seLinuxOptions.${b.field}: ${q(b.value)}`).join(', ');
}

export default defineCheck({
  id: 'selinux-options',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Custom SELinux type, user or role',
  whatBreaks:
    "A custom SELinux type (spc_t, unconfined_t...), user or role takes the container out of the container_t confinement that keeps it away from the node's files and other containers' data. spc_t in particular is a \"super privileged container\" with no SELinux restriction at all.",
  details: `PodSecurity **baseline** restricts \`seLinuxOptions\` at pod level and on every container:

- \`type\` must be unset, empty, or one of \`container_t\`, \`container_init_t\`, \`container_kvm_t\`, \`container_engine_t\` (1.31+).
- \`user\` and \`role\` must be unset or empty.
- \`level\` (the MCS categories such as \`s0:c123,c456\`) is allowed: setting it is how you keep pods apart.

Only SELinux-enforcing nodes (RHEL, Fedora CoreOS, OpenShift) act on these fields; elsewhere they are ignored, which is no reason to keep a risky value in the manifest.`,
  fix: {
    text: 'Remove seLinuxOptions.type/user/role (keep level if you set MCS categories), or use one of the container_* types.',
    yaml: `spec:
  template:
    spec:
      securityContext:
        seLinuxOptions:
          level: "s0:c123,c456"   # type, user and role unset`,
    place: { at: 'pod-spec', snippet: 'securityContext:\n  seLinuxOptions:\n    level: "s0:c123,c456"   # keep only level (MCS categories); type, user and role unset' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    const at = (base: FieldPath, field: string): FieldPath => [...base, field];
    const pod = problems(getObject(podSC(w), ['seLinuxOptions']));
    if (pod.length) {
      out.push({
        message: `pod securityContext ${describe(pod)} applies to every container that does not override it ${REF}`,
        path: at(podSCPath(w, 'seLinuxOptions'), pod[0].field),
      });
    }
    for (const c of pssContainers(w)) {
      const bad = problems(getObject(containerSC(c), ['seLinuxOptions']));
      if (!bad.length) continue;
      out.push({
        message: `${who(c)}: ${describe(bad)} leaves the confined container SELinux domain (allowed types: container_t, container_init_t, container_kvm_t, container_engine_t; user and role unset) ${REF}`,
        path: at(containerSCPath(c, 'seLinuxOptions'), bad[0].field),
        container: c.name,
      });
    }
    return out;
  },
});
