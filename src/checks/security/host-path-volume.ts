import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef, Workload } from '../../model/types.js';
import { get, getArray, getString, isObject } from '../../model/util.js';
import { asBool, asNumber, containerSC, isPrivileged, listText, mountedBy, podSC, podVolumes, pssRef, q, resolveSC } from './pss-util.js';

/** Host paths whose mount hands over the node outright (container runtime sockets, the root, kubelet state). */
const NODE_TAKEOVER = [/^\/$/, /\.sock$/, /^\/var\/run\/docker/, /^\/run\/containerd/, /^\/var\/run\/containerd/, /^\/var\/run\/crio/, /^\/run\/crio/, /^\/var\/lib\/kubelet/, /^\/etc\/kubernetes/, /^\/proc/, /^\/etc\/?$/, /^\/(var\/)?run\/?$/];

/** Runtime sockets and their directories: a read-only mount does not stop connect(), so readOnly changes nothing there. */
const RUNTIME_SOCKET = [/\.sock$/, /^\/var\/run\/docker/, /^\/run\/containerd/, /^\/var\/run\/containerd/, /^\/var\/run\/crio/, /^\/run\/crio/];

/**
 * Host paths whose files the node executes or loads as root (CNI plugin binaries the kubelet's runtime
 * runs, system binaries, kernel modules, the boot partition): write access is a node takeover.
 */
const NODE_EXECUTES = [/^\/opt\/cni\/bin\/?$/, /^\/home\/kubernetes\/bin\/?$/, /^\/usr(\/|$)/, /^\/s?bin\/?$/, /^\/lib\/modules(\/|$)/, /^\/boot(\/|$)/];

/** Whether a container mounts the volume writable (some mount without readOnly: true) and may run as root. */
function writesAsRoot(w: Workload, c: ContainerRef, volumeName: string): boolean {
  const mounts = getArray(c.spec, ['volumeMounts']).filter((m) => isObject(m) && m.name === volumeName);
  if (mounts.length === 0 || mounts.every((m) => get(m, ['readOnly']) === true)) return false;
  if (isPrivileged(c)) return true;
  const uid = resolveSC(w, c, ['runAsUser'], asNumber).value;
  const nonRoot = uid !== undefined ? uid > 0 : resolveSC(w, c, ['runAsNonRoot'], asBool).value === true;
  return !nonRoot;
}

/** Capabilities that would let even a non-root process read past file permissions or remount. */
const READ_PAST_PERMISSIONS = new Set(['DAC_READ_SEARCH', 'DAC_OVERRIDE', 'SYS_ADMIN']);

/**
 * Whether a container can only read what any unprivileged user of the node may: every mount of the
 * volume read-only, a non-root user (runAsUser > 0, or runAsNonRoot, which the kubelet enforces) and
 * a non-root group (runAsGroup > 0, no group 0 among supplementalGroups/fsGroup: the kubelet's
 * directories are root:root 0750), allowPrivilegeEscalation: false (so the node's setuid binaries,
 * reachable through the mount, grant nothing), and no capability that bypasses file permissions.
 */
function readsAsUnprivilegedUser(w: Workload, c: ContainerRef, volumeName: string): boolean {
  const mounts = getArray(c.spec, ['volumeMounts']).filter((m) => isObject(m) && m.name === volumeName);
  if (mounts.length === 0 || !mounts.every((m) => get(m, ['readOnly']) === true)) return false;
  if (isPrivileged(c)) return false;
  const uid = resolveSC(w, c, ['runAsUser'], asNumber).value;
  const nonRoot = uid !== undefined ? uid > 0 : resolveSC(w, c, ['runAsNonRoot'], asBool).value === true;
  if (!nonRoot) return false;
  const gid = resolveSC(w, c, ['runAsGroup'], asNumber).value;
  if (gid === undefined || gid <= 0) return false;
  const pod = podSC(w);
  if (getArray(pod, ['supplementalGroups']).some((g) => g === 0) || get(pod, ['fsGroup']) === 0) return false;
  if (get(containerSC(c), ['allowPrivilegeEscalation']) !== false) return false;
  const added = getArray(containerSC(c), ['capabilities', 'add']).map((x) => (typeof x === 'string' ? x.toUpperCase().replace(/^CAP_/, '') : ''));
  return !added.some((x) => x === 'ALL' || READ_PAST_PERMISSIONS.has(x));
}

