import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/availability/webhook-blocks-own-recovery.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

/** The webhook's backend: a Service and the Deployment it selects, in namespace guard. */
const backend = `apiVersion: v1
kind: Service
metadata: {name: guard-webhook, namespace: guard}
spec:
  selector: {app: guard}
  ports: [{port: 443, targetPort: 9443}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: guard, namespace: guard}
spec:
  replicas: 2
  selector: {matchLabels: {app: guard}}
  template:
    metadata: {labels: {app: guard}}
    spec:
      containers: [{name: webhook, image: registry.example.com/guard:1.2.0}]
---
`;
const BACKEND_LINES = backend.split('\n').length - 1;

/** A webhook configuration; `extra` is indented under the webhook entry. */
const webhook = (extra: string, opts: { kind?: string; apiVersion?: string; rules?: string } = {}) => `apiVersion: ${opts.apiVersion ?? 'admissionregistration.k8s.io/v1'}
kind: ${opts.kind ?? 'ValidatingWebhookConfiguration'}
metadata: {name: guard}
webhooks:
  - name: pods.guard.example.com
${extra}    rules:
${opts.rules ?? `      - operations: ["CREATE", "UPDATE"]
        apiGroups: [""]
        apiVersions: ["v1"]
        resources: ["pods"]
`}    clientConfig:
      service: {namespace: guard, name: guard-webhook, path: /validate}
    sideEffects: None
    admissionReviewVersions: ["v1"]
`;

const namespace = (name: string, labels = '{}') => `---
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: ${labels}
`;

