import { defineCheck, type Check, type FindingInput, type RelatedInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { ContainerRef, FieldPath, Json, Workload } from '../../model/types.js';
import { dirOf, get, getArray, getNumber, getObject, getString, isObject, isTemplated, stringMap } from '../../model/util.js';
import { BASELINE_CAPABILITIES, isWindowsPod } from './pss-util.js';
// The pss-tagged checks, imported one by one (not through src/checks/index.ts: no import cycle).
import apparmorProfile from './apparmor-profile.js';
import capabilitiesAdded from './capabilities-added.js';
import capabilitiesNotDropped from './capabilities-not-dropped.js';
import hostNamespaces from './host-namespaces.js';
import hostPathVolume from './host-path-volume.js';
import hostPorts from './host-ports.js';
import hostProbes from './host-probes.js';
import hostProcess from './host-process.js';
import privilegeEscalation from './privilege-escalation.js';
import privilegedContainer from './privileged-container.js';
import procMount from './proc-mount.js';
import restrictedProcMount from './restricted-proc-mount.js';
import restrictedVolumeTypes from './restricted-volume-types.js';
import runAsNonRoot from './run-as-non-root.js';
import seccompProfileMissing from './seccomp-profile-missing.js';
import seccompUnconfined from './seccomp-unconfined.js';
import selinuxOptions from './selinux-options.js';
import unsafeSysctls from './unsafe-sysctls.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';

type Level = 'baseline' | 'restricted';

/** The checks that implement the Pod Security Standards controls (their `pss` tag is their level). */
const PSS_CHECKS: Check[] = [
  apparmorProfile, capabilitiesAdded, hostNamespaces, hostPathVolume, hostPorts, hostProbes, hostProcess, privilegedContainer, procMount,
  seccompUnconfined, selinuxOptions, unsafeSysctls,
  capabilitiesNotDropped, privilegeEscalation, restrictedProcMount, restrictedVolumeTypes, runAsNonRoot, seccompProfileMissing,
];

/**
 * PodSecurity's check IDs in the order its error lists them: baseline IDs sorted, then restricted IDs
 * sorted (k8s.io/pod-security-admission policy/registry.go, populate: orderedIDs).
 */
const ORDER = [
  ...['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess'].sort(),
  ...['allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted'].sort(),
];

interface Control {
  /** PodSecurity's check ID (orders the list). */
  id: string;
  /** Its ForbiddenReason, as the rejection prints it. */
  reason: string;
}

/**
 * The PodSecurity control a finding of a pss check falls under, at the enforced level. At restricted,
 * some baseline checks are replaced by their restricted counterpart (OverrideCheckIDs): capabilities,
 * hostPath (now a restricted volume type), procMount and seccomp.
 */
function controlOf(check: Check, level: Level, minor: number, f: FindingInput): Control {
  const r = level === 'restricted';
  // procMount_restricted replaces the baseline procMount check from policy v1.35 on.
  const procMountId = r && minor >= USERNS_MINOR ? 'procMount_restricted' : 'procMount';
  switch (check) {
    case apparmorProfile: return { id: 'appArmorProfile', reason: 'forbidden AppArmor profile' };
    case capabilitiesAdded: return r ? { id: 'capabilities_restricted', reason: 'unrestricted capabilities' } : { id: 'capabilities_baseline', reason: 'non-default capabilities' };
    case capabilitiesNotDropped: return { id: 'capabilities_restricted', reason: 'unrestricted capabilities' };
    case hostNamespaces: return { id: 'hostNamespaces', reason: 'host namespaces' };
    case hostPathVolume: return r ? { id: 'restrictedVolumes', reason: 'restricted volume types' } : { id: 'hostPathVolumes', reason: 'hostPath volumes' };
    case hostPorts: return { id: 'hostPorts', reason: 'hostPort' };
    case hostProbes: return { id: 'hostProbesAndHostLifecycle', reason: 'probe or lifecycle host' };
    case hostProcess: return { id: 'windowsHostProcess', reason: 'hostProcess' };
    case privilegeEscalation: return { id: 'allowPrivilegeEscalation', reason: 'allowPrivilegeEscalation != false' };
    case privilegedContainer: return { id: 'privileged', reason: 'privileged' };
    case procMount: return { id: procMountId, reason: 'procMount' };
    case restrictedProcMount: return { id: procMountId, reason: 'procMount' };
    case restrictedVolumeTypes: return { id: 'restrictedVolumes', reason: 'restricted volume types' };
    case runAsNonRoot:
      return f.path[f.path.length - 1] === 'runAsUser' ? { id: 'runAsUser', reason: 'runAsUser=0' } : { id: 'runAsNonRoot', reason: 'runAsNonRoot != true' };
    case seccompProfileMissing: return { id: 'seccompProfile_restricted', reason: 'seccompProfile' };
    case seccompUnconfined: return { id: r ? 'seccompProfile_restricted' : 'seccompProfile_baseline', reason: 'seccompProfile' };
    case selinuxOptions: return { id: 'seLinuxOptions', reason: 'seLinuxOptions' };
    case unsafeSysctls: return { id: 'sysctls', reason: 'forbidden sysctls' };
    default: return { id: check.id, reason: check.id };
  }
}

interface Policy {
  ns: Resource;
  level: Level;
  /** "latest" or "v1.N", as PodSecurity prints it. */
  version: string;
  /** N of v1.N; Infinity for latest (or unset). */
  minor: number;
  versionSet: boolean;
}

/** Oldest enforce-version evaluated: before v1.23 the runAsUser control (and, earlier, more) did not exist. */
const MIN_MINOR = 23;
/** Policy version that added the host probes / lifecycle hooks control. */
const HOST_PROBES_MINOR = 34;
/** Policy version that relaxed runAsNonRoot, runAsUser and baseline procMount for pods with hostUsers: false. */
const USERNS_MINOR = 35;

/**
 * The enforce level and version a Namespace object sets, as api.PolicyToEvaluate reads them; null when
 * nothing is enforced there (no label, privileged), when a value is not one PodSecurity accepts (the
 * API server refuses to create a Namespace with such a label) or is templated, or when the version is
 * older than MIN_MINOR.
 */
function policyOf(ns: Resource): Policy | null {
  const labels = stringMap(get(ns.object, ['metadata', 'labels']));
  const level = labels[ENFORCE];
  if (level !== 'baseline' && level !== 'restricted') return null;
  const v = labels[ENFORCE_VERSION];
  if (v === undefined || v === 'latest') return { ns, level, version: 'latest', minor: Infinity, versionSet: v !== undefined };
  const m = /^v1\.(0|[1-9][0-9]*)$/.exec(v);
  if (!m) return null;
  const minor = Number(m[1]);
  if (minor < MIN_MINOR) return null;
  return { ns, level, version: v, minor, versionSet: true };
}


/**
 * The Namespace object of the workload's namespace, with the deployedWith rules (a Namespace names its
 * own namespace): a workload that names its namespace is in it wherever the Namespace object sits; a
 * namespace-less one lands in the -n namespace, so it counts only with -n or from the same folder.
 * Several objects of that name that disagree (a base and an overlay): which one is applied is unknown.
 */
function policyFor(index: ResourceIndex, r: Resource): Policy | null {
  const name = index.namespaceOf(r);
  const found = index
    .named('Namespace', name)
    .filter((ns) => ns.apiVersion === 'v1' && (r.namespace !== undefined || index.namespaceGiven || index.defaultNamespace !== 'default' || dirOf(ns.origin.file) === dirOf(r.origin.file)));
  if (found.length === 0) return null;
  const policies = found.map(policyOf);
  const first = policies[0];
  if (!first || policies.some((p) => !p || p.level !== first.level || p.version !== first.version)) return null;
  return first;
}

/** Built-in controllers (and Argo Rollouts, whose ReplicaSets copy the template verbatim): what the rejection looks like. */
function outcome(r: Resource, lv: string): string | null {
  const v = `violates PodSecurity "${lv}"`;
  const every = (who: string) => `every pod it creates is rejected (${who}FailedCreate: ${v})`;
  switch (`${r.apiVersion} ${r.kind}`) {
    case 'apps/v1 Deployment': return every('ReplicaSet ');
    case 'apps/v1 ReplicaSet': return every('');
    case 'v1 ReplicationController': return every('');
    case 'apps/v1 StatefulSet': return every('StatefulSet ');
    case 'apps/v1 DaemonSet': return every('DaemonSet ');
    case 'batch/v1 Job': return every('Job ');
    case 'batch/v1 CronJob': return `every pod of the Jobs it creates is rejected (Job FailedCreate: ${v})`;
    case 'v1 Pod': return `the API server rejects the Pod when it is applied (Forbidden: ${v})`;
    case 'argoproj.io/v1alpha1 Rollout': return every('ReplicaSet ');
    default: return null;
  }
}

/** Is any value along the path (the field or a parent) unrendered template text? */
function templatedAlong(obj: Json, path: FieldPath): boolean {
  let cur: Json | undefined = obj;
  for (const k of path) {
    if (isTemplated(cur)) return true;
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k];
    else if (isObject(cur) && typeof k === 'string') cur = cur[k];
    else return false;
  }
  return isTemplated(cur);
}

