import { dnsLabelErrors, subdomainErrors } from '../../model/dns-names.js';
import { defineCheck, type FindingInput } from '../types.js';
import { get, isObject, isPlaceholder, isTemplated } from '../../model/util.js';
import { isCustomApiVersion, SCHEMA_KINDS } from '../../model/schema.js';
import { crdDefinitions } from '../../model/crds.js';
import { PATCH_FILE } from '../../model/workload.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Json } from '../../model/types.js';

// The API server's own words (k8s.io/apimachinery/pkg/util/validation, checked on a real API server).
const NAME_PART_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const KEY_MSG = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Keys and values already found valid (labels repeat across objects: each string is tested once). */
const validKeys = new Set<string>();
const validValues = new Set<string>();
const NONE: string[] = [];

/** A label or annotation key (IsQualifiedName). */
export function keyErrors(key: string): string[] {
  if (validKeys.has(key)) return NONE;
  const out = keyErrorsOf(key);
  if (!out.length) validKeys.add(key);
  return out;
}

function keyErrorsOf(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return [KEY_MSG];
  const out: string[] = [];
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    if (parts[0] === '') out.push('prefix part must be non-empty');
    else for (const m of subdomainErrors(parts[0])) out.push(`prefix part ${m}`);
  }
  if (name === '') out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 bytes');
  if (!NAME_PART_RE.test(name)) out.push(NAME_PART_MSG);
  return out;
}

/** A label value (IsValidLabelValue). */
export function valueErrors(value: string): string[] {
  if (validValues.has(value)) return NONE;
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 bytes');
  if (!VALUE_RE.test(value)) out.push(VALUE_MSG);
  if (!out.length) validValues.add(value);
  return out;
}

/**
 * How the API server validates metadata.name, by kind (measured on a real API server; kinds not
 * listed are not checked): most kinds a DNS-1123 subdomain; a Namespace, Service and StatefulSet (its
 * pods' host names) a DNS-1123 label; a CronJob at most 52 characters (its Jobs add 11); a
 * ReplicationController a subdomain whose length error counts bytes.
 */
const NAME_RULES: Record<string, (v: string) => string[]> = {
  Namespace: dnsLabelErrors,
  Service: dnsLabelErrors,
  StatefulSet: dnsLabelErrors,
  CronJob: (v) => [...subdomainErrors(v), ...(v.length > 52 ? ['must be no more than 52 characters'] : [])],
  // Validated declaratively (k8s-long-name): the same rule, its length in bytes.
  ReplicationController: (v) => subdomainErrors(v).map((e) => e.replace('253 characters', '253 bytes')),
};
for (const k of ['Deployment', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod', 'ConfigMap', 'Secret', 'ServiceAccount', 'Ingress', 'IngressClass', 'NetworkPolicy', 'HorizontalPodAutoscaler', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'LimitRange', 'ResourceQuota']) {
  NAME_RULES[k] = subdomainErrors;
}

const BUILTIN_KINDS = new Set(SCHEMA_KINDS);

/** Whether a CustomResourceDefinition in the input serves this apiVersion and kind. */
function crdServes(index: ResourceIndex, apiVersion: string, kind: string): boolean {
  const slash = apiVersion.indexOf('/');
  return crdDefinitions(index).get(apiVersion.slice(0, slash))?.get(kind)?.versions.get(apiVersion.slice(slash + 1))?.served === true;
}

/** The path as the API server's validation names it: a pod template's metadata fields sit on the template (spec.template.labels). */
function apiPath(path: FieldPath): string {
  const p = path.filter((k, i) => !(k === 'metadata' && path[i - 1] === 'template'));
  return p.map(String).join('.');
}

/** A name the rules accept, made from a rejected one: lower case, other characters as "-", trimmed, cut to length. */
function validName(v: string, max: number, dots: boolean): string | null {
  let s = v.toLowerCase().replace(dots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-').replace(/\.{2,}/g, '.');
  s = s.replace(/^[-.]+|[-.]+$/g, '').slice(0, max).replace(/[-.]+$/, '');
  return s === '' ? null : s;
}

/** A key or value the rules accept, made from a rejected label one (other characters as "-"). */
function validLabelPart(v: string): string | null {
  const s = v.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-_.]+|[-_.]+$/g, '').slice(0, 63).replace(/[-_.]+$/, '');
  return s === '' ? null : s;
}

