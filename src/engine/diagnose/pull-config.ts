// Containers that cannot start: image pulls that fail, and CreateContainerConfigError (a missing ConfigMap, Secret or key).
import { sourceWhere } from '../../model/index.js';
import type { Json, Resource } from '../../model/types.js';
import { configErrors, imagePulls, type PullCause } from '../../model/runtime.js';
import { get, getArray, getString } from '../../model/util.js';
import { PULL_CAUSE_TEXT } from '../../checks/runtime/image-pull-failure.js';
import { describeMissing, referencePath } from '../../checks/runtime/create-container-config-error.js';
import type { Evidence, Problem } from './types.js';
import { confirmed, type Ctx, ev, nsFlag, type Owner, ownerOf, prevention, quote, ref, st, withNote } from './common.js';

/** An image reference with neither a tag nor a digest ("myorg/tool", "registry:5000/tool"): the kubelet pulls :latest. */
export function untagged(image: string): boolean {
  const last = image.split('/').slice(-1)[0];
  return !last.includes(':') && !image.includes('@');
}

/** The host a pull error failed to resolve or reach: `lookup HOST`, or the URL's host; else the registry of the reference. */
function failedHost(detail: string | undefined, image: string): string {
  const lookup = detail ? /\blookup ([A-Za-z0-9.-]+\.[A-Za-z]{2,}|[A-Za-z0-9-]+)(?: on |: )/.exec(detail) : null;
  if (lookup) return lookup[1];
  const url = detail ? /https?:\/\/([A-Za-z0-9.-]+)(?::\d+)?\//.exec(detail) : null;
  return url ? url[1] : registryOf(image);
}

const PULL_FIX: Record<PullCause, (image: string, x: { n: string; owner: Owner; c: string; node: string | undefined; host: string }) => Problem['fix']> = {
  'not-found': (image, { n, owner, c }) => ({
    ...withNote(
      untagged(image)
        ? `Pin a tag that exists in the registry (the reference "${image}" has none, so the kubelet pulls ${image}:latest, which does not exist): list the repository's tags and set one.`
        : `Point the container at an image that exists: check the tag (a typo, a tag never pushed, or one deleted by a retention policy).`,
      [untagged(image) ? `crane ls ${image}   # the tags that exist` : `docker manifest inspect ${image}   # or: crane digest ${image}`, owner.image ? `kubectl ${n} set image ${owner.kubectl} ${c}=${image.replace(/[:@][^/]*$/, '')}:TAG   # TAG: one that exists` : null],
      owner.image ? null : `the pod template of ${owner.kubectl} cannot be changed: fix the image in the manifest, delete ${owner.kubectl} and create it again`,
    ),
    yaml: `containers:\n  - name: ${c}\n    image: ${image.replace(/[:@][^/]*$/, '')}@sha256:<digest CI pushed>`,
  }),
  denied: (image, { n, c }) => ({
    text: 'Check the repository name; if it is private, give the pods credentials (imagePullSecrets on the pod or its ServiceAccount).',
    commands: [`kubectl ${n} create secret docker-registry registry-credentials --docker-server=${registryOf(image)} --docker-username=<user> --docker-password=<token>`],
    yaml: `imagePullSecrets:\n  - name: registry-credentials\ncontainers:\n  - name: ${c}\n    image: ${image}`,
  }),
  unauthorized: (image, { n }) => ({
    text: 'The registry refused the pull: create or refresh the pull secret, and reference it from the pod or its ServiceAccount.',
    commands: [`kubectl ${n} create secret docker-registry registry-credentials --docker-server=${registryOf(image)} --docker-username=<user> --docker-password=<token>`, `kubectl ${n} patch serviceaccount default -p '{"imagePullSecrets":[{"name":"registry-credentials"}]}'`],
    yaml: 'imagePullSecrets:\n  - name: registry-credentials',
  }),
  'rate-limited': (image) => ({
    text: 'Pull with credentials (authenticated pulls have higher limits), or mirror the image into a registry you control or a pull-through cache.',
    commands: [`crane copy ${image} <your-registry>/${image.split('/').slice(-1)[0]}`],
    yaml: null,
  }),
  network: (image, { node, host }) => ({
    text: `Check that the node${node ? ` ${node}` : 's'} can resolve and reach ${host} (DNS, egress firewall, proxy settings of the container runtime, the registry's TLS certificate).`,
    commands: node ? [`kubectl debug node/${node} -it --image=busybox -- nslookup ${host}`] : ['kubectl get nodes', `kubectl debug node/NODE -it --image=busybox -- nslookup ${host}   # NODE: one of the nodes above`],
    yaml: null,
  }),
  'invalid-name': (image, { c }) => ({ text: 'Fix the image reference: lowercase repository, one tag or digest.', commands: [], yaml: `containers:\n  - name: ${c}\n    image: ${image.toLowerCase()}` }),
  'never-pull': (_image, { c }) => ({ text: 'imagePullPolicy Never only works when the image is preloaded on every node: use IfNotPresent.', commands: [], yaml: `containers:\n  - name: ${c}\n    imagePullPolicy: IfNotPresent` }),
  unknown: (image) => ({ text: 'Read the kubelet\'s pull error in the events and fix the registry, the reference or the credentials.', commands: [`docker pull ${image}`], yaml: null }),
};