const present = (o: Json | undefined, k: string) => isObject(o) && o[k] !== undefined && o[k] !== null;

/**
 * The pod template itself is invalid for its spec.os.name (ValidatePodSpec: validateWindows,
 * validateLinux): the API server rejects the workload before PodSecurity ever sees a pod.
 */
function invalidForOS(w: Workload): boolean {
  const os = getString(w.podSpec, ['os', 'name']);
  const psc = getObject(w.podSpec, ['securityContext']);
  if (os === 'linux') return present(psc, 'windowsOptions') || w.containers.some((c) => present(c.spec.securityContext, 'windowsOptions'));
  if (os !== 'windows') return false;
  const podFields = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'fsGroup', 'fsGroupChangePolicy', 'sysctls', 'runAsUser', 'runAsGroup', 'supplementalGroups', 'supplementalGroupsPolicy', 'seLinuxChangePolicy'];
  const containerFields = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];
  return (
    podFields.some((f) => present(psc, f)) ||
    present(w.podSpec, 'hostUsers') ||
    present(w.podSpec, 'shareProcessNamespace') ||
    w.podSpec.hostPID === true ||
    w.podSpec.hostIPC === true ||
    w.containers.some((c) => containerFields.some((f) => present(c.spec.securityContext, f)))
  );
}

