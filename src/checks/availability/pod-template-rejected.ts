/**
 * pod-template-rejected: a pod template that the API server's validation of pod specs refuses, so the
 * object is never stored. Each rule is the one of pkg/apis/core/validation/validation.go (Kubernetes
 * v1.37), named at the code that implements it; each was confirmed with `kubectl apply --dry-run=server`.
 */
import { defineCheck, type FindingInput } from '../types.js';
import { DNS_LABEL_MSG, DNS_LABEL_RE } from '../../model/dns-names.js';
import type { ContainerRef, FieldPath, Json, JsonObject, Workload } from '../../model/types.js';
import { didYouMean, formatPath, get, getArray, getObject, getString, isObject, isTemplated, joinAnd, meantValue, nearNames } from '../../model/util.js';
import { containerLabel, hasPatchDirective, PATCH_FILE } from '../../model/workload.js';
import { isValidPortName, portNameError } from '../../model/ports.js';
import { hasStatus, uidOf } from '../../model/runtime.js';
import { placeFix, toYaml } from '../../model/fix-yaml.js';
import { formatLabels, formatSelector, selectorMatches } from '../../model/selector.js';

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** The built-in kinds whose pod template the API server validates (model/workload.ts BUILTIN_GROUPS). */
const BUILTIN: Record<string, (apiVersion: string) => boolean> = {
  Deployment: (v) => v.startsWith('apps/') || v.startsWith('extensions/'),
  StatefulSet: (v) => v.startsWith('apps/'),
  DaemonSet: (v) => v.startsWith('apps/') || v.startsWith('extensions/'),
  ReplicaSet: (v) => v.startsWith('apps/') || v.startsWith('extensions/'),
  ReplicationController: (v) => v === 'v1',
  Job: (v) => v.startsWith('batch/'),
  CronJob: (v) => v.startsWith('batch/'),
  Pod: (v) => v === 'v1',
};

/** ValidateDNS1123Label: volume names must be one (an invalid one is reported, not remembered for Duplicate). */
const isDnsLabel = (s: string) => s.length <= 63 && DNS_LABEL_RE.test(s);

/** A field path as the API server prints it (k8s.io/apimachinery field.Path): `a.b[0].c`, map keys as `[key]`. */
function apiPath(path: FieldPath, key?: { key: string; as: 'index' | 'child' }): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  if (key) out += key.as === 'index' ? `[${key.key}]` : `.${key.key}`;
  return out;
}

/** What the API server does with the object: it refuses it as written. */
function rejects(w: Workload, error: string): string {
  return `the API server rejects the ${w.resource.kind}: ${error}`;
}

/**
 * Pods of a template that this rule lets through, rejected once the controller creates them (defaulting
 * runs on Pods). `alone`: no other finding rejects the object itself, so the API server accepts it.
 */
function rejectsPods(w: Workload, error: string, alone: boolean): string {
  const kind = w.resource.kind;
  const who = kind === 'Deployment' ? 'its ReplicaSet creates' : kind === 'CronJob' ? 'its Jobs create' : 'it creates';
  return `${alone ? `the API server accepts the ${kind} but rejects` : `the ${kind}'s template passes this rule, but the API server rejects`} every Pod ${who} (FailedCreate, nothing runs): ${error}`;
}

interface Ctr {
  key: 'containers' | 'initContainers' | 'ephemeralContainers';
  index: number;
  spec: JsonObject;
  /** The name when it is a plain (not templated) non-empty string. */
  name: string | undefined;
  path: FieldPath;
  label: string;
  ref: ContainerRef | undefined;
}

