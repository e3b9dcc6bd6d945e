/**
 * custom-resource-unserved against a real API server and kubectl: a CustomResourceDefinition is
 * created, then custom resources in versions and kinds it does not serve are refused with the words
 * the finding quotes, served ones are accepted, and a deprecated version draws the warning it quotes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/custom-resource-unserved.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';

const GROUP = 'unserved.kubeready.example';
const schema = '{openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}';
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.${GROUP}}
spec:
  group: ${GROUP}
  names: {kind: Gizmo, plural: gizmos, singular: gizmo, listKind: GizmoList}
  scope: Namespaced
  versions:
    - {name: v1, served: true, storage: true, schema: ${schema}}
    - {name: v1beta1, served: false, storage: false, schema: ${schema}}
    - {name: v1alpha1, served: true, storage: false, deprecated: true, schema: ${schema}}
    - {name: v1alpha2, served: true, storage: false, deprecated: true, deprecationWarning: "v1alpha2 goes in 2.0: use v1", schema: ${schema}}
`;
const cr = (version: string, kind = 'Gizmo', name = 'g') => `apiVersion: ${GROUP}/${version}\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: {size: 1}\n`;

/** The quoted kubectl error of a finding, and its kind of finding. */
const quoted = (yaml: string) =>
  runCheck(check, `${CRD}---\n${yaml}`, { namespace: 'default' }).map((f) => ({ severity: f.severity, text: /(?:fails with|warns) "(.*)"(?: and the object|, and a later)/.exec(f.message)?.[1] ?? f.message }));

describe('custom-resource-unserved: what kubectl says, in its words', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
    await cluster.apply(CRD);
    await cluster.kubectl(['wait', '--for', 'condition=established', '--timeout', '60s', `crd/gizmos.${GROUP}`]);
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const [name, yaml] of Object.entries({
    'a version the CRD does not have': cr('v2'),
    'a version the CRD lists with served: false': cr('v1beta1'),
    'a kind in the wrong case': cr('v1', 'gizmo'),
    'the plural as the kind': cr('v1', 'Gizmos'),
  })) {
    it(name, async () => {
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      const ours = quoted(yaml);
      assert.equal(ours.length, 1, JSON.stringify(ours));
      assert.equal(ours[0].severity, 'error');
      assert.ok(r.stderr.includes(ours[0].text), `kubeready: ${ours[0].text}\nkubectl: ${r.stderr}`);
    });
  }

  it('deprecated versions: accepted with the warning quoted (the default one and the CRD\'s own)', async () => {
    for (const v of ['v1alpha1', 'v1alpha2']) {
      const r = await apply(cr(v));
      assert.equal(r.code, 0, r.stderr);
      const ours = quoted(cr(v));
      assert.equal(ours.length, 1, JSON.stringify(ours));
      assert.equal(ours[0].severity, 'warning');
      assert.ok(r.stderr.includes(`Warning: ${ours[0].text}`), `kubeready: ${ours[0].text}\nkubectl: ${r.stderr}`);
    }
  });

  it('the served version: accepted, and not reported', async () => {
    const r = await apply(cr('v1'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(quoted(cr('v1')), []);
  });
});
