import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import type { Resource } from '../../model/types.js';
import type { ResourceIndex } from '../../model/index.js';
import { get, getArray, isObject, isTemplated, stringMap } from '../../model/util.js';
import { rbacGraph, RBAC_KINDS, sameNamespace } from '../../model/rbac.js';

const TOKEN_TYPE = 'kubernetes.io/service-account-token';
/** k8s.io/api core/v1 ServiceAccountNameKey / ServiceAccountUIDKey. */
const SA_NAME = 'kubernetes.io/service-account.name';
const SA_UID = 'kubernetes.io/service-account.uid';
/** Labels the API server and the legacy token cleaner put on these Secrets (pkg/serviceaccount/legacy.go). */
const LAST_USED = 'kubernetes.io/legacy-token-last-used';
const INVALID_SINCE = 'kubernetes.io/legacy-token-invalid-since';

/** The ServiceAccount object of the input the token belongs to: same namespace, the closest copy first. */
function serviceAccountOf(index: ResourceIndex, secret: Resource, name: string): Resource | undefined {
  const all = index.named('ServiceAccount', name).filter((r) => sameNamespace(index, r, secret));
  const exact = all.filter((r) => index.namespaceOf(r) === index.namespaceOf(secret) && index.sameScope(r, secret));
  return exact[0] ?? all[0];
}

/** Whether the ServiceAccount lists the Secret in `secrets` (what the legacy token cleaner requires). */
function listsSecret(sa: Resource, secret: string): number {
  return getArray(sa.object, ['secrets']).findIndex((s) => isObject(s) && s.name === secret);
}

