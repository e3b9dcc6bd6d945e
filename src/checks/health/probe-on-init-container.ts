import { defineCheck, type FindingInput } from '../types.js';
import { hasProbe, PROBE_KINDS } from './probe-util.js';

export default defineCheck({
  id: 'probe-on-init-container',
  pillar: 'health',
  severity: 'error',
  title: 'Init container has a probe',
  whatBreaks:
    'The API server rejects the pod template (probes "may not be set for init containers without restartPolicy=Always"), so the apply fails and nothing is deployed.',
  details: `Plain init containers run to completion one after another before the app starts; the kubelet does not
probe them and the API server refuses \`livenessProbe\`, \`readinessProbe\` and \`startupProbe\` on them.
The usual cause is a sidecar moved to \`initContainers\` (native sidecars, Kubernetes 1.29+ by default)
without \`restartPolicy: Always\`, which also means the "sidecar" blocks the pod from starting, or a
probe copied along with the rest of the container spec. Native sidecars may have all three probes.`,
  fix: {
    text: 'If it is meant to run alongside the app, make it a native sidecar with restartPolicy: Always; otherwise remove the probe.',
    yaml: `initContainers:
  - name: proxy
    image: envoyproxy/envoy:v1.31.0
    restartPolicy: Always   # native sidecar: probes allowed
    readinessProbe:
      tcpSocket:
        port: 9901`,
  },
  target: 'workload',
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      if (c.type !== 'init') continue;
      for (const kind of PROBE_KINDS) {
        if (!hasProbe(c, kind)) continue;
        out.push({
          message: `init container "${c.name}" sets ${kind}, which the API server rejects unless the init container has restartPolicy: Always (a native sidecar)`,
          path: [...c.path, kind],
          container: c.name,
        });
      }
    }
    return out;
  },
});
