/** Indexes over all input resources, for lookups that cross objects. */
import type { Resource, Workload } from './types.js';
import { closeFolders, dirOf, get, getNumber, getObject, getString, isObject, stringMap } from './util.js';

/**
 * kubebuilder's placeholder namespace: every operator scaffold writes `namespace: system` and its
 * config/default kustomization replaces it (with a name prefix), so two operators'
 * "system/controller-manager" are different objects once deployed. In manifests (not on a live
 * scan), objects that both say `system` are deployed together only when they sit in the same folder
 * or in sibling folders (config/rbac beside config/manager).
 */
export const PLACEHOLDER_NAMESPACE = 'system';

/** Same folder, or sibling folders (the folders share a parent). */
export function nearFolders(a: string, b: string): boolean {
  return dirOf(dirOf(a)) === dirOf(dirOf(b));
}


function push<K, V>(map: Map<K, V[]>, key: K, v: V): void {
  let l = map.get(key);
  if (!l) map.set(key, (l = []));
  l.push(v);
}
import { toWorkload } from './workload.js';
import { SelectorCandidates } from './selector.js';
import { OPERATOR_POD_KINDS, operatorPodSets } from './operator-pods.js';
import { removedApi } from './removed-apis.js';
import { refersTo, scaleTargetRef } from './scale-target.js';


/** A Service with its map selector (all pairs required) and its input position. */
interface ServiceEntry {
  svc: Resource;
  pairs: [string, string][];
  at: number;
}

/**
 * Where the objects of this index were looked for, for messages: "in the cluster" for a live scan that
 * listed kinds in full, "in the input" for files and dumps (and a live scan filtered by -l, whose
 * listings hold only what matched).
 */
export function sourceWhere(index: Pick<ResourceIndex, 'listedKinds'>): string {
  return index.listedKinds && index.listedKinds.size > 0 ? 'in the cluster' : 'in the input';
}

export class ResourceIndex {
  readonly resources: Resource[];
  readonly workloads: Workload[];
  readonly defaultNamespace: string;
  /** The user said where namespace-less manifests go (-n, config namespace:), "default" included. */
  namespaceGiven = false;
  /**
   * When the input was read, if the source knows (a live cluster: the API server's clock). Unset, the
   * newest timestamp in the objects stands in for it (model/events.ts observedAt).
   */
  observedAt?: number;
  /**
   * Set when the input holds the pods of these namespaces only (a live scan with -n): what a node has
   * left unrequested cannot be known, since other namespaces' pods use it too.
   */
  podNamespaces?: string[];
  /**
   * Every namespace's pods, when a source listed them for what the nodes have left (diagnose of a
   * Pending pod with -n): used by nodeRoom only, never audited.
   */
  nodePods?: Resource[];
  /**
   * Kinds that a live scan listed in full (every object of them that the scope covers is in the
   * input): their absence is a fact, not a gap (no StorageClass at all means no default class).
   */
  listedKinds?: Set<string>;
  private byKind = new Map<string, Resource[]>();
  private byKindNs = new Map<string, Resource[]>();
  private byKindName = new Map<string, Resource[]>();
  private workloadsByNs = new Map<string, Workload[]>();
  private bindingsBySa = new Map<string, Resource[]>();
  private memos = new Map<string, unknown>();
  private hpaByTarget = new Map<string, Resource[]>();
  private rolloutOf = new Map<Resource, Resource>();

