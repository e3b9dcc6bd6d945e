/**
 * Knative's components (Serving, Eventing) declare a `metrics` port, but what they export is set by
 * their `config-observability` ConfigMap, which each container names in `CONFIG_OBSERVABILITY_NAME`:
 * - since Knative 1.18, `metrics-protocol`: `none` (the default), `prometheus` (served on the metrics
 *   port, 9090), or `http/protobuf` / `grpc` (pushed over OTLP to `metrics-endpoint`);
 * - before, `metrics.backend-destination`: `prometheus` (the default), `opencensus` or `stackdriver`
 *   (pushed).
 * A ConfigMap whose `data` holds only the `_example` block uses the default of its scheme, which the
 * example block shows (it documents `metrics-protocol` or `metrics.backend-destination`).
 *
 * Known only when the ConfigMap is in the input, in the workload's namespace and project.
 *
 * Model module: imports only from `src/model`.
 */
import type { ResourceIndex } from './index.js';
import type { FieldPath, Resource, Workload } from './types.js';
import { closest, getObject, literalEnv } from './util.js';

export interface KnativeMetrics {
  /** `prometheus` (scrape the port), `push` (OTLP, OpenCensus, Stackdriver) or `none`. */
  state: 'prometheus' | 'push' | 'none';
  /** The setting as the ConfigMap has it, for messages: `metrics-protocol: http/protobuf`, or the default. */
  setting: string;
  configMap: Resource;
  /** The field that decides: the key, or `data` when the default applies. */
  path: FieldPath;
  /** The container that reads the ConfigMap. */
  container: string;
}

export function knativeMetrics(w: Workload, index: ResourceIndex): KnativeMetrics | null {
  for (const c of w.containers) {
    if (!c.longRunning) continue;
    const name = literalEnv(c.spec).find((e) => e.name === 'CONFIG_OBSERVABILITY_NAME')?.value;
    if (!name) continue;
    const candidates = index.inNamespace('ConfigMap', index.namespaceOf(w.resource)).filter((r) => r.name === name && index.sameScope(r, w.resource));
    if (!candidates.length) return null;
    const cm = closest(candidates, w.resource);
    const data = getObject(cm.object, ['data']) ?? {};
    const text = (k: string): string | undefined => (typeof data[k] === 'string' ? (data[k] as string).trim() : undefined);
    const at = (k: string): FieldPath => ['data', k];
    const protocol = text('metrics-protocol');
    if (protocol !== undefined) {
      const state = protocol === 'prometheus' ? 'prometheus' : protocol === 'none' || protocol === '' ? 'none' : 'push';
      return { state, setting: `metrics-protocol: ${protocol || '""'}`, configMap: cm, path: at('metrics-protocol'), container: c.name };
    }
    const backend = text('metrics.backend-destination');
    if (backend !== undefined) {
      const state = backend === 'prometheus' || backend === '' ? 'prometheus' : backend === 'none' ? 'none' : 'push';
      return { state, setting: `metrics.backend-destination: ${backend || '""'}`, configMap: cm, path: at('metrics.backend-destination'), container: c.name };
    }
    // Only the example block: the default of the scheme it documents.
    const example = text('_example') ?? '';
    if (/^\s*metrics-protocol:/m.test(example)) {
      return { state: 'none', setting: 'no metrics-protocol (the default is none)', configMap: cm, path: ['data'], container: c.name };
    }
    return null;
  }
  return null;
}
