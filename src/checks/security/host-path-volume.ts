import { defineCheck, type FindingInput } from '../types.js';
import { getString, isObject } from '../../model/util.js';
import { listText, mountedBy, podVolumes, pssRef, q } from './pss-util.js';

/** Host paths whose mount hands over the node outright (container runtime sockets, the root, kubelet state). */
const NODE_TAKEOVER = [/^\/$/, /\.sock$/, /^\/var\/run\/docker/, /^\/run\/containerd/, /^\/var\/run\/containerd/, /^\/var\/run\/crio/, /^\/run\/crio/, /^\/var\/lib\/kubelet/, /^\/etc\/kubernetes/, /^\/proc/, /^\/etc\/?$/, /^\/(var\/)?run\/?$/];

export default defineCheck({
  id: 'host-path-volume',
  pillar: 'security',
  severity: 'error',
  pss: 'baseline',
  title: 'hostPath volume',
  whatBreaks:
    "A hostPath volume mounts a directory of the node into the pod. Depending on the path, a compromised container reads other pods' secrets and the kubelet's credentials, writes files the node executes, or drives the container runtime socket and starts privileged containers: a full node takeover.",
  details: `PodSecurity **baseline** forbids \`spec.volumes[*].hostPath\` entirely, even read-only mounts: \`readOnly\` mounts of a directory still expose everything below it (kubelet credentials under \`/var/lib/kubelet\`, other pods' projected secrets), and symlink tricks have repeatedly escaped read-only hostPath mounts.

hostPath data is also tied to one node: the pod loses it when it is rescheduled elsewhere.

Use \`emptyDir\` for scratch space, a PersistentVolumeClaim for data, \`configMap\`/\`secret\`/\`projected\` for configuration. Node agents that must read the host (log shippers, node exporters, CSI node plugins) are the legitimate exception: run them in a privileged namespace and exempt them here with a reason.`,
  fix: {
    text: 'Replace the hostPath volume with emptyDir (scratch), a PersistentVolumeClaim (data) or a configMap/secret (configuration).',
    yaml: `volumes:
  - name: cache
    emptyDir:
      sizeLimit: 1Gi
  - name: data
    persistentVolumeClaim:
      claimName: data`,
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    const out: FindingInput[] = [];
    for (const { volume, index, name } of podVolumes(w)) {
      if (!isObject(volume.hostPath)) continue;
      const hostPath = getString(volume, ['hostPath', 'path']);
      const users = mountedBy(w, name);
      const mounted = users.length ? `, mounted by ${listText(users.map((u) => `"${u}"`))}` : '';
      const danger = hostPath !== undefined && NODE_TAKEOVER.some((re) => re.test(hostPath)) ? ': this path alone is enough to take over the node' : '';
      out.push({
        message: `volume "${name}": hostPath ${hostPath !== undefined ? q(hostPath) : '(no path)'} mounts the node's filesystem into the pod${mounted}${danger} ${pssRef('baseline', 'HostPath Volumes')}`,
        path: [...w.podSpecPath, 'volumes', index, 'hostPath'],
      });
    }
    return out;
  },
});
