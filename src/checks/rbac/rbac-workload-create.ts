import { defineCheck, type FindingInput } from '../types.js';
import { grantedVerbs, grantedVerbsText, groupMatches, namedResourceIndex, quoteList, resourcePath, roleRules } from './rules.js';

/** Resources whose create (or update of the pod template) runs a pod of the caller's choosing. */
const TARGETS: { groups: string[]; resource: string; verbs: string[] }[] = [
  { groups: [''], resource: 'pods', verbs: ['create'] },
  { groups: [''], resource: 'replicationcontrollers', verbs: ['create', 'update', 'patch'] },
  { groups: ['apps', 'extensions'], resource: 'deployments', verbs: ['create', 'update', 'patch'] },
  { groups: ['apps', 'extensions'], resource: 'daemonsets', verbs: ['create', 'update', 'patch'] },
  { groups: ['apps', 'extensions'], resource: 'replicasets', verbs: ['create', 'update', 'patch'] },
  { groups: ['apps'], resource: 'statefulsets', verbs: ['create', 'update', 'patch'] },
  { groups: ['batch'], resource: 'jobs', verbs: ['create'] },
  { groups: ['batch'], resource: 'cronjobs', verbs: ['create', 'update', 'patch'] },
];

export default defineCheck({
  id: 'rbac-workload-create',
  pillar: 'rbac',
  severity: 'warning',
  title: 'Role can create pods or workloads',
  whatBreaks:
    'Creating a pod (directly or through a Deployment, Job, DaemonSet...) lets the holder pick the pod\'s ServiceAccount, image and command: it can run anything as any ServiceAccount in the namespace and mount any Secret there, so it effectively holds all of their permissions.',
  details: `Pods can name any ServiceAccount in their namespace and mount any Secret or ConfigMap there; nothing checks that the creator could use them itself. So \`create pods\`, \`create jobs\`, and \`create\`/\`update\`/\`patch\` on Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers and CronJobs are worth the sum of every ServiceAccount and Secret in the namespace, and where Pod Security admission allows privileged pods, the node. \`update\`/\`patch\` on \`pods\` (without \`create\`) is reported too: a running pod's ServiceAccount and volumes cannot change, but its image can, so the holder runs its own code as the ServiceAccount of any pod it can patch, with the Secrets that pod mounts.

Severity: **warning** on a ClusterRole (every namespace it is bound for, kube-system included with a ClusterRoleBinding), **info** on a Role (the namespace's deploy permission: expected for CD tools, worth knowing for apps).

Rules restricted by \`resourceNames\` grant no \`create\` (RBAC cannot limit \`create\` by name), but \`update\`/\`patch\` of the named Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers or CronJobs still lets the holder rewrite their pod template (ServiceAccount, image, Secret volumes): such rules are reported at **info**, naming the objects. Rules with \`resources: ["*"]\` are reported by rbac-wildcard. Deployment tools (Argo CD, Flux, CI deployers) and operators need this: scope them to the namespaces they manage, enforce Pod Security \`restricted\` there, and exempt them with a reason.`,
  fix: {
    text: 'Grant workload create/update only to the deployer (bound per namespace with RoleBindings, not a ClusterRoleBinding), and enforce Pod Security "restricted" in those namespaces.',
    yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: web
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch", "update", "patch"]`,
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole'],
  run({ resource }) {
    const out: FindingInput[] = [];
    const cluster = resource.kind === 'ClusterRole';
    for (const rule of roleRules(resource)) {
      // RBAC cannot limit create by name, so a named rule grants none; update and patch of the
      // named workloads still rewrite their pod template (ServiceAccount, image, Secret volumes).
      const named = rule.resourceNames.length > 0;
      const hits: { i: number; verbs: string[] }[] = [];
      for (const t of TARGETS) {
        if (!t.groups.some((g) => groupMatches(rule, g))) continue;
        const i = namedResourceIndex(rule, t.resource);
        if (i < 0) continue;
        const verbs = grantedVerbs(rule, named ? t.verbs.filter((v) => v !== 'create') : t.verbs);
        if (verbs.length > 0) hits.push({ i, verbs });
      }
      // update/patch of pods: a running pod's image is mutable (its ServiceAccount and volumes are
      // not), so the holder swaps in its own image and runs it as that pod's ServiceAccount.
      const podsAt = groupMatches(rule, '') ? namedResourceIndex(rule, 'pods') : -1;
      const podUpdate = podsAt >= 0 && !hits.some((h) => h.i === podsAt) ? grantedVerbs(rule, ['update', 'patch']) : [];
      if (hits.length === 0) {
        if (podUpdate.length === 0) continue;
        out.push({
          message: named
            ? `rules[${rule.index}] grants ${grantedVerbsText(rule, podUpdate)} on pods ${quoteList(rule.resourceNames)}: it can replace the image of those pods (a pod's image is mutable) and run its own code as their ServiceAccount, with the Secrets they mount`
            : `rules[${rule.index}] grants ${grantedVerbsText(rule, podUpdate)} on pods: it can replace the image of any running pod ${cluster ? 'in every namespace it is bound for' : 'in its namespace'} (a pod's image is mutable) and run its own code as that pod's ServiceAccount, with the Secrets it mounts`,
          path: resourcePath(rule, podsAt),
          ...(cluster && !named ? {} : { severity: 'info' as const }),
        });
        continue;
      }
      if (podUpdate.length > 0) hits.push({ i: podsAt, verbs: podUpdate });
      const what = hits.map((h) => `${grantedVerbsText(rule, h.verbs)} on ${rule.resources[h.i]}`).join(', ');
      out.push({
        message: named
          ? `rules[${rule.index}] grants ${what} ${quoteList(rule.resourceNames)}: it can rewrite their pod template and run any image as any ServiceAccount ${cluster ? 'of the namespaces it is bound for' : 'of its namespace'}, mounting any Secret there`
          : `rules[${rule.index}] grants ${what}: it can run any image as any ServiceAccount ${cluster ? 'in every namespace it is bound for' : 'in its namespace'} and mount any Secret there`,
        path: resourcePath(rule, hits[0].i),
        ...(cluster && !named ? {} : { severity: 'info' as const }),
      });
    }
    return out;
  },
});
