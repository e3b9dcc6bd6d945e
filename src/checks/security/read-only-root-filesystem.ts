import { defineCheck, type FindingInput } from '../types.js';
import { get } from '../../model/util.js';
import { containerSC, containerSCPath, isPrivileged, isWindowsPod, who, windowsByScheduling } from './pss-util.js';

export default defineCheck({
  id: 'read-only-root-filesystem',
  pillar: 'security',
  severity: 'warning',
  title: 'Writable root filesystem',
  whatBreaks:
    "With a writable root filesystem an attacker who gets code execution can drop tools and binaries, overwrite the application's own files or libraries, and persist changes for the life of the container; the same write access also lets a runaway log or cache fill the node's disk.",
  details: `Set \`securityContext.readOnlyRootFilesystem: true\` on every long-running container (regular containers and native sidecars). The image layers then stay immutable; give the process explicit writable \`emptyDir\` mounts for the paths it really writes (\`/tmp\`, caches, pid files).

This is not part of the Pod Security Standards, but it is in the CIS Kubernetes Benchmark and NSA/CISA hardening guide. Init containers are not checked (they run to completion before the application starts), nor privileged containers: with every capability they can remount the root filesystem writable, so the setting protects nothing there (privileged-container reports them). Windows pods (\`spec.os.name: windows\`, or pinned to Windows nodes by \`nodeSelector\` or required node affinity) are skipped: the field is not supported there.

Some images expect to write to their root filesystem (nginx to \`/var/cache/nginx\` and \`/var/run\`, many JVM apps to \`/tmp\`); mount an \`emptyDir\` at those paths rather than exempting the container.`,
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
  },
  target: 'workload',
  run({ workload }) {
    const w = workload!;
    if (isWindowsPod(w) || windowsByScheduling(w)) return [];
    const out: FindingInput[] = [];
    for (const c of w.containers) {
      if (!c.longRunning) continue;
      // A privileged container can remount its root filesystem writable (CAP_SYS_ADMIN): the setting
      // protects nothing there; privileged-container reports what matters.
      if (isPrivileged(c)) continue;
      const v = get(containerSC(c), ['readOnlyRootFilesystem']);
      if (v === true) continue;
      out.push({
        message:
          v === false
            ? `${who(c)}: readOnlyRootFilesystem: false leaves the image's filesystem writable`
            : `${who(c)}: readOnlyRootFilesystem is not set, so the image's filesystem is writable`,
        path: containerSCPath(c, 'readOnlyRootFilesystem'),
        container: c.name,
      });
    }
    return out;
  },
});
