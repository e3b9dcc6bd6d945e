import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import check from '../../../src/checks/runtime/job-failed.js';
import { expectFindings, expectNone } from '../../helpers/check-tester.js';
import { at, cond, cstatus, event, lineOf, pod, terminated, yaml } from './fixtures.js';

type Obj = Record<string, unknown>;

const job = (name: string, o: { owner?: Obj; start?: string; conditions?: Obj[]; failed?: number; succeeded?: number } = {}): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'shop', uid: `j-${name}`, creationTimestamp: o.start ?? at(0), ...(o.owner ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', controller: true, ...o.owner }] } : {}) },
  spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'registry.example.com/shop/job:1.0.0' }] } } },
  status: { startTime: o.start ?? at(0), ...(o.failed !== undefined ? { failed: o.failed } : {}), ...(o.succeeded !== undefined ? { succeeded: o.succeeded } : {}), ...(o.conditions ? { conditions: o.conditions } : {}) },
});
const backoff = (t: string) => cond('Failed', 'True', t, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
const complete = (t: string) => cond('Complete', 'True', t);
const cronJob = (status: Obj, spec: Obj = {}): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'backup', namespace: 'shop', uid: 'c-backup', creationTimestamp: at(-10_000) },
  spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'registry.example.com/shop/backup:1.0.0' }] } } } }, ...spec },
  status,
});
const owner = { name: 'backup', uid: 'c-backup' };
const late = event({ name: 'late', involved: { kind: 'Pod', name: 'z', uid: 'z' }, reason: 'X', message: 'x', lastTimestamp: at(200) });

describe('job-failed', () => {
  it('a Job that failed: the reason and its pods\' exit codes', () => {
    const failedPod = pod({ name: 'migrate-x1', uid: 'p-x1', owner: { kind: 'Job', name: 'migrate', uid: 'j-migrate' }, phase: 'Failed', containerStatuses: [cstatus({ ready: false, state: terminated('Error', 1) })] });
    const text = yaml(job('migrate', { failed: 3, conditions: [backoff(at(5))] }), failedPod, late);
    expectFindings(check, text, [
      { object: 'migrate', severity: 'error', line: lineOf(text, 'type: Failed'), message: 'Job failed: BackoffLimitExceeded at 2024-05-01T10:05:00Z ("Job has reached the specified backoff limit"); its pods ended with app: exit code 1' },
    ]);
  });

  it('a CronJob whose newest run failed, naming when it last succeeded; never succeeded', () => {
    const text = yaml(cronJob({ lastScheduleTime: at(120), lastSuccessfulTime: at(0) }), job('backup-1', { owner, start: at(60), conditions: [backoff(at(65))] }), job('backup-2', { owner, start: at(120), conditions: [backoff(at(125))] }), job('backup-0', { owner, start: at(0), conditions: [complete(at(2))] }), late);
    expectFindings(check, text, [{ object: 'backup', severity: 'error', message: 'its last run, Job "backup-2" (started 2024-05-01T12:00:00Z), failed: BackoffLimitExceeded at 2024-05-01T12:05:00Z ("Job has reached the specified backoff limit"); it last succeeded at 2024-05-01T10:00:00Z (3h20m ago): the scheduled work is not being done' }]);
    const never = yaml(cronJob({ lastScheduleTime: at(60) }), job('backup-1', { owner, start: at(60), conditions: [backoff(at(65))] }), late);
    expectFindings(check, never, [{ object: 'backup', message: 'no run has succeeded since it was created' }]);
  });

  it('a failed one-off Job that a later Job of the same series completed is history; other Jobs are not its series', () => {
    const withGenerate = (o: Obj, generateName: string): Obj => ({ ...o, metadata: { ...(o.metadata as Obj), generateName } });
    // migrate-41 failed, migrate-42 completed later: the work was done.
    expectNone(check, yaml(job('migrate-41', { start: at(0), conditions: [backoff(at(5))] }), job('migrate-42', { start: at(60), conditions: [complete(at(62))] }), late));
    // The same generateName (kubectl create with generateName, Argo, Tekton).
    expectNone(check, yaml(withGenerate(job('reindex-x7k2p', { start: at(0), conditions: [backoff(at(5))] }), 'reindex-'), withGenerate(job('reindex-q9z4m', { start: at(30), conditions: [complete(at(40))] }), 'reindex-'), late));
    // Still reported: the completed one ran before the failure; a series still running; different work;
    // a completed Job of a CronJob; the same series in another namespace.
    const failed41 = job('migrate-41', { start: at(60), conditions: [backoff(at(65))] });
    expectFindings(check, yaml(failed41, job('migrate-40', { start: at(0), conditions: [complete(at(2))] }), late), [{ object: 'migrate-41' }]);
    expectFindings(check, yaml(failed41, job('migrate-42', { start: at(90) }), late), [{ object: 'migrate-41' }]);
    expectFindings(check, yaml(job('backup-manual', { start: at(0), conditions: [backoff(at(5))] }), job('backup-nightly', { start: at(60), conditions: [complete(at(62))] }), late), [{ object: 'backup-manual' }]);
    expectFindings(check, yaml(failed41, job('migrate-43', { owner: { name: 'migrate', uid: 'c-m' }, start: at(90), conditions: [complete(at(92))] }), late), [{ object: 'migrate-41' }]);
    const elsewhere = job('migrate-42', { start: at(90), conditions: [complete(at(92))] });
    (elsewhere.metadata as Obj).namespace = 'staging';
    expectFindings(check, yaml(failed41, elsewhere, late), [{ object: 'migrate-41' }]);
  });

  it('is silent: a CronJob whose newest run succeeded or still runs, a suspended one, a Job of a CronJob on its own, a running or complete Job, a manifest without status', () => {
    expectNone(check, yaml(cronJob({ lastSuccessfulTime: at(120) }), job('backup-1', { owner, start: at(60), conditions: [backoff(at(65))] }), job('backup-2', { owner, start: at(120), conditions: [complete(at(121))] }), late));
    expectNone(check, yaml(cronJob({}), job('backup-1', { owner, start: at(60), conditions: [backoff(at(65))] }), job('backup-2', { owner, start: at(120) }), late));
    expectNone(check, yaml(cronJob({}, { suspend: true }), job('backup-1', { owner, start: at(60), conditions: [backoff(at(65))] }), late));
    expectNone(check, yaml(job('migrate', { conditions: [complete(at(3))], succeeded: 1 }), job('running', {}), late));
    expectNone(check, 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: a, image: "a:1"}]\n');
  });
});

describe('job-failed through the engine: a live CronJob that has not run on its schedule yet', () => {
  it('status {} from a live scan is live: its failed Job (kubectl create job --from=cronjob/...) is reported at the CronJob; from a manifest it is not', () => {
    const text = yaml(cronJob({}), job('backup-manual', { owner, start: at(60), conditions: [backoff(at(65))] }), late);
    const resources = loadText(text, 'live.yaml').resources;
    const found = (listedKinds?: Set<string>) =>
      audit({ resources, ...(listedKinds ? { listedKinds } : {}) }, { checks: [check] }).verdicts.flatMap((v) => v.findings.map((f) => `${v.object.kind}/${v.object.name}: ${f.message}`));
    const live = found(new Set(['CronJob', 'Job', 'Pod', 'Event']));
    assert.equal(live.length, 1, live.join('\n'));
    assert.match(live[0], /^CronJob\/backup: its last run, Job "backup-manual" \(started 2024-05-01T11:00:00Z\), failed: BackoffLimitExceeded/);
    assert.deepEqual(found(), [], 'a manifest with status: {} is not a live object');
  });
});
