import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check, { findCredentials, isSecretName, looksLikeCredential } from '../../../src/checks/security/configmap-holds-credentials.js';
import { expectFindings, expectNone, runCheck } from '../../helpers/check-tester.js';

const defaults = Object.fromEntries(Object.entries(check.params!).map(([k, v]) => [k, v.default])) as never;
const refs = (check.params!.valueReferencePatterns.default as string[]).map((p) => new RegExp(p, 'i'));

/** 1-based line of the first line of `yaml` that contains `text`. */
function lineOf(yaml: string, text: string): number {
  const i = yaml.split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `fixture lacks ${text}`);
  return i + 1;
}

/** Made-up key material: base64 that is no real key. */
const BODY = ['MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu', 'KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm', 'o3qGy0t6z09AIJtH+5OeRV1be+N4cDYJKffGzDa88vQENZiRm0GRq6a+HPGQMd2k'];
const pem = (label: string, indent: string, before: string[] = [], after: string[] = []) =>
  [`-----BEGIN ${label}-----`, ...before, ...BODY, ...after, `-----END ${label}-----`].map((l) => indent + l).join('\n');
const CERT = pem('CERTIFICATE', '    ');

/** Every literal secret the fixtures contain: no message may print any of them. */
const SECRETS = ['hunter2', 's3cret', 'sk_live', 'Sup3rS3cret', 'ghp_', 'adminpw', 'tok3n', 'changeme', 'r3dis', 'KUpRKfFL', 'LS0tLS1', 'abc123', 'ks-pass'];
function assertNoLeak(messages: string[]) {
  for (const m of messages) for (const s of SECRETS) assert.ok(!m.includes(s), `message leaks a value (${s}): ${m}`);
}

