import { defineCheck, type FindingInput } from '../types.js';
import type { ContainerRef, Workload } from '../../model/types.js';
import { yamlScalar } from '../../model/fix-yaml.js';
import { formatPath, get, getArray, getObject, getString, isObject, parseQuantity } from '../../model/util.js';
import { label, ownQuantity, podQuantity, show, type Quantity } from './shared.js';

const MI = 2 ** 20;

/** A size people write: whole GiB when it is one, else whole MiB (rounded down), else KiB. */
function sizeText(bytes: number): string {
  if (bytes >= MI) {
    const mi = Math.floor(bytes / MI);
    return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
  }
  return `${Math.max(1, Math.floor(bytes / 1024))}Ki`;
}

/** GKE's Cloud Storage FUSE CSI driver: its injected sidecar mounts these custom volumes of the pod (webhook sidecar_spec.go). */
const GCSFUSE_SIDECAR = 'gke-gcsfuse-sidecar';
const GCSFUSE_MEMORY = 'gke-gcsfuse/memory-limit';
const GCSFUSE_VOLUMES: Record<string, string> = { 'gke-gcsfuse-cache': 'file cache', 'gke-gcsfuse-buffer': 'write buffer' };

/** What a volume of the pod is to the injected gcsfuse sidecar, when the pod asks for it. */
function gcsfuseVolume(w: Workload, name: string): string | null {
  return w.podAnnotations['gke-gcsfuse/volumes'] === 'true' && Object.hasOwn(GCSFUSE_VOLUMES, name) ? GCSFUSE_VOLUMES[name] : null;
}

/** The containers that mount the volume, with the paths. */
function mountsOf(w: Workload, volume: string): { c: ContainerRef; paths: string[] }[] {
  const out: { c: ContainerRef; paths: string[] }[] = [];
  for (const c of w.containers) {
    const paths = getArray(c.spec, ['volumeMounts'])
      .filter((m) => isObject(m) && m.name === volume)
      .map((m) => getString(m, ['mountPath']) ?? '?');
    if (paths.length) out.push({ c, paths });
  }
  return out;
}

/**
 * The fix of one volume: a sizeLimit of half the smallest memory limit among the containers that
 * mount it (their own, else the pod-level limit), or, when one of them has no limit, why the value
 * must be chosen. Files in a memory-backed emptyDir are charged to the memory cgroup of the container
 * that writes them, so the container's limit bounds the volume anyway; half of it leaves the other
 * half to the process, and a write past the size fails (ENOSPC) instead of OOM-killing the container.
 */
