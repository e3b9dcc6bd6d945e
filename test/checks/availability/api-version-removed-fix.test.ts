/**
 * api-version-removed: each finding's own fix, for its own kind. An apps workload gets apps/v1 with
 * the spec.selector it requires (its pod template's labels) and without the fields apps/v1 dropped;
 * an autoscaling/v2beta1 HPA gets its metrics in the v2 form; a kind whose fields are the same gets
 * the apiVersion line; kinds whose fields change and that the check does not read whole get the
 * changes in words; PodSecurityPolicy, which has no successor, is to be deleted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import check from '../../../src/checks/availability/api-version-removed.js';
import { allChecks } from '../../../src/checks/index.js';
import { runCheck } from '../../helpers/check-tester.js';
import { applyFixes } from '../../helpers/apply-fix.js';
import { audit, loadPlan } from '../../../src/engine/audit.js';
import { loadText } from '../../../src/sources/resources.js';
import type { Check } from '../../../src/checks/types.js';

const byId = (id: string): Check => allChecks.find((c) => c.id === id)!;

const OLD_DEPLOYMENT = `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  rollbackTo: {revision: 3}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.0
`;

describe('api-version-removed: the fix of each finding', () => {
  it('a Deployment in extensions/v1beta1 gets apps/v1 and its own selector, not an HPA example', () => {
    const [f] = runCheck(check, OLD_DEPLOYMENT);
    assert.equal(
      f.fixYaml,
      `apiVersion: apps/v1
spec:
  selector:
    matchLabels:
      app: web
      tier: front
  rollbackTo: null`,
    );
    assert.doesNotMatch(f.fixYaml!, /HorizontalPodAutoscaler/);
    assert.equal(
      f.fix,
      'Deployment "web": change apiVersion to apps/v1; add spec.selector (required in apps/v1 and immutable once created): the pod template\'s own labels, which the old version used as its default, so it selects the same pods; remove spec.rollbackTo (apps/v1 has no such field: roll back with kubectl rollout undo) (the YAML). Where the manifest sets nothing, apps/v1 defaults differ: spec.revisionHistoryLimit becomes 10 (it was unlimited); spec.progressDeadlineSeconds becomes 600 (there was no deadline); an unset maxSurge or maxUnavailable becomes 25% (it was 1); set these fields to keep the old behaviour.',
    );
  });

  it('applied: the finding is gone, and the selector selects the template (no workload check objects)', () => {
    const { before, after, fixed } = applyFixes(check, OLD_DEPLOYMENT);
    assert.equal(before.length, 1);
    assert.deepEqual(after, [], fixed);
    const d = yaml.load(fixed) as any;
    assert.equal(d.apiVersion, 'apps/v1');
    assert.equal('rollbackTo' in d.spec, false);
    for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
    assert.deepEqual(runCheck(byId('pod-template-rejected'), fixed).filter((x) => x.severity === 'error'), []);
  });

  it('labels a controller sets and templated ones are left out of the selector; no labels at all: one is added to both', () => {
    const text = OLD_DEPLOYMENT.replace('labels: {app: web, tier: front}', 'labels: {app: web, pod-template-hash: abc, env: "{{ .Values.env }}"}');
    assert.match(runCheck(check, text)[0].fixYaml!, /matchLabels:\n {6}app: web\n {2}rollbackTo/);
    const bare = OLD_DEPLOYMENT.replace('    metadata:\n      labels: {app: web, tier: front}\n', '');
    const [f] = runCheck(check, bare);
    assert.match(f.fixYaml!, /selector:\n {4}matchLabels:\n {6}app.kubernetes.io\/name: web\n {2}template:\n {4}metadata:\n {6}labels:\n {8}app.kubernetes.io\/name: web/);
    assert.match(f.fix!, /since the pod template has no labels to select, the same label on the template/);
    assert.deepEqual(applyFixes(check, bare).after, []);
    // A label value holds at most 63 characters, and ends alphanumeric.
    const long = `${'a'.repeat(62)}-b.c`;
    const [g] = runCheck(check, bare.replace('name: web, namespace: shop', `name: ${long}, namespace: shop`));
    assert.match(g.fixYaml!, new RegExp(`app.kubernetes.io/name: ${'a'.repeat(62)}\\n`));
  });

  it('a selector already written is kept; a DaemonSet loses templateGeneration and is told of the OnDelete default', () => {
    const ds = `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: agent}
spec:
  templateGeneration: 4
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: registry.example.com/agent:1.0}]
`;
    const [f] = runCheck(check, ds);
    assert.equal(f.fixYaml, 'apiVersion: apps/v1\nspec:\n  templateGeneration: null');
    assert.match(f.fix!, /remove spec.templateGeneration \(apps\/v1 has no such field\).*spec.updateStrategy.type becomes RollingUpdate \(it was OnDelete: pods were replaced only when deleted\); set the field to keep the old behaviour\.$/);
    assert.deepEqual(applyFixes(check, ds).after, []);
    // An explicit strategy: nothing to say about its default.
    assert.doesNotMatch(runCheck(check, ds.replace('  templateGeneration: 4\n', '  updateStrategy: {type: RollingUpdate}\n'))[0].fix!, /OnDelete|defaults differ/);
    // apps/v1beta2 had the apps/v1 defaults already: the apiVersion is the fix.
    const [g] = runCheck(check, ds.replace('extensions/v1beta1', 'apps/v1beta2').replace('  templateGeneration: 4\n', ''));
    assert.equal(g.fixYaml, 'apiVersion: apps/v1');
    assert.equal(g.fix, 'DaemonSet "agent": change apiVersion to apps/v1 (the YAML).');
  });

  it('a StatefulSet in apps/v1beta1: selector from the template, and the OnDelete default', () => {
    const sts = `apiVersion: apps/v1beta1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: registry.example.com/db:1.0}]
`;
    const [f] = runCheck(check, sts);
    assert.equal(f.fixYaml, 'apiVersion: apps/v1\nspec:\n  selector:\n    matchLabels:\n      app: db');
    assert.match(f.fix!, /spec.updateStrategy.type becomes RollingUpdate \(it was OnDelete/);
    assert.deepEqual(applyFixes(check, sts).after, []);
  });

  const HPA = `apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, targetAverageUtilization: 70}
  - type: Resource
    resource: {name: memory, targetAverageValue: 500Mi}
  - type: ContainerResource
    containerResource: {name: cpu, container: app, targetAverageUtilization: 60}
  - type: Pods
    pods: {metricName: requests_per_second, targetAverageValue: "100"}
  - type: Object
    object:
      target: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: web}
      metricName: hits
      targetValue: "2k"
  - type: Object
    object:
      target: {apiVersion: v1, kind: Service, name: web}
      metricName: hits
      targetValue: "1"
      averageValue: "300"
      selector: {matchLabels: {verb: GET}}
  - type: External
    external: {metricName: queue_depth, metricSelector: {matchLabels: {queue: jobs}}, targetAverageValue: "30"}
  - type: External
    external: {metricName: lag, targetValue: "5"}
`;

  it('an autoscaling/v2beta1 HPA gets its metrics in the v2 form', () => {
    const [f] = runCheck(check, HPA);
    assert.deepEqual(yaml.load(f.fixYaml!), {
      apiVersion: 'autoscaling/v2',
      spec: {
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } },
          { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
          { type: 'Object', object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, metric: { name: 'hits' }, target: { type: 'Value', value: '2k' } } },
          { type: 'Object', object: { describedObject: { apiVersion: 'v1', kind: 'Service', name: 'web' }, metric: { name: 'hits', selector: { matchLabels: { verb: 'GET' } } }, target: { type: 'AverageValue', averageValue: '300' } } },
          { type: 'External', external: { metric: { name: 'queue_depth', selector: { matchLabels: { queue: 'jobs' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
          { type: 'External', external: { metric: { name: 'lag' }, target: { type: 'Value', value: '5' } } },
        ],
      },
    });
    const { after, fixed } = applyFixes(check, HPA);
    assert.deepEqual(after, [], fixed);
    assert.doesNotMatch(fixed, /targetAverage|metricName/);
  });

  it("a dump's v2beta1 status goes: its fields are unknown to autoscaling/v2, whose strict validation rejects them", () => {
    const dump = `${HPA}status:
  currentReplicas: 2
  desiredReplicas: 2
  currentMetrics:
  - type: Resource
    resource: {name: cpu, currentAverageUtilization: 40, currentAverageValue: 100m}
`;
    const [f] = runCheck(check, dump);
    assert.match(f.fixYaml!, /\nstatus: null$/);
    assert.match(f.fix!, /; remove its status, which the controller writes and whose v2beta1 fields autoscaling\/v2 does not know\.$/);
    const { after, fixed } = applyFixes(check, dump);
    assert.deepEqual(after, []);
    assert.doesNotMatch(fixed, /currentAverage|status/);
    assert.doesNotMatch(runCheck(check, HPA)[0].fixYaml!, /status/);
  });

  it('an HPA whose metrics cannot be converted is told in words; v2beta2 needs only the apiVersion', () => {
    const [f] = runCheck(check, HPA.replace('type: External\n    external: {metricName: lag', 'type: Custom\n    external: {metricName: lag'));
    assert.equal(f.fixYaml, undefined);
    assert.equal(f.fix, 'HorizontalPodAutoscaler "web": change apiVersion to autoscaling/v2 and rewrite each of spec.metrics in its form (metric targets become target.type with averageUtilization or averageValue).');
    const [g] = runCheck(check, 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n');
    assert.equal(g.fixYaml, 'apiVersion: autoscaling/v2');
    assert.equal(g.fix, 'HorizontalPodAutoscaler "web": change apiVersion to autoscaling/v2 (the YAML); its fields are the same in autoscaling/v2.');
  });

  it('kinds whose fields are the same: the apiVersion line; an empty PDB selector changes meaning and is said', () => {
    const text = `apiVersion: storage.k8s.io/v1beta1
kind: StorageClass
metadata: {name: fast}
provisioner: pd.csi.storage.gke.io
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: r, image: registry.example.com/r:1.0}]
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {}
`;
    const found = runCheck(check, text).sort((a, b) => a.location.line! - b.location.line!);
    assert.deepEqual(found.map((f) => f.fixYaml), ['apiVersion: storage.k8s.io/v1', 'apiVersion: batch/v1', 'apiVersion: policy/v1']);
    assert.match(found[2].fix!, /Its selector is empty \(\{\}\): in policy\/v1beta1 it selected no pods, in policy\/v1 it selects every pod of the namespace; write the selector of the pods it is meant for\.$/);
    assert.doesNotMatch(runCheck(check, text.replace('selector: {}', 'selector: {matchLabels: {app: web}}')).find((f) => f.object.kind === 'PodDisruptionBudget')!.fix!, /empty/);
    assert.deepEqual(applyFixes(check, text).after, []);
  });

  it('kinds whose fields change and which the check does not read whole: the changes in words, no YAML', () => {
    const text = `apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {serviceName: web, servicePort: 80}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingWebhookConfiguration
metadata: {name: hook}
webhooks: []
---
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced, version: v1}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta2
kind: PriorityLevelConfiguration
metadata: {name: batch}
spec: {type: Limited, limited: {assuredConcurrencyShares: 10, limitResponse: {type: Reject}}}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: PriorityLevelConfiguration
metadata: {name: batch3}
spec: {type: Limited, limited: {nominalConcurrencyShares: 10, limitResponse: {type: Reject}}}
---
apiVersion: admissionregistration.k8s.io/v1alpha1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p, validationActions: [Deny]}
`;
    const found = runCheck(check, text).sort((a, b) => a.location.line! - b.location.line!);
    assert.deepEqual(
      found.map((f) => [f.object.kind, f.fixYaml ?? null]),
      [['Ingress', null], ['ValidatingWebhookConfiguration', null], ['CustomResourceDefinition', null], ['PriorityLevelConfiguration', null], ['PriorityLevelConfiguration', 'apiVersion: flowcontrol.apiserver.k8s.io/v1'], ['ValidatingAdmissionPolicyBinding', null]],
    );
    assert.match(found[0].fix!, /^Ingress "web": change apiVersion to networking.k8s.io\/v1, and rewrite what changes with it: each backend becomes service.name with service.port.number or service.port.name \(spec.backend becomes spec.defaultBackend\), and every path needs a pathType/);
    assert.match(found[1].fix!, /every webhook needs sideEffects \(None or NoneOnDryRun: the v1beta1 default Unknown is rejected\) and admissionReviewVersions/);
    assert.match(found[2].fix!, /each version needs a structural schema/);
    assert.match(found[3].fix!, /spec.limited.assuredConcurrencyShares becomes nominalConcurrencyShares/);
    assert.match(found[5].fix!, /a spec.paramRef needs parameterNotFoundAction/);
  });

  it('PodSecurityPolicy has no successor: delete it and label the namespaces', () => {
    const [f] = runCheck(check, 'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: restricted}\nspec: {}\n');
    assert.equal(f.fixYaml, undefined);
    assert.match(f.fix!, /^Delete PodSecurityPolicy "restricted" and the RBAC that lets pods use it .*pod-security.kubernetes.io\/enforce: baseline \(or restricted\)\.$/);
  });

  it("a kustomize patch fragment: the YAML is the target's apiVersion", () => {
    const fragment = 'apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: mutating-webhook-configuration\n';
    const resources = loadText(fragment, 'config/default/webhookcainjection_patch.yaml', loadPlan([check])).resources;
    const [f] = audit({ resources }, { checks: [check] }).verdicts.flatMap((v) => v.findings);
    assert.equal(f.severity, 'info');
    assert.equal(f.fixYaml, 'apiVersion: admissionregistration.k8s.io/v1');
    assert.equal(f.fix, "Set the patch's apiVersion to admissionregistration.k8s.io/v1, the version of the MutatingWebhookConfiguration it patches (the YAML).");
  });

  it('the documentation example shows more than one kind, each in a served version', () => {
    const docs = yaml.loadAll(check.fix.yaml) as { apiVersion: string; kind: string }[];
    assert.deepEqual(docs.map((d) => `${d.kind} ${d.apiVersion}`), ['Deployment apps/v1', 'HorizontalPodAutoscaler autoscaling/v2']);
    assert.deepEqual(runCheck(check, check.fix.yaml), []);
    assert.match(check.fix.yaml, /^# Two examples of kinds whose version moved: each kind has its own replacement, which the message names\./);
  });

  it('findings are unchanged: served versions stay silent', () => {
    assert.deepEqual(runCheck(check, OLD_DEPLOYMENT.replace('extensions/v1beta1', 'apps/v1').replace('  rollbackTo: {revision: 3}\n', '  selector: {matchLabels: {app: web}}\n')), []);
  });
});
