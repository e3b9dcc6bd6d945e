/**
 * custom-resource-rejected: a custom resource that the schema of its CustomResourceDefinition (in the
 * input) rejects: unknown fields under strict decoding, and what structural-schema validation refuses
 * (model/crd-validation.ts), in the API server's words.
 */
import { crdDefinitions } from '../../model/crds.js';
import { crProblems, matchesPattern, type CrProblem } from '../../model/crd-validation.js';
import { isCustomApiVersion } from '../../model/schema.js';
import type { Json, Resource } from '../../model/types.js';
import { didYouMean, get, isObject, isTemplated, meantValue, nearNames } from '../../model/util.js';
import { PATCH_FILE } from '../../model/workload.js';
import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';

const article = (t: string) => (/^[aeio]/.test(t) ? `an ${t}` : `a ${t}`);

/** What a problem means, in words, and what to write instead. */
function explain(p: CrProblem, value: Json | undefined, kind: string, crd: string): { what: string; fix: string } {
  const parent = p.path.length > 1 ? p.field.slice(0, p.field.length - String(p.path[p.path.length - 1]).length - (typeof p.path[p.path.length - 1] === 'number' ? 2 : 1)) : '';
  switch (p.kind) {
    case 'unknown': {
      const key = String(p.path[p.path.length - 1]);
      // A suggestion for a name of a few letters would be a guess.
      const near = key.length >= 4 ? nearNames(key, p.known ?? []) : [];
      const where = parent ? ` in ${parent}` : '';
      return {
        what: `unknown field "${key}"${where} (${kind}'s schema in CustomResourceDefinition ${crd} has no such field${near.length ? `; ${didYouMean(near)}` : ''})`,
        fix: near.length ? `Rename ${p.field} to ${parent ? `${parent}.` : ''}${near[0]}.` : `Remove ${p.field}, or move it to where the ${kind} schema has it (kubectl explain ${kind.toLowerCase()}.${p.field.replace(/\[\d+\]/g, '').split('.').slice(0, -1).join('.') || 'spec'} --recursive lists the fields, once the CRD is installed).`,
      };
    }
    case 'type': {
      const got = p.got ?? 'value';
      const want = p.want === 'integer,string' ? 'an integer or a string' : article(p.want ?? 'value');
      let hint = '';
      let fix = `Write ${p.field} as ${want}.`;
      if (typeof value === 'string' && (p.want === 'integer' || p.want === 'number') && /^[-+]?\d+(\.\d+)?$/.test(value.trim())) {
        hint = ' (a quoted number)';
        fix = `Write ${p.field}: ${value.trim()} without quotes.`;
      } else if (typeof value === 'string' && p.want === 'boolean' && /^(true|false)$/i.test(value.trim())) {
        hint = ' (a quoted boolean)';
        fix = `Write ${p.field}: ${value.trim().toLowerCase()} without quotes.`;
      } else if (p.want === 'string' && (got === 'integer' || got === 'number' || got === 'boolean')) {
        hint = ' (YAML reads an unquoted 8080, 1.0, yes or on as a number or boolean)';
        const text = String(value);
        const allowed = (p.allowed ?? []).filter((a): a is string => typeof a === 'string');
        if (allowed.length > 0 && !allowed.includes(text)) fix = `Write ${p.field} as one of the strings the schema allows (${allowed.map((a) => JSON.stringify(a)).join(', ')}).`;
        else if (p.pattern !== undefined && matchesPattern(p.pattern, text) === false) fix = `Write ${p.field} as a string that matches '${p.pattern}' ("${text}" alone does not: a unit missing?).`;
        else fix = `Quote the value of ${p.field} ("${text}").`;
      } else if (p.want === 'integer' && got === 'number') {
        fix = `Write ${p.field} as a whole number.`;
      }
      return { what: `${p.field} is ${article(got)}${hint}, the schema wants ${want}`, fix };
    }
    case 'enum': {
      const allowed = (p.allowed ?? []).map((a) => String(a));
      const right = typeof value === 'string' ? meantValue(value, allowed) : undefined;
      return {
        what: `${p.field} ${JSON.stringify(value)} is not one of the values the schema allows (${allowed.map((a) => JSON.stringify(a)).join(', ')})`,
        fix: right ? `Write ${p.field}: ${right} (the values are case-sensitive).` : `Set ${p.field} to one of ${allowed.join(', ')}.`,
      };
    }
    case 'required': {
      // A misspelt key beside it (endpoint for endpoints) is the usual cause.
      const key = p.field.slice(p.field.lastIndexOf('.') + 1);
      const near = isObject(value) ? nearNames(key, Object.keys(value).filter((k) => k !== key)) : [];
      return near.length
        ? { what: `${p.field} is required by the schema and not set (the object has "${near[0]}": a misspelling of it?)`, fix: `Rename ${near[0]} to ${key}.` }
        : { what: `${p.field} is required by the schema and not set`, fix: `Set ${p.field}.` };
    }
    case 'range':
      return { what: `${p.field} ${String(value)} is outside the range the schema allows`, fix: `Set ${p.field} within the schema's range (${p.error.replace(/^.* in body /, '')}).` };
    case 'multiple':
      return { what: `${p.field} ${String(value)} is not a multiple the schema allows`, fix: `Set ${p.field} to ${p.error.replace(/^.* in body should be /, '')}.` };
    case 'length':
      return /Too long/.test(p.error)
        ? { what: `${p.field} is longer than the schema allows`, fix: `Shorten ${p.field} (${p.error.replace(/^.*Too long: /, '')}).` }
        : { what: `${p.field} is shorter than the schema allows`, fix: `Lengthen ${p.field} (${p.error.replace(/^.* in body /, '')}).` };
    case 'pattern':
      return { what: `${p.field} ${JSON.stringify(value)} does not match the schema's pattern`, fix: `Write ${p.field} so that it matches ${p.error.replace(/^.* should match /, '')}.` };
    case 'count': {
      const many = /Too many/.test(p.error);
      const noun = /properties|at most \d+ items/.test(p.error) && !Array.isArray(value) ? 'keys' : 'items';
      return { what: `${p.field} has too ${many ? 'many' : 'few'} ${noun} for the schema`, fix: `${many ? 'Remove' : 'Add'} ${noun} of ${p.field} (${p.error.replace(/^.*(must have|should have) /, '')}).` };
    }
    case 'duplicate':
      return { what: `${p.field} repeats an earlier item of a list the schema holds each item of once`, fix: `Remove the duplicate ${p.field}, or merge it into the earlier item.` };
  }
}

