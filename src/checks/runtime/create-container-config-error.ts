import { defineCheck, type FieldPath, type FindingInput, type RelatedInput, type Resource } from '../types.js';
import { configErrors, type ConfigError, type ConfigRef } from '../../model/runtime.js';
import { get, getArray, getString } from '../../model/util.js';
import type { Json } from '../../model/types.js';
import { byContainer, containerPath, inPods, podsFor, quote, related, showContainer } from './util.js';

/** Where the container references this ConfigMap or Secret (env valueFrom, envFrom), relative to the container. */
export function referencePath(container: Json | undefined, ref: ConfigRef): FieldPath | undefined {
  const keyRef = ref.kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const env = getArray(container, ['env']);
  for (let i = 0; i < env.length; i++) {
    const r = get(env[i], ['valueFrom', keyRef]);
    if (getString(r, ['name']) !== ref.name) continue;
    if (ref.key !== undefined && getString(r, ['key']) !== ref.key) continue;
    return ['env', i, 'valueFrom', keyRef, ref.key !== undefined ? 'key' : 'name'];
  }
  const envFrom = getArray(container, ['envFrom']);
  const fromKey = ref.kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  for (let i = 0; i < envFrom.length; i++) if (getString(envFrom[i], [fromKey, 'name']) === ref.name) return ['envFrom', i, fromKey, 'name'];
  return undefined;
}

export function describeMissing(e: ConfigError, ns: string): string {
  if (e.missing?.key !== undefined) return `${e.missing.kind} "${e.missing.name}" has no key "${e.missing.key}"`;
  if (e.missing) return `${e.missing.kind} "${e.missing.name}" does not exist in namespace ${ns}`;
  if (e.nonRoot) return 'runAsNonRoot is set but the image runs as root (or as a user name the kubelet cannot check)';
  return 'the container configuration cannot be built';
}

export default defineCheck({
  id: 'create-container-config-error',
  pillar: 'storage',
  severity: 'error',
  runtime: true,
  title: 'Container cannot start: missing ConfigMap, Secret or key',
  whatBreaks:
    'The kubelet cannot build the container (CreateContainerConfigError): a ConfigMap, Secret or key it reads into the environment does not exist, so the container never starts and the pod stays unready until the object appears.',
  details: `A runtime check (pod \`status\`, Events). Reported when a container waits with reason
\`CreateContainerConfigError\`. The message names what is missing, read from the kubelet's message
(\`configmap "app-config" not found\`, \`couldn't find key password in Secret shop/db\`), and the finding
points at the \`env\`/\`envFrom\` entry of the pod template that references it. The other cause of this
reason, \`runAsNonRoot\` with an image that runs as root, is named as such.

Pillar: storage, with the configuration references: the checklist item that prevents it is shipping
every referenced ConfigMap and Secret with the workload, or marking a reference \`optional: true\`
(\`volume-source-missing\`; \`run-as-non-root\` for the runAsNonRoot case).`,
  fix: {
    text: 'Create the missing ConfigMap or Secret (or key) in the namespace, fix the name in the reference, or mark the reference optional when the application copes without it.',
    yaml: `env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: db          # must exist in the pod's namespace
        key: password     # and hold this key
        optional: false`,
  },
  target: 'workload',
  uses: ['Event'],
  run(ctx) {
    const pods = podsFor(ctx);
    const errs: (ConfigError & { pod: Resource })[] = [];
    for (const pod of pods) for (const e of configErrors(ctx.index, pod)) errs.push({ ...e, pod });
    const out: FindingInput[] = [];
    const ns = ctx.index.namespaceOf(ctx.resource);
    for (const group of byContainer(errs)) {
      const best = group.find((e) => e.missing || e.nonRoot) ?? group[0];
      const c = best.c;
      const affected = new Set(group.map((e) => e.pod)).size;
      const spec = ctx.workload?.containers.find((x) => x.name === c.name)?.spec ?? c.spec;
      const ref = best.missing ? referencePath(spec, best.missing) : undefined;
      const path = ref ? containerPath(ctx, c, ref) : best.nonRoot ? containerPath(ctx, c, ['securityContext', 'runAsNonRoot']) : containerPath(ctx, c);
      const rel: RelatedInput[] = related(group.filter((e) => e.pod !== ctx.resource).map((e) => ({ pod: e.pod, path: [...(e.c.state?.path ?? e.c.statusPath), 'message'], note: 'CreateContainerConfigError' })));
      if (best.missing?.key !== undefined) {
        // The object exists (only the key is missing): name it when it is in the input.
        const obj = ctx.index.inNamespace(best.missing.kind, ns).find((o) => o.name === best.missing!.name);
        if (obj) rel.push({ resource: obj, path: best.missing.kind === 'Secret' ? [] : ['data'], note: `has no key "${best.missing.key}"` });
      }
      out.push({
        message: `${showContainer(c)} cannot start${inPods(ctx, affected, pods.length)} (CreateContainerConfigError): ${describeMissing(best, ns)}${best.message ? ` (${quote(best.message, 200)})` : ''}; the pod stays unready until it is fixed`,
        path,
        container: c.name,
        related: rel,
      });
    }
    return out;
  },
});
