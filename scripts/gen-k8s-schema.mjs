// Writes src/model/k8s-schema.data.ts: the field names of every built-in Kubernetes kind, from the
// OpenAPI (swagger 2.0) document of the Kubernetes release in the Go module cache (the release whose
// API server the tests build), for the unknown-field check. Run after a Kubernetes upgrade:
//   node scripts/gen-k8s-schema.mjs [path/to/swagger.json version]
// Default: $(go env GOMODCACHE)/k8s.io/kubernetes@<version>/api/openapi-spec/swagger.json, the version
// of tools/test-cluster/kube/go.mod. test/model/k8s-schema.test.ts checks the file against it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function defaultSwagger() {
  // The version the test control plane is built from (tools/test-cluster/kube/go.mod), one place to bump.
  const mod = readFileSync(`${root}/tools/test-cluster/kube/go.mod`, 'utf8');
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+v([0-9.]+)\b/m.exec(mod);
  if (!m) throw new Error('no k8s.io/kubernetes version in tools/test-cluster/kube/go.mod');
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  // The Go types behind the OpenAPI document (Go's own names for them, in the decoder's errors): the
  // staging modules the go.mod replaces with their release versions.
  const staged = (name) => {
    const r = new RegExp(`^\\s*${name.replace(/[./-]/g, (c) => `\\${c}`)}\\s+=>\\s+\\S+\\s+(v[0-9.]+)\\s*$`, 'm').exec(mod);
    if (!r) throw new Error(`no replace of ${name} in tools/test-cluster/kube/go.mod`);
    return `${cache}/${name}@${r[1]}`;
  };
  return {
    version: m[1],
    file: `${cache}/k8s.io/kubernetes@v${m[1]}/api/openapi-spec/swagger.json`,
    go: { api: staged('k8s.io/api'), apimachinery: staged('k8s.io/apimachinery'), aggregator: staged('k8s.io/kube-aggregator') },
  };
}

const BUILTIN = new Set(['string', 'bool', 'int', 'int32', 'int64', 'uint', 'uint32', 'uint64', 'float32', 'float64', 'byte', 'rune', 'uint8', 'interface{}', 'any']);

/**
 * The structs of one Go package directory: each struct's JSON fields with their Go types as
 * reflect names them (what encoding/json's errors print: "v1.Container", "[]string", "int32"), and
 * the structs it embeds inline (json:"" or json:",inline"), whose fields the decoder's errors name
 * through the embedded struct ("readinessProbe.ProbeHandler.httpGet").
 */