describe('configmap-holds-credentials: rules', () => {
  it('judges names like secret-in-env-literal, plus ConfigMap-specific qualifiers', () => {
    for (const n of ['DB_PASSWORD', 'redisPassword', 'api-key', 'apiKey', 'client_secret', 'GF_SECURITY_ADMIN_PASSWORD', 'SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'privateKey', 'password.txt', 'REDIS_PASS', 'credentials']) {
      assert.equal(isSecretName(n, defaults), true, n);
    }
    for (const n of [
      'passwordFile', 'password_file', 'tokenPath', 'secretName', 'secret-ref', 'tokenUrl', 'token_endpoint', 'secretKeyRef', 'PASSWORD_FILE',
      'TOKEN_TTL', 'MIN_PASSWORD_LENGTH', 'AUTH_TOKEN_ENABLED', 'passwordKey', 'tokenKey', 'secretEnv', 'existingSecret', 's3SecretAccessKeyName',
      'secret_key_name', 'MAX_TOKENS', 'proxy_pass', 'fastcgi_pass', 'passwordHash', 'AWS_ACCESS_KEY_ID', 'queue-sidecar-token-audiences', 'tokenizer',
      'eos_token', 'pad_token', 'tlsSecret', 'passwordSecret', 'imagePullSecret', 'ssl.truststore.password', 'SSL_TRUST_STORE_PASSWORD',
    ]) {
      assert.equal(isSecretName(n, defaults), false, n);
    }
  });

  it('tells credentials from references, templates and placeholders', () => {
    for (const v of ['hunter2', 'changeme', 'admin', 'prom-operator', 'sk_live_abc123', 'Bearer abc123', 'password', 'ks-pass-42', 'pgPass-987']) {
      assert.equal(looksLikeCredential(v, refs, defaults), true, v);
    }
    for (const v of [
      '', '  ', '${DB_PASSWORD}', '$(PW)', '$PW', '$1', '{{ .Values.pw }}', '%DB_PASS%', '#{DbPass}', '@db.password@', '__DB_PASSWORD__', '/etc/secret/pw', './pw',
      '../pw', '~/pw', 'true', 'no', '3600', '30s', '1h30m', '<password>', 'REPLACE_ME', 'replace-me', 'your-api-key-here', 'xxx', 'XXXX-XXXX', '***', '...', 'TODO',
      'n/a', 'vault:secret/data/db#pw', 'ref+awssm://db/pw', 'ENC[AES256_GCM,data:abc,type:str]', '$2y$10$abcdefghijklmnopqrstuv', 'admin:$apr1$abc$def',
      '{SSHA}abcdef', 'https://auth.example.com/token', 'Reset your password now', 'mysql-password', 'OIDC_CLIENT_SECRET', 'db-creds', 'my-tls-secret',
    ]) {
      assert.equal(looksLikeCredential(v, refs, defaults), false, v);
    }
  });

  it('finds keys, URLs and settings without returning values', () => {
    assert.deepEqual(findCredentials('DB_PASSWORD', 'hunter2', refs, defaults), [{ kind: 'name' }]);
    assert.deepEqual(findCredentials('url', 'mongodb+srv://app:s3cret@cluster0.example.net/db', refs, defaults), [{ kind: 'url', scheme: 'mongodb+srv' }]);
    assert.deepEqual(findCredentials('jdbc', 'jdbc:mysql://app:s3cret@db:3306/shop', refs, defaults), [{ kind: 'url', scheme: 'mysql' }]);
    assert.deepEqual(findCredentials('app.env', 'A=1\n# DB_PASSWORD=hunter2\nDB_PASSWORD=hunter2\n', refs, defaults), [{ kind: 'setting', line: 3, setting: 'DB_PASSWORD' }]);
    assert.deepEqual(findCredentials('kcat.conf', 'sasl.password=s3cret', refs, defaults), [{ kind: 'setting', line: 1, setting: 'sasl.password' }]);
    for (const v of ['user@host', 'postgres://app@db/x', 'redis://:${REDIS_PASSWORD}@redis:6379', 'redis://:$(REDIS_PASSWORD)@redis', 'postgres://u:***@db/x', 'postgres://u:{{ .Values.pw }}@db/x', 'amqp://u:%PW%@mq']) {
      assert.deepEqual(findCredentials('URL', v, refs, defaults), [], v);
    }
  });
});

describe('configmap-holds-credentials', () => {
  it('fires on private keys and URL passwords (error), secret-like keys and settings (warning), one finding per key', () => {
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: shop}
data:
  tls.key: |
${pem('RSA PRIVATE KEY', '    ')}
  id_ed25519: |
${pem('OPENSSH PRIVATE KEY', '    ')}
  legacy.key: |
${pem('RSA PRIVATE KEY', '    ', ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,8E2C0F1B', ''])}
  pgp.asc: |
${pem('PGP PRIVATE KEY BLOCK', '    ', ['Version: 1', ''], ['=a1B2'])}
  DATABASE_URL: postgres://app:s3cret@db.shop.svc:5432/shop
  DB_PASSWORD: hunter2
  redisPassword: "r3dis-Pw"
  api-key: sk_live_abc123
  GF_SECURITY_ADMIN_PASSWORD: admin
  ADMIN_PASSWORD: changeme
  application.properties: |
    spring.datasource.url=jdbc:postgresql://db:5432/shop
    spring.datasource.username=shop
    # spring.datasource.password=hunter2
    spring.datasource.password=Sup3rS3cret
  config.yaml: |
    server:
      port: 8080
    database:
      user: shop
      password: "Sup3rS3cret"
    github:
      token: ghp_made_up_for_the_test
  settings.json: |
    {
      "endpoint": "https://api.example.com",
      "apiKey": "sk_live_abc123",
      "retries": 3
    }
  grafana.ini: |
    [security]
    admin_user = admin
    admin_password = adminpw
  .env: |
    export API_TOKEN="tok3n-made-up"
    LOG_LEVEL=info
  redis.conf: |
    port 6379
    requirepass r3dis-Pw
  seed.py: |
    import os
    token = os.environ["HF_TOKEN"]
    API_TOKEN = "tok3n-made-up"
  client.properties: |
    ssl.truststore.location=/etc/kafka/truststore.jks
    ssl.truststore.password=changeit
    ssl.keystore.password=ks-pass-42
    sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="Sup3rS3cret";
  auth.json: '{"registry": {"url": "https://r.example.com", "token": "tok3n-made-up"}}'
  settings.xml: |
    <settings>
      <servers>
        <server>
          <id>nexus</id>
          <password>Sup3rS3cret</password>
        </server>
        <server>
          <password>\${env.NEXUS_PASSWORD}</password>
        </server>
      </servers>
    </settings>
`;
    const found = expectFindings(check, yaml, [
      { line: lineOf(yaml, 'tls.key:'), severity: 'error', message: 'data["tls.key"] holds a PEM private key at line 1: anyone who can read ConfigMaps in namespace "shop" can read it' },
      { line: lineOf(yaml, 'id_ed25519:'), severity: 'error', message: 'data.id_ed25519 holds a PEM private key' },
      { line: lineOf(yaml, 'legacy.key:'), severity: 'error', message: 'PEM private key' },
      { line: lineOf(yaml, 'pgp.asc:'), severity: 'error', message: 'PEM private key' },
      { line: lineOf(yaml, 'DATABASE_URL:'), severity: 'error', message: 'data.DATABASE_URL holds a password in a postgres URL:' },
      { line: lineOf(yaml, 'DB_PASSWORD:'), severity: 'warning', message: 'data.DB_PASSWORD holds a literal value under a secret-like name' },
      { line: lineOf(yaml, 'redisPassword:'), severity: 'warning', message: 'data.redisPassword' },
      { line: lineOf(yaml, 'api-key:'), severity: 'warning', message: 'data.api-key' },
      { line: lineOf(yaml, 'GF_SECURITY_ADMIN_PASSWORD:'), severity: 'warning' },
      { line: lineOf(yaml, 'ADMIN_PASSWORD: changeme'), severity: 'warning' },
      { line: lineOf(yaml, 'application.properties:'), severity: 'warning', message: 'data["application.properties"] holds a literal value for `spring.datasource.password` at line 4' },
      { line: lineOf(yaml, 'config.yaml:'), severity: 'warning', message: 'holds a literal value for `password` at line 5 and a literal value for `token` at line 7' },
      { line: lineOf(yaml, 'settings.json:'), severity: 'warning', message: '`apiKey` at line 3' },
      { line: lineOf(yaml, 'grafana.ini:'), severity: 'warning', message: '`admin_password` at line 3' },
      { line: lineOf(yaml, '.env:'), severity: 'warning', message: '`API_TOKEN` at line 1' },
      { line: lineOf(yaml, 'redis.conf:'), severity: 'warning', message: '`requirepass` at line 2' },
      { line: lineOf(yaml, 'seed.py:'), severity: 'warning', message: /holds a literal value for `API_TOKEN` at line 3:/ },
      { line: lineOf(yaml, 'client.properties:'), severity: 'warning', message: /holds a literal value for `ssl\.keystore\.password` at line 3 and a literal value for `password` at line 4:/ },
      { line: lineOf(yaml, 'auth.json:'), severity: 'warning', message: /^data\["auth\.json"\] holds a literal value for `token`:/ },
      { line: lineOf(yaml, 'settings.xml:'), severity: 'warning', message: /holds a literal value for `password` at line 5:/ },
    ]);
    assertNoLeak(found.map((f) => f.message));
  });

  it('finds a private key in a JSON string and a base64-encoded one in a kubeconfig', () => {
    const keyJson = [`-----BEGIN PRIVATE KEY-----`, ...BODY, `-----END PRIVATE KEY-----`, ''].join('\\n');
    const keyB64 = Buffer.from(pem('EC PRIVATE KEY', '') + '\n').toString('base64');
    const certB64 = Buffer.from(pem('CERTIFICATE', '') + '\n').toString('base64');
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: creds}
data:
  sa.json: |
    {
      "type": "service_account",
      "private_key_id": "0123456789abcdef",
      "private_key": "${keyJson}",
      "client_email": "app@project.iam.gserviceaccount.com"
    }
  kubeconfig: |
    apiVersion: v1
    kind: Config
    clusters:
      - name: c
        cluster:
          certificate-authority-data: ${certB64}
          server: https://10.0.0.1:6443
    users:
      - name: u
        user:
          client-certificate-data: ${certB64}
          client-key-data: ${keyB64}
          token: tok3n-made-up-for-the-test
`;
    const found = expectFindings(check, yaml, [
      { line: lineOf(yaml, 'sa.json:'), severity: 'error', message: /^data\["sa\.json"\] holds a PEM private key at line 4: anyone who can read ConfigMaps in its namespace/ },
      { line: lineOf(yaml, 'kubeconfig:'), severity: 'error', message: 'data.kubeconfig holds a base64-encoded PEM private key at line 12 and a literal value for `token` at line 13' },
    ]);
    assertNoLeak(found.map((f) => f.message));
  });

  it('is silent on certificates, public keys, templated, elided or truncated keys, and kube-root-ca.crt', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: kube-root-ca.crt, namespace: kube-system}
data:
  ca.crt: |
${CERT}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: keys}
data:
  signing.pub: |
${pem('PUBLIC KEY', '    ')}
  ssh.pub: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMadeUpMadeUpMadeUpMadeUpMadeUpMadeUp ci@example
  templated.key: |
    -----BEGIN RSA PRIVATE KEY-----
    {{ .Values.tls.key }}
    -----END RSA PRIVATE KEY-----
  elided.key: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC...
    -----END PRIVATE KEY-----
  truncated.key: |
    -----BEGIN PRIVATE KEY-----
    ${BODY[0]}
  kubeconfig: |
    client-key-data: ${Buffer.from(pem('RSA PRIVATE KEY', '')).toString('base64').slice(0, 160)}
  README.md: |
    Put your key in a Secret: it starts with -----BEGIN PRIVATE KEY----- and ends with -----END PRIVATE KEY-----.
`,
    );
  });

  it('is silent on names that describe a secret and on values that are not one', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: refs}
data:
  passwordFile: /etc/secret/pw
  password_file: ./pw
  tokenPath: /var/run/secrets/tokens/api
  secretName: db-credentials
  secret-ref: app-secrets
  tokenUrl: https://auth.example.com/oauth/token
  token_endpoint: https://auth.example.com/token
  secretKeyRef: password
  PASSWORD_FILE: /run/secrets/db
  TOKEN_TTL: "3600"
  MIN_PASSWORD_LENGTH: "12"
  AUTH_TOKEN_ENABLED: "true"
  passwordKey: password
  secretEnv: OIDC_CLIENT_SECRET
  existingSecret: db-auth
  s3SecretAccessKeyName: AWS_SECRET_ACCESS_KEY
  MAX_TOKENS: "4096"
  AWS_ACCESS_KEY_ID: AKIAEXAMPLEEXAMPLE12
  DB_USER: shop
  DB_PASSWORD: ""
  API_TOKEN: \${API_TOKEN}
  REDIS_PASSWORD: $(REDIS_PASSWORD)
  HELM_PASSWORD: "{{ .Values.password }}"
  WIN_PASSWORD: "%DB_PASS%"
  SECRET_TOKEN: <token>
  CLIENT_SECRET: REPLACE_ME
  API_KEY: your-api-key-here
  SMTP_PASSWORD: xxx
  MASKED_PASSWORD: "***"
  TODO_TOKEN: TODO
  VAULT_TOKEN: vault:secret/data/app#token
  SOPS_SECRET: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]
  PASSWORD_HASH_VALUE: $2y$10$abcdefghijklmnopqrstuv
  password-reset-subject: Reset your password
  tls.crt: |
${CERT}
  DATABASE_URL: postgres://app@db:5432/shop
  CACHE_URL: redis://:\${REDIS_PASSWORD}@redis:6379
  MQ_URL: amqp://app:***@mq:5672
  credentials: '{"storageSpecSecretName": "storage-config", "s3UseAnonymousCredential": "", "nested": {"tokenPath": "/t"}}'
`,
    );
  });

  it('is silent on file-like values without literal credentials', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: files}
