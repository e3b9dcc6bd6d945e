import { defineCheck, type FindingInput } from '../types.js';
import { getBool, getNumber } from '../../model/util.js';
import { containerSC, containerSCPath, isWindowsPod, podSC, podSCPath, pssContainers, pssRef, usesUserNamespace, who, windowsByScheduling } from './pss-util.js';

const REF = pssRef('restricted', 'Running as Non-root');
const REF_USER = pssRef('restricted', 'Running as Non-root user');

export default defineCheck({
  id: 'run-as-non-root',
  pillar: 'security',
  severity: 'error',
  pss: 'restricted',
  title: 'Container may run as root',
  whatBreaks:
    "A process running as UID 0 is root inside the container and, without a user namespace, the same root as on the node: a container escape or a writable hostPath/volume turns into root on the node, and inside the container it can rewrite the image's own binaries. Most images run as root unless told otherwise.",
  details: `PodSecurity **restricted** has two controls, reported together here:

- **Running as Non-root**: \`runAsNonRoot\` must be \`true\` on every container, or unset on the container while the pod-level \`spec.securityContext.runAsNonRoot\` is \`true\`. A container-level value overrides the pod-level one; an explicit \`false\` at pod level is rejected even if every container overrides it.
- **Running as Non-root user**: \`runAsUser\` must not be \`0\`, at pod level or on any container.

With \`runAsNonRoot: true\` the kubelet checks the effective user before starting the container and refuses (\`CreateContainerConfigError\`) when it would be root, so a later image change cannot silently bring root back. If the image declares a non-numeric \`USER\`, also set a numeric \`runAsUser\` so the kubelet can verify it.

Since policy 1.35, pods with \`spec.hostUsers: false\` (a user namespace) are exempt: root in the container is then an unprivileged UID on the node. This check follows that.

On Windows (\`spec.os.name: windows\`, or a pod pinned to Windows nodes) the user is a name: set \`runAsNonRoot: true\` with \`windowsOptions.runAsUserName: ContainerUser\`; \`runAsUser\` is Linux-only.

A container that sets a non-zero \`runAsUser\` but not \`runAsNonRoot\` does not run as root; it is reported as a warning because restricted still rejects it.`,
  fix: {
    text: 'Set runAsNonRoot: true (and a non-zero runAsUser if the image has no numeric USER) in the pod-level securityContext, and remove runAsUser: 0 / runAsNonRoot: false overrides. Make the image work as a non-root user (file ownership, ports above 1024).',
    yaml: `spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001`,
    place: { at: 'pod-spec', snippet: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001    # a non-zero UID the image works as\n  runAsGroup: 10001' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (usesUserNamespace(w)) return [];
    const out: FindingInput[] = [];
    const psc = podSC(w);
    const podNonRoot = getBool(psc, ['runAsNonRoot']);
    const podUser = getNumber(psc, ['runAsUser']);
    const containers = pssContainers(w);
    // runAsUser does not exist on Windows: the non-root user there is a name.
    const windows = isWindowsPod(w) || windowsByScheduling(w) !== null;

    if (podUser === 0) {
      const inheriting = containers.filter((c) => getNumber(containerSC(c), ['runAsUser']) === undefined);
      // UID 0 with runAsNonRoot: true in effect: the kubelet refuses to start the container (it never runs as root).
      const refused = inheriting.filter((c) => (getBool(containerSC(c), ['runAsNonRoot']) ?? podNonRoot) === true);
      const root = inheriting.filter((c) => !refused.includes(c));
      const names = (l: typeof containers) => (l.length === containers.length ? 'every container' : l.map((c) => `"${c.name}"`).join(', '));
      const parts: string[] = [];
      if (root.length) parts.push(`runs ${names(root)} as root`);
      if (refused.length) parts.push(`contradicts runAsNonRoot: true on ${names(refused)}, so the kubelet refuses to start ${refused.length === 1 ? 'it' : 'them'} (CreateContainerConfigError)`);
      out.push({
        message: parts.length
          ? `pod securityContext.runAsUser: 0 ${parts.join(', and ')} ${REF_USER}`
          : `pod securityContext.runAsUser: 0 is rejected by restricted even though every container overrides it ${REF_USER}`,
        path: podSCPath(w, 'runAsUser'),
      });
    }
    if (podNonRoot === false) {
      const inheriting = containers.filter((c) => getBool(containerSC(c), ['runAsNonRoot']) === undefined);
      out.push({
        message: inheriting.length
          ? `pod securityContext.runAsNonRoot: false lets ${inheriting.length === containers.length ? 'every container' : inheriting.map((c) => `"${c.name}"`).join(', ')} run as root ${REF}`
          : `pod securityContext.runAsNonRoot: false is rejected by restricted even though every container overrides it ${REF}`,
        path: podSCPath(w, 'runAsNonRoot'),
      });
    }

    for (const c of containers) {
      const sc = containerSC(c);
      const nonRoot = getBool(sc, ['runAsNonRoot']);
      const user = getNumber(sc, ['runAsUser']);
      const effNonRoot = nonRoot ?? podNonRoot;
      if (user === 0) {
        out.push({
          message:
            effNonRoot === true
              ? `${who(c)}: runAsUser: 0 contradicts runAsNonRoot: true, so the kubelet refuses to start it (CreateContainerConfigError) ${REF_USER}`
              : `${who(c)}: runAsUser: 0 runs it as root ${REF_USER}`,
          path: containerSCPath(c, 'runAsUser'),
          container: c.name,
        });
        continue;
      }
      if (nonRoot === false) {
        out.push({
          message: `${who(c)}: runAsNonRoot: false lets it run as root ${REF}`,
          path: containerSCPath(c, 'runAsNonRoot'),
          container: c.name,
        });
        continue;
      }
      if (effNonRoot !== undefined) continue; // true, or false inherited from the pod (reported above)
      if (user === undefined && podUser === 0) continue; // root inherited from the pod (reported above)
      const effUser = user ?? podUser;
      if (effUser !== undefined) {
        out.push({
          message: `${who(c)}: runs as UID ${effUser} but runAsNonRoot is not set on the container or the pod; set runAsNonRoot: true so the kubelet enforces it ${REF}`,
          path: containerSCPath(c, 'runAsNonRoot'),
          container: c.name,
          severity: 'warning',
        });
        continue;
      }
      out.push({
        message: windows
          ? `${who(c)}: runAsNonRoot is not set on the container or the pod, so it runs as the image's user, ContainerAdministrator in most Windows images; set runAsNonRoot: true with windowsOptions.runAsUserName: ContainerUser (runAsUser is Linux-only) ${REF}`
          : `${who(c)}: runAsNonRoot is not set on the container or the pod, so it runs as the image's user, root unless the image sets a non-root USER ${REF}`,
        path: containerSCPath(c, 'runAsNonRoot'),
        container: c.name,
      });
    }
    return out;
  },
});
