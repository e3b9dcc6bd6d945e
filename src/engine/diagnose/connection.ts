// Connections (diagnose --to): may pods of one workload reach another (or a Service), under the NetworkPolicies?
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { Json, Resource } from '../../model/types.js';
import { hasStatus } from '../../model/runtime.js';
import { formatLabels, formatSelector } from '../../model/selector.js';
import { get, getArray, getNumber, getString, isObject, joinAnd } from '../../model/util.js';
import { toWorkload } from '../../model/workload.js';
import { formatPath } from '../audit.js';
import { selectedWorkloads, servicePorts, type ServicePort } from '../../checks/networking/service-util.js';
import { dnsPeerMatch, DNS_NAMESPACE, formatPortSpec, namedPorts, networkGraph, portSetEmpty, portSetHas, NAMESPACE_NAME_LABEL, type NetPolicy, type NetpolRule, type NetworkGraph } from '../../model/netpol.js';
import type { Workload } from '../../model/types.js';
import { type ConnectionTarget, type DiagnoseKind, type DiagnoseOptions, type Diagnosis, DIAGNOSIS_SCHEMA_VERSION, type DiagnosisStatus, type Evidence, type Problem } from './types.js';
import { confirmed, type Ctx, ctxOf, findTarget, flow, liveInput, prevention, ref, show, st, statusOf, unreadOf, unreadText } from './common.js';
import { serviceDiagnosis } from './service.js';

/** How one direction of a connection stands. */
interface DirectionVerdict {
  verdict: 'open' | 'allowed' | 'blocked' | 'unknown';
  /** The policy and rule that allow it. */
  by?: { policy: NetPolicy; rule: NetpolRule };
  /** The policies that select the subject pods for this direction. */
  policies: NetPolicy[];
  why?: string;
}

function selectorText(sel: Json | undefined): string {
  return formatSelector(sel, 'every pod');
}

/** A rule as people read it: "from pods app=gateway in namespaces team=edge on TCP/8080". */
function ruleText(rule: NetpolRule, dir: 'ingress' | 'egress'): string {
  const peers = rule.peers === null
    ? 'every peer'
    : rule.peers.map((p) => p.type === 'ipBlock' ? `${p.cidr}${p.except.length ? ` except ${p.except.join(', ')}` : ''}` : p.type === 'invalid' ? 'an unreadable peer' : `${p.podSelector === undefined || selectorText(p.podSelector) === 'every pod' ? 'every pod' : `pods ${selectorText(p.podSelector)}`}${p.namespaceSelector !== undefined ? ` in namespaces ${selectorText(p.namespaceSelector) === 'every pod' ? '(all)' : selectorText(p.namespaceSelector)}` : ''}`).join('; ');
  const ports = rule.ports === null ? 'every port' : rule.ports.map(formatPortSpec).join(', ');
  return `${dir === 'ingress' ? 'from' : 'to'} ${peers} on ${ports}`;
}

/** Why a rule may or may not match a peer's pods: the first peer of the rule whose match cannot be told, in words. */
function peerDoubt(g: NetworkGraph, index: ResourceIndex, policy: NetPolicy, rule: NetpolRule, w: Workload): string {
  const where = `rule ${formatPath(rule.path)} of NetworkPolicy ${policy.resource.name}`;
  const ns = index.namespaceOf(w.resource);
  for (const peer of rule.peers ?? []) {
    if (g.peerMatches(policy, peer, w) !== undefined) continue;
    if (peer.type === 'ipBlock') return `${where} allows ipBlock ${peer.cidr}: whether that covers the pods' IPs depends on the cluster's pod CIDR`;
    if (peer.type === 'invalid') return `${where} has a peer that cannot be read (a template)`;
    if (peer.namespaceSelector !== undefined && g.namespaceMatches(peer.namespaceSelector, ns) === undefined) return `${where} selects namespaces by labels, and namespace ${ns}'s labels are not in the input (add its Namespace object)`;
    if (peer.namespaceSelector === undefined && !index.sameScope(policy.resource, w.resource)) return `${where}: the policy and ${w.resource.kind} ${w.resource.name} name no namespace and sit in different folders (set metadata.namespace, or -n)`;
    return `${where}'s podSelector cannot be evaluated against the pods' labels (a template)`;
  }
  return `${where}'s ports cannot all be read (a template, or a port name)`;
}

