import { defineCheck, type FindingInput, type Workload } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { didYouMean, isObject, isTemplated, nearNames } from '../../model/util.js';
import { stringListParam } from '../availability/util.js';
import { allowedVerbs, CLUSTER, podServiceAccount, rbacGraph, RBAC_KINDS, sameNamespace } from '../../model/rbac.js';

/** A DNS-1123 subdomain, what the API server requires of serviceAccountName (apimachinery ValidateServiceAccountName). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Per namespace, the workloads of the input there whose ServiceAccount may create ServiceAccounts
 * in it (RBAC of the input: a Role there, or a ClusterRole bound cluster-wide): an operator or a
 * set-up Job that creates the identities its pods run as. Controllers elsewhere with cluster-wide
 * rights (GitOps agents, installers) do not count: they could explain any ServiceAccount.
 */
function serviceAccountCreators(index: ResourceIndex): Map<string, Workload[]> {
  return index.memo('rbac:serviceaccount-creators', () => {
    const m = new Map<string, Workload[]>();
    const graph = rbacGraph(index);
    for (const w of index.workloads) {
      const sa = podServiceAccount(w).name;
      if (isTemplated(sa)) continue;
      const ns = index.namespaceOf(w.resource);
      const grants = graph.permissionsOf(ns, sa);
      if (!grants.some((g) => (g.scope === ns || g.scope === CLUSTER) && g.rule.resourceNames.length === 0 && allowedVerbs(g.rule, '', 'serviceaccounts', ['create']).length > 0)) continue;
      const l = m.get(ns);
      if (l) l.push(w);
      else m.set(ns, [w]);
    }
    return m;
  });
}

/** What happens to the pods, by kind. */
function consequence(r: Resource, ns: string, sa: string): string {
  const err = `error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`;
  const live = isObject(r.object.status);
  switch (r.kind) {
    case 'Pod':
      return live
        ? `the pod was admitted before the ServiceAccount went away, but it cannot be created again (${err})`
        : `the API server rejects the Pod (pods "${r.name}" is forbidden: ${err})`;
    case 'Deployment':
      return `the Deployment is accepted, but its ReplicaSet cannot create any pod (FailedCreate: ${err})${live ? '; running pods keep running' : ''}`;
    case 'CronJob':
      return `the CronJob creates its Jobs, but none of them can create a pod (FailedCreate: ${err})`;
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return `the ${r.kind} is accepted, but it cannot create any pod (FailedCreate: ${err})${live ? '; running pods keep running' : ''}`;
    default:
      return `every pod created from this template is rejected (${err})`;
  }
}

