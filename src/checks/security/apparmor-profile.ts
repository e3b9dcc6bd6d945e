import { defineCheck, type FindingInput } from '../types.js';
import { getString } from '../../model/util.js';
import { APPARMOR_ANNOTATION_PREFIX, VALID_APPARMOR_TYPES, containerSC, containerSCPath, podSC, podSCPath, pssContainers, pssRef, q, who } from './pss-util.js';

const REF = pssRef('baseline', 'AppArmor');

export default defineCheck({
  id: 'apparmor-profile',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'AppArmor confinement disabled',
  whatBreaks:
    "With AppArmor set to Unconfined (or a non-standard profile) the container loses the runtime's default AppArmor policy, which blocks writes to /proc and /sys, mounts and raw kernel interfaces. On AppArmor nodes that policy is one of the layers that stops container escapes.",
  details: `PodSecurity **baseline** allows only the runtime default or a node-local profile:

- \`securityContext.appArmorProfile.type\` (pod level and each container, GA in 1.31): \`RuntimeDefault\` or \`Localhost\`, or unset. \`Unconfined\` is forbidden.
- The deprecated annotation \`container.apparmor.security.beta.kubernetes.io/<container>\` on the pod template: \`runtime/default\`, \`localhost/<profile>\`, or empty. \`unconfined\` (or anything else) is forbidden. PodSecurity still checks this annotation.

Leaving AppArmor unset is fine: the runtime applies its default profile on nodes that support AppArmor. Exempt only workloads that provably need an unconfined profile (some debugging and node tools).`,
  fix: {
    text: 'Remove the Unconfined profile (and the deprecated annotation), or set appArmorProfile.type to RuntimeDefault.',
    yaml: `spec:
  template:
    spec:
      securityContext:
        appArmorProfile:
          type: RuntimeDefault`,
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    for (const [key, value] of Object.entries(w.podAnnotations)) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
      if (value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
      const container = key.slice(APPARMOR_ANNOTATION_PREFIX.length);
      out.push({
        message: `annotation ${key}: ${q(value)} runs container "${container}" without the runtime's default AppArmor profile (allowed: runtime/default, localhost/<profile>) ${REF}`,
        path: [...w.podMetaPath, 'annotations', key],
        container: container || undefined,
      });
    }
    const podType = getString(podSC(w), ['appArmorProfile', 'type']);
    if (podType !== undefined && !VALID_APPARMOR_TYPES.has(podType)) {
      out.push({
        message: `pod securityContext.appArmorProfile.type: ${q(podType)} disables AppArmor confinement for every container that does not override it ${REF}`,
        path: podSCPath(w, 'appArmorProfile', 'type'),
      });
    }
    for (const c of pssContainers(w)) {
      const t = getString(containerSC(c), ['appArmorProfile', 'type']);
      if (t === undefined || VALID_APPARMOR_TYPES.has(t)) continue;
      out.push({
        message: `${who(c)}: appArmorProfile.type: ${q(t)} disables AppArmor confinement ${REF}`,
        path: containerSCPath(c, 'appArmorProfile', 'type'),
        container: c.name,
      });
    }
    return out;
  },
});
