/**
 * NetworkPolicy (networking.k8s.io/v1) semantics over the workloads of the input: which policies
 * select which pods, whether those pods are isolated, which connections the policies allow, and a
 * compact reachability report.
 *
 * Semantics, as the API defines them (k8s.io/api networking/v1 field docs):
 * - A policy selects pods of its own namespace by `spec.podSelector` (`{}`: every pod there).
 * - `policyTypes`, when omitted or empty, defaults to `["Ingress"]`, plus `"Egress"` when the policy
 *   has at least one egress rule. Verified against the API server's defaulting code,
 *   kubernetes/kubernetes `pkg/apis/networking/v1/defaults.go` `SetDefaults_NetworkPolicy`:
 *   `if len(obj.Spec.PolicyTypes) == 0 { PolicyTypes = [Ingress]; if len(obj.Spec.Egress) != 0
 *   { append Egress } }`, and the concepts page ("If no policyTypes are specified on a
 *   NetworkPolicy then by default Ingress will always be set and Egress will be set if the
 *   NetworkPolicy has any egress rules"). So `egress: []` without policyTypes does NOT isolate egress.
 * - A pod is isolated for ingress iff some policy selecting it has Ingress in its policyTypes; a
 *   connection into an isolated pod is allowed iff some rule of some such policy allows it (a union,
 *   there are no deny rules). Same for egress. A connection needs the source's egress AND the
 *   destination's ingress to allow it.
 * - A rule with no (or an empty) `from`/`to` matches every peer; no (or empty) `ports` every port;
 *   `ingress: [{}]` allows everything, `ingress: []` or no `ingress` with Ingress in policyTypes
 *   allows nothing.
 * - Peers: `podSelector` alone = pods of the policy's namespace; `namespaceSelector` alone = every
 *   pod of the matching namespaces; both in ONE element = pods matching podSelector within matching
 *   namespaces; separate elements are ORed. `ipBlock` (cidr minus `except`) names IP ranges.
 * - Ports: `port` is a number or a name resolved against the DESTINATION pod's container port names
 *   (and protocol); `endPort` makes a range; `protocol` defaults to TCP; no `port` = every port of
 *   the protocol.
 * - Namespace labels for namespaceSelector: the labels of the Namespace object when it is in the
 *   input, plus the automatic `kubernetes.io/metadata.name: <name>` every namespace carries. For a
 *   namespace missing from the input only that label is known: a selector that needs any other
 *   label gives "unknown".
 *
 * Decisions where the manifests cannot tell (every "cannot tell" is `undefined`, never a guess):
 * - `ipBlock` vs pods: the API says ipBlocks should name cluster-external addresses; whether an
 *   ipBlock also matches pod IPs depends on the CNI (Calico applies it to pod IPs, Cilium does not
 *   match cluster endpoints with CIDR rules) and on the pod CIDR, which manifests do not carry.
 *   `allows()` therefore answers `undefined` for pod-to-pod traffic that only an ipBlock could allow;
 *   the reachability report leaves ipBlocks out of its edges and lists them per workload instead.
 *   Checks that need "could this reach cluster DNS" treat any ipBlock as possibly allowing it.
 * - hostNetwork pods: NetworkPolicy does not apply to them (their traffic is node traffic); every
 *   answer about them is `undefined` and the report keeps them out of edges.
 * - A policy without `spec.podSelector` (a kustomize patch fragment) or with templated / unreadable
 *   fields selects "maybe"; templated selector values (`{{ }}`, `${}`) evaluate to unknown.
 * - Two namespace-less manifests in different folders are not known to share a namespace
 *   (`ResourceIndex.sameScope`): selection and same-namespace peers between them are "maybe" for
 *   the graph's answers (checks stay silent), and "no" in the reachability report (separate apps).
 */
import type { FieldPath, Json, JsonObject, Resource, Workload } from './types.js';
import type { ResourceIndex } from './index.js';
import { isEmptySelector, SelectorCandidates, selectorMatches } from './selector.js';
import { get, getArray, getString, isObject, isTemplated, stringMap } from './util.js';

/** The label every namespace carries automatically (Kubernetes 1.21+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Three-valued answer: true, false, or undefined when the input cannot tell. */
export type Tri = boolean | undefined;

function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === undefined || b === undefined) return undefined;
  return true;
}

