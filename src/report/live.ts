/**
 * Objects read from a live cluster (audit --cluster) have no file and no lines: their location's
 * `file` is only `<context>/<namespace>/<Kind>/<name>`. Formats that link or annotate files (SARIF,
 * GitHub annotations, Markdown links) must not present that as a path in the repository; they name
 * the object and the command that shows it instead.
 */
import type { ObjectRef } from '../engine/report-types.js';
import { objectName } from './names.js';

/** Was this object read from a cluster (it carries its kubeconfig context)? */
export function isLive(o: ObjectRef): o is ObjectRef & { cluster: string } {
  return typeof o.cluster === 'string';
}

/** `kubeready-test: Deployment shop/web`. */
export function liveName(o: ObjectRef & { cluster: string }): string {
  return `${o.cluster}: ${objectName(o)}`;
}

/** The kubectl command that shows the object as the cluster has it. */
export function kubectlGet(o: ObjectRef & { cluster: string }): string {
  const slash = o.apiVersion.indexOf('/');
  const type = o.kind.toLowerCase() + (slash === -1 ? '' : `.${o.apiVersion.slice(0, slash)}`);
  const q = (s: string) => (/^[A-Za-z0-9._:/@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `kubectl --context ${q(o.cluster)}${o.namespace ? ` -n ${q(o.namespace)}` : ''} get ${q(`${type}/${o.name}`)} -o yaml`;
}
