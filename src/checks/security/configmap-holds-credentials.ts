import { defineCheck, type FindingInput } from '../types.js';
import { isObject, stringList } from '../../model/util.js';
import envLiteral, { secretName, SECRET_ENV_FIX } from './secret-in-env-literal.js';
import { compileParam, isPlaceholder, nameWords, withoutWords } from './credential-values.js';

interface Params {
  nameWords: string[];
  excludeNameSuffixes: string[];
  excludeNamePrefixes: string[];
  notSecretWords: string[];
  excludeNameWords: string[];
  valueReferencePatterns: string[];
  skipKeys: string[];
}

/** What was found in one data value. Never carries the value itself. */
export interface CredentialHit {
  kind: 'pem' | 'pem-base64' | 'url' | 'name' | 'setting';
  /** 1-based line within the value (multi-line values only). */
  line?: number;
  /** The setting name of a `setting` hit (`spring.datasource.password`). */
  setting?: string;
  /** The URL scheme of a `url` hit. */
  scheme?: string;
}

type NameParams = Pick<Params, 'nameWords' | 'excludeNameSuffixes' | 'excludeNamePrefixes' | 'notSecretWords' | 'excludeNameWords'>;

// ---------------------------------------------------------------------------------------------
// Private keys
// ---------------------------------------------------------------------------------------------

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;

/**
 * PEM private key blocks with a real body: a BEGIN line, base64 (optionally with RFC 1421 headers,
 * `\n` escapes as in JSON, a PGP checksum) and the matching END line. A header with a templated or
 * elided body (`{{ .Values.key }}`, `MIIE...`) is not a key.
 */
