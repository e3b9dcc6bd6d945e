/**
 * API versions that Kubernetes no longer serves, by kind, with the release that removed them and
 * the version to use instead. Facts from the Kubernetes API's own lifecycle markers
 * (k8s.io/api v0.37 `APILifecycleRemoved` of each type, kube-aggregator and apiextensions-apiserver
 * likewise) and, for versions whose types have since been deleted from k8s.io/api (autoscaling
 * v2beta1/v2beta2, PodSecurityPolicy), the Kubernetes deprecated API migration guide. Only kinds
 * people write in manifests: review objects, Events, Leases and the like are left out.
 */

export interface RemovedApi {
  /** Minor release of Kubernetes 1.x that stopped serving it. */
  removedIn: number;
  /** The apiVersion to use instead, or null when the kind is gone (PodSecurityPolicy). */
  use: string | null;
  /** What changes beyond the apiVersion line, when that is more than nothing. */
  note?: string;
}

type Table = Record<string, Record<string, RemovedApi>>;

const APPS_WORKLOAD = (removedIn: number): RemovedApi => ({ removedIn, use: 'apps/v1', note: 'spec.selector is required and immutable in apps/v1' });

/** apiVersion -> kind -> removal. */
export const REMOVED_APIS: Table = {
  'extensions/v1beta1': {
    Deployment: APPS_WORKLOAD(16),
    DaemonSet: APPS_WORKLOAD(16),
    ReplicaSet: APPS_WORKLOAD(16),
    NetworkPolicy: { removedIn: 16, use: 'networking.k8s.io/v1' },
    PodSecurityPolicy: { removedIn: 16, use: null },
    Ingress: { removedIn: 22, use: 'networking.k8s.io/v1', note: 'backends become service.name and service.port.number/name, and every path needs a pathType' },
  },
  'apps/v1beta1': { Deployment: APPS_WORKLOAD(16), StatefulSet: APPS_WORKLOAD(16) },
  'apps/v1beta2': { Deployment: APPS_WORKLOAD(16), StatefulSet: APPS_WORKLOAD(16), DaemonSet: APPS_WORKLOAD(16), ReplicaSet: APPS_WORKLOAD(16) },
  'networking.k8s.io/v1beta1': {
    Ingress: { removedIn: 22, use: 'networking.k8s.io/v1', note: 'backends become service.name and service.port.number/name, and every path needs a pathType' },
    IngressClass: { removedIn: 22, use: 'networking.k8s.io/v1' },
    IPAddress: { removedIn: 37, use: 'networking.k8s.io/v1' },
    ServiceCIDR: { removedIn: 37, use: 'networking.k8s.io/v1' },
  },
  'admissionregistration.k8s.io/v1beta1': {
    MutatingWebhookConfiguration: { removedIn: 22, use: 'admissionregistration.k8s.io/v1', note: 'sideEffects and admissionReviewVersions are required in v1' },
    ValidatingWebhookConfiguration: { removedIn: 22, use: 'admissionregistration.k8s.io/v1', note: 'sideEffects and admissionReviewVersions are required in v1' },
    ValidatingAdmissionPolicy: { removedIn: 34, use: 'admissionregistration.k8s.io/v1' },
    ValidatingAdmissionPolicyBinding: { removedIn: 34, use: 'admissionregistration.k8s.io/v1' },
  },
  'admissionregistration.k8s.io/v1alpha1': {
    ValidatingAdmissionPolicy: { removedIn: 32, use: 'admissionregistration.k8s.io/v1' },
    ValidatingAdmissionPolicyBinding: { removedIn: 32, use: 'admissionregistration.k8s.io/v1' },
  },
  'apiextensions.k8s.io/v1beta1': {
    CustomResourceDefinition: { removedIn: 22, use: 'apiextensions.k8s.io/v1', note: 'v1 requires a structural openAPIV3Schema per version' },
  },
  'apiregistration.k8s.io/v1beta1': { APIService: { removedIn: 22, use: 'apiregistration.k8s.io/v1' } },
  'certificates.k8s.io/v1beta1': { CertificateSigningRequest: { removedIn: 22, use: 'certificates.k8s.io/v1', note: 'signerName is required in v1' } },
  'certificates.k8s.io/v1alpha1': { ClusterTrustBundle: { removedIn: 37, use: 'certificates.k8s.io/v1', note: 'certificates.k8s.io/v1beta1 is not served by default either' } },
  'rbac.authorization.k8s.io/v1beta1': {
    ClusterRole: { removedIn: 22, use: 'rbac.authorization.k8s.io/v1' },
    ClusterRoleBinding: { removedIn: 22, use: 'rbac.authorization.k8s.io/v1' },
    Role: { removedIn: 22, use: 'rbac.authorization.k8s.io/v1' },
    RoleBinding: { removedIn: 22, use: 'rbac.authorization.k8s.io/v1' },
  },
  'scheduling.k8s.io/v1beta1': { PriorityClass: { removedIn: 22, use: 'scheduling.k8s.io/v1' } },
  'storage.k8s.io/v1beta1': {
    CSIDriver: { removedIn: 22, use: 'storage.k8s.io/v1' },
    StorageClass: { removedIn: 22, use: 'storage.k8s.io/v1' },
    CSIStorageCapacity: { removedIn: 27, use: 'storage.k8s.io/v1' },
    VolumeAttributesClass: { removedIn: 37, use: 'storage.k8s.io/v1' },
  },
  'storage.k8s.io/v1alpha1': {
    CSIStorageCapacity: { removedIn: 24, use: 'storage.k8s.io/v1' },
    VolumeAttributesClass: { removedIn: 35, use: 'storage.k8s.io/v1' },
  },
  'batch/v1beta1': { CronJob: { removedIn: 25, use: 'batch/v1' } },
  'discovery.k8s.io/v1beta1': { EndpointSlice: { removedIn: 25, use: 'discovery.k8s.io/v1', note: 'topology becomes nodeName and zone' } },
  'node.k8s.io/v1beta1': { RuntimeClass: { removedIn: 25, use: 'node.k8s.io/v1' } },
  'policy/v1beta1': {
    PodDisruptionBudget: { removedIn: 25, use: 'policy/v1', note: 'in policy/v1 an empty selector ({}) selects every pod of the namespace' },
    PodSecurityPolicy: { removedIn: 25, use: null },
  },
  'autoscaling/v2beta1': {
    HorizontalPodAutoscaler: { removedIn: 25, use: 'autoscaling/v2', note: 'metric targets become target.type with averageUtilization or averageValue' },
  },
  'autoscaling/v2beta2': { HorizontalPodAutoscaler: { removedIn: 26, use: 'autoscaling/v2' } },
  'flowcontrol.apiserver.k8s.io/v1beta1': {
    FlowSchema: { removedIn: 26, use: 'flowcontrol.apiserver.k8s.io/v1' },
    PriorityLevelConfiguration: { removedIn: 26, use: 'flowcontrol.apiserver.k8s.io/v1' },
  },
  'flowcontrol.apiserver.k8s.io/v1beta2': {
    FlowSchema: { removedIn: 29, use: 'flowcontrol.apiserver.k8s.io/v1' },
    PriorityLevelConfiguration: { removedIn: 29, use: 'flowcontrol.apiserver.k8s.io/v1' },
  },
  'flowcontrol.apiserver.k8s.io/v1beta3': {
    FlowSchema: { removedIn: 32, use: 'flowcontrol.apiserver.k8s.io/v1' },
    PriorityLevelConfiguration: { removedIn: 32, use: 'flowcontrol.apiserver.k8s.io/v1' },
  },
};

/** Every kind in the table. */
export const REMOVED_API_KINDS: string[] = [...new Set(Object.values(REMOVED_APIS).flatMap((k) => Object.keys(k)))].sort();

/** The removal of this apiVersion and kind, or undefined when it is served. */
export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  const byKind = REMOVED_APIS[apiVersion];
  return byKind && Object.prototype.hasOwnProperty.call(byKind, kind) ? byKind[kind] : undefined;
}
