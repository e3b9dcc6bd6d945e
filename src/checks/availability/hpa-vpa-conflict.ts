import { defineCheck, type FieldPath, type FindingInput, type Resource, type Workload } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { get, getString, isObject, isTemplated } from '../../model/util.js';
import { removedApi } from '../../model/removed-apis.js';
import { podQuantity } from '../resources/shared.js';
import { hpaTargets, type Res, type UtilizationMetric as Metric, utilizationMetrics } from './util.js';

const VPA_API = 'autoscaling.k8s.io/v1';
/** VPA v1.8 updateMode values (pkg/apis/autoscaling.k8s.io/v1/types.go); every one but Off sets requests. */
const UPDATE_MODES = new Set(['Off', 'Initial', 'Recreate', 'Auto', 'InPlaceOrRecreate', 'InPlace']);


/** What a VPA does to the pods, when it can be read; undefined when it sets nothing or cannot be judged. */
interface VpaPolicy {
  /** The update mode as it acts, and how it is written. */
  modeText: string;
  modePath: FieldPath;
  /** Whether it sets `res` on a container of this name (undefined: a container without a policy of its own). */
  controls(container: string | undefined, res: Res): boolean | undefined;
  /** Named container policies, for a pod template that is not in the input. */
  named: string[];
}

function readVpa(vpa: Resource): VpaPolicy | undefined {
  const up = get(vpa.object, ['spec', 'updatePolicy']);
  if (up !== undefined && up !== null && !isObject(up)) return undefined;
  const mode = get(up, ['updateMode']);
  let modeText: string;
  if (mode === undefined || mode === null || mode === '') modeText = 'no updateMode: Recreate by default';
  else if (typeof mode === 'string' && UPDATE_MODES.has(mode)) {
    if (mode === 'Off') return undefined;
    modeText = `updateMode ${mode}`;
  } else return undefined;
  const rp = get(vpa.object, ['spec', 'resourcePolicy']);
  if (rp !== undefined && rp !== null && !isObject(rp)) return undefined;
  const cps = get(rp, ['containerPolicies']);
  if (cps !== undefined && cps !== null && !Array.isArray(cps)) return undefined;
  const policies = (Array.isArray(cps) ? cps : []).filter(isObject);
  if (policies.some((p) => typeof p.containerName !== 'string' || isTemplated(p.containerName))) return undefined;
  // pkg/utils/vpa/api.go GetContainerResourcePolicy: the container's own policy, else the "*" one.
  const policyFor = (name: string | undefined) => (name !== undefined ? policies.find((p) => p.containerName === name) : undefined) ?? policies.find((p) => p.containerName === '*');
  const controls = (name: string | undefined, res: Res): boolean | undefined => {
    const p = policyFor(name);
    if (!p) return true;
    const m = p.mode;
    if (m === 'Off') return false;
    if (m !== undefined && m !== null && m !== 'Auto') return undefined;
    const cr = p.controlledResources;
    // Default [cpu, memory] (pkg/recommender/model/aggregate_container_state.go DefaultControlledResources).
    if (cr === undefined || cr === null) return true;
    if (!Array.isArray(cr) || !cr.every((x) => typeof x === 'string') || cr.some((x) => isTemplated(x))) return undefined;
    return cr.includes(res);
  };
  return {
    modeText,
    modePath: mode === undefined || mode === null ? ['spec', 'targetRef'] : ['spec', 'updatePolicy', 'updateMode'],
    controls,
    named: policies.map((p) => p.containerName as string).filter((n) => n !== '*'),
  };
}

/** The VPAs (autoscaling.k8s.io/v1) targeting the HPA's workload, deployed with it. */
function vpasFor(index: ResourceIndex, hpa: Resource, kind: string, name: string, targets: Resource[]): Resource[] {
  return index.ofKind('VerticalPodAutoscaler').filter((v) => {
    if (v.apiVersion !== VPA_API) return false;
    if (getString(v.object, ['spec', 'targetRef', 'kind']) !== kind || getString(v.object, ['spec', 'targetRef', 'name']) !== name) return false;
    if (!index.deployedWith(v, hpa)) return false;
    return targets.length === 0 || targets.some((t) => index.deployedWith(v, t));
  });
}

/** Containers of the template whose request of the metric's resource the VPA sets; undefined: cannot tell. */
function conflict(m: Metric, p: VpaPolicy, w: Workload | undefined): string[] | undefined {
  // The VPA admission controller patches regular containers only (pod.spec.containers).
  if (w) {
    const regular = w.containers.filter((c) => c.type === 'container');
    if (regular.some((c) => c.name.startsWith('#'))) return undefined;
    if (m.container !== undefined) {
      const c = regular.find((x) => x.name === m.container);
      return c && p.controls(c.name, m.res) === true ? [c.name] : undefined;
    }
    // Pod-level resources: the HPA divides by the pod-level request, which the VPA does not set.
    if (podQuantity(w, 'requests', m.res) || podQuantity(w, 'limits', m.res)) return undefined;
    const hit = regular.filter((c) => p.controls(c.name, m.res) === true).map((c) => c.name);
    return hit.length ? hit : undefined;
  }
  if (m.container !== undefined) return p.controls(m.container, m.res) === true ? [m.container] : undefined;
  // No pod template in the input: only when every policy of the VPA (and so every container) sets it.
  if (p.controls(undefined, m.res) !== true || !p.named.every((n) => p.controls(n, m.res) === true)) return undefined;
  return [];
}

