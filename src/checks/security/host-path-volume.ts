import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef, Resource, Workload } from '../../model/types.js';
import type { ResourceIndex } from '../../model/index.js';
import { flowYaml, yamlScalar } from '../../model/fix-yaml.js';
import { formatPath, get, getArray, getString, isObject } from '../../model/util.js';
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

/**
 * Host paths that are the node itself rather than a place for the pod's data: its root and system
 * directories, devices, sockets, logs, kernel interfaces, the runtime's and kubelet's state, CNI and
 * GPU driver directories. An emptyDir or a PersistentVolumeClaim in their place is empty, so it is no
 * fix for a pod that reads them. (/tmp is not among them: scratch space, which an emptyDir replaces.)
 */
const NODE_OWN_PATHS = ['/dev', '/sys', '/proc', '/run', '/var/run', '/etc', '/usr', '/lib', '/lib64', '/bin', '/sbin', '/boot', '/var/log', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/opt/cni', '/var/lib/cni', '/etc/cni', '/home/kubernetes/bin'];
const NODE_ROOTS = new Set(['/', '/var', '/var/lib']);
const NODE_TYPES = new Set(['Socket', 'CharDevice', 'BlockDevice']);

function isNodeOwn(path: string | undefined, type: string | undefined): boolean {
  if (type !== undefined && NODE_TYPES.has(type)) return true;
  if (path === undefined) return false;
  const norm = path.replace(/\/+$/, '') || '/';
  if (norm.endsWith('.sock') || NODE_ROOTS.has(norm)) return true;
  return NODE_OWN_PATHS.some((n) => norm === n || norm.startsWith(`${n}/`));
}

/**
 * A kubeready exemption for this check (or another) on exactly this object, as one line of
 * `.kubeready.yaml`: the object's kind and name, and its namespace when the manifest (or -n) says
 * which one. Matched as ExemptionRule in engine/config (names and namespaces are globs; Kubernetes
 * names hold no glob characters).
 */
export function exemptionLine(index: ResourceIndex, r: Resource, check: string, reason: string): string {
  const item: Record<string, unknown> = { checks: [check], kinds: [r.kind] };
  if (index.kubectlNamespace(r)) item.namespaces = [index.namespaceOf(r)];
  item.names = [r.name];
  item.reason = reason;
  return `exemptions: ${flowYaml([item])}`;
}

/**
 * Where a node agent's pods go: a namespace whose PodSecurity enforce level is privileged (the
 * kubeready exemption does not exempt anything from PodSecurity admission), with the command that
 * labels it when the namespace is known.
 */
export function privilegedNamespaceText(index: ResourceIndex, r: Resource, what = 'node agents'): string {
  if (!index.kubectlNamespace(r)) {
    return 'run it in a namespace of its own (the manifest sets no metadata.namespace) labelled pod-security.kubernetes.io/enforce: privileged, which PodSecurity admission requires for it';
  }
  const ns = index.namespaceOf(r);
  return `run it in a namespace that holds only ${what}, labelled pod-security.kubernetes.io/enforce: privileged, which PodSecurity admission requires for it (kubectl label namespace ${ns} pod-security.kubernetes.io/enforce=privileged --overwrite, if "${ns}" is such a namespace; otherwise move it to one)`;
}

interface HostVolume {
  /** Index in the pod spec's volumes. */
  index: number;
  name: string;
  /** The volume has a name of its own (not `#index`): a snippet can name it. */
  named: boolean;
  hostPath: string | undefined;
  type: string | undefined;
  users: string[];
}

/** The fix of one mounted hostPath volume: a node agent's, or another workload's. */
function fixFor(w: Workload, index: ResourceIndex, v: HostVolume, all: HostVolume[]): { fix: string; fixSnippet?: string } {
  const r = w.resource;
  const path = v.hostPath !== undefined ? q(v.hostPath) : '(no path)';
  const agent = w.class === 'daemon';
  const nodeOwn = isNodeOwn(v.hostPath, v.type);
  if (!agent && !nodeOwn) {
    // Data or scratch space on whichever node the pod lands on: the pod's own volume instead.
    return {
      fix: `Replace hostPath ${path} of volume "${v.name}" with the pod's own storage: an emptyDir for scratch space (as in the YAML: it lives as long as the pod), a PersistentVolumeClaim for data that must outlive the pod (persistentVolumeClaim: {claimName: ...} in its place), or a configMap/secret for configuration; the mounts of ${listText(v.users.map((u) => `"${u}"`))} stay as they are.`,
      ...(v.named ? { fixSnippet: `volumes:\n- name: ${yamlScalar(v.name)}\n  hostPath: null   # removed\n  emptyDir: {}     # scratch space; data that must outlive the pod: a persistentVolumeClaim instead` } : {}),
    };
  }
  // The exemption covers every hostPath volume of the object: it names the node paths it is for, and
  // a workload that also has volumes with a real replacement is told to replace those first.
  const kept = all.filter((x) => agent || isNodeOwn(x.hostPath, x.type));
  const others = all.filter((x) => !kept.includes(x));
  const paths = [...new Set(kept.map((x) => x.hostPath).filter((p): p is string => p !== undefined))];
  const reason = `${agent ? 'node agent: ' : ''}needs the node's ${listText(paths)} (hostPath); runs in a namespace with pod-security.kubernetes.io/enforce: privileged`;
  const exempt =
    `record the exception in .kubeready.yaml (add the item to its exemptions list): ${exemptionLine(index, r, 'host-path-volume', reason)}` +
    (others.length ? ` (it covers every hostPath volume of the ${r.kind}: replace ${listText(others.map((x) => `"${x.name}"`))} first, as its finding says)` : '');
  const writable = v.hostPath !== undefined && RUNTIME_SOCKET.some((re) => re.test(v.hostPath!))
    ? []
    : w.containers.filter((c) => v.users.includes(c.name) && getArray(c.spec, ['volumeMounts']).some((m) => isObject(m) && m.name === v.name && get(m, ['readOnly']) !== true));
  const root = v.hostPath !== undefined && NODE_ROOTS.has(v.hostPath.replace(/\/+$/, '') || '/');
  const narrow =
    (root ? `mount only the directories of the node it reads instead of ${path}` : `mount the narrowest host path it needs`) +
    (writable.length ? `, read-only where it only reads (readOnly: true on the volumeMount of ${listText(writable.map((c) => `"${c.name}"`))})` : '');
  if (agent) {
    return {
      fix: `${r.kind} "${r.name}" is a node agent (one pod per node) that works on the node through hostPath ${path}: an emptyDir or PersistentVolumeClaim in its place would be empty, so keep the volume; ${privilegedNamespaceText(index, r)}; ${exempt}; and ${narrow}.`,
    };
  }
  return {
    fix: `hostPath ${path} of volume "${v.name}" is the node's own (system files, a device or a socket), which an emptyDir or PersistentVolumeClaim would not hold. If the pod only needs some files from it (certificates, configuration), put those in a configMap, a secret or the image and delete the volume; if it must use the node's own (a node agent, a device or driver directory), keep it: ${privilegedNamespaceText(index, r, 'workloads that use the node')}; ${exempt}; and ${narrow}.`,
  };
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

Use \`emptyDir\` for scratch space, a PersistentVolumeClaim for data, \`configMap\`/\`secret\`/\`projected\` for configuration. Node agents that must read the host (log shippers, node exporters, CSI node plugins) are the legitimate exception: run them in a privileged namespace and exempt them here with a reason.

Each finding's fix is for its workload. A DaemonSet is a node agent: an emptyDir or PersistentVolumeClaim in place of the node's directory would be empty, so the fix keeps the volume and says to run it in a namespace labelled \`pod-security.kubernetes.io/enforce: privileged\` (kubeready's exemptions do not exempt anything from PodSecurity admission), gives the \`.kubeready.yaml\` exemption for this check and the object (kind, namespace, name), and asks for the narrowest path, mounted \`readOnly: true\` by the containers that mount it writable where they only read (not for runtime sockets, where it changes nothing). Another workload whose hostPath is the node's own (\`/\`, \`/var\`, \`/var/lib\`, \`/proc\`, \`/sys\`, \`/dev\`, \`/etc\`, \`/run\`, system and kernel module directories, \`/var/log\`, the runtime's and kubelet's state, CNI and GPU driver directories, sockets and devices) gets the same, or the advice to ship the files it needs otherwise and delete the volume. Any other hostPath is replaced by an emptyDir of the same name (the YAML), or a PersistentVolumeClaim for data that must outlive the pod.`,
  fix: {
    text: 'Replace the hostPath volume with emptyDir (scratch), a PersistentVolumeClaim (data) or a configMap/secret (configuration). A node agent (a DaemonSet) that must read the node keeps it: run it in a namespace labelled pod-security.kubernetes.io/enforce: privileged, exempt it in .kubeready.yaml, and mount the narrowest path, read-only where it only reads.',
    yaml: `volumes:
  - name: cache
    emptyDir:
      sizeLimit: 1Gi
  - name: data
    persistentVolumeClaim:
      claimName: data`,
    // Per finding: the volume's own name replaced by an emptyDir; node agents and the node's own paths
    // get a text fix only (the privileged namespace and the exemption).
    place: { at: 'pod-spec', snippet: '' },
  },
  target: 'workload',
  run({ workload, index: resources }) {
    const w = workload!;
    const out: FindingInput[] = [];
    const mounted: HostVolume[] = podVolumes(w)
      .filter(({ volume }) => isObject(volume.hostPath))
      .map(({ volume, index, name }) => ({ index, name, named: typeof volume.name === 'string', hostPath: getString(volume, ['hostPath', 'path']), type: getString(volume, ['hostPath', 'type']), users: mountedBy(w, name) }))
      .filter((v) => v.users.length > 0);
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
          fix: `Delete volume "${name}" from ${formatPath([...w.podSpecPath, 'volumes'])}: no container mounts it, so the pod loses nothing, and PodSecurity baseline no longer rejects it for this volume.`,
        });
        continue;
      }
      const mountedText = `, mounted by ${listText(users.map((u) => `"${u}"`))}`;
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
        message: `volume "${name}": hostPath ${hostPath !== undefined ? q(hostPath) : '(no path)'} mounts the node's filesystem into the pod${mountedText}${danger} ${pssRef('baseline', 'HostPath Volumes')}`,
        path,
        ...fixFor(w, resources, mounted.find((v) => v.index === index)!, mounted),
      });
    }
    return out;
  },
});
