import { defineCheck } from '../types.js';
import { getBool } from '../../model/util.js';
import { bindingsFor, findServiceAccount, podServiceAccount } from './sa.js';

export default defineCheck({
  id: 'service-account-token-automount',
  pillar: 'rbac',
  severity: 'warning',
  title: 'ServiceAccount token mounted into a pod that may not need it',
  whatBreaks:
    'Every container gets a live API token at /var/run/secrets/kubernetes.io/serviceaccount/token. Anyone who gets code execution or a file read in the app (an RCE, a path traversal) can call the Kubernetes API as the app with whatever RBAC its ServiceAccount has.',
  details: `The token is mounted unless \`automountServiceAccountToken: false\` is set on the pod or on its ServiceAccount; the pod-level field wins when both are set. Most apps never call the Kubernetes API, so for them the token is pure attack surface.

This check stays silent when:
- the pod sets \`automountServiceAccountToken\` explicitly (\`false\`, or \`true\` as a deliberate opt-in);
- the pod's ServiceAccount is in the input, in the same namespace (or either names none), with \`automountServiceAccountToken: false\`;
- a RoleBinding or ClusterRoleBinding in the input grants a role to the pod's ServiceAccount: the app calls the API and needs its token.

Apps that talk to the API (operators, controllers, CI runners, service-discovery clients) need the token: set \`automountServiceAccountToken: true\` on the pod to say so, or exempt them. Apps that need a token only for one audience can set the field to false and mount a short-lived token with a \`projected\` \`serviceAccountToken\` volume instead.`,
  fix: {
    text: 'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount) unless the app calls the Kubernetes API.',
    yaml: `spec:
  template:
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false`,
  },
  uses: ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding'],
  target: 'workload',
  run({ workload, index }) {
    const w = workload!;
    if (getBool(w.podSpec, ['automountServiceAccountToken']) !== undefined) return [];
    const sa = podServiceAccount(w);
    const saObj = findServiceAccount(index, w, sa.name);
    if (saObj && getBool(saObj.object, ['automountServiceAccountToken']) === false) return [];
    if (bindingsFor(index, w.resource.namespace === undefined ? undefined : index.namespaceOf(w.resource), sa.name).length > 0) return [];
    const where = saObj
      ? `and ServiceAccount "${sa.name}" does not set it to false`
      : `and ServiceAccount "${sa.name}" is not in the input with it set to false`;
    return [
      {
        message: `pod does not set automountServiceAccountToken ${where}: every container gets an API token for "${sa.name}"`,
        path: [...w.podSpecPath, 'automountServiceAccountToken'],
      },
    ];
  },
});