data:
  nsswitch.conf: |
    passwd:         compat
    group:          compat
  nginx.conf: |
    location / {
      proxy_pass http://127.0.0.1:8090;
      proxy_set_header api-key \${QDRANT_APIKEY};
    }
  proxy.yaml: |
    proxy_pass: http://backend:8080
  application.properties: |
    # spring.datasource.password=hunter2
    spring.datasource.password=\${DB_PASSWORD:fallback}
    spring.datasource.passwordFile=/etc/db/pw
    management.endpoints.web.exposure.include=prometheus
  config.yaml: |
    auth:
      password:
        secretKeyRef: {name: db, key: password}
      token: |
        multi-line, see below
      secret: {{ .Values.secret }}
      existingSecret: db-auth
      autoMountServiceAccountToken: true
      tokenAudiences: [api]
    dex:
      staticPasswords:
        - email: admin@example.com
          hash: "$2y$10$abcdefghijklmnopqrstuv"
      connectors:
        - config:
            clientID: kubeflow
            secretEnv: OIDC_CLIENT_SECRET
  credentials: |-
    {
      "storageSpecSecretName": "storage-config",
      "gcsCredentialFileName": "gcloud-application-credentials.json",
      "s3SecretAccessKeyName": "AWS_SECRET_ACCESS_KEY",
      "s3UseAnonymousCredential": "",
      "apiKey": null,
      "token": {"audience": "x"}
    }
  run.sh: |
    #!/bin/sh
    PASSWORD=$(cat /run/secrets/pw)
    TOKEN=$1
    mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e 'select 1'
  model.py: |
    token = os.environ["HF_TOKEN"]
    tokenizer = AutoTokenizer.from_pretrained(name, token=token)
  generate-config.sh: |
    cat <<EOF > /config.yaml
    password: "\${DBCONFIG_PASSWORD}"
    EOF
  tokenizer_config.json: |
    {
      "bos_token": "<s>",
      "eos_token": "</s>",
      "pad_token": "[PAD]",
      "stop_token": "###",
      "eos_token_id": 2
    }
  operator.yaml: |
    tlsSecret: ingress-tls
    caSecret: root-ca
    imagePullSecret: regcred
    passwordSecret: mydb
    adminPassword: admin-password
    apiToken: DEPLOY_API_TOKEN
  client.properties: |
    ssl.truststore.password=changeit
    sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="\${KAFKA_PASSWORD}";