function names(list: string[]): string {
  return list.map((n) => `"${n}"`).join(', ');
}

export default defineCheck({
  id: 'hpa-vpa-conflict',
  pillar: 'availability',
  severity: 'error',
  title: 'HorizontalPodAutoscaler and VerticalPodAutoscaler act on the same resource',
  whatBreaks:
    "An HPA that scales on CPU or memory utilization divides usage by the pods' requests, and a VerticalPodAutoscaler on the same workload rewrites those requests from the same usage. Every VPA change moves the HPA's signal: as load grows the VPA raises the requests, the HPA sees utilization fall and scales in (or never scales out), and the VPA evicts pods to apply its sizes, so capacity swings instead of following the load.",
  details: `Fires on a HorizontalPodAutoscaler with a \`Resource\` or \`ContainerResource\` metric on \`cpu\` or \`memory\`
with a **Utilization** target (\`autoscaling/v2\` \`target.type: Utilization\`, \`v2beta1\`
\`targetAverageUtilization\`, \`autoscaling/v1\` \`targetCPUUtilizationPercentage\`, and the default 80% CPU
utilization of an HPA with no metrics) when a \`VerticalPodAutoscaler\` (\`autoscaling.k8s.io/v1\`) deployed
with it targets the same workload (same \`targetRef\` kind and name, same namespace, or same folder for
manifests without one) and sets that resource:

- its \`updatePolicy.updateMode\` is anything but \`Off\` (unset means \`Recreate\`: \`GetUpdateMode\` in the
  VPA's pkg/utils/vpa/api.go; \`Initial\` too, since it sizes every pod the HPA adds), and
- the policy of the measured container (its own \`containerPolicies\` entry, else the \`containerName: "*"\`
  one, else none) is not \`mode: Off\` and lists the resource in \`controlledResources\` (default
  \`[cpu, memory]\`). A \`ContainerResource\` metric is judged on its container; a \`Resource\` metric on
  every regular container. The VPA only sets the requests of regular containers (\`pod.spec.containers\`).

The VPA project documents this combination as unsupported ("should not be used with the HPA on the same
resource metric", docs/known-limitations.md) and recommends splitting the resources: a VPA on memory only
with an HPA on CPU, or an HPA on custom or external metrics.

Not reported: VPAs in \`Off\` mode or that control only the other resource, HPA metrics of type
\`Pods\`, \`Object\` or \`External\`, \`AverageValue\` targets (they do not divide by the request), a
template with pod-level resources (the HPA then uses the pod-level request, which the VPA does not set),
VPAs of other namespaces or folders or targeting another workload, and \`autoscaling.k8s.io/v1beta2\`
VPAs (no longer served). When the target's pod template is not in the input, a \`Resource\` metric is
reported only when every container policy of the VPA sets the resource.`,
  fix: {
    text: 'Split the resources: let the VerticalPodAutoscaler control only memory (controlledResources: [memory]) while the HPA scales on CPU, set the VPA to updateMode: Off to keep only its recommendations, or scale the HPA on a custom or external metric.',
    yaml: `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: web
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  updatePolicy:
    updateMode: Recreate
  resourcePolicy:
    containerPolicies:
      - containerName: "*"
        controlledResources: ["memory"]   # the HPA scales on cpu`,
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler'],
  uses: ['VerticalPodAutoscaler'],
  run({ resource: hpa, index }) {
    const out: FindingInput[] = [];
    if (removedApi(hpa.apiVersion, hpa.kind)) return out;
    const ref = hpaTargets(index, hpa);
    if (!ref || isTemplated(ref.kind) || isTemplated(ref.name)) return out;
    const { kind, name, targets } = ref;
    // Worded for "the HPA scales ... on <what>".
    const metrics = utilizationMetrics(hpa).map((m) => (m.defaulted ? { ...m, what: `the default 80% CPU utilization (no ${m.defaulted})` } : m));
    if (metrics.length === 0) return out;
    const vpas = vpasFor(index, hpa, kind, name, targets);
    if (vpas.length === 0) return out;
    // The pod template(s) of the target, when the input has them (duplicated manifests: judged on each).
    const templates: (Workload | undefined)[] = ref.workloads ?? [undefined];
    for (const vpa of vpas) {
      const p = readVpa(vpa);
      if (!p) continue;
      for (const m of metrics) {
        const hits = templates.map((w) => conflict(m, p, w));
        if (hits.some((h) => h === undefined)) continue;
        const containers = hits[0]!;
        const whose = containers.length === 0 ? 'its containers' : containers.length === 1 ? `container ${names(containers)}` : `containers ${names(containers)}`;
        out.push({
          message: `the HPA scales ${kind} "${name}" on ${m.what}, and VerticalPodAutoscaler "${vpa.name}" (${p.modeText}) also sets the ${m.res} requests of ${whose}: utilization is usage divided by those requests, so every VPA change moves the HPA's signal and the two fight (the VPA raises requests as load grows, the HPA then sees utilization fall and scales in or stops scaling out); let the VPA control only the other resource (controlledResources) or scale the HPA on another metric`,
          path: m.path,
          related: [{ resource: vpa, path: p.modePath, note: `sets ${m.res} requests` }],
        });
      }
    }
    return out;
  },
});
