import { defineCheck, type RelatedInput, type Workload } from '../types.js';
import { PLACEHOLDER_NAMESPACE, type ResourceIndex } from '../../model/index.js';
import { dirOf, getString, isObject, isTemplated, parseImage, stringMap } from '../../model/util.js';
import { findServiceAccount, podServiceAccount, rbacGraph, RBAC_KINDS } from '../../model/rbac.js';

/** Labels that name the app a workload belongs to (any of them may be used). */
const NAME_KEYS = ['app.kubernetes.io/name', 'app', 'k8s-app'];
const INSTANCE_KEY = 'app.kubernetes.io/instance';
/** ServiceAccount annotations that attach a cloud identity. */
const CLOUD_IDENTITY = ['eks.amazonaws.com/role-arn', 'iam.gke.io/gcp-service-account', 'azure.workload.identity/client-id'];
const MAX_NAMED = 3;

interface Member {
  w: Workload;
  /** App names from the identity labels of the workload and its pod template. */
  names: string[];
  instance: string | undefined;
  /** Image repositories of the main containers (tags and digests dropped). */
  images: string[];
  /** Folder of a namespace-less manifest (see ResourceIndex.sameScope); null when it names its namespace. */
  dir: string | null;
  sig: string;
}


function memberOf(w: Workload): Member | null {
  const meta = isObject(w.resource.object.metadata) ? stringMap(w.resource.object.metadata.labels) : {};
  const value = (k: string) => {
    for (const v of [w.podLabels[k], meta[k]]) if (v && !isTemplated(v)) return v;
    return undefined;
  };
  const names = [...new Set(NAME_KEYS.flatMap((k) => [w.podLabels[k], meta[k]]).filter((v): v is string => !!v && !isTemplated(v)))].sort();
  if (names.length === 0) return null;
  const instance = value(INSTANCE_KEY);
  const images = [
    ...new Set(
      w.containers
        .filter((c) => c.type === 'container' && typeof c.spec.image === 'string' && c.spec.image && !isTemplated(c.spec.image))
        .map((c) => parseImage(c.spec.image as string).repository),
    ),
  ].sort();
  // The folder decides what is deployed together for namespace-less manifests and for kubebuilder's
  // placeholder namespace (ResourceIndex.sameScope), so it is part of the signature there.
  const dir = w.resource.namespace === undefined || w.resource.namespace === PLACEHOLDER_NAMESPACE ? dirOf(w.resource.origin.file) : null;
  return { w, names, instance, images, dir, sig: `${names.join(',')}|${instance ?? ''}|${images.join(',')}|${dir ?? ''}` };
}

/**
 * Same app: a common app name (and the same instance when both say one), or the same image in a
 * main container (shards and modes of one program, a Deployment and the Job running its migrations).
 */
function related(a: Member, b: Member): boolean {
  // Two instances (releases) that both say so are two deployments, whatever they run.
  if (a.instance !== undefined && b.instance !== undefined && a.instance !== b.instance) return false;
  return a.images.some((i) => b.images.includes(i)) || a.names.some((n) => b.names.includes(n));
}

/** Deployed together (ResourceIndex.sameScope), and not one object written twice (kind, namespace and name). */
function together(index: ResourceIndex, a: Member, b: Member): boolean {
  const x = a.w.resource;
  const y = b.w.resource;
  if (x.kind === y.kind && x.name === y.name && index.namespaceOf(x) === index.namespaceOf(y)) return false;
  return index.sameScope(x, y);
}

/** Workloads of a namespace by the (non-default) ServiceAccount they run as. */
function membersBySa(index: ResourceIndex, ns: string): Map<string, Member[]> {
  return index.memo(`rbac:sa-shared:${ns}`, () => {
    const m = new Map<string, Member[]>();
    for (const w of index.workloadsIn(ns)) {
      const sa = podServiceAccount(w).name;
      if (sa === 'default' || isTemplated(sa)) continue;
      const member = memberOf(w);
      if (!member) continue;
      let l = m.get(sa);
      if (!l) m.set(sa, (l = []));
      l.push(member);
    }
    return m;
  });
}

/** The members of other apps sharing the ServiceAccount, computed once per identity signature. */
function otherApps(index: ResourceIndex, ns: string, sa: string, me: Member, group: Member[]): Member[] {
  return index.memo(`rbac:sa-shared:${ns}\0${sa}\0${me.sig}`, () => group.filter((o) => o.w !== me.w && together(index, me, o) && !related(me, o)));
}

function describe(m: Member): string {
  return `${m.w.resource.kind} "${m.w.resource.name}" (app ${m.names[0]}${m.instance ? `, instance ${m.instance}` : ''})`;
}

