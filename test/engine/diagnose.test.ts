/**
 * kubeready diagnose on dumps (kubectl get -o yaml output with status and Events): the engine's
 * walk and the CLI (`diagnose ... --from FILE`, text and JSON).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { DIAGNOSE_ONLY_PROBLEMS, diagnose, diagnoseNamespace, parseTarget, type Diagnosis } from '../../src/engine/diagnose/index.js';
import { findCheck } from '../../src/checks/index.js';
import { runCli } from '../helpers/cli.js';
import { at, chain, cond, container, cstatus, event, eventV1, pod, rsPod, T0, terminated, waiting } from '../checks/runtime/fixtures.js';

type Obj = Record<string, unknown>;

/** A dump as `kubectl get deploy,rs,pods,events -o yaml` writes it: one List. */
function dump(...items: Obj[]): string {
  return YAML.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, { lineWidth: 0 });
}

function indexOf(text: string, ns = 'shop'): ResourceIndex {
  return new ResourceIndex(loadText(text, 'dump.yaml').resources, ns);
}

const limited = [container({ memoryLimit: '128Mi', memoryRequest: '64Mi' })];

/** Deployment web: 2 replicas, both pods OOMKilled and now in CrashLoopBackOff. */
const OOM = dump(
  ...chain(
    {
      containers: limited,
      replicas: 2,
      status: { observedGeneration: 1, replicas: 2, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 2, conditions: [cond('Available', 'False', at(1), 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'), cond('Progressing', 'True', at(1), 'NewReplicaSetAvailable')] },
    },
    [
      rsPod('web-7d9c-a', { containers: limited, conditions: [cond('Ready', 'False', at(2))], containerStatuses: [cstatus({ ready: false, restartCount: 4, state: waiting('CrashLoopBackOff', 'back-off 1m20s restarting failed container=app pod=web-7d9c-a_shop(p-web-7d9c-a)'), lastState: terminated('OOMKilled', 137, at(14)) })] }),
      rsPod('web-7d9c-b', { containers: limited, conditions: [cond('Ready', 'False', at(2))], containerStatuses: [cstatus({ ready: false, restartCount: 4, state: waiting('CrashLoopBackOff'), lastState: terminated('OOMKilled', 137, at(13)) })] }),
    ],
  ),
  event({ name: 'web-7d9c-a.1', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'BackOff', message: 'Back-off restarting failed container app in pod web-7d9c-a_shop(p-web-7d9c-a)', count: 11, lastTimestamp: at(15) }),
);

describe('diagnose: a Deployment whose pods are OOMKilled', () => {
  const d = diagnose(indexOf(OOM), { kind: 'Deployment', name: 'web', namespace: 'shop' });

  it('walks Deployment -> ReplicaSet -> pods -> events and names the symptom', () => {
    assert.equal(d.status, 'broken');
    assert.equal(d.symptom, '0 of 2 replicas available (Available=False (MinimumReplicasUnavailable) since 2024-05-01T10:01:00Z (14m)); container "app" was OOMKilled (4 restarts, memory limit 128Mi) in 2 of 2 pods');
    assert.deepEqual(d.walked, ['Deployment shop/web', 'ReplicaSet web-7d9c: 2 pods', 'Pods: web-7d9c-a, web-7d9c-b (2 CrashLoopBackOff)', 'Events: 1']);
  });

  it('names the root cause (the 128Mi limit), the fix as a command and YAML, and the checklist item', () => {
    assert.equal(d.problems.length, 1, 'the crash loop is the OOM kill, not a second problem');
    const p = d.problems[0];
    assert.equal(p.check, 'container-oomkilled');
    assert.deepEqual(p.pods, ['web-7d9c-a', 'web-7d9c-b']);
    assert.match(p.cause, /needs more memory than its 128Mi limit/);
    assert.ok(p.fix.commands.includes('kubectl -n shop set resources deployment/web -c app --requests=memory=256Mi --limits=memory=256Mi'), p.fix.commands.join('\n'));
    assert.match(p.fix.yaml ?? '', /limits:\n\s+memory: 256Mi {3}# was 128Mi/);
    // It has a limit: memory-limit-missing would not fire, so it is not offered as the prevention.
    // No heap setting in the manifest: runtime-heap-exceeds-memory-limit would not fire, so it is general advice.
    assert.deepEqual(p.prevent.map((v) => v.check), [null, null]);
    assert.match(p.prevent[1].why, /-XX:MaxRAMPercentage, --max-old-space-size or GOMEMLIMIT below the limit/);
    assert.match(p.prevent[0].why, /a limit too small for what the program does shows only in measurement: size it from the peak working set.*alert when the working set stays above 90% of the limit/);
    assert.match(p.fix.yaml ?? '', /requests:\n\s+memory: 256Mi {3}# was (64Mi|not set)\n/);
    assert.ok(p.evidence.some((e) => e.field === 'status.containerStatuses[0].lastState.terminated' && /reason OOMKilled, exit code 137, finished 2024-05-01T10:14:00Z/.test(e.text)));
    assert.ok(p.evidence.some((e) => e.source === 'event' && /BackOff \(x11/.test(e.text)));
    assert.deepEqual(p.logs && [p.logs.pod, p.logs.container, p.logs.previous], ['web-7d9c-a', 'app', true]);
  });

  it('prints it through the CLI from a dump (--from), exit 1, with the log marked unavailable offline', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'dump.yaml'), OOM);
    const r = await runCli(['diagnose', 'deploy/web', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const out = r.stdout;
    assert.match(out, /^Deployment shop\/web: BROKEN {2}\(dump\.yaml\)\n/);
    assert.match(out, /^Symptom {2}0 of 2 replicas available/m);
    assert.match(out, /^1\. container "app" was OOMKilled \(4 restarts, memory limit 128Mi\) \(2 pods: web-7d9c-a, web-7d9c-b\) {2}error · container-oomkilled$/m);
    assert.match(out, /previous log of web-7d9c-a\/app: not available \(diagnosing a file/);
    assert.match(out, /Root cause {2}the container needs more memory than its 128Mi limit/);
    assert.match(out, /\$ kubectl -n shop set resources deployment\/web -c app --requests=memory=256Mi --limits=memory=256Mi/);
    assert.match(out, /- no manifest check: a limit too small for what the program does shows only in measurement/);
    assert.doesNotMatch(out, /memory-limit-missing/);
    const j = await runCli(['diagnose', 'deployment/web', '-n', 'shop', '--from', 'dump.yaml', '-o', 'json'], { cwd: dir });
    const parsed = JSON.parse(j.stdout) as Diagnosis;
    assert.equal(parsed.schemaVersion, 1);
    assert.equal(parsed.problems[0].check, 'container-oomkilled');
    assert.equal(parsed.target.kind, 'Deployment');
  });
});

describe('diagnose: a Pending pod', () => {
  const big = [container({ memoryRequest: '6Gi', memoryLimit: '6Gi' })];
  const node = (name: string, memory: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `n-${name}` }, status: { allocatable: { cpu: '4', memory }, conditions: [{ ...cond('Ready', 'True'), lastHeartbeatTime: at(10) }] } });
  const text = dump(
    ...chain({ containers: big }, [rsPod('web-7d9c-a', { containers: big, phase: 'Pending', conditions: [cond('PodScheduled', 'False', at(1), 'Unschedulable', '0/2 nodes are available: 2 Insufficient memory.')] })]),
    rsPod('other-1', { deploy: 'other', nodeName: 'n1', containers: [container({ memoryRequest: '3Gi' })], containerStatuses: [cstatus()] }),
    node('n1', '8Gi'),
    node('n2', '4Gi'),
    eventV1({ name: 'fs', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a' }, reason: 'FailedScheduling', message: '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.', eventTime: at(1), seriesCount: 9, lastObserved: at(9) }),
  );

  it('names Insufficient memory, the request and the most room on any node', () => {
    const d = diagnose(indexOf(text), { kind: 'Pod', name: 'web-7d9c-a', namespace: 'shop' });
    assert.equal(d.status, 'broken');
    const p = d.problems[0];
    assert.equal(p.check, 'pod-pending-unschedulable');
    assert.equal(p.symptom, 'pod Pending: cannot be scheduled (insufficient memory (2 of 2 nodes))');
    assert.equal(p.cause, 'no node has 6Gi memory unrequested (the most is 5Gi on n1): the pod asks for more than any node has left');
    assert.ok(p.evidence.some((e) => e.text === 'most memory unrequested on a node the pod may use: 5Gi on n1 (allocatable 8Gi), over 2 nodes in the input'));
    assert.ok(p.evidence.some((e) => /FailedScheduling \(x9, last 2024-05-01T10:09:00Z\)/.test(e.text)));
    assert.ok(p.fix.commands.some((c) => c.startsWith('kubectl -n shop set resources deployment/web -c app --requests=memory=')));
    assert.equal(d.walked[1], 'owned by Deployment web');
  });
});

describe('diagnose: a Service with no endpoints', () => {
  const text = dump(
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'svc-web' }, spec: { selector: { app: 'webb' }, ports: [{ port: 80, targetPort: 8080 }] }, status: { loadBalancer: {} } },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abcde', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-web', controller: true }] }, addressType: 'IPv4', endpoints: null, ports: null },
    ...chain({}, [rsPod('web-7d9c-a', { conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] }), rsPod('web-7d9c-b', { conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })]),
  );

  it('walks selector -> pods -> slices and names the label mismatch with a patch', () => {
    const d = diagnose(indexOf(text), { kind: 'Service', name: 'web', namespace: 'shop' });
    assert.equal(d.status, 'broken');
    assert.deepEqual(d.walked, ['Service shop/web', 'selector app=webb', 'Pods selected: 0', 'EndpointSlice: web-abcde: 0 ready, 0 not ready']);
    const p = d.problems[0];
    assert.equal(p.symptom, 'Service selects no pod: label mismatch on app');
    assert.equal(p.cause, 'the selector wants app=webb, but the pods of Deployment web have app=web (every other selector label matches): a typo or a rename on one side');
    assert.deepEqual(p.fix.commands, [`kubectl -n shop patch service web -p '{"spec":{"selector":{"app":"web"}}}'`]);
    assert.equal(p.prevent[0].check, 'service-selects-nothing');
  });

  it('when the selected pods are not ready, their problems are the causes', () => {
    const crashing = dump(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'svc-web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] }, status: { loadBalancer: {} } },
      ...chain({}, [rsPod('web-7d9c-a', { conditions: [cond('Ready', 'False')], containerStatuses: [cstatus({ ready: false, restartCount: 6, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 1, at(3), 'Error: connect ECONNREFUSED 10.0.0.9:5432') })] })]),
    );
    const d = diagnose(indexOf(crashing), { kind: 'Service', name: 'web', namespace: 'shop' });
    assert.deepEqual(d.problems.map((p) => p.check), ['crashloop-backoff', 'service-no-ready-endpoints']);
    assert.match(d.problems[0].cause, /exits with an error right after starting \(exit code 1 \(application error\)\).*ECONNREFUSED 10\.0\.0\.9:5432/);
    assert.ok(d.notes.some((n) => /no EndpointSlice/.test(n)));
  });
});

