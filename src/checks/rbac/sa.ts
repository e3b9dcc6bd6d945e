/** Pod ServiceAccount helpers shared by the ServiceAccount checks (the model holds the shared ones). */
import type { Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { getArray, isObject } from '../../model/util.js';

export { findServiceAccount, podServiceAccount, projectsApiToken, projectsToken, sameNamespace, tokenMounted } from '../../model/rbac.js';

/**
 * RoleBindings / ClusterRoleBindings in the input whose subjects include this ServiceAccount by a
 * `kind: ServiceAccount` subject. `namespace` undefined (the workload names none) matches any
 * subject namespace: lenient, for findings that a binding can only silence.
 */
export function bindingsFor(index: ResourceIndex, namespace: string | undefined, name: string): Resource[] {
  return index.memo(`rbac:bindings:${namespace ?? ''}\0${name}`, () => computeBindingsFor(index, namespace, name));
}

/**
 * The bindings naming ServiceAccount `name`, grouped by the namespace of the matching subject
 * (undefined: a subject with no namespace, which matches any), each group in input order. One pass
 * over the bindings of a name, instead of one per workload: a name like "default" is bound in
 * hundreds of namespaces.
 */
function bySubjectNamespace(index: ResourceIndex, name: string): { all: Resource[]; byNs: Map<string | undefined, number[]> } {
  return index.memo(`rbac:bindings-by-ns\0${name}`, () => {
    const all = index.bindingsNamingServiceAccount(name);
    const byNs = new Map<string | undefined, number[]>();
    all.forEach((b, i) => {
      const seen = new Set<string | undefined>();
      for (const s of getArray(b.object, ['subjects'])) {
        if (!isObject(s) || s.kind !== 'ServiceAccount' || s.name !== name) continue;
        // A RoleBinding's ServiceAccount subject defaults to the binding's namespace.
        const sns = typeof s.namespace === 'string' && s.namespace ? s.namespace : b.kind === 'RoleBinding' ? b.namespace : undefined;
        if (seen.has(sns)) continue;
        seen.add(sns);
        let l = byNs.get(sns);
        if (!l) byNs.set(sns, (l = []));
        l.push(i);
      }
    });
    return { all, byNs };
  });
}

function computeBindingsFor(index: ResourceIndex, namespace: string | undefined, name: string): Resource[] {
  const { all, byNs } = bySubjectNamespace(index, name);
  let hits: number[];
  if (namespace === undefined) hits = [...new Set([...byNs.values()].flat())];
  else hits = [...new Set([...(byNs.get(namespace) ?? []), ...(byNs.get(undefined) ?? [])])];
  return hits.sort((a, b) => a - b).map((i) => all[i]);
}
