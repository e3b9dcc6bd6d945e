/**
 * rbac-rejected against a real API server: for each manifest, the errors kubeready quotes are exactly
 * the ones `kubectl apply --dry-run=server` returns, and the valid manifests are accepted and not reported.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/rbac/rbac-rejected.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { apiServerErrors, quotedErrors } from '../helpers/api-errors.js';

const API = 'apiVersion: rbac.authorization.k8s.io/v1';
const role = (rules: string, kind = 'Role', name = 'rr-role') => `${API}\nkind: ${kind}\nmetadata: {name: "${name}"}\nrules: ${rules}\n`;
const rb = (roleRef: string, subjects: string, kind = 'RoleBinding') => `${API}\nkind: ${kind}\nmetadata: {name: rr-binding}\nroleRef: ${roleRef}\nsubjects: ${subjects}\n`;
const REF = '{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}';
const SA = '[{kind: ServiceAccount, name: web, namespace: default}]';

const REJECTED: Record<string, string> = {
  'a rule without verbs': role('[{apiGroups: [""], resources: [pods]}]'),
  'a resource rule without apiGroups or resources': role('[{verbs: [get]}]'),
  'a rule with an empty verbs list and no resources': role('[{apiGroups: [apps], verbs: []}]'),
  'non-resource URLs in a Role': role('[{nonResourceURLs: [/healthz, /metrics], verbs: [get]}]'),
  'non-resource URLs and resources in one ClusterRole rule': role('[{nonResourceURLs: [/metrics], apiGroups: [""], resources: [pods], verbs: [get]}]', 'ClusterRole', 'rr-clusterrole'),
  'an aggregationRule without selectors': `${API}\nkind: ClusterRole\nmetadata: {name: rr-agg}\naggregationRule: {clusterRoleSelectors: []}\n`,
  'a Role name with a slash': role('[{apiGroups: [""], resources: [pods], verbs: [get]}]', 'Role', 'team/reader'),
  'roleRef apiGroup with a version': rb('{apiGroup: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: view}', SA),
  'roleRef kind in lower case': rb('{apiGroup: rbac.authorization.k8s.io, kind: clusterrole, name: view}', SA),
  'roleRef without a name, a name with a slash': rb('{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole}', SA),
  'a roleRef name with a slash': rb('{apiGroup: rbac.authorization.k8s.io, kind: Role, name: "default/reader"}', SA),
  'a ServiceAccount subject with the RBAC apiGroup': rb(REF, '[{kind: ServiceAccount, apiGroup: rbac.authorization.k8s.io, name: web}]'),
  'a ServiceAccount subject written ns:name': rb(REF, '[{kind: ServiceAccount, name: "default:web"}]'),
  'a subject kind in lower case, one without a kind, one without a name': rb(REF, '[{kind: serviceaccount, name: web}, {name: alice}, {kind: User}]'),
  'a User subject with a versioned apiGroup': rb(REF, '[{kind: User, apiGroup: rbac.authorization.k8s.io/v1, name: alice}]'),
  'a ClusterRoleBinding ServiceAccount subject without a namespace': rb(REF, '[{kind: ServiceAccount, name: prometheus}]', 'ClusterRoleBinding'),
  'a ClusterRoleBinding roleRef kind that does not exist': rb('{apiGroup: rbac.authorization.k8s.io, kind: ClusterRoles, name: view}', SA, 'ClusterRoleBinding'),
};

const ACCEPTED = [
  role('[{apiGroups: ["", apps], resources: [pods, deployments], verbs: [get, list, watch]}, {apiGroups: [""], resources: [configmaps], resourceNames: [app-config], verbs: [get]}]'),
  role('[{nonResourceURLs: [/healthz, "/metrics"], verbs: [get]}]', 'ClusterRole', 'system:rr:metrics'),
  `${API}\nkind: ClusterRole\nmetadata: {name: rr-agg-ok}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate-to-rr: "true"}}]}\n`,
  rb('{kind: ClusterRole, name: view}', '[{kind: ServiceAccount, name: web}, {kind: User, name: alice}, {kind: Group, name: "system:serviceaccounts:default"}, {kind: User, apiGroup: rbac.authorization.k8s.io, name: bob}]'),
  rb(REF, '[{kind: ServiceAccount, name: prometheus, namespace: monitoring}, {kind: Group, name: "system:authenticated"}]', 'ClusterRoleBinding'),
];

const ours = (yaml: string) => runCheck(check, yaml, { namespace: 'default' }).flatMap((f) => quotedErrors(f.message, /reject the \w+ \(/, true));

describe('rbac-rejected: what the API server rejects, in its words', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });
  // kubectl apply first reads the object by name, and a name with "/" fails there ("invalid resource
  // name"); create sends it to validation, which words the rule.
  const create = (yaml: string) => cluster.kubectl(['create', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const [name, yaml] of Object.entries(REJECTED)) {
    it(name, async () => {
      const r = await create(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      assert.notEqual((await apply(yaml)).code, 0);
      assert.deepEqual(ours(yaml).sort(), apiServerErrors(r.stderr).sort(), r.stderr);
    });
  }

  it('valid roles and bindings: accepted, and not reported', async () => {
    for (const yaml of ACCEPTED) {
      assert.deepEqual(ours(yaml), [], yaml);
      const r = await apply(yaml);
      assert.equal(r.code, 0, `${yaml}\n${r.stderr}`);
    }
  });
});
