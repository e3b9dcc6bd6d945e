import { defineCheck, type RelatedInput } from '../types.js';
import { closeFolders, dirOf, getArray, getBool, isObject, isTemplated } from '../../model/util.js';
import type { Resource, Workload } from '../../model/types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import { rbacGraph, RBAC_KINDS } from '../../model/rbac.js';
import { bindingsFor, findServiceAccount, podServiceAccount } from './sa.js';

/**
 * ServiceAccount subjects with a templated name in the input's bindings, with the namespace they name
 * (undefined when it is templated too or absent): `${SERVICE_ACCOUNT_NAME:-default}` may be any
 * ServiceAccount of that namespace.
 */
function templatedSubjects(index: ResourceIndex): { binding: Resource; ns: string | undefined }[] {
  return index.memo('rbac:templated-sa-subjects', () => {
    const out: { binding: Resource; ns: string | undefined }[] = [];
    for (const b of [...index.ofKind('RoleBinding'), ...index.ofKind('ClusterRoleBinding')]) {
      for (const x of getArray(b.object, ['subjects'])) {
        if (!isObject(x) || x.kind !== 'ServiceAccount' || typeof x.name !== 'string' || !isTemplated(x.name)) continue;
        const ns = typeof x.namespace === 'string' && x.namespace ? x.namespace : b.kind === 'RoleBinding' ? b.namespace : undefined;
        out.push({ binding: b, ns: ns === undefined || isTemplated(ns) ? undefined : ns });
      }
    }
    return out;
  });
}

/** Whether a templated subject may name this workload's ServiceAccount: its namespace, or (none readable) its folder. */
function mayNameIt(t: { binding: Resource; ns: string | undefined }, w: Workload, index: ResourceIndex): boolean {
  if (t.ns !== undefined && w.resource.namespace !== undefined) return t.ns === index.namespaceOf(w.resource);
  return dirOf(t.binding.origin.file) === dirOf(w.resource.origin.file);
}