function or(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  if (a === undefined || b === undefined) return undefined;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Parsed policies

/** One entry of a rule's `ports`. */
export interface NetpolPort {
  /** TCP (default), UDP, SCTP; '*' when unreadable. */
  protocol: string;
  /** Port number or name; undefined = every port of the protocol. */
  port?: number | string;
  /** Last port of a range (`endPort`), with a numeric `port`. */
  endPort?: number;
  /** The entry could not be read (templated, malformed): it may allow any port of its protocol. */
  invalid?: true;
}

/** One entry of a rule's `from`/`to`. */
export type NetpolPeer =
  | {
      type: 'pods';
      /** undefined: no podSelector in this peer (every pod of the selected namespaces). */
      podSelector?: Json;
      /** undefined: no namespaceSelector (the policy's own namespace). */
      namespaceSelector?: Json;
    }
  | { type: 'ipBlock'; cidr: string; except: string[] }
  /** Malformed or templated: may match anything. */
  | { type: 'invalid' };

export interface NetpolRule {
  /** null: every peer (no or empty `from`/`to`). */
  peers: NetpolPeer[] | null;
  /** null: every port and protocol (no or empty `ports`). */
  ports: NetpolPort[] | null;
  /** Path of the rule in the policy, e.g. ['spec', 'egress', 0]. */
  path: FieldPath;
}

export interface NetPolicy {
  resource: Resource;
  /** Effective namespace of the policy. */
  namespace: string;
  /** spec.podSelector; undefined when the field is absent (a patch fragment). null reads as {}. */
  podSelector: Json | undefined;
  /** spec.podSelector is present and empty: every pod of the namespace. */
  selectsAll: boolean;
  /** Effective policyTypes (after the API default). */
  ingress: boolean;
  egress: boolean;
  /** policyTypes was omitted or empty, so the API default applies. */
  typesDefaulted: boolean;
  ingressRules: NetpolRule[];
  egressRules: NetpolRule[];
  /**
   * Something in the policy could not be read (templated policyTypes, a non-list ingress/egress):
   * it selects "maybe", for both directions, and its rules may allow anything.
   */
  uncertain: boolean;
}

/** A policy that selects (certain) or may select (not certain) a workload's pods. */
export interface PolicySelection {
  policy: NetPolicy;
  certain: boolean;
}

const templatedCache = new WeakMap<object, boolean>();
function hasTemplate(v: Json | undefined): boolean {
  if (typeof v === 'string') return isTemplated(v);
  if (v === null || typeof v !== 'object') return false;
  let r = templatedCache.get(v);
  if (r === undefined) {
    r = Array.isArray(v) ? v.some(hasTemplate) : Object.entries(v).some(([k, x]) => isTemplated(k) || hasTemplate(x));
    templatedCache.set(v, r);
  }
  return r;
}

/** A metav1.LabelSelector with no requirement at all (`{}` or null). */
export function isEmptyLabelSelector(sel: Json | undefined): boolean {
  return sel === null || isEmptySelector(sel);
}

/**
 * selectorMatches with templates: a templated selector, or a mismatch on labels that hold template
 * text, is unknown rather than false.
 */
export function evalSelector(sel: Json | undefined, labels: Record<string, string>): Tri {
  if (sel === null) return true;
  if (hasTemplate(sel)) return undefined;
  const r = selectorMatches(sel, labels);
  if (r === false && hasTemplate(labels)) return undefined;
  return r;
}

function parsePort(x: Json): NetpolPort {
  if (!isObject(x)) return { protocol: '*', invalid: true };
  const proto = x.protocol ?? 'TCP';
  if (typeof proto !== 'string' || isTemplated(proto) || proto === '') return { protocol: '*', invalid: true };
  const protocol = proto.toUpperCase();
  const port = x.port;
  const end = x.endPort;
  if (port === undefined || port === null) {
    if (end !== undefined && end !== null) return { protocol, invalid: true };
    return { protocol };
  }
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { protocol, invalid: true };
    if (end === undefined || end === null) return { protocol, port };
    if (typeof end !== 'number' || !Number.isInteger(end) || end < port || end > 65535) return { protocol, invalid: true };
    return { protocol, port, endPort: end };
  }
  // A name: an IANA_SVC_NAME (letters required). Numeric strings, templates and names with a
  // range are rejected by the API server or unreadable here.
  if (typeof port !== 'string' || isTemplated(port) || !/[a-z]/i.test(port) || (end !== undefined && end !== null)) return { protocol, invalid: true };
  return { protocol, port };
}

function parsePeer(x: Json): NetpolPeer {
  if (!isObject(x)) return { type: 'invalid' };
  const present = (k: string) => x[k] !== undefined && x[k] !== null;
  const hasIp = present('ipBlock');
  const hasPod = Object.prototype.hasOwnProperty.call(x, 'podSelector');
  const hasNs = Object.prototype.hasOwnProperty.call(x, 'namespaceSelector');
  if (hasIp) {
    if (hasPod || hasNs) return { type: 'invalid' };
    const cidr = getString(x, ['ipBlock', 'cidr']);
    if (!cidr || isTemplated(cidr)) return { type: 'invalid' };
    const except = getArray(x, ['ipBlock', 'except']).filter((e): e is string => typeof e === 'string');
    return { type: 'ipBlock', cidr, except };
  }
  if (!hasPod && !hasNs) return { type: 'invalid' };
  const peer: NetpolPeer = { type: 'pods' };
  // An explicit null selector decodes as {} in the API server.
  if (hasPod) peer.podSelector = x.podSelector ?? {};
  if (hasNs) peer.namespaceSelector = x.namespaceSelector ?? {};
  if ((hasPod && !isObject(peer.podSelector)) || (hasNs && !isObject(peer.namespaceSelector))) return { type: 'invalid' };
  return peer;
}

function parseRules(list: Json | undefined, key: 'from' | 'to', path: FieldPath, flag: () => void): NetpolRule[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    flag();
    return [];
  }
  return list.map((item, i): NetpolRule => {
    const rulePath = [...path, i];
    if (item === null) return { peers: null, ports: null, path: rulePath };
    if (!isObject(item)) return { peers: [{ type: 'invalid' }], ports: null, path: rulePath };
    const rawPeers = item[key];
    let peers: NetpolPeer[] | null;
    if (rawPeers === undefined || rawPeers === null || (Array.isArray(rawPeers) && rawPeers.length === 0)) peers = null;
    else if (!Array.isArray(rawPeers)) peers = [{ type: 'invalid' }];
    else peers = rawPeers.map(parsePeer);
    const rawPorts = item.ports;
    let ports: NetpolPort[] | null;
    if (rawPorts === undefined || rawPorts === null || (Array.isArray(rawPorts) && rawPorts.length === 0)) ports = null;
    else if (!Array.isArray(rawPorts)) ports = [{ protocol: '*', invalid: true }];
    else ports = rawPorts.map(parsePort);
    return { peers, ports, path: rulePath };
  });
}

