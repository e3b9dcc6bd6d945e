import { defineCheck, type FindingInput } from '../types.js';
import { scaleTargetGroupProblem, scaleTargetRef, refersTo } from '../../model/scale-target.js';
import { sourceWhere } from '../../model/index.js';

export default defineCheck({
  id: 'hpa-target-missing',
  pillar: 'availability',
  severity: 'warning',
  title: 'HorizontalPodAutoscaler target not found',
  whatBreaks:
    'When the object named in scaleTargetRef does not exist (a typo, a renamed Deployment, the wrong kind), the HPA cannot read its scale subresource: it reports FailedGetScale and never scales anything, while the real workload runs at its fixed replica count through every load peak.',
  details: `The HPA controller resolves \`spec.scaleTargetRef\` (\`kind\` and \`name\`, plus \`apiVersion\` for the
group) in the HPA's **own namespace**: an HPA cannot target an object in another namespace. When nothing
matches, the HPA's \`AbleToScale\` condition turns \`False\` with reason \`FailedGetScale\` and message
\`the HPA controller was unable to get the target's current scale: ...\`, a \`FailedGetScale\` warning event
carries the underlying error (\`deployments.apps "web" not found\`), and \`kubectl get hpa\` shows
\`<unknown>\` targets. Nothing fails loudly: the workload simply never scales.

The usual causes are a typo in \`name\`, a workload renamed without its HPA, the wrong \`kind\`
(\`Deployment\` for an Argo \`Rollout\`, \`StatefulSet\` for a \`Deployment\`), and an HPA that landed
in a different namespace from its workload.

This check looks for an object of that kind and name in the same namespace **in the input**. The target
may well live in another repository or be created by an operator, so the finding is reported as
*unknown* unless you say the input is complete for the namespace (\`--complete\`); then it fails.

The group is part of the reference: the controller takes the group of \`scaleTargetRef.apiVersion\` (the
version does not matter) and looks the kind up there. With no \`apiVersion\`, which validation accepts,
that is the core group, which serves no Deployment, StatefulSet or ReplicaSet and no custom kind: such an
HPA fails with \`FailedGetScale\` whatever the input holds, so that finding is never *unknown*.`,
  fix: {
    text: 'Make spec.scaleTargetRef name the workload exactly (apiVersion, kind and name), and deploy the HPA into the same namespace as the workload.',
    yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop            # same namespace as the Deployment
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web                # exactly metadata.name of the Deployment
  maxReplicas: 10`,
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler'],
  run({ resource, index }) {
    const out: FindingInput[] = [];
    const ref = scaleTargetRef(resource);
    // A malformed or unrendered reference (missing fields, templates) is not ours to judge.
    if (!ref || /[{}$]/.test(ref.kind + ref.name)) return out;
    // A kind or name the API server refuses (apps/Deployment, shop/web): object-rejected's.
    if (/[/%]/.test(ref.kind + ref.name) || ['.', '..'].includes(ref.kind) || ['.', '..'].includes(ref.name)) return out;
    const { kind, name } = ref;
    const problem = scaleTargetGroupProblem(ref);
    if (problem) {
      out.push({
        message: `${problem.message}: it reports FailedGetScale (no matches for kind "${kind}") and never scales ${kind} "${name}"; ${problem.want ? `set scaleTargetRef.apiVersion: ${problem.want}` : 'set scaleTargetRef.apiVersion to the group and version that serve the kind'}${ref.group === '' ? ` (the Kubernetes 1.37 API server refuses it outright: spec.scaleTargetRef.apiVersion: Invalid value: ${JSON.stringify(ref.apiVersion ?? '')}: apiVersion must specify API group; older ones accept it)` : ''}`,
        path: ref.apiVersion === undefined ? ['spec', 'scaleTargetRef'] : ['spec', 'scaleTargetRef', 'apiVersion'],
      });
      return out;
    }
    const ns = index.namespaceOf(resource);
    if (index.named(kind, name).some((r) => index.namespaceOf(r) === ns && refersTo(ref, r))) return out;
    const elsewhere = index
      .named(kind, name)
      .map((r) => index.namespaceOf(r))
      .filter((n, i, all) => all.indexOf(n) === i);
    const hint =
      elsewhere.length > 0
        ? ` (the input has ${kind}/${name} in namespace ${elsewhere.map((n) => `"${n}"`).join(', ')}, but an HPA only targets objects in its own namespace "${ns}")`
        : '';
    out.push({
      message: `scaleTargetRef names ${kind} "${name}", which is not in namespace "${ns}" in the input${hint}: if it does not exist in the cluster either, the HPA reports FailedGetScale and never scales anything; check the kind and name`,
      path: ['spec', 'scaleTargetRef', 'name'],
      unknown: `the target ${kind}/${name} is not in the input`,
      knownMessage: `scaleTargetRef names ${kind} "${name}", which is not in namespace "${ns}" ${sourceWhere(index)}${hint}: the HPA reports FailedGetScale and never scales anything; check the kind and name`,
    });
    return out;
  },
});
