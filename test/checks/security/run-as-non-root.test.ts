import { describe, it } from 'node:test';
import check from '../../../src/checks/security/run-as-non-root.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('run-as-non-root', () => {
  it('applies container-over-pod override semantics', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      initContainers:
        - name: migrate
          image: app:1.0
          securityContext: {runAsUser: 1000}
        - name: proxy
          image: envoy:v1.31
          restartPolicy: Always
          securityContext:
            runAsUser: 0
      containers:
        - name: inherits
          image: app:1.0
        - name: opts-out
          image: app:1.0
          securityContext:
            runAsNonRoot: false
`,
      [
        { line: 17, container: 'proxy', message: 'sidecar container "proxy": runAsUser: 0 contradicts runAsNonRoot: true, so the kubelet refuses to start it', severity: 'error' },
        { line: 24, container: 'opts-out', message: 'container "opts-out": runAsNonRoot: false lets it run as root (PSS restricted: Running as Non-root)' },
      ],
    );
  });

  it('fires per container when neither level sets it; a non-zero runAsUser alone is a warning', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers:
        - name: root-maybe
          image: agent:1.0
        - name: uid
          image: agent:1.0
          securityContext:
            runAsUser: 10001
`,
      [
        { line: 8, container: 'root-maybe', severity: 'error', message: "runAsNonRoot is not set on the container or the pod, so it runs as the image's user" },
        { line: 12, container: 'uid', severity: 'warning', message: 'runs as UID 10001 but runAsNonRoot is not set' },
      ],
    );
  });

  it('reports pod-level runAsUser: 0 once, naming the containers that inherit it', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext:
        runAsUser: 0
      containers:
        - name: a
          image: busybox:1.36
        - name: b
          image: busybox:1.36
          securityContext: {runAsUser: 1000, runAsNonRoot: true}
`,
      [{ line: 9, message: 'pod securityContext.runAsUser: 0 runs "a" as root (PSS restricted: Running as Non-root user)' }],
    );
  });

  it('reports an explicit pod-level runAsNonRoot: false even when every container overrides it', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: false
  containers:
    - name: a
      image: nginx:1.27
      securityContext: {runAsNonRoot: true}
`,
      [{ line: 6, message: 'rejected by restricted even though every container overrides it' }],
    );
  });

  it('reports inherited runAsNonRoot: false at the pod field only', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: false
  containers:
    - name: a
      image: nginx:1.27
    - name: b
      image: nginx:1.27
`,
      [{ line: 6, message: 'pod securityContext.runAsNonRoot: false lets every container run as root' }],
    );
  });

  it('is silent when the pod sets runAsNonRoot: true, and for user-namespaced pods', () => {
    expectNone(
      check,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001}
      containers:
        - name: app
          image: app:1.0
---
apiVersion: v1
kind: Pod
metadata: {name: userns}
spec:
  hostUsers: false
  containers:
    - name: a
      image: nginx:1.27
      securityContext: {runAsUser: 0}
`,
    );
  });

  it('does not throw on odd securityContext shapes', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: "nonroot"
  containers:
    - name: a
      image: nginx:1.27
      securityContext: [runAsNonRoot]
`,
      [{ line: 9, container: 'a' }],
    );
  });
});

describe('run-as-non-root: pod runAsUser 0 under a container runAsNonRoot: true', () => {
  it('says the kubelet refuses to start that container, not that it runs as root', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: mixed}
spec:
  securityContext: {runAsUser: 0}
  containers:
    - name: guarded
      image: example.com/a:1
      securityContext: {runAsNonRoot: true}
    - {name: open, image: "example.com/b:1"}
`,
      [
        { line: 5, message: 'pod securityContext.runAsUser: 0 runs "open" as root, and contradicts runAsNonRoot: true on "guarded", so the kubelet refuses to start it (CreateContainerConfigError)' },
      ],
    );
  });
});
