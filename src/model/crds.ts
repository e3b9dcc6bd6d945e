/**
 * The input's CustomResourceDefinitions (apiextensions.k8s.io/v1) by group and kind: which versions
 * each serves, and each version's schema as the loader keeps it (sources/resources.ts: the keywords
 * validation reads, no descriptions). Every copy of a CRD in the input counts.
 */
import type { ResourceIndex } from './index.js';
import type { JsonObject, Resource } from './types.js';
import { getString, isObject, isTemplated } from './util.js';

export interface CrdVersionInfo {
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  warning: string | null;
}

export interface CrdSchema {
  crd: Resource;
  /** The version's openAPIV3Schema. */
  schema: JsonObject;
  /** The version has a status subresource: `status` is reset on create, not validated. */
  status: boolean;
}

export interface CrdKindInfo {
  kind: string;
  crds: Resource[];
  /** Every version any copy of its definition lists; served if any copy serves it. */
  versions: Map<string, CrdVersionInfo>;
  /** Each version's schemas, one per copy that has one. */
  schemas: Map<string, CrdSchema[]>;
}

/** The input's v1 CustomResourceDefinitions by group, then kind. */
export function crdDefinitions(index: ResourceIndex): Map<string, Map<string, CrdKindInfo>> {
  return index.memo('crd-kinds', () => {
    const out = new Map<string, Map<string, CrdKindInfo>>();
    for (const crd of index.ofKind('CustomResourceDefinition')) {
      if (crd.apiVersion !== 'apiextensions.k8s.io/v1') continue;
      const spec = crd.object.spec;
      if (!isObject(spec) || !isObject(spec.names) || !Array.isArray(spec.versions)) continue;
      const group = getString(spec, ['group']);
      const kind = getString(spec.names, ['kind']);
      if (!group || !kind || isTemplated(group) || isTemplated(kind)) continue;
      let kinds = out.get(group);
      if (!kinds) out.set(group, (kinds = new Map()));
      let info = kinds.get(kind);
      if (!info) kinds.set(kind, (info = { kind, crds: [], versions: new Map(), schemas: new Map() }));
      info.crds.push(crd);
      for (const v of spec.versions) {
        if (!isObject(v) || typeof v.name !== 'string' || isTemplated(v.name)) continue;
        const seen = info.versions.get(v.name);
        const now: CrdVersionInfo = { served: v.served === true, storage: v.storage === true, deprecated: v.deprecated === true, warning: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : null };
        info.versions.set(v.name, seen ? { served: seen.served || now.served, storage: seen.storage || now.storage, deprecated: seen.deprecated && now.deprecated, warning: seen.warning ?? now.warning } : now);
        const schema = isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : null;
        if (schema && v.served === true) {
          let list = info.schemas.get(v.name);
          if (!list) info.schemas.set(v.name, (list = []));
          list.push({ crd, schema, status: isObject(v.subresources) && v.subresources.status !== undefined && v.subresources.status !== null });
        }
      }
    }
    return out;
  });
}
