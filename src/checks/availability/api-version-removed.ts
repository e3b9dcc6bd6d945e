import { defineCheck, type FindingInput } from '../types.js';
import { REMOVED_API_KINDS, removedApi } from '../../model/removed-apis.js';
import { PATCH_FILE } from '../../model/workload.js';

export default defineCheck({
  id: 'api-version-removed',
  pillar: 'availability',
  severity: 'error',
  title: 'API version no longer served',
  whatBreaks:
    'The API server no longer serves this apiVersion, so `kubectl apply`, Helm and GitOps syncs fail on it ("no matches for kind ... in version ...") and the object is never created: the workload, its autoscaler, budget, Ingress or RBAC simply does not exist in the cluster, and a Helm release or Argo CD sync that contains it fails as a whole.',
  details: `Reported for objects whose \`apiVersion\` a current Kubernetes (1.37, the version kubeready's semantics follow) no longer serves, with the release that removed it: \`extensions/v1beta1\` and \`apps/v1beta1\`/\`v1beta2\` workloads (1.16), \`networking.k8s.io/v1beta1\` and \`extensions/v1beta1\` Ingress (1.22), the \`v1beta1\` RBAC, admission webhook, CustomResourceDefinition, APIService, PriorityClass and StorageClass APIs (1.22), \`batch/v1beta1\` CronJob, \`policy/v1beta1\` PodDisruptionBudget and PodSecurityPolicy, \`autoscaling/v2beta1\` (1.25), \`autoscaling/v2beta2\` (1.26), the flow-control betas (1.26, 1.29, 1.32), and the betas and alphas of APIs that went GA since (ValidatingAdmissionPolicy, VolumeAttributesClass, IPAddress, ServiceCIDR...). The list comes from the Kubernetes API's own lifecycle markers (\`APILifecycleRemoved\` in k8s.io/api) and the deprecated API migration guide.

The message names the version to use and what else changes with it where more than the \`apiVersion\` line does (Ingress backends and \`pathType\`, HPA metric targets, webhook \`sideEffects\`, CRD schemas). On a cluster older than the release named, the object still applies; it breaks on the upgrade. \`kubectl convert\` (a kubectl plugin) rewrites most of them.

A live scan (\`audit --cluster\`) is not checked: what the cluster returns is what it serves. A \`kubectl get -o yaml\` dump of an older cluster is, since applying it to a current one fails. Custom resources are not covered: their served versions are in their CustomResourceDefinitions.

An object with nothing but \`apiVersion\`, \`kind\` and \`metadata\` in a file named as a patch (\`*patch*\`, under \`patches/\` or \`overlays/\`: kubebuilder's \`webhookcainjection_patch.yaml\`) is a kustomize patch, not an object: it is reported as **info**, saying the patch must name the apiVersion of its target.`,
  fix: {
    text: 'Change apiVersion to the version the message names, and apply the field changes it lists.',
    yaml: `apiVersion: autoscaling/v2      # was autoscaling/v2beta2, removed in Kubernetes 1.26
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10`,
  },
  target: 'object',
  kinds: REMOVED_API_KINDS,
  metadataOnly: true,
  run({ resource, index }) {
    const out: FindingInput[] = [];
    // A live scan reads what the cluster serves: an old cluster may still serve it, and the object runs.
    if (index.listedKinds) return out;
    const gone = removedApi(resource.apiVersion, resource.kind);
    if (!gone) return out;
    // Only apiVersion, kind and metadata, in a file named as a patch: a kustomize patch fragment
    // (kubebuilder's webhookcainjection_patch.yaml), not an object anyone applies on its own.
    const fragment = PATCH_FILE.test(resource.origin.file) && Object.keys(resource.object).every((k) => k === 'apiVersion' || k === 'kind' || k === 'metadata');
    if (fragment && gone.use) {
      out.push({
        message: `a metadata-only ${resource.kind} in a patch file, so a kustomize patch rather than an object: ${resource.apiVersion} is no longer served since Kubernetes 1.${gone.removedIn}, and a patch must name the apiVersion of the object it patches (${gone.use}) or kustomize finds no target for it`,
        path: ['apiVersion'],
        severity: 'info',
      });
      return out;
    }
    const instead = gone.use
      ? `use apiVersion ${gone.use}${gone.note ? ` (${gone.note})` : ''}`
      : `${resource.kind} is gone from Kubernetes: enforce pod security with Pod Security admission (pod-security.kubernetes.io/enforce labels on the namespace) and delete this object`;
    out.push({
      message: `${resource.kind} ${resource.apiVersion} is no longer served since Kubernetes 1.${gone.removedIn}: on such a cluster the API server rejects the object (no matches for kind "${resource.kind}" in version "${resource.apiVersion}"), so it is never created there; ${instead}`,
      path: ['apiVersion'],
    });
    return out;
  },
});
