import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import type { FieldPath, Json, JsonObject } from '../../model/types.js';
import { get, getArray, getString, isObject, isTemplated, stringMap } from '../../model/util.js';
import { evalSelector, isEmptyLabelSelector, NAMESPACE_NAME_LABEL, type Tri } from '../../model/netpol.js';
import { serviceSelector, servicesNamed, showObject } from '../networking/service-util.js';

const KUBE_SYSTEM = 'kube-system';

/** Any unrendered template text in a value, its keys included. */
function templated(v: Json | undefined): boolean {
  if (typeof v === 'string') return isTemplated(v) || /\{\{|\}\}/.test(v);
  if (Array.isArray(v)) return v.some(templated);
  if (isObject(v)) return Object.entries(v).some(([k, x]) => isTemplated(k) || templated(x));
  return false;
}

const strings = (v: Json | undefined): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);

/**
 * The index of the first rule that matches CREATE of pods (the main resource, not a subresource)
 * in the core group, v1, as the API server's rule matcher does
 * (k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules/rules.go): operations CREATE or
 * `*`; apiGroups "" or `*`; apiVersions v1 or `*`; resources `pods`, `*`, `pods/*` or `*\/*` (a
 * `res/*` entry also matches `res` itself); scope absent, `*` or Namespaced. -1 when none does.
 */
function podCreateRule(rules: Json | undefined): number {
  if (!Array.isArray(rules)) return -1;
  return rules.findIndex((r) => {
    if (!isObject(r) || templated(r)) return false;
    const ops = strings(r.operations);
    const groups = strings(r.apiGroups);
    const versions = strings(r.apiVersions);
    const resources = strings(r.resources);
    if (!ops || !groups || !versions || !resources) return false;
    if (!ops.includes('CREATE') && !ops.includes('*')) return false;
    if (!groups.includes('') && !groups.includes('*')) return false;
    if (!versions.includes('v1') && !versions.includes('*')) return false;
    const scope = r.scope;
    if (scope !== undefined && scope !== null && scope !== '*' && scope !== 'Namespaced') return false;
    return resources.some((res) => {
      const slash = res.indexOf('/');
      const main = slash === -1 ? res : res.slice(0, slash);
      const sub = slash === -1 ? '' : res.slice(slash + 1);
      return (main === 'pods' || main === '*') && (sub === '' || sub === '*');
    });
  });
}

/** The label keys a selector reads, or null when it cannot be read. */
function selectorKeys(sel: JsonObject): string[] | null {
  const keys: string[] = [];
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return null;
    keys.push(...Object.keys(ml));
  }
  const me = sel.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return null;
    for (const e of me) {
      const k = getString(e, ['key']);
      if (k === undefined) return null;
      keys.push(k);
    }
  }
  return keys;
}

/**
 * Does a webhook's namespaceSelector match this namespace? Unset or `{}` matches every namespace
 * (the v1 default is `{}`). With the Namespace object in the input, its labels plus the automatic
 * `kubernetes.io/metadata.name` label decide (every copy of it must match); without it, only a
 * selector on `kubernetes.io/metadata.name` alone can be evaluated. Undefined when it cannot tell.
 */
function namespaceMatches(index: ResourceIndex, sel: Json | undefined, ns: string): Tri {
  if (sel === undefined || sel === null) return true;
  if (!isObject(sel) || templated(sel)) return undefined;
  if (isEmptyLabelSelector(sel)) return true;
  const objs = index.named('Namespace', ns).filter((r) => r.apiVersion === 'v1');
  if (objs.length > 0) {
    let all: Tri = true;
    for (const o of objs) {
      const labels = { ...stringMap(get(o.object, ['metadata', 'labels'])), [NAMESPACE_NAME_LABEL]: ns };
      const m = evalSelector(sel, labels);
      if (m === false) return false;
      if (m === undefined) all = undefined;
    }
    return all;
  }
  const keys = selectorKeys(sel);
  if (!keys || !keys.every((k) => k === NAMESPACE_NAME_LABEL)) return undefined;
  return evalSelector(sel, { [NAMESPACE_NAME_LABEL]: ns });
}

