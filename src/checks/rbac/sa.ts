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
