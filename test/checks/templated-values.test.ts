/**
 * Files meant for envsubst or a template engine carry placeholders (`${PORT}`, `$IMAGE`,
 * `{{ .Values.x }}`): checks that would claim "the API server rejects it" stay silent on them.
 */
import { describe, it } from 'node:test';
import probePort from '../../src/checks/health/probe-port-not-declared.js';
import invalidQuantity from '../../src/checks/resources/invalid-resource-quantity.js';
import pullPolicy from '../../src/checks/security/image-pull-policy.js';
import stateful from '../../src/checks/storage/stateful-image-without-persistence.js';
import latest from '../../src/checks/security/image-tag-latest.js';
import digest from '../../src/checks/security/image-not-pinned-by-digest.js';
import { expectFindings, expectNone } from '../helpers/check-tester.js';

const pod = (container: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
${container}`;

describe('unrendered template placeholders', () => {
  it('probe ports', () => {
    expectNone(probePort, pod(`    - name: app
      image: example/app:1.0
      livenessProbe:
        grpc: {port: "\${HEALTH_PORT:-9003}"}
      readinessProbe:
        httpGet: {path: /, port: "{{ .Values.port }}"}
`));
    // A real string gRPC port still fires.
    expectFindings(probePort, pod(`    - name: app
      image: example/app:1.0
      livenessProbe:
        grpc: {port: "health"}
`), [{ line: 9, container: 'app' }]);
  });
  it('resource quantities', () => {
    expectNone(invalidQuantity, pod(`    - name: app
      image: example/app:1.0
      resources:
        requests: {nvidia.com/gpu: "\${GPUS}"}
        limits: {memory: "$(MEMORY)"}
`));
    expectFindings(invalidQuantity, pod(`    - name: app
      image: example/app:1.0
      resources:
        limits: {memory: 1GB}
`), [{ line: 9, container: 'app' }]);
  });
  it('image pull policy on a templated image', () => {
    expectNone(pullPolicy, pod(`    - name: app
      image: $APP_IMAGE
      imagePullPolicy: IfNotPresent
`));
  });
});

describe('ko:// image placeholders (ko resolve builds the image and writes its digest)', () => {
  it('no image findings on ko://import/path; a plain untagged image still fires', () => {
    const ko = pod(`    - name: activator
      image: ko://knative.dev/serving/cmd/activator
`);
    for (const check of [latest, digest, pullPolicy]) expectNone(check, ko);
    expectFindings(latest, pod(`    - name: activator
      image: knative.dev/serving/cmd/activator
`), [{ line: 7, container: 'activator', message: 'has no tag' }]);
  });
});

describe('database images run as clients', () => {
  it('a kafka image running "sh -c exec tail -f /dev/null" is a client shell, not a broker', () => {
    expectNone(stateful, pod(`    - name: kafkaclient
      image: quay.io/strimzi/kafka:0.35.0-kafka-3.6.0
      command: ["sh", "-c", "exec tail -f /dev/null"]
`));
    expectFindings(stateful, pod(`    - name: broker
      image: quay.io/strimzi/kafka:0.35.0-kafka-3.6.0
      command: ["sh", "-c", "exec /opt/kafka/bin/kafka-server-start.sh config/server.properties"]
`), [{ line: 6, container: 'broker' }]);
  });
});