/** Parse one NetworkPolicy resource (total: odd input marks it `uncertain`). */
export function parseNetworkPolicy(r: Resource, namespace: string): NetPolicy {
  const spec: JsonObject = isObject(r.object.spec) ? r.object.spec : {};
  let uncertain = !isObject(r.object.spec) || isTemplated(namespace);
  const flag = () => {
    uncertain = true;
  };
  const hasSel = Object.prototype.hasOwnProperty.call(spec, 'podSelector');
  const podSelector = hasSel ? (spec.podSelector ?? null) : undefined;
  const types = spec.policyTypes;
  let ingress: boolean;
  let egress: boolean;
  let typesDefaulted = false;
  if (Array.isArray(types) && types.length > 0) {
    ingress = types.includes('Ingress');
    egress = types.includes('Egress');
    if (types.some((t) => t !== 'Ingress' && t !== 'Egress')) uncertain = true;
  } else if (types !== undefined && types !== null && !Array.isArray(types)) {
    ingress = true;
    egress = true;
    uncertain = true;
  } else {
    typesDefaulted = true;
    ingress = true;
    egress = Array.isArray(spec.egress) ? spec.egress.length > 0 : spec.egress !== undefined && spec.egress !== null;
  }
  const ingressRules = parseRules(spec.ingress, 'from', ['spec', 'ingress'], flag);
  const egressRules = parseRules(spec.egress, 'to', ['spec', 'egress'], flag);
  if (uncertain) {
    ingress = true;
    egress = true;
  }
  return {
    resource: r,
    namespace,
    podSelector,
    selectsAll: podSelector !== undefined && isEmptyLabelSelector(podSelector),
    ingress,
    egress,
    typesDefaulted,
    ingressRules,
    egressRules,
    uncertain,
  };
}

// ---------------------------------------------------------------------------------------------
// Port sets

/** An inclusive range of ports of one protocol. */
export interface PortRange {
  protocol: string;
  from: number;
  to: number;
}
/** 'all': every port of every protocol (a rule without ports); else a list of ranges. */
export type PortSet = 'all' | PortRange[];

const MAX_PORT = 65535;

function normalize(list: PortRange[]): PortRange[] {
  const sorted = [...list].sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.from - b.from));
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.protocol === r.protocol && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

export function portUnion(a: PortSet, b: PortSet): PortSet {
  if (a === 'all' || b === 'all') return 'all';
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return normalize([...a, ...b]);
}

export function portIntersect(a: PortSet, b: PortSet): PortSet {
  if (a === 'all') return b;
  if (b === 'all') return a;
  const out: PortRange[] = [];
  for (const x of a) {
    for (const y of b) {
      if (x.protocol !== y.protocol) continue;
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) out.push({ protocol: x.protocol, from, to });
    }
  }
  return normalize(out);
}

/** a minus b. 'all' minus ranges stays 'all' (the complement of ranges is not representable; callers read it as "other traffic"). */
export function portSubtract(a: PortSet, b: PortSet): PortSet {
  if (b === 'all') return [];
  if (a === 'all' || b.length === 0) return a;
  let cur = a;
  for (const y of b) {
    const next: PortRange[] = [];
    for (const x of cur) {
      if (x.protocol !== y.protocol || y.to < x.from || y.from > x.to) {
        next.push(x);
        continue;
      }
      if (x.from < y.from) next.push({ protocol: x.protocol, from: x.from, to: y.from - 1 });
      if (x.to > y.to) next.push({ protocol: x.protocol, from: y.to + 1, to: x.to });
    }
    cur = next;
  }
  return cur;
}

export function portSetEmpty(s: PortSet): boolean {
  return s !== 'all' && s.length === 0;
}

export function portSetHas(s: PortSet, protocol: string, port: number): boolean {
  if (s === 'all') return true;
  const p = protocol.toUpperCase();
  return s.some((r) => r.protocol === p && r.from <= port && port <= r.to);
}

/** 'all', or strings like `TCP/8080`, `TCP/8000-8100`, `UDP/*` (every UDP port). */
export function formatPortSet(s: PortSet): 'all' | string[] {
  if (s === 'all') return 'all';
  return s.map((r) => (r.from === 1 && r.to === MAX_PORT ? `${r.protocol}/*` : r.from === r.to ? `${r.protocol}/${r.from}` : `${r.protocol}/${r.from}-${r.to}`));
}

/** A port entry as written: `TCP/443`, `TCP/8000-8100`, `TCP/http`, `UDP/*`. */
export function formatPortSpec(p: NetpolPort): string {
  if (p.invalid) return `${p.protocol}/?`;
  if (p.port === undefined) return `${p.protocol}/*`;
  return p.endPort !== undefined ? `${p.protocol}/${p.port}-${p.endPort}` : `${p.protocol}/${p.port}`;
}

/** Named container ports of a workload: name -> [{protocol, port}]. */
export function namedPorts(w: Workload): Map<string, { protocol: string; port: number }[]> {
  const m = new Map<string, { protocol: string; port: number }[]>();
  for (const c of w.containers) {
    for (const p of getArray(c.spec, ['ports'])) {
      const name = getString(p, ['name']);
      const port = get(p, ['containerPort']);
      if (!name || typeof port !== 'number') continue;
      const protocol = (getString(p, ['protocol']) ?? 'TCP').toUpperCase();
      let l = m.get(name);
      if (!l) m.set(name, (l = []));
      l.push({ protocol, port });
    }
  }
  return m;
}

/** What a connection allows: ports certainly allowed, and further ports that may be allowed. */
export interface Allowed {
  sure: PortSet;
  maybe: PortSet;
}