function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/**
 * The pull secrets the pod has (spec.imagePullSecrets: the ServiceAccount's are copied in when the
 * pod is created) and those of its ServiceAccount, by name only, and whether each Secret exists.
 */
function pullSecretEvidence(x: Ctx, pod: Resource): Evidence[] {
  const ns = x.index.namespaceOf(pod);
  const names = (o: Json | undefined) => getArray(o, ['imagePullSecrets']).map((e) => getString(e, ['name'])).filter((n): n is string => !!n);
  const secretsRead = x.index.listedKinds ? x.index.listedKinds.has('Secret') : x.index.inNamespace('Secret', ns).length > 0;
  const exists = (n: string) => (secretsRead ? (x.index.inNamespace('Secret', ns).some((o) => o.name === n) ? '' : ' (no such Secret in the namespace)') : '');
  const list = (l: string[]) => l.map((n) => `${n}${exists(n)}`).join(', ');
  const own = names(get(pod.object, ['spec']));
  const out: Evidence[] = [st(pod, ['spec', 'imagePullSecrets'], own.length ? `imagePullSecrets: ${list(own)}` : 'no imagePullSecrets on the pod', x.index, 'spec')];
  const saName = getString(pod.object, ['spec', 'serviceAccountName']) ?? 'default';
  const sa = x.index.inNamespace('ServiceAccount', ns).find((o) => o.name === saName);
  if (sa) {
    const theirs = names(sa.object);
    out.push(st(sa, ['imagePullSecrets'], theirs.length ? `ServiceAccount ${saName} imagePullSecrets: ${list(theirs)}` : `ServiceAccount ${saName} has no imagePullSecrets`, x.index, 'spec'));
  } else if (!x.index.listedKinds?.has('ServiceAccount')) out.push({ source: 'input', object: null, field: null, text: `ServiceAccount ${saName} is not ${sourceWhere(x.index)}: its imagePullSecrets are not known` });
  return out;
}

