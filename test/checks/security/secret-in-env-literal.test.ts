import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check, { nameWords, secretName } from '../../../src/checks/security/secret-in-env-literal.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import { findCheck } from '../../../src/checks/index.js';

const defaults = Object.fromEntries(Object.entries(check.params!).map(([k, v]) => [k, v.default])) as never;

describe('secret-in-env-literal: name rules', () => {
  it('splits names into words', () => {
    assert.deepEqual(nameWords('dbPassword'), ['DB', 'PASSWORD']);
    assert.deepEqual(nameWords('APIKey'), ['API', 'KEY']);
    assert.deepEqual(nameWords('client-secret.value'), ['CLIENT', 'SECRET', 'VALUE']);
  });

  it('recognises secret names and the qualifier exclusions', () => {
    for (const n of ['DB_PASSWORD', 'dbPassword', 'REDIS_PASS', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'apiKey', 'AWS_SECRET_ACCESS_KEY', 'SECRET_KEY_BASE', 'DBPASSWORD', 'oauth-client-secret', 'GCP_CREDENTIALS']) {
      assert.equal(secretName(n, defaults), true, n);
    }
    for (const n of ['TOKEN_TTL', 'SECRET_NAME', 'PASSWORD_FILE', 'AWS_ACCESS_KEY_ID', 'API_KEY_HEADER', 'MAX_TOKENS', 'MAX_TOKEN', 'MIN_PASSWORD_LENGTH', 'TOKEN_URL', 'BYPASS_CACHE', 'COMPASS_URL', 'PASSWORD_POLICY', 'LOG_LEVEL', 'TOKENIZER']) {
      assert.equal(secretName(n, defaults), false, n);
    }
  });
});

