import { defineCheck, type FindingInput } from '../types.js';
import { grantedVerbs, grantedVerbsText, groupMatches, namedResourceIndex, quoteList, resourcePath, roleRules } from './rules.js';

export default defineCheck({
  id: 'rbac-nodes-proxy',
  pillar: 'rbac',
  severity: 'error',
  title: 'ClusterRole can reach the kubelet API through nodes/proxy',
  whatBreaks:
    'nodes/proxy forwards requests to the kubelet of any node: whoever holds it can run commands in every pod on that node and read their logs, and these requests bypass admission control and most audit logging.',
  details: `The API server proxies \`/api/v1/nodes/<node>/proxy/...\` to the kubelet with the API server's own (fully privileged) kubelet credentials. The kubelet endpoints include \`/exec\`, \`/run\` and \`/attach\` for every pod on the node. \`create\` is enough, and so is \`get\`: the kubelet's exec endpoint accepts WebSocket upgrades, which arrive as GET requests. \`*/proxy\` also matches \`nodes/proxy\`.

Monitoring agents used \`nodes/proxy\` to scrape cAdvisor and kubelet metrics: grant \`nodes/metrics\` (and \`nodes/stats\` if needed) instead, which only expose metrics, **and scrape the kubelet directly** on port 10250. Scrape jobs that go through the API server (\`/api/v1/nodes/<node>/proxy/metrics...\`) are always authorized as \`nodes/proxy\`: switch them to direct kubelet scraping first.

A rule restricted by \`resourceNames\` reaches only the named nodes, and is reported as a warning: every pod on those nodes is still exposed. Only ClusterRoles are checked: nodes are cluster-scoped, so a namespaced Role cannot grant \`nodes/proxy\`.`,
  fix: {
    text: 'Replace nodes/proxy with nodes/metrics (and nodes/stats) for metrics scraping, and scrape the kubelet directly (port 10250): scrapes through the API server proxy need nodes/proxy.',
    yaml: `rules:
  - apiGroups: [""]
    resources: ["nodes/metrics", "nodes/stats"]
    verbs: ["get"]`,
  },
  target: 'object',
  kinds: ['ClusterRole'],
  run({ resource }) {
    const out: FindingInput[] = [];
    for (const rule of roleRules(resource)) {
      if (!groupMatches(rule, '')) continue;
      const i = namedResourceIndex(rule, 'nodes/proxy');
      if (i < 0) continue;
      const verbs = grantedVerbs(rule, ['get', 'create']);
      if (verbs.length === 0) continue;
      const named = rule.resourceNames.length > 0;
      out.push({
        message: named
          ? `rules[${rule.index}] grants ${grantedVerbsText(rule, verbs)} on ${rule.resources[i]} for nodes ${quoteList(rule.resourceNames)}: can call their kubelet API and run commands in every pod on them`
          : `rules[${rule.index}] grants ${grantedVerbsText(rule, verbs)} on ${rule.resources[i]}: can call any node's kubelet API and run commands in every pod on it, bypassing admission`,
        path: resourcePath(rule, i),
        ...(named ? { severity: 'warning' as const } : {}),
      });
    }
    return out;
  },
});