export default defineCheck<{ assumePresent: string[] }>({
  id: 'service-account-missing',
  pillar: 'rbac',
  severity: 'error',
  title: 'Pod template names a ServiceAccount that does not exist',
  whatBreaks:
    'The ServiceAccount admission plugin rejects every pod whose ServiceAccount does not exist in its namespace: a Deployment, StatefulSet, DaemonSet or Job is accepted, but it never creates a pod (FailedCreate events), and a bare Pod is refused outright.',
  details: `Reads the pod template's \`serviceAccountName\`, or the deprecated \`serviceAccount\` when \`serviceAccountName\` is unset (the API server copies one to the other: pkg/apis/core/v1/defaults.go, SetDefaults_PodSpec). On pod creation the ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go) looks the ServiceAccount up in the pod's namespace and rejects the pod with "error looking up service account <ns>/<name>: serviceaccount "<name>" not found" when it does not exist. The workload itself is accepted: its controller keeps failing to create pods and records FailedCreate events (for a Deployment, on its ReplicaSet), so \`kubectl apply\` succeeds and the rollout never progresses.

Reported as *unknown* unless the input is declared complete for the namespace (\`--complete\`): the ServiceAccount may come from another repository, a Helm release or an operator. When a ServiceAccount of the same namespace in the input differs by one or two characters (or only in case), the message lists the namespace's ServiceAccounts and the likely intended one.

Not reported: \`default\` (the ServiceAccount controller creates it in every namespace) and the names in \`assumePresent\`; templated names; a ServiceAccount of that name in the workload's namespace, or, for a manifest without a namespace (a kustomize base, a chart applied with \`-n\`), in any namespace or none.

A ServiceAccount that is not in the input while another workload of the input in the same namespace may create ServiceAccounts there (its ServiceAccount's RBAC in the input grants \`create\` on \`serviceaccounts\` in that namespace or cluster-wide) is reported as **info** naming that workload: an operator or set-up Job may create it at run time, and until it does the pods are rejected. Controllers in other namespaces with cluster-wide rights do not count.`,
  fix: {
    text: 'Create the ServiceAccount in the workload\'s namespace (with the workload\'s manifests), or fix the name in serviceAccountName.',
    yaml: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: shop
automountServiceAccountToken: false`,
  },
  params: {
    assumePresent: {
      type: 'string[]',
      default: ['default'],
      description: 'ServiceAccount names treated as present in every namespace (created by the cluster or the platform, such as OpenShift\'s builder and deployer).',
    },
  },
  uses: RBAC_KINDS,
  target: 'workload',
  run({ workload: w, resource, index, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const sa = podServiceAccount(w);
    if (!sa.explicit || sa.name === 'default' || isTemplated(sa.name)) return out;
    // An operator that creates the ServiceAccount itself (CloudNativePG's Pooler).
    if (w.serviceAccountBy) return out;
    // Not a valid name (a placeholder such as <KSA_NAME>): the API server rejects the workload itself.
    if (sa.name.length > 253 || !DNS_SUBDOMAIN.test(sa.name)) return out;
    if (stringListParam(params.assumePresent, ['default']).includes(sa.name)) return out;
    // Present: in the namespace, or anywhere for a namespace-less manifest (sameNamespace is lenient
    // when either side names no namespace: it lands wherever -n says).
    if (index.named('ServiceAccount', sa.name).some((r) => sameNamespace(index, r, resource))) return out;

    const ns = index.namespaceOf(resource);
    const field = sa.path[sa.path.length - 1] === 'serviceAccount' ? 'serviceAccount (deprecated)' : 'serviceAccountName';
    const what = `${field} "${sa.name}"`;
    const effect = consequence(resource, ns, sa.name);

    // Another workload of the namespace that may create it at run time.
    const creator = resource.namespace !== undefined
      ? serviceAccountCreators(index).get(ns)?.find((c) => c !== w && (c.resource.namespace !== undefined || c.resource.origin.file === resource.origin.file))
      : undefined;
    if (creator) {
      out.push({
        message: `${what} is not in namespace "${ns}" in the input, and ${creator.resource.kind} "${creator.resource.name}"'s ServiceAccount may create ServiceAccounts there: if it creates this one at run time, pods start once it exists; until then ${effect}`,
        path: sa.path,
        severity: 'info',
        related: [{ resource: creator.resource, path: podServiceAccount(creator).path, note: 'may create ServiceAccounts' }],
      });
      return out;
    }

    // A near miss among the ServiceAccounts deployed with it.
    // The namespace's names, once per namespace (and folder, for namespace-less manifests).
    const have = index.memo(`rbac:sa-names\0${index.scopeKey(resource)}`, () =>
      [...new Set(index.inNamespace('ServiceAccount', ns).filter((r) => index.sameScope(r, resource) && !isTemplated(r.name)).map((r) => r.name))].sort(),
    );
    const near = nearNames(sa.name, have);
    const list = have.slice(0, 8).map((n) => `"${n}"`).join(', ') + (have.length > 8 ? ', ...' : '');
    const hint = near.length > 0 ? ` (it has ${list}; ${didYouMean(near)})` : '';
    out.push({
      message: `${what} names no ServiceAccount of namespace "${ns}" in the input${hint}: if it does not exist in the cluster either, ${effect}`,
      path: sa.path,
      unknown: `no ServiceAccount "${sa.name}" in namespace ${ns}`,
      knownMessage: `${what} names no ServiceAccount of namespace "${ns}" ${sourceWhere(index)}${hint}: ${effect}`,
      related: near.length > 0 ? index.inNamespace('ServiceAccount', ns).filter((r) => r.name === near[0] && index.sameScope(r, resource)).slice(0, 1).map((r) => ({ resource: r, path: ['metadata', 'name'], note: 'similar name' })) : [],
    });
    return out;
  },
});
