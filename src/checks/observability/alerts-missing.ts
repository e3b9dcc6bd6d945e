import { defineCheck, type FindingInput, type RelatedInput } from '../types.js';
import { PLACEHOLDER_NAMESPACE, sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { Resource, Workload } from '../../model/types.js';
import { firstByKindName, getArray, getString, isTemplated } from '../../model/util.js';
import { isControlled } from '../availability/util.js';

/** Alerting-rule kinds: namespaced ones count for their namespace. */
const RULE_KINDS: { kind: string; group: string }[] = [
  { kind: 'PrometheusRule', group: 'monitoring.coreos.com/' },
  { kind: 'VMRule', group: 'operator.victoriametrics.com/' },
  { kind: 'Rules', group: 'monitoring.googleapis.com/' },
  { kind: 'ClusterRules', group: 'monitoring.googleapis.com/' },
  { kind: 'GlobalRules', group: 'monitoring.googleapis.com/' },
];

/** Namespaces named in a rule expression: namespace="x", or tested against namespace=~"regex". */
function namespacesInExpr(expr: string): { exact: string[]; patterns: RegExp[] } {
  const exact: string[] = [];
  const patterns: RegExp[] = [];
  for (const m of expr.matchAll(/namespace\s*(=~|=)\s*"([^"]*)"/g)) {
    if (m[1] === '=') exact.push(m[2]);
    else {
      try {
        const re = new RegExp(`^(?:${m[2]})$`);
        // A pattern that matches any namespace (".+", ".*") is a generic cluster rule, not one about this namespace.
        if (!re.test('kubeready-probe-namespace-7q')) patterns.push(re);
      } catch {
        /* not a JS-compatible regex: ignore */
      }
    }
  }
  return { exact, patterns };
}

/** The origin file of objects rendered from a Helm chart (its Chart.yaml, or a .tgz) or a kustomization. */
const RENDERED_UNIT = /(^|\/)(Chart\.yaml|kustomization\.ya?ml|Kustomization)$|\.tgz$/;

interface RuleIndex {
  /** Any alerting-rule object at all in the input. */
  any: boolean;
  /** Helm charts and kustomizations (their Chart.yaml / kustomization file) that rendered alerting-rule objects. */
  files: Set<string>;
  /** Namespaces with a rule object, or named by a rule expression. */
  byNs: Map<string, Resource>;
  patterns: { re: RegExp; rule: Resource }[];
}

function ruleIndex(index: ResourceIndex): RuleIndex {
  return index.memo('obs:rules', () => {
    const out: RuleIndex = { any: false, files: new Set(), byNs: new Map(), patterns: [] };
    for (const { kind, group } of RULE_KINDS) {
      for (const r of index.ofKind(kind)) {
        if (!r.apiVersion.startsWith(group)) continue;
        out.any = true;
        if (RENDERED_UNIT.test(r.origin.file)) out.files.add(r.origin.file);
        if (kind !== 'ClusterRules' && kind !== 'GlobalRules' && !out.byNs.has(index.namespaceOf(r))) out.byNs.set(index.namespaceOf(r), r);
        for (const g of getArray(r.object, ['spec', 'groups'])) {
          for (const rule of getArray(g, ['rules'])) {
            const expr = getString(rule, ['expr']);
            if (!expr) continue;
            const { exact, patterns } = namespacesInExpr(expr);
            for (const ns of exact) if (!out.byNs.has(ns)) out.byNs.set(ns, r);
            for (const re of patterns) out.patterns.push({ re, rule: r });
          }
        }
      }
    }
    return out;
  });
}

const longRunning = (w: Workload) => w.class === 'service' || w.class === 'daemon';

/** The workload a namespace's finding is attached to: its first long-running workload not managed by another object. */
function homeOf(index: ResourceIndex, ns: string): Workload | undefined {
  return index.memo(`obs:alerts-home:${ns}`, () => {
    // Chosen by kind and name, not input order, so the finding (and its fingerprint) does not move
    // when documents are reordered or moved to other files.
    const ws = index.workloadsIn(ns).filter(longRunning);
    const free = ws.filter((w) => !isControlled(w.resource));
    return firstByKindName(free.length ? free : ws, (w) => w.resource);
  });
}