const notObject = (v: Json | undefined) => v !== undefined && v !== null && !isObject(v);
const notArray = (v: Json | undefined) => v !== undefined && v !== null && !Array.isArray(v);

/**
 * Not an object the API server would create: a container without an image, an apps/v1 controller
 * without spec.selector (both required by validation), or a securityContext or volume list of the
 * wrong type (the request does not even decode). Kustomize patches read as plain files look like
 * this; what they patch is judged on the rendered object.
 */
function incomplete(w: Workload, r: Resource): boolean {
  if (w.containers.some((c) => typeof c.spec.image !== 'string' || c.spec.image === '' || notObject(c.spec.securityContext))) return true;
  if (notObject(w.podSpec.securityContext) || notArray(w.podSpec.volumes)) return true;
  return r.apiVersion === 'apps/v1' && !isObject(get(r.object, ['spec', 'selector']));
}

interface Violation extends Control {
  containers: string[];
  /** Other subjects (pod, volumes, fields), in order. */
  others: string[];
  /** Where the first finding of this control points. */
  path: FieldPath;
  container?: string;
}

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

/** What a finding is about, for the control's detail: a container, or a pod-level field. */
function subjectOf(w: Workload, f: FindingInput): { container?: string; text?: string } {
  const meta = w.podMetaPath;
  if (f.path.length > meta.length + 1 && meta.every((p, i) => f.path[i] === p) && f.path[meta.length] === 'annotations') {
    const key = String(f.path[meta.length + 1]);
    return { text: `annotation ${key}: ${JSON.stringify(w.podAnnotations[key] ?? '')}` };
  }
  const sp = w.podSpecPath;
  const rel = sp.every((p, i) => f.path[i] === p) ? f.path.slice(sp.length) : [];
  if ((rel[0] === 'containers' || rel[0] === 'initContainers') && f.container !== undefined) return { container: f.container };
  if (rel[0] === 'volumes' && typeof rel[1] === 'number') {
    const name = getString(w.podSpec, ['volumes', rel[1], 'name']) ?? `#${rel[1]}`;
    return { text: `volume "${name}": ${String(rel[2] ?? 'volume')}` };
  }
  if (rel.length === 1 && typeof rel[0] === 'string' && ['hostNetwork', 'hostPID', 'hostIPC'].includes(rel[0])) return { text: `${rel[0]}=true` };
  if (rel[0] === 'securityContext' && rel[1] === 'sysctls' && typeof rel[2] === 'number') {
    return { text: getString(w.podSpec, ['securityContext', 'sysctls', rel[2], 'name']) ?? `sysctls[${rel[2]}]` };
  }
  if (rel[0] === 'os') return { text: 'pod pinned to Windows nodes without spec.os.name: windows' };
  return { text: 'pod' };
}

