import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/rbac/service-account-token-secret.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

const tokenSecret = (name: string, sa: string, extra = '') => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: ${sa}
type: kubernetes.io/service-account-token
${extra}`;

/** A live scan: Secrets arrive as metadata only (no type, no data), and the listed kinds are known. */
function runLive(yaml: string) {
  const loaded = loadText(yaml, 'ctx/ci/Secret/x', loadPlan([check]));
  return audit({ resources: loaded.resources, listedKinds: new Set(['Secret', 'ServiceAccount']) }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
}

describe('service-account-token-secret', () => {
  it('fires on a token Secret, naming the ServiceAccount, what its token can do and that nothing cleans it up', () => {
    const found = expectFindings(
      check,
      `${tokenSecret('deployer-token', 'deployer')}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer-secrets, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
`,
      [
        {
          line: 8,
          severity: 'warning',
          message:
            'type kubernetes.io/service-account-token makes the token controller store a token of ServiceAccount "ci/deployer" in this Secret: the token never expires and authenticates as the ServiceAccount until the Secret is deleted; the legacy token cleaner never removes it (it only handles tokens listed in the ServiceAccount\'s secrets); whoever holds it can read every Secret in namespace ci',
        },
      ],
    );
    assert.deepEqual(
      found[0].related.map((r) => [r.object.kind, r.location.line]),
      [
        ['ServiceAccount', 10],
        ['RoleBinding', 18],
      ],
    );
  });

  it('says when the legacy token cleaner applies (the ServiceAccount lists the Secret)', () => {
    expectFindings(
      check,
      `${tokenSecret('builder-token-x7k2p', 'builder')}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ci}
secrets:
  - name: builder-token-x7k2p
`,
      [{ line: 8, message: 'the ServiceAccount lists it in secrets, so the legacy token cleaner invalidates it only once it has gone unused for a year' }],
    );
  });

  it('is an error when the ServiceAccount annotation is missing (the API server rejects the Secret)', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Secret
metadata: {name: orphan, namespace: ci}
type: kubernetes.io/service-account-token
`,
      [{ line: 4, severity: 'error', message: 'the API server rejects the Secret' }],
    );
  });

  it('a filled-in token is never kept or printed (Secrets load as metadata plus their type)', () => {
    const found = runCheck(
      check,
      tokenSecret(
        'dumped',
        'deployer',
        `data:
  token: ZXlKaGJHY2lPaUpTVXpJMU5pSjkuc2VjcmV0
  ca.crt: LS0tLS1CRUdJTg==
`,
      ),
    );
    assert.equal(found.length, 1);
    assert.doesNotMatch(found[0].message, /ZXlK|eyJh|LS0t|data\.token/);
  });

  it('names the ServiceAccount generically when the annotation is templated', () => {
    expectFindings(check, tokenSecret('t', '"{{ .Values.sa }}"'), [{ line: 8, message: 'a token of the ServiceAccount named in kubernetes.io/service-account.name' }]);
  });

  it('is silent for other Secret types, a missing type (Opaque), templated types and invalidated tokens', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Secret
metadata:
  name: opaque-with-annotation
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: deployer
    kubernetes.io/service-account.uid: 0b7d1c8e-4f4b-4d8e-9d5a-2f0e6f1c9a11
stringData: {token: not-a-real-token}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: ci}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
---
apiVersion: v1
kind: Secret
metadata:
  name: templated
  annotations: {kubernetes.io/service-account.name: deployer}
type: "{{ .Values.secretType }}"
---
apiVersion: v1
kind: Secret
metadata:
  name: old-token
  namespace: ci
  labels: {kubernetes.io/legacy-token-invalid-since: "2025-01-10"}
  annotations: {kubernetes.io/service-account.name: deployer}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata: just-a-string