describe('diagnose: a PVC pending on a missing StorageClass', () => {
  const text = dump(
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop', uid: 'pvc-data', creationTimestamp: T0 }, spec: { storageClassName: 'fast-ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } }, status: { phase: 'Pending' } },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'pd.csi.storage.gke.io', volumeBindingMode: 'WaitForFirstConsumer' },
    event({ name: 'data.1', involved: { kind: 'PersistentVolumeClaim', name: 'data', uid: 'pvc-data' }, reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "fast-ssd" not found', count: 22, lastTimestamp: at(30), component: 'persistentvolume-controller' }),
    pod({ name: 'db-0', uid: 'p-db-0', phase: 'Pending', spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }, conditions: [cond('PodScheduled', 'False', at(0), 'Unschedulable', '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.')] }),
  );

  it('walks claim -> StorageClass -> events and says to use an existing class', () => {
    const d = diagnose(indexOf(text), { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'shop' });
    assert.equal(d.status, 'broken');
    assert.deepEqual(d.walked, ['PersistentVolumeClaim shop/data', 'StorageClass: fast-ssd (not in the input)', 'Events: 1']);
    const p = d.problems[0];
    assert.equal(p.check, 'pvc-pending');
    assert.equal(p.cause, 'StorageClass "fast-ssd" does not exist (the input holds the cluster\'s StorageClasses and it is not among them)');
    assert.ok(p.evidence.some((e) => e.text === 'StorageClasses in the cluster: standard (default)'));
    assert.equal(p.fix.yaml, 'spec:\n  storageClassName: standard');
    assert.equal(p.prevent[0].check, 'pvc-storage-class-missing');
    assert.deepEqual(p.pods, ['db-0']);
    // The pod waiting for it is the next problem.
    assert.equal(d.problems[1].check, 'pod-pending-unschedulable');
  });

  it('diagnoses the pod through its claim too', () => {
    const d = diagnose(indexOf(text), { kind: 'Pod', name: 'db-0', namespace: 'shop' });
    assert.deepEqual(d.problems.map((p) => p.check), ['pvc-pending', 'pod-pending-unschedulable']);
  });
});