const NOTHING: Allowed = { sure: [], maybe: [] };
const EVERYTHING: Allowed = { sure: 'all', maybe: [] };
const UNKNOWN: Allowed = { sure: [], maybe: 'all' };

// ---------------------------------------------------------------------------------------------
// The graph

/** How the reachability matrix and `allows()` treat ipBlock peers against pods (see the module doc). */
type PeerMode = 'allows' | 'matrix';

export interface NetworkGraph {
  /** Every NetworkPolicy of the input (networking.k8s.io/v1 and extensions/v1beta1), parsed. */
  policies: NetPolicy[];
  /** Workloads the graph reasons about: the input's workloads minus objects owned by another workload of the input. */
  workloads: Workload[];
  /** `workloads` of one namespace. */
  workloadsIn(namespace: string): Workload[];
  /** Policies in one namespace. */
  policiesIn(namespace: string): NetPolicy[];
  /** The parsed policy of a NetworkPolicy resource (undefined for other kinds and API versions). */
  policyOf(resource: Resource): NetPolicy | undefined;
  /** Does this policy select the workload's pods? */
  selects(policy: NetPolicy, w: Workload): Tri;
  /** Policies with Ingress in policyTypes that select (or may select) the workload's pods. */
  ingressPolicies(w: Workload): PolicySelection[];
  /** Policies with Egress in policyTypes that select (or may select) the workload's pods. */
  egressPolicies(w: Workload): PolicySelection[];
  /** Are the pods isolated for ingress by a policy in the input? undefined: cannot tell (maybe-selecting policy, hostNetwork). */
  ingressIsolated(w: Workload): Tri;
  egressIsolated(w: Workload): Tri;
  /** Does a namespace (by name) match a namespaceSelector? Uses Namespace objects of the input. */
  namespaceMatches(selector: Json | undefined, namespace: string): Tri;
  /** Does a peer of this policy match the workload's pods? ipBlock peers answer undefined. */
  peerMatches(policy: NetPolicy, peer: NetpolPeer, w: Workload): Tri;
  /** Does a rule's from/to match the workload's pods? */
  ruleMatches(policy: NetPolicy, rule: NetpolRule, w: Workload): Tri;
  /** The ports of a rule resolved against a destination workload (named ports). */
  rulePorts(rule: NetpolRule, destination: Workload): Allowed;
  /** What the policies allow from one workload's pods to another's (egress of `from` AND ingress of `to`). */
  connection(from: Workload, to: Workload): Allowed;
  /**
   * May pods of `from` connect to pods of `to` on this port (number, or a port name of `to`; protocol
   * default TCP), or on any port when `port` is omitted? undefined when the input cannot tell.
   */
  allows(from: Workload, to: Workload, port?: number | string, protocol?: string): Tri;
}

function isHostNetwork(w: Workload): boolean {
  return w.podSpec.hostNetwork === true;
}

/** Keys a selector's requirements name (matchLabels and matchExpressions). */
function selectorKeys(sel: Json | undefined): string[] | undefined {
  if (sel === null || sel === undefined) return [];
  if (!isObject(sel)) return undefined;
  const keys = Object.keys(isObject(sel.matchLabels) ? sel.matchLabels : {});
  const me = sel.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return undefined;
    for (const e of me) {
      const k = getString(e, ['key']);
      if (k === undefined) return undefined;
      keys.push(k);
    }
  }
  return keys;
}

/** The part of a selector about one key. */
function restrictSelector(sel: JsonObject, key: string): JsonObject {
  const out: JsonObject = {};
  if (isObject(sel.matchLabels) && key in sel.matchLabels) out.matchLabels = { [key]: sel.matchLabels[key] };
  if (Array.isArray(sel.matchExpressions)) out.matchExpressions = sel.matchExpressions.filter((e) => getString(e, ['key']) === key);
  return out;
}

/** The graph plus the matrix variants (ipBlock peers never match pods) used by reachability(). */
interface GraphInternal extends NetworkGraph {
  connectionMatrix(from: Workload, to: Workload): Allowed;
  peerMatchesMatrix(policy: NetPolicy, peer: NetpolPeer, w: Workload): Tri;
  matrixSelections(w: Workload): { ingress: PolicySelection[]; egress: PolicySelection[] };
  matrixIsolation(w: Workload, dir: 'ingress' | 'egress'): Isolation;
}

