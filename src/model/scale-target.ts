/**
 * What an autoscaler's `spec.scaleTargetRef` names. The HPA controller (reconcileAutoscaler) parses
 * `apiVersion` for its group only, maps group + kind to the group's preferred version and reads the
 * scale subresource there; an empty `apiVersion` is the core group (validation refuses that for every
 * kind but ReplicationController since Kubernetes 1.37; older API servers accept it).
 */
import type { Resource } from './types.js';
import { getString, isTemplated } from './util.js';

/** The API group of an apiVersion: "apps/v1" -> "apps", "v1" and "" -> "" (core). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** Built-in kinds with a scale subresource, by the group that serves them. */
const BUILTIN_SCALABLE: Record<string, string> = { Deployment: 'apps', StatefulSet: 'apps', ReplicaSet: 'apps', ReplicationController: '' };

export interface ScaleTargetRef {
  kind: string;
  name: string;
  /** As written; undefined when unset. */
  apiVersion: string | undefined;
  /** The group the controller looks in; null when apiVersion is templated (unknown). */
  group: string | null;
}

export function scaleTargetRef(hpa: Resource): ScaleTargetRef | null {
  const kind = getString(hpa.object, ['spec', 'scaleTargetRef', 'kind']);
  const name = getString(hpa.object, ['spec', 'scaleTargetRef', 'name']);
  if (!kind || !name) return null;
  const apiVersion = getString(hpa.object, ['spec', 'scaleTargetRef', 'apiVersion']);
  return { kind, name, apiVersion, group: apiVersion !== undefined && isTemplated(apiVersion) ? null : groupOf(apiVersion ?? '') };
}

/**
 * Why the controller cannot find the kind in the group the reference names, known from the reference
 * alone: a built-in scalable kind in another group than its own, or any other kind in the core group
 * (which serves no custom kinds and, of the scalable ones, only ReplicationController). Null otherwise.
 */
export function scaleTargetGroupProblem(ref: ScaleTargetRef): { want: string | null; message: string } | null {
  if (ref.group === null || isTemplated(ref.kind)) return null;
  const want = BUILTIN_SCALABLE[ref.kind];
  if (want !== undefined ? ref.group === want : ref.group !== '') return null;
  const where = ref.group === '' ? 'the core group ("")' : `group "${ref.group}"`;
  const looks = `kind ${ref.kind} in ${where}, which has no such kind`;
  return {
    want: want === undefined ? null : want === '' ? 'v1' : `${want}/v1`,
    message:
      ref.apiVersion === undefined
        ? `scaleTargetRef has no apiVersion, so the HPA controller looks for ${looks}`
        : `scaleTargetRef.apiVersion "${ref.apiVersion}" makes the HPA controller look for ${looks}`,
  };
}

/** Whether `r` is what the reference names: kind, name and group (the version does not matter). */
export function refersTo(ref: ScaleTargetRef, r: Resource): boolean {
  return r.kind === ref.kind && r.name === ref.name && (ref.group === null || ref.group === groupOf(r.apiVersion));
}