export function pullProblems(x: Ctx, pod: Resource): Problem[] {
  return imagePulls(x.index, pod).map((p) => {
    const image = p.image ?? '<image>';
    const owner = ownerOf(x.index, pod);
    const evidence: Evidence[] = [st(pod, [...(p.c.state?.path ?? p.c.statusPath), 'reason'], `state.waiting: ${p.reason}${p.c.state?.message ? ` ("${p.c.state.message}")` : ''}`, x.index)];
    if (p.event) evidence.push(ev(p.event, x.index));
    // Credentials: whether the pod (and its ServiceAccount) has pull secrets tells "none" from "wrong ones".
    if (p.cause === 'unauthorized' || p.cause === 'denied') evidence.push(...pullSecretEvidence(x, pod));
    const bare = p.cause === 'not-found' && p.image !== undefined && untagged(p.image);
    if (bare) evidence.push(st(pod, p.c.specPath ? [...p.c.specPath, 'image'] : ['spec', 'containers'], `image "${image}" has no tag: the kubelet pulls ${image}:latest`, x.index, 'spec'));
    const cause = bare
      ? `the image reference "${image}" has no tag, so the kubelet pulls ${image}:latest, and the registry has no "latest" tag for it${p.detail ? `: "${quote(p.detail)}"` : ''}`
      : `${PULL_CAUSE_TEXT[p.cause]}${p.detail ? `: "${quote(p.detail)}"` : ''}`;
    return {
      check: 'image-pull-failure',
      severity: 'error' as const,
      symptom: `image "${image}" of container "${p.c.name}" cannot be pulled (${p.reason})`,
      object: ref(pod, x.index),
      container: p.c.name,
      pods: [pod.name],
      evidence,
      cause,
      fix: PULL_FIX[p.cause](image, { n: nsFlag(x.index, pod), owner, c: p.c.name, node: getString(pod.object, ['spec', 'nodeName']), host: failedHost(p.detail, image) }),
      prevent: confirmed(x, owner.resource, [
        prevention('image-not-pinned-by-digest', 'a digest CI pushed and tested exists; a mutable tag can be missing or different on each node'),
        prevention('image-tag-latest', 'no :latest or untagged images'),
      ], p.c.name),
      logs: null,
    };
  });
}

/**
 * What the pod reads from a ConfigMap or Secret: the keys (with the env var each one sets), whether
 * it loads it whole (envFrom), and the references as YAML (with optional: false said out loud).
 */
function configRefs(pod: Resource, kind: 'ConfigMap' | 'Secret', name: string): { keys: { key: string; env: string | undefined }[]; envFrom: boolean; yaml: string | null } {
  const keyRef = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const fromKey = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  const keys: { key: string; env: string | undefined }[] = [];
  const yaml: string[] = [];
  let envFrom = false;
  for (const c of [...getArray(pod.object, ['spec', 'initContainers']), ...getArray(pod.object, ['spec', 'containers'])]) {
    for (const e of getArray(c, ['env'])) {
      const r = get(e, ['valueFrom', keyRef]);
      const key = getString(r, ['key']);
      if (getString(r, ['name']) !== name || !key) continue;
      const env = getString(e, ['name']);
      if (!keys.some((k) => k.key === key && k.env === env)) keys.push({ key, env });
      yaml.push(`  - name: ${env ?? 'VAR'}\n    valueFrom:\n      ${keyRef}:\n        name: ${name}\n        key: ${key}`);
    }
    for (const e of getArray(c, ['envFrom'])) if (getString(e, [fromKey, 'name']) === name) envFrom = true;
  }
  const volKey = kind === 'ConfigMap' ? 'configMap' : 'secret';
  for (const v of getArray(pod.object, ['spec', 'volumes'])) {
    const src = get(v, [volKey]);
    if (getString(src, [kind === 'ConfigMap' ? 'name' : 'secretName']) !== name) continue;
    for (const it of getArray(src, ['items'])) {
      const key = getString(it, ['key']);
      if (key && !keys.some((k) => k.key === key)) keys.push({ key, env: undefined });
    }
  }
  const lines = [...new Set(yaml)];
  const body = [
    ...(lines.length ? [`env:\n${lines.join('\n')}`] : []),
    ...(envFrom ? [`envFrom:\n  - ${fromKey}:\n      name: ${name}\n      optional: false   # it must exist in the namespace`] : []),
  ];
  return { keys, envFrom, yaml: body.length ? body.join('\n') : null };
}