function buildGraph(index: ResourceIndex): GraphInternal {
  const policies: NetPolicy[] = [];
  const byResource = new Map<Resource, NetPolicy>();
  const byNs = new Map<string, NetPolicy[]>();
  for (const r of index.ofKind('NetworkPolicy')) {
    if (r.apiVersion !== 'networking.k8s.io/v1' && r.apiVersion !== 'extensions/v1beta1') continue;
    const p = parseNetworkPolicy(r, index.namespaceOf(r));
    policies.push(p);
    byResource.set(r, p);
    let l = byNs.get(p.namespace);
    if (!l) byNs.set(p.namespace, (l = []));
    l.push(p);
  }

  // Objects whose controller is another workload of the input (ReplicaSets of a Deployment, Pods of
  // a ReplicaSet in a cluster export) are the same pods: keep the owner only.
  const present = new Set(index.workloads.map((w) => `${w.resource.kind}/${index.namespaceOf(w.resource)}/${w.resource.name}`));
  const workloads = index.workloads.filter((w) => {
    const refs = get(w.resource.object, ['metadata', 'ownerReferences']);
    if (!Array.isArray(refs)) return true;
    const ns = index.namespaceOf(w.resource);
    return !refs.some((o) => isObject(o) && o.controller === true && typeof o.kind === 'string' && typeof o.name === 'string' && present.has(`${o.kind}/${ns}/${o.name}`));
  });

  const workloadsByNs = new Map<string, Workload[]>();
  for (const w of workloads) {
    const ns = index.namespaceOf(w.resource);
    let l = workloadsByNs.get(ns);
    if (!l) workloadsByNs.set(ns, (l = []));
    l.push(w);
  }

  const nsCache = new Map<Json | undefined, Map<string, Tri>>();
  function namespaceMatches(sel: Json | undefined, ns: string): Tri {
    if (sel === undefined) return undefined;
    let m = nsCache.get(sel);
    if (!m) nsCache.set(sel, (m = new Map()));
    if (m.has(ns)) return m.get(ns);
    const v = computeNamespaceMatch(sel, ns);
    m.set(ns, v);
    return v;
  }
  function computeNamespaceMatch(sel: Json, ns: string): Tri {
    if (sel === null) return true;
    if (!isObject(sel) || hasTemplate(sel) || isTemplated(ns)) return undefined;
    const obj = index.named('Namespace', ns)[0];
    if (obj) {
      const labels = { ...stringMap(get(obj.object, ['metadata', 'labels'])), [NAMESPACE_NAME_LABEL]: ns };
      return evalSelector(sel, labels);
    }
    // Only the automatic name label is known for a namespace that is not in the input.
    const labels = { [NAMESPACE_NAME_LABEL]: ns };
    const keys = selectorKeys(sel);
    if (keys === undefined) return undefined;
    const onlyName = keys.every((k) => k === NAMESPACE_NAME_LABEL);
    if (onlyName) return selectorMatches(sel, labels);
    if (keys.includes(NAMESPACE_NAME_LABEL) && selectorMatches(restrictSelector(sel, NAMESPACE_NAME_LABEL), labels) === false) return false;
    return undefined;
  }

  /**
   * Does the policy select the workload's pods? Two namespace-less manifests of different folders
   * are "maybe" for checks ('allows'), and "no" for the report ('matrix': separate deployments).
   */
  function selectsMode(p: NetPolicy, w: Workload, mode: PeerMode): Tri {
    if (index.namespaceOf(w.resource) !== p.namespace) return false;
    if (p.podSelector === undefined) return undefined;
    const m = evalSelector(p.podSelector, w.podLabels);
    if (m === false) return false;
    if (!index.sameScope(p.resource, w.resource)) return mode === 'matrix' ? false : undefined;
    if (p.uncertain) return undefined;
    return m;
  }

  // Policies of a namespace by what their podSelector requires; a missing, null or templated
  // podSelector makes a policy a candidate for every workload.
  const candidates = new Map<string, SelectorCandidates<NetPolicy>>();
  const candidatesIn = (ns: string): SelectorCandidates<NetPolicy> => {
    let c = candidates.get(ns);
    if (!c) candidates.set(ns, (c = new SelectorCandidates(byNs.get(ns) ?? [], (p) => (p.podSelector === undefined || p.podSelector === null || hasTemplate(p.podSelector) ? undefined : p.podSelector))));
    return c;
  };

  type Selections = { ingress: PolicySelection[]; egress: PolicySelection[] };
  const selCache: Record<PeerMode, Map<Workload, Selections>> = { allows: new Map(), matrix: new Map() };
  function selections(w: Workload, mode: PeerMode = 'allows'): Selections {
    let s = selCache[mode].get(w);
    if (s) return s;
    s = { ingress: [], egress: [] };
    // Only the policies whose podSelector may select these labels (a namespace of thousands of
    // workloads and policies would otherwise compare each with each); with template text in the
    // labels, every policy (a mismatch is then "maybe").
    const ns = index.namespaceOf(w.resource);
    const policies = hasTemplate(w.podLabels) ? (byNs.get(ns) ?? []) : candidatesIn(ns).for(w.podLabels);
    for (const p of policies) {
      const m = selectsMode(p, w, mode);
      if (m === false) continue;
      if (p.ingress) s.ingress.push({ policy: p, certain: m === true });
      if (p.egress) s.egress.push({ policy: p, certain: m === true });
    }
    selCache[mode].set(w, s);
    return s;
  }
  const isolated = (sels: PolicySelection[], w: Workload): Tri => {
    if (isHostNetwork(w)) return undefined;
    if (sels.some((s) => s.certain)) return true;
    return sels.length > 0 ? undefined : false;
  };

  function peerMatchesMode(p: NetPolicy, peer: NetpolPeer, w: Workload, mode: PeerMode): Tri {
    if (peer.type === 'ipBlock') return mode === 'matrix' ? false : undefined;
    if (peer.type === 'invalid') return undefined;
    const wns = index.namespaceOf(w.resource);
    let nsOk: Tri;
    if (peer.namespaceSelector === undefined) {
      if (wns !== p.namespace) return false;
      nsOk = index.sameScope(p.resource, w.resource) ? true : mode === 'matrix' ? false : undefined;
    } else {
      nsOk = namespaceMatches(peer.namespaceSelector, wns);
    }
    if (nsOk === false) return false;
    const podOk = peer.podSelector === undefined ? true : evalSelector(peer.podSelector, w.podLabels);
    return and(nsOk, podOk);
  }

  function ruleMatchesMode(p: NetPolicy, rule: NetpolRule, w: Workload, mode: PeerMode): Tri {
    if (rule.peers === null) return true;
    let r: Tri = false;
    for (const peer of rule.peers) {
      r = or(r, peerMatchesMode(p, peer, w, mode));
      if (r === true) return true;
    }
    return r;
  }

  const portCache = new Map<Workload, Map<string, { protocol: string; port: number }[]>>();
  function rulePorts(rule: NetpolRule, dest: Workload): Allowed {
    if (rule.ports === null) return EVERYTHING;
    let sure: PortSet = [];
    let maybe: PortSet = [];
    for (const p of rule.ports) {
      if (p.invalid) {
        maybe = portUnion(maybe, p.protocol === '*' ? 'all' : [{ protocol: p.protocol, from: 1, to: MAX_PORT }]);
      } else if (p.port === undefined) {
        sure = portUnion(sure, [{ protocol: p.protocol, from: 1, to: MAX_PORT }]);
      } else if (typeof p.port === 'number') {
        sure = portUnion(sure, [{ protocol: p.protocol, from: p.port, to: p.endPort ?? p.port }]);
      } else {
        let named = portCache.get(dest);
        if (!named) portCache.set(dest, (named = namedPorts(dest)));
        const hits = (named.get(p.port) ?? []).filter((x) => x.protocol === p.protocol);
        if (hits.length) sure = portUnion(sure, hits.map((h) => ({ protocol: p.protocol, from: h.port, to: h.port })));
      }
    }
    return { sure, maybe: portSubtract(maybe, sure) };
  }

  /** What one direction allows: `sels` select the subject pods, `peer` is the other end, `dest` the destination (for named ports). */
  function direction(sels: PolicySelection[], iso: Tri, peer: Workload, dest: Workload, dir: 'ingress' | 'egress', mode: PeerMode): Allowed {
    if (iso === false) return EVERYTHING;
    let sure: PortSet = [];
    let maybe: PortSet = iso === undefined ? 'all' : [];
    for (const { policy, certain } of sels) {
      const rules = dir === 'ingress' ? policy.ingressRules : policy.egressRules;
      if (policy.uncertain) {
        maybe = 'all';
        continue;
      }
      for (const rule of rules) {
        const m = ruleMatchesMode(policy, rule, peer, mode);
        if (m === false) continue;
        const ports = rulePorts(rule, dest);
        if (m === true && certain) {
          sure = portUnion(sure, ports.sure);
          maybe = portUnion(maybe, ports.maybe);
        } else {
          maybe = portUnion(maybe, portUnion(ports.sure, ports.maybe));
        }
      }
    }
    return { sure, maybe: portSubtract(maybe, sure) };
  }

  function connectionMode(from: Workload, to: Workload, mode: PeerMode): Allowed {
    if (isHostNetwork(from) || isHostNetwork(to)) return UNKNOWN;
    const es = selections(from, mode).egress;
    const is = selections(to, mode).ingress;
    const e = direction(es, isolated(es, from), to, to, 'egress', mode);
    if (portSetEmpty(e.sure) && portSetEmpty(e.maybe)) return NOTHING;
    const i = direction(is, isolated(is, to), from, to, 'ingress', mode);
    const sure = portIntersect(e.sure, i.sure);
    const total = portIntersect(portUnion(e.sure, e.maybe), portUnion(i.sure, i.maybe));
    return { sure, maybe: portSubtract(total, sure) };
  }

  return {
    policies,
    workloads,
    workloadsIn: (ns) => workloadsByNs.get(ns) ?? [],
    policiesIn: (ns) => byNs.get(ns) ?? [],
    policyOf: (r) => byResource.get(r),
    selects: (p, w) => selectsMode(p, w, 'allows'),
    ingressPolicies: (w) => selections(w).ingress,
    egressPolicies: (w) => selections(w).egress,
    ingressIsolated: (w) => isolated(selections(w).ingress, w),
    egressIsolated: (w) => isolated(selections(w).egress, w),
    namespaceMatches,
    peerMatches: (p, peer, w) => peerMatchesMode(p, peer, w, 'allows'),
    ruleMatches: (p, rule, w) => ruleMatchesMode(p, rule, w, 'allows'),
    rulePorts,
    connection: (from, to) => connectionMode(from, to, 'allows'),
    allows(from, to, port, protocol = 'TCP') {
      const c = connectionMode(from, to, 'allows');
      if (port === undefined) {
        if (!portSetEmpty(c.sure)) return true;
        return portSetEmpty(c.maybe) ? false : undefined;
      }
      const proto = protocol.toUpperCase();
      let numbers: number[];
      if (typeof port === 'number') numbers = [port];
      else {
        numbers = (namedPorts(to).get(port) ?? []).filter((x) => x.protocol === proto).map((x) => x.port);
        if (numbers.length === 0) return undefined;
      }
      if (numbers.some((n) => portSetHas(c.sure, proto, n))) return true;
      return numbers.some((n) => portSetHas(c.maybe, proto, n)) ? undefined : false;
    },
    connectionMatrix: (from, to) => connectionMode(from, to, 'matrix'),
    peerMatchesMatrix: (p, peer, w) => peerMatchesMode(p, peer, w, 'matrix'),
    matrixSelections: (w) => selections(w, 'matrix'),
    matrixIsolation(w, dir) {
      const sels = selections(w, 'matrix')[dir];
      const iso = isolated(sels, w);
      if (iso !== true) return iso === false ? 'open' : 'unknown';
      const allowAll = sels.some(
        (s) => s.certain && !s.policy.uncertain && (dir === 'ingress' ? s.policy.ingressRules : s.policy.egressRules).some((r) => r.peers === null && r.ports === null),
      );
      return allowAll ? 'allow-all' : 'isolated';
    },
  };
}

