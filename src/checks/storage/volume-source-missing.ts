import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { FieldPath, Json, Resource, Workload } from '../../model/types.js';
import { commandWords, get, getArray, getString, isObject, isTemplated } from '../../model/util.js';
import { stringListParam } from '../availability/util.js';
import { claimTemplates } from '../../model/claims.js';
import { allowedVerbs, CLUSTER, podServiceAccount, rbacGraph, RBAC_KINDS } from '../../model/rbac.js';

type RefKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
type Effect = 'mount' | 'env' | 'claim' | 'pull';

interface Ref {
  kind: RefKind;
  name: string;
  /** The key read (configMapKeyRef, volume items), if any. */
  key?: string;
  optional: boolean;
  path: FieldPath;
  /** Path of the key field, for key findings. */
  keyPath?: FieldPath;
  container?: string;
  /** Where it is used, for messages: `volume "config"`, `env DB_HOST`. */
  via: string;
  effect: Effect;
}

const optional = (v: Json | undefined) => get(v, ['optional']) === true;

/** Every ConfigMap, Secret and PersistentVolumeClaim the pod template references (image pull Secrets too). */
function references(w: Workload): Ref[] {
  const out: Ref[] = [];
  const sp = w.podSpecPath;
  const items = (src: Json | undefined, base: FieldPath, kind: RefKind, name: string, via: string, opt: boolean) => {
    getArray(src, ['items']).forEach((it, k) => {
      const key = getString(it, ['key']);
      if (key && !isTemplated(key)) out.push({ kind, name, key, optional: opt, path: base, keyPath: [...base, 'items', k, 'key'], via, effect: 'mount' });
    });
  };
  getArray(w.podSpec, ['volumes']).forEach((v, i) => {
    const vname = getString(v, ['name']) ?? `#${i}`;
    const vp: FieldPath = [...sp, 'volumes', i];
    const via = `volume "${vname}"`;
    const cm = get(v, ['configMap']);
    const cmName = getString(cm, ['name']);
    if (cmName) {
      out.push({ kind: 'ConfigMap', name: cmName, optional: optional(cm), path: [...vp, 'configMap', 'name'], via, effect: 'mount' });
      items(cm, [...vp, 'configMap'], 'ConfigMap', cmName, via, optional(cm));
    }
    const sec = get(v, ['secret']);
    const secName = getString(sec, ['secretName']);
    if (secName) out.push({ kind: 'Secret', name: secName, optional: optional(sec), path: [...vp, 'secret', 'secretName'], via, effect: 'mount' });
    const claim = getString(v, ['persistentVolumeClaim', 'claimName']);
    if (claim) out.push({ kind: 'PersistentVolumeClaim', name: claim, optional: false, path: [...vp, 'persistentVolumeClaim', 'claimName'], via, effect: 'claim' });
    getArray(v, ['projected', 'sources']).forEach((s, j) => {
      const sp2: FieldPath = [...vp, 'projected', 'sources', j];
      const pcm = get(s, ['configMap']);
      const pcmName = getString(pcm, ['name']);
      if (pcmName) {
        out.push({ kind: 'ConfigMap', name: pcmName, optional: optional(pcm), path: [...sp2, 'configMap', 'name'], via, effect: 'mount' });
        items(pcm, [...sp2, 'configMap'], 'ConfigMap', pcmName, via, optional(pcm));
      }
      const ps = get(s, ['secret']);
      const psName = getString(ps, ['name']);
      if (psName) out.push({ kind: 'Secret', name: psName, optional: optional(ps), path: [...sp2, 'secret', 'name'], via, effect: 'mount' });
    });
  });
  getArray(w.podSpec, ['imagePullSecrets']).forEach((p, i) => {
    const name = getString(p, ['name']);
    // An empty name passes validation and the kubelet skips it.
    if (name) out.push({ kind: 'Secret', name, optional: false, path: [...sp, 'imagePullSecrets', i, 'name'], via: 'imagePullSecrets', effect: 'pull' });
  });
  for (const c of w.containers) {
    getArray(c.spec, ['env']).forEach((e, k) => {
      const ename = getString(e, ['name']) ?? `#${k}`;
      const ep: FieldPath = [...c.path, 'env', k, 'valueFrom'];
      for (const [field, kind] of [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const) {
        const ref = get(e, ['valueFrom', field]);
        const name = getString(ref, ['name']);
        if (!name) continue;
        const key = getString(ref, ['key']);
        out.push({
          kind,
          name,
          key: kind === 'ConfigMap' && key && !isTemplated(key) ? key : undefined,
          optional: optional(ref),
          path: [...ep, field, 'name'],
          keyPath: [...ep, field, 'key'],
          container: c.name,
          via: `env ${ename} of container "${c.name}"`,
          effect: 'env',
        });
      }
    });
    getArray(c.spec, ['envFrom']).forEach((e, k) => {
      for (const [field, kind] of [['configMapRef', 'ConfigMap'], ['secretRef', 'Secret']] as const) {
        const ref = get(e, [field]);
        const name = getString(ref, ['name']);
        if (!name) continue;
        out.push({ kind, name, optional: optional(ref), path: [...c.path, 'envFrom', k, field, 'name'], container: c.name, via: `envFrom of container "${c.name}"`, effect: 'env' });
      }
    });
  }
  return out.filter((r) => !isTemplated(r.name));
}

/** Key of the set of names of every namespace. */
const ANY = '\0any';

function add(m: Map<string, Set<string>>, ns: string, name: string | undefined) {
  if (!name || isTemplated(name)) return;
  for (const k of [ns, ANY]) {
    let s = m.get(k);
    if (!s) m.set(k, (s = new Set()));
    s.add(name);
  }
}

/**
 * Secrets other objects of the input create: cert-manager Certificates, Sealed Secrets, External
 * Secrets, Secrets Store CSI SecretProviderClasses, Strimzi users and clusters, Zalando and
 * CloudNativePG PostgreSQL clusters. By namespace.
 */
/**
 * Per namespace, a workload of the input in that namespace whose ServiceAccount may create Secrets
 * there (RBAC of the input, a Role or a ClusterRole): a controller that writes its own certificates
 * or credentials at run time (a webhook's serving cert, a Redis password). Controllers elsewhere with
 * cluster-wide rights (cert-manager, external-secrets) do not count: they could explain any Secret.
 */
const creatorsMemo = new WeakMap<ResourceIndex, Map<string, Workload[]>>();
function secretCreators(index: ResourceIndex): Map<string, Workload[]> {
  let m = creatorsMemo.get(index);
  if (m) return m;
  m = new Map();
  creatorsMemo.set(index, m);
  const graph = rbacGraph(index);
  for (const w of index.workloads) {
    const ns = index.namespaceOf(w.resource);
    const grants = graph.permissionsOf(ns, podServiceAccount(w).name);
    if (!grants.some((g) => (g.scope === ns || g.scope === CLUSTER) && allowedVerbs(g.rule, '', 'secrets', ['create']).length > 0)) continue;
    const l = m.get(ns);
    if (l) l.push(w);
    else m.set(ns, [w]);
  }
  return m;
}

/**
 * A Secret creator for a workload: in the namespace by its own manifest, or deployed with the
 * workload (same chart, kustomization or file). A manifest without a namespace is only "in" the
 * default namespace by assumption, which ties it to nothing.
 */
function creatorFor(index: ResourceIndex, ns: string, consumer: Resource): Workload | undefined {
  return secretCreators(index).get(ns)?.find((c) => c.resource.namespace !== undefined || c.resource.origin.file === consumer.origin.file);
}

function generatedSecrets(index: ResourceIndex): Map<string, Set<string>> {
  return index.memo('storage:generated-secrets', () => {
    const m = new Map<string, Set<string>>();
    const each = (kind: string, group: string, f: (r: Resource, ns: string) => void) => {
      for (const r of index.ofKind(kind)) if (r.apiVersion.startsWith(group)) f(r, index.namespaceOf(r));
    };
    each('Certificate', 'cert-manager.io/', (r, ns) => add(m, ns, getString(r.object, ['spec', 'secretName'])));
    each('SealedSecret', 'bitnami.com/', (r, ns) => add(m, ns, r.name));
    each('ExternalSecret', 'external-secrets.io/', (r, ns) => add(m, ns, getString(r.object, ['spec', 'target', 'name']) ?? r.name));
    each('SecretProviderClass', 'secrets-store.csi.x-k8s.io/', (r, ns) => {
      for (const o of getArray(r.object, ['spec', 'secretObjects'])) add(m, ns, getString(o, ['secretName']));
    });
    each('KafkaUser', 'kafka.strimzi.io/', (r, ns) => add(m, ns, r.name));
    each('Kafka', 'kafka.strimzi.io/', (r, ns) => {
      for (const s of ['cluster-ca-cert', 'clients-ca-cert', 'cluster-ca', 'clients-ca']) add(m, ns, `${r.name}-${s}`);
    });
    each('Cluster', 'postgresql.cnpg.io/', (r, ns) => {
      for (const s of ['app', 'superuser', 'ca', 'server', 'replication']) add(m, ns, `${r.name}-${s}`);
    });
    each('Elasticsearch', 'elasticsearch.k8s.elastic.co/', (r, ns) => {
      for (const s of ['es-elastic-user', 'es-http-certs-public', 'es-http-certs-internal', 'es-http-ca-internal', 'es-transport-certs-public']) add(m, ns, `${r.name}-${s}`);
    });
    each('RedisEnterpriseDatabase', 'app.redislabs.com/', (r, ns) => add(m, ns, `redb-${r.name}`));
    // Certificate generators run as Jobs (kube-webhook-certgen, cilium certgen): --secret-name=x and the like.
    for (const w of index.workloads) {
      if (w.class !== 'batch') continue;
      const ns = index.namespaceOf(w.resource);
      for (const c of w.containers) {
        const words = commandWords(c.spec);
        words.forEach((word, i) => {
          const flag = /^--?[\w.-]*secret[\w.-]*(?:=(.*))?$/i.exec(word);
          if (!flag) return;
          const value = flag[1] ?? words[i + 1];
          if (value && !value.startsWith('-')) add(m, ns, value);
        });
      }
    }
    return m;
  });
}

/** Zalando postgres-operator credentials: <user>.<cluster>.credentials.postgresql.acid.zalan.do. */
function zalandoSecret(index: ResourceIndex, ns: string | undefined, name: string): boolean {
  const m = /\.([^.]+)\.credentials\.postgresql\.acid\.zalan\.do$/.exec(name);
  return !!m && index.named('postgresql', m[1]).some((r) => (ns === undefined || index.namespaceOf(r) === ns) && r.apiVersion.startsWith('acid.zalan.do/'));
}

/** Names generated by kustomize configMapGenerator / secretGenerator entries of the input (any namespace: silencing only). */
function kustomizeGenerated(index: ResourceIndex): { ConfigMap: Set<string>; Secret: Set<string> } {
  return index.memo('storage:kustomize-generated', () => {
    const out = { ConfigMap: new Set<string>(), Secret: new Set<string>() };
    for (const k of index.ofKind('Kustomization')) {
      if (!k.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
      for (const g of getArray(k.object, ['configMapGenerator'])) {
        const n = getString(g, ['name']);
        if (n) out.ConfigMap.add(n);
      }
      for (const g of getArray(k.object, ['secretGenerator'])) {
        const n = getString(g, ['name']);
        if (n) out.Secret.add(n);
      }
    }
    return out;
  });
}

/** Legacy service-account token Secrets (<sa>-token-xxxxx), created by the token controller before 1.24. */
const LEGACY_TOKEN = /-token-[a-z0-9]{5}$/;

const EFFECT_TEXT: Record<Effect, string> = {
  mount: 'the pod stays in ContainerCreating (FailedMount)',
  env: 'the container fails to start with CreateContainerConfigError',
  claim: 'the pod stays Pending (persistentvolumeclaim not found)',
  pull: 'the kubelet pulls the images without these credentials, so a private registry refuses them (ErrImagePull, then ImagePullBackOff)',
};

function consequence(refs: Ref[]): string {
  const effects = [...new Set(refs.map((r) => r.effect))];
  return effects.map((e) => EFFECT_TEXT[e]).join(', and ');
}

function listVia(refs: Ref[]): string {
  const vias = [...new Set(refs.map((r) => r.via))];
  return vias.length > 3 ? `${vias.slice(0, 3).join(', ')} and ${vias.length - 3} more` : vias.join(', ');
}

export default defineCheck<{ assumePresent: string[] }>({
  id: 'volume-source-missing',
  pillar: 'storage',
  severity: 'error',
  title: 'Referenced ConfigMap, Secret or claim not found',
  whatBreaks:
    'A pod that mounts a ConfigMap, Secret or PersistentVolumeClaim that does not exist never starts: it sits in ContainerCreating (FailedMount) or Pending, and a container that reads one in env fails with CreateContainerConfigError. A key missing from a ConfigMap fails the same way.',
  details: `Follows every reference of the pod template: \`configMap\`, \`secret\` and \`persistentVolumeClaim\`
volumes, \`projected\` ConfigMap and Secret sources, \`env[].valueFrom.configMapKeyRef\` /
\`secretKeyRef\`, and \`envFrom[].configMapRef\` / \`secretRef\`, in every container, and the pod's
\`imagePullSecrets\` (a warning when that is the only use: the kubelet logs "Unable to retrieve pull
secret" and pulls without credentials, which a public image survives and a private registry refuses). References marked
\`optional: true\` are skipped (the kubelet starts without them).

- **Object not in the input** (same namespace): reported as *unknown* unless you declare the input
  complete (\`--complete\`): it may well come from another repository, a Helm release or an operator.
  One finding per missing object, naming every place that uses it.
- **Key missing from a ConfigMap that is in the input** (\`configMapKeyRef.key\`, or the \`items[].key\`
  of a configMap volume or projection): a firm error, since the object is right there. Secrets are
  never opened: their keys are not checked and their values are never read or printed.

Counted as present: objects of that name in the namespace; the volumeClaimTemplates of the same
StatefulSet; Secrets that other objects of the input create (a cert-manager \`Certificate\`'s
\`secretName\`, a \`SealedSecret\`, an \`ExternalSecret\`'s target, a \`SecretProviderClass\`'s
\`secretObjects\`, Strimzi \`KafkaUser\`/\`Kafka\` secrets, Zalando and CloudNativePG PostgreSQL
credentials, ECK Elasticsearch and Redis Enterprise database secrets, and names passed to a
\`--secret-name\`-like flag of a Job, as certificate generators such as kube-webhook-certgen do); kustomize \`configMapGenerator\`/\`secretGenerator\` names of a \`kustomization.yaml\` in the
input; legacy service-account token Secrets (\`<sa>-token-xxxxx\`); and the names in \`assumePresent\`
(objects the cluster creates in every namespace, such as \`kube-root-ca.crt\`). For a manifest without a
namespace (often a kustomize base or patch whose namespace is set later), an object of that name in any
namespace counts. Templated names are skipped.

A Secret that is not in the input while a workload of the input in the same namespace may create
Secrets there (its ServiceAccount's RBAC in the input grants \`create\` on \`secrets\` there) is
reported as **info** naming that workload: controllers write their own serving certificates and
credentials at run time (a webhook's certificate, a generated password), and the pod waits until they do.`,
  fix: {
    text: 'Create the object in the same namespace as the workload (or fix the name). If the pod can run without it, mark the reference optional: true.',
    yaml: `env:
  - name: FEATURE_FLAGS
    valueFrom:
      configMapKeyRef:
        name: app-config
        key: feature-flags
        optional: true      # start without it`,
  },
  params: {
    assumePresent: {
      type: 'string[]',
      default: ['kube-root-ca.crt', 'openshift-service-ca.crt', 'istio-ca-root-cert'],
      description: 'ConfigMap and Secret names treated as present in every namespace (created by the cluster or a mesh).',
    },
  },
  uses: ['ConfigMap', 'Certificate', 'ExternalSecret', 'SecretProviderClass', 'Kustomization', ...RBAC_KINDS],
  target: 'workload',
  run({ workload: w, resource, index, params }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const refs = references(w).filter((r) => !r.optional);
    if (refs.length === 0) return out;
    const ns = index.namespaceOf(resource);
    const assumed = new Set(stringListParam(params.assumePresent, []));
    const templates = new Set(claimTemplates(resource).map((t) => t.name));
    const generated = kustomizeGenerated(index);

    // A manifest without a namespace is often a base or patch whose namespace is set later
    // (kustomize, helm -n): for it, an object of that name in any namespace counts.
    const anyNs = resource.namespace === undefined;
    const inNs = (kind: string, name: string) => index.named(kind, name).filter((r) => index.namespaceOf(r) === ns);
    const generatedIn = (name: string) => {
      const g = generatedSecrets(index);
      return anyNs ? g.get(ANY)?.has(name) ?? false : g.get(ns)?.has(name) ?? false;
    };
    const present = (r: Ref): boolean => {
      if ((anyNs ? index.named(r.kind, r.name) : inNs(r.kind, r.name)).length > 0) return true;
      switch (r.kind) {
        case 'PersistentVolumeClaim':
          return templates.has(r.name);
        case 'ConfigMap':
          return assumed.has(r.name) || generated.ConfigMap.has(r.name);
        case 'Secret':
          return (
            assumed.has(r.name) ||
            generated.Secret.has(r.name) ||
            LEGACY_TOKEN.test(r.name) ||
            generatedIn(r.name) ||
            zalandoSecret(index, anyNs ? undefined : ns, r.name)
          );
      }
    };

    // Missing objects: one finding per object.
    const missing = new Map<string, Ref[]>();
    for (const r of refs) {
      if (present(r)) continue;
      const k = `${r.kind}/${r.name}`;
      const l = missing.get(k);
      if (l) l.push(r);
      else missing.set(k, [r]);
    }
    for (const group of missing.values()) {
      const first = group[0];
      const containers = new Set(group.map((r) => r.container));
      // A Secret that a workload of the input may create at run time: the dependency is worth
      // knowing (the pod waits for it), but its absence from the manifests is no defect.
      const creator = first.kind === 'Secret' && !anyNs ? creatorFor(index, ns, resource) : undefined;
      if (creator) {
        const self = creator === w;
        out.push({
          message: `Secret "${first.name}" (used by ${listVia(group)}) is not in the input, and ${self ? 'this workload\'s own' : `${creator.resource.kind} "${creator.resource.name}"'s`} ServiceAccount may create Secrets in namespace "${ns}": if it writes this one at run time, ${consequence(group)} until it does`,
          path: first.path,
          container: containers.size === 1 ? first.container : undefined,
          severity: 'info',
          related: self ? [] : [{ resource: creator.resource, path: podServiceAccount(creator).path, note: 'may create Secrets' }],
        });
        continue;
      }
      out.push({
        message: `${first.kind} "${first.name}" (used by ${listVia(group)}) is not in namespace "${ns}" in the input: if it does not exist in the cluster either, ${consequence(group)}`,
        path: first.path,
        container: containers.size === 1 ? first.container : undefined,
        unknown: `no ${first.kind} "${first.name}" in namespace ${ns}`,
        // Only an image pull Secret: the kubelet still pulls, without credentials (public images work).
        ...(group.every((r) => r.effect === 'pull') ? { severity: 'warning' as const } : {}),
        knownMessage: `${first.kind} "${first.name}" (used by ${listVia(group)}) is not in namespace "${ns}" ${sourceWhere(index)}: ${consequence(group)}`,
      });
    }

    // Keys missing from ConfigMaps that are in the input, next to the workload.
    const keyed = refs.filter((r) => r.kind === 'ConfigMap' && r.key !== undefined && !generated.ConfigMap.has(r.name));
    const reported = new Set<string>();
    for (const r of keyed) {
      const maps = inNs('ConfigMap', r.name).filter((cm) => cm.apiVersion === 'v1');
      if (maps.length === 0 || !maps.every((cm) => index.sameScope(cm, resource))) continue;
      const has = (cm: Resource) => [get(cm.object, ['data']), get(cm.object, ['binaryData'])].some((d) => isObject(d) && Object.prototype.hasOwnProperty.call(d, r.key!));
      if (maps.some(has)) continue;
      const dedupe = `${r.name}\0${r.key}\0${r.via}`;
      if (reported.has(dedupe)) continue;
      reported.add(dedupe);
      const cm = maps[0];
      const keys = [get(cm.object, ['data']), get(cm.object, ['binaryData'])].flatMap((d) => (isObject(d) ? Object.keys(d) : []));
      const has2 = keys.length === 0 ? 'it has no keys' : `it has ${keys.slice(0, 6).map((k) => `"${k}"`).join(', ')}${keys.length > 6 ? ', ...' : ''}`;
      const effect = r.effect === 'env' ? 'the container fails to start with CreateContainerConfigError' : 'the pod stays in ContainerCreating (FailedMount: non-existent config key)';
      const related: RelatedInput[] = [{ resource: cm, path: isObject(get(cm.object, ['data'])) ? ['data'] : [], note: 'has no such key' }];
      out.push({
        message: `${r.via} reads key "${r.key}" of ConfigMap "${r.name}", which has no such key (${has2}): ${effect}`,
        path: r.keyPath ?? r.path,
        container: r.container,
        related,
      });
    }
    return out;
  },
});
