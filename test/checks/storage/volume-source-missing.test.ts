import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../../src/checks/storage/volume-source-missing.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { loadText } from '../../../src/sources/resources.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';

/** A Deployment in namespace "shop"; `env` goes under the container, `volumes` under the pod. */
const app = (env: string, volumes = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: api
          image: example/api:1.0
${env}${volumes ? `      volumes:\n${volumes}` : ''}`;

const configMap = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: api-config, namespace: shop}
data:
  log-level: info
  feature-flags: "a,b"
`;

describe('volume-source-missing', () => {
  it('reports a missing ConfigMap once, naming every use, as unknown', () => {
    const found = runCheck(
      check,
      app(
        `          envFrom: [{configMapRef: {name: settings}}]
          volumeMounts: [{name: cfg, mountPath: /etc/api}]
`,
        `        - {name: cfg, configMap: {name: settings}}
`,
      ),
    );
    assert.equal(found.length, 1);
    const f = found[0];
    assert.equal(f.location.line, 13);
    assert.equal(f.severity, 'error');
    assert.equal(f.unknown, 'no ConfigMap "settings" in namespace shop');
    assert.match(f.message, /^ConfigMap "settings" \(used by volume "cfg", envFrom of container "api"\) is not in namespace "shop" in the input/);
    assert.match(f.message, /the pod stays in ContainerCreating \(FailedMount\), and the container fails to start with CreateContainerConfigError/);
  });

  it('is firm with --complete', () => {
    const loaded = loadText(app('          envFrom: [{secretRef: {name: api-env}}]\n'), 'test.yaml', loadPlan([check]));
    const found = audit({ resources: loaded.resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
    assert.equal(found.length, 1);
    assert.equal(found[0].unknown, null);
    assert.equal(found[0].container, 'api');
    assert.equal(found[0].location.line, 10);
  });

  it('a Secret that a workload of the input may create there: info naming that workload, also with --complete', () => {
    const secretVolume = `        - {name: certs, secret: {secretName: api-webhook-certs}}\n`;
    const mounts = `          volumeMounts: [{name: certs, mountPath: /certs}]\n`;
    const rbac = (scope: 'Role' | 'ClusterRole', binding: 'RoleBinding' | 'ClusterRoleBinding', verbs: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${scope}
metadata: {name: cert-writer${scope === 'Role' ? ', namespace: shop' : ''}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [${verbs}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${binding}
metadata: {name: cert-writer${binding === 'RoleBinding' ? ', namespace: shop' : ''}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${scope}, name: cert-writer}
subjects: [{kind: ServiceAccount, name: certgen, namespace: shop}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: certgen, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: certgen
      containers: [{name: gen, image: example/certgen:1.0}]
`;
    for (const [kind, binding] of [['Role', 'RoleBinding'], ['ClusterRole', 'ClusterRoleBinding']] as const) {
      const input = app(mounts, secretVolume) + rbac(kind, binding, 'get, create, update');
      const loaded = loadText(input, 'test.yaml', loadPlan([check]));
      const found = audit({ resources: loaded.resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
      assert.equal(found.length, 1, kind);
      assert.equal(found[0].severity, 'info');
      assert.equal(found[0].unknown, null);
      assert.match(found[0].message, /^Secret "api-webhook-certs" \(used by volume "certs"\) is not in the input, and Deployment "certgen"'s ServiceAccount may create Secrets in namespace "shop": if it writes this one at run time, the pod stays in ContainerCreating \(FailedMount\) until it does$/);
      assert.deepEqual(found[0].related.map((r) => [r.object.name, r.note]), [['certgen', 'may create Secrets']]);
    }
    // Reading Secrets is not creating them: still the usual finding.
    const readOnly = runCheck(check, app(mounts, secretVolume) + rbac('Role', 'RoleBinding', 'get, list'));
    assert.equal(readOnly.length, 1);
    assert.equal(readOnly[0].severity, 'error');
    assert.equal(readOnly[0].unknown, 'no Secret "api-webhook-certs" in namespace shop');
  });

  it('reports a missing PersistentVolumeClaim, but not a StatefulSet claim template', () => {
    expectFindings(check, app('', '        - {name: data, persistentVolumeClaim: {claimName: uploads}}\n'), [
      { line: 11, message: 'PersistentVolumeClaim "uploads" (used by volume "data") is not in namespace "shop" in the input: if it does not exist in the cluster either, the pod stays Pending' },
    ]);
    expectNone(
      check,
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  template:
    spec:
      containers: [{name: db, image: postgres:16}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
    );
  });

  it('skips optional references', () => {
    expectNone(
      check,
      app(
        `          env:
            - name: FLAGS
              valueFrom: {configMapKeyRef: {name: flags, key: all, optional: true}}
            - name: LEVEL
              valueFrom: {configMapKeyRef: {name: api-config, key: missing-key, optional: true}}
          envFrom: [{secretRef: {name: extra, optional: true}}]
`,
        `        - {name: cfg, configMap: {name: overrides, optional: true}}
        - name: p
          projected:
            sources:
              - configMap: {name: more, optional: true}
              - secret: {name: certs, optional: true}
`,
      ) + configMap,
    );
  });

  it('is a firm error when a key is missing from a ConfigMap of the input, at the key', () => {
    const found = expectFindings(
      check,
      app(
        `          env:
            - name: LOG_LEVEL
              valueFrom: {configMapKeyRef: {name: api-config, key: log-level}}
            - name: TIMEOUT
              valueFrom:
                configMapKeyRef:
                  name: api-config
                  key: timeout
          volumeMounts: [{name: flags, mountPath: /etc/flags}]
`,
        `        - name: flags
          configMap:
            name: api-config
            items: [{key: feature-flag, path: flags.txt}]
`,
      ) + configMap,
      [
        { line: 17, severity: 'error', container: 'api', message: 'env TIMEOUT of container "api" reads key "timeout" of ConfigMap "api-config", which has no such key (it has "log-level", "feature-flags"): the container fails to start with CreateContainerConfigError' },
        { line: 23, severity: 'error', message: 'volume "flags" reads key "feature-flag" of ConfigMap "api-config", which has no such key' },
      ],
    );
    assert.equal(found[0].unknown, null);
    assert.equal(found[0].related[0].object.name, 'api-config');
    assert.equal(found[0].related[0].location.line, 28);
  });

  it('counts binaryData keys, and Secrets made by cert-manager, Sealed Secrets and External Secrets', () => {
    expectNone(
      check,
      `${app(
        `          env:
            - {name: LOGO, valueFrom: {configMapKeyRef: {name: assets, key: logo.png}}}
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db-credentials, key: password}}}
          envFrom: [{secretRef: {name: api-keys}}]
`,
        `        - {name: tls, secret: {secretName: api-tls}}
`,
      )}---
apiVersion: v1
kind: ConfigMap
metadata: {name: assets, namespace: shop}
binaryData: {logo.png: aGVsbG8=}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: api, namespace: shop}
spec:
  secretName: api-tls
  dnsNames: [api.example.com]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: db-credentials, namespace: shop}
spec: {encryptedData: {password: AgBy8hCi}}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: keys, namespace: shop}
spec:
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target: {name: api-keys}
`,
    );
  });

  it('does not count a Certificate of another namespace', () => {
    expectFindings(
      check,
      `${app('', '        - {name: tls, secret: {secretName: api-tls}}\n')}---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: api, namespace: other}
spec: {secretName: api-tls}
`,
      [{ line: 11, message: 'Secret "api-tls" (used by volume "tls")' }],
    );
  });

  it('counts existing Secrets by name only, and never prints their data', () => {
    const yaml = `${app('          env:\n            - {name: TOKEN, valueFrom: {secretKeyRef: {name: api-token, key: tokn}}}\n')}---
apiVersion: v1
kind: Secret
metadata: {name: api-token, namespace: shop}
stringData: {token: SuperSecretValue-91}
`;
    assert.equal(runCheck(check, yaml).length, 0);
  });

  it('counts kube-root-ca.crt, kustomize generators and certificate-generator Jobs', () => {
    expectNone(
      check,
      `${app(
        `          envFrom: [{configMapRef: {name: generated-env}}]
`,
        `        - name: token
          projected:
            sources:
              - serviceAccountToken: {path: token}
              - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
        - {name: webhook-cert, secret: {secretName: api-admission}}
`,
      )}---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
configMapGenerator:
  - name: generated-env
    envs: [app.env]
---
apiVersion: batch/v1
kind: Job
metadata: {name: admission-create, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: create
          image: registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4
          args: [create, --host=api, --namespace=shop, --secret-name=api-admission]
`,
    );
  });

  it('skips templated names', () => {
    expectNone(check, app('          envFrom: [{configMapRef: {name: "{{ .Release.Name }}-env"}}]\n'));
  });
});

describe('volume-source-missing: image pull Secrets', () => {
  const web = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      imagePullSecrets:
        - name: regcred
        - name: ""
      containers: [{name: app, image: "registry.example.com/shop/web:1.0.0"}]
${extra}`;
  it('a pull Secret not in the input: a warning (the kubelet pulls without credentials), unknown unless complete; present: silent', () => {
    const [f] = expectFindings(check, web(), [{ line: 8, severity: 'warning', message: 'Secret "regcred" (used by imagePullSecrets) is not in namespace "shop" in the input: if it does not exist in the cluster either, the kubelet pulls the images without these credentials, so a private registry refuses them (ErrImagePull, then ImagePullBackOff)' }]);
    assert.ok(f.unknown);
    const complete = audit({ resources: loadText(web(), 'x.yaml', loadPlan([check])).resources }, { checks: [check], complete: true }).verdicts.flatMap((v) => v.findings);
    assert.deepEqual(complete.map((x) => [x.severity, x.unknown]), [['warning', null]]);
    expectNone(check, web('---\napiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: shop}\ntype: kubernetes.io/dockerconfigjson\n'));
  });

  it('the same Secret also mounted: an error (the mount fails whatever the registry)', () => {
    const both = web().replace('      containers:', '      volumes: [{name: creds, secret: {secretName: regcred}}]\n      containers:');
    expectFindings(check, both, [{ severity: 'error', message: 'Secret "regcred" (used by volume "creds", imagePullSecrets)' }]);
  });
});
