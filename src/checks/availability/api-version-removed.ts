import { toYaml } from '../../model/fix-yaml.js';
import { defineCheck, type FindingInput } from '../types.js';
import type { Json, JsonObject, Resource } from '../../model/types.js';
import { REMOVED_API_KINDS, removedApi, type RemovedApi } from '../../model/removed-apis.js';
import { get, isObject, isTemplated } from '../../model/util.js';
import { PATCH_FILE } from '../../model/workload.js';
import { CONTROLLER_SET_LABELS } from '../networking/service-util.js';

/** The workload kinds that moved to apps/v1 (1.16): their pod template is read to write spec.selector. */
const APPS_KINDS = new Set(['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet']);

/**
 * Kinds whose object this check does not load whole (metadataOnly: a CRD's schema stays out of
 * memory) and whose new version changes or requires fields beyond apiVersion: the fix says what to
 * rewrite instead of writing it (Kubernetes deprecated API migration guide; the API's defaults).
 */
function rewriteOf(r: Resource): string | undefined {
  switch (r.kind) {
    case 'Ingress':
      return 'each backend becomes service.name with service.port.number or service.port.name (spec.backend becomes spec.defaultBackend), and every path needs a pathType (ImplementationSpecific keeps the old matching; Prefix or Exact are portable)';
    case 'MutatingWebhookConfiguration':
    case 'ValidatingWebhookConfiguration':
      return 'every webhook needs sideEffects (None or NoneOnDryRun: the v1beta1 default Unknown is rejected) and admissionReviewVersions ([v1beta1], the old default, unless the webhook server reads v1); where unset, failurePolicy becomes Fail (it was Ignore), matchPolicy Equivalent (it was Exact) and timeoutSeconds 10 (it was 30)';
    case 'CustomResourceDefinition':
      return 'spec.version, spec.validation, spec.subresources and spec.additionalPrinterColumns move into each entry of spec.versions, and each version needs a structural schema (schema.openAPIV3Schema; a printer column\'s JSONPath becomes jsonPath)';
    case 'CertificateSigningRequest':
      return 'spec.signerName and spec.usages are required';
    case 'EndpointSlice':
      return "each endpoint's topology map goes: its kubernetes.io/hostname becomes nodeName and its topology.kubernetes.io/zone becomes zone";
    case 'PriorityLevelConfiguration':
      return r.apiVersion === 'flowcontrol.apiserver.k8s.io/v1beta1' || r.apiVersion === 'flowcontrol.apiserver.k8s.io/v1beta2'
        ? 'spec.limited.assuredConcurrencyShares becomes nominalConcurrencyShares'
        : undefined;
    case 'ValidatingAdmissionPolicyBinding':
      return r.apiVersion === 'admissionregistration.k8s.io/v1alpha1'
        ? 'a spec.paramRef needs parameterNotFoundAction (v1alpha1 defaulted it to Deny; v1 requires it)'
        : undefined;
    default:
      return undefined;
  }
}

const yamlOf = (v: unknown): string => toYaml(v, -1, true).trimEnd();

/**
 * An apps workload in apps/v1: spec.selector (required there, and immutable once created) from the
 * pod template's own labels when it has none (the old versions defaulted it to them, so the new one
 * selects the same pods); spec.rollbackTo and a DaemonSet's spec.templateGeneration, which apps/v1
 * does not have, removed; and the defaults that changed, where the manifest leaves them unset.
 */