function pemPrivateKeys(value: string): number[] {
  const out: number[] = [];
  if (!value.includes('PRIVATE KEY')) return out;
  const unended = new Set<string>();
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(value); m; m = PEM_BEGIN.exec(value)) {
    const end = `-----END ${m[1]}PRIVATE KEY${m[2] ?? ''}-----`;
    if (unended.has(end)) continue;
    const start = m.index + m[0].length;
    const stop = value.indexOf(end, start);
    if (stop < 0) {
      unended.add(end);
      continue;
    }
    const body = value
      .slice(start, stop)
      .split(/\\r\\n|\\n|\r?\n/)
      .map((l) => l.trim().replace(/^["']|["',]+$/g, '').trim())
      .filter((l) => l !== '' && !l.includes(':') && !/^=[A-Za-z0-9+/]{4}$/.test(l))
      .join('');
    if (body.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(body)) out.push(lineAt(value, m.index));
    PEM_BEGIN.lastIndex = stop + end.length;
  }
  return out;
}

// "-----BEGIN" base64-encoded starts with "LS0tLS1CRUdJTi" (a kubeconfig's client-key-data, Secret data pasted over).
const B64_PEM = /LS0tLS1CRUdJTi[A-Za-z0-9+/]{86,}={0,2}/g;

/** Base64-encoded PEM private keys, judged like plain ones once decoded (a truncated or elided one has no END line). */
function base64PrivateKeys(value: string): number[] {
  const out: number[] = [];
  if (!value.includes('LS0tLS1CRUdJTi')) return out;
  B64_PEM.lastIndex = 0;
  for (let m = B64_PEM.exec(value); m; m = B64_PEM.exec(value)) {
    const b64 = m[0].slice(0, 65536);
    let text = '';
    try {
      text = atob(b64.slice(0, b64.length - (b64.length % 4)));
    } catch {
      continue;
    }
    if (pemPrivateKeys(text).length > 0) out.push(lineAt(value, m.index));
  }
  return out;
}

function lineAt(value: string, offset: number): number {
  let n = 1;
  for (let i = value.indexOf('\n'); i >= 0 && i < offset; i = value.indexOf('\n', i + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// URLs with a password
// ---------------------------------------------------------------------------------------------

/** scheme://user:password@host, the password a literal (not templated, not masked, not a placeholder). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s/?#@:'"<>]*):([^\s/?#@'"<>]+)@[^\s/?#@'"<>]/gi;

function urlPasswords(line: string): string[] {
  const out: string[] = [];
  if (!line.includes('://')) return out;
  URL_USERINFO.lastIndex = 0;
  for (let m = URL_USERINFO.exec(line); m; m = URL_USERINFO.exec(line)) {
    const pw = m[3];
    if (TEMPLATE.test(pw) || isPlaceholder(pw)) continue;
    out.push(m[1].toLowerCase());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** Filled in by a tool before use: ${VAR}, $(VAR), $VAR, $1, {{ }}, %VAR%, #{VAR}, <%= %>, @VAR@, __VAR__. */
const TEMPLATE = /\$[\w{(@*#?!]|\{\{|\}\}|%[A-Za-z_][\w.-]*%|#\{[^}]*\}|<%|^@[\w.-]+@$|^__[\w.-]+__$/;
const BOOLEAN = /^(true|false|yes|no|on|off|enabled|disabled|y|n|none|null|nil|~)$/i;
/** Short numbers and durations: a length, a TTL, a port. */
const SHORT_NUMBER = /^[0-9]{1,6}(\.[0-9]+)?$|^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w))+$/;
/** A file path: where the secret is, not the secret. */
const FILE_PATH = /^(\/|\.\.?\/|~\/|[A-Za-z]:\\)\S*$/;
/** Password hashes (bcrypt, crypt, htpasswd, LDAP): crackable offline, but not the credential itself. */
const HASH = /(^|:)\$(2[abxy]?|apr1|1|5|6|y|argon2i?d?|pbkdf2[-\w]*)\$|^\{(SHA|SSHA|SHA256|SSHA256|SHA512|SSHA512|CRYPT|PBKDF2[^}]*)\}/i;
/** A sentence: a label or message about a secret ("Reset your password"), not a secret. */
const PROSE = /^[A-Za-z][A-Za-z',.!?()-]*( [A-Za-z][A-Za-z',.!?()-]*){2,}$/;
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;
const IDENTIFIER = /^[A-Za-z][\w.-]*$/;
/** Sops-encrypted values. */
const ENCRYPTED = /^ENC\[/;

/**
 * Whether a value found under a secret-like name (`name`, when known) looks like the credential
 * itself. Not: empty, templated, a file path, a boolean, a short number or duration, a placeholder
 * (credential-values' isPlaceholder, shared with secret-in-env-literal), a password hash,
 * a secret-manager reference, a URL (its password is checked on its own), a sentence, or an
 * identifier that itself names a secret (`mysql-password`, `OIDC_CLIENT_SECRET`: a key or variable
 * name the setting points to).
 */
export function looksLikeCredential(raw: string, refs: RegExp[], names: NameParams, name?: string): boolean {
  const v = raw.trim();
  if (v === '') return false;
  if (TEMPLATE.test(v) || FILE_PATH.test(v) || BOOLEAN.test(v) || SHORT_NUMBER.test(v) || HASH.test(v) || ENCRYPTED.test(v)) return false;
  if (isPlaceholder(v, name, stringList(names.nameWords))) return false;
  if (refs.some((re) => re.test(v))) return false;
  if (URL.test(v) || PROSE.test(v)) return false;
  if (IDENTIFIER.test(v) && namesASecret(v, names)) return false;
  return true;
}

/**
 * An identifier of two or more words that ends in a secret term and has no digits (`mysql-password`,
 * `OIDC_CLIENT_SECRET`, `db-creds`): the key or variable name a setting points to.
 */
function namesASecret(v: string, names: NameParams): boolean {
  const words = nameWords(v);
  if (words.length < 2 || /[0-9]/.test(v)) return false;
  const terms = stringList(names.nameWords).map((t) => t.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean));
  return terms.some((t) => t.length > 0 && t.length < words.length && t.every((w, i) => words[words.length - t.length + i] === w));
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

const decided = new WeakMap<object, Map<string, boolean>>();
const firstWords = new WeakMap<object, string[]>();

/**
 * secret-in-env-literal's name rule (a secret term as a word of the name, qualifier suffixes and
 * prefixes excluded), after removing word sequences that only look like one (`proxy_pass`).
 */
export function isSecretName(name: string, p: NameParams): boolean {
  // Cheap prefilter: every match contains the first word of a term (a file of 20,000 settings
  // names none). Only names that pass it are judged and remembered.
  if (!mayNameASecret(name, p)) return false;
  let byName = decided.get(p);
  if (!byName) decided.set(p, (byName = new Map()));
  let v = byName.get(name);
  if (v === undefined) {
    v = judgeName(name, p);
    if (byName.size < 10000) byName.set(name, v);
  }
  return v;
}

/** The first word of every secret term: a name (or a line holding one) without any of them names no secret. */
function firstWordsOf(p: NameParams): string[] {
  let firsts = firstWords.get(p);
  if (!firsts) firstWords.set(p, (firsts = stringList(p.nameWords).map((t) => t.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean)[0] ?? '').filter(Boolean)));
  return firsts;
}

const firstWordsRe = new WeakMap<object, RegExp>();

/** A cheap test that passes every text that contains a secret-like name (and many that do not). */
function mayNameASecret(text: string, p: NameParams): boolean {
  let re = firstWordsRe.get(p);
  if (!re) {
    const words = firstWordsOf(p).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    firstWordsRe.set(p, (re = words.length > 0 ? new RegExp(words.join('|'), 'i') : /(?!)/));
  }
  return re.test(text);
}

function judgeName(name: string, p: NameParams): boolean {
  const all = nameWords(name);
  if (stringList(p.excludeNameWords).some((seq) => containsWords(all, seq))) return false;
  const words = withoutWords(all, stringList(p.notSecretWords));
  return words.length > 0 && secretName(words.join('_'), p);
}

function containsWords(words: string[], seq: string): boolean {
  const sw = seq.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (sw.length === 0) return false;
  for (let i = 0; i + sw.length <= words.length; i++) if (sw.every((w, j) => words[i + j] === w)) return true;
  return false;
}


// ---------------------------------------------------------------------------------------------
// Settings inside file-like values
// ---------------------------------------------------------------------------------------------

const COMMENT = /^\s*(#|\/\/|;|--|<!--|\/\*|\*|!)/;
/** "name": value (JSON). */
const JSON_LINE = /^\s*"((?:[^"\\]|\\.){1,200})"\s*:\s*(.*)$/;
/** name = value, name: value (properties, .env, INI, TOML, YAML), `export` and YAML list dashes allowed. */
const SETTING_LINE = /^\s*(?:-\s+)?(?:export\s+)?(["']?)([A-Za-z_][\w.\-/]{0,200})\1\s*(=|:(?=\s|$))\s*(.*)$/;
/** <password>value</password> (Maven settings.xml, Java EE configs): an element holding text only. */
const XML_LINE = /^\s*<([A-Za-z_][\w.-]{0,100})>([^<]*)<\/\1>\s*$/;
/** Space-separated directives that set a password (redis.conf). */
const DIRECTIVE_LINE = /^\s*(requirepass|masterauth)\s+(\S.*)$/i;
const DIRECTIVE = /requirepass|masterauth/i;
/** Keys holding source code: only quoted literals count there (`token = os.environ[...]` is code). */
const CODE_KEY = /\.(py|sh|bash|zsh|ksh|ps1|js|mjs|cjs|ts|rb|lua|go|java|kt|groovy|pl|php|jinja2?|j2|tpl|tmpl|gotmpl|erb|sql)$/i;

/** The literal a setting line assigns, or undefined when it assigns no string literal. */
function literalOf(rest: string, json: boolean, code: boolean): string | undefined {
  const r = rest.trim();
  if (r === '') return undefined;
  if (r[0] === '"') {
    let out = '';
    for (let i = 1; i < r.length; i++) {
      const c = r[i];
      if (c === '\\' && i + 1 < r.length) out += r[++i];
      else if (c === '"') return out;
      else out += c;
    }
    return undefined;
  }
  if (r[0] === "'") {
    const end = r.indexOf("'", 1);
    return end < 0 ? undefined : r.slice(1, end);
  }
  if (json || code) return undefined;
  // Unquoted: a YAML block/flow/anchor/tag start or an expression is not a literal.
  if (/^[|>{[&*!]/.test(r) || /[()[\]{}]/.test(r)) return undefined;
  return r.replace(/\s+#.*$/, '').trim();
}

function xmlText(t: string): string {
  const v = t.trim();
  // Entities are decoded only for the common five; anything else stays as written.
  return v.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? '');
}

/** Kafka/Java JAAS options on one line: `... PlainLoginModule required username="app" password="...";`. */
const JAAS_OPTION = /\b([A-Za-z_][\w.]{0,100})\s*=\s*"([^"]*)"/g;

function jaasOptions(line: string, n: number, refs: RegExp[], names: NameParams): CredentialHit[] {
  const out: CredentialHit[] = [];
  JAAS_OPTION.lastIndex = 0;
  for (let m = JAAS_OPTION.exec(line); m; m = JAAS_OPTION.exec(line)) {
    if (isSecretName(m[1], names) && looksLikeCredential(m[2], refs, names, m[1])) out.push({ kind: 'setting', line: n, setting: m[1] });
  }
  return out;
}

function settings(key: string, value: string, lines: () => string[], refs: RegExp[], names: NameParams): CredentialHit[] {
  const out: CredentialHit[] = [];
  // Every setting reported has a secret-like name on its line, or is a redis password directive.
  if (!mayNameASecret(value, names) && !DIRECTIVE.test(value)) return out;
  const code = CODE_KEY.test(key) || value.startsWith('#!');
  lines().forEach((line, i) => {
    if (line.length > 4000 || (!mayNameASecret(line, names) && !DIRECTIVE.test(line)) || COMMENT.test(line)) return;
    if (line.includes('LoginModule')) {
      out.push(...jaasOptions(line, i + 1, refs, names));
      return;
    }
    const j = JSON_LINE.exec(line);
    const s = j ? null : SETTING_LINE.exec(line);
    const x = j || s || code ? null : XML_LINE.exec(line);
    const d = j || s || x || code ? null : DIRECTIVE_LINE.exec(line);
    const [name, rest] = j ? [j[1], j[2]] : s ? [s[2], s[4]] : x ? [x[1], x[2]] : d ? [d[1], d[2]] : [undefined, ''];
    // A redis directive names a password by itself; other names go through the name rule.
    if (name === undefined || (!d && !isSecretName(name, names))) return;
    const v = x ? xmlText(rest) : literalOf(rest, j !== null, code);
    if (v === undefined || !looksLikeCredential(v, refs, names, name)) return;
    out.push({ kind: 'setting', line: i + 1, setting: name });
  });
  return out;
}

/** The strings of a one-line JSON object whose property names are secret-like (`{"apiKey":"..."}`). */
function jsonSettings(text: string, refs: RegExp[], names: NameParams): CredentialHit[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const out: CredentialHit[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 20 || v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === 'string') {
        if (!Array.isArray(v) && isSecretName(k, names) && looksLikeCredential(x, refs, names, k)) out.push({ kind: 'setting', setting: k });
      } else walk(x, depth + 1);
    }
  };
  walk(doc, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// One value
// ---------------------------------------------------------------------------------------------

/** Everything that looks like a credential in one ConfigMap data value, strongest first. */
export function findCredentials(key: string, value: string, refs: RegExp[], names: NameParams): CredentialHit[] {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 10) end--;
  const body = end === value.length ? value : value.slice(0, end);
  const multi = body.includes('\n');
  const at = (line: number) => (multi ? { line } : {});
  const out: CredentialHit[] = [];
  for (const line of pemPrivateKeys(value)) out.push({ kind: 'pem', ...at(line) });
  for (const line of base64PrivateKeys(value)) out.push({ kind: 'pem-base64', ...at(line) });
  let split: string[] | undefined;
  const lines = () => (split ??= body.split('\n'));
  if (body.includes('://')) {
    lines().forEach((l, i) => {
      if (l.length > 4000 || (multi && COMMENT.test(l))) return;
      for (const scheme of urlPasswords(l)) out.push({ kind: 'url', scheme, ...at(i + 1) });
    });
  }
  const taken = new Set(out.map((h) => h.line ?? 1));
  if (!multi && /^\s*\{/.test(body)) {
    // Single-line JSON: every string under a secret-like name.
    if (!taken.has(1)) out.push(...jsonSettings(body, refs, names).slice(0, 10));
  } else if (!multi && isSecretName(key, names) && looksLikeCredential(body, refs, names, key)) {
    // A single-line value under a secret-like key: the key is the setting.
    out.push({ kind: 'name' });
  } else {
    // A line already reported for a key or URL is not reported again as a setting.
    out.push(...settings(key, body, lines, refs, names).filter((h) => !taken.has(h.line!)));
  }
  return out;
}

function describe(h: CredentialHit): string {
  const at = h.line !== undefined ? ` at line ${h.line}` : '';
  switch (h.kind) {
    case 'pem':
      return `a PEM private key${at}`;
    case 'pem-base64':
      return `a base64-encoded PEM private key${at}`;
    case 'url':
      return `a password in a ${h.scheme} URL${at}`;
    case 'name':
      return 'a literal value under a secret-like name';
    case 'setting':
      return `a literal value for \`${h.setting}\`${at}`;
  }
}

function joinList(items: string[]): string {
  const shown = items.length > 3 ? [...items.slice(0, 3), `${items.length - 3} more`] : items;
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** The key as a field path segment, as findings print fields: data.DB_PASSWORD, data["app.properties"]. */
function field(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `data.${key}` : `data[${JSON.stringify(key)}]`;
}


const envDefault = (name: string): string[] => {
  const d = envLiteral.params?.[name]?.default;
  return Array.isArray(d) ? d : [];
};

export default defineCheck<Params>({
  id: 'configmap-holds-credentials',
  pillar: 'security',
  severity: 'error',
  title: 'ConfigMap holds a credential',
  whatBreaks:
    'A credential in a ConfigMap can be read by everyone who can read ConfigMaps: the built-in view role (and the namespace read-only roles modelled on it) grants that but deliberately not Secrets. kubectl describe, get -o yaml and diff print ConfigMap values (they hide Secret values), so it also ends up in Git, CI logs and terminals, and encryption at rest is commonly set up for Secrets only.',
  details: `Looks at every string in a ConfigMap's \`data\` (\`binaryData\` is skipped) and reports one finding per key, naming the key and what was found, never the value:

- **a PEM private key** (\`-----BEGIN [RSA|EC|OPENSSH|ENCRYPTED|PGP ...] PRIVATE KEY-----\` with a base64 body and its END line; also inside a JSON string with \`\\n\` escapes, as in a service-account key file), or such a block base64-encoded (a kubeconfig's \`client-key-data\`): **error**. Certificates and public keys are not reported, so \`kube-root-ca.crt\` and CA bundles stay silent, and neither is a BEGIN line with a templated or elided body.
- **a password in a URL** (\`postgres://app:s3cret@db:5432/app\`, anywhere in the value): **error**. Not when the password is templated (\`\${DB_PASSWORD}\`, \`$(PW)\`, \`{{ .Values.pw }}\`), masked (\`***\`) or a placeholder, nor for \`user@host\` without a password.
- **a single-line value under a secret-like key** (\`DB_PASSWORD\`, \`redisPassword\`, \`api-key\`, \`client_secret\`): **warning**.
- **a setting inside a file-like value** (\`.properties\`, \`.env\`, INI, TOML, YAML, JSON or one-element-per-line XML embedded in the key): \`spring.datasource.password=...\`, \`password: ...\`, \`"apiKey": "..."\`, \`<password>...</password>\`, the options of a JAAS \`LoginModule\` line and redis \`requirepass\`/\`masterauth\`: **warning**, naming the line within the value and the setting. Comment lines are skipped, and so are the keys in \`skipKeys\` (\`nsswitch.conf\`, where \`passwd: files\` is a lookup source). In keys holding code (\`.py\`, \`.sh\`..., or a \`#!\` script) only quoted literals count, so \`token = os.environ["HF_TOKEN"]\` is not reported.

Names are judged as by \`secret-in-env-literal\` (its \`nameWords\`, \`excludeNameSuffixes\`, \`excludeNamePrefixes\` and \`valueReferencePatterns\` defaults, extended here): a secret term as a whole word of the name, unless the name ends in a qualifier. So \`passwordFile\`, \`tokenPath\`, \`secretName\`, \`secret-ref\`, \`secretKeyRef\`, \`tokenUrl\`, \`token_endpoint\`, \`*_ENABLED\`, \`*_TTL\`, \`*_LENGTH\`, \`passwordKey\`, \`secretEnv\`, \`passwordHash\` and \`existingSecret\` describe a secret rather than hold one, while \`SECRET_KEY\` and \`API_KEY\` still count. Also not secrets: etcd's \`ETCD_INITIAL_CLUSTER_TOKEN\` (a seed for the cluster and member IDs), nginx \`proxy_pass\`, tokenizer \`eos_token\`/\`pad_token\`, \`tlsSecret\`/\`passwordSecret\` (the name of a Secret object), and truststore passwords (\`ssl.truststore.password\`: a truststore holds public certificates, its password only checks their integrity).

A value is not reported when it is empty, templated (\`{{ }}\`, \`\${VAR}\`, \`$(VAR)\`, \`$VAR\`, \`%VAR%\`, \`#{VAR}\`, \`@VAR@\`, \`__VAR__\`), a file path (\`/etc/secret/pw\`, \`./pw\`), a boolean, a number or duration of up to 6 digits, a placeholder (\`<password>\`, \`[PAD]\`, \`REPLACE_ME\`, \`INSERT_ETCD_TOKEN\`, \`your-token-here\`, \`yourpassword\`, \`xxx\`, \`***\`, \`TODO\`, the key's own name written again as in \`HF_TOKEN: HF_TOKEN\`, an upper-case identifier containing it as in \`GOOGLE_API_KEY: GOOGLE_API_KEY_VAL\`, or an upper-case secret term alone such as \`SECRET\`; the same rules as \`secret-in-env-literal\`), a password hash (bcrypt, crypt, htpasswd, LDAP \`{SSHA}\`), a secret-manager reference (\`vault:\`, \`ref+\`, \`arn:aws:secretsmanager:\`..., sops \`ENC[...]\`), a URL (its password is judged on its own), a sentence, or the name of the key or variable holding the secret (\`mysql-password\`, \`OIDC_CLIENT_SECRET\`). A well-known default such as \`changeme\` or \`admin\` **is** reported: it is the password in use, and everyone who can read ConfigMaps now knows it.

Not detected, to stay precise: secrets under names that do not say so (a Slack webhook URL, a PagerDuty routing key), space-separated settings other than redis's (\`HTTP_Passwd\` in fluent-bit), connection strings (\`Password=...;\`), and values spread over several lines.

The PEM and URL findings are errors: they are unambiguous. Findings that rest on a name are warnings: a ConfigMap key can describe a secret in ways no name rule foresees.

Why a Secret and not a ConfigMap: the built-in \`view\` ClusterRole grants get/list/watch on \`configmaps\` but not on \`secrets\` (only \`edit\` and \`admin\` read Secrets); \`kubectl describe secret\` prints byte counts and \`kubectl diff\` masks Secret data, while both print ConfigMap values; encryption at rest covers only the resources an EncryptionConfiguration lists, commonly \`secrets\` alone; the kubelet keeps Secret volumes in tmpfs and writes ConfigMap volumes to the node's disk. Secrets are not encrypted by themselves, but they are a separate resource with separate RBAC, and can be fed from a secret manager (External Secrets Operator, Secrets Store CSI driver, Sealed Secrets) so the value never lands in Git.`,
  fix: {
    text: 'Move the value into a Secret (kubectl create secret generic, or synced from your secret manager), reference it with valueFrom.secretKeyRef, envFrom.secretRef or a secret volume, remove it from the ConfigMap, and rotate the credential: it has been readable by everyone who can read ConfigMaps.',
    yaml: SECRET_ENV_FIX,
  },
  params: {
    nameWords: {
      type: 'string[]',
      default: envDefault('nameWords'),
      description: 'Terms that mark a key or setting name as holding a secret, matched as whole words of the name (the defaults of secret-in-env-literal).',
    },
    excludeNameSuffixes: {
      type: 'string[]',
      default: [...envDefault('excludeNameSuffixes'), 'KEY', 'ENV', 'VAR', 'VARIABLE', 'AUDIENCES', 'ANNOTATION', 'LABEL', 'CLAIM', 'PROPERTY', 'HASH', 'PATTERN', 'REGEX', 'SOURCE'],
      description:
        "Last word(s) of a name that make it describe a secret rather than hold one (secret-in-env-literal's, plus KEY, ENV, VAR... for settings naming where the secret is: passwordKey, secretEnv); a secret term ending inside them still counts (SECRET_KEY, API_KEY).",
    },
    excludeNamePrefixes: {
      type: 'string[]',
      default: [...envDefault('excludeNamePrefixes'), 'EXISTING', 'USE', 'ENABLE', 'DISABLE', 'ALLOW', 'REQUIRE', 'SKIP', 'GENERATE'],
      description: 'First word(s) of a name that make it a setting about secrets rather than a secret (MAX_TOKENS, existingSecret, useToken).',
    },
    notSecretWords: {
      type: 'string[]',
      default: [
        ...envDefault('notSecretWords'),
        'PROXY_PASS', 'FASTCGI_PASS', 'UWSGI_PASS', 'SCGI_PASS', 'GRPC_PASS', 'MEMCACHED_PASS', 'PASS_THROUGH', 'PASS_THRU', 'BY_PASS',
        'PAD_TOKEN', 'EOS_TOKEN', 'BOS_TOKEN', 'UNK_TOKEN', 'SEP_TOKEN', 'CLS_TOKEN', 'MASK_TOKEN', 'STOP_TOKEN', 'PAGE_TOKEN', 'NEXT_TOKEN', 'CONTINUATION_TOKEN',
        'TLS_SECRET', 'SSL_SECRET', 'CA_SECRET', 'CERT_SECRET', 'CERTIFICATE_SECRET', 'PULL_SECRET', 'PULL_SECRETS',
        'PASSWORD_SECRET', 'CREDENTIALS_SECRET', 'CREDS_SECRET',
      ],
      description:
        "Word sequences removed from a name before it is judged: they contain a secret term without being one (secret-in-env-literal's, such as etcd's INITIAL_CLUSTER_TOKEN, plus nginx proxy_pass, a tokenizer eos_token, tlsSecret or passwordSecret naming a Secret object).",
    },
    excludeNameWords: {
      type: 'string[]',
      default: ['TRUSTSTORE', 'TRUST_STORE'],
      description: 'Words that make a whole name not a secret wherever they occur: a truststore password only guards the integrity of public certificates (ssl.truststore.password).',
    },
    valueReferencePatterns: {
      type: 'string[]',
      default: envDefault('valueReferencePatterns'),
      description: 'Regular expressions (case-insensitive) for values that point to a secret manager instead of containing the secret (the defaults of secret-in-env-literal).',
    },
    skipKeys: {
      type: 'string[]',
      default: ['nsswitch.conf'],
      description: 'Data keys (file names) whose lines are not settings: nsswitch.conf maps `passwd:` to a lookup source.',
    },
  },
  target: 'object',
  kinds: ['ConfigMap'],
  run({ resource, params }) {
    const data = resource.object.data;
    if (!isObject(data)) return [];
    const refs = compileParam(params.valueReferencePatterns);
    const skip = stringList(params.skipKeys);
    const ns = resource.namespace !== undefined ? `namespace "${resource.namespace}"` : 'its namespace';
    const out: FindingInput[] = [];
    for (const [key, value] of Object.entries(data)) {
      // The API server accepts only strings here; anything else cannot be applied.
      if (typeof value !== 'string' || value === '') continue;
      if (skip.includes(key)) continue;
      const hits = findCredentials(key, value, refs, params);
      if (hits.length === 0) continue;
      const strong = hits.some((h) => h.kind === 'pem' || h.kind === 'pem-base64' || h.kind === 'url');
      out.push({
        message: `${field(key)} holds ${joinList(hits.map(describe))}: anyone who can read ConfigMaps in ${ns} can read it (the built-in view role can, though it cannot read Secrets); move it to a Secret and rotate it`,
        path: ['data', key],
        ...(strong ? {} : { severity: 'warning' as const }),
      });
    }
    return out;
  },
});
