import { defineCheck, type FindingInput } from '../types.js';
import { yamlScalar } from '../../model/fix-yaml.js';
import { isObject, literalEnv, stringList } from '../../model/util.js';
import { who } from './pss-util.js';
import { compileParam, isPlaceholder, nameWords, withoutWords } from './credential-values.js';

export { nameWords };

interface Params {
  nameWords: string[];
  excludeNameSuffixes: string[];
  excludeNamePrefixes: string[];
  notSecretWords: string[];
  valueReferencePatterns: string[];
}

/** Word spans [start, end) where a pattern occurs in the name. */
function matches(words: string[], pattern: string[]): [number, number][] {
  const out: [number, number][] = [];
  if (pattern.length === 0) return out;
  for (let i = 0; i + pattern.length <= words.length; i++) {
    let ok = true;
    for (let j = 0; j < pattern.length && ok; j++) {
      const w = words[i + j];
      const p = pattern[j];
      // A long single-word term also matches as the end of a glued word: DBPASSWORD, CLIENTSECRET, AUTHTOKEN.
      ok = w === p || (pattern.length === 1 && p.length >= 6 && w.endsWith(p));
    }
    if (ok) out.push([i, i + pattern.length]);
  }
  return out;
}

const split = (p: string): string[] => p.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);

/** Whether the name looks like it holds a secret, after the exclusions. */
export function secretName(name: string, p: Pick<Params, 'nameWords' | 'excludeNameSuffixes' | 'excludeNamePrefixes'>): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const hits = stringList(p.nameWords).flatMap((pat) => matches(words, split(pat)));
  if (hits.length === 0) return false;
  if (stringList(p.excludeNamePrefixes).some((pre) => {
    const pw = split(pre);
    return pw.length > 0 && pw.length < words.length && pw.every((w, i) => words[i] === w);
  })) return false;
  // A qualifying suffix (SECRET_NAME, TOKEN_TTL, PASSWORD_FILE) excludes the name unless a secret term ends inside it.
  let tail = 0;
  for (const suf of stringList(p.excludeNameSuffixes)) {
    const sw = split(suf);
    if (sw.length === 0 || sw.length >= words.length) continue;
    if (sw.every((w, i) => words[words.length - sw.length + i] === w)) tail = Math.max(tail, sw.length);
  }
  if (tail === 0) return true;
  const tailStart = words.length - tail;
  return hits.some(([, end]) => end > tailStart);
}


