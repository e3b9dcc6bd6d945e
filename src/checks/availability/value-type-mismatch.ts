import { defineCheck, type FindingInput } from '../types.js';
import { containerAt, explainPath, SCHEMA_CHECKED_KINDS, SCHEMA_RELEASE, writtenSchemaProblems, type SchemaProblem, type TypeMismatch } from '../../model/schema.js';
import { formatPath, getString, isPlaceholder } from '../../model/util.js';

/** What a field holds, in words. */
function holds(want: string): string {
  switch (want) {
    case 's':
      return 'a string';
    case 'i':
    case 'I':
      return 'an integer';
    case 'b':
      return 'a boolean (true or false)';
    case 'o':
      return 'an integer or a string';
  }
  if (want.startsWith('[')) return 'a list';
  return 'a map';
}

/** What the items of a list or the values of a map hold, in words. */
function plural(want: string): string {
  switch (want) {
    case 's':
      return 'strings';
    case 'i':
    case 'I':
      return 'integers';
    case 'b':
      return 'booleans';
    case 'o':
      return 'integers or strings';
  }
  return want.startsWith('[') ? 'lists' : 'maps';
}

/** What the value is, in words; the value itself only where it is a number or true/false in a quoted string, or a placeholder. */
function is(m: TypeMismatch, value: string | undefined): string {
  if (m.unquote && value !== undefined) return `the string "${value}" (quoted, so not a ${m.unquote})`;
  if (value !== undefined && isPlaceholder(value)) return `the placeholder "${value}" (left to replace before applying?)`;
  switch (m.got) {
    case 'string':
      return 'a string';
    case 'number': {
      const n = m.number;
      if (n !== undefined) return Number.isInteger(Number(n)) ? `${n}, outside the int32 range` : `${n}, not a whole number`;
      return 'a number (YAML reads an unquoted 8080, 1.0 or 0755 as one)';
    }
    case 'bool':
      return 'a boolean (YAML reads an unquoted true, yes, on or off as one)';
    case 'array':
      return 'a list';
    default:
      return 'a map';
  }
}

function fixOf(kind: string, p: SchemaProblem, m: TypeMismatch, value: string | undefined): string {
  const field = formatPath(p.path);
  const key = typeof p.key === 'string' ? p.key : null;
  if (value !== undefined && !m.unquote && isPlaceholder(value)) {
    return `Replace the placeholder in ${field} with ${holds(m.want)} before applying (or have a tool do it: a Helm value, kustomize replacements, envsubst).`;
  }
  if (m.unquote && value !== undefined) {
    return `Write ${field} without quotes${key ? ` (${key}: ${value.trim()})` : ''}, so that YAML reads a ${m.unquote}; in a Helm template, drop the \`quote\` (or the quotes around {{ }}) that makes it a string.`;
  }
  if (m.want === 's') {
    if (m.got === 'array' || m.got === 'object') return `Write ${field} as one string (a list or map inside a string value is usually JSON or YAML text: put it in quotes or in a block scalar |).`;
    return `Quote the value of ${field} as written (${key !== null ? `${key}: "..."` : '- "..."'}), so that it stays the text it is.`;
  }
  if (m.want === 'b') return `Write ${field} as true or false, without quotes.`;
  if (m.want === 'i' || m.want === 'I' || m.want === 'o') {
    if (m.got === 'number') return `Write ${field} as a whole number${m.want === 'I' ? '' : ' from -2147483648 to 2147483647'}${m.want === 'o' ? ', or a string ("25%", a port name)' : ''}.`;
    if (m.want === 'o') return `Write ${field} as a whole number or a string ("25%", a port name).`;
    return `Write ${field} as a whole number, without quotes.`;
  }
  const explain = `kubectl explain ${explainPath(kind, p.path)}`;
  if (m.want.startsWith('[')) {
    if (m.want === '[s' && m.got === 'string') {
      return `Write ${field} as a YAML list of strings, one item per argument (${key ?? 'command'}: ["..."]; a shell command line goes as ["sh", "-c", "..."]).`;
    }
    if (m.goType === '[]v1.EnvVar' && m.got === 'object') {
      return `Write ${field} as a list: each key of the map becomes an item (- name: KEY, then value: "..." under it).`;
    }
    return `Write ${field} as a YAML list (items start with "- "; ${explain} shows what an item holds).`;
  }
  return `Write ${field} as a map of its fields (${explain} lists them).`;
}