export default defineCheck({
  id: 'service-account-token-automount',
  pillar: 'rbac',
  severity: 'warning',
  title: 'ServiceAccount token mounted into a pod that may not need it',
  whatBreaks:
    'Anyone who gets code execution or a file read in the app (an RCE, a path traversal) can call the Kubernetes API as the app, with whatever RBAC its ServiceAccount has: every container gets a live API token at /var/run/secrets/kubernetes.io/serviceaccount/token.',
  details: `The token is mounted unless \`automountServiceAccountToken: false\` is set on the pod or on its ServiceAccount; the pod-level field wins when both are set. Most apps never call the Kubernetes API, so for them the token is pure attack surface.

This check stays silent when:
- the pod sets \`automountServiceAccountToken\` explicitly (\`false\`, or \`true\` as a deliberate opt-in);
- the pod's ServiceAccount is in the input, in the same namespace (or either names none), with \`automountServiceAccountToken: false\`;
- a RoleBinding or ClusterRoleBinding in the input grants a role to the pod's ServiceAccount (by a \`ServiceAccount\` subject) that has rules, or whose rules are not known (a role that is not in the input, a built-in or aggregated ClusterRole): the app calls the API and needs its token. For a workload that names no namespace (and no \`-n\` says where it goes), only bindings of its own project tree count (the same folder, a sibling, a parent or a child): another example's binding of its own \`default\` ServiceAccount says nothing about this one.

When the only bindings of the ServiceAccount bind roles with an empty \`rules: []\` (or a ClusterRoleBinding referencing a Role, which the API server rejects), the token grants the app nothing and the message says so. When no binding in the input names the ServiceAccount, the message says that none is in the input, not that it has no permissions: its roles may be granted from another repository. A binding to the group of every ServiceAccount of the workload's namespace (\`system:serviceaccounts:<namespace>\`) counts as a binding of its ServiceAccount: it is a deliberate grant the app may use. Permissions that reach every ServiceAccount of the cluster through groups (\`system:serviceaccounts\`, \`system:authenticated\`) are no sign that the app uses the API; workload-rbac-blast-radius reports them when they are risky.

Apps that talk to the API (operators, controllers, CI runners, service-discovery clients) need the token: set \`automountServiceAccountToken: true\` on the pod to say so, or exempt them. Apps that need a token only for one audience can set the field to false and mount a short-lived token with a \`projected\` \`serviceAccountToken\` volume instead.`,
  fix: {
    text: 'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount) unless the app calls the Kubernetes API.',
    yaml: `spec:
  template:
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false`,
    place: { at: 'pod-spec', snippet: 'automountServiceAccountToken: false' },
  },
  uses: RBAC_KINDS,
  target: 'workload',
  run({ workload, index }) {
    const w = workload!;
    if (getBool(w.podSpec, ['automountServiceAccountToken']) !== undefined) return [];
    // The operator that sets the ServiceAccount binds it to the roles its pods use (CloudNativePG's Pooler).
    if (w.serviceAccountBy) return [];
    const sa = podServiceAccount(w);
    const saObj = findServiceAccount(index, w, sa.name);
    if (saObj && getBool(saObj.object, ['automountServiceAccountToken']) === false) return [];
    const where = saObj
      ? `and ServiceAccount "${sa.name}" does not set it to false`
      : `and ServiceAccount "${sa.name}" is not in the input with it set to false`;
    const path = [...w.podSpecPath, 'automountServiceAccountToken'];
    const graph = rbacGraph(index);
    // A binding to the group of every ServiceAccount of the namespace (system:serviceaccounts:<ns>) is a
    // deliberate grant to this one too: the app may well use it.
    const groups = w.resource.namespace === undefined ? [] : graph.namespaceGroupBindings(index.namespaceOf(w.resource));
    let named = bindingsFor(index, w.resource.namespace === undefined ? undefined : index.namespaceOf(w.resource), sa.name);
    // A namespace-less workload lands where kubectl's context says: a binding of another project tree
    // (another example or repository that binds its own "default") says nothing about this one.
    const before = named.length;
    if (w.resource.namespace === undefined && !index.namespaceLessPlaced()) named = named.filter((b) => closeFolders(b.origin.file, w.resource.origin.file));
    const elsewhere = before - named.length;
    const bindings = [...named, ...groups];
    if (bindings.length === 0) {
      // A binding of the input to a templated ServiceAccount (`${SERVICE_ACCOUNT_NAME:-default}`) may be this one.
      const here = index.namespaceOf(w.resource);
      if (templatedSubjects(index).some((t) => mayNameIt(t, w, index))) return [];
      const inInput = elsewhere
        ? `of its folder tree names it (the ${elsewhere === 1 ? 'binding' : `${elsewhere} bindings`} of "${sa.name}" in other folders of the input, namespace-less too, ${elsewhere === 1 ? 'belongs' : 'belong'} to other manifests)`
        : 'in the input names it';
      const message = `pod does not set automountServiceAccountToken ${where}: every container gets an API token for "${sa.name}"; no RoleBinding or ClusterRoleBinding ${inInput}, so unless it is granted roles elsewhere, set automountServiceAccountToken: false`;
      // Complete input (or a live scan that listed the bindings): nothing grants this account anything of its own.
      const completeMessage = `pod does not set automountServiceAccountToken ${where}: every container gets an API token for "${sa.name}", and no RoleBinding or ClusterRoleBinding ${sourceWhere(index)} names it, so the token grants nothing beyond what every authenticated account may do (API discovery): set automountServiceAccountToken: false`;
      // A ServiceAccount of its own that is not in the input: its bindings most likely live where it does,
      // and an app with an identity of its own usually calls the API (a controller, an exporter).
      if (sa.explicit && sa.name !== 'default' && !saObj) {
        return [{ message, path, unknown: `ServiceAccount "${sa.name}" is not in the input, nor anything binding it`, unknownIn: here, knownMessage: completeMessage }];
      }
      return [{ message, path, completeMessage }];
    }
    // Bound, but to roles that grant nothing: the token serves no one but an attacker.
    const resolved = bindings.map((b) => ({ b, r: graph.resolveRoleRef(b) }));
    // An explicit `rules: []` only: a Role without the field is more likely a partial patch than an empty role.
    const empty = resolved.every(({ b, r }) => (r.status === 'invalid' && b.kind === 'ClusterRoleBinding' && r.kind === 'Role') || (r.status === 'found' && r.complete && r.rules.length === 0 && Array.isArray(r.role?.object.rules)));
    if (!empty) return [];
    const related: RelatedInput[] = [];
    for (const { b, r } of resolved) {
      related.push({ resource: b, path: ['roleRef'], note: `binds ${r.kind} "${r.name}" to ${groups.includes(b) ? `every ServiceAccount of namespace "${index.namespaceOf(w.resource)}"` : `"${sa.name}"`}` });
      if (r.role) related.push({ resource: r.role, path: ['rules'], note: 'has no rules' });
    }
    const what = resolved.map(({ b, r }) => `${b.kind} "${b.name}" -> ${r.kind} "${r.name}"${r.status === 'invalid' ? ` (${r.reason})` : ' (no rules)'}`).join(', ');
    return [
      {
        message: `pod does not set automountServiceAccountToken ${where}: every container gets an API token for "${sa.name}", whose only ${bindings.length > 1 ? 'bindings grant' : 'binding grants'} nothing (${what}); the token is of no use to the app, set automountServiceAccountToken: false`,
        path,
        related,
      },
    ];
  },
});