export default defineCheck({
  id: 'service-account-token-secret',
  pillar: 'rbac',
  severity: 'warning',
  title: 'Long-lived ServiceAccount token stored in a Secret',
  whatBreaks:
    'The token controller writes a ServiceAccount token into this Secret that never expires: it authenticates as the ServiceAccount until the Secret (or the ServiceAccount) is deleted, so a copy leaked from a CI system, a kubeconfig or a backup keeps working for years.',
  details: `Fires on a Secret of \`type: kubernetes.io/service-account-token\`. The token controller of kube-controller-manager (pkg/controller/serviceaccount/tokens_controller.go) fills it with a JWT signed with the legacy claims (pkg/serviceaccount/legacy.go), which carry no expiry. The API server accepts that token as long as the Secret exists and still holds it, and the ServiceAccount named by \`metadata.annotations["kubernetes.io/service-account.name"]\` exists with the same UID; deleting the Secret (or the ServiceAccount) is the only way to revoke it.

The legacy token cleaner (legacy-serviceaccount-token-cleaner in kube-controller-manager, on by default and without a feature gate in 1.37: pkg/controller/serviceaccount/legacy_serviceaccount_token_cleaner.go) does not help with Secrets written in manifests: it only touches token Secrets that the ServiceAccount lists in its \`secrets\` field (the ones the controller auto-generated before 1.24). Those, when not used for \`--legacy-service-account-token-clean-up-period\` (default 365 days) and not mounted by any pod, get the label \`kubernetes.io/legacy-token-invalid-since\` (the API server then rejects the token) and are deleted one more period later; "used" is the date in the label \`kubernetes.io/legacy-token-last-used\` that the API server sets when the token authenticates (no label: unused since tracking began). The message says which case applies when the ServiceAccount is in the input, and names the ServiceAccount's most dangerous permission in the input (its token carries all of them).

Severities: **warning**; **error** when the annotation \`kubernetes.io/service-account.name\` is missing (the API server rejects the Secret: \`metadata.annotations[kubernetes.io/service-account.name]: Required value\`). Not reported: other Secret types, templated types, and Secrets already labelled \`kubernetes.io/legacy-token-invalid-since\` (the token is rejected). Secret values are never read into a message.

In a live scan Secrets are listed as metadata only (their \`type\` and data are never requested): there, a Secret is reported when it carries both annotations the token controller writes, \`kubernetes.io/service-account.name\` and \`kubernetes.io/service-account.uid\`, and the message says so.

Clients that need a token should get a short-lived one: inside the cluster a projected \`serviceAccountToken\` volume (the kubelet rotates it; \`expirationSeconds\` at least 600, default 3600; \`audience\` for a token meant for another service, such as Vault), outside it the TokenRequest API (\`kubectl create token <name> --duration=1h\`).`,
  fix: {
    text: 'Delete the Secret (`kubectl delete secret <secret> -n <namespace>`, and remove it from the manifests: that revokes the token) and give clients short-lived tokens: a projected serviceAccountToken volume in pods, or `kubectl create token <serviceaccount> -n <namespace> --duration=1h` (the TokenRequest API) for CI and people. Each finding names its own Secret, ServiceAccount and namespace.',
    yaml: `containers:
  - name: app
    volumeMounts:
      - name: api-token
        mountPath: /var/run/secrets/tokens
        readOnly: true
volumes:
  - name: api-token
    projected:
      sources:
        - serviceAccountToken:
            path: token
            expirationSeconds: 3600   # the kubelet refreshes it before it expires
            # audience: vault         # only for a token meant for another service`,
  },
  // Secrets are loaded as metadata plus their top-level \`type\`: their values are never kept. A live
  // scan lists them as metadata only (no type).
  kinds: ['Secret'],
  metadataOnly: true,
  uses: RBAC_KINDS,
  target: 'object',
  run({ resource, index }) {
    const out: FindingInput[] = [];
    if (resource.apiVersion !== 'v1') return out;
    const obj = resource.object;
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    const annotations = stringMap(meta.annotations);
    const labels = stringMap(meta.labels);
    const type = get(obj, ['type']);
    let live = false;
    if (typeof type === 'string') {
      if (type !== TOKEN_TYPE) return out;
    } else if (type === undefined && index.listedKinds !== undefined && obj.data === undefined && obj.stringData === undefined) {
      // A live scan's metadata-only Secret: only the token controller's two annotations tell.
      if (!annotations[SA_NAME] || !annotations[SA_UID]) return out;
      live = true;
    } else {
      // No type: Opaque (the API default); anything else (a templated value) is not known.
      return out;
    }
    if (labels[INVALID_SINCE]) return out;

    const saName = annotations[SA_NAME];
    if (!saName) {
      out.push({
        message: `type is ${TOKEN_TYPE} but metadata.annotations has no ${SA_NAME}: the API server rejects the Secret (Required value), so it is never created; name the ServiceAccount, or better, drop the Secret and use short-lived tokens`,
        path: ['type'],
        severity: 'error',
        fix: `Remove Secret "${resource.name}" from the manifests (the API server rejects it anyway); a client that needs a token gets a short-lived one: kubectl create token <serviceaccount>${index.kubectlNamespace(resource)} --duration=1h, or a projected serviceAccountToken volume in pods.`,
      });
      return out;
    }
    const ns = index.namespaceOf(resource);
    const templated = isTemplated(saName);
    const who = templated ? `the ServiceAccount named in ${SA_NAME}` : `ServiceAccount "${ns}/${saName}"`;
    const related: RelatedInput[] = [];
    const notes: string[] = [];

    const sa = templated ? undefined : serviceAccountOf(index, resource, saName);
    if (sa) {
      const i = listsSecret(sa, resource.name);
      related.push({ resource: sa, path: i >= 0 ? ['secrets', i] : [], note: 'the token authenticates as it' });
      if (i >= 0) notes.push('the ServiceAccount lists it in secrets, so the legacy token cleaner invalidates it only once it has gone unused for a year (the default --legacy-service-account-token-clean-up-period) and no pod mounts it, and deletes it a year after that');
      else notes.push('the legacy token cleaner never removes it (it only handles tokens listed in the ServiceAccount\'s secrets)');
    }
    if (!templated) {
      const risks = rbacGraph(index).risksOf(ns, saName);
      if (risks.length > 0) {
        const more = risks.length > 1 ? ` (and ${risks.length - 1} more risky ${risks.length - 1 === 1 ? 'permission' : 'permissions'})` : '';
        notes.push(`whoever holds it ${risks[0].summary}${more}`);
        for (const v of risks[0].via) if (!related.some((r) => r.resource === v.binding)) related.push({ resource: v.binding, path: v.subjectPath, note: `grants: ${risks[0].summary}` });
      }
    }
    if (labels[LAST_USED] && !isTemplated(labels[LAST_USED])) notes.push(`last used ${labels[LAST_USED]}`);

    const what = live
      ? `Secret carries the token controller's annotations ${SA_NAME} "${saName}" and ${SA_UID}, so it holds a legacy token of ${who}`
      : `type ${TOKEN_TYPE} makes the token controller store a token of ${who} in this Secret`;
    out.push({
      message: `${what}: the token never expires and authenticates as the ServiceAccount until the Secret is deleted${notes.length ? `; ${notes.join('; ')}` : ''}`,
      path: live ? ['metadata', 'annotations', SA_NAME] : ['type'],
      fix: `Delete the Secret to revoke the token (kubectl delete secret ${resource.name}${index.kubectlNamespace(resource)}${live ? '' : ', and remove it from the manifests'}) and give clients short-lived tokens: kubectl create token ${templated ? '<serviceaccount>' : saName}${index.kubectlNamespace(resource)} --duration=1h for CI and people, a projected serviceAccountToken volume in pods.`,
      related,
    });
    return out;
  },
});