function appsFix(r: Resource, use: string): { fix: string; fixSnippet: string } {
  const spec = isObject(r.object.spec) ? r.object.spec : {};
  const patch: JsonObject = { apiVersion: use };
  const specPatch: JsonObject = {};
  const said: string[] = [`change apiVersion to ${use}`];
  if (!isObject(spec.selector)) {
    const labels = get(spec, ['template', 'metadata', 'labels']);
    const own: Record<string, string> = {};
    if (isObject(labels)) {
      for (const [k, v] of Object.entries(labels)) {
        if (typeof v === 'string' && !CONTROLLER_SET_LABELS.has(k) && !isTemplated(k) && !isTemplated(v)) own[k] = v;
      }
    }
    if (Object.keys(own).length) {
      specPatch.selector = { matchLabels: own };
      said.push("add spec.selector (required in apps/v1 and immutable once created): the pod template's own labels, which the old version used as its default, so it selects the same pods");
    } else {
      // A label value is at most 63 characters and ends alphanumeric.
      const label = { 'app.kubernetes.io/name': r.name.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '') };
      specPatch.selector = { matchLabels: label };
      specPatch.template = { metadata: { labels: label } };
      said.push('add spec.selector (required in apps/v1 and immutable once created) and, since the pod template has no labels to select, the same label on the template');
    }
  }
  if ('rollbackTo' in spec) {
    specPatch.rollbackTo = null;
    said.push('remove spec.rollbackTo (apps/v1 has no such field: roll back with kubectl rollout undo)');
  }
  if ('templateGeneration' in spec) {
    specPatch.templateGeneration = null;
    said.push('remove spec.templateGeneration (apps/v1 has no such field)');
  }
  if (Object.keys(specPatch).length) patch.spec = specPatch;
  // Defaults that apps/v1 sets differently, where the manifest sets nothing (Kubernetes 1.16 release notes).
  const defaults: string[] = [];
  const old = r.apiVersion;
  const strategyType = get(spec, ['updateStrategy', 'type']);
  if ((r.kind === 'DaemonSet' && old === 'extensions/v1beta1') || (r.kind === 'StatefulSet' && old === 'apps/v1beta1')) {
    if (strategyType === undefined) defaults.push('spec.updateStrategy.type becomes RollingUpdate (it was OnDelete: pods were replaced only when deleted)');
  }
  if (r.kind === 'Deployment' && (old === 'extensions/v1beta1' || old === 'apps/v1beta1')) {
    if (spec.revisionHistoryLimit === undefined) defaults.push(`spec.revisionHistoryLimit becomes 10 (it was ${old === 'extensions/v1beta1' ? 'unlimited' : '2'})`);
    if (old === 'extensions/v1beta1') {
      if (spec.progressDeadlineSeconds === undefined) defaults.push('spec.progressDeadlineSeconds becomes 600 (there was no deadline)');
      const ru = get(spec, ['strategy', 'rollingUpdate']);
      if (get(spec, ['strategy', 'type']) !== 'Recreate' && (!isObject(ru) || ru.maxSurge === undefined || ru.maxUnavailable === undefined)) {
        defaults.push('an unset maxSurge or maxUnavailable becomes 25% (it was 1)');
      }
    }
  }
  const fix =
    `${r.kind} "${r.name}": ${said.join('; ')} (the YAML)` +
    (defaults.length ? `. Where the manifest sets nothing, apps/v1 defaults differ: ${defaults.join('; ')}; set ${defaults.length > 1 ? 'these fields' : 'the field'} to keep the old behaviour` : '') +
    '.';
  return { fix, fixSnippet: yamlOf(patch) };
}

/** A v2beta1 metric target as autoscaling/v2 writes it, or null when its shape is not one the conversion knows. */
function v2Metric(m: Json): Json | null {
  if (!isObject(m) || typeof m.type !== 'string') return null;
  const target = (value: Json | undefined, averageValue: Json | undefined, utilization?: Json): Json | null => {
    if (utilization !== undefined && utilization !== null) return { type: 'Utilization', averageUtilization: utilization };
    if (averageValue !== undefined && averageValue !== null) return { type: 'AverageValue', averageValue };
    if (value !== undefined && value !== null) return { type: 'Value', value };
    return null;
  };
  const metric = (name: Json | undefined, selector: Json | undefined): Json => ({ name: name ?? null, ...(selector !== undefined && selector !== null ? { selector } : {}) });
  switch (m.type) {
    case 'Resource': {
      const s = m.resource;
      if (!isObject(s)) return null;
      const t = target(undefined, s.targetAverageValue, s.targetAverageUtilization);
      return t && { type: 'Resource', resource: { name: s.name ?? null, target: t } };
    }
    case 'ContainerResource': {
      const s = m.containerResource;
      if (!isObject(s)) return null;
      const t = target(undefined, s.targetAverageValue, s.targetAverageUtilization);
      return t && { type: 'ContainerResource', containerResource: { name: s.name ?? null, container: s.container ?? null, target: t } };
    }
    case 'Pods': {
      const s = m.pods;
      if (!isObject(s)) return null;
      const t = target(undefined, s.targetAverageValue);
      return t && { type: 'Pods', pods: { metric: metric(s.metricName, s.selector), target: t } };
    }
    case 'Object': {
      const s = m.object;
      if (!isObject(s)) return null;
      const t = target(s.targetValue, s.averageValue);
      return t && { type: 'Object', object: { describedObject: s.target ?? null, metric: metric(s.metricName, s.selector), target: t } };
    }
    case 'External': {
      const s = m.external;
      if (!isObject(s)) return null;
      const t = target(s.targetValue, s.targetAverageValue);
      return t && { type: 'External', external: { metric: metric(s.metricName, s.metricSelector), target: t } };
    }
    default:
      return null;
  }
}

