/**
 * hpa-target-missing against a real API server: a scaleTargetRef in the core group (no apiVersion, or
 * `v1`) for a kind the core group does not serve is refused by the Kubernetes 1.37 API server with the
 * words the finding quotes; a ReplicationController without apiVersion is accepted and not reported.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/hpa-target-missing.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { apiServerErrors } from '../helpers/api-errors.js';

const hpa = (name: string, ref: string) => `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: ${name}}\nspec: {scaleTargetRef: ${ref}, maxReplicas: 3}\n`;

describe('hpa-target-missing: a scaleTargetRef in the core group, as the API server judges it', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const [name, yaml] of Object.entries({
    'no apiVersion': hpa('hx1', '{kind: Deployment, name: web}'),
    'apiVersion v1': hpa('hx2', '{apiVersion: v1, kind: StatefulSet, name: db}'),
    'no apiVersion for a custom kind': hpa('hx3', '{kind: Rollout, name: web}'),
  })) {
    it(name, async () => {
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      const ours = runCheck(check, yaml, { namespace: 'default' });
      assert.equal(ours.length, 1, ours.map((f) => f.message).join('\n'));
      const quoted = /refuses it outright: (.*); older ones accept it\)$/.exec(ours[0].message)?.[1];
      assert.deepEqual([quoted], apiServerErrors(r.stderr), r.stderr);
    });
  }

  it('a ReplicationController without apiVersion: accepted, and its group is right', async () => {
    const yaml = hpa('hx4', '{kind: ReplicationController, name: legacy}');
    const r = await apply(yaml);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(runCheck(check, yaml, { namespace: 'default' }).every((f) => !/refuses it outright/.test(f.message)));
  });
});