`,
    );
  });

  it('skips binaryData, other kinds and odd shapes without crashing', () => {
    expectNone(
      check,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: bin}
binaryData:
  DB_PASSWORD: aHVudGVyMg==
---
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData:
  DB_PASSWORD: hunter2
data:
  url: postgres://app:s3cret@db/x
---
apiVersion: v1
kind: ConfigMap
metadata: {name: list}
data:
  - DB_PASSWORD: hunter2
---
apiVersion: v1
kind: ConfigMap
metadata: {name: str}
data: "DB_PASSWORD=hunter2"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: nulls}
data: null
---
apiVersion: v1
kind: ConfigMap
metadata: {name: scalars}
data:
  DB_PASSWORD: 123456789
  API_TOKEN: true
  SECRET: null
  CREDENTIALS: {user: a, password: hunter2}
  TOKENS: [a, b]
`,
    );
  });

  it('handles huge values: finds the setting at the end of a long file and inside one-line JSON, and stays fast', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `    setting.${i}=value-${i}-${'z'.repeat(30)}`);
    const long = `    blob=${'A'.repeat(200000)}`;
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: big}
data:
  big.properties: |
${lines.join('\n')}
${long}
    db.password=hunter2-at-the-end
  minified.json: '{"a":"${'b'.repeat(100000)}","password":"hunter2"}'
