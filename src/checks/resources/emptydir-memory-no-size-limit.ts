import { defineCheck, type FindingInput } from '../types.js';
import { get, getArray, getObject, getString } from '../../model/util.js';

export default defineCheck({
  id: 'emptydir-memory-no-size-limit',
  pillar: 'resources',
  severity: 'warning',
  title: 'Memory-backed emptyDir has no sizeLimit',
  whatBreaks:
    'Files written to a `medium: Memory` emptyDir live in RAM (tmpfs) and count against the memory limit of the container that writes them, so a growing cache or log file OOMKills the container; a container without a memory limit can fill the node\'s memory instead.',
  details: `An emptyDir with \`medium: Memory\` is a tmpfs. Its pages are charged to the memory cgroup of the container that wrote them and are not reclaimable while the files exist, so they eat into the container's memory limit just like heap does, and they are easy to forget when sizing that limit.

With \`sizeLimit\` the volume is bounded: recent Kubernetes versions mount the tmpfs with that size (writes beyond it fail with "No space left on device"), and the kubelet evicts the pod if the volume's usage goes above it. Without it, the tmpfs can grow to the pod's memory limit, or to the node's allocatable memory.

Size it to what the application really keeps there (e.g. \`/dev/shm\` for Chromium or PyTorch data loaders), and include it in the container's memory limit.`,
  fix: {
    text: 'Set emptyDir.sizeLimit on memory-backed volumes and account for it in the memory limit.',
    yaml: `volumes:
  - name: shm
    emptyDir:
      medium: Memory
      sizeLimit: 256Mi`,
  },
  target: 'workload',
  run(ctx) {
    const w = ctx.workload;
    if (!w) return [];
    const out: FindingInput[] = [];
    getArray(w.podSpec, ['volumes']).forEach((v, i) => {
      const dir = getObject(v, ['emptyDir']);
      if (!dir || getString(dir, ['medium']) !== 'Memory') return;
      const size = get(dir, ['sizeLimit']);
      if (size !== undefined && size !== null) return;
      const name = getString(v, ['name']) ?? `#${i}`;
      out.push({
        message: `emptyDir volume "${name}" is memory-backed (medium: Memory) and has no sizeLimit`,
        path: [...w.podSpecPath, 'volumes', i, 'emptyDir'],
      });
    });
    return out;
  },
});