/**
 * An autoscaling/v2beta1 HPA in autoscaling/v2: its metrics rewritten (the list replaces the old one),
 * or null when one cannot be. A status (a `kubectl get -o yaml` dump) goes too: the controller writes
 * it, and its v2beta1 fields (currentAverageUtilization...) are unknown to v2, which strict field
 * validation rejects.
 */
function hpaFix(r: Resource, use: string): { fix: string; fixSnippet: string } | null {
  const metrics = get(r.object, ['spec', 'metrics']);
  const patch: JsonObject = { apiVersion: use };
  const status = r.object.status !== undefined && r.object.status !== null;
  let what: string;
  if (Array.isArray(metrics) && metrics.length) {
    if (JSON.stringify(metrics).split('"').some(isTemplated)) return null;
    const converted = metrics.map(v2Metric);
    if (converted.some((x) => x === null)) return null;
    patch.spec = { metrics: converted as Json[] };
    what = ` and rewrite spec.metrics in its form (the YAML: each target becomes target.type with averageUtilization, averageValue or value; metricName and selector become metric.name and metric.selector; an Object metric's target becomes describedObject)`;
  } else {
    what = ' (the YAML; it has no spec.metrics to rewrite)';
  }
  if (status) patch.status = null;
  return {
    fix: `HorizontalPodAutoscaler "${r.name}": change apiVersion to ${use}${what}${status ? '; remove its status, which the controller writes and whose v2beta1 fields autoscaling/v2 does not know' : ''}.`,
    fixSnippet: yamlOf(patch),
  };
}

/** The per-finding fix of an object whose version has a replacement. */
function fixFor(r: Resource, gone: RemovedApi & { use: string }): Pick<FindingInput, 'fix' | 'fixSnippet'> {
  const use = gone.use;
  if (use === 'apps/v1' && APPS_KINDS.has(r.kind)) return appsFix(r, use);
  if (r.kind === 'HorizontalPodAutoscaler' && r.apiVersion === 'autoscaling/v2beta1') {
    const status = r.object.status !== undefined && r.object.status !== null ? '; remove its status, which the controller writes and whose v2beta1 fields autoscaling/v2 does not know' : '';
    return hpaFix(r, use) ?? { fix: `HorizontalPodAutoscaler "${r.name}": change apiVersion to ${use} and rewrite each of spec.metrics in its form (${gone.note})${status}.` };
  }
  const rewrite = rewriteOf(r);
  if (rewrite) return { fix: `${r.kind} "${r.name}": change apiVersion to ${use}, and rewrite what changes with it: ${rewrite}.` };
  // The same fields in the new version: the apiVersion line is the whole fix.
  let extra = '';
  if (r.kind === 'PodDisruptionBudget') {
    const sel = get(r.object, ['spec', 'selector']);
    if (isObject(sel) && Object.keys(sel).length === 0) extra = ' Its selector is empty ({}): in policy/v1beta1 it selected no pods, in policy/v1 it selects every pod of the namespace; write the selector of the pods it is meant for.';
  }
  return { fix: `${r.kind} "${r.name}": change apiVersion to ${use} (the YAML); its fields are the same in ${use}.${extra}`, fixSnippet: `apiVersion: ${use}` };
}

