import { defineCheck, type FindingInput } from '../types.js';
import { groupMatches, quoteList, roleRules, type PolicyRule } from './rules.js';
import type { Resource } from '../types.js';

const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

function consequences(rule: PolicyRule): string {
  const verbsStar = rule.verbs.includes('*');
  const resStar = rule.resources.includes('*');
  const parts: string[] = [];
  if (verbsStar) parts.push('every verb, including delete, deletecollection and any verb added later');
  if (resStar) {
    parts.push('every resource in those API groups, including resources and CRDs added later');
    if (groupMatches(rule, '')) {
      const reads = verbsStar || rule.verbs.some((v) => v === 'get' || v === 'list' || v === 'watch');
      if (reads) parts.push('this includes reading every Secret');
      if (verbsStar || rule.verbs.includes('create')) parts.push('creating pods/exec (a shell in any pod)');
    }
    if (groupMatches(rule, 'rbac.authorization.k8s.io') && (verbsStar || rule.verbs.some((v) => WRITE.includes(v) || v === 'bind' || v === 'escalate'))) {
      parts.push('changing RBAC itself');
    }
  }
  return parts.join('; ');
}

function fullWildcardMessage(r: Resource, rule: PolicyRule): string {
  return r.kind === 'ClusterRole'
    ? `rules[${rule.index}] grants verbs "*" on resources "*" in apiGroups "*": cluster-admin equivalent once bound cluster-wide; whoever holds it reads every Secret, runs code in any pod or node and grants itself anything`
    : `rules[${rule.index}] grants verbs "*" on resources "*" in apiGroups "*": full control of the namespace, including every Secret in it, exec into every pod and binding any ClusterRole (even cluster-admin) inside it`;
}

/** Aggregated metrics APIs (metrics-server, Prometheus adapters): read-only, whatever verbs a rule names. */
const METRICS_GROUPS = new Set(['metrics.k8s.io', 'custom.metrics.k8s.io', 'external.metrics.k8s.io']);

const READ_VERBS = new Set(['get', 'list', 'watch']);

