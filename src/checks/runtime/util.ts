/** Shared helpers of the runtime checks: the pods of the checked object, paths, and message pieces. */
import type { CheckContext, FieldPath, RelatedInput, Resource, Workload } from '../types.js';
import { podsOf, type ContainerStatus } from '../../model/runtime.js';
import { formatTime, shortenMessage } from '../../model/events.js';

/** At most this many pods are named in a message and listed as related objects. */
export const MAX_PODS = 5;

/** The pods behind the checked object (its own pods through ownerReferences uid; a Pod is its own). */
export function podsFor(ctx: CheckContext<unknown>): Resource[] {
  return podsOf(ctx.index, ctx.resource);
}

/**
 * Where a container's field belongs in the checked object: its pod template when the object is a
 * workload (the field to fix), else the pod's own spec.
 */
export function containerPath(ctx: CheckContext<unknown>, c: ContainerStatus, rest: FieldPath = []): FieldPath {
  const w = ctx.workload;
  if (w) {
    const t = w.containers.find((x) => x.name === c.name && (c.type === 'init') === (x.type !== 'container'));
    if (t) return [...t.path, ...rest];
    return w.podSpecPath;
  }
  if (ctx.resource === c.pod && c.specPath) return [...c.specPath, ...rest];
  return [];
}

/** The path of the pod spec in the checked object. */
export function podSpecPath(w: Workload | undefined): FieldPath {
  return w ? w.podSpecPath : ['spec'];
}

/** Group facts by container name (init containers apart), keeping first-seen order. */
export function byContainer<T extends { c: ContainerStatus }>(items: T[]): T[][] {
  const m = new Map<string, T[]>();
  for (const x of items) {
    const k = `${x.c.type}\0${x.c.name}`;
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(x);
  }
  return [...m.values()];
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `container "app"` or `init container "migrate"`. */
export function showContainer(c: ContainerStatus): string {
  return `${c.type === 'init' ? 'init container' : 'container'} "${c.name}"`;
}

/**
 * " in 2 of 3 pods" for a workload, "" for a Pod checked on its own. `pods` are the affected pods,
 * `total` all the workload's pods.
 */
export function inPods(ctx: CheckContext<unknown>, affected: number, total: number): string {
  if (ctx.resource.kind === 'Pod') return '';
  return ` in ${affected} of ${plural(total, 'pod')}`;
}

/** "pod web-5d9c-x2x" (only when the checked object is not the pod itself). */
export function podName(ctx: CheckContext<unknown>, pod: Resource): string {
  return ctx.resource === pod ? 'the pod' : `pod ${pod.name}`;
}

export function related(items: { pod: Resource; path: FieldPath; note: string }[]): RelatedInput[] {
  return items.slice(0, MAX_PODS).map((x) => ({ resource: x.pod, path: x.path, note: x.note }));
}

/**
 * A status or event message in quotes, on one line, at most `max` characters: the repeated layers of
 * kubelet and containerd errors dropped, and a longer one keeps its start and its end, where the
 * decisive part ("401 Unauthorized", "no such host") is (model/events.ts shortenMessage).
 */
export function quote(s: string | undefined, max = 200): string {
  if (!s) return '';
  return `"${shortenMessage(s, max)}"`;
}

export function at(t: number | undefined): string {
  return t === undefined ? '' : ` at ${formatTime(t)}`;
}
