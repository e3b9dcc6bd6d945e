import { defineCheck, type FindingInput } from '../types.js';
import { getString } from '../../model/util.js';
import { placeFix } from '../../model/fix-yaml.js';
import { VALID_SECCOMP, containerSC, containerSCPath, podSC, podSCPath, pssContainers, pssRef, q, who } from './pss-util.js';

const REF = pssRef('baseline', 'Seccomp');

const POD_SNIPPET = `securityContext:
  seccompProfile:
    type: RuntimeDefault   # or Localhost with a tailored profile`;
const CONTAINER_SNIPPET = `securityContext:
  seccompProfile:
    type: RuntimeDefault   # the container's own setting: the pod-level one does not override it`;

export default defineCheck({
  id: 'seccomp-unconfined',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'Seccomp explicitly disabled',
  whatBreaks:
    'seccompProfile Unconfined lets the container make every system call, including the rarely used ones (keyctl, bpf, userfaultfd, unshare...) behind most kernel privilege-escalation exploits. A kernel bug then becomes a node takeover.',
  details: `PodSecurity **baseline** forbids \`seccompProfile.type\` values other than \`RuntimeDefault\` and \`Localhost\` (i.e. \`Unconfined\`), at pod level and on every container. The pod-level field is checked on its own, even when every container overrides it.

Leaving the field unset passes baseline (the runtime then applies no seccomp profile unless the kubelet runs with \`--seccomp-default\`); **restricted** requires it to be set, see **seccomp-profile-missing**.`,
  fix: {
    text: 'Replace Unconfined with RuntimeDefault (or Localhost with a tailored profile) wherever it is set: in the pod securityContext, and in each container\'s own securityContext, which the pod-level setting does not override.',
    yaml: `spec:
  template:
    spec:
      securityContext:
        seccompProfile:
          type: RuntimeDefault   # the pod's default
      containers:
        - name: app
          securityContext:
            seccompProfile:
              type: RuntimeDefault   # a container's own Unconfined wins over the pod's setting: change it too`,
    // Pod-level and container findings go in different places: each finding's snippet is placed by
    // the check (placeFix) and given whole.
    place: { at: 'object', snippet: `spec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault` },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    const podType = getString(podSC(w), ['seccompProfile', 'type']);
    if (podType !== undefined && !VALID_SECCOMP.has(podType)) {
      out.push({
        message: `pod securityContext.seccompProfile.type: ${q(podType)} turns seccomp off for every container that does not override it ${REF}`,
        path: podSCPath(w, 'seccompProfile', 'type'),
        fixSnippet: placeFix(w, 'pod-spec', POD_SNIPPET) ?? undefined,
      });
    }
    for (const c of pssContainers(w)) {
      const t = getString(containerSC(c), ['seccompProfile', 'type']);
      if (t === undefined || VALID_SECCOMP.has(t)) continue;
      out.push({
        message: `${who(c)}: seccompProfile.type: ${q(t)} lets it make every system call ${REF}`,
        path: containerSCPath(c, 'seccompProfile', 'type'),
        container: c.name,
        fixSnippet: placeFix(w, 'container', CONTAINER_SNIPPET, c.name) ?? undefined,
      });
    }
    return out;
  },
});