export default defineCheck({
  id: 'value-type-mismatch',
  pillar: 'availability',
  severity: 'error',
  title: 'Value the API server cannot decode',
  whatBreaks:
    'The API server decodes an object into Go types: a value of the wrong type (a quoted `"3"` for `replicas`, an unquoted `8080` as an environment variable\'s value, `command: python app.py` where a list goes, `env` written as a map) fails decoding, and `kubectl apply`, server-side apply (Argo CD, Flux) and `helm install` reject the whole object with "json: cannot unmarshal ...", so nothing of it is created or updated.',
  details: `Reported for every field of a built-in kind (every kind of the Kubernetes API but list kinds and CustomResourceDefinition) whose value is not of the type ${SCHEMA_RELEASE} gives that field in its OpenAPI document (generated by \`scripts/gen-k8s-schema.mjs\`, with Go's names for the types from the API's Go sources). The message quotes the decoder's own error, as the API server returns it ("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"); the API server names only the first such error, kubeready every one.

kubectl reads YAML 1.1, where an unquoted \`8080\`, \`1.0\`, \`0755\`, \`true\`, \`yes\`, \`on\` or \`off\` is a number or a boolean: an environment variable's value, an argument, a label or annotation value, a ConfigMap's data must then be quoted. The reverse is as common: a Helm template's \`quote\` (or quotes around \`{{ }}\`) makes a string of a port or a replica count. A value that is a string is shown only when it is a number or true/false in quotes; other values are never shown (an environment variable's value or a ConfigMap's data may be sensitive), only their type.

Not reported: Secrets (never loaded whole), custom resources, objects of an apiVersion ${SCHEMA_RELEASE} does not serve, a live scan, \`status\`, null values (\`kubectl apply\` drops them), templated values (\`{{ .Values.replicas }}\`, \`\${REPLICAS}\`: substituted before the object reaches the API server), and fields whose decoding has rules of its own (quantities: **invalid-resource-quantity**; times; free-form JSON). Unknown fields are **unknown-field**'s.`,
  fix: {
    text: 'Write the value as the type the field takes: quote a number or boolean that is text, unquote a number that is a number, write a list as a list.',
    yaml: `spec:
  replicas: 3                   # was "3": a string, not an int32
  template:
    spec:
      containers:
        - name: web
          image: registry.example/web:1.4.2
          command: ["python", "app.py"]   # was: command: python app.py
          env:
            - name: PORT
              value: "8080"     # was 8080: a number, not a string`,
  },
  target: 'object',
  kinds: SCHEMA_CHECKED_KINDS,
  validation: true,
  run({ resource, index }) {
    const out: FindingInput[] = [];
    const obj = resource.object;
    for (const p of writtenSchemaProblems(resource, index.listedKinds !== undefined)) {
      const m = p.mismatch;
      if (!m) continue;
      // apiVersion and kind decide how the object is read at all.
      if (p.path.length === 1 && (p.path[0] === 'apiVersion' || p.path[0] === 'kind')) continue;
      const container = containerAt(obj, p.path);
      // A string is shown only where text does not go (the field takes a number, boolean, list or map): never a secret's place.
      const value = m.got === 'string' && m.want !== 's' ? getString(obj, p.path) : undefined;
      out.push({
        message:
          `${container !== undefined ? `container "${container}": ` : ''}${formatPath(p.path)} is ${is(m, value)}, but ${m.item ? `${formatPath(p.path.slice(0, -1))} holds ${plural(m.want)}` : `must be ${holds(m.want)}`}: ` +
          `kubectl apply, server-side apply and helm install reject the ${resource.kind} (${m.error})`,
        path: p.path,
        ...(container !== undefined ? { container } : {}),
        fix: fixOf(resource.kind, p, m, value),
      });
    }
    return out;
  },
});