/**
 * The controls the pod template violates at the enforced level and version, in PodSecurity's order:
 * the findings of the pss checks (restricted: all of them; baseline: the baseline ones), minus what
 * PodSecurity does not see or does not check at that version.
 */
function violations(workload: Workload, resource: Resource, index: ResourceIndex, policy: Policy): Violation[] {
  const byId = new Map<string, Violation>();
  // Before v1.35 a user-namespace pod got no relaxation: judge it as if it had none.
  let w = workload;
  if (policy.minor < USERNS_MINOR && w.podSpec.hostUsers === false) {
    const { hostUsers: _, ...podSpec } = w.podSpec;
    w = { ...w, podSpec };
  }
  // Containers a mutating webhook replaces at admission (Istio's image: auto): what PodSecurity sees is not in the manifest.
  const injected = new Set(w.containers.filter((c) => c.injectedBy).map((c) => c.name));
  let runAsNonRootFired = false;
  const appArmorValues = new Set<string>();
  for (const check of PSS_CHECKS) {
    if (policy.level === 'baseline' && check.pss !== 'baseline') continue;
    // The host probes control exists from policy v1.34 on.
    if (check === hostProbes && policy.minor < HOST_PROBES_MINOR) continue;
    for (const f of check.run({ workload: w, resource, params: {}, index })) {
      if (f.container !== undefined && injected.has(f.container)) continue;
      if (templatedAlong(resource.object, f.path)) continue;
      const control = controlOf(check, policy.level, policy.minor, f);
      let v = byId.get(control.id);
      if (!v) byId.set(control.id, (v = { ...control, containers: [], others: [], path: f.path, container: f.container }));
      const s = subjectOf(w, f);
      if (s.container !== undefined) {
        if (!v.containers.includes(s.container)) v.containers.push(s.container);
      } else if (s.text !== undefined && !v.others.includes(s.text)) v.others.push(s.text);
      if (check === runAsNonRoot) runAsNonRootFired = true;
      if (check === apparmorProfile) {
        const value = get(resource.object, f.path);
        appArmorValues.add(f.path.includes('annotations') ? `${String(f.path[f.path.length - 1])}=${String(value)}` : String(value));
      }
    }
  }
  const add = (id: string, reason: string, c: ContainerRef, field: FieldPath) => {
    if (injected.has(c.name) || templatedAlong(resource.object, [...c.path, 'securityContext', ...field])) return;
    let v = byId.get(id);
    if (!v) byId.set(id, (v = { id, reason, containers: [], others: [], path: [...c.path, 'securityContext', ...field], container: c.name }));
    if (!v.containers.includes(c.name)) v.containers.push(c.name);
  };
  // run-as-non-root reports a container that runs as root (runAsUser: 0, or inherited from the pod)
  // once, as runAsUser=0; PodSecurity also lists it under runAsNonRoot unless it sets runAsNonRoot:
  // true (check_runAsNonRoot.go). The level does not change: run-as-non-root fired.
  if (runAsNonRootFired) {
    const podValue = get(w.podSpec, ['securityContext', 'runAsNonRoot']);
    for (const c of w.containers) {
      const own = get(c.spec, ['securityContext', 'runAsNonRoot']);
      if (own === false || ((own === undefined || own === null) && podValue !== true && !isTemplated(podValue))) add('runAsNonRoot', 'runAsNonRoot != true', c, ['runAsNonRoot']);
    }
  }
  // The restricted checks leave privileged containers to privileged-container (and a CAP_SYS_ADMIN one
  // to capabilities-added): the fixes they would suggest are invalid there. PodSecurity still lists
  // them under these controls. The level does not change: a baseline check fired.
  if (!isWindowsPod(w)) {
    const podSeccomp = getString(w.podSpec, ['securityContext', 'seccompProfile', 'type']);
    for (const c of w.containers) {
      const sc = getObject(c.spec, ['securityContext']);
      const privileged = get(sc, ['privileged']) === true;
      const caps = getArray(sc, ['capabilities', 'add']);
      if (!privileged && !(policy.level === 'restricted' && caps.includes('CAP_SYS_ADMIN'))) continue;
      if (policy.level === 'baseline') {
        if (privileged && caps.some((a) => typeof a === 'string' && !BASELINE_CAPABILITIES.has(a))) add('capabilities_baseline', 'non-default capabilities', c, ['capabilities', 'add']);
        continue;
      }
      if (get(sc, ['allowPrivilegeEscalation']) !== false) add('allowPrivilegeEscalation', 'allowPrivilegeEscalation != false', c, ['allowPrivilegeEscalation']);
      if (!privileged) continue;
      if (!getArray(sc, ['capabilities', 'drop']).includes('ALL') || caps.some((a) => a !== 'NET_BIND_SERVICE')) add('capabilities_restricted', 'unrestricted capabilities', c, ['capabilities']);
      if (getString(sc, ['seccompProfile', 'type']) === undefined && podSeccomp === undefined) add('seccompProfile_restricted', 'seccompProfile', c, ['seccompProfile']);
    }
  }
  const out = [...byId.values()].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  // Containers in pod order (init containers first), as PodSecurity visits them.
  const at = new Map(w.containers.map((c, i) => [c.name, i]));
  for (const v of out) v.containers.sort((a, b) => (at.get(a) ?? 0) - (at.get(b) ?? 0));
  // PodSecurity pluralizes the AppArmor reason by the number of distinct forbidden values.
  for (const v of out) if (v.id === 'appArmorProfile' && appArmorValues.size > 1) v.reason = 'forbidden AppArmor profiles';
  return out;
}

