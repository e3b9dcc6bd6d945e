/** Volume lookups shared by the storage checks. */
import type { JsonObject, Workload } from '../types.js';
import { getArray, getString, isObject } from '../../model/util.js';

/** Volume sources whose data is deleted with the pod (or is read-only API data). */
export const POD_LIFETIME_SOURCES = new Set(['emptyDir', 'ephemeral', 'configMap', 'secret', 'downwardAPI', 'projected', 'image', 'gitRepo']);

/** The pod's volumes by name. */
export function volumesByName(w: Workload): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const v of getArray(w.podSpec, ['volumes'])) {
    if (!isObject(v)) continue;
    const name = getString(v, ['name']);
    if (name) out.set(name, v);
  }
  return out;
}

/** The source key of a volume (emptyDir, persistentVolumeClaim, hostPath, ...); emptyDir when it has none. */
export function volumeSource(v: JsonObject): string {
  // A volume with no source is an emptyDir: the API server defaults it (core/v1 SetDefaults_Volume).
  return Object.keys(v).find((k) => k !== 'name') ?? 'emptyDir';
}

/** Names of the StatefulSet-style volumeClaimTemplates of the resource (any kind that has them). */
export function claimTemplateNames(w: Workload): Set<string> {
  const out = new Set<string>();
  const parent = w.podSpecPath.slice(0, -2);
  for (const t of getArray(w.resource.object, [...parent, 'volumeClaimTemplates'])) {
    const name = getString(t, ['metadata', 'name']);
    if (name) out.add(name);
  }
  return out;
}

export interface Mount {
  index: number;
  name: string;
  mountPath: string | undefined;
  readOnly: boolean;
}

export function mountsOf(container: JsonObject): Mount[] {
  const out: Mount[] = [];
  getArray(container, ['volumeMounts']).forEach((m, index) => {
    if (!isObject(m)) return;
    const name = getString(m, ['name']);
    if (!name) return;
    out.push({ index, name, mountPath: getString(m, ['mountPath']), readOnly: m.readOnly === true });
  });
  return out;
}
