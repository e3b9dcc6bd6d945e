/**
 * Shared helpers for the security checks: reading pod- and container-level securityContext
 * with the Kubernetes override semantics, and the fixed vocabularies of the Pod Security
 * Standards (as the PodSecurity admission controller enforces them at policy version "latest").
 */
import type { ContainerRef, FieldPath, Json, JsonObject, Workload } from '../../model/types.js';
import type { FindingInput } from '../types.js';
import { get, getArray, getBool, getObject, getString, isObject } from '../../model/util.js';

/** The pod-level securityContext (PodSecurityContext), if it is an object. */
export function podSC(w: Workload): JsonObject | undefined {
  return getObject(w.podSpec, ['securityContext']);
}

/** Path of a pod-level securityContext field. */
export function podSCPath(w: Workload, ...rest: FieldPath): FieldPath {
  return [...w.podSpecPath, 'securityContext', ...rest];
}

/** The container-level securityContext, if it is an object. */
export function containerSC(c: ContainerRef): JsonObject | undefined {
  return getObject(c.spec, ['securityContext']);
}

/** Path of a container-level securityContext field. */
export function containerSCPath(c: ContainerRef, ...rest: FieldPath): FieldPath {
  return [...c.path, 'securityContext', ...rest];
}

/**
 * The containers the PodSecurity admission controller looks at: init containers (native
 * sidecars included) and regular containers. Ephemeral containers are not in the model: they are
 * added by `kubectl debug` at runtime, never in manifests.
 */
export function pssContainers(w: Workload): ContainerRef[] {
  return w.containers;
}

/**
 * securityContext.privileged: true. The runtime gives such a container every capability and no
 * seccomp filter whatever else its securityContext says, and the API rejects
 * allowPrivilegeEscalation: false on it: the checks of those settings say nothing about it until
 * it is no longer privileged (privileged-container reports it).
 */
export function isPrivileged(c: ContainerRef): boolean {
  return get(containerSC(c), ['privileged']) === true;
}

/** spec.os.name: windows. Several restricted controls exempt Windows pods (policy 1.25+). */
export function isWindowsPod(w: Workload): boolean {
  return getString(w.podSpec, ['os', 'name']) === 'windows';
}

const OS_LABELS = ['kubernetes.io/os', 'beta.kubernetes.io/os'];

/**
 * A pod that the scheduler can only place on Windows nodes (nodeSelector `kubernetes.io/os:
 * windows`, or required node affinity whose every term asks for it) but that does not say
 * `spec.os.name: windows`. The Linux-only controls (seccomp, capabilities, no_new_privs, a read-only
 * root filesystem) do not exist where it runs, yet PodSecurity exempts a pod only by `spec.os.name`:
 * the one right fix is to set it. Returns what pins the pod to Windows, or null.
 */
export function windowsByScheduling(w: Workload): { text: string } | null {
  if (getString(w.podSpec, ['os', 'name']) !== undefined) return null;
  const sel = getObject(w.podSpec, ['nodeSelector']);
  for (const k of OS_LABELS) {
    if (sel?.[k] === 'windows') return { text: `nodeSelector ${k}: windows` };
  }
  // A nodeSelector that asks for another OS: the pod fits no node at all, it is not a Windows pod.
  if (OS_LABELS.some((k) => typeof sel?.[k] === 'string')) return null;
  const termsPath = ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
  const terms = getArray(w.podSpec, termsPath);
  if (terms.length === 0) return null;
  // Terms are ORed: every one must allow only Windows. Within a term, any expression may pin it.
  const pin = (t: Json): string | undefined =>
    getArray(t, ['matchExpressions'])
      .filter(
        (e) =>
          OS_LABELS.includes(getString(e, ['key']) ?? '') &&
          getString(e, ['operator']) === 'In' &&
          getArray(e, ['values']).length > 0 &&
          getArray(e, ['values']).every((v) => v === 'windows'),
      )
      .map((e) => getString(e, ['key'])!)[0];
  const keys = terms.map(pin);
  if (keys.some((k) => k === undefined)) return null;
  return { text: `required node affinity ${keys[0]} In [windows]` };
}

/**
 * One finding in place of a restricted control's per-container ones, for a pod pinned to Windows
 * without `spec.os.name: windows` (see windowsByScheduling): the per-container fix would be
 * meaningless there.
 */
