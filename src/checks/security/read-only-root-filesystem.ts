import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef, JsonObject, Workload } from '../../model/types.js';
import { get, getArray, isObject } from '../../model/util.js';
import { placeFix, toYaml, yamlScalar } from '../../model/fix-yaml.js';
import { containerSC, containerSCPath, isPrivileged, isWindowsPod, podVolumes, who, windowsByScheduling } from './pss-util.js';

/** A volume name is a DNS label (RFC 1123): at most 63 lower-case letters, digits and '-', alphanumeric at both ends. */
const MAX_NAME = 63;

/** `/tmp/` and `//tmp` are the same mount point as `/tmp`. */
function samePath(p: string): string {
  return p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

/** The container's volume mount at /tmp, if it has one. */
function tmpMount(c: ContainerRef): JsonObject | undefined {
  return getArray(c.spec, ['volumeMounts']).find((m): m is JsonObject => isObject(m) && typeof m.mountPath === 'string' && samePath(m.mountPath) === '/tmp');
}

/** `s` as the tail of a DNS label: lower case, other characters turned into '-', none at either end. */
function labelPart(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The names of the emptyDir volumes the fixes add at /tmp, by container: none of them is a volume of
 * the pod or a name a container already mounts (a pod's volume names are unique: the API server
 * rejects a duplicate, and a mount names the volume it uses), nor another's: each container gets its
 * own /tmp, as it had in its own root filesystem. A single container takes `tmp` when it is free.
 */
function tmpVolumeNames(w: Workload, need: ContainerRef[]): Map<string, string> {
  const taken = new Set(podVolumes(w).map((v) => v.name));
  for (const c of w.containers) for (const m of getArray(c.spec, ['volumeMounts'])) if (isObject(m) && typeof m.name === 'string') taken.add(m.name);
  const out = new Map<string, string>();
  for (const c of need) {
    let name = need.length === 1 && !taken.has('tmp') ? 'tmp' : '';
    if (!name) {
      const stem = `tmp-${labelPart(c.name)}`.slice(0, MAX_NAME).replace(/-+$/, '');
      name = stem;
      for (let i = 2; taken.has(name); i++) name = `${stem.slice(0, MAX_NAME - String(i).length - 1).replace(/-+$/, '')}-${i}`;
    }
    taken.add(name);
    out.set(c.name, name);
  }
  return out;
}

const C_NAME = 'C-NAME-OF-THE-CONTAINER';
const V_NAME = 'V-NAME-OF-THE-VOLUME';

/**
 * The fix for one container, relative to the pod spec: readOnlyRootFilesystem: true, and an emptyDir
 * of its own at /tmp unless it already mounts something there. Null when the container is not
 * where the pod spec says (the engine then shows none).
 */
function fixFor(w: Workload, c: ContainerRef, volume: string | undefined): string | null {
  const key = c.path[c.path.length - 2];
  const inSpec = c.path.length === w.podSpecPath.length + 2 && w.podSpecPath.every((p, i) => c.path[i] === p);
  if (!inSpec || typeof key !== 'string') return null;
  // The shape is dumped once (memoized) with stand-ins for the names, which are then written in: names
  // differ per workload, the shape does not.
  const container: JsonObject = { name: C_NAME, securityContext: { readOnlyRootFilesystem: true } };
  let note: string;
  if (volume !== undefined) {
    container.volumeMounts = [{ name: V_NAME, mountPath: '/tmp' }];
    note = 'a writable /tmp of its own; mount an emptyDir at each other path it writes to';
  } else {
    const m = tmpMount(c);
    note = `/tmp is already mounted${typeof m?.name === 'string' ? ` (volume "${m.name}")` : ''}; mount an emptyDir at each other path it writes to`;
  }
  const spec: JsonObject = { [key]: [container] };
  if (volume !== undefined) spec.volumes = [{ name: V_NAME, emptyDir: {} }];
  const text = toYaml(spec).trimEnd().replaceAll(C_NAME, yamlScalar(c.name)).replaceAll(V_NAME, volume === undefined ? '' : yamlScalar(volume));
  const lines = text.split('\n');
  const at = lines.findIndex((l) => (volume !== undefined ? /^\s+mountPath: \/tmp$/.test(l) : /^\s+readOnlyRootFilesystem: true$/.test(l)));
  if (at >= 0) lines[at] += `   # ${note}`;
  return placeFix(w, 'pod-spec', lines.join('\n'));
}

export default defineCheck({
  id: 'read-only-root-filesystem',
  pillar: 'security',
  severity: 'warning',
  title: 'Writable root filesystem',
  whatBreaks:
    "With a writable root filesystem an attacker who gets code execution can drop tools and binaries, overwrite the application's own files or libraries, and persist changes for the life of the container; the same write access also lets a runaway log or cache fill the node's disk.",
  details: `Set \`securityContext.readOnlyRootFilesystem: true\` on every long-running container (regular containers and native sidecars). The image layers then stay immutable; give the process explicit writable \`emptyDir\` mounts for the paths it really writes (\`/tmp\`, caches, pid files).

This is not part of the Pod Security Standards, but it is in the CIS Kubernetes Benchmark and NSA/CISA hardening guide. Init containers are not checked (they run to completion before the application starts), nor privileged containers: with every capability they can remount the root filesystem writable, so the setting protects nothing there (privileged-container reports them). Windows pods (\`spec.os.name: windows\`, or pinned to Windows nodes by \`nodeSelector\` or required node affinity) are skipped: the field is not supported there.

Some images expect to write to their root filesystem (nginx to \`/var/cache/nginx\` and \`/var/run\`, many JVM apps to \`/tmp\`); mount an \`emptyDir\` at those paths rather than exempting the container.

Each finding's fix sets the field on its container and, unless the container already mounts something at \`/tmp\`, gives it an \`emptyDir\` of its own there, named \`tmp\` when that is free and the container is the only one that needs one, else \`tmp-<container>\`: never the name of a volume the pod has or a mount names (the API server rejects a duplicate volume name), so the fixes of several containers apply together.`,
  fix: {
    text: 'Set readOnlyRootFilesystem: true and mount emptyDir volumes at the paths the process writes to.',
    yaml: `containers:
  - name: app
    securityContext:
      readOnlyRootFilesystem: true
    volumeMounts:
      - name: tmp
        mountPath: /tmp
volumes:
  - name: tmp
    emptyDir: {}`,
    // Each finding's own fix (fixFor): its container at its real path, and a /tmp volume only where it
    // has none, under a name no volume of the pod has.
    place: { at: 'object', snippet: '' },
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (isWindowsPod(w) || windowsByScheduling(w)) return [];
    const out: FindingInput[] = [];
    const found: ContainerRef[] = [];
    for (const c of w.containers) {
      if (!c.longRunning) continue;
      // A privileged container can remount its root filesystem writable (CAP_SYS_ADMIN): the setting
      // protects nothing there; privileged-container reports what matters.
      if (isPrivileged(c)) continue;
      if (get(containerSC(c), ['readOnlyRootFilesystem']) === true) continue;
      found.push(c);
    }
    const volumes = tmpVolumeNames(w, found.filter((c) => !tmpMount(c)));
    for (const c of found) {
      const v = get(containerSC(c), ['readOnlyRootFilesystem']);
      out.push({
        message:
          v === false
            ? `${who(c)}: readOnlyRootFilesystem: false leaves the image's filesystem writable`
            : `${who(c)}: readOnlyRootFilesystem is not set, so the image's filesystem is writable`,
        path: containerSCPath(c, 'readOnlyRootFilesystem'),
        container: c.name,
        fixSnippet: fixFor(w, c, volumes.get(c.name)) ?? undefined,
      });
    }
    return out;
  },
});