function graphInternal(index: ResourceIndex): GraphInternal {
  return index.memo('netpol:graph', () => buildGraph(index));
}

/** The NetworkPolicy graph of this input, built once per run. */
/** The cluster DNS pods as most clusters label them (CoreDNS and kube-dns keep `k8s-app: kube-dns` on kubeadm, GKE, EKS, AKS, k3s, RKE2), in kube-system. */
export const DNS_NAMESPACE = 'kube-system';
export const DNS_POD_LABELS: Record<string, string> = { 'k8s-app': 'kube-dns' };

/**
 * Does an egress peer of this policy match the cluster DNS pods? ipBlock peers: only 0.0.0.0/0 (with
 * no exception) certainly does (the DNS Service and pod IPs are not known here); pod peers by the
 * kube-system namespace (its labels, when its Namespace object is in the input, or its name label)
 * and the DNS pods' labels; undefined when that cannot be told.
 */
export function dnsPeerMatch(g: NetworkGraph, policy: NetPolicy, peer: NetpolPeer): Tri {
  if (peer.type === 'ipBlock') return peer.cidr === '0.0.0.0/0' && peer.except.length === 0 ? true : undefined;
  if (peer.type === 'invalid') return undefined;
  const nsOk: Tri = peer.namespaceSelector === undefined ? policy.namespace === DNS_NAMESPACE : g.namespaceMatches(peer.namespaceSelector, DNS_NAMESPACE);
  const podOk: Tri = peer.podSelector === undefined ? true : evalSelector(peer.podSelector, DNS_POD_LABELS);
  return and(nsOk, podOk);
}

