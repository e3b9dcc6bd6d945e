// HorizontalPodAutoscalers: why one does not scale, or stops at its maximum.
import { sourceWhere } from '../../model/index.js';
import type { Json, Resource } from '../../model/types.js';
import { eventsFor, formatTime, type ObjectEvent } from '../../model/events.js';
import { isTerminating, podsOf, warnings } from '../../model/runtime.js';
import { didYouMean, get, getArray, getNumber, getString, isObject, joinAnd, nearNames } from '../../model/util.js';
import { hpaFixText, hpaTroubleText } from '../../checks/runtime/hpa-not-scaling.js';
import { ambiguousPeers, hpaCondition, hpaMetrics, hpaSynced, hpaTarget, hpaTrouble, replicasAskedFor, type HpaTrouble } from '../../model/autoscaler-status.js';
import { scaleTargetRef } from '../../model/scale-target.js';
import { type DiagnoseKind, type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type Evidence, KUBECTL_NAME, type Prevention, type Problem } from './types.js';
import { type Ctx, ev, flow, mergeAcrossPods, nsFlag, preventIf, prevention, quote, ref, show, sortProblems, st, statusOf, unreadOf } from './common.js';
import { podProblems } from './pods.js';

/** A container's requests, with the missing resource filled in as a placeholder to size. */
function requestYaml(container: string, resource: string, requests: Record<string, Json>, list: 'containers' | 'initContainers' = 'containers'): string {
  const lines = Object.entries(requests).filter(([k]) => k !== resource).map(([k, v]) => `            ${k}: ${flow(v)}`);
  const sized = resource === 'cpu' ? '100m' : resource === 'memory' ? '128Mi' : 'VALUE';
  return `spec:\n  template:\n    spec:\n      ${list}:\n      - name: ${container}\n        resources:\n          requests:\n            ${resource}: ${sized}   # size from its measured usage: utilization = usage / request\n${lines.join('\n')}`.trimEnd();
}

/** One merged HPA holding every metric of the HPAs over the same pods (the controller scales to the highest count any metric asks for). */
function mergedHpaYaml(x: Ctx, hpa: Resource, others: Resource[]): string {
  const all = [hpa, ...others];
  // Every metric once (the same metric in two HPAs is kept from the first).
  const seen = new Set<string>();
  const metrics: string[] = [];
  for (const h of all) for (const m of getArray(h.object, ['spec', 'metrics'])) {
    const key = JSON.stringify(m);
    if (seen.has(key)) continue;
    seen.add(key);
    metrics.push(`  - ${flow(m)}   # from ${h.name}`);
  }
  const bound = (field: 'minReplicas' | 'maxReplicas', dflt: number | undefined) => {
    const values = all.map((h) => getNumber(h.object, ['spec', field]) ?? dflt);
    const own = values[0];
    const known = values.filter((v): v is number => v !== undefined);
    const chosen = own ?? (known.length ? Math.max(...known) : 10);
    const differ = all.map((h, i) => `${h.name} ${values[i] ?? 'unset'}`);
    return `  ${field}: ${chosen}${new Set(values).size > 1 ? `   # kept from ${hpa.name}; ${differ.join(', ')}` : ''}`;
  };
  const behavior = get(hpa.object, ['spec', 'behavior']);
  const t = scaleTargetRef(hpa);
  return [
    'apiVersion: autoscaling/v2',
    'kind: HorizontalPodAutoscaler',
    'metadata:',
    `  name: ${hpa.name}`,
    `  namespace: ${x.index.namespaceOf(hpa)}`,
    'spec:',
    `  scaleTargetRef: ${t ? flow({ apiVersion: t.apiVersion ?? 'apps/v1', kind: t.kind, name: t.name }) : '{}'}`,
    bound('minReplicas', 1),
    bound('maxReplicas', undefined),
    ...(isObject(behavior) ? [`  behavior: ${flow(behavior)}   # kept from ${hpa.name}`] : []),
    '  metrics:',
    ...metrics,
  ].join('\n');
}