function describe(v: Violation): string {
  const parts = [...v.others.filter((o) => o === 'pod'), ...(v.containers.length ? [`${v.containers.length > 1 ? 'containers' : 'container'} ${quoted(v.containers)}`] : []), ...v.others.filter((o) => o !== 'pod')];
  return parts.length ? `${v.reason} (${parts.join(', ')})` : v.reason;
}

export default defineCheck({
  id: 'pod-security-enforce-rejects',
  pillar: 'security',
  severity: 'error',
  title: "Pod template violates its namespace's enforced Pod Security level",
  whatBreaks:
    'The namespace enforces a Pod Security level (label pod-security.kubernetes.io/enforce) that the pod template does not meet. PodSecurity only warns about Deployments, StatefulSets, DaemonSets, Jobs and CronJobs, so they apply cleanly; it rejects the Pods themselves, so the controller fails every pod creation (FailedCreate events, "violates PodSecurity") and the workload gets no pods (a running one gets no new pods: a rollout, a rescheduled or scaled-up pod all fail). A bare Pod is refused at apply.',
  details: `Fires when the input holds the \`Namespace\` object of the workload's namespace, labelled \`pod-security.kubernetes.io/enforce: baseline\` or \`restricted\`, and the pod template violates that level.

**How PodSecurity acts** (k8s.io/pod-security-admission, \`admission/admission.go\`): for a Pod it evaluates the namespace's enforce level and rejects the request (\`pods "web-5d9c..." is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (...), ...\`). For the objects that only carry a pod template (\`ValidatePodController\`) it never enforces: it admits the object, at most with a warning (\`Warning: would violate PodSecurity "restricted:latest"\`, from the \`warn\` level, which defaults to the enforce level when unset: \`api.PolicyToEvaluate\`) that is easy to miss in a CI log or a GitOps sync. So a Deployment applies, its ReplicaSet is created, and every pod the ReplicaSet tries to create is rejected: \`kubectl get deploy\` shows 0 ready, \`kubectl describe rs\` shows \`FailedCreate\`. StatefulSets, DaemonSets and Jobs record \`FailedCreate\` on themselves; a CronJob's Jobs do. On an existing Deployment the new ReplicaSet never gets a pod and the rollout stalls until \`progressDeadlineSeconds\` marks it failed.

**The level** is the one kubeready reports for the workload ("pod security" in the verdict), computed the same way: the findings of the Pod Security Standards checks (baseline: apparmor-profile, capabilities-added, host-namespaces, host-path-volume, host-ports, host-probes, host-process, privileged-container, proc-mount, seccomp-unconfined, selinux-options, unsafe-sysctls; restricted adds capabilities-not-dropped, privilege-escalation, restricted-proc-mount, restricted-volume-types, run-as-non-root, seccomp-profile-missing), run on the workload whatever the configuration says (exemptions in kubeready do not exempt anything from PodSecurity). Each finding of those checks is a violation of the policy (checked against k8s.io/pod-security-admission v0.37 on every workload of the test corpus, at both levels). PodSecurity also lists a privileged container under the privilege escalation, capabilities and seccomp controls, which those checks leave to privileged-container: the message adds it there. The message lists the first three violated controls under the names PodSecurity prints (\`allowPrivilegeEscalation != false\`, \`unrestricted capabilities\`, \`runAsNonRoot != true\`, \`seccompProfile\`...), in its order (baseline controls first), with the containers or fields concerned, and the namespace's label as a related object.

**Policy version** (\`pod-security.kubernetes.io/enforce-version\`, \`policy/registry.go\`). Unset or \`latest\`: the policy of the API server's release (kubeready follows 1.37); \`v1.N\` newer than the server's release evaluates like \`latest\`. An older \`v1.N\` gets the controls as they were in release N. Since v1.23 they have only gained exemptions (Windows pods in 1.25, pods with \`hostUsers: false\` in 1.35) and allowed values (sysctls in 1.27, 1.29, 1.32 and 1.37, the SELinux type \`container_engine_t\` in 1.31), with one addition: the host probes / lifecycle hooks control (1.34). So a violation at \`latest\` is one at any \`v1.23\` or later, except host probes before \`v1.34\` (left out), and a \`hostUsers: false\` pod is judged without its relaxation before \`v1.35\`. A Windows pod pinned before \`v1.25\` keeps its exemption here, so fewer controls may be listed than PodSecurity would. Namespaces pinned before \`v1.23\` (policies without the \`runAsUser\` control, and before that without the restricted capabilities, seccomp and privilege escalation controls) are not evaluated. The message prints the level and version as PodSecurity does (\`"restricted:v1.30"\`).

Not reported:
- namespaces without the label, with \`enforce: privileged\`, with only \`warn\` or \`audit\` labels (they warn or annotate, never reject), or with a templated or invalid value (the API server refuses to create a Namespace whose PodSecurity labels do not parse); a namespace without the label can still get a level from the cluster's PodSecurity defaults, which are not in manifests;
- a Namespace object that does not apply to the workload: another name, or, for a manifest without \`metadata.namespace\`, a Namespace in another folder (unless \`-n\` names it); two Namespace objects of that name with different labels (which one is applied is unknown);
- custom resources other than Argo Rollouts: their operators build the pods and may change the template;
- containers a mutating webhook replaces (Istio's \`image: auto\`), and fields whose value is template text;
- objects the API server rejects before PodSecurity sees a pod: a container without \`image\`, an \`apps/v1\` controller without \`spec.selector\` (a Kustomize patch read as a file), a \`spec.os.name: windows\` template that sets a field Windows pods cannot have; and a live bare Pod (it exists, so it was admitted).

**Invisible to manifests:** the API server's PodSecurity configuration (\`AdmissionConfiguration\`) can exempt usernames (exempting a controller's identity exempts every pod it creates), RuntimeClasses (the workload's \`runtimeClassName\` is visible, whether it is exempt is not) and whole namespaces, and sets the defaults for unlabelled namespaces and an unset version; mutating webhooks (Kyverno, Gatekeeper mutation) can add the missing securityContext before PodSecurity runs. If the cluster does any of these for this workload, exempt the finding with that reason.`,
  fix: {
    text: "Make the pod template meet the namespace's level: fix each control the message lists (kubeready's security findings on the workload say how, field by field). If the workload truly needs what the level forbids (a node agent), run it in a namespace whose enforce level is privileged instead of weakening this namespace.",
    yaml: `spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]`,
  },
  target: 'workload',
  uses: ['Namespace'],
  run({ workload, resource, index }) {
    const w = workload;
    if (!w) return [];
    const policy = policyFor(index, resource);
    if (!policy) return [];
    const lv = `${policy.level}:${policy.version}`;
    const then = outcome(resource, lv);
    if (!then) return [];
    if (resource.kind === 'Pod' && isObject(resource.object.status)) return [];
    if (invalidForOS(w) || incomplete(w, resource)) return [];
    const found = violations(w, resource, index, policy);
    if (found.length === 0) return [];
    const ns = policy.ns;
    const shown = found.slice(0, 3).map(describe);
    const more = found.length - shown.length;
    const list = `${shown.join(', ')}${more > 0 ? ` and ${more} more control${more > 1 ? 's' : ''}` : ''}`;
    const label = `${ENFORCE}: ${policy.level}${policy.versionSet ? `, ${ENFORCE_VERSION}: ${policy.version}` : ''}`;
    const related: RelatedInput[] = [{ resource: ns, path: ['metadata', 'labels', ENFORCE], note: `enforces PodSecurity ${policy.level}` }];
    if (policy.versionSet) related.push({ resource: ns, path: ['metadata', 'labels', ENFORCE_VERSION], note: `policy version ${policy.version}` });
    // A live controller whose pods run anyway: admitted before the label, or under an exemption of the
    // API server's PodSecurity configuration (invisible here). Say so rather than claim nothing runs.
    const status = resource.object.status;
    const running = isObject(status) ? (getNumber(status, ['readyReplicas']) ?? getNumber(status, ['numberReady']) ?? getNumber(status, ['ready']) ?? 0) : 0;
    const now = running > 0 ? `; ${running} of its pods run now (created before the label, or exempted by the API server's PodSecurity configuration, which kubeready cannot see): unless exempted, their replacements after a restart, eviction or rollout are rejected` : '';
    return [
      {
        message: `namespace "${ns.name}" enforces PodSecurity ${policy.level} (${label}) and the ${resource.kind === 'Pod' ? 'Pod' : 'pod template'} violates ${list}: ${then}${now}`,
        path: found[0].path,
        container: found[0].container,
        related,
      },
    ];
  },
});
