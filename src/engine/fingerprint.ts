/**
 * Stable finding fingerprints, for baselines and SARIF partialFingerprints.
 *
 * A fingerprint comes from what the finding is about, never from where it sits in a file: the check,
 * the object's identity (kind, effective namespace, name; not apiVersion, which migrations change),
 * the container, the field path and the message (or, for a finding whose message also describes other
 * objects, its \`identity\`). So it survives reformatting, reordering, moving
 * the object to another file and unrelated edits, and changes when the finding's substance changes
 * (another value in the message, another field, another object).
 */
import { createHash } from 'node:crypto';
import type { Finding } from './report-types.js';

export function fingerprintOf(f: Pick<Finding, 'check' | 'object' | 'container' | 'field' | 'message' | 'identity'>): string {
  const h = createHash('sha256');
  // A finding whose message also lists other things (a namespace's workloads) gives its identity,
  // which names what it is about (the namespace): the object it is reported on (the first workload
  // of the namespace) is left out too, so a workload added before it changes nothing.
  const parts = f.identity !== undefined
    ? [f.check, f.object.namespace ?? '', f.identity]
    : [f.check, f.object.kind, f.object.namespace ?? '', f.object.name, f.container ?? '', f.field, f.message];
  // Live findings: the same object in two clusters is two findings (manifest fingerprints are unchanged).
  if (f.object.cluster) parts.push(`cluster=${f.object.cluster}`);
  h.update(parts.join('\0'));
  return h.digest('hex').slice(0, 32);
}