export default defineCheck({
  id: 'alerts-missing',
  pillar: 'observability',
  severity: 'info',
  title: 'No alerting rules for the namespace',
  whatBreaks:
    'Without alerting rules for these workloads, nobody is paged when they fail, crash-loop, slow down or start returning errors: outages are reported by users.',
  details: `Reported once per namespace that runs long-running workloads (Deployments, StatefulSets,
DaemonSets, ...) when the input has no alerting rules for it: no \`PrometheusRule\` (or VictoriaMetrics
\`VMRule\`, Google Managed Prometheus \`Rules\`) in the namespace, and no rule expression of any such object
(including GMP \`ClusterRules\`/\`GlobalRules\`) that names the namespace (\`namespace="shop"\`, or a
\`namespace=~"..."\` pattern matching it). Which \`PrometheusRule\` objects a Prometheus evaluates depends on
its \`ruleSelector\` (labels; null selects none) and \`ruleNamespaceSelector\` (null: its own namespace
only; \`{}\`: all). Many installations select every namespace (kube-prometheus, kube-prometheus-stack),
so this check only asks whether anything in the input alerts on this namespace; give the rule the
labels your Prometheus selects (kube-prometheus-stack: \`release: <release-name>\`). Rule objects that come with the namespace's workloads
(rendered from the same Helm chart or kustomization) count wherever they are deployed: a chart that installs its PrometheusRule into the monitoring namespace has alerts.

The finding is attached to the namespace's first long-running workload by kind and name (not managed
by another object of the input), so it appears once per namespace rather than on every workload; the
message names the others. Exempting that workload from this check silences it for the namespace.

When the input has no alerting-rule object at all, rules are evidently kept elsewhere (a monitoring
repository, kube-prometheus defaults): the finding is *unknown* unless the input is declared complete
(\`--complete\`). Generic cluster alerts (KubePodCrashLooping, KubeDeploymentReplicasMismatch from
kube-prometheus) cover some failures for every namespace; this is an informational nudge to add
service-level alerts (error rate, latency, saturation) of your own.`,
  fix: {
    text: 'Add a PrometheusRule with service-level alerts (error rate, latency, saturation) for the workloads of the namespace.',
    yaml: `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: shop-alerts
  namespace: shop
  labels:
    release: prometheus   # what your Prometheus ruleSelector selects
spec:
  groups:
    - name: shop
      rules:
        - alert: CheckoutHighErrorRate
          expr: sum(rate(http_requests_total{namespace="shop",code=~"5.."}[5m])) / sum(rate(http_requests_total{namespace="shop"}[5m])) > 0.05
          for: 10m
          labels: {severity: page}`,
  },
  uses: ['PrometheusRule', 'VMRule', 'Rules', 'ClusterRules', 'GlobalRules'],
  target: 'workload',
  classes: ['service', 'daemon'],
  run({ workload: w, resource, index }) {
    const out: FindingInput[] = [];
    if (!w) return out;
    const ns = index.namespaceOf(resource);
    // kubebuilder's `system` placeholder is replaced by the overlay's namespace: which one is not known here.
    if (isTemplated(ns) || (resource.namespace === PLACEHOLDER_NAMESPACE && !index.listedKinds) || homeOf(index, ns) !== w) return out;
    const rules = ruleIndex(index);
    if (rules.byNs.has(ns) || rules.patterns.some((p) => p.re.test(ns))) return out;
    // Rules shipped with the workload (rendered from the same chart or kustomization), wherever they
    // are deployed: a chart that puts its PrometheusRule in the monitoring namespace.
    if (index.workloadsIn(ns).some((x) => longRunning(x) && rules.files.has(x.resource.origin.file))) return out;
    const free = index.workloadsIn(ns).filter((x) => longRunning(x) && !isControlled(x.resource));
    const all = free.length > 0 ? free : [w];
    const names = [...new Set(all.map((x) => `${x.resource.kind}/${x.resource.name}`))].sort();
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    const nsObj = index.named('Namespace', ns)[0];
    const related: RelatedInput[] = nsObj ? [{ resource: nsObj, path: [], note: 'the namespace' }] : [];
    out.push({
      message: `no PrometheusRule in the input alerts on namespace "${ns}" (long-running: ${shown}): nothing pages anyone when they fail or degrade, beyond generic cluster alerts`,
      path: ['metadata'],
      related,
      // The list of the namespace's workloads changes as workloads come and go; the finding does not.
      identity: `no PrometheusRule alerts on namespace "${ns}"`,
      unknown: rules.any ? undefined : 'no PrometheusRule at all in the input',
      // Rules for a namespace can live in any namespace (a monitoring one): the whole input decides.
      ...(rules.any ? {} : { unknownIn: '*', knownMessage: `no PrometheusRule ${sourceWhere(index)} alerts on namespace "${ns}" (long-running: ${shown}): nothing pages anyone when they fail or degrade, beyond generic cluster alerts` }),
    });
    return out;
  },
});