`;
    const t0 = performance.now();
    const found = runCheck(check, yaml);
    assert.ok(performance.now() - t0 < 5000, 'a 1 MB ConfigMap is checked in well under 5 s');
    assert.equal(found.length, 2);
    assert.match(found[0].message, /^data\["big\.properties"\] holds a literal value for `db\.password` at line 20002:/);
    assert.match(found[1].message, /^data\["minified\.json"\] holds a literal value for `password`:/);
    assertNoLeak(found.map((f) => f.message));
  });

  it('lists at most three things per key and makes the name rules tunable', () => {
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: many}
data:
  app.env: |
    A_PASSWORD=hunter2-a
    B_PASSWORD=hunter2-b
    C_PASSWORD=hunter2-c
    D_PASSWORD=hunter2-d
    E_PASSWORD=hunter2-e
  SESSION_COOKIE_SALT: abcdef
`;
    expectFindings(check, yaml, [{ line: 5, message: '`A_PASSWORD` at line 1, a literal value for `B_PASSWORD` at line 2, a literal value for `C_PASSWORD` at line 3 and 2 more:' }]);
    expectFindings(check, yaml, [{ line: 5 }, { line: 11, message: 'data.SESSION_COOKIE_SALT holds a literal value under a secret-like name' }], {
      params: { nameWords: [...(check.params!.nameWords.default as string[]), 'SALT'] },
    });
    expectNone(check, yaml, { params: { skipKeys: ['app.env'] } });
  });
});

describe('configmap-holds-credentials: placeholder and name rules shared with secret-in-env-literal', () => {
  it('treats the same values as placeholders (the key written again, an upper-case term, yourpassword) and skips ETCD_INITIAL_CLUSTER_TOKEN', () => {
    for (const [v, name] of [['HF_TOKEN', 'HF_TOKEN'], ['GOOGLE_API_KEY_VAL', 'GOOGLE_API_KEY'], ['SECRET', 'cookieSecret'], ['yourpassword', 'DB_PASSWORD'], ['hf_token', 'HF_TOKEN'], ['INSERT_ETCD_DISCOVERY_TOKEN', 'ETCD_DISCOVERY_TOKEN']] as const) {
      assert.equal(looksLikeCredential(v, refs, defaults, name), false, `${name}=${v}`);
    }
    // A lower-case term is the well-known default in use; a one-word name written again in lower case too.
    for (const [v, name] of [['password', 'PASSWORD'], ['secret', 'cookieSecret'], ['admin', 'ADMIN_PASSWORD']] as const) {
      assert.equal(looksLikeCredential(v, refs, defaults, name), true, `${name}=${v}`);
    }
    expectFindings(
      check,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: etcd, namespace: db}
data:
  ETCD_INITIAL_CLUSTER_TOKEN: etcd-cluster-1
  GOOGLE_API_KEY: GOOGLE_API_KEY_VAL
  ETCD_DISCOVERY_TOKEN: INSERT_ETCD_DISCOVERY_TOKEN
  COOKIE_SECRET: SECRET
  SESSION_SECRET: s3cret-value-42
`,
      [{ line: 9, severity: 'warning', message: 'data.SESSION_SECRET holds a literal value under a secret-like name' }],
    );
  });
});