  constructor(resources: Resource[], defaultNamespace = 'default') {
    this.resources = resources;
    this.defaultNamespace = defaultNamespace;
    this.workloads = [];
    for (const r of resources) {
      let list = this.byKind.get(r.kind);
      if (!list) this.byKind.set(r.kind, (list = []));
      list.push(r);
      push(this.byKindNs, `${r.kind}\0${this.namespaceOf(r)}`, r);
      push(this.byKindName, `${r.kind}\0${r.name}`, r);
      const w = toWorkload(r);
      if (w) {
        this.workloads.push(w);
        push(this.workloadsByNs, this.namespaceOf(r), w);
      }
      if (r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') {
        const subjects = r.object.subjects;
        if (Array.isArray(subjects)) {
          const names = new Set<string>();
          for (const s of subjects) if (isObject(s) && s.kind === 'ServiceAccount' && typeof s.name === 'string') names.add(s.name);
          for (const n of names) push(this.bindingsBySa, n, r);
        }
      }
      // An autoscaler in a version no longer served (autoscaling/v2beta2) is never created: it scales nothing.
      if (r.kind === 'HorizontalPodAutoscaler' && !removedApi(r.apiVersion, r.kind)) {
        const ref = scaleTargetRef(r);
        if (ref) {
          const key = `${this.namespaceOf(r)}/${ref.kind}/${ref.name}`;
          let l = this.hpaByTarget.get(key);
          if (!l) this.hpaByTarget.set(key, (l = []));
          l.push(r);
        }
      }
    }
    this.linkRollouts();
  }

  /**
   * Argo Rollouts that run a Deployment's template (`spec.workloadRef`): the Deployment's workload
   * gets the Rollout as `scaledBy`, with the Rollout's replica count (default 1). The Deployment is
   * usually scaled to 0 (or scaled down by the Rollout), so its own count says nothing.
   */
  private linkRollouts(): void {
    for (const ro of this.ofKind('Rollout')) {
      if (!ro.apiVersion.startsWith('argoproj.io/')) continue;
      const ref = getObject(ro.object, ['spec', 'workloadRef']);
      const name = getString(ref, ['name']);
      if (!name || getString(ref, ['kind']) !== 'Deployment') continue;
      const w = this.workloadsIn(this.namespaceOf(ro)).find((x) => x.resource.kind === 'Deployment' && x.resource.name === name && this.sameScope(x.resource, ro));
      if (!w || w.scaledBy) continue;
      const n = get(ro.object, ['spec', 'replicas']);
      w.scaledBy = { resource: ro, replicasPath: ['spec', 'replicas'] };
      w.replicas = typeof n === 'number' ? n : n === undefined || n === null ? 1 : null;
      this.rolloutOf.set(w.resource, ro);
    }
  }

  /** The namespace an object lands in (manifest namespace, else the default). */
  namespaceOf(r: Resource): string {
    return r.namespace ?? this.defaultNamespace;
  }

  /**
   * `-n NS` for a kubectl command about `r` (with a leading space) when its namespace is known: written
   * in the manifest, or given (-n, a live cluster). Empty for a namespace-less manifest, which lands in
   * whatever namespace it is applied to, as the command then does.
   */
  kubectlNamespace(r: Resource): string {
    return r.namespace !== undefined || this.namespaceLessPlaced() ? ` -n ${this.namespaceOf(r)}` : '';
  }

  ofKind(kind: string): Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * Are two objects deployed together, as far as the input can tell? Both name a namespace: the
   * same one. Exactly one names it: the other lands in the default namespace (-n). Neither names
   * one: only when they sit in the same folder, since unrelated example folders (and separate
   * apps applied with different -n) would otherwise be judged together. Checks that claim a
   * hard failure from another object (a LimitRange rejecting pods, a Service with no endpoint)
   * use this; lookups that can only silence a finding use the plain namespace. Objects that both
   * say kubebuilder's placeholder namespace `system` count together only from near folders
   * (PLACEHOLDER_NAMESPACE).
   */
  sameScope(a: Resource, b: Resource): boolean {
    // Keep scopeKey in step.
    // Two renders (overlays of one base) are alternatives: never deployed together.
    if (a.origin.render !== b.origin.render && a.origin.render !== undefined && b.origin.render !== undefined) return false;
    if (a.namespace === undefined && b.namespace === undefined) return dirOf(a.origin.file) === dirOf(b.origin.file);
    if (a.namespace === PLACEHOLDER_NAMESPACE && b.namespace === PLACEHOLDER_NAMESPACE && !this.listedKinds) return nearFolders(a.origin.file, b.origin.file);
    return this.namespaceOf(a) === this.namespaceOf(b);
  }