function analyzeDirection(g: NetworkGraph, index: ResourceIndex, dir: 'ingress' | 'egress', subject: Workload, peer: Workload, dest: Workload, port: number | undefined, protocol: string): DirectionVerdict {
  const sels = dir === 'egress' ? g.egressPolicies(subject) : g.ingressPolicies(subject);
  const policies = sels.map((x) => x.policy);
  // NetworkPolicy does not apply to host-network pods: their side is open.
  if (subject.podSpec.hostNetwork === true) return { verdict: 'open', policies: [], why: `${subject.resource.kind} ${subject.resource.name} uses the host network, and NetworkPolicy does not apply to its pods` };
  const iso = dir === 'egress' ? g.egressIsolated(subject) : g.ingressIsolated(subject);
  if (iso === false) return { verdict: 'open', policies };
  // The other end uses the host network: its traffic carries a node's IP, which pod selectors do not
  // match; only ipBlock rules (and, for ingress, the node the pod runs on, which is always allowed) can.
  if (peer.podSpec.hostNetwork === true) return { verdict: 'unknown', policies, why: `${peer.resource.kind} ${peer.resource.name} uses the host network: its traffic carries a node's IP, which only ipBlock rules match (and a pod's own node is always allowed in)` };
  let why: string | undefined;
  const subjectName = `${subject.resource.kind} ${subject.resource.name}`;
  for (const { policy, certain } of sels) {
    if (policy.uncertain) {
      why ??= `NetworkPolicy ${policy.resource.name} cannot be read in full (a template or a malformed field)`;
      continue;
    }
    for (const rule of dir === 'egress' ? policy.egressRules : policy.ingressRules) {
      const m = g.ruleMatches(policy, rule, peer);
      if (m === false) continue;
      const ports = g.rulePorts(rule, dest);
      const sure = port === undefined ? !portSetEmpty(ports.sure) : portSetHas(ports.sure, protocol, port);
      const may = port === undefined ? !portSetEmpty(ports.maybe) : portSetHas(ports.maybe, protocol, port);
      if (m === true && certain && sure) return { verdict: 'allowed', by: { policy, rule }, policies };
      if (!sure && !may) continue;
      if (m === undefined) why ??= peerDoubt(g, index, policy, rule, peer);
      else if (!certain) why ??= `NetworkPolicy ${policy.resource.name} allows it, but whether it selects ${subjectName}'s pods cannot be told (${policy.podSelector === undefined ? 'it has no spec.podSelector: read as a fragment of another file' : !index.sameScope(policy.resource, subject.resource) ? 'it and the workload name no namespace and sit in different folders' : 'a template in its podSelector'})`;
      else why ??= `rule ${formatPath(rule.path)} of NetworkPolicy ${policy.resource.name}: its ports cannot all be read (a template, or a port name)`;
    }
  }
  if (iso === undefined) {
    const maybeSel = sels.find((x) => !x.certain);
    why ??= maybeSel ? `whether NetworkPolicy ${maybeSel.policy.resource.name} selects ${subjectName}'s pods cannot be told (${maybeSel.policy.podSelector === undefined ? 'it has no spec.podSelector: read as a fragment of another file' : !index.sameScope(maybeSel.policy.resource, subject.resource) ? 'it and the workload name no namespace and sit in different folders' : 'a template in its podSelector'})` : 'a policy may select the pods';
  }
  if (why) return { verdict: 'unknown', policies, why };
  return { verdict: 'blocked', policies };
}

/**
 * May the source's pods send DNS queries (UDP 53) to the cluster DNS pods? Its egress policies'
 * rules are read against kube-system's kube-dns pods: a rule whose ports include UDP 53 and whose
 * peers match those pods (by namespace and pod labels; every peer when it names none) allows it;
 * an ipBlock other than 0.0.0.0/0, or kube-system's labels missing from the input, leaves it open.
 */
