import { defineCheck, type FindingInput, type Resource } from '../types.js';
import type { ResourceIndex } from '../../model/index.js';
import { closeFolders, get, getString, isObject, stringMap } from '../../model/util.js';
import { isEmptySelector, selectorMatches } from '../../model/selector.js';
import { grantedVerbs, grantedVerbsText, groupMatches, namedResourceIndex, resourcePath, roleRules } from './rules.js';

export default defineCheck({
  id: 'rbac-secrets-read',
  pillar: 'rbac',
  severity: 'error',
  title: 'Role can read Secrets',
  whatBreaks:
    'Whoever holds this role reads Secret values: database passwords, TLS keys, cloud credentials and (on older clusters) ServiceAccount tokens that let them act as other apps. list and watch return every Secret with its data, not only names.',
  details: `\`get\`, \`list\` or \`watch\` on \`secrets\` (core group) without \`resourceNames\`. A \`list\` returns full objects, data included, so "list secrets" is "read all secrets". \`get\` alone needs the name, but names are easy to learn from pod specs and Helm release conventions.

Severity: **error** on a ClusterRole that a ClusterRoleBinding of the input binds (it reads every namespace, including kube-system) or whose \`aggregate-to-*\` labels (or an aggregating ClusterRole of the input) fold it into a wider role; **warning** on a Role (one namespace), on a ClusterRole that only RoleBindings bind (the namespaces they name; the message lists them), and on a ClusterRole nothing in the input binds (the message says a ClusterRoleBinding would make it every namespace). A live audit sees every binding.

Rules restricted with \`resourceNames\` are not reported: that is the least-privilege form (\`list\`/\`watch\` with resourceNames only work with a \`metadata.name\` field selector). Rules that grant \`resources: ["*"]\` are reported by rbac-wildcard. Controllers that really manage Secrets cluster-wide (cert-manager, external-secrets, sealed-secrets) need this: exempt them with a reason.`,
  fix: {
    text: 'Restrict the rule to the Secrets the app uses with resourceNames and drop list/watch, or mount the Secret into the pod instead of reading it through the API.',
    yaml: `rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["web-db-credentials"]
    verbs: ["get"]`,
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole'],
  run({ resource, index }) {
    const out: FindingInput[] = [];
    // Who binds a ClusterRole: looked up once, and only for a role with a rule to report.
    let looked = false;
    let reach: ReturnType<typeof clusterRoleReach> | null = null;
    let cluster = false;
    for (const rule of roleRules(resource)) {
      if (rule.resourceNames.length > 0 || !groupMatches(rule, '')) continue;
      const i = namedResourceIndex(rule, 'secrets');
      if (i < 0) continue;
      const verbs = grantedVerbs(rule, ['get', 'list', 'watch']);
      if (verbs.length === 0) continue;
      if (!looked) {
        looked = true;
        reach = resource.kind === 'ClusterRole' ? clusterRoleReach(index, resource) : null;
        cluster = reach !== null && (reach.clusterWide !== null || reach.aggregated !== null);
      }
      const scope = !reach
        ? 'in its namespace'
        : reach.clusterWide
          ? `in every namespace (ClusterRoleBinding "${reach.clusterWide.name}" binds it)`
          : reach.aggregated
            ? `wherever ClusterRole "${reach.aggregated}" is bound (its labels aggregate it there)`
            : reach.namespaces.length
              ? `in ${reach.namespaces.length === 1 ? 'namespace' : 'namespaces'} ${reach.namespaces.map((n) => `"${n}"`).join(', ')} (bound there by RoleBindings only; a ClusterRoleBinding would make it every namespace)`
              : 'in every namespace it is bound for (nothing in the input binds it; a ClusterRoleBinding would make it all of them)';
      const what = verbs.includes('list') || verbs.includes('watch')
        ? `can list every Secret ${scope} and read its data (list/watch return values, not only names)`
        : `can read any Secret ${scope} whose name it knows`;
      out.push({
        message: `rules[${rule.index}] grants ${grantedVerbsText(rule, verbs)} on secrets with no resourceNames: ${what}`,
        path: resourcePath(rule, i),
        severity: cluster ? 'error' : 'warning',
        ...(reach?.clusterWide ? { related: [{ resource: reach.clusterWide, path: ['roleRef', 'name'], note: 'binds it cluster-wide' }] } : {}),
      });
    }
    return out;
  },
});

/**
 * Who binds a ClusterRole, as far as the input says: a ClusterRoleBinding (every namespace), an
 * aggregation into a wider role (\`aggregate-to-*\` labels, or an aggregating ClusterRole of the
 * input whose selector matches its labels), or RoleBindings (their namespaces only). Bindings of a
 * manifest tree count from near folders (closeFolders, same render); a live scan sees them all.
 */
export function clusterRoleReach(index: ResourceIndex, role: Resource): { clusterWide: Resource | null; aggregated: string | null; namespaces: string[] } {
  const near = (b: Resource) => index.listedKinds !== undefined || ((b.origin.render === role.origin.render) && closeFolders(b.origin.file, role.origin.file));
  // Bindings by the ClusterRole they reference, built once per audit.
  const byRole = index.memo('rbac:bindings-by-clusterrole', () => {
    const m = new Map<string, Resource[]>();
    for (const b of [...index.ofKind('ClusterRoleBinding'), ...index.ofKind('RoleBinding')]) {
      if (getString(b.object, ['roleRef', 'kind']) !== 'ClusterRole') continue;
      const name = getString(b.object, ['roleRef', 'name']);
      if (name === undefined) continue;
      const l = m.get(name);
      if (l) l.push(b);
      else m.set(name, [b]);
    }
    return m;
  });
  const bindings = (byRole.get(role.name) ?? []).filter(near);
  const clusterWide = bindings.find((b) => b.kind === 'ClusterRoleBinding') ?? null;
  const namespaces = [...new Set(bindings.filter((b) => b.kind === 'RoleBinding').map((b) => index.namespaceOf(b)))].sort();
  const labels = stringMap(get(role.object, ['metadata', 'labels']));
  let aggregated: string | null = null;
  for (const [k, v] of Object.entries(labels)) {
    const m = /^rbac\.authorization\.k8s\.io\/aggregate-to-(.+)$/.exec(k);
    if (m && v === 'true') aggregated = m[1];
  }
  if (!aggregated) {
    const aggregating = index.memo('rbac:aggregating-clusterroles', () => index.ofKind('ClusterRole').filter((r) => isObject(r.object.aggregationRule)));
    for (const agg of aggregating) {
      if (agg === role || !near(agg)) continue;
      const selectors = get(agg.object, ['aggregationRule', 'clusterRoleSelectors']);
      if (Array.isArray(selectors) && selectors.some((sel) => isObject(sel) && !isEmptySelector(sel) && selectorMatches(sel, labels) === true)) {
        aggregated = agg.name;
        break;
      }
    }
  }
  return { clusterWide, aggregated, namespaces };
}