  /**
   * A key for caching what sameScope finds from an object: two objects with the same key are in
   * sameScope with exactly the same objects (namespace; plus the folder of a namespace-less manifest,
   * or the parent folder under the placeholder namespace).
   */
  scopeKey(r: Resource): string {
    const ns = this.namespaceOf(r);
    const render = r.origin.render === undefined ? '' : `\0render\0${r.origin.render}`;
    if (r.namespace === undefined) return `${ns}\0dir\0${dirOf(r.origin.file)}${render}`;
    if (r.namespace === PLACEHOLDER_NAMESPACE && !this.listedKinds) return `${ns}\0near\0${dirOf(dirOf(r.origin.file))}${render}`;
    return ns + render;
  }

  /**
   * Is `other` (a LimitRange, a ResourceQuota, an autoscaler) deployed with `workload`, so that it acts
   * on its pods? Stricter than sameScope when exactly one of the two names a namespace: without
   * -n (or a config namespace:), a namespace-less manifest lands in whatever namespace
   * kubectl's context says, so it counts together with an object that names "default" only when both
   * sit in the same folder. Otherwise an HPA or LimitRange of another project in the input that says
   * `namespace: default` would be taken to act on every namespace-less workload.
   */
  deployedWith(other: Resource, workload: Resource): boolean {
    if (!this.sameScope(other, workload)) return false;
    if ((other.namespace === undefined) === (workload.namespace === undefined)) return true;
    return this.namespaceLessPlaced() || dirOf(other.origin.file) === dirOf(workload.origin.file);
  }

  /**
   * Does the run say where namespace-less manifests go (-n, or a config `namespace:`, or a default
   * other than "default")? Without it, one is deployed with an object of another folder only as
   * the caller's folder rule allows.
   */
  namespaceLessPlaced(): boolean {
    return this.namespaceGiven || this.defaultNamespace !== 'default';
  }

  /**
   * HorizontalPodAutoscalers that name this resource and would act on it if it lands in the namespace
   * they name, but that deployedWith cannot tie to it: exactly one of the two names a namespace, they
   * sit in different but close folders (closeFolders: one project's tree) and no -n says where
   * namespace-less manifests go. Findings that depend on the replica floor are unknown, not firm, while
   * such an autoscaler exists. One of another project (a test fixture of another repository that
   * names a Deployment of the same name) is not taken to scale it.
   */
  hpasPerhapsFor(r: Resource): Resource[] {
    r = this.rolloutOf.get(r) ?? r;
    const l = this.hpaByTarget.get(`${this.namespaceOf(r)}/${r.kind}/${r.name}`)?.filter((h) => refersTo(scaleTargetRef(h)!, r));
    if (!l) return [];
    return l.filter((h) => this.sameScope(h, r) && !this.deployedWith(h, r) && closeFolders(h.origin.file, r.origin.file));
  }

  /**
   * v1 Services in a namespace whose (map) selector matches these pod labels, ordered by the
   * position in `labels` of their selector's first key, then by input order. Each Service is
   * indexed under the rarest pair of its selector (SelectorCandidates), so a namespace full of
   * Services that share `app: web` costs per matching Service, not per Service.
   */
  servicesSelecting(namespace: string, labels: Record<string, string>): Resource[] {
    const candidates = this.memo(`svc-by-pair:${namespace}`, () => {
      const entries: ServiceEntry[] = [];
      for (const svc of this.inNamespace('Service', namespace)) {
        if (svc.apiVersion !== 'v1') continue;
        const spec = svc.object.spec;
        const sel = isObject(spec) ? stringMap(spec.selector) : {};
        const pairs = Object.entries(sel);
        if (pairs.length > 0) entries.push({ svc, pairs, at: entries.length });
      }
      return new SelectorCandidates(entries, (e) => ({ matchLabels: Object.fromEntries(e.pairs) }));
    });
    const matched = candidates.for(labels).filter((c) => c.pairs.every(([sk, sv]) => labels[sk] === sv));
    if (matched.length > 1) {
      const pos = new Map(Object.keys(labels).map((k, i) => [k, i]));
      matched.sort((a, b) => pos.get(a.pairs[0][0])! - pos.get(b.pairs[0][0])! || a.at - b.at);
    }
    return matched.map((c) => c.svc);
  }

