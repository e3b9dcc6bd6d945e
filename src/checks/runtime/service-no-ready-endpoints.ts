import { defineCheck, type FindingInput, type RelatedInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { containerStatuses, controllerOf, endpointsOf, hasStatus, isPodReady, podPhase, podsSelectedBy, serviceSelectorOf } from '../../model/runtime.js';
import { formatLabels } from '../../model/selector.js';
import { get, nearNames, stringMap } from '../../model/util.js';

/** Why a pod is not ready, in two or three words: "CrashLoopBackOff", "Pending", "not Ready". */
export function podState(pod: Resource): string {
  if (podPhase(pod) === 'Pending') {
    const waiting = containerStatuses(pod).find((c) => c.state?.phase === 'waiting' && c.state.reason && c.state.reason !== 'ContainerCreating' && c.state.reason !== 'PodInitializing');
    return waiting?.state?.reason ?? 'Pending';
  }
  const waiting = containerStatuses(pod).find((c) => c.state?.phase === 'waiting' && c.state.reason);
  if (waiting) return waiting.state!.reason!;
  if (podPhase(pod) && podPhase(pod) !== 'Running') return podPhase(pod)!;
  return isPodReady(pod) ? 'Ready' : 'Running, not Ready';
}

export interface LabelMiss {
  pods: Resource[];
  key: string;
  wanted: string;
  /** The pods' value, undefined when they lack the label. */
  has: string | undefined;
}

/**
 * Controllers of the Service's namespace whose pod template the selector matches: the backends
 * exist but run no pod (scaled to 0, or not created yet). Controller-owned copies (the
 * ReplicaSets of a Deployment) give way to their owner.
 */
export function templatesSelected(index: ResourceIndex, svc: Resource, sel: Record<string, string>): Resource[] {
  const ws = index.workloadsMatching(index.namespaceOf(svc), sel).filter((w) => w.resource.kind !== 'Pod');
  const top = ws.filter((w) => !ws.some((o) => { const c = controllerOf(w.resource); return o !== w && c?.kind === o.resource.kind && c.name === o.resource.name; }));
  return top.map((w) => w.resource);
}

/**
 * Pods of the namespace that carry every selector pair but one: the likely intended backends, and
 * the one label that differs. Only when exactly one pair differs (a typo or a rename on one side),
 * and never when a controller's pod template matches the selector (its pods are missing, not
 * mislabelled: scaled to 0). A single-pair selector misses by one on every pod that has the key
 * (app=cache "misses" app=web): only a close value (a typo, a prefix) counts there.
 */
export function nearMisses(index: ResourceIndex, svc: Resource, sel: Record<string, string>): LabelMiss[] {
  const pairs = Object.entries(sel);
  const byKey = new Map<string, LabelMiss>();
  if (pairs.length === 0) return [];
  if (templatesSelected(index, svc, sel).length) return [];
  for (const pod of index.inNamespace('Pod', index.namespaceOf(svc))) {
    const labels = stringMap(get(pod.object, ['metadata', 'labels']));
    const diff = pairs.filter(([k, v]) => labels[k] !== v);
    if (diff.length !== 1) continue;
    if (pairs.length === 1) {
      const has = labels[diff[0][0]];
      if (has === undefined || nearNames(diff[0][1], [has], true).length === 0) continue;
    }
    const [k, v] = diff[0];
    const key = `${k}\0${labels[k] ?? ''}`;
    const m = byKey.get(key) ?? { pods: [], key: k, wanted: v, has: labels[k] };
    m.pods.push(pod);
    byKey.set(key, m);
  }
  return [...byKey.values()].sort((a, b) => b.pods.length - a.pods.length);
}

export default defineCheck({
  id: 'service-no-ready-endpoints',
  pillar: 'networking',
  severity: 'error',
  runtime: true,
  title: 'Service has no ready endpoints',
  whatBreaks:
    'Nothing behind the Service is ready to take traffic: every connection to it is refused or times out, and every Ingress, route and client that goes through it fails.',
  details: `A runtime check (EndpointSlices). Reported when a v1 Service with a selector has EndpointSlices
(label \`kubernetes.io/service-name\`, owned by this Service's uid) and none of their endpoints is
ready (\`conditions.ready\` false; an unset ready condition counts as ready, as the API says), or,
without slices in the input, an \`Endpoints\` object with no ready address. The message says why, from
the pods in the input: the selector matches no pod (and when pods carry every selector label but one,
which label differs: a label mismatch), or the matching pods are not ready and in what state
(CrashLoopBackOff, Pending, not Ready).

Not reported when the input holds no EndpointSlice or Endpoints for the Service (nothing to judge),
for Services without a selector (endpoints managed by hand), \`ExternalName\` Services and Services
with \`publishNotReadyAddresses: true\`.

Pillar: networking: a selector that matches the pod labels (\`service-selects-nothing\`) and ports the
pods declare (\`service-target-port-unresolved\`); pods that are never ready are reported by the health
runtime checks.`,
  fix: {
    text: 'Compare the selector with the pod labels (kubectl get pods --show-labels); if the pods match but are not ready, fix what keeps them unready (kubeready diagnose svc/NAME walks it).',
    yaml: `spec:
  selector:
    app.kubernetes.io/name: web   # must equal the pods' labels`,
  },
  target: 'object',
  kinds: ['Service'],
  uses: ['EndpointSlice', 'Endpoints'],
  run({ resource: svc, index }) {
    if (!hasStatus(svc)) return [];
    const sel = serviceSelectorOf(svc);
    if (!sel) return [];
    if (get(svc.object, ['spec', 'publishNotReadyAddresses']) === true) return [];
    const ep = endpointsOf(index, svc);
    if (!ep || ep.ready > 0) return [];
    const pods = podsSelectedBy(index, svc).filter((p) => get(p.object, ['metadata', 'deletionTimestamp']) === undefined);
    const rel: RelatedInput[] = ep.sources.slice(0, 3).map((s) => ({ resource: s, path: ep.kind === 'EndpointSlice' ? ['endpoints'] : ['subsets'], note: `${ep.kind}: 0 ready, ${ep.notReady} not ready` }));
    let why: string;
    let path: (string | number)[] = ['spec', 'selector'];
    const templates = pods.length === 0 ? templatesSelected(index, svc, sel) : [];
    if (templates.length) {
      // The backends exist but run no pod: scaled to 0, or their pods are not created (yet).
      const t = templates[0];
      const replicas = get(t.object, ['spec', 'replicas']);
      const zero = replicas === 0;
      const others = templates.length > 1 ? ` (and ${templates.length - 1} more controller${templates.length > 2 ? 's' : ''})` : '';
      why = zero
        ? `selector ${formatLabels(sel)} matches the pods of ${t.kind} ${t.name}${others}, which is scaled to 0 (spec.replicas: 0): no pod runs to serve it`
        : `selector ${formatLabels(sel)} matches the pod template of ${t.kind} ${t.name}${others}, but none of its pods exist (${['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(t.kind) ? `kubeready diagnose ${t.kind.toLowerCase()}/${t.name}` : `kubectl describe ${t.kind.toLowerCase()} ${t.name}`} shows why none is created)`;
      for (const x of templates.slice(0, 3)) rel.push({ resource: x, path: zero && x === t ? ['spec', 'replicas'] : ['spec', 'template', 'metadata', 'labels'], note: x === t && zero ? 'spec.replicas: 0' : 'pod template matches the selector' });
    } else if (pods.length === 0) {
      const misses = nearMisses(index, svc, sel);
      const anyPods = index.inNamespace('Pod', index.namespaceOf(svc)).length > 0;
      if (misses.length) {
        const m = misses[0];
        why = `selector ${formatLabels(sel)} matches no pod: ${m.pods.length === 1 ? `pod ${m.pods[0].name} carries` : `${m.pods.length} pods (${m.pods.slice(0, 3).map((p) => p.name).join(', ')}${m.pods.length > 3 ? ', ...' : ''}) carry`} every selector label but ${m.key}, ${m.has === undefined ? 'which they lack' : `which is ${m.key}=${m.has}`} where the selector wants ${m.key}=${m.wanted} (a label mismatch)`;
        path = ['spec', 'selector', m.key];
        for (const p of m.pods.slice(0, 3)) rel.push({ resource: p, path: ['metadata', 'labels', ...(m.has === undefined ? [] : [m.key])], note: m.has === undefined ? `no ${m.key} label` : `${m.key}=${m.has}` });
      } else if (anyPods) why = `selector ${formatLabels(sel)} matches no pod in namespace ${index.namespaceOf(svc)}`;
      else why = `selector ${formatLabels(sel)}: the input holds no pod of namespace ${index.namespaceOf(svc)}`;
    } else {
      const states = new Map<string, number>();
      for (const p of pods) states.set(podState(p), (states.get(podState(p)) ?? 0) + 1);
      const ready = pods.filter(isPodReady).length;
      why = `${pods.length === 1 ? 'the 1 pod' : `the ${pods.length} pods`} it selects ${ready === 0 ? (pods.length === 1 ? 'is not ready' : 'are all unready') : `include ${ready} ready (the endpoints have not caught up, or the port does not match)`}: ${[...states].map(([s, n]) => `${n} ${s}`).join(', ')}`;
      for (const p of pods.slice(0, 5)) rel.push({ resource: p, path: ['status', 'conditions'], note: podState(p) });
    }
    const f: FindingInput = {
      message: `Service has no ready endpoints (${ep.kind === 'EndpointSlice' ? `${ep.sources.length === 1 ? `EndpointSlice ${ep.sources[0].name}` : `${ep.sources.length} EndpointSlices`}` : `Endpoints ${ep.sources[0].name}`}: 0 ready, ${ep.notReady} not ready): ${why}; every connection to it fails`,
      path,
      related: rel,
    };
    return [f];
  },
});
