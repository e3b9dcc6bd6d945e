/** Indexes over all input resources, for lookups that cross objects. */
import type { Resource, Workload } from './types.js';
import { getNumber, getString } from './util.js';
import { toWorkload } from './workload.js';

export class ResourceIndex {
  readonly resources: Resource[];
  readonly workloads: Workload[];
  readonly defaultNamespace: string;
  private byKind = new Map<string, Resource[]>();
  private hpaByTarget = new Map<string, Resource[]>();

  constructor(resources: Resource[], defaultNamespace = 'default') {
    this.resources = resources;
    this.defaultNamespace = defaultNamespace;
    this.workloads = [];
    for (const r of resources) {
      let list = this.byKind.get(r.kind);
      if (!list) this.byKind.set(r.kind, (list = []));
      list.push(r);
      const w = toWorkload(r);
      if (w) this.workloads.push(w);
      if (r.kind === 'HorizontalPodAutoscaler') {
        const kind = getString(r.object, ['spec', 'scaleTargetRef', 'kind']);
        const name = getString(r.object, ['spec', 'scaleTargetRef', 'name']);
        if (kind && name) {
          const key = `${this.namespaceOf(r)}/${kind}/${name}`;
          let l = this.hpaByTarget.get(key);
          if (!l) this.hpaByTarget.set(key, (l = []));
          l.push(r);
        }
      }
    }
  }

  /** The namespace an object lands in (manifest namespace, else the default). */
  namespaceOf(r: Resource): string {
    return r.namespace ?? this.defaultNamespace;
  }

  ofKind(kind: string): Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** HorizontalPodAutoscalers whose scaleTargetRef names this resource. */
  hpasFor(r: Resource): Resource[] {
    return this.hpaByTarget.get(`${this.namespaceOf(r)}/${r.kind}/${r.name}`) ?? [];
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