describe('diagnose: more root causes', () => {
  it('CrashLoopBackOff from a liveness probe: the probe is the suspect, with the startup probe fix', () => {
    // failureThreshold 1: the check that would have caught it fires on this manifest (liveness-without-startup-probe
    // needs a slow-start hint, such as a JVM image, so it does not).
    const probed = [{ ...container(), livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, failureThreshold: 1 } }];
    const text = dump(
      ...chain({ containers: probed }, [rsPod('web-7d9c-a', { containers: probed, containerStatuses: [cstatus({ ready: false, restartCount: 9, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 137, at(8)) })] })]),
      event({ name: 'u', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Liveness probe failed: Get "http://10.1.0.4:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', count: 27, lastTimestamp: at(8) }),
    );
    const p = diagnose(indexOf(text), { kind: 'Deployment', name: 'web', namespace: 'shop' }).problems[0];
    assert.equal(p.check, 'crashloop-backoff');
    assert.match(p.cause, /^the liveness probe fails \(27 failures; last: "Liveness probe failed: .*"\) and the kubelet kills the container \(exit code 137 \(SIGKILL/);
    assert.match(p.fix.yaml ?? '', /startupProbe:.*\n\s+httpGet: \{path: \/healthz, port: 8080\}/);
    assert.match(p.fix.yaml ?? '', /timeoutSeconds: 5 {3}# was 1 \(default\)/);
    assert.match(p.fix.yaml ?? '', /failureThreshold: 3 {3}# was 1/);
    assert.deepEqual(p.prevent.map((v) => v.check), ['liveness-failure-threshold-one']);
  });

  it('a crash after minutes of running is not "right after starting"', () => {
    const crash = (startedAt: string, finishedAt: string) =>
      diagnose(
        indexOf(dump(...chain({}, [rsPod('web-7d9c-a', { containerStatuses: [cstatus({ ready: false, restartCount: 6, state: waiting('CrashLoopBackOff'), lastState: { terminated: { reason: 'Error', exitCode: 1, startedAt, finishedAt } } })] })]))),
        { kind: 'Deployment', name: 'web', namespace: 'shop' },
      ).problems[0];
    assert.match(crash(at(4), at(14)).cause, /^the application exits with an error after running for 10m \(exit code 1/);
    assert.match(crash(at(14), at(14)).cause, /^the application exits with an error right after starting \(exit code 1/);
  });

  it('a failed Job whose pods are gone does not point at pod problems that are not there', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop', uid: 'j-migrate' },
      spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [container()] } } },
      status: { failed: 3, conditions: [cond('Failed', 'True', at(20), 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] },
    };
    const d = diagnose(indexOf(dump(job)), { kind: 'Job', name: 'migrate', namespace: 'shop' });
    const p = d.problems.find((x) => x.check === 'job-failed');
    assert.ok(p, JSON.stringify(d.problems));
    assert.equal(p.cause, "every retry failed: the Job reached its backoffLimit of 2 (its pods are gone: the last one's log, if kept, says why)");
    // Its failed pod is still there: the exit code is named.
    const failedPod = pod({ name: 'migrate-x7', phase: 'Failed', owner: { kind: 'Job', name: 'migrate', uid: 'j-migrate' }, containerStatuses: [cstatus({ ready: false, state: { terminated: { reason: 'Error', exitCode: 3, startedAt: at(10), finishedAt: at(11) } } })] });
    const q = diagnose(indexOf(dump(job, failedPod)), { kind: 'Job', name: 'migrate', namespace: 'shop' }).problems.find((x) => x.check === 'job-failed');
    assert.match(q?.cause ?? '', /^every retry failed: the Job reached its backoffLimit of 2 \(migrate-x7\/app: exit code 3.*, reason Error: their logs say why\)$/);
  });

  it('CreateContainerConfigError: names the missing Secret key and the command to add it', () => {
    const cs = [container({ env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] })];
    const text = dump(...chain({ containers: cs }, [rsPod('web-7d9c-a', { containers: cs, phase: 'Pending', containerStatuses: [cstatus({ ready: false, state: waiting('CreateContainerConfigError', "couldn't find key password in Secret shop/db") })] })]));
    const p = diagnose(indexOf(text), { kind: 'Deployment', name: 'web', namespace: 'shop' }).problems[0];
    assert.equal(p.cause, 'Secret "db" has no key "password"');
    assert.ok(p.fix.commands.includes(`kubectl -n shop patch secret db --type merge -p '{"stringData":{"password":"VALUE"}}'   # VALUE: the value, typed here`), p.fix.commands.join('\n'));
    assert.ok(p.evidence.some((e) => e.field === 'spec.containers[0].env[0].valueFrom.secretKeyRef.key'));
  });

  it('ImagePullBackOff: the tag does not exist', () => {
    const img = 'registry.example.com/shop/web:1.4.3';
    const cs = [container({ image: img })];
    const text = dump(
      ...chain({ containers: cs }, [rsPod('web-7d9c-a', { containers: cs, phase: 'Pending', containerStatuses: [cstatus({ ready: false, state: waiting('ImagePullBackOff', `Back-off pulling image "${img}"`) })] })]),
      event({ name: 'f', involved: { kind: 'Pod', name: 'web-7d9c-a', uid: 'p-web-7d9c-a', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: `Failed to pull image "${img}": rpc error: code = NotFound desc = failed to pull and unpack image "${img}": not found`, lastTimestamp: at(2) }),
    );
    const p = diagnose(indexOf(text), { kind: 'Deployment', name: 'web', namespace: 'shop' }).problems[0];
    assert.equal(p.check, 'image-pull-failure');
    assert.match(p.cause, /^the tag or digest does not exist in the registry: "Failed to pull image/);
    assert.ok(p.fix.commands.some((c) => c === 'kubectl -n shop set image deployment/web app=registry.example.com/shop/web:TAG   # TAG: one that exists'), p.fix.commands.join('\n'));
    assert.equal(p.prevent[0].check, 'image-not-pinned-by-digest');
  });
});

describe('diagnose -n: every unhealthy thing in the namespace, worst first', () => {
  const text = dump(
    ...chain({ name: 'web', containers: limited, replicas: 2 }, [
      rsPod('web-7d9c-a', { containers: limited, containerStatuses: [cstatus({ ready: false, restartCount: 4, state: waiting('CrashLoopBackOff'), lastState: terminated('OOMKilled', 137) })] }),
      rsPod('web-7d9c-b', { containers: limited, containerStatuses: [cstatus({ ready: false, restartCount: 3, state: waiting('CrashLoopBackOff'), lastState: terminated('OOMKilled', 137) })] }),
    ]),
    ...chain({ name: 'api' }, [rsPod('api-7d9c-a', { deploy: 'api', containerStatuses: [cstatus({ restartCount: 9, lastState: terminated('Error', 1) })] })]),
    ...chain({ name: 'ok' }, [rsPod('ok-7d9c-a', { deploy: 'ok', conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })]),
    pod({ name: 'lonely', uid: 'p-lonely', containerStatuses: [cstatus({ ready: false, restartCount: 1, state: waiting('CrashLoopBackOff'), lastState: terminated('Error', 2) })] }),
  );

  it('lists broken before degraded, more affected pods first, and counts the healthy', () => {
    const n = diagnoseNamespace(indexOf(text), 'shop');
    assert.deepEqual(n.diagnoses.map((d) => `${d.status} ${d.target.kind}/${d.target.name}`), ['broken Deployment/web', 'broken Pod/lonely', 'degraded Deployment/api']);
    assert.equal(n.healthy, 1);
  });

  it('prints the list and each diagnosis (CLI, default namespace from -n)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'dump.yaml'), text);
    const r = await runCli(['diagnose', '-n', 'shop', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^namespace shop: 3 unhealthy, 1 healthy {2}\(dump\.yaml\)\n\n 1\. broken {3}Deployment shop\/web: /);
    assert.match(r.stdout, / 3\. degraded Deployment shop\/api: container "app" restarted 9 times/);
  });
});

describe('diagnose CLI: targets and errors', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kr-diag-'));
    writeFileSync(join(dir, 'dump.yaml'), OOM);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses kubectl kinds and short names', () => {
    assert.deepEqual(parseTarget('deploy/web'), { kind: 'Deployment', name: 'web' });
    assert.deepEqual(parseTarget('sts/db'), { kind: 'StatefulSet', name: 'db' });
    assert.deepEqual(parseTarget('svc/web'), { kind: 'Service', name: 'web' });
    assert.deepEqual(parseTarget('pvc/data'), { kind: 'PersistentVolumeClaim', name: 'data' });
    assert.deepEqual(parseTarget('po/web-0'), { kind: 'Pod', name: 'web-0' });
    assert.deepEqual(parseTarget('deployment.apps/web'), { kind: 'Deployment', name: 'web' });
    assert.ok('error' in parseTarget('web'));
    assert.deepEqual(parseTarget('ingress/web'), { kind: 'Ingress', name: 'web' });
    assert.ok('error' in parseTarget('networkpolicy/web'));
  });

  it('exits 2 for a target that is not there, saying which namespace it is in', async () => {
    const r = await runCli(['diagnose', 'deploy/web', '-n', 'prod', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Deployment "web" not found in namespace prod \(it exists in namespace shop: use -n\)/);
    // On a terminal the report already says it: not repeated on standard error.
    const tty = await runCli(['diagnose', 'deploy/web', '-n', 'prod', '--from', 'dump.yaml'], { cwd: dir, tty: true, env: {} });
    assert.equal(tty.code, 2);
    assert.match(tty.stdout, /not found in namespace prod/);
    assert.equal(tty.stderr, '');
  });

  it('exits 2 on a manifest (no status): nothing to diagnose', async () => {
    writeFileSync(join(dir, 'manifest.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: web:1}]\n');
    const r = await runCli(['diagnose', 'deploy/web', '-n', 'shop', '--from', 'manifest.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^Deployment shop\/web: NO STATUS/);
    assert.match(r.stderr, /has no status: it is a manifest, not a live object/);
  });

  it('exits 2 on a bad kind, and 0 on a healthy object', async () => {
    const bad = await runCli(['diagnose', 'networkpolicy/web', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /diagnose does not walk NetworkPolicies \("networkpolicy"\); it walks: pod \(po\), deployment \(deploy\)/);
    const unknown = await runCli(['diagnose', 'gadget/web', '--from', 'dump.yaml'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown kind "gadget": use pod \(po\)/);
    writeFileSync(join(dir, 'ok.yaml'), dump(...chain({ name: 'ok' }, [rsPod('ok-7d9c-a', { deploy: 'ok', conditions: [cond('Ready', 'True')], containerStatuses: [cstatus()] })])));
    const ok = await runCli(['diagnose', 'deploy/ok', '-n', 'shop', '--from', 'ok.yaml'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /Deployment shop\/ok: HEALTHY/);
  });
});

describe('diagnose problem ids', () => {
  it('every id a diagnosis can carry is a check or a documented diagnose-only problem, which explain prints', async () => {
    const dir = new URL('../../src/engine/diagnose/', import.meta.url);
    const src = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
    const ids = [...new Set([...src.matchAll(/check: '([a-z-]+)'/g)].map((m) => m[1]))];
    assert.ok(ids.length >= 10, ids.join(', '));
    for (const id of ids) assert.ok(findCheck(id) || DIAGNOSE_ONLY_PROBLEMS[id], `${id} is neither a check nor in DIAGNOSE_ONLY_PROBLEMS`);
    const r = await runCli(['explain', 'pod-stuck-creating']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^pod-stuck-creating: a problem that kubeready diagnose reports \(no audit check has this id\)/);
  });
});

describe('diagnose modules', () => {
  it('import one another one way: no import cycle among src/engine/diagnose/*.ts', () => {
    const dir = new URL('../../src/engine/diagnose/', import.meta.url);
    const deps = new Map<string, string[]>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      deps.set(f.replace(/\.ts$/, ''), [...src.matchAll(/^(?:import|export)\b[^;]*?from '\.\/([\w-]+)\.js';/gm)].map((m) => m[1]));
    }
    assert.ok(deps.size >= 10 && deps.has('index') && deps.has('types'), [...deps.keys()].join(', '));
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (m: string, path: string[]): void => {
      if (state.get(m) === 'done') return;
      assert.notEqual(state.get(m), 'visiting', `import cycle: ${[...path, m].join(' -> ')}`);
      state.set(m, 'visiting');
      for (const d of deps.get(m) ?? []) {
        assert.ok(deps.has(d), `${m} imports ./${d}.js, which is not in the folder`);
        visit(d, [...path, m]);
      }
      state.set(m, 'done');
    };
    for (const m of deps.keys()) visit(m, []);
    assert.deepEqual(deps.get('types'), [], 'types.ts imports no other diagnose module');
  });
});
