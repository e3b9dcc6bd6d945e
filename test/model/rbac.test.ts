import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadText } from '../../src/sources/resources.js';
import { ResourceIndex } from '../../src/model/index.js';
import { blastRadius, rbacGraph, type Risk } from '../../src/model/rbac.js';
import type { Workload } from '../../src/model/types.js';

function load(...files: [string, string][]): ResourceIndex {
  const resources = files.flatMap(([file, yaml]) => {
    const r = loadText(yaml, file);
    assert.deepEqual(r.problems.filter((p) => p.level === 'error'), []);
    return r.resources;
  });
  return new ResourceIndex(resources);
}

function index(yaml: string): ResourceIndex {
  return load(['test.yaml', yaml]);
}

function workload(ix: ResourceIndex, name: string): Workload {
  const w = ix.workloads.find((x) => x.resource.name === name);
  assert.ok(w, `workload ${name}`);
  return w;
}

const summaries = (risks: Risk[]) => risks.map((r) => `${r.level} ${r.id} ${r.scope}: ${r.summary}`);

const deploy = (name: string, ns: string, sa: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template:
    spec:
      serviceAccountName: ${sa}
${extra}      containers: [{name: app, image: "app:1"}]
`;

describe('rbac model: bindings and subjects', () => {
  it('a RoleBinding to a ClusterRole grants it in the binding namespace only; a ClusterRoleBinding cluster-wide', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: web}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: read-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: ops, namespace: tools}
`);
    const g = rbacGraph(ix);
    const web = g.permissionsOf('shop', 'web');
    assert.equal(web.length, 1);
    assert.equal(web[0].scope, 'shop');
    assert.deepEqual(summaries(g.risksOf('shop', 'web')), ['high secrets-read shop: can read every Secret in namespace shop']);
    assert.deepEqual(summaries(g.risksOf('tools', 'ops')), ['critical secrets-read cluster: can read every Secret cluster-wide']);
    const via = g.risksOf('tools', 'ops')[0].via[0];
    assert.equal(via.text, 'ClusterRoleBinding "read-all" -> ClusterRole "secret-reader"');
    assert.deepEqual(via.subjectPath, ['subjects', 0]);
    assert.deepEqual(via.rulePath, ['rules', 0]);
    assert.equal(via.ruleSource?.name, 'secret-reader');
    // Same name in another namespace: no grant.
    assert.deepEqual(g.permissionsOf('other', 'web'), []);
    assert.deepEqual(g.permissionsOf('shop', 'ops'), []);
  });

  it('group subjects and the ServiceAccount user name reach the ServiceAccount', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sas}
roleRef: {kind: ClusterRole, name: exec}
subjects:
  - {kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-sas, namespace: shop}
roleRef: {kind: ClusterRole, name: token}
subjects:
  - {kind: Group, name: "system:serviceaccounts:shop", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone}
roleRef: {kind: ClusterRole, name: pv}
subjects:
  - {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: as-user}
roleRef: {kind: ClusterRole, name: proxy}
subjects:
  - {kind: User, name: "system:serviceaccount:shop:web", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: exec}