export default defineCheck({
  id: 'service-account-shared',
  pillar: 'rbac',
  severity: 'warning',
  title: 'ServiceAccount shared by different apps',
  whatBreaks:
    'Every app running as this ServiceAccount holds the permissions granted for all of them: a compromise of the least trusted one gets what the most privileged one needs, and audit logs cannot tell the apps apart.',
  details: `Reported on each workload whose ServiceAccount (other than \`default\`, covered by default-service-account) is also used by a workload of a **different app** in the same namespace. Apps are told apart by their identity labels on the workload or its pod template: \`app.kubernetes.io/name\`, \`app\` and \`k8s-app\` (any shared value makes them the same app), and workloads whose main containers run the same image (repository, any tag) are one program too; but two workloads whose \`app.kubernetes.io/instance\` labels differ are two deployments (two releases of one chart). So the replicas of one app across kinds (a Deployment and its migration Job or CronJob, a StatefulSet and its backup Job, the components of one Helm release, the shards of one exporter) are not reported. Workloads without identity labels are left out: nothing says they are different apps. Namespace-less manifests count as deployed together only when they sit in the same folder.

The finding is on each workload rather than on the ServiceAccount: the ServiceAccount may not be in the input, each workload is what gains the others' permissions, and its \`serviceAccountName\` is where the fix goes. The other workloads, and the ServiceAccount when it is in the input, are listed as related objects.

Severity: **warning** when the ServiceAccount is granted something (a binding in the input, a role not in the input, or a cloud identity annotation such as \`eks.amazonaws.com/role-arn\`); **info** when nothing is granted to it in the input.`,
  fix: {
    text: 'Give each app its own ServiceAccount and bind each only what that app uses.',
    yaml: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: cart
automountServiceAccountToken: false
---
# in the cart workload
spec:
  template:
    spec:
      serviceAccountName: cart`,
  },
  uses: RBAC_KINDS,
  target: 'workload',
  run({ workload, index }) {
    const w = workload!;
    const sa = podServiceAccount(w);
    if (sa.name === 'default' || isTemplated(sa.name)) return [];
    const ns = index.namespaceOf(w.resource);
    const group = membersBySa(index, ns).get(sa.name);
    if (!group || group.length < 2) return [];
    const me = group.find((m) => m.w === w);
    if (!me) return [];
    const others = otherApps(index, ns, sa.name, me, group);
    if (others.length === 0) return [];

    const graph = rbacGraph(index);
    // What is granted to this ServiceAccount itself (groups reach every ServiceAccount anyway).
    const grants = graph.permissionsOf(ns, sa.name).filter((g) => g.direct);
    const risks = graph.directRisksOf(ns, sa.name);
    const unknown = graph.unknownBindingsOf(ns, sa.name).filter((u) => u.direct).length;
    const saObj = findServiceAccount(index, w, sa.name);
    const annotations = saObj && isObject(saObj.object.metadata) ? saObj.object.metadata.annotations : undefined;
    const cloud = CLOUD_IDENTITY.find((k) => getString(annotations, [k]));

    const granted: string[] = [];
    if (risks.length) granted.push(`it ${risks[0].summary}${risks.length > 1 ? ` (and ${risks.length - 1} more risky permission${risks.length > 2 ? 's' : ''})` : ''}`);
    else if (grants.length) granted.push(`${grants.length} RBAC rule${grants.length > 1 ? 's' : ''} granted to it in the input`);
    if (unknown) granted.push(`${unknown} binding${unknown > 1 ? 's' : ''} to roles not in the input`);
    if (cloud) granted.push(`its cloud identity (${cloud})`);

    const named = others.slice(0, MAX_NAMED).map(describe);
    const list = others.length > MAX_NAMED ? `${named.join(', ')} and ${others.length - MAX_NAMED} more` : named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}` : named[0];
    const consequence = granted.length
      ? `each of these apps holds everything granted for the others: ${granted.join('; ')}`
      : 'nothing is granted to it in the input today, but anything bound to it for one app reaches all of them, and audit logs cannot tell them apart';
    const related: RelatedInput[] = others.map((o) => ({ resource: o.w.resource, path: podServiceAccount(o.w).path, note: `also runs as "${sa.name}" (app ${o.names[0]})` }));
    if (saObj) related.push({ resource: saObj, path: [], note: 'the shared ServiceAccount' });
    return [
      {
        message: `ServiceAccount "${sa.name}" (app ${me.names[0]}) is also used by ${list}: ${consequence}`,
        path: sa.path,
        ...(granted.length ? {} : { severity: 'info' as const }),
        related,
      },
    ];
  },
});