export function configProblems(x: Ctx, pod: Resource): Problem[] {
  const ns = x.index.namespaceOf(pod);
  return configErrors(x.index, pod).map((e) => {
    const c = e.c;
    const evidence: Evidence[] = [st(pod, [...(c.state?.path ?? c.statusPath), 'message'], `state.waiting: CreateContainerConfigError${e.message ? ` ("${e.message}")` : ''}`, x.index)];
    if (e.event) evidence.push(ev(e.event, x.index));
    const n = `-n ${ns}`;
    let fix: Problem['fix'];
    if (e.missing) {
      const at = c.spec && c.specPath ? referencePath(c.spec, e.missing) : undefined;
      if (at && c.specPath) evidence.push(st(pod, [...c.specPath, ...at], `the container references ${e.missing.kind} "${e.missing.name}"${e.missing.key ? ` key "${e.missing.key}"` : ''} here`, x.index, 'spec'));
      const listed = x.index.inNamespace(e.missing.kind, ns);
      const present = listed.find((o) => o.name === e.missing!.name);
      if (!e.missing.key && listed.length && !present) evidence.push({ source: 'input', object: null, field: null, text: `no ${e.missing.kind} "${e.missing.name}" among the ${listed.length} ${e.missing.kind}s of namespace ${ns} (${listed.slice(0, 5).map((o) => o.name).join(', ')}${listed.length > 5 ? ', ...' : ''})` });
      const refs = configRefs(pod, e.missing.kind, e.missing.name);
      const secret = e.missing.kind === 'Secret';
      // The keys the pod reads, each from a shell variable named as the spec's env var: the value is
      // typed by the reader, never printed here (read -s keeps a secret out of the screen and history).
      const vars = refs.keys.map((k) => ({ key: k.key, v: k.env ?? (k.key.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^(\d)/, '_$1')) }));
      const literals = vars.map((k) => ` --from-literal=${k.key}="$${k.v}"`).join('');
      const create: string[] = e.missing.key
        ? [secret ? `kubectl ${n} patch secret ${e.missing.name} --type merge -p '{"stringData":{"${e.missing.key}":"VALUE"}}'   # VALUE: the value, typed here` : `kubectl ${n} patch configmap ${e.missing.name} --type merge -p '{"data":{"${e.missing.key}":"VALUE"}}'   # VALUE: the value`]
        : vars.length && !refs.envFrom
          ? [
              ...vars.map((k) => (secret ? `read -rs ${k.v}   # type the value of key ${k.key}: it is not shown nor kept in the shell history` : `read -r ${k.v}   # the value of key ${k.key}`)),
              `kubectl ${n} create ${secret ? 'secret generic' : 'configmap'} ${e.missing.name}${literals}`,
            ]
          : [`kubectl ${n} create ${secret ? 'secret generic' : 'configmap'} ${e.missing.name} --from-env-file=FILE   # FILE: one KEY=value line per variable the application reads${vars.length ? ` (it reads ${vars.map((k) => k.key).join(', ')})` : ''}`];
      fix = {
        text: `Create the ${e.missing.kind}${e.missing.key ? ` key "${e.missing.key}"` : refs.keys.length ? ` with the key${refs.keys.length === 1 ? '' : 's'} the pod reads (${refs.keys.map((k) => `${k.key}${k.env ? ` for ${k.env}` : ''}`).join(', ')})` : ''} (or fix the name in the reference); mark the reference optional only if the application copes without it.`,
        commands: [`kubectl ${n} get ${secret ? 'secrets' : 'configmaps'}`, ...create],
        yaml: refs.yaml ?? (secret
          ? `env:\n  - name: ${vars[0]?.v ?? 'VAR'}\n    valueFrom:\n      secretKeyRef:\n        name: ${e.missing.name}\n        key: ${e.missing.key ?? vars[0]?.key ?? 'KEY'}`
          : `envFrom:\n  - configMapRef:\n      name: ${e.missing.name}\n      optional: false   # must exist in ${ns}`),
      };
    } else if (e.nonRoot) {
      fix = { text: 'Run the image as a non-root user: set runAsUser to its numeric non-root uid (or build the image with USER <uid>).', commands: [], yaml: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001' };
    } else {
      fix = { text: 'Read the kubelet\'s message and fix the reference it names.', commands: [`kubectl ${n} describe pod ${pod.name}`], yaml: null };
    }
    return {
      check: 'create-container-config-error',
      severity: 'error' as const,
      symptom: `container "${c.name}" cannot start: CreateContainerConfigError`,
      object: ref(pod, x.index),
      container: c.name,
      pods: [pod.name],
      evidence,
      cause: describeMissing(e, ns),
      fix,
      prevent: confirmed(
        x,
        ownerOf(x.index, pod).resource,
        e.nonRoot ? [prevention('run-as-non-root', 'the manifest check says which containers may run as root')] : [prevention('volume-source-missing', 'every referenced ConfigMap and Secret ships with the workload, or the reference is optional')],
        c.name,
      ),
      logs: null,
    };
  });
}
