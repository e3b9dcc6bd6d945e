// Services: selector, ready endpoints and ports, and the problems of the pods behind them.
import { sourceWhere } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { endpointsOf, isPodReady, isTerminating, podsSelectedBy, serviceSelectorOf, topOwner } from '../../model/runtime.js';
import { formatLabels } from '../../model/selector.js';
import { get, getArray, getNumber, getString, stringMap } from '../../model/util.js';
import { nearMisses, podState, templatesSelected } from '../../checks/runtime/service-no-ready-endpoints.js';
import { type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type Evidence, type Problem } from './types.js';
import { compact, confirmed, type Ctx, mergeAcrossPods, nsFlag, podsLine, preventIf, prevention, ref, show, sortProblems, st, statusOf, unreadOf, unreadText } from './common.js';
import { podProblems } from './pods.js';

/**
 * Ports of a Service that reach no endpoint: a named targetPort no selected container declares (the
 * EndpointSlice controller then publishes no port for those pods: `ports: null`), read from the pods
 * and from the slices themselves. As the audit's service-target-port-unresolved.
 */
function portProblems(x: Ctx, svc: Resource, pods: Resource[], podsKnown: boolean, ep: ReturnType<typeof endpointsOf>): Problem[] {
  const index = x.index;
  const out: Problem[] = [];
  const slices = ep?.kind === 'EndpointSlice' ? ep.sources.filter((s) => getArray(s.object, ['endpoints']).length > 0) : [];
  // Named ports each pod's containers declare.
  const declaredBy = new Map<Resource, Set<string>>();
  for (const p of pods) {
    const names = new Set<string>();
    for (const c of getArray(p.object, ['spec', 'containers'])) for (const port of getArray(c, ['ports'])) {
      const name = getString(port, ['name']);
      if (name) names.add(name);
    }
    declaredBy.set(p, names);
  }
  getArray(svc.object, ['spec', 'ports']).forEach((sp, i) => {
    const target = get(sp, ['targetPort']);
    const portName = getString(sp, ['name']) ?? '';
    const label = portName ? `"${portName}"` : String(getNumber(sp, ['port']) ?? i);
    const named = typeof target === 'string' && !/^[0-9]+$/.test(target) ? target : undefined;
    const undeclared = named !== undefined && podsKnown && pods.length > 0 && pods.every((p) => !declaredBy.get(p)!.has(named));
    // The slices with endpoints publish no port of this name: nothing reaches it, whatever the pods say.
    const unpublished = slices.length > 0 && slices.every((s) => !getArray(s.object, ['ports']).some((q) => (getString(q, ['name']) ?? '') === portName));
    if (!undeclared && !(unpublished && named !== undefined)) return;
    const evidence: Evidence[] = [st(svc, ['spec', 'ports', i, 'targetPort'], `port ${label}: targetPort ${named !== undefined ? `"${named}"` : String(target)}`, index, 'spec')];
    for (const s of slices.slice(0, 2)) {
      const ports = get(s.object, ['ports']);
      evidence.push(st(s, ['ports'], `EndpointSlice ${s.name}: ${getArray(s.object, ['endpoints']).length} endpoint(s), ports: ${Array.isArray(ports) && ports.length ? ports.map((q) => `${getString(q, ['name']) || '""'}=${getNumber(q, ['port']) ?? '?'}`).join(', ') : 'null'} (no port ${label} published)`, index, 'endpoints'));
    }
    const owners = [...new Set(pods.map((p) => topOwner(index, p)))];
    for (const o of owners.slice(0, 3)) {
      const p = pods.find((q) => topOwner(index, q) === o)!;
      const names = [...declaredBy.get(p)!];
      evidence.push(st(p, ['spec', 'containers'], `${o === p ? `pod ${p.name}` : `the pods of ${o.kind} ${o.name}`} declare ${names.length ? `the port names ${names.map((n) => `"${n}"`).join(', ')}` : 'no named port'}`, index, 'spec'));
    }
    const first = pods[0] ? getArray(pods[0].object, ['spec', 'containers']) : [];
    const cname = getString(first[0], ['name']) ?? 'app';
    const numbered = first.flatMap((c) => getArray(c, ['ports'])).map((q) => getNumber(q, ['containerPort'])).filter((n): n is number => n !== undefined);
    const owner = owners[0];
    out.push({
      check: 'service-target-port-unresolved',
      severity: 'error',
      symptom: `Service port ${label} reaches no pod: targetPort "${named}" is not a port name of the selected containers`,
      object: ref(svc, index),
      container: null,
      pods: pods.map((p) => p.name),
      evidence,
      cause: `a named targetPort is resolved against the containers' port names; no selected container declares "${named}", so the EndpointSlice controller publishes no port ${label} for the pods and every connection to it fails, although the pods are ready`,
      fix: {
        text: `Name the container port "${named}" in ${owner && owner.kind !== 'Pod' ? `${owner.kind} ${owner.name}` : 'the pod'} (container "${cname}"), or set the Service's targetPort to the number the application listens on${numbered.length ? ` (the container declares ${numbered.join(', ')})` : ''}.`,
        commands: [`kubectl -n ${index.namespaceOf(svc)} get endpointslices -l kubernetes.io/service-name=${svc.name} -o yaml`],
        yaml: `containers:\n  - name: ${cname}\n    ports:\n      - name: ${named}\n        containerPort: ${numbered[0] ?? '<the port the application listens on>'}`,
      },
      prevent: compact([preventIf(x, svc, 'service-target-port-unresolved', 'a named targetPort the pods do not declare is caught in the manifests')]),
      logs: null,
    });
  });
  return out;
}

