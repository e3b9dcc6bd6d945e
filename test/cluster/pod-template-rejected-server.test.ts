/**
 * pod-template-rejected's rules for restartPolicy, container names, probe handlers and container
 * ports against a real API server: for each manifest, the errors kubeready quotes are exactly those
 * `kubectl apply --dry-run=server` returns; a valid one is accepted and not reported.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/pod-template-rejected.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { apiServerErrors, quotedErrors } from '../helpers/api-errors.js';

const IMG = '"registry.example/app:1.0"';
const dep = (spec: string, kind = 'Deployment') =>
  `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: ptr-web}\nspec:\n${kind === 'StatefulSet' ? '  serviceName: web\n' : ''}  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: ${spec}\n`;
const job = (spec: string) => `apiVersion: batch/v1\nkind: Job\nmetadata: {name: ptr-job}\nspec:\n  template:\n    spec: ${spec}\n`;
const cron = (spec: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: ptr-cron}\nspec:\n  schedule: "0 * * * *"\n  jobTemplate: {spec: {template: {spec: ${spec}}}}\n`;
const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ptr-pod}\nspec: ${spec}\n`;

const REJECTED: Record<string, string> = {
  'a Job without restartPolicy': job(`{containers: [{name: a, image: ${IMG}}]}`),
  'a Job with restartPolicy Always': job(`{restartPolicy: Always, containers: [{name: a, image: ${IMG}}]}`),
  'a Job with restartPolicy never (lower case)': job(`{restartPolicy: never, containers: [{name: a, image: ${IMG}}]}`),
  'a CronJob without restartPolicy': cron(`{containers: [{name: a, image: ${IMG}}]}`),
  'a Deployment with restartPolicy Never': dep(`{restartPolicy: Never, containers: [{name: a, image: ${IMG}}]}`),
  'a StatefulSet with restartPolicy OnFailure': dep(`{restartPolicy: OnFailure, containers: [{name: a, image: ${IMG}}]}`, 'StatefulSet'),
  'a Deployment with restartPolicy always (lower case)': dep(`{restartPolicy: always, containers: [{name: a, image: ${IMG}}]}`),
  'a Pod with restartPolicy Sometimes': pod(`{restartPolicy: Sometimes, containers: [{name: a, image: ${IMG}}]}`),
  'probes without a handler': dep(`{containers: [{name: a, image: ${IMG}, livenessProbe: {initialDelaySeconds: 5}, readinessProbe: {httpGet: null, periodSeconds: 5}, startupProbe: {}}]}`),
  'container names: missing, upper case, too long': dep(`{initContainers: [{image: ${IMG}}], containers: [{name: Web_App, image: ${IMG}}, {name: ${'a'.repeat(64)}, image: ${IMG}}]}`),
  'container port protocols in lower case and HTTP': dep(`{containers: [{name: a, image: ${IMG}, ports: [{containerPort: 80, protocol: tcp}, {containerPort: 81, protocol: HTTP}]}]}`),
  'container ports: missing, zero, out of range; port names': dep(`{containers: [{name: a, image: ${IMG}, ports: [{name: http}, {containerPort: 0}, {containerPort: 70000}, {name: metrics-endpoint-http, containerPort: 9090}, {name: Metrics, containerPort: 9091}, {name: "8080", containerPort: 8080}]}]}`),
  'tolerations: Exist, Exists with a value, Equal without a key': dep(`{tolerations: [{key: a, operator: Exist}, {key: b, operator: Exists, value: v}, {operator: Equal, value: v}], containers: [{name: a, image: ${IMG}}]}`),
  'dnsPolicy and terminationMessagePolicy in the wrong words': dep(`{dnsPolicy: ClusterFirstWithHostNetwork, initContainers: [{name: i, image: ${IMG}, terminationMessagePolicy: file}], containers: [{name: a, image: ${IMG}, terminationMessagePolicy: fallbackToLogsOnError}]}`),
  'a Pod dnsPolicy in lower case': pod(`{dnsPolicy: clusterfirst, containers: [{name: a, image: ${IMG}}]}`),
  'env: a value and a valueFrom, two sources; envFrom with two references': dep(`{containers: [{name: a, image: ${IMG}, env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}, {name: B, valueFrom: {fieldRef: {fieldPath: metadata.name}, secretKeyRef: {name: s, key: k}}}], envFrom: [{configMapRef: {name: c}, secretRef: {name: s}}]}]}`),
};

const VALID = [
  dep(`{dnsPolicy: ClusterFirstWithHostNet, hostNetwork: true, containers: [{name: a, image: ${IMG}, terminationMessagePolicy: FallbackToLogsOnError}]}`),
  dep(`{tolerations: [{operator: Exists}, {key: a, operator: Exists, effect: NoSchedule}, {key: b, value: v}], containers: [{name: a, image: ${IMG}, env: [{name: A, value: "", valueFrom: {fieldRef: {fieldPath: metadata.name}}}], envFrom: [{configMapRef: {name: c}}, {secretRef: {name: s}}]}]}`),
  job(`{restartPolicy: Never, containers: [{name: a, image: ${IMG}, readinessProbe: {exec: {command: [cat, /tmp/ok]}}}]}`),
  cron(`{restartPolicy: OnFailure, containers: [{name: a, image: ${IMG}}]}`),
  dep(`{restartPolicy: Always, containers: [{name: web, image: ${IMG}, ports: [{name: http, containerPort: 8080}, {containerPort: 9090}], livenessProbe: {tcpSocket: {port: http}}, startupProbe: {grpc: {port: 9090}}}]}`),
  pod(`{restartPolicy: OnFailure, containers: [{name: a, image: ${IMG}}]}`),
];

const ours = (yaml: string) => runCheck(check, yaml, { namespace: 'default' }).flatMap((f) => quotedErrors(f.message, /the API server rejects the \w+: /));

describe('pod-template-rejected: restartPolicy, names, probe handlers, ports, in the API server\'s words', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const [name, yaml] of Object.entries(REJECTED)) {
    it(name, async () => {
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      assert.deepEqual(ours(yaml).sort(), apiServerErrors(r.stderr).sort(), r.stderr);
    });
  }

  it('valid templates: accepted, and not reported', async () => {
    for (const yaml of VALID) {
      assert.deepEqual(ours(yaml), [], yaml);
      const r = await apply(yaml);
      assert.equal(r.code, 0, `${yaml}\n${r.stderr}`);
    }
  });
});