  /** Workloads in a namespace whose pod labels carry every pair of this map selector (empty selector: none), in input order. */
  workloadsMatching(namespace: string, selector: Record<string, string>): Workload[] {
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [];
    const byPair = this.memo(`wl-by-pair:${namespace}`, () => {
      const m = new Map<string, Workload[]>();
      for (const w of this.workloadsIn(namespace)) for (const [k, v] of Object.entries(w.podLabels)) push(m, `${k}=${v}`, w);
      return m;
    });
    // Every pair's list is in input order: filter the shortest.
    let best: Workload[] | undefined;
    for (const [k, v] of pairs) {
      const l = byPair.get(`${k}=${v}`);
      if (!l) return [];
      if (!best || l.length < best.length) best = l;
    }
    return best!.filter((w) => pairs.every(([k, v]) => w.podLabels[k] === v));
  }

  /**
   * Custom resources in a namespace whose operator creates pods with known labels (see
   * operator-pods.ts), with those labels: pods a Service, budget or policy of the input may select.
   */
  operatorPodsIn(namespace: string): { resource: Resource; labels: Record<string, string> }[] {
    return this.memo(`operator-pods:${namespace}`, () => {
      const out: { resource: Resource; labels: Record<string, string> }[] = [];
      for (const kind of OPERATOR_POD_KINDS) {
        for (const r of this.inNamespace(kind, namespace)) {
          for (const labels of operatorPodSets(r) ?? []) out.push({ resource: r, labels });
        }
      }
      return out;
    });
  }

  /** Resources of a kind in one (effective) namespace. */
  inNamespace(kind: string, namespace: string): Resource[] {
    return this.byKindNs.get(`${kind}\0${namespace}`) ?? [];
  }

  /** Resources of a kind with this name, in any namespace. */
  named(kind: string, name: string): Resource[] {
    return this.byKindName.get(`${kind}\0${name}`) ?? [];
  }

  /** Workloads in one (effective) namespace. */
  workloadsIn(namespace: string): Workload[] {
    return this.workloadsByNs.get(namespace) ?? [];
  }

  /** RoleBindings and ClusterRoleBindings with a ServiceAccount subject of this name (any namespace). */
  bindingsNamingServiceAccount(name: string): Resource[] {
    return this.bindingsBySa.get(name) ?? [];
  }

  /**
   * Cache derived data for the lifetime of this index (one audit run), so a check that needs, say,
   * the monitors covering a namespace computes it once per namespace instead of once per workload.
   */
  memo<T>(key: string, compute: () => T): T {
    const hit = this.memos.get(key);
    if (hit !== undefined || this.memos.has(key)) return hit as T;
    const v = compute();
    this.memos.set(key, v);
    return v;
  }

  /** HorizontalPodAutoscalers whose scaleTargetRef names this resource, deployed with it (deployedWith). */
  hpasFor(r: Resource): Resource[] {
    // A Deployment run by an Argo Rollout is scaled through the Rollout.
    r = this.rolloutOf.get(r) ?? r;
    // An autoscaler naming the kind in another API group (or with no apiVersion: the core group) finds no scale: it scales nothing.
    const l = this.hpaByTarget.get(`${this.namespaceOf(r)}/${r.kind}/${r.name}`)?.filter((h) => refersTo(scaleTargetRef(h)!, r));
    if (!l || l.length === 0) return [];
    // An HPA of another example folder that happens to name a Deployment of the same name is not its autoscaler.
    return l.some((h) => !this.deployedWith(h, r)) ? l.filter((h) => this.deployedWith(h, r)) : l;
  }

  /** The replica floor of a workload: an HPA's minReplicas (default 1) when one targets it, else spec.replicas (default 1). */
  minReplicas(w: Workload): { value: number; source: 'hpa' | 'replicas' | 'default'; hpa?: Resource } {
    const hpas = this.hpasFor(w.resource);
    if (hpas.length > 0) {
      const hpa = hpas[0];
      return { value: getNumber(hpa.object, ['spec', 'minReplicas']) ?? 1, source: 'hpa', hpa };
    }
    if (w.replicas !== null) return { value: w.replicas, source: 'replicas' };
    return { value: 1, source: 'default' };
  }
}