export function networkGraph(index: ResourceIndex): NetworkGraph {
  return graphInternal(index);
}

// ---------------------------------------------------------------------------------------------
// Reachability report

/** An object of the report. */
export interface ReachRef {
  kind: string;
  name: string;
  namespace: string;
}

/**
 * How a workload's pods stand for one direction, under the NetworkPolicies of the input:
 * - 'open': no policy selects them for this direction: everything passes;
 * - 'isolated': policies select them: only what their rules allow passes (see edges);
 * - 'allow-all': policies select them but one of their rules allows every peer on every port
 *   (`ingress: [{}]`): in effect open;
 * - 'unknown': a policy may select them but the input cannot tell (a templated or unreadable
 *   selector, a policy file without podSelector), or the pods use the host network (NetworkPolicy does
 *   not apply to them). Pairs whose relevant side is 'unknown' are not listed as edges.
 */
export type Isolation = 'open' | 'isolated' | 'allow-all' | 'unknown';

export interface ReachabilityWorkload extends ReachRef {
  ingress: Isolation;
  egress: Isolation;
  /** Names of the NetworkPolicies (all in the workload's namespace) that select its pods for ingress; omitted when none. */
  ingressPolicies?: string[];
  /** Same for egress. */
  egressPolicies?: string[];
  /**
   * ipBlock allowances of the policies that select it, which never appear as edges (whether an
   * ipBlock matches pod IPs depends on the CNI): `<cidr>[ except <cidr>,...] <ports>`, ports as in
   * edges, or as written for egress named ports (`10.0.0.0/8 except 10.1.0.0/16 TCP/443`).
   */
  ingressIpBlocks?: string[];
  egressIpBlocks?: string[];
  /** hostNetwork pods: NetworkPolicy does not apply to them; they appear in no edge. */
  hostNetwork?: true;
}

/**
 * A connection between workloads that the policies allow. Edges are listed only for pairs where the
 * source's egress or the destination's ingress is 'isolated'; every other pair is implied:
 * - source egress and destination ingress both 'open' or 'allow-all': allowed on every port, not listed;
 * - either side 'unknown' (and the other not 'isolated'): the input cannot tell, not listed;
 * - an 'isolated' side and no edge: denied.
 * A workload paired with itself means traffic between its own pods.
 */
export interface ReachabilityEdge {
  from: ReachRef;
  to: ReachRef;
  /** Ports certainly allowed: 'all', or `TCP/8080`, `TCP/8000-8100`, `UDP/*`; [] when only `maybe` applies. */
  ports: 'all' | string[];
  /**
   * Further ports that may be allowed, depending on what the input cannot tell (a namespace missing
   * from the input whose labels a namespaceSelector needs, an unreadable selector or port, the other
   * side's 'unknown' isolation). 'all' means "possibly any other traffic". Omitted when nothing is uncertain.
   */
  maybe?: 'all' | string[];
}

/**
 * Who may connect to whom under the NetworkPolicies of the input (JSON report field
 * `reachability`). Workloads are those of the input (objects owned by another workload of the input
 * are folded into their owner). Policies and workloads whose manifests both name no namespace are
 * related only when they sit in the same folder (ResourceIndex.sameScope). ipBlock rules are listed
 * per workload, not as edges. See ReachabilityEdge for how to read `edges`.
 */
export interface ReachabilityReport {
  /** Number of NetworkPolicies considered. */
  policies: number;
  workloads: ReachabilityWorkload[];
  edges: ReachabilityEdge[];
  /** True when edges stopped at the cap (`maxEdges`, default 50,000) or the evaluation budget: the list is incomplete. */
  truncated: boolean;
}

export interface ReachabilityOptions {
  /** Most edges listed (default 50,000). */
  maxEdges?: number;
  /** Most workload pairs evaluated (default 5,000,000). */
  maxPairs?: number;
}

function ipBlockText(peer: { cidr: string; except: string[] }, ports: string): string {
  return `${peer.cidr}${peer.except.length ? ` except ${peer.except.join(',')}` : ''} ${ports}`;
}

/**
 * The reachability report for the JSON output, or null when the input has no NetworkPolicy.
 * Cost: selection is per workload over its namespace's policies; edges are enumerated from the rules
 * of the isolating policies, each rule's peers resolved once to candidate workloads through the
 * per-namespace workload lists, so an input with few policies costs little whatever its size.
 */
