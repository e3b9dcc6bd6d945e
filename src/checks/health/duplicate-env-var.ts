import { defineCheck, type FindingInput } from '../types.js';
import { containerLabel as who } from '../../model/workload.js';
import type { Json } from '../../model/types.js';
import { get, getArray, isObject, isTemplated } from '../../model/util.js';

interface Entry {
  index: number;
  value: string;
  valueFrom: Json | undefined;
}


/**
 * The API server's rule (pkg/api/pod/warnings.go, "hides previous definition"): a later entry of a
 * name already set is fine only when it is a literal value that builds on the earlier one
 * (X="abc", then X="$(X)123"), not a bare "$(X)" and not a valueFrom.
 */
function hides(e: Entry, name: string): boolean {
  const ref = `$(${name})`;
  return (e.valueFrom !== undefined && e.valueFrom !== null) || e.value === ref || !e.value.includes(ref);
}

/** An optional configMapKeyRef / secretKeyRef: when its object or key is missing the kubelet skips it and the earlier value stays. */
function optionalRef(e: Entry): boolean {
  return ['configMapKeyRef', 'secretKeyRef'].some((k) => get(e.valueFrom, [k, 'optional']) === true);
}

function sameSource(a: Entry, b: Entry): boolean {
  return a.value === b.value && JSON.stringify(a.valueFrom ?? null) === JSON.stringify(b.valueFrom ?? null);
}

function list(indexes: number[]): string {
  const s = indexes.map((i) => `env[${i}]`);
  return s.length <= 2 ? s.join(' and ') : `${s.slice(0, -1).join(', ')} and ${s[s.length - 1]}`;
}

const TIMES = ['', 'once', 'twice', 'three times'];

export default defineCheck({
  id: 'duplicate-env-var',
  pillar: 'health',
  severity: 'warning',
  title: 'Container sets the same env variable more than once',
  whatBreaks:
    'When a container lists the same env name twice, the kubelet keeps only the last entry: the earlier one is silently ignored, so the app may run with a value nobody meant. Apply tools merge env entries by name and cannot handle the duplicate: client-side kubectl apply deletes both entries when either is removed, and server-side apply rejects the manifest.',
  details: `Fires when a name appears more than once in a container's \`env\` (init containers and sidecars
included), under the same rule as the API server's warning "hides previous definition of ..., which may be
dropped when using apply" (pkg/api/pod/warnings.go): a later entry is accepted only when it is a literal
\`value\` that refers to the earlier one, such as \`PATH\` then \`PATH=$(PATH):/opt/bin\` (the kubelet expands
\`$(PATH)\` to the earlier value). The API server accepts the object with a warning; nothing fails at once.
Entries that build on each other that way are reported at **info**: the kubelet resolves them as meant,
but server-side apply refuses them like any duplicate (Flux always applies server-side).

What happens:

- **At run time** the kubelet builds the environment in list order into a map (\`makeEnvironmentVariables\`,
  pkg/kubelet/kubelet_pods.go): the **last** entry wins. Exception: a last entry that is an \`optional\`
  \`configMapKeyRef\`/\`secretKeyRef\` whose object or key is missing is skipped, and the earlier value stays.
- **Client-side \`kubectl apply\`** merges \`env\` by \`name\` (strategic merge
  patch): removing either entry in a later apply deletes **both** from the live object, and editing the
  last entry edits the first one instead, so the value in effect does not change.
- **Server-side apply** (\`kubectl apply --server-side\`, and tools built on it) rejects the manifest:
  \`env\` is a map list keyed by \`name\` and the applied object may not hold duplicate keys
  ("duplicate entries for key [name=...]").

Entries from \`envFrom\` are not compared: an explicit \`env\` entry overriding an \`envFrom\` key is the
documented way to override it. Values are never printed, only which entry wins. Templated names are skipped.`,
  fix: {
    text: 'Keep one entry per name (the value you want in effect) and delete the others. With client-side kubectl apply, check the live object afterwards: removing a duplicate deletes both entries, so apply a second time to restore the one you kept.',
    yaml: `env:
  - name: LOG_LEVEL
    value: info`,
  },
  target: 'workload',
  run({ workload: w }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    for (const c of w.containers) {
      const byName = new Map<string, Entry[]>();
      getArray(c.spec, ['env']).forEach((e, index) => {
        if (!isObject(e)) return;
        const name = e.name;
        if (typeof name !== 'string' || name === '' || isTemplated(name)) return;
        const v = e.value;
        const entry: Entry = { index, value: typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '', valueFrom: e.valueFrom };
        const l = byName.get(name);
        if (l) l.push(entry);
        else byName.set(name, [entry]);
      });
      for (const [name, entries] of byName) {
        if (entries.length < 2) continue;
        const hiding = entries.slice(1).filter((e) => hides(e, name));
        if (hiding.length === 0) {
          // Each later entry builds on the one before ($(NAME)): the kubelet resolves that as meant and
          // the API server does not warn, but server-side apply still refuses two entries of one name.
          out.push({
            message: `${who(c)}: env ${name} is set ${TIMES[entries.length] ?? `${entries.length} times`} (${list(entries.map((e) => e.index))}), each later value building on the one before with $(${name}): the kubelet resolves it as meant, but server-side apply (kubectl apply --server-side, Flux, Argo CD with ServerSideApply) rejects the manifest (duplicate entries for key [name="${name}"]); write the whole value in one entry`,
            path: [...c.path, 'env', entries[entries.length - 1].index, 'name'],
            container: c.name,
            severity: 'info',
          });
          continue;
        }
        const last = entries[entries.length - 1];
        const earlier = entries.slice(0, -1);
        const times = TIMES[entries.length] ?? `${entries.length} times`;
        const same = entries.every((e) => sameSource(e, entries[0]));
        const wins = same
          ? `all set the same value, so the duplicate changes nothing at run time yet`
          : optionalRef(last)
            ? `the kubelet uses ${list([last.index])} when its optional source resolves, else the value before it`
            : `the kubelet uses the last one (${list([last.index])}) and ignores ${list(earlier.map((e) => e.index))}`;
        out.push({
          message: `${who(c)}: env ${name} is set ${times} (${list(entries.map((e) => e.index))}); ${wins}: client-side kubectl apply deletes ${entries.length === 2 ? 'both' : 'all of them'} when one is removed, and server-side apply rejects the manifest (duplicate entries for key [name="${name}"])`,
          path: [...c.path, 'env', hiding[hiding.length - 1].index, 'name'],
          container: c.name,
        });
      }
    }
    return out;
  },
});
