/**
 * custom-resource-unserved: a custom resource whose CustomResourceDefinition is in the input, written
 * in a version that definition does not serve (or with a kind it does not define, by a slip of case or
 * one letter). kubectl finds no such kind in discovery and applies nothing ("no matches for kind").
 */
import { crdDefinitions as definitions, type CrdVersionInfo as VersionInfo } from '../../model/crds.js';
import type { Resource } from '../../model/types.js';
import { editDistance, isTemplated } from '../../model/util.js';
import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';

/** A kind of the group that `kind` is a slip of: the same but for case, or one letter off (at least 6 long). */
function slipOf(kind: string, kinds: string[]): string | null {
  for (const k of kinds) if (k.toLowerCase() === kind.toLowerCase()) return k;
  if (kind.length < 6) return null;
  const near = kinds.filter((k) => editDistance(k, kind) === 1);
  return near.length === 1 ? near[0] : null;
}

/** Kubernetes' version priority (CompareKubeAwareVersionStrings): GA above beta above alpha, then the higher numbers; other names last. */
function versionRank(v: string): [number, number, number] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return [0, 0, 0];
  return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
}

/** Does `a` come after `b` in priority (b is the newer, preferred one)? Names that are not versions compare as text. */
function lowerPriority(a: string, b: string): boolean {
  const x = versionRank(a);
  const y = versionRank(b);
  if (x[0] === 0 && y[0] === 0) return a > b;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/** The apiextensions API server's warning for a deprecated version without its own deprecationWarning. */
function defaultWarning(group: string, version: string, kind: string, versions: Map<string, VersionInfo>): string {
  const newer = [...versions].filter(([n, v]) => v.served && !v.deprecated && lowerPriority(version, n)).map(([n]) => n);
  newer.sort((a, b) => (lowerPriority(a, b) ? 1 : lowerPriority(b, a) ? -1 : 0));
  return `${group}/${version} ${kind} is deprecated${newer.length ? `; use ${group}/${newer[0]} ${kind}` : ''}`;
}

const where = (crd: Resource) => `${crd.name} (${crd.origin.file})`;

export default defineCheck({
  id: 'custom-resource-unserved',
  pillar: 'availability',
  severity: 'error',
  title: 'Custom resource in a version or kind its CustomResourceDefinition does not serve',
  whatBreaks:
    'kubectl maps a manifest to an API endpoint through discovery: a version the CustomResourceDefinition does not serve (an old `v1alpha2` the CRD dropped, a version listed with `served: false`) or a kind it does not define (`Certficate`, `httproute`) is not there, so `kubectl apply` stops with "no matches for kind" and the object is never created; Helm and Argo CD fail the same way. A deprecated version still works, with a warning on every apply, until a release of the CRD removes it.',
  details: `Reported for objects whose group is defined by a CustomResourceDefinition in the input (apiextensions.k8s.io/v1; every copy of it counts, so a repository holding two releases of a CRD is judged by the most lenient):

- **error**: the version is not among the CRD's versions, or no copy serves it (\`served: false\`); the message names the versions that are served and the storage version;
- **error**: the kind is not defined in the group, and one kind of the group is the same but for case (\`httproute\`) or one letter (\`Certficate\`, at least 6 letters): a slip, not a kind whose CRD lives elsewhere;
- **warning**: the version is served but \`deprecated: true\`: kubectl prints the CRD's \`deprecationWarning\` on each apply, and the version goes with a later release of the CRD.

Not reported: groups without a CRD in the input (the definition may be installed by other means: an operator's chart, a platform), other kinds of a group whose CRDs are partly in the input (the Gateway API's experimental kinds beside its standard CRDs), templated values, and a live scan. The CRD's schema is not checked here.`,
  fix: {
    text: 'Write the object in a version its CRD serves (usually the storage version), after checking that its fields are the same in that version, or correct the kind.',
    yaml: `apiVersion: gateway.networking.k8s.io/v1   # not v1alpha2: the CRD in the input no longer serves it
kind: HTTPRoute
metadata:
  name: web`,
  },
  target: 'object',
  kinds: ['*'],
  metadataOnly: true,
  validation: true,
  run({ resource, index }) {
    const out: FindingInput[] = [];
    if (index.listedKinds) return out;
    const r: Resource = resource;
    const slash = r.apiVersion.indexOf('/');
    if (slash < 0 || isTemplated(r.apiVersion) || isTemplated(r.kind)) return out;
    const group = r.apiVersion.slice(0, slash);
    const version = r.apiVersion.slice(slash + 1);
    if (!group.includes('.')) return out;
    const kinds = definitions(index).get(group);
    if (!kinds) return out;
    const info = kinds.get(r.kind);
    if (!info) {
      const slip = slipOf(r.kind, [...kinds.keys()]);
      if (!slip) return out;
      const defined = kinds.get(slip)!;
      out.push({
        // kubectl finds a kind by name whatever its case, and the API server then refuses the case.
        message: `kind "${r.kind}" is not defined in ${group}; its CustomResourceDefinition in the input defines "${slip}" (${where(defined.crds[0])}): kubectl apply fails with "${slip.toLowerCase() === r.kind.toLowerCase() ? `kind: Invalid value: "${r.kind}": must be ${slip}` : `no matches for kind "${r.kind}" in version "${r.apiVersion}"`}" and the object is not created`,
        path: ['kind'],
        fix: `Write kind: ${slip} (kinds are case-sensitive).`,
        related: defined.crds.map((crd): RelatedInput => ({ resource: crd, path: ['spec', 'names', 'kind'], note: `defines ${slip}` })),
      });
      return out;
    }
    const served = [...info.versions].filter(([, v]) => v.served).map(([n]) => n);
    const storage = [...info.versions].find(([, v]) => v.storage)?.[0];
    const v = info.versions.get(version);
    const related = info.crds.map((crd): RelatedInput => ({ resource: crd, path: ['spec', 'versions'], note: `serves ${served.join(', ') || 'no version'}` }));
    const target = storage && info.versions.get(storage)?.served ? storage : served[served.length - 1];
    if (!v || !v.served) {
      if (served.length === 0) return out;
      const why = v ? `lists ${version} with served: false` : `has no version ${version}`;
      out.push({
        message: `${r.kind} in version ${version}: its CustomResourceDefinition in the input ${why} (${where(info.crds[0])} serves ${served.join(', ')}): kubectl apply fails with "no matches for kind "${r.kind}" in version "${r.apiVersion}"" and the object is not created`,
        path: ['apiVersion'],
        fix: `Write apiVersion: ${group}/${target}${target === storage ? ' (the storage version)' : ''}, after checking the object's fields against that version's schema in the CRD (fields can be renamed or moved between versions).`,
        related,
      });
      return out;
    }
    if (v.deprecated) {
      const text = v.warning ?? defaultWarning(group, version, info.kind, info.versions);
      const newer = target && target !== version ? ` Write apiVersion: ${group}/${target}, after checking the object's fields against that version's schema.` : '';
      out.push({
        message: `${r.kind} in version ${version}, which its CustomResourceDefinition in the input marks deprecated: kubectl apply warns "${text}", and a later release of the CRD can stop serving it`,
        path: ['apiVersion'],
        severity: 'warning',
        fix: `Move the object off the deprecated version before the CRD drops it.${newer}`,
        related,
      });
    }
    return out;
  },
});
