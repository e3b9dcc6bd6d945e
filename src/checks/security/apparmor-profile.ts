import { defineCheck, type FindingInput } from '../types.js';
import { formatPath, getObject, getString } from '../../model/util.js';
import type { Workload } from '../../model/types.js';
import { APPARMOR_ANNOTATION_PREFIX, VALID_APPARMOR_TYPES, containerSC, containerSCPath, podSC, podSCPath, pssContainers, pssRef, q, who } from './pss-util.js';

const REF = pssRef('baseline', 'AppArmor');

const MISMATCH = 'the API server rejects an annotation and a field that disagree ("apparmor type in annotation and field must match")';

/** The deprecated annotations that a RuntimeDefault field on these containers would contradict (so the API server would reject it). */
function conflicting(w: Workload, containers: string[]): string[] {
  return containers
    .map((name) => APPARMOR_ANNOTATION_PREFIX + name)
    .filter((key) => w.podAnnotations[key] !== undefined && w.podAnnotations[key] !== 'runtime/default');
}

/** The fix of a field finding: remove it or set RuntimeDefault, the latter after the annotations that contradict it. */
function fieldFix(what: string, w: Workload, containers: string[]): string {
  const keys = conflicting(w, containers);
  const after = keys.length
    ? `; before setting RuntimeDefault, delete the annotation${keys.length === 1 ? '' : 's'} ${keys.join(', ')} from ${formatPath([...w.podMetaPath, 'annotations'])}: ${MISMATCH}`
    : '';
  return `Remove ${what}, or set its type to RuntimeDefault${after}.`;
}

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
- The deprecated annotation \`container.apparmor.security.beta.kubernetes.io/<container>\` on the pod template: \`runtime/default\`, \`localhost/<profile>\`, or empty. \`unconfined\` (or anything else) is forbidden. PodSecurity still checks this annotation. A value that is no profile name at all (\`docker-default\`, \`Unconfined\` as the field spells it) is refused by the API server itself ("invalid AppArmor profile name"), and the message says so.

Leaving AppArmor unset is fine: the runtime applies its default profile on nodes that support AppArmor. Exempt only workloads that provably need an unconfined profile (some debugging and node tools).`,
  fix: {
    text: "Remove the Unconfined profile: delete the container.apparmor.security.beta.kubernetes.io/<container> annotation from the pod template, and remove an Unconfined appArmorProfile or set its type to RuntimeDefault (left unset, the runtime's default profile applies). Set the field only once the annotation is gone: the API server rejects an annotation and a field that disagree (\"apparmor type in annotation and field must match\").",
    yaml: `# 1. Delete the deprecated annotation from the pod template's metadata.annotations
#    (spec.template.metadata.annotations of a Deployment, metadata.annotations of a Pod):
#      container.apparmor.security.beta.kubernetes.io/<container>: unconfined
# 2. Optionally set the field (unset, the runtime's default profile applies too):
spec:
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
      // ValidateAppArmorProfileFormat: anything but runtime/default, unconfined and localhost/... is not a
      // profile name at all, and the object is refused (the error path drops the template's "metadata").
      const annotations = w.podMetaPath.length > 1 ? [...w.podMetaPath.slice(0, -1), 'annotations'] : ['metadata', 'annotations'];
      const invalid = value !== 'unconfined';
      out.push({
        message: invalid
          ? `annotation ${key}: ${q(value)} is not an AppArmor profile name (runtime/default, unconfined or localhost/<profile>): the API server rejects the ${w.resource.kind} (${formatPath(annotations)}[${key}]: Invalid value: ${q(value)}: invalid AppArmor profile name: ${q(value)}), and PodSecurity baseline allows only runtime/default or localhost/<profile> ${REF}`
          : `annotation ${key}: ${q(value)} runs container "${container}" without the runtime's default AppArmor profile (allowed: runtime/default, localhost/<profile>) ${REF}`,
        path: [...w.podMetaPath, 'annotations', key],
        container: container || undefined,
        fix: `Delete the annotation ${key} from ${formatPath([...w.podMetaPath, 'annotations'])}: ${container ? `container "${container}"` : 'the container'} then gets the runtime's default AppArmor profile. Setting securityContext.appArmorProfile.type: RuntimeDefault as well is optional, and works only once the annotation is gone: ${MISMATCH}.`,
      });
    }
    const podType = getString(podSC(w), ['appArmorProfile', 'type']);
    if (podType !== undefined && !VALID_APPARMOR_TYPES.has(podType)) {
      out.push({
        message: `pod securityContext.appArmorProfile.type: ${q(podType)} disables AppArmor confinement for every container that does not override it ${REF}`,
        path: podSCPath(w, 'appArmorProfile', 'type'),
        fix: fieldFix(
          `appArmorProfile from the pod securityContext (${formatPath(podSCPath(w))})`,
          w,
          pssContainers(w)
            .filter((c) => getObject(containerSC(c), ['appArmorProfile']) === undefined)
            .map((c) => c.name),
        ),
      });
    }
    for (const c of pssContainers(w)) {
      const t = getString(containerSC(c), ['appArmorProfile', 'type']);
      if (t === undefined || VALID_APPARMOR_TYPES.has(t)) continue;
      out.push({
        message: `${who(c)}: appArmorProfile.type: ${q(t)} disables AppArmor confinement ${REF}`,
        path: containerSCPath(c, 'appArmorProfile', 'type'),
        container: c.name,
        fix: fieldFix(`appArmorProfile from the securityContext of ${who(c)} (${formatPath(containerSCPath(c))})`, w, [c.name]),
      });
    }
    return out;
  },
});