export default defineCheck({
  id: 'custom-resource-rejected',
  pillar: 'availability',
  severity: 'error',
  title: "Custom resource its CustomResourceDefinition's schema rejects",
  whatBreaks:
    'The API server validates a custom resource against the openAPIV3Schema of its CustomResourceDefinition before it stores it: a value of the wrong type (`replicas: "3"`), a value outside its enum (`mode: Fast` for `fast`), a missing required field or one out of range is refused, and `kubectl apply`, server-side apply (Argo CD, Flux) and `helm install` fail on the object, so the certificate, route or monitor it describes never exists. A field the schema does not have (`spec.endpoint` for `spec.endpoints`) is refused by `kubectl apply` and `kubectl create` (strict field validation, their default); `helm install` and `helm upgrade` only warn and drop it, so the object is created without what the field was meant to say.',
  details: `Reported for custom resources whose CustomResourceDefinition (apiextensions.k8s.io/v1) is in the input and serves their version with a schema; several copies of the CRD: only what every copy rejects. The rules are the apiextensions API server's (Kubernetes 1.37), each with its error text, checked with \`kubectl apply --dry-run=server\` on a real API server:

- **unknown fields** (strict decoding): keys the schema does not declare, where it neither preserves unknown fields (\`x-kubernetes-preserve-unknown-fields\`) nor allows additional properties; \`apiVersion\`, \`kind\` and \`metadata\` are always known at the top and in embedded resources (\`x-kubernetes-embedded-resource\`), and \`metadata\` is checked as an ObjectMeta (\`metadata.lables\`). The \`status\` is decoded strictly too. The message suggests the field that was probably meant;
- **types**: integer, number (an integer is one), string, boolean, array, object, and \`x-kubernetes-int-or-string\`; \`null\` where the field is not \`nullable\` is dropped from an object (so a required field set to null is missing) and refused in a list;
- **enum**, **required** (unless the field has a default), \`minimum\`/\`maximum\` (with \`exclusiveMinimum\`/\`exclusiveMaximum\`), \`multipleOf\` (whole numbers), \`minLength\`/\`maxLength\` (in characters), \`pattern\` (patterns JavaScript reads as Go does), \`minItems\`/\`maxItems\`, \`minProperties\`/\`maxProperties\`, duplicates in \`x-kubernetes-list-type: set\` and \`map\` lists, and an embedded resource's \`apiVersion\` and \`kind\`;
- a \`status\` is not validated when the version has a status subresource (the API server resets it on create).

The CRDs can come from anywhere in the input: a chart's \`crds/\` folder, a vendored release file, or the ones a cluster has installed (\`kubectl get crd -o yaml > crds.yaml\`, then \`kubeready audit manifests/ crds.yaml\`).

Not judged: \`anyOf\`/\`allOf\`/\`oneOf\`/\`not\`, \`format\`, CEL rules (\`x-kubernetes-validations\`), defaults beyond making a required field optional, templated values and keys, what a kustomize patch file leaves to its base (required fields), custom resources whose CRD is not in the input (installed by other means), CRDs of \`apiextensions.k8s.io/v1beta1\`, and a live scan (the API server accepted what it returns). The version and kind themselves are **custom-resource-unserved**'s.`,
  fix: {
    text: 'Change the object as the message says: rename the field, unquote the number, use one of the allowed values, set the required field.',
    yaml: `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  endpoints:            # not "endpoint": the CRD's schema has no such field
    - port: metrics
      interval: 30s`,
  },
  target: 'object',
  kinds: ['*'],
  customResources: true,
  validation: true,
  run({ resource, index }) {
    const out: FindingInput[] = [];
    if (index.listedKinds) return out;
    const r: Resource = resource;
    if (!isCustomApiVersion(r.apiVersion) || isTemplated(r.apiVersion) || isTemplated(r.kind)) return out;
    const slash = r.apiVersion.indexOf('/');
    const info = crdDefinitions(index).get(r.apiVersion.slice(0, slash))?.get(r.kind);
    const schemas = info?.schemas.get(r.apiVersion.slice(slash + 1));
    if (!info || !schemas || schemas.length === 0) return out;
    let problems = crProblems(r.object, schemas[0].schema, schemas[0].status);
    // Several copies of the CRD (two releases in one repository): what every copy rejects.
    for (let i = 1; i < schemas.length && problems.length > 0; i++) {
      const other = new Set(crProblems(r.object, schemas[i].schema, schemas[i].status).map((p) => p.error));
      problems = problems.filter((p) => other.has(p.error));
    }
    if (problems.length === 0) return out;
    // A kustomize patch leaves the fields it does not change to its base.
    if (PATCH_FILE.test(r.origin.file)) problems = problems.filter((p) => p.kind !== 'required');
    const crd = schemas[0].crd;
    const crdName = `${crd.name} (${crd.origin.file})`;
    const related: RelatedInput[] = [{ resource: crd, path: ['spec', 'versions'], note: `${r.apiVersion.slice(slash + 1)} schema of ${r.kind}` }];
    for (const p of problems) {
      // For a required field: the object it is missing from.
      const value = p.path.length === 0 ? r.object : (get(r.object, p.path) as Json | undefined);
      const { what, fix } = explain(p, value, r.kind, crdName);
      out.push({
        message:
          p.kind === 'unknown'
            ? `${what}: kubectl apply and kubectl create reject the ${r.kind} (strict decoding error: ${p.error}); helm install and upgrade drop the field with a warning`
            : `${what}: kubectl apply, server-side apply and helm install reject the ${r.kind} (${p.error})`,
        path: p.path,
        fix,
        related,
      });
    }
    return out;
  },
});