rules: [{apiGroups: [""], resources: ["pods/exec"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: token}
rules: [{apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pv}
rules: [{apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: proxy}
rules: [{apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"]}]
`);
    const g = rbacGraph(ix);
    assert.deepEqual(summaries(g.risksOf('shop', 'web')), [
      'critical nodes-proxy cluster: can run commands in any pod on any node through the kubelet API (nodes/proxy)',
      'critical pod-exec cluster: can exec into any pod cluster-wide',
      'high token-create shop: can mint a token for any ServiceAccount in namespace shop',
      'medium persistentvolume-create cluster: can create PersistentVolumes, hostPath ones included',
    ]);
    assert.deepEqual(
      g.risksOf('other', 'x').map((r) => r.id),
      ['pod-exec', 'persistentvolume-create'],
    );
    const subjects = g.permissionsOf('shop', 'web').map((x) => x.subject).sort();
    assert.deepEqual(subjects, [
      'Group system:authenticated',
      'Group system:serviceaccounts',
      'Group system:serviceaccounts:shop',
      'User system:serviceaccount:shop:web',
    ]);
  });

  it('resourceNames narrow a grant: named Secrets are not "every Secret"', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tls, namespace: x}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["tls-cert"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: tls, namespace: x}
roleRef: {kind: Role, name: tls}
subjects: [{kind: ServiceAccount, name: web}]
`);
    assert.deepEqual(summaries(rbacGraph(ix).risksOf('x', 'web')), ['medium secrets-read x: can read Secret tls-cert in namespace x (only that one)']);
  });

  it('wildcards: verbs, resources and */subresource; pods/* is not a wildcard', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: wild, namespace: x}
rules:
  - apiGroups: [""]
    resources: ["*"]
    verbs: ["list"]
  - apiGroups: ["*"]
    resources: ["*/exec"]
    verbs: ["*"]
  - apiGroups: [""]
    resources: ["pods/*"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: wild, namespace: x}
roleRef: {kind: Role, name: wild}
subjects: [{kind: ServiceAccount, name: web, namespace: x}]
`);
    assert.deepEqual(summaries(rbacGraph(ix).risksOf('x', 'web')), [
      'high secrets-read x: can read every Secret in namespace x',
      'high pod-exec x: can exec into any pod in namespace x',
    ]);
  });

  it('cluster-admin (built-in, not in the input) is full control and hides the rest', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ci, namespace: tools}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-edit, namespace: tools}
roleRef: {kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: ci}]
`);
    const risks = rbacGraph(ix).risksOf('tools', 'ci');
    assert.deepEqual(summaries(risks), ['critical full-control cluster: has full control of the cluster (every verb on every resource)']);
    assert.equal(risks[0].via[0].text, 'ClusterRoleBinding "ci-admin" -> ClusterRole "cluster-admin" (built-in)');
    assert.equal(risks[0].via[0].role, null);
    assert.equal(risks[0].via[0].rulePath, null);
  });

  it('built-in edit reads Secrets and execs in the namespace; view does not read Secrets', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: e, namespace: shop}
roleRef: {kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: ed}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: v, namespace: shop}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: viewer}]
`);
    const g = rbacGraph(ix);
    const ids = g.risksOf('shop', 'ed').map((r) => `${r.id} ${r.scope}`);
    for (const id of ['secrets-read shop', 'pod-exec shop', 'workload-create shop', 'impersonate shop', 'token-create shop']) assert.ok(ids.includes(id), `${id} in ${ids}`);
    assert.deepEqual(g.risksOf('shop', 'viewer'), []);
    assert.ok(g.permissionsOf('shop', 'viewer').length > 0);
    assert.equal(g.resolveRoleRef(ix.named('RoleBinding', 'v')[0]).status, 'builtin');
  });

  it('aggregated ClusterRoles get the rules of the labelled ClusterRoles, including the built-in edit', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {example.com/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-secrets
  labels: {example.com/aggregate-to-monitoring: "true"}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: unrelated
  labels: {example.com/aggregate-to-other: "true"}
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: mon}
roleRef: {kind: ClusterRole, name: monitoring}
subjects: [{kind: ServiceAccount, name: prom, namespace: mon}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crd-editor
  labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
rules:
  - apiGroups: ["example.com"]
    resources: ["widgets"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: adm, namespace: shop}
roleRef: {kind: ClusterRole, name: admin}
subjects: [{kind: ServiceAccount, name: owner}]
`);
    const g = rbacGraph(ix);
    const risks = g.risksOf('mon', 'prom');
    assert.deepEqual(summaries(risks), ['critical secrets-read cluster: can read every Secret cluster-wide']);
    assert.equal(risks[0].via[0].text, 'ClusterRoleBinding "mon" -> ClusterRole "monitoring" (aggregates ClusterRole "monitoring-secrets")');
    assert.equal(risks[0].via[0].ruleSource?.name, 'monitoring-secrets');
    const res = g.resolveRoleRef(ix.named('ClusterRoleBinding', 'mon')[0]);
    assert.equal(res.aggregated, true);
    assert.equal(res.complete, false);
    // admin aggregates edit, which aggregates the input's crd-editor and the built-in edit rules.
    const adminRules = g.resolveRoleRef(ix.named('RoleBinding', 'adm')[0]).rules;
    assert.ok(adminRules.some((r) => r.sourceName === 'crd-editor'));
    assert.ok(adminRules.some((r) => r.sourceName === 'system:aggregate-to-edit'));
    assert.ok(adminRules.some((r) => r.sourceName === 'system:aggregate-to-view'));
    assert.ok(adminRules.some((r) => r.sourceName === 'system:aggregate-to-admin'));
  });

  it('a binding to a role that is not in the input: unknown permissions; system roles are unresolved, kind mix-ups missing', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: elsewhere, namespace: shop}