export function goPackage(dir) {
  const structs = new Map();
  if (!existsSync(dir)) return structs;
  const pkg = dir.slice(dir.lastIndexOf('/') + 1);
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.go') || f.endsWith('_test.go') || f.includes('generated')) continue;
    const src = readFileSync(`${dir}/${f}`, 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const imports = new Map();
    for (const block of src.matchAll(/^import\s*(?:\(([^)]*)\)|(\w+\s+)?("[^"]+"))/gm)) {
      const lines = block[1] !== undefined ? block[1].split('\n') : [`${block[2] ?? ''}${block[3]}`];
      for (const l of lines) {
        const im = /^\s*(\w+)?\s*"([^"]+)"/.exec(l);
        if (im) imports.set(im[1] ?? im[2].slice(im[2].lastIndexOf('/') + 1), im[2].slice(im[2].lastIndexOf('/') + 1));
      }
    }
    const goName = (t) => {
      if (t.startsWith('*')) return goName(t.slice(1));
      if (t.startsWith('[]')) return `[]${goName(t.slice(2))}`;
      if (t.startsWith('map[')) {
        const end = t.indexOf(']');
        return `map[${goName(t.slice(4, end))}]${goName(t.slice(end + 1))}`;
      }
      const dot = t.indexOf('.');
      if (dot > 0) return `${imports.get(t.slice(0, dot)) ?? t.slice(0, dot)}.${t.slice(dot + 1)}`;
      if (t === 'byte') return 'uint8';
      return BUILTIN.has(t) ? t : `${pkg}.${t}`;
    };
    for (const st of src.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const fields = new Map();
      const embeds = [];
      for (const line of st[2].split('\n')) {
        const named = /^\s*(\w+)\s+([^\s`]+)\s+`[^`]*json:"([^",]*)/.exec(line);
        if (named && named[3] !== '' && named[3] !== '-') {
          fields.set(named[3], goName(named[2]));
          continue;
        }
        const embedded = /^\s*(\*?[\w.]+)\s+`[^`]*json:"(,inline)?[",]/.exec(line);
        if (embedded && !embedded[1].includes('.')) embeds.push(embedded[1].replace(/^\*/, ''));
      }
      structs.set(st[1], { fields, embeds });
    }
  }
  return structs;
}

/** Looks up the Go struct behind a schema type ("core.v1.Probe"), from the Go module cache. */
export function goStructs(go) {
  const packages = new Map();
  const dirOf = (group, version) =>
    group === 'meta' ? `${go.apimachinery}/pkg/apis/meta/${version}` : group === 'apiregistration' ? `${go.aggregator}/pkg/apis/apiregistration/${version}` : `${go.api}/${group}/${version}`;
  return (type) => {
    const parts = type.split('.');
    if (parts.length !== 3) return undefined;
    const dir = dirOf(parts[0], parts[1]);
    if (!packages.has(dir)) packages.set(dir, goPackage(dir));
    const structs = packages.get(dir);
    // A field and the chain of embedded structs it is promoted through.
    const find = (name, field, chain) => {
      const s = structs.get(name);
      if (!s) return undefined;
      if (s.fields.has(field)) return { goType: s.fields.get(field), chain };
      for (const e of s.embeds) {
        const hit = find(e, field, [...chain, e]);
        if (hit) return hit;
      }
      return undefined;
    };
    return structs.has(parts[2]) ? (field) => find(parts[2], field, []) : undefined;
  };
}

const PREFIXES = ['io.k8s.api.', 'io.k8s.apimachinery.pkg.apis.', 'io.k8s.apimachinery.pkg.', 'io.k8s.kube-aggregator.pkg.apis.', 'io.k8s.apiextensions-apiserver.pkg.apis.'];
const short = (name) => {
  for (const p of PREFIXES) if (name.startsWith(p)) return name.slice(p.length);
  return name;
};

/**
 * The compact schema: `kinds` maps "group/version/Kind" ("v1/Pod" for the core group) to a type;
 * `types` maps a type to its fields, each field to what its value holds: "" a value not checked (a
 * Quantity, a Time, a RawExtension, free-form JSON, base64 bytes, a float), "s" a string, "i" an int32,
 * "I" an int64, "b" a boolean, "o" an IntOrString, "T" an object of type T, "[X" a list of X, "{X" a
 * map of X ("{s" a map of strings). A type without declared properties is not listed (not checked).
 * With the Go sources (`goStructs`): `go` holds the Go type of a field where it is not the one its
 * shape implies ("v1.Protocol" for a string, "[]v1.Capability"), `embeds` the embedded structs a
 * field is promoted through ("ProbeHandler"): the decoder's errors name both.
 * Left out: list kinds and CustomResourceDefinition (its schema holds free-form JSON).
 */
export function compact(swagger, goOf = () => undefined) {
  const defs = swagger.definitions;
  const kinds = {};
  for (const [name, d] of Object.entries(defs)) {
    for (const g of d['x-kubernetes-group-version-kind'] ?? []) {
      if (g.kind.endsWith('List') || g.kind === 'CustomResourceDefinition' || !d.properties?.apiVersion || !d.properties?.metadata) continue;
      kinds[`${g.group ? `${g.group}/` : ''}${g.version}/${g.kind}`] = short(name);
    }
  }
  const types = {};
  const goTypes = {};
  const embeds = {};
  const ref = (p) => (p?.$ref ? p.$ref.replace('#/definitions/', '') : null);
  const shape = (p) => {
    const r = ref(p);
    if (r) {
      if (r === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return 'o';
      return defs[r]?.properties ? (visit(r), short(r)) : '';
    }
    if (p.type === 'string') return p.format ? '' : 's';
    if (p.type === 'boolean') return 'b';
    if (p.type === 'integer') return p.format === 'int32' ? 'i' : p.format === 'int64' ? 'I' : '';
    if (p.type === 'array' && p.items) {
      const inner = shape(p.items);
      return inner ? `[${inner}` : '';
    }
    if (p.type === 'object' && p.additionalProperties) {
      const inner = shape(p.additionalProperties);
      return inner ? `{${inner}` : '';
    }
    return '';
  };
  // The Go type a shape implies when the source does not say otherwise.
  const implied = (sh) => {
    if (sh === 's') return 'string';
    if (sh === 'i') return 'int32';
    if (sh === 'I') return 'int64';
    if (sh === 'b') return 'bool';
    if (sh === 'o') return 'intstr.IntOrString';
    if (sh.startsWith('[')) return `[]${implied(sh.slice(1))}`;
    if (sh.startsWith('{')) return `map[string]${implied(sh.slice(1))}`;
    return sh.split('.').slice(-2).join('.');
  };
  function visit(name) {
    const s = short(name);
    if (types[s]) return;
    const out = {};
    types[s] = out;
    const go = goOf(s);
    for (const [f, p] of Object.entries(defs[name].properties)) {
      const sh = shape(p);
      out[f] = sh;
      const hit = sh && go?.(f);
      if (!hit) continue;
      if (hit.goType !== implied(sh)) (goTypes[s] ??= {})[f] = hit.goType;
      if (hit.chain.length) (embeds[s] ??= {})[f] = hit.chain.join('.');
    }
  }
  for (const [k, t] of Object.entries(kinds)) {
    const full = Object.keys(defs).find((n) => short(n) === t);
    visit(full);
    kinds[k] = t;
  }
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { kinds: sorted(kinds), types: sorted(types), go: sorted(goTypes), embeds: sorted(embeds) };
}

export function render(schema, version) {
  const json = JSON.stringify(schema);
  // Field and type names hold neither quotes nor backslashes: the JSON goes in a single-quoted string as it is.
  if (/['\\\n]/.test(json)) throw new Error('unexpected character in the schema');
  const kindNames = [...new Set(Object.keys(schema.kinds).map((k) => k.slice(k.lastIndexOf('/') + 1)))].sort();
  return `// Generated by scripts/gen-k8s-schema.mjs from Kubernetes v${version} api/openapi-spec/swagger.json: do not edit.
/** The Kubernetes release the field names come from. */
export const SCHEMA_VERSION = ${JSON.stringify(version)};
/** Every built-in kind the schema describes (list kinds and CustomResourceDefinition left out). */
export const SCHEMA_KINDS: readonly string[] = ${JSON.stringify(kindNames)};
/** The schema as JSON (parsed on first use): see compact() in the script. */
export const SCHEMA_JSON = '${json}';
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const d = defaultSwagger();
  const file = process.argv[2] ?? d.file;
  const swagger = JSON.parse(readFileSync(file, 'utf8'));
  const version = process.argv[3] ?? d.version;
  writeFileSync(`${root}/src/model/k8s-schema.data.ts`, render(compact(swagger, goStructs(d.go)), version));
  console.log(`wrote src/model/k8s-schema.data.ts from ${file}`);
}