export function serviceDiagnosis(x: Ctx, svc: Resource): Diagnosis {
  const index = x.index;
  const sel = serviceSelectorOf(svc);
  const walked = [show(ref(svc, index))];
  if (!sel) {
    return { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, target: ref(svc, index), status: 'healthy', symptom: 'the Service has no selector: its endpoints are managed by hand (or it is ExternalName); nothing to walk', walked, problems: [], notes: [] };
  }
  walked.push(`selector ${formatLabels(sel)}`);
  const pods = podsSelectedBy(index, svc).filter((p) => !isTerminating(p));
  walked.push(`Pods selected: ${pods.length}${pods.length ? ` (${podsLine(pods)})` : ''}`);
  const ep = endpointsOf(index, svc);
  walked.push(ep ? `${ep.kind}: ${ep.sources.map((s) => s.name).join(', ')}: ${ep.ready} ready, ${ep.notReady} not ready` : `EndpointSlices: none ${sourceWhere(index)}`);
  if (!ep) x.notes.add('the input holds no EndpointSlice for this Service: readiness is judged from the pods');
  const problems: Problem[] = [];
  const noReady = ep ? ep.ready === 0 : pods.length > 0 && !pods.some(isPodReady);
  const svcEvidence = (): Evidence[] => (ep ? ep.sources.slice(0, 3).map((s) => st(s, ep.kind === 'EndpointSlice' ? ['endpoints'] : ['subsets'], `${ep.kind} ${s.name}: ${ep.ready} ready, ${ep.notReady} not ready endpoints`, index, 'endpoints')) : []);
  const ns = index.namespaceOf(svc);
  const podsUnread = unreadOf(x.opts, ['Pod'], ns);
  if (podsUnread.length) {
    // Without the pods, "selects no pod" would be a guess: only the endpoints can say anything.
    if (!ep) {
      const why = unreadOf(x.opts, ['Pod', 'EndpointSlice'], ns);
      return { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, target: ref(svc, index), status: 'unknown', symptom: `cannot tell: ${unreadText(why)}`, walked, problems: [], notes: [...x.notes] };
    }
    if (ep.ready === 0) {
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: 'error',
        symptom: `Service has no ready endpoints (${ep.notReady} not ready)`,
        object: ref(svc, index),
        container: null,
        pods: [],
        evidence: svcEvidence(),
        cause: `no endpoint of the Service is ready; why cannot be told here: ${unreadText(podsUnread)}`,
        fix: { text: 'Look at the selected pods with a user who may list them.', commands: [`kubectl -n ${ns} get pods -l ${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')}`], yaml: null },
        prevent: [],
        logs: null,
      });
    }
  } else if (pods.length === 0) {
    const misses = nearMisses(index, svc, sel);
    const evidence: Evidence[] = [st(svc, ['spec', 'selector'], `selector ${formatLabels(sel)} matches no pod in namespace ${index.namespaceOf(svc)}`, index, 'spec'), ...svcEvidence()];
    if (misses.length) {
      const m = misses[0];
      for (const p of m.pods.slice(0, 3)) evidence.push(st(p, ['metadata', 'labels'], `pod ${p.name} labels: ${formatLabels(stringMap(get(p.object, ['metadata', 'labels'])))}`, index, 'spec'));
      const owners = [...new Set(m.pods.map((p) => topOwner(index, p)))];
      const wl = owners.find((o) => o.kind !== 'Pod');
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: 'error',
        symptom: `Service selects no pod: label mismatch on ${m.key}`,
        object: ref(svc, index),
        container: null,
        pods: m.pods.map((p) => p.name),
        evidence,
        cause: `the selector wants ${m.key}=${m.wanted}, but the pods${wl ? ` of ${wl.kind} ${wl.name}` : ''} ${m.has === undefined ? `have no ${m.key} label` : `have ${m.key}=${m.has}`} (every other selector label matches): a typo or a rename on one side`,
        fix: {
          text: `Make the selector and the pod labels agree: change the Service's selector (takes effect at once) or the pod template's labels (rolls the pods).`,
          commands: [m.has !== undefined ? `kubectl ${nsFlag(index, svc)} patch service ${svc.name} -p '{"spec":{"selector":{"${m.key}":"${m.has}"}}}'` : `kubectl ${nsFlag(index, svc)} get pods --show-labels`],
          yaml: `spec:\n  selector:\n${Object.entries(sel).map(([k, v]) => `    ${k}: ${k === m.key && m.has !== undefined ? `${m.has}   # was ${v}` : v}`).join('\n')}`,
        },
        prevent: confirmed(x, svc, [prevention('service-selects-nothing', 'a selector that matches no workload\'s pod labels (with the near miss named) is caught in the manifests')]),
        logs: null,
      });
    } else if (templatesSelected(index, svc, sel).length) {
      // The backends exist but run no pod: scaled to 0, or their pods are not created.
      const t = templatesSelected(index, svc, sel)[0];
      const zero = get(t.object, ['spec', 'replicas']) === 0;
      const kubectlName = `${t.kind.toLowerCase()}/${t.name}`;
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: ep ? 'error' : 'warning',
        symptom: zero ? `Service selects no pod: ${t.kind} ${t.name} is scaled to 0` : `Service selects no pod: ${t.kind} ${t.name} has none`,
        object: ref(svc, index),
        container: null,
        pods: [],
        evidence: [...evidence, st(t, zero ? ['spec', 'replicas'] : ['spec', 'template', 'metadata', 'labels'], zero ? `${t.kind} ${t.name}: spec.replicas 0; its pod template matches the selector` : `${t.kind} ${t.name}: its pod template matches the selector, and none of its pods exists`, index, 'spec')],
        cause: zero
          ? `the selector matches the pods of ${t.kind} ${t.name}, which is scaled to 0: nothing runs to serve the Service`
          : `the selector matches the pod template of ${t.kind} ${t.name}, but none of its pods exists: its controller creates none (see its own diagnosis)`,
        fix: zero
          ? { text: `Scale ${t.kind} ${t.name} up (or point the Service at what should serve it).`, commands: [`kubectl ${nsFlag(index, svc)} scale ${kubectlName} --replicas=2`], yaml: null }
          : { text: `Find why ${t.kind} ${t.name} has no pods.`, commands: [`kubeready diagnose ${kubectlName} ${nsFlag(index, svc)}`], yaml: null },
        prevent: [],
        logs: null,
      });
    } else {
      problems.push({
        check: 'service-no-ready-endpoints',
        severity: ep ? 'error' : 'warning',
        symptom: 'Service selects no pod',
        object: ref(svc, index),
        container: null,
        pods: [],
        evidence,
        cause: index.inNamespace('Pod', index.namespaceOf(svc)).length ? `no pod of namespace ${index.namespaceOf(svc)} carries ${formatLabels(sel)}: the workload is not deployed, scaled to zero, or labelled differently` : `the input holds no pod of namespace ${index.namespaceOf(svc)}: the workload is not deployed or scaled to zero`,
        fix: { text: 'Deploy or scale up the workload, or fix the selector.', commands: [`kubectl ${nsFlag(index, svc)} get pods --show-labels`, `kubectl ${nsFlag(index, svc)} get deploy,sts`], yaml: null },
        prevent: confirmed(x, svc, [prevention('service-selects-nothing', 'the manifests are checked for Services that select nothing')]),
        logs: null,
      });
    }
  } else if (noReady) {
    // The pods' own problems are the causes.
    const podProbs = mergeAcrossPods(pods.flatMap((p) => podProblems(x, p)));
    problems.push({
      check: 'service-no-ready-endpoints',
      severity: 'error',
      symptom: `Service has no ready endpoints: its ${pods.length} pod${pods.length === 1 ? ' is' : 's are'} not ready`,
      object: ref(svc, index),
      container: null,
      pods: pods.map((p) => p.name),
      evidence: [...svcEvidence(), ...pods.slice(0, 3).map((p) => st(p, ['status', 'conditions'], `pod ${p.name}: ${podState(p)}`, index))],
      cause: podProbs.length ? `the selected pods are not ready: ${podProbs[0].symptom} (\u00a7see:pods|their pods\u00a7)` : 'the selected pods are not ready',
      fix: { text: podProbs.length ? 'Fix what keeps the pods unready (\u00a7see:pods|their problems\u00a7).' : 'Fix what keeps the pods unready.', commands: [], yaml: null },
      prevent: confirmed(x, svc, [prevention('service-backends-without-readiness', 'every backend has a readiness probe, so only ready pods get traffic')]),
      logs: null,
    });
    problems.push(...podProbs);
  }
  // Endpoints are ready: check that each port the Service targets is published for them.
  if (ep ? ep.ready > 0 : podsUnread.length === 0 && pods.some(isPodReady)) problems.push(...portProblems(x, svc, pods, podsUnread.length === 0, ep));
  sortProblems(problems);
  return {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    target: ref(svc, index),
    status: statusOf(problems),
    symptom: problems[0]?.symptom ?? `${ep ? `${ep.ready} ready endpoint${ep.ready === 1 ? '' : 's'}` : `${pods.filter(isPodReady).length} ready pod(s)`}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}