export default defineCheck({
  id: 'host-path-volume',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'hostPath volume',
  whatBreaks:
    "A compromised container can take over its node: a hostPath volume mounts a directory of the node into the pod, and depending on the path it reads other pods' secrets and the kubelet's credentials, writes files the node executes, or drives the container runtime socket and starts privileged containers.",
  details: `PodSecurity **baseline** forbids \`spec.volumes[*].hostPath\` entirely, even read-only mounts: \`readOnly\` mounts of a directory still expose everything below it (kubelet credentials under \`/var/lib/kubelet\`, other pods' projected secrets), and symlink tricks have repeatedly escaped read-only hostPath mounts.

The message adds that the path alone is enough to take over the node for \`/\`, \`/proc\`, \`/etc\`, \`/run\`, \`/var/lib/kubelet\`, \`/etc/kubernetes\` and container runtime sockets, except when every container mounting it does so \`readOnly: true\` as a non-root user (\`runAsUser\` > 0 or \`runAsNonRoot\`) and non-root group (\`runAsGroup\` > 0, no group 0 in \`supplementalGroups\`/\`fsGroup\`), with \`allowPrivilegeEscalation: false\` and no added \`DAC_READ_SEARCH\`, \`DAC_OVERRIDE\` or \`SYS_ADMIN\` (node-exporter's read-only \`/\`): such a container reads the node's files that its user and group may read (world-readable configuration, and through the host's \`/proc\` the files of node processes running as the same user), but not root-only ones: the kubelet creates \`/var/lib/kubelet\` and its \`pods\` directory root-owned with mode 0750, so its credentials and the volumes of pods running as other users stay out of reach. The finding stays: it is still a baseline violation and still exposes the node's world-readable files. A runtime socket keeps the takeover wording whatever the mount says: \`readOnly\` does not stop connecting to a socket. Directories whose files the node runs or loads as root (\`/opt/cni/bin\`, \`/home/kubernetes/bin\`, \`/usr\`, \`/bin\`, \`/sbin\`, \`/lib/modules\`, \`/boot\`) get the takeover wording when a container mounts them writable and may run as root (privileged, or neither \`runAsUser\` > 0 nor \`runAsNonRoot\`).

A hostPath volume that no container mounts is a **warning**: the kubelet does not set it up (nothing of the node reaches the pod), but PodSecurity reads \`spec.volumes\`, so a baseline namespace still rejects the pod; the fix is to delete the volume.

hostPath data is also tied to one node: the pod loses it when it is rescheduled elsewhere.

Use \`emptyDir\` for scratch space, a PersistentVolumeClaim for data, \`configMap\`/\`secret\`/\`projected\` for configuration. Node agents that must read the host (log shippers, node exporters, CSI node plugins) are the legitimate exception: run them in a privileged namespace and exempt them here with a reason.`,
  fix: {
    text: 'Replace the hostPath volume with emptyDir (scratch), a PersistentVolumeClaim (data) or a configMap/secret (configuration).',
    yaml: `volumes:
  - name: cache
    emptyDir:
      sizeLimit: 1Gi
  - name: data
    persistentVolumeClaim:
      claimName: data`,
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    for (const { volume, index, name } of podVolumes(w)) {
      if (!isObject(volume.hostPath)) continue;
      const hostPath = getString(volume, ['hostPath', 'path']);
      const users = mountedBy(w, name);
      const path = [...w.podSpecPath, 'volumes', index, 'hostPath'];
      if (users.length === 0) {
        // The kubelet sets up only volumes a container mounts (desired_state_of_world_populator
        // processPodVolumes skips the rest): nothing of the node reaches the pod, but the PodSecurity
        // check reads spec.volumes, so a baseline namespace still rejects it.
        out.push({
          message: `volume "${name}": hostPath ${hostPath !== undefined ? q(hostPath) : '(no path)'} is declared but no container mounts it: the kubelet does not set it up, so nothing of the node reaches the pod, but PodSecurity baseline still rejects the pod; delete the volume ${pssRef('baseline', 'HostPath Volumes')}`,
          path,
          severity: 'warning',
        });
        continue;
      }
      const mounted = `, mounted by ${listText(users.map((u) => `"${u}"`))}`;
      let danger = '';
      if (hostPath !== undefined && NODE_TAKEOVER.some((re) => re.test(hostPath))) {
        const readOnly = !RUNTIME_SOCKET.some((re) => re.test(hostPath)) && w.containers.filter((c) => users.includes(c.name)).every((c) => readsAsUnprivilegedUser(w, c, name));
        danger = readOnly
          ? ': mounted read-only by a non-root user and group that cannot escalate privileges, so it is not a node takeover by itself, but it reads every file of the node that this user and group may read'
          : ': this path alone is enough to take over the node';
      } else if (hostPath !== undefined && NODE_EXECUTES.some((re) => re.test(hostPath))) {
        const writers = w.containers.filter((c) => users.includes(c.name) && writesAsRoot(w, c, name));
        if (writers.length) danger = `: the node runs what is in it as root (binaries or kernel modules) and ${listText(writers.map((c) => `"${c.name}"`))} can write to it as root, so it is enough to take over the node`;
      }
      out.push({
        message: `volume "${name}": hostPath ${hostPath !== undefined ? q(hostPath) : '(no path)'} mounts the node's filesystem into the pod${mounted}${danger} ${pssRef('baseline', 'HostPath Volumes')}`,
        path,
      });
    }
    return out;
  },
});