const REF_ONLY = /\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[^}]*\}/g;
const BOOLEAN = /^(true|false|yes|no|on|off|enabled|disabled|y|n|0|1|none|null|\*)$/i;
const FILE_PATH = /^(\/[\w.@:+-]+){2,}\/?$/;
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:([^@/?#\s]+)@/i;

/** A value that names where the secret is instead of being it. */
function isReference(value: string, patterns: RegExp[]): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (v.replace(REF_ONLY, '').trim() === '') return true;
  if (BOOLEAN.test(v) || FILE_PATH.test(v)) return true;
  return patterns.some((re) => re.test(v));
}

// The same env var names (LOG_LEVEL, POD_NAME, ...) come back in every workload: decided once per name
// for a run's parameters (the params object is the same for every workload of a run).
const decided = new WeakMap<object, Map<string, boolean>>();
function secretNameCached(name: string, p: Pick<Params, 'nameWords' | 'excludeNameSuffixes' | 'excludeNamePrefixes' | 'notSecretWords'>): boolean {
  let byName = decided.get(p);
  if (!byName) decided.set(p, (byName = new Map()));
  let v = byName.get(name);
  if (v === undefined) {
    // Word sequences that contain a secret term without being a secret (ETCD_INITIAL_CLUSTER_TOKEN).
    const words = withoutWords(nameWords(name), stringList(p.notSecretWords));
    byName.set(name, (v = words.length > 0 && secretName(words.join('_'), p)));
  }
  return v;
}

/**
 * An access key ID paired with its secret in the same container (MINIO_ACCESS_KEY next to
 * MINIO_SECRET_KEY, accessKey next to secretKey): the ID names the account, like AWS_ACCESS_KEY_ID,
 * and the secret half is what authenticates. A lone ACCESS_KEY may be the whole credential.
 */
function pairedAccessKeyId(name: string, envNames: Set<string>): boolean {
  const words = nameWords(name);
  const n = words.length;
  if (n < 2 || words[n - 2] !== 'ACCESS' || words[n - 1] !== 'KEY') return false;
  const prefix = words.slice(0, n - 2).join('_');
  const join = (w: string) => (prefix ? `${prefix}_${w}` : w);
  return envNames.has(join('SECRET_KEY')) || envNames.has(join('SECRET_ACCESS_KEY'));
}

/** Every env name of a container (literal or valueFrom), as its words joined with _. */
function envNameSet(container: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const env = container.env;
  if (!Array.isArray(env)) return out;
  for (const e of env) if (isObject(e) && typeof e.name === 'string') out.add(nameWords(e.name).join('_'));
  return out;
}

/** The fix snippet of the credential checks: the value comes from a Secret, not the manifest. */
export const SECRET_ENV_FIX = `env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: app-db
        key: password`;

/** The Secret key an env var's value moves to: its name in lower case, '_' as '-' (DB_PASSWORD -> db-password). */
export function secretKeyOf(env: string): string {
  return env.toLowerCase().replace(/_/g, '-').replace(/[^-._a-z0-9]/g, '-');
}

/** The container's env entry, its value removed (null deletes it in a merge) and read from `secret`. */
function envSnippet(env: string, secret: string): string {
  return `env:
- name: ${yamlScalar(env)}
  value: null   # removed from the manifest
  valueFrom:
    secretKeyRef:
      name: ${yamlScalar(secret)}
      key: ${yamlScalar(secretKeyOf(env))}`;
}

export default defineCheck<Params>({
  id: 'secret-in-env-literal',
  pillar: 'security',
  severity: 'error',
  title: 'Secret written as a literal env value',
  whatBreaks:
    "A credential written as env[].value is stored in the workload object itself: anyone who can read Deployments or Pods (the built-in view role can, it cannot read Secrets), kubectl describe, Git history and CI logs all expose it, and rotating it means editing and redeploying the manifest.",
  details: `Fires on an \`env\` entry with a literal \`value\` when the variable name contains a secret-like term (\`nameWords\`: PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIALS...) as a word of the name (\`DB_PASSWORD\`, \`dbPassword\`, \`client-secret\`; also glued as in \`DBPASSWORD\`), or when any value is a URL with a password in it (\`postgres://user:pw@db/app\`). The value itself is never printed.

Severity:
- **error**: a literal value, including a well-known default (\`admin\`, \`changeme\`, \`password\` in lower case): it is the credential in use, readable by everyone who can read the workload.
- **warning**: a placeholder for the secret (\`<your-token>\`, \`<Client Secret>\`, \`REPLACE_ME\`, \`INSERT_ETCD_DISCOVERY_TOKEN\`, \`yourpassword\`, \`xxx\`, the variable's own name written again as in \`HF_TOKEN=HF_TOKEN\`, an upper-case identifier containing it as in \`GOOGLE_API_KEY=GOOGLE_API_KEY_VAL\`, or an upper-case secret term alone such as \`SECRET\`; the same rules as \`configmap-holds-credentials\`), also as a URL's password. Nothing is exposed yet, so there is nothing to rotate; but the manifest asks for the secret to be pasted into it, and once filled in the secret sits in the workload object and in Git. A \`\${VAR}\` template is different: a pipeline fills it in, so the file in Git never holds the value (not reported).

Not reported, to stay precise:
- names that end in a qualifier (\`excludeNameSuffixes\`): \`TOKEN_TTL\`, \`SECRET_NAME\`, \`PASSWORD_FILE\`, \`API_KEY_HEADER\`, \`AWS_ACCESS_KEY_ID\`..., names starting with \`MAX\`/\`MIN\`/\`NUM\` (\`MAX_TOKEN\`), and word sequences that contain a secret term without being a secret (\`notSecretWords\`: etcd's \`ETCD_INITIAL_CLUSTER_TOKEN\` only seeds the cluster and member IDs);
- an access key ID next to its secret: \`<PREFIX>ACCESS_KEY\` when the same container also sets \`<PREFIX>SECRET_KEY\` or \`<PREFIX>SECRET_ACCESS_KEY\` (\`MINIO_ACCESS_KEY\` with \`MINIO_SECRET_KEY\`): the ID names the account, like \`AWS_ACCESS_KEY_ID\`, and the secret half is reported. A lone \`ACCESS_KEY\` is reported: it may be the whole credential;
- values that are references: empty, \`$(OTHER_VAR)\` / \`\${VAR}\`, absolute file paths, booleans, and secret-manager references matching \`valueReferencePatterns\` (\`vault:\`, \`ref+...\`, \`arn:aws:secretsmanager:\`, \`op://\`...);
- \`valueFrom.secretKeyRef\`, which is the fix.

Kubernetes Secrets are not encryption by themselves, but they are a separate resource with separate RBAC, can be encrypted at rest, and can be fed from an external secret manager (External Secrets Operator, Secrets Store CSI driver, Sealed Secrets) so the value never lands in Git.`,
  fix: {
    text: 'Move the value into a Secret (ideally synced from your secret manager) and reference it with valueFrom.secretKeyRef; if a real credential was written in the manifest, rotate it.',
    yaml: `# kubectl create secret generic web-secrets --from-literal=db-password=...   (the value from your secret manager)
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - name: DB_PASSWORD
              value: null   # removed from the manifest
              valueFrom:
                secretKeyRef:
                  name: web-secrets
                  key: db-password`,
    place: { at: 'container', snippet: envSnippet('DB_PASSWORD', 'web-secrets') },
  },
  params: {
    nameWords: {
      type: 'string[]',
      default: [
        'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'API_KEY', 'APIKEY', 'PRIVATE_KEY', 'PRIVKEY',
        'ACCESS_KEY', 'SECRET_KEY', 'CREDENTIALS', 'CREDENTIAL', 'CREDS', 'AUTH_KEY', 'SIGNING_KEY', 'ENCRYPTION_KEY', 'MASTER_KEY',
      ],
      description: 'Terms that mark an env var name as holding a secret, matched as whole words of the name (split on _ - . and camelCase; multi-word terms written with _).',
    },
    excludeNameSuffixes: {
      type: 'string[]',
      default: [
        'FILE', 'PATH', 'DIR', 'NAME', 'TTL', 'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'ID', 'ARN', 'REF', 'USER', 'USERNAME', 'LENGTH', 'LEN', 'SIZE',
        'COUNT', 'LIMIT', 'TIMEOUT', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'LIFETIME', 'AGE', 'INTERVAL', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS', 'MS',
        'ENABLED', 'DISABLED', 'ENABLE', 'REQUIRED', 'MODE', 'TYPE', 'KIND', 'FORMAT', 'HEADER', 'FIELD', 'PARAM', 'VERSION', 'REGION', 'ISSUER',
        'AUDIENCE', 'SCOPE', 'SCOPES', 'ALGORITHM', 'PROVIDER', 'NAMESPACE', 'POLICY', 'MOUNT', 'ENGINE', 'BACKEND', 'STORE', 'LOCATION', 'PREFIX', 'SUFFIX', 'ROLE',
      ],
      description: 'Last word(s) of a name that make it describe a secret rather than hold one (TOKEN_TTL, SECRET_NAME, PASSWORD_FILE).',
    },
    excludeNamePrefixes: {
      type: 'string[]',
      default: ['MAX', 'MIN', 'NUM'],
      description: 'First word(s) of a name that make it a setting about secrets rather than a secret (MAX_TOKEN, NUM_TOKEN).',
    },
    notSecretWords: {
      type: 'string[]',
      default: ['INITIAL_CLUSTER_TOKEN'],
      description:
        "Word sequences removed from a name before it is judged: they contain a secret term without being a secret (etcd's ETCD_INITIAL_CLUSTER_TOKEN seeds the cluster and member IDs; it authenticates nothing).",
    },
    valueReferencePatterns: {
      type: 'string[]',
      default: [
        '^vault:', '^ref\\+', '^arn:aws:secretsmanager:', '^arn:aws:ssm:', '^awssm://', '^gcpsm://', '^azkv://', '^sm://', '^secretsmanager://',
        '^projects/[^/]+/secrets/', '^op://', '^file:',
      ],
      description: 'Regular expressions (case-insensitive) for values that point to a secret manager instead of containing the secret.',
    },
  },
  target: 'workload',
  run({ workload, params, index }) {
    const refs = compileParam(params.valueReferencePatterns);
    const envOf = new Map<FindingInput, string>();
    const terms = stringList(params.nameWords);
    const kind = workload!.resource.kind;
    const out: FindingInput[] = [];
    for (const c of workload!.containers) {
      let names: Set<string> | undefined;
      for (const e of literalEnv(c.spec)) {
        const add = (f: FindingInput): void => {
          out.push(f);
          envOf.set(f, e.name);
        };
        const path = [...c.path, 'env', e.index, 'value'];
        const url = URL_PASSWORD.exec(e.value.trim());
        if (url && url[1].replace(REF_ONLY, '') !== '' && !/^\*+$/.test(url[1])) {
          add(
            isPlaceholder(url[1], undefined, terms)
              ? { message: `${who(c)}: env ${e.name} is a URL with a placeholder for its password: filled in, the password is stored in the ${kind} itself; build the URL from a Secret instead`, path, container: c.name, severity: 'warning' }
              : { message: `${who(c)}: env ${e.name} is a URL with a literal password in it; move the credential to a Secret`, path, container: c.name },
          );
          continue;
        }
        if (!secretNameCached(e.name, params)) continue;
        if (isReference(e.value, refs)) continue;
        if (pairedAccessKeyId(e.name, (names ??= envNameSet(c.spec)))) continue;
        if (isPlaceholder(e.value, e.name, terms)) {
          add({
            message: `${who(c)}: env ${e.name} holds a placeholder for a secret written inline: filled in, the secret is stored in the ${kind} itself (and in Git); reference a Secret with valueFrom.secretKeyRef instead`,
            path,
            container: c.name,
            severity: 'warning',
          });
          continue;
        }
        add({
          message: `${who(c)}: env ${e.name} has a literal value that looks like a secret; reference a Secret with valueFrom.secretKeyRef instead`,
          path,
          container: c.name,
        });
      }
    }
    // One Secret per workload holds every value moved out of it: one command creates it with all the keys.
    const secret = `${workload!.resource.name}-secrets`;
    const keys = [...new Set([...envOf.values()].map(secretKeyOf))];
    const create = `kubectl create secret generic ${secret}${index.kubectlNamespace(workload!.resource)} ${keys.map((k) => `--from-literal=${k}=...`).join(' ')}`;
    for (const f of out) {
      const env = envOf.get(f)!;
      f.fixSnippet = envSnippet(env, secret);
      f.fix =
        `Create the Secret, each ... replaced by the value from your secret manager (not copied from Git): ${create}; then read ${env} from it with valueFrom.secretKeyRef (key ${secretKeyOf(env)}) and remove the value from the ${kind}` +
        (f.severity === 'warning' ? ' (nothing was filled in yet, so there is nothing to rotate).' : ', and rotate the credential: it has been readable by everyone who can read the ' + kind + ' and its Git history.');
    }
    return out;
  },
});