function dnsEgress(g: NetworkGraph, src: Workload): { verdict: 'allowed' | 'blocked' | 'unknown'; why?: string; policies: NetPolicy[] } {
  if (src.podSpec.hostNetwork === true) return { verdict: 'allowed', policies: [] };
  const sels = g.egressPolicies(src);
  const iso = g.egressIsolated(src);
  const policies = sels.map((x) => x.policy);
  if (iso === false) return { verdict: 'allowed', policies };
  let why: string | undefined = iso === undefined ? 'a policy may select the pods (its selector cannot be evaluated)' : undefined;
  for (const { policy, certain } of sels) {
    if (policy.uncertain) {
      why ??= `NetworkPolicy ${policy.resource.name} cannot be read in full`;
      continue;
    }
    for (const rule of policy.egressRules) {
      const port53 = rule.ports === null || rule.ports.some((p) => (p.protocol === 'UDP' || p.protocol === '*') && (p.port === undefined || p.port === 53 || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= 53 && 53 <= p.endPort)));
      if (!port53) continue;
      let match: boolean | undefined = rule.peers === null ? true : false;
      for (const peer of rule.peers ?? []) {
        const m = dnsPeerMatch(g, policy, peer);
        if (m === true) {
          match = true;
          break;
        }
        if (m === undefined) match = undefined;
      }
      if (match === true && certain) return { verdict: 'allowed', policies };
      if (match !== false) why ??= `rule ${formatPath(rule.path)} of NetworkPolicy ${policy.resource.name} allows UDP 53 to peers whose match with the DNS pods cannot be told here (${DNS_NAMESPACE}'s labels are not in the input, or an ipBlock)`;
    }
  }
  return why ? { verdict: 'unknown', why, policies } : { verdict: 'blocked', policies };
}

/** Labels that select a workload's pods in a policy: its own selector's matchLabels, else its stable pod labels. */
function podSelectorLabels(w: Workload): Record<string, string> {
  const own = w.resource.kind === 'Job' ? undefined : get(w.resource.object, ['spec', 'selector', 'matchLabels']);
  if (isObject(own) && Object.keys(own).length && Object.values(own).every((v) => typeof v === 'string')) return own as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.podLabels)) if (!/^(pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io\/pod-name|batch\.kubernetes\.io\/|job-name|controller-uid)/.test(k)) out[k] = v;
  // A Job's pods carry batch.kubernetes.io/job-name (its name) from the API server: select by it when nothing else does.
  if (!Object.keys(out).length && w.resource.kind === 'Job' && w.podLabels['batch.kubernetes.io/job-name']) out['batch.kubernetes.io/job-name'] = w.podLabels['batch.kubernetes.io/job-name'];
  return out;
}

function labelsYaml(labels: Record<string, string>, indent: string): string {
  return Object.entries(labels).map(([k, v]) => `${indent}${k}: ${flow(v)}`).join('\n');
}

/** matchLabels lines selecting a workload's pods; pods with no label get one to add first (an empty matchLabels would select every pod). */
function selectorYaml(w: Workload, indent: string): string {
  const labels = podSelectorLabels(w);
  if (Object.keys(labels).length) return labelsYaml(labels, indent);
  return `${indent}app: ${flow(w.resource.name)}   # its pods carry no label: add this one to ${w.resource.kind} ${w.resource.name}'s pod template first`;
}

/** A NetworkPolicy that allows exactly this connection (policies add up: it opens nothing else). */
function allowPolicyYaml(index: ResourceIndex, dir: 'ingress' | 'egress', src: Workload, dest: Workload, port: number | undefined, protocol: string): string {
  const subject = dir === 'ingress' ? dest : src;
  const peer = dir === 'ingress' ? src : dest;
  const subjectNs = index.namespaceOf(subject.resource);
  const peerNs = index.namespaceOf(peer.resource);
  // Unique per direction and port, so the egress and the ingress fix (and one per port) can all be applied.
  const suffix = `${port !== undefined ? `-${port}` : ''}-${dir}`;
  const name = `allow-${src.resource.name}-to-${dest.resource.name}`.slice(0, 63 - suffix.length).replace(/-+$/, '') + suffix;
  const peerBlock = [`    - podSelector:`, `        matchLabels:`, selectorYaml(peer, '          ')];
  if (peerNs !== subjectNs) peerBlock.push(`      namespaceSelector:`, `        matchLabels:`, `          ${NAMESPACE_NAME_LABEL}: ${flow(peerNs)}`);
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${subjectNs}`,
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    selectorYaml(subject, '      '),
    `  policyTypes: [${dir === 'ingress' ? 'Ingress' : 'Egress'}]`,
    `  ${dir}:`,
    `  - ${dir === 'ingress' ? 'from' : 'to'}:`,
    ...peerBlock,
    ...(port !== undefined ? ['    ports:', `    - protocol: ${protocol}`, `      port: ${port}   # the pod's port: policies see the connection after the Service has translated its port`] : []),
  ].join('\n');
}