export function reachability(index: ResourceIndex, options: ReachabilityOptions = {}): ReachabilityReport | null {
  const g = graphInternal(index);
  if (g.policies.length === 0) return null;
  const maxEdges = options.maxEdges ?? 50_000;
  const maxPairs = options.maxPairs ?? 5_000_000;
  const ws = g.workloads;
  const ordinal = new Map<Workload, number>();
  ws.forEach((w, i) => ordinal.set(w, i));
  const refs = ws.map((w): ReachRef => ({ kind: w.resource.kind, name: w.resource.name, namespace: index.namespaceOf(w.resource) }));
  const isoIn = ws.map((w) => g.matrixIsolation(w, 'ingress'));
  const isoOut = ws.map((w) => g.matrixIsolation(w, 'egress'));

  const workloads: ReachabilityWorkload[] = ws.map((w, i) => {
    const out: ReachabilityWorkload = { ...refs[i], ingress: isoIn[i], egress: isoOut[i] };
    const { ingress: ing, egress: eg } = g.matrixSelections(w);
    if (ing.length) out.ingressPolicies = ing.map((s) => s.policy.resource.name);
    if (eg.length) out.egressPolicies = eg.map((s) => s.policy.resource.name);
    const ipIn: string[] = [];
    for (const { policy } of ing) {
      for (const rule of policy.ingressRules) {
        for (const peer of rule.peers ?? []) {
          if (peer.type !== 'ipBlock') continue;
          const ports = formatPortSet(g.rulePorts(rule, w).sure);
          ipIn.push(ipBlockText(peer, ports === 'all' ? 'all' : ports.join(',') || '(no port resolves)'));
        }
      }
    }
    const ipOut: string[] = [];
    for (const { policy } of eg) {
      for (const rule of policy.egressRules) {
        for (const peer of rule.peers ?? []) {
          if (peer.type !== 'ipBlock') continue;
          ipOut.push(ipBlockText(peer, rule.ports === null ? 'all' : rule.ports.map(formatPortSpec).join(',')));
        }
      }
    }
    if (ipIn.length) out.ingressIpBlocks = [...new Set(ipIn)];
    if (ipOut.length) out.egressIpBlocks = [...new Set(ipOut)];
    if (isHostNetwork(w)) out.hostNetwork = true;
    return out;
  });

  // Candidate peers of a rule (workloads its from/to may match), resolved once per rule.
  const namespaces = [...new Set(ws.map((w) => index.namespaceOf(w.resource)))];
  const candCache = new Map<NetpolRule, Workload[] | 'all'>();
  const candidates = (p: NetPolicy, rule: NetpolRule): Workload[] | 'all' => {
    let c = candCache.get(rule);
    if (c) return c;
    if (rule.peers === null || rule.peers.some((x) => x.type === 'invalid')) c = 'all';
    else {
      const set = new Set<Workload>();
      for (const peer of rule.peers) {
        if (peer.type !== 'pods') continue;
        const nss = peer.namespaceSelector === undefined ? [p.namespace] : namespaces.filter((ns) => g.namespaceMatches(peer.namespaceSelector, ns) !== false);
        for (const ns of nss) for (const w of g.workloadsIn(ns)) if (g.peerMatchesMatrix(p, peer, w) !== false) set.add(w);
      }
      c = [...set];
    }
    candCache.set(rule, c);
    return c;
  };
  const collect = (sels: PolicySelection[], dir: 'ingress' | 'egress'): Workload[] => {
    const set = new Set<Workload>();
    for (const { policy } of sels) {
      if (policy.uncertain) return ws;
      for (const rule of dir === 'ingress' ? policy.ingressRules : policy.egressRules) {
        const c = candidates(policy, rule);
        if (c === 'all') return ws;
        for (const w of c) set.add(w);
      }
    }
    return [...set].sort((a, b) => ordinal.get(a)! - ordinal.get(b)!);
  };

  const edges: { f: number; t: number; c: Allowed }[] = [];
  let pairs = 0;
  let truncated = false;
  const visit = (f: number, t: number): boolean => {
    if (edges.length >= maxEdges || pairs >= maxPairs) {
      truncated = true;
      return false;
    }
    pairs++;
    const c = g.connectionMatrix(ws[f], ws[t]);
    if (!portSetEmpty(c.sure) || !portSetEmpty(c.maybe)) edges.push({ f, t, c });
    return true;
  };
  // Destinations isolated for ingress: the sources their rules may admit.
  outer: for (let t = 0; t < ws.length; t++) {
    if (isoIn[t] !== 'isolated') continue;
    for (const from of collect(g.matrixSelections(ws[t]).ingress, 'ingress')) {
      const f = ordinal.get(from)!;
      if (isHostNetwork(from)) continue;
      if (!visit(f, t)) break outer;
    }
  }
  // Sources isolated for egress, towards destinations whose ingress admits everything.
  if (!truncated) {
    outer2: for (let f = 0; f < ws.length; f++) {
      if (isoOut[f] !== 'isolated') continue;
      for (const to of collect(g.matrixSelections(ws[f]).egress, 'egress')) {
        const t = ordinal.get(to)!;
        if (isoIn[t] !== 'open' && isoIn[t] !== 'allow-all') continue;
        if (!visit(f, t)) break outer2;
      }
    }
  }
  edges.sort((a, b) => a.f - b.f || a.t - b.t);
  return {
    policies: g.policies.length,
    workloads,
    edges: edges.map(({ f, t, c }) => {
      const e: ReachabilityEdge = { from: refs[f], to: refs[t], ports: formatPortSet(c.sure) };
      if (!portSetEmpty(c.maybe)) e.maybe = formatPortSet(c.maybe);
      return e;
    }),
    truncated,
  };
}