describe('secret-in-env-literal', () => {
  it('fires on literal secrets without printing them, skips references and qualifiers', () => {
    const found = expectFindings(
      check,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: app:1.0
          env:
            - name: DB_PASSWORD
              value: hunter2-init
      containers:
        - name: app
          image: app:1.0
          env:
            - name: TOKEN_TTL
              value: "3600"
            - name: SECRET_NAME
              value: my-secret
            - name: PASSWORD_FILE
              value: /run/secrets/pw
            - name: API_TOKEN
              value: "$(SHARED_TOKEN)"
            - name: EMPTY_SECRET
              value: ""
            - name: FROM_SECRET_PASSWORD
              valueFrom: {secretKeyRef: {name: s, key: k}}
            - name: VAULT_TOKEN
              value: /var/run/secrets/vault/token
            - name: USE_TOKEN
              value: "true"
            - name: DB_SECRET
              value: ref+vault://secret/data/db#password
            - name: stripeApiKey
              value: sk_live_abc123
            - name: DATABASE_URL
              value: postgres://app:s3cr3t@db:5432/app
            - name: CACHE_URL
              value: redis://:$(REDIS_PASSWORD)@redis:6379
            - name: PORT
              value: 8080
            - name: MYSQL_ALLOW_EMPTY_PASSWORD
              value: "1"
            - name: REDIS_PASSWORD_REQUIRED
              value: "N"
            - name: ADMIN_PASSWORD
              value: "12"
`,
      [
        { line: 12, container: 'migrate', message: 'init container "migrate": env DB_PASSWORD has a literal value that looks like a secret' },
        { line: 36, container: 'app', message: 'env stripeApiKey has a literal value', severity: 'error' },
        { line: 38, container: 'app', message: 'env DATABASE_URL is a URL with a literal password in it' },
        { line: 48, container: 'app', message: 'env ADMIN_PASSWORD has a literal value' },
      ],
    );
    for (const f of found) {
      for (const secret of ['hunter2', 'sk_live', 's3cr3t']) assert.ok(!f.message.includes(secret), `message leaks the value: ${f.message}`);
    }
  });

  it('makes exclusions tunable', () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      env:
        - name: SESSION_TOKEN_SALT
          value: abcdef
`;
    assert.equal(runCheck(check, yaml).length, 1);
    expectNone(check, yaml, { params: { excludeNameSuffixes: ['SALT'] } });
  });

  it('is silent on env that is not a list', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      env: {DB_PASSWORD: x}
`,
    );
  });
});

describe('secret-in-env-literal: placeholders, etcd cluster tokens, access key IDs', () => {
  const pod = (env: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: app:1.0
      env:
${env}`;

  it('reports a placeholder as a warning (nothing to rotate yet), a literal as an error', () => {
    const found = expectFindings(
      check,
      pod(`        - {name: HF_TOKEN, value: "<your-token>"}
        - {name: OAUTH2_PROXY_CLIENT_SECRET, value: "<Client Secret>"}
        - {name: ETCD_DISCOVERY_TOKEN, value: INSERT_ETCD_DISCOVERY_TOKEN}
        - {name: API_TOKEN, value: REPLACE_ME}
        - {name: NGC_TOKEN, value: NGC_TOKEN}
        - {name: hfToken, value: hf_token}
        - {name: GOOGLE_API_KEY, value: GOOGLE_API_KEY_VAL}
        - {name: OAUTH2_PROXY_COOKIE_SECRET, value: SECRET}
        - {name: MYSQL_ROOT_PASSWORD, value: yourpassword}
        - {name: DATABASE_URL, value: "postgres://app:<password>@db:5432/app"}
        - {name: POSTGRES_PASSWORD, value: password}
        - {name: PASSWORD, value: password}
        - {name: SESSION_SECRET, value: s3cr3t-value}
        - {name: NGC_API_KEY, value: nvapi-NVKEY}
        - {name: OPENAI_API_KEY, value: sk-Xk29fQ7pLm}
`),
      [
        { line: 9, severity: 'warning', message: 'container "app": env HF_TOKEN holds a placeholder for a secret written inline: filled in, the secret is stored in the Pod itself (and in Git); reference a Secret with valueFrom.secretKeyRef instead' },
        { line: 10, severity: 'warning', message: 'env OAUTH2_PROXY_CLIENT_SECRET holds a placeholder' },
        { line: 11, severity: 'warning', message: 'env ETCD_DISCOVERY_TOKEN holds a placeholder' },
        { line: 12, severity: 'warning', message: 'env API_TOKEN holds a placeholder' },
        { line: 13, severity: 'warning', message: 'env NGC_TOKEN holds a placeholder' },
        { line: 14, severity: 'warning', message: 'env hfToken holds a placeholder' },
        { line: 15, severity: 'warning', message: 'env GOOGLE_API_KEY holds a placeholder' },
        { line: 16, severity: 'warning', message: 'env OAUTH2_PROXY_COOKIE_SECRET holds a placeholder' },
        { line: 17, severity: 'warning', message: 'env MYSQL_ROOT_PASSWORD holds a placeholder' },
        { line: 18, severity: 'warning', message: 'env DATABASE_URL is a URL with a placeholder for its password' },
        { line: 19, severity: 'error', message: 'env POSTGRES_PASSWORD has a literal value that looks like a secret' },
        { line: 20, severity: 'error', message: 'env PASSWORD has a literal value that looks like a secret' },
        { line: 21, severity: 'error', message: 'env SESSION_SECRET has a literal value that looks like a secret' },
        { line: 22, severity: 'warning', message: 'env NGC_API_KEY holds a placeholder' },
        { line: 23, severity: 'error', message: 'env OPENAI_API_KEY has a literal value that looks like a secret' },
      ],
    );
    for (const f of found) for (const v of ['your-token', 'Client Secret', 'INSERT_', 'REPLACE_ME', 'GOOGLE_API_KEY_VAL', 's3cr3t', 'yourpassword', 'NVKEY', 'Xk29']) assert.ok(!f.message.includes(v), `message prints the value: ${f.message}`);
  });

  it("skips etcd's ETCD_INITIAL_CLUSTER_TOKEN (an ID seed) but not other cluster tokens, and honours notSecretWords", () => {
    const yaml = pod(`        - {name: ETCD_INITIAL_CLUSTER_TOKEN, value: etcd-cluster-1}
        - {name: K3S_CLUSTER_TOKEN, value: K10abc123}
`);
    expectFindings(check, yaml, [{ line: 10, severity: 'error', message: 'env K3S_CLUSTER_TOKEN has a literal value' }]);
    expectFindings(check, yaml, [{ line: 9, message: 'env ETCD_INITIAL_CLUSTER_TOKEN' }, { line: 10 }], { params: { notSecretWords: [] } });
  });

  it('skips an access key ID paired with its secret key in the same container; keeps a lone ACCESS_KEY and the secret half', () => {
    expectFindings(
      check,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: minio
      image: minio:1.0
      env:
        - {name: MINIO_ACCESS_KEY, value: minio}
        - {name: MINIO_SECRET_KEY, value: minio123}
        - {name: accessKey, value: admin}
        - name: secretKey
          valueFrom: {secretKeyRef: {name: s, key: k}}
        - {name: S3_ACCESS_KEY, value: AKIAEXAMPLE}
        - {name: S3_SECRET_ACCESS_KEY, value: wJalrEXAMPLE}
    - name: agent
      image: agent:1.0
      env:
        - {name: ACCESS_KEY, value: 8312341g-5678-abcd}
        - {name: OTHER_SECRET_KEY, value: abc123xyz}
`,
      [
        { line: 10, container: 'minio', severity: 'error', message: 'env MINIO_SECRET_KEY has a literal value' },
        { line: 15, container: 'minio', severity: 'error', message: 'env S3_SECRET_ACCESS_KEY has a literal value' },
        { line: 19, container: 'agent', severity: 'error', message: 'env ACCESS_KEY has a literal value' },
        { line: 20, container: 'agent', severity: 'error', message: 'env OTHER_SECRET_KEY has a literal value' },
      ],
    );
  });
});

const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: registry.example/api:1.0
        env:
        - {name: DB_PASSWORD, value: hunter2-not-shown}
        - {name: LOG_LEVEL, value: debug}
        - {name: STRIPE_API_KEY, value: <your-key>}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
          - name: migrate
            image: registry.example/migrate:1.0
            env: [{name: DATABASE_URL, value: "postgres://app:s3cr3t-not-shown@db/app"}]
          containers:
          - {name: report, image: registry.example/report:1.0}
`;

describe('secret-in-env-literal: the fix names the env var and a Secret of the workload', () => {
  it('a Deployment: the env var by its name in its container, read from <workload>-secrets; the command has -n and every key, never the value', () => {
    const found = runCheck(check, APP).filter((f) => f.object.name === 'api');
    assert.deepEqual(found.map((f) => f.severity), ['error', 'warning']);
    assert.equal(
      found[0].fixYaml,
      `spec:
  template:
    spec:
      containers:
      - name: api
        env:
        - name: DB_PASSWORD
          value: null   # removed from the manifest
          valueFrom:
            secretKeyRef:
              name: api-secrets
              key: db-password`,
    );
    assert.match(found[1].fixYaml!, /- name: STRIPE_API_KEY\n.*\n.*\n.*\n {14}name: api-secrets\n {14}key: stripe-api-key$/);
    for (const f of found) {
      assert.match(f.fix!, /kubectl create secret generic api-secrets -n shop --from-literal=db-password=\.\.\. --from-literal=stripe-api-key=\.\.\./);
      assert.doesNotMatch(f.fix! + f.fixYaml!, /hunter2|your-key/);
    }
    assert.match(found[0].fix!, /rotate the credential/);
    assert.match(found[1].fix!, /nothing to rotate/);
  });

  it('a CronJob\'s init container, namespace-less: its own path, no -n, the URL moved whole', () => {
    const [f] = runCheck(check, APP).filter((x) => x.object.name === 'report');
    assert.equal(
      f.fixYaml,
      `spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - name: migrate
            env:
            - name: DATABASE_URL
              value: null   # removed from the manifest
              valueFrom:
                secretKeyRef:
                  name: report-secrets
                  key: database-url`,
    );
    assert.match(f.fix!, /kubectl create secret generic report-secrets --from-literal=database-url=\.\.\.;/);
    assert.doesNotMatch(f.fix!, /s3cr3t/);
  });

  it('applying the fixes clears every finding; with the Secret created, volume-source-missing has nothing to say', () => {
    const { before, after, fixed } = applyFixes(check, APP);
    assert.equal(before.length, 3);
    assert.deepEqual(after.map((x) => x.message), [], fixed);
    assert.doesNotMatch(fixed, /hunter2|s3cr3t/);
    const secrets = `---
apiVersion: v1
kind: Secret
metadata: {name: api-secrets, namespace: shop}
stringData: {db-password: x, stripe-api-key: x}
---
apiVersion: v1
kind: Secret
metadata: {name: report-secrets}
stringData: {database-url: x}
`;
    assert.deepEqual(runCheck(findCheck('volume-source-missing')!, fixed + secrets, { complete: true }).map((x) => x.message), []);
    // Without the Secrets, it does say so: the check sees the references.
    assert.ok(runCheck(findCheck('volume-source-missing')!, fixed, { complete: true }).length > 0);
  });
});