/** The graph's workload that runs an object's pods (a Pod's Deployment, a Deployment itself), or the object's own. */
function runningWorkload(x: Ctx, g: NetworkGraph, r: Resource): Workload | undefined {
  // A pod is judged on its own labels (kubectl label pod, an older ReplicaSet's pods), not its owner's template.
  if (r.kind === 'Pod') return toWorkload(r) ?? undefined;
  const w = g.workloads.find((y) => y.resource === r) ?? toWorkload(r) ?? undefined;
  // A Job's pods also carry the labels the API server adds to its template on create (unless
  // manualSelector): job-name and batch.kubernetes.io/job-name, both the Job's name.
  if (w && r.kind === 'Job' && r.apiVersion === 'batch/v1' && get(r.object, ['spec', 'manualSelector']) !== true) {
    return { ...w, podLabels: { 'job-name': r.name, 'batch.kubernetes.io/job-name': r.name, ...w.podLabels } };
  }
  return w;
}

/**
 * May the pods of `from` open a connection to `to` (a Service, a workload, a pod) on a port? Walks
 * the NetworkPolicies that select each side (egress of the source AND ingress of the destination
 * must allow it), the Service's port translation, DNS egress when the destination is a Service
 * name, and (on a live cluster) whether anything answers.
 */
export function diagnoseConnection(index: ResourceIndex, from: { kind: DiagnoseKind; name: string; namespace: string }, to: ConnectionTarget, opts: DiagnoseOptions = {}): Diagnosis {
  const x = ctxOf(index, opts);
  const missing = (t: { kind: DiagnoseKind; name: string; namespace: string }): Diagnosis => {
    const own = unreadOf(opts, [t.kind], t.namespace);
    return {
      schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
      target: { kind: t.kind, name: t.name, namespace: t.namespace },
      status: own.length ? 'unknown' : 'not-found',
      symptom: own.length ? `cannot tell: ${unreadText(own)}` : `${t.kind} "${t.name}" not found in namespace ${t.namespace}`,
      walked: [],
      problems: [],
      notes: [],
    };
  };
  const src = findTarget(index, from.kind, from.name, from.namespace);
  if (!src) return missing(from);
  const dst = findTarget(index, to.kind, to.name, to.namespace);
  if (!dst) return missing(to);
  const g = networkGraph(index);
  const srcW = runningWorkload(x, g, src);
  const base = { schemaVersion: DIAGNOSIS_SCHEMA_VERSION, target: ref(src, index) };
  if (!srcW) return { ...base, status: 'not-found', symptom: `${src.kind} ${src.name} runs no pods: the source must be a workload or a pod`, walked: [], problems: [], notes: [] };
  const walked = [show(ref(src, index)) + (srcW.resource !== src ? ` (pods of ${srcW.resource.kind} ${srcW.resource.name})` : '')];
  const problems: Problem[] = [];
  const unknowns: string[] = [];
  const allowedLines: string[] = [];
  const policyUnread = unreadOf(opts, ['NetworkPolicy', 'Namespace'], null);
  if (policyUnread.length) x.notes.add(`not read: ${unreadText(policyUnread)}: the policies decide this, so the answer is only as good as what was read`);
  const srcName = `${srcW.resource.kind} ${srcW.resource.name}`;

  // The destination pods and ports: a Service translates its port to each backend's targetPort.
  interface Leg { dest: Workload; port: number | undefined; protocol: string; label: string; servicePort?: number }
  const legs: Leg[] = [];
  const viaService = dst.kind === 'Service';
  const svcType = viaService ? getString(dst.object, ['spec', 'type']) : undefined;
  const headless = viaService && getString(dst.object, ['spec', 'clusterIP']) === 'None';
  if (viaService && (svcType === 'ExternalName' || !isObject(get(dst.object, ['spec', 'selector'])))) {
    // Not pods of the cluster that policies select: an ExternalName is a DNS alias (egress to it is
    // decided by ipBlock rules on addresses unknown here); a Service without selector has hand-made endpoints.
    const why = svcType === 'ExternalName'
      ? `Service ${dst.name} is an ExternalName (${getString(dst.object, ['spec', 'externalName']) ?? '?'}): traffic goes to whatever that name resolves to, which only ipBlock egress rules can allow, and the addresses are not known here`
      : `Service ${dst.name} has no selector: its endpoints are written by hand (or by another controller), so which pods or addresses back it cannot be told`;
    const eg = analyzeDirection(g, index, 'egress', srcW, srcW, srcW, undefined, 'TCP');
    walked.push(`Service ${dst.name}: ${svcType === 'ExternalName' ? 'ExternalName' : 'no selector'}`);
    return { ...base, status: 'unknown', symptom: `cannot tell whether ${srcW.resource.kind} ${srcW.resource.name} may reach Service ${dst.name}: ${why}${eg.verdict === 'open' ? `; ${srcW.resource.kind} ${srcW.resource.name}'s egress is open` : ''}`, walked, problems: [], notes: [...x.notes] };
  }
  if (viaService) {
    const ports = servicePorts(dst);
    const wanted: ServicePort[] = to.port === undefined ? ports : ports.filter((p) => p.port === to.port || (p.name !== undefined && p.name === to.port));
    if (to.port !== undefined && wanted.length === 0) {
      problems.push({
        check: null,
        severity: 'error',
        symptom: `Service ${dst.name} has no port ${to.port}`,
        object: ref(dst, index),
        container: null,
        pods: [],
        evidence: [st(dst, ['spec', 'ports'], `ports: ${ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port ?? '?'}/${p.protocol}`).join(', ') || 'none'}`, index, 'spec')],
        cause: `clients connecting to ${dst.name}:${to.port} reach no port of the Service: the connection is refused or times out before any NetworkPolicy matters${(() => {
          const t = ports.find((p) => p.target === to.port);
          return t ? `; ${to.port} is the targetPort of Service port ${t.name ? `${t.name}/` : ''}${t.port}: clients connect to ${dst.name}:${t.port}` : '';
        })()}`,
        fix: { text: `Connect to one of the Service's ports (${ports.map((p) => p.port).join(', ') || 'none'}), or add the port to the Service.`, commands: [], yaml: null },
        prevent: [],
        logs: null,
      });
    }
    const backends = selectedWorkloads(index, dst);
    walked.push(`Service ${dst.name}: ${wanted.map((p) => `port ${p.name ? `${p.name} ` : ''}${p.port ?? '?'} -> targetPort ${p.target ?? '?'}`).join(', ') || 'no port'}; selects ${backends.length ? backends.map((w) => `${w.resource.kind} ${w.resource.name}`).join(', ') : 'no workload'}`);
    if (!backends.length && wanted.length) {
      problems.push({
        check: 'service-selects-nothing',
        severity: 'error',
        symptom: `Service ${dst.name} selects no workload`,
        object: ref(dst, index),
        container: null,
        pods: [],
        evidence: [st(dst, ['spec', 'selector'], `selector ${selectorText(get(dst.object, ['spec', 'selector']) as Json)}`, index, 'spec')],
        cause: `no workload ${sourceWhere(index)} has pods with the Service's selector labels: connections to it go nowhere`,
        fix: { text: `Find why: kubeready diagnose svc/${dst.name} -n ${index.namespaceOf(dst)}.`, commands: [`kubeready diagnose svc/${dst.name} -n ${index.namespaceOf(dst)}`], yaml: null },
        prevent: [],
        logs: null,
      });
    }
    for (const w of backends) {
      for (const p of wanted) {
        let numbers: (number | undefined)[] = [];
        // Headless: DNS gives the pods' addresses and the client dials them on the port it asks for.
        if (headless && p.port !== undefined) numbers = [p.port];
        else if (typeof p.target === 'number') numbers = [p.target];
        else if (typeof p.target === 'string') {
          numbers = (namedPorts(w).get(p.target) ?? []).filter((n) => n.protocol === p.protocol.toUpperCase()).map((n) => n.port);
          if (!numbers.length) {
            problems.push({
              check: 'service-target-port-unresolved',
              severity: 'error',
              symptom: `Service ${dst.name} port ${p.port}: targetPort "${p.target}" is no port of ${w.resource.kind} ${w.resource.name}`,
              object: ref(dst, index),
              container: null,
              pods: [],
              evidence: [st(dst, p.targetPath, `targetPort ${p.target}`, index, 'spec')],
              cause: `no container of ${w.resource.kind} ${w.resource.name} declares a port named "${p.target}": the Service has no endpoint port for it, so connections fail whatever the policies say`,
              fix: { text: 'Name the container port as the Service\'s targetPort says, or point targetPort at the port number.', commands: [], yaml: null },
              prevent: confirmed(x, dst, [prevention('service-target-port-unresolved', 'a named targetPort no selected container declares is caught in the manifests')]),
              logs: null,
            });
            continue;
          }
        } else numbers = [undefined];
        for (const n of numbers) legs.push({ dest: w, port: n, protocol: p.protocol.toUpperCase(), label: `${w.resource.kind} ${w.resource.name} port ${n ?? 'any'}/${p.protocol.toUpperCase()} (Service port ${p.port ?? '?'})`, ...(p.port !== undefined ? { servicePort: p.port } : {}) });
      }
    }
  } else {
    const w = runningWorkload(x, g, dst);
    if (!w) return { ...base, status: 'not-found', symptom: `${dst.kind} ${dst.name} runs no pods`, walked, problems: [], notes: [] };
    let port: number | undefined;
    let protocol = 'TCP';
    if (typeof to.port === 'string') {
      const named = namedPorts(w).get(to.port) ?? [];
      if (!named.length) return { ...base, status: 'not-found', symptom: `${w.resource.kind} ${w.resource.name} declares no container port named "${to.port}"`, walked, problems: [], notes: [] };
      port = named[0].port;
      protocol = named[0].protocol;
    } else port = to.port;
    // No port asked: each port the pods declare (both directions must allow the same port).
    const declared = port === undefined
      ? [...new Map(w.containers.flatMap((c) => getArray(c.spec, ['ports'])).map((p) => ({ port: getNumber(p, ['containerPort']), protocol: (getString(p, ['protocol']) ?? 'TCP').toUpperCase() })).filter((p): p is { port: number; protocol: string } => p.port !== undefined).map((p) => [`${p.protocol}/${p.port}`, p])).values()]
      : [];
    walked.push(`${w.resource.kind} ${w.resource.name}${port !== undefined ? ` port ${port}/${protocol}` : declared.length ? ` ports ${declared.map((p) => `${p.port}/${p.protocol}`).join(', ')}` : ' (any port: it declares none)'}`);
    if (declared.length) for (const p of declared) legs.push({ dest: w, port: p.port, protocol: p.protocol, label: `${w.resource.kind} ${w.resource.name} port ${p.port}/${p.protocol}` });
    else legs.push({ dest: w, port, protocol, label: `${w.resource.kind} ${w.resource.name} port ${port ?? 'any'}/${protocol}` });
  }

  const egressPolicies = g.egressPolicies(srcW).map((s) => s.policy.resource.name);
  walked.push(`egress of ${srcName}: ${egressPolicies.length ? `NetworkPolicy ${joinAnd(egressPolicies)}` : 'no NetworkPolicy selects its pods (open)'}`);
  const seenDest = new Set<Workload>();
  for (const leg of legs) {
    if (!seenDest.has(leg.dest)) {
      seenDest.add(leg.dest);
      const ing = g.ingressPolicies(leg.dest).map((s) => s.policy.resource.name);
      walked.push(`ingress of ${leg.dest.resource.kind} ${leg.dest.resource.name}: ${ing.length ? `NetworkPolicy ${joinAnd(ing)}` : 'no NetworkPolicy selects its pods (open)'}`);
    }
    const destName = `${leg.dest.resource.kind} ${leg.dest.resource.name}`;
    const portText = leg.port !== undefined ? `${leg.protocol}/${leg.port}` : 'any port';
    for (const dir of ['egress', 'ingress'] as const) {
      const subject = dir === 'egress' ? srcW : leg.dest;
      const peer = dir === 'egress' ? leg.dest : srcW;
      const v = analyzeDirection(g, index, dir, subject, peer, leg.dest, leg.port, leg.protocol);
      if (v.verdict === 'unknown') {
        unknowns.push(`${dir} of ${dir === 'egress' ? srcName : destName}: ${v.why}`);
        continue;
      }
      if (v.verdict === 'open' || v.verdict === 'allowed') {
        allowedLines.push(`${dir} ${v.verdict === 'open' ? `open (${v.why ?? `no NetworkPolicy selects ${dir === 'egress' ? srcName : destName}'s pods for ${dir}`})` : `allowed by NetworkPolicy ${v.by!.policy.resource.name} (${formatPath(v.by!.rule.path)}: ${ruleText(v.by!.rule, dir)})`}`);
        continue;
      }
      const subjectName = dir === 'egress' ? srcName : destName;
      const peerName = dir === 'egress' ? destName : srcName;
      // The classic mistake: the rule names the Service's port, but policies see the pod's.
      const servicePortOnly = leg.servicePort !== undefined && leg.servicePort !== leg.port && analyzeDirection(g, index, dir, subject, peer, leg.dest, leg.servicePort, leg.protocol).verdict === 'allowed';
      const evidence: Evidence[] = v.policies.slice(0, 4).map((p) => {
        const rules = dir === 'egress' ? p.egressRules : p.ingressRules;
        return st(p.resource, ['spec', dir], `NetworkPolicy ${p.resource.name} selects ${subjectName}'s pods (podSelector ${selectorText(p.podSelector)}) for ${dir}; ${rules.length ? `it allows ${rules.map((r) => ruleText(r, dir)).join('; ')}` : `it allows no ${dir} at all`}`, index, 'spec');
      });
      evidence.push(st(peer.resource, peer.podMetaPath.length ? [...peer.podMetaPath, 'labels'] : ['metadata', 'labels'], `${peerName}'s pods: labels ${formatLabels(peer.podLabels)} in namespace ${index.namespaceOf(peer.resource)}`, index, 'spec'));
      problems.push({
        check: null,
        severity: 'error',
        symptom: `${srcName} -> ${destName} on ${portText}: blocked by ${dir} NetworkPolicy (${joinAnd(v.policies.map((p) => p.resource.name))})`,
        object: ref(v.policies[0]?.resource ?? subject.resource, index),
        container: null,
        pods: [],
        evidence,
        cause: `${joinAnd(v.policies.map((p) => `NetworkPolicy ${p.resource.name}`))} ${v.policies.length === 1 ? 'selects' : 'select'} ${subjectName}'s pods for ${dir}, and no ${dir} rule of ${v.policies.length === 1 ? 'it' : 'them'} allows ${dir === 'egress' ? `${peerName}'s pods` : `${peerName}'s pods in`} on ${portText}: policies are allow-lists, so the packets are dropped and the client sees a timeout, not a refusal${servicePortOnly ? `; a rule allows ${leg.protocol}/${leg.servicePort}, the Service's port, but NetworkPolicy sees the connection after the Service has translated it to the pod's port ${leg.port}` : ''}`,
        fix: {
          text: `Allow it with a NetworkPolicy of its own (policies add up: this one opens nothing else)${leg.port !== undefined && viaService ? '; its port is the pod\'s port, not the Service\'s' : ''}.`,
          commands: [],
          yaml: allowPolicyYaml(index, dir, srcW, leg.dest, leg.port, leg.protocol),
        },
        prevent: [],
        logs: null,
      });
    }
  }
  // Any port (the destination declares none): each direction may allow some port, but not the same one.
  for (const leg of legs) {
    if (leg.port !== undefined || problems.some((p) => p.severity === 'error')) continue;
    if (g.allows(srcW, leg.dest) === false) {
      const destName = `${leg.dest.resource.kind} ${leg.dest.resource.name}`;
      problems.push({
        check: null,
        severity: 'error',
        symptom: `${srcName} -> ${destName}: no port is allowed both ways`,
        object: ref(leg.dest.resource, index),
        container: null,
        pods: [],
        evidence: [],
        cause: `the egress rules of ${srcName} and the ingress rules of ${destName} each allow some port, but no port is in both: a connection needs both`,
        fix: { text: 'Make the egress and the ingress rules allow the port the application listens on (give the port with --to NAME:PORT for a policy to apply).', commands: [], yaml: null },
        prevent: [],
        logs: null,
      });
    }
  }
  // A Service is reached by name: its DNS lookup must leave the source pods too.
  if (viaService) {
    const dns = dnsEgress(g, srcW);
    if (dns.verdict === 'unknown') x.notes.add(`DNS: cannot tell whether ${srcName}'s pods may query the cluster DNS: ${dns.why}`);
    if (dns.verdict === 'blocked') {
      problems.push({
        check: 'netpol-egress-blocks-dns',
        severity: 'error',
        symptom: `${srcName} cannot resolve ${dst.name}: its egress policies block DNS`,
        object: ref(dns.policies[0]?.resource ?? srcW.resource, index),
        container: null,
        pods: [],
        evidence: dns.policies.slice(0, 3).map((p) => st(p.resource, ['spec', 'egress'], `NetworkPolicy ${p.resource.name} selects ${srcName}'s pods for egress; ${p.egressRules.length ? `it allows ${p.egressRules.map((r) => ruleText(r, 'egress')).join('; ')}` : 'it allows no egress at all'}`, index, 'spec')),
        cause: `no egress rule of ${joinAnd(dns.policies.map((p) => `NetworkPolicy ${p.resource.name}`))} allows UDP 53 to the cluster DNS pods (${DNS_NAMESPACE}, k8s-app=kube-dns): the name lookup of ${dst.name} times out before any connection is tried`,
        fix: {
          text: `Allow DNS from ${srcName}'s pods to the cluster DNS (UDP and TCP 53) with a policy of their own (one selecting the whole namespace would isolate pods that are open today).`,
          commands: [],
          yaml: [
            'apiVersion: networking.k8s.io/v1',
            'kind: NetworkPolicy',
            'metadata:',
            `  name: ${`allow-dns-${srcW.resource.name}`.slice(0, 63).replace(/-+$/, '')}`,
            `  namespace: ${index.namespaceOf(srcW.resource)}`,
            'spec:',
            '  podSelector:',
            '    matchLabels:',
            selectorYaml(srcW, '      '),
            '  policyTypes: [Egress]',
            '  egress:',
            '  - to:',
            '    - namespaceSelector:',
            '        matchLabels:',
            `          ${NAMESPACE_NAME_LABEL}: ${DNS_NAMESPACE}`,
            '      podSelector:',
            '        matchLabels:',
            "          k8s-app: kube-dns   # your cluster DNS pods' label",
            '    ports:',
            '    - {protocol: UDP, port: 53}',
            '    - {protocol: TCP, port: 53}',
          ].join('\n'),
        },
        prevent: confirmed(x, srcW.resource, [prevention('netpol-egress-blocks-dns', 'egress policies that leave no way to the cluster DNS are caught in the manifests')]),
        logs: null,
      });
    }
  }
  // On a live cluster: does anything answer behind the Service?
  if (viaService && (hasStatus(dst) || liveInput(index))) {
    const d = serviceDiagnosis({ ...x, notes: new Set() }, dst);
    const worst = d.problems[0];
    if (d.status === 'broken' && worst) {
      const blockedHere = problems.some((p) => p.severity === 'error');
      problems.push({ ...worst, symptom: `${blockedHere ? 'even once allowed, ' : ''}nothing answers: ${worst.symptom}`, fix: { ...worst.fix, commands: [...worst.fix.commands, `kubeready diagnose svc/${dst.name} -n ${index.namespaceOf(dst)}`] } });
    }
  }
  for (const u of unknowns) x.notes.add(`cannot tell: ${u}`);
  const toText = `${dst.kind} ${dst.name}${to.port !== undefined ? `:${to.port}` : ''}`;
  const blocked = problems.filter((p) => p.severity === 'error');
  const status: DiagnosisStatus = blocked.length ? 'broken' : unknowns.length ? 'unknown' : statusOf(problems);
  return {
    ...base,
    status,
    symptom: blocked.length
      ? blocked[0].symptom
      : unknowns.length
        ? `cannot tell whether ${srcName} may reach ${toText}: ${unknowns[0]}`
        : `${srcName} may reach ${toText}: ${[...new Set(allowedLines)].join('; ') || 'no NetworkPolicy applies'}`,
    walked,
    problems,
    notes: [...x.notes],
  };
}
