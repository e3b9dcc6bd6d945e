import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check, { nameWords, secretName } from '../../../src/checks/security/secret-in-env-literal.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

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