roleRef: {kind: Role, name: shop-reader}
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sys}
roleRef: {kind: ClusterRole, name: "system:auth-delegator"}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: wrong-kind, namespace: shop}
roleRef: {kind: Role, name: pod-reader}
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: auth-reader, namespace: kube-system}
roleRef: {kind: Role, name: extension-apiserver-authentication-reader}
subjects: [{kind: ServiceAccount, name: adapter, namespace: mon}]
`);
    const g = rbacGraph(ix);
    const unknown = g.unknownBindingsOf('shop', 'web');
    assert.deepEqual(unknown.map((u) => `${u.binding.name}: ${u.reason}`), [
      'elsewhere: Role "shop-reader" is not in namespace shop in the input',
      'wrong-kind: Role "pod-reader" is not in namespace shop in the input',
      'sys: built-in ClusterRole "system:auth-delegator" is not in the input',
    ]);
    // The bootstrap Role that aggregated API servers bind: its one rule is known.
    const reader = g.resolveRoleRef(ix.named('RoleBinding', 'auth-reader')[0]);
    assert.equal(reader.status, 'builtin', 'kube-system bootstrap Role');
    assert.deepEqual(g.unknownBindingsOf('mon', 'adapter'), []);
    assert.deepEqual(
      g.permissionsOf('mon', 'adapter').map((p) => [p.scope, p.rule.verbs.join(','), p.rule.resources.join(','), p.rule.resourceNames.join(',')]),
      [['kube-system', 'get,list,watch', 'configmaps', 'extension-apiserver-authentication']],
    );
    assert.deepEqual(g.risksOf('mon', 'adapter'), []);
    const wrong = g.resolveRoleRef(ix.named('RoleBinding', 'wrong-kind')[0]);
    assert.equal(wrong.status, 'missing');
    assert.equal(wrong.otherKind?.kind, 'ClusterRole');
    assert.deepEqual(g.permissionsOf('shop', 'web'), []);
  });

  it('escalate and bind need their companion permission to be critical', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: binder}
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs: ["bind", "escalate"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterrolebindings"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: bind-only}
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs: ["bind"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a}
roleRef: {kind: ClusterRole, name: binder}
subjects: [{kind: ServiceAccount, name: a, namespace: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: bind-only}
subjects: [{kind: ServiceAccount, name: b, namespace: ops}]
`);
    const g = rbacGraph(ix);
    assert.deepEqual(summaries(g.risksOf('ops', 'a')), [
      'critical bind cluster: can bind any ClusterRole, cluster-admin included, to itself cluster-wide',
      'medium escalate cluster: holds escalate on clusterroles cluster-wide (harmless without create/update on clusterroles, not granted in the input)',
    ]);
    assert.deepEqual(summaries(g.risksOf('ops', 'b')), [
      'medium bind cluster: can bind any of clusterroles cluster-wide (given create on role bindings, not granted in the input)',
    ]);
  });

  it('impersonation, webhooks and CSR approval', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [""]
    resources: ["users", "groups"]
    verbs: ["impersonate"]
  - apiGroups: ["admissionregistration.k8s.io"]
    resources: ["mutatingwebhookconfigurations"]
    verbs: ["patch"]
  - apiGroups: ["certificates.k8s.io"]
    resources: ["certificatesigningrequests/approval"]
    verbs: ["update"]
  - apiGroups: ["certificates.k8s.io"]
    resources: ["signers"]
    resourceNames: ["kubernetes.io/kube-apiserver-client"]
    verbs: ["approve"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: r}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: ServiceAccount, name: r, namespace: ops}]
