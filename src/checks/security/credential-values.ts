/**
 * Name and value rules shared by secret-in-env-literal and configmap-holds-credentials, so the two
 * agree on what a secret-like name is made of and on which values only stand for a secret still to
 * be filled in.
 */
import { stringList } from '../../model/util.js';

/** Split an env var name into upper-case words: DB_PASSWORD, dbPassword, db-password, APIKey -> [API, KEY]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase());
}

/** The words of a configured term (`API_KEY` -> [API, KEY]). */
export function termWords(term: string): string[] {
  return term.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
}

/** `words` without every occurrence of the word sequences `seqs` (`proxy_pass`, `INITIAL_CLUSTER_TOKEN`). */
export function withoutWords(words: string[], seqs: string[]): string[] {
  let out = words;
  for (const seq of seqs) {
    const sw = termWords(seq);
    if (sw.length === 0) continue;
    for (let i = 0; i + sw.length <= out.length; ) {
      if (sw.every((w, j) => out[i + j] === w)) out = [...out.slice(0, i), ...out.slice(i + sw.length)];
      else i++;
    }
  }
  return out;
}

/** Whether `words` contains `seq` as a contiguous run. */
function containsRun(words: string[], seq: string[]): boolean {
  if (seq.length === 0) return false;
  for (let i = 0; i + seq.length <= words.length; i++) if (seq.every((w, j) => words[i + j] === w)) return true;
  return false;
}

/** Values that stand for a secret to be filled in, whatever name they are under. */
export const PLACEHOLDER: RegExp[] = [
  /^<[^<>]*>$/,
  /^\[[^\]]*\]$/,
  /^[xX*•#._-]+$/,
  /^[xX*]+([-_. ][xX*]+)+$/,
  /^(todo|tbd|tba|fixme|placeholder|redacted|masked|hidden|dummy|fake|example|sample|undefined|unset|n\/?a)$/i,
  /^(replace|insert|enter|fill|provide)([-_ ]|me$|$)/i,
  /^your[-_ ]/i,
  /^your[-_ ]?(password|passwd|pass|passphrase|secret|token|key|api[-_ ]?key|access[-_ ]?key|credentials?)/i,
  /[-_ ]here$/i,
  // A vendor's key prefix and an upper-case stand-in (nvapi-NVKEY, sk-YOURKEY, ghp_TOKEN): real keys go on
  // with dozens of mixed-case characters and digits.
  /^[a-z]{2,8}[-_][A-Z][A-Z_]{1,15}$/,
];

/** An upper-case identifier (HF_TOKEN, GOOGLE_API_KEY_VAL, SECRET): the docs convention for "put yours here". */
const UPPER_IDENTIFIER = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * Whether a value only stands for a secret still to be filled in: a PLACEHOLDER (`<your-token>`,
 * `<Client Secret>`, `REPLACE_ME`, `INSERT_ETCD_DISCOVERY_TOKEN`, `your-api-key-here`, `xxx`), the name
 * it is under written again (`HF_TOKEN=HF_TOKEN`, `hf_token`; a one-word name only in upper case), or an upper-case identifier that
 * contains that name (`GOOGLE_API_KEY=GOOGLE_API_KEY_VAL`) or is one of the secret terms by itself
 * (`SECRET`, `TOKEN`, `API_KEY`). A lower-case term (`password`, `secret`) is not: it is a well-known
 * default, the credential in use.
 *
 * @param name the env var, key or setting the value is under, when known.
 * @param terms the secret terms (a nameWords parameter).
 */
export function isPlaceholder(raw: string, name?: string, terms: string[] = []): boolean {
  const v = raw.trim();
  if (v === '') return false;
  if (PLACEHOLDER.some((re) => re.test(v))) return true;
  if (name !== undefined) {
    const nw = nameWords(name);
    const vw = nameWords(v);
    // Lower or mixed case only for a name of two words or more: PASSWORD=password is the well-known
    // default in use, HF_TOKEN=hf_token the name written again.
    if (nw.length > 1 && vw.length === nw.length && vw.every((w, i) => w === nw[i]) && /^[A-Za-z][\w.-]*$/.test(v)) return true;
    if (UPPER_IDENTIFIER.test(v) && containsRun(vw, nw)) return true;
  }
  if (UPPER_IDENTIFIER.test(v)) {
    const vw = termWords(v);
    if (terms.some((t) => {
      const tw = termWords(t);
      return tw.length === vw.length && tw.every((w, i) => w === vw[i]);
    })) return true;
  }
  return false;
}

// Compiled once per parameter list (the same array for every object of a run), not per object.
const compiled = new WeakMap<object, RegExp[]>();

/** A string[] parameter of regular expressions, compiled case-insensitively; invalid ones (from config) are left out. */
export function compileParam(v: unknown): RegExp[] {
  if (!Array.isArray(v)) return [];
  let out = compiled.get(v);
  if (!out) {
    out = [];
    for (const p of stringList(v)) {
      try {
        out.push(new RegExp(p, 'i'));
      } catch {
        // an invalid pattern from config is ignored rather than crashing the audit
      }
    }
    compiled.set(v, out);
  }
  return out;
}