/** The labels as the API server prints them in an error (Go's JSON: keys sorted). */
const labelsJson = (labels: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

const APPS_SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/**
 * A workload's own selector that the API server refuses: apps/v1 requires a non-empty one that
 * selects the template's labels; a ReplicationController's, when set, must select them; a Job's
 * (batch/v1, a CronJob's jobTemplate too) is generated, so one written without manualSelector: true
 * is refused, and with it it must select the labels. Templated selectors or labels are left alone.
 */
function selectorFindings(w: Workload): FindingInput[] {
  const r = w.resource;
  const isJob = (r.kind === 'Job' || r.kind === 'CronJob') && r.apiVersion === 'batch/v1';
  const apps = APPS_SELECTOR_KINDS.has(r.kind) && r.apiVersion === 'apps/v1';
  const rc = r.kind === 'ReplicationController' && r.apiVersion === 'v1';
  if (!isJob && !apps && !rc) return [];
  const specPath: FieldPath = r.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec'] : ['spec'];
  const jobSpec = getObject(r.object, specPath);
  if (!jobSpec) return [];
  const sel = jobSpec.selector;
  if (sel === undefined || sel === null) return [];
  if (JSON.stringify(sel).includes('{{') || Object.entries(w.podLabels).some(([k, v]) => isTemplated(k) || isTemplated(v))) return [];
  const selPath: FieldPath = [...specPath, 'selector'];
  const labelsPath: FieldPath = [...w.podMetaPath, 'labels'];
  const api = (p: FieldPath) => formatPath(p);
  const kind = r.kind === 'CronJob' ? 'CronJob (its Jobs)' : r.kind;
  if (isJob && jobSpec.manualSelector !== true) {
    return [
      {
        message: `${formatPath(selPath)} is set without manualSelector: true: a Job's selector is generated (the controller-uid label), so the API server rejects the ${kind} (${api(selPath)}: Invalid value: ...: \`selector\` not auto-generated)`,
        path: selPath,
        fix: `Delete ${formatPath(selPath)}: the Job controller selects its pods by the batch.kubernetes.io/controller-uid label it adds (manualSelector: true with a selector of your own is for adopting existing pods only).`,
      },
    ];
  }
  if (rc) {
    const m = isObject(sel) ? sel : undefined;
    if (!m || Object.keys(m).length === 0) return [];
    if (Object.values(m).some((v) => typeof v !== 'string')) return [];
    if (Object.entries(m).every(([k, v]) => w.podLabels[k] === v)) return [];
  } else {
    if (!isObject(sel)) return [];
    // A value that is not a string (YAML 1.1 reads app: y as true) fails decoding first: another error.
    if (Object.values(getObject(sel, ['matchLabels']) ?? {}).some((v) => typeof v !== 'string')) return [];
    if (getArray(sel, ['matchExpressions']).some((e) => getArray(e, ['values']).some((v) => typeof v !== 'string'))) return [];
    const empty = Object.keys(getObject(sel, ['matchLabels']) ?? {}).length === 0 && getArray(sel, ['matchExpressions']).length === 0;
    if (empty && apps) {
      return [
        {
          message: `${formatPath(selPath)} is empty: the API server rejects the ${kind} (${api(selPath)}: Invalid value: {}: empty selector is invalid for ${r.kind.toLowerCase()})`,
          path: selPath,
          fix: `Set ${formatPath(selPath)}.matchLabels to labels of the pod template (${formatPath(labelsPath)}) that no other workload's pods carry.`,
        },
      ];
    }
    if (selectorMatches(sel, w.podLabels) !== false) return [];
  }
  const labels = w.podLabels;
  return [
    {
      message: `${formatPath(selPath)} (${rc ? formatLabels(sel as Record<string, string>) : formatSelector(sel, 'everything')}) does not select the pod template's labels (${Object.keys(labels).length ? formatLabels(labels) : 'none'}): the API server rejects the ${kind} (${api(labelsPath)}: Invalid value: ${isObject(get(r.object, labelsPath)) ? labelsJson(labels) : 'null'}: \`selector\` does not match template \`labels\`)`,
      path: selPath,
      fix: `Give the pod template (${formatPath(labelsPath)}) the labels the selector asks for, or change the selector to select them (a Deployment's, StatefulSet's, DaemonSet's and ReplicaSet's selector cannot change once created: change it only for a new object).`,
    },
  ];
}

function containersOf(w: Workload): { list: Ctr[]; names: (string | undefined)[]; unsure: boolean } {
  const list: Ctr[] = [];
  const names: (string | undefined)[] = [];
  let unsure = false;
  for (const key of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const raw = w.podSpec[key];
    if (raw !== undefined && raw !== null && !Array.isArray(raw)) unsure = true;
    if (!Array.isArray(raw)) continue;
    raw.forEach((c, index) => {
      if (!isObject(c)) {
        unsure = true;
        return;
      }
      const n = c.name;
      const name = typeof n === 'string' && n !== '' && !isTemplated(n) ? n : undefined;
      if (name === undefined) unsure = true;
      names.push(name);
      const path: FieldPath = [...w.podSpecPath, key, index];
      const ref = w.containers.find((x) => x.path.length === path.length && x.path.every((p, i) => p === path[i]));
      // Worded only for a finding (most templates have none).
      list.push({
        key,
        index,
        spec: c,
        name,
        path,
        ref,
        get label() {
          return ref ? containerLabel(ref) : `ephemeral container ${JSON.stringify(name ?? `#${index}`)}`;
        },
      });
    });
  }
  return { list, names, unsure };
}

interface Vol {
  index: number;
  name: string;
  volume: JsonObject;
}

/** The volume sources a volume sets (keys but name, with a value): more than one is invalid (validateVolumeSource). */
function sources(v: JsonObject): string[] {
  return Object.keys(v).filter((k) => k !== 'name' && v[k] !== null && v[k] !== undefined);
}

const sameJson = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** The profile a deprecated AppArmor annotation value stands for, as the Pod strategy derives it (ApparmorFieldForAnnotation); null when none. */
function apparmorFromAnnotation(a: string): { type: string; localhostProfile?: string } | null {
  if (a === 'unconfined') return { type: 'Unconfined' };
  if (a === 'runtime/default') return { type: 'RuntimeDefault' };
  if (a.startsWith('localhost/') && a.length > 'localhost/'.length) return { type: 'Localhost', localhostProfile: a.slice('localhost/'.length) };
  return null;
}

/**
 * Which field of a profile disagrees with its annotation (validateAppArmorAnnotationsAndFieldsMatchOnCreate,
 * validateSeccompAnnotationsAndFieldsMatch): 'type', 'localhostProfile', or null when they agree (or the
 * type is not one the rule knows).
 */
function mismatch(annotation: string, profile: JsonObject, runtimeDefault: string[]): 'type' | 'localhostProfile' | null {
  const type = profile.type;
  if (type === 'Unconfined') return annotation === 'unconfined' ? null : 'type';
  if (type === 'RuntimeDefault') return runtimeDefault.includes(annotation) ? null : 'type';
  if (type === 'Localhost') {
    if (!annotation.startsWith('localhost/')) return 'type';
    return profile.localhostProfile === annotation.slice('localhost/'.length) ? null : 'localhostProfile';
  }
  return null;
}

/** Why a seccomp annotation value is invalid (ValidateSeccompProfile), with the value the API server prints; null when valid. */
function badSeccomp(p: string): { value: string; why: string } | null {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return null;
  if (p.startsWith('localhost/')) {
    const rest = p.slice('localhost/'.length);
    if (rest.startsWith('/')) return { value: rest, why: 'must be a relative path' };
    if (rest.split('/').includes('..')) return { value: rest, why: "must not contain '..'" };
    return null;
  }
  return { value: p, why: 'must be a valid seccomp profile' };
}

const profileText = (p: JsonObject) => (p.type === 'Localhost' ? `Localhost ${JSON.stringify(p.localhostProfile ?? '')}` : String(p.type));

export default defineCheck({
  id: 'pod-template-rejected',
  pillar: 'availability',
  severity: 'error',
  title: 'The API server rejects the pod template',
  whatBreaks:
    'The pod spec breaks a rule of the API server\'s validation (two volumes of one name, a mount of a volume the pod does not have, two containers of one name, contradictory security settings...): kubectl apply fails with "is invalid" (it applies the file\'s other objects and not this one; a Helm install or upgrade fails), the object is never stored, and nothing of it runs.',
  details: `Each rule is the API server's own (pkg/apis/core/validation and the apps and batch validations, Kubernetes v1.37), applied to
Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs and Pods; the
finding quotes the error the API server returns.

- **Selector** (\`ValidateDeploymentSpec\` and the other apps validations, \`ValidateReplicationControllerSpec\`,
  \`validateJobSpec\`): a selector that does not select the pod template's labels ("\`selector\` does not
  match template \`labels\`"), an empty apps/v1 selector, and a Job's (or a CronJob's jobTemplate's) own
  selector without \`manualSelector: true\` ("\`selector\` not auto-generated"). A missing apps/v1 selector is
  not reported here: a kustomization's \`commonLabels\` adds one when it renders the base.
- **restartPolicy**: a Job's or CronJob's pods need \`OnFailure\` or \`Never\` (without one, the pod default
  \`Always\` is refused: "Required value"); a Deployment's, StatefulSet's, DaemonSet's, ReplicaSet's pods only
  \`Always\`; any other value (\`never\`: the values are case-sensitive) is refused everywhere.
- **dnsPolicy and terminationMessagePolicy** (\`validateDNSPolicy\`, \`validateContainerCommon\`): \`dnsPolicy\` ClusterFirst, ClusterFirstWithHostNet, Default or None and a container's \`terminationMessagePolicy\` File or FallbackToLogsOnError, in their exact words (\`ClusterFirstWithHostNetwork\` and \`fallbackToLogsOnError\` are refused).
- **Tolerations and environment** (\`validateTolerations\`, \`validateEnv\`, \`validateEnvFrom\`): an operator other
  than \`Equal\` or \`Exists\`, \`Exists\` with a value, \`Equal\` without a key; an env entry with both a
  non-empty \`value\` and a \`valueFrom\`, or two sources in one \`valueFrom\`; an \`envFrom\` item with both a
  \`configMapRef\` and a \`secretRef\`.
- **Containers** (\`validateContainerCommon\`): a name (a lowercase RFC 1123 label); a probe with a handler
  (\`exec\`, \`httpGet\`, \`tcpSocket\` or \`grpc\`: "must specify a handler type"); each port a
  \`containerPort\` from 1 to 65535, a protocol TCP, UDP or SCTP (case-sensitive) and a valid name (at most 15 lower case letters, digits and \`-\`, with a
  letter). In a kustomize patch file, a missing restartPolicy, container name, containerPort or probe handler
  is left to the base it patches.
- **Volumes** (\`ValidateVolumes\`): two volumes of one name ("Duplicate value"). A StatefulSet's
  \`volumeClaimTemplates\` replace the template's volumes of the same name before validation, so such a
  volume is neither a duplicate nor missing.
- **Volume mounts** (\`ValidateVolumeMounts\`, \`ValidateVolumeDevices\`): a \`volumeMounts\` or
  \`volumeDevices\` entry naming a volume the pod does not declare ("Not found"); two mounts of one
  container at the same \`mountPath\` ("must be unique"; the paths are compared as written, so \`/data\`
  and \`/data/\` are not the same); two devices of one name or \`devicePath\`; a volume both mounted and
  used as a device, or a device path that is also a mount path; a device whose volume is not a
  \`persistentVolumeClaim\` or \`ephemeral\` one. Mounting one volume several times at different paths
  (whole, or \`subPath\` by \`subPath\`) is fine.
- **Container names** (\`validateContainers\`, \`validateInitContainers\`, \`validateEphemeralContainers\`):
  unique across \`containers\`, \`initContainers\` and \`ephemeralContainers\`.
- **Container ports** (\`validateContainerPorts\`, \`checkHostPortConflicts\`, \`validatePodHostNetworkDeps\`):
  two ports of one container with the same name; two ports holding the same \`hostPort\` (same protocol
  and \`hostIP\`) across the regular containers, or within one init container; with \`hostNetwork: true\`,
  a \`hostPort\` other than its \`containerPort\`. On the host network the API server also sets each
  \`hostPort\` to its \`containerPort\` when it creates a Pod (\`SetDefaults_Pod\`): two containers declaring
  one port then clash. A Pod is rejected; a Deployment (or any template) is accepted and every Pod its
  controller creates is rejected.
- **Security context** (\`ValidateSecurityContext\`): \`allowPrivilegeEscalation: false\` with
  \`privileged: true\`, or with \`CAP_SYS_ADMIN\` in \`capabilities.add\`. The capability rule matches that
  exact string: \`SYS_ADMIN\` (the usual spelling, the same capability to the runtime) passes. An object
  already stored with the pair can still be updated (the API server allows it when the old object had
  it); a new one is rejected.
- **AppArmor** (\`validateAppArmorAnnotationsAndFieldsMatchOnCreate\`, \`ValidateAppArmorPodAnnotations\`):
  a deprecated \`container.apparmor.security.beta.kubernetes.io/<container>\` annotation that disagrees with
  the container's \`securityContext.appArmorProfile\` (its own, else the pod's); an annotation naming no
  container of the pod. The mismatch rule runs when a Pod is created (not when it is updated) and on
  every create and update of a template; Pods whose \`spec.os.name\` is \`windows\` are exempt. When a Pod is created, an annotation of a
  container without its own profile is first copied into the container's field, so for a Pod only a
  container's own profile is compared. An annotation value that is not \`runtime/default\`, \`unconfined\`
  or \`localhost/<profile>\` is also rejected; **apparmor-profile** reports those.
- **Seccomp** (\`validateSeccompAnnotationsAndFields\`, \`ValidateSeccompPodAnnotations\`): a deprecated
  \`seccomp.security.alpha.kubernetes.io/pod\` or \`container.seccomp.security.alpha.kubernetes.io/<container>\`
  annotation that disagrees with the \`seccompProfile\` field at the same level, or whose value is not
  \`runtime/default\`, \`docker/default\`, \`unconfined\` or \`localhost/<relative path>\`. An annotation
  with an invalid value gets one finding, for its value (the API server also reports the mismatch).

Not covered: rules reported by other checks (env names: **duplicate-env-var**; probes and lifecycle
hooks: **probe-multiple-handlers** and the other probe checks; quantities: **invalid-resource-quantity**,
**resource-request-above-limit**; images: **image-reference-invalid**; a template or image that is
missing altogether is an input problem of the audit), and the many rules on single values (names,
ranges, enums) that a schema-aware editor already flags. \`ephemeralContainers\` in a manifest (forbidden
in a template, and on Pod creation) are not reported: only \`kubectl debug\` adds them. Custom resources are left out: their
templates are not validated when applied, and their operators complete them. Objects read from a
cluster (with a \`status\` or a \`uid\`) exist, so they passed. Templated values (\`{{ }}\`, \`\${VAR}\`) are
skipped, and a kustomize patch file is not blamed for a volume or container its base provides.`,
  fix: {
    text: 'Make the pod spec valid: one volume per name, a volume declared for every volumeMounts name, one mount per mountPath in each container, container names unique across containers and initContainers, and security settings that agree (drop allowPrivilegeEscalation: false from a privileged container; delete deprecated AppArmor and seccomp annotations that contradict the fields). Check with kubectl apply --dry-run=server.',
    yaml: `spec:
  template:
    spec:
      initContainers:
        - name: migrate                  # a name no other container of the pod has
          image: registry.example.com/shop/migrate:1.4.2
          volumeMounts:
            - name: config
              mountPath: /etc/app
      containers:
        - name: app
          image: registry.example.com/shop/app:1.4.2
          ports:
            - name: http                 # port names unique within the container
              containerPort: 8080
          volumeMounts:
            - name: config               # a volume the pod declares
              mountPath: /etc/app
            - name: cache
              mountPath: /var/cache/app  # one mount per path
      volumes:
        - name: config                   # one volume per name
          configMap:
            name: app-config
        - name: cache
          emptyDir: {}`,
    // Only findings whose YAML change is unambiguous carry a snippet (placed by the check).
    place: { at: 'object', snippet: '' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const r = w.resource;
    const out: FindingInput[] = [];
    const builtin = Object.hasOwn(BUILTIN, r.kind) ? BUILTIN[r.kind] : undefined;
    if (!builtin || !builtin(r.apiVersion)) return out;
    // A live object was accepted; a strategic-merge patch ($patch) is not an object.
    if (hasStatus(r) || uidOf(r) !== undefined || hasPatchDirective(r.object)) return out;
    const isPod = r.kind === 'Pod';
    /** A kustomize patch file: what it lacks (a volume, a container) may be in its base. */
    const patchFile = PATCH_FILE.test(r.origin.file);
    const spec = w.podSpec;
    const specText = formatPath(w.podSpecPath);

    // --- volumes (ValidateVolumes; StatefulSet: ValidateStatefulSetSpec adds the volumeClaimTemplates first)
    const rawVolumes = spec.volumes;
    let volumesUnsure = rawVolumes !== undefined && rawVolumes !== null && !Array.isArray(rawVolumes);
    const claims = new Set<string>();
    if (r.kind === 'StatefulSet') {
      for (const t of getArray(r.object, ['spec', 'volumeClaimTemplates'])) {
        const n = getString(t, ['metadata', 'name']);
        if (n === undefined || isTemplated(n)) volumesUnsure = true;
        else claims.add(n);
      }
    }
    /** Every volume by name (the first of a name), claims included: what mounts may name. */
    const declared = new Map<string, Vol | 'claim'>();
    for (const c of claims) declared.set(c, 'claim');
    const remembered = new Map<string, Vol>();
    let apiIndex = claims.size;
    getArray(spec, ['volumes']).forEach((v, index) => {
      if (!isObject(v) || typeof v.name !== 'string' || v.name === '' || isTemplated(v.name)) {
        volumesUnsure = true;
        return;
      }
      const name = v.name;
      if (!declared.has(name)) declared.set(name, { index, name, volume: v });
      // A volume of a claim template's name is replaced by the claim: not validated, not a duplicate.
      if (claims.has(name)) return;
      const at = apiIndex++;
      const first = remembered.get(name);
      if (first) {
        const namePath: FieldPath = [...w.podSpecPath, 'volumes', index, 'name'];
        const same = sameJson(first.volume, v);
        const what = same ? 'the same volume again' : `a ${sources(v).join('/') || 'emptyDir'} volume beside the ${sources(first.volume).join('/') || 'emptyDir'} one`;
        out.push({
          message: `volume "${name}" is declared twice (volumes[${first.index}] and volumes[${index}], ${what}): ${rejects(w, `${apiPath([...w.podSpecPath, 'volumes', at, 'name'])}: Duplicate value: "${name}"`)}`,
          path: namePath,
          fix: same
            ? `Delete volumes[${index}] of ${specText}: it repeats volumes[${first.index}] ("${name}").`
            : `Keep one volume named "${name}" in ${specText}.volumes: delete the one the containers should not mount, or rename volumes[${index}] and mount it by its new name.`,
        });
        return;
      }
      // Only a valid volume is remembered: a later one of its name is then a duplicate.
      if (isDnsLabel(name) && sources(v).length <= 1) remembered.set(name, { index, name, volume: v });
    });
    const volumeList = [...declared.keys()];
    const volumesText = () => volumeList.length ? `its volumes: ${volumeList.map((n) => `"${n}"`).join(', ')}` : 'it declares no volumes';

    const { list: ctrs, names: ctrNames, unsure: ctrsUnsure } = containersOf(w);
    const runnable = ctrs.filter((c) => c.key !== 'ephemeralContainers');

    // --- mounts and devices (ValidateVolumeMounts, ValidateVolumeDevices), per container
    for (const c of runnable) {
      const mounts = getArray(c.spec, ['volumeMounts']);
      const devices = getArray(c.spec, ['volumeDevices']);
      const mountPaths = new Map<string, number>();
      const mountNames = new Map<string, number>();
      const deviceNames = new Map<string, number>();
      const devicePaths = new Map<string, number>();
      const notFound = (kind: 'volumeMounts' | 'volumeDevices', j: number, name: string) => {
        const near = nearNames(name, volumeList).filter((n) => n !== name);
        const hint = didYouMean(near);
        out.push({
          message: `${c.label}: ${kind}[${j}] ${kind === 'volumeMounts' ? 'mounts' : 'uses'} volume "${name}", which the pod does not declare (${volumesText()}${hint ? `; ${hint}` : ''}): ${rejects(w, `${apiPath([...c.path, kind, j, 'name'])}: Not found: "${name}"`)}`,
          path: [...c.path, kind, j, 'name'],
          container: c.name,
          fix: near.length
            ? `Mount the volume the pod declares: change ${kind}[${j}].name of ${c.label} from "${name}" to "${near[0]}", or add a volume named "${name}" to ${specText}.volumes.`
            : `Add a volume named "${name}" to ${specText}.volumes (an emptyDir, configMap, secret or persistentVolumeClaim${r.kind === 'StatefulSet' ? ', or a volumeClaimTemplate of that name' : ''}), or remove ${kind}[${j}] from ${c.label}.`,
        });
      };
      const canMiss = !volumesUnsure && !patchFile;
      mounts.forEach((m, j) => {
        if (!isObject(m)) return;
        const name = typeof m.name === 'string' && m.name !== '' && !isTemplated(m.name) ? m.name : undefined;
        const mp = typeof m.mountPath === 'string' && m.mountPath !== '' && !isTemplated(m.mountPath) ? m.mountPath : undefined;
        if (name !== undefined && canMiss && !declared.has(name)) notFound('volumeMounts', j, name);
        if (mp !== undefined) {
          const first = mountPaths.get(mp);
          if (first !== undefined) {
            const a = mounts[first] as JsonObject;
            const same = sameJson(a, m);
            const vol = (x: JsonObject) => `volume "${String(x.name)}"${typeof x.subPath === 'string' ? ` subPath "${x.subPath}"` : ''}`;
            out.push({
              message: `${c.label}: volumeMounts[${first}] and volumeMounts[${j}] both mount at "${mp}" (${same ? 'the same mount twice' : `${vol(a)} and ${vol(m)}`}): ${rejects(w, `${apiPath([...c.path, 'volumeMounts', j, 'mountPath'])}: Invalid value: "${mp}": must be unique`)}`,
              path: [...c.path, 'volumeMounts', j, 'mountPath'],
              container: c.name,
              fix: same
                ? `Delete volumeMounts[${j}] of ${c.label}: it repeats volumeMounts[${first}].`
                : `Give each mount of ${c.label} its own mountPath: move ${vol(m)} (volumeMounts[${j}]) off "${mp}"${typeof m.subPath === 'string' ? ` (a subPath mount of one file goes at that file's own path, e.g. "${mp.replace(/\/$/, '')}/${m.subPath.split('/').pop()}")` : ''}, or drop the mount the container does not need.`,
            });
          } else mountPaths.set(mp, j);
        }
        if (name !== undefined && !mountNames.has(name)) mountNames.set(name, j);
      });
      devices.forEach((d, k) => {
        if (!isObject(d)) return;
        const name = typeof d.name === 'string' && d.name !== '' && !isTemplated(d.name) ? d.name : undefined;
        const dp = typeof d.devicePath === 'string' && d.devicePath !== '' && !isTemplated(d.devicePath) ? d.devicePath : undefined;
        const at = (f: string): FieldPath => [...c.path, 'volumeDevices', k, f];
        if (name !== undefined) {
          const v = declared.get(name);
          if (v === undefined) {
            if (canMiss) notFound('volumeDevices', k, name);
          } else if (v !== 'claim' && !['persistentVolumeClaim', 'ephemeral'].some((s) => isObject(v.volume[s])) && sources(v.volume).length <= 1) {
            out.push({
              message: `${c.label}: volumeDevices[${k}] uses volume "${name}" as a raw block device, but it is ${sources(v.volume)[0] ?? 'an emptyDir'} volume: ${rejects(w, `${apiPath(at('name'))}: Invalid value: "${name}": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode`)}`,
              path: at('name'),
              container: c.name,
              fix: `Back volume "${name}" with a persistentVolumeClaim (volumeMode: Block) or an ephemeral volume, or mount it with volumeMounts instead of volumeDevices.`,
            });
          }
          const dup = deviceNames.get(name);
          if (dup !== undefined) {
            out.push({
              message: `${c.label}: volumeDevices[${dup}] and volumeDevices[${k}] both use volume "${name}": ${rejects(w, `${apiPath(at('name'))}: Invalid value: "${name}": must be unique`)}`,
              path: at('name'),
              container: c.name,
              fix: `Delete volumeDevices[${k}] of ${c.label}: a volume is one device of a container.`,
            });
          } else deviceNames.set(name, k);
          const mj = mountNames.get(name);
          if (mj !== undefined) {
            out.push({
              message: `${c.label}: volume "${name}" is both mounted (volumeMounts[${mj}]) and used as a block device (volumeDevices[${k}]): ${rejects(w, `${apiPath([...c.path, 'volumeMounts', mj, 'name'])}: Invalid value: "${name}": must not already exist in volumeDevices; ${apiPath(at('name'))}: Invalid value: "${name}": must not already exist in volumeMounts`)}`,
              path: at('name'),
              container: c.name,
              fix: `Use volume "${name}" one way in ${c.label}: as a filesystem (volumeMounts[${mj}], a claim of volumeMode Filesystem) or as a raw device (volumeDevices[${k}], volumeMode Block).`,
            });
          }
        }
        if (dp !== undefined) {
          const dup = devicePaths.get(dp);
          if (dup !== undefined) {
            out.push({
              message: `${c.label}: volumeDevices[${dup}] and volumeDevices[${k}] both use devicePath "${dp}": ${rejects(w, `${apiPath(at('devicePath'))}: Invalid value: "${dp}": must be unique`)}`,
              path: at('devicePath'),
              container: c.name,
              fix: `Give volumeDevices[${k}] of ${c.label} a devicePath of its own.`,
            });
          } else devicePaths.set(dp, k);
          const mj = mountPaths.get(dp);
          if (mj !== undefined) {
            out.push({
              message: `${c.label}: "${dp}" is both the mountPath of volumeMounts[${mj}] and the devicePath of volumeDevices[${k}]: ${rejects(w, `${apiPath([...c.path, 'volumeMounts', mj, 'mountPath'])}: Invalid value: "${dp}": must not already exist as a path in volumeDevices; ${apiPath(at('devicePath'))}: Invalid value: "${dp}": must not already exist as a path in volumeMounts`)}`,
              path: at('devicePath'),
              container: c.name,
              fix: `Give the device and the mount of ${c.label} different paths.`,
            });
          }
        }
      });
    }

    // --- selector (apps ValidateDeploymentSpec/ValidateStatefulSetSpec/ValidateDaemonSetSpec/
    // ValidateReplicaSetSpec, ValidateReplicationControllerSpec, batch validateJobSpec): a selector that
    // does not select the template's labels, or an empty one, or a Job's own without manualSelector.
    if (!patchFile) out.push(...selectorFindings(w));

    // --- container names (validateContainers, validateInitContainers, validateEphemeralContainers):
    // regular containers first, then init containers against both, then ephemeral ones against all.
    const seen = new Map<string, Ctr>();
    for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
      for (const c of ctrs.filter((x) => x.key === key)) {
        if (c.name === undefined) continue;
        const first = seen.get(c.name);
        if (!first) {
          seen.set(c.name, c);
          continue;
        }
        out.push({
          message: `${c.label} has the name of ${first.label} (${first.key}[${first.index}]): ${rejects(w, `${apiPath([...c.path, 'name'])}: Duplicate value: "${c.name}"`)}`,
          path: [...c.path, 'name'],
          container: c.ref ? c.name : undefined,
          fix: `Rename ${c.label} (${formatPath([...c.path, 'name'])}): container names are unique across containers, initContainers and ephemeralContainers. Update what names it (kubectl logs -c, annotations keyed by container name).`,
        });
      }
    }

    // --- dnsPolicy (validateDNSPolicy) and each container's terminationMessagePolicy: values in their exact case
    const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
    const dns = spec.dnsPolicy;
    if (typeof dns === 'string' && dns !== '' && !isTemplated(dns) && !DNS_POLICIES.includes(dns)) {
      const dnsPath: FieldPath = [...w.podSpecPath, 'dnsPolicy'];
      const right = meantValue(dns, DNS_POLICIES) ?? (/hostnet/i.test(dns) ? 'ClusterFirstWithHostNet' : undefined);
      out.push({
        message: `dnsPolicy "${dns}" is not ClusterFirst, ClusterFirstWithHostNet, Default or None: ${rejects(w, `${apiPath(dnsPath)}: Unsupported value: ${JSON.stringify(dns)}: supported values: ${DNS_POLICIES.map((x) => JSON.stringify(x)).join(', ')}`)}`,
        path: dnsPath,
        fix: right ? `Write ${formatPath(dnsPath)}: ${right} (the value is exact).` : `Set ${formatPath(dnsPath)} to ClusterFirst (the default), ClusterFirstWithHostNet (with hostNetwork), Default (the node's resolver) or None (with dnsConfig).`,
      });
    }
    for (const c of ctrs) {
      const tmp = c.spec.terminationMessagePolicy;
      if (typeof tmp !== 'string' || tmp === '' || isTemplated(tmp) || tmp === 'File' || tmp === 'FallbackToLogsOnError') continue;
      const tmpPath: FieldPath = [...c.path, 'terminationMessagePolicy'];
      const right = meantValue(tmp, ['File', 'FallbackToLogsOnError']);
      out.push({
        message: `${c.label}: terminationMessagePolicy "${tmp}" is not File or FallbackToLogsOnError: ${rejects(w, `${apiPath(tmpPath)}: Unsupported value: ${JSON.stringify(tmp)}: supported values: "File", "FallbackToLogsOnError"`)}`,
        path: tmpPath,
        container: c.ref ? c.name : undefined,
        fix: right ? `Write terminationMessagePolicy: ${right} (the value is case-sensitive).` : 'Set terminationMessagePolicy to File (the default) or FallbackToLogsOnError (the last log lines when the file is empty).',
      });
    }

    // --- restartPolicy (validateRestartPolicy; ValidatePodTemplateSpecForReplicaSet and the other
    // controllers: Always only; batch validateJobSpec: OnFailure or Never, and the pod default Always is refused)
    const rp = spec.restartPolicy;
    const rpPath: FieldPath = [...w.podSpecPath, 'restartPolicy'];
    const isJob = r.kind === 'Job' || r.kind === 'CronJob';
    if (typeof rp === 'string' && rp !== '' && !isTemplated(rp)) {
      const errors: string[] = [];
      if (!['Always', 'OnFailure', 'Never'].includes(rp)) errors.push(`${apiPath(rpPath)}: Unsupported value: "${rp}": supported values: "Always", "OnFailure", "Never"`);
      if (isJob && rp !== 'OnFailure' && rp !== 'Never') errors.push(rp === 'Always' ? `${apiPath(rpPath)}: Required value: valid values: "OnFailure", "Never"` : `${apiPath(rpPath)}: Unsupported value: "${rp}": supported values: "OnFailure", "Never"`);
      else if (!isJob && !isPod && rp !== 'Always') errors.push(`${apiPath(rpPath)}: Unsupported value: "${rp}": supported values: "Always"`);
      if (errors.length) {
        const canonical = ['Always', 'OnFailure', 'Never'].find((x) => x.toLowerCase() === rp.toLowerCase());
        out.push({
          message: `restartPolicy "${rp}" ${isJob ? `is not OnFailure or Never, which a ${r.kind}'s pods must have (a Job's pod finishes)` : !isPod ? `is not Always, the only one a ${r.kind}'s pods may have (its controller replaces pods; a run-to-completion pod is a Job)` : 'is not Always, OnFailure or Never'}: ${rejects(w, errors.join('; '))}`,
          path: rpPath,
          fix: isJob
            ? `Set ${formatPath(rpPath)}: ${canonical === 'OnFailure' ? 'OnFailure' : 'Never'} (Never: a failed pod is replaced, its logs kept; OnFailure: the container restarts in place).`
            : !isPod
            ? `Remove ${formatPath(rpPath)} (it defaults to Always)${rp === 'Never' || rp === 'OnFailure' ? `, or run the task as a Job if it is meant to finish` : ''}.`
            : `Set ${formatPath(rpPath)} to ${canonical ?? 'Always'} (the values are case-sensitive).`,
        });
      }
    } else if (isJob && (rp === undefined || rp === null || rp === '') && !patchFile) {
      out.push({
        message: `no restartPolicy: a ${r.kind}'s pods must have OnFailure or Never, and the default is Always: ${rejects(w, `${apiPath(rpPath)}: Required value: valid values: "OnFailure", "Never"`)}`,
        path: w.podSpecPath,
        fix: `Add restartPolicy: Never to ${specText} (a failed pod is replaced and its logs kept; OnFailure restarts the container in place).`,
      });
    }

    // --- container names and probe handlers (validateContainerCommon, validateProbe: a probe needs a handler)
    for (const c of ctrs) {
      const n = c.spec.name;
      const namePath: FieldPath = [...c.path, 'name'];
      if ((n === undefined || n === null || n === '') && !patchFile) {
        out.push({
          message: `${c.key === 'initContainers' ? 'init container' : c.key === 'ephemeralContainers' ? 'ephemeral container' : 'container'} #${c.index} has no name: ${rejects(w, `${apiPath(namePath)}: Required value`)}`,
          path: c.path,
          fix: `Name the container (${formatPath(namePath)}: a lowercase RFC 1123 label, such as app or migrate).`,
        });
      } else if (typeof n === 'string' && !isTemplated(n) && (n.length > 63 || !DNS_LABEL_RE.test(n))) {
        const better = n.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
        out.push({
          message: `${c.label}: the name is not a lowercase RFC 1123 label: ${rejects(w, `${apiPath(namePath)}: Invalid value: "${n}": ${n.length > 63 ? 'must be no more than 63 characters' : DNS_LABEL_MSG}`)}`,
          path: namePath,
          container: c.ref ? c.name : undefined,
          fix: `Rename the container${better ? ` to "${better}"` : ''} (lower case letters, digits and "-", at most 63), and what names it (kubectl logs -c, annotations keyed by container name).`,
        });
      }
      if (c.key === 'ephemeralContainers' || patchFile) continue;
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        const p = c.spec[probe];
        if (!isObject(p) || hasPatchDirective(p)) continue;
        if (['exec', 'httpGet', 'tcpSocket', 'grpc'].some((h) => p[h] !== undefined && p[h] !== null)) continue;
        out.push({
          message: `${c.label}: ${probe} has no handler (exec, httpGet, tcpSocket or grpc), only its timing: ${rejects(w, `${apiPath([...c.path, probe])}: Required value: must specify a handler type`)}`,
          path: [...c.path, probe],
          container: c.name,
          fix: `Say what the probe checks: ${formatPath([...c.path, probe])}.httpGet: {path: /healthz, port: http} (or tcpSocket, exec, grpc), or remove the probe.`,
        });
      }
    }

    // --- environment (validateEnv, validateEnvFrom): a value and a valueFrom, or two sources in one item
    for (const c of runnable) {
      getArray(c.spec, ['env']).forEach((e, j) => {
        if (!isObject(e) || !isObject(e.valueFrom)) return;
        const vfPath: FieldPath = [...c.path, 'env', j, 'valueFrom'];
        const name = typeof e.name === 'string' ? e.name : `#${j}`;
        if (typeof e.value === 'string' && e.value !== '') {
          out.push({
            message: `${c.label}: env ${JSON.stringify(name)} has both a value and a valueFrom: ${rejects(w, `${apiPath(vfPath)}: Invalid value: "": may not be specified when \`value\` is not empty`)}`,
            path: vfPath,
            container: c.name,
            fix: `Keep one of env[${j}].value and env[${j}].valueFrom of ${c.label} (a Helm or kustomize overlay that adds valueFrom must drop the value).`,
          });
        }
        const sources = Object.keys(e.valueFrom).filter((k) => (e.valueFrom as JsonObject)[k] !== null && (e.valueFrom as JsonObject)[k] !== undefined);
        if (sources.length > 1) {
          out.push({
            message: `${c.label}: env ${JSON.stringify(name)} takes its value from ${joinAnd(sources)} at once: ${rejects(w, `${apiPath(vfPath)}: Invalid value: "": may not have more than one field specified at a time`)}`,
            path: vfPath,
            container: c.name,
            fix: `Keep one source in env[${j}].valueFrom of ${c.label}; for a second value, add another env entry.`,
          });
        }
      });
      getArray(c.spec, ['envFrom']).forEach((e, j) => {
        if (!isObject(e)) return;
        const refs = ['configMapRef', 'secretRef'].filter((k) => e[k] !== undefined && e[k] !== null);
        if (refs.length < 2) return;
        out.push({
          message: `${c.label}: envFrom[${j}] has both a configMapRef and a secretRef: ${rejects(w, `${apiPath([...c.path, 'envFrom'])}: Invalid value: "": may not have more than one field specified at a time`)}`,
          path: [...c.path, 'envFrom', j],
          container: c.name,
          fix: `Split envFrom[${j}] of ${c.label} into two items: - configMapRef: {...} and - secretRef: {...}.`,
        });
      });
    }

    // --- tolerations (validateTolerations)
    getArray(spec, ['tolerations']).forEach((t, j) => {
      if (!isObject(t)) return;
      const opPath: FieldPath = [...w.podSpecPath, 'tolerations', j, 'operator'];
      const op = t.operator;
      if (typeof op === 'string' && isTemplated(op)) return;
      if (typeof op === 'string' && op !== '' && op !== 'Equal' && op !== 'Exists') {
        out.push({
          message: `tolerations[${j}]: operator "${op}" is not Equal or Exists: ${rejects(w, `${apiPath(opPath)}: Unsupported value: "${op}": supported values: "Equal", "Exists"`)}`,
          path: opPath,
          fix: `Write the operator as ${/^exist/i.test(op) ? 'Exists' : 'Equal'} (case-sensitive).`,
        });
      } else if (op === 'Exists' && typeof t.value === 'string' && t.value !== '' && !isTemplated(t.value)) {
        out.push({
          message: `tolerations[${j}]: operator Exists with a value ("${t.value}"): ${rejects(w, `${apiPath(opPath)}: Invalid value: "${t.value}": value must be empty when \`operator\` is 'Exists'`)}`,
          path: [...w.podSpecPath, 'tolerations', j, 'value'],
          fix: `Remove tolerations[${j}].value (Exists matches any value of the key), or use operator: Equal to match that value only.`,
        });
      } else if (op === 'Equal' && (t.key === undefined || t.key === null || t.key === '')) {
        out.push({
          message: `tolerations[${j}]: operator Equal without a key: ${rejects(w, `${apiPath(opPath)}: Invalid value: "Equal": operator must be Exists when \`key\` is empty, which means "match all values and all keys"`)}`,
          path: opPath,
          fix: `Name the taint's key in tolerations[${j}].key, or use operator: Exists without a key to tolerate every taint (rarely what a workload should do).`,
        });
      }
    });

    // --- ports (validateContainerPorts; checkHostPortConflicts; validatePodHostNetworkDeps)
    const hostNetwork = spec.hostNetwork === true;
    for (const c of runnable) {
      const names = new Map<string, number>();
      getArray(c.spec, ['ports']).forEach((p, j) => {
        if (!isObject(p)) return;
        const cp = p.containerPort;
        const cpPath: FieldPath = [...c.path, 'ports', j, 'containerPort'];
        if ((cp === undefined || cp === null || cp === 0) && !patchFile) {
          out.push({
            message: `${c.label}: ports[${j}] has no containerPort: ${rejects(w, `${apiPath(cpPath)}: Required value`)}`,
            path: [...c.path, 'ports', j],
            container: c.name,
            fix: `Set ${formatPath(cpPath)} to the port the process listens on (1-65535), or remove ports[${j}].`,
          });
        } else if (typeof cp === 'number' && (!Number.isInteger(cp) || cp < 1 || cp > 65535)) {
          out.push({
            message: `${c.label}: containerPort ${cp} is not a port number: ${rejects(w, `${apiPath(cpPath)}: Invalid value: ${cp}: must be between 1 and 65535, inclusive`)}`,
            path: cpPath,
            container: c.name,
            fix: `Set ${formatPath(cpPath)} to the port the process listens on, from 1 to 65535.`,
          });
        }
        const proto = p.protocol;
        if (typeof proto === 'string' && proto !== '' && !isTemplated(proto) && proto !== 'TCP' && proto !== 'UDP' && proto !== 'SCTP') {
          const protoPath: FieldPath = [...c.path, 'ports', j, 'protocol'];
          out.push({
            message: `${c.label}: ports[${j}] protocol "${proto}" is not TCP, UDP or SCTP: ${rejects(w, `${apiPath(protoPath)}: Unsupported value: "${proto}": supported values: "SCTP", "TCP", "UDP"`)}`,
            path: protoPath,
            container: c.name,
            fix: ['TCP', 'UDP', 'SCTP'].includes(proto.toUpperCase()) ? `Write the protocol as ${proto.toUpperCase()} (case-sensitive).` : 'Set the protocol to TCP (HTTP and gRPC run over TCP), UDP or SCTP, or remove it (TCP is the default).',
          });
        }
        const n = getString(p, ['name']);
        const nameErr = n !== undefined && n !== '' && !isTemplated(n) ? portNameError(n) : null;
        if (nameErr) {
          const namePath: FieldPath = [...c.path, 'ports', j, 'name'];
          out.push({
            message: `${c.label}: port name "${n}" is not a valid port name (an IANA service name): ${rejects(w, `${apiPath(namePath)}: Invalid value: "${n}": ${nameErr}`)}`,
            path: namePath,
            container: c.name,
            fix: `Rename the port (at most 15 lower case letters, digits and "-", with a letter: http, metrics, grpc-api), and the targetPort or probe port that names it.`,
          });
        }
        if (n === undefined || !isValidPortName(n)) return;
        const first = names.get(n);
        if (first === undefined) {
          names.set(n, j);
          return;
        }
        out.push({
          message: `${c.label}: ports[${first}] and ports[${j}] are both named "${n}": ${rejects(w, `${apiPath([...c.path, 'ports', j, 'name'])}: Duplicate value: "${n}"`)}`,
          path: [...c.path, 'ports', j, 'name'],
          container: c.name,
          fix: `Give ports[${j}] of ${c.label} a name of its own (or delete it if it repeats ports[${first}]): port names are unique within a container.`,
        });
      });
    }
    interface HostPort {
      c: Ctr;
      j: number;
      key: string;
      /** Set by the API server on the Pod (hostNetwork), not written. */
      defaulted: boolean;
    }
    /** The host ports of a container as the API server compares them: protocol/hostIP/port. */
    const hostPorts = (c: Ctr, defaulting: boolean): HostPort[] => {
      const res: HostPort[] = [];
      getArray(c.spec, ['ports']).forEach((p, j) => {
        if (!isObject(p)) return;
        const proto = p.protocol === undefined || p.protocol === null ? 'TCP' : p.protocol;
        if (proto !== 'TCP' && proto !== 'UDP' && proto !== 'SCTP') return;
        const hostIP = p.hostIP === undefined || p.hostIP === null ? '' : p.hostIP;
        if (typeof hostIP !== 'string' || isTemplated(hostIP)) return;
        let hp = p.hostPort === undefined || p.hostPort === null ? 0 : p.hostPort;
        let defaulted = false;
        if (hp === 0 && defaulting && typeof p.containerPort === 'number') {
          hp = p.containerPort;
          defaulted = true;
        }
        if (typeof hp !== 'number' || !Number.isInteger(hp) || hp === 0) return;
        res.push({ c, j, key: `${proto}/${hostIP}/${hp}`, defaulted });
      });
      return res;
    };
    const conflicts = (groups: Ctr[][], defaulting: boolean): { a: HostPort; b: HostPort; apiIndex: number }[] => {
      const res: { a: HostPort; b: HostPort; apiIndex: number }[] = [];
      for (const group of groups) {
        const held = new Map<string, HostPort>();
        group.forEach((c, gi) => {
          for (const hp of hostPorts(c, defaulting)) {
            const first = held.get(hp.key);
            if (first) res.push({ a: first, b: hp, apiIndex: gi });
            else held.set(hp.key, hp);
          }
        });
      }
      return res;
    };
    const regular = runnable.filter((c) => c.key === 'containers');
    // Init containers run one by one: each is checked alone, and the API server names it initContainers[0].
    const groups = [regular, ...runnable.filter((c) => c.key === 'initContainers').map((c) => [c])];
    const written = conflicts(groups, false);
    const onPod = hostNetwork ? conflicts(groups, true) : [];
    const reported = new Set<string>();
    /** Findings on the Pods only (a template on the host network): worded once the others are known. */
    const podOnly: { finding: FindingInput; error: string; head: string }[] = [];
    for (const { a, b, apiIndex: gi, onPods } of [...written.map((x) => ({ ...x, onPods: false })), ...onPod.map((x) => ({ ...x, onPods: !isPod }))]) {
      const id = `${b.c.key}/${b.c.index}/${b.j}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const [proto, , port] = b.key.split('/');
      const listPath: FieldPath = b.c.key === 'initContainers' ? [...w.podSpecPath, 'initContainers', 0] : [...w.podSpecPath, 'containers', gi];
      const podPrefix = onPods ? (p: FieldPath) => ['spec', ...p.slice(w.podSpecPath.length)] : (p: FieldPath) => p;
      const error = `${apiPath(podPrefix([...listPath, 'ports', b.j, 'hostPort']))}: Duplicate value: "${b.key}"`;
      const where = (h: HostPort) => `${h.c.label} ports[${h.j}]`;
      const held = a.c === b.c ? `ports[${a.j}] and ports[${b.j}] of ${b.c.label} both` : `${a.c.label} (ports[${a.j}]) and ${b.c.label} (ports[${b.j}]) both`;
      const how = a.defaulted || b.defaulted ? ` (with hostNetwork: true each containerPort is a port of the node: the API server sets hostPort to it on the Pod)` : '';
      const finding: FindingInput = {
        message: `${held} hold ${proto} port ${port} of the node${how}: ${rejects(w, error)}`,
        path: [...b.c.path, 'ports', b.j, b.defaulted ? 'containerPort' : 'hostPort'],
        container: b.c.name,
        fix: hostNetwork
          ? `On the host network each port is the node's: have ${where(b)} listen on another port (its containerPort and the process's own setting), or drop the port from one of the two containers.`
          : `Give ${where(b)} another hostPort, or remove the hostPort from one of them (a Service reaches a containerPort without it).`,
      };
      if (onPods) podOnly.push({ finding, error, head: `${held} hold ${proto} port ${port} of the node${how}` });
      else out.push(finding);
    }
    if (hostNetwork) {
      for (const c of regular) {
        const ports = getArray(c.spec, ['ports']);
        const bad = ports
          .map((p, j) => ({ p, j }))
          .filter(({ p }) => isObject(p) && typeof p.hostPort === 'number' && p.hostPort !== 0 && typeof p.containerPort === 'number' && p.hostPort !== p.containerPort);
        if (bad.length === 0) continue;
        // Every port, hostPort set to its containerPort where it differed: valid, and what runs (the process listens on containerPort on the node).
        const fixed = ports.map((p) => (isObject(p) && typeof p.hostPort === 'number' && p.hostPort !== 0 && typeof p.containerPort === 'number' ? { ...p, hostPort: p.containerPort } : p));
        const snippet = c.ref ? placeFix(w, 'container', toYaml({ ports: fixed }), c.name) : null;
        for (const { p, j } of bad) {
          const hp = (p as JsonObject).hostPort as number;
          const cp = (p as JsonObject).containerPort as number;
          out.push({
            message: `${c.label}: ports[${j}] asks for hostPort ${hp} with containerPort ${cp}, but on the host network (hostNetwork: true) a port cannot be remapped: ${rejects(w, `${apiPath([...c.path, 'ports', j, 'hostPort'])}: Invalid value: ${hp}: must match \`containerPort\` when \`hostNetwork\` is true`)}`,
            path: [...c.path, 'ports', j, 'hostPort'],
            container: c.name,
            fix: `Set hostPort to ${cp} (or remove it: on the host network it defaults to the containerPort) in ports[${j}] of ${c.label}; to serve on node port ${hp}, make the process listen on ${hp} and set containerPort: ${hp}.`,
            fixSnippet: snippet ?? undefined,
          });
        }
      }
    }

    // --- securityContext (ValidateSecurityContext)
    for (const c of runnable) {
      const sc = getObject(c.spec, ['securityContext']);
      if (!sc || sc.allowPrivilegeEscalation !== false) continue;
      const scPath = [...c.path, 'securityContext'];
      if (sc.privileged === true) {
        out.push({
          message: `${c.label}: securityContext sets allowPrivilegeEscalation: false and privileged: true: ${rejects(w, `${apiPath(scPath)}: Invalid value: {…}: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`)}`,
          path: [...scPath, 'allowPrivilegeEscalation'],
          container: c.name,
          fix: `Remove allowPrivilegeEscalation: false from ${c.label} (a privileged container has every privilege anyway), or remove privileged: true if it does not need it.`,
        });
      }
      const add = getArray(sc, ['capabilities', 'add']);
      const i = add.indexOf('CAP_SYS_ADMIN');
      if (i !== -1) {
        out.push({
          message: `${c.label}: securityContext sets allowPrivilegeEscalation: false and adds the capability CAP_SYS_ADMIN: ${rejects(w, `${apiPath(scPath)}: Invalid value: {…}: cannot set \`allowPrivilegeEscalation\` to false and \`capabilities.Add\` CAP_SYS_ADMIN`)}`,
          path: [...scPath, 'capabilities', 'add', i],
          container: c.name,
          fix: `Remove allowPrivilegeEscalation: false from ${c.label} (with SYS_ADMIN it can gain most privileges anyway), or drop CAP_SYS_ADMIN from capabilities.add. (The API server's rule matches the exact string CAP_SYS_ADMIN: written SYS_ADMIN, the usual spelling, the pair is accepted and the runtime grants the same capability.)`,
        });
      }
    }

    // --- AppArmor (ValidateAppArmorPodAnnotations; validateAppArmorAnnotationsAndFieldsMatchOnCreate)
    const annPath = (key: string): FieldPath => [...w.podMetaPath, 'annotations', key];
    /** Where the API server reports annotations: a template's `spec.template.annotations`, a Pod's `metadata.annotations`. */
    const apiAnn = isPod ? ['metadata', 'annotations'] : [...w.podMetaPath.slice(0, -1), 'annotations'];
    const containerNames = ctrNames.filter((n): n is string => n !== undefined);
    for (const key of Object.keys(w.podAnnotations)) {
      if (!key.startsWith(APPARMOR_PREFIX) || isTemplated(key)) continue;
      const name = key.slice(APPARMOR_PREFIX.length);
      if (patchFile || ctrsUnsure || containerNames.includes(name)) continue;
      const hint = didYouMean(nearNames(name, containerNames));
      out.push({
        message: `annotation ${key} names container "${name}", which the pod does not have (its containers: ${joinAnd(containerNames.map((n) => `"${n}"`))}${hint ? `; ${hint}` : ''}): ${rejects(w, `${apiPath(apiAnn, { key, as: 'index' })}: Invalid value: "${name}": container not found`)}`,
        path: annPath(key),
        fix: `Delete the annotation ${key} from ${formatPath([...w.podMetaPath, 'annotations'])} (deprecated since v1.30: set securityContext.appArmorProfile on the container instead), or key it to a container of the pod${hint ? ` (${hint})` : ''}.`,
      });
    }
    if (getString(spec, ['os', 'name']) !== 'windows') {
      const podProfile = getObject(spec, ['securityContext', 'appArmorProfile']);
      for (const c of runnable) {
        if (c.name === undefined) continue;
        const key = APPARMOR_PREFIX + c.name;
        const annotation = w.podAnnotations[key];
        if (annotation === undefined || isTemplated(annotation)) continue;
        // An invalid value is rejected on its own: apparmor-profile reports it.
        if (annotation !== '' && annotation !== 'runtime/default' && annotation !== 'unconfined' && !annotation.startsWith('localhost/')) continue;
        const own = getObject(c.spec, ['securityContext', 'appArmorProfile']);
        const profile = own ?? podProfile;
        if (!profile || typeof profile.type !== 'string' || isTemplated(profile.type)) continue;
        // Creating a Pod copies the annotation into the field of a container that has none of its own.
        if (isPod && !own && apparmorFromAnnotation(annotation) !== null) continue;
        const field = mismatch(annotation, profile, ['runtime/default']);
        if (!field) continue;
        const from = own ? `its securityContext.appArmorProfile` : `the pod's securityContext.appArmorProfile`;
        const error = `${apiPath([...c.path, 'securityContext', 'appArmorProfile', field])}: Forbidden: apparmor ${field === 'type' ? 'type' : 'profile'} in annotation and field must match`;
        out.push({
          message: `${c.label}: annotation ${key}: ${JSON.stringify(annotation)} disagrees with ${from} (${profileText(profile)}): ${rejects(w, error)}`,
          path: annPath(key),
          container: c.name,
          fix: `Delete the annotation ${key} from ${formatPath([...w.podMetaPath, 'annotations'])}: it is deprecated since v1.30 and the field (${profileText(profile)}) is what applies; or, if the annotation says what you want, set ${own ? `the container's` : `the pod's`} appArmorProfile to match it.`,
        });
      }
    }

    // --- seccomp (ValidateSeccompPodAnnotations; validateSeccompAnnotationsAndFields)
    const invalidSeccomp = new Set<string>();
    for (const [key, value] of Object.entries(w.podAnnotations)) {
      if ((key !== SECCOMP_POD && !key.startsWith(SECCOMP_PREFIX)) || isTemplated(key) || isTemplated(value)) continue;
      const bad = badSeccomp(value);
      if (!bad) continue;
      invalidSeccomp.add(key);
      out.push({
        message: `annotation ${key}: ${JSON.stringify(value)} is not a seccomp profile (runtime/default, docker/default, unconfined or localhost/<relative path>): ${rejects(w, `${apiPath(apiAnn, { key, as: 'child' })}: Invalid value: ${JSON.stringify(bad.value)}: ${bad.why}`)}`,
        path: annPath(key),
        fix: `Delete the annotation ${key} (deprecated since v1.19) and set securityContext.seccompProfile instead (type: RuntimeDefault, or Localhost with localhostProfile), or correct its value.`,
      });
    }
    const seccompPairs: { key: string; profile: JsonObject | undefined; level: string; error: FieldPath; c?: Ctr }[] = [
      { key: SECCOMP_POD, profile: getObject(spec, ['securityContext', 'seccompProfile']), level: `the pod's securityContext.seccompProfile`, error: [...w.podSpecPath, 'securityContext', 'seccompProfile'] },
      ...runnable
        .filter((c) => c.name !== undefined)
        .map((c) => ({ key: SECCOMP_PREFIX + c.name, profile: getObject(c.spec, ['securityContext', 'seccompProfile']), level: `${c.label}'s securityContext.seccompProfile`, error: [...c.path, 'securityContext', 'seccompProfile'], c })),
    ];
    for (const { key, profile, level, error, c } of seccompPairs) {
      const annotation = w.podAnnotations[key];
      if (annotation === undefined || !profile || invalidSeccomp.has(key) || isTemplated(annotation)) continue;
      if (typeof profile.type !== 'string' || isTemplated(profile.type)) continue;
      const field = mismatch(annotation, profile, ['runtime/default', 'docker/default']);
      if (!field) continue;
      out.push({
        message: `annotation ${key}: ${JSON.stringify(annotation)} disagrees with ${level} (${profileText(profile)}): ${rejects(w, `${apiPath([...error, field])}: Forbidden: seccomp ${field === 'type' ? 'type' : 'profile'} in annotation and field must match`)}`,
        path: annPath(key),
        container: c?.name,
        fix: `Delete the annotation ${key} from ${formatPath([...w.podMetaPath, 'annotations'])}: it is deprecated since v1.19 and the seccompProfile field (${profileText(profile)}) is what applies; or, if the annotation says what you want, set the field to match it.`,
      });
    }
    const alone = out.length === 0;
    for (const { finding, error, head } of podOnly) out.push({ ...finding, message: `${head}: ${rejectsPods(w, error, alone)}` });
    return out;
  },
});