export function windowsInstead(w: Workload, out: FindingInput[], missing: string, ref: string): FindingInput[] {
  const win = out.length ? windowsByScheduling(w) : null;
  if (!win) return out;
  const names = [...new Set(out.map((f) => f.container).filter((c): c is string => c !== undefined))];
  return [
    {
      message: `the pod runs only on Windows nodes (${win.text}), where ${missing}, but it does not set spec.os.name: windows, so PodSecurity restricted still requires it${names.length ? ` of ${names.map((n) => `"${n}"`).join(', ')}` : ''}; set spec.os.name: windows (the policy then exempts the pod, and the API server rejects Linux-only fields on it) ${ref}`,
      path: [...w.podSpecPath, 'os', 'name'],
    },
  ];
}

/** spec.hostUsers: false (user namespaces). Policy 1.35+ relaxes runAsNonRoot, runAsUser and baseline procMount for these pods. */
export function usesUserNamespace(w: Workload): boolean {
  return getBool(w.podSpec, ['hostUsers']) === false;
}

export interface Resolved<T> {
  /** The effective value (container first, then pod), undefined when neither sets it. */
  value: T | undefined;
  /** Which level the value comes from. */
  from: 'container' | 'pod' | 'unset';
  /** Where the value is written, or where it belongs on the container when unset. */
  path: FieldPath;
}

/**
 * Resolve a field that exists on both PodSecurityContext and SecurityContext (runAsNonRoot,
 * runAsUser, seccompProfile, seLinuxOptions, appArmorProfile, windowsOptions...): the container
 * value wins when it is set, otherwise the pod value applies.
 */
export function resolveSC<T>(w: Workload, c: ContainerRef, field: FieldPath, read: (v: Json | undefined) => T | undefined): Resolved<T> {
  const cv = read(get(containerSC(c), field));
  if (cv !== undefined) return { value: cv, from: 'container', path: containerSCPath(c, ...field) };
  const pv = read(get(podSC(w), field));
  if (pv !== undefined) return { value: pv, from: 'pod', path: podSCPath(w, ...field) };
  return { value: undefined, from: 'unset', path: containerSCPath(c, ...field) };
}

export const asBool = (v: Json | undefined): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
export const asString = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export const asNumber = (v: Json | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `container "app"`, `init container "setup"` or `sidecar container "proxy"`: how messages name a container. */
export { containerLabel as who } from '../../model/workload.js';

/** The suffix that ties a finding to its Pod Security Standards control. */
export function pssRef(level: 'baseline' | 'restricted', control: string): string {
  return `(PSS ${level}: ${control})`;
}

/** Quote a value for a message (JSON-style, so odd characters stay visible). */
export function q(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** Strings of a list, each with its index in the original list (non-strings are skipped). */
export function stringsWithIndex(list: Json[]): { value: string; index: number }[] {
  const out: { value: string; index: number }[] = [];
  list.forEach((v, index) => {
    if (typeof v === 'string') out.push({ value: v, index });
  });
  return out;
}

/** Volumes of the pod spec that are objects, with their index and name. */
export function podVolumes(w: Workload): { volume: JsonObject; index: number; name: string }[] {
  const out: { volume: JsonObject; index: number; name: string }[] = [];
  getArray(w.podSpec, ['volumes']).forEach((v, index) => {
    if (!isObject(v)) return;
    out.push({ volume: v, index, name: typeof v.name === 'string' ? v.name : `#${index}` });
  });
  return out;
}

/** Names of the containers that mount a volume (volumeMounts[].name). */
export function mountedBy(w: Workload, volumeName: string): string[] {
  const out: string[] = [];
  for (const c of w.containers) {
    if (getArray(c.spec, ['volumeMounts']).some((m) => isObject(m) && m.name === volumeName)) out.push(c.name);
  }
  return out;
}

/** `a, b and c` */
export function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Capabilities a baseline pod may add (check_capabilities_baseline.go, unchanged since policy 1.0). */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** Seccomp profile types that pass (baseline: anything else is forbidden; restricted: one of these is required). */
export const VALID_SECCOMP = new Set(['RuntimeDefault', 'Localhost']);

/** AppArmor profile types (securityContext.appArmorProfile.type) that pass. */
export const VALID_APPARMOR_TYPES = new Set(['RuntimeDefault', 'Localhost']);

/** The deprecated per-container AppArmor annotation prefix, still checked by PodSecurity. */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** SELinux types allowed by baseline (policy 1.31+). */
export const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** Namespaced sysctls PodSecurity baseline treats as safe (policy 1.37; names are compared literally). */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

/** Volume sources allowed by restricted (check_restrictedVolumes.go; `image` since 1.33). */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/** Volume sources restricted forbids (hostPath is reported by the baseline host-path-volume check). */
export const FORBIDDEN_VOLUME_TYPES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs',
  'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];