/** What the HPA's trouble is, as a diagnosis problem; null when it works or only waits (scaled to 0). */
export function hpaProblem(x: Ctx, hpa: Resource, t: HpaTrouble): Problem | null {
  if (t.severity === 'info') return null;
  const index = x.index;
  const ns = index.namespaceOf(hpa);
  const n = nsFlag(index, hpa);
  const ref0 = scaleTargetRef(hpa);
  const target = hpaTarget(index, hpa);
  const c = t.condition;
  const evidence: Evidence[] = [
    t.cause === 'not-processed'
      ? st(hpa, ['status'], `no status.conditions; created ${formatTime(c.since)}`, index)
      : st(hpa, c.path, `condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.since !== undefined ? ` since ${formatTime(c.since)}` : ''}${c.message ? `: "${quote(c.message, 400)}"` : ''}`, index),
  ];
  // The controller's event for this cause (the same reason, or the metric-failure events), not an older one's.
  const related = (e: ObjectEvent) => e.reason === c.reason || (c.type === 'ScalingActive' && /^Failed(Get|Compute)/.test(e.reason));
  const warn = t.cause === 'at-max' || t.cause === 'scale-up-disabled' || t.cause === 'not-processed' ? undefined : warnings(index, hpa).filter(related).sort((a, b) => (a.time ?? 0) - (b.time ?? 0)).pop();
  if (warn) evidence.push(ev(warn, index));
  const fix: Problem['fix'] = { text: hpaFixText(t, hpa, index), commands: [], yaml: null };
  const prevent: Prevention[] = [];
  let symptom = `HPA ${hpa.name} does not scale: ${t.cause === 'at-max' ? 'pinned at maxReplicas' : (c.reason ?? c.type)}`;
  switch (t.cause) {
    case 'target-missing': {
      symptom = `HPA ${hpa.name} scales nothing: ${ref0 ? `${ref0.kind} ${ref0.name}` : 'its target'} does not exist`;
      const near = ref0 ? nearNames(ref0.name, index.inNamespace(ref0.kind, ns).map((r) => r.name), true) : [];
      if (near.length) evidence.push(st(hpa, ['spec', 'scaleTargetRef', 'name'], `${ref0!.kind}s in ${ns}: ${didYouMean(near)}`, index, 'spec'));
      fix.commands = [`kubectl ${n} get deploy,sts`];
      if (ref0 && near.length === 1) {
        fix.commands.unshift(`kubectl ${n} patch hpa ${hpa.name} --type=merge -p '{"spec":{"scaleTargetRef":{"name":"${near[0]}"}}}'`);
        fix.yaml = `spec:\n  scaleTargetRef:\n    apiVersion: ${ref0.apiVersion ?? 'apps/v1'}\n    kind: ${ref0.kind}\n    name: ${near[0]}   # was ${ref0.name}`;
      }
      const p = preventIf(x, hpa, 'hpa-target-missing', 'an HPA whose scaleTargetRef names no workload in the manifests is caught before it is applied');
      if (p) prevent.push(p);
      break;
    }
    case 'target-unscalable': {
      symptom = `HPA ${hpa.name} cannot read its target's scale`;
      // The same kind and name in another API group: the reference's apiVersion is the mistake.
      const other = ref0 ? index.inNamespace(ref0.kind, ns).find((r) => r.name === ref0.name) : undefined;
      if (ref0 && other && !target) {
        symptom = `HPA ${hpa.name} scales nothing: scaleTargetRef names ${ref0.kind} ${ref0.name} in ${ref0.apiVersion ?? 'the core group'}, which is in ${other.apiVersion}`;
        evidence.push(st(other, [], `${other.kind} ${other.name} exists as ${other.apiVersion}`, index, 'spec'));
        fix.text = `Set scaleTargetRef.apiVersion to ${other.apiVersion}: the controller looks the kind up in the group the apiVersion names.`;
        fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=merge -p '{"spec":{"scaleTargetRef":{"apiVersion":"${other.apiVersion}"}}}'`];
      } else if (ref0) {
        const plural = `${ref0.kind.toLowerCase()}`;
        fix.commands = [`kubectl ${n} get ${plural} ${ref0.name}`, `kubectl api-resources | grep -iw ${plural}`, ...(ref0.group ? [`kubectl get crd -o jsonpath='{range .items[?(@.spec.group=="${ref0.group}")]}{.metadata.name}{": "}{.spec.versions[*].subresources.scale}{"\\n"}{end}'`] : [])];
      }
      break;
    }
    case 'missing-request': {
      symptom = `HPA ${hpa.name} does not scale: container ${t.container ?? '?'} has no ${t.resource ?? 'cpu'} request`;
      if (target && t.container) {
        const main = getArray(target.object, ['spec', 'template', 'spec', 'containers']);
        const init = getArray(target.object, ['spec', 'template', 'spec', 'initContainers']);
        const inMain = main.find((k) => isObject(k) && k.name === t.container);
        const inInit = init.find((k) => isObject(k) && k.name === t.container);
        const found = inMain ?? inInit;
        if (!found) {
          // Not in the template: an admission webhook adds it to each pod (Istio's istio-proxy, Linkerd's linkerd-proxy, Vault's agent).
          fix.text = `Container ${t.container} is not in ${target.kind} ${target.name}'s pod template: an admission webhook injects it into each pod, so its request is set through the injector (Istio: the pod template annotations sidecar.istio.io/proxyCPU and proxyMemory, or the mesh's proxy defaults; Linkerd: config.linkerd.io/proxy-cpu-request), or scale on a ContainerResource metric of the application container instead, which ignores the others.`;
          fix.yaml = t.container === 'istio-proxy' && (t.resource ?? 'cpu') === 'cpu' ? `spec:
  template:
    metadata:
      annotations:
        sidecar.istio.io/proxyCPU: 100m   # size from its measured usage` : null;
        } else {
          const requests = isObject(found) ? get(found, ['resources', 'requests']) : undefined;
          fix.yaml = requestYaml(t.container, t.resource ?? 'cpu', isObject(requests) ? requests : {}, inMain ? 'containers' : 'initContainers');
          fix.commands = [`kubectl ${n} set resources ${KUBECTL_NAME[target.kind as DiagnoseKind] ?? target.kind.toLowerCase()}/${target.name} -c ${t.container} --requests=${t.resource ?? 'cpu'}=${t.resource === 'memory' ? '128Mi' : '100m'}`];
        }
      }
      const p = preventIf(x, hpa, 'hpa-utilization-without-requests', 'a utilization target over containers without a request is caught in the manifests', { general: 'give every container a request for each resource the HPA scales on (sidecars and injected containers too)' });
      if (p) prevent.push(p);
      break;
    }
    case 'metrics-api-missing':
    case 'metrics-api-unavailable':
    case 'metrics-not-returned':
      fix.commands = ['kubectl get apiservice v1beta1.metrics.k8s.io', `kubectl ${n} top pods`];
      if (t.cause !== 'metrics-api-missing') fix.commands.push('kubectl -n kube-system logs deploy/metrics-server --tail=50');
      symptom = `HPA ${hpa.name} does not scale: ${t.cause === 'metrics-api-missing' ? 'no resource metrics API (metrics-server not installed)' : t.cause === 'metrics-api-unavailable' ? 'the resource metrics API does not answer' : 'no usage for the pods'}`;
      prevent.push(prevention(null, 'a cluster prerequisite no manifest shows: alert on HPAs whose ScalingActive condition is False (kube-state-metrics: kube_horizontalpodautoscaler_status_condition{condition="ScalingActive",status="false"})'));
      break;
    case 'custom-metrics-unavailable':
      symptom = `HPA ${hpa.name} does not scale: ${t.metric ? `metric ${t.metric}` : 'its metric'} is not served by ${t.api ?? 'a metrics adapter'}`;
      fix.commands = [`kubectl get apiservice v1beta1.${t.api ?? 'custom.metrics.k8s.io'}`, `kubectl get --raw /apis/${t.api ?? 'custom.metrics.k8s.io'}/v1beta1`];
      prevent.push(prevention(null, 'alert on HPAs whose ScalingActive condition is False (kube-state-metrics: kube_horizontalpodautoscaler_status_condition{condition="ScalingActive",status="false"})'));
      break;
    case 'ambiguous-selector': {
      const { hpas: others, sameTarget } = ambiguousPeers(index, hpa, t.others ?? []);
      const targetOf = (h: Resource) => scaleTargetRef(h);
      for (const h of others.slice(0, 3)) evidence.push(st(h, ['spec', 'scaleTargetRef'], `HPA ${h.name}: scaleTargetRef ${targetOf(h) ? `${targetOf(h)!.kind} ${targetOf(h)!.name}` : '?'}, metrics ${hpaMetrics(h).map((m) => m.text.replace(/: .*?\(target /, ' (target ')).join(', ') || 'none'}`, index, 'spec'));
      fix.commands = [`kubectl ${n} get hpa`];
      if (sameTarget) {
        symptom = `HPA ${hpa.name} does not scale: HPA ${joinAnd(others.map((h) => h.name))} scales the same ${ref0!.kind}`;
        fix.yaml = mergedHpaYaml(x, hpa, others);
      } else {
        // Different workloads whose pods overlap: the selectors are the mistake, not the HPAs (hpaFixText says so).
        symptom = `HPA ${hpa.name} does not scale: ${others.length ? `HPA ${joinAnd(others.map((h) => h.name))} counts the same pods` : 'another HPA selects the same pods'}`;
        fix.commands = [`kubectl ${n} get hpa`, ...(ref0 ? [`kubectl ${n} get ${ref0.kind.toLowerCase()} ${ref0.name} -o jsonpath='{.spec.selector}'`] : [])];
      }
      break;
    }
    case 'pods-unready':
    case 'no-pods':
      symptom = `HPA ${hpa.name} does not scale: ${t.cause === 'no-pods' ? 'its target has no pods' : 'no metrics from its target\'s pods (not ready)'}`;
      if (target) fix.commands = [`kubeready diagnose ${KUBECTL_NAME[target.kind as DiagnoseKind] ?? target.kind.toLowerCase()}/${target.name} ${n}`];
      break;
    case 'at-max': {
      const max = getNumber(hpa.object, ['spec', 'maxReplicas']) ?? 0;
      symptom = `HPA ${hpa.name} is pinned at maxReplicas ${max}`;
      for (const m of hpaMetrics(hpa)) evidence.push(st(hpa, m.path, `metric ${m.text}`, index, 'status'));
      const asked = replicasAskedFor(hpa);
      const raised = asked !== undefined && asked > max ? asked : Math.max(max + 1, Math.ceil(max * 1.5));
      fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=merge -p '{"spec":{"maxReplicas":${raised}}}'`];
      fix.yaml = `spec:\n  maxReplicas: ${raised}   # was ${max}${asked !== undefined && asked > max ? '; what the metrics ask for now' : ''}: check that the nodes (or the cluster autoscaler) have room, and the cost`;
      break;
    }
    case 'scale-update-failed':
      fix.commands = [`kubectl ${n} describe hpa ${hpa.name}`];
      break;
    case 'metric-container-missing': {
      const names = target ? getArray(target.object, ['spec', 'template', 'spec', 'containers']).map((k) => getString(k, ['name'])).filter((v): v is string => !!v) : [];
      const near = t.container ? nearNames(t.container, names) : [];
      symptom = `HPA ${hpa.name} does not scale: its metric names container ${t.container ?? '?'}, which the pods do not have`;
      if (names.length) evidence.push(st(target!, ['spec', 'template', 'spec', 'containers'], `containers of ${target!.kind} ${target!.name}: ${names.join(', ')}${near.length ? `; ${didYouMean(near)}` : ''}`, index, 'spec'));
      const i = getArray(hpa.object, ['spec', 'metrics']).findIndex((m) => getString(m, ['containerResource', 'container']) === t.container);
      if (near.length === 1 && i >= 0) fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=json -p '[{"op":"replace","path":"/spec/metrics/${i}/containerResource/container","value":"${near[0]}"}]'`];
      break;
    }
    case 'metric-unreadable':
      symptom = `HPA ${hpa.name} does not scale down: it cannot read ${t.metric ?? 'one of its metrics'}`;
      for (const m of hpaMetrics(hpa)) evidence.push(st(hpa, m.path, `metric ${m.text}`, index, 'status'));
      fix.commands = [`kubectl ${n} describe hpa ${hpa.name}`];
      break;
    case 'scale-up-disabled':
      symptom = `HPA ${hpa.name} does not scale up: behavior.scaleUp.selectPolicy is Disabled`;
      for (const m of hpaMetrics(hpa)) evidence.push(st(hpa, m.path, `metric ${m.text}`, index, 'status'));
      fix.commands = [`kubectl ${n} patch hpa ${hpa.name} --type=json -p '[{"op":"remove","path":"/spec/behavior/scaleUp/selectPolicy"}]'`];
      break;
    case 'not-processed':
      symptom = `HPA ${hpa.name} has no conditions: the HPA controller is not processing it`;
      fix.commands = ['kubectl -n kube-system get pods -l component=kube-controller-manager'];
      break;
    default:
      fix.commands = [`kubectl ${n} describe hpa ${hpa.name}`];
  }
  return {
    check: 'hpa-not-scaling',
    severity: t.severity === 'warning' ? 'warning' : 'error',
    symptom,
    object: ref(hpa, index),
    container: t.container ?? null,
    pods: [],
    evidence,
    cause: hpaTroubleText(t, hpa, index, { quote: false }),
    fix,
    prevent,
    logs: null,
  };
}

export function hpaDiagnosis(x: Ctx, hpa: Resource): Diagnosis {
  const index = x.index;
  const ns = index.namespaceOf(hpa);
  const t0 = scaleTargetRef(hpa);
  const target = hpaTarget(index, hpa);
  const min = getNumber(hpa.object, ['spec', 'minReplicas']) ?? 1;
  const max = getNumber(hpa.object, ['spec', 'maxReplicas']);
  // status.currentReplicas is omitted when 0; desiredReplicas is 0 while no count can be computed.
  const current = getNumber(hpa.object, ['status', 'currentReplicas']) ?? (hpaSynced(hpa) ? 0 : undefined);
  const computing = hpaCondition(hpa, 'ScalingActive')?.status !== 'False' && hpaCondition(hpa, 'AbleToScale')?.status !== 'False';
  const desired = computing ? getNumber(hpa.object, ['status', 'desiredReplicas']) : undefined;
  const walked = [show(ref(hpa, index))];
  const targetUnread = t0 ? unreadOf(x.opts, [t0.kind], ns) : [];
  const replicasText = (n: number | undefined) => (n === undefined ? '? replicas' : `${n} replica${n === 1 ? '' : 's'}`);
  const sameName = t0 && !target ? index.inNamespace(t0.kind, ns).find((r) => r.name === t0.name) : undefined;
  const listed = !t0 || !index.listedKinds || index.listedKinds.has(t0.kind);
  walked.push(
    t0
      ? `target ${t0.kind} ${t0.name}: ${target ? replicasText(getNumber(target.object, ['spec', 'replicas'])) : targetUnread.length ? 'not read' : sameName ? `exists as ${sameName.apiVersion}, but scaleTargetRef names ${t0.apiVersion ?? 'the core group'}` : listed ? `not found ${sourceWhere(index)}` : `not read (diagnose does not list ${t0.kind})`}`
      : 'target: no scaleTargetRef',
  );
  walked.push(`replicas: ${current ?? '?'} now${desired !== undefined ? `, ${desired} desired` : ''}, min ${min}, max ${max ?? '?'}`);
  const metrics = hpaMetrics(hpa);
  if (metrics.length) walked.push(`metrics: ${metrics.map((m) => m.text).join('; ')}`);
  const conds = ['AbleToScale', 'ScalingActive', 'ScalingLimited'].map((c) => hpaCondition(hpa, c)).filter((c) => c !== undefined);
  if (conds.length) walked.push(`conditions: ${conds.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ')}`);
  walked.push(`Events: ${eventsFor(index, hpa).length}`);
  const problems: Problem[] = [];
  let symptom: string | undefined;
  const t = hpaTrouble(hpa, x.now);
  if (!hpaSynced(hpa) && !t) {
    x.notes.add('the HPA has no conditions: the HPA controller (kube-controller-manager) has not processed it yet');
    symptom = 'no conditions yet: not processed by the HPA controller (it was created less than two minutes ago)';
  } else if (t) {
    const p = hpaProblem(x, hpa, t);
    if (p) problems.push(p);
    else symptom = hpaTroubleText(t, hpa, index);
    // Pods that are not ready are the cause: their own problems follow the HPA's.
    if (target && p && (t.cause === 'pods-unready' || t.cause === 'no-pods')) {
      const podProbs = mergeAcrossPods(podsOf(index, target).filter((q) => !isTerminating(q)).flatMap((q) => podProblems(x, q)));
      if (podProbs.length) {
        p.cause += ` (their problems: \u00a7see:pods|below\u00a7)`;
        problems.push(...sortProblems(podProbs));
      }
    }
  }
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(hpa, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? symptom ?? `scaling: ${current ?? '?'} replicas (min ${min}, max ${max ?? '?'})${metrics.length ? `; ${metrics.map((m) => m.text).join('; ')}` : ''}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}