`);
    assert.deepEqual(summaries(rbacGraph(ix).risksOf('ops', 'r')), [
      'critical impersonate cluster: can impersonate any user and any group',
      'critical admission-webhooks cluster: can rewrite MutatingWebhookConfigurations (intercepting objects sent to the API server)',
      'high csr-approve cluster: can approve certificate signing requests for API client certificates (signer kubernetes.io/kube-apiserver-client)',
    ]);
  });

  it('creating workloads in a namespace inherits its strongest ServiceAccount', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: shop}
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["create", "patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci, namespace: shop}
roleRef: {kind: Role, name: deployer}
subjects: [{kind: ServiceAccount, name: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: backup}
roleRef: {kind: ClusterRole, name: secrets}
subjects: [{kind: ServiceAccount, name: backup, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secrets}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}]
`);
    const risks = rbacGraph(ix).risksOf('shop', 'ci');
    assert.deepEqual(summaries(risks), [
      'critical workload-create shop: can create/patch deployments in namespace shop, so it can run any image as any ServiceAccount there, including ServiceAccount "backup", which can read every Secret cluster-wide',
    ]);
    assert.deepEqual(risks[0].via.map((v) => v.binding.name).sort(), ['backup', 'ci']);
  });

  it('update/patch on pods swaps a running pod\'s image: high in a namespace, critical cluster-wide, medium for named pods; create covers it', () => {
    const role = (kind: string, name: string, ns: string | null, rule: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}
rules: [${rule}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}Binding
metadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}
roleRef: {kind: ${kind}, name: ${name}}
subjects: [{kind: ServiceAccount, name: ${name}, namespace: shop}]
---
`;
    const ix = index(
      role('Role', 'labeler', 'shop', '{apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch"]}') +
        role('ClusterRole', 'mutator', null, '{apiGroups: [""], resources: ["pods"], verbs: ["update"]}') +
        role('Role', 'one', 'shop', '{apiGroups: [""], resources: ["pods"], resourceNames: ["leader-0"], verbs: ["patch"]}') +
        role('Role', 'maker', 'shop', '{apiGroups: [""], resources: ["pods"], verbs: ["create", "patch"]}') +
        role('Role', 'status', 'shop', '{apiGroups: [""], resources: ["pods/status"], verbs: ["patch"]}'),
    );
    const g = rbacGraph(ix);
    assert.deepEqual(summaries(g.risksOf('shop', 'labeler')), [
      "high pod-image-update shop: can patch any pod in namespace shop, and so replace a running pod's image with any image, which then runs with that pod's ServiceAccount token",
    ]);
    assert.deepEqual(summaries(g.risksOf('shop', 'mutator')).map((x) => x.split(':')[0]), ['critical pod-image-update cluster']);
    assert.deepEqual(summaries(g.risksOf('shop', 'one')), [
      'medium pod-image-update shop: can patch pod leader-0 in namespace shop, and so replace its image with any image, which then runs with its ServiceAccount token',
    ]);
    assert.deepEqual(g.risksOf('shop', 'maker').map((r) => r.id), ['workload-create']);
    // pods/status cannot change the spec.
    assert.deepEqual(g.risksOf('shop', 'status'), []);
  });

  it('creating workloads inherits a ServiceAccount whose reach goes beyond the namespace, not one that can only run as others there', () => {
    const ix = index(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: r}
rules: [{apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r1, namespace: r}
roleRef: {kind: Role, name: deployer}
subjects: [{kind: ServiceAccount, name: r1}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: patcher, namespace: r}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["patch"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r2, namespace: r}
roleRef: {kind: Role, name: patcher}
subjects: [{kind: ServiceAccount, name: r2}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: other}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r3, namespace: other}
roleRef: {kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: r3, namespace: r}]
`);
    const [top] = rbacGraph(ix).risksOf('r', 'r1');
    assert.match(top.summary, /including ServiceAccount "r3", which can read every Secret in namespace other$/);
  });
});