export default defineCheck({
  id: 'webhook-blocks-own-recovery',
  pillar: 'availability',
  severity: 'warning',
  title: 'Admission webhook must admit its own replacement pods',
  whatBreaks:
    'A webhook that fails closed on pod creation and also covers the namespace of its own backend cannot recover: when all its backend pods are gone (node loss, eviction, a node-pool upgrade), the API server cannot reach the webhook, so it rejects every pod creation the webhook covers, the backend\'s replacements included. Nothing comes back until someone deletes or edits the webhook configuration by hand.',
  details: `Looks at each webhook of an \`admissionregistration.k8s.io/v1\` MutatingWebhookConfiguration or
ValidatingWebhookConfiguration, and reports it when all of these hold:

- **It fails closed**: \`failurePolicy: Fail\`, or no failurePolicy (v1 defaults it to \`Fail\`:
  pkg/apis/admissionregistration/v1/defaults.go). When the API server cannot call the webhook (no
  ready endpoint behind its Service), the request is rejected.
- **A rule covers pod creation**: \`operations\` has \`CREATE\` or \`*\`, \`apiGroups\` has \`""\` or
  \`*\`, \`apiVersions\` has \`v1\` or \`*\`, \`resources\` has \`pods\`, \`*\`, \`pods/*\` or \`*/*\`
  (\`pods/*\` also matches \`pods\` itself; \`*\` matches no subresource), and \`scope\` is not
  \`Cluster\`, as the API server's rule matcher evaluates them
  (k8s.io/apiserver .../webhook/predicates/rules/rules.go).
- **Its backend runs in a namespace it covers**: \`clientConfig.service\` names a Service in namespace
  N, and the \`namespaceSelector\` matches N. An unset or empty selector matches every namespace.
  Otherwise the selector is evaluated against the labels of the Namespace object of the input plus
  the \`kubernetes.io/metadata.name\` label the API server sets on every namespace; when N's Namespace
  object is not in the input, only a selector on \`kubernetes.io/metadata.name\` alone can be
  evaluated, and any other selector is given the benefit of the doubt.
- **Nothing else excludes the backend's pods**: no \`objectSelector\` (an objectSelector is trusted as
  a deliberate opt-in or opt-out, such as \`control-plane NotIn [true]\` or an injection label), and no
  \`matchConditions\` (CEL expressions, which are not evaluated and may exclude them).

**Error** instead of warning when the webhook also covers \`kube-system\` (its backend runs there, or
its namespaceSelector matches it): while the backend is down, no kube-system pod can be recreated
either: CoreDNS, kube-proxy, and on most clusters the CNI agent, so a new or replaced node never gets
its network and the webhook's own backend cannot start there. That is a cluster-wide outage that needs
manual intervention, which is why policy engines and injectors exclude \`kube-system\`.

Not reported: \`failurePolicy: Ignore\`; rules that do not cover pod creation (custom resources only,
UPDATE or DELETE only, subresources only); a backend reached by \`clientConfig.url\` (outside the
cluster: its availability cannot be judged); a Service of the input that selects no pods
(ExternalName or no selector: the backend is not pods of that namespace); unrendered template values;
the removed \`admissionregistration.k8s.io/v1beta1\` (api-version-removed reports it). Running more
backend replicas with a PodDisruptionBudget makes the deadlock less likely (a drain no longer takes
them all), but not impossible: a zone outage, a full node-pool replacement or a cluster restart still
takes them all at once.`,
  fix: {
    text: 'Exclude the backend\'s own namespace (and kube-system) with a namespaceSelector on kubernetes.io/metadata.name, or exclude the backend\'s pods with an objectSelector; if admission can safely be skipped while the webhook is down, set failurePolicy: Ignore.',
    yaml: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: pod-policy
webhooks:
  - name: pods.policy.example.com
    failurePolicy: Fail
    namespaceSelector:
      matchExpressions:
        - key: kubernetes.io/metadata.name
          operator: NotIn
          values: ["policy-system", "kube-system"]   # the webhook's own namespace, and the cluster's
    rules:
      - operations: ["CREATE"]
        apiGroups: [""]
        apiVersions: ["v1"]
        resources: ["pods"]
    clientConfig:
      service:
        namespace: policy-system
        name: pod-policy
        path: /validate
    sideEffects: None
    admissionReviewVersions: ["v1"]`,
  },
  target: 'object',
  kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  uses: ['Service', 'Namespace'],
  run({ resource, index }) {
    const out: FindingInput[] = [];
    if (resource.apiVersion !== 'admissionregistration.k8s.io/v1') return out;
    getArray(resource.object, ['webhooks']).forEach((wh, i) => {
      if (!isObject(wh)) return;
      const base: FieldPath = ['webhooks', i];
      const name = typeof wh.name === 'string' && !templated(wh.name) ? wh.name : `#${i}`;

      const fp = wh.failurePolicy;
      if (fp !== undefined && fp !== null && fp !== 'Fail') return;
      const cc = wh.clientConfig;
      if (!isObject(cc) || (cc.url !== undefined && cc.url !== null)) return;
      const svcNs = getString(cc, ['service', 'namespace']);
      const svcName = getString(cc, ['service', 'name']);
      if (!svcNs || !svcName || templated(svcNs) || templated(svcName)) return;

      const rule = podCreateRule(wh.rules);
      if (rule < 0) return;
      const mc = wh.matchConditions;
      if (mc !== undefined && mc !== null && !(Array.isArray(mc) && mc.length === 0)) return;
      const os = wh.objectSelector;
      if (os !== undefined && !isEmptyLabelSelector(os)) return;

      const nsSel = wh.namespaceSelector;
      if (namespaceMatches(index, nsSel, svcNs) !== true) return;

      // The backend: a Service of the input that selects no pods leaves it open (ExternalName, manual endpoints).
      const related: RelatedInput[] = [];
      const svcs = servicesNamed(index, svcNs, svcName);
      let backend = '';
      if (svcs.length > 0) {
        const svc = svcs[0];
        const sel = serviceSelector(svc);
        if (!sel) return;
        related.push({ resource: svc, path: ['spec', 'selector'], note: 'webhook backend Service' });
        const workloads = index.workloadsMatching(svcNs, sel).filter((w) => w.class !== 'batch');
        for (const w of workloads.slice(0, 3)) related.push({ resource: w.resource, path: w.podMetaPath, note: 'runs the webhook backend pods' });
        if (workloads.length > 0) backend = ` (${workloads.slice(0, 2).map((w) => showObject(w.resource)).join(', ')})`;
      }

      const unsetSel = nsSel === undefined || nsSel === null || isEmptyLabelSelector(nsSel);
      const kubeSystem = svcNs === KUBE_SYSTEM || namespaceMatches(index, nsSel, KUBE_SYSTEM) === true;
      const scope = unsetSel
        ? `its namespaceSelector is ${nsSel === undefined || nsSel === null ? 'unset' : 'empty'}, so it covers every namespace, including "${svcNs}"`
        : `its namespaceSelector matches namespace "${svcNs}"`;
      const policy = fp === undefined || fp === null ? 'no failurePolicy (Fail by default)' : 'failurePolicy Fail';
      const also =
        kubeSystem && svcNs !== KUBE_SYSTEM
          ? `; it also covers ${KUBE_SYSTEM}, so while it is down no ${KUBE_SYSTEM} pod (CoreDNS, kube-proxy, often the CNI agent) can be recreated either`
          : kubeSystem
            ? `; that namespace is ${KUBE_SYSTEM}, so while it is down no other ${KUBE_SYSTEM} pod (CoreDNS, kube-proxy, often the CNI agent) can be recreated either`
            : '';
      out.push({
        message: `webhook "${name}" has ${policy}, rules[${rule}] covers pod CREATE, and ${scope} where its backend Service "${svcName}"${backend} runs, with no objectSelector: if every backend pod goes down at once (node loss, eviction, upgrade), the API server cannot reach the webhook and rejects their replacements, a deadlock only broken by deleting or editing ${showObject(resource)}${also}`,
        path: [...base, 'namespaceSelector'],
        ...(kubeSystem ? { severity: 'error' as const } : {}),
        related,
      });
    });
    return out;
  },
});
