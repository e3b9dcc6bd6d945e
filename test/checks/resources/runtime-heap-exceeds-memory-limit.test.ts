import { describe, it } from 'node:test';
import check from '../../../src/checks/resources/runtime-heap-exceeds-memory-limit.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('runtime-heap-exceeds-memory-limit', () => {
  it('fires on -Xmx at or above the limit, at the args item, giving both sizes', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: eclipse-temurin:21
          command: ["java"]
          args:
            - -Xms512m
            - -Xmx2g
            - -jar
            - app.jar
          resources:
            limits: {memory: 1536Mi}
`,
      [{ line: 13, container: 'api', severity: 'error', message: 'container "api" sets -Xmx2g (2Gi), at or above its memory limit of 1536Mi (1.5Gi)' }],
    );
  });

  it('reads JVM flags from env with the JVM precedence (_JAVA_OPTIONS wins, explicit heap beats percentage)', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: app:1
          args: ["-Xmx512m", "-jar", "app.jar"]
          env:
            - name: JAVA_TOOL_OPTIONS
              value: "-XX:MaxRAMPercentage=100"
            - name: _JAVA_OPTIONS
              value: "-XX:+UseG1GC -XX:MaxHeapSize=1g"
          resources:
            limits: {memory: 1Gi}
`,
      [{ line: 15, container: 'api', message: 'sets -XX:MaxHeapSize=1g (1Gi, in env _JAVA_OPTIONS), at or above its memory limit of 1Gi' }],
    );
  });

  it('javaOptionsEnv adds start-script variables; the JVM\'s own three are read whatever it lists', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: app:1
          env:
            - name: JAVA_TOOL_OPTIONS
              value: "-Xmx1g"
            - name: MY_JVM
              value: "-Xmx2g"
          resources:
            limits: {memory: 1Gi}
`;
    expectFindings(check, yaml, [{ line: 12, message: 'sets -Xmx1g (1Gi, in env JAVA_TOOL_OPTIONS)' }], { params: { javaOptionsEnv: ['OTHER'] } });
    expectFindings(check, yaml, [{ line: 14, message: 'sets -Xmx2g (2Gi, in env MY_JVM)' }], { params: { javaOptionsEnv: ['MY_JVM'] } });
  });

  it('warns when the heap leaves too little non-heap headroom, and respects the params', () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: app:1
      command: ["sh", "-c", "exec java $JAVA_OPTS -Xmx900m -jar /app.jar"]
      resources:
        limits: {memory: 1Gi}
`;
    expectFindings(check, yaml, [{ line: 8, severity: 'warning', message: 'sets -Xmx900m (900Mi) under a memory limit of 1Gi, leaving 124Mi for non-heap memory (keep at least 256Mi)' }]);
    expectNone(check, yaml, { params: { minHeadroomMiB: 100 } });
  });

  it('does not hold large containers to the percentage: 7Gi heap under 8Gi is fine', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: app:1
      env:
        - {name: JAVA_OPTS, value: "-Xmx7g"}
      resources:
        limits: {memory: 8Gi}
`,
    );
  });

  it('handles MaxRAMPercentage and MaxRAMFraction relative to the limit', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: a
          image: app:1
          env:
            - {name: JDK_JAVA_OPTIONS, value: "-XX:MaxRAMPercentage=95.0"}
          resources: {limits: {memory: 2Gi}}
        - name: b
          image: app:1
          args: ["-XX:MaxRAMFraction=1"]
          resources: {limits: {memory: 2Gi}}
        - name: c
          image: app:1
          args: ["-XX:MaxRAMPercentage=75"]
          resources: {limits: {memory: 2Gi}}
        - name: d
          image: app:1
          args: ["-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=100"]
          resources: {limits: {memory: 2Gi}}
`,
      [
        { line: 11, container: 'a', severity: 'warning', message: 'a 1.9Gi heap under a memory limit of 2Gi leaves 102.4Mi for non-heap memory (max 90%)' },
        { line: 15, container: 'b', severity: 'error', message: 'sets -XX:MaxRAMFraction=1: the heap may take the whole memory limit of 2Gi' },
      ],
    );
  });

  it('fires on GOMEMLIMIT at or above the limit, but not below it', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers:
        - name: agent
          image: agent:1
          env:
            - name: GOMEMLIMIT
              value: 512MiB
          resources:
            limits: {memory: 512Mi}
        - name: ok
          image: agent:1
          env:
            - {name: GOMEMLIMIT, value: 460MiB}
            - {name: GOGC, value: "off"}
          resources:
            limits: {memory: 512Mi}
`,
      [{ line: 12, container: 'agent', message: 'sets GOMEMLIMIT=512MiB, at or above its memory limit of 512Mi: the Go GC never works harder' }],
    );
  });

  it('fires on Node --max-old-space-size in NODE_OPTIONS or on the command line (which wins)', () => {
    expectFindings(
      check,
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: front}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: node
          image: node:22
          command: ["node", "--max-old-space-size=4096", "server.js"]
          env:
            - {name: NODE_OPTIONS, value: "--max-old-space-size=512"}
          resources:
            limits: {memory: 2Gi}
`,
      [{ line: 11, container: 'node', severity: 'error', message: 'sets --max-old-space-size=4096 (4Gi), at or above its memory limit of 2Gi' }],
    );
  });

  it('uses a LimitRange default memory limit', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: jvm}
spec:
  limits:
    - type: Container
      default: {memory: 1Gi}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: jvm}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: app:1
              env:
                - {name: JAVA_TOOL_OPTIONS, value: "-Xmx2g"}
`,
      [{ line: 23, container: 'report', message: 'memory limit of 1Gi (default from LimitRange "lr")' }],
    );
  });

  it('is silent without a memory limit, with unparseable or valueFrom settings, and with sane heaps', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: nolimit
      image: app:1
      args: ["-Xmx8g"]
    - name: weird
      image: app:1
      args: ["-Xmx$(HEAP)", "--max-old-space-size=big"]
      env:
        - {name: GOMEMLIMIT, value: "off"}
        - name: JAVA_OPTS
          valueFrom: {configMapKeyRef: {name: c, key: opts}}
        - {name: SECRET_TOKEN, value: "-Xmx99g"}
      resources: {limits: {memory: 1Gi}}
    - name: sane
      image: app:1
      args: ["-Xmx768m"]
      env:
        - {name: NODE_OPTIONS, value: "--max-old-space-size=700"}
      resources: {limits: {memory: 1Gi}}
    - name: broken
      image: app:1
      env: "not a list"
      command: 42
      resources: {limits: {memory: 1Gi}}
`,
    );
  });
});