export default defineCheck({
  id: 'api-version-removed',
  pillar: 'availability',
  severity: 'error',
  title: 'API version no longer served',
  whatBreaks:
    'The API server no longer serves this apiVersion, so `kubectl apply`, Helm and GitOps syncs fail on it ("no matches for kind ... in version ...") and the object is never created: the workload, its autoscaler, budget, Ingress or RBAC simply does not exist in the cluster, and a Helm release or Argo CD sync that contains it fails as a whole.',
  details: `Reported for objects whose \`apiVersion\` a current Kubernetes (1.37, the version kubeready's semantics follow) no longer serves, with the release that removed it: \`extensions/v1beta1\` and \`apps/v1beta1\`/\`v1beta2\` workloads (1.16), \`networking.k8s.io/v1beta1\` and \`extensions/v1beta1\` Ingress (1.22), the \`v1beta1\` RBAC, admission webhook, CustomResourceDefinition, APIService, PriorityClass and StorageClass APIs (1.22), \`batch/v1beta1\` CronJob, \`policy/v1beta1\` PodDisruptionBudget and PodSecurityPolicy, \`autoscaling/v2beta1\` (1.25), \`autoscaling/v2beta2\` (1.26), the flow-control betas (1.26, 1.29, 1.32), and the betas and alphas of APIs that went GA since (ValidatingAdmissionPolicy, VolumeAttributesClass, IPAddress, ServiceCIDR...). The list comes from the Kubernetes API's own lifecycle markers (\`APILifecycleRemoved\` in k8s.io/api) and the deprecated API migration guide.

The message names the version to use and what else changes with it where more than the \`apiVersion\` line does (Ingress backends and \`pathType\`, HPA metric targets, webhook \`sideEffects\`, CRD schemas). On a cluster older than the release named, the object still applies; it breaks on the upgrade. \`kubectl convert\` (a kubectl plugin) rewrites most of them.

Each finding's fix is for its own kind: an apps workload gets \`apps/v1\` with the \`spec.selector\` it requires (its pod template's labels, which the old version used by default), without the fields apps/v1 dropped (\`rollbackTo\`, \`templateGeneration\`), and the defaults that changed where the manifest leaves them unset; an \`autoscaling/v2beta1\` HorizontalPodAutoscaler gets its metrics rewritten in the v2 form; a kind whose fields are the same in the new version gets the apiVersion line. Kinds whose fields change and which this check does not read whole (Ingress, admission webhooks, CustomResourceDefinition, CertificateSigningRequest, EndpointSlice, PriorityLevelConfiguration before v1beta3) get the changes in words, with the \`kubectl convert\` command.

A live scan (\`audit --cluster\`) is not checked: what the cluster returns is what it serves. A \`kubectl get -o yaml\` dump of an older cluster is, since applying it to a current one fails. Custom resources are not covered: their served versions are in their CustomResourceDefinitions.

An object with nothing but \`apiVersion\`, \`kind\` and \`metadata\` in a file named as a patch (\`*patch*\`, under \`patches/\` or \`overlays/\`: kubebuilder's \`webhookcainjection_patch.yaml\`) is a kustomize patch, not an object: it is reported as **info**, saying the patch must name the apiVersion of its target.`,
  fix: {
    text: "Change apiVersion to the version the message names for the object's kind, and apply the field changes it lists (an apps/v1 workload needs spec.selector: its pod template's labels).",
    yaml: `# Two examples of kinds whose version moved: each kind has its own replacement, which the message names.
apiVersion: apps/v1            # was extensions/v1beta1, removed in Kubernetes 1.16
kind: Deployment
metadata:
  name: web
spec:
  selector:                    # required in apps/v1: the pod template's labels
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/web:1.4.2
---
apiVersion: autoscaling/v2     # was autoscaling/v2beta2, removed in Kubernetes 1.26
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
    // Per finding: the object's new apiVersion with what that version requires of it, or a fix in words.
    place: { at: 'object', snippet: '' },
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
        fix: `Set the patch's apiVersion to ${gone.use}, the version of the ${resource.kind} it patches (the YAML).`,
        fixSnippet: `apiVersion: ${gone.use}`,
      });
      return out;
    }
    const instead = gone.use
      ? `use apiVersion ${gone.use}${gone.note ? ` (${gone.note})` : ''}`
      : `${resource.kind} is gone from Kubernetes: enforce pod security with Pod Security admission (pod-security.kubernetes.io/enforce labels on the namespace) and delete this object`;
    out.push({
      message: `${resource.kind} ${resource.apiVersion} is no longer served since Kubernetes 1.${gone.removedIn}: on such a cluster the API server rejects the object (no matches for kind "${resource.kind}" in version "${resource.apiVersion}"), so it is never created there; ${instead}`,
      path: ['apiVersion'],
      ...(gone.use !== null
        ? fixFor(resource, { ...gone, use: gone.use })
        : {
            fix: `Delete ${resource.kind} "${resource.name}" and the RBAC that lets pods use it (rules with verb use on podsecuritypolicies), and enforce pod security with Pod Security admission instead: label each namespace whose pods it applied to with pod-security.kubernetes.io/enforce: baseline (or restricted).`,
          }),
    });
    return out;
  },
});
