import { get } from '../../model/util.js';
import { OPERATOR_POD_KINDS } from '../../model/operator-pods.js';
import { selectorMatches } from '../../model/selector.js';
import { defineCheck, type FindingInput } from '../types.js';
import { isPolicyPdb, pdbSelectorKind, selectorEvaluable, showSelector, workloadsOfPdb } from './pdb-util.js';

export default defineCheck({
  id: 'pdb-selects-nothing',
  pillar: 'availability',
  severity: 'warning',
  title: 'PodDisruptionBudget selects no pods',
  whatBreaks:
    'The budget protects nothing: the pods it was meant to guard can all be evicted at once by a node drain or cluster upgrade, while the PDB gives the impression they are covered.',
  details: `A PodDisruptionBudget applies to the pods of its own namespace that its \`spec.selector\`
(\`matchLabels\` and \`matchExpressions\`) matches. A selector copied from another app, a label renamed
in the pod template but not in the budget, or a budget applied to the wrong namespace silently
covers nothing.

Reported when the selector matches the pod template of no workload in the input in the budget's
namespace. That rests on the input holding those workloads, so the finding is shown as unknown
unless the input is declared complete (\`--complete\`).

Reported as a plain warning (not unknown) when the budget cannot select anything whatever the
input: an empty selector \`{}\` in \`policy/v1beta1\` (which selects no pods there; in \`policy/v1\` it
selects every pod of the namespace and is not reported). A budget with no \`spec.selector\` at all
selects no pods either, but that is the shape of a kustomize patch, so it is not reported.

Selectors that cannot be evaluated (unknown operators, unrendered template values) are skipped.`,
  fix: {
    text: "Make spec.selector match the pod template labels of the workload it protects (usually the same labels as the workload's own selector), in the workload's namespace.",
    yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop        # the workload's namespace
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: web   # = spec.template.metadata.labels of the workload`,
  },
  // Custom resources an operator makes pods from (model/operator-pods.ts): read whole.
  uses: OPERATOR_POD_KINDS,
  target: 'object',
  kinds: ['PodDisruptionBudget'],
  run({ resource: pdb, index }) {
    const out: FindingInput[] = [];
    if (!isPolicyPdb(pdb)) return out;
    const sel = get(pdb.object, ['spec', 'selector']);
    const kind = pdbSelectorKind(pdb);
    if (kind === 'all') return out;
    if (kind === 'none') {
      // No selector at all is what a kustomize patch of a budget looks like (it sets only
      // minAvailable); a fragment is not a finding.
      if (sel === undefined || sel === null) return out;
      out.push({
        message: 'has an empty selector in policy/v1beta1, which selects no pods (only policy/v1 reads {} as every pod of the namespace): this budget protects nothing',
        path: ['spec', 'selector'],
      });
      return out;
    }
    if (!selectorEvaluable(sel)) return out;
    const ns = index.namespaceOf(pdb);
    const of = workloadsOfPdb(pdb, index);
    if (of.certain.length > 0 || of.possible.length > 0) return out;
    // Pods an operator creates from a custom resource of the input (a Prometheus, an Alertmanager).
    if (index.operatorPodsIn(ns).some((p) => selectorMatches(sel, p.labels) !== false)) return out;
    out.push({
      message: `selector (${showSelector(pdb)}) matches the pods of no workload in namespace "${ns}": this budget protects nothing`,
      path: ['spec', 'selector'],
      unknown: 'no workload in the input has pods this selector matches',
    });
    return out;
  },
});