describe('webhook-blocks-own-recovery', () => {
  it('fires when failurePolicy is unset (Fail by default) and no namespaceSelector excludes the backend namespace', () => {
    const found = expectFindings(check, backend + webhook(''), [
      // No namespaceSelector: the finding points at the webhook entry, where it belongs.
      { line: BACKEND_LINES + 5, severity: 'error', object: 'guard', message: 'webhook "pods.guard.example.com" has no failurePolicy (Fail by default), rules[0] covers pod CREATE' },
    ]);
    const f = found[0];
    assert.match(f.message, /namespaceSelector is unset, so it covers every namespace, including "guard" where its backend Service "guard-webhook" \(Deployment "guard"\) runs/);
    assert.match(f.message, /rejects their replacements, a deadlock only broken by deleting or editing ValidatingWebhookConfiguration "guard"/);
    // Unset namespaceSelector covers kube-system too: error.
    assert.match(f.message, /it also covers kube-system/);
    assert.deepEqual(
      f.related.map((r) => [r.object.kind, r.object.name, r.note]),
      [
        ['Service', 'guard-webhook', 'webhook backend Service'],
        ['Deployment', 'guard', 'runs the webhook backend pods'],
      ],
    );
  });

  it('is a warning when the selector matches the backend namespace but excludes kube-system', () => {
    expectFindings(
      check,
      backend +
        webhook(`    failurePolicy: Fail
    namespaceSelector:
      matchExpressions:
        - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
`),
      [{ line: BACKEND_LINES + 7, severity: 'warning', message: 'failurePolicy Fail, rules[0] covers pod CREATE, and its namespaceSelector matches namespace "guard"' }],
    );
  });

  it('evaluates namespaceSelector labels against the Namespace object of the input', () => {
    const sel = `    namespaceSelector:
      matchExpressions:
        - {key: policy.example.com/ignore, operator: DoesNotExist}
`;
    // The backend namespace is not labelled to be ignored, kube-system is: warning.
    expectFindings(check, backend + webhook(sel) + namespace('guard') + namespace('kube-system', '{policy.example.com/ignore: "true"}'), [
      { line: BACKEND_LINES + 6, severity: 'warning', message: 'matches namespace "guard"' },
    ]);
    // The backend namespace is labelled: excluded, silent.
    expectNone(check, backend + webhook(sel) + namespace('guard', '{policy.example.com/ignore: "true"}'));
    // Label selector and no Namespace object: cannot tell, silent.
    expectNone(check, backend + webhook(sel));
  });

  it('an opt-in namespaceSelector (injection label) that the backend namespace lacks is silent', () => {
    expectNone(
      check,
      backend +
        webhook(`    namespaceSelector:
      matchLabels: {sidecar-injection: enabled}
`) +
        namespace('guard'),
    );
  });

  it('a selector on kubernetes.io/metadata.name alone is evaluated without the Namespace object', () => {
    expectNone(
      check,
      backend +
        webhook(`    namespaceSelector:
      matchExpressions:
        - {key: kubernetes.io/metadata.name, operator: NotIn, values: [guard, kube-system]}
`),
    );
    expectFindings(
      check,
      backend +
        webhook(`    namespaceSelector:
      matchExpressions:
        - {key: kubernetes.io/metadata.name, operator: In, values: [guard, apps]}
`),
      [{ severity: 'warning', message: 'matches namespace "guard"' }],
    );
  });

  it('covers pods through *, pods/* and */* resources and the * operation, and MutatingWebhookConfiguration', () => {
    for (const res of ['"*"', '"pods/*"', '"*/*"']) {
      const rules = `      - operations: ["*"]
        apiGroups: ["*"]
        apiVersions: ["*"]
        resources: [${res}]
        scope: Namespaced
`;
      assert.equal(runCheck(check, backend + webhook('', { rules, kind: 'MutatingWebhookConfiguration' })).length, 1, res);
    }
  });

  it('is silent for rules that do not cover pod creation', () => {
    const cases = [
      // Only UPDATE and DELETE.
      `      - {operations: [UPDATE, DELETE], apiGroups: [""], apiVersions: [v1], resources: [pods]}\n`,
      // A subresource only.
      `      - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods/eviction, pods/binding]}\n`,
      // Custom resources only.
      `      - {operations: [CREATE], apiGroups: [cert-manager.io], apiVersions: [v1], resources: [certificates]}\n`,
      // Another group's "pods" (metrics.k8s.io): not the core group.
      `      - {operations: [CREATE], apiGroups: [metrics.k8s.io], apiVersions: [v1beta1], resources: [pods]}\n`,
      // Cluster scope never matches pods.
      `      - {operations: [CREATE], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"], scope: Cluster}\n`,
      // A version pods are not served in.
      `      - {operations: [CREATE], apiGroups: [""], apiVersions: [v1beta1], resources: [pods]}\n`,
    ];
    for (const rules of cases) assert.equal(runCheck(check, backend + webhook('', { rules })).length, 0, rules);
  });

  it('is silent for failurePolicy Ignore, an objectSelector, matchConditions and a url backend', () => {
    expectNone(check, backend + webhook('    failurePolicy: Ignore\n'));
    expectNone(
      check,
      backend +
        webhook(`    objectSelector:
      matchExpressions:
        - {key: app, operator: NotIn, values: [guard]}
`),
    );
    expectNone(
      check,
      backend +
        webhook(`    matchConditions:
      - name: not-own-pods
        expression: "object.metadata.namespace != 'guard'"
`),
    );
    expectNone(
      check,
      `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: external}
webhooks:
  - name: pods.external.example.com
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    clientConfig: {url: "https://policy.example.com/mutate"}
    sideEffects: None
    admissionReviewVersions: [v1]
`,
    );
  });

  it('an empty objectSelector excludes nothing: still fires', () => {
    assert.equal(runCheck(check, backend + webhook('    objectSelector: {}\n    namespaceSelector: {}\n')).length, 1);
  });

  it('is silent for the removed v1beta1 API and templated values', () => {
    expectNone(check, backend + webhook('', { apiVersion: 'admissionregistration.k8s.io/v1beta1' }));
    expectNone(check, backend + webhook('    failurePolicy: "{{ .Values.webhook.failurePolicy }}"\n'));
    expectNone(
      check,
      backend +
        webhook(`    namespaceSelector:
      matchExpressions:
        - {key: kubernetes.io/metadata.name, operator: NotIn, values: ["{{ .Release.Namespace }}"]}
`),
    );
    expectNone(
      check,
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: tpl}
webhooks:
  - name: pods.tpl.example.com
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    clientConfig: {service: {namespace: "\${NAMESPACE}", name: tpl}}
    sideEffects: None
    admissionReviewVersions: [v1]
`,
    );
  });

  it('a Service of the input that selects no pods (ExternalName) leaves it open', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Service
metadata: {name: guard-webhook, namespace: guard}
spec: {type: ExternalName, externalName: guard.example.com}
---
${webhook('')}`,
    );
  });

  it('fires without the Service in the input, with no related objects', () => {
    const f = runCheck(check, webhook(''));
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].related, []);
    assert.match(f[0].message, /backend Service "guard-webhook" runs/);
  });

  it('a backend in kube-system is an error', () => {
    const f = runCheck(
      check,
      `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: sys}
webhooks:
  - name: pods.sys.example.com
    namespaceSelector:
      matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [default]}]
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    clientConfig: {service: {namespace: kube-system, name: sys-webhook}}
    sideEffects: None
    admissionReviewVersions: [v1]
`,
    );
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
    assert.match(f[0].message, /that namespace is kube-system, so while it is down no other kube-system pod/);
  });

  it('reports each webhook of a configuration on its own', () => {
    const found = runCheck(
      check,
      `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: multi}
webhooks:
  - name: a.example.com
    failurePolicy: Ignore
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    clientConfig: {service: {namespace: guard, name: svc}}
    sideEffects: None
    admissionReviewVersions: [v1]
  - name: b.example.com
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    clientConfig: {service: {namespace: guard, name: svc}}
    sideEffects: None
    admissionReviewVersions: [v1]
`,
    );
    assert.equal(found.length, 1);
    assert.equal(found[0].location.line, 11);
    assert.match(found[0].message, /webhook "b.example.com"/);
  });

  it('does not crash on odd shapes', () => {
    for (const body of [
      'webhooks: "nope"',
      'webhooks: [null, 3, {name: x}]',
      `webhooks:
  - name: odd
    rules: {operations: CREATE}
    clientConfig: {service: "guard/svc"}`,
      `webhooks:
  - name: odd
    rules: [{operations: CREATE, apiGroups: "", apiVersions: v1, resources: pods}]
    clientConfig: {service: {namespace: guard, name: svc}}
    namespaceSelector: "all"`,
      `webhooks:
  - name: odd
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    clientConfig: {service: {namespace: guard, name: svc}}
    namespaceSelector: {matchExpressions: "x"}
    objectSelector: 7`,
    ]) {
      expectNone(check, `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: odd}\n${body}\n`);
    }
  });
});