export default defineCheck({
  id: 'rbac-wildcard',
  pillar: 'rbac',
  severity: 'warning',
  title: 'RBAC rule uses a wildcard',
  whatBreaks:
    'A "*" grants more than anyone reviewed: every verb (delete, deletecollection, escalate), every resource (Secrets, pods/exec, RBAC objects) and anything installed later. A compromised holder can do all of it; "*" on "*" in "*" is cluster-admin.',
  details: `RBAC wildcards match everything now and later: \`verbs: ["*"]\` includes \`delete\`, \`deletecollection\`, \`escalate\`, \`bind\` and \`impersonate\`; \`resources: ["*"]\` includes \`secrets\`, every subresource (\`pods/exec\`, \`nodes/proxy\`) and every CRD installed later; \`apiGroups: ["*"]\` matches every group, including third-party ones.

Severity:
- **error** when verbs, resources and apiGroups are all \`*\` (cluster-admin for a ClusterRole; namespace owner for a Role);
- **warning** for \`*\` in verbs or resources;
- **info** for \`*\` in apiGroups only (the named resources in any group: usually harmless but imprecise), and for \`*\` verbs or resources in the metrics APIs only (\`metrics.k8s.io\`, \`custom.metrics.k8s.io\`, \`external.metrics.k8s.io\`), which serve get, list and watch and nothing else; and for \`*\` verbs on status subresources only (\`ingresses/status\`), which serve get, update and patch (the registry's StatusREST); and for \`*\` resources with only get, list and watch in named API groups other than the core one (Istio's or Cilium's CRDs): reads, and the core group's Secrets and \`pods/exec\` stay out of reach.

Rules limited by \`resourceNames\` and non-resource rules (\`nonResourceURLs\`) are not reported. Rules that use \`*\` for resources are reported here only; the specific checks (rbac-secrets-read, rbac-pod-exec, ...) look at rules that name the resource. Aggregated ClusterRoles (\`aggregationRule\`) are skipped: their rules are filled in by the controller from other ClusterRoles, which are checked themselves.

Operators that manage arbitrary resources sometimes need wide access: list the verbs and resources they use instead, or exempt them with a reason.`,
  fix: {
    text: 'List the verbs, apiGroups and resources the subject actually uses.',
    yaml: `rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch", "patch"]`,
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole'],
  run({ resource }) {
    const out: FindingInput[] = [];
    for (const rule of roleRules(resource)) {
      if (rule.resources.length === 0 || rule.resourceNames.length > 0) continue;
      const vi = rule.verbs.indexOf('*');
      const ri = rule.resources.indexOf('*');
      const gi = rule.apiGroups.indexOf('*');
      if (vi === -1 && ri === -1 && gi === -1) continue;
      if (vi !== -1 && ri !== -1 && gi !== -1) {
        out.push({ message: fullWildcardMessage(resource, rule), path: [...rule.path, 'verbs', vi], severity: 'error' });
        continue;
      }
      if ((vi !== -1 || ri !== -1) && gi === -1 && rule.apiGroups.length > 0 && rule.apiGroups.every((g) => METRICS_GROUPS.has(g))) {
        out.push({
          message: `rules[${rule.index}] ${vi !== -1 && ri !== -1 ? 'verbs and resources are' : vi !== -1 ? 'verbs is' : 'resources is'} "*" in ${quoteList(rule.apiGroups)}, metrics APIs that serve only get, list and watch: in effect read access to metrics (list those verbs and resources to say so)`,
          path: ri !== -1 ? [...rule.path, 'resources', ri] : [...rule.path, 'verbs', vi],
          severity: 'info',
        });
        continue;
      }
      // Status subresources serve get, update and patch only (StatusREST): "*" grants exactly those.
      if (vi !== -1 && ri === -1 && rule.resources.every((r) => r.endsWith('/status') && !r.startsWith('*'))) {
        out.push({
          message: `rules[${rule.index}] verbs is "*" on status subresources ${quoteList(rule.resources)}, which serve only get, update and patch: in effect those verbs (list them to say so)`,
          path: [...rule.path, 'verbs', vi],
          severity: 'info',
        });
        continue;
      }
      // Read-only "*" on resources of named API groups other than the core one: Secrets, pods/exec and
      // the like live in the core group, so this reads custom resources (Istio's, Cilium's), imprecisely.
      if (vi === -1 && ri !== -1 && gi === -1 && rule.apiGroups.length > 0 && !rule.apiGroups.includes('') && rule.verbs.length > 0 && rule.verbs.every((v) => READ_VERBS.has(v))) {
        out.push({
          message: `rules[${rule.index}] resources is "*" in ${quoteList(rule.apiGroups)} with read verbs only (${quoteList(rule.verbs)}): every resource of those groups, including ones added later, can be read; not the core group's Secrets or pods/exec (list the resources to say so)`,
          path: [...rule.path, 'resources', ri],
          severity: 'info',
        });
        continue;
      }
      if (vi !== -1 || ri !== -1) {
        const which = vi !== -1 && ri !== -1 ? 'verbs and resources are "*"' : vi !== -1 ? 'verbs is "*"' : 'resources is "*"';
        const on = `verbs ${quoteList(rule.verbs)} on resources ${quoteList(rule.resources)} in apiGroups ${quoteList(rule.apiGroups.map((g) => (g === '' ? '""' : g)))}`;
        out.push({
          message: `rules[${rule.index}] ${which} (${on}): grants ${consequences(rule)}`,
          path: ri !== -1 ? [...rule.path, 'resources', ri] : [...rule.path, 'verbs', vi],
        });
        continue;
      }
      out.push({
        message: `rules[${rule.index}] apiGroups is "*": ${quoteList(rule.resources)} match in every API group, including CRDs with the same resource name installed later`,
        path: [...rule.path, 'apiGroups', gi],
        severity: 'info',
      });
    }
    return out;
  },
});
