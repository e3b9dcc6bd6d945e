import { describe, it } from 'node:test';
import check from '../../../src/checks/health/liveness-without-startup-probe.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';

describe('liveness-without-startup-probe', () => {
  it('fires on a JVM container (java in command) with the default 30s liveness budget', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/api:1
          command: [java, -Xmx1g, -jar, /app.jar]
          livenessProbe:
            httpGet: {path: /actuator/health/liveness, port: 8080}
`,
      [{ line: 11, container: 'app', severity: 'warning', message: /\(JVM: runs java\) has no startupProbe .* ~30s \(initialDelaySeconds 0 \+ periodSeconds 10 × failureThreshold 3, the defaults\), below 60s/ }],
    );
  });

  it('fires on JAVA_OPTS env and on known slow images, skipping exporters', () => {
    expectFindings(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: search}
spec:
  template:
    spec:
      containers:
        - name: es
          image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0
          livenessProbe:
            tcpSocket: {port: 9200}
            initialDelaySeconds: 20
        - name: exporter
          image: quay.io/prometheuscommunity/elasticsearch-exporter:v1.7.0
          livenessProbe: {httpGet: {path: /healthz, port: 9114}}
        - name: svc
          image: example.com/billing:2
          env:
            - name: JAVA_OPTS
              valueFrom: {configMapKeyRef: {name: jvm, key: opts}}
          livenessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 5, failureThreshold: 5}
`,
      [
        { line: 10, container: 'es', message: 'image docker.elastic.co/elasticsearch/elasticsearch (elasticsearch) is known to start slowly' },
        { line: 21, container: 'svc', message: /JVM: sets JAVA_OPTS.*~25s/ },
      ],
    );
  });

  it('is silent with a startupProbe, a long enough budget, or no slow-start hint', () => {
    expectNone(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: with-startup
          image: quay.io/keycloak/keycloak:25.0
          startupProbe: {httpGet: {path: /health/started, port: 9000}, failureThreshold: 60}
          livenessProbe: {httpGet: {path: /health/live, port: 9000}}
        - name: long-budget
          image: jenkins/jenkins:lts
          livenessProbe: {httpGet: {path: /login, port: 8080}, initialDelaySeconds: 90}
        - name: go-app
          image: example.com/go-app:1
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        - name: no-liveness
          image: sonarqube:10-community
`,
    );
  });

  it('flags any short budget when requireSlowStartHint is false, and honours minStartupSeconds', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: go-app
          image: example.com/go-app:1
          livenessProbe: {httpGet: {path: /healthz, port: 8080}, initialDelaySeconds: 15}
`;
    expectFindings(check, yaml, [{ line: 10, container: 'go-app', message: '~45s' }], { params: { requireSlowStartHint: false } });
    expectNone(check, yaml, { params: { requireSlowStartHint: false, minStartupSeconds: 45 } });
  });

  it('checks CronJob containers and native sidecars; ignores templated timing', () => {
    expectFindings(
      check,
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: kafka
              image: confluentinc/cp-kafka:7.7.0
              restartPolicy: Always
              livenessProbe: {tcpSocket: {port: 9092}}
          containers:
            - name: job
              image: example.com/report:1
              args: ["-Xms256m"]
              livenessProbe: {exec: {command: [check]}, periodSeconds: "{{ .Values.period }}"}
`,
      [{ line: 15, container: 'kafka', message: '(kafka) is known to start slowly' }],
    );
  });
});