export default defineCheck({
  id: 'metadata-rejected',
  pillar: 'availability',
  severity: 'error',
  title: 'Name, label or annotation the API server rejects',
  whatBreaks:
    'The API server validates every object\'s name, labels and annotation keys before it stores it: a Deployment named `My_App`, a Service named `api.v2`, a label value with a space (`version: 1.0 beta`) or over 63 characters, a label key with two slashes make `kubectl apply`, server-side apply (Argo CD, Flux) and `helm install` fail for that object ("is invalid: metadata.name: Invalid value"), so it is never created or updated; a bad label in a pod template or selector rejects the whole workload.',
  details: `Checked, with the API server's own rules and error texts (k8s.io/apimachinery validation; each rule checked on a real API server):

- **metadata.name**: a lowercase RFC 1123 subdomain (at most 253 characters: lower case letters, digits, \`-\` and \`.\`, starting and ending with a letter or digit) for Deployments, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, Pods, ConfigMaps, Secrets, ServiceAccounts, Ingresses, NetworkPolicies, HorizontalPodAutoscalers, PersistentVolumeClaims and PersistentVolumes, StorageClasses, PriorityClasses, LimitRanges and ResourceQuotas; a lowercase RFC 1123 label (at most 63 characters, no dots) for Namespaces, Services and StatefulSets (their pods' host names); a CronJob's name at most 52 characters (its Jobs add 11). Roles and bindings have rules of their own (**rbac-rejected**); PodDisruptionBudgets and other kinds are not checked here. Custom resources whose CustomResourceDefinition is in the input (and serves their version): a lowercase RFC 1123 subdomain, as the API server gives every custom resource (Knative's \`Service\`, say, is judged by this rule, not the built-in Service's); other custom resources are not checked (an aggregated API server may have rules of its own).
- **labels** (the object's, a pod template's, a workload's \`spec.selector.matchLabels\` and a Service's \`spec.selector\`): the key an optional DNS subdomain prefix and \`/\` and a name of at most 63 characters (letters, digits, \`-\`, \`_\`, \`.\`, starting and ending with a letter or digit); the value empty or at most 63 characters of the same.
- **annotation keys** (the object's and a pod template's): the same as label keys; annotation values may be anything.

Not reported: names in kustomize patch files (a patch's name only picks its target, and a patch applied through a \`target\` selector may say \`name: "*"\`), templated names, keys and values (\`{{ .Release.Name }}\`, \`\${APP}\`), generateName, values that are not strings (**value-type-mismatch**), and a live scan (the API server accepted what it returns).`,
  fix: {
    text: 'Rename the object (and every reference to it) or rewrite the label as the message suggests: lower case, "-" for other characters, at most the length allowed.',
    yaml: `metadata:
  name: my-app              # was My_App: lower case, "-" for "_"
  labels:
    version: 1.0-beta       # was "1.0 beta": no spaces in a label value`,
  },
  target: 'object',
  // Built-in kinds by their rules, and custom resources whose CRD is in the input.
  kinds: ['*'],
  // Names, labels and annotations only: its kinds are not loaded whole on its account (Secrets stay metadata only).
  metadataOnly: true,
  // A Service's spec.selector holds labels too.
  uses: ['Service'],
  validation: true,
  run({ resource, workload, index }) {
    const out: FindingInput[] = [];
    if (index.listedKinds) return out;
    const obj = resource.object;
    const kind = resource.kind;
    let rule: ((v: string) => string[]) | undefined;
    if (isCustomApiVersion(resource.apiVersion)) {
      // A custom resource: judged where its CRD in the input serves it (the apiextensions API server
      // gives every custom resource a DNS-1123 subdomain name; an aggregated API may have its own rules).
      if (!crdServes(index, resource.apiVersion, kind)) return out;
      rule = subdomainErrors;
    } else {
      if (!BUILTIN_KINDS.has(kind)) return out;
      rule = Object.hasOwn(NAME_RULES, kind) ? NAME_RULES[kind] : undefined;
    }
    const meta = obj.metadata;
    // A kustomize patch's name only picks its target (and a patch applied through a target selector,
    // name: "*" say, does not even do that): kustomize keeps the target's name.
    if (rule && !PATCH_FILE.test(resource.origin.file) && isObject(meta) && typeof meta.name === 'string' && meta.name !== '' && !isTemplated(meta.name)) {
      const name = meta.name;
      const errors = rule(name);
      if (errors.length) {
        const label = rule === NAME_RULES.Service;
        const max = kind === 'CronJob' ? 52 : label ? 63 : 253;
        const better = validName(name, max, !label);
        out.push({
          message: `metadata.name "${name}"${isPlaceholder(name) ? ' (a placeholder left to replace before applying?)' : ''} is not a valid ${kind} name: kubectl apply, server-side apply and helm install reject the ${kind} (metadata.name: Invalid value: "${name}": ${errors.join('; ')})`,
          path: ['metadata', 'name'],
          fix: `${isPlaceholder(name) ? 'Replace the placeholder with the name, or rename' : 'Rename'} the ${kind}${better ? ` to "${better}"` : ''} (${label ? 'a lowercase RFC 1123 label: at most 63 lower case letters, digits and "-"' : `a lowercase RFC 1123 subdomain: at most ${max} lower case letters, digits, "-" and "."`}, starting and ending with a letter or digit), and every reference to it.`,
        });
      }
    }
    const labels = (path: FieldPath, what: string) => {
      const m = get(obj, path);
      if (!isObject(m)) return;
      for (const key in m) {
        if (isTemplated(key)) continue;
        const keyErrs = keyErrors(key);
        const v: Json = m[key];
        const valErrs = typeof v === 'string' && !isTemplated(v) ? valueErrors(v) : [];
        if (!keyErrs.length && !valErrs.length) continue;
        const errs = [...keyErrs.map((e) => `Invalid value: "${key}": ${e}`), ...valErrs.map((e) => `Invalid value: "${v as string}": ${e}`)];
        const k2 = keyErrs.length ? validLabelPart(key) : key;
        const v2 = valErrs.length ? validLabelPart(v as string) ?? '' : (v as string);
        out.push({
          message: `${what} ${keyErrs.length ? `key "${key}" is` : `"${key}: ${v as string}" has a value that is`} not valid: kubectl apply, server-side apply and helm install reject the ${kind} (${apiPath(path)}: ${errs.join('; ')})`,
          path: [...path, key],
          fix: k2 !== null ? `Write it as ${k2}: "${v2}" (a label key and value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit; a key may have a DNS-subdomain prefix and "/").` : `Remove it, or write a key of letters and digits.`,
        });
      }
    };
    const annotations = (path: FieldPath) => {
      const m = get(obj, path);
      if (!isObject(m)) return;
      for (const key in m) {
        if (isTemplated(key)) continue;
        const errs = keyErrors(key);
        if (!errs.length) continue;
        const k2 = validLabelPart(key);
        out.push({
          message: `annotation key "${key}" is not valid: kubectl apply, server-side apply and helm install reject the ${kind} (${apiPath(path)}: ${errs.map((e) => `Invalid value: "${key}": ${e}`).join('; ')})`,
          path: [...path, key],
          fix: k2 !== null ? `Rename the annotation to ${k2} (an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".").` : 'Remove the annotation.',
        });
      }
    };
    labels(['metadata', 'labels'], 'label');
    annotations(['metadata', 'annotations']);
    if (workload && workload.resource === resource) {
      labels([...workload.podMetaPath, 'labels'], 'pod template label');
      annotations([...workload.podMetaPath, 'annotations']);
      labels(['spec', 'selector', 'matchLabels'], 'selector label');
    }
    if (kind === 'Service') labels(['spec', 'selector'], 'selector label');
    return out;
  },
});
