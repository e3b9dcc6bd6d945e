/** Pod ServiceAccount helpers shared by the ServiceAccount checks. */
import type { FieldPath, Resource, Workload } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { getArray, getBool, getString, isObject } from '../../model/util.js';

/** The ServiceAccount a pod runs as, and where that is written. */
export function podServiceAccount(w: Workload): { name: string; path: FieldPath; explicit: boolean } {
  const spec = w.podSpec;
  const san = getString(spec, ['serviceAccountName']);
  if (san) return { name: san, path: [...w.podSpecPath, 'serviceAccountName'], explicit: true };
  const sa = getString(spec, ['serviceAccount']);
  if (sa) return { name: sa, path: [...w.podSpecPath, 'serviceAccount'], explicit: true };
  return { name: 'default', path: [...w.podSpecPath, 'serviceAccountName'], explicit: false };
}

/**
 * Whether two objects land in the same namespace. When either manifest names no namespace it lands
 * in whatever `-n`/Helm release namespace is used at apply time, so it is taken to match.
 */
export function sameNamespace(index: ResourceIndex, a: Resource, b: Resource): boolean {
  if (a.namespace === undefined || b.namespace === undefined) return true;
  return index.namespaceOf(a) === index.namespaceOf(b);
}

/** The ServiceAccount object with this name in the workload's namespace, when it is in the input. */
export function findServiceAccount(index: ResourceIndex, w: Workload, name: string): Resource | undefined {
  const all = index.named('ServiceAccount', name).filter((r) => sameNamespace(index, r, w.resource));
  // Prefer an exact namespace match over a lenient one.
  return all.find((r) => index.namespaceOf(r) === index.namespaceOf(w.resource)) ?? all[0];
}

/** Whether the pod gets an API token: pod-level setting wins, else the ServiceAccount's, else true. */
export function tokenMounted(index: ResourceIndex, w: Workload, saName: string): boolean {
  const pod = getBool(w.podSpec, ['automountServiceAccountToken']);
  if (pod !== undefined) return pod;
  const sa = findServiceAccount(index, w, saName);
  if (sa && getBool(sa.object, ['automountServiceAccountToken']) === false) return false;
  return true;
}

/** Whether a projected volume asks for a ServiceAccount token explicitly. */
export function projectsToken(w: Workload): boolean {
  return getArray(w.podSpec, ['volumes']).some(
    (v) => isObject(v) && getArray(v, ['projected', 'sources']).some((s) => isObject(s) && isObject(s.serviceAccountToken)),
  );
}

/**
 * RoleBindings / ClusterRoleBindings in the input whose subjects include this ServiceAccount.
 * `namespace` undefined (the workload names none) matches any subject namespace.
 */
export function bindingsFor(index: ResourceIndex, namespace: string | undefined, name: string): Resource[] {
  return index.memo(`rbac:bindings:${namespace ?? ''}\0${name}`, () => computeBindingsFor(index, namespace, name));
}

function computeBindingsFor(index: ResourceIndex, namespace: string | undefined, name: string): Resource[] {
  const out: Resource[] = [];
  for (const b of index.bindingsNamingServiceAccount(name)) {
    const hit = getArray(b.object, ['subjects']).some((s) => {
      if (!isObject(s) || s.kind !== 'ServiceAccount' || s.name !== name) return false;
      // A RoleBinding's ServiceAccount subject defaults to the binding's namespace.
      const sns = typeof s.namespace === 'string' && s.namespace ? s.namespace : b.kind === 'RoleBinding' ? b.namespace : undefined;
      return namespace === undefined || sns === undefined || sns === namespace;
    });
    if (hit) out.push(b);
  }
  return out;
}
