import { defineCheck } from '../types.js';
import { get, isObject } from '../../model/util.js';

export default defineCheck({
  id: 'memory-limit-missing',
  pillar: 'resources',
  severity: 'error',
  title: 'Container has no memory limit',
  whatBreaks:
    'Without a memory limit a leak or a traffic spike lets the container take memory from every neighbour on the node until the kernel OOM killer picks victims, often other workloads. With a limit, only the leaking container is OOMKilled and restarted.',
  details:
    'Memory is not compressible: a container cannot be throttled back under its memory the way CPU is throttled. The limit is what turns a node-wide outage into one restarted container. Set the limit to the peak working set you measured plus headroom, and the request close to it (equal for Guaranteed QoS).',
  fix: {
    text: 'Set resources.limits.memory on every long-running container (and init container).',
    yaml: `containers:
  - name: app
    resources:
      requests:
        memory: 256Mi
      limits:
        memory: 512Mi`,
  },
  target: 'workload',
  run({ workload }) {
    const out = [];
    for (const c of workload!.containers) {
      const limits = get(c.spec, ['resources', 'limits']);
      if (isObject(limits) && limits.memory !== undefined && limits.memory !== null) continue;
      out.push({
        message: `container "${c.name}" has no memory limit`,
        path: [...c.path, 'resources', 'limits', 'memory'],
        container: c.name,
      });
    }
    return out;
  },
});