type: 42
---
apiVersion: v1
kind: Secret
metadata: {name: odd, annotations: [kubernetes.io/service-account.name]}
type: Opaque
`,
    );
  });

  it('in a live scan (metadata only), fires only on Secrets with both token controller annotations', () => {
    const found = runLive(`apiVersion: v1
kind: Secret
metadata:
  name: deployer-token
  namespace: ci
  labels: {kubernetes.io/legacy-token-last-used: "2026-03-02"}
  annotations:
    kubernetes.io/service-account.name: deployer
    kubernetes.io/service-account.uid: 0b7d1c8e-4f4b-4d8e-9d5a-2f0e6f1c9a11
---
apiVersion: v1
kind: Secret
metadata:
  name: name-only
  namespace: ci
  annotations: {kubernetes.io/service-account.name: deployer}
---
apiVersion: v1
kind: Secret
metadata: {name: plain, namespace: ci}
`);
    assert.equal(found.length, 1);
    assert.equal(found[0].object.name, 'deployer-token');
    assert.equal(found[0].field, 'metadata.annotations["kubernetes.io/service-account.name"]');
    assert.match(found[0].message, /^Secret carries the token controller's annotations kubernetes\.io\/service-account\.name "deployer" and kubernetes\.io\/service-account\.uid, so it holds a legacy token of ServiceAccount "ci\/deployer": the token never expires/);
    assert.match(found[0].message, /last used 2026-03-02/);
  });
});

describe('service-account-token-secret: fixes', () => {
  it("the commands name the finding's Secret, ServiceAccount and namespace", () => {
    const [f] = expectFindings(check, tokenSecret('ci-deployer-token', 'ci-deployer'), [{ object: 'ci-deployer-token' }]);
    assert.equal(
      f.fix,
      'Delete the Secret to revoke the token (kubectl delete secret ci-deployer-token -n ci, and remove it from the manifests) and give clients short-lived tokens: kubectl create token ci-deployer -n ci --duration=1h for CI and people, a projected serviceAccountToken volume in pods.',
    );
    // A Secret without a namespace lands in the default one (-n).
    const [d] = expectFindings(check, tokenSecret('t', 'builder').replace('  namespace: ci\n', ''), [{}], { namespace: 'build' });
    assert.match(d.fix ?? '', /kubectl delete secret t -n build, .* kubectl create token builder -n build --duration=1h/);
    // Templated ServiceAccount name: an explicit placeholder, not the template text.
    const [t] = expectFindings(check, tokenSecret('t', '"{{ .Values.sa }}"'), [{}]);
    assert.match(t.fix ?? '', /kubectl create token <serviceaccount> -n ci --duration=1h/);
  });

  it('in a live scan: only the delete command (no manifest to edit)', () => {
    const [f] = runLive(`apiVersion: v1
kind: Secret
metadata:
  name: deployer-token
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: deployer
    kubernetes.io/service-account.uid: 0b7d1c8e-4f4b-4d8e-9d5a-2f0e6f1c9a11
`);
    assert.equal(f.fix, 'Delete the Secret to revoke the token (kubectl delete secret deployer-token -n ci) and give clients short-lived tokens: kubectl create token deployer -n ci --duration=1h for CI and people, a projected serviceAccountToken volume in pods.');
  });

  it('a Secret the API server rejects: remove it from the manifests', () => {
    const [f] = expectFindings(check, `apiVersion: v1\nkind: Secret\nmetadata: {name: orphan, namespace: ci}\ntype: kubernetes.io/service-account-token\n`, [{ severity: 'error' }]);
    assert.match(f.fix ?? '', /^Remove Secret "orphan" from the manifests \(the API server rejects it anyway\); .*kubectl create token <serviceaccount> -n ci --duration=1h/);
  });

  it('the generic text marks its placeholders', () => {
    assert.match(check.fix.text, /kubectl create token <serviceaccount> -n <namespace> --duration=1h/);
    assert.doesNotMatch(check.fix.text, /create token deployer/);
  });
});