function fixFor(w: Workload, name: string, named: boolean, volumes: string): Pick<FindingInput, 'fix' | 'fixSnippet'> {
  const users = mountsOf(w, name);
  const gcsfuse = users.length === 0 ? gcsfuseVolume(w, name) : null;
  if (gcsfuse) {
    // Mounted by the sidecar that GKE's Cloud Storage FUSE CSI driver injects at admission.
    const limit = w.podAnnotations[GCSFUSE_MEMORY];
    const bytes = limit !== undefined ? parseQuantity(limit) : undefined;
    const role = `the ${gcsfuse} of the ${GCSFUSE_SIDECAR} container that GKE's Cloud Storage FUSE CSI driver injects (gke-gcsfuse/volumes: "true"), which mounts it`;
    if (bytes !== undefined && bytes > 0) {
      const size = sizeText(bytes / 2);
      return {
        fix: `Set sizeLimit: ${size} on volume "${name}", ${role}: half of its memory limit (${GCSFUSE_MEMORY}: ${limit}). The files count against that limit, so at ${size} gcsfuse's writes past the size fail instead of OOM-killing the sidecar; keep gcsfuse's own cache size (file-cache:max-size-mb) within it.`,
        ...(named ? { fixSnippet: `volumes:\n- name: ${yamlScalar(name)}\n  emptyDir:\n    sizeLimit: ${size}   # half of the ${GCSFUSE_SIDECAR} memory limit (${GCSFUSE_MEMORY}: ${limit})` } : {}),
      };
    }
    const why = limit === undefined ? `its memory limit is the driver's default (the pod sets no ${GCSFUSE_MEMORY} annotation)` : `it has no memory limit (${GCSFUSE_MEMORY}: ${JSON.stringify(limit)})`;
    return {
      fix: `Set emptyDir.sizeLimit on volume "${name}", ${role}, to the size gcsfuse may fill there (the file cache's file-cache:max-size-mb in the volume's mountOptions): ${why}, so no size can be derived from one, and the files count against the sidecar's memory. Give the sidecar a memory limit (${GCSFUSE_MEMORY}) that holds the volume too.`,
    };
  }
  if (users.length === 0) {
    return {
      fix: `No container mounts volume "${name}", so the kubelet does not set it up and it holds nothing: delete it from ${volumes}. If a container is to mount it, set its sizeLimit to what that container keeps there, within the container's memory limit.`,
    };
  }
  const pod = podQuantity(w, 'limits', 'memory');
  const limits = users.map(({ c }) => {
    const own = ownQuantity(c.spec, 'limits', 'memory');
    const q: Quantity | undefined = own?.value !== undefined && own.value > 0 ? own : pod?.value !== undefined && pod.value > 0 ? pod : undefined;
    return { c, q, podLevel: q !== undefined && q === pod };
  });
  const where = users.map(({ c, paths }) => `${label(c)} at ${paths.join(', ')}`).join(' and ');
  const unknown = limits.filter((l) => l.q === undefined);
  if (unknown.length) {
    const who = unknown.map((l) => label(l.c)).join(' and ');
    return {
      fix: `Set emptyDir.sizeLimit on volume "${name}" (mounted by ${where}) to what the application keeps there (for /dev/shm: the shared memory it uses, e.g. a data loader's batches in flight): ${who} ${unknown.length > 1 ? 'have' : 'has'} no memory limit, so no size can be derived from one, and nothing but the node's memory bounds the volume today. The files count against the memory of the container that writes them: give ${who} a memory limit that holds the volume and the process together.`,
    };
  }
  const smallest = limits.reduce((a, b) => (b.q!.value! < a.q!.value! ? b : a));
  const size = sizeText(smallest.q!.value! / 2);
  const of = smallest.podLevel ? `the pod's memory limit of ${show(smallest.q!)} (spec.resources.limits.memory)` : `the ${show(smallest.q!)} memory limit of ${label(smallest.c)}`;
  const others = users.length > 1 ? ', the smallest among the containers that mount it' : ', which mounts it';
  return {
    fix: `Set sizeLimit: ${size} on volume "${name}" (mounted by ${where}): half of ${of}${others}. Files in a memory-backed emptyDir count against the memory limit of the container that writes them, so a volume as large as the limit would leave nothing to the process and end in an OOM kill; at ${size} a write past the size fails with "No space left on device" instead, and the other half stays for the process. If the application keeps more there, raise both the sizeLimit and the memory limit.`,
    ...(named ? { fixSnippet: `volumes:\n- name: ${yamlScalar(name)}\n  emptyDir:\n    sizeLimit: ${size}   # half of ${smallest.podLevel ? "the pod's" : `"${smallest.c.name}"'s`} ${show(smallest.q!)} memory limit: the files count against it` } : {}),
  };
}

export default defineCheck({
  id: 'emptydir-memory-no-size-limit',
  pillar: 'resources',
  severity: 'warning',
  title: 'Memory-backed emptyDir has no sizeLimit',
  whatBreaks:
    'Files written to a `medium: Memory` emptyDir live in RAM (tmpfs) and count against the memory limit of the container that writes them, so a growing cache or log file OOMKills the container; a container without a memory limit can fill the node\'s memory instead.',
  details: `An emptyDir with \`medium: Memory\` is a tmpfs. Its pages are charged to the memory cgroup of the container that wrote them and are not reclaimable while the files exist, so they eat into the container's memory limit just like heap does, and they are easy to forget when sizing that limit.

With \`sizeLimit\` the volume is bounded: recent Kubernetes versions mount the tmpfs with that size (writes beyond it fail with "No space left on device"), and the kubelet evicts the pod if the volume's usage goes above it. Without it, the tmpfs can grow to the pod's memory limit, or to the node's allocatable memory.

Size it to what the application really keeps there (e.g. \`/dev/shm\` for Chromium or PyTorch data loaders), and include it in the container's memory limit.

Each finding's fix derives the size from the pod: half of the smallest memory limit among the containers that mount the volume (their own, else the pod-level \`spec.resources.limits.memory\`), so the volume cannot take the whole limit and a full volume fails writes instead of OOM-killing the container. When a container that mounts it has no memory limit, the fix says the size must be chosen from what the application keeps there, and that the container needs a limit that holds it; a volume that no container mounts is to be deleted, except the \`gke-gcsfuse-cache\` and \`gke-gcsfuse-buffer\` volumes of a pod annotated \`gke-gcsfuse/volumes: "true"\`, which the sidecar that GKE's Cloud Storage FUSE CSI driver injects mounts (its memory limit is the \`gke-gcsfuse/memory-limit\` annotation).`,
  fix: {
    text: 'Set emptyDir.sizeLimit on memory-backed volumes, within the memory limit of the containers that mount them (the files count against it), and account for it in that limit.',
    yaml: `containers:
  - name: app
    resources:
      limits:
        memory: 512Mi        # the files in /dev/shm count against it
    volumeMounts:
      - name: shm
        mountPath: /dev/shm
volumes:
  - name: shm
    emptyDir:
      medium: Memory
      sizeLimit: 256Mi       # half of the memory limit of the container that mounts it`,
    // Per finding: the volume's own name and a size derived from the containers that mount it.
    place: { at: 'pod-spec', snippet: '' },
  },
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const out: FindingInput[] = [];
    const volumes = formatPath([...w.podSpecPath, 'volumes']);
    getArray(w.podSpec, ['volumes']).forEach((v, i) => {
      const dir = getObject(v, ['emptyDir']);
      if (!dir || getString(dir, ['medium']) !== 'Memory') return;
      const size = get(dir, ['sizeLimit']);
      if (size !== undefined && size !== null) return;
      const own = getString(v, ['name']);
      const name = own ?? `#${i}`;
      out.push({
        message: `emptyDir volume "${name}" is memory-backed (medium: Memory) and has no sizeLimit`,
        path: [...w.podSpecPath, 'volumes', i, 'emptyDir'],
        ...fixFor(w, name, own !== undefined && own !== '', volumes),
      });
    });
    return out;
  },
});
