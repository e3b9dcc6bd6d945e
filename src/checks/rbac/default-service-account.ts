import { yamlScalar } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import { podServiceAccount, projectsToken, tokenMounted } from './sa.js';

export default defineCheck({
  id: 'default-service-account',
  pillar: 'rbac',
  severity: 'error',
  title: 'Pod runs as the namespace\'s default ServiceAccount',
  whatBreaks:
    'Every pod that names no ServiceAccount runs as "default", so all apps in the namespace share one API identity: any Role bound to "default" for one app is granted to every app there, and a token stolen from any of them carries it.',
  details: `Kubernetes sets \`serviceAccountName: default\` on pods that name none (\`serviceAccount\` is the deprecated alias of the same field). The \`default\` ServiceAccount exists in every namespace and is shared by everything that does not opt out, so least privilege per app is impossible: you cannot grant one app a permission without granting it to all the others, and audit logs cannot tell them apart. Cloud workload identity (an IAM role annotated on the ServiceAccount) has the same problem.

Give each app its own ServiceAccount, even one with no RBAC at all. When the pod does not mount an API token (\`automountServiceAccountToken: false\` on the pod, or on the \`default\` ServiceAccount in the input) and projects none, the shared identity is unused and the finding is reported at info.`,
  fix: {
    text: 'Create a ServiceAccount per app and set serviceAccountName in the pod spec to it.',
    yaml: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
automountServiceAccountToken: false
---
# in the workload
spec:
  template:
    spec:
      serviceAccountName: web`,
    place: { at: 'pod-spec', snippet: 'serviceAccountName: web   # a ServiceAccount of its own' },
  },
  uses: ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding'],
  target: 'workload',
  run({ workload, index }) {
    const w = workload!;
    // The operator runs the pods as a ServiceAccount of its own (CloudNativePG's Pooler, KubeRay's autoscaling head).
    if (w.serviceAccountBy) return [];
    const sa = podServiceAccount(w);
    if (sa.name !== 'default') return [];
    const how = sa.explicit ? `sets ${sa.path[sa.path.length - 1]}: default` : 'names no serviceAccountName, so it runs as "default"';
    const unused = !tokenMounted(index, w, 'default') && !projectsToken(w);
    const f = sa.path;
    const name = yamlScalar(w.resource.name);
    const fixSnippet = `serviceAccountName: ${name}   # its own: kubectl create serviceaccount ${w.resource.name}${index.kubectlNamespace(w.resource)}`;
    const finding: FindingInput = unused
      ? {
          message: `pod ${how}; no API token is mounted, so the shared identity is not used today, but anything granted to "default" later reaches every pod in the namespace`,
          path: f,
          severity: 'info',
          fixSnippet,
        }
      : {
          message: `pod ${how}: it shares one API identity with every other pod in the namespace that names none, so RBAC granted to "default" for any of them is granted to all`,
          path: f,
          fixSnippet,
        };
    return [finding];
  },
});