describe('blastRadius', () => {
  const rbac = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: read-all}
roleRef: {kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: lost, namespace: shop}
roleRef: {kind: Role, name: gone}
subjects: [{kind: ServiceAccount, name: web}]
`;

  it('reports the ServiceAccount, its token and its risks in one line', () => {
    const ix = index(`${rbac}---\n${deploy('web', 'shop', 'web')}`);
    const b = blastRadius(ix, workload(ix, 'web'));
    assert.equal(b.serviceAccount, 'web');
    assert.equal(b.namespace, 'shop');
    assert.equal(b.tokenMounted, true);
    assert.equal(b.automount, true);
    assert.equal(b.risks.length, 1);
    assert.equal(b.risks[0].level, 'critical');
    assert.equal(b.unknownBindings.length, 1);
    assert.equal(
      b.text,
      'ServiceAccount "shop/web" (token mounted): can read every Secret cluster-wide, through ClusterRoleBinding "read-all" -> ClusterRole "secret-reader"; 1 binding grants a role not in the input (RoleBinding "lost" -> Role "gone")',
    );
    assert.equal(blastRadius(ix, workload(ix, 'web')), b, 'memoized');
  });

  it("kubebuilder's placeholder namespace system: another operator's bindings of system/controller-manager are not this one's", () => {
    const crb = (name: string, role: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${name}}
roleRef: {kind: ClusterRole, name: ${role}}
subjects: [{kind: ServiceAccount, name: controller-manager, namespace: system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${role}}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"]}]
`;
    const ix = load(
      ['ops/viewer/config/manager/manager.yaml', deploy('controller-manager', 'system', 'controller-manager')],
      ['ops/viewer/config/rbac/role_binding.yaml', crb('viewer-binding', 'viewer-role').replace('resources: ["secrets"]', 'resources: ["configmaps"]')],
      ['ops/notebook/config/rbac/role_binding.yaml', crb('notebook-binding', 'notebook-role')],
    );
    const b = blastRadius(ix, workload(ix, 'controller-manager'));
    assert.deepEqual(b.risks, [], b.text);
    assert.equal(b.grants, 1);
    // The same files on a live scan: one namespace "system", every binding counts.
    const live = load(
      ['ops/viewer/config/manager/manager.yaml', deploy('controller-manager', 'system', 'controller-manager')],
      ['ops/notebook/config/rbac/role_binding.yaml', crb('notebook-binding', 'notebook-role')],
    );
    live.listedKinds = new Set(['ClusterRoleBinding']);
    assert.match(blastRadius(live, workload(live, 'controller-manager')).text, /can read every Secret cluster-wide/);
  });

  it('token: pod field wins over the ServiceAccount; a projected API token counts, another audience does not', () => {
    const ix = index(`${rbac}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: false
---
${deploy('off-by-sa', 'shop', 'web')}---
${deploy('on-by-pod', 'shop', 'web', '      automountServiceAccountToken: true\n')}---
${deploy('projected', 'shop', 'web', `      volumes:
        - name: tok
          projected:
            sources:
              - serviceAccountToken: {path: token, expirationSeconds: 600}
`)}---
${deploy('vault-only', 'shop', 'web', `      volumes:
        - name: tok
          projected:
            sources:
              - serviceAccountToken: {path: token, audience: vault}
`)}`);
    const t = (n: string) => {
      const b = blastRadius(ix, workload(ix, n));
      return [b.automount, b.projectedToken, b.tokenMounted];
    };
    assert.deepEqual(t('off-by-sa'), [false, false, false]);
    assert.deepEqual(t('on-by-pod'), [true, false, true]);
    assert.deepEqual(t('projected'), [false, true, true]);
    assert.deepEqual(t('vault-only'), [false, false, false]);
    assert.match(blastRadius(ix, workload(ix, 'off-by-sa')).text, /no API token mounted/);
  });

  it('a namespace-less workload takes grants from namespace-less subjects in its own folder only', () => {
    const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app}
roleRef: {kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: app}]
`;
    const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      serviceAccountName: app
      containers: [{name: app, image: "app:1"}]
`;
    const same = load(['a/rbac.yaml', binding], ['a/app.yaml', app]);
    assert.ok(blastRadius(same, workload(same, 'app')).risks.length > 0);
    const apart = load(['a/rbac.yaml', binding], ['b/app.yaml', app]);
    assert.deepEqual(blastRadius(apart, workload(apart, 'app')).risks, []);
  });

  it('of several copies of one binding, the copy closest to the workload counts', () => {
    const crb = (role: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: manager}
roleRef: {kind: ClusterRole, name: ${role}}
subjects: [{kind: ServiceAccount, name: manager, namespace: system}]
`;
    const roles = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secrets}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pods}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["create"]}]
`;
    const ix = load(
      ['roles.yaml', roles],
      ['one/rbac/binding.yaml', crb('secrets')],
      ['two/rbac/binding.yaml', crb('pods')],
      ['one/manager/app.yaml', deploy('one', 'system', 'manager')],
      ['two/manager/app.yaml', deploy('two', 'system', 'manager')],
    );
    assert.deepEqual(blastRadius(ix, workload(ix, 'one')).risks.map((r) => r.id), ['secrets-read']);
    assert.deepEqual(blastRadius(ix, workload(ix, 'two')).risks.map((r) => r.id), ['workload-create']);
    // Without a workload to be close to, every copy counts.
    assert.deepEqual(rbacGraph(ix).risksOf('system', 'manager').map((r) => r.id), ['secrets-read', 'workload-create']);
  });

  it('no bindings: says so', () => {
    const ix = index(deploy('web', 'shop', 'web'));
    assert.equal(blastRadius(ix, workload(ix, 'web')).text, 'ServiceAccount "shop/web" (token mounted): no permissions granted in the input');
  });
});
