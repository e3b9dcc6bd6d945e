import { defineCheck, type FindingInput } from '../types.js';
import { hasProbe, probeSnippet } from './probe-util.js';
import { idleCommand } from '../../model/idle.js';

export default defineCheck({
  id: 'liveness-probe-missing',
  pillar: 'health',
  severity: 'error',
  title: 'Container has no liveness probe',
  whatBreaks:
    'When the process deadlocks, hangs on a stuck connection pool or spins without serving, it keeps running: Kubernetes only restarts containers whose process exits. The pod stays up doing nothing until someone notices and deletes it by hand.',
  details: `Without a \`livenessProbe\` the kubelet restarts a container only when its main process exits. A wedged
process (deadlock, exhausted thread pool, event loop blocked) is never restarted.

Applies to long-running workloads (Deployments, StatefulSets, DaemonSets, bare Pods, custom resources
with a pod template such as Argo Rollouts) and to every regular container and native sidecar
(an init container with \`restartPolicy: Always\`). Plain init containers cannot have probes and
Jobs/CronJobs are not checked: they run to completion. Neither is a container that a webhook completes
at admission (Istio's \`image: auto\` in a pod marked for injection, or named \`istio-proxy\`): its probes
come from the injection template; nor the Ray container (the first) of a KubeRay RayCluster, RayService or
RayJob head or worker template: the operator adds liveness and readiness probes to it when it has none;
nor a container that only idles (\`sleep infinity\`, \`sleep 3600\`, \`tail -f /dev/null\`,
\`while true; do sleep 30; done\`, the pause image: a toolbox to exec into, or what keeps a DaemonSet's
pod alive after its init container did the work), which has nothing to hang and nothing to probe.

The Elasticsearch container of an ECK \`Elasticsearch\` is **info** that says why the operator leaves it
without one on purpose (restarting a slow node blindly can destabilise the cluster: elastic/cloud-on-k8s#2513).

A liveness probe must check only the process itself (is it able to answer at all?), never its
dependencies: a database outage that fails liveness restarts every replica at once. Keep
dependency checks in the readiness probe. It is reasonable to exempt a container whose process
is known to exit on every fatal condition (then a restart already happens), but say so with an
exemption and a reason.`,
  fix: {
    text: 'Add a cheap livenessProbe that checks the process only (not its dependencies), with a failure budget large enough to ride out GC pauses.',
    yaml: `containers:
  - name: app
    livenessProbe:
      httpGet:
        path: /livez
        port: http
      periodSeconds: 10
      timeoutSeconds: 2
      failureThreshold: 3`,
    place: { at: 'container', snippet: 'livenessProbe:\n  tcpSocket:\n    port: 8080   # the port it listens on\n  periodSeconds: 10\n  failureThreshold: 3' },
  },
  target: 'workload',
  classes: ['service', 'daemon', 'pod'],
  run({ workload }) {
    const out: FindingInput[] = [];
    for (const c of workload?.containers ?? []) {
      if (c.type !== 'container' && c.type !== 'sidecar') continue;
      if (hasProbe(c, 'livenessProbe') || c.injectedBy || c.probesBy) continue;
      // sleep / tail -f /dev/null / pause: nothing to hang, nothing a probe could check.
      if (idleCommand(c.spec) !== undefined) continue;
      if (c.livenessOmittedBy) {
        out.push({
          message: `container "${c.name}" has no livenessProbe: if it hangs without exiting, nothing restarts it; ${c.livenessOmittedBy}. If you add one, check only that the process answers (a TCP check of the HTTP port) with a failure budget of minutes, never cluster health`,
          path: [...c.path, 'livenessProbe'],
          container: c.name,
          severity: 'info',
          fixSnippet: probeSnippet(c, 'livenessProbe'),
        });
        continue;
      }
      out.push({
        message: `${c.type === 'sidecar' ? 'native sidecar' : 'container'} "${c.name}" has no livenessProbe: if it hangs without exiting, nothing restarts it`,
        path: [...c.path, 'livenessProbe'],
        container: c.name,
        fixSnippet: probeSnippet(c, 'livenessProbe'),
      });
    }
    return out;
  },
});
